//! Tournaments with isolated plugins (see [`crate::sandbox`]).
//!
//! Every match goes one of three ways:
//! - both players are built in: played by the engine's threads, as in any tournament;
//! - one or both players come from the same isolated plugin (the other built in): played
//!   entirely inside that plugin's worker process, in batches; the engine replays the built-in's
//!   side against the recorded moves, so the record it keeps is its own;
//! - the players come from two different isolated plugins: relayed turn by turn by the engine
//!   between the two workers, through their shared pages, several matches at once.
//!
//! A strategy that fails in any way is disqualified (its first fault is reported), its
//! remaining matches are skipped, and at the end every match it played is left out: the table is
//! computed from the matches among the remaining players only, with their original seeds, so
//! for deterministic players it is exactly the table of a tournament without it. Matches that
//! involve an isolated player are therefore kept (as their statistics) until the end; matches
//! between built-ins are recorded at once.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use vertrouwen_plugins_api::{derive_seed, Move};

use super::schedule::{Job, Schedule};
use super::tally::{pairs, Repetitions, TournamentTally};
use super::{
    cached_pairs, local_is_stochastic, play_local, thread_count, Deal, Disqualification, Executed,
    PlayerSpec, RunOptions, TournamentError, TournamentSpec,
};
use crate::fault::Fault;
use crate::matchup::MatchRecord;
use crate::matchup::{MatchSpec, MatchStats};
use crate::sandbox::protocol::{PlayerDef, Request, Response};
use crate::sandbox::supervisor::{Wait, WorkerFailure};
use crate::sandbox::IsolatedPlugin;

mod batch;
mod relay;

use batch::*;
use relay::*;

/// Where a player runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Home {
    Local,
    Plugin(usize),
}

/// A match to play in isolation: the tournament job and its seed.
#[derive(Clone, Copy, Debug)]
struct Order {
    job: Job,
    seed: u64,
}

/// Jobs sent to a worker at once.
const BATCH_JOBS: usize = 64;
/// ... or fewer, so a batch holds about this many turns.
const BATCH_TURNS: u64 = 4 << 20;

/// A match an isolated worker (or a relay) played, checked.
struct Played {
    job: Job,
    stats: MatchStats,
    moves: Option<[Vec<Move>; 2]>,
}

/// What the drivers of one run share.
struct Run<'a> {
    spec: &'a TournamentSpec,
    homes: Vec<Home>,
    plugins: Vec<Arc<IsolatedPlugin>>,
    pair_count: u64,
    /// Statistics of matches involving isolated players, recorded at the end (with the moves,
    /// if `keep_moves`).
    log: Mutex<Vec<Played>>,
    keep_moves: bool,
    disqualified: Mutex<BTreeMap<usize, Disqualification>>,
    turns: AtomicU64,
    played: AtomicU64,
    /// A failure of the engine's own (a worker that cannot be started): stops the run.
    fatal: Mutex<Option<TournamentError>>,
    /// CPU-time budget of one worker process, in seconds (a backstop; wall clock rules).
    cpu_seconds: Vec<u64>,
}

impl Run<'_> {
    fn is_out(&self, player: usize) -> bool {
        self.disqualified
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(&player)
    }

    fn stopped(&self) -> bool {
        self.fatal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    fn fail(&self, error: TournamentError) {
        let mut slot = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(error);
        }
    }

    /// Disqualifies `player` (its first fault only counts).
    fn disqualify(&self, player: usize, fault: Fault, job: Option<&Job>, turn: Option<u64>) {
        let p = &self.spec.players[player];
        let opponent = job.map(|j| if j.i == player { j.j } else { j.i });
        let entry = Disqualification {
            player,
            label: p.label.clone(),
            strategy: p.entry.name.clone(),
            plugin: p.entry.source.to_string(),
            fault,
            match_index: job.map(|j| j.index),
            opponent: opponent.map(|o| self.spec.players[o].label.clone()),
            repetition: job.map(|j| (j.index / self.pair_count) as u32),
            turn,
        };
        self.disqualified
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(player)
            .or_insert(entry);
    }

    fn isolated(&self, player: usize) -> bool {
        self.homes[player] != Home::Local
    }

    /// The players a worker of plugin `x` must know: its own and the built-ins.
    fn defs_for(&self, x: usize, with_local: bool) -> Vec<Option<PlayerDef>> {
        self.spec
            .players
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let wanted = match self.homes[k] {
                    Home::Plugin(y) => y == x && !self.is_out(k),
                    Home::Local => with_local,
                };
                wanted.then(|| PlayerDef {
                    name: p.entry.name.clone(),
                    params: p.params.clone(),
                    builtin: self.homes[k] == Home::Local,
                })
            })
            .collect()
    }

    fn record(&self, job: &Job, stats: MatchStats, moves: [&[Move]; 2]) {
        self.turns
            .fetch_add(u64::from(stats.turns), Ordering::Relaxed);
        self.played.fetch_add(1, Ordering::Relaxed);
        let moves = self.keep_moves.then(|| moves.map(<[Move]>::to_vec));
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Played {
                job: *job,
                stats,
                moves,
            });
    }

    /// Blames a worker failure on a strategy: the one deciding (or being reset) if it is
    /// isolated; otherwise the isolated player(s) of the match, whose plugin had the process.
    fn blame(&self, failure: &WorkerFailure, job: Option<&Job>) {
        let at = failure.at;
        if let Some(p) = at.creating {
            let p = p as usize;
            if p < self.homes.len() && self.isolated(p) {
                self.disqualify(p, failure.fault.clone(), None, None);
            }
            return;
        }
        let Some(job) = job else { return };
        let side_player = at.side.map(|s| if s == 0 { job.i } else { job.j });
        match side_player {
            Some(p) if self.isolated(p) => {
                self.disqualify(p, failure.fault.clone(), Some(job), at.turn)
            }
            _ => {
                for p in [job.i, job.j] {
                    if self.isolated(p) {
                        self.disqualify(p, failure.fault.clone(), Some(job), at.turn);
                    }
                }
            }
        }
    }
}

