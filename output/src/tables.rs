//! The CSV files, all written with the `csv` crate (quoting as RFC 4180 asks, `\n` line ends),
//! every error returned. Numbers are [`crate::number::shortest`], except in `summary.csv`,
//! which keeps Axelrod-Python's formatting ([`py_float`](crate::number::py_float)) so that it can be compared with
//! Axelrod-Python's own file byte for byte.

use std::io::Write;

use vertrouwen_engine::moran::Process;
use vertrouwen_engine::payoff_matrix::PayoffMatrix;
use vertrouwen_engine::population::SimulationSummary;
use vertrouwen_engine::rest_points::{RestPoint, Stability};
use vertrouwen_engine::results::ResultSet;
use vertrouwen_engine::study::FixationOutcome;
use vertrouwen_engine::tournament::Disqualification;
use vertrouwen_engine::trajectory_sample::SampledTrajectories;

use crate::number::shortest;
use crate::WriteError;

fn writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(w)
}

fn finish<W: Write>(w: csv::Writer<W>) -> Result<(), WriteError> {
    let mut inner = w.into_inner().map_err(|e| {
        WriteError::Io(std::io::Error::new(e.error().kind(), e.error().to_string()))
    })?;
    inner.flush()?;
    Ok(())
}

/// Axelrod-Python's float formatting, refusing non-finite values.
use crate::number::py_float as python;

/// `summary.csv` exactly as Axelrod-Python 4.14.0's `ResultSet.write_summary` writes it (same
/// header, row order, Python float formatting and integer-0 fallbacks).
pub fn summary<W: Write>(out: W, results: &ResultSet) -> Result<(), WriteError> {
    let mut w = writer(out);
    w.write_record([
        "Rank",
        "Name",
        "Median_score",
        "Cooperation_rating",
        "Wins",
        "Initial_C_rate",
        "Original_index",
        "CC_rate",
        "CD_rate",
        "DC_rate",
        "DD_rate",
        "CC_to_C_rate",
        "CD_to_C_rate",
        "DC_to_C_rate",
        "DD_to_C_rate",
    ])?;
    for s in &results.summary {
        let mut row = vec![
            s.rank.to_string(),
            s.name.clone(),
            python(s.median_score)?,
            python(s.cooperation_rating)?,
            python(s.wins)?,
            python(s.initial_c_rate)?,
            s.original_index.to_string(),
        ];
        match s.state_rates {
            Some(r) => {
                for x in r {
                    row.push(python(x)?);
                }
            }
            None => row.extend(std::iter::repeat_n("0".to_string(), 4)),
        }
        for x in s.state_to_c_rates {
            row.push(x.map_or(Ok("0".to_string()), python)?);
        }
        w.write_record(&row)?;
    }
    finish(w)
}

/// `payoffs.csv`: `strategy,<label>...`, one row per strategy (its payoffs against each).
pub fn payoffs<W: Write>(out: W, labels: &[String], m: &PayoffMatrix) -> Result<(), WriteError> {
    let mut w = writer(out);
    let mut header = vec!["strategy".to_string()];
    header.extend(labels.iter().cloned());
    w.write_record(&header)?;
    for (i, l) in labels.iter().enumerate() {
        let mut rec = vec![l.clone()];
        for &v in m.row(i) {
            rec.push(shortest(v)?);
        }
        w.write_record(&rec)?;
    }
    finish(w)
}

/// The first column of a trajectory.
#[derive(Clone, Copy, Debug)]
pub enum Clock<'a> {
    /// Generations 0, 1, 2, ... (written as integers).
    Generations,
    /// These times.
    Times(&'a [f64]),
}

/// `shares.csv`: `generation` or `time`, then one column per strategy; one row per state.
pub fn trajectory<W: Write>(
    out: W,
    clock: Clock<'_>,
    labels: &[String],
    states: &[Vec<f64>],
) -> Result<(), WriteError> {
    let mut w = writer(out);
    let mut header = vec![match clock {
        Clock::Generations => "generation".to_string(),
        Clock::Times(_) => "time".to_string(),
    }];
    header.extend(labels.iter().cloned());
    w.write_record(&header)?;
    let mut rec = Vec::with_capacity(labels.len() + 1);
    for (k, x) in states.iter().enumerate() {
        rec.clear();
        rec.push(match clock {
            Clock::Generations => k.to_string(),
            Clock::Times(t) => shortest(t.get(k).copied().unwrap_or(f64::NAN))?,
        });
        for &v in x {
            rec.push(shortest(v)?);
        }
        w.write_record(&rec)?;
    }
    finish(w)
}

fn process_columns(p: Process) -> (&'static str, f64) {
    match p {
        Process::Moran { w } => ("moran", w),
        Process::Fermi { beta } => ("fermi", beta),
    }
}

/// `fixation.csv` of an exact fixation study: one row per process.
pub fn fixation<W: Write>(out: W, o: &FixationOutcome) -> Result<(), WriteError> {
    let mut w = writer(out);
    w.write_record(["process", "intensity", "rho_a", "rho_b", "neutral"])?;
    for row in &o.rows {
        let (name, intensity) = process_columns(row.process);
        w.write_record([
            name.to_string(),
            shortest(intensity)?,
            shortest(row.fixation.rho_a)?,
            shortest(row.fixation.rho_b)?,
            shortest(row.fixation.neutral)?,
        ])?;
    }
    finish(w)
}

