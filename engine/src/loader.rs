//! The only module that touches the plugin ABI: it opens shared libraries, validates their
//! headers, and wraps strategy instances in a safe [`Instance`].
//!
//! Built-in strategies (linked statically) and loaded plugins go through the same
//! [`read_header`] and the same [`Instance`], so both paths run exactly the same code.
//!
//! Invariants:
//! - Libraries are never unloaded (the handle is leaked), so every `'static` borrow of a
//!   header, descriptor, string or vtable stays valid for the life of the process.
//! - Every header is validated (magic, ABI major, struct sizes, layout hash, descriptor
//!   contents) before any function pointer in it is called.
//! - Histories lent to `decide` contain only the bytes 0 and 1 (they are `Move`s).

use std::ffi::c_void;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::Arc;

use thiserror::Error;

use crate::fault::Fault;
use crate::sandbox::IsolatedPlugin;
use vertrouwen_plugins_api::abi::{
    self, EntryFn, HistoryView, MessageBuf, PluginHeader, RStr, StrategyDescriptor, StrategyVTable,
    DECIDE_COOPERATE, DECIDE_DEFECT, DECIDE_ERROR, STATUS_OK,
};
use vertrouwen_plugins_api::{Classifiers, MatchContext, Move, Rng, StaticPlugin};

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
    #[error("{path}: cannot load as a shared library ({reason}); expected a strategy plugin built with `crate-type = [\"cdylib\"]`")]
    NotALibrary { path: String, reason: String },
    #[error("{path}: not a Vertrouwen plugin: it exports no `{expected}` symbol; add `vertrouwen_plugins_api::export_plugin!{{..}}` to the plugin's crate root and build it as a cdylib")]
    MissingEntry {
        path: String,
        expected: &'static str,
    },
    #[error("{path}: built for plugin ABI {found} (it exports `vertrouwen_plugin_v{found}`), but this engine speaks ABI {expected}; rebuild the plugin against vertrouwen-plugins-api {expected}.x")]
    AbiMajor {
        path: String,
        expected: u32,
        found: u32,
    },
    #[error("{path}: the entry symbol returned {what}; expected a pointer to a plugin header starting with the magic value {expected:#018x}; is the library built with vertrouwen-plugins-api?")]
    BadMagic {
        path: String,
        what: String,
        expected: u64,
    },
    #[error("{path}: plugin ABI layout mismatch ({what}: expected {expected}, found {found}); rebuild the plugin against vertrouwen-plugins-api {major}.x")]
    Layout {
        path: String,
        what: &'static str,
        expected: String,
        found: String,
        major: u32,
    },
    #[error("{path}: strategy #{index} is malformed ({what}); rebuild the plugin with export_plugin! from vertrouwen-plugins-api")]
    BadDescriptor {
        path: String,
        index: usize,
        what: String,
    },
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
    pub abi_minor: u32,
    pub strategies: Vec<StrategyEntry>,
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

/// Reads a `'static` string from a header or descriptor.
///
/// # Safety
/// `s` must point to `s.len` readable bytes that live for the rest of the process.
unsafe fn static_str(s: RStr) -> Option<&'static str> {
    if s.len == 0 {
        return Some("");
    }
    if s.ptr.is_null() {
        return None;
    }
    // SAFETY: upheld by the caller (headers are validated to come from export_plugin!, whose
    // strings are string literals, and libraries are never unloaded).
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr, s.len) };
    std::str::from_utf8(bytes).ok()
}

/// Validates a statically linked library's header and copies its contents.
pub fn read_static(library: StaticPlugin) -> Result<PluginContents, LoadError> {
    // SAFETY: a StaticPlugin can only be made by export_plugin! or by unsafe code vouching that
    // the header is valid.
    unsafe { read_header(library.header(), StrategySource::Builtin) }
}

