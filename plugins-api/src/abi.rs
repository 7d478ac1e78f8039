//! The types that cross the plugin boundary. Everything here is `#[repr(C)]`, plain data or an
//! `extern "C"` function pointer.
//!
//! ## Invariants of ABI version 2
//! - The engine resolves exactly one symbol, [`ENTRY_SYMBOL`] (`vertrouwen_plugin_v2`). An
//!   incompatible ABI exports another name (`vertrouwen_plugin_v3`, ...), so an engine never calls
//!   a plugin through a signature it does not know.
//! - The entry function returns a pointer to a [`PluginHeader`] with `'static` lifetime. Its first
//!   fields (`magic`, `abi_major`, `abi_minor`, `header_size`) keep their place in every version,
//!   so any engine can read them before trusting anything else.
//! - All strings are borrowed UTF-8 ([`RStr`]) with `'static` lifetime: libraries are never
//!   unloaded, so descriptors outlive every use. Names are at most [`MAX_NAME_LEN`] bytes,
//!   descriptions and default parameters at most [`MAX_TEXT_LEN`], and none of them contains a
//!   control character; a plugin exports at most [`MAX_STRATEGIES`] strategies.
//! - Moves are bytes: 0 = cooperate, 1 = defect. History arrays the engine passes contain only
//!   these two values.
//! - A plugin never frees engine memory and the engine never frees plugin memory: instances are
//!   created and destroyed through the vtable.
//! - The header says how the plugin was built: [`FLAG_PANIC_UNWIND`] is set when panics unwind
//!   (and so can be caught by the export glue). A plugin built with `panic = "abort"` would take
//!   the whole engine down with its first panic; engines run such plugins only isolated.
//!
//! ## Minor versions
//! A minor version adds to the ABI without breaking plugins or engines of the same major
//! version. The boundary structs are of two kinds:
//! - **Lent by the engine** ([`MatchInfo`], [`HistoryView`], [`MessageBuf`], [`RngState`],
//!   [`Classifiers`], which the plugin writes into engine memory, and the [`Payoffs`] and
//!   [`RStr`] inside them): frozen for the whole major version. A plugin cannot tell which
//!   engine lends them, so they never change.
//! - **Provided by the plugin** ([`PluginHeader`], [`StrategyDescriptor`], [`StrategyVTable`]): a
//!   minor version may append fields at their end, never change or remove one. The header
//!   records the size of each as the plugin was compiled. An engine reads the prefix it knows
//!   (stepping through the descriptor array by the recorded descriptor size) and ignores the
//!   rest, so a plugin of a newer minor version loads in an older engine; a newer engine treats
//!   fields beyond an older plugin's recorded sizes as absent. An appended field must therefore
//!   be optional to honour: a strategy plays correctly with an engine that ignores it.
//!
//! The [`LAYOUT_HASH`] covers the frozen structs whole and the version-2.0 fields of the growable
//! ones, so it is the same for every minor version of major version 2. It is computed from the
//! real types (sizes, alignments and field offsets measured by the compiler, with field names
//! and their types as written), so any reordering, resizing or retyping of a boundary field
//! changes it: a plugin built against an altered copy of this crate is refused.

use std::ffi::c_void;
use std::mem::size_of;

/// Incompatible changes bump the major version, and with it the entry symbol's name.
pub const ABI_MAJOR: u32 = 2;
/// Backwards-compatible additions (fields appended to the structs a plugin provides) bump the
/// minor version; see the module documentation.
pub const ABI_MINOR: u32 = 0;
/// The first eight bytes of every header: `"VRTRWN"` followed by two marker bytes.
pub const MAGIC: u64 = u64::from_le_bytes(*b"VRTRWN\x01\xAB");
/// The exported entry symbol of ABI major version 2 (without the trailing NUL).
pub const ENTRY_SYMBOL: &str = "vertrouwen_plugin_v2";
/// The prefix every ABI's entry symbol shares; the major version follows it.
pub const ENTRY_SYMBOL_PREFIX: &str = "vertrouwen_plugin_v";

/// [`PluginHeader::flags`] bit: the plugin was built with `panic = "unwind"`, so the export glue
/// catches its panics. Without it a panic aborts the process the plugin runs in.
pub const FLAG_PANIC_UNWIND: u32 = 1;
/// Every flag this version defines; other bits must be zero.
pub const KNOWN_FLAGS: u32 = FLAG_PANIC_UNWIND;

