//! Why this file is long: shards, the partial tally with its checks, and the run of a part
//! are one concept (a part of a tournament's work); about 90 lines are tests.
//!
//! Parts of a tournament's work, and their results: shards and partial tallies.
//!
//! A [`Shard`] `I/N` is a deterministic share of the tournament's matches: the jobs of the
//! [`Schedule`](super::schedule) (every match actually played, in job order) dealt round-robin,
//! job `k` to shard `k mod N`. Every match of a tournament has the same expected cost (the same
//! match settings, so the same expected number of turns; a deterministic pair cached over the
//! repetitions is one job, played once), so shards differ by at most one match in count, and
//! dealing job by job spreads each player's (possibly costly) pairings evenly over the shards,
//! which contiguous blocks would not. The partition depends only on the schedule and `N`, never
//! on threads or machines.
//!
//! A [`PartialTally`] is the tournament's running sums over some of its matches (a shard, a
//! checkpoint of a run, or a merge of several shards), with the counts of matches and turns.
//! Every float in it is an exact sum, so partials of disjoint sets of matches merge, in any
//! order and grouping, into exactly the tally of their union: a merged tally gives the same
//! bits as an unsharded run.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::schedule::{self, Schedule};
use super::tally::{pairs, PairTally, RepCell, TournamentTally};
use super::{
    cached_pairs, local_is_stochastic, play_local, replayed_pairs, thread_count, Deal, RunOptions,
    Segments, TournamentError, TournamentOutcome, TournamentSpec,
};
use crate::results::ResultSet;

/// Shard `index` of `count` (0-based) of a tournament's matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// A shard or a partial result that does not fit.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PartError {
    #[error("shard count must be at least 1")]
    NoShards,
    #[error("shard index {index} is out of range for {count} shards (indices are 0 to {})", count - 1)]
    IndexOutOfRange { index: u32, count: u32 },
    #[error("it holds {found}, but the study has {expected}")]
    Shape { expected: String, found: String },
    #[error("it says {done} of {jobs} matches of its shard are done, which cannot be")]
    Progress { done: u64, jobs: u64 },
    /// A count no tournament of this shape can reach (a damaged or crafted file); checked
    /// before any sum is added to, so that nothing overflows.
    #[error("pair {pair} of its sums holds {what}, which no tournament of {repetitions} repetitions can reach")]
    Counts {
        pair: usize,
        what: String,
        repetitions: u64,
    },
}

