//! Memory a study needs, estimated from its sizes before anything is allocated, so that a
//! population of 10^12 or a trajectory of 10^11 generations is refused with a clear message
//! instead of aborting the process.
//!
//! The estimates count the large buffers of each computation (vectors whose length comes from
//! the input) with their element sizes; small fixed costs are left out. They are upper-bound
//! style figures, not measurements.

use crate::matchup::{MatchLength, MAX_TURNS};
use crate::population::Graph;
use crate::tournament::tally::PairTally;
use crate::values::{human_bytes, MemoryLimit, Population};

use super::{Field, Limits, PayoffSource, SpecError};

/// Bytes per stored value of a trajectory (`f64`).
pub(crate) const TRAJECTORY_BYTES_PER_VALUE: f64 = 8.0;

/// One large buffer (or group of buffers) of a study, tied to the input that sizes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Need {
    pub field: Field,
    pub what: String,
    pub bytes: f64,
}

impl Need {
    pub(crate) fn new(field: Field, what: String, bytes: f64) -> Need {
        Need { field, what, bytes }
    }
}

/// The memory estimate of a study: its total and its largest part.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub total: f64,
    pub parts: Vec<Need>,
}

/// Worker threads that may each hold per-run buffers at once.
fn threads() -> f64 {
    std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64)
}

/// The estimate of `needs`.
pub fn estimate(needs: &[Need]) -> Estimate {
    Estimate {
        total: needs.iter().map(|n| n.bytes).sum(),
        parts: needs.to_vec(),
    }
}

/// Refuses a study whose estimate exceeds the limit, naming its largest part.
pub(crate) fn check(needs: &[Need], limits: &Limits) -> Result<(), SpecError> {
    let e = estimate(needs);
    let limit: MemoryLimit = limits.memory;
    if e.total <= limit.get() as f64 {
        return Ok(());
    }
    let largest = needs
        .iter()
        .max_by(|a, b| a.bytes.total_cmp(&b.bytes))
        .cloned()
        .unwrap_or_else(|| Need::new(Field::Payoffs, "the study".into(), e.total));
    Err(SpecError::TooLarge {
        field: largest.field,
        what: if (largest.bytes - e.total).abs() > 0.01 * e.total {
            format!(
                "{} ({} of the total)",
                largest.what,
                human_bytes(largest.bytes)
            )
        } else {
            largest.what
        },
        needs: e.total,
        limit,
    })
}

/// The longest match a spec can play, for sizing move buffers: the fixed length, or a length
/// a geometric match exceeds with probability 1e-9 (at most its cap).
fn longest_match(length: MatchLength) -> f64 {
    match length {
        MatchLength::Fixed(t) => t as f64,
        MatchLength::Geometric { prob_end, cap } => {
            let quantile = ((1e-9f64).ln() / (-prob_end).ln_1p()).ceil();
            quantile
                .min(cap.unwrap_or(MAX_TURNS) as f64)
                .min(MAX_TURNS as f64)
        }
    }
}

/// The move buffers of each thread for matches of up to `longest` turns.
fn move_buffers(longest: f64) -> Need {
    Need::new(
        Field::Turns,
        format!("the moves of matches of up to {longest} turns on each thread"),
        // The record (2 bytes a turn) and the two players' lent histories (4 bytes).
        longest * 6.0 * threads(),
    )
}

/// Bytes a tournament holds per pair of players beyond its running sums: the result tables
/// (payoffs, deviations, wins, cooperation, lengths, states, trust) and their text in
/// `results.json` while it is written. Measured: 1,000 players (500,500 pairs, 10 turns) peak
/// at 1.31 GB resident, 2.6 KB a pair in all.
const RESULT_BYTES_PER_PAIR: f64 = 1_800.0;

