//! Criterion benchmarks of the evolutionary dynamics, each named after its workload and run on
//! one thread (the per-core rate; `vertrouwen run` uses every core):
//!
//! - `fermi_fixation_sim/N=100`: Fermi (pairwise comparison) fixation by simulation, two
//!   strategies (Nowak et al. 2004's TFT vs ALLD totals a=30 b=9 c=14 d=10, beta = 0.1), one
//!   mutant among 99 residents, run to fixation. Throughput in runs/s. Compared
//!   with egttools' `PairwiseComparisonNumerical.estimate_fixation_probability` on the same
//!   game (benches/python/dynamics_reference.py). `skip-idle` is what users get (the
//!   well-mixed two-type simulator draws the number of idle steps: an algorithmic win);
//!   `step-by-step` forces the simulator that draws every elementary step, as egttools does
//!   (like-for-like).
//! - `fermi_step_by_step/N=100_mu=0.01/*`: every step drawn, fixed-length runs of 10^6 steps
//!   (throughput in steps/s), compared with egttools' `PairwiseComparisonNumerical.evolve`
//!   (three strategies, well mixed) and `NetworkEvolver.evolve` (a cycle and a lattice of 100).
//! - `moran_real_matches/10_players`: Axelrod-Python's MoranProcess workload: 10 players, two
//!   each of Cooperator, Defector, Tit For Tat, Grudger, Win-Stay Lose-Shift, 200-turn matches,
//!   birth-death with fitness = per-turn payoff (Axelrod-Python's default "bd" mode), to
//!   fixation, a real match played for every payoff at every step (Axelrod-Python replays
//!   nothing for these deterministic strategies: its deterministic cache reuses each pair's
//!   first match). `cached-matrix` computes the payoff matrix from matches once, then
//!   simulates.
//! - `stationary/10_strategies_N=100`: small-mutation stationary distribution, Fermi beta = 1.
//! - `ecological/axelrod_first_15`: payoff matrix of the 15 first-tournament entrants from
//!   200-turn matches (5 repetitions of stochastic pairs) plus 1000 discrete generations.
//!
//! Run with `cargo bench -p vertrouwen-benches --bench dynamics`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use vertrouwen_benches::builtin_registry;
use vertrouwen_engine::evolution::{self, MatchPayoff, MatchPayoffSpec, PayoffKind};
use vertrouwen_engine::matchup::MatchSpec;
use vertrouwen_engine::moran::{self, Process};
use vertrouwen_engine::payoff_matrix::PayoffMatrix;
use vertrouwen_engine::population::{
    FitnessMap, Graph, Method, SimulationConfig, Simulator, UpdateRule,
};
use vertrouwen_engine::replicator;
use vertrouwen_engine::tournament::PlayerSpec;
use vertrouwen_engine::values::{Repetitions, Seed};
use vertrouwen_plugins_api::Rng;

fn nowak() -> PayoffMatrix {
    PayoffMatrix::from_rows(&[[30.0, 9.0], [14.0, 10.0]]).expect("valid")
}

fn fermi_n100() -> SimulationConfig {
    SimulationConfig {
        rule: UpdateRule::Fermi { beta: 0.1 },
        fitness: FitnessMap::Linear { w: 1.0 },
        mutation: 0.0,
        interaction: Graph::Complete { n: 100 },
        reproduction: None,
        initial: vec![1, 99],
        max_steps: u64::MAX,
    }
}

/// `runs` runs of a prepared simulator, counting TFT fixations.
fn fixations(sim: &Simulator<'_, PayoffMatrix>, seed: u64, runs: u64) -> u64 {
    (0..runs)
        .map(|r| u64::from(sim.run(seed, r).expect("valid").fixed == Some(0)))
        .sum()
}

