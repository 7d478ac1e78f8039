//! Validating a plugin header and copying what it exports: nothing in a header is used before
//! it has been checked (versions, sizes, layout hash, counts, and every pointer against the
//! library's image), and every text is copied into owned, checked Rust strings.

use std::mem::{align_of, size_of};

use vertrouwen_plugins_api::abi::{
    self, name_problem, text_problem, HistoryView, MatchInfo, PluginHeader, RStr,
    StrategyDescriptor, StrategyVTable, MAX_STRATEGIES, MAX_TEXT_LEN,
};
use vertrouwen_plugins_api::{Rng, StaticPlugin};

use super::memory::Image;
use super::{EntryKind, LoadError, PluginContents, StrategyEntry, StrategySource};

/// The vtable is made of function pointers only.
const VTABLE_FUNCTIONS: usize = size_of::<StrategyVTable>() / size_of::<usize>();
const _: () = assert!(VTABLE_FUNCTIONS * size_of::<usize>() == size_of::<StrategyVTable>());

/// Validates a statically linked library's header and copies its contents.
pub fn read_static(library: StaticPlugin) -> Result<PluginContents, LoadError> {
    // SAFETY: a StaticPlugin can only be made by export_plugin! or by unsafe code vouching that
    // the header is valid.
    unsafe { read_header(library.header(), StrategySource::Builtin) }
}

/// Validates a header and copies its contents. Used for statically linked libraries (with
/// `source = Builtin`); loaded libraries go through [`super::load_plugin`], which also checks
/// every pointer against the library's image.
///
/// # Safety
/// `header` must come from `export_plugin!` of a library that stays loaded for the rest of the
/// process, or at least pass as one: its versions, sizes, layout hash, counts and texts are
/// checked here, but the pointers behind it can only be trusted, not checked.
pub unsafe fn read_header(
    header: &'static PluginHeader,
    source: StrategySource,
) -> Result<PluginContents, LoadError> {
    // SAFETY: upheld by the caller; `Trusted` checks no pointer.
    unsafe { read_checked(header, source, &Image::Trusted) }
}

/// Checks the fixed prefix every version shares (magic, versions, header size), reading it
/// byte-wise from `header` before anything else is trusted. Returns the minor version.
///
/// # Safety
/// `header` must be valid for reads of 20 bytes.
pub(super) unsafe fn check_prefix(
    header: *const u8,
    path: &str,
    symbol: &str,
) -> Result<(u32, usize), LoadError> {
    // SAFETY: upheld by the caller; unaligned reads of plain integers.
    let (magic, major, minor, size) = unsafe {
        (
            std::ptr::read_unaligned(header.cast::<u64>()),
            std::ptr::read_unaligned(header.add(8).cast::<u32>()),
            std::ptr::read_unaligned(header.add(12).cast::<u32>()),
            std::ptr::read_unaligned(header.add(16).cast::<u32>()),
        )
    };
    if magic != abi::MAGIC {
        return Err(LoadError::BadMagic {
            path: path.to_string(),
            symbol: symbol.to_string(),
            found: magic,
        });
    }
    if major != abi::ABI_MAJOR {
        return Err(LoadError::MajorMismatch {
            path: path.to_string(),
            symbol: symbol.to_string(),
            found: major,
        });
    }
    let size = size as usize;
    let ours = size_of::<PluginHeader>();
    let newer = minor > abi::ABI_MINOR;
    if size < ours || (!newer && size != ours) {
        return Err(layout(path, "header size", ours, size, minor));
    }
    Ok((minor, size))
}

fn layout(path: &str, what: &'static str, ours: usize, found: usize, minor: u32) -> LoadError {
    LoadError::Layout {
        path: path.to_string(),
        what,
        expected: if minor > abi::ABI_MINOR {
            format!("at least {ours} (ABI 2.{} or later)", abi::ABI_MINOR)
        } else {
            ours.to_string()
        },
        found: found.to_string(),
    }
}

