//! Validated square payoff matrices and the error type shared by the evolutionary-dynamics
//! modules ([`crate::moran`], [`crate::replicator`], [`crate::population`]).
//!
//! Convention: entry `(i, j)` is the payoff a player of strategy `i` gets against a player of
//! strategy `j` (row player's payoff). Validation happens once, here, so the numerical code can
//! assume a finite square matrix.

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
    /// A result is not a finite number: the inputs are too large (or too extreme) for the
    /// computation; `what` says which.
    #[error("the computation overflows: {what}")]
    Overflow {
        /// Which kind of input is too large.
        cause: OverflowCause,
        /// Which input overflowed, and where.
        what: String,
    },
    /// Memory for a result could not be reserved.
    #[error("cannot reserve memory for {what} ({elements} values)")]
    Allocation {
        /// What was being stored.
        what: &'static str,
        /// How many values.
        elements: usize,
    },
    /// The ODE integrator could not reach the requested time.
    #[error("integration failed at t = {t}: {reason}")]
    Integration {
        /// Time reached.
        t: f64,
        /// Why it stopped.
        reason: String,
    },
}

/// Which kind of input made a computation overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowCause {
    /// The payoffs are too large.
    Payoffs,
    /// The intensity of selection is too large.
    Intensity,
    /// The population (or a count) is too large.
    Size,
}

/// Result alias for the dynamics modules.
pub type Result<T, E = DynamicsError> = std::result::Result<T, E>;

/// A validated, finite, square `n x n` payoff matrix (row player's payoffs), stored row-major.
#[derive(Debug, Clone, PartialEq)]
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

    /// Parses `"a,b;c,d"`: rows separated by `;` (a trailing `;` is allowed), entries by `,`
    /// (the `--matrix` flag). Errors name rows and columns from 1.
    pub fn parse(text: &str) -> std::result::Result<Self, MatrixTextError> {
        let trimmed = text.trim().trim_end_matches(';');
        if trimmed.trim().is_empty() {
            return Err(MatrixTextError::Empty);
        }
        let mut rows = Vec::new();
        for (r, row) in trimmed.split(';').enumerate() {
            let mut entries = Vec::new();
            for (c, v) in row.split(',').enumerate() {
                let v = v.trim();
                let x: f64 = v.parse().map_err(|_| MatrixTextError::NotANumber {
                    row: r + 1,
                    column: c + 1,
                    text: v.to_string(),
                })?;
                entries.push(x);
            }
            rows.push(entries);
        }
        PayoffMatrix::from_rows(&rows).map_err(|e| match e {
            DynamicsError::NotSquare { row, len, expected } => MatrixTextError::NotSquare {
                row: row + 1,
                len,
                expected,
            },
            DynamicsError::NonFinite { row, col, value } => MatrixTextError::NonFinite {
                row: row + 1,
                column: col + 1,
                value,
            },
            _ => MatrixTextError::Empty,
        })
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

/// A `--matrix` text that is not a matrix. Rows and columns count from 1, as users write them.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MatrixTextError {
    /// Nothing but separators.
    #[error("the matrix is empty; expected rows like \"3,0;5,1\"")]
    Empty,
    /// An entry that is not a number.
    #[error("row {row}, entry {column}: cannot read {text:?} as a number")]
    NotANumber {
        /// Row, from 1.
        row: usize,
        /// Entry in the row, from 1.
        column: usize,
        /// The text.
        text: String,
    },
    /// A row of the wrong length.
    #[error(
        "the matrix is not square: row {row} has {len} entries, expected {expected} (one per row)"
    )]
    NotSquare {
        /// Row, from 1.
        row: usize,
        /// Its length.
        len: usize,
        /// The number of rows.
        expected: usize,
    },
    /// NaN or infinity.
    #[error("entry at row {row}, column {column} is not a finite number: {value}")]
    NonFinite {
        /// Row, from 1.
        row: usize,
        /// Column, from 1.
        column: usize,
        /// The value.
        value: f64,
    },
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
    fn matrix_text_parses_with_one_based_errors() {
        let m = PayoffMatrix::parse(" 3,0 ; 5,1 ;").unwrap();
        assert_eq!(m.to_rows(), vec![vec![3.0, 0.0], vec![5.0, 1.0]]);
        assert_eq!(PayoffMatrix::parse(" ; "), Err(MatrixTextError::Empty));
        assert_eq!(
            PayoffMatrix::parse("1,2;3"),
            Err(MatrixTextError::NotSquare {
                row: 2,
                len: 1,
                expected: 2
            })
        );
        assert!(matches!(
            PayoffMatrix::parse("1,x;2,3"),
            Err(MatrixTextError::NotANumber {
                row: 1,
                column: 2,
                ..
            })
        ));
        assert!(matches!(
            PayoffMatrix::parse("1,nan;2,3"),
            Err(MatrixTextError::NonFinite {
                row: 1,
                column: 2,
                ..
            })
        ));
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