/// Sets up a run: where each player runs, and every player created once (bad parameters stop
/// here; an isolated strategy that fails while being created is disqualified). Returns the run
/// and which players are stochastic.
fn prepare(
    spec: &TournamentSpec,
    keep_moves: bool,
) -> Result<(Run<'_>, Vec<bool>), TournamentError> {
    let n = spec.players.len();
    let mut plugins: Vec<Arc<IsolatedPlugin>> = Vec::new();
    let homes: Vec<Home> = spec
        .players
        .iter()
        .map(|p| match p.entry.isolated_plugin() {
            None => Home::Local,
            Some(plugin) => {
                let k = match plugins.iter().position(|q| Arc::ptr_eq(q, plugin)) {
                    Some(k) => k,
                    None => {
                        plugins.push(Arc::clone(plugin));
                        plugins.len() - 1
                    }
                };
                Home::Plugin(k)
            }
        })
        .collect();
    let reps = u64::from(spec.repetitions);
    // Matches each plugin plays, to size its workers' CPU-time budget.
    let mut plugin_jobs = vec![0u64; plugins.len()];
    for (i, j) in pairs(n) {
        for p in [i, j] {
            if let Home::Plugin(x) = homes[p] {
                plugin_jobs[x] += reps;
            }
        }
    }
    let match_seconds = match_seconds(&plugins);
    let cpu_seconds = plugin_jobs
        .iter()
        .map(|&jobs| 60u64.saturating_add(jobs.saturating_mul(match_seconds)))
        .collect();
    let run = Run {
        spec,
        homes,
        plugins,
        pair_count: (n * (n + 1) / 2) as u64,
        log: Mutex::new(Vec::new()),
        keep_moves,
        disqualified: Mutex::new(BTreeMap::new()),
        turns: AtomicU64::new(0),
        played: AtomicU64::new(0),
        fatal: Mutex::new(None),
        cpu_seconds,
    };
    let mut stochastic = vec![false; n];
    for (k, p) in spec.players.iter().enumerate() {
        if run.homes[k] == Home::Local {
            stochastic[k] = local_is_stochastic(p)?;
        }
    }
    for x in 0..run.plugins.len() {
        for (k, s) in classify_plugin_players(&run, x)? {
            stochastic[k] = s;
        }
    }
    Ok((run, stochastic))
}

/// Queues of isolated matches: per plugin (played in its workers) and per pair of plugins
/// (relayed).
#[derive(Default)]
struct Routes {
    batches: Vec<VecDeque<Order>>,
    relays: BTreeMap<(usize, usize), VecDeque<Order>>,
}

impl Routes {
    fn new(plugins: usize) -> Self {
        Routes {
            batches: vec![VecDeque::new(); plugins],
            relays: BTreeMap::new(),
        }
    }

