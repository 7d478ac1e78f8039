//! Grudgers: strategies that remember an opponent's defection and punish it, for ever or for a
//! fixed spell.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates until the opponent defects once, then defects for ever.
pub struct Grudger;

impl Strategy for Grudger {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Grudger)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.opponent_defections() > 0)
    }
}

/// Cooperates until the opponent defects, then defects for ten turns; an opponent defection
/// seen at the end of that spell starts a new one.
pub struct ForgetfulGrudger {
    grudged: bool,
    grudge_memory: u32,
}

/// How many turns Forgetful Grudger holds its grudge.
const FORGETFUL_MEMORY: u32 = 10;

impl Strategy for ForgetfulGrudger {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(ForgetfulGrudger {
            grudged: false,
            grudge_memory: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.grudged = false;
        self.grudge_memory = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if self.grudge_memory == FORGETFUL_MEMORY {
            self.grudge_memory = 0;
            self.grudged = false;
        }
        if history.last_opponent() == Some(Move::D) {
            self.grudged = true;
        }
        if self.grudged {
            self.grudge_memory += 1;
            return Move::D;
        }
        Move::C
    }
}

/// Defects until the opponent cooperates once, then cooperates for ever.
pub struct OppositeGrudger;

impl Strategy for OppositeGrudger {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| OppositeGrudger)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::cooperate_if(history.opponent_cooperations() > 0)
    }
}

/// Grudger that defects on the first three turns regardless.
pub struct Aggravater;

impl Strategy for Aggravater {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Aggravater)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.len() < 3 || history.opponent_defections() > 0)
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct GeneralSoftParams {
    n: u32,
    d: u32,
    c: u32,
}

impl Default for GeneralSoftParams {
    fn default() -> Self {
        GeneralSoftParams { n: 1, d: 4, c: 2 }
    }
}

/// After `n` consecutive opponent defections, plays `d` defections then `c` cooperations without
/// looking at the opponent, then watches again. Soft Grudger is the case n=1, d=4, c=2.
pub struct GeneralSoftGrudger {
    n: u32,
    /// Defections still to play after the triggering one.
    d: u32,
    c: u32,
    /// Position within the punishment that follows the triggering defection, when grudging.
    grudge: Option<u32>,
}

impl GeneralSoftGrudger {
    fn new(n: u32, d: u32, c: u32) -> Self {
        GeneralSoftGrudger {
            n,
            d,
            c,
            grudge: None,
        }
    }
}

impl Strategy for GeneralSoftGrudger {
    fn create(params: &str) -> Result<Self, String> {
        let p: GeneralSoftParams = params::parse(params)?;
        if p.d == 0 {
            return Err(
                "parameter `d` must be at least 1 (the triggering defection counts)".into(),
            );
        }
        Ok(GeneralSoftGrudger::new(p.n, p.d, p.c))
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.grudge = None;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        // The punishment after the triggering defection: d - 1 defections, then c cooperations.
        let rest = self.d - 1 + self.c;
        if let Some(i) = self.grudge {
            self.grudge = (i + 1 < rest).then_some(i + 1);
            return Move::defect_if(i < self.d - 1);
        }
        let opp = history.opponent();
        let n = self.n as usize;
        // Axelrod compares the last n moves with n defections; with n = 0 its slice is the whole
        // history, so it only matches before the first turn.
        let triggered = if n == 0 {
            opp.is_empty()
        } else {
            opp.len() >= n && opp[opp.len() - n..].iter().all(|&m| m == Move::D)
        };
        if triggered {
            self.grudge = (rest > 0).then_some(0);
            return Move::D;
        }
        Move::C
    }
}

/// Punishes an opponent defection with D, D, D, D, C, C, then watches again.
pub struct SoftGrudger(GeneralSoftGrudger);

impl Strategy for SoftGrudger {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(SoftGrudger(GeneralSoftGrudger::new(1, 4, 2)))
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.0.reset(ctx);
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        self.0.decide(history, rng)
    }
}

/// Cooperates until the opponent's first defection, then alternates D, C, D, C, ...
pub struct GrudgerAlternator;

impl Strategy for GrudgerAlternator {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| GrudgerAlternator)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.opponent_defections() > 0 && history.last_own() == Some(Move::C))
    }
}

/// Defects until the opponent defects once, then cooperates for ever.
pub struct EasyGo;

impl Strategy for EasyGo {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| EasyGo)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::cooperate_if(history.opponent_defections() > 0)
    }
}

/// Grudger that cooperates on the first two turns regardless.
pub struct SpitefulCC;

impl Strategy for SpitefulCC {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| SpitefulCC)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.len() >= 2 && history.opponent_defections() > 0)
    }
}

