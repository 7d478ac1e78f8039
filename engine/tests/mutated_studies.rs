//! A bounded property test (issue 10): the shipped study files, mutated at random (bytes
//! deleted, tokens inserted, spans duplicated), never make parsing or building the spec panic,
//! and every error points inside the file. The cargo-fuzz target `study_file` (in `fuzz/`) does
//! the same without bounds.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use vertrouwen_engine::config::{self, ConfigError, LoadedStudy, Overrides, Study};
use vertrouwen_engine::values::MemoryLimit;
use vertrouwen_engine::Registry;

fn studies() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tournaments");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Pieces of RON and of study files that are likely to land somewhere interesting.
const TOKENS: &[&str] = &[
    "0",
    "-1",
    "1.5",
    "1e308",
    "-1e308",
    "inf",
    "NaN",
    "18446744073709551616",
    "4294967295",
    "99999999999",
    "\"",
    "\"x\"",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "//",
    "/*",
    "*/",
    "\n",
    "é",
    "Some(",
    "None",
    "Matrix(rows: [[1]])",
    "players: []",
    "label: \"Cooperator\"",
    "\"Cooperator\"",
    "Complete(n: 1)",
    "Moran(w: -1)",
    "r#\"",
    "\\",
    "'",
    "true",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, token: usize },
    Duplicate { at: usize, len: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Edit::Insert { at, token }),
        (any::<usize>(), 1usize..80).prop_map(|(at, len)| Edit::Duplicate { at, len }),
    ]
}

fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut text: String, edits: &[Edit]) -> String {
    for e in edits {
        match *e {
            Edit::Delete { at, len } => {
                let a = boundary(&text, at);
                let b = boundary(&text, a + len);
                if b > a {
                    text.replace_range(a..b, "");
                }
            }
            Edit::Insert { at, token } => {
                let a = boundary(&text, at);
                text.insert_str(a, TOKENS[token]);
            }
            Edit::Duplicate { at, len } => {
                let a = boundary(&text, at);
                let b = boundary(&text, a + len).max(a);
                let piece = text[a..b].to_string();
                text.insert_str(b, &piece);
            }
        }
    }
    text
}

fn check(text: &str) -> Result<(), ConfigError> {
    let path = PathBuf::from("mutated.ron");
    let study = config::parse(&path, text)?;
    if !study.plugins().is_empty() {
        return Ok(());
    }
    let loaded = LoadedStudy {
        path,
        source: text.to_string(),
        study,
    };
    let mut registry = Registry::new();
    registry
        .add_static(vertrouwen_strategies::plugin_library())
        .unwrap();
    let mut overrides = Overrides::default();
    overrides.limits.memory = MemoryLimit::bytes(64 << 20);
    if matches!(loaded.study, Study::Tournament(_)) {
        loaded
            .tournament_spec(&mut registry, &overrides)
            .map(|_| ())
    } else {
        loaded.dynamics_spec(&mut registry, &overrides).map(|_| ())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_study_files_never_panic_and_errors_point_inside(
        file in 0usize..64,
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let files = studies();
        let text = apply(files[file % files.len()].clone(), &edits);
        if let Err(e) = check(&text) {
            let lines: Vec<&str> = text.split('\n').collect();
            prop_assert!(e.line >= 1 && e.line <= lines.len(), "line {} of {}: {}", e.line, lines.len(), e);
            let width = lines[e.line - 1].chars().count();
            prop_assert!(e.column >= 1 && e.column <= width + 1, "column {} of {}: {}", e.column, width, e);
        }
    }
}
