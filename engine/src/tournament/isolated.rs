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

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vertrouwen_plugins_api::{derive_seed, Move, Rng};

use super::schedule::{Job, Schedule};
use super::tally::{pairs, Repetitions, TournamentTally};
use super::{
    cached_pairs, local_is_stochastic, play_local, thread_count, Disqualification, Executed,
    PlayerSpec, RunOptions, TournamentError, TournamentSpec,
};
use crate::fault::Fault;
use crate::loader::Instance;
use crate::matchup::MatchRecord;
use crate::matchup::{
    stats_of, MatchScratch, MatchSpec, MatchStats, Noise, PlayerLabel, ReplayError,
};
use crate::sandbox::page::{self, LANE_ACTIVE, LANE_FAULT, LANE_HAS_PREVIOUS, MAX_LANES};
use crate::sandbox::protocol::{
    unpack_moves, MatchJob, MatchOutcome, PlayerDef, RelayLane, Request, Response, WireSpec,
};
use crate::sandbox::supervisor::{Wait, Whereabouts, WorkerFailure, WorkerProcess};
use crate::sandbox::IsolatedPlugin;

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
    let threads = thread_count(options, schedule.len());
    let mut local_tally = TournamentTally::new(n, reps, spec.matches.game, spec.matches.trust_run);
    if !per_repetition {
        local_tally = local_tally.pairs_only();
    }
    let homes = &run.homes;
    let local_turns = play_routes(run, routes, threads, || {
        play_local(spec, &schedule, &local_tally, threads, |job| {
            homes[job.i] == Home::Local && homes[job.j] == Home::Local
        })
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

/// The engine's own instances of built-in players, for replaying their side of a match.
struct LocalPlayers {
    instances: HashMap<usize, Instance>,
    scratch: MatchScratch,
}

impl LocalPlayers {
    fn new() -> Self {
        LocalPlayers {
            instances: HashMap::new(),
            scratch: MatchScratch::new(),
        }
    }

    /// Replays built-in `player` on `side` against a worker's record of a match.
    fn replay(
        &mut self,
        players: &[PlayerSpec],
        player: usize,
        side: usize,
        spec: &MatchSpec,
        seed: u64,
        record: [&[Move]; 2],
    ) -> Result<MatchStats, ReplayError> {
        let inst = match self.instances.entry(player) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let p = &players[player];
                let inst = p
                    .entry
                    .instantiate(p.params.as_deref())
                    .map_err(|e| ReplayError::Fault(e.into()))?;
                v.insert(inst)
            }
        };
        let label = PlayerLabel {
            name: &players[player].label,
            source: "builtin",
        };
        self.scratch.replay(inst, side, label, spec, seed, record)
    }
}

/// Takes up to a batch of matches whose players are all still in.
fn next_batch(run: &Run<'_>, queue: &Mutex<VecDeque<Order>>) -> Vec<Order> {
    let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
    let mut batch = Vec::new();
    let mut turns = 0u64;
    while batch.len() < BATCH_JOBS && turns < BATCH_TURNS {
        let Some(order) = q.pop_front() else { break };
        if run.is_out(order.job.i) || run.is_out(order.job.j) {
            continue;
        }
        turns += run.spec.matches.turns_for(order.seed);
        batch.push(order);
    }
    batch
}

