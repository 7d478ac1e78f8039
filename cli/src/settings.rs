//! Flags turned into the engine's validated specs, once: the same specs a study file gives, so
//! the subcommands and `run` share every check and every result.

use vertrouwen_engine::evolution::{EvolutionError, MatchPayoffSpec, PayoffKind};
use vertrouwen_engine::game::Game;
use vertrouwen_engine::matchup::{MatchLength, MatchSpec};
use vertrouwen_engine::moran::Process;
use vertrouwen_engine::payoff_matrix::PayoffMatrix;
use vertrouwen_engine::population::Graph;
use vertrouwen_engine::study::{Limits, PayoffSource};
use vertrouwen_engine::tournament::PlayerSpec;
use vertrouwen_engine::values::{EndProbability, Label, Probability, Turns};
use vertrouwen_engine::Registry;

use vertrouwen_engine::sandbox::{Isolation, Limits as SandboxLimits, WorkerCommand};

use crate::args::{IsolationArgs, MemoryArgs, PayoffArgs, PluginArgs, ProcessName, SelectionArgs};
use crate::failure::{Failure, Flags};

/// The built-in library plus the plugins named on the command line, loaded isolated when
/// `--isolate` says so (or `file_isolation`, a study file's `isolate: true` with its limits).
pub fn registry(
    plugins: &PluginArgs,
    file_isolation: Option<SandboxLimits>,
) -> Result<Registry, Failure> {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())?;
    for (alias, target) in vertrouwen_strategies::ALIASES {
        r.add_alias(alias, target)?;
    }
    if let Some(isolation) = isolation(&plugins.isolation, file_isolation)? {
        r.isolate(isolation);
    }
    for p in &plugins.plugins {
        r.load_plugin(p)?;
    }
    Ok(r)
}

/// The built-in library and its aliases, without plugins.
pub fn builtins() -> Result<Registry, Failure> {
    registry(
        &PluginArgs {
            plugins: vec![],
            isolation: IsolationArgs::default(),
        },
        None,
    )
}

/// The isolation settings of the command line over those of a study file (`None`: plugins run
/// in this process).
pub fn isolation(
    args: &IsolationArgs,
    file: Option<SandboxLimits>,
) -> Result<Option<Isolation>, Failure> {
    if !args.isolate && file.is_none() {
        return Ok(None);
    }
    let mut limits = file.unwrap_or_default();
    if let Some(ms) = args.decision_ms {
        limits.decision_ms = ms;
    }
    if let Some(ms) = args.match_ms {
        limits.match_ms = ms;
    }
    if let Some(mb) = args.memory_mb {
        limits.memory_mb = mb;
    }
    limits
        .validate()
        .map_err(|m| Failure::Message(format!("isolation limits: {m}")))?;
    let program = std::env::current_exe().map_err(|e| {
        Failure::Message(format!(
            "cannot find the vertrouwen binary to start isolated workers: {e}"
        ))
    })?;
    Ok(Some(Isolation {
        command: WorkerCommand {
            program,
            args: vec![crate::WORKER_MODE.into()],
        },
        limits,
    }))
}

/// The limits of a run.
pub fn limits(m: &MemoryArgs) -> Limits {
    Limits {
        memory: m.max_memory,
    }
}

/// A match's settings from `--turns`, `--prob-end`, `--noise` and `--game` (200 turns when
/// neither length flag is given).
pub fn match_spec(
    turns: Option<Turns>,
    prob_end: Option<EndProbability>,
    noise: Probability,
    game: &str,
) -> Result<MatchSpec, Failure> {
    let game = Game::parse(game).map_err(|e| Failure::flag("--game", e))?;
    let length = match (turns, prob_end) {
        (None, None) => MatchLength::Fixed(200),
        (Some(t), None) => MatchLength::Fixed(t.get()),
        (cap, Some(p)) => MatchLength::Geometric {
            prob_end: p.get(),
            cap: cap.map(Turns::get),
        },
    };
    Ok(MatchSpec {
        length,
        noise: noise.get(),
        game,
        trust_run: vertrouwen_engine::trust::DEFAULT_TRUST_RUN,
    })
}

/// The flags that name a command's inputs, given how the payoffs were given.
pub fn flags(a: &PayoffArgs, process: &'static str, initial: &'static str) -> Flags {
    Flags {
        payoffs: if a.matrix.is_some() {
            "--matrix"
        } else {
            "strategies"
        },
        process,
        initial,
    }
}

