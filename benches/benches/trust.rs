//! What measuring trust costs per turn (criterion reports elem/s = turns/s).
//!
//! `trust/count/*`: `trust::count` over 1,000,000 played turns; `trust/states_only/*`: the
//! same pass counting only the four states, the floor any tally pays. Two move patterns:
//! `cooperative` (Tit For Tat twins with 1% noise: long trust runs, a betrayal now and then)
//! and `mixed` (each move C with probability 0.7: trust is rarely built, many short runs).
//!
//! Run: `cargo bench -p vertrouwen-benches --bench trust`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use vertrouwen_engine::matchup::state_index;
use vertrouwen_engine::trust;
use vertrouwen_engine::Move;
use vertrouwen_plugins_api::Rng;

const TURNS: usize = 1_000_000;

/// Tit For Tat against itself with noise: each plays the other's last move, flipped with
/// probability `noise`.
fn tit_for_tat_twins(noise: f64, seed: u64) -> (Vec<Move>, Vec<Move>) {
    let mut rng = Rng::seed_from_u64(seed);
    let (mut a, mut b) = (Vec::with_capacity(TURNS), Vec::with_capacity(TURNS));
    let (mut last_a, mut last_b) = (Move::C, Move::C);
    for _ in 0..TURNS {
        let (mut x, mut y) = (last_b, last_a);
        if rng.chance(noise) {
            x = x.flip();
        }
        if rng.chance(noise) {
            y = y.flip();
        }
        a.push(x);
        b.push(y);
        (last_a, last_b) = (x, y);
    }
    (a, b)
}

fn random_moves(p_c: f64, seed: u64) -> (Vec<Move>, Vec<Move>) {
    let mut rng = Rng::seed_from_u64(seed);
    let mut draw = || if rng.chance(p_c) { Move::C } else { Move::D };
    let a: Vec<Move> = (0..TURNS).map(|_| draw()).collect();
    let b: Vec<Move> = (0..TURNS).map(|_| draw()).collect();
    (a, b)
}

fn states_only(m1: &[Move], m2: &[Move]) -> [u32; 4] {
    let mut s = [0u32; 4];
    for (&a, &b) in m1.iter().zip(m2) {
        s[state_index(a, b)] += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("trust");
    group.throughput(Throughput::Elements(TURNS as u64));
    for (name, (m1, m2)) in [
        ("cooperative", tit_for_tat_twins(0.01, 1)),
        ("mixed", random_moves(0.7, 2)),
    ] {
        group.bench_with_input(BenchmarkId::new("count", name), &(), |b, _| {
            b.iter(|| trust::count(black_box(&m1), black_box(&m2), 5))
        });
        group.bench_with_input(BenchmarkId::new("states_only", name), &(), |b, _| {
            b.iter(|| states_only(black_box(&m1), black_box(&m2)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
