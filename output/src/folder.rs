//! A run's output folder, written as one unit: files go into a hidden staging folder beside the
//! target (`.<name>.partial-<pid>-<n>`), each synced; `manifest.json` is written last (engine
//! version, study, seed, and each file's size and SHA-256); the staging folder is synced and
//! renamed into place. A reader therefore sees either the previous complete run or the new one,
//! never a mix, and can check every file against the manifest.
//!
//! Replacing: a target folder that holds a run of the same study file is replaced; one that
//! holds another run's results needs `force`; a non-empty folder that is not a results folder is
//! never replaced.
//!
//! Leftovers: a run killed while writing leaves its `.partial-<pid>-<n>` folder (hidden, and
//! named for what it is). The next run into the same target removes the leftovers of processes
//! that are no longer alive, and if a run was killed between moving the old folder aside
//! (`.<name>.old-<pid>`) and moving the new one in, restores the old folder first.
//!
//! For tests only: the environment variable `VERTROUWEN_TEST_KILL_AT` set to a file name aborts
//! the process right after that file is written, or set to `before-rename` / `between-renames`,
//! at those points of the commit.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::schema::{engine, FORMAT};
use crate::{OutputError, WriteError};

/// The name of the manifest in a run folder.
pub const MANIFEST: &str = "manifest.json";

/// One file of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the file (as `sha256sum` prints it).
    pub sha256: String,
}

/// `manifest.json`: what made the run, and its files. Written last; its presence means the run
/// completed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub engine: String,
    /// The study kind, e.g. `"Tournament"`.
    pub kind: String,
    pub study: Option<String>,
    /// The study file as given on the command line.
    pub file: Option<String>,
    /// The master seed used (`null` for studies without randomness).
    pub seed: Option<u64>,
    pub files: Vec<FileEntry>,
}

/// What the caller says about a run, for its manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSettings {
    pub kind: String,
    pub study: Option<String>,
    pub file: Option<String>,
    pub seed: Option<u64>,
}

/// A run folder being written. Dropping it without [`RunFolder::commit`] removes the staging
/// folder (the target is untouched).
#[derive(Debug)]
pub struct RunFolder {
    target: PathBuf,
    parent: PathBuf,
    name: String,
    staging: PathBuf,
    files: Vec<FileEntry>,
    done: bool,
    /// Prepended to every file name written (`point-0003/` while a sweep writes a point).
    prefix: String,
}

fn io(path: &Path, e: std::io::Error) -> OutputError {
    OutputError::File {
        path: path.to_path_buf(),
        source: WriteError::Io(e),
    }
}

fn kill_point(at: &str) {
    if std::env::var_os("VERTROUWEN_TEST_KILL_AT").is_some_and(|v| v == at) {
        std::process::abort();
    }
}

/// Whether process `pid` is alive (Linux: it has a `/proc` entry). Elsewhere every process is
/// assumed alive, so leftovers are only ever marked, not removed.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// The pid in a leftover's name `.<name>.<what>-<pid>[-<n>]`.
fn leftover_pid(file_name: &str, prefix: &str) -> Option<u32> {
    file_name
        .strip_prefix(prefix)?
        .split('-')
        .next()?
        .parse()
        .ok()
}

fn same_file(a: &str, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => Path::new(a) == b,
    }
}

/// A sink that counts and hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

static STAGING_COUNTER: AtomicU64 = AtomicU64::new(0);

