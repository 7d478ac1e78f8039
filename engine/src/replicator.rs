//! Why this file is long: the integrator and its tableau are one unit, and about 150 lines are tests
//! against analytic solutions and conserved quantities.
//!
//! Deterministic dynamics of infinite populations: the discrete replicator map (Axelrod's
//! ecological simulation), the continuous replicator equation, the replicator-mutator
//! equation (rest points and their stability are in [`crate::rest_points`]).
//!
//! # Conventions
//!
//! - `x` is the vector of strategy shares (non-negative, summing to 1); initial vectors are
//!   normalised, so counts may be passed.
//! - `A` is a [`PayoffMatrix`]: `A[i][j]` is what strategy `i` gets against `j`, so the payoff
//!   of `i` in population `x` is `(Ax)_i` and the mean payoff is `x'Ax` (infinite population:
//!   self-interaction is negligible, unlike [`crate::moran`]).
//! - Continuous dynamics are integrated in log space, `y_i = ln x_i`, with the embedded
//!   Dormand-Prince 5(4) pair (Dormand and Prince 1980, J. Comput. Appl. Math. 6:19;
//!   coefficients as in Hairer, Norsett and Wanner, "Solving ODEs I", table II.5.2): shares can
//!   never become negative, tiny shares keep full relative accuracy, and the error control on
//!   `y` is a relative error control on `x`. After every accepted step `y` is shifted by
//!   `ln sum exp y` (a soft renormalisation: the vector field is invariant under the shift).

// Index loops mirror the published formulas (and several arrays are indexed together).
#![allow(clippy::needless_range_loop)]

use crate::payoff_matrix::{ln_sum_exp, DynamicsError, PayoffMatrix, Result};

/// Error tolerances of the adaptive integrator (on `ln x`, i.e. relative on shares).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    /// Relative tolerance on `ln x_i`.
    pub rtol: f64,
    /// Absolute tolerance on `ln x_i` (= relative tolerance on `x_i`).
    pub atol: f64,
    /// Maximum number of attempted steps before giving up.
    pub max_steps: usize,
}

impl Default for Tolerances {
    /// `rtol = atol = 1e-12`, enough for 1e-10 relative accuracy on shares above 1e-6 over
    /// typical horizons (see the tests).
    fn default() -> Self {
        Tolerances {
            rtol: 1e-12,
            atol: 1e-12,
            max_steps: 1_000_000,
        }
    }
}

/// States of a continuous dynamics at the requested times.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// The requested times.
    pub times: Vec<f64>,
    /// `states[k]` is the share vector at `times[k]`.
    pub states: Vec<Vec<f64>>,
    /// Accepted integrator steps.
    pub accepted_steps: usize,
    /// Rejected integrator steps.
    pub rejected_steps: usize,
}

fn shares(x0: &[f64], n: usize) -> Result<Vec<f64>> {
    if x0.len() != n {
        return Err(DynamicsError::DimensionMismatch {
            what: "initial shares",
            expected: n,
            got: x0.len(),
        });
    }
    if let Some(v) = x0.iter().find(|v| !v.is_finite() || **v < 0.0) {
        return Err(DynamicsError::InvalidParameter {
            name: "initial shares",
            reason: format!("entries must be finite and >= 0, got {v}"),
        });
    }
    let total: f64 = x0.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return Err(DynamicsError::InvalidParameter {
            name: "initial shares",
            reason: format!("must have a positive finite sum, got {total}"),
        });
    }
    Ok(x0.iter().map(|v| v / total).collect())
}

fn check_times(times: &[f64]) -> Result<()> {
    let mut prev = 0.0;
    for &t in times {
        if !t.is_finite() || t < prev {
            return Err(DynamicsError::InvalidParameter {
                name: "output times",
                reason: format!("must be finite, >= 0 and non-decreasing; got {t} after {prev}"),
            });
        }
        prev = t;
    }
    Ok(())
}

