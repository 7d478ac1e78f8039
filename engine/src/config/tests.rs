//! Study files: defaults, and every error at the line and column of the offending value with
//! its exact message (the regressions of issue 10's "wrong error positions").

use std::path::PathBuf;

use super::*;
use crate::game::Game;
use crate::registry::tests::registry;
use crate::study::DynamicsSpec;
use crate::values::MemoryLimit;

fn study(text: &str) -> Result<LoadedStudy, ConfigError> {
    let path = PathBuf::from("test.ron");
    let study = parse(&path, text)?;
    Ok(LoadedStudy {
        path,
        source: text.to_string(),
        study,
    })
}

/// The error of a file, whether parsing or building its spec fails, as `line:column: message`.
fn error(text: &str) -> String {
    let e = match study(text) {
        Err(e) => e,
        Ok(s) => {
            let overrides = Overrides::default();
            let result = if matches!(s.study, Study::Tournament(_)) {
                s.tournament_spec(&mut registry(), &overrides).map(|_| ())
            } else {
                s.dynamics_spec(&mut registry(), &overrides).map(|_| ())
            };
            result.expect_err("the file should be refused")
        }
    };
    assert_eq!(e.file, "test.ron");
    format!("{}:{}: {}", e.line, e.column, e.message)
}

#[test]
fn minimal_tournament_parses_with_defaults() {
    let s = study("Tournament(players: [\"Cooperator\", \"Defector\"], turns: 10)").unwrap();
    let spec = s
        .tournament_spec(&mut registry(), &Overrides::default())
        .unwrap();
    assert_eq!(spec.players.len(), 2);
    assert_eq!(spec.repetitions, 1);
    assert_eq!(spec.seed, 0);
    assert_eq!(spec.matches.noise, 0.0);
    assert_eq!(spec.matches.game, Game::STANDARD);
}

#[test]
fn range_errors_point_at_the_value_not_at_a_comment_or_a_name() {
    // Issue 10: `noise: 1.5` on line 6 was reported at 1:24, inside the leading comment.
    assert_eq!(
        error("// a tournament with noise in the comment\nTournament(\n  name: \"noise\",\n  players: [\"Cooperator\"],\n  turns: 5,\n  noise: 1.5,\n)"),
        "6:10: expected a probability in [0, 1], got 1.5"
    );
    // `repetitions: 0` was reported at 2:12, inside the name.
    assert_eq!(
        error("Tournament(\n  name: \"repetitions\",\n  players: [\"Cooperator\"],\n  turns: 5,\n  repetitions: 0,\n)"),
        "5:16: expected at least 1 repetition, got 0"
    );
    assert_eq!(
        error("Tournament(players: [\"Cooperator\"], turns: 0)"),
        "1:44: expected a number of turns from 1 to 4294967295, got 0"
    );
    assert_eq!(
        error("Tournament(players: [\"Cooperator\"],\n turns: 4294967296)"),
        "2:9: expected a number of turns from 1 to 4294967295, got 4294967296"
    );
    assert_eq!(
        error("Tournament(players: [\"Cooperator\"], prob_end: 0.0)"),
        "1:47: expected the chance that a match ends after each turn, in (0, 1], got 0"
    );
}

