//! Stochastic simulation of finite populations: Moran birth-death, Moran death-birth and
//! pairwise comparison (Fermi) updating, with mutation, on interaction and reproduction graphs.
//!
//! # Conventions
//!
//! - Individuals carry a strategy *type* `0..k`; `k` is the length of
//!   [`SimulationConfig::initial`] (how many individuals of each type start; they are placed
//!   uniformly at random on the graph's nodes, independently in each run).
//! - Payoffs come from a [`PairPayoff`]: `payoff(a, b, rng)` is what type `a` gets against type
//!   `b`. An individual's payoff `F` is the *average* over its interaction neighbours; there is
//!   no self-interaction, so on the complete graph `F_A(i) = [a(i-1) + b(N-i)]/(N-1)` as in
//!   [`crate::moran`]. Deterministic payoffs (a [`PayoffMatrix`]) are tabulated once; random
//!   ones are re-drawn whenever an individual's payoff is recomputed.
//! - [`UpdateRule::BirthDeath`]: a parent is chosen with probability proportional to fitness;
//!   its offspring replaces a uniformly chosen reproduction neighbour. On the complete graph
//!   the offspring replaces a uniformly chosen member of the whole population (the parent may
//!   die), the classic Moran process of [`crate::moran`]; fixation probabilities are the same
//!   either way, only times differ.
//! - [`UpdateRule::DeathBirth`]: a uniformly chosen individual dies; its reproduction
//!   neighbours compete for the empty site with probability proportional to fitness
//!   (Ohtsuki et al. 2006, Nature 441:502).
//! - [`UpdateRule::Fermi`]: a uniformly chosen focal individual picks a uniformly chosen
//!   reproduction neighbour and copies its type with probability
//!   `1 / (1 + exp(-beta (F_model - F_focal)))` (Traulsen, Nowak and Pacheco 2006).
//! - Fitness for the two Moran rules is `1 - w + w F` ([`FitnessMap::Linear`], negative values
//!   are an error) or `exp(w F)` ([`FitnessMap::Exponential`]); `w` is the intensity of
//!   selection. The Fermi rule uses raw payoffs and its own `beta`.
//! - Mutation with probability `mutation`: a Moran offspring, or (Fermi) the focal individual
//!   instead of imitating, takes a uniformly chosen *other* type.
//! - One step is one update attempt. A run stops when the population is monomorphic
//!   ("fixation", checked before every step, so a monomorphic start is fixed at step 0) or
//!   after `max_steps` steps.
//! - Run `r` of master seed `s` uses `Rng::for_stream(s, r)` and the per-run results are
//!   reduced with integer arithmetic, so summaries are identical for any number of threads.
//! - Well-mixed two-type populations with deterministic payoffs use an exact O(1)-per-event
//!   representation: the count of type 0 performs the birth-death chain of [`crate::moran`];
//!   the steps on which nothing changes are skipped by drawing their geometric number.

// Index loops mirror the published formulas (and several arrays are indexed together).
#![allow(clippy::needless_range_loop)]

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use vertrouwen_plugins_api::Rng;

use crate::moran::pair_payoffs;
use crate::payoff_matrix::{DynamicsError, PayoffMatrix, Result};

/// Source of payoffs between strategy types. Implemented for [`PayoffMatrix`]; an integrator
/// may implement it with real matches.
pub trait PairPayoff: Sync {
    /// The payoff type `a` gets against type `b` (may use `rng` if random).
    fn payoff(&self, a: usize, b: usize, rng: &mut Rng) -> f64;

    /// `true` if `payoff` never uses `rng` and always returns the same value, so the simulator
    /// may tabulate it once. Defaults to `false`.
    fn is_deterministic(&self) -> bool {
        false
    }
}

impl PairPayoff for PayoffMatrix {
    /// Entry `(a, b)`; NaN (rejected by the simulator) when out of range.
    fn payoff(&self, a: usize, b: usize, _rng: &mut Rng) -> f64 {
        if a < self.size() && b < self.size() {
            self.get(a, b)
        } else {
            f64::NAN
        }
    }

    fn is_deterministic(&self) -> bool {
        true
    }
}

/// A population structure; nodes are `0..n`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Graph {
    /// Everybody is everybody's neighbour (well mixed).
    Complete {
        /// Population size.
        n: usize,
    },
    /// A ring: `i` neighbours `i +- 1 (mod n)`; `n >= 3`.
    Cycle {
        /// Population size.
        n: usize,
    },
    /// A `width x height` square lattice with periodic boundary (von Neumann neighbourhood,
    /// 4 neighbours); both sides `>= 3`.
    Lattice {
        /// Columns.
        width: usize,
        /// Rows.
        height: usize,
    },
    /// Node 0 is the hub, linked to every leaf `1..n`; `n >= 2`.
    Star {
        /// Population size.
        n: usize,
    },
    /// An explicit undirected edge list (duplicates ignored, self-loops rejected).
    Edges {
        /// Population size.
        n: usize,
        /// Undirected edges.
        edges: Vec<(usize, usize)>,
    },
}

