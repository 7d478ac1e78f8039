//! Command-line arguments: parsed once by clap into validated values (the newtypes of
//! `vertrouwen_engine::values` check ranges as they are parsed, so clap names the flag of a bad
//! value). Turning them into engine specs is `settings`' job. No game logic lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use vertrouwen_engine::values::{
    EndProbability, Generations, Intensity, MemoryLimit, Points, Population, Probability,
    Repetitions, Runs, Seed, Shares, Steps, Time, Turns,
};

#[derive(Debug, Parser)]
#[command(
    name = "vertrouwen",
    version,
    about = "Evolutionary tournaments of the iterated prisoner's dilemma",
    long_about = "Evolutionary tournaments of the iterated prisoner's dilemma.\n\n\
        Run a study file:         vertrouwen run tournaments/classics.ron\n\
        Play one match:           vertrouwen match \"Tit For Tat\" \"Alternator\" --turns 10\n\
        List the strategies:      vertrouwen strategies\n\
        Fixation probabilities:   vertrouwen fixation --matrix \"30,9;14,10\" --population 10 --selection 0.1 --json\n\
        Replicator dynamics:      vertrouwen replicator --matrix \"3,0;5,1\" --generations 10 --json\n\
        Stationary distribution:  vertrouwen stationary --matrix \"3,0,5;5,1,0;0,5,1\" --population 50 --beta 1 --json\n\
        Simulate a population:    vertrouwen simulate --matrix \"30,9;14,10\" --graph complete:10 --initial 1,9 --selection 0.1\n\
        Rest points:              vertrouwen rest-points --matrix \"0,3;1,2\"\n\
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
    /// (payoffs.csv, shares.csv / fixation.csv / stationary.csv / rest_points.csv,
    /// results.json), plus manifest.json, into one output folder.
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
    /// Stochastic simulation of a finite population (Moran or Fermi updating, on a graph).
    Simulate(SimulateArgs),
    /// Rest points of the replicator equation and their stability (2 or 3 strategies).
    RestPoints(RestPointsArgs),
    /// Merge the partial results of a sharded tournament (`run --shard`) into the results an
    /// unsharded run writes, byte for byte (or, with --partial, into one partial result).
    Merge(MergeArgs),
    /// Write report.html (charts and a plain-language summary) for a run's output folder.
    Report(crate::report_cmd::ReportArgs),
    /// Write a new strategy plugin crate to start from (see docs/plugins.md).
    NewPlugin(crate::commands::new_plugin::NewPluginArgs),
    /// Check a plugin before a tournament: it loads, and every strategy does what it declares.
    CheckPlugin(crate::commands::check_plugin::CheckPluginArgs),
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
    pub turns: Option<Turns>,
    /// Probability that a match ends after each turn (named strategies).
    #[arg(long, value_name = "P")]
    pub prob_end: Option<EndProbability>,
    /// Probability that each intended move is flipped (named strategies).
    #[arg(long, value_name = "P", default_value = "0")]
    pub noise: Probability,
    /// Use per-turn mean payoffs instead of match totals (named strategies).
    #[arg(long)]
    pub per_turn: bool,
    /// Matches averaged per stochastic pair; deterministic pairs are played once.
    #[arg(long, value_name = "N", default_value = "10")]
    pub repetitions: Repetitions,
    /// Master seed of the matches (and of a simulation's runs).
    #[arg(long, value_name = "N", default_value = "0")]
    pub seed: Seed,
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
    #[command(flatten)]
    pub memory: MemoryArgs,
}

/// How much memory a computation may use.
#[derive(Debug, Args)]
pub struct MemoryArgs {
    /// Refuse (before starting) a computation that needs more memory than this, e.g. 16G.
    #[arg(long, value_name = "SIZE", default_value = "4G")]
    pub max_memory: MemoryLimit,
}

/// The process of a finite population.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProcessName {
    Moran,
    Fermi,
}

