//! The typed errors of the population simulator: a configuration that cannot run (each names
//! the study-file field it comes from, so the configuration layer can attach a position), a
//! size that would not fit in memory, and failures during a run (a payoff that could not be
//! computed, a fitness that makes the rule undefined).

use thiserror::Error;

use super::graph::GraphError;
use super::payoff::PayoffError;

/// Which of the two graphs of a simulation an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphRole {
    /// Who plays whom (`graph` in a study file).
    Interaction,
    /// Who replaces or imitates whom (`reproduction`).
    Reproduction,
}

impl std::fmt::Display for GraphRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GraphRole::Interaction => "interaction graph",
            GraphRole::Reproduction => "reproduction graph",
        })
    }
}

/// Everything that can stop a simulation. Nothing the simulator is given panics: bad input
/// ends up as one of these.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SimulationError {
    /// A graph is malformed or too large.
    #[error("{role}: {source}")]
    Graph {
        /// Which graph.
        role: GraphRole,
        /// What is wrong.
        #[source]
        source: GraphError,
    },
    /// The two graphs have different node sets.
    #[error("the interaction graph has {interaction} nodes but the reproduction graph has {reproduction}")]
    GraphSizes {
        /// Nodes of the interaction graph.
        interaction: usize,
        /// Nodes of the reproduction graph.
        reproduction: usize,
    },
    /// `initial` is empty.
    #[error("`initial` is empty: give the starting number of individuals of each strategy")]
    NoTypes,
    /// `initial` does not have one count per strategy of the payoffs.
    #[error("`initial` has {got} counts but there are {expected} strategies")]
    TypeCount {
        /// Strategies of the payoffs.
        expected: usize,
        /// Counts given.
        got: usize,
    },
    /// The `initial` counts do not add up to the population size (the sum is computed without
    /// overflow, so a sum beyond `usize` is reported as it is).
    #[error("`initial` counts add up to {sum}, but the graph has {nodes} nodes")]
    InitialSum {
        /// Sum of the counts.
        sum: u128,
        /// Nodes of the graph.
        nodes: usize,
    },
    /// The mutation probability is not in `[0, 1]`.
    #[error("`mutation` must be a probability in [0, 1], got {0}")]
    Mutation(f64),
    /// An intensity of selection (`beta` of the Fermi rule, `w` of a fitness map) is negative
    /// or not finite.
    #[error("intensity of selection `{name}` must be finite and >= 0, got {value}")]
    Selection {
        /// `beta` or `w`.
        name: &'static str,
        /// The value.
        value: f64,
    },
    /// `runs` is zero or beyond [`super::MAX_RUNS`].
    #[error("`runs` must be between 1 and {limit}, got {got}")]
    Runs {
        /// Runs asked for.
        got: u64,
        /// [`super::MAX_RUNS`].
        limit: u64,
    },
    /// The simulation would need more memory than allowed ([`super::Limits`]).
    #[error("{what} needs {needed} bytes of memory, more than the limit of {limit} bytes")]
    TooLarge {
        /// What needs the memory.
        what: &'static str,
        /// The study-file field whose size drives it.
        field: &'static str,
        /// Bytes needed.
        needed: u128,
        /// Bytes allowed.
        limit: u64,
    },
    /// An allocation within the limit still failed.
    #[error("could not allocate {bytes} bytes for {what}")]
    OutOfMemory {
        /// What the memory was for.
        what: &'static str,
        /// Bytes asked for.
        bytes: u128,
    },
    /// A linear fitness `1 - w + w F` is negative: birth cannot be proportional to it.
    #[error("negative fitness {value} (1 - w + w F with w = {w}, F = {payoff})")]
    NegativeFitness {
        /// The fitness.
        value: f64,
        /// Intensity of selection.
        w: f64,
        /// The payoff it came from.
        payoff: f64,
    },
    /// A fitness, an average payoff or a total of fitnesses is beyond the range of `f64`.
    #[error("{what} overflowed ({value}): payoffs too large for this intensity of selection")]
    Overflow {
        /// What overflowed.
        what: &'static str,
        /// The value reached.
        value: f64,
    },
    /// Every individual that could reproduce has fitness zero, so birth proportional to
    /// fitness is undefined.
    #[error("every individual that could reproduce has fitness zero (strategy counts {counts:?})")]
    ZeroFitness {
        /// Population state where it happened.
        counts: Vec<usize>,
    },
    /// A payoff could not be computed.
    #[error("{0}")]
    Payoff(#[from] PayoffError),
    /// A run failed; the run index reproduces it with the same seed.
    #[error("run {run}: {source}")]
    InRun {
        /// Run index.
        run: u64,
        /// What failed.
        #[source]
        source: Box<SimulationError>,
    },
}

impl SimulationError {
    /// The study-file field (`Simulation(...)`) the error is about, when there is one: a
    /// configuration layer uses it to point at the value's position.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            SimulationError::Graph {
                role: GraphRole::Interaction,
                ..
            } => Some("graph"),
            SimulationError::Graph {
                role: GraphRole::Reproduction,
                ..
            }
            | SimulationError::GraphSizes { .. } => Some("reproduction"),
            SimulationError::NoTypes
            | SimulationError::TypeCount { .. }
            | SimulationError::InitialSum { .. } => Some("initial"),
            SimulationError::Mutation(_) => Some("mutation"),
            SimulationError::Selection { name: "beta", .. } => Some("rule"),
            SimulationError::Selection { .. } | SimulationError::NegativeFitness { .. } => {
                Some("fitness")
            }
            SimulationError::Overflow { .. } => None,
            SimulationError::Runs { .. } => Some("runs"),
            SimulationError::TooLarge { field, .. } => Some(field),
            SimulationError::OutOfMemory { .. }
            | SimulationError::ZeroFitness { .. }
            | SimulationError::Payoff(_)
            | SimulationError::InRun { .. } => None,
        }
    }

    /// A total fitness must be positive (someone can reproduce) and finite.
    pub(crate) fn check_total_fitness(total: f64, counts: &[usize]) -> Result<(), Self> {
        if total.is_infinite() {
            return Err(SimulationError::Overflow {
                what: "the total fitness",
                value: total,
            });
        }
        if total <= 0.0 {
            return Err(SimulationError::ZeroFitness {
                counts: counts.to_vec(),
            });
        }
        Ok(())
    }

    pub(crate) fn in_run(self, run: u64) -> Self {
        SimulationError::InRun {
            run,
            source: Box::new(self),
        }
    }
}
