//! Random choices the simulators make every step: bounded integers, coins compared as
//! integers, choices proportional to weights (a linear scan for a few weights, a Fenwick tree
//! for a whole population).
//!
//! Why a module of its own: these are the innermost operations of every simulator, written
//! once with their exactness argued here, so the simulators read as the update rules they
//! implement.

use vertrouwen_plugins_api::Rng;

/// A uniform integer in `0..n` (`n > 0`). The same values as [`Rng::below`] (Lemire's
/// multiply-and-reject, without modulo bias) from the same stream, but the division that
/// computes the rejection threshold only runs when the low product bits fall below `n`
/// (probability `n / 2^64`), not on every call.
#[inline]
pub(crate) fn below(rng: &mut Rng, n: u64) -> u64 {
    debug_assert!(n > 0);
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    if (m as u64) < n {
        // Rng::below rejects exactly when the low bits are below this threshold (< n).
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (m >> 64) as u64
}

/// `2^53`: the number of distinct values of [`Rng::next_f64`].
pub(crate) const UNIT: u64 = 1 << 53;

/// The integer `t` such that a raw draw `x` (`next_u64() >> 11`) satisfies `x < t` exactly
/// when `next_f64() < p` would: `next_f64()` is `x * 2^-53`, the scaling by a power of two is
/// exact, and for an integer `x`, `x < p 2^53` iff `x < ceil(p 2^53)`.
#[inline]
pub(crate) fn unit_threshold(p: f64) -> u64 {
    if p <= 0.0 {
        0
    } else if p >= 1.0 {
        UNIT
    } else {
        (p * UNIT as f64).ceil() as u64
    }
}

/// A uniform `f64` in `[0, 1)` from a raw 53-bit draw (as [`Rng::next_f64`]).
#[inline]
pub(crate) fn unit(raw: u64) -> f64 {
    raw as f64 * (1.0 / UNIT as f64)
}

/// Index drawn with probability proportional to `weights` (non-negative, total `total > 0`).
#[inline]
pub(crate) fn pick(weights: &[f64], total: f64, rng: &mut Rng) -> usize {
    let mut u = rng.next_f64() * total;
    let mut last = 0;
    for (i, &w) in weights.iter().enumerate() {
        if w > 0.0 {
            if u < w {
                return i;
            }
            u -= w;
            last = i;
        }
    }
    last // round-off fell off the end
}

/// Fenwick (binary indexed) tree of fitness values: O(log N) update and proportional
/// sampling, with the total kept alongside so reading it is O(1).
#[derive(Debug, Clone, Default)]
pub(crate) struct Fenwick {
    tree: Vec<f64>,
    total: f64,
    /// Updates since the tree was last built from scratch.
    updates: usize,
}

impl Fenwick {
    /// Rebuilds the tree from `values` (reusing its memory).
    pub(crate) fn rebuild(&mut self, values: &[f64]) {
        let n = values.len();
        self.tree.clear();
        self.tree.resize(n + 1, 0.0);
        for (i, &v) in values.iter().enumerate() {
            let mut j = i + 1;
            while j <= n {
                self.tree[j] += v;
                j += j & j.wrapping_neg();
            }
        }
        self.total = values.iter().sum();
        self.updates = 0;
    }

    /// Adds `delta` to value `i`. After `4 n` updates the caller should [`Fenwick::rebuild`]
    /// ([`Fenwick::stale`]) so floating-point drift of the partial sums cannot accumulate.
    #[inline]
    pub(crate) fn add(&mut self, i: usize, delta: f64) {
        let n = self.tree.len() - 1;
        let mut j = i + 1;
        while j <= n {
            self.tree[j] += delta;
            j += j & j.wrapping_neg();
        }
        self.total += delta;
        self.updates += 1;
    }

    /// Whether enough updates have accumulated to rebuild.
    #[inline]
    pub(crate) fn stale(&self) -> bool {
        self.updates >= 4 * (self.tree.len() - 1)
    }

    /// Sum of all values.
    #[inline]
    pub(crate) fn total(&self) -> f64 {
        self.total
    }

    /// Smallest index whose prefix sum exceeds `u` (clamped to the last index).
    #[inline]
    pub(crate) fn find(&self, mut u: f64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= u {
                u -= self.tree[next];
                pos = next;
            }
            step >>= 1;
        }
        pos.min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_gives_the_values_of_rng_below() {
        for n in [1u64, 2, 3, 7, 100, 1 << 40, u64::MAX / 3 + 7, u64::MAX] {
            let mut a = Rng::seed_from_u64(n);
            let mut b = Rng::seed_from_u64(n);
            for _ in 0..2000 {
                assert_eq!(below(&mut a, n), b.below(n));
            }
        }
    }

    #[test]
    fn unit_threshold_agrees_with_next_f64_comparisons() {
        let mut rng = Rng::seed_from_u64(3);
        for p in [
            0.0,
            1e-300,
            0.1,
            0.5,
            1.0 / 3.0,
            0.999_999_999,
            1.0,
            2.0,
            -1.0,
        ] {
            let t = unit_threshold(p);
            for _ in 0..2000 {
                let mut copy = rng;
                let raw = rng.next_u64() >> 11;
                assert_eq!(raw < t, copy.next_f64() < p, "p = {p}");
            }
            // The boundary itself: the largest raw value below the threshold maps below p.
            if t > 0 && t < UNIT {
                assert!(unit(t - 1) < p && unit(t) >= p);
            }
        }
    }

    #[test]
    fn fenwick_finds_prefix_sums_and_tracks_the_total() {
        let mut f = Fenwick::default();
        f.rebuild(&[1.0, 0.0, 2.0, 3.0, 0.5]);
        assert_eq!(f.total(), 6.5);
        assert_eq!(f.find(0.5), 0);
        assert_eq!(f.find(1.0), 2);
        assert_eq!(f.find(2.99), 2);
        assert_eq!(f.find(3.0), 3);
        assert_eq!(f.find(6.4), 4);
        assert_eq!(f.find(100.0), 4);
        f.add(1, 4.0);
        assert_eq!(f.total(), 10.5);
        assert_eq!(f.find(1.5), 1);
        assert!(!f.stale());
    }
}
