//! Why this file is long: one reader per output file, each small, sharing the error type and CSV
//! helpers; the file formats are known here and nowhere else in the report crate.
//!
//! Reads a run's output directory into the report's [`model`](crate::model): the only module
//! that knows the output files and their formats (`results.json`, `trust.csv` is not needed
//! since `results.json` holds the same figures, `timeline.json`, `shares.csv`, `fixation.csv`,
//! `stationary.csv`, `payoffs.csv`, `trajectories.csv`).
//!
//! Missing optional files (an older run without trust or trajectories) leave those parts out
//! of the report; a missing or malformed required file is an error naming the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::model::*;
use crate::ReportError;

fn read(path: &Path) -> Result<String, ReportError> {
    std::fs::read_to_string(path).map_err(|e| ReportError::Read {
        file: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn bad(path: &Path, message: impl Into<String>) -> ReportError {
    ReportError::Format {
        file: path.to_path_buf(),
        message: message.into(),
    }
}

fn json<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T, ReportError> {
    serde_json::from_str(text).map_err(|e| bad(path, e.to_string()))
}

/// Reads the output directory `dir`.
pub fn load(dir: &Path) -> Result<Report, ReportError> {
    let results_path = dir.join("results.json");
    let text = read(&results_path)?;
    let head: Head = json(&results_path, &text)?;
    let title = head
        .study
        .clone()
        .or_else(|| {
            head.file.as_deref().map(|f| {
                Path::new(f)
                    .file_stem()
                    .map_or(f.to_string(), |s| s.to_string_lossy().into_owned())
            })
        })
        .unwrap_or_else(|| "Vertrouwen".to_string());
    let body = match head.kind.as_deref() {
        None | Some("Tournament") => {
            Body::Tournament(Box::new(tournament(dir, &results_path, &text)?))
        }
        Some(kind) => Body::Dynamics(Box::new(dynamics(dir, &results_path, &text, kind)?)),
    };
    Ok(Report {
        title,
        description: head.description,
        source_file: head.file,
        engine: head.engine,
        body,
    })
}

/// Fields shared by every `results.json`.
#[derive(Deserialize)]
struct Head {
    engine: Option<String>,
    study: Option<String>,
    description: Option<String>,
    file: Option<String>,
    /// "Tournament", "Ecological", "Fixation", ... (files of format 1; older tournament files
    /// had none).
    kind: Option<String>,
}

#[derive(Deserialize)]
struct GameFile {
    r: f64,
    s: f64,
    t: f64,
    p: f64,
}

impl From<GameFile> for Game {
    fn from(g: GameFile) -> Self {
        Game {
            r: g.r,
            s: g.s,
            t: g.t,
            p: g.p,
        }
    }
}

#[derive(Deserialize)]
enum LengthFile {
    Fixed(u64),
    Geometric { prob_end: f64, cap: Option<u64> },
}

#[derive(Deserialize)]
struct TournamentFile {
    game: GameFile,
    length: LengthFile,
    noise: f64,
    repetitions: usize,
    seed: u64,
    results: ResultsFile,
}

#[derive(Deserialize)]
struct ResultsFile {
    players: Vec<String>,
    ranking: Vec<usize>,
    summary: Vec<SummaryRow>,
    normalised_scores: Vec<Vec<f64>>,
    wins: Vec<Vec<u32>>,
    payoff_matrix: Vec<Vec<f64>>,
    cooperation: Vec<Vec<u64>>,
    pair_turns: Vec<Vec<u64>>,
    match_length_histogram: Vec<LengthBin>,
    trust: Option<TrustFile>,
}

#[derive(Deserialize)]
struct LengthBin {
    from: u32,
    to: u32,
    matches: u64,
}

#[derive(Deserialize)]
struct SummaryRow {
    original_index: usize,
    median_score: f64,
    cooperation_rating: f64,
}

#[derive(Deserialize)]
struct TrustFile {
    run: u32,
    strategies: Vec<StrategyTrustFile>,
    overall: StrategyTrustFile,
    share_built: Vec<Vec<Option<f64>>>,
    mean_built_at: Vec<Vec<Option<f64>>>,
}

#[derive(Deserialize)]
struct TallyFile {
    matches: u64,
    betrayals: u64,
}

#[derive(Deserialize)]
struct StrategyTrustFile {
    tally: TallyFile,
    share_built: Option<f64>,
    mean_built_at: Option<f64>,
    betrayals_per_1000_turns: Option<f64>,
    betrayed_per_1000_turns: Option<f64>,
    mean_recovery: Option<f64>,
    share_never_recovered: Option<f64>,
    share_lost_for_good: Option<f64>,
    cost_per_betrayal: Option<f64>,
    victim_cost_per_betrayal: Option<f64>,
    cost_per_betrayal_suffered: Option<f64>,
    most_betrayed: Option<String>,
    most_betrayed_by: Option<String>,
    never_defected_first: bool,
}

impl From<StrategyTrustFile> for StrategyTrust {
    fn from(s: StrategyTrustFile) -> Self {
        StrategyTrust {
            matches: s.tally.matches,
            betrayals: s.tally.betrayals,
            share_built: s.share_built,
            mean_built_at: s.mean_built_at,
            betrayals_per_1000_turns: s.betrayals_per_1000_turns,
            betrayed_per_1000_turns: s.betrayed_per_1000_turns,
            mean_recovery: s.mean_recovery,
            share_never_recovered: s.share_never_recovered,
            share_lost_for_good: s.share_lost_for_good,
            cost_per_betrayal: s.cost_per_betrayal,
            victim_cost_per_betrayal: s.victim_cost_per_betrayal,
            cost_per_betrayal_suffered: s.cost_per_betrayal_suffered,
            most_betrayed: s.most_betrayed,
            most_betrayed_by: s.most_betrayed_by,
            never_defected_first: s.never_defected_first,
        }
    }
}

fn square<T>(path: &Path, what: &str, m: &[Vec<T>], n: usize) -> Result<(), ReportError> {
    if m.len() != n || m.iter().any(|row| row.len() != n) {
        return Err(bad(
            path,
            format!("`{what}` is not a {n} x {n} matrix (one row and column per player)"),
        ));
    }
    Ok(())
}

fn tournament(dir: &Path, path: &Path, text: &str) -> Result<Tournament, ReportError> {
    let f: TournamentFile = json(path, text)?;
    let r = f.results;
    let n = r.players.len();
    if n == 0 {
        return Err(bad(path, "the tournament has no players"));
    }
    square(path, "payoff_matrix", &r.payoff_matrix, n)?;
    square(path, "cooperation", &r.cooperation, n)?;
    if r.ranking.len() != n || r.ranking.iter().any(|&i| i >= n) {
        return Err(bad(path, "`ranking` must list every player index once"));
    }
    if r.normalised_scores.len() != n || r.wins.len() != n {
        return Err(bad(
            path,
            "`normalised_scores` and `wins` need one row per player",
        ));
    }
    let mut median_scores = vec![0.0; n];
    let mut cooperation_rating = vec![0.0; n];
    for row in &r.summary {
        if row.original_index >= n {
            return Err(bad(
                path,
                "a summary row names a player that does not exist",
            ));
        }
        median_scores[row.original_index] = row.median_score;
        cooperation_rating[row.original_index] = row.cooperation_rating;
    }
    // Turns of each pair over all repetitions, for cooperation shares.
    square(path, "pair_turns", &r.pair_turns, n)?;
    let turns = &r.pair_turns;
    // One value per match, at the middle of its length bin, for the histogram (bounded: a
    // results file lists at most a few hundred bins).
    let mut match_lengths = Vec::new();
    for bin in &r.match_length_histogram {
        let middle = bin.from / 2 + bin.to / 2 + (bin.from % 2 + bin.to % 2) / 2;
        let count = usize::try_from(bin.matches)
            .unwrap_or(usize::MAX)
            .min(1 << 24);
        match_lengths.extend(std::iter::repeat_n(middle, count));
    }
    let cooperation = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (turns[i][j] > 0).then(|| r.cooperation[i][j] as f64 / turns[i][j] as f64))
                .collect()
        })
        .collect();
    let trust = match r.trust {
        Some(t) => {
            if t.strategies.len() != n {
                return Err(bad(path, "`trust.strategies` needs one entry per player"));
            }
            square(path, "trust.share_built", &t.share_built, n)?;
            square(path, "trust.mean_built_at", &t.mean_built_at, n)?;
            Some(Trust {
                run: t.run,
                strategies: t.strategies.into_iter().map(Into::into).collect(),
                overall: t.overall.into(),
                share_built: t.share_built,
                mean_built_at: t.mean_built_at,
            })
        }
        None => None,
    };
    Ok(Tournament {
        players: r.players,
        ranking: r.ranking,
        game: f.game.into(),
        length: match f.length {
            LengthFile::Fixed(t) => Length::Fixed(t),
            LengthFile::Geometric { prob_end, cap } => Length::Random { prob_end, cap },
        },
        noise: f.noise,
        repetitions: f.repetitions,
        seed: f.seed,
        normalised_scores: r.normalised_scores,
        median_scores,
        cooperation_rating,
        wins: r.wins,
        payoff_matrix: r.payoff_matrix,
        cooperation,
        match_lengths,
        trust,
        timeline: timeline(&dir.join("timeline.json"))?,
    })
}

