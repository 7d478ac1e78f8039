//! What can go wrong with a strategy while it plays, in-process or isolated, and how it is told.
//!
//! A fault is always the strategy's: the engine names the strategy, the plugin file, the match
//! and the turn (see [`crate::matchup::StrategyFault`]). In-process, the first fault stops the
//! run; in isolated mode it disqualifies the strategy (see `docs/plugins.md`).

use serde::{Deserialize, Serialize};

/// Why a strategy failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The strategy panicked; the message and location as its panic hook saw them.
    Panic { message: String },
    /// `decide` returned a byte that is neither 0 (cooperate) nor 1 (defect).
    InvalidMove { byte: u8 },
    /// One decision took longer than the limit.
    DecisionTimeout { limit_ms: u64 },
    /// One match took longer than the limit.
    MatchTimeout { limit_ms: u64 },
    /// The worker process running the strategy used more CPU time than its budget.
    CpuTimeLimit { limit_s: u64 },
    /// The worker ran out of its memory limit.
    OutOfMemory { limit_mb: u64, detail: String },
    /// The worker tried a system call the sandbox forbids (opening files, sockets, new
    /// processes, ...).
    ForbiddenSystemCall { name: String },
    /// The worker process died from a signal (segmentation fault, abort, ...).
    Crash {
        signal: i32,
        name: String,
        detail: String,
    },
    /// The worker exited on its own, or broke the protocol with the engine.
    Protocol { detail: String },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Panic { message } => write!(f, "panicked: {message}"),
            Fault::InvalidMove { byte } => write!(
                f,
                "returned the invalid move byte {byte} (expected 0 = cooperate or 1 = defect)"
            ),
            Fault::DecisionTimeout { limit_ms } => {
                write!(f, "took longer than the decision limit of {limit_ms} ms")
            }
            Fault::MatchTimeout { limit_ms } => {
                write!(f, "took longer than the match limit of {limit_ms} ms")
            }
            Fault::CpuTimeLimit { limit_s } => {
                write!(f, "used more than its CPU time budget of {limit_s} s")
            }
            Fault::OutOfMemory { limit_mb, detail } => {
                write!(f, "ran out of memory (limit {limit_mb} MB)")?;
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            Fault::ForbiddenSystemCall { name } => {
                write!(
                    f,
                    "made a forbidden system call ({name}) and was stopped by the sandbox"
                )
            }
            Fault::Crash {
                signal,
                name,
                detail,
            } => {
                write!(f, "crashed with signal {signal} ({name})")?;
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            Fault::Protocol { detail } => write!(f, "broke the worker protocol: {detail}"),
        }
    }
}

impl Fault {
    /// A short machine-readable name of the reason, for CSV columns.
    pub fn reason(&self) -> &'static str {
        match self {
            Fault::Panic { .. } => "panic",
            Fault::InvalidMove { .. } => "invalid move",
            Fault::DecisionTimeout { .. } => "timeout",
            Fault::MatchTimeout { .. } => "timeout",
            Fault::CpuTimeLimit { .. } => "timeout",
            Fault::OutOfMemory { .. } => "out of memory",
            Fault::ForbiddenSystemCall { .. } => "forbidden system call",
            Fault::Crash { .. } => "crash",
            Fault::Protocol { .. } => "protocol error",
        }
    }
}
