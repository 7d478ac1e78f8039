//! # vertrouwen-engine
//!
//! Games, matches, round-robin tournaments, result statistics, evolutionary dynamics, RON
//! configuration and plugin loading for the iterated prisoner's dilemma.
//!
//! Every strategy, built in or loaded from a shared library, is reached through the same C ABI
//! of `vertrouwen-plugins-api` ([`loader`] is the only module that touches it), so a submission
//! and a built-in strategy are played by exactly the same code.
//!
//! Determinism: all randomness comes from `vertrouwen_plugins_api::Rng` streams derived from
//! (master seed, match index), and results are reduced in match order, so the same spec and seed
//! give byte-identical output for any number of threads.

pub mod config;
pub mod conformance;
pub mod evolution;
pub mod exact_sum;
pub mod fault;
pub mod game;
mod linear;
// Opens libraries and calls through the ABI: every block has a SAFETY comment.
#[allow(unsafe_code)]
pub mod loader;
pub mod matchup;
pub mod moran;
pub mod payoff_matrix;
pub mod population;
pub mod registry;
pub mod replicator;
pub mod rest_points;
pub mod results;
// Signal handlers, futexes, shared memory, pre_exec: every block has a SAFETY comment.
#[allow(unsafe_code)]
pub mod sandbox;
pub mod study;
pub mod sweep;
pub mod tournament;
pub mod trajectory_sample;
pub mod trust;
pub mod values;

pub use game::Game;
pub use loader::{Instance, LoadError, StrategyEntry};
pub use matchup::{MatchError, MatchLength, MatchSpec};
pub use registry::{Registry, RegistryError, StrategySource};
pub use vertrouwen_plugins_api::Move;
