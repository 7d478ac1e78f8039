//! The classifiers every built-in strategy declares are true of its behaviour, and equal
//! Axelrod-Python 4.14.0's where we share the strategy.
//!
//! - Memory depth is an upper bound: after two histories of the same length that agree on the
//!   last `k` turns but differ before them, a strategy of declared depth `k` makes the same
//!   decision (depth 0: it ignores the history entirely).
//! - A strategy declared deterministic plays the same moves whatever the match seed.
//! - Stochastic flag, memory depth and `makes_use_of` equal `strategy_catalog.json`.

use serde_json::Value;
use vertrouwen_engine::matchup::{play_recorded, MatchSpec};
use vertrouwen_engine::{Move, StrategyEntry};
use vertrouwen_plugins_api::{MatchContext, Payoffs, Rng};
use vertrouwen_tests::{fixture, static_registry};

/// The classifiers of a default instance (parameters can change them, e.g. `Random`).
fn instance_classifiers(e: &StrategyEntry) -> vertrouwen_plugins_api::Classifiers {
    e.instantiate(None)
        .unwrap_or_else(|err| panic!("{}: default parameters fail: {err}", e.name))
        .classifiers()
}

// ---------------------------------------------------------------------------------------------
// a. Declared memory depth is an upper bound
// ---------------------------------------------------------------------------------------------

/// How one turn of a history is made.
#[derive(Clone, Copy, Debug)]
enum Own {
    /// The strategy's own move is forced (as noise can make any move).
    Forced(Move),
    /// The strategy's own move is what it decided, flipped if `flip` (noise).
    Played { flip: bool },
}

/// Feeds a history to a fresh instance turn by turn, exactly as the engine would (both move
/// slices and their defection counts), and returns the decision after the whole history with
/// the history actually fed (its own moves resolved).
///
/// The decision of turn `t` draws from stream `t` of `prefix_seed`, the final decision from a
/// copy of `final_rng`: two runs get the same random bits on the same turn whatever their
/// histories made them draw before.
fn decide_after(
    entry: &StrategyEntry,
    ctx: &MatchContext,
    own_plan: &[Own],
    opponent: &[Move],
    prefix_seed: u64,
    final_rng: Rng,
) -> (Move, Vec<Move>) {
    assert_eq!(own_plan.len(), opponent.len());
    let mut inst = entry.instantiate(None).unwrap();
    inst.reset(ctx)
        .unwrap_or_else(|m| panic!("{}: reset failed: {m}", entry.name));
    let mut own: Vec<Move> = Vec::with_capacity(own_plan.len());
    // The byte buffers the engine lends a strategy: its own moves so far, the opponent's.
    let mut own_bytes: Vec<u8> = Vec::with_capacity(own_plan.len());
    let mut opponent_bytes: Vec<u8> = opponent.iter().map(|&m| m as u8).collect();
    let (mut d_own, mut d_opp) = (0usize, 0usize);
    for (t, plan) in own_plan.iter().enumerate() {
        // A fresh stream per turn, the same for every history fed with this `prefix_seed`.
        let mut rng = Rng::for_stream(prefix_seed, t as u64);
        let decided = inst
            .decide(
                &mut own_bytes,
                &mut opponent_bytes,
                t,
                d_own,
                d_opp,
                &mut rng,
            )
            .unwrap_or_else(|f| {
                panic!(
                    "{}: failed at turn {}: {}",
                    entry.name,
                    t + 1,
                    inst.fault(f)
                )
            });
        let m = match *plan {
            Own::Forced(m) => m,
            Own::Played { flip } => {
                if flip {
                    decided.flip()
                } else {
                    decided
                }
            }
        };
        own.push(m);
        own_bytes.push(m as u8);
        d_own += m as usize;
        d_opp += opponent[t] as usize;
    }
    let mut rng = final_rng;
    let last = inst
        .decide(
            &mut own_bytes,
            &mut opponent_bytes,
            own.len(),
            d_own,
            d_opp,
            &mut rng,
        )
        .unwrap_or_else(|f| {
            panic!(
                "{}: failed after {} turns: {}",
                entry.name,
                own.len(),
                inst.fault(f)
            )
        });
    (last, own)
}

