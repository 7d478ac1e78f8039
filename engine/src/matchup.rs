//! Why this file is long: the hot loop is one unit (noise, ending, lent copies and fault handling are
//! interleaved on purpose for speed); the last 90 lines are its tests.
//!
//! One match between two strategy instances: the per-turn hot loop.
//!
//! Semantics follow Axelrod-Python 4.14.0:
//! - Noise flips each *intended* move with probability `noise`, independently, and both
//!   players' histories hold the flipped move, their own included. Instead of one draw per move
//!   the engine draws the gap to each player's next flip from the geometric distribution (skip
//!   sampling): the same Bernoulli process, with one draw per flip instead of one per move.
//! - A match of random length ends after each turn with probability `prob_end`: its length is
//!   drawn once at the start, `ceil(ln(1-x) / ln(1-prob_end))` for uniform `x`, and capped by
//!   `turns` when both are given. Strategies are told the length only when it is fixed.
//!
//! Random streams: a match with seed `s` draws its length from stream 0 of `s`, player 1 and 2
//! decide with streams 1 and 2, noise uses stream 3, and the players' reset seeds are streams 4
//! and 5 (see `vertrouwen_plugins_api::derive_seed`).

use serde::Serialize;
use thiserror::Error;
use vertrouwen_plugins_api::{derive_seed, MatchContext, Move, Rng};

use crate::fault::Fault;
use crate::game::Game;
use crate::loader::{DecideFailure, Instance, StrategyError};
use crate::trust::{self, MatchTrust, TrustCounts};

/// How long a match lasts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum MatchLength {
    /// Exactly this many turns, announced to the players.
    Fixed(u64),
    /// Ends after each turn with probability `prob_end`, at most `cap` turns; not announced.
    Geometric { prob_end: f64, cap: Option<u64> },
}

impl MatchLength {
    /// The expected number of turns, for planning work (the geometric length's mean `1 / p`,
    /// bounded by the cap).
    pub fn mean_turns(&self) -> f64 {
        match *self {
            MatchLength::Fixed(t) => t as f64,
            MatchLength::Geometric { prob_end, cap } => {
                (1.0 / prob_end).min(cap.map_or(f64::INFINITY, |c| c as f64))
            }
        }
    }
}

/// Everything that defines a match except the players and the seed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MatchSpec {
    pub length: MatchLength,
    pub noise: f64,
    pub game: Game,
    /// Mutual cooperations in a row that count as trust (see [`crate::trust`]); at least 1.
    pub trust_run: u32,
}

/// The longest match the engine plays (histories are indexed with `u32` counts).
pub const MAX_TURNS: u64 = u32::MAX as u64;

