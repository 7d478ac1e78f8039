//! The glue behind [`export_plugin!`](crate::export_plugin): generic `extern "C"` functions that
//! adapt a [`Strategy`] to the [`StrategyVTable`]. This module and the macro hold all the
//! `unsafe` a plugin needs; strategy authors never see it.
//!
//! Every entry point catches panics: unwinding across `extern "C"` would abort the engine, so a
//! panic becomes an error status and a message the engine reports with the strategy's name.
//!
//! The panic's own report (message and location) is captured by a panic hook instead of being
//! printed, and handed to the engine as the error message: the engine shows it once, with the
//! strategy, match and turn, rather than the plugin flooding standard error once per failing
//! match. Every panic of a plugin built with `panic = "abort"` (the process is about to die, so
//! the report must get out), and panics outside strategy calls, go to the previous hook as
//! usual.
//!
//! "Inside strategy calls" is marked per call for the rare calls (`create`, `reset`, ...) but
//! per *match* for `decide`: from a strategy's `reset` until the engine calls
//! [`match_ended`]. Marking every decision (a thread-local store before and after) cost a third
//! of the turn rate; per match it costs nothing measurable. A plugin loaded as a library has
//! its own copy of this crate, where `match_ended` is never called: there every panic comes
//! from the plugin's own code anyway.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use crate::abi::{
    name_problem, text_problem, Classifiers, HistoryView, MatchInfo, MessageBuf, PluginHeader,
    RStr, StrategyDescriptor, StrategyVTable, DECIDE_ERROR, MAX_STRATEGIES, MAX_TEXT_LEN,
    STATUS_ERROR, STATUS_OK, USES_GAME, USES_LENGTH,
};
use crate::{History, MatchContext, Move, Rng, Strategy};

/// Names accepted in the macro's `makes_use_of: [...]` list.
#[allow(non_upper_case_globals)]
pub mod uses {
    pub const length: u32 = super::USES_LENGTH;
    pub const game: u32 = super::USES_GAME;
}

/// A header in a `static`. Raw pointers are not `Sync`, so the wrapper asserts it.
#[repr(transparent)]
pub struct StaticHeader(pub PluginHeader);

// SAFETY: a `StaticHeader` is only ever built by `export_plugin!` from `'static` string literals
// and a `'static` descriptor table whose vtables are `'static` consts; nothing behind these
// pointers is ever mutated, so sharing them between threads is sound.
unsafe impl Sync for StaticHeader {}

/// A plugin header that [`export_plugin!`](crate::export_plugin) made in this binary: the proof
/// an engine needs to trust a statically linked library without `unsafe` of its own. Only the
/// macro (or `unsafe` code vouching for a header) can make one, so a header forged with the
/// public fields of [`PluginHeader`] cannot reach an engine through safe code.
#[derive(Clone, Copy, Debug)]
pub struct StaticPlugin(&'static PluginHeader);

impl StaticPlugin {
    /// # Safety
    /// `header` must have been built by `export_plugin!` (or be otherwise valid: every pointer
    /// in it and in its descriptors points to `'static` data of the right type, and every
    /// vtable function behaves as the ABI documents).
    pub const unsafe fn new(header: &'static PluginHeader) -> Self {
        StaticPlugin(header)
    }

    /// The header.
    pub fn header(&self) -> &'static PluginHeader {
        self.0
    }
}

impl std::fmt::Debug for PluginHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginHeader")
            .field("abi_major", &self.abi_major)
            .field("abi_minor", &self.abi_minor)
            .field("flags", &self.flags)
            .field("strategy_count", &self.strategy_count)
            .finish_non_exhaustive()
    }
}

/// The heap object behind an instance pointer.
struct Instance<S> {
    strategy: S,
    /// Message of the last failure, for `last_error`.
    error: String,
}

/// The vtable of strategy type `S`.
pub struct Glue<S>(PhantomData<S>);

impl<S: Strategy> Glue<S> {
    pub const VTABLE: StrategyVTable = StrategyVTable {
        create: create::<S>,
        destroy: destroy::<S>,
        classifiers: classifiers::<S>,
        reset: reset::<S>,
        decide: decide::<S>,
        last_error: last_error::<S>,
    };
}

