//! The engine's side of one worker process: start it, talk to it with deadlines, watch its
//! progress, kill it, and say why it died.
//!
//! Time limits are enforced from here, outside the worker: a wait for an answer is cut into
//! short slices, and between slices the worker's progress on the shared page is checked. A
//! decision that has not finished after the decision limit, or a match after the match limit,
//! gets the worker killed (`SIGKILL`, which it cannot catch). Whatever the worker does, the
//! engine always gets control back within a slice.

use std::io::{BufWriter, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::confine::{syscall_name, FORBIDDEN_SYSCALL_EXIT};
use super::page::{SharedPage, CREATING, IDLE, RESETTING_0, RESETTING_1};
use super::protocol::{decode, write_frame, FrameError, Request, Response};
use super::worker::{WorkerArgs, PAGE_FD};
use super::{Limits, WorkerCommand};
use crate::fault::Fault;

/// The most standard-error output kept from one worker; the rest is counted, not stored.
const STDERR_KEPT: usize = 16 << 10;

/// How often a waiting engine looks at a worker's progress.
const SLICE: Duration = Duration::from_millis(10);

/// Where a worker was when it failed: the match (`job`), and within it the side and turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Whereabouts {
    /// The job the worker was playing, if any.
    pub job: Option<u64>,
    /// The player being created (during a `Players` request).
    pub creating: Option<u32>,
    /// The side (0 or 1) deciding or being reset.
    pub side: Option<u8>,
    /// The 1-based turn being decided; `None` while resetting.
    pub turn: Option<u64>,
}

/// Keeps track of a busy worker's progress to judge the time limits.
#[derive(Debug)]
pub struct Watch {
    last: (u64, u64),
    since: Instant,
    match_job: u64,
    match_since: Instant,
}

/// A worker that stopped answering properly.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerFailure {
    pub fault: Fault,
    pub at: Whereabouts,
}

/// Standard error of a worker, kept up to a bound by a reader thread.
#[derive(Debug, Default)]
struct CapturedStderr {
    text: Vec<u8>,
    dropped: u64,
}

/// One running worker process.
pub struct WorkerProcess {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: ChildStdout,
    buffer: Vec<u8>,
    page: SharedPage,
    stderr: Arc<Mutex<CapturedStderr>>,
    limits: Limits,
    /// Set once the worker is known dead or killed.
    dead: bool,
}

impl std::fmt::Debug for WorkerProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerProcess")
            .field("pid", &self.child.id())
            .finish_non_exhaustive()
    }
}

/// A deadline for one exchange, with the limits that apply while waiting.
#[derive(Clone, Copy, Debug)]
pub enum Wait {
    /// Loading or answering a short request: at most this long.
    Setup(Duration),
    /// Playing: the decision and match limits apply, judged by the worker's progress.
    Playing,
}

impl WorkerProcess {
    /// Starts a worker for `plugin` and reads its first answer (`Ready` or `LoadFailed`).
    pub fn spawn(
        command: &WorkerCommand,
        plugin: &Path,
        limits: &Limits,
        cpu_seconds: u64,
    ) -> Result<(WorkerProcess, Response), std::io::Error> {
        let (page, page_fd) = SharedPage::create()?;
        let args = WorkerArgs {
            plugin: plugin.to_path_buf(),
            memory_mb: limits.memory_mb,
            cpu_seconds,
        };
        let mut cmd = Command::new(&command.program);
        cmd.args(&command.args)
            .args(args.to_args())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Nothing of the engine's environment reaches the plugin. In particular no
            // RUST_BACKTRACE: symbolising a backtrace reads files, which the sandbox forbids.
            .env_clear();
        let raw = {
            use std::os::fd::AsRawFd;
            page_fd.as_raw_fd()
        };
        // SAFETY: the closure runs in the child between fork and exec and only calls dup2 and
        // fcntl, which are async-signal-safe. It places the page on PAGE_FD without
        // close-on-exec (dup2 clears the flag on the copy only; if the page already is on
        // PAGE_FD, the flag is cleared directly), so no other child started concurrently
        // inherits it.
        unsafe {
            cmd.pre_exec(move || {
                let result = if raw == PAGE_FD {
                    libc::fcntl(PAGE_FD, libc::F_SETFD, 0)
                } else {
                    libc::dup2(raw, PAGE_FD)
                };
                if result < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = spawn_from_lasting_thread(cmd)?;
        drop(page_fd);
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("the worker's pipes were not created"));
        };
        let captured = Arc::new(Mutex::new(CapturedStderr::default()));
        let sink = Arc::clone(&captured);
        std::thread::Builder::new()
            .name("vertrouwen-worker-stderr".into())
            .spawn(move || {
                let mut chunk = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    let mut kept = sink.lock().unwrap_or_else(|p| p.into_inner());
                    let room = STDERR_KEPT.saturating_sub(kept.text.len()).min(n);
                    kept.text.extend_from_slice(&chunk[..room]);
                    kept.dropped += (n - room) as u64;
                }
            })?;
        let mut worker = WorkerProcess {
            child,
            input: BufWriter::new(stdin),
            output: stdout,
            buffer: Vec::new(),
            page,
            stderr: captured,
            limits: *limits,
            dead: false,
        };
        let first = worker
            .receive(Wait::Setup(Duration::from_secs(30)), 1 << 20)
            .map_err(|f| std::io::Error::other(f.fault.to_string()))?;
        Ok((worker, first))
    }

