//! From the engine's typed outcomes to the file schema ([`crate::schema`]).

use vertrouwen_engine::evolution::PayoffKind;
use vertrouwen_engine::game::Game;
use vertrouwen_engine::matchup::{MatchLength, MatchRecord, MatchSpec};
use vertrouwen_engine::moran::Process;
use vertrouwen_engine::population::{FitnessMap, Graph, SimulationConfig, UpdateRule};
use vertrouwen_engine::results::ResultSet;
use vertrouwen_engine::study::{
    DynamicsOutcome, PayoffOrigin, ResolvedPayoffs, SimulationMode, StudyKind,
};
use vertrouwen_engine::tournament::{Disqualification, TournamentOutcome, TournamentSpec};
use vertrouwen_engine::trust::{MatchTrust, StrategyTrust, TrustResults, TrustTally};

use crate::schema::*;
use crate::tables::stability_name;

/// What a document says about where its run came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunInfo {
    /// The study's name.
    pub study: Option<String>,
    /// The study's description.
    pub description: Option<String>,
    /// The study file, as the user gave it (`None` for command-line flags).
    pub file: Option<String>,
}

pub(crate) fn game(g: &Game) -> GameJson {
    GameJson {
        r: Real(g.r),
        s: Real(g.s),
        t: Real(g.t),
        p: Real(g.p),
    }
}

fn length(l: MatchLength) -> LengthJson {
    match l {
        MatchLength::Fixed(t) => LengthJson::Fixed(t),
        MatchLength::Geometric { prob_end, cap } => LengthJson::Geometric {
            prob_end: Real(prob_end),
            cap,
        },
    }
}

fn stats(r: &ResultSet) -> TournamentStatsJson {
    TournamentStatsJson {
        players: r.players.clone(),
        repetitions: r.repetitions,
        ranking: r.ranking.clone(),
        ranked_names: r.ranked_names.clone(),
        summary: r
            .summary
            .iter()
            .map(|s| PlayerSummaryJson {
                rank: s.rank,
                name: s.name.clone(),
                original_index: s.original_index,
                median_score: Real(s.median_score),
                cooperation_rating: Real(s.cooperation_rating),
                wins: Real(s.wins),
                initial_c_rate: Real(s.initial_c_rate),
                state_rates: s.state_rates.map(|a| a.map(Real)),
                state_to_c_rates: s.state_to_c_rates.map(|x| x.map(Real)),
            })
            .collect(),
        scores: real_rows(&r.scores),
        normalised_scores: real_rows(&r.normalised_scores),
        wins: r.wins.clone(),
        payoff_matrix: real_rows(&r.payoff_matrix),
        payoff_stddevs: real_rows(&r.payoff_stddevs),
        total_payoff_matrix: real_rows(&r.total_payoff_matrix),
        cooperation: r.cooperation.clone(),
        mean_match_lengths: real_rows(&r.mean_match_lengths),
        min_match_lengths: r.min_match_lengths.clone(),
        max_match_lengths: r.max_match_lengths.clone(),
        pair_turns: r.pair_turns.clone(),
        match_length_histogram: r
            .match_length_histogram
            .iter()
            .map(|b| LengthBinJson {
                from: b.from,
                to: b.to,
                matches: b.matches,
            })
            .collect(),
        state_distribution: r.state_distribution.clone(),
        total_turns: r.total_turns,
        trust: trust(&r.trust),
    }
}

fn trust_tally(t: &TrustTally) -> TrustTallyJson {
    TrustTallyJson {
        matches: t.matches,
        turns: t.turns,
        built: t.built,
        built_at_sum: t.built_at_sum,
        betrayals: t.betrayals,
        betrayed: t.betrayed,
        broken: t.broken,
        recoveries: t.recoveries,
        recovery_turns: t.recovery_turns,
        never_recovered: t.never_recovered,
        aftermath_own: t.aftermath_own,
        aftermath_other: t.aftermath_other,
        defected_first: t.defected_first,
    }
}

fn strategy_trust(s: &StrategyTrust) -> StrategyTrustJson {
    let real = |x: Option<f64>| x.map(Real);
    StrategyTrustJson {
        name: s.name.clone(),
        tally: trust_tally(&s.tally),
        share_built: real(s.share_built),
        mean_built_at: real(s.mean_built_at),
        betrayals_per_1000_turns: real(s.betrayals_per_1000_turns),
        betrayed_per_1000_turns: real(s.betrayed_per_1000_turns),
        mean_recovery: real(s.mean_recovery),
        share_never_recovered: real(s.share_never_recovered),
        share_lost_for_good: real(s.share_lost_for_good),
        cost_per_betrayal: real(s.cost_per_betrayal),
        victim_cost_per_betrayal: real(s.victim_cost_per_betrayal),
        cost_per_betrayal_suffered: real(s.cost_per_betrayal_suffered),
        most_betrayed: s.most_betrayed.clone(),
        most_betrayed_by: s.most_betrayed_by.clone(),
        never_defected_first: s.never_defected_first,
    }
}

