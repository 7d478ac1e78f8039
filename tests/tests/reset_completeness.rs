//! A reused instance plays exactly like a fresh one (issue 9): the tournament worker keeps one
//! instance per strategy and thread and resets it between matches, in an order that depends on
//! scheduling, so anything `reset` forgets to clear would make results depend on the thread
//! count.
//!
//! For every built-in strategy, one instance is used for a whole sequence of matches. Each case
//! of the sequence is two matches through the engine (`MatchScratch::play`, which resets both
//! players first): a "dirtying" match against another opponent of the panel (long, noisy,
//! of random or odd length, or under another game, so that counters, flags, phases and cached
//! payoffs end anywhere), then the compared match against an opponent of the panel
//! (deterministic and stochastic strategies, and a copy of the strategy itself) of one of four
//! kinds: fixed length, random length by `prob_end` (not announced), noise, another game. The
//! reused instance's moves in the compared match must equal those of fresh instances playing
//! the same match with the same seed (`play_recorded`). Opponents are fresh in every match, so
//! a difference can only come from the instance under test.
//!
//! `an_incomplete_reset_is_caught` shows that the check fails for a strategy whose reset keeps
//! state (a fixture plugin). `instances_play_alike_on_any_thread_and_in_any_order` looks for
//! hidden shared or per-thread state.

use vertrouwen_engine::matchup::{play_recorded, MatchScratch, MatchSpec, PlayerLabel};
use vertrouwen_engine::{Game, Instance, Move, Registry, StrategyEntry};
use vertrouwen_plugins_api::derive_seed;
use vertrouwen_tests::{cdylib, loaded_registry, static_registry};

/// Opponents besides the strategy itself: deterministic ones that cooperate, defect, alternate
/// and retaliate, and stochastic ones.
const OPPONENTS: &[&str] = &[
    "Cooperator",
    "Defector",
    "Alternator",
    "Tit For Tat",
    "Random",
    "GTFT",
];

/// Kinds of compared match ([`compared`]) and of dirtying match ([`dirtying`]).
const KINDS: usize = 4;

/// Seeds per (opponent, kind of compared match).
const REPETITIONS: u64 = 3;

/// Another game than the standard one, so that strategies that read the payoffs (and cache
/// what they derive from them) meet a change between matches.
const OTHER_GAME: Game = Game {
    r: 4.0,
    s: -1.0,
    t: 6.0,
    p: 0.0,
};

/// Kind `k` of compared match.
fn compared(kind: usize) -> MatchSpec {
    let spec = match kind {
        0 => MatchSpec::new(Some(120), None, 0.0, Game::STANDARD),
        // Random length, not announced to the players; capped to keep the test fast.
        1 => MatchSpec::new(Some(200), Some(0.01), 0.0, Game::STANDARD),
        2 => MatchSpec::new(Some(120), None, 0.05, Game::STANDARD),
        3 => MatchSpec::new(Some(120), None, 0.0, OTHER_GAME),
        _ => unreachable!("{KINDS} kinds of match"),
    };
    spec.expect("valid spec")
}

/// Kind `k` of dirtying match, whose length may depend on `seed`: long enough to drive counters
/// and phases further than a compared match, or short and noisy to end in a transient state
/// (a pending retaliation, an apology, a half-finished probe).
fn dirtying(kind: usize, seed: u64) -> MatchSpec {
    let spec = match kind {
        0 => MatchSpec::new(Some(260), None, 0.0, Game::STANDARD),
        1 => MatchSpec::new(Some(300), Some(0.03), 0.1, Game::STANDARD),
        2 => MatchSpec::new(Some(20 + seed % 60), None, 0.2, Game::STANDARD),
        3 => MatchSpec::new(Some(150), None, 0.02, OTHER_GAME),
        _ => unreachable!("{KINDS} kinds of match"),
    };
    spec.expect("valid spec")
}

