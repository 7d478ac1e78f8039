//! Failures of a command and their one-line messages. Each error type is turned into a message
//! by what it is (its type and variant), never by reading its text.

use vertrouwen_engine::config::{ConfigError, ConfigErrorKind};
use vertrouwen_engine::study::{Field, SpecError, StudyError};
use vertrouwen_output::{OutputError, WriteError};

/// How the flags of a command name the inputs of a study, for errors about a [`Field`].
#[derive(Clone, Copy, Debug)]
pub struct Flags {
    /// `--matrix` or `strategies`.
    pub payoffs: &'static str,
    /// The flag of the intensity of selection (`--selection` or `--beta`).
    pub process: &'static str,
    /// `--x0` or `--initial`.
    pub initial: &'static str,
}

impl Flags {
    /// The flag (or argument) that gave `field`.
    pub fn of(&self, field: Field) -> &'static str {
        match field {
            Field::Payoffs => self.payoffs,
            Field::Strategy(_) | Field::Labels => {
                if self.payoffs == "--matrix" {
                    "--labels"
                } else {
                    "strategies"
                }
            }
            Field::Game => "--game",
            Field::Turns => "--turns",
            Field::Repetitions => "--repetitions",
            Field::Initial => self.initial,
            Field::Generations => "--generations",
            Field::Time => "--time",
            Field::Points => "--points",
            Field::Mutation => "--mutation",
            Field::Population => "--population",
            Field::Process(_) | Field::Rule | Field::Fitness => self.process,
            Field::Graph | Field::Reproduction => "--graph",
            Field::Runs => "--runs",
            Field::MaxSteps => "--max-steps",
            Field::Mode => "--mode",
        }
    }
}

/// Added to every "needs more memory than the limit" message.
pub(crate) const MEMORY_HINT: &str = "; raise the limit with --max-memory SIZE (e.g. --max-memory 16G) if the machine has the memory";

/// A failure to report. `Quiet` means standard output was closed by its reader (e.g.
/// `| head`): the command stops quietly, as Unix tools do.
#[derive(Debug)]
pub enum Failure {
    Quiet,
    Message(String),
    /// `run --strict` and a strategy was disqualified: exit status 3.
    Disqualified(String),
}

impl Failure {
    /// An error about a flag.
    pub fn flag(flag: &str, message: impl std::fmt::Display) -> Failure {
        Failure::Message(format!("{flag}: {message}"))
    }

    /// A spec error, at the flag that gave the offending value.
    pub fn spec(e: &SpecError, flags: &Flags) -> Failure {
        let hint = if matches!(e, SpecError::TooLarge { .. }) {
            MEMORY_HINT
        } else {
            ""
        };
        Failure::Message(format!("{}: {e}{hint}", flags.of(e.field())))
    }

    /// A run error, at the flag that gave the offending value.
    pub fn study(e: &StudyError, flags: &Flags) -> Failure {
        match e {
            StudyError::Dynamics { field, .. } => Failure::flag(flags.of(*field), e),
            _ => Failure::Message(e.to_string()),
        }
    }

    /// Standard output could not be written.
    pub fn stdout(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::Quiet
        } else {
            Failure::Message(format!("cannot write to standard output: {e}"))
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        let hint = if e.kind == ConfigErrorKind::Memory {
            MEMORY_HINT
        } else {
            ""
        };
        Failure::Message(format!("{e}{hint}"))
    }
}

impl From<OutputError> for Failure {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::File {
                source: WriteError::Io(io),
                ..
            } if io.kind() == std::io::ErrorKind::BrokenPipe => Failure::Quiet,
            other => Failure::Message(other.to_string()),
        }
    }
}

impl From<WriteError> for Failure {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Io(io) => Failure::stdout(io),
            other => Failure::Message(format!("cannot write the output: {other}")),
        }
    }
}

/// Errors that are complete sentences naming what they are about.
macro_rules! message_failures {
    ($($t:ty),* $(,)?) => {
        $(impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::Message(e.to_string())
            }
        })*
    };
}

message_failures!(
    vertrouwen_engine::RegistryError,
    vertrouwen_engine::MatchError,
    vertrouwen_engine::tournament::TournamentError,
    vertrouwen_engine::tournament::PartError,
    vertrouwen_output::partial::PartialError,
    vertrouwen_engine::evolution::EvolutionError,
);
