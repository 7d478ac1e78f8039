//! Why this file is long: the definitions, their per-pair and per-strategy aggregation are one concept;
//! about 290 lines are tests that check each definition on hand-made move sequences.
//!
//! Trust measured from played moves: when it was built, when it was broken, how long it took
//! to rebuild, and what a betrayal cost (definitions and reasoning in `docs/trust.md`).
//!
//! With a run length `k` (the study's `trust_run`, default [`DEFAULT_TRUST_RUN`], at least 1),
//! on the moves *as played* (after noise), turns numbered from 1:
//! - a *trust run* is `k` consecutive turns of mutual cooperation (both played C);
//! - `built_at`: the first turn that starts a trust run; `None` ("never built") when there is
//!   none, e.g. whenever `k` exceeds the match length;
//! - a *betrayal* by a player: a turn on which it defected right after `k` consecutive
//!   mutual-cooperation turns. Both players defecting on that turn is a betrayal by each;
//! - a *broken trust*: a turn with at least one betrayal. Its *recovery* is the number of turns
//!   from the broken trust to the start of the next trust run (a run that completes within the
//!   match); a broken trust with no later trust run is *never recovered*. A trust run before a
//!   later betrayal is a recovery of every earlier broken trust, so only the last broken trust
//!   of a match can be never recovered: `never_recovered` is 0 or 1 per match, and 1 means
//!   trust, once built, was lost for good;
//! - the *aftermath* of a betrayal: the turns from the broken trust (included) to the start of
//!   the next trust run (excluded) or the end of the match. The payoff each player gets there,
//!   compared with `R` per turn (what mutual cooperation would have paid), is what the betrayal
//!   cost it.
//!
//! [`count`] measures all of it in one pass without allocating, so every match of every
//! tournament carries its [`TrustCounts`]; [`match_trust`] lists the turns for one match;
//! [`TrustTally`] adds matches up exactly (integers, so any order and thread count gives the
//! same sums); [`TrustResults`] derives the per-strategy figures of a tournament.

use serde::{Deserialize, Serialize};

use crate::game::Game;
use crate::Move;

/// The run length of mutual cooperation that counts as trust when a study does not say.
pub const DEFAULT_TRUST_RUN: u32 = 5;

/// A trust run length of 0: trust would be "built" before any turn was played.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
#[error("`trust_run` must be at least 1 (the number of mutual-cooperation turns in a row that count as trust), got 0")]
pub struct TrustRunError;

/// Checks a run length: it must be at least 1.
pub fn validate_run(k: u32) -> Result<(), TrustRunError> {
    if k == 0 {
        Err(TrustRunError)
    } else {
        Ok(())
    }
}

/// Trust measured in one match: small, `Copy`, integers only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrustCounts {
    /// Turns played.
    pub turns: u32,
    /// First turn (1-based) starting a run of `k` mutual cooperations; `None`: never built.
    pub built_at: Option<u32>,
    /// Betrayals by player 1 and player 2.
    pub betrayals: [u32; 2],
    /// Turns on which trust was broken (at least one betrayal).
    pub broken: u32,
    /// Broken trusts followed by a new trust run.
    pub recoveries: u32,
    /// Sum over recoveries of the turns from the broken trust to the new run's first turn.
    pub recovery_turns: u64,
    /// Broken trusts never followed by a trust run (0 or 1, see the module docs).
    pub never_recovered: u32,
    /// `aftermath[p]`: turns in each state (CC, CD, DC, DD from player 1's side) in the
    /// aftermaths of player `p`'s betrayals.
    pub aftermath: [[u32; 4]; 2],
    /// Who defected first: `[player 1, player 2]` (both on the same turn: both; nobody ever
    /// defected: neither). A player that never defects first is "nice" in Axelrod's sense.
    pub defected_first: [bool; 2],
}

/// Turns in each state (CC, CD, DC, DD from player 1's side) of a stretch of a match.
fn states_of(moves1: &[Move], moves2: &[Move]) -> [u32; 4] {
    let mut states = [0u32; 4];
    for (&a, &b) in moves1.iter().zip(moves2) {
        states[crate::matchup::state_index(a, b)] += 1;
    }
    states
}

/// What the rare events of [`count`] need to remember: the last broken trust not yet recovered
/// (its 0-based turn and who betrayed).
struct Events<'a> {
    moves1: &'a [Move],
    moves2: &'a [Move],
    k: u32,
    pending: Option<(usize, [bool; 2])>,
    counts: TrustCounts,
}

