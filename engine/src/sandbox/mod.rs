//! Isolated mode: untrusted plugins run in confined worker processes, never in the engine's.
//!
//! The trust model (`docs/plugins.md`): a plugin loaded in-process is trusted code, like the
//! engine itself. A submission from someone else runs isolated: each plugin file gets its own
//! worker processes (the engine binary started in a hidden worker mode, see [`worker`]), confined
//! by resource limits and system-call filters ([`confine`]) before any of its code runs, and
//! watched from outside ([`supervisor`]): a worker that hangs is killed, and whatever kills a
//! worker (a crash, the memory limit, a forbidden system call, a broken protocol) disqualifies
//! the strategy it was running instead of stopping the tournament.
//!
//! The engine keeps the record. Matches of a plugin against built-in strategies run entirely
//! in the plugin's worker (the built-ins are in the same binary), and the engine then replays
//! the built-in's side itself against the plugin's recorded moves: a worker that misreports
//! what the built-in played is caught. Matches between two isolated plugins are relayed by the
//! engine turn by turn through shared memory ([`page`]): each worker sees only what the engine
//! tells it, and the engine records the moves as they are played.

#[cfg(target_os = "linux")]
pub mod confine;
#[cfg(target_os = "linux")]
pub mod page;
pub mod protocol;
#[cfg(target_os = "linux")]
pub mod supervisor;
#[cfg(target_os = "linux")]
pub mod worker;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits for isolated plugins. Defaults: 1,000 ms per decision, 60,000 ms per match, 512 MB
/// of address space per worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// The longest one decision (or creating or resetting a strategy) may take, wall clock.
    pub decision_ms: u64,
    /// The longest one match may take, wall clock.
    pub match_ms: u64,
    /// The address space of a worker process, in MB (the engine binary and the plugin count
    /// too: about 50 MB of it is taken before any strategy runs).
    pub memory_mb: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            decision_ms: 1_000,
            match_ms: 60_000,
            memory_mb: 512,
        }
    }
}

/// A limit outside its usable range: which one, the value, and the range.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{name}` must be between {min} and {max}, got {value}")]
pub struct LimitsError {
    /// The limit's name in study files (`decision_ms`, `match_ms`, `memory_mb`).
    pub name: &'static str,
    pub value: u64,
    pub min: u64,
    pub max: u64,
}

impl Limits {
    /// Checks the limits are usable: a decision may take up to an hour, a match up to a day,
    /// and a worker needs at least 64 MB (the engine binary takes about 50 MB of it).
    pub fn validate(&self) -> Result<(), LimitsError> {
        for (name, value, min, max) in [
            ("decision_ms", self.decision_ms, 1, 3_600_000),
            ("match_ms", self.match_ms, 1, 86_400_000),
            ("memory_mb", self.memory_mb, 64, 1 << 20),
        ] {
            if !(min..=max).contains(&value) {
                return Err(LimitsError {
                    name,
                    value,
                    min,
                    max,
                });
            }
        }
        Ok(())
    }

    /// The decision limit as a duration.
    pub fn decision(&self) -> Duration {
        Duration::from_millis(self.decision_ms)
    }

    /// The match limit as a duration.
    pub fn matches(&self) -> Duration {
        Duration::from_millis(self.match_ms)
    }
}

/// How to start a worker: the program (normally the engine binary itself) and the arguments
/// that put it in worker mode; the worker's own arguments follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

/// Isolation settings of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Isolation {
    pub command: WorkerCommand,
    pub limits: Limits,
}

mod plugin;
pub use plugin::{IsolatedPlugin, SandboxError};
