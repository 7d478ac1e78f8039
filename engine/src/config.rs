//! RON configuration files: what users write to describe a study.
//!
//! ```ron
//! Tournament(
//!     name: "Classics",
//!     players: [
//!         "Tit For Tat",
//!         (name: "Random", params: "(p: 0.3)", label: "Random 30%"),
//!     ],
//!     game: "standard",          // a preset name, or (r: 3, s: 0, t: 5, p: 1)
//!     turns: 200,                // and/or prob_end: 0.005
//!     noise: 0.0,
//!     repetitions: 5,
//!     seed: 1,
//!     plugins: ["../target/release/libmy_plugin.so"],   // relative to this file
//! )
//! ```
//!
//! Unknown fields are rejected, and every error names the file, line and column and says what
//! was expected. Semantic errors (an unknown strategy, a noise of 1.5) point at the offending
//! value in the file.

use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use serde::Deserialize;
use thiserror::Error;

use crate::game::{Game, PRESETS};
use crate::matchup::MatchSpec;
use crate::registry::Registry;
use crate::tournament::{PlayerSpec, TournamentSpec};

/// A configuration error located in a file.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A study file. The variant name is written first in the file, e.g. `Tournament(...)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Study {
    Tournament(TournamentConfig),
}

/// A player: a display name, or a name with parameters and an optional label.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum PlayerConfig {
    Name(String),
    Full(PlayerDetails),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlayerDetails {
    pub name: String,
    /// Parameters as RON text, e.g. `"(p: 0.3)"` or `r#"(cycle: "CCCD")"#`.
    #[serde(default)]
    pub params: Option<String>,
    /// Name in the results; defaults to the display name (plus the parameters, if any).
    #[serde(default)]
    pub label: Option<String>,
}

/// A game: a preset name or four payoffs.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum GameConfig {
    Preset(String),
    Payoffs(Game),
}

impl Default for GameConfig {
    fn default() -> Self {
        GameConfig::Preset("standard".into())
    }
}

fn default_repetitions() -> u32 {
    1
}

/// A round-robin tournament.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub players: Vec<PlayerConfig>,
    #[serde(default)]
    pub plugins: Vec<PathBuf>,
    #[serde(default)]
    pub game: GameConfig,
    #[serde(default)]
    pub turns: Option<u64>,
    #[serde(default)]
    pub prob_end: Option<f64>,
    #[serde(default)]
    pub noise: f64,
    #[serde(default = "default_repetitions")]
    pub repetitions: u32,
    #[serde(default)]
    pub seed: u64,
}

/// A parsed file with its source text, for locating later errors.
#[derive(Clone, Debug)]
pub struct LoadedStudy {
    pub path: PathBuf,
    pub source: String,
    pub study: Study,
}

fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Parses study text; `file` is only used in error messages.
pub fn parse(file: &Path, source: &str) -> Result<Study, ConfigError> {
    ron_options().from_str::<Study>(source).map_err(|e| ConfigError {
        file: file.display().to_string(),
        line: e.span.start.line.max(1),
        column: e.span.start.col.max(1),
        message: explain(&e.code),
    })
}

/// Rewords RON's messages where they are unhelpful for a tournament file.
fn explain(code: &ron::Error) -> String {
    let text = code.to_string();
    if text.contains("did not match any variant of untagged enum PlayerConfig") {
        return "expected a player: a strategy name in quotes, or (name: \"..\", params: \"..\", label: \"..\")".into();
    }
    if text.contains("did not match any variant of untagged enum GameConfig") {
        return "expected a game: a preset name in quotes, or (r: 3, s: 0, t: 5, p: 1)".into();
    }
    format!("{text}")
}

/// Reads and parses a study file.
pub fn load(path: &Path) -> Result<LoadedStudy, ConfigError> {
    let source = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.display().to_string(),
        line: 1,
        column: 1,
        message: format!("cannot read the file: {e}"),
    })?;
    let study = parse(path, &source)?;
    Ok(LoadedStudy {
        path: path.to_path_buf(),
        source,
        study,
    })
}

/// Command-line settings that override the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub seed: Option<u64>,
    /// Extra plugins (paths as given, relative to the working directory).
    pub plugins: Vec<PathBuf>,
}

