//! ShortMem (Axelrod's `shortmem` module): judge the opponent by its last ten moves.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates while the opponent has played at most 10 moves. Then, over the opponent's last
/// 10 moves, cooperates if cooperations exceed defections by at least 3, defects if
/// defections exceed cooperations by at least 3, and otherwise repeats the opponent's last move.
pub struct ShortMem;

impl Strategy for ShortMem {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| ShortMem)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n <= 10 {
            return Move::C;
        }
        let opp = history.opponent();
        let d = opp[n - 10..].iter().filter(|&&m| m == Move::D).count() as i32;
        let c = 10 - d;
        if c - d >= 3 {
            Move::C
        } else if d - c >= 3 {
            Move::D
        } else {
            opp[n - 1]
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![ShortMem {
    name: "ShortMem",
    description: "Cooperates for 10 turns, then follows a clear majority (by 3 or more) of the opponent's last 10 moves, else copies its last move.",
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
    fn majority_of_last_ten() {
        let mut s = ShortMem;
        assert_eq!(
            against(&mut s, "DDDDDDDDCCCCCCDDDDDC"),
            "CCCCCCCCCCCDCCCDDDDD"
        );
    }
}