thread_local! {
    /// Whether this thread is inside a strategy call made through the glue.
    static IN_STRATEGY_CALL: Cell<bool> = const { Cell::new(false) };
    /// Whether this thread is playing a match (a strategy was reset, [`match_ended`] not yet
    /// called): its decisions are strategy calls.
    static IN_MATCH: Cell<bool> = const { Cell::new(false) };
    /// The report of the last panic caught inside a strategy call on this thread.
    static CAPTURED_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static PANIC_HOOK: Once = Once::new();

/// Installs (once per copy of the standard library, i.e. once per plugin) the hook that captures
/// panics raised inside strategy calls.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let inside = IN_STRATEGY_CALL.with(Cell::get) || IN_MATCH.with(Cell::get);
            if !inside || cfg!(panic = "abort") {
                previous(info);
                return;
            }
            let mut report = panic_message(info.payload());
            // No backtrace: symbolising one reads the binary's files, which an isolated worker
            // may not; the location names the line.
            if let Some(at) = info.location() {
                report = format!("{report} (at {}:{}:{})", at.file(), at.line(), at.column());
            }
            CAPTURED_PANIC.with(|c| *c.borrow_mut() = Some(report));
        }));
    });
}

/// Ends the current match's strategy calls on this thread (module docs): panics are reported
/// as usual again. Engines call it after every match, also when the match unwinds; a report
/// captured but never claimed by the glue (a panic in the engine's own code during a match) is
/// printed then, so it is not lost.
pub fn match_ended() {
    IN_MATCH.with(|c| c.set(false));
    if let Some(report) = CAPTURED_PANIC.with(|c| c.borrow_mut().take()) {
        eprintln!("panicked: {report}");
    }
}

/// Runs a strategy call, catching a panic: `Err` holds the panic's payload, whose report
/// [`panic_report`] gives. The hook is installed by `create`, which runs before any other call
/// of a strategy.
#[inline(always)]
fn guarded<R>(call: impl FnOnce() -> R) -> Result<R, Box<dyn Any + Send>> {
    IN_STRATEGY_CALL.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(call));
    IN_STRATEGY_CALL.with(|c| c.set(false));
    result
}

