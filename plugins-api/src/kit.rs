//! The author kit (feature `author-kit`): what a strategy author needs besides the ABI.
//!
//! - [`parse_params`]: a strategy's parameter text (RON, as written in a tournament file) into a
//!   `serde` struct, with errors that say where the text is wrong.
//! - [`play`] and [`Opponent`]: a seeded match of your strategy against a simple reference
//!   behaviour, for unit tests. Seeds are used exactly as the engine uses them, so a match here
//!   plays the same moves as `vertrouwen match` with the same seed and the built-in opponent of
//!   the same name.
//! - [`check_reset`]: the most common bug, caught in a unit test: a `reset` that forgets state
//!   makes a reused instance play differently from a fresh one.
//!
//! ```
//! use serde::Deserialize;
//! use vertrouwen_plugins_api::kit::{parse_params, play, Opponent, Setup};
//! use vertrouwen_plugins_api::{History, MatchContext, Move, Rng, Strategy};
//!
//! #[derive(Debug, Deserialize)]
//! #[serde(default, deny_unknown_fields)]
//! struct Params {
//!     grace: u32,
//! }
//! impl Default for Params {
//!     fn default() -> Self {
//!         Params { grace: 1 }
//!     }
//! }
//!
//! /// Defects once the opponent has defected more than `grace` times.
//! struct Patient {
//!     grace: u32,
//! }
//!
//! impl Strategy for Patient {
//!     fn create(params: &str) -> Result<Self, String> {
//!         let p: Params = parse_params(params)?;
//!         Ok(Patient { grace: p.grace })
//!     }
//!     fn reset(&mut self, _ctx: &MatchContext) {}
//!     fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
//!         Move::defect_if(history.opponent_defections() > self.grace as usize)
//!     }
//! }
//!
//! let mut s = Patient::create("(grace: 2)").unwrap();
//! let played = play(&mut s, Opponent::Cycle("DDC"), &Setup::turns(6));
//! assert_eq!(played.own_text(), "CCCCDD");
//! assert!(parse_params::<Params>("(grase: 2)").unwrap_err().contains("grase"));
//! ```

use serde::de::DeserializeOwned;

use crate::abi::Payoffs;
use crate::{derive_seed, History, MatchContext, Move, Rng, Strategy};

/// Parses a strategy's parameter text (RON) into `P`; empty text means `()`, all defaults.
///
/// Give the struct `#[serde(default, deny_unknown_fields)]` and a `Default` impl: then `()`
/// means "all defaults", any field may be left out, and a misspelt field is an error that names
/// it instead of being ignored. The error says where the text is wrong, as "line:column".
pub fn parse_params<P: DeserializeOwned>(text: &str) -> Result<P, String> {
    let text = if text.trim().is_empty() { "()" } else { text };
    ron::from_str(text).map_err(|e| format!("bad parameters {text:?}: {e}"))
}

/// A reference behaviour to play against. The deterministic ones play exactly as the built-in
/// strategies of the same names; `Random(p)` draws as the built-in "Random" with `(p: p)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Opponent {
    /// Always cooperates.
    Cooperator,
    /// Always defects.
    Defector,
    /// Cooperates, then alternates.
    Alternator,
    /// Cooperates first, then copies your last move.
    TitForTat,
    /// Cooperates until you defect once, then defects forever.
    Grudger,
    /// Cooperates with probability `p`, from its own random stream.
    Random(f64),
    /// Plays these moves (`C` and `D`) over and over; other characters count as `C`.
    Cycle(&'static str),
}

impl Opponent {
    /// A panel of behaviours a strategy should meet in its tests.
    pub const PANEL: [Opponent; 7] = [
        Opponent::Cooperator,
        Opponent::Defector,
        Opponent::Alternator,
        Opponent::TitForTat,
        Opponent::Grudger,
        Opponent::Random(0.5),
        Opponent::Cycle("CCDCD"),
    ];

    fn decide(&self, history: &History<'_>, rng: &mut Rng) -> Move {
        match *self {
            Opponent::Cooperator => Move::C,
            Opponent::Defector => Move::D,
            Opponent::Alternator => history.last_own().map_or(Move::C, Move::flip),
            Opponent::TitForTat => history.last_opponent().unwrap_or(Move::C),
            Opponent::Grudger => Move::defect_if(history.opponent_defections() > 0),
            Opponent::Random(p) => Move::cooperate_if(rng.chance(p)),
            Opponent::Cycle(moves) => {
                let bytes = moves.as_bytes();
                if bytes.is_empty() {
                    Move::C
                } else {
                    Move::defect_if(matches!(bytes[history.len() % bytes.len()], b'D' | b'd'))
                }
            }
        }
    }
}

