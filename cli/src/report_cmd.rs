//! `vertrouwen report DIR`: the HTML report of a run's output directory, and what `run` adds to
//! that directory for it (`timeline.json`: one match of a notable pair, turn by turn).

use std::path::{Path, PathBuf};

use clap::Args;
use vertrouwen_engine::matchup::{play_recorded, MatchRecord};
use vertrouwen_engine::results::{write_atomic, ResultSet};
use vertrouwen_engine::tournament::tally::pair_index;
use vertrouwen_engine::tournament::TournamentSpec;
use vertrouwen_plugins_api::derive_seed;
use vertrouwen_report::Lang;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output directory of `vertrouwen run` (it holds results.json).
    pub dir: PathBuf,
    /// Language of the report's text: en (English) or nl (Dutch).
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub lang: String,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse::<Lang>().map_err(|e| format!("--lang: {e}"))
}

/// Writes `DIR/report.html` and says where.
pub fn report(a: ReportArgs) -> Result<(), String> {
    let lang = parse_lang(&a.lang)?;
    let path = write_report(&a.dir, lang)?;
    eprintln!("Wrote {}.", path.display());
    Ok(())
}

/// `run --report`: the report of the directory just written.
pub fn after_run(dir: &Path, lang: &str) -> Result<(), String> {
    let lang = parse_lang(lang)?;
    let path = write_report(dir, lang)?;
    eprintln!("Wrote {}.", path.display());
    Ok(())
}

fn write_report(dir: &Path, lang: Lang) -> Result<PathBuf, String> {
    let html = vertrouwen_report::render_dir(dir, lang).map_err(|e| e.to_string())?;
    let path = dir.join("report.html");
    write_atomic(&path, html.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Writes `timeline.json`: the first-repetition match of the tournament's notable pair (see
/// `TrustResults::notable_pair`), replayed with the tournament's seed for that match, with its
/// trust turn by turn. Replaying a match gives the moves the tournament played (fresh
/// instances reset to the same state).
pub fn write_timeline(
    dir: &Path,
    spec: &TournamentSpec,
    results: &ResultSet,
) -> Result<(), String> {
    let Some((i, j)) = results.trust.notable_pair() else {
        return Ok(());
    };
    let n = spec.players.len();
    let seed = derive_seed(spec.seed, pair_index(n, i, j) as u64);
    let (a, b) = (&spec.players[i], &spec.players[j]);
    let mut rec: MatchRecord = play_recorded(
        [
            (&a.entry, a.params.as_deref()),
            (&b.entry, b.params.as_deref()),
        ],
        &spec.matches,
        seed,
    )
    .map_err(|e| format!("replaying {} vs {}: {e}", a.label, b.label))?;
    rec.player1 = a.label.clone();
    rec.player2 = b.label.clone();
    let doc = serde_json::json!({
        "about": "The first-repetition match of a notable pair of the tournament, turn by turn.",
        "repetition": 0,
        "seed": seed,
        "match": rec,
    });
    let path = dir.join("timeline.json");
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
    write_atomic(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
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
