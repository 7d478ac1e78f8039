//! The plugin ABI refuses what it cannot run correctly, each with one clear line, and accepts
//! a plugin of a newer minor version. Every case is a real shared library built by
//! `tests/build.rs` from `tests/fixture-plugins/`.

use std::path::Path;

use vertrouwen_engine::loader::{self, LoadError};
use vertrouwen_engine::matchup::{play_recorded, MatchSpec};
use vertrouwen_engine::Registry;
use vertrouwen_plugins_api::abi::LAYOUT_HASH;
use vertrouwen_tests::{fixture_library, static_registry};

fn refusal(fixture: &str) -> (String, String) {
    let path = fixture_library(fixture);
    let e = loader::load_plugin(&path).unwrap_err().to_string();
    assert_eq!(e.lines().count(), 1, "{e}");
    (path.display().to_string(), e)
}

/// Built against a copy of the API whose `HistoryView` has `own` and `opponent` swapped: the
/// layout hash, computed from the real types, differs.
#[test]
fn a_plugin_built_against_swapped_fields_is_refused() {
    let (path, e) = refusal("swapped-fields-plugin");
    let expected = format!(
        "{path}: plugin ABI layout mismatch (layout hash: expected {LAYOUT_HASH:#018x}, found 0x"
    );
    assert!(e.starts_with(&expected), "{e}");
    assert!(
        e.ends_with("): it was built against a different or altered vertrouwen-plugins-api; rebuild it against vertrouwen-plugins-api 2.x"),
        "{e}"
    );
}

/// Three strategies declared over a table of one, followed by text: the second descriptor is
/// checked before anything is read through it.
#[test]
fn a_header_with_a_short_table_is_refused_not_a_crash() {
    let (path, e) = refusal("short-table-plugin");
    // The second "descriptor" starts with the fixture's text: its name's length field is the
    // text's bytes 8 to 15 ("not a st"), read as a little-endian number.
    let len = u64::from_le_bytes(*b"not a st");
    assert_eq!(
        e,
        format!("{path}: strategy #1 is malformed: its name is {len} bytes long, at most 200 allowed; build plugins with export_plugin! of vertrouwen-plugins-api")
    );
}

#[test]
fn a_huge_strategy_count_is_refused_before_anything_is_read() {
    let (path, e) = refusal("huge-count-plugin");
    assert_eq!(
        e,
        format!("{path}: malformed plugin header: it declares 1099511627776 strategies, at most 4096 allowed; build plugins with export_plugin! of vertrouwen-plugins-api")
    );
}

/// Built with `panic = "abort"`: refused in this process, with the fix.
#[test]
fn an_abort_on_panic_build_is_refused_in_process() {
    let (path, e) = refusal("abort-plugin");
    assert_eq!(
        e,
        format!("{path}: built with `panic = \"abort\"`: its first panic would end this whole process, so it cannot run in-process; rebuild it with the default `panic = \"unwind\"` (remove `panic = \"abort\"` from its Cargo.toml profiles), or run it isolated (--isolate)")
    );
}

/// "Go By Majority" is an alias of the built-in "Soft Go By Majority": a plugin may not take
/// it, and a refused plugin adds nothing.
#[test]
fn a_plugin_may_not_take_a_builtin_alias() {
    let path = fixture_library("alias-name-plugin");
    let mut r = static_registry();
    let before = r.entries().len();
    let e = r.load_plugin(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("{}: strategy name \"Go By Majority\" is already taken by builtin; display names must be unique across the built-ins and every loaded plugin (rename it in the plugin's export_plugin! list)", path.display())
    );
    assert_eq!(r.entries().len(), before);
    assert_eq!(
        r.resolve("Go By Majority").unwrap().name,
        "Soft Go By Majority"
    );
}

/// A plugin of ABI 2.1, whose header, descriptors and vtables each have a field more, loads in
/// this 2.0 engine, which reads the prefix it knows, and plays as it should.
#[test]
fn a_plugin_of_a_newer_minor_version_loads_and_plays() {
    let path = fixture_library("newer-minor-plugin");
    let contents = loader::load_plugin(&path).unwrap();
    assert_eq!(contents.abi_minor, 1);
    assert!(contents.panic_unwind);
    let names: Vec<_> = contents
        .strategies
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Newer Minor Mirror", "Newer Minor Suspicious Mirror"]
    );
    let mut r = static_registry();
    r.load_plugin(&path).unwrap();
    let alternator = r.resolve("Alternator").unwrap();
    let play = |name: &str| {
        play_recorded(
            [(r.resolve(name).unwrap(), None), (alternator, None)],
            &MatchSpec::fixed(6),
            0,
        )
        .unwrap()
        .moves1
    };
    assert_eq!(play("Newer Minor Mirror"), "CCDCDC");
    // The second strategy differs only by its default parameters, created through the newer
    // vtable from the second, larger, descriptor.
    assert_eq!(play("Newer Minor Suspicious Mirror"), "DCDCDC");
}

/// A panic while reporting classifiers is an error with the strategy's name (ABI v1 ignored it
/// and used the descriptor's classifiers).
#[test]
fn a_panic_in_classifiers_is_reported() {
    let mut r = Registry::new();
    r.load_plugin(&fixture_library("liar-plugin")).unwrap();
    let e = r
        .resolve("Panics In Classifiers")
        .unwrap()
        .instantiate(None)
        .unwrap_err();
    assert!(
        e.message.starts_with(
            "panicked while reporting its classifiers: deliberate failure in classifiers (at "
        ),
        "{e}"
    );
}

/// dlopen's own reason is reported, not "dlopen failed".
#[test]
fn the_dynamic_linker_says_why_a_file_is_not_a_library() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strategy.so");
    // Long enough to hold an ELF header, so that the header itself is what is wrong.
    std::fs::write(&path, "not an ELF file, just text. ".repeat(100)).unwrap();
    let e = loader::load_plugin(&path).unwrap_err();
    assert!(matches!(e, LoadError::NotALibrary { .. }), "{e:?}");
    let e = e.to_string();
    #[cfg(target_os = "linux")]
    assert!(
        e.starts_with(&format!(
            "{}: cannot load as a shared library: invalid ELF header;",
            path.display()
        )),
        "{e}"
    );
    assert!(!e.contains("dlopen failed"), "{e}");
}

/// A relative path is a file relative to the current directory, never a name for the dynamic
/// linker to search: `libc.so.6` (the C library's soname, loaded in this very process) names
/// no file here, so it is not found rather than loaded from the system.
#[test]
fn relative_paths_are_files_not_library_names() {
    let e = loader::load_plugin(Path::new("libc.so.6"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "libc.so.6: cannot load as a shared library: no such file; expected a strategy plugin built with `crate-type = [\"cdylib\"]`"
    );
}
