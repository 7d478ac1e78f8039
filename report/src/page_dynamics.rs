//! The sections of a dynamics study's report: shares over time (stack plot, and a simplex for
//! three strategies), fixation probabilities against neutral, the stationary distribution,
//! simulation results with trajectories and their spread, and the payoff matrix.

use crate::charts::{bars, heatmap, simplex, xy};
use crate::model::{Dynamics, DynamicsKind};
use crate::page::{figure, Section};
use crate::palette::{categorical, OKABE_ITO};
use crate::summary::{self, num, pct};
use crate::Lang;

pub fn sections(d: &Dynamics, lang: Lang) -> (String, Vec<String>, Vec<Section>) {
    let names = &d.strategies;
    let colours = categorical(names.len());
    let mut out = Vec::new();
    let payoff_source = match (d.payoff_kind.as_deref(), lang) {
        (Some("Totals"), Lang::En) => "payoffs are match totals from real matches",
        (Some("Totals"), Lang::Nl) => "uitbetalingen zijn totalen van echte wedstrijden",
        (Some(_), Lang::En) => "payoffs are per-turn means of real matches",
        (Some(_), Lang::Nl) => "uitbetalingen zijn gemiddelden per beurt van echte wedstrijden",
        (None, Lang::En) => "payoffs given as a matrix",
        (None, Lang::Nl) => "uitbetalingen gegeven als matrix",
    };
    let meta = match &d.kind {
        DynamicsKind::Shares { discrete: true, .. } => lang
            .pick(
                "Ecological simulation (discrete replicator dynamics)",
                "Ecologische simulatie (discrete replicatordynamica)",
            )
            .to_string(),
        DynamicsKind::Shares {
            discrete: false, ..
        } => lang
            .pick(
                "Continuous replicator dynamics",
                "Continue replicatordynamica",
            )
            .to_string(),
        DynamicsKind::Fixation { population, .. } => format!(
            "{} N = {population}",
            lang.pick(
                "Fixation probabilities in a population of",
                "Fixatiekansen in een populatie van"
            )
        ),
        DynamicsKind::Stationary {
            population,
            process,
            ..
        } => format!(
            "{} N = {population}, {process}",
            lang.pick(
                "Stationary distribution with rare mutations,",
                "Stationaire verdeling bij zeldzame mutaties,"
            )
        ),
        DynamicsKind::Simulation(s) => format!(
            "{} N = {}, {} runs",
            lang.pick("Simulated population of", "Gesimuleerde populatie van"),
            s.population,
            s.runs
        ),
    } + &format!(
        "; {} {}; {payoff_source}.",
        names.len(),
        lang.pick("strategies", "strategieën")
    );

    match &d.kind {
        DynamicsKind::Shares {
            discrete,
            times,
            shares,
        } => {
            let x_label = if *discrete {
                lang.pick("generation", "generatie")
            } else {
                lang.pick(
                    "time (replicator time units)",
                    "tijd (eenheden van de replicatorvergelijking)",
                )
            };
            let svg = xy::stack(
                "shares",
                names,
                &colours,
                times,
                shares,
                &xy::XyTexts {
                    title: lang.pick("Shares of the population over time", "Aandelen in de populatie door de tijd"),
                    desc: lang.pick("Stacked areas: the share of each strategy in the population at each point in time; together they fill the height.", "Gestapelde vlakken: het aandeel van elke strategie in de populatie op elk moment; samen vullen ze de hoogte."),
                    x: x_label,
                    y: lang.pick("share of the population (0–1)", "aandeel van de populatie (0–1)"),
                },
            );
            let mut html = figure(&svg, lang.pick(
                "Each band is one strategy; its thickness at a moment is its share of the population. A strategy grows when it earns more than the population's average against the current mix.",
                "Elke band is een strategie; de dikte op een moment is haar aandeel in de populatie. Een strategie groeit als ze meer verdient dan het gemiddelde tegen de huidige mix.",
            ));
            if names.len() == 3 {
                let svg = simplex::chart(
                    "simplex",
                    &[names[0].clone(), names[1].clone(), names[2].clone()],
                    shares,
                    &simplex::SimplexTexts {
                        title: lang.pick("The path of the population between three strategies", "Het pad van de populatie tussen drie strategieën"),
                        desc: lang.pick("A triangle whose corners are populations of one strategy; the line is the path of the shares over time.", "Een driehoek waarvan de hoeken populaties van één strategie zijn; de lijn is het pad van de aandelen door de tijd."),
                        start: lang.pick("start", "begin"),
                        end: lang.pick("end", "eind"),
                        grid: lang.pick("Grid lines: one strategy's share at 20%, 40%, 60%, 80%.", "Rasterlijnen: het aandeel van één strategie op 20%, 40%, 60%, 80%."),
                    },
                );
                html += &figure(&svg, lang.pick(
                    "The closer the point is to a corner, the larger that strategy's share.",
                    "Hoe dichter het punt bij een hoek, hoe groter het aandeel van die strategie.",
                ));
            }
            out.push(Section {
                id: "shares".into(),
                heading: lang
                    .pick("Shares over time", "Aandelen door de tijd")
                    .into(),
                html,
            });
        }
        DynamicsKind::Fixation { population, rows } => {
            let labels: Vec<String> = rows
                .iter()
                .map(|r| format!("{} ({})", r.process, num(lang, r.intensity, 3)))
                .collect();
            let neutral = rows.first().map_or(1.0 / *population as f64, |r| r.neutral);
            let svg = bars::chart(
                "fixation",
                &labels,
                &[
                    bars::Series { label: format!("{} {} {}", lang.pick("one", "één"), names[0], lang.pick("takes over", "neemt over")), colour: OKABE_ITO[4].into(), values: rows.iter().map(|r| Some(r.rho_a)).collect(), errors: None },
                    bars::Series { label: format!("{} {} {}", lang.pick("one", "één"), names[1], lang.pick("takes over", "neemt over")), colour: OKABE_ITO[5].into(), values: rows.iter().map(|r| Some(r.rho_b)).collect(), errors: None },
                ],
                &[bars::Reference { value: neutral, label: format!("{} 1/N = {}", lang.pick("neutral", "neutraal"), num(lang, neutral, 3)) }],
                4,
                &bars::BarTexts {
                    title: lang.pick("Fixation probabilities against neutral", "Fixatiekansen tegenover neutraal"),
                    desc: lang.pick("Bars of the probability that a single mutant takes over the population, per process, with the neutral probability 1/N as a dashed line.", "Staven van de kans dat één mutant de hele populatie overneemt, per proces, met de neutrale kans 1/N als stippellijn."),
                    axis: lang.pick("probability that one mutant takes over (0–1)", "kans dat één mutant overneemt (0–1)"),
                },
            );
            let html = figure(&svg, &match lang {
                Lang::En => format!("A mutant that takes over more often than 1/N = {} (the dashed line) is favoured by selection; less often, it is opposed.", num(lang, neutral, 3)),
                Lang::Nl => format!("Een mutant die vaker dan 1/N = {} (de stippellijn) overneemt, wordt door selectie bevoordeeld; minder vaak: benadeeld.", num(lang, neutral, 3)),
            });
            out.push(Section {
                id: "fixation".into(),
                heading: lang.pick("Fixation", "Fixatie").into(),
                html,
            });
        }
        DynamicsKind::Stationary { distribution, .. } => {
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by(|&a, &b| distribution[b].total_cmp(&distribution[a]));
            let svg = bars::chart(
                "stationary",
                &order.iter().map(|&i| names[i].clone()).collect::<Vec<_>>(),
                &[bars::Series { label: lang.pick("share of time", "aandeel van de tijd").into(), colour: OKABE_ITO[2].into(), values: order.iter().map(|&i| Some(distribution[i])).collect(), errors: None }],
                &[bars::Reference { value: 1.0 / names.len() as f64, label: lang.pick("equal shares", "gelijke verdeling").into() }],
                3,
                &bars::BarTexts {
                    title: lang.pick("Where the population spends its time", "Waar de populatie haar tijd doorbrengt"),
                    desc: lang.pick("Bars of the long-run share of time the population is made of each strategy, with equal shares as a dashed line.", "Staven van het aandeel van de tijd dat de populatie op lange termijn uit elke strategie bestaat, met gelijke verdeling als stippellijn."),
                    axis: lang.pick("long-run share of time (0–1)", "aandeel van de tijd op lange termijn (0–1)"),
                },
            );
            let html = figure(&svg, lang.pick(
                "With rare mutations the population is almost always made of one strategy until a mutant takes over; these are the long-run shares of time in each.",
                "Bij zeldzame mutaties bestaat de populatie bijna altijd uit één strategie totdat een mutant overneemt; dit is het aandeel van de tijd in elke strategie op lange termijn.",
            ));
            out.push(Section {
                id: "stationary".into(),
                heading: lang
                    .pick("Stationary distribution", "Stationaire verdeling")
                    .into(),
                html,
            });
        }
        DynamicsKind::Simulation(s) => {
            let neutral: Vec<f64> = s
                .initial
                .iter()
                .map(|&c| c as f64 / s.population.max(1) as f64)
                .collect();
            let svg = bars::chart(
                "simulation",
                names,
                &[
                    bars::Series { label: lang.pick("share of runs it took over (± 2 standard errors)", "aandeel runs dat ze overnam (± 2 standaardfouten)").into(), colour: OKABE_ITO[4].into(), values: s.frequency.iter().map(|&x| Some(x)).collect(), errors: Some(s.standard_error.iter().map(|e| 2.0 * e).collect()) },
                    bars::Series { label: lang.pick("neutral: its initial share", "neutraal: haar beginaandeel").into(), colour: "#bbbbbb".into(), values: neutral.iter().map(|&x| Some(x)).collect(), errors: None },
                ],
                &[],
                3,
                &bars::BarTexts {
                    title: lang.pick("How often each strategy took over", "Hoe vaak elke strategie alles overnam"),
                    desc: lang.pick("Bars of the share of simulation runs each strategy took over, with two standard errors, next to the share expected without selection.", "Staven van het aandeel simulatieruns dat elke strategie overnam, met twee standaardfouten, naast het aandeel zonder selectie."),
                    axis: lang.pick("share of runs (0–1)", "aandeel runs (0–1)"),
                },
            );
            let mut html = figure(&svg, lang.pick(
                "Without selection a strategy takes over in proportion to its initial share (grey). Taking over more often than that means selection favours it.",
                "Zonder selectie neemt een strategie over in verhouding tot haar beginaandeel (grijs). Vaker overnemen betekent dat selectie haar bevoordeelt.",
            ));
            if let Some(tr) = &s.trajectories {
                let shown: Vec<usize> = if names.len() == 2 {
                    vec![0]
                } else {
                    (0..names.len()).collect()
                };
                let svg = xy::trajectories(
                    "trajectories",
                    names,
                    &shown,
                    &tr.steps,
                    &tr.counts,
                    s.population,
                    &xy::XyTexts {
                        title: &match lang {
                            Lang::En => format!("The first {} runs step by step", tr.counts.len()),
                            Lang::Nl => format!("De eerste {} runs stap voor stap", tr.counts.len()),
                        },
                        desc: lang.pick("Lines of each strategy's share of the population over the steps of sampled runs, with the mean and the band holding 80% of the runs.", "Lijnen van het aandeel van elke strategie in de populatie per stap in de getoonde runs, met het gemiddelde en de band waarin 80% van de runs ligt."),
                        x: lang.pick("step (update attempts)", "stap (pogingen tot vervanging)"),
                        y: lang.pick("share (0–1)", "aandeel (0–1)"),
                    },
                    lang.pick("middle 80% of runs", "middelste 80% van de runs"),
                    lang.pick("mean over runs", "gemiddelde over de runs"),
                );
                html += &figure(&svg, &match (names.len(), lang) {
                    (2, Lang::En) => format!("The share of {} in each run (thin lines); the other strategy holds the rest. Runs end when one strategy has taken over.", names[0]),
                    (2, Lang::Nl) => format!("Het aandeel van {} in elke run (dunne lijnen); de andere strategie heeft de rest. Een run stopt als één strategie alles heeft overgenomen.", names[0]),
                    (_, Lang::En) => "One panel per strategy: its share in each run (thin blue lines), the mean (black) and the band holding the middle 80% of runs (grey).".to_string(),
                    (_, Lang::Nl) => "Eén paneel per strategie: haar aandeel in elke run (dunne lijnen), het gemiddelde (zwart) en de band met de middelste 80% van de runs (grijs).".to_string(),
                });
            }
            out.push(Section {
                id: "simulation".into(),
                heading: lang.pick("Simulation", "Simulatie").into(),
                html,
            });
        }
    }
    if let Some(m) = &d.payoffs {
        let values: Vec<Vec<Option<f64>>> = m
            .iter()
            .map(|r| r.iter().map(|&v| Some(v)).collect())
            .collect();
        let unit = match (d.payoff_kind.as_deref(), lang) {
            (Some("Totals"), Lang::En) => "payoff per match (points)",
            (Some("Totals"), Lang::Nl) => "uitbetaling per wedstrijd (punten)",
            (Some(_), Lang::En) => "payoff per turn (points)",
            (Some(_), Lang::Nl) => "uitbetaling per beurt (punten)",
            (None, Lang::En) => "payoff",
            (None, Lang::Nl) => "uitbetaling",
        };
        let decimals = if m.iter().flatten().all(|v| v.fract() == 0.0) {
            0
        } else {
            2
        };
        let svg = heatmap::chart(
            "payoffs",
            names,
            &values,
            None,
            decimals,
            &heatmap::HeatTexts {
                title: lang.pick(
                    "The payoffs the dynamics use",
                    "De uitbetalingen die de dynamica gebruikt",
                ),
                desc: lang.pick(
                    "Heat map of what the row strategy gets against the column strategy.",
                    "Heatmap van wat de rij-strategie krijgt tegen de kolom-strategie.",
                ),
                rows: lang.pick(
                    "Row: the strategy that earns",
                    "Rij: de strategie die verdient",
                ),
                cols: lang.pick("Column: its opponent", "Kolom: de tegenstander"),
                unit,
                missing: "–",
            },
        );
        let html = figure(&svg, lang.pick(
            "Everything above follows from this matrix: a strategy's fitness is its payoff against the population it meets.",
            "Alles hierboven volgt uit deze matrix: de fitness van een strategie is haar uitbetaling tegen de populatie die ze ontmoet.",
        ));
        out.push(Section {
            id: "payoff-matrix".into(),
            heading: lang.pick("Payoff matrix", "Uitbetalingsmatrix").into(),
            html,
        });
    }
    let _ = pct;
    (meta, summary::dynamics(d, lang), out)
}