impl RunFolder {
    /// Prepares to write the run of study `file` into `target`: checks that `target` may be
    /// replaced (see the module docs), cleans the leftovers of dead runs, and creates the
    /// staging folder.
    pub fn begin(
        target: &Path,
        file: Option<&Path>,
        force: bool,
    ) -> Result<RunFolder, OutputError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "." && n != "..")
            .ok_or_else(|| OutputError::BadTarget {
                path: target.to_path_buf(),
                reason: "it has no folder name to create".into(),
            })?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
        Self::clean_leftovers(&parent, &name, target)?;
        if target.exists() {
            Self::check_replaceable(target, file, force)?;
        }
        let staging = parent.join(format!(
            ".{name}.partial-{}-{}",
            std::process::id(),
            STAGING_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir(&staging).map_err(|e| io(&staging, e))?;
        Ok(RunFolder {
            target: target.to_path_buf(),
            parent,
            name,
            staging,
            files: Vec::new(),
            done: false,
            prefix: String::new(),
        })
    }

    fn clean_leftovers(parent: &Path, name: &str, target: &Path) -> Result<(), OutputError> {
        let partial = format!(".{name}.partial-");
        let old = format!(".{name}.old-");
        let entries = fs::read_dir(parent).map_err(|e| io(parent, e))?;
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if let Some(pid) = leftover_pid(&file_name, &partial) {
                if !alive(pid) {
                    fs::remove_dir_all(&path).map_err(|e| io(&path, e))?;
                }
            } else if let Some(pid) = leftover_pid(&file_name, &old) {
                if alive(pid) {
                    continue;
                }
                if target.exists() {
                    // The new run was moved in: the old one is garbage.
                    fs::remove_dir_all(&path).map_err(|e| io(&path, e))?;
                } else {
                    // Killed between the two renames: the previous run comes back.
                    fs::rename(&path, target).map_err(|e| io(&path, e))?;
                }
            }
        }
        Ok(())
    }

    fn check_replaceable(
        target: &Path,
        file: Option<&Path>,
        force: bool,
    ) -> Result<(), OutputError> {
        if !target.is_dir() {
            return Err(OutputError::BadTarget {
                path: target.to_path_buf(),
                reason: "it exists and is not a folder".into(),
            });
        }
        let mut entries = fs::read_dir(target).map_err(|e| io(target, e))?;
        if entries.next().is_none() {
            return Ok(());
        }
        let manifest = target.join(MANIFEST);
        let previous = if manifest.exists() {
            let m = read_manifest(target)?;
            if let (Some(old), Some(new)) = (&m.file, file) {
                if same_file(old, new) {
                    return Ok(());
                }
            }
            m.file.unwrap_or_else(|| format!("a {} run", m.kind))
        } else if target.join("results.json").exists() {
            // Written before manifests existed: its results.json names the study file.
            let old_file = fs::read_to_string(target.join("results.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v.get("file").and_then(|f| f.as_str()).map(String::from));
            if let (Some(old), Some(new)) = (&old_file, file) {
                if same_file(old, new) {
                    return Ok(());
                }
            }
            old_file.unwrap_or_else(|| "an earlier run (written before manifests)".to_string())
        } else {
            return Err(OutputError::BadTarget {
                path: target.to_path_buf(),
                reason: "it is a folder that holds other files, not a run's results; choose an empty or new folder with --out".into(),
            });
        };
        if force {
            Ok(())
        } else {
            Err(OutputError::OtherRun {
                path: target.to_path_buf(),
                previous,
            })
        }
    }

    /// Writes file `name` into the staging folder with `write`, then syncs it.
    pub fn write(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> Result<(), WriteError>,
    ) -> Result<(), OutputError> {
        let name = &format!("{}{name}", self.prefix);
        let path = self.staging.join(name);
        let result = (|| {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            let file = File::create(&path)?;
            let mut sink = Hashing {
                inner: BufWriter::new(file),
                hash: Sha256::new(),
                bytes: 0,
            };
            write(&mut sink)?;
            sink.flush()?;
            let file = sink.inner.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok::<_, WriteError>(FileEntry {
                name: name.to_string(),
                bytes: sink.bytes,
                sha256: hex(&sink.hash.finalize()),
            })
        })();
        let entry = result.map_err(|source| OutputError::File {
            path: self.target.join(name),
            source,
        })?;
        self.files.push(entry);
        kill_point(name);
        Ok(())
    }

    /// Runs `f` with every file it writes placed in the subfolder `dir` (nested: `a/b`).
    pub fn in_subfolder<R>(&mut self, dir: &str, f: impl FnOnce(&mut RunFolder) -> R) -> R {
        let outer = std::mem::take(&mut self.prefix);
        self.prefix = format!("{outer}{dir}/");
        let result = f(self);
        self.prefix = outer;
        result
    }

    /// The staging folder: what has been written so far, before it is moved into place (for
    /// a reader that needs the files, such as the HTML report).
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The files written so far.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Writes the manifest, syncs, and moves the run into place. Returns the target path.
    pub fn commit(mut self, settings: RunSettings) -> Result<PathBuf, OutputError> {
        let manifest = Manifest {
            format: FORMAT,
            engine: engine(),
            kind: settings.kind,
            study: settings.study,
            file: settings.file,
            seed: settings.seed,
            files: self.files.clone(),
        };
        let text = serde_json::to_string_pretty(&manifest).map_err(|e| OutputError::File {
            path: self.target.join(MANIFEST),
            source: WriteError::Json(e),
        })? + "\n";
        let path = self.staging.join(MANIFEST);
        (|| {
            let mut f = File::create(&path)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            File::open(&self.staging)?.sync_all()
        })()
        .map_err(|e| io(&path, e))?;
        kill_point("before-rename");
        let old = self
            .parent
            .join(format!(".{}.old-{}", self.name, std::process::id()));
        let had_previous = self.target.exists();
        if had_previous {
            fs::rename(&self.target, &old).map_err(|e| io(&self.target, e))?;
            kill_point("between-renames");
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_previous {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(io(&self.target, e));
        }
        self.done = true;
        // Make the renames durable, then drop the previous run.
        let _ = File::open(&self.parent).and_then(|d| d.sync_all());
        if had_previous {
            fs::remove_dir_all(&old).map_err(|e| io(&old, e))?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Reads `manifest.json` of a run folder.
pub fn read_manifest(dir: &Path) -> Result<Manifest, OutputError> {
    let path = dir.join(MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| OutputError::File {
        path,
        source: WriteError::Json(e),
    })
}

/// Checks every file of a run folder against its manifest (size and SHA-256).
pub fn verify(dir: &Path) -> Result<Manifest, OutputError> {
    let m = read_manifest(dir)?;
    for f in &m.files {
        let path = dir.join(&f.name);
        let bytes = fs::read(&path).map_err(|e| io(&path, e))?;
        let sum = hex(&Sha256::digest(&bytes));
        if bytes.len() as u64 != f.bytes || sum != f.sha256 {
            return Err(OutputError::Corrupt {
                path,
                expected: f.sha256.clone(),
                found: sum,
            });
        }
    }
    Ok(m)
}
