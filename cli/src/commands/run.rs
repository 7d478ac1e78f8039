//! `vertrouwen run FILE`: a study file, run and written to one output folder as a unit.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vertrouwen_engine::config::{self, Overrides, Study};
use vertrouwen_engine::study;
use vertrouwen_engine::tournament::{self, RunOptions};
use vertrouwen_output::{text, RunFolder, RunInfo};

use crate::args::{PluginArgs, RunArgs};
use crate::failure::Failure;
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
    let mut registry = settings::registry(&PluginArgs { plugins: vec![] })?;
    let overrides = Overrides {
        seed: a.seed,
        plugins: a.plugins.plugins.clone(),
        limits: settings::limits(&a.memory),
        caps: None,
    };
    let out = a.out.clone().unwrap_or_else(|| default_out_dir(&a.file));
    let info = RunInfo {
        study: loaded.study.name().map(String::from),
        file: Some(a.file.display().to_string()),
    };
    let threads = a.threads.map(|t| t as usize);
    let header = loaded
        .study
        .name()
        .map_or(String::new(), |n| format!("{n}\n"));
    if let Study::Tournament(_) = &loaded.study {
        let spec = loaded.tournament_spec(&mut registry, &overrides)?;
        let folder = RunFolder::begin(&out, Some(&a.file), a.force)?;
        let started = Instant::now();
        let outcome = tournament::run(&spec, RunOptions { threads })?;
        let elapsed = started.elapsed().as_secs_f64();
        let target = vertrouwen_output::publish_tournament(folder, &info, &spec, &outcome)?;
        print(&(header + &text::ranking_table(&outcome.results)))?;
        note(&format!(
            "{} players, {} repetitions: {} matches and {} turns played in {elapsed:.2} s ({:.1} million turns/s). Wrote {}.",
            spec.players.len(),
            spec.repetitions,
            outcome.matches_played,
            outcome.turns_played,
            outcome.turns_played as f64 / elapsed.max(1e-9) / 1e6,
            target.display()
        ));
        return Ok(());
    }
    let spec = loaded.dynamics_spec(&mut registry, &overrides)?;
    let folder = RunFolder::begin(&out, Some(&a.file), a.force)?;
    let started = Instant::now();
    let outcome = study::run(&spec, threads).map_err(|e| loaded.study_error(&e))?;
    let elapsed = started.elapsed().as_secs_f64();
    let target = vertrouwen_output::publish_dynamics(folder, &info, spec.seed(), &outcome)?;
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