    /// Routes a match; `false` if both players run in the engine.
    fn add(&mut self, homes: &[Home], order: Order) -> bool {
        match (homes[order.job.i], homes[order.job.j]) {
            (Home::Local, Home::Local) => return false,
            (Home::Plugin(x), Home::Local) | (Home::Local, Home::Plugin(x)) => {
                self.batches[x].push_back(order)
            }
            (Home::Plugin(x), Home::Plugin(y)) if x == y => self.batches[x].push_back(order),
            (Home::Plugin(x), Home::Plugin(y)) => self
                .relays
                .entry((x.min(y), x.max(y)))
                .or_default()
                .push_back(order),
        }
        true
    }
}

/// Plays the routed matches with the plugins' workers while `local` runs on this thread.
fn play_routes<R>(run: &Run<'_>, routes: Routes, threads: usize, local: impl FnOnce() -> R) -> R {
    let queues: Vec<Mutex<VecDeque<Order>>> = routes.batches.into_iter().map(Mutex::new).collect();
    let queues = &queues;
    std::thread::scope(|scope| {
        for (x, queue) in queues.iter().enumerate() {
            let size = queue.lock().map(|q| q.len()).unwrap_or(0);
            let drivers = threads
                .min(size.div_ceil(BATCH_JOBS))
                .max(usize::from(size > 0));
            for _ in 0..drivers {
                scope.spawn(move || batch_driver(run, x, queue));
            }
        }
        for ((x, y), orders) in routes.relays {
            scope.spawn(move || relay_driver(run, x, y, orders));
        }
        local()
    })
}

/// Plays a tournament in which some players come from isolated plugins (see
/// [`super::execute`]).
pub(super) fn execute(
    spec: &TournamentSpec,
    options: RunOptions,
    per_repetition: bool,
) -> Result<Executed, TournamentError> {
    let n = spec.players.len();
    let reps = spec.repetitions as usize;
    let (run, stochastic) = prepare(spec, false)?;
    let run = &run;
    let schedule = Schedule::new(pairs(n), cached_pairs(spec, &stochastic), reps);
    let mut routes = Routes::new(run.plugins.len());
    let mut local_played = 0u64;
    for k in 0..schedule.len() {
        let job = schedule.job(k);
        let order = Order {
            job,
            seed: derive_seed(spec.seed, job.index),
        };
        if !routes.add(&run.homes, order) {
            local_played += 1;
        }
    }
    let threads = thread_count(options, schedule.len(), None);
    let mut local_tally = TournamentTally::new(n, reps, spec.matches.game, spec.matches.trust_run);
    if !per_repetition {
        local_tally = local_tally.pairs_only();
    }
    let homes = &run.homes;
    let local_turns = play_routes(run, routes, threads, || {
        play_local(
            spec,
            &schedule,
            &local_tally,
            threads,
            |job| homes[job.i] == Home::Local && homes[job.j] == Home::Local,
            Deal::whole(schedule.len()),
            None,
            &super::observe::Unobserved,
        )
    })?;
    if let Some(error) = run.fatal.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(error);
    }

    // The table of the remaining players, from their matches with each other only.
    let disqualified: Vec<Disqualification> = run
        .disqualified
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .values()
        .cloned()
        .collect();
    let kept: Vec<usize> = (0..n)
        .filter(|k| !disqualified.iter().any(|d| d.player == *k))
        .collect();
    let mut new_index = vec![usize::MAX; n];
    for (to, &from) in kept.iter().enumerate() {
        new_index[from] = to;
    }
    let tally = local_tally.extract(&kept);
    for played in run.log.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        let (a, b) = (new_index[played.job.i], new_index[played.job.j]);
        if a != usize::MAX && b != usize::MAX {
            tally.record(a, b, played.job.reps, &played.stats);
        }
    }
    Ok(Executed {
        tally,
        kept,
        schedule,
        matches_played: (local_played + run.played.load(Ordering::Relaxed)) as usize,
        turns_played: local_turns + run.turns.load(Ordering::Relaxed),
        disqualified,
    })
}

