//! Why this file is long: it is only tests, one per simulator and process, each against an exact
//! result; they share the oracles and tolerance helpers at the top.
//!
//! Statistical and behavioural tests of the simulators against exact results: fixation
//! probabilities and times of [`crate::moran`], exact chains of structured populations, and
//! neutral martingales. Tolerances are 4 binomial (or sample) standard errors.

use vertrouwen_plugins_api::Rng;

use super::*;
use crate::moran::{fixation_probabilities, fixation_times, Process};
use crate::payoff_matrix::PayoffMatrix;

fn nowak() -> PayoffMatrix {
    // Nowak et al. 2004 (Nature 428:646): TFT (type 0) vs ALLD, m = 10.
    PayoffMatrix::from_rows(&[[30.0, 9.0], [14.0, 10.0]]).unwrap()
}

fn config(rule: UpdateRule, graph: Graph, initial: Vec<usize>) -> SimulationConfig {
    SimulationConfig {
        rule,
        fitness: FitnessMap::Linear { w: 0.1 },
        mutation: 0.0,
        interaction: graph,
        reproduction: None,
        initial,
        max_steps: u64::MAX,
    }
}

fn within_4_se(summary: &SimulationSummary, t: usize, exact: f64) {
    let se = (exact * (1.0 - exact) / summary.runs as f64).sqrt();
    let got = summary.fixation_frequency[t];
    assert!(
        (got - exact).abs() <= 4.0 * se,
        "type {t}: got {got}, exact {exact}, se {se}"
    );
}

/// Hides `is_deterministic`: payoffs are drawn on every use (the real-match path).
struct Opaque(PayoffMatrix);

impl PairPayoff for Opaque {
    fn types(&self) -> usize {
        self.0.size()
    }
    fn payoff(&self, a: usize, b: usize, rng: &mut Rng) -> Result<f64, PayoffError> {
        self.0.payoff(a, b, rng)
    }
}

fn every_step<P: PairPayoff + ?Sized>(
    payoff: &P,
    c: &SimulationConfig,
    seed: u64,
    runs: u64,
) -> SimulationSummary {
    let sim = Simulator::new(payoff, c).unwrap().every_step();
    assert_eq!(sim.method(), Method::EveryStep);
    sim.simulate(seed, runs).unwrap()
}

fn moran_rules() -> [(UpdateRule, Process); 2] {
    [
        (UpdateRule::BirthDeath, Process::Moran { w: 0.1 }),
        (
            UpdateRule::Fermi { beta: 0.1 },
            Process::Fermi { beta: 0.1 },
        ),
    ]
}

#[test]
fn well_mixed_fixation_matches_exact() {
    // Oracle: exact fixation probabilities of crate::moran (themselves pinned to the Nowak et
    // al. 2004 values); binomial sampling error, 4 standard errors. Both the skipping
    // simulator (the default) and the step-by-step one.
    let g = nowak();
    for (rule, process) in moran_rules() {
        let exact = fixation_probabilities(&g, 10, process).unwrap();
        let one_a = config(rule, Graph::Complete { n: 10 }, vec![1, 9]);
        assert_eq!(
            Simulator::new(&g, &one_a).unwrap().method(),
            Method::SkipIdle
        );
        let a = simulate(&g, &one_a, 7, 20_000).unwrap();
        within_4_se(&a, 0, exact.rho_a);
        assert_eq!(a.unfinished, 0);
        let one_b = config(rule, Graph::Complete { n: 10 }, vec![9, 1]);
        within_4_se(&simulate(&g, &one_b, 8, 20_000).unwrap(), 1, exact.rho_b);
        within_4_se(&every_step(&g, &one_a, 9, 20_000), 0, exact.rho_a);
        within_4_se(&every_step(&g, &one_b, 10, 20_000), 1, exact.rho_b);
    }
}

