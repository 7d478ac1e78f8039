//! An example third-party strategy plugin: what a tournament submission looks like.
//!
//! It depends only on `vertrouwen-plugins-api`, implements the safe `Strategy` trait and
//! exports its strategies with one macro. Build it with `cargo build --release -p
//! example-plugin` and pass the resulting shared library to the engine:
//!
//! ```text
//! vertrouwen match "Slow Betrayer" "Tit For Tat" --plugin target/release/libexample_plugin.so
//! ```

use vertrouwen_plugins_api::{export_plugin, History, MatchContext, Move, Rng, Strategy};

/// Reads `(name: N)` style parameter text for a single non-negative integer parameter. A real
/// plugin may use serde and ron; this one shows that the ABI only needs a string.
fn single_integer(params: &str, name: &str, default: u64) -> Result<u64, String> {
    let inner = params
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    if inner.is_empty() {
        return Ok(default);
    }
    let (key, value) = inner
        .split_once(':')
        .ok_or_else(|| format!("expected ({name}: <whole number>), got {params:?}"))?;
    if key.trim() != name {
        return Err(format!(
            "unknown parameter {:?}; expected ({name}: <whole number>)",
            key.trim()
        ));
    }
    value.trim().trim_end_matches(',').parse().map_err(|_| {
        format!(
            "parameter `{name}` must be a whole number, got {:?}",
            value.trim()
        )
    })
}

/// Earns trust, then exploits it: cooperates until the opponent has cooperated on
/// `patience` consecutive turns, then defects for the rest of the match.
pub struct SlowBetrayer {
    patience: u64,
    streak: u64,
    betraying: bool,
}

impl Strategy for SlowBetrayer {
    fn create(params: &str) -> Result<Self, String> {
        Ok(SlowBetrayer {
            patience: single_integer(params, "patience", 10)?,
            streak: 0,
            betraying: false,
        })
    }

    fn reset(&mut self, _ctx: &MatchContext) {
        self.streak = 0;
        self.betraying = false;
    }

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match history.last_opponent() {
            Some(Move::C) => self.streak += 1,
            Some(Move::D) => self.streak = 0,
            None => {}
        }
        if self.streak >= self.patience {
            self.betraying = true;
        }
        Move::defect_if(self.betraying)
    }
}

/// Tit For Tat that lets every `forgive_every`-th defection of the opponent pass unanswered.
pub struct GenerousMirror {
    forgive_every: u64,
}

impl Strategy for GenerousMirror {
    fn create(params: &str) -> Result<Self, String> {
        let forgive_every = single_integer(params, "forgive_every", 3)?;
        if forgive_every == 0 {
            return Err("parameter `forgive_every` must be at least 1".into());
        }
        Ok(GenerousMirror { forgive_every })
    }

    fn reset(&mut self, _ctx: &MatchContext) {}

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match history.last_opponent() {
            Some(Move::D) => Move::defect_if(
                !(history.opponent_defections() as u64).is_multiple_of(self.forgive_every),
            ),
            _ => Move::C,
        }
    }
}

export_plugin! {
    plugin: "example-plugin",
    version: env!("CARGO_PKG_VERSION"),
    strategies: [
        SlowBetrayer {
            name: "Slow Betrayer",
            description: "Cooperates until the opponent has cooperated on `patience` (default 10) consecutive turns, then defects for the rest of the match: trust earned, then exploited.",
            params: "(patience: 10)",
            memory_depth: None,
            stochastic: false,
            makes_use_of: [],
        },
        GenerousMirror {
            name: "Generous Mirror",
            description: "Copies the opponent's last move, except that every `forgive_every`-th defection (default 3rd) is answered with cooperation.",
            params: "(forgive_every: 3)",
            memory_depth: None,
            stochastic: false,
            makes_use_of: [],
        },
    ],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked() {
        assert_eq!(single_integer("()", "patience", 10), Ok(10));
        assert_eq!(single_integer("(patience: 4)", "patience", 10), Ok(4));
        assert!(single_integer("(patience: x)", "patience", 10)
            .unwrap_err()
            .contains("whole number"));
        assert!(single_integer("(speed: 1)", "patience", 10)
            .unwrap_err()
            .contains("unknown parameter"));
        assert!(GenerousMirror::create("(forgive_every: 0)").is_err());
    }

    #[test]
    fn slow_betrayer_turns_after_patience() {
        let mut s = SlowBetrayer::create("(patience: 2)").unwrap();
        s.reset(&MatchContext::standard(None));
        let mut rng = Rng::seed_from_u64(0);
        let mut own = Vec::new();
        let opp = [Move::C; 5];
        for t in 0..5 {
            let m = s.decide(&History::new(&own, &opp[..t]), &mut rng);
            own.push(m);
        }
        assert_eq!(own, [Move::C, Move::C, Move::D, Move::D, Move::D]);
    }
}
