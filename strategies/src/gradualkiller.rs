//! Gradual Killer (Axelrod's `gradualkiller` module).

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

use Move::{C, D};

/// The fixed opening.
const OPENING: [Move; 7] = [D, D, D, D, D, C, C];

/// Opens D, D, D, D, D, C, C; then defects forever if the opponent defected on both turns 6
/// and 7 (when it was offered cooperation), and cooperates forever otherwise.
pub struct GradualKiller;

impl Strategy for GradualKiller {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| GradualKiller)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match OPENING.get(history.len()) {
            Some(&m) => m,
            None => Move::defect_if(history.opponent()[5..7] == [D, D]),
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![GradualKiller {
    name: "Gradual Killer",
    description: "Opens D, D, D, D, D, C, C; defects forever if the opponent defected on turns 6 and 7, otherwise cooperates forever.",
    params: "()",
    memory_depth: None,
    stochastic: false,
    makes_use_of: [],
},];

#[cfg(test)]
mod tests {
    use super::*;

    fn against(opponent: &str) -> String {
        let opp = params::moves("opponent", opponent).unwrap();
        let mut s = GradualKiller;
        let mut rng = Rng::seed_from_u64(0);
        let mut own = Vec::new();
        for t in 0..opp.len() {
            let m = s.decide(&History::new(&own, &opp[..t]), &mut rng);
            own.push(m);
        }
        own.iter().map(|m| m.as_char()).collect()
    }

    #[test]
    fn punishes_defection_on_turns_six_and_seven() {
        assert_eq!(against("CCCCCDDCC"), "DDDDDCCDD");
        assert_eq!(against("DDDDDCDDD"), "DDDDDCCCC");
    }
}
