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
use vertrouwen_engine::evolution::{self, MatchPayoffSpec, PayoffKind};
use vertrouwen_engine::game::{Game, PRESETS};
use vertrouwen_engine::matchup::{play_recorded, MatchSpec};
use vertrouwen_engine::moran::{self, Process};
use vertrouwen_engine::payoff_matrix::{DynamicsError, PayoffMatrix};
use vertrouwen_engine::replicator::{self, Tolerances};
use vertrouwen_engine::results::write_atomic;
use vertrouwen_engine::tournament::{self, PlayerSpec, RunOptions};
use vertrouwen_engine::Registry;

use args::{
    Cli, Command, FixationArgs, GamesArgs, MatchArgs, PayoffArgs, PluginArgs, ReplicatorArgs,
    RunArgs, SelectionArgs, StationaryArgs, StrategiesArgs,
};

/// A failure to report: the message is complete (it names the file, value or strategy).
/// An empty message means standard output was closed by its reader (e.g. `| head`): the
/// command stops quietly, as Unix tools do.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

impl Failure {
    fn output(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure(String::new())
        } else {
            Failure(format!("cannot write to standard output: {e}"))
        }
    }
}

type Outcome = Result<(), Failure>;

/// `print!` that returns a [`Failure`] instead of panicking when standard output fails.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*).map_err(Failure::output)?;
    }};
}

/// `println!` that returns a [`Failure`] instead of panicking when standard output fails.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err(Failure::output)?;
    }};
}

mod check_plugin;
mod new_plugin;