fn trust(t: &TrustResults) -> TrustJson {
    let optional = |m: &[Vec<Option<f64>>]| -> Vec<Vec<Option<Real>>> {
        m.iter()
            .map(|row| row.iter().map(|x| x.map(Real)).collect())
            .collect()
    };
    TrustJson {
        run: t.run,
        pairs: t
            .pairs
            .iter()
            .map(|row| row.iter().map(trust_tally).collect())
            .collect(),
        share_built: optional(&t.share_built),
        mean_built_at: optional(&t.mean_built_at),
        strategies: t.strategies.iter().map(strategy_trust).collect(),
        overall: strategy_trust(&t.overall),
    }
}

/// `match --json`'s trust.
pub fn match_trust(t: &MatchTrust) -> MatchTrustJson {
    MatchTrustJson {
        run: t.run,
        built_at: t.built_at,
        betrayals1: t.betrayals1.clone(),
        betrayals2: t.betrayals2.clone(),
        recoveries: t
            .recoveries
            .iter()
            .map(|r| RecoveryJson {
                betrayal: r.betrayal,
                rebuilt_at: r.rebuilt_at,
                turns: r.turns,
            })
            .collect(),
        never_recovered: t.never_recovered,
        unrecovered: t.unrecovered,
        trust_runs: t.trust_runs.clone(),
    }
}

fn disqualification(d: &Disqualification) -> DisqualificationJson {
    DisqualificationJson {
        player: d.player,
        label: d.label.clone(),
        strategy: d.strategy.clone(),
        plugin: d.plugin.clone(),
        reason: d.fault.reason().to_string(),
        detail: d.fault.to_string(),
        r#match: d.match_index,
        opponent: d.opponent.clone(),
        repetition: d.repetition,
        turn: d.turn,
    }
}

/// `results.json` of a tournament.
pub fn tournament_document(
    info: &RunInfo,
    spec: &TournamentSpec,
    outcome: &TournamentOutcome,
) -> TournamentJson {
    let m: &MatchSpec = &spec.matches;
    TournamentJson {
        format: FORMAT,
        engine: engine(),
        kind: "Tournament".into(),
        study: info.study.clone(),
        description: info.description.clone(),
        file: info.file.clone(),
        players: spec
            .players
            .iter()
            .map(|p| PlayerJson {
                label: p.label.clone(),
                strategy: p.entry.name.clone(),
                params: p
                    .params
                    .clone()
                    .unwrap_or_else(|| p.entry.default_params.clone()),
                source: p.entry.source.to_string(),
            })
            .collect(),
        game: game(&m.game),
        length: length(m.length),
        noise: Real(m.noise),
        repetitions: spec.repetitions,
        seed: spec.seed,
        matches_played: outcome.matches_played,
        turns_played: outcome.turns_played,
        disqualified: outcome.disqualified.iter().map(disqualification).collect(),
        results: stats(&outcome.results),
    }
}

fn payoff_source(p: &ResolvedPayoffs) -> PayoffSourceJson {
    match &p.origin {
        PayoffOrigin::Matrix => PayoffSourceJson::Matrix {},
        PayoffOrigin::Matches {
            spec,
            stochastic_pairs,
            matches_played,
            turns_played,
        } => PayoffSourceJson::Matches {
            kind: match spec.kind() {
                PayoffKind::Totals => "Totals".into(),
                PayoffKind::PerTurn => "PerTurn".into(),
            },
            length: length(spec.matches().length),
            noise: Real(spec.matches().noise),
            game: game(&spec.matches().game),
            repetitions: spec.repetitions().get(),
            seed: spec.seed().get(),
            stochastic_pairs: stochastic_pairs.clone(),
            matches_played: *matches_played,
            turns_played: *turns_played,
        },
    }
}

/// The JSON form of a process.
pub fn process(p: Process) -> ProcessJson {
    match p {
        Process::Moran { w } => ProcessJson::Moran { w: Real(w) },
        Process::Fermi { beta } => ProcessJson::Fermi { beta: Real(beta) },
    }
}

fn graph(g: &Graph) -> GraphJson {
    match g {
        Graph::Complete { n } => GraphJson::Complete { n: *n as u64 },
        Graph::Cycle { n } => GraphJson::Cycle { n: *n as u64 },
        Graph::Star { n } => GraphJson::Star { n: *n as u64 },
        Graph::Lattice { width, height } => GraphJson::Lattice {
            width: *width as u64,
            height: *height as u64,
        },
        Graph::Edges { n, edges } => GraphJson::Edges {
            n: *n as u64,
            edges: edges.iter().map(|&(a, b)| (a as u64, b as u64)).collect(),
        },
    }
}

fn simulation_config(c: &SimulationConfig) -> SimulationConfigJson {
    SimulationConfigJson {
        rule: match c.rule {
            UpdateRule::BirthDeath => RuleJson::BirthDeath,
            UpdateRule::DeathBirth => RuleJson::DeathBirth,
            UpdateRule::Fermi { beta } => RuleJson::Fermi { beta: Real(beta) },
        },
        fitness: match c.fitness {
            FitnessMap::Linear { w } => FitnessJson::Linear { w: Real(w) },
            FitnessMap::Exponential { w } => FitnessJson::Exponential { w: Real(w) },
        },
        mutation: Real(c.mutation),
        interaction: graph(&c.interaction),
        reproduction: c.reproduction.as_ref().map(graph),
        initial: c.initial.iter().map(|&v| v as u64).collect(),
        max_steps: (c.max_steps != u64::MAX).then_some(c.max_steps),
    }
}

