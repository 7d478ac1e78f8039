//! Opening a plugin library: by an explicit path (never searched for), reporting the dynamic
//! linker's own reason when it fails and the entry symbol the library actually exports, then
//! checking its header against the library's image before anything in it is used.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use vertrouwen_plugins_api::abi::{self, EntryFn, PluginHeader};

use super::header::{check_prefix, read_checked};
use super::memory::Image;
use super::{LoadError, PluginContents, StrategySource};

/// Whether this process may load plugins built with `panic = "abort"`.
static ABORT_ON_PANIC_PERMITTED: AtomicBool = AtomicBool::new(false);

/// Lets this process load plugins built with `panic = "abort"`. Only for a process that runs
/// nothing but such a plugin (an isolated plugin's worker): a panic in the plugin aborts the
/// whole process, which there only ends the plugin's own matches. The engine's own process
/// never calls this, so it refuses such plugins with [`LoadError::PanicAbort`].
pub fn permit_abort_on_panic() {
    ABORT_ON_PANIC_PERMITTED.store(true, Ordering::Relaxed);
}

/// The path as the dynamic linker must see it: absolute (relative paths are taken from the
/// current directory), so that it is opened as a file and never looked up in the linker's
/// search path, where a bare `libz.so.1` would find the system's library instead of the file
/// the user named.
fn explicit(path: &Path) -> std::io::Result<PathBuf> {
    std::path::absolute(path)
}

/// The dynamic linker's own reason, on one line, without the path it repeats.
fn dlopen_reason(e: &libloading::Error, opened: &Path) -> String {
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reason = s.to_string();
        source = s.source();
    }
    let opened = opened.display().to_string();
    let reason = reason
        .strip_prefix(&format!("{opened}: "))
        .unwrap_or(&reason)
        .to_string();
    reason.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Opens a plugin library, finds its entry symbol and validates what it exports.
pub fn load_plugin(path: &Path) -> Result<PluginContents, LoadError> {
    let shown = path.display().to_string();
    let not_a_library = |reason: String| LoadError::NotALibrary {
        path: shown.clone(),
        reason,
    };
    let opened = explicit(path).map_err(|e| not_a_library(e.to_string()))?;
    if !opened.exists() {
        return Err(not_a_library("no such file".into()));
    }
    // SAFETY: loading a library runs its initialisers. That is the point of a plugin system:
    // the user names the file, and we trust it to be a plugin as far as its constructors go
    // (a plugin that is not trusted runs isolated, in a worker process). Everything it exports
    // is validated before use.
    let library = unsafe { libloading::Library::new(&opened) }
        .map_err(|e| not_a_library(dlopen_reason(&e, &opened)))?;
    // Libraries are never unloaded: descriptors and vtables are borrowed for 'static.
    let library: &'static libloading::Library = Box::leak(Box::new(library));
    let symbol = format!("{}\0", abi::ENTRY_SYMBOL);
    // SAFETY: the symbol, if present, is the ABI v2 entry function of type EntryFn (its name
    // carries the ABI major version precisely so that this signature is known).
    let entry = unsafe { library.get::<EntryFn>(symbol.as_bytes()) };
    let entry: EntryFn = match entry {
        Ok(f) => *f,
        Err(_) => {
            // Look for another major version's symbol to say which one it is.
            for major in (0..=64u32).filter(|m| *m != abi::ABI_MAJOR) {
                let other = format!("{}{major}", abi::ENTRY_SYMBOL_PREFIX);
                // SAFETY: only the presence of the symbol is checked; it is never called.
                if unsafe { library.get::<*const u8>(format!("{other}\0").as_bytes()) }.is_ok() {
                    return Err(LoadError::AbiMajor {
                        path: shown,
                        expected: abi::ABI_MAJOR,
                        found: major,
                        symbol: other,
                    });
                }
            }
            return Err(LoadError::MissingEntry {
                path: shown,
                expected: abi::ENTRY_SYMBOL,
            });
        }
    };
    let bad_header = |what: String| LoadError::BadHeader {
        path: shown.clone(),
        what,
    };
    #[cfg(target_os = "linux")]
    let image = Image::containing(entry as usize).ok_or_else(|| {
        bad_header(format!(
            "`{}` is not in any loaded library",
            abi::ENTRY_SYMBOL
        ))
    })?;
    #[cfg(not(target_os = "linux"))]
    let image = Image::Trusted;
    // SAFETY: `entry` has the EntryFn signature (see above); it takes no arguments.
    let header_ptr = unsafe { entry() };
    let address = header_ptr as usize;
    if header_ptr.is_null()
        || !address.is_multiple_of(align_of::<PluginHeader>())
        || !image.readable(address, 20)
    {
        return Err(bad_header(format!(
            "`{}` returned a null, misaligned or stray pointer instead of its header",
            abi::ENTRY_SYMBOL
        )));
    }
    // SAFETY: the first 20 bytes are readable (checked above).
    let (_, size) = unsafe { check_prefix(header_ptr.cast(), &shown, abi::ENTRY_SYMBOL)? };
    if !image.readable(address, size) {
        return Err(bad_header(format!(
            "its header of {size} bytes runs outside the library"
        )));
    }
    // SAFETY: aligned and readable for its recorded size, which is at least ours (checked
    // above); it lives in the library, which is never unloaded.
    let header: &'static PluginHeader = unsafe { &*header_ptr };
    // SAFETY: `image` is the never-unloaded library the header came from.
    let contents =
        unsafe { read_checked(header, StrategySource::Plugin(path.to_path_buf()), &image)? };
    if !contents.panic_unwind && !ABORT_ON_PANIC_PERMITTED.load(Ordering::Relaxed) {
        return Err(LoadError::PanicAbort { path: shown });
    }
    Ok(contents)
}