fn text(m: &[Move]) -> String {
    m.iter().map(|x| x.as_char()).collect()
}

/// What one match gave: both move strings, or the engine's error (a strategy may refuse a game,
/// e.g. a zero-determinant vector that is no probability vector under other payoffs).
type Played = Result<(String, String), String>;

/// Plays `subject` (a live, possibly used instance of `entries[0]`) as player 1 against a fresh
/// instance of `entries[1]`, labelled as `play_recorded` labels them so that errors compare
/// equal.
fn play_reused(
    scratch: &mut MatchScratch,
    subject: &mut Instance,
    entries: [&StrategyEntry; 2],
    spec: &MatchSpec,
    seed: u64,
) -> Played {
    let mut opponent = entries[1]
        .instantiate(None)
        .unwrap_or_else(|e| panic!("{e}"));
    let sources = entries.map(|e| e.source.to_string());
    let labels = [0, 1].map(|i| PlayerLabel {
        name: &entries[i].name,
        source: &sources[i],
    });
    scratch
        .play([subject, &mut opponent], labels, spec, seed)
        .map_err(|e| e.to_string())?;
    let (m1, m2) = scratch.moves();
    Ok((text(m1), text(m2)))
}

/// The same match played by fresh instances of both players.
fn play_fresh(entries: [&StrategyEntry; 2], spec: &MatchSpec, seed: u64) -> Played {
    play_recorded([(entries[0], None), (entries[1], None)], spec, seed)
        .map(|r| (r.moves1, r.moves2))
        .map_err(|e| e.to_string())
}

/// Where a reused and a fresh instance first part.
fn difference(again: &Played, fresh: &Played) -> String {
    match (again, fresh) {
        (Ok((a, _)), Ok((f, _))) => a
            .bytes()
            .zip(f.bytes())
            .position(|(x, y)| x != y)
            .map_or("in its opponent's moves".to_string(), |t| {
                format!("from turn {}", t + 1)
            }),
        _ => "in success or failure".to_string(),
    }
}

/// Checks one strategy against the whole panel with one reused instance; returns one line per
/// disagreement.
fn check(registry: &Registry, subject: &StrategyEntry, salt: u64) -> Vec<String> {
    let mut panel: Vec<&StrategyEntry> = OPPONENTS
        .iter()
        .map(|n| registry.resolve(n).unwrap())
        .collect();
    panel.push(subject);
    let mut scratch = MatchScratch::new();
    let mut reused = subject.instantiate(None).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let mut case = 0u64;
    for _ in 0..REPETITIONS {
        for &opponent in &panel {
            for kind in 0..KINDS {
                // The dirtying match's opponent and kind are drawn from its seed, so that every
                // compared match meets every kind of predecessor across the cases.
                let dirty_seed = derive_seed(salt, 2 * case);
                let seed = derive_seed(salt, 2 * case + 1);
                let dirty_opponent = panel[(dirty_seed % panel.len() as u64) as usize];
                let dirty_kind = ((dirty_seed >> 32) % KINDS as u64) as usize;
                case += 1;
                // Whether the dirtying match completes or fails (a refused game), the engine
                // resets the instance before the next one.
                let _ = play_reused(
                    &mut scratch,
                    &mut reused,
                    [subject, dirty_opponent],
                    &dirtying(dirty_kind, dirty_seed),
                    dirty_seed,
                );
                let spec = compared(kind);
                let again =
                    play_reused(&mut scratch, &mut reused, [subject, opponent], &spec, seed);
                let fresh = play_fresh([subject, opponent], &spec, seed);
                if again != fresh {
                    let show = |p: &Played| match p {
                        Ok((own, _)) => own.clone(),
                        Err(e) => format!("error: {e}"),
                    };
                    failures.push(format!(
                        "{}: after {} matches, the last against {} (dirtying kind {dirty_kind}, \
                         seed {dirty_seed}), plays against {} (kind {kind}, seed {seed}) \
                         differently from a fresh instance, {}:\n    reused {}\n    fresh  {}",
                        subject.name,
                        2 * case - 1,
                        dirty_opponent.name,
                        opponent.name,
                        difference(&again, &fresh),
                        show(&again),
                        show(&fresh)
                    ));
                }
            }
        }
    }
    failures
}

