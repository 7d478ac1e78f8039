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
//!
//! Every sum over matches is exact and rounded once (see [`crate::exact_sum`]), so the numbers
//! do not depend on the order the matches finished in. Axelrod-Python sums repetitions with
//! numpy's pairwise summation instead; the two can differ in the last bit of a mean. Means over
//! *opponents* (the `*_to_C_rate` columns) are taken in opponent order with numpy's summation,
//! as Axelrod-Python does.
//! - ranking: by median normalised score, descending; ties keep the players' order.

use rayon::prelude::*;
use serde::Serialize;

use crate::exact_sum::ExactSum;
use crate::tournament::tally::{pairs, TournamentTally};
use crate::trust::{TrustResults, TrustTally};

/// Matches whose length was between `from` and `to` turns (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LengthBin {
    pub from: u32,
    pub to: u32,
    pub matches: u64,
}

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
    /// `mean_match_lengths[i][j]`: the mean number of turns of the matches of i against j.
    pub mean_match_lengths: Vec<Vec<f64>>,
    /// `pair_turns[i][j]`: the turns of all matches of i against j (over repetitions).
    pub pair_turns: Vec<Vec<u64>>,
    /// How many matches (every pair, every repetition) lasted how long.
    pub match_length_histogram: Vec<LengthBin>,
    /// The shortest and the longest of those matches.
    pub min_match_lengths: Vec<Vec<u32>>,
    pub max_match_lengths: Vec<Vec<u32>>,
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
        return 0.0;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// `np.add.reduce` of a contiguous float64 array: pairwise summation with an 8-way unrolled
/// base case (numpy's `pairwise_sum`), starting from the identity 0. Used where
/// Axelrod-Python takes `np.mean` over opponents, so that our numbers agree to the last bit.
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

/// A pair's payoff figures from each side: (mean per turn, its standard deviation, mean
/// total). Rounding exact sums is the costly part of the results, so it runs on all cores.
type PairFigures = [(f64, f64, f64); 2];

fn pair_figures(tally: &TournamentTally, i: usize, j: usize) -> PairFigures {
    let p = tally.pair(i, j);
    let sides = if i == j { 1 } else { 2 };
    let mut out = [(0.0, 0.0, 0.0); 2];
    for (side, figures) in out.iter_mut().enumerate().take(sides) {
        let (mean, std) = mean_and_std(p.matches, &p.per_turn[side], &p.per_turn_squares[side]);
        let total = mean_and_std(p.matches, &p.totals[side], &ExactSum::new()).0;
        *figures = (mean, std, total);
    }
    out
}

/// The mean and population standard deviation (ddof = 0) of `count` values, from their exact
/// sum and exact sum of squares: both correctly rounded, whatever the order the values came in.
fn mean_and_std(count: u64, sum: &ExactSum, squares: &ExactSum) -> (f64, f64) {
    if count == 0 {
        return (0.0, 0.0);
    }
    let n = count as f64;
    let mean = sum.value() / n;
    let variance = ExactSum::centered_square_sum(count, sum, squares) / (n * n);
    (mean, variance.sqrt())
}

impl ResultSet {
    /// Computes the statistics from a tournament's running sums; `players` are the labels.
    /// With `parallel`, the costly part (rounding every pair's exact sums) runs on all cores;
    /// the results are the same either way.
    pub fn from_tally(players: Vec<String>, tally: &TournamentTally, parallel: bool) -> ResultSet {
        let n = players.len();
        let reps = tally.repetitions();
        debug_assert_eq!(n, tally.players());
        let mut scores = vec![vec![0.0; reps]; n];
        let mut normalised = vec![vec![0.0; reps]; n];
        let mut wins = vec![vec![0u32; reps]; n];
        for i in 0..n {
            for r in 0..reps {
                let cell = tally.cell(i, r);
                scores[i][r] = cell.score.value();
                normalised[i][r] = if n > 1 {
                    cell.per_turn.value() / (n - 1) as f64
                } else {
                    0.0
                };
                wins[i][r] = cell.wins;
            }
        }

        let mut payoff_matrix = vec![vec![0.0; n]; n];
        let mut payoff_stddevs = vec![vec![0.0; n]; n];
        let mut total_payoff_matrix = vec![vec![0.0; n]; n];
        let mut cooperation = vec![vec![0u64; n]; n];
        let mut states = vec![vec![[0u64; 4]; n]; n];
        let mut trans = vec![vec![[[0u64; 2]; 4]; n]; n];
        let mut mean_match_lengths = vec![vec![0.0; n]; n];
        let mut pair_turns = vec![vec![0u64; n]; n];
        let mut min_match_lengths = vec![vec![0u32; n]; n];
        let mut max_match_lengths = vec![vec![0u32; n]; n];
        let mut trust_pairs = vec![vec![TrustTally::default(); n]; n];
        let mut turns_against = vec![0u64; n];
        let mut coop_against = vec![0u64; n];
        let mut opened = vec![0u64; n];
        let mut opened_c = vec![0u64; n];
        let mut total_turns = 0u64;
        let all_pairs = pairs(n);
        let figures: Vec<PairFigures> = if parallel {
            all_pairs
                .par_iter()
                .with_min_len(256)
                .map(|&(i, j)| pair_figures(tally, i, j))
                .collect()
        } else {
            all_pairs
                .iter()
                .map(|&(i, j)| pair_figures(tally, i, j))
                .collect()
        };
        for (&(i, j), figures) in all_pairs.iter().zip(&figures) {
            let p = tally.pair(i, j);
            total_turns += p.turns;
            let mean_length = if p.matches == 0 {
                0.0
            } else {
                p.turns as f64 / p.matches as f64
            };
            trust_pairs[i][j] = p.trust[0];
            if i != j {
                trust_pairs[j][i] = p.trust[1];
            }
            for (a, b) in [(i, j), (j, i)] {
                mean_match_lengths[a][b] = mean_length;
                pair_turns[a][b] = p.turns;
                min_match_lengths[a][b] = p.min_turns;
                max_match_lengths[a][b] = p.max_turns;
            }
            if i == j {
                let (mean, std, total) = figures[0];
                payoff_matrix[i][i] = mean;
                payoff_stddevs[i][i] = std;
                total_payoff_matrix[i][i] = total;
                // Axelrod-Python halves the two clones' total for the diagonal (integer division).
                cooperation[i][i] = (p.cooperations(0) + p.cooperations(1)) / 2;
                continue;
            }
            for (side, who, other) in [(0, i, j), (1, j, i)] {
                let (mean, std, total) = figures[side];
                payoff_matrix[who][other] = mean;
                payoff_stddevs[who][other] = std;
                total_payoff_matrix[who][other] = total;
                let c = p.cooperations(side);
                cooperation[who][other] = c;
                coop_against[who] += c;
                turns_against[who] += p.turns;
                opened[who] += p.opened;
                opened_c[who] += p.opened_c[side];
                states[who][other] = p.states_for(side);
                trans[who][other] = p.transitions[side];
            }
        }

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

        let trust =
            TrustResults::from_pairs(&players, tally.game(), trust_pairs, tally.trust_run());
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
            mean_match_lengths,
            pair_turns,
            match_length_histogram: Vec::new(),
            min_match_lengths,
            max_match_lengths,
            state_distribution: states,
            total_turns,
            trust,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
