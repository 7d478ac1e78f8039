//! The worker's confinement: resource limits, a parent-death signal, and system-call filters.
//!
//! In order, inside the worker, before any plugin code runs:
//! 1. `PR_SET_PDEATHSIG`: if the engine dies, the kernel kills the worker (no strays).
//! 2. Resource limits: address space (the memory limit), CPU time (a backstop behind the
//!    engine's wall-clock limits), no core files, no file writes (`RLIMIT_FSIZE` 0), few file
//!    descriptors, no new processes (`RLIMIT_NPROC` 0, ignored for root, hence 4).
//! 3. A `SIGSYS` handler that records which system call the filter refused, on the shared page,
//!    and exits; the engine reports it as a forbidden system call.
//! 4. A first system-call filter for loading: the dynamic loader may open and read files (the
//!    plugin's constructors run here too), but nothing can be written, created, removed or
//!    executed, no socket opened, no process or thread created, no signal handler changed.
//! 5. After loading, a second filter (filters stack; the strictest wins) that allows only what
//!    deciding moves needs: reading requests, writing answers and errors, memory management,
//!    futexes for the relay, clocks and sleeping. No file can be opened at all.
//!
//! Both filters refuse everything they do not list (an allow list), with `SECCOMP_RET_TRAP`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicPtr, Ordering};

use seccompiler::{
    SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
    TargetArch,
};

use super::page::Page;

/// Exit status of a worker stopped by the system-call filter.
pub const FORBIDDEN_SYSCALL_EXIT: i32 = 159;

/// Where the `SIGSYS` handler writes the refused system call.
static PAGE: AtomicPtr<Page> = AtomicPtr::new(std::ptr::null_mut());

#[derive(Debug, thiserror::Error)]
pub enum ConfineError {
    #[error("{what}: {source}")]
    Os {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("building the system-call filter: {0}")]
    Filter(String),
}

fn os(what: &'static str) -> impl FnOnce(rustix::io::Errno) -> ConfineError {
    move |e| ConfineError::Os {
        what,
        source: e.into(),
    }
}

/// Steps 1 to 3 (module docs): for the whole process, before any other thread exists. `page`
/// must outlive the process (it is the worker's mapping).
pub fn limit_process(page: &Page, memory_mb: u64, cpu_seconds: u64) -> Result<(), ConfineError> {
    use rustix::process::{setrlimit, Resource, Rlimit};

    // glibc gives a new thread its own malloc arena, and the first time it shrinks such an
    // arena it reads /proc/sys/vm/overcommit_memory: a file open, which the playing filter
    // kills (seen at the end of a 200,000-turn match). With one arena every thread uses the
    // main one, which shrinks with brk and opens nothing.
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only sets a malloc parameter, under malloc's own lock; no pointer is
    // involved.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }

    let parent = rustix::process::getppid();
    rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
        .map_err(os("setting the parent-death signal"))?;
    if rustix::process::getppid() != parent {
        // The engine died before the signal was armed.
        std::process::exit(0);
    }
    let limit = |resource, value: u64, what| {
        setrlimit(
            resource,
            Rlimit {
                current: Some(value),
                maximum: Some(value),
            },
        )
        .map_err(os(what))
    };
    limit(
        Resource::As,
        memory_mb.saturating_mul(1 << 20),
        "limiting the address space",
    )?;
    // SIGXCPU at the soft limit, SIGKILL a second later at the hard one.
    setrlimit(
        Resource::Cpu,
        Rlimit {
            current: Some(cpu_seconds),
            maximum: Some(cpu_seconds.saturating_add(1)),
        },
    )
    .map_err(os("limiting CPU time"))?;
    limit(Resource::Core, 0, "disabling core files")?;
    limit(Resource::Fsize, 0, "forbidding file writes")?;
    limit(Resource::Nofile, 16, "limiting open files")?;
    limit(Resource::Nproc, 0, "forbidding new processes")?;

    PAGE.store(std::ptr::from_ref(page).cast_mut(), Ordering::SeqCst);
    install_sigsys_handler()
}

/// Step 4 (module docs), for every thread of the process.
pub fn before_loading() -> Result<(), ConfineError> {
    apply(&loading_rules()?)
}

/// Step 5 (module docs), for every thread of the process.
pub fn after_loading() -> Result<(), ConfineError> {
    apply(&playing_rules()?)
}