/// `stationary.csv`: `strategy,share`.
pub fn stationary<W: Write>(out: W, labels: &[String], shares: &[f64]) -> Result<(), WriteError> {
    let mut w = writer(out);
    w.write_record(["strategy", "share"])?;
    for (l, &v) in labels.iter().zip(shares) {
        w.write_record([l.clone(), shortest(v)?])?;
    }
    finish(w)
}

/// `fixation.csv` of a simulation: one row per strategy; `mean_fixation_steps` is empty for a
/// strategy that never fixed.
pub fn simulation<W: Write>(
    out: W,
    labels: &[String],
    s: &SimulationSummary,
) -> Result<(), WriteError> {
    let mut w = writer(out);
    w.write_record([
        "strategy",
        "fixations",
        "frequency",
        "standard_error",
        "mean_fixation_steps",
    ])?;
    for (t, label) in labels.iter().enumerate() {
        w.write_record([
            label.clone(),
            s.fixations[t].to_string(),
            shortest(s.fixation_frequency[t])?,
            shortest(s.standard_error[t])?,
            match s.mean_fixation_steps[t] {
                Some(v) => shortest(v)?,
                None => String::new(),
            },
        ])?;
    }
    finish(w)
}

/// `trajectories.csv` of a simulation: `run,step,<one column per strategy>`, the counts of the
/// first runs at common steps (for plots).
pub fn trajectories<W: Write>(
    out: W,
    labels: &[String],
    t: &SampledTrajectories,
) -> Result<(), WriteError> {
    let mut w = writer(out);
    let mut header = vec!["run".to_string(), "step".to_string()];
    header.extend(labels.iter().cloned());
    w.write_record(&header)?;
    for (r, run) in t.counts.iter().enumerate() {
        for (step, counts) in t.steps.iter().zip(run) {
            let mut row = vec![r.to_string(), step.to_string()];
            row.extend(counts.iter().map(|c| c.to_string()));
            w.write_record(&row)?;
        }
    }
    finish(w)
}

/// `trust.csv`: one row per player, in ranking order (definitions in `docs/trust.md`); empty
/// cells where there was nothing to measure.
pub fn trust<W: Write>(out: W, results: &ResultSet) -> Result<(), WriteError> {
    let t = &results.trust;
    let mut w = writer(out);
    w.write_record([
        "Name",
        "Matches",
        "Turns",
        "Share_built",
        "Mean_built_at",
        "Betrayals_per_1000_turns",
        "Betrayed_per_1000_turns",
        "Mean_recovery_turns",
        "Share_never_recovered",
        "Share_lost_for_good",
        "Cost_per_betrayal",
        "Victim_cost_per_betrayal",
        "Cost_per_betrayal_suffered",
        "Most_betrayed",
        "Most_betrayed_by",
        "Never_defected_first",
        "Trust_run",
    ])?;
    let num = |x: Option<f64>| x.map_or(Ok(String::new()), shortest);
    for &i in &results.ranking {
        let s = &t.strategies[i];
        w.write_record([
            s.name.clone(),
            s.tally.matches.to_string(),
            s.tally.turns.to_string(),
            num(s.share_built)?,
            num(s.mean_built_at)?,
            num(s.betrayals_per_1000_turns)?,
            num(s.betrayed_per_1000_turns)?,
            num(s.mean_recovery)?,
            num(s.share_never_recovered)?,
            num(s.share_lost_for_good)?,
            num(s.cost_per_betrayal)?,
            num(s.victim_cost_per_betrayal)?,
            num(s.cost_per_betrayal_suffered)?,
            s.most_betrayed.clone().unwrap_or_default(),
            s.most_betrayed_by.clone().unwrap_or_default(),
            s.never_defected_first.to_string(),
            t.run.to_string(),
        ])?;
    }
    finish(w)
}

/// `disqualified.csv`: one row per disqualified strategy (the header alone when none was).
pub fn disqualified<W: Write>(out: W, list: &[Disqualification]) -> Result<(), WriteError> {
    let mut w = writer(out);
    w.write_record([
        "player",
        "strategy",
        "plugin",
        "reason",
        "detail",
        "match",
        "opponent",
        "repetition",
        "turn",
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for d in list {
        w.write_record([
            d.label.clone(),
            d.strategy.clone(),
            d.plugin.clone(),
            d.fault.reason().to_string(),
            d.fault.to_string(),
            opt(d.match_index.map(|m| m.to_string())),
            opt(d.opponent.clone()),
            opt(d.repetition.map(|r| r.to_string())),
            opt(d.turn.map(|t| t.to_string())),
        ])?;
    }
    finish(w)
}

/// The word for a stability class, as in `results.json`.
pub fn stability_name(s: Stability) -> &'static str {
    match s {
        Stability::Stable => "stable",
        Stability::Unstable => "unstable",
        Stability::NonHyperbolic => "non-hyperbolic",
    }
}

/// `rest_points.csv`: one row per rest point: its shares and stability.
pub fn rest_points<W: Write>(
    out: W,
    labels: &[String],
    points: &[RestPoint],
) -> Result<(), WriteError> {
    let mut w = writer(out);
    let mut header = vec!["point".to_string()];
    header.extend(labels.iter().cloned());
    header.push("stability".into());
    w.write_record(&header)?;
    for (k, p) in points.iter().enumerate() {
        let mut rec = vec![(k + 1).to_string()];
        for &v in &p.x {
            rec.push(shortest(v)?);
        }
        rec.push(stability_name(p.stability).into());
        w.write_record(&rec)?;
    }
    finish(w)
}
