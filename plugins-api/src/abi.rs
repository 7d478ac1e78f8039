//! The types that cross the plugin boundary. Everything here is `#[repr(C)]`, plain data or an
//! `extern "C"` function pointer.
//!
//! ## Invariants of ABI version 1
//! - The engine resolves exactly one symbol, [`ENTRY_SYMBOL`] (`vertrouwen_plugin_v1`). A future
//!   incompatible ABI exports `vertrouwen_plugin_v2`, so an old engine never calls a new plugin
//!   through a wrong signature.
//! - The entry function returns a pointer to a [`PluginHeader`] with `'static` lifetime. Its first
//!   two fields (`magic`, then `abi_major` and `abi_minor`) keep their place in every version, so
//!   any engine can read them before trusting anything else.
//! - All strings are borrowed UTF-8 ([`RStr`]) with `'static` lifetime: libraries are never
//!   unloaded, so descriptors outlive every use.
//! - Moves are bytes: 0 = cooperate, 1 = defect. History arrays the engine passes contain only
//!   these two values.
//! - A plugin never frees engine memory and the engine never frees plugin memory: instances are
//!   created and destroyed through the vtable.
//! - Minor versions only append: new fields go at the end of a struct whose size the header
//!   records, so the engine can tell which fields a plugin knows.

use std::ffi::c_void;

/// Incompatible changes bump the major version, and with it the entry symbol's name.
pub const ABI_MAJOR: u32 = 1;
/// Backwards-compatible additions bump the minor version.
pub const ABI_MINOR: u32 = 0;
/// The first eight bytes of every header: `"VRTRWN"` followed by two marker bytes.
pub const MAGIC: u64 = u64::from_le_bytes(*b"VRTRWN\x01\xAB");
/// The exported entry symbol of ABI major version 1 (without the trailing NUL).
pub const ENTRY_SYMBOL: &str = "vertrouwen_plugin_v1";
/// The prefix every ABI's entry symbol shares; the major version follows it.
pub const ENTRY_SYMBOL_PREFIX: &str = "vertrouwen_plugin_v";

/// Return value of [`StrategyVTable::create`] and [`StrategyVTable::reset`]: success.
pub const STATUS_OK: u32 = 0;
/// Return value of [`StrategyVTable::create`] and [`StrategyVTable::reset`]: failure; the
/// message buffer holds the reason.
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
    pub ptr: *const u8,
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
    pub r: f64,
    pub s: f64,
    pub t: f64,
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

    pub fn is_stochastic(&self) -> bool {
        self.stochastic != 0
    }

    pub fn uses_length(&self) -> bool {
        self.makes_use_of & USES_LENGTH != 0
    }

    pub fn uses_game(&self) -> bool {
        self.makes_use_of & USES_GAME != 0
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
    pub ptr: *mut u8,
    pub cap: usize,
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
    /// Writes the classifiers of this instance (they may depend on its parameters).
    pub classifiers: unsafe extern "C" fn(instance: *const c_void, out: *mut Classifiers),
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
    pub description: RStr,
    /// Default parameters as RON text, passed to `create` when the user gives none.
    pub default_params: RStr,
    /// Classifiers of the default parameters.
    pub classifiers: Classifiers,
    pub vtable: *const StrategyVTable,
}

/// What the entry symbol returns.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct PluginHeader {
    /// Always [`MAGIC`].
    pub magic: u64,
    pub abi_major: u32,
    pub abi_minor: u32,
    /// `size_of` of the header, descriptor, vtable, match info and history view as the plugin
    /// was compiled: catches mismatched builds even when the hash was forged or stale.
    pub header_size: u32,
    pub descriptor_size: u32,
    pub vtable_size: u32,
    pub match_info_size: u32,
    pub history_view_size: u32,
    pub rng_size: u32,
    /// [`LAYOUT_HASH`] as the plugin was compiled.
    pub layout_hash: u64,
    pub plugin_name: RStr,
    pub plugin_version: RStr,
    pub strategies: *const StrategyDescriptor,
    pub strategy_count: usize,
}

/// Signature of the entry symbol.
pub type EntryFn = unsafe extern "C" fn() -> *const PluginHeader;

