//! Neural-network strategies: a single hidden layer with ReLU activations reads 17 features
//! of the history and the sign of its output decides the move.
//!
//! The trained weights of Axelrod-Python's evolved networks are data, bundled from
//! `data/ann_weights.csv` (see `data/README.md`).

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{strategy_exports, History, MatchContext, Move, Rng, Strategy};

use crate::params;
use crate::presets::Presets;

/// The bundled trained networks: `name, features, hidden size, weights...` per line.
const TRAINED: &str = include_str!("../data/ann_weights.csv");

/// Number of history features the network reads.
const FEATURES: usize = 17;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct AnnParams {
    /// Name of a network in the bundled data file.
    trained: String,
    /// Hidden layer size, for explicit `weights`.
    num_hidden: usize,
    /// Explicit weights: input-to-hidden rows, then hidden-to-output, then hidden biases.
    weights: Vec<f64>,
}

/// Looks up a bundled network by name: (hidden size, weights).
fn trained_weights(name: &str) -> Result<(usize, Vec<f64>), String> {
    for line in TRAINED.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split(", ");
        if fields.next() != Some(name) {
            continue;
        }
        let bad = || format!("bundled network {name:?} is malformed");
        let mut number = || fields.next().ok_or_else(bad);
        let features: usize = number()?.parse().map_err(|_| bad())?;
        let hidden: usize = number()?.parse().map_err(|_| bad())?;
        if features != FEATURES {
            return Err(bad());
        }
        let weights = fields
            .map(|f| f.parse::<f64>().map_err(|_| bad()))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((hidden, weights));
    }
    Err(format!(
        "parameter `trained`: no bundled network named {name:?}"
    ))
}

/// Computes 17 features (the opponent's first two moves, both players' last two moves, each
/// as a C and a D indicator; both players' cooperation and defection counts; the turn number),
/// feeds them through one ReLU hidden layer and cooperates when the output is positive.
/// Like Axelrod-Python, the layer's activations are truncated to integers whenever the first
/// hidden unit's input is negative.
#[derive(Clone, Debug)]
pub struct Ann {
    /// `input_to_hidden[h * FEATURES + f]`.
    input_to_hidden: Vec<f64>,
    hidden_to_output: Vec<f64>,
    bias: Vec<f64>,
}

impl Ann {
    fn features(history: &History<'_>) -> [f64; FEATURES] {
        let (own, opp) = (history.own(), history.opponent());
        let n = own.len();
        let mut x = [0.0; FEATURES];
        // Pairs of (is C, is D) indicators; missing moves leave both at zero.
        let mut indicator = |slot: usize, m: Option<&Move>| {
            if let Some(&m) = m {
                x[slot + m as usize] = 1.0;
            }
        };
        indicator(0, opp.first());
        indicator(2, if n >= 2 { opp.get(1) } else { None });
        indicator(4, own.last());
        indicator(6, if n >= 2 { own.get(n - 2) } else { None });
        indicator(8, opp.last());
        indicator(10, if n >= 2 { opp.get(n - 2) } else { None });
        x[12] = history.opponent_cooperations() as f64;
        x[13] = history.opponent_defections() as f64;
        x[14] = history.own_cooperations() as f64;
        x[15] = history.own_defections() as f64;
        x[16] = n as f64;
        x
    }
}

impl Strategy for Ann {
    fn create(text: &str) -> Result<Self, String> {
        BUILT.create(text)
    }
    fn reset(&mut self, _ctx: &MatchContext) {}
    fn decide(&mut self, history: &History<'_>, _rng: &mut Rng) -> Move {
        self.output(history)
    }
}

impl Ann {
    fn build(text: &str) -> Result<Self, String> {
        let p: AnnParams = params::parse(text)?;
        let (hidden, weights) = match (p.trained.is_empty(), p.weights.is_empty()) {
            (false, true) if p.num_hidden == 0 => trained_weights(&p.trained)?,
            (true, false) => (p.num_hidden, p.weights),
            _ => {
                return Err(
                    "give either `trained` (a bundled network's name) or `num_hidden` \
                            and `weights`"
                        .into(),
                )
            }
        };
        let expected = hidden * FEATURES + 2 * hidden;
        if hidden == 0 || weights.len() != expected {
            return Err(format!(
                "parameter `weights` must hold {expected} numbers for {hidden} hidden units \
                 ({FEATURES} features), got {}",
                weights.len()
            ));
        }
        let split = hidden * FEATURES;
        Ok(Ann {
            input_to_hidden: weights[..split].to_vec(),
            hidden_to_output: weights[split..split + hidden].to_vec(),
            bias: weights[split + hidden..].to_vec(),
        })
    }

