//! Partial results of a tournament on disk: what a shard (`run --shard I/N`), a checkpoint of a
//! run, or `merge --partial` writes, and what `merge` and `run --resume` read back.
//!
//! A partial folder is a run folder ([`crate::folder`]: written as one unit, `manifest.json`
//! last with each file's size and SHA-256) of kind `TournamentPartial` holding three files:
//! - `partial.json`: [`PartialManifest`]: the partial format version, the engine, the SHA-256
//!   of the study file's text, the file name as given, the settings that change results (seed,
//!   `--trust-run`, `--plugin`s), which shards of how many it covers, and the counts;
//! - `study.ron`: the study file's text, so that a merge needs nothing but the partials;
//! - `tally.bin`: the running sums ([`PartialTally`]) in `postcard` encoding (floats keep
//!   their exact bits, which JSON parsing does not promise).
//!
//! Reading checks sizes before reading (every file against the manifest and a limit), every
//! file's checksum, and the study text's hash, so a truncated, edited or foreign partial is
//! refused with the folder's name, never used.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use vertrouwen_engine::study::DynamicsPartial;
use vertrouwen_engine::tournament::PartialTally;

use crate::folder::{self, RunFolder, RunSettings, MANIFEST};
use crate::schema::engine;
use crate::{OutputError, WriteError};

/// Version of the partial format: partials of another version are refused.
pub const PARTIAL_FORMAT: u32 = 1;
/// The kind in a partial folder's `manifest.json`.
pub const PARTIAL_KIND: &str = "TournamentPartial";
/// The largest `manifest.json` or `partial.json` read.
const MAX_SMALL_FILE: u64 = 16 << 20;

/// How far a checkpoint has come (`None` in a finished shard or a merge).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointProgress {
    /// The shard's first `jobs_done` matches (of its `jobs`) are in the sums.
    pub jobs_done: u64,
    pub jobs: u64,
}

/// `partial.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialManifest {
    pub partial_format: u32,
    pub engine: String,
    /// Lower-case hex SHA-256 of the study file's text (`study.ron`).
    pub study_sha256: String,
    /// The study file as given on the command line (it appears in the results).
    pub file: String,
    pub seed: u64,
    /// `--trust-run`, if given.
    pub trust_run: Option<u32>,
    /// `--plugin` paths, as given.
    pub plugins: Vec<String>,
    /// The number of shards the work was cut into.
    pub shard_count: u32,
    /// The shards whose sums this partial holds (increasing).
    pub shards: Vec<u32>,
    /// `Some` for a checkpoint: the shard is not finished.
    pub checkpoint: Option<CheckpointProgress>,
    pub players: u64,
    pub repetitions: u64,
    /// Matches and turns in the sums.
    pub matches: u64,
    pub turns: u64,
    /// A sweep shard's contents (`None` for a tournament's partial, and then not written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<crate::sweep::SweepContents>,
    /// Simulation runs in a dynamics study's partial (not written otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<u64>,
    /// The `--seed` a dynamics study's shards were run with (it replaces every seed of the
    /// study; not written without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_flag: Option<u64>,
}

