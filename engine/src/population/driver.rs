//! The run driver: [`Simulator`] checks a configuration once, picks the simulator that fits it
//! and runs many independent runs in parallel, each seeded by its index, reducing their
//! outcomes with integer arithmetic ([`SimulationSummary`]).
//!
//! Why a module of its own: seeding, parallelism and the choice of algorithm are the same for
//! every update rule and representation, and they carry the determinism guarantee (the same
//! seed gives byte-identical summaries for any number of threads).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use vertrouwen_plugins_api::Rng;

use super::error::{GraphRole, SimulationError};
use super::fermi::{self, PayoffClasses};
use super::graph::{Adjacency, AdjacencyError, Graph};
use super::payoff::{Drawn, PairPayoff, PayoffTable};
use super::settings::{Limits, SimulationConfig, UpdateRule, MAX_RUNS};
use super::skipping::TwoTypeChain;
use super::structured::{self, GraphContext, GraphState};
use super::well_mixed::{self, CountChain, StateTable, Transitions};

/// Result of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunOutcome {
    /// The type that took over, or `None` if `max_steps` was reached first.
    pub fixed: Option<usize>,
    /// Steps taken.
    pub steps: u64,
    /// Final number of individuals of each type.
    pub counts: Vec<usize>,
}

/// Aggregate of many independent runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationSummary {
    /// Number of runs.
    pub runs: u64,
    /// Runs won by each type.
    pub fixations: Vec<u64>,
    /// `fixations / runs`.
    pub fixation_frequency: Vec<f64>,
    /// Binomial standard error of each frequency, `sqrt(p (1 - p) / runs)`.
    pub standard_error: Vec<f64>,
    /// Runs that hit `max_steps`.
    pub unfinished: u64,
    /// Mean steps per run (all runs).
    pub mean_steps: f64,
    /// Mean steps of the runs each type won (`None` if it never won).
    pub mean_fixation_steps: Vec<Option<f64>>,
}

/// Which algorithm a [`Simulator`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Draws the number of idle steps between changes (well-mixed, two types, deterministic
    /// payoffs; module `population/skipping.rs`): an algorithmic win, the same distribution of
    /// outcomes.
    SkipIdle,
    /// Draws every elementary update step.
    EveryStep,
}

enum Engine {
    Skipping(TwoTypeChain),
    /// Step by step on counts, with every state's changes tabulated when they fit.
    Counts(Option<StateTable>),
    CountsDrawn,
    Graph {
        inter: Adjacency,
        /// `None`: the interaction graph.
        repro: Option<Adjacency>,
        /// Fermi with tabulated payoffs on a regular interaction graph.
        classes: Option<PayoffClasses>,
    },
}

/// A checked configuration with its tables and graphs, shared by all runs.
pub struct Simulator<'a, P: ?Sized> {
    payoff: &'a P,
    table: Option<PayoffTable>,
    chain: CountChain,
    initial: Vec<usize>,
    max_steps: u64,
    engine: Engine,
}

impl<P: PairPayoff + ?Sized> std::fmt::Debug for Simulator<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("chain", &self.chain)
            .field("initial", &self.initial)
            .field("max_steps", &self.max_steps)
            .field("method", &self.method())
            .finish()
    }
}

/// One thread's reusable working memory.
#[derive(Default)]
struct Workspace {
    transitions: Transitions,
    graph: GraphState,
}

fn adjacency(graph: &Graph, n: usize, role: GraphRole) -> Result<Adjacency, SimulationError> {
    Adjacency::build(graph, n).map_err(|e| match e {
        AdjacencyError::Graph(source) => SimulationError::Graph { role, source },
        AdjacencyError::Memory(e) => e,
    })
}

impl<'a, P: PairPayoff + ?Sized> Simulator<'a, P> {
    /// Checks `config` against `payoff` and the default [`Limits`], and prepares what the runs
    /// share. The skipping simulator is chosen where it applies.
    pub fn new(payoff: &'a P, config: &SimulationConfig) -> Result<Self, SimulationError> {
        Self::with_limits(payoff, config, &Limits::default())
    }

