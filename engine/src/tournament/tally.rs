//! Running sums of a tournament: what the statistics need from its matches, without keeping the
//! matches.
//!
//! Memory grows with players² (one [`PairTally`] per pair) plus players × repetitions (one
//! [`RepCell`] per player and repetition, because the ranking is a median over repetitions),
//! never with the number of matches.
//!
//! Every floating-point sum is an [`ExactSum`] and every count an integer, so the tally is a
//! commutative monoid: matches may be recorded in any order, by any number of threads, and two
//! tallies of disjoint sets of matches merge into exactly the tally of their union. That is
//! what makes results independent of the thread count and lets shards and checkpoints combine
//! byte-identically.
//!
//! Concurrency: threads record into one shared tally. Each pair and each (player, repetition)
//! cell has its own lock; two matches touch the same lock only when they share a pair or a
//! player in the same repetition, which is rare, so locks are almost never contended and the
//! memory is not multiplied by the thread count.

use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::exact_sum::ExactSum;
use crate::game::Game;
use crate::matchup::MatchStats;
use crate::trust::TrustTally;

/// The sums of all recorded matches of one pair `(i, j)`, `i <= j`; index 0 is player `i`
/// (player 1 of the match), index 1 is player `j`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PairTally {
    /// Matches recorded (repetitions).
    pub matches: u64,
    /// Turns in each state from player `i`'s side (CC, CD, DC, DD), over all matches.
    pub states: [u64; 4],
    /// `transitions[side][state][action]`, as [`MatchStats::transitions`], summed.
    pub transitions: [[[u64; 2]; 4]; 2],
    /// Matches with at least one turn, and those each side opened with C.
    pub opened: u64,
    pub opened_c: [u64; 2],
    /// Sum over matches of each side's payoff per turn.
    pub per_turn: [ExactSum; 2],
    /// Sum over matches of the square of each side's payoff per turn.
    pub per_turn_squares: [ExactSum; 2],
    /// Sum over matches of each side's total payoff.
    pub totals: [ExactSum; 2],
    /// Total turns, and the shortest and longest match.
    pub turns: u64,
    pub min_turns: u32,
    pub max_turns: u32,
    /// Trust, seen from each side (self-play: side 0 only).
    pub trust: [TrustTally; 2],
}

/// One player's sums in one repetition, against everybody else (self-play excluded).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepCell {
    /// Sum over opponents of the player's payoff per turn.
    pub per_turn: ExactSum,
    /// Sum over opponents of the player's total payoff.
    pub score: ExactSum,
    /// Matches won outright.
    pub wins: u32,
}

/// The running sums of one tournament (or of part of it).
#[derive(Debug)]
pub struct TournamentTally {
    players: usize,
    repetitions: usize,
    game: Game,
    trust_run: u32,
    pairs: Vec<Mutex<PairTally>>,
    cells: Vec<Mutex<RepCell>>,
}

/// Which repetitions a recorded match stands for.
#[derive(Clone, Copy, Debug)]
pub enum Repetitions {
    /// The match of this repetition.
    One(usize),
    /// A deterministic pair's match, played once and standing for every repetition.
    All,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock can only come from a bug in this module; the data is plain
    // sums, so carry on with what is there rather than cascading the panic.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Index of pair (i, j), i <= j, in round-robin order (0,0), (0,1), .., (0,n-1), (1,1), ..
pub fn pair_index(n: usize, i: usize, j: usize) -> usize {
    debug_assert!(i <= j && j < n);
    i * n - i * (i + 1) / 2 + j
}

/// All pairs (i, j), i <= j, in round-robin order.
pub fn pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n).flat_map(|i| (i..n).map(move |j| (i, j))).collect()
}

