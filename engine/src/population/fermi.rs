//! The pairwise comparison (Fermi) rule (Traulsen, Nowak and Pacheco 2006): a uniformly chosen
//! focal individual picks a uniformly chosen reproduction neighbour (the model) and copies its
//! type with probability `1 / (1 + exp(-beta (F_model - F_focal)))`; with probability `mu` it
//! instead takes a uniformly chosen other type. Raw payoffs, no fitness map.
//!
//! Why a module per rule: the same rule runs in two representations (counts for well-mixed
//! populations, individuals on graphs); keeping both next to each other keeps them the same
//! rule.

use vertrouwen_plugins_api::Rng;

use super::error::SimulationError;
use super::payoff::PayoffTable;
use super::sampling::{below, unit_threshold};
use super::structured::{place, GraphContext, GraphState};
use super::well_mixed::{Changes, CountChain};
use super::RunOutcome;

/// The imitation probability for payoff difference `diff = F_model - F_focal`. An infinite
/// difference (payoffs near the range of `f64`) gives 0 or 1, its limit; with `beta = 0` the
/// probability is 1/2 whatever the difference.
#[inline]
pub(crate) fn probability(beta: f64, diff: f64) -> f64 {
    let z = beta * diff;
    if z.is_nan() {
        return 0.5; // beta = 0 times an infinite difference
    }
    1.0 / (1.0 + (-z).exp())
}

/// Count-chain transitions: an `a` becomes a `b` when an `a` is the focal individual
/// (`c_a / N`) and either mutates to `b` (`mu / (k - 1)`) or, not mutating, picks a `b` model
/// among the other `N - 1` (`c_b / (N - 1)`) and imitates it.
pub(crate) fn count_rates(
    chain: &CountChain,
    beta: f64,
    counts: &[usize],
    payoffs: &[f64],
    out: &mut Changes,
) {
    let (n, k) = (chain.n as f64, chain.k);
    let mu_each = chain.mu_each();
    let others = n - 1.0;
    for a in 0..k {
        if counts[a] == 0 {
            continue;
        }
        let focal = counts[a] as f64 / n;
        for b in 0..k {
            if b == a {
                continue;
            }
            let imitate = if counts[b] > 0 {
                (1.0 - chain.mu)
                    * (counts[b] as f64 / others)
                    * probability(beta, payoffs[b] - payoffs[a])
            } else {
                0.0
            };
            out.push(a, b, focal * (mu_each + imitate));
        }
    }
}

/// One step on a graph: the changed site and its new type, or `None` when the step changes
/// nothing. On a regular reproduction graph the (focal, model) pair is one uniformly drawn
/// adjacency entry (the same distribution as a uniform focal then a uniform neighbour, with
/// one draw instead of two). A model of the focal's own type needs no payoff comparison and
/// no coin.
#[inline]
pub(crate) fn graph_step(
    ctx: &GraphContext<'_>,
    beta: f64,
    st: &GraphState,
    rng: &mut Rng,
) -> Option<(usize, u32)> {
    if ctx.k >= 2 && ctx.mu > 0.0 && rng.chance(ctx.mu) {
        let focal = below(rng, ctx.n as u64) as usize;
        return Some((focal, ctx.other_type(st.types[focal], rng)));
    }
    let repro = ctx.repro;
    let (focal, model) = if repro.regular_degree().is_some() {
        repro.entry(below(rng, repro.entries() as u64) as usize)
    } else {
        let focal = below(rng, ctx.n as u64) as usize;
        let nb = repro.neighbours(focal);
        (focal, nb[below(rng, nb.len() as u64) as usize] as usize)
    };
    let model_type = st.types[model];
    if model_type == st.types[focal] {
        return None;
    }
    let p = probability(beta, st.pay[model] - st.pay[focal]);
    rng.chance(p).then_some((focal, model_type))
}

/// Most payoff classes for which [`PayoffClasses`] tabulates imitation probabilities
/// (`256^2` thresholds, 512 KiB).
const MAX_CLASSES: usize = 256;

/// Imitation probabilities by payoff class, for deterministic payoffs on a regular
/// interaction graph of degree `d`: an individual's payoff depends only on its type and how
/// many of its `d` neighbours have each type, its *class* `t C + sum_j n_j (d + 1)^j` over
/// the types `j < k - 1` (`C = (d + 1)^(k - 1)`). The probability that a focal individual of
/// one class imitates a model of another is tabulated once (as an integer threshold of a raw
/// draw), so a step needs no payoff and no exponential; a change updates the classes of the
/// changed individual and its neighbours by integer additions.
#[derive(Debug, Clone)]
pub(crate) struct PayoffClasses {
    /// Classes per type, `C`.
    per_type: u32,
    /// Class weight of one neighbour of each type (`0` for the last type).
    stride: Vec<u32>,
    /// Number of classes, `k C`.
    classes: usize,
    /// `thresholds[focal * classes + model]`.
    thresholds: Vec<u64>,
}

