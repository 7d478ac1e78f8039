//! Why this file is long: about 280 lines are tests that check each formula against an independent
//! oracle, a closed form or a linear solve; they stay beside the formulas they check.
//!
//! Exact results for finite, well-mixed populations: fixation probabilities, fixation times and
//! stationary distributions of the Moran and pairwise-comparison (Fermi) processes.
//!
//! # Conventions
//!
//! - Two strategies, A and B, in a population of `N` individuals, `i` of them A. The game is
//!   the 2x2 [`PayoffMatrix`] `[[a, b], [c, d]]`: `a` is what A gets against A, `b` what A gets
//!   against B, `c` what B gets against A, `d` what B gets against B.
//! - No self-interaction: everybody plays everybody else once, and payoffs are averages over
//!   the `N - 1` co-players (Nowak et al. 2004, Nature 428:646):
//!   `F_A(i) = [a (i-1) + b (N-i)] / (N-1)`, `F_B(i) = [c i + d (N-i-1)] / (N-1)`.
//! - [`Process::Moran`]: fitness `f = 1 - w + w F_A`, `g = 1 - w + w F_B` with intensity of
//!   selection `w` (`w = 0` neutral, `w = 1` fitness equals payoff). One elementary step: a
//!   parent is picked with probability proportional to fitness, its offspring replaces an
//!   individual picked uniformly among all `N` (the parent may die). Negative fitness is an
//!   error.
//! - [`Process::Fermi`]: a focal individual picked uniformly copies a different individual,
//!   picked uniformly among the other `N - 1`, with probability
//!   `1 / (1 + exp(-beta (F_model - F_focal)))`; `beta >= 0` is the intensity of selection
//!   (Traulsen, Nowak and Pacheco 2006, Phys. Rev. E 74:011909). Traulsen's papers let the model
//!   be the focal individual itself (factor `i/N` instead of `i/(N-1)`): fixation probabilities
//!   are identical, times differ by the factor `N/(N-1)`.
//! - Times are counted in elementary steps (one update attempt each, including those that
//!   change nothing), the convention of [`crate::population`]'s simulator.
//! - Fixation probabilities are computed in log space (log-sum-exp over prefix sums of log
//!   transition ratios), so values down to ~1e-300 stay accurate, and `ln rho` is reported
//!   for values below that.

// Index loops mirror the published formulas (and several arrays are indexed together).
#![allow(clippy::needless_range_loop)]

use crate::linear;
use crate::payoff_matrix::{
    ln_add_exp, ln_sum_exp, softplus, DynamicsError, OverflowCause, PayoffMatrix, Result,
};

/// The update rule of a finite population (see the module docs for the exact definitions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Process {
    /// Moran birth-death with linear fitness `1 - w + w F` (uniform death among all `N`).
    Moran {
        /// Intensity of selection, finite and `>= 0`.
        w: f64,
    },
    /// Pairwise comparison with the Fermi function and intensity `beta`.
    Fermi {
        /// Intensity of selection, finite and `>= 0`.
        beta: f64,
    },
}

impl Process {
    /// Checks that the intensity of selection is finite and `>= 0`.
    pub fn validate(self) -> Result<()> {
        let (name, v) = match self {
            Process::Moran { w } => ("w", w),
            Process::Fermi { beta } => ("beta", beta),
        };
        if !v.is_finite() || v < 0.0 {
            return Err(DynamicsError::InvalidParameter {
                name,
                reason: format!("must be finite and >= 0, got {v}"),
            });
        }
        Ok(())
    }
}

/// Fixation probabilities of a single mutant (A among `N-1` B, and B among `N-1` A).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixation {
    /// Probability that one A takes over a population of B.
    pub rho_a: f64,
    /// Probability that one B takes over a population of A.
    pub rho_b: f64,
    /// `ln rho_a` (finite even where `rho_a` underflows; `-inf` if A can never grow).
    pub ln_rho_a: f64,
    /// `ln rho_b`.
    pub ln_rho_b: f64,
    /// The neutral benchmark `1/N`.
    pub neutral: f64,
}

/// Expected times, in elementary steps, starting from one A among `N-1` B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixationTimes {
    /// Unconditional mean time until the population is monomorphic (either type).
    pub absorption: f64,
    /// Mean time to A-fixation, conditional on A fixing.
    pub conditional_a: f64,
}

