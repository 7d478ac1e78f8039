//! Inverse: the more recent the opponent's last defection, the less likely it defects.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates while the opponent has never defected; otherwise, if the opponent's most recent
/// defection was k turns ago (k = 1 for the previous turn), cooperates with probability 1 - 1/k.
pub struct Inverse {
    /// Index (0-based) of the opponent's most recent defection seen so far.
    last_defection: Option<usize>,
}

impl Strategy for Inverse {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(Inverse {
            last_defection: None,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.last_defection = None;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        // Tracked incrementally so each turn costs O(1) rather than a backwards scan.
        if history.last_opponent() == Some(Move::D) {
            self.last_defection = Some(n - 1);
        }
        let Some(i) = self.last_defection else {
            return Move::C;
        };
        let k = (n - i) as f64;
        Move::cooperate_if(rng.chance(1.0 - 1.0 / k))
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Inverse {
    name: "Inverse",
    description: "Cooperates with probability 1 - 1/k, where k is how many turns ago the opponent last defected; always cooperates if it never did.",
    params: "()",
    memory_depth: None,
    stochastic: true,
    makes_use_of: [],
},];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn certain_defection_right_after_a_defection() {
        let mut s = Inverse::create("()").unwrap();
        // k = 1 after each defection means cooperation probability 0.
        assert_eq!(against_sequence(&mut s, "CCDDD", None), "CCCDD");
        assert!(Inverse::create("(p: 1)").is_err());
    }

    #[test]
    fn probability_decays_with_distance() {
        let mut s = Inverse::create("()").unwrap();
        let opp = format!("D{}", "C".repeat(400));
        let moves = against_sequence(&mut s, &opp, None);
        // Turns 3..=401 see k = 2..=400: expected defections sum(1/k) ~ 5.0.
        let d = moves[2..].chars().filter(|&c| c == 'D').count();
        assert!(d <= 20, "{d}");
        assert_eq!(&moves[..2], "CD");
    }
}
