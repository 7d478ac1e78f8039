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
//! Evolutionary-dynamics studies take their payoffs either from matches between named
//! strategies or directly from a matrix (see [`crate::evolution`] for the conventions):
//!
//! ```ron
//! Ecological(
//!     name: "Axelrod's ecological simulation",
//!     payoffs: Matches(
//!         players: ["Tit For Tat", "Defector", "Random"],
//!         turns: 200,
//!         payoff: PerTurn,        // or Totals: the convention changes the numbers
//!         repetitions: 10,        // matches per stochastic pair (deterministic: played once)
//!         seed: 1,
//!     ),
//!     generations: 1000,          // discrete replicator from uniform shares (or `initial`)
//! )
//! Fixation(payoffs: Matrix(strategies: ["TFT", "ALLD"], rows: [[30, 9], [14, 10]]),
//!          population: 10, processes: [Moran(w: 0.1), Fermi(beta: 0.1)])
//! Replicator(payoffs: .., time: 50.0, points: 100, mutation: 0.001)
//! Stationary(payoffs: .., population: 100, process: Fermi(beta: 1.0))
//! Simulation(payoffs: .., mode: Matches, rule: DeathBirth, fitness: Linear(w: 1.0),
//!            graph: Complete(n: 10), initial: [2, 2, 2, 2, 2], runs: 100, seed: 1)
//! ```
//!
//! Unknown fields are rejected, and every error names the file, line and column and says what
//! was expected. Semantic errors (an unknown strategy, a noise of 1.5) point at the offending
//! value in the file.

use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use serde::Deserialize;
use thiserror::Error;

use crate::evolution::{
    DynamicsKind, DynamicsSpec, MatchPayoffSpec, PayoffInput, PayoffKind, SimulationMode,
};
use crate::game::{Game, PRESETS};
use crate::matchup::MatchSpec;
use crate::moran::Process;
use crate::payoff_matrix::PayoffMatrix;
use crate::population::{FitnessMap, Graph, SimulationConfig, UpdateRule};
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
    /// Discrete replicator map (Axelrod's ecological simulation).
    Ecological(EcologicalConfig),
    /// Continuous replicator equation, optionally with uniform mutation.
    Replicator(ReplicatorConfig),
    /// Exact two-strategy fixation probabilities (Moran and/or Fermi).
    Fixation(FixationConfig),
    /// Small-mutation-limit stationary distribution over `n` strategies.
    Stationary(StationaryConfig),
    /// Stochastic simulation of a finite population.
    Simulation(SimulationStudyConfig),
}

impl Study {
    /// Whether the file asks for isolated plugins, and their limits.
    pub fn isolation(&self) -> (bool, crate::sandbox::Limits) {
        match self {
            Study::Tournament(c) => (c.isolate, c.limits),
            _ => (false, crate::sandbox::Limits::default()),
        }
    }

    /// The variant's name as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Study::Tournament(_) => "Tournament",
            Study::Ecological(_) => "Ecological",
            Study::Replicator(_) => "Replicator",
            Study::Fixation(_) => "Fixation",
            Study::Stationary(_) => "Stationary",
            Study::Simulation(_) => "Simulation",
        }
    }

    /// The study's `name`, if given.
    pub fn name(&self) -> Option<&str> {
        match self {
            Study::Tournament(c) => c.name.as_deref(),
            Study::Ecological(c) => c.name.as_deref(),
            Study::Replicator(c) => c.name.as_deref(),
            Study::Fixation(c) => c.name.as_deref(),
            Study::Stationary(c) => c.name.as_deref(),
            Study::Simulation(c) => c.name.as_deref(),
        }
    }
}

/// Where the payoffs of a dynamics study come from.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PayoffSourceConfig {
    /// Computed from matches between the named strategies.
    Matches(MatchPayoffConfig),
    /// Given directly: `rows[i][j]` is what strategy `i` gets against `j`.
    Matrix(MatrixConfig),
}

