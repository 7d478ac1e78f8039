//! The output crate against the engine's own formatting (summary.csv and the ranking table
//! stay byte-identical), and reading a run folder back.

use vertrouwen_engine::matchup::MatchSpec;
use vertrouwen_engine::payoff_matrix::PayoffMatrix;
use vertrouwen_engine::study::{self, DynamicsSpec, EcologicalSpec, Limits, PayoffSource};
use vertrouwen_engine::tournament::{self, PlayerSpec, RunOptions, TournamentSpec};
use vertrouwen_engine::values::{Generations, Label};
use vertrouwen_engine::Registry;
use vertrouwen_output::schema::Real;
use vertrouwen_output::{
    read_results, tables, text, ResultsDocument, RunFolder, RunInfo, RunSettings,
};

fn registry() -> Registry {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())
        .unwrap();
    r
}

fn tournament(labels: &[&str]) -> (TournamentSpec, tournament::TournamentOutcome) {
    let r = registry();
    let names = ["Tit For Tat", "Random", "Grudger", "Alternator"];
    let spec = TournamentSpec {
        players: names
            .iter()
            .zip(labels)
            .map(|(n, l)| PlayerSpec {
                label: l.to_string(),
                ..PlayerSpec::new(r.resolve(n).unwrap())
            })
            .collect(),
        matches: MatchSpec::fixed(30),
        repetitions: 3,
        seed: 4,
    };
    let outcome = tournament::run(&spec, RunOptions::default()).unwrap();
    (spec, outcome)
}

/// Labels with CSV's special characters are quoted as Python's csv module quotes them, and
/// the ranking table lists every label.
#[test]
fn summary_and_ranking_quote_and_list_every_label() {
    let labels = ["a,b", "say \"hi\"", "plain", "x;y"];
    let (_, outcome) = tournament(&labels);
    let mut csv = Vec::new();
    tables::summary(&mut csv, &outcome.results).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.contains(",\"a,b\","), "{csv}");
    assert!(csv.contains(",\"say \"\"hi\"\"\","), "{csv}");
    assert!(csv.contains(",plain,") && csv.contains(",x;y,"), "{csv}");
    let table = text::ranking_table(&outcome.results);
    for l in labels {
        assert!(table.contains(l), "{table}");
    }
}

#[test]
fn a_run_folder_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, outcome) = tournament(&["Tit For Tat", "Random", "Grudger", "Alternator"]);
    let target = dir.path().join("t");
    let mut folder = RunFolder::begin(&target, None, false).unwrap();
    let info = RunInfo {
        study: Some("T".into()),
        description: None,
        file: None,
    };
    vertrouwen_output::write_tournament(&mut folder, &info, &spec, &outcome).unwrap();
    folder
        .commit(RunSettings {
            kind: "Tournament".into(),
            seed: Some(4),
            ..RunSettings::default()
        })
        .unwrap();
    let ResultsDocument::Tournament(doc) = read_results(&target).unwrap() else {
        panic!("not a tournament")
    };
    assert_eq!(doc.format, 1);
    assert_eq!(doc.study.as_deref(), Some("T"));
    assert_eq!(doc.results.ranked_names, outcome.results.ranked_names);
    assert_eq!(
        doc.results.summary[0].median_score,
        Real(outcome.results.summary[0].median_score)
    );

    let matrix = PayoffMatrix::from_rows(&[[3.0, 0.0], [5.0, 1.0]]).unwrap();
    let labels = Some(vec![
        "C".parse::<Label>().unwrap(),
        "D".parse::<Label>().unwrap(),
    ]);
    let spec = EcologicalSpec::new(
        PayoffSource::matrix(labels, matrix).unwrap(),
        None,
        Generations::try_from(4).unwrap(),
        &Limits::default(),
    )
    .unwrap();
    let outcome = study::run(&DynamicsSpec::Ecological(spec), Some(1)).unwrap();
    let target = dir.path().join("d");
    let mut folder = RunFolder::begin(&target, None, false).unwrap();
    vertrouwen_output::write_dynamics(&mut folder, &RunInfo::default(), &outcome).unwrap();
    folder.commit(RunSettings::default()).unwrap();
    let ResultsDocument::Dynamics(doc) = read_results(&target).unwrap() else {
        panic!("not dynamics")
    };
    assert_eq!(doc.kind, "Ecological");
    assert_eq!(doc.strategies, ["C", "D"]);
    let shares = std::fs::read_to_string(target.join("shares.csv")).unwrap();
    assert_eq!(shares.lines().count(), 6);
    assert!(
        shares.starts_with("generation,C,D\n0,0.5,0.5\n1,"),
        "{shares}"
    );
}

#[test]
fn non_finite_numbers_are_never_written() {
    assert!(serde_json::to_string(&Real(f64::NAN)).is_err());
    assert!(serde_json::to_string(&vec![Real(1.0), Real(f64::INFINITY)]).is_err());
    assert_eq!(serde_json::to_string(&Real(0.5)).unwrap(), "0.5");
    let m = PayoffMatrix::from_rows(&[[1.0]]).unwrap();
    let mut out = Vec::new();
    assert!(tables::stationary(&mut out, &["x".into()], &[f64::NAN]).is_err());
    assert!(tables::payoffs(&mut Vec::new(), &["x".into()], &m).is_ok());
}
