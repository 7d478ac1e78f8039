//! Checkpoint and resume (issue 10): a tournament run killed with SIGKILL at several points
//! continues with `--resume` and writes exactly the files of an uninterrupted run; a checkpoint
//! of another study or seed is refused, never used.

mod support;
use support::{files, s};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vertrouwen"));
    c.args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX");
    c
}

fn run(args: &[&str]) -> Output {
    command(args).output().expect("run vertrouwen")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A tournament long enough (about 200,000 matches) to be killed in the middle, on any machine:
/// the kills wait for checkpoints, not for time.
fn slow_study(dir: &Path, seed: u64) -> PathBuf {
    let file = dir.join(format!("slow-{seed}.ron"));
    std::fs::write(
        &file,
        format!(
            r#"Tournament(
    name: "Slow",
    players: ["Random", "First by Joss", "Soft Joss", "Tit For Tat", "Grudger", "Defector",
              "Cooperator", "Alternator"],
    turns: 200,
    noise: 0.01,
    repetitions: 6000,
    seed: {seed},
)"#
        ),
    )
    .unwrap();
    file
}

/// The matches done in the checkpoint beside `out`, if there is one.
fn checkpoint_done(out: &Path) -> Option<u64> {
    let name = out.file_name()?.to_string_lossy().into_owned();
    let dir = out.parent()?.join(format!(".{name}.checkpoint"));
    let text = std::fs::read_to_string(dir.join("partial.json")).ok()?;
    if !dir.join("manifest.json").exists() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["checkpoint"]["jobs_done"].as_u64()
}

/// Waits until the checkpoint beside `out` holds more than `after` matches, then kills the run
/// with SIGKILL. Returns the matches of the checkpoint it saw.
fn kill_after_checkpoint(mut child: Child, out: &Path, after: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(done) = checkpoint_done(out).filter(|&d| d > after) {
            child.kill().expect("SIGKILL the run");
            let status = child.wait().unwrap();
            assert!(!status.success(), "the run finished before it was killed");
            return done;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before a checkpoint past {after} matches");
        }
        assert!(Instant::now() < deadline, "no checkpoint within a minute");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_run_killed_twice_resumes_to_the_uninterrupted_results() {
    let dir = tempfile::tempdir().unwrap();
    let study = slow_study(dir.path(), 3);
    let whole = dir.path().join("whole");
    ok(&run(&[
        "run",
        s(&study),
        "--threads",
        "2",
        "--out",
        s(&whole),
    ]));
    assert!(
        !dir.path().join(".whole.checkpoint").exists(),
        "a finished run leaves no checkpoint"
    );

    let out = dir.path().join("killed");
    let args = |resume: bool, threads: &'static str| {
        let mut v = vec![
            "run".to_string(),
            s(&study).to_string(),
            "--out".into(),
            s(&out).to_string(),
            "--threads".into(),
            threads.into(),
            "--checkpoint-matches".into(),
            "20000".into(),
        ];
        if resume {
            v.push("--resume".into());
        }
        v
    };
    let spawn = |v: Vec<String>| {
        command(&v.iter().map(String::as_str).collect::<Vec<_>>())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // Killed after its first checkpoint, resumed, killed again after a later one.
    let first = kill_after_checkpoint(spawn(args(false, "1")), &out, 0);
    assert!(!out.exists(), "a killed run publishes nothing");
    let second = kill_after_checkpoint(spawn(args(true, "2")), &out, first);
    assert!(second > first);

    // A checkpoint of another seed or another study is refused, and left alone.
    let e = run(&[
        "run",
        s(&study),
        "--out",
        s(&out),
        "--seed",
        "4",
        "--resume",
    ]);
    let msg = String::from_utf8_lossy(&e.stderr);
    assert!(!e.status.success());
    assert!(
        msg.contains("checkpoint is not of this run") && msg.contains("seed is 3"),
        "{msg}"
    );
    let original = std::fs::read(&study).unwrap();
    let other = slow_study(dir.path(), 5);
    std::fs::copy(&other, &study).unwrap();
    let e = run(&["run", s(&study), "--out", s(&out), "--resume"]);
    let msg = String::from_utf8_lossy(&e.stderr);
    assert!(!e.status.success());
    assert!(msg.contains("study (SHA-256"), "{msg}");
    assert_eq!(
        checkpoint_done(&out),
        Some(second),
        "the checkpoint is untouched"
    );
    std::fs::write(&study, original).unwrap();

    // The last stretch: resumed to the end.
    let note = ok(&run(&args(true, "1")
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()));
    assert!(
        note.contains("resuming from") && note.contains(&format!("{second} of")),
        "{note}"
    );
    let (a, b) = (files(&whole), files(&out));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs after two kills and resumes"
        );
    }
    assert_eq!(
        checkpoint_done(&out),
        None,
        "the checkpoint is removed at the end"
    );
}

/// Killed while a checkpoint replaces the previous one (between its two renames, through the
/// output crate's test hook): the previous checkpoint is put back and the run resumes from it.
#[test]
fn a_kill_during_a_checkpoint_save_resumes_from_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let study = slow_study(dir.path(), 11);
    let whole = dir.path().join("whole");
    ok(&run(&["run", s(&study), "--out", s(&whole)]));
    let out = dir.path().join("killed");
    let args = [
        "run",
        s(&study),
        "--out",
        s(&out),
        "--threads",
        "2",
        "--checkpoint-matches",
        "20000",
    ];
    let killed = command(&args)
        .env("VERTROUWEN_TEST_KILL_AT", "between-renames")
        .output()
        .unwrap();
    assert!(!killed.status.success(), "the hook stops the second save");
    assert_eq!(
        checkpoint_done(&out),
        None,
        "the checkpoint is aside, not in place"
    );
    let mut resume = args.to_vec();
    resume.push("--resume");
    let note = ok(&run(&resume));
    // The first save (after at least 20,000 matches) is back in place.
    let done: u64 = note
        .split("matches done")
        .next()
        .and_then(|head| head.rsplit(": ").next())
        .and_then(|t| t.split(" of ").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no resume note: {note}"));
    assert!((20_000..216_000).contains(&done), "{note}");
    let (a, b) = (files(&whole), files(&out));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs");
    }
}
