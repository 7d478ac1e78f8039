//! Stalker (Axelrod's `stalker` module): play by the average score obtained so far.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, History, MatchContext, Move, Payoffs, Rng, Strategy,
};

use crate::params;

/// Cooperates first. Then, with a = its average payoff per turn so far: defects if a > R;
/// cooperates if (R + P) / 2 < a < R or a > 2; defects if 1 < a < 2; otherwise plays at
/// random. Always defects on the last turn of a match of known length.
pub struct Stalker {
    game: Payoffs,
    length: Option<u64>,
    score: f64,
}

impl Strategy for Stalker {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| Stalker {
            game: Payoffs::STANDARD,
            length: None,
            score: 0.0,
        })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.game = ctx.game;
        self.length = ctx.length;
        self.score = 0.0;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        let last_turn = self.length == Some(n as u64 + 1);
        let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) else {
            return Move::defect_if(last_turn);
        };
        let g = &self.game;
        self.score += match (own, opp) {
            (Move::C, Move::C) => g.r,
            (Move::C, Move::D) => g.s,
            (Move::D, Move::C) => g.t,
            (Move::D, Move::D) => g.p,
        };
        if last_turn {
            return Move::D;
        }
        let avg = self.score / n as f64;
        let wish = (g.r + g.p) / 2.0;
        // Axelrod's thresholds 2 and 1 are fixed numbers, not payoffs.
        if avg > g.r {
            Move::D
        } else if (avg > wish && avg < g.r) || avg > 2.0 {
            Move::C
        } else if avg < 2.0 && avg > 1.0 {
            Move::D
        } else {
            Move::cooperate_if(rng.chance(0.5))
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Stalker {
    name: "Stalker",
    description: "Steers by its average payoff so far: defects when doing very well or poorly, cooperates when doing well, plays at random near the bottom; defects on the last turn.",
    params: "()",
    memory_depth: None,
    stochastic: true,
    makes_use_of: [game, length],
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
    fn steers_by_average_score() {
        let mut s = Stalker::create("()").unwrap();
        // Mutual cooperation averages R = 3 > 2: cooperate, except the known last turn.
        assert_eq!(against(&mut s, "CCCCC"), "CCCCD");
        // After being suckered (average 0) it plays at random; the length is announced.
        let m = against(&mut s, &"D".repeat(50));
        assert!(m.ends_with('D'));
    }
}