impl Events<'_> {
    /// A trust run completed on 0-based turn `i` (it started on `i + 1 - k`).
    #[cold]
    #[inline(never)]
    fn run_completed(&mut self, i: usize) {
        let start = i + 1 - self.k as usize;
        self.counts.built_at.get_or_insert(start as u32 + 1);
        if let Some((broken, by)) = self.pending.take() {
            self.counts.recoveries += 1;
            self.counts.recovery_turns += (start - broken) as u64;
            self.aftermath(by, broken, start);
        }
    }

    /// Trust was broken on 0-based turn `i` (a defection right after a trust run).
    #[cold]
    #[inline(never)]
    fn broken(&mut self, i: usize) {
        let by = [self.moves1[i] == Move::D, self.moves2[i] == Move::D];
        self.counts.betrayals[0] += u32::from(by[0]);
        self.counts.betrayals[1] += u32::from(by[1]);
        self.counts.broken += 1;
        self.pending = Some((i, by));
    }

    /// Adds the turns `from..to` (0-based) to the aftermath of the betrayers `by`. Aftermaths
    /// never overlap, so all of them together scan each turn at most once.
    fn aftermath(&mut self, by: [bool; 2], from: usize, to: usize) {
        let window = states_of(&self.moves1[from..to], &self.moves2[from..to]);
        for (p, &betrayed) in by.iter().enumerate() {
            if betrayed {
                for (slot, w) in self.counts.aftermath[p].iter_mut().zip(window) {
                    *slot += w;
                }
            }
        }
    }
}

/// Trust in one match from its played moves (run length `k`; 0 counts as 1).
///
/// One branch-free pass keeps the length of the current mutual-cooperation run; the rare
/// events (a trust run completed, trust broken) leave the loop through one predictable branch.
/// It runs after every match of every tournament, so it is kept to a few operations a turn.
pub fn count(moves1: &[Move], moves2: &[Move], k: u32) -> TrustCounts {
    let n = moves1.len().min(moves2.len());
    let (moves1, moves2) = (&moves1[..n], &moves2[..n]);
    let k = k.max(1);
    let mut events = Events {
        moves1,
        moves2,
        k,
        pending: None,
        counts: TrustCounts {
            turns: n as u32,
            ..TrustCounts::default()
        },
    };
    let mut run = 0u32;
    for (i, (&a, &b)) in moves1.iter().zip(moves2).enumerate() {
        let cc = (a as u8 | b as u8) == 0;
        let next = (run + 1) * u32::from(cc);
        if (next == k) | (!cc & (run >= k)) {
            if cc {
                events.run_completed(i);
            } else {
                events.broken(i);
            }
        }
        run = next;
    }
    if let Some((broken, by)) = events.pending.take() {
        events.counts.never_recovered += 1;
        events.aftermath(by, broken, n);
    }
    // Who defected first: the first turn that is not a mutual cooperation.
    if let Some(i) = moves1
        .iter()
        .zip(moves2)
        .position(|(&a, &b)| (a as u8 | b as u8) != 0)
    {
        events.counts.defected_first = [moves1[i] == Move::D, moves2[i] == Move::D];
    }
    events.counts
}

/// One broken trust that was rebuilt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Recovery {
    /// The turn trust was broken.
    pub betrayal: u32,
    /// The first turn of the next trust run.
    pub rebuilt_at: u32,
    /// `rebuilt_at - betrayal`.
    pub turns: u32,
}

/// Trust in one match turn by turn: the `trust` key of `vertrouwen match --json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MatchTrust {
    /// The run length `k`.
    pub run: u32,
    pub built_at: Option<u32>,
    /// Turns on which player 1 betrayed.
    pub betrayals1: Vec<u32>,
    /// Turns on which player 2 betrayed.
    pub betrayals2: Vec<u32>,
    pub recoveries: Vec<Recovery>,
    pub never_recovered: u32,
    /// The turn of the broken trust that was never recovered, if any.
    pub unrecovered: Option<u32>,
    /// Maximal stretches of at least `k` mutual cooperations, as `[first, last]` turns.
    pub trust_runs: Vec<[u32; 2]>,
}

