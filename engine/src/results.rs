//! Tournament statistics with Axelrod-Python 4.14.0's definitions (`ResultSet`), and the files
//! `summary.csv` and `results.json`.
//!
//! Conventions (all as Axelrod-Python's, self-play excluded unless said otherwise):
//! - normalised score of player i in repetition r: the mean over opponents j != i of i's payoff
//!   per turn in that match; `Median_score` is its median over repetitions.
//! - `Cooperation_rating`: i's cooperations over all its turns against others, pooled.
//! - `Wins`: median over repetitions of the number of matches i won outright (ties win nothing).
//! - `Initial_C_rate`: share of i's matches against others that it opened with C.
//! - `CC_rate`..`DD_rate`: per opponent, the share of turns in each state (own move first);
//!   then the mean of those shares over opponents.
//! - `CC_to_C_rate`..: per opponent, P(i cooperates | previous turn was in that state); then
//!   the mean over the opponents where that probability is positive (Axelrod-Python's quirk: a
//!   zero is left out, and "no value" is written as the integer 0).
//! - payoff matrix: mean over repetitions of per-turn payoff (self-play on the diagonal, the
//!   mean of both clones); its standard deviation is the population one (ddof = 0).
//! - ranking: by median normalised score, descending; ties keep the players' order.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::game::Game;
use crate::matchup::MatchStats;
use crate::trust::TrustResults;

/// The statistics of one player.
#[derive(Clone, Debug, Serialize)]
pub struct PlayerSummary {
    pub rank: usize,
    pub name: String,
    pub original_index: usize,
    pub median_score: f64,
    pub cooperation_rating: f64,
    pub wins: f64,
    pub initial_c_rate: f64,
    /// CC, CD, DC, DD; `None` when the player had no turns against others.
    pub state_rates: Option<[f64; 4]>,
    /// P(C | previous state) for CC, CD, DC, DD; `None` where no opponent qualifies.
    pub state_to_c_rates: [Option<f64>; 4],
}

/// Everything a tournament produced, in a form that serialises deterministically.
#[derive(Clone, Debug, Serialize)]
pub struct ResultSet {
    pub players: Vec<String>,
    pub repetitions: usize,
    /// Player indices from first to last place.
    pub ranking: Vec<usize>,
    pub ranked_names: Vec<String>,
    /// Rows in ranking order.
    pub summary: Vec<PlayerSummary>,
    /// `scores[i][r]`: i's total payoff against others in repetition r.
    pub scores: Vec<Vec<f64>>,
    /// `normalised_scores[i][r]`.
    pub normalised_scores: Vec<Vec<f64>>,
    /// `wins[i][r]`.
    pub wins: Vec<Vec<u32>>,
    /// `payoff_matrix[i][j]`: mean per-turn payoff of i against j.
    pub payoff_matrix: Vec<Vec<f64>>,
    /// `payoff_stddevs[i][j]`: its population standard deviation over repetitions.
    pub payoff_stddevs: Vec<Vec<f64>>,
    /// `total_payoff_matrix[i][j]`: mean over repetitions of i's total payoff against j
    /// (self-play: the mean of both clones), for dynamics that use match totals.
    pub total_payoff_matrix: Vec<Vec<f64>>,
    /// `cooperation[i][j]`: i's cooperations against j summed over repetitions (self-play: half
    /// of both clones' total, truncated, as Axelrod-Python).
    pub cooperation: Vec<Vec<u64>>,
    /// `match_lengths[r][i][j]`.
    pub match_lengths: Vec<Vec<Vec<u32>>>,
    /// `state_distribution[i][j]`: turns in CC, CD, DC, DD (i's side) summed over repetitions.
    pub state_distribution: Vec<Vec<[u64; 4]>>,
    /// Total turns played in the tournament (each match counted once).
    pub total_turns: u64,
    /// Trust per ordered pair and per player (see [`crate::trust`]).
    pub trust: TrustResults,
}