/// Payoffs from matches (conventions in [`crate::evolution`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchPayoffConfig {
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
    /// `Totals` or `PerTurn`: required, because it changes the numbers.
    pub payoff: PayoffKind,
    /// Matches per stochastic pair (deterministic pairs are played once).
    #[serde(default = "default_repetitions")]
    pub repetitions: u32,
    #[serde(default)]
    pub seed: u64,
}

/// A payoff matrix given in the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixConfig {
    /// Strategy labels (default "1", "2", ...).
    #[serde(default)]
    pub strategies: Option<Vec<String>>,
    pub rows: Vec<Vec<f64>>,
}

/// `Ecological(...)`: the discrete replicator map.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcologicalConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: PayoffSourceConfig,
    /// Initial shares (normalised; default uniform).
    #[serde(default)]
    pub initial: Option<Vec<f64>>,
    pub generations: usize,
}

fn default_points() -> usize {
    100
}

/// `Replicator(...)`: the continuous replicator equation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicatorConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: PayoffSourceConfig,
    #[serde(default)]
    pub initial: Option<Vec<f64>>,
    /// Final time.
    pub time: f64,
    /// Output intervals: shares are written at `points + 1` equally spaced times.
    #[serde(default = "default_points")]
    pub points: usize,
    /// Uniform mutation probability per birth (replicator-mutator equation).
    #[serde(default)]
    pub mutation: Option<f64>,
}

/// `Fixation(...)`: exact fixation probabilities of two strategies.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixationConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: PayoffSourceConfig,
    pub population: usize,
    /// E.g. `[Moran(w: 0.1), Fermi(beta: 0.1)]`.
    pub processes: Vec<Process>,
}

/// `Stationary(...)`: the small-mutation-limit stationary distribution.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationaryConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: PayoffSourceConfig,
    pub population: usize,
    pub process: Process,
}

fn default_mode() -> SimulationMode {
    SimulationMode::Cached
}

fn default_fitness() -> FitnessMap {
    FitnessMap::Linear { w: 1.0 }
}

fn default_runs() -> u64 {
    1000
}