/// Reads a string of at most `max` bytes that `image` says is readable.
///
/// # Safety
/// When `image` is `Trusted`, `s` must point to `s.len` readable bytes that live for the rest
/// of the process; otherwise `image` must describe memory that stays mapped.
unsafe fn checked_str(image: &Image, s: RStr, max: usize) -> Result<&'static str, String> {
    if s.len == 0 {
        return Ok("");
    }
    if s.len > max {
        return Err(format!("is {} bytes long, at most {max} allowed", s.len));
    }
    if s.ptr.is_null() || !image.readable(s.ptr as usize, s.len) {
        return Err("points outside the library".into());
    }
    // SAFETY: `len` bytes at `ptr` are readable (checked above, or vouched for by the caller)
    // and stay mapped: libraries are never unloaded.
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr, s.len) };
    std::str::from_utf8(bytes).map_err(|_| "is not UTF-8".to_string())
}

/// The checks of [`read_header`], with the pointers checked against `image`.
///
/// # Safety
/// `header` must be readable for `header.header_size` bytes, and `image` must either be
/// `Trusted` (then the caller vouches for every pointer, as for [`read_header`]) or describe the
/// loaded, never unloaded, library the header came from.
pub(super) unsafe fn read_checked(
    header: &'static PluginHeader,
    source: StrategySource,
    image: &Image,
) -> Result<PluginContents, LoadError> {
    let path = source.to_string();
    // SAFETY: `header` is a valid reference, so its first 20 bytes are readable.
    let (minor, _) =
        unsafe { check_prefix(std::ptr::from_ref(header).cast(), &path, abi::ENTRY_SYMBOL)? };
    let newer = minor > abi::ABI_MINOR;
    // Structs the plugin provides may have grown in a newer minor version; those the engine
    // lends never change within a major version.
    let grown: [(&'static str, u32, usize); 2] = [
        (
            "descriptor size",
            header.descriptor_size,
            size_of::<StrategyDescriptor>(),
        ),
        (
            "vtable size",
            header.vtable_size,
            size_of::<StrategyVTable>(),
        ),
    ];
    for (what, found, ours) in grown {
        let found = found as usize;
        if found < ours || (!newer && found != ours) {
            return Err(layout(&path, what, ours, found, minor));
        }
    }
    let lent: [(&'static str, u32, usize); 3] = [
        (
            "match info size",
            header.match_info_size,
            size_of::<MatchInfo>(),
        ),
        (
            "history view size",
            header.history_view_size,
            size_of::<HistoryView>(),
        ),
        ("random state size", header.rng_size, size_of::<Rng>()),
    ];
    for (what, found, ours) in lent {
        if found as usize != ours {
            return Err(layout(&path, what, ours, found as usize, abi::ABI_MINOR));
        }
    }
    if header.layout_hash != abi::LAYOUT_HASH {
        return Err(LoadError::Layout {
            path,
            what: "layout hash",
            expected: format!("{:#018x}", abi::LAYOUT_HASH),
            found: format!("{:#018x}", header.layout_hash),
        });
    }
    if !newer && header.flags & !abi::KNOWN_FLAGS != 0 {
        return Err(LoadError::BadHeader {
            path,
            what: format!(
                "unknown flags {:#x} for ABI 2.{minor}",
                header.flags & !abi::KNOWN_FLAGS
            ),
        });
    }
    let bad_header = |what: String| LoadError::BadHeader {
        path: path.clone(),
        what,
    };
    // SAFETY: the caller's contract (the image checks every pointer, or the caller vouches).
    let (name, version) = unsafe {
        (
            checked_str(image, header.plugin_name, abi::MAX_NAME_LEN),
            checked_str(image, header.plugin_version, abi::MAX_NAME_LEN),
        )
    };
    let name = name
        .map_err(|e| bad_header(format!("the plugin name {e}")))
        .and_then(|n| match name_problem(n) {
            Some(p) => Err(bad_header(format!("the plugin name {n:?} {p}"))),
            None => Ok(n),
        })?;
    let version = version
        .map_err(|e| bad_header(format!("the plugin version {e}")))
        .and_then(|v| match name_problem(v) {
            Some(p) => Err(bad_header(format!("the plugin version {v:?} {p}"))),
            None => Ok(v),
        })?;
    let count = header.strategy_count;
    if count > MAX_STRATEGIES {
        return Err(bad_header(format!(
            "it declares {count} strategies, at most {MAX_STRATEGIES} allowed"
        )));
    }
    let stride = header.descriptor_size as usize;
    let table = header.strategies as usize;
    if count > 0 {
        if table == 0 || !table.is_multiple_of(align_of::<StrategyDescriptor>()) {
            return Err(bad_header(
                "the strategy table pointer is null or misaligned".into(),
            ));
        }
        if !stride.is_multiple_of(align_of::<StrategyDescriptor>()) {
            return Err(bad_header(format!(
                "descriptor size {stride} is not a multiple of {}",
                align_of::<StrategyDescriptor>()
            )));
        }
        // `stride * (count - 1) + size` bytes: the last descriptor is read up to its known end.
        let span = stride * (count - 1) + size_of::<StrategyDescriptor>();
        if !image.readable(table, span) {
            return Err(bad_header(format!(
                "its strategy table of {count} descriptors runs outside the library (is strategy_count larger than the array?)"
            )));
        }
    }
    let mut strategies = Vec::with_capacity(count);
    for index in 0..count {
        let bad = |what: String| LoadError::BadDescriptor {
            path: path.clone(),
            index,
            what,
        };
        // SAFETY: the table holds `count` descriptors `stride` bytes apart, aligned (checked
        // above against the image, or vouched for by the caller); a descriptor of a newer minor
        // version starts with the fields this engine knows.
        let d: &'static StrategyDescriptor =
            unsafe { &*((table + index * stride) as *const StrategyDescriptor) };
        // SAFETY: as above.
        let texts = unsafe {
            (
                checked_str(image, d.name, abi::MAX_NAME_LEN),
                checked_str(image, d.description, MAX_TEXT_LEN),
                checked_str(image, d.default_params, MAX_TEXT_LEN),
            )
        };
        let sname = texts.0.map_err(|e| bad(format!("its name {e}")))?;
        if let Some(p) = name_problem(sname) {
            return Err(bad(format!("its name {sname:?} {p}")));
        }
        let description = texts
            .1
            .map_err(|e| bad(format!("the description of {sname:?} {e}")))?;
        if let Some(p) = text_problem(description, MAX_TEXT_LEN) {
            return Err(bad(format!("the description of {sname:?} {p}")));
        }
        let params = texts
            .2
            .map_err(|e| bad(format!("the default parameters of {sname:?} {e}")))?;
        if let Some(p) = text_problem(params, MAX_TEXT_LEN) {
            return Err(bad(format!("the default parameters of {sname:?} {p}")));
        }
        if let Some(p) = d.classifiers.problem() {
            return Err(bad(format!("the classifiers of {sname:?}: {p}")));
        }
        let vtable = d.vtable as usize;
        if vtable == 0
            || !vtable.is_multiple_of(align_of::<StrategyVTable>())
            || !image.readable(vtable, header.vtable_size as usize)
        {
            return Err(bad(format!(
                "the function table of {sname:?} is null, misaligned or outside the library"
            )));
        }
        // The functions are read as plain words first: a function pointer must never be null,
        // so the table becomes a `StrategyVTable` only once every entry is known to be code.
        // SAFETY: readable and aligned (checked above, or vouched for by the caller).
        let functions: [usize; VTABLE_FUNCTIONS] =
            unsafe { std::ptr::read(d.vtable.cast::<[usize; VTABLE_FUNCTIONS]>()) };
        if !functions.iter().all(|&f| f != 0 && image.executable(f)) {
            return Err(bad(format!(
                "a function of {sname:?} is null or outside the library's code"
            )));
        }
        // SAFETY: readable, aligned, of the vtable's size or more, every function non-null (all
        // checked above, or vouched for); a vtable of a newer minor version starts with the
        // functions this engine knows.
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
        abi_minor: minor,
        panic_unwind: header.panics_unwind(),
        strategies,
    })
}
