//! A Vertrouwen strategy plugin. `export_plugin!` at the bottom turns the strategy into the
//! shared library the engine loads; everything else is ordinary, safe Rust.
//!
//! The rules every strategy must follow (docs/plugins.md has the details):
//! - draw randomness only from the `Rng` passed to `decide` (or seed your own from
//!   `MatchContext::seed` in `reset`), never from the clock or the operating system;
//! - make `reset` complete: after it, an instance must play exactly like a fresh one;
//! - declare the classifiers truthfully (`vertrouwen check-plugin` tests them);
//! - keep no global or thread-local state: the engine may create instances on several threads
//!   at once, and reuses each one for many matches.

use serde::Deserialize;
use vertrouwen_plugins_api::kit::parse_params;
use vertrouwen_plugins_api::{
    export_plugin, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

/// The parameters, written in RON in a tournament file: `(tolerance: 3, opening: D)`. Any field
/// left out keeps its default; a misspelt one is an error that names it.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// How many defections in a row the strategy forgives before it retaliates (1 to 100).
    pub tolerance: u32,
    /// The first move.
    pub opening: Opening,
}

/// The first move: `C` or `D` in RON.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum Opening {
    C,
    D,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: 2,
            opening: Opening::C,
        }
    }
}

/// Opens with `opening`, then cooperates, except right after the opponent has defected on each
/// of the last `tolerance` turns: then it defects.
pub struct MyStrategy {
    tolerance: usize,
    opening: Move,
}

impl Strategy for MyStrategy {
    fn create(params: &str) -> Result<Self, String> {
        let p: Params = parse_params(params)?;
        if !(1..=100).contains(&p.tolerance) {
            return Err(format!(
                "parameter `tolerance` must be between 1 and 100, got {}",
                p.tolerance
            ));
        }
        Ok(MyStrategy {
            tolerance: p.tolerance as usize,
            opening: match p.opening {
                Opening::C => Move::C,
                Opening::D => Move::D,
            },
        })
    }

    /// The memory depth depends on the parameters: the decision reads the last `tolerance`
    /// turns. (Without this method, the classifiers written in `export_plugin!` apply.)
    fn classifiers(&self) -> Option<Classifiers> {
        Some(Classifiers::new(Some(self.tolerance as u32), false, 0))
    }

    /// Nothing to forget: all the strategy needs is in the history. A strategy with counters
    /// or flags must reset every one of them here.
    fn reset(&mut self, _ctx: &MatchContext) {}

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let opponent = history.opponent();
        if opponent.is_empty() {
            return self.opening;
        }
        let recent = &opponent[opponent.len().saturating_sub(self.tolerance)..];
        Move::defect_if(recent.len() == self.tolerance && recent.iter().all(|&m| m == Move::D))
    }
}

export_plugin! {
    plugin: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    strategies: [
        MyStrategy {
            // The name players and tournament files use: unique among all strategies.
            name: "Template Strategy",
            description: "Cooperates, but defects right after the opponent has defected on each of its last `tolerance` (default 2) turns; opens with `opening` (default C).",
            // The parameters used when a tournament file gives none.
            params: "(tolerance: 2, opening: C)",
            // The classifiers of the default parameters: the last 2 turns, no randomness, and
            // neither the match length nor the payoffs (`makes_use_of: [length, game]`).
            memory_depth: Some(2),
            stochastic: false,
            makes_use_of: [],
        },
    ],
}

#[cfg(test)]
mod tests {
    use super::*;
    use vertrouwen_plugins_api::kit::{check_reset, play_new, Opponent, Setup};

    #[test]
    fn parameters_have_defaults_and_are_checked() {
        let p: Params = parse_params("()").unwrap();
        assert_eq!((p.tolerance, p.opening), (2, Opening::C));
        let p: Params = parse_params("(opening: D)").unwrap();
        assert_eq!((p.tolerance, p.opening), (2, Opening::D));
        let e = parse_params::<Params>("(tolerence: 3)").unwrap_err();
        assert!(e.contains("tolerence"), "{e}");
        assert!(MyStrategy::create("(tolerance: 0)").is_err());
    }

    #[test]
    fn retaliates_after_tolerance_defections_in_a_row() {
        let p = play_new::<MyStrategy>("(tolerance: 2)", Opponent::Defector, &Setup::turns(5));
        assert_eq!(p.unwrap().own_text(), "CCDDD");
        // An alternating opponent never defects twice in a row.
        let p = play_new::<MyStrategy>("()", Opponent::Alternator, &Setup::turns(6));
        assert_eq!(p.unwrap().own_text(), "CCCCCC");
        let p = play_new::<MyStrategy>("(opening: D)", Opponent::TitForTat, &Setup::turns(4));
        assert_eq!(p.unwrap().own_text(), "DCCC");
    }

    #[test]
    fn classifiers_follow_the_parameters() {
        let s = MyStrategy::create("(tolerance: 5)").unwrap();
        assert_eq!(s.classifiers().unwrap().memory(), Some(5));
    }

    #[test]
    fn reset_is_complete() {
        check_reset::<MyStrategy>("()").unwrap();
        check_reset::<MyStrategy>("(tolerance: 1, opening: D)").unwrap();
    }
}
