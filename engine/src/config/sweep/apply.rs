//! Writing an axis value into a study: what each axis sets in each kind of base (the list is
//! in the parent module's docs).

use super::super::schema::{
    FitnessFile, GraphFile, MatchesFile, PayoffsFile, ProcessFile, RuleFile, Study,
};
use super::super::spanned::Spanned;
use super::{Axis, AxisKind, AxisValue};
use crate::values::{Intensity, Population, Probability, Repetitions, Seed, Turns};

/// The payoffs' matches of a dynamics study, if its payoffs come from matches.
pub(super) fn matches_mut(study: &mut Study) -> Option<&mut MatchesFile> {
    let payoffs = match study {
        Study::Ecological(c) => &mut c.payoffs,
        Study::Replicator(c) => &mut c.payoffs,
        Study::Fixation(c) => &mut c.payoffs,
        Study::Stationary(c) => &mut c.payoffs,
        Study::Simulation(c) => &mut c.payoffs,
        Study::RestPoints(c) => &mut c.payoffs,
        Study::Tournament(_) | Study::Sweep(_) => return None,
    };
    match &mut payoffs.value {
        PayoffsFile::Matches(m) => Some(m),
        PayoffsFile::Matrix(_) => None,
    }
}

pub(super) fn payoffs_of(study: &Study) -> Option<&Spanned<PayoffsFile>> {
    match study {
        Study::Ecological(c) => Some(&c.payoffs),
        Study::Replicator(c) => Some(&c.payoffs),
        Study::Fixation(c) => Some(&c.payoffs),
        Study::Stationary(c) => Some(&c.payoffs),
        Study::Simulation(c) => Some(&c.payoffs),
        Study::RestPoints(c) => Some(&c.payoffs),
        Study::Tournament(_) | Study::Sweep(_) => None,
    }
}

const NO_MATCHES: &str =
    "the base study plays no matches (its payoffs are a given matrix), so there is nothing to set";

