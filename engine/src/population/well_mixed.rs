//! Well-mixed populations as a vector of counts per type, simulated step by step: every
//! elementary update step is drawn, as egttools and Axelrod-Python do.
//!
//! Why this shape: in a well-mixed population with deterministic payoffs everything an update
//! step can do depends only on the counts, so on entering a state the simulator tabulates the
//! probability of each possible change `a -> b` (one individual of type `a` replaced by one of
//! type `b`; the rule modules give the formulas) and then draws *one* 53-bit number per step,
//! compared as an integer with the state's total change probability. Idle steps (most of
//! them) cost one random number and one comparison; the table is rebuilt only when the counts
//! change. This is the same Markov chain, step for step, as drawing the individuals one by
//! one; it is not the idle-step skipping of [`super::skipping`].
//!
//! Random payoffs (a real match per payoff) cannot be tabulated: [`run_drawn`] redraws every
//! present type's payoff on every step and picks individuals by their counts.

use vertrouwen_plugins_api::Rng;

use super::error::SimulationError;
use super::payoff::{Drawn, PairPayoff, PayoffSource, PayoffTable};
use super::sampling::{pick, unit, unit_threshold};
use super::settings::{FitnessMap, UpdateRule};
use super::{birth_death, death_birth, fermi, RunOutcome};

/// What the count chain of a configuration needs, shared by all runs.
#[derive(Debug, Clone)]
pub(crate) struct CountChain {
    pub(crate) n: usize,
    pub(crate) k: usize,
    pub(crate) rule: UpdateRule,
    pub(crate) fitness: FitnessMap,
    pub(crate) mu: f64,
}

/// The possible changes of one state and their cumulative probabilities.
#[derive(Debug, Clone, Default)]
pub(crate) struct Changes {
    /// `(from, to)` types of each possible change.
    pub(crate) moves: Vec<(u32, u32)>,
    /// Cumulative probabilities, same order.
    pub(crate) cumulative: Vec<f64>,
    /// [`unit_threshold`] of the total: a raw draw below it is a change.
    pub(crate) threshold: u64,
}

/// A state's changes with the per-type values they were computed from (one thread's
/// reusable memory).
#[derive(Debug, Clone, Default)]
pub(crate) struct Transitions {
    pub(crate) changes: Changes,
    /// Average payoff of each type.
    pub(crate) payoffs: Vec<f64>,
    /// Fitness of each type (Moran rules).
    pub(crate) fitness: Vec<f64>,
}

impl Changes {
    /// Appends change `from -> to` with probability `p` (ignored when zero).
    #[inline]
    pub(crate) fn push(&mut self, from: usize, to: usize, p: f64) {
        if p > 0.0 {
            let total = self.cumulative.last().copied().unwrap_or(0.0);
            self.moves.push((from as u32, to as u32));
            self.cumulative.push(total + p);
        }
    }

    /// Total probability that a step changes the state.
    pub(crate) fn total(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(0.0)
    }

    /// The change a uniform `u` (below [`Transitions::total`]) selects.
    #[inline]
    pub(crate) fn select(&self, u: f64) -> (usize, usize) {
        let j = self
            .cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.cumulative.len() - 1);
        let (a, b) = self.moves[j];
        (a as usize, b as usize)
    }
}

impl CountChain {
    /// Probability that a step moves one individual of type `a` to type `b` is computed by the
    /// rule module; here the shared part: average payoffs `F_a = sum_b T[a][b] (c_b - [a = b])
    /// / (N - 1)` of the present types (weights first, so the average of finite payoffs stays
    /// finite) and, for the Moran rules, their fitnesses.
    pub(crate) fn transitions(
        &self,
        table: &PayoffTable,
        counts: &[usize],
        out: &mut Transitions,
    ) -> Result<(), SimulationError> {
        let k = self.k;
        let others = (self.n - 1) as f64;
        out.changes.moves.clear();
        out.changes.cumulative.clear();
        out.payoffs.clear();
        out.payoffs.resize(k, 0.0);
        for a in 0..k {
            if counts[a] == 0 {
                continue;
            }
            let mut s = 0.0;
            for b in 0..k {
                let c = counts[b] - usize::from(a == b);
                if c > 0 {
                    s += table.at(a, b) * (c as f64 / others);
                }
            }
            if !s.is_finite() {
                return Err(SimulationError::Overflow {
                    what: "an average payoff",
                    value: s,
                });
            }
            out.payoffs[a] = s;
        }
        match self.rule {
            UpdateRule::Fermi { beta } => {
                fermi::count_rates(self, beta, counts, &out.payoffs, &mut out.changes)
            }
            UpdateRule::BirthDeath | UpdateRule::DeathBirth => {
                out.fitness.clear();
                out.fitness.resize(k, 0.0);
                for a in 0..k {
                    if counts[a] > 0 {
                        out.fitness[a] = self.fitness.apply(out.payoffs[a])?;
                    }
                }
                if matches!(self.rule, UpdateRule::BirthDeath) {
                    birth_death::count_rates(self, counts, &out.fitness, &mut out.changes)?;
                } else {
                    death_birth::count_rates(self, counts, &out.fitness, &mut out.changes)?;
                }
            }
        }
        out.changes.threshold = unit_threshold(out.changes.total());
        Ok(())
    }