/// Plays plugin `x`'s batch jobs in one of its workers until the queue is empty.
fn batch_driver(run: &Run<'_>, x: usize, queue: &Mutex<VecDeque<Order>>) {
    let plugin = &run.plugins[x];
    let spec = run.spec;
    let wire = WireSpec::from_spec(&spec.matches);
    let mut local = LocalPlayers::new();
    let mut worker: Option<WorkerProcess> = None;
    let (mut m1, mut m2) = (Vec::new(), Vec::new());
    while !run.stopped() {
        let batch = next_batch(run, queue);
        if batch.is_empty() {
            break;
        }
        let mut w = match worker.take() {
            Some(w) => w,
            None => match start_worker(run, x, true) {
                Some(w) => w,
                None => return,
            },
        };
        let jobs: Vec<MatchJob> = batch
            .iter()
            .map(|o| MatchJob {
                job: o.job.index,
                p1: o.job.i as u32,
                p2: o.job.j as u32,
                spec: wire,
                seed: o.seed,
            })
            .collect();
        let by_index: HashMap<u64, Order> = batch.iter().map(|o| (o.job.index, *o)).collect();
        let mut pending: Vec<u64> = batch.iter().map(|o| o.job.index).collect();
        let longest = jobs
            .iter()
            .map(|j| spec.matches.turns_for(j.seed))
            .max()
            .unwrap_or(0);
        let frame_limit = 4096 + 2 * (longest as usize).div_ceil(8);
        let outcome = w.send(&Request::Play(jobs)).and_then(|()| loop {
            match w.receive(Wait::Playing, frame_limit)? {
                Response::Match { job, outcome } => {
                    let Some(&order) = by_index.get(&job) else {
                        break Err(protocol(&w, "answered for a match it was not given"));
                    };
                    pending.retain(|&p| p != job);
                    handle_outcome(run, &mut local, &order, outcome, &mut m1, &mut m2);
                }
                Response::BatchDone => break Ok(()),
                other => {
                    break Err(protocol(
                        &w,
                        &format!("answered {} while playing", response_name(&other)),
                    ))
                }
            }
        });
        match outcome {
            Ok(()) => worker = Some(w),
            Err(failure) => {
                // The job in progress is blamed; the rest of the batch goes back to the queue.
                let current = failure
                    .at
                    .job
                    .filter(|j| by_index.contains_key(j))
                    .or_else(|| pending.first().copied());
                let job = current.and_then(|j| by_index.get(&j)).map(|o| o.job);
                run.blame(&failure, job.as_ref());
                let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
                for index in pending.iter().rev() {
                    if Some(*index) != current {
                        q.push_front(by_index[index]);
                    }
                }
            }
        }
    }
    if let Some(w) = worker {
        plugin.checkin(w);
    }
}

fn protocol(w: &WorkerProcess, detail: &str) -> WorkerFailure {
    WorkerFailure {
        fault: Fault::Protocol {
            detail: detail.to_string(),
        },
        at: w.whereabouts(),
    }
}

/// A worker of plugin `x` that knows the session's players (and the built-ins if
/// `with_local`); `None` after recording a fatal error.
fn start_worker(run: &Run<'_>, x: usize, with_local: bool) -> Option<WorkerProcess> {
    loop {
        let mut w = match run.plugins[x].checkout(run.cpu_seconds[x]) {
            Ok(w) => w,
            Err(e) => {
                run.fail(TournamentError::Sandbox(e.to_string()));
                return None;
            }
        };
        let defs = run.defs_for(x, with_local);
        let answer = w
            .send(&Request::Players(defs.clone()))
            .and_then(|()| w.receive(Wait::Setup(run_setup_limit(run, x, &defs)), 16 << 20));
        match answer {
            Ok(Response::Players(answers)) if answers.len() == defs.len() => return Some(w),
            Ok(_) => {
                run.fail(TournamentError::Sandbox(format!(
                    "{}: the worker answered a request for its players with something else",
                    run.plugins[x].path().display()
                )));
                return None;
            }
            Err(failure) => {
                let before = run.disqualified.lock().map(|d| d.len()).unwrap_or(0);
                run.blame(&failure, None);
                if run.disqualified.lock().map(|d| d.len()).unwrap_or(0) == before {
                    run.fail(TournamentError::Sandbox(format!(
                        "{}: a worker failed while creating the players: {}",
                        run.plugins[x].path().display(),
                        failure.fault
                    )));
                    return None;
                }
            }
        }
    }
}

