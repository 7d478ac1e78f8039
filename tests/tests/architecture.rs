//! The invariants ARCHITECTURE.md states, checked on the source tree so that they stay true.

use std::path::{Path, PathBuf};

use vertrouwen_tests::repo_root;

/// Every `.rs` file under `dir`, skipping build output.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            // Fixtures misbehave on purpose; build output is not source.
            let skipped = ["target", "fixtures", "fixture-plugins"];
            if !skipped.contains(&name.as_str()) && !name.starts_with('.') {
                rust_files(&p, out);
            }
        } else if name.ends_with(".rs") && name != "architecture.rs" {
            out.push(p);
        }
    }
}

fn relative(p: &Path) -> String {
    p.strip_prefix(repo_root())
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}

/// The crates of the workspace that follow its rules (fixtures misbehave on purpose, and the
/// plugin template is copied out of the repository, so neither inherits the lints).
fn member_dirs() -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let start = manifest.find("members = [").expect("a members list");
    let end = start + manifest[start..].find(']').unwrap();
    manifest[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .filter_map(|l| l.split('"').next())
        .filter(|m| !m.starts_with("tests/fixtures/") && !m.starts_with("templates/"))
        .map(|m| repo_root().join(m))
        .collect()
}

#[test]
fn every_crate_inherits_the_workspace_lints() {
    let members = member_dirs();
    assert!(members.len() >= 8, "{members:?}");
    for dir in members {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(
            text.contains("[lints]\nworkspace = true"),
            "{}/Cargo.toml does not inherit the workspace lints (unsafe_code denied, undocumented unsafe blocks)",
            relative(&dir)
        );
    }
    let root = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    assert!(root.contains("unsafe_code = \"deny\""));
    assert!(root.contains("undocumented_unsafe_blocks = \"deny\""));
}

/// `unsafe` is allowed in exactly four modules: the loader and the sandbox of the engine, the
/// ABI types and the export glue of plugins-api.
#[test]
fn unsafe_is_allowed_only_in_the_loader_the_sandbox_and_the_export_glue() {
    let mut files = Vec::new();
    for dir in member_dirs() {
        rust_files(&dir, &mut files);
    }
    let mut allowed = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.contains("allow(unsafe_code)") && !line.trim_start().starts_with("//") {
                let item = lines[i + 1..]
                    .iter()
                    .map(|l| l.trim())
                    .find(|l| !l.starts_with("//"))
                    .unwrap_or("");
                allowed.push(format!("{}: {item}", relative(f)));
            }
        }
    }
    allowed.sort();
    assert_eq!(
        allowed,
        [
            "engine/src/lib.rs: pub mod loader;",
            "engine/src/lib.rs: pub mod sandbox;",
            "plugins-api/src/lib.rs: pub mod abi;",
            "plugins-api/src/lib.rs: pub mod export;",
        ]
    );
}

/// The engine never writes to the terminal: it returns typed results and errors. The one
/// exception is the worker process's own last words before it can speak the protocol.
#[test]
fn the_engine_does_not_print() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("engine/src"), &mut files);
    for f in files {
        let rel = relative(&f);
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let prints = ["println!", "print!", "eprint!", "eprintln!", "dbg!"]
                .iter()
                .any(|m| code.contains(m));
            if prints {
                assert_eq!(
                    rel,
                    "engine/src/sandbox/worker.rs",
                    "{rel}:{}: the engine prints",
                    i + 1
                );
            }
        }
    }
}

/// Core types are not the file format: the engine does not know the output crate, and the
/// CLI does not know the file formats' internals (it hands outcomes to `vertrouwen-output`).
#[test]
fn the_layers_depend_downwards_only() {
    let deps = |krate: &str| {
        let text = std::fs::read_to_string(repo_root().join(krate).join("Cargo.toml")).unwrap();
        let start = text.find("[dependencies]").unwrap();
        let end = text[start + 1..]
            .find("\n[")
            .map_or(text.len(), |e| start + 1 + e);
        text[start..end].to_string()
    };
    let engine = deps("engine");
    for upper in [
        "vertrouwen-output",
        "vertrouwen-report",
        "vertrouwen-cli",
        "clap",
        "serde_json",
    ] {
        assert!(!engine.contains(upper), "the engine depends on {upper}");
    }
    let api = deps("plugins-api");
    assert!(
        !api.lines()
            .any(|l| !l.starts_with('[') && !l.trim().is_empty() && !l.contains("optional = true")),
        "plugins-api has a non-optional dependency:\n{api}"
    );
}

/// One concept per file: a file over 600 lines says at its top why it is long.
#[test]
fn long_files_say_why() {
    let mut files = Vec::new();
    for dir in member_dirs() {
        rust_files(&dir, &mut files);
    }
    let mut unexplained = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines = text.lines().count();
        if lines > 600 {
            let head: String = text.lines().take(25).collect::<Vec<_>>().join("\n");
            if !head.contains("Why this file is long") {
                unexplained.push(format!("{} ({lines} lines)", relative(&f)));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "files over 600 lines without \"Why this file is long\" near the top: {unexplained:#?}"
    );
}