#[test]
fn unknown_fields_strategies_parameters_and_games_are_located() {
    assert_eq!(
        error("Tournament(\n  players: [\"Cooperator\"],\n  turns: 10,\n  nosie: 0.1,\n)"),
        "4:3: Unexpected field named `nosie` in `Tournament`, expected one of `name`, `description`, `players`, `plugins`, `game`, `turns`, `prob_end`, `noise`, `repetitions`, `seed`, `trust_run`, `isolate`, or `limits` instead"
    );
    assert_eq!(
        error("Tournament(\n  players: [\n    \"Cooperator\",\n    \"Tit For Tatt\",\n  ],\n  turns: 10,\n)"),
        "4:5: unknown strategy \"Tit For Tatt\"; did you mean \"Tit For Tat\" or \"Tit For 2 Tats\"?"
    );
    let e = error("Tournament(players: [(name: \"Random\",\n params: \"(p: 7.0)\")], turns: 5)");
    assert!(e.starts_with("2:10: bad parameters for \"Random\""), "{e}");
    assert_eq!(
        error("Tournament(players: [\"Cooperator\"], turns: 5,\n game: \"chicken\")"),
        "2:8: unknown game \"chicken\"; expected one of standard, prison-years or (r: .., s: .., t: .., p: ..)"
    );
    assert_eq!(
        error("Tournament(players: [\"Cooperator\"],\n  game: (r: 3, s: 0, t: 5, p: 1, q: 2), turns: 5)"),
        "2:34: Unexpected field named `q`, expected one of `r`, `s`, `t`, or `p` instead"
    );
    assert_eq!(
        error(
            "Tournament(players: [\"Cooperator\"],\n  game: (r: 3, s: 0, t: inf, p: 1), turns: 5)"
        ),
        "2:25: expected a finite payoff, got inf"
    );
    assert_eq!(
        error("Tournament(players: [\"Cooperator\", 7], turns: 5)"),
        "1:36: Expected a player: a strategy name in quotes, or (name: \"..\", params: \"..\", label: \"..\") but found the unsigned integer `7` instead"
    );
    assert_eq!(
        error("Tournament(players: [\"Cooperator\"])"),
        "1:1: expected the length of the matches: give `turns`, `prob_end`, or both"
    );
    assert_eq!(
        error("Tournament(players: [], turns: 5)"),
        "1:21: expected at least one player"
    );
    let s =
        study("Tournament(players: [\"Cooperator\"], turns: 5, game: (r: 4, s: -1, t: 6, p: 0))")
            .unwrap();
    let spec = s
        .tournament_spec(&mut registry(), &Overrides::default())
        .unwrap();
    assert_eq!(spec.matches.game.s, -1.0);
}

#[test]
fn syntax_errors_are_located() {
    assert_eq!(
        error("Tournament(\n  players: [\"Cooperator\"\n  turns: 10,\n)"),
        "3:3: Expected comma"
    );
    assert_eq!(
        error("Tournament(players: [\"Cooperator\"], turns: 5, noise: \"x\")"),
        "1:53: Expected float"
    );
}

#[test]
fn duplicate_players_are_refused_at_the_second() {
    assert_eq!(
        error("Tournament(\n  players: [\n    \"Cooperator\",\n    \"Defector\",\n    \"Cooperator\",\n  ],\n  turns: 5,\n)"),
        "5:5: the label \"Cooperator\" is already used by player 1 (line 3, column 5); labels must be unique: give one of them another `label`"
    );
    // The same strategy twice with different labels (or parameters) is fine.
    let s = study("Tournament(players: [\"Random\", (name: \"Random\", params: \"(p: 0.3)\"), (name: \"Random\", label: \"R2\")], turns: 5)").unwrap();
    let spec = s
        .tournament_spec(&mut registry(), &Overrides::default())
        .unwrap();
    let labels: Vec<&str> = spec.players.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["Random", "Random (p: 0.3)", "R2"]);
    assert_eq!(
        error("Ecological(payoffs: Matrix(strategies: [\"A\",\n \"A\"], rows: [[1, 2], [3, 4]]), generations: 1)"),
        "2:2: the label \"A\" is used twice (strategies 1 and 2); labels must be unique: give one of them another `label`"
    );
    assert_eq!(
        error("Tournament(players: [(name: \"Random\", label: \"\")], turns: 5)"),
        "1:47: expected a label with at least one visible character"
    );
}

