//! A run's output folder is one unit (issue 10): a run killed at any point leaves either the
//! previous complete result or nothing, never a mix; leftovers are marked and cleaned; another
//! study's results are only replaced with --force. The kills use the output crate's test hook
//! (`VERTROUWEN_TEST_KILL_AT`), which aborts the process at a chosen point of the write.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vertrouwen(args: &[&str], kill_at: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vertrouwen"));
    c.args(args);
    if let Some(point) = kill_at {
        c.env("VERTROUWEN_TEST_KILL_AT", point);
    }
    c.output().expect("run vertrouwen")
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn study(dir: &Path, name: &str, seed: u64) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(
        &file,
        format!("Tournament(players: [\"Tit For Tat\", \"Random\", \"Grudger\"], turns: 20, repetitions: 3, seed: {seed})"),
    )
    .unwrap();
    file
}

/// Hidden leftovers beside `target`.
fn leftovers(target: &Path) -> Vec<String> {
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    let mut v: Vec<String> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect();
    v.sort();
    v
}

fn files(target: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(target)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_kill_at_any_point_leaves_the_previous_complete_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = study(dir.path(), "t.ron", 1);
    let target = dir.path().join("out");
    let run = |seed: &str, kill: Option<&str>| {
        vertrouwen(
            &[
                "run",
                file.to_str().unwrap(),
                "--out",
                target.to_str().unwrap(),
                "--seed",
                seed,
            ],
            kill,
        )
    };
    // Killed during the first run: nothing is published, the partial folder is marked.
    let o = run("1", Some("summary.csv"));
    assert!(!o.status.success());
    assert!(!target.exists());
    let left = leftovers(&target);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(".out.partial-"), "{left:?}");
    // The next run cleans it up and publishes a complete, verifiable folder.
    ok(&run("1", None));
    assert!(leftovers(&target).is_empty(), "{:?}", leftovers(&target));
    let first = files(&target);
    let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "disqualified.csv",
            "manifest.json",
            "results.json",
            "summary.csv",
            "timeline.json",
            "trust.csv"
        ]
    );
    let manifest = vertrouwen_output::folder::verify(&target).unwrap();
    assert_eq!(manifest.seed, Some(1));
    // A run with another seed killed between its files, before its manifest, before the
    // rename, and between the two renames: each time a reader finds the first run, whole.
    for point in [
        "summary.csv",
        "results.json",
        "before-rename",
        "between-renames",
    ] {
        let o = run("2", Some(point));
        assert!(!o.status.success(), "{point}");
        if point == "between-renames" {
            // The previous run is set aside (not lost); the next run into the folder puts it
            // back first, so even that run, killed again, leaves the first run in place.
            assert!(!target.exists());
            assert!(leftovers(&target)
                .iter()
                .any(|n| n.starts_with(".out.old-")));
            assert!(!run("2", Some("summary.csv")).status.success());
            assert_eq!(files(&target), first, "restored");
        } else {
            assert_eq!(files(&target), first, "{point}");
        }
    }
    // A complete run with the other seed replaces the first as a whole and cleans up.
    ok(&run("2", None));
    assert!(leftovers(&target).is_empty(), "{:?}", leftovers(&target));
    let second = vertrouwen_output::folder::verify(&target).unwrap();
    assert_eq!(second.seed, Some(2));
    assert_ne!(files(&target), first);
    // The same study and seed again: byte-identical files.
    ok(&run("1", None));
    assert_eq!(files(&target), first);
}

#[test]
fn another_studys_results_are_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let a = study(dir.path(), "a.ron", 1);
    let b = study(dir.path(), "b.ron", 1);
    let target = dir.path().join("results");
    let run = |file: &Path, force: bool| {
        let mut args = vec![
            "run",
            file.to_str().unwrap(),
            "--out",
            target.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        vertrouwen(&args, None)
    };
    ok(&run(&a, false));
    ok(&run(&a, false)); // the same study may be run again
    let o = run(&b, false);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {} holds the results of {}; replace them with --force, or choose another folder with --out\n",
            target.display(),
            a.display()
        )
    );
    ok(&run(&b, true));
    assert_eq!(
        vertrouwen_output::folder::read_manifest(&target)
            .unwrap()
            .file,
        Some(b.display().to_string())
    );
    // A results folder written before manifests existed counts as its study's (its
    // results.json names the file): the same study replaces it, another needs --force.
    let legacy = dir.path().join("legacy");
    std::fs::create_dir(&legacy).unwrap();
    std::fs::write(
        legacy.join("results.json"),
        format!("{{\"file\": {:?}}}", a.display().to_string()),
    )
    .unwrap();
    let o = vertrouwen(
        &[
            "run",
            b.to_str().unwrap(),
            "--out",
            legacy.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    ok(&vertrouwen(
        &[
            "run",
            a.to_str().unwrap(),
            "--out",
            legacy.to_str().unwrap(),
        ],
        None,
    ));
    assert!(legacy.join("manifest.json").exists());
    // A folder of other files is never replaced, even with --force.
    let other = dir.path().join("photos");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("holiday.jpg"), b"not results").unwrap();
    let o = vertrouwen(
        &[
            "run",
            a.to_str().unwrap(),
            "--out",
            other.to_str().unwrap(),
            "--force",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("is a folder that holds other files, not a run's results"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read(other.join("holiday.jpg")).unwrap(),
        b"not results"
    );
}
