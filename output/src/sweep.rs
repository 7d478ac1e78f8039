//! A sweep's output: one folder per grid point (`point-07/`, holding exactly the files a run
//! of that point's study writes) and `sweep.csv`, the points' per-strategy tables in one table
//! with the point's index and axis values in front, for plotting in one line (e.g.
//! `df.pivot_table(index="noise", columns="Name", values="Median_score")`).
//!
//! `sweep.csv` is assembled from the points' files as written, so a sweep run whole and one
//! merged from shards, which write the same point files, write the same table.
//!
//! A shard of a sweep writes a partial folder of kind `SweepPartial`: `partial.json` (the
//! partial manifest with its `sweep` contents), `study.ron`, `point-07/tally.bin` for every
//! tournament point (the shard's share of that point's matches; see
//! [`vertrouwen_engine::tournament::partial`]), or `point-07/dynamics.bin` for every dynamics
//! point (its share of the payoff matches and simulation runs; see
//! [`vertrouwen_engine::study::DynamicsPartial`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vertrouwen_engine::config::sweep::{AxisValue, GameValue, Grid};
use vertrouwen_engine::study::{DynamicsOutcome, DynamicsPartial};
use vertrouwen_engine::tournament::{PartialTally, TournamentOutcome, TournamentSpec};

use crate::folder::{self, RunFolder, RunSettings};
use crate::number::shortest;
use crate::partial::{sha256_hex, PartialError, PartialManifest, PARTIAL_FORMAT};
use crate::{OutputError, RunInfo, WriteError};

/// The kind in a sweep folder's `manifest.json`.
pub const SWEEP_KIND: &str = "Sweep";
/// The kind in a sweep shard's partial folder.
pub const SWEEP_PARTIAL_KIND: &str = "SweepPartial";
/// The name of a tournament point's sums in a sweep partial.
pub const TALLY: &str = "tally.bin";

/// What a sweep partial holds, in its `partial.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepContents {
    /// Grid points of the sweep.
    pub points: u64,
    /// The tournament points whose sums it holds (every point of a tournament sweep).
    pub tallies: Vec<PointTally>,
    /// The dynamics points whose sums it holds.
    pub dynamics: Vec<PointSums>,
}

/// The counts of one dynamics point's sums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointSums {
    pub point: u64,
    pub players: u64,
    pub repetitions: u64,
    pub matches: u64,
    pub turns: u64,
    pub runs: u64,
}

/// The name of a dynamics point's sums in a sweep partial.
pub const DYNAMICS: &str = "dynamics.bin";

/// The counts of one tournament point's sums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointTally {
    pub point: u64,
    pub players: u64,
    pub repetitions: u64,
    pub matches: u64,
    pub turns: u64,
}

/// The folder of grid point `index` of `points`: `point-07`, zero-padded so that folders sort
/// in grid order.
pub fn point_dir(index: u64, points: u64) -> String {
    let width = points.saturating_sub(1).to_string().len();
    format!("point-{index:0width$}")
}

/// An axis value as written in `sweep.csv` and the points' descriptions.
pub fn axis_text(v: &AxisValue) -> Result<String, WriteError> {
    Ok(match v {
        AxisValue::Real(x) => shortest(*x)?,
        AxisValue::Whole(n) => n.to_string(),
        AxisValue::Game(GameValue::Preset(name)) => name.clone(),
        AxisValue::Game(GameValue::Payoffs { r, s, t, p }) => format!(
            "(r: {}, s: {}, t: {}, p: {})",
            shortest(*r)?,
            shortest(*s)?,
            shortest(*t)?,
            shortest(*p)?
        ),
    })
}

/// The run information of a point: the sweep's name, and the point's values as description.
pub fn point_info(info: &RunInfo, grid: &Grid, index: u64) -> Result<RunInfo, WriteError> {
    let mut values = Vec::with_capacity(grid.axes.len());
    for (axis, v) in grid.axes.iter().zip(grid.values(index)) {
        values.push(format!("{} = {}", axis.kind.column(), axis_text(&v)?));
    }
    Ok(RunInfo {
        study: info.study.clone(),
        description: Some(format!(
            "grid point {index} of {}: {}",
            grid.len(),
            values.join(", ")
        )),
        file: info.file.clone(),
    })
}

fn file_error(folder: &RunFolder, name: &str, source: WriteError) -> OutputError {
    OutputError::File {
        path: folder.staging().join(name),
        source,
    }
}

