//! Isolated mode against hostile plugins (issue: untrusted submissions).
//!
//! Every strategy of `tests/fixtures/hostile-plugin` is entered in a small tournament of
//! deterministic built-ins, isolated: it must be disqualified with the right reason, and the
//! others' table must be exactly the table of the same tournament without it. The strategies
//! whose attacks the engine can catch in-process are also checked without isolation. And a
//! well-behaved plugin gives byte-identical results isolated and in-process, including matches
//! relayed between two isolated plugins.

use std::path::PathBuf;

use vertrouwen_engine::fault::Fault;
use vertrouwen_engine::matchup::{play_recorded, MatchSpec};
use vertrouwen_engine::sandbox::{Isolation, Limits, WorkerCommand};
use vertrouwen_engine::tournament::{run, PlayerSpec, RunOptions, TournamentError, TournamentSpec};
use vertrouwen_engine::{Game, Registry};
use vertrouwen_tests::{cdylib, fixture_library, static_registry};

/// The built-ins every hostile strategy meets: deterministic, so the tournament without the
/// hostile one has exactly the same matches among them.
const OPPONENTS: &[&str] = &[
    "Tit For Tat",
    "Defector",
    "Cooperator",
    "Grudger",
    "Alternator",
];

fn isolation() -> Isolation {
    Isolation {
        command: WorkerCommand {
            program: PathBuf::from(env!("CARGO_BIN_EXE_test-worker")),
            args: vec![],
        },
        limits: Limits {
            decision_ms: 300,
            match_ms: 5_000,
            memory_mb: 256,
        },
    }
}

fn registry(isolated: bool, plugins: &[&str]) -> Registry {
    let mut r = static_registry();
    if isolated {
        r.isolate(isolation());
    }
    for p in plugins {
        r.load_plugin(&cdylib(p)).expect("plugin loads");
    }
    r
}

fn spec(r: &Registry, players: &[(&str, Option<&str>)], matches: MatchSpec) -> TournamentSpec {
    TournamentSpec {
        players: players
            .iter()
            .map(|(name, params)| PlayerSpec {
                params: params.map(str::to_string),
                ..PlayerSpec::new(r.resolve(name).unwrap())
            })
            .collect(),
        matches,
        repetitions: 2,
        seed: 11,
    }
}

fn results_json(spec: &TournamentSpec) -> String {
    let out = run(spec, RunOptions { threads: Some(2) }).unwrap();
    serde_json::to_string(&out.results).unwrap()
}

/// The hostile strategy, entered with the opponents, is disqualified for `expected`; the rest
/// of the table equals the table of the opponents alone.
fn disqualified_for(
    name: &str,
    params: Option<&str>,
    expected: impl Fn(&Fault) -> bool,
    turn: Option<u64>,
) {
    let r = registry(true, &["hostile-plugin"]);
    let mut players: Vec<(&str, Option<&str>)> = OPPONENTS.iter().map(|&n| (n, None)).collect();
    players.insert(2, (name, params));
    let with = spec(&r, &players, MatchSpec::fixed(20));
    let out = run(&with, RunOptions { threads: Some(2) }).unwrap();
    assert_eq!(out.disqualified.len(), 1, "{name}: {:#?}", out.disqualified);
    let d = &out.disqualified[0];
    assert_eq!((d.label.as_str(), d.player), (name, 2));
    assert!(d.plugin.contains("libhostile_plugin"), "{d}");
    assert!(expected(&d.fault), "{name}: unexpected fault {:?}", d.fault);
    assert_eq!(d.turn, turn, "{name}: {d}");
    assert!(!out.results.players.iter().any(|p| p == name));

    let without = spec(
        &r,
        &OPPONENTS.iter().map(|&n| (n, None)).collect::<Vec<_>>(),
        MatchSpec::fixed(20),
    );
    assert_eq!(
        serde_json::to_string(&out.results).unwrap(),
        results_json(&without),
        "{name}: the others' table differs from a tournament without it"
    );
}