/// A textual description of every boundary type, field by field. Its hash is the layout hash:
/// editing any boundary type without editing this text fails the size checks, and editing this
/// text changes the hash, so plugins built against a different layout are refused.
const LAYOUT_SIGNATURE: &str = "vertrouwen-abi-1;\
RStr{ptr:*u8,len:usize};\
Payoffs{r:f64,s:f64,t:f64,p:f64};\
Classifiers{memory_depth:i64,stochastic:u8,makes_use_of:u32};\
MatchInfo{length:u64,noise:f64,game:Payoffs,seed:u64};\
HistoryView{own:*u8,opponent:*u8,len:usize,own_defections:usize,opponent_defections:usize};\
MessageBuf{ptr:*mut u8,cap:usize,len:usize};\
Rng{s:[u64;4]:xoshiro256++};\
StrategyVTable{create,destroy,classifiers,reset,decide,last_error};\
StrategyDescriptor{name,description,default_params,classifiers,vtable};\
PluginHeader{magic,abi_major,abi_minor,header_size,descriptor_size,vtable_size,match_info_size,history_view_size,rng_size,layout_hash,plugin_name,plugin_version,strategies,strategy_count}";

const fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        i += 1;
    }
    hash
}

const fn mix_size(hash: u64, size: usize) -> u64 {
    fnv1a(&(size as u64).to_le_bytes(), hash)
}

/// FNV-1a of [`LAYOUT_SIGNATURE`] and the pointer width.
pub const LAYOUT_HASH: u64 = mix_size(
    fnv1a(LAYOUT_SIGNATURE.as_bytes(), 0xcbf2_9ce4_8422_2325),
    std::mem::size_of::<usize>(),
);

impl PluginHeader {
    /// A header describing this build of the ABI, for `strategy_count` descriptors.
    pub const fn new(
        plugin_name: &'static str,
        plugin_version: &'static str,
        strategies: &'static [StrategyDescriptor],
    ) -> Self {
        PluginHeader {
            magic: MAGIC,
            abi_major: ABI_MAJOR,
            abi_minor: ABI_MINOR,
            header_size: std::mem::size_of::<PluginHeader>() as u32,
            descriptor_size: std::mem::size_of::<StrategyDescriptor>() as u32,
            vtable_size: std::mem::size_of::<StrategyVTable>() as u32,
            match_info_size: std::mem::size_of::<MatchInfo>() as u32,
            history_view_size: std::mem::size_of::<HistoryView>() as u32,
            rng_size: std::mem::size_of::<RngState>() as u32,
            layout_hash: LAYOUT_HASH,
            plugin_name: RStr::from_static(plugin_name),
            plugin_version: RStr::from_static(plugin_version),
            strategies: strategies.as_ptr(),
            strategy_count: strategies.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_spells_the_project() {
        assert_eq!(&MAGIC.to_le_bytes()[..6], b"VRTRWN");
    }

    /// Pinned: changing any boundary type must be a conscious decision that also updates this
    /// value (and, if incompatible, bumps ABI_MAJOR).
    #[test]
    fn layout_hash_is_pinned() {
        #[cfg(target_pointer_width = "64")]
        assert_eq!(LAYOUT_HASH, 0x6bc8_9668_f24c_30cd, "got {LAYOUT_HASH:#x}");
    }

    #[test]
    fn boundary_sizes_on_64_bit() {
        #[cfg(target_pointer_width = "64")]
        {
            assert_eq!(std::mem::size_of::<RStr>(), 16);
            assert_eq!(std::mem::size_of::<Payoffs>(), 32);
            assert_eq!(std::mem::size_of::<Classifiers>(), 16);
            assert_eq!(std::mem::size_of::<MatchInfo>(), 56);
            assert_eq!(std::mem::size_of::<HistoryView>(), 40);
            assert_eq!(std::mem::size_of::<StrategyVTable>(), 48);
            assert_eq!(std::mem::size_of::<StrategyDescriptor>(), 72);
        }
    }

    #[test]
    fn classifiers_round_trip() {
        let c = Classifiers::new(Some(3), true, USES_GAME);
        assert_eq!(c.memory(), Some(3));
        assert!(c.is_stochastic() && c.uses_game() && !c.uses_length());
        assert_eq!(Classifiers::new(None, false, 0).memory(), None);
    }
}
