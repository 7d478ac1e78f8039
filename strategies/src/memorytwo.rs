//! Memory-two strategies (Axelrod's `memorytwo` module): decisions from the last two rounds.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::params;
use crate::presets::Presets;

use Move::{C, D};

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MemoryTwoParams {
    /// Probabilities of cooperating for each (own[-2], own[-1], opp[-2], opp[-1]), C before D,
    /// the first position varying slowest.
    sixteen_vector: Vec<f64>,
    /// The first two moves.
    initial: String,
}

impl Default for MemoryTwoParams {
    fn default() -> Self {
        // Axelrod's generic memory-two player defaults to a cooperator.
        MemoryTwoParams {
            sixteen_vector: vec![1.0; 16],
            initial: "CC".into(),
        }
    }
}

/// Plays its two `initial` moves, then cooperates with the probability its sixteen-vector
/// gives for the last two rounds' moves (own two, then the opponent's two).
#[derive(Clone, Debug)]
pub struct MemoryTwo {
    probs: [f64; 16],
    initial: [Move; 2],
}

impl MemoryTwo {
    fn build(text: &str) -> Result<Self, String> {
        let p: MemoryTwoParams = params::parse(text)?;
        let probs: [f64; 16] = p.sixteen_vector.as_slice().try_into().map_err(|_| {
            format!(
                "parameter `sixteen_vector` must have 16 entries, got {}",
                p.sixteen_vector.len()
            )
        })?;
        for x in probs {
            params::probability("sixteen_vector", x)?;
        }
        let initial: [Move; 2] = params::moves("initial", &p.initial)?
            .try_into()
            .map_err(|_| format!("parameter `initial` must be two moves, got {:?}", p.initial))?;
        Ok(MemoryTwo { probs, initial })
    }
}

impl Strategy for MemoryTwo {
    fn create(text: &str) -> Result<Self, String> {
        BUILT.create(text)
    }

    fn classifiers(&self) -> Option<Classifiers> {
        let v = &self.probs;
        let stochastic = v.iter().any(|&x| x > 0.0 && x < 1.0);
        // Axelrod's rule: constant vectors remember nothing; a vector that ignores the
        // older round is memory-one.
        let depth = if v.iter().all(|&x| x == 0.0) || v.iter().all(|&x| x == 1.0) {
            0
        } else {
            let ignores_older = (0..16).all(|i| v[i] == v[i & 0b0101]);
            if ignores_older {
                1
            } else {
                2
            }
        };
        Some(Classifiers::new(Some(depth), stochastic, 0))
    }

    fn reset(&mut self, _ctx: &MatchContext) {}

    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let n = history.len();
        if n < 2 {
            return self.initial[n];
        }
        let (own, opp) = (history.own(), history.opponent());
        let i = 8 * own[n - 2] as usize
            + 4 * own[n - 1] as usize
            + 2 * opp[n - 2] as usize
            + opp[n - 1] as usize;
        let p = self.probs[i];
        if p >= 1.0 {
            C
        } else if p <= 0.0 {
            D
        } else {
            Move::cooperate_if(rng.chance(p))
        }
    }
}

/// The strategy MEM2 is currently imitating.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    TitForTat,
    TitFor2Tats,
    AllD,
}

/// Starts as Tit For Tat and every two turns picks what to imitate from the last two rounds:
/// two mutual cooperations give Tit For Tat, one (C, D) and one (D, C) give Tit For 2 Tats,
/// anything else gives Always Defect. After the second switch to Always Defect it stays there.
pub struct Mem2 {
    mode: Mode,
    /// Turns until the next review.
    countdown: u32,
    alld_count: u32,
}

impl Strategy for Mem2 {
    fn create(text: &str) -> Result<Self, String> {
        params::parse::<()>(text).map(|()| Mem2 {
            mode: Mode::TitForTat,
            countdown: 3,
            alld_count: 0,
        })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.mode = Mode::TitForTat;
        self.countdown = 3;
        self.alld_count = 0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let n = history.len();
        let (own, opp) = (history.own(), history.opponent());
        if self.alld_count < 2 {
            self.countdown -= 1;
            if self.countdown == 0 {
                self.countdown = 2;
                // The first review comes on turn 3, so two rounds exist.
                let last = [(own[n - 2], opp[n - 2]), (own[n - 1], opp[n - 1])];
                self.mode = match last {
                    [(C, C), (C, C)] => Mode::TitForTat,
                    [(C, D), (D, C)] | [(D, C), (C, D)] => Mode::TitFor2Tats,
                    _ => {
                        self.alld_count += 1;
                        Mode::AllD
                    }
                };
            }
        }
        match self.mode {
            Mode::TitForTat => history.last_opponent().unwrap_or(C),
            Mode::TitFor2Tats => Move::defect_if(n >= 2 && opp[n - 2..] == [D, D]),
            Mode::AllD => D,
        }
    }
}

const AON2: &str = "(sixteen_vector: [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0], initial: \"CC\")";
const DELAYED_AON1: &str = "(sixteen_vector: [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0], initial: \"CC\")";

/// The published vectors, built once.
static BUILT: Presets<MemoryTwo> = Presets::new(&[AON2, DELAYED_AON1], MemoryTwo::build);

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    MemoryTwo {
        name: "AON2",
        description: "All-or-none memory-two strategy: cooperates when the two sides played the same in each of the last two rounds, otherwise defects (opens C, C).",
        params: AON2,
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    MemoryTwo {
        name: "Delayed AON1",
        description: "Win-Stay Lose-Shift applied to the round before last: cooperates when both sides played the same two rounds ago (opens C, C).",
        params: DELAYED_AON1,
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    Mem2 {
        name: "MEM2",
        description: "Switches every two turns between Tit For Tat, Tit For 2 Tats and Always Defect according to the last two rounds; defects for good after its second switch to Always Defect.",
        params: "()",
        memory_depth: None,
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
    fn cached_presets_equal_built_ones() {
        crate::presets::assert_cached_equal_built(&BUILT, &EXPORTS[..2]);
    }

    const AON2: &str = "(sixteen_vector: [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0])";

    #[test]
    fn aon2_and_classifiers() {
        let mut a = MemoryTwo::create(AON2).unwrap();
        assert_eq!(against(&mut a, "CDCCDDCC"), "CCDDDDCC");
        assert_eq!(
            a.classifiers().unwrap(),
            Classifiers::new(Some(2), false, 0)
        );
        // The memory-one WSLS vector repeated: depth 1.
        let wsls = "(sixteen_vector: [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0])";
        let w = MemoryTwo::create(wsls).unwrap();
        assert_eq!(w.classifiers().unwrap().memory(), Some(1));
    }

    #[test]
    fn rejects_bad_params() {
        assert!(MemoryTwo::create("(sixteen_vector: [1.0])").is_err());
        assert!(MemoryTwo::create("(initial: \"C\")").is_err());
        assert!(MemoryTwo::create("(sixteen_vector: [2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])").is_err());
    }

    #[test]
    fn mem2_switches_modes() {
        let mut m = Mem2::create("()").unwrap();
        assert_eq!(against(&mut m, "CDCDCDDDDDDC"), "CCDDDDDDDDDD");
    }
}
