//! RON study files: what users write to describe a study, read into the file schema
//! ([`schema`]) and turned into engine specs ([`LoadedStudy::tournament_spec`],
//! [`LoadedStudy::dynamics_spec`]).
//!
//! ```ron
//! Tournament(
//!     name: "Classics",
//!     players: [
//!         "Tit For Tat",
//!         (name: "Random", params: "(p: 0.3)", label: "Random 30%"),
//!     ],
//!     game: "standard",          // a preset name, or (r: 3, s: 0, t: 5, p: 1)
//!     turns: 200,                // and/or prob_end: 0.005
//!     noise: 0.0,
//!     repetitions: 5,
//!     seed: 1,
//!     plugins: ["../target/release/libmy_plugin.so"],   // relative to this file
//! )
//! ```
//!
//! Evolutionary-dynamics studies take their payoffs either from matches between named
//! strategies or directly from a matrix (see [`crate::evolution`] for the conventions):
//!
//! ```ron
//! Ecological(
//!     name: "Axelrod's ecological simulation",
//!     payoffs: Matches(
//!         players: ["Tit For Tat", "Defector", "Random"],
//!         turns: 200,
//!         payoff: PerTurn,        // or Totals: the convention changes the numbers
//!         repetitions: 10,        // matches per stochastic pair (deterministic: played once)
//!         seed: 1,
//!     ),
//!     generations: 1000,          // discrete replicator from uniform shares (or `initial`)
//! )
//! Fixation(payoffs: Matrix(strategies: ["TFT", "ALLD"], rows: [[30, 9], [14, 10]]),
//!          population: 10, processes: [Moran(w: 0.1), Fermi(beta: 0.1)])
//! Replicator(payoffs: .., time: 50.0, points: 100, mutation: 0.001)
//! Stationary(payoffs: .., population: 100, process: Fermi(beta: 1.0))
//! Simulation(payoffs: .., mode: Matches, rule: DeathBirth, fitness: Linear(w: 1.0),
//!            graph: Complete(n: 10), initial: [2, 2, 2, 2, 2], runs: 100, seed: 1)
//! RestPoints(payoffs: Matrix(rows: [[0, 3], [1, 2]]))
//! ```
//!
//! Unknown fields are rejected, and every error names the file, line and column of the
//! offending value and says what was expected. Values are range-checked as they are read
//! (the newtypes of [`crate::values`]); what needs more than one value (a label used twice, an
//! `initial` list of the wrong length, a population too large for memory) is checked when the
//! spec is built, at the position the parser recorded for that value ([`spanned`]).
//!
//! Labels must be unique: two players with the same label are refused (give one of them a
//! `label`), so every row of the results names one player.

mod convert;
pub mod schema;
pub mod spanned;
pub mod sweep;

use std::io::Read;
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use thiserror::Error;

use crate::study::Limits;
use crate::values::Seed;

pub use schema::Study;
pub use spanned::{Span, Spanned};

/// The largest study file read: far more than any study needs (10,000 players take about
/// 300 KB), small enough that reading it is harmless.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// What kind of problem a [`ConfigError`] is, for callers that add advice by type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigErrorKind {
    /// The file could not be read (missing, too large, not UTF-8).
    Read,
    /// Not valid RON, or not a study: a syntax error, an unknown field, a value out of range.
    Syntax,
    /// A valid value that does not fit the study (unknown strategy, duplicate label, ...).
    Invalid,
    /// The study needs more memory than the limit allows.
    Memory,
}

/// A configuration error located in a file.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub kind: ConfigErrorKind,
}

/// A parsed file with its source text, for locating errors found after parsing.
#[derive(Clone, Debug)]
pub struct LoadedStudy {
    pub path: PathBuf,
    pub source: String,
    pub study: Study,
}

fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// RON's message for an error.
fn explain(code: &ron::Error) -> String {
    code.to_string()
}

/// Parses study text; `file` is only used in error messages.
pub fn parse(file: &Path, source: &str) -> Result<Study, ConfigError> {
    let (result, inner) = spanned::with_source(source, || ron_options().from_str::<Study>(source));
    result.map_err(|e| {
        let (offset, message) = inner.unwrap_or_else(|| {
            (
                spanned::offset_at(source, e.span.start.line, e.span.start.col),
                explain(&e.code),
            )
        });
        let (line, column) = spanned::line_column(source, offset);
        ConfigError {
            file: file.display().to_string(),
            line,
            column,
            message,
            kind: ConfigErrorKind::Syntax,
        }
    })
}

fn read_error(path: &Path, message: String) -> ConfigError {
    ConfigError {
        file: path.display().to_string(),
        line: 1,
        column: 1,
        message,
        kind: ConfigErrorKind::Read,
    }
}

/// Reads (at most [`MAX_FILE_BYTES`]) and parses a study file.
pub fn load(path: &Path) -> Result<LoadedStudy, ConfigError> {
    let file = std::fs::File::open(path)
        .map_err(|e| read_error(path, format!("cannot read the file: {e}")))?;
    let mut bytes = Vec::new();
    // Read one byte more than allowed, so a file of any length (or an endless device such as
    // /dev/zero) is refused after MAX_FILE_BYTES + 1 bytes.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(path, format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(read_error(
            path,
            format!(
                "the file is larger than {} MiB; a study file describes a study, it does not hold data (is this the right file?)",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    let source = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or("");
            spanned::line_column(valid, valid.len())
        };
        ConfigError {
            file: path.display().to_string(),
            line,
            column,
            message: "the file is not UTF-8 text; a study file is RON text".into(),
            kind: ConfigErrorKind::Read,
        }
    })?;
    let study = parse(path, &source)?;
    Ok(LoadedStudy {
        path: path.to_path_buf(),
        source,
        study,
    })
}

/// Upper bounds on a study's sizes, for quick previews and the golden-output tests: each size
/// in the file is replaced by the smaller of it and its cap. Not a way to change results
/// silently: the caps are recorded in nothing the engine writes, so only tests use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    pub turns: u64,
    pub repetitions: u32,
    pub generations: u64,
    pub points: u64,
    pub runs: u64,
    pub max_steps: u64,
}

/// Command-line settings that override or complete the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub seed: Option<Seed>,
    /// Extra plugins (paths as given, relative to the working directory).
    pub plugins: Vec<PathBuf>,
    /// What the run may use.
    pub limits: Limits,
    /// Size caps (tests and previews only).
    pub caps: Option<Caps>,
    /// Trust run length, overriding the file's `trust_run`.
    pub trust_run: Option<u32>,
}

#[cfg(test)]
mod tests;