/// How a test match is played.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setup {
    /// Number of turns.
    pub turns: u64,
    /// Whether the strategies are told the length (as in a fixed-length tournament) or not (as
    /// in one whose matches end at random).
    pub announce_length: bool,
    /// The payoffs.
    pub game: Payoffs,
    /// The match seed: the strategies' random streams derive from it as in the engine.
    pub seed: u64,
}

impl Setup {
    /// `turns` turns, announced, of the standard game, seed 0.
    pub fn turns(turns: u64) -> Self {
        Setup {
            turns,
            announce_length: true,
            game: Payoffs::STANDARD,
            seed: 0,
        }
    }

    /// The same setup with another seed.
    pub fn seed(self, seed: u64) -> Self {
        Setup { seed, ..self }
    }
}

impl Default for Setup {
    /// 200 announced turns of the standard game, seed 0.
    fn default() -> Self {
        Setup::turns(200)
    }
}

/// A played test match, from your strategy's side.
#[derive(Clone, Debug, PartialEq)]
pub struct Played {
    /// Your strategy's moves.
    pub own: Vec<Move>,
    /// The opponent's moves.
    pub opponent: Vec<Move>,
    /// Your strategy's total payoff.
    pub own_score: f64,
    /// The opponent's total payoff.
    pub opponent_score: f64,
}

impl Played {
    /// Your strategy's moves as a string of `C` and `D`.
    pub fn own_text(&self) -> String {
        self.own.iter().map(|m| m.as_char()).collect()
    }

    /// The opponent's moves as a string of `C` and `D`.
    pub fn opponent_text(&self) -> String {
        self.opponent.iter().map(|m| m.as_char()).collect()
    }
}

fn payoff(game: &Payoffs, own: Move, other: Move) -> f64 {
    match (own, other) {
        (Move::C, Move::C) => game.r,
        (Move::C, Move::D) => game.s,
        (Move::D, Move::C) => game.t,
        (Move::D, Move::D) => game.p,
    }
}

/// Resets `strategy` and plays one match against `opponent`: your strategy is player 1 and the
/// opponent player 2, with the engine's seeding (so the moves equal those of `vertrouwen match
/// "Yours" "Tit For Tat" --seed S` for `Opponent::TitForTat`).
pub fn play<S: Strategy>(strategy: &mut S, opponent: Opponent, setup: &Setup) -> Played {
    let ctx = MatchContext {
        length: setup.announce_length.then_some(setup.turns),
        noise: 0.0,
        game: setup.game,
        seed: derive_seed(setup.seed, 4),
    };
    strategy.reset(&ctx);
    let mut rngs = [
        Rng::for_stream(setup.seed, 1),
        Rng::for_stream(setup.seed, 2),
    ];
    let n = usize::try_from(setup.turns).unwrap_or(usize::MAX);
    let mut own: Vec<Move> = Vec::with_capacity(n.min(1 << 20));
    let mut other: Vec<Move> = Vec::with_capacity(n.min(1 << 20));
    let (mut own_score, mut opponent_score) = (0.0, 0.0);
    for _ in 0..setup.turns {
        let [mine, theirs] = &mut rngs;
        let a = strategy.decide(&History::new(&own, &other), mine);
        let b = opponent.decide(&History::new(&other, &own), theirs);
        own_score += payoff(&setup.game, a, b);
        opponent_score += payoff(&setup.game, b, a);
        own.push(a);
        other.push(b);
    }
    Played {
        own,
        opponent: other,
        own_score,
        opponent_score,
    }
}

/// Creates a fresh instance from `params` and plays one match; see [`play`].
pub fn play_new<S: Strategy>(
    params: &str,
    opponent: Opponent,
    setup: &Setup,
) -> Result<Played, String> {
    let mut strategy = S::create(params)?;
    Ok(play(&mut strategy, opponent, setup))
}

