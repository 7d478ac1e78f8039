//! Finite state machines: strategies whose next move is read from a transition table indexed by
//! the machine's current state and the opponent's last move.
//!
//! One type, [`FiniteStateMachine`], is exported under each published machine (Ashlock's
//! Fortress, Raider, Ripoff, ... and Marc Harper's evolved machines) with that machine's table
//! as its default parameters.

use std::sync::LazyLock;

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::params;
use crate::presets::Presets;

/// A move as written in parameter text: the bare identifiers `C` and `D`.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    C,
    D,
}

impl From<Action> for Move {
    fn from(a: Action) -> Move {
        match a {
            Action::C => Move::C,
            Action::D => Move::D,
        }
    }
}

/// One row of a table: (state, opponent's last move, next state, move to play).
type Row = (u32, Action, u32, Action);

#[derive(Deserialize, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
struct FsmParams {
    transitions: Vec<Row>,
    initial_state: u32,
    initial_action: Action,
}

impl Default for FsmParams {
    /// Axelrod's generic machine: one state playing Tit For Tat.
    fn default() -> Self {
        FsmParams {
            transitions: vec![(1, Action::C, 1, Action::C), (1, Action::D, 1, Action::D)],
            initial_state: 1,
            initial_action: Action::C,
        }
    }
}

/// Plays `initial_action` first; afterwards looks up (current state, opponent's last move) in
/// the transition table, moves to the row's next state and plays the row's move.
#[derive(Clone, Debug)]
pub struct FiniteStateMachine {
    /// `table[s][m]` = (next state index, move) for state index `s` and opponent move `m`.
    table: Vec<[(usize, Move); 2]>,
    initial_state: usize,
    initial_action: Move,
    state: usize,
    memory_depth: Option<u32>,
}

impl FiniteStateMachine {
    fn build(text: &str) -> Result<Self, String> {
        Self::from_params(&params::parse::<FsmParams>(text)?)
    }

    fn from_params(p: &FsmParams) -> Result<Self, String> {
        // Dense indices for the (arbitrary, possibly sparse) state labels.
        let mut labels: Vec<u32> = p.transitions.iter().map(|r| r.0).collect();
        labels.sort_unstable();
        labels.dedup();
        let index = |label: u32| labels.binary_search(&label).ok();
        let mut table: Vec<[Option<(usize, Move)>; 2]> = vec![[None, None]; labels.len()];
        for &(state, input, next, output) in &p.transitions {
            let s = index(state).expect("label collected above");
            let next_index = index(next).ok_or_else(|| {
                format!("parameter `transitions`: state {next} is entered but has no rows")
            })?;
            let slot = &mut table[s][Move::from(input) as usize];
            if slot.is_some() {
                return Err(format!(
                    "parameter `transitions`: state {state} has two rows for opponent move {input:?}"
                ));
            }
            *slot = Some((next_index, output.into()));
        }
        let mut dense = Vec::with_capacity(table.len());
        for (s, row) in table.iter().enumerate() {
            match row {
                [Some(c), Some(d)] => dense.push([*c, *d]),
                _ => {
                    return Err(format!(
                        "parameter `transitions`: state {} needs rows for both C and D",
                        labels[s]
                    ))
                }
            }
        }
        let initial_state = index(p.initial_state).ok_or_else(|| {
            format!(
                "parameter `initial_state`: state {} has no rows in `transitions`",
                p.initial_state
            )
        })?;
        // Published machines keep their published memory depth, whatever the text's layout;
        // any other table is treated as unbounded (a state can remember arbitrarily old moves).
        let memory_depth = PRESET_PARAMS
            .iter()
            .position(|preset| preset.as_ref() == Ok(p))
            .and_then(|i| EXPORTS[i].classifiers.memory());
        Ok(FiniteStateMachine {
            table: dense,
            initial_state,
            initial_action: p.initial_action.into(),
            state: initial_state,
            memory_depth,
        })
    }
}

