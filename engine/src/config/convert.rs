//! Why this file is long: one conversion per study kind, each short, sharing the position-aware error
//! helpers at the top; splitting per kind would scatter those helpers.
//!
//! From the file schema to engine specs: strategies resolved in the registry (after loading the
//! file's plugins), defaults filled in, the specs' constructors run. Every error points at the
//! value it is about.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::evolution::{EvolutionError, MatchPayoffSpec, PayoffKind};
use crate::game::Game;
use crate::matchup::{MatchLength, MatchSpec};
use crate::moran::Process;
use crate::payoff_matrix::PayoffMatrix;
use crate::population::{FitnessMap, Graph, UpdateRule};
use crate::registry::Registry;
use crate::study::{
    DynamicsSpec, EcologicalSpec, Field, FixationSpec, PayoffSource, ReplicatorSpec,
    RestPointsSpec, SimulationMode, SimulationSettings, SimulationSpec, SpecError, StationarySpec,
    StudyError,
};
use crate::tournament::{PlayerSpec, TournamentSpec};
use crate::values::{
    EndProbability, Generations, Points, Probability, Repetitions, Runs, Steps, Turns,
};

use super::schema::{
    FitnessFile, GameFile, GraphFile, MatchesFile, ModeFile, PayoffKindFile, PayoffsFile,
    PlayerFile, ProcessFile, RuleFile, Study,
};
use super::spanned::{leading_trivia, line_column, Span, Spanned};
use super::{Caps, ConfigError, ConfigErrorKind, LoadedStudy, Overrides};

type Players = Spanned<Vec<Spanned<PlayerFile>>>;

impl LoadedStudy {
    /// An error at `span` of this file.
    fn error_at(
        &self,
        span: Span,
        message: impl Into<String>,
        kind: ConfigErrorKind,
    ) -> ConfigError {
        let (line, column) = line_column(&self.source, span.start);
        ConfigError {
            file: self.path.display().to_string(),
            line,
            column,
            message: message.into(),
            kind,
        }
    }

    pub(super) fn invalid(&self, span: Span, message: impl Into<String>) -> ConfigError {
        self.error_at(span, message, ConfigErrorKind::Invalid)
    }

    /// The study as a whole: from its first token (after comments) to the end.
    pub(super) fn study_span(&self) -> Span {
        Span {
            start: leading_trivia(&self.source),
            end: self.source.len(),
        }
    }

    /// A value's span, or the study's when the value has no place in the file (a default).
    fn placed(&self, span: Span) -> Span {
        if span == Span::default() {
            self.study_span()
        } else {
            span
        }
    }

    /// A [`SpecError`] at the value it is about.
    pub fn spec_error(&self, e: &SpecError) -> ConfigError {
        let kind = match e {
            SpecError::TooLarge { .. } => ConfigErrorKind::Memory,
            _ => ConfigErrorKind::Invalid,
        };
        self.error_at(self.span_of(e.field()), e.to_string(), kind)
    }

    /// An error of a run of this study, at the value it is about.
    pub fn study_error(&self, e: &StudyError) -> ConfigError {
        self.invalid(self.span_of(e.field()), e.to_string())
    }

    fn payoffs_file(&self) -> Option<&Spanned<PayoffsFile>> {
        match &self.study {
            Study::Tournament(_) | Study::Sweep(_) => None,
            Study::Ecological(c) => Some(&c.payoffs),
            Study::Replicator(c) => Some(&c.payoffs),
            Study::Fixation(c) => Some(&c.payoffs),
            Study::Stationary(c) => Some(&c.payoffs),
            Study::Simulation(c) => Some(&c.payoffs),
            Study::RestPoints(c) => Some(&c.payoffs),
        }
    }

