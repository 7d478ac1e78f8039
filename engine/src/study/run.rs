//! Running a study: payoffs first (given, or computed from matches), then the dynamics. Every
//! outcome is typed and holds only finite numbers; writing it is the `vertrouwen-output`
//! crate's job.

use crate::evolution::{self, MatchPayoff, MatchPayoffSpec};
use crate::moran::{self, Fixation, FixationTimes, Process, Stationary};
use crate::payoff_matrix::{DynamicsError, OverflowCause, PayoffMatrix};
use crate::population::{self, RunTally, SimulationConfig, SimulationError, SimulationSummary};
use crate::replicator::{self, Tolerances, Trajectory};
use crate::rest_points::{self, RestPoint};
use crate::tournament::Shard;
use crate::trajectory_sample::{self, SampledTrajectories};
use crate::values::Shares;

use super::spec::{
    DynamicsSpec, EcologicalSpec, FixationSpec, ReplicatorSpec, SimulationMode, SimulationSpec,
    StationarySpec,
};
use super::{Field, PayoffSource, StudyError};

/// Where the payoffs came from, with what computing them cost.
#[derive(Clone, Debug)]
pub enum PayoffOrigin {
    /// Given directly.
    Matrix,
    /// Computed from matches.
    Matches {
        spec: MatchPayoffSpec,
        /// Whether each pair was averaged over repetitions (`false`: played once).
        stochastic_pairs: Vec<Vec<bool>>,
        matches_played: usize,
        turns_played: u64,
    },
}

/// The payoff matrix a study ran on, with its strategies' labels.
#[derive(Clone, Debug)]
pub struct ResolvedPayoffs {
    pub labels: Vec<String>,
    pub matrix: PayoffMatrix,
    pub origin: PayoffOrigin,
}

/// The discrete replicator map's trajectory: `states[g]` after `g` generations.
#[derive(Clone, Debug)]
pub struct EcologicalOutcome {
    pub payoffs: ResolvedPayoffs,
    pub generations: u64,
    pub states: Vec<Vec<f64>>,
}

/// The continuous replicator (or replicator-mutator) trajectory.
#[derive(Clone, Debug)]
pub struct ReplicatorOutcome {
    pub payoffs: ResolvedPayoffs,
    pub time: f64,
    /// The uniform mutation probability (0: the plain replicator equation).
    pub mutation: f64,
    pub trajectory: Trajectory,
}

/// Fixation under one process.
#[derive(Clone, Debug)]
pub struct FixationRow {
    pub process: Process,
    pub fixation: Fixation,
    /// `None` when the first strategy can never fix (its times are undefined).
    pub times: Option<FixationTimes>,
}

/// Exact fixation probabilities and times, one row per process.
#[derive(Clone, Debug)]
pub struct FixationOutcome {
    pub payoffs: ResolvedPayoffs,
    pub population: u64,
    pub rows: Vec<FixationRow>,
}

/// The small-mutation-limit stationary distribution.
#[derive(Clone, Debug)]
pub struct StationaryOutcome {
    pub payoffs: ResolvedPayoffs,
    pub population: u64,
    pub process: Process,
    pub stationary: Stationary,
}

/// A simulation's summary over its runs.
#[derive(Clone, Debug)]
pub struct SimulationOutcome {
    pub payoffs: ResolvedPayoffs,
    pub mode: SimulationMode,
    pub config: SimulationConfig,
    pub runs: u64,
    pub seed: u64,
    pub summary: SimulationSummary,
    /// The counts of the first runs at common steps, for plots.
    pub trajectories: SampledTrajectories,
}

/// The rest points of the replicator equation with their stability.
#[derive(Clone, Debug)]
pub struct RestPointsOutcome {
    pub payoffs: ResolvedPayoffs,
    pub points: Vec<RestPoint>,
}

/// What any study produced.
#[derive(Clone, Debug)]
pub enum DynamicsOutcome {
    Ecological(EcologicalOutcome),
    Replicator(ReplicatorOutcome),
    Fixation(FixationOutcome),
    Stationary(StationaryOutcome),
    Simulation(Box<SimulationOutcome>),
    RestPoints(RestPointsOutcome),
}

