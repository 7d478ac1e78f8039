//! Evolutionary-dynamics studies: one validated spec type per study kind, one function that
//! runs it, one typed outcome.
//!
//! A spec is built by its constructor, which checks everything (the number of strategies, the
//! lengths of initial values, graph sizes, and the memory the run needs), so a spec that exists
//! can be run and nothing checks twice. Study files ([`crate::config`]) and the command line
//! build the same specs and call the same [`run`], so the same question gets the same answer
//! and the same output whichever way it was asked.
//!
//! Errors say which input they are about ([`Field`]): a study file turns that into a line and
//! column, the command line into a flag.

pub(crate) mod memory;
mod part;
mod run;
mod spec;

use thiserror::Error;

use crate::evolution::{EvolutionError, MatchPayoffSpec};
use crate::payoff_matrix::{DynamicsError, PayoffMatrix};
use crate::population::SimulationError;
use crate::values::{human_bytes, Label, MemoryLimit};

pub use memory::{estimate, Estimate, Need};
pub use part::{finish, run_part, DynamicsPartial};
pub use run::{
    resolve_payoffs, run, DynamicsOutcome, EcologicalOutcome, FixationOutcome, FixationRow,
    PayoffOrigin, ReplicatorOutcome, ResolvedPayoffs, RestPointsOutcome, SimulationOutcome,
    StationaryOutcome,
};
pub use spec::{
    DynamicsSpec, EcologicalSpec, FixationSpec, ReplicatorSpec, RestPointsSpec, SimulationMode,
    SimulationSettings, SimulationSpec, StationarySpec, StudyKind,
};

/// The input an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The payoffs as a whole (the matrix, or the list of players).
    Payoffs,
    /// One strategy of the payoffs (its index in the list).
    Strategy(usize),
    /// The labels of a given matrix.
    Labels,
    /// The game of the matches.
    Game,
    /// The length of the matches.
    Turns,
    /// Matches per stochastic pair.
    Repetitions,
    /// Initial shares or counts.
    Initial,
    /// Generations of the discrete map.
    Generations,
    /// End time of the continuous equation.
    Time,
    /// Output intervals of the continuous equation.
    Points,
    /// Mutation probability.
    Mutation,
    /// Population size.
    Population,
    /// The list of processes (or the one process) of a fixation or stationary study; the index
    /// of the process in the list.
    Process(usize),
    /// The simulation's update rule.
    Rule,
    /// The simulation's fitness map.
    Fitness,
    /// The interaction graph.
    Graph,
    /// The reproduction graph.
    Reproduction,
    /// Runs of a simulation.
    Runs,
    /// The step limit of a simulation.
    MaxSteps,
    /// Cached payoffs or real matches.
    Mode,
}

