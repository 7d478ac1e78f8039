//! Which matches a tournament plays, in which order, and how threads share them.
//!
//! Match numbering (it fixes every seed, so it never changes): the match of pair `p` (in
//! [`pairs`](super::tally::pairs) order) in repetition `r` has index `r * pairs + p` and seed
//! `derive_seed(master_seed, index)`.
//!
//! A pair of deterministic players in a noise-free match of fixed length plays the same moves in
//! every repetition, so it is played once (in repetition 0) and stands for all repetitions, as
//! Axelrod-Python's deterministic cache does.
//!
//! The job list is never materialised: job `k` is computed from `k`, so memory does not grow
//! with the number of matches. Threads claim contiguous chunks of jobs from one atomic cursor;
//! chunks shrink as the work runs out (guided self-scheduling), so a thread that drew long
//! matches does not leave the others idle at the end.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::tally::Repetitions;

/// The matches of one tournament.
#[derive(Debug)]
pub(crate) struct Schedule {
    pairs: Vec<(usize, usize)>,
    /// Pairs played in every repetition (not cached), by pair index.
    replayed: Vec<usize>,
    cached: Vec<bool>,
    repetitions: usize,
}

/// One match to play.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Job {
    /// The match index (it determines the seed).
    pub index: u64,
    pub i: usize,
    pub j: usize,
    pub reps: Repetitions,
}

impl Schedule {
    /// `cached[p]`: pair `p` is played once and stands for every repetition.
    pub(crate) fn new(pairs: Vec<(usize, usize)>, cached: Vec<bool>, repetitions: usize) -> Self {
        let replayed = (0..pairs.len()).filter(|&p| !cached[p]).collect();
        Schedule {
            pairs,
            replayed,
            cached,
            repetitions,
        }
    }

    /// How many matches are actually played.
    pub(crate) fn len(&self) -> usize {
        self.pairs.len() + self.repetitions.saturating_sub(1) * self.replayed.len()
    }

    /// The `k`-th match to play: repetition 0 plays every pair, later repetitions only the pairs
    /// that are not cached.
    pub(crate) fn job(&self, k: usize) -> Job {
        let pairs = self.pairs.len();
        let (rep, p) = if k < pairs {
            (0, k)
        } else {
            let rest = k - pairs;
            (
                1 + rest / self.replayed.len(),
                self.replayed[rest % self.replayed.len()],
            )
        };
        let (i, j) = self.pairs[p];
        Job {
            index: (rep * pairs + p) as u64,
            i,
            j,
            reps: if self.cached[p] {
                Repetitions::All
            } else {
                Repetitions::One(rep)
            },
        }
    }

    pub(crate) fn is_cached(&self, pair: usize) -> bool {
        self.cached[pair]
    }
}

/// Hands out chunks of job numbers `0..len` to threads.
#[derive(Debug)]
pub(crate) struct Dispenser {
    next: AtomicUsize,
    len: usize,
    threads: usize,
}

impl Dispenser {
    pub(crate) fn new(len: usize, threads: usize) -> Self {
        Dispenser {
            next: AtomicUsize::new(0),
            len,
            threads: threads.max(1),
        }
    }

    /// The next chunk, or `None` when every job has been handed out.
    pub(crate) fn claim(&self) -> Option<Range<usize>> {
        let start_guess = self.next.load(Ordering::Relaxed);
        let remaining = self.len.saturating_sub(start_guess);
        let size = (remaining / (4 * self.threads)).clamp(1, 1024);
        let start = self.next.fetch_add(size, Ordering::Relaxed);
        (start < self.len).then(|| start..(start + size).min(self.len))
    }

    /// Stops handing out work (after a fault).
    pub(crate) fn stop(&self) {
        self.next.store(self.len, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tournament::tally::pairs;

    #[test]
    fn jobs_cover_every_match_once_with_tournament_indices() {
        let pairs = pairs(3); // 6 pairs
        let cached = vec![true, false, true, false, false, true];
        let s = Schedule::new(pairs.clone(), cached.clone(), 4);
        assert_eq!(s.len(), 6 + 3 * 3);
        let mut seen = std::collections::BTreeSet::new();
        for k in 0..s.len() {
            let job = s.job(k);
            let (rep, p) = (job.index as usize / 6, job.index as usize % 6);
            assert_eq!((job.i, job.j), pairs[p]);
            assert!(
                rep == 0 || !cached[p],
                "cached pairs play only in repetition 0"
            );
            assert!(seen.insert(job.index), "match {} twice", job.index);
        }
        assert_eq!(seen.len(), s.len());
    }

    #[test]
    fn dispenser_hands_out_everything_once() {
        let d = Dispenser::new(1000, 3);
        let mut covered = vec![0u8; 1000];
        while let Some(r) = d.claim() {
            for k in r {
                covered[k] += 1;
            }
        }
        assert!(covered.iter().all(|&c| c == 1));
        let d = Dispenser::new(10, 2);
        d.stop();
        assert!(d.claim().is_none());
    }
}