impl DynamicsOutcome {
    /// The payoffs the study ran on.
    pub fn payoffs(&self) -> &ResolvedPayoffs {
        match self {
            DynamicsOutcome::Ecological(o) => &o.payoffs,
            DynamicsOutcome::Replicator(o) => &o.payoffs,
            DynamicsOutcome::Fixation(o) => &o.payoffs,
            DynamicsOutcome::Stationary(o) => &o.payoffs,
            DynamicsOutcome::Simulation(o) => &o.payoffs,
            DynamicsOutcome::RestPoints(o) => &o.payoffs,
        }
    }
}

/// Runs `f` in a pool of `threads` workers (`None`: the current pool).
pub(super) fn in_pool<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, StudyError> {
    match threads {
        None => Ok(f()),
        Some(threads) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| StudyError::Threads {
                threads,
                message: e.to_string(),
            })?
            .install(f)),
    }
}

/// The payoff matrix of a source: given, or computed from matches (`threads: None` uses all
/// cores; the matrix does not depend on it).
pub fn resolve_payoffs(
    source: &PayoffSource,
    threads: Option<usize>,
) -> Result<ResolvedPayoffs, StudyError> {
    match source {
        PayoffSource::Matrix { labels, matrix } => Ok(ResolvedPayoffs {
            labels: labels.clone(),
            matrix: matrix.clone(),
            origin: PayoffOrigin::Matrix,
        }),
        PayoffSource::Matches(spec) => Ok(resolved(spec, evolution::payoff_matrix(spec, threads)?)),
    }
}

/// The payoffs computed from the matches of `spec`.
pub(super) fn resolved(spec: &MatchPayoffSpec, c: evolution::ComputedPayoffs) -> ResolvedPayoffs {
    ResolvedPayoffs {
        labels: c.labels,
        matrix: c.matrix,
        origin: PayoffOrigin::Matches {
            spec: spec.clone(),
            stochastic_pairs: c.stochastic_pairs,
            matches_played: c.matches_played,
            turns_played: c.turns_played,
        },
    }
}

/// Runs any study. `threads: None` uses all cores; results do not depend on it.
pub fn run(spec: &DynamicsSpec, threads: Option<usize>) -> Result<DynamicsOutcome, StudyError> {
    let payoffs = resolve_payoffs(spec.payoffs(), threads)?;
    let runs = match spec {
        DynamicsSpec::Simulation(s) => Some(simulation_runs(s, &payoffs, threads, None)?),
        _ => None,
    };
    dynamics(spec, payoffs, runs, threads)
}

/// A simulation's summary and sampled trajectories.
pub(super) type SimulationRuns = (SimulationSummary, SampledTrajectories);

/// The dynamics of `spec` on its resolved payoffs (and, for a simulation, its runs).
pub(super) fn dynamics(
    spec: &DynamicsSpec,
    payoffs: ResolvedPayoffs,
    runs: Option<SimulationRuns>,
    threads: Option<usize>,
) -> Result<DynamicsOutcome, StudyError> {
    Ok(match spec {
        DynamicsSpec::Ecological(s) => DynamicsOutcome::Ecological(ecological(s, payoffs)?),
        DynamicsSpec::Replicator(s) => DynamicsOutcome::Replicator(replicator_study(s, payoffs)?),
        DynamicsSpec::Fixation(s) => DynamicsOutcome::Fixation(fixation(s, payoffs)?),
        DynamicsSpec::Stationary(s) => DynamicsOutcome::Stationary(stationary(s, payoffs)?),
        DynamicsSpec::Simulation(s) => {
            let (summary, trajectories) = match runs {
                Some(r) => r,
                None => simulation_runs(s, &payoffs, threads, None)?,
            };
            DynamicsOutcome::Simulation(Box::new(SimulationOutcome {
                payoffs,
                mode: s.mode(),
                config: s.config().clone(),
                runs: s.runs().get(),
                seed: s.seed().get(),
                summary,
                trajectories,
            }))
        }
        DynamicsSpec::RestPoints(_) => DynamicsOutcome::RestPoints(rest_points(payoffs)?),
    })
}