/// CAPRI (Murase and Baek 2020): a memory-three rule that cooperates at mutual cooperation,
/// accepts punishment for its own defection, punishes a defection once, recovers from mutual
/// defection, and defects otherwise. Missing early turns count as mutual cooperation.
pub struct Capri;

impl Strategy for Capri {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Capri)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        use Move::{C, D};
        let (own, opp) = (history.own(), history.opponent());
        let n = own.len();
        // The last three (own, opponent) pairs, oldest first, padded with (C, C).
        let pair = |back: usize| {
            if n >= back {
                (own[n - back], opp[n - back])
            } else {
                (C, C)
            }
        };
        let h = [pair(3), pair(2), pair(1)];
        const COOPERATE_AT: [[(Move, Move); 3]; 14] = [
            [(C, C), (C, C), (C, C)],
            [(C, C), (C, C), (D, C)],
            [(C, C), (D, C), (C, D)],
            [(D, C), (C, D), (C, C)],
            [(C, D), (C, C), (C, C)],
            [(C, C), (C, D), (D, C)],
            [(C, D), (D, C), (C, C)],
            [(D, C), (C, C), (C, C)],
            [(D, D), (D, D), (D, C)],
            [(D, D), (D, C), (C, C)],
            [(D, D), (D, D), (C, D)],
            [(D, D), (C, D), (C, C)],
            [(D, D), (D, D), (C, C)],
            [(D, D), (C, C), (C, C)],
        ];
        // (C,C),(C,C),(C,D) is the one-shot punishment; it is not in the list, so it defects.
        Move::cooperate_if(COOPERATE_AT.contains(&h))
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Grudger {
        name: "Grudger",
        description: "Cooperates until the opponent defects once, then always defects.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    ForgetfulGrudger {
        name: "Forgetful Grudger",
        description: "Cooperates until the opponent defects, then defects for ten turns before forgiving.",
        params: "()",
        memory_depth: Some(10),
        stochastic: false,
        makes_use_of: [],
    },
    OppositeGrudger {
        name: "Opposite Grudger",
        description: "Defects until the opponent cooperates once, then always cooperates.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Aggravater {
        name: "Aggravater",
        description: "Defects on the first three turns, then plays Grudger.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SoftGrudger {
        name: "Soft Grudger",
        description: "Answers an opponent defection with the fixed punishment D, D, D, D, C, C.",
        params: "()",
        memory_depth: Some(6),
        stochastic: false,
        makes_use_of: [],
    },
    GrudgerAlternator {
        name: "GrudgerAlternator",
        description: "Cooperates until the opponent's first defection, then alternates D and C.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    EasyGo {
        name: "EasyGo",
        description: "Defects until the opponent defects once, then always cooperates.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    GeneralSoftGrudger {
        name: "General Soft Grudger",
        description: "After n consecutive opponent defections, plays d defections followed by c cooperations.",
        params: "(n: 1, d: 4, c: 2)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SpitefulCC {
        name: "SpitefulCC",
        description: "Cooperates on the first two turns, then plays Grudger.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Capri {
        name: "CAPRI",
        description: "A memory-three rule: cooperate at mutual cooperation, accept and give one-turn punishments, recover from mutual defection, otherwise defect.",
        params: "()",
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{against_sequence, play, seq};

    #[test]
    fn grudgers() {
        let opp = "CCDCCCCCCCCCCCCC";
        assert_eq!(seq::<Grudger>(opp), "CCCDDDDDDDDDDDDD");
        assert_eq!(seq::<ForgetfulGrudger>(opp), "CCCDDDDDDDDDDCCC");
        assert_eq!(seq::<SoftGrudger>(opp), "CCCDDDDCCCCCCCCC");
        assert_eq!(seq::<GrudgerAlternator>(opp), "CCCDCDCDCDCDCDCD");
        assert_eq!(seq::<Aggravater>(opp), "DDDDDDDDDDDDDDDD");
        assert_eq!(seq::<SpitefulCC>("DCCC"), "CCDD");
        assert_eq!(seq::<EasyGo>("CCDC"), "DDDC");
        assert_eq!(seq::<OppositeGrudger>("DDCD"), "DDDC");
    }

    #[test]
    fn general_soft_grudger() {
        let mut g = GeneralSoftGrudger::create("(n: 2, d: 1, c: 1)").unwrap();
        assert_eq!(against_sequence(&mut g, "DDDDCC", None), "CCDCDC");
        assert!(GeneralSoftGrudger::create("(d: 0)").is_err());
        assert!(GeneralSoftGrudger::create("(e: 1)").is_err());
    }

    #[test]
    fn capri_punishes_once() {
        assert_eq!(seq::<Capri>("CCDCCC"), "CCCDCC");
        let (a, b) = play(&mut Capri, &mut Capri, 5);
        assert_eq!((a.as_str(), b.as_str()), ("CCCCC", "CCCCC"));
    }
}