/// Where the payoffs come from: `--matrix` (with `--labels`) or strategy names.
pub fn payoff_source(a: &PayoffArgs, flags: &Flags) -> Result<PayoffSource, Failure> {
    match (&a.matrix, a.strategies.is_empty()) {
        (Some(_), false) => Err(Failure::Message(
            "give either --matrix or strategy names, not both".into(),
        )),
        (None, true) => Err(Failure::Message(
            "give the payoffs: --matrix \"a,b;c,d\" or strategy names".into(),
        )),
        (Some(text), true) => {
            let matrix = PayoffMatrix::parse(text).map_err(|e| Failure::flag("--matrix", e))?;
            let labels = a
                .labels
                .as_deref()
                .map(|l| {
                    l.split(',')
                        .map(|s| s.trim().parse::<Label>())
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| Failure::flag("--labels", e))
                })
                .transpose()?;
            PayoffSource::matrix(labels, matrix).map_err(|e| Failure::spec(&e, flags))
        }
        (None, false) => {
            let registry = registry(&a.plugins, None)?;
            let matches = match_spec(a.turns, a.prob_end, a.noise, &a.game)?;
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
            let spec = MatchPayoffSpec::new(players, matches, a.repetitions, a.seed, kind)
                .map_err(|e| match e {
                    EvolutionError::Overflow { .. } => Failure::flag("--game", e),
                    other => Failure::Message(other.to_string()),
                })?;
            PayoffSource::matches(spec).map_err(|e| Failure::spec(&e, flags))
        }
    }
}

/// The process from `--selection` / `--beta` / `--process`, and the flag that gave its
/// intensity.
pub fn process(s: &SelectionArgs) -> Result<(Process, &'static str), Failure> {
    match (s.process, s.selection, s.beta) {
        (_, None, None) => Err(Failure::Message(
            "give the intensity of selection: --selection W (Moran) or --beta B (Fermi)".into(),
        )),
        (Some(ProcessName::Moran), _, Some(_)) => Err(Failure::Message(
            "--beta is the Fermi intensity; use --selection W with --process moran".into(),
        )),
        (Some(ProcessName::Fermi), Some(w), None) => {
            Ok((Process::Fermi { beta: w.get() }, "--selection"))
        }
        (_, Some(w), None) => Ok((Process::Moran { w: w.get() }, "--selection")),
        (_, _, Some(b)) => Ok((Process::Fermi { beta: b.get() }, "--beta")),
    }
}

/// Parses `complete:N`, `cycle:N`, `star:N` or `lattice:WxH` (the `--graph` flag).
pub fn graph(text: &str) -> Result<Graph, Failure> {
    let fail = |why: String| {
        Failure::flag(
            "--graph",
            format!("{why}; expected complete:N, cycle:N, star:N or lattice:WxH, got {text:?}"),
        )
    };
    let (kind, size) = text
        .trim()
        .split_once(':')
        .ok_or_else(|| fail("no size".into()))?;
    let number = |s: &str| {
        s.trim()
            .parse::<usize>()
            .map_err(|_| fail(format!("cannot read {s:?} as a number of nodes")))
    };
    match kind.trim().to_ascii_lowercase().as_str() {
        "complete" => Ok(Graph::Complete { n: number(size)? }),
        "cycle" => Ok(Graph::Cycle { n: number(size)? }),
        "star" => Ok(Graph::Star { n: number(size)? }),
        "lattice" => {
            let (w, h) = size
                .split_once(['x', 'X'])
                .ok_or_else(|| fail("a lattice needs WIDTHxHEIGHT".into()))?;
            Ok(Graph::Lattice {
                width: number(w)?,
                height: number(h)?,
            })
        }
        other => Err(fail(format!("unknown graph {other:?}"))),
    }
}

/// Parses `--initial 1,9` (counts of each strategy).
pub fn counts(text: &str) -> Result<Vec<u64>, Failure> {
    text.split(',')
        .map(|c| {
            c.trim().parse::<u64>().map_err(|_| {
                Failure::flag(
                    "--initial",
                    format!("cannot read {:?} as a count of individuals", c.trim()),
                )
            })
        })
        .collect()
}
