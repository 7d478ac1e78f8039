//! Symmetric 2x2 games given by their four payoffs.

use serde::Serialize;
use thiserror::Error;
use vertrouwen_plugins_api::Payoffs;

/// A symmetric 2x2 game: the row player gets R for (C,C), S for (C,D), T for (D,C), P for (D,D).
/// Any finite values are allowed, negatives included (e.g. years in prison).
///
/// `Serialize` is derived only because `MatchSpec` derives it; the files the engine writes use
/// their own schema types (the `vertrouwen-output` crate), and study files theirs
/// ([`crate::config`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Game {
    pub r: f64,
    pub s: f64,
    pub t: f64,
    pub p: f64,
}

/// Games users can name instead of giving four numbers.
pub const PRESETS: &[(&str, Game, &str)] = &[
    (
        "standard",
        Game::STANDARD,
        "The standard prisoner's dilemma of Axelrod's tournaments: R=3, S=0, T=5, P=1.",
    ),
    (
        "prison-years",
        Game::PRISON_YEARS,
        "The original story, years in prison as negative payoff: both silent -1 each, both \
         betray -5 each, the betrayer goes free (0) while the silent one gets -10.",
    ),
];

/// A game that is not valid: what was wrong and what was expected.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum GameError {
    #[error("payoff {name} must be a finite number, got {value}")]
    NonFinite { name: &'static str, value: f64 },
    #[error(
        "expected four payoffs \"R,S,T,P\" (e.g. \"3,0,5,1\") or a preset ({}), got {text:?}",
        preset_names()
    )]
    Shape { text: String },
    #[error("payoff {part:?} in {text:?} is not a number")]
    NotANumber { part: String, text: String },
    #[error(
        "unknown game {name:?}; expected one of {} or (r: .., s: .., t: .., p: ..)",
        preset_names()
    )]
    UnknownPreset { name: String },
}

/// The preset names, comma-separated.
pub fn preset_names() -> String {
    PRESETS.iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
}

impl Game {
    /// R=3, S=0, T=5, P=1 (Axelrod 1980).
    pub const STANDARD: Game = Game {
        r: 3.0,
        s: 0.0,
        t: 5.0,
        p: 1.0,
    };

    /// The prisoners' story in years: (C,C) -1, (C,D) -10, (D,C) 0, (D,D) -5.
    pub const PRISON_YEARS: Game = Game {
        r: -1.0,
        s: -10.0,
        t: 0.0,
        p: -5.0,
    };

    /// Looks up a preset by name (case-insensitive).
    pub fn preset(name: &str) -> Result<Game, GameError> {
        PRESETS
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, g, _)| *g)
            .ok_or_else(|| GameError::UnknownPreset {
                name: name.to_string(),
            })
    }

    /// A game from four payoffs, each finite.
    pub fn new(r: f64, s: f64, t: f64, p: f64) -> Result<Game, GameError> {
        let g = Game { r, s, t, p };
        g.validate()?;
        Ok(g)
    }

    /// Checks that every payoff is finite.
    pub fn validate(&self) -> Result<(), GameError> {
        for (name, value) in [("R", self.r), ("S", self.s), ("T", self.t), ("P", self.p)] {
            if !value.is_finite() {
                return Err(GameError::NonFinite { name, value });
            }
        }
        Ok(())
    }

    /// The largest payoff in absolute value.
    pub fn largest_payoff(&self) -> f64 {
        [self.r, self.s, self.t, self.p]
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()))
    }

    /// The ABI form.
    pub fn payoffs(&self) -> Payoffs {
        Payoffs {
            r: self.r,
            s: self.s,
            t: self.t,
            p: self.p,
        }
    }

    /// Parses `"R,S,T,P"` or a preset name (the `--game` flag).
    pub fn parse(text: &str) -> Result<Game, GameError> {
        if let Ok(g) = Game::preset(text.trim()) {
            return Ok(g);
        }
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(GameError::Shape {
                text: text.to_string(),
            });
        }
        let mut v = [0.0; 4];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part.parse::<f64>().map_err(|_| GameError::NotANumber {
                part: part.to_string(),
                text: text.to_string(),
            })?;
        }
        Game::new(v[0], v[1], v[2], v[3])
    }
}

impl Default for Game {
    fn default() -> Self {
        Game::STANDARD
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_by_name() {
        assert_eq!(Game::preset("standard").unwrap(), Game::STANDARD);
        assert_eq!(Game::preset("Prison-Years").unwrap().s, -10.0);
        assert!(Game::preset("chicken")
            .unwrap_err()
            .to_string()
            .contains("standard, prison-years"));
    }

    #[test]
    fn parse_numbers_and_errors() {
        assert_eq!(Game::parse("4,-1,6,0").unwrap().s, -1.0);
        assert_eq!(Game::parse("standard").unwrap(), Game::STANDARD);
        assert!(Game::parse("1,2,3")
            .unwrap_err()
            .to_string()
            .contains("four payoffs"));
        assert!(Game::parse("1,2,x,4")
            .unwrap_err()
            .to_string()
            .contains("not a number"));
        assert_eq!(
            Game::parse("1,2,inf,4"),
            Err(GameError::NonFinite {
                name: "T",
                value: f64::INFINITY
            })
        );
        assert_eq!(Game::parse("1e308,1,1,1").unwrap().largest_payoff(), 1e308);
    }
}