    /// Where the value a [`Field`] names is in this file (the study itself if it is not
    /// written there).
    pub fn span_of(&self, field: Field) -> Span {
        let payoffs = self.payoffs_file();
        let matches = match payoffs.map(|p| &p.value) {
            Some(PayoffsFile::Matches(m)) => Some(m),
            _ => None,
        };
        let players = match &self.study {
            Study::Tournament(t) => Some(&t.players),
            _ => matches.map(|m| &m.players),
        };
        let fallback = payoffs.map_or(self.study_span(), |p| p.span);
        let span = match field {
            Field::Payoffs => fallback,
            Field::Strategy(i) => match (players, payoffs.map(|p| &p.value)) {
                (Some(list), _) => list.get(i).map_or(list.span, |p| p.span),
                (None, Some(PayoffsFile::Matrix(m))) => match &m.strategies {
                    Some(s) => s.get(i).map_or(s.span, |l| l.span),
                    None => m.rows.get(i).map_or(m.rows.span, |r| r.span),
                },
                _ => fallback,
            },
            Field::Labels => match payoffs.map(|p| &p.value) {
                Some(PayoffsFile::Matrix(m)) => m.strategies.as_ref().map_or(fallback, |s| s.span),
                _ => fallback,
            },
            Field::Game => matches
                .and_then(|m| m.game.as_ref())
                .map_or(fallback, |g| g.span),
            Field::Turns => matches
                .and_then(|m| m.turns.as_ref())
                .map_or(fallback, |t| t.span),
            Field::Repetitions => matches
                .and_then(|m| m.repetitions.as_ref())
                .map_or(fallback, |r| r.span),
            Field::Initial => match &self.study {
                Study::Ecological(c) => c.initial.as_ref().map_or(fallback, |i| i.span),
                Study::Replicator(c) => c.initial.as_ref().map_or(fallback, |i| i.span),
                Study::Simulation(c) => c.initial.span,
                _ => fallback,
            },
            Field::Generations => match &self.study {
                Study::Ecological(c) => c.generations.span,
                _ => fallback,
            },
            Field::Time => match &self.study {
                Study::Replicator(c) => c.time.span,
                _ => fallback,
            },
            Field::Points => match &self.study {
                Study::Replicator(c) => c.points.span,
                _ => fallback,
            },
            Field::Mutation => match &self.study {
                Study::Replicator(c) => c.mutation.as_ref().map_or(fallback, |m| m.span),
                _ => fallback,
            },
            Field::Population => match &self.study {
                Study::Fixation(c) => c.population.span,
                Study::Stationary(c) => c.population.span,
                _ => fallback,
            },
            Field::Process(i) => match &self.study {
                Study::Fixation(c) => c.processes.get(i).map_or(c.processes.span, |p| p.span),
                Study::Stationary(c) => c.process.span,
                _ => fallback,
            },
            Field::Rule => match &self.study {
                Study::Simulation(c) => c.rule.span,
                _ => fallback,
            },
            Field::Fitness => match &self.study {
                Study::Simulation(c) => c.fitness.as_ref().map_or(c.rule.span, |f| f.span),
                _ => fallback,
            },
            Field::Graph => match &self.study {
                Study::Simulation(c) => c.graph.span,
                _ => fallback,
            },
            Field::Reproduction => match &self.study {
                Study::Simulation(c) => c.reproduction.as_ref().map_or(c.graph.span, |r| r.span),
                _ => fallback,
            },
            Field::Runs => match &self.study {
                Study::Simulation(c) => c.runs.span,
                _ => fallback,
            },
            Field::MaxSteps => match &self.study {
                Study::Simulation(c) => c.max_steps.as_ref().map_or(fallback, |m| m.span),
                _ => fallback,
            },
            Field::Mode => match &self.study {
                Study::Simulation(c) => c.mode.as_ref().map_or(fallback, |m| m.span),
                _ => fallback,
            },
        };
        self.placed(span)
    }