impl Shard {
    /// All the work in one part.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Shard `index` of `count`; `index < count`.
    pub fn new(index: u32, count: u32) -> Result<Shard, PartError> {
        if count == 0 {
            return Err(PartError::NoShards);
        }
        if index >= count {
            return Err(PartError::IndexOutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    pub fn index(&self) -> u32 {
        self.index
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    /// How many of `total` jobs this shard plays.
    pub fn jobs(&self, total: u64) -> u64 {
        let (i, n) = (u64::from(self.index), u64::from(self.count));
        if total <= i {
            0
        } else {
            (total - i).div_ceil(n)
        }
    }

    /// The tournament job number of this shard's `m`-th job.
    pub(crate) fn job(&self, m: usize) -> usize {
        self.index as usize + m * self.count as usize
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The running sums of some of a tournament's matches: mergeable (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartialTally {
    players: u64,
    repetitions: u64,
    pairs: Vec<PairTally>,
    cells: Vec<RepCell>,
    matches_played: u64,
    turns_played: u64,
}

impl PartialTally {
    /// The sums of no match, for `players` players and `repetitions` repetitions.
    pub fn empty(players: usize, repetitions: usize) -> PartialTally {
        PartialTally {
            players: players as u64,
            repetitions: repetitions as u64,
            pairs: vec![PairTally::default(); players * (players + 1) / 2],
            cells: vec![RepCell::default(); players * repetitions],
            matches_played: 0,
            turns_played: 0,
        }
    }

    pub(crate) fn from_parts(
        players: usize,
        repetitions: usize,
        pairs: Vec<PairTally>,
        cells: Vec<RepCell>,
        matches_played: u64,
        turns_played: u64,
    ) -> PartialTally {
        PartialTally {
            players: players as u64,
            repetitions: repetitions as u64,
            pairs,
            cells,
            matches_played,
            turns_played,
        }
    }

    pub fn players(&self) -> u64 {
        self.players
    }

    pub fn repetitions(&self) -> u64 {
        self.repetitions
    }

    /// Matches played (a cached deterministic pair counts once).
    pub fn matches_played(&self) -> u64 {
        self.matches_played
    }

    pub fn turns_played(&self) -> u64 {
        self.turns_played
    }

    /// The running sums of `spec`'s tournament holding this partial's (moved, not copied);
    /// the shape was checked when the partial was read.
    pub(crate) fn into_tally(self, spec: &TournamentSpec) -> TournamentTally {
        TournamentTally::from_snapshot(
            self.players as usize,
            self.repetitions as usize,
            spec.matches.game,
            spec.matches.trust_run,
            self.pairs,
            self.cells,
        )
    }

    /// Checks that this partial is one of a tournament of `players` players and `repetitions`
    /// repetitions (its tables have the sizes they need).
    pub fn check_shape(&self, players: usize, repetitions: usize) -> Result<(), PartError> {
        let pair_count = players * (players + 1) / 2;
        let fits = self.players == players as u64
            && self.repetitions == repetitions as u64
            && self.pairs.len() == pair_count
            && self.cells.len() == players * repetitions;
        if fits {
            return self.check_counts();
        }
        Err(PartError::Shape {
            expected: format!(
                "{players} players ({pair_count} pairs) and {repetitions} repetitions"
            ),
            found: format!(
                "{} players ({} pairs) and {} repetitions ({} scores)",
                self.players,
                self.pairs.len(),
                self.repetitions,
                self.cells.len()
            ),
        })
    }

    /// Checks every pair's counts are possible: at most `repetitions` matches (a cached pair
    /// counts for every repetition), and no count above what that many matches of the longest
    /// length could give. Every count then fits, summed over all the matches of a pair.
    fn check_counts(&self) -> Result<(), PartError> {
        let fail = |pair: usize, what: String| PartError::Counts {
            pair,
            what,
            repetitions: self.repetitions,
        };
        for (k, p) in self.pairs.iter().enumerate() {
            if p.matches > self.repetitions {
                return Err(fail(k, format!("{} matches", p.matches)));
            }
            // At most u32::MAX x u32::MAX: fits in a u64.
            let most = p.matches * crate::matchup::MAX_TURNS;
            let t = &p.trust;
            let counts = [p.turns, p.opened, p.opened_c[0], p.opened_c[1]]
                .into_iter()
                .chain(p.states)
                .chain(p.transitions.iter().flatten().flatten().copied())
                .chain(t.iter().flat_map(|t| {
                    [
                        t.matches,
                        t.turns,
                        t.built,
                        t.built_at_sum,
                        t.betrayals,
                        t.betrayed,
                        t.broken,
                        t.recoveries,
                        t.recovery_turns,
                        t.never_recovered,
                        t.defected_first,
                    ]
                    .into_iter()
                    .chain(t.aftermath_own)
                    .chain(t.aftermath_other)
                }));
            if let Some(c) = counts.into_iter().find(|&c| c > most) {
                return Err(fail(k, format!("a count of {c} for {} matches", p.matches)));
            }
        }
        if let Some(c) = self.cells.iter().find(|c| u64::from(c.wins) > self.players) {
            return Err(PartError::Counts {
                pair: 0,
                what: format!(
                    "{} wins in one repetition among {} players",
                    c.wins, self.players
                ),
                repetitions: self.repetitions,
            });
        }
        Ok(())
    }

    /// Adds the partial of other matches of the same tournament: the sums of both.
    pub fn merge(&mut self, other: &PartialTally) -> Result<(), PartError> {
        other.check_shape(self.players as usize, self.repetitions as usize)?;
        // Two parts of one tournament never hold more than its matches of a pair together.
        for (k, (mine, theirs)) in self.pairs.iter().zip(&other.pairs).enumerate() {
            if mine.matches + theirs.matches > self.repetitions {
                return Err(PartError::Counts {
                    pair: k,
                    what: format!(
                        "{} + {} matches in the parts merged",
                        mine.matches, theirs.matches
                    ),
                    repetitions: self.repetitions,
                });
            }
        }
        for (mine, theirs) in self.pairs.iter_mut().zip(&other.pairs) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.cells.iter_mut().zip(&other.cells) {
            mine.merge(theirs);
        }
        let total = |a: u64, b: u64, what: &str| {
            a.checked_add(b).ok_or_else(|| PartError::Counts {
                pair: 0,
                what: format!("{a} + {b} {what} in all"),
                repetitions: self.repetitions,
            })
        };
        self.matches_played = total(self.matches_played, other.matches_played, "matches")?;
        self.turns_played = total(self.turns_played, other.turns_played, "turns")?;
        Ok(())
    }
}

/// How far a run of a part has come: the partial of its first `jobs_done` jobs (of `jobs`).
#[derive(Debug)]
pub struct Progress<'a> {
    pub partial: &'a PartialTally,
    pub jobs_done: u64,
    pub jobs: u64,
}

/// Why a checkpoint could not be saved (the caller's error).
pub type SaveError = Box<dyn std::error::Error + Send + Sync>;

/// When and how a run saves its progress.
pub struct Checkpoints<'a> {
    /// Save after at least this many matches since the last save...
    pub every_matches: u64,
    /// ... or this much time, whichever comes first.
    pub every: std::time::Duration,
    /// Saves a checkpoint; called by one thread at a time, between matches.
    pub save: &'a mut (dyn FnMut(&Progress<'_>) -> Result<(), SaveError> + Send),
}

impl std::fmt::Debug for Checkpoints<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpoints")
            .field("every_matches", &self.every_matches)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// Which part of a tournament to run, from where, and how to save progress.
pub struct PartRun<'a> {
    pub shard: Shard,
    /// Continue from a checkpoint of this shard: its partial and the number of its jobs done.
    pub resume: Option<(PartialTally, u64)>,
    pub checkpoints: Option<Checkpoints<'a>>,
    /// Told the progress, and every match played if it wants them (job numbers are the
    /// tournament's schedule numbers, so a shard's are not consecutive).
    pub observer: &'a dyn super::observe::RunObserver,
}

