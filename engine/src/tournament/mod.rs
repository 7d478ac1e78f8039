//! Why this file is long: the entry points (`run`, `pair_means`) and the one
//! match loop they and the partial runs share (`play_local`, with its segments, deal and
//! observer) read best together; the rest of the tournament lives in its submodules.
//!
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

#[cfg(target_os = "linux")]
mod isolated;
pub mod observe;
pub mod partial;
pub(crate) mod schedule;
pub mod tally;
pub(crate) mod worker;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use thiserror::Error;
use vertrouwen_plugins_api::derive_seed;

use crate::fault::Fault;
use crate::loader::{StrategyEntry, StrategyError};
use crate::matchup::{MatchError, MatchSpec};
use crate::results::ResultSet;
#[cfg(not(target_os = "linux"))]
use crate::sandbox::SandboxError;
use observe::{PlayedMatch, RunObserver, Unobserved};
pub use partial::{
    finish, match_count, pair_means_from, run_part, Checkpoints, PartError, PartRun, PartialTally,
    Progress, SaveError, Shard,
};
use schedule::{Dispenser, Gate, Schedule};
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
    /// Worker threads, exactly (at most one per match); `None` uses all cores, but no more
    /// threads than the work is worth (one per quarter of a million expected turns), so a
    /// small tournament does not pay for threads it cannot use.
    pub threads: Option<usize>,
}

#[derive(Debug, Error)]
pub enum TournamentError {
    #[error("a tournament needs at least one player")]
    NoPlayers,
    #[error("`repetitions` must be at least 1")]
    NoRepetitions,
    #[error("invalid match settings: {0}")]
    Spec(#[from] crate::matchup::MatchSpecError),
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
    #[error("{0}")]
    Sandbox(String),
    #[error("shards and checkpoints do not support isolated plugins yet ({label:?} is isolated): a disqualification in one shard changes every shard's table; run the study whole")]
    IsolatedParts { label: String },
    #[error("the checkpoint does not fit this study: {0}")]
    Resume(#[source] PartError),
    #[error("the partial result does not fit this study: {0}")]
    Partial(#[source] PartError),
    #[error("the partial results cover {found} of the study's {expected} matches; every shard must be merged")]
    Incomplete { expected: u64, found: u64 },
    #[error("could not save a checkpoint: {0}")]
    Checkpoint(#[source] SaveError),
}

/// What a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct TournamentOutcome {
    /// The results of the players that were not disqualified, computed from their matches
    /// with each other only.
    pub results: ResultSet,
    /// Matches actually played (cached repetitions are not counted).
    pub matches_played: usize,
    /// Turns actually played.
    pub turns_played: u64,
    /// `replayed_pairs[i][j]`: whether the pair was played in every repetition (`false`: a
    /// deterministic pair played once and reused), over the players of `results`.
    pub replayed_pairs: Vec<Vec<bool>>,
    /// Isolated strategies disqualified for a fault, in player order.
    pub disqualified: Vec<Disqualification>,
}

/// An isolated strategy removed from a tournament: its matches are removed from everyone's
/// results (see `docs/plugins.md`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disqualification {
    /// Its index and label among the tournament's players.
    pub player: usize,
    pub label: String,
    pub strategy: String,
    /// The plugin file.
    pub plugin: String,
    pub fault: Fault,
    /// The match it failed in (`None`: while being created), with the opponent's label.
    pub match_index: Option<u64>,
    pub opponent: Option<String>,
    pub repetition: Option<u32>,
    /// The 1-based turn (`None`: before the first turn).
    pub turn: Option<u64>,
}

impl std::fmt::Display for Disqualification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} ({}) {}", self.label, self.plugin, self.fault)?;
        match (self.match_index, &self.opponent, self.repetition) {
            (Some(m), Some(o), Some(r)) => {
                write!(f, " in match {m} against {o:?} (repetition {r})")?
            }
            (Some(m), _, _) => write!(f, " in match {m}")?,
            _ => write!(f, " while being created")?,
        }
        if let Some(t) = self.turn {
            write!(f, ", turn {t}")?;
        }
        Ok(())
    }
}