/// Trust in one match with the turns listed, for showing one match.
pub fn match_trust(moves1: &[Move], moves2: &[Move], k: u32) -> MatchTrust {
    let k = k.max(1);
    let mut out = MatchTrust {
        run: k,
        ..MatchTrust::default()
    };
    let mut run = 0u32;
    let mut pending: Option<u32> = None;
    let n = moves1.len().min(moves2.len()) as u32;
    for (i, (&a, &b)) in moves1.iter().zip(moves2).enumerate() {
        let turn = i as u32 + 1;
        if a == Move::C && b == Move::C {
            run += 1;
            if run == k {
                let start = turn + 1 - k;
                out.built_at.get_or_insert(start);
                if let Some(betrayal) = pending.take() {
                    out.recoveries.push(Recovery {
                        betrayal,
                        rebuilt_at: start,
                        turns: start - betrayal,
                    });
                }
            }
            continue;
        }
        if run >= k {
            out.trust_runs.push([turn - run, turn - 1]);
            if a == Move::D {
                out.betrayals1.push(turn);
            }
            if b == Move::D {
                out.betrayals2.push(turn);
            }
            pending = Some(turn);
        }
        run = 0;
    }
    if run >= k {
        out.trust_runs.push([n + 1 - run, n]);
    }
    out.unrecovered = pending;
    out.never_recovered = u32::from(pending.is_some());
    out
}

/// Trust summed over matches between two players, from one player's side ("own" is that
/// player). Integers only: adding is exact and order-free.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustTally {
    pub matches: u64,
    pub turns: u64,
    /// Matches in which trust was built.
    pub built: u64,
    /// Sum of `built_at` over those matches.
    pub built_at_sum: u64,
    /// Own betrayals.
    pub betrayals: u64,
    /// The opponent's betrayals.
    pub betrayed: u64,
    /// Broken trusts (turns with a betrayal by either side).
    pub broken: u64,
    pub recoveries: u64,
    pub recovery_turns: u64,
    pub never_recovered: u64,
    /// Turns in each state (CC, CD, DC, DD from own side) after own betrayals.
    pub aftermath_own: [u64; 4],
    /// Turns in each state (own side) after the opponent's betrayals.
    pub aftermath_other: [u64; 4],
    /// Matches in which it defected first (alone or on the same turn as the opponent).
    pub defected_first: u64,
}

/// State counts seen from player 2's side: CD and DC swap.
fn swap_sides(s: [u32; 4]) -> [u32; 4] {
    [s[0], s[2], s[1], s[3]]
}

impl TrustTally {
    /// Adds one match seen from `side` (0: player 1, 1: player 2).
    pub fn add(&mut self, c: &TrustCounts, side: usize) {
        self.add_times(c, side, 1);
    }

    /// Adds the same match `times` times (a deterministic pair played once for every
    /// repetition).
    pub fn add_times(&mut self, c: &TrustCounts, side: usize, times: u64) {
        let other = 1 - side;
        let view = |s: [u32; 4]| if side == 0 { s } else { swap_sides(s) };
        let w = |v: u32| times * u64::from(v);
        self.matches += times;
        self.turns += w(c.turns);
        if let Some(b) = c.built_at {
            self.built += times;
            self.built_at_sum += w(b);
        }
        self.betrayals += w(c.betrayals[side]);
        self.betrayed += w(c.betrayals[other]);
        self.broken += w(c.broken);
        self.recoveries += w(c.recoveries);
        self.recovery_turns += times * c.recovery_turns;
        self.never_recovered += w(c.never_recovered);
        self.defected_first += times * u64::from(c.defected_first[side]);
        for (slot, v) in self.aftermath_own.iter_mut().zip(view(c.aftermath[side])) {
            *slot += w(v);
        }
        for (slot, v) in self
            .aftermath_other
            .iter_mut()
            .zip(view(c.aftermath[other]))
        {
            *slot += w(v);
        }
    }

    /// Adds another tally (same side convention).
    pub fn merge(&mut self, o: &TrustTally) {
        self.matches += o.matches;
        self.turns += o.turns;
        self.built += o.built;
        self.built_at_sum += o.built_at_sum;
        self.betrayals += o.betrayals;
        self.betrayed += o.betrayed;
        self.broken += o.broken;
        self.recoveries += o.recoveries;
        self.recovery_turns += o.recovery_turns;
        self.never_recovered += o.never_recovered;
        self.defected_first += o.defected_first;
        for s in 0..4 {
            self.aftermath_own[s] += o.aftermath_own[s];
            self.aftermath_other[s] += o.aftermath_other[s];
        }
    }

