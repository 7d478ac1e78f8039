//! Parts of a tournament run on the command line: which shard (flags, or the environment a
//! cluster sets), checkpoints kept beside the output folder, resuming from them, and writing a
//! finished tournament's folder (shared by `run` and `merge`, so that merged shards write
//! exactly what a whole run writes, through the same code).

use std::path::{Path, PathBuf};
use std::time::Duration;
use vertrouwen_engine::tournament::observe::RunObserver;

use vertrouwen_engine::tournament::{
    self, Checkpoints, PartRun, PartialTally, Progress, RunOptions, SaveError, Shard,
    TournamentOutcome, TournamentSpec,
};
use vertrouwen_output::partial::{
    self, engine_name, sha256_hex, CheckpointProgress, PartialManifest, PARTIAL_FORMAT,
};
use vertrouwen_output::{RunFolder, RunInfo};

use crate::args::PartArgs;
use crate::failure::Failure;
use crate::report_cmd;
use crate::terminal::note;

/// The shard a run plays: `--shard I/N`, or with `--shard auto` / `--shards N` the index (and
/// count) the environment gives: `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job, count from
/// `--shards`) or `SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN` (count from
/// `SLURM_ARRAY_TASK_COUNT` or `--shards`). `None`: the whole tournament. Flags win over the
/// environment; values that disagree are an error.
pub fn shard_from(
    flag: Option<&str>,
    shards: Option<u32>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Shard>, Failure> {
    let number = |name: &str, text: &str| -> Result<u32, Failure> {
        text.trim().parse::<u32>().map_err(|_| {
            Failure::Message(format!(
                "{name}={text:?} is not a shard number (a whole number from 0)"
            ))
        })
    };
    match flag {
        None if shards.is_none() => return Ok(None),
        Some(text) if text != "auto" => {
            let (i, n) = text.split_once('/').ok_or_else(|| {
                Failure::flag(
                    "--shard",
                    format!("{text:?}: expected I/N (shard I of N, 0-based), e.g. 0/4, or auto"),
                )
            })?;
            let parse = |s: &str| {
                s.trim().parse::<u32>().map_err(|_| {
                    Failure::flag(
                        "--shard",
                        format!("{text:?}: expected I/N with whole numbers, e.g. 0/4"),
                    )
                })
            };
            let shard =
                Shard::new(parse(i)?, parse(n)?).map_err(|e| Failure::flag("--shard", e))?;
            if let Some(m) = shards.filter(|&m| m != shard.count()) {
                return Err(Failure::Message(format!(
                    "--shard {text} and --shards {m} disagree on the number of shards"
                )));
            }
            return Ok(Some(shard));
        }
        _ => {}
    }
    if let Some(index) = env("JOB_COMPLETION_INDEX") {
        let index = number("JOB_COMPLETION_INDEX", &index)?;
        let count = shards.ok_or_else(|| {
            Failure::Message(
                "JOB_COMPLETION_INDEX is set: give the number of shards with --shards N (the Job's completions)".into(),
            )
        })?;
        return Shard::new(index, count).map(Some).map_err(|e| {
            Failure::Message(format!(
                "JOB_COMPLETION_INDEX={index} with --shards {count}: {e}"
            ))
        });
    }
    if let Some(id) = env("SLURM_ARRAY_TASK_ID") {
        let id = number("SLURM_ARRAY_TASK_ID", &id)?;
        let min = match env("SLURM_ARRAY_TASK_MIN") {
            Some(m) => number("SLURM_ARRAY_TASK_MIN", &m)?,
            None => 0,
        };
        let env_count = match env("SLURM_ARRAY_TASK_COUNT") {
            Some(c) => Some(number("SLURM_ARRAY_TASK_COUNT", &c)?),
            None => None,
        };
        let count = match (shards, env_count) {
            (Some(n), Some(c)) if n != c => {
                return Err(Failure::Message(format!(
                    "--shards {n} disagrees with SLURM_ARRAY_TASK_COUNT={c}; submit the array with --array=0-{} or drop --shards",
                    n.saturating_sub(1)
                )))
            }
            (Some(n), _) => n,
            (None, Some(c)) => c,
            (None, None) => {
                return Err(Failure::Message(
                    "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: give --shards N"
                        .into(),
                ))
            }
        };
        let index = id.checked_sub(min).ok_or_else(|| {
            Failure::Message(format!(
                "SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}"
            ))
        })?;
        return Shard::new(index, count).map(Some).map_err(|e| {
            Failure::Message(format!(
                "SLURM_ARRAY_TASK_ID={id} (minus SLURM_ARRAY_TASK_MIN={min}) with {count} shards: {e}; use a contiguous --array=0-{}",
                count.saturating_sub(1)
            ))
        });
    }
    Err(Failure::Message(
        "--shard auto / --shards: no shard index in the environment (JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID); give --shard I/N".into(),
    ))
}

/// Where the checkpoint of a run into `out` is kept: `.<name>.checkpoint` beside it.
pub fn checkpoint_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.checkpoint"))
}

