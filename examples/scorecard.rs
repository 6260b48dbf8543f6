//! The county scorecard of the bundled synthetic demo county, from Rust: an Excel workbook and
//! one self-contained HTML page, both from the same view-model.
//!
//! ```text
//! cargo run --release --example scorecard -- out/
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fazhi::analytics::{ChangeOptions, DiagnosticOptions, GapOptions, ProgressOptions, changes, diagnostics, gaps, progress};
use fazhi::model::{Catalogue, Targets, Units};
use fazhi::report::{Lang, Scorecard};
use fazhi::scoring::{ScoreOptions, score};
use fazhi::uncertainty::{UncertaintyOptions, uncertainty};
use fazhi::{Panel, PanelOptions};

fn main() -> fazhi::Result<()> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "out".into()));
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
    let units = Units::read(format!("{data}/units.csv"), None)?;
    let panel = Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default())?;
    let targets = Targets::read(format!("{data}/targets.csv"), panel.catalogue(), None)?;
    let scores = score(&panel, &ScoreOptions::default())?;
    let g = gaps(&panel, &targets, &GapOptions::default())?;
    let c = changes(&panel, &ChangeOptions::default())?;
    let p = progress(&panel, Some(&targets), &ProgressOptions::default())?;
    let d = diagnostics(&panel, &DiagnosticOptions::default())?;
    let u = uncertainty(&panel, &UncertaintyOptions { draws: 200, ..UncertaintyOptions::new(2024) }, &mut |_, _| true)?;
    let ranks = u.ranks()?;
    for lang in [Lang::Zh, Lang::En] {
        let card = Scorecard {
            panel: Some(&panel),
            gaps: Some(&g),
            changes: Some(&c),
            progress: Some(&p),
            diagnostics: Some(&d),
            ranks: Some(&ranks),
            lang,
            ..Scorecard::new(&scores)
        };
        let stem = if lang == Lang::Zh { "scorecard" } else { "scorecard_en" };
        card.write_xlsx(out.join(format!("{stem}.xlsx")))?;
        card.write_html(out.join(format!("{stem}.html")))?;
        println!("wrote {}/{stem}.xlsx and .html", out.display());
    }
    Ok(())
}