/// The discrete replicator map of Axelrod's ecological simulation (Axelrod 1984, "The
/// Evolution of Cooperation", ch. 3; Nowak 2006, eq. 4.1 in discrete time):
/// `x_i' = x_i (Ax)_i / x'Ax`. Returns `generations + 1` states, the first being the normalised
/// `x0`. Payoffs must be non-negative (they are reproductive success).
pub fn discrete_replicator(
    a: &PayoffMatrix,
    x0: &[f64],
    generations: usize,
) -> Result<Vec<Vec<f64>>> {
    let n = a.size();
    let mut x = shares(x0, n)?;
    if a.min_entry() < 0.0 {
        return Err(DynamicsError::NegativeFitness {
            value: a.min_entry(),
            context: "discrete replicator needs non-negative payoffs".into(),
        });
    }
    let rows = generations.saturating_add(1);
    let mut out = Vec::new();
    out.try_reserve_exact(rows)
        .map_err(|_| DynamicsError::Allocation {
            what: "the trajectory of the discrete replicator map",
            elements: rows.saturating_mul(n),
        })?;
    out.push(x.clone());
    let mut weighted = vec![0.0; n];
    for generation in 0..generations {
        for (i, wi) in weighted.iter_mut().enumerate() {
            let fi: f64 = a.row(i).iter().zip(&x).map(|(aij, xj)| aij * xj).sum();
            *wi = x[i] * fi;
        }
        let mean: f64 = weighted.iter().sum();
        if !mean.is_finite() {
            return Err(DynamicsError::Overflow {
                cause: crate::payoff_matrix::OverflowCause::Payoffs,
                what: format!(
                    "the mean payoff at generation {generation} is not finite; the payoffs (up to {:e}) are too large",
                    a.min_entry().abs().max(max_entry(a))
                ),
            });
        }
        if mean <= 0.0 {
            return Err(DynamicsError::InvalidParameter {
                name: "population",
                reason: format!("mean payoff is zero at generation {generation}"),
            });
        }
        for (xi, wi) in x.iter_mut().zip(&weighted) {
            *xi = wi / mean;
        }
        out.push(x.clone());
    }
    Ok(out)
}

