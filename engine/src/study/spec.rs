//! One validated spec per study kind. Fields are private: the constructors check everything,
//! so a spec that exists is valid.

use crate::moran::Process;
use crate::population::{FitnessMap, Graph, SimulationConfig, UpdateRule};
use crate::values::{
    Generations, Points, Population, Probability, Runs, Seed, Shares, Steps, Time,
};

use super::memory::{self, Need};
use super::{Field, Limits, PayoffSource, SpecError};

/// The kinds of dynamics study, by the name they have in a study file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StudyKind {
    Ecological,
    Replicator,
    Fixation,
    Stationary,
    Simulation,
    RestPoints,
}

impl StudyKind {
    /// The name written in study files and in `results.json`.
    pub fn name(self) -> &'static str {
        match self {
            StudyKind::Ecological => "Ecological",
            StudyKind::Replicator => "Replicator",
            StudyKind::Fixation => "Fixation",
            StudyKind::Stationary => "Stationary",
            StudyKind::Simulation => "Simulation",
            StudyKind::RestPoints => "RestPoints",
        }
    }
}

fn check_initial_length(initial: Option<&Shares>, n: usize) -> Result<(), SpecError> {
    match initial {
        Some(x) if x.len() != n => Err(SpecError::InitialLength {
            got: x.len(),
            expected: n,
        }),
        _ => Ok(()),
    }
}

/// The discrete replicator map (Axelrod's ecological simulation).
#[derive(Clone, Debug)]
pub struct EcologicalSpec {
    payoffs: PayoffSource,
    initial: Option<Shares>,
    generations: Generations,
}

impl EcologicalSpec {
    /// Checks the initial shares' length and the memory of the trajectory.
    pub fn new(
        payoffs: PayoffSource,
        initial: Option<Shares>,
        generations: Generations,
        limits: &Limits,
    ) -> Result<Self, SpecError> {
        let n = payoffs.strategy_count();
        check_initial_length(initial.as_ref(), n)?;
        let rows = generations.get() as f64 + 1.0;
        let mut needs = memory::payoffs(&payoffs);
        needs.push(Need::new(
            Field::Generations,
            format!("a trajectory of {rows} generations of {n} shares"),
            rows * n as f64 * memory::TRAJECTORY_BYTES_PER_VALUE,
        ));
        memory::check(&needs, limits)?;
        Ok(EcologicalSpec {
            payoffs,
            initial,
            generations,
        })
    }

    pub fn payoffs(&self) -> &PayoffSource {
        &self.payoffs
    }
    /// Initial shares (`None`: uniform).
    pub fn initial(&self) -> Option<&Shares> {
        self.initial.as_ref()
    }
    pub fn generations(&self) -> Generations {
        self.generations
    }
}

/// The continuous replicator equation, with uniform mutation if `mutation` is given and
/// positive (the replicator-mutator equation).
#[derive(Clone, Debug)]
pub struct ReplicatorSpec {
    payoffs: PayoffSource,
    initial: Option<Shares>,
    time: Time,
    points: Points,
    mutation: Option<Probability>,
}

impl ReplicatorSpec {
    /// Checks the initial shares' length and the memory of the trajectory.
    pub fn new(
        payoffs: PayoffSource,
        initial: Option<Shares>,
        time: Time,
        points: Points,
        mutation: Option<Probability>,
        limits: &Limits,
    ) -> Result<Self, SpecError> {
        let n = payoffs.strategy_count();
        check_initial_length(initial.as_ref(), n)?;
        let rows = points.get() as f64 + 1.0;
        let mut needs = memory::payoffs(&payoffs);
        needs.push(Need::new(
            Field::Points,
            format!("a trajectory of {rows} time points of {n} shares"),
            rows * (n as f64 + 1.0) * memory::TRAJECTORY_BYTES_PER_VALUE,
        ));
        memory::check(&needs, limits)?;
        Ok(ReplicatorSpec {
            payoffs,
            initial,
            time,
            points,
            mutation,
        })
    }