fn fermi_fixation(c: &mut Criterion) {
    let mut g = c.benchmark_group("fermi_fixation_sim/N=100");
    let config = fermi_n100();
    let matrix = nowak();
    let skipping = Simulator::new(&matrix, &config).expect("valid");
    assert_eq!(skipping.method(), Method::SkipIdle);
    let runs = 20_000u64;
    g.throughput(Throughput::Elements(runs));
    g.bench_function(BenchmarkId::new("skip-idle", format!("{runs}_runs")), |b| {
        let mut seed = 0;
        b.iter(|| {
            seed += 1;
            black_box(fixations(&skipping, seed, runs))
        })
    });
    let stepwise = Simulator::new(&matrix, &config)
        .expect("valid")
        .every_step();
    let runs = 5_000u64;
    g.throughput(Throughput::Elements(runs));
    g.bench_function(
        BenchmarkId::new("step-by-step", format!("{runs}_runs")),
        |b| {
            let mut seed = 0;
            b.iter(|| {
                seed += 1;
                black_box(fixations(&stepwise, seed, runs))
            })
        },
    );
    g.finish();
}

/// Steps per run of the fixed-length step-by-step workloads.
const STEPS: u64 = 1_000_000;

/// A fixed-length step-by-step run: the workloads are chosen so that no run fixes (stable
/// coexistence plus mutation), so every run takes exactly `STEPS` steps.
fn bench_steps(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    m: &PayoffMatrix,
    c: &SimulationConfig,
) {
    let sim = Simulator::new(m, c).expect("valid");
    assert_eq!(sim.method(), Method::EveryStep);
    g.throughput(Throughput::Elements(STEPS));
    g.bench_function(name, |b| {
        let mut run = 0;
        b.iter(|| {
            run += 1;
            let out = sim.run(7, run).expect("valid");
            assert_eq!(out.steps, STEPS, "a run fixed early: {out:?}");
            black_box(out.counts)
        })
    });
}

fn step_by_step(c: &mut Criterion) {
    // Anti-coordination games (each type does best against the others): both strategies
    // coexist, and mutation 0.01 keeps every type present.
    let two = PayoffMatrix::from_rows(&[[1.0, 2.0], [2.0, 1.0]]).expect("valid");
    let three = PayoffMatrix::from_rows(&[[1.0, 2.0, 2.0], [2.0, 1.0, 2.0], [2.0, 2.0, 1.0]])
        .expect("valid");
    let config = |graph, beta, initial| SimulationConfig {
        rule: UpdateRule::Fermi { beta },
        fitness: FitnessMap::Linear { w: 1.0 },
        mutation: 0.01,
        interaction: graph,
        reproduction: None,
        initial,
        max_steps: STEPS,
    };
    let mut g = c.benchmark_group("fermi_step_by_step/N=100_mu=0.01");
    bench_steps(
        &mut g,
        "well_mixed_3_strategies_beta=1",
        &three,
        &config(Graph::Complete { n: 100 }, 1.0, vec![34, 33, 33]),
    );
    // egttools' network games sum payoffs over the neighbours where we average them: beta
    // 2 (cycle) and 4 (lattice) here are egttools' beta 1.
    bench_steps(
        &mut g,
        "cycle_2_strategies_beta=2",
        &two,
        &config(Graph::Cycle { n: 100 }, 2.0, vec![50, 50]),
    );
    bench_steps(
        &mut g,
        "lattice_10x10_2_strategies_beta=4",
        &two,
        &config(
            Graph::Lattice {
                width: 10,
                height: 10,
            },
            4.0,
            vec![50, 50],
        ),
    );
    g.finish();
}

const MORAN_PLAYERS: [&str; 5] = [
    "Cooperator",
    "Defector",
    "Tit For Tat",
    "Grudger",
    "Win-Stay Lose-Shift",
];

fn moran_config() -> SimulationConfig {
    SimulationConfig {
        rule: UpdateRule::BirthDeath,
        fitness: FitnessMap::Linear { w: 1.0 },
        mutation: 0.0,
        interaction: Graph::Complete { n: 10 },
        reproduction: None,
        initial: vec![2; 5],
        max_steps: u64::MAX,
    }
}