    /// Mutation probability towards each particular other type.
    #[inline]
    pub(crate) fn mu_each(&self) -> f64 {
        if self.k > 1 {
            self.mu / (self.k - 1) as f64
        } else {
            0.0
        }
    }
}

/// The part of a run both count simulators share: the starting counts, the number of present
/// types and the monomorphism test.
fn fixed_type(counts: &[usize], n: usize) -> Option<usize> {
    counts.iter().position(|&c| c == n)
}

/// Largest [`StateTable`]: 32 MiB, shared by all threads.
pub(crate) const STATE_TABLE_BYTES: u128 = 32 << 20;

/// A threshold marking a state whose changes are an error (a zero total fitness): the run
/// recomputes it on entry to report that error, so states no run visits cannot fail a study.
const UNDEFINED: u64 = u64::MAX;

/// Every state's changes, tabulated once per configuration (when they fit in
/// [`STATE_TABLE_BYTES`]): a run then only looks up the state it enters. States are indexed
/// densely by the counts of types `0..k-1` in base `N + 1` (the last count is implied); each
/// holds the cumulative probabilities of all `k (k - 1)` changes `a -> b` in a fixed order.
#[derive(Debug, Clone)]
pub(crate) struct StateTable {
    /// Index weight of each type's count (`0` for the last type).
    stride: Vec<usize>,
    /// The fixed order of the changes.
    pairs: Vec<(u32, u32)>,
    cumulative: Vec<f64>,
    thresholds: Vec<u64>,
}

impl StateTable {
    /// Bytes of the table of a configuration, or `None` if it would not fit.
    fn bytes(n: usize, k: usize) -> Option<u128> {
        let states = (n as u128 + 1).checked_pow(u32::try_from(k - 1).ok()?)?;
        let bytes = states * (8 * (k as u128) * (k as u128 - 1) + 8);
        (bytes <= STATE_TABLE_BYTES).then_some(bytes)
    }

    /// Tabulates every state, or `None` when the table would exceed [`STATE_TABLE_BYTES`].
    pub(crate) fn new(chain: &CountChain, table: &PayoffTable) -> Option<Self> {
        let (n, k) = (chain.n, chain.k);
        Self::bytes(n, k)?;
        let states = (n + 1).pow(k as u32 - 1);
        let mut stride = vec![0; k];
        let mut w = 1;
        for s in stride.iter_mut().take(k - 1) {
            *s = w;
            w *= n + 1;
        }
        let pairs: Vec<(u32, u32)> = (0..k)
            .flat_map(|a| {
                (0..k)
                    .filter(move |&b| b != a)
                    .map(move |b| (a as u32, b as u32))
            })
            .collect();
        let m = pairs.len();
        let mut cumulative = vec![0.0; states * m];
        let mut thresholds = vec![UNDEFINED; states];
        let mut counts = vec![0usize; k];
        let mut work = Transitions::default();
        for index in 0..states {
            // Decode the dense index; skip the compositions with more than N individuals.
            let mut rest = index;
            let mut used = 0;
            for t in 0..k - 1 {
                counts[t] = rest % (n + 1);
                rest /= n + 1;
                used += counts[t];
            }
            if used > n {
                continue;
            }
            counts[k - 1] = n - used;
            if chain.transitions(table, &counts, &mut work).is_err() {
                continue; // stays UNDEFINED
            }
            let changes = &work.changes;
            let row = &mut cumulative[index * m..(index + 1) * m];
            let (mut j, mut last) = (0, 0.0);
            for (slot, pair) in row.iter_mut().zip(&pairs) {
                if j < changes.moves.len() && changes.moves[j] == *pair {
                    last = changes.cumulative[j];
                    j += 1;
                }
                *slot = last;
            }
            thresholds[index] = changes.threshold;
        }
        Some(StateTable {
            stride,
            pairs,
            cumulative,
            thresholds,
        })
    }

    fn index(&self, counts: &[usize]) -> usize {
        counts.iter().zip(&self.stride).map(|(c, s)| c * s).sum()
    }
}

