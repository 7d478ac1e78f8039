//! Retaliators: defect while the opponent has exploited them too often compared with how often
//! they exploited the opponent.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Counts of the turns on which one side exploited the other, kept incrementally.
#[derive(Default)]
struct Exploitation {
    /// Turns where this player cooperated and the opponent defected.
    suffered: u64,
    /// Turns where this player defected and the opponent cooperated.
    inflicted: u64,
}

impl Exploitation {
    /// Adds the previous turn (called once per turn, before deciding).
    fn record(&mut self, history: &History<'_>) {
        match (history.last_own(), history.last_opponent()) {
            (Some(Move::C), Some(Move::D)) => self.suffered += 1,
            (Some(Move::D), Some(Move::C)) => self.inflicted += 1,
            _ => {}
        }
    }

    /// Axelrod's test: suffered > inflicted * threshold, in floating point as there.
    fn exceeds(&self, threshold: f64) -> bool {
        self.suffered as f64 > self.inflicted as f64 * threshold
    }
}

fn threshold(value: f64) -> Result<f64, String> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(format!(
            "parameter `retaliation_threshold` must be a finite number >= 0, got {value}"
        ))
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RetaliateParams {
    retaliation_threshold: f64,
}

impl Default for RetaliateParams {
    fn default() -> Self {
        RetaliateParams {
            retaliation_threshold: 0.1,
        }
    }
}

/// Defects whenever the number of turns it was exploited (C against D) exceeds
/// `retaliation_threshold` times the number of turns it exploited the opponent (D against C).
pub struct Retaliate {
    threshold: f64,
    counts: Exploitation,
}

impl Strategy for Retaliate {
    fn create(params: &str) -> Result<Self, String> {
        let p: RetaliateParams = params::parse(params)?;
        Ok(Retaliate {
            threshold: threshold(p.retaliation_threshold)?,
            counts: Exploitation::default(),
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.counts = Exploitation::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.counts.record(history);
        Move::defect_if(self.counts.exceeds(self.threshold))
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LimitedParams {
    retaliation_threshold: f64,
    retaliation_limit: u32,
}

impl Default for LimitedParams {
    fn default() -> Self {
        LimitedParams {
            retaliation_threshold: 0.1,
            retaliation_limit: 20,
        }
    }
}

/// Retaliate, but a run of retaliation lasts at most `retaliation_limit` turns; it then
/// cooperates once and may start a new run.
pub struct LimitedRetaliate {
    threshold: f64,
    limit: u32,
    retaliation_count: u32,
    counts: Exploitation,
}

impl Strategy for LimitedRetaliate {
    fn create(params: &str) -> Result<Self, String> {
        let p: LimitedParams = params::parse(params)?;
        Ok(LimitedRetaliate {
            threshold: threshold(p.retaliation_threshold)?,
            limit: p.retaliation_limit,
            retaliation_count: 0,
            counts: Exploitation::default(),
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.retaliation_count = 0;
        self.counts = Exploitation::default();
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.counts.record(history);
        if !self.counts.exceeds(self.threshold) {
            self.retaliation_count = 0;
            return Move::C;
        }
        if self.retaliation_count < self.limit {
            self.retaliation_count += 1;
            return Move::D;
        }
        self.retaliation_count = 0;
        Move::C
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Retaliate {
        name: "Retaliate",
        description: "Defects while it has been exploited more than retaliation_threshold times as often as it exploited the opponent.",
        params: "(retaliation_threshold: 0.1)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Retaliate {
        name: "Retaliate 2",
        description: "Retaliate with a threshold of 0.08.",
        params: "(retaliation_threshold: 0.08)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Retaliate {
        name: "Retaliate 3",
        description: "Retaliate with a threshold of 0.05.",
        params: "(retaliation_threshold: 0.05)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    LimitedRetaliate {
        name: "Limited Retaliate",
        description: "Retaliate whose runs of retaliation last at most retaliation_limit turns.",
        params: "(retaliation_threshold: 0.1, retaliation_limit: 20)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    LimitedRetaliate {
        name: "Limited Retaliate 2",
        description: "Limited Retaliate with a threshold of 0.08 and runs of at most 15 turns.",
        params: "(retaliation_threshold: 0.08, retaliation_limit: 15)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    LimitedRetaliate {
        name: "Limited Retaliate 3",
        description: "Limited Retaliate with a threshold of 0.05 and runs of at most 20 turns.",
        params: "(retaliation_threshold: 0.05, retaliation_limit: 20)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::against_sequence;

    #[test]
    fn retaliate_counts_exploitation() {
        let mut r = Retaliate::create("()").unwrap();
        assert_eq!(against_sequence(&mut r, "CDCCCC", None), "CCDDDD");
        assert!(Retaliate::create("(retaliation_threshold: -1.0)").is_err());
    }

    #[test]
    fn limited_retaliate_stops_at_limit() {
        let mut r = LimitedRetaliate::create("(retaliation_limit: 2)").unwrap();
        assert_eq!(against_sequence(&mut r, "CDCCCCC", None), "CCDDCDD");
        assert!(LimitedRetaliate::create("(retaliation_limit: -2)").is_err());
    }
}