fn median(values: &mut [f64]) -> f64 {
    // NaN never occurs (every value is a finite mean); sort with total order for determinism.
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// `np.mean`: Axelrod-Python averages repetitions with numpy, so we sum the way numpy does.
fn mean(values: &[f64]) -> f64 {
    numpy_sum(values) / values.len() as f64
}

/// `np.add.reduce` of a contiguous float64 array: pairwise summation with an 8-way unrolled
/// base case (numpy's `pairwise_sum`), starting from the identity 0. Used where
/// Axelrod-Python takes `np.mean`, so that our numbers agree to the last bit.
fn numpy_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |acc, &x| acc + x)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[i..] {
            res += x;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        numpy_sum(&a[..n2]) + numpy_sum(&a[n2..])
    }
}

fn population_std(values: &[f64]) -> f64 {
    // `np.std` (ddof = 0): the numpy mean of the squared deviations.
    let m = mean(values);
    let squares: Vec<f64> = values.iter().map(|v| (v - m) * (v - m)).collect();
    mean(&squares).sqrt()
}

/// Index of pair (i, j), i <= j, in the round-robin order (0,0), (0,1), .., (0,n-1), (1,1), ..
pub fn pair_index(n: usize, i: usize, j: usize) -> usize {
    debug_assert!(i <= j && j < n);
    i * n - i * (i + 1) / 2 + j
}

/// All pairs (i, j), i <= j, in round-robin order.
pub fn pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n).flat_map(|i| (i..n).map(move |j| (i, j))).collect()
}

