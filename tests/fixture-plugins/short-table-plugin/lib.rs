//! Test fixture: a hand-made header that declares three strategies over a table of one. What
//! follows the table in memory is text, so the loader must check the second descriptor before
//! reading through it and refuse the plugin with one clear error (ABI v1 crashed here).

use vertrouwen_plugins_api::abi::{PluginHeader, StrategyDescriptor};
use vertrouwen_plugins_api::export::StaticHeader;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

pub struct ShortTableMirror;

impl Strategy for ShortTableMirror {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(ShortTableMirror)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_opponent().unwrap_or(Move::C)
    }
}

/// One descriptor, then 144 bytes of text where the header promises two more descriptors.
#[repr(C)]
pub struct Table {
    one: [StrategyDescriptor; 1],
    after: [u8; 144],
}

// SAFETY: plain data behind `'static` pointers, never written.
unsafe impl Sync for Table {}

const ONE: &[StrategyDescriptor] = strategy_exports![ShortTableMirror {
    name: "Short Table Mirror",
    description: "Test fixture: Tit For Tat in a table shorter than its header says.",
    params: "()",
    memory_depth: Some(1),
    stochastic: false,
    makes_use_of: [],
}];

const TEXT: &[u8; 144] = b"This is not a strategy descriptor: a header that declares more descriptors than its table holds lets the engine read whatever comes next. Right.";

pub static TABLE: Table = Table {
    one: [ONE[0]],
    after: *TEXT,
};

static HEADER: StaticHeader = StaticHeader(PluginHeader {
    strategies: &TABLE.one as *const [StrategyDescriptor; 1] as *const StrategyDescriptor,
    strategy_count: 3,
    ..PluginHeader::new("short-table-plugin", "0.1.0", ONE, cfg!(panic = "unwind"))
});

/// The ABI v2 entry symbol, returning the malformed header.
// SAFETY: the name is unique in this library and the function has the ABI's entry signature.
#[unsafe(no_mangle)]
pub extern "C" fn vertrouwen_plugin_v2() -> *const PluginHeader {
    &HEADER.0
}
