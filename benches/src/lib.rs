//! Shared set-up for the criterion benchmarks in `benches/benches/`: the workloads users run.

use std::path::{Path, PathBuf};

use vertrouwen_engine::config;
use vertrouwen_engine::tournament::TournamentSpec;
use vertrouwen_engine::Registry;

/// A registry with the statically linked built-in library.
pub fn builtin_registry() -> Registry {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())
        .expect("built-ins are valid");
    r
}

/// The built-in library's shared object, built next to the bench binary (cargo builds every
/// crate type of a dependency).
pub fn builtin_cdylib() -> Option<PathBuf> {
    let file = format!(
        "{}vertrouwen_strategies{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?;
    [deps.join(&file), deps.parent()?.join(&file)]
        .into_iter()
        .find(|p| p.exists())
}

/// A registry whose strategies come from the built-in library loaded as a plugin.
pub fn loaded_registry() -> Option<Registry> {
    let mut r = Registry::new();
    r.load_plugin(&builtin_cdylib()?).ok()?;
    Some(r)
}

/// A file of the repository, by its path from the repository root.
pub fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join(rel)
}

/// A tournament file of the repository, resolved against the built-ins.
pub fn tournament(rel: &str) -> TournamentSpec {
    let path = repo_file(rel);
    let study = config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    study
        .tournament_spec(&mut builtin_registry(), &config::Overrides::default())
        .unwrap_or_else(|e| panic!("{e}"))
}