    /// [`Simulator::new`] with explicit limits.
    pub fn with_limits(
        payoff: &'a P,
        config: &SimulationConfig,
        limits: &Limits,
    ) -> Result<Self, SimulationError> {
        let sizes = config.check(limits, rayon::current_num_threads())?;
        let (n, k) = (sizes.n, sizes.k);
        if payoff.types() != k {
            return Err(SimulationError::TypeCount {
                expected: payoff.types(),
                got: k,
            });
        }
        let table = if payoff.is_deterministic() {
            Some(PayoffTable::new(payoff, k)?)
        } else {
            None
        };
        // Averages of payoffs lie between the extreme entries: checking the smallest entry
        // rules out negative linear fitness for every state.
        if let (Some(t), false) = (&table, matches!(config.rule, UpdateRule::Fermi { .. })) {
            if let super::FitnessMap::Linear { .. } = config.fitness {
                config.fitness.apply(t.min())?;
            }
        }
        let chain = CountChain {
            n,
            k,
            rule: config.rule,
            fitness: config.fitness,
            mu: config.mutation,
        };
        let engine = match (&table, sizes.well_mixed) {
            // A state whose rates are an error (a zero total fitness, an overflow) cannot be
            // skipped through; the step-by-step simulator reports it if a run enters it, so
            // states no run visits cannot fail a study.
            (Some(t), true) if k == 2 => match TwoTypeChain::new(&chain, t) {
                Ok(two) => Engine::Skipping(two),
                Err(_) => Engine::Counts(StateTable::new(&chain, t)),
            },
            (Some(t), true) => Engine::Counts(StateTable::new(&chain, t)),
            (None, true) => Engine::CountsDrawn,
            (_, false) => {
                let inter = adjacency(&config.interaction, n, GraphRole::Interaction)?;
                let repro = match &config.reproduction {
                    Some(g) if *g != config.interaction => {
                        Some(adjacency(g, n, GraphRole::Reproduction)?)
                    }
                    _ => None,
                };
                let classes = match (config.rule, &table) {
                    (UpdateRule::Fermi { beta }, Some(t)) => PayoffClasses::new(
                        &GraphContext {
                            n,
                            k,
                            rule: config.rule,
                            fitness: config.fitness,
                            mu: config.mutation,
                            inter: &inter,
                            repro: repro.as_ref().unwrap_or(&inter),
                        },
                        t,
                        beta,
                    )?,
                    _ => None,
                };
                Engine::Graph {
                    inter,
                    repro,
                    classes,
                }
            }
        };
        Ok(Simulator {
            payoff,
            table,
            chain,
            initial: config.initial.clone(),
            max_steps: config.max_steps,
            engine,
        })
    }

    /// Forces the step-by-step simulator where the skipping one would run (for comparisons
    /// with step-by-step implementations; the outcomes have the same distribution).
    pub fn every_step(mut self) -> Self {
        if let (Engine::Skipping(_), Some(table)) = (&self.engine, &self.table) {
            self.engine = Engine::Counts(StateTable::new(&self.chain, table));
        }
        self
    }

    /// The population size.
    pub fn population(&self) -> usize {
        self.chain.n
    }

    /// One run with seed `Rng::for_stream(seed, run)`.
    pub fn run(&self, seed: u64, run: u64) -> Result<RunOutcome, SimulationError> {
        self.run_with(seed, run, self.max_steps, &mut Workspace::default())
    }

    /// Run `run` of `seed` stopped after at most `max_steps` steps: the same states as the
    /// whole run up to there (a run's random draws do not depend on its step limit), for
    /// sampling trajectories.
    pub fn run_until(
        &self,
        seed: u64,
        run: u64,
        max_steps: u64,
    ) -> Result<RunOutcome, SimulationError> {
        self.run_with(
            seed,
            run,
            max_steps.min(self.max_steps),
            &mut Workspace::default(),
        )
    }

