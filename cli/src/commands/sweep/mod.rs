//! `run` of a `Sweep` study (whole, or one shard of it) and `merge` of a sweep's shards.
//!
//! A shard of a sweep plays the points (or the parts of points) that
//! [`vertrouwen_engine::sweep::deal`] gives it, balanced by expected cost: whole points when
//! there are at least as many points as shards, parts of points otherwise, so that a shard
//! holds the sums of as few points as it can.

use std::path::Path;
use std::time::{Duration, Instant};

use vertrouwen_engine::config::sweep::Grid;
use vertrouwen_engine::config::{ConfigError, LoadedStudy, Overrides};
use vertrouwen_engine::evolution;
use vertrouwen_engine::study::{self, DynamicsSpec, Limits, PayoffSource};
use vertrouwen_engine::sweep::{self as deal, PointDeal};
use vertrouwen_engine::tournament::{
    self, observe::Unobserved, PartRun, PartialTally, RunOptions, Shard, TournamentError,
    TournamentSpec,
};
use vertrouwen_engine::values::Seed;
use vertrouwen_engine::Registry;
use vertrouwen_output::partial::CheckpointProgress;
use vertrouwen_output::sweep::{self as out, SweepContents, SweepPartial};
use vertrouwen_output::{RunFolder, RunInfo};

mod merge;

pub use merge::merge;

use super::parts::{self, Identity};
use crate::args::RunArgs;
use crate::failure::Failure;
use crate::settings;
use crate::terminal::{note, print};

/// A grid point's spec.
enum PointSpec {
    Tournament(TournamentSpec),
    Dynamics(DynamicsSpec),
}

/// The settings every point is built with: the sweep's plugins are loaded once, `--seed` was
/// applied to the base.
fn point_overrides(limits: Limits, trust_run: Option<u32>) -> Overrides {
    Overrides {
        seed: None,
        plugins: Vec::new(),
        limits,
        caps: None,
        trust_run,
    }
}

/// Builds (and so checks) grid point `k`; errors name the point.
fn build(
    grid: &Grid,
    k: u64,
    registry: &mut Registry,
    overrides: &Overrides,
) -> Result<(LoadedStudy, PointSpec), Failure> {
    let point = grid.point(k)?;
    let at_point = |mut e: ConfigError| {
        if !e.message.starts_with("grid point") {
            e.message = format!("grid point {k}: {}", e.message);
        }
        e
    };
    let spec = if grid.is_tournament() {
        PointSpec::Tournament(
            point
                .study
                .tournament_spec(registry, overrides)
                .map_err(at_point)?,
        )
    } else {
        PointSpec::Dynamics(
            point
                .study
                .dynamics_spec(registry, overrides)
                .map_err(at_point)?,
        )
    };
    Ok((point.study, spec))
}

/// A failure while running grid point `k`, with the point and its values in front.
fn at_point(grid: &Grid, k: u64, f: Failure) -> Failure {
    match f {
        Failure::Message(m) => {
            let values: Vec<String> = axis_columns(grid)
                .iter()
                .zip(point_values(grid, k))
                .map(|(a, v)| format!("{a} = {v}"))
                .collect();
            Failure::Message(format!("grid point {k} ({}): {m}", values.join(", ")))
        }
        other => other,
    }
}

/// The axis values of point `k` as `sweep.csv` writes them.
fn point_values(grid: &Grid, k: u64) -> Vec<String> {
    grid.values(k)
        .iter()
        .map(|v| out::axis_text(v).unwrap_or_else(|_| format!("{v:?}")))
        .collect()
}

/// The axes' column names.
fn axis_columns(grid: &Grid) -> Vec<&'static str> {
    grid.axes.iter().map(|a| a.kind.column()).collect()
}

fn isolated(spec: &TournamentSpec) -> Option<&str> {
    spec.players
        .iter()
        .find(|p| p.entry.isolated_plugin().is_some())
        .map(|p| p.label.as_str())
}

