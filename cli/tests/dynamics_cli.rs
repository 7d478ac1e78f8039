//! Why this file is long: one test per part of the dynamics command-line contract, sharing the
//! helpers and the Nowak et al. 2004 oracle values at the top.
//!
//! The evolutionary-dynamics command-line contract (`fixation`, `replicator`, `stationary`,
//! `run` on dynamics study files), exercised through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_vertrouwen");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("the binary runs")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs a command that must succeed and print one JSON object.
fn json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Runs a command that must fail cleanly; returns stderr.
fn failure(args: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    stderr
}

/// The first fixation row of a results document.
fn fix(v: &Value) -> &Value {
    &v["result"]["fixation"][0]
}

/// The final shares of a replicator results document.
fn shares(v: &Value) -> Vec<f64> {
    v["result"]["final_shares"]
        .as_array()
        .unwrap_or_else(|| panic!("no final shares in {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn close(got: f64, want: f64, rel: f64) {
    assert!(
        ((got - want) / want).abs() <= rel,
        "got {got}, want {want} (relative error {:e})",
        ((got - want) / want).abs()
    );
}

// Nowak, Sasaki, Taylor and Fudenberg 2004 (Nature 428:646): TFT vs ALLD, m = 10, N = 10.
const NOWAK: &str = "30,9;14,10";
const MORAN: (f64, f64) = (0.15221789291122497, 0.019361850162078975);
const FERMI: (f64, f64) = (0.19109545841672218, 7.80963461477658e-4);

#[test]
fn nowak_2004_closed_forms_through_the_matrix_form() {
    let m = json(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--population",
        "10",
        "--selection",
        "0.1",
        "--json",
    ]);
    close(num(fix(&m), "rho_a"), MORAN.0, 1e-12);
    close(num(fix(&m), "rho_b"), MORAN.1, 1e-12);
    assert_eq!(num(fix(&m), "neutral"), 0.1);
    assert_eq!(fix(&m)["process"], "moran");
    assert_eq!(fix(&m)["w"], 0.1);
    // --process moran is the default with --selection; explicit gives the same.
    let explicit = json(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--population",
        "10",
        "--selection",
        "0.1",
        "--process",
        "moran",
        "--json",
    ]);
    assert_eq!(explicit, m);

    for args in [
        vec!["--beta", "0.1"],
        vec!["--beta", "0.1", "--process", "fermi"],
        vec!["--selection", "0.1", "--process", "fermi"],
    ] {
        let mut all = vec![
            "fixation",
            "--matrix",
            NOWAK,
            "--population",
            "10",
            "--json",
        ];
        all.extend(args);
        let f = json(&all);
        close(num(fix(&f), "rho_a"), FERMI.0, 1e-12);
        close(num(fix(&f), "rho_b"), FERMI.1, 1e-12);
        assert_eq!(fix(&f)["process"], "fermi");
        assert_eq!(fix(&f)["beta"], 0.1);
    }
}

#[test]
fn named_strategies_give_the_matrix_form_numbers() {
    for (sel, want) in [(["--selection", "0.1"], MORAN), (["--beta", "0.1"], FERMI)] {
        let named = json(&[
            "fixation",
            "Tit For Tat",
            "Defector",
            "--turns",
            "10",
            "--population",
            "10",
            sel[0],
            sel[1],
            "--json",
        ]);
        // Match totals over 10 turns: a = 30, b = 9, c = 14, d = 10 (Nowak et al. 2004).
        assert_eq!(
            named["payoff_matrix"],
            serde_json::json!([[30.0, 9.0], [14.0, 10.0]])
        );
        assert_eq!(
            named["strategies"],
            serde_json::json!(["Tit For Tat", "Defector"])
        );
        let matrix = json(&[
            "fixation",
            "--matrix",
            NOWAK,
            "--population",
            "10",
            sel[0],
            sel[1],
            "--json",
        ]);
        assert_eq!(named["result"]["fixation"], matrix["result"]["fixation"]);
        close(num(fix(&named), "rho_a"), want.0, 1e-12);
        close(num(fix(&named), "rho_b"), want.1, 1e-12);
    }
    // Per-turn means are the totals divided by 10.
    let per_turn = json(&[
        "fixation",
        "Tit For Tat",
        "Defector",
        "--turns",
        "10",
        "--per-turn",
        "--population",
        "10",
        "--selection",
        "0.1",
        "--json",
    ]);
    assert_eq!(
        per_turn["payoff_matrix"],
        serde_json::json!([[3.0, 0.9], [1.4, 1.0]])
    );
    assert_eq!(per_turn["payoffs"]["kind"], "PerTurn");
}

