//! The one dense linear solver of the dynamics: Gaussian elimination with row equilibration and
//! partial pivoting, for the small systems of [`crate::moran`] (stationary distributions) and
//! [`crate::replicator`] (rest points).

// Index loops mirror the textbook algorithm (rows are read and written together).
#![allow(clippy::needless_range_loop)]

/// Solves the augmented system `m = [A | b]` (`n` rows of `n + 1` entries). Each row is first
/// scaled by its largest coefficient (equilibration: rows built from probabilities of order
/// 1e-200 would otherwise never win a pivot against a row of ones, though the system is
/// perfectly conditioned). Returns `None` if a row is all zero or not finite, if a pivot is not
/// larger than `pivot_min` in absolute value (after equilibration, so `pivot_min` is relative),
/// or if the solution is not finite.
pub(crate) fn solve(mut m: Vec<Vec<f64>>, pivot_min: f64) -> Option<Vec<f64>> {
    let n = m.len();
    for row in m.iter_mut() {
        if row.len() != n + 1 {
            return None;
        }
        let mx = row[..n].iter().fold(0.0f64, |a, &v| a.max(v.abs()));
        if mx == 0.0 || !mx.is_finite() {
            return None;
        }
        row.iter_mut().for_each(|v| *v /= mx);
    }
    for col in 0..n {
        let p = (col..n)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap_or(col);
        let pivot = m[p][col];
        if pivot == 0.0 || !pivot.is_finite() || pivot.abs() <= pivot_min {
            return None;
        }
        m.swap(col, p);
        let (top, rest) = m.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for row in rest.iter_mut() {
            let factor = row[col] / pivot_row[col];
            if factor != 0.0 {
                for k in col..=n {
                    row[k] -= factor * pivot_row[k];
                }
            }
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut acc = m[i][n];
        for k in i + 1..n {
            acc -= m[i][k] * x[k];
        }
        x[i] = acc / m[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_detects_singular_systems() {
        // 2x + y = 5, x - y = 1: x = 2, y = 1.
        let x = solve(vec![vec![2.0, 1.0, 5.0], vec![1.0, -1.0, 1.0]], 0.0).unwrap();
        assert!((x[0] - 2.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
        // Equilibration: a row of tiny coefficients is as good as any other.
        let x = solve(
            vec![vec![1e-200, 1e-200, 3e-200], vec![1.0, -1.0, 1.0]],
            0.0,
        )
        .unwrap();
        assert!((x[0] - 2.0).abs() < 1e-14, "{x:?}");
        assert!(solve(vec![vec![1.0, 1.0, 1.0], vec![2.0, 2.0, 2.0]], 1e-12).is_none());
        assert!(solve(vec![vec![0.0, 0.0, 1.0], vec![1.0, 1.0, 1.0]], 0.0).is_none());
        assert!(solve(vec![vec![1.0, 2.0]], 0.0).unwrap() == vec![2.0]);
    }
}
