//! Builds the fixture plugins of `tests/fixture-plugins/` into shared libraries the tests load
//! (`vertrouwen_tests::fixture_library`).
//!
//! They cannot be workspace members: some are built with `panic = "abort"` (the panic strategy is
//! per build, not per crate), and some against an altered copy of `vertrouwen-plugins-api` made
//! here from the real sources (a copy with two fields swapped, one of a newer minor version), to
//! prove the engine refuses or accepts them. So this script writes a small workspace under
//! `OUT_DIR` (one manifest per fixture, each pointing at its `lib.rs` in the repository; the
//! altered API copies; the repository's `Cargo.lock`, so the same dependency versions are used)
//! and builds it with the same cargo, offline, into its own target directory there. Every
//! library is then copied into one directory, `VERTROUWEN_FIXTURE_LIBS`.
//!
//! To add a fixture: a directory `tests/fixture-plugins/NAME/` with a `lib.rs`, and a line in
//! [`FIXTURES`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The API a fixture is built against.
#[derive(Clone, Copy, PartialEq)]
enum Api {
    /// `plugins-api/` as it is.
    Real,
    /// A copy whose `HistoryView` has `own` and `opponent` swapped.
    Swapped,
    /// A copy of a hypothetical minor version 2.1 with a field appended to the header, the
    /// strategy descriptor and the vtable.
    NewerMinor,
}

/// One fixture crate.
struct Fixture {
    /// Its directory under `tests/fixture-plugins/` and its package name.
    name: &'static str,
    api: Api,
    /// Built with `panic = "abort"` (in a build of its own).
    panic_abort: bool,
    /// More `[dependencies]` lines (resolved offline against the repository's lock file).
    dependencies: &'static [&'static str],
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "abort-plugin",
        api: Api::Real,
        panic_abort: true,
        dependencies: &[],
    },
    Fixture {
        name: "short-table-plugin",
        api: Api::Real,
        panic_abort: false,
        dependencies: &[],
    },
    Fixture {
        name: "huge-count-plugin",
        api: Api::Real,
        panic_abort: false,
        dependencies: &[],
    },
    Fixture {
        name: "alias-name-plugin",
        api: Api::Real,
        panic_abort: false,
        dependencies: &[],
    },
    Fixture {
        name: "liar-plugin",
        api: Api::Real,
        panic_abort: false,
        dependencies: &[],
    },
    Fixture {
        name: "swapped-fields-plugin",
        api: Api::Swapped,
        panic_abort: false,
        dependencies: &[],
    },
    Fixture {
        name: "newer-minor-plugin",
        api: Api::NewerMinor,
        panic_abort: false,
        dependencies: &[],
    },
];

