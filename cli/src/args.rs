//! Command-line arguments: parsed once by clap, then turned into validated engine settings.
//! No game logic lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "vertrouwen",
    version,
    about = "Evolutionary tournaments of the iterated prisoner's dilemma",
    long_about = "Evolutionary tournaments of the iterated prisoner's dilemma.\n\n\
        Run a tournament file:    vertrouwen run tournaments/classics.ron\n\
        Play one match:           vertrouwen match \"Tit For Tat\" \"Alternator\" --turns 10\n\
        List the strategies:      vertrouwen strategies\n\
        Fixation probabilities:   vertrouwen fixation --matrix \"30,9;14,10\" --population 10 --selection 0.1 --json\n\
        Replicator dynamics:      vertrouwen replicator --matrix \"3,0;5,1\" --generations 10 --json\n\
        Stationary distribution:  vertrouwen stationary --matrix \"3,0,5;5,1,0;0,5,1\" --population 50 --beta 1 --json\n\
        Write a strategy plugin:  vertrouwen new-plugin my-strategy\n\
        Check a plugin:           vertrouwen check-plugin target/release/libmy_strategy.so"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a study file: a tournament (summary.csv, results.json) or a dynamics study
    /// (shares.csv or fixation.csv / stationary.csv, payoffs.csv, results.json).
    Run(RunArgs),
    /// Play one match and print the moves.
    Match(MatchArgs),
    /// List every available strategy.
    Strategies(StrategiesArgs),
    /// List the named games (payoff presets).
    Games(GamesArgs),
    /// Exact fixation probabilities of two strategies in a finite population (Moran or Fermi).
    Fixation(FixationArgs),
    /// Replicator dynamics: discrete generations (--generations) or continuous time (--time).
    Replicator(ReplicatorArgs),
    /// Small-mutation-limit stationary distribution over n strategies.
    Stationary(StationaryArgs),
    /// Write a new strategy plugin crate to start from (see docs/plugins.md).
    NewPlugin(crate::new_plugin::NewPluginArgs),
    /// Check a plugin before a tournament: it loads, and every strategy does what it declares.
    CheckPlugin(crate::check_plugin::CheckPluginArgs),
}

/// Where the payoffs come from: a matrix, or matches between named strategies.
#[derive(Debug, Args)]
pub struct PayoffArgs {
    /// Strategy names (display names); their payoffs come from matches. Give these or --matrix.
    #[arg(value_name = "STRATEGY")]
    pub strategies: Vec<String>,
    /// The payoff matrix: rows separated by ';', entries by ',' (row player's payoffs), e.g.
    /// "a,b;c,d" = what A gets vs A, A vs B; B vs A, B vs B.
    #[arg(long, value_name = "ROWS", allow_hyphen_values = true)]
    pub matrix: Option<String>,
    /// Strategy labels for --matrix, separated by ','.
    #[arg(long, value_name = "NAMES")]
    pub labels: Option<String>,
    /// Turns per match (named strategies) [default: 200 without --prob-end].
    #[arg(long, value_name = "N")]
    pub turns: Option<u64>,
    /// Probability that a match ends after each turn (named strategies).
    #[arg(long, value_name = "P")]
    pub prob_end: Option<f64>,
    /// Probability that each intended move is flipped (named strategies).
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub noise: f64,
    /// Use per-turn mean payoffs instead of match totals (named strategies).
    #[arg(long)]
    pub per_turn: bool,
    /// Matches averaged per stochastic pair; deterministic pairs are played once.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub repetitions: u32,
    /// Master seed of the matches.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// The game: "R,S,T,P" or a preset name (named strategies).
    #[arg(
        long,
        value_name = "R,S,T,P",
        allow_hyphen_values = true,
        default_value = "standard"
    )]
    pub game: String,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

/// Intensity of selection and process of a finite population.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Population size N.
    #[arg(long, value_name = "N")]
    pub population: usize,
    /// Intensity of selection w of the Moran process (fitness 1 - w + w * payoff); with
    /// --process fermi it is used as beta.
    #[arg(
        long,
        value_name = "W",
        allow_hyphen_values = true,
        conflicts_with = "beta"
    )]
    pub selection: Option<f64>,
    /// Intensity of selection beta of the Fermi (pairwise comparison) process; implies
    /// --process fermi.
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub beta: Option<f64>,
    /// The process [default: moran with --selection, fermi with --beta].
    #[arg(long, value_name = "PROCESS", value_parser = ["moran", "fermi"])]
    pub process: Option<String>,
}

