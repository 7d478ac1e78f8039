//! Engine throughput in turns per second (criterion reports "elem/s" = turns/s).
//!
//! - `one_match/*`: Tit For Tat vs Alternator, 1,000,000 turns, through
//!   (a) a hand-written static-dispatch loop: the physical limit, no ABI, no history view;
//!   (b) the built-in library linked statically, called through the plugin ABI;
//!   (c) the same library loaded from its shared object with libloading (a real plugin).
//! - `classics_noisy_100_reps`: tournaments/classics.ron with noise 0.01 and 100 repetitions
//!   (22 players, 253 pairs, about 5 million turns per run; no caching possible because noise
//!   makes every repetition different), on all cores.
//!
//! Run: `cargo bench -p vertrouwen-benches --bench throughput`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vertrouwen_benches::{builtin_registry, loaded_registry, tournament};
use vertrouwen_engine::matchup::{state_index, MatchScratch, MatchSpec, MatchStats, PlayerLabel};
use vertrouwen_engine::tournament::{run, RunOptions};
use vertrouwen_engine::{Move, Registry};

const TURNS: u64 = 1_000_000;

/// Tit For Tat vs Alternator written out by hand: what the engine would cost if it knew both
/// strategies at compile time. It records the moves and the state counts, as the engine does.
fn static_loop(turns: u64, m1: &mut Vec<Move>, m2: &mut Vec<Move>) -> MatchStats {
    m1.clear();
    m2.clear();
    m1.reserve(turns as usize);
    m2.reserve(turns as usize);
    let mut stats = MatchStats {
        turns: turns as u32,
        ..MatchStats::default()
    };
    if turns == 0 {
        return stats;
    }
    // First turn: both cooperate; there is no previous state.
    let (mut a, mut b) = (Move::C, Move::C);
    m1.push(a);
    m2.push(b);
    stats.states[state_index(a, b)] += 1;
    for _ in 1..turns {
        let (prev1, prev2) = (state_index(a, b), state_index(b, a));
        let next_a = b; // Tit For Tat copies the opponent's last move
        let next_b = b.flip(); // Alternator flips its own last move
        a = next_a;
        b = next_b;
        stats.states[state_index(a, b)] += 1;
        stats.transitions[0][prev1][a as usize] += 1;
        stats.transitions[1][prev2][b as usize] += 1;
        m1.push(a);
        m2.push(b);
    }
    if turns > 0 {
        stats.first = [m1[0] as u8, m2[0] as u8];
    }
    stats
}

fn abi_match(registry: &Registry, scratch: &mut MatchScratch) -> MatchStats {
    let mut a = registry
        .resolve("Tit For Tat")
        .unwrap()
        .instantiate(None)
        .unwrap();
    let mut b = registry
        .resolve("Alternator")
        .unwrap()
        .instantiate(None)
        .unwrap();
    let label = PlayerLabel {
        name: "bench",
        source: "bench",
    };
    scratch
        .play(
            [&mut a, &mut b],
            [label, label],
            &MatchSpec::fixed(TURNS),
            0,
        )
        .unwrap()
}

fn one_match(c: &mut Criterion) {
    let builtin = builtin_registry();
    let loaded = loaded_registry();
    let mut scratch = MatchScratch::new();
    let (mut m1, mut m2) = (Vec::new(), Vec::new());
    // The hand-written loop must compute exactly what the engine computes.
    assert_eq!(
        static_loop(TURNS, &mut m1, &mut m2),
        abi_match(&builtin, &mut scratch)
    );

    let mut group = c.benchmark_group("one_match");
    group.throughput(Throughput::Elements(TURNS));
    group.sample_size(20);
    group.bench_function("static_loop", |b| {
        b.iter(|| static_loop(TURNS, &mut m1, &mut m2))
    });
    group.bench_function("builtin_via_abi", |b| {
        b.iter(|| abi_match(&builtin, &mut scratch))
    });
    match &loaded {
        Some(r) => group.bench_function("loaded_plugin", |b| b.iter(|| abi_match(r, &mut scratch))),
        None => {
            eprintln!("libvertrouwen_strategies shared object not found next to the bench binary; skipping loaded_plugin");
            &mut group
        }
    };
    group.finish();
}

fn classics_tournament(c: &mut Criterion) {
    let mut spec = tournament("tournaments/classics.ron");
    spec.matches.noise = 0.01;
    spec.repetitions = 100;
    let turns = run(&spec, RunOptions::default()).unwrap().turns_played;
    eprintln!("classics, noise 0.01, 100 repetitions: {turns} turns per run");
    let mut group = c.benchmark_group("tournament");
    group.throughput(Throughput::Elements(turns));
    group.sample_size(10);
    group.bench_function("classics_noisy_100_reps", |b| {
        b.iter(|| run(&spec, RunOptions::default()).unwrap().turns_played)
    });
    group.finish();
}

criterion_group!(benches, one_match, classics_tournament);
criterion_main!(benches);