/// Every built-in, through the statically linked library.
#[test]
fn every_builtin_plays_after_reset_as_a_fresh_instance() {
    let registry = static_registry();
    let failures: Vec<String> = registry
        .entries()
        .iter()
        .enumerate()
        .flat_map(|(i, e)| check(&registry, e, 0x5e7 + i as u64))
        .collect();
    eprintln!(
        "reset completeness: {} built-ins x {} opponents x {KINDS} kinds x {REPETITIONS} seeds, {} disagreements",
        registry.entries().len(),
        OPPONENTS.len() + 1,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} reused instances play differently from fresh ones:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// No hidden per-thread or shared mutable state in the built-ins: every built-in plays the same
/// match alike on this thread (in registry order) and on another thread (in reverse order, so
/// that different instances, of other strategies and of its own, were created and played
/// before it, and the preset caches were filled by another thread).
#[test]
fn instances_play_alike_on_any_thread_and_in_any_order() {
    let registry = static_registry();
    let opponent = registry.resolve("Random").unwrap();
    let spec = compared(2);
    let play_all = |order: &mut dyn Iterator<Item = (usize, &StrategyEntry)>| {
        let mut out: Vec<(usize, Played)> = order
            .map(|(i, e)| (i, play_fresh([e, opponent], &spec, 0x7e5 + i as u64)))
            .collect();
        out.sort_by_key(|(i, _)| *i);
        out
    };
    let entries = registry.entries();
    let there = std::thread::scope(|scope| {
        scope
            .spawn(|| play_all(&mut entries.iter().enumerate().rev()))
            .join()
            .expect("the other thread finishes")
    });
    let here = play_all(&mut entries.iter().enumerate());
    assert_eq!(here.len(), entries.len());
    let differing: Vec<&str> = here
        .iter()
        .zip(&there)
        .filter(|(a, b)| a != b)
        .map(|((i, _), _)| entries[*i].name.as_str())
        .collect();
    assert!(
        differing.is_empty(),
        "play differently on another thread or after other instances: {differing:?}"
    );
}

/// The same check through the library loaded as a plugin, for strategies of the families
/// whose instances carry the most state (tables, teams, counters, learned values).
#[test]
fn loaded_plugin_instances_reset_completely() {
    let registry = loaded_registry();
    let names = [
        "Tit For Tat",
        "Gradual",
        "Evolved FSM 16",
        "EvolvedLookerUp2_2_2",
        "PSO Gambler 2_2_2",
        "Evolved ANN 5",
        "Evolved HMM 5",
        "Meta Hunter",
        "Risky QLearner",
        "Second by Harrington",
    ];
    let mut failures = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let e = registry.resolve(name).unwrap_or_else(|err| panic!("{err}"));
        failures.extend(check(&registry, e, 0x10ad + i as u64));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check catches an incomplete reset: a fixture plugin's grudger that keeps its grudge
/// from one match to the next.
#[test]
fn an_incomplete_reset_is_caught() {
    let mut registry = static_registry();
    registry
        .load_plugin(&cdylib("panicky-plugin"))
        .unwrap_or_else(|e| panic!("{e}"));
    let leaky = registry.resolve("Forgets To Reset").unwrap();
    let failures = check(&registry, leaky, 1);
    assert!(!failures.is_empty());
    assert!(failures[0].contains("Forgets To Reset"), "{}", failures[0]);
    // And a strategy that resets completely passes against the same panel.
    let grudger = registry.resolve("Grudger").unwrap();
    assert!(check(&registry, grudger, 1).is_empty());
}
