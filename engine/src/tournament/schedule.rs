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

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use vertrouwen_plugins_api::derive_seed;

use super::tally::{pairs, Repetitions};
use crate::matchup::{MatchLength, MatchSpec};
use crate::results::LengthBin;

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

/// How many matches among the players `kept` lasted how long, over every repetition: the
/// lengths follow from the seeds alone, so nothing is kept while playing. Exact counts per
/// length when there are at most `MAX_BINS` different lengths, else `MAX_BINS` equal bins.
pub(crate) fn length_histogram(
    matches: &MatchSpec,
    seed: u64,
    players: usize,
    repetitions: usize,
    kept: &[usize],
) -> Vec<LengthBin> {
    const MAX_BINS: usize = 100;
    let kept_pairs = kept.len() * (kept.len() + 1) / 2;
    if let MatchLength::Fixed(t) = matches.length {
        let t = t as u32;
        return vec![LengthBin {
            from: t,
            to: t,
            matches: (kept_pairs * repetitions) as u64,
        }];
    }
    let pair_list = pairs(players);
    let mut counts: BTreeMap<u32, u64> = BTreeMap::new();
    for r in 0..repetitions {
        for (p, &(i, j)) in pair_list.iter().enumerate() {
            if kept.binary_search(&i).is_err() || kept.binary_search(&j).is_err() {
                continue;
            }
            let index = (r * pair_list.len() + p) as u64;
            let turns = matches.turns_for(derive_seed(seed, index)) as u32;
            *counts.entry(turns).or_default() += 1;
        }
    }
    if counts.len() <= MAX_BINS {
        return counts
            .into_iter()
            .map(|(t, matches)| LengthBin {
                from: t,
                to: t,
                matches,
            })
            .collect();
    }
    let (lo, hi) = (
        *counts.keys().next().unwrap_or(&0),
        *counts.keys().next_back().unwrap_or(&0),
    );
    let width = (u64::from(hi - lo) + 1).div_ceil(MAX_BINS as u64) as u32;
    let mut bins: Vec<LengthBin> = (0..MAX_BINS as u32)
        .map(|k| LengthBin {
            from: lo + k * width,
            to: lo.saturating_add((k + 1) * width - 1),
            matches: 0,
        })
        .collect();
    for (t, n) in counts {
        bins[((t - lo) / width) as usize].matches += n;
    }
    bins.retain(|b| b.from <= hi);
    bins
}

/// Hands out chunks of job numbers `0..len` (or of a window of them, see
/// [`Dispenser::window`]) to threads.
#[derive(Debug)]
pub(crate) struct Dispenser {
    next: AtomicUsize,
    end: AtomicUsize,
    threads: usize,
}

impl Dispenser {
    pub(crate) fn new(len: usize, threads: usize) -> Self {
        Dispenser {
            next: AtomicUsize::new(0),
            end: AtomicUsize::new(len),
            threads: threads.max(1),
        }
    }

    /// Hands out `start..end` next. Only while no thread claims (between the barriers of a
    /// segmented run): claims are not synchronised with it.
    pub(crate) fn window(&self, start: usize, end: usize) {
        self.next.store(start, Ordering::Relaxed);
        self.end.store(end, Ordering::Relaxed);
    }

    /// The next chunk, or `None` when every job has been handed out.
    pub(crate) fn claim(&self) -> Option<Range<usize>> {
        let end = self.end.load(Ordering::Relaxed);
        let start_guess = self.next.load(Ordering::Relaxed);
        let remaining = end.saturating_sub(start_guess);
        let size = (remaining / (4 * self.threads)).clamp(1, 1024);
        let start = self.next.fetch_add(size, Ordering::Relaxed);
        (start < end).then(|| start..(start + size).min(end))
    }

    /// Stops handing out work (after a fault).
    pub(crate) fn stop(&self) {
        self.next
            .store(self.end.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// A reusable barrier whose number of parties can be lowered (when a thread could not be
/// started); `wait` returns `true` on exactly one thread of each generation.
pub(crate) struct Gate {
    /// Parties, threads waiting, generation.
    state: Mutex<(usize, usize, u64)>,
    released: Condvar,
}

impl Gate {
    pub(crate) fn new(parties: usize) -> Gate {
        Gate {
            state: Mutex::new((parties.max(1), 0, 0)),
            released: Condvar::new(),
        }
    }

    pub(crate) fn wait(&self) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let generation = s.2;
        s.1 += 1;
        if s.1 >= s.0 {
            s.1 = 0;
            s.2 += 1;
            self.released.notify_all();
            return true;
        }
        while s.2 == generation {
            s = self.released.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        false
    }

    pub(crate) fn set_parties(&self, parties: usize) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 = parties.max(1);
        if s.1 > 0 && s.1 >= s.0 {
            s.1 = 0;
            s.2 += 1;
            self.released.notify_all();
        }
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
