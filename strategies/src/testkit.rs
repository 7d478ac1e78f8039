//! Test-only helpers for playing strategies without the engine: one strategy against a fixed
//! move sequence, or two strategies against each other. Shared by every family module's tests.

use vertrouwen_plugins_api::{History, MatchContext, Move, Rng, Strategy};

use crate::params;

/// Plays `s` against an opponent that plays the fixed sequence `opponent` (C/D characters),
/// in a match of the given announced length; returns the moves of `s`.
pub(crate) fn against_sequence<S: Strategy>(
    s: &mut S,
    opponent: &str,
    length: Option<u64>,
) -> String {
    let opp = params::moves("opponent", opponent).unwrap();
    let mut own = Vec::new();
    let mut rng = Rng::seed_from_u64(7);
    s.reset(&MatchContext::standard(length));
    for i in 0..opp.len() {
        let m = s.decide(&History::new(&own, &opp[..i]), &mut rng);
        own.push(m);
    }
    own.iter().map(|m| m.as_char()).collect()
}

/// A strategy with default parameters against a fixed sequence, length not announced.
pub(crate) fn seq<S: Strategy>(opponent: &str) -> String {
    let mut s = S::create("()").unwrap();
    against_sequence(&mut s, opponent, None)
}

/// Plays `a` against `b` for `turns` turns (length announced, seeds 1 and 2); returns both
/// move strings.
pub(crate) fn play<A: Strategy, B: Strategy>(
    a: &mut A,
    b: &mut B,
    turns: usize,
) -> (String, String) {
    let ctx = MatchContext::standard(Some(turns as u64));
    a.reset(&ctx);
    b.reset(&ctx);
    let (mut ha, mut hb) = (Vec::new(), Vec::new());
    let (mut ra, mut rb) = (Rng::seed_from_u64(1), Rng::seed_from_u64(2));
    for _ in 0..turns {
        let ma = a.decide(&History::new(&ha, &hb), &mut ra);
        let mb = b.decide(&History::new(&hb, &ha), &mut rb);
        ha.push(ma);
        hb.push(mb);
    }
    let s = |h: &[Move]| h.iter().map(|m| m.as_char()).collect();
    (s(&ha), s(&hb))
}