#[test]
fn step_counts_match_exact_absorption_times() {
    // Every step is counted: the mean number of steps to absorption from one A equals the
    // exact expectation of crate::moran::fixation_times (Antal and Scheuring 2006), for the
    // step-by-step simulator and for the skipping one (which draws the idle steps).
    let g = nowak();
    for (rule, process) in moran_rules() {
        let exact = fixation_times(&g, 10, process)
            .unwrap()
            .expect("times exist for this game")
            .absorption;
        let c = config(rule, Graph::Complete { n: 10 }, vec![1, 9]);
        for sim in [
            Simulator::new(&g, &c).unwrap(),
            Simulator::new(&g, &c).unwrap().every_step(),
        ] {
            let runs = 20_000u64;
            let steps: Vec<f64> = (0..runs)
                .map(|r| sim.run(31, r).unwrap().steps as f64)
                .collect();
            let mean = steps.iter().sum::<f64>() / runs as f64;
            let var = steps.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (runs - 1) as f64;
            let se = (var / runs as f64).sqrt();
            assert!(
                (mean - exact).abs() <= 4.0 * se,
                "{:?} {rule:?}: mean {mean}, exact {exact}, se {se}",
                sim.method()
            );
        }
    }
}

#[test]
fn general_paths_match_exact_on_the_complete_graph() {
    // The drawn-payoff count path (the random-payoff wrapper forces it), the explicit-graph
    // path on a complete edge list and the tabulated three-type count path with an absent
    // third type simulate the same chains as the fast path, so they must hit the exact
    // values too (birth-death on a graph: the parent cannot die, which leaves T-/T+ = g/f
    // and hence rho unchanged).
    let g = nowak();
    let three =
        PayoffMatrix::from_rows(&[[30.0, 9.0, 1.0], [14.0, 10.0, 1.0], [1.0, 1.0, 1.0]]).unwrap();
    let runs = 6_000;
    let edges: Vec<(usize, usize)> = (0..10)
        .flat_map(|a| (a + 1..10).map(move |b| (a, b)))
        .collect();
    for (rule, process) in moran_rules() {
        let exact = fixation_probabilities(&g, 10, process).unwrap();
        let c = config(rule, Graph::Complete { n: 10 }, vec![1, 9]);
        within_4_se(
            &simulate(&Opaque(g.clone()), &c, 11, runs).unwrap(),
            0,
            exact.rho_a,
        );
        let c3 = config(rule, Graph::Complete { n: 10 }, vec![1, 9, 0]);
        let s3 = simulate(&three, &c3, 13, runs).unwrap();
        within_4_se(&s3, 0, exact.rho_a);
        assert_eq!(s3.fixations[2], 0);
        let c = config(
            rule,
            Graph::Edges {
                n: 10,
                edges: edges.clone(),
            },
            vec![1, 9],
        );
        within_4_se(&simulate(&g, &c, 12, runs).unwrap(), 0, exact.rho_a);
    }
}

#[test]
fn death_birth_matches_its_exact_chain() {
    // Death-birth on the complete graph is a birth-death chain in the count of type 0; its
    // fixation probability follows from the product formula (Nowak 2006, eq. 6.13) with
    // gamma_i = T-_i / T+_i taken from the tabulated chain. The explicit-edge-list simulator
    // and the step-by-step count simulator (separate implementations) must agree.
    let g = nowak();
    let mut c = config(
        UpdateRule::DeathBirth,
        Graph::Complete { n: 10 },
        vec![1, 9],
    );
    c.fitness = FitnessMap::Exponential { w: 0.1 };
    let chain = well_mixed::CountChain {
        n: 10,
        k: 2,
        rule: c.rule,
        fitness: c.fitness,
        mu: 0.0,
    };
    let table = payoff::PayoffTable::new(&g, 2).unwrap();
    let two = skipping::TwoTypeChain::new(&chain, &table).unwrap();
    let (mut sum, mut prod) = (1.0, 1.0);
    for i in 1..10 {
        prod *= (1.0 - two.p_up[i]) / two.p_up[i];
        sum += prod;
    }
    let exact = 1.0 / sum;
    within_4_se(&every_step(&g, &c, 22, 10_000), 0, exact);
    c.interaction = Graph::Edges {
        n: 10,
        edges: (0..10)
            .flat_map(|a| (a + 1..10).map(move |b| (a, b)))
            .collect(),
    };
    within_4_se(&simulate(&g, &c, 21, 6_000).unwrap(), 0, exact);
}