fn initial(x: Option<&Shares>, n: usize) -> Vec<f64> {
    x.map_or_else(
        || Shares::uniform(n).as_slice().to_vec(),
        |s| s.as_slice().to_vec(),
    )
}

/// The input a dynamics error is about, for errors that are not about a process.
fn replicator_field(e: &DynamicsError, size: Field) -> Field {
    match e {
        DynamicsError::Allocation { .. } => size,
        DynamicsError::Integration { .. } => Field::Time,
        DynamicsError::DimensionMismatch { .. } => Field::Initial,
        _ => Field::Payoffs,
    }
}

fn ecological(
    s: &EcologicalSpec,
    payoffs: ResolvedPayoffs,
) -> Result<EcologicalOutcome, StudyError> {
    let n = payoffs.matrix.size();
    let generations = s.generations().get();
    // The spec's memory check bounded the generations far below usize::MAX.
    let states = replicator::discrete_replicator(
        &payoffs.matrix,
        &initial(s.initial(), n),
        usize::try_from(generations).unwrap_or(usize::MAX),
    )
    .map_err(|source| StudyError::Dynamics {
        field: replicator_field(&source, Field::Generations),
        source,
    })?;
    Ok(EcologicalOutcome {
        payoffs,
        generations,
        states,
    })
}

fn replicator_study(
    s: &ReplicatorSpec,
    payoffs: ResolvedPayoffs,
) -> Result<ReplicatorOutcome, StudyError> {
    let n = payoffs.matrix.size();
    let time = s.time().get();
    let points = s.points().get();
    let times: Vec<f64> = (0..=points)
        .map(|k| time * k as f64 / points as f64)
        .collect();
    let x0 = initial(s.initial(), n);
    let tol = Tolerances::default();
    let mutation = s.mutation().map_or(0.0, |m| m.get());
    let fail = |source: DynamicsError| StudyError::Dynamics {
        field: replicator_field(&source, Field::Points),
        source,
    };
    let trajectory = if mutation > 0.0 {
        let q =
            replicator::uniform_mutation(n, mutation).map_err(|source| StudyError::Dynamics {
                field: Field::Mutation,
                source,
            })?;
        replicator::replicator_mutator(&payoffs.matrix, &q, &x0, &times, &tol).map_err(fail)?
    } else {
        replicator::continuous_replicator(&payoffs.matrix, &x0, &times, &tol).map_err(fail)?
    };
    Ok(ReplicatorOutcome {
        payoffs,
        time,
        mutation,
        trajectory,
    })
}

/// The input an error of the exact finite-population formulas is about. A negative fitness
/// comes from payoffs too low for the intensity of selection: it points at the payoffs.
fn moran_field(e: &DynamicsError, process: usize) -> Field {
    match e {
        DynamicsError::Overflow {
            cause: OverflowCause::Payoffs,
            ..
        }
        | DynamicsError::NegativeFitness { .. } => Field::Payoffs,
        DynamicsError::Overflow {
            cause: OverflowCause::Size,
            ..
        }
        | DynamicsError::Allocation { .. } => Field::Population,
        _ => Field::Process(process),
    }
}

fn population_size(p: crate::values::Population) -> usize {
    // The spec's memory check bounded the population far below usize::MAX.
    usize::try_from(p.get()).unwrap_or(usize::MAX)
}

fn fixation(s: &FixationSpec, payoffs: ResolvedPayoffs) -> Result<FixationOutcome, StudyError> {
    let n = population_size(s.population());
    let mut rows = Vec::with_capacity(s.processes().len());
    for (i, &process) in s.processes().iter().enumerate() {
        let fail = |source: DynamicsError| StudyError::Dynamics {
            field: moran_field(&source, i),
            source,
        };
        let fixation = moran::fixation_probabilities(&payoffs.matrix, n, process).map_err(fail)?;
        let times = moran::fixation_times(&payoffs.matrix, n, process).map_err(fail)?;
        rows.push(FixationRow {
            process,
            fixation,
            times,
        });
    }
    Ok(FixationOutcome {
        payoffs,
        population: s.population().get(),
        rows,
    })
}

