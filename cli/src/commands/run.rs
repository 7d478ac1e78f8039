//! `vertrouwen run FILE`: a study file, run and written to one output folder as a unit.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vertrouwen_engine::config::{self, Overrides, Study};
use vertrouwen_engine::study;
use vertrouwen_engine::tournament::{self, RunOptions, Shard, TournamentError};
use vertrouwen_output::interactions::Interactions;
use vertrouwen_output::{partial, text, RunFolder, RunInfo};

use super::parts;
use crate::args::{PluginArgs, RunArgs};
use crate::failure::Failure;
use crate::progress::Watch;
use crate::report_cmd;
use crate::settings;
use crate::terminal::{note, print};

/// `results/<file stem>`.
fn default_out_dir(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "study".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("results").join(stem)
}

pub fn run(a: RunArgs) -> Result<(), Failure> {
    let loaded = config::load(&a.file)?;
    let mut registry = settings::registry(
        &PluginArgs {
            plugins: vec![],
            isolation: a.plugins.isolation.clone(),
        },
        loaded.isolation()?,
    )?;
    let overrides = Overrides {
        seed: a.seed,
        plugins: a.plugins.plugins.clone(),
        limits: settings::limits(&a.memory),
        caps: None,
        trust_run: a.trust_run,
    };
    let out = a.out.clone().unwrap_or_else(|| default_out_dir(&a.file));
    let info = RunInfo {
        study: loaded.study.name().map(String::from),
        description: loaded.study.description().map(String::from),
        file: Some(a.file.display().to_string()),
    };
    let threads = a.threads.map(|t| t as usize);
    let header = loaded
        .study
        .name()
        .map_or(String::new(), |n| format!("{n}\n"));
    if let Study::Sweep(_) = &loaded.study {
        return super::sweep::run(&a, &loaded, &mut registry, &out, &info);
    }
    if a.interactions.is_some() && !matches!(loaded.study, Study::Tournament(_)) {
        return Err(Failure::flag(
            "--interactions",
            format!(
                "only tournaments have interactions to stream; this is a {} study",
                loaded.study.kind()
            ),
        ));
    }
    if let Study::Tournament(_) = &loaded.study {
        return run_tournament(&a, &loaded, &mut registry, &overrides, &out, &info, &header);
    }
    let spec = loaded.dynamics_spec(&mut registry, &overrides)?;
    if a.parts.shard.is_some() || a.parts.shards.is_some() || a.parts.resume {
        return super::dynamics_parts::run_shard(&a, &loaded, &spec, &out);
    }
    let mut folder = RunFolder::begin(&out, Some(&a.file), a.force)?;
    let started = Instant::now();
    let outcome = study::run(&spec, threads).map_err(|e| loaded.study_error(&e))?;
    let elapsed = started.elapsed().as_secs_f64();
    vertrouwen_output::write_dynamics(&mut folder, &info, &outcome)?;
    if a.report {
        report_cmd::write_report_into(&mut folder, &a.lang)?;
    }
    let target = vertrouwen_output::commit_dynamics(folder, &info, spec.seed(), &outcome)?;
    let files: Vec<String> = vertrouwen_output::folder::read_manifest(&target)?
        .files
        .into_iter()
        .map(|f| f.name)
        .collect();
    print(&(header + &text::dynamics_report(&outcome)))?;
    note(&format!(
        "{} study done in {elapsed:.2} s. Wrote {} in {}.",
        loaded.study.kind(),
        files.join(", "),
        target.display()
    ));
    Ok(())
}

