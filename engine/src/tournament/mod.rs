//! Round-robin tournaments: every pair of players including self-play, repeated, in parallel.
//!
//! Determinism: the match of pair p in repetition r has index `r * pairs + p` and seed
//! `derive_seed(master_seed, index)` ([`schedule`]); threads record finished matches into one
//! [`tally::TournamentTally`] of exact sums, in whatever order they finish, so the output is
//! byte-identical for any number of threads.
//!
//! Each thread keeps one [`worker::MatchWorker`] for the whole run (instances created once per
//! thread and reset between matches). The first failing match stops the run: no thread takes
//! new work after it, and the error reported is the failing match with the lowest index among
//! those that failed.

pub(crate) mod schedule;
pub mod tally;
pub(crate) mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use thiserror::Error;
use vertrouwen_plugins_api::derive_seed;

use crate::loader::{StrategyEntry, StrategyError};
use crate::matchup::{MatchError, MatchSpec};
use crate::results::ResultSet;
use schedule::{Dispenser, Schedule};
use tally::{pairs, TournamentTally};
pub(crate) use worker::MatchWorker;

/// A player of a tournament: a strategy, its parameters, and the name shown in results.
#[derive(Clone, Debug)]
pub struct PlayerSpec {
    pub entry: StrategyEntry,
    /// RON parameters; `None` for the strategy's defaults.
    pub params: Option<String>,
    /// Name in the results (the display name unless the user chose another).
    pub label: String,
}

impl PlayerSpec {
    /// A player with default parameters, labelled by its display name.
    pub fn new(entry: &StrategyEntry) -> Self {
        PlayerSpec {
            entry: entry.clone(),
            params: None,
            label: entry.name.clone(),
        }
    }
}

/// A complete tournament description.
#[derive(Clone, Debug)]
pub struct TournamentSpec {
    pub players: Vec<PlayerSpec>,
    pub matches: MatchSpec,
    pub repetitions: u32,
    pub seed: u64,
}

/// How to run (not what to compute: these never change the results).
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; `None` uses all cores.
    pub threads: Option<usize>,
}

#[derive(Debug, Error)]
pub enum TournamentError {
    #[error("a tournament needs at least one player")]
    NoPlayers,
    #[error("`repetitions` must be at least 1")]
    NoRepetitions,
    #[error("invalid match settings: {0}")]
    Spec(String),
    #[error("player {label:?}: {source}")]
    Player {
        label: String,
        #[source]
        source: StrategyError,
    },
    #[error("match {index} ({p1} vs {p2}, repetition {repetition}): {source}")]
    Match {
        index: usize,
        p1: String,
        p2: String,
        repetition: u32,
        #[source]
        source: Box<MatchError>,
    },
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// What a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct TournamentOutcome {
    pub results: ResultSet,
    /// Matches actually played (cached repetitions are not counted).
    pub matches_played: usize,
    /// Turns actually played.
    pub turns_played: u64,
    /// `replayed_pairs[i][j]`: whether the pair was played in every repetition (`false`: a
    /// deterministic pair played once and reused).
    pub replayed_pairs: Vec<Vec<bool>>,
}

/// Runs a tournament.
pub fn run(
    spec: &TournamentSpec,
    options: RunOptions,
) -> Result<TournamentOutcome, TournamentError> {
    if spec.players.is_empty() {
        return Err(TournamentError::NoPlayers);
    }
    if spec.repetitions == 0 {
        return Err(TournamentError::NoRepetitions);
    }
    spec.matches.validate().map_err(TournamentError::Spec)?;
    // Create every player once up front: bad parameters fail here, before any work, and the
    // instances' classifiers decide which pairs can be cached.
    let mut stochastic = Vec::with_capacity(spec.players.len());
    for p in &spec.players {
        let inst =
            p.entry
                .instantiate(p.params.as_deref())
                .map_err(|source| TournamentError::Player {
                    label: p.label.clone(),
                    source,
                })?;
        stochastic.push(inst.classifiers().is_stochastic());
    }
    let n = spec.players.len();
    let reps = spec.repetitions as usize;
    let pair_list = pairs(n);
    let cacheable_spec = spec.matches.noise == 0.0 && spec.matches.is_fixed();
    let cached: Vec<bool> = pair_list
        .iter()
        .map(|&(i, j)| cacheable_spec && !stochastic[i] && !stochastic[j])
        .collect();
    let schedule = Schedule::new(pair_list.clone(), cached, reps);
    let tally = TournamentTally::new(n, reps, spec.matches.game);
    let threads = options
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .clamp(1, schedule.len().max(1));
    let dispenser = Dispenser::new(schedule.len(), threads);
    let turns_played = AtomicU64::new(0);
    let failure: Mutex<Option<(u64, TournamentError)>> = Mutex::new(None);

    let work = || {
        let mut worker = MatchWorker::new(&spec.players);
        let mut turns = 0u64;
        'claims: while let Some(chunk) = dispenser.claim() {
            for k in chunk {
                let job = schedule.job(k);
                let seed = derive_seed(spec.seed, job.index);
                match worker.play(&spec.players, job.i, job.j, &spec.matches, seed) {
                    Ok(stats) => {
                        turns += u64::from(stats.turns);
                        tally.record(job.i, job.j, job.reps, &stats);
                    }
                    Err(source) => {
                        dispenser.stop();
                        let error = TournamentError::Match {
                            index: job.index as usize,
                            p1: spec.players[job.i].label.clone(),
                            p2: spec.players[job.j].label.clone(),
                            repetition: (job.index / pair_list.len() as u64) as u32,
                            source: Box::new(source),
                        };
                        let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
                        if slot.as_ref().is_none_or(|(first, _)| job.index < *first) {
                            *slot = Some((job.index, error));
                        }
                        break 'claims;
                    }
                }
            }
        }
        turns_played.fetch_add(turns, Ordering::Relaxed);
    };
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|scope| -> Result<(), TournamentError> {
            for _ in 0..threads {
                std::thread::Builder::new()
                    .name("vertrouwen-match".into())
                    .spawn_scoped(scope, work)
                    .map_err(|e| TournamentError::Threads {
                        threads,
                        message: e.to_string(),
                    })?;
            }
            Ok(())
        })?;
    }
    if let Some((_, error)) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(error);
    }

    let labels = spec.players.iter().map(|p| p.label.clone()).collect();
    let results = ResultSet::from_tally(labels, &tally);
    let mut replayed_pairs = vec![vec![false; n]; n];
    for (p, &(i, j)) in pair_list.iter().enumerate() {
        replayed_pairs[i][j] = !schedule.is_cached(p);
        replayed_pairs[j][i] = !schedule.is_cached(p);
    }
    Ok(TournamentOutcome {
        results,
        matches_played: schedule.len(),
        turns_played: turns_played.into_inner(),
        replayed_pairs,
    })
}
