//! `vertrouwen new-plugin NAME`: writes a standalone strategy plugin crate to start from.
//!
//! The files are those of `templates/plugin/` in the repository (a workspace member, so they
//! are built, linted and tested like any code), embedded in the binary; a few marked strings
//! are replaced: the crate name, the strategy's display name, and the path of the
//! `vertrouwen-plugins-api` copy on this machine.

use std::path::{Path, PathBuf};

use clap::Args;
use vertrouwen_plugins_api::abi::name_problem;

use crate::failure::Failure;
use crate::terminal::print;

const CARGO_TOML: &str = include_str!("../../../templates/plugin/Cargo.toml");
const LIB_RS: &str = include_str!("../../../templates/plugin/src/lib.rs");
const README: &str = include_str!("../../../templates/plugin/README.md");
const GITIGNORE: &str = include_str!("../../../templates/plugin/.gitignore");

/// The template's own crate name and display name, replaced by the new ones.
const TEMPLATE_CRATE: &str = "plugin-template";
const TEMPLATE_STRATEGY: &str = "Template Strategy";
/// The template's path dependency (relative to `templates/plugin/`), replaced by an absolute one.
const TEMPLATE_API_PATH: &str = "path = \"../../plugins-api\", ";

#[derive(Debug, Args)]
pub struct NewPluginArgs {
    /// The crate's name: letters, digits, '-' and '_', starting with a letter (e.g. my-strategy).
    /// The strategy's display name is made from it ("My Strategy") unless --strategy-name is given.
    pub name: String,
    /// The directory to create [default: ./NAME].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The strategy's display name, as players and tournament files will write it.
    #[arg(long, value_name = "NAME")]
    pub strategy_name: Option<String>,
    /// The vertrouwen-plugins-api crate to depend on by path [default: the one in the repository
    /// this binary was built from, if it is still there; else the crates.io version only].
    #[arg(long, value_name = "DIR")]
    pub api_path: Option<PathBuf>,
}

/// "my-strategy" -> "My Strategy".
fn display_name(crate_name: &str) -> String {
    crate_name
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_crate_name(name: &str) -> Result<(), Failure> {
    let ok = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Failure::Message(format!(
            "{name:?} is not a crate name: use up to 64 letters, digits, '-' and '_', starting with a letter (e.g. my-strategy)"
        )))
    }
}

/// The repository's plugins-api next to the crate this binary was built from, if it exists.
fn default_api_path() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins-api");
    path.join("Cargo.toml")
        .is_file()
        .then(|| std::fs::canonicalize(&path).ok())
        .flatten()
}

/// `text` with `from` (which must occur) replaced by `to`.
fn replace(text: &str, from: &str, to: &str, file: &str) -> String {
    assert!(
        text.contains(from),
        "templates/plugin/{file} no longer contains {from:?}; update cli/src/new_plugin.rs"
    );
    text.replace(from, to)
}

/// The files of a new plugin crate, as (relative path, contents).
pub fn files(
    crate_name: &str,
    strategy: &str,
    api_path: Option<&Path>,
) -> Vec<(&'static str, String)> {
    let lib = crate_name.replace('-', "_");
    let quoted = format!("{strategy:?}");
    let dependency = match api_path {
        Some(p) => format!("path = {:?}, ", p.display().to_string()),
        None => String::new(),
    };
    let mut cargo = replace(
        CARGO_TOML,
        &format!("name = \"{TEMPLATE_CRATE}\""),
        &format!("name = \"{crate_name}\""),
        "Cargo.toml",
    );
    cargo = replace(&cargo, TEMPLATE_API_PATH, &dependency, "Cargo.toml");
    // Its own workspace, so that it builds even inside another project's directory.
    cargo.push_str(
        "\n# A workspace of its own, even inside another project's directory.\n[workspace]\n",
    );
    let lib_rs = replace(
        LIB_RS,
        &format!("\"{TEMPLATE_STRATEGY}\""),
        &quoted,
        "src/lib.rs",
    );
    let mut readme = replace(README, TEMPLATE_CRATE, crate_name, "README.md");
    readme = readme.replace(&TEMPLATE_CRATE.replace('-', "_"), &lib);
    readme = replace(
        &readme,
        &format!("\"{TEMPLATE_STRATEGY}\""),
        &quoted,
        "README.md",
    );
    vec![
        ("Cargo.toml", cargo),
        ("src/lib.rs", lib_rs),
        ("README.md", readme),
        (".gitignore", GITIGNORE.to_string()),
    ]
}

