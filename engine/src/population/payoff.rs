//! Where the simulator's payoffs come from: the [`PairPayoff`] trait (a payoff matrix, or real
//! matches in [`crate::evolution::MatchPayoff`]), its typed error, and the two ways the
//! simulators read it: a table made once for deterministic payoffs, or a fresh draw per call.
//!
//! Why a module of its own: a payoff that cannot be computed is an error value
//! ([`PayoffError`]) that travels up to the caller, never a NaN standing in for one (issue 9).

use thiserror::Error;
use vertrouwen_plugins_api::Rng;

use crate::matchup::MatchError;
use crate::payoff_matrix::PayoffMatrix;

/// Why a payoff could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PayoffError {
    /// A strategy index outside `0..types`.
    #[error("strategy index {index} is out of range: there are {types} strategies")]
    UnknownType {
        /// The index asked for.
        index: usize,
        /// Number of strategies.
        types: usize,
    },
    /// The match that gives the payoff failed (a strategy panicked or refused its parameters).
    #[error("the match of strategy {a} against strategy {b} failed: {source}")]
    Match {
        /// Row player's strategy.
        a: usize,
        /// Column player's strategy.
        b: usize,
        /// What went wrong.
        #[source]
        source: Box<MatchError>,
    },
    /// A payoff source returned NaN or an infinity.
    #[error("the payoff of strategy {a} against strategy {b} is {value}, not a finite number")]
    NonFinite {
        /// Row player's strategy.
        a: usize,
        /// Column player's strategy.
        b: usize,
        /// The value returned.
        value: f64,
    },
}

/// Source of payoffs between strategy types. Implemented for [`PayoffMatrix`]; an integrator
/// may implement it with real matches.
pub trait PairPayoff: Sync {
    /// Number of strategy types: `payoff` takes indices in `0..types()`.
    fn types(&self) -> usize;

    /// The payoff type `a` gets against type `b` (may use `rng` if random). A finite number,
    /// or the reason there is none.
    fn payoff(&self, a: usize, b: usize, rng: &mut Rng) -> Result<f64, PayoffError>;

    /// `true` if `payoff` never uses `rng` and always returns the same value, so the simulator
    /// may tabulate it once. Defaults to `false`.
    fn is_deterministic(&self) -> bool {
        false
    }
}

impl PairPayoff for PayoffMatrix {
    fn types(&self) -> usize {
        self.size()
    }

    /// Entry `(a, b)`.
    fn payoff(&self, a: usize, b: usize, _rng: &mut Rng) -> Result<f64, PayoffError> {
        for index in [a, b] {
            if index >= self.size() {
                return Err(PayoffError::UnknownType {
                    index,
                    types: self.size(),
                });
            }
        }
        Ok(self.get(a, b))
    }

    fn is_deterministic(&self) -> bool {
        true
    }
}

/// Calls `payoff` and refuses a non-finite value.
#[inline]
pub(crate) fn checked<P: PairPayoff + ?Sized>(
    payoff: &P,
    a: usize,
    b: usize,
    rng: &mut Rng,
) -> Result<f64, PayoffError> {
    let value = payoff.payoff(a, b, rng)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(PayoffError::NonFinite { a, b, value })
    }
}

/// How a simulator reads payoffs. Two implementations, so each simulator is compiled once per
/// source and the table lookup of deterministic payoffs inlines to one load.
pub(crate) trait PayoffSource {
    /// The payoff of type `a` against type `b`.
    fn get(&self, a: usize, b: usize, rng: &mut Rng) -> Result<f64, PayoffError>;
}

/// Deterministic payoffs tabulated once: `k x k`, row-major.
#[derive(Debug, Clone)]
pub(crate) struct PayoffTable {
    pub(crate) k: usize,
    pub(crate) entries: Vec<f64>,
}

impl PayoffTable {
    /// Tabulates the first `k` types of a deterministic payoff.
    pub(crate) fn new<P: PairPayoff + ?Sized>(
        payoff: &P,
        k: usize,
    ) -> Result<Self, super::SimulationError> {
        let mut entries = Vec::new();
        entries
            .try_reserve_exact(k * k)
            .map_err(|_| super::SimulationError::OutOfMemory {
                what: "the payoff table",
                bytes: (k as u128).pow(2) * 8,
            })?;
        let mut rng = Rng::seed_from_u64(0); // unused by deterministic payoffs
        for a in 0..k {
            for b in 0..k {
                entries.push(checked(payoff, a, b, &mut rng)?);
            }
        }
        Ok(PayoffTable { k, entries })
    }

    #[inline]
    pub(crate) fn at(&self, a: usize, b: usize) -> f64 {
        self.entries[a * self.k + b]
    }

    pub(crate) fn min(&self) -> f64 {
        self.entries.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

impl PayoffSource for PayoffTable {
    #[inline(always)]
    fn get(&self, a: usize, b: usize, _rng: &mut Rng) -> Result<f64, PayoffError> {
        Ok(self.at(a, b))
    }
}

/// Random payoffs: a fresh value (for a match payoff, a fresh match) on every call.
pub(crate) struct Drawn<'a, P: ?Sized>(pub(crate) &'a P);

impl<P: PairPayoff + ?Sized> PayoffSource for Drawn<'_, P> {
    #[inline]
    fn get(&self, a: usize, b: usize, rng: &mut Rng) -> Result<f64, PayoffError> {
        checked(self.0, a, b, rng)
    }
}