/// A match spec that cannot be played: which option was wrong, the value, what was expected.
#[derive(Clone, Debug, thiserror::Error, PartialEq)]
pub enum MatchSpecError {
    #[error("give `turns`, `prob_end`, or both")]
    NoLength,
    #[error("`turns` must be between 1 and {MAX_TURNS}, got {0}")]
    Turns(u64),
    #[error("`prob_end` must be in (0, 1] (the chance the match ends after each turn), got {0}")]
    ProbEnd(f64),
    #[error("`noise` must be a probability in [0, 1], got {0}")]
    Noise(f64),
    #[error(transparent)]
    TrustRun(#[from] trust::TrustRunError),
    #[error(transparent)]
    Game(#[from] crate::game::GameError),
}

impl MatchSpec {
    /// A fixed-length, noise-free match of the standard game.
    pub fn fixed(turns: u64) -> Self {
        MatchSpec {
            length: MatchLength::Fixed(turns),
            noise: 0.0,
            game: Game::STANDARD,
            trust_run: trust::DEFAULT_TRUST_RUN,
        }
    }

    /// Builds a spec from the user's options, checking them.
    pub fn new(
        turns: Option<u64>,
        prob_end: Option<f64>,
        noise: f64,
        game: Game,
    ) -> Result<Self, MatchSpecError> {
        let length = match (turns, prob_end) {
            (Some(t), None) => MatchLength::Fixed(t),
            (cap, Some(p)) => MatchLength::Geometric { prob_end: p, cap },
            (None, None) => return Err(MatchSpecError::NoLength),
        };
        let spec = MatchSpec {
            length,
            noise,
            game,
            trust_run: trust::DEFAULT_TRUST_RUN,
        };
        spec.validate()?;
        Ok(spec)
    }

    /// Checks ranges: positive turns, probabilities in range, finite payoffs.
    pub fn validate(&self) -> Result<(), MatchSpecError> {
        match self.length {
            MatchLength::Fixed(t) | MatchLength::Geometric { cap: Some(t), .. }
                if t == 0 || t > MAX_TURNS =>
            {
                return Err(MatchSpecError::Turns(t));
            }
            MatchLength::Geometric { prob_end, .. } if !(prob_end > 0.0 && prob_end <= 1.0) => {
                return Err(MatchSpecError::ProbEnd(prob_end));
            }
            _ => {}
        }
        if !(0.0..=1.0).contains(&self.noise) {
            return Err(MatchSpecError::Noise(self.noise));
        }
        trust::validate_run(self.trust_run)?;
        Ok(self.game.validate()?)
    }

    /// Bytes [`play_recorded`] and its caller hold for the match with seed `seed`: the record
    /// and the lent histories (6 bytes a turn), the two move strings and their text in a
    /// report (6 more). For refusing, before playing, a match that cannot fit in memory.
    pub fn recorded_match_bytes(&self, seed: u64) -> f64 {
        self.turns_for(seed) as f64 * 12.0
    }

    /// Whether the number of turns is fixed in advance.
    pub fn is_fixed(&self) -> bool {
        matches!(self.length, MatchLength::Fixed(_))
    }

    /// The number of turns of the match with seed `seed`.
    pub fn turns_for(&self, seed: u64) -> u64 {
        match self.length {
            MatchLength::Fixed(t) => t,
            MatchLength::Geometric { prob_end, cap } => {
                let drawn = if prob_end >= 1.0 {
                    1
                } else {
                    let x = Rng::for_stream(seed, 0).next_f64();
                    // x = 0 would give a 0-turn match (probability 2^-53): play one turn instead.
                    // `ln_1p(-p)`, not `(1 - p).ln()`: below about 5e-17, `1 - p` rounds to 1
                    // and the match would end after one turn instead of almost never.
                    ((1.0 - x).ln() / (-prob_end).ln_1p()).ceil().max(1.0) as u64
                };
                drawn.min(cap.unwrap_or(MAX_TURNS)).min(MAX_TURNS)
            }
        }
    }
}

/// State index from one player's side: CC = 0, CD = 1, DC = 2, DD = 3 (own move first).
#[inline]
pub fn state_index(own: Move, opponent: Move) -> usize {
    ((own as usize) << 1) | opponent as usize
}

/// Everything the statistics need from one match, without the move strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MatchStats {
    pub turns: u32,
    /// Turns in each state from player 1's side (CC, CD, DC, DD).
    pub states: [u32; 4],
    /// First moves (meaningless when `turns == 0`).
    pub first: [u8; 2],
    /// `transitions[player][state][action]`: how often the player, after a turn in `state`
    /// (from its own side), played `action` (0 = C, 1 = D) on the next turn.
    pub transitions: [[[u32; 2]; 4]; 2],
    /// Trust measured on the played moves (run length: the spec's `trust_run`).
    pub trust: TrustCounts,
}

impl MatchStats {
    /// Total payoffs of both players, computed from the state counts (exact and order-free).
    pub fn scores(&self, game: &Game) -> (f64, f64) {
        let [cc, cd, dc, dd] = self.states.map(f64::from);
        (
            cc * game.r + cd * game.s + dc * game.t + dd * game.p,
            cc * game.r + cd * game.t + dc * game.s + dd * game.p,
        )
    }

    /// How often `player` (0 or 1) cooperated.
    pub fn cooperations(&self, player: usize) -> u32 {
        let [cc, cd, dc, _] = self.states;
        if player == 0 {
            cc + cd
        } else {
            cc + dc
        }
    }