/// The most strategies one plugin may export.
pub const MAX_STRATEGIES: usize = 4096;
/// The longest strategy display name, plugin name or plugin version, in bytes of UTF-8.
pub const MAX_NAME_LEN: usize = 200;
/// The longest description or default-parameter text, in bytes of UTF-8.
pub const MAX_TEXT_LEN: usize = 4096;

/// Return value of the vtable functions that can fail: success.
pub const STATUS_OK: u32 = 0;
/// Return value of the vtable functions that can fail: failure; the message buffer holds the
/// reason.
pub const STATUS_ERROR: u32 = 1;

/// Byte returned by [`StrategyVTable::decide`]: cooperate.
pub const DECIDE_COOPERATE: u8 = 0;
/// Byte returned by [`StrategyVTable::decide`]: defect.
pub const DECIDE_DEFECT: u8 = 1;
/// Byte returned by [`StrategyVTable::decide`]: the strategy failed (it panicked); ask
/// [`StrategyVTable::last_error`] for the message.
pub const DECIDE_ERROR: u8 = 0xFF;

/// [`Classifiers::memory_depth`] value meaning "unbounded".
pub const MEMORY_UNBOUNDED: i64 = -1;
/// [`Classifiers::makes_use_of`] bit: the strategy reads the match length.
pub const USES_LENGTH: u32 = 1;
/// [`Classifiers::makes_use_of`] bit: the strategy reads the game's payoffs.
pub const USES_GAME: u32 = 2;
/// [`MatchInfo::length`] value meaning "the match length is not known in advance".
pub const LENGTH_UNKNOWN: u64 = u64::MAX;

/// A borrowed UTF-8 string: pointer and length, no terminator.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RStr {
    /// Start of the bytes (dangling but non-null when `len` is 0).
    pub ptr: *const u8,
    /// Length in bytes.
    pub len: usize,
}

impl RStr {
    /// Borrows a static string.
    pub const fn from_static(s: &'static str) -> Self {
        RStr {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    /// Borrows any string for the duration of one call.
    pub fn borrowed(s: &str) -> Self {
        RStr {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }
}

/// The four payoffs of a symmetric 2x2 game, from the row player's point of view:
/// reward (C,C), sucker (C,D), temptation (D,C), punishment (D,D).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Payoffs {
    /// Reward: each player's payoff when both cooperate.
    pub r: f64,
    /// Sucker's payoff: cooperating against a defector.
    pub s: f64,
    /// Temptation: defecting against a cooperator.
    pub t: f64,
    /// Punishment: each player's payoff when both defect.
    pub p: f64,
}

impl Payoffs {
    /// The standard prisoner's dilemma, R=3, S=0, T=5, P=1 (Axelrod 1980).
    pub const STANDARD: Payoffs = Payoffs {
        r: 3.0,
        s: 0.0,
        t: 5.0,
        p: 1.0,
    };
}

/// What a strategy declares about itself; Axelrod-Python's classifiers of the same names.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classifiers {
    /// How many past turns the decision depends on, or [`MEMORY_UNBOUNDED`].
    pub memory_depth: i64,
    /// 1 if the strategy draws from its random generator, 0 otherwise.
    pub stochastic: u8,
    /// Bit set of [`USES_LENGTH`] and [`USES_GAME`].
    pub makes_use_of: u32,
}

impl Classifiers {
    /// Builds classifiers; `memory_depth: None` means unbounded.
    pub const fn new(memory_depth: Option<u32>, stochastic: bool, makes_use_of: u32) -> Self {
        Classifiers {
            memory_depth: match memory_depth {
                Some(d) => d as i64,
                None => MEMORY_UNBOUNDED,
            },
            stochastic: stochastic as u8,
            makes_use_of,
        }
    }

    /// The declared memory depth, `None` when unbounded.
    pub fn memory(&self) -> Option<u32> {
        u32::try_from(self.memory_depth).ok()
    }

    /// Whether the moves may depend on random draws.
    pub fn is_stochastic(&self) -> bool {
        self.stochastic != 0
    }

    /// Whether the strategy reads the announced match length.
    pub fn uses_length(&self) -> bool {
        self.makes_use_of & USES_LENGTH != 0
    }