fn moran_real_matches(c: &mut Criterion) {
    let registry = builtin_registry();
    let players: Vec<PlayerSpec> = MORAN_PLAYERS
        .iter()
        .map(|n| PlayerSpec::new(registry.resolve(n).expect("built in")))
        .collect();
    let matches = MatchSpec::fixed(200);
    let config = moran_config();
    let mut g = c.benchmark_group("moran_real_matches/10_players_5_strategies_200_turns");
    let runs = 20u64;
    g.throughput(Throughput::Elements(runs));
    let payoff =
        MatchPayoff::new(players.clone(), matches, PayoffKind::PerTurn).expect("valid players");
    let sim = Simulator::new(&payoff, &config).expect("valid");
    g.bench_function(
        BenchmarkId::new("real-matches-every-step", format!("{runs}_runs")),
        |b| {
            let mut seed = 0;
            b.iter(|| {
                seed += 1;
                let mut steps = 0u64;
                for r in 0..runs {
                    steps += sim.run(seed, r).expect("valid").steps;
                }
                black_box(steps)
            })
        },
    );
    let spec = MatchPayoffSpec::new(
        players,
        matches,
        Repetitions::try_from(1).expect("valid"),
        Seed::try_from(0).expect("valid"),
        PayoffKind::PerTurn,
    )
    .expect("valid");
    g.bench_function(
        BenchmarkId::new("cached-matrix", format!("{runs}_runs")),
        |b| {
            let mut seed = 0;
            b.iter(|| {
                seed += 1;
                let m = evolution::payoff_matrix(&spec, Some(1))
                    .expect("valid")
                    .matrix;
                let sim = Simulator::new(&m, &config).expect("valid");
                let mut steps = 0u64;
                for r in 0..runs {
                    steps += sim.run(seed, r).expect("valid").steps;
                }
                black_box(steps)
            })
        },
    );
    g.finish();
}

fn stationary(c: &mut Criterion) {
    // A fixed pseudo-random 10 x 10 game with payoffs in [0, 5).
    let mut rng = Rng::seed_from_u64(42);
    let rows: Vec<Vec<f64>> = (0..10)
        .map(|_| (0..10).map(|_| 5.0 * rng.next_f64()).collect())
        .collect();
    let m = PayoffMatrix::from_rows(&rows).expect("valid");
    let mut g = c.benchmark_group("stationary");
    g.bench_function("10_strategies_N=100_fermi", |b| {
        b.iter(|| {
            black_box(
                moran::small_mutation_stationary(&m, 100, Process::Fermi { beta: 1.0 })
                    .expect("valid"),
            )
        })
    });
    g.finish();
}

fn ecological(c: &mut Criterion) {
    let registry = builtin_registry();
    let names = [
        "Tit For Tat",
        "First by Tideman and Chieruzzi",
        "First by Nydegger",
        "First by Grofman",
        "First by Shubik",
        "First by Stein and Rapoport",
        "Grudger",
        "First by Davis",
        "First by Graaskamp",
        "First by Downing",
        "First by Feld",
        "First by Joss",
        "First by Tullock",
        "First by Anonymous",
        "Random",
    ];
    let spec = MatchPayoffSpec::new(
        names
            .iter()
            .map(|n| PlayerSpec::new(registry.resolve(n).expect("built in")))
            .collect(),
        MatchSpec::fixed(200),
        Repetitions::try_from(5).expect("valid"),
        Seed::try_from(1).expect("valid"),
        PayoffKind::PerTurn,
    )
    .expect("valid");
    let mut g = c.benchmark_group("ecological");
    g.bench_function("axelrod_first_15_200_turns_5_reps_1000_generations", |b| {
        b.iter(|| {
            let m = evolution::payoff_matrix(&spec, Some(1))
                .expect("valid")
                .matrix;
            black_box(replicator::discrete_replicator(&m, &[1.0; 15], 1000).expect("valid"))
        })
    });
    g.finish();
}

criterion_group! {
    name = dynamics;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = fermi_fixation, step_by_step, moran_real_matches, stationary, ecological
}
criterion_main!(dynamics);
