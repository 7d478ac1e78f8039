//! Sharded tournaments (issue 13): every shard's partial result, merged, gives the files of a
//! whole run byte for byte, for any number of shards and threads; merges of merges too; and
//! `merge` refuses missing, duplicated, foreign, other-version and unfinished shards with a
//! message that names them.

mod support;
use support::{
    all_files, assert_same_folders, copy_dir, err, ok, rewrite, s, vertrouwen, vertrouwen_env,
};

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `study` in `n` shards (threads alternating 1 and 2 from `first_threads`), merges them,
/// and returns the merged folder.
fn shard_and_merge(dir: &Path, study: &str, n: u32, first_threads: u32, tag: &str) -> PathBuf {
    let mut shards = Vec::new();
    for i in 0..n {
        let out = dir.join(format!("{tag}-{i}-of-{n}"));
        let threads = (first_threads + i) % 2 + 1;
        ok(&vertrouwen(&[
            "run",
            study,
            "--shard",
            &format!("{i}/{n}"),
            "--threads",
            &threads.to_string(),
            "--out",
            s(&out),
        ]));
        shards.push(out);
    }
    let merged = dir.join(format!("{tag}-merged-{n}"));
    let mut args = vec!["merge"];
    args.extend(shards.iter().rev().map(|p| s(p)));
    args.extend(["--out", s(&merged)]);
    ok(&vertrouwen(&args));
    merged
}

/// A tournament with random match lengths, noise, and deterministic pairs cached over the
/// repetitions next to stochastic ones.
fn varied_study(dir: &Path) -> PathBuf {
    let file = dir.join("varied.ron");
    std::fs::write(
        &file,
        r#"Tournament(
    name: "Varied",
    players: ["Tit For Tat", "Random", "Grudger", "Defector", "First by Joss", "Alternator"],
    prob_end: 0.05,
    turns: 60,
    repetitions: 4,
    seed: 7,
)"#,
    )
    .unwrap();
    file
}

#[test]
fn shards_merged_equal_the_whole_run_for_any_shard_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let varied = varied_study(dir.path());
    let studies = [
        s(&varied).to_string(),
        "../tournaments/trust.ron".to_string(),
        "../tournaments/classics.ron".to_string(),
        "../tournaments/axelrod-1980.ron".to_string(),
        "../tournaments/prison-years.ron".to_string(),
    ];
    for (k, study) in studies.iter().enumerate() {
        let whole = dir.path().join(format!("whole-{k}"));
        ok(&vertrouwen(&[
            "run",
            study,
            "--threads",
            "2",
            "--out",
            s(&whole),
        ]));
        // Every shard count on the first two studies, with both thread counts; the others
        // with one shard count each, so the suite stays quick.
        let cases: Vec<(u32, u32)> = if k < 2 {
            [1, 2, 3, 7]
                .into_iter()
                .flat_map(|n| [(n, 0), (n, 1)])
                .collect()
        } else {
            vec![([2, 3, 7][k - 2], k as u32)]
        };
        for (n, t) in cases {
            let merged = shard_and_merge(dir.path(), study, n, t, &format!("s{k}-t{t}"));
            assert_same_folders(&whole, &merged, &format!("{study}, {n} shards"));
        }
    }
}