/// Validates a header and copies its contents. Used for statically linked libraries (with
/// `source = Builtin`) and for loaded ones alike.
///
/// # Safety
/// `header` must come from `export_plugin!` of a library that stays loaded for the rest of the
/// process, or at least pass as one: its fixed prefix (magic, versions, sizes, layout hash) is
/// checked here, but the pointers behind it can only be trusted, not checked.
pub unsafe fn read_header(
    header: &'static PluginHeader,
    source: StrategySource,
) -> Result<PluginContents, LoadError> {
    let path = source.to_string();
    if header.magic != abi::MAGIC {
        return Err(LoadError::BadMagic {
            path,
            what: format!("a header with magic {:#018x}", header.magic),
            expected: abi::MAGIC,
        });
    }
    if header.abi_major != abi::ABI_MAJOR {
        return Err(LoadError::AbiMajor {
            path,
            expected: abi::ABI_MAJOR,
            found: header.abi_major,
        });
    }
    let sizes: [(&'static str, u32, usize); 6] = [
        (
            "header size",
            header.header_size,
            std::mem::size_of::<PluginHeader>(),
        ),
        (
            "descriptor size",
            header.descriptor_size,
            std::mem::size_of::<StrategyDescriptor>(),
        ),
        (
            "vtable size",
            header.vtable_size,
            std::mem::size_of::<StrategyVTable>(),
        ),
        (
            "match info size",
            header.match_info_size,
            std::mem::size_of::<abi::MatchInfo>(),
        ),
        (
            "history view size",
            header.history_view_size,
            std::mem::size_of::<HistoryView>(),
        ),
        (
            "random state size",
            header.rng_size,
            std::mem::size_of::<Rng>(),
        ),
    ];
    for (what, found, expected) in sizes {
        if found as usize != expected {
            return Err(LoadError::Layout {
                path,
                what,
                expected: expected.to_string(),
                found: found.to_string(),
                major: abi::ABI_MAJOR,
            });
        }
    }
    if header.layout_hash != abi::LAYOUT_HASH {
        return Err(LoadError::Layout {
            path,
            what: "layout hash",
            expected: format!("{:#018x}", abi::LAYOUT_HASH),
            found: format!("{:#018x}", header.layout_hash),
            major: abi::ABI_MAJOR,
        });
    }
    let bad = |index: usize, what: &str| LoadError::BadDescriptor {
        path: path.clone(),
        index,
        what: what.to_string(),
    };
    // SAFETY: the header passed the magic, version, size and layout checks, so it was made by
    // export_plugin! of this ABI: its strings are 'static literals of a never-unloaded library.
    let (name, version) = unsafe {
        (
            static_str(header.plugin_name),
            static_str(header.plugin_version),
        )
    };
    let (Some(name), Some(version)) = (name, version) else {
        return Err(bad(0, "plugin name or version is not UTF-8"));
    };
    let descriptors: &'static [StrategyDescriptor] = if header.strategy_count == 0 {
        &[]
    } else if header.strategies.is_null() {
        return Err(bad(0, "null strategy table"));
    } else {
        // SAFETY: validated header: `strategies` points to `strategy_count` descriptors in a
        // static of a library that is never unloaded.
        unsafe { std::slice::from_raw_parts(header.strategies, header.strategy_count) }
    };
    let mut strategies = Vec::with_capacity(descriptors.len());
    for (index, d) in descriptors.iter().enumerate() {
        // SAFETY: as above, descriptor strings are 'static literals.
        let texts = unsafe {
            (
                static_str(d.name),
                static_str(d.description),
                static_str(d.default_params),
            )
        };
        let (Some(sname), Some(description), Some(params)) = texts else {
            return Err(bad(index, "a string is not valid UTF-8"));
        };
        if sname.trim().is_empty() {
            return Err(bad(index, "empty display name"));
        }
        if d.vtable.is_null() {
            return Err(bad(index, "null vtable"));
        }
        // SAFETY: non-null, points to a 'static const vtable made by export_plugin!.
        let vtable: &'static StrategyVTable = unsafe { &*d.vtable };
        strategies.push(StrategyEntry {
            name: sname.to_string(),
            description: description.to_string(),
            default_params: params.to_string(),
            classifiers: d.classifiers,
            source: source.clone(),
            kind: EntryKind::Local(vtable),
        });
    }
    Ok(PluginContents {
        name: name.to_string(),
        version: version.to_string(),
        abi_minor: header.abi_minor,
        strategies,
    })
}

