//! Test fixture, built against a copy of vertrouwen-plugins-api of a hypothetical minor version
//! 2.1 (made by `tests/build.rs`) whose header, strategy descriptor and vtable each have one
//! more field at the end. An engine of ABI 2.0 reads the prefix it knows and plays it.

use vertrouwen_plugins_api::{export_plugin, History, MatchContext, Move, Rng, Strategy};

/// Tit For Tat, with a parameter to show that creation goes through the newer vtable.
pub struct NewerMinorMirror {
    opening: Move,
}

impl Strategy for NewerMinorMirror {
    fn create(params: &str) -> Result<Self, String> {
        let opening = match params.trim() {
            "" | "()" => Move::C,
            "(opening: D)" => Move::D,
            other => return Err(format!("unknown parameters {other:?}")),
        };
        Ok(NewerMinorMirror { opening })
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_opponent().unwrap_or(self.opening)
    }
}

export_plugin! {
    plugin: "newer-minor-plugin",
    version: "0.1.0",
    strategies: [
        NewerMinorMirror {
            name: "Newer Minor Mirror",
            description: "Test fixture: Tit For Tat built against ABI 2.1.",
            params: "()",
            memory_depth: Some(1),
            stochastic: false,
            makes_use_of: [],
        },
        NewerMinorMirror {
            name: "Newer Minor Suspicious Mirror",
            description: "Test fixture: Suspicious Tit For Tat built against ABI 2.1.",
            params: "(opening: D)",
            memory_depth: Some(1),
            stochastic: false,
            makes_use_of: [],
        },
    ],
}
