//! Any bytes as a study file: parsing and building the spec (with the built-in strategies)
//! must never panic, and an error must point inside the file.
#![no_main]

use std::cell::RefCell;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use vertrouwen_engine::config::{self, LoadedStudy, Overrides, Study};
use vertrouwen_engine::values::MemoryLimit;
use vertrouwen_engine::Registry;

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new({
        let mut r = Registry::new();
        r.add_static(vertrouwen_strategies::plugin_library()).expect("built-ins are valid");
        r
    });
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = PathBuf::from("fuzz.ron");
    let result = config::parse(&path, text).and_then(|study| {
        // Loading arbitrary shared libraries is not what is being tested.
        if !study.plugins().is_empty() {
            return Ok(());
        }
        let loaded = LoadedStudy {
            path: path.clone(),
            source: text.to_string(),
            study,
        };
        let mut overrides = Overrides::default();
        overrides.limits.memory = MemoryLimit::bytes(64 << 20);
        REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            if matches!(loaded.study, Study::Sweep(_)) {
                // The grid, and its first and last points built as the CLI builds them.
                let grid = loaded.sweep_grid(None)?;
                for k in [0, grid.len() - 1] {
                    let point = grid.point(k)?;
                    if grid.is_tournament() {
                        point.study.tournament_spec(&mut r, &overrides)?;
                    } else {
                        point.study.dynamics_spec(&mut r, &overrides)?;
                    }
                }
                Ok(())
            } else if matches!(loaded.study, Study::Tournament(_)) {
                loaded.tournament_spec(&mut r, &overrides).map(|_| ())
            } else {
                loaded.dynamics_spec(&mut r, &overrides).map(|_| ())
            }
        })
    });
    if let Err(e) = result {
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(e.line >= 1 && e.line <= lines.len(), "line {} of {}: {e}", e.line, lines.len());
        let width = lines[e.line - 1].chars().count();
        assert!(e.column >= 1 && e.column <= width + 1, "column {} of {width}: {e}", e.column);
    }
});
