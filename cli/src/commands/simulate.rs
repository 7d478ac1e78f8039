//! `vertrouwen simulate`: the `Simulation` study, from flags.

use vertrouwen_engine::population::{FitnessMap, UpdateRule};
use vertrouwen_engine::study::{DynamicsSpec, SimulationMode, SimulationSettings, SimulationSpec};

use crate::args::{FitnessName, ModeName, RuleName, SimulateArgs};
use crate::failure::Failure;
use crate::settings;

pub fn simulate(a: SimulateArgs) -> Result<(), Failure> {
    let rule = match (a.rule, a.beta) {
        (Some(RuleName::Fermi), None) => {
            return Err(Failure::flag(
                "--rule",
                "the Fermi rule needs its intensity of selection: --beta B",
            ))
        }
        (Some(RuleName::BirthDeath | RuleName::DeathBirth), Some(_)) => {
            return Err(Failure::flag(
                "--beta",
                "--beta is the Fermi rule's intensity; the Moran rules take --selection W",
            ))
        }
        (_, Some(b)) => UpdateRule::Fermi { beta: b.get() },
        (Some(RuleName::DeathBirth), None) => UpdateRule::DeathBirth,
        _ => UpdateRule::BirthDeath,
    };
    let w = a.selection.map_or(1.0, |w| w.get());
    let fitness = match a.fitness {
        FitnessName::Linear => FitnessMap::Linear { w },
        FitnessName::Exponential => FitnessMap::Exponential { w },
    };
    let process_flag = if a.beta.is_some() {
        "--beta"
    } else {
        "--selection"
    };
    let flags = settings::flags(&a.payoffs, process_flag, "--initial");
    let payoffs = settings::payoff_source(&a.payoffs, &flags)?;
    let settings = SimulationSettings {
        mode: match a.mode {
            ModeName::Cached => SimulationMode::Cached,
            ModeName::Matches => SimulationMode::Matches,
        },
        rule,
        fitness,
        mutation: a.mutation,
        graph: settings::graph(&a.graph)?,
        reproduction: None,
        initial: settings::counts(&a.initial)?,
        max_steps: a.max_steps,
        runs: a.runs,
        seed: a.payoffs.seed,
    };
    let spec = SimulationSpec::new(payoffs, settings, &settings::limits(&a.payoffs.memory))
        .map_err(|e| Failure::spec(&e, &flags))?;
    let threads = a.threads.map(|t| t as usize);
    let outcome = super::run_dynamics(&DynamicsSpec::Simulation(spec), threads, &flags)?;
    super::emit(&outcome, a.json)
}