/// Update rule of the simulation (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum UpdateRule {
    /// Moran birth-death.
    BirthDeath,
    /// Moran death-birth.
    DeathBirth,
    /// Pairwise comparison with intensity `beta >= 0`.
    Fermi {
        /// Intensity of selection.
        beta: f64,
    },
}

/// Payoff-to-fitness map for the Moran rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum FitnessMap {
    /// `1 - w + w F`.
    Linear {
        /// Intensity of selection, `>= 0`.
        w: f64,
    },
    /// `exp(w F)`.
    Exponential {
        /// Intensity of selection, `>= 0`.
        w: f64,
    },
}

/// Everything a simulation needs besides payoffs and seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationConfig {
    /// Update rule.
    pub rule: UpdateRule,
    /// Fitness map (Moran rules only).
    pub fitness: FitnessMap,
    /// Mutation probability per update, in `[0, 1]`.
    pub mutation: f64,
    /// Who plays whom.
    pub interaction: Graph,
    /// Who replaces / imitates whom; `None` means the interaction graph.
    pub reproduction: Option<Graph>,
    /// Initial number of individuals of each type (sums to the population size).
    pub initial: Vec<usize>,
    /// Step limit per run.
    pub max_steps: u64,
}

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

fn invalid(name: &'static str, reason: String) -> DynamicsError {
    DynamicsError::InvalidParameter { name, reason }
}

/// Compressed adjacency lists.
#[derive(Debug, Clone)]
struct Csr {
    offsets: Vec<usize>,
    targets: Vec<usize>,
}

impl Csr {
    #[inline]
    fn neighbours(&self, v: usize) -> &[usize] {
        &self.targets[self.offsets[v]..self.offsets[v + 1]]
    }
}

impl Graph {
    fn size(&self) -> usize {
        match *self {
            Graph::Complete { n } | Graph::Cycle { n } | Graph::Star { n } => n,
            Graph::Edges { n, .. } => n,
            Graph::Lattice { width, height } => width.saturating_mul(height),
        }
    }

