//! Forgivers: strategies that tolerate defections as long as they stay rare.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Whether the opponent has defected on more than 10% of the turns so far (integer form of
/// Axelrod's `defections > turns / 10`).
fn defects_often(history: &History<'_>) -> bool {
    10 * history.opponent_defections() > history.len()
}

/// Cooperates while the opponent has defected on at most 10% of the turns, otherwise defects.
pub struct Forgiver;

impl Strategy for Forgiver {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Forgiver)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(defects_often(history))
    }
}

/// Cooperates while the opponent has defected on at most 10% of the turns; otherwise repeats
/// the opponent's previous move.
pub struct ForgivingTitForTat;

impl Strategy for ForgivingTitForTat {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| ForgivingTitForTat)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match history.last_opponent() {
            Some(last) if defects_often(history) => last,
            _ => Move::C,
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Forgiver {
        name: "Forgiver",
        description: "Cooperates unless the opponent has defected on more than 10% of the turns so far.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    ForgivingTitForTat {
        name: "Forgiving Tit For Tat",
        description: "Cooperates while the opponent defected on at most 10% of the turns, otherwise plays Tit For Tat.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn forgivers() {
        let opp = "CCCCCCCCCDCDCCCCCCCCCCC";
        assert_eq!(
            against_sequence(&mut Forgiver, opp, None),
            "CCCCCCCCCCCCDDDDDDDDCCC"
        );
        assert_eq!(
            against_sequence(&mut ForgivingTitForTat, opp, None),
            "CCCCCCCCCCCCDCCCCCCCCCC"
        );
        assert_eq!(
            against_sequence(&mut ForgivingTitForTat, "DCD", None),
            "CDC"
        );
    }
}
