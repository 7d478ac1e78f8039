//! The page of memory the engine shares with one worker process.
//!
//! It carries what must be seen without a message: the worker's progress (which match, which
//! turn and side is deciding, so a hung or dead worker can be blamed precisely), the system call
//! the sandbox refused (written by the worker's `SIGSYS` handler just before it exits), and the
//! relay lanes through which two workers play a match turn by turn.
//!
//! Every field is an atomic, so both processes may touch the page at any time. Nothing the
//! worker writes here is trusted: the engine validates moves, only compares sequence numbers for
//! equality, and uses progress fields only to word its reports.

use std::os::fd::{AsFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use rustix::mm::{mmap, munmap, MapFlags, ProtFlags};

/// The most matches one relay step carries.
pub const MAX_LANES: usize = 512;

/// `job` value while the worker waits for work.
pub const IDLE: u64 = u64::MAX;
/// `job` bit while the worker creates player `job & !CREATING`.
pub const CREATING: u64 = 1 << 63;
/// `step` values while the worker resets player 1 or player 2 of its match.
pub const RESETTING_0: u64 = u64::MAX - 1;
pub const RESETTING_1: u64 = u64::MAX - 2;

/// Lane input bits: the lane's previous turn (if any) as played, and whether it is still on.
pub const LANE_ACTIVE: u8 = 1 << 0;
pub const LANE_HAS_PREVIOUS: u8 = 1 << 1;
pub const LANE_OWN_DEFECTED: u8 = 1 << 2;
pub const LANE_OPPONENT_DEFECTED: u8 = 1 << 3;

/// Lane output byte when the lane's player failed (the reason follows on the control channel).
pub const LANE_FAULT: u8 = 0xFE;

#[repr(C)]
pub struct Page {
    /// The match the worker is playing (`job` of the request), or [`IDLE`].
    pub job: AtomicU64,
    /// `2 * turn + side` of the decision in progress (turn 0-based); [`RESETTING_0`] or
    /// [`RESETTING_1`] while resetting a player; `u64::MAX` otherwise.
    pub step: AtomicU64,
    /// The system call number the sandbox refused, or -1.
    pub forbidden_syscall: AtomicI64,
    /// Relay: the step the engine published, and the step the worker finished.
    pub engine_seq: AtomicU32,
    pub worker_seq: AtomicU32,
    /// Relay: set while the engine or the worker sleeps on a futex, so the other wakes it.
    pub engine_sleeping: AtomicU32,
    pub worker_sleeping: AtomicU32,
    /// Relay: set by the engine to end the relay.
    pub relay_end: AtomicU32,
    pub input: [AtomicU8; MAX_LANES],
    pub output: [AtomicU8; MAX_LANES],
}

const PAGE_BYTES: usize = std::mem::size_of::<Page>();

/// A mapping of the shared page.
pub struct SharedPage {
    ptr: NonNull<Page>,
}

// SAFETY: the page holds only atomics, which may be accessed from any thread (and process).
unsafe impl Send for SharedPage {}
// SAFETY: as above; all access goes through `&Page`, whose fields are atomics.
unsafe impl Sync for SharedPage {}

impl SharedPage {
    /// Creates the page as an anonymous shared-memory file; the worker maps the same file.
    pub fn create() -> std::io::Result<(SharedPage, OwnedFd)> {
        let fd = rustix::fs::memfd_create("vertrouwen-worker", rustix::fs::MemfdFlags::CLOEXEC)?;
        rustix::fs::ftruncate(&fd, PAGE_BYTES as u64)?;
        let page = Self::map(&fd)?;
        page.get().job.store(IDLE, Ordering::Relaxed);
        page.get().step.store(u64::MAX, Ordering::Relaxed);
        page.get().forbidden_syscall.store(-1, Ordering::Relaxed);
        Ok((page, fd))
    }

    /// Maps a page created by [`SharedPage::create`].
    pub fn map(fd: &impl AsFd) -> std::io::Result<SharedPage> {
        let size = rustix::fs::fstat(fd)?.st_size;
        if size < PAGE_BYTES as i64 {
            return Err(std::io::Error::other("the shared page is too small"));
        }
        // SAFETY: a fresh shared mapping of a file at least PAGE_BYTES long; nothing else is
        // mapped at the address the kernel picks. The memory is zero-initialised or written only
        // through atomics, and an all-zero `Page` is valid (atomics of zero).
        let ptr = unsafe {
            mmap(
                std::ptr::null_mut(),
                PAGE_BYTES,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::SHARED,
                fd,
                0,
            )
        }?;
        let ptr = NonNull::new(ptr.cast::<Page>())
            .ok_or_else(|| std::io::Error::other("mmap returned null"))?;
        Ok(SharedPage { ptr })
    }

    pub fn get(&self) -> &Page {
        // SAFETY: the mapping lives as long as `self` and holds a valid `Page` (atomics only).
        unsafe { self.ptr.as_ref() }
    }
}

impl Drop for SharedPage {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `map`; no reference into it outlives `self`
        // (every `&Page` borrows `self`).
        let _ = unsafe { munmap(self.ptr.as_ptr().cast(), PAGE_BYTES) };
    }
}

