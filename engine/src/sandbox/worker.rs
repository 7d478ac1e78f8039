//! Why this file is long: the worker's whole life (confine, load, serve, report its own faults) is one
//! sequence that reads best in one place.
//!
//! The worker process: one plugin file, confined, playing what the engine asks.
//!
//! Started by the engine as `<engine binary> <worker command> --plugin FILE ...` with its
//! control channel on standard input and output, standard error captured by the engine, and the
//! shared page on file descriptor 3. It confines itself before loading the plugin ([`confine`]),
//! tightens the confinement once the plugin is loaded, then serves requests until told to exit
//! or until the engine goes away.
//!
//! Nothing here is trusted by the engine: a plugin runs in this process and can change any of
//! its memory. The worker is written to be correct for well-behaved plugins and to fail loudly
//! otherwise; the engine checks what comes back.

use std::collections::HashMap;
use std::io::{BufReader, BufWriter};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use vertrouwen_plugins_api::StaticPlugin;
use vertrouwen_plugins_api::{derive_seed, MatchContext, Move, Rng};

use super::confine;
use super::page::{self, Page, SharedPage, IDLE, LANE_ACTIVE, LANE_FAULT, LANE_HAS_PREVIOUS};
use super::protocol::{
    decode, pack_moves, read_frame_bytes, write_frame, MatchJob, MatchOutcome, PlayerDef,
    RelayLane, Request, Response, WireClassifiers, WireStrategy,
};
use crate::fault::Fault;
use crate::loader::Instance;
use crate::matchup::{MatchError, MatchScratch, PlayerLabel, TurnObserver};
use crate::registry::Registry;

/// The file descriptor the shared page is passed on.
pub const PAGE_FD: i32 = 3;

/// Requests are small; a frame beyond this is a broken engine, not a big request.
const MAX_REQUEST: usize = 64 << 20;

/// What the worker is started with.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerArgs {
    pub plugin: PathBuf,
    pub memory_mb: u64,
    pub cpu_seconds: u64,
}

impl WorkerArgs {
    /// The command-line arguments that [`WorkerArgs::parse`] reads back.
    pub fn to_args(&self) -> Vec<std::ffi::OsString> {
        vec![
            "--plugin".into(),
            self.plugin.clone().into_os_string(),
            "--memory-mb".into(),
            self.memory_mb.to_string().into(),
            "--cpu-s".into(),
            self.cpu_seconds.to_string().into(),
        ]
    }

    pub fn parse(args: &[std::ffi::OsString]) -> Result<WorkerArgs, String> {
        let mut plugin = None;
        let mut memory_mb = None;
        let mut cpu_seconds = None;
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let value = it
                .next()
                .ok_or_else(|| format!("{} needs a value", flag.to_string_lossy()))?;
            let number = || {
                value
                    .to_str()
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| format!("{} needs a number", flag.to_string_lossy()))
            };
            match flag.to_str() {
                Some("--plugin") => plugin = Some(PathBuf::from(value)),
                Some("--memory-mb") => memory_mb = Some(number()?),
                Some("--cpu-s") => cpu_seconds = Some(number()?),
                _ => return Err(format!("unknown worker flag {}", flag.to_string_lossy())),
            }
        }
        Ok(WorkerArgs {
            plugin: plugin.ok_or("missing --plugin")?,
            memory_mb: memory_mb.ok_or("missing --memory-mb")?,
            cpu_seconds: cpu_seconds.ok_or("missing --cpu-s")?,
        })
    }
}

/// Publishes who decides on which turn, on the shared page.
struct PageObserver<'a>(&'a Page);

impl TurnObserver for PageObserver<'_> {
    fn resetting(&self, side: usize) {
        let step = if side == 0 {
            page::RESETTING_0
        } else {
            page::RESETTING_1
        };
        self.0.step.store(step, Ordering::Relaxed);
    }

    #[inline]
    fn deciding(&self, turn: usize, side: usize) {
        self.0
            .step
            .store(2 * turn as u64 + side as u64, Ordering::Relaxed);
    }
}