/// Plays one match between two players, at least one of them isolated, with the match seed
/// `seed`. A failing strategy is an error naming it, the turn and the fault.
pub(crate) fn play_single(
    players: [PlayerSpec; 2],
    matches: MatchSpec,
    seed: u64,
) -> Result<MatchRecord, TournamentError> {
    let spec = TournamentSpec {
        players: players.to_vec(),
        matches,
        repetitions: 1,
        seed,
    };
    let (run, _) = prepare(&spec, true)?;
    let order = Order {
        job: Job {
            index: 0,
            i: 0,
            j: 1,
            reps: Repetitions::One(0),
        },
        seed,
    };
    let mut routes = Routes::new(run.plugins.len());
    routes.add(&run.homes, order);
    play_routes(&run, routes, 1, || ());
    if let Some(error) = run.fatal.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(error);
    }
    if let Some(d) = run
        .disqualified
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .values()
        .next()
    {
        return Err(TournamentError::Sandbox(format!("strategy {d}")));
    }
    let log = run.log.into_inner().unwrap_or_else(|p| p.into_inner());
    let Some(Played {
        stats,
        moves: Some([m1, m2]),
        ..
    }) = log.into_iter().next()
    else {
        return Err(TournamentError::Sandbox("the match was not played".into()));
    };
    let (score1, score2) = stats.scores(&spec.matches.game);
    let text = |m: &[Move]| m.iter().map(|x| x.as_char()).collect::<String>();
    Ok(MatchRecord {
        player1: spec.players[0].entry.name.clone(),
        player2: spec.players[1].entry.name.clone(),
        turns: stats.turns,
        moves1: text(&m1),
        moves2: text(&m2),
        score1,
        score2,
        trust: crate::trust::match_trust(&m1, &m2, spec.matches.trust_run),
    })
}

/// Seconds one match may take by the match limit (all plugins share the run's limits).
fn match_seconds(plugins: &[Arc<IsolatedPlugin>]) -> u64 {
    plugins
        .iter()
        .map(|p| p.isolation().limits.match_ms.div_ceil(1000))
        .max()
        .unwrap_or(60)
}

/// Creates plugin `x`'s players in a worker: their classifiers (stochastic or not), or a
/// disqualification when creating one crashes or panics.
fn classify_plugin_players(run: &Run<'_>, x: usize) -> Result<Vec<(usize, bool)>, TournamentError> {
    let plugin = &run.plugins[x];
    loop {
        let mut worker = plugin
            .checkout(run.cpu_seconds[x])
            .map_err(|e| TournamentError::Sandbox(e.to_string()))?;
        let defs = run.defs_for(x, false);
        let answer = worker
            .send(&Request::Players(defs.clone()))
            .and_then(|()| worker.receive(Wait::Setup(run_setup_limit(run, x, &defs)), 16 << 20));
        match answer {
            Ok(Response::Players(answers)) if answers.len() == defs.len() => {
                let mut out = Vec::new();
                for (k, (def, answer)) in defs.iter().zip(answers).enumerate() {
                    match (def, answer) {
                        (Some(_), Some(Ok(c))) => out.push((k, c.stochastic)),
                        (Some(_), Some(Err(message))) if message.starts_with("panicked") => {
                            run.disqualify(k, Fault::Panic { message }, None, None)
                        }
                        (Some(_), Some(Err(message))) => {
                            return Err(TournamentError::Player {
                                label: run.spec.players[k].label.clone(),
                                source: crate::loader::StrategyError {
                                    name: run.spec.players[k].entry.name.clone(),
                                    source_: run.spec.players[k].entry.source.to_string(),
                                    message,
                                },
                            })
                        }
                        _ => {}
                    }
                }
                plugin.checkin(worker);
                return Ok(out);
            }
            Ok(other) => {
                // A worker that answers nonsense: every strategy of its plugin is out.
                for (k, def) in defs.iter().enumerate() {
                    if def.is_some() {
                        run.disqualify(
                            k,
                            Fault::Protocol {
                                detail: format!(
                                    "answered {} to a request for its players",
                                    response_name(&other)
                                ),
                            },
                            None,
                            None,
                        );
                    }
                }
                return Ok(Vec::new());
            }
            Err(failure) => {
                let before = run.disqualified.lock().map(|d| d.len()).unwrap_or(0);
                run.blame(&failure, None);
                let after = run.disqualified.lock().map(|d| d.len()).unwrap_or(0);
                if after == before {
                    // Not attributable to one strategy: all of the plugin's are out.
                    for (k, def) in defs.iter().enumerate() {
                        if def.is_some() {
                            run.disqualify(k, failure.fault.clone(), None, None);
                        }
                    }
                    return Ok(Vec::new());
                }
                // Try again without the disqualified strategy.
            }
        }
    }
}

fn run_setup_limit(run: &Run<'_>, x: usize, defs: &[Option<PlayerDef>]) -> Duration {
    let per = run.plugins[x].isolation().limits.decision();
    per * (defs.iter().flatten().count() as u32).max(1) + Duration::from_secs(5)
}

fn response_name(r: &Response) -> &'static str {
    match r {
        Response::Ready { .. } => "Ready",
        Response::LoadFailed { .. } => "LoadFailed",
        Response::Players(_) => "Players",
        Response::Match { .. } => "Match",
        Response::BatchDone => "BatchDone",
        Response::RelayFault { .. } => "RelayFault",
        Response::RelayDone => "RelayDone",
    }
}