    /// Share of matches in which trust was built (`None` without matches).
    pub fn share_built(&self) -> Option<f64> {
        ratio(self.built, self.matches)
    }

    /// Mean `built_at` over the matches where trust was built.
    pub fn mean_built_at(&self) -> Option<f64> {
        ratio(self.built_at_sum, self.built)
    }

    /// Mean turns from a broken trust to the next trust run, over recovered ones.
    pub fn mean_recovery(&self) -> Option<f64> {
        ratio(self.recovery_turns, self.recoveries)
    }

    /// Share of broken trusts never recovered.
    pub fn share_never_recovered(&self) -> Option<f64> {
        ratio(self.never_recovered, self.broken)
    }

    /// Share of the matches with trust built in which it was lost for good (the last broken
    /// trust never recovered).
    pub fn share_lost_for_good(&self) -> Option<f64> {
        ratio(self.never_recovered, self.built)
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Own payoff lost compared with `R` on every turn, over the given state counts (own side).
fn shortfall(states: &[u64; 4], game: &Game) -> f64 {
    let own = [game.r, game.s, game.t, game.p];
    states
        .iter()
        .zip(own)
        .map(|(&n, pay)| n as f64 * (game.r - pay))
        .sum()
}

/// The same from the opponent's side.
fn shortfall_opponent(states: &[u64; 4], game: &Game) -> f64 {
    let theirs = [game.r, game.t, game.s, game.p];
    states
        .iter()
        .zip(theirs)
        .map(|(&n, pay)| n as f64 * (game.r - pay))
        .sum()
}

/// One player's trust figures over its matches against the others (self-play excluded, as
/// the other per-player statistics).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyTrust {
    pub name: String,
    /// Everything added up, from this player's side.
    pub tally: TrustTally,
    /// Share of its matches in which trust was built.
    pub share_built: Option<f64>,
    /// Mean `built_at` where trust was built.
    pub mean_built_at: Option<f64>,
    /// Its betrayals per 1,000 of its turns.
    pub betrayals_per_1000_turns: Option<f64>,
    /// Betrayals it suffered per 1,000 of its turns.
    pub betrayed_per_1000_turns: Option<f64>,
    /// Mean turns to rebuild trust after a broken trust in its matches (either side's betrayal).
    pub mean_recovery: Option<f64>,
    /// Share of broken trusts in its matches never recovered.
    pub share_never_recovered: Option<f64>,
    /// Share of its matches with trust built where trust was lost for good.
    pub share_lost_for_good: Option<f64>,
    /// Payoff it lost per own betrayal, compared with mutual cooperation until trust was
    /// rebuilt (negative: the betrayal paid).
    pub cost_per_betrayal: Option<f64>,
    /// Payoff its victims lost per betrayal of its.
    pub victim_cost_per_betrayal: Option<f64>,
    /// Payoff it lost per betrayal it suffered.
    pub cost_per_betrayal_suffered: Option<f64>,
    /// The opponent it betrayed most (ties: first in player order); `None` if it never did.
    pub most_betrayed: Option<String>,
    /// The opponent that betrayed it most.
    pub most_betrayed_by: Option<String>,
    /// Whether it never defected first in any of these matches (Axelrod's "nice").
    pub never_defected_first: bool,
}

impl StrategyTrust {
    /// The figures of a tally; `most_betrayed` and `most_betrayed_by` are left empty.
    pub fn from_tally(name: String, t: TrustTally, game: &Game) -> Self {
        let per_1000 = |x: u64| ratio(x, t.turns).map(|r| 1000.0 * r);
        StrategyTrust {
            name,
            share_built: t.share_built(),
            mean_built_at: t.mean_built_at(),
            betrayals_per_1000_turns: per_1000(t.betrayals),
            betrayed_per_1000_turns: per_1000(t.betrayed),
            mean_recovery: t.mean_recovery(),
            share_never_recovered: t.share_never_recovered(),
            share_lost_for_good: t.share_lost_for_good(),
            cost_per_betrayal: (t.betrayals > 0)
                .then(|| shortfall(&t.aftermath_own, game) / t.betrayals as f64),
            victim_cost_per_betrayal: (t.betrayals > 0)
                .then(|| shortfall_opponent(&t.aftermath_own, game) / t.betrayals as f64),
            cost_per_betrayal_suffered: (t.betrayed > 0)
                .then(|| shortfall(&t.aftermath_other, game) / t.betrayed as f64),
            most_betrayed: None,
            most_betrayed_by: None,
            never_defected_first: t.defected_first == 0,
            tally: t,
        }
    }
}

/// Trust in a tournament: per ordered pair and per player.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrustResults {
    /// The run length `k`.
    pub run: u32,
    /// `pairs[i][j]`: all matches of i against j from i's side, over repetitions. Self-play
    /// (`pairs[i][i]`) is seen from player 1's side.
    pub pairs: Vec<Vec<TrustTally>>,
    /// `share_built[i][j]`.
    pub share_built: Vec<Vec<Option<f64>>>,
    /// `mean_built_at[i][j]`: mean first turn of trust where it was built.
    pub mean_built_at: Vec<Vec<Option<f64>>>,
    /// Per player, in player order.
    pub strategies: Vec<StrategyTrust>,
    /// All matches between different players, each counted once from each side (so ratios
    /// are over matches, betrayals and broken trusts as if counted once).
    pub overall: StrategyTrust,
}

