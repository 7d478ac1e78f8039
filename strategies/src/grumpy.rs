//! Grumpy: a mood that sours as the opponent defects and sweetens as it cooperates.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct GrumpyParams {
    starting_state: String,
    grumpy_threshold: i64,
    nice_threshold: i64,
}

impl Default for GrumpyParams {
    fn default() -> Self {
        GrumpyParams {
            starting_state: "Nice".into(),
            grumpy_threshold: 10,
            nice_threshold: -10,
        }
    }
}

/// Tracks grumpiness = opponent defections - opponent cooperations. While nice it cooperates
/// until grumpiness exceeds `grumpy_threshold`; while grumpy it defects until grumpiness falls
/// below `nice_threshold`. The switching turn already plays the new mood's move.
pub struct Grumpy {
    start_nice: bool,
    grumpy_threshold: i64,
    nice_threshold: i64,
    nice: bool,
}

impl Strategy for Grumpy {
    fn create(params: &str) -> Result<Self, String> {
        let p: GrumpyParams = params::parse(params)?;
        let start_nice = match p.starting_state.as_str() {
            "Nice" => true,
            "Grumpy" => false,
            other => {
                return Err(format!(
                    "parameter `starting_state` must be \"Nice\" or \"Grumpy\", got {other:?}"
                ))
            }
        };
        Ok(Grumpy {
            start_nice,
            grumpy_threshold: p.grumpy_threshold,
            nice_threshold: p.nice_threshold,
            nice: start_nice,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.nice = self.start_nice;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let grumpiness =
            history.opponent_defections() as i64 - history.opponent_cooperations() as i64;
        if self.nice {
            if grumpiness > self.grumpy_threshold {
                self.nice = false;
            }
        } else if grumpiness < self.nice_threshold {
            self.nice = true;
        }
        Move::cooperate_if(self.nice)
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![Grumpy {
    name: "Grumpy",
    description: "Turns grumpy (defects) when opponent defections outnumber cooperations by more than grumpy_threshold, and nice again when the balance drops below nice_threshold.",
    params: "(starting_state: \"Nice\", grumpy_threshold: 10, nice_threshold: -10)",
    memory_depth: None,
    stochastic: false,
    makes_use_of: [],
},];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn mood_swings() {
        let mut g = Grumpy::create("(grumpy_threshold: 1, nice_threshold: -1)").unwrap();
        assert_eq!(against_sequence(&mut g, "DDDCCCCCC", None), "CCDDDDDDC");
        assert!(Grumpy::create("(starting_state: \"Sad\")").is_err());
        let mut h = Grumpy::create("(starting_state: \"Grumpy\")").unwrap();
        assert_eq!(against_sequence(&mut h, "CCC", None), "DDD");
    }
}