/// Writes a tournament point's files into its subfolder.
pub fn write_point_tournament(
    folder: &mut RunFolder,
    info: &RunInfo,
    grid: &Grid,
    index: u64,
    spec: &TournamentSpec,
    outcome: &TournamentOutcome,
) -> Result<(), OutputError> {
    let dir = point_dir(index, grid.len());
    let info = point_info(info, grid, index).map_err(|e| file_error(folder, &dir, e))?;
    folder.in_subfolder(&dir, |f| crate::write_tournament(f, &info, spec, outcome))
}

/// Writes a dynamics point's files into its subfolder.
pub fn write_point_dynamics(
    folder: &mut RunFolder,
    info: &RunInfo,
    grid: &Grid,
    index: u64,
    outcome: &DynamicsOutcome,
) -> Result<(), OutputError> {
    let dir = point_dir(index, grid.len());
    let info = point_info(info, grid, index).map_err(|e| file_error(folder, &dir, e))?;
    folder.in_subfolder(&dir, |f| crate::write_dynamics(f, &info, outcome))
}

/// The per-strategy table of a point of `kind`: its file, and whether only its last row is
/// kept, turned into one row per strategy (`strategy,final_share`: trajectories).
fn point_table(kind: &str) -> (&'static str, bool) {
    match kind {
        "Tournament" => ("summary.csv", false),
        "Ecological" | "Replicator" => ("shares.csv", true),
        "Fixation" | "Simulation" => ("fixation.csv", false),
        "Stationary" => ("stationary.csv", false),
        _ => ("rest_points.csv", false),
    }
}

