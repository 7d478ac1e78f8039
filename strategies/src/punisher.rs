//! Punishers: defect for a spell whose length depends on how the opponent has played, or once
//! the opponent's defection rate passes a threshold.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Whether the spell length grows with the opponent's defections (Punisher) or with its
/// cooperations (Inverse Punisher).
#[derive(Clone, Copy, PartialEq)]
enum SpellBasis {
    Defections,
    Cooperations,
}

/// Shared rule of Punisher and Inverse Punisher: an opponent defection starts a spell of
/// defections whose length is 20 times the opponent's defection (or cooperation) rate, rounded
/// down; the triggering defection is the first of the spell.
struct Spell {
    basis: SpellBasis,
    mem_length: u64,
    grudged: bool,
    grudge_memory: u64,
}

impl Spell {
    fn new(basis: SpellBasis) -> Self {
        Spell {
            basis,
            mem_length: 1,
            grudged: false,
            grudge_memory: 1,
        }
    }

    fn decide(&mut self, history: &History<'_>) -> Move {
        if self.grudge_memory >= self.mem_length {
            self.grudge_memory = 0;
            self.grudged = false;
        }
        if self.grudged {
            self.grudge_memory += 1;
            return Move::D;
        }
        if history.last_opponent() == Some(Move::D) {
            let count = match self.basis {
                SpellBasis::Defections => history.opponent_defections(),
                SpellBasis::Cooperations => history.opponent_cooperations(),
            } as u64;
            self.mem_length = count * 20 / history.len() as u64;
            // Only the inverse variant insists on a spell of at least one turn; Punisher's
            // spell is at least 1 anyway because the opponent has just defected.
            if self.basis == SpellBasis::Cooperations && self.mem_length == 0 {
                self.mem_length = 1;
            }
            self.grudged = true;
            return Move::D;
        }
        Move::C
    }
}

/// Answers an opponent defection with a spell of defections as long as 20 times the opponent's
/// defection rate so far.
pub struct Punisher(Spell);

impl Strategy for Punisher {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(Punisher(Spell::new(SpellBasis::Defections)))
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.0 = Spell::new(SpellBasis::Defections);
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.0.decide(history)
    }
}

/// Answers an opponent defection with a spell of defections as long as 20 times the opponent's
/// cooperation rate so far (at least one).
pub struct InversePunisher(Spell);

impl Strategy for InversePunisher {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params)?;
        Ok(InversePunisher(Spell::new(SpellBasis::Cooperations)))
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.0 = Spell::new(SpellBasis::Cooperations);
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.0.decide(history)
    }
}

/// Cooperates for ten turns, then defects whenever the opponent has defected on more than 20%
/// of the turns so far.
pub struct LevelPunisher;

impl Strategy for LevelPunisher {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| LevelPunisher)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        // Integer form of defections / n > 0.2.
        Move::defect_if(n >= 10 && 5 * history.opponent_defections() > n)
    }
}

/// Defects whenever the opponent's defection rate exceeds 20% (before turn 10), 10% (before
/// turn 50) or 5% (before turn 100); from turn 100 on it always cooperates.
pub struct TrickyLevelPunisher;

impl Strategy for TrickyLevelPunisher {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| TrickyLevelPunisher)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let d = history.opponent_defections();
        // Integer forms of d / n > 0.2, 0.1 and 0.05; the checks cascade as in Axelrod, so a
        // young history is held to every stricter level too.
        let defect =
            n > 0 && ((n < 10 && 5 * d > n) || (n < 50 && 10 * d > n) || (n < 100 && 20 * d > n));
        Move::defect_if(defect)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Punisher {
        name: "Punisher",
        description: "Answers a defection with a spell of defections proportional to the opponent's defection rate (up to 20 turns).",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    InversePunisher {
        name: "Inverse Punisher",
        description: "Answers a defection with a spell of defections proportional to the opponent's cooperation rate (1 to 20 turns).",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    LevelPunisher {
        name: "Level Punisher",
        description: "Cooperates for ten turns, then defects while the opponent's defection rate is above 20%.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    TrickyLevelPunisher {
        name: "Tricky Level Punisher",
        description: "Defects while the opponent's defection rate is above 20%, 10% or 5% in the first 10, 50 or 100 turns; cooperates afterwards.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::seq;

    #[test]
    fn punishers() {
        let opp = "CDCCCCCCCCCCCCCCDCCCCC";
        assert_eq!(seq::<Punisher>(opp), "CCDDDDDDDDDDDCCCCDDDCC");
        assert_eq!(seq::<InversePunisher>(opp), "CCDDDDDDDDDDDCCCCDDDDD");
    }

    #[test]
    fn level_punishers() {
        let opp = "DDDCCCCCCCCCCC";
        assert_eq!(seq::<LevelPunisher>(opp), "CCCCCCCCCCDDDD");
        assert_eq!(seq::<TrickyLevelPunisher>(opp), "CDDDDDDDDDDDDD");
        assert!(LevelPunisher::create("(x: 1)").is_err());
    }
}
