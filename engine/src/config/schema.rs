//! The study file format: types that mirror what users write, separate from the engine's own
//! types so that an internal rename cannot change the format. Values are checked where they
//! are read (the newtypes of [`crate::values`]); values checked later are [`Spanned`], so
//! every error has a line and column.

use std::path::PathBuf;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::values::{
    EndProbability, Generations, Intensity, Label, Payoff, Points, Population, Probability,
    Repetitions, Runs, Seed, Shares, Steps, Time, Turns,
};

use super::spanned::Spanned;

/// A study file. The variant name is written first in the file, e.g. `Tournament(...)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Study {
    /// A round-robin tournament.
    Tournament(TournamentFile),
    /// Discrete replicator map (Axelrod's ecological simulation).
    Ecological(EcologicalFile),
    /// Continuous replicator equation, optionally with uniform mutation.
    Replicator(ReplicatorFile),
    /// Exact two-strategy fixation probabilities (Moran and/or Fermi).
    Fixation(FixationFile),
    /// Small-mutation-limit stationary distribution over `n` strategies.
    Stationary(StationaryFile),
    /// Stochastic simulation of a finite population.
    Simulation(SimulationFile),
    /// Rest points of the replicator equation and their stability (at most 3 strategies).
    RestPoints(RestPointsFile),
    /// One base study run at every point of a grid of settings.
    Sweep(SweepFile),
}

impl Study {
    /// The variant's name as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Study::Tournament(_) => "Tournament",
            Study::Ecological(_) => "Ecological",
            Study::Replicator(_) => "Replicator",
            Study::Fixation(_) => "Fixation",
            Study::Stationary(_) => "Stationary",
            Study::Simulation(_) => "Simulation",
            Study::RestPoints(_) => "RestPoints",
            Study::Sweep(_) => "Sweep",
        }
    }

    /// The study's `name`, if given.
    pub fn name(&self) -> Option<&str> {
        self.header().0.as_deref()
    }

    /// The study's `description`, if given.
    pub fn description(&self) -> Option<&str> {
        self.header().1.as_deref()
    }

    /// The plugin libraries the file asks to load (relative to the file).
    pub fn plugins(&self) -> Vec<&std::path::Path> {
        let payoffs = match self {
            Study::Tournament(t) => return plugin_paths(&t.plugins),
            Study::Ecological(c) => &c.payoffs,
            Study::Replicator(c) => &c.payoffs,
            Study::Fixation(c) => &c.payoffs,
            Study::Stationary(c) => &c.payoffs,
            Study::Simulation(c) => &c.payoffs,
            Study::RestPoints(c) => &c.payoffs,
            Study::Sweep(s) => return s.base.value.plugins(),
        };
        payoffs_plugins(payoffs)
    }

    fn header(&self) -> (&Option<String>, &Option<String>) {
        match self {
            Study::Tournament(c) => (&c.name, &c.description),
            Study::Ecological(c) => (&c.name, &c.description),
            Study::Replicator(c) => (&c.name, &c.description),
            Study::Fixation(c) => (&c.name, &c.description),
            Study::Stationary(c) => (&c.name, &c.description),
            Study::Simulation(c) => (&c.name, &c.description),
            Study::RestPoints(c) => (&c.name, &c.description),
            Study::Sweep(c) => (&c.name, &c.description),
        }
    }
}

/// A player: a display name, or a name with parameters and an optional label.
#[derive(Clone, Debug)]
pub enum PlayerFile {
    Name(String),
    Full(PlayerDetails),
}