fn random_moves(rng: &mut Rng, n: usize, p_defect: f64) -> Vec<Move> {
    (0..n)
        .map(|_| Move::defect_if(rng.chance(p_defect)))
        .collect()
}

fn text(m: &[Move]) -> String {
    m.iter().map(|x| x.as_char()).collect()
}

const BIASES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Checks one strategy of declared depth `k`; returns a counterexample if one is found.
fn memory_counterexample(
    entry: &StrategyEntry,
    k: usize,
    pairs: usize,
    seed: u64,
) -> Option<String> {
    let mut rng = Rng::for_stream(seed, 0);
    let mut noise = Rng::for_stream(seed, 7);
    for pair in 0..pairs {
        // Lengths from k + 1 up to k + 40 (more turns before the window for small k).
        let before = 1 + rng.below(if k < 10 { 40 } else { 25 }) as usize;
        let len = k + before;
        let ctx = MatchContext {
            // Mostly fixed and announced (sometimes ending right after this decision, to reach
            // endgame rules), sometimes of unknown length.
            length: match rng.below(4) {
                0 => None,
                1 => Some(len as u64 + 1),
                _ => Some(len as u64 + 1 + rng.below(30)),
            },
            noise: 0.0,
            game: Payoffs::STANDARD,
            seed: derive(seed, pair as u64),
        };
        // The shared last k turns.
        let (p_own, p_opp) = (BIASES[rng.below(5) as usize], BIASES[rng.below(5) as usize]);
        let suffix_own = random_moves(&mut rng, k, p_own);
        let suffix_opp = random_moves(&mut rng, k, p_opp);
        // Two different earlier parts. Own moves before the window are either forced at random
        // or played by the strategy with 10% noise (a realistic internal state).
        let mut build = |rng: &mut Rng| -> (Vec<Own>, Vec<Move>) {
            let p_opp = BIASES[rng.below(5) as usize];
            let opp = random_moves(rng, before, p_opp);
            let own: Vec<Own> = if rng.chance(0.5) {
                let p_own = BIASES[rng.below(5) as usize];
                random_moves(rng, before, p_own)
                    .into_iter()
                    .map(Own::Forced)
                    .collect()
            } else {
                (0..before)
                    .map(|_| Own::Played {
                        flip: noise.chance(0.1),
                    })
                    .collect()
            };
            let mut own_all = own;
            own_all.extend(suffix_own.iter().map(|&m| Own::Forced(m)));
            let mut opp_all = opp;
            opp_all.extend_from_slice(&suffix_opp);
            (own_all, opp_all)
        };
        let (own_a, opp_a) = build(&mut rng);
        let (own_b, opp_b) = build(&mut rng);
        let prefix_seed = derive(seed ^ 0x5eed, pair as u64);
        let final_rng = Rng::for_stream(prefix_seed, u64::MAX);
        let (ma, ha) = decide_after(entry, &ctx, &own_a, &opp_a, prefix_seed, final_rng);
        let (mb, hb) = decide_after(entry, &ctx, &own_b, &opp_b, prefix_seed, final_rng);
        if ha == hb && opp_a == opp_b {
            continue; // the two earlier parts happened to coincide
        }
        if ma != mb {
            return Some(format!(
                "{} (declared memory depth {k}), match length {:?}: after\n    own {} / opp {} it plays {}\n    own {} / opp {} it plays {}\n  (histories agree on the last {k} turns)",
                entry.name,
                ctx.length,
                text(&ha),
                text(&opp_a),
                ma.as_char(),
                text(&hb),
                text(&opp_b),
                mb.as_char()
            ));
        }
    }
    None
}

fn derive(seed: u64, stream: u64) -> u64 {
    vertrouwen_plugins_api::derive_seed(seed, stream)
}

/// Deterministic strategies whose declared memory depth does not bound their behaviour.
///
/// Not port bugs: each declares Axelrod-Python 4.14.0's memory depth (which the catalogue test
/// below requires), and each counterexample this test prints was replayed through axelrod
/// 4.14.0 itself (fresh player, `set_match_attributes(length)`, then `strategy()` and
/// `update_history()` turn by turn with the same forced moves): Axelrod-Python makes the same
/// two different decisions. The declared depths are wrong in the reference: these strategies
/// keep state that outlives the window (grudge/retaliation counters that run in phases, a
/// contrition flag, finite-state machines whose state is not a function of the last k turns).
/// Listed so that the rest of the family can pass; the test fails if one of them stops failing
/// (then remove it from the list).
const MEMORY_DEPTH_KNOWN_FAILURES: &[&str] = &[
    "Contrite Tit For Tat",
    "N Tit(s) For M Tat(s)",
    "Forgetful Grudger",
    "Soft Grudger",
    "Once Bitten",
    "Second by Colbert",
    "Fortress3",
    "Fortress4",
    "Ripoff",
    "SolutionB1",
];

