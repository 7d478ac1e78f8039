//! Better and Better (Axelrod's `better_and_better` module).

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;
use crate::worse_and_worse::cooperate_with;

/// On turn n (from 1) defects with probability (1000 - n) / 1000, so it cooperates more and
/// more as the match goes on.
pub struct BetterAndBetter;

impl Strategy for BetterAndBetter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| BetterAndBetter)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let round = (history.len() + 1) as f64;
        cooperate_with(round / 1000.0, rng)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![BetterAndBetter {
    name: "Better and Better",
    description: "Cooperates with probability n/1000 on turn n.",
    params: "()",
    memory_depth: None,
    stochastic: true,
    makes_use_of: [],
},];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cooperation_grows() {
        let mut b = BetterAndBetter;
        let mut rng = Rng::seed_from_u64(3);
        let (mut own, opp) = (Vec::new(), vec![Move::C; 1000]);
        for t in 0..1000 {
            let m = b.decide(&History::new(&own, &opp[..t]), &mut rng);
            own.push(m);
        }
        let early = own[..200].iter().filter(|&&m| m == Move::C).count();
        let late = own[800..].iter().filter(|&&m| m == Move::C).count();
        // Expected about 20 and 180.
        assert!(early < 45 && late > 150, "{early} {late}");
    }
}
