//! Memory-one strategies (Axelrod's `memoryone` module): the probability of cooperating
//! depends only on the previous round's pair of moves.
//!
//! One type, [`MemoryOne`], covers them all. Its `vector` is one of
//! - `Fixed(p_cc, p_cd, p_dc, p_dd)`: the four probabilities of cooperating after
//!   (own, opponent) = (C,C), (C,D), (D,C), (D,D);
//! - `Gtft(p)`: Generous Tit For Tat, `(1, p, 1, p)`, with `p: None` derived from the game;
//! - `ZeroDeterminant(phi, s, l)`: a linear-relation (zero-determinant) vector computed from
//!   the game when the match starts (see [`crate::zero_determinant`]).
//!
//! `initial` is the first move: `C`, `D` or `Chance(p)` (cooperate with probability `p`).

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::export::uses;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Payoffs, Rng, Strategy,
};

use crate::params;
use crate::presets::Presets;
use crate::zero_determinant::{self, Baseline};

/// How the four probabilities are obtained.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq)]
pub(crate) enum Vector {
    Fixed(f64, f64, f64, f64),
    Gtft(Option<f64>),
    ZeroDeterminant { phi: f64, s: f64, l: Baseline },
}

/// The first move.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq)]
enum Initial {
    C,
    D,
    Chance(f64),
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MemoryOneParams {
    vector: Vector,
    initial: Initial,
}

impl Default for MemoryOneParams {
    fn default() -> Self {
        // Axelrod's generic memory-one player defaults to Win-Stay Lose-Shift.
        MemoryOneParams {
            vector: Vector::Fixed(1.0, 0.0, 0.0, 1.0),
            initial: Initial::C,
        }
    }
}

/// Opens with `initial`, then cooperates with the probability its four-vector gives for the
/// previous round's (own, opponent) moves.
#[derive(Clone, Debug)]
pub struct MemoryOne {
    vector: Vector,
    initial: Initial,
    /// Cooperation probabilities after CC, CD, DC, DD for the current match's game.
    probs: [f64; 4],
}

/// Cooperation probability `p` as a move, drawing only when the outcome is uncertain.
fn draw(p: f64, rng: &mut Rng) -> Move {
    if p >= 1.0 {
        Move::C
    } else if p <= 0.0 {
        Move::D
    } else {
        Move::cooperate_if(rng.chance(p))
    }
}

/// GTFT's generosity for a game: the largest forgiveness that still deters exploitation.
fn gtft_p(g: &Payoffs) -> f64 {
    (1.0 - (g.t - g.r) / (g.r - g.s)).min((g.r - g.p) / (g.t - g.p))
}

impl MemoryOne {
    /// The four probabilities for game `g`, or why they are not valid probabilities.
    fn probabilities(&self, g: &Payoffs) -> Result<[f64; 4], String> {
        let v = match self.vector {
            Vector::Fixed(a, b, c, d) => [a, b, c, d],
            Vector::Gtft(p) => {
                let p = p.unwrap_or_else(|| gtft_p(g));
                [1.0, p, 1.0, p]
            }
            Vector::ZeroDeterminant { phi, s, l } => zero_determinant::four_vector(phi, s, l, g)?,
        };
        if let Some(p) = v.iter().find(|p| !(0.0..=1.0).contains(*p)) {
            return Err(format!(
                "memory-one vector {v:?} has {p}, which is not a probability in [0, 1]"
            ));
        }
        Ok(v)
    }