fn max_entry(a: &PayoffMatrix) -> f64 {
    (0..a.size())
        .flat_map(|i| a.row(i).iter().copied())
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Uniform mutation matrix: the offspring of `j` is each `i != j` with probability
/// `mu / (n - 1)` (rows are parents, so each row sums to 1). `mu` must be in `[0, 1]`.
pub fn uniform_mutation(n: usize, mu: f64) -> Result<Vec<Vec<f64>>> {
    if !(0.0..=1.0).contains(&mu) {
        return Err(DynamicsError::InvalidParameter {
            name: "mutation",
            reason: format!("must be in [0, 1], got {mu}"),
        });
    }
    let off = if n > 1 { mu / (n - 1) as f64 } else { 0.0 };
    Ok((0..n)
        .map(|j| {
            (0..n)
                .map(|i| {
                    if i == j {
                        1.0 - off * (n - 1) as f64
                    } else {
                        off
                    }
                })
                .collect()
        })
        .collect())
}

// Dormand-Prince 5(4) tableau (Hairer, Norsett and Wanner, table II.5.2).
const A2: [f64; 1] = [1.0 / 5.0];
const A3: [f64; 2] = [3.0 / 40.0, 9.0 / 40.0];
const A4: [f64; 3] = [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0];
const A5: [f64; 4] = [
    19372.0 / 6561.0,
    -25360.0 / 2187.0,
    64448.0 / 6561.0,
    -212.0 / 729.0,
];
const A6: [f64; 5] = [
    9017.0 / 3168.0,
    -355.0 / 33.0,
    46732.0 / 5247.0,
    49.0 / 176.0,
    -5103.0 / 18656.0,
];
/// Fifth-order weights (also the last stage row: FSAL).
const B5: [f64; 6] = [
    35.0 / 384.0,
    0.0,
    500.0 / 1113.0,
    125.0 / 192.0,
    -2187.0 / 6784.0,
    11.0 / 84.0,
];
/// Fifth minus fourth order weights (error estimator), stages 1..7.
const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

/// Integrates `y' = rhs(y)` (autonomous) from `t = 0`, returning `y` at each requested time.
/// `renorm` is applied to each accepted state and must not change `rhs` (a gauge shift).
fn integrate<F, G>(
    mut rhs: F,
    mut renorm: G,
    y0: Vec<f64>,
    times: &[f64],
    tol: &Tolerances,
) -> Result<(Vec<Vec<f64>>, usize, usize)>
where
    F: FnMut(&[f64], &mut [f64]),
    G: FnMut(&mut [f64]),
{
    if !(tol.rtol >= 0.0 && tol.atol >= 0.0 && tol.rtol + tol.atol > 0.0) {
        return Err(DynamicsError::InvalidParameter {
            name: "tolerances",
            reason: format!("need rtol, atol >= 0, not both 0; got {tol:?}"),
        });
    }
    let m = y0.len();
    let mut y = y0;
    let mut k: Vec<Vec<f64>> = vec![vec![0.0; m]; 7];
    let mut tmp = vec![0.0; m];
    let mut y_new = vec![0.0; m];
    let mut out = Vec::with_capacity(times.len());
    let (mut accepted, mut rejected) = (0usize, 0usize);
    let scale = |a: f64, b: f64| tol.atol + tol.rtol * a.abs().max(b.abs());
    let norm = |v: &[f64], y: &[f64]| -> f64 {
        v.iter()
            .zip(y)
            .map(|(vi, yi)| (vi / scale(*yi, *yi)).abs())
            .fold(0.0, f64::max)
    };
    rhs(&y, &mut k[0]);
    // Starting step (Hairer, Norsett and Wanner, sec. II.4, "starting step size").
    let mut h = {
        let d0 = norm(&y, &y);
        let d1 = norm(&k[0], &y);
        let h0 = if d0 < 1e-5 || d1 < 1e-5 {
            1e-6
        } else {
            0.01 * d0 / d1
        };
        for i in 0..m {
            tmp[i] = y[i] + h0 * k[0][i];
        }
        rhs(&tmp, &mut k[1]);
        let diff: Vec<f64> = (0..m).map(|i| k[1][i] - k[0][i]).collect();
        let d2 = norm(&diff, &y) / h0;
        let h1 = if d1.max(d2) <= 1e-15 {
            (h0 * 1e-3).max(1e-6)
        } else {
            (0.01 / d1.max(d2)).powf(0.2)
        };
        let h = (100.0 * h0).min(h1);
        // A derivative that overflows the norm (a share seeded at 1e-300 with inflow) means
        // the time scale is itself ~1e-300: start there and let the controller grow h.
        if h > 0.0 && h.is_finite() {
            h
        } else {
            1e-300
        }
    };
    let mut t = 0.0f64;
    let mut attempts = 0usize;
    for &target in times {
        while t < target {
            attempts += 1;
            if attempts > tol.max_steps {
                return Err(DynamicsError::Integration {
                    t,
                    reason: format!("more than {} steps", tol.max_steps),
                });
            }
            // Land exactly on the output time (no interpolation error at outputs).
            let last = t + h >= target || target - (t + h) < 1e-12 * target;
            let step = if last { target - t } else { h };
            let stages: [&[f64]; 5] = [&A2, &A3, &A4, &A5, &A6];
            for (s, coeffs) in stages.iter().enumerate() {
                for i in 0..m {
                    let mut acc = 0.0;
                    for (j, c) in coeffs.iter().enumerate() {
                        acc += c * k[j][i];
                    }
                    tmp[i] = y[i] + step * acc;
                }
                rhs(&tmp, &mut k[s + 1]);
            }
            for i in 0..m {
                let mut acc = 0.0;
                for (j, b) in B5.iter().enumerate() {
                    acc += b * k[j][i];
                }
                y_new[i] = y[i] + step * acc;
            }
            rhs(&y_new, &mut k[6]);
            let mut err = 0.0f64;
            for i in 0..m {
                let mut e = 0.0;
                for (j, ej) in E.iter().enumerate() {
                    e += ej * k[j][i];
                }
                err = err.max((step * e / scale(y[i], y_new[i])).abs());
            }
            if !err.is_finite() || y_new.iter().any(|v| !v.is_finite()) {
                rejected += 1;
                h = step * 0.1;
                if h < 1e-300 || t + h == t {
                    return Err(DynamicsError::Integration {
                        t,
                        reason: "non-finite state".into(),
                    });
                }
                continue;
            }
            // Standard controller, safety 0.9, factor in [0.2, 5] (Hairer et al. II.4).
            let factor = (0.9 * err.powf(-0.2)).clamp(0.2, 5.0);
            if err <= 1.0 {
                accepted += 1;
                t = if last { target } else { t + step };
                std::mem::swap(&mut y, &mut y_new);
                renorm(&mut y);
                k.swap(0, 6); // FSAL: k7 = f(y_new), unchanged by the gauge shift.
                h = step * factor;
            } else {
                rejected += 1;
                h = step * factor.min(1.0);
                if t + h == t {
                    return Err(DynamicsError::Integration {
                        t,
                        reason: "step size underflow".into(),
                    });
                }
            }
        }
        out.push(y.clone());
    }
    Ok((out, accepted, rejected))
}

/// Shift `y` so that `sum exp y = 1`.
fn normalise_log(y: &mut [f64]) {
    let s = ln_sum_exp(y);
    if s.is_finite() {
        y.iter_mut().for_each(|v| *v -= s);
    }
}

/// `exp` of log-shares, normalised.
fn softmax(y: &[f64], x: &mut [f64]) {
    let m = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for (xi, yi) in x.iter_mut().zip(y) {
        *xi = (yi - m).exp();
        s += *xi;
    }
    x.iter_mut().for_each(|v| *v /= s);
}

/// Continuous replicator equation `x_i' = x_i ((Ax)_i - x'Ax)` (Taylor and Jonker 1978, Math.
/// Biosci. 40:145; Hofbauer and Sigmund 1998, eq. 7.1), integrated in log space from the
/// normalised `x0` at `t = 0`; returns the shares at each of `times` (non-decreasing, >= 0).
/// Strategies absent initially stay exactly absent.
pub fn continuous_replicator(
    a: &PayoffMatrix,
    x0: &[f64],
    times: &[f64],
    tol: &Tolerances,
) -> Result<Trajectory> {
    let n = a.size();
    let x = shares(x0, n)?;
    check_times(times)?;
    let active: Vec<usize> = (0..n).filter(|&i| x[i] > 0.0).collect();
    let m = active.len();
    // Payoffs among the active strategies only: absent ones contribute nothing.
    let sub: Vec<f64> = active
        .iter()
        .flat_map(|&i| active.iter().map(move |&j| a.get(i, j)))
        .collect();
    let mut xs = vec![0.0; m];
    let rhs = |y: &[f64], dy: &mut [f64]| {
        softmax(y, &mut xs);
        let mut mean = 0.0;
        for i in 0..m {
            let fi: f64 = sub[i * m..(i + 1) * m]
                .iter()
                .zip(&xs)
                .map(|(p, xj)| p * xj)
                .sum();
            dy[i] = fi;
            mean += xs[i] * fi;
        }
        // y_i' = (Ax)_i - x'Ax: the replicator equation divided by x_i.
        dy.iter_mut().for_each(|v| *v -= mean);
    };
    let y0: Vec<f64> = active.iter().map(|&i| x[i].ln()).collect();
    let (ys, accepted_steps, rejected_steps) = integrate(rhs, normalise_log, y0, times, tol)?;
    let states = ys
        .iter()
        .map(|y| {
            let mut xa = vec![0.0; m];
            softmax(y, &mut xa);
            let mut full = vec![0.0; n];
            for (k, &i) in active.iter().enumerate() {
                full[i] = xa[k];
            }
            full
        })
        .collect();
    Ok(Trajectory {
        times: times.to_vec(),
        states,
        accepted_steps,
        rejected_steps,
    })
}

/// Replicator-mutator equation `x_i' = sum_j x_j (Ax)_j Q_ji - x_i x'Ax` (Page and Nowak 2002,
/// J. Theor. Biol. 219:93, eq. 1), with `q` row-stochastic (`q[j][i]` = probability that the
/// offspring of `j` is `i`) and non-negative payoffs (fitness). Integrated in log space as
/// `y_i' = (sum_j x_j (Ax)_j Q_ji) / x_i - x'Ax`.
pub fn replicator_mutator<R: AsRef<[f64]>>(
    a: &PayoffMatrix,
    q: &[R],
    x0: &[f64],
    times: &[f64],
    tol: &Tolerances,
) -> Result<Trajectory> {
    let n = a.size();
    let qm = PayoffMatrix::from_rows(q)?;
    qm.require_size(n)?;
    for i in 0..n {
        let row = qm.row(i);
        if let Some(v) = row.iter().find(|v| **v < 0.0) {
            return Err(DynamicsError::InvalidParameter {
                name: "mutation matrix",
                reason: format!("negative entry {v} in row {i}"),
            });
        }
        let s: f64 = row.iter().sum();
        if (s - 1.0).abs() > 1e-9 {
            return Err(DynamicsError::InvalidParameter {
                name: "mutation matrix",
                reason: format!("row {i} sums to {s}, not 1"),
            });
        }
    }
    if a.min_entry() < 0.0 {
        return Err(DynamicsError::NegativeFitness {
            value: a.min_entry(),
            context: "replicator-mutator needs non-negative payoffs".into(),
        });
    }
    let mut x = shares(x0, n)?;
    check_times(times)?;
    let inflow_of = |x: &[f64], j_f: &mut Vec<f64>| -> (Vec<f64>, f64) {
        let mut mean = 0.0;
        for j in 0..n {
            j_f[j] = x[j] * a.row(j).iter().zip(x).map(|(p, xk)| p * xk).sum::<f64>();
            mean += j_f[j];
        }
        let inflow = (0..n)
            .map(|i| (0..n).map(|j| j_f[j] * qm.get(j, i)).sum())
            .collect();
        (inflow, mean)
    };
    // Log space cannot start from a zero share (y = -inf, y' = +inf), and seeding it at
    // 1e-300 costs ~690 e-folds of step-size growth. Instead take n tiny Euler substeps over
    // [0, t1] in linear space, t1 = 1e-10 / (largest rate): each substep makes the next layer
    // of mutational neighbours positive, the local error is O((t1 rate)^2) = 1e-20 relative
    // to the rates, and quasi-positivity (x_i' >= -x_i x'Ax) keeps every share >= 0 because
    // t1 x'Ax <= 1e-10. Shares still zero afterwards are unreachable by mutation and stay 0.
    let mut scratch = vec![0.0; n];
    let mut t1 = 0.0;
    let start = x.clone();
    if x.contains(&0.0) {
        let (inflow, mean) = inflow_of(&x, &mut scratch);
        let rate = inflow.iter().fold(mean.abs(), |m, v| m.max(*v));
        if rate > 0.0 {
            t1 = 1e-10 / rate;
            let dt = t1 / n as f64;
            for _ in 0..n {
                let (inflow, mean) = inflow_of(&x, &mut scratch);
                for i in 0..n {
                    x[i] = (x[i] + dt * (inflow[i] - x[i] * mean)).max(0.0);
                }
                let s: f64 = x.iter().sum();
                x.iter_mut().for_each(|v| *v /= s);
            }
        }
    }
    let active: Vec<usize> = (0..n).filter(|&i| x[i] > 0.0).collect();
    let m = active.len();
    let mut xs = vec![0.0; m];
    let mut f = vec![0.0; m];
    let rhs = |y: &[f64], dy: &mut [f64]| {
        softmax(y, &mut xs);
        let ln_total = ln_sum_exp(y);
        let mut mean = 0.0;
        for (k, &i) in active.iter().enumerate() {
            f[k] = active
                .iter()
                .zip(&xs)
                .map(|(&j, xj)| a.get(i, j) * xj)
                .sum();
            mean += xs[k] * f[k];
        }
        for (k, &i) in active.iter().enumerate() {
            let inflow: f64 = active
                .iter()
                .enumerate()
                .map(|(l, &j)| xs[l] * f[l] * qm.get(j, i))
                .sum();
            // inflow / x_i via logs: x_i may underflow in linear space.
            dy[k] = (inflow.ln() - (y[k] - ln_total)).exp() - mean;
        }
    };
    let y0: Vec<f64> = active.iter().map(|&i| x[i].ln()).collect();
    let shifted: Vec<f64> = times.iter().map(|t| (t - t1).max(0.0)).collect();
    let (ys, accepted_steps, rejected_steps) = integrate(rhs, normalise_log, y0, &shifted, tol)?;
    let states = ys
        .iter()
        .zip(times)
        .map(|(y, &t)| {
            let mut xa = vec![0.0; m];
            softmax(y, &mut xa);
            let mut full = vec![0.0; n];
            for (k, &i) in active.iter().enumerate() {
                full[i] = xa[k];
            }
            if t < t1 {
                // Inside the seeding interval: linear interpolation (error O(t1)).
                let u = t / t1;
                for i in 0..n {
                    full[i] = start[i] + u * (full[i] - start[i]);
                }
            }
            full
        })
        .collect();
    Ok(Trajectory {
        times: times.to_vec(),
        states,
        accepted_steps,
        rejected_steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axelrod() -> PayoffMatrix {
        // ALLC, ALLD, TFT over 10 rounds with R=3, S=0, T=5, P=1 (the matrix).
        PayoffMatrix::from_rows(&[[30.0, 0.0, 30.0], [50.0, 10.0, 14.0], [30.0, 9.0, 30.0]])
            .unwrap()
    }

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn discrete_first_generation_is_exact() {
        // From uniform: Ax = (20, 74/3, 23), x'Ax = 203/9, so x' = (60, 74, 69)/203.
        let traj = discrete_replicator(&axelrod(), &[1.0, 1.0, 1.0], 5).unwrap();
        assert_eq!(traj.len(), 6);
        let expected = [60.0 / 203.0, 74.0 / 203.0, 69.0 / 203.0];
        for (x, e) in traj[1].iter().zip(expected) {
            assert!(ulps(*x, e) <= 2, "{x} vs {e}");
        }
        for state in &traj {
            assert!((state.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn discrete_rejects_negative_payoffs() {
        let rps = PayoffMatrix::from_rows(&[[0.0, -1.0], [1.0, 0.0]]).unwrap();
        assert!(matches!(
            discrete_replicator(&rps, &[0.5, 0.5], 3),
            Err(DynamicsError::NegativeFitness { .. })
        ));
        assert!(matches!(
            discrete_replicator(&axelrod(), &[0.5, 0.5], 3),
            Err(DynamicsError::DimensionMismatch { .. })
        ));
        assert!(matches!(
            discrete_replicator(&axelrod(), &[0.5, f64::NAN, 0.1], 3),
            Err(DynamicsError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn continuous_axelrod_at_t10() {
        // Oracle from the issue (high-precision integration): ALLC 0.16109809759,
        // TFT 0.83890190241 to 1e-10, ALLD ~2.1147e-43.
        let tr = continuous_replicator(
            &axelrod(),
            &[1.0, 1.0, 1.0],
            &[0.0, 10.0],
            &Tolerances::default(),
        )
        .unwrap();
        let x = &tr.states[1];
        assert!((x[0] - 0.16109809759).abs() < 1e-10, "{x:?}");
        assert!((x[2] - 0.83890190241).abs() < 1e-10, "{x:?}");
        assert!(
            x[1] > 0.0 && ((x[1] - 2.1147e-43) / 2.1147e-43).abs() < 1e-3,
            "{x:?}"
        );
        // Self-convergence: a much tighter run agrees to 1e-10 relative.
        let tight = Tolerances {
            rtol: 1e-14,
            atol: 1e-14,
            ..Tolerances::default()
        };
        let t2 = continuous_replicator(&axelrod(), &[1.0, 1.0, 1.0], &[10.0], &tight).unwrap();
        for i in 0..3 {
            let r = (t2.states[0][i] - x[i]) / x[i];
            assert!(r.abs() < 1e-10, "{i}: {r}");
        }
    }

    #[test]
    fn rock_paper_scissors_conserves_product() {
        // Zero-sum RPS: H = ln x1 + ln x2 + ln x3 is a constant of motion (Hofbauer and
        // Sigmund 1998, sec. 7.7), i.e. x1 x2 x3 is conserved.
        let rps = PayoffMatrix::from_rows(&[[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
            .unwrap();
        let x0 = [0.5, 0.3, 0.2];
        let tr =
            continuous_replicator(&rps, &x0, &[25.0, 50.0, 100.0], &Tolerances::default()).unwrap();
        let p0 = 0.5 * 0.3 * 0.2;
        for x in &tr.states {
            let p: f64 = x.iter().product();
            assert!((p - p0).abs() < 1e-9, "{p} vs {p0}");
            assert!(x.iter().all(|v| *v > 0.0));
        }
    }

    #[test]
    fn absent_strategies_stay_absent_and_bad_input_errors() {
        let tr =
            continuous_replicator(&axelrod(), &[1.0, 0.0, 1.0], &[5.0], &Tolerances::default())
                .unwrap();
        assert_eq!(tr.states[0][1], 0.0);
        // ALLC and TFT are payoff-equivalent without ALLD: shares frozen.
        assert!((tr.states[0][0] - 0.5).abs() < 1e-14);
        assert!(
            continuous_replicator(&axelrod(), &[1.0; 3], &[2.0, 1.0], &Tolerances::default())
                .is_err()
        );
        assert!(
            continuous_replicator(&axelrod(), &[0.0; 3], &[1.0], &Tolerances::default()).is_err()
        );
    }

    #[test]
    fn replicator_mutator_oracles() {
        // Q = I reduces to the replicator equation.
        let id = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let tol = Tolerances::default();
        let a = axelrod();
        let rm = replicator_mutator(&a, &id, &[1.0, 1.0, 1.0], &[3.0], &tol).unwrap();
        let r = continuous_replicator(&a, &[1.0, 1.0, 1.0], &[3.0], &tol).unwrap();
        for i in 0..3 {
            assert!(((rm.states[0][i] - r.states[0][i]) / r.states[0][i]).abs() < 1e-10);
        }
        // Constant fitness 1 and uniform mixing Q = 1/n: x_i' = 1/n - x_i, so
        // x_i(t) = 1/n + (x_i(0) - 1/n) e^{-t} (linear ODE, solved by hand). Starts on a vertex:
        // absent strategies appear at once.
        let ones = PayoffMatrix::from_rows(&[[1.0; 3]; 3]).unwrap();
        let q = [[1.0 / 3.0; 3]; 3];
        let tr = replicator_mutator(&ones, &q, &[1.0, 0.0, 0.0], &[0.5, 2.0], &tol).unwrap();
        for (t, x) in tr.times.iter().zip(&tr.states) {
            let e = (-t).exp();
            let exact = [
                1.0 / 3.0 + (2.0 / 3.0) * e,
                1.0 / 3.0 - e / 3.0,
                1.0 / 3.0 - e / 3.0,
            ];
            for i in 0..3 {
                assert!(
                    ((x[i] - exact[i]) / exact[i]).abs() < 1e-10,
                    "{x:?} {exact:?}"
                );
            }
        }
        let bad_q = [[0.5, 0.6, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        assert!(matches!(
            replicator_mutator(&a, &bad_q, &[1.0; 3], &[1.0], &tol),
            Err(DynamicsError::InvalidParameter {
                name: "mutation matrix",
                ..
            })
        ));
        assert!(matches!(
            replicator_mutator(&a, &[[1.0, 0.0], [0.0, 1.0]], &[1.0; 3], &[1.0], &tol),
            Err(DynamicsError::DimensionMismatch { .. })
        ));
    }
}