#[test]
fn dynamics_studies_parse_and_resolve() {
    let s = study(
        "Fixation(payoffs: Matches(players: [\"Tit For Tat\", \"Defector\"], turns: 10, payoff: Totals),\n population: 10, processes: [Moran(w: 0.1), Fermi(beta: 0.1)])",
    )
    .unwrap();
    let spec = s
        .dynamics_spec(&mut registry(), &Overrides::default())
        .unwrap();
    let DynamicsSpec::Fixation(f) = &spec else {
        panic!("{spec:?}")
    };
    assert_eq!(f.population().get(), 10);
    assert_eq!(f.processes().len(), 2);
    let s = study("Ecological(payoffs: Matrix(rows: [[3, 0], [5, 1]]), generations: 5)").unwrap();
    let spec = s
        .dynamics_spec(&mut registry(), &Overrides::default())
        .unwrap();
    assert_eq!(spec.payoffs().labels(), vec!["1", "2"]);
    // A tournament spec is refused for a dynamics file, and the other way round.
    assert!(s
        .tournament_spec(&mut registry(), &Overrides::default())
        .is_err());
    let t = study("Tournament(players: [\"Cooperator\"], turns: 10)").unwrap();
    assert!(t
        .dynamics_spec(&mut registry(), &Overrides::default())
        .is_err());
}

#[test]
fn dynamics_errors_name_the_offending_value() {
    assert_eq!(
        error("Ecological(payoffs: Matrix(rows: [[3, 0],\n [5]]),\n generations: 5)"),
        "2:2: the matrix is not square: this row has 1 entries, expected 2 (one per row)"
    );
    assert_eq!(
        error("Ecological(payoffs: Matches(players: [\"Cooperator\"], turns: 5), generations: 5)"),
        "1:62: Unexpected missing field named `payoff` in `Matches`"
    );
    assert_eq!(
        error(
            "Fixation(payoffs: Matrix(rows: [[1]]),\n population: 10, processes: [Moran(w: 0.1)])"
        ),
        "1:19: a Fixation study needs exactly 2 strategies, got 1"
    );
    // Issue 10: "invalid w" had no position.
    assert_eq!(
        error("Fixation(payoffs: Matrix(rows: [[1, 2], [3, 4]]),\n population: 10,\n processes: [Moran(w: -0.5)])"),
        "3:23: expected an intensity of selection, finite and >= 0, got -0.5"
    );
    // Issue 10: "initial counts has length 6, expected 10" had no position.
    assert_eq!(
        error("Simulation(payoffs: Matrix(rows: [[1, 2], [3, 4]]), rule: BirthDeath,\n graph: Complete(n: 4),\n initial: [2, 1, 1])"),
        "3:11: expected 2 initial values, one per strategy, got 3"
    );
    assert_eq!(
        error("Simulation(payoffs: Matrix(rows: [[1, 2], [3, 4]]), rule: BirthDeath,\n graph: Complete(n: 4), initial: [2, 1])"),
        "2:34: the initial counts sum to 3, but the graph has 4 nodes (one individual per node)"
    );
    assert_eq!(
        error("Simulation(payoffs: Matrix(rows: [[1, 2], [3, 4]]),\n mode: Matches, rule: BirthDeath, graph: Complete(n: 4), initial: [2, 2])"),
        "2:8: mode `Matches` plays a match for every payoff, so it needs `payoffs: Matches(...)`, not a matrix"
    );
    assert_eq!(
        error("Simulation(payoffs: Matrix(rows: [[1, 2], [3, 4]]), rule: BirthDeath,\n graph: Cycle(n: 2), initial: [1, 1])"),
        "2:9: a cycle needs n >= 3, got 2"
    );
    assert_eq!(
        error(
            "Replicator(payoffs: Matrix(rows: [[1, 2], [3, 4]]),\n initial: [1, 2, 3], time: 5.0)"
        ),
        "2:11: expected 2 initial values, one per strategy, got 3"
    );
    assert_eq!(
        error("Replicator(payoffs: Matrix(rows: [[1, 2], [3, 4]]), time: 0.0)"),
        "1:59: expected a time, finite and > 0, got 0"
    );
    // An error inside a nested value is reported where it is, not at the enclosing value.
    assert_eq!(
        error("Ecological(\n  payoffs: Matches(\n    players: [\"Cooperator\"],\n    turns: 5,\n    noise: 2.0,\n    payoff: Totals,\n  ),\n  generations: 5,\n)"),
        "5:12: expected a probability in [0, 1], got 2"
    );
}

