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
        List the strategies:      vertrouwen strategies"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a study file (a tournament) and write summary.csv and results.json.
    Run(RunArgs),
    /// Play one match and print the moves.
    Match(MatchArgs),
    /// List every available strategy.
    Strategies(StrategiesArgs),
    /// List the named games (payoff presets).
    Games(GamesArgs),
}

/// Plugins to load in addition to the built-in strategies.
#[derive(Debug, Args)]
pub struct PluginArgs {
    /// A strategy plugin (shared library) to load; may be repeated.
    #[arg(long = "plugin", value_name = "PATH")]
    pub plugins: Vec<PathBuf>,
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
    #[arg(long, value_name = "R,S,T,P", allow_hyphen_values = true, default_value = "standard")]
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
