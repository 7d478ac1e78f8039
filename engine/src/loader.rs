//! The only module that touches the plugin ABI: it opens shared libraries, validates their
//! headers, and wraps strategy instances in a safe [`Instance`].
//!
//! Built-in strategies (linked statically) and loaded plugins go through the same header checks
//! ([`read_header`]) and the same [`Instance`], so both paths run exactly the same code.
//!
//! - [`open`]: finding the library (an explicit path, never searched) and its entry symbol.
//! - [`header`]: validating a header and copying what it exports.
//! - [`memory`]: where a loaded library lives, to check every pointer of its header.
//!
//! Invariants:
//! - Libraries are never unloaded (the handle is leaked), so every `'static` borrow of a
//!   header, descriptor, string or vtable stays valid for the life of the process.
//! - Every header is validated (magic, ABI version, struct sizes, layout hash, counts, every
//!   pointer against the library's image, every text) before any function pointer in it is
//!   called. A plugin built with `panic = "abort"` is refused in-process.
//! - Histories lent to `decide` contain only the bytes 0 and 1 (they are `Move`s).

mod header;
mod memory;
mod open;

use std::ffi::c_void;
use std::path::PathBuf;
use std::ptr::NonNull;
use std::sync::Arc;

use thiserror::Error;

use crate::fault::Fault;
use crate::sandbox::IsolatedPlugin;
use vertrouwen_plugins_api::abi::{
    HistoryView, MessageBuf, RStr, StrategyVTable, DECIDE_COOPERATE, DECIDE_DEFECT, DECIDE_ERROR,
    STATUS_OK,
};
use vertrouwen_plugins_api::{Classifiers, MatchContext, Move, Rng};

pub use header::{read_header, read_static};
pub use open::{load_plugin, permit_abort_on_panic};

/// Where a strategy came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrategySource {
    /// Linked into this binary.
    Builtin,
    /// Loaded from this shared library.
    Plugin(PathBuf),
}

impl std::fmt::Display for StrategySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StrategySource::Builtin => f.write_str("builtin"),
            StrategySource::Plugin(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A plugin that could not be loaded. Every message is one line naming the file, what was
/// expected, what was found and how to fix it.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error("{path}: cannot load as a shared library: {reason}; expected a strategy plugin built with `crate-type = [\"cdylib\"]`")]
    NotALibrary { path: String, reason: String },
    #[error("{path}: not a Vertrouwen plugin: it exports no `{expected}` symbol; add `vertrouwen_plugins_api::export_plugin!{{..}}` to the plugin's crate root and build it as a cdylib")]
    MissingEntry {
        path: String,
        expected: &'static str,
    },
    #[error("{path}: built for plugin ABI {found} (it exports `{symbol}`), but this engine speaks ABI {expected}; rebuild the plugin against vertrouwen-plugins-api {expected}.x")]
    AbiMajor {
        path: String,
        expected: u32,
        found: u32,
        symbol: String,
    },
    #[error("{path}: `{symbol}` returned a header with magic {found:#018x} instead of {:#018x}; is the library built with vertrouwen-plugins-api?", vertrouwen_plugins_api::abi::MAGIC)]
    BadMagic {
        path: String,
        symbol: String,
        found: u64,
    },
    #[error("{path}: `{symbol}` returned a header of plugin ABI {found}; the entry symbol must match the header (rebuild the plugin with export_plugin! of vertrouwen-plugins-api)")]
    MajorMismatch {
        path: String,
        symbol: String,
        found: u32,
    },
    #[error("{path}: plugin ABI layout mismatch ({what}: expected {expected}, found {found}): it was built against a different or altered vertrouwen-plugins-api; rebuild it against vertrouwen-plugins-api {}.x", vertrouwen_plugins_api::abi::ABI_MAJOR)]
    Layout {
        path: String,
        what: &'static str,
        expected: String,
        found: String,
    },
    #[error("{path}: malformed plugin header: {what}; build plugins with export_plugin! of vertrouwen-plugins-api")]
    BadHeader { path: String, what: String },
    #[error("{path}: strategy #{index} is malformed: {what}; build plugins with export_plugin! of vertrouwen-plugins-api")]
    BadDescriptor {
        path: String,
        index: usize,
        what: String,
    },
    #[error("{path}: built with `panic = \"abort\"`: its first panic would end this whole process, so it cannot run in-process; rebuild it with the default `panic = \"unwind\"` (remove `panic = \"abort\"` from its Cargo.toml profiles), or run it isolated (--isolate)")]
    PanicAbort { path: String },
}