extern "C" fn on_sigsys(_signal: i32, info: *mut libc::siginfo_t, _context: *mut libc::c_void) {
    // The refused system call's number: `si_syscall` of the SIGSYS layout of siginfo_t, an
    // `int` after `si_signo`, `si_errno`, `si_code`, padding and `si_call_addr` (byte 24 on
    // 64-bit Linux).
    // SAFETY: the kernel passes a valid siginfo_t for SA_SIGINFO handlers; byte 24 is inside it
    // (it is 128 bytes long) and holds si_syscall for SIGSYS.
    let number = unsafe { info.cast::<u8>().add(24).cast::<i32>().read_unaligned() };
    let page = PAGE.load(Ordering::SeqCst);
    if !page.is_null() {
        // SAFETY: PAGE points to the worker's shared page, mapped for the life of the process;
        // an atomic store is async-signal-safe.
        unsafe {
            (*page)
                .forbidden_syscall
                .store(i64::from(number), Ordering::SeqCst)
        };
    }
    // SAFETY: _exit is async-signal-safe and ends the process at once.
    unsafe { libc::_exit(FORBIDDEN_SYSCALL_EXIT) }
}

fn install_sigsys_handler() -> Result<(), ConfineError> {
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; the handler above only
    // does async-signal-safe work.
    let result = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigsys as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGSYS, &action, std::ptr::null_mut())
    };
    if result != 0 {
        return Err(ConfineError::Os {
            what: "installing the SIGSYS handler",
            source: std::io::Error::last_os_error(),
        });
    }
    Ok(())
}

fn arch() -> Result<TargetArch, ConfineError> {
    TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|e| ConfineError::Filter(format!("unsupported architecture: {e:?}")))
}

fn apply(rules: &BTreeMap<i64, Vec<SeccompRule>>) -> Result<(), ConfineError> {
    let filter = SeccompFilter::new(
        rules.clone(),
        SeccompAction::Trap,
        SeccompAction::Allow,
        arch()?,
    )
    .map_err(|e| ConfineError::Filter(e.to_string()))?;
    let program: seccompiler::BpfProgram = filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| ConfineError::Filter(e.to_string()))?;
    // Sets no_new_privs first, so the filter needs no privilege. TSYNC: every thread of the
    // process gets the filter, the one waiting in `main` too.
    seccompiler::apply_filter_all_threads(&program).map_err(|e| ConfineError::Filter(e.to_string()))
}

