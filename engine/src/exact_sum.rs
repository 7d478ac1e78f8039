//! Exact summation of `f64` values, rounded once at the end.
//!
//! Why: a tournament's statistics are sums over matches that worker threads finish in an
//! unpredictable order, shards of a study finish on different machines, and a resumed run adds
//! the rest of its matches to a checkpoint. Ordinary floating-point addition is not associative,
//! so each of those would change the last bits of the results. An [`ExactSum`] keeps the sum
//! *exactly* (as Shewchuk's non-overlapping partials, "Adaptive Precision Floating-Point
//! Arithmetic and Fast Robust Geometric Predicates", 1997) and rounds once, correctly, when the
//! value is read, exactly as CPython's `math.fsum` does. The correctly rounded value of an exact
//! sum does not depend on the order or grouping of the terms, so every thread count, sharding and
//! resume gives the same bits.
//!
//! Products are added exactly too ([`ExactSum::add_product`], through a fused multiply-add), so
//! sums of squares and scaled copies stay exact; that is what lets variances be computed without
//! cancellation error ([`ExactSum::centered_square_sum`]).

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

/// An exact running sum of finite `f64` values.
///
/// Invariant: `partials` are non-zero, non-overlapping and increasing in magnitude; their exact
/// sum is the exact sum of everything added. Almost all sums need one or two partials, which are
/// stored inline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExactSum {
    partials: SmallVec<[f64; 2]>,
}

impl ExactSum {
    /// The empty sum (zero).
    pub fn new() -> Self {
        Self::default()
    }

    /// The exact sum of `values`.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut s = Self::new();
        for v in values {
            s.add(v);
        }
        s
    }

    /// Adds `x` exactly. A non-finite `x` makes the value non-finite (callers check results).
    pub fn add(&mut self, mut x: f64) {
        let mut kept = 0;
        for k in 0..self.partials.len() {
            let mut y = self.partials[k];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        if x != 0.0 || !x.is_finite() {
            self.partials.push(x);
        }
    }

    /// Adds the exact product `a * b` (the rounded product plus its rounding error, which a
    /// fused multiply-add gives exactly).
    pub fn add_product(&mut self, a: f64, b: f64) {
        let p = a * b;
        let e = a.mul_add(b, -p);
        self.add(p);
        if e != 0.0 {
            self.add(e);
        }
    }

    /// Adds another exact sum: the result is the exact sum of both.
    pub fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
    }

    /// The sum rounded once to the nearest `f64` (ties to even), as `math.fsum`.
    pub fn value(&self) -> f64 {
        let p = &self.partials;
        let Some(mut n) = p.len().checked_sub(1) else {
            return 0.0;
        };
        let mut hi = p[n];
        let mut lo = 0.0;
        // Add from the largest partial down until the sum becomes inexact.
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // Correct the half-way case: if the rest of the partials push the rounding error the
        // same way, the sum lies beyond the half-way point and rounds the other way.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        hi
    }

    /// Whether nothing (or only zeros) has been added.
    pub fn is_zero(&self) -> bool {
        self.partials.is_empty()
    }

    /// `count * sum_of_squares - sum^2`, exactly, rounded once: `count^2` times the population
    /// variance of `count` values whose sum is `sum` and sum of squares `sum_of_squares`.
    /// Never negative (an exact variance cannot be).
    pub fn centered_square_sum(count: u64, sum: &ExactSum, sum_of_squares: &ExactSum) -> f64 {
        let mut acc = ExactSum::new();
        let n = count as f64;
        for &q in &sum_of_squares.partials {
            acc.add_product(q, n);
        }
        for &a in &sum.partials {
            for &b in &sum.partials {
                acc.add_product(-a, b);
            }
        }
        acc.value().max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values are CPython 3.11's `math.fsum` of the same lists.
    #[test]
    fn agrees_with_python_fsum() {
        assert_eq!(ExactSum::of([0.1; 10]).value(), 1.0);
        assert_eq!(ExactSum::of([1e100, 1.0, -1e100]).value(), 1.0);
        assert_eq!(
            ExactSum::of([1e-16, 1.0, 1e16]).value(),
            1.0000000000000002e16
        );
        assert_eq!(
            ExactSum::of([1.0, 1e100, 1.0, -1e100]).value(),
            2.0,
            "fsum([1, 1e100, 1, -1e100])"
        );
        assert_eq!(ExactSum::of([]).value(), 0.0);
        assert_eq!(
            ExactSum::of((1..=1000).map(|k| 1.0 / f64::from(k))).value(),
            7.485470860550345,
            "fsum(1/k for k in range(1, 1001))"
        );
    }

    /// The value is the same whatever the order or grouping of the terms.
    #[test]
    fn order_and_grouping_do_not_matter() {
        let mut rng = vertrouwen_plugins_api::Rng::seed_from_u64(7);
        for trial in 0..200 {
            let n = 1 + (rng.next_u64() % 60) as usize;
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    let m = rng.next_f64() - 0.5;
                    let e = (rng.next_u64() % 40) as i32 - 20;
                    m * 2f64.powi(e)
                })
                .collect();
            let forward = ExactSum::of(values.iter().copied()).value();
            let backward = ExactSum::of(values.iter().rev().copied()).value();
            assert_eq!(forward.to_bits(), backward.to_bits(), "trial {trial}");
            let cut = (rng.next_u64() as usize) % (n + 1);
            let mut left = ExactSum::of(values[..cut].iter().copied());
            let right = ExactSum::of(values[cut..].iter().copied());
            left.merge(&right);
            assert_eq!(left.value().to_bits(), forward.to_bits(), "trial {trial}");
        }
    }

    #[test]
    fn products_are_exact() {
        // 0.1 * 3 is not exactly 0.30000000000000004 (the rounded product): the error term
        // keeps the exact value, so adding -0.3 * 1 leaves the exact difference.
        let mut s = ExactSum::new();
        s.add_product(0.1, 3.0);
        s.add_product(-0.3, 1.0);
        assert_eq!(s.value(), 0.1f64.mul_add(3.0, -0.3));
        assert_ne!(s.value(), 0.1 * 3.0 - 0.3);
    }

    #[test]
    fn variance_without_cancellation() {
        // Values with a large mean and a tiny spread: the naive formula loses every digit.
        let values = [1e9 + 0.25, 1e9 - 0.25, 1e9 + 0.75, 1e9 - 0.75];
        let sum = ExactSum::of(values);
        let mut squares = ExactSum::new();
        for v in values {
            squares.add_product(v, v);
        }
        let n = values.len() as u64;
        let variance = ExactSum::centered_square_sum(n, &sum, &squares) / (n * n) as f64;
        assert_eq!(variance, 0.3125);
        assert_eq!(
            ExactSum::centered_square_sum(1, &ExactSum::of([3.0]), &ExactSum::of([9.0])),
            0.0
        );
    }
}