/// `Simulation(...)`: Moran / Fermi population simulation (see [`crate::population`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationStudyConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: PayoffSourceConfig,
    /// `Cached` (payoff matrix computed once) or `Matches` (a real match for every payoff).
    #[serde(default = "default_mode")]
    pub mode: SimulationMode,
    /// `BirthDeath`, `DeathBirth` or `Fermi(beta: ..)`.
    pub rule: UpdateRule,
    /// `Linear(w: ..)` (default `w = 1`) or `Exponential(w: ..)`; Moran rules only.
    #[serde(default = "default_fitness")]
    pub fitness: FitnessMap,
    #[serde(default)]
    pub mutation: f64,
    /// `Complete(n: ..)`, `Cycle(n: ..)`, `Lattice(width: .., height: ..)`, `Star(n: ..)`,
    /// `Edges(n: .., edges: [(0, 1), ..])`.
    pub graph: Graph,
    #[serde(default)]
    pub reproduction: Option<Graph>,
    /// Initial number of individuals of each strategy.
    pub initial: Vec<usize>,
    #[serde(default)]
    pub max_steps: Option<u64>,
    #[serde(default = "default_runs")]
    pub runs: u64,
    #[serde(default)]
    pub seed: u64,
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
    /// Run the plugins isolated (untrusted submissions); see `docs/plugins.md`.
    #[serde(default)]
    pub isolate: bool,
    /// Limits of isolated plugins; defaults as `crate::sandbox::Limits`.
    #[serde(default)]
    pub limits: crate::sandbox::Limits,
    /// Mutual cooperations in a row that count as trust (default 5; see `crate::trust`).
    #[serde(default)]
    pub trust_run: Option<u32>,
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
    ron_options()
        .from_str::<Study>(source)
        .map_err(|e| ConfigError {
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
    text
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
    /// Trust run length, overriding the file's `trust_run`.
    pub trust_run: Option<u32>,
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
    pub fn tournament_spec(
        &self,
        registry: &mut Registry,
        overrides: &Overrides,
    ) -> Result<TournamentSpec, ConfigError> {
        let Study::Tournament(cfg) = &self.study else {
            return Err(self.error_at(
                self.study.kind(),
                format!("expected a Tournament study, found {}", self.study.kind()),
            ));
        };
        self.load_plugins(registry, &cfg.plugins, overrides)?;
        let players = self.resolve_players(registry, &cfg.players)?;
        let mut matches = self.match_spec(&cfg.game, cfg.turns, cfg.prob_end, cfg.noise)?;
        if cfg.repetitions == 0 {
            return Err(self.error_at("repetitions", "`repetitions` must be at least 1"));
        }
        if let Some(k) = overrides.trust_run.or(cfg.trust_run) {
            crate::trust::validate_run(k).map_err(|m| self.error_at("trust_run", m))?;
            matches.trust_run = k;
        }
        Ok(TournamentSpec {
            players,
            matches,
            repetitions: cfg.repetitions,
            seed: overrides.seed.unwrap_or(cfg.seed),
        })
    }

    fn load_plugins(
        &self,
        registry: &mut Registry,
        plugins: &[PathBuf],
        overrides: &Overrides,
    ) -> Result<(), ConfigError> {
        let base = self.path.parent().unwrap_or(Path::new("."));
        for plugin in plugins {
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
        Ok(())
    }

    fn resolve_players(
        &self,
        registry: &Registry,
        list: &[PlayerConfig],
    ) -> Result<Vec<PlayerSpec>, ConfigError> {
        if list.is_empty() {
            return Err(self.error_at("players", "expected at least one player"));
        }
        let mut players = Vec::with_capacity(list.len());
        for p in list {
            let (name, params, label) = match p {
                PlayerConfig::Name(n) => (n, None, None),
                PlayerConfig::Full(d) => (&d.name, d.params.clone(), d.label.clone()),
            };
            let entry = registry
                .resolve(name)
                .map_err(|e| self.error_at(&format!("\"{name}\""), e.to_string()))?;
            if let Some(text) = &params {
                // Create once now so bad parameters are reported against this file.
                entry.instantiate(Some(text)).map_err(|e| {
                    self.error_at(text, format!("bad parameters for {name:?}: {}", e.message))
                })?;
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
        Ok(players)
    }

    fn match_spec(
        &self,
        game: &GameConfig,
        turns: Option<u64>,
        prob_end: Option<f64>,
        noise: f64,
    ) -> Result<MatchSpec, ConfigError> {
        let game = match game {
            GameConfig::Preset(name) => Game::preset(name).ok_or_else(|| {
                let names: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
                self.error_at(
                    &format!("\"{name}\""),
                    format!(
                        "unknown game {name:?}; expected one of {} or (r: .., s: .., t: .., p: ..)",
                        names.join(", ")
                    ),
                )
            })?,
            GameConfig::Payoffs(g) => {
                g.validate().map_err(|m| self.error_at("game", m))?;
                *g
            }
        };
        MatchSpec::new(turns, prob_end, noise, game).map_err(|m| {
            let field = ["noise", "prob_end", "turns"]
                .into_iter()
                .find(|f| m.contains(f))
                .unwrap_or("turns");
            self.error_at(field, m)
        })
    }

    fn payoff_input(
        &self,
        registry: &mut Registry,
        src: &PayoffSourceConfig,
        overrides: &Overrides,
    ) -> Result<PayoffInput, ConfigError> {
        match src {
            PayoffSourceConfig::Matrix(m) => {
                let matrix = PayoffMatrix::from_rows(&m.rows)
                    .map_err(|e| self.error_at("rows", format!("bad payoff matrix: {e}")))?;
                let labels = match &m.strategies {
                    Some(l) if l.len() != matrix.size() => {
                        return Err(self.error_at(
                            "strategies",
                            format!(
                                "`strategies` has {} names but the matrix has {} rows",
                                l.len(),
                                matrix.size()
                            ),
                        ))
                    }
                    Some(l) => l.clone(),
                    None => (1..=matrix.size()).map(|i| i.to_string()).collect(),
                };
                Ok(PayoffInput::Matrix { labels, matrix })
            }
            PayoffSourceConfig::Matches(c) => {
                self.load_plugins(registry, &c.plugins, overrides)?;
                let players = self.resolve_players(registry, &c.players)?;
                let matches = self.match_spec(&c.game, c.turns, c.prob_end, c.noise)?;
                if c.repetitions == 0 {
                    return Err(self.error_at("repetitions", "`repetitions` must be at least 1"));
                }
                Ok(PayoffInput::Matches(MatchPayoffSpec {
                    players,
                    matches,
                    repetitions: c.repetitions,
                    seed: overrides.seed.unwrap_or(c.seed),
                    kind: c.payoff,
                }))
            }
        }
    }

    fn strategy_count(payoffs: &PayoffInput) -> usize {
        match payoffs {
            PayoffInput::Matrix { matrix, .. } => matrix.size(),
            PayoffInput::Matches(m) => m.players.len(),
        }
    }

    fn check_shares(&self, initial: &Option<Vec<f64>>, n: usize) -> Result<(), ConfigError> {
        if let Some(x) = initial {
            if x.len() != n {
                return Err(self.error_at(
                    "initial",
                    format!(
                        "`initial` has {} shares but there are {n} strategies",
                        x.len()
                    ),
                ));
            }
            if x.iter().any(|v| !v.is_finite() || *v < 0.0) || x.iter().sum::<f64>() <= 0.0 {
                return Err(self.error_at(
                    "initial",
                    "`initial` shares must be finite, >= 0 and not all zero",
                ));
            }
        }
        Ok(())
    }

    /// Resolves a dynamics study (every variant except `Tournament`) into a runnable spec.
    pub fn dynamics_spec(
        &self,
        registry: &mut Registry,
        overrides: &Overrides,
    ) -> Result<DynamicsSpec, ConfigError> {
        let (name, kind) = match &self.study {
            Study::Tournament(_) => {
                return Err(
                    self.error_at("Tournament", "expected a dynamics study, found Tournament")
                );
            }
            Study::Ecological(c) => {
                let payoffs = self.payoff_input(registry, &c.payoffs, overrides)?;
                self.check_shares(&c.initial, Self::strategy_count(&payoffs))?;
                (
                    c.name.clone(),
                    (
                        payoffs,
                        DynamicsKind::Ecological {
                            initial: c.initial.clone(),
                            generations: c.generations,
                        },
                    ),
                )
            }
            Study::Replicator(c) => {
                let payoffs = self.payoff_input(registry, &c.payoffs, overrides)?;
                self.check_shares(&c.initial, Self::strategy_count(&payoffs))?;
                if !(c.time.is_finite() && c.time > 0.0) {
                    return Err(self.error_at(
                        "time",
                        format!("`time` must be finite and > 0, got {}", c.time),
                    ));
                }
                if c.points == 0 {
                    return Err(self.error_at("points", "`points` must be at least 1"));
                }
                if let Some(mu) = c.mutation {
                    if !(0.0..=1.0).contains(&mu) {
                        return Err(self.error_at(
                            "mutation",
                            format!("`mutation` must be in [0, 1], got {mu}"),
                        ));
                    }
                }
                (
                    c.name.clone(),
                    (
                        payoffs,
                        DynamicsKind::Replicator {
                            initial: c.initial.clone(),
                            time: c.time,
                            points: c.points,
                            mutation: c.mutation,
                        },
                    ),
                )
            }
            Study::Fixation(c) => {
                let payoffs = self.payoff_input(registry, &c.payoffs, overrides)?;
                let n = Self::strategy_count(&payoffs);
                if n != 2 {
                    return Err(self.error_at(
                        "payoffs",
                        format!("a Fixation study needs exactly 2 strategies, got {n}"),
                    ));
                }
                if c.population < 2 {
                    return Err(self.error_at(
                        "population",
                        format!("`population` must be at least 2, got {}", c.population),
                    ));
                }
                if c.processes.is_empty() {
                    return Err(self.error_at(
                        "processes",
                        "expected at least one process, e.g. [Moran(w: 0.1)]",
                    ));
                }
                (
                    c.name.clone(),
                    (
                        payoffs,
                        DynamicsKind::Fixation {
                            population: c.population,
                            processes: c.processes.clone(),
                        },
                    ),
                )
            }
            Study::Stationary(c) => {
                let payoffs = self.payoff_input(registry, &c.payoffs, overrides)?;
                if c.population < 2 {
                    return Err(self.error_at(
                        "population",
                        format!("`population` must be at least 2, got {}", c.population),
                    ));
                }
                (
                    c.name.clone(),
                    (
                        payoffs,
                        DynamicsKind::Stationary {
                            population: c.population,
                            process: c.process,
                        },
                    ),
                )
            }
            Study::Simulation(c) => {
                let payoffs = self.payoff_input(registry, &c.payoffs, overrides)?;
                let n = Self::strategy_count(&payoffs);
                if c.initial.len() != n {
                    return Err(self.error_at(
                        "initial",
                        format!(
                            "`initial` has {} counts but there are {n} strategies",
                            c.initial.len()
                        ),
                    ));
                }
                if c.mode == SimulationMode::Matches
                    && matches!(payoffs, PayoffInput::Matrix { .. })
                {
                    return Err(
                        self.error_at("mode", "mode `Matches` needs `payoffs: Matches(...)`")
                    );
                }
                if c.runs == 0 {
                    return Err(self.error_at("runs", "`runs` must be at least 1"));
                }
                (
                    c.name.clone(),
                    (
                        payoffs,
                        DynamicsKind::Simulation {
                            mode: c.mode,
                            config: SimulationConfig {
                                rule: c.rule,
                                fitness: c.fitness,
                                mutation: c.mutation,
                                interaction: c.graph.clone(),
                                reproduction: c.reproduction.clone(),
                                initial: c.initial.clone(),
                                max_steps: c.max_steps.unwrap_or(u64::MAX),
                            },
                            runs: c.runs,
                            seed: overrides.seed.unwrap_or(c.seed),
                        },
                    ),
                )
            }
        };
        let (payoffs, kind) = kind;
        Ok(DynamicsSpec {
            name,
            payoffs,
            kind,
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
    use crate::registry::tests::registry;

    fn study(text: &str) -> Result<LoadedStudy, ConfigError> {
        let path = PathBuf::from("test.ron");
        let study = parse(&path, text)?;
        Ok(LoadedStudy {
            path,
            source: text.to_string(),
            study,
        })
    }

    #[test]
    fn minimal_tournament_parses_with_defaults() {
        let s = study("Tournament(players: [\"Cooperator\", \"Defector\"], turns: 10)").unwrap();
        let spec = s
            .tournament_spec(&mut registry(), &Overrides::default())
            .unwrap();
        assert_eq!(spec.players.len(), 2);
        assert_eq!(spec.repetitions, 1);
        assert_eq!(spec.matches.game, Game::STANDARD);
    }

    #[test]
    fn unknown_field_names_line_and_column() {
        let e = study("Tournament(\n  players: [\"Cooperator\"],\n  turns: 10,\n  nosie: 0.1,\n)")
            .unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("test.ron", 4), "{e}");
        assert!(e.message.contains("nosie"), "{e}");
    }

    #[test]
    fn unknown_strategy_points_at_it() {
        let s = study("Tournament(\n  players: [\n    \"Cooperator\",\n    \"Tit For Tatt\",\n  ],\n  turns: 10,\n)").unwrap();
        let e = s
            .tournament_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert_eq!((e.line, e.column), (4, 5), "{e}");
        assert!(e.message.contains("unknown strategy"), "{e}");
    }

    #[test]
    fn bad_noise_points_at_the_field() {
        let s = study("Tournament(players: [\"Cooperator\"],\n turns: 5,\n noise: 1.5)").unwrap();
        let e = s
            .tournament_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("noise"), "{e}");
    }

    #[test]
    fn bad_parameters_and_games_are_reported() {
        let s = study("Tournament(players: [(name: \"Random\", params: \"(p: 7.0)\")], turns: 5)")
            .unwrap();
        let e = s
            .tournament_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert!(e.message.contains("bad parameters"), "{e}");
        let s =
            study("Tournament(players: [\"Cooperator\"], turns: 5, game: \"chicken\")").unwrap();
        let e = s
            .tournament_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert!(e.message.contains("unknown game"), "{e}");
        let s = study(
            "Tournament(players: [\"Cooperator\"], turns: 5, game: (r: 4, s: -1, t: 6, p: 0))",
        )
        .unwrap();
        let spec = s
            .tournament_spec(&mut registry(), &Overrides::default())
            .unwrap();
        assert_eq!(spec.matches.game.s, -1.0);
    }

    #[test]
    fn syntax_error_is_located() {
        let e = study("Tournament(\n  players: [\"Cooperator\"\n  turns: 10,\n)").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn dynamics_studies_parse_and_resolve() {
        let s = study(
            "Fixation(payoffs: Matches(players: [\"Tit For Tat\", \"Defector\"], turns: 10, payoff: Totals),\n population: 10, processes: [Moran(w: 0.1), Fermi(beta: 0.1)])",
        )
        .unwrap();
        let spec = s
            .dynamics_spec(&mut registry(), &Overrides::default())
            .unwrap();
        assert!(matches!(
            spec.kind,
            DynamicsKind::Fixation { population: 10, .. }
        ));
        let s =
            study("Ecological(payoffs: Matrix(rows: [[3, 0], [5, 1]]), generations: 5)").unwrap();
        let spec = s
            .dynamics_spec(&mut registry(), &Overrides::default())
            .unwrap();
        let out = crate::evolution::run_study(&spec, Some(1)).unwrap();
        assert_eq!(out.labels, vec!["1", "2"]);
        // A tournament spec is refused for a dynamics file, and the other way round.
        assert!(s
            .tournament_spec(&mut registry(), &Overrides::default())
            .is_err());
        let t = study("Tournament(players: [\"Cooperator\"], turns: 10)").unwrap();
        assert!(t
            .dynamics_spec(&mut registry(), &Overrides::default())
            .is_err());
    }

    #[test]
    fn dynamics_errors_point_at_the_field() {
        let s =
            study("Ecological(payoffs: Matrix(rows: [[3, 0], [5]]),\n generations: 5)").unwrap();
        let e = s
            .dynamics_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert!(e.message.contains("not square"), "{e}");
        let e = study(
            "Ecological(payoffs: Matches(players: [\"Cooperator\"], turns: 5), generations: 5)",
        )
        .unwrap_err();
        assert!(e.message.contains("payoff"), "{e}");
        let s = study(
            "Fixation(payoffs: Matrix(rows: [[1]]),\n population: 10, processes: [Moran(w: 0.1)])",
        )
        .unwrap();
        let e = s
            .dynamics_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert!(e.message.contains("exactly 2"), "{e}");
        let s = study("Simulation(payoffs: Matrix(rows: [[1, 2], [3, 4]]), mode: Matches, rule: BirthDeath,\n graph: Complete(n: 4), initial: [2, 2])").unwrap();
        let e = s
            .dynamics_spec(&mut registry(), &Overrides::default())
            .unwrap_err();
        assert!(e.message.contains("Matches"), "{e}");
    }

    #[test]
    fn locate_counts_from_one() {
        assert_eq!(locate("ab\ncd", "d"), (2, 2));
        assert_eq!(locate("ab", "zz"), (1, 1));
    }
}