    /// Whether the strategy reads the payoffs.
    pub fn uses_game(&self) -> bool {
        self.makes_use_of & USES_GAME != 0
    }

    /// What is wrong with these values, if anything: a memory depth below
    /// [`MEMORY_UNBOUNDED`] or beyond `u32`, a `stochastic` byte other than 0 or 1, or unknown
    /// `makes_use_of` bits.
    pub const fn problem(&self) -> Option<&'static str> {
        if self.memory_depth < MEMORY_UNBOUNDED || self.memory_depth > u32::MAX as i64 {
            Some("memory depth must be -1 (unbounded) or between 0 and 4294967295")
        } else if self.stochastic > 1 {
            Some("`stochastic` must be 0 or 1")
        } else if self.makes_use_of & !(USES_LENGTH | USES_GAME) != 0 {
            Some("`makes_use_of` has bits other than length (1) and game (2)")
        } else {
            None
        }
    }
}

/// What a strategy is told when a match starts.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MatchInfo {
    /// Number of turns if fixed and known, else [`LENGTH_UNKNOWN`].
    pub length: u64,
    /// Probability that each intended move is flipped.
    pub noise: f64,
    /// The payoffs of this match.
    pub game: Payoffs,
    /// A seed for strategies that want one at reset time; per-turn randomness should come
    /// from the generator passed to `decide`.
    pub seed: u64,
}

/// Both histories as played so far (after noise), borrowed from the engine for one call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HistoryView {
    /// `len` moves of the deciding player, oldest first.
    pub own: *const u8,
    /// `len` moves of the opponent, oldest first.
    pub opponent: *const u8,
    /// Turns played so far: the length of both arrays.
    pub len: usize,
    /// Number of `1` (defect) bytes in `own`.
    pub own_defections: usize,
    /// Number of `1` (defect) bytes in `opponent`.
    pub opponent_defections: usize,
}

/// A writable buffer the engine lends for an error message. The plugin writes at most `cap`
/// bytes of UTF-8 (truncating at a character boundary) and stores the count in `len`.
#[repr(C)]
#[derive(Debug)]
pub struct MessageBuf {
    /// Start of the writable bytes.
    pub ptr: *mut u8,
    /// Capacity in bytes: the plugin writes at most this many.
    pub cap: usize,
    /// Bytes written, set by the plugin.
    pub len: usize,
}

/// The engine-owned random state; the generator itself is [`crate::Rng`].
pub type RngState = crate::Rng;

/// Per-strategy function table. All functions are safe to call with the pointers the engine
/// documents here; none of them unwinds (the export glue catches panics).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct StrategyVTable {
    /// Creates an instance from parameter text (RON). On success writes the instance pointer
    /// to `out` and returns [`STATUS_OK`]; on failure writes a message to `err`.
    pub create:
        unsafe extern "C" fn(params: RStr, out: *mut *mut c_void, err: *mut MessageBuf) -> u32,
    /// Destroys an instance created by `create`.
    pub destroy: unsafe extern "C" fn(instance: *mut c_void),
    /// Writes the classifiers of this instance (they may depend on its parameters) over the
    /// descriptor's, which `out` holds on entry; leaves `out` alone when the instance has no
    /// classifiers of its own. Returns [`STATUS_ERROR`] with a message in `err` if it failed.
    pub classifiers: unsafe extern "C" fn(
        instance: *const c_void,
        out: *mut Classifiers,
        err: *mut MessageBuf,
    ) -> u32,
    /// Prepares the instance for a new match.
    pub reset: unsafe extern "C" fn(
        instance: *mut c_void,
        info: *const MatchInfo,
        err: *mut MessageBuf,
    ) -> u32,
    /// Decides the next move: [`DECIDE_COOPERATE`], [`DECIDE_DEFECT`] or [`DECIDE_ERROR`].
    /// Called exactly once per turn.
    pub decide: unsafe extern "C" fn(
        instance: *mut c_void,
        history: *const HistoryView,
        rng: *mut RngState,
    ) -> u8,
    /// Copies the message of the last failure into `err`.
    pub last_error: unsafe extern "C" fn(instance: *const c_void, err: *mut MessageBuf),
}