    pub fn payoffs(&self) -> &PayoffSource {
        &self.payoffs
    }
    pub fn initial(&self) -> Option<&Shares> {
        self.initial.as_ref()
    }
    pub fn time(&self) -> Time {
        self.time
    }
    pub fn points(&self) -> Points {
        self.points
    }
    pub fn mutation(&self) -> Option<Probability> {
        self.mutation
    }
}

/// A process's intensity of selection must be finite and `>= 0`.
fn check_process(p: Process, index: usize) -> Result<Process, SpecError> {
    p.validate().map_err(|e| SpecError::Process {
        index,
        message: e.to_string(),
    })?;
    Ok(p)
}

/// Exact fixation probabilities and times of two strategies, one result per process.
#[derive(Clone, Debug)]
pub struct FixationSpec {
    payoffs: PayoffSource,
    population: Population,
    processes: Vec<Process>,
}

impl FixationSpec {
    /// Checks: exactly 2 strategies, at least one process, the memory of the chain.
    pub fn new(
        payoffs: PayoffSource,
        population: Population,
        processes: Vec<Process>,
        limits: &Limits,
    ) -> Result<Self, SpecError> {
        let n = payoffs.strategy_count();
        if n != 2 {
            return Err(SpecError::NeedsTwoStrategies {
                study: "Fixation",
                got: n,
            });
        }
        if processes.is_empty() {
            return Err(SpecError::NoProcesses);
        }
        let mut needs = memory::payoffs(&payoffs);
        needs.push(memory::fixation_chain(population));
        memory::check(&needs, limits)?;
        Ok(FixationSpec {
            payoffs,
            population,
            processes: processes
                .into_iter()
                .enumerate()
                .map(|(i, p)| check_process(p, i))
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn payoffs(&self) -> &PayoffSource {
        &self.payoffs
    }
    pub fn population(&self) -> Population {
        self.population
    }
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }
}

/// The small-mutation-limit stationary distribution over all strategies.
#[derive(Clone, Debug)]
pub struct StationarySpec {
    payoffs: PayoffSource,
    population: Population,
    process: Process,
}

impl StationarySpec {
    /// Checks the memory of the pairwise chains and the transition matrix.
    pub fn new(
        payoffs: PayoffSource,
        population: Population,
        process: Process,
        limits: &Limits,
    ) -> Result<Self, SpecError> {
        let n = payoffs.strategy_count() as f64;
        let mut needs = memory::payoffs(&payoffs);
        needs.push(memory::fixation_chain(population));
        needs.push(Need::new(
            Field::Payoffs,
            format!("the {n} x {n} transition matrix"),
            n * n * 8.0 * 4.0,
        ));
        memory::check(&needs, limits)?;
        Ok(StationarySpec {
            payoffs,
            population,
            process: check_process(process, 0)?,
        })
    }

    pub fn payoffs(&self) -> &PayoffSource {
        &self.payoffs
    }
    pub fn population(&self) -> Population {
        self.population
    }
    pub fn process(&self) -> Process {
        self.process
    }
}

/// Whether a simulation uses a payoff matrix computed once, or plays matches every step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimulationMode {
    /// Payoffs tabulated once (computed from matches or given).
    Cached,
    /// A new real match each time a payoff is needed (requires payoffs from matches).
    Matches,
}

/// The settings of a simulation besides its payoffs, as the file or flags give them.
#[derive(Clone, Debug)]
pub struct SimulationSettings {
    pub mode: SimulationMode,
    /// The update rule (a Fermi rule's `beta` must be finite and `>= 0`).
    pub rule: UpdateRule,
    /// The fitness map (its `w` must be finite and `>= 0`).
    pub fitness: FitnessMap,
    pub mutation: Probability,
    pub graph: Graph,
    pub reproduction: Option<Graph>,
    /// Initial number of individuals of each strategy.
    pub initial: Vec<u64>,
    pub max_steps: Option<Steps>,
    pub runs: Runs,
    pub seed: Seed,
}

/// A stochastic simulation of a finite population.
#[derive(Clone, Debug)]
pub struct SimulationSpec {
    payoffs: PayoffSource,
    mode: SimulationMode,
    config: SimulationConfig,
    runs: Runs,
    seed: Seed,
}

impl SimulationSpec {
    /// Checks the mode against the payoffs, the initial counts against the strategies and the
    /// graph, the graphs themselves, and the memory of the graphs and of the runs.
    pub fn new(
        payoffs: PayoffSource,
        settings: SimulationSettings,
        limits: &Limits,
    ) -> Result<Self, SpecError> {
        let n = payoffs.strategy_count();
        if settings.mode == SimulationMode::Matches
            && matches!(payoffs, PayoffSource::Matrix { .. })
        {
            return Err(SpecError::ModeNeedsMatches);
        }
        if settings.initial.len() != n {
            return Err(SpecError::InitialLength {
                got: settings.initial.len(),
                expected: n,
            });
        }
        let intensity = match settings.rule {
            UpdateRule::Fermi { beta } => (Field::Rule, beta),
            _ => match settings.fitness {
                FitnessMap::Linear { w } | FitnessMap::Exponential { w } => (Field::Fitness, w),
            },
        };
        if !(intensity.1.is_finite() && intensity.1 >= 0.0) {
            return Err(SpecError::Setting {
                field: intensity.0,
                message: format!(
                    "expected an intensity of selection, finite and >= 0, got {}",
                    intensity.1
                ),
            });
        }
        // Sizes first: a graph of 10^10 nodes must be refused before anything is allocated.
        let nodes = memory::graph_nodes(&settings.graph);
        let complete = |g: &Graph| matches!(g, Graph::Complete { .. });
        let well_mixed =
            complete(&settings.graph) && settings.reproduction.as_ref().is_none_or(complete);
        let mut needs = memory::payoffs(&payoffs);
        needs.extend(memory::graph(&settings.graph, Field::Graph, well_mixed));
        if let Some(r) = &settings.reproduction {
            needs.extend(memory::graph(r, Field::Reproduction, well_mixed));
        }
        memory::check(&needs, limits)?;
        validate_graph(&settings.graph, Field::Graph)?;
        if let Some(r) = &settings.reproduction {
            validate_graph(r, Field::Reproduction)?;
            if memory::graph_nodes(r) != nodes {
                return Err(SpecError::Setting {
                    field: Field::Reproduction,
                    message: format!(
                        "the reproduction graph has {} nodes but the interaction graph {nodes}",
                        memory::graph_nodes(r)
                    ),
                });
            }
        }
        let sum: u128 = settings.initial.iter().map(|&c| u128::from(c)).sum();
        if sum != u128::from(nodes) {
            return Err(SpecError::InitialSum { sum, nodes });
        }
        // Every count is at most `nodes`, which the memory check bounded: they fit a usize.
        let initial = settings
            .initial
            .iter()
            .map(|&c| c as usize)
            .collect::<Vec<_>>();
        Ok(SimulationSpec {
            payoffs,
            mode: settings.mode,
            config: SimulationConfig {
                rule: settings.rule,
                fitness: settings.fitness,
                mutation: settings.mutation.get(),
                interaction: settings.graph,
                reproduction: settings.reproduction,
                initial,
                max_steps: settings.max_steps.map_or(u64::MAX, Steps::get),
            },
            runs: settings.runs,
            seed: settings.seed,
        })
    }

