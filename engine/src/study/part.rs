//! Parts of a dynamics study's work, for shards: a shard plays its share of the payoff
//! matches (job `k` of the payoff tournament to shard `k mod N`, as a tournament's shards) and
//! of a simulation's runs (run `r` to shard `r mod N`), and keeps their mergeable sums. The
//! merged sums of every shard give the same payoff matrix and simulation summary, bit for bit,
//! as one [`super::run`], and the rest of the study (the dynamics on the matrix, cheap beside
//! the matches and runs) is computed from them by [`finish`].
//!
//! A simulation needs the whole payoff matrix for its runs, so each shard computes it (payoff
//! matrices of simulations are small beside their runs); shard 0 keeps its sums, and the
//! sampled trajectories of the first runs, for the merge.

use serde::{Deserialize, Serialize};

use crate::evolution;
use crate::population::RunTally;
use crate::tournament::{self, observe::Unobserved, PartRun, PartialTally, RunOptions, Shard};
use crate::trajectory_sample::SampledTrajectories;

use super::run::{dynamics, in_pool, resolve_payoffs, resolved, simulation_part};
use super::{DynamicsOutcome, DynamicsSpec, PayoffSource, StudyError};

/// The sums of some of a dynamics study's work: mergeable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DynamicsPartial {
    /// Sums of payoff matches: the shard's share of them, or for a simulation all of them
    /// (shard 0 only). `None` for a given matrix.
    pub payoffs: Option<PartialTally>,
    /// The simulation runs' sums.
    pub runs: Option<RunTally>,
    /// The sampled trajectories of a simulation's first runs (shard 0).
    pub trajectories: Option<SampledTrajectories>,
}

fn parts(message: impl Into<String>) -> StudyError {
    StudyError::Parts(message.into())
}

impl DynamicsPartial {
    /// Adds the sums of other (disjoint) work.
    pub fn merge(&mut self, other: &DynamicsPartial) -> Result<(), StudyError> {
        match (&mut self.payoffs, &other.payoffs) {
            (Some(a), Some(b)) => a.merge(b).map_err(|e| parts(e.to_string()))?,
            (a @ None, Some(b)) => *a = Some(b.clone()),
            (_, None) => {}
        }
        match (&mut self.runs, &other.runs) {
            (Some(a), Some(b)) => a.add(b).map_err(|e| parts(e.to_string()))?,
            (a @ None, Some(b)) => *a = Some(b.clone()),
            (_, None) => {}
        }
        match (&self.trajectories, &other.trajectories) {
            (Some(_), Some(_)) => {
                return Err(parts("two partials hold the sampled trajectories"));
            }
            (None, Some(t)) => self.trajectories = Some(t.clone()),
            _ => {}
        }
        Ok(())
    }

    /// Payoff matches and simulation runs in the sums.
    pub fn counts(&self) -> (u64, u64, u128) {
        let (matches, turns) = self
            .payoffs
            .as_ref()
            .map_or((0, 0), |p| (p.matches_played(), p.turns_played()));
        (matches, turns, self.runs.as_ref().map_or(0, RunTally::runs))
    }
}

/// Plays `shard` of a dynamics study's work (see the module docs).
pub fn run_part(
    spec: &DynamicsSpec,
    threads: Option<usize>,
    shard: Shard,
) -> Result<DynamicsPartial, StudyError> {
    let payoff_part = |ms: &evolution::MatchPayoffSpec, part: Shard| {
        tournament::run_part(
            &evolution::payoff_tournament(ms),
            RunOptions { threads },
            PartRun {
                shard: part,
                resume: None,
                checkpoints: None,
                observer: &Unobserved,
            },
        )
        .map_err(|e| StudyError::Payoffs(evolution::EvolutionError::Tournament(e)))
    };
    if let DynamicsSpec::Simulation(s) = spec {
        let (sums, payoffs) = match s.payoffs() {
            PayoffSource::Matrix { .. } => (None, resolve_payoffs(s.payoffs(), threads)?),
            PayoffSource::Matches(ms) => {
                let sums = payoff_part(ms, Shard::WHOLE)?;
                let computed = evolution::payoff_matrix_from(ms, sums.clone())?;
                (Some(sums), resolved(ms, computed))
            }
        };
        let first = shard.index() == 0;
        let (runs, trajectories) = simulation_part(s, &payoffs, threads, shard, first)?;
        return Ok(DynamicsPartial {
            payoffs: sums.filter(|_| first),
            runs: Some(runs),
            trajectories,
        });
    }
    let payoffs = match spec.payoffs() {
        PayoffSource::Matrix { .. } => None,
        PayoffSource::Matches(ms) => Some(payoff_part(ms, shard)?),
    };
    Ok(DynamicsPartial {
        payoffs,
        runs: None,
        trajectories: None,
    })
}

/// The outcome of a dynamics study from the merged sums of all its work: the same, bit for
/// bit, as [`super::run`].
pub fn finish(
    spec: &DynamicsSpec,
    partial: DynamicsPartial,
    threads: Option<usize>,
) -> Result<DynamicsOutcome, StudyError> {
    let payoffs = match spec.payoffs() {
        PayoffSource::Matrix { .. } => resolve_payoffs(spec.payoffs(), threads)?,
        PayoffSource::Matches(ms) => {
            let sums = partial
                .payoffs
                .ok_or_else(|| parts("no sums of the payoff matches"))?;
            resolved(ms, evolution::payoff_matrix_from(ms, sums)?)
        }
    };
    let runs = match spec {
        DynamicsSpec::Simulation(s) => {
            let tally = partial
                .runs
                .ok_or_else(|| parts("no sums of the simulation runs"))?;
            let summary = tally
                .summary_of(payoffs.labels.len(), s.runs().get())
                .map_err(|e| parts(e.to_string()))?;
            let trajectories = partial
                .trajectories
                .ok_or_else(|| parts("no sampled trajectories (shard 0's partial)"))?;
            Some((summary, trajectories))
        }
        _ => None,
    };
    in_pool(threads, || dynamics(spec, payoffs, runs, threads))?
}
