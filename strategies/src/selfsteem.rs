//! SelfSteem (Axelrod's `selfsteem` module): mood swings along a sine wave of period 10.

use std::f64::consts::PI;

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// With f = sin(2 pi n / 10) on turn n (from 0): defects when f > 0.95, copies the opponent's
/// last move when 0.3 < |f| < 0.95, plays at random when |f| < 0.3, and cooperates otherwise.
pub struct SelfSteem;

impl Strategy for SelfSteem {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| SelfSteem)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        // Same expression order as Axelrod.
        let f = (2.0 * PI * history.len() as f64 / 10.0).sin();
        if f > 0.95 {
            Move::D
        } else if f.abs() < 0.95 && f.abs() > 0.3 {
            // |f| > 0.3 never happens on the first turn (f = 0 there).
            history.last_opponent().unwrap_or(Move::C)
        } else if f < 0.3 && f > -0.3 {
            Move::cooperate_if(rng.chance(0.5))
        } else {
            Move::C
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![SelfSteem {
    name: "SelfSteem",
    description: "Follows sin(2 pi n / 10): defects near the crest, cooperates near the trough, copies the opponent on the slopes and plays at random near zero.",
    params: "()",
    memory_depth: None,
    stochastic: true,
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
    fn follows_the_wave() {
        let mut s = SelfSteem;
        let m = against(&mut s, &"D".repeat(20));
        let m: Vec<char> = m.chars().collect();
        // Turn 1, 4, 6, 9 copy (D), 2 and 3 defect, 7 and 8 cooperate.
        for (i, want) in [
            (1, 'D'),
            (2, 'D'),
            (3, 'D'),
            (4, 'D'),
            (6, 'D'),
            (7, 'C'),
            (8, 'C'),
            (9, 'D'),
        ] {
            assert_eq!(m[i], want, "turn {i}");
            assert_eq!(m[i + 10], want, "turn {}", i + 10);
        }
    }
}
