//! `vertrouwen report` and `run --report`: every shipped study gives a report whose HTML
//! parses without errors, whose every SVG is well-formed XML with a title and description,
//! and which refers to nothing outside itself. The browser check (headless Chromium, console
//! errors, blank screenshot) runs when `VERTROUWEN_BROWSER_CHECK=1` (set by `.ci/run`, which
//! installs Chromium); elsewhere it says it was skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vertrouwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("run vertrouwen")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `study` (a path) into `out` with `--report` and the extra arguments; returns the HTML.
fn run_with_report(study: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "run",
        study.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
    ];
    args.extend_from_slice(extra);
    let o = vertrouwen(&args);
    assert!(o.status.success(), "{}: {}", study.display(), stderr(&o));
    std::fs::read_to_string(out.join("report.html")).expect("report.html written")
}

/// The checks every report must pass; returns the number of charts.
fn check_report(html: &str, what: &str) -> usize {
    let doc = scraper::Html::parse_document(html);
    assert!(
        doc.errors.is_empty(),
        "{what}: HTML parse errors {:?}",
        doc.errors
    );
    for needle in [
        "http://", "https://", "url(", "<script", "<link", "<img", "<iframe", "@import", "NaN",
        "inf<",
    ] {
        assert!(!html.contains(needle), "{what}: contains {needle:?}");
    }
    for attr in ["src", "href", "xlink:href"] {
        let sel = scraper::Selector::parse(&format!("[{}]", attr.replace(':', "\\:"))).unwrap();
        for el in doc.select(&sel) {
            let v = el.value().attr(attr).unwrap_or("");
            assert!(
                v.starts_with('#'),
                "{what}: {attr}={v:?} points outside the page"
            );
        }
    }
    let mut charts = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + "</svg>".len();
        let svg = &rest[start..end];
        let xml = roxmltree::Document::parse(svg)
            .unwrap_or_else(|e| panic!("{what}: SVG {charts} is not well-formed XML: {e}"));
        let root = xml.root_element();
        assert_eq!(root.attribute("role"), Some("img"), "{what}");
        let kids: Vec<&str> = root
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(
            &kids[..2],
            ["title", "desc"],
            "{what}: chart {charts} needs a title and a description"
        );
        let title = root
            .first_element_child()
            .and_then(|t| t.text())
            .unwrap_or("");
        assert!(
            !title.trim().is_empty(),
            "{what}: chart {charts} has an empty title"
        );
        charts += 1;
        rest = &rest[end..];
    }
    charts
}