/// Runs a tournament.
pub fn run(
    spec: &TournamentSpec,
    options: RunOptions,
) -> Result<TournamentOutcome, TournamentError> {
    let done = execute(spec, options, true)?;
    let labels = done
        .kept
        .iter()
        .map(|&k| spec.players[k].label.clone())
        .collect();
    let mut results = ResultSet::from_tally(labels, &done.tally, options.threads != Some(1));
    let n = spec.players.len();
    results.match_length_histogram = schedule::length_histogram(
        &spec.matches,
        spec.seed,
        n,
        spec.repetitions as usize,
        &done.kept,
    );
    Ok(TournamentOutcome {
        results,
        matches_played: done.matches_played,
        turns_played: done.turns_played,
        replayed_pairs: replayed_pairs(&done.schedule, n, &done.kept),
        disqualified: done.disqualified,
    })
}

/// The mean payoffs of every pair of a round robin, without what only a tournament's ranking
/// needs (per-repetition scores for medians): memory grows with the players, not with the
/// repetitions. The payoffs of evolutionary dynamics.
#[derive(Clone, Debug)]
pub struct PairMeans {
    /// The players' labels (those not disqualified).
    pub labels: Vec<String>,
    /// `per_turn[i][j]`: mean payoff per turn of i against j (self-play: both clones' mean).
    pub per_turn: Vec<Vec<f64>>,
    /// `totals[i][j]`: mean total payoff of i against j.
    pub totals: Vec<Vec<f64>>,
    /// Whether each pair was played in every repetition (`false`: played once).
    pub replayed_pairs: Vec<Vec<bool>>,
    pub matches_played: usize,
    pub turns_played: u64,
    pub disqualified: Vec<Disqualification>,
}

/// Runs the matches of a tournament and keeps only the pairs' means ([`PairMeans`]).
pub fn pair_means(
    spec: &TournamentSpec,
    options: RunOptions,
) -> Result<PairMeans, TournamentError> {
    let done = execute(spec, options, false)?;
    Ok(means_of(
        spec,
        &done.tally,
        &done.kept,
        &done.schedule,
        done.matches_played,
        done.turns_played,
        done.disqualified,
    ))
}

/// The pairs' means of a tally over the players `kept`.
fn means_of(
    spec: &TournamentSpec,
    tally: &TournamentTally,
    kept: &[usize],
    schedule: &Schedule,
    matches_played: usize,
    turns_played: u64,
    disqualified: Vec<Disqualification>,
) -> PairMeans {
    let n = kept.len();
    let mut per_turn = vec![vec![0.0; n]; n];
    let mut totals = vec![vec![0.0; n]; n];
    for (i, j) in pairs(n) {
        let p = tally.pair(i, j);
        let mean = |s: &crate::exact_sum::ExactSum| {
            if p.matches == 0 {
                0.0
            } else {
                s.value() / p.matches as f64
            }
        };
        per_turn[i][j] = mean(&p.per_turn[0]);
        totals[i][j] = mean(&p.totals[0]);
        if i != j {
            per_turn[j][i] = mean(&p.per_turn[1]);
            totals[j][i] = mean(&p.totals[1]);
        }
    }
    PairMeans {
        labels: kept
            .iter()
            .map(|&k| spec.players[k].label.clone())
            .collect(),
        per_turn,
        totals,
        replayed_pairs: replayed_pairs(schedule, spec.players.len(), kept),
        matches_played,
        turns_played,
        disqualified,
    }
}

/// What playing a tournament's matches left: the tally over the players `kept` (renumbered
/// `0..kept.len()`), and how the run went.
struct Executed {
    tally: TournamentTally,
    kept: Vec<usize>,
    schedule: Schedule,
    matches_played: usize,
    turns_played: u64,
    disqualified: Vec<Disqualification>,
}