impl LoadedStudy {
    /// An error pointing at the first occurrence of `needle` in the file (or at line 1).
    pub fn error_at(&self, needle: &str, message: impl Into<String>) -> ConfigError {
        let (line, column) = locate(&self.source, needle);
        ConfigError {
            file: self.path.display().to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    /// Resolves a tournament file into a runnable spec: loads its plugins into `registry`,
    /// resolves every player and checks the match settings.
    pub fn tournament_spec(&self, registry: &mut Registry, overrides: &Overrides) -> Result<TournamentSpec, ConfigError> {
        let Study::Tournament(cfg) = &self.study;
        let base = self.path.parent().unwrap_or(Path::new("."));
        for plugin in &cfg.plugins {
            let full = base.join(plugin);
            registry
                .load_plugin(&full)
                .map_err(|e| self.error_at(&plugin.display().to_string(), e.to_string()))?;
        }
        for plugin in &overrides.plugins {
            registry.load_plugin(plugin).map_err(|e| ConfigError {
                file: plugin.display().to_string(),
                line: 1,
                column: 1,
                message: e.to_string(),
            })?;
        }
        if cfg.players.is_empty() {
            return Err(self.error_at("players", "expected at least one player"));
        }
        let mut players = Vec::with_capacity(cfg.players.len());
        for p in &cfg.players {
            let (name, params, label) = match p {
                PlayerConfig::Name(n) => (n, None, None),
                PlayerConfig::Full(d) => (&d.name, d.params.clone(), d.label.clone()),
            };
            let entry = registry
                .resolve(name)
                .map_err(|e| self.error_at(&format!("\"{name}\""), e.to_string()))?;
            if let Some(text) = &params {
                // Create once now so bad parameters are reported against this file.
                entry
                    .instantiate(Some(text))
                    .map_err(|e| self.error_at(text, format!("bad parameters for {name:?}: {}", e.message)))?;
            }
            let label = label.unwrap_or_else(|| match &params {
                Some(t) => format!("{name} {t}"),
                None => name.clone(),
            });
            players.push(PlayerSpec {
                entry: entry.clone(),
                params,
                label,
            });
        }
        let game = match &cfg.game {
            GameConfig::Preset(name) => Game::preset(name).ok_or_else(|| {
                let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
                self.error_at(
                    &format!("\"{name}\""),
                    format!("unknown game {name:?}; expected one of {} or (r: .., s: .., t: .., p: ..)", names.join(", ")),
                )
            })?,
            GameConfig::Payoffs(g) => {
                g.validate().map_err(|m| self.error_at("game", m))?;
                *g
            }
        };
        let matches = MatchSpec::new(cfg.turns, cfg.prob_end, cfg.noise, game).map_err(|m| {
            let field = ["noise", "prob_end", "turns"]
                .into_iter()
                .find(|f| m.contains(f))
                .unwrap_or("turns");
            self.error_at(field, m)
        })?;
        if cfg.repetitions == 0 {
            return Err(self.error_at("repetitions", "`repetitions` must be at least 1"));
        }
        Ok(TournamentSpec {
            players,
            matches,
            repetitions: cfg.repetitions,
            seed: overrides.seed.unwrap_or(cfg.seed),
        })
    }
}

/// 1-based line and column of the first occurrence of `needle`, or (1, 1).
fn locate(source: &str, needle: &str) -> (usize, usize) {
    let Some(offset) = source.find(needle) else {
        return (1, 1);
    };
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study(text: &str) -> Result<LoadedStudy, ConfigError> {
        let path = PathBuf::from("test.ron");
        let study = parse(&path, text)?;
        Ok(LoadedStudy {
            path,
            source: text.to_string(),
            study,
        })
    }

    fn registry() -> Registry {
        let mut r = Registry::new();
        r.add_static(vertrouwen_strategies::plugin_header()).unwrap();
        r
    }

    #[test]
    fn minimal_tournament_parses_with_defaults() {
        let s = study("Tournament(players: [\"Cooperator\", \"Defector\"], turns: 10)").unwrap();
        let spec = s.tournament_spec(&mut registry(), &Overrides::default()).unwrap();
        assert_eq!(spec.players.len(), 2);
        assert_eq!(spec.repetitions, 1);
        assert_eq!(spec.matches.game, Game::STANDARD);
    }

    #[test]
    fn unknown_field_names_line_and_column() {
        let e = study("Tournament(\n  players: [\"Cooperator\"],\n  turns: 10,\n  nosie: 0.1,\n)").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("test.ron", 4), "{e}");
        assert!(e.message.contains("nosie"), "{e}");
    }

    #[test]
    fn unknown_strategy_points_at_it() {
        let s = study("Tournament(\n  players: [\n    \"Cooperator\",\n    \"Tit For Tatt\",\n  ],\n  turns: 10,\n)").unwrap();
        let e = s.tournament_spec(&mut registry(), &Overrides::default()).unwrap_err();
        assert_eq!((e.line, e.column), (4, 5), "{e}");
        assert!(e.message.contains("unknown strategy"), "{e}");
    }

    #[test]
    fn bad_noise_points_at_the_field() {
        let s = study("Tournament(players: [\"Cooperator\"],\n turns: 5,\n noise: 1.5)").unwrap();
        let e = s.tournament_spec(&mut registry(), &Overrides::default()).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("noise"), "{e}");
    }

    #[test]
    fn bad_parameters_and_games_are_reported() {
        let s = study("Tournament(players: [(name: \"Random\", params: \"(p: 7.0)\")], turns: 5)").unwrap();
        let e = s.tournament_spec(&mut registry(), &Overrides::default()).unwrap_err();
        assert!(e.message.contains("bad parameters"), "{e}");
        let s = study("Tournament(players: [\"Cooperator\"], turns: 5, game: \"chicken\")").unwrap();
        let e = s.tournament_spec(&mut registry(), &Overrides::default()).unwrap_err();
        assert!(e.message.contains("unknown game"), "{e}");
        let s = study("Tournament(players: [\"Cooperator\"], turns: 5, game: (r: 4, s: -1, t: 6, p: 0))").unwrap();
        let spec = s.tournament_spec(&mut registry(), &Overrides::default()).unwrap();
        assert_eq!(spec.matches.game.s, -1.0);
    }

    #[test]
    fn syntax_error_is_located() {
        let e = study("Tournament(\n  players: [\"Cooperator\"\n  turns: 10,\n)").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn locate_counts_from_one() {
        assert_eq!(locate("ab\ncd", "d"), (2, 2));
        assert_eq!(locate("ab", "zz"), (1, 1));
    }
}