/// By hand rather than `#[serde(untagged)]`: an untagged enum buffers its input, and a
/// buffered value has no position, so the spans of `params` would be lost.
impl<'de> Deserialize<'de> for PlayerFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PlayerVisitor;
        impl<'de> Visitor<'de> for PlayerVisitor {
            type Value = PlayerFile;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(EXPECTED_PLAYER)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PlayerFile, E> {
                Ok(PlayerFile::Name(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<PlayerFile, E> {
                Ok(PlayerFile::Name(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PlayerFile, A::Error> {
                PlayerDetails::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(PlayerFile::Full)
            }
        }
        deserializer.deserialize_any(PlayerVisitor)
    }
}

/// What a player entry must look like.
pub(super) const EXPECTED_PLAYER: &str =
    "a player: a strategy name in quotes, or (name: \"..\", params: \"..\", label: \"..\")";

/// `(name: "..", params: "..", label: "..")`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlayerDetails {
    pub name: String,
    /// Parameters as RON text, e.g. `"(p: 0.3)"` or `r#"(cycle: "CCCD")"#`.
    #[serde(default)]
    pub params: Option<Spanned<String>>,
    /// Name in the results; defaults to the display name (plus the parameters, if any).
    #[serde(default)]
    pub label: Option<Label>,
}

/// A game: a preset name or four payoffs.
#[derive(Clone, Debug)]
pub enum GameFile {
    Preset(String),
    Payoffs(PayoffsOfGame),
}

/// By hand rather than `#[serde(untagged)]`, so that an error inside the payoffs (an unknown
/// field, a payoff that is not finite) is reported as itself, where it is.
impl<'de> Deserialize<'de> for GameFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct GameVisitor;
        impl<'de> Visitor<'de> for GameVisitor {
            type Value = GameFile;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a game: a preset name in quotes, or (r: 3, s: 0, t: 5, p: 1)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<GameFile, E> {
                Ok(GameFile::Preset(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<GameFile, E> {
                Ok(GameFile::Preset(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<GameFile, A::Error> {
                PayoffsOfGame::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(GameFile::Payoffs)
            }
        }
        deserializer.deserialize_any(GameVisitor)
    }
}

/// `(r: 3, s: 0, t: 5, p: 1)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayoffsOfGame {
    pub r: Payoff,
    pub s: Payoff,
    pub t: Payoff,
    pub p: Payoff,
}

fn one_repetition() -> Spanned<Repetitions> {
    Spanned::unplaced(Repetitions::try_from(1).expect("1 is a valid number of repetitions"))
}

fn no_noise() -> Probability {
    Probability::try_from(0.0).expect("0 is a probability")
}

fn seed_zero() -> Seed {
    Seed::try_from(0).expect("every u64 is a seed")
}

/// The players and match settings shared by tournaments and payoffs from matches.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub players: Spanned<Vec<Spanned<PlayerFile>>>,
    /// Shared libraries to load, relative to this file.
    #[serde(default)]
    pub plugins: Vec<Spanned<PathBuf>>,
    #[serde(default)]
    pub game: Option<Spanned<GameFile>>,
    #[serde(default)]
    pub turns: Option<Spanned<Turns>>,
    #[serde(default)]
    pub prob_end: Option<EndProbability>,
    #[serde(default = "no_noise")]
    pub noise: Probability,
    #[serde(default = "one_repetition")]
    pub repetitions: Spanned<Repetitions>,
    #[serde(default = "seed_zero")]
    pub seed: Seed,
    /// Mutual cooperations in a row that count as trust (default 5; see `crate::trust`).
    #[serde(default)]
    pub trust_run: Option<Spanned<u32>>,
    /// Run the plugins isolated (untrusted submissions); see `docs/plugins.md`.
    #[serde(default)]
    pub isolate: bool,
    /// Limits of isolated plugins (defaults: see `crate::sandbox::Limits`).
    #[serde(default)]
    pub limits: Option<Spanned<LimitsFile>>,
}

/// `limits: (decision_ms: .., match_ms: .., memory_mb: ..)`: any may be left out.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    #[serde(default)]
    pub decision_ms: Option<u64>,
    #[serde(default)]
    pub match_ms: Option<u64>,
    #[serde(default)]
    pub memory_mb: Option<u64>,
}

/// Where the payoffs of a dynamics study come from.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PayoffsFile {
    /// Computed from matches between the named strategies.
    Matches(MatchesFile),
    /// Given directly: `rows[i][j]` is what strategy `i` gets against `j`.
    Matrix(MatrixFile),
}

/// `Totals` or `PerTurn` (it changes the numbers, so it must be written).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum PayoffKindFile {
    Totals,
    PerTurn,
}

/// `Matches(players: [..], turns: .., payoff: Totals, ..)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchesFile {
    pub players: Spanned<Vec<Spanned<PlayerFile>>>,
    #[serde(default)]
    pub plugins: Vec<Spanned<PathBuf>>,
    #[serde(default)]
    pub game: Option<Spanned<GameFile>>,
    #[serde(default)]
    pub turns: Option<Spanned<Turns>>,
    #[serde(default)]
    pub prob_end: Option<EndProbability>,
    #[serde(default = "no_noise")]
    pub noise: Probability,
    /// `Totals` or `PerTurn`: required, because it changes the numbers.
    pub payoff: PayoffKindFile,
    /// Matches per stochastic pair (deterministic pairs are played once).
    #[serde(default)]
    pub repetitions: Option<Spanned<Repetitions>>,
    #[serde(default = "seed_zero")]
    pub seed: Seed,
}

/// `Matrix(strategies: ["A", "B"], rows: [[a, b], [c, d]])`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixFile {
    /// Strategy labels (default "1", "2", ...).
    #[serde(default)]
    pub strategies: Option<Spanned<Vec<Spanned<Label>>>>,
    pub rows: Spanned<Vec<Spanned<Vec<Payoff>>>>,
}