fn stationary(
    s: &StationarySpec,
    payoffs: ResolvedPayoffs,
) -> Result<StationaryOutcome, StudyError> {
    let stationary = moran::small_mutation_stationary(
        &payoffs.matrix,
        population_size(s.population()),
        s.process(),
    )
    .map_err(|source| StudyError::Dynamics {
        field: moran_field(&source, 0),
        source,
    })?;
    Ok(StationaryOutcome {
        payoffs,
        population: s.population().get(),
        process: s.process(),
        stationary,
    })
}

/// The input an error of the population simulator is about.
fn simulation_field(e: &SimulationError) -> Field {
    match e.field() {
        Some("graph") => Field::Graph,
        Some("reproduction") => Field::Reproduction,
        Some("initial") => Field::Initial,
        Some("mutation") => Field::Mutation,
        Some("rule") => Field::Rule,
        Some("fitness") => Field::Fitness,
        Some("runs") => Field::Runs,
        Some(_) | None => Field::Payoffs,
    }
}

/// A simulation's runs (`shard: None`: all of them, summarised, with the sampled
/// trajectories) on the resolved payoffs (`Cached`) or real matches (`Matches`).
pub(super) fn simulation_runs(
    s: &SimulationSpec,
    payoffs: &ResolvedPayoffs,
    threads: Option<usize>,
    shard: Option<Shard>,
) -> Result<SimulationRuns, StudyError> {
    let part = simulation_part(s, payoffs, threads, shard.unwrap_or(Shard::WHOLE), true)?;
    let (tally, trajectories) = part;
    let summary = tally
        .summary_of(payoffs.labels.len(), s.runs().get())
        .map_err(|e| StudyError::Parts(e.to_string()))?;
    let trajectories =
        trajectories.ok_or_else(|| StudyError::Parts("no sampled trajectories".into()))?;
    Ok((summary, trajectories))
}

/// The runs of `shard` as a mergeable tally, and (`sample`) the sampled trajectories of the
/// study's first runs.
pub(super) fn simulation_part(
    s: &SimulationSpec,
    payoffs: &ResolvedPayoffs,
    threads: Option<usize>,
    shard: Shard,
    sample: bool,
) -> Result<(RunTally, Option<SampledTrajectories>), StudyError> {
    let config = s.config();
    let (seed, runs) = (s.seed().get(), s.runs().get());
    let fail = |source: SimulationError| StudyError::Simulation {
        field: simulation_field(&source),
        source,
    };
    fn go<P: population::PairPayoff + ?Sized + Sync>(
        payoff: &P,
        config: &SimulationConfig,
        seed: u64,
        runs: u64,
        shard: Shard,
        sample: bool,
    ) -> Result<(RunTally, Option<SampledTrajectories>), SimulationError> {
        let tally = population::Simulator::new(payoff, config)?.simulate_part(seed, runs, shard)?;
        let trajectories = if sample {
            Some(trajectory_sample::sample(payoff, config, seed, runs)?)
        } else {
            None
        };
        Ok((tally, trajectories))
    }
    match (s.mode(), s.payoffs()) {
        (SimulationMode::Matches, PayoffSource::Matches(ms)) => {
            let payoff = MatchPayoff::new(ms.players().to_vec(), *ms.matches(), ms.kind())?;
            in_pool(threads, || go(&payoff, config, seed, runs, shard, sample))?.map_err(fail)
        }
        _ => in_pool(threads, || {
            go(&payoffs.matrix, config, seed, runs, shard, sample)
        })?
        .map_err(fail),
    }
}

fn rest_points(payoffs: ResolvedPayoffs) -> Result<RestPointsOutcome, StudyError> {
    let points =
        rest_points::rest_points(&payoffs.matrix).map_err(|source| StudyError::Dynamics {
            field: Field::Payoffs,
            source,
        })?;
    Ok(RestPointsOutcome { payoffs, points })
}
