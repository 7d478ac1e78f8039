//! The HTML document around the charts: head with inline CSS (screen and print), header,
//! summary, contents, sections with figures and captions, tables, footer. No scripts, no
//! external resources.

use std::fmt::Write as _;

use crate::model::{Body, Report};
use crate::svg::esc;
use crate::{page_dynamics, page_tournament, Lang};

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1a1a1a; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 820px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.2em 0 0.3em; }
h2 { font-size: 1.35rem; margin: 2em 0 0.5em; padding-top: 0.4em; border-top: 2px solid #e3e3e3; }
h3 { font-size: 1.1rem; margin: 1.5em 0 0.4em; }
p.meta { color: #444444; margin: 0 0 1em; font-size: 0.95rem; }
.summary { background: #f3f7fb; border-left: 5px solid #0072B2; padding: 12px 18px; margin: 1em 0 1.5em; }
.summary p { margin: 0.5em 0; }
figure { margin: 1.2em 0 1.8em; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; max-width: 760px; height: auto; }
figcaption { color: #333333; font-size: 0.93rem; margin-top: 0.4em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.8em 0 1.5em; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.4em; }
th, td { border-bottom: 1px solid #dddddd; padding: 4px 6px; text-align: right; vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; }
th:first-child, td:first-child, td.text { text-align: left; }
.table-wrap { overflow-x: auto; }
nav ol { columns: 2; margin: 0.3em 0; padding-left: 1.4em; }
a { color: #0b5cad; }
footer { margin-top: 3em; color: #555555; font-size: 0.85rem; border-top: 1px solid #dddddd; padding-top: 0.8em; }
.note { color: #444444; font-size: 0.93rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
}
"#;

/// A section of the page: anchor id, heading, and its HTML.
pub struct Section {
    pub id: String,
    pub heading: String,
    pub html: String,
}

/// A figure: the chart, then a caption saying how to read it.
pub fn figure(svg: &str, caption: &str) -> String {
    format!(
        "<figure>{svg}<figcaption>{}</figcaption></figure>\n",
        esc(caption)
    )
}

/// A paragraph of escaped text.
pub fn para(text: &str) -> String {
    format!("<p>{}</p>\n", esc(text))
}

/// A table: caption, header cells, rows of cells (`(text, is_text)`: text cells align left).
pub fn table(caption: &str, header: &[String], rows: &[Vec<(String, bool)>]) -> String {
    let mut s = String::from("<div class=\"table-wrap\"><table>");
    let _ = write!(s, "<caption>{}</caption><thead><tr>", esc(caption));
    for h in header {
        let _ = write!(s, "<th scope=\"col\">{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for row in rows {
        s.push_str("<tr>");
        for (k, (cell, text)) in row.iter().enumerate() {
            if k == 0 {
                let _ = write!(s, "<th scope=\"row\">{}</th>", esc(cell));
            } else if *text {
                let _ = write!(s, "<td class=\"text\">{}</td>", esc(cell));
            } else {
                let _ = write!(s, "<td>{}</td>", esc(cell));
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>\n");
    s
}

/// The whole document.
pub fn document(report: &Report, lang: Lang) -> String {
    let (meta, summary, sections) = match &report.body {
        Body::Tournament(t) => page_tournament::sections(t, lang),
        Body::Dynamics(d) => page_dynamics::sections(d, lang),
    };
    let mut s = String::with_capacity(256 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<header>\n<h1>{}</h1>\n",
        lang.code(),
        esc(&report.title),
        esc(&report.title)
    );
    if let Some(d) = &report.description {
        let _ = writeln!(s, "<p>{}</p>", esc(d));
    }
    let _ = writeln!(s, "<p class=\"meta\">{}</p>\n</header>", esc(&meta));
    let _ = write!(
        s,
        "<section class=\"summary\" aria-labelledby=\"summary-heading\">\n<h2 id=\"summary-heading\" style=\"border:0;margin-top:0.2em\">{}</h2>\n",
        lang.pick("In short", "In het kort")
    );
    for p in &summary {
        s.push_str(&para(p));
    }
    s.push_str("</section>\n");
    let _ = write!(
        s,
        "<nav aria-label=\"{0}\"><strong>{0}</strong><ol>",
        lang.pick("Contents", "Inhoud")
    );
    for sec in &sections {
        let _ = write!(
            s,
            "<li><a href=\"#{}\">{}</a></li>",
            sec.id,
            esc(&sec.heading)
        );
    }
    s.push_str("</ol></nav>\n");
    for sec in &sections {
        let _ = write!(
            s,
            "<section id=\"{}\" aria-labelledby=\"{}-heading\">\n<h2 id=\"{}-heading\">{}</h2>\n{}</section>\n",
            sec.id,
            sec.id,
            sec.id,
            esc(&sec.heading),
            sec.html
        );
    }
    let mut footer = lang
        .pick(
            "Made by vertrouwen report from the files of this run. This page is self-contained: it loads nothing from anywhere and needs no JavaScript.",
            "Gemaakt door vertrouwen report uit de bestanden van deze run. Deze pagina staat op zichzelf: ze laadt niets van buiten en heeft geen JavaScript nodig.",
        )
        .to_string();
    if let Some(f) = &report.source_file {
        footer += &format!(" {} {f}.", lang.pick("Study file:", "Studiebestand:"));
    }
    if let Some(e) = &report.engine {
        footer += &format!(" {e}.");
    }
    let _ = write!(
        s,
        "<footer><p>{}</p></footer>\n</main>\n</body>\n</html>\n",
        esc(&footer)
    );
    s
}
