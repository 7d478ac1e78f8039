//! Gamblers: stochastic lookup tables. Like `lookerup.rs`, the key is the player's last moves,
//! the opponent's last moves and the opponent's first moves, but each entry is a probability
//! of cooperating.
//!
//! The particle-swarm-trained tables of Axelrod-Python are data, bundled from
//! `data/pso_gambler.csv` (see `data/README.md`).

use serde::Deserialize;
use vertrouwen_plugins_api::abi::StrategyDescriptor;
use vertrouwen_plugins_api::{
    strategy_exports, Classifiers, History, MatchContext, Move, Rng, Strategy,
};

use crate::lookerup::Shape;
use crate::params;
use crate::presets::Presets;

/// The bundled trained tables: `name, self_plays, op_plays, op_openings, probabilities...`.
const TRAINED: &str = include_str!("../data/pso_gambler.csv");

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct GamblerParams {
    /// Name of a table in the bundled data file (gives depths and pattern).
    trained: String,
    self_plays: usize,
    op_plays: usize,
    op_openings: usize,
    /// Cooperation probability per key, in Axelrod's key order (see `lookerup::Shape::index`).
    pattern: Vec<f64>,
    initial_actions: String,
}

/// Looks up a bundled table by name.
fn trained_table(name: &str) -> Result<(Shape, Vec<f64>), String> {
    for line in TRAINED.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split(", ");
        if fields.next() != Some(name) {
            continue;
        }
        let bad = || format!("bundled table {name:?} is malformed");
        let mut depth = || -> Result<usize, String> {
            fields.next().ok_or_else(bad)?.parse().map_err(|_| bad())
        };
        let shape = Shape {
            self_plays: depth()?,
            op_plays: depth()?,
            op_openings: depth()?,
        };
        let pattern = fields
            .map(|f| f.parse::<f64>().map_err(|_| bad()))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((shape, pattern));
    }
    Err(format!(
        "parameter `trained`: no bundled table named {name:?}"
    ))
}

/// Plays `initial_actions` (padded with C to the key depth) while the key is incomplete, then
/// cooperates with the probability stored for (own last moves, opponent's last moves,
/// opponent's first moves); probabilities 0 and 1 are played without drawing.
#[derive(Clone, Debug)]
pub struct Gambler {
    shape: Shape,
    pattern: Vec<f64>,
    openings: Vec<Move>,
}

impl Strategy for Gambler {
    fn create(text: &str) -> Result<Self, String> {
        BUILT.create(text)
    }

    fn classifiers(&self) -> Option<Classifiers> {
        Some(Classifiers::new(self.shape.memory_depth(), true, 0))
    }

    fn reset(&mut self, _ctx: &MatchContext) {}

    fn decide(&mut self, history: &History<'_>, rng: &mut Rng) -> Move {
        if let Some(&m) = self.openings.get(history.len()) {
            return m;
        }
        let p = self.pattern[self.shape.index(history)];
        if p == 0.0 {
            Move::D
        } else if p == 1.0 {
            Move::C
        } else {
            Move::cooperate_if(rng.chance(p))
        }
    }
}

impl Gambler {
    fn build(text: &str) -> Result<Self, String> {
        let p: GamblerParams = params::parse(text)?;
        let explicit = p.self_plays + p.op_plays + p.op_openings > 0 || !p.pattern.is_empty();
        let (shape, pattern) = match (p.trained.is_empty(), explicit) {
            (false, false) => trained_table(&p.trained)?,
            (true, _) => (
                Shape {
                    self_plays: p.self_plays,
                    op_plays: p.op_plays,
                    op_openings: p.op_openings,
                },
                p.pattern,
            ),
            (false, true) => {
                return Err(
                    "give either `trained` (a bundled table's name) or the depths and \
                            `pattern`, not both"
                        .into(),
                )
            }
        };
        let shape = shape.validate()?;
        if pattern.len() != shape.table_len() {
            return Err(format!(
                "parameter `pattern` must have {} probabilities for these depths, got {}",
                shape.table_len(),
                pattern.len()
            ));
        }
        for &q in &pattern {
            params::probability("pattern", q)?;
        }
        let openings = shape.openings(&params::moves("initial_actions", &p.initial_actions)?);
        Ok(Gambler {
            shape,
            pattern,
            openings,
        })
    }
}

/// ZD-Mem2's table: the memory-two zero-determinant player of Li and Stadler, as fractions
/// 11/12, 4/11, 7/9, 1/10, 5/6, 3/11, 7/9, 1/10, 2/3, 1/11, 7/9, 1/10, 3/4, 2/11, 7/9, 1/10
/// written as the shortest decimals of their f64 values.
const ZD_MEM2: &str = "(self_plays: 2, op_plays: 2, op_openings: 0, pattern: [\
0.9166666666666666, 0.36363636363636365, 0.7777777777777778, 0.1, \
0.8333333333333334, 0.2727272727272727, 0.7777777777777778, 0.1, \
0.6666666666666666, 0.09090909090909091, 0.7777777777777778, 0.1, \
0.75, 0.18181818181818182, 0.7777777777777778, 0.1])";