/// Checks and records one match a worker played.
fn handle_outcome(
    run: &Run<'_>,
    local: &mut LocalPlayers,
    order: &Order,
    outcome: MatchOutcome,
    m1: &mut Vec<Move>,
    m2: &mut Vec<Move>,
) {
    let spec = run.spec;
    let (job, seed) = (&order.job, order.seed);
    match outcome {
        MatchOutcome::Skipped => {}
        MatchOutcome::Fault { side, turn, fault } => {
            let player = if side == 0 { job.i } else { job.j };
            if run.isolated(player) {
                run.disqualify(player, fault, Some(job), turn);
            } else {
                let blamed = if player == job.i { job.j } else { job.i };
                run.disqualify(
                    blamed,
                    Fault::Protocol {
                        detail: format!(
                            "its worker reported that the built-in {:?} failed ({fault}); built-ins run in the worker beside the plugin, which is blamed",
                            spec.players[player].label
                        ),
                    },
                    Some(job),
                    turn,
                );
            }
        }
        MatchOutcome::Played { turns, moves } => {
            let expected = spec.matches.turns_for(seed);
            let bad = |detail: String| Fault::Protocol { detail };
            let blamed: Vec<usize> = [job.i, job.j]
                .into_iter()
                .filter(|&p| run.isolated(p))
                .collect();
            if u64::from(turns) != expected
                || unpack_moves(&moves, turns as usize, m1, m2).is_none()
            {
                for &p in &blamed {
                    run.disqualify(
                        p,
                        bad(format!(
                            "its worker sent a record of {turns} turns for a match of {expected}"
                        )),
                        Some(job),
                        None,
                    );
                }
                return;
            }
            let locals: Vec<(usize, usize)> = [(job.i, 0), (job.j, 1)]
                .into_iter()
                .filter(|&(p, _)| !run.isolated(p))
                .collect();
            let stats = match locals.first() {
                None => stats_of(m1, m2, spec.matches.trust_run),
                Some(&(player, side)) => {
                    match local.replay(&spec.players, player, side, &spec.matches, seed, [m1, m2]) {
                        Ok(stats) => stats,
                        Err(e) => {
                            let detail = match e {
                                ReplayError::Mismatch {
                                    turn,
                                    engine,
                                    claimed,
                                } => format!(
                                    "its worker's record of the match disagrees with the engine's replay of {:?} on turn {turn}: the engine played {}, the record says {}",
                                    spec.players[player].label,
                                    engine.as_char(),
                                    claimed.as_char()
                                ),
                                ReplayError::Length { claimed, expected } => format!(
                                    "its worker sent a record of {claimed} turns for a match of {expected}"
                                ),
                                ReplayError::Fault(f) => {
                                    run.fail(TournamentError::Sandbox(format!(
                                        "replaying a built-in failed: {f}"
                                    )));
                                    return;
                                }
                            };
                            for &p in &blamed {
                                run.disqualify(p, bad(detail.clone()), Some(job), None);
                            }
                            return;
                        }
                    }
                }
            };
            run.record(job, stats, [m1, m2]);
        }
    }
}

