//! Sweeps: one base study run at every point of a grid of settings.
//!
//! ```ron
//! Sweep(
//!     name: "Noise and game",
//!     base: Tournament(players: ["Tit For Tat", "Defector"], turns: 200, repetitions: 10),
//!     axes: [
//!         Noise(from: 0.0, to: 0.1, points: 11),     // 0.0, 0.01, ..., 0.1
//!         Game(values: ["prisoners-dilemma", "snowdrift"]),
//!     ],
//! )
//! ```
//!
//! The grid is the product of the axes, the first axis varying slowest: point `k` takes value
//! `k / (n_2 ... n_m) mod n_1` of the first axis, ..., `k mod n_m` of the last. Each point is
//! the base study with the axes' values written into it, so it is checked and run exactly as
//! that study written by hand would be, and an error at a point names the axis value (its line
//! and column) and the point. Points are built one at a time ([`Grid::point`]): a large grid
//! costs memory only for the point being run.
//!
//! What an axis sets (an axis that has nothing to set in the base is refused at its position):
//! - `Noise`, `Turns`, `ProbEnd`, `Game`, `Repetitions`: the tournament's, or the payoffs'
//!   matches (not a given matrix);
//! - `Seed`: every seed of the base (the tournament's; the matches' and the simulation's);
//! - `Population`: of `Fixation` and `Stationary`; of a `Simulation` on a `Complete`, `Cycle`
//!   or `Star` graph, whose last strategy then takes the places the others' `initial` counts
//!   leave (`initial: [1, 9]` at population 50 is `[1, 49]`);
//! - `W`: of every `Moran` process, and of a simulation's fitness map;
//! - `Beta`: of every `Fermi` process, and of a simulation's `Fermi` rule.

mod apply;

use apply::{apply, clear_plugins, payoffs_of, set_seeds};

use super::schema::{AxisFile, FloatAxis, GameFile, PayoffsFile, Study, SweepFile, WholeAxis};
use super::spanned::{Span, Spanned};
use super::{ConfigError, LoadedStudy, Overrides};
use crate::registry::Registry;
use crate::values::{Intensity, Population, Probability, Repetitions, Seed, Turns};

/// The most grid points a sweep may have: far more than a cluster runs, few enough that the
/// sweep's table of points stays small.
pub const MAX_POINTS: u64 = 1_000_000;

/// What an axis sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisKind {
    Noise,
    Turns,
    ProbEnd,
    Game,
    Repetitions,
    Seed,
    Population,
    W,
    Beta,
}

impl AxisKind {
    /// The axis's column name in `sweep.csv`.
    pub fn column(self) -> &'static str {
        match self {
            AxisKind::Noise => "noise",
            AxisKind::Turns => "turns",
            AxisKind::ProbEnd => "prob_end",
            AxisKind::Game => "game",
            AxisKind::Repetitions => "repetitions",
            AxisKind::Seed => "seed",
            AxisKind::Population => "population",
            AxisKind::W => "w",
            AxisKind::Beta => "beta",
        }
    }

    /// The axis's name in a study file.
    pub fn name(self) -> &'static str {
        match self {
            AxisKind::Noise => "Noise",
            AxisKind::Turns => "Turns",
            AxisKind::ProbEnd => "ProbEnd",
            AxisKind::Game => "Game",
            AxisKind::Repetitions => "Repetitions",
            AxisKind::Seed => "Seed",
            AxisKind::Population => "Population",
            AxisKind::W => "W",
            AxisKind::Beta => "Beta",
        }
    }
}

/// A game as an axis value.
#[derive(Clone, Debug, PartialEq)]
pub enum GameValue {
    Preset(String),
    Payoffs { r: f64, s: f64, t: f64, p: f64 },
}

/// One value of an axis (already range-checked).
#[derive(Clone, Debug, PartialEq)]
pub enum AxisValue {
    Real(f64),
    Whole(u64),
    Game(GameValue),
}

