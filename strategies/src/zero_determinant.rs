//! Zero-determinant strategies (Axelrod's `zero_determinant` module): memory-one vectors that
//! enforce a linear relation `s (S_self - l) = S_opponent - l` between the long-run payoffs,
//! computed from `(phi, s, l)` and the game (Hilbe et al. 2013, equation 14). They are played
//! by [`MemoryOne`] with `vector: ZeroDeterminant(phi: .., s: .., l: ..)`.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, Payoffs};

use crate::memoryone::MemoryOne;
use crate::presets::Presets;

/// The baseline payoff `l`: the game's punishment `P`, its reward `R`, or a number.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq)]
pub enum Baseline {
    P,
    R,
    Value(f64),
}

/// Checks what can be checked without the game.
pub(crate) fn validate(phi: f64, s: f64, l: Baseline) -> Result<(), String> {
    if !(phi.is_finite() && phi >= 0.0) {
        return Err(format!(
            "parameter `phi` must be a finite number >= 0, got {phi}"
        ));
    }
    if !(s.is_finite() && s <= 1.0) {
        return Err(format!(
            "parameter `s` must be a finite number <= 1, got {s}"
        ));
    }
    if let Baseline::Value(x) = l {
        if !x.is_finite() {
            return Err(format!("parameter `l` must be finite, got {x}"));
        }
    }
    Ok(())
}

/// The probabilities of cooperating after CC, CD, DC, DD, or why `(s, l)` cannot be
/// enforced in game `g` (P <= l <= R and s_min <= s <= 1 are required).
pub(crate) fn four_vector(phi: f64, s: f64, l: Baseline, g: &Payoffs) -> Result<[f64; 4], String> {
    let (r, p, sucker, t) = (g.r, g.p, g.s, g.t);
    let l = match l {
        Baseline::P => p,
        Baseline::R => r,
        Baseline::Value(x) => x,
    };
    let s_min = -((t - l) / (l - sucker)).min((l - sucker) / (t - l));
    if l < p || l > r || s > 1.0 || s < s_min {
        return Err(format!(
            "zero-determinant slope s = {s} and baseline l = {l} are not enforceable in the game \
             (R, P, S, T) = ({r}, {p}, {sucker}, {t}): need P <= l <= R and {s_min} <= s <= 1"
        ));
    }
    // Same operation order as Axelrod, so probabilities that should be exactly 0 or 1 are.
    Ok([
        1.0 - phi * (1.0 - s) * (r - l),
        1.0 - phi * (s * (l - sucker) + (t - l)),
        phi * ((l - sucker) + s * (t - l)),
        phi * (1.0 - s) * (l - p),
    ])
}

const ZD_EXTORTION: &str = "(vector: ZeroDeterminant(phi: 0.2, s: 0.1, l: Value(1.0)))";
const ZD_EXTORT_2: &str = "(vector: ZeroDeterminant(phi: 0.1111111111111111, s: 0.5, l: P))";
const ZD_EXTORT_2_V2: &str = "(vector: ZeroDeterminant(phi: 0.125, s: 0.5, l: Value(1.0)))";
const ZD_EXTORT3: &str =
    "(vector: ZeroDeterminant(phi: 0.11538461538461539, s: 0.3333333333333333, l: Value(1.0)))";
const ZD_EXTORT_4: &str =
    "(vector: ZeroDeterminant(phi: 0.23529411764705882, s: 0.25, l: Value(1.0)))";
const ZD_GEN_2: &str = "(vector: ZeroDeterminant(phi: 0.125, s: 0.5, l: Value(3.0)))";
pub(crate) const ZD_GTFT_2: &str = "(vector: ZeroDeterminant(phi: 0.25, s: 0.5, l: R))";
const ZD_MISCHIEF: &str = "(vector: ZeroDeterminant(phi: 0.1, s: 0.0, l: Value(1.0)))";
const ZD_SET_2: &str = "(vector: ZeroDeterminant(phi: 0.25, s: 0.0, l: Value(2.0)))";

