//! What a report shows, independent of the files it came from: the loader fills it, the
//! charts and the summary read it. Matrices are indexed by player (or strategy) order.

/// Everything needed to write one report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The study's name (or the file's name when it has none).
    pub title: String,
    pub description: Option<String>,
    /// The study file the run read, as recorded.
    pub source_file: Option<String>,
    /// The engine that wrote the results, e.g. "vertrouwen 0.1.0".
    pub engine: Option<String>,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Tournament(Box<Tournament>),
    Dynamics(Box<Dynamics>),
}

/// The four payoffs of a symmetric 2x2 game.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Game {
    pub r: f64,
    pub s: f64,
    pub t: f64,
    pub p: f64,
}

impl Game {
    /// The prisoners' story in years: payoffs are minus years in prison.
    pub fn is_prison_years(&self) -> bool {
        (self.r, self.s, self.t, self.p) == (-1.0, -10.0, 0.0, -5.0)
    }
}

/// How long a match lasts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Length {
    Fixed(u64),
    Random { prob_end: f64, cap: Option<u64> },
}

/// A round-robin tournament's results.
#[derive(Clone, Debug, PartialEq)]
pub struct Tournament {
    pub players: Vec<String>,
    /// Player indices from first to last place.
    pub ranking: Vec<usize>,
    pub game: Game,
    pub length: Length,
    pub noise: f64,
    pub repetitions: usize,
    pub seed: u64,
    /// `normalised_scores[i][r]`: mean payoff per turn against the others in repetition r.
    pub normalised_scores: Vec<Vec<f64>>,
    /// Median of the normalised scores over repetitions.
    pub median_scores: Vec<f64>,
    /// Share of its turns against others on which the player cooperated.
    pub cooperation_rating: Vec<f64>,
    /// `wins[i][r]`.
    pub wins: Vec<Vec<u32>>,
    /// `payoff_matrix[i][j]`: mean payoff per turn of i against j.
    pub payoff_matrix: Vec<Vec<f64>>,
    /// `cooperation[i][j]`: share of turns on which i cooperated against j.
    pub cooperation: Vec<Vec<Option<f64>>>,
    /// The length of every match played (all pairs, all repetitions).
    pub match_lengths: Vec<u32>,
    pub trust: Option<Trust>,
    pub timeline: Option<Timeline>,
}

/// Trust figures of one player (or of all matches).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StrategyTrust {
    pub matches: u64,
    pub betrayals: u64,
    pub share_built: Option<f64>,
    pub mean_built_at: Option<f64>,
    pub betrayals_per_1000_turns: Option<f64>,
    pub betrayed_per_1000_turns: Option<f64>,
    pub mean_recovery: Option<f64>,
    pub share_never_recovered: Option<f64>,
    pub share_lost_for_good: Option<f64>,
    pub cost_per_betrayal: Option<f64>,
    pub victim_cost_per_betrayal: Option<f64>,
    pub cost_per_betrayal_suffered: Option<f64>,
    pub most_betrayed: Option<String>,
    pub most_betrayed_by: Option<String>,
    pub never_defected_first: bool,
}

/// Trust in a tournament.
#[derive(Clone, Debug, PartialEq)]
pub struct Trust {
    /// Mutual cooperations in a row that count as trust.
    pub run: u32,
    /// Per player, in player order.
    pub strategies: Vec<StrategyTrust>,
    /// All matches between different players.
    pub overall: StrategyTrust,
    /// `share_built[i][j]`.
    pub share_built: Vec<Vec<Option<f64>>>,
    /// `mean_built_at[i][j]`.
    pub mean_built_at: Vec<Vec<Option<f64>>>,
}

/// One match turn by turn, with its trust marked.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub player1: String,
    pub player2: String,
    /// `true` for C.
    pub moves1: Vec<bool>,
    pub moves2: Vec<bool>,
    pub score1: f64,
    pub score2: f64,
    pub run: u32,
    pub built_at: Option<u32>,
    pub betrayals1: Vec<u32>,
    pub betrayals2: Vec<u32>,
    /// `[first, last]` turns of each stretch of trust.
    pub trust_runs: Vec<[u32; 2]>,
    /// `(betrayal, rebuilt_at)` turns.
    pub recoveries: Vec<(u32, u32)>,
    pub unrecovered: Option<u32>,
}

/// An evolutionary-dynamics study's results.
#[derive(Clone, Debug, PartialEq)]
pub struct Dynamics {
    pub strategies: Vec<String>,
    /// `payoffs[i][j]`: what strategy i gets against j, if known.
    pub payoffs: Option<Vec<Vec<f64>>>,
    /// Whether payoffs are match totals ("Totals"), per-turn means ("PerTurn") or given.
    pub payoff_kind: Option<String>,
    pub game: Option<Game>,
    pub kind: DynamicsKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DynamicsKind {
    /// Shares of an infinite population over time (discrete generations or continuous time).
    Shares {
        discrete: bool,
        times: Vec<f64>,
        /// `shares[point][strategy]`.
        shares: Vec<Vec<f64>>,
    },
    /// Exact fixation probabilities of two strategies.
    Fixation {
        population: usize,
        rows: Vec<FixationRow>,
    },
    /// Small-mutation stationary distribution.
    Stationary {
        population: usize,
        process: String,
        distribution: Vec<f64>,
    },
    /// Stochastic simulation of a finite population.
    Simulation(Simulation),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FixationRow {
    /// "moran" or "fermi".
    pub process: String,
    /// w or beta.
    pub intensity: f64,
    pub rho_a: f64,
    pub rho_b: f64,
    pub neutral: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    pub runs: u64,
    pub population: usize,
    pub initial: Vec<usize>,
    pub fixations: Vec<u64>,
    pub frequency: Vec<f64>,
    pub standard_error: Vec<f64>,
    pub mean_fixation_steps: Vec<Option<f64>>,
    pub unfinished: u64,
    pub trajectories: Option<Trajectories>,
}

/// Counts of each strategy at common steps for a few runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectories {
    pub steps: Vec<u64>,
    /// `counts[run][point][strategy]`.
    pub counts: Vec<Vec<Vec<usize>>>,
}