/// Stationary distribution of the small-mutation-limit embedded chain over `n` strategies.
#[derive(Debug, Clone, PartialEq)]
pub struct Stationary {
    /// Long-run fraction of time the population spends homogeneous in each strategy.
    pub distribution: Vec<f64>,
    /// Row-stochastic transition matrix: `transition[i][j] = rho(j invades i) / (n-1)`.
    pub transition: Vec<Vec<f64>>,
}

/// Average payoffs `(F_A(i), F_B(i))` without self-interaction (module docs).
#[inline]
pub(crate) fn pair_payoffs(game: &[[f64; 2]; 2], n: usize, i: usize) -> (f64, f64) {
    let [[a, b], [c, d]] = *game;
    let (i, n) = (i as f64, n as f64);
    (
        (a * (i - 1.0) + b * (n - i)) / (n - 1.0),
        (c * i + d * (n - i - 1.0)) / (n - 1.0),
    )
}

/// The birth-death chain without mutation on interior states `i = 1..N-1`.
struct Chain {
    /// `ln(T-_i / T+_i)`, index `i - 1`.
    ln_gamma: Vec<f64>,
    /// `ln T+_i`, index `i - 1`.
    ln_tplus: Vec<f64>,
    /// Some `T+_i` is zero: A can never reach fixation.
    blocked: bool,
}

fn check_population(n: usize) -> Result<()> {
    if n < 2 {
        return Err(DynamicsError::InvalidParameter {
            name: "population size",
            reason: format!("need N >= 2, got {n}"),
        });
    }
    Ok(())
}

/// A vector of `n` values, reserved without aborting when `n` is too large for memory.
pub(crate) fn reserve(n: usize, what: &'static str) -> Result<Vec<f64>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| DynamicsError::Allocation { what, elements: n })?;
    Ok(v)
}

fn overflow(cause: OverflowCause, what: String) -> DynamicsError {
    DynamicsError::Overflow { cause, what }
}

fn chain(game: &[[f64; 2]; 2], n: usize, process: Process) -> Result<Chain> {
    let mut ln_gamma = reserve(n - 1, "the transition ratios of the fixation chain")?;
    let mut ln_tplus = reserve(n - 1, "the transition probabilities of the fixation chain")?;
    let mut blocked = false;
    let nf = n as f64;
    for i in 1..n {
        let (fa, fb) = pair_payoffs(game, n, i);
        if !(fa.is_finite() && fb.is_finite()) {
            let largest = game.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
            return Err(overflow(OverflowCause::Payoffs, format!(
                "the average payoff at i = {i} of N = {n} is not finite; payoffs as large as {largest:e} are too large for this population"
            )));
        }
        let fi = i as f64;
        match process {
            Process::Moran { w } => {
                let f = 1.0 - w + w * fa;
                let g = 1.0 - w + w * fb;
                if !(f.is_finite() && g.is_finite()) {
                    return Err(overflow(OverflowCause::Intensity, format!(
                        "the Moran fitness 1 - w + w F at i = {i} of N = {n} is not finite (w = {w:e}, payoffs {fa:e} and {fb:e}); reduce w or the payoffs"
                    )));
                }
                for v in [f, g] {
                    if v < 0.0 {
                        return Err(DynamicsError::NegativeFitness {
                            value: v,
                            context: format!("Moran fitness at i = {i} of N = {n}, w = {w}"),
                        });
                    }
                }
                let total = fi * f + (nf - fi) * g;
                if total <= 0.0 || !total.is_finite() {
                    return Err(DynamicsError::InvalidParameter {
                        name: "game",
                        reason: format!("total fitness is {total} at i = {i}"),
                    });
                }
                // T+ = i f / total * (N-i)/N, T- = (N-i) g / total * i/N (module docs), so
                // T-/T+ = g/f: one division, one log, no cancellation when g ~ f.
                if f == 0.0 {
                    blocked = true;
                    ln_gamma.push(f64::INFINITY);
                    ln_tplus.push(f64::NEG_INFINITY);
                } else {
                    ln_gamma.push((g / f).ln());
                    ln_tplus.push((fi * f / total).ln() + ((nf - fi) / nf).ln());
                }
            }
            Process::Fermi { beta } => {
                let difference = fa - fb;
                if !difference.is_finite() {
                    return Err(overflow(OverflowCause::Payoffs, format!(
                        "the payoff difference at i = {i} of N = {n} is not finite ({fa:e} - {fb:e}); the payoffs are too large"
                    )));
                }
                // beta * difference may be infinite (a huge beta): that is the limit of
                // strong selection, where the better type is always imitated; a zero
                // difference stays 0 whatever beta.
                let z = if difference == 0.0 {
                    0.0
                } else {
                    beta * difference
                };
                // T+ = i (N-i) / (N (N-1)) / (1 + e^{-z}); T-/T+ = e^{-z}
                // (Traulsen, Nowak and Pacheco 2006).
                if z == f64::NEG_INFINITY {
                    // A is never imitated in this state: T+ = 0.
                    blocked = true;
                    ln_gamma.push(f64::INFINITY);
                    ln_tplus.push(f64::NEG_INFINITY);
                } else {
                    ln_gamma.push(-z);
                    ln_tplus.push((fi * (nf - fi) / (nf * (nf - 1.0))).ln() - softplus(-z));
                }
            }
        }
    }
    Ok(Chain {
        ln_gamma,
        ln_tplus,
        blocked,
    })
}

