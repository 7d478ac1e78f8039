//! Payoffs from real matches for the evolutionary dynamics.
//!
//! # Payoff conventions (they change the numbers)
//!
//! - Entry `(i, j)` of a payoff matrix is what a player of strategy `i` gets against a player of
//!   strategy `j` (row player's payoff), the convention of [`crate::payoff_matrix`].
//! - [`PayoffKind::Totals`]: the payoff of one match is the player's *total* score over all its
//!   turns (Nowak et al. 2004 use totals over `m` rounds: TFT vs ALLD over 10 turns gives
//!   `a = 30, b = 9, c = 14, d = 10`). [`PayoffKind::PerTurn`]: the total divided by the
//!   number of turns of that match (Axelrod-Python's `payoff_matrix` and ecological
//!   simulation). For matches of random length the per-turn mean is taken per match, then
//!   averaged.
//! - A pair is *deterministic* when both strategies are deterministic (their classifiers) and
//!   the match has a fixed length and no noise: it is played once. Every other pair is played
//!   `repetitions` times and the entries are the arithmetic means over the repetitions.
//! - Match `r` of the `p`-th pair `(i, j)`, `i <= j`, in [`crate::results::pairs`] order has
//!   index `r * pairs + p` and seed `derive_seed(seed, index)`, as in a tournament; both
//!   `(i, j)` and `(j, i)` come from the same matches (strategy `i` is player 1).
//! - Self-play `(i, i)` is a match between two instances of `i`; the diagonal entry is the mean
//!   of the two players' payoffs.
//! - Matches run in parallel with rayon; results are reduced in index order, so the matrix is
//!   identical for any number of threads.
//!
//! [`MatchPayoff`] instead plays a *new* match every time the population simulator asks for
//! a payoff (mode `Matches` of a `Simulation` study): the match seed is drawn from the
//! simulator's random stream, so runs stay reproducible.
//!
//! The studies built on these payoffs are in [`crate::study`].

use std::sync::Mutex;

use thiserror::Error;
use vertrouwen_plugins_api::Rng;

use crate::loader::StrategyError;
use crate::matchup::{MatchLength, MatchSpec, MAX_TURNS};
use crate::payoff_matrix::{DynamicsError, PayoffMatrix};
use crate::population::{PairPayoff, PayoffError};
use crate::tournament::{
    self, MatchWorker, PlayerSpec, RunOptions, TournamentError, TournamentSpec,
};
use crate::values::{Repetitions, Seed};

/// How a match becomes a payoff (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayoffKind {
    /// The player's total score over the match.
    Totals,
    /// The total divided by the number of turns.
    PerTurn,
}

/// Strategies and match settings from which a payoff matrix is computed. Built by
/// [`MatchPayoffSpec::new`], which checks everything, so a spec that exists can be run.
#[derive(Clone, Debug)]
pub struct MatchPayoffSpec {
    players: Vec<PlayerSpec>,
    matches: MatchSpec,
    repetitions: Repetitions,
    seed: Seed,
    kind: PayoffKind,
}

/// A total payoff above this (in absolute value) could overflow when averaged or summed.
const LARGEST_TOTAL: f64 = 1e300;

impl MatchPayoffSpec {
    /// Checks the players (at least one), the match settings, and that no match total can
    /// overflow (largest payoff times the longest match).
    pub fn new(
        players: Vec<PlayerSpec>,
        matches: MatchSpec,
        repetitions: Repetitions,
        seed: Seed,
        kind: PayoffKind,
    ) -> Result<Self, EvolutionError> {
        if players.is_empty() {
            return Err(EvolutionError::NoPlayers);
        }
        matches.validate().map_err(EvolutionError::Spec)?;
        let largest = matches.game.largest_payoff();
        let longest = match matches.length {
            MatchLength::Fixed(t) => t,
            MatchLength::Geometric { cap, .. } => cap.unwrap_or(MAX_TURNS),
        };
        if largest * longest as f64 > LARGEST_TOTAL {
            return Err(EvolutionError::Overflow {
                largest,
                turns: longest,
            });
        }
        Ok(MatchPayoffSpec {
            players,
            matches,
            repetitions,
            seed,
            kind,
        })
    }

    /// The players, in matrix order.
    pub fn players(&self) -> &[PlayerSpec] {
        &self.players
    }

    /// The match settings.
    pub fn matches(&self) -> &MatchSpec {
        &self.matches
    }

    /// Matches per stochastic pair.
    pub fn repetitions(&self) -> Repetitions {
        self.repetitions
    }

    /// The master seed of the matches.
    pub fn seed(&self) -> Seed {
        self.seed
    }

    /// Totals or per-turn means.
    pub fn kind(&self) -> PayoffKind {
        self.kind
    }

