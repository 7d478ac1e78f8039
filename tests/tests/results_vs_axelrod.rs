//! Our `summary.csv` against Axelrod-Python 4.14.0's `ResultSet.write_summary` for the same
//! deterministic tournament. Oracle: `tests/fixtures/axelrod-4.14.0/summary_classics_deterministic.csv`,
//! made by `scripts/generate_summary_fixture.py` (the classics without Random, 200 turns,
//! 5 repetitions).

use vertrouwen_engine::matchup::MatchSpec;
use vertrouwen_engine::tournament::{run, PlayerSpec, RunOptions, TournamentSpec};
use vertrouwen_tests::{fixture, static_registry, CLASSICS};

/// Parses a summary row into (name, numbers) so that values can be compared to the last bits
/// when the text differs only in the final digit of a float sum.
fn cells(line: &str) -> Vec<String> {
    line.split(',').map(str::to_string).collect()
}

#[test]
fn summary_matches_axelrod_python() {
    let registry = static_registry();
    // The classics without Random: every player deterministic, so every number is exact.
    let players = CLASSICS
        .iter()
        .filter(|n| **n != "Random")
        .map(|n| PlayerSpec::new(registry.resolve(n).unwrap()))
        .collect();
    let spec = TournamentSpec {
        players,
        matches: MatchSpec::fixed(200),
        repetitions: 5,
        seed: 1,
    };
    let results = run(&spec, RunOptions::default()).unwrap().results;
    let mut csv = Vec::new();
    vertrouwen_output::tables::summary(&mut csv, &results).unwrap();
    let ours = String::from_utf8(csv).unwrap();
    let expected =
        std::fs::read_to_string(fixture("axelrod-4.14.0/summary_classics_deterministic.csv"))
            .unwrap();
    let (ours_lines, expected_lines): (Vec<_>, Vec<_>) =
        (ours.lines().collect(), expected.lines().collect());
    assert_eq!(ours_lines.len(), expected_lines.len());
    assert_eq!(ours_lines[0], expected_lines[0], "header");
    for (o, e) in ours_lines.iter().zip(&expected_lines).skip(1) {
        let (o, e) = (cells(o), cells(e));
        assert_eq!(o.len(), e.len());
        for (k, (a, b)) in o.iter().zip(&e).enumerate() {
            match (a.parse::<f64>(), b.parse::<f64>()) {
                // Floats: equal up to summation-order rounding (a few ulps).
                (Ok(x), Ok(y)) if a.contains('.') || b.contains('.') => assert!(
                    (x - y).abs() <= 1e-12 * y.abs().max(1.0)
                        && (a.contains('.') == b.contains('.')),
                    "row {e:?} column {k}: ours {a} expected {b}"
                ),
                _ => assert_eq!(a, b, "row {e:?} column {k}"),
            }
        }
    }
}