    fn run_with(
        &self,
        seed: u64,
        run: u64,
        max_steps: u64,
        work: &mut Workspace,
    ) -> Result<RunOutcome, SimulationError> {
        let mut rng = Rng::for_stream(seed, run);
        let rng = &mut rng;
        let (chain, initial) = (&self.chain, &self.initial[..]);
        let result = match (&self.engine, &self.table) {
            (Engine::Skipping(two), _) => Ok(two.run(chain.n, initial[0], max_steps, rng)),
            (Engine::Counts(states), Some(table)) => well_mixed::run_tabulated(
                chain,
                table,
                states.as_ref(),
                initial,
                max_steps,
                &mut work.transitions,
                rng,
            ),
            (Engine::Counts(_) | Engine::CountsDrawn, _) => {
                well_mixed::run_drawn(chain, self.payoff, initial, max_steps, rng)
            }
            (
                Engine::Graph {
                    inter,
                    repro,
                    classes,
                },
                table,
            ) => {
                let ctx = GraphContext {
                    n: chain.n,
                    k: chain.k,
                    rule: chain.rule,
                    fitness: chain.fitness,
                    mu: chain.mu,
                    inter,
                    repro: repro.as_ref().unwrap_or(inter),
                };
                match (table, classes) {
                    (_, Some(c)) => Ok(fermi::run_classes(
                        &ctx,
                        c,
                        initial,
                        max_steps,
                        &mut work.graph,
                        rng,
                    )),
                    (Some(t), None) => {
                        structured::run(&ctx, t, initial, max_steps, &mut work.graph, rng)
                    }
                    (None, None) => structured::run(
                        &ctx,
                        &Drawn(self.payoff),
                        initial,
                        max_steps,
                        &mut work.graph,
                        rng,
                    ),
                }
            }
        };
        result.map_err(|e| e.in_run(run))
    }

    /// `runs` independent runs in parallel (rayon's current pool), run `r` seeded by
    /// `Rng::for_stream(seed, r)`; the summary does not depend on the number of threads. The
    /// first error (by run index) is returned if any run fails.
    pub fn simulate(&self, seed: u64, runs: u64) -> Result<SimulationSummary, SimulationError> {
        self.simulate_part(seed, runs, crate::tournament::Shard::WHOLE)
            .map(|t| t.summary(runs))
    }

    /// The runs `shard.index() + m * shard.count()` of a study of `runs` runs, as a
    /// mergeable tally: the shards' tallies add up to the whole study's.
    pub fn simulate_part(
        &self,
        seed: u64,
        runs: u64,
        shard: crate::tournament::Shard,
    ) -> Result<RunTally, SimulationError> {
        if runs == 0 || runs > MAX_RUNS {
            return Err(SimulationError::Runs {
                got: runs,
                limit: MAX_RUNS,
            });
        }
        let k = self.chain.k;
        let (first, step) = (u64::from(shard.index()), u64::from(shard.count()));
        let tally = (0..shard.jobs(runs))
            .into_par_iter()
            .map(|m| first + m * step)
            .fold(
                || (RunTally::new(k), Workspace::default()),
                |(mut acc, mut work), r| {
                    if acc.error.as_ref().is_some_and(|(i, _)| *i < r) {
                        return (acc, work); // an earlier run already failed
                    }
                    match self.run_with(seed, r, self.max_steps, &mut work) {
                        Ok(out) => acc.record(&out),
                        Err(e) => acc.error = Some((r, e)),
                    }
                    (acc, work)
                },
            )
            .map(|(t, _)| t)
            .reduce(|| RunTally::new(k), RunTally::merge);
        match tally.error {
            Some((_, e)) => Err(e),
            None => Ok(tally),
        }
    }

    /// Which algorithm runs.
    pub fn method(&self) -> Method {
        match self.engine {
            Engine::Skipping(_) => Method::SkipIdle,
            _ => Method::EveryStep,
        }
    }
}

/// The integer sums of some of a simulation's runs: order-independent, hence identical for
/// any thread count, and mergeable: the tallies of disjoint sets of runs (shards of a study)
/// add up to the tally of their union, which [`RunTally::summary_of`] turns into the same summary,
/// bit for bit, as one [`Simulator::simulate`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunTally {
    fixations: Vec<u64>,
    fixation_steps: Vec<u128>,
    unfinished: u64,
    steps: u128,
    /// First error by run index (never stored: a tally with an error is not returned).
    #[serde(skip)]
    error: Option<(u64, SimulationError)>,
}

/// Tallies that cannot be added or summarised: of another study, or impossible counts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunTallyError {
    #[error("it counts {found} strategies, the study has {expected}")]
    Strategies { found: usize, expected: usize },
    #[error("it holds {found} runs, the study has {expected}")]
    Runs { found: u128, expected: u64 },
    #[error("its counts overflow when added")]
    Overflow,
}

impl RunTally {
    /// The tally of no run, for `k` strategies.
    pub fn empty(k: usize) -> Self {
        Self::new(k)
    }

    /// The number of strategies counted.
    pub fn strategies(&self) -> usize {
        self.fixations.len()
    }