    fn adjacency(&self) -> Result<Csr> {
        let n = self.size();
        let mut lists: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut link = |a: usize, b: usize| {
            lists[a].push(b);
            lists[b].push(a);
        };
        match self {
            Graph::Complete { .. } => {
                for a in 0..n {
                    for b in a + 1..n {
                        link(a, b);
                    }
                }
            }
            Graph::Cycle { .. } => {
                if n < 3 {
                    return Err(invalid("graph", format!("a cycle needs n >= 3, got {n}")));
                }
                for a in 0..n {
                    link(a, (a + 1) % n);
                }
            }
            Graph::Lattice { width, height } => {
                let (w, h) = (*width, *height);
                if w < 3 || h < 3 {
                    return Err(invalid(
                        "graph",
                        format!("a periodic lattice needs sides >= 3, got {w} x {h}"),
                    ));
                }
                for y in 0..h {
                    for x in 0..w {
                        let v = y * w + x;
                        link(v, y * w + (x + 1) % w);
                        link(v, ((y + 1) % h) * w + x);
                    }
                }
            }
            Graph::Star { .. } => {
                for leaf in 1..n {
                    link(0, leaf);
                }
            }
            Graph::Edges { edges, .. } => {
                for &(a, b) in edges {
                    if a >= n || b >= n {
                        return Err(invalid("graph", format!("edge ({a}, {b}) outside 0..{n}")));
                    }
                    if a == b {
                        return Err(invalid("graph", format!("self-loop at node {a}")));
                    }
                    link(a, b);
                }
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::new();
        offsets.push(0);
        for (v, mut l) in lists.into_iter().enumerate() {
            l.sort_unstable();
            l.dedup();
            if l.is_empty() {
                return Err(invalid("graph", format!("node {v} has no neighbours")));
            }
            targets.extend(l);
            offsets.push(targets.len());
        }
        Ok(Csr { offsets, targets })
    }
}

/// Exact two-type well-mixed chain: per state, the probability that an event is an increase
/// and `ln(1 - P(event))` for the geometric number of idle steps.
struct TwoTypeChain {
    p_up: Vec<f64>,
    ln_idle: Vec<f64>,
}

enum Topology {
    WellMixed(Option<TwoTypeChain>),
    Structured { inter: Csr, repro: Csr },
}

/// A validated configuration, shared by all runs.
struct Prepared<'a, P: ?Sized> {
    payoff: &'a P,
    table: Option<Vec<f64>>,
    k: usize,
    n: usize,
    rule: UpdateRule,
    fitness: FitnessMap,
    mu: f64,
    max_steps: u64,
    initial: Vec<usize>,
    topology: Topology,
}

#[inline]
fn fermi(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Index drawn with probability proportional to `weights` (non-negative, positive total).
#[inline]
fn pick(weights: &[f64], total: f64, rng: &mut Rng) -> usize {
    let mut u = rng.next_f64() * total;
    let mut last = 0;
    for (i, &w) in weights.iter().enumerate() {
        if w > 0.0 {
            if u < w {
                return i;
            }
            u -= w;
            last = i;
        }
    }
    last // round-off fell off the end
}

/// Fenwick (binary indexed) tree of fitness values: O(log N) update and proportional sampling.
struct Fenwick {
    tree: Vec<f64>,
}

impl Fenwick {
    fn new(values: &[f64]) -> Self {
        let n = values.len();
        let mut tree = vec![0.0; n + 1];
        for (i, &v) in values.iter().enumerate() {
            let mut j = i + 1;
            while j <= n {
                tree[j] += v;
                j += j & j.wrapping_neg();
            }
        }
        Fenwick { tree }
    }
    fn add(&mut self, i: usize, delta: f64) {
        let n = self.tree.len() - 1;
        let mut j = i + 1;
        while j <= n {
            self.tree[j] += delta;
            j += j & j.wrapping_neg();
        }
    }
    fn total(&self) -> f64 {
        let mut j = self.tree.len() - 1;
        let mut s = 0.0;
        while j > 0 {
            s += self.tree[j];
            j &= j - 1;
        }
        s
    }
    /// Smallest index whose prefix sum exceeds `u`.
    fn find(&self, mut u: f64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= u {
                u -= self.tree[next];
                pos = next;
            }
            step >>= 1;
        }
        pos.min(n - 1)
    }
}

impl<'a, P: PairPayoff + ?Sized> Prepared<'a, P> {
    fn new(payoff: &'a P, config: &SimulationConfig) -> Result<Self> {
        let k = config.initial.len();
        if k == 0 {
            return Err(invalid("initial counts", "need at least one type".into()));
        }
        if !(0.0..=1.0).contains(&config.mutation) {
            return Err(invalid(
                "mutation probability",
                format!("must be in [0, 1], got {}", config.mutation),
            ));
        }
        let selection = match config.rule {
            UpdateRule::Fermi { beta } => ("beta", beta),
            _ => match config.fitness {
                FitnessMap::Linear { w } | FitnessMap::Exponential { w } => ("w", w),
            },
        };
        if !selection.1.is_finite() || selection.1 < 0.0 {
            return Err(invalid(
                selection.0,
                format!("must be finite and >= 0, got {}", selection.1),
            ));
        }
        let n = config.interaction.size();
        let repro_graph = config.reproduction.as_ref().unwrap_or(&config.interaction);
        if repro_graph.size() != n {
            return Err(invalid(
                "graph",
                format!(
                    "interaction graph has {n} nodes, reproduction graph {}",
                    repro_graph.size()
                ),
            ));
        }
        if n < 2 {
            return Err(invalid("population size", format!("need N >= 2, got {n}")));
        }
        let total: usize = config.initial.iter().sum();
        if total != n {
            return Err(DynamicsError::DimensionMismatch {
                what: "initial counts (sum)",
                expected: n,
                got: total,
            });
        }
        let table = if payoff.is_deterministic() {
            let mut rng = Rng::seed_from_u64(0); // unused by deterministic payoffs
            let mut t = Vec::with_capacity(k * k);
            for a in 0..k {
                for b in 0..k {
                    let v = payoff.payoff(a, b, &mut rng);
                    if !v.is_finite() {
                        return Err(invalid(
                            "payoff",
                            format!("payoff of type {a} against {b} is {v}"),
                        ));
                    }
                    t.push(v);
                }
            }
            Some(t)
        } else {
            None
        };
        let mut prepared = Prepared {
            payoff,
            table,
            k,
            n,
            rule: config.rule,
            fitness: config.fitness,
            mu: config.mutation,
            max_steps: config.max_steps,
            initial: config.initial.clone(),
            topology: Topology::WellMixed(None),
        };
        // Averages of payoffs lie between the extreme entries: checking the smallest entry
        // rules out negative linear fitness for every state.
        if let (Some(t), false) = (
            &prepared.table,
            matches!(config.rule, UpdateRule::Fermi { .. }),
        ) {
            let min = t.iter().copied().fold(f64::INFINITY, f64::min);
            prepared.fit(min)?;
        }
        let well_mixed = matches!(config.interaction, Graph::Complete { .. })
            && matches!(repro_graph, Graph::Complete { .. });
        prepared.topology = if well_mixed {
            let chain = match (&prepared.table, k) {
                (Some(t), 2) => Some(prepared.two_type_chain([[t[0], t[1]], [t[2], t[3]]])?),
                _ => None,
            };
            Topology::WellMixed(chain)
        } else {
            Topology::Structured {
                inter: config.interaction.adjacency()?,
                repro: repro_graph.adjacency()?,
            }
        };
        Ok(prepared)
    }

