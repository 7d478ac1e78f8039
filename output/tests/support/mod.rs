//! What the golden tests and the tests of tournament parts share: the reduced sizes the
//! committed `tests/golden/` files were made at, and the registry they were made with.

use std::path::{Path, PathBuf};

use vertrouwen_engine::config::Caps;
use vertrouwen_engine::Registry;

/// The reduced sizes: small enough for a test suite of seconds, large enough that every code
/// path of every study runs (stochastic pairs, several repetitions, many generations).
pub const CAPS: Caps = Caps {
    turns: 20,
    repetitions: 2,
    generations: 50,
    points: 20,
    runs: 20,
    max_steps: 2000,
};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The built-in library with its aliases, as the command line has it.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())
        .unwrap();
    for (alias, target) in vertrouwen_strategies::ALIASES {
        r.add_alias(alias, target).unwrap();
    }
    r
}
