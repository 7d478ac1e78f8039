//! Average copiers: cooperate as often as the opponent has.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates with probability equal to the opponent's cooperation rate so far.
fn copy_average(history: &History<'_>, rng: &mut Rng) -> Move {
    let p = history.opponent_cooperations() as f64 / history.len() as f64;
    Move::cooperate_if(rng.chance(p))
}

/// Fair coin on the first turn, then cooperates with probability equal to the opponent's
/// cooperation rate.
pub struct AverageCopier;

impl Strategy for AverageCopier {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| AverageCopier)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if history.is_empty() {
            return Move::cooperate_if(rng.chance(0.5));
        }
        copy_average(history, rng)
    }
}

/// Cooperates on the first turn, then cooperates with probability equal to the opponent's
/// cooperation rate.
pub struct NiceAverageCopier;

impl Strategy for NiceAverageCopier {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| NiceAverageCopier)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if history.is_empty() {
            return Move::C;
        }
        copy_average(history, rng)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    AverageCopier {
        name: "Average Copier",
        description: "Random first move, then cooperates with probability equal to the opponent's cooperation rate so far.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    NiceAverageCopier {
        name: "Nice Average Copier",
        description: "Cooperates first, then cooperates with probability equal to the opponent's cooperation rate so far.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn copies_pure_opponents_exactly() {
        assert_eq!(
            against_sequence(&mut NiceAverageCopier, "DDDD", None),
            "CDDD"
        );
        assert_eq!(
            &against_sequence(&mut AverageCopier, "CCCC", None)[1..],
            "CCC"
        );
    }

    #[test]
    fn matches_the_rate_on_average() {
        let opp = "CD".repeat(2000);
        let moves = against_sequence(&mut NiceAverageCopier, &opp, None);
        let c = moves[1..].chars().filter(|&m| m == 'C').count() as f64 / 3999.0;
        // The rate hovers around 0.5; sd of the mean ~ 0.008, bounds ~ 6 sd.
        assert!((c - 0.5).abs() < 0.05, "{c}");
    }
}
