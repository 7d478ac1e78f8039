//! What a simulation is asked to do ([`SimulationConfig`], [`UpdateRule`], [`FitnessMap`]),
//! the limits it runs under ([`Limits`], [`MAX_RUNS`]) and the validation that turns a
//! configuration into checked sizes before anything is allocated.
//!
//! Why a module of its own: the configuration layer (study files, the command line) builds a
//! `SimulationConfig` and calls [`SimulationConfig::validate`] to get one typed error that
//! names the offending field ([`SimulationError::field`]); the simulators then rely on a
//! checked population size, type count and memory estimate.

use serde::{Deserialize, Serialize};

use super::error::{GraphRole, SimulationError};
use super::graph::Graph;

/// Update rule of the simulation (module docs of [`crate::population`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum UpdateRule {
    /// Moran birth-death.
    BirthDeath,
    /// Moran death-birth.
    DeathBirth,
    /// Pairwise comparison with intensity `beta >= 0`.
    Fermi {
        /// Intensity of selection.
        beta: f64,
    },
}

/// Payoff-to-fitness map for the Moran rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum FitnessMap {
    /// `1 - w + w F`.
    Linear {
        /// Intensity of selection, `>= 0`.
        w: f64,
    },
    /// `exp(w F)`.
    Exponential {
        /// Intensity of selection, `>= 0`.
        w: f64,
    },
}

impl FitnessMap {
    /// The fitness of payoff `payoff`: non-negative and finite, or an error.
    #[inline]
    pub(crate) fn apply(self, payoff: f64) -> Result<f64, SimulationError> {
        let (f, w) = match self {
            FitnessMap::Linear { w } => (1.0 - w + w * payoff, w),
            FitnessMap::Exponential { w } => ((w * payoff).exp(), w),
        };
        if f < 0.0 {
            return Err(SimulationError::NegativeFitness {
                value: f,
                w,
                payoff,
            });
        }
        if !f.is_finite() {
            return Err(SimulationError::Overflow {
                what: "a fitness",
                value: f,
            });
        }
        Ok(f)
    }
}

/// Everything a simulation needs besides payoffs and seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationConfig {
    /// Update rule.
    pub rule: UpdateRule,
    /// Fitness map (Moran rules only).
    pub fitness: FitnessMap,
    /// Mutation probability per update, in `[0, 1]`.
    pub mutation: f64,
    /// Who plays whom.
    pub interaction: Graph,
    /// Who replaces / imitates whom; `None` means the interaction graph.
    pub reproduction: Option<Graph>,
    /// Initial number of individuals of each type (sums to the population size).
    pub initial: Vec<usize>,
    /// Step limit per run. Any value is accepted: it allocates nothing, and step counts are
    /// summed in 128 bits.
    pub max_steps: u64,
}

/// Most runs one call simulates: `2^53`, so run counts and fixation frequencies are exact in
/// `f64`.
pub const MAX_RUNS: u64 = 1 << 53;

/// Resource limits of a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes the simulation may allocate (shared tables plus every thread's working state).
    pub max_memory: u64,
}

impl Default for Limits {
    /// 4 GiB.
    fn default() -> Self {
        Limits {
            max_memory: 4 << 30,
        }
    }
}

/// A configuration's checked sizes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    /// Population size.
    pub(crate) n: usize,
    /// Number of types.
    pub(crate) k: usize,
    /// Both graphs complete: the population is a count vector.
    pub(crate) well_mixed: bool,
}

impl SimulationConfig {
    /// The graph individuals reproduce on.
    pub(crate) fn reproduction_graph(&self) -> &Graph {
        self.reproduction.as_ref().unwrap_or(&self.interaction)
    }

    /// Checks every parameter and that the simulation fits in the default [`Limits`] with
    /// rayon's current number of threads. Allocates nothing.
    pub fn validate(&self) -> Result<(), SimulationError> {
        self.check(&Limits::default(), rayon::current_num_threads())
            .map(|_| ())
    }

