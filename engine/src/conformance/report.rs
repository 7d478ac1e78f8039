//! What `check-plugin` reports: a checklist of one line per check.

use serde::Serialize;

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Not run (an earlier check failed) or not applicable.
    Skip,
    /// A measurement, not a check.
    Info,
}

/// One line of the checklist.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// The strategy checked; `None` for the plugin as a whole.
    pub strategy: Option<String>,
    pub id: &'static str,
    pub status: Status,
    /// What was checked and found, or what went wrong, in one line.
    pub detail: String,
}

/// The name and version a plugin declares.
#[derive(Clone, Debug, Serialize)]
pub struct PluginInfo {
    pub name: String,
    pub version: String,
    pub strategies: usize,
}

/// Everything `check-plugin` found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub file: String,
    /// Whether the plugin ran isolated (in worker processes) or in this process.
    pub isolated: bool,
    pub plugin: Option<PluginInfo>,
    /// Whether every check passed.
    pub passed: bool,
    pub checks: Vec<Check>,
}

impl Report {
    /// How many checks failed.
    pub fn failures(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .count()
    }
}

/// Collects one strategy's checks.
pub(super) struct Checklist<'a> {
    pub(super) strategy: &'a str,
    pub(super) checks: Vec<Check>,
}

impl Checklist<'_> {
    pub(super) fn push(&mut self, id: &'static str, status: Status, detail: impl Into<String>) {
        self.checks.push(Check {
            strategy: Some(self.strategy.to_string()),
            id,
            status,
            detail: detail.into(),
        });
    }

    pub(super) fn skip_rest(&mut self, ids: &[&'static str], why: &str) {
        for id in ids {
            self.push(id, Status::Skip, why);
        }
    }
}
