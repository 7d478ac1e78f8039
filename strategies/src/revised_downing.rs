//! Revised Downing (Axelrod's `revised_downing` module).

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Estimates how likely the opponent is to cooperate after its own cooperation (`good`,
/// starting at 1) and after its own defection (`bad`, starting at 0), judging the opponent's
/// reply one round later. With c = 6 good - 8 bad - 2 and alt = 4 good - 5 bad - 1 it
/// cooperates if c >= 0 and c >= alt, alternates (flips its last move) if alt >= 0 otherwise,
/// and defects else. Cooperates on the first turn.
pub struct RevisedDowning {
    good: f64,
    bad: f64,
    nice1: u32,
    nice2: u32,
    total_c: u32,
    total_d: u32,
}

impl RevisedDowning {
    fn fresh() -> Self {
        RevisedDowning {
            good: 1.0,
            bad: 0.0,
            nice1: 0,
            nice2: 0,
            total_c: 0,
            total_d: 0,
        }
    }
}

impl Strategy for RevisedDowning {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| RevisedDowning::fresh())
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        *self = RevisedDowning::fresh();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let Some(last_own) = history.last_own() else {
            return Move::C;
        };
        if n >= 2 {
            let replied_c = history.last_opponent() == Some(Move::C);
            if history.own()[n - 2] == Move::D {
                self.nice2 += u32::from(replied_c);
                self.total_d += 1;
                self.bad = f64::from(self.nice2) / f64::from(self.total_d);
            } else {
                self.nice1 += u32::from(replied_c);
                self.total_c += 1;
                self.good = f64::from(self.nice1) / f64::from(self.total_c);
            }
        }
        let c = 6.0 * self.good - 8.0 * self.bad - 2.0;
        let alt = 4.0 * self.good - 5.0 * self.bad - 1.0;
        if c >= 0.0 && c >= alt {
            Move::C
        } else if alt >= 0.0 {
            last_own.flip()
        } else {
            Move::D
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![RevisedDowning {
    name: "Revised Downing",
    description: "Downing's rule from Axelrod's second tournament: estimates the opponent's responsiveness to its cooperation and defection and picks the move that maximises its expected payoff.",
    params: "()",
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
    fn gives_up_on_a_defector() {
        let mut r = RevisedDowning::create("()").unwrap();
        assert_eq!(against(&mut r, &"D".repeat(10)), "CCDDDDDDDD");
    }
}