    #[inline]
    fn fit(&self, payoff: f64) -> Result<f64> {
        match self.fitness {
            FitnessMap::Linear { w } => {
                let f = 1.0 - w + w * payoff;
                if f < 0.0 {
                    return Err(DynamicsError::NegativeFitness {
                        value: f,
                        context: format!("1 - w + w F with w = {w}, F = {payoff}"),
                    });
                }
                Ok(f)
            }
            FitnessMap::Exponential { w } => Ok((w * payoff).exp()),
        }
    }

    #[inline]
    fn pay(&self, a: usize, b: usize, rng: &mut Rng) -> Result<f64> {
        match &self.table {
            Some(t) => Ok(t[a * self.k + b]),
            None => {
                let v = self.payoff.payoff(a, b, rng);
                if v.is_finite() {
                    Ok(v)
                } else {
                    Err(invalid(
                        "payoff",
                        format!("payoff of type {a} against {b} is {v}"),
                    ))
                }
            }
        }
    }

    /// Transition probabilities of the count of type 0 (see the module docs of
    /// [`crate::moran`] for the rules; mutation as in this module's docs).
    fn two_type_chain(&self, game: [[f64; 2]; 2]) -> Result<TwoTypeChain> {
        let n = self.n;
        let nf = n as f64;
        let mu = self.mu;
        let mut p_up = vec![0.0; n + 1];
        let mut ln_idle = vec![0.0; n + 1];
        for i in 1..n {
            let fi = i as f64;
            let (fa, fb) = pair_payoffs(&game, n, i);
            let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
            let (up, down) = match self.rule {
                UpdateRule::BirthDeath => {
                    let (f, g) = (self.fit(fa)?, self.fit(fb)?);
                    let tot = fi * f + (nf - fi) * g;
                    (
                        ratio(fi * f * (1.0 - mu) + (nf - fi) * g * mu, tot) * (nf - fi) / nf,
                        ratio((nf - fi) * g * (1.0 - mu) + fi * f * mu, tot) * fi / nf,
                    )
                }
                UpdateRule::DeathBirth => {
                    let (f, g) = (self.fit(fa)?, self.fit(fb)?);
                    // A B dies, the other N-1 compete; or an A dies.
                    let up = ratio(
                        fi * f * (1.0 - mu) + (nf - fi - 1.0) * g * mu,
                        fi * f + (nf - fi - 1.0) * g,
                    ) * (nf - fi)
                        / nf;
                    let down = ratio(
                        (nf - fi) * g * (1.0 - mu) + (fi - 1.0) * f * mu,
                        (fi - 1.0) * f + (nf - fi) * g,
                    ) * fi
                        / nf;
                    (up, down)
                }
                UpdateRule::Fermi { beta } => {
                    let z = beta * (fa - fb);
                    (
                        (nf - fi) / nf * ((1.0 - mu) * fi / (nf - 1.0) * fermi(z) + mu),
                        fi / nf * ((1.0 - mu) * (nf - fi) / (nf - 1.0) * fermi(-z) + mu),
                    )
                }
            };
            let rate = up + down;
            p_up[i] = if rate > 0.0 { up / rate } else { 0.5 };
            // ln P(no change); -inf when something always happens; 0 when stuck.
            ln_idle[i] = (-rate.min(1.0)).ln_1p();
        }
        Ok(TwoTypeChain { p_up, ln_idle })
    }

    fn mutate(&self, t: usize, rng: &mut Rng) -> usize {
        if self.k < 2 || self.mu == 0.0 || !rng.chance(self.mu) {
            return t;
        }
        self.other_type(t, rng)
    }

    fn other_type(&self, t: usize, rng: &mut Rng) -> usize {
        let o = rng.below(self.k as u64 - 1) as usize;
        if o >= t {
            o + 1
        } else {
            o
        }
    }