/// Intensity of selection and process of a finite population.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Population size N.
    #[arg(long, value_name = "N")]
    pub population: Population,
    /// Intensity of selection w of the Moran process (fitness 1 - w + w * payoff); with
    /// --process fermi it is used as beta.
    #[arg(
        long,
        value_name = "W",
        allow_hyphen_values = true,
        conflicts_with = "beta"
    )]
    pub selection: Option<Intensity>,
    /// Intensity of selection beta of the Fermi (pairwise comparison) process; implies
    /// --process fermi.
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub beta: Option<Intensity>,
    /// The process [default: moran with --selection, fermi with --beta].
    #[arg(long, value_name = "PROCESS")]
    pub process: Option<ProcessName>,
}

#[derive(Debug, Args)]
pub struct FixationArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Print the results document (as results.json) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReplicatorArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    /// Initial shares separated by ',' (normalised) [default: uniform].
    #[arg(long, value_name = "SHARES")]
    pub x0: Option<Shares>,
    /// Continuous replicator equation up to time T (> 0).
    #[arg(
        long,
        value_name = "T",
        conflicts_with = "generations",
        required_unless_present = "generations"
    )]
    pub time: Option<Time>,
    /// Discrete replicator map (Axelrod's ecological simulation) for G generations.
    #[arg(long, value_name = "G")]
    pub generations: Option<Generations>,
    /// Output intervals of the continuous trajectory (points + 1 equally spaced times).
    #[arg(long, value_name = "K", default_value = "100")]
    pub points: Points,
    /// Uniform mutation probability (continuous replicator-mutator equation).
    #[arg(long, value_name = "MU", requires = "time")]
    pub mutation: Option<Probability>,
    /// Write the trajectory to this CSV file (as shares.csv of a study).
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// Print the results document (as results.json) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StationaryArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Print the results document (as results.json) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The update rule of a simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuleName {
    BirthDeath,
    DeathBirth,
    Fermi,
}

/// How payoff turns into fitness under the Moran rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FitnessName {
    Linear,
    Exponential,
}

/// Cached payoffs, or a real match for every payoff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeName {
    Cached,
    Matches,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    /// The population structure: complete:N, cycle:N, star:N or lattice:WxH.
    #[arg(long, value_name = "GRAPH")]
    pub graph: String,
    /// Initial number of individuals of each strategy, separated by ',' (they sum to the
    /// number of nodes).
    #[arg(long, value_name = "COUNTS")]
    pub initial: String,
    /// The update rule [default: birth-death, or fermi with --beta].
    #[arg(long, value_name = "RULE")]
    pub rule: Option<RuleName>,
    /// Intensity of selection w of the Moran rules [default: 1].
    #[arg(long, value_name = "W", conflicts_with = "beta")]
    pub selection: Option<Intensity>,
    /// Intensity of selection beta of the Fermi rule (implies --rule fermi).
    #[arg(long, value_name = "B")]
    pub beta: Option<Intensity>,
    /// Fitness map of the Moran rules: linear (1 - w + w F) or exponential (exp(w F)).
    #[arg(long, value_name = "MAP", default_value = "linear")]
    pub fitness: FitnessName,
    /// Mutation probability per update.
    #[arg(long, value_name = "MU", default_value = "0")]
    pub mutation: Probability,
    /// Independent runs.
    #[arg(long, value_name = "N", default_value = "1000")]
    pub runs: Runs,
    /// Step limit per run [default: none].
    #[arg(long, value_name = "N")]
    pub max_steps: Option<Steps>,
    /// cached: payoffs computed once; matches: a real match for every payoff (named
    /// strategies only).
    #[arg(long, value_name = "MODE", default_value = "cached")]
    pub mode: ModeName,
    /// Worker threads [default: all cores, as many as the work is worth]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Print the results document (as results.json) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RestPointsArgs {
    #[command(flatten)]
    pub payoffs: PayoffArgs,
    /// Print the results document (as results.json) instead of text.
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
    /// Output folder [default: results/<file name>]. It is replaced as a whole when the run
    /// completes; a folder holding another study's results needs --force.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an output folder that holds another study's results.
    #[arg(long)]
    pub force: bool,
    /// Worker threads [default: all cores, as many as the work is worth]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Master seed, overriding the file's.
    #[arg(long, value_name = "N")]
    pub seed: Option<Seed>,
    /// Exit with status 3 if any strategy is disqualified (isolated plugins).
    #[arg(long)]
    pub strict: bool,
    /// Mutual cooperations in a row that count as trust, overriding the file's `trust_run`
    /// [default: 5].
    #[arg(long, value_name = "K")]
    pub trust_run: Option<u32>,
    /// Also write report.html (charts and a plain-language summary) to the output folder.
    #[arg(long)]
    pub report: bool,
    /// Language of the report's text: en or nl.
    #[arg(long, value_name = "LANG", default_value = "en", requires = "report")]
    pub lang: String,
    /// Tournaments: stream one CSV row per match played (players, repetition, seed, length,
    /// scores, cooperations, moves) to FILE, in schedule order.
    #[arg(long, value_name = "FILE")]
    pub interactions: Option<PathBuf>,
    /// No progress bar (it is shown only when standard error is a terminal).
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub plugins: PluginArgs,
    #[command(flatten)]
    pub memory: MemoryArgs,
    #[command(flatten)]
    pub parts: PartArgs,
}