    /// [`SimulationConfig::validate`] with explicit limits and thread count.
    pub fn validate_with(&self, limits: &Limits, threads: usize) -> Result<(), SimulationError> {
        self.check(limits, threads).map(|_| ())
    }

    pub(crate) fn check(&self, limits: &Limits, threads: usize) -> Result<Sizes, SimulationError> {
        let k = self.initial.len();
        if k == 0 {
            return Err(SimulationError::NoTypes);
        }
        if !(0.0..=1.0).contains(&self.mutation) {
            return Err(SimulationError::Mutation(self.mutation));
        }
        let (name, value) = match self.rule {
            UpdateRule::Fermi { beta } => ("beta", beta),
            _ => match self.fitness {
                FitnessMap::Linear { w } | FitnessMap::Exponential { w } => ("w", w),
            },
        };
        if !value.is_finite() || value < 0.0 {
            return Err(SimulationError::Selection { name, value });
        }
        let n = self
            .interaction
            .validate()
            .map_err(|source| SimulationError::Graph {
                role: GraphRole::Interaction,
                source,
            })?;
        if let Some(repro) = &self.reproduction {
            let m = repro.validate().map_err(|source| SimulationError::Graph {
                role: GraphRole::Reproduction,
                source,
            })?;
            if m != n {
                return Err(SimulationError::GraphSizes {
                    interaction: n,
                    reproduction: m,
                });
            }
        }
        let sum: u128 = self.initial.iter().map(|&c| c as u128).sum();
        if sum != n as u128 {
            return Err(SimulationError::InitialSum { sum, nodes: n });
        }
        let well_mixed = self.interaction.is_complete() && self.reproduction_graph().is_complete();
        let sizes = Sizes { n, k, well_mixed };
        let (graph_bytes, type_bytes) = self.memory(sizes, threads);
        let needed = graph_bytes + type_bytes;
        if needed > u128::from(limits.max_memory) {
            let (what, field) = if graph_bytes >= type_bytes {
                (
                    "the population (graph adjacency and per-individual state)",
                    "graph",
                )
            } else {
                ("the strategy tables (payoffs and transitions)", "initial")
            };
            return Err(SimulationError::TooLarge {
                what,
                field,
                needed,
                limit: limits.max_memory,
            });
        }
        Ok(sizes)
    }

