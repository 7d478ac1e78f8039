//! Reports for terminals. Columns are padded by hand: Rust's `{:<width$}` panics when a width
//! exceeds 65,535, and a label can be longer than that.

use vertrouwen_engine::game::PRESETS;
use vertrouwen_engine::matchup::MatchRecord;
use vertrouwen_engine::moran::Process;
use vertrouwen_engine::rest_points::Stability;
use vertrouwen_engine::results::ResultSet;
use vertrouwen_engine::study::{DynamicsOutcome, SimulationMode};
use vertrouwen_engine::StrategyEntry;

/// `s` followed by spaces up to `width` characters (nothing added if it is longer).
pub fn pad(s: &str, width: usize) -> String {
    let len = s.chars().count();
    let mut out = String::with_capacity(s.len() + width.saturating_sub(len));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}

/// The ranking table of a tournament.
/// The trust table for terminals, rows in ranking order.
pub fn trust_table(r: &ResultSet) -> String {
    let t = &r.trust;
    let width = r
        .ranking
        .iter()
        .map(|&i| t.strategies[i].name.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = format!(
        "Trust (a run of {} mutual cooperations):\n{}  {:>7}  {:>9}  {:>10}  {:>9}  {:>13}\n",
        t.run,
        pad("Strategy", width),
        "Built",
        "Built at",
        "Betrayals",
        "Recovery",
        "Lost for good"
    );
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.0}%", 100.0 * v));
    let num = |x: Option<f64>, d: usize| x.map_or("-".to_string(), |v| format!("{v:.d$}"));
    for &i in &r.ranking {
        let s = &t.strategies[i];
        out.push_str(&format!(
            "{}  {:>7}  {:>9}  {:>10}  {:>9}  {:>13}\n",
            pad(&s.name, width),
            pct(s.share_built),
            num(s.mean_built_at, 1),
            num(s.betrayals_per_1000_turns, 2),
            num(s.mean_recovery, 1),
            pct(s.share_lost_for_good),
        ));
    }
    out.push_str(
        "Built: share of matches with trust; Built at: mean first turn of trust; Betrayals: \
         own betrayals per 1,000 turns; Recovery: mean turns to rebuild trust.\n",
    );
    out
}

pub fn ranking_table(r: &ResultSet) -> String {
    let width = r
        .summary
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(8);
    let mut out = format!(
        "{:>4}  {}  {:>12}  {:>11}  {:>6}\n",
        "Rank",
        pad("Strategy", width),
        "Median score",
        "Cooperation",
        "Wins"
    );
    for s in &r.summary {
        out.push_str(&format!(
            "{:>4}  {}  {:>12.4}  {:>10.1}%  {:>6}\n",
            s.rank + 1,
            pad(&s.name, width),
            s.median_score,
            100.0 * s.cooperation_rating,
            s.wins
        ));
    }
    out
}

/// Labels with values, largest first (ties in label order).
fn ranked(labels: &[String], x: &[f64]) -> String {
    let mut order: Vec<usize> = (0..x.len().min(labels.len())).collect();
    order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    order
        .iter()
        .map(|&i| format!("  {}  {:.6}\n", pad(&labels[i], width), x[i]))
        .collect()
}

fn intensity(p: Process) -> String {
    match p {
        Process::Moran { w } => format!("Moran, w = {w}"),
        Process::Fermi { beta } => format!("Fermi, beta = {beta}"),
    }
}

/// The short report of a dynamics study.
pub fn dynamics_report(o: &DynamicsOutcome) -> String {
    let labels = &o.payoffs().labels;
    let mut out = String::new();
    match o {
        DynamicsOutcome::Ecological(e) => {
            out += &format!("Shares after {} generations:\n", e.generations);
            out += &ranked(labels, e.states.last().map_or(&[][..], |s| s));
        }
        DynamicsOutcome::Replicator(r) => {
            out += &format!("Shares at t = {}:\n", r.time);
            out += &ranked(labels, r.trajectory.states.last().map_or(&[][..], |s| s));
        }
        DynamicsOutcome::Fixation(f) => {
            for row in &f.rows {
                let name = match row.process {
                    Process::Moran { .. } => "moran",
                    Process::Fermi { .. } => "fermi",
                };
                out += &format!(
                    "{name} ({}): rho({} invades) = {:.6e}, rho({} invades) = {:.6e}, 1/N = {}\n",
                    intensity(row.process),
                    labels[0],
                    row.fixation.rho_a,
                    labels[1],
                    row.fixation.rho_b,
                    row.fixation.neutral
                );
            }
        }
        DynamicsOutcome::Stationary(s) => {
            out += &format!(
                "Stationary distribution (small mutation, N = {}, {}):\n",
                s.population,
                intensity(s.process)
            );
            out += &ranked(labels, &s.stationary.distribution);
        }
        DynamicsOutcome::Simulation(s) => {
            out += &format!(
                "{} runs ({}), {} unfinished, mean {:.1} steps. Fixation frequencies:\n",
                s.runs,
                match s.mode {
                    SimulationMode::Cached => "cached payoffs",
                    SimulationMode::Matches => "a real match for every payoff",
                },
                s.summary.unfinished,
                s.summary.mean_steps
            );
            out += &ranked(labels, &s.summary.fixation_frequency);
        }
        DynamicsOutcome::RestPoints(r) => {
            out += &format!(
                "{} rest points of the replicator equation:\n",
                r.points.len()
            );
            for p in &r.points {
                let shares: Vec<String> = labels
                    .iter()
                    .zip(&p.x)
                    .filter(|(_, &x)| x > 0.0)
                    .map(|(l, x)| format!("{l} {x:.6}"))
                    .collect();
                let kind = match p.stability {
                    Stability::Stable => "stable",
                    Stability::Unstable => "unstable",
                    Stability::NonHyperbolic => "non-hyperbolic (linearisation inconclusive)",
                };
                out += &format!("  {}: {kind}\n", shares.join(", "));
            }
        }
    }
    out
}

