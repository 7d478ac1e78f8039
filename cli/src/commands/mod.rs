//! One file per subcommand. Each turns its validated arguments into an engine spec (through
//! `settings`, the same specs study files give), runs it, and hands the outcome to
//! `vertrouwen-output` for text or JSON.

pub mod check_plugin;
pub mod dynamics_parts;
pub mod fixation;
pub mod games;
pub mod match_cmd;
pub mod merge;
pub mod new_plugin;
pub mod parts;
pub mod replicator;
pub mod rest_points;
pub mod run;
pub mod simulate;
pub mod stationary;
pub mod strategies;
pub mod sweep;

use vertrouwen_engine::study::{self, DynamicsOutcome, DynamicsSpec};
use vertrouwen_output::{convert, json_line, text, RunInfo};

use crate::failure::{Failure, Flags};
use crate::terminal::print;

/// Runs a dynamics spec built from flags (`threads: None`: all cores).
pub fn run_dynamics(
    spec: &DynamicsSpec,
    threads: Option<usize>,
    flags: &Flags,
) -> Result<DynamicsOutcome, Failure> {
    study::run(spec, threads).map_err(|e| Failure::study(&e, flags))
}

/// Prints a dynamics outcome: the results document (the same as a study's `results.json`,
/// on one line) with `--json`, else the short report.
pub fn emit(outcome: &DynamicsOutcome, json: bool) -> Result<(), Failure> {
    if json {
        let doc = convert::dynamics_document(&RunInfo::default(), outcome);
        print(&json_line(&doc)?)
    } else {
        print(&text::dynamics_report(outcome))
    }
}
