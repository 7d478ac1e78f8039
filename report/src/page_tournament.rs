//! The sections of a tournament's report: ranking (box plots and table), payoffs,
//! cooperation, wins, match lengths when random, and trust (table, time to trust, one match
//! turn by turn).

use crate::charts::{bars, boxplot, heatmap, strip, timeline, xy};
use crate::model::{Length, Tournament};
use crate::page::{figure, para, table, Section};
use crate::palette::OKABE_ITO;
use crate::scale::fmt;
use crate::summary::{self, num, pct};
use crate::Lang;

/// The settings line, the summary paragraphs and the sections.
pub fn sections(t: &Tournament, lang: Lang) -> (String, Vec<String>, Vec<Section>) {
    let prison = t.game.is_prison_years();
    let length = match (t.length, lang) {
        (Length::Fixed(n), Lang::En) => format!("{n} turns per match"),
        (Length::Fixed(n), Lang::Nl) => format!("{n} beurten per wedstrijd"),
        (Length::Random { prob_end, .. }, Lang::En) => {
            format!("random length (ends after each turn with probability {prob_end})")
        }
        (Length::Random { prob_end, .. }, Lang::Nl) => format!(
            "willekeurige lengte (eindigt na elke beurt met kans {})",
            num(lang, prob_end, 4)
        ),
    };
    let g = &t.game;
    let meta = match lang {
        Lang::En => format!(
            "Tournament: {} strategies, every pair including self-play, {length}, noise {}, {} repetitions, seed {}. Payoffs R={} S={} T={} P={}{}.",
            t.players.len(), t.noise, t.repetitions, t.seed, g.r, g.s, g.t, g.p,
            if prison { " (minus years in prison)" } else { "" }
        ),
        Lang::Nl => format!(
            "Toernooi: {} strategieën, elk paar inclusief tegen zichzelf, {length}, ruis {}, {} herhalingen, seed {}. Uitbetaling R={} S={} T={} P={}{}.",
            t.players.len(), num(lang, t.noise, 4), t.repetitions, t.seed, g.r, g.s, g.t, g.p,
            if prison { " (min het aantal jaren cel)" } else { "" }
        ),
    };
    let score_unit = if prison {
        lang.pick(
            "score per turn (minus years in prison per round)",
            "score per beurt (min jaren cel per ronde)",
        )
    } else {
        lang.pick("score per turn (points)", "score per beurt (punten)")
    };
    let names = |order: &[usize]| {
        order
            .iter()
            .map(|&i| t.players[i].clone())
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();

    // Ranking.
    let rows: Vec<(String, Vec<f64>)> = t
        .ranking
        .iter()
        .map(|&i| (t.players[i].clone(), t.normalised_scores[i].clone()))
        .collect();
    let title = lang.pick(
        "Score per turn in each repetition",
        "Score per beurt in elke herhaling",
    );
    let svg = boxplot::chart(
        "ranking-box",
        &rows,
        &boxplot::BoxTexts {
            title,
            desc: lang.pick("Box plots of each strategy's mean score per turn against the others, one value per repetition, best first.", "Boxplots van de gemiddelde score per beurt van elke strategie tegen de andere, één waarde per herhaling, beste eerst."),
            axis: score_unit,
            legend: [lang.pick("middle half of repetitions", "middelste helft van de herhalingen"), lang.pick("median", "mediaan"), lang.pick("outlier", "uitschieter")],
        },
    );
    let mut html = figure(&svg, lang.pick(
        "Each row is a strategy, best at the top (ranked by the median). The box spans the middle half of the repetitions, the thick line is the median, whiskers reach the furthest repetition within 1.5 box lengths. A narrow box means the result hardly depends on luck.",
        "Elke rij is een strategie, de beste bovenaan (gerangschikt op de mediaan). De doos omvat de middelste helft van de herhalingen, de dikke streep is de mediaan, de snorharen reiken tot de verste herhaling binnen 1,5 doos-lengte. Een smalle doos betekent dat het resultaat nauwelijks van toeval afhangt.",
    ));
    let header: Vec<String> = [
        lang.pick("Strategy", "Strategie"),
        lang.pick("Place", "Plaats"),
        lang.pick("Median score", "Mediane score"),
        lang.pick("Cooperation", "Samenwerking"),
        lang.pick("Wins (median)", "Gewonnen (mediaan)"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let table_rows: Vec<Vec<(String, bool)>> = t
        .ranking
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let mut w: Vec<f64> = t.wins[i].iter().map(|&x| f64::from(x)).collect();
            w.sort_by(f64::total_cmp);
            vec![
                (t.players[i].clone(), true),
                ((rank + 1).to_string(), false),
                (num(lang, t.median_scores[i], 3), false),
                (pct(lang, t.cooperation_rating[i]), false),
                (num(lang, boxplot::quantile(&w, 0.5), 1), false),
            ]
        })
        .collect();
    html += &table(lang.pick("Ranking", "Rangschikking"), &header, &table_rows);
    out.push(Section {
        id: "ranking".into(),
        heading: lang.pick("Ranking", "Rangschikking").into(),
        html,
    });

    // Payoffs.
    let order = t.ranking.clone();
    let reorder = |m: &Vec<Vec<Option<f64>>>| -> Vec<Vec<Option<f64>>> {
        order
            .iter()
            .map(|&i| order.iter().map(|&j| m[i][j]).collect())
            .collect()
    };
    let payoffs: Vec<Vec<Option<f64>>> = t
        .payoff_matrix
        .iter()
        .map(|r| r.iter().map(|&v| Some(v)).collect())
        .collect();
    let pay_unit = if prison {
        lang.pick(
            "score per turn (minus years per round)",
            "score per beurt (min jaren per ronde)",
        )
    } else {
        lang.pick("points per turn", "punten per beurt")
    };
    let svg = heatmap::chart(
        "payoffs",
        &names(&order),
        &reorder(&payoffs),
        Some((g.s.min(g.p), g.t.max(g.r))),
        2,
        &heatmap::HeatTexts {
            title: lang.pick("What each strategy earned against each other", "Wat elke strategie verdiende tegen elke andere"),
            desc: lang.pick("Heat map of the mean score per turn of the row strategy against the column strategy.", "Heatmap van de gemiddelde score per beurt van de rij-strategie tegen de kolom-strategie."),
            rows: lang.pick("Row: the strategy that earns", "Rij: de strategie die verdient"),
            cols: lang.pick("Column: its opponent", "Kolom: de tegenstander"),
            unit: pay_unit,
            missing: "–",
        },
    );
    let html = figure(&svg, &match lang {
        Lang::En => format!("Read along a row: what that strategy earned per turn against each opponent, from {} (sucker) to {} (temptation). Bright means more. Strategies in ranking order.", g.s, g.t),
        Lang::Nl => format!("Lees langs een rij: wat die strategie per beurt verdiende tegen elke tegenstander, van {} (de dupe) tot {} (de verleiding). Licht betekent meer. Strategieën in volgorde van de rangschikking.", g.s, g.t),
    });
    out.push(Section {
        id: "payoffs".into(),
        heading: lang.pick("Payoffs", "Uitbetalingen").into(),
        html,
    });

    // Cooperation.
    let svg = heatmap::chart(
        "cooperation",
        &names(&order),
        &reorder(&t.cooperation.iter().map(|r| r.iter().map(|v| v.map(|x| 100.0 * x)).collect()).collect()),
        Some((0.0, 100.0)),
        0,
        &heatmap::HeatTexts {
            title: lang.pick("How often each strategy cooperated with each other", "Hoe vaak elke strategie samenwerkte met elke andere"),
            desc: lang.pick("Heat map of the share of turns on which the row strategy cooperated against the column strategy.", "Heatmap van het aandeel beurten waarin de rij-strategie samenwerkte met de kolom-strategie."),
            rows: lang.pick("Row: the strategy that cooperates", "Rij: de strategie die samenwerkt"),
            cols: lang.pick("Column: its opponent", "Kolom: de tegenstander"),
            unit: lang.pick("cooperation (% of turns)", "samenwerking (% van de beurten)"),
            missing: "–",
        },
    );
    let html = figure(&svg, lang.pick(
        "The share of turns on which the row strategy played C (cooperate) against the column strategy, over all repetitions.",
        "Het aandeel beurten waarin de rij-strategie C (samenwerken) speelde tegen de kolom-strategie, over alle herhalingen.",
    ));
    out.push(Section {
        id: "cooperation".into(),
        heading: lang.pick("Cooperation", "Samenwerking").into(),
        html,
    });

    // Wins.
    let wins: Vec<Option<f64>> = order
        .iter()
        .map(|&i| {
            let mut w: Vec<f64> = t.wins[i].iter().map(|&x| f64::from(x)).collect();
            w.sort_by(f64::total_cmp);
            Some(boxplot::quantile(&w, 0.5))
        })
        .collect();
    let svg = bars::chart(
        "wins",
        &names(&order),
        &[bars::Series {
            label: lang
                .pick("median over repetitions", "mediaan over de herhalingen")
                .into(),
            colour: OKABE_ITO[0].into(),
            values: wins,
            errors: None,
        }],
        &[],
        1,
        &bars::BarTexts {
            title: lang.pick("Matches won", "Gewonnen wedstrijden"),
            desc: lang.pick(
                "Bar chart of how many matches each strategy won outright per repetition.",
                "Staafdiagram van het aantal wedstrijden dat elke strategie per herhaling won.",
            ),
            axis: lang.pick(
                "matches won per repetition (count)",
                "gewonnen wedstrijden per herhaling (aantal)",
            ),
        },
    );
    let html = figure(&svg, lang.pick(
        "A match is won by scoring more than the opponent; ties win nothing. Winning matches is not the same as scoring well: compare this chart with the ranking.",
        "Een wedstrijd win je door meer te scoren dan de tegenstander; gelijkspel telt niet. Wedstrijden winnen is niet hetzelfde als goed scoren: vergelijk deze grafiek met de rangschikking.",
    ));
    out.push(Section {
        id: "wins".into(),
        heading: lang.pick("Wins", "Overwinningen").into(),
        html,
    });

    // Match lengths when random.
    if matches!(t.length, Length::Random { .. }) {
        let values: Vec<f64> = t.match_lengths.iter().map(|&x| f64::from(x)).collect();
        let svg = xy::histogram(
            "lengths",
            &values,
            OKABE_ITO[4],
            &xy::XyTexts {
                title: lang.pick(
                    "How long the matches lasted",
                    "Hoe lang de wedstrijden duurden",
                ),
                desc: lang.pick(
                    "Histogram of the number of turns of every match.",
                    "Histogram van het aantal beurten van elke wedstrijd.",
                ),
                x: lang.pick("match length (turns)", "lengte van de wedstrijd (beurten)"),
                y: lang.pick("matches (count)", "wedstrijden (aantal)"),
            },
        );
        let html = figure(&svg, lang.pick(
            "Match lengths were drawn at random: after every turn the match ends with a fixed probability, so nobody knows which turn is the last.",
            "De lengte van elke wedstrijd werd geloot: na elke beurt stopt de wedstrijd met een vaste kans, dus niemand weet welke beurt de laatste is.",
        ));
        out.push(Section {
            id: "lengths".into(),
            heading: lang
                .pick("Match lengths", "Lengte van de wedstrijden")
                .into(),
            html,
        });
    }

    if let Some(tr) = &t.trust {
        out.push(trust_section(t, tr, lang, &order));
    }
    (meta, summary::tournament(t, lang), out)
}

fn trust_section(t: &Tournament, tr: &crate::model::Trust, lang: Lang, order: &[usize]) -> Section {
    let k = tr.run;
    let mut html = para(&match lang {
        Lang::En => format!(
            "Trust is measured from the moves: it is built when both players cooperate {k} turns in a row; a betrayal is a defection right after such a run; trust is back when the next run of {k} begins. The cost of a betrayal is what each side earned from the betrayal until trust was back (or the match ended), compared with cooperating all along."
        ),
        Lang::Nl => format!(
            "Vertrouwen wordt gemeten aan de zetten: het ontstaat als beide spelers {k} beurten op rij samenwerken; verraad is een verraderlijke zet direct na zo'n reeks; het vertrouwen is terug als de volgende reeks van {k} begint. De prijs van verraad is wat elke kant verdiende vanaf het verraad tot het vertrouwen terug was (of de wedstrijd eindigde), vergeleken met steeds samenwerken."
        ),
    });
    let opt = |x: Option<f64>, d: usize| x.map_or("–".to_string(), |v| num(lang, v, d));
    let optp = |x: Option<f64>| x.map_or("–".to_string(), |v| pct(lang, v));
    let header: Vec<String> = [
        lang.pick("Strategy", "Strategie"),
        lang.pick("Built", "Ontstaan"),
        lang.pick("From turn", "Vanaf beurt"),
        lang.pick("Betrays ‰", "Verraadt ‰"),
        lang.pick("Betrayed ‰", "Verraden ‰"),
        lang.pick("Recovery (turns)", "Herstel (beurten)"),
        lang.pick("Never mended", "Nooit hersteld"),
        lang.pick("Victim's cost", "Prijs slachtoffer"),
        lang.pick("Betrayed most", "Verraadde vooral"),
        lang.pick("Nice", "Aardig"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<(String, bool)>> = order
        .iter()
        .map(|&i| {
            let s = &tr.strategies[i];
            vec![
                (t.players[i].clone(), true),
                (optp(s.share_built), false),
                (opt(s.mean_built_at, 1), false),
                (opt(s.betrayals_per_1000_turns, 2), false),
                (opt(s.betrayed_per_1000_turns, 2), false),
                (opt(s.mean_recovery, 1), false),
                (optp(s.share_never_recovered), false),
                (opt(s.victim_cost_per_betrayal, 1), false),
                (s.most_betrayed.clone().unwrap_or_else(|| "–".into()), true),
                (
                    lang.pick(
                        if s.never_defected_first { "yes" } else { "no" },
                        if s.never_defected_first { "ja" } else { "nee" },
                    )
                    .to_string(),
                    true,
                ),
            ]
        })
        .collect();
    html += &table(&match lang {
        Lang::En => format!("Trust per strategy (a run of {k} mutual cooperations), over its matches against the others"),
        Lang::Nl => format!("Vertrouwen per strategie (een reeks van {k} keer samen samenwerken), over haar wedstrijden tegen de andere"),
    }, &header, &rows);
    html += &para(lang.pick(
        "Built: share of its matches with trust. From turn: mean first turn of trust where it came. Betrays / Betrayed ‰: its own betrayals and those it suffered per 1,000 of its turns. Recovery: mean turns from a broken trust to the next run. Never mended: share of broken trusts in its matches never followed by trust. Victim's cost: what its victims lost per betrayal compared with cooperating (in payoff units). Nice: it never defected first in any match.",
        "Ontstaan: aandeel van haar wedstrijden met vertrouwen. Vanaf beurt: gemiddelde eerste beurt van vertrouwen waar het ontstond. Verraadt / Verraden ‰: eigen verraad en ondergaan verraad per 1000 van haar beurten. Herstel: gemiddeld aantal beurten van geschonden vertrouwen tot de volgende reeks. Nooit hersteld: aandeel geschonden vertrouwens in haar wedstrijden dat nooit terugkwam. Prijs slachtoffer: wat haar slachtoffers per verraad verloren vergeleken met samenwerken (in uitbetalingseenheden). Aardig: ze verraadde in geen enkele wedstrijd als eerste.",
    ))
    .replace("<p>", "<p class=\"note\">");
    let strip_rows: Vec<strip::StripRow> = order
        .iter()
        .map(|&i| strip::StripRow {
            name: t.players[i].clone(),
            mean: tr.strategies[i].mean_built_at,
            opponents: order
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| (t.players[j].clone(), tr.mean_built_at[i][j]))
                .collect(),
        })
        .collect();
    let svg = strip::chart(
        "time-to-trust",
        &strip_rows,
        &strip::StripTexts {
            title: lang.pick("How long trust took to build", "Hoe lang het duurde voor er vertrouwen was"),
            desc: lang.pick("For each strategy, the mean first turn of trust against each opponent and overall, on a logarithmic turn axis, and how many opponents it never built trust with.", "Voor elke strategie de gemiddelde eerste beurt van vertrouwen tegen elke tegenstander en in totaal, op een logaritmische as, en met hoeveel tegenstanders nooit vertrouwen ontstond."),
            axis: lang.pick("turn on which trust began (mean over matches where it did; log scale)", "beurt waarop vertrouwen begon (gemiddeld waar het ontstond; logaritmisch)"),
            opponent: lang.pick("against one opponent", "tegen één tegenstander"),
            mean: lang.pick("over all its matches", "over al haar wedstrijden"),
            never: lang.pick("never built", "nooit"),
        },
    );
    html += &figure(&svg, &match lang {
        Lang::En => format!("Turn 1 means the pair cooperated from the very first move for at least {k} turns. A dot further right: trust had to be earned first. The right column counts the opponents with which trust never came."),
        Lang::Nl => format!("Beurt 1 betekent dat het paar vanaf de eerste zet minstens {k} beurten samenwerkte. Een stip verder naar rechts: het vertrouwen moest eerst verdiend worden. De rechterkolom telt de tegenstanders waarmee het nooit ontstond."),
    });
    if let Some(m) = &t.timeline {
        let turns = m.moves1.len();
        let cut = (turns > timeline::MAX_TURNS).then(|| match lang {
            Lang::En => format!("(first {} of {turns} turns shown)", timeline::MAX_TURNS),
            Lang::Nl => format!("(eerste {} van {turns} beurten)", timeline::MAX_TURNS),
        });
        let title = match lang {
            Lang::En => format!(
                "One match turn by turn: {} against {}",
                m.player1, m.player2
            ),
            Lang::Nl => format!(
                "Eén wedstrijd beurt voor beurt: {} tegen {}",
                m.player1, m.player2
            ),
        };
        let svg = timeline::chart(
            "timeline",
            m,
            &timeline::TimelineTexts {
                title: &title,
                desc: lang.pick("The moves of both players in every turn of one match, with the stretches of trust and the betrayals marked.", "De zetten van beide spelers in elke beurt van één wedstrijd, met de periodes van vertrouwen en het verraad gemarkeerd."),
                cooperate: lang.pick("cooperates (C)", "werkt samen (C)"),
                defect: lang.pick("defects (D)", "verraadt (D)"),
                trust: lang.pick("trust", "vertrouwen"),
                betrayal: lang.pick("betrayal", "verraad"),
                lost: lang.pick("never recovered", "nooit hersteld"),
                turn: lang.pick("turn", "beurt"),
                cut,
            },
        );
        let any = tr.strategies.iter().any(|s| s.betrayals > 0);
        let why_en = if any {
            "The pair shown is the strategy that betrayed most often against the opponent it betrayed most (first repetition)."
        } else {
            "Nobody betrayed anyone; the pair shown took longest to build trust (first repetition)."
        };
        let why_nl = if any {
            "Getoond is de strategie die het vaakst verraadde, tegen de tegenstander die ze het meest verraadde (eerste herhaling)."
        } else {
            "Niemand verraadde iemand; getoond is het paar dat het langst over vertrouwen deed (eerste herhaling)."
        };
        let recovered: Vec<String> = m
            .recoveries
            .iter()
            .map(|(b, r)| format!("{b}→{r}"))
            .collect();
        let caption = match lang {
            Lang::En => format!(
                "{} Trust was {}; {} betrayed on turns {}, {} on turns {}. Scores: {} and {}.{}",
                why_en,
                m.built_at
                    .map_or("never built".to_string(), |b| format!("built at turn {b}")),
                m.player1,
                list_or_none(lang, &m.betrayals1),
                m.player2,
                list_or_none(lang, &m.betrayals2),
                fmt(m.score1, 2),
                fmt(m.score2, 2),
                if recovered.is_empty() {
                    String::new()
                } else {
                    format!(
                        " Trust came back (betrayal→rebuilt): {}.",
                        recovered.join(", ")
                    )
                }
            ),
            Lang::Nl => format!(
                "{} Vertrouwen {}; {} verraadde in beurt {}, {} in beurt {}. Scores: {} en {}.{}",
                why_nl,
                m.built_at.map_or("ontstond nooit".to_string(), |b| format!(
                    "ontstond in beurt {b}"
                )),
                m.player1,
                list_or_none(lang, &m.betrayals1),
                m.player2,
                list_or_none(lang, &m.betrayals2),
                num(lang, m.score1, 2),
                num(lang, m.score2, 2),
                if recovered.is_empty() {
                    String::new()
                } else {
                    format!(
                        " Het vertrouwen kwam terug (verraad→hersteld): {}.",
                        recovered.join(", ")
                    )
                }
            ),
        };
        html += &figure(&svg, &caption);
    }
    Section {
        id: "trust".into(),
        heading: lang.pick("Trust", "Vertrouwen").into(),
        html,
    }
}

fn list_or_none(lang: Lang, turns: &[u32]) -> String {
    if turns.is_empty() {
        lang.pick("none", "geen").to_string()
    } else {
        let v: Vec<String> = turns.iter().map(|t| t.to_string()).collect();
        summary::list(lang, &v)
    }
}
