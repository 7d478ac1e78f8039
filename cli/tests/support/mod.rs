//! Helpers shared by the command-line tests of sharded and resumed runs.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use vertrouwen_output::partial::sha256_hex;

/// A path as the `&str` an argument list takes.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file of a folder, by name: two run folders compare equal byte for byte.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Every file under a folder, by path relative to it (a sweep's points are subfolders).
pub fn all_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Copies a folder with its subfolders.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Rewrites one file of a partial folder and its entry in manifest.json, as a genuine partial
/// with that content would have it.
pub fn rewrite(dir: &Path, name: &str, edit: impl Fn(&str) -> String) {
    let path = dir.join(name);
    let old = std::fs::read(&path).unwrap();
    let new = edit(&String::from_utf8(old.clone()).unwrap());
    assert_ne!(new.as_bytes(), &old[..], "the edit changed nothing");
    std::fs::write(&path, &new).unwrap();
    let manifest = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace(&sha256_hex(&old), &sha256_hex(new.as_bytes()))
        .replace(
            &format!("\"bytes\": {}", old.len()),
            &format!("\"bytes\": {}", new.len()),
        );
    std::fs::write(&manifest, text).unwrap();
}

/// Runs the binary with `env` added and the cluster's and the tests' variables removed (so a
/// test run inside a Slurm job or a Kubernetes pod behaves the same).
pub fn vertrouwen_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vertrouwen"));
    c.args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_MIN")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("VERTROUWEN_TEST_KILL_AT");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run vertrouwen")
}

/// Runs the binary (see [`vertrouwen_env`]).
pub fn vertrouwen(args: &[&str]) -> Output {
    vertrouwen_env(args, &[])
}

/// Standard output of a run that must succeed.
pub fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error of a run that must fail.
pub fn err(o: &Output) -> String {
    assert!(!o.status.success(), "expected a failure");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Two folders, subfolders included, hold the same files with the same bytes.
pub fn assert_same_folders(whole: &Path, merged: &Path, what: &str) {
    let (a, b) = (all_files(whole), all_files(merged));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: file names"
    );
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{what}: {name} differs");
    }
}
