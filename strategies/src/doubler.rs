//! Doubler: punishes a defection only while the opponent has not cooperated more than twice as
//! often as it defected.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates, except after an opponent defection when the opponent's cooperations are at most
/// twice its defections.
pub struct Doubler;

impl Strategy for Doubler {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Doubler)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(
            history.last_opponent() == Some(Move::D)
                && history.opponent_cooperations() <= 2 * history.opponent_defections(),
        )
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Doubler {
    name: "Doubler",
    description: "Cooperates, but answers a defection with a defection while the opponent's cooperations are at most twice its defections.",
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
    fn doubles() {
        assert_eq!(against_sequence(&mut Doubler, "CCCDCD", None), "CCCCCC");
        assert_eq!(against_sequence(&mut Doubler, "CCDDCD", None), "CCCDDC");
    }
}