impl PartialManifest {
    /// The settings that must agree between partials of one study, as (name, value) pairs.
    fn identity(&self) -> [(&'static str, String); 8] {
        [
            ("partial format", self.partial_format.to_string()),
            ("engine", self.engine.clone()),
            ("study (SHA-256 of the file)", self.study_sha256.clone()),
            ("shard count", self.shard_count.to_string()),
            ("seed", self.seed.to_string()),
            ("trust run", format!("{:?}", self.trust_run)),
            ("plugins", format!("{:?}", self.plugins)),
            ("--seed", format!("{:?}", self.seed_flag)),
        ]
    }
}

/// A partial result: its manifest, the study text and the sums.
#[derive(Clone, Debug)]
pub struct Partial {
    pub manifest: PartialManifest,
    pub study: String,
    pub tally: PartialTally,
}

/// Why partial folders cannot be used or merged.
#[derive(Debug, Error)]
pub enum PartialError {
    #[error("{}: not a partial result: {reason}", dir.display())]
    Unreadable { dir: PathBuf, reason: String },
    #[error("{}: {what} is {found}, but {} has {expected}", dir.display(), reference.display())]
    Mismatch {
        dir: PathBuf,
        what: &'static str,
        found: String,
        expected: String,
        reference: PathBuf,
    },
    #[error("{}: written by partial format {found}, this engine reads format {PARTIAL_FORMAT}", dir.display())]
    Format { dir: PathBuf, found: u32 },
    #[error("shard {index} of {count} is given twice: in {} and in {}", first.display(), second.display())]
    Duplicate {
        index: u32,
        count: u32,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: shard {index} of {count} is a checkpoint ({done} of {jobs} matches done), not a finished shard; finish it with `run --resume`", dir.display())]
    Unfinished {
        dir: PathBuf,
        index: u32,
        count: u32,
        done: u64,
        jobs: u64,
    },
    #[error("missing shard{} {} of {count} (indices are 0 to {}); run {} and merge again", if missing.len() == 1 { "" } else { "s" }, ranges(missing), count - 1, if missing.len() == 1 { "it" } else { "them" })]
    Missing { missing: Vec<u32>, count: u32 },
    #[error("no partial results given")]
    Nothing,
    #[error("{}: {source}", dir.display())]
    Sums {
        dir: PathBuf,
        #[source]
        source: vertrouwen_engine::tournament::PartError,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// `[1, 2, 3, 5]` as `1-3, 5`.
pub fn ranges(indices: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut k = 0;
    while k < indices.len() {
        let start = indices[k];
        let mut end = start;
        while k + 1 < indices.len() && indices[k + 1] == end + 1 {
            k += 1;
            end = indices[k];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        k += 1;
    }
    out.join(", ")
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a partial result into `folder` (begun with [`RunFolder::begin`]) and publishes it
/// as one unit. Returns its path.
pub fn write_partial(
    mut folder: RunFolder,
    manifest: &PartialManifest,
    study: &str,
    tally: &PartialTally,
) -> Result<PathBuf, OutputError> {
    let encoded = postcard::to_stdvec(tally).map_err(|e| OutputError::File {
        path: folder.staging().join("tally.bin"),
        source: WriteError::Io(std::io::Error::other(e.to_string())),
    })?;
    folder.write("tally.bin", |w| Ok(w.write_all(&encoded)?))?;
    commit_partial(folder, PARTIAL_KIND, manifest, study)
}

/// Writes a partial folder's `study.ron` and `partial.json` (after its sums) and publishes it
/// as a partial of `kind`.
pub(crate) fn commit_partial(
    mut folder: RunFolder,
    kind: &str,
    manifest: &PartialManifest,
    study: &str,
) -> Result<PathBuf, OutputError> {
    folder.write("study.ron", |w| Ok(w.write_all(study.as_bytes())?))?;
    folder.write("partial.json", |w| crate::write_json(w, manifest))?;
    folder.commit(RunSettings {
        kind: kind.into(),
        study: None,
        file: Some(manifest.file.clone()),
        seed: Some(manifest.seed),
    })
}

fn unreadable(dir: &Path, reason: impl Into<String>) -> PartialError {
    PartialError::Unreadable {
        dir: dir.to_path_buf(),
        reason: reason.into(),
    }
}

/// Reads a file of at most `limit` bytes.
fn read_bounded(dir: &Path, name: &str, limit: u64) -> Result<Vec<u8>, PartialError> {
    let path = dir.join(name);
    let file = fs::File::open(&path).map_err(|e| unreadable(dir, format!("{name}: {e}")))?;
    let len = file
        .metadata()
        .map_err(|e| unreadable(dir, format!("{name}: {e}")))?
        .len();
    if len > limit {
        return Err(unreadable(
            dir,
            format!("{name} has {len} bytes, more than the limit of {limit}"),
        ));
    }
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(len as usize)
        .map_err(|e| unreadable(dir, format!("{name}: {e}")))?;
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(dir, format!("{name}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(unreadable(
            dir,
            format!("{name} is larger than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// Reads the file `name` of the folder `dir`, which its manifest (`files`) must list with at
/// most `limit` bytes, and checks its size and SHA-256 against the manifest.
pub(crate) fn read_listed(
    dir: &Path,
    files: &[folder::FileEntry],
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, PartialError> {
    let entry = files
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| unreadable(dir, format!("its manifest lists no {name}")))?;
    if entry.bytes > limit {
        return Err(unreadable(
            dir,
            format!(
                "{name} would have {} bytes, more than the limit of {limit}",
                entry.bytes
            ),
        ));
    }
    let bytes = read_bounded(dir, name, entry.bytes)?;
    let sum = sha256_hex(&bytes);
    if bytes.len() as u64 != entry.bytes || sum != entry.sha256 {
        return Err(unreadable(
            dir,
            format!(
                "{name} does not match the manifest (SHA-256 {sum}, expected {})",
                entry.sha256
            ),
        ));
    }
    Ok(bytes)
}

/// A partial folder of `kind` read and checked: its manifest, study text and sums file.
fn read_folder(
    dir: &Path,
    kind: &str,
    sums: &str,
    max_bytes: u64,
) -> Result<(PartialManifest, String, Vec<u8>), PartialError> {
    if !dir.join(MANIFEST).exists() {
        return Err(unreadable(
            dir,
            "it has no manifest.json (a shard that did not finish, or not a partial folder)",
        ));
    }
    let manifest_bytes = read_bounded(dir, MANIFEST, MAX_SMALL_FILE)?;
    let manifest: folder::Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| unreadable(dir, format!("{MANIFEST}: {e}")))?;
    if manifest.kind != kind {
        return Err(unreadable(
            dir,
            format!(
                "it holds {} results, not a {kind} (written by `run --shard` or `merge --partial`)",
                manifest.kind
            ),
        ));
    }
    let mut files = BTreeMap::new();
    for name in ["partial.json", "study.ron", sums] {
        let limit = if name == sums {
            max_bytes
        } else {
            MAX_SMALL_FILE
        };
        files.insert(name, read_listed(dir, &manifest.files, name, limit)?);
    }
    let head: serde_json::Value = serde_json::from_slice(&files["partial.json"])
        .map_err(|e| unreadable(dir, format!("partial.json: {e}")))?;
    let format = head.get("partial_format").and_then(|v| v.as_u64());
    if format != Some(u64::from(PARTIAL_FORMAT)) {
        return Err(PartialError::Format {
            dir: dir.to_path_buf(),
            found: format.map_or(0, |f| f.min(u64::from(u32::MAX)) as u32),
        });
    }
    let partial_manifest: PartialManifest =
        serde_json::from_value(head).map_err(|e| unreadable(dir, format!("partial.json: {e}")))?;
    let study = String::from_utf8(files.remove("study.ron").unwrap_or_default())
        .map_err(|_| unreadable(dir, "study.ron is not UTF-8 text"))?;
    if sha256_hex(study.as_bytes()) != partial_manifest.study_sha256 {
        return Err(unreadable(
            dir,
            "study.ron does not match the study hash in partial.json",
        ));
    }
    let bytes = files.remove(sums).unwrap_or_default();
    Ok((partial_manifest, study, bytes))
}

/// Reads the partial folder `dir`, checking every file against its manifest; `max_bytes`
/// bounds the sums' file (a partial's size is known from the study: callers pass a limit such
/// as `--max-memory`).
pub fn read_partial(dir: &Path, max_bytes: u64) -> Result<Partial, PartialError> {
    let (partial_manifest, study, bytes) = read_folder(dir, PARTIAL_KIND, "tally.bin", max_bytes)?;
    let tally: PartialTally =
        postcard::from_bytes(&bytes).map_err(|e| unreadable(dir, format!("tally.bin: {e}")))?;
    tally
        .check_shape(
            partial_manifest.players as usize,
            partial_manifest.repetitions as usize,
        )
        .map_err(|source| PartialError::Sums {
            dir: dir.to_path_buf(),
            source,
        })?;
    if tally.matches_played() != partial_manifest.matches
        || tally.turns_played() != partial_manifest.turns
    {
        return Err(unreadable(
            dir,
            "the counts in partial.json and tally.bin disagree",
        ));
    }
    Ok(Partial {
        manifest: partial_manifest,
        study,
        tally,
    })
}

/// The kind in a dynamics study's partial folder.
pub const DYNAMICS_PARTIAL_KIND: &str = "DynamicsPartial";

/// A dynamics study's partial result: its manifest, the study text and the sums.
#[derive(Clone, Debug)]
pub struct DynamicsPart {
    pub manifest: PartialManifest,
    pub study: String,
    pub sums: DynamicsPartial,
}

/// Writes a dynamics study's partial result (`dynamics.bin`, postcard) into `folder` and
/// publishes it.
pub fn write_dynamics_partial(
    mut folder: RunFolder,
    manifest: &PartialManifest,
    study: &str,
    sums: &DynamicsPartial,
) -> Result<PathBuf, OutputError> {
    let encoded = postcard::to_stdvec(sums).map_err(|e| OutputError::File {
        path: folder.staging().join("dynamics.bin"),
        source: WriteError::Io(std::io::Error::other(e.to_string())),
    })?;
    folder.write("dynamics.bin", |w| Ok(w.write_all(&encoded)?))?;
    commit_partial(folder, DYNAMICS_PARTIAL_KIND, manifest, study)
}

/// Reads a dynamics study's partial folder, checked like a tournament's (every file against
/// the manifest, the counts of `partial.json` against the sums).
pub fn read_dynamics_partial(dir: &Path, max_bytes: u64) -> Result<DynamicsPart, PartialError> {
    let (manifest, study, bytes) =
        read_folder(dir, DYNAMICS_PARTIAL_KIND, "dynamics.bin", max_bytes)?;
    let sums: DynamicsPartial =
        postcard::from_bytes(&bytes).map_err(|e| unreadable(dir, format!("dynamics.bin: {e}")))?;
    if let Some(p) = &sums.payoffs {
        p.check_shape(manifest.players as usize, manifest.repetitions as usize)
            .map_err(|source| PartialError::Sums {
                dir: dir.to_path_buf(),
                source,
            })?;
    }
    let (matches, turns, runs) = sums.counts();
    if matches != manifest.matches
        || turns != manifest.turns
        || runs != u128::from(manifest.runs.unwrap_or(0))
    {
        return Err(unreadable(
            dir,
            "the counts in partial.json and dynamics.bin disagree",
        ));
    }
    Ok(DynamicsPart {
        manifest,
        study,
        sums,
    })
}

/// The kind of partial folder `dir` holds (its manifest's), if it has a manifest.
pub fn partial_kind(dir: &Path) -> Option<String> {
    folder::read_manifest(dir).ok().map(|m| m.kind)
}

/// Checks that `parts` (with their folders) are partials of one study, finished, each shard
/// present at most once, and (if `complete`) every shard present. Returns the merged
/// manifest's shard list.
pub fn check_set(
    parts: &[(PathBuf, &PartialManifest)],
    complete: bool,
) -> Result<Vec<u32>, PartialError> {
    let Some((first_dir, first)) = parts.first() else {
        return Err(PartialError::Nothing);
    };
    let reference = first.identity();
    let mut owner: BTreeMap<u32, &PathBuf> = BTreeMap::new();
    for (dir, m) in parts {
        if m.partial_format != PARTIAL_FORMAT {
            return Err(PartialError::Format {
                dir: dir.clone(),
                found: m.partial_format,
            });
        }
        for ((what, found), (_, expected)) in m.identity().into_iter().zip(reference.iter()) {
            if &found != expected {
                return Err(PartialError::Mismatch {
                    dir: dir.clone(),
                    what,
                    found,
                    expected: expected.clone(),
                    reference: first_dir.clone(),
                });
            }
        }
        if let Some(p) = &m.checkpoint {
            return Err(PartialError::Unfinished {
                dir: dir.clone(),
                index: m.shards.first().copied().unwrap_or(0),
                count: m.shard_count,
                done: p.jobs_done,
                jobs: p.jobs,
            });
        }
        for &index in &m.shards {
            if index >= m.shard_count {
                return Err(unreadable(
                    dir,
                    format!("it names shard {index} of {}", m.shard_count),
                ));
            }
            if let Some(first) = owner.insert(index, dir) {
                return Err(PartialError::Duplicate {
                    index,
                    count: m.shard_count,
                    first: first.clone(),
                    second: dir.clone(),
                });
            }
        }
    }
    if complete {
        let missing: Vec<u32> = (0..first.shard_count)
            .filter(|i| !owner.contains_key(i))
            .collect();
        if !missing.is_empty() {
            return Err(PartialError::Missing {
                missing,
                count: first.shard_count,
            });
        }
    }
    Ok(owner.into_keys().collect())
}

/// The engine string partials are written with.
pub fn engine_name() -> String {
    engine()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_compress_runs() {
        assert_eq!(ranges(&[0, 1, 2, 4, 6, 7]), "0-2, 4, 6-7");
        assert_eq!(ranges(&[3]), "3");
    }
}