#[test]
fn fermi_on_a_cycle_matches_its_exact_chain() {
    // One mutant on a cycle under pairwise comparison: the mutants stay one contiguous
    // cluster of size i, and only the two individuals at each boundary can change. A boundary
    // A has payoff b if alone, else (a + b)/2; a boundary B has c if alone, else (c + d)/2.
    // Whatever i, T+_i = phi(z_i)/N and T-_i = phi(-z_i)/N with z_i = beta (F_A - F_B), so
    // gamma_i = exp(-z_i) and rho = 1 / (1 + sum_j prod_{i <= j} gamma_i).
    let m = PayoffMatrix::from_rows(&[[3.0, 0.0], [2.0, 1.0]]).unwrap();
    let (a, b, cc, d) = (3.0, 0.0, 2.0, 1.0);
    let n = 12;
    let beta = 0.7;
    let (mut sum, mut prod) = (1.0, 1.0);
    for i in 1..n {
        let fa = if i == 1 { b } else { (a + b) / 2.0 };
        let fb = if n - i == 1 { cc } else { (cc + d) / 2.0 };
        prod *= f64::exp(-beta * (fa - fb));
        sum += prod;
    }
    let exact = 1.0 / sum;
    let mut c = config(
        UpdateRule::Fermi { beta },
        Graph::Cycle { n },
        vec![1, n - 1],
    );
    within_4_se(&simulate(&m, &c, 41, 20_000).unwrap(), 0, exact);
    // The general graph step (payoffs drawn, so no class table) makes the same draws and,
    // with these exactly representable averages, the same decisions.
    let classes = Simulator::new(&m, &c).unwrap();
    let drawn = Opaque(m.clone());
    let general = Simulator::new(&drawn, &c).unwrap();
    for r in 0..50 {
        assert_eq!(classes.run(43, r).unwrap(), general.run(43, r).unwrap());
    }
    // The same cycle as an edge list with one duplicated edge: also regular (single-draw
    // path) after deduplication; and as the reproduction graph of a complete interaction
    // graph it would differ, so only the interaction graph is varied here.
    c.interaction = Graph::Edges {
        n,
        edges: (0..n).map(|v| (v, (v + 1) % n)).chain([(1, 0)]).collect(),
    };
    within_4_se(&simulate(&m, &c, 42, 20_000).unwrap(), 0, exact);
}

#[test]
fn neutral_fixation_is_the_initial_share() {
    // Neutral drift: the count of each type is a martingale (on regular graphs for the
    // structured rules; Nowak 2006, ch. 8; Lieberman, Hauert and Nowak 2005, Nature 433:312),
    // so type t fixes with probability c_t / N: one mutant with 1/N, and three types in
    // proportion to their counts, on counts and on graphs.
    let g = nowak();
    let neutral = |rule| SimulationConfig {
        fitness: FitnessMap::Linear { w: 0.0 },
        ..config(rule, Graph::Cycle { n: 8 }, vec![1, 7])
    };
    let s = simulate(&g, &neutral(UpdateRule::BirthDeath), 3, 6_000).unwrap();
    within_4_se(&s, 0, 1.0 / 8.0);
    let mut c = neutral(UpdateRule::DeathBirth);
    c.interaction = Graph::Lattice {
        width: 3,
        height: 3,
    };
    c.initial = vec![1, 8];
    let s = simulate(&g, &c, 4, 6_000).unwrap();
    within_4_se(&s, 0, 1.0 / 9.0);
    // Imitation on an irregular graph (the general graph step, focal then neighbour): the
    // degree-weighted density is the martingale (Sood and Redner 2005), which a uniformly
    // random placement makes 1/N on average.
    let star = config(
        UpdateRule::Fermi { beta: 0.0 },
        Graph::Star { n: 8 },
        vec![1, 7],
    );
    within_4_se(&simulate(&g, &star, 6, 6_000).unwrap(), 0, 1.0 / 8.0);
    let rps =
        PayoffMatrix::from_rows(&[[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]]).unwrap();
    for (rule, graph) in [
        (UpdateRule::Fermi { beta: 0.0 }, Graph::Complete { n: 10 }),
        (UpdateRule::DeathBirth, Graph::Complete { n: 10 }),
        (
            UpdateRule::Fermi { beta: 0.0 },
            Graph::Lattice {
                width: 5,
                height: 5,
            },
        ),
    ] {
        let n = if matches!(graph, Graph::Complete { .. }) {
            10
        } else {
            25
        };
        let initial = if n == 10 {
            vec![2, 3, 5]
        } else {
            vec![5, 8, 12]
        };
        let c = SimulationConfig {
            fitness: FitnessMap::Exponential { w: 0.0 },
            ..config(rule, graph, initial.clone())
        };
        let s = simulate(&rps, &c, 5, 6_000).unwrap();
        for t in 0..3 {
            within_4_se(&s, t, initial[t] as f64 / n as f64);
        }
    }
}