/// `Ecological(...)`: the discrete replicator map.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcologicalFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: Spanned<PayoffsFile>,
    /// Initial shares (normalised; default uniform).
    #[serde(default)]
    pub initial: Option<Spanned<Shares>>,
    pub generations: Spanned<Generations>,
}

fn hundred_points() -> Spanned<Points> {
    Spanned::unplaced(Points::try_from(100).expect("100 is a valid number of points"))
}

/// `Replicator(...)`: the continuous replicator equation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicatorFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: Spanned<PayoffsFile>,
    #[serde(default)]
    pub initial: Option<Spanned<Shares>>,
    /// Final time.
    pub time: Spanned<Time>,
    /// Output intervals: shares are written at `points + 1` equally spaced times.
    #[serde(default = "hundred_points")]
    pub points: Spanned<Points>,
    /// Uniform mutation probability per birth (replicator-mutator equation).
    #[serde(default)]
    pub mutation: Option<Spanned<Probability>>,
}

/// A finite-population process with its intensity of selection.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ProcessFile {
    /// Moran birth-death with fitness `1 - w + w F`.
    Moran { w: Intensity },
    /// Pairwise comparison (Fermi) with intensity `beta`.
    Fermi { beta: Intensity },
}

/// `Fixation(...)`: exact fixation probabilities of two strategies.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixationFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: Spanned<PayoffsFile>,
    pub population: Spanned<Population>,
    /// E.g. `[Moran(w: 0.1), Fermi(beta: 0.1)]`.
    pub processes: Spanned<Vec<Spanned<ProcessFile>>>,
}

/// `Stationary(...)`: the small-mutation-limit stationary distribution.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationaryFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: Spanned<PayoffsFile>,
    pub population: Spanned<Population>,
    pub process: Spanned<ProcessFile>,
}

/// `Cached` (payoff matrix computed once) or `Matches` (a real match for every payoff).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub enum ModeFile {
    #[default]
    Cached,
    Matches,
}

/// `BirthDeath`, `DeathBirth` or `Fermi(beta: ..)`.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RuleFile {
    BirthDeath,
    DeathBirth,
    Fermi { beta: Intensity },
}

/// `Linear(w: ..)` or `Exponential(w: ..)`.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum FitnessFile {
    Linear { w: Intensity },
    Exponential { w: Intensity },
}

/// A population structure; nodes are `0..n`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum GraphFile {
    Complete { n: u64 },
    Cycle { n: u64 },
    Lattice { width: u64, height: u64 },
    Star { n: u64 },
    Edges { n: u64, edges: Vec<(u64, u64)> },
}

fn thousand_runs() -> Spanned<Runs> {
    Spanned::unplaced(Runs::try_from(1000).expect("1000 is a valid number of runs"))
}

/// `Simulation(...)`: Moran / Fermi population simulation (see [`crate::population`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: Spanned<PayoffsFile>,
    #[serde(default)]
    pub mode: Option<Spanned<ModeFile>>,
    pub rule: Spanned<RuleFile>,
    /// Default `Linear(w: 1.0)`; Moran rules only.
    #[serde(default)]
    pub fitness: Option<Spanned<FitnessFile>>,
    #[serde(default)]
    pub mutation: Option<Probability>,
    pub graph: Spanned<GraphFile>,
    #[serde(default)]
    pub reproduction: Option<Spanned<GraphFile>>,
    /// Initial number of individuals of each strategy.
    pub initial: Spanned<Vec<u64>>,
    #[serde(default)]
    pub max_steps: Option<Spanned<Steps>>,
    #[serde(default = "thousand_runs")]
    pub runs: Spanned<Runs>,
    #[serde(default = "seed_zero")]
    pub seed: Seed,
}

/// `RestPoints(...)`: rest points of the replicator equation and their stability.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestPointsFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub payoffs: Spanned<PayoffsFile>,
}

