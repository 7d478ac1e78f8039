//! Reproducibility and the statistics of randomness: the same spec and seed give
//! byte-identical results for any thread count; noise and random match lengths have the
//! distributions they claim.

use vertrouwen_engine::matchup::{MatchLength, MatchScratch, MatchSpec, PlayerLabel};
use vertrouwen_engine::tournament::{run, PlayerSpec, RunOptions, TournamentSpec};
use vertrouwen_engine::Game;
use vertrouwen_tests::static_registry;

fn noisy_spec() -> TournamentSpec {
    let r = static_registry();
    let names = [
        "Tit For Tat",
        "Random",
        "Grudger",
        "Win-Stay Lose-Shift",
        "Alternator",
        "Defector",
    ];
    TournamentSpec {
        players: names
            .iter()
            .map(|n| PlayerSpec::new(r.resolve(n).unwrap()))
            .collect(),
        matches: MatchSpec::new(Some(150), Some(0.01), 0.05, Game::STANDARD).unwrap(),
        repetitions: 7,
        seed: 42,
    }
}

#[test]
fn results_are_byte_identical_for_one_and_two_threads() {
    let spec = noisy_spec();
    let one = run(&spec, RunOptions { threads: Some(1) }).unwrap();
    let two = run(&spec, RunOptions { threads: Some(2) }).unwrap();
    let three = run(&spec, RunOptions { threads: Some(3) }).unwrap();
    let json = |o: &vertrouwen_engine::tournament::TournamentOutcome| {
        serde_json::to_string(&o.results).unwrap()
    };
    assert_eq!(json(&one), json(&two));
    assert_eq!(json(&one), json(&three));
    // And the seed matters.
    let other = run(
        &TournamentSpec { seed: 43, ..spec },
        RunOptions { threads: Some(2) },
    )
    .unwrap();
    assert_ne!(json(&one), json(&other));
}

#[test]
fn cached_deterministic_pairs_equal_replayed_ones() {
    // Noise-free, fixed length: deterministic pairs are played once and reused. Random is
    // stochastic, so its pairs are replayed every repetition.
    let r = static_registry();
    let names = ["Tit For Tat", "Random", "Grudger", "Alternator"];
    let spec = TournamentSpec {
        players: names
            .iter()
            .map(|n| PlayerSpec::new(r.resolve(n).unwrap()))
            .collect(),
        matches: MatchSpec::fixed(50),
        repetitions: 4,
        seed: 3,
    };
    let out = run(&spec, RunOptions::default()).unwrap();
    // 10 pairs; 6 deterministic pairs played once, 4 pairs with Random played 4 times.
    assert_eq!(out.matches_played, 6 + 4 * 4);
    // Reused results are those of a real play: Tit For Tat and Grudger cooperate throughout
    // in every repetition (mean 3 per turn, no spread), Random's pairs vary.
    assert_eq!(out.results.payoff_matrix[0][2], 3.0);
    assert_eq!(out.results.payoff_stddevs[0][2], 0.0);
    assert!(
        out.results.payoff_stddevs[1][3] > 0.0,
        "Random vs Alternator varies"
    );
    assert_eq!(out.results.mean_match_lengths[0][2], 50.0);
    assert_eq!(
        (
            out.results.min_match_lengths[0][2],
            out.results.max_match_lengths[0][2]
        ),
        (50, 50)
    );
}

fn play_many(
    a: &str,
    b: &str,
    spec: &MatchSpec,
    seeds: std::ops::Range<u64>,
) -> Vec<(
    u32,
    Vec<vertrouwen_engine::Move>,
    Vec<vertrouwen_engine::Move>,
)> {
    let r = static_registry();
    let mut x = r.resolve(a).unwrap().instantiate(None).unwrap();
    let mut y = r.resolve(b).unwrap().instantiate(None).unwrap();
    let label = PlayerLabel {
        name: "x",
        source: "builtin",
    };
    let mut scratch = MatchScratch::new();
    seeds
        .map(|s| {
            let st = scratch
                .play([&mut x, &mut y], [label, label], spec, s)
                .unwrap();
            let (m1, m2) = scratch.moves();
            (st.turns, m1.to_vec(), m2.to_vec())
        })
        .collect()
}