    /// Resolves a tournament file into a runnable spec: loads its plugins into `registry`,
    /// resolves every player and builds the match settings.
    pub fn tournament_spec(
        &self,
        registry: &mut Registry,
        overrides: &Overrides,
    ) -> Result<TournamentSpec, ConfigError> {
        let Study::Tournament(cfg) = &self.study else {
            return Err(self.invalid(
                self.study_span(),
                format!("expected a Tournament study, found {}", self.study.kind()),
            ));
        };
        self.load_plugins(registry, &cfg.plugins, overrides)?;
        let players = self.players(registry, &cfg.players)?;
        let matches = self.match_spec(
            cfg.game.as_ref(),
            cfg.turns.as_ref(),
            cfg.prob_end,
            cfg.noise,
            overrides.caps,
        )?;
        let repetitions = cap_repetitions(cfg.repetitions.value, overrides.caps);
        let mut matches = matches;
        if let Some(k) = overrides.trust_run {
            crate::trust::validate_run(k)
                .map_err(|m| self.invalid(self.study_span(), format!("--trust-run: {m}")))?;
            matches.trust_run = k;
        } else if let Some(k) = &cfg.trust_run {
            crate::trust::validate_run(k.value).map_err(|m| self.invalid(k.span, m.to_string()))?;
            matches.trust_run = k.value;
        }
        // Refused before anything is allocated: 10,000 players or 4-billion-turn matches
        // would otherwise abort the process when the tables or move buffers are allocated.
        let needs =
            crate::study::memory::tournament(players.len(), repetitions.get().into(), &matches);
        crate::study::memory::check(&needs, &overrides.limits).map_err(|e| {
            let span = match (e.field(), &cfg.turns) {
                (crate::study::Field::Turns, Some(t)) => t.span,
                (crate::study::Field::Repetitions, _) => self.placed(cfg.repetitions.span),
                _ => cfg.players.span,
            };
            self.error_at(span, e.to_string(), ConfigErrorKind::Memory)
        })?;
        Ok(TournamentSpec {
            players,
            matches,
            repetitions: repetitions.get(),
            seed: overrides.seed.unwrap_or(cfg.seed).get(),
        })
    }