#[test]
fn sizes_that_would_exhaust_memory_are_refused_before_allocating() {
    let refused = |text: &str| {
        let s = study(text).unwrap();
        let e = s
            .dynamics_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert_eq!(e.kind, ConfigErrorKind::Memory, "{e}");
        format!("{}:{}: {}", e.line, e.column, e.message)
    };
    assert_eq!(
        refused("Fixation(payoffs: Matrix(rows: [[3, 0], [5, 1]]),\n population: 1000000000000, processes: [Moran(w: 0.1)])"),
        "2:14: needs about 36.4 TiB of memory for the fixation chain of a population of 1000000000000; the limit is 4.0 GiB"
    );
    assert_eq!(
        refused("Stationary(payoffs: Matrix(rows: [[3, 0], [5, 1]]),\n population: 100000000000, process: Fermi(beta: 1))"),
        "2:14: needs about 3.6 TiB of memory for the fixation chain of a population of 100000000000; the limit is 4.0 GiB"
    );
    assert_eq!(
        refused("Ecological(payoffs: Matrix(rows: [[3, 0], [5, 1]]),\n generations: 99999999999)"),
        "2:15: needs about 1.5 TiB of memory for a trajectory of 100000000000 generations of 2 shares; the limit is 4.0 GiB"
    );
    assert!(refused(
        "Simulation(payoffs: Matrix(rows: [[3, 0], [5, 1]]), rule: BirthDeath,\n graph: Complete(n: 10000000000), initial: [1, 9999999999])"
    )
    .starts_with("2:9: needs about 149.0 GiB of memory for a complete graph of 10000000000 nodes"));
    // Payoffs from matches keep running sums per pair: a hundred million repetitions need no
    // more memory than one.
    let s = study("Ecological(payoffs: Matches(players: [\"Tit For Tat\", \"Random\"], turns: 200, payoff: PerTurn,\n repetitions: 100000000), generations: 10)").unwrap();
    assert!(s
        .dynamics_spec(&mut registry(), &Overrides::default())
        .is_ok());
    let e = refused("Ecological(payoffs: Matches(players: [\"Tit For Tat\"],\n turns: 4294967295, payoff: PerTurn), generations: 10)");
    assert!(
        e.starts_with("2:9: needs about") && e.contains("matches of up to 4294967295 turns"),
        "{e}"
    );
    // A higher limit lets the same study through.
    let s = study("Fixation(payoffs: Matrix(rows: [[3, 0], [5, 1]]), population: 100000000, processes: [Moran(w: 0.1)])").unwrap();
    let mut overrides = Overrides::default();
    assert!(s.dynamics_spec(&mut registry(), &overrides).is_ok());
    overrides.limits.memory = MemoryLimit::bytes(1 << 20);
    assert!(s.dynamics_spec(&mut registry(), &overrides).is_err());
}

#[test]
fn caps_shrink_sizes_for_previews() {
    let s = study("Tournament(players: [\"Random\"], turns: 200, repetitions: 50)").unwrap();
    let overrides = Overrides {
        caps: Some(Caps {
            turns: 20,
            repetitions: 2,
            generations: 10,
            points: 10,
            runs: 10,
            max_steps: 1000,
        }),
        ..Overrides::default()
    };
    let spec = s.tournament_spec(&mut registry(), &overrides).unwrap();
    assert_eq!(spec.repetitions, 2);
    assert_eq!(spec.matches.length, crate::matchup::MatchLength::Fixed(20));
}

