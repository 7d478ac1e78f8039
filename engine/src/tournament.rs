//! Round-robin tournaments: every pair of players including self-play, repeated, in parallel.
//!
//! Determinism: the match of pair p in repetition r has index `r * pairs + p` and seed
//! `derive_seed(master_seed, index)`; matches run in parallel with rayon but their results are
//! collected in index order, so the output is byte-identical for any number of threads.
//!
//! A pair of deterministic players in a noise-free match of fixed length plays the same moves
//! every repetition, so it is played once and its result reused (as Axelrod-Python's
//! deterministic cache does).

use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;
use vertrouwen_plugins_api::derive_seed;

use crate::loader::{Instance, StrategyEntry, StrategyError};
use crate::matchup::{MatchError, MatchScratch, MatchSpec, MatchStats, PlayerLabel};
use crate::results::{pairs, ResultSet};

/// A player of a tournament: a strategy, its parameters, and the name shown in results.
#[derive(Clone, Debug)]
pub struct PlayerSpec {
    pub entry: StrategyEntry,
    /// RON parameters; `None` for the strategy's defaults.
    pub params: Option<String>,
    /// Name in the results (the display name unless the user chose another).
    pub label: String,
}

impl PlayerSpec {
    /// A player with default parameters, labelled by its display name.
    pub fn new(entry: &StrategyEntry) -> Self {
        PlayerSpec {
            entry: entry.clone(),
            params: None,
            label: entry.name.clone(),
        }
    }
}

/// A complete tournament description.
#[derive(Clone, Debug)]
pub struct TournamentSpec {
    pub players: Vec<PlayerSpec>,
    pub matches: MatchSpec,
    pub repetitions: u32,
    pub seed: u64,
}

/// How to run (not what to compute: these never change the results).
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; `None` uses all cores.
    pub threads: Option<usize>,
}

#[derive(Debug, Error)]
pub enum TournamentError {
    #[error("a tournament needs at least one player")]
    NoPlayers,
    #[error("`repetitions` must be at least 1")]
    NoRepetitions,
    #[error("invalid match settings: {0}")]
    Spec(String),
    #[error("player {label:?}: {source}")]
    Player {
        label: String,
        #[source]
        source: StrategyError,
    },
    #[error("match {index} ({p1} vs {p2}, repetition {repetition}): {source}")]
    Match {
        index: usize,
        p1: String,
        p2: String,
        repetition: u32,
        #[source]
        source: Box<MatchError>,
    },
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// What a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct TournamentOutcome {
    pub results: ResultSet,
    /// Matches actually played (cached repetitions are not counted).
    pub matches_played: usize,
    /// Turns actually played.
    pub turns_played: u64,
    /// `replayed_pairs[i][j]`: whether the pair was played in every repetition (`false`: a
    /// deterministic pair played once and reused).
    pub replayed_pairs: Vec<Vec<bool>>,
}

/// One thread's means of playing matches between the players of a spec: reusable buffers and
/// lazily created instances, two per player (self-play needs two distinct objects). Used by
/// tournaments and by the real-match payoffs of the dynamics.
pub(crate) struct MatchWorker {
    scratch: MatchScratch,
    instances: Vec<[Option<Instance>; 2]>,
    /// Each player's source as text, for error labels (made once, not per match).
    sources: Vec<String>,
}

impl MatchWorker {
    pub(crate) fn new(players: &[PlayerSpec]) -> Self {
        MatchWorker {
            scratch: MatchScratch::new(),
            instances: (0..players.len()).map(|_| [None, None]).collect(),
            sources: players.iter().map(|p| p.entry.source.to_string()).collect(),
        }
    }

    /// Plays player `i` (first) against player `j` with the given seed.
    pub(crate) fn play(
        &mut self,
        players: &[PlayerSpec],
        i: usize,
        j: usize,
        spec: &MatchSpec,
        seed: u64,
    ) -> Result<MatchStats, MatchError> {
        for (p, slot) in [(i, 0), (j, 1)] {
            if self.instances[p][slot].is_none() {
                let ps = &players[p];
                self.instances[p][slot] = Some(ps.entry.instantiate(ps.params.as_deref())?);
            }
        }
        // Take both instances out so they can be borrowed mutably at once.
        let mut a = self.instances[i][0].take().expect("created above");
        let mut b = self.instances[j][1].take().expect("created above");
        let labels = [
            PlayerLabel {
                name: &players[i].label,
                source: &self.sources[i],
            },
            PlayerLabel {
                name: &players[j].label,
                source: &self.sources[j],
            },
        ];
        let result = self.scratch.play([&mut a, &mut b], labels, spec, seed);
        self.instances[i][0] = Some(a);
        self.instances[j][1] = Some(b);
        result
    }
}