    /// The state counts from `player`'s side.
    pub fn states_for(&self, player: usize) -> [u32; 4] {
        let [cc, cd, dc, dd] = self.states;
        if player == 0 {
            [cc, cd, dc, dd]
        } else {
            [cc, dc, cd, dd]
        }
    }
}

/// A strategy failed while playing a match.
#[derive(Clone, Debug, Error, PartialEq)]
#[error("strategy {name:?} ({source_}) failed {when}: {fault}", when = match .turn { Some(t) => format!("on turn {t}"), None => "while being reset for the match".to_string() })]
pub struct StrategyFault {
    pub name: String,
    /// Where the strategy came from (`builtin` or the plugin file).
    pub source_: String,
    /// Which player of the match failed: 0 for player 1, 1 for player 2.
    pub side: u8,
    /// The 1-based turn of the failing decision; `None` when `reset` failed.
    pub turn: Option<u64>,
    pub fault: Fault,
}

#[derive(Clone, Debug, Error, PartialEq)]
pub enum MatchError {
    /// A strategy could not be created (bad parameters, or its `create` failed).
    #[error("{0}")]
    Strategy(#[from] StrategyError),
    #[error("{0}")]
    Fault(Box<StrategyFault>),
    #[error("invalid match: {0}")]
    Spec(#[from] MatchSpecError),
    /// A match with an isolated plugin failed (its worker, or a disqualification).
    #[error("{0}")]
    Isolated(String),
}

/// Reusable buffers for playing matches on one thread: the hot loop never allocates once the
/// buffers have grown to the longest match.
///
/// The engine's record of the match (`record`) is separate from the histories it lends the
/// strategies (`lent`, one pair of buffers per player): a strategy that writes into what it was
/// lent (it must not, but a plugin can) changes only its own view, never the record that scores
/// are tallied from, nor what its opponent sees. Keeping the copies costs four byte stores per
/// turn.
#[derive(Debug, Default)]
pub struct MatchScratch {
    record: [Vec<Move>; 2],
    /// Turns of the last match played (the buffers may be longer).
    played: usize,
    /// `lent[player]` = (its own moves, its opponent's moves), as bytes.
    lent: [[Vec<u8>; 2]; 2],
}

/// Marks the end of a match's strategy calls when dropped, also when the match unwinds (see
/// `vertrouwen_plugins_api::export::match_ended`: panics of the built-in strategies are reported
/// by the engine, panics elsewhere as usual).
struct StrategyCalls;

impl Drop for StrategyCalls {
    fn drop(&mut self) {
        vertrouwen_plugins_api::export::match_ended();
    }
}

/// Told who is about to be reset, or to decide on which turn (0-based), in a match.
pub trait TurnObserver {
    fn resetting(&self, side: usize);
    fn deciding(&self, turn: usize, side: usize);
}

/// The observer of in-process matches: nothing to tell (compiled away).
pub struct Unobserved;

impl TurnObserver for Unobserved {
    #[inline(always)]
    fn resetting(&self, _side: usize) {}
    #[inline(always)]
    fn deciding(&self, _turn: usize, _side: usize) {}
}

/// Labels used in error messages: strategy name and where it came from.
#[derive(Clone, Copy, Debug)]
pub struct PlayerLabel<'a> {
    pub name: &'a str,
    pub source: &'a str,
}

impl MatchScratch {
    pub fn new() -> Self {
        Self::default()
    }

    /// The moves of the last match played, as played (after noise): the engine's record.
    pub fn moves(&self) -> (&[Move], &[Move]) {
        (
            &self.record[0][..self.played],
            &self.record[1][..self.played],
        )
    }

    /// The turn loop. `NOISY` is a constant so that the noise-free loop has no flip checks.
    /// On a strategy failure returns the failing player's index, the 0-based turn and the fault.
    #[inline]
    fn turns<const NOISY: bool, O: TurnObserver>(
        &mut self,
        players: [&mut Instance; 2],
        rngs: &mut [Rng; 2],
        noise: &mut Noise,
        n: usize,
        observer: &O,
    ) -> Result<(), (usize, usize, DecideFailure)> {
        let [p1, p2] = players;
        let [rng1, rng2] = rngs;
        let [r1, r2] = &mut self.record;
        let [[own1, opp1], [own2, opp2]] = &mut self.lent;
        // Full-length buffers written by index: no capacity check per turn, and slicing them
        // to `n` lets the compiler drop the bounds checks. They only ever grow: what a previous
        // match left beyond the current turn is never lent (a view ends at the current turn),
        // so clearing them for every match would be wasted work.
        for buf in [&mut *r1, &mut *r2] {
            if buf.len() < n {
                buf.resize(n, Move::C);
            }
        }
        for buf in [&mut *own1, &mut *opp1, &mut *own2, &mut *opp2] {
            if buf.len() < n {
                buf.resize(n, 0);
            }
        }
        let (m1, m2) = (&mut r1[..n], &mut r2[..n]);
        let (own1, opp1, own2, opp2) = (
            &mut own1[..n],
            &mut opp1[..n],
            &mut own2[..n],
            &mut opp2[..n],
        );
        let (mut d1, mut d2) = (0usize, 0usize);
        for t in 0..n {
            observer.deciding(t, 0);
            let mut a = p1
                .decide(own1, opp1, t, d1, d2, rng1)
                .map_err(|f| (0, t, f))?;
            observer.deciding(t, 1);
            let mut b = p2
                .decide(own2, opp2, t, d2, d1, rng2)
                .map_err(|f| (1, t, f))?;
            if NOISY {
                a = noise.apply(0, t, a);
                b = noise.apply(1, t, b);
            }
            m1[t] = a;
            m2[t] = b;
            own1[t] = a as u8;
            opp1[t] = b as u8;
            own2[t] = b as u8;
            opp2[t] = a as u8;
            d1 += a as usize;
            d2 += b as usize;
        }
        Ok(())
    }

