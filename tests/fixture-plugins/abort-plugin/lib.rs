//! Test fixture, built with `panic = "abort"`: the engine refuses it in-process (its first panic
//! would end the engine) with a message saying how to fix it; isolated, it runs, and its panic
//! ends only its worker.

use vertrouwen_plugins_api::{export_plugin, History, MatchContext, Move, Rng, Strategy};

/// Cooperates twice, then panics (which aborts the process it runs in).
pub struct AbortsOnTurnThree;

impl Strategy for AbortsOnTurnThree {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(AbortsOnTurnThree)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if history.len() == 2 {
            panic!("deliberate failure on turn 3");
        }
        Move::C
    }
}

/// Plays Tit For Tat and never panics: isolated, it plays a whole tournament.
pub struct AbortBuildMirror;

impl Strategy for AbortBuildMirror {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(AbortBuildMirror)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_opponent().unwrap_or(Move::C)
    }
}

export_plugin! {
    plugin: "abort-plugin",
    version: "0.1.0",
    strategies: [
        AbortsOnTurnThree {
            name: "Aborts On Turn Three",
            description: "Test fixture: panics on its third move, in a plugin built with panic = abort.",
            params: "()",
            memory_depth: None,
            stochastic: false,
            makes_use_of: [],
        },
        AbortBuildMirror {
            name: "Abort Build Mirror",
            description: "Test fixture: Tit For Tat in a plugin built with panic = abort.",
            params: "()",
            memory_depth: Some(1),
            stochastic: false,
            makes_use_of: [],
        },
    ],
}
