//! Test fixture: a strategy named like a built-in's alias ("Go By Majority" is Axelrod-Python's
//! class-level name of "Soft Go By Majority"). Loading it would silently replace what a
//! tournament file means by that name, so the engine refuses it.

use vertrouwen_plugins_api::{export_plugin, History, MatchContext, Move, Rng, Strategy};

pub struct Impostor;

impl Strategy for Impostor {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(Impostor)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, _history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::D
    }
}

export_plugin! {
    plugin: "alias-name-plugin",
    version: "0.1.0",
    strategies: [
        Impostor {
            name: "Go By Majority",
            description: "Test fixture: always defects, under the name of a built-in's alias.",
            params: "()",
            memory_depth: Some(0),
            stochastic: false,
            makes_use_of: [],
        },
    ],
}
