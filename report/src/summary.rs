//! The report's opening in plain language, generated from the data: who won, whether the
//! strategies that never defect first did well, how long trust took to build, what a
//! betrayal cost; for dynamics, where the population went. English or Dutch; with the
//! `prison-years` game, in years of prison as the essay tells the dilemma.

use crate::model::*;
use crate::scale::fmt;
use crate::Lang;

/// A number for running text: Dutch writes a decimal comma.
pub fn num(lang: Lang, x: f64, decimals: usize) -> String {
    let s = fmt(x, decimals);
    match lang {
        Lang::En => s,
        Lang::Nl => s.replace('.', ","),
    }
}

/// A share as a percentage.
pub fn pct(lang: Lang, x: f64) -> String {
    let decimals = if x > 0.0 && x < 0.01 { 1 } else { 0 };
    format!("{}%", num(lang, 100.0 * x, decimals))
}

/// An amount of payoff: points, or years of prison (payoffs are minus years).
pub fn amount(lang: Lang, game: &Game, x: f64) -> String {
    let v = num(lang, x.abs(), 1);
    match (game.is_prison_years(), lang) {
        (true, Lang::En) => format!("{v} year{} of prison", if v == "1" { "" } else { "s" }),
        (true, Lang::Nl) => format!("{v} jaar cel"),
        (false, Lang::En) => format!("{v} point{}", if v == "1" { "" } else { "s" }),
        (false, Lang::Nl) => format!("{v} punt{}", if v == "1" { "" } else { "en" }),
    }
}

/// "A, B and C" / "A, B en C".
pub fn list(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), lang.pick("and", "en")),
    }
}

