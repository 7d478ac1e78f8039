//! Stochastic simulation of finite populations: Moran birth-death, Moran death-birth and
//! pairwise comparison (Fermi) updating, with mutation, on interaction and reproduction graphs.
//!
//! # Conventions
//!
//! - Individuals carry a strategy *type* `0..k`; `k` is the length of
//!   [`SimulationConfig::initial`] (how many individuals of each type start; they are placed
//!   uniformly at random on the graph's nodes, independently in each run) and must equal the
//!   payoff source's [`PairPayoff::types`].
//! - Payoffs come from a [`PairPayoff`]: `payoff(a, b, rng)` is what type `a` gets against type
//!   `b`, or a [`PayoffError`]. An individual's payoff `F` is the *average* over its
//!   interaction neighbours; there is no self-interaction, so on the complete graph
//!   `F_A(i) = [a(i-1) + b(N-i)]/(N-1)` as in [`crate::moran`]. Deterministic payoffs (a
//!   [`PayoffMatrix`](crate::payoff_matrix::PayoffMatrix)) are tabulated once; random ones
//!   are re-drawn whenever an individual's payoff is recomputed.
//! - [`UpdateRule::BirthDeath`]: a parent is chosen with probability proportional to fitness;
//!   its offspring replaces a uniformly chosen reproduction neighbour (on the complete graph a
//!   uniformly chosen member of the whole population, the parent included: the classic Moran
//!   process of [`crate::moran`]).
//! - [`UpdateRule::DeathBirth`]: a uniformly chosen individual dies; its reproduction
//!   neighbours compete for the empty site with probability proportional to fitness
//!   (Ohtsuki et al. 2006, Nature 441:502).
//! - [`UpdateRule::Fermi`]: a uniformly chosen focal individual picks a uniformly chosen
//!   reproduction neighbour and copies its type with probability
//!   `1 / (1 + exp(-beta (F_model - F_focal)))` (Traulsen, Nowak and Pacheco 2006).
//! - Fitness for the two Moran rules is `1 - w + w F` ([`FitnessMap::Linear`], negative values
//!   are an error) or `exp(w F)` ([`FitnessMap::Exponential`]); `w` is the intensity of
//!   selection. The Fermi rule uses raw payoffs and its own `beta`.
//! - Mutation with probability `mutation`: a Moran offspring, or (Fermi) the focal individual
//!   instead of imitating, takes a uniformly chosen *other* type.
//! - One step is one update attempt. A run stops when the population is monomorphic
//!   ("fixation", so a monomorphic start is fixed at step 0) or after `max_steps` steps.
//! - Run `r` of master seed `s` uses `Rng::for_stream(s, r)` and the per-run results are
//!   reduced with integer arithmetic, so summaries are identical for any number of threads.
//! - Nothing here panics on input and no NaN stands for an error: every failure is a
//!   [`SimulationError`], sizes are checked against [`Limits`] before allocating.
//!
//! # Files
//!
//! | module | concept |
//! |---|---|
//! | `graph` | [`Graph`], its validation and the flat adjacency the simulators walk |
//! | `payoff` | [`PairPayoff`], [`PayoffError`], tabulated and drawn payoffs |
//! | `settings` | [`SimulationConfig`], [`UpdateRule`], [`FitnessMap`], [`Limits`], validation |
//! | `error` | [`SimulationError`] (with the study-file field each error is about) |
//! | `sampling` | bounded integers, integer-compared coins, proportional choice, Fenwick tree |
//! | `birth_death`, `death_birth`, `fermi` | one update rule each, on counts and on graphs |
//! | `well_mixed` | step-by-step simulation of a count vector |
//! | `structured` | step-by-step simulation of individuals on graphs |
//! | `skipping` | the exact idle-step skipping simulator (two types, well mixed): an algorithmic win |
//! | `driver` | [`Simulator`], [`simulate`], per-run seeding, tallies |

// Index loops mirror the published formulas (several arrays indexed by type together).
#![allow(clippy::needless_range_loop)]

mod birth_death;
mod death_birth;
mod driver;
mod error;
mod fermi;
mod graph;
mod payoff;
mod sampling;
mod settings;
mod skipping;
mod structured;
mod well_mixed;

#[cfg(test)]
mod tests;

pub use driver::{
    simulate, simulate_run, Method, RunOutcome, RunTally, RunTallyError, SimulationSummary,
    Simulator,
};
pub use error::{GraphRole, SimulationError};
pub use graph::{Graph, GraphError, MAX_NODES};
pub use payoff::{PairPayoff, PayoffError};
pub use settings::{FitnessMap, Limits, SimulationConfig, UpdateRule, MAX_RUNS};