impl TournamentTally {
    /// An empty tally for `players` players and `repetitions` repetitions, whose matches'
    /// trust was measured with run length `trust_run`.
    pub fn new(players: usize, repetitions: usize, game: Game, trust_run: u32) -> Self {
        let pair_count = players * (players + 1) / 2;
        TournamentTally {
            players,
            repetitions,
            game,
            trust_run,
            pairs: (0..pair_count).map(|_| Mutex::default()).collect(),
            cells: (0..players * repetitions)
                .map(|_| Mutex::default())
                .collect(),
        }
    }

    /// The same tally keeping the pairs' sums only: enough for means, not for a ranking by
    /// medians over repetitions, and its memory does not grow with the repetitions.
    pub fn pairs_only(mut self) -> Self {
        self.cells = Vec::new();
        self
    }

    pub fn players(&self) -> usize {
        self.players
    }

    pub fn repetitions(&self) -> usize {
        self.repetitions
    }

    pub fn game(&self) -> &Game {
        &self.game
    }

    /// The run length of the trust measures.
    pub fn trust_run(&self) -> u32 {
        self.trust_run
    }

    /// Records the match of pair `(i, j)` (player `i` first, `i <= j`).
    pub fn record(&self, i: usize, j: usize, reps: Repetitions, st: &MatchStats) {
        let (s1, s2) = st.scores(&self.game);
        let t = f64::from(st.turns.max(1));
        let (v1, v2) = (s1 / t, s2 / t);
        let weight = match reps {
            Repetitions::One(_) => 1,
            Repetitions::All => self.repetitions as u64,
        };
        let w = weight as f64;
        {
            let mut pair = lock(&self.pairs[pair_index(self.players, i, j)]);
            let p = &mut *pair;
            let first = p.matches == 0;
            p.matches += weight;
            for k in 0..4 {
                p.states[k] += weight * u64::from(st.states[k]);
            }
            for side in 0..2 {
                for k in 0..4 {
                    for a in 0..2 {
                        p.transitions[side][k][a] += weight * u64::from(st.transitions[side][k][a]);
                    }
                }
            }
            if st.turns > 0 {
                p.opened += weight;
                for side in 0..2 {
                    p.opened_c[side] += weight * u64::from(st.first[side] == 0);
                }
            }
            if i == j {
                // Self-play: one value for the strategy, the mean of both clones.
                let mean_per_turn = (v1 + v2) / 2.0;
                let mean_total = (s1 + s2) / 2.0;
                p.per_turn[0].add_product(mean_per_turn, w);
                p.per_turn_squares[0].add_product(mean_per_turn * mean_per_turn, w);
                p.totals[0].add_product(mean_total, w);
            } else {
                for (side, (v, s)) in [(v1, s1), (v2, s2)].into_iter().enumerate() {
                    p.per_turn[side].add_product(v, w);
                    p.per_turn_squares[side].add_product(v * v, w);
                    p.totals[side].add_product(s, w);
                }
            }
            p.trust[0].add_times(&st.trust, 0, weight);
            if i != j {
                p.trust[1].add_times(&st.trust, 1, weight);
            }
            p.turns += weight * u64::from(st.turns);
            p.min_turns = if first {
                st.turns
            } else {
                p.min_turns.min(st.turns)
            };
            p.max_turns = p.max_turns.max(st.turns);
        }
        if i == j || self.cells.is_empty() {
            return;
        }
        let reps = match reps {
            Repetitions::One(r) => r..r + 1,
            Repetitions::All => 0..self.repetitions,
        };
        for r in reps {
            for (who, v, s, won) in [(i, v1, s1, s1 > s2), (j, v2, s2, s2 > s1)] {
                let mut cell = lock(&self.cells[who * self.repetitions + r]);
                cell.per_turn.add(v);
                cell.score.add(s);
                cell.wins += u32::from(won);
            }
        }
    }