/// Prefix sums `s_0 = 0, s_k = sum_{i<=k} ln gamma_i` (k = 0..N-1), Neumaier-compensated so the
/// absolute error does not grow with N; once a term is `-inf` (a zero product) it stays there.
/// A sum of finite terms that overflows is an error: it would need more than double range.
fn prefix_sums(ln_gamma: &[f64]) -> Result<Vec<f64>> {
    let mut out = reserve(ln_gamma.len() + 1, "the prefix sums of the fixation chain")?;
    out.push(0.0);
    let (mut s, mut c) = (0.0f64, 0.0f64);
    let mut dead = false;
    for &t in ln_gamma {
        if dead || t == f64::NEG_INFINITY {
            dead = true;
            out.push(f64::NEG_INFINITY);
            continue;
        }
        let u = s + t;
        if !u.is_finite() {
            return Err(overflow(
                OverflowCause::Intensity,
                "the intensity of selection is too large: the products of the transition ratios exceed the double range; reduce w or beta"
                    .to_string(),
            ));
        }
        c += if s.abs() >= t.abs() {
            (s - u) + t
        } else {
            (t - u) + s
        };
        s = u;
        out.push(s + c);
    }
    Ok(out)
}

/// `ln rho_A = -ln(1 + sum_{k=1}^{N-1} prod_{i=1}^k gamma_i)` (Nowak et al. 2004, eq. 1;
/// Nowak 2006, "Evolutionary Dynamics", eq. 6.13), evaluated as `-logsumexp(s_0..s_{N-1})`.
fn ln_rho(chain: &Chain) -> Result<f64> {
    if chain.blocked {
        return Ok(f64::NEG_INFINITY);
    }
    Ok(-ln_sum_exp(&prefix_sums(&chain.ln_gamma)?))
}

fn game2(game: &PayoffMatrix) -> Result<[[f64; 2]; 2]> {
    game.require_size(2)?;
    Ok(game.pair(0, 1))
}

fn swapped(g: &[[f64; 2]; 2]) -> [[f64; 2]; 2] {
    [[g[1][1], g[1][0]], [g[0][1], g[0][0]]]
}

fn fixation_2x2(game: &[[f64; 2]; 2], n: usize, process: Process) -> Result<Fixation> {
    let ln_rho_a = ln_rho(&chain(game, n, process)?)?;
    // rho_B is rho_A of the relabelled game [[d, c], [b, a]]: exact and symmetric, and it
    // avoids rho_B = rho_A prod gamma, which fails when rho_A underflows or is zero.
    let ln_rho_b = ln_rho(&chain(&swapped(game), n, process)?)?;
    if ln_rho_a.is_nan() || ln_rho_b.is_nan() || ln_rho_a > 0.0 || ln_rho_b > 0.0 {
        return Err(overflow(OverflowCause::Intensity, format!(
            "the fixation probabilities are not numbers in [0, 1] (ln rho = {ln_rho_a}, {ln_rho_b}); the inputs are too extreme"
        )));
    }
    Ok(Fixation {
        rho_a: ln_rho_a.exp(),
        rho_b: ln_rho_b.exp(),
        ln_rho_a,
        ln_rho_b,
        neutral: 1.0 / n as f64,
    })
}

/// Exact fixation probabilities of one A among B and one B among A for the 2x2 `game`
/// `[[a, b], [c, d]]` in a population of `population >= 2`.
pub fn fixation_probabilities(
    game: &PayoffMatrix,
    population: usize,
    process: Process,
) -> Result<Fixation> {
    process.validate()?;
    check_population(population)?;
    fixation_2x2(&game2(game)?, population, process)
}

