//! `vertrouwen rest-points`: the `RestPoints` study, from flags.

use vertrouwen_engine::study::{DynamicsSpec, RestPointsSpec};

use crate::args::RestPointsArgs;
use crate::failure::Failure;
use crate::settings;

pub fn rest_points(a: RestPointsArgs) -> Result<(), Failure> {
    let flags = settings::flags(&a.payoffs, "--matrix", "--x0");
    let payoffs = settings::payoff_source(&a.payoffs, &flags)?;
    let spec = RestPointsSpec::new(payoffs, &settings::limits(&a.payoffs.memory))
        .map_err(|e| Failure::spec(&e, &flags))?;
    let outcome = super::run_dynamics(&DynamicsSpec::RestPoints(spec), None, &flags)?;
    super::emit(&outcome, a.json)
}