#[test]
fn deterministic_across_thread_counts() {
    let g = nowak();
    let pool = |t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
    };
    let same = |c: &SimulationConfig, runs| {
        let one = pool(1).install(|| simulate(&g, c, 99, runs).unwrap());
        let two = pool(2).install(|| simulate(&g, c, 99, runs).unwrap());
        assert_eq!(one, two);
        let steps = pool(2).install(|| {
            Simulator::new(&g, c)
                .unwrap()
                .every_step()
                .simulate(99, runs)
        });
        assert_eq!(
            steps.unwrap(),
            pool(1).install(|| Simulator::new(&g, c)
                .unwrap()
                .every_step()
                .simulate(99, runs)
                .unwrap())
        );
    };
    let mut c = config(
        UpdateRule::Fermi { beta: 0.1 },
        Graph::Complete { n: 20 },
        vec![2, 18],
    );
    c.mutation = 0.01;
    same(&c, 3_000);
    c.interaction = Graph::Star { n: 12 };
    c.initial = vec![2, 10];
    c.rule = UpdateRule::BirthDeath;
    c.mutation = 0.001;
    same(&c, 300);
    c.interaction = Graph::Lattice {
        width: 4,
        height: 3,
    };
    c.rule = UpdateRule::Fermi { beta: 1.0 };
    same(&c, 300);
    c.rule = UpdateRule::DeathBirth;
    same(&c, 300);
    assert_eq!(
        simulate_run(&g, &c, 5, 17).unwrap(),
        simulate_run(&g, &c, 5, 17).unwrap()
    );
}

#[test]
fn max_steps_and_bad_config() {
    let g = nowak();
    let mut c = config(
        UpdateRule::DeathBirth,
        Graph::Complete { n: 50 },
        vec![25, 25],
    );
    c.max_steps = 3;
    let out = simulate_run(&g, &c, 1, 0).unwrap();
    assert_eq!((out.fixed, out.steps), (None, 3));
    let out = Simulator::new(&g, &c)
        .unwrap()
        .every_step()
        .run(1, 0)
        .unwrap();
    assert_eq!((out.fixed, out.steps), (None, 3));
    let s = simulate(&g, &c, 1, 10).unwrap();
    assert_eq!(s.unfinished, 10);
    assert_eq!(
        simulate(&g, &c, 1, 0),
        Err(SimulationError::Runs {
            got: 0,
            limit: MAX_RUNS
        })
    );
    c.initial = vec![25, 24];
    assert_eq!(
        simulate(&g, &c, 1, 1),
        Err(SimulationError::InitialSum { sum: 49, nodes: 50 })
    );
    c.initial = vec![10, 10, 30]; // the matrix has only two types
    assert_eq!(
        simulate(&g, &c, 1, 1),
        Err(SimulationError::TypeCount {
            expected: 2,
            got: 3
        })
    );
    c.initial = vec![25, 25];
    c.mutation = 1.5;
    assert_eq!(simulate(&g, &c, 1, 1), Err(SimulationError::Mutation(1.5)));
    c.mutation = 0.0;
    c.fitness = FitnessMap::Linear { w: 1.0 };
    let negative = PayoffMatrix::from_rows(&[[-1.0, 0.0], [0.0, 0.0]]).unwrap();
    assert!(matches!(
        simulate(&negative, &c, 1, 1),
        Err(SimulationError::NegativeFitness { .. })
    ));
    c.interaction = Graph::Edges {
        n: 3,
        edges: vec![(0, 1), (1, 1)],
    };
    c.initial = vec![1, 2];
    assert_eq!(simulate(&g, &c, 1, 1).unwrap_err().field(), Some("graph"));
    c.interaction = Graph::Edges {
        n: 3,
        edges: vec![(0, 1)],
    };
    assert_eq!(
        simulate(&g, &c, 1, 1),
        Err(SimulationError::Graph {
            role: GraphRole::Interaction,
            source: GraphError::Isolated { node: 2 }
        })
    );
    c.interaction = Graph::Cycle { n: 2 };
    c.initial = vec![1, 1];
    assert!(simulate(&g, &c, 1, 1).is_err());
    c.interaction = Graph::Complete { n: 10_000_000_000 };
    c.initial = vec![1, 9_999_999_999];
    assert!(matches!(
        simulate(&g, &c, 1, 1),
        Err(SimulationError::Graph {
            source: GraphError::TooManyNodes { .. },
            ..
        })
    ));
}

