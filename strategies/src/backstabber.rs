//! Backstabbers: forgiving cooperators that turn on the opponent after repeated defections and
//! always defect on the last two turns of a match of known length.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;
use crate::titfortat::in_final_turns;

/// Cooperates until the opponent's fourth defection, then defects for ever.
fn backstab(history: &History<'_>) -> Move {
    Move::defect_if(history.opponent_defections() > 3)
}

/// Forgives three defections and defects for ever from the fourth; defects on the last two
/// turns of a match of known length.
pub struct BackStabber {
    length: Option<u64>,
}

impl Strategy for BackStabber {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(BackStabber { length: None })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if in_final_turns(self.length, history.len(), 2) {
            return Move::D;
        }
        backstab(history)
    }
}

/// BackStabber, except that from turn 8 to turn 180, if the opponent cooperated on all of the
/// first seven turns, it only defects right after two consecutive opponent defections.
pub struct DoubleCrosser {
    length: Option<u64>,
    /// Whether the opponent defected during the first seven turns (sticky once true).
    defected_early: bool,
}

impl Strategy for DoubleCrosser {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(DoubleCrosser {
            length: None,
            defected_early: false,
        })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
        self.defected_early = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n <= 7 && history.last_opponent() == Some(Move::D) {
            self.defected_early = true;
        }
        if in_final_turns(self.length, n, 2) {
            return Move::D;
        }
        let round = n + 1;
        if !self.defected_early && (8..=180).contains(&round) {
            let opp = history.opponent();
            return Move::defect_if(opp[n - 2..] == [Move::D, Move::D]);
        }
        backstab(history)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    BackStabber {
        name: "BackStabber",
        description: "Forgives the first three defections and always defects after the fourth; defects on the last two turns when the length is known.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [length],
    },
    DoubleCrosser {
        name: "DoubleCrosser",
        description: "BackStabber that, between turns 8 and 180 against an opponent who cooperated on the first seven turns, only answers two defections in a row.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [length],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn backstabber() {
        let mut b = BackStabber::create("()").unwrap();
        assert_eq!(against_sequence(&mut b, "DDDCDCCC", Some(8)), "CCCCCDDD");
        assert_eq!(against_sequence(&mut b, "CCCCCC", None), "CCCCCC");
    }

    #[test]
    fn double_crosser() {
        let mut d = DoubleCrosser::create("()").unwrap();
        // Clean first seven turns: from turn 8 only two defections in a row are answered.
        let opp = "CCCCCCCDDCDCCDDDDC";
        assert_eq!(against_sequence(&mut d, opp, None), "CCCCCCCCCDCCCCCDDD");
        assert!(DoubleCrosser::create("(x: 1)").is_err());
    }
}
