//! `vertrouwen replicator`: the `Ecological` (`--generations`) or `Replicator` (`--time`)
//! study, from flags; `--out` writes the trajectory as a study's `shares.csv`.

use vertrouwen_engine::study::{DynamicsOutcome, DynamicsSpec, EcologicalSpec, ReplicatorSpec};
use vertrouwen_output::tables::{self, Clock};

use crate::args::ReplicatorArgs;
use crate::failure::Failure;
use crate::settings;

pub fn replicator(a: ReplicatorArgs) -> Result<(), Failure> {
    let flags = settings::flags(&a.payoffs, "--mutation", "--x0");
    let payoffs = settings::payoff_source(&a.payoffs, &flags)?;
    let limits = settings::limits(&a.payoffs.memory);
    let spec = match (a.generations, a.time) {
        (Some(g), _) => {
            EcologicalSpec::new(payoffs, a.x0.clone(), g, &limits).map(DynamicsSpec::Ecological)
        }
        (None, Some(t)) => {
            ReplicatorSpec::new(payoffs, a.x0.clone(), t, a.points, a.mutation, &limits)
                .map(DynamicsSpec::Replicator)
        }
        (None, None) => {
            return Err(Failure::Message(
                "give --time T (continuous) or --generations G (discrete)".into(),
            ))
        }
    }
    .map_err(|e| Failure::spec(&e, &flags))?;
    let outcome = super::run_dynamics(&spec, None, &flags)?;
    if let Some(path) = &a.out {
        let labels = &outcome.payoffs().labels;
        match &outcome {
            DynamicsOutcome::Ecological(e) => vertrouwen_output::write_file(path, |w| {
                tables::trajectory(w, Clock::Generations, labels, &e.states)
            })?,
            DynamicsOutcome::Replicator(r) => vertrouwen_output::write_file(path, |w| {
                tables::trajectory(
                    w,
                    Clock::Times(&r.trajectory.times),
                    labels,
                    &r.trajectory.states,
                )
            })?,
            _ => {}
        }
    }
    super::emit(&outcome, a.json)
}