#[derive(Deserialize)]
struct TimelineFile {
    #[serde(rename = "match")]
    record: RecordFile,
}

#[derive(Deserialize)]
struct RecordFile {
    player1: String,
    player2: String,
    moves1: String,
    moves2: String,
    score1: f64,
    score2: f64,
    trust: MatchTrustFile,
}

#[derive(Deserialize)]
struct MatchTrustFile {
    run: u32,
    built_at: Option<u32>,
    betrayals1: Vec<u32>,
    betrayals2: Vec<u32>,
    recoveries: Vec<RecoveryFile>,
    unrecovered: Option<u32>,
    trust_runs: Vec<[u32; 2]>,
}

#[derive(Deserialize)]
struct RecoveryFile {
    betrayal: u32,
    rebuilt_at: u32,
}

fn moves(path: &Path, text: &str) -> Result<Vec<bool>, ReportError> {
    text.chars()
        .map(|c| match c {
            'C' => Ok(true),
            'D' => Ok(false),
            other => Err(bad(path, format!("a move must be C or D, found {other:?}"))),
        })
        .collect()
}

fn timeline(path: &Path) -> Result<Option<Timeline>, ReportError> {
    if !path.exists() {
        return Ok(None);
    }
    let f: TimelineFile = json(path, &read(path)?)?;
    let r = f.record;
    let (moves1, moves2) = (moves(path, &r.moves1)?, moves(path, &r.moves2)?);
    if moves1.len() != moves2.len() {
        return Err(bad(path, "the two players' moves differ in length"));
    }
    Ok(Some(Timeline {
        player1: r.player1,
        player2: r.player2,
        moves1,
        moves2,
        score1: r.score1,
        score2: r.score2,
        run: r.trust.run,
        built_at: r.trust.built_at,
        betrayals1: r.trust.betrayals1,
        betrayals2: r.trust.betrayals2,
        trust_runs: r.trust.trust_runs,
        recoveries: r
            .trust
            .recoveries
            .iter()
            .map(|x| (x.betrayal, x.rebuilt_at))
            .collect(),
        unrecovered: r.trust.unrecovered,
    }))
}