/// Plays every match of `spec`; `per_repetition`: keep each player's sums per repetition (for
/// the ranking's medians), else the pairs' sums only.
fn execute(
    spec: &TournamentSpec,
    options: RunOptions,
    per_repetition: bool,
) -> Result<Executed, TournamentError> {
    if spec.players.is_empty() {
        return Err(TournamentError::NoPlayers);
    }
    if spec.repetitions == 0 {
        return Err(TournamentError::NoRepetitions);
    }
    spec.matches.validate().map_err(TournamentError::Spec)?;
    if spec
        .players
        .iter()
        .any(|p| p.entry.isolated_plugin().is_some())
    {
        #[cfg(target_os = "linux")]
        // Isolated runs are not observed: their matches are played and recorded in worker
        // processes (the CLI refuses `--interactions` with `--isolate`).
        return isolated::execute(spec, options, per_repetition);
        #[cfg(not(target_os = "linux"))]
        return Err(TournamentError::Sandbox(
            SandboxError::Unsupported.to_string(),
        ));
    }
    // Create every player once up front: bad parameters fail here, before any work, and the
    // instances' classifiers decide which pairs can be cached.
    let stochastic = spec
        .players
        .iter()
        .map(local_is_stochastic)
        .collect::<Result<Vec<bool>, _>>()?;
    let n = spec.players.len();
    let schedule = Schedule::new(
        pairs(n),
        cached_pairs(spec, &stochastic),
        spec.repetitions as usize,
    );
    let mut tally = TournamentTally::new(
        n,
        spec.repetitions as usize,
        spec.matches.game,
        spec.matches.trust_run,
    );
    if !per_repetition {
        tally = tally.pairs_only();
    }
    let threads = thread_count(options, schedule.len(), Some(&spec.matches));
    let turns_played = play_local(
        spec,
        &schedule,
        &tally,
        threads,
        |_| true,
        Deal::whole(schedule.len()),
        None,
        &Unobserved,
    )?;
    Ok(Executed {
        tally,
        kept: (0..n).collect(),
        matches_played: schedule.len(),
        schedule,
        turns_played,
        disqualified: Vec::new(),
    })
}

/// Plays one match in which at least one player comes from an isolated plugin (see
/// [`crate::matchup::play_recorded`]).
pub(crate) fn play_isolated(
    entries: [(&StrategyEntry, Option<&str>); 2],
    spec: &MatchSpec,
    seed: u64,
) -> Result<crate::matchup::MatchRecord, MatchError> {
    let players = entries.map(|(entry, params)| PlayerSpec {
        entry: entry.clone(),
        params: params.map(str::to_string),
        label: entry.name.clone(),
    });
    #[cfg(target_os = "linux")]
    return isolated::play_single(players, *spec, seed).map_err(|e| match e {
        TournamentError::Player { source, .. } => MatchError::Strategy(source),
        other => MatchError::Isolated(other.to_string()),
    });
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (players, seed);
        Err(MatchError::Isolated(SandboxError::Unsupported.to_string()))
    }
}

/// Whether a player (run in this process) is stochastic; creating it checks its parameters.
fn local_is_stochastic(p: &PlayerSpec) -> Result<bool, TournamentError> {
    p.entry
        .instantiate(p.params.as_deref())
        .map(|inst| inst.classifiers().is_stochastic())
        .map_err(|source| TournamentError::Player {
            label: p.label.clone(),
            source,
        })
}

/// Which pairs are played once and stand for every repetition: two deterministic players in a
/// noise-free match of fixed length.
fn cached_pairs(spec: &TournamentSpec, stochastic: &[bool]) -> Vec<bool> {
    let cacheable = spec.matches.noise == 0.0 && spec.matches.is_fixed();
    pairs(spec.players.len())
        .iter()
        .map(|&(i, j)| cacheable && !stochastic[i] && !stochastic[j])
        .collect()
}