#[test]
fn panics_disqualify_with_the_message() {
    let panic_with = |text: &'static str| move |f: &Fault| matches!(f, Fault::Panic { message } if message.contains(text));
    disqualified_for(
        "Panics In Decide",
        None,
        panic_with("deliberate panic in decide"),
        Some(3),
    );
    disqualified_for(
        "Panics In Reset",
        None,
        panic_with("deliberate panic in reset"),
        None,
    );
    disqualified_for(
        "Panics In Create",
        None,
        panic_with("deliberate panic in create"),
        None,
    );
}

#[test]
fn an_invalid_move_byte_disqualifies() {
    disqualified_for(
        "Invalid Move",
        None,
        |f| matches!(f, Fault::InvalidMove { byte: 7 }),
        Some(3),
    );
}

#[test]
fn hangs_are_killed_at_the_decision_limit() {
    let timeout = |f: &Fault| matches!(f, Fault::DecisionTimeout { limit_ms: 300 });
    disqualified_for("Loops Forever", None, timeout, Some(3));
    disqualified_for("Sleeps", None, timeout, Some(3));
}

#[test]
fn crashes_disqualify_with_the_signal() {
    disqualified_for(
        "Segfaults",
        None,
        |f| matches!(f, Fault::Crash { signal: 11, .. }),
        Some(3),
    );
    disqualified_for(
        "Aborts",
        None,
        |f| matches!(f, Fault::Crash { signal: 6, .. }),
        Some(3),
    );
    disqualified_for(
        "Allocates Too Much",
        None,
        |f| matches!(f, Fault::OutOfMemory { limit_mb: 256, detail } if detail.contains("memory allocation")),
        Some(3),
    );
}

#[test]
fn forbidden_system_calls_disqualify_and_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("written-by-plugin");
    let params = format!("(path: \"{}\")", target.display());
    let call = |names: &'static [&'static str]| move |f: &Fault| matches!(f, Fault::ForbiddenSystemCall { name } if names.iter().any(|n| name.starts_with(n)));
    disqualified_for("Reads A File", None, call(&["openat", "open"]), Some(3));
    disqualified_for(
        "Writes A File",
        Some(&params),
        call(&["openat", "open"]),
        Some(3),
    );
    assert!(!target.exists(), "the plugin created {}", target.display());
    disqualified_for("Opens A Socket", None, call(&["socket"]), Some(3));
    // Starting a process blocks signals first, so the call is not always named.
    disqualified_for(
        "Forks",
        None,
        call(&["clone", "clone3", "fork", "vfork", "not known"]),
        Some(3),
    );
}

/// A plugin that scribbles over the histories it was lent changes nothing but its own view:
/// it is scored as what it played (always D), its opponents see what was really played, in
/// both modes.
#[test]
fn scribbling_on_lent_histories_changes_no_record() {
    for isolated in [false, true] {
        let r = registry(isolated, &["hostile-plugin"]);
        for scribbler in ["Rewrites History", "Writes Bad Bytes"] {
            let mut players: Vec<(&str, Option<&str>)> =
                OPPONENTS.iter().map(|&n| (n, None)).collect();
            players[1] = (scribbler, None); // in place of the Defector
            let out = run(
                &spec(&r, &players, MatchSpec::fixed(20)),
                RunOptions::default(),
            )
            .unwrap();
            assert!(out.disqualified.is_empty());
            let reference = spec(
                &r,
                &OPPONENTS.iter().map(|&n| (n, None)).collect::<Vec<_>>(),
                MatchSpec::fixed(20),
            );
            let expected = run(&reference, RunOptions::default()).unwrap();
            assert_eq!(
                out.results.payoff_matrix, expected.results.payoff_matrix,
                "{scribbler} (isolated: {isolated}) is not scored as the Defector it plays"
            );
            assert_eq!(
                out.results.summary[0].cooperation_rating,
                expected.results.summary[0].cooperation_rating
            );
            let me = out
                .results
                .players
                .iter()
                .position(|p| p == scribbler)
                .unwrap();
            assert_eq!(out.results.cooperation[me].iter().sum::<u64>(), 0);
            // Tit For Tat saw the defections and answered them.
            let rec = play_recorded(
                [
                    (r.resolve("Tit For Tat").unwrap(), None),
                    (r.resolve(scribbler).unwrap(), None),
                ],
                &MatchSpec::fixed(5),
                0,
            )
            .unwrap();
            assert_eq!(
                (rec.moves1.as_str(), rec.moves2.as_str()),
                ("CDDDD", "DDDDD")
            );
        }
    }
}

