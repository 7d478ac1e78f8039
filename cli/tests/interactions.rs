//! `run --interactions FILE` (issue 10): one row per match played, streamed in schedule order,
//! byte-identical for any thread count, consistent with the run's results; and `--quiet`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

const NOISY: &str = r#"Tournament(
    name: "noisy",
    players: ["Tit For Tat", "Random", "Grudger", "Defector"],
    turns: 30,
    noise: 0.05,
    repetitions: 3,
    seed: 7,
)
"#;

#[test]
fn interactions_stream_every_match_in_schedule_order_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("noisy.ron");
    std::fs::write(&study, NOISY).unwrap();
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let file = dir.path().join(format!("interactions-{threads}.csv"));
        let out = dir.path().join(format!("out-{threads}"));
        let o = vertrouwen(&[
            "run",
            study.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
            "--interactions",
            file.to_str().unwrap(),
            "--quiet",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert!(
            err.contains("Wrote the interactions of every match to"),
            "{err}"
        );
        let mut partial = file.as_os_str().to_owned();
        partial.push(".partial");
        assert!(
            !Path::new(&partial).exists(),
            "the .partial file is renamed"
        );
        files.push(std::fs::read_to_string(&file).unwrap());
    }
    assert_eq!(files[0], files[1], "byte-identical for 1 and 2 threads");

    let text = &files[0];
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "job,index,repetition,player1,player2,seed,turns,score1,score2,cooperations1,cooperations2,moves1,moves2"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // 4 players: 10 pairs with self-play; noise means every pair is replayed in each of the
    // 3 repetitions.
    assert_eq!(rows.len(), 30);
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 13, "{row:?}");
        assert_eq!(row[0], k.to_string(), "schedule order");
        assert_eq!(row[1], k.to_string(), "noisy: every match is its own job");
        assert_eq!(row[2], (k / 10).to_string(), "repetition");
        assert_eq!(row[6], "30");
        for (moves, coop) in [(row[11], row[9]), (row[12], row[10])] {
            assert_eq!(moves.len(), 30);
            assert_eq!(moves.matches('C').count().to_string(), coop);
        }
        // Scores follow from the moves and the standard game.
        let m1: Vec<char> = row[11].chars().collect();
        let m2: Vec<char> = row[12].chars().collect();
        let score = |a: char, b: char| match (a, b) {
            ('C', 'C') => 3.0,
            ('C', 'D') => 0.0,
            ('D', 'C') => 5.0,
            _ => 1.0,
        };
        let s1: f64 = m1.iter().zip(&m2).map(|(&a, &b)| score(a, b)).sum();
        let s2: f64 = m1.iter().zip(&m2).map(|(&a, &b)| score(b, a)).sum();
        assert_eq!(row[7].parse::<f64>().unwrap(), s1, "{row:?}");
        assert_eq!(row[8].parse::<f64>().unwrap(), s2, "{row:?}");
    }
    // The pairs of a repetition come in pair order: (0,0), (0,1), ... (3,3).
    let first: Vec<(&str, &str)> = rows[..10].iter().map(|r| (r[3], r[4])).collect();
    assert_eq!(first[0], ("Tit For Tat", "Tit For Tat"));
    assert_eq!(first[1], ("Tit For Tat", "Random"));
    assert_eq!(first[9], ("Defector", "Defector"));
}

/// A deterministic, noise-free tournament plays each pair once for every repetition: one row
/// per pair, marked `all`.
#[test]
fn cached_pairs_are_one_row_marked_all() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("det.ron");
    std::fs::write(
        &study,
        "Tournament(name: \"d\", players: [\"Tit For Tat\", \"Grudger\"], turns: 5, repetitions: 4)\n",
    )
    .unwrap();
    let file = dir.path().join("i.csv");
    let out = dir.path().join("out");
    let o = vertrouwen(&[
        "run",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--interactions",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert_eq!(row.split(',').nth(2), Some("all"), "{row}");
    }
}

#[test]
fn interactions_of_a_dynamics_study_are_refused() {
    let o = vertrouwen(&[
        "run",
        "tournaments/nowak-2004-fixation.ron",
        "--interactions",
        "x.csv",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(
            "error: --interactions: only tournaments have interactions to stream; this is a "
        ),
        "{err}"
    );
    assert!(!repo_root().join("x.csv").exists());
}

/// A shard or a resumed run does not play every match from the start: no interactions file.
#[test]
fn interactions_are_refused_with_shards_and_resume() {
    for extra in [["--shard", "0/2"], ["--resume", "--quiet"]] {
        let mut args = vec![
            "run",
            "tournaments/classics.ron",
            "--interactions",
            "never-written.csv",
        ];
        args.extend(extra);
        let o = vertrouwen(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            err,
            "error: --interactions: streams the matches of a whole run, from its start: it cannot be combined with --shard or --resume\n"
        );
        assert!(!repo_root().join("never-written.csv").exists());
    }
}