impl std::fmt::Debug for PartRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartRun")
            .field("shard", &self.shard)
            .field("resume", &self.resume)
            .field("checkpoints", &self.checkpoints)
            .finish_non_exhaustive()
    }
}

impl PartRun<'_> {
    /// All of the work, from the start, without checkpoints.
    pub fn whole() -> PartRun<'static> {
        PartRun {
            shard: Shard::WHOLE,
            resume: None,
            checkpoints: None,
            observer: &super::observe::Unobserved,
        }
    }
}

/// The matches of `spec` and whether each player is stochastic (creating each player once
/// checks its parameters). Local players only: isolated plugins are refused.
pub(super) fn plan(spec: &TournamentSpec) -> Result<Schedule, TournamentError> {
    if spec.players.is_empty() {
        return Err(TournamentError::NoPlayers);
    }
    if spec.repetitions == 0 {
        return Err(TournamentError::NoRepetitions);
    }
    spec.matches.validate().map_err(TournamentError::Spec)?;
    if let Some(p) = spec
        .players
        .iter()
        .find(|p| p.entry.isolated_plugin().is_some())
    {
        return Err(TournamentError::IsolatedParts {
            label: p.label.clone(),
        });
    }
    let stochastic = spec
        .players
        .iter()
        .map(local_is_stochastic)
        .collect::<Result<Vec<bool>, _>>()?;
    Ok(Schedule::new(
        pairs(spec.players.len()),
        cached_pairs(spec, &stochastic),
        spec.repetitions as usize,
    ))
}

/// Jobs per segment of a checkpointed run at most: small enough that the time between two
/// checkpoint chances stays short, large enough that the barrier between segments costs
/// nothing measurable.
const MAX_SEGMENT: u64 = 16_384;