    /// Builds from parameter text (what `create` does for a text that is not a preset).
    pub(crate) fn build(text: &str) -> Result<Self, String> {
        let p: MemoryOneParams = params::parse(text)?;
        match p.vector {
            Vector::Fixed(a, b, c, d) => {
                for (name, x) in [("p_cc", a), ("p_cd", b), ("p_dc", c), ("p_dd", d)] {
                    params::probability(&format!("vector.{name}"), x)?;
                }
            }
            Vector::Gtft(Some(x)) => {
                params::probability("vector.Gtft", x)?;
            }
            Vector::Gtft(None) => {}
            Vector::ZeroDeterminant { phi, s, l } => zero_determinant::validate(phi, s, l)?,
        }
        if let Initial::Chance(x) = p.initial {
            params::probability("initial.Chance", x)?;
        }
        let mut m = MemoryOne {
            vector: p.vector,
            initial: p.initial,
            probs: [0.0; 4],
        };
        // Catch vectors that are invalid even in the standard game now, not mid-tournament.
        m.probs = m.probabilities(&Payoffs::STANDARD)?;
        Ok(m)
    }
}

impl Strategy for MemoryOne {
    fn create(text: &str) -> Result<Self, String> {
        // The presets of this module and the zero-determinant ones (also used by the meta
        // strategies' teams) are built once.
        BUILT
            .get(text)
            .or_else(|| zero_determinant::BUILT.get(text))
            .unwrap_or_else(|| Self::build(text))
    }

    fn classifiers(&self) -> Option<Classifiers> {
        match self.vector {
            Vector::Fixed(..) => {
                let v = self.probs;
                let uncertain = |p: f64| p > 0.0 && p < 1.0;
                let first_uncertain = matches!(self.initial, Initial::Chance(p) if uncertain(p));
                let stochastic = v.iter().any(|&p| uncertain(p)) || first_uncertain;
                // Axelrod: a constant all-0 or all-1 vector remembers nothing.
                let constant = v.iter().all(|&p| p == 0.0) || v.iter().all(|&p| p == 1.0);
                Some(Classifiers::new(Some(u32::from(!constant)), stochastic, 0))
            }
            Vector::Gtft(Some(p)) => {
                Some(Classifiers::new(Some(1), p > 0.0 && p < 1.0, uses::game))
            }
            Vector::Gtft(None) | Vector::ZeroDeterminant { .. } => {
                Some(Classifiers::new(Some(1), true, uses::game))
            }
        }
    }

    fn reset(&mut self, ctx: &MatchContext) {
        // Axelrod raises an error when the game makes the vector invalid; so do we.
        self.probs = self
            .probabilities(&ctx.game)
            .unwrap_or_else(|e| panic!("invalid for this game: {e}"));
    }

    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match (history.last_own(), history.last_opponent()) {
            (Some(own), Some(opp)) => draw(self.probs[2 * own as usize + opp as usize], rng),
            _ => match self.initial {
                Initial::C => Move::C,
                Initial::D => Move::D,
                Initial::Chance(p) => draw(p, rng),
            },
        }
    }
}

const WSLS: &str = "()";
const WSLS_REVERSED: &str = "(vector: Fixed(0.0, 1.0, 1.0, 0.0), initial: D)";
const GTFT: &str = "(vector: Gtft(None))";
const FIRM_BUT_FAIR: &str = "(vector: Fixed(1.0, 0.0, 1.0, 0.6666666666666666))";
const STOCHASTIC_WSLS: &str = "(vector: Fixed(0.95, 0.05, 0.05, 0.95))";
const SOFT_JOSS: &str = "(vector: Fixed(1.0, 0.1, 1.0, 0.1))";
const ALLC_OR_ALLD: &str = "(vector: Fixed(1.0, 1.0, 0.0, 0.0), initial: Chance(0.6))";
const STOCHASTIC_COOPERATOR: &str = "(vector: Fixed(0.935, 0.229, 0.266, 0.42))";

/// Default parameters of the exports, in `EXPORTS` order.
const PRESETS: &[&str] = &[
    WSLS,
    WSLS_REVERSED,
    GTFT,
    FIRM_BUT_FAIR,
    STOCHASTIC_WSLS,
    SOFT_JOSS,
    ALLC_OR_ALLD,
    STOCHASTIC_COOPERATOR,
];