/// The hidden first argument that starts the binary as an isolated plugin's worker process.
const WORKER_MODE: &str = "__worker";

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == WORKER_MODE) {
        return worker_main(&args[2..]);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run(a),
        Command::Match(a) => play_match(a),
        Command::Strategies(a) => strategies(a),
        Command::Games(a) => games(a),
        Command::Fixation(a) => fixation(a),
        Command::Replicator(a) => replicator_cmd(a),
        Command::Stationary(a) => stationary(a),
        Command::NewPlugin(a) => builtins().and_then(|r| new_plugin::new_plugin(a, &r)),
        Command::CheckPlugin(a) => builtins().and_then(|r| {
            let isolation = if cfg!(target_os = "linux") {
                isolation(
                    &args::IsolationArgs {
                        isolate: true,
                        ..Default::default()
                    },
                    None,
                )?
            } else {
                None
            };
            check_plugin::check_plugin(a, r, isolation)
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) if message.is_empty() => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Worker mode: serve one isolated plugin for the engine that started this process.
#[cfg(target_os = "linux")]
fn worker_main(args: &[std::ffi::OsString]) -> ExitCode {
    let code = vertrouwen_engine::sandbox::worker::serve(
        args,
        &[vertrouwen_strategies::plugin_library()],
        vertrouwen_strategies::ALIASES,
    );
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

#[cfg(not(target_os = "linux"))]
fn worker_main(_args: &[std::ffi::OsString]) -> ExitCode {
    eprintln!("isolated plugins need Linux");
    ExitCode::FAILURE
}

/// How to start this binary as a worker.
fn worker_command() -> Result<vertrouwen_engine::sandbox::WorkerCommand, Failure> {
    let program = std::env::current_exe().map_err(|e| {
        Failure(format!(
            "cannot find the vertrouwen binary to start workers: {e}"
        ))
    })?;
    Ok(vertrouwen_engine::sandbox::WorkerCommand {
        program,
        args: vec![WORKER_MODE.into()],
    })
}

/// The built-in library and its aliases.
fn builtins() -> Result<Registry, Failure> {
    registry(&PluginArgs {
        plugins: vec![],
        isolation: args::IsolationArgs::default(),
    })
}

/// The built-in library plus the plugins named on the command line.
fn registry(plugins: &PluginArgs) -> Result<Registry, Failure> {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())?;
    for (alias, target) in vertrouwen_strategies::ALIASES {
        r.add_alias(alias, target)?;
    }
    if let Some(isolation) = isolation(&plugins.isolation, None)? {
        r.isolate(isolation);
    }
    for p in &plugins.plugins {
        r.load_plugin(p)?;
    }
    Ok(r)
}

/// The isolation settings of the command line over those of a study file (`None`: in-process).
fn isolation(
    args: &args::IsolationArgs,
    file: Option<(bool, vertrouwen_engine::sandbox::Limits)>,
) -> Result<Option<vertrouwen_engine::sandbox::Isolation>, Failure> {
    let (file_isolate, mut limits) = file.unwrap_or_default();
    if !(args.isolate || file_isolate) {
        return Ok(None);
    }
    if let Some(ms) = args.decision_ms {
        limits.decision_ms = ms;
    }
    if let Some(ms) = args.match_ms {
        limits.match_ms = ms;
    }
    if let Some(mb) = args.memory_mb {
        limits.memory_mb = mb;
    }
    limits.validate().map_err(Failure)?;
    Ok(Some(vertrouwen_engine::sandbox::Isolation {
        command: worker_command()?,
        limits,
    }))
}

fn default_out_dir(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "study".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("results").join(stem)
}

fn run(a: RunArgs) -> Outcome {
    let study = config::load(&a.file)?;
    let mut registry = registry(&PluginArgs {
        plugins: vec![],
        isolation: args::IsolationArgs::default(),
    })?;
    if let Some(isolation) = isolation(&a.plugins.isolation, Some(study.study.isolation()))? {
        registry.isolate(isolation);
    }
    let overrides = Overrides {
        seed: a.seed,
        plugins: a.plugins.plugins.clone(),
    };
    let config::Study::Tournament(cfg) = &study.study else {
        return run_dynamics(&a, &study, &mut registry, &overrides);
    };
    let spec = study.tournament_spec(&mut registry, &overrides)?;
    let started = Instant::now();
    let outcome = tournament::run(
        &spec,
        RunOptions {
            threads: a.threads.map(|t| t as usize),
        },
    )?;
    let elapsed = started.elapsed().as_secs_f64();

    let out = a.out.unwrap_or_else(|| default_out_dir(&a.file));
    std::fs::create_dir_all(&out).map_err(|e| {
        Failure(format!(
            "{}: cannot create the output directory: {e}",
            out.display()
        ))
    })?;
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
    let mut document = document;
    if let Some(doc) = document.as_object_mut() {
        doc.insert(
            "disqualified".into(),
            serde_json::to_value(&outcome.disqualified)?,
        );
    }
    let json_path = out.join("results.json");
    let text = serde_json::to_string_pretty(&document)? + "\n";
    write_atomic(&json_path, text.as_bytes())
        .map_err(|e| Failure(format!("{}: {e}", json_path.display())))?;
    let dq_path = out.join("disqualified.csv");
    write_atomic(&dq_path, disqualified_csv(&outcome.disqualified).as_bytes())
        .map_err(|e| Failure(format!("{}: {e}", dq_path.display())))?;
    for d in &outcome.disqualified {
        eprintln!("disqualified: {d}");
    }

    if let Some(name) = &cfg.name {
        outln!("{name}");
    }
    out!("{}", outcome.results.ranking_table());
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
    if a.strict && !outcome.disqualified.is_empty() {
        return Err(Failure(format!(
            "{} strateg{} disqualified (--strict)",
            outcome.disqualified.len(),
            if outcome.disqualified.len() == 1 {
                "y"
            } else {
                "ies"
            }
        )));
    }
    Ok(())
}

/// `disqualified.csv`: one row per disqualified strategy.
fn disqualified_csv(list: &[vertrouwen_engine::tournament::Disqualification]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out =
        String::from("player,strategy,plugin,reason,detail,match,opponent,repetition,turn\n");
    for d in list {
        let opt = |v: Option<String>| v.unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            field(&d.label),
            field(&d.strategy),
            field(&d.plugin),
            d.fault.reason(),
            field(&d.fault.to_string()),
            opt(d.match_index.map(|m| m.to_string())),
            field(&opt(d.opponent.clone())),
            opt(d.repetition.map(|r| r.to_string())),
            opt(d.turn.map(|t| t.to_string())),
        ));
    }
    out
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
    let rec = play_recorded(
        [(p1, a.params1.as_deref()), (p2, a.params2.as_deref())],
        &spec,
        a.seed,
    )?;
    if a.json {
        outln!("{}", serde_json::to_string(&rec)?);
    } else {
        outln!("{} vs {}, {} turns", rec.player1, rec.player2, rec.turns);
        outln!("{:>12}: {}", "player 1", rec.moves1);
        outln!("{:>12}: {}", "player 2", rec.moves2);
        outln!("{:>12}: {} - {}", "score", rec.score1, rec.score2);
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
        outln!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        for e in registry.entries() {
            let memory = e
                .classifiers
                .memory()
                .map_or("unbounded".to_string(), |d| d.to_string());
            let kind = if e.classifiers.is_stochastic() {
                "stochastic"
            } else {
                "deterministic"
            };
            outln!("{}  [{kind}, memory {memory}]", e.name);
            outln!("    {}", e.description);
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
        outln!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        for (name, g, about) in PRESETS {
            outln!(
                "{name}: R={} S={} T={} P={}\n    {about}",
                g.r,
                g.s,
                g.t,
                g.p
            );
        }
    }
    Ok(())
}

/// `vertrouwen run` on a dynamics study: writes the CSV tables and results.json to the output
/// directory and prints a short report.
fn run_dynamics(
    a: &RunArgs,
    study: &config::LoadedStudy,
    registry: &mut Registry,
    overrides: &Overrides,
) -> Outcome {
    let spec = study.dynamics_spec(registry, overrides)?;
    let started = Instant::now();
    let outcome = evolution::run_study(&spec, a.threads.map(|t| t as usize))
        .map_err(|e| Failure(format!("{}: {e}", a.file.display())))?;
    let elapsed = started.elapsed().as_secs_f64();
    let out = a.out.clone().unwrap_or_else(|| default_out_dir(&a.file));
    std::fs::create_dir_all(&out).map_err(|e| {
        Failure(format!(
            "{}: cannot create the output directory: {e}",
            out.display()
        ))
    })?;
    let mut written = Vec::new();
    for (name, text) in &outcome.tables {
        let path = out.join(name);
        write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        written.push(path.display().to_string());
    }
    let mut document = json!({
        "engine": concat!("vertrouwen ", env!("CARGO_PKG_VERSION")),
        "kind": study.study.kind(),
        "file": a.file.display().to_string(),
    });
    if let (Some(doc), Some(body)) = (document.as_object_mut(), outcome.json.as_object()) {
        for (k, v) in body {
            doc.insert(k.clone(), v.clone());
        }
    }
    let json_path = out.join("results.json");
    let text = serde_json::to_string_pretty(&document)? + "\n";
    write_atomic(&json_path, text.as_bytes())
        .map_err(|e| Failure(format!("{}: {e}", json_path.display())))?;
    written.push(json_path.display().to_string());
    if let Some(name) = study.study.name() {
        outln!("{name}");
    }
    out!("{}", outcome.report);
    eprintln!(
        "{} study done in {:.2} s. Wrote {}.",
        study.study.kind(),
        elapsed,
        written.join(", ")
    );
    Ok(())
}

/// Parses "a,b;c,d" (rows separated by ';', entries by ',') into a validated matrix.
fn parse_matrix(text: &str) -> Result<PayoffMatrix, Failure> {
    let trimmed = text.trim().trim_end_matches(';');
    if trimmed.is_empty() {
        return Err(Failure(
            "--matrix: the matrix is empty; expected rows like \"3,0;5,1\"".into(),
        ));
    }
    let mut rows = Vec::new();
    for (r, row) in trimmed.split(';').enumerate() {
        let mut entries = Vec::new();
        for (c, v) in row.split(',').enumerate() {
            let v = v.trim();
            let x: f64 = v.parse().map_err(|_| {
                Failure(format!(
                    "--matrix: row {}, entry {}: cannot read {v:?} as a number",
                    r + 1,
                    c + 1
                ))
            })?;
            entries.push(x);
        }
        rows.push(entries);
    }
    PayoffMatrix::from_rows(&rows).map_err(|e| Failure(format!("--matrix: {}", one_based(&e))))
}

/// Matrix errors with 1-based row and column numbers, as the user writes them.
fn one_based(e: &DynamicsError) -> String {
    match e {
        DynamicsError::NotSquare { row, len, expected } => format!(
            "the matrix is not square: row {} has {len} entries, expected {expected} (one per row)",
            row + 1
        ),
        DynamicsError::NonFinite { row, col, value } => {
            format!(
                "entry at row {}, column {} is not a finite number: {value}",
                row + 1,
                col + 1
            )
        }
        other => other.to_string(),
    }
}

fn parse_list(arg: &str, text: &str) -> Result<Vec<f64>, Failure> {
    text.split(',')
        .map(|v| {
            let v = v.trim();
            v.parse::<f64>()
                .map_err(|_| Failure(format!("{arg}: cannot read {v:?} as a number")))
        })
        .collect()
}

/// Labels, matrix and a JSON description of where the payoffs came from.
fn resolve_payoffs(
    a: &PayoffArgs,
) -> Result<(Vec<String>, PayoffMatrix, serde_json::Value), Failure> {
    match (&a.matrix, a.strategies.is_empty()) {
        (Some(_), false) => Err(Failure(
            "give either --matrix or strategy names, not both".into(),
        )),
        (None, true) => Err(Failure(
            "give the payoffs: --matrix \"a,b;c,d\" or strategy names".into(),
        )),
        (Some(text), true) => {
            let matrix = parse_matrix(text)?;
            let labels: Vec<String> = match &a.labels {
                Some(l) => l.split(',').map(|s| s.trim().to_string()).collect(),
                None => (1..=matrix.size()).map(|i| i.to_string()).collect(),
            };
            if labels.len() != matrix.size() {
                return Err(Failure(format!(
                    "--labels: {} names for a matrix of {} rows",
                    labels.len(),
                    matrix.size()
                )));
            }
            Ok((labels, matrix, json!({"source": "matrix"})))
        }
        (None, false) => {
            let registry = registry(&a.plugins)?;
            let game = Game::parse(&a.game).map_err(|m| Failure(format!("--game: {m}")))?;
            let turns = match (a.turns, a.prob_end) {
                (None, None) => Some(200),
                (t, _) => t,
            };
            let matches = MatchSpec::new(turns, a.prob_end, a.noise, game)?;
            if a.repetitions == 0 {
                return Err(Failure("--repetitions: must be at least 1".into()));
            }
            let players = a
                .strategies
                .iter()
                .map(|n| registry.resolve(n).map(PlayerSpec::new))
                .collect::<Result<Vec<_>, _>>()?;
            let kind = if a.per_turn {
                PayoffKind::PerTurn
            } else {
                PayoffKind::Totals
            };
            let spec = MatchPayoffSpec {
                players,
                matches,
                repetitions: a.repetitions,
                seed: a.seed,
                kind,
            };
            let c = evolution::payoff_matrix(&spec, None)?;
            let info = json!({
                "source": "matches",
                "kind": kind,
                "length": matches.length,
                "noise": matches.noise,
                "game": matches.game,
                "repetitions": a.repetitions,
                "seed": a.seed,
                "matches_played": c.matches_played,
            });
            Ok((c.labels, c.matrix, info))
        }
    }
}

/// The process from --selection / --beta / --process.
fn process(s: &SelectionArgs) -> Result<Process, Failure> {
    let check = |arg: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(Failure(format!(
                "{arg}: the intensity of selection must be finite and >= 0, got {v}"
            )))
        }
    };
    match (s.process.as_deref(), s.selection, s.beta) {
        (_, None, None) => Err(Failure(
            "give the intensity of selection: --selection W (Moran) or --beta B (Fermi)".into(),
        )),
        (Some("moran"), _, Some(_)) => Err(Failure(
            "--beta is the Fermi intensity; use --selection W with --process moran".into(),
        )),
        (Some("fermi"), Some(w), None) => Ok(Process::Fermi {
            beta: check("--selection", w)?,
        }),
        (_, Some(w), None) => Ok(Process::Moran {
            w: check("--selection", w)?,
        }),
        (_, _, Some(b)) => Ok(Process::Fermi {
            beta: check("--beta", b)?,
        }),
    }
}

