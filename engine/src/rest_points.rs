//! Rest points of the replicator equation on the simplex and their linear stability (Hofbauer
//! and Sigmund 1998, sec. 7.2), for games of at most 3 strategies: the `RestPoints` study.
//! Conventions as in [`crate::replicator`].

// Index loops mirror the published formulas (and several arrays are indexed together).
#![allow(clippy::needless_range_loop)]

use crate::linear;
use crate::payoff_matrix::{DynamicsError, PayoffMatrix, Result};

/// Linear stability of a rest point on the simplex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stability {
    /// All eigenvalues have negative real part (asymptotically stable).
    Stable,
    /// Some eigenvalue has positive real part.
    Unstable,
    /// No positive real part, but some zero real part: linearisation is inconclusive.
    NonHyperbolic,
}

/// A complex eigenvalue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Eigenvalue {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

/// A rest point of the replicator equation.
#[derive(Debug, Clone, PartialEq)]
pub struct RestPoint {
    /// The shares.
    pub x: Vec<f64>,
    /// Strategies with positive share.
    pub support: Vec<usize>,
    /// Eigenvalues of the Jacobian restricted to the simplex (`n - 1` of them).
    pub eigenvalues: Vec<Eigenvalue>,
    /// Classification from the real parts.
    pub stability: Stability,
}

/// Largest game for [`rest_points`].
const MAX_REST_POINT_STRATEGIES: usize = 3;

/// All isolated rest points of the replicator equation for `n <= 3` strategies (vertices, edge
/// points and interior), each with the eigenvalues of the Jacobian restricted to the simplex.
///
/// For every support `S` the rest point solves `(Ax)_i = v` for `i` in `S`, `sum x = 1`
/// (Hofbauer and Sigmund 1998, sec. 7.2); supports whose system is singular (continua of rest
/// points, e.g. equal payoffs) are skipped. Jacobian: `J_ik = delta_ik ((Ax)_i - x'Ax) +
/// x_i (A_ik - (Ax)_k - (A'x)_k)`, reduced to the simplex by eliminating `x_n`
/// (`Jr_ik = J_ik - J_in`).
pub fn rest_points(a: &PayoffMatrix) -> Result<Vec<RestPoint>> {
    let n = a.size();
    if n > MAX_REST_POINT_STRATEGIES {
        return Err(DynamicsError::InvalidParameter {
            name: "payoff matrix",
            reason: format!("rest points are implemented for n <= 3, got n = {n}"),
        });
    }
    let scale = (0..n)
        .flat_map(|i| a.row(i).iter().copied())
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(1.0);
    let mut points = Vec::new();
    for mask in 1u32..(1 << n) {
        let support: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let k = support.len();
        // Unknowns x_S and v; equations (Ax)_i - v = 0 (i in S), sum x_S = 1.
        let mut m = vec![vec![0.0; k + 2]; k + 1];
        for (r, &i) in support.iter().enumerate() {
            for (c, &j) in support.iter().enumerate() {
                m[r][c] = a.get(i, j);
            }
            m[r][k] = -1.0;
        }
        for c in 0..k {
            m[k][c] = 1.0;
        }
        m[k][k + 1] = 1.0;
        let Some(sol) = linear::solve(m, 1e-12) else {
            continue;
        };
        if sol[..k].iter().any(|&v| v <= 1e-12) {
            continue; // belongs to a smaller face (or outside the simplex)
        }
        let mut x = vec![0.0; n];
        for (c, &i) in support.iter().enumerate() {
            x[i] = sol[c];
        }
        let eigenvalues = simplex_eigenvalues(a, &x);
        let tol = 1e-9 * scale;
        let stability = if eigenvalues.iter().any(|e| e.re > tol) {
            Stability::Unstable
        } else if eigenvalues.iter().all(|e| e.re < -tol) {
            Stability::Stable
        } else {
            Stability::NonHyperbolic
        };
        points.push(RestPoint {
            x,
            support,
            eigenvalues,
            stability,
        });
    }
    Ok(points)
}