    /// Upper bound of the bytes a simulation allocates, split into what grows with the
    /// population and what grows with the number of types.
    fn memory(&self, s: Sizes, threads: usize) -> (u128, u128) {
        let (n, k, threads) = (s.n as u128, s.k as u128, threads.max(1) as u128);
        // Payoff table (shared), per thread: counts, type payoffs and fitnesses, and the
        // transition table (probability + from/to per entry).
        let types = 8 * k * k + threads * (8 * k * 4 + 16 * k * k);
        let population = if s.well_mixed {
            // The exact two-type chain (two f64 per state) and the table of every state's
            // changes (bounded by a constant).
            let chain = if s.k == 2 { 16 * (n + 1) } else { 0 };
            chain + super::well_mixed::STATE_TABLE_BYTES
        } else {
            let mut graphs = self.interaction.adjacency_bytes(s.n);
            if let Some(repro) = &self.reproduction {
                graphs += repro.adjacency_bytes(s.n);
            }
            // Per thread and individual: type (u32), payoff, fitness and a Fenwick node (f64).
            graphs + threads * 28 * (n + 1)
        };
        (population, types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::graph::GraphError;

    fn config(graph: Graph, initial: Vec<usize>) -> SimulationConfig {
        SimulationConfig {
            rule: UpdateRule::Fermi { beta: 1.0 },
            fitness: FitnessMap::Linear { w: 1.0 },
            mutation: 0.0,
            interaction: graph,
            reproduction: None,
            initial,
            max_steps: u64::MAX,
        }
    }

    #[test]
    fn every_size_is_checked_with_a_typed_error() {
        let huge = config(
            Graph::Complete { n: 10_000_000_000 },
            vec![1, 9_999_999_999],
        );
        let e = huge.validate().unwrap_err();
        assert!(matches!(
            e,
            SimulationError::Graph {
                role: GraphRole::Interaction,
                source: GraphError::TooManyNodes { .. }
            }
        ));
        assert_eq!(e.field(), Some("graph"));
        let overflow = config(Graph::Complete { n: 10 }, vec![usize::MAX, usize::MAX, 12]);
        assert_eq!(
            overflow.validate(),
            Err(SimulationError::InitialSum {
                sum: 2 * usize::MAX as u128 + 12,
                nodes: 10
            })
        );
        let mismatch = config(Graph::Cycle { n: 10 }, vec![3, 3]);
        assert_eq!(
            mismatch.validate().unwrap_err().field(),
            Some("initial"),
            "sum 6 against 10 nodes"
        );
        // 2^28 individuals on a cycle fit u32 indices but not in 4 GiB.
        let big = config(Graph::Cycle { n: 1 << 28 }, vec![1, (1 << 28) - 1]);
        match big.validate_with(&Limits::default(), 1) {
            Err(SimulationError::TooLarge {
                field: "graph",
                needed,
                limit,
                ..
            }) => assert!(needed > u128::from(limit)),
            other => panic!("{other:?}"),
        }
        // One edge but a billion nodes: refused before the node arrays are allocated.
        let sparse = config(
            Graph::Edges {
                n: 1_000_000_000,
                edges: vec![(0, 1)],
            },
            vec![1, 999_999_999],
        );
        assert!(matches!(
            sparse.validate_with(&Limits::default(), 1),
            Err(SimulationError::TooLarge { field: "graph", .. })
        ));
        // Well mixed, the same size needs only the count vector and the two-type chain.
        let mixed = config(Graph::Complete { n: 1 << 20 }, vec![1, (1 << 20) - 1]);
        assert_eq!(mixed.validate_with(&Limits::default(), 1), Ok(()));
        let small_limit = Limits { max_memory: 1000 };
        assert!(matches!(
            mixed.validate_with(&small_limit, 1),
            Err(SimulationError::TooLarge { .. })
        ));
        let mut bad = config(Graph::Complete { n: 10 }, vec![5, 5]);
        bad.mutation = f64::NAN;
        assert_eq!(bad.validate().unwrap_err().field(), Some("mutation"));
        bad.mutation = 0.0;
        bad.rule = UpdateRule::Fermi {
            beta: f64::INFINITY,
        };
        assert_eq!(bad.validate().unwrap_err().field(), Some("rule"));
        bad.rule = UpdateRule::DeathBirth;
        bad.fitness = FitnessMap::Exponential { w: -1.0 };
        assert_eq!(bad.validate().unwrap_err().field(), Some("fitness"));
        bad.fitness = FitnessMap::Linear { w: 0.5 };
        bad.reproduction = Some(Graph::Cycle { n: 11 });
        assert_eq!(
            bad.validate(),
            Err(SimulationError::GraphSizes {
                interaction: 10,
                reproduction: 11
            })
        );
        bad.reproduction = None;
        bad.initial = vec![];
        assert_eq!(bad.validate(), Err(SimulationError::NoTypes));
    }

    #[test]
    fn fitness_maps_refuse_negative_and_overflowing_values() {
        let linear = FitnessMap::Linear { w: 1.0 };
        assert_eq!(linear.apply(2.0), Ok(2.0));
        assert!(matches!(
            linear.apply(-1.0),
            Err(SimulationError::NegativeFitness { .. })
        ));
        let exp = FitnessMap::Exponential { w: 1.0 };
        assert!(matches!(
            exp.apply(1000.0),
            Err(SimulationError::Overflow { .. })
        ));
    }
}