/// Runs a sweep study: whole into `out`, or one shard of it into a partial folder.
pub fn run(
    a: &RunArgs,
    loaded: &LoadedStudy,
    registry: &mut Registry,
    out: &Path,
    info: &RunInfo,
) -> Result<(), Failure> {
    let refuse = |flag: &str, why: &str| Err(Failure::flag(flag, why.to_string()));
    if a.interactions.is_some() {
        return refuse(
            "--interactions",
            "is not available for Sweep studies: run one grid point as its own study to stream its matches",
        );
    }
    if a.report {
        return refuse(
            "--report",
            "is not available for Sweep studies: each point's folder can be reported with `vertrouwen report`",
        );
    }
    let grid = loaded.sweep_grid(a.seed)?;
    grid.load_plugins(
        registry,
        &Overrides {
            plugins: a.plugins.plugins.clone(),
            ..Overrides::default()
        },
    )?;
    let overrides = point_overrides(settings::limits(&a.memory), a.trust_run);
    let threads = a.threads.map(|t| t as usize);
    let shard = parts::shard_from(a.parts.shard.as_deref(), a.parts.shards, &|k| {
        std::env::var(k).ok()
    })?;
    // Every point is built before any runs: a bad value at point 99 is found at once, not
    // after hours of the first 98.
    let deals = plan(&grid, registry, &overrides, shard)?;
    let started = Instant::now();
    let points = grid.len();
    let mut folder = RunFolder::begin(out, Some(&a.file), a.force)?;
    let Some(shard) = shard else {
        let mut winners = vertrouwen_output::text::SweepWinners::default();
        if a.parts.resume {
            note("a whole sweep saves no checkpoints (--resume): it starts from the beginning; shards of a sweep (--shard I/N) save them after their points");
        }
        for k in 0..points {
            let (study, spec) = build(&grid, k, registry, &overrides)?;
            let mut run_point = || -> Result<(), Failure> {
                match &spec {
                    PointSpec::Tournament(spec) => {
                        let outcome = if isolated(spec).is_some() {
                            tournament::run(spec, RunOptions { threads })?
                        } else {
                            let part = whole_part(spec, threads, Shard::WHOLE)?;
                            tournament::finish(spec, part)?
                        };
                        write_tournament_point(&mut folder, info, &grid, k, spec, &outcome)?;
                        winners.add(k, point_values(&grid, k), &outcome.results);
                    }
                    PointSpec::Dynamics(spec) => {
                        let outcome =
                            study::run(spec, threads).map_err(|e| study.study_error(&e))?;
                        out::write_point_dynamics(&mut folder, info, &grid, k, &outcome)?;
                    }
                }
                Ok(())
            };
            run_point().map_err(|f| at_point(&grid, k, f))?;
            // At most about a hundred lines, however large the grid.
            let every = (points / 100).max(1);
            if !a.quiet && ((k + 1) % every == 0 || k + 1 == points) {
                note(&format!("grid point {} of {points} done", k + 1));
            }
        }
        out::write_sweep_table(&mut folder, &grid)?;
        let target = out::commit_sweep(folder, info, &grid)?;
        let mut report = format!(
            "{}: {points} grid points of a {} study\n",
            loaded.study.name().unwrap_or("Sweep"),
            grid.base_kind()
        );
        if grid.is_tournament() {
            report.push_str(&winners.table(&axis_columns(&grid)));
        }
        print(&report)?;
        note(&format!(
            "sweep of {points} points done in {:.2} s. Wrote {} (one row per grid point and strategy) and a folder per point in {}.",
            started.elapsed().as_secs_f64(),
            target.join("sweep.csv").display(),
            target.display()
        ));
        return Ok(());
    };
    // One shard: the points, or parts of points, dealt to it, with a checkpoint saved after
    // points (as a tournament's: every --checkpoint-matches matches or --checkpoint-seconds).
    let identity = Identity::new(
        &a.file,
        &loaded.source,
        grid.seed().unwrap_or(0),
        a.trust_run,
        &a.plugins.plugins,
    );
    let seed_flag = a.seed.map(Seed::get);
    let checkpoint = parts::checkpoint_dir(out);
    let resumed = if a.parts.resume {
        resume_from(
            &checkpoint,
            &identity,
            seed_flag,
            shard,
            a.memory.max_memory.get(),
        )?
    } else {
        None
    };
    let own_parts = deals.iter().filter(|d| d.part_of(shard).is_some()).count() as u64;
    let mut contents = SweepContents {
        points,
        tallies: Vec::new(),
        dynamics: Vec::new(),
    };
    let (mut matches, mut turns) = (0u64, 0u64);
    let manifest = |contents: &SweepContents, matches, turns, progress| {
        let mut m = identity.manifest(
            shard.count(),
            vec![shard.index()],
            &PartialTally::empty(0, 0),
            progress,
        );
        m.matches = matches;
        m.turns = turns;
        m.seed_flag = seed_flag;
        m.sweep = Some(contents.clone());
        m
    };
    let every = if a.parts.checkpoint_seconds == 0 {
        Duration::MAX
    } else {
        Duration::from_secs(a.parts.checkpoint_seconds)
    };
    let (mut last_save, mut matches_at_save) = (Instant::now(), 0u64);
    for k in 0..points {
        let Some(part) = deals[k as usize].part_of(shard) else {
            continue;
        };
        // A point the checkpoint holds is not played again: its sums are copied.
        if let Some(r) = &resumed {
            if let Some(t) = r.tally(k)? {
                let counts = out::write_point_tally(&mut folder, points, k, &t)?;
                (matches, turns) = (matches + counts.matches, turns + counts.turns);
                contents.tallies.push(counts);
                continue;
            }
            if let Some(d) = r.dynamics(k)? {
                let counts = out::write_point_sums(&mut folder, points, k, &d)?;
                (matches, turns) = (matches + counts.matches, turns + counts.turns);
                contents.dynamics.push(counts);
                continue;
            }
        }
        let (study, spec) = build(&grid, k, registry, &overrides)?;
        let mut run_point = || -> Result<(), Failure> {
            match &spec {
                PointSpec::Tournament(spec) => {
                    let sums = whole_part(spec, threads, part)?;
                    matches += sums.matches_played();
                    turns += sums.turns_played();
                    contents
                        .tallies
                        .push(out::write_point_tally(&mut folder, points, k, &sums)?);
                }
                PointSpec::Dynamics(spec) => {
                    let sums =
                        study::run_part(spec, threads, part).map_err(|e| study.study_error(&e))?;
                    let counts = out::write_point_sums(&mut folder, points, k, &sums)?;
                    matches += counts.matches;
                    turns += counts.turns;
                    contents.dynamics.push(counts);
                }
            }
            Ok(())
        };
        run_point().map_err(|f| at_point(&grid, k, f))?;
        let done = (contents.tallies.len() + contents.dynamics.len()) as u64;
        let due = matches - matches_at_save >= a.parts.checkpoint_matches.max(1)
            || last_save.elapsed() >= every;
        if due && done < own_parts {
            let progress = CheckpointProgress {
                jobs_done: done,
                jobs: own_parts,
            };
            let saved = RunFolder::begin(&checkpoint, Some(&a.file), true)?;
            out::commit_sweep_checkpoint(
                saved,
                folder.staging(),
                &manifest(&contents, matches, turns, Some(progress)),
                &loaded.source,
            )?;
            (last_save, matches_at_save) = (Instant::now(), matches);
        }
    }
    let held = contents.tallies.len() + contents.dynamics.len();
    let target = out::commit_sweep_partial(
        folder,
        &manifest(&contents, matches, turns, None),
        &loaded.source,
    )?;
    parts::remove_checkpoint(out)?;
    note(&format!(
        "shard {shard} of a sweep of {points} points: parts of {held} points, {matches} matches, {turns} turns, in {:.2} s. Wrote the partial result to {}; merge the shards with `vertrouwen merge`.",
        started.elapsed().as_secs_f64(),
        target.display()
    ));
    Ok(())
}

