//! The conformance checks a tournament organiser runs on a submitted plugin (`vertrouwen
//! check-plugin`): does it load, and does every strategy do what it declares?
//!
//! Per strategy, in order (a strategy that cannot be created or faults in a match is not
//! checked further):
//! 1. `metadata`: a printable, unique name that no built-in and no built-in's alias has (the
//!    loader and the registry refuse the plugin otherwise), and a description.
//! 2. `default-parameters`: an instance is created from its default parameters.
//! 3. `plays-builtins`: full matches against every built-in strategy, without a fault.
//! 4. `reset`: a reused instance plays exactly like fresh ones. The strategy plays a
//!    tournament against every built-in (one instance, reset between matches, on one thread)
//!    and each match's tally must equal the fresh match of check 3, which had the same seed
//!    (tournament seeds are `derive_seed(seed, pair index)`, see [`crate::tournament`]).
//! 5. `deterministic`: a strategy declared deterministic plays the same moves whatever the
//!    seed, against deterministic opponents; one whose moves change must declare
//!    `stochastic: true`.
//! 6. `memory-depth`: a replay test for deterministic strategies of bounded declared depth `k`:
//!    on the same turn, two histories that agree on their last `k` turns must get the same
//!    decision ([`replay`]). Noisy matches supply histories in which the strategy's own past
//!    moves were forced; the noise's flips are read off a match of two Cooperators with the same
//!    seed (noise does not depend on the moves), so the decisions are known exactly.
//! 7. `uses-length`, `uses-game`: a strategy that does not declare it reads the match length
//!    (or the payoffs) plays the same moves when only that changes: fixed lengths of 200 and 120
//!    turns and an unannounced length, on their common turns; other games.
//! 8. `speed`: decisions per second in one long match (information, not a check).
//!
//! Everything is seeded: the same plugin gives the same report, apart from the speed.
//! Matches go through [`play_recorded`] and [`tournament::run`], so they run in the plugin's
//! worker process when the registry isolates plugins.

mod replay;
mod report;

use report::Checklist;
pub use report::{Check, PluginInfo, Report, Status};

use std::path::Path;
use std::time::Instant;

use vertrouwen_plugins_api::derive_seed;

use crate::game::Game;
use crate::loader::StrategyEntry;
use crate::matchup::{play_recorded, state_index, MatchError, MatchRecord, MatchSpec};
use crate::registry::{Registry, StrategySource};
use crate::tournament::{self, PlayerSpec, RunOptions, TournamentSpec};
use crate::Move;

/// The master seed of every match the checks play.
const SEED: u64 = 0x00C0_FFEE_C4EC_4B1E;
/// Turns of the matches against the built-ins.
const TURNS: u64 = 200;
/// Opponents of the panels of checks 5 to 7, spread over the built-in library.
const PANEL: usize = 30;
/// Noise of the memory-depth replay's noisy matches.
const REPLAY_NOISE: f64 = 0.1;
/// Games other than the standard one, for `uses-game`: larger temptation and sucker's payoff,
/// and a smaller gap between reward and punishment.
const OTHER_GAMES: [Game; 2] = [
    Game {
        r: 4.0,
        s: -1.0,
        t: 6.0,
        p: 0.0,
    },
    Game {
        r: 3.0,
        s: 0.0,
        t: 4.0,
        p: 2.0,
    },
];

/// Loads the plugin at `path` into `registry` (which holds the built-in library and its aliases,
/// and isolates plugins if it should) and checks every strategy it exports.
pub fn check_plugin(path: &Path, mut registry: Registry) -> Report {
    let isolated = registry.isolation().is_some();
    let mut report = Report {
        file: path.display().to_string(),
        isolated,
        plugin: None,
        passed: false,
        checks: Vec::new(),
    };
    let plugin_check = |status, detail: String| Check {
        strategy: None,
        id: "loads",
        status,
        detail,
    };
    if let Err(e) = registry.load_plugin(path) {
        report
            .checks
            .push(plugin_check(Status::Fail, e.to_string()));
        return report;
    }
    let builtins: Vec<&StrategyEntry> = registry
        .entries()
        .iter()
        .filter(|e| e.source == StrategySource::Builtin)
        .collect();
    let strategies: Vec<&StrategyEntry> = registry
        .entries()
        .iter()
        .filter(|e| matches!(&e.source, StrategySource::Plugin(p) if p == path))
        .collect();
    let (name, version) = registry.plugins().last().cloned().unwrap_or_default();
    report.checks.push(plugin_check(
        if strategies.is_empty() {
            Status::Fail
        } else {
            Status::Pass
        },
        format!(
            "plugin {name:?} version {version:?} exports {} strateg{}{}",
            strategies.len(),
            if strategies.len() == 1 { "y" } else { "ies" },
            if isolated {
                ", run isolated in worker processes"
            } else {
                ", run in this process"
            }
        ),
    ));
    report.plugin = Some(PluginInfo {
        name,
        version,
        strategies: strategies.len(),
    });
    for s in strategies {
        report.checks.extend(check_strategy(s, &builtins));
    }
    report.passed = report.failures() == 0;
    report
}

