//! Majority rule (Axelrod's `gobymajority` module): play what the opponent has played most,
//! over its whole history or over its last `memory_depth` moves.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::params;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct GoByMajorityParams {
    /// Window of opponent moves to count; `None` counts the whole history.
    memory_depth: Option<u32>,
    /// Cooperate on a tie (soft) or defect on a tie (hard).
    soft: bool,
}

impl Default for GoByMajorityParams {
    fn default() -> Self {
        GoByMajorityParams {
            memory_depth: None,
            soft: true,
        }
    }
}

/// Defects when the opponent has defected more often than it cooperated (over the last
/// `memory_depth` turns, or the whole match), cooperates when it cooperated more, and breaks
/// ties (including the first turn) with C if `soft`, D otherwise.
pub struct GoByMajority {
    /// 0 means the whole history, as in Axelrod.
    window: usize,
    soft: bool,
    /// Opponent defections among its last `window` moves (used only when `window > 0`).
    window_defections: usize,
}

impl Strategy for GoByMajority {
    fn create(text: &str) -> Result<Self, String> {
        let p: GoByMajorityParams = params::parse(text)?;
        Ok(GoByMajority {
            // Axelrod treats a zero depth like an infinite one: it counts everything.
            window: p.memory_depth.unwrap_or(0) as usize,
            soft: p.soft,
            window_defections: 0,
        })
    }
    fn classifiers(&self) -> Option<Classifiers> {
        let depth = (self.window > 0).then_some(self.window as u32);
        Some(Classifiers::new(depth, false, 0))
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.window_defections = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let (defections, counted) = if self.window == 0 {
            (history.opponent_defections(), n)
        } else {
            // Slide the window by the one move that entered and the one that left it.
            let opp = history.opponent();
            if n > 0 && opp[n - 1] == Move::D {
                self.window_defections += 1;
            }
            if n > self.window && opp[n - 1 - self.window] == Move::D {
                self.window_defections -= 1;
            }
            (self.window_defections, n.min(self.window))
        };
        let cooperations = counted - defections;
        if defections == cooperations {
            Move::cooperate_if(self.soft)
        } else {
            Move::defect_if(defections > cooperations)
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    GoByMajority {
        name: "Soft Go By Majority",
        description: "Plays the opponent's majority move over the whole match; cooperates on ties and on the first turn.",
        params: "(memory_depth: None, soft: true)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Soft Go By Majority: 5",
        description: "Plays the opponent's majority move over its last 5 moves; cooperates on ties.",
        params: "(memory_depth: Some(5), soft: true)",
        memory_depth: Some(5),
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Soft Go By Majority: 10",
        description: "Plays the opponent's majority move over its last 10 moves; cooperates on ties.",
        params: "(memory_depth: Some(10), soft: true)",
        memory_depth: Some(10),
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Soft Go By Majority: 20",
        description: "Plays the opponent's majority move over its last 20 moves; cooperates on ties.",
        params: "(memory_depth: Some(20), soft: true)",
        memory_depth: Some(20),
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Soft Go By Majority: 40",
        description: "Plays the opponent's majority move over its last 40 moves; cooperates on ties.",
        params: "(memory_depth: Some(40), soft: true)",
        memory_depth: Some(40),
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Hard Go By Majority",
        description: "Plays the opponent's majority move over the whole match; defects on ties and on the first turn.",
        params: "(memory_depth: None, soft: false)",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Hard Go By Majority: 5",
        description: "Plays the opponent's majority move over its last 5 moves; defects on ties.",
        params: "(memory_depth: Some(5), soft: false)",
        memory_depth: Some(5),
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Hard Go By Majority: 10",
        description: "Plays the opponent's majority move over its last 10 moves; defects on ties.",
        params: "(memory_depth: Some(10), soft: false)",
        memory_depth: Some(10),
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Hard Go By Majority: 20",
        description: "Plays the opponent's majority move over its last 20 moves; defects on ties.",
        params: "(memory_depth: Some(20), soft: false)",
        memory_depth: Some(20),
        stochastic: false,
        makes_use_of: [],
    },
    GoByMajority {
        name: "Hard Go By Majority: 40",
        description: "Plays the opponent's majority move over its last 40 moves; defects on ties.",
        params: "(memory_depth: Some(40), soft: false)",
        memory_depth: Some(40),
        stochastic: false,
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
    fn soft_and_hard_break_ties_differently() {
        let mut soft = GoByMajority::create("()").unwrap();
        let mut hard = GoByMajority::create("(soft: false)").unwrap();
        assert_eq!(against(&mut soft, "DCDDCC"), "CDCDDD");
        assert_eq!(against(&mut hard, "DCDDCC"), "DDDDDD");
    }

    #[test]
    fn window_forgets_old_moves() {
        // Checked against Axelrod's GoByMajority(memory_depth=2).
        let mut g = GoByMajority::create("(memory_depth: Some(2))").unwrap();
        assert_eq!(against(&mut g, "DDCCDDCD"), "CDDCCCDC");
        assert_eq!(against(&mut g, "DDCCDDCD"), "CDDCCCDC");
        assert_eq!(g.classifiers().unwrap().memory(), Some(2));
    }
}