#[derive(Deserialize)]
struct DynamicsFile {
    strategies: Vec<String>,
    payoffs: Option<PayoffSourceFile>,
    result: Value,
}

#[derive(Deserialize)]
struct PayoffSourceFile {
    kind: Option<String>,
    game: Option<GameFile>,
}

/// A CSV file as a header and rows of text fields.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn table(path: PathBuf) -> Result<Table, ReportError> {
    let text = read(&path)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| bad(&path, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| bad(&path, e.to_string()))?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(Table { path, header, rows })
}

impl Table {
    fn number(&self, row: usize, col: usize) -> Result<f64, ReportError> {
        let text = self.rows[row].get(col).map(String::as_str).unwrap_or("");
        text.parse::<f64>().map_err(|_| {
            bad(
                &self.path,
                format!(
                    "line {}, column {}: expected a number, found {text:?}",
                    row + 2,
                    col + 1
                ),
            )
        })
    }

    fn optional(&self, row: usize, col: usize) -> Result<Option<f64>, ReportError> {
        match self.rows[row].get(col).map(String::as_str) {
            None | Some("") => Ok(None),
            Some(_) => self.number(row, col).map(Some),
        }
    }

    fn column(&self, name: &str) -> Result<usize, ReportError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(&self.path, format!("expected a column {name:?}")))
    }
}

fn number_at(path: &Path, v: &Value, key: &str) -> Result<f64, ReportError> {
    v.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| bad(path, format!("`result.{key}` must be a number")))
}

/// "Fermi, beta = 1" from `{"Fermi": {"beta": 1.0}}`.
fn process_text(v: &Value) -> String {
    match v.as_object().and_then(|o| o.iter().next()) {
        Some((name, params)) => {
            let params: BTreeMap<String, Value> =
                serde_json::from_value(params.clone()).unwrap_or_default();
            let list: Vec<String> = params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{name}, {}", list.join(", "))
        }
        None => v.to_string(),
    }
}

