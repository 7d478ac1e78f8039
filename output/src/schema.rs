//! The `results.json` format, version [`FORMAT`], and the JSON printed by `match`,
//! `strategies` and `games`: explicit types with their JSON names written out, built from the
//! engine's outcomes by the `From` conversions below, so that renaming an engine type cannot
//! change a user's file. Readers (the HTML report) deserialise the same types.
//!
//! Conventions of the format:
//! - Every number is finite; [`Real`] refuses to write anything else.
//! - `null` appears only where documented: a probability of exactly 0 has no logarithm
//!   (`ln_rho_a`), a strategy that never fixed has no mean fixation time, a strategy that can
//!   never fix has no fixation times, a study without a name has no `study`, a run from
//!   command-line flags has no `file`, a simulation without a step limit has `max_steps: null`.

use serde::{Deserialize, Serialize};

/// The version of `results.json` this crate writes. Any change that alters the meaning or the
/// names of existing keys increments it; adding keys does not.
pub const FORMAT: u32 = 1;

/// The engine that wrote a file: `vertrouwen <version>`.
pub fn engine() -> String {
    format!("vertrouwen {}", env!("CARGO_PKG_VERSION"))
}

/// A finite number. Serialising NaN or an infinity is an error (never `null`).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Deserialize)]
#[serde(transparent)]
pub struct Real(pub f64);

impl Serialize for Real {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            Err(serde::ser::Error::custom(format!(
                "refusing to write the non-finite number {} (every result must be a finite number)",
                self.0
            )))
        }
    }
}

/// Finite numbers of a slice.
pub fn reals(v: &[f64]) -> Vec<Real> {
    v.iter().copied().map(Real).collect()
}

/// Finite numbers of rows.
pub fn real_rows<R: AsRef<[f64]>>(rows: &[R]) -> Vec<Vec<Real>> {
    rows.iter().map(|r| reals(r.as_ref())).collect()
}

/// `null` for an infinite logarithm (the probability is exactly 0), else the number.
pub fn log_or_null(v: f64) -> Option<Real> {
    v.is_finite().then_some(Real(v))
}

/// A game's four payoffs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GameJson {
    pub r: Real,
    pub s: Real,
    pub t: Real,
    pub p: Real,
}

/// How long matches last: `{"Fixed": 200}` or `{"Geometric": {"prob_end": 0.01, "cap": 100}}`
/// (`cap: null`: no cap).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LengthJson {
    Fixed(u64),
    Geometric { prob_end: Real, cap: Option<u64> },
}

/// A tournament player.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayerJson {
    pub label: String,
    pub strategy: String,
    pub params: String,
    pub source: String,
}

/// One row of the ranking (Axelrod-Python's summary).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayerSummaryJson {
    pub rank: usize,
    pub name: String,
    pub original_index: usize,
    pub median_score: Real,
    pub cooperation_rating: Real,
    pub wins: Real,
    pub initial_c_rate: Real,
    /// CC, CD, DC, DD; `null` when the player had no turns against others.
    pub state_rates: Option<[Real; 4]>,
    /// P(C | previous state) for CC, CD, DC, DD; `null` where no opponent qualifies.
    pub state_to_c_rates: [Option<Real>; 4],
}

/// The tournament statistics (definitions in `vertrouwen_engine::results`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentStatsJson {
    pub players: Vec<String>,
    pub repetitions: usize,
    pub ranking: Vec<usize>,
    pub ranked_names: Vec<String>,
    pub summary: Vec<PlayerSummaryJson>,
    pub scores: Vec<Vec<Real>>,
    pub normalised_scores: Vec<Vec<Real>>,
    pub wins: Vec<Vec<u32>>,
    pub payoff_matrix: Vec<Vec<Real>>,
    pub payoff_stddevs: Vec<Vec<Real>>,
    pub total_payoff_matrix: Vec<Vec<Real>>,
    pub cooperation: Vec<Vec<u64>>,
    /// Mean, shortest and longest match of each pair (over repetitions).
    pub mean_match_lengths: Vec<Vec<Real>>,
    pub min_match_lengths: Vec<Vec<u32>>,
    pub max_match_lengths: Vec<Vec<u32>>,
    /// Turns of all matches of each pair.
    pub pair_turns: Vec<Vec<u64>>,
    /// How many matches lasted how long.
    pub match_length_histogram: Vec<LengthBinJson>,
    pub state_distribution: Vec<Vec<[u64; 4]>>,
    pub total_turns: u64,
    pub trust: TrustJson,
}

/// Matches whose length was between `from` and `to` turns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LengthBinJson {
    pub from: u32,
    pub to: u32,
    pub matches: u64,
}

