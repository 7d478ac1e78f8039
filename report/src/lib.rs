//! # vertrouwen-report
//!
//! Turns a run's output directory into one self-contained `report.html`: inline SVG charts, a
//! plain-language summary generated from the data (English or Dutch; in years of prison for
//! the `prison-years` game), tables, and nothing fetched from anywhere (no scripts, fonts,
//! styles or images from outside), readable without JavaScript and printable.
//!
//! Layers: [`loader`] is the only module that knows the output files; it fills the typed
//! [`model`]; [`summary`] and the page modules turn the model into text and charts
//! ([`charts`], drawn with [`svg`], [`scale`] and [`palette`]).
//!
//! The charts are written as SVG directly instead of through a plotting crate such as
//! `plotters`: its SVG backend measures text with system fonts (or a crude guess), so output
//! would depend on the machine; it writes no `<title>`/`<desc>`/ARIA for screen readers, and
//! half of these charts (simplex, annotated heat maps, move timelines, strip charts) would be
//! drawn from rectangles and paths by hand anyway.

pub mod charts;
pub mod loader;
pub mod model;
mod page;
mod page_dynamics;
mod page_tournament;
pub mod palette;
pub mod scale;
pub mod summary;
pub mod svg;

use std::path::{Path, PathBuf};

use thiserror::Error;

/// The language of the report's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Nl,
}

impl Lang {
    /// The English or the Dutch text.
    pub fn pick<'a>(self, en: &'a str, nl: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Nl => nl,
        }
    }

    pub fn code(self) -> &'static str {
        self.pick("en", "nl")
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "nl" => Ok(Lang::Nl),
            _ => Err(format!(
                "unknown language {s:?}; expected en (English) or nl (Dutch)"
            )),
        }
    }
}

#[derive(Debug, Error)]
pub enum ReportError {
    #[error("{}: cannot read: {message}", file.display())]
    Read { file: PathBuf, message: String },
    #[error("{}: {message}", file.display())]
    Format { file: PathBuf, message: String },
}

/// The report of the output directory `dir` as one HTML document.
pub fn render_dir(dir: &Path, lang: Lang) -> Result<String, ReportError> {
    let report = loader::load(dir)?;
    Ok(render(&report, lang))
}

/// The report of a loaded model.
pub fn render(report: &model::Report, lang: Lang) -> String {
    page::document(report, lang)
}