impl Strategy for FiniteStateMachine {
    fn create(params: &str) -> Result<Self, String> {
        BUILT.create(params)
    }

    fn classifiers(&self) -> Option<Classifiers> {
        Some(Classifiers::new(self.memory_depth, false, 0))
    }

    fn reset(&mut self, _ctx: &MatchContext) {
        self.state = self.initial_state;
    }

    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        match history.last_opponent() {
            None => self.initial_action,
            Some(last) => {
                let (next, action) = self.table[self.state][last as usize];
                self.state = next;
                action
            }
        }
    }
}

const FORTRESS3: &str = "(transitions: [(1, C, 1, D), (1, D, 2, D), (2, C, 1, D), (2, D, 3, C), \
(3, C, 3, C), (3, D, 1, D)], initial_state: 1, initial_action: D)";
const FORTRESS4: &str = "(transitions: [(1, C, 1, D), (1, D, 2, D), (2, C, 1, D), (2, D, 3, D), \
(3, C, 1, D), (3, D, 4, C), (4, C, 4, C), (4, D, 1, D)], initial_state: 1, initial_action: D)";
const PREDATOR: &str = "(transitions: [(0, C, 0, D), (0, D, 1, D), (1, C, 2, D), (1, D, 3, D), \
(2, C, 4, C), (2, D, 3, D), (3, C, 5, D), (3, D, 4, C), (4, C, 2, C), (4, D, 6, D), (5, C, 7, D), \
(5, D, 3, D), (6, C, 7, C), (6, D, 7, D), (7, C, 8, D), (7, D, 7, D), (8, C, 8, D), (8, D, 6, D)], \
initial_state: 0, initial_action: C)";
const PUN1: &str = "(transitions: [(1, C, 2, C), (1, D, 2, C), (2, C, 1, C), (2, D, 1, D)], \
initial_state: 1, initial_action: D)";
const RAIDER: &str = "(transitions: [(0, C, 2, D), (0, D, 2, D), (1, C, 1, C), (1, D, 1, D), \
(2, C, 0, D), (2, D, 3, C), (3, C, 0, D), (3, D, 1, C)], initial_state: 0, initial_action: D)";
const RIPOFF: &str = "(transitions: [(1, C, 2, C), (1, D, 3, C), (2, C, 1, D), (2, D, 3, C), \
(3, C, 3, C), (3, D, 3, D)], initial_state: 1, initial_action: D)";
const USUALLY_COOPERATES: &str = "(transitions: [(1, C, 1, C), (1, D, 2, C), (2, C, 1, D), \
(2, D, 1, C)], initial_state: 1, initial_action: C)";
const USUALLY_DEFECTS: &str = "(transitions: [(1, C, 2, D), (1, D, 1, D), (2, C, 1, D), \
(2, D, 1, C)], initial_state: 1, initial_action: D)";
const SOLUTION_B1: &str = "(transitions: [(1, C, 2, D), (1, D, 1, D), (2, C, 2, C), (2, D, 3, C), \
(3, C, 3, C), (3, D, 3, C)], initial_state: 1, initial_action: D)";
const SOLUTION_B5: &str = "(transitions: [(1, C, 2, C), (1, D, 6, D), (2, C, 2, C), (2, D, 3, D), \
(3, C, 6, C), (3, D, 1, D), (4, C, 3, C), (4, D, 6, D), (5, C, 5, D), (5, D, 4, D), (6, C, 3, C), \
(6, D, 5, D)], initial_state: 1, initial_action: D)";
const THUMPER: &str = "(transitions: [(1, C, 1, C), (1, D, 2, D), (2, C, 1, D), (2, D, 1, D)], \
initial_state: 1, initial_action: C)";
const EVOLVED_FSM_4: &str = "(transitions: [(0, C, 0, C), (0, D, 2, D), (1, C, 3, D), \
(1, D, 0, C), (2, C, 2, D), (2, D, 1, C), (3, C, 3, D), (3, D, 1, D)], initial_state: 0, \
initial_action: C)";
const EVOLVED_FSM_16: &str = "(transitions: [(0, C, 0, C), (0, D, 12, D), (1, C, 3, D), \
(1, D, 6, C), (2, C, 2, D), (2, D, 14, D), (3, C, 3, D), (3, D, 3, D), (5, C, 12, D), \
(5, D, 10, D), (6, C, 5, C), (6, D, 12, D), (7, C, 3, D), (7, D, 1, C), (8, C, 5, C), \
(8, D, 5, C), (10, C, 11, D), (10, D, 8, C), (11, C, 15, D), (11, D, 5, D), (12, C, 8, C), \
(12, D, 11, D), (13, C, 13, D), (13, D, 7, D), (14, C, 13, D), (14, D, 13, D), (15, C, 15, D), \
(15, D, 2, C)], initial_state: 0, initial_action: C)";
const EVOLVED_FSM_16_NOISE_05: &str = "(transitions: [(0, C, 8, C), (0, D, 3, D), (1, C, 13, C), \
(1, D, 15, D), (2, C, 12, C), (2, D, 3, D), (3, C, 10, C), (3, D, 3, D), (4, C, 5, D), \
(4, D, 4, D), (5, C, 4, D), (5, D, 10, D), (6, C, 8, C), (6, D, 6, D), (8, C, 2, C), (8, D, 4, D), \
(10, C, 4, D), (10, D, 1, D), (11, C, 14, D), (11, D, 13, C), (12, C, 13, C), (12, D, 2, C), \
(13, C, 13, C), (13, D, 6, C), (14, C, 3, D), (14, D, 13, D), (15, C, 5, D), (15, D, 11, C)], \
initial_state: 0, initial_action: C)";
const TF1: &str = "(transitions: [(0, C, 7, C), (0, D, 1, C), (1, C, 11, D), (1, D, 11, D), \
(2, C, 8, D), (2, D, 8, C), (3, C, 3, C), (3, D, 12, D), (4, C, 6, C), (4, D, 3, C), (5, C, 11, C), \
(5, D, 8, D), (6, C, 13, D), (6, D, 14, C), (7, C, 4, D), (7, D, 2, D), (8, C, 14, D), (8, D, 8, D), \
(9, C, 0, C), (9, D, 10, D), (10, C, 8, C), (10, D, 15, C), (11, C, 6, D), (11, D, 5, D), \
(12, C, 6, D), (12, D, 9, D), (13, C, 9, D), (13, D, 8, D), (14, C, 8, D), (14, D, 13, D), \
(15, C, 4, C), (15, D, 5, C)], initial_state: 0, initial_action: C)";
const TF2: &str = "(transitions: [(0, C, 13, D), (0, D, 12, D), (1, C, 3, D), (1, D, 4, D), \
(2, C, 14, D), (2, D, 9, D), (3, C, 0, C), (3, D, 1, D), (4, C, 1, D), (4, D, 2, D), (7, C, 12, D), \
(7, D, 2, D), (8, C, 7, D), (8, D, 9, D), (9, C, 8, D), (9, D, 0, D), (10, C, 2, C), \
(10, D, 15, C), (11, C, 7, D), (11, D, 13, D), (12, C, 3, C), (12, D, 8, D), (13, C, 7, C), \
(13, D, 10, D), (14, C, 10, D), (14, D, 7, D), (15, C, 15, C), (15, D, 11, D)], initial_state: 0, \
initial_action: C)";
const TF3: &str = "(transitions: [(0, C, 0, C), (0, D, 3, C), (1, C, 5, D), (1, D, 0, C), \
(2, C, 3, C), (2, D, 2, D), (3, C, 4, D), (3, D, 6, D), (4, C, 3, C), (4, D, 1, D), (5, C, 6, C), \
(5, D, 3, D), (6, C, 6, D), (6, D, 6, D), (7, C, 7, D), (7, D, 5, C)], initial_state: 0, \
initial_action: C)";
const EVOLVED_FSM_6: &str = "(transitions: [(2, C, 2, D), (2, D, 7, D), (3, C, 6, D), \
(3, D, 4, C), (4, C, 4, C), (4, D, 6, D), (5, C, 2, D), (5, D, 7, D), (6, C, 3, C), (6, D, 5, D), \
(7, C, 2, C), (7, D, 3, D)], initial_state: 4, initial_action: C)";