    /// Adds another tally of the same tournament (disjoint matches): the tally of both.
    pub fn merge(&mut self, other: TournamentTally) {
        debug_assert_eq!(
            (self.players, self.repetitions),
            (other.players, other.repetitions)
        );
        for (mine, theirs) in self.pairs.iter_mut().zip(other.pairs) {
            let theirs = theirs.into_inner().unwrap_or_else(|p| p.into_inner());
            let mine = mine.get_mut().unwrap_or_else(|p| p.into_inner());
            mine.merge(&theirs);
        }
        for (mine, theirs) in self.cells.iter_mut().zip(other.cells) {
            let theirs = theirs.into_inner().unwrap_or_else(|p| p.into_inner());
            let mine = mine.get_mut().unwrap_or_else(|p| p.into_inner());
            mine.merge(&theirs);
        }
    }

    /// A copy of the sums: every pair and every (player, repetition) cell, in index order.
    pub(crate) fn snapshot(&self) -> (Vec<PairTally>, Vec<RepCell>) {
        (
            self.pairs.iter().map(|p| lock(p).clone()).collect(),
            self.cells.iter().map(|c| lock(c).clone()).collect(),
        )
    }

    /// The sums, without copying them (as [`TournamentTally::snapshot`]).
    pub(crate) fn into_snapshot(self) -> (Vec<PairTally>, Vec<RepCell>) {
        fn inner<T>(m: Mutex<T>) -> T {
            m.into_inner().unwrap_or_else(|p| p.into_inner())
        }
        (
            self.pairs.into_iter().map(inner).collect(),
            self.cells.into_iter().map(inner).collect(),
        )
    }

    /// A tally holding the given sums (as [`TournamentTally::snapshot`] returns them; the
    /// caller has checked their sizes).
    pub(crate) fn from_snapshot(
        players: usize,
        repetitions: usize,
        game: Game,
        trust_run: u32,
        pairs: Vec<PairTally>,
        cells: Vec<RepCell>,
    ) -> Self {
        debug_assert_eq!(pairs.len(), players * (players + 1) / 2);
        TournamentTally {
            players,
            repetitions,
            game,
            trust_run,
            pairs: pairs.into_iter().map(Mutex::new).collect(),
            cells: cells.into_iter().map(Mutex::new).collect(),
        }
    }

    /// The tally of the players `kept` (increasing indices) only: their pairs and cells, the
    /// players renumbered `0..kept.len()` in order.
    pub fn extract(&self, kept: &[usize]) -> TournamentTally {
        debug_assert!(kept.windows(2).all(|w| w[0] < w[1]));
        let mut out = TournamentTally::new(kept.len(), self.repetitions, self.game, self.trust_run);
        if self.cells.is_empty() {
            out = out.pairs_only();
        }
        for (a, &i) in kept.iter().enumerate() {
            for (b, &j) in kept.iter().enumerate().skip(a) {
                *lock(&out.pairs[pair_index(kept.len(), a, b)]) = self.pair(i, j).clone();
            }
            if !out.cells.is_empty() {
                for r in 0..self.repetitions {
                    *lock(&out.cells[a * self.repetitions + r]) = self.cell(i, r).clone();
                }
            }
        }
        out
    }

    /// The sums of pair `(i, j)`, `i <= j`, borrowed (not copied: the results of a large
    /// tournament read every pair once, on one thread, after the matches).
    pub fn pair(&self, i: usize, j: usize) -> MutexGuard<'_, PairTally> {
        lock(&self.pairs[pair_index(self.players, i, j)])
    }

    /// Player `i`'s sums in repetition `r`, borrowed.
    pub fn cell(&self, i: usize, r: usize) -> MutexGuard<'_, RepCell> {
        lock(&self.cells[i * self.repetitions + r])
    }
}

impl RepCell {
    /// Adds another cell's sums.
    pub(crate) fn merge(&mut self, o: &RepCell) {
        self.per_turn.merge(&o.per_turn);
        self.score.merge(&o.score);
        self.wins += o.wins;
    }
}