/// The kind's name as written in `results.json`.
pub fn kind_name(o: &DynamicsOutcome) -> &'static str {
    match o {
        DynamicsOutcome::Ecological(_) => StudyKind::Ecological.name(),
        DynamicsOutcome::Replicator(_) => StudyKind::Replicator.name(),
        DynamicsOutcome::Fixation(_) => StudyKind::Fixation.name(),
        DynamicsOutcome::Stationary(_) => StudyKind::Stationary.name(),
        DynamicsOutcome::Simulation(_) => StudyKind::Simulation.name(),
        DynamicsOutcome::RestPoints(_) => StudyKind::RestPoints.name(),
    }
}

fn result(o: &DynamicsOutcome) -> ResultJson {
    match o {
        DynamicsOutcome::Ecological(e) => ResultJson::Ecological {
            generations: e.generations,
            final_shares: reals(e.states.last().map_or(&[][..], |s| s)),
        },
        DynamicsOutcome::Replicator(r) => ResultJson::Replicator {
            time: Real(r.time),
            mutation: Real(r.mutation),
            final_shares: reals(r.trajectory.states.last().map_or(&[][..], |s| s)),
            accepted_steps: r.trajectory.accepted_steps,
            rejected_steps: r.trajectory.rejected_steps,
        },
        DynamicsOutcome::Fixation(f) => ResultJson::Fixation {
            population: f.population,
            a: f.payoffs.labels[0].clone(),
            b: f.payoffs.labels[1].clone(),
            fixation: f
                .rows
                .iter()
                .map(|row| FixationRowJson {
                    process: process(row.process),
                    rho_a: Real(row.fixation.rho_a),
                    rho_b: Real(row.fixation.rho_b),
                    ln_rho_a: log_or_null(row.fixation.ln_rho_a),
                    ln_rho_b: log_or_null(row.fixation.ln_rho_b),
                    neutral: Real(row.fixation.neutral),
                    absorption_time: row.times.map(|t| Real(t.absorption)),
                    conditional_fixation_time_a: row.times.map(|t| Real(t.conditional_a)),
                })
                .collect(),
        },
        DynamicsOutcome::Stationary(s) => ResultJson::Stationary {
            population: s.population,
            process: process(s.process),
            distribution: reals(&s.stationary.distribution),
            transition: real_rows(&s.stationary.transition),
        },
        DynamicsOutcome::Simulation(s) => ResultJson::Simulation {
            mode: match s.mode {
                SimulationMode::Cached => "Cached".into(),
                SimulationMode::Matches => "Matches".into(),
            },
            config: Box::new(simulation_config(&s.config)),
            runs: s.runs,
            seed: s.seed,
            summary: SimulationSummaryJson {
                runs: s.summary.runs,
                fixations: s.summary.fixations.clone(),
                fixation_frequency: reals(&s.summary.fixation_frequency),
                standard_error: reals(&s.summary.standard_error),
                unfinished: s.summary.unfinished,
                mean_steps: Real(s.summary.mean_steps),
                mean_fixation_steps: s
                    .summary
                    .mean_fixation_steps
                    .iter()
                    .map(|v| v.map(Real))
                    .collect(),
            },
        },
        DynamicsOutcome::RestPoints(r) => ResultJson::RestPoints {
            points: r
                .points
                .iter()
                .map(|p| RestPointJson {
                    x: reals(&p.x),
                    support: p.support.clone(),
                    eigenvalues: p
                        .eigenvalues
                        .iter()
                        .map(|e| EigenvalueJson {
                            re: Real(e.re),
                            im: Real(e.im),
                        })
                        .collect(),
                    stability: stability_name(p.stability).into(),
                })
                .collect(),
        },
    }
}

/// `results.json` of a dynamics study (and the `--json` of the dynamics subcommands).
pub fn dynamics_document(info: &RunInfo, o: &DynamicsOutcome) -> DynamicsJson {
    let p = o.payoffs();
    DynamicsJson {
        format: FORMAT,
        engine: engine(),
        kind: kind_name(o).into(),
        study: info.study.clone(),
        file: info.file.clone(),
        strategies: p.labels.clone(),
        payoffs: payoff_source(p),
        payoff_matrix: real_rows(&p.matrix.to_rows()),
        result: result(o),
    }
}

/// `vertrouwen match --json`.
pub fn match_document(r: &MatchRecord) -> MatchJson {
    MatchJson {
        player1: r.player1.clone(),
        player2: r.player2.clone(),
        turns: r.turns,
        moves1: r.moves1.clone(),
        moves2: r.moves2.clone(),
        score1: Real(r.score1),
        score2: Real(r.score2),
        trust: match_trust(&r.trust),
    }
}