/// The opening paragraphs of a tournament report.
pub fn tournament(t: &Tournament, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let n = t.players.len();
    let (first, last) = (t.ranking[0], t.ranking[n - 1]);
    let prison = t.game.is_prison_years();
    out.push(if prison {
        let years = |i: usize| num(lang, -t.median_scores[i], 2);
        match lang {
            Lang::En => format!(
                "{} did best: {} years of prison per round (the median over {} repetitions of its average against every other strategy). {} did worst, with {} years per round.",
                t.players[first], years(first), t.repetitions, t.players[last], years(last)
            ),
            Lang::Nl => format!(
                "{} deed het best: {} jaar cel per ronde (de mediaan over {} herhalingen van het gemiddelde tegen elke andere strategie). {} deed het slechtst, met {} jaar per ronde.",
                t.players[first], years(first), t.repetitions, t.players[last], years(last)
            ),
        }
    } else {
        let score = |i: usize| num(lang, t.median_scores[i], 2);
        match lang {
            Lang::En => format!(
                "{} won with {} points per turn (the median over {} repetitions of its average against every other strategy; mutual cooperation pays {} per turn). {} came last with {}.",
                t.players[first], score(first), t.repetitions, num(lang, t.game.r, 2), t.players[last], score(last)
            ),
            Lang::Nl => format!(
                "{} won met {} punten per beurt (de mediaan over {} herhalingen van het gemiddelde tegen elke andere strategie; samenwerken levert beide {} per beurt op). {} werd laatste met {}.",
                t.players[first], score(first), t.repetitions, num(lang, t.game.r, 2), t.players[last], score(last)
            ),
        }
    });
    let Some(trust) = &t.trust else {
        return out;
    };
    let place: Vec<usize> = {
        let mut p = vec![0; n];
        for (rank, &i) in t.ranking.iter().enumerate() {
            p[i] = rank + 1;
        }
        p
    };
    let nice: Vec<usize> = (0..n)
        .filter(|&i| trust.strategies[i].never_defected_first)
        .collect();
    let others: Vec<usize> = (0..n)
        .filter(|&i| !trust.strategies[i].never_defected_first)
        .collect();
    if !nice.is_empty() && !others.is_empty() {
        let mean_place =
            |v: &[usize]| v.iter().map(|&i| place[i] as f64).sum::<f64>() / v.len() as f64;
        let (a, b) = (mean_place(&nice), mean_place(&others));
        let names: Vec<String> = {
            let mut v = nice.clone();
            v.sort_by_key(|&i| place[i]);
            v.iter()
                .map(|&i| format!("{} ({})", t.players[i], place[i]))
                .collect()
        };
        out.push(match lang {
            Lang::En => format!(
                "The strategies that never defected first in any match (\"nice\" in Axelrod's sense) took these places: {}. On average they finished at place {}, the others at {}: {}",
                list(lang, &names), num(lang, a, 1), num(lang, b, 1),
                if a < b { "being nice paid off here." } else { "being nice did not pay off here." }
            ),
            Lang::Nl => format!(
                "De strategieën die in geen enkele wedstrijd als eerste verraadden (\"aardig\" in de zin van Axelrod) eindigden op deze plaatsen: {}. Gemiddeld kwamen ze op plaats {}, de andere op {}: {}",
                list(lang, &names), num(lang, a, 1), num(lang, b, 1),
                if a < b { "aardig zijn loonde hier." } else { "aardig zijn loonde hier niet." }
            ),
        });
    }
    // How long trust took.
    let o = &trust.overall;
    let k = trust.run;
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    let mut never: Vec<(usize, usize)> = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            match trust.mean_built_at[i][j] {
                Some(b) => pairs.push((b, i, j)),
                None => never.push((i, j)),
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let (Some(share), Some(mean)) = (o.share_built, o.mean_built_at) {
        let slowest = pairs
            .last()
            .map(|&(b, i, j)| (b, t.players[i].clone(), t.players[j].clone()));
        let mut text = match lang {
            Lang::En => format!(
                "Trust ({k} mutual cooperations in a row) was built in {} of the matches, on average from turn {}.",
                pct(lang, share), num(lang, mean, 1)
            ),
            Lang::Nl => format!(
                "Vertrouwen ({k} keer op rij allebei samenwerken) ontstond in {} van de wedstrijden, gemiddeld vanaf beurt {}.",
                pct(lang, share), num(lang, mean, 1)
            ),
        };
        if let Some((b, x, y)) = slowest.filter(|s| s.0 > 1.5) {
            text += &match lang {
                Lang::En => format!(
                    " It took longest between {x} and {y}: from turn {} on average.",
                    num(lang, b, 1)
                ),
                Lang::Nl => format!(
                    " Het duurde het langst tussen {x} en {y}: gemiddeld tot beurt {}.",
                    num(lang, b, 1)
                ),
            };
        }
        if let Some(&(i, j)) = never.first() {
            text +=
                &match lang {
                    Lang::En => {
                        format!(
                    " Between {} of the {} pairs it was never built, for example {} and {}.",
                    never.len(), n * (n - 1) / 2, t.players[i], t.players[j]
                )
                    }
                    Lang::Nl => format!(
                    " Tussen {} van de {} paren ontstond het nooit, bijvoorbeeld tussen {} en {}.",
                    never.len(), n * (n - 1) / 2, t.players[i], t.players[j]
                ),
                };
        }
        out.push(text);
    } else {
        out.push(match lang {
            Lang::En => format!("Trust ({k} mutual cooperations in a row) was never built in any match."),
            Lang::Nl => format!("Vertrouwen ({k} keer op rij allebei samenwerken) ontstond in geen enkele wedstrijd."),
        });
    }
    // What a betrayal cost.
    if let Some(victim) = o.victim_cost_per_betrayal {
        let betrayer = o.cost_per_betrayal.unwrap_or(0.0);
        let recovery = o.mean_recovery;
        let lost = o.share_never_recovered.unwrap_or(0.0);
        let gain_or_loss = |x: f64| -> String {
            match (prison, x <= 0.0, lang) {
                (true, true, Lang::En) => format!("served {} less", amount(lang, &t.game, x)),
                (true, false, Lang::En) => format!("served {} more", amount(lang, &t.game, x)),
                (true, true, Lang::Nl) => format!("zat {} korter", amount(lang, &t.game, x)),
                (true, false, Lang::Nl) => format!("zat {} langer", amount(lang, &t.game, x)),
                (false, true, Lang::En) => format!("gained {}", amount(lang, &t.game, x)),
                (false, false, Lang::En) => format!("lost {}", amount(lang, &t.game, x)),
                (false, true, Lang::Nl) => format!("won {}", amount(lang, &t.game, x)),
                (false, false, Lang::Nl) => format!("verloor {}", amount(lang, &t.game, x)),
            }
        };
        let mut text = match (prison, lang) {
            (true, Lang::En) => format!(
                "What does one betrayal cost? Counted from the betrayal until trust was back (or the match ended), the betrayed player served {} more than if both had kept silent, and the betrayer {}.",
                amount(lang, &t.game, victim), gain_or_loss(betrayer)
            ),
            (true, Lang::Nl) => format!(
                "Wat kost één verraad? Gerekend vanaf het verraad tot het vertrouwen terug was (of de wedstrijd eindigde), zat de verradene {} langer dan als beiden hadden gezwegen, en de verrader {}.",
                amount(lang, &t.game, victim), gain_or_loss(betrayer)
            ),
            (false, Lang::En) => format!(
                "What does one betrayal cost? Counted from the betrayal until trust was back (or the match ended), the betrayed player lost {} compared with continued cooperation, and the betrayer {}.",
                amount(lang, &t.game, victim), gain_or_loss(betrayer)
            ),
            (false, Lang::Nl) => format!(
                "Wat kost één verraad? Gerekend vanaf het verraad tot het vertrouwen terug was (of de wedstrijd eindigde), verloor de verradene {} vergeleken met doorgaan met samenwerken, en de verrader {}.",
                amount(lang, &t.game, victim), gain_or_loss(betrayer)
            ),
        };
        text += &match (recovery, lang) {
            (Some(r), Lang::En) => format!(
                " Trust came back after {} turns on average; {} of broken trusts were never mended.",
                num(lang, r, 1), pct(lang, lost)
            ),
            (Some(r), Lang::Nl) => format!(
                " Het vertrouwen kwam gemiddeld na {} beurten terug; {} van de geschonden vertrouwens werd nooit hersteld.",
                num(lang, r, 1), pct(lang, lost)
            ),
            (None, Lang::En) => " Broken trust was never mended.".to_string(),
            (None, Lang::Nl) => " Geschonden vertrouwen werd nooit hersteld.".to_string(),
        };
        out.push(text);
        let top = (0..n)
            .filter(|&i| trust.strategies[i].betrayals > 0)
            .max_by(|&a, &b| {
                let r = |i: usize| trust.strategies[i].betrayals_per_1000_turns.unwrap_or(0.0);
                r(a).total_cmp(&r(b))
            });
        if let Some(i) = top {
            let s = &trust.strategies[i];
            let rate = num(lang, s.betrayals_per_1000_turns.unwrap_or(0.0), 1);
            let victim = s.most_betrayed.clone().unwrap_or_default();
            out.push(match lang {
                Lang::En => format!(
                    "{} betrayed most often: {rate} times per 1,000 turns, most of all {victim}.",
                    t.players[i]
                ),
                Lang::Nl => format!(
                    "{} verraadde het vaakst: {rate} keer per 1000 beurten, het vaakst {victim}.",
                    t.players[i]
                ),
            });
        }
    } else if o.share_built.is_some() {
        out.push(
            lang.pick(
                "Once built, trust was never betrayed in this tournament.",
                "Eenmaal ontstaan werd het vertrouwen in dit toernooi nooit geschonden.",
            )
            .to_string(),
        );
    }
    if t.noise > 0.0 {
        if let Some(lost) = o.share_lost_for_good {
            out.push(match lang {
                Lang::En => format!(
                    "With noise (each move flipped with probability {}), mistakes look like betrayals: in {} of the matches where trust was built, it was lost for good by the end.",
                    num(lang, t.noise, 3), pct(lang, lost)
                ),
                Lang::Nl => format!(
                    "Met ruis (elke zet wordt met kans {} omgedraaid) lijken vergissingen op verraad: in {} van de wedstrijden waarin vertrouwen ontstond, was het aan het eind voorgoed weg.",
                    num(lang, t.noise, 3), pct(lang, lost)
                ),
            });
        }
    }
    out
}

/// The opening paragraphs of a dynamics report.
pub fn dynamics(d: &Dynamics, lang: Lang) -> Vec<String> {
    let names = &d.strategies;
    let mut out = Vec::new();
    match &d.kind {
        DynamicsKind::Shares {
            discrete,
            times,
            shares,
        } => {
            let Some(last) = shares.last() else {
                return out;
            };
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by(|&a, &b| last[b].total_cmp(&last[a]));
            let end = times.last().copied().unwrap_or(0.0);
            let when = match (discrete, lang) {
                (true, Lang::En) => format!("After {} generations", num(lang, end, 0)),
                (true, Lang::Nl) => format!("Na {} generaties", num(lang, end, 0)),
                (false, Lang::En) => format!("At time {}", num(lang, end, 2)),
                (false, Lang::Nl) => format!("Op tijdstip {}", num(lang, end, 2)),
            };
            let top: Vec<String> = order
                .iter()
                .take(3)
                .filter(|&&i| last[i] >= 0.01)
                .map(|&i| format!("{} ({})", names[i], pct(lang, last[i])))
                .collect();
            let gone = order.iter().filter(|&&i| last[i] < 0.01).count();
            out.push(match lang {
                Lang::En => format!(
                    "{when} the population is led by {}. {gone} of the {} strategies have shrunk below 1%.",
                    list(lang, &top), names.len()
                ),
                Lang::Nl => format!(
                    "{when} bestaat de populatie vooral uit {}. {gone} van de {} strategieën zijn onder 1% gezakt.",
                    list(lang, &top), names.len()
                ),
            });
        }
        DynamicsKind::Fixation { population, rows } => {
            for r in rows {
                let mut chars = r.process.chars();
                let process: String = chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                let favoured = r.rho_a > r.neutral;
                out.push(match lang {
                    Lang::En => format!(
                        "{} process (intensity {}): one {} among {} {} takes over with probability {}, {} than the neutral 1/N = {}: selection {} it. One {} among {} takes over with probability {}.",
                        process, num(lang, r.intensity, 3), names[0], population - 1, names[1], sci(r.rho_a),
                        if favoured { "more" } else { "less" }, num(lang, r.neutral, 3),
                        if favoured { "favours" } else { "opposes" }, names[1], names[0], sci(r.rho_b)
                    ),
                    Lang::Nl => format!(
                        "Proces {} (intensiteit {}): één {} tussen {} keer {} neemt de populatie over met kans {}, {} dan de neutrale 1/N = {}: selectie {} haar. Eén {} tussen {} neemt over met kans {}.",
                        process, num(lang, r.intensity, 3), names[0], population - 1, names[1], sci(r.rho_a).replace('.', ","),
                        if favoured { "groter" } else { "kleiner" }, num(lang, r.neutral, 3),
                        if favoured { "bevoordeelt" } else { "benadeelt" }, names[1], names[0], sci(r.rho_b).replace('.', ",")
                    ),
                });
            }
        }
        DynamicsKind::Stationary {
            population,
            distribution,
            ..
        } => {
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by(|&a, &b| distribution[b].total_cmp(&distribution[a]));
            let top: Vec<String> = order
                .iter()
                .take(3)
                .map(|&i| format!("{} ({})", names[i], pct(lang, distribution[i])))
                .collect();
            out.push(match lang {
                Lang::En => format!(
                    "With rare mutations, a population of {population} spends most of its time as {}.",
                    list(lang, &top)
                ),
                Lang::Nl => format!(
                    "Met zeldzame mutaties is een populatie van {population} het grootste deel van de tijd {}.",
                    list(lang, &top)
                ),
            });
        }
        DynamicsKind::Simulation(s) => {
            let parts: Vec<String> = (0..names.len())
                .map(|i| {
                    let neutral = s.initial[i] as f64 / s.population.max(1) as f64;
                    match lang {
                        Lang::En => format!(
                            "{} took over in {} of the runs (± {}; {} if selection were neutral)",
                            names[i], pct(lang, s.frequency[i]), pct(lang, s.standard_error[i]), pct(lang, neutral)
                        ),
                        Lang::Nl => format!(
                            "{} nam de populatie over in {} van de runs (± {}; {} bij neutrale selectie)",
                            names[i], pct(lang, s.frequency[i]), pct(lang, s.standard_error[i]), pct(lang, neutral)
                        ),
                    }
                })
                .collect();
            out.push(match lang {
                Lang::En => format!("In {} runs: {}.", s.runs, list(lang, &parts)),
                Lang::Nl => format!("In {} runs: {}.", s.runs, list(lang, &parts)),
            });
            if s.unfinished > 0 {
                out.push(match lang {
                    Lang::En => format!(
                        "{} runs ended before any strategy took over (step limit).",
                        s.unfinished
                    ),
                    Lang::Nl => format!(
                        "{} runs stopten voordat een strategie alles overnam (stappenlimiet).",
                        s.unfinished
                    ),
                });
            }
        }
    }
    out
}

/// A probability that may be tiny: three significant digits.
fn sci(x: f64) -> String {
    if x != 0.0 && x.abs() < 1e-3 {
        format!("{x:.2e}")
    } else {
        fmt(x, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_numbers_and_lists() {
        assert_eq!(num(Lang::Nl, 2.5, 1), "2,5");
        assert_eq!(pct(Lang::En, 0.256), "26%");
        assert_eq!(pct(Lang::En, 0.004), "0.4%");
        let g = Game {
            r: -1.0,
            s: -10.0,
            t: 0.0,
            p: -5.0,
        };
        assert_eq!(amount(Lang::En, &g, -3.0), "3 years of prison");
        assert_eq!(amount(Lang::Nl, &g, 1.0), "1 jaar cel");
        assert_eq!(
            list(Lang::Nl, &["a".into(), "b".into(), "c".into()]),
            "a, b en c"
        );
    }
}