/// One exported strategy (or preset), validated and owned as Rust data, with the means to run
/// it.
#[derive(Clone)]
pub struct StrategyEntry {
    pub name: String,
    pub description: String,
    pub default_params: String,
    pub classifiers: Classifiers,
    pub source: StrategySource,
    kind: EntryKind,
}

/// How a strategy is run.
#[derive(Clone)]
enum EntryKind {
    /// In this process, through its vtable.
    Local(&'static StrategyVTable),
    /// In the worker processes of its (untrusted) plugin.
    Isolated(Arc<IsolatedPlugin>),
}

impl std::fmt::Debug for StrategyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StrategyEntry")
            .field("name", &self.name)
            .field("default_params", &self.default_params)
            .field("classifiers", &self.classifiers)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// A library's validated contents.
#[derive(Clone, Debug)]
pub struct PluginContents {
    pub name: String,
    pub version: String,
    /// The ABI minor version the plugin was built for (fields of a newer one are ignored).
    pub abi_minor: u32,
    /// Whether it was built with `panic = "unwind"` (so its panics are caught).
    pub panic_unwind: bool,
    pub strategies: Vec<StrategyEntry>,
}

/// A strategy failed: bad parameters, or a panic caught by the export glue.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("strategy {name:?} ({source_}): {message}")]
pub struct StrategyError {
    pub name: String,
    pub source_: String,
    pub message: String,
}

/// Room for a panic message with its location (and a short backtrace, if the plugin captured
/// one); longer messages are cut at a character boundary by the plugin.
const MESSAGE_CAPACITY: usize = 4096;

/// Lends the plugin a message buffer for one call. It lives on the stack: `reset` runs before
/// every match, and a heap buffer there would be an allocation per match. The text is cleaned
/// of control characters (a hostile message must not rewrite the user's terminal).
fn with_message_buf<R>(f: impl FnOnce(*mut MessageBuf) -> R) -> (R, String) {
    let mut bytes = [0u8; MESSAGE_CAPACITY];
    let mut buf = MessageBuf {
        ptr: bytes.as_mut_ptr(),
        cap: bytes.len(),
        len: 0,
    };
    let r = f(&mut buf);
    let len = buf.len.min(bytes.len());
    let text = String::from_utf8_lossy(&bytes[..len])
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect::<String>();
    (r, text.trim_end().to_string())
}

/// A decision that failed: the byte `decide` returned (the error marker, or a byte that is
/// not a move). [`Instance::fault`] says what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecideFailure(pub u8);

/// A live strategy instance: created from an entry and parameters, reset before every match,
/// asked for one move per turn, destroyed on drop.
pub struct Instance {
    ptr: NonNull<c_void>,
    vtable: &'static StrategyVTable,
    classifiers: Classifiers,
}

// SAFETY: the Strategy trait requires `Send`, so the object behind `ptr` may move between
// threads; an Instance is used by one thread at a time (`&mut self` for every mutating call).
unsafe impl Send for Instance {}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("classifiers", &self.classifiers)
            .finish()
    }
}

impl StrategyEntry {
    /// An entry for a strategy of an isolated plugin (validated by the sandbox).
    pub fn isolated(plugin: &Arc<IsolatedPlugin>, index: usize) -> Option<StrategyEntry> {
        let s = plugin.strategies().get(index)?;
        Some(StrategyEntry {
            name: s.name.clone(),
            description: s.description.clone(),
            default_params: s.default_params.clone(),
            classifiers: s.classifiers(),
            source: StrategySource::Plugin(plugin.path().to_path_buf()),
            kind: EntryKind::Isolated(Arc::clone(plugin)),
        })
    }

    /// The isolated plugin that runs this strategy, if it runs isolated.
    pub fn isolated_plugin(&self) -> Option<&Arc<IsolatedPlugin>> {
        match &self.kind {
            EntryKind::Isolated(p) => Some(p),
            EntryKind::Local(_) => None,
        }
    }