fn process_json(p: &Process) -> serde_json::Value {
    match *p {
        Process::Moran { w } => json!({"process": "moran", "selection": w}),
        Process::Fermi { beta } => json!({"process": "fermi", "beta": beta}),
    }
}

/// Attaches the command-line argument an engine error is about.
fn dynamics_failure(e: DynamicsError, payoff_arg: &str) -> Failure {
    let arg = match &e {
        DynamicsError::EmptyMatrix
        | DynamicsError::NotSquare { .. }
        | DynamicsError::NonFinite { .. }
        | DynamicsError::NegativeFitness { .. }
        | DynamicsError::InvalidParameter {
            name: "game" | "payoff matrix" | "population",
            ..
        } => payoff_arg,
        DynamicsError::DimensionMismatch { what, .. } if what.contains("payoff matrix") => {
            payoff_arg
        }
        DynamicsError::DimensionMismatch { what, .. }
        | DynamicsError::InvalidParameter { name: what, .. }
            if what.contains("initial shares") =>
        {
            "--x0"
        }
        DynamicsError::InvalidParameter {
            name: "population size",
            ..
        } => "--population",
        DynamicsError::InvalidParameter { name: "w", .. } => "--selection",
        DynamicsError::InvalidParameter { name: "beta", .. } => "--beta",
        _ => return Failure(one_based(&e)),
    };
    Failure(format!("{arg}: {}", one_based(&e)))
}