/// A study that cannot be built: what was wrong, about which input ([`SpecError::field`]).
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SpecError {
    #[error("expected at least one strategy")]
    NoStrategies,
    #[error("the label {label:?} is used twice (strategies {} and {}); labels must be unique: give one of them another `label`", first + 1, second + 1)]
    DuplicateLabel {
        label: String,
        first: usize,
        second: usize,
    },
    #[error("{labels} labels for a matrix of {rows} rows")]
    LabelCount { labels: usize, rows: usize },
    #[error("a {study} study needs exactly 2 strategies, got {got}")]
    NeedsTwoStrategies { study: &'static str, got: usize },
    #[error("rest points are computed for at most 3 strategies, got {got}")]
    TooManyForRestPoints { got: usize },
    #[error("expected {expected} initial values, one per strategy, got {got}")]
    InitialLength { got: usize, expected: usize },
    #[error("the initial counts sum to {sum}, but the graph has {nodes} nodes (one individual per node)")]
    InitialSum { sum: u128, nodes: u64 },
    #[error("expected at least one process, e.g. [Moran(w: 0.1)]")]
    NoProcesses,
    #[error("{message}")]
    Process { index: usize, message: String },
    #[error("mode `Matches` plays a match for every payoff, so it needs `payoffs: Matches(...)`, not a matrix")]
    ModeNeedsMatches,
    /// A graph, or a simulation setting (rule, fitness) that is out of range.
    #[error("{message}")]
    Setting { field: Field, message: String },
    #[error("needs about {} of memory for {what}; the limit is {limit}", human_bytes(*needs))]
    TooLarge {
        field: Field,
        what: String,
        needs: f64,
        limit: MemoryLimit,
    },
    #[error("{0}")]
    Matches(String),
}

impl SpecError {
    /// The input the error is about.
    pub fn field(&self) -> Field {
        match self {
            SpecError::LabelCount { .. } => Field::Labels,
            SpecError::NoStrategies
            | SpecError::NeedsTwoStrategies { .. }
            | SpecError::TooManyForRestPoints { .. }
            | SpecError::Matches(_) => Field::Payoffs,
            SpecError::DuplicateLabel { second, .. } => Field::Strategy(*second),
            SpecError::InitialLength { .. } | SpecError::InitialSum { .. } => Field::Initial,
            SpecError::NoProcesses => Field::Process(0),
            SpecError::Process { index, .. } => Field::Process(*index),
            SpecError::ModeNeedsMatches => Field::Mode,
            SpecError::Setting { field, .. } | SpecError::TooLarge { field, .. } => *field,
        }
    }
}

/// A study that failed while running (after its spec was built).
#[derive(Debug, Error)]
pub enum StudyError {
    /// Computing the payoffs from matches failed (a strategy failed, a thread pool could not
    /// start, ...).
    #[error(transparent)]
    Payoffs(#[from] EvolutionError),
    /// The dynamics failed on these payoffs (e.g. a negative fitness), about `field`.
    #[error("{source}")]
    Dynamics {
        field: Field,
        #[source]
        source: DynamicsError,
    },
    /// The population simulator failed (a strategy's match, a negative fitness, ...), about
    /// `field`.
    #[error("{source}")]
    Simulation {
        field: Field,
        #[source]
        source: SimulationError,
    },
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    /// Partial results (shards) that do not make up this study.
    #[error("the partial results do not make up this study: {0}")]
    Parts(String),
}

impl StudyError {
    /// The input the error is about.
    pub fn field(&self) -> Field {
        match self {
            StudyError::Dynamics { field, .. } | StudyError::Simulation { field, .. } => *field,
            StudyError::Payoffs(_) | StudyError::Threads { .. } | StudyError::Parts(_) => {
                Field::Payoffs
            }
        }
    }
}

/// Where a study's payoffs come from. Labels are unique and there is at least one strategy.
#[derive(Clone, Debug)]
pub enum PayoffSource {
    /// Given directly, with strategy labels.
    Matrix {
        labels: Vec<String>,
        matrix: PayoffMatrix,
    },
    /// Computed from matches.
    Matches(MatchPayoffSpec),
}

impl PayoffSource {
    /// A given matrix; labels default to "1", "2", ...
    pub fn matrix(labels: Option<Vec<Label>>, matrix: PayoffMatrix) -> Result<Self, SpecError> {
        let labels: Vec<String> = match labels {
            Some(l) if l.len() != matrix.size() => {
                return Err(SpecError::LabelCount {
                    labels: l.len(),
                    rows: matrix.size(),
                })
            }
            Some(l) => l.into_iter().map(Label::into_string).collect(),
            None => (1..=matrix.size()).map(|i| i.to_string()).collect(),
        };
        unique(&labels)?;
        Ok(PayoffSource::Matrix { labels, matrix })
    }

    /// Payoffs from matches between the spec's players (whose labels must be unique).
    pub fn matches(spec: MatchPayoffSpec) -> Result<Self, SpecError> {
        let labels: Vec<String> = spec.players().iter().map(|p| p.label.clone()).collect();
        if labels.is_empty() {
            return Err(SpecError::NoStrategies);
        }
        unique(&labels)?;
        Ok(PayoffSource::Matches(spec))
    }

    /// Number of strategies.
    pub fn strategy_count(&self) -> usize {
        match self {
            PayoffSource::Matrix { matrix, .. } => matrix.size(),
            PayoffSource::Matches(m) => m.players().len(),
        }
    }

    /// The strategies' labels, in matrix order.
    pub fn labels(&self) -> Vec<String> {
        match self {
            PayoffSource::Matrix { labels, .. } => labels.clone(),
            PayoffSource::Matches(m) => m.players().iter().map(|p| p.label.clone()).collect(),
        }
    }
}

/// Duplicate labels would give two rows that cannot be told apart.
fn unique(labels: &[String]) -> Result<(), SpecError> {
    let mut seen = std::collections::HashMap::new();
    for (i, l) in labels.iter().enumerate() {
        if let Some(&first) = seen.get(l.as_str()) {
            return Err(SpecError::DuplicateLabel {
                label: l.clone(),
                first,
                second: i,
            });
        }
        seen.insert(l.as_str(), i);
    }
    Ok(())
}

/// What a run may use. Only memory for now; the limit is checked before anything is
/// allocated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub memory: MemoryLimit,
}
