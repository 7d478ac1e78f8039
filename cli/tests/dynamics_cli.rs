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
    close(num(&m, "rho_a"), MORAN.0, 1e-12);
    close(num(&m, "rho_b"), MORAN.1, 1e-12);
    assert_eq!(num(&m, "neutral"), 0.1);
    assert_eq!(m["process"], "moran");
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
    assert_eq!(explicit["rho_a"], m["rho_a"]);

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
        close(num(&f, "rho_a"), FERMI.0, 1e-12);
        close(num(&f, "rho_b"), FERMI.1, 1e-12);
        assert_eq!(f["process"], "fermi");
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
            named["matrix"],
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
        assert_eq!(named["rho_a"], matrix["rho_a"]);
        assert_eq!(named["rho_b"], matrix["rho_b"]);
        close(num(&named, "rho_a"), want.0, 1e-12);
        close(num(&named, "rho_b"), want.1, 1e-12);
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
        per_turn["matrix"],
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
    let x: Vec<f64> = out["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
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
    let x = out["x"][0].as_f64().unwrap();
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
    let s: f64 = m["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum();
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
    for v in neutral["distribution"].as_array().unwrap() {
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
    let d = st["distribution"].as_array().unwrap();
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
    assert_eq!(named["distribution"].as_array().unwrap().len(), 3);
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
    assert!(e.starts_with("error: --population:"), "{e}");
    let e = failure(&[
        "fixation",
        "--matrix",
        NOWAK,
        "--population",
        "10",
        "--beta",
        "-1",
    ]);
    assert!(e.starts_with("error: --beta:"), "{e}");
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
    assert!(e.starts_with("error: --x0:"), "{e}");
    let e = failure(&[
        "replicator",
        "--matrix",
        "3,0;5,1",
        "--x0",
        "1,-2",
        "--generations",
        "2",
    ]);
    assert!(e.starts_with("error: --x0:"), "{e}");
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
            !body.trim_start().starts_with("Tournament")
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
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dynamics-cli-studies");
    for file in &files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let out_dir = tmp.join(&stem);
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
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dynamics-cli-threads");
    let mut docs = Vec::new();
    for threads in ["1", "2"] {
        let out_dir = tmp.join(threads);
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
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dynamics-cli-bad");
    std::fs::create_dir_all(&tmp).unwrap();
    let file = tmp.join("bad.ron");
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
