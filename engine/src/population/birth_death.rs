//! Moran birth-death: a parent is chosen with probability proportional to fitness; its
//! offspring (of the parent's type, or with probability `mu` of a uniformly chosen other type)
//! replaces a uniformly chosen reproduction neighbour. On the complete graph the offspring
//! replaces a uniformly chosen member of the whole population (the parent may die), the
//! classic Moran process of [`crate::moran`]; fixation probabilities are the same either way,
//! only times differ.
//!
//! Why a module per rule: the same rule runs on counts (well mixed) and on graphs; both forms
//! live here so they stay the same rule.

use vertrouwen_plugins_api::Rng;

use super::error::SimulationError;
use super::sampling::below;
use super::structured::{GraphContext, GraphState};
use super::well_mixed::{Changes, CountChain};

/// Count-chain transitions: an `a` becomes a `b` when an `a` dies (`c_a / N`) and the
/// offspring is a `b`: a `b` parent not mutating, or any other parent mutating to `b`.
pub(crate) fn count_rates(
    chain: &CountChain,
    counts: &[usize],
    fitness: &[f64],
    out: &mut Changes,
) -> Result<(), SimulationError> {
    let (n, k) = (chain.n as f64, chain.k);
    let mu_each = chain.mu_each();
    let weight = |p: usize| counts[p] as f64 * fitness[p];
    let total: f64 = (0..k).map(weight).sum();
    SimulationError::check_total_fitness(total, counts)?;
    for a in 0..k {
        if counts[a] == 0 {
            continue;
        }
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

/// One step on a graph: the parent from the Fenwick tree of fitnesses, the replaced
/// neighbour uniformly. Returns the replaced site and the offspring's type.
#[inline]
pub(crate) fn graph_step(
    ctx: &GraphContext<'_>,
    st: &GraphState,
    rng: &mut Rng,
) -> Result<Option<(usize, u32)>, SimulationError> {
    let total = st.tree.total();
    SimulationError::check_total_fitness(total, &st.counts)?;
    let parent = st.tree.find(rng.next_f64() * total);
    let nb = ctx.repro.neighbours(parent);
    let target = nb[below(rng, nb.len() as u64) as usize] as usize;
    Ok(Some((target, ctx.mutate(st.types[parent], rng))))
}