/// Default parameters of the exports, in `EXPORTS` order.
const PRESETS: &[&str] = &[
    ZD_EXTORTION,
    ZD_EXTORT_2,
    ZD_EXTORT_2_V2,
    ZD_EXTORT3,
    ZD_EXTORT_4,
    ZD_GEN_2,
    ZD_GTFT_2,
    ZD_MISCHIEF,
    ZD_SET_2,
];

/// These presets, built once ([`MemoryOne`] looks them up).
pub(crate) static BUILT: Presets<MemoryOne> = Presets::new(PRESETS, MemoryOne::build);

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    MemoryOne {
        name: "ZD-Extortion",
        description: "Extortionate zero-determinant strategy with phi = 0.2, s = 0.1, l = 1.",
        params: ZD_EXTORTION,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-Extort-2",
        description: "Extort-2 zero-determinant strategy: phi = 1/9, s = 1/2, baseline l = P.",
        params: ZD_EXTORT_2,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-Extort-2 v2",
        description: "Extortionate zero-determinant strategy with phi = 1/8, s = 1/2, l = 1.",
        params: ZD_EXTORT_2_V2,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-Extort3",
        description: "Extortionate zero-determinant strategy with extortion factor 3: phi = 3/26, s = 1/3, l = 1.",
        params: ZD_EXTORT3,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-Extort-4",
        description: "Extortionate zero-determinant strategy with phi = 4/17, s = 1/4, l = 1.",
        params: ZD_EXTORT_4,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-GEN-2",
        description: "Generous zero-determinant strategy with phi = 1/8, s = 1/2, l = 3.",
        params: ZD_GEN_2,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-GTFT-2",
        description: "Generous zero-determinant strategy: phi = 1/4, s = 1/2, baseline l = R.",
        params: ZD_GTFT_2,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-Mischief",
        description: "Zero-determinant strategy with phi = 0.1, s = 0, l = 1.",
        params: ZD_MISCHIEF,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
    MemoryOne {
        name: "ZD-SET-2",
        description: "Equalizer zero-determinant strategy with phi = 1/4, s = 0, l = 2.",
        params: ZD_SET_2,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [game],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use vertrouwen_plugins_api::Strategy;

    #[test]
    fn cached_presets_equal_built_ones() {
        crate::presets::assert_cached_equal_built(&BUILT, EXPORTS);
    }

    #[test]
    fn vectors_for_the_standard_game() {
        // Axelrod 4.14.0's four-vectors for ZDGTFT2 and ZDExtort2 in the (3, 0, 5, 1) game.
        let g = Payoffs::STANDARD;
        assert_eq!(
            four_vector(0.25, 0.5, Baseline::R, &g).unwrap(),
            [1.0, 0.125, 1.0, 0.25]
        );
        let e = four_vector(1.0 / 9.0, 0.5, Baseline::P, &g).unwrap();
        let want = [8.0 / 9.0, 0.5, 1.0 / 3.0, 0.0];
        for (a, b) in e.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{e:?}");
        }
    }

    #[test]
    fn rejects_unenforceable_relations() {
        let g = Payoffs::STANDARD;
        assert!(four_vector(0.1, 0.5, Baseline::Value(4.0), &g).is_err());
        assert!(four_vector(0.1, -3.0, Baseline::Value(2.0), &g).is_err());
        assert!(
            MemoryOne::create("(vector: ZeroDeterminant(phi: 0.1, s: 0.5, l: Value(0.5)))")
                .is_err()
        );
        assert!(MemoryOne::create("(vector: ZeroDeterminant(phi: -1.0, s: 0.5, l: P))").is_err());
        // phi too large: probabilities leave [0, 1].
        assert!(MemoryOne::create("(vector: ZeroDeterminant(phi: 5.0, s: 0.5, l: P))").is_err());
    }
}
