//! Once bitten, twice shy: strategies that forgive a single defection but not a repeat.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// How many turns Once Bitten's grudge lasts after the triggering defection.
const GRUDGE_LENGTH: u32 = 10;

/// Cooperates, but after two consecutive opponent defections defects on the next eleven turns
/// (the triggering defection plus a ten-turn grudge), then watches again.
pub struct OnceBitten {
    grudged: bool,
    grudge_memory: u32,
}

impl Strategy for OnceBitten {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(OnceBitten {
            grudged: false,
            grudge_memory: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.grudged = false;
        self.grudge_memory = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if self.grudge_memory >= GRUDGE_LENGTH {
            self.grudge_memory = 0;
            self.grudged = false;
        }
        let opp = history.opponent();
        let n = opp.len();
        if n < 2 {
            return Move::C;
        }
        if self.grudged {
            self.grudge_memory += 1;
            return Move::D;
        }
        if opp[n - 2..] == [Move::D, Move::D] {
            self.grudged = true;
            return Move::D;
        }
        Move::C
    }
}

/// Forgives the opponent's first defection and defects for ever after the second.
pub struct FoolMeOnce;

impl Strategy for FoolMeOnce {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| FoolMeOnce)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.opponent_defections() > 1)
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ForgetfulParams {
    forget_probability: f64,
}

impl Default for ForgetfulParams {
    fn default() -> Self {
        ForgetfulParams {
            forget_probability: 0.05,
        }
    }
}

/// Fool Me Once with its own defection count, which it forgets (resets to zero) with
/// probability `forget_probability` each turn.
pub struct ForgetfulFoolMeOnce {
    forget_probability: f64,
    d_count: u64,
}

impl Strategy for ForgetfulFoolMeOnce {
    fn create(params: &str) -> Result<Self, String> {
        let p: ForgetfulParams = params::parse(params)?;
        Ok(ForgetfulFoolMeOnce {
            forget_probability: params::probability("forget_probability", p.forget_probability)?,
            d_count: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.d_count = 0;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            return Move::C;
        };
        if last == Move::D {
            self.d_count += 1;
        }
        if rng.chance(self.forget_probability) {
            self.d_count = 0;
        }
        Move::defect_if(self.d_count > 1)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    OnceBitten {
        name: "Once Bitten",
        description: "Cooperates, but after two opponent defections in a row defects for the next eleven turns.",
        params: "()",
        memory_depth: Some(12),
        stochastic: false,
        makes_use_of: [],
    },
    FoolMeOnce {
        name: "Fool Me Once",
        description: "Forgives the opponent's first defection and always defects after the second.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    ForgetfulFoolMeOnce {
        name: "Forgetful Fool Me Once",
        description: "Fool Me Once that forgets the opponent's defections with a small probability each turn.",
        params: "(forget_probability: 0.05)",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{against_sequence, seq};

    #[test]
    fn once_bitten_grudge_is_eleven_turns() {
        assert_eq!(seq::<OnceBitten>("CDDCCCCCCCCCCCCC"), "CCCDDDDDDDDDDDCC");
    }

    #[test]
    fn fool_me_once() {
        assert_eq!(seq::<FoolMeOnce>("DCCDCC"), "CCCCDD");
    }

    #[test]
    fn forgetful_fool_me_once() {
        // Never forgetting, it is Fool Me Once.
        let mut f = ForgetfulFoolMeOnce::create("(forget_probability: 0.0)").unwrap();
        assert_eq!(against_sequence(&mut f, "DCCDCC", None), "CCCCDD");
        // Always forgetting, it always cooperates.
        let mut g = ForgetfulFoolMeOnce::create("(forget_probability: 1.0)").unwrap();
        assert_eq!(against_sequence(&mut g, "DDDD", None), "CCCC");
        assert!(ForgetfulFoolMeOnce::create("(forget_probability: 2.0)").is_err());
    }
}
