//! The layout hash: every boundary type as the compiler laid it out (see the documentation of
//! [`crate::abi`]). The field lists below are checked against the real structs by the compiler,
//! so they cannot drift from them.

use std::ffi::c_void;
use std::mem::{offset_of, size_of};

use super::{
    Classifiers, HistoryView, MatchInfo, MessageBuf, Payoffs, PluginHeader, RStr, RngState,
    StrategyDescriptor, StrategyVTable, ABI_MAJOR,
};

/// FNV-1a of `bytes`, continuing from `hash`; ASCII whitespace is skipped, so that how a
/// compiler spaces a type it prints cannot change the hash.
pub(crate) const fn mix_text(mut hash: u64, text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_whitespace() {
            hash ^= bytes[i] as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        }
        i += 1;
    }
    // A separator, so that adjacent texts cannot run into each other.
    hash ^= 0xFF;
    hash.wrapping_mul(0x0000_0100_0000_01B3)
}

/// FNV-1a of a number's eight little-endian bytes, continuing from `hash`.
pub(crate) const fn mix_number(mut hash: u64, n: usize) -> u64 {
    let bytes = (n as u64).to_le_bytes();
    let mut i = 0;
    while i < 8 {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        i += 1;
    }
    hash
}

/// Mixes one boundary struct into a layout hash. The field list is checked by the compiler
/// against the real struct: a missing or extra field breaks the exhaustive pattern, a wrong type
/// breaks the type ascription. Mixed in: the struct's name and alignment, its size if it is
/// `frozen` (a `growable` struct may gain fields in a minor version), and for every field its
/// name, offset, size, alignment and type as written.
///
/// A future minor version that appends fields to a growable struct ends its list here with
/// `..` and does not list the new fields, so the hash stays the same.
macro_rules! describe {
    (@size frozen, $h:expr, $ty:ident) => {
        $crate::abi::mix_number($h, ::std::mem::size_of::<$ty>())
    };
    (@size growable, $h:expr, $ty:ident) => {
        $crate::abi::mix_text($h, "any size")
    };
    (@mix $hash:expr, $kind:ident $ty:ident [$($field:ident : $fty:ty),*] [$($rest:tt)*]) => {{
        #[allow(dead_code)]
        const fn fields_are_exactly_these(v: &$ty) {
            let $ty { $($field: _,)* $($rest)* } = v;
            $( let _: &$fty = &v.$field; )*
        }
        let mut h: u64 = $hash;
        h = $crate::abi::mix_text(h, stringify!($ty));
        h = $crate::abi::mix_text(h, stringify!($kind));
        h = $crate::abi::describe!(@size $kind, h, $ty);
        h = $crate::abi::mix_number(h, ::std::mem::align_of::<$ty>());
        $(
            h = $crate::abi::mix_text(h, stringify!($field));
            h = $crate::abi::mix_number(h, ::std::mem::offset_of!($ty, $field));
            h = $crate::abi::mix_number(h, ::std::mem::size_of::<$fty>());
            h = $crate::abi::mix_number(h, ::std::mem::align_of::<$fty>());
            h = $crate::abi::mix_text(h, stringify!($fty));
        )*
        h
    }};
    ($hash:expr, $kind:ident $ty:ident { $($field:ident : $fty:ty),* $(,)? }) => {
        $crate::abi::describe!(@mix $hash, $kind $ty [$($field: $fty),*] [])
    };
    ($hash:expr, $kind:ident $ty:ident { $($field:ident : $fty:ty,)* .. }) => {
        $crate::abi::describe!(@mix $hash, $kind $ty [$($field: $fty),*] [..])
    };
}
pub(crate) use describe;