/// Published tables, in `EXPORTS` order (each export's default parameters; its declared memory
/// depth is Axelrod-Python's for that table).
const PRESETS: &[&str] = &[
    FORTRESS3,
    FORTRESS4,
    PREDATOR,
    PUN1,
    RAIDER,
    RIPOFF,
    SOLUTION_B1,
    SOLUTION_B5,
    TF1,
    TF2,
    TF3,
    THUMPER,
    USUALLY_COOPERATES,
    USUALLY_DEFECTS,
    EVOLVED_FSM_4,
    EVOLVED_FSM_6,
    EVOLVED_FSM_16,
    EVOLVED_FSM_16_NOISE_05,
];

/// The published machines, built once.
static BUILT: Presets<FiniteStateMachine> = Presets::new(PRESETS, FiniteStateMachine::build);

/// The published tables as parsed parameters, to recognise one written out in another layout.
static PRESET_PARAMS: LazyLock<Vec<Result<FsmParams, String>>> =
    LazyLock::new(|| PRESETS.iter().map(|text| params::parse(text)).collect());

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    FiniteStateMachine {
        name: "Fortress3",
        description: "Ashlock's three-state Fortress machine: defects until the opponent defects twice in a row (a handshake), then cooperates while the opponent does.",
        params: FORTRESS3,
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Fortress4",
        description: "Ashlock's four-state Fortress machine: defects until the opponent defects three times in a row, then cooperates while the opponent does.",
        params: FORTRESS4,
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Predator",
        description: "Ashlock's nine-state Predator machine, evolved to exploit other finite state machines.",
        params: PREDATOR,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Pun1",
        description: "Ashlock's two-state Pun1 machine: opens with D, then cooperates, except that on every other turn it answers an opponent's defection with D.",
        params: PUN1,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Raider",
        description: "Ashlock's four-state Raider machine: defects, probes with cooperation after an opponent defection, and settles into Tit For Tat once the opponent defects twice in a row.",
        params: RAIDER,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Ripoff",
        description: "Ashlock's three-state Ripoff machine: alternates exploitation against a cooperator and falls back to Tit For Tat once the opponent defects.",
        params: RIPOFF,
        memory_depth: Some(3),
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "SolutionB1",
        description: "Ashlock's three-state machine B1: defects until the opponent first cooperates, then cooperates for the rest of the match.",
        params: SOLUTION_B1,
        memory_depth: Some(2),
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "SolutionB5",
        description: "Ashlock's six-state machine B5, evolved for the iterated prisoner's dilemma.",
        params: SOLUTION_B5,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "TF1",
        description: "A sixteen-state machine trained by Marc Harper to maximise Moran fixation probability.",
        params: TF1,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "TF2",
        description: "A sixteen-state machine trained by Marc Harper to maximise Moran fixation probability.",
        params: TF2,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "TF3",
        description: "An eight-state machine trained by Marc Harper to maximise Moran fixation probability.",
        params: TF3,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Thumper",
        description: "Ashlock's two-state Thumper machine: cooperates, and answers a defection with two defections.",
        params: THUMPER,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "UsuallyCooperates",
        description: "Ashlock's two-state machine that cooperates except right after the opponent plays C following a D.",
        params: USUALLY_COOPERATES,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "UsuallyDefects",
        description: "Ashlock's two-state machine that defects except right after the opponent plays D following a C.",
        params: USUALLY_DEFECTS,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Evolved FSM 4",
        description: "A four-state machine evolved by Marc Harper against the short-run-time strategies.",
        params: EVOLVED_FSM_4,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Evolved FSM 6",
        description: "A six-state machine evolved by Frederick Vincent and Dashiell Fryer against the short-run-time strategies.",
        params: EVOLVED_FSM_6,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Evolved FSM 16",
        description: "A sixteen-state machine evolved by Marc Harper against the short-run-time strategies.",
        params: EVOLVED_FSM_16,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    FiniteStateMachine {
        name: "Evolved FSM 16 Noise 05",
        description: "A sixteen-state machine evolved by Marc Harper in matches with 5% noise.",
        params: EVOLVED_FSM_16_NOISE_05,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

/// A minimal match loop for unit tests of this crate's strategies.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Alternator, Cooperator, Defector};
    use crate::testkit::play;

    fn fsm(params: &str) -> FiniteStateMachine {
        FiniteStateMachine::create(params).unwrap()
    }

    #[test]
    fn every_preset_builds_with_its_declared_memory() {
        assert_eq!(PRESETS.len(), EXPORTS.len());
        for (&text, d) in PRESETS.iter().zip(EXPORTS) {
            assert_eq!(fsm(text).classifiers(), Some(d.classifiers), "{text}");
            assert_eq!(d.default_params.len, text.len());
        }
    }

    /// A cached preset is exactly what building from its text gives, and the same table in
    /// another layout keeps the published memory depth.
    #[test]
    fn cached_presets_equal_built_ones() {
        crate::presets::assert_cached_equal_built(&BUILT, EXPORTS);
        let spaced = FORTRESS3.replace(", ", " ,  ");
        assert_ne!(spaced, FORTRESS3);
        assert_eq!(fsm(&spaced).classifiers().unwrap().memory(), Some(2));
        assert_eq!(
            format!("{:?}", fsm(&spaced)),
            format!("{:?}", fsm(FORTRESS3))
        );
    }

    /// Move strings from Axelrod-Python 4.14.0 (first 12 turns of the reference matches).
    #[test]
    fn matches_axelrod_against_simple_opponents() {
        let (f, _) = play(&mut fsm(FORTRESS3), &mut Defector, 12);
        assert_eq!(f, "DDCDDCDDCDDC");
        let (f, _) = play(&mut fsm(THUMPER), &mut Alternator, 12);
        assert_eq!(f, "CCDDDDDDDDDD");
        let (f, _) = play(&mut fsm(RAIDER), &mut Cooperator, 12);
        assert_eq!(f, "DDDDDDDDDDDD");
        let (f, _) = play(&mut fsm(RIPOFF), &mut Cooperator, 12);
        assert_eq!(f, "DCDCDCDCDCDC");
    }

    #[test]
    fn reset_restores_the_initial_state() {
        let mut f = fsm(EVOLVED_FSM_4);
        let first = play(&mut f, &mut Alternator, 30);
        assert_eq!(play(&mut f, &mut Alternator, 30), first);
    }

    #[test]
    fn bad_tables_are_rejected() {
        let missing = "(transitions: [(1, C, 2, C), (1, D, 1, D)], initial_state: 1)";
        assert!(FiniteStateMachine::create(missing)
            .unwrap_err()
            .contains("state 2"));
        let half = "(transitions: [(1, C, 1, C)], initial_state: 1)";
        assert!(FiniteStateMachine::create(half)
            .unwrap_err()
            .contains("both C and D"));
        let start = "(transitions: [(1, C, 1, C), (1, D, 1, D)], initial_state: 7)";
        assert!(FiniteStateMachine::create(start)
            .unwrap_err()
            .contains("initial_state"));
        let custom = FiniteStateMachine::create("()").unwrap();
        assert_eq!(custom.classifiers().unwrap().memory(), None);
    }
}