fn payoff_arg(a: &PayoffArgs) -> &'static str {
    if a.matrix.is_some() {
        "--matrix"
    } else {
        "strategies"
    }
}

fn fixation(a: FixationArgs) -> Outcome {
    let proc_ = process(&a.selection)?;
    let (labels, matrix, source) = resolve_payoffs(&a.payoffs)?;
    let parg = payoff_arg(&a.payoffs);
    if matrix.size() != 2 {
        return Err(Failure(format!(
            "{parg}: fixation needs exactly 2 strategies (a 2x2 matrix \"a,b;c,d\"), got {}",
            matrix.size()
        )));
    }
    let fx = moran::fixation_probabilities(&matrix, a.selection.population, proc_)
        .map_err(|e| dynamics_failure(e, parg))?;
    let times = moran::fixation_times(&matrix, a.selection.population, proc_).ok();
    if a.json {
        let mut doc = json!({
            "rho_a": fx.rho_a,
            "rho_b": fx.rho_b,
            "neutral": fx.neutral,
            "ln_rho_a": fx.ln_rho_a.is_finite().then_some(fx.ln_rho_a),
            "ln_rho_b": fx.ln_rho_b.is_finite().then_some(fx.ln_rho_b),
            "population": a.selection.population,
            "strategies": labels,
            "matrix": matrix,
            "payoffs": source,
            "absorption_time": times.map(|t| t.absorption),
            "conditional_fixation_time_a": times.map(|t| t.conditional_a),
        });
        if let (Some(d), Some(p)) = (doc.as_object_mut(), process_json(&proc_).as_object()) {
            d.extend(p.clone());
        }
        outln!("{}", serde_json::to_string(&doc)?);
    } else {
        let [[pa, pb], [pc, pd]] = [
            [matrix.get(0, 0), matrix.get(0, 1)],
            [matrix.get(1, 0), matrix.get(1, 1)],
        ];
        outln!(
            "a = {pa}, b = {pb}, c = {pc}, d = {pd}; N = {}; {:?}",
            a.selection.population,
            proc_
        );
        outln!(
            "rho_a (one {} among {}): {:e}",
            labels[0],
            labels[1],
            fx.rho_a
        );
        outln!(
            "rho_b (one {} among {}): {:e}",
            labels[1],
            labels[0],
            fx.rho_b
        );
        outln!("neutral (1/N): {}", fx.neutral);
    }
    Ok(())
}