#[test]
fn discrete_replicator_generation_one_is_exact() {
    let a = [[3.0, 0.0, 5.0], [5.0, 1.0, 0.0], [1.0, 4.0, 2.0]];
    let x0 = [0.2, 0.3, 0.5];
    let ax: Vec<f64> = a
        .iter()
        .map(|row| row.iter().zip(&x0).map(|(p, x)| p * x).sum())
        .collect();
    let weighted: Vec<f64> = x0.iter().zip(&ax).map(|(x, f)| x * f).collect();
    let mean: f64 = weighted.iter().sum();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dynamics-cli-replicator");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("trajectory.csv");
    let out = json(&[
        "replicator",
        "--matrix",
        "3,0,5;5,1,0;1,4,2",
        "--x0",
        "0.2,0.3,0.5",
        "--generations",
        "1",
        "--out",
        csv.to_str().unwrap(),
        "--json",
    ]);
    let x = shares(&out);
    for i in 0..3 {
        let want = weighted[i] / mean;
        assert!(
            (x[i] - want).abs() <= 2.0 * f64::EPSILON * want,
            "share {i}: {} vs {want}",
            x[i]
        );
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], "generation,1,2,3");
    assert!(lines[1].starts_with("0,0.2,0.3,0.5"), "{text}");
    assert!(lines[2].starts_with("1,"), "{text}");
}

#[test]
fn continuous_replicator_follows_the_logistic_solution() {
    // A = [[1, 1], [0, 0]]: x' = x (1 - x), so x(t) = 1 / (1 + e^-t (1 - x0) / x0).
    let out = json(&[
        "replicator",
        "--matrix",
        "1,1;0,0",
        "--x0",
        "0.25,0.75",
        "--time",
        "2",
        "--json",
    ]);
    let x = shares(&out)[0];
    let want = 1.0 / (1.0 + (-2.0f64).exp() * 3.0);
    assert!((x - want).abs() < 1e-9, "{x} vs {want}");
    // With mutation the shares stay on the simplex.
    let m = json(&[
        "replicator",
        "--matrix",
        "3,0;5,1",
        "--time",
        "10",
        "--mutation",
        "0.01",
        "--json",
    ]);
    let s: f64 = shares(&m).iter().sum();
    assert!((s - 1.0).abs() < 1e-12);
}

