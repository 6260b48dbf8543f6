//! Year-on-year change (METHODOLOGY §3).
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions};
//! use fazhi::analytics::{ChangeOptions, changes};
//! use polars::prelude::*;
//!
//! let frame = df!(
//!     "unit" => ["合成甲镇", "合成甲镇"],
//!     "year" => [2022, 2023],
//!     "indicator" => ["PUB_MATERIALS", "PUB_MATERIALS"],
//!     "value" => ["800", "1060多"],
//! ).unwrap();
//! let panel = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
//! let out = changes(&panel, &ChangeOptions::default()).unwrap();
//! let abs = out.column("abs_change").unwrap().f64().unwrap();
//! assert_eq!(abs.get(1), Some(260.0));
//! let status = out.column("status").unwrap().str().unwrap();
//! assert_eq!(status.get(1), Some("improved"));
//! // [1060 − 800, 1070 − 800] excludes zero: the improvement is certain.
//! assert_eq!(out.column("certain").unwrap().bool().unwrap().get(1), Some(true));
//! ```

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Filter, PanelView, category_column};
use crate::error::{Error, Result};
use crate::panel::Panel;

/// Options of [`changes`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeOptions {
    /// The largest gap in years between an observation and the previous one still used as its
    /// baseline (default 1: only the year before).
    pub max_gap: i32,
    pub filter: Filter,
}

impl Default for ChangeOptions {
    fn default() -> Self {
        Self { max_gap: 1, filter: Filter::default() }
    }
}

/// The columns of [`changes`].
pub const CHANGE_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "year",
    "prev_year",
    "value",
    "prev_value",
    "abs_change",
    "abs_change_lo",
    "abs_change_hi",
    "rel_change",
    "annual_rate",
    "status",
    "certain",
    "qualified",
    "reason",
];

const STATUS: [&str; 4] = ["improved", "unchanged", "declined", "no_baseline"];
const REASONS: [&str; 6] = [
    "no earlier observation",
    "the previous observation is more than max_gap years earlier",
    "previous value is 0: relative change undefined",
    "previous value is 0: annual rate undefined",
    "values of different sign or zero: annual rate undefined",
    "yes/no indicator: relative change not meaningful",
];

/// One output row, before it becomes columns.
#[derive(Default, Clone, Copy)]
struct Row {
    prev_year: Option<i32>,
    prev_value: Option<f64>,
    abs: Option<f64>,
    abs_lo: Option<f64>,
    abs_hi: Option<f64>,
    rel: Option<f64>,
    annual: Option<f64>,
    status: u8,
    certain: Option<bool>,
    qualified: bool,
    reason: Option<u8>,
}

/// Year-on-year change of every observation against the latest earlier observation of the same
/// unit and indicator, within `max_gap` years. One row per observation (after the filter), in the
/// panel's order; see [`CHANGE_COLUMNS`] and `docs/methodology.md` §3.
pub fn changes(panel: &Panel, options: &ChangeOptions) -> Result<DataFrame> {
    if options.max_gap < 1 {
        return Err(Error::InvalidArgument(format!("max_gap must be at least 1 year, got {}", options.max_gap)));
    }
    let view = PanelView::new(panel)?;
    let catalogue = panel.catalogue();
    let n_ind = catalogue.indicators.len();
    let blocks = view.unit_blocks();
    let rows: Vec<Row> = blocks
        .par_iter()
        .flat_map_iter(|&(start, end)| {
            let mut last: Vec<Option<usize>> = vec![None; n_ind];
            let view = &view;
            (start..end).map(move |r| {
                let k = view.indicator[r] as usize;
                let ind = &catalogue.indicators[k];
                let prev = last[k].replace(r);
                let mut row = Row { qualified: view.qualified[r], ..Row::default() };
                let Some(p) = prev else {
                    row.status = 3;
                    row.reason = Some(0);
                    return row;
                };
                let gap = view.year[r] - view.year[p];
                if gap > options.max_gap {
                    row.status = 3;
                    row.reason = Some(1);
                    return row;
                }
                let (x, xp) = (view.value[r], view.value[p]);
                let abs = x - xp;
                let lo = view.lo(r, ind) - view.hi(p, ind);
                let hi = view.hi(r, ind) - view.lo(p, ind);
                row.prev_year = Some(view.year[p]);
                row.prev_value = Some(xp);
                row.qualified |= view.qualified[p];
                row.abs = Some(abs);
                row.abs_lo = lo.is_finite().then_some(lo);
                row.abs_hi = hi.is_finite().then_some(hi);
                let boolean = !super::ratio_scale(ind);
                if boolean {
                    row.reason = Some(5);
                } else if xp == 0.0 {
                    row.reason = Some(2);
                } else {
                    row.rel = Some(abs / xp.abs());
                }
                if gap > 1 && !boolean {
                    if xp == 0.0 {
                        row.reason = row.reason.or(Some(3));
                    } else if x > 0.0 && xp > 0.0 {
                        row.annual = Some((x / xp).powf(1.0 / f64::from(gap)) - 1.0);
                    } else {
                        row.reason = row.reason.or(Some(4));
                    }
                }
                let signed = abs * ind.polarity.sign();
                row.status = if signed > 0.0 {
                    0
                } else if signed < 0.0 {
                    2
                } else {
                    1
                };
                // Certain when the change interval excludes zero; an "unchanged" between two
                // exact values ([0, 0]) is certain too.
                let excludes_zero = lo > 0.0 || hi < 0.0;
                let both_exact = !view.qualified[r] && !view.qualified[p];
                row.certain = Some(excludes_zero || (row.status == 1 && both_exact));
                row
            })
        })
        .collect();

    let unit_mask = options.filter.unit_mask(panel)?;
    let keep: Vec<bool> = (0..view.len())
        .map(|r| unit_mask.as_ref().is_none_or(|m| m[view.unit[r] as usize]) && options.filter.keeps_year(view.year[r]))
        .collect();
    let frame = panel.frame();
    let mut out = DataFrame::new(
        rows.len(),
        vec![
            frame.column("unit")?.clone(),
            frame.column("indicator")?.clone(),
            frame.column("year")?.clone(),
            Column::new("prev_year".into(), rows.iter().map(|r| r.prev_year).collect::<Vec<_>>()),
            frame.column("value")?.clone(),
            Column::new("prev_value".into(), rows.iter().map(|r| r.prev_value).collect::<Vec<_>>()),
            Column::new("abs_change".into(), rows.iter().map(|r| r.abs).collect::<Vec<_>>()),
            Column::new("abs_change_lo".into(), rows.iter().map(|r| r.abs_lo).collect::<Vec<_>>()),
            Column::new("abs_change_hi".into(), rows.iter().map(|r| r.abs_hi).collect::<Vec<_>>()),
            Column::new("rel_change".into(), rows.iter().map(|r| r.rel).collect::<Vec<_>>()),
            Column::new("annual_rate".into(), rows.iter().map(|r| r.annual).collect::<Vec<_>>()),
            category_column("status", &STATUS, rows.iter().map(|r| Some(IdxSize::from(r.status))))?,
            Column::new("certain".into(), rows.iter().map(|r| r.certain).collect::<Vec<_>>()),
            Column::new("qualified".into(), rows.iter().map(|r| r.qualified).collect::<Vec<_>>()),
            category_column("reason", &REASONS, rows.iter().map(|r| r.reason.map(IdxSize::from)))?,
        ],
    )?;
    if keep.iter().any(|k| !k) {
        out = out.filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
    }
    Ok(out)
}
