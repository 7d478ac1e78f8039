//! Payoffs from real matches for the evolutionary dynamics, and the dynamics studies of the
//! RON configuration (`Ecological`, `Replicator`, `Fixation`, `Stationary`, `Simulation`).
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

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use vertrouwen_plugins_api::Rng;

use crate::loader::StrategyError;
use crate::matchup::MatchSpec;
use crate::moran::{self, Process};
use crate::payoff_matrix::{DynamicsError, PayoffMatrix};
use crate::population::{self, PairPayoff, PayoffError, SimulationConfig, SimulationError};
use crate::replicator::{self, Tolerances};
use crate::tournament::{
    self, MatchWorker, PlayerSpec, RunOptions, TournamentError, TournamentSpec,
};
use crate::trajectory_sample;

/// How a match becomes a payoff (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayoffKind {
    /// The player's total score over the match.
    Totals,
    /// The total divided by the number of turns.
    PerTurn,
}

/// Strategies and match settings from which a payoff matrix is computed.
#[derive(Clone, Debug)]
pub struct MatchPayoffSpec {
    pub players: Vec<PlayerSpec>,
    pub matches: MatchSpec,
    /// Matches per stochastic pair (deterministic pairs are played once).
    pub repetitions: u32,
    pub seed: u64,
    pub kind: PayoffKind,
}

