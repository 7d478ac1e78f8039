//! Test fixture: a hand-made header that declares 2^40 strategies over a table of one. The
//! loader must refuse the count before reading anything (ABI v1 aborted here, allocating).

use vertrouwen_plugins_api::abi::{PluginHeader, StrategyDescriptor};
use vertrouwen_plugins_api::export::StaticHeader;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

pub struct HugeCountMirror;

impl Strategy for HugeCountMirror {
    fn create(_params: &str) -> Result<Self, String> {
        Ok(HugeCountMirror)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        history.last_opponent().unwrap_or(Move::C)
    }
}

const ONE: &[StrategyDescriptor] = strategy_exports![HugeCountMirror {
    name: "Huge Count Mirror",
    description: "Test fixture: Tit For Tat under a header that declares 2^40 strategies.",
    params: "()",
    memory_depth: Some(1),
    stochastic: false,
    makes_use_of: [],
}];

static HEADER: StaticHeader = StaticHeader(PluginHeader {
    strategy_count: 1 << 40,
    ..PluginHeader::new("huge-count-plugin", "0.1.0", ONE, cfg!(panic = "unwind"))
});

/// The ABI v2 entry symbol, returning the malformed header.
// SAFETY: the name is unique in this library and the function has the ABI's entry signature.
#[unsafe(no_mangle)]
pub extern "C" fn vertrouwen_plugin_v2() -> *const PluginHeader {
    &HEADER.0
}