fn study_kind(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .and_then(|l| l.split('(').next())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Every shipped study gives a valid report with the charts of its kind.
#[test]
fn every_shipped_study_produces_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut done = 0;
    for entry in std::fs::read_dir(repo_root().join("tournaments")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ron") {
            continue;
        }
        let mut out = dir.path().join(path.file_stem().unwrap());
        let mut kind = study_kind(&std::fs::read_to_string(&path).unwrap());
        let html = if kind == "Sweep" {
            // A sweep's points are reported one by one: its first point is a tournament.
            let o = vertrouwen(&[
                "run",
                path.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            out = out.join("point-00");
            let o = vertrouwen(&["report", out.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
            kind = "Tournament".into();
            std::fs::read_to_string(out.join("report.html")).unwrap()
        } else {
            run_with_report(&path, &out, &[])
        };
        let what = path.display().to_string();
        let charts = check_report(&html, &what);
        let expected = match kind.as_str() {
            // Box plot, payoffs, cooperation, wins, time to trust, timeline.
            "Tournament" => 6,
            // Stack plot (or bars) and the payoff matrix.
            "Ecological" | "Replicator" | "Fixation" | "Stationary" => 2,
            // Fixation bars, trajectories, payoff matrix.
            "Simulation" => 3,
            other => panic!("unknown kind {other}"),
        };
        assert_eq!(charts, expected, "{what}: charts");
        assert!(html.contains("In short"), "{what}");
        if kind == "Tournament" {
            assert!(
                out.join("trust.csv").exists() && out.join("timeline.json").exists(),
                "{what}"
            );
            assert!(html.contains("id=\"trust\""), "{what}");
        }
        done += 1;
    }
    assert!(done >= 10, "found {done} studies");
}

/// The Dutch report of the prison story speaks Dutch and in years of prison; `report` on an
/// existing directory rewrites it.
#[test]
fn dutch_prison_years_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prison");
    let english = run_with_report(&repo_root().join("tournaments/prison-years.ron"), &out, &[]);
    assert!(
        english.contains("years of prison per round"),
        "the English summary speaks in years"
    );
    let o = vertrouwen(&["report", out.to_str().unwrap(), "--lang", "nl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_report(&html, "prison-years nl");
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(
        html.contains("In het kort") && html.contains("jaar cel per ronde"),
        "Dutch, in years"
    );
    let bad = vertrouwen(&["report", out.to_str().unwrap(), "--lang", "fr"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("--lang"), "{}", stderr(&bad));
    let missing = vertrouwen(&["report", dir.path().join("nowhere").to_str().unwrap()]);
    assert!(
        stderr(&missing).contains("results.json"),
        "{}",
        stderr(&missing)
    );
}

/// Charts the shipped studies do not reach: the simplex of a three-strategy replicator study
/// and the match-length histogram of a tournament of random length; `--trust-run` is
/// recorded and used.
#[test]
fn simplex_histogram_and_trust_run() {
    let dir = tempfile::tempdir().unwrap();
    let rps = dir.path().join("rps.ron");
    std::fs::write(
        &rps,
        "Replicator(name: \"Rock paper scissors\", payoffs: Matrix(strategies: [\"Rock\", \"Paper\", \"Scissors\"], rows: [[1, 0, 2], [2, 1, 0], [0, 2, 1]]), initial: [0.5, 0.3, 0.2], time: 20.0, points: 200)",
    )
    .unwrap();
    let html = run_with_report(&rps, &dir.path().join("rps"), &[]);
    assert_eq!(
        check_report(&html, "rps"),
        3,
        "stack plot, simplex, payoffs"
    );
    assert!(html.contains("id=\"simplex-title\""));
    let random = dir.path().join("random.ron");
    std::fs::write(
        &random,
        "Tournament(players: [\"Tit For Tat\", \"Grudger\", \"Random\", \"Con Artist\", \"Cooperator\"], prob_end: 0.02, repetitions: 3, seed: 2)",
    )
    .unwrap();
    let out = dir.path().join("random");
    let html = run_with_report(&random, &out, &["--trust-run", "3"]);
    assert_eq!(check_report(&html, "random"), 7, "the histogram comes in");
    assert!(html.contains("id=\"lengths-title\""));
    assert!(html.contains("3 mutual cooperations in a row"));
    let csv = std::fs::read_to_string(out.join("trust.csv")).unwrap();
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",3")), "{csv}");
}

/// Renders two shipped studies' reports in headless Chromium: no console errors, and a
/// screenshot that is not blank. Needs `VERTROUWEN_BROWSER_CHECK=1` and Chromium.
#[test]
fn browser_renders_reports() {
    if std::env::var("VERTROUWEN_BROWSER_CHECK").as_deref() != Ok("1") {
        eprintln!("browser check skipped: set VERTROUWEN_BROWSER_CHECK=1 with chromium installed (.ci/run does)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for study in ["trust", "axelrod-ecological"] {
        let out = dir.path().join(study);
        run_with_report(
            &repo_root().join(format!("tournaments/{study}.ron")),
            &out,
            &[],
        );
        let page = out.join("report.html");
        let shot = out.join("screenshot.png");
        let profile = tempfile::tempdir().unwrap();
        let o = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=900,1400",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("chromium runs (VERTROUWEN_BROWSER_CHECK=1 needs it installed)");
        let log = stderr(&o);
        assert!(o.status.success(), "{study}: chromium failed: {log}");
        // Chromium logs every console message as `INFO:CONSOLE:...` (`console.error`, an
        // uncaught exception, a blocked load alike). The page has no script, so any console
        // line is a failure.
        for line in log.lines() {
            assert!(
                !line.contains(":CONSOLE") && !line.contains("Failed to load resource"),
                "{study}: console message: {line}"
            );
        }
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(&shot).expect("screenshot written"),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
        let inked = pixels
            .iter()
            .filter(|p| p[..3].iter().any(|&c| c < 200))
            .count();
        assert!(
            inked * 50 > pixels.len(),
            "{study}: screenshot nearly blank ({inked} of {} pixels inked)",
            pixels.len()
        );
        let colours: std::collections::BTreeSet<[u8; 3]> =
            pixels.iter().map(|p| [p[0], p[1], p[2]]).collect();
        assert!(
            colours.len() > 50,
            "{study}: only {} colours: charts missing?",
            colours.len()
        );
        eprintln!(
            "browser check: {study} rendered, {} colours, {inked} inked pixels",
            colours.len()
        );
    }
}