    fn run(&self, seed: u64, run: u64) -> Result<RunOutcome> {
        let mut rng = Rng::for_stream(seed, run);
        match &self.topology {
            Topology::WellMixed(Some(chain)) => Ok(self.run_two_type(chain, &mut rng)),
            Topology::WellMixed(None) => self.run_well_mixed(&mut rng),
            Topology::Structured { inter, repro } => self.run_structured(inter, repro, &mut rng),
        }
    }

    fn run_two_type(&self, chain: &TwoTypeChain, rng: &mut Rng) -> RunOutcome {
        let n = self.n;
        let mut i = self.initial[0];
        let mut steps = 0u64;
        let fixed = loop {
            if i == n {
                break Some(0);
            }
            if i == 0 {
                break Some(1);
            }
            if steps >= self.max_steps {
                break None;
            }
            let ln_idle = chain.ln_idle[i];
            if ln_idle == 0.0 {
                steps = self.max_steps; // nothing can ever happen in this state
                continue;
            }
            // Idle steps before the next event ~ Geometric(P(event)) by inversion:
            // floor(ln(U) / ln(1 - p)), U uniform in (0, 1].
            let idle = ((1.0 - rng.next_f64()).ln() / ln_idle) as u64; // saturating cast
            steps = steps.saturating_add(idle).saturating_add(1);
            if steps > self.max_steps {
                steps = self.max_steps;
                continue;
            }
            if rng.next_f64() < chain.p_up[i] {
                i += 1;
            } else {
                i -= 1;
            }
        };
        RunOutcome {
            fixed,
            steps,
            counts: vec![i, n - i],
        }
    }

    /// Well-mixed population of `k` types as a count vector: O(k^2) per step.
    fn run_well_mixed(&self, rng: &mut Rng) -> Result<RunOutcome> {
        let (k, n) = (self.k, self.n);
        let nf = n as f64;
        let mut counts = self.initial.clone();
        let mut payoffs = vec![0.0; k];
        let mut weights = vec![0.0; k];
        let mut steps = 0u64;
        let fixed = loop {
            if let Some(t) = counts.iter().position(|&c| c == n) {
                break Some(t);
            }
            if steps >= self.max_steps {
                break None;
            }
            steps += 1;
            for a in 0..k {
                payoffs[a] = 0.0;
                if counts[a] == 0 {
                    continue;
                }
                let mut s = 0.0;
                for b in 0..k {
                    let others = counts[b] - usize::from(a == b);
                    if others > 0 {
                        s += self.pay(a, b, rng)? * others as f64;
                    }
                }
                payoffs[a] = s / (nf - 1.0);
            }
            let counts_f = |c: &[usize], w: &mut [f64]| {
                for (wi, ci) in w.iter_mut().zip(c) {
                    *wi = *ci as f64;
                }
            };
            let (from, to) = match self.rule {
                UpdateRule::BirthDeath => {
                    let mut total = 0.0;
                    for a in 0..k {
                        weights[a] = if counts[a] > 0 {
                            counts[a] as f64 * self.fit(payoffs[a])?
                        } else {
                            0.0
                        };
                        total += weights[a];
                    }
                    if total <= 0.0 {
                        return Err(invalid("fitness", "total fitness is zero".into()));
                    }
                    let parent = pick(&weights, total, rng);
                    let child = self.mutate(parent, rng);
                    counts_f(&counts, &mut weights);
                    let dead = pick(&weights, nf, rng);
                    (dead, child)
                }
                UpdateRule::DeathBirth => {
                    counts_f(&counts, &mut weights);
                    let dead = pick(&weights, nf, rng);
                    let mut total = 0.0;
                    for a in 0..k {
                        let c = counts[a] - usize::from(a == dead);
                        weights[a] = if c > 0 {
                            c as f64 * self.fit(payoffs[a])?
                        } else {
                            0.0
                        };
                        total += weights[a];
                    }
                    if total <= 0.0 {
                        return Err(invalid("fitness", "total fitness is zero".into()));
                    }
                    let parent = pick(&weights, total, rng);
                    (dead, self.mutate(parent, rng))
                }
                UpdateRule::Fermi { beta } => {
                    counts_f(&counts, &mut weights);
                    let focal = pick(&weights, nf, rng);
                    if k >= 2 && self.mu > 0.0 && rng.chance(self.mu) {
                        (focal, self.other_type(focal, rng))
                    } else {
                        weights[focal] -= 1.0;
                        let model = pick(&weights, nf - 1.0, rng);
                        let adopt = rng.chance(fermi(beta * (payoffs[model] - payoffs[focal])));
                        (focal, if adopt { model } else { focal })
                    }
                }
            };
            counts[from] -= 1;
            counts[to] += 1;
        };
        Ok(RunOutcome {
            fixed,
            steps,
            counts,
        })
    }

