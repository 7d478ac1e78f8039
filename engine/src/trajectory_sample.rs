//! Sampled trajectories of a few population-simulation runs: how the counts of each strategy
//! move over the steps of a run, and how far runs spread, for plots.
//!
//! The simulator reports only where each run ends, so the counts at step `t` are obtained by
//! replaying the run stopped at step `t` ([`Simulator::run_until`]): run `r` draws from
//! `Rng::for_stream(seed, r)` whatever its step limit, so the replay passes through exactly the
//! same states. This costs about `points / 2` runs per sampled run; a simulator that records
//! its own trajectory would make it linear.

use rayon::prelude::*;

use crate::population::{PairPayoff, SimulationConfig, SimulationError, Simulator};

/// Runs sampled (the first ones: the same runs as in the summary).
pub const SAMPLED_RUNS: u64 = 20;
/// Points per trajectory after the start.
pub const POINTS: u64 = 40;

/// Counts of each strategy at common steps, for the first runs of a simulation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SampledTrajectories {
    /// The steps sampled, from 0 to the longest sampled run.
    pub steps: Vec<u64>,
    /// `counts[run][point][strategy]`.
    pub counts: Vec<Vec<Vec<usize>>>,
}

/// Samples the first `min(runs, SAMPLED_RUNS)` runs at `POINTS + 1` equally spaced steps.
pub fn sample<P: PairPayoff + ?Sized>(
    payoff: &P,
    config: &SimulationConfig,
    seed: u64,
    runs: u64,
) -> Result<SampledTrajectories, SimulationError> {
    let sampled = runs.min(SAMPLED_RUNS);
    let simulator = Simulator::new(payoff, config)?;
    let ends = (0..sampled)
        .into_par_iter()
        .map(|r| simulator.run(seed, r))
        .collect::<Result<Vec<_>, _>>()?;
    let longest = ends.iter().map(|e| e.steps).max().unwrap_or(0);
    let mut steps: Vec<u64> = (0..=POINTS)
        .map(|k| (u128::from(longest) * u128::from(k) / u128::from(POINTS)) as u64)
        .collect();
    steps.dedup();
    let jobs: Vec<(usize, u64)> = (0..ends.len())
        .flat_map(|r| steps.iter().map(move |&t| (r, t)))
        .collect();
    let points = jobs
        .par_iter()
        .map(|&(r, t)| {
            if t >= ends[r].steps {
                return Ok(ends[r].counts.clone());
            }
            simulator.run_until(seed, r as u64, t).map(|o| o.counts)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let counts = points
        .chunks(steps.len().max(1))
        .map(|c| c.to_vec())
        .collect();
    Ok(SampledTrajectories { steps, counts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payoff_matrix::PayoffMatrix;
    use crate::population::{FitnessMap, Graph, UpdateRule};

    #[test]
    fn replays_pass_through_the_runs_own_states() {
        let m =
            PayoffMatrix::from_rows(&[[3.0, 0.0, 1.0], [5.0, 1.0, 0.5], [1.0, 2.0, 2.0]]).unwrap();
        let config = SimulationConfig {
            rule: UpdateRule::BirthDeath,
            fitness: FitnessMap::Linear { w: 0.5 },
            mutation: 0.0,
            interaction: Graph::Complete { n: 12 },
            reproduction: None,
            initial: vec![4, 4, 4],
            max_steps: 100_000,
        };
        let s = sample(&m, &config, 7, 5).unwrap();
        assert_eq!(s.counts.len(), 5);
        assert_eq!(s.steps[0], 0);
        for (r, run) in s.counts.iter().enumerate() {
            assert_eq!(
                run[0],
                vec![4, 4, 4],
                "every run starts at the initial counts"
            );
            let end = crate::population::simulate_run(&m, &config, 7, r as u64).unwrap();
            assert_eq!(
                run.last().unwrap(),
                &end.counts,
                "and ends where the run ends"
            );
            assert!(run.iter().all(|c| c.iter().sum::<usize>() == 12));
            // A well-mixed Moran step changes one count by at most one: consecutive sampled
            // points of a real trajectory differ by at most the steps between them.
            for (w, steps) in run.windows(2).zip(s.steps.windows(2)) {
                let moved: usize = w[0].iter().zip(&w[1]).map(|(a, b)| a.abs_diff(*b)).sum();
                assert!(moved as u64 <= 2 * (steps[1] - steps[0]));
            }
        }
    }
}
