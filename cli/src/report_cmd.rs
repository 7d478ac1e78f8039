//! `vertrouwen report DIR`: the HTML report of a run's output folder, and what `run` adds to
//! that folder for it (`timeline.json`: one match of a notable pair, turn by turn).

use std::path::PathBuf;

use clap::Args;
use vertrouwen_engine::matchup::{play_recorded, MatchRecord};
use vertrouwen_engine::results::ResultSet;
use vertrouwen_engine::tournament::tally::pair_index;
use vertrouwen_engine::tournament::TournamentSpec;
use vertrouwen_output::{convert, write_file, write_json, RunFolder, WriteError};
use vertrouwen_plugins_api::derive_seed;
use vertrouwen_report::Lang;

use crate::failure::Failure;
use crate::terminal::note;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output folder of `vertrouwen run` (it holds results.json).
    pub dir: PathBuf,
    /// Language of the report's text: en (English) or nl (Dutch).
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub lang: String,
}

fn parse_lang(text: &str) -> Result<Lang, Failure> {
    text.parse::<Lang>().map_err(|e| Failure::flag("--lang", e))
}

fn render(dir: &std::path::Path, lang: Lang) -> Result<String, Failure> {
    vertrouwen_report::render_dir(dir, lang).map_err(|e| Failure::Message(e.to_string()))
}

/// `vertrouwen report DIR`: writes `DIR/report.html` (atomically; the run's manifest does not
/// list it) and says where.
pub fn report(a: ReportArgs) -> Result<(), Failure> {
    let html = render(&a.dir, parse_lang(&a.lang)?)?;
    let path = a.dir.join("report.html");
    write_file(&path, |w| Ok(w.write_all(html.as_bytes())?))?;
    note(&format!("Wrote {}.", path.display()));
    Ok(())
}

/// `run --report`: the report of the run being written, added to its folder before it is
/// published (so the manifest lists it).
pub fn write_report_into(folder: &mut RunFolder, lang: &str) -> Result<(), Failure> {
    let html = render(folder.staging(), parse_lang(lang)?)?;
    folder.write("report.html", |w| Ok(w.write_all(html.as_bytes())?))?;
    Ok(())
}

/// Writes `timeline.json`: the first-repetition match of the tournament's notable pair (see
/// `TrustResults::notable_pair`), replayed with the tournament's seed for that match, with its
/// trust turn by turn. Replaying a match gives the moves the tournament played (fresh
/// instances reset to the same state).
pub fn write_timeline(
    folder: &mut RunFolder,
    spec: &TournamentSpec,
    results: &ResultSet,
) -> Result<(), Failure> {
    let Some((a, b)) = results.trust.notable_pair() else {
        return Ok(());
    };
    // The results hold the players that were not disqualified; find them in the spec.
    let index = |label: &str| spec.players.iter().position(|p| p.label == label);
    let (Some(i), Some(j)) = (index(&results.players[a]), index(&results.players[b])) else {
        return Ok(());
    };
    let n = spec.players.len();
    let seed = derive_seed(spec.seed, pair_index(n, i.min(j), i.max(j)) as u64);
    let (p, q) = (&spec.players[i], &spec.players[j]);
    let mut rec: MatchRecord = play_recorded(
        [
            (&p.entry, p.params.as_deref()),
            (&q.entry, q.params.as_deref()),
        ],
        &spec.matches,
        seed,
    )
    .map_err(|e| Failure::Message(format!("replaying {} vs {}: {e}", p.label, q.label)))?;
    rec.player1 = p.label.clone();
    rec.player2 = q.label.clone();
    let doc = serde_json::json!({
        "about": "The first-repetition match of a notable pair of the tournament, turn by turn.",
        "repetition": 0,
        "seed": seed,
        "match": convert::match_document(&rec),
    });
    folder.write("timeline.json", |w| write_json(w, &doc))?;
    Ok(())
}

/// One character per turn under the moves of `vertrouwen match`: `=` inside a trust run,
/// `!` on a broken trust, `.` elsewhere.
pub fn trust_marks(rec: &MatchRecord) -> String {
    let mut marks = vec!['.'; rec.turns as usize];
    for [first, last] in &rec.trust.trust_runs {
        for t in *first..=*last {
            if let Some(m) = marks.get_mut(t as usize - 1) {
                *m = '=';
            }
        }
    }
    for t in rec.trust.betrayals1.iter().chain(&rec.trust.betrayals2) {
        if let Some(m) = marks.get_mut(*t as usize - 1) {
            *m = '!';
        }
    }
    marks.into_iter().collect()
}

// `WriteError` converts from `std::io::Error`; the closures above rely on it.
const _: fn(std::io::Error) -> WriteError = WriteError::from;