fn cond(arg: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, ConfineError> {
    SeccompCondition::new(arg, SeccompCmpArgLen::Qword, op, value)
        .map_err(|e| ConfineError::Filter(e.to_string()))
}

fn rule(conditions: Vec<SeccompCondition>) -> Result<SeccompRule, ConfineError> {
    SeccompRule::new(conditions).map_err(|e| ConfineError::Filter(e.to_string()))
}

/// System calls any worker needs at any time: memory, futexes, clocks, sleeping, exiting,
/// signal returns and masks, and killing itself (`abort`).
fn common_rules() -> Result<BTreeMap<i64, Vec<SeccompRule>>, ConfineError> {
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for nr in [
        libc::SYS_mmap,
        libc::SYS_munmap,
        libc::SYS_mremap,
        libc::SYS_mprotect,
        libc::SYS_brk,
        libc::SYS_madvise,
        libc::SYS_futex,
        libc::SYS_sched_yield,
        libc::SYS_clock_gettime,
        libc::SYS_clock_nanosleep,
        libc::SYS_nanosleep,
        libc::SYS_getrandom,
        libc::SYS_exit,
        libc::SYS_exit_group,
        libc::SYS_rt_sigreturn,
        libc::SYS_rt_sigprocmask,
        libc::SYS_sigaltstack,
        libc::SYS_getpid,
        libc::SYS_gettid,
    ] {
        rules.insert(nr, vec![]);
    }
    // abort() and raise() signal the process itself; nothing else may be signalled.
    let own = u64::from(
        rustix::process::getpid()
            .as_raw_nonzero()
            .get()
            .unsigned_abs(),
    );
    rules.insert(
        libc::SYS_tgkill,
        vec![rule(vec![cond(0, SeccompCmpOp::Eq, own)?])?],
    );
    // The standard library's SIGSEGV/SIGBUS handler (stack overflow detection) resets itself
    // to the default action to let a real fault kill the process; nothing else may change a
    // signal's handling (the SIGSYS handler above all).
    rules.insert(
        libc::SYS_rt_sigaction,
        [libc::SIGSEGV, libc::SIGBUS, libc::SIGABRT]
            .into_iter()
            .map(|signal| rule(vec![cond(0, SeccompCmpOp::Eq, signal as u64)?]))
            .collect::<Result<_, _>>()?,
    );
    // Writing answers (fd 1) and errors (fd 2).
    rules.insert(
        libc::SYS_write,
        vec![
            rule(vec![cond(0, SeccompCmpOp::Eq, 1)?])?,
            rule(vec![cond(0, SeccompCmpOp::Eq, 2)?])?,
        ],
    );
    Ok(rules)
}

/// The loading filter: the dynamic loader reads files; nothing may be changed.
fn loading_rules() -> Result<BTreeMap<i64, Vec<SeccompRule>>, ConfineError> {
    let mut rules = common_rules()?;
    let writing = (libc::O_WRONLY
        | libc::O_RDWR
        | libc::O_CREAT
        | libc::O_TRUNC
        | libc::O_APPEND
        | libc::O_TMPFILE) as u64;
    // openat(dirfd, path, flags, mode): only when no flag asks to write or create.
    rules.insert(
        libc::SYS_openat,
        vec![rule(vec![cond(2, SeccompCmpOp::MaskedEq(writing), 0)?])?],
    );
    for nr in [
        libc::SYS_read,
        libc::SYS_pread64,
        libc::SYS_close,
        libc::SYS_fstat,
        libc::SYS_newfstatat,
        libc::SYS_statx,
        libc::SYS_lseek,
        libc::SYS_readlink,
        libc::SYS_readlinkat,
        libc::SYS_getcwd,
        libc::SYS_faccessat,
        libc::SYS_faccessat2,
    ] {
        rules.insert(nr, vec![]);
    }
    #[cfg(target_arch = "x86_64")]
    for nr in [libc::SYS_access, libc::SYS_stat, libc::SYS_lstat] {
        rules.insert(nr, vec![]);
    }
    // Installing the playing filter afterwards: no_new_privs, then the filter (which can only
    // restrict further).
    rules.insert(
        libc::SYS_prctl,
        vec![rule(vec![cond(
            0,
            SeccompCmpOp::Eq,
            libc::PR_SET_NO_NEW_PRIVS as u64,
        )?])?],
    );
    rules.insert(libc::SYS_seccomp, vec![]);
    Ok(rules)
}

/// The playing filter: requests come on fd 0; no file can be opened.
fn playing_rules() -> Result<BTreeMap<i64, Vec<SeccompRule>>, ConfineError> {
    let mut rules = common_rules()?;
    rules.insert(
        libc::SYS_read,
        vec![rule(vec![cond(0, SeccompCmpOp::Eq, 0)?])?],
    );
    Ok(rules)
}

/// A readable name for a system call number the filter refused.
pub fn syscall_name(number: i64) -> String {
    #[cfg(target_arch = "x86_64")]
    let legacy: &[(i64, &str)] = &[
        (libc::SYS_open, "open"),
        (libc::SYS_fork, "fork"),
        (libc::SYS_vfork, "vfork"),
        (libc::SYS_unlink, "unlink"),
        (libc::SYS_rename, "rename"),
        (libc::SYS_mkdir, "mkdir"),
    ];
    #[cfg(not(target_arch = "x86_64"))]
    let legacy: &[(i64, &str)] = &[];
    let known: &[(i64, &str)] = &[
        (libc::SYS_openat, "openat"),
        (libc::SYS_socket, "socket"),
        (libc::SYS_connect, "connect"),
        (libc::SYS_bind, "bind"),
        (libc::SYS_clone, "clone"),
        (libc::SYS_clone3, "clone3"),
        (libc::SYS_execve, "execve"),
        (libc::SYS_execveat, "execveat"),
        (libc::SYS_kill, "kill"),
        (libc::SYS_ptrace, "ptrace"),
        (libc::SYS_unlinkat, "unlinkat"),
        (libc::SYS_renameat2, "renameat2"),
        (libc::SYS_rt_sigaction, "rt_sigaction"),
        (libc::SYS_write, "write"),
        (libc::SYS_read, "read"),
        (libc::SYS_setrlimit, "setrlimit"),
        (libc::SYS_prlimit64, "prlimit64"),
        (libc::SYS_ioctl, "ioctl"),
        (libc::SYS_sendto, "sendto"),
        (libc::SYS_prctl, "prctl"),
    ];
    match known.iter().chain(legacy).find(|(n, _)| *n == number) {
        Some((_, name)) => format!("{name}, system call {number}"),
        None => format!("system call {number}"),
    }
}
