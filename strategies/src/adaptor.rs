//! Adaptor (Axelrod's `adaptor` module; Hauert and Schuster 1997/2002): an internal state
//! moved by the outcome of each round decides whether to cooperate.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;
use crate::worse_and_worse::cooperate_with;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AdaptorParams {
    /// State changes after CC, CD, DC, DD (own move first).
    delta: (f64, f64, f64, f64),
    /// Probability of playing the move the state does not call for.
    perr: f64,
}

impl Default for AdaptorParams {
    fn default() -> Self {
        // AdaptorBrief's trained values.
        AdaptorParams {
            delta: (0.0, -1.001505, 0.992107, -0.638734),
            perr: 0.01,
        }
    }
}

/// Keeps a state s (0 at the start) and adds `delta` of each round's outcome to it;
/// cooperates with probability 1 - perr while -1 <= s < 1 and with probability perr otherwise.
pub struct Adaptor {
    delta: [f64; 4],
    perr: f64,
    state: f64,
}

impl Strategy for Adaptor {
    fn create(text: &str) -> Result<Self, String> {
        let p: AdaptorParams = params::parse(text)?;
        let (a, b, c, d) = p.delta;
        if ![a, b, c, d].iter().all(|x| x.is_finite()) {
            return Err("parameter `delta` must hold four finite numbers".into());
        }
        Ok(Adaptor {
            delta: [a, b, c, d],
            perr: params::probability("perr", p.perr)?,
            state: 0.0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.state = 0.0;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if let (Some(own), Some(opp)) = (history.last_own(), history.last_opponent()) {
            self.state += self.delta[2 * own as usize + opp as usize];
        }
        // Axelrod's heaviside(s + 1) - heaviside(s - 1), with heaviside(0) = 1.
        let inside = self.state >= -1.0 && self.state < 1.0;
        let p = if inside { 1.0 - self.perr } else { self.perr };
        cooperate_with(p, rng)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Adaptor {
        name: "AdaptorBrief",
        description: "Adaptor trained for short matches: a state moved by each round's outcome decides, up to 1% error, whether to cooperate.",
        params: "(delta: (0.0, -1.001505, 0.992107, -0.638734), perr: 0.01)",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    Adaptor {
        name: "AdaptorLong",
        description: "Adaptor trained for long matches: a state moved by each round's outcome decides, up to 1% error, whether to cooperate.",
        params: "(delta: (0.0, 1.888159, 1.858883, -0.995703), perr: 0.01)",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
];

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
    fn state_window_decides() {
        // With perr = 0 the rule is deterministic: CD lowers s by 1.001505, leaving [-1, 1), and DC brings it back.
        let mut a = Adaptor::create("(perr: 0.0)").unwrap();
        assert_eq!(against(&mut a, "DCCC"), "CDCC");
        assert!(Adaptor::create("(perr: 2.0)").is_err());
    }
}
