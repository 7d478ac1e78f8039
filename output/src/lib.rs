//! # vertrouwen-output
//!
//! Everything Vertrouwen writes, in one place: the versioned `results.json` schema
//! ([`schema`], built from the engine's typed outcomes by [`convert`]), the CSV tables
//! ([`tables`], one CSV writer: the `csv` crate), reports for terminals ([`text`]), and run
//! folders written as one unit with a manifest ([`folder`]). The engine never formats output;
//! the command line and the HTML report go through this crate, to write a run and to read one
//! back ([`read_results`]).
//!
//! Numbers: every number written is finite (NaN or infinity is an error, never `null`), in its
//! shortest round-trip form ([`number`]), except `summary.csv`, which keeps Axelrod-Python's
//! formatting.

pub mod convert;
pub mod folder;
pub mod interactions;
pub mod number;
pub mod partial;
pub mod schema;
pub mod sweep;
pub mod tables;
pub mod text;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use vertrouwen_engine::study::DynamicsOutcome;
use vertrouwen_engine::tournament::{TournamentOutcome, TournamentSpec};

pub use convert::RunInfo;
pub use folder::{Manifest, RunFolder, RunSettings};
pub use schema::ResultsDocument;

/// Why one file could not be written.
#[derive(Debug, Error)]
pub enum WriteError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("refusing to write the non-finite number {0} (every result must be a finite number)")]
    NonFinite(f64),
}

/// Why output could not be written (or read back).
#[derive(Debug, Error)]
pub enum OutputError {
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: WriteError,
    },
    #[error("{}: cannot write the results there: {reason}", path.display())]
    BadTarget { path: PathBuf, reason: String },
    #[error("{} holds the results of {previous}; replace them with --force, or choose another folder with --out", path.display())]
    OtherRun { path: PathBuf, previous: String },
    #[error("{}: the file does not match the manifest (SHA-256 {found}, expected {expected})", path.display())]
    Corrupt {
        path: PathBuf,
        expected: String,
        found: String,
    },
    #[error("{}: unknown results kind {kind:?}", path.display())]
    UnknownKind { path: PathBuf, kind: String },
}

/// A document as pretty JSON with a final newline; fails on a non-finite number.
pub fn json_text<T: Serialize>(doc: &T) -> Result<String, WriteError> {
    Ok(serde_json::to_string_pretty(doc)? + "\n")
}

/// A document as one line of JSON (what `--json` prints); fails on a non-finite number.
pub fn json_line<T: Serialize>(doc: &T) -> Result<String, WriteError> {
    Ok(serde_json::to_string(doc)? + "\n")
}

/// Writes a JSON document (pretty, with a final newline), refusing non-finite numbers.
pub fn write_json<T: Serialize>(w: &mut dyn Write, doc: &T) -> Result<(), WriteError> {
    w.write_all(json_text(doc)?.as_bytes())?;
    Ok(())
}

/// Writes a tournament's files into `folder` and publishes it (manifest, rename). Returns the
/// folder's path.
pub fn publish_tournament(
    mut folder: RunFolder,
    info: &RunInfo,
    spec: &TournamentSpec,
    outcome: &TournamentOutcome,
) -> Result<PathBuf, OutputError> {
    write_tournament(&mut folder, info, spec, outcome)?;
    commit_tournament(folder, info, spec)
}

/// Publishes a tournament's folder whose files were written ([`write_tournament`] and any
/// extra files).
pub fn commit_tournament(
    folder: RunFolder,
    info: &RunInfo,
    spec: &TournamentSpec,
) -> Result<PathBuf, OutputError> {
    folder.commit(RunSettings {
        kind: "Tournament".into(),
        study: info.study.clone(),
        file: info.file.clone(),
        seed: Some(spec.seed),
    })
}

/// Publishes a dynamics study's folder whose files were written ([`write_dynamics`] and any
/// extra files).
pub fn commit_dynamics(
    folder: RunFolder,
    info: &RunInfo,
    seed: Option<u64>,
    outcome: &DynamicsOutcome,
) -> Result<PathBuf, OutputError> {
    folder.commit(RunSettings {
        kind: convert::kind_name(outcome).into(),
        study: info.study.clone(),
        file: info.file.clone(),
        seed,
    })
}

