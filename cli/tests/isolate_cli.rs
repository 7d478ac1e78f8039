//! `--isolate` from the command line, as a tournament organiser runs a hostile submission:
//! the run finishes for everyone else, the disqualification is said once on standard error and
//! written to `disqualified.csv` and `results.json`, and `--strict` turns it into exit status 3.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Output};

use vertrouwen_tests::cdylib;

fn vertrouwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
        .args(args)
        .output()
        .expect("run vertrouwen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A study of three built-ins and one hostile strategy, isolated by the file itself.
fn study(dir: &Path, hostile: &str) -> String {
    let plugin = cdylib("hostile-plugin");
    let file = dir.join("hostile.ron");
    std::fs::write(
        &file,
        format!(
            "Tournament(\n    name: \"hostile\",\n    players: [\"Tit For Tat\", \"{hostile}\", \"Defector\", \"Grudger\"],\n    turns: 20,\n    repetitions: 3,\n    seed: 4,\n    plugins: [{:?}],\n    isolate: true,\n    limits: (decision_ms: 300, match_ms: 5000, memory_mb: 256),\n)\n",
            plugin.display()
        ),
    )
    .unwrap();
    file.display().to_string()
}

#[test]
fn a_disqualified_strategy_is_reported_once_and_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = study(dir.path(), "Panics In Decide");
    let out = dir.path().join("out");
    let o = vertrouwen(&["run", &file, "--out", out.to_str().unwrap()]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("disqualified").count(), 1, "{stderr}");
    assert!(
        stderr.contains("Panics In Decide") && stderr.contains("deliberate"),
        "{stderr}"
    );

    let csv = std::fs::read_to_string(out.join("disqualified.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[1].starts_with("Panics In Decide,"), "{csv}");
    assert!(rows[1].contains(",panic,"), "{csv}");

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let dq = json["disqualified"].as_array().unwrap();
    assert_eq!(dq.len(), 1);
    assert_eq!(dq[0]["label"], "Panics In Decide");
    assert_eq!(dq[0]["turn"], 3);
    let players = json["results"]["players"].as_array().unwrap();
    assert_eq!(players, &["Tit For Tat", "Defector", "Grudger"]);
}

#[test]
fn strict_makes_a_disqualification_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let file = study(dir.path(), "Loops Forever");
    let out = dir.path().join("out");
    let o = vertrouwen(&["run", &file, "--out", out.to_str().unwrap(), "--strict"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("300 ms"), "{stderr}");
    // The results for the others are still written.
    assert!(out.join("summary.csv").exists());
}

#[test]
fn match_isolate_names_the_fault() {
    let plugin = cdylib("hostile-plugin");
    let o = vertrouwen(&[
        "match",
        "Reads A File",
        "Cooperator",
        "--turns",
        "10",
        "--plugin",
        plugin.to_str().unwrap(),
        "--isolate",
    ]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Reads A File")
            && stderr.contains("forbidden system call")
            && stderr.contains("turn 3"),
        "{stderr}"
    );
}