/// Expected unconditional absorption time and conditional fixation time of A, from one A.
///
/// Formulas (Antal and Scheuring 2006, Bull. Math. Biol. 68:1923; Traulsen and Hauert 2009,
/// "Stochastic evolutionary game dynamics", eqs. for `t_1` and `t_1^A`):
/// `t_1 = rho_A sum_{k=1}^{N-1} sum_{l=1}^{k} (1/T+_l) prod_{m=l+1}^{k} gamma_m` and
/// `t_1^A = sum_{k=1}^{N-1} sum_{l=1}^{k} (phi_l/T+_l) prod_{m=l+1}^{k} gamma_m`, with
/// `phi_l = (1 + sum_{k=1}^{l-1} prod gamma) / (1 + sum_{k=1}^{N-1} prod gamma)` the fixation
/// probability from `l` A. `None` if A can never grow (a zero fitness, or infinitely strong
/// selection against it), where `t_1^A` is undefined.
pub fn fixation_times(
    game: &PayoffMatrix,
    population: usize,
    process: Process,
) -> Result<Option<FixationTimes>> {
    process.validate()?;
    check_population(population)?;
    let g = game2(game)?;
    let ch = chain(&g, population, process)?;
    if ch.blocked {
        return Ok(None);
    }
    let s = prefix_sums(&ch.ln_gamma)?;
    let ln_norm = ln_sum_exp(&s);
    // Inner sums by the recursion Q_k = gamma_k Q_{k-1} + w_l / T+_k (O(N), log space; a
    // zero gamma gives -inf, which the recursion handles without NaN).
    let (mut ln_q, mut ln_r) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let (mut ln_t, mut ln_ta) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut ln_prefix = f64::NEG_INFINITY; // ln sum_{j<k} exp(s_j)
    for k in 1..population {
        let lg = ch.ln_gamma[k - 1];
        let ltp = ch.ln_tplus[k - 1];
        ln_prefix = ln_add_exp(ln_prefix, s[k - 1]);
        let ln_phi = ln_prefix - ln_norm;
        let carry = |x: f64| if x == f64::NEG_INFINITY { x } else { x + lg };
        ln_q = ln_add_exp(carry(ln_q), -ltp);
        ln_r = ln_add_exp(carry(ln_r), ln_phi - ltp);
        ln_t = ln_add_exp(ln_t, ln_q);
        ln_ta = ln_add_exp(ln_ta, ln_r);
    }
    let times = FixationTimes {
        absorption: (ln_t - ln_norm).exp(),
        conditional_a: ln_ta.exp(),
    };
    if !(times.absorption.is_finite() && times.conditional_a.is_finite()) {
        return Err(overflow(OverflowCause::Size, format!(
            "the fixation times are not finite ({} and {} steps); the population or the intensity of selection is too large",
            times.absorption, times.conditional_a
        )));
    }
    Ok(Some(times))
}

/// Stationary distribution of the small-mutation-limit chain from pairwise fixation
/// probabilities: `rho[i][j]` is the probability that a single `j` takes over a population of
/// `i` (diagonal ignored). `T[i][j] = rho[i][j] / (n-1)`, `T[i][i] = 1 - sum_{j != i} T[i][j]`
/// (Fudenberg and Imhof 2006, J. Econ. Theory 131:251; Imhof, Fudenberg and Nowak 2005, PNAS
/// 102:10797). Solves `pi T = pi`, `sum pi = 1` by Gaussian elimination with partial pivoting.
pub fn stationary_from_fixation<R: AsRef<[f64]>>(rho: &[R]) -> Result<Stationary> {
    let n = rho.len();
    if n == 0 {
        return Err(DynamicsError::EmptyMatrix);
    }
    for (i, r) in rho.iter().enumerate() {
        let r = r.as_ref();
        if r.len() != n {
            return Err(DynamicsError::NotSquare {
                row: i,
                len: r.len(),
                expected: n,
            });
        }
        for (j, &v) in r.iter().enumerate() {
            if i != j && !(0.0..=1.0).contains(&v) {
                return Err(DynamicsError::InvalidParameter {
                    name: "fixation probability",
                    reason: format!("rho[{i}][{j}] = {v} is not in [0, 1]"),
                });
            }
        }
    }
    if n == 1 {
        return Ok(Stationary {
            distribution: vec![1.0],
            transition: vec![vec![1.0]],
        });
    }
    let scale = 1.0 / (n - 1) as f64;
    let mut transition = vec![vec![0.0; n]; n];
    let mut out_rate = vec![0.0; n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                transition[i][j] = rho[i].as_ref()[j] * scale;
                out_rate[i] += transition[i][j];
            }
        }
        transition[i][i] = 1.0 - out_rate[i];
    }
    // Balance equations (T^T - I) pi = 0, written with -out_rate on the diagonal instead of
    // T_ii - 1 = -(sum of tiny numbers) to avoid the cancellation in 1 - (1 - s); the last
    // equation is replaced by the normalisation sum pi = 1.
    let mut m = vec![vec![0.0; n + 1]; n];
    for j in 0..n - 1 {
        for i in 0..n {
            m[j][i] = if i == j {
                -out_rate[j]
            } else {
                transition[i][j]
            };
        }
    }
    m[n - 1] = vec![1.0; n + 1];
    let pi = solve_augmented(m, "small-mutation stationary distribution")?;
    Ok(Stationary {
        distribution: pi,
        transition,
    })
}