    /// The same spec with another master seed (a command-line `--seed`).
    pub fn with_seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }
}

/// Errors of the payoffs from matches.
#[derive(Debug, Error)]
pub enum EvolutionError {
    #[error("need at least one strategy")]
    NoPlayers,
    #[error("invalid match settings: {0}")]
    Spec(#[from] crate::matchup::MatchSpecError),
    #[error("the game's payoffs are too large: a payoff of {largest:e} over {turns} turns could overflow the largest number (about 1.8e308); scale the game down")]
    Overflow { largest: f64, turns: u64 },
    #[error("player {label:?}: {source}")]
    Player {
        label: String,
        #[source]
        source: StrategyError,
    },
    #[error("{0}")]
    Dynamics(#[from] DynamicsError),
    #[error("{0}")]
    Tournament(#[from] TournamentError),
}

/// A payoff matrix computed from matches.
#[derive(Clone, Debug)]
pub struct ComputedPayoffs {
    pub labels: Vec<String>,
    pub matrix: PayoffMatrix,
    /// Whether each pair `(i, j)` was averaged over repetitions (`false`: played once).
    pub stochastic_pairs: Vec<Vec<bool>>,
    pub matches_played: usize,
    pub turns_played: u64,
}

fn stochastic_flags(players: &[PlayerSpec]) -> Result<Vec<bool>, EvolutionError> {
    players
        .iter()
        .map(|p| {
            p.entry
                .instantiate(p.params.as_deref())
                .map(|inst| inst.classifiers().is_stochastic())
                .map_err(|source| EvolutionError::Player {
                    label: p.label.clone(),
                    source,
                })
        })
        .collect()
}

/// Computes the payoff matrix between `spec.players` from matches (module docs for the
/// conventions). It is a round-robin tournament underneath, so seeding, caching of
/// deterministic pairs and thread-count independence are the tournament's.
/// `threads: None` uses rayon's current pool.
pub fn payoff_matrix(
    spec: &MatchPayoffSpec,
    threads: Option<usize>,
) -> Result<ComputedPayoffs, EvolutionError> {
    // Means only: memory grows with the strategies, not with the repetitions.
    let means = tournament::pair_means(&payoff_tournament(spec), RunOptions { threads })?;
    computed(spec, means)
}

/// The round-robin tournament whose pair means are the payoffs of `spec`: the work a payoff
/// matrix is, for sharding it ([`crate::tournament::run_part`]).
pub fn payoff_tournament(spec: &MatchPayoffSpec) -> TournamentSpec {
    TournamentSpec {
        players: spec.players.clone(),
        matches: spec.matches,
        repetitions: spec.repetitions.get(),
        seed: spec.seed.get(),
    }
}

/// The payoff matrix from the merged partial result of all the matches of
/// [`payoff_tournament`]: the same, bit for bit, as [`payoff_matrix`].
pub fn payoff_matrix_from(
    spec: &MatchPayoffSpec,
    partial: tournament::PartialTally,
) -> Result<ComputedPayoffs, EvolutionError> {
    let means = tournament::pair_means_from(&payoff_tournament(spec), partial)?;
    computed(spec, means)
}

fn computed(
    spec: &MatchPayoffSpec,
    means: tournament::PairMeans,
) -> Result<ComputedPayoffs, EvolutionError> {
    if let Some(d) = means.disqualified.first() {
        // A payoff matrix needs every strategy: a disqualified one stops the study.
        return Err(EvolutionError::Tournament(TournamentError::Sandbox(
            format!("strategy {d}"),
        )));
    }
    let rows = match spec.kind {
        PayoffKind::Totals => means.totals,
        PayoffKind::PerTurn => means.per_turn,
    };
    Ok(ComputedPayoffs {
        labels: means.labels,
        matrix: PayoffMatrix::from_rows(&rows)?,
        stochastic_pairs: means.replayed_pairs,
        matches_played: means.matches_played,
        turns_played: means.turns_played,
    })
}

/// A [`PairPayoff`] that plays a new match each call: `payoff(a, b, rng)` is what strategy `a`
/// (player 1) gets against `b` in a match seeded by `rng.next_u64()`, in the chosen
/// [`PayoffKind`]. Strategy instances are pooled and reused across calls and threads. A failing
/// strategy is a [`PayoffError::Match`], which the simulator returns with the run it broke.
pub struct MatchPayoff {
    players: Vec<PlayerSpec>,
    matches: MatchSpec,
    kind: PayoffKind,
    pool: Mutex<Vec<MatchWorker>>,
}

impl std::fmt::Debug for MatchPayoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchPayoff")
            .field("players", &self.players.len())
            .field("matches", &self.matches)
            .field("kind", &self.kind)
            .finish()
    }
}

impl MatchPayoff {
    /// Checks the match settings and that every player can be created.
    pub fn new(
        players: Vec<PlayerSpec>,
        matches: MatchSpec,
        kind: PayoffKind,
    ) -> Result<Self, EvolutionError> {
        if players.is_empty() {
            return Err(EvolutionError::NoPlayers);
        }
        matches.validate().map_err(EvolutionError::Spec)?;
        stochastic_flags(&players)?;
        Ok(MatchPayoff {
            players,
            matches,
            kind,
            pool: Mutex::new(Vec::new()),
        })
    }
}

impl PairPayoff for MatchPayoff {
    fn types(&self) -> usize {
        self.players.len()
    }