/// Pairs of histories tried per strategy (fewer for deep memories, whose histories are long).
fn pairs_for(k: usize) -> usize {
    if k <= 20 {
        150
    } else {
        40
    }
}

#[test]
fn declared_memory_depth_bounds_deterministic_strategies() {
    let r = static_registry();
    let mut failures = Vec::new();
    let mut stale: Vec<String> = Vec::new();
    let mut failing: Vec<String> = Vec::new();
    let (mut checked, mut skipped_unbounded) = (0, 0);
    for (i, e) in r.entries().iter().enumerate() {
        let c = instance_classifiers(e);
        if c.is_stochastic() {
            continue;
        }
        let Some(k) = c.memory() else {
            skipped_unbounded += 1;
            continue;
        };
        checked += 1;
        let found = memory_counterexample(e, k as usize, pairs_for(k as usize), 1000 + i as u64);
        let known = MEMORY_DEPTH_KNOWN_FAILURES.contains(&e.name.as_str());
        match (found, known) {
            (Some(f), false) => failures.push(f),
            (Some(f), true) => {
                eprintln!("known failure (inherited from Axelrod-Python): {f}");
                failing.push(e.name.clone());
            }
            (None, true) => {}
            (None, false) => {}
        }
    }
    stale.extend(
        MEMORY_DEPTH_KNOWN_FAILURES
            .iter()
            .filter(|n| !failing.contains(&n.to_string()))
            .map(|n| n.to_string()),
    );
    eprintln!(
        "memory depth: {checked} deterministic strategies of finite depth checked ({skipped_unbounded} unbounded skipped), {} new counterexamples, {} known (inherited)",
        failures.len(),
        failing.len()
    );
    assert!(checked > 0);
    assert!(stale.is_empty(), "in MEMORY_DEPTH_KNOWN_FAILURES but no counterexample found (fixed, or no longer of finite depth? remove them): {stale:?}");
    assert!(
        failures.is_empty(),
        "{} strategies depend on more than their declared memory depth:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Stochastic strategies of finite depth: with the same random bits for the final decision,
/// history older than the declared depth must not matter either (any internal state other than
/// the last `k` turns would have to come from earlier random draws, which a memory-`k`
/// strategy in Axelrod-Python's sense does not keep).
///
/// Known failure, inherited from the reference: Evolved HMM 5 declares Axelrod-Python's depth 5,
/// but a hidden Markov model's hidden state depends on the whole history; axelrod 4.14.0 fed
/// this test's two histories (5 seeds each) also decides differently after them (always C
/// after one, always D after the other).
const STOCHASTIC_MEMORY_KNOWN_FAILURES: &[&str] = &["Evolved HMM 5"];

#[test]
fn declared_memory_depth_bounds_stochastic_strategies() {
    let r = static_registry();
    let mut failures = Vec::new();
    let mut stale: Vec<String> = Vec::new();
    let mut failing: Vec<String> = Vec::new();
    let mut checked = 0;
    for (i, e) in r.entries().iter().enumerate() {
        let c = instance_classifiers(e);
        let (true, Some(k)) = (c.is_stochastic(), c.memory()) else {
            continue;
        };
        checked += 1;
        let found = memory_counterexample(e, k as usize, pairs_for(k as usize), 5000 + i as u64);
        let known = STOCHASTIC_MEMORY_KNOWN_FAILURES.contains(&e.name.as_str());
        match (found, known) {
            (Some(f), false) => failures.push(f),
            (Some(f), true) => {
                eprintln!("known failure (inherited from Axelrod-Python): {f}");
                failing.push(e.name.clone());
            }
            (None, true) => {}
            (None, false) => {}
        }
    }
    stale.extend(
        STOCHASTIC_MEMORY_KNOWN_FAILURES
            .iter()
            .filter(|n| !failing.contains(&n.to_string()))
            .map(|n| n.to_string()),
    );
    eprintln!(
        "memory depth: {checked} stochastic strategies of finite depth checked, {} new counterexamples, {} known (inherited)",
        failures.len(),
        failing.len()
    );
    assert!(stale.is_empty(), "in STOCHASTIC_MEMORY_KNOWN_FAILURES but no counterexample found (fixed, or no longer of finite depth? remove them): {stale:?}");
    assert!(
        failures.is_empty(),
        "{} strategies depend on more than their declared memory depth:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Memory depth 0: the decision ignores the history entirely, its length included (with the
/// same random bits for stochastic strategies).
#[test]
fn memory_depth_zero_ignores_the_history() {
    let r = static_registry();
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    for (i, e) in r.entries().iter().enumerate() {
        if instance_classifiers(e).memory() != Some(0) {
            continue;
        }
        checked.push(e.name.clone());
        let mut rng = Rng::for_stream(77 + i as u64, 0);
        for trial in 0..100u64 {
            let final_rng = Rng::for_stream(9000 + i as u64, trial);
            let ctx = MatchContext::standard(Some(200));
            let (empty, _) = decide_after(e, &ctx, &[], &[], trial, final_rng);
            let len = rng.below(60) as usize;
            let (p_own, p_opp) = (BIASES[rng.below(5) as usize], BIASES[rng.below(5) as usize]);
            let own: Vec<Own> = random_moves(&mut rng, len, p_own)
                .into_iter()
                .map(Own::Forced)
                .collect();
            let opp = random_moves(&mut rng, len, p_opp);
            let ctx = MatchContext {
                length: if trial % 3 == 0 {
                    None
                } else {
                    Some(len as u64 + 1 + rng.below(50))
                },
                ..MatchContext::standard(None)
            };
            let (m, h) = decide_after(e, &ctx, &own, &opp, trial, final_rng);
            if m != empty {
                failures.push(format!(
                    "{}: plays {} on the first turn but {} after own {} / opp {}",
                    e.name,
                    empty.as_char(),
                    m.as_char(),
                    text(&h),
                    text(&opp)
                ));
                break;
            }
        }
    }
    eprintln!("memory depth 0: checked {checked:?}");
    assert!(checked.iter().any(|n| n == "Cooperator") && checked.iter().any(|n| n == "Defector"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check itself finds a strategy that looks further back than it says (Grudger has
/// unbounded memory: pretend it declared depth 1).
#[test]
fn the_memory_check_catches_a_deeper_memory() {
    let r = static_registry();
    let grudger = r.resolve("Grudger").unwrap();
    assert!(memory_counterexample(grudger, 1, 150, 1).is_some());
    let tft = r.resolve("Tit For Tat").unwrap();
    assert!(memory_counterexample(tft, 0, 150, 1).is_some());
    assert!(memory_counterexample(tft, 1, 150, 1).is_none());
}

// ---------------------------------------------------------------------------------------------
// b. Deterministic strategies ignore the seed
// ---------------------------------------------------------------------------------------------

const DETERMINISTIC_OPPONENTS: &[&str] = &[
    "Cooperator",
    "Defector",
    "Alternator",
    "Tit For Tat",
    "Grudger",
    "Cycler CCD",
    "Win-Stay Lose-Shift",
    "Suspicious Tit For Tat",
];

#[test]
fn deterministic_strategies_play_the_same_for_any_seed() {
    let r = static_registry();
    let spec = MatchSpec::fixed(200);
    let seeds = [1u64, 0x5eed_1234_abcd];
    let opponents: Vec<&StrategyEntry> = DETERMINISTIC_OPPONENTS
        .iter()
        .map(|n| {
            let e = r.resolve(n).unwrap();
            assert!(
                !instance_classifiers(e).is_stochastic(),
                "{n} must be deterministic"
            );
            e
        })
        .collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for e in r.entries() {
        if instance_classifiers(e).is_stochastic() {
            continue;
        }
        checked += 1;
        // Against each fixed opponent in both seats, and against itself.
        let mut pairs: Vec<[&StrategyEntry; 2]> =
            opponents.iter().flat_map(|o| [[e, *o], [*o, e]]).collect();
        pairs.push([e, e]);
        for [a, b] in pairs {
            let [x, y] = seeds.map(|s| {
                play_recorded([(a, None), (b, None)], &spec, s)
                    .unwrap_or_else(|err| panic!("{} vs {}, seed {s}: {err}", a.name, b.name))
            });
            if x.moves1 != y.moves1 || x.moves2 != y.moves2 {
                failures.push(format!(
                    "{} vs {}: seed {} gives {}/{}, seed {} gives {}/{}",
                    a.name, b.name, seeds[0], x.moves1, x.moves2, seeds[1], y.moves1, y.moves2
                ));
            }
        }
    }
    eprintln!(
        "seed independence: {checked} deterministic strategies checked, {} differing matches",
        failures.len()
    );
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "deterministic strategies whose moves depend on the seed:\n{}",
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// c. Classifiers equal Axelrod-Python's catalogue
// ---------------------------------------------------------------------------------------------

/// Built-in strategies whose classifiers knowingly differ from the catalogue's (none).
const CATALOGUE_KNOWN_DIFFERENCES: &[&str] = &[];

#[test]
fn classifiers_equal_the_axelrod_catalogue() {
    let path = fixture("axelrod-4.14.0/strategy_catalog.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Python's json writes unbounded parameters as the bare token `Infinity`, which is not
    // JSON (two `init_kwargs_default` values); make them null before parsing.
    let text = text.replace(": Infinity", ": null");
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(doc["axelrod_version"], "4.14.0");
    let catalogue = doc["strategies"].as_array().expect("strategies");
    let r = static_registry();
    let mut wrong = Vec::new();
    let mut stale = Vec::new();
    let mut shared = 0;
    let mut lacking = Vec::new();
    for s in catalogue {
        let name = s["name"].as_str().expect("name");
        let Ok(e) = r.resolve(name) else {
            lacking.push(name);
            continue;
        };
        shared += 1;
        let stochastic = s["stochastic"].as_bool().expect("stochastic");
        let depth = match &s["memory_depth"] {
            Value::String(x) if x == "inf" => None,
            v => Some(
                u32::try_from(
                    v.as_u64()
                        .unwrap_or_else(|| panic!("{name}: memory depth {v}")),
                )
                .unwrap(),
            ),
        };
        let uses: Vec<&str> = s["makes_use_of"]
            .as_array()
            .expect("makes_use_of")
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        for u in &uses {
            assert!(
                ["length", "game"].contains(u),
                "{name}: unknown makes_use_of {u:?}"
            );
        }
        let (length, game) = (uses.contains(&"length"), uses.contains(&"game"));
        let mut diffs = Vec::new();
        for (which, c) in [
            ("declared", e.classifiers),
            ("default instance", instance_classifiers(e)),
        ] {
            if c.is_stochastic() != stochastic {
                diffs.push(format!(
                    "{which} stochastic {} (catalogue {stochastic})",
                    c.is_stochastic()
                ));
            }
            if c.memory() != depth {
                diffs.push(format!(
                    "{which} memory depth {:?} (catalogue {depth:?})",
                    c.memory()
                ));
            }
            if c.uses_length() != length || c.uses_game() != game {
                diffs.push(format!(
                    "{which} uses length {} game {} (catalogue {uses:?})",
                    c.uses_length(),
                    c.uses_game()
                ));
            }
        }
        let known = CATALOGUE_KNOWN_DIFFERENCES.contains(&name);
        match (diffs.is_empty(), known) {
            (false, false) => wrong.push(format!("{name}: {}", diffs.join("; "))),
            (false, true) => eprintln!("known difference: {name}: {}", diffs.join("; ")),
            (true, true) => stale.push(name),
            (true, false) => {}
        }
    }
    eprintln!(
        "catalogue: {shared} of {} catalogue strategies are built in ({} built-ins), {} differ",
        catalogue.len(),
        r.entries().len(),
        wrong.len()
    );
    eprintln!("  catalogue strategies we lack: {lacking:?}");
    assert!(shared > 0);
    assert!(
        stale.is_empty(),
        "in CATALOGUE_KNOWN_DIFFERENCES but agreeing: {stale:?}"
    );
    assert!(
        wrong.is_empty(),
        "{} classifiers differ from Axelrod-Python's:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
