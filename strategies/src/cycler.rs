//! Fixed periodic play (Axelrod's `cycler` module): a repeated cycle of moves, and the
//! "anti-cycler" whose sequence never repeats.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::params;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CyclerParams {
    cycle: String,
}

impl Default for CyclerParams {
    fn default() -> Self {
        CyclerParams {
            cycle: "CCD".into(),
        }
    }
}

/// Plays the moves of `cycle` in order, starting again from the first after the last,
/// whatever the opponent does.
pub struct Cycler {
    cycle: Vec<Move>,
}

impl Strategy for Cycler {
    fn create(text: &str) -> Result<Self, String> {
        let p: CyclerParams = params::parse(text)?;
        let cycle = params::moves("cycle", &p.cycle)?;
        if cycle.is_empty() {
            return Err("parameter `cycle` must contain at least one move".into());
        }
        Ok(Cycler { cycle })
    }
    fn classifiers(&self) -> Option<Classifiers> {
        // Axelrod sets the memory depth to the cycle length minus one.
        Some(Classifiers::new(
            Some(self.cycle.len() as u32 - 1),
            false,
            0,
        ))
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.cycle[history.len() % self.cycle.len()]
    }
}

/// Plays C, D, D, then blocks of k cooperations followed by one defection for k = 1, 2, 3, ...
/// (C D D | C D | C C D | C C C D | ...), a sequence with no period.
pub struct AntiCycler {
    /// Length of the current run of cooperations.
    run: u64,
    /// Cooperations played so far in the current run.
    played: u64,
}

impl Strategy for AntiCycler {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text)?;
        Ok(AntiCycler { run: 1, played: 0 })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.run = 1;
        self.played = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        const FIRST: [Move; 3] = [Move::C, Move::D, Move::D];
        if let Some(&m) = FIRST.get(history.len()) {
            return m;
        }
        if self.played < self.run {
            self.played += 1;
            Move::C
        } else {
            self.run += 1;
            self.played = 0;
            Move::D
        }
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Cycler {
        name: "Cycler CCD",
        description: "Plays C, C, D over and over, ignoring the opponent.",
        params: "(cycle: \"CCD\")",
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    Cycler {
        name: "Cycler CCCD",
        description: "Plays C, C, C, D over and over, ignoring the opponent.",
        params: "(cycle: \"CCCD\")",
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    Cycler {
        name: "Cycler DDC",
        description: "Plays D, D, C over and over, ignoring the opponent.",
        params: "(cycle: \"DDC\")",
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    Cycler {
        name: "Cycler CCCCCD",
        description: "Plays five cooperations then one defection over and over, ignoring the opponent.",
        params: "(cycle: \"CCCCCD\")",
        memory_depth: Some(5),
        stochastic: false,
        makes_use_of: [],
    },
    Cycler {
        name: "Cycler DC",
        description: "Plays D, C over and over, ignoring the opponent.",
        params: "(cycle: \"DC\")",
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    Cycler {
        name: "Cycler CCCDCD",
        description: "Plays C, C, C, D, C, D over and over, ignoring the opponent.",
        params: "(cycle: \"CCCDCD\")",
        memory_depth: Some(5),
        stochastic: false,
        makes_use_of: [],
    },
    AntiCycler {
        name: "AntiCycler",
        description: "Plays C, D, D and then runs of 1, 2, 3, ... cooperations each closed by a defection, so its play never becomes periodic.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn moves_of<S: Strategy>(s: &mut S, turns: usize) -> String {
        let mut rng = Rng::seed_from_u64(0);
        s.reset(&MatchContext::standard(Some(turns as u64)));
        let (mut own, opp) = (Vec::new(), vec![Move::C; turns]);
        for t in 0..turns {
            let m = s.decide(&History::new(&own, &opp[..t]), &mut rng);
            own.push(m);
        }
        own.iter().map(|m| m.as_char()).collect()
    }

    #[test]
    fn cycler_repeats_its_cycle() {
        let mut c = Cycler::create("(cycle: \"DDC\")").unwrap();
        assert_eq!(moves_of(&mut c, 7), "DDCDDCD");
        assert_eq!(c.classifiers().unwrap().memory(), Some(2));
        let mut d = Cycler::create("()").unwrap();
        assert_eq!(moves_of(&mut d, 4), "CCDC");
    }

    #[test]
    fn cycler_rejects_bad_cycles() {
        assert!(Cycler::create("(cycle: \"\")").is_err());
        assert!(Cycler::create("(cycle: \"CXD\")").is_err());
    }

    #[test]
    fn anticycler_sequence_and_reset() {
        let mut a = AntiCycler::create("()").unwrap();
        assert_eq!(moves_of(&mut a, 16), "CDDCDCCDCCCDCCCC");
        assert_eq!(moves_of(&mut a, 6), "CDDCDC");
    }
}