impl ResultSet {
    /// Builds the statistics from `stats[r][p]`, the match of pair `pairs(n)[p]` in repetition r.
    /// `trust_run` is the run length of the trust measures (recorded with them).
    pub fn from_matches(
        players: Vec<String>,
        game: &Game,
        stats: &[Vec<MatchStats>],
        trust_run: u32,
    ) -> ResultSet {
        let n = players.len();
        let reps = stats.len();
        let pair_list = pairs(n);
        // Per (i, j) from i's side: per-rep per-turn payoff, scores, etc.
        let mut per_turn = vec![vec![Vec::with_capacity(reps); n]; n];
        let mut totals = vec![vec![Vec::with_capacity(reps); n]; n];
        let mut scores = vec![vec![0.0; reps]; n];
        let mut wins = vec![vec![0u32; reps]; n];
        let mut cooperation = vec![vec![0u64; n]; n];
        let mut turns_against = vec![0u64; n];
        let mut coop_against = vec![0u64; n];
        let mut opened_c = vec![0u64; n];
        let mut opened = vec![0u64; n];
        let mut states = vec![vec![[0u64; 4]; n]; n];
        let mut trans = vec![vec![[[0u64; 2]; 4]; n]; n];
        let mut match_lengths = vec![vec![vec![0u32; n]; n]; reps];
        let mut total_turns = 0u64;
        let mut normalised = vec![vec![0.0; reps]; n];

        for (r, row) in stats.iter().enumerate() {
            let mut per_turn_sum = vec![0.0; n];
            for (p, st) in row.iter().enumerate() {
                let (i, j) = pair_list[p];
                total_turns += u64::from(st.turns);
                match_lengths[r][i][j] = st.turns;
                match_lengths[r][j][i] = st.turns;
                let (s1, s2) = st.scores(game);
                let t = f64::from(st.turns.max(1));
                if i == j {
                    per_turn[i][i].push((s1 / t + s2 / t) / 2.0);
                    totals[i][i].push((s1 + s2) / 2.0);
                    cooperation[i][i] += u64::from(st.cooperations(0) + st.cooperations(1));
                    continue;
                }
                per_turn[i][j].push(s1 / t);
                per_turn[j][i].push(s2 / t);
                totals[i][j].push(s1);
                totals[j][i].push(s2);
                per_turn_sum[i] += s1 / t;
                per_turn_sum[j] += s2 / t;
                scores[i][r] += s1;
                scores[j][r] += s2;
                if s1 > s2 {
                    wins[i][r] += 1;
                } else if s2 > s1 {
                    wins[j][r] += 1;
                }
                for (who, other, side) in [(i, j, 0usize), (j, i, 1usize)] {
                    let c = u64::from(st.cooperations(side));
                    cooperation[who][other] += c;
                    coop_against[who] += c;
                    turns_against[who] += u64::from(st.turns);
                    if st.turns > 0 {
                        opened[who] += 1;
                        opened_c[who] += u64::from(st.first[side] == 0);
                    }
                    let own_states = st.states_for(side);
                    for k in 0..4 {
                        states[who][other][k] += u64::from(own_states[k]);
                        for (slot, &count) in trans[who][other][k]
                            .iter_mut()
                            .zip(&st.transitions[side][k])
                        {
                            *slot += u64::from(count);
                        }
                    }
                }
            }
            for i in 0..n {
                normalised[i][r] = if n > 1 {
                    per_turn_sum[i] / (n - 1) as f64
                } else {
                    0.0
                };
            }
        }
        for (i, row) in cooperation.iter_mut().enumerate() {
            // Axelrod-Python halves the two clones' total for the diagonal (integer division).
            row[i] /= 2;
        }

        let means = |m: &[Vec<Vec<f64>>]| -> Vec<Vec<f64>> {
            m.iter()
                .map(|row| {
                    row.iter()
                        .map(|v| if v.is_empty() { 0.0 } else { mean(v) })
                        .collect()
                })
                .collect()
        };
        let total_payoff_matrix = means(&totals);
        let payoff_matrix = means(&per_turn);
        let payoff_stddevs: Vec<Vec<f64>> = per_turn
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| if v.is_empty() { 0.0 } else { population_std(v) })
                    .collect()
            })
            .collect();

        let medians: Vec<f64> = normalised.iter().map(|v| median(&mut v.clone())).collect();
        let mut ranking: Vec<usize> = (0..n).collect();
        // Stable sort: equal medians keep the players' order, as Python's sorted().
        ranking.sort_by(|&a, &b| medians[b].total_cmp(&medians[a]));

        let summary = ranking
            .iter()
            .enumerate()
            .map(|(rank, &i)| {
                let mut rates = [0.0; 4];
                for (j, s) in states[i].iter().enumerate() {
                    let total: u64 = s.iter().sum();
                    if j == i || total == 0 {
                        continue;
                    }
                    for k in 0..4 {
                        rates[k] += s[k] as f64 / total as f64;
                    }
                }
                let denom: f64 = rates.iter().sum();
                let state_rates = (denom > 0.0).then(|| rates.map(|x| x / denom));
                let state_to_c_rates = std::array::from_fn(|k| {
                    let ps: Vec<f64> = (0..n)
                        .filter(|&j| j != i)
                        .filter_map(|j| {
                            let [c, d] = trans[i][j][k];
                            (c + d > 0).then(|| c as f64 / (c + d) as f64)
                        })
                        .filter(|&p| p > 0.0)
                        .collect();
                    (!ps.is_empty()).then(|| numpy_sum(&ps) / ps.len() as f64)
                });
                PlayerSummary {
                    rank,
                    name: players[i].clone(),
                    original_index: i,
                    median_score: medians[i],
                    cooperation_rating: coop_against[i] as f64 / turns_against[i].max(1) as f64,
                    wins: median(&mut wins[i].iter().map(|&w| f64::from(w)).collect::<Vec<_>>()),
                    initial_c_rate: if opened[i] == 0 {
                        0.0
                    } else {
                        opened_c[i] as f64 / opened[i] as f64
                    },
                    state_rates,
                    state_to_c_rates,
                }
            })
            .collect();

        let trust = TrustResults::from_matches(&players, game, stats, trust_run);
        ResultSet {
            ranked_names: ranking.iter().map(|&i| players[i].clone()).collect(),
            players,
            repetitions: reps,
            ranking,
            summary,
            scores,
            normalised_scores: normalised,
            wins,
            payoff_matrix,
            payoff_stddevs,
            total_payoff_matrix,
            cooperation,
            match_lengths,
            state_distribution: states,
            total_turns,
            trust,
        }
    }

    /// `summary.csv` exactly as Axelrod-Python 4.14.0's `ResultSet.write_summary` writes it
    /// (same header, row order, Python float formatting and integer-0 fallbacks).
    pub fn summary_csv(&self) -> String {
        let mut out = String::from(
            "Rank,Name,Median_score,Cooperation_rating,Wins,Initial_C_rate,Original_index,\
             CC_rate,CD_rate,DC_rate,DD_rate,CC_to_C_rate,CD_to_C_rate,DC_to_C_rate,DD_to_C_rate\n",
        );
        for s in &self.summary {
            let mut row = vec![
                s.rank.to_string(),
                csv_field(&s.name),
                py_float(s.median_score),
                py_float(s.cooperation_rating),
                py_float(s.wins),
                py_float(s.initial_c_rate),
                s.original_index.to_string(),
            ];
            match s.state_rates {
                Some(r) => row.extend(r.iter().map(|&x| py_float(x))),
                None => row.extend(std::iter::repeat_n("0".to_string(), 4)),
            }
            row.extend(
                s.state_to_c_rates
                    .iter()
                    .map(|x| x.map_or("0".to_string(), py_float)),
            );
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }

    /// A plain-text ranking table for terminals.
    pub fn ranking_table(&self) -> String {
        let width = self
            .summary
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(4)
            .max(8);
        let mut out = format!(
            "{:>4}  {:<width$}  {:>12}  {:>11}  {:>6}\n",
            "Rank", "Strategy", "Median score", "Cooperation", "Wins"
        );
        for s in &self.summary {
            out.push_str(&format!(
                "{:>4}  {:<width$}  {:>12.4}  {:>10.1}%  {:>6}\n",
                s.rank + 1,
                s.name,
                s.median_score,
                100.0 * s.cooperation_rating,
                s.wins
            ));
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Formats a float as Python's `repr` does: shortest round-trip digits, `.0` on integral
/// values, scientific notation below 1e-4 and from 1e16 on (`1e-05`, `1.5e+16`).
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let a = x.abs();
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    if !(1e-4..1e16).contains(&a) {
        let s = format!("{x:e}");
        let (mant, exp) = s.split_once('e').expect("exponent");
        let exp: i32 = exp.parse().expect("exponent digits");
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let s = format!("{x}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over the target, so readers never see a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_formatting() {
        assert_eq!(py_float(2.0), "2.0");
        assert_eq!(py_float(0.0), "0.0");
        assert_eq!(py_float(2.1750000000000003), "2.1750000000000003");
        assert_eq!(py_float(1e-5), "1e-05");
        assert_eq!(py_float(0.0001), "0.0001");
        assert_eq!(py_float(1.5e16), "1.5e+16");
        assert_eq!(py_float(-3.25), "-3.25");
        assert_eq!(py_float(123456789.0), "123456789.0");
    }

    #[test]
    fn pair_indices_follow_round_robin_order() {
        let n = 5;
        for (k, (i, j)) in pairs(n).into_iter().enumerate() {
            assert_eq!(pair_index(n, i, j), k, "({i},{j})");
        }
        assert_eq!(
            pairs(3),
            vec![(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]
        );
    }

    /// Checked against numpy 2.4.6: `np.sum([0.1] * 10)` is 1.0, where a sequential
    /// left-to-right sum gives 0.9999999999999999.
    #[test]
    fn numpy_pairwise_summation() {
        assert_eq!(
            [0.1f64; 10].iter().fold(0.0, |a, &x| a + x),
            0.9999999999999999
        );
        assert_eq!(numpy_sum(&[0.1; 10]), 1.0);
        assert_eq!(numpy_sum(&[0.5; 300]), 150.0);
    }

    #[test]
    fn median_even_and_odd() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "second");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