/// Text replacements that turn the real API into an altered copy; each must match exactly once,
/// so a change to the real sources that invalidates a patch fails here, loudly.
fn patches(api: Api) -> Vec<(&'static str, &'static str, &'static str)> {
    match api {
        Api::Real => vec![],
        Api::Swapped => vec![(
            "abi.rs",
            "    /// `len` moves of the deciding player, oldest first.\n    pub own: *const u8,\n    /// `len` moves of the opponent, oldest first.\n    pub opponent: *const u8,\n",
            "    /// `len` moves of the opponent, oldest first.\n    pub opponent: *const u8,\n    /// `len` moves of the deciding player, oldest first.\n    pub own: *const u8,\n",
        )],
        Api::NewerMinor => vec![
            ("abi.rs", "pub const ABI_MINOR: u32 = 0;", "pub const ABI_MINOR: u32 = 1;"),
            // The header, its constructor and its description.
            (
                "abi.rs",
                "    pub strategy_count: usize,\n}",
                "    pub strategy_count: usize,\n    /// Appended in 2.1.\n    pub appended: u64,\n}",
            ),
            (
                "abi.rs",
                "            strategy_count: strategies.len(),\n        }",
                "            strategy_count: strategies.len(),\n            appended: 0x2121_2121,\n        }",
            ),
            (
                "abi/layout.rs",
                "            strategy_count: usize,\n        }\n    );",
                "            strategy_count: usize,\n            ..\n        }\n    );",
            ),
            // The descriptor, its constructors and its description.
            (
                "abi.rs",
                "    pub vtable: *const StrategyVTable,\n}",
                "    pub vtable: *const StrategyVTable,\n    /// Appended in 2.1.\n    pub tags: RStr,\n}",
            ),
            (
                "abi/layout.rs",
                "            vtable: *const StrategyVTable,\n        }\n    );",
                "            vtable: *const StrategyVTable,\n            ..\n        }\n    );",
            ),
            (
                "export.rs",
                "        classifiers,\n        vtable,\n    }",
                "        classifiers,\n        vtable,\n        tags: RStr::from_static(\"appended in 2.1\"),\n    }",
            ),
            (
                "export.rs",
                "    vtable: std::ptr::null(),\n};",
                "    vtable: std::ptr::null(),\n    tags: RStr::from_static(\"\"),\n};",
            ),
            // The vtable, the glue's table and its description.
            (
                "abi.rs",
                "    pub last_error: unsafe extern \"C\" fn(instance: *const c_void, err: *mut MessageBuf),\n}",
                "    pub last_error: unsafe extern \"C\" fn(instance: *const c_void, err: *mut MessageBuf),\n    /// Appended in 2.1.\n    pub finish: unsafe extern \"C\" fn(instance: *mut c_void),\n}",
            ),
            (
                "export.rs",
                "        last_error: last_error::<S>,\n    };",
                "        last_error: last_error::<S>,\n        finish: destroy::<S>,\n    };",
            ),
            (
                "abi/layout.rs",
                "            last_error: unsafe extern \"C\" fn(*const c_void, *mut MessageBuf),\n        }",
                "            last_error: unsafe extern \"C\" fn(*const c_void, *mut MessageBuf),\n            ..\n        }",
            ),
        ],
    }
}

fn api_dir_name(api: Api) -> &'static str {
    match api {
        Api::Real => "plugins-api",
        Api::Swapped => "api-swapped",
        Api::NewerMinor => "api-newer-minor",
    }
}

/// Writes an altered copy of the API into `dir`.
fn write_api_copy(api: Api, real: &Path, dir: &Path) {
    // A fresh OUT_DIR has no such directory yet.
    std::fs::create_dir_all(dir).unwrap();
    let src = dir.join("src");
    let version = std::fs::read_to_string(real.join("Cargo.toml"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .expect("plugins-api/Cargo.toml has a version")
        .to_string();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"vertrouwen-plugins-api-{}\"\nversion = {version}\nedition = \"2021\"\npublish = false\n\n[lib]\nname = \"vertrouwen_plugins_api\"\n\n[features]\nauthor-kit = []\n",
            api_dir_name(api)
        ),
    )
    .unwrap();
    let patches = patches(api);
    let mut applied = 0;
    copy_patched(&real.join("src"), &src, "", &patches, &mut applied, api);
    assert_eq!(
        applied,
        patches.len(),
        "tests/build.rs: a patch for the {} copy of plugins-api names a file that does not exist",
        api_dir_name(api)
    );
}

/// Copies the sources under `from` into `to`, applying the patches meant for each file (named
/// by its path under `src/`, e.g. `abi/layout.rs`).
fn copy_patched(
    from: &Path,
    to: &Path,
    prefix: &str,
    patches: &[(&str, &str, &str)],
    applied: &mut usize,
    api: Api,
) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let rel = format!("{prefix}{name}");
        if path.is_dir() {
            copy_patched(
                &path,
                &to.join(&name),
                &format!("{rel}/"),
                patches,
                applied,
                api,
            );
            continue;
        }
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (target, from, replacement) in patches {
            if *target == rel {
                let n = text.matches(from).count();
                assert!(
                    n == 1,
                    "tests/build.rs: the patch for the {} copy of plugins-api matches {n} times in {rel} (expected once): {from:?}; update the patch to the current sources",
                    api_dir_name(api)
                );
                text = text.replace(from, replacement);
                *applied += 1;
            }
        }
        std::fs::write(to.join(&name), text).unwrap();
    }
}

