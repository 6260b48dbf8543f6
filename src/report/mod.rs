//! What analysts hand in: the county scorecard, as an Excel workbook and as one self-contained
//! HTML page, both laid out from one view-model ([`Model`]) in the reader's language.
//!
//! ```no_run
//! use fazhi::{Catalogue, Panel, PanelOptions, Units};
//! use fazhi::report::{Lang, Scorecard};
//! use fazhi::scoring::{score, ScoreOptions};
//!
//! let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
//! let units = Units::read(format!("{data}/units.csv"), None).unwrap();
//! let panel = Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap();
//! let scores = score(&panel, &ScoreOptions::default()).unwrap();
//! let card = Scorecard { lang: Lang::Zh, panel: Some(&panel), ..Scorecard::new(&scores) };
//! card.write_xlsx("out/scorecard.xlsx").unwrap();
//! card.write_html("out/scorecard.html").unwrap();
//! ```

mod frame;
mod html;
mod labels;
mod model;
mod xlsx;

use polars::prelude::DataFrame;

pub use labels::{Lang, SETTING_NAMES, Term, recognised};
pub use model::{Model, TOP_CHANGES, TOP_POINTS};

use crate::error::{Error, Result};
use crate::model::Catalogue;
use crate::panel::Panel;
use crate::scoring::Scores;

/// The inputs of a scorecard: the scores, and what else the analyst has.
pub struct Scorecard<'a> {
    pub scores: &'a Scores,
    /// The year shown (default: the latest scored year with a ranked unit).
    pub year: Option<i32>,
    /// The panel that was scored: each township's reported values with their quoted sentences,
    /// and the intake counts (rows in, accepted, rejected, skipped).
    pub panel: Option<&'a Panel>,
    /// The catalogue (units of measure, order); the panel's when not given.
    pub catalogue: Option<&'a Catalogue>,
    /// `panel.gaps(targets)`.
    pub gaps: Option<&'a DataFrame>,
    /// `panel.changes()`.
    pub changes: Option<&'a DataFrame>,
    /// `panel.progress(targets)`: the 规划进度 section (targets of the shown year or later).
    pub progress: Option<&'a DataFrame>,
    /// `panel.diagnostics()`.
    pub diagnostics: Option<&'a DataFrame>,
    /// Rank intervals: unit, year, rank_p05, rank_p95 (from the uncertainty analysis).
    pub ranks: Option<&'a DataFrame>,
    /// The page title; by default from the county and the year.
    pub title: Option<String>,
    /// "real", "synthetic" or a free note on where the data come from; printed on the first sheet.
    pub data_note: Option<String>,
    /// Whether each township's card lists every reported value with its source sentence
    /// (default true; leave it out for a shorter print).
    pub sources: bool,
    pub lang: Lang,
}

impl<'a> Scorecard<'a> {
    pub fn new(scores: &'a Scores) -> Self {
        Self {
            scores,
            year: None,
            panel: None,
            catalogue: None,
            gaps: None,
            changes: None,
            progress: None,
            diagnostics: None,
            ranks: None,
            title: None,
            data_note: None,
            sources: true,
            lang: Lang::Zh,
        }
    }

    /// The year shown: as asked, else the latest scored year with a ranked unit (the latest
    /// scored year when no unit is ranked).
    /// A year that was not scored is an error listing the scored years (an empty scorecard
    /// would look like a county where nobody reported anything).
    pub fn shown_year(&self) -> Result<i32> {
        let comp = self.scores.composite()?;
        let years = comp.column("year")?.i32()?.clone();
        if let Some(y) = self.year {
            let mut scored: Vec<i32> = years.iter().flatten().collect();
            scored.sort_unstable();
            scored.dedup();
            if scored.binary_search(&y).is_err() {
                let list = scored.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
                let list = if list.is_empty() { "none".to_string() } else { list };
                return Err(Error::InvalidArgument(format!(
                    "year {y} was not scored, so there is no scorecard for it; scored years: {list} \
                     (pick one of them, or score {y} with panel.score(years=[{y}]))"
                )));
            }
            return Ok(y);
        }
        // With no unit ranked in any year the latest scored year is shown: every township is
        // listed as not ranked, each with its reason.
        let ranks = comp.column("rank")?.u32()?.clone();
        let ranked = (0..comp.height()).filter(|&i| ranks.get(i).is_some()).filter_map(|i| years.get(i)).max();
        ranked
            .or_else(|| years.iter().flatten().max())
            .ok_or_else(|| Error::InvalidArgument("no year was scored: there is nothing to put on a scorecard".into()))
    }

    /// Writes the Excel workbook (see [`xlsx`](self) for its sheets).
    pub fn write_xlsx(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        xlsx::write(&self.model()?, path.as_ref())
    }

    /// The scorecard as one self-contained HTML page (no network, no script; prints on A4).
    pub fn render_html(&self) -> Result<String> {
        html::render(&self.model()?)
    }

    /// Writes [`render_html`](Self::render_html) to `path` (UTF-8), creating missing folders.
    pub fn write_html(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        let text = self.render_html()?;
        create_parent(path)?;
        std::fs::write(path, text).map_err(|e| Error::io(path.display().to_string(), e))
    }
}

/// Creates the folder `path` is to be written in.
fn create_parent(path: &std::path::Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    }
    Ok(())
}