/// Errors of the evolution studies.
#[derive(Debug, Error)]
pub enum EvolutionError {
    #[error("need at least one strategy")]
    NoPlayers,
    #[error("invalid match settings: {0}")]
    Spec(String),
    #[error("player {label:?}: {source}")]
    Player {
        label: String,
        #[source]
        source: StrategyError,
    },
    #[error("{0}")]
    Dynamics(#[from] DynamicsError),
    #[error("{0}")]
    Simulation(#[from] SimulationError),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Tournament(#[from] TournamentError),
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// A payoff matrix computed from matches.
#[derive(Clone, Debug, Serialize)]
pub struct ComputedPayoffs {
    pub labels: Vec<String>,
    pub matrix: PayoffMatrix,
    /// Whether each pair `(i, j)` was averaged over repetitions (`false`: played once).
    pub stochastic_pairs: Vec<Vec<bool>>,
    pub matches_played: usize,
    pub turns_played: u64,
}

/// Runs `f` in a pool of `threads` workers (`None`: the current pool).
fn run_in_pool<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, EvolutionError> {
    match threads {
        None => Ok(f()),
        Some(threads) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| EvolutionError::Threads {
                threads,
                message: e.to_string(),
            })?
            .install(f)),
    }
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
    let tournament = TournamentSpec {
        players: spec.players.clone(),
        matches: spec.matches,
        repetitions: spec.repetitions,
        seed: spec.seed,
    };
    let outcome = tournament::run(&tournament, RunOptions { threads })?;
    let results = outcome.results;
    let rows = match spec.kind {
        PayoffKind::Totals => results.total_payoff_matrix,
        PayoffKind::PerTurn => results.payoff_matrix,
    };
    Ok(ComputedPayoffs {
        labels: results.players,
        matrix: PayoffMatrix::from_rows(&rows)?,
        stochastic_pairs: outcome.replayed_pairs,
        matches_played: outcome.matches_played,
        turns_played: outcome.turns_played,
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

// ---------------------------------------------------------------------------------------------
// Studies
// ---------------------------------------------------------------------------------------------

/// Where a study's payoffs come from, resolved.
#[derive(Clone, Debug)]
pub enum PayoffInput {
    /// Given directly, with strategy labels.
    Matrix {
        labels: Vec<String>,
        matrix: PayoffMatrix,
    },
    /// Computed from matches.
    Matches(MatchPayoffSpec),
}

/// Whether a simulation uses a payoff matrix computed once, or plays matches every step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SimulationMode {
    /// Payoffs tabulated once (computed from matches or given).
    Cached,
    /// A new real match each time a payoff is needed (requires payoffs from matches).
    Matches,
}

/// What a dynamics study computes.
#[derive(Clone, Debug)]
pub enum DynamicsKind {
    /// Discrete replicator map (Axelrod's ecological simulation).
    Ecological {
        initial: Option<Vec<f64>>,
        generations: usize,
    },
    /// Continuous replicator equation, optionally with uniform mutation `mu`.
    Replicator {
        initial: Option<Vec<f64>>,
        time: f64,
        points: usize,
        mutation: Option<f64>,
    },
    /// Exact two-strategy fixation probabilities and times, one entry per process.
    Fixation {
        population: usize,
        processes: Vec<Process>,
    },
    /// Small-mutation-limit stationary distribution.
    Stationary { population: usize, process: Process },
    /// Stochastic simulation of a finite population.
    Simulation {
        mode: SimulationMode,
        config: SimulationConfig,
        runs: u64,
        seed: u64,
    },
}

/// A resolved dynamics study.
#[derive(Clone, Debug)]
pub struct DynamicsSpec {
    pub name: Option<String>,
    pub payoffs: PayoffInput,
    pub kind: DynamicsKind,
}

/// What a study produced: a JSON document, and CSV tables keyed by file name.
#[derive(Clone, Debug)]
pub struct DynamicsOutcome {
    pub labels: Vec<String>,
    pub matrix: PayoffMatrix,
    pub json: serde_json::Value,
    /// `(file name, CSV text)`, e.g. `("shares.csv", ...)`.
    pub tables: Vec<(String, String)>,
    /// A short human-readable report.
    pub report: String,
}

/// Uniform mutation matrix: offspring of `j` is `i != j` with probability `mu / (n - 1)`.
pub fn uniform_mutation(n: usize, mu: f64) -> Result<Vec<Vec<f64>>, EvolutionError> {
    if !(0.0..=1.0).contains(&mu) {
        return Err(EvolutionError::Invalid(format!(
            "`mutation` must be in [0, 1], got {mu}"
        )));
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

/// CSV of a trajectory: first column `column` (time or generation), then one per strategy.
pub fn trajectory_csv(
    column: &str,
    labels: &[String],
    times: &[f64],
    states: &[Vec<f64>],
) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![column.to_string()];
    header.extend(labels.iter().cloned());
    let _ = w.write_record(&header);
    for (t, x) in times.iter().zip(states) {
        let mut rec = vec![format!("{t}")];
        rec.extend(x.iter().map(|v| format!("{v}")));
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn matrix_csv(labels: &[String], m: &PayoffMatrix) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["strategy".to_string()];
    header.extend(labels.iter().cloned());
    let _ = w.write_record(&header);
    for (i, l) in labels.iter().enumerate() {
        let mut rec = vec![l.clone()];
        rec.extend(m.row(i).iter().map(|v| format!("{v}")));
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn initial_shares(initial: &Option<Vec<f64>>, n: usize) -> Vec<f64> {
    initial.clone().unwrap_or_else(|| vec![1.0 / n as f64; n])
}

fn ranked(labels: &[String], x: &[f64]) -> String {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    order
        .iter()
        .map(|&i| format!("  {:<width$}  {:.6}\n", labels[i], x[i]))
        .collect()
}

/// Runs a dynamics study. `threads: None` uses all cores; results do not depend on it.
pub fn run_study(
    spec: &DynamicsSpec,
    threads: Option<usize>,
) -> Result<DynamicsOutcome, EvolutionError> {
    let real_matches = matches!(
        spec.kind,
        DynamicsKind::Simulation {
            mode: SimulationMode::Matches,
            ..
        }
    );
    let (labels, matrix, payoff_json) = match &spec.payoffs {
        PayoffInput::Matrix { labels, matrix } => (
            labels.clone(),
            matrix.clone(),
            serde_json::json!({"source": "matrix"}),
        ),
        PayoffInput::Matches(ms) => {
            let c = payoff_matrix(ms, threads)?;
            let json = serde_json::json!({
                "source": "matches",
                "kind": ms.kind,
                "length": ms.matches.length,
                "noise": ms.matches.noise,
                "game": ms.matches.game,
                "repetitions": ms.repetitions,
                "seed": ms.seed,
                "stochastic_pairs": c.stochastic_pairs,
                "matches_played": c.matches_played,
                "turns_played": c.turns_played,
            });
            (c.labels, c.matrix, json)
        }
    };
    let n = matrix.size();
    let mut tables = vec![("payoffs.csv".to_string(), matrix_csv(&labels, &matrix))];
    let mut report = String::new();
    let body = match &spec.kind {
        DynamicsKind::Ecological {
            initial,
            generations,
        } => {
            let states = replicator::discrete_replicator(
                &matrix,
                &initial_shares(initial, n),
                *generations,
            )?;
            let gens: Vec<f64> = (0..states.len()).map(|g| g as f64).collect();
            tables.push((
                "shares.csv".into(),
                trajectory_csv("generation", &labels, &gens, &states),
            ));
            let last = states.last().cloned().unwrap_or_default();
            report += &format!("Shares after {generations} generations:\n");
            report += &ranked(&labels, &last);
            serde_json::json!({"dynamics": "discrete replicator", "generations": generations, "final_shares": last})
        }
        DynamicsKind::Replicator {
            initial,
            time,
            points,
            mutation,
        } => {
            if !(time.is_finite() && *time > 0.0) {
                return Err(EvolutionError::Invalid(format!(
                    "`time` must be finite and > 0, got {time}"
                )));
            }
            let points = (*points).max(1);
            let times: Vec<f64> = (0..=points)
                .map(|k| time * k as f64 / points as f64)
                .collect();
            let x0 = initial_shares(initial, n);
            let tol = Tolerances::default();
            let traj = match mutation {
                Some(mu) if *mu > 0.0 => {
                    let q = uniform_mutation(n, *mu)?;
                    replicator::replicator_mutator(&matrix, &q, &x0, &times, &tol)?
                }
                Some(mu) if *mu < 0.0 => {
                    return Err(EvolutionError::Invalid(format!(
                        "`mutation` must be in [0, 1], got {mu}"
                    )))
                }
                _ => replicator::continuous_replicator(&matrix, &x0, &times, &tol)?,
            };
            tables.push((
                "shares.csv".into(),
                trajectory_csv("time", &labels, &traj.times, &traj.states),
            ));
            let last = traj.states.last().cloned().unwrap_or_default();
            report += &format!("Shares at t = {time}:\n");
            report += &ranked(&labels, &last);
            serde_json::json!({"dynamics": "continuous replicator", "time": time, "mutation": mutation.unwrap_or(0.0), "final_shares": last, "accepted_steps": traj.accepted_steps, "rejected_steps": traj.rejected_steps})
        }
        DynamicsKind::Fixation {
            population,
            processes,
        } => {
            if n != 2 {
                return Err(EvolutionError::Invalid(format!(
                    "a fixation study needs exactly 2 strategies, got {n}"
                )));
            }
            let mut rows = Vec::new();
            let mut csv_text = String::from("process,intensity,rho_a,rho_b,neutral\n");
            for p in processes {
                let fx = moran::fixation_probabilities(&matrix, *population, *p)?;
                let times = moran::fixation_times(&matrix, *population, *p).ok();
                let (name, intensity) = process_name(p);
                csv_text += &format!(
                    "{name},{intensity},{},{},{}\n",
                    fx.rho_a, fx.rho_b, fx.neutral
                );
                report += &format!(
                    "{name} ({}): rho({} invades) = {:.6e}, rho({} invades) = {:.6e}, 1/N = {}\n",
                    intensity_text(p),
                    labels[0],
                    fx.rho_a,
                    labels[1],
                    fx.rho_b,
                    fx.neutral
                );
                rows.push(serde_json::json!({
                    "process": p, "rho_a": fx.rho_a, "rho_b": fx.rho_b, "ln_rho_a": finite_or_null(fx.ln_rho_a),
                    "ln_rho_b": finite_or_null(fx.ln_rho_b), "neutral": fx.neutral,
                    "absorption_time": times.map(|t| t.absorption), "conditional_fixation_time_a": times.map(|t| t.conditional_a),
                }));
            }
            tables.push(("fixation.csv".into(), csv_text));
            serde_json::json!({"dynamics": "fixation", "population": population, "a": labels[0], "b": labels[1], "fixation": rows})
        }
        DynamicsKind::Stationary {
            population,
            process,
        } => {
            let st = moran::small_mutation_stationary(&matrix, *population, *process)?;
            let mut csv_text = String::from("strategy,share\n");
            for (l, v) in labels.iter().zip(&st.distribution) {
                csv_text += &format!("{},{v}\n", csv_field(l));
            }
            tables.push(("stationary.csv".into(), csv_text));
            report += &format!(
                "Stationary distribution (small mutation, N = {population}, {}):\n",
                intensity_text(process)
            );
            report += &ranked(&labels, &st.distribution);
            serde_json::json!({"dynamics": "small-mutation stationary distribution", "population": population, "process": process, "distribution": st.distribution, "transition": st.transition})
        }
        DynamicsKind::Simulation {
            mode,
            config,
            runs,
            seed,
        } => {
            if config.initial.len() != n {
                return Err(EvolutionError::Invalid(format!(
                    "`initial` has {} counts but there are {n} strategies",
                    config.initial.len()
                )));
            }
            let summary = if real_matches {
                let PayoffInput::Matches(ms) = &spec.payoffs else {
                    return Err(EvolutionError::Invalid(
                        "mode `Matches` needs payoffs computed from matches".into(),
                    ));
                };
                let payoff = MatchPayoff::new(ms.players.clone(), ms.matches, ms.kind)?;
                run_in_pool(threads, || {
                    population::simulate(&payoff, config, *seed, *runs).and_then(|summary| {
                        trajectory_sample::sample(&payoff, config, *seed, *runs)
                            .map(|t| (summary, t))
                    })
                })??
            } else {
                run_in_pool(threads, || {
                    population::simulate(&matrix, config, *seed, *runs).and_then(|summary| {
                        trajectory_sample::sample(&matrix, config, *seed, *runs)
                            .map(|t| (summary, t))
                    })
                })??
            };
            let (summary, trajectories) = summary;
            tables.push(("trajectories.csv".into(), trajectories.csv(&labels)));
            let mut csv_text =
                String::from("strategy,fixations,frequency,standard_error,mean_fixation_steps\n");
            for (t, label) in labels.iter().enumerate() {
                csv_text += &format!(
                    "{},{},{},{},{}\n",
                    csv_field(label),
                    summary.fixations[t],
                    summary.fixation_frequency[t],
                    summary.standard_error[t],
                    summary.mean_fixation_steps[t].map_or(String::new(), |s| s.to_string())
                );
            }
            tables.push(("fixation.csv".into(), csv_text));
            report += &format!(
                "{runs} runs ({}), {} unfinished, mean {:.1} steps. Fixation frequencies:\n",
                match mode {
                    SimulationMode::Cached => "cached payoffs",
                    SimulationMode::Matches => "a real match for every payoff",
                },
                summary.unfinished,
                summary.mean_steps
            );
            report += &ranked(&labels, &summary.fixation_frequency);
            serde_json::json!({"dynamics": "simulation", "mode": mode, "config": config, "runs": runs, "seed": seed, "summary": summary})
        }
    };
    let json = serde_json::json!({
        "study": spec.name,
        "strategies": labels,
        "payoffs": payoff_json,
        "payoff_matrix": matrix,
        "result": body,
    });
    Ok(DynamicsOutcome {
        labels,
        matrix,
        json,
        tables,
        report,
    })
}

fn finite_or_null(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn process_name(p: &Process) -> (&'static str, f64) {
    match *p {
        Process::Moran { w } => ("moran", w),
        Process::Fermi { beta } => ("fermi", beta),
    }
}

fn intensity_text(p: &Process) -> String {
    match *p {
        Process::Moran { w } => format!("Moran, w = {w}"),
        Process::Fermi { beta } => format!("Fermi, beta = {beta}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::tests::registry;

    fn spec(names: &[&str], turns: u64, kind: PayoffKind, reps: u32) -> MatchPayoffSpec {
        let r = registry();
        MatchPayoffSpec {
            players: names
                .iter()
                .map(|n| PlayerSpec::new(r.resolve(n).unwrap()))
                .collect(),
            matches: MatchSpec::fixed(turns),
            repetitions: reps,
            seed: 3,
            kind,
        }
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
        let mp = MatchPayoff::new(s.players, s.matches, s.kind).unwrap();
        let mut rng = Rng::seed_from_u64(1);
        assert_eq!(mp.payoff(0, 1, &mut rng), Ok(9.0));
        assert_eq!(mp.payoff(1, 0, &mut rng), Ok(14.0));
        assert_eq!(mp.payoff(0, 0, &mut rng), Ok(30.0));
        assert_eq!(
            mp.payoff(2, 0, &mut rng),
            Err(PayoffError::UnknownType { index: 2, types: 2 })
        );
        assert_eq!(mp.types(), 2);
        assert!(!mp.is_deterministic());
    }
}
