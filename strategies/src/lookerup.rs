//! Lookup-table strategies: the next move is read from a table keyed by the player's last few
//! moves, the opponent's last few moves and the opponent's first few moves.
//!
//! One type, [`LookerUp`], is exported under each published table (Marc Harper's evolved tables
//! and Mathieu and Delahaye's Winner12 and Winner21). [`Shape`] is shared with the stochastic
//! tables of `gambler.rs`.

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::params;
use crate::presets::Presets;

/// Largest total key length accepted (a table of 2^20 entries).
const MAX_KEY_MOVES: usize = 20;

/// How many moves of each kind form a table key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The player's own most recent moves.
    pub self_plays: usize,
    /// The opponent's most recent moves.
    pub op_plays: usize,
    /// The opponent's first moves of the match.
    pub op_openings: usize,
}

impl Shape {
    /// Checks that the table is not absurdly large.
    pub fn validate(self) -> Result<Self, String> {
        if self.self_plays + self.op_plays + self.op_openings > MAX_KEY_MOVES {
            return Err(format!(
                "parameters `self_plays` + `op_plays` + `op_openings` must be at most \
                 {MAX_KEY_MOVES}, got {self:?}"
            ));
        }
        Ok(self)
    }

    /// Number of table entries: one per combination of C and D over all key moves.
    pub fn table_len(self) -> usize {
        1 << (self.self_plays + self.op_plays + self.op_openings)
    }

    /// Turns needed before every part of the key exists; before that, opening moves are played.
    pub fn depth(self) -> usize {
        self.self_plays.max(self.op_plays).max(self.op_openings)
    }

    /// Axelrod's memory depth for such a table: the key depth, unless the opponent's openings
    /// are part of the key (then the whole match matters).
    pub fn memory_depth(self) -> Option<u32> {
        (self.op_openings == 0).then_some(self.depth() as u32)
    }

    /// Position of the current key in a pattern. Keys are ordered as Axelrod's
    /// `create_lookup_table_keys`: own moves, then opponent's recent moves, then opponent's
    /// openings, each oldest first, with C before D (so D is bit 1, most significant first).
    /// Requires `history.len() >= self.depth()`.
    pub fn index(self, history: &History<'_>) -> usize {
        let own = history.own();
        let opp = history.opponent();
        let recent_own = &own[own.len() - self.self_plays..];
        let recent_opp = &opp[opp.len() - self.op_plays..];
        let openings = &opp[..self.op_openings];
        recent_own
            .iter()
            .chain(recent_opp)
            .chain(openings)
            .fold(0, |i, &m| (i << 1) | m as usize)
    }

    /// The opening moves: `given` cut or padded with C to the key depth.
    pub fn openings(self, given: &[Move]) -> Vec<Move> {
        let mut moves: Vec<Move> = given.iter().copied().take(self.depth()).collect();
        moves.resize(self.depth(), Move::C);
        moves
    }
}

#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LookerUpParams {
    self_plays: usize,
    op_plays: usize,
    op_openings: usize,
    pattern: String,
    initial_actions: String,
}

impl Default for LookerUpParams {
    /// Axelrod's generic LookerUp: Tit For Tat as a table keyed by the opponent's last move.
    fn default() -> Self {
        LookerUpParams {
            self_plays: 0,
            op_plays: 1,
            op_openings: 0,
            pattern: "CD".into(),
            initial_actions: String::new(),
        }
    }
}

/// Plays `initial_actions` (padded with C to the key depth) while the key is incomplete, then
/// the `pattern` entry for (own last moves, opponent's last moves, opponent's first moves).
#[derive(Clone, Debug)]
pub struct LookerUp {
    shape: Shape,
    pattern: Vec<Move>,
    openings: Vec<Move>,
}

impl Strategy for LookerUp {
    fn create(text: &str) -> Result<Self, String> {
        BUILT.create(text)
    }

    fn classifiers(&self) -> Option<Classifiers> {
        Some(Classifiers::new(self.shape.memory_depth(), false, 0))
    }

    fn reset(&mut self, _ctx: &MatchContext) {}

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match self.openings.get(history.len()) {
            Some(&m) => m,
            None => self.pattern[self.shape.index(history)],
        }
    }
}

