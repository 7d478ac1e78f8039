//! The safe side of the ABI: what a strategy author implements and what it is given.

use crate::abi::{MatchInfo, Payoffs, LENGTH_UNKNOWN};
use crate::Rng;

/// A move. `#[repr(u8)]` with the ABI's byte values, so a history of moves can be lent across
/// the boundary as bytes without conversion.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Move {
    /// Cooperate.
    C = 0,
    /// Defect.
    D = 1,
}

impl Move {
    /// The other move.
    #[inline]
    pub fn flip(self) -> Move {
        match self {
            Move::C => Move::D,
            Move::D => Move::C,
        }
    }

    /// `'C'` or `'D'`.
    pub fn as_char(self) -> char {
        match self {
            Move::C => 'C',
            Move::D => 'D',
        }
    }

    /// Parses `'C'` or `'D'` (either case).
    pub fn from_char(c: char) -> Option<Move> {
        match c {
            'C' | 'c' => Some(Move::C),
            'D' | 'd' => Some(Move::D),
            _ => None,
        }
    }

    /// `Move::D` if `defect`, else `Move::C`.
    #[inline]
    pub fn defect_if(defect: bool) -> Move {
        if defect {
            Move::D
        } else {
            Move::C
        }
    }

    /// `Move::C` if `cooperate`, else `Move::D`.
    #[inline]
    pub fn cooperate_if(cooperate: bool) -> Move {
        Move::defect_if(!cooperate)
    }
}

/// Both players' moves as played so far (after noise), from the deciding player's side.
#[derive(Clone, Copy, Debug)]
pub struct History<'a> {
    own: &'a [Move],
    opponent: &'a [Move],
    own_defections: usize,
    opponent_defections: usize,
}

impl<'a> History<'a> {
    /// A history of two equally long move sequences. Counts defections (O(n)); the engine
    /// uses [`History::with_counts`] with counts it keeps as it goes.
    pub fn new(own: &'a [Move], opponent: &'a [Move]) -> Self {
        assert_eq!(own.len(), opponent.len(), "histories must be equally long");
        let count = |m: &[Move]| m.iter().filter(|&&x| x == Move::D).count();
        History {
            own,
            opponent,
            own_defections: count(own),
            opponent_defections: count(opponent),
        }
    }

    /// A history with defection counts already known. The caller guarantees the counts are
    /// right (debug builds check).
    #[inline]
    pub fn with_counts(
        own: &'a [Move],
        opponent: &'a [Move],
        own_defections: usize,
        opponent_defections: usize,
    ) -> Self {
        debug_assert_eq!(own.len(), opponent.len());
        History {
            own,
            opponent,
            own_defections,
            opponent_defections,
        }
    }

    /// Turns played so far.
    #[inline]
    pub fn len(&self) -> usize {
        self.own.len()
    }

    /// No turn played yet.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.own.is_empty()
    }

    /// The deciding player's moves, oldest first.
    #[inline]
    pub fn own(&self) -> &'a [Move] {
        self.own
    }

    /// The opponent's moves, oldest first.
    #[inline]
    pub fn opponent(&self) -> &'a [Move] {
        self.opponent
    }

    /// The deciding player's last move, if any.
    #[inline]
    pub fn last_own(&self) -> Option<Move> {
        self.own.last().copied()
    }

    /// The opponent's last move, if any.
    #[inline]
    pub fn last_opponent(&self) -> Option<Move> {
        self.opponent.last().copied()
    }

    /// How often the deciding player has defected so far.
    #[inline]
    pub fn own_defections(&self) -> usize {
        self.own_defections
    }

    /// How often the deciding player has cooperated so far.
    #[inline]
    pub fn own_cooperations(&self) -> usize {
        self.own.len() - self.own_defections
    }

    /// How often the opponent has defected so far.
    #[inline]
    pub fn opponent_defections(&self) -> usize {
        self.opponent_defections
    }

    /// How often the opponent has cooperated so far.
    #[inline]
    pub fn opponent_cooperations(&self) -> usize {
        self.opponent.len() - self.opponent_defections
    }
}

/// What a strategy knows about the match it is about to play.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchContext {
    /// The number of turns, when it is fixed and announced; `None` for matches of random length.
    pub length: Option<u64>,
    /// Probability that each intended move is flipped.
    pub noise: f64,
    /// The payoffs of the game.
    pub game: Payoffs,
    /// A per-match seed for set-up randomness.
    pub seed: u64,
}

impl MatchContext {
    /// The context of a fixed-length, noise-free match of the standard game.
    pub fn standard(length: Option<u64>) -> Self {
        MatchContext {
            length,
            noise: 0.0,
            game: Payoffs::STANDARD,
            seed: 0,
        }
    }

    /// Converts from the ABI struct.
    pub fn from_info(info: &MatchInfo) -> Self {
        MatchContext {
            length: (info.length != LENGTH_UNKNOWN).then_some(info.length),
            noise: info.noise,
            game: info.game,
            seed: info.seed,
        }
    }

    /// Converts to the ABI struct.
    pub fn to_info(&self) -> MatchInfo {
        MatchInfo {
            length: self.length.unwrap_or(LENGTH_UNKNOWN),
            noise: self.noise,
            game: self.game,
            seed: self.seed,
        }
    }
}

/// A strategy for the iterated prisoner's dilemma.
///
/// The engine calls [`Strategy::reset`] before every match and then [`Strategy::decide`] once per
/// turn, in order. A panic in any method is caught by the export glue and reported by the engine
/// with the strategy's name.
pub trait Strategy: Send + Sized + 'static {
    /// Builds the strategy from its parameters as RON text (`"()"` or e.g. `"(p: 0.3)"`).
    /// Return a message saying what was expected when the text is wrong.
    fn create(params: &str) -> Result<Self, String>;

    /// Classifiers of this instance when they depend on its parameters (e.g. a cycle's length
    /// sets the memory depth); `None` means "as the exported descriptor declares".
    fn classifiers(&self) -> Option<crate::Classifiers> {
        None
    }

    /// Forgets the previous match and prepares for a new one.
    fn reset(&mut self, ctx: &MatchContext);

    /// The next move, given both histories as played and the player's own random stream.
    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn move_bytes_match_the_abi() {
        assert_eq!(Move::C as u8, crate::abi::DECIDE_COOPERATE);
        assert_eq!(Move::D as u8, crate::abi::DECIDE_DEFECT);
        assert_eq!(Move::C.flip(), Move::D);
        assert_eq!(Move::from_char('d'), Some(Move::D));
        assert_eq!(Move::from_char('x'), None);
    }

    #[test]
    fn history_counts() {
        use Move::*;
        let own = [C, D, D];
        let opp = [D, C, C];
        let h = History::new(&own, &opp);
        assert_eq!(
            (h.len(), h.own_defections(), h.opponent_defections()),
            (3, 2, 1)
        );
        assert_eq!((h.own_cooperations(), h.opponent_cooperations()), (1, 2));
        assert_eq!((h.last_own(), h.last_opponent()), (Some(D), Some(C)));
    }

    #[test]
    fn context_round_trips_through_the_abi() {
        let ctx = MatchContext {
            length: None,
            noise: 0.1,
            game: Payoffs::STANDARD,
            seed: 3,
        };
        assert_eq!(MatchContext::from_info(&ctx.to_info()), ctx);
        let fixed = MatchContext::standard(Some(200));
        assert_eq!(MatchContext::from_info(&fixed.to_info()).length, Some(200));
    }
}