/// Runs the worker; returns the process exit code. `builtins` are the engine's statically
/// linked strategy libraries and `aliases` their alternative names, so the worker knows the
/// same built-ins as the engine.
pub fn serve(
    args: &[std::ffi::OsString],
    builtins: &[StaticPlugin],
    aliases: &[(&str, &str)],
) -> i32 {
    let args = match WorkerArgs::parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("vertrouwen worker: {e}");
            return 2;
        }
    };
    // SAFETY: F_GETFD only inspects the descriptor.
    if unsafe { libc::fcntl(PAGE_FD, libc::F_GETFD) } < 0 {
        eprintln!("vertrouwen worker: no shared page on descriptor {PAGE_FD}; workers are started by the engine");
        return 2;
    }
    // SAFETY: the descriptor is open (checked above); the engine passes the shared page on it
    // and nothing else in this process owns it.
    let page_fd = unsafe { OwnedFd::from_raw_fd(PAGE_FD) };
    let page = match SharedPage::map(&page_fd) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("vertrouwen worker: cannot map the shared page: {e}");
            return 2;
        }
    };
    drop(page_fd);

    // Two registries: the built-ins the engine may ask for, and the plugin's own strategies
    // (the engine has already made sure their names differ where both are in play).
    let mut builtin_registry = Registry::new();
    for header in builtins {
        if let Err(e) = builtin_registry.add_static(*header) {
            eprintln!("vertrouwen worker: built-in library: {e}");
            return 2;
        }
    }
    for (alias, target) in aliases {
        let _ = builtin_registry.add_alias(alias, target);
    }

    if let Err(e) = confine::limit_process(page.get(), args.memory_mb, args.cpu_seconds) {
        let _ = write_frame(
            &mut std::io::stdout(),
            &Response::LoadFailed {
                message: format!("cannot set up the sandbox: {e}"),
            },
        );
        return 3;
    }
    // The plugin runs on a thread of its own, not the main thread: the standard library of a
    // plugin reads /proc/self/maps to find the main thread's stack the first time it needs it
    // (a panic, say), which the sandbox forbids; other threads' stacks need no file.
    let serving = std::thread::Builder::new()
        .name("vertrouwen-worker".into())
        .stack_size(16 << 20)
        .spawn(move || {
            let mut out = BufWriter::new(std::io::stdout().lock());
            let mut input = BufReader::new(std::io::stdin().lock());
            serve_plugin(&args, &page, &builtin_registry, &mut input, &mut out)
        });
    match serving.map(|t| t.join()) {
        Ok(Ok(code)) => code,
        _ => 2,
    }
}

/// Loads the plugin under the loading filter, tightens the filter, and serves requests.
fn serve_plugin(
    args: &WorkerArgs,
    page: &SharedPage,
    builtin_registry: &Registry,
    input: &mut impl std::io::Read,
    out: &mut impl std::io::Write,
) -> i32 {
    let mut registry = Registry::new();
    if let Err(e) = confine::before_loading() {
        let _ = write_frame(
            out,
            &Response::LoadFailed {
                message: format!("cannot set up the sandbox: {e}"),
            },
        );
        return 3;
    }
    // This process runs nothing but the plugin: one built with `panic = "abort"` may run here
    // (its first panic ends only this worker), never in the engine's process.
    crate::loader::permit_abort_on_panic();
    let loaded = registry.load_plugin(&args.plugin);
    if let Err(e) = confine::after_loading() {
        let _ = write_frame(
            out,
            &Response::LoadFailed {
                message: format!("cannot set up the sandbox: {e}"),
            },
        );
        return 3;
    }
    if let Err(e) = loaded {
        let _ = write_frame(
            out,
            &Response::LoadFailed {
                message: e.to_string(),
            },
        );
        return 0;
    }
    let strategies = registry
        .entries()
        .iter()
        .map(|e| WireStrategy {
            name: e.name.clone(),
            description: e.description.clone(),
            default_params: e.default_params.clone(),
            memory_depth: e.classifiers.memory_depth,
            stochastic: e.classifiers.is_stochastic(),
            makes_use_of: e.classifiers.makes_use_of,
        })
        .collect();
    let (plugin, version) = registry.plugins().last().cloned().unwrap_or_default();
    if write_frame(
        out,
        &Response::Ready {
            plugin,
            version,
            strategies,
        },
    )
    .is_err()
    {
        return 0;
    }

    let mut session = Session {
        registry: &registry,
        builtins: builtin_registry,
        page: page.get(),
        players: Vec::new(),
        instances: HashMap::new(),
        scratch: MatchScratch::new(),
    };
    loop {
        let body = match read_frame_bytes(input, MAX_REQUEST) {
            Ok(b) => b,
            Err(_) => return 0, // the engine is gone or done
        };
        let Ok(request) = decode::<Request>(&body) else {
            eprintln!("vertrouwen worker: undecodable request");
            return 2;
        };
        let sent = match request {
            Request::Players(defs) => {
                let answer = session.set_players(defs);
                write_frame(out, &Response::Players(answer))
            }
            Request::Play(jobs) => session.play(&jobs, out),
            Request::Relay(lanes) => session.relay(&lanes, out),
            Request::Exit => return 0,
        };
        if sent.is_err() {
            return 0;
        }
    }
}

