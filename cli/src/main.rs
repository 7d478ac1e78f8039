//! `vertrouwen`: a thin command-line layer over `vertrouwen-engine` and `vertrouwen-output`.
//! This file only dispatches: arguments are parsed once (`args`), turned into engine specs
//! (`settings`), run by one file per subcommand (`commands`), and failures become one message on
//! standard error and a non-zero exit code (`failure`, `terminal`).

mod args;
mod commands;
mod failure;
mod progress;
mod report_cmd;
mod settings;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use failure::Failure;

/// The hidden first argument that starts the binary as an isolated plugin's worker process.
pub const WORKER_MODE: &str = "__worker";

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == WORKER_MODE) {
        return worker_main(&args[2..]);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and usage errors; a closed stdout or a full stderr is not worth a panic.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let result = match cli.command {
        Command::Run(a) => commands::run::run(a),
        Command::Match(a) => commands::match_cmd::play(a),
        Command::Strategies(a) => commands::strategies::list(a),
        Command::Games(a) => commands::games::list(a),
        Command::Fixation(a) => commands::fixation::fixation(a),
        Command::Replicator(a) => commands::replicator::replicator(a),
        Command::Stationary(a) => commands::stationary::stationary(a),
        Command::Simulate(a) => commands::simulate::simulate(a),
        Command::RestPoints(a) => commands::rest_points::rest_points(a),
        Command::Merge(a) => commands::merge::merge(a),
        Command::Report(a) => report_cmd::report(a),
        Command::NewPlugin(a) => commands::new_plugin::new_plugin(a),
        Command::CheckPlugin(a) => commands::check_plugin::check_plugin(a),
    };
    match result {
        Ok(()) | Err(Failure::Quiet) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            terminal::note(&format!("error: {message}"));
            ExitCode::FAILURE
        }
        Err(Failure::Disqualified(message)) => {
            terminal::note(&format!("error: {message}"));
            ExitCode::from(3)
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
    terminal::note("isolated plugins need Linux");
    ExitCode::FAILURE
}