/// The checkpoint of this sweep shard to resume from, if there is one, checked against it.
fn resume_from(
    dir: &Path,
    identity: &Identity,
    seed_flag: Option<u64>,
    shard: Shard,
    max_bytes: u64,
) -> Result<Option<SweepPartial>, Failure> {
    if !dir.join("manifest.json").exists() {
        note(&format!(
            "no checkpoint in {}: starting from the beginning",
            dir.display()
        ));
        return Ok(None);
    }
    let saved = SweepPartial::open(dir, max_bytes)?;
    let why = identity.mismatch(&saved.manifest, shard).or_else(|| {
        (saved.manifest.seed_flag != seed_flag).then(|| {
            format!(
                "its --seed is {:?}, this run's is {seed_flag:?}",
                saved.manifest.seed_flag
            )
        })
    });
    if let Some(why) = why {
        return Err(Failure::Message(format!(
            "{}: this checkpoint is not of this run ({why}); remove it or run without --resume to start over",
            dir.display()
        )));
    }
    let Some(progress) = &saved.manifest.checkpoint else {
        return Err(Failure::Message(format!(
            "{}: not a checkpoint (it is a finished partial result)",
            dir.display()
        )));
    };
    note(&format!(
        "resuming from {}: {} of {} points of this shard done",
        dir.display(),
        progress.jobs_done,
        progress.jobs
    ));
    Ok(Some(saved))
}