#[test]
fn stationary_distribution_through_the_cli() {
    let neutral = json(&[
        "stationary",
        "--matrix",
        "1,1,1;1,1,1;1,1,1",
        "--population",
        "20",
        "--beta",
        "1",
        "--json",
    ]);
    for v in neutral["result"]["distribution"].as_array().unwrap() {
        assert!((v.as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }
    // Two strategies: pi_A / pi_B = rho(A invades B) / rho(B invades A).
    let st = json(&[
        "stationary",
        "--matrix",
        NOWAK,
        "--population",
        "10",
        "--selection",
        "0.1",
        "--json",
    ]);
    let d = st["result"]["distribution"].as_array().unwrap();
    let ratio = d[0].as_f64().unwrap() / d[1].as_f64().unwrap();
    close(ratio, MORAN.0 / MORAN.1, 1e-12);
    // Named strategies work too.
    let named = json(&[
        "stationary",
        "Tit For Tat",
        "Defector",
        "Win-Stay Lose-Shift",
        "--population",
        "50",
        "--beta",
        "0.1",
        "--per-turn",
        "--json",
    ]);
    assert_eq!(named["result"]["distribution"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_input_gives_clear_errors() {
    let base = ["--population", "10", "--selection", "0.1"];
    let fix = |matrix: &str| {
        let mut a = vec!["fixation", "--matrix", matrix];
        a.extend(base);
        failure(&a)
    };
    let e = fix("1,2;3");
    assert!(
        e.starts_with("error: --matrix:") && e.contains("not square"),
        "{e}"
    );
    let e = fix("1,nan;2,3");
    assert!(
        e.starts_with("error: --matrix:") && e.contains("finite"),
        "{e}"
    );
    let e = fix("1,x;2,3");
    assert!(
        e.starts_with("error: --matrix:") && e.contains("\"x\""),
        "{e}"
    );
    let e = fix("1,2,3;4,5,6;7,8,9");
    assert!(
        e.starts_with("error: --matrix:") && e.contains("exactly 2"),
        "{e}"
    );
    // Negative fitness under Moran: 1 - w + w F < 0 with w = 1 and F = -5.
    let e = failure(&[
        "fixation",
        "--matrix",
        "-5,-5;1,1",
        "--population",
        "10",
        "--selection",
        "1",
    ]);
    assert!(
        e.starts_with("error: --matrix:") && e.contains("negative fitness"),
        "{e}"
    );
    let e = failure(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--population",
        "1",
        "--selection",
        "0.1",
    ]);
    assert!(
        e.contains(
            "invalid value '1' for '--population <N>': expected a population of at least 2, got 1"
        ),
        "{e}"
    );
    let e = failure(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--population",
        "10",
        "--beta",
        "-1",
    ]);
    assert!(
        e.contains("invalid value '-1' for '--beta <B>': expected an intensity of selection, finite and >= 0, got -1"),
        "{e}"
    );
    let e = failure(&["fixation", "--matrix", NOWAK, "--population", "10"]);
    assert!(e.contains("--selection") && e.contains("--beta"), "{e}");
    let e = failure(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--population",
        "10",
        "--beta",
        "1",
        "--process",
        "moran",
    ]);
    assert!(e.starts_with("error:") && e.contains("--beta"), "{e}");
    let e = failure(&["fixation", "--population", "10", "--selection", "0.1"]);
    assert!(e.contains("--matrix"), "{e}");
    let e = failure(&[
        "fixation",
        "Tit For Tat",
        "Defector",
        "--matrix",
        NOWAK,
        "--population",
        "10",
        "--selection",
        "0.1",
    ]);
    assert!(e.contains("not both"), "{e}");
    let e = failure(&[
        "fixation",
        "Tit For Tatt",
        "Defector",
        "--population",
        "10",
        "--selection",
        "0.1",
    ]);
    assert!(e.starts_with("error:") && e.contains("Tit For Tatt"), "{e}");
    let e = failure(&[
        "replicator",
        "--matrix",
        "3,0;5,1",
        "--x0",
        "1,2,3",
        "--generations",
        "2",
    ]);
    assert_eq!(
        e,
        "error: --x0: expected 2 initial values, one per strategy, got 3\n"
    );
    let e = failure(&[
        "replicator",
        "--matrix",
        "3,0;5,1",
        "--x0",
        "1,-2",
        "--generations",
        "2",
    ]);
    assert!(
        e.contains("invalid value '1,-2' for '--x0 <SHARES>': expected shares that are finite and >= 0; share 2 is -2"),
        "{e}"
    );
    let e = failure(&["replicator", "--matrix", "-3,0;5,1", "--generations", "2"]);
    assert!(
        e.starts_with("error: --matrix:") && e.contains("negative"),
        "{e}"
    );
    let e = failure(&["replicator", "--matrix", "3,0;5,1"]);
    assert!(e.contains("--time") || e.contains("--generations"), "{e}");
    let e = failure(&[
        "stationary",
        "--matrix",
        "1,2;3",
        "--population",
        "10",
        "--beta",
        "1",
    ]);
    assert!(e.starts_with("error: --matrix:"), "{e}");
}

/// Every dynamics study in tournaments/ runs and writes its files.
#[test]
fn every_dynamics_study_file_runs() {
    let dir = workspace().join("tournaments");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .filter(|p| {
            // Tournaments are run by their own tests; this one covers every other study kind.
            let text = std::fs::read_to_string(p).unwrap();
            let body: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            // Tournaments, and sweeps (run by contract.rs and the sweep tests), are not
            // dynamics studies.
            let body = body.trim_start();
            !body.starts_with("Tournament") && !body.starts_with("Sweep")
        })
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "axelrod-ecological.ron",
        "nowak-2004-fixation.ron",
        "nowak-2004-simulation.ron",
        "moran-real-matches.ron",
        "replicator-noisy-classics.ron",
        "stationary-ten-strategies.ron",
        "spatial-donation-game.ron",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing: {names:?}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    for file in &files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let out_dir = tmp.path().join(&stem);
        let out = run(&[
            "run",
            file.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{stem}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(out_dir.join("results.json")).unwrap())
                .unwrap();
        assert!(doc["payoff_matrix"].is_array(), "{stem}: {doc}");
        assert!(out_dir.join("payoffs.csv").exists(), "{stem}");
        match doc["kind"].as_str().unwrap() {
            "Ecological" | "Replicator" => {
                let shares = std::fs::read_to_string(out_dir.join("shares.csv")).unwrap();
                assert!(shares.lines().count() > 2, "{stem}");
            }
            "Fixation" | "Simulation" => assert!(out_dir.join("fixation.csv").exists()),
            "Stationary" => assert!(out_dir.join("stationary.csv").exists()),
            other => panic!("{stem}: unexpected kind {other}"),
        }
        if stem == "nowak-2004-fixation" {
            // a = 30, b = 9, c = 14, d = 10 from 10-turn matches, and the closed forms.
            assert_eq!(
                doc["payoff_matrix"],
                serde_json::json!([[30.0, 9.0], [14.0, 10.0]])
            );
            let rows = doc["result"]["fixation"].as_array().unwrap();
            assert_eq!(rows[0]["process"], "moran");
            assert_eq!(rows[1]["process"], "fermi");
            close(num(&rows[0], "rho_a"), MORAN.0, 1e-12);
            close(num(&rows[0], "rho_b"), MORAN.1, 1e-12);
            close(num(&rows[1], "rho_a"), FERMI.0, 1e-12);
            close(num(&rows[1], "rho_b"), FERMI.1, 1e-12);
        }
        if stem == "nowak-2004-simulation" {
            let s = &doc["result"]["summary"];
            let p = s["fixation_frequency"][0].as_f64().unwrap();
            let se = (MORAN.0 * (1.0 - MORAN.0) / 20000.0).sqrt();
            assert!((p - MORAN.0).abs() <= 4.0 * se, "{p}");
        }
        if stem == "axelrod-ecological" {
            assert_eq!(doc["strategies"].as_array().unwrap().len(), 15);
            let shares = std::fs::read_to_string(out_dir.join("shares.csv")).unwrap();
            assert_eq!(shares.lines().count(), 1 + 1001);
        }
    }
}

#[test]
fn dynamics_runs_are_reproducible_and_thread_independent() {
    let tmp = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    for threads in ["1", "2"] {
        let out_dir = tmp.path().join(threads);
        let out = run(&[
            "run",
            "tournaments/moran-real-matches.ron",
            "--threads",
            threads,
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut doc: Value =
            serde_json::from_str(&std::fs::read_to_string(out_dir.join("results.json")).unwrap())
                .unwrap();
        doc["file"] = Value::Null;
        docs.push(doc);
    }
    assert_eq!(docs[0]["result"], docs[1]["result"]);
}

#[test]
fn bad_study_files_are_reported_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("out");
    let file = dir.path().join("bad.ron");
    std::fs::write(
        &file,
        "Fixation(\n  payoffs: Matrix(rows: [[1, 2], [3]]),\n  population: 10,\n  processes: [Moran(w: 0.1)],\n)\n",
    )
    .unwrap();
    let e = failure(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        tmp.to_str().unwrap(),
    ]);
    assert!(e.contains("bad.ron:2:") && e.contains("not square"), "{e}");
    std::fs::write(
        &file,
        "Ecological(payoffs: Matches(players: [\"Cooperator\"], turns: 5), generations: 3)\n",
    )
    .unwrap();
    let e = failure(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        tmp.to_str().unwrap(),
    ]);
    assert!(e.contains("payoff"), "{e}");
}

/// One path: the `fixation` subcommand and a `Fixation` study file give the same document
/// (apart from where it came from).
#[test]
fn flags_and_study_files_give_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fixation.ron");
    std::fs::write(
        &file,
        "Fixation(payoffs: Matrix(strategies: [\"TFT\", \"ALLD\"], rows: [[30, 9], [14, 10]]), population: 10, processes: [Fermi(beta: 0.1)])",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_file: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("results.json")).unwrap())
            .unwrap();
    let mut from_flags = json(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--labels",
        "TFT,ALLD",
        "--population",
        "10",
        "--beta",
        "0.1",
        "--json",
    ]);
    assert_eq!(from_flags["file"], Value::Null);
    from_flags["file"] = from_file["file"].clone();
    assert_eq!(from_flags, from_file);
    // The text report is the same too.
    let text = run(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--labels",
        "TFT,ALLD",
        "--population",
        "10",
        "--beta",
        "0.1",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).ends_with(&*String::from_utf8_lossy(&text.stdout)));
}