/// `Sweep(...)`: one base study run at every point of a grid of settings (see
/// [`super::sweep`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The study run at every grid point.
    pub base: Spanned<BaseStudy>,
    /// The axes of the grid; the first varies slowest.
    pub axes: Spanned<Vec<Spanned<AxisFile>>>,
}

/// One axis of a sweep: a setting of the base study and its values.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum AxisFile {
    /// Probability that a move is flipped.
    Noise(FloatAxis<Probability>),
    /// Turns of every match.
    Turns(WholeAxis<Turns>),
    /// Probability that a match ends after each turn.
    ProbEnd(FloatAxis<EndProbability>),
    /// The game's payoffs: presets or `(r, s, t, p)`.
    Game(GameAxis),
    /// Repetitions (matches per pair, or per stochastic pair).
    Repetitions(WholeAxis<Repetitions>),
    /// Every seed of the base study.
    Seed(WholeAxis<Seed>),
    /// Population size (fixation, stationary, and simulations on a complete graph, cycle or
    /// star).
    Population(WholeAxis<Population>),
    /// `w` of every Moran process and of a simulation's fitness map.
    W(FloatAxis<Intensity>),
    /// `beta` of every Fermi process and of a simulation's Fermi rule.
    Beta(FloatAxis<Intensity>),
}

/// Values of a real-valued axis: `values: [..]`, or `from`, `to` and `points` (equally spaced,
/// both ends included).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
pub struct FloatAxis<T> {
    #[serde(default)]
    pub values: Option<Vec<T>>,
    #[serde(default)]
    pub from: Option<f64>,
    #[serde(default)]
    pub to: Option<f64>,
    #[serde(default)]
    pub points: Option<u64>,
}

/// Values of a whole-number axis: `values: [..]`, or `from`, `to` and `step` (both ends
/// included when `to - from` is a multiple of `step`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
pub struct WholeAxis<T> {
    #[serde(default)]
    pub values: Option<Vec<T>>,
    #[serde(default)]
    pub from: Option<u64>,
    #[serde(default)]
    pub to: Option<u64>,
    #[serde(default)]
    pub step: Option<u64>,
}

/// `Game(values: ["standard", (r: 3, s: 0, t: 5, p: 1)])`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameAxis {
    pub values: Vec<Spanned<GameFile>>,
}

/// The study a sweep runs at each grid point: any kind but `Sweep` (a separate type, so that a
/// sweep of sweeps is a parse error rather than an unbounded recursion).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum BaseStudy {
    Tournament(TournamentFile),
    Ecological(EcologicalFile),
    Replicator(ReplicatorFile),
    Fixation(FixationFile),
    Stationary(StationaryFile),
    Simulation(SimulationFile),
    RestPoints(RestPointsFile),
}

impl BaseStudy {
    /// The base as a study of its kind.
    pub fn into_study(self) -> Study {
        match self {
            BaseStudy::Tournament(c) => Study::Tournament(c),
            BaseStudy::Ecological(c) => Study::Ecological(c),
            BaseStudy::Replicator(c) => Study::Replicator(c),
            BaseStudy::Fixation(c) => Study::Fixation(c),
            BaseStudy::Stationary(c) => Study::Stationary(c),
            BaseStudy::Simulation(c) => Study::Simulation(c),
            BaseStudy::RestPoints(c) => Study::RestPoints(c),
        }
    }

    /// The plugin libraries the base asks to load (relative to the file).
    pub fn plugins(&self) -> Vec<&std::path::Path> {
        let payoffs = match self {
            BaseStudy::Tournament(t) => return plugin_paths(&t.plugins),
            BaseStudy::Ecological(c) => &c.payoffs,
            BaseStudy::Replicator(c) => &c.payoffs,
            BaseStudy::Fixation(c) => &c.payoffs,
            BaseStudy::Stationary(c) => &c.payoffs,
            BaseStudy::Simulation(c) => &c.payoffs,
            BaseStudy::RestPoints(c) => &c.payoffs,
        };
        payoffs_plugins(payoffs)
    }
}

fn plugin_paths(list: &[Spanned<PathBuf>]) -> Vec<&std::path::Path> {
    list.iter().map(|p| p.value.as_path()).collect()
}

fn payoffs_plugins(payoffs: &Spanned<PayoffsFile>) -> Vec<&std::path::Path> {
    match &payoffs.value {
        PayoffsFile::Matches(m) => plugin_paths(&m.plugins),
        PayoffsFile::Matrix(_) => Vec::new(),
    }
}
