//! `vertrouwen check-plugin` from the command line, isolated (the default) and in-process, and
//! plugin paths that are files, never names for the dynamic linker to search.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use vertrouwen_tests::fixture_library;

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

fn check(fixture: &str, extra: &[&str]) -> (Output, Value) {
    let path = fixture_library(fixture);
    let mut args = vec!["check-plugin", path.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let o = vertrouwen(&args, Path::new("."));
    let report: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&o.stdout), text(&o.stderr)));
    (o, report)
}

/// Each strategy's failed checks, from the JSON report.
fn failures(report: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in report["checks"].as_array().unwrap() {
        let entry = out
            .entry(c["strategy"].as_str().unwrap_or("").to_string())
            .or_default();
        if c["status"] == "fail" {
            entry.push(c["id"].as_str().unwrap().to_string());
        }
    }
    out
}

/// Isolated, the liar fixture fails exactly as it does in-process: the checks see the same
/// behaviour through the worker processes.
#[cfg(target_os = "linux")]
#[test]
fn isolated_and_in_process_checks_agree() {
    let (o, isolated) = check("liar-plugin", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(isolated["isolated"], true);
    assert_eq!(isolated["passed"], false);
    let (o, local) = check("liar-plugin", &["--in-process"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(local["isolated"], false);
    assert_eq!(failures(&isolated), failures(&local));
    let found = failures(&isolated);
    assert_eq!(found["Honest Mirror"], Vec::<String>::new());
    assert_eq!(found["Forgets To Reset"], ["reset"]);
    assert_eq!(found["Short Memory Claim"], ["memory-depth"]);
    assert!(
        text(&o.stderr).ends_with("6 checks failed\n"),
        "{}",
        text(&o.stderr)
    );
}

/// The human form: the plugin's line, then each strategy's checks under its name, and a count.
#[cfg(target_os = "linux")]
#[test]
fn the_checklist_marks_every_check() {
    let path = fixture_library("abort-plugin");
    let o = vertrouwen(&["check-plugin", path.to_str().unwrap()], Path::new("."));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.starts_with(&format!(
            "check-plugin {} (isolated: the plugin runs in confined worker processes)\n  [pass] loads: plugin \"abort-plugin\" version \"0.1.0\" exports 2 strategies",
            path.display()
        )),
        "{out}"
    );
    assert!(
        out.contains("\nAborts On Turn Three\n  [pass] metadata: "),
        "{out}"
    );
    assert!(
        out.contains("\n  [FAIL] plays-builtins: fails in its match against \"Cooperator\""),
        "{out}"
    );
    assert!(out.contains("\n  [skip] reset: not run"), "{out}");
    assert!(out.contains("\nAbort Build Mirror\n"), "{out}");
    assert!(out.contains("\n  [info] speed: "), "{out}");
    assert!(out.ends_with("\n1 of 12 checks failed.\n"), "{out}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_plugin_of_a_newer_minor_version_passes() {
    let (o, report) = check("newer-minor-plugin", &[]);
    assert!(o.status.success(), "{report:#}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["plugin"]["strategies"], 2);
}

/// Built with `panic = "abort"`: refused in-process with the fix; isolated, it runs, and the
/// strategy that panics fails (its worker dies) while the other passes.
#[cfg(target_os = "linux")]
#[test]
fn an_abort_build_runs_only_isolated() {
    let (o, local) = check("abort-plugin", &["--in-process"]);
    assert_eq!(o.status.code(), Some(1));
    let detail = local["checks"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("built with `panic = \"abort\"`") && detail.contains("--isolate"),
        "{detail}"
    );
    let (o, isolated) = check("abort-plugin", &[]);
    assert_eq!(o.status.code(), Some(1));
    let found = failures(&isolated);
    assert_eq!(found["Abort Build Mirror"], Vec::<String>::new());
    assert_eq!(found["Aborts On Turn Three"], ["plays-builtins"]);
}

/// `--plugin libz.so.1` is the file `libz.so.1` in the current directory, not the system's
/// zlib, and `plugins: [..]` in a study file are relative to the file.
#[cfg(target_os = "linux")]
#[test]
fn plugin_paths_are_files_relative_to_where_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let libs = dir.path().join("libs");
    std::fs::create_dir(&libs).unwrap();
    std::fs::copy(fixture_library("liar-plugin"), libs.join("libz.so.1")).unwrap();
    let o = vertrouwen(
        &[
            "match",
            "Honest Mirror",
            "Alternator",
            "--turns",
            "4",
            "--plugin",
            "libz.so.1",
        ],
        &libs,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("player 1: CCDC"),
        "{}",
        text(&o.stdout)
    );

    let study = libs.join("study.ron");
    std::fs::write(
        &study,
        r#"Tournament(
    name: "Relative plugin",
    players: ["Honest Mirror", "Alternator"],
    game: "standard",
    turns: 10,
    noise: 0.0,
    repetitions: 1,
    seed: 1,
    plugins: ["libz.so.1"],
)
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = vertrouwen(
        &["run", "libs/study.ron", "--out", out.to_str().unwrap()],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Honest Mirror"));
}
