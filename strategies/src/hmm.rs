//! Hidden-Markov-model strategies: a stochastic finite state machine whose hidden state moves
//! by a transition matrix chosen by the opponent's last move and emits C with a per-state
//! probability.

use std::sync::LazyLock;

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::fsm::Action;
use crate::params;
use crate::presets::Presets;

/// Row sums may differ from 1 by this much (Axelrod's tolerance).
const ROW_SUM_TOLERANCE: f64 = 1e-8;

#[derive(Deserialize, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
struct HmmParams {
    /// Row `s`: probabilities of the next state after the opponent cooperated in state `s`.
    transitions_c: Vec<Vec<f64>>,
    /// Row `s`: probabilities of the next state after the opponent defected in state `s`.
    transitions_d: Vec<Vec<f64>>,
    /// Probability of cooperating in each state.
    emission_probabilities: Vec<f64>,
    initial_state: usize,
    initial_action: Action,
}

impl Default for HmmParams {
    /// Axelrod's generic HMM player: one state cooperating with probability one half.
    fn default() -> Self {
        HmmParams {
            transitions_c: vec![vec![1.0]],
            transitions_d: vec![vec![1.0]],
            emission_probabilities: vec![0.5],
            initial_state: 0,
            initial_action: Action::C,
        }
    }
}

/// Plays `initial_action` first. Afterwards moves the hidden state at random by the row of the
/// current state in `transitions_c` or `transitions_d` (after an opponent C or D), then
/// cooperates with the new state's emission probability. Certain transitions and emissions
/// (probability 1 or 0) are taken without drawing.
#[derive(Clone, Debug)]
pub struct HiddenMarkovModel {
    /// `transitions[m][s]`: next-state probabilities after opponent move `m` in state `s`.
    transitions: [Vec<Vec<f64>>; 2],
    emissions: Vec<f64>,
    initial_state: usize,
    initial_action: Move,
    state: usize,
    memory_depth: Option<u32>,
    stochastic: bool,
}

fn check_matrix(name: &str, m: &[Vec<f64>], n: usize) -> Result<(), String> {
    if m.len() != n {
        return Err(format!(
            "parameter `{name}` must have {n} rows (one per state), got {}",
            m.len()
        ));
    }
    for (s, row) in m.iter().enumerate() {
        if row.len() != n {
            return Err(format!(
                "parameter `{name}`: row {s} must have {n} entries, got {}",
                row.len()
            ));
        }
        for &p in row {
            params::probability(name, p)?;
        }
        let sum: f64 = row.iter().sum();
        if (1.0 - sum).abs() > ROW_SUM_TOLERANCE {
            return Err(format!(
                "parameter `{name}`: row {s} must sum to 1, got {sum}"
            ));
        }
    }
    Ok(())
}

/// Samples an index from a probability row with one uniform draw (inverse CDF).
fn sample(row: &[f64], rng: &mut Rng) -> usize {
    let u = rng.next_f64();
    let mut cumulative = 0.0;
    for (i, &p) in row.iter().enumerate() {
        cumulative += p;
        if u < cumulative {
            return i;
        }
    }
    // Rounding left the total a hair below 1: take the last state with positive probability.
    row.iter().rposition(|&p| p > 0.0).unwrap_or(0)
}

impl HiddenMarkovModel {
    fn build(text: &str) -> Result<Self, String> {
        let p: HmmParams = params::parse(text)?;
        let n = p.emission_probabilities.len();
        if n == 0 {
            return Err("parameter `emission_probabilities` must name at least one state".into());
        }
        check_matrix("transitions_c", &p.transitions_c, n)?;
        check_matrix("transitions_d", &p.transitions_d, n)?;
        for &e in &p.emission_probabilities {
            params::probability("emission_probabilities", e)?;
        }
        if p.initial_state >= n {
            return Err(format!(
                "parameter `initial_state` must be below the number of states ({n}), got {}",
                p.initial_state
            ));
        }
        let certain = |x: f64| x == 0.0 || x == 1.0;
        let stochastic = !(p.emission_probabilities.iter().all(|&x| certain(x))
            && p.transitions_c
                .iter()
                .chain(&p.transitions_d)
                .flatten()
                .all(|&x| certain(x)));
        // The published machine keeps its published memory depth; others are unbounded.
        let memory_depth = if PRESET_PARAMS.as_ref() == Ok(&p) {
            Some(5)
        } else {
            None
        };
        Ok(HiddenMarkovModel {
            transitions: [p.transitions_c, p.transitions_d],
            emissions: p.emission_probabilities,
            initial_state: p.initial_state,
            initial_action: p.initial_action.into(),
            state: p.initial_state,
            memory_depth,
            stochastic,
        })
    }
}

