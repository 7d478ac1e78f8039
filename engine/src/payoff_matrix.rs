//! Validated square payoff matrices and the error type shared by the evolutionary-dynamics
//! modules ([`crate::moran`], [`crate::replicator`], [`crate::population`]).
//!
//! Convention: entry `(i, j)` is the payoff a player of strategy `i` gets against a player of
//! strategy `j` (row player's payoff). Validation happens once, here, so the numerical code can
//! assume a finite square matrix.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Everything that can go wrong in the evolutionary-dynamics modules. User input never panics:
/// it ends up as one of these variants.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DynamicsError {
    /// The matrix has no rows.
    #[error("payoff matrix is empty")]
    EmptyMatrix,
    /// A row's length differs from the number of rows.
    #[error("payoff matrix is not square: row {row} has {len} entries, expected {expected}")]
    NotSquare {
        /// Offending row.
        row: usize,
        /// Its length.
        len: usize,
        /// The number of rows.
        expected: usize,
    },
    /// An entry is NaN or infinite.
    #[error("payoff matrix entry ({row}, {col}) is not finite: {value}")]
    NonFinite {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
        /// The value.
        value: f64,
    },
    /// A vector or matrix argument has the wrong length.
    #[error("{what} has length {got}, expected {expected}")]
    DimensionMismatch {
        /// Which argument.
        what: &'static str,
        /// Required length.
        expected: usize,
        /// Given length.
        got: usize,
    },
    /// A fitness (or, for the discrete replicator, a payoff) is negative: birth cannot be
    /// proportional to it.
    #[error("negative fitness {value} ({context})")]
    NegativeFitness {
        /// The offending value.
        value: f64,
        /// Where it arose.
        context: String,
    },
    /// A scalar or structural parameter is out of range.
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A linear system has no unique solution (e.g. a reducible transition matrix).
    #[error("singular linear system: {0}")]
    Singular(&'static str),
    /// The ODE integrator could not reach the requested time.
    #[error("integration failed at t = {t}: {reason}")]
    Integration {
        /// Time reached.
        t: f64,
        /// Why it stopped.
        reason: String,
    },
}

/// Result alias for the dynamics modules.
pub type Result<T, E = DynamicsError> = std::result::Result<T, E>;

/// A validated, finite, square `n x n` payoff matrix (row player's payoffs), stored row-major.
/// Serialises as a list of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Vec<f64>>", into = "Vec<Vec<f64>>")]
pub struct PayoffMatrix {
    n: usize,
    entries: Vec<f64>,
}

impl PayoffMatrix {
    /// Builds a matrix from rows; errors on an empty, non-square or non-finite input.
    pub fn from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Result<Self> {
        let n = rows.len();
        if n == 0 {
            return Err(DynamicsError::EmptyMatrix);
        }
        let mut entries = Vec::with_capacity(n * n);
        for (row, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            if r.len() != n {
                return Err(DynamicsError::NotSquare {
                    row,
                    len: r.len(),
                    expected: n,
                });
            }
            for (col, &value) in r.iter().enumerate() {
                if !value.is_finite() {
                    return Err(DynamicsError::NonFinite { row, col, value });
                }
            }
            entries.extend_from_slice(r);
        }
        Ok(PayoffMatrix { n, entries })
    }

    /// Number of strategies `n`.
    pub fn size(&self) -> usize {
        self.n
    }

    /// Payoff of strategy `i` against strategy `j`. Panics if out of range (programming error,
    /// like slice indexing).
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.entries[i * self.n + j]
    }

    /// Row `i`: the payoffs of strategy `i` against every strategy.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.entries[i * self.n..(i + 1) * self.n]
    }

    /// The smallest entry.
    pub fn min_entry(&self) -> f64 {
        self.entries.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// The rows as vectors.
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        self.entries.chunks(self.n).map(<[f64]>::to_vec).collect()
    }

    /// The 2x2 game restricted to strategies `(mutant, resident)`, in the finite-population
    /// convention `[[a, b], [c, d]]` with the mutant first.
    pub(crate) fn pair(&self, mutant: usize, resident: usize) -> [[f64; 2]; 2] {
        [
            [self.get(mutant, mutant), self.get(mutant, resident)],
            [self.get(resident, mutant), self.get(resident, resident)],
        ]
    }

    /// Requires `n == expected`.
    pub(crate) fn require_size(&self, expected: usize) -> Result<()> {
        if self.n != expected {
            return Err(DynamicsError::DimensionMismatch {
                what: "payoff matrix",
                expected,
                got: self.n,
            });
        }
        Ok(())
    }
}

