//! Strategies that react only to the previous turn's outcome, after a random first move.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// The previous turn as (own move, opponent move), or a fair coin for the first move.
fn previous(history: &History<'_>, rng: &mut Rng) -> Result<(Move, Move), Move> {
    match (history.last_own(), history.last_opponent()) {
        (Some(own), Some(opp)) => Ok((own, opp)),
        _ => Err(Move::cooperate_if(rng.chance(0.5))),
    }
}

/// Random first move; afterwards cooperates only after mutual defection.
pub struct Desperate;

impl Strategy for Desperate {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Desperate)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match previous(history, rng) {
            Ok(last) => Move::cooperate_if(last == (Move::D, Move::D)),
            Err(first) => first,
        }
    }
}

/// Random first move; afterwards defects only after mutual cooperation.
pub struct Hopeless;

impl Strategy for Hopeless {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Hopeless)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match previous(history, rng) {
            Ok(last) => Move::defect_if(last == (Move::C, Move::C)),
            Err(first) => first,
        }
    }
}

/// Random first move; afterwards defects only after mutual defection.
pub struct Willing;

impl Strategy for Willing {
    fn create(params: &str) -> Result<Self, String> {
        params::parse::<()>(params).map(|()| Willing)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match previous(history, rng) {
            Ok(last) => Move::defect_if(last == (Move::D, Move::D)),
            Err(first) => first,
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Desperate {
        name: "Desperate",
        description: "Random first move, then cooperates only after a turn of mutual defection.",
        params: "()",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    Hopeless {
        name: "Hopeless",
        description: "Random first move, then defects only after a turn of mutual cooperation.",
        params: "()",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    Willing {
        name: "Willing",
        description: "Random first move, then defects only after a turn of mutual defection.",
        params: "()",
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn after(s: &mut impl Strategy, own: Move, opp: Move) -> Move {
        let mut rng = Rng::seed_from_u64(3);
        s.decide(&History::new(&[own], &[opp]), &mut rng)
    }

    #[test]
    fn react_to_previous_outcome() {
        use Move::{C, D};
        assert_eq!(after(&mut Desperate, D, D), C);
        assert_eq!(after(&mut Desperate, C, D), D);
        assert_eq!(after(&mut Hopeless, C, C), D);
        assert_eq!(after(&mut Hopeless, D, C), C);
        assert_eq!(after(&mut Willing, D, D), D);
        assert_eq!(after(&mut Willing, C, D), C);
    }

    #[test]
    fn first_move_is_a_fair_coin() {
        let mut rng = Rng::seed_from_u64(11);
        let empty = History::new(&[], &[]);
        let c = (0..4000)
            .filter(|_| Willing.decide(&empty, &mut rng) == Move::C)
            .count();
        // Binomial(4000, 0.5): sd ~ 32; 5 sd bounds.
        assert!((c as i64 - 2000).abs() < 160, "{c}");
    }
}