/// Runs a tournament.
pub fn run(
    spec: &TournamentSpec,
    options: RunOptions,
) -> Result<TournamentOutcome, TournamentError> {
    if spec.players.is_empty() {
        return Err(TournamentError::NoPlayers);
    }
    if spec.repetitions == 0 {
        return Err(TournamentError::NoRepetitions);
    }
    spec.matches.validate().map_err(TournamentError::Spec)?;
    // Create every player once up front: bad parameters fail here, before any work, and the
    // instances' classifiers decide which pairs can be cached.
    let mut stochastic = Vec::with_capacity(spec.players.len());
    for p in &spec.players {
        let inst =
            p.entry
                .instantiate(p.params.as_deref())
                .map_err(|source| TournamentError::Player {
                    label: p.label.clone(),
                    source,
                })?;
        stochastic.push(inst.classifiers().is_stochastic());
    }
    let n = spec.players.len();
    let pair_list = pairs(n);
    let reps = spec.repetitions as usize;
    let cacheable_spec = spec.matches.noise == 0.0 && spec.matches.is_fixed();
    let cached: Vec<bool> = pair_list
        .iter()
        .map(|&(i, j)| cacheable_spec && !stochastic[i] && !stochastic[j])
        .collect();
    // Jobs: every (repetition, pair) that must actually be played, in index order.
    let jobs: Vec<usize> = (0..reps * pair_list.len())
        .filter(|&index| {
            let (r, p) = (index / pair_list.len(), index % pair_list.len());
            r == 0 || !cached[p]
        })
        .collect();

    let play_all = || -> Vec<Result<MatchStats, MatchError>> {
        jobs.par_iter()
            .with_min_len(4)
            .map_init(
                || MatchWorker::new(&spec.players),
                |worker, &index| {
                    let (i, j) = pair_list[index % pair_list.len()];
                    worker.play(
                        &spec.players,
                        i,
                        j,
                        &spec.matches,
                        derive_seed(spec.seed, index as u64),
                    )
                },
            )
            .collect()
    };
    let played = match options.threads {
        None => play_all(),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| TournamentError::Threads {
                threads,
                message: e.to_string(),
            })?
            .install(play_all),
    };

    let mut stats: Vec<Vec<MatchStats>> = vec![Vec::with_capacity(pair_list.len()); reps];
    let mut turns_played = 0u64;
    for (&index, result) in jobs.iter().zip(played) {
        let (r, p) = (index / pair_list.len(), index % pair_list.len());
        let st = result.map_err(|source| {
            let (i, j) = pair_list[p];
            TournamentError::Match {
                index,
                p1: spec.players[i].label.clone(),
                p2: spec.players[j].label.clone(),
                repetition: r as u32,
                source: Box::new(source),
            }
        })?;
        turns_played += u64::from(st.turns);
        if r > 0 {
            // Later repetitions skip cached pairs: copy their first-repetition result so that
            // every row holds every pair, in order.
            while stats[r].len() < p {
                let q = stats[r].len();
                let first = stats[0][q];
                stats[r].push(first);
            }
        }
        stats[r].push(st);
    }
    for r in 1..reps {
        while stats[r].len() < pair_list.len() {
            let q = stats[r].len();
            let first = stats[0][q];
            stats[r].push(first);
        }
    }

    let labels = spec.players.iter().map(|p| p.label.clone()).collect();
    let results =
        ResultSet::from_matches(labels, &spec.matches.game, &stats, spec.matches.trust_run);
    let mut replayed_pairs = vec![vec![false; n]; n];
    for (p, &(i, j)) in pair_list.iter().enumerate() {
        replayed_pairs[i][j] = !cached[p];
        replayed_pairs[j][i] = !cached[p];
    }
    Ok(TournamentOutcome {
        results,
        matches_played: jobs.len(),
        turns_played,
        replayed_pairs,
    })
}