/// What makes partial results of one study agree: the study text and the settings that change
/// results.
#[derive(Clone, Debug)]
pub struct Identity {
    pub file: String,
    pub source: String,
    pub sha256: String,
    pub seed: u64,
    pub trust_run: Option<u32>,
    pub plugins: Vec<String>,
}

impl Identity {
    pub fn new(
        file: &Path,
        source: &str,
        seed: u64,
        trust_run: Option<u32>,
        plugins: &[PathBuf],
    ) -> Identity {
        Identity {
            file: file.display().to_string(),
            source: source.to_string(),
            sha256: sha256_hex(source.as_bytes()),
            seed,
            trust_run,
            plugins: plugins.iter().map(|p| p.display().to_string()).collect(),
        }
    }

    /// The manifest of a partial of `shards` (of `count`) holding `tally`.
    pub fn manifest(
        &self,
        count: u32,
        shards: Vec<u32>,
        tally: &PartialTally,
        checkpoint: Option<CheckpointProgress>,
    ) -> PartialManifest {
        PartialManifest {
            partial_format: PARTIAL_FORMAT,
            engine: engine_name(),
            study_sha256: self.sha256.clone(),
            file: self.file.clone(),
            seed: self.seed,
            trust_run: self.trust_run,
            plugins: self.plugins.clone(),
            shard_count: count,
            shards,
            checkpoint,
            players: tally.players(),
            repetitions: tally.repetitions(),
            matches: tally.matches_played(),
            turns: tally.turns_played(),
            sweep: None,
            runs: None,
            seed_flag: None,
        }
    }

    /// Why a partial's manifest is not one of this run (`None`: it is).
    pub(super) fn mismatch(&self, m: &PartialManifest, shard: Shard) -> Option<String> {
        let checks = [
            (
                "partial format",
                m.partial_format.to_string(),
                PARTIAL_FORMAT.to_string(),
            ),
            ("engine", m.engine.clone(), engine_name()),
            (
                "study (SHA-256 of the file's text)",
                m.study_sha256.clone(),
                self.sha256.clone(),
            ),
            ("seed", m.seed.to_string(), self.seed.to_string()),
            (
                "--trust-run",
                format!("{:?}", m.trust_run),
                format!("{:?}", self.trust_run),
            ),
            (
                "--plugin list",
                format!("{:?}", m.plugins),
                format!("{:?}", self.plugins),
            ),
            (
                "shard",
                format!("{:?} of {}", m.shards, m.shard_count),
                format!("[{}] of {}", shard.index(), shard.count()),
            ),
        ];
        checks
            .into_iter()
            .find(|(_, found, expected)| found != expected)
            .map(|(what, found, expected)| {
                format!("its {what} is {found}, this run's is {expected}")
            })
    }
}

/// The checkpoint to resume from, if there is one, checked against this run.
fn load_checkpoint(
    dir: &Path,
    identity: &Identity,
    shard: Shard,
    max_bytes: u64,
) -> Result<Option<(PartialTally, u64)>, Failure> {
    // A run killed between the two renames of a checkpoint save left the previous checkpoint
    // aside (`.<name>.old-<pid>`): beginning a folder there puts it back (and removes dead
    // staging folders); dropping it writes nothing.
    drop(RunFolder::begin(
        dir,
        Some(Path::new(&identity.file)),
        true,
    )?);
    if !dir.exists() {
        note(&format!(
            "no checkpoint in {}: starting from the beginning",
            dir.display()
        ));
        return Ok(None);
    }
    let p = partial::read_partial(dir, max_bytes)?;
    if let Some(why) = identity.mismatch(&p.manifest, shard) {
        return Err(Failure::Message(format!(
            "{}: this checkpoint is not of this run ({why}); remove it or run without --resume to start over",
            dir.display()
        )));
    }
    let Some(progress) = p.manifest.checkpoint else {
        return Err(Failure::Message(format!(
            "{}: not a checkpoint (it is a finished partial result)",
            dir.display()
        )));
    };
    note(&format!(
        "resuming from {}: {} of {} matches done",
        dir.display(),
        progress.jobs_done,
        progress.jobs
    ));
    Ok(Some((p.tally, progress.jobs_done)))
}