/// One exported strategy (or one preset of a parameterised strategy).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct StrategyDescriptor {
    /// Display name, unique among everything the engine has loaded.
    pub name: RStr,
    /// One-paragraph description shown by `vertrouwen strategies`.
    pub description: RStr,
    /// Default parameters as RON text, passed to `create` when the user gives none.
    pub default_params: RStr,
    /// Classifiers of the default parameters.
    pub classifiers: Classifiers,
    /// The functions that create and drive instances of this strategy.
    pub vtable: *const StrategyVTable,
}

/// What the entry symbol returns.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct PluginHeader {
    /// Always [`MAGIC`].
    pub magic: u64,
    /// [`ABI_MAJOR`] as the plugin was compiled: must equal the engine's.
    pub abi_major: u32,
    /// [`ABI_MINOR`] as the plugin was compiled: may differ; the engine reads the fields both know.
    pub abi_minor: u32,
    /// `size_of` of the header, descriptor and vtable as the plugin was compiled (they may grow
    /// in later minor versions), and of the structs the engine lends (which never change
    /// within a major version).
    pub header_size: u32,
    /// `size_of::<StrategyDescriptor>()` as the plugin was compiled.
    pub descriptor_size: u32,
    /// `size_of::<StrategyVTable>()` as the plugin was compiled.
    pub vtable_size: u32,
    /// `size_of::<MatchInfo>()` as the plugin was compiled.
    pub match_info_size: u32,
    /// `size_of::<HistoryView>()` as the plugin was compiled.
    pub history_view_size: u32,
    /// `size_of::<RngState>()` as the plugin was compiled.
    pub rng_size: u32,
    /// Bit set of `FLAG_*` values ([`FLAG_PANIC_UNWIND`]).
    pub flags: u32,
    /// [`LAYOUT_HASH`] as the plugin was compiled.
    pub layout_hash: u64,
    /// The plugin's name, shown beside its strategies.
    pub plugin_name: RStr,
    /// The plugin's version text.
    pub plugin_version: RStr,
    /// `strategy_count` descriptors, `descriptor_size` bytes apart.
    pub strategies: *const StrategyDescriptor,
    /// Number of strategy descriptors.
    pub strategy_count: usize,
}

/// Signature of the entry symbol.
pub type EntryFn = unsafe extern "C" fn() -> *const PluginHeader;

mod layout;
pub use layout::LAYOUT_HASH;
pub(crate) use layout::{describe, mix_number, mix_text};

// ---------------------------------------------------------------------------------------------
// Names and texts
// ---------------------------------------------------------------------------------------------

/// Decodes the character starting at byte `i` of valid UTF-8; returns it and the next index.
const fn char_at(bytes: &[u8], i: usize) -> (u32, usize) {
    let b = bytes[i] as u32;
    if b < 0x80 {
        (b, i + 1)
    } else if b < 0xE0 {
        (((b & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F), i + 2)
    } else if b < 0xF0 {
        (
            ((b & 0x0F) << 12) | ((bytes[i + 1] as u32 & 0x3F) << 6) | (bytes[i + 2] as u32 & 0x3F),
            i + 3,
        )
    } else {
        (
            ((b & 0x07) << 18)
                | ((bytes[i + 1] as u32 & 0x3F) << 12)
                | ((bytes[i + 2] as u32 & 0x3F) << 6)
                | (bytes[i + 3] as u32 & 0x3F),
            i + 4,
        )
    }
}

/// Control characters (C0, DEL, C1) and the invisible formatting characters that reorder or
/// hide text on a terminal (bidirectional overrides and isolates, zero-width marks).
const fn is_unprintable(c: u32) -> bool {
    c < 0x20
        || (c >= 0x7F && c <= 0x9F)
        || c == 0x061C
        || (c >= 0x200B && c <= 0x200F)
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2060 && c <= 0x2069)
        || c == 0xFEFF
}

/// What is wrong with `text` as a free text of at most `max` bytes (a description or default
/// parameters), if anything, as a predicate ("is too long").
pub const fn text_problem(text: &str, max: usize) -> Option<&'static str> {
    let bytes = text.as_bytes();
    if bytes.len() > max {
        return Some("is too long");
    }
    let mut i = 0;
    while i < bytes.len() {
        let (c, next) = char_at(bytes, i);
        if is_unprintable(c) {
            return Some("contains a control or invisible formatting character");
        }
        i = next;
    }
    None
}