/// In-process, the faults the engine can catch stop the run with one error naming the
/// strategy, its plugin file, the match and the turn. (Hangs, crashes, aborts, memory and
/// system calls are contained only by isolation; see docs/plugins.md.)
#[test]
fn in_process_faults_stop_the_run_with_a_named_error() {
    let r = registry(false, &["hostile-plugin"]);
    for (name, needle) in [
        (
            "Panics In Decide",
            "failed on turn 3: panicked: deliberate panic in decide",
        ),
        (
            "Invalid Move",
            "failed on turn 3: returned the invalid move byte 7",
        ),
        (
            "Panics In Reset",
            "failed while being reset for the match: panicked: deliberate panic in reset",
        ),
        (
            "Panics In Create",
            "panicked while being created: deliberate panic in create",
        ),
    ] {
        let mut players: Vec<(&str, Option<&str>)> = OPPONENTS.iter().map(|&n| (n, None)).collect();
        players.push((name, None));
        let e = run(
            &spec(&r, &players, MatchSpec::fixed(20)),
            RunOptions::default(),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains(needle), "{name}: {text}");
        assert!(
            text.contains(name) && text.contains("libhostile_plugin"),
            "{text}"
        );
        if name != "Panics In Create" {
            assert!(matches!(e, TournamentError::Match { .. }), "{e:?}");
            assert!(text.starts_with("match "), "{text}");
        }
        assert_eq!(text.lines().count(), 1, "one line: {text}");
    }
}

/// Well-behaved plugins give byte-identical results isolated and in-process, for any thread
/// count: the example plugin against built-ins (played in its worker, replayed by the engine)
/// and against the built-in library loaded as a second isolated plugin (relayed), with noise
/// and random lengths.
#[test]
fn isolated_results_equal_in_process_results() {
    let matches = MatchSpec::new(Some(60), Some(0.02), 0.03, Game::STANDARD).unwrap();
    let players: Vec<(&str, Option<&str>)> = vec![
        ("Slow Betrayer", Some("(patience: 4)")),
        ("Tit For Tat", None),
        ("Generous Mirror", None),
        ("Random", None),
        ("Win-Stay Lose-Shift", None),
        ("Slow Betrayer", None),
    ];
    let mut outputs = Vec::new();
    for isolated in [false, true] {
        // Without the static built-ins, so the library's cdylib provides them as a plugin.
        let mut r = Registry::new();
        if isolated {
            r.isolate(isolation());
        }
        r.load_plugin(&cdylib("example-plugin")).unwrap();
        r.load_plugin(&cdylib("vertrouwen-strategies")).unwrap();
        let mut s = spec(&r, &players, matches);
        s.players[5].label = "Slow Betrayer (10)".into();
        s.repetitions = 3;
        for threads in [1, 2] {
            let out = run(
                &s,
                RunOptions {
                    threads: Some(threads),
                },
            )
            .unwrap();
            assert!(out.disqualified.is_empty(), "{:?}", out.disqualified);
            outputs.push((
                isolated,
                threads,
                serde_json::to_string(&out.results).unwrap(),
            ));
        }
    }
    for (isolated, threads, text) in &outputs[1..] {
        assert_eq!(
            text, &outputs[0].2,
            "isolated: {isolated}, threads: {threads}"
        );
    }
}

/// The same with the built-ins linked into the engine, as `vertrouwen run --isolate` does.
#[test]
fn isolated_example_plugin_equals_in_process_with_static_builtins() {
    let players: Vec<(&str, Option<&str>)> = vec![
        ("Slow Betrayer", None),
        ("Generous Mirror", None),
        ("Tit For Tat", None),
        ("Random", None),
        ("Grudger", None),
    ];
    let matches = MatchSpec::new(Some(200), None, 0.01, Game::STANDARD).unwrap();
    let texts: Vec<String> = [false, true]
        .into_iter()
        .map(|isolated| {
            let r = registry(isolated, &["example-plugin"]);
            results_json(&spec(&r, &players, matches))
        })
        .collect();
    assert_eq!(texts[0], texts[1]);
}

