//! Loading strategies from shared libraries: the example plugin, every refusal the loader
//! must explain in one line, and panicking strategies reported by name.

use std::io::Write;

use vertrouwen_engine::fault::Fault;
use vertrouwen_engine::matchup::{play_recorded, MatchError, MatchSpec};
use vertrouwen_engine::tournament::{run, PlayerSpec, RunOptions, TournamentError, TournamentSpec};
use vertrouwen_engine::{Registry, StrategySource};
use vertrouwen_tests::{cdylib, static_registry};

fn with_plugin(name: &str) -> Registry {
    let mut r = static_registry();
    r.load_plugin(&cdylib(name)).expect("plugin loads");
    r
}

#[test]
fn example_plugin_loads_and_plays_against_builtins() {
    let r = with_plugin("example-plugin");
    let betrayer = r.resolve("Slow Betrayer").unwrap();
    assert_eq!(
        betrayer.source,
        StrategySource::Plugin(cdylib("example-plugin"))
    );
    let tft = r.resolve("Tit For Tat").unwrap();
    let rec = play_recorded(
        [(betrayer, Some("(patience: 3)")), (tft, None)],
        &MatchSpec::fixed(8),
        0,
    )
    .unwrap();
    // Trust for three turns, then betrayal; Tit For Tat answers one turn later.
    assert_eq!(rec.moves1, "CCCDDDDD");
    assert_eq!(rec.moves2, "CCCCDDDD");
}

#[test]
fn plugin_parameter_errors_name_the_strategy() {
    let r = with_plugin("example-plugin");
    let e = r
        .resolve("Generous Mirror")
        .unwrap()
        .instantiate(Some("(forgive_every: 0)"))
        .unwrap_err();
    assert_eq!(e.name, "Generous Mirror");
    assert!(e.message.contains("at least 1"), "{e}");
    assert!(e.to_string().contains("libexample_plugin"), "{e}");
}

#[test]
fn loading_the_same_plugin_twice_is_a_duplicate_name_error() {
    let mut r = with_plugin("example-plugin");
    let before = r.entries().len();
    let e = r
        .load_plugin(&cdylib("example-plugin"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"Slow Betrayer\" is already taken by") && e.contains("libexample_plugin"),
        "{e}"
    );
    assert_eq!(r.entries().len(), before, "a refused plugin adds nothing");
    assert_eq!(e.lines().count(), 1);
}

#[test]
fn a_file_that_is_not_a_library_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strategy.so");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(b"not an ELF file")
        .unwrap();
    let e = Registry::new().load_plugin(&path).unwrap_err().to_string();
    assert!(e.starts_with(&path.display().to_string()), "{e}");
    assert!(
        e.contains("cannot load as a shared library") && e.contains("cdylib"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1);

    let missing = dir.path().join("nowhere.so");
    let e = Registry::new()
        .load_plugin(&missing)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no such file"), "{e}");
}

#[test]
fn a_library_built_for_another_abi_major_is_refused_with_the_fix() {
    let path = cdylib("future-abi-plugin");
    let e = Registry::new().load_plugin(&path).unwrap_err().to_string();
    assert!(e.starts_with(&path.display().to_string()), "{e}");
    assert!(
        e.contains("built for plugin ABI 3 (it exports `vertrouwen_plugin_v3`)")
            && e.contains("this engine speaks ABI 2"),
        "{e}"
    );
    assert!(
        e.contains("rebuild the plugin against vertrouwen-plugins-api 2.x"),
        "{e}"
    );
}

/// A real shared library without any Vertrouwen symbol: the C library this test process uses.
#[cfg(target_os = "linux")]
#[test]
fn a_library_without_the_entry_symbol_is_refused() {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let libc = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .find(|p| p.contains("/libc.so") || p.contains("/libc-"))
        .expect("libc is mapped");
    let e = Registry::new()
        .load_plugin(std::path::Path::new(libc))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not a Vertrouwen plugin") && e.contains("vertrouwen_plugin_v2"),
        "{e}"
    );
    assert!(e.contains("export_plugin!"), "{e}");
}

#[test]
fn a_panicking_strategy_is_an_error_with_its_name_not_an_abort() {
    let r = with_plugin("panicky-plugin");
    let bad = r.resolve("Panics On Turn Three").unwrap();
    let tft = r.resolve("Tit For Tat").unwrap();
    let e = play_recorded([(tft, None), (bad, None)], &MatchSpec::fixed(10), 0).unwrap_err();
    let MatchError::Fault(s) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(s.name, "Panics On Turn Three");
    assert_eq!(s.turn, Some(3));
    let Fault::Panic { message } = &s.fault else {
        panic!("{e:?}")
    };
    // The panic hook's report is captured: the message with where the plugin panicked.
    assert!(
        message.starts_with("deliberate failure on turn 3 (at ")
            && message.contains("panicky-plugin/src/lib.rs:"),
        "{message}"
    );
    assert!(
        e.to_string()
            .contains("failed on turn 3: panicked: deliberate failure"),
        "{e}"
    );

    let reset = r.resolve("Panics In Reset").unwrap();
    let e = play_recorded([(reset, None), (tft, None)], &MatchSpec::fixed(10), 0).unwrap_err();
    assert!(
        e.to_string().contains("Panics In Reset")
            && e.to_string().contains("failed while being reset")
            && e.to_string().contains("deliberate failure in reset"),
        "{e}"
    );

    // In a tournament the failure names the match and the strategy, and nothing is half-written.
    let spec = TournamentSpec {
        players: vec![PlayerSpec::new(tft), PlayerSpec::new(bad)],
        matches: MatchSpec::fixed(10),
        repetitions: 2,
        seed: 0,
    };
    let e = run(&spec, RunOptions::default()).unwrap_err();
    assert!(matches!(e, TournamentError::Match { .. }), "{e:?}");
    assert!(e.to_string().contains("Panics On Turn Three"), "{e}");
}

/// The built-in library loaded from its cdylib and linked statically expose the same strategies
/// with the same metadata.
#[test]
fn static_and_loaded_builtins_agree() {
    let s = static_registry();
    let l = vertrouwen_tests::loaded_registry();
    assert_eq!(s.entries().len(), l.entries().len());
    for (a, b) in s.entries().iter().zip(l.entries()) {
        assert_eq!(
            (&a.name, &a.description, &a.default_params, a.classifiers),
            (&b.name, &b.description, &b.default_params, b.classifiers)
        );
    }
}