impl PayoffClasses {
    /// The table for `beta`, or `None` when the graph is not regular or there are more than
    /// [`MAX_CLASSES`] classes.
    pub(crate) fn new(
        ctx: &GraphContext<'_>,
        table: &PayoffTable,
        beta: f64,
    ) -> Result<Option<Self>, SimulationError> {
        let Some(d) = ctx.inter.regular_degree() else {
            return Ok(None);
        };
        let (k, d) = (ctx.k, d as usize);
        let Some(per_type) = u32::try_from(k - 1)
            .ok()
            .and_then(|e| (d + 1).checked_pow(e))
            .filter(|c| c.saturating_mul(k) <= MAX_CLASSES)
        else {
            return Ok(None);
        };
        let classes = per_type * k;
        let mut stride = vec![0u32; k];
        let mut w = 1u32;
        for s in stride.iter_mut().take(k - 1) {
            *s = w;
            w *= d as u32 + 1;
        }
        // Payoff of every class; compositions with more than d neighbours are never used.
        let mut payoff = vec![0.0; classes];
        for (class, p) in payoff.iter_mut().enumerate() {
            let (t, mut comp) = (class / per_type, class % per_type);
            let mut counted = 0;
            let mut s = 0.0;
            for j in 0..k - 1 {
                let c = comp % (d + 1);
                comp /= d + 1;
                counted += c;
                s += table.at(t, j) * (c as f64 / d as f64);
            }
            if counted > d {
                continue;
            }
            s += table.at(t, k - 1) * ((d - counted) as f64 / d as f64);
            if !s.is_finite() {
                return Err(SimulationError::Overflow {
                    what: "an average payoff",
                    value: s,
                });
            }
            *p = s;
        }
        let mut thresholds = vec![0; classes * classes];
        for f in 0..classes {
            for m in 0..classes {
                thresholds[f * classes + m] =
                    unit_threshold(probability(beta, payoff[m] - payoff[f]));
            }
        }
        Ok(Some(PayoffClasses {
            per_type: per_type as u32,
            stride,
            classes,
            thresholds,
        }))
    }
}

/// One run of the Fermi rule on a regular graph with tabulated imitation probabilities
/// ([`PayoffClasses`]); the same process as [`graph_step`] (the same draws, compared as
/// integers).
pub(crate) fn run_classes(
    ctx: &GraphContext<'_>,
    classes: &PayoffClasses,
    initial: &[usize],
    max_steps: u64,
    st: &mut GraphState,
    rng: &mut Rng,
) -> RunOutcome {
    let n = ctx.n;
    place(initial, st, rng);
    st.class.clear();
    for v in 0..n {
        let mut c = st.types[v] * classes.per_type;
        for &u in ctx.inter.neighbours(v) {
            c += classes.stride[st.types[u as usize] as usize];
        }
        st.class.push(c);
    }
    let repro = ctx.repro;
    let regular = repro.regular_degree().is_some();
    let mutation = ctx.k >= 2 && ctx.mu > 0.0;
    let mu_threshold = unit_threshold(ctx.mu);
    let mut steps = 0u64;
    let mut fixed = st.counts.iter().position(|&c| c == n);
    while fixed.is_none() && steps < max_steps {
        steps += 1;
        let (site, new_type) = if mutation && (rng.next_u64() >> 11) < mu_threshold {
            let focal = below(rng, n as u64) as usize;
            (focal, ctx.other_type(st.types[focal], rng))
        } else {
            let (focal, model) = if regular {
                repro.entry(below(rng, repro.entries() as u64) as usize)
            } else {
                let focal = below(rng, n as u64) as usize;
                let nb = repro.neighbours(focal);
                (focal, nb[below(rng, nb.len() as u64) as usize] as usize)
            };
            let model_type = st.types[model];
            if model_type == st.types[focal] {
                continue;
            }
            let t = classes.thresholds
                [st.class[focal] as usize * classes.classes + st.class[model] as usize];
            if (rng.next_u64() >> 11) >= t {
                continue;
            }
            (focal, model_type)
        };
        let old = st.types[site];
        if new_type == old {
            continue;
        }
        st.counts[old as usize] -= 1;
        st.counts[new_type as usize] += 1;
        st.types[site] = new_type;
        st.class[site] = st.class[site] - old * classes.per_type + new_type * classes.per_type;
        let (gain, loss) = (
            classes.stride[new_type as usize],
            classes.stride[old as usize],
        );
        for &u in ctx.inter.neighbours(site) {
            let c = &mut st.class[u as usize];
            *c = *c + gain - loss;
        }
        if st.counts[new_type as usize] == n {
            fixed = Some(new_type as usize);
        }
    }
    RunOutcome {
        fixed,
        steps,
        counts: st.counts.clone(),
    }
}