    /// Creates an instance in this process; `params: None` uses the default parameters.
    /// Strategies of isolated plugins cannot be created here.
    pub fn instantiate(&self, params: Option<&str>) -> Result<Instance, StrategyError> {
        let vtable = match &self.kind {
            EntryKind::Local(v) => *v,
            EntryKind::Isolated(_) => {
                return Err(StrategyError {
                    name: self.name.clone(),
                    source_: self.source.to_string(),
                    message: "runs isolated, in its plugin's worker process; it cannot be created in the engine's process".into(),
                })
            }
        };
        let text = params.unwrap_or(&self.default_params);
        let mut out: *mut c_void = std::ptr::null_mut();
        let (status, message) = with_message_buf(|buf| {
            // SAFETY: the vtable was validated in read_header; `text` is valid for this call,
            // `out` and `buf` are valid writable pointers.
            unsafe { (vtable.create)(RStr::borrowed(text), &mut out, buf) }
        });
        let fail = |message: String| StrategyError {
            name: self.name.clone(),
            source_: self.source.to_string(),
            message,
        };
        if status != STATUS_OK {
            return Err(fail(if message.is_empty() {
                "could not be created (no message)".into()
            } else {
                message
            }));
        }
        let ptr =
            NonNull::new(out).ok_or_else(|| fail("create returned a null instance".into()))?;
        let mut classifiers = self.classifiers;
        let (status, message) = with_message_buf(|buf| {
            // SAFETY: `ptr` is a live instance of this vtable; `classifiers` is a valid
            // out-pointer that the plugin overwrites only if the instance declares its own
            // classifiers; `buf` is valid for this call.
            unsafe { (vtable.classifiers)(ptr.as_ptr(), &mut classifiers, buf) }
        });
        // Owned from here on: dropped (destroyed) if the classifiers are refused.
        let instance = Instance {
            ptr,
            vtable,
            classifiers,
        };
        if status != STATUS_OK {
            return Err(fail(or_no_message(message)));
        }
        if let Some(problem) = classifiers.problem() {
            return Err(fail(format!("reports invalid classifiers: {problem}")));
        }
        Ok(instance)
    }
}

impl Instance {
    /// Classifiers of this instance (its parameters may change them).
    pub fn classifiers(&self) -> Classifiers {
        self.classifiers
    }

    /// Prepares for a new match.
    pub fn reset(&mut self, ctx: &MatchContext) -> Result<(), Fault> {
        let info = ctx.to_info();
        let (status, message) = with_message_buf(|buf| {
            // SAFETY: live instance, valid `info` and `buf` for this call.
            unsafe { (self.vtable.reset)(self.ptr.as_ptr(), &info, buf) }
        });
        if status == STATUS_OK {
            Ok(())
        } else {
            Err(Fault::Panic {
                message: or_no_message(message),
            })
        }
    }

    /// The next move given the player's own history and the opponent's (equally long, the
    /// first `len` bytes of each buffer) and their defection counts.
    ///
    /// The buffers are *lent*: the strategy may (wrongly) write into them, so they are plain
    /// bytes owned by the caller, separate from the engine's record of the match, and whatever
    /// the strategy writes there changes nothing but its own view.
    ///
    /// The error is two bytes, so the result travels in registers on the hot path; turn it
    /// into a [`Fault`] (with the strategy's message) with [`Instance::fault`].
    #[inline]
    pub fn decide(
        &mut self,
        own: &mut [u8],
        opponent: &mut [u8],
        len: usize,
        own_defections: usize,
        opponent_defections: usize,
        rng: &mut Rng,
    ) -> Result<Move, DecideFailure> {
        debug_assert!(own.len() >= len && opponent.len() >= len);
        let view = HistoryView {
            own: own.as_mut_ptr().cast_const(),
            opponent: opponent.as_mut_ptr().cast_const(),
            len: len.min(own.len()).min(opponent.len()),
            own_defections,
            opponent_defections,
        };
        // SAFETY: live instance used exclusively through `&mut self`; `view` points into two
        // byte buffers borrowed mutably for this call (so a misbehaving plugin that writes
        // through them writes memory the engine lent it, not its record), each valid for
        // `view.len` reads; `rng` is ours.
        let byte = unsafe { (self.vtable.decide)(self.ptr.as_ptr(), &view, rng) };
        match byte {
            DECIDE_COOPERATE => Ok(Move::C),
            DECIDE_DEFECT => Ok(Move::D),
            byte => Err(DecideFailure(byte)),
        }
    }