fn cargo(workspace: &Path, target: &Path, packages: &[&str], panic_abort: bool) {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("build")
        .arg("--offline")
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target);
    for p in packages {
        cmd.args(["-p", p]);
    }
    if panic_abort {
        cmd.args(["--config", "profile.dev.panic=\"abort\""]);
    }
    // The outer build's settings are not the fixtures': its target directory is locked by it,
    // and clippy's wrapper and flags (under `cargo clippy`) would lint the fixtures.
    for var in [
        "CARGO_TARGET_DIR",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CLIPPY_ARGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("run cargo for the fixture plugins");
    if !out.status.success() {
        panic!(
            "building the fixture plugins failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let repo = manifest_dir.parent().unwrap().to_path_buf();
    let sources = manifest_dir.join("fixture-plugins");
    let real_api = repo.join("plugins-api");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let workspace = out.join("fixture-workspace");
    println!("cargo:rerun-if-changed={}", sources.display());
    println!("cargo:rerun-if-changed={}", real_api.join("src").display());
    println!(
        "cargo:rerun-if-changed={}",
        real_api.join("Cargo.toml").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        repo.join("Cargo.lock").display()
    );
    println!("cargo:rerun-if-changed=build.rs");

    std::fs::create_dir_all(&workspace).unwrap();
    let mut members = String::new();
    for api in [Api::Swapped, Api::NewerMinor] {
        if FIXTURES.iter().any(|f| f.api == api) {
            write_api_copy(api, &real_api, &workspace.join(api_dir_name(api)));
        }
    }
    for f in FIXTURES {
        let dir = workspace.join(f.name);
        std::fs::create_dir_all(&dir).unwrap();
        let api = match f.api {
            Api::Real => format!("path = {:?}", real_api.display().to_string()),
            other => format!(
                "package = \"vertrouwen-plugins-api-{0}\", path = \"../{0}\"",
                api_dir_name(other)
            ),
        };
        let mut manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = {:?}\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nvertrouwen-plugins-api = {{ {api} }}\n",
            f.name,
            sources.join(f.name).join("lib.rs").display().to_string(),
        );
        for d in f.dependencies {
            writeln!(manifest, "{d}").unwrap();
        }
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        write!(members, "{:?}, ", f.name).unwrap();
    }
    std::fs::write(
        workspace.join("Cargo.toml"),
        format!(
            "# Written by tests/build.rs: the fixture plugins, outside the main workspace.\n[workspace]\nresolver = \"2\"\nmembers = [{members}]\n\n[profile.dev]\nopt-level = 0\ndebug = false\nincremental = false\n"
        ),
    )
    .unwrap();
    // The repository's lock file, so that the same versions are used and nothing is fetched.
    std::fs::copy(repo.join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();

    let libs = out.join("fixture-libs");
    std::fs::create_dir_all(&libs).unwrap();
    for abort in [false, true] {
        let names: Vec<&str> = FIXTURES
            .iter()
            .filter(|f| f.panic_abort == abort)
            .map(|f| f.name)
            .collect();
        if names.is_empty() {
            continue;
        }
        let target = out.join(if abort {
            "fixture-target-abort"
        } else {
            "fixture-target"
        });
        cargo(&workspace, &target, &names, abort);
        for name in names {
            let file = format!(
                "{}{}{}",
                std::env::consts::DLL_PREFIX,
                name.replace('-', "_"),
                std::env::consts::DLL_SUFFIX
            );
            std::fs::copy(target.join("debug").join(&file), libs.join(&file))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }
    println!("cargo:rustc-env=VERTROUWEN_FIXTURE_LIBS={}", libs.display());
}
