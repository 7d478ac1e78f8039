//! A trust family of our own (not in Axelrod-Python): strategies whose play is driven by how far
//! they trust, or mean to abuse the trust of, their opponent.
//!
//! - Con Artist earns trust, betrays an opponent that has proved trusting, and goes straight once
//!   the opponent shows it punishes.
//! - Slow Forgiver keeps a trust level that halves on each betrayal and is rebuilt step by step.
//! - Fearful defects pre-emptively while a moving estimate of the opponent's defection rate is
//!   too high.
//!
//! All three are deterministic and update their state in O(1) from the last turn, so `decide`
//! must see every turn in order (the engine guarantees it).

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Checks that `value` lies in the interval from `lo` to `hi`, each end open or closed, and
/// says so with the interval written out when it does not.
fn real_in(
    name: &str,
    value: f64,
    (lo, lo_closed): (f64, bool),
    (hi, hi_closed): (f64, bool),
) -> Result<f64, String> {
    let above = if lo_closed { value >= lo } else { value > lo };
    let below = if hi_closed { value <= hi } else { value < hi };
    if above && below {
        Ok(value)
    } else {
        Err(format!(
            "parameter `{name}` must be a number in {}{lo}, {hi}{}, got {value}",
            if lo_closed { '[' } else { '(' },
            if hi_closed { ']' } else { ')' },
        ))
    }
}