/// Builds every point (so checks it, before anything runs) and deals the points over the
/// shards by expected cost: a tournament's matches times their expected turns, a simulation's
/// runs times its population squared (steps to fixation grow about so), another dynamics
/// study's payoff matches times their turns (1 for a given matrix). Isolated plugins cannot be
/// sharded.
fn plan(
    grid: &Grid,
    registry: &mut Registry,
    overrides: &Overrides,
    shard: Option<Shard>,
) -> Result<Vec<PointDeal>, Failure> {
    let mut costs = Vec::with_capacity(grid.len().min(1 << 20) as usize);
    for k in 0..grid.len() {
        let (_, spec) = build(grid, k, registry, overrides)?;
        costs.push(match &spec {
            PointSpec::Tournament(t) => {
                if let (Some(_), Some(label)) = (shard, isolated(t)) {
                    return Err(TournamentError::IsolatedParts {
                        label: label.to_string(),
                    }
                    .into());
                }
                deal::tournament_cost(t)?
            }
            PointSpec::Dynamics(DynamicsSpec::Simulation(s)) => {
                let n: u64 = s.config().initial.iter().map(|&c| c as u64).sum();
                s.runs().get().saturating_mul(n.saturating_mul(n))
            }
            PointSpec::Dynamics(d) => match d.payoffs() {
                PayoffSource::Matches(ms) => {
                    deal::tournament_cost(&evolution::payoff_tournament(ms))?
                }
                PayoffSource::Matrix { .. } => 1,
            },
        });
    }
    // Every point can be split: a tournament's matches, a dynamics study's payoff matches and
    // simulation runs (a study with neither has nothing to split, and its parts are empty).
    deal::deal(&costs, true, shard.map_or(1, |s| s.count()))
        .map_err(|e| Failure::flag("--shard", e))
}

/// Writes a finished tournament point: the files `run` writes for its study, the trust
/// timeline included.
fn write_tournament_point(
    folder: &mut RunFolder,
    info: &RunInfo,
    grid: &Grid,
    k: u64,
    spec: &TournamentSpec,
    outcome: &tournament::TournamentOutcome,
) -> Result<(), Failure> {
    out::write_point_tournament(folder, info, grid, k, spec, outcome)?;
    folder.in_subfolder(&out::point_dir(k, grid.len()), |f| {
        crate::report_cmd::write_timeline(f, spec, &outcome.results)
    })
}

/// Plays `shard` of a tournament point, without checkpoints.
fn whole_part(
    spec: &TournamentSpec,
    threads: Option<usize>,
    shard: Shard,
) -> Result<PartialTally, Failure> {
    Ok(tournament::run_part(
        spec,
        RunOptions { threads },
        PartRun {
            shard,
            resume: None,
            checkpoints: None,
            observer: &Unobserved,
        },
    )?)
}