pub fn new_plugin(a: NewPluginArgs) -> Result<(), Failure> {
    let builtins = &crate::settings::builtins()?;
    check_crate_name(&a.name)?;
    let strategy = a
        .strategy_name
        .clone()
        .unwrap_or_else(|| display_name(&a.name));
    if let Some(problem) = name_problem(&strategy) {
        return Err(Failure::Message(format!(
            "the strategy name {strategy:?} {problem}; give another with --strategy-name"
        )));
    }
    if builtins.resolve(&strategy).is_ok() {
        return Err(Failure::Message(format!(
            "the strategy name {strategy:?} is a built-in strategy's (or an alias of one); choose another NAME or --strategy-name"
        )));
    }
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from(&a.name));
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Failure::Message(format!(
            "{}: already exists and is not empty; choose another --dir",
            dir.display()
        )));
    }
    let api_path = match &a.api_path {
        Some(p) => Some(
            std::fs::canonicalize(p)
                .map_err(|e| Failure::Message(format!("--api-path {}: {e}", p.display())))?,
        ),
        None => default_api_path(),
    };
    if let Some(p) = &api_path {
        if !p.join("Cargo.toml").is_file() {
            return Err(Failure::Message(format!(
                "--api-path {}: no Cargo.toml there; give the vertrouwen-plugins-api directory (plugins-api/ in the Vertrouwen repository)",
                p.display()
            )));
        }
    }
    for (file, text) in files(&a.name, &strategy, api_path.as_deref()) {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::Message(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Failure::Message(format!("{}: {e}", path.display())))?;
    }
    let lib = format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        a.name.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    );
    let shown = dir.display();
    let mut text = format!(
        "Created {shown}: crate {:?} with one strategy, {strategy:?} (src/lib.rs).\n",
        a.name
    );
    match &api_path {
        Some(p) => text.push_str(&format!(
            "It depends on vertrouwen-plugins-api at {}.\n",
            p.display()
        )),
        None => text.push_str(
            "It depends on vertrouwen-plugins-api from crates.io (no local copy found; give one with --api-path).\n",
        ),
    }
    text.push_str(&format!(
        "Next:\n  cd {shown}\n  cargo test\n  cargo build --release\n  vertrouwen check-plugin target/release/{lib}\n"
    ));
    print(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_display_names() {
        assert_eq!(display_name("my-strategy"), "My Strategy");
        assert_eq!(display_name("tit_for_two"), "Tit For Two");
        assert!(check_crate_name("my-strategy").is_ok());
        assert!(check_crate_name("9lives").is_err());
        assert!(check_crate_name("a b").is_err());
    }

    #[test]
    fn every_marker_is_replaced() {
        let written = files(
            "patient-mirror",
            "Patient \"Mirror\"",
            Some(Path::new("/x/api")),
        );
        let get = |name: &str| &written.iter().find(|(f, _)| *f == name).unwrap().1;
        let cargo = get("Cargo.toml");
        assert!(cargo.contains("name = \"patient-mirror\""), "{cargo}");
        assert!(
            cargo.contains(r#"vertrouwen-plugins-api = { version = "2.0.0", path = "/x/api", features = ["author-kit"] }"#),
            "{cargo}"
        );
        assert!(cargo.trim_end().ends_with("[workspace]"));
        assert!(get("src/lib.rs").contains(r#"name: "Patient \"Mirror\"","#));
        for (file, text) in &written {
            assert!(!text.contains(TEMPLATE_STRATEGY), "{file}");
            assert!(!text.contains(TEMPLATE_CRATE), "{file}");
            assert!(!text.contains("plugin_template"), "{file}");
        }
        let without = files("p", "P", None);
        assert!(without[0].1.contains(
            r#"vertrouwen-plugins-api = { version = "2.0.0", features = ["author-kit"] }"#
        ));
    }

    /// The version the template asks for is the ABI crate's own.
    #[test]
    fn the_template_asks_for_this_api_version() {
        let api = include_str!("../../../plugins-api/Cargo.toml");
        let version = api
            .lines()
            .find_map(|l| l.strip_prefix("version = "))
            .unwrap();
        assert!(
            CARGO_TOML.contains(&format!("vertrouwen-plugins-api = {{ version = {version},")),
            "templates/plugin/Cargo.toml must ask for vertrouwen-plugins-api {version}"
        );
    }
}
