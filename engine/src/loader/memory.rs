//! Where a loaded library lives in memory, so that every pointer its header hands the engine
//! can be checked before anything is read through it.
//!
//! ABI v2 requires the header, the descriptors, the vtables, the strings and the functions of a
//! plugin to lie in the library's own image (statics, string literals and code, which is what
//! `export_plugin!` produces). On Linux the loader asks the dynamic linker for the library's
//! loaded segments (`dl_iterate_phdr`) and refuses a pointer that falls outside them, or a
//! function that is not in an executable segment: a malformed header (a descriptor count larger
//! than its array, a stray pointer) is then an error, not a crash. Elsewhere the checks that do
//! not need the map still run.

/// The memory a header may point into.
#[derive(Debug)]
pub(super) enum Image {
    /// The header was made by `export_plugin!` in this binary: nothing to check.
    Trusted,
    /// The loaded segments of the library the header came from.
    #[cfg(target_os = "linux")]
    Segments(Vec<Segment>),
}

/// One loaded segment: `[start, end)` and whether its code may run.
#[cfg(target_os = "linux")]
#[derive(Clone, Copy, Debug)]
pub(super) struct Segment {
    start: usize,
    end: usize,
    readable: bool,
    executable: bool,
}

impl Image {
    /// The segments of the loaded object that contains `address` (e.g. its entry function).
    #[cfg(target_os = "linux")]
    pub(super) fn containing(address: usize) -> Option<Image> {
        struct Search {
            address: usize,
            found: Option<Vec<Segment>>,
        }

        unsafe extern "C" fn visit(
            info: *mut libc::dl_phdr_info,
            _size: libc::size_t,
            data: *mut libc::c_void,
        ) -> libc::c_int {
            // SAFETY: `data` is the `Search` passed to dl_iterate_phdr below, borrowed mutably
            // for the whole iteration; `info` is valid for this call and its `dlpi_phdr` points to
            // `dlpi_phnum` program headers of a loaded object (dl_iterate_phdr's contract).
            let (search, info) = unsafe { (&mut *data.cast::<Search>(), &*info) };
            let base = info.dlpi_addr as usize;
            let mut segments = Vec::new();
            for k in 0..info.dlpi_phnum as usize {
                // SAFETY: see above.
                let ph = unsafe { &*info.dlpi_phdr.add(k) };
                if ph.p_type != libc::PT_LOAD {
                    continue;
                }
                let start = base.wrapping_add(ph.p_vaddr as usize);
                segments.push(Segment {
                    start,
                    end: start.saturating_add(ph.p_memsz as usize),
                    readable: ph.p_flags & libc::PF_R != 0,
                    executable: ph.p_flags & libc::PF_X != 0,
                });
            }
            if segments
                .iter()
                .any(|s| s.start <= search.address && search.address < s.end)
            {
                search.found = Some(segments);
                return 1; // stop
            }
            0
        }

        let mut search = Search {
            address,
            found: None,
        };
        // SAFETY: `visit` matches the callback type and only uses `data` as the `Search` we pass,
        // which outlives the call.
        unsafe { libc::dl_iterate_phdr(Some(visit), (&raw mut search).cast()) };
        search.found.map(Image::Segments)
    }

    /// Whether `len` bytes from `address` lie in one readable segment.
    pub(super) fn readable(&self, address: usize, len: usize) -> bool {
        match self {
            Image::Trusted => true,
            #[cfg(target_os = "linux")]
            Image::Segments(segments) => {
                let Some(end) = address.checked_add(len) else {
                    return false;
                };
                segments
                    .iter()
                    .any(|s| s.readable && s.start <= address && end <= s.end)
            }
        }
    }

    /// Whether `address` lies in an executable segment.
    pub(super) fn executable(&self, address: usize) -> bool {
        match self {
            Image::Trusted => true,
            #[cfg(target_os = "linux")]
            Image::Segments(segments) => segments
                .iter()
                .any(|s| s.executable && s.start <= address && address < s.end),
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    static DATA: [u64; 4] = [1, 2, 3, 4];

    fn here() {}

    /// This test binary's own image: its statics are readable, its functions executable, and
    /// memory of the heap or beyond the image is neither.
    #[test]
    fn the_image_of_this_binary() {
        let image = Image::containing(here as *const () as usize).expect("this binary is loaded");
        let data = DATA.as_ptr() as usize;
        assert!(image.readable(data, 32));
        assert!(image.executable(here as *const () as usize));
        assert!(!image.executable(data));
        let heap = Box::new([0u8; 64]);
        assert!(!image.readable(heap.as_ptr() as usize, 64));
        assert!(!image.readable(usize::MAX - 4, 8));
        assert!(!image.readable(data, usize::MAX));
    }
}
