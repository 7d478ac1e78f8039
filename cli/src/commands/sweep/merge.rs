//! `merge` of a sweep's shards: each point's sums added over the partials that hold them, then
//! the point finished and written as `run` writes it (or, with `--partial`, the sums written as
//! one partial).

use std::path::PathBuf;
use std::time::Instant;

use vertrouwen_engine::config::Overrides;
use vertrouwen_engine::study;
use vertrouwen_engine::tournament;
use vertrouwen_engine::values::Seed;
use vertrouwen_output::partial::{self, PartialError};
use vertrouwen_output::sweep::{self as out, SweepContents, SweepPartial};
use vertrouwen_output::RunFolder;

use super::{
    at_point, axis_columns, build, point_overrides, point_values, write_tournament_point, PointSpec,
};
use crate::args::MergeArgs;
use crate::failure::Failure;
use crate::settings;
use crate::terminal::{note, print};

/// The sums of one point over the partials that hold some of it (`None`: none does).
fn point_sums<T>(
    parts: &[SweepPartial],
    get: impl Fn(&SweepPartial) -> Result<Option<T>, PartialError>,
    add: impl Fn(&mut T, &T, &SweepPartial) -> Result<(), PartialError>,
) -> Result<Option<T>, PartialError> {
    let mut sums: Option<T> = None;
    for p in parts {
        let Some(next) = get(p)? else { continue };
        match &mut sums {
            None => sums = Some(next),
            Some(s) => add(s, &next, p)?,
        }
    }
    Ok(sums)
}

/// `merge` of sweep partials: the sweep's folder (or with `--partial`, a partial of the shards
/// given), byte-identical to the sweep run whole.
pub fn merge(a: &MergeArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let max_bytes = a.memory.max_memory.get();
    let mut parts: Vec<SweepPartial> = Vec::with_capacity(a.dirs.len());
    for dir in &a.dirs {
        parts.push(SweepPartial::open(dir, max_bytes)?);
    }
    let manifests: Vec<(PathBuf, &partial::PartialManifest)> =
        parts.iter().map(|p| (p.dir.clone(), &p.manifest)).collect();
    let shards = partial::check_set(&manifests, !a.partial)?;
    let first = parts[0].manifest.clone();
    let study_text = parts[0].study.clone();
    let file = PathBuf::from(&first.file);
    let (loaded, mut registry, info) = crate::commands::merge::study_of(&first, &study_text)?;
    // The grid as the shards built it: with their --seed, if they had one.
    let seed = first
        .seed_flag
        .map(|s| {
            Seed::try_from(s)
                .map_err(|e| Failure::Message(format!("{}: seed: {e}", parts[0].dir.display())))
        })
        .transpose()?;
    let grid = loaded.sweep_grid(seed)?;
    let points = grid.len();
    if let Some(p) = parts.iter().find(|p| p.contents.points != points) {
        return Err(Failure::Message(format!(
            "{}: it holds {} grid points, but the sweep has {points}",
            p.dir.display(),
            p.contents.points
        )));
    }
    let missing_point = |label: &str| -> Result<(), Failure> {
        Err(Failure::Message(format!(
            "grid point {label}: no partial given holds it"
        )))
    };
    grid.load_plugins(
        &mut registry,
        &Overrides {
            plugins: first.plugins.iter().map(PathBuf::from).collect(),
            ..Overrides::default()
        },
    )?;
    let overrides = point_overrides(settings::limits(&a.memory), first.trust_run);
    let mut folder = RunFolder::begin(&a.out, Some(&file), a.force)?;
    let mut contents = SweepContents {
        points,
        tallies: Vec::new(),
        dynamics: Vec::new(),
    };
    let (mut matches, mut turns) = (0u64, 0u64);
    let mut winners = vertrouwen_output::text::SweepWinners::default();
    for k in 0..points {
        if grid.is_tournament() {
            let sums = point_sums(
                &parts,
                |p| p.tally(k),
                |s, t, p| {
                    s.merge(t).map_err(|source| PartialError::Sums {
                        dir: p.dir.clone(),
                        source,
                    })
                },
            )?;
            let Some(sums) = sums else {
                if a.partial {
                    // Played by none of the shards given: the rest of the tree holds it.
                    continue;
                }
                return missing_point(&k.to_string());
            };
            if a.partial {
                matches += sums.matches_played();
                turns += sums.turns_played();
                contents
                    .tallies
                    .push(out::write_point_tally(&mut folder, points, k, &sums)?);
            } else {
                let (_, spec) = build(&grid, k, &mut registry, &overrides)?;
                let PointSpec::Tournament(spec) = spec else {
                    unreachable!("a tournament sweep's points are tournaments")
                };
                let outcome = tournament::finish(&spec, sums)?;
                write_tournament_point(&mut folder, &info, &grid, k, &spec, &outcome)?;
                winners.add(k, point_values(&grid, k), &outcome.results);
            }
        } else {
            let sums = point_sums(
                &parts,
                |p| p.dynamics(k),
                |s, d, p| {
                    s.merge(d).map_err(|e| PartialError::Unreadable {
                        dir: p.dir.clone(),
                        reason: format!("grid point {k}: {e}"),
                    })
                },
            )?;
            let Some(sums) = sums else {
                if a.partial {
                    continue;
                }
                return missing_point(&k.to_string());
            };
            if a.partial {
                let counts = out::write_point_sums(&mut folder, points, k, &sums)?;
                matches += counts.matches;
                turns += counts.turns;
                contents.dynamics.push(counts);
            } else {
                let (study, spec) = build(&grid, k, &mut registry, &overrides)?;
                let PointSpec::Dynamics(spec) = spec else {
                    unreachable!("a dynamics sweep's points are dynamics studies")
                };
                let outcome = study::finish(&spec, sums, None)
                    .map_err(|e| at_point(&grid, k, study.study_error(&e).into()))?;
                out::write_point_dynamics(&mut folder, &info, &grid, k, &outcome)?;
            }
        }
    }
    if a.partial {
        let mut manifest = first.clone();
        manifest.shards = shards.clone();
        manifest.matches = matches;
        manifest.turns = turns;
        manifest.sweep = Some(contents);
        let target = out::commit_sweep_partial(folder, &manifest, &study_text)?;
        note(&format!(
            "merged {} of {} shards of a sweep of {points} points in {:.2} s into the partial result {}.",
            shards.len(),
            first.shard_count,
            started.elapsed().as_secs_f64(),
            target.display()
        ));
        return Ok(());
    }
    out::write_sweep_table(&mut folder, &grid)?;
    let target = out::commit_sweep(folder, &info, &grid)?;
    if grid.is_tournament() {
        print(&winners.table(&axis_columns(&grid)))?;
    }
    note(&format!(
        "merged {} shards of a sweep of {points} points in {:.2} s. Wrote {} and a folder per point in {}.",
        first.shard_count,
        started.elapsed().as_secs_f64(),
        target.join("sweep.csv").display(),
        target.display()
    ));
    Ok(())
}