    /// The fault behind a failed decision: the strategy's panic report, or the invalid byte.
    #[cold]
    pub fn fault(&self, failure: DecideFailure) -> Fault {
        match failure.0 {
            DECIDE_ERROR => Fault::Panic {
                message: self.last_error(),
            },
            byte => Fault::InvalidMove { byte },
        }
    }

    /// The message of the strategy's last failure.
    pub fn last_error(&self) -> String {
        let ((), message) = with_message_buf(|buf| {
            // SAFETY: live instance, valid buffer.
            unsafe { (self.vtable.last_error)(self.ptr.as_ptr(), buf) }
        });
        or_no_message(message)
    }
}

fn or_no_message(message: String) -> String {
    if message.is_empty() {
        "failed without a message".into()
    } else {
        message
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: the instance was created by this vtable's `create` and is destroyed once.
        unsafe { (self.vtable.destroy)(self.ptr.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vertrouwen_plugins_api::abi::{self, PluginHeader, StrategyDescriptor};

    fn builtin() -> PluginContents {
        read_static(vertrouwen_strategies::plugin_library()).unwrap()
    }

    #[test]
    fn builtin_header_is_valid_and_names_are_unique() {
        let c = builtin();
        assert_eq!(c.name, "vertrouwen-strategies");
        assert!(c.panic_unwind);
        assert_eq!(c.abi_minor, abi::ABI_MINOR);
        let mut names: Vec<_> = c.strategies.iter().map(|s| s.name.as_str()).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    /// The built-in header with one field edited: its pointers stay those of the real
    /// library (or point to leaked copies of its data), so reading it is sound; only the edited
    /// field is wrong.
    fn forged(edit: impl FnOnce(&mut PluginHeader)) -> Result<PluginContents, LoadError> {
        let mut h = *vertrouwen_strategies::plugin_header();
        edit(&mut h);
        let h: &'static PluginHeader = Box::leak(Box::new(h));
        // SAFETY: every pointer in `h` is the built-in library's own ('static, valid), or a
        // leaked copy of its data.
        unsafe { read_header(h, StrategySource::Builtin) }
    }

    /// The built-in descriptors, each edited, as a leaked table.
    fn descriptors(edit: impl Fn(&mut StrategyDescriptor)) -> &'static [StrategyDescriptor] {
        let h = vertrouwen_strategies::plugin_header();
        // SAFETY: the built-in header is valid: `strategy_count` descriptors at `strategies`.
        let table = unsafe { std::slice::from_raw_parts(h.strategies, h.strategy_count) };
        let mut copy = table.to_vec();
        copy.iter_mut().for_each(edit);
        copy.leak()
    }

    #[test]
    fn a_header_of_another_major_is_refused_naming_the_symbol() {
        let e = forged(|h| h.abi_major = 3).unwrap_err().to_string();
        assert!(
            e.contains("`vertrouwen_plugin_v2` returned a header of plugin ABI 3"),
            "{e}"
        );
    }

    #[test]
    fn wrong_layout_hash_is_refused() {
        let e = forged(|h| h.layout_hash ^= 1).unwrap_err();
        assert!(e.to_string().contains("layout hash"), "{e}");
        assert!(
            e.to_string().contains("altered vertrouwen-plugins-api"),
            "{e}"
        );
    }

    #[test]
    fn wrong_sizes_and_magic_are_refused() {
        let e = forged(|h| h.vtable_size += 8).unwrap_err();
        assert!(
            e.to_string().contains("vtable size: expected 48, found 56"),
            "{e}"
        );
        let e = forged(|h| h.match_info_size += 8).unwrap_err();
        assert!(e.to_string().contains("match info size"), "{e}");
        let e = forged(|h| h.magic = 7).unwrap_err();
        assert!(e.to_string().contains("magic 0x0000000000000007"), "{e}");
    }

    /// A newer minor version may append to the structs a plugin provides: the engine reads the
    /// prefix it knows. The structs the engine lends never grow.
    #[test]
    fn newer_minor_versions_may_grow_what_the_plugin_provides() {
        let c = forged(|h| {
            h.abi_minor = abi::ABI_MINOR + 1;
            h.header_size += 16;
            h.vtable_size += 8;
        })
        .unwrap();
        assert_eq!(c.abi_minor, abi::ABI_MINOR + 1);
        assert_eq!(c.strategies.len(), builtin().strategies.len());
        // Unknown flags of a newer minor version are ignored; of this one, refused.
        assert!(forged(|h| {
            h.abi_minor = abi::ABI_MINOR + 1;
            h.flags |= 1 << 9;
        })
        .is_ok());
        let e = forged(|h| h.flags |= 1 << 9).unwrap_err();
        assert!(e.to_string().contains("unknown flags 0x200"), "{e}");
        // Never smaller, and never larger without a newer minor version.
        let e = forged(|h| h.header_size += 16).unwrap_err();
        assert!(e.to_string().contains("header size: expected 104"), "{e}");
        let e = forged(|h| {
            h.abi_minor = abi::ABI_MINOR + 1;
            h.history_view_size += 8;
        })
        .unwrap_err();
        assert!(e.to_string().contains("history view size"), "{e}");
    }

    /// Descriptors are `descriptor_size` bytes apart: the table of a newer minor version with
    /// larger descriptors (here: every descriptor twice, read as one of double size) is read by
    /// that stride.
    #[test]
    fn descriptors_are_read_by_the_recorded_stride() {
        let doubled: Vec<StrategyDescriptor> =
            descriptors(|_| {}).iter().flat_map(|d| [*d, *d]).collect();
        let doubled = doubled.leak();
        let c = forged(|h| {
            h.abi_minor = abi::ABI_MINOR + 1;
            h.descriptor_size *= 2;
            h.strategies = doubled.as_ptr();
        })
        .unwrap();
        let names: Vec<_> = c.strategies.iter().map(|s| s.name.clone()).collect();
        let expected: Vec<_> = builtin()
            .strategies
            .iter()
            .map(|s| s.name.clone())
            .collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn counts_are_bounded_before_anything_is_read() {
        let e = forged(|h| h.strategy_count = 1 << 40).unwrap_err();
        assert!(
            e.to_string()
                .contains("it declares 1099511627776 strategies, at most 4096 allowed"),
            "{e}"
        );
    }

    #[test]
    fn names_and_texts_are_checked() {
        let with = |edit: fn(&mut StrategyDescriptor)| {
            let table = descriptors(edit);
            forged(|h| h.strategies = table.as_ptr())
                .unwrap_err()
                .to_string()
        };
        let e = with(|d| d.name = RStr::from_static("Evil\u{1b}[2J"));
        assert!(
            e.contains(r#"strategy #0 is malformed: its name "Evil\u{1b}[2J" contains a control"#),
            "{e}"
        );
        let e = with(|d| d.name = RStr::from_static(""));
        assert!(e.contains(r#"its name "" is empty"#), "{e}");
        let e = with(|d| d.description = RStr::from_static("two\nlines"));
        assert!(e.contains("the description of"), "{e}");
        let e = with(|d| d.classifiers.stochastic = 7);
        assert!(e.contains("`stochastic` must be 0 or 1"), "{e}");
        let e = with(|d| d.vtable = std::ptr::null());
        assert!(e.contains("function table of"), "{e}");
    }

    #[test]
    fn bad_parameters_are_reported_by_name() {
        let c = builtin();
        let random = c.strategies.iter().find(|s| s.name == "Random").unwrap();
        let e = random.instantiate(Some("(p: 3.0)")).unwrap_err();
        assert_eq!(e.name, "Random");
        assert!(e.message.contains("probability"), "{e}");
        let ok = random.instantiate(Some("(p: 0.25)")).unwrap();
        assert!(ok.classifiers().is_stochastic());
        let certain = random.instantiate(Some("(p: 1.0)")).unwrap();
        assert!(!certain.classifiers().is_stochastic());
    }
}
