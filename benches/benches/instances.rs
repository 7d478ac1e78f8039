//! Instance creation: create + destroy of built-in strategies with their default parameters,
//! through the engine (`Registry`, `StrategyEntry::instantiate`, `Drop`), the path a
//! tournament worker or a dynamics run takes for every instance it makes.
//!
//! - Before the criterion groups, a ranking pass times every built-in on its own (best of
//!   several batches) and prints the slowest ones with the family they belong to.
//! - `create_all/every_builtin`: one iteration creates and destroys every built-in once
//!   (criterion reports instances per second).
//! - `create_slowest/*`: the slowest built-ins of the ranking pass, one by one.
//! - `create_family/*`: every strategy of the families with tables or teams (finite state
//!   machines, lookup tables, gamblers, neural networks, hidden Markov models, meta
//!   strategies), one iteration creating each member once.
//!
//! Target: every built-in created in microseconds, not milliseconds.
//!
//! Run: `cargo bench -p vertrouwen-benches --bench instances`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vertrouwen_benches::builtin_registry;
use vertrouwen_engine::StrategyEntry;

/// How many of the slowest built-ins are printed and benchmarked one by one.
const SLOWEST_SHOWN: usize = 15;
const SLOWEST_BENCHED: usize = 6;

/// The families with preset tables or teams, by module name.
const TABLE_FAMILIES: &[&str] = &["fsm", "lookerup", "gambler", "ann", "hmm", "meta"];

fn create_destroy(entry: &StrategyEntry) {
    let instance = entry
        .instantiate(None)
        .unwrap_or_else(|e| panic!("{}: default parameters fail: {e}", entry.name));
    drop(black_box(instance));
}

/// Every built-in with its family's module name, in registry order (which is export order:
/// `vertrouwen_strategies::FAMILIES` lists the families in that order).
fn builtins_by_family() -> Vec<(&'static str, StrategyEntry)> {
    let registry = builtin_registry();
    let entries = registry.entries();
    let total: usize = vertrouwen_strategies::FAMILIES
        .iter()
        .map(|(_, e)| e.len())
        .sum();
    assert_eq!(total, entries.len(), "FAMILIES covers every built-in");
    let mut rest = entries;
    let mut out = Vec::with_capacity(total);
    for &(family, exports) in vertrouwen_strategies::FAMILIES {
        let (members, tail) = rest.split_at(exports.len());
        out.extend(members.iter().map(|e| (family, e.clone())));
        rest = tail;
    }
    out
}

/// Mean time of one create + destroy: the best of five batches, each long enough (about
/// 200 microseconds, at least one call) to be timed reliably on a busy machine.
fn time_one(entry: &StrategyEntry) -> Duration {
    let start = Instant::now();
    create_destroy(entry);
    let once = start.elapsed().max(Duration::from_nanos(20));
    let per_batch = (Duration::from_micros(200).as_nanos() / once.as_nanos()).clamp(1, 10_000);
    (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                create_destroy(entry);
            }
            start.elapsed() / per_batch as u32
        })
        .min()
        .expect("five batches")
}

fn ranking(all: &[(&'static str, StrategyEntry)]) -> Vec<(Duration, &'static str, StrategyEntry)> {
    let mut timed: Vec<_> = all
        .iter()
        .map(|(family, e)| (time_one(e), *family, e.clone()))
        .collect();
    timed.sort_by_key(|t| std::cmp::Reverse(t.0));
    let total: Duration = timed.iter().map(|t| t.0).sum();
    let median = timed[timed.len() / 2].0;
    eprintln!(
        "create + destroy of {} built-ins (default parameters, best of 5 batches): total {:?}, median {:?}, slowest {:?}",
        timed.len(),
        total,
        median,
        timed[0].0
    );
    eprintln!("slowest {SLOWEST_SHOWN}:");
    for (t, family, e) in timed.iter().take(SLOWEST_SHOWN) {
        eprintln!("  {:>12?}  {family:<18} {}", t, e.name);
    }
    timed
}

fn instances(c: &mut Criterion) {
    let all = builtins_by_family();
    let ranked = ranking(&all);

    let mut group = c.benchmark_group("create_all");
    group.throughput(Throughput::Elements(all.len() as u64));
    group.bench_function("every_builtin", |b| {
        b.iter(|| all.iter().for_each(|(_, e)| create_destroy(e)))
    });
    group.finish();

    let mut group = c.benchmark_group("create_slowest");
    for (_, _, e) in ranked.iter().take(SLOWEST_BENCHED) {
        group.bench_function(e.name.as_str(), |b| b.iter(|| create_destroy(e)));
    }
    group.finish();

    let mut group = c.benchmark_group("create_family");
    for family in TABLE_FAMILIES {
        let members: Vec<&StrategyEntry> = all
            .iter()
            .filter(|(f, _)| f == family)
            .map(|(_, e)| e)
            .collect();
        assert!(!members.is_empty(), "no built-ins in family {family}");
        group.throughput(Throughput::Elements(members.len() as u64));
        group.bench_function(*family, |b| {
            b.iter(|| members.iter().for_each(|e| create_destroy(e)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Short runs: creation takes microseconds, and the machine is shared.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = instances
}
criterion_main!(benches);
