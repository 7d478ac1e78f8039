//! Hunters: strategies that cooperate until they recognise a particular kind of opponent
//! (unconditional, alternating, cyclic or random play) and then defect against it.

use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Defects from turn 5 on while the opponent has only ever defected; otherwise cooperates.
#[derive(Debug)]
pub struct DefectorHunter;

impl Strategy for DefectorHunter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| DefectorHunter)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.len() >= 4 && history.opponent_cooperations() == 0)
    }
}

/// Defects from turn 5 on while the opponent has only ever cooperated; otherwise cooperates.
#[derive(Debug)]
pub struct CooperatorHunter;

impl Strategy for CooperatorHunter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| CooperatorHunter)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::defect_if(history.len() >= 4 && history.opponent_defections() == 0)
    }
}

/// Cooperates for six turns; if the opponent's first six moves strictly alternate, defects for
/// the rest of the match, otherwise keeps cooperating.
#[derive(Debug)]
pub struct AlternatorHunter {
    is_alternator: bool,
}

impl Strategy for AlternatorHunter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| AlternatorHunter {
            is_alternator: false,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.is_alternator = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if history.len() < 6 {
            return Move::C;
        }
        // The verdict is taken once, on the first six moves only.
        if history.len() == 6 {
            let opp = history.opponent();
            self.is_alternator = opp.windows(2).all(|w| w[0] != w[1]);
        }
        Move::defect_if(self.is_alternator)
    }
}

/// Longest cycle the cycle hunters look for (Axelrod's `detect_cycle` default).
const MAX_CYCLE: usize = 12;

/// Shortest cycle the cycle hunters accept.
const MIN_CYCLE: usize = 3;

/// Incremental cycle detection on the opponent's moves after the first `offset`: the tail has
/// period `i` exactly when every move equals the move `i` places earlier, so one flag per `i`,
/// updated as moves arrive, answers the question in O(`MAX_CYCLE`) per turn.
#[derive(Debug)]
struct Periods {
    offset: usize,
    seen: usize,
    broken: [bool; MAX_CYCLE + 1],
}

impl Periods {
    fn new(offset: usize) -> Self {
        Periods {
            offset,
            seen: 0,
            broken: [false; MAX_CYCLE + 1],
        }
    }

    fn update(&mut self, opp: &[Move]) {
        for k in self.seen.max(self.offset)..opp.len() {
            let t = k - self.offset;
            for i in 1..=MAX_CYCLE.min(t) {
                if opp[k] != opp[k - i] {
                    self.broken[i] = true;
                }
            }
        }
        self.seen = opp.len();
    }

    /// The shortest period of at least `MIN_CYCLE` and at most half the tail (and
    /// `MAX_CYCLE`), as Axelrod's `detect_cycle` finds it.
    fn shortest(&mut self, opp: &[Move]) -> Option<usize> {
        self.update(opp);
        let tail = opp.len().saturating_sub(self.offset);
        (MIN_CYCLE..=(tail / 2).min(MAX_CYCLE)).find(|&i| !self.broken[i])
    }
}

/// Cooperates until the opponent's whole history repeats a cycle of 3 to 12 moves that
/// contains both C and D, then defects for the rest of the match.
#[derive(Debug)]
pub struct CycleHunter {
    periods: Periods,
    found: bool,
}

impl Strategy for CycleHunter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| CycleHunter {
            periods: Periods::new(0),
            found: false,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.periods = Periods::new(0);
        self.found = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if !self.found {
            let opp = history.opponent();
            if let Some(i) = self.periods.shortest(opp) {
                let cycle = &opp[..i];
                self.found = cycle.contains(&Move::C) && cycle.contains(&Move::D);
            }
        }
        Move::defect_if(self.found)
    }
}

/// Cooperates for ten turns and against an opponent that has only cooperated; every tenth turn
/// checks whether the opponent's moves after the first ten repeat a cycle of 3 to 12 moves, and
/// defects while the last check found one.
#[derive(Debug)]
pub struct EventualCycleHunter {
    periods: Periods,
    found: bool,
}

impl Strategy for EventualCycleHunter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| EventualCycleHunter {
            periods: Periods::new(10),
            found: false,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.periods = Periods::new(10);
        self.found = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 10 || history.opponent_defections() == 0 {
            return Move::C;
        }
        if n.is_multiple_of(10) {
            self.found = self.periods.shortest(history.opponent()).is_some();
        }
        Move::defect_if(self.found)
    }
}

/// From turn 9 on, against an opponent that has played both moves, compares the share of
/// cooperations (both players together) in the first half, the middle half and the second half
/// of the history; defects when both other shares lie within 0.2 of the first, which is what a
/// steady ratio player (or a random one) produces.
#[derive(Debug)]
pub struct MathConstantHunter {
    /// `prefix[k]`: cooperations of both players in the first `k` turns.
    prefix: Vec<u32>,
}

impl Strategy for MathConstantHunter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| MathConstantHunter { prefix: vec![0] })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.prefix.clear();
        self.prefix
            .reserve(ctx.length.map_or(1024, |n| n.min(1 << 24) as usize + 1));
        self.prefix.push(0);
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let (own, opp) = (history.own(), history.opponent());
        for k in self.prefix.len() - 1..own.len() {
            let c = (own[k] == Move::C) as u32 + (opp[k] == Move::C) as u32;
            let last = self.prefix[k];
            self.prefix.push(last + c);
        }
        let n = history.len();
        if n >= 8 && history.opponent_cooperations() > 0 && history.opponent_defections() > 0 {
            let share = |start: usize, end: usize| {
                let count = (self.prefix[end] - self.prefix[start]) as f64;
                0.5 * count / (end - start) as f64
            };
            let first = share(0, n / 2);
            let middle = share(n / 4, 3 * n / 4);
            let second = share(n / 2, n);
            if (first - middle).abs() < 0.2 && (first - second).abs() < 0.2 {
                return Move::D;
            }
        }
        Move::C
    }
}