    /// The file's isolation settings: `Some(limits)` when it asks for isolated plugins
    /// (`isolate: true`), with its `limits` over the defaults; `None` otherwise.
    pub fn isolation(&self) -> Result<Option<crate::sandbox::Limits>, ConfigError> {
        let cfg = match &self.study {
            Study::Tournament(cfg) => cfg,
            Study::Sweep(s) => match &s.base.value {
                super::schema::BaseStudy::Tournament(cfg) => cfg,
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        let mut limits = crate::sandbox::Limits::default();
        if let Some(l) = &cfg.limits {
            if let Some(v) = l.value.decision_ms {
                limits.decision_ms = v;
            }
            if let Some(v) = l.value.match_ms {
                limits.match_ms = v;
            }
            if let Some(v) = l.value.memory_mb {
                limits.memory_mb = v;
            }
            limits
                .validate()
                .map_err(|m| self.invalid(l.span, m.to_string()))?;
        }
        Ok(cfg.isolate.then_some(limits))
    }

    pub(super) fn load_plugins(
        &self,
        registry: &mut Registry,
        plugins: &[Spanned<PathBuf>],
        overrides: &Overrides,
    ) -> Result<(), ConfigError> {
        let base = self.path.parent().unwrap_or(Path::new("."));
        for plugin in plugins {
            let full = base.join(&plugin.value);
            registry
                .load_plugin(&full)
                .map_err(|e| self.invalid(plugin.span, e.to_string()))?;
        }
        for plugin in &overrides.plugins {
            registry.load_plugin(plugin).map_err(|e| ConfigError {
                file: plugin.display().to_string(),
                line: 1,
                column: 1,
                message: e.to_string(),
                kind: ConfigErrorKind::Invalid,
            })?;
        }
        Ok(())
    }

    /// The players, resolved, with unique labels.
    fn players(&self, registry: &Registry, list: &Players) -> Result<Vec<PlayerSpec>, ConfigError> {
        if list.is_empty() {
            return Err(self.invalid(self.placed(list.span), "expected at least one player"));
        }
        let mut players = Vec::with_capacity(list.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, p) in list.iter().enumerate() {
            let (name, params, label) = match &p.value {
                PlayerFile::Name(n) => (n, None, None),
                PlayerFile::Full(d) => (&d.name, d.params.as_ref(), d.label.as_ref()),
            };
            let entry = registry
                .resolve(name)
                .map_err(|e| self.invalid(p.span, e.to_string()))?;
            if let Some(text) = params {
                // Create once now so bad parameters are reported against this file.
                entry.instantiate(Some(&text.value)).map_err(|e| {
                    self.invalid(
                        text.span,
                        format!("bad parameters for {name:?}: {}", e.message),
                    )
                })?;
            }
            let label = match (label, params) {
                (Some(l), _) => l.as_str().to_string(),
                (None, Some(t)) => format!("{name} {}", t.value),
                (None, None) => name.clone(),
            };
            if let Some(&first) = seen.get(&label) {
                let (line, column) = line_column(&self.source, list[first].span.start);
                return Err(self.invalid(
                    p.span,
                    format!(
                        "the label {label:?} is already used by player {} (line {line}, column {column}); labels must be unique: give one of them another `label`",
                        first + 1
                    ),
                ));
            }
            seen.insert(label.clone(), i);
            players.push(PlayerSpec {
                entry: entry.clone(),
                params: params.map(|t| t.value.clone()),
                label,
            });
        }
        Ok(players)
    }

    fn game(&self, game: Option<&Spanned<GameFile>>) -> Result<Game, ConfigError> {
        match game {
            None => Ok(Game::STANDARD),
            Some(g) => match &g.value {
                GameFile::Preset(name) => {
                    Game::preset(name).map_err(|e| self.invalid(g.span, e.to_string()))
                }
                GameFile::Payoffs(p) => Game::new(p.r.get(), p.s.get(), p.t.get(), p.p.get())
                    .map_err(|e| self.invalid(g.span, e.to_string())),
            },
        }
    }

    fn match_spec(
        &self,
        game: Option<&Spanned<GameFile>>,
        turns: Option<&Spanned<Turns>>,
        prob_end: Option<EndProbability>,
        noise: Probability,
        caps: Option<Caps>,
    ) -> Result<MatchSpec, ConfigError> {
        let turns = turns.map(|t| match caps {
            Some(c) => t.get().min(c.turns.max(1)),
            None => t.get(),
        });
        let length = match (turns, prob_end) {
            (Some(t), None) => MatchLength::Fixed(t),
            (cap, Some(p)) => MatchLength::Geometric {
                prob_end: p.get(),
                cap,
            },
            (None, None) => {
                return Err(self.invalid(
                    self.study_span(),
                    "expected the length of the matches: give `turns`, `prob_end`, or both",
                ))
            }
        };
        Ok(MatchSpec {
            length,
            noise: noise.get(),
            game: self.game(game)?,
            trust_run: crate::trust::DEFAULT_TRUST_RUN,
        })
    }

    fn payoff_source(
        &self,
        registry: &mut Registry,
        payoffs: &Spanned<PayoffsFile>,
        overrides: &Overrides,
    ) -> Result<PayoffSource, ConfigError> {
        match &payoffs.value {
            PayoffsFile::Matrix(m) => {
                if m.rows.is_empty() {
                    return Err(self.invalid(
                        self.placed(m.rows.span),
                        "expected at least one row, e.g. rows: [[3, 0], [5, 1]]",
                    ));
                }
                let n = m.rows.len();
                if let Some(bad) = m.rows.iter().find(|r| r.len() != n) {
                    return Err(self.invalid(
                        bad.span,
                        format!(
                            "the matrix is not square: this row has {} entries, expected {n} (one per row)",
                            bad.len()
                        ),
                    ));
                }
                let rows: Vec<Vec<f64>> = m
                    .rows
                    .iter()
                    .map(|r| r.iter().map(|v| v.get()).collect())
                    .collect();
                let matrix = PayoffMatrix::from_rows(&rows)
                    .map_err(|e| self.invalid(m.rows.span, format!("bad payoff matrix: {e}")))?;
                let labels = m
                    .strategies
                    .as_ref()
                    .map(|s| s.iter().map(|l| l.value.clone()).collect());
                PayoffSource::matrix(labels, matrix).map_err(|e| self.spec_error(&e))
            }
            PayoffsFile::Matches(c) => self.match_payoffs(registry, c, payoffs.span, overrides),
        }
    }

    fn match_payoffs(
        &self,
        registry: &mut Registry,
        c: &MatchesFile,
        span: Span,
        overrides: &Overrides,
    ) -> Result<PayoffSource, ConfigError> {
        self.load_plugins(registry, &c.plugins, overrides)?;
        let players = self.players(registry, &c.players)?;
        let matches = self.match_spec(
            c.game.as_ref(),
            c.turns.as_ref(),
            c.prob_end,
            c.noise,
            overrides.caps,
        )?;
        let repetitions = c
            .repetitions
            .as_ref()
            .map_or(Repetitions::try_from(1).expect("1 is valid"), |r| r.value);
        let kind = match c.payoff {
            PayoffKindFile::Totals => PayoffKind::Totals,
            PayoffKindFile::PerTurn => PayoffKind::PerTurn,
        };
        let spec = MatchPayoffSpec::new(
            players,
            matches,
            cap_repetitions(repetitions, overrides.caps),
            overrides.seed.unwrap_or(c.seed),
            kind,
        )
        .map_err(|e| match e {
            EvolutionError::Overflow { .. } => self.invalid(
                self.placed(c.game.as_ref().map_or(span, |g| g.span)),
                e.to_string(),
            ),
            other => self.invalid(span, other.to_string()),
        })?;
        PayoffSource::matches(spec).map_err(|e| self.spec_error(&e))
    }

    /// Resolves a dynamics study (every variant except `Tournament`) into a runnable spec.
    pub fn dynamics_spec(
        &self,
        registry: &mut Registry,
        overrides: &Overrides,
    ) -> Result<DynamicsSpec, ConfigError> {
        let limits = &overrides.limits;
        let caps = overrides.caps;
        let spec_error = |e: SpecError| self.spec_error(&e);
        match &self.study {
            Study::Tournament(_) | Study::Sweep(_) => Err(self.invalid(
                self.study_span(),
                format!("expected a dynamics study, found {}", self.study.kind()),
            )),
            Study::Ecological(c) => {
                let payoffs = self.payoff_source(registry, &c.payoffs, overrides)?;
                let generations = match caps {
                    Some(k) => Generations::try_from(c.generations.get().min(k.generations))
                        .expect("every u64 is a number of generations"),
                    None => c.generations.value,
                };
                EcologicalSpec::new(
                    payoffs,
                    c.initial.as_ref().map(|i| i.value.clone()),
                    generations,
                    limits,
                )
                .map(DynamicsSpec::Ecological)
                .map_err(spec_error)
            }
            Study::Replicator(c) => {
                let payoffs = self.payoff_source(registry, &c.payoffs, overrides)?;
                let points = match caps {
                    Some(k) => Points::try_from(c.points.get().min(k.points.max(1)))
                        .expect("at least 1 point"),
                    None => c.points.value,
                };
                ReplicatorSpec::new(
                    payoffs,
                    c.initial.as_ref().map(|i| i.value.clone()),
                    c.time.value,
                    points,
                    c.mutation.as_ref().map(|m| m.value),
                    limits,
                )
                .map(DynamicsSpec::Replicator)
                .map_err(spec_error)
            }
            Study::Fixation(c) => {
                let payoffs = self.payoff_source(registry, &c.payoffs, overrides)?;
                let processes = c.processes.iter().map(|p| process(p.value)).collect();
                FixationSpec::new(payoffs, c.population.value, processes, limits)
                    .map(DynamicsSpec::Fixation)
                    .map_err(spec_error)
            }
            Study::Stationary(c) => {
                let payoffs = self.payoff_source(registry, &c.payoffs, overrides)?;
                StationarySpec::new(
                    payoffs,
                    c.population.value,
                    process(c.process.value),
                    limits,
                )
                .map(DynamicsSpec::Stationary)
                .map_err(spec_error)
            }
            Study::Simulation(c) => {
                let payoffs = self.payoff_source(registry, &c.payoffs, overrides)?;
                let graph = |g: &Spanned<GraphFile>| self.graph(g);
                let runs = match caps {
                    Some(k) => Runs::try_from(c.runs.get().min(k.runs.max(1))).expect("at least 1"),
                    None => c.runs.value,
                };
                let max_steps = match (c.max_steps.as_ref().map(|m| m.value), caps) {
                    (Some(m), Some(k)) => {
                        Some(Steps::try_from(m.get().min(k.max_steps.max(1))).expect("at least 1"))
                    }
                    (m, _) => m,
                };
                let settings = SimulationSettings {
                    mode: match c.mode.as_ref().map(|m| m.value) {
                        Some(ModeFile::Matches) => SimulationMode::Matches,
                        _ => SimulationMode::Cached,
                    },
                    rule: match c.rule.value {
                        RuleFile::BirthDeath => UpdateRule::BirthDeath,
                        RuleFile::DeathBirth => UpdateRule::DeathBirth,
                        RuleFile::Fermi { beta } => UpdateRule::Fermi { beta: beta.get() },
                    },
                    fitness: match c.fitness.as_ref().map(|f| f.value) {
                        None => FitnessMap::Linear { w: 1.0 },
                        Some(FitnessFile::Linear { w }) => FitnessMap::Linear { w: w.get() },
                        Some(FitnessFile::Exponential { w }) => {
                            FitnessMap::Exponential { w: w.get() }
                        }
                    },
                    mutation: c
                        .mutation
                        .unwrap_or(Probability::try_from(0.0).expect("0 is a probability")),
                    graph: graph(&c.graph)?,
                    reproduction: c.reproduction.as_ref().map(graph).transpose()?,
                    initial: c.initial.value.clone(),
                    max_steps,
                    runs,
                    seed: overrides.seed.unwrap_or(c.seed),
                };
                SimulationSpec::new(payoffs, settings, limits)
                    .map(DynamicsSpec::Simulation)
                    .map_err(spec_error)
            }
            Study::RestPoints(c) => {
                let payoffs = self.payoff_source(registry, &c.payoffs, overrides)?;
                RestPointsSpec::new(payoffs, limits)
                    .map(DynamicsSpec::RestPoints)
                    .map_err(spec_error)
            }
        }
    }

    fn graph(&self, g: &Spanned<GraphFile>) -> Result<Graph, ConfigError> {
        // Node counts beyond usize cannot be allocated anyway; the memory check refuses far
        // smaller ones with a better message.
        let size = |v: u64| {
            usize::try_from(v).map_err(|_| {
                self.error_at(
                    g.span,
                    format!("a graph of {v} nodes cannot be held in memory"),
                    ConfigErrorKind::Memory,
                )
            })
        };
        Ok(match &g.value {
            GraphFile::Complete { n } => Graph::Complete { n: size(*n)? },
            GraphFile::Cycle { n } => Graph::Cycle { n: size(*n)? },
            GraphFile::Star { n } => Graph::Star { n: size(*n)? },
            GraphFile::Lattice { width, height } => Graph::Lattice {
                width: size(*width)?,
                height: size(*height)?,
            },
            GraphFile::Edges { n, edges } => Graph::Edges {
                n: size(*n)?,
                edges: edges
                    .iter()
                    .map(|&(a, b)| Ok((size(a)?, size(b)?)))
                    .collect::<Result<_, ConfigError>>()?,
            },
        })
    }
}

fn process(p: ProcessFile) -> Process {
    match p {
        ProcessFile::Moran { w } => Process::Moran { w: w.get() },
        ProcessFile::Fermi { beta } => Process::Fermi { beta: beta.get() },
    }
}

fn cap_repetitions(r: Repetitions, caps: Option<Caps>) -> Repetitions {
    match caps {
        Some(c) => Repetitions::try_from(r.get().min(c.repetitions.max(1))).expect("at least 1"),
        None => r,
    }
}