#[test]
fn merges_of_merges_equal_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let study = varied_study(dir.path());
    let whole = dir.path().join("whole");
    ok(&vertrouwen(&["run", s(&study), "--out", s(&whole)]));
    let shard = |i: u32| {
        let out = dir.path().join(format!("shard-{i}"));
        ok(&vertrouwen(&[
            "run",
            s(&study),
            "--shard",
            &format!("{i}/5"),
            "--out",
            s(&out),
        ]));
        out
    };
    let shards: Vec<PathBuf> = (0..5).map(shard).collect();
    // ((0 1) (2 (3 4))): partial merges at two levels, then the final merge.
    let a = dir.path().join("a");
    ok(&vertrouwen(&[
        "merge",
        s(&shards[0]),
        s(&shards[1]),
        "--partial",
        "--out",
        s(&a),
    ]));
    let b = dir.path().join("b");
    ok(&vertrouwen(&[
        "merge",
        s(&shards[3]),
        s(&shards[4]),
        "--partial",
        "--out",
        s(&b),
    ]));
    let c = dir.path().join("c");
    ok(&vertrouwen(&[
        "merge",
        s(&shards[2]),
        s(&b),
        "--partial",
        "--out",
        s(&c),
    ]));
    let merged = dir.path().join("merged");
    ok(&vertrouwen(&["merge", s(&c), s(&a), "--out", s(&merged)]));
    assert_same_folders(&whole, &merged, "reduce tree");
    // A partial merge may miss shards; the final merge may not.
    let e = err(&vertrouwen(&[
        "merge",
        s(&a),
        s(&c),
        s(&shards[0]),
        "--out",
        s(&merged),
    ]));
    assert!(e.contains("shard 0 of 5 is given twice"), "{e}");
    assert!(e.contains(s(&shards[0])) && e.contains(s(&a)), "{e}");
}

#[test]
fn merge_names_missing_duplicated_foreign_and_other_version_shards() {
    let dir = tempfile::tempdir().unwrap();
    let study = varied_study(dir.path());
    let run = |i: u32, n: u32, extra: &[&str], name: &str| {
        let out = dir.path().join(name);
        let shard = format!("{i}/{n}");
        let mut args = vec!["run", s(&study), "--shard", &shard, "--out", s(&out)];
        args.extend(extra);
        ok(&vertrouwen(&args));
        out
    };
    let shards: Vec<PathBuf> = (0..4).map(|i| run(i, 4, &[], &format!("p{i}"))).collect();
    let out = dir.path().join("out");
    let merge = |dirs: &[&Path]| {
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(|d| s(d)));
        args.extend(["--out", s(&out)]);
        err(&vertrouwen(&args))
    };
    let e = merge(&[&shards[0], &shards[2]]);
    assert!(e.contains("missing shards 1, 3 of 4"), "{e}");
    let e = merge(&[&shards[0], &shards[1], &shards[1], &shards[2], &shards[3]]);
    assert!(e.contains("shard 1 of 4 is given twice"), "{e}");
    // Another seed, another shard count, another study.
    let other_seed = run(3, 4, &["--seed", "8"], "seed8");
    let e = merge(&[&shards[0], &shards[1], &shards[2], &other_seed]);
    assert!(e.contains(s(&other_seed)) && e.contains("seed is 8"), "{e}");
    let other_n = run(2, 5, &[], "five");
    let e = merge(&[&shards[0], &shards[1], &other_n, &shards[3]]);
    assert!(
        e.contains(s(&other_n)) && e.contains("shard count is 5"),
        "{e}"
    );
    let foreign_study = dir.path().join("foreign.ron");
    std::fs::write(
        &foreign_study,
        r#"Tournament(players: ["Tit For Tat", "Random"], turns: 10, repetitions: 2, seed: 7)"#,
    )
    .unwrap();
    let foreign = dir.path().join("foreign");
    ok(&vertrouwen(&[
        "run",
        s(&foreign_study),
        "--shard",
        "3/4",
        "--out",
        s(&foreign),
    ]));
    let e = merge(&[&shards[0], &shards[1], &shards[2], &foreign]);
    assert!(
        e.contains(s(&foreign)) && e.contains("study (SHA-256"),
        "{e}"
    );
    // Another engine version: partial.json edited, with its checksum in manifest.json kept
    // consistent, as a genuine partial of another version would be.
    let old = dir.path().join("old");
    copy_dir(&shards[3], &old);
    rewrite(&old, "partial.json", |t| {
        t.replace(
            "\"engine\": \"vertrouwen ",
            "\"engine\": \"vertrouwen 0.0.0-",
        )
    });
    let e = merge(&[&shards[0], &shards[1], &shards[2], &old]);
    assert!(
        e.contains(s(&old)) && e.contains("engine is vertrouwen 0.0.0-"),
        "{e}"
    );
    let newer = dir.path().join("newer");
    copy_dir(&shards[3], &newer);
    rewrite(&newer, "partial.json", |t| {
        t.replace("\"partial_format\": 1", "\"partial_format\": 99")
    });
    let e = merge(&[&shards[0], &shards[1], &shards[2], &newer]);
    assert!(
        e.contains(s(&newer)) && e.contains("partial format 99"),
        "{e}"
    );
    // A damaged file is caught by its checksum.
    let damaged = dir.path().join("damaged");
    copy_dir(&shards[3], &damaged);
    let tally = damaged.join("tally.bin");
    let mut bytes = std::fs::read(&tally).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&tally, bytes).unwrap();
    let e = merge(&[&shards[0], &shards[1], &shards[2], &damaged]);
    assert!(
        e.contains(s(&damaged)) && e.contains("tally.bin does not match"),
        "{e}"
    );
    // Not a partial at all.
    let e = merge(&[&shards[0], dir.path()]);
    assert!(e.contains("not a partial result"), "{e}");
    assert!(!out.exists(), "a refused merge writes nothing");
}

