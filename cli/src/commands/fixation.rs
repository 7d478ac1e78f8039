//! `vertrouwen fixation`: the `Fixation` study of one process, from flags.

use vertrouwen_engine::study::{DynamicsSpec, FixationSpec};

use crate::args::FixationArgs;
use crate::failure::Failure;
use crate::settings;

pub fn fixation(a: FixationArgs) -> Result<(), Failure> {
    let (process, process_flag) = settings::process(&a.selection)?;
    let flags = settings::flags(&a.payoffs, process_flag, "--x0");
    let payoffs = settings::payoff_source(&a.payoffs, &flags)?;
    let spec = FixationSpec::new(
        payoffs,
        a.selection.population,
        vec![process],
        &settings::limits(&a.payoffs.memory),
    )
    .map_err(|e| Failure::spec(&e, &flags))?;
    let outcome = super::run_dynamics(&DynamicsSpec::Fixation(spec), None, &flags)?;
    super::emit(&outcome, a.json)
}
