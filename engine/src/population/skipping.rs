//! The exact idle-step skipping simulator for well-mixed two-type populations with
//! deterministic payoffs: the default wherever it applies.
//!
//! Why a module of its own: this is an algorithmic win, not a faster way of doing the same
//! work. The count of type 0 performs a birth-death chain (the one of [`crate::moran`], with
//! mutation); in state `i` a step changes the count with probability `r_i = T+_i + T-_i`.
//! Instead of drawing every step, the simulator draws the number of idle steps before the next
//! change from its geometric distribution (by inversion, `floor(ln U / ln(1 - r_i))`) and then
//! the direction of the change (`T+_i / r_i`). The reported step counts and fixation outcomes
//! have exactly the distribution of the step-by-step process; the per-state probabilities are
//! tabulated once per configuration from the same rule formulas the step-by-step simulator
//! uses.

use vertrouwen_plugins_api::Rng;

use super::error::SimulationError;
use super::payoff::PayoffTable;
use super::well_mixed::{CountChain, Transitions};
use super::RunOutcome;

/// Per state `i` (count of type 0): the probability that a change is an increase, and
/// `ln(1 - r_i)` for the geometric number of idle steps.
#[derive(Debug, Clone)]
pub(crate) struct TwoTypeChain {
    pub(crate) p_up: Vec<f64>,
    pub(crate) ln_idle: Vec<f64>,
}

impl TwoTypeChain {
    /// Tabulates states `1..N` (the others are absorbing).
    pub(crate) fn new(chain: &CountChain, table: &PayoffTable) -> Result<Self, SimulationError> {
        let n = chain.n;
        let mut p_up = Vec::new();
        let mut ln_idle = Vec::new();
        for (v, what) in [
            (&mut p_up, "the two-type chain"),
            (&mut ln_idle, "the two-type chain"),
        ] {
            v.try_reserve_exact(n + 1)
                .map_err(|_| SimulationError::OutOfMemory {
                    what,
                    bytes: 8 * (n as u128 + 1),
                })?;
            v.resize(n + 1, 0.0);
        }
        let mut work = Transitions::default();
        for i in 1..n {
            chain.transitions(table, &[i, n - i], &mut work)?;
            let (mut up, mut down) = (0.0, 0.0);
            let changes = &work.changes;
            for (j, &(from, _)) in changes.moves.iter().enumerate() {
                let p = changes.cumulative[j]
                    - if j > 0 {
                        changes.cumulative[j - 1]
                    } else {
                        0.0
                    };
                if from == 1 {
                    up = p;
                } else {
                    down = p;
                }
            }
            let rate = up + down;
            p_up[i] = if rate > 0.0 { up / rate } else { 0.5 };
            // ln P(no change); -inf when something always happens; 0 when stuck.
            ln_idle[i] = (-rate.min(1.0)).ln_1p();
        }
        Ok(TwoTypeChain { p_up, ln_idle })
    }

    /// One run from `i0` individuals of type 0.
    pub(crate) fn run(&self, n: usize, i0: usize, max_steps: u64, rng: &mut Rng) -> RunOutcome {
        let mut i = i0;
        let mut steps = 0u64;
        let fixed = loop {
            if i == n {
                break Some(0);
            }
            if i == 0 {
                break Some(1);
            }
            if steps >= max_steps {
                break None;
            }
            let ln_idle = self.ln_idle[i];
            if ln_idle == 0.0 {
                steps = max_steps; // nothing can ever happen in this state
                continue;
            }
            // Idle steps before the next event ~ Geometric(P(event)) by inversion:
            // floor(ln(U) / ln(1 - p)), U uniform in (0, 1].
            let idle = ((1.0 - rng.next_f64()).ln() / ln_idle) as u64; // saturating cast
            steps = steps.saturating_add(idle).saturating_add(1);
            if steps > max_steps {
                steps = max_steps;
                continue;
            }
            if rng.next_f64() < self.p_up[i] {
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
}