/// Writes value `k` of `axis` into `study`; the message says why it cannot.
pub(super) fn apply(study: &mut Study, axis: &Axis, k: usize) -> Result<(), String> {
    let span = axis.span;
    let real = || match axis.values[k] {
        AxisValue::Real(v) => v,
        _ => unreachable!("a real axis holds real values"),
    };
    let whole = || match axis.values[k] {
        AxisValue::Whole(v) => v,
        _ => unreachable!("a whole-number axis holds whole numbers"),
    };
    // The values were checked when the axis was read.
    let checked = |e: crate::values::ValueError| e.0;
    match axis.kind {
        AxisKind::Noise => {
            let v = Probability::try_from(real()).map_err(checked)?;
            match study {
                Study::Tournament(t) => t.noise = v,
                other => matches_mut(other).ok_or(NO_MATCHES)?.noise = v,
            }
        }
        AxisKind::ProbEnd => {
            let v = crate::values::EndProbability::try_from(real()).map_err(checked)?;
            match study {
                Study::Tournament(t) => t.prob_end = Some(v),
                other => matches_mut(other).ok_or(NO_MATCHES)?.prob_end = Some(v),
            }
        }
        AxisKind::Turns => {
            let v = Some(Spanned {
                value: Turns::try_from(whole()).map_err(checked)?,
                span,
            });
            match study {
                Study::Tournament(t) => t.turns = v,
                other => matches_mut(other).ok_or(NO_MATCHES)?.turns = v,
            }
        }
        AxisKind::Game => {
            let v = Some(axis.games[k].clone());
            match study {
                Study::Tournament(t) => t.game = v,
                other => matches_mut(other).ok_or(NO_MATCHES)?.game = v,
            }
        }
        AxisKind::Repetitions => {
            let v = u32::try_from(whole()).map_err(|e| e.to_string())?;
            let v = Repetitions::try_from(v).map_err(checked)?;
            match study {
                Study::Tournament(t) => t.repetitions = Spanned { value: v, span },
                other => {
                    matches_mut(other).ok_or(NO_MATCHES)?.repetitions =
                        Some(Spanned { value: v, span })
                }
            }
        }
        AxisKind::Seed => {
            let v = Seed::try_from(whole()).map_err(checked)?;
            if !set_seeds(study, v) {
                return Err("the base study has no seed (nothing in it is random)".into());
            }
        }
        AxisKind::Population => {
            let v = Population::try_from(whole()).map_err(checked)?;
            match study {
                Study::Fixation(c) => c.population = Spanned { value: v, span },
                Study::Stationary(c) => c.population = Spanned { value: v, span },
                Study::Simulation(c) => {
                    let n = v.get();
                    match &mut c.graph.value {
                        GraphFile::Complete { n: size }
                        | GraphFile::Cycle { n: size }
                        | GraphFile::Star { n: size } => *size = n,
                        _ => {
                            return Err(
                                "sets the size of a Complete, Cycle or Star graph; the base's graph is given node by node or as a lattice"
                                    .into(),
                            )
                        }
                    }
                    let counts = &mut c.initial.value;
                    let Some((last, others)) = counts.split_last_mut() else {
                        return Err("the base's initial counts are empty".into());
                    };
                    let taken = others.iter().try_fold(0u64, |s, &x| s.checked_add(x));
                    match taken {
                        Some(t) if t <= n => *last = n - t,
                        _ => {
                            return Err(format!(
                                "population {n}: the initial counts of all strategies but the last already exceed it"
                            ))
                        }
                    }
                }
                _ => return Err(format!("a {} study has no population size", study.kind())),
            }
        }
        AxisKind::W => {
            let w = Intensity::try_from(real()).map_err(checked)?;
            let mut set = false;
            let mut process = |p: &mut Spanned<ProcessFile>| {
                if let ProcessFile::Moran { .. } = p.value {
                    *p = Spanned {
                        value: ProcessFile::Moran { w },
                        span,
                    };
                    set = true;
                }
            };
            match study {
                Study::Fixation(c) => c.processes.value.iter_mut().for_each(&mut process),
                Study::Stationary(c) => process(&mut c.process),
                Study::Simulation(c) if !matches!(c.rule.value, RuleFile::Fermi { .. }) => {
                    let fitness = match c.fitness.as_ref().map(|f| f.value) {
                        Some(FitnessFile::Exponential { .. }) => FitnessFile::Exponential { w },
                        Some(FitnessFile::Linear { .. }) | None => FitnessFile::Linear { w },
                    };
                    c.fitness = Some(Spanned {
                        value: fitness,
                        span,
                    });
                    set = true;
                }
                _ => {}
            }
            if !set {
                return Err(
                    "the base study has no Moran process or fitness map whose w it could set"
                        .into(),
                );
            }
        }
        AxisKind::Beta => {
            let beta = Intensity::try_from(real()).map_err(checked)?;
            let mut set = false;
            let mut process = |p: &mut Spanned<ProcessFile>| {
                if let ProcessFile::Fermi { .. } = p.value {
                    *p = Spanned {
                        value: ProcessFile::Fermi { beta },
                        span,
                    };
                    set = true;
                }
            };
            match study {
                Study::Fixation(c) => c.processes.value.iter_mut().for_each(&mut process),
                Study::Stationary(c) => process(&mut c.process),
                Study::Simulation(c) if matches!(c.rule.value, RuleFile::Fermi { .. }) => {
                    c.rule = Spanned {
                        value: RuleFile::Fermi { beta },
                        span,
                    };
                    set = true;
                }
                _ => {}
            }
            if !set {
                return Err(
                    "the base study has no Fermi process or rule whose beta it could set".into(),
                );
            }
        }
    }
    Ok(())
}

/// Sets every seed of `study`; `false` if it has none.
pub(super) fn set_seeds(study: &mut Study, seed: Seed) -> bool {
    let mut set = false;
    if let Study::Tournament(t) = study {
        t.seed = seed;
        set = true;
    }
    if let Study::Simulation(c) = study {
        c.seed = seed;
        set = true;
    }
    if let Some(m) = matches_mut(study) {
        m.seed = seed;
        set = true;
    }
    set
}

/// Empties the plugin lists of a point (the sweep loads them once).
pub(super) fn clear_plugins(study: &mut Study) {
    if let Study::Tournament(t) = study {
        t.plugins.clear();
    }
    if let Some(m) = matches_mut(study) {
        m.plugins.clear();
    }
}