/// Opens a plugin library, finds its entry symbol and validates what it exports.
pub fn load_plugin(path: &Path) -> Result<PluginContents, LoadError> {
    let shown = path_text(path);
    if !path.exists() {
        return Err(LoadError::NotALibrary {
            path: shown,
            reason: "no such file".into(),
        });
    }
    // SAFETY: loading a library runs its initialisers. That is the point of a plugin system:
    // the user names the file, and we trust it to be a plugin as far as its constructors go.
    // Everything it exports is validated before use.
    let library =
        unsafe { libloading::Library::new(path) }.map_err(|e| LoadError::NotALibrary {
            path: shown.clone(),
            reason: one_line(&e.to_string()),
        })?;
    // Libraries are never unloaded: descriptors and vtables are borrowed for 'static.
    let library: &'static libloading::Library = Box::leak(Box::new(library));
    let symbol = format!("{}\0", abi::ENTRY_SYMBOL);
    // SAFETY: the symbol, if present, is the ABI v1 entry function of type EntryFn (its name
    // carries the ABI major version precisely so that this signature is known).
    let entry = unsafe { library.get::<EntryFn>(symbol.as_bytes()) };
    let entry: EntryFn = match entry {
        Ok(f) => *f,
        Err(_) => {
            // Look for another major version to give a precise error.
            for major in (0..=16u32).filter(|m| *m != abi::ABI_MAJOR) {
                let other = format!("{}{major}\0", abi::ENTRY_SYMBOL_PREFIX);
                // SAFETY: only the presence of the symbol is checked; it is never called.
                if unsafe { library.get::<*const c_void>(other.as_bytes()) }.is_ok() {
                    return Err(LoadError::AbiMajor {
                        path: shown,
                        expected: abi::ABI_MAJOR,
                        found: major,
                    });
                }
            }
            return Err(LoadError::MissingEntry {
                path: shown,
                expected: abi::ENTRY_SYMBOL,
            });
        }
    };
    // SAFETY: `entry` has the EntryFn signature (see above); it takes no arguments.
    let header_ptr = unsafe { entry() };
    if header_ptr.is_null() {
        return Err(LoadError::BadMagic {
            path: shown,
            what: "a null pointer".into(),
            expected: abi::MAGIC,
        });
    }
    // Read only the fixed prefix (magic, major) before trusting the rest of the layout.
    // SAFETY: every ABI version starts its header with a u64 magic and a u32 major version.
    let (magic, major) = unsafe {
        let p = header_ptr.cast::<u8>();
        (
            std::ptr::read_unaligned(p.cast::<u64>()),
            std::ptr::read_unaligned(p.add(8).cast::<u32>()),
        )
    };
    if magic != abi::MAGIC {
        return Err(LoadError::BadMagic {
            path: shown,
            what: format!("a header with magic {magic:#018x}"),
            expected: abi::MAGIC,
        });
    }
    if major != abi::ABI_MAJOR {
        return Err(LoadError::AbiMajor {
            path: shown,
            expected: abi::ABI_MAJOR,
            found: major,
        });
    }
    // SAFETY: magic and major match, so this is a v1 header, which lives in a static of the
    // (never unloaded) library; read_header checks its sizes and layout hash next.
    let header: &'static PluginHeader = unsafe { &*header_ptr };
    // SAFETY: as above: the header lives in the (never unloaded) library that made it.
    unsafe { read_header(header, StrategySource::Plugin(path.to_path_buf())) }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
        // SAFETY: `ptr` is a live instance of this vtable; `classifiers` is a valid out-pointer
        // that the plugin overwrites only if the instance declares its own classifiers.
        unsafe { (vtable.classifiers)(ptr.as_ptr(), &mut classifiers) };
        Ok(Instance {
            ptr,
            vtable,
            classifiers,
        })
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

    fn builtin() -> PluginContents {
        read_static(vertrouwen_strategies::plugin_library()).unwrap()
    }

    #[test]
    fn builtin_header_is_valid_and_names_are_unique() {
        let c = builtin();
        assert_eq!(c.name, "vertrouwen-strategies");
        let mut names: Vec<_> = c.strategies.iter().map(|s| s.name.as_str()).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    /// The built-in header with one field edited: its pointers stay those of the real
    /// library, so reading it is sound; only the edited field is wrong.
    fn forged(edit: impl FnOnce(&mut PluginHeader)) -> Result<PluginContents, LoadError> {
        let mut h = *vertrouwen_strategies::plugin_header();
        edit(&mut h);
        let h: &'static PluginHeader = Box::leak(Box::new(h));
        // SAFETY: every pointer in `h` is the built-in library's own ('static, valid).
        unsafe { read_header(h, StrategySource::Builtin) }
    }

    #[test]
    fn wrong_major_is_refused_with_fix() {
        let e = forged(|h| h.abi_major = 2).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("ABI 2") && text.contains("rebuild"), "{text}");
    }

    #[test]
    fn wrong_layout_hash_is_refused() {
        let e = forged(|h| h.layout_hash ^= 1).unwrap_err();
        assert!(e.to_string().contains("layout hash"), "{e}");
    }

    #[test]
    fn wrong_sizes_and_magic_are_refused() {
        let e = forged(|h| h.vtable_size += 8).unwrap_err();
        assert!(
            e.to_string().contains("vtable size: expected 48, found 56"),
            "{e}"
        );
        let e = forged(|h| h.magic = 7).unwrap_err();
        assert!(e.to_string().contains("magic"), "{e}");
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
