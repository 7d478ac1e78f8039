//! Property (issue 13): for any number of shards N and any seed, the shards' partial results,
//! merged in any grouping, give exactly the whole run's outcome: tournaments (`run_part`,
//! `merge`, `finish` against `run`) and dynamics studies (payoff matches and simulation runs,
//! `study::run_part`, `merge`, `finish` against `study::run`). The CLI tests compare the files
//! byte for byte for chosen N; this covers every N up to 12 with random seeds, in process.

use std::path::PathBuf;

use proptest::prelude::*;
use vertrouwen_engine::config::{self, LoadedStudy, Overrides};
use vertrouwen_engine::study;
use vertrouwen_engine::tournament::{self, observe::Unobserved, PartRun, RunOptions, Shard};
use vertrouwen_engine::Registry;

fn registry() -> Registry {
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())
        .unwrap();
    r
}

fn loaded(text: String) -> LoadedStudy {
    let path = PathBuf::from("property.ron");
    LoadedStudy {
        study: config::parse(&path, &text).unwrap(),
        path,
        source: text,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn tournament_shards_merge_into_the_whole_run(n in 1u32..=12, seed in any::<u64>(), split in 0u32..12) {
        let study = loaded(format!(
            r#"Tournament(players: ["Tit For Tat", "Random", "Grudger", "First by Joss", "Alternator"],
                prob_end: 0.1, turns: 40, noise: 0.02, repetitions: 3, seed: {seed})"#
        ));
        let spec = study.tournament_spec(&mut registry(), &Overrides::default()).unwrap();
        let whole = tournament::run(&spec, RunOptions { threads: Some(1) }).unwrap();
        let parts: Vec<_> = (0..n)
            .map(|i| {
                tournament::run_part(
                    &spec,
                    RunOptions { threads: Some(2) },
                    PartRun {
                        shard: Shard::new(i, n).unwrap(),
                        resume: None,
                        checkpoints: None,
                        observer: &Unobserved,
                    },
                )
                .unwrap()
            })
            .collect();
        // Two groups merged separately, then together: any reduce tree.
        let cut = (split % n) as usize;
        let group = |list: &[tournament::PartialTally]| {
            let mut it = list.iter().cloned();
            let first = it.next()?;
            Some(it.fold(first, |mut a, b| {
                a.merge(&b).unwrap();
                a
            }))
        };
        let merged = match (group(&parts[..cut]), group(&parts[cut..])) {
            (Some(mut a), Some(b)) => {
                a.merge(&b).unwrap();
                a
            }
            (a, b) => a.or(b).unwrap(),
        };
        let finished = tournament::finish(&spec, merged).unwrap();
        prop_assert_eq!(format!("{:?}", finished.results), format!("{:?}", whole.results));
        prop_assert_eq!(finished.turns_played, whole.turns_played);
    }

    #[test]
    fn dynamics_shards_merge_into_the_whole_run(n in 1u32..=12, seed in any::<u64>()) {
        for text in [
            // Payoff matches split over the shards.
            format!(
                r#"Stationary(payoffs: Matches(players: ["Tit For Tat", "Random", "Defector"],
                    turns: 20, noise: 0.05, payoff: PerTurn, repetitions: 4, seed: {seed}),
                    population: 20, process: Fermi(beta: 1.0))"#
            ),
            // Simulation runs split over the shards, payoffs from real matches.
            format!(
                r#"Simulation(payoffs: Matches(players: ["Tit For Tat", "Defector"], turns: 10,
                    payoff: Totals), mode: Matches, rule: BirthDeath, fitness: Linear(w: 0.5),
                    graph: Complete(n: 8), initial: [2, 6], runs: 17, seed: {seed})"#
            ),
        ] {
            let study = loaded(text);
            let spec = study.dynamics_spec(&mut registry(), &Overrides::default()).unwrap();
            let whole = study::run(&spec, Some(1)).unwrap();
            let mut merged: Option<study::DynamicsPartial> = None;
            for i in (0..n).rev() {
                let part = study::run_part(&spec, Some(2), Shard::new(i, n).unwrap()).unwrap();
                match &mut merged {
                    None => merged = Some(part),
                    Some(m) => m.merge(&part).unwrap(),
                }
            }
            let finished = study::finish(&spec, merged.unwrap(), None).unwrap();
            prop_assert_eq!(format!("{finished:?}"), format!("{whole:?}"));
        }
    }
}
