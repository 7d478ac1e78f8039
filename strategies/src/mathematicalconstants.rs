//! Strategies that steer the match-wide ratio of cooperations to defections towards a constant.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RatioParams {
    ratio: f64,
}

impl Default for RatioParams {
    fn default() -> Self {
        RatioParams {
            ratio: (1.0 + 5f64.sqrt()) / 2.0,
        }
    }
}

/// Cooperates first and defects while the opponent has never defected; afterwards defects when
/// (all cooperations of both players) / (all defections of both players) exceeds `ratio`, and
/// cooperates otherwise.
#[derive(Debug)]
pub struct CoToDeRatio {
    ratio: f64,
}

impl Strategy for CoToDeRatio {
    fn create(text: &str) -> Result<Self, String> {
        let p: RatioParams = params::parse(text)?;
        if !(p.ratio.is_finite() && p.ratio >= 0.0) {
            return Err(format!(
                "parameter `ratio` must be a finite non-negative number, got {}",
                p.ratio
            ));
        }
        Ok(CoToDeRatio { ratio: p.ratio })
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if history.is_empty() {
            return Move::C;
        }
        if history.opponent_defections() == 0 {
            return Move::D;
        }
        let cooperations = (history.own_cooperations() + history.opponent_cooperations()) as f64;
        let defections = (history.own_defections() + history.opponent_defections()) as f64;
        Move::defect_if(cooperations / defections > self.ratio)
    }
}

// The ratios are the shortest decimal texts of the f64 values of phi, pi and e, so they parse
// to exactly Axelrod-Python's constants.
pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    CoToDeRatio {
        name: "$\\phi$",
        description: "Steers the ratio of cooperations to defections (both players, whole match) towards the golden ratio.",
        params: "(ratio: 1.618033988749895)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    CoToDeRatio {
        name: "$\\pi$",
        description: "Steers the ratio of cooperations to defections (both players, whole match) towards pi.",
        params: "(ratio: 3.141592653589793)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    CoToDeRatio {
        name: "$e$",
        description: "Steers the ratio of cooperations to defections (both players, whole match) towards e.",
        params: "(ratio: 2.718281828459045)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Alternator, Cooperator};
    use crate::testkit::play;

    #[test]
    fn constants_are_exact() {
        let parse = |t: &str| CoToDeRatio::create(t).unwrap().ratio;
        assert_eq!(
            parse("(ratio: 1.618033988749895)"),
            (1.0 + 5f64.sqrt()) / 2.0
        );
        assert_eq!(parse("(ratio: 3.141592653589793)"), std::f64::consts::PI);
        assert_eq!(parse("(ratio: 2.718281828459045)"), std::f64::consts::E);
        assert!(CoToDeRatio::create("(ratio: -1.0)").is_err());
    }

    /// Move strings from Axelrod-Python 4.14.0.
    #[test]
    fn matches_axelrod() {
        let mut phi = CoToDeRatio::create("()").unwrap();
        assert_eq!(play(&mut phi, &mut Cooperator, 4).0, "CDDD");
        let mut pi = CoToDeRatio::create("(ratio: 3.141592653589793)").unwrap();
        assert_eq!(play(&mut pi, &mut Alternator, 12).0, PI_VS_ALTERNATOR);
    }

    const PI_VS_ALTERNATOR: &str = "CDCCCCCCCCCC";
}