#[test]
fn zero_and_overflowing_fitness_are_errors() {
    // Every fitness zero (w = 1, all payoffs 0): birth proportional to fitness is undefined.
    let zero = PayoffMatrix::from_rows(&[[0.0, 0.0], [0.0, 0.0]]).unwrap();
    let mut c = config(UpdateRule::BirthDeath, Graph::Cycle { n: 5 }, vec![2, 3]);
    c.fitness = FitnessMap::Linear { w: 1.0 };
    let e = simulate(&zero, &c, 1, 4).unwrap_err();
    assert!(
        matches!(&e, SimulationError::InRun { run: 0, source } if matches!(**source, SimulationError::ZeroFitness { .. })),
        "{e:?}"
    );
    c.interaction = Graph::Complete { n: 5 };
    for sim in [
        Simulator::new(&zero, &c).unwrap(),
        Simulator::new(&zero, &c).unwrap().every_step(),
    ] {
        assert_eq!(sim.method(), Method::EveryStep, "no skipping through it");
        assert_eq!(
            sim.simulate(1, 4),
            Err(SimulationError::ZeroFitness { counts: vec![2, 3] }.in_run(0))
        );
    }
    // Fitness zero in one state only (all A have payoff 0; the last B has payoff 0 when it is
    // alone among A): runs from one A never reach it and finish; runs that start there fail.
    let partial = PayoffMatrix::from_rows(&[[0.0, 0.0], [0.0, 1.0]]).unwrap();
    let mut one_a = config(UpdateRule::BirthDeath, Graph::Complete { n: 6 }, vec![1, 5]);
    one_a.fitness = FitnessMap::Linear { w: 1.0 };
    let s = simulate(&partial, &one_a, 1, 100).unwrap();
    assert_eq!(s.fixations, vec![0, 100]);
    one_a.initial = vec![5, 1];
    assert!(matches!(
        simulate(&partial, &one_a, 1, 100),
        Err(SimulationError::InRun { run: 0, .. })
    ));
    // exp(w F) beyond f64.
    let huge = PayoffMatrix::from_rows(&[[1e300, 0.0], [0.0, 0.0]]).unwrap();
    c.fitness = FitnessMap::Exponential { w: 1.0 };
    c.initial = vec![3, 2];
    match simulate(&huge, &c, 1, 4) {
        Err(SimulationError::InRun { run: 0, source }) => {
            assert!(
                matches!(*source, SimulationError::Overflow { .. }),
                "{source:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    // Payoffs at the edge of f64: Fermi differences overflow to infinity, which the
    // imitation probability handles as its limit; nothing becomes NaN.
    let edge = PayoffMatrix::from_rows(&[[1e308, -1e308], [1e308, 0.0]]).unwrap();
    let c = config(
        UpdateRule::Fermi { beta: 1.0 },
        Graph::Complete { n: 6 },
        vec![3, 3],
    );
    let s = every_step(&edge, &c, 1, 50);
    assert_eq!(s.fixations.iter().sum::<u64>() + s.unfinished, 50);
    assert_eq!(fermi::probability(0.0, f64::INFINITY), 0.5);
    assert_eq!(fermi::probability(1.0, f64::NEG_INFINITY), 0.0);
}

#[test]
fn payoff_errors_travel_up_with_their_run() {
    // A payoff source that fails (as a real match whose strategy panics): the first failing
    // run by index is reported, with the typed cause, for any thread count.
    struct Failing;
    impl PairPayoff for Failing {
        fn types(&self) -> usize {
            2
        }
        fn payoff(&self, a: usize, b: usize, rng: &mut Rng) -> Result<f64, PayoffError> {
            if rng.next_f64() < 0.01 {
                Err(PayoffError::UnknownType { index: 7, types: 2 })
            } else {
                Ok((a + b) as f64)
            }
        }
    }
    struct NotANumber;
    impl PairPayoff for NotANumber {
        fn types(&self) -> usize {
            2
        }
        fn payoff(&self, _: usize, _: usize, _: &mut Rng) -> Result<f64, PayoffError> {
            Ok(f64::NAN)
        }
    }
    for graph in [Graph::Complete { n: 10 }, Graph::Cycle { n: 10 }] {
        let c = config(UpdateRule::BirthDeath, graph, vec![5, 5]);
        let pool = |t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| simulate(&Failing, &c, 3, 200));
        let two = pool(2).install(|| simulate(&Failing, &c, 3, 200));
        assert_eq!(one, two);
        match one {
            Err(SimulationError::InRun { source, .. }) => assert_eq!(
                *source,
                SimulationError::Payoff(PayoffError::UnknownType { index: 7, types: 2 })
            ),
            other => panic!("{other:?}"),
        }
        match simulate(&NotANumber, &c, 3, 5) {
            Err(SimulationError::InRun { run: 0, source }) => assert!(matches!(
                *source,
                SimulationError::Payoff(PayoffError::NonFinite { .. })
            )),
            other => panic!("{other:?}"),
        }
    }
    let mut rng = Rng::seed_from_u64(0);
    assert_eq!(
        nowak().payoff(2, 0, &mut rng),
        Err(PayoffError::UnknownType { index: 2, types: 2 })
    );
}

#[test]
fn state_table_and_computed_transitions_agree() {
    // The table of every state's changes holds the numbers computed on entry, so a run reads
    // the same thresholds either way: identical outcomes for the same seed.
    let three =
        PayoffMatrix::from_rows(&[[1.0, 2.0, 0.5], [2.0, 1.0, 2.0], [0.0, 2.0, 1.0]]).unwrap();
    for rule in [
        UpdateRule::Fermi { beta: 1.0 },
        UpdateRule::BirthDeath,
        UpdateRule::DeathBirth,
    ] {
        let mut c = config(rule, Graph::Complete { n: 12 }, vec![4, 4, 4]);
        c.mutation = 0.05;
        c.max_steps = 5_000;
        let chain = well_mixed::CountChain {
            n: 12,
            k: 3,
            rule,
            fitness: c.fitness,
            mu: c.mutation,
        };
        let table = payoff::PayoffTable::new(&three, 3).unwrap();
        let states = well_mixed::StateTable::new(&chain, &table).unwrap();
        let mut work = well_mixed::Transitions::default();
        for r in 0..20 {
            let mut run = |states| {
                let mut rng = Rng::for_stream(5, r);
                well_mixed::run_tabulated(
                    &chain,
                    &table,
                    states,
                    &c.initial,
                    c.max_steps,
                    &mut work,
                    &mut rng,
                )
                .unwrap()
            };
            let with = run(Some(&states));
            assert_eq!(with, run(None));
            assert_eq!(with.counts.iter().sum::<usize>(), 12);
        }
    }
}