/// `vertrouwen match` without `--json`.
pub fn match_report(r: &MatchRecord) -> String {
    format!(
        "{} vs {}, {} turns\n{:>12}: {}\n{:>12}: {}\n{:>12}: {} - {}\n",
        r.player1,
        r.player2,
        r.turns,
        "player 1",
        r.moves1,
        "player 2",
        r.moves2,
        "score",
        r.score1,
        r.score2
    )
}

/// `vertrouwen strategies` without `--json`.
pub fn strategy_list(entries: &[StrategyEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        let memory = e
            .classifiers
            .memory()
            .map_or("unbounded".to_string(), |d| d.to_string());
        let kind = if e.classifiers.is_stochastic() {
            "stochastic"
        } else {
            "deterministic"
        };
        out += &format!(
            "{}  [{kind}, memory {memory}]\n    {}\n",
            e.name, e.description
        );
    }
    out
}

/// `vertrouwen games` without `--json`.
pub fn game_list() -> String {
    PRESETS
        .iter()
        .map(|(name, g, about)| {
            format!(
                "{name}: R={} S={} T={} P={}\n    {about}\n",
                g.r, g.s, g.t, g.p
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_never_panics_on_long_labels() {
        let long = "x".repeat(70_000);
        assert_eq!(pad(&long, 100).len(), 70_000);
        assert_eq!(pad("ab", 4), "ab  ");
        let text = ranked(&[long.clone(), "y".into()], &[0.25, 0.75]);
        assert!(text.starts_with("  y"), "{}", &text[..20]);
        assert!(text.ends_with("0.250000\n"));
    }
}

/// The most rows [`SweepWinners`] prints; the rest are in `sweep.csv`.
const SWEEP_ROWS: usize = 40;

/// A terminal table of a tournament sweep's winners, one row per grid point (the first
/// [`SWEEP_ROWS`]), collected as the points finish.
#[derive(Clone, Debug, Default)]
pub struct SweepWinners {
    rows: Vec<(u64, Vec<String>, String, f64)>,
    points: u64,
}

impl SweepWinners {
    /// Records grid point `index` with its axis values (as `sweep.csv` writes them) and its
    /// results.
    pub fn add(&mut self, index: u64, values: Vec<String>, results: &ResultSet) {
        self.points += 1;
        if self.rows.len() < SWEEP_ROWS {
            if let Some(first) = results.summary.first() {
                self.rows
                    .push((index, values, first.name.clone(), first.median_score));
            }
        }
    }

    /// The table, with the axes' column names.
    pub fn table(&self, axes: &[&str]) -> String {
        let widths: Vec<usize> = axes
            .iter()
            .enumerate()
            .map(|(a, name)| {
                self.rows
                    .iter()
                    .map(|r| r.1.get(a).map_or(0, |v| v.chars().count()))
                    .max()
                    .unwrap_or(0)
                    .max(name.chars().count())
            })
            .collect();
        let winner = self
            .rows
            .iter()
            .map(|r| r.2.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        let mut out = format!("{:>5}  ", "Point");
        for (name, w) in axes.iter().zip(&widths) {
            out.push_str(&pad(name, *w));
            out.push_str("  ");
        }
        out.push_str(&format!(
            "{}  {:>12}\n",
            pad("Winner", winner),
            "Median score"
        ));
        for (index, values, name, score) in &self.rows {
            out.push_str(&format!("{index:>5}  "));
            for (v, w) in values.iter().zip(&widths) {
                out.push_str(&pad(v, *w));
                out.push_str("  ");
            }
            out.push_str(&format!("{}  {score:>12.4}\n", pad(name, winner)));
        }
        if self.points > self.rows.len() as u64 {
            out.push_str(&format!(
                "... and {} more points: every strategy of every point is in sweep.csv\n",
                self.points - self.rows.len() as u64
            ));
        }
        out
    }
}