/// Why a wait ended without the awaited value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitError {
    /// The deadline passed.
    Timeout,
    /// The caller's `alive` check said the other side is gone.
    Gone,
}

/// Waits until `word == want`: spins briefly (the answer usually comes within a microsecond),
/// then yields the core (two cores shared by three processes in a relay), then sleeps on a
/// futex so an idle side costs nothing. `sleeping` tells the other side to wake us.
pub fn wait_for(
    word: &AtomicU32,
    sleeping: &AtomicU32,
    want: u32,
    deadline: Instant,
    mut alive: impl FnMut() -> bool,
) -> Result<(), WaitError> {
    for _ in 0..64 {
        if word.load(Ordering::Acquire) == want {
            return Ok(());
        }
        std::hint::spin_loop();
    }
    let yielding_until = Instant::now() + Duration::from_micros(200);
    loop {
        for _ in 0..16 {
            if word.load(Ordering::Acquire) == want {
                return Ok(());
            }
            rustix::thread::sched_yield();
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(WaitError::Timeout);
        }
        if now < yielding_until {
            continue;
        }
        if !alive() {
            return Err(WaitError::Gone);
        }
        sleeping.store(1, Ordering::SeqCst);
        let current = word.load(Ordering::SeqCst);
        if current != want {
            let slice = (deadline - now).min(Duration::from_millis(5));
            let timeout = rustix::thread::futex::Timespec {
                tv_sec: slice.as_secs() as i64,
                tv_nsec: i64::from(slice.subsec_nanos()),
            };
            // Shared (not private) futex: the other side is another process.
            let _ = rustix::thread::futex::wait(
                word,
                rustix::thread::futex::Flags::empty(),
                current,
                Some(&timeout),
            );
        }
        sleeping.store(0, Ordering::SeqCst);
    }
}

/// Publishes `value` in `word` and wakes the other side if it sleeps on it.
pub fn publish(word: &AtomicU32, sleeping: &AtomicU32, value: u32) {
    word.store(value, Ordering::SeqCst);
    if sleeping.load(Ordering::SeqCst) != 0 {
        let _ = rustix::thread::futex::wake(
            word,
            rustix::thread::futex::Flags::empty(),
            i32::MAX as u32,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_mappings_see_the_same_page() {
        let (a, fd) = SharedPage::create().unwrap();
        let b = SharedPage::map(&fd).unwrap();
        assert_eq!(a.get().job.load(Ordering::Relaxed), IDLE);
        b.get().output[3].store(1, Ordering::Relaxed);
        assert_eq!(a.get().output[3].load(Ordering::Relaxed), 1);
    }

    #[test]
    fn waits_end_on_the_value_or_the_deadline() {
        let (page, _fd) = SharedPage::create().unwrap();
        let p = page.get();
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(20));
                publish(&p.worker_seq, &p.engine_sleeping, 5);
            });
            let far = Instant::now() + Duration::from_secs(10);
            assert_eq!(
                wait_for(&p.worker_seq, &p.engine_sleeping, 5, far, || true),
                Ok(())
            );
        });
        let soon = Instant::now() + Duration::from_millis(10);
        assert_eq!(
            wait_for(&p.worker_seq, &p.engine_sleeping, 6, soon, || true),
            Err(WaitError::Timeout)
        );
        let later = Instant::now() + Duration::from_secs(10);
        assert_eq!(
            wait_for(&p.worker_seq, &p.engine_sleeping, 6, later, || false),
            Err(WaitError::Gone)
        );
    }
}
