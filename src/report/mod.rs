//! What analysts hand in: the Excel scorecard (rust_xlsxwriter).
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
//! let card = Scorecard { lang: Lang::Zh, ..Scorecard::new(&scores) };
//! card.write_xlsx("out/scorecard.xlsx").unwrap();
//! ```

mod labels;
mod xlsx;

use polars::prelude::DataFrame;

pub use labels::{Lang, SETTING_NAMES, Term, recognised};

use crate::scoring::Scores;

/// The inputs of a scorecard: the scores, and what else the analyst has.
pub struct Scorecard<'a> {
    pub scores: &'a Scores,
    /// The year shown (default: the latest scored year with a ranked unit).
    pub year: Option<i32>,
    /// `panel.gaps(targets)`.
    pub gaps: Option<&'a DataFrame>,
    /// `panel.changes()`.
    pub changes: Option<&'a DataFrame>,
    /// `panel.diagnostics()`.
    pub diagnostics: Option<&'a DataFrame>,
    /// Rank intervals: unit, year, rank_p05, rank_p95 (from the uncertainty analysis).
    pub ranks: Option<&'a DataFrame>,
    /// "real", "synthetic" or a free note on where the data come from; printed on the first sheet.
    pub data_note: Option<String>,
    pub lang: Lang,
}

impl<'a> Scorecard<'a> {
    pub fn new(scores: &'a Scores) -> Self {
        Self { scores, year: None, gaps: None, changes: None, diagnostics: None, ranks: None, data_note: None, lang: Lang::Zh }
    }
}
