//! Golden outputs (issue 9): every study in `tournaments/` is run at a reduced size and every
//! file it writes is compared byte for byte with the committed copy in `tests/golden/<study>/`,
//! so any change of any result shows up in review.
//!
//! Re-bless after an intended change with
//! `VERTROUWEN_BLESS=1 cargo test -p vertrouwen-output --test golden`, and record the change in
//! CHANGELOG.md under "Changes to results". Each golden folder has a `SOURCE` file saying how it
//! was made.

mod support;
use support::{registry, repo, CAPS};

use std::path::Path;

use vertrouwen_engine::config::{self, Overrides, Study};
use vertrouwen_engine::study;
use vertrouwen_engine::tournament::{self, RunOptions};
use vertrouwen_output::{sweep, RunFolder, RunInfo};

/// Runs `tournaments/<stem>.ron` with [`CAPS`] into `out`, as `vertrouwen run` does.
fn run_study(stem: &str, out: &Path) {
    let rel = format!("tournaments/{stem}.ron");
    let loaded = config::load(&repo().join(&rel)).unwrap_or_else(|e| panic!("{e}"));
    let overrides = Overrides {
        caps: Some(CAPS),
        ..Overrides::default()
    };
    let info = RunInfo {
        study: loaded.study.name().map(String::from),
        description: loaded.study.description().map(String::from),
        file: Some(rel.clone()),
    };
    let mut registry = registry();
    let mut folder = RunFolder::begin(out, None, false).unwrap();
    if let Study::Sweep(_) = &loaded.study {
        // As `vertrouwen run` runs a sweep: every point in grid order into its subfolder, then
        // sweep.csv from the points' tables.
        let grid = loaded.sweep_grid(None).unwrap_or_else(|e| panic!("{e}"));
        for k in 0..grid.len() {
            let point = grid.point(k).unwrap_or_else(|e| panic!("{e}"));
            if grid.is_tournament() {
                let spec = point
                    .study
                    .tournament_spec(&mut registry, &overrides)
                    .unwrap_or_else(|e| panic!("{e}"));
                let outcome = tournament::run(&spec, RunOptions::default()).unwrap();
                sweep::write_point_tournament(&mut folder, &info, &grid, k, &spec, &outcome)
                    .unwrap();
            } else {
                let spec = point
                    .study
                    .dynamics_spec(&mut registry, &overrides)
                    .unwrap_or_else(|e| panic!("{e}"));
                let outcome = study::run(&spec, None).unwrap_or_else(|e| panic!("{e}"));
                sweep::write_point_dynamics(&mut folder, &info, &grid, k, &outcome).unwrap();
            }
        }
        sweep::write_sweep_table(&mut folder, &grid).unwrap();
        sweep::commit_sweep(folder, &info, &grid).unwrap();
    } else if let Study::Tournament(_) = &loaded.study {
        let spec = loaded
            .tournament_spec(&mut registry, &overrides)
            .unwrap_or_else(|e| panic!("{e}"));
        let outcome = tournament::run(&spec, RunOptions::default()).unwrap();
        vertrouwen_output::publish_tournament(folder, &info, &spec, &outcome).unwrap();
    } else {
        let spec = loaded
            .dynamics_spec(&mut registry, &overrides)
            .unwrap_or_else(|e| panic!("{e}"));
        let outcome = study::run(&spec, None).unwrap_or_else(|e| panic!("{e}"));
        vertrouwen_output::publish_dynamics(folder, &info, spec.seed(), &outcome).unwrap();
    }
}

fn source_note(stem: &str) -> String {
    format!(
        "Made by output/tests/golden.rs from tournaments/{stem}.ron with the sizes capped at\n\
         turns <= {}, repetitions <= {}, generations <= {}, points <= {}, runs <= {},\n\
         max_steps <= {} (everything else as in the file), then written by vertrouwen-output as\n\
         `vertrouwen run` writes it. Re-bless: VERTROUWEN_BLESS=1 cargo test -p vertrouwen-output --test golden\n",
        CAPS.turns, CAPS.repetitions, CAPS.generations, CAPS.points, CAPS.runs, CAPS.max_steps
    )
}

/// Every file under `dir`, as paths relative to it (a sweep's points are subfolders), sorted.
fn sorted_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// The first line where two texts differ, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  golden: {x}\n  now:    {y}", i + 1);
        }
    }
    format!(
        "lengths differ: golden {} lines, now {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn every_shipped_study_matches_its_golden_outputs() {
    let bless = std::env::var_os("VERTROUWEN_BLESS").is_some_and(|v| v == "1");
    let golden_root = repo().join("tests/golden");
    let mut stems: Vec<String> = std::fs::read_dir(repo().join("tournaments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    assert!(stems.len() >= 11, "{stems:?}");
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for stem in &stems {
        let out = tmp.path().join(stem);
        run_study(stem, &out);
        let golden = golden_root.join(stem);
        if bless {
            let _ = std::fs::remove_dir_all(&golden);
            std::fs::create_dir_all(&golden).unwrap();
            for name in sorted_files(&out) {
                let to = golden.join(&name);
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(out.join(&name), to).unwrap();
            }
            std::fs::write(golden.join("SOURCE"), source_note(stem)).unwrap();
            continue;
        }
        let mut expected = sorted_files(&golden);
        expected.retain(|n| n != "SOURCE");
        let produced = sorted_files(&out);
        if expected != produced {
            failures.push(format!(
                "{stem}: files {produced:?}, golden has {expected:?}"
            ));
            continue;
        }
        for name in &produced {
            let now = std::fs::read_to_string(out.join(name)).unwrap();
            let then = std::fs::read_to_string(golden.join(name)).unwrap();
            if now != then {
                failures.push(format!(
                    "{stem}/{name} differs at {}",
                    first_difference(&then, &now)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden file(s) differ; if the change is intended, re-bless with \
         VERTROUWEN_BLESS=1 cargo test -p vertrouwen-output --test golden and list it in \
         CHANGELOG.md:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
