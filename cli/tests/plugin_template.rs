//! What an author does, tried end to end: `vertrouwen new-plugin` writes a crate outside the
//! repository; it builds with cargo (offline, against this repository's plugins-api), its own
//! tests pass, `check-plugin` passes it unchanged, and a tournament file enters it.
//!
//! The build reuses one target directory under cargo's `CARGO_TARGET_TMPDIR`, so only the first
//! run compiles the template's dependencies; the crate's `Cargo.lock` is the workspace's, so the
//! versions already downloaded are used.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vertrouwen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run vertrouwen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn cargo(args: &[&str], dir: &Path, target: &Path) {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args)
        .arg("--offline")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target);
    for var in ["RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "RUSTFLAGS"] {
        cmd.env_remove(var);
    }
    let o = cmd.output().expect("run cargo");
    assert!(
        o.status.success(),
        "cargo {args:?} in the new plugin failed:\n{}",
        text(&o.stderr)
    );
}

#[test]
fn a_new_plugin_builds_passes_its_checks_and_enters_a_tournament() {
    let work = tempfile::tempdir().unwrap();
    let o = vertrouwen(&["new-plugin", "first-entry"], work.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("crate \"first-entry\" with one strategy, \"First Entry\""),
        "{}",
        text(&o.stdout)
    );
    let crate_dir = work.path().join("first-entry");
    std::fs::copy(repo_root().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-template");
    cargo(&["test", "--release", "--quiet"], &crate_dir, &target);
    cargo(&["build", "--release", "--quiet"], &crate_dir, &target);
    let lib = target.join("release").join(format!(
        "{}first_entry{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));

    let o = vertrouwen(&["check-plugin", lib.to_str().unwrap()], work.path());
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(out.ends_with("All 9 checks passed.\n"), "{out}");
    assert!(out.contains("\nFirst Entry\n"), "{out}");

    let study = work.path().join("entry.ron");
    std::fs::write(
        &study,
        format!(
            r#"Tournament(
    name: "First entry",
    players: ["First Entry", "Tit For Tat", "Defector", "Random"],
    game: "standard",
    turns: 50,
    noise: 0.0,
    repetitions: 2,
    seed: 7,
    plugins: [{:?}],
    isolate: true,
)
"#,
            lib.display().to_string()
        ),
    )
    .unwrap();
    let o = vertrouwen(
        &["run", "entry.ron", "--out", "results", "--strict"],
        work.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("First Entry"),
        "{}",
        text(&o.stdout)
    );
    let summary = std::fs::read_to_string(work.path().join("results/summary.csv")).unwrap();
    assert!(summary.contains("First Entry"), "{summary}");
}

/// A name that a built-in already has is refused before anything is written.
#[test]
fn new_plugin_refuses_a_builtin_name_and_a_used_directory() {
    let work = tempfile::tempdir().unwrap();
    let o = vertrouwen(&["new-plugin", "tit-for-tat"], work.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("\"Tit For Tat\" is a built-in strategy's"),
        "{}",
        text(&o.stderr)
    );
    assert!(!work.path().join("tit-for-tat").exists());
    std::fs::create_dir(work.path().join("taken")).unwrap();
    std::fs::write(work.path().join("taken/file"), "").unwrap();
    let o = vertrouwen(&["new-plugin", "fine-name", "--dir", "taken"], work.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("already exists and is not empty"));
}
