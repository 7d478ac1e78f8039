//! Appeaser: switches its move whenever the opponent defects, guessing that the opponent wants
//! something else.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates first; repeats its own previous move, except that it switches between C and D
/// each time the opponent defects.
pub struct Appeaser;

impl Strategy for Appeaser {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Appeaser)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match (history.last_own(), history.last_opponent()) {
            (Some(own), Some(Move::D)) => own.flip(),
            (Some(own), Some(Move::C)) => own,
            _ => Move::C,
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Appeaser {
    name: "Appeaser",
    description: "Cooperates first, then keeps its previous move but switches between C and D whenever the opponent defects.",
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
    fn switches_on_defection() {
        assert_eq!(against_sequence(&mut Appeaser, "CDCDDC", None), "CCDDCD");
        assert!(Appeaser::create("(p: 1)").is_err());
    }
}
