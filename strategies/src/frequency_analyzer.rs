//! FrequencyAnalyzer (Axelrod's `frequency_analyzer` module): learn how the opponent answers
//! each two-round pattern and cooperate where it tends to cooperate.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Index of the pattern (opp[i], own[i], opp[i+1], own[i+1]).
fn pattern(own: &[Move], opp: &[Move], i: usize) -> usize {
    8 * opp[i] as usize + 4 * own[i] as usize + 2 * opp[i + 1] as usize + own[i + 1] as usize
}

/// Records, for each pattern of two consecutive rounds, the opponent's following moves. Plays
/// Tit For Tat for the first 30 turns and whenever the latest two rounds form a pattern not
/// seen before; otherwise cooperates if the opponent's cooperations after this pattern exceed
/// a quarter of the turns played so far, and defects if not.
pub struct FrequencyAnalyzer {
    /// Per pattern: whether it has been seen, and how often the opponent then cooperated.
    seen: [bool; 16],
    cooperations: [u32; 16],
}

impl Strategy for FrequencyAnalyzer {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| FrequencyAnalyzer {
            seen: [false; 16],
            cooperations: [0; 16],
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.seen = [false; 16];
        self.cooperations = [0; 16];
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let (own, opp) = (history.own(), history.opponent());
        // Axelrod starts recording only after six rounds.
        let current = if n > 5 {
            let last = pattern(own, opp, n - 3);
            self.seen[last] = true;
            self.cooperations[last] += u32::from(opp[n - 1] == Move::C);
            Some(pattern(own, opp, n - 2))
        } else {
            None
        };
        match current {
            Some(c) if n >= 30 && self.seen[c] => {
                // Axelrod divides by the number of turns played, not by the pattern's count.
                let ratio = f64::from(self.cooperations[c]) / n as f64;
                Move::cooperate_if(ratio > 0.25)
            }
            _ => history.last_opponent().unwrap_or(Move::C),
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![FrequencyAnalyzer {
    name: "FrequencyAnalyzer",
    description: "Tit For Tat for 30 turns while tabulating the opponent's replies to each two-round pattern; then cooperates when the opponent has often cooperated after the current pattern.",
    params: "()",
    memory_depth: None,
    stochastic: false,
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
    fn tit_for_tat_then_frequencies() {
        let mut f = FrequencyAnalyzer::create("()").unwrap();
        let opp = "CD".repeat(20);
        // Checked against Axelrod 4.14.0.
        assert_eq!(
            against(&mut f, &opp),
            "CCDCDCDCDCDCDCDCDCDCDCDCDCDCDCCCDDDCCDDD"
        );
    }
}
