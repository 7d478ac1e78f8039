//! Test fixture, built against a copy of vertrouwen-plugins-api whose `HistoryView` has `own`
//! and `opponent` swapped (made by `tests/build.rs`). Loaded by an ABI v1 engine, this Tit For
//! Tat read its own moves as the opponent's and played like Cooperator; the layout hash of ABI
//! v2, computed from the real types, refuses it.

use vertrouwen_plugins_api::{export_plugin, History, MatchContext, Move, Rng, Strategy};

pub struct SwappedMirror;

impl Strategy for SwappedMirror {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(SwappedMirror)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_opponent().unwrap_or(Move::C)
    }
}

export_plugin! {
    plugin: "swapped-fields-plugin",
    version: "0.1.0",
    strategies: [
        SwappedMirror {
            name: "Swapped Mirror",
            description: "Test fixture: Tit For Tat built against an altered ABI.",
            params: "()",
            memory_depth: Some(1),
            stochastic: false,
            makes_use_of: [],
        },
    ],
}