/// Runs one part of a tournament ([`PartRun`]: a shard, possibly resumed from a checkpoint,
/// possibly saving checkpoints) and returns its partial result. Tournaments with isolated
/// plugins are refused ([`TournamentError::IsolatedParts`]); run them with [`run`].
pub fn run_part(
    spec: &TournamentSpec,
    options: RunOptions,
    part: PartRun<'_>,
) -> Result<PartialTally, TournamentError> {
    let schedule = plan(spec)?;
    let (n, reps) = (spec.players.len(), spec.repetitions as usize);
    let jobs = part.shard.jobs(schedule.len() as u64);
    let (base, done) = match part.resume {
        Some((partial, done)) => {
            partial
                .check_shape(n, reps)
                .map_err(TournamentError::Resume)?;
            if done > jobs {
                return Err(TournamentError::Resume(PartError::Progress { done, jobs }));
            }
            (partial, done)
        }
        None => (PartialTally::empty(n, reps), 0),
    };
    let (base_matches, base_turns) = (base.matches_played(), base.turns_played());
    let tally = base.into_tally(spec);
    let deal = Deal {
        shard: part.shard,
        from: done as usize,
        to: jobs as usize,
    };
    let threads = thread_count(options, deal.to - deal.from, Some(&spec.matches));
    part.observer.started(deal.to - deal.from);
    let partial = |(pairs, cells), jobs_done: usize, turns: u64| {
        PartialTally::from_parts(
            n,
            reps,
            pairs,
            cells,
            base_matches + (jobs_done - done as usize) as u64,
            base_turns + turns,
        )
    };
    let turns = match part.checkpoints {
        None => play_local(
            spec,
            &schedule,
            &tally,
            threads,
            |_| true,
            deal,
            None,
            part.observer,
        )?,
        Some(cp) => {
            let mut last_jobs = done as usize;
            let mut last_time = std::time::Instant::now();
            let every_matches = cp.every_matches.max(1);
            let save = cp.save;
            let every = cp.every;
            let mut after = |end: usize, turns: u64| -> Result<(), TournamentError> {
                let jobs_done = done as usize + end;
                if ((jobs_done - last_jobs) as u64) < every_matches && last_time.elapsed() < every {
                    return Ok(());
                }
                let partial = partial(tally.snapshot(), jobs_done, turns);
                save(&Progress {
                    partial: &partial,
                    jobs_done: jobs_done as u64,
                    jobs,
                })
                .map_err(TournamentError::Checkpoint)?;
                last_jobs = jobs_done;
                last_time = std::time::Instant::now();
                Ok(())
            };
            let size = every_matches.min(MAX_SEGMENT) as usize;
            play_local(
                spec,
                &schedule,
                &tally,
                threads,
                |_| true,
                deal,
                Some(Segments {
                    size,
                    after: &mut after,
                }),
                part.observer,
            )?
        }
    };
    Ok(partial(tally.into_snapshot(), jobs as usize, turns))
}

/// The tally of a partial result that holds every match of `spec` (checked), with the
/// schedule and the turns played.
fn complete(
    spec: &TournamentSpec,
    partial: PartialTally,
) -> Result<(Schedule, TournamentTally, u64), TournamentError> {
    let schedule = plan(spec)?;
    partial
        .check_shape(spec.players.len(), spec.repetitions as usize)
        .map_err(TournamentError::Partial)?;
    if partial.matches_played() != schedule.len() as u64 {
        return Err(TournamentError::Incomplete {
            expected: schedule.len() as u64,
            found: partial.matches_played(),
        });
    }
    let turns_played = partial.turns_played();
    Ok((schedule, partial.into_tally(spec), turns_played))
}

/// The outcome of a tournament from the partial result of all its matches (one complete run of
/// [`run_part`] with [`Shard::WHOLE`], or the merge of every shard): the same outcome, bit for
/// bit, as [`run`].
pub fn finish(
    spec: &TournamentSpec,
    partial: PartialTally,
) -> Result<TournamentOutcome, TournamentError> {
    let (schedule, tally, turns_played) = complete(spec, partial)?;
    let n = spec.players.len();
    let kept: Vec<usize> = (0..n).collect();
    let labels = spec.players.iter().map(|p| p.label.clone()).collect();
    // Rounding the pair sums in parallel or not gives the same bits.
    let mut results = ResultSet::from_tally(labels, &tally, true);
    results.match_length_histogram = schedule::length_histogram(
        &spec.matches,
        spec.seed,
        n,
        spec.repetitions as usize,
        &kept,
    );
    Ok(TournamentOutcome {
        results,
        matches_played: schedule.len(),
        turns_played,
        replayed_pairs: replayed_pairs(&schedule, n, &kept),
        disqualified: Vec::new(),
    })
}