/// Cooperator against Cooperator: every defection seen is a flipped move, so the defection
/// rate estimates the noise. 400 matches x 200 turns x 2 players = 160,000 Bernoulli(0.1)
/// draws: sd of the rate = sqrt(0.09 / 160000) = 0.00075; 5 sd = 0.00375.
#[test]
fn noise_flips_moves_at_the_stated_rate() {
    let spec = MatchSpec::new(Some(200), None, 0.1, Game::STANDARD).unwrap();
    let games = play_many("Cooperator", "Cooperator", &spec, 0..400);
    let (mut flips, mut total) = (0usize, 0usize);
    for (_, m1, m2) in &games {
        flips += m1
            .iter()
            .chain(m2)
            .filter(|m| **m == vertrouwen_engine::Move::D)
            .count();
        total += m1.len() + m2.len();
    }
    let rate = flips as f64 / total as f64;
    assert!((rate - 0.1).abs() < 0.00375, "observed noise rate {rate}");
}

/// Both players see the flipped move. With noise 1 every move is flipped: Cooperator plays D
/// throughout; Tit For Tat intends C on turn 1 (played D) and then copies the opponent's
/// *played* D, which is flipped to C. Had it seen Cooperator's intended C, it would intend C and
/// play D every turn.
#[test]
fn both_players_see_the_played_move() {
    let spec = MatchSpec::new(Some(50), None, 1.0, Game::STANDARD).unwrap();
    for (_, m1, m2) in play_many("Tit For Tat", "Cooperator", &spec, 0..3) {
        let text =
            |m: &[vertrouwen_engine::Move]| m.iter().map(|x| x.as_char()).collect::<String>();
        assert_eq!(text(&m2), "D".repeat(50));
        assert_eq!(text(&m1), format!("D{}", "C".repeat(49)));
    }
}

/// Geometric lengths: mean 1/p. With p = 0.02 the mean is 50 and the sd 49.5; over 4,000
/// matches the standard error of the mean is 0.78, so 5 se = 3.9. P(length > cap) = 0.98^cap.
#[test]
fn prob_end_gives_geometric_lengths() {
    let spec = MatchSpec::new(None, Some(0.02), 0.0, Game::STANDARD).unwrap();
    let n = 4000u64;
    let lengths: Vec<u64> = (0..n).map(|s| spec.turns_for(s)).collect();
    let mean = lengths.iter().sum::<u64>() as f64 / n as f64;
    assert!((mean - 50.0).abs() < 3.9, "mean length {mean}");
    assert!(lengths.iter().all(|&l| l >= 1));
    // P(length == 1) = 0.02: 80 expected, sd 8.85.
    let ones = lengths.iter().filter(|&&l| l == 1).count() as f64;
    assert!((ones - 80.0).abs() < 45.0, "{ones}");
    // Capped: never more than the cap, and the cap is hit with probability 0.98^30 = 0.545.
    let capped = MatchSpec::new(Some(30), Some(0.02), 0.0, Game::STANDARD).unwrap();
    let at_cap = (0..n).filter(|&s| capped.turns_for(s) == 30).count() as f64 / n as f64;
    assert!((0..n).all(|s| capped.turns_for(s) <= 30));
    assert!((at_cap - 0.98f64.powi(29)).abs() < 0.04, "{at_cap}");
    assert!(matches!(capped.length, MatchLength::Geometric { .. }));
}

/// Strategies are told the length only when it is fixed: Defector-ish end-game strategies
/// that read the length behave differently.
#[test]
fn strategies_are_told_fixed_lengths_only() {
    let r = static_registry();
    let backstabber = r.resolve("BackStabber").unwrap();
    let coop = r.resolve("Cooperator").unwrap();
    let fixed = vertrouwen_engine::matchup::play_recorded(
        [(backstabber, None), (coop, None)],
        &MatchSpec::fixed(200),
        0,
    )
    .unwrap();
    assert!(
        fixed.moves1.ends_with("DD"),
        "BackStabber defects in the last two turns of a known length"
    );
    let capped = MatchSpec::new(Some(200), Some(1e-9), 0.0, Game::STANDARD).unwrap();
    let unknown =
        vertrouwen_engine::matchup::play_recorded([(backstabber, None), (coop, None)], &capped, 0)
            .unwrap();
    assert_eq!(unknown.turns, 200);
    assert!(
        unknown.moves1.ends_with("CC"),
        "no end-game when the length is not announced"
    );
}