    /// The network's move after this history.
    fn output(&self, history: &History<'_>) -> Move {
        let x = Self::features(history);
        let mut output = 0.0;
        // Axelrod-Python's ReLU is a `numpy.vectorize` without declared output type, so numpy
        // takes the type of its result on the first hidden unit: when that unit is negative the
        // result is the integer 0 and every activation of the layer is truncated to an integer.
        // The trained networks were evolved (and are scored) with that behaviour, so keep it.
        let mut truncate = false;
        for (h, row) in self.input_to_hidden.chunks_exact(FEATURES).enumerate() {
            let sum: f64 = row.iter().zip(&x).map(|(w, v)| w * v).sum();
            let value = self.bias[h] + sum;
            if h == 0 {
                truncate = value < 0.0;
            }
            let relu = value.max(0.0);
            let relu = if truncate { relu.trunc() } else { relu };
            output += relu * self.hidden_to_output[h];
        }
        Move::cooperate_if(output > 0.0)
    }
}

const EVOLVED_ANN: &str = "(trained: \"Evolved ANN\")";
const EVOLVED_ANN_5: &str = "(trained: \"Evolved ANN 5\")";
const EVOLVED_ANN_5_NOISE_05: &str = "(trained: \"Evolved ANN 5 Noise 05\")";

/// Default parameters of the exports, in `EXPORTS` order.
const PRESETS: &[&str] = &[EVOLVED_ANN, EVOLVED_ANN_5, EVOLVED_ANN_5_NOISE_05];

/// The bundled networks, read once.
static BUILT: Presets<Ann> = Presets::new(PRESETS, Ann::build);

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Ann {
        name: "Evolved ANN",
        description: "A neural network with 10 hidden units over 17 history features, evolved by Martin Jones.",
        params: EVOLVED_ANN,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Ann {
        name: "Evolved ANN 5",
        description: "A neural network with 5 hidden units over 17 history features, evolved by Marc Harper.",
        params: EVOLVED_ANN_5,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
    Ann {
        name: "Evolved ANN 5 Noise 05",
        description: "A neural network with 5 hidden units over 17 history features, evolved by Marc Harper in matches with 5% noise.",
        params: EVOLVED_ANN_5_NOISE_05,
        memory_depth: None,
        stochastic: false,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Alternator, Defector};
    use crate::testkit::play;

    /// Move strings from Axelrod-Python 4.14.0.
    #[test]
    fn matches_axelrod() {
        let mut a = Ann::create("(trained: \"Evolved ANN\")").unwrap();
        assert_eq!(play(&mut a, &mut Alternator, 16).0, ANN_VS_ALTERNATOR);
        let mut a5 = Ann::create("(trained: \"Evolved ANN 5\")").unwrap();
        assert_eq!(play(&mut a5, &mut Defector, 16).0, ANN5_VS_DEFECTOR);
    }

    #[test]
    fn cached_presets_equal_built_ones() {
        crate::presets::assert_cached_equal_built(&BUILT, EXPORTS);
    }

    const ANN_VS_ALTERNATOR: &str = "CCDDDDDDDDDDDDDD";
    const ANN5_VS_DEFECTOR: &str = "CDDDDDDDDDDDDDDD";

    #[test]
    fn bad_parameters_are_rejected() {
        assert!(Ann::create("(trained: \"Nope\")")
            .unwrap_err()
            .contains("Nope"));
        assert!(Ann::create("()").is_err());
        let e = Ann::create("(num_hidden: 1, weights: [1.0])").unwrap_err();
        assert!(e.contains("19"), "{e}");
        assert!(Ann::create("(num_hidden: 1, weights: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0])").is_ok());
    }
}