    /// Plays one match between two instances (which must be distinct objects, even in
    /// self-play) and returns its statistics; the moves stay in the scratch buffers.
    pub fn play(
        &mut self,
        players: [&mut Instance; 2],
        labels: [PlayerLabel<'_>; 2],
        spec: &MatchSpec,
        seed: u64,
    ) -> Result<MatchStats, MatchError> {
        self.play_observed(players, labels, spec, seed, &Unobserved)?;
        let (m1, m2) = self.moves();
        // The statistics are tallied after the match, in a loop without calls: cheaper than
        // keeping more state alive across the strategies' calls in the turn loop.
        Ok(stats_of(m1, m2, spec.trust_run))
    }

    /// Plays one match like [`MatchScratch::play`] but counts nothing: the moves stay in the
    /// scratch buffers ([`MatchScratch::moves`]). It tells `observer` before every decision who
    /// decides on which turn (an isolated worker publishes it, so a hang or a crash can be
    /// blamed precisely). A worker has no use for statistics: the engine counts from the
    /// record it receives, and tallying a million-turn match twice cost a sixth of it.
    pub fn play_observed<O: TurnObserver>(
        &mut self,
        players: [&mut Instance; 2],
        labels: [PlayerLabel<'_>; 2],
        spec: &MatchSpec,
        seed: u64,
        observer: &O,
    ) -> Result<(), MatchError> {
        let turns = spec.turns_for(seed);
        let [p1, p2] = players;
        let fail = |i: usize, turn: Option<u64>, fault: Fault| {
            MatchError::Fault(Box::new(StrategyFault {
                name: labels[i].name.to_string(),
                source_: labels[i].source.to_string(),
                side: i as u8,
                turn,
                fault,
            }))
        };
        let announced = spec.is_fixed().then_some(turns);
        let _calls = StrategyCalls;
        for (i, p) in [&mut *p1, &mut *p2].into_iter().enumerate() {
            let ctx = MatchContext {
                length: announced,
                noise: spec.noise,
                game: spec.game.payoffs(),
                seed: derive_seed(seed, 4 + i as u64),
            };
            observer.resetting(i);
            p.reset(&ctx).map_err(|f| fail(i, None, f))?;
        }
        let mut noise = Noise::new(spec.noise, Rng::for_stream(seed, 3));
        let mut rngs = [Rng::for_stream(seed, 1), Rng::for_stream(seed, 2)];
        let n = turns as usize;
        self.played = 0;
        // Two copies of the loop: the noise-free one carries no flip checks at all.
        let played = if spec.noise > 0.0 {
            self.turns::<true, O>([&mut *p1, &mut *p2], &mut rngs, &mut noise, n, observer)
        } else {
            self.turns::<false, O>([&mut *p1, &mut *p2], &mut rngs, &mut noise, n, observer)
        };
        played.map_err(|(i, t, failure)| {
            let player: &Instance = if i == 0 { p1 } else { p2 };
            fail(i, Some(t as u64 + 1), player.fault(failure))
        })?;
        self.played = n;
        Ok(())
    }
}

/// A claimed match record disagrees with what the engine's own player played.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayError {
    /// The record has the wrong number of turns for this match's seed.
    Length { claimed: usize, expected: u64 },
    /// On this 1-based turn the engine's player played `engine` but the record says `claimed`.
    Mismatch {
        turn: u64,
        engine: Move,
        claimed: Move,
    },
    /// The engine's own player failed (cannot happen with a correct built-in).
    Fault(MatchError),
}

impl MatchScratch {
    /// Replays a match whose record (`claimed`, both players' played moves) came from an
    /// untrusted worker: the engine's own instance `local` plays side `side` again against the
    /// record's other side, with the same seeds and noise as [`MatchScratch::play`], and every
    /// move it plays must equal the record's. Returns the statistics of the checked record.
    pub fn replay(
        &mut self,
        local: &mut Instance,
        side: usize,
        label: PlayerLabel<'_>,
        spec: &MatchSpec,
        seed: u64,
        claimed: [&[Move]; 2],
    ) -> Result<MatchStats, ReplayError> {
        let turns = spec.turns_for(seed);
        let n = claimed[0].len();
        if claimed[1].len() != n || n as u64 != turns {
            return Err(ReplayError::Length {
                claimed: n.max(claimed[1].len()),
                expected: turns,
            });
        }
        let fail = |turn: Option<u64>, fault: Fault| {
            ReplayError::Fault(MatchError::Fault(Box::new(StrategyFault {
                name: label.name.to_string(),
                source_: label.source.to_string(),
                side: side as u8,
                turn,
                fault,
            })))
        };
        let ctx = MatchContext {
            length: spec.is_fixed().then_some(turns),
            noise: spec.noise,
            game: spec.game.payoffs(),
            seed: derive_seed(seed, 4 + side as u64),
        };
        let _calls = StrategyCalls;
        local.reset(&ctx).map_err(|f| fail(None, f))?;
        let mut noise = Noise::new(spec.noise, Rng::for_stream(seed, 3));
        let mut rng = Rng::for_stream(seed, 1 + side as u64);
        let [[own, opponent], _] = &mut self.lent;
        for buf in [&mut *own, &mut *opponent] {
            if buf.len() < n {
                buf.resize(n, 0);
            }
        }
        let lent = [&mut own[..n], &mut opponent[..n]];
        let record = [&claimed[side][..n], &claimed[1 - side][..n]];
        // Two copies of the loop, as in the match: the noise-free one draws no flips.
        let checked = if spec.noise > 0.0 {
            replay_turns::<true>(local, side, lent, record, &mut rng, &mut noise)
        } else {
            replay_turns::<false>(local, side, lent, record, &mut rng, &mut noise)
        };
        match checked {
            Ok(()) => {}
            Err(TurnFailure::Decide(t, failure)) => {
                return Err(fail(Some(t as u64 + 1), local.fault(failure)))
            }
            Err(TurnFailure::Mismatch(t, engine)) => {
                return Err(ReplayError::Mismatch {
                    turn: t as u64 + 1,
                    engine,
                    claimed: claimed[side][t],
                })
            }
        }
        Ok(stats_of(claimed[0], claimed[1], spec.trust_run))
    }
}

/// How a replayed turn failed: the engine's own player failed, or played another move than
/// the record says (0-based turn).
enum TurnFailure {
    Decide(usize, DecideFailure),
    Mismatch(usize, Move),
}

/// The turns of [`MatchScratch::replay`]: `local` plays side `side` against `record[1]` (the
/// other side's moves), and each move it plays must equal `record[0]`.
fn replay_turns<const NOISY: bool>(
    local: &mut Instance,
    side: usize,
    lent: [&mut [u8]; 2],
    record: [&[Move]; 2],
    rng: &mut Rng,
    noise: &mut Noise,
) -> Result<(), TurnFailure> {
    let [own, opponent] = lent;
    let [mine, theirs] = record;
    let (mut d_own, mut d_opp) = (0usize, 0usize);
    for t in 0..mine.len() {
        let intended = local
            .decide(own, opponent, t, d_own, d_opp, rng)
            .map_err(|f| TurnFailure::Decide(t, f))?;
        let mut played = intended;
        if NOISY {
            // Both players' flips are drawn in the match's order, player 1 first.
            for player in 0..2 {
                if player == side {
                    played = noise.apply(player, t, intended);
                } else {
                    noise.apply(player, t, Move::C);
                }
            }
        }
        if played != mine[t] {
            return Err(TurnFailure::Mismatch(t, played));
        }
        own[t] = played as u8;
        opponent[t] = theirs[t] as u8;
        d_own += played as usize;
        d_opp += theirs[t] as usize;
    }
    Ok(())
}

/// The statistics of a complete record (both players' played moves), with trust measured on
/// runs of `trust_run` mutual cooperations.
pub fn stats_of(m1: &[Move], m2: &[Move], trust_run: u32) -> MatchStats {
    let mut stats = MatchStats {
        turns: m1.len() as u32,
        ..MatchStats::default()
    };
    tally(m1, m2, trust_run, &mut stats);
    if let (Some(&a), Some(&b)) = (m1.first(), m2.first()) {
        stats.first = [a as u8, b as u8];
    }
    stats
}

/// Counts states, state-to-action transitions and trust of a played match into `stats`.
pub(crate) fn tally(m1: &[Move], m2: &[Move], trust_run: u32, stats: &mut MatchStats) {
    // Row 4 absorbs the first turn, which has no previous state, so the loop has no branch.
    let mut transitions = [[[0u32; 2]; 5]; 2];
    let (mut prev1, mut prev2) = (4usize, 4usize);
    for (&a, &b) in m1.iter().zip(m2) {
        let (s1, s2) = (state_index(a, b), state_index(b, a));
        stats.states[s1] += 1;
        transitions[0][prev1][a as usize] += 1;
        transitions[1][prev2][b as usize] += 1;
        prev1 = s1;
        prev2 = s2;
    }
    for (player, rows) in transitions.iter().enumerate() {
        stats.transitions[player].copy_from_slice(&rows[..4]);
    }
    // A second pass over the same bytes (in cache): keeping trust's state alive in the loop
    // above cost more than reading the moves again.
    stats.trust = trust::count(m1, m2, trust_run);
}

/// Noise by skip sampling: the number of turns until a player's next flip is drawn from the
/// geometric distribution, `floor(ln(1-U) / ln(1-p))`, so a flip costs one draw and a turn
/// without a flip costs none.
pub(crate) struct Noise {
    p: f64,
    log_keep: f64,
    rng: Rng,
    /// Turn index of each player's next flip (`usize::MAX`: never).
    next: [usize; 2],
}

impl Noise {
    pub(crate) fn new(p: f64, rng: Rng) -> Self {
        let mut noise = Noise {
            p,
            log_keep: (-p).ln_1p(),
            rng,
            next: [usize::MAX; 2],
        };
        if p > 0.0 {
            // Player 1's first gap is drawn first.
            noise.next = [noise.gap(), noise.gap()];
        }
        noise
    }

