//! VeryBad: follows the majority of the opponent's moves so far.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates on the first three turns; then cooperates if the opponent has mostly cooperated,
/// defects if it has mostly defected, and copies its last move on a tie.
pub struct VeryBad;

impl Strategy for VeryBad {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| VeryBad)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if history.len() < 3 {
            return Move::C;
        }
        let (c, d) = (
            history.opponent_cooperations(),
            history.opponent_defections(),
        );
        match c.cmp(&d) {
            std::cmp::Ordering::Greater => Move::C,
            std::cmp::Ordering::Less => Move::D,
            std::cmp::Ordering::Equal => history.last_opponent().unwrap_or(Move::C),
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![VeryBad {
    name: "VeryBad",
    description: "Cooperates for three turns, then plays the opponent's majority move so far, copying its last move on a tie.",
    params: "()",
    memory_depth: None,
    stochastic: false,
    makes_use_of: [],
},];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn majority_with_tie_break() {
        assert_eq!(against_sequence(&mut VeryBad, "DDCCDCDD", None), "CCCDCDCD");
    }
}
