//! # vertrouwen-plugins-api: the strategy ABI, version 2
//!
//! This crate is the whole contract between the Vertrouwen engine and a strategy plugin.
//! By default it has no dependencies and it changes rarely, so a plugin built today keeps
//! loading. A guide from an empty directory to a checked plugin is in the repository's
//! `docs/plugins.md` (`vertrouwen new-plugin NAME` writes a crate to start from).
//!
//! Three layers:
//! - [`abi`]: the C-shaped types that cross the boundary (`#[repr(C)]` structs and
//!   `extern "C"` function pointers). Nothing Rust-specific (trait objects, `String`, `Vec`,
//!   allocator ownership) ever crosses it.
//! - The authoring layer: the safe [`Strategy`] trait, the borrowed [`History`] view, the
//!   portable random generator [`Rng`], and [`export_plugin!`], which writes all `unsafe` glue
//!   so a strategy author writes none.
//! - The author kit ([`kit`], feature `author-kit`): parameter parsing into a `serde` struct
//!   and seeded test matches against reference behaviours, for a plugin's unit tests.
//!
//! ```
//! use vertrouwen_plugins_api::{export_plugin, History, MatchContext, Move, Rng, Strategy};
//!
//! /// Cooperates until the opponent has defected twice in total.
//! pub struct TwoStrikes;
//!
//! impl Strategy for TwoStrikes {
//!     fn create(_params: &str) -> Result<Self, String> { Ok(TwoStrikes) }
//!     fn reset(&mut self, _ctx: &MatchContext) {}
//!     fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
//!         if history.opponent_defections() >= 2 { Move::D } else { Move::C }
//!     }
//! }
//!
//! export_plugin! {
//!     plugin: "two-strikes",
//!     version: "0.1.0",
//!     strategies: [
//!         TwoStrikes {
//!             name: "Two Strikes",
//!             description: "Cooperates until the opponent has defected twice, then defects forever.",
//!             params: "()",
//!             memory_depth: None,
//!             stochastic: false,
//!             makes_use_of: [],
//!         },
//!     ],
//! }
//!
//! let header = plugin_header();
//! assert_eq!(header.strategy_count, 1);
//! ```

// The stable API is documented item by item: a plugin author reads it on docs.rs.
#![deny(missing_docs)]

// The repr(C) types and the layout hash: every block has a SAFETY comment.
#[allow(unsafe_code)]
pub mod abi;
mod authoring;
#[doc(hidden)]
// The extern "C" glue behind export_plugin!: every block has a SAFETY comment.
#[allow(unsafe_code)]
pub mod export;
#[cfg(feature = "author-kit")]
pub mod kit;
mod rng;

pub use abi::{Classifiers, Payoffs, ABI_MAJOR, ABI_MINOR, ENTRY_SYMBOL};
pub use authoring::{History, MatchContext, Move, Strategy};
pub use export::StaticPlugin;
pub use rng::{derive_seed, splitmix64, Rng};