    fn run_structured(&self, inter: &Csr, repro: &Csr, rng: &mut Rng) -> Result<RunOutcome> {
        let (k, n) = (self.k, self.n);
        // Uniformly random placement: a shuffled list of types (Fisher-Yates).
        let mut types: Vec<usize> = Vec::with_capacity(n);
        for (t, &c) in self.initial.iter().enumerate() {
            types.extend(std::iter::repeat_n(t, c));
        }
        for i in (1..n).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            types.swap(i, j);
        }
        let mut counts = self.initial.clone();
        let payoff_of = |v: usize, types: &[usize], rng: &mut Rng| -> Result<f64> {
            let nb = inter.neighbours(v);
            let mut s = 0.0;
            for &u in nb {
                s += self.pay(types[v], types[u], rng)?;
            }
            Ok(s / nb.len() as f64)
        };
        let mut pay = vec![0.0; n];
        for v in 0..n {
            pay[v] = payoff_of(v, &types, rng)?;
        }
        let moran = !matches!(self.rule, UpdateRule::Fermi { .. });
        let mut fit = vec![0.0; n];
        if moran {
            for v in 0..n {
                fit[v] = self.fit(pay[v])?;
            }
        }
        let birth_death = matches!(self.rule, UpdateRule::BirthDeath);
        let mut tree = if birth_death {
            Some(Fenwick::new(&fit))
        } else {
            None
        };
        let mut updates_since_rebuild = 0usize;
        let mut steps = 0u64;
        let mut scratch: Vec<f64> = Vec::new();
        let fixed = loop {
            if let Some(t) = counts.iter().position(|&c| c == n) {
                break Some(t);
            }
            if steps >= self.max_steps {
                break None;
            }
            steps += 1;
            let (site, new_type) = match self.rule {
                UpdateRule::BirthDeath => {
                    let tree = tree.as_ref().expect("built for birth-death");
                    let total = tree.total();
                    if total <= 0.0 {
                        return Err(invalid("fitness", "total fitness is zero".into()));
                    }
                    let parent = tree.find(rng.next_f64() * total);
                    let nb = repro.neighbours(parent);
                    let target = nb[rng.below(nb.len() as u64) as usize];
                    (target, self.mutate(types[parent], rng))
                }
                UpdateRule::DeathBirth => {
                    let dead = rng.below(n as u64) as usize;
                    let nb = repro.neighbours(dead);
                    scratch.clear();
                    scratch.extend(nb.iter().map(|&u| fit[u]));
                    let total: f64 = scratch.iter().sum();
                    if total <= 0.0 {
                        return Err(invalid("fitness", "total fitness is zero".into()));
                    }
                    let parent = nb[pick(&scratch, total, rng)];
                    (dead, self.mutate(types[parent], rng))
                }
                UpdateRule::Fermi { beta } => {
                    let focal = rng.below(n as u64) as usize;
                    if k >= 2 && self.mu > 0.0 && rng.chance(self.mu) {
                        (focal, self.other_type(types[focal], rng))
                    } else {
                        let nb = repro.neighbours(focal);
                        let model = nb[rng.below(nb.len() as u64) as usize];
                        let adopt = rng.chance(fermi(beta * (pay[model] - pay[focal])));
                        (focal, if adopt { types[model] } else { types[focal] })
                    }
                }
            };
            if new_type == types[site] {
                continue;
            }
            counts[types[site]] -= 1;
            counts[new_type] += 1;
            types[site] = new_type;
            // Only the changed site and its interaction neighbours have new payoffs.
            for v in std::iter::once(site).chain(inter.neighbours(site).iter().copied()) {
                pay[v] = payoff_of(v, &types, rng)?;
                if moran {
                    let f = self.fit(pay[v])?;
                    if let Some(t) = tree.as_mut() {
                        t.add(v, f - fit[v]);
                    }
                    fit[v] = f;
                }
            }
            if let Some(t) = tree.as_mut() {
                // Rebuild now and then so floating-point drift of the sums cannot accumulate.
                updates_since_rebuild += 1;
                if updates_since_rebuild >= 4 * n {
                    *t = Fenwick::new(&fit);
                    updates_since_rebuild = 0;
                }
            }
        };
        Ok(RunOutcome {
            fixed,
            steps,
            counts,
        })
    }
}

/// One run with seed `Rng::for_stream(seed, run)`.
pub fn simulate_run<P: PairPayoff + ?Sized>(
    payoff: &P,
    config: &SimulationConfig,
    seed: u64,
    run: u64,
) -> Result<RunOutcome> {
    Prepared::new(payoff, config)?.run(seed, run)
}