#[test]
fn oversized_and_binary_files_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    std::fs::write(&big, vec![b' '; (MAX_FILE_BYTES + 1) as usize]).unwrap();
    let e = load(&big).unwrap_err();
    assert_eq!((e.line, e.column, e.kind), (1, 1, ConfigErrorKind::Read));
    assert!(e.message.contains("larger than 16 MiB"), "{e}");
    let binary = dir.path().join("binary.ron");
    std::fs::write(&binary, b"Tournament(\n  \xff").unwrap();
    let e = load(&binary).unwrap_err();
    assert_eq!((e.line, e.column), (2, 3), "{e}");
    assert!(e.message.contains("not UTF-8"), "{e}");
    #[cfg(unix)]
    {
        let e = load(std::path::Path::new("/dev/zero")).unwrap_err();
        assert!(e.message.contains("larger than 16 MiB"), "{e}");
    }
}

/// The grid of a sweep file, or its error as `line:column: message`.
fn grid(text: &str, seed: Option<u64>) -> Result<sweep::Grid, String> {
    let s = study(text).map_err(|e| format!("{}:{}: {}", e.line, e.column, e.message))?;
    s.sweep_grid(seed.map(|v| crate::values::Seed::try_from(v).unwrap()))
        .map_err(|e| format!("{}:{}: {}", e.line, e.column, e.message))
}

#[test]
fn sweep_points_are_the_base_with_the_axes_values_first_axis_slowest() {
    let g = grid(
        "Sweep(base: Tournament(players: [\"Cooperator\", \"Random\"], turns: 5, seed: 4),\n  axes: [Noise(values: [0.0, 0.1]), Turns(from: 10, to: 30, step: 10)])",
        None,
    )
    .unwrap();
    assert_eq!(g.len(), 6);
    assert_eq!(g.base_kind(), "Tournament");
    use sweep::AxisValue::{Real, Whole};
    assert_eq!(g.values(0), vec![Real(0.0), Whole(10)]);
    assert_eq!(g.values(4), vec![Real(0.1), Whole(20)]);
    let point = g.point(4).unwrap();
    assert_eq!(point.values, g.values(4));
    let spec = point
        .study
        .tournament_spec(&mut registry(), &Overrides::default())
        .unwrap();
    assert_eq!(spec.matches.noise, 0.1);
    assert_eq!(format!("{:?}", spec.matches.length), "Fixed(20)");
    assert_eq!(spec.seed, 4);
    // --seed sets the base's seed.
    let g = grid(
        "Sweep(base: Tournament(players: [\"Random\"], turns: 5, seed: 4), axes: [Noise(values: [0.1])])",
        Some(9),
    )
    .unwrap();
    assert_eq!(g.seed(), Some(9));
}

#[test]
fn sweep_ranges_give_the_values_one_would_type() {
    let g = grid(
        "Sweep(base: Tournament(players: [\"Random\"], turns: 5), axes: [Noise(from: 0.0, to: 0.05, points: 6)])",
        None,
    )
    .unwrap();
    let values: Vec<sweep::AxisValue> = (0..6).map(|k| g.values(k).remove(0)).collect();
    use sweep::AxisValue::Real;
    assert_eq!(
        values,
        vec![
            Real(0.0),
            Real(0.01),
            Real(0.02),
            Real(0.03),
            Real(0.04),
            Real(0.05)
        ]
    );
}

#[test]
fn sweep_axes_set_population_intensities_and_simulation_counts() {
    let g = grid(
        "Sweep(base: Simulation(payoffs: Matrix(rows: [[3, 0], [5, 1]]), rule: BirthDeath,\n  fitness: Exponential(w: 0.2), graph: Cycle(n: 10), initial: [1, 9], runs: 5),\n  axes: [Population(values: [20]), W(values: [0.7])])",
        None,
    )
    .unwrap();
    let spec = g
        .point(0)
        .unwrap()
        .study
        .dynamics_spec(&mut registry(), &Overrides::default())
        .unwrap();
    let DynamicsSpec::Simulation(sim) = spec else {
        panic!("a simulation")
    };
    assert_eq!(sim.config().initial, vec![1, 19]);
    assert_eq!(
        sim.config().interaction,
        crate::population::Graph::Cycle { n: 20 }
    );
    assert_eq!(
        format!("{:?}", sim.config().fitness),
        format!(
            "{:?}",
            crate::population::FitnessMap::Exponential { w: 0.7 }
        )
    );
    let g = grid(
        "Sweep(base: Fixation(payoffs: Matrix(rows: [[3, 0], [5, 1]]), population: 10,\n  processes: [Moran(w: 0.1), Fermi(beta: 0.1)]), axes: [Beta(values: [2.0])])",
        None,
    )
    .unwrap();
    let DynamicsSpec::Fixation(f) = g
        .point(0)
        .unwrap()
        .study
        .dynamics_spec(&mut registry(), &Overrides::default())
        .unwrap()
    else {
        panic!("a fixation study")
    };
    assert_eq!(
        f.processes(),
        &[
            crate::moran::Process::Moran { w: 0.1 },
            crate::moran::Process::Fermi { beta: 2.0 }
        ]
    );
}