/// What is wrong with `name` as a display name, plugin name or version, if anything: it must be
/// 1 to [`MAX_NAME_LEN`] bytes of printable characters without leading or trailing spaces.
pub const fn name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("is empty");
    }
    if bytes[0] == b' ' || bytes[bytes.len() - 1] == b' ' {
        return Some("starts or ends with a space");
    }
    text_problem(name, MAX_NAME_LEN)
}

impl PluginHeader {
    /// A header describing this build of the ABI. `panic_unwind` must be
    /// `cfg!(panic = "unwind")` as evaluated in the plugin crate (the export macro passes it).
    pub const fn new(
        plugin_name: &'static str,
        plugin_version: &'static str,
        strategies: &'static [StrategyDescriptor],
        panic_unwind: bool,
    ) -> Self {
        PluginHeader {
            magic: MAGIC,
            abi_major: ABI_MAJOR,
            abi_minor: ABI_MINOR,
            header_size: size_of::<PluginHeader>() as u32,
            descriptor_size: size_of::<StrategyDescriptor>() as u32,
            vtable_size: size_of::<StrategyVTable>() as u32,
            match_info_size: size_of::<MatchInfo>() as u32,
            history_view_size: size_of::<HistoryView>() as u32,
            rng_size: size_of::<RngState>() as u32,
            flags: if panic_unwind { FLAG_PANIC_UNWIND } else { 0 },
            layout_hash: LAYOUT_HASH,
            plugin_name: RStr::from_static(plugin_name),
            plugin_version: RStr::from_static(plugin_version),
            strategies: strategies.as_ptr(),
            strategy_count: strategies.len(),
        }
    }

    /// Whether the plugin was built with `panic = "unwind"`.
    pub fn panics_unwind(&self) -> bool {
        self.flags & FLAG_PANIC_UNWIND != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_spells_the_project() {
        assert_eq!(&MAGIC.to_le_bytes()[..6], b"VRTRWN");
    }

    #[test]
    fn boundary_sizes_on_64_bit() {
        #[cfg(target_pointer_width = "64")]
        {
            assert_eq!(size_of::<RStr>(), 16);
            assert_eq!(size_of::<Payoffs>(), 32);
            assert_eq!(size_of::<Classifiers>(), 16);
            assert_eq!(size_of::<MatchInfo>(), 56);
            assert_eq!(size_of::<HistoryView>(), 40);
            assert_eq!(size_of::<StrategyVTable>(), 48);
            assert_eq!(size_of::<StrategyDescriptor>(), 72);
            assert_eq!(size_of::<PluginHeader>(), 104);
        }
    }

    #[test]
    fn classifiers_round_trip_and_validate() {
        let c = Classifiers::new(Some(3), true, USES_GAME);
        assert_eq!(c.memory(), Some(3));
        assert!(c.is_stochastic() && c.uses_game() && !c.uses_length());
        assert_eq!(Classifiers::new(None, false, 0).memory(), None);
        assert_eq!(c.problem(), None);
        let bad = |memory_depth, stochastic, makes_use_of| {
            Classifiers {
                memory_depth,
                stochastic,
                makes_use_of,
            }
            .problem()
            .is_some()
        };
        assert!(bad(-2, 0, 0) && bad(1 << 40, 0, 0) && bad(0, 2, 0) && bad(0, 0, 4));
    }

    #[test]
    fn names_must_be_printable_and_bounded() {
        assert_eq!(name_problem("Tit For Tat"), None);
        assert_eq!(name_problem("Ünïcødé ok"), None);
        assert_eq!(name_problem(""), Some("is empty"));
        assert_eq!(name_problem(" Padded"), Some("starts or ends with a space"));
        for evil in [
            "a\nb",
            "a\0b",
            "bell\x07",
            "esc\x1b[2J",
            "c1\u{85}",
            "rtl\u{202E}x",
        ] {
            assert!(name_problem(evil).is_some(), "{evil:?}");
        }
        assert_eq!(name_problem(&"x".repeat(MAX_NAME_LEN)), None);
        assert_eq!(
            name_problem(&"x".repeat(MAX_NAME_LEN + 1)),
            Some("is too long")
        );
        assert!(text_problem("two\nlines", MAX_TEXT_LEN).is_some());
    }
}