fn replicator_cmd(a: ReplicatorArgs) -> Outcome {
    let (labels, matrix, source) = resolve_payoffs(&a.payoffs)?;
    let parg = payoff_arg(&a.payoffs);
    let n = matrix.size();
    let x0 = match &a.x0 {
        Some(t) => parse_list("--x0", t)?,
        None => vec![1.0 / n as f64; n],
    };
    if x0.len() != n {
        return Err(Failure(format!(
            "--x0: {} shares for {n} strategies",
            x0.len()
        )));
    }
    let fail = |e| dynamics_failure(e, parg);
    let (column, times, states, extra) = match (a.generations, a.time) {
        (Some(g), _) => {
            let states = replicator::discrete_replicator(&matrix, &x0, g).map_err(fail)?;
            let gens: Vec<f64> = (0..states.len()).map(|k| k as f64).collect();
            ("generation", gens, states, json!({"generations": g}))
        }
        (None, Some(t)) => {
            if !(t.is_finite() && t >= 0.0) {
                return Err(Failure(format!("--time: must be finite and >= 0, got {t}")));
            }
            if a.points == 0 {
                return Err(Failure("--points: must be at least 1".into()));
            }
            let times: Vec<f64> = (0..=a.points)
                .map(|k| t * k as f64 / a.points as f64)
                .collect();
            let tol = Tolerances::default();
            let traj = match a.mutation {
                Some(mu) => {
                    if !(0.0..=1.0).contains(&mu) {
                        return Err(Failure(format!("--mutation: must be in [0, 1], got {mu}")));
                    }
                    let q = evolution::uniform_mutation(n, mu)?;
                    replicator::replicator_mutator(&matrix, &q, &x0, &times, &tol).map_err(fail)?
                }
                None => {
                    replicator::continuous_replicator(&matrix, &x0, &times, &tol).map_err(fail)?
                }
            };
            (
                "time",
                traj.times,
                traj.states,
                json!({"time": t, "mutation": a.mutation.unwrap_or(0.0)}),
            )
        }
        (None, None) => {
            return Err(Failure(
                "give --time T (continuous) or --generations G (discrete)".into(),
            ))
        }
    };
    if let Some(path) = &a.out {
        let text = evolution::trajectory_csv(column, &labels, &times, &states);
        write_atomic(path, text.as_bytes())
            .map_err(|e| Failure(format!("--out {}: {e}", path.display())))?;
    }
    let last = states.last().cloned().unwrap_or_default();
    if a.json {
        let mut doc = json!({"x": last, "strategies": labels, "matrix": matrix, "payoffs": source});
        if let (Some(d), Some(e)) = (doc.as_object_mut(), extra.as_object()) {
            d.extend(e.clone());
        }
        outln!("{}", serde_json::to_string(&doc)?);
    } else {
        outln!(
            "final shares ({column} {}):",
            times.last().copied().unwrap_or(0.0)
        );
        for (l, v) in labels.iter().zip(&last) {
            outln!("  {l}: {v}");
        }
    }
    Ok(())
}

fn stationary(a: StationaryArgs) -> Outcome {
    let proc_ = process(&a.selection)?;
    let (labels, matrix, source) = resolve_payoffs(&a.payoffs)?;
    let parg = payoff_arg(&a.payoffs);
    let st = moran::small_mutation_stationary(&matrix, a.selection.population, proc_)
        .map_err(|e| dynamics_failure(e, parg))?;
    if a.json {
        let mut doc = json!({
            "distribution": st.distribution,
            "transition": st.transition,
            "strategies": labels,
            "population": a.selection.population,
            "matrix": matrix,
            "payoffs": source,
        });
        if let (Some(d), Some(p)) = (doc.as_object_mut(), process_json(&proc_).as_object()) {
            d.extend(p.clone());
        }
        outln!("{}", serde_json::to_string(&doc)?);
    } else {
        outln!(
            "stationary distribution (small mutation, N = {}, {:?}):",
            a.selection.population,
            proc_
        );
        for (l, v) in labels.iter().zip(&st.distribution) {
            outln!("  {l}: {v}");
        }
    }
    Ok(())
}