/// A relayed match (two isolated plugins) with a hostile side: the hang is cut at the limit.
#[test]
fn relayed_matches_disqualify_too() {
    let mut r = Registry::new();
    r.isolate(isolation());
    r.load_plugin(&cdylib("example-plugin")).unwrap();
    r.load_plugin(&cdylib("hostile-plugin")).unwrap();
    let s = spec(
        &r,
        &[
            ("Slow Betrayer", None),
            ("Loops Forever", None),
            ("Generous Mirror", None),
            ("Segfaults", None),
        ],
        MatchSpec::fixed(30),
    );
    let out = run(&s, RunOptions::default()).unwrap();
    let reasons: Vec<(&str, &str)> = out
        .disqualified
        .iter()
        .map(|d| (d.label.as_str(), d.fault.reason()))
        .collect();
    assert_eq!(
        reasons,
        vec![("Loops Forever", "timeout"), ("Segfaults", "crash")]
    );
    assert_eq!(
        out.results.players,
        vec!["Slow Betrayer", "Generous Mirror"]
    );
}

/// A long match ends normally in a worker: freeing its large buffers must not make the
/// allocator open a file (glibc reads /proc/sys/vm/overcommit_memory the first time it
/// shrinks a thread's arena, which the playing filter would punish as a forbidden call).
#[test]
fn a_long_isolated_match_ends_without_a_forbidden_call() {
    let mut r = registry(true, &[]);
    r.load_plugin(&fixture_library("liar-plugin"))
        .expect("plugin loads");
    let players = [
        (r.resolve("Game Reader").unwrap(), None),
        (r.resolve("Cooperator").unwrap(), None),
    ];
    let record =
        play_recorded(players, &MatchSpec::fixed(200_000), 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(record.turns, 200_000);
}

/// A plugin the worker refuses to load is reported once, with its path named once, as it is
/// in-process.
#[test]
fn an_isolated_load_error_names_the_plugin_once() {
    let path = fixture_library("huge-count-plugin");
    let shown = path.display().to_string();
    let isolated = registry(true, &[])
        .load_plugin(&path)
        .unwrap_err()
        .to_string();
    assert_eq!(isolated.matches(&shown).count(), 1, "{isolated}");
    assert!(isolated.contains("at most 4096 allowed"), "{isolated}");
    let local = registry(false, &[])
        .load_plugin(&path)
        .unwrap_err()
        .to_string();
    assert_eq!(isolated, local);
}

/// A plugin built with `panic = "abort"` (refused in-process) runs isolated: its panic ends
/// only its worker, as an abort that names the panic, and its other strategy plays on.
#[test]
fn an_abort_on_panic_build_is_contained_when_isolated() {
    let mut r = registry(true, &[]);
    r.load_plugin(&fixture_library("abort-plugin"))
        .expect("an abort build loads isolated");
    let mut players: Vec<(&str, Option<&str>)> = OPPONENTS.iter().map(|&n| (n, None)).collect();
    players.push(("Abort Build Mirror", None));
    let without = spec(&r, &players, MatchSpec::fixed(20));
    players.insert(1, ("Aborts On Turn Three", None));
    let with = spec(&r, &players, MatchSpec::fixed(20));
    let out = run(&with, RunOptions { threads: Some(2) }).unwrap();
    assert_eq!(out.disqualified.len(), 1, "{:#?}", out.disqualified);
    let d = &out.disqualified[0];
    assert_eq!(d.label, "Aborts On Turn Three");
    assert_eq!(d.turn, Some(3), "{d}");
    assert!(
        matches!(&d.fault, Fault::Crash { signal: 6, detail, .. } if detail.contains("deliberate failure on turn 3")),
        "{:?}",
        d.fault
    );
    assert_eq!(
        serde_json::to_string(&out.results).unwrap(),
        results_json(&without)
    );
}