/// Expected turns of work below which another thread costs more than it saves: starting a
/// thread and creating its instances takes about 0.1 ms, a quarter of a million turns several
/// milliseconds. (A tournament of 10 table strategies, 11,000 turns, ran at 0.68x on two
/// threads.) The thread count never changes results, only speed.
const MIN_TURNS_PER_THREAD: f64 = 250_000.0;

/// Threads for `jobs` matches, at most one per job: the requested number, exactly; by
/// default all cores, but for in-process work (`matches` given) at most one per
/// [`MIN_TURNS_PER_THREAD`] expected turns. (Isolated runs wait on workers, so their threads
/// are not bounded by work.)
fn thread_count(options: RunOptions, jobs: usize, matches: Option<&MatchSpec>) -> usize {
    let by_work = matches
        .filter(|_| options.threads.is_none())
        .map_or(usize::MAX, |m| {
            (jobs as f64 * m.length.mean_turns() / MIN_TURNS_PER_THREAD).ceil() as usize
        });
    options
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .clamp(1, jobs.max(1).min(by_work.max(1)))
}

/// `replayed_pairs` over the players `kept` (indices into the schedule's players).
fn replayed_pairs(schedule: &Schedule, n: usize, kept: &[usize]) -> Vec<Vec<bool>> {
    let index = |i: usize, j: usize| tally::pair_index(n, i.min(j), i.max(j));
    kept.iter()
        .map(|&i| {
            kept.iter()
                .map(|&j| !schedule.is_cached(index(i, j)))
                .collect()
        })
        .collect()
}

/// Which jobs [`play_local`] plays: jobs `from..to` of `shard`'s list.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deal {
    pub shard: Shard,
    pub from: usize,
    pub to: usize,
}

impl Deal {
    /// Every job of a schedule of `len` jobs.
    pub(crate) fn whole(len: usize) -> Deal {
        Deal {
            shard: Shard::WHOLE,
            from: 0,
            to: len,
        }
    }
}

/// A run cut into segments of `size` jobs; between two segments, while no match is played,
/// `after(jobs done, turns played)` runs on one thread (to save a checkpoint).
pub(crate) struct Segments<'a> {
    pub size: usize,
    pub after: &'a mut (dyn FnMut(usize, u64) -> Result<(), TournamentError> + Send),
}

