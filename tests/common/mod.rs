//! The toy catalogue and panel shared by the scoring and uncertainty tests (synthetic townships).
#![allow(clippy::unwrap_used, dead_code)]

use fazhi::model::{Catalogue, Units};
use fazhi::{Panel, PanelOptions};
use polars::prelude::*;

/// Two dimensions. D1: A (count, higher is better), B (count, lower is better), E (count,
/// higher); D2: C (percent, higher). Equal weights.
pub const TOY: &str = include_str!("../data/toy_catalogue.toml");

pub fn toy_panel(rows: &[(&str, i32, &str, f64)]) -> Panel {
    let frame = df!(
        "unit" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.3.to_string()).collect::<Vec<_>>(),
    )
    .unwrap();
    let catalogue = Catalogue::from_toml_str(TOY, "<toy>").unwrap();
    let units = Units::from_frame(
        &df!("code" => ["T1", "T2", "T3", "T4"], "name" => ["合成一镇", "合成二镇", "合成三镇", "合成四镇"], "county" => ["X", "X", "Y", "Y"]).unwrap(),
        "<toy units>",
    )
    .unwrap();
    let p = Panel::from_frame(&frame, catalogue, Some(units), &PanelOptions::default()).unwrap();
    assert!(p.rejections().is_empty(), "{:?}", p.rejections());
    p
}

/// As [`toy_panel`], with the values as written ("45-55", "90余").
pub fn toy_panel_text(rows: &[(&str, i32, &str, &str)]) -> Panel {
    let frame = df!(
        "unit" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
    )
    .unwrap();
    let catalogue = Catalogue::from_toml_str(TOY, "<toy>").unwrap();
    let p = Panel::from_frame(&frame, catalogue, None, &PanelOptions::default()).unwrap();
    assert!(p.rejections().is_empty(), "{:?}", p.rejections());
    p
}