/// A tournament: whole, or one shard of it (a partial result); with checkpoints beside the
/// output folder, resumable. Tournaments with isolated plugins run whole, without checkpoints.
fn run_tournament(
    a: &RunArgs,
    loaded: &config::LoadedStudy,
    registry: &mut vertrouwen_engine::Registry,
    overrides: &Overrides,
    out: &Path,
    info: &RunInfo,
    header: &str,
) -> Result<(), Failure> {
    let spec = loaded.tournament_spec(registry, overrides)?;
    let threads = a.threads.map(|t| t as usize);
    let shard = parts::shard_from(a.parts.shard.as_deref(), a.parts.shards, &|k| {
        std::env::var(k).ok()
    })?;
    let isolated = spec
        .players
        .iter()
        .find(|p| p.entry.isolated_plugin().is_some());
    if a.interactions.is_some() {
        if isolated.is_some() {
            return Err(Failure::flag(
                "--interactions",
                "is not available with isolated plugins: their matches are recorded in worker processes",
            ));
        }
        if shard.is_some() || a.parts.resume {
            return Err(Failure::flag(
                "--interactions",
                "streams the matches of a whole run, from its start: it cannot be combined with --shard or --resume",
            ));
        }
    }
    let started = Instant::now();
    // The time the matches and the results took, without writing files: the rate printed is
    // the engine's, comparable from run to run.
    let elapsed;
    let outcome;
    let folder;
    if let Some(p) = isolated {
        if shard.is_some() || a.parts.resume {
            return Err(TournamentError::IsolatedParts {
                label: p.label.clone(),
            }
            .into());
        }
        folder = RunFolder::begin(out, Some(&a.file), a.force)?;
        // Isolated runs report no progress: their matches are played in worker processes.
        outcome = tournament::run(&spec, RunOptions { threads })?;
        elapsed = started.elapsed().as_secs_f64();
        for d in &outcome.disqualified {
            note(&format!("disqualified: {d}"));
        }
    } else {
        let identity = parts::Identity::new(
            &a.file,
            &loaded.source,
            spec.seed,
            a.trust_run,
            &a.plugins.plugins,
        );
        let part_folder = RunFolder::begin(out, Some(&a.file), a.force)?;
        let max_bytes = a.memory.max_memory.get();
        let whole = shard.unwrap_or(Shard::WHOLE);
        let interactions = a
            .interactions
            .as_deref()
            .map(|path| {
                let labels = spec.players.iter().map(|p| p.label.clone()).collect();
                Interactions::create(path, labels, spec.matches.game)
            })
            .transpose()?;
        let watch = Watch::new(a.quiet, interactions.as_ref());
        let tally = parts::play(
            &spec, threads, &identity, whole, &a.parts, out, max_bytes, &watch,
        );
        watch.finish();
        let tally = tally?;
        if let Some(i) = interactions {
            let path = i.finish()?;
            note(&format!(
                "Wrote the interactions of every match to {}.",
                path.display()
            ));
        }
        if let Some(shard) = shard {
            let manifest = identity.manifest(shard.count(), vec![shard.index()], &tally, None);
            let target = partial::write_partial(part_folder, &manifest, &loaded.source, &tally)?;
            parts::remove_checkpoint(out)?;
            note(&format!(
                "shard {shard}: {} of {} matches, {} turns played in {:.2} s. Wrote the partial result to {}; merge the shards with `vertrouwen merge`.",
                tally.matches_played(),
                tournament::match_count(&spec)?,
                tally.turns_played(),
                started.elapsed().as_secs_f64(),
                target.display()
            ));
            return Ok(());
        }
        outcome = tournament::finish(&spec, tally)?;
        elapsed = started.elapsed().as_secs_f64();
        folder = part_folder;
    }
    let target = parts::publish(
        folder,
        info,
        &spec,
        &outcome,
        a.report.then_some(a.lang.as_str()),
    )?;
    // After the results are written (an isolated run keeps none: nothing to remove).
    parts::remove_checkpoint(out)?;
    print(&(header.to_string() + &text::ranking_table(&outcome.results)))?;
    print(&text::trust_table(&outcome.results))?;
    note(&format!(
        "{} players, {} repetitions: {} matches and {} turns played in {elapsed:.2} s ({:.1} million turns/s). Wrote {}.",
        spec.players.len(),
        spec.repetitions,
        outcome.matches_played,
        outcome.turns_played,
        outcome.turns_played as f64 / elapsed.max(1e-9) / 1e6,
        target.display()
    ));
    if a.strict && !outcome.disqualified.is_empty() {
        let n = outcome.disqualified.len();
        return Err(Failure::Disqualified(format!(
            "{n} strateg{} disqualified (--strict)",
            if n == 1 { "y" } else { "ies" }
        )));
    }
    Ok(())
}