/// The layout hash of this build of the ABI; see the module documentation.
const fn layout_hash() -> u64 {
    let mut h = mix_text(0xcbf2_9ce4_8422_2325, "vertrouwen-abi");
    h = mix_number(h, ABI_MAJOR as usize);
    h = mix_number(h, size_of::<usize>());
    h = describe!(h, frozen RStr { ptr: *const u8, len: usize });
    h = describe!(h, frozen Payoffs { r: f64, s: f64, t: f64, p: f64 });
    h = describe!(h, frozen Classifiers { memory_depth: i64, stochastic: u8, makes_use_of: u32 });
    h = describe!(h, frozen MatchInfo { length: u64, noise: f64, game: Payoffs, seed: u64 });
    h = describe!(
        h,
        frozen HistoryView {
            own: *const u8,
            opponent: *const u8,
            len: usize,
            own_defections: usize,
            opponent_defections: usize,
        }
    );
    h = describe!(h, frozen MessageBuf { ptr: *mut u8, cap: usize, len: usize });
    h = crate::rng::describe_layout(h);
    h = describe!(
        h,
        growable StrategyVTable {
            create: unsafe extern "C" fn(RStr, *mut *mut c_void, *mut MessageBuf) -> u32,
            destroy: unsafe extern "C" fn(*mut c_void),
            classifiers: unsafe extern "C" fn(*const c_void, *mut Classifiers, *mut MessageBuf) -> u32,
            reset: unsafe extern "C" fn(*mut c_void, *const MatchInfo, *mut MessageBuf) -> u32,
            decide: unsafe extern "C" fn(*mut c_void, *const HistoryView, *mut RngState) -> u8,
            last_error: unsafe extern "C" fn(*const c_void, *mut MessageBuf),
        }
    );
    h = describe!(
        h,
        growable StrategyDescriptor {
            name: RStr,
            description: RStr,
            default_params: RStr,
            classifiers: Classifiers,
            vtable: *const StrategyVTable,
        }
    );
    h = describe!(
        h,
        growable PluginHeader {
            magic: u64,
            abi_major: u32,
            abi_minor: u32,
            header_size: u32,
            descriptor_size: u32,
            vtable_size: u32,
            match_info_size: u32,
            history_view_size: u32,
            rng_size: u32,
            flags: u32,
            layout_hash: u64,
            plugin_name: RStr,
            plugin_version: RStr,
            strategies: *const StrategyDescriptor,
            strategy_count: usize,
        }
    );
    h
}

/// The layout hash of this build: every boundary type as the compiler laid it out.
pub const LAYOUT_HASH: u64 = layout_hash();

// The fixed prefix every version keeps (see the documentation of `crate::abi`).
const _: () = {
    assert!(offset_of!(PluginHeader, magic) == 0);
    assert!(offset_of!(PluginHeader, abi_major) == 8);
    assert!(offset_of!(PluginHeader, abi_minor) == 12);
    assert!(offset_of!(PluginHeader, header_size) == 16);
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned: changing any boundary type must be a conscious decision that also updates this
    /// value (and, if incompatible, bumps ABI_MAJOR). The value depends on the pointer width.
    #[test]
    fn layout_hash_is_pinned() {
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            LAYOUT_HASH, 0xd445_d4ef_2a50_05b6,
            "got {LAYOUT_HASH:#018x}"
        );
    }

    /// The same struct with its fields in another order, or with a field retyped to a type of
    /// the same size, hashes differently; a growable struct's hash ignores fields appended
    /// after the listed prefix.
    #[test]
    fn the_description_sees_order_types_and_prefixes() {
        mod original {
            #[repr(C)]
            pub struct View {
                pub own: *const u8,
                pub opponent: *const u8,
            }
            pub const fn hash() -> u64 {
                describe!(0, frozen View { own: *const u8, opponent: *const u8 })
            }
            pub const fn hash_as_growable() -> u64 {
                describe!(0, growable View { own: *const u8, opponent: *const u8 })
            }
        }
        mod swapped {
            #[repr(C)]
            pub struct View {
                pub opponent: *const u8,
                pub own: *const u8,
            }
            pub const fn hash() -> u64 {
                describe!(0, frozen View { own: *const u8, opponent: *const u8 })
            }
        }
        mod retyped {
            #[repr(C)]
            pub struct View {
                pub own: *const u8,
                pub opponent: usize,
            }
            pub const fn hash() -> u64 {
                describe!(0, frozen View { own: *const u8, opponent: usize })
            }
        }
        mod grown {
            #[repr(C)]
            pub struct View {
                pub own: *const u8,
                pub opponent: *const u8,
                pub appended: u64,
            }
            pub const fn hash() -> u64 {
                describe!(0, growable View { own: *const u8, opponent: *const u8, .. })
            }
        }
        assert_ne!(original::hash(), swapped::hash());
        assert_ne!(original::hash(), retyped::hash());
        assert_eq!(grown::hash(), original::hash_as_growable());
    }
}