/// Checks that `reset` is complete: one instance that has just played a match (against each
/// opponent of [`Opponent::PANEL`], of various lengths, announced or not) then plays exactly
/// like a fresh instance against every opponent of the panel, with the same seed. Returns a
/// description of the first difference.
pub fn check_reset<S: Strategy>(params: &str) -> Result<(), String> {
    let mut reused = S::create(params)?;
    let mut seed = 0;
    for (d, dirty) in Opponent::PANEL.iter().enumerate() {
        for compared in Opponent::PANEL {
            seed += 1;
            let before = Setup {
                turns: 20 + 37 * d as u64,
                announce_length: d % 2 == 0,
                ..Setup::default()
            }
            .seed(1000 + seed);
            play(&mut reused, *dirty, &before);
            let setup = Setup::turns(60).seed(seed);
            let again = play(&mut reused, compared, &setup);
            let fresh = play_new::<S>(params, compared, &setup)?;
            if again != fresh {
                return Err(format!(
                    "reset is incomplete: after earlier matches (the last against {dirty:?}), an instance plays {} against {compared:?} with seed {seed}, a fresh one plays {}",
                    again.own_text(),
                    fresh.own_text()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct P {
        p: f64,
        name: String,
    }

    impl Default for P {
        fn default() -> Self {
            P {
                p: 0.5,
                name: "x".into(),
            }
        }
    }

    #[test]
    fn params_default_override_and_name_mistakes() {
        assert_eq!(parse_params::<P>("").unwrap(), P::default());
        assert_eq!(parse_params::<P>("()").unwrap(), P::default());
        assert_eq!(parse_params::<P>("(p: 0.25)").unwrap().p, 0.25);
        let e = parse_params::<P>("(q: 1.0)").unwrap_err();
        assert!(e.contains("`q`") && e.contains("1:2"), "{e}");
        let e = parse_params::<P>("(p: \"high\")").unwrap_err();
        assert!(e.contains("1:5"), "{e}");
    }

    /// Forgets to clear its grudge between matches.
    struct Leaky(bool);

    impl Strategy for Leaky {
        fn create(_: &str) -> Result<Self, String> {
            Ok(Leaky(false))
        }
        fn reset(&mut self, _: &MatchContext) {}
        fn decide(&mut self, h: &History<'_>, _: &mut Rng) -> Move {
            self.0 |= h.last_opponent() == Some(Move::D);
            Move::defect_if(self.0)
        }
    }

    /// Tit For Tat, complete.
    struct Mirror;

    impl Strategy for Mirror {
        fn create(_: &str) -> Result<Self, String> {
            Ok(Mirror)
        }
        fn reset(&mut self, _: &MatchContext) {}
        fn decide(&mut self, h: &History<'_>, _: &mut Rng) -> Move {
            h.last_opponent().unwrap_or(Move::C)
        }
    }

    #[test]
    fn references_play_their_rules() {
        let p = play_new::<Mirror>("", Opponent::Alternator, &Setup::turns(5)).unwrap();
        assert_eq!(
            (p.own_text().as_str(), p.opponent_text().as_str()),
            ("CCDCD", "CDCDC")
        );
        assert_eq!(
            (p.own_score, p.opponent_score),
            (3.0 + 0.0 + 5.0 + 0.0 + 5.0, 13.0)
        );
        let p = play_new::<Leaky>("", Opponent::Cycle("CD"), &Setup::turns(4)).unwrap();
        assert_eq!(p.own_text(), "CCDD");
        let p = play_new::<Mirror>("", Opponent::Grudger, &Setup::turns(3)).unwrap();
        assert_eq!(p.opponent_text(), "CCC");
    }

    #[test]
    fn random_reference_is_seeded() {
        let a = play_new::<Mirror>("", Opponent::Random(0.5), &Setup::turns(64)).unwrap();
        let b = play_new::<Mirror>("", Opponent::Random(0.5), &Setup::turns(64)).unwrap();
        let c = play_new::<Mirror>("", Opponent::Random(0.5), &Setup::turns(64).seed(9)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.opponent, c.opponent);
        assert!(a.opponent.contains(&Move::C) && a.opponent.contains(&Move::D));
    }

    #[test]
    fn check_reset_catches_a_leak() {
        assert_eq!(check_reset::<Mirror>(""), Ok(()));
        let e = check_reset::<Leaky>("").unwrap_err();
        assert!(
            e.starts_with("reset is incomplete") && e.contains("a fresh one plays CC"),
            "{e}"
        );
    }
}
