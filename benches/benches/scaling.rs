//! Thread scaling of tournaments (issue: performance): each workload on 1 thread and on 2,
//! side by side in one run, so the ratio of the two `time` lines is the speed-up.
//!
//! - `first_100_deterministic`: the first 100 deterministic built-ins in registry order,
//!   200 turns, 1 repetition (every pair played once): 5,050 short matches.
//! - `all_builtins`: every built-in, 200 turns, 1 repetition: 25,878 matches.
//! - `tables_group`: the 10 first strategies of the families with preset tables (finite state
//!   machines, lookup tables, gamblers), 200 turns, 5 repetitions: the group that ran at 0.33x
//!   on 2 threads when every rayon split created its own instances.
//!
//! Each on exactly 1 and 2 threads, and with the default (`threads: None`: all cores, but no
//! more threads than the work is worth). Target: at least 1.8x on 2 threads for the first
//! two; the default never slower than 1 thread.
//! Run: `cargo bench -p vertrouwen-benches --bench scaling`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use vertrouwen_benches::builtin_registry;
use vertrouwen_engine::matchup::MatchSpec;
use vertrouwen_engine::tournament::{run, PlayerSpec, RunOptions, TournamentSpec};
use vertrouwen_engine::StrategyEntry;

fn spec(entries: &[StrategyEntry], repetitions: u32) -> TournamentSpec {
    TournamentSpec {
        players: entries.iter().map(PlayerSpec::new).collect(),
        matches: MatchSpec::fixed(200),
        repetitions,
        seed: 1,
    }
}

fn deterministic(e: &StrategyEntry) -> bool {
    !e.instantiate(None)
        .unwrap_or_else(|err| panic!("{}: {err}", e.name))
        .classifiers()
        .is_stochastic()
}

fn workloads() -> Vec<(&'static str, TournamentSpec)> {
    let registry = builtin_registry();
    let entries = registry.entries();
    let first_100: Vec<StrategyEntry> = entries
        .iter()
        .filter(|e| deterministic(e))
        .take(100)
        .cloned()
        .collect();
    assert_eq!(first_100.len(), 100);
    // Registry order is export order, family by family (`vertrouwen_strategies::FAMILIES`).
    let mut tables = Vec::new();
    let mut rest = entries;
    for &(family, exports) in vertrouwen_strategies::FAMILIES {
        let (members, tail) = rest.split_at(exports.len());
        if ["fsm", "lookerup", "gambler"].contains(&family) {
            tables.extend(members.iter().cloned());
        }
        rest = tail;
    }
    tables.truncate(10);
    assert_eq!(tables.len(), 10);
    vec![
        ("first_100_deterministic", spec(&first_100, 1)),
        ("all_builtins", spec(entries, 1)),
        ("tables_group", spec(&tables, 5)),
    ]
}

fn scaling(c: &mut Criterion) {
    for (name, spec) in workloads() {
        let one = run(&spec, RunOptions { threads: Some(1) }).unwrap();
        let two = run(&spec, RunOptions { threads: Some(2) }).unwrap();
        // The same work, whatever the thread count: byte-identical results.
        assert_eq!(format!("{:?}", one.results), format!("{:?}", two.results));
        let mut group = c.benchmark_group(format!("scaling/{name}"));
        group.throughput(Throughput::Elements(one.turns_played));
        group.sample_size(10);
        // `None` is the default: all cores, as many as the work is worth.
        for (label, threads) in [("1", Some(1)), ("2", Some(2)), ("default", None)] {
            group.bench_with_input(BenchmarkId::new("threads", label), &threads, |b, &t| {
                b.iter(|| run(&spec, RunOptions { threads: t }).unwrap().turns_played)
            });
        }
        group.finish();
    }
}

criterion_group!(benches, scaling);
criterion_main!(benches);