/// Trust summed over matches, from one player's side (integers; see `docs/trust.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrustTallyJson {
    pub matches: u64,
    pub turns: u64,
    pub built: u64,
    pub built_at_sum: u64,
    pub betrayals: u64,
    pub betrayed: u64,
    pub broken: u64,
    pub recoveries: u64,
    pub recovery_turns: u64,
    pub never_recovered: u64,
    pub aftermath_own: [u64; 4],
    pub aftermath_other: [u64; 4],
    pub defected_first: u64,
}

/// One player's trust figures (`null`: nothing to measure it on).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyTrustJson {
    pub name: String,
    pub tally: TrustTallyJson,
    pub share_built: Option<Real>,
    pub mean_built_at: Option<Real>,
    pub betrayals_per_1000_turns: Option<Real>,
    pub betrayed_per_1000_turns: Option<Real>,
    pub mean_recovery: Option<Real>,
    pub share_never_recovered: Option<Real>,
    pub share_lost_for_good: Option<Real>,
    pub cost_per_betrayal: Option<Real>,
    pub victim_cost_per_betrayal: Option<Real>,
    pub cost_per_betrayal_suffered: Option<Real>,
    pub most_betrayed: Option<String>,
    pub most_betrayed_by: Option<String>,
    pub never_defected_first: bool,
}

/// Trust in a tournament: per ordered pair and per player.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrustJson {
    /// The run length `k`.
    pub run: u32,
    pub pairs: Vec<Vec<TrustTallyJson>>,
    pub share_built: Vec<Vec<Option<Real>>>,
    pub mean_built_at: Vec<Vec<Option<Real>>>,
    pub strategies: Vec<StrategyTrustJson>,
    pub overall: StrategyTrustJson,
}

/// A strategy removed from an isolated tournament for a fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisqualificationJson {
    pub player: usize,
    pub label: String,
    pub strategy: String,
    pub plugin: String,
    /// `panic`, `invalid move`, `timeout`, `out of memory`, `forbidden system call`, `crash`
    /// or `protocol error`.
    pub reason: String,
    pub detail: String,
    /// `null`: while being created.
    pub r#match: Option<u64>,
    pub opponent: Option<String>,
    pub repetition: Option<u32>,
    /// `null`: before the first turn.
    pub turn: Option<u64>,
}

/// `results.json` of a tournament.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentJson {
    pub format: u32,
    pub engine: String,
    /// `"Tournament"`.
    pub kind: String,
    pub study: Option<String>,
    pub description: Option<String>,
    pub file: Option<String>,
    pub players: Vec<PlayerJson>,
    pub game: GameJson,
    pub length: LengthJson,
    pub noise: Real,
    pub repetitions: u32,
    pub seed: u64,
    pub matches_played: usize,
    pub turns_played: u64,
    /// Strategies of isolated plugins removed for a fault (their matches are left out of
    /// `results`).
    pub disqualified: Vec<DisqualificationJson>,
    pub results: TournamentStatsJson,
}

/// Where a dynamics study's payoffs came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum PayoffSourceJson {
    /// Given directly.
    Matrix {},
    /// Computed from matches.
    Matches {
        /// `"Totals"` or `"PerTurn"`.
        kind: String,
        length: LengthJson,
        noise: Real,
        game: GameJson,
        repetitions: u32,
        seed: u64,
        stochastic_pairs: Vec<Vec<bool>>,
        matches_played: usize,
        turns_played: u64,
    },
}

/// A finite-population process: `{"process": "moran", "w": 0.1}` or
/// `{"process": "fermi", "beta": 1.0}` (flattened into the object that holds it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "process", rename_all = "lowercase")]
pub enum ProcessJson {
    Moran { w: Real },
    Fermi { beta: Real },
}

/// Fixation under one process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FixationRowJson {
    #[serde(flatten)]
    pub process: ProcessJson,
    pub rho_a: Real,
    pub rho_b: Real,
    /// `null` when `rho_a` is exactly 0.
    pub ln_rho_a: Option<Real>,
    /// `null` when `rho_b` is exactly 0.
    pub ln_rho_b: Option<Real>,
    pub neutral: Real,
    /// `null` when A can never fix.
    pub absorption_time: Option<Real>,
    /// `null` when A can never fix.
    pub conditional_fixation_time_a: Option<Real>,
}

/// A simulation's update rule: `"BirthDeath"`, `"DeathBirth"` or `{"Fermi": {"beta": 1.0}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RuleJson {
    BirthDeath,
    DeathBirth,
    Fermi { beta: Real },
}

/// `{"Linear": {"w": 1.0}}` or `{"Exponential": {"w": 0.5}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FitnessJson {
    Linear { w: Real },
    Exponential { w: Real },
}

/// A graph, as in study files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum GraphJson {
    Complete { n: u64 },
    Cycle { n: u64 },
    Lattice { width: u64, height: u64 },
    Star { n: u64 },
    Edges { n: u64, edges: Vec<(u64, u64)> },
}

