//! Matches between two isolated plugins, relayed turn by turn between their workers through
//! the shared pages, several matches (lanes) at once.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use vertrouwen_plugins_api::{Move, Rng};

use super::super::schedule::Job;
use crate::fault::Fault;
use crate::matchup::{stats_of, Noise};
use crate::sandbox::page::{self, LANE_ACTIVE, LANE_FAULT, LANE_HAS_PREVIOUS, MAX_LANES};
use crate::sandbox::protocol::{RelayLane, Request, Response, WireSpec};
use crate::sandbox::supervisor::{Wait, Whereabouts, WorkerFailure, WorkerProcess};

use super::*;

/// One relayed match between two workers.
pub(super) struct Lane {
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
pub(super) enum LaneState {
    Active,
    Done,
    Dropped,
}

/// Plays every match between plugins `x` and `y`, relayed through their workers.
pub(super) fn relay_driver(run: &Run<'_>, x: usize, y: usize, orders: VecDeque<Order>) {
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
pub(super) struct Unfinished {
    /// Matches to play again (their players are still in).
    requeue: Vec<Order>,
    /// Workers (0: x, 1: y) that died or were killed.
    failed: Vec<usize>,
}

pub(super) fn relay_group(
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
pub(super) fn blame_relay(run: &Run<'_>, lanes: &[Lane], slot: usize, failure: &WorkerFailure) {
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
