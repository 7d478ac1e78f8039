//! The command-line forms outside tools rely on: `run`, `match`, `strategies`, and errors on
//! stderr with a non-zero exit code. Also runs every shipped tournament file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vertrouwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("run vertrouwen")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn match_json_has_the_contract_keys() {
    let o = vertrouwen(&[
        "match",
        "Tit For Tat",
        "Alternator",
        "--turns",
        "6",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["player1"], "Tit For Tat");
    assert_eq!(v["player2"], "Alternator");
    assert_eq!(v["turns"], 6);
    assert_eq!(v["moves1"], "CCDCDC");
    assert_eq!(v["moves2"], "CDCDCD");
    // TFT: R, S, T, S, T, S = 3+0+5+0+5+0; Alternator: 3+5+0+5+0+5.
    assert_eq!(v["score1"], 13.0);
    assert_eq!(v["score2"], 18.0);
}

#[test]
fn match_accepts_noise_prob_end_seed_and_negative_games() {
    let args = [
        "match",
        "Tit For Tat",
        "Win-Stay Lose-Shift",
        "--prob-end",
        "0.05",
        "--noise",
        "0.1",
        "--seed",
        "9",
        "--game",
        "-1,-10,0,-5",
        "--json",
    ];
    let a = vertrouwen(&args);
    let b = vertrouwen(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b), "same seed, same match");
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    let turns = v["turns"].as_u64().unwrap() as usize;
    assert_eq!(v["moves1"].as_str().unwrap().len(), turns);
    assert!(
        v["score1"].as_f64().unwrap() <= 0.0,
        "prison years are negative"
    );
}

#[test]
fn errors_go_to_stderr_with_a_failure_code() {
    let o = vertrouwen(&["match", "Tit For Tatt", "Defector", "--json"]);
    assert!(!o.status.success());
    assert!(stdout(&o).is_empty());
    assert!(
        stderr(&o).contains("unknown strategy \"Tit For Tatt\"; did you mean \"Tit For Tat\""),
        "{}",
        stderr(&o)
    );

    let o = vertrouwen(&["match", "Tit For Tat", "Defector", "--noise", "2"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("noise"), "{}", stderr(&o));

    let o = vertrouwen(&["match", "Tit For Tat", "Defector", "--game", "1,2,3"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--game"), "{}", stderr(&o));

    let o = vertrouwen(&["run", "no/such/file.ron"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no/such/file.ron:1:1: cannot read the file"),
        "{}",
        stderr(&o)
    );

    let o = vertrouwen(&["strategies", "--plugin", "Cargo.toml"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("Cargo.toml: cannot load as a shared library"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.ron");
    std::fs::write(
        &file,
        "Tournament(\n    players: [\"Cooperator\"],\n    turns: 10,\n    repetitons: 3,\n)\n",
    )
    .unwrap();
    let o = vertrouwen(&["run", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:4:", file.display())), "{err}");
    assert!(err.contains("repetitons"), "{err}");
}

/// Every file in tournaments/ runs (they are what users copy). Results land in a temporary
/// directory; tournaments must produce both output files and print a ranking.
#[test]
fn every_shipped_study_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for entry in std::fs::read_dir(repo_root().join("tournaments")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ron") {
            continue;
        }
        let out = dir.path().join(path.file_stem().unwrap());
        let o = vertrouwen(&[
            "run",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
        let text = std::fs::read_to_string(&path).unwrap();
        if study_kind(&text) == "Sweep" {
            // One folder per grid point, and the combined table.
            assert!(out.join("sweep.csv").exists(), "{}", path.display());
            assert!(
                out.join("point-00/results.json").exists(),
                "{}",
                path.display()
            );
            ran += 1;
            continue;
        }
        assert!(out.join("results.json").exists(), "{}", path.display());
        if study_kind(&text) == "Tournament" {
            assert!(out.join("summary.csv").exists(), "{}", path.display());
            assert!(stdout(&o).contains("Rank"), "{}", path.display());
        }
        ran += 1;
    }
    assert!(ran >= 2, "found {ran} study files");
}

/// The variant name a study file starts with, after comments.
fn study_kind(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .and_then(|l| l.split('(').next())
        .unwrap_or("")
        .trim()
}

/// The same run with one and two threads writes byte-identical files.
#[test]
fn run_output_is_independent_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("noisy.ron");
    std::fs::write(
        &file,
        "Tournament(players: [\"Tit For Tat\", \"Random\", \"Grudger\", \"Win-Stay Lose-Shift\"], turns: 100, noise: 0.05, repetitions: 4, seed: 5)",
    )
    .unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let o = vertrouwen(&[
            "run",
            file.to_str().unwrap(),
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        outputs.push((
            std::fs::read(out.join("summary.csv")).unwrap(),
            std::fs::read(out.join("results.json")).unwrap(),
        ));
    }
    assert_eq!(outputs[0], outputs[1]);
}

/// A reader that stops early (`vertrouwen strategies | head -1`) ends the command quietly:
/// no panic message, success exit code.
#[test]
fn a_closed_output_pipe_is_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
        .args(["strategies", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe is dropped
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
}
