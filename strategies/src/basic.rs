//! The simplest strategies: unconditional, alternating and random play.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Always cooperates.
pub struct Cooperator;

impl Strategy for Cooperator {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Cooperator)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, _history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::C
    }
}

/// Always defects.
pub struct Defector;

impl Strategy for Defector {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Defector)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, _history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::D
    }
}

/// Cooperates first, then plays the opposite of its own previous move.
pub struct Alternator;

impl Strategy for Alternator {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Alternator)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_own().map_or(Move::C, Move::flip)
    }
}

/// Cooperates, but from the fourth turn on defects whenever the opponent has not defected in
/// its last ten moves.
pub struct TrickyCooperator;

impl Strategy for TrickyCooperator {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| TrickyCooperator)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let opp = history.opponent();
        // Looking back ten moves at most keeps this O(1) per turn.
        let recent = &opp[opp.len().saturating_sub(10)..];
        Move::defect_if(history.len() >= 3 && !recent.contains(&Move::D))
    }
}

/// Defects, but cooperates when an opponent that has cooperated at least once has just
/// defected three times in a row.
pub struct TrickyDefector;

impl Strategy for TrickyDefector {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| TrickyDefector)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let opp = history.opponent();
        let n = opp.len();
        let three_defections = n >= 3 && opp[n - 3..] == [Move::D, Move::D, Move::D];
        Move::cooperate_if(history.opponent_cooperations() > 0 && three_defections)
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RandomParams {
    p: f64,
}

impl Default for RandomParams {
    fn default() -> Self {
        RandomParams { p: 0.5 }
    }
}

/// Cooperates with probability `p` on every turn, independently.
pub struct Random {
    p: f64,
}

impl Strategy for Random {
    fn create(params: &str) -> Result<Self, String> {
        let p: RandomParams = params::parse(params)?;
        Ok(Random {
            p: params::probability("p", p.p)?,
        })
    }
    fn classifiers(&self) -> Option<vertrouwen_plugins_api::Classifiers> {
        // Axelrod-Python treats p = 0 and p = 1 as deterministic.
        let stochastic = self.p != 0.0 && self.p != 1.0;
        Some(vertrouwen_plugins_api::Classifiers::new(
            Some(0),
            stochastic,
            0,
        ))
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, _history: &History<'_>, rng: &mut Rng) -> Move {
        Move::cooperate_if(rng.chance(self.p))
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Cooperator {
        name: "Cooperator",
        description: "Always cooperates.",
        params: "()",
        memory_depth: Some(0),
        stochastic: false,
        makes_use_of: [],
    },
    Defector {
        name: "Defector",
        description: "Always defects.",
        params: "()",
        memory_depth: Some(0),
        stochastic: false,
        makes_use_of: [],
    },
    Alternator {
        name: "Alternator",
        description: "Cooperates on the first turn, then alternates: D, C, D, C, ...",
        params: "()",
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    Random {
        name: "Random",
        description: "Cooperates with probability p (default 0.5) on every turn, independently of the history.",
        params: "(p: 0.5)",
        memory_depth: Some(0),
        stochastic: true,
        makes_use_of: [],
    },
    TrickyCooperator {
        name: "Tricky Cooperator",
        description: "Cooperates, but from the fourth turn defects whenever the opponent has not defected in its last ten moves.",
        params: "()",
        memory_depth: Some(10),
        stochastic: false,
        makes_use_of: [],
    },
    TrickyDefector {
        name: "Tricky Defector",
        description: "Defects, except that it cooperates after three opponent defections in a row if the opponent has ever cooperated.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_rejects_bad_p() {
        assert!(Random::create("(p: 2.0)").is_err());
        assert!(Random::create("(q: 0.5)").is_err());
        assert!(Random::create("(p: 0.3)").is_ok());
    }

    #[test]
    fn alternator_alternates() {
        let mut a = Alternator;
        let mut rng = Rng::seed_from_u64(0);
        let own = [Move::C, Move::D];
        let opp = [Move::C, Move::C];
        assert_eq!(a.decide(&History::new(&[], &[]), &mut rng), Move::C);
        assert_eq!(a.decide(&History::new(&own, &opp), &mut rng), Move::C);
        assert_eq!(
            a.decide(&History::new(&own[..1], &opp[..1]), &mut rng),
            Move::D
        );
    }

    #[test]
    fn tricky_cooperator_and_defector() {
        use crate::testkit::against_sequence;
        assert_eq!(
            against_sequence(&mut TrickyCooperator, "CCCCDCCCCCCCCCC", None),
            "CCCDDCCCCCCCCCC"
        );
        assert_eq!(
            against_sequence(&mut TrickyDefector, "DDDDCDDDD", None),
            "DDDDDDDDC"
        );
        assert!(TrickyDefector::create("(x: 1)").is_err());
    }
}