impl LookerUp {
    fn build(text: &str) -> Result<Self, String> {
        let p: LookerUpParams = params::parse(text)?;
        let shape = Shape {
            self_plays: p.self_plays,
            op_plays: p.op_plays,
            op_openings: p.op_openings,
        }
        .validate()?;
        let pattern = params::moves("pattern", &p.pattern)?;
        if pattern.len() != shape.table_len() {
            return Err(format!(
                "parameter `pattern` must have {} moves for these depths, got {}",
                shape.table_len(),
                pattern.len()
            ));
        }
        let openings = shape.openings(&params::moves("initial_actions", &p.initial_actions)?);
        Ok(LookerUp {
            shape,
            pattern,
            openings,
        })
    }
}

const EVOLVED_1_1_1: &str =
    "(self_plays: 1, op_plays: 1, op_openings: 1, pattern: \"CDDDDCDD\", initial_actions: \"C\")";
const EVOLVED_2_2_2: &str =
    "(self_plays: 2, op_plays: 2, op_openings: 2, pattern: \"CDDCDCDDCDDDCDDDDDCDCDCCCDDCCDCDDDCCCCCDDDCDDDDDDDDDCCDDCDDDCCCD\", initial_actions: \"CC\")";
const WINNER12: &str =
    "(self_plays: 1, op_plays: 2, op_openings: 0, pattern: \"CDCDDCDD\", initial_actions: \"CC\")";
const WINNER21: &str =
    "(self_plays: 1, op_plays: 2, op_openings: 0, pattern: \"CDCDCDDD\", initial_actions: \"DC\")";

/// Default parameters of the exports, in `EXPORTS` order.
const PRESETS: &[&str] = &[EVOLVED_1_1_1, EVOLVED_2_2_2, WINNER12, WINNER21];

/// The published tables, built once.
static BUILT: Presets<LookerUp> = Presets::new(PRESETS, LookerUp::build);

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    LookerUp {
        name: "EvolvedLookerUp1_1_1",
        description: "Marc Harper's evolved lookup table keyed by the last own move, the opponent's last move and the opponent's first move.",
        params: EVOLVED_1_1_1,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    LookerUp {
        name: "EvolvedLookerUp2_2_2",
        description: "Marc Harper's evolved lookup table keyed by the last two own moves, the opponent's last two moves and the opponent's first two moves.",
        params: EVOLVED_2_2_2,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    LookerUp {
        name: "Winner12",
        description: "Mathieu and Delahaye's Winner12: a table keyed by the last own move and the opponent's last two moves, opening C, C.",
        params: WINNER12,
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    LookerUp {
        name: "Winner21",
        description: "Mathieu and Delahaye's Winner21: a table keyed by the last own move and the opponent's last two moves, opening D, C.",
        params: WINNER21,
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Alternator, Defector};
    use crate::testkit::play;

    fn preset(i: usize) -> LookerUp {
        // Every export's default parameters must build and agree with its declared classifiers.
        let (d, text) = (&EXPORTS[i], PRESETS[i]);
        assert_eq!(d.default_params.len, text.len());
        let s = LookerUp::create(text).unwrap();
        assert_eq!(s.classifiers(), Some(d.classifiers));
        s
    }

    /// Move strings from Axelrod-Python 4.14.0.
    #[test]
    fn matches_axelrod() {
        assert_eq!(play(&mut preset(1), &mut Alternator, 12).0, "CCCDDDCDDDCD");
        assert_eq!(play(&mut preset(0), &mut Defector, 6).0, "CDDDDD");
        assert_eq!(play(&mut preset(2), &mut Alternator, 8).0, "CCDDCCDD");
        assert_eq!(play(&mut preset(3), &mut Alternator, 8).0, "DCDDDDDD");
    }

    #[test]
    fn cached_presets_equal_built_ones() {
        crate::presets::assert_cached_equal_built(&BUILT, EXPORTS);
    }

    #[test]
    fn default_is_tit_for_tat() {
        let mut tft = LookerUp::create("()").unwrap();
        assert_eq!(play(&mut tft, &mut Alternator, 6).0, "CCDCDC");
        assert_eq!(tft.classifiers().unwrap().memory(), Some(1));
    }

    #[test]
    fn bad_parameters_are_rejected() {
        let e = LookerUp::create("(pattern: \"CDC\")").unwrap_err();
        assert!(e.contains("pattern"), "{e}");
        assert!(LookerUp::create("(pattern: \"CX\")").is_err());
        assert!(LookerUp::create("(self_plays: 30)").is_err());
    }
}
