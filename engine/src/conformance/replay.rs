//! The memory-depth replay test (check 6 of [`super`]).
//!
//! A deterministic strategy of declared memory depth `k` decides from the last `k` turns only
//! (and the turn number: every comparison is between decisions of the same turn of equally long,
//! identically announced matches). So among all the decisions it made in many matches, two made
//! on the same turn after the same last `k` turns (its own moves and the opponent's, as it saw
//! them) must be equal. Noise-free matches give histories its own rule produced; noisy ones give
//! histories whose own moves were forced by noise, which catches state that only shows when a
//! move is not the one the strategy chose (a grudge held after a flipped move, for example).

use std::collections::HashMap;

use vertrouwen_plugins_api::derive_seed;

use super::{spread, versus, Status, PANEL, REPLAY_NOISE, SEED, TURNS};
use crate::game::Game;
use crate::loader::StrategyEntry;
use crate::matchup::{play_recorded, MatchRecord, MatchSpec};

/// One match from the strategy's side: the moves it saw and the decisions it made.
struct Played {
    /// Where it comes from, for messages.
    source: String,
    own: Vec<u8>,
    opponent: Vec<u8>,
    decisions: Vec<u8>,
    noisy: bool,
}

/// Decisions are compared within (noisy or not, turn, last own moves, last opponent moves).
type Key<'a> = (bool, usize, &'a [u8], &'a [u8]);

/// One decision and the history it was made after.
struct Sample<'a> {
    /// The match it comes from, for messages.
    source: &'a str,
    own: &'a [u8],
    opponent: &'a [u8],
    decision: u8,
}

/// Runs the replay test of a strategy of declared depth `k`; `fresh` are its noise-free
/// matches against `builtins` (in order).
pub(super) fn memory_depth(
    s: &StrategyEntry,
    k: usize,
    builtins: &[&StrategyEntry],
    cooperator: &StrategyEntry,
    fresh: &[MatchRecord],
) -> (Status, String) {
    if k as u64 >= TURNS {
        return (
            Status::Pass,
            format!(
                "declared depth {k} is at least the match length ({TURNS}): nothing to compare"
            ),
        );
    }
    // Noise-free: the decisions are the moves.
    let mut matches: Vec<Played> = fresh
        .iter()
        .zip(builtins)
        .enumerate()
        .map(|(j, (r, b))| Played {
            source: versus(b, derive_seed(SEED, j as u64 + 1)),
            own: r.moves1.as_bytes().to_vec(),
            opponent: r.moves2.as_bytes().to_vec(),
            decisions: r.moves1.as_bytes().to_vec(),
            noisy: false,
        })
        .collect();
    // Noisy: the decisions are the moves with the noise's flips undone.
    let spec =
        MatchSpec::new(Some(TURNS), None, REPLAY_NOISE, Game::STANDARD).expect("valid settings");
    for (n, b) in spread(builtins, PANEL).into_iter().enumerate() {
        for rep in 0..2u64 {
            let seed = derive_seed(SEED ^ 0x4015E, 2 * n as u64 + rep);
            let played = play_recorded([(s, None), (b, None)], &spec, seed);
            let flips = play_recorded([(cooperator, None), (cooperator, None)], &spec, seed);
            let (played, flips) = match (played, flips) {
                (Ok(p), Ok(f)) => (p, f),
                (Err(e), _) | (_, Err(e)) => {
                    return (
                        Status::Fail,
                        format!("{} with noise {REPLAY_NOISE}: {e}", versus(b, seed)),
                    )
                }
            };
            let own = played.moves1.as_bytes().to_vec();
            let decisions = own
                .iter()
                .zip(flips.moves1.as_bytes())
                .map(|(&m, &f)| if f == b'D' { flip(m) } else { m })
                .collect();
            matches.push(Played {
                source: format!("{} with noise {REPLAY_NOISE}", versus(b, seed)),
                own,
                opponent: played.moves2.as_bytes().to_vec(),
                decisions,
                noisy: true,
            });
        }
    }
    let mut seen: HashMap<Key<'_>, Sample<'_>> = HashMap::new();
    let mut compared = 0usize;
    for m in &matches {
        for (t, &decision) in m.decisions.iter().enumerate() {
            let from = t.saturating_sub(k);
            let sample = Sample {
                source: &m.source,
                own: &m.own[from..t],
                opponent: &m.opponent[from..t],
                decision,
            };
            let key = (m.noisy, t, sample.own, sample.opponent);
            match seen.get(&key) {
                None => {
                    seen.insert(key, sample);
                }
                Some(first) if first.decision == sample.decision => compared += 1,
                Some(first) => {
                    return (
                        Status::Fail,
                        format!(
                            "declared memory depth {k}, but on turn {} after the same {} (own {}, opponent {}) it played {} {} and {} {}; declare a larger memory depth, or `None` (unbounded)",
                            t + 1,
                            match t - from {
                                0 => "start".to_string(),
                                1 => "last turn".to_string(),
                                n => format!("last {n} turns"),
                            },
                            text(sample.own),
                            text(sample.opponent),
                            first.decision as char,
                            first.source,
                            sample.decision as char,
                            sample.source,
                        ),
                    );
                }
            }
        }
    }
    (
        Status::Pass,
        format!(
            "declared depth {k} holds: {compared} decisions made after a history already met (same turn, same last {k} turn{}) matched, in {} matches ({} with noise)",
            if k == 1 { "" } else { "s" },
            matches.len(),
            matches.iter().filter(|m| m.noisy).count()
        ),
    )
}

fn flip(m: u8) -> u8 {
    if m == b'D' {
        b'C'
    } else {
        b'D'
    }
}

fn text(moves: &[u8]) -> String {
    if moves.is_empty() {
        "-".into()
    } else {
        String::from_utf8_lossy(moves).into_owned()
    }
}
