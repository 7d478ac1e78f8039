//! Watching a tournament while it runs: progress, and every match as it is played (what
//! `--interactions` streams). An observer never changes the results; it is called from the
//! match threads, in the order matches finish (which depends on the thread count), with each
//! match's job number so that a writer can put them back in schedule order.

use crate::matchup::MatchStats;
use crate::Move;

use super::tally::Repetitions;

/// One played match, as the thread that played it reports it.
#[derive(Debug)]
pub struct PlayedMatch<'a> {
    /// The job number, `0..jobs`, in schedule order: repetition 0 plays every pair in pair
    /// order, later repetitions the pairs that are not cached.
    pub job: usize,
    /// The match index (fixes the seed): `repetition * pairs + pair`.
    pub index: u64,
    /// The players (indices into the spec's players), `i` first.
    pub i: usize,
    pub j: usize,
    /// The repetition, or every repetition for a deterministic pair played once.
    pub repetitions: Repetitions,
    pub seed: u64,
    pub stats: &'a MatchStats,
    /// Both players' moves as played.
    pub moves: [&'a [Move]; 2],
}

/// What a run tells an observer. Every method has a default that does nothing.
pub trait RunObserver: Sync {
    /// The run plays `jobs` matches (called once, before the first).
    fn started(&self, _jobs: usize) {}
    /// A match was played (called only when [`RunObserver::wants_matches`] says so).
    fn played(&self, _m: &PlayedMatch<'_>) {}
    /// Whether [`RunObserver::played`] should be called.
    fn wants_matches(&self) -> bool {
        false
    }
    /// `done` matches are finished (called after each chunk of matches a thread takes, from
    /// any thread).
    fn progress(&self, _done: usize) {}
}

/// The observer of a plain run: sees nothing.
pub struct Unobserved;

impl RunObserver for Unobserved {}