#[derive(Debug, Args)]
pub struct FixationArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReplicatorArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    /// Initial shares separated by ',' (normalised) [default: uniform].
    #[arg(long, value_name = "SHARES")]
    pub x0: Option<String>,
    /// Continuous replicator equation up to time T.
    #[arg(
        long,
        value_name = "T",
        conflicts_with = "generations",
        required_unless_present = "generations"
    )]
    pub time: Option<f64>,
    /// Discrete replicator map (Axelrod's ecological simulation) for G generations.
    #[arg(long, value_name = "G")]
    pub generations: Option<usize>,
    /// Output intervals of the continuous trajectory (points + 1 equally spaced times).
    #[arg(long, value_name = "K", default_value_t = 100)]
    pub points: usize,
    /// Uniform mutation probability (continuous replicator-mutator equation).
    #[arg(long, value_name = "MU", requires = "time")]
    pub mutation: Option<f64>,
    /// Write the trajectory to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StationaryArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Plugins to load in addition to the built-in strategies.
#[derive(Debug, Args)]
pub struct PluginArgs {
    /// A strategy plugin (shared library) to load; may be repeated.
    #[arg(long = "plugin", value_name = "PATH")]
    pub plugins: Vec<PathBuf>,
    #[command(flatten)]
    pub isolation: IsolationArgs,
}

/// Running untrusted plugins isolated (docs/plugins.md).
#[derive(Debug, Args, Clone, Default)]
pub struct IsolationArgs {
    /// Run every plugin isolated: in its own confined worker processes, never in this process.
    /// Use it for any plugin you did not write yourself.
    #[arg(long)]
    pub isolate: bool,
    /// Isolated plugins: the longest one decision may take, in ms [default: 1000].
    #[arg(long, value_name = "MS")]
    pub decision_ms: Option<u64>,
    /// Isolated plugins: the longest one match may take, in ms [default: 60000].
    #[arg(long, value_name = "MS")]
    pub match_ms: Option<u64>,
    /// Isolated plugins: the memory (address space) of each worker process, in MB [default: 512].
    #[arg(long = "plugin-memory-mb", value_name = "MB")]
    pub memory_mb: Option<u64>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The study file (RON), e.g. tournaments/classics.ron.
    pub file: PathBuf,
    /// Directory for summary.csv and results.json [default: results/<file name>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Master seed, overriding the file's.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Exit with status 3 if any strategy is disqualified (isolated plugins).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Display name of player 1.
    pub player1: String,
    /// Display name of player 2.
    pub player2: String,
    /// Parameters of player 1 as RON text, e.g. "(p: 0.3)".
    #[arg(long, value_name = "RON")]
    pub params1: Option<String>,
    /// Parameters of player 2 as RON text.
    #[arg(long, value_name = "RON")]
    pub params2: Option<String>,
    /// Number of turns (the cap, if --prob-end is also given) [default: 200 without --prob-end].
    #[arg(long, value_name = "N")]
    pub turns: Option<u64>,
    /// Probability that the match ends after each turn.
    #[arg(long, value_name = "P")]
    pub prob_end: Option<f64>,
    /// Probability that each intended move is flipped.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub noise: f64,
    /// Seed of the match's random streams.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// The game: "R,S,T,P" (e.g. "3,0,5,1") or a preset name (see `vertrouwen games`).
    #[arg(
        long,
        value_name = "R,S,T,P",
        allow_hyphen_values = true,
        default_value = "standard"
    )]
    pub game: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

#[derive(Debug, Args)]
pub struct StrategiesArgs {
    /// Print a JSON array instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub plugins: PluginArgs,
}

#[derive(Debug, Args)]
pub struct GamesArgs {
    /// Print a JSON array instead of text.
    #[arg(long)]
    pub json: bool,
}
