//! Sweeps (issue 13): a grid point's folder holds what a run of that point's study writes;
//! sharded-then-merged sweeps equal the sweep run whole, byte for byte, for tournament and
//! dynamics bases, any shard count and thread count, and merges of merges; merge refuses
//! missing, duplicated, foreign and other-version shards; a killed shard is rerun alone.

mod support;
use support::{assert_same_folders, copy_dir, err, ok, rewrite, s, vertrouwen, vertrouwen_env};

use std::path::{Path, PathBuf};
use std::process::Output;

/// A tournament sweep: 3 noise levels x 2 games, random match lengths, stochastic and
/// deterministic players.
const TOURNAMENT_SWEEP: &str = r#"Sweep(
    name: "Noise and game",
    base: Tournament(
        players: ["Tit For Tat", "Random", "Grudger", "Defector", "First by Joss"],
        prob_end: 0.05,
        turns: 60,
        repetitions: 3,
        seed: 7,
    ),
    axes: [
        Noise(from: 0.0, to: 0.1, points: 3),
        Game(values: ["standard", (r: 4, s: 0, t: 5, p: 1)]),
    ],
)"#;

/// A dynamics sweep: a Moran process with real matches over population sizes and selection
/// strengths (points of different cost).
const SIMULATION_SWEEP: &str = r#"Sweep(
    name: "Moran with real matches",
    base: Simulation(
        payoffs: Matches(players: ["Tit For Tat", "Defector"], turns: 10, payoff: Totals),
        mode: Matches,
        rule: BirthDeath,
        fitness: Linear(w: 0.1),
        graph: Complete(n: 10),
        initial: [1, 9],
        runs: 30,
        seed: 3,
    ),
    axes: [Population(values: [6, 12]), W(values: [0.1, 1.0])],
)"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

/// Runs `study` in `n` shards (threads alternating 1 and 2 from `first_threads`) and returns
/// the shards' folders.
fn shards(dir: &Path, study: &Path, n: u32, first_threads: u32, tag: &str) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let out = dir.join(format!("{tag}-{i}-of-{n}"));
            let threads = (first_threads + i) % 2 + 1;
            ok(&vertrouwen(&[
                "run",
                s(study),
                "--shard",
                &format!("{i}/{n}"),
                "--threads",
                &threads.to_string(),
                "--out",
                s(&out),
            ]));
            out
        })
        .collect()
}

fn merge(dirs: &[PathBuf], out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(|p| s(p)));
    args.extend(["--out", s(out)]);
    args.extend(extra);
    vertrouwen(&args)
}

#[test]
fn a_grid_point_holds_what_its_study_run_alone_writes() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = write(dir.path(), "sweep.ron", TOURNAMENT_SWEEP);
    let whole = dir.path().join("whole");
    let stdout = ok(&vertrouwen(&["run", s(&sweep), "--out", s(&whole)]));
    // The terminal shows each point's winner with its values.
    assert!(
        stdout.contains("Winner") && stdout.contains("Median score"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .any(|l| l.starts_with("3 0.05 (r: 4.0, s: 0.0, t: 5.0, p: 1.0)")),
        "{stdout}"
    );
    // Point 3 is noise 0.05 (second of three) with the second game.
    let alone = write(
        dir.path(),
        "point3.ron",
        r#"Tournament(
        players: ["Tit For Tat", "Random", "Grudger", "Defector", "First by Joss"],
        prob_end: 0.05, turns: 60, repetitions: 3, seed: 7,
        noise: 0.05, game: (r: 4, s: 0, t: 5, p: 1))"#,
    );
    let single = dir.path().join("single");
    ok(&vertrouwen(&["run", s(&alone), "--out", s(&single)]));
    for name in ["summary.csv", "trust.csv", "disqualified.csv"] {
        assert_eq!(
            std::fs::read(single.join(name)).unwrap(),
            std::fs::read(whole.join("point-3").join(name)).unwrap(),
            "{name}"
        );
    }
    // sweep.csv: one row per point and strategy, the point's values in front of its summary.
    let table = std::fs::read_to_string(whole.join("sweep.csv")).unwrap();
    let mut lines = table.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("point,noise,game,Rank,Name,Median_score,"));
    assert_eq!(lines.clone().count(), 6 * 5);
    let summary = std::fs::read_to_string(single.join("summary.csv")).unwrap();
    let point3: Vec<&str> = lines.filter(|l| l.starts_with("3,")).collect();
    for (row, expected) in point3.iter().zip(summary.lines().skip(1)) {
        assert_eq!(
            *row,
            format!("3,0.05,\"(r: 4.0, s: 0.0, t: 5.0, p: 1.0)\",{expected}")
        );
    }
}

