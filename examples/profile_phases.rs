//! Times each phase of panel building and analytics on a generated (synthetic) panel:
//! `cargo run --release --example profile_phases -- 38602`.

use std::time::Instant;

use fazhi::analytics::{ChangeOptions, GapOptions, changes, gaps};
use fazhi::model::{Catalogue, Targets};
use fazhi::{Panel, PanelOptions};
use polars::prelude::*;

fn main() -> fazhi::Result<()> {
    let units: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let catalogue = Catalogue::default_catalogue();
    let t = Instant::now();
    let n_ind = catalogue.indicators.len();
    let mut unit = Vec::new();
    let mut year = Vec::new();
    let mut indicator = Vec::new();
    let mut value = Vec::new();
    for u in 0..units {
        let code = format!("SYN{u:06}");
        for y in 0..10 {
            for (k, ind) in catalogue.indicators.iter().enumerate() {
                if (u * 7 + y * 3 + k) % 20 == 0 {
                    continue;
                }
                unit.push(code.clone());
                year.push(2015 + y as i32);
                indicator.push(ind.code.clone());
                value.push(if ind.measure == fazhi::model::Measure::Percent { 50.0 } else { ((u + k * y) % 97) as f64 });
            }
        }
    }
    let _ = n_ind;
    let frame = df!("unit" => unit, "year" => year, "indicator" => indicator, "value" => value)?;
    println!("generate: {:?} ({} rows)", t.elapsed(), frame.height());
    let t = Instant::now();
    let panel = Panel::from_frame(&frame, catalogue.clone(), None, &PanelOptions::default())?;
    println!("panel: {:?}", t.elapsed());
    let t = Instant::now();
    let c = changes(&panel, &ChangeOptions::default())?;
    println!("changes: {:?} ({} rows)", t.elapsed(), c.height());
    let targets = Targets::from_frame(
        &df!(
            "indicator" => catalogue.indicators.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
            "year" => vec![2024; n_ind],
            "comparator" => vec!["at_least"; n_ind],
            "target" => vec![1.0; n_ind],
        )?,
        &catalogue,
        "<profile>",
    )?;
    let t = Instant::now();
    let g = gaps(&panel, &targets, &GapOptions::default())?;
    println!("gaps: {:?} ({} rows)", t.elapsed(), g.height());
    Ok(())
}
