//! Negation: a random opening, then the opposite of whatever the opponent just did.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Plays a fair coin on the first turn, then the opposite of the opponent's previous move.
pub struct Negation;

impl Strategy for Negation {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Negation)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            Some(last) => last.flip(),
            None => Move::cooperate_if(rng.chance(0.5)),
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Negation {
    name: "Negation",
    description: "Random first move, then the opposite of the opponent's previous move.",
    params: "()",
    memory_depth: Some(1),
    stochastic: true,
    makes_use_of: [],
},];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn negates_the_opponent() {
        let moves = against_sequence(&mut Negation, "CDDC", None);
        assert_eq!(&moves[1..], "DCC");
    }
}