/// An axis: what it sets, its values, and where it is in the file.
#[derive(Clone, Debug)]
pub struct Axis {
    pub kind: AxisKind,
    pub values: Vec<AxisValue>,
    /// Games keep their own positions, for errors about one of them.
    games: Vec<Spanned<GameFile>>,
    pub span: Span,
}

/// One grid point: its index, its axis values (in axis order) and its study.
#[derive(Clone, Debug)]
pub struct GridPoint {
    pub index: u64,
    pub values: Vec<AxisValue>,
    /// The base study with this point's values, read from the same file (errors keep their
    /// positions). Its plugins are loaded once for the whole sweep ([`Grid::load_plugins`]),
    /// so the point's own lists are empty.
    pub study: LoadedStudy,
}

/// A sweep's grid, checked: every axis applies to the base, the grid is not too large.
#[derive(Clone, Debug)]
pub struct Grid {
    file: LoadedStudy,
    base: Study,
    pub axes: Vec<Axis>,
    points: u64,
}

impl Grid {
    /// The number of grid points.
    pub fn len(&self) -> u64 {
        self.points
    }

    /// Whether the grid has no point (never: every axis has a value).
    pub fn is_empty(&self) -> bool {
        self.points == 0
    }

    /// The base study's kind, e.g. `"Tournament"`.
    pub fn base_kind(&self) -> &'static str {
        self.base.kind()
    }

    /// Whether every point is a tournament.
    pub fn is_tournament(&self) -> bool {
        matches!(self.base, Study::Tournament(_))
    }

    /// The axis values of grid point `index` (`< len()`), in axis order.
    pub fn values(&self, index: u64) -> Vec<AxisValue> {
        let mut values = vec![AxisValue::Whole(0); self.axes.len()];
        let mut rest = index;
        for (a, axis) in self.axes.iter().enumerate().rev() {
            let n = axis.values.len() as u64;
            values[a] = axis.values[(rest % n) as usize].clone();
            rest /= n;
        }
        values
    }

    /// The base study's master seed after `--seed` (the tournament's, else the simulation's,
    /// else the matches'); `None` if nothing in it is random.
    pub fn seed(&self) -> Option<u64> {
        match &self.base {
            Study::Tournament(t) => Some(t.seed.get()),
            Study::Simulation(c) => Some(c.seed.get()),
            other => payoffs_of(other).and_then(|p| match &p.value {
                PayoffsFile::Matches(m) => Some(m.seed.get()),
                PayoffsFile::Matrix(_) => None,
            }),
        }
    }

    /// Grid point `index` (`< len()`).
    pub fn point(&self, index: u64) -> Result<GridPoint, ConfigError> {
        let mut study = self.base.clone();
        let mut values = vec![AxisValue::Whole(0); self.axes.len()];
        let mut rest = index;
        for (a, axis) in self.axes.iter().enumerate().rev() {
            let n = axis.values.len() as u64;
            let k = (rest % n) as usize;
            rest /= n;
            values[a] = axis.values[k].clone();
            apply(&mut study, axis, k).map_err(|m| {
                self.file.invalid(
                    axis.span,
                    format!("grid point {index}: axis {}: {m}", axis.kind.name()),
                )
            })?;
        }
        clear_plugins(&mut study);
        Ok(GridPoint {
            index,
            values,
            study: LoadedStudy {
                path: self.file.path.clone(),
                source: self.file.source.clone(),
                study,
            },
        })
    }

    /// Loads the base study's plugins and `overrides.plugins` into `registry`, once for every
    /// point.
    pub fn load_plugins(
        &self,
        registry: &mut Registry,
        overrides: &Overrides,
    ) -> Result<(), ConfigError> {
        let plugins = match &self.base {
            Study::Tournament(t) => t.plugins.clone(),
            other => match payoffs_of(other).map(|p| &p.value) {
                Some(PayoffsFile::Matches(m)) => m.plugins.clone(),
                _ => Vec::new(),
            },
        };
        self.file.load_plugins(registry, &plugins, overrides)
    }
}

