//! Moran death-birth (Ohtsuki et al. 2006, Nature 441:502): a uniformly chosen individual
//! dies; its reproduction neighbours compete for the empty site with probability proportional
//! to fitness; the offspring has the parent's type, or with probability `mu` a uniformly
//! chosen other type.
//!
//! Why a module per rule: the same rule runs on counts (well mixed) and on graphs; both forms
//! live here so they stay the same rule.

use vertrouwen_plugins_api::Rng;

use super::error::SimulationError;
use super::sampling::below;
use super::structured::{GraphContext, GraphState};
use super::well_mixed::{Changes, CountChain};

/// Count-chain transitions: an `a` becomes a `b` when an `a` dies (`c_a / N`) and the
/// winner among the other `N - 1` (weights `(c_p - [p = a]) f_p`) leaves a `b` offspring.
pub(crate) fn count_rates(
    chain: &CountChain,
    counts: &[usize],
    fitness: &[f64],
    out: &mut Changes,
) -> Result<(), SimulationError> {
    let (n, k) = (chain.n as f64, chain.k);
    let mu_each = chain.mu_each();
    for a in 0..k {
        if counts[a] == 0 {
            continue;
        }
        let weight = |p: usize| (counts[p] - usize::from(p == a)) as f64 * fitness[p];
        let total: f64 = (0..k).map(weight).sum();
        SimulationError::check_total_fitness(total, counts)?;
        let dies = counts[a] as f64 / n;
        for b in 0..k {
            if b == a {
                continue;
            }
            let own = weight(b);
            let p = ((1.0 - chain.mu) * own + mu_each * (total - own)) / total;
            out.push(a, b, dies * p);
        }
    }
    Ok(())
}

/// One step on a graph. Without mutation, a site whose neighbours all share its type cannot
/// change: the step ends after the one draw that chose it.
#[inline]
pub(crate) fn graph_step(
    ctx: &GraphContext<'_>,
    st: &GraphState,
    rng: &mut Rng,
) -> Result<Option<(usize, u32)>, SimulationError> {
    let dead = below(rng, ctx.n as u64) as usize;
    let nb = ctx.repro.neighbours(dead);
    let own = st.types[dead];
    if ctx.mu == 0.0 && nb.iter().all(|&u| st.types[u as usize] == own) {
        return Ok(None);
    }
    let total: f64 = nb.iter().map(|&u| st.fit[u as usize]).sum();
    SimulationError::check_total_fitness(total, &st.counts)?;
    // Proportional choice among the neighbours (as sampling::pick, without a weight buffer).
    let mut u = rng.next_f64() * total;
    let mut parent = nb[0] as usize;
    for &v in nb {
        let w = st.fit[v as usize];
        if w > 0.0 {
            parent = v as usize;
            if u < w {
                break;
            }
            u -= w;
        }
    }
    Ok(Some((dead, ctx.mutate(st.types[parent], rng))))
}