impl TryFrom<Vec<Vec<f64>>> for PayoffMatrix {
    type Error = DynamicsError;
    fn try_from(rows: Vec<Vec<f64>>) -> Result<Self> {
        PayoffMatrix::from_rows(&rows)
    }
}

impl From<PayoffMatrix> for Vec<Vec<f64>> {
    fn from(m: PayoffMatrix) -> Self {
        m.to_rows()
    }
}

/// `ln(exp(a) + exp(b))` without overflow; `-inf` terms contribute nothing.
#[inline]
pub(crate) fn ln_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if hi == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    if hi == f64::INFINITY {
        return f64::INFINITY;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// `ln(sum exp(v))` with the usual max shift (log-sum-exp); empty or all `-inf` gives `-inf`.
pub(crate) fn ln_sum_exp(v: &[f64]) -> f64 {
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m.is_infinite() {
        return m;
    }
    // Neumaier-compensated sum of the shifted terms: all are in [0, 1], one equals 1.
    let mut s = 0.0f64;
    let mut c = 0.0f64;
    for &x in v {
        let t = (x - m).exp();
        let u = s + t;
        c += if s.abs() >= t.abs() {
            (s - u) + t
        } else {
            (t - u) + s
        };
        s = u;
    }
    m + (s + c).ln()
}

/// `ln(1 + exp(z))` (softplus) without overflow.
#[inline]
pub(crate) fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_matrices_give_the_right_errors() {
        let empty: [[f64; 0]; 0] = [];
        assert_eq!(
            PayoffMatrix::from_rows(&empty),
            Err(DynamicsError::EmptyMatrix)
        );
        assert_eq!(
            PayoffMatrix::from_rows(&[vec![1.0, 2.0], vec![3.0]]),
            Err(DynamicsError::NotSquare {
                row: 1,
                len: 1,
                expected: 2
            })
        );
        assert_eq!(
            PayoffMatrix::from_rows(&[vec![1.0, 2.0, 3.0], vec![3.0, 4.0, 5.0]]),
            Err(DynamicsError::NotSquare {
                row: 0,
                len: 3,
                expected: 2
            })
        );
        assert!(matches!(
            PayoffMatrix::from_rows(&[[1.0, f64::NAN], [0.0, 1.0]]),
            Err(DynamicsError::NonFinite { row: 0, col: 1, .. })
        ));
        assert!(matches!(
            PayoffMatrix::from_rows(&[[1.0, 0.0], [f64::NEG_INFINITY, 1.0]]),
            Err(DynamicsError::NonFinite { row: 1, col: 0, .. })
        ));
    }

    #[test]
    fn serde_round_trip_validates() {
        let m = PayoffMatrix::from_rows(&[[3.0, 0.0], [5.0, 1.0]]).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "[[3.0,0.0],[5.0,1.0]]");
        let back: PayoffMatrix = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<PayoffMatrix>("[[1.0],[2.0]]").is_err());
    }

    #[test]
    fn log_sum_exp_helpers() {
        assert!((ln_sum_exp(&[0.0, 0.0]) - 2f64.ln()).abs() < 1e-15);
        assert_eq!(ln_sum_exp(&[f64::NEG_INFINITY]), f64::NEG_INFINITY);
        assert!((ln_add_exp(-1000.0, -1000.0) - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!((softplus(800.0) - 800.0).abs() < 1e-12);
        assert!((softplus(0.0) - 2f64.ln()).abs() < 1e-15);
    }
}
