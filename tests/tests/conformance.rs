//! `check-plugin`'s checks (`vertrouwen_engine::conformance`), in-process: every lie of the liar
//! fixture is found by the check made for it and by no other, the honest strategies pass, and a
//! refused plugin is one failed `loads` line. (The same checks isolated, through the command
//! line, are in `cli/tests/check_plugin.rs`.)

use std::collections::BTreeMap;

use vertrouwen_engine::conformance::{check_plugin, Report, Status};
use vertrouwen_tests::{cdylib, fixture_library, static_registry};

/// Each strategy's failed checks.
fn failures(report: &Report) -> BTreeMap<String, Vec<&'static str>> {
    let mut out: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for c in &report.checks {
        let entry = out
            .entry(c.strategy.clone().unwrap_or_default())
            .or_default();
        if c.status == Status::Fail {
            entry.push(c.id);
        }
    }
    out
}

#[test]
fn each_lie_is_found_by_its_own_check() {
    let report = check_plugin(&fixture_library("liar-plugin"), static_registry());
    assert!(!report.isolated);
    assert!(!report.passed);
    let found = failures(&report);
    let expected: BTreeMap<String, Vec<&str>> = [
        ("", vec![]),
        ("Honest Mirror", vec![]),
        ("Secretly Random", vec!["deterministic"]),
        ("Short Memory Claim", vec!["memory-depth"]),
        ("Last Turns Defector", vec!["uses-length"]),
        ("Game Reader", vec!["uses-game"]),
        ("Forgets To Reset", vec!["reset"]),
        ("Panics In Classifiers", vec!["default-parameters"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(found, expected, "{report:#?}");
    let detail = |strategy: &str, id: &str| {
        report
            .checks
            .iter()
            .find(|c| c.strategy.as_deref() == Some(strategy) && c.id == id)
            .unwrap()
            .detail
            .clone()
    };
    assert!(
        detail("Secretly Random", "deterministic").contains("declare `stochastic: true`"),
        "{report:#?}"
    );
    assert!(detail("Short Memory Claim", "memory-depth")
        .starts_with("declared memory depth 1, but on turn"));
    assert!(detail("Last Turns Defector", "uses-length").contains("add `length` to `makes_use_of`"));
    assert!(detail("Game Reader", "uses-game").contains("add `game` to `makes_use_of`"));
    assert!(detail("Forgets To Reset", "reset")
        .starts_with("a reused instance plays differently from a fresh one against"));
    assert!(detail("Panics In Classifiers", "default-parameters")
        .contains("panicked while reporting its classifiers"));
    // A strategy that fails early is not checked further.
    assert!(report
        .checks
        .iter()
        .filter(|c| c.strategy.as_deref() == Some("Panics In Classifiers"))
        .skip(2)
        .all(|c| c.status == Status::Skip));
}

#[test]
fn the_example_plugin_passes() {
    let report = check_plugin(&cdylib("example-plugin"), static_registry());
    assert!(report.passed, "{report:#?}");
    let plugin = report.plugin.as_ref().unwrap();
    assert_eq!(
        (plugin.name.as_str(), plugin.strategies),
        ("example-plugin", 2)
    );
    // Two strategies of nine lines each (eight checks and the speed), after the plugin's line.
    assert_eq!(report.checks.len(), 1 + 2 * 9);
}

/// The report is the same however often it is made, apart from the measured speed.
#[test]
fn the_report_is_deterministic() {
    let strip = |r: Report| {
        r.checks
            .into_iter()
            .filter(|c| c.id != "speed")
            .map(|c| (c.strategy, c.id, c.status, c.detail))
            .collect::<Vec<_>>()
    };
    let a = strip(check_plugin(&cdylib("example-plugin"), static_registry()));
    let b = strip(check_plugin(&cdylib("example-plugin"), static_registry()));
    assert_eq!(a, b);
}

#[test]
fn a_refused_plugin_is_one_failed_line() {
    let path = fixture_library("huge-count-plugin");
    let report = check_plugin(&path, static_registry());
    assert_eq!(report.checks.len(), 1);
    let c = &report.checks[0];
    assert_eq!(
        (c.id, c.status, c.strategy.as_deref()),
        ("loads", Status::Fail, None)
    );
    assert!(
        c.detail.contains("it declares 1099511627776 strategies"),
        "{}",
        c.detail
    );
    assert!(report.plugin.is_none() && !report.passed);
}
