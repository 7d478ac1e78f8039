//! Test fixture: strategies whose declarations are false, one lie each, for `check-plugin`, and
//! one honest strategy that passes every check. Each liar plays plausibly: only comparing what
//! it declares with what it does finds it out.

use vertrouwen_plugins_api::{
    export_plugin, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

/// Tit For Tat, declared truthfully.
pub struct HonestMirror;

impl Strategy for HonestMirror {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(HonestMirror)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_opponent().unwrap_or(Move::C)
    }
}

/// Declared deterministic, but forgives a defection at random.
pub struct SecretlyRandom;

impl Strategy for SecretlyRandom {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(SecretlyRandom)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        match history.last_opponent() {
            Some(Move::D) if rng.chance(0.7) => Move::D,
            _ => Move::C,
        }
    }
}

/// Declared to remember one turn, but holds a grudge forever.
pub struct ShortMemoryClaim {
    grudge: bool,
}

impl Strategy for ShortMemoryClaim {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(ShortMemoryClaim { grudge: false })
    }
    fn reset(&mut self, _ctx: &MatchContext) {
        self.grudge = false;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.grudge |= history.last_opponent() == Some(Move::D);
        Move::defect_if(self.grudge)
    }
}

/// Declared not to use the match length, but defects on the last two turns when it is known.
pub struct LastTurnsDefector {
    length: Option<u64>,
}

impl Strategy for LastTurnsDefector {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(LastTurnsDefector { length: None })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.length = ctx.length;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        let turn = history.len() as u64;
        if self.length.is_some_and(|n| turn + 2 >= n) {
            return Move::D;
        }
        history.last_opponent().unwrap_or(Move::C)
    }
}

/// Declared not to use the game, but exploits a cooperator when the temptation is large.
pub struct GameReader {
    greedy: bool,
}

impl Strategy for GameReader {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(GameReader { greedy: false })
    }
    fn reset(&mut self, ctx: &MatchContext) {
        self.greedy = ctx.game.t > 5.0;
    }
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        if self.greedy && history.last_opponent() == Some(Move::C) && history.len() % 3 == 2 {
            return Move::D;
        }
        history.last_opponent().unwrap_or(Move::C)
    }
}

/// A grudger whose `reset` forgets the grudge of the last match.
pub struct ForgetsToReset {
    grudge: bool,
}

impl Strategy for ForgetsToReset {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(ForgetsToReset { grudge: false })
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.grudge |= history.last_opponent() == Some(Move::D);
        Move::defect_if(self.grudge)
    }
}

/// Panics when asked for its classifiers (ABI v1 swallowed that).
pub struct PanicsInClassifiers;

impl Strategy for PanicsInClassifiers {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(PanicsInClassifiers)
    }
    fn classifiers(&self) -> Option<Classifiers> {
        panic!("deliberate failure in classifiers");
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, _history: &History<'_>, _rng: &mut Rng) -> Move {
        Move::C
    }
}

export_plugin! {
    plugin: "liar-plugin",
    version: "0.1.0",
    strategies: [
        HonestMirror {
            name: "Honest Mirror",
            description: "Test fixture: Tit For Tat, declared truthfully.",
            params: "()",
            memory_depth: Some(1),
            stochastic: false,
            makes_use_of: [],
        },
        SecretlyRandom {
            name: "Secretly Random",
            description: "Test fixture: declared deterministic, draws random numbers.",
            params: "()",
            memory_depth: Some(1),
            stochastic: false,
            makes_use_of: [],
        },
        ShortMemoryClaim {
            name: "Short Memory Claim",
            description: "Test fixture: declares memory depth 1, holds a grudge forever.",
            params: "()",
            memory_depth: Some(1),
            stochastic: false,
            makes_use_of: [],
        },
        LastTurnsDefector {
            name: "Last Turns Defector",
            description: "Test fixture: declares it ignores the length, defects at the end.",
            params: "()",
            memory_depth: None,
            stochastic: false,
            makes_use_of: [],
        },
        GameReader {
            name: "Game Reader",
            description: "Test fixture: declares it ignores the game, exploits large temptations.",
            params: "()",
            memory_depth: None,
            stochastic: false,
            makes_use_of: [],
        },
        ForgetsToReset {
            name: "Forgets To Reset",
            description: "Test fixture: a grudger whose reset keeps the grudge of the last match.",
            params: "()",
            memory_depth: None,
            stochastic: false,
            makes_use_of: [],
        },
        PanicsInClassifiers {
            name: "Panics In Classifiers",
            description: "Test fixture: panics when asked for its classifiers.",
            params: "()",
            memory_depth: Some(0),
            stochastic: false,
            makes_use_of: [],
        },
    ],
}