/// Solves the balance equations with [`linear::solve`]. The solution is a probability vector
/// up to round-off: tiny negatives are clamped and it is renormalised.
fn solve_augmented(m: Vec<Vec<f64>>, what: &'static str) -> Result<Vec<f64>> {
    let mut x = linear::solve(m, 0.0).ok_or(DynamicsError::Singular(what))?;
    x.iter_mut().for_each(|v| *v = v.max(0.0));
    let total: f64 = x.iter().sum();
    if total <= 0.0 {
        return Err(DynamicsError::Singular(what));
    }
    x.iter_mut().for_each(|v| *v /= total);
    Ok(x)
}

/// Small-mutation-limit stationary distribution over all strategies of the `n x n` `matrix`
/// (pairwise invasions computed exactly with [`fixation_probabilities`]'s method).
pub fn small_mutation_stationary(
    matrix: &PayoffMatrix,
    population: usize,
    process: Process,
) -> Result<Stationary> {
    process.validate()?;
    check_population(population)?;
    let n = matrix.size();
    let mut rho = vec![vec![0.0; n]; n];
    // A failure names the pair, so a user knows which strategies' payoffs caused it.
    let pair_error = |e: DynamicsError, i: usize, j: usize| match e {
        DynamicsError::Overflow { cause, what } => overflow(
            cause,
            format!("strategy {} invading strategy {}: {what}", j + 1, i + 1),
        ),
        other => other,
    };
    for i in 0..n {
        for j in i + 1..n {
            // Mutant j in resident i: A = j, B = i.
            let fx = fixation_2x2(&matrix.pair(j, i), population, process)
                .map_err(|e| pair_error(e, i, j))?;
            rho[i][j] = fx.rho_a;
            rho[j][i] = fx.rho_b;
        }
    }
    stationary_from_fixation(&rho)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    fn nowak() -> PayoffMatrix {
        // Nowak, Sasaki, Taylor and Fudenberg 2004 (Nature 428:646), Fig. 1 / text: TFT vs
        // ALLD, m = 10 rounds, R=3, S=0, T=5, P=1: a = 30, b = 9, c = 14, d = 10 (A = TFT).
        PayoffMatrix::from_rows(&[[30.0, 9.0], [14.0, 10.0]]).unwrap()
    }

    #[test]
    fn constant_fitness_moran() {
        // Constant fitness r vs 1: rho = (1 - 1/r) / (1 - 1/r^N) (Nowak 2006, eq. 6.3);
        // r = 1.1, N = 10 evaluated exactly: 0.14795035898410146.
        let g = PayoffMatrix::from_rows(&[[1.1, 1.1], [1.0, 1.0]]).unwrap();
        let fx = fixation_probabilities(&g, 10, Process::Moran { w: 1.0 }).unwrap();
        assert!(rel(fx.rho_a, 0.14795035898410146) <= 1e-12, "{}", fx.rho_a);
        let closed = (1.0 - 1.0 / 1.1) / (1.0 - 1.1f64.powi(-10));
        assert!(rel(fx.rho_a, closed) <= 1e-12);
        // rho_B for the resident-turned-mutant with relative fitness 1/r.
        let closed_b = (1.0 - 1.1) / (1.0 - 1.1f64.powi(10));
        assert!(rel(fx.rho_b, closed_b) <= 1e-12);
    }

    #[test]
    fn nowak_2004_values() {
        // Oracle values from the issue (exact rational evaluation of the fixation formula for
        // the Nowak et al. 2004 game).
        let fx = fixation_probabilities(&nowak(), 10, Process::Moran { w: 0.1 }).unwrap();
        assert!(rel(fx.rho_a, 0.15221789291122497) <= 1e-12, "{}", fx.rho_a);
        assert!(rel(fx.rho_b, 0.019361850162078975) <= 1e-12, "{}", fx.rho_b);
        let fx = fixation_probabilities(&nowak(), 10, Process::Fermi { beta: 0.1 }).unwrap();
        assert!(rel(fx.rho_a, 0.19109545841672218) <= 1e-12, "{}", fx.rho_a);
        assert!(rel(fx.rho_b, 7.80963461477658e-4) <= 1e-12, "{}", fx.rho_b);
    }

    #[test]
    fn tiny_fixation_probabilities_stay_exact() {
        // Fermi with constant payoff difference F_A - F_B = -1: gamma = e^beta, so
        // rho_A = 1 / sum_{k=0}^{N-1} e^{k beta} = expm1(beta) / expm1(N beta) (geometric
        // series); evaluated independently in log form. N = 100, beta = 4.6: ~1e-198.
        let g = PayoffMatrix::from_rows(&[[0.0, 0.0], [1.0, 1.0]]).unwrap();
        let (n, beta) = (100usize, 4.6f64);
        let fx = fixation_probabilities(&g, n, Process::Fermi { beta }).unwrap();
        let nb = n as f64 * beta;
        let ln_exact = beta.exp_m1().ln() - (nb + (-(-nb).exp()).ln_1p());
        assert!(fx.rho_a > 0.0 && fx.rho_a < 1e-190, "{}", fx.rho_a);
        assert!(
            rel(fx.rho_a, ln_exact.exp()) <= 1e-12,
            "{} {}",
            fx.rho_a,
            ln_exact.exp()
        );
        // Moran, constant fitness r = 0.01: rho = (1/r - 1) / (r^{-N} - 1) ~ 99e-200.
        let r = 0.01f64;
        let g = PayoffMatrix::from_rows(&[[r, r], [1.0, 1.0]]).unwrap();
        let fx = fixation_probabilities(&g, n, Process::Moran { w: 1.0 }).unwrap();
        let ln_exact = (1.0 / r - 1.0).ln() - (n as f64 * (1.0 / r).ln());
        assert!(fx.rho_a > 0.0);
        assert!(rel(fx.rho_a, ln_exact.exp()) <= 1e-12, "{}", fx.rho_a);
        // A different summation order: sum the products from k = N-1 downwards directly in
        // log space with a running log-add.
        let ln_g = (1.0f64 / r).ln();
        let mut acc = f64::NEG_INFINITY;
        for k in (0..n).rev() {
            acc = ln_add_exp(acc, k as f64 * ln_g);
        }
        assert!(rel(fx.ln_rho_a, -acc) <= 1e-14);
        // Beyond f64 range the log is still right.
        let fx = fixation_probabilities(&g, 400, Process::Moran { w: 1.0 }).unwrap();
        assert_eq!(fx.rho_a, 0.0);
        let ln_exact = (1.0 / r - 1.0).ln() - (400.0 * (1.0 / r).ln());
        assert!(rel(fx.ln_rho_a, ln_exact) <= 1e-13);
    }

    /// Independent oracle: expected times by solving the absorbing-chain linear systems
    /// t_i = 1 + T+ t_{i+1} + T- t_{i-1} + (1 - T+ - T-) t_i and, for theta_i = phi_i t^A_i,
    /// theta_i = phi_i + ... (Karlin and Taylor 1975), with the Thomas algorithm.
    fn times_by_linear_solve(g: &[[f64; 2]; 2], n: usize, process: Process) -> (f64, f64) {
        let mut tp = vec![0.0; n + 1];
        let mut tm = vec![0.0; n + 1];
        for i in 1..n {
            let (fa, fb) = pair_payoffs(g, n, i);
            let (i_f, nf) = (i as f64, n as f64);
            match process {
                Process::Moran { w } => {
                    let (f, gg) = (1.0 - w + w * fa, 1.0 - w + w * fb);
                    let tot = i_f * f + (nf - i_f) * gg;
                    tp[i] = i_f * f / tot * (nf - i_f) / nf;
                    tm[i] = (nf - i_f) * gg / tot * i_f / nf;
                }
                Process::Fermi { beta } => {
                    let base = i_f * (nf - i_f) / (nf * (nf - 1.0));
                    tp[i] = base / (1.0 + (-beta * (fa - fb)).exp());
                    tm[i] = base / (1.0 + (beta * (fa - fb)).exp());
                }
            }
        }
        // phi by the same style of solve: phi_i (T+ + T-) - T+ phi_{i+1} - T- phi_{i-1} = 0.
        let solve = |rhs: &dyn Fn(usize) -> f64, right_boundary: f64| -> Vec<f64> {
            // unknowns 1..n-1; sub = -T-, diag = T+ + T-, sup = -T+
            let m = n - 1;
            let mut c = vec![0.0; m];
            let mut d = vec![0.0; m];
            for k in 0..m {
                let i = k + 1;
                let (a, b, cc) = (-tm[i], tp[i] + tm[i], -tp[i]);
                let mut r = rhs(i);
                if i == n - 1 {
                    r += tp[i] * right_boundary;
                }
                let denom = if k == 0 { b } else { b - a * c[k - 1] };
                c[k] = cc / denom;
                d[k] = if k == 0 {
                    r / denom
                } else {
                    (r - a * d[k - 1]) / denom
                };
            }
            let mut x = vec![0.0; n + 1];
            x[n] = right_boundary;
            for k in (0..m).rev() {
                x[k + 1] = d[k] - c[k] * if k + 1 < m { x[k + 2] } else { 0.0 };
            }
            x
        };
        let phi = solve(&|_| 0.0, 1.0);
        let t = solve(&|_| 1.0, 0.0);
        let theta = solve(&|i| phi[i], 0.0);
        (t[1], theta[1] / phi[1])
    }

    #[test]
    fn fixation_times_match_linear_solve_and_neutral_formula() {
        // Neutral Moran: conditional fixation time N (N-1) (Antal and Scheuring 2006) and
        // unconditional absorption time N H_{N-1} from one mutant.
        let neutral = PayoffMatrix::from_rows(&[[1.0, 1.0], [1.0, 1.0]]).unwrap();
        let t = fixation_times(&neutral, 20, Process::Moran { w: 0.5 })
            .unwrap()
            .unwrap();
        assert!(rel(t.conditional_a, 20.0 * 19.0) < 1e-12, "{t:?}");
        let h: f64 = (1..20).map(|k| 1.0 / k as f64).sum();
        assert!(rel(t.absorption, 20.0 * h) < 1e-12, "{t:?}");
        let g = nowak();
        for process in [Process::Moran { w: 0.1 }, Process::Fermi { beta: 0.3 }] {
            let t = fixation_times(&g, 10, process).unwrap().unwrap();
            let (t1, ta) = times_by_linear_solve(&g.pair(0, 1), 10, process);
            assert!(rel(t.absorption, t1) < 1e-10, "{t:?} {t1}");
            assert!(rel(t.conditional_a, ta) < 1e-10, "{t:?} {ta}");
        }
    }

    #[test]
    fn stationary_two_strategies_is_analytic() {
        // Two-state chain: pi_A T[A][B] = pi_B T[B][A], so pi_A : pi_B = rho_A : rho_B
        // (Fudenberg and Imhof 2006), where rho_A = P(one A fixes among B).
        let g = nowak();
        let p = Process::Moran { w: 0.1 };
        let fx = fixation_probabilities(&g, 10, p).unwrap();
        let st = small_mutation_stationary(&g, 10, p).unwrap();
        let s = fx.rho_a + fx.rho_b;
        assert!(rel(st.distribution[0], fx.rho_a / s) < 1e-13);
        assert!(rel(st.distribution[1], fx.rho_b / s) < 1e-13);
        for row in &st.transition {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn stationary_many_strategies() {
        // A 200-strategy random-ish game: rows sum to 1, pi is a probability vector and a
        // fixed point of T (residual check).
        let n = 200;
        let rows: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| ((i * 7 + j * 13) % 11) as f64).collect())
            .collect();
        let m = PayoffMatrix::from_rows(&rows).unwrap();
        let st = small_mutation_stationary(&m, 8, Process::Fermi { beta: 0.5 }).unwrap();
        assert!((st.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for j in 0..n {
            let pj: f64 = (0..n)
                .map(|i| st.distribution[i] * st.transition[i][j])
                .sum();
            assert!((pj - st.distribution[j]).abs() < 1e-12);
        }
    }

    #[test]
    fn stationary_errors() {
        assert_eq!(
            stationary_from_fixation::<Vec<f64>>(&[]),
            Err(DynamicsError::EmptyMatrix)
        );
        assert!(matches!(
            stationary_from_fixation(&[vec![0.0, 0.5], vec![0.5]]),
            Err(DynamicsError::NotSquare { row: 1, .. })
        ));
        assert!(matches!(
            stationary_from_fixation(&[[0.0, f64::NAN], [0.5, 0.0]]),
            Err(DynamicsError::InvalidParameter { .. })
        ));
        assert!(matches!(
            stationary_from_fixation(&[[0.0, 1.5], [0.5, 0.0]]),
            Err(DynamicsError::InvalidParameter { .. })
        ));
        // Two absorbing states: no unique stationary distribution.
        assert!(matches!(
            stationary_from_fixation(&[[0.0, 0.0], [0.0, 0.0]]),
            Err(DynamicsError::Singular(_))
        ));
        let g = nowak();
        assert!(matches!(
            small_mutation_stationary(&g, 1, Process::Moran { w: 0.1 }),
            Err(DynamicsError::InvalidParameter { .. })
        ));
        assert!(matches!(
            fixation_probabilities(&g, 10, Process::Fermi { beta: f64::NAN }),
            Err(DynamicsError::InvalidParameter { name: "beta", .. })
        ));
        let three = PayoffMatrix::from_rows(&[[1.0; 3]; 3]).unwrap();
        assert!(matches!(
            fixation_probabilities(&three, 10, Process::Moran { w: 0.1 }),
            Err(DynamicsError::DimensionMismatch { .. })
        ));
    }

    #[test]
    fn negative_fitness_is_an_error_under_moran() {
        let g = PayoffMatrix::from_rows(&[[-5.0, 0.0], [1.0, 1.0]]).unwrap();
        assert!(matches!(
            fixation_probabilities(&g, 10, Process::Moran { w: 1.0 }),
            Err(DynamicsError::NegativeFitness { .. })
        ));
        // Fermi only uses payoff differences: fine.
        assert!(fixation_probabilities(&g, 10, Process::Fermi { beta: 1.0 }).is_ok());
    }

    #[test]
    fn extreme_inputs_give_limits_or_errors_never_nan() {
        // beta = 1e308: beta * (payoff difference) is infinite, the limit of strong
        // selection. In the Nowak game ALLD earns more than TFT in a mostly-ALLD population,
        // so one TFT never spreads (rho_a = 0, A never fixes: no times), while one ALLD
        // among TFT... also loses to TFT at i = N-1 (TFT earns 30 * 8/9 + 9/9 > 14): rho_b = 0.
        let fx = fixation_probabilities(&nowak(), 10, Process::Fermi { beta: 1e308 }).unwrap();
        assert_eq!(fx.rho_a, 0.0);
        assert!(fx.ln_rho_a < -1e300, "{fx:?}");
        assert!(fx.rho_b.is_finite() && (0.0..=1.0).contains(&fx.rho_b));
        // Times: a number, "never fixes", or an error that says what overflowed; never NaN.
        match fixation_times(&nowak(), 10, Process::Fermi { beta: 1e308 }) {
            Ok(Some(t)) => assert!(t.absorption.is_finite() && t.conditional_a.is_finite()),
            Ok(None) => {}
            Err(e) => assert!(matches!(e, DynamicsError::Overflow { .. }), "{e}"),
        }
        // A payoff of 1e308 times 8 co-players overflows: an error that says so.
        let huge = PayoffMatrix::from_rows(&[[1e308, -1e308], [1e308, 0.0]]).unwrap();
        let e = fixation_probabilities(&huge, 10, Process::Fermi { beta: 1.0 }).unwrap_err();
        assert!(
            matches!(&e, DynamicsError::Overflow { cause: OverflowCause::Payoffs, what } if what.contains("too large")),
            "{e}"
        );
        let e = fixation_probabilities(&nowak(), 10, Process::Moran { w: 1e308 }).unwrap_err();
        assert!(matches!(e, DynamicsError::Overflow { .. }), "{e}");
        // Stationary with a huge beta: no NaN, a probability vector.
        let three =
            PayoffMatrix::from_rows(&[[3.0, 0.0, 5.0], [5.0, 1.0, 0.0], [0.0, 5.0, 1.0]]).unwrap();
        match small_mutation_stationary(&three, 100, Process::Fermi { beta: 1e308 }) {
            Ok(st) => {
                assert!(st.distribution.iter().all(|v| v.is_finite()));
                assert!((st.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
            Err(e) => assert!(
                matches!(
                    e,
                    DynamicsError::Singular(_) | DynamicsError::Overflow { .. }
                ),
                "{e}"
            ),
        }
    }
}
