//! Bush-Mosteller reinforcement learning (Axelrod's `bush_mosteller` module).

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, History, MatchContext, Move, Payoffs, Rng, Strategy,
};

use crate::params;
use crate::worse_and_worse::cooperate_with;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct BushMostellerParams {
    c_prob: f64,
    d_prob: f64,
    aspiration_level_divider: f64,
    learning_rate: f64,
}

impl Default for BushMostellerParams {
    fn default() -> Self {
        BushMostellerParams {
            c_prob: 0.5,
            d_prob: 0.5,
            aspiration_level_divider: 3.0,
            learning_rate: 0.5,
        }
    }
}

fn max_payoff(g: &Payoffs) -> f64 {
    g.r.max(g.p).max(g.s).max(g.t)
}

/// Keeps propensities for C and D and plays C with probability c / (c + d). After each round
/// the stimulus (payoff - aspiration) / |max payoff - aspiration|, floored at -1, reinforces
/// (or weakens) the propensity of the move just played at the learning rate. The aspiration
/// is the largest payoff divided by `aspiration_level_divider`.
pub struct BushMosteller {
    init: (f64, f64),
    divider: f64,
    learning_rate: f64,
    c_prob: f64,
    d_prob: f64,
    aspiration: f64,
    game: Payoffs,
}

impl Strategy for BushMosteller {
    fn create(text: &str) -> Result<Self, String> {
        let p: BushMostellerParams = params::parse(text)?;
        let c = params::probability("c_prob", p.c_prob)?;
        let d = params::probability("d_prob", p.d_prob)?;
        if c + d == 0.0 {
            return Err("parameters `c_prob` and `d_prob` must not both be 0".into());
        }
        if !(p.aspiration_level_divider.is_finite() && p.aspiration_level_divider != 0.0) {
            return Err(format!(
                "parameter `aspiration_level_divider` must be a non-zero number, got {}",
                p.aspiration_level_divider
            ));
        }
        let learning_rate = params::probability("learning_rate", p.learning_rate)?;
        let mut b = BushMosteller {
            init: (c, d),
            divider: p.aspiration_level_divider,
            learning_rate,
            c_prob: c,
            d_prob: d,
            aspiration: 0.0,
            game: Payoffs::STANDARD,
        };
        b.reset(&MatchContext::standard(None));
        Ok(b)
    }
    fn reset(&mut self, ctx: &MatchContext) {
        (self.c_prob, self.d_prob) = self.init;
        self.game = ctx.game;
        // Axelrod fixes the aspiration when the player is built, from the default game (3, 0,
        // 5, 1), not from the match's game; the stimulus then uses the match's game.
        self.aspiration = (max_payoff(&Payoffs::STANDARD) / self.divider).abs();
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) {
            let g = &self.game;
            let payoff = match (own, opp) {
                (Move::C, Move::C) => g.r,
                (Move::C, Move::D) => g.s,
                (Move::D, Move::C) => g.t,
                (Move::D, Move::D) => g.p,
            };
            let stimulus =
                ((payoff - self.aspiration) / (max_payoff(g) - self.aspiration).abs()).max(-1.0);
            let prob = match own {
                Move::C => &mut self.c_prob,
                Move::D => &mut self.d_prob,
            };
            if stimulus >= 0.0 {
                *prob += self.learning_rate * stimulus * (1.0 - *prob);
            } else {
                *prob += self.learning_rate * stimulus * *prob;
            }
        }
        cooperate_with(self.c_prob / (self.c_prob + self.d_prob), rng)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![BushMosteller {
    name: "Bush Mosteller",
    description: "Bush-Mosteller reinforcement learner: payoffs above its aspiration level strengthen the move just played, payoffs below weaken it.",
    params: "(c_prob: 0.5, d_prob: 0.5, aspiration_level_divider: 3.0, learning_rate: 0.5)",
    memory_depth: None,
    stochastic: true,
    makes_use_of: [game],
},];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reinforces_the_move_played() {
        let mut b = BushMosteller::create("()").unwrap();
        b.reset(&MatchContext::standard(None));
        let mut rng = Rng::seed_from_u64(0);
        // Being suckered (payoff 0) weakens cooperation: stimulus -(5/3)/(10/3) = -0.5.
        b.decide(&History::new(&[Move::C], &[Move::D]), &mut rng);
        assert!((b.c_prob - 0.375).abs() < 1e-12, "{}", b.c_prob);
        // Temptation (payoff 5) strengthens defection: stimulus 1.
        b.decide(
            &History::new(&[Move::C, Move::D], &[Move::D, Move::C]),
            &mut rng,
        );
        assert!((b.d_prob - 0.75).abs() < 1e-12, "{}", b.d_prob);
        assert!(BushMosteller::create("(c_prob: 0.0, d_prob: 0.0)").is_err());
        assert!(BushMosteller::create("(aspiration_level_divider: 0.0)").is_err());
    }
}