impl LoadedStudy {
    /// The grid of a `Sweep` study, checked. `seed` (the command line's `--seed`) sets every
    /// seed of the base, and is refused with a `Seed` axis.
    pub fn sweep_grid(&self, seed: Option<Seed>) -> Result<Grid, ConfigError> {
        let Study::Sweep(sweep) = &self.study else {
            return Err(self.invalid(
                self.study_span(),
                format!("expected a Sweep study, found {}", self.study.kind()),
            ));
        };
        let SweepFile { base, axes, .. } = sweep;
        let mut base_study = base.value.clone().into_study();
        if axes.is_empty() {
            return Err(self.invalid(
                axes.span,
                "expected at least one axis, e.g. [Noise(values: [0.0, 0.01])]",
            ));
        }
        let mut list: Vec<Axis> = Vec::with_capacity(axes.len());
        let mut points: u64 = 1;
        for a in axes.iter() {
            let axis = self.axis(a)?;
            if let Some(first) = list.iter().find(|b| b.kind == axis.kind) {
                let (line, column) = super::spanned::line_column(&self.source, first.span.start);
                return Err(self.invalid(
                    a.span,
                    format!(
                        "the axis {} is given twice (first at {line}:{column}); give all its values in one axis",
                        axis.kind.name()
                    ),
                ));
            }
            points = points
                .checked_mul(axis.values.len() as u64)
                .filter(|&p| p <= MAX_POINTS)
                .ok_or_else(|| {
                    self.invalid(
                        a.span,
                        format!(
                            "the grid would have more than {MAX_POINTS} points; split the sweep"
                        ),
                    )
                })?;
            // Checked on the base once: a value of the wrong kind for the base is refused
            // before anything runs.
            let mut probe = base_study.clone();
            apply(&mut probe, &axis, 0)
                .map_err(|m| self.invalid(a.span, format!("axis {}: {m}", axis.kind.name())))?;
            list.push(axis);
        }
        if let Some(seed) = seed {
            if let Some(axis) = list.iter().find(|a| a.kind == AxisKind::Seed) {
                return Err(self.invalid(
                    axis.span,
                    "--seed would replace every value of this Seed axis; drop one of them",
                ));
            }
            set_seeds(&mut base_study, seed);
        }
        Ok(Grid {
            file: self.clone(),
            base: base_study,
            axes: list,
            points,
        })
    }

    fn axis(&self, a: &Spanned<AxisFile>) -> Result<Axis, ConfigError> {
        let error = |m: String| self.invalid(a.span, m);
        let mut games = Vec::new();
        let (kind, values) = match &a.value {
            AxisFile::Noise(x) => (AxisKind::Noise, real(x, Probability::try_from)),
            AxisFile::ProbEnd(x) => (
                AxisKind::ProbEnd,
                real(x, crate::values::EndProbability::try_from),
            ),
            AxisFile::W(x) => (AxisKind::W, real(x, Intensity::try_from)),
            AxisFile::Beta(x) => (AxisKind::Beta, real(x, Intensity::try_from)),
            AxisFile::Turns(x) => (AxisKind::Turns, whole(x, Turns::try_from)),
            AxisFile::Seed(x) => (AxisKind::Seed, whole(x, Seed::try_from)),
            AxisFile::Population(x) => (AxisKind::Population, whole(x, Population::try_from)),
            AxisFile::Repetitions(x) => (
                AxisKind::Repetitions,
                whole(x, |v| {
                    let v = u32::try_from(v).map_err(|_| {
                        crate::values::ValueError(format!(
                            "expected at most {} repetitions, got {v}",
                            u32::MAX
                        ))
                    })?;
                    Repetitions::try_from(v)
                }),
            ),
            AxisFile::Game(g) => {
                games = g.values.clone();
                let values = g
                    .values
                    .iter()
                    .map(|v| {
                        AxisValue::Game(match &v.value {
                            GameFile::Preset(name) => GameValue::Preset(name.clone()),
                            GameFile::Payoffs(p) => GameValue::Payoffs {
                                r: p.r.get(),
                                s: p.s.get(),
                                t: p.t.get(),
                                p: p.p.get(),
                            },
                        })
                    })
                    .collect();
                (AxisKind::Game, Ok(values))
            }
        };
        let values = values.map_err(error)?;
        if values.is_empty() {
            return Err(error("expected at least one value".into()));
        }
        Ok(Axis {
            kind,
            values,
            games,
            span: a.span,
        })
    }
}

