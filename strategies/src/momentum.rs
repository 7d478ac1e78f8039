//! Momentum (Axelrod's `momentum` module): an exponentially weighted memory of the
//! opponent's cooperation.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MomentumParams {
    alpha: f64,
    threshold: f64,
}

impl Default for MomentumParams {
    fn default() -> Self {
        MomentumParams {
            alpha: 0.9914655399877477,
            threshold: 0.9676595613724907,
        }
    }
}

/// Keeps momentum m (1 at the start) and after each opponent move sets
/// m = alpha * m + (1 - alpha) * [move was C]; cooperates first and then while m >= threshold.
pub struct Momentum {
    alpha: f64,
    threshold: f64,
    momentum: f64,
}

impl Strategy for Momentum {
    fn create(text: &str) -> Result<Self, String> {
        let p: MomentumParams = params::parse(text)?;
        Ok(Momentum {
            alpha: params::probability("alpha", p.alpha)?,
            threshold: params::probability("threshold", p.threshold)?,
            momentum: 1.0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.momentum = 1.0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            self.momentum = 1.0;
            return Move::C;
        };
        let value = if last == Move::C { 1.0 } else { 0.0 };
        // Same operation order as Axelrod so the threshold comparison agrees exactly.
        self.momentum = self.alpha * self.momentum + (1.0 - self.alpha) * value;
        Move::cooperate_if(self.momentum >= self.threshold)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Momentum {
    name: "Momentum",
    description: "Tracks an exponentially weighted average of the opponent's cooperation (decay alpha) and cooperates while it stays at or above the threshold.",
    params: "(alpha: 0.9914655399877477, threshold: 0.9676595613724907)",
    memory_depth: None,
    stochastic: false,
    makes_use_of: [],
},];

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays `s` against a fixed sequence of opponent moves and returns its moves.
    fn against(s: &mut impl Strategy, opponent: &str) -> String {
        let opp = params::moves("opponent", opponent).unwrap();
        let mut rng = Rng::seed_from_u64(0);
        s.reset(&MatchContext::standard(Some(opp.len() as u64)));
        let mut own = Vec::new();
        for t in 0..opp.len() {
            let m = s.decide(&History::new(&own, &opp[..t]), &mut rng);
            own.push(m);
        }
        own.iter().map(|m| m.as_char()).collect()
    }

    #[test]
    fn forgives_a_few_defections_only() {
        let mut m = Momentum::create("()").unwrap();
        // 0.99147^k drops below 0.96766 after 5 defections.
        assert_eq!(against(&mut m, "CDDDDDCC"), "CCCCCDDD");
        assert!(Momentum::create("(alpha: 1.5)").is_err());
    }
}
