//! Shards of a dynamics study (`run --shard I/N` of an `Ecological`, `Replicator`, `Fixation`,
//! `Stationary`, `Simulation` or `RestPoints` study) and their merge: each shard plays its
//! share of the payoff matches and of a simulation's runs ([`study::run_part`]); the merge adds
//! the sums and finishes the study ([`study::finish`]), writing the folder `run` writes, byte
//! for byte.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vertrouwen_engine::config::{LoadedStudy, Overrides};
use vertrouwen_engine::study::{self, DynamicsPartial, DynamicsSpec};
use vertrouwen_engine::tournament::PartialTally;
use vertrouwen_engine::values::Seed;
use vertrouwen_output::partial::{self, DynamicsPart, PartialError};
use vertrouwen_output::RunFolder;

use super::parts::{self, Identity};
use crate::args::{MergeArgs, RunArgs};
use crate::failure::Failure;
use crate::report_cmd;
use crate::settings;
use crate::terminal::{note, print};

/// Runs one shard of a dynamics study into a partial folder at `out`.
pub fn run_shard(
    a: &RunArgs,
    loaded: &LoadedStudy,
    spec: &DynamicsSpec,
    out: &Path,
) -> Result<(), Failure> {
    let shard = parts::shard_from(a.parts.shard.as_deref(), a.parts.shards, &|k| {
        std::env::var(k).ok()
    })?;
    if a.parts.resume {
        // As a tournament with no checkpoint yet: the cluster recipes pass --resume to every
        // task.
        note(
            "a dynamics study saves no checkpoints (--resume): this run starts from the beginning",
        );
    }
    let Some(shard) = shard else {
        return Err(Failure::flag(
            "--resume",
            format!(
                "a {} study keeps no checkpoints to resume from; run it again without --resume",
                loaded.study.kind()
            ),
        ));
    };
    let started = Instant::now();
    let threads = a.threads.map(|t| t as usize);
    let folder = RunFolder::begin(out, Some(&a.file), a.force)?;
    let sums = study::run_part(spec, threads, shard).map_err(|e| loaded.study_error(&e))?;
    let identity = Identity::new(
        &a.file,
        &loaded.source,
        spec.seed().unwrap_or(0),
        None,
        &a.plugins.plugins,
    );
    let mut manifest = manifest_of(&identity, shard.count(), vec![shard.index()], &sums);
    manifest.seed_flag = a.seed.map(Seed::get);
    let target = partial::write_dynamics_partial(folder, &manifest, &loaded.source, &sums)?;
    let (matches, _, runs) = sums.counts();
    note(&format!(
        "shard {shard} of a {} study: {matches} payoff matches, {runs} simulation runs, in {:.2} s. Wrote the partial result to {}; merge the shards with `vertrouwen merge`.",
        loaded.study.kind(),
        started.elapsed().as_secs_f64(),
        target.display()
    ));
    Ok(())
}

fn manifest_of(
    identity: &Identity,
    count: u32,
    shards: Vec<u32>,
    sums: &DynamicsPartial,
) -> partial::PartialManifest {
    let shape = sums
        .payoffs
        .clone()
        .unwrap_or_else(|| PartialTally::empty(0, 0));
    let mut m = identity.manifest(count, shards, &shape, None);
    let (_, _, runs) = sums.counts();
    m.runs = sums
        .runs
        .as_ref()
        .map(|_| runs.min(u128::from(u64::MAX)) as u64);
    m
}

/// `merge` of a dynamics study's partials: its results folder (or with `--partial`, one
/// partial of the shards given).
pub fn merge(a: &MergeArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let max_bytes = a.memory.max_memory.get();
    let mut read: Vec<(PathBuf, DynamicsPart)> = Vec::with_capacity(a.dirs.len());
    for dir in &a.dirs {
        read.push((dir.clone(), partial::read_dynamics_partial(dir, max_bytes)?));
    }
    let manifests: Vec<(PathBuf, &partial::PartialManifest)> =
        read.iter().map(|(d, p)| (d.clone(), &p.manifest)).collect();
    let shards = partial::check_set(&manifests, !a.partial)?;
    let first = read[0].1.manifest.clone();
    let study_text = read[0].1.study.clone();
    let mut sums: Option<DynamicsPartial> = None;
    for (dir, p) in read {
        match &mut sums {
            None => sums = Some(p.sums),
            Some(s) => s.merge(&p.sums).map_err(|e| PartialError::Unreadable {
                dir,
                reason: e.to_string(),
            })?,
        }
    }
    let Some(sums) = sums else {
        return Err(PartialError::Nothing.into());
    };
    let file = PathBuf::from(&first.file);
    if a.partial {
        let identity = Identity {
            file: first.file.clone(),
            source: study_text.clone(),
            sha256: first.study_sha256.clone(),
            seed: first.seed,
            trust_run: first.trust_run,
            plugins: first.plugins.clone(),
        };
        let n = shards.len();
        let mut manifest = manifest_of(&identity, first.shard_count, shards, &sums);
        manifest.seed_flag = first.seed_flag;
        let folder = RunFolder::begin(&a.out, Some(&file), a.force)?;
        let target = partial::write_dynamics_partial(folder, &manifest, &study_text, &sums)?;
        note(&format!(
            "merged {n} of {} shards in {:.2} s into the partial result {}.",
            first.shard_count,
            started.elapsed().as_secs_f64(),
            target.display()
        ));
        return Ok(());
    }
    let (loaded, mut registry, info) = super::merge::study_of(&first, &study_text)?;
    let seed = first
        .seed_flag
        .map(|s| {
            Seed::try_from(s)
                .map_err(|e| Failure::Message(format!("{}: seed: {e}", a.dirs[0].display())))
        })
        .transpose()?;
    // The study as the shards built it: with their --seed, if they had one.
    let overrides = Overrides {
        seed,
        plugins: first.plugins.iter().map(PathBuf::from).collect(),
        limits: settings::limits(&a.memory),
        caps: None,
        trust_run: None,
    };
    let spec = loaded.dynamics_spec(&mut registry, &overrides)?;
    let mut folder = RunFolder::begin(&a.out, Some(&file), a.force)?;
    let outcome = study::finish(&spec, sums, None).map_err(|e| loaded.study_error(&e))?;
    vertrouwen_output::write_dynamics(&mut folder, &info, &outcome)?;
    if a.report {
        report_cmd::write_report_into(&mut folder, &a.lang)?;
    }
    let target = vertrouwen_output::commit_dynamics(folder, &info, spec.seed(), &outcome)?;
    let header = loaded
        .study
        .name()
        .map_or(String::new(), |n| format!("{n}\n"));
    print(&(header + &vertrouwen_output::text::dynamics_report(&outcome)))?;
    note(&format!(
        "merged {} shards of a {} study in {:.2} s. Wrote {}.",
        first.shard_count,
        loaded.study.kind(),
        started.elapsed().as_secs_f64(),
        target.display()
    ));
    Ok(())
}