/// The values of a real-valued axis, each checked as a `T`.
fn real<T, E: std::fmt::Display>(
    axis: &FloatAxis<T>,
    check: impl Fn(f64) -> Result<T, E>,
) -> Result<Vec<AxisValue>, String>
where
    T: Copy + Into<f64>,
{
    let range = (axis.from, axis.to, axis.points);
    let raw: Vec<f64> = match (&axis.values, range) {
        (Some(list), (None, None, None)) => list.iter().map(|&v| v.into()).collect(),
        (None, (Some(from), Some(to), Some(points))) => {
            if !(from.is_finite() && to.is_finite()) {
                return Err(format!("from {from} and to {to} must be finite numbers"));
            }
            if !(2..=MAX_POINTS).contains(&points) {
                return Err(format!(
                    "points: expected from 2 to {MAX_POINTS} values (both ends included), got {points}"
                ));
            }
            let last = points - 1;
            (0..points)
                .map(|i| {
                    let v = from + (to - from) * (i as f64 / last as f64);
                    // Rounded to 15 significant digits, the values one would type: 0.0 to
                    // 0.05 in 6 points is 0.01, 0.02, ..., not 0.010000000000000002.
                    format!("{v:.14e}").parse::<f64>().unwrap_or(v)
                })
                .collect()
        }
        _ => {
            return Err(
                "expected either values: [..] or from, to and points (e.g. from: 0.0, to: 0.1, points: 11)"
                    .into(),
            )
        }
    };
    raw.into_iter()
        .enumerate()
        .map(|(i, v)| {
            check(v)
                .map(|_| AxisValue::Real(v))
                .map_err(|e| format!("value {} ({v:?}): {e}", i + 1))
        })
        .collect()
}

/// The values of a whole-number axis, each checked as a `T`.
fn whole<T, E: std::fmt::Display>(
    axis: &WholeAxis<T>,
    check: impl Fn(u64) -> Result<T, E>,
) -> Result<Vec<AxisValue>, String>
where
    T: Copy + Into<u64>,
{
    let raw: Vec<u64> = match (&axis.values, (axis.from, axis.to, axis.step)) {
        (Some(list), (None, None, None)) => list.iter().map(|&v| v.into()).collect(),
        (None, (Some(from), Some(to), step)) => {
            let step = step.unwrap_or(1);
            if step == 0 || from > to {
                return Err(format!(
                    "expected from <= to and a step of at least 1, got from {from}, to {to}, step {step}"
                ));
            }
            let count = (to - from) / step + 1;
            if count > MAX_POINTS {
                return Err(format!(
                    "{count} values; a grid has at most {MAX_POINTS} points"
                ));
            }
            (0..count).map(|i| from + i * step).collect()
        }
        _ => {
            return Err(
                "expected either values: [..] or from, to and step (e.g. from: 100, to: 500, step: 100)"
                    .into(),
            )
        }
    };
    raw.into_iter()
        .enumerate()
        .map(|(i, v)| {
            check(v)
                .map(|_| AxisValue::Whole(v))
                .map_err(|e| format!("value {} ({v:?}): {e}", i + 1))
        })
        .collect()
}