/// The pairs' means from the partial result of all a tournament's matches (a whole
/// [`run_part`], or the merge of every shard): the same means, bit for bit, as
/// [`super::pair_means`].
pub fn pair_means_from(
    spec: &TournamentSpec,
    partial: PartialTally,
) -> Result<super::PairMeans, TournamentError> {
    let (schedule, tally, turns_played) = complete(spec, partial)?;
    let n = spec.players.len();
    let kept: Vec<usize> = (0..n).collect();
    Ok(super::means_of(
        spec,
        &tally,
        &kept,
        &schedule,
        schedule.len(),
        turns_played,
        Vec::new(),
    ))
}

/// How many matches a tournament plays (a cached deterministic pair counts once): the total
/// over which shards are dealt.
pub fn match_count(spec: &TournamentSpec) -> Result<u64, TournamentError> {
    Ok(plan(spec)?.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crafted partial (checksums can be recomputed by anyone) with impossible counts is
    /// refused when read, and a merge that would overflow is refused, instead of panicking on
    /// overflow (debug builds) or wrapping into garbage (release builds).
    #[test]
    fn impossible_counts_are_refused_not_overflowed() {
        let mut p = PartialTally::empty(2, 3);
        assert_eq!(p.check_shape(2, 3), Ok(()));
        p.pairs[1].matches = 4;
        assert!(matches!(
            p.check_shape(2, 3),
            Err(PartError::Counts { pair: 1, .. })
        ));
        p.pairs[1].matches = 3;
        p.pairs[1].turns = u64::MAX;
        let e = p.check_shape(2, 3).unwrap_err();
        assert!(
            e.to_string()
                .contains("a count of 18446744073709551615 for 3 matches"),
            "{e}"
        );
        p.pairs[1].turns = 0;
        p.pairs[1].trust[1].betrayals = u64::MAX - 1;
        assert!(p.check_shape(2, 3).is_err());
        p.pairs[1].trust[1].betrayals = 0;
        p.cells[0].wins = 3;
        assert!(p.check_shape(2, 3).is_err());
        p.cells[0].wins = 1;
        assert_eq!(p.check_shape(2, 3), Ok(()));

        // Two parts claiming all three matches of pair 1: more than the tournament has.
        let mut a = p.clone();
        let e = a.merge(&p).unwrap_err();
        assert!(
            e.to_string().contains("3 + 3 matches in the parts merged"),
            "{e}"
        );
        let mut q = PartialTally::empty(2, 3);
        q.matches_played = u64::MAX;
        let mut r = PartialTally::empty(2, 3);
        r.matches_played = 2;
        assert!(r
            .merge(&q)
            .unwrap_err()
            .to_string()
            .contains("matches in all"));
    }

    #[test]
    fn shards_deal_every_job_once_and_balance_counts() {
        for total in [0u64, 1, 5, 17, 100] {
            for n in [1u32, 2, 3, 7] {
                let mut seen = vec![0u8; total as usize];
                let mut counts = Vec::new();
                for i in 0..n {
                    let s = Shard::new(i, n).unwrap();
                    let jobs = s.jobs(total);
                    counts.push(jobs);
                    for m in 0..jobs as usize {
                        seen[s.job(m)] += 1;
                    }
                }
                assert!(seen.iter().all(|&c| c == 1), "total {total}, {n} shards");
                let (lo, hi) = (counts.iter().min(), counts.iter().max());
                assert!(hi.unwrap() - lo.unwrap() <= 1, "{counts:?}");
            }
        }
        assert_eq!(
            Shard::new(3, 3),
            Err(PartError::IndexOutOfRange { index: 3, count: 3 })
        );
        assert_eq!(Shard::new(0, 0), Err(PartError::NoShards));
    }

    #[test]
    fn merging_checks_the_shape() {
        let mut a = PartialTally::empty(3, 2);
        let b = PartialTally::empty(3, 3);
        let e = a.merge(&b).unwrap_err();
        assert!(e.to_string().contains("3 repetitions"), "{e}");
        assert!(a.merge(&PartialTally::empty(3, 2)).is_ok());
    }
}