/// One step-by-step run of a well-mixed population with tabulated payoffs (module docs),
/// reading each state's changes from `states` when given, else computing them on entry.
pub(crate) fn run_tabulated(
    chain: &CountChain,
    table: &PayoffTable,
    states: Option<&StateTable>,
    initial: &[usize],
    max_steps: u64,
    work: &mut Transitions,
    rng: &mut Rng,
) -> Result<RunOutcome, SimulationError> {
    let n = chain.n;
    let mut counts = initial.to_vec();
    let mut index = states.map_or(0, |s| s.index(&counts));
    let mut steps = 0u64;
    let mut fixed = fixed_type(&counts, n);
    while fixed.is_none() && steps < max_steps {
        let threshold = match states {
            Some(s) if s.thresholds[index] != UNDEFINED => s.thresholds[index],
            _ => {
                chain.transitions(table, &counts, work)?;
                work.changes.threshold
            }
        };
        if threshold == 0 {
            // Nothing can ever happen in this state: every remaining step is idle.
            steps = max_steps;
            break;
        }
        // Idle steps: one draw each until one is a change or the step budget is spent.
        let budget = max_steps - steps;
        let mut drawn = 0u64;
        let mut change = None;
        while drawn < budget {
            drawn += 1;
            let raw = rng.next_u64() >> 11;
            if raw < threshold {
                change = Some(raw);
                break;
            }
        }
        steps += drawn;
        let Some(raw) = change else { break };
        let u = unit(raw);
        let (a, b) = match states {
            Some(s) if s.thresholds[index] != UNDEFINED => {
                let m = s.pairs.len();
                let row = &s.cumulative[index * m..(index + 1) * m];
                let j = row.iter().position(|&c| u < c).unwrap_or(m - 1);
                let (a, b) = s.pairs[j];
                (a as usize, b as usize)
            }
            _ => work.changes.select(u),
        };
        counts[a] -= 1;
        counts[b] += 1;
        if let Some(s) = states {
            index = index + s.stride[b] - s.stride[a];
        }
        if counts[b] == n {
            fixed = Some(b);
        }
    }
    Ok(RunOutcome {
        fixed,
        steps,
        counts,
    })
}

/// One run of a well-mixed population with random payoffs: every step redraws the average
/// payoff of each present type (one payoff per pair of types, so a real match per pair), then
/// picks individuals by their counts as the rule says. O(k^2) payoffs per step.
pub(crate) fn run_drawn<P: PairPayoff + ?Sized>(
    chain: &CountChain,
    payoff: &P,
    initial: &[usize],
    max_steps: u64,
    rng: &mut Rng,
) -> Result<RunOutcome, SimulationError> {
    let (k, n) = (chain.k, chain.n);
    let source = Drawn(payoff);
    let nf = n as f64;
    let mut counts = initial.to_vec();
    let mut payoffs = vec![0.0; k];
    let mut weights = vec![0.0; k];
    let mut steps = 0u64;
    let fixed = loop {
        if let Some(t) = fixed_type(&counts, n) {
            break Some(t);
        }
        if steps >= max_steps {
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
                    s += source.get(a, b, rng)? * others as f64;
                }
            }
            payoffs[a] = s / (nf - 1.0);
            if !payoffs[a].is_finite() {
                return Err(SimulationError::Overflow {
                    what: "an average payoff",
                    value: payoffs[a],
                });
            }
        }
        let as_weights = |c: &[usize], w: &mut [f64]| {
            for (wi, ci) in w.iter_mut().zip(c) {
                *wi = *ci as f64;
            }
        };
        let (from, to) = match chain.rule {
            UpdateRule::BirthDeath => {
                let mut total = 0.0;
                for a in 0..k {
                    weights[a] = if counts[a] > 0 {
                        counts[a] as f64 * chain.fitness.apply(payoffs[a])?
                    } else {
                        0.0
                    };
                    total += weights[a];
                }
                SimulationError::check_total_fitness(total, &counts)?;
                let parent = pick(&weights, total, rng);
                let child = mutate(chain, parent, rng);
                as_weights(&counts, &mut weights);
                let dead = pick(&weights, nf, rng);
                (dead, child)
            }
            UpdateRule::DeathBirth => {
                as_weights(&counts, &mut weights);
                let dead = pick(&weights, nf, rng);
                let mut total = 0.0;
                for a in 0..k {
                    let c = counts[a] - usize::from(a == dead);
                    weights[a] = if c > 0 {
                        c as f64 * chain.fitness.apply(payoffs[a])?
                    } else {
                        0.0
                    };
                    total += weights[a];
                }
                SimulationError::check_total_fitness(total, &counts)?;
                let parent = pick(&weights, total, rng);
                (dead, mutate(chain, parent, rng))
            }
            UpdateRule::Fermi { beta } => {
                as_weights(&counts, &mut weights);
                let focal = pick(&weights, nf, rng);
                if k >= 2 && chain.mu > 0.0 && rng.chance(chain.mu) {
                    (focal, other_type(k, focal, rng))
                } else {
                    weights[focal] -= 1.0;
                    let model = pick(&weights, nf - 1.0, rng);
                    let adopt =
                        rng.chance(fermi::probability(beta, payoffs[model] - payoffs[focal]));
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

/// The offspring's type: the parent's, or with probability `mu` a uniformly chosen other.
#[inline]
pub(crate) fn mutate(chain: &CountChain, t: usize, rng: &mut Rng) -> usize {
    if chain.k < 2 || chain.mu == 0.0 || !rng.chance(chain.mu) {
        return t;
    }
    other_type(chain.k, t, rng)
}

/// A uniformly chosen type other than `t` (`k >= 2`).
#[inline]
pub(crate) fn other_type(k: usize, t: usize, rng: &mut Rng) -> usize {
    let o = super::sampling::below(rng, k as u64 - 1) as usize;
    if o >= t {
        o + 1
    } else {
        o
    }
}