/// Eigenvalues of the replicator Jacobian restricted to the simplex at `x` (n <= 3).
fn simplex_eigenvalues(a: &PayoffMatrix, x: &[f64]) -> Vec<Eigenvalue> {
    let n = x.len();
    let ax: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| a.get(i, j) * x[j]).sum())
        .collect();
    let atx: Vec<f64> = (0..n)
        .map(|k| (0..n).map(|i| a.get(i, k) * x[i]).sum())
        .collect();
    let mean: f64 = (0..n).map(|i| x[i] * ax[i]).sum();
    let j = |i: usize, k: usize| {
        let diag = if i == k { ax[i] - mean } else { 0.0 };
        diag + x[i] * (a.get(i, k) - ax[k] - atx[k])
    };
    let last = n - 1;
    let jr = |i: usize, k: usize| j(i, k) - j(i, last);
    match n {
        1 => Vec::new(),
        2 => vec![Eigenvalue {
            re: jr(0, 0),
            im: 0.0,
        }],
        _ => {
            // 2x2: lambda = tr/2 +- sqrt(tr^2/4 - det).
            let (p, q, r, s) = (jr(0, 0), jr(0, 1), jr(1, 0), jr(1, 1));
            let half = 0.5 * (p + s);
            let disc = 0.25 * (p - s) * (p - s) + q * r;
            if disc >= 0.0 {
                let d = disc.sqrt();
                vec![
                    Eigenvalue {
                        re: half + d,
                        im: 0.0,
                    },
                    Eigenvalue {
                        re: half - d,
                        im: 0.0,
                    },
                ]
            } else {
                let d = (-disc).sqrt();
                vec![
                    Eigenvalue { re: half, im: d },
                    Eigenvalue { re: half, im: -d },
                ]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axelrod() -> PayoffMatrix {
        // ALLC, ALLD, TFT over 10 rounds with R=3, S=0, T=5, P=1.
        PayoffMatrix::from_rows(&[[30.0, 0.0, 30.0], [50.0, 10.0, 14.0], [30.0, 9.0, 30.0]])
            .unwrap()
    }

    #[test]
    fn rest_points_and_stability() {
        // Hawk-dove-like [[0,3],[1,2]]: interior x = 1/2, dx/dt = x(1-x)(1-2x), eigenvalue
        // -1/2 (stable); both vertices invadable (eigenvalue A_ji - A_ii = 1).
        let hd = PayoffMatrix::from_rows(&[[0.0, 3.0], [1.0, 2.0]]).unwrap();
        let rp = rest_points(&hd).unwrap();
        assert_eq!(rp.len(), 3);
        let interior = rp.iter().find(|p| p.support.len() == 2).unwrap();
        assert!((interior.x[0] - 0.5).abs() < 1e-14);
        assert!((interior.eigenvalues[0].re + 0.5).abs() < 1e-14);
        assert_eq!(interior.stability, Stability::Stable);
        assert!(rp
            .iter()
            .filter(|p| p.support.len() == 1)
            .all(
                |p| p.stability == Stability::Unstable && (p.eigenvalues[0].re - 1.0).abs() < 1e-14
            ));
        // RPS: centre with eigenvalues +-i/sqrt(3) (Hofbauer and Sigmund 1998, sec. 7.7),
        // vertices are saddles; no edge rest points.
        let rps = PayoffMatrix::from_rows(&[[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
            .unwrap();
        let rp = rest_points(&rps).unwrap();
        assert_eq!(rp.len(), 4);
        let c = rp.iter().find(|p| p.support.len() == 3).unwrap();
        assert!(c.x.iter().all(|v| (v - 1.0 / 3.0).abs() < 1e-14));
        assert_eq!(c.stability, Stability::NonHyperbolic);
        for e in &c.eigenvalues {
            assert!(e.re.abs() < 1e-14 && (e.im.abs() - 1.0 / 3f64.sqrt()).abs() < 1e-14);
        }
        assert!(rp
            .iter()
            .filter(|p| p.support.len() == 1)
            .all(|p| p.stability == Stability::Unstable));
        // Axelrod's game: ALLD (vertex 1) is stable (ALLC and TFT earn 0 and 9 < 10 against it).
        let rp = rest_points(&axelrod()).unwrap();
        let alld = rp.iter().find(|p| p.support == vec![1]).unwrap();
        assert_eq!(alld.stability, Stability::Stable);
        let four = PayoffMatrix::from_rows(&[[1.0; 4]; 4]).unwrap();
        assert!(rest_points(&four).is_err());
    }
}