    /// The number of runs recorded.
    pub fn runs(&self) -> u128 {
        self.fixations.iter().map(|&c| u128::from(c)).sum::<u128>() + u128::from(self.unfinished)
    }

    /// Adds the tally of other runs, refusing another shape or an overflow (a crafted file).
    pub fn add(&mut self, other: &RunTally) -> Result<(), RunTallyError> {
        if other.fixations.len() != self.fixations.len()
            || other.fixation_steps.len() != self.fixation_steps.len()
        {
            return Err(RunTallyError::Strategies {
                found: other.fixations.len(),
                expected: self.fixations.len(),
            });
        }
        let mut sum = self.clone();
        for t in 0..sum.fixations.len() {
            sum.fixations[t] = sum.fixations[t]
                .checked_add(other.fixations[t])
                .ok_or(RunTallyError::Overflow)?;
            sum.fixation_steps[t] = sum.fixation_steps[t]
                .checked_add(other.fixation_steps[t])
                .ok_or(RunTallyError::Overflow)?;
        }
        sum.unfinished = sum
            .unfinished
            .checked_add(other.unfinished)
            .ok_or(RunTallyError::Overflow)?;
        sum.steps = sum
            .steps
            .checked_add(other.steps)
            .ok_or(RunTallyError::Overflow)?;
        *self = sum;
        Ok(())
    }

    /// The summary of a study of `runs` runs whose every run this tally holds.
    pub fn summary_of(
        self,
        strategies: usize,
        runs: u64,
    ) -> Result<SimulationSummary, RunTallyError> {
        if self.fixations.len() != strategies || self.fixation_steps.len() != strategies {
            return Err(RunTallyError::Strategies {
                found: self.fixations.len(),
                expected: strategies,
            });
        }
        if self.runs() != u128::from(runs) {
            return Err(RunTallyError::Runs {
                found: self.runs(),
                expected: runs,
            });
        }
        Ok(self.summary(runs))
    }

    fn new(k: usize) -> Self {
        RunTally {
            fixations: vec![0; k],
            fixation_steps: vec![0; k],
            unfinished: 0,
            steps: 0,
            error: None,
        }
    }

    fn record(&mut self, out: &RunOutcome) {
        self.steps += u128::from(out.steps);
        match out.fixed {
            Some(t) => {
                self.fixations[t] += 1;
                self.fixation_steps[t] += u128::from(out.steps);
            }
            None => self.unfinished += 1,
        }
    }

    fn merge(mut self, other: RunTally) -> RunTally {
        for t in 0..self.fixations.len() {
            self.fixations[t] += other.fixations[t];
            self.fixation_steps[t] += other.fixation_steps[t];
        }
        self.unfinished += other.unfinished;
        self.steps += other.steps;
        self.error = match (self.error, other.error) {
            (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
            (a, b) => a.or(b),
        };
        self
    }

    fn summary(self, runs: u64) -> SimulationSummary {
        let rf = runs as f64;
        let fixation_frequency: Vec<f64> = self.fixations.iter().map(|&c| c as f64 / rf).collect();
        SimulationSummary {
            runs,
            standard_error: fixation_frequency
                .iter()
                .map(|p| (p * (1.0 - p) / rf).sqrt())
                .collect(),
            fixation_frequency,
            mean_fixation_steps: self
                .fixations
                .iter()
                .zip(&self.fixation_steps)
                .map(|(&c, &s)| (c > 0).then(|| s as f64 / c as f64))
                .collect(),
            fixations: self.fixations,
            unfinished: self.unfinished,
            mean_steps: self.steps as f64 / rf,
        }
    }
}

/// `runs` independent runs of `config` in parallel: [`Simulator::new`] then
/// [`Simulator::simulate`].
pub fn simulate<P: PairPayoff + ?Sized>(
    payoff: &P,
    config: &SimulationConfig,
    seed: u64,
    runs: u64,
) -> Result<SimulationSummary, SimulationError> {
    Simulator::new(payoff, config)?.simulate(seed, runs)
}

/// One run with seed `Rng::for_stream(seed, run)`.
pub fn simulate_run<P: PairPayoff + ?Sized>(
    payoff: &P,
    config: &SimulationConfig,
    seed: u64,
    run: u64,
) -> Result<RunOutcome, SimulationError> {
    Simulator::new(payoff, config)?.run(seed, run)
}