impl TrustResults {
    /// Derives the per-player figures from the pair tallies.
    pub fn from_pairs(
        players: &[String],
        game: &Game,
        pairs: Vec<Vec<TrustTally>>,
        run: u32,
    ) -> TrustResults {
        let n = players.len();
        let most = |i: usize, key: fn(&TrustTally) -> u64| -> Option<String> {
            let mut best: Option<(usize, u64)> = None;
            for j in (0..n).filter(|&j| j != i) {
                let v = key(&pairs[i][j]);
                if v > 0 && best.is_none_or(|(_, b)| v > b) {
                    best = Some((j, v));
                }
            }
            best.map(|(j, _)| players[j].clone())
        };
        let strategies = (0..n)
            .map(|i| {
                let mut t = TrustTally::default();
                for j in (0..n).filter(|&j| j != i) {
                    t.merge(&pairs[i][j]);
                }
                StrategyTrust {
                    most_betrayed: most(i, |p| p.betrayals),
                    most_betrayed_by: most(i, |p| p.betrayed),
                    ..StrategyTrust::from_tally(players[i].clone(), t, game)
                }
            })
            .collect::<Vec<_>>();
        let mut all = TrustTally::default();
        for s in &strategies {
            all.merge(&s.tally);
        }
        let overall = StrategyTrust::from_tally(String::new(), all, game);
        let matrix = |f: fn(&TrustTally) -> Option<f64>| -> Vec<Vec<Option<f64>>> {
            pairs
                .iter()
                .map(|row| row.iter().map(f).collect())
                .collect()
        };
        TrustResults {
            run,
            share_built: matrix(TrustTally::share_built),
            mean_built_at: matrix(TrustTally::mean_built_at),
            pairs,
            strategies,
            overall,
        }
    }