/// Checks that an integer parameter lies in [lo, hi].
fn integer_in(name: &str, value: i64, lo: i64, hi: i64) -> Result<u32, String> {
    if (lo..=hi).contains(&value) {
        Ok(value as u32)
    } else {
        Err(format!(
            "parameter `{name}` must be an integer in [{lo}, {hi}], got {value}"
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Con Artist

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConArtistParams {
    /// Consecutive opponent cooperations needed before the betrayal.
    streak: i64,
    /// Turns of unconditional cooperation after the opponent hits back.
    rebuild: i64,
}

impl Default for ConArtistParams {
    fn default() -> Self {
        ConArtistParams {
            streak: 5,
            rebuild: 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ConPhase {
    /// Playing Tit For Tat while waiting for the opponent to prove trusting.
    Grooming,
    /// Defecting for as long as the opponent keeps cooperating.
    Exploiting,
    /// Cooperating unconditionally; the number is how many such turns remain after this one.
    Rebuilding(u32),
}

/// Plays Tit For Tat until the opponent has cooperated `streak` times in a row without ever
/// having retaliated (defected right after one of its defections); then defects until the
/// opponent defects, cooperates `rebuild` turns to restore trust, and resumes the Tit For Tat
/// phase, betraying again only an opponent that has still never retaliated.
pub struct ConArtist {
    streak: u32,
    rebuild: u32,
    phase: ConPhase,
    /// The opponent's current run of cooperations, ending with its last move.
    opponent_run: u32,
    /// Whether the opponent ever defected on the turn right after one of our defections.
    retaliated: bool,
}

impl Strategy for ConArtist {
    fn create(params: &str) -> Result<Self, String> {
        let p: ConArtistParams = params::parse(params)?;
        Ok(ConArtist {
            streak: integer_in("streak", p.streak, 1, 1_000_000)?,
            rebuild: integer_in("rebuild", p.rebuild, 0, 1_000_000)?,
            phase: ConPhase::Grooming,
            opponent_run: 0,
            retaliated: false,
        })
    }

    fn reset(&mut self, _ctx: &MatchContext) {
        self.phase = ConPhase::Grooming;
        self.opponent_run = 0;
        self.retaliated = false;
    }

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let (own, opp) = (history.own(), history.opponent());
        let n = history.len();
        let Some(&last) = opp.last() else {
            return Move::C;
        };
        // Fold in the last turn only; every earlier turn was seen by an earlier call.
        self.opponent_run = if last == Move::C {
            self.opponent_run.saturating_add(1)
        } else {
            0
        };
        if n >= 2 && own[n - 2] == Move::D && last == Move::D {
            self.retaliated = true;
        }

        match self.phase {
            ConPhase::Exploiting if last == Move::C => return Move::D,
            ConPhase::Exploiting => {
                // The opponent hit back: go quiet for `rebuild` turns, this one included.
                if self.rebuild > 0 {
                    self.phase = ConPhase::Rebuilding(self.rebuild - 1);
                    return Move::C;
                }
                self.phase = ConPhase::Grooming;
            }
            ConPhase::Rebuilding(0) => self.phase = ConPhase::Grooming,
            ConPhase::Rebuilding(left) => {
                self.phase = ConPhase::Rebuilding(left - 1);
                return Move::C;
            }
            ConPhase::Grooming => {}
        }

        if !self.retaliated && self.opponent_run >= self.streak {
            self.phase = ConPhase::Exploiting;
            return Move::D;
        }
        last
    }
}

// ---------------------------------------------------------------------------------------------
// Slow Forgiver

/// Tolerance for comparing the trust level with the threshold, so that e.g. 0.5 + 4 × 0.1 counts
/// as reaching 0.9 despite rounding.
const TRUST_TOLERANCE: f64 = 1e-9;

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SlowForgiverParams {
    initial: f64,
    factor: f64,
    step: f64,
    threshold: f64,
}

impl Default for SlowForgiverParams {
    fn default() -> Self {
        SlowForgiverParams {
            initial: 1.0,
            factor: 0.5,
            step: 0.125,
            threshold: 0.75,
        }
    }
}

/// Keeps a trust level in [0, 1], starting at `initial`: each opponent defection multiplies it by
/// `factor`, each opponent cooperation adds `step` (capped at 1). Cooperates exactly when trust
/// (after counting the opponent's last move) is at least `threshold`.
pub struct SlowForgiver {
    initial: f64,
    factor: f64,
    step: f64,
    threshold: f64,
    trust: f64,
}

impl Strategy for SlowForgiver {
    fn create(params: &str) -> Result<Self, String> {
        let p: SlowForgiverParams = params::parse(params)?;
        Ok(SlowForgiver {
            initial: real_in("initial", p.initial, (0.0, true), (1.0, true))?,
            factor: real_in("factor", p.factor, (0.0, true), (1.0, false))?,
            step: real_in("step", p.step, (0.0, false), (1.0, true))?,
            threshold: real_in("threshold", p.threshold, (0.0, true), (1.0, true))?,
            trust: p.initial,
        })
    }

    fn reset(&mut self, _ctx: &MatchContext) {
        self.trust = self.initial;
    }

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match history.last_opponent() {
            Some(Move::D) => self.trust *= self.factor,
            Some(Move::C) => self.trust = (self.trust + self.step).min(1.0),
            None => {}
        }
        Move::cooperate_if(self.trust + TRUST_TOLERANCE >= self.threshold)
    }
}

// ---------------------------------------------------------------------------------------------
// Fearful

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FearfulParams {
    prior: f64,
    weight: f64,
    threshold: f64,
}

impl Default for FearfulParams {
    fn default() -> Self {
        FearfulParams {
            prior: 0.25,
            weight: 0.25,
            threshold: 0.3,
        }
    }
}

/// Estimates the opponent's defection risk as an exponentially weighted average that starts at
/// `prior` and after each opponent move becomes (1 − `weight`) × estimate + `weight` × (1 if it
/// defected, else 0). Defects exactly when the estimate (after the last move) exceeds `threshold`.
pub struct Fearful {
    prior: f64,
    weight: f64,
    threshold: f64,
    risk: f64,
}

impl Strategy for Fearful {
    fn create(params: &str) -> Result<Self, String> {
        let p: FearfulParams = params::parse(params)?;
        Ok(Fearful {
            prior: real_in("prior", p.prior, (0.0, true), (1.0, true))?,
            weight: real_in("weight", p.weight, (0.0, false), (1.0, true))?,
            threshold: real_in("threshold", p.threshold, (0.0, true), (1.0, false))?,
            risk: p.prior,
        })
    }

    fn reset(&mut self, _ctx: &MatchContext) {
        self.risk = self.prior;
    }

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if let Some(last) = history.last_opponent() {
            let defected = if last == Move::D { 1.0 } else { 0.0 };
            self.risk = (1.0 - self.weight) * self.risk + self.weight * defected;
        }
        Move::defect_if(self.risk > self.threshold)
    }
}

// Default parameters as exported (kept in constants so the tests can check they parse).
const CON_ARTIST_DEFAULTS: &str = "(streak: 5, rebuild: 3)";
const SLOW_FORGIVER_DEFAULTS: &str = "(initial: 1.0, factor: 0.5, step: 0.125, threshold: 0.75)";
const FEARFUL_DEFAULTS: &str = "(prior: 0.25, weight: 0.25, threshold: 0.3)";

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    ConArtist {
        name: "Con Artist",
        description: "Cooperates on the first turn, then plays Tit For Tat, except that once the opponent has cooperated on each of the last `streak` turns (default 5) and has never retaliated (never defected on the turn right after one of Con Artist's defections), it defects and keeps defecting while the opponent's previous move is C. When the opponent's previous move is D it cooperates for `rebuild` turns (default 3) whatever the opponent does, then returns to Tit For Tat, ready to betray again only an opponent that has still never retaliated.",
        params: CON_ARTIST_DEFAULTS,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    SlowForgiver {
        name: "Slow Forgiver",
        description: "Keeps a trust level that starts at `initial` (default 1); before each move, an opponent defection on the previous turn multiplies trust by `factor` (default 0.5) and an opponent cooperation adds `step` (default 0.125, trust capped at 1). Cooperates exactly when trust is at least `threshold` (default 0.75; compared with a 1e-9 tolerance for rounding), so one betrayal after full trust costs two defections.",
        params: SLOW_FORGIVER_DEFAULTS,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Fearful {
        name: "Fearful",
        description: "Keeps an estimate of the opponent's defection risk that starts at `prior` (default 0.25); before each move, the opponent's previous move updates it to (1 - `weight`) * estimate + `weight` * (1 if it was D, else 0), with `weight` default 0.25. Defects exactly when the estimate exceeds `threshold` (default 0.3): with the defaults it opens with C, tolerates a single defection after a long calm, but defections close together make it defect until enough cooperations bring the estimate back down.",
        params: FEARFUL_DEFAULTS,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Cooperator, Defector};
    use crate::testkit::{against_sequence, play};
    use crate::titfortat::TitForTat;

    fn seq<S: Strategy>(params: &str, opponent: &str) -> String {
        let mut s = S::create(params).unwrap();
        against_sequence(&mut s, opponent, None)
    }

    fn err<S: Strategy>(params: &str) -> String {
        match S::create(params) {
            Ok(_) => panic!("{params} should be rejected"),
            Err(e) => e,
        }
    }

    #[test]
    fn exported_defaults_parse_and_equal_the_built_in_defaults() {
        assert_eq!(EXPORTS.len(), 3);
        let con = ConArtist::create(CON_ARTIST_DEFAULTS).unwrap();
        assert_eq!((con.streak, con.rebuild), (5, 3));
        let s = SlowForgiver::create(SLOW_FORGIVER_DEFAULTS).unwrap();
        let d = SlowForgiver::create("()").unwrap();
        assert_eq!(
            (s.initial, s.factor, s.step, s.threshold),
            (d.initial, d.factor, d.step, d.threshold)
        );
        let f = Fearful::create(FEARFUL_DEFAULTS).unwrap();
        let d = Fearful::create("()").unwrap();
        assert_eq!(
            (f.prior, f.weight, f.threshold),
            (d.prior, d.weight, d.threshold)
        );
    }

    #[test]
    fn con_artist_fleeces_cooperator_and_guards_against_defector() {
        let mut con = ConArtist::create("()").unwrap();
        let (c, _) = play(&mut con, &mut Cooperator, 10);
        assert_eq!(c, "CCCCCDDDDD");
        let (c, _) = play(&mut con, &mut Defector, 10);
        assert_eq!(c, "CDDDDDDDDD");
    }

    #[test]
    fn con_artist_goes_straight_after_tit_for_tat_hits_back() {
        let mut con = ConArtist::create("()").unwrap();
        let mut tft = TitForTat::create("()").unwrap();
        let (c, t) = play(&mut con, &mut tft, 14);
        // Betrays on turn 6, defects again on 7 (TFT's turn-6 move was C), sees TFT's
        // retaliation and cooperates on 8-10, then plays Tit For Tat for good.
        assert_eq!(c, "CCCCCDDCCCCCCC");
        assert_eq!(t, "CCCCCCDDCCCCCC");
        // reset forgets the retaliation: the next match starts trusting again.
        let (c, _) = play(&mut con, &mut Cooperator, 7);
        assert_eq!(c, "CCCCCDD");
    }

    #[test]
    fn con_artist_betrays_again_after_a_defection_that_was_not_retaliation() {
        // Opponent defects on turn 6, simultaneously with the betrayal: not a retaliation.
        // Turn 7 sees it and rebuilds (7-9), then after 5 more cooperations betrays again.
        assert_eq!(
            seq::<ConArtist>("()", "CCCCCDCCCCCCCCCCC"),
            "CCCCCDCCCCCDDDDDD"
        );
        // Same, but the opponent defects on turn 7, right after the betrayal: a retaliation,
        // so after rebuilding it never betrays again.
        assert_eq!(
            seq::<ConArtist>("()", "CCCCCCDCCCCCCCCCC"),
            "CCCCCDDCCCCCCCCCC"
        );
        // streak 2, no rebuilding: straight back to Tit For Tat (which copies the D).
        assert_eq!(
            seq::<ConArtist>("(streak: 2, rebuild: 0)", "CCCDCCC"),
            "CCDDDCC"
        );
    }

    #[test]
    fn con_artist_rejects_bad_parameters() {
        let e = err::<ConArtist>("(streak: 0)");
        assert!(e.contains("`streak`") && e.contains("[1, 1000000]"), "{e}");
        let e = err::<ConArtist>("(rebuild: -1)");
        assert!(e.contains("`rebuild`") && e.contains("[0, 1000000]"), "{e}");
        assert!(err::<ConArtist>("(k: 3)").contains('k'));
    }

    #[test]
    fn slow_forgiver_rebuilds_trust_gradually() {
        let mut s = SlowForgiver::create("()").unwrap();
        assert_eq!(play(&mut s, &mut Cooperator, 6).0, "CCCCCC");
        // 1 → 0.5 after the first D, then 0.25, 0.125, ...: never back to 0.75.
        assert_eq!(play(&mut s, &mut Defector, 6).0, "CDDDDD");
        // Trust: 1,1 | D → 0.5, 0.625 | 0.75, 0.875, 1 | D,D → 0.5, 0.25 | 0.375, 0.5, 0.625 |
        // 0.75, 0.875.
        assert_eq!(
            seq::<SlowForgiver>("()", "CDCCCCDDCCCCCC"),
            "CCDDCCCDDDDDCC"
        );
        // Against Tit For Tat there is never a betrayal to forgive.
        let mut tft = TitForTat::create("()").unwrap();
        assert_eq!(play(&mut s, &mut tft, 5), ("CCCCC".into(), "CCCCC".into()));
        // The tolerance lets 0.5 + 4 × 0.1 reach 0.9.
        assert_eq!(
            seq::<SlowForgiver>("(step: 0.1, threshold: 0.9)", "DCCCCC"),
            "CDDDDC"
        );
        // A suspicious start: initial trust below the threshold.
        assert_eq!(seq::<SlowForgiver>("(initial: 0.5)", "CCCC"), "DDCC");
    }

    #[test]
    fn slow_forgiver_rejects_bad_parameters() {
        let e = err::<SlowForgiver>("(factor: 1.0)");
        assert!(e.contains("`factor`") && e.contains("[0, 1)"), "{e}");
        let e = err::<SlowForgiver>("(step: 0.0)");
        assert!(e.contains("`step`") && e.contains("(0, 1]"), "{e}");
        let e = err::<SlowForgiver>("(threshold: 1.5)");
        assert!(e.contains("`threshold`") && e.contains("[0, 1]"), "{e}");
        let e = err::<SlowForgiver>("(initial: -0.1)");
        assert!(e.contains("`initial`"), "{e}");
        assert!(err::<SlowForgiver>("(trust: 1.0)").contains("trust"));
    }

    #[test]
    fn fearful_defects_while_the_estimate_is_high() {
        let mut f = Fearful::create("()").unwrap();
        assert_eq!(play(&mut f, &mut Cooperator, 6).0, "CCCCCC");
        assert_eq!(play(&mut f, &mut Defector, 6).0, "CDDDDD");
        let mut tft = TitForTat::create("()").unwrap();
        assert_eq!(play(&mut f, &mut tft, 5), ("CCCCC".into(), "CCCCC".into()));
        // Estimates before each move: 0.25, 0.1875, 0.1406, 0.3555 (D), 0.2666, 0.2000,
        // 0.4000 (D), 0.5500 (D), 0.4125 (D), 0.3094 (D), 0.2320.
        assert_eq!(seq::<Fearful>("()", "CCDCCDDCCCC"), "CCCDCCDDDDC");
        // After ten cooperations (estimate 0.014) one defection is tolerated (0.26), a second
        // in a row is not (0.45, then 0.33 after a C).
        assert_eq!(seq::<Fearful>("()", "CCCCCCCCCCDCCC"), "CCCCCCCCCCCCCC");
        assert_eq!(seq::<Fearful>("()", "CCCCCCCCCCDDCC"), "CCCCCCCCCCCCDD");
        // A pessimistic prior makes it open with a defection.
        assert_eq!(seq::<Fearful>("(prior: 0.5)", "CCCC"), "DDCC");
    }

    #[test]
    fn fearful_rejects_bad_parameters() {
        let e = err::<Fearful>("(weight: 0.0)");
        assert!(e.contains("`weight`") && e.contains("(0, 1]"), "{e}");
        let e = err::<Fearful>("(threshold: 1.0)");
        assert!(e.contains("`threshold`") && e.contains("[0, 1)"), "{e}");
        let e = err::<Fearful>("(prior: 2.0)");
        assert!(e.contains("`prior`") && e.contains("[0, 1]"), "{e}");
    }
}
