//! `vertrouwen merge SHARD_DIR... --out DIR`: the partial results of a sharded tournament,
//! checked (one study, every shard exactly once) and merged into the results a whole run
//! writes, byte for byte, through the same code (`parts::publish`); or, with `--partial`, into
//! one partial result that merges further (a reduce tree).

use std::path::{Path, PathBuf};
use std::time::Instant;

use vertrouwen_engine::config::{self, LoadedStudy, Overrides, Study};
use vertrouwen_engine::tournament::{self, PartialTally};
use vertrouwen_output::partial::{self, Partial, PartialError};
use vertrouwen_output::{text, RunFolder, RunInfo};

use super::parts::{self, Identity};
use crate::args::{IsolationArgs, MergeArgs, PluginArgs};
use crate::failure::Failure;
use crate::settings;
use crate::terminal::{note, print};

pub fn merge(a: MergeArgs) -> Result<(), Failure> {
    // The first folder's kind says which merge: a sweep's, a dynamics study's, a tournament's
    // (every folder is then checked to be of that kind).
    match a
        .dirs
        .first()
        .and_then(|d| partial::partial_kind(d))
        .as_deref()
    {
        Some(vertrouwen_output::sweep::SWEEP_PARTIAL_KIND) => return super::sweep::merge(&a),
        Some(partial::DYNAMICS_PARTIAL_KIND) => return super::dynamics_parts::merge(&a),
        _ => {}
    }
    let started = Instant::now();
    let max_bytes = a.memory.max_memory.get();
    // Read and check every manifest before merging any sums.
    let mut parts: Vec<(PathBuf, Partial)> = Vec::with_capacity(a.dirs.len());
    for dir in &a.dirs {
        parts.push((dir.clone(), partial::read_partial(dir, max_bytes)?));
    }
    let manifests: Vec<(PathBuf, &partial::PartialManifest)> = parts
        .iter()
        .map(|(d, p)| (d.clone(), &p.manifest))
        .collect();
    let shards = partial::check_set(&manifests, !a.partial)?;
    let (first_dir, first) = &parts[0];
    let first_manifest = first.manifest.clone();
    let study_text = first.study.clone();
    let first_dir = first_dir.clone();
    let mut sums: Option<PartialTally> = None;
    for (dir, p) in parts {
        match &mut sums {
            None => sums = Some(p.tally),
            Some(s) => s
                .merge(&p.tally)
                .map_err(|source| PartialError::Sums { dir, source })?,
        }
    }
    let Some(sums) = sums else {
        return Err(PartialError::Nothing.into());
    };
    let file = PathBuf::from(&first_manifest.file);
    let identity = Identity {
        file: first_manifest.file.clone(),
        source: study_text.clone(),
        sha256: first_manifest.study_sha256.clone(),
        seed: first_manifest.seed,
        trust_run: first_manifest.trust_run,
        plugins: first_manifest.plugins.clone(),
    };
    if a.partial {
        let folder = RunFolder::begin(&a.out, Some(&file), a.force)?;
        let count = first_manifest.shard_count;
        let n = shards.len();
        let manifest = identity.manifest(count, shards, &sums, None);
        let target = partial::write_partial(folder, &manifest, &study_text, &sums)?;
        note(&format!(
            "merged {n} of {count} shards ({} matches) in {:.2} s into the partial result {}.",
            sums.matches_played(),
            started.elapsed().as_secs_f64(),
            target.display()
        ));
        return Ok(());
    }
    // The study as the shards ran it: its text and the settings that change results.
    let (loaded, mut registry, info) = study_of(&first_manifest, &study_text)?;
    if !matches!(loaded.study, Study::Tournament(_)) {
        return Err(Failure::Message(format!(
            "{}: the study in the partial result is a {} study, not a Tournament",
            first_dir.display(),
            loaded.study.kind()
        )));
    }
    let overrides = Overrides {
        seed: Some(
            vertrouwen_engine::values::Seed::try_from(first_manifest.seed)
                .map_err(|e| Failure::Message(format!("{}: seed: {e}", first_dir.display())))?,
        ),
        plugins: first_manifest.plugins.iter().map(PathBuf::from).collect(),
        limits: settings::limits(&a.memory),
        caps: None,
        trust_run: first_manifest.trust_run,
    };
    let spec = loaded.tournament_spec(&mut registry, &overrides)?;
    let folder = RunFolder::begin(&a.out, Some(&file), a.force)?;
    let outcome = tournament::finish(&spec, sums)?;
    let target = parts::publish(
        folder,
        &info,
        &spec,
        &outcome,
        a.report.then_some(a.lang.as_str()),
    )?;
    let header = loaded
        .study
        .name()
        .map_or(String::new(), |n| format!("{n}\n"));
    print(&(header + &text::ranking_table(&outcome.results)))?;
    print(&text::trust_table(&outcome.results))?;
    note(&format!(
        "merged {} shards ({} matches, {} turns) in {:.2} s. Wrote {}.",
        first_manifest.shard_count,
        outcome.matches_played,
        outcome.turns_played,
        started.elapsed().as_secs_f64(),
        display(&target)
    ));
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// The study a set of partials was run from, rebuilt from the text they carry: the parsed
/// study, a registry for it (isolation as the file says; plugins are loaded by the caller),
/// and the run information its results record.
pub(super) fn study_of(
    manifest: &partial::PartialManifest,
    text: &str,
) -> Result<(LoadedStudy, vertrouwen_engine::Registry, RunInfo), Failure> {
    let file = PathBuf::from(&manifest.file);
    let loaded = LoadedStudy {
        path: file.clone(),
        source: text.to_string(),
        study: config::parse(&file, text)?,
    };
    let registry = settings::registry(
        &PluginArgs {
            plugins: vec![],
            isolation: IsolationArgs::default(),
        },
        loaded.isolation()?,
    )?;
    let info = RunInfo {
        study: loaded.study.name().map(String::from),
        description: loaded.study.description().map(String::from),
        file: Some(manifest.file.clone()),
    };
    Ok((loaded, registry, info))
}
