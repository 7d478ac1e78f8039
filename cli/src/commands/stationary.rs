//! `vertrouwen stationary`: the `Stationary` study, from flags.

use vertrouwen_engine::study::{DynamicsSpec, StationarySpec};

use crate::args::StationaryArgs;
use crate::failure::Failure;
use crate::settings;

pub fn stationary(a: StationaryArgs) -> Result<(), Failure> {
    let (process, process_flag) = settings::process(&a.selection)?;
    let flags = settings::flags(&a.payoffs, process_flag, "--x0");
    let payoffs = settings::payoff_source(&a.payoffs, &flags)?;
    let spec = StationarySpec::new(
        payoffs,
        a.selection.population,
        process,
        &settings::limits(&a.payoffs.memory),
    )
    .map_err(|e| Failure::spec(&e, &flags))?;
    let outcome = super::run_dynamics(&DynamicsSpec::Stationary(spec), None, &flags)?;
    super::emit(&outcome, a.json)
}
