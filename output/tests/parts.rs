//! Parts of a tournament (issues 10 and 13) give the golden outputs: every shipped tournament,
//! at the golden sizes, played whole through `run_part` + `finish`, in three shards merged, and
//! stopped at a checkpoint and resumed, writes exactly the committed files of
//! `tests/golden/<study>/` (made by `tournament::run`).

mod support;
use support::{registry, repo, CAPS};

use std::sync::Mutex;
use std::time::Duration;

use vertrouwen_engine::config::{self, Overrides, Study};
use vertrouwen_engine::tournament::observe::Unobserved;
use vertrouwen_engine::tournament::{
    self, Checkpoints, PartRun, PartialTally, Progress, RunOptions, SaveError, Shard,
    TournamentSpec,
};
use vertrouwen_output::{RunFolder, RunInfo};

fn threads(t: usize) -> RunOptions {
    RunOptions { threads: Some(t) }
}

type Play = fn(&TournamentSpec) -> PartialTally;

/// The partial of every match: whole, from three shards, or resumed from a checkpoint.
fn whole(spec: &TournamentSpec) -> PartialTally {
    tournament::run_part(spec, threads(2), PartRun::whole()).unwrap()
}

fn sharded(spec: &TournamentSpec) -> PartialTally {
    let mut parts = (0..3).rev().map(|i| {
        let part = PartRun {
            shard: Shard::new(i, 3).unwrap(),
            resume: None,
            checkpoints: None,
            observer: &Unobserved,
        };
        tournament::run_part(spec, threads(1 + i as usize % 2), part).unwrap()
    });
    let mut sum = parts.next().unwrap();
    for p in parts {
        sum.merge(&p).unwrap();
    }
    sum
}

fn resumed(spec: &TournamentSpec) -> PartialTally {
    // Keep the first checkpoint only, as if the run had been killed right after it.
    let kept: Mutex<Option<(PartialTally, u64)>> = Mutex::new(None);
    let mut save = |p: &Progress<'_>| -> Result<(), SaveError> {
        let mut k = kept.lock().unwrap();
        if k.is_none() {
            *k = Some((p.partial.clone(), p.jobs_done));
        }
        Ok(())
    };
    let part = PartRun {
        shard: Shard::WHOLE,
        resume: None,
        checkpoints: Some(Checkpoints {
            every_matches: 7,
            every: Duration::MAX,
            save: &mut save,
        }),
        observer: &Unobserved,
    };
    tournament::run_part(spec, threads(2), part).unwrap();
    let checkpoint = kept.into_inner().unwrap().expect("a checkpoint was saved");
    assert!(checkpoint.1 > 0);
    let part = PartRun {
        shard: Shard::WHOLE,
        resume: Some(checkpoint),
        checkpoints: None,
        observer: &Unobserved,
    };
    tournament::run_part(spec, threads(1), part).unwrap()
}

#[test]
fn whole_sharded_and_resumed_parts_write_the_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("tournaments")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let rel = format!("tournaments/{stem}.ron");
        let loaded = config::load(&repo().join(&rel)).unwrap();
        if !matches!(loaded.study, Study::Tournament(_)) {
            continue;
        }
        let overrides = Overrides {
            caps: Some(CAPS),
            ..Overrides::default()
        };
        let spec = loaded.tournament_spec(&mut registry(), &overrides).unwrap();
        let info = RunInfo {
            study: loaded.study.name().map(String::from),
            description: loaded.study.description().map(String::from),
            file: Some(rel.clone()),
        };
        let ways: [(&str, Play); 3] =
            [("whole", whole), ("sharded", sharded), ("resumed", resumed)];
        for (way, play) in ways {
            let out = tmp.path().join(format!("{stem}-{way}"));
            let outcome = tournament::finish(&spec, play(&spec)).unwrap();
            let folder = RunFolder::begin(&out, None, false).unwrap();
            vertrouwen_output::publish_tournament(folder, &info, &spec, &outcome).unwrap();
            let golden = repo().join("tests/golden").join(&stem);
            for file in std::fs::read_dir(&out).unwrap() {
                let name = file.unwrap().file_name();
                let now = std::fs::read(out.join(&name)).unwrap();
                let then = std::fs::read(golden.join(&name)).unwrap();
                assert!(
                    now == then,
                    "{stem} ({way}): {name:?} differs from the golden file"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 4, "{checked} tournaments");
}

#[test]
fn an_incomplete_partial_is_refused() {
    let loaded = config::load(&repo().join("tournaments/classics.ron")).unwrap();
    let overrides = Overrides {
        caps: Some(CAPS),
        ..Overrides::default()
    };
    let spec = loaded.tournament_spec(&mut registry(), &overrides).unwrap();
    let part = PartRun {
        shard: Shard::new(1, 2).unwrap(),
        resume: None,
        checkpoints: None,
        observer: &Unobserved,
    };
    let half = tournament::run_part(&spec, threads(1), part).unwrap();
    let e = tournament::finish(&spec, half).unwrap_err().to_string();
    assert!(e.contains("every shard must be merged"), "{e}");
}
