//! Engine throughput in turns per second (criterion reports "elem/s" = turns/s).
//!
//! - `one_match/*`: Tit For Tat vs Alternator, 1,000,000 turns, through
//!   (a) a hand-written static loop: the physical limit, no ABI, no history view;
//!   (a') the built-in strategies' own code through static dispatch (generics, inlined) with the
//!   engine's history buffers: isolates what the ABI boundary costs;
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
use vertrouwen_engine::trust;
use vertrouwen_engine::{Move, Registry};
use vertrouwen_plugins_api::{History, MatchContext, Rng, Strategy};
use vertrouwen_strategies::basic::Alternator;
use vertrouwen_strategies::titfortat::TitForTat;

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
    // Trust is measured on every match, by the engine too.
    stats.trust = trust::count(m1, m2, trust::DEFAULT_TRUST_RUN);
    stats
}

/// The same strategies' Rust code called through static dispatch (generics, inlined), with the
/// engine's history buffers and bookkeeping: what the ABI boundary itself costs.
fn static_dispatch<A: Strategy, B: Strategy>(
    a: &mut A,
    b: &mut B,
    turns: u64,
    m1: &mut Vec<Move>,
    m2: &mut Vec<Move>,
) -> MatchStats {
    let n = turns as usize;
    let ctx = MatchContext::standard(Some(turns));
    a.reset(&ctx);
    b.reset(&ctx);
    let (mut r1, mut r2) = (Rng::for_stream(0, 1), Rng::for_stream(0, 2));
    m1.clear();
    m2.clear();
    m1.resize(n, Move::C);
    m2.resize(n, Move::C);
    let (h1, h2) = (&mut m1[..n], &mut m2[..n]);
    let (mut d1, mut d2) = (0, 0);
    for t in 0..n {
        let x = a.decide(&History::with_counts(&h1[..t], &h2[..t], d1, d2), &mut r1);
        let y = b.decide(&History::with_counts(&h2[..t], &h1[..t], d2, d1), &mut r2);
        h1[t] = x;
        h2[t] = y;
        d1 += x as usize;
        d2 += y as usize;
    }
    let mut stats = MatchStats {
        turns: turns as u32,
        ..MatchStats::default()
    };
    let mut transitions = [[[0u32; 2]; 5]; 2];
    let (mut p1, mut p2) = (4, 4);
    for (&x, &y) in h1.iter().zip(h2.iter()) {
        let (s1, s2) = (state_index(x, y), state_index(y, x));
        stats.states[s1] += 1;
        transitions[0][p1][x as usize] += 1;
        transitions[1][p2][y as usize] += 1;
        p1 = s1;
        p2 = s2;
    }
    for (player, rows) in transitions.iter().enumerate() {
        stats.transitions[player].copy_from_slice(&rows[..4]);
    }
    if n > 0 {
        stats.first = [h1[0] as u8, h2[0] as u8];
    }
    stats.trust = trust::count(h1, h2, trust::DEFAULT_TRUST_RUN);
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

    let (mut tft, mut alt) = (TitForTat, Alternator);
    assert_eq!(
        static_dispatch(&mut tft, &mut alt, TURNS, &mut m1, &mut m2),
        abi_match(&builtin, &mut scratch)
    );

    let mut group = c.benchmark_group("one_match");
    group.throughput(Throughput::Elements(TURNS));
    group.sample_size(20);
    group.bench_function("static_loop", |b| {
        b.iter(|| static_loop(TURNS, &mut m1, &mut m2))
    });
    group.bench_function("static_dispatch", |b| {
        b.iter(|| static_dispatch(&mut tft, &mut alt, TURNS, &mut m1, &mut m2))
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