/// Plays, on `threads` threads, the jobs of `deal` that `mine` accepts (both players run in
/// this process), recording into `tally`. Returns the turns played. The first failure stops
/// every thread; the error reported is the failing match with the lowest index.
///
/// With `segments`, the jobs are played segment by segment: every thread finishes its matches
/// of a segment and waits at a barrier, one thread calls `after`, and the next segment starts.
/// The tally then holds exactly the jobs before the barrier, which is what a checkpoint needs.
// What to play (spec, schedule, deal, filter), where to record it (tally), how (threads,
// segments) and who watches (observer): independent inputs of the one loop every run shares.
#[allow(clippy::too_many_arguments)]
fn play_local(
    spec: &TournamentSpec,
    schedule: &Schedule,
    tally: &TournamentTally,
    threads: usize,
    mine: impl Fn(&schedule::Job) -> bool + Sync,
    deal: Deal,
    segments: Option<Segments<'_>>,
    observer: &dyn RunObserver,
) -> Result<u64, TournamentError> {
    let finished = AtomicUsize::new(0);
    let wants_matches = observer.wants_matches();
    let size = segments
        .as_ref()
        .map_or(deal.to - deal.from, |s| s.size)
        .max(1);
    let dispenser = Dispenser::new(0, threads);
    let first_end = deal.to.min(deal.from.saturating_add(size));
    dispenser.window(deal.from, first_end);
    let segment_end = AtomicUsize::new(first_end);
    let after = segments.map(|s| Mutex::new(s.after));
    let barrier = Gate::new(threads);
    let stop = AtomicBool::new(false);
    let turns_played = AtomicU64::new(0);
    let failure: Mutex<Option<(u64, TournamentError)>> = Mutex::new(None);
    let pair_count = (spec.players.len() * (spec.players.len() + 1) / 2) as u64;
    let fail = |index: u64, error: TournamentError| {
        let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_none_or(|(first, _)| index < *first) {
            *slot = Some((index, error));
        }
    };
    let work = || {
        let mut worker = MatchWorker::new(&spec.players);
        loop {
            let mut turns = 0u64;
            'claims: while let Some(chunk) = dispenser.claim() {
                // Progress is told once a chunk: a shared counter touched by every thread
                // after every (microseconds-long) match would cost more than the telling.
                let in_chunk = chunk.len();
                for m in chunk {
                    let k = deal.shard.job(m);
                    let job = schedule.job(k);
                    if !mine(&job) {
                        continue;
                    }
                    let seed = derive_seed(spec.seed, job.index);
                    match worker.play(&spec.players, job.i, job.j, &spec.matches, seed) {
                        Ok(stats) => {
                            turns += u64::from(stats.turns);
                            tally.record(job.i, job.j, job.reps, &stats);
                            if wants_matches {
                                let (m1, m2) = worker.moves();
                                observer.played(&PlayedMatch {
                                    job: k,
                                    index: job.index,
                                    i: job.i,
                                    j: job.j,
                                    repetitions: job.reps,
                                    seed,
                                    stats: &stats,
                                    moves: [m1, m2],
                                });
                            }
                        }
                        Err(source) => {
                            stop.store(true, Ordering::Relaxed);
                            dispenser.stop();
                            fail(
                                job.index,
                                TournamentError::Match {
                                    index: job.index as usize,
                                    p1: spec.players[job.i].label.clone(),
                                    p2: spec.players[job.j].label.clone(),
                                    repetition: (job.index / pair_count) as u32,
                                    source: Box::new(source),
                                },
                            );
                            break 'claims;
                        }
                    }
                }
                observer.progress(finished.fetch_add(in_chunk, Ordering::Relaxed) + in_chunk);
            }
            turns_played.fetch_add(turns, Ordering::Relaxed);
            // Between segments: only the leader runs until the second barrier.
            if barrier.wait() {
                let end = segment_end.load(Ordering::Relaxed);
                if stop.load(Ordering::Relaxed) || end >= deal.to {
                    stop.store(true, Ordering::Relaxed);
                } else {
                    if let Some(after) = &after {
                        let mut after = after.lock().unwrap_or_else(|p| p.into_inner());
                        if let Err(e) =
                            (*after)(end - deal.from, turns_played.load(Ordering::Relaxed))
                        {
                            stop.store(true, Ordering::Relaxed);
                            fail(u64::MAX, e);
                        }
                    }
                    let next = deal.to.min(end.saturating_add(size));
                    dispenser.window(end, next);
                    segment_end.store(next, Ordering::Relaxed);
                }
            }
            barrier.wait();
            if stop.load(Ordering::Relaxed) {
                break;
            }
        }
    };
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|scope| -> Result<(), TournamentError> {
            for k in 0..threads {
                let spawned = std::thread::Builder::new()
                    .name("vertrouwen-match".into())
                    .spawn_scoped(scope, work);
                if let Err(e) = spawned {
                    // The threads already started must not wait for this one at the barrier.
                    stop.store(true, Ordering::Relaxed);
                    dispenser.stop();
                    barrier.set_parties(k);
                    return Err(TournamentError::Threads {
                        threads,
                        message: e.to_string(),
                    });
                }
            }
            Ok(())
        })?;
    }
    if let Some((_, error)) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(error);
    }
    Ok(turns_played.into_inner())
}