/// A simulation's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulationConfigJson {
    pub rule: RuleJson,
    pub fitness: FitnessJson,
    pub mutation: Real,
    pub interaction: GraphJson,
    /// `null`: the interaction graph.
    pub reproduction: Option<GraphJson>,
    pub initial: Vec<u64>,
    /// `null`: no step limit.
    pub max_steps: Option<u64>,
}

/// A simulation's summary over its runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulationSummaryJson {
    pub runs: u64,
    pub fixations: Vec<u64>,
    pub fixation_frequency: Vec<Real>,
    pub standard_error: Vec<Real>,
    pub unfinished: u64,
    pub mean_steps: Real,
    /// `null` for a strategy that never fixed.
    pub mean_fixation_steps: Vec<Option<Real>>,
}

/// An eigenvalue `re + i im`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EigenvalueJson {
    pub re: Real,
    pub im: Real,
}

/// A rest point of the replicator equation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RestPointJson {
    pub x: Vec<Real>,
    /// Strategies with a positive share (indices from 0).
    pub support: Vec<usize>,
    pub eigenvalues: Vec<EigenvalueJson>,
    /// `"stable"`, `"unstable"` or `"non-hyperbolic"`.
    pub stability: String,
}

/// What a dynamics study computed, by kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dynamics")]
pub enum ResultJson {
    #[serde(rename = "discrete replicator")]
    Ecological {
        generations: u64,
        final_shares: Vec<Real>,
    },
    #[serde(rename = "continuous replicator")]
    Replicator {
        time: Real,
        mutation: Real,
        final_shares: Vec<Real>,
        accepted_steps: usize,
        rejected_steps: usize,
    },
    #[serde(rename = "fixation")]
    Fixation {
        population: u64,
        a: String,
        b: String,
        fixation: Vec<FixationRowJson>,
    },
    #[serde(rename = "small-mutation stationary distribution")]
    Stationary {
        population: u64,
        #[serde(flatten)]
        process: ProcessJson,
        distribution: Vec<Real>,
        transition: Vec<Vec<Real>>,
    },
    #[serde(rename = "simulation")]
    Simulation {
        /// `"Cached"` or `"Matches"`.
        mode: String,
        config: Box<SimulationConfigJson>,
        runs: u64,
        seed: u64,
        summary: SimulationSummaryJson,
    },
    #[serde(rename = "rest points")]
    RestPoints { points: Vec<RestPointJson> },
}

/// `results.json` of a dynamics study (and the `--json` output of `fixation`, `replicator`,
/// `stationary`, `simulate` and `rest-points`, which is the same document).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DynamicsJson {
    pub format: u32,
    pub engine: String,
    /// `"Ecological"`, `"Replicator"`, `"Fixation"`, `"Stationary"`, `"Simulation"` or
    /// `"RestPoints"`.
    pub kind: String,
    pub study: Option<String>,
    pub file: Option<String>,
    pub strategies: Vec<String>,
    pub payoffs: PayoffSourceJson,
    pub payoff_matrix: Vec<Vec<Real>>,
    pub result: ResultJson,
}

/// Any `results.json`, told apart by its `kind` (a reader's entry point).
#[derive(Clone, Debug, PartialEq)]
pub enum ResultsDocument {
    Tournament(Box<TournamentJson>),
    Dynamics(Box<DynamicsJson>),
}

/// One match, as `vertrouwen match --json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchJson {
    pub player1: String,
    pub player2: String,
    pub turns: u32,
    pub moves1: String,
    pub moves2: String,
    pub score1: Real,
    pub score2: Real,
    pub trust: MatchTrustJson,
}

/// A broken trust and the turn trust was built again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecoveryJson {
    /// The turn trust was broken.
    pub betrayal: u32,
    pub rebuilt_at: u32,
    pub turns: u32,
}

/// Trust turn by turn in one match (see `docs/trust.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchTrustJson {
    pub run: u32,
    /// `null`: trust was never built.
    pub built_at: Option<u32>,
    pub betrayals1: Vec<u32>,
    pub betrayals2: Vec<u32>,
    pub recoveries: Vec<RecoveryJson>,
    pub never_recovered: u32,
    pub unrecovered: Option<u32>,
    pub trust_runs: Vec<[u32; 2]>,
}

/// One strategy, as `vertrouwen strategies --json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyJson {
    pub name: String,
    pub description: String,
    pub stochastic: bool,
    pub memory_depth: Option<u32>,
    pub makes_use_of: Vec<String>,
    pub params: String,
    pub source: String,
}

/// One preset game, as `vertrouwen games --json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PresetJson {
    pub name: String,
    pub r: Real,
    pub s: Real,
    pub t: Real,
    pub p: Real,
    pub description: String,
}