/// Writes a dynamics study's files into `folder` and publishes it. `seed` is the study's
/// master seed, if it has one (`DynamicsSpec::seed`).
pub fn publish_dynamics(
    mut folder: RunFolder,
    info: &RunInfo,
    seed: Option<u64>,
    outcome: &DynamicsOutcome,
) -> Result<PathBuf, OutputError> {
    write_dynamics(&mut folder, info, outcome)?;
    commit_dynamics(folder, info, seed, outcome)
}

/// Writes a tournament's `summary.csv` and `results.json` into `folder`.
pub fn write_tournament(
    folder: &mut RunFolder,
    info: &RunInfo,
    spec: &TournamentSpec,
    outcome: &TournamentOutcome,
) -> Result<(), OutputError> {
    folder.write("summary.csv", |w| tables::summary(w, &outcome.results))?;
    folder.write("trust.csv", |w| tables::trust(w, &outcome.results))?;
    folder.write("disqualified.csv", |w| {
        tables::disqualified(w, &outcome.disqualified)
    })?;
    let doc = convert::tournament_document(info, spec, outcome);
    folder.write("results.json", |w| write_json(w, &doc))
}

/// Writes a dynamics study's files into `folder`: `payoffs.csv`, the kind's table
/// (`shares.csv`, `fixation.csv`, `stationary.csv` or `rest_points.csv`) and `results.json`.
pub fn write_dynamics(
    folder: &mut RunFolder,
    info: &RunInfo,
    outcome: &DynamicsOutcome,
) -> Result<(), OutputError> {
    let p = outcome.payoffs();
    let labels = &p.labels;
    folder.write("payoffs.csv", |w| tables::payoffs(w, labels, &p.matrix))?;
    match outcome {
        DynamicsOutcome::Ecological(e) => folder.write("shares.csv", |w| {
            tables::trajectory(w, tables::Clock::Generations, labels, &e.states)
        })?,
        DynamicsOutcome::Replicator(r) => folder.write("shares.csv", |w| {
            tables::trajectory(
                w,
                tables::Clock::Times(&r.trajectory.times),
                labels,
                &r.trajectory.states,
            )
        })?,
        DynamicsOutcome::Fixation(f) => folder.write("fixation.csv", |w| tables::fixation(w, f))?,
        DynamicsOutcome::Stationary(s) => folder.write("stationary.csv", |w| {
            tables::stationary(w, labels, &s.stationary.distribution)
        })?,
        DynamicsOutcome::Simulation(s) => {
            folder.write("fixation.csv", |w| {
                tables::simulation(w, labels, &s.summary)
            })?;
            folder.write("trajectories.csv", |w| {
                tables::trajectories(w, labels, &s.trajectories)
            })?
        }
        DynamicsOutcome::RestPoints(r) => folder.write("rest_points.csv", |w| {
            tables::rest_points(w, labels, &r.points)
        })?,
    }
    let doc = convert::dynamics_document(info, outcome);
    folder.write("results.json", |w| write_json(w, &doc))
}

/// Writes one file atomically: a temporary file beside it, synced, renamed over `path`.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), WriteError>,
) -> Result<(), OutputError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::new(file);
        write(&mut w)?;
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok::<_, WriteError>(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|source| OutputError::File {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads `results.json` of a run folder, whichever kind of study wrote it.
pub fn read_results(dir: &Path) -> Result<ResultsDocument, OutputError> {
    let path = dir.join("results.json");
    let text = std::fs::read_to_string(&path).map_err(|e| OutputError::File {
        path: path.clone(),
        source: WriteError::Io(e),
    })?;
    let json = |e| OutputError::File {
        path: path.clone(),
        source: WriteError::Json(e),
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(json)?;
    match value.get("kind").and_then(|k| k.as_str()) {
        Some("Tournament") => Ok(ResultsDocument::Tournament(Box::new(
            serde_json::from_value(value).map_err(json)?,
        ))),
        Some(
            "Ecological" | "Replicator" | "Fixation" | "Stationary" | "Simulation" | "RestPoints",
        ) => Ok(ResultsDocument::Dynamics(Box::new(
            serde_json::from_value(value).map_err(json)?,
        ))),
        other => Err(OutputError::UnknownKind {
            path: path.clone(),
            kind: other.unwrap_or("(none)").to_string(),
        }),
    }
}
