//! Any text given to `--matrix`, `--game` or `--x0`: a value that satisfies its invariants, or
//! an error; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vertrouwen_engine::game::Game;
use vertrouwen_engine::payoff_matrix::PayoffMatrix;
use vertrouwen_engine::values::Shares;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = PayoffMatrix::parse(text) {
        let n = m.size();
        assert!(n >= 1);
        for i in 0..n {
            assert_eq!(m.row(i).len(), n);
            assert!(m.row(i).iter().all(|v| v.is_finite()));
        }
    }
    if let Ok(g) = Game::parse(text) {
        assert!([g.r, g.s, g.t, g.p].iter().all(|v| v.is_finite()));
    }
    if let Ok(s) = Shares::parse_list(text) {
        assert!(!s.is_empty());
        assert!(s.as_slice().iter().all(|v| v.is_finite() && *v >= 0.0));
        let total: f64 = s.as_slice().iter().sum();
        assert!(total > 0.0 && total.is_finite());
    }
});
