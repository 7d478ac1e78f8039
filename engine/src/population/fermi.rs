//! The pairwise comparison (Fermi) rule (Traulsen, Nowak and Pacheco 2006): a uniformly chosen
//! focal individual picks a uniformly chosen reproduction neighbour (the model) and copies its
//! type with probability `1 / (1 + exp(-beta (F_model - F_focal)))`; with probability `mu` it
//! instead takes a uniformly chosen other type. Raw payoffs, no fitness map.
//!
//! Why a module per rule: the same rule runs in two representations (counts for well-mixed
//! populations, individuals on graphs); keeping both next to each other keeps them the same
//! rule.

use vertrouwen_plugins_api::Rng;

use super::sampling::below;
use super::structured::{GraphContext, GraphState};
use super::well_mixed::{Changes, CountChain};

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