/// The same value gets the same check whichever way it is given (issue 9: `--time 0` was
/// accepted on the command line and refused in a file).
#[test]
fn flags_are_checked_like_study_files() {
    let e = failure(&["replicator", "--matrix", "3,0;5,1", "--time", "0"]);
    assert!(
        e.contains("invalid value '0' for '--time <T>': expected a time, finite and > 0, got 0"),
        "{e}"
    );
    let e = failure(&[
        "replicator",
        "--matrix",
        "3,0;5,1",
        "--time",
        "5",
        "--points",
        "0",
    ]);
    assert!(
        e.contains("expected at least 1 output interval, got 0"),
        "{e}"
    );
    let e = failure(&[
        "fixation",
        "Tit For Tat",
        "Tit For Tat",
        "--population",
        "10",
        "--selection",
        "0.1",
    ]);
    assert_eq!(
        e,
        "error: strategies: the label \"Tit For Tat\" is used twice (strategies 1 and 2); labels must be unique: give one of them another `label`\n"
    );
    let e = failure(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--labels",
        "A,A",
        "--population",
        "10",
        "--selection",
        "0.1",
    ]);
    assert!(
        e.starts_with("error: --labels: the label \"A\" is used twice"),
        "{e}"
    );
    let e = failure(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--labels",
        "A,B,C",
        "--population",
        "10",
        "--selection",
        "0.1",
    ]);
    assert_eq!(e, "error: --labels: 3 labels for a matrix of 2 rows\n");
}