#[test]
fn sharded_sweeps_merge_into_the_whole_sweep_for_any_shard_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    for (k, text) in [TOURNAMENT_SWEEP, SIMULATION_SWEEP].into_iter().enumerate() {
        let study = write(dir.path(), &format!("sweep{k}.ron"), text);
        let whole = dir.path().join(format!("whole{k}"));
        ok(&vertrouwen(&[
            "run",
            s(&study),
            "--threads",
            "2",
            "--out",
            s(&whole),
        ]));
        // 7 shards is more than the 6 or 4 points: points are split (tournaments) or some
        // shards have nothing to do (dynamics).
        for n in [1, 2, 3, 7] {
            for t in [0, 1] {
                let tag = format!("s{k}-n{n}-t{t}");
                let mut parts = shards(dir.path(), &study, n, t, &tag);
                parts.reverse();
                let merged = dir.path().join(format!("{tag}-merged"));
                ok(&merge(&parts, &merged, &[]));
                assert_same_folders(&whole, &merged, &format!("sweep {k}, {n} shards"));
            }
        }
        // A merge of merges: the first three shards of 7, then the rest.
        let parts = shards(dir.path(), &study, 7, 0, &format!("tree{k}"));
        let (a, b) = (
            dir.path().join(format!("tree{k}-a")),
            dir.path().join(format!("tree{k}-b")),
        );
        ok(&merge(&parts[..3], &a, &["--partial"]));
        ok(&merge(&parts[3..], &b, &["--partial"]));
        let merged = dir.path().join(format!("tree{k}-merged"));
        ok(&merge(&[b, a], &merged, &[]));
        assert_same_folders(&whole, &merged, &format!("sweep {k}, a merge of merges"));
    }
}

#[test]
fn merge_names_missing_duplicated_foreign_and_other_version_sweep_shards() {
    let dir = tempfile::tempdir().unwrap();
    let study = write(dir.path(), "sweep.ron", TOURNAMENT_SWEEP);
    let parts = shards(dir.path(), &study, 4, 0, "p");
    let out = dir.path().join("out");
    let e = err(&merge(&[parts[0].clone(), parts[2].clone()], &out, &[]));
    assert!(e.contains("missing shards 1, 3 of 4"), "{e}");
    let mut twice = parts.clone();
    twice.push(parts[1].clone());
    let e = err(&merge(&twice, &out, &[]));
    assert!(e.contains("shard 1 of 4 is given twice"), "{e}");
    // A shard of another sweep, and a tournament's shard.
    let other = write(
        dir.path(),
        "other.ron",
        &TOURNAMENT_SWEEP.replace("repetitions: 3", "repetitions: 2"),
    );
    let foreign = shards(dir.path(), &other, 4, 0, "other");
    let mixed = vec![
        parts[0].clone(),
        parts[1].clone(),
        parts[2].clone(),
        foreign[3].clone(),
    ];
    let e = err(&merge(&mixed, &out, &[]));
    assert!(
        e.contains(s(&foreign[3])) && e.contains("study (SHA-256"),
        "{e}"
    );
    let tournament = write(
        dir.path(),
        "t.ron",
        r#"Tournament(players: ["Tit For Tat", "Random"], turns: 10, seed: 7)"#,
    );
    let t3 = dir.path().join("t3");
    ok(&vertrouwen(&[
        "run",
        s(&tournament),
        "--shard",
        "3/4",
        "--out",
        s(&t3),
    ]));
    let e = err(&merge(
        &[parts[0].clone(), parts[1].clone(), parts[2].clone(), t3],
        &out,
        &[],
    ));
    assert!(e.contains("not a SweepPartial"), "{e}");
    // Another partial format, with a consistent manifest.
    let newer = dir.path().join("newer");
    copy_dir(&parts[3], &newer);
    rewrite(&newer, "partial.json", |t| {
        t.replace("\"partial_format\": 1", "\"partial_format\": 99")
    });
    let e = err(&merge(
        &[parts[0].clone(), parts[1].clone(), parts[2].clone(), newer],
        &out,
        &[],
    ));
    assert!(e.contains("partial format 99"), "{e}");
    // A damaged sum is caught by its checksum.
    let damaged = dir.path().join("damaged");
    copy_dir(&parts[3], &damaged);
    let tally = std::fs::read_dir(&damaged)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("tally.bin").exists())
        .expect("shard 3 plays a point")
        .join("tally.bin");
    let mut bytes = std::fs::read(&tally).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&tally, bytes).unwrap();
    let e = err(&merge(
        &[
            parts[0].clone(),
            parts[1].clone(),
            parts[2].clone(),
            damaged,
        ],
        &out,
        &[],
    ));
    assert!(e.contains("tally.bin does not match"), "{e}");
    assert!(!out.exists(), "a refused merge writes nothing");
}

