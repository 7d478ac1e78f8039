//! Matches played inside one plugin's worker: batches of orders sent to a worker, the built-in
//! side replayed by the engine against the recorded moves, and worker failures turned into
//! disqualifications.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use vertrouwen_plugins_api::Move;

use super::super::{PlayerSpec, TournamentError};
use crate::fault::Fault;
use crate::loader::Instance;
use crate::matchup::{stats_of, MatchScratch, MatchSpec, MatchStats, PlayerLabel, ReplayError};
use crate::sandbox::protocol::{unpack_moves, MatchJob, MatchOutcome, Request, Response, WireSpec};
use crate::sandbox::supervisor::{Wait, WorkerFailure, WorkerProcess};

use super::*;

/// The engine's own instances of built-in players, for replaying their side of a match.
pub(super) struct LocalPlayers {
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
pub(super) fn next_batch(run: &Run<'_>, queue: &Mutex<VecDeque<Order>>) -> Vec<Order> {
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
pub(super) fn batch_driver(run: &Run<'_>, x: usize, queue: &Mutex<VecDeque<Order>>) {
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

pub(super) fn protocol(w: &WorkerProcess, detail: &str) -> WorkerFailure {
    WorkerFailure {
        fault: Fault::Protocol {
            detail: detail.to_string(),
        },
        at: w.whereabouts(),
    }
}

/// A worker of plugin `x` that knows the session's players (and the built-ins if
/// `with_local`); `None` after recording a fatal error.
pub(super) fn start_worker(run: &Run<'_>, x: usize, with_local: bool) -> Option<WorkerProcess> {
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
pub(super) fn handle_outcome(
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