/// Issue 10: sizes that would exhaust memory are refused with what they need, the limit and
/// the flag that raises it, before anything is allocated.
#[test]
fn huge_sizes_are_refused_with_the_memory_they_need() {
    let e = failure(&[
        "fixation",
        "--matrix",
        "3,0;5,1",
        "--population",
        "1000000000",
        "--selection",
        "0.1",
    ]);
    assert_eq!(
        e,
        "error: --population: needs about 37.3 GiB of memory for the fixation chain of a population of 1000000000; the limit is 4.0 GiB; raise the limit with --max-memory SIZE (e.g. --max-memory 16G) if the machine has the memory\n"
    );
    let e = failure(&[
        "stationary",
        "--matrix",
        "3,0;5,1",
        "--population",
        "1000000000",
        "--beta",
        "1",
    ]);
    assert!(
        e.starts_with("error: --population: needs about 37.3 GiB"),
        "{e}"
    );
    let e = failure(&[
        "replicator",
        "--matrix",
        "3,0;5,1",
        "--time",
        "1",
        "--points",
        "18446744073709551615",
    ]);
    assert!(
        e.starts_with("error: --points: needs about") && e.contains("--max-memory"),
        "{e}"
    );
    let e = failure(&[
        "replicator",
        "--matrix",
        "3,0;5,1",
        "--generations",
        "99999999999",
    ]);
    assert!(
        e.starts_with("error: --generations: needs about 1.5 TiB"),
        "{e}"
    );
    // The limit is a flag: a small limit refuses a small study.
    let e = failure(&[
        "fixation",
        "--matrix",
        "3,0;5,1",
        "--population",
        "100000",
        "--selection",
        "0.1",
        "--max-memory",
        "1M",
    ]);
    assert!(e.contains("the limit is 1.0 MiB"), "{e}");
}