/// One relayed match between two workers.
struct Lane {
    order: Order,
    job: Job,
    turns: u64,
    record: [Vec<Move>; 2],
    noise: Noise,
    /// Which side of the match plugin `x`'s player is on.
    x_side: usize,
    state: LaneState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LaneState {
    Active,
    Done,
    Dropped,
}

/// Plays every match between plugins `x` and `y`, relayed through their workers.
fn relay_driver(run: &Run<'_>, x: usize, y: usize, orders: VecDeque<Order>) {
    let queue = Mutex::new(orders);
    let mut workers: [Option<WorkerProcess>; 2] = [None, None];
    while !run.stopped() {
        let group: Vec<Order> = {
            let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
            let mut g = Vec::new();
            while g.len() < MAX_LANES {
                let Some(order) = q.pop_front() else { break };
                if !run.is_out(order.job.i) && !run.is_out(order.job.j) {
                    g.push(order);
                }
            }
            g
        };
        if group.is_empty() {
            break;
        }
        for (slot, plugin) in [(0, x), (1, y)] {
            if workers[slot].is_none() {
                workers[slot] = start_worker(run, plugin, false);
                if workers[slot].is_none() {
                    return;
                }
            }
        }
        let [Some(wx), Some(wy)] = &mut workers else {
            return;
        };
        let unfinished = relay_group(run, x, &group, wx, wy);
        if !unfinished.failed.is_empty() || !unfinished.requeue.is_empty() {
            let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
            for order in unfinished.requeue.iter().rev() {
                q.push_front(*order);
            }
        }
        for slot in unfinished.failed {
            workers[slot] = None;
        }
    }
    for (slot, plugin) in [(0, x), (1, y)] {
        if let Some(w) = workers[slot].take() {
            run.plugins[plugin].checkin(w);
        }
    }
}

/// What a relay group left undone.
struct Unfinished {
    /// Matches to play again (their players are still in).
    requeue: Vec<Order>,
    /// Workers (0: x, 1: y) that died or were killed.
    failed: Vec<usize>,
}

fn relay_group(
    run: &Run<'_>,
    x: usize,
    group: &[Order],
    wx: &mut WorkerProcess,
    wy: &mut WorkerProcess,
) -> Unfinished {
    let spec = run.spec;
    let wire = WireSpec::from_spec(&spec.matches);
    let mut lanes: Vec<Lane> = group
        .iter()
        .map(|&order| {
            let (job, seed) = (order.job, order.seed);
            let x_side = if run.homes[job.i] == Home::Plugin(x) {
                0
            } else {
                1
            };
            Lane {
                order,
                job,
                turns: spec.matches.turns_for(seed),
                record: [Vec::new(), Vec::new()],
                noise: Noise::new(spec.matches.noise, Rng::for_stream(seed, 3)),
                x_side,
                state: LaneState::Active,
            }
        })
        .collect();
    let lane_requests = |for_x: bool| -> Vec<RelayLane> {
        lanes
            .iter()
            .map(|l| {
                let side = if for_x { l.x_side } else { 1 - l.x_side };
                let player = if side == 0 { l.job.i } else { l.job.j };
                RelayLane {
                    job: l.job.index,
                    player: player as u32,
                    side: side as u8,
                    spec: wire,
                    seed: l.order.seed,
                }
            })
            .collect()
    };
    let mut unfinished = Unfinished {
        requeue: Vec::new(),
        failed: Vec::new(),
    };
    for w in [&*wx, &*wy] {
        let p = w.page();
        p.engine_seq.store(0, Ordering::SeqCst);
        p.worker_seq.store(0, Ordering::SeqCst);
        p.relay_end.store(0, Ordering::SeqCst);
    }
    let started = [lane_requests(true), lane_requests(false)];
    for (slot, w) in [&mut *wx, &mut *wy].into_iter().enumerate() {
        if let Err(f) = w.send(&Request::Relay(started[slot].clone())) {
            blame_relay(run, &lanes, slot, &f);
            unfinished.failed.push(slot);
        }
    }
    let mut seq = 0u32;
    let result: Result<(), (usize, WorkerFailure)> = (|| {
        if !unfinished.failed.is_empty() {
            return Ok(());
        }
        loop {
            if lanes.iter().all(|l| l.state != LaneState::Active) {
                return Ok(());
            }
            seq = seq.wrapping_add(1);
            for (slot, w) in [&*wx, &*wy].into_iter().enumerate() {
                let page = w.page();
                for (k, lane) in lanes.iter().enumerate() {
                    let mut input = 0u8;
                    if lane.state == LaneState::Active {
                        input |= LANE_ACTIVE;
                        if let Some(t) = lane.record[0].len().checked_sub(1) {
                            let side = if slot == 0 {
                                lane.x_side
                            } else {
                                1 - lane.x_side
                            };
                            input |= LANE_HAS_PREVIOUS;
                            if lane.record[side][t] == Move::D {
                                input |= page::LANE_OWN_DEFECTED;
                            }
                            if lane.record[1 - side][t] == Move::D {
                                input |= page::LANE_OPPONENT_DEFECTED;
                            }
                        }
                    }
                    page.input[k].store(input, Ordering::Relaxed);
                }
                page::publish(&page.engine_seq, &page.worker_sleeping, seq);
            }
            for (slot, w) in [&mut *wx, &mut *wy].into_iter().enumerate() {
                let mut watch = w.watch();
                loop {
                    let page = w.page();
                    let slice = Instant::now() + Duration::from_millis(10);
                    match page::wait_for(
                        &page.worker_seq,
                        &page.engine_sleeping,
                        seq,
                        slice,
                        || true,
                    ) {
                        Ok(()) => break,
                        Err(_) => {
                            if !w.alive() {
                                return Err((slot, w.failure()));
                            }
                            w.check_limits(&mut watch).map_err(|f| (slot, f))?;
                        }
                    }
                }
            }
            // Read the decisions, check them, apply noise, record.
            for (k, lane) in lanes.iter_mut().enumerate() {
                if lane.state != LaneState::Active {
                    continue;
                }
                let mut intended = [Move::C; 2];
                for (slot, w) in [&mut *wx, &mut *wy].into_iter().enumerate() {
                    let side = if slot == 0 {
                        lane.x_side
                    } else {
                        1 - lane.x_side
                    };
                    let player = if side == 0 { lane.job.i } else { lane.job.j };
                    let byte = w.page().output[k].load(Ordering::Acquire);
                    let t = lane.record[0].len() as u64 + 1;
                    match byte {
                        0 => intended[side] = Move::C,
                        1 => intended[side] = Move::D,
                        LANE_FAULT => {
                            let (fault, turn) = match w.receive(Wait::Setup(Duration::from_secs(5)), 1 << 20) {
                                Ok(Response::RelayFault { job, turn, fault }) if job == lane.job.index => (fault, turn),
                                Ok(other) => (
                                    Fault::Protocol {
                                        detail: format!("answered {} instead of saying why a relayed decision failed", response_name(&other)),
                                    },
                                    Some(t),
                                ),
                                Err(f) => return Err((slot, f)),
                            };
                            run.disqualify(player, fault, Some(&lane.job), turn);
                            lane.state = LaneState::Dropped;
                        }
                        byte => {
                            run.disqualify(
                                player,
                                Fault::InvalidMove { byte },
                                Some(&lane.job),
                                Some(t),
                            );
                            lane.state = LaneState::Dropped;
                        }
                    }
                }
                if lane.state != LaneState::Active {
                    continue;
                }
                let t = lane.record[0].len();
                let a = lane.noise.apply(0, t, intended[0]);
                let b = lane.noise.apply(1, t, intended[1]);
                lane.record[0].push(a);
                lane.record[1].push(b);
                if lane.record[0].len() as u64 == lane.turns {
                    lane.state = LaneState::Done;
                    let stats = stats_of(&lane.record[0], &lane.record[1], spec.matches.trust_run);
                    run.record(&lane.job, stats, [&lane.record[0], &lane.record[1]]);
                }
            }
            // Lanes of strategies disqualified meanwhile stop.
            for lane in lanes.iter_mut() {
                if lane.state == LaneState::Active
                    && (run.is_out(lane.job.i) || run.is_out(lane.job.j))
                {
                    lane.state = LaneState::Dropped;
                }
            }
        }
    })();
    if let Err((slot, failure)) = result {
        blame_relay(run, &lanes, slot, &failure);
        unfinished.failed.push(slot);
    }
    // End the relay in every worker still alive.
    for (slot, w) in [&mut *wx, &mut *wy].into_iter().enumerate() {
        if unfinished.failed.contains(&slot) {
            continue;
        }
        let page = w.page();
        page.relay_end.store(1, Ordering::SeqCst);
        page::publish(&page.engine_seq, &page.worker_sleeping, seq.wrapping_add(1));
        loop {
            match w.receive(Wait::Setup(Duration::from_secs(5)), 1 << 20) {
                Ok(Response::RelayDone) => break,
                // Faults of lanes already dropped for another reason.
                Ok(Response::RelayFault { .. }) => continue,
                Ok(_) | Err(_) => {
                    w.kill();
                    unfinished.failed.push(slot);
                    break;
                }
            }
        }
    }
    unfinished.requeue = lanes
        .iter()
        .filter(|l| l.state == LaneState::Active)
        .filter(|l| !run.is_out(l.job.i) && !run.is_out(l.job.j))
        .map(|l| l.order)
        .collect();
    unfinished
}

/// Blames a relay worker's failure on the strategy of the lane it was deciding.
fn blame_relay(run: &Run<'_>, lanes: &[Lane], slot: usize, failure: &WorkerFailure) {
    let lane = failure
        .at
        .job
        .and_then(|j| lanes.iter().find(|l| l.job.index == j))
        .or_else(|| lanes.iter().find(|l| l.state == LaneState::Active));
    let Some(lane) = lane else { return };
    let side = if slot == 0 {
        lane.x_side
    } else {
        1 - lane.x_side
    };
    let at = Whereabouts {
        side: Some(side as u8),
        ..failure.at
    };
    run.blame(
        &WorkerFailure {
            fault: failure.fault.clone(),
            at,
        },
        Some(&lane.job),
    );
}