    /// The shared page.
    pub fn page(&self) -> &super::page::Page {
        self.page.get()
    }

    /// Sends a request. A worker that cannot take it is dead: the failure says why.
    pub fn send(&mut self, request: &Request) -> Result<(), WorkerFailure> {
        match write_frame(&mut self.input, request) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.failure_after_death()),
        }
    }

    /// Starts watching the worker's progress (before waiting on it).
    pub fn watch(&self) -> Watch {
        let now = Instant::now();
        let last = self.progress_raw();
        Watch {
            last,
            since: now,
            match_job: last.0,
            match_since: now,
        }
    }

    /// Checks the time limits against the worker's progress; kills it and says why when one is
    /// exceeded.
    pub fn check_limits(&mut self, watch: &mut Watch) -> Result<(), WorkerFailure> {
        let now = Instant::now();
        let progress = self.progress_raw();
        if progress != watch.last {
            watch.last = progress;
            watch.since = now;
        }
        if progress.0 != watch.match_job {
            watch.match_job = progress.0;
            watch.match_since = now;
        }
        let busy = progress.0 != IDLE;
        let fault = if busy && now - watch.since > self.limits.decision() {
            Some(Fault::DecisionTimeout {
                limit_ms: self.limits.decision_ms,
            })
        } else if busy
            && progress.0 & CREATING == 0
            && now - watch.match_since > self.limits.matches()
        {
            Some(Fault::MatchTimeout {
                limit_ms: self.limits.match_ms,
            })
        } else if !busy && now - watch.since > self.limits.decision() * 4 + Duration::from_secs(5) {
            Some(Fault::Protocol {
                detail: "the worker stopped answering".into(),
            })
        } else {
            None
        };
        match fault {
            Some(fault) => {
                let at = self.whereabouts();
                self.kill();
                Err(WorkerFailure { fault, at })
            }
            None => Ok(()),
        }
    }

    /// Whether the worker process is still running.
    pub fn alive(&mut self) -> bool {
        !self.dead && matches!(self.child.try_wait(), Ok(None))
    }

    /// After the worker was found dead (or unresponsive): reap it and say why.
    pub fn failure(&mut self) -> WorkerFailure {
        self.failure_after_death()
    }

    /// Receives one answer, waiting as `wait` says; frames above `limit` bytes are a protocol
    /// error. On any failure the worker is dead (killed if it was not).
    pub fn receive(&mut self, wait: Wait, limit: usize) -> Result<Response, WorkerFailure> {
        let started = Instant::now();
        let mut watch = self.watch();
        loop {
            match self.frame_in_buffer(limit) {
                Ok(Some(body)) => {
                    return decode::<Response>(&body).map_err(|e| {
                        self.kill();
                        WorkerFailure {
                            fault: Fault::Protocol {
                                detail: e.to_string(),
                            },
                            at: self.whereabouts(),
                        }
                    });
                }
                Ok(None) => {}
                Err(fault) => {
                    self.kill();
                    return Err(WorkerFailure {
                        fault,
                        at: self.whereabouts(),
                    });
                }
            }
            // Check the limits before waiting for more.
            let now = Instant::now();
            match wait {
                Wait::Setup(limit) => {
                    if now - started > limit {
                        self.kill();
                        return Err(WorkerFailure {
                            fault: Fault::DecisionTimeout {
                                limit_ms: limit.as_millis() as u64,
                            },
                            at: self.whereabouts(),
                        });
                    }
                }
                Wait::Playing => self.check_limits(&mut watch)?,
            }
            if !self.read_some(SLICE) {
                return Err(self.failure_after_death());
            }
        }
    }

    /// A complete frame from the buffer, if one has arrived.
    fn frame_in_buffer(&mut self, limit: usize) -> Result<Option<Vec<u8>>, Fault> {
        if self.buffer.len() < 4 {
            return Ok(None);
        }
        let len = u32::from_le_bytes([
            self.buffer[0],
            self.buffer[1],
            self.buffer[2],
            self.buffer[3],
        ]) as usize;
        if len > limit {
            return Err(Fault::Protocol {
                detail: FrameError::TooLong { len, limit }.to_string(),
            });
        }
        if self.buffer.len() < 4 + len {
            return Ok(None);
        }
        let body = self.buffer[4..4 + len].to_vec();
        self.buffer.drain(..4 + len);
        Ok(Some(body))
    }

    /// Waits up to `slice` for output and appends what came. `false`: the worker closed its
    /// output (it is dead or dying).
    fn read_some(&mut self, slice: Duration) -> bool {
        use rustix::event::{poll, PollFd, PollFlags};
        let timeout = rustix::event::Timespec {
            tv_sec: slice.as_secs() as i64,
            tv_nsec: i64::from(slice.subsec_nanos()),
        };
        let mut fds = [PollFd::new(&self.output, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => true,
            Ok(_) => {
                let mut chunk = [0u8; 64 << 10];
                match self.output.read(&mut chunk) {
                    Ok(0) => false,
                    Ok(n) => {
                        self.buffer.extend_from_slice(&chunk[..n]);
                        true
                    }
                    Err(e) => e.kind() == std::io::ErrorKind::Interrupted,
                }
            }
            Err(rustix::io::Errno::INTR) => true,
            Err(_) => false,
        }
    }

    fn progress_raw(&self) -> (u64, u64) {
        (
            self.page().job.load(Ordering::Relaxed),
            self.page().step.load(Ordering::Relaxed),
        )
    }

    /// Where the worker is (or was, when it died), from its shared page.
    pub fn whereabouts(&self) -> Whereabouts {
        let (job, step) = self.progress_raw();
        let mut at = Whereabouts::default();
        if job == IDLE {
            return at;
        }
        if job & CREATING != 0 {
            at.creating = u32::try_from(job & !CREATING).ok();
            return at;
        }
        at.job = Some(job);
        match step {
            u64::MAX => {}
            RESETTING_0 => at.side = Some(0),
            RESETTING_1 => at.side = Some(1),
            s => {
                at.side = Some((s % 2) as u8);
                at.turn = Some(s / 2 + 1);
            }
        }
        at
    }

    /// Kills the worker (if alive) and reaps it.
    pub fn kill(&mut self) {
        if !self.dead {
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.dead = true;
        }
    }

    /// Waits for a worker whose output closed, and says why it died.
    fn failure_after_death(&mut self) -> WorkerFailure {
        let at = self.whereabouts();
        // The output closed: the process is exiting; give it a moment, then make sure.
        let deadline = Instant::now() + Duration::from_secs(2);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2))
                }
                _ => {
                    let _ = self.child.kill();
                    break self.child.wait().ok();
                }
            }
        };
        self.dead = true;
        // Let the stderr reader drain what the worker printed last.
        std::thread::sleep(Duration::from_millis(5));
        let stderr = self.stderr_text();
        let fault = match status {
            Some(s) if s.code() == Some(FORBIDDEN_SYSCALL_EXIT) => {
                let number = self.page().forbidden_syscall.load(Ordering::SeqCst);
                if number >= 0 {
                    Fault::ForbiddenSystemCall {
                        name: syscall_name(number),
                    }
                } else {
                    Fault::Protocol {
                        detail: format!("the worker exited with status {FORBIDDEN_SYSCALL_EXIT}"),
                    }
                }
            }
            Some(s) => match s.signal() {
                Some(signal) => classify_signal(signal, &stderr, &self.limits),
                None => Fault::Protocol {
                    detail: format!(
                        "the worker exited with status {}{}",
                        s.code().unwrap_or(-1),
                        if stderr.is_empty() {
                            String::new()
                        } else {
                            format!("; it printed: {stderr}")
                        }
                    ),
                },
            },
            None => Fault::Protocol {
                detail: "the worker could not be reaped".into(),
            },
        };
        WorkerFailure { fault, at }
    }

    /// What the worker printed on standard error (cleaned of control characters, bounded).
    pub fn stderr_text(&self) -> String {
        let kept = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
        let mut text: String = String::from_utf8_lossy(&kept.text)
            .chars()
            .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
            .collect();
        if kept.dropped > 0 {
            text.push_str(&format!(" [{} more bytes not kept]", kept.dropped));
        }
        text.trim().to_string()
    }

    /// Asks the worker to exit and reaps it; kills it if it does not go.
    pub fn shutdown(mut self) {
        let _ = write_frame(&mut self.input, &Request::Exit);
        let deadline = Instant::now() + Duration::from_millis(500);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                self.dead = true;
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        self.kill();
    }

    /// The worker's process id (for tests that check nothing is left behind).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The flush side of the control channel, for callers that batch several requests.
    pub fn input(&mut self) -> &mut impl Write {
        &mut self.input
    }

    /// A borrowed handle of the output pipe, for polling.
    pub fn output_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.output.as_fd()
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts a process from one thread that lives as long as the engine. A worker asks to be
/// killed when its parent dies (`PR_SET_PDEATHSIG`), and for the kernel the parent is the
/// *thread* that started it: workers started by a tournament's short-lived threads would be
/// killed when those threads end, though the engine still uses them.
fn spawn_from_lasting_thread(command: Command) -> std::io::Result<Child> {
    type Request = (Command, std::sync::mpsc::Sender<std::io::Result<Child>>);
    static SPAWNER: std::sync::OnceLock<Mutex<std::sync::mpsc::Sender<Request>>> =
        std::sync::OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Request>();
        // If the thread cannot start, `rx` is dropped and every request fails below.
        let _ = std::thread::Builder::new()
            .name("vertrouwen-spawner".into())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
            });
        Mutex::new(tx)
    });
    let (reply, answer) = std::sync::mpsc::channel();
    spawner
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send((command, reply))
        .map_err(|_| std::io::Error::other("the worker-spawning thread is gone"))?;
    answer
        .recv()
        .map_err(|_| std::io::Error::other("the worker-spawning thread is gone"))?
}