#[test]
fn shards_come_from_the_cluster_environment() {
    let dir = tempfile::tempdir().unwrap();
    let study = varied_study(dir.path());
    let whole = dir.path().join("whole");
    ok(&vertrouwen(&["run", s(&study), "--out", s(&whole)]));
    let mut shards = Vec::new();
    for i in 0..3 {
        let out = dir.path().join(format!("k8s-{i}"));
        let o = Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
            .args(["run", s(&study), "--shards", "3", "--out", s(&out)])
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env("JOB_COMPLETION_INDEX", i.to_string())
            .output()
            .unwrap();
        ok(&o);
        shards.push(out);
    }
    let merged = dir.path().join("merged");
    ok(&vertrouwen(&[
        "merge",
        s(&shards[0]),
        s(&shards[1]),
        s(&shards[2]),
        "--out",
        s(&merged),
    ]));
    assert_same_folders(&whole, &merged, "JOB_COMPLETION_INDEX shards");
    // Slurm: an array 1-2 (SLURM_ARRAY_TASK_MIN 1) is shards 0 and 1 of 2.
    let slurm = |id: u32, count: &str, out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
            .args(["run", s(&study), "--shard", "auto", "--out", s(out)])
            .env_remove("JOB_COMPLETION_INDEX")
            .env("SLURM_ARRAY_TASK_ID", id.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", count)
            .output()
            .unwrap()
    };
    let (a, b) = (dir.path().join("slurm-a"), dir.path().join("slurm-b"));
    ok(&slurm(1, "2", &a));
    ok(&slurm(2, "2", &b));
    let merged2 = dir.path().join("merged2");
    ok(&vertrouwen(&["merge", s(&a), s(&b), "--out", s(&merged2)]));
    assert_same_folders(&whole, &merged2, "Slurm array shards");
    let e = err(&slurm(3, "2", &dir.path().join("slurm-c")));
    assert!(
        e.contains("SLURM_ARRAY_TASK_ID=3") && e.contains("out of range"),
        "{e}"
    );
}

/// Every shipped study, whatever its kind (tournaments, dynamics studies, sweeps), sharded in
/// N in {1, 2, 3, 7} with 1 and 2 threads per shard and merged, writes the files of the whole
/// run, byte for byte.
#[test]
fn every_shipped_study_sharded_and_merged_equals_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut studies: Vec<PathBuf> = std::fs::read_dir("../tournaments")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    studies.sort();
    assert!(studies.len() >= 12, "{studies:?}");
    for (k, study) in studies.iter().enumerate() {
        let study = s(study);
        let whole = dir.path().join(format!("whole-{k}"));
        ok(&vertrouwen(&[
            "run",
            study,
            "--threads",
            "2",
            "--out",
            s(&whole),
        ]));
        for n in [1, 2, 3, 7] {
            let merged = shard_and_merge(dir.path(), study, n, k as u32, &format!("all{k}"));
            assert_same_folders(&whole, &merged, &format!("{study}, {n} shards"));
        }
    }
}