/// Evenly spread members of `list`, at most `n`.
fn spread<'a>(list: &[&'a StrategyEntry], n: usize) -> Vec<&'a StrategyEntry> {
    if list.len() <= n {
        return list.to_vec();
    }
    (0..n).map(|k| list[k * list.len() / n]).collect()
}

fn moves(text: &str) -> Vec<Move> {
    text.chars().map(|c| Move::defect_if(c == 'D')).collect()
}

/// A match against one opponent, described for messages.
fn versus(opponent: &StrategyEntry, seed: u64) -> String {
    format!("against {:?} (seed {seed})", opponent.name)
}

fn check_strategy(s: &StrategyEntry, builtins: &[&StrategyEntry]) -> Vec<Check> {
    let mut list = Checklist {
        strategy: &s.name,
        checks: Vec::new(),
    };
    let later = &[
        "reset",
        "deterministic",
        "memory-depth",
        "uses-length",
        "uses-game",
        "speed",
    ];

    // 1. Metadata (the loader and the registry have refused anything worse).
    if s.description.trim().is_empty() {
        list.push(
            "metadata",
            Status::Fail,
            "no description: say in one sentence what the strategy does",
        );
    } else {
        list.push(
            "metadata",
            Status::Pass,
            format!(
                "printable name unique among the {} built-ins and their aliases, description, default parameters {:?}",
                builtins.len(),
                s.default_params
            ),
        );
    }

    // 2. Default parameters.
    let Some(cooperator) = builtins.iter().find(|b| b.name == "Cooperator").copied() else {
        list.push(
            "default-parameters",
            Status::Skip,
            "no built-in Cooperator to play against",
        );
        return list.checks;
    };
    // Creating an instance, resetting it and one move: what fails here fails everywhere.
    match play_recorded([(s, None), (cooperator, None)], &MatchSpec::fixed(1), SEED) {
        Err(e) => {
            let e = match e {
                MatchError::Strategy(e) => e.message,
                other => other.to_string(),
            };
            list.push(
                "default-parameters",
                Status::Fail,
                format!(
                    "fails with its default parameters {:?}: {e}",
                    s.default_params
                ),
            );
            list.push("plays-builtins", Status::Skip, "not run: it cannot play");
            list.skip_rest(later, "not run: it cannot play");
            return list.checks;
        }
        Ok(_) => list.push(
            "default-parameters",
            Status::Pass,
            format!(
                "created from {:?}, reset and played a first move",
                s.default_params
            ),
        ),
    }

    // 3. Full matches against every built-in, with the seeds of check 4's tournament.
    let spec = MatchSpec::fixed(TURNS);
    let mut fresh: Vec<MatchRecord> = Vec::with_capacity(builtins.len());
    for (k, b) in builtins.iter().enumerate() {
        let seed = derive_seed(SEED, k as u64 + 1);
        match play_recorded([(s, None), (b, None)], &spec, seed) {
            Ok(r) => fresh.push(r),
            Err(e) => {
                // One fault is enough (an isolated one costs a worker process).
                list.push(
                    "plays-builtins",
                    Status::Fail,
                    format!(
                        "fails in its match {} (built-in {} of {}; the rest not played): {e}",
                        versus(b, seed),
                        k + 1,
                        builtins.len()
                    ),
                );
                list.skip_rest(later, "not run: it failed in a match");
                return list.checks;
            }
        }
    }
    list.push(
        "plays-builtins",
        Status::Pass,
        format!(
            "{TURNS}-turn matches against all {} built-in strategies without a fault",
            builtins.len()
        ),
    );

    // 4. Reset completeness.
    let (status, detail) = reset(s, builtins, &fresh);
    list.push("reset", status, detail);

    // 5. Determinism.
    let deterministic_opponents: Vec<(usize, &StrategyEntry)> = builtins
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.classifiers.is_stochastic())
        .map(|(k, b)| (k, *b))
        .collect();
    let declared_deterministic = !s.classifiers.is_stochastic();
    let mut deterministic = false;
    if declared_deterministic {
        let (status, detail) = determinism(s, &deterministic_opponents, &fresh);
        deterministic = status == Status::Pass;
        list.push("deterministic", status, detail);
    } else {
        list.push(
            "deterministic",
            Status::Skip,
            "declared stochastic: its moves may depend on the seed",
        );
    }

    // 6. Memory depth.
    let (status, detail) = match (
        declared_deterministic,
        deterministic,
        s.classifiers.memory(),
    ) {
        (false, _, _) => (
            Status::Skip,
            "declared stochastic: the replay test needs a deterministic strategy".to_string(),
        ),
        (true, false, _) => (Status::Skip, "not run: it is not deterministic".to_string()),
        (true, true, None) => (
            Status::Pass,
            "declared unbounded: nothing to check".to_string(),
        ),
        (true, true, Some(k)) => replay::memory_depth(s, k as usize, builtins, cooperator, &fresh),
    };
    list.push("memory-depth", status, detail);

    // 7. Declared use of the length and the game.
    let neutral: Vec<(usize, &StrategyEntry)> = builtins
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.classifiers.uses_length() && !b.classifiers.uses_game())
        .map(|(k, b)| (k, *b))
        .collect();
    let neutral = spread_indexed(&neutral, PANEL);
    let (status, detail) = if s.classifiers.uses_length() {
        (Status::Pass, "declares it reads the match length".into())
    } else {
        unused_setting(s, &neutral, &fresh, Setting::Length)
    };
    list.push("uses-length", status, detail);
    let (status, detail) = if s.classifiers.uses_game() {
        (Status::Pass, "declares it reads the payoffs".into())
    } else {
        unused_setting(s, &neutral, &fresh, Setting::Game)
    };
    list.push("uses-game", status, detail);

    // 8. Speed.
    let (status, detail) = speed(s, cooperator);
    list.push("speed", status, detail);
    list.checks
}