fn classify_signal(signal: i32, stderr: &str, limits: &Limits) -> Fault {
    let excerpt = last_lines(stderr, 6);
    if stderr.contains("memory allocation of") || stderr.contains("capacity overflow") {
        return Fault::OutOfMemory {
            limit_mb: limits.memory_mb,
            detail: excerpt,
        };
    }
    match signal {
        libc::SIGXCPU => Fault::CpuTimeLimit { limit_s: 0 },
        // Killed by the filter itself: the plugin had blocked SIGSYS, so no handler could say
        // which call it was.
        libc::SIGSYS => Fault::ForbiddenSystemCall {
            name: "not known: the plugin blocked the signal that reports it".into(),
        },
        _ => Fault::Crash {
            signal,
            name: signal_name(signal).into(),
            detail: excerpt,
        },
    }
}

fn last_lines(text: &str, n: usize) -> String {
    // The standard library's hint about RUST_BACKTRACE is no use to the reader here.
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    let start = lines.len().saturating_sub(n);
    lines[start..].join(" | ")
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGSEGV => "segmentation fault",
        libc::SIGABRT => "abort",
        libc::SIGBUS => "bus error",
        libc::SIGILL => "illegal instruction",
        libc::SIGFPE => "arithmetic error",
        libc::SIGKILL => "killed",
        libc::SIGTERM => "terminated",
        libc::SIGPIPE => "broken pipe",
        libc::SIGXFSZ => "file size limit exceeded",
        libc::SIGTRAP => "trap",
        _ => "signal",
    }
}

/// An absolute, canonical path for a plugin file: the worker must open exactly this file.
pub fn plugin_path(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(path)
}