/// A dynamics study's merge refuses a missing shard and a shard of another study, by name.
#[test]
fn dynamics_merges_name_missing_and_foreign_shards() {
    let dir = tempfile::tempdir().unwrap();
    let run = |study: &str, i: u32, name: &str| {
        let out = dir.path().join(name);
        ok(&vertrouwen(&[
            "run",
            study,
            "--shard",
            &format!("{i}/3"),
            "--out",
            s(&out),
        ]));
        out
    };
    let sim = "../tournaments/moran-real-matches.ron";
    let parts: Vec<PathBuf> = (0..3).map(|i| run(sim, i, &format!("m{i}"))).collect();
    let out = dir.path().join("out");
    let e = err(&vertrouwen(&[
        "merge",
        s(&parts[0]),
        s(&parts[2]),
        "--out",
        s(&out),
    ]));
    assert!(e.contains("missing shard 1 of 3"), "{e}");
    let other = run("../tournaments/nowak-2004-simulation.ron", 1, "other");
    let e = err(&vertrouwen(&[
        "merge",
        s(&parts[0]),
        s(&other),
        s(&parts[2]),
        "--out",
        s(&out),
    ]));
    assert!(e.contains(s(&other)) && e.contains("study (SHA-256"), "{e}");
    assert!(!out.exists());
    // --seed replaces every seed of the study: the shards record it, the merge applies it.
    let whole = dir.path().join("seeded-whole");
    ok(&vertrouwen(&[
        "run",
        sim,
        "--seed",
        "5",
        "--out",
        s(&whole),
    ]));
    let seeded: Vec<PathBuf> = (0..2)
        .map(|i| {
            let out = dir.path().join(format!("seeded{i}"));
            let shard = format!("{i}/2");
            ok(&vertrouwen(&[
                "run",
                sim,
                "--seed",
                "5",
                "--shard",
                &shard,
                "--out",
                s(&out),
            ]));
            out
        })
        .collect();
    let merged = dir.path().join("seeded-merged");
    ok(&vertrouwen(&[
        "merge",
        s(&seeded[0]),
        s(&seeded[1]),
        "--out",
        s(&merged),
    ]));
    assert_eq!(all_files(&whole), all_files(&merged));
}

/// A shard killed while writing its partial publishes nothing; the merge names it as missing,
/// and rerunning that one shard completes the tournament, equal to the whole run.
#[test]
fn a_killed_shard_is_rerun_alone() {
    let dir = tempfile::tempdir().unwrap();
    let study = varied_study(dir.path());
    let whole = dir.path().join("whole");
    ok(&vertrouwen(&["run", s(&study), "--out", s(&whole)]));
    let parts: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("p{i}"))).collect();
    for (i, out) in parts.iter().enumerate() {
        let shard = format!("{i}/3");
        let kill: &[(&str, &str)] = if i == 1 {
            &[("VERTROUWEN_TEST_KILL_AT", "tally.bin")]
        } else {
            &[]
        };
        let o = vertrouwen_env(
            &["run", s(&study), "--shard", &shard, "--out", s(out)],
            kill,
        );
        assert_eq!(o.status.success(), i != 1, "shard {i}");
    }
    assert!(!parts[1].exists(), "a killed shard publishes nothing");
    let merged = dir.path().join("merged");
    let e = err(&vertrouwen(&[
        "merge",
        s(&parts[0]),
        s(&parts[2]),
        "--out",
        s(&merged),
    ]));
    assert!(e.contains("missing shard 1 of 3"), "{e}");
    ok(&vertrouwen(&[
        "run",
        s(&study),
        "--shard",
        "1/3",
        "--out",
        s(&parts[1]),
    ]));
    ok(&vertrouwen(&[
        "merge",
        s(&parts[0]),
        s(&parts[1]),
        s(&parts[2]),
        "--out",
        s(&merged),
    ]));
    assert_same_folders(&whole, &merged, "after rerunning the killed shard");
}