const PSO_MEM1: &str = "(trained: \"PSO Gambler Mem1\")";
const PSO_1_1_1: &str = "(trained: \"PSO Gambler 1_1_1\")";
const PSO_2_2_2: &str = "(trained: \"PSO Gambler 2_2_2\")";
const PSO_2_2_2_NOISE_05: &str = "(trained: \"PSO Gambler 2_2_2 Noise 05\")";

/// Default parameters of the exports, in `EXPORTS` order.
const PRESETS: &[&str] = &[PSO_MEM1, PSO_1_1_1, PSO_2_2_2, PSO_2_2_2_NOISE_05, ZD_MEM2];

/// The published tables, built once.
static BUILT: Presets<Gambler> = Presets::new(PRESETS, Gambler::build);

pub const EXPORTS: &[StrategyDescriptor] = strategy_exports![
    Gambler {
        name: "PSO Gambler Mem1",
        description: "A memory-one stochastic table (own and opponent's last move) trained by particle swarm optimisation.",
        params: PSO_MEM1,
        memory_depth: Some(1),
        stochastic: true,
        makes_use_of: [],
    },
    Gambler {
        name: "PSO Gambler 1_1_1",
        description: "A stochastic table keyed by the last own move, the opponent's last move and the opponent's first move, trained by particle swarm optimisation.",
        params: PSO_1_1_1,
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    Gambler {
        name: "PSO Gambler 2_2_2",
        description: "A stochastic table keyed by the last two own moves, the opponent's last two moves and the opponent's first two moves, trained by particle swarm optimisation.",
        params: PSO_2_2_2,
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    Gambler {
        name: "PSO Gambler 2_2_2 Noise 05",
        description: "A stochastic table keyed by the last two moves of each player and the opponent's first two moves, trained by particle swarm optimisation with 5% noise.",
        params: PSO_2_2_2_NOISE_05,
        memory_depth: None,
        stochastic: true,
        makes_use_of: [],
    },
    Gambler {
        name: "ZD-Mem2",
        description: "A memory-two generalisation of a zero-determinant player: cooperation probabilities keyed by both players' last two moves.",
        params: ZD_MEM2,
        memory_depth: Some(2),
        stochastic: true,
        makes_use_of: [],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basic::{Cooperator, Defector};
    use crate::testkit::play;

    #[test]
    fn trained_tables_load_with_declared_memory() {
        for (i, name) in [
            "PSO Gambler Mem1",
            "PSO Gambler 1_1_1",
            "PSO Gambler 2_2_2",
            "PSO Gambler 2_2_2 Noise 05",
        ]
        .iter()
        .enumerate()
        {
            let g = Gambler::create(&format!("(trained: {name:?})")).unwrap();
            assert_eq!(g.classifiers(), Some(EXPORTS[i].classifiers), "{name}");
        }
        let zd = Gambler::create(ZD_MEM2).unwrap();
        assert_eq!(zd.classifiers(), Some(EXPORTS[4].classifiers));
        assert_eq!(zd.pattern[0], 11.0 / 12.0);
        assert_eq!(zd.pattern[13], 2.0 / 11.0);
    }

    #[test]
    fn cached_presets_equal_built_ones() {
        crate::presets::assert_cached_equal_built(&BUILT, EXPORTS);
    }

    /// PSO Gambler Mem1's table is (CC: 1, CD: 0.52, DC: 0, DD: 0.12): against a cooperator it
    /// cooperates for ever; against a defector it cooperates on turn 1 and then mixes.
    #[test]
    fn mem1_follows_its_table() {
        let mut g = Gambler::create("(trained: \"PSO Gambler Mem1\")").unwrap();
        assert_eq!(play(&mut g, &mut Cooperator, 50).0, "C".repeat(50));
        let (moves, _) = play(&mut g, &mut Defector, 2000);
        let c = moves.matches('C').count() as f64 / 2000.0;
        // Stationary cooperation rate of the chain C->C 0.52, D->C 0.12: 0.12/(1-0.52+0.12).
        assert!((c - 0.2).abs() < 0.04, "{c}");
    }

    #[test]
    fn bad_parameters_are_rejected() {
        assert!(Gambler::create("(trained: \"Nope\")")
            .unwrap_err()
            .contains("Nope"));
        let e = Gambler::create("(op_plays: 1, pattern: [0.5])").unwrap_err();
        assert!(e.contains("2 probabilities"), "{e}");
        assert!(Gambler::create("(op_plays: 1, pattern: [0.5, 1.5])").is_err());
        assert!(Gambler::create("(trained: \"PSO Gambler Mem1\", op_plays: 1)").is_err());
    }
}
