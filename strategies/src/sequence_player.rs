//! Strategies that play a fixed mathematical sequence regardless of the opponent.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ThueMorseParams {
    inverse: bool,
}

/// On turn n (from 0) looks up term n of the Thue-Morse sequence (the parity of the number of
/// one bits in n): cooperates on 1 and defects on 0, or the other way round when `inverse`.
#[derive(Debug)]
pub struct ThueMorse {
    inverse: bool,
}

impl Strategy for ThueMorse {
    fn create(text: &str) -> Result<Self, String> {
        let p: ThueMorseParams = params::parse(text)?;
        Ok(ThueMorse { inverse: p.inverse })
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let term_is_one = history.len().count_ones() % 2 == 1;
        Move::cooperate_if(term_is_one != self.inverse)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    ThueMorse {
        name: "ThueMorse",
        description: "Plays the Thue-Morse sequence 0 1 1 0 1 0 0 1 ..., defecting on 0 and cooperating on 1.",
        params: "(inverse: false)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    ThueMorse {
        name: "ThueMorseInverse",
        description: "Plays the Thue-Morse sequence 0 1 1 0 1 0 0 1 ..., cooperating on 0 and defecting on 1.",
        params: "(inverse: true)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::Cooperator;
    use crate::testkit::play;

    #[test]
    fn plays_the_sequence() {
        let mut t = ThueMorse::create("(inverse: false)").unwrap();
        assert_eq!(play(&mut t, &mut Cooperator, 16).0, "DCCDCDDCCDDCDCCD");
        let mut i = ThueMorse::create("(inverse: true)").unwrap();
        assert_eq!(play(&mut i, &mut Cooperator, 8).0, "CDDCDCCD");
        assert!(ThueMorse::create("(inverse: 1)").is_err());
    }
}