/// A shard killed while writing its partial leaves no partial; the merge names it, and
/// rerunning that shard alone completes the sweep, equal to the whole run.
#[test]
fn a_killed_shard_is_rerun_alone() {
    let dir = tempfile::tempdir().unwrap();
    for (k, text) in [TOURNAMENT_SWEEP, SIMULATION_SWEEP].into_iter().enumerate() {
        let study = write(dir.path(), &format!("sweep{k}.ron"), text);
        let whole = dir.path().join(format!("whole{k}"));
        ok(&vertrouwen(&["run", s(&study), "--out", s(&whole)]));
        let parts: Vec<PathBuf> = (0..3)
            .map(|i| dir.path().join(format!("k{k}-{i}")))
            .collect();
        for (i, out) in parts.iter().enumerate() {
            let shard = format!("{i}/3");
            let args = ["run", s(&study), "--shard", &shard, "--out", s(out)];
            if i == 1 {
                // Killed (abort) right after it wrote partial.json, before its folder is
                // published.
                let o = vertrouwen_env(&args, &[("VERTROUWEN_TEST_KILL_AT", "partial.json")]);
                assert!(!o.status.success());
                assert!(!out.exists(), "a killed shard publishes nothing");
            } else {
                ok(&vertrouwen(&args));
            }
        }
        let merged = dir.path().join(format!("k{k}-merged"));
        let present = vec![parts[0].clone(), parts[2].clone()];
        let e = err(&merge(&present, &merged, &[]));
        assert!(e.contains("missing shard 1 of 3"), "{e}");
        let e = err(&merge(&parts, &merged, &[]));
        assert!(
            e.contains(s(&parts[1])) && e.contains("not a partial"),
            "{e}"
        );
        // Rerun only shard 1, into the same folder (its leftover staging folder is cleaned).
        ok(&vertrouwen(&[
            "run",
            s(&study),
            "--shard",
            "1/3",
            "--out",
            s(&parts[1]),
        ]));
        ok(&merge(&parts, &merged, &[]));
        assert_same_folders(&whole, &merged, &format!("sweep {k} after a rerun"));
    }
}

#[test]
fn sweep_flags_are_refused_or_explained() {
    let dir = tempfile::tempdir().unwrap();
    let study = write(dir.path(), "sweep.ron", TOURNAMENT_SWEEP);
    let e = err(&vertrouwen(&[
        "run",
        s(&study),
        "--report",
        "--out",
        s(&dir.path().join("x")),
    ]));
    assert!(
        e.contains("--report: is not available for Sweep studies"),
        "{e}"
    );
    // The cluster recipes pass --resume to every task: a shard without a checkpoint yet says
    // so and starts from the beginning; a whole sweep keeps none and says so.
    let o = vertrouwen(&[
        "run",
        s(&study),
        "--resume",
        "--shard",
        "0/2",
        "--out",
        s(&dir.path().join("r")),
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no checkpoint in"));
    let o = vertrouwen(&[
        "run",
        s(&study),
        "--resume",
        "--out",
        s(&dir.path().join("w")),
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("a whole sweep saves no checkpoints"));
    // --seed sets the base's seed: the sweep's manifest and every point's results carry it.
    let seeded = dir.path().join("seeded");
    ok(&vertrouwen(&[
        "run",
        s(&study),
        "--seed",
        "3",
        "--out",
        s(&seeded),
    ]));
    let manifest = std::fs::read_to_string(seeded.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 3"), "{manifest}");
    let point = std::fs::read_to_string(seeded.join("point-0/results.json")).unwrap();
    assert!(point.contains("\"seed\": 3"), "{point}");
}

/// A sweep shard saves a checkpoint after its points; killed, it resumes from it with
/// `--resume`, plays only the points the checkpoint lacks, and writes the same partial as an
/// uninterrupted shard.
#[test]
fn a_killed_sweep_shard_resumes_from_its_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    for (k, (text, sums)) in [
        (TOURNAMENT_SWEEP, "tally.bin"),
        (SIMULATION_SWEEP, "dynamics.bin"),
    ]
    .into_iter()
    .enumerate()
    {
        let study = write(dir.path(), &format!("sweep{k}.ron"), text);
        let shard = |out: &Path, extra: &[&str], env: &[(&str, &str)]| {
            let mut args = vec!["run", s(&study), "--shard", "0/2", "--out", s(out)];
            args.extend(extra);
            vertrouwen_env(&args, env)
        };
        let straight = dir.path().join(format!("straight{k}"));
        ok(&shard(&straight, &[], &[]));
        // The points shard 0 plays, in order: killed as it writes the last one's sums, after
        // checkpoints of the others.
        let partial = std::fs::read_to_string(straight.join("partial.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&partial).unwrap();
        let held = &json["sweep"][if k == 0 { "tallies" } else { "dynamics" }];
        let played: Vec<u64> = held
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["point"].as_u64().unwrap())
            .collect();
        assert!(played.len() >= 2, "{partial}");
        let last = format!("point-{}/{sums}", played.last().unwrap());
        let out = dir.path().join(format!("killed{k}"));
        let o = shard(
            &out,
            &["--checkpoint-matches", "1"],
            &[("VERTROUWEN_TEST_KILL_AT", last.as_str())],
        );
        assert!(!o.status.success());
        let checkpoint = dir.path().join(format!(".killed{k}.checkpoint"));
        assert!(
            checkpoint.join("manifest.json").exists(),
            "no checkpoint saved"
        );
        let o = shard(&out, &["--resume"], &[]);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{stderr}");
        let n = played.len();
        assert!(
            stderr.contains(&format!("{} of {n} points of this shard done", n - 1)),
            "{stderr}"
        );
        assert_same_folders(&straight, &out, &format!("sweep {k}: resumed shard"));
        assert!(
            !checkpoint.exists(),
            "the checkpoint is removed once the shard is done"
        );
    }
}
