//! Calculator (Axelrod's `calculator` module).

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Whether `moves` is a repetition of its first k moves for some k in 1..=min(len/2, 12).
fn has_cycle(moves: &[Move]) -> bool {
    (1..=(moves.len() / 2).min(12))
        .any(|k| moves.iter().enumerate().all(|(j, &m)| m == moves[j % k]))
}

/// Plays Joss (Tit For Tat that cooperates only with probability 0.9 after a cooperation) for
/// 20 turns. If the opponent's first 20 moves are periodic it then defects forever, otherwise
/// it plays Tit For Tat.
pub struct Calculator {
    /// Whether the opponent's opening was periodic, decided on turn 21.
    periodic: Option<bool>,
}

impl Strategy for Calculator {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| Calculator { periodic: None })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.periodic = None;
    }
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        let opp = history.opponent();
        if n < 20 {
            return match history.last_opponent() {
                None => Move::C,
                Some(Move::D) => Move::D,
                Some(Move::C) => Move::cooperate_if(rng.chance(0.9)),
            };
        }
        // Scanned once, on turn 21.
        let periodic = *self.periodic.get_or_insert_with(|| has_cycle(&opp[..20]));
        if periodic {
            Move::D
        } else {
            opp[n - 1]
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Calculator {
    name: "Calculator",
    description: "Plays Joss for 20 turns; then defects forever if the opponent's moves so far are periodic, otherwise plays Tit For Tat.",
    params: "()",
    memory_depth: None,
    stochastic: true,
    makes_use_of: [],
},];

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
    fn punishes_periodic_opponents() {
        let mut c = Calculator::create("()").unwrap();
        let m = against(&mut c, &"CD".repeat(15));
        assert_eq!(&m[20..], "DDDDDDDDDD");
        let mut opening = "C".repeat(19);
        opening.push_str("DDCDCDCDCDC");
        let m = against(&mut c, &opening);
        // The opening has no period of 12 or less: Tit For Tat.
        assert_eq!(&m[20..], &opening[19..29]);
        assert!(has_cycle(&params::moves("x", "CDDCDD").unwrap()));
    }
}