fn spread_indexed<'a>(
    list: &[(usize, &'a StrategyEntry)],
    n: usize,
) -> Vec<(usize, &'a StrategyEntry)> {
    if list.len() <= n {
        return list.to_vec();
    }
    (0..n).map(|k| list[k * list.len() / n]).collect()
}

/// Check 4: one tournament of the strategy against every built-in, on one thread (so one
/// instance plays every match, reset in between), compared match by match with the fresh
/// matches of check 3.
fn reset(
    s: &StrategyEntry,
    builtins: &[&StrategyEntry],
    fresh: &[MatchRecord],
) -> (Status, String) {
    let mut players = vec![PlayerSpec::new(s)];
    players.extend(builtins.iter().map(|b| PlayerSpec::new(b)));
    let spec = TournamentSpec {
        players,
        matches: MatchSpec::fixed(TURNS),
        repetitions: 1,
        seed: SEED,
    };
    let outcome = match tournament::run(&spec, RunOptions { threads: Some(1) }) {
        Ok(o) => o,
        Err(e) => {
            return (
                Status::Fail,
                format!("a reused instance failed where fresh ones did not: {e}"),
            )
        }
    };
    if let Some(d) = outcome.disqualified.first() {
        return (
            Status::Fail,
            format!("a reused instance failed where fresh ones did not: {d}"),
        );
    }
    let tallies = &outcome.results.state_distribution[0];
    for (k, (record, b)) in fresh.iter().zip(builtins).enumerate() {
        let mut states = [0u64; 4];
        for (a, o) in moves(&record.moves1).into_iter().zip(moves(&record.moves2)) {
            states[state_index(a, o)] += 1;
        }
        if tallies[k + 1] != states {
            return (
                Status::Fail,
                format!(
                    "a reused instance plays differently from a fresh one {}: turns in CC, CD, DC, DD {:?} instead of {:?}; `reset` must clear everything a match leaves behind",
                    versus(b, derive_seed(SEED, k as u64 + 1)),
                    tallies[k + 1],
                    states
                ),
            );
        }
    }
    (
        Status::Pass,
        format!(
            "one instance, reset between {} matches, played each exactly like a fresh instance",
            builtins.len() + 1
        ),
    )
}

/// Check 5: the moves against deterministic opponents do not change with the seed.
fn determinism(
    s: &StrategyEntry,
    opponents: &[(usize, &StrategyEntry)],
    fresh: &[MatchRecord],
) -> (Status, String) {
    let panel = spread_indexed(opponents, PANEL);
    let spec = MatchSpec::fixed(TURNS);
    for &(k, b) in &panel {
        for other in [1u64, 2] {
            let seed = derive_seed(SEED ^ 0xD1CE, other * 1000 + k as u64);
            let record = match play_recorded([(s, None), (b, None)], &spec, seed) {
                Ok(r) => r,
                Err(e) => return (Status::Fail, format!("{}: {e}", versus(b, seed))),
            };
            if record.moves1 != fresh[k].moves1 {
                let at = first_difference(&record.moves1, &fresh[k].moves1);
                return (
                    Status::Fail,
                    format!(
                        "declared deterministic, but its moves {} change with the seed (from turn {}: seed {} gives {}, seed {seed} gives {}); declare `stochastic: true`, or draw nothing from the Rng",
                        format_args!("against {:?}", b.name),
                        at + 1,
                        derive_seed(SEED, k as u64 + 1),
                        excerpt(&fresh[k].moves1, at),
                        excerpt(&record.moves1, at),
                    ),
                );
            }
        }
    }
    (
        Status::Pass,
        format!(
            "the same moves for 3 seeds against {} deterministic opponents",
            panel.len()
        ),
    )
}

fn first_difference(a: &str, b: &str) -> usize {
    a.bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// Up to 12 moves from turn index `at`.
fn excerpt(moves: &str, at: usize) -> String {
    let end = (at + 12).min(moves.len());
    let tail = if end < moves.len() { "..." } else { "" };
    format!("{}{tail}", &moves[at.min(end)..end])
}

#[derive(Clone, Copy, PartialEq)]
enum Setting {
    Length,
    Game,
}

/// Check 7: what changes when only the length (or only the game) changes.
fn unused_setting(
    s: &StrategyEntry,
    panel: &[(usize, &StrategyEntry)],
    fresh: &[MatchRecord],
    setting: Setting,
) -> (Status, String) {
    let variants: Vec<(String, MatchSpec)> = match setting {
        Setting::Length => vec![
            ("a fixed length of 120 turns".into(), MatchSpec::fixed(120)),
            (
                format!("a length of {TURNS} turns not announced"),
                MatchSpec::new(Some(TURNS), Some(1e-9), 0.0, Game::STANDARD)
                    .expect("valid settings"),
            ),
        ],
        Setting::Game => OTHER_GAMES
            .iter()
            .map(|g| {
                (
                    format!("the game R={} S={} T={} P={}", g.r, g.s, g.t, g.p),
                    MatchSpec {
                        game: *g,
                        ..MatchSpec::fixed(TURNS)
                    },
                )
            })
            .collect(),
    };
    for &(k, b) in panel {
        let seed = derive_seed(SEED, k as u64 + 1);
        for (what, spec) in &variants {
            let record = match play_recorded([(s, None), (b, None)], spec, seed) {
                Ok(r) => r,
                Err(e) => return (Status::Fail, format!("{}: {e}", versus(b, seed))),
            };
            let n = record.moves1.len().min(fresh[k].moves1.len());
            if record.moves1[..n] != fresh[k].moves1[..n] {
                let at = first_difference(&record.moves1, &fresh[k].moves1);
                let (flag, declared) = match setting {
                    Setting::Length => ("length", "the match length"),
                    Setting::Game => ("game", "the payoffs"),
                };
                return (
                    Status::Fail,
                    format!(
                        "its moves {} change with {what} (from turn {}: {} instead of {}), but it does not declare that it reads {declared}; add `{flag}` to `makes_use_of`",
                        versus(b, seed),
                        at + 1,
                        excerpt(&record.moves1, at),
                        excerpt(&fresh[k].moves1, at),
                    ),
                );
            }
        }
    }
    let what = match setting {
        Setting::Length => "the match length (fixed 200 or 120 turns, or not announced)",
        Setting::Game => "the game (two other payoff matrices)",
    };
    (
        Status::Pass,
        format!(
            "does not read {what}, as declared: the same moves against {} opponents",
            panel.len()
        ),
    )
}

/// Check 8: decisions per second in one long match against Cooperator (a longer one when the
/// first is quick), including the engine's share of the work.
fn speed(s: &StrategyEntry, cooperator: &StrategyEntry) -> (Status, String) {
    let mut turns = 2_000u64;
    loop {
        let started = Instant::now();
        if let Err(e) = play_recorded(
            [(s, None), (cooperator, None)],
            &MatchSpec::fixed(turns),
            SEED,
        ) {
            return (
                Status::Fail,
                format!("a {turns}-turn match against \"Cooperator\": {e}"),
            );
        }
        let seconds = started.elapsed().as_secs_f64();
        if seconds < 0.05 && turns < 200_000 {
            turns = 200_000;
            continue;
        }
        let rate = turns as f64 / seconds.max(1e-9);
        return (
            Status::Info,
            format!(
                "{} decisions per second (one {turns}-turn match against \"Cooperator\", the engine's work included)",
                significant(rate)
            ),
        );
    }
}

/// A rate with three significant figures, in thousands or millions.
fn significant(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.3} million", rate / 1e6)
    } else if rate >= 1e3 {
        format!("{:.3} thousand", rate / 1e3)
    } else {
        format!("{rate:.1}")
    }
}