    /// A pair worth showing turn by turn, `(i, j)` with `i < j` when there are two players:
    /// the player with the most betrayals per turn against the opponent it betrayed most;
    /// without betrayals, the pair that took longest to build trust; else the first pair.
    pub fn notable_pair(&self) -> Option<(usize, usize)> {
        let n = self.strategies.len();
        if n < 2 {
            return None;
        }
        let order = |i: usize, j: usize| (i.min(j), i.max(j));
        let betrayer = (0..n)
            .filter(|&i| self.strategies[i].tally.betrayals > 0)
            .max_by(|&a, &b| {
                let rate = |i: usize| self.strategies[i].betrayals_per_1000_turns.unwrap_or(0.0);
                rate(a).total_cmp(&rate(b)).then(b.cmp(&a))
            });
        if let Some(i) = betrayer {
            let j = (0..n)
                .filter(|&j| j != i)
                .max_by(|&a, &b| {
                    self.pairs[i][a]
                        .betrayals
                        .cmp(&self.pairs[i][b].betrayals)
                        .then(b.cmp(&a))
                })
                .unwrap_or(i);
            return Some(order(i, j));
        }
        let mut slowest: Option<((usize, usize), f64)> = None;
        for i in 0..n {
            for j in i + 1..n {
                if let Some(b) = self.mean_built_at[i][j] {
                    if slowest.is_none_or(|(_, s)| b > s) {
                        slowest = Some(((i, j), b));
                    }
                }
            }
        }
        Some(slowest.map_or((0, 1), |(p, _)| p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matchup::{
        play_recorded, MatchLength, MatchScratch, MatchSpec, MatchStats, PlayerLabel,
    };
    use crate::registry::tests::registry;
    use vertrouwen_plugins_api::Rng;

    fn moves(text: &str) -> Vec<Move> {
        text.chars()
            .map(|c| if c == 'C' { Move::C } else { Move::D })
            .collect()
    }

    fn both(a: &str, b: &str, k: u32) -> (TrustCounts, MatchTrust) {
        let (m1, m2) = (moves(a), moves(b));
        (count(&m1, &m2, k), match_trust(&m1, &m2, k))
    }

    fn played(p1: &str, p2: &str, turns: u64) -> crate::matchup::MatchRecord {
        let r = registry();
        play_recorded(
            [
                (r.resolve(p1).unwrap(), None),
                (r.resolve(p2).unwrap(), None),
            ],
            &MatchSpec::fixed(turns),
            0,
        )
        .unwrap()
    }

    #[test]
    fn tit_for_tat_twins_trust_from_the_first_turn() {
        let rec = played("Tit For Tat", "Tit For Tat", 200);
        assert_eq!(rec.trust.built_at, Some(1));
        assert!(rec.trust.betrayals1.is_empty() && rec.trust.betrayals2.is_empty());
        assert_eq!(rec.trust.trust_runs, vec![[1, 200]]);
        assert_eq!(rec.trust.never_recovered, 0);
    }

    #[test]
    fn suspicious_tit_for_tat_never_builds_trust_with_tit_for_tat() {
        // TFT: C D C D ..., STFT: D C D C ...: never a mutual cooperation.
        let rec = played("Tit For Tat", "Suspicious Tit For Tat", 200);
        assert_eq!(rec.trust.built_at, None);
        assert_eq!(
            rec.trust,
            MatchTrust {
                run: 5,
                ..MatchTrust::default()
            }
        );
    }

    #[test]
    fn con_artist_betrays_the_cooperator_on_turn_six() {
        // Five mutual cooperations (turns 1-5) build trust at turn 1; the Con Artist defects on
        // turn 6 and, the Cooperator never hitting back, for the rest of the match.
        let rec = played("Con Artist", "Cooperator", 20);
        assert_eq!(rec.moves1, "CCCCCDDDDDDDDDDDDDDD");
        let t = &rec.trust;
        assert_eq!(t.built_at, Some(1));
        assert_eq!(t.betrayals1, vec![6]);
        assert!(t.betrayals2.is_empty());
        assert!(t.recoveries.is_empty());
        assert_eq!((t.never_recovered, t.unrecovered), (1, Some(6)));
        let (c, _) = both(&rec.moves1, &rec.moves2, 5);
        assert_eq!(c.betrayals, [1, 0]);
        // Aftermath of the betrayal: turns 6-20, all DC from the Con Artist's side.
        assert_eq!(c.aftermath, [[0, 0, 15, 0], [0; 4]]);
    }

    #[test]
    fn run_longer_than_the_match_is_never_built() {
        let (c, t) = both("CCCC", "CCCC", 5);
        assert_eq!((c.built_at, t.built_at), (None, None));
        assert!(t.trust_runs.is_empty());
        let (c, t) = both("CCCCC", "CCCCC", 5);
        assert_eq!((c.built_at, t.trust_runs), (Some(1), vec![[1, 5]]));
        assert_eq!(c.turns, 5);
    }

    #[test]
    fn betrayal_on_the_last_turn_is_never_recovered() {
        let (c, t) = both("CCCCCD", "CCCCCC", 5);
        assert_eq!(c.betrayals, [1, 0]);
        assert_eq!((c.broken, c.recoveries, c.never_recovered), (1, 0, 1));
        assert_eq!(c.aftermath[0], [0, 0, 1, 0]);
        assert_eq!((t.betrayals1, t.unrecovered), (vec![6], Some(6)));
    }

    #[test]
    fn overlapping_runs_count_once_and_recovery_starts_at_the_next_run() {
        // Eight mutual cooperations hold runs starting at turns 1-4: trust is built at 1. The
        // betrayal on turn 9 is mutual (each betrayed), trust is rebuilt from turn 10.
        let (c, t) = both("CCCCCCCCDCCCCCC", "CCCCCCCCDCCCCCC", 5);
        assert_eq!(c.built_at, Some(1));
        assert_eq!((c.betrayals, c.broken), ([1, 1], 1));
        assert_eq!(
            (c.recoveries, c.recovery_turns, c.never_recovered),
            (1, 1, 0)
        );
        assert_eq!(c.aftermath, [[0, 0, 0, 1], [0, 0, 0, 1]]);
        assert_eq!(t.trust_runs, vec![[1, 8], [10, 15]]);
        assert_eq!(
            t.recoveries,
            vec![Recovery {
                betrayal: 9,
                rebuilt_at: 10,
                turns: 1
            }]
        );
        // A defection after fewer than k mutual cooperations is no betrayal.
        let (c, _) = both("CCCCDCCCCC", "CCCCCCCCCC", 5);
        assert_eq!((c.built_at, c.betrayals), (Some(6), [0, 0]));
    }

    #[test]
    fn k_of_one_counts_every_defection_after_a_mutual_cooperation() {
        let (c, t) = both("CDCCDD", "CCCDCC", 1);
        assert_eq!(c.built_at, Some(1));
        // Turn 5's defection follows no mutual cooperation: no betrayal.
        assert_eq!(t.betrayals1, vec![2]);
        assert_eq!(t.betrayals2, vec![4]);
        // Turn 2's broken trust is rebuilt at 3; turn 4's never is.
        assert_eq!(c.betrayals, [1, 1]);
        assert_eq!((c.recoveries, c.never_recovered), (1, 1));
    }

    /// The definitions written out as directly as possible, turn by turn with look-backs and
    /// look-aheads, independent of the one-pass counter.
    fn reference(m1: &[Move], m2: &[Move], k: usize) -> TrustCounts {
        let n = m1.len();
        let cc: Vec<bool> = (0..n)
            .map(|t| m1[t] == Move::C && m2[t] == Move::C)
            .collect();
        let starts: Vec<usize> = (0..n)
            .filter(|&s| s + k <= n && (s..s + k).all(|t| cc[t]))
            .collect();
        let mut out = TrustCounts {
            turns: n as u32,
            built_at: starts.first().map(|&s| s as u32 + 1),
            ..TrustCounts::default()
        };
        if let Some(t) = (0..n).find(|&t| !cc[t]) {
            out.defected_first = [m1[t] == Move::D, m2[t] == Move::D];
        }
        for t in k..n {
            if !(t - k..t).all(|u| cc[u]) || cc[t] {
                continue;
            }
            let by = [m1[t] == Move::D, m2[t] == Move::D];
            out.broken += 1;
            let next = starts.iter().copied().find(|&s| s > t);
            match next {
                Some(s) => {
                    out.recoveries += 1;
                    out.recovery_turns += (s - t) as u64;
                }
                None => out.never_recovered += 1,
            }
            for u in t..next.unwrap_or(n) {
                let s = crate::matchup::state_index(m1[u], m2[u]);
                for (p, &betrayed) in by.iter().enumerate() {
                    if betrayed {
                        out.aftermath[p][s] += 1;
                    }
                }
            }
            for (p, &betrayed) in by.iter().enumerate() {
                out.betrayals[p] += u32::from(betrayed);
            }
        }
        out
    }

    #[test]
    fn noisy_matches_agree_with_the_reference_over_many_seeds() {
        let r = registry();
        let names = [
            "Tit For Tat",
            "Win-Stay Lose-Shift",
            "Grudger",
            "Con Artist",
            "Random",
        ];
        let mut scratch = MatchScratch::new();
        let label = PlayerLabel {
            name: "x",
            source: "builtin",
        };
        let mut seen = [0u32; 3];
        for seed in 0..400u64 {
            let mut pick = Rng::seed_from_u64(seed);
            let a = names[pick.below(names.len() as u64) as usize];
            let b = names[pick.below(names.len() as u64) as usize];
            let mut pa = r.resolve(a).unwrap().instantiate(None).unwrap();
            let mut pb = r.resolve(b).unwrap().instantiate(None).unwrap();
            let spec = MatchSpec {
                length: MatchLength::Fixed(20 + pick.below(180)),
                noise: [0.01, 0.05, 0.2][seed as usize % 3],
                trust_run: 1 + pick.below(8) as u32,
                ..MatchSpec::fixed(1)
            };
            let st = scratch
                .play([&mut pa, &mut pb], [label, label], &spec, seed)
                .unwrap();
            let (m1, m2) = scratch.moves();
            let k = spec.trust_run;
            assert_eq!(
                st.trust,
                reference(m1, m2, k as usize),
                "seed {seed}, {a} vs {b}"
            );
            // The detailed form says the same.
            let t = match_trust(m1, m2, k);
            assert_eq!(t.built_at, st.trust.built_at);
            assert_eq!(t.betrayals1.len() as u32, st.trust.betrayals[0]);
            assert_eq!(t.betrayals2.len() as u32, st.trust.betrayals[1]);
            assert_eq!(t.recoveries.len() as u32, st.trust.recoveries);
            let sum: u64 = t.recoveries.iter().map(|x| u64::from(x.turns)).sum();
            assert_eq!(sum, st.trust.recovery_turns);
            assert_eq!(t.never_recovered, st.trust.never_recovered);
            seen[0] += u32::from(st.trust.broken > 0);
            seen[1] += st.trust.recoveries;
            seen[2] += st.trust.never_recovered;
        }
        // The sample exercised betrayals, recoveries and trust lost for good.
        assert!(seen.iter().all(|&x| x > 20), "{seen:?}");
    }

    #[test]
    fn tallies_add_up_exactly_in_any_order() {
        let (a, _) = both("CCCCCDCCCCCC", "CCCCCCCCCCCD", 5);
        let (b, _) = both("CCDCCCCCCD", "DCCCCCCCCC", 3);
        let mut one = TrustTally::default();
        one.add(&a, 0);
        one.add(&b, 1);
        let mut x = TrustTally::default();
        x.add(&b, 1);
        let mut y = TrustTally::default();
        y.add(&a, 0);
        x.merge(&y);
        assert_eq!(one, x);
        assert_eq!((one.matches, one.turns, one.built), (2, 22, 2));
        // Own side: player 1 of `a` (betrayed on turn 6; betrayed by player 2 on turn 12) and
        // player 2 of `b` (never betrays; player 1 betrays it on turn 10).
        assert_eq!((one.betrayals, one.betrayed), (1, 2));
    }

    #[test]
    fn per_strategy_figures_and_what_a_betrayal_costs() {
        // One match, Con Artist (0) against Cooperator (1): built at 1, one betrayal at 6,
        // never recovered, 15 turns of DC afterwards in a 20-turn match.
        let rec = played("Con Artist", "Cooperator", 20);
        let stats = MatchStats {
            turns: 20,
            trust: count(&moves(&rec.moves1), &moves(&rec.moves2), 5),
            ..MatchStats::default()
        };
        let players = vec!["Con Artist".to_string(), "Cooperator".to_string()];
        let mut pairs = vec![vec![TrustTally::default(); 2]; 2];
        pairs[0][1].add(&stats.trust, 0);
        pairs[1][0].add(&stats.trust, 1);
        let res = TrustResults::from_pairs(&players, &Game::STANDARD, pairs, 5);
        let con = &res.strategies[0];
        assert_eq!(con.share_built, Some(1.0));
        assert_eq!(con.mean_built_at, Some(1.0));
        assert_eq!(con.betrayals_per_1000_turns, Some(50.0));
        assert_eq!(con.share_lost_for_good, Some(1.0));
        // 15 turns at T = 5 instead of R = 3: the betrayal paid the Con Artist 30 ...
        assert_eq!(con.cost_per_betrayal, Some(-30.0));
        // ... and cost the Cooperator 15 * (R - S) = 45.
        assert_eq!(con.victim_cost_per_betrayal, Some(45.0));
        assert_eq!(res.strategies[1].cost_per_betrayal_suffered, Some(45.0));
        assert_eq!(con.most_betrayed.as_deref(), Some("Cooperator"));
        assert_eq!(
            res.strategies[1].most_betrayed_by.as_deref(),
            Some("Con Artist")
        );
        assert_eq!(res.strategies[1].cost_per_betrayal, None);
        assert_eq!(res.mean_built_at[0][1], Some(1.0));
        assert!(!con.never_defected_first && res.strategies[1].never_defected_first);
        assert_eq!(res.notable_pair(), Some((0, 1)));
        assert_eq!(res.overall.victim_cost_per_betrayal, Some(45.0));
        assert_eq!(res.overall.share_built, Some(1.0));
        // Self-play pairs had no matches: no figures, and nothing made up.
        assert_eq!(res.share_built[0][0], None);
    }
}
