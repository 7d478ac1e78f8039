//! `vertrouwen run FILE`: a study file, run and written to one output folder as a unit.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vertrouwen_engine::config::{self, Overrides, Study};
use vertrouwen_engine::study;
use vertrouwen_engine::tournament::{self, RunOptions};
use vertrouwen_output::interactions::Interactions;
use vertrouwen_output::{text, RunFolder, RunInfo};

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
        let spec = loaded.tournament_spec(&mut registry, &overrides)?;
        if a.interactions.is_some()
            && spec
                .players
                .iter()
                .any(|p| p.entry.isolated_plugin().is_some())
        {
            return Err(Failure::flag(
                "--interactions",
                "is not available with isolated plugins: their matches are recorded in worker processes",
            ));
        }
        let mut folder = RunFolder::begin(&out, Some(&a.file), a.force)?;
        let interactions = a
            .interactions
            .as_deref()
            .map(|path| {
                let labels = spec.players.iter().map(|p| p.label.clone()).collect();
                Interactions::create(path, labels, spec.matches.game)
            })
            .transpose()?;
        let started = Instant::now();
        let watch = Watch::new(a.quiet, interactions.as_ref());
        let outcome = tournament::run_observed(&spec, RunOptions { threads }, &watch);
        watch.finish();
        let outcome = outcome?;
        let elapsed = started.elapsed().as_secs_f64();
        for d in &outcome.disqualified {
            note(&format!("disqualified: {d}"));
        }
        vertrouwen_output::write_tournament(&mut folder, &info, &spec, &outcome)?;
        report_cmd::write_timeline(&mut folder, &spec, &outcome.results)?;
        if a.report {
            report_cmd::write_report_into(&mut folder, &a.lang)?;
        }
        let target = vertrouwen_output::commit_tournament(folder, &info, &spec)?;
        if let Some(i) = interactions {
            let path = i.finish()?;
            note(&format!(
                "Wrote the interactions of every match to {}.",
                path.display()
            ));
        }
        print(&(header + &text::ranking_table(&outcome.results)))?;
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
        return Ok(());
    }
    let spec = loaded.dynamics_spec(&mut registry, &overrides)?;
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
