//! Populations on graphs, simulated individual by individual, every update step drawn.
//!
//! Why this shape: on a graph the state is every individual's type, so nothing can be
//! tabulated per count. The simulator keeps flat per-individual arrays (type as `u32`,
//! payoff, fitness, a Fenwick tree of fitnesses for birth-death) that live for a whole run
//! and are reused across the runs of a thread; a step that cannot change anything (the chosen
//! individuals already share a type) returns after its draws without computing a payoff or an
//! exponential; after a change only the changed individual and its interaction neighbours get
//! new payoffs. The rule modules decide each step; this module owns the state and the
//! bookkeeping.

use vertrouwen_plugins_api::Rng;

use super::error::SimulationError;
use super::graph::Adjacency;
use super::payoff::PayoffSource;
use super::sampling::{below, Fenwick};
use super::settings::{FitnessMap, UpdateRule};
use super::{birth_death, death_birth, fermi, RunOutcome};

/// What a structured run needs besides its state, shared by all runs.
pub(crate) struct GraphContext<'a> {
    pub(crate) n: usize,
    pub(crate) k: usize,
    pub(crate) rule: UpdateRule,
    pub(crate) fitness: FitnessMap,
    pub(crate) mu: f64,
    /// Who plays whom.
    pub(crate) inter: &'a Adjacency,
    /// Who replaces or imitates whom.
    pub(crate) repro: &'a Adjacency,
}

/// One thread's per-individual state, reused from run to run.
#[derive(Debug, Default)]
pub(crate) struct GraphState {
    pub(crate) types: Vec<u32>,
    pub(crate) pay: Vec<f64>,
    pub(crate) fit: Vec<f64>,
    pub(crate) tree: Fenwick,
    pub(crate) counts: Vec<usize>,
    /// Payoff class of each individual ([`super::fermi::PayoffClasses`]).
    pub(crate) class: Vec<u32>,
}

impl GraphContext<'_> {
    /// The offspring's type: the parent's, or with probability `mu` a uniformly chosen other.
    #[inline]
    pub(crate) fn mutate(&self, t: u32, rng: &mut Rng) -> u32 {
        if self.k < 2 || self.mu == 0.0 || !rng.chance(self.mu) {
            return t;
        }
        self.other_type(t, rng)
    }

    /// A uniformly chosen type other than `t` (`k >= 2`).
    #[inline]
    pub(crate) fn other_type(&self, t: u32, rng: &mut Rng) -> u32 {
        let o = below(rng, self.k as u64 - 1) as u32;
        if o >= t {
            o + 1
        } else {
            o
        }
    }

    /// Average payoff of `v` against its interaction neighbours.
    #[inline]
    fn payoff_of<S: PayoffSource>(
        &self,
        source: &S,
        v: usize,
        types: &[u32],
        rng: &mut Rng,
    ) -> Result<f64, SimulationError> {
        let nb = self.inter.neighbours(v);
        let tv = types[v] as usize;
        let mut s = 0.0;
        for &u in nb {
            s += source.get(tv, types[u as usize] as usize, rng)?;
        }
        let p = s / nb.len() as f64;
        if !p.is_finite() {
            return Err(SimulationError::Overflow {
                what: "an average payoff",
                value: p,
            });
        }
        Ok(p)
    }
}

/// Uniformly random placement of the initial counts: a shuffled list of types
/// (Fisher-Yates).
pub(crate) fn place(initial: &[usize], st: &mut GraphState, rng: &mut Rng) {
    st.types.clear();
    for (t, &c) in initial.iter().enumerate() {
        st.types.extend(std::iter::repeat_n(t as u32, c));
    }
    for i in (1..st.types.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        st.types.swap(i, j);
    }
    st.counts.clear();
    st.counts.extend_from_slice(initial);
}

/// One run: a uniformly random placement of the initial counts, then update steps until one
/// type occupies every node or `max_steps` steps were taken.
pub(crate) fn run<S: PayoffSource>(
    ctx: &GraphContext<'_>,
    source: &S,
    initial: &[usize],
    max_steps: u64,
    st: &mut GraphState,
    rng: &mut Rng,
) -> Result<RunOutcome, SimulationError> {
    let n = ctx.n;
    place(initial, st, rng);
    st.pay.clear();
    st.pay.resize(n, 0.0);
    for v in 0..n {
        st.pay[v] = ctx.payoff_of(source, v, &st.types, rng)?;
    }
    let moran = !matches!(ctx.rule, UpdateRule::Fermi { .. });
    st.fit.clear();
    if moran {
        st.fit.resize(n, 0.0);
        for v in 0..n {
            st.fit[v] = ctx.fitness.apply(st.pay[v])?;
        }
    }
    let birth_death = matches!(ctx.rule, UpdateRule::BirthDeath);
    if birth_death {
        st.tree.rebuild(&st.fit);
    }
    let mut steps = 0u64;
    let mut fixed = st.counts.iter().position(|&c| c == n);
    while fixed.is_none() && steps < max_steps {
        steps += 1;
        let change = match ctx.rule {
            UpdateRule::Fermi { beta } => fermi::graph_step(ctx, beta, st, rng),
            UpdateRule::BirthDeath => birth_death::graph_step(ctx, st, rng)?,
            UpdateRule::DeathBirth => death_birth::graph_step(ctx, st, rng)?,
        };
        let Some((site, new_type)) = change else {
            continue;
        };
        let old = st.types[site];
        if new_type == old {
            continue;
        }
        st.counts[old as usize] -= 1;
        st.counts[new_type as usize] += 1;
        st.types[site] = new_type;
        if st.counts[new_type as usize] == n {
            fixed = Some(new_type as usize);
        }
        // Only the changed site and its interaction neighbours have new payoffs.
        for v in std::iter::once(site).chain(ctx.inter.neighbours(site).iter().map(|&u| u as usize))
        {
            st.pay[v] = ctx.payoff_of(source, v, &st.types, rng)?;
            if moran {
                let f = ctx.fitness.apply(st.pay[v])?;
                if birth_death {
                    st.tree.add(v, f - st.fit[v]);
                }
                st.fit[v] = f;
            }
        }
        if birth_death && st.tree.stale() {
            // Rebuild now and then so floating-point drift of the sums cannot accumulate.
            st.tree.rebuild(&st.fit);
        }
    }
    Ok(RunOutcome {
        fixed,
        steps,
        counts: st.counts.clone(),
    })
}