/// Issue 10: huge intensities or payoffs give numbers or a clear error, never `null` or an
/// internal NaN message.
#[test]
fn extreme_values_give_numbers_or_clear_errors() {
    let v = json(&[
        "fixation",
        "--matrix",
        "3,0;5,1",
        "--population",
        "10",
        "--beta",
        "1e308",
        "--json",
    ]);
    let row = fix(&v);
    assert!(row["rho_a"].is_number() && row["rho_b"].is_number(), "{v}");
    assert_eq!(row["rho_a"], 0.0);
    let e = failure(&[
        "fixation",
        "--matrix",
        "1e308,-1e308;1e308,0",
        "--population",
        "10",
        "--beta",
        "1",
    ]);
    assert!(
        e.starts_with("error: --matrix: the computation overflows:") && e.contains("too large"),
        "{e}"
    );
    let out = run(&[
        "stationary",
        "--matrix",
        "3,0,5;5,1,0;0,5,1",
        "--population",
        "100",
        "--beta",
        "1e308",
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["result"]["distribution"].as_array().unwrap();
    assert!(d.iter().all(Value::is_number), "{v}");
    let sum: f64 = d.iter().map(|x| x.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-12, "{v}");
}

/// `simulate` runs the `Simulation` study; it agrees with the exact fixation probability and
/// with `run` on the same study file.
#[test]
fn simulate_matches_the_exact_result_and_the_study_file() {
    let args = [
        "simulate",
        "--matrix",
        NOWAK,
        "--graph",
        "complete:10",
        "--initial",
        "1,9",
        "--selection",
        "0.1",
        "--runs",
        "4000",
        "--seed",
        "3",
        "--json",
    ];
    let v = json(&args);
    let p = v["result"]["summary"]["fixation_frequency"][0]
        .as_f64()
        .unwrap();
    let se = (MORAN.0 * (1.0 - MORAN.0) / 4000.0).sqrt();
    assert!((p - MORAN.0).abs() <= 4.0 * se, "{p}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim.ron");
    std::fs::write(
        &file,
        "Simulation(payoffs: Matrix(rows: [[30, 9], [14, 10]]), rule: BirthDeath, fitness: Linear(w: 0.1), graph: Complete(n: 10), initial: [1, 9], runs: 4000, seed: 3)",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("results.json")).unwrap())
            .unwrap();
    assert_eq!(doc["result"], v["result"]);
    let e = failure(&[
        "simulate",
        "--matrix",
        NOWAK,
        "--graph",
        "ring:10",
        "--initial",
        "1,9",
    ]);
    assert!(
        e.starts_with("error: --graph: unknown graph \"ring\""),
        "{e}"
    );
    let e = failure(&[
        "simulate",
        "--matrix",
        NOWAK,
        "--graph",
        "cycle:10",
        "--initial",
        "1,8",
    ]);
    assert_eq!(
        e,
        "error: --initial: the initial counts sum to 9, but the graph has 10 nodes (one individual per node)\n"
    );
}

/// Rest points and their stability, from flags and from a study file.
#[test]
fn rest_points_are_found_and_classified() {
    // Hawk-dove-like [[0,3],[1,2]]: the interior x = 1/2 is stable, both vertices unstable.
    let v = json(&["rest-points", "--matrix", "0,3;1,2", "--json"]);
    let points = v["result"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    let interior = points
        .iter()
        .find(|p| p["support"].as_array().unwrap().len() == 2)
        .unwrap();
    assert_eq!(interior["stability"], "stable");
    assert!((interior["x"][0].as_f64().unwrap() - 0.5).abs() < 1e-14);
    let e = failure(&["rest-points", "--matrix", "1,1,1,1;1,1,1,1;1,1,1,1;1,1,1,1"]);
    assert_eq!(
        e,
        "error: --matrix: rest points are computed for at most 3 strategies, got 4\n"
    );
}