impl PairTally {
    /// Adds the sums of other matches of the same pair.
    pub(crate) fn merge(&mut self, o: &PairTally) {
        if o.matches == 0 {
            return;
        }
        let first = self.matches == 0;
        self.matches += o.matches;
        for k in 0..4 {
            self.states[k] += o.states[k];
        }
        for side in 0..2 {
            for k in 0..4 {
                for a in 0..2 {
                    self.transitions[side][k][a] += o.transitions[side][k][a];
                }
            }
            self.opened_c[side] += o.opened_c[side];
            self.trust[side].merge(&o.trust[side]);
            self.per_turn[side].merge(&o.per_turn[side]);
            self.per_turn_squares[side].merge(&o.per_turn_squares[side]);
            self.totals[side].merge(&o.totals[side]);
        }
        self.opened += o.opened;
        self.turns += o.turns;
        self.min_turns = if first {
            o.min_turns
        } else {
            self.min_turns.min(o.min_turns)
        };
        self.max_turns = self.max_turns.max(o.max_turns);
    }

    /// The stats of this pair from player `side`'s point of view: states with its own move
    /// first.
    pub fn states_for(&self, side: usize) -> [u64; 4] {
        let [cc, cd, dc, dd] = self.states;
        if side == 0 {
            [cc, cd, dc, dd]
        } else {
            [cc, dc, cd, dd]
        }
    }

    /// How often `side` cooperated.
    pub fn cooperations(&self, side: usize) -> u64 {
        let [cc, cd, dc, _] = self.states;
        if side == 0 {
            cc + cd
        } else {
            cc + dc
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(turns: u32, states: [u32; 4], first: [u8; 2]) -> MatchStats {
        MatchStats {
            turns,
            states,
            first,
            ..MatchStats::default()
        }
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

    /// Recording in any order, or in two tallies merged, gives the same sums.
    #[test]
    fn order_and_merging_do_not_change_the_tally() {
        let matches = [
            (0, 1, Repetitions::One(0), stats(10, [3, 2, 4, 1], [0, 1])),
            (0, 1, Repetitions::One(1), stats(7, [1, 2, 3, 1], [1, 0])),
            (0, 0, Repetitions::All, stats(10, [10, 0, 0, 0], [0, 0])),
            (1, 2, Repetitions::One(1), stats(3, [0, 0, 0, 3], [1, 1])),
            (0, 2, Repetitions::All, stats(9, [2, 3, 3, 1], [0, 0])),
        ];
        let game = Game::STANDARD;
        let forward = TournamentTally::new(3, 2, game, 5);
        for (i, j, r, st) in &matches {
            forward.record(*i, *j, *r, st);
        }
        let mut left = TournamentTally::new(3, 2, game, 5);
        let right = TournamentTally::new(3, 2, game, 5);
        for (k, (i, j, r, st)) in matches.iter().enumerate().rev() {
            if k % 2 == 0 {
                left.record(*i, *j, *r, st)
            } else {
                right.record(*i, *j, *r, st)
            }
        }
        left.merge(right);
        for (i, j) in pairs(3) {
            assert_eq!(*forward.pair(i, j), *left.pair(i, j), "pair ({i},{j})");
        }
        for i in 0..3 {
            for r in 0..2 {
                assert_eq!(
                    forward.cell(i, r).per_turn.value(),
                    left.cell(i, r).per_turn.value()
                );
                assert_eq!(forward.cell(i, r).wins, left.cell(i, r).wins);
            }
        }
        // A cached pair counts once per repetition.
        let p = forward.pair(0, 2);
        assert_eq!((p.matches, p.turns, p.states[0]), (2, 18, 4));
        // Player 0 vs 1 in repetition 0: 3 CC, 2 CD, 4 DC, 1 DD -> 9 + 0 + 20 + 1 = 30 over 10
        // turns; plus vs player 2 (cached): 6 + 0 + 15 + 1 = 22 over 9 turns.
        assert_eq!(forward.cell(0, 0).per_turn.value(), 3.0 + 22.0 / 9.0);
        assert_eq!(forward.cell(0, 0).score.value(), 52.0);
    }
}