    fn payoff(&self, a: usize, b: usize, rng: &mut Rng) -> Result<f64, PayoffError> {
        let types = self.players.len();
        for index in [a, b] {
            if index >= types {
                return Err(PayoffError::UnknownType { index, types });
            }
        }
        let seed = rng.next_u64();
        let mut worker = self
            .pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| MatchWorker::new(&self.players));
        let result = worker.play(&self.players, a, b, &self.matches, seed);
        if let Ok(mut p) = self.pool.lock() {
            p.push(worker);
        }
        let stats = result.map_err(|e| PayoffError::Match {
            a,
            b,
            source: Box::new(e),
        })?;
        let total = stats.scores(&self.matches.game).0;
        Ok(match self.kind {
            PayoffKind::Totals => total,
            PayoffKind::PerTurn => total / f64::from(stats.turns.max(1)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::tests::registry;

    fn spec(names: &[&str], turns: u64, kind: PayoffKind, reps: u32) -> MatchPayoffSpec {
        let r = registry();
        MatchPayoffSpec::new(
            names
                .iter()
                .map(|n| PlayerSpec::new(r.resolve(n).unwrap()))
                .collect(),
            MatchSpec::fixed(turns),
            Repetitions::try_from(reps).unwrap(),
            Seed::try_from(3).unwrap(),
            kind,
        )
        .unwrap()
    }

    #[test]
    fn nowak_2004_tft_vs_alld_totals() {
        // Nowak et al. 2004 (Nature 428:646): m = 10 rounds, R=3 S=0 T=5 P=1.
        let c = payoff_matrix(
            &spec(&["Tit For Tat", "Defector"], 10, PayoffKind::Totals, 5),
            None,
        )
        .unwrap();
        assert_eq!(c.matrix.to_rows(), vec![vec![30.0, 9.0], vec![14.0, 10.0]]);
        assert_eq!(c.matches_played, 3, "deterministic pairs are played once");
        let p = payoff_matrix(
            &spec(&["Tit For Tat", "Defector"], 10, PayoffKind::PerTurn, 1),
            None,
        )
        .unwrap();
        assert_eq!(p.matrix.to_rows(), vec![vec![3.0, 0.9], vec![1.4, 1.0]]);
    }

    #[test]
    fn stochastic_pairs_are_averaged_and_thread_independent() {
        let s = spec(
            &["Random", "Cooperator", "Tit For Tat"],
            50,
            PayoffKind::PerTurn,
            20,
        );
        let one = payoff_matrix(&s, Some(1)).unwrap();
        let two = payoff_matrix(&s, Some(2)).unwrap();
        assert_eq!(one.matrix, two.matrix);
        // Random pairs: 3 pairs involve Random (with itself, Cooperator, TFT) x 20 reps, plus
        // Cooperator-Cooperator, Cooperator-TFT, TFT-TFT once.
        assert_eq!(one.matches_played, 3 * 20 + 3);
        assert!(one.stochastic_pairs[0][1] && !one.stochastic_pairs[1][2]);
        // Cooperator vs Random: the Cooperator gets 3 or 0 per turn, mean near 1.5.
        let v = one.matrix.get(1, 0);
        assert!((v - 1.5).abs() < 0.2, "{v}");
    }

    #[test]
    fn match_payoff_plays_real_matches() {
        let s = spec(&["Tit For Tat", "Defector"], 10, PayoffKind::Totals, 1);
        let mp = MatchPayoff::new(s.players.clone(), s.matches, s.kind).unwrap();
        let mut rng = Rng::seed_from_u64(1);
        assert_eq!(mp.payoff(0, 1, &mut rng).unwrap(), 9.0);
        assert_eq!(mp.payoff(1, 0, &mut rng).unwrap(), 14.0);
        assert_eq!(mp.payoff(0, 0, &mut rng).unwrap(), 30.0);
        assert!(matches!(
            mp.payoff(2, 0, &mut rng),
            Err(PayoffError::UnknownType { index: 2, types: 2 })
        ));
        assert!(!mp.is_deterministic());
    }
}