/// Plays a tournament (or one shard of it) with checkpoints beside `out`, resuming from them
/// when `parts.resume` says so. Returns the partial result of all the shard's matches; the
/// caller writes it and then calls [`remove_checkpoint`].
// The run's spec and flags, its identity and place, and its observer: each from a different
// source in `run`, so a struct would only move the list.
#[allow(clippy::too_many_arguments)]
pub fn play(
    spec: &TournamentSpec,
    threads: Option<usize>,
    identity: &Identity,
    shard: Shard,
    parts: &PartArgs,
    out: &Path,
    max_bytes: u64,
    observer: &dyn RunObserver,
) -> Result<PartialTally, Failure> {
    let checkpoint = checkpoint_dir(out);
    let resume = if parts.resume {
        load_checkpoint(&checkpoint, identity, shard, max_bytes)?
    } else {
        None
    };
    let file = PathBuf::from(&identity.file);
    let mut save = |p: &Progress<'_>| -> Result<(), SaveError> {
        let folder = RunFolder::begin(&checkpoint, Some(&file), true)?;
        let manifest = identity.manifest(
            shard.count(),
            vec![shard.index()],
            p.partial,
            Some(CheckpointProgress {
                jobs_done: p.jobs_done,
                jobs: p.jobs,
            }),
        );
        partial::write_partial(folder, &manifest, &identity.source, p.partial)?;
        Ok(())
    };
    let every = if parts.checkpoint_seconds == 0 {
        Duration::MAX
    } else {
        Duration::from_secs(parts.checkpoint_seconds)
    };
    let part = PartRun {
        shard,
        resume,
        checkpoints: Some(Checkpoints {
            every_matches: parts.checkpoint_matches,
            every,
            save: &mut save,
        }),
        observer,
    };
    Ok(tournament::run_part(spec, RunOptions { threads }, part)?)
}

/// Removes the checkpoint of a run into `out` once its results are written.
pub fn remove_checkpoint(out: &Path) -> Result<(), Failure> {
    let dir = checkpoint_dir(out);
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Failure::Message(format!(
            "{}: cannot remove the finished run's checkpoint: {e}",
            dir.display()
        ))),
    }
}

/// Writes a finished tournament's files (`write_tournament`, the trust timeline, and
/// `report.html` with `report: Some(lang)`) into `folder` and publishes it.
pub fn publish(
    mut folder: RunFolder,
    info: &RunInfo,
    spec: &TournamentSpec,
    outcome: &TournamentOutcome,
    report: Option<&str>,
) -> Result<PathBuf, Failure> {
    vertrouwen_output::write_tournament(&mut folder, info, spec, outcome)?;
    report_cmd::write_timeline(&mut folder, spec, &outcome.results)?;
    if let Some(lang) = report {
        report_cmd::write_report_into(&mut folder, lang)?;
    }
    Ok(vertrouwen_output::commit_tournament(folder, info, spec)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn message(r: Result<Option<Shard>, Failure>) -> String {
        match r {
            Err(Failure::Message(m)) => m,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn shard_comes_from_flags_then_the_environment() {
        let none = env(&[]);
        assert_eq!(shard_from(None, None, &none).unwrap(), None);
        assert_eq!(
            shard_from(Some("2/7"), None, &none).unwrap(),
            Some(Shard::new(2, 7).unwrap())
        );
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        // A plain run ignores the environment; flags win over it.
        assert_eq!(shard_from(None, None, &slurm).unwrap(), None);
        assert_eq!(
            shard_from(Some("1/2"), None, &slurm).unwrap(),
            Some(Shard::new(1, 2).unwrap())
        );
        assert_eq!(
            shard_from(Some("auto"), None, &slurm).unwrap(),
            Some(Shard::new(3, 4).unwrap())
        );
        let shifted = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ]);
        assert_eq!(
            shard_from(Some("auto"), None, &shifted).unwrap(),
            Some(Shard::new(4, 5).unwrap())
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "6")]);
        assert_eq!(
            shard_from(None, Some(7), &k8s).unwrap(),
            Some(Shard::new(6, 7).unwrap())
        );
    }

    #[test]
    fn inconsistent_shards_are_refused_clearly() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(message(shard_from(None, Some(5), &slurm))
            .contains("--shards 5 disagrees with SLURM_ARRAY_TASK_COUNT=4"));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "7")]);
        assert!(message(shard_from(None, Some(7), &k8s)).contains("out of range for 7 shards"));
        assert!(message(shard_from(Some("auto"), None, &k8s)).contains("--shards N"));
        let none = env(&[]);
        assert!(message(shard_from(Some("3/3"), None, &none)).contains("out of range"));
        assert!(message(shard_from(Some("1/4"), Some(3), &none)).contains("disagree"));
        assert!(message(shard_from(Some("x"), None, &none)).contains("expected I/N"));
        assert!(message(shard_from(Some("auto"), None, &none)).contains("no shard index"));
        let bad = env(&[("SLURM_ARRAY_TASK_ID", "two")]);
        assert!(message(shard_from(Some("auto"), Some(2), &bad))
            .contains("SLURM_ARRAY_TASK_ID=\"two\""));
    }
}
