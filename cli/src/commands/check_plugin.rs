//! `vertrouwen check-plugin FILE`: the conformance checks a tournament organiser runs on a
//! submitted plugin (`vertrouwen_engine::conformance`), as a checklist or as JSON. Exits with 0
//! only when every check passed. The plugin runs isolated, in confined worker processes, unless
//! `--in-process` is given (or isolation is not available: it needs Linux).

use std::path::PathBuf;

use clap::Args;
use vertrouwen_engine::conformance::{self, Report, Status};

use crate::args::IsolationArgs;
use crate::failure::Failure;
use crate::settings;
use crate::terminal::{note, print};

#[derive(Debug, Args)]
pub struct CheckPluginArgs {
    /// The plugin's shared library (e.g. target/release/libmy_strategy.so).
    pub file: PathBuf,
    /// Print the report as one JSON object instead of a checklist.
    #[arg(long)]
    pub json: bool,
    /// Load the plugin into this process instead of isolated worker processes: only for a
    /// plugin you trust (your own). It also checks that it is built with panic = "unwind".
    #[arg(long)]
    pub in_process: bool,
}

fn marker(status: Status) -> &'static str {
    match status {
        Status::Pass => "[pass]",
        Status::Fail => "[FAIL]",
        Status::Skip => "[skip]",
        Status::Info => "[info]",
    }
}

/// The report as a checklist: the plugin's line, then each strategy's checks under its name.
pub fn checklist(report: &Report) -> String {
    let mut out = format!(
        "check-plugin {} ({})\n",
        report.file,
        if report.isolated {
            "isolated: the plugin runs in confined worker processes"
        } else {
            "in-process"
        }
    );
    let mut current: Option<&str> = None;
    for c in &report.checks {
        if c.strategy.as_deref() != current {
            current = c.strategy.as_deref();
            if let Some(name) = current {
                out.push_str(&format!("\n{name}\n"));
            }
        }
        out.push_str(&format!("  {} {}: {}\n", marker(c.status), c.id, c.detail));
    }
    let checks = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Pass | Status::Fail))
        .count();
    let failed = report.failures();
    out.push('\n');
    if failed == 0 {
        out.push_str(&format!("All {checks} checks passed.\n"));
    } else {
        out.push_str(&format!("{failed} of {checks} checks failed.\n"));
    }
    out
}

pub fn check_plugin(a: CheckPluginArgs) -> Result<(), Failure> {
    let mut registry = settings::builtins()?;
    if !a.in_process {
        if cfg!(target_os = "linux") {
            let isolate = IsolationArgs {
                isolate: true,
                ..Default::default()
            };
            if let Some(isolation) = settings::isolation(&isolate, None)? {
                registry.isolate(isolation);
            }
        } else {
            note(&format!(
                "note: isolated plugins need Linux; checking {} in this process",
                a.file.display()
            ));
        }
    }
    let report = conformance::check_plugin(&a.file, registry);
    if a.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Failure::Message(format!("cannot write the report as JSON: {e}")))?
            + "\n";
        print(&text)?;
    } else {
        print(&checklist(&report))?;
    }
    if report.passed {
        Ok(())
    } else {
        Err(Failure::Message(format!(
            "{}: {} check{} failed",
            report.file,
            report.failures(),
            if report.failures() == 1 { "" } else { "s" }
        )))
    }
}
