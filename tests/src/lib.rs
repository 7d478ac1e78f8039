//! Support for the workspace-level tests: where fixtures and built plugin libraries are.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use vertrouwen_engine::Registry;

/// The strategies of `tournaments/classics.ron`, which the foundation issue requires, with
/// Axelrod-Python's display names.
pub const CLASSICS: &[&str] = &[
    "Cooperator",
    "Defector",
    "Tit For Tat",
    "Tit For 2 Tats",
    "Two Tits For Tat",
    "Grudger",
    "Win-Stay Lose-Shift",
    "Alternator",
    "Suspicious Tit For Tat",
    "Anti Tit For Tat",
    "Bully",
    "Prober",
    "Handshake",
    "Gradual",
    "Hard Tit For Tat",
    "Cycler CCD",
    "Forgetful Grudger",
    "Soft Grudger",
    "Punisher",
    "Soft Go By Majority",
    "Hard Go By Majority",
    "Random",
];

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(rel)
}

/// The shared library built for crate `crate_name` (cargo builds it alongside the test binary
/// because the tests crate lists it as a dev-dependency).
pub fn cdylib(crate_name: &str) -> PathBuf {
    let file = format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        crate_name.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    );
    let exe = std::env::current_exe().expect("current exe");
    let deps = exe.parent().expect("deps dir");
    for dir in [deps, deps.parent().unwrap_or(deps)] {
        let p = dir.join(&file);
        if p.exists() {
            return p;
        }
    }
    panic!(
        "{file} not found next to {}; build it with `cargo test --workspace` (the README's test command)",
        exe.display()
    )
}

/// The shared library of fixture plugin `name` (a directory of `tests/fixture-plugins/`), built
/// by `tests/build.rs` outside the workspace: with `panic = "abort"`, or against an altered copy
/// of the plugin API, as the fixture needs.
pub fn fixture_library(name: &str) -> PathBuf {
    let file = format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        name.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    );
    let path = Path::new(env!("VERTROUWEN_FIXTURE_LIBS")).join(&file);
    assert!(
        path.exists(),
        "{} was not built; is {name:?} listed in FIXTURES in tests/build.rs?",
        path.display()
    );
    path
}

/// A registry with the statically linked built-in library.
pub fn static_registry() -> Registry {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())
        .expect("built-in library is valid");
    add_aliases(&mut r);
    r
}

/// Registers the built-in library's aliases (Axelrod-Python class-level names).
pub fn add_aliases(r: &mut Registry) {
    for (alias, target) in vertrouwen_strategies::ALIASES {
        r.add_alias(alias, target).expect("alias targets exist");
    }
}

/// A registry with the built-in library loaded from its cdylib, as a plugin.
pub fn loaded_registry() -> Registry {
    let mut r = Registry::new();
    r.load_plugin(&cdylib("vertrouwen-strategies"))
        .expect("built-in library loads as a plugin");
    add_aliases(&mut r);
    r
}

/// One strategy of a reference file.
#[derive(Debug, Deserialize)]
pub struct RefStrategy {
    pub name: String,
    pub class: String,
    #[serde(default)]
    pub params: serde_json::Value,
    pub memory_depth: serde_json::Value,
    #[serde(default)]
    pub makes_use_of: Vec<String>,
}

/// One reference match.
#[derive(Debug, Deserialize)]
pub struct RefMatch {
    pub p1: String,
    pub p2: String,
    pub moves1: String,
    pub moves2: String,
    pub score1: f64,
    pub score2: f64,
}

#[derive(Debug, Deserialize)]
pub struct RefGame {
    #[serde(rename = "R")]
    pub r: f64,
    #[serde(rename = "S")]
    pub s: f64,
    #[serde(rename = "T")]
    pub t: f64,
    #[serde(rename = "P")]
    pub p: f64,
}

/// A file of reference matches made by `generate_reference_matches.py`.
#[derive(Debug, Deserialize)]
pub struct RefFile {
    pub axelrod_version: String,
    pub turns: u64,
    pub game: RefGame,
    pub strategies: Vec<RefStrategy>,
    pub matches: Vec<RefMatch>,
}

/// Reads a reference-match file under `tests/fixtures/axelrod-4.14.0/`.
pub fn reference_file(name: &str) -> Option<RefFile> {
    let path = fixture(&format!("axelrod-4.14.0/{name}"));
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