/// Integer accumulator: order-independent, hence identical for any thread count.
#[derive(Clone)]
struct Tally {
    fixations: Vec<u64>,
    fixation_steps: Vec<u128>,
    unfinished: u64,
    steps: u128,
    /// First error by run index.
    error: Option<(u64, DynamicsError)>,
}

impl Tally {
    fn new(k: usize) -> Self {
        Tally {
            fixations: vec![0; k],
            fixation_steps: vec![0; k],
            unfinished: 0,
            steps: 0,
            error: None,
        }
    }
    fn merge(mut self, other: Tally) -> Tally {
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
}

/// `runs` independent runs in parallel (rayon's current pool), run `r` seeded by
/// `Rng::for_stream(seed, r)`; the summary does not depend on the number of threads. The
/// first error (by run index) is returned if any run fails.
pub fn simulate<P: PairPayoff + ?Sized>(
    payoff: &P,
    config: &SimulationConfig,
    seed: u64,
    runs: u64,
) -> Result<SimulationSummary> {
    let prepared = Prepared::new(payoff, config)?;
    let k = prepared.k;
    let tally = (0..runs)
        .into_par_iter()
        .fold(
            || Tally::new(k),
            |mut acc, r| {
                match prepared.run(seed, r) {
                    Ok(out) => {
                        acc.steps += u128::from(out.steps);
                        match out.fixed {
                            Some(t) => {
                                acc.fixations[t] += 1;
                                acc.fixation_steps[t] += u128::from(out.steps);
                            }
                            None => acc.unfinished += 1,
                        }
                    }
                    Err(e) => {
                        if acc.error.as_ref().is_none_or(|(i, _)| r < *i) {
                            acc.error = Some((r, e));
                        }
                    }
                }
                acc
            },
        )
        .reduce(|| Tally::new(k), Tally::merge);
    if let Some((_, e)) = tally.error {
        return Err(e);
    }
    let rf = runs.max(1) as f64;
    let fixation_frequency: Vec<f64> = tally.fixations.iter().map(|&c| c as f64 / rf).collect();
    Ok(SimulationSummary {
        runs,
        standard_error: fixation_frequency
            .iter()
            .map(|p| (p * (1.0 - p) / rf).sqrt())
            .collect(),
        fixation_frequency,
        mean_fixation_steps: tally
            .fixations
            .iter()
            .zip(&tally.fixation_steps)
            .map(|(&c, &s)| (c > 0).then(|| s as f64 / c as f64))
            .collect(),
        fixations: tally.fixations,
        unfinished: tally.unfinished,
        mean_steps: tally.steps as f64 / rf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moran::{fixation_probabilities, Process};

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
            "got {got}, exact {exact}, se {se}"
        );
    }

    #[test]
    fn well_mixed_fixation_matches_exact() {
        // Oracle: exact fixation probabilities of crate::moran (themselves pinned to the
        // Nowak et al. 2004 values); binomial sampling error, 4 standard errors.
        let g = nowak();
        let runs = 20_000;
        for (rule, process) in [
            (UpdateRule::BirthDeath, Process::Moran { w: 0.1 }),
            (
                UpdateRule::Fermi { beta: 0.1 },
                Process::Fermi { beta: 0.1 },
            ),
        ] {
            let exact = fixation_probabilities(&g, 10, process).unwrap();
            let a = simulate(
                &g,
                &config(rule, Graph::Complete { n: 10 }, vec![1, 9]),
                7,
                runs,
            )
            .unwrap();
            within_4_se(&a, 0, exact.rho_a);
            let b = simulate(
                &g,
                &config(rule, Graph::Complete { n: 10 }, vec![9, 1]),
                8,
                runs,
            )
            .unwrap();
            within_4_se(&b, 1, exact.rho_b);
            assert_eq!(a.unfinished, 0);
        }
    }

    #[test]
    fn general_paths_match_exact_on_the_complete_graph() {
        // The count-vector path (random-payoff wrapper forces it) and the explicit-graph path
        // on a complete edge list simulate the same chains as the fast path, so they must hit
        // the exact values too (birth-death on a graph: the parent cannot die, which leaves
        // T-/T+ = g/f and hence rho unchanged).
        struct Opaque(PayoffMatrix);
        impl PairPayoff for Opaque {
            fn payoff(&self, a: usize, b: usize, rng: &mut Rng) -> f64 {
                self.0.payoff(a, b, rng)
            }
        }
        let g = nowak();
        let runs = 6_000;
        let edges: Vec<(usize, usize)> = (0..10)
            .flat_map(|a| (a + 1..10).map(move |b| (a, b)))
            .collect();
        for (rule, process) in [
            (UpdateRule::BirthDeath, Process::Moran { w: 0.1 }),
            (
                UpdateRule::Fermi { beta: 0.1 },
                Process::Fermi { beta: 0.1 },
            ),
        ] {
            let exact = fixation_probabilities(&g, 10, process).unwrap();
            let c = config(rule, Graph::Complete { n: 10 }, vec![1, 9]);
            within_4_se(
                &simulate(&Opaque(g.clone()), &c, 11, runs).unwrap(),
                0,
                exact.rho_a,
            );
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
    fn death_birth_graph_path_matches_its_exact_chain() {
        // Death-birth on the complete graph is a birth-death chain in the count of type 0;
        // its fixation probability follows from the same product formula as the Moran
        // process (Nowak 2006, eq. 6.13) with gamma_i = T-_i / T+_i taken from the tabulated
        // chain. The explicit-edge-list simulator (a separate implementation) must agree.
        let g = nowak();
        let edges: Vec<(usize, usize)> = (0..10)
            .flat_map(|a| (a + 1..10).map(move |b| (a, b)))
            .collect();
        let mut c = config(
            UpdateRule::DeathBirth,
            Graph::Complete { n: 10 },
            vec![1, 9],
        );
        c.fitness = FitnessMap::Exponential { w: 0.1 };
        let chain = match Prepared::new(&g, &c).unwrap().topology {
            Topology::WellMixed(Some(chain)) => chain,
            _ => unreachable!("two deterministic types, well mixed"),
        };
        let (mut sum, mut prod) = (1.0, 1.0);
        for i in 1..10 {
            prod *= (1.0 - chain.p_up[i]) / chain.p_up[i];
            sum += prod;
        }
        let exact = 1.0 / sum;
        c.interaction = Graph::Edges { n: 10, edges };
        within_4_se(&simulate(&g, &c, 21, 6_000).unwrap(), 0, exact);
    }

    #[test]
    fn neutral_structured_fixation_is_one_over_n() {
        // Neutral drift on a regular graph: every individual is equally likely to be the
        // ancestor of all (Nowak 2006, ch. 8; Lieberman, Hauert and Nowak 2005, Nature
        // 433:312), so one mutant fixes with probability 1/N.
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
    }

    #[test]
    fn deterministic_across_thread_counts() {
        let g = nowak();
        let mut c = config(
            UpdateRule::Fermi { beta: 0.1 },
            Graph::Complete { n: 20 },
            vec![2, 18],
        );
        c.mutation = 0.01;
        let pool = |t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| simulate(&g, &c, 99, 3_000).unwrap());
        let two = pool(2).install(|| simulate(&g, &c, 99, 3_000).unwrap());
        assert_eq!(one, two);
        c.interaction = Graph::Star { n: 12 };
        c.initial = vec![2, 10];
        c.rule = UpdateRule::BirthDeath;
        c.mutation = 0.001;
        let one = pool(1).install(|| simulate(&g, &c, 5, 300).unwrap());
        let two = pool(2).install(|| simulate(&g, &c, 5, 300).unwrap());
        assert_eq!(one, two);
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
        let s = simulate(&g, &c, 1, 10).unwrap();
        assert_eq!(s.unfinished, 10);
        c.initial = vec![25, 24];
        assert!(matches!(
            simulate(&g, &c, 1, 1),
            Err(DynamicsError::DimensionMismatch { .. })
        ));
        c.initial = vec![10, 10, 30]; // matrix has only two types
        assert!(matches!(
            simulate(&g, &c, 1, 1),
            Err(DynamicsError::InvalidParameter { name: "payoff", .. })
        ));
        c.initial = vec![25, 25];
        c.mutation = 1.5;
        assert!(simulate(&g, &c, 1, 1).is_err());
        c.mutation = 0.0;
        c.fitness = FitnessMap::Linear { w: 1.0 };
        let negative = PayoffMatrix::from_rows(&[[-1.0, 0.0], [0.0, 0.0]]).unwrap();
        assert!(matches!(
            simulate(&negative, &c, 1, 1),
            Err(DynamicsError::NegativeFitness { .. })
        ));
        c.interaction = Graph::Edges {
            n: 3,
            edges: vec![(0, 1), (1, 1)],
        };
        c.initial = vec![1, 2];
        assert!(simulate(&g, &c, 1, 1).is_err());
        c.interaction = Graph::Cycle { n: 2 };
        c.initial = vec![1, 1];
        assert!(simulate(&g, &c, 1, 1).is_err());
    }
}
