//! Resurrection strategies: Tit For Tat with an escape from (or into) long runs of its own
//! identical moves.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Whether the player's own last five moves were all `m`.
fn last_five_own(history: &History<'_>, m: Move) -> bool {
    let own = history.own();
    own.len() >= 5 && own[own.len() - 5..].iter().all(|&x| x == m)
}

/// Tit For Tat, except that after five defections of its own in a row it keeps defecting.
pub struct Resurrection;

impl Strategy for Resurrection {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Resurrection)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            return Move::C;
        };
        if last_five_own(history, Move::D) {
            Move::D
        } else {
            last
        }
    }
}

/// Tit For Tat, except that after five cooperations of its own in a row it defects, and after
/// five defections of its own in a row it cooperates.
pub struct DoubleResurrection;

impl Strategy for DoubleResurrection {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| DoubleResurrection)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            return Move::C;
        };
        if last_five_own(history, Move::C) {
            Move::D
        } else if last_five_own(history, Move::D) {
            Move::C
        } else {
            last
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Resurrection {
        name: "Resurrection",
        description: "Tit For Tat that keeps defecting once it has defected five times in a row.",
        params: "()",
        memory_depth: Some(5),
        stochastic: false,
        makes_use_of: [],
    },
    DoubleResurrection {
        name: "DoubleResurrection",
        description: "Tit For Tat that defects after five cooperations of its own in a row and cooperates after five defections in a row.",
        params: "()",
        memory_depth: Some(5),
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn resurrections() {
        let opp = "CCCCCCDDDDDDCCC";
        assert_eq!(
            against_sequence(&mut Resurrection, opp, None),
            "CCCCCCCDDDDDDDD"
        );
        assert_eq!(
            against_sequence(&mut DoubleResurrection, opp, None),
            "CCCCCDCDDDDDCCC"
        );
    }
}
