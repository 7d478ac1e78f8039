//! `vertrouwen`: a thin command-line layer over `vertrouwen-engine`. Arguments are parsed once
//! (`args`), turned into engine specs, run, and reported; errors become one message on stderr
//! and a non-zero exit code.

mod args;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use serde_json::json;
use vertrouwen_engine::config::{self, Overrides};
use vertrouwen_engine::game::{Game, PRESETS};
use vertrouwen_engine::matchup::{play_recorded, MatchSpec};
use vertrouwen_engine::results::write_atomic;
use vertrouwen_engine::tournament::{self, RunOptions};
use vertrouwen_engine::Registry;

use args::{Cli, Command, GamesArgs, MatchArgs, PluginArgs, RunArgs, StrategiesArgs};

/// A failure to report: the message is complete (it names the file, value or strategy).
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run(a),
        Command::Match(a) => play_match(a),
        Command::Strategies(a) => strategies(a),
        Command::Games(a) => games(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The built-in library plus the plugins named on the command line.
fn registry(plugins: &PluginArgs) -> Result<Registry, Failure> {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_header())?;
    for p in &plugins.plugins {
        r.load_plugin(p)?;
    }
    Ok(r)
}

fn default_out_dir(file: &Path) -> PathBuf {
    let stem = file.file_stem().map_or_else(|| "study".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("results").join(stem)
}

fn run(a: RunArgs) -> Outcome {
    let study = config::load(&a.file)?;
    let mut registry = registry(&PluginArgs { plugins: vec![] })?;
    let overrides = Overrides {
        seed: a.seed,
        plugins: a.plugins.plugins.clone(),
    };
    let spec = study.tournament_spec(&mut registry, &overrides)?;
    let config::Study::Tournament(cfg) = &study.study;
    let started = Instant::now();
    let outcome = tournament::run(
        &spec,
        RunOptions {
            threads: a.threads.map(|t| t as usize),
        },
    )?;
    let elapsed = started.elapsed().as_secs_f64();

    let out = a.out.unwrap_or_else(|| default_out_dir(&a.file));
    std::fs::create_dir_all(&out).map_err(|e| Failure(format!("{}: cannot create the output directory: {e}", out.display())))?;
    let summary_path = out.join("summary.csv");
    write_atomic(&summary_path, outcome.results.summary_csv().as_bytes())
        .map_err(|e| Failure(format!("{}: {e}", summary_path.display())))?;
    let document = json!({
        "engine": concat!("vertrouwen ", env!("CARGO_PKG_VERSION")),
        "study": cfg.name,
        "file": a.file.display().to_string(),
        "players": spec.players.iter().map(|p| json!({
            "label": p.label,
            "strategy": p.entry.name,
            "params": p.params.clone().unwrap_or_else(|| p.entry.default_params.clone()),
            "source": p.entry.source.to_string(),
        })).collect::<Vec<_>>(),
        "game": spec.matches.game,
        "length": spec.matches.length,
        "noise": spec.matches.noise,
        "repetitions": spec.repetitions,
        "seed": spec.seed,
        "matches_played": outcome.matches_played,
        "turns_played": outcome.turns_played,
        "results": outcome.results,
    });
    let json_path = out.join("results.json");
    let text = serde_json::to_string_pretty(&document)? + "\n";
    write_atomic(&json_path, text.as_bytes()).map_err(|e| Failure(format!("{}: {e}", json_path.display())))?;

    if let Some(name) = &cfg.name {
        println!("{name}");
    }
    print!("{}", outcome.results.ranking_table());
    eprintln!(
        "{} players, {} repetitions: {} matches and {} turns played in {:.2} s ({:.1} million turns/s). Wrote {} and {}.",
        spec.players.len(),
        spec.repetitions,
        outcome.matches_played,
        outcome.turns_played,
        elapsed,
        outcome.turns_played as f64 / elapsed.max(1e-9) / 1e6,
        summary_path.display(),
        json_path.display()
    );
    Ok(())
}

fn play_match(a: MatchArgs) -> Outcome {
    let registry = registry(&a.plugins)?;
    let game = Game::parse(&a.game).map_err(|m| Failure(format!("--game: {m}")))?;
    let turns = match (a.turns, a.prob_end) {
        (None, None) => Some(200),
        (t, _) => t,
    };
    let spec = MatchSpec::new(turns, a.prob_end, a.noise, game)?;
    let p1 = registry.resolve(&a.player1)?;
    let p2 = registry.resolve(&a.player2)?;
    let rec = play_recorded([(p1, a.params1.as_deref()), (p2, a.params2.as_deref())], &spec, a.seed)?;
    if a.json {
        println!("{}", serde_json::to_string(&rec)?);
    } else {
        println!("{} vs {}, {} turns", rec.player1, rec.player2, rec.turns);
        println!("{:>12}: {}", "player 1", rec.moves1);
        println!("{:>12}: {}", "player 2", rec.moves2);
        println!("{:>12}: {} - {}", "score", rec.score1, rec.score2);
    }
    Ok(())
}

fn strategies(a: StrategiesArgs) -> Outcome {
    let registry = registry(&a.plugins)?;
    if a.json {
        let list: Vec<_> = registry
            .entries()
            .iter()
            .map(|e| {
                let mut uses = Vec::new();
                if e.classifiers.uses_length() {
                    uses.push("length");
                }
                if e.classifiers.uses_game() {
                    uses.push("game");
                }
                json!({
                    "name": e.name,
                    "description": e.description,
                    "stochastic": e.classifiers.is_stochastic(),
                    "memory_depth": e.classifiers.memory(),
                    "makes_use_of": uses,
                    "params": e.default_params,
                    "source": e.source.to_string(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        for e in registry.entries() {
            let memory = e.classifiers.memory().map_or("unbounded".to_string(), |d| d.to_string());
            let kind = if e.classifiers.is_stochastic() { "stochastic" } else { "deterministic" };
            println!("{}  [{kind}, memory {memory}]", e.name);
            println!("    {}", e.description);
        }
        eprintln!("{} strategies", registry.entries().len());
    }
    Ok(())
}

fn games(a: GamesArgs) -> Outcome {
    if a.json {
        let list: Vec<_> = PRESETS
            .iter()
            .map(|(name, g, about)| json!({"name": name, "r": g.r, "s": g.s, "t": g.t, "p": g.p, "description": about}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        for (name, g, about) in PRESETS {
            println!("{name}: R={} S={} T={} P={}\n    {about}", g.r, g.s, g.t, g.p);
        }
    }
    Ok(())
}