/// The report of a caught panic: what the hook captured, else the payload's message.
#[cold]
fn panic_report(payload: Box<dyn Any + Send>) -> String {
    CAPTURED_PANIC
        .with(|c| c.borrow_mut().take())
        .unwrap_or_else(|| panic_message(&*payload))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// Copies `msg` into the engine's buffer, truncating at a character boundary.
fn write_message(err: *mut MessageBuf, msg: &str) {
    if err.is_null() {
        return;
    }
    // SAFETY: the engine passes either null (checked above) or a pointer to a live MessageBuf
    // whose `ptr` is valid for `cap` writable bytes, for the duration of this call.
    unsafe {
        let buf = &mut *err;
        let mut n = msg.len().min(buf.cap);
        while !msg.is_char_boundary(n) {
            n -= 1;
        }
        if n > 0 {
            std::ptr::copy_nonoverlapping(msg.as_ptr(), buf.ptr, n);
        }
        buf.len = n;
    }
}

unsafe extern "C" fn create<S: Strategy>(
    params: RStr,
    out: *mut *mut c_void,
    err: *mut MessageBuf,
) -> u32 {
    // SAFETY: the engine passes a pointer/length pair valid for reads for this call.
    let bytes = unsafe { slice_or_empty(params.ptr, params.len) };
    let Ok(text) = std::str::from_utf8(bytes) else {
        write_message(err, "parameters are not valid UTF-8");
        return STATUS_ERROR;
    };
    install_panic_hook();
    match guarded(|| S::create(text)) {
        Ok(Ok(strategy)) => {
            let instance = Box::new(Instance {
                strategy,
                error: String::new(),
            });
            // SAFETY: `out` is a valid, writable pointer provided by the engine.
            unsafe { *out = Box::into_raw(instance).cast() };
            STATUS_OK
        }
        Ok(Err(msg)) => {
            write_message(err, &msg);
            STATUS_ERROR
        }
        Err(payload) => {
            let report = panic_report(payload);
            write_message(err, &format!("panicked while being created: {report}"));
            STATUS_ERROR
        }
    }
}

unsafe extern "C" fn destroy<S: Strategy>(instance: *mut c_void) {
    if instance.is_null() {
        return;
    }
    // SAFETY: `instance` came from `create::<S>` (Box::into_raw of an Instance<S>) and the
    // engine destroys each instance exactly once.
    let boxed = unsafe { Box::from_raw(instance.cast::<Instance<S>>()) };
    // A panicking Drop must not unwind into the engine.
    if let Err(payload) = guarded(move || drop(boxed)) {
        // Nobody is told; clear what the hook captured.
        let _ = panic_report(payload);
    }
}

unsafe extern "C" fn classifiers<S: Strategy>(
    instance: *const c_void,
    out: *mut Classifiers,
    err: *mut MessageBuf,
) -> u32 {
    // SAFETY: `instance` is a live Instance<S> from `create::<S>`, not used mutably elsewhere
    // during this call; `out` is a valid pointer to an initialised Classifiers.
    let (instance, out) = unsafe { (&*instance.cast::<Instance<S>>(), &mut *out) };
    match guarded(|| instance.strategy.classifiers()) {
        Ok(Some(c)) => {
            *out = c;
            STATUS_OK
        }
        Ok(None) => STATUS_OK,
        Err(payload) => {
            let report = panic_report(payload);
            write_message(
                err,
                &format!("panicked while reporting its classifiers: {report}"),
            );
            STATUS_ERROR
        }
    }
}

unsafe extern "C" fn reset<S: Strategy>(
    instance: *mut c_void,
    info: *const MatchInfo,
    err: *mut MessageBuf,
) -> u32 {
    // SAFETY: `instance` is a live Instance<S> owned exclusively by the calling engine thread;
    // `info` points to a valid MatchInfo for this call.
    let (instance, info) = unsafe { (&mut *instance.cast::<Instance<S>>(), &*info) };
    let ctx = MatchContext::from_info(info);
    match guarded(|| instance.strategy.reset(&ctx)) {
        Ok(()) => {
            instance.error.clear();
            IN_MATCH.with(|c| c.set(true));
            STATUS_OK
        }
        Err(payload) => {
            instance.error = panic_report(payload);
            write_message(err, &instance.error);
            STATUS_ERROR
        }
    }
}

/// # Safety
/// `ptr` must be valid for `len` reads (it may be null or dangling only when `len` is 0).
unsafe fn slice_or_empty<'a, T>(ptr: *const T, len: usize) -> &'a [T] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: upheld by the caller.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

unsafe extern "C" fn decide<S: Strategy>(
    instance: *mut c_void,
    history: *const HistoryView,
    rng: *mut Rng,
) -> u8 {
    // SAFETY: the engine passes a live Instance<S> it owns exclusively, a valid HistoryView whose
    // arrays hold `len` bytes each, every byte 0 or 1 (the ABI invariant, so they are valid
    // `Move`s, a `#[repr(u8)]` enum with exactly those discriminants), and its own generator
    // state, all valid for this call and not aliased mutably elsewhere.
    let (instance, view, rng) =
        unsafe { (&mut *instance.cast::<Instance<S>>(), &*history, &mut *rng) };
    // SAFETY: see above; the arrays are valid for `len` reads.
    let (own, opponent) = unsafe {
        (
            slice_or_empty(view.own.cast::<Move>(), view.len),
            slice_or_empty(view.opponent.cast::<Move>(), view.len),
        )
    };
    let history =
        History::with_counts(own, opponent, view.own_defections, view.opponent_defections);
    // No per-call marking: the match is marked from `reset` (module docs).
    match catch_unwind(AssertUnwindSafe(|| instance.strategy.decide(&history, rng))) {
        Ok(m) => m as u8,
        Err(payload) => {
            instance.error = panic_report(payload);
            DECIDE_ERROR
        }
    }
}

unsafe extern "C" fn last_error<S: Strategy>(instance: *const c_void, err: *mut MessageBuf) {
    // SAFETY: `instance` is a live Instance<S> from `create::<S>`.
    let instance = unsafe { &*instance.cast::<Instance<S>>() };
    write_message(err, &instance.error);
}

/// A descriptor made by [`strategy_exports!`](crate::strategy_exports), checked when the
/// constant is evaluated: a name, description, parameter text or classifier the engine would
/// refuse fails the plugin's build instead.
pub const fn descriptor(
    name: &'static str,
    description: &'static str,
    default_params: &'static str,
    classifiers: Classifiers,
    vtable: &'static StrategyVTable,
) -> StrategyDescriptor {
    if name_problem(name).is_some() {
        panic!("invalid strategy display name: it must be 1 to 200 bytes of printable characters, without leading or trailing spaces");
    }
    if text_problem(description, MAX_TEXT_LEN).is_some() {
        panic!("invalid strategy description: it must be at most 4096 bytes, without control characters (one paragraph, no line breaks)");
    }
    if text_problem(default_params, MAX_TEXT_LEN).is_some() {
        panic!("invalid default parameters: they must be at most 4096 bytes of RON, without control characters");
    }
    if classifiers.problem().is_some() {
        panic!("invalid classifiers");
    }
    StrategyDescriptor {
        name: RStr::from_static(name),
        description: RStr::from_static(description),
        default_params: RStr::from_static(default_params),
        classifiers,
        vtable,
    }
}

/// # Safety
/// Both strings must point to `len` readable bytes.
const unsafe fn same_text(a: RStr, b: RStr) -> bool {
    if a.len != b.len {
        return false;
    }
    let mut i = 0;
    while i < a.len {
        // SAFETY: upheld by the caller.
        if unsafe { *a.ptr.add(i) != *b.ptr.add(i) } {
            return false;
        }
        i += 1;
    }
    true
}

/// Checks a whole plugin when its header constant is evaluated: its name and version, the
/// number of strategies, and that no display name is exported twice.
///
/// # Safety
/// Every descriptor's name must point to `len` readable bytes (descriptors made by
/// [`descriptor`] do).
pub const unsafe fn check_plugin(name: &str, version: &str, strategies: &[StrategyDescriptor]) {
    if name_problem(name).is_some() {
        panic!("invalid plugin name: it must be 1 to 200 bytes of printable characters, without leading or trailing spaces");
    }
    if name_problem(version).is_some() {
        panic!("invalid plugin version: it must be 1 to 200 bytes of printable characters, without leading or trailing spaces");
    }
    if strategies.len() > MAX_STRATEGIES {
        panic!("a plugin exports at most 4096 strategies");
    }
    let mut i = 0;
    while i < strategies.len() {
        let mut j = i + 1;
        while j < strategies.len() {
            // SAFETY: upheld by the caller.
            if unsafe { same_text(strategies[i].name, strategies[j].name) } {
                panic!("two strategies of this plugin have the same display name");
            }
            j += 1;
        }
        i += 1;
    }
}

/// A descriptor with no strategy behind it: the filler `concat` starts from.
const EMPTY: StrategyDescriptor = StrategyDescriptor {
    name: RStr::from_static(""),
    description: RStr::from_static(""),
    default_params: RStr::from_static(""),
    classifiers: Classifiers::new(None, false, 0),
    vtable: std::ptr::null(),
};

/// Total length of several descriptor lists (for the array type `concat` fills).
pub const fn total_len(parts: &[&[StrategyDescriptor]]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

/// Joins several descriptor lists into one array at compile time, so each family module of a
/// large plugin can keep its own list.
pub const fn concat<const N: usize>(parts: &[&[StrategyDescriptor]]) -> [StrategyDescriptor; N] {
    let mut out = [EMPTY; N];
    let mut k = 0;
    let mut i = 0;
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[k] = parts[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(k == N, "descriptor count mismatch");
    out
}

/// Builds a `&'static [StrategyDescriptor]` from a list of strategy entries, for
/// [`export_plugin!`](crate::export_plugin)'s `families:` form. Each entry names a type that
/// implements [`Strategy`] and its display name, description, default parameters (RON) and
/// classifiers. List a type several times to export presets.
///
/// ```
/// # use vertrouwen_plugins_api::{strategy_exports, abi::StrategyDescriptor, Strategy, History, MatchContext, Move, Rng};
/// # pub struct Cycle;
/// # impl Strategy for Cycle {
/// #     fn create(_: &str) -> Result<Self, String> { Ok(Cycle) }
/// #     fn reset(&mut self, _: &MatchContext) {}
/// #     fn decide(&mut self, h: &History<'_>, _: &mut Rng) -> Move { Move::defect_if(h.len() % 3 == 2) }
/// # }
/// pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
///     Cycle {
///         name: "Cycler CCD",
///         description: "Plays C, C, D over and over.",
///         params: "(cycle: \"CCD\")",
///         memory_depth: Some(2),
///         stochastic: false,
///         makes_use_of: [],
///     },
/// ];
/// assert_eq!(EXPORTS.len(), 1);
/// ```
#[macro_export]
macro_rules! strategy_exports {
    (
        $(
            $ty:ty {
                name: $name:expr,
                description: $description:expr,
                params: $params:expr,
                memory_depth: $memory:expr,
                stochastic: $stochastic:expr,
                makes_use_of: [$($uses:ident),* $(,)?] $(,)?
            }
        ),* $(,)?
    ) => {
        &[
            $(
                $crate::export::descriptor(
                    $name,
                    $description,
                    $params,
                    $crate::abi::Classifiers::new(
                        $memory,
                        $stochastic,
                        0 $(| $crate::export::uses::$uses)*,
                    ),
                    &$crate::export::Glue::<$ty>::VTABLE,
                )
            ),*
        ]
    };
}

/// Exports strategies from a plugin crate: builds the header and defines both
/// `pub fn plugin_header() -> &'static PluginHeader` (for linking the crate statically) and the
/// entry symbol `vertrouwen_plugin_v2` (for loading it as a `cdylib`). Use it once per crate, at
/// the crate root.
///
/// Two forms: `strategies: [ Type { name: .., description: .., params: .., memory_depth: ..,
/// stochastic: .., makes_use_of: [..] }, .. ]` lists entries directly (see the crate
/// documentation); `families: [module::EXPORTS, ..]` joins lists made with
/// [`strategy_exports!`](crate::strategy_exports), for plugins organised in modules.
/// A type may be listed several times under different names and default parameters: that is
/// how presets such as "Cycler CCD" are exported.
#[macro_export]
macro_rules! export_plugin {
    (
        plugin: $plugin:expr,
        version: $version:expr,
        strategies: [ $($entries:tt)* ] $(,)?
    ) => {
        $crate::export_plugin! {
            plugin: $plugin,
            version: $version,
            families: [ $crate::strategy_exports![ $($entries)* ] ],
        }
    };
    (
        plugin: $plugin:expr,
        version: $version:expr,
        families: [ $($family:expr),* $(,)? ] $(,)?
    ) => {
        const __VERTROUWEN_FAMILIES: &[&[$crate::abi::StrategyDescriptor]] = &[ $($family),* ];
        const __VERTROUWEN_COUNT: usize = $crate::export::total_len(__VERTROUWEN_FAMILIES);
        const __VERTROUWEN_DESCRIPTORS: &[$crate::abi::StrategyDescriptor; __VERTROUWEN_COUNT] =
            &$crate::export::concat::<__VERTROUWEN_COUNT>(__VERTROUWEN_FAMILIES);

        // SAFETY: the descriptors were made by `strategy_exports!` from string literals.
        const _: () = unsafe {
            $crate::export::check_plugin($plugin, $version, __VERTROUWEN_DESCRIPTORS)
        };

        static __VERTROUWEN_HEADER: $crate::export::StaticHeader = $crate::export::StaticHeader(
            // `cfg!` is evaluated here, in the plugin crate, with the panic strategy it is built
            // with.
            $crate::abi::PluginHeader::new(
                $plugin,
                $version,
                __VERTROUWEN_DESCRIPTORS,
                cfg!(panic = "unwind"),
            ),
        );

        /// This crate's plugin header, for engines that link the crate statically.
        pub fn plugin_header() -> &'static $crate::abi::PluginHeader {
            &__VERTROUWEN_HEADER.0
        }

        /// This crate's strategies, for engines that link the crate statically.
        pub fn plugin_library() -> $crate::export::StaticPlugin {
            // SAFETY: the header was built just above by `export_plugin!` from string literals
            // and the `'static` vtables of `Glue`.
            unsafe { $crate::export::StaticPlugin::new(&__VERTROUWEN_HEADER.0) }
        }

        /// The ABI v2 entry symbol, resolved by engines that load this crate as a `cdylib`.
        // SAFETY: the symbol name is unique to this ABI version and the function has the
        // `EntryFn` signature the engine expects; it only returns a pointer to a static.
        #[unsafe(no_mangle)]
        pub extern "C" fn vertrouwen_plugin_v2() -> *const $crate::abi::PluginHeader {
            &__VERTROUWEN_HEADER.0
        }
    };
}