    fn gap(&mut self) -> usize {
        if self.p >= 1.0 {
            0
        } else {
            // `as` saturates: a gap beyond usize::MAX (tiny noise) means "never".
            ((1.0 - self.rng.next_f64()).ln() / self.log_keep).floor() as usize
        }
    }

    /// The move as played on turn `t` by `player`, redrawing its next flip after a flip.
    #[inline]
    pub(crate) fn apply(&mut self, player: usize, t: usize, intended: Move) -> Move {
        if t == self.next[player] {
            self.next[player] = t.saturating_add(1).saturating_add(self.gap());
            intended.flip()
        } else {
            intended
        }
    }
}

/// A played match with its move strings, for `vertrouwen match` and the fixture tests.
#[derive(Clone, Debug, Serialize)]
pub struct MatchRecord {
    pub player1: String,
    pub player2: String,
    pub turns: u32,
    pub moves1: String,
    pub moves2: String,
    pub score1: f64,
    pub score2: f64,
    /// Trust turn by turn (see [`crate::trust`]).
    pub trust: MatchTrust,
}

/// Plays a single match between two fresh instances and records the moves.
pub fn play_recorded(
    entries: [(&crate::StrategyEntry, Option<&str>); 2],
    spec: &MatchSpec,
    seed: u64,
) -> Result<MatchRecord, MatchError> {
    spec.validate()?;
    if entries.iter().any(|(e, _)| e.isolated_plugin().is_some()) {
        return crate::tournament::play_isolated(entries, spec, seed);
    }
    let mut a = entries[0].0.instantiate(entries[0].1)?;
    let mut b = entries[1].0.instantiate(entries[1].1)?;
    let sources = [
        entries[0].0.source.to_string(),
        entries[1].0.source.to_string(),
    ];
    let labels = [
        PlayerLabel {
            name: &entries[0].0.name,
            source: &sources[0],
        },
        PlayerLabel {
            name: &entries[1].0.name,
            source: &sources[1],
        },
    ];
    let mut scratch = MatchScratch::new();
    let stats = scratch.play([&mut a, &mut b], labels, spec, seed)?;
    let (m1, m2) = scratch.moves();
    let text = |m: &[Move]| m.iter().map(|x| x.as_char()).collect::<String>();
    let (score1, score2) = stats.scores(&spec.game);
    Ok(MatchRecord {
        player1: entries[0].0.name.clone(),
        player2: entries[1].0.name.clone(),
        turns: stats.turns,
        moves1: text(m1),
        moves2: text(m2),
        score1,
        score2,
        trust: trust::match_trust(m1, m2, spec.trust_run),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::tests::registry;

    #[test]
    fn alternator_vs_defector_scores() {
        let r = registry();
        let rec = play_recorded(
            [
                (r.resolve("Alternator").unwrap(), None),
                (r.resolve("Defector").unwrap(), None),
            ],
            &MatchSpec::fixed(5),
            1,
        )
        .unwrap();
        assert_eq!(rec.moves1, "CDCDC");
        assert_eq!(rec.moves2, "DDDDD");
        assert_eq!((rec.score1, rec.score2), (2.0, 17.0));
    }

    /// A tiny end probability means a long match, not a one-turn match (issue 10: any
    /// `prob_end` below about 5e-17 played 1 turn, because `(1 - p).ln()` is exactly 0).
    #[test]
    fn tiny_end_probabilities_give_long_matches() {
        for p in [1e-300, 1e-17, 5e-17] {
            let spec = MatchSpec::new(Some(1000), Some(p), 0.0, Game::STANDARD).unwrap();
            for seed in 0..20 {
                assert_eq!(spec.turns_for(seed), 1000, "prob_end {p}, seed {seed}");
            }
        }
        // The geometric length's mean, 1/p, is kept for ordinary p.
        let spec = MatchSpec::new(None, Some(0.1), 0.0, Game::STANDARD).unwrap();
        let n = 20_000u64;
        let mean = (0..n).map(|s| spec.turns_for(s) as f64).sum::<f64>() / n as f64;
        // Standard deviation of the mean: sqrt(1-p)/p/sqrt(n) = 0.067; 5 of them.
        assert!((mean - 10.0).abs() < 0.34, "mean length {mean}");
    }

    #[test]
    fn spec_validation_messages() {
        assert_eq!(
            MatchSpec::new(None, None, 0.0, Game::STANDARD),
            Err(MatchSpecError::NoLength)
        );
        let e = MatchSpec::new(Some(10), None, 1.5, Game::STANDARD).unwrap_err();
        assert_eq!(e, MatchSpecError::Noise(1.5));
        assert!(e.to_string().contains("`noise`"), "{e}");
        let e = MatchSpec::new(None, Some(0.0), 0.0, Game::STANDARD).unwrap_err();
        assert!(e.to_string().contains("`prob_end`"), "{e}");
        assert_eq!(
            MatchSpec::new(Some(0), None, 0.0, Game::STANDARD),
            Err(MatchSpecError::Turns(0))
        );
    }

    #[test]
    fn geometric_lengths_are_capped() {
        let spec = MatchSpec::new(Some(3), Some(0.01), 0.0, Game::STANDARD).unwrap();
        assert!((0..200).all(|s| spec.turns_for(s) <= 3));
        let certain = MatchSpec::new(None, Some(1.0), 0.0, Game::STANDARD).unwrap();
        assert_eq!(certain.turns_for(9), 1);
    }

    #[test]
    fn transitions_and_states_are_counted() {
        let r = registry();
        let mut a = r.resolve("Alternator").unwrap().instantiate(None).unwrap();
        let mut c = r.resolve("Cooperator").unwrap().instantiate(None).unwrap();
        let label = PlayerLabel {
            name: "x",
            source: "builtin",
        };
        let mut scratch = MatchScratch::new();
        let st = scratch
            .play([&mut a, &mut c], [label, label], &MatchSpec::fixed(4), 0)
            .unwrap();
        // Alternator CDCD vs Cooperator CCCC: states CC, DC, CC, DC.
        assert_eq!(st.states, [2, 0, 2, 0]);
        assert_eq!(st.cooperations(0), 2);
        assert_eq!(st.transitions[0][0], [0, 2]); // after CC the Alternator defected twice
        assert_eq!(st.transitions[0][2], [1, 0]); // after DC it cooperated once
        assert_eq!(st.transitions[1][1], [1, 0]); // Cooperator after CD (its side) cooperates
        assert_eq!(st.states_for(1), [2, 2, 0, 0]);
    }
}
