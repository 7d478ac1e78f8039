//! What isolation costs (issue: untrusted submissions), measured side by side with the same
//! work in-process:
//! - `relay_1m_turns`: one 1,000,000-turn match between two strategies from two different
//!   isolated plugin files (the example plugin and the built-in library loaded as a plugin),
//!   relayed turn by turn between two worker processes. Target: at least 200,000 turns/s,
//!   Axelrod-Python's in-process speed on one long match.
//! - `plugin_vs_builtin_1m_turns`: an isolated plugin strategy against a built-in (played inside
//!   the plugin's worker, replayed by the engine), against the same match in-process. Target:
//!   isolated at least 0.5x in-process.
//! - `classics_plus_example`: `tournaments/classics.ron` plus the example plugin's strategies,
//!   isolated and in-process. Target: isolated at least 0.5x in-process.
//!
//! Workers are the `bench-worker` binary of this crate (the engine's worker mode with the
//! built-in library, as `vertrouwen __worker` runs it). Worker start-up is inside every
//! isolated measurement, as it is in `vertrouwen match --isolate` and `run --isolate` (each
//! starts its workers); `one_turn_match` measures it alone.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vertrouwen_benches::{builtin_cdylib, builtin_registry, repo_file};
use vertrouwen_engine::config;
use vertrouwen_engine::matchup::{play_recorded, MatchSpec};
use vertrouwen_engine::sandbox::{Isolation, Limits, WorkerCommand};
use vertrouwen_engine::tournament::{run, PlayerSpec, RunOptions, TournamentSpec};
use vertrouwen_engine::Registry;

const TURNS: u64 = 1_000_000;

fn isolation() -> Isolation {
    Isolation {
        command: WorkerCommand {
            program: PathBuf::from(env!("CARGO_BIN_EXE_bench-worker")),
            args: vec![],
        },
        // The documented defaults: what `--isolate` runs with.
        limits: Limits::default(),
    }
}

/// The example plugin's shared object, built beside the bench binary (it is a
/// dev-dependency of this crate, and cargo builds every crate type of a dependency).
fn example_cdylib() -> PathBuf {
    let file = format!(
        "{}example_plugin{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let exe = std::env::current_exe().expect("current exe");
    let deps = exe.parent().expect("deps dir");
    [deps.join(&file), deps.parent().unwrap_or(deps).join(&file)]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{file} not found next to {}", exe.display()))
}

/// Plays one match of `TURNS` turns and returns the turns played (checked, so the bench
/// cannot measure a match cut short by a disqualification).
fn long_match(r: &Registry, a: &str, b: &str) -> u64 {
    let players = [(r.resolve(a).unwrap(), None), (r.resolve(b).unwrap(), None)];
    let record =
        play_recorded(players, &MatchSpec::fixed(TURNS), 7).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(u64::from(record.turns), TURNS);
    TURNS
}

fn relay(c: &mut Criterion) {
    let Some(library) = builtin_cdylib() else {
        eprintln!("libvertrouwen_strategies shared object not found; skipping relay_1m_turns");
        return;
    };
    // No static built-ins: both sides come from plugin files, each in its own worker.
    let mut r = Registry::new();
    r.isolate(isolation());
    r.load_plugin(&example_cdylib()).unwrap();
    r.load_plugin(&library).unwrap();
    let mut group = c.benchmark_group("isolation");
    group.throughput(Throughput::Elements(TURNS));
    group.sample_size(10);
    group.bench_function("relay_1m_turns", |b| {
        b.iter(|| long_match(&r, "Generous Mirror", "Tit For Tat"))
    });
    group.finish();
}

fn plugin_vs_builtin(c: &mut Criterion) {
    let registries: Vec<(&str, Registry)> = [("in_process", false), ("isolated", true)]
        .into_iter()
        .map(|(name, isolated)| {
            let mut r = builtin_registry();
            if isolated {
                r.isolate(isolation());
            }
            r.load_plugin(&example_cdylib()).unwrap();
            (name, r)
        })
        .collect();
    // The fixed cost of an isolated match: starting its worker (exec, confinement, loading
    // the plugin) and stopping it.
    let mut group = c.benchmark_group("isolation/one_turn_match");
    group.sample_size(20);
    for (name, r) in &registries {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let players = [
                    (r.resolve("Generous Mirror").unwrap(), None),
                    (r.resolve("Tit For Tat").unwrap(), None),
                ];
                play_recorded(players, &MatchSpec::fixed(1), 7)
                    .unwrap()
                    .turns
            })
        });
    }
    group.finish();
    let mut group = c.benchmark_group("isolation/plugin_vs_builtin_1m_turns");
    group.throughput(Throughput::Elements(TURNS));
    group.sample_size(10);
    for (name, r) in &registries {
        group.bench_function(*name, |b| {
            b.iter(|| long_match(r, "Generous Mirror", "Tit For Tat"))
        });
    }
    group.finish();
}

/// The classics tournament with the example plugin's two strategies entered.
fn classics_plus_example(isolated: bool) -> TournamentSpec {
    let mut r = builtin_registry();
    if isolated {
        r.isolate(isolation());
    }
    r.load_plugin(&example_cdylib()).unwrap();
    let study =
        config::load(&repo_file("tournaments/classics.ron")).unwrap_or_else(|e| panic!("{e}"));
    let mut spec = study
        .tournament_spec(&mut r, &config::Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"));
    for name in ["Slow Betrayer", "Generous Mirror"] {
        spec.players.push(PlayerSpec::new(r.resolve(name).unwrap()));
    }
    spec
}

fn classics(c: &mut Criterion) {
    let specs = [
        ("in_process", classics_plus_example(false)),
        ("isolated", classics_plus_example(true)),
    ];
    // Same work on both sides: the same table, byte for byte.
    let tables: Vec<String> = specs
        .iter()
        .map(|(_, s)| {
            let out = run(s, RunOptions::default()).unwrap();
            assert!(out.disqualified.is_empty(), "{:?}", out.disqualified);
            format!("{:?}", out.results)
        })
        .collect();
    assert_eq!(tables[0], tables[1]);
    let turns = run(&specs[0].1, RunOptions::default())
        .unwrap()
        .turns_played;
    let mut group = c.benchmark_group("isolation/classics_plus_example");
    group.throughput(Throughput::Elements(turns));
    group.sample_size(10);
    for (name, spec) in &specs {
        group.bench_function(*name, |b| {
            b.iter(|| run(spec, RunOptions::default()).unwrap().turns_played)
        });
    }
    group.finish();
}

criterion_group!(benches, relay, plugin_vs_builtin, classics);
criterion_main!(benches);