fn dynamics(dir: &Path, path: &Path, text: &str, kind: &str) -> Result<Dynamics, ReportError> {
    let f: DynamicsFile = json(path, text)?;
    let n = f.strategies.len();
    let payoffs_path = dir.join("payoffs.csv");
    let payoffs = if payoffs_path.exists() {
        let t = table(payoffs_path)?;
        if t.rows.len() != n || t.header.len() != n + 1 {
            return Err(bad(&t.path, format!("expected {n} rows of {n} payoffs")));
        }
        let mut m = vec![vec![0.0; n]; n];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, x) in row.iter_mut().enumerate() {
                *x = t.number(i, j + 1)?;
            }
        }
        Some(m)
    } else {
        None
    };
    let body = match kind {
        "Ecological" | "Replicator" => {
            let t = table(dir.join("shares.csv"))?;
            if t.header.len() != n + 1 {
                return Err(bad(
                    &t.path,
                    format!("expected a time column and {n} shares"),
                ));
            }
            let mut times = Vec::with_capacity(t.rows.len());
            let mut shares = Vec::with_capacity(t.rows.len());
            for r in 0..t.rows.len() {
                times.push(t.number(r, 0)?);
                shares.push(
                    (1..=n)
                        .map(|c| t.number(r, c))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            DynamicsKind::Shares {
                discrete: kind == "Ecological",
                times,
                shares,
            }
        }
        "Fixation" => {
            let t = table(dir.join("fixation.csv"))?;
            let cols = ["process", "intensity", "rho_a", "rho_b", "neutral"]
                .map(|c| t.column(c))
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?;
            let mut rows = Vec::new();
            for r in 0..t.rows.len() {
                rows.push(FixationRow {
                    process: t.rows[r][cols[0]].clone(),
                    intensity: t.number(r, cols[1])?,
                    rho_a: t.number(r, cols[2])?,
                    rho_b: t.number(r, cols[3])?,
                    neutral: t.number(r, cols[4])?,
                });
            }
            DynamicsKind::Fixation {
                population: number_at(path, &f.result, "population")? as usize,
                rows,
            }
        }
        "Stationary" => {
            let t = table(dir.join("stationary.csv"))?;
            let share = t.column("share")?;
            if t.rows.len() != n {
                return Err(bad(&t.path, format!("expected {n} rows, one per strategy")));
            }
            DynamicsKind::Stationary {
                population: number_at(path, &f.result, "population")? as usize,
                process: f
                    .result
                    .get("process")
                    .map(process_text)
                    .unwrap_or_default(),
                distribution: (0..n)
                    .map(|r| t.number(r, share))
                    .collect::<Result<_, _>>()?,
            }
        }
        "Simulation" => simulation(dir, path, &f.result, n)?,
        other => return Err(bad(path, format!("unknown study kind {other:?}"))),
    };
    Ok(Dynamics {
        strategies: f.strategies,
        payoffs,
        payoff_kind: f.payoffs.as_ref().and_then(|p| p.kind.clone()),
        game: f.payoffs.and_then(|p| p.game).map(Into::into),
        kind: body,
    })
}

fn simulation(
    dir: &Path,
    path: &Path,
    result: &Value,
    n: usize,
) -> Result<DynamicsKind, ReportError> {
    let t = table(dir.join("fixation.csv"))?;
    if t.rows.len() != n {
        return Err(bad(&t.path, format!("expected {n} rows, one per strategy")));
    }
    let [fx, fr, se, st] = [
        "fixations",
        "frequency",
        "standard_error",
        "mean_fixation_steps",
    ]
    .map(|c| t.column(c));
    let (fx, fr, se, st) = (fx?, fr?, se?, st?);
    let mut sim = Simulation {
        runs: number_at(path, result, "runs")? as u64,
        population: 0,
        initial: Vec::new(),
        fixations: Vec::new(),
        frequency: Vec::new(),
        standard_error: Vec::new(),
        mean_fixation_steps: Vec::new(),
        unfinished: result
            .pointer("/summary/unfinished")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        trajectories: None,
    };
    for r in 0..n {
        sim.fixations.push(t.number(r, fx)? as u64);
        sim.frequency.push(t.number(r, fr)?);
        sim.standard_error.push(t.number(r, se)?);
        sim.mean_fixation_steps.push(t.optional(r, st)?);
    }
    sim.initial = result
        .pointer("/config/initial")
        .and_then(|v| serde_json::from_value::<Vec<usize>>(v.clone()).ok())
        .filter(|v| v.len() == n)
        .ok_or_else(|| {
            bad(
                path,
                "`result.config.initial` must list one count per strategy",
            )
        })?;
    sim.population = sim.initial.iter().sum();
    let traj_path = dir.join("trajectories.csv");
    if traj_path.exists() {
        let t = table(traj_path)?;
        if t.header.len() != n + 2 {
            return Err(bad(&t.path, format!("expected run, step and {n} counts")));
        }
        let mut steps = Vec::new();
        let mut counts: Vec<Vec<Vec<usize>>> = Vec::new();
        for r in 0..t.rows.len() {
            let run = t.number(r, 0)? as usize;
            let step = t.number(r, 1)? as u64;
            if run == 0 {
                steps.push(step);
            }
            if run >= counts.len() {
                counts.resize(run + 1, Vec::new());
            }
            counts[run].push(
                (2..n + 2)
                    .map(|c| t.number(r, c).map(|x| x as usize))
                    .collect::<Result<_, _>>()?,
            );
        }
        if counts.iter().any(|c| c.len() != steps.len()) {
            return Err(bad(&t.path, "every run needs a row for every step"));
        }
        sim.trajectories = Some(Trajectories { steps, counts });
    }
    Ok(DynamicsKind::Simulation(sim))
}