    pub fn payoffs(&self) -> &PayoffSource {
        &self.payoffs
    }
    pub fn mode(&self) -> SimulationMode {
        self.mode
    }
    /// The simulator's configuration.
    pub fn config(&self) -> &SimulationConfig {
        &self.config
    }
    pub fn runs(&self) -> Runs {
        self.runs
    }
    pub fn seed(&self) -> Seed {
        self.seed
    }
}

/// The structural checks of a graph (sizes were bounded by the memory check before).
fn validate_graph(g: &Graph, field: Field) -> Result<(), SpecError> {
    let fail = |message: String| Err(SpecError::Setting { field, message });
    match g {
        Graph::Complete { n } if *n < 2 => {
            fail(format!("a population needs at least 2 nodes, got {n}"))
        }
        Graph::Cycle { n } if *n < 3 => fail(format!("a cycle needs n >= 3, got {n}")),
        Graph::Star { n } if *n < 2 => fail(format!("a star needs n >= 2, got {n}")),
        Graph::Lattice { width, height } if *width < 3 || *height < 3 => fail(format!(
            "a periodic lattice needs sides >= 3, got {width} x {height}"
        )),
        Graph::Edges { n, edges } => {
            if *n < 2 {
                return fail(format!("a population needs at least 2 nodes, got {n}"));
            }
            let mut linked = vec![false; *n];
            for &(a, b) in edges {
                if a >= *n || b >= *n {
                    return fail(format!("edge ({a}, {b}) has a node outside 0..{n}"));
                }
                if a == b {
                    return fail(format!("edge ({a}, {b}) is a self-loop"));
                }
                linked[a] = true;
                linked[b] = true;
            }
            match linked.iter().position(|l| !l) {
                Some(v) => fail(format!("node {v} has no neighbours")),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Rest points of the replicator equation and their stability (at most 3 strategies).
#[derive(Clone, Debug)]
pub struct RestPointsSpec {
    payoffs: PayoffSource,
}

impl RestPointsSpec {
    /// Checks that there are at most 3 strategies.
    pub fn new(payoffs: PayoffSource, limits: &Limits) -> Result<Self, SpecError> {
        let n = payoffs.strategy_count();
        if n > 3 {
            return Err(SpecError::TooManyForRestPoints { got: n });
        }
        memory::check(&memory::payoffs(&payoffs), limits)?;
        Ok(RestPointsSpec { payoffs })
    }

    pub fn payoffs(&self) -> &PayoffSource {
        &self.payoffs
    }
}

/// Any dynamics study.
#[derive(Clone, Debug)]
pub enum DynamicsSpec {
    Ecological(EcologicalSpec),
    Replicator(ReplicatorSpec),
    Fixation(FixationSpec),
    Stationary(StationarySpec),
    Simulation(SimulationSpec),
    RestPoints(RestPointsSpec),
}

impl DynamicsSpec {
    /// Which kind of study.
    pub fn kind(&self) -> StudyKind {
        match self {
            DynamicsSpec::Ecological(_) => StudyKind::Ecological,
            DynamicsSpec::Replicator(_) => StudyKind::Replicator,
            DynamicsSpec::Fixation(_) => StudyKind::Fixation,
            DynamicsSpec::Stationary(_) => StudyKind::Stationary,
            DynamicsSpec::Simulation(_) => StudyKind::Simulation,
            DynamicsSpec::RestPoints(_) => StudyKind::RestPoints,
        }
    }

    /// The master seed the study draws its random numbers from (matches, simulation runs), if
    /// it draws any.
    pub fn seed(&self) -> Option<u64> {
        match self {
            DynamicsSpec::Simulation(s) => Some(s.seed().get()),
            other => match other.payoffs() {
                PayoffSource::Matches(m) => Some(m.seed().get()),
                PayoffSource::Matrix { .. } => None,
            },
        }
    }

    /// Where the payoffs come from.
    pub fn payoffs(&self) -> &PayoffSource {
        match self {
            DynamicsSpec::Ecological(s) => s.payoffs(),
            DynamicsSpec::Replicator(s) => s.payoffs(),
            DynamicsSpec::Fixation(s) => s.payoffs(),
            DynamicsSpec::Stationary(s) => s.payoffs(),
            DynamicsSpec::Simulation(s) => s.payoffs(),
            DynamicsSpec::RestPoints(s) => s.payoffs(),
        }
    }
}