/// A player of the session as the worker holds it.
struct Player {
    name: String,
    entry: crate::loader::StrategyEntry,
    params: Option<String>,
    source: String,
    /// Failed once: its later matches are skipped.
    failed: bool,
}

struct Session<'a> {
    /// The plugin's strategies.
    registry: &'a Registry,
    builtins: &'a Registry,
    page: &'a Page,
    players: Vec<Option<Player>>,
    /// Instances by (player, slot); slots 0 and 1 for matches, 2.. for relay lanes.
    instances: HashMap<(u32, u32), Instance>,
    scratch: MatchScratch,
}

impl Session<'_> {
    fn set_players(
        &mut self,
        defs: Vec<Option<PlayerDef>>,
    ) -> Vec<Option<Result<WireClassifiers, String>>> {
        self.instances.clear();
        self.players.clear();
        let mut answers = Vec::with_capacity(defs.len());
        for (index, def) in defs.into_iter().enumerate() {
            let Some(def) = def else {
                self.players.push(None);
                answers.push(None);
                continue;
            };
            let registry = if def.builtin {
                self.builtins
            } else {
                self.registry
            };
            let resolved = registry.resolve(&def.name).map_err(|e| e.to_string());
            let answer = resolved.and_then(|entry| {
                self.page
                    .job
                    .store(page::CREATING | index as u64, Ordering::Relaxed);
                self.page.step.store(u64::MAX, Ordering::Relaxed);
                let inst = entry
                    .instantiate(def.params.as_deref())
                    .map_err(|e| e.message)?;
                let classifiers = WireClassifiers::from(inst.classifiers());
                self.players.push(Some(Player {
                    name: def.name.clone(),
                    entry: entry.clone(),
                    params: def.params.clone(),
                    source: entry.source.to_string(),
                    failed: false,
                }));
                Ok(classifiers)
            });
            if answer.is_err() {
                self.players.push(None);
            }
            answers.push(Some(answer));
        }
        self.page.job.store(IDLE, Ordering::Relaxed);
        answers
    }

    fn instance(&mut self, player: u32, slot: u32) -> Result<Instance, MatchError> {
        if let Some(inst) = self.instances.remove(&(player, slot)) {
            return Ok(inst);
        }
        let p = self.players[player as usize]
            .as_ref()
            .expect("the engine only sends players it registered");
        Ok(p.entry.instantiate(p.params.as_deref())?)
    }

    fn player_ok(&self, player: u32) -> bool {
        matches!(self.players.get(player as usize), Some(Some(p)) if !p.failed)
    }

    fn play(
        &mut self,
        jobs: &[MatchJob],
        out: &mut impl std::io::Write,
    ) -> Result<(), super::protocol::FrameError> {
        for job in jobs {
            let outcome = self.play_one(job);
            write_frame(
                out,
                &Response::Match {
                    job: job.job,
                    outcome,
                },
            )?;
        }
        self.page.job.store(IDLE, Ordering::Relaxed);
        write_frame(out, &Response::BatchDone)
    }

    fn play_one(&mut self, job: &MatchJob) -> MatchOutcome {
        if !self.player_ok(job.p1) || !self.player_ok(job.p2) {
            return MatchOutcome::Skipped;
        }
        let spec = match job.spec.to_spec() {
            Ok(s) => s,
            Err(e) => {
                return MatchOutcome::Fault {
                    side: 0,
                    turn: None,
                    fault: Fault::Protocol {
                        detail: e.to_string(),
                    },
                }
            }
        };
        self.page.job.store(job.job, Ordering::Relaxed);
        self.page.step.store(u64::MAX, Ordering::Relaxed);
        let a = self.instance(job.p1, 0);
        let b = self.instance(job.p2, 1);
        let (mut a, mut b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) => return self.creation_fault(job.p1, 0, e),
            (_, Err(e)) => return self.creation_fault(job.p2, 1, e),
        };
        let (p1, p2) = (
            self.players[job.p1 as usize].as_ref().expect("checked"),
            self.players[job.p2 as usize].as_ref().expect("checked"),
        );
        let labels = [
            PlayerLabel {
                name: &p1.name,
                source: &p1.source,
            },
            PlayerLabel {
                name: &p2.name,
                source: &p2.source,
            },
        ];
        let result = self.scratch.play_observed(
            [&mut a, &mut b],
            labels,
            &spec,
            job.seed,
            &PageObserver(self.page),
        );
        let outcome = match result {
            Ok(()) => {
                let (m1, m2) = self.scratch.moves();
                MatchOutcome::Played {
                    // At most `MAX_TURNS`, a `u32` (the spec was validated).
                    turns: m1.len() as u32,
                    moves: pack_moves(m1, m2),
                }
            }
            Err(MatchError::Fault(f)) => {
                let side = f.side;
                let player = if side == 0 { job.p1 } else { job.p2 };
                if let Some(Some(p)) = self.players.get_mut(player as usize) {
                    p.failed = true;
                }
                return MatchOutcome::Fault {
                    side,
                    turn: f.turn,
                    fault: f.fault,
                };
            }
            Err(e) => MatchOutcome::Fault {
                side: 0,
                turn: None,
                fault: Fault::Protocol {
                    detail: e.to_string(),
                },
            },
        };
        self.instances.insert((job.p1, 0), a);
        self.instances.insert((job.p2, 1), b);
        outcome
    }

    fn creation_fault(&mut self, player: u32, side: u8, e: MatchError) -> MatchOutcome {
        if let Some(Some(p)) = self.players.get_mut(player as usize) {
            p.failed = true;
        }
        let fault = match e {
            MatchError::Strategy(s) => Fault::Panic { message: s.message },
            MatchError::Fault(f) => f.fault.clone(),
            MatchError::Spec(m) => Fault::Protocol {
                detail: m.to_string(),
            },
            MatchError::Isolated(m) => Fault::Protocol { detail: m },
        };
        MatchOutcome::Fault {
            side,
            turn: None,
            fault,
        }
    }

    /// Plays relay lanes: each step the engine publishes the previous turn's played moves of
    /// every active lane; the worker appends them, decides the lane's next move, and publishes
    /// its decisions.
    fn relay(
        &mut self,
        lanes: &[RelayLane],
        out: &mut impl std::io::Write,
    ) -> Result<(), super::protocol::FrameError> {
        struct LaneState {
            inst: Option<Instance>,
            rng: Rng,
            own: Vec<u8>,
            opponent: Vec<u8>,
            own_defections: usize,
            opponent_defections: usize,
            failed: bool,
        }
        let page = self.page;
        let mut states = Vec::with_capacity(lanes.len());
        for (k, lane) in lanes.iter().enumerate() {
            let mut state = LaneState {
                inst: None,
                rng: Rng::for_stream(lane.seed, 1 + u64::from(lane.side.min(1))),
                own: Vec::new(),
                opponent: Vec::new(),
                own_defections: 0,
                opponent_defections: 0,
                failed: false,
            };
            let setup = lane
                .spec
                .to_spec()
                .map_err(|e| Fault::Protocol {
                    detail: e.to_string(),
                })
                .and_then(|spec| {
                    if !self.player_ok(lane.player) {
                        return Err(Fault::Protocol {
                            detail: "a relay lane names an unknown or failed player".into(),
                        });
                    }
                    page.job.store(lane.job, Ordering::Relaxed);
                    page.step.store(
                        if lane.side == 0 {
                            page::RESETTING_0
                        } else {
                            page::RESETTING_1
                        },
                        Ordering::Relaxed,
                    );
                    let mut inst =
                        self.instance(lane.player, 2 + k as u32)
                            .map_err(|e| match e {
                                MatchError::Fault(f) => f.fault.clone(),
                                other => Fault::Panic {
                                    message: other.to_string(),
                                },
                            })?;
                    let turns = spec.turns_for(lane.seed);
                    let ctx = MatchContext {
                        length: spec.is_fixed().then_some(turns),
                        noise: spec.noise,
                        game: spec.game.payoffs(),
                        seed: derive_seed(lane.seed, 4 + u64::from(lane.side.min(1))),
                    };
                    inst.reset(&ctx)?;
                    let cap = usize::try_from(turns).unwrap_or(usize::MAX).min(1 << 20);
                    state.own.reserve(cap);
                    state.opponent.reserve(cap);
                    Ok(inst)
                });
            match setup {
                Ok(inst) => state.inst = Some(inst),
                Err(fault) => {
                    state.failed = true;
                    write_frame(
                        out,
                        &Response::RelayFault {
                            job: lane.job,
                            turn: None,
                            fault,
                        },
                    )?;
                }
            }
            states.push(state);
        }
        let mut seq = 0u32;
        loop {
            seq = seq.wrapping_add(1);
            // Wait for the engine's next step (or the end of the relay).
            let far = Instant::now() + Duration::from_secs(3600 * 24);
            let step = loop {
                match page::wait_for(&page.engine_seq, &page.worker_sleeping, seq, far, || true) {
                    Ok(()) => break Ok(()),
                    Err(_) => {
                        if page.relay_end.load(Ordering::Acquire) != 0 {
                            break Err(());
                        }
                    }
                }
            };
            if step.is_err() || page.relay_end.load(Ordering::Acquire) != 0 {
                break;
            }
            for (k, (lane, state)) in lanes.iter().zip(&mut states).enumerate() {
                let input = page.input[k].load(Ordering::Acquire);
                if input & LANE_ACTIVE == 0 {
                    continue;
                }
                if input & LANE_HAS_PREVIOUS != 0 {
                    let own = u8::from(input & page::LANE_OWN_DEFECTED != 0);
                    let opp = u8::from(input & page::LANE_OPPONENT_DEFECTED != 0);
                    state.own.push(own);
                    state.opponent.push(opp);
                    state.own_defections += usize::from(own);
                    state.opponent_defections += usize::from(opp);
                }
                if state.failed {
                    page.output[k].store(LANE_FAULT, Ordering::Release);
                    continue;
                }
                let t = state.own.len();
                page.job.store(lane.job, Ordering::Relaxed);
                page.step
                    .store(2 * t as u64 + u64::from(lane.side), Ordering::Relaxed);
                let inst = state.inst.as_mut().expect("set up above");
                let decided = inst.decide(
                    &mut state.own,
                    &mut state.opponent,
                    t,
                    state.own_defections,
                    state.opponent_defections,
                    &mut state.rng,
                );
                let byte = match decided.map_err(|f| inst.fault(f)) {
                    Ok(m) => m as u8,
                    Err(Fault::InvalidMove { byte }) => byte,
                    Err(fault) => {
                        state.failed = true;
                        write_frame(
                            out,
                            &Response::RelayFault {
                                job: lane.job,
                                turn: Some(t as u64 + 1),
                                fault,
                            },
                        )?;
                        LANE_FAULT
                    }
                };
                page.output[k].store(byte, Ordering::Release);
            }
            page::publish(&page.worker_seq, &page.engine_sleeping, seq);
        }
        page.job.store(IDLE, Ordering::Relaxed);
        write_frame(out, &Response::RelayDone)
    }
}

/// Keeps the compiler honest about `Move` being one byte, which the relay relies on.
const _: () = assert!(std::mem::size_of::<Move>() == 1);