impl Strategy for HiddenMarkovModel {
    fn create(text: &str) -> Result<Self, String> {
        BUILT.create(text)
    }

    fn classifiers(&self) -> Option<Classifiers> {
        Some(Classifiers::new(self.memory_depth, self.stochastic, 0))
    }

    fn reset(&mut self, _ctx: &MatchContext) {
        self.state = self.initial_state;
    }

    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        let Some(last) = history.last_opponent() else {
            return self.initial_action;
        };
        let row = &self.transitions[last as usize][self.state];
        self.state = match row.iter().position(|&p| p == 1.0) {
            Some(next) => next,
            None => sample(row, rng),
        };
        let p = self.emissions[self.state];
        if p == 0.0 {
            Move::D
        } else if p == 1.0 {
            Move::C
        } else {
            Move::cooperate_if(rng.chance(p))
        }
    }
}

const EVOLVED_HMM_5: &str = "(transitions_c: [[1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0], \
[0.0, 1.0, 0.0, 0.0, 0.0], [0.631, 0.0, 0.0, 0.369, 0.0], [0.143, 0.018, 0.118, 0.0, 0.721]], \
transitions_d: [[0.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.487, 0.513, 0.0, 0.0], [0.0, 0.0, 0.0, 0.59, 0.41], \
[1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.287, 0.456, 0.146, 0.111]], \
emission_probabilities: [1.0, 0.0, 0.0, 1.0, 0.111], initial_state: 3, initial_action: C)";

/// The published model, built once.
static BUILT: Presets<HiddenMarkovModel> = Presets::new(&[EVOLVED_HMM_5], HiddenMarkovModel::build);

/// The published model as parsed parameters, to recognise it written out in another layout.
static PRESET_PARAMS: LazyLock<Result<HmmParams, String>> =
    LazyLock::new(|| params::parse(EVOLVED_HMM_5));

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![HiddenMarkovModel {
    name: "Evolved HMM 5",
    description: "A five-state hidden Markov model evolved by Marc Harper: the opponent's last move picks the transition matrix, each state cooperates with its own probability.",
    params: EVOLVED_HMM_5,
    memory_depth: Some(5),
    stochastic: true,
    makes_use_of: [],
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Cooperator, Defector};
    use crate::testkit::play;

    #[test]
    fn evolved_hmm_5_is_declared_and_deterministic_against_a_cooperator() {
        let mut h = HiddenMarkovModel::create(EVOLVED_HMM_5).unwrap();
        assert_eq!(h.classifiers(), Some(EXPORTS[0].classifiers));
        // From state 3, opponent C goes to state 0 (p 0.631, emits C) or stays in 3 (emits C);
        // state 0 is absorbing under C. So it always cooperates with a cooperator.
        assert_eq!(play(&mut h, &mut Cooperator, 40).0, "C".repeat(40));
        // Against a defector: state 3 -> 0 (C), then 0 -> 1 (D), then 1 <-> 2 mostly defecting.
        let (moves, _) = play(&mut h, &mut Defector, 200);
        assert!(moves.starts_with("CCD"), "{moves}");
        assert!(moves.matches('D').count() > 100, "{moves}");
    }

    #[test]
    fn cached_preset_equals_the_built_one() {
        crate::presets::assert_cached_equal_built(&BUILT, EXPORTS);
        let spaced = EVOLVED_HMM_5.replace(", ", " , ");
        let h = HiddenMarkovModel::create(&spaced).unwrap();
        assert_eq!(h.classifiers(), Some(EXPORTS[0].classifiers));
    }

    #[test]
    fn sampling_follows_the_row() {
        let mut rng = Rng::seed_from_u64(3);
        let row = [0.2, 0.0, 0.8];
        let mut counts = [0u32; 3];
        for _ in 0..10_000 {
            counts[sample(&row, &mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((counts[0] as i32 - 2000).abs() < 200, "{counts:?}");
    }

    #[test]
    fn bad_parameters_are_rejected() {
        let e = HiddenMarkovModel::create("(transitions_c: [[0.5]])").unwrap_err();
        assert!(e.contains("sum to 1"), "{e}");
        assert!(HiddenMarkovModel::create("(initial_state: 1)")
            .unwrap_err()
            .contains("initial_state"));
        assert!(HiddenMarkovModel::create("(emission_probabilities: [2.0])").is_err());
        let default = HiddenMarkovModel::create("()").unwrap();
        assert_eq!(default.classifiers().unwrap().memory(), None);
        assert!(default.classifiers().unwrap().is_stochastic());
    }
}
