//! The strategies an engine knows: built-ins plus loaded plugins, looked up by display name.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use thiserror::Error;
use vertrouwen_plugins_api::StaticPlugin;

pub use crate::loader::StrategySource;
use crate::loader::{self, LoadError, StrategyEntry};
use crate::sandbox::{IsolatedPlugin, Isolation, SandboxError};

#[derive(Debug, Error)]
pub enum RegistryError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error("{source_}: strategy name {name:?} is already taken by {first}; display names must be unique across the built-ins and every loaded plugin (rename it in the plugin's export_plugin! list)")]
    Duplicate {
        name: String,
        first: String,
        source_: String,
    },
    #[error("unknown strategy {name:?}{hint}")]
    Unknown { name: String, hint: String },
}

/// All strategies available to a run, in load order.
#[derive(Debug, Default)]
pub struct Registry {
    entries: Vec<StrategyEntry>,
    by_name: HashMap<String, usize>,
    /// Other names that resolve to an entry (e.g. Axelrod-Python's class-level names).
    aliases: HashMap<String, usize>,
    /// Name and version of each library added.
    plugins: Vec<(String, String)>,
    /// When set, plugins are loaded isolated (in worker processes), never in this process.
    isolation: Option<Isolation>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the strategies of a statically linked library (e.g. the built-in library's
    /// `plugin_library()`), validated exactly as a loaded plugin would be.
    pub fn add_static(&mut self, library: StaticPlugin) -> Result<usize, RegistryError> {
        let contents = loader::read_static(library)?;
        self.record_plugin(&contents);
        self.add_all(contents.strategies)
    }

    /// From now on, load plugins isolated: each in its own confined worker processes.
    pub fn isolate(&mut self, isolation: Isolation) {
        self.isolation = Some(isolation);
    }

    /// Whether plugins are loaded isolated.
    pub fn isolation(&self) -> Option<&Isolation> {
        self.isolation.as_ref()
    }

    /// Loads a plugin library and adds its strategies: in this process, or isolated if
    /// [`Registry::isolate`] was called.
    pub fn load_plugin(&mut self, path: &Path) -> Result<usize, RegistryError> {
        if let Some(isolation) = &self.isolation {
            let plugin = Arc::new(IsolatedPlugin::start(path, isolation)?);
            let entries: Vec<StrategyEntry> = (0..plugin.strategies().len())
                .filter_map(|k| StrategyEntry::isolated(&plugin, k))
                .collect();
            let n = self.add_all(entries)?;
            let (name, version) = plugin.plugin();
            self.plugins.push((name.to_string(), version.to_string()));
            return Ok(n);
        }
        let contents = loader::load_plugin(path)?;
        self.add_all(contents.strategies.clone())?;
        self.record_plugin(&contents);
        Ok(contents.strategies.len())
    }

    fn record_plugin(&mut self, contents: &loader::PluginContents) {
        self.plugins
            .push((contents.name.clone(), contents.version.clone()));
    }

    /// Name and version of every library added, in order.
    pub fn plugins(&self) -> &[(String, String)] {
        &self.plugins
    }

    fn add_all(&mut self, strategies: Vec<StrategyEntry>) -> Result<usize, RegistryError> {
        // Check the whole batch first so a failed plugin adds nothing.
        let mut seen: HashMap<&str, &StrategyEntry> = HashMap::new();
        for s in &strategies {
            let taken = self
                .by_name
                .get(&s.name)
                .or_else(|| self.aliases.get(&s.name))
                .map(|&i| &self.entries[i])
                .or_else(|| seen.get(s.name.as_str()).copied());
            if let Some(first) = taken {
                return Err(RegistryError::Duplicate {
                    name: s.name.clone(),
                    first: first.source.to_string(),
                    source_: s.source.to_string(),
                });
            }
            seen.insert(&s.name, s);
        }
        let n = strategies.len();
        for s in strategies {
            self.by_name.insert(s.name.clone(), self.entries.len());
            self.entries.push(s);
        }
        Ok(n)
    }

    /// Lets `alias` resolve to the strategy named `target`. Aliases never shadow display names.
    pub fn add_alias(&mut self, alias: &str, target: &str) -> Result<(), RegistryError> {
        let index = *self
            .by_name
            .get(target)
            .ok_or_else(|| RegistryError::Unknown {
                name: target.to_string(),
                hint: format!(" (target of the alias {alias:?})"),
            })?;
        if let Some(&i) = self.by_name.get(alias) {
            return Err(RegistryError::Duplicate {
                name: alias.to_string(),
                first: self.entries[i].source.to_string(),
                source_: "an alias".to_string(),
            });
        }
        self.aliases.insert(alias.to_string(), index);
        Ok(())
    }

    /// Every known strategy in load order.
    pub fn entries(&self) -> &[StrategyEntry] {
        &self.entries
    }

    /// Looks a strategy up by its exact display name; on failure suggests close names.
    pub fn resolve(&self, name: &str) -> Result<&StrategyEntry, RegistryError> {
        if let Some(&i) = self.by_name.get(name).or_else(|| self.aliases.get(name)) {
            return Ok(&self.entries[i]);
        }
        let folded = fold(name);
        let mut near: Vec<(usize, &str)> = self
            .entries
            .iter()
            .map(|e| (edit_distance(&folded, &fold(&e.name)), e.name.as_str()))
            .filter(|(d, n)| *d <= 3.max(name.len() / 4) || fold(n).contains(&folded))
            .collect();
        near.sort();
        let hint = if near.is_empty() {
            "; `vertrouwen strategies` lists every name".to_string()
        } else {
            let names: Vec<String> = near.iter().take(3).map(|(_, n)| format!("{n:?}")).collect();
            format!("; did you mean {}?", names.join(" or "))
        };
        Err(RegistryError::Unknown {
            name: name.to_string(),
            hint,
        })
    }
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance, for "did you mean" hints only.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The built-in library, statically linked: the registry every engine test starts from.
    pub(crate) fn registry() -> Registry {
        let mut r = Registry::new();
        r.add_static(vertrouwen_strategies::plugin_library())
            .unwrap();
        r
    }

    #[test]
    fn resolves_exact_names_and_suggests() {
        let r = registry();
        assert_eq!(r.resolve("Cooperator").unwrap().name, "Cooperator");
        let e = r.resolve("cooperater").unwrap_err().to_string();
        assert!(e.contains("did you mean \"Cooperator\""), "{e}");
    }

    #[test]
    fn duplicate_names_are_refused_and_nothing_is_added() {
        let mut r = registry();
        let before = r.entries().len();
        let e = r
            .add_static(vertrouwen_strategies::plugin_library())
            .unwrap_err();
        assert!(e.to_string().contains("already taken by builtin"), "{e}");
        assert_eq!(r.entries().len(), before);
    }

    #[test]
    fn aliases_resolve_but_never_shadow() {
        let mut r = registry();
        r.add_alias("ALLC", "Cooperator").unwrap();
        assert_eq!(r.resolve("ALLC").unwrap().name, "Cooperator");
        assert!(r.add_alias("Defector", "Cooperator").is_err());
        assert!(r.add_alias("X", "No Such Strategy").is_err());
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