/// Writes `sweep.csv` from the points' tables already written into `folder`.
pub fn write_sweep_table(folder: &mut RunFolder, grid: &Grid) -> Result<(), OutputError> {
    let (table, final_row) = point_table(grid.base_kind());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(grid.axes.iter().map(|a| a.kind.column().to_string()));
    for index in 0..grid.len() {
        let name = format!("{}/{table}", point_dir(index, grid.len()));
        let path = folder.staging().join(&name);
        let read = |e: csv::Error| file_error(folder, &name, WriteError::Csv(e));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(&path)
            .map_err(read)?;
        let columns: Vec<String> = reader
            .headers()
            .map_err(read)?
            .iter()
            .map(String::from)
            .collect();
        let records: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().map_err(read)?;
        let mut front = vec![index.to_string()];
        for v in grid.values(index) {
            front.push(axis_text(&v).map_err(|e| file_error(folder, &name, e))?);
        }
        if index == 0 {
            if final_row {
                header.extend(["strategy".to_string(), "final_share".to_string()]);
            } else {
                header.extend(columns.iter().cloned());
            }
        }
        if final_row {
            // `generation|time, <one share per strategy>`: the last row, one strategy a row.
            if let Some(last) = records.last() {
                for (label, share) in columns.iter().zip(last.iter()).skip(1) {
                    let mut row = front.clone();
                    row.extend([label.clone(), share.to_string()]);
                    rows.push(row);
                }
            }
        } else {
            for r in &records {
                let mut row = front.clone();
                row.extend(r.iter().map(String::from));
                rows.push(row);
            }
        }
    }
    folder.write("sweep.csv", |w| {
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(w);
        out.write_record(&header)?;
        for r in &rows {
            out.write_record(r)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// Publishes a sweep's folder (every point and `sweep.csv` written).
pub fn commit_sweep(
    folder: RunFolder,
    info: &RunInfo,
    grid: &Grid,
) -> Result<PathBuf, OutputError> {
    folder.commit(RunSettings {
        kind: SWEEP_KIND.into(),
        study: info.study.clone(),
        file: info.file.clone(),
        seed: grid.seed(),
    })
}

/// Writes `value` as the file `name`, postcard-encoded (floats keep their bits).
fn write_encoded<T: Serialize>(
    folder: &mut RunFolder,
    name: &str,
    value: &T,
) -> Result<(), OutputError> {
    let encoded = postcard::to_stdvec(value).map_err(|e| {
        file_error(
            folder,
            name,
            WriteError::Io(std::io::Error::other(e.to_string())),
        )
    })?;
    folder.write(name, |w| Ok(w.write_all(&encoded)?))
}

/// Writes the sums of tournament point `index` into a sweep shard's partial folder (one at a
/// time, so that a shard holds one point's sums in memory, not the grid's).
pub fn write_point_tally(
    folder: &mut RunFolder,
    points: u64,
    index: u64,
    tally: &PartialTally,
) -> Result<PointTally, OutputError> {
    write_encoded(
        folder,
        &format!("{}/{TALLY}", point_dir(index, points)),
        tally,
    )?;
    Ok(PointTally {
        point: index,
        players: tally.players(),
        repetitions: tally.repetitions(),
        matches: tally.matches_played(),
        turns: tally.turns_played(),
    })
}

/// Writes the sums of dynamics point `index` into a sweep shard's partial folder.
pub fn write_point_sums(
    folder: &mut RunFolder,
    points: u64,
    index: u64,
    sums: &DynamicsPartial,
) -> Result<PointSums, OutputError> {
    write_encoded(
        folder,
        &format!("{}/{DYNAMICS}", point_dir(index, points)),
        sums,
    )?;
    let (players, repetitions) = sums
        .payoffs
        .as_ref()
        .map_or((0, 0), |p| (p.players(), p.repetitions()));
    let (matches, turns, runs) = sums.counts();
    Ok(PointSums {
        point: index,
        players,
        repetitions,
        matches,
        turns,
        runs: runs.min(u128::from(u64::MAX)) as u64,
    })
}

/// Finishes a sweep shard's partial (its points' sums already written into `folder`) and
/// publishes it.
pub fn commit_sweep_partial(
    folder: RunFolder,
    manifest: &PartialManifest,
    study: &str,
) -> Result<PathBuf, OutputError> {
    crate::partial::commit_partial(folder, SWEEP_PARTIAL_KIND, manifest, study)
}

/// Writes a checkpoint of a sweep shard into `folder` (begun at the checkpoint's place) and
/// publishes it: the sums of the points `manifest` lists (its `sweep` contents), copied from
/// `staged` (the shard's output folder being written), with the study text. `manifest` says
/// how far the shard has come (`checkpoint`).
pub fn commit_sweep_checkpoint(
    mut folder: RunFolder,
    staged: &Path,
    manifest: &PartialManifest,
    study: &str,
) -> Result<PathBuf, OutputError> {
    if let Some(contents) = &manifest.sweep {
        let names = contents
            .tallies
            .iter()
            .map(|t| format!("{}/{TALLY}", point_dir(t.point, contents.points)))
            .chain(
                contents
                    .dynamics
                    .iter()
                    .map(|d| format!("{}/{DYNAMICS}", point_dir(d.point, contents.points))),
            );
        for name in names {
            let bytes = std::fs::read(staged.join(&name))
                .map_err(|e| file_error(&folder, &name, WriteError::Io(e)))?;
            folder.write(&name, |w| Ok(w.write_all(&bytes)?))?;
        }
    }
    commit_sweep_partial(folder, manifest, study)
}

/// A sweep shard's partial, opened: its manifests and study checked; the points' files are
/// read (and checked against the manifest) when asked for.
#[derive(Clone, Debug)]
pub struct SweepPartial {
    pub dir: PathBuf,
    pub manifest: PartialManifest,
    pub contents: SweepContents,
    pub study: String,
    files: Vec<folder::FileEntry>,
    max_bytes: u64,
}

fn unreadable(dir: &Path, reason: impl Into<String>) -> PartialError {
    PartialError::Unreadable {
        dir: dir.to_path_buf(),
        reason: reason.into(),
    }
}

/// The largest `partial.json` or `study.ron` read.
const MAX_SMALL_FILE: u64 = 16 << 20;

impl SweepPartial {
    /// Opens the sweep partial `dir`; no file of it read later may exceed `max_bytes`.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<SweepPartial, PartialError> {
        let manifest = folder::read_manifest(dir).map_err(|e| unreadable(dir, e.to_string()))?;
        if manifest.kind != SWEEP_PARTIAL_KIND {
            return Err(unreadable(
                dir,
                format!(
                    "it holds {} results, not a {SWEEP_PARTIAL_KIND} (written by `run --shard` of a Sweep)",
                    manifest.kind
                ),
            ));
        }
        for entry in &manifest.files {
            let bad = entry.name.starts_with('/')
                || entry
                    .name
                    .split('/')
                    .any(|part| part.is_empty() || part == "." || part == "..");
            if bad {
                return Err(unreadable(
                    dir,
                    format!("its manifest names the file {:?}", entry.name),
                ));
            }
        }
        let mut partial = SweepPartial {
            dir: dir.to_path_buf(),
            manifest: PartialManifest {
                partial_format: 0,
                engine: String::new(),
                study_sha256: String::new(),
                file: String::new(),
                seed: 0,
                trust_run: None,
                plugins: Vec::new(),
                shard_count: 0,
                shards: Vec::new(),
                checkpoint: None,
                players: 0,
                repetitions: 0,
                matches: 0,
                turns: 0,
                sweep: None,
                runs: None,
                seed_flag: None,
            },
            contents: SweepContents {
                points: 0,
                tallies: Vec::new(),
                dynamics: Vec::new(),
            },
            study: String::new(),
            files: manifest.files,
            max_bytes,
        };
        let head = partial.read("partial.json", MAX_SMALL_FILE)?;
        let head: serde_json::Value = serde_json::from_slice(&head)
            .map_err(|e| unreadable(dir, format!("partial.json: {e}")))?;
        let format = head.get("partial_format").and_then(|v| v.as_u64());
        if format != Some(u64::from(PARTIAL_FORMAT)) {
            return Err(PartialError::Format {
                dir: dir.to_path_buf(),
                found: format.map_or(0, |f| f.min(u64::from(u32::MAX)) as u32),
            });
        }
        let pm: PartialManifest = serde_json::from_value(head)
            .map_err(|e| unreadable(dir, format!("partial.json: {e}")))?;
        let contents = pm
            .sweep
            .clone()
            .ok_or_else(|| unreadable(dir, "partial.json describes no sweep"))?;
        let study = String::from_utf8(partial.read("study.ron", MAX_SMALL_FILE)?)
            .map_err(|_| unreadable(dir, "study.ron is not UTF-8 text"))?;
        if sha256_hex(study.as_bytes()) != pm.study_sha256 {
            return Err(unreadable(
                dir,
                "study.ron does not match the study hash in partial.json",
            ));
        }
        if let Some(p) = contents
            .tallies
            .iter()
            .map(|t| t.point)
            .chain(contents.dynamics.iter().map(|d| d.point))
            .find(|&p| p >= contents.points)
        {
            return Err(unreadable(
                dir,
                format!("it names point {p} of {}", contents.points),
            ));
        }
        partial.manifest = pm;
        partial.contents = contents;
        partial.study = study;
        Ok(partial)
    }

    /// Reads the file `name`, checked against the manifest (at most `limit` bytes).
    fn read(&self, name: &str, limit: u64) -> Result<Vec<u8>, PartialError> {
        crate::partial::read_listed(&self.dir, &self.files, name, limit)
    }

    /// The sums of tournament point `index`, if this partial holds them.
    pub fn tally(&self, index: u64) -> Result<Option<PartialTally>, PartialError> {
        let Some(t) = self.contents.tallies.iter().find(|t| t.point == index) else {
            return Ok(None);
        };
        let name = format!("{}/{TALLY}", point_dir(index, self.contents.points));
        let bytes = self.read(&name, self.max_bytes)?;
        let tally: PartialTally = postcard::from_bytes(&bytes)
            .map_err(|e| unreadable(&self.dir, format!("{name}: {e}")))?;
        tally
            .check_shape(t.players as usize, t.repetitions as usize)
            .map_err(|source| PartialError::Sums {
                dir: self.dir.clone(),
                source,
            })?;
        if tally.matches_played() != t.matches || tally.turns_played() != t.turns {
            return Err(unreadable(
                &self.dir,
                format!("the counts in partial.json and {name} disagree"),
            ));
        }
        Ok(Some(tally))
    }

    /// The sums of dynamics point `index`, if this partial holds them.
    pub fn dynamics(&self, index: u64) -> Result<Option<DynamicsPartial>, PartialError> {
        let Some(d) = self.contents.dynamics.iter().find(|d| d.point == index) else {
            return Ok(None);
        };
        let name = format!("{}/{DYNAMICS}", point_dir(index, self.contents.points));
        let bytes = self.read(&name, self.max_bytes)?;
        let sums: DynamicsPartial = postcard::from_bytes(&bytes)
            .map_err(|e| unreadable(&self.dir, format!("{name}: {e}")))?;
        if let Some(p) = &sums.payoffs {
            p.check_shape(d.players as usize, d.repetitions as usize)
                .map_err(|source| PartialError::Sums {
                    dir: self.dir.clone(),
                    source,
                })?;
        }
        let (matches, turns, runs) = sums.counts();
        if matches != d.matches || turns != d.turns || runs != u128::from(d.runs) {
            return Err(unreadable(
                &self.dir,
                format!("the counts in partial.json and {name} disagree"),
            ));
        }
        Ok(Some(sums))
    }
}