/// A tournament: the running sums and result tables of every pair (nothing grows with the
/// repetitions but the per-repetition scores), and the move buffers of each thread.
pub(crate) fn tournament(
    players: usize,
    repetitions: u64,
    matches: &crate::MatchSpec,
) -> Vec<Need> {
    let n = players as f64;
    let pairs = n * (n + 1.0) / 2.0;
    let per_pair = std::mem::size_of::<PairTally>() as f64 + 6.0 * 32.0 + RESULT_BYTES_PER_PAIR;
    vec![
        Need::new(
            Field::Payoffs,
            format!("the running sums and result tables of {players} players ({pairs} pairs)"),
            pairs * per_pair,
        ),
        Need::new(
            Field::Repetitions,
            format!("the scores of {players} players in each of {repetitions} repetitions"),
            // Scores and normalised scores, f64 each, and their text.
            n * repetitions as f64 * (2.0 * 8.0 + 40.0),
        ),
        move_buffers(longest_match(matches.length)),
    ]
}

/// The payoffs from matches: the running sums of every pair (means only: nothing grows with
/// the repetitions), and the move buffers of each thread for the longest match.
pub(crate) fn payoffs(source: &PayoffSource) -> Vec<Need> {
    let n = source.strategy_count() as f64;
    let PayoffSource::Matches(m) = source else {
        return vec![Need::new(
            Field::Payoffs,
            format!("the {n} x {n} payoff matrix"),
            n * n * 8.0,
        )];
    };
    let pairs = n * (n + 1.0) / 2.0;
    // A pair's sums, with a few partials of each exact sum on the heap.
    let per_pair = std::mem::size_of::<PairTally>() as f64 + 6.0 * 32.0;
    vec![
        Need::new(
            Field::Payoffs,
            format!("the running sums of the matches between {n} strategies"),
            pairs * per_pair,
        ),
        move_buffers(longest_match(m.matches().length)),
    ]
}

/// The birth-death chain of one fixation computation: a few vectors of `N` doubles.
pub(crate) fn fixation_chain(population: Population) -> Need {
    let n = population.get() as f64;
    Need::new(
        Field::Population,
        format!("the fixation chain of a population of {n}"),
        5.0 * 8.0 * n,
    )
}

/// The number of nodes of a graph.
pub(crate) fn graph_nodes(g: &Graph) -> u64 {
    match g {
        Graph::Complete { n } | Graph::Cycle { n } | Graph::Star { n } | Graph::Edges { n, .. } => {
            *n as u64
        }
        Graph::Lattice { width, height } => (*width as u64).saturating_mul(*height as u64),
    }
}

/// A graph's adjacency lists (each undirected link stored twice, twice over while they are
/// built) and every thread's per-node state of a run. A well-mixed population (complete
/// interaction and reproduction graphs) is simulated without adjacency lists, from the counts
/// of each strategy.
pub(crate) fn graph(g: &Graph, field: Field, well_mixed: bool) -> Vec<Need> {
    let n = graph_nodes(g) as f64;
    let (links, name) = match g {
        Graph::Complete { .. } => (n * (n - 1.0) / 2.0, "complete graph"),
        Graph::Cycle { .. } => (n, "cycle"),
        Graph::Star { .. } => (n - 1.0, "star"),
        Graph::Lattice { .. } => (2.0 * n, "lattice"),
        Graph::Edges { edges, .. } => (edges.len() as f64, "graph"),
    };
    let (structure, per_run) = if well_mixed {
        // Well mixed: the exact two-strategy chain has two vectors of N + 1 doubles.
        (16.0 * (n + 1.0), 0.0)
    } else {
        (links * 2.0 * 8.0 * 2.0 + n * 40.0, n * 40.0 * threads())
    };
    vec![Need::new(
        field,
        format!("a {name} of {n} nodes"),
        structure + per_run,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_sizes_are_refused_with_their_field() {
        let limits = Limits::default();
        let need = fixation_chain(Population::try_from(1_000_000_000_000).unwrap());
        let e = check(&[need], &limits).unwrap_err();
        assert_eq!(e.field(), Field::Population);
        let text = e.to_string();
        assert!(text.contains("needs about 36.4 TiB"), "{text}");
        assert!(text.contains("the limit is 4.0 GiB"), "{text}");
        let ok = fixation_chain(Population::try_from(1000).unwrap());
        assert!(check(&[ok], &limits).is_ok());
        let g = graph(&Graph::Complete { n: 10_000_000_000 }, Field::Graph, true);
        assert_eq!(check(&g, &limits).unwrap_err().field(), Field::Graph);
    }
}