/// Counts how often the opponent answered the player's C with C and D with D; after ten turns,
/// defects when those conditional frequencies (over at least six of the player's moves of each
/// kind counted) lie within 0.25 of one half, as they would against a random player.
#[derive(Debug)]
pub struct RandomHunter {
    count_cc: usize,
    count_dd: usize,
    /// History length up to which the counts are taken.
    counted: usize,
}

impl Strategy for RandomHunter {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| RandomHunter {
            count_cc: 0,
            count_dd: 0,
            counted: 1,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.count_cc = 0;
        self.count_dd = 0;
        self.counted = 1;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let (own, opp) = (history.own(), history.opponent());
        // At history length L the pair is (own move L-2, opponent's answer L-1).
        for len in self.counted + 1..=own.len() {
            match (own[len - 2], opp[len - 1]) {
                (Move::C, Move::C) => self.count_cc += 1,
                (Move::D, Move::D) => self.count_dd += 1,
                _ => {}
            }
        }
        self.counted = self.counted.max(own.len());
        if history.len() > 10 {
            let near_half = |count: usize, of: usize| (count as f64 / of as f64 - 0.5).abs() < 0.25;
            let (c, d) = (history.own_cooperations(), history.own_defections());
            let mut any = false;
            let mut all = true;
            if c > 5 {
                any = true;
                all &= near_half(self.count_cc, c);
            }
            if d > 5 {
                any = true;
                all &= near_half(self.count_dd, d);
            }
            if any && all {
                return Move::D;
            }
        }
        Move::C
    }
}

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    DefectorHunter {
        name: "Defector Hunter",
        description: "Cooperates, but defects from the fifth turn on against an opponent that has only defected.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    CooperatorHunter {
        name: "Cooperator Hunter",
        description: "Cooperates, but defects from the fifth turn on against an opponent that has only cooperated.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    AlternatorHunter {
        name: "Alternator Hunter",
        description: "Cooperates, but defects from the seventh turn on if the opponent's first six moves alternate.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    CycleHunter {
        name: "Cycle Hunter",
        description: "Cooperates until the opponent's history is a repeated cycle of 3 to 12 moves mixing C and D, then defects for good.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    EventualCycleHunter {
        name: "Eventual Cycle Hunter",
        description: "Every ten turns checks whether the opponent's moves after turn 10 repeat a short cycle, and defects while they do.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    MathConstantHunter {
        name: "Math Constant Hunter",
        description: "Defects when the share of cooperations is about the same in the first, middle and last halves of the history, as against a fixed-ratio player.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    RandomHunter {
        name: "Random Hunter",
        description: "Defects when the opponent answers the player's C with C and D with D about half of the time, as a random player would.",
        params: "()",
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Alternator, Cooperator, Defector, Random};
    use crate::testkit::play;

    /// Move strings from Axelrod-Python 4.14.0.
    #[test]
    fn matches_axelrod() {
        let mk = |s: &str| s.to_string();
        assert_eq!(play(&mut DefectorHunter, &mut Defector, 6).0, mk("CCCCDD"));
        assert_eq!(
            play(&mut CooperatorHunter, &mut Cooperator, 6).0,
            mk("CCCCDD")
        );
        let mut ah = AlternatorHunter::create("()").unwrap();
        assert_eq!(play(&mut ah, &mut Alternator, 8).0, mk("CCCCCCDD"));
        let mut ch = CycleHunter::create("()").unwrap();
        assert_eq!(play(&mut ch, &mut Alternator, 8).0, CYCLE_VS_ALTERNATOR);
        assert_eq!(&play(&mut ch, &mut Alternator, 10).0[8..], "DD");
        let mut ech = EventualCycleHunter::create("()").unwrap();
        assert_eq!(
            play(&mut ech, &mut Alternator, 24).0,
            EVENTUAL_VS_ALTERNATOR
        );
        let mut mch = MathConstantHunter::create("()").unwrap();
        assert_eq!(play(&mut mch, &mut Alternator, 12).0, MATH_VS_ALTERNATOR);
        let mut rh = RandomHunter::create("()").unwrap();
        assert_eq!(play(&mut rh, &mut Alternator, 16).0, RANDOM_VS_ALTERNATOR);
    }

    const CYCLE_VS_ALTERNATOR: &str = "CCCCCCCC";
    const EVENTUAL_VS_ALTERNATOR: &str = "CCCCCCCCCCCCCCCCCCCCDDDD";
    const MATH_VS_ALTERNATOR: &str = "CCCCCCCCDDCC";
    const RANDOM_VS_ALTERNATOR: &str = "CCCCCCCCCCCDDDDD";

    #[test]
    fn random_hunter_catches_a_random_player() {
        let mut rh = RandomHunter::create("()").unwrap();
        let mut random = Random::create("()").unwrap();
        let (moves, _) = play(&mut rh, &mut random, 200);
        assert!(moves[100..].contains('D'), "{moves}");
        assert!(RandomHunter::create("(x: 1)").is_err());
    }
}
