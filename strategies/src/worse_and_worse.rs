//! Worse and Worse (Axelrod's `worse_and_worse` module): strategies whose chance of defecting
//! grows as the match goes on.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Cooperates with probability `p`, drawing only when the outcome is uncertain (as Axelrod's
/// `random_choice` does; a `p` outside [0, 1] is certain).
pub(crate) fn cooperate_with(p: f64, rng: &mut Rng) -> Move {
    if p >= 1.0 {
        Move::C
    } else if p <= 0.0 {
        Move::D
    } else {
        Move::cooperate_if(rng.chance(p))
    }
}

/// On turn n (from 1) defects with probability n / 1000.
pub struct WorseAndWorse;

impl Strategy for WorseAndWorse {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| WorseAndWorse)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let round = (history.len() + 1) as f64;
        cooperate_with(1.0 - round / 1000.0, rng)
    }
}

/// On turn n (from 1) of a match of known length L defects with probability n / L; always
/// cooperates when the length is not announced.
pub struct KnowledgeableWorseAndWorse {
    length: Option<u64>,
}

impl Strategy for KnowledgeableWorseAndWorse {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| KnowledgeableWorseAndWorse { length: None })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        // Axelrod's unknown length is infinite, which makes the probability of defecting 0.
        let Some(length) = self.length else {
            return Move::C;
        };
        let round = (history.len() + 1) as f64;
        cooperate_with(1.0 - round / length as f64, rng)
    }
}

/// Tit For Tat for the first 20 turns; from turn n = 21 on cooperates with probability 20 / n.
pub struct WorseAndWorse2;

impl Strategy for WorseAndWorse2 {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| WorseAndWorse2)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let round = history.len() + 1;
        match history.last_opponent() {
            None => Move::C,
            Some(last) if round <= 20 => last,
            Some(_) => cooperate_with(20.0 / round as f64, rng),
        }
    }
}

/// Cooperates first; then defects with probability equal to the opponent's share of
/// defections so far.
pub struct WorseAndWorse3;

impl Strategy for WorseAndWorse3 {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| WorseAndWorse3)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        if n == 0 {
            return Move::C;
        }
        cooperate_with(1.0 - history.opponent_defections() as f64 / n as f64, rng)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    WorseAndWorse {
        name: "Worse and Worse",
        description: "Defects with probability n/1000 on turn n.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    KnowledgeableWorseAndWorse {
        name: "Knowledgeable Worse and Worse",
        description: "Defects with probability n/L on turn n of a match of announced length L (cooperates when the length is unknown).",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [length],
    },
    WorseAndWorse2 {
        name: "Worse and Worse 2",
        description: "Tit For Tat for 20 turns, then cooperates with probability 20/n on turn n.",
        params: "()",
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    WorseAndWorse3 {
        name: "Worse and Worse 3",
        description: "Cooperates first, then defects with probability equal to the opponent's fraction of defections so far.",
        params: "()",
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
    fn defection_rates_follow_the_turn() {
        let mut w = WorseAndWorse;
        let moves = against(&mut w, &"C".repeat(1000));
        // Expected defections: sum of n/1000 for n = 1..1000 = 500.5 (sd ~ 12.9).
        let d = moves.matches('D').count() as f64;
        assert!((d - 500.5).abs() < 70.0, "{d}");
        let mut k = KnowledgeableWorseAndWorse { length: None };
        let moves = against(&mut k, &"C".repeat(10));
        // `against` announces the length 10: the last turn is a certain defection.
        assert!(moves.ends_with('D'), "{moves}");
        let mut unknown = KnowledgeableWorseAndWorse { length: None };
        let mut rng = Rng::seed_from_u64(1);
        assert_eq!(unknown.decide(&History::new(&[], &[]), &mut rng), Move::C);
    }

    #[test]
    fn tit_for_tat_phases() {
        let mut w2 = WorseAndWorse2;
        assert_eq!(against(&mut w2, "CDDCC"), "CCDDC");
        let mut w3 = WorseAndWorse3;
        // Against a defector: certain defection from turn 2.
        assert_eq!(against(&mut w3, "DDDD"), "CDDD");
        assert_eq!(against(&mut w3, "CCCC"), "CCCC");
    }
}
