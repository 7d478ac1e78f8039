//! Adaptive (Axelrod's `adaptive` module): try both moves, then keep playing the one that has
//! earned more.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, History, MatchContext, Move, Payoffs, Rng, Strategy,
};

use crate::params;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct AdaptiveParams {
    /// The opening as a string of C and D; `None` (or empty) means six C then five D.
    initial_plays: Option<String>,
}

/// Plays an opening (six C, then five D), then whichever move has earned it the larger total
/// payoff so far in the match (D on a tie).
pub struct Adaptive {
    opening: Vec<Move>,
    game: Payoffs,
    /// Total payoff earned by cooperating and by defecting.
    earned: [f64; 2],
}

impl Strategy for Adaptive {
    fn create(text: &str) -> Result<Self, String> {
        let p: AdaptiveParams = params::parse(text)?;
        let mut opening = params::moves("initial_plays", p.initial_plays.as_deref().unwrap_or(""))?;
        if opening.is_empty() {
            // Axelrod falls back to the default for an empty opening too.
            opening = [[Move::C; 6].as_slice(), &[Move::D; 5]].concat();
        }
        Ok(Adaptive {
            opening,
            game: Payoffs::STANDARD,
            earned: [0.0; 2],
        })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.game = ctx.game;
        self.earned = [0.0; 2];
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) {
            let g = &self.game;
            let payoff = match (own, opp) {
                (Move::C, Move::C) => g.r,
                (Move::C, Move::D) => g.s,
                (Move::D, Move::C) => g.t,
                (Move::D, Move::D) => g.p,
            };
            self.earned[own as usize] += payoff;
        }
        match self.opening.get(history.len()) {
            Some(&m) => m,
            None => Move::cooperate_if(self.earned[0] > self.earned[1]),
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Adaptive {
    name: "Adaptive",
    description: "Opens with six C and five D, then plays whichever move has earned it more in total so far (D on a tie).",
    params: "(initial_plays: None)",
    memory_depth: None,
    stochastic: false,
    makes_use_of: [game],
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
    fn keeps_the_better_paying_move() {
        let mut a = Adaptive::create("()").unwrap();
        // Against a cooperator: C earns 3 a turn, D earns 5, so it keeps defecting.
        assert_eq!(against(&mut a, &"C".repeat(13)), "CCCCCCDDDDDDD");
        let mut short = Adaptive::create("(initial_plays: Some(\"CD\"))").unwrap();
        // C earned 3 (CC), D earned 1 (DD): cooperate.
        assert_eq!(against(&mut short, "CDCC"), "CDCC");
    }
}
