//! Symmetric 2x2 games given by their four payoffs.

use serde::{Deserialize, Serialize};
use vertrouwen_plugins_api::{Move, Payoffs};

/// A symmetric 2x2 game: the row player gets R for (C,C), S for (C,D), T for (D,C), P for (D,D).
/// Any finite values are allowed, negatives included (e.g. years in prison).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
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

    /// Looks up a preset by name.
    pub fn preset(name: &str) -> Option<Game> {
        PRESETS
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, g, _)| *g)
    }

    /// Checks that every payoff is finite.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [("R", self.r), ("S", self.s), ("T", self.t), ("P", self.p)] {
            if !v.is_finite() {
                return Err(format!("payoff {name} must be a finite number, got {v}"));
            }
        }
        Ok(())
    }

    /// Whether the ordering T > R > P > S (and 2R > T + S) of a prisoner's dilemma holds.
    pub fn is_prisoners_dilemma(&self) -> bool {
        self.t > self.r && self.r > self.p && self.p > self.s && 2.0 * self.r > self.t + self.s
    }

    /// Both players' payoffs for one turn.
    #[inline]
    pub fn scores(&self, a: Move, b: Move) -> (f64, f64) {
        match (a, b) {
            (Move::C, Move::C) => (self.r, self.r),
            (Move::C, Move::D) => (self.s, self.t),
            (Move::D, Move::C) => (self.t, self.s),
            (Move::D, Move::D) => (self.p, self.p),
        }
    }

    /// Payoff of the row player in each state, indexed CC, CD, DC, DD.
    pub fn by_state(&self) -> [f64; 4] {
        [self.r, self.s, self.t, self.p]
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

    /// Parses `"R,S,T,P"` or a preset name.
    pub fn parse(text: &str) -> Result<Game, String> {
        if let Some(g) = Game::preset(text.trim()) {
            return Ok(g);
        }
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
            return Err(format!(
                "expected four payoffs \"R,S,T,P\" (e.g. \"3,0,5,1\") or a preset ({}), got {text:?}",
                names.join(", ")
            ));
        }
        let mut v = [0.0; 4];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part
                .parse::<f64>()
                .map_err(|_| format!("payoff {part:?} in {text:?} is not a number"))?;
        }
        let g = Game {
            r: v[0],
            s: v[1],
            t: v[2],
            p: v[3],
        };
        g.validate()?;
        Ok(g)
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
    fn standard_scores() {
        let g = Game::STANDARD;
        assert_eq!(g.scores(Move::C, Move::D), (0.0, 5.0));
        assert_eq!(g.scores(Move::D, Move::D), (1.0, 1.0));
        assert!(g.is_prisoners_dilemma());
    }

    #[test]
    fn prison_years_is_a_dilemma_with_negative_payoffs() {
        let g = Game::preset("prison-years").unwrap();
        assert_eq!(g.scores(Move::D, Move::C), (0.0, -10.0));
        assert!(g.is_prisoners_dilemma());
    }

    #[test]
    fn parse_numbers_and_errors() {
        assert_eq!(Game::parse("4,-1,6,0").unwrap().s, -1.0);
        assert_eq!(Game::parse("standard").unwrap(), Game::STANDARD);
        assert!(Game::parse("1,2,3").unwrap_err().contains("four payoffs"));
        assert!(Game::parse("1,2,x,4").unwrap_err().contains("not a number"));
        assert!(Game::parse("1,2,inf,4").is_err());
    }
}