#[test]
fn sweep_errors_point_at_the_axis() {
    let base = "Sweep(base: Tournament(players: [\"Random\"], turns: 5),\n  axes: [";
    let e = |axes: &str, seed: Option<u64>| grid(&format!("{base}{axes}])"), seed).unwrap_err();
    assert_eq!(
        e("Noise(values: [0.1]), Noise(values: [0.2])", None),
        "2:32: the axis Noise is given twice (first at 2:10); give all its values in one axis"
    );
    assert_eq!(
        e("Population(values: [10])", None),
        "2:10: axis Population: a Tournament study has no population size"
    );
    assert_eq!(
        e("Noise(values: [0.1, 1.5])", None),
        "2:30: expected a probability in [0, 1], got 1.5"
    );
    assert_eq!(
        e("Noise(from: 0.0, to: 2.0, points: 3)", None),
        "2:10: value 3 (2.0): expected a probability in [0, 1], got 2"
    );
    assert_eq!(
        e("Noise(values: [0.1], from: 0.0)", None),
        "2:10: expected either values: [..] or from, to and points (e.g. from: 0.0, to: 0.1, points: 11)"
    );
    assert_eq!(
        e(
            "Turns(from: 1, to: 2000, step: 1), Seed(from: 0, to: 999, step: 1)",
            None
        ),
        "2:45: the grid would have more than 1000000 points; split the sweep"
    );
    assert_eq!(
        e("Seed(values: [1, 2])", Some(3)),
        "2:10: --seed would replace every value of this Seed axis; drop one of them"
    );
    assert_eq!(
        e("", None),
        "2:9: expected at least one axis, e.g. [Noise(values: [0.0, 0.01])]"
    );
    assert!(e("Turns(from: 1, to: 18446744073709551615, step: 1)", None)
        .contains("a grid has at most 1000000 points"),);
    let nested = grid(
        "Sweep(base: Sweep(base: Tournament(players: []), axes: []), axes: [])",
        None,
    )
    .unwrap_err();
    assert!(
        nested.starts_with("1:13: Unexpected variant named `Sweep`"),
        "{nested}"
    );
    let matrix = grid(
        "Sweep(base: RestPoints(payoffs: Matrix(rows: [[1]])), axes: [Noise(values: [0.1])])",
        None,
    )
    .unwrap_err();
    assert!(matrix.contains("plays no matches"), "{matrix}");
}

#[test]
fn a_tournament_too_large_by_its_repetitions_is_refused_at_them() {
    // Issue 10's note: the memory refusal for `repetitions` pointed at 1:1.
    let s = study(
        "Tournament(\n  players: [\"Tit For Tat\", \"Random\"], turns: 200,\n  repetitions: 4294967295,\n)",
    )
    .unwrap();
    let mut overrides = Overrides::default();
    overrides.limits.memory = MemoryLimit::bytes(1 << 30);
    let e = s
        .tournament_spec(&mut registry(), &overrides)
        .expect_err("too large");
    assert_eq!((e.line, e.column), (3, 16), "{e}");
    assert_eq!(e.kind, ConfigErrorKind::Memory);
}