/// This module's presets, built once.
static BUILT: Presets<MemoryOne> = Presets::new(PRESETS, MemoryOne::build);

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    MemoryOne {
        name: "Win-Stay Lose-Shift",
        description: "Pavlov: cooperates first, then repeats its last move after a good payoff (R or T) and switches after a bad one (S or P).",
        params: WSLS,
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    MemoryOne {
        name: "Win-Shift Lose-Stay",
        description: "Reverse Pavlov: defects first, then switches after a good payoff (R or T) and repeats its last move after a bad one.",
        params: WSLS_REVERSED,
        memory_depth: Some(1),
        stochastic: false,
        makes_use_of: [],
    },
    MemoryOne {
        name: "GTFT",
        description: "Generous Tit For Tat: cooperates after the opponent's C and, with probability p (1/3 in the standard game), forgives its D.",
        params: GTFT,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "Firm But Fair",
        description: "Cooperates except after being suckered (C against D), and after mutual defection cooperates with probability 2/3.",
        params: FIRM_BUT_FAIR,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    MemoryOne {
        name: "Stochastic WSLS",
        description: "Win-Stay Lose-Shift that makes the other choice with probability 0.05.",
        params: STOCHASTIC_WSLS,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    MemoryOne {
        name: "Soft Joss",
        description: "Tit For Tat that forgives an opponent's defection with probability 0.1.",
        params: SOFT_JOSS,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    MemoryOne {
        name: "ALLCorALLD",
        description: "Cooperates first with probability 0.6, then repeats its own last move forever.",
        params: ALLC_OR_ALLD,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    MemoryOne {
        name: "Stochastic Cooperator",
        description: "Memory-one strategy cooperating with probabilities 0.935, 0.229, 0.266, 0.42 after CC, CD, DC, DD.",
        params: STOCHASTIC_COOPERATOR,
        memory_depth: Some(1),
        stochastic: true,
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
        crate::presets::assert_cached_equal_built(&BUILT, EXPORTS);
        // The zero-determinant presets, looked up by `create` too.
        let zd = MemoryOne::create(zero_determinant::ZD_GTFT_2).unwrap();
        let built = MemoryOne::build(zero_determinant::ZD_GTFT_2).unwrap();
        assert_eq!(format!("{zd:?}"), format!("{built:?}"));
    }

    #[test]
    fn wsls_and_reverse() {
        let mut wsls = MemoryOne::create("()").unwrap();
        assert_eq!(against(&mut wsls, "CDDCCD"), "CCDCCC");
        let mut wsls_rev =
            MemoryOne::create("(vector: Fixed(0.0, 1.0, 1.0, 0.0), initial: D)").unwrap();
        assert_eq!(against(&mut wsls_rev, "CDDCCD"), "DCCCDC");
        assert_eq!(
            wsls.classifiers().unwrap(),
            Classifiers::new(Some(1), false, 0)
        );
    }

    #[test]
    fn gtft_forgives_a_third_of_the_time() {
        let mut g = MemoryOne::create("(vector: Gtft(None))").unwrap();
        g.reset(&MatchContext::standard(None));
        assert!((g.probs[1] - 1.0 / 3.0).abs() < 1e-12);
        let opp = "D".repeat(3000);
        let moves = against(&mut g, &opp);
        let forgiven = moves[1..].matches('C').count() as f64 / 2999.0;
        assert!((forgiven - 1.0 / 3.0).abs() < 0.04, "{forgiven}");
    }

    #[test]
    fn allc_or_alld_repeats_its_first_move() {
        let mut a =
            MemoryOne::create("(vector: Fixed(1.0, 1.0, 0.0, 0.0), initial: Chance(0.6))").unwrap();
        let m = against(&mut a, "DCDCDCDC");
        assert!(m == "CCCCCCCC" || m == "DDDDDDDD", "{m}");
        assert!(a.classifiers().unwrap().is_stochastic());
    }

    #[test]
    fn rejects_bad_vectors() {
        assert!(MemoryOne::create("(vector: Fixed(1.0, 0.0, 1.2, 0.0))").is_err());
        assert!(MemoryOne::create("(initial: Chance(-0.1))").is_err());
        assert!(MemoryOne::create("(vector: Gtft(Some(2.0)))").is_err());
        assert!(MemoryOne::create("(four_vector: (1.0, 0.0, 0.0, 1.0))").is_err());
    }
}