/// Sharding and checkpoints of a tournament run (docs/scale.md).
#[derive(Debug, Args)]
pub struct PartArgs {
    /// Run only shard I of N (0-based) of a tournament and write its partial result to --out
    /// (merge the shards with `vertrouwen merge`). `auto`: take I and N from the environment
    /// (SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shards).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// The number of shards, with the index from the environment (JOB_COMPLETION_INDEX of a
    /// Kubernetes Indexed Job, or SLURM_ARRAY_TASK_ID); implies --shard auto.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: Option<u32>,
    /// Continue a killed tournament run from its checkpoint (kept beside the output folder, in
    /// .<name>.checkpoint); the results are those of an uninterrupted run.
    #[arg(long)]
    pub resume: bool,
    /// Save a checkpoint after this many matches (or --checkpoint-seconds, whichever comes first).
    #[arg(long, value_name = "N", default_value = "1000000", value_parser = clap::value_parser!(u64).range(1..))]
    pub checkpoint_matches: u64,
    /// Save a checkpoint after this many seconds of play; 0: only by --checkpoint-matches.
    #[arg(long, value_name = "S", default_value = "60")]
    pub checkpoint_seconds: u64,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The partial results to merge: folders written by `run --shard` or `merge --partial`.
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder: the results (as `run --out` writes them) or, with --partial, a partial.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write one partial result of the given shards (for a reduce tree), not the results;
    /// shards may be missing.
    #[arg(long)]
    pub partial: bool,
    /// Replace an output folder that holds another study's results.
    #[arg(long)]
    pub force: bool,
    /// Also write report.html (as `run --report`).
    #[arg(long, conflicts_with = "partial")]
    pub report: bool,
    /// Language of the report's text: en or nl.
    #[arg(long, value_name = "LANG", default_value = "en", requires = "report")]
    pub lang: String,
    #[command(flatten)]
    pub memory: MemoryArgs,
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
    pub turns: Option<Turns>,
    /// Probability that the match ends after each turn.
    #[arg(long, value_name = "P")]
    pub prob_end: Option<EndProbability>,
    /// Probability that each intended move is flipped.
    #[arg(long, value_name = "P", default_value = "0")]
    pub noise: Probability,
    /// Seed of the match's random streams.
    #[arg(long, value_name = "N", default_value = "0")]
    pub seed: Seed,
    /// Mutual cooperations in a row that count as trust.
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub trust_run: u32,
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
    #[command(flatten)]
    pub memory: MemoryArgs,
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
