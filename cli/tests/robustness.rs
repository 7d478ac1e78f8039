//! Issue 10's "aborts and panics on input" and "outputs that can mix or go stale", each as a
//! regression test through the real binary: a clean error (or a clean success), never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn vertrouwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("run vertrouwen")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Fails cleanly (exit code 1, one error line, no panic); returns standard error.
fn clean_failure(args: &[&str]) -> String {
    let o = vertrouwen(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    err
}

#[test]
fn endless_and_binary_study_files_are_refused() {
    #[cfg(unix)]
    {
        let e = clean_failure(&["run", "/dev/zero"]);
        assert_eq!(
            e,
            "error: /dev/zero:1:1: the file is larger than 16 MiB; a study file describes a study, it does not hold data (is this the right file?)\n"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bin.ron");
    std::fs::write(&file, [0xffu8, 0xfe, 0x00]).unwrap();
    let e = clean_failure(&["run", file.to_str().unwrap()]);
    assert!(
        e.ends_with(":1:1: the file is not UTF-8 text; a study file is RON text\n"),
        "{e}"
    );
}

/// A label of 65,536 characters used to panic in the ranking table ("Formatting argument out
/// of range").
#[test]
fn a_very_long_label_does_not_break_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let label = "L".repeat(65_536);
    let file = dir.path().join("long.ron");
    std::fs::write(
        &file,
        format!("Tournament(players: [\"Cooperator\", (name: \"Defector\", label: \"{label}\")], turns: 5)"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = vertrouwen(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&label));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.contains(&label));
    let study = dir.path().join("long-dynamics.ron");
    std::fs::write(
        &study,
        format!("Ecological(payoffs: Matrix(strategies: [\"A\", \"{label}\"], rows: [[3, 0], [5, 1]]), generations: 3)"),
    )
    .unwrap();
    let out = dir.path().join("out2");
    let o = vertrouwen(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Any run with standard error sent to /dev/full used to exit with a panic (101).
#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_error_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (args, code)) in [
        (vec!["run", "tournaments/nowak-2004-fixation.ron"], 0),
        (vec!["run", "tournaments/classics.ron"], 0),
        (vec!["strategies"], 0),
        (vec!["run", "no/such/file.ron"], 1),
        (vec!["match", "Nobody", "Defector"], 1),
        (vec!["fixation", "--population", "1"], 2),
    ]
    .into_iter()
    .enumerate()
    {
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if args[0] == "run" {
            args.push("--out".into());
            args.push(dir.path().join(format!("out{i}")).display().to_string());
        }
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
            .args(&args)
            .current_dir(repo_root())
            .stdout(Stdio::null())
            .stderr(full)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

/// `--game 1e308,...` used to print `"score1": null`.
#[test]
fn scores_that_would_overflow_are_an_error_not_null() {
    let e = clean_failure(&[
        "match",
        "Tit For Tat",
        "Cooperator",
        "--game",
        "1e308,1e308,1e308,1e308",
        "--json",
    ]);
    assert_eq!(
        e,
        "error: --game: a payoff of 1e308 over up to 200 turns could overflow the largest number (about 1.8e308); scale the game down\n"
    );
}

/// A tournament with the same player twice used to give two rows with the same label.
#[test]
fn duplicate_players_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dup.ron");
    std::fs::write(
        &file,
        "Tournament(\n  players: [\"Cooperator\", \"Grudger\",\n    \"Cooperator\"],\n  turns: 5,\n)",
    )
    .unwrap();
    let e = clean_failure(&["run", file.to_str().unwrap()]);
    assert_eq!(
        e,
        format!(
            "error: {}:3:5: the label \"Cooperator\" is already used by player 1 (line 2, column 13); labels must be unique: give one of them another `label`\n",
            file.display()
        )
    );
}

/// Issue 10: an ecological study with `repetitions: 1000000` used to allocate 8 GB and abort:
/// every match was kept until the end. Payoffs from matches keep only running sums per pair
/// now, so the memory a study needs does not grow with its repetitions: a study of many
/// repetitions runs within a limit far below what keeping the matches would need.
#[test]
fn many_repetitions_need_no_more_memory_than_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eco.ron");
    std::fs::write(
        &file,
        "Ecological(\n  payoffs: Matches(players: [\"Random\", \"Tit For Tat\"], turns: 2,\n    payoff: PerTurn, repetitions: 200000, seed: 1),\n  generations: 3,\n)\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = vertrouwen(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--max-memory",
        "8M",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let payoffs = std::fs::read_to_string(out.join("payoffs.csv")).unwrap();
    assert!(
        payoffs.starts_with("strategy,Random,Tit For Tat\n"),
        "{payoffs}"
    );
}

/// Issue 10: `turns: 4294967295` and a tournament of 10,000 players aborted when their move
/// buffers or pair tables were allocated ("memory allocation of 33203320000 bytes failed",
/// exit 134). Both are refused before anything is allocated, at the value that sizes them,
/// with the flag that raises the limit; `match` checks the match's own length.
#[test]
fn tournaments_too_large_for_memory_are_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.ron");
    std::fs::write(
        &long,
        "Tournament(name: \"x\", players: [\"Tit For Tat\", \"Defector\"],\n  turns: 4294967295)\n",
    )
    .unwrap();
    let e = clean_failure(&["run", long.to_str().unwrap()]);
    assert!(
        e.starts_with(&format!("error: {}:2:10: needs about ", long.display())),
        "{e}"
    );
    assert!(
        e.contains("for the moves of matches of up to 4294967295 turns on each thread; the limit is 4.0 GiB; raise the limit with --max-memory"),
        "{e}"
    );

    let many = dir.path().join("many.ron");
    let players: Vec<String> = (0..10_000)
        .map(|i| format!("(name: \"Random\", label: \"R{i}\")"))
        .collect();
    std::fs::write(
        &many,
        format!(
            "Tournament(name: \"x\",\n  players: [{}], turns: 10)\n",
            players.join(",")
        ),
    )
    .unwrap();
    let e = clean_failure(&["run", many.to_str().unwrap()]);
    assert!(
        e.starts_with(&format!("error: {}:2:12: needs about ", many.display())),
        "{e}"
    );
    assert!(
        e.contains("of memory for the running sums and result tables of 10000 players (50005000 pairs); the limit is 4.0 GiB"),
        "{e}"
    );

    let e = clean_failure(&["match", "Tit For Tat", "Defector", "--turns", "4294967295"]);
    assert_eq!(
        e,
        "error: --turns: needs about 48.0 GiB of memory for the moves of a match of 4294967295 turns; the limit is 4.0 GiB; raise the limit with --max-memory SIZE (e.g. --max-memory 16G) if the machine has the memory\n"
    );
    // A tiny end probability without a cap is a match of up to 4294967295 turns, refused the
    // same way (it used to play one turn).
    let e = clean_failure(&["match", "Tit For Tat", "Defector", "--prob-end", "1e-300"]);
    assert!(e.contains("a match of 4294967295 turns"), "{e}");
}

/// Issue 10: `--prob-end 1e-300 --turns 1000` played one turn (`(1 - p).ln()` is exactly 0).
#[test]
fn a_tiny_end_probability_plays_to_the_cap() {
    let o = vertrouwen(&[
        "match",
        "Tit For Tat",
        "Cooperator",
        "--prob-end",
        "1e-300",
        "--turns",
        "1000",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["turns"], 1000);
}
