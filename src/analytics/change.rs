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
use polars_arrow::array::BooleanArray;
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::ArrowDataType;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Filter, PanelView, category_column};
use crate::error::{Error, Result};
use crate::panel::{Panel, float_column};

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
    "name_zh",
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

pub(crate) const STATUS: [&str; 4] = ["improved", "unchanged", "declined", "no_baseline"];
pub(crate) const REASONS: [&str; 6] = [
    "no earlier observation",
    "the previous observation is more than max_gap years earlier",
    "previous value is 0: relative change undefined",
    "previous value is 0: annual rate undefined",
    "values of different sign or zero: annual rate undefined",
    "yes/no indicator: relative change not meaningful",
];

/// The output columns, row-aligned with the panel. Floats use NaN for null (inputs are finite,
/// so NaN never means anything else); `NONE` marks a null byte.
#[derive(Default)]
struct Columns {
    prev_year: Vec<i32>,
    prev_value: Vec<f64>,
    abs: Vec<f64>,
    abs_lo: Vec<f64>,
    abs_hi: Vec<f64>,
    rel: Vec<f64>,
    annual: Vec<f64>,
    status: Vec<u8>,
    certain: Vec<u8>,
    qualified: Vec<bool>,
    reason: Vec<u8>,
}

const NONE: u8 = u8::MAX;
const NO_YEAR: i32 = i32::MIN;

/// One unit's slice of every output column.
struct Block<'a> {
    start: usize,
    prev_year: &'a mut [i32],
    prev_value: &'a mut [f64],
    abs: &'a mut [f64],
    abs_lo: &'a mut [f64],
    abs_hi: &'a mut [f64],
    rel: &'a mut [f64],
    annual: &'a mut [f64],
    status: &'a mut [u8],
    certain: &'a mut [u8],
    qualified: &'a mut [bool],
    reason: &'a mut [u8],
}

impl Columns {
    fn new(n: usize) -> Self {
        Self {
            prev_year: vec![NO_YEAR; n],
            prev_value: vec![f64::NAN; n],
            abs: vec![f64::NAN; n],
            abs_lo: vec![f64::NAN; n],
            abs_hi: vec![f64::NAN; n],
            rel: vec![f64::NAN; n],
            annual: vec![f64::NAN; n],
            status: vec![3; n],
            certain: vec![NONE; n],
            qualified: vec![false; n],
            reason: vec![NONE; n],
        }
    }

    /// Disjoint mutable views of each unit's rows, so units can be filled in parallel.
    fn blocks(&mut self, bounds: &[(usize, usize)]) -> Vec<Block<'_>> {
        fn split<'a, T>(mut rest: &'a mut [T], bounds: &[(usize, usize)]) -> Vec<&'a mut [T]> {
            let mut out = Vec::with_capacity(bounds.len());
            for (start, end) in bounds {
                let (head, tail) = rest.split_at_mut(end - start);
                out.push(head);
                rest = tail;
            }
            out
        }
        let mut prev_year = split(&mut self.prev_year, bounds).into_iter();
        let mut prev_value = split(&mut self.prev_value, bounds).into_iter();
        let mut abs = split(&mut self.abs, bounds).into_iter();
        let mut abs_lo = split(&mut self.abs_lo, bounds).into_iter();
        let mut abs_hi = split(&mut self.abs_hi, bounds).into_iter();
        let mut rel = split(&mut self.rel, bounds).into_iter();
        let mut annual = split(&mut self.annual, bounds).into_iter();
        let mut status = split(&mut self.status, bounds).into_iter();
        let mut certain = split(&mut self.certain, bounds).into_iter();
        let mut qualified = split(&mut self.qualified, bounds).into_iter();
        let mut reason = split(&mut self.reason, bounds).into_iter();
        bounds
            .iter()
            .filter_map(|(start, _)| {
                Some(Block {
                    start: *start,
                    prev_year: prev_year.next()?,
                    prev_value: prev_value.next()?,
                    abs: abs.next()?,
                    abs_lo: abs_lo.next()?,
                    abs_hi: abs_hi.next()?,
                    rel: rel.next()?,
                    annual: annual.next()?,
                    status: status.next()?,
                    certain: certain.next()?,
                    qualified: qualified.next()?,
                    reason: reason.next()?,
                })
            })
            .collect()
    }
}

/// Year-on-year change of every observation against the latest earlier observation of the same
/// unit and indicator, within `max_gap` years. One row per observation (after the filter), in the
/// panel's order; see [`CHANGE_COLUMNS`] and `docs/methodology.md` §3.
pub fn changes(panel: &Panel, options: &ChangeOptions) -> Result<DataFrame> {
    super::with_indicator_names(changes_frame(panel, options)?, panel.catalogue())
}

/// The frame of [`changes`] before the indicator names are added.
fn changes_frame(panel: &Panel, options: &ChangeOptions) -> Result<DataFrame> {
    if options.max_gap < 1 {
        return Err(Error::InvalidArgument(format!("max_gap must be at least 1 year, got {}", options.max_gap)));
    }
    let view = PanelView::new(panel)?;
    let catalogue = panel.catalogue();
    let n_ind = catalogue.indicators.len();
    let bounds = view.unit_blocks();
    let mut cols = Columns::new(view.len());
    cols.blocks(bounds).into_par_iter().for_each(|b| {
        let mut last: Vec<Option<usize>> = vec![None; n_ind];
        for j in 0..b.status.len() {
            let r = b.start + j;
            let k = view.indicator[r] as usize;
            let ind = &catalogue.indicators[k];
            let prev = last[k].replace(r);
            b.qualified[j] = view.qualified(r);
            let Some(p) = prev else {
                b.reason[j] = 0;
                continue;
            };
            let gap = view.year[r] - view.year[p];
            if gap > options.max_gap {
                b.reason[j] = 1;
                continue;
            }
            let (x, xp) = (view.value[r], view.value[p]);
            let abs = x - xp;
            let lo = view.lo(r, ind) - view.hi(p, ind);
            let hi = view.hi(r, ind) - view.lo(p, ind);
            b.prev_year[j] = view.year[p];
            b.prev_value[j] = xp;
            b.qualified[j] |= view.qualified(p);
            b.abs[j] = abs;
            b.abs_lo[j] = if lo.is_finite() { lo } else { f64::NAN };
            b.abs_hi[j] = if hi.is_finite() { hi } else { f64::NAN };
            let boolean = !super::ratio_scale(ind);
            if boolean {
                b.reason[j] = 5;
            } else if xp == 0.0 {
                b.reason[j] = 2;
            } else {
                b.rel[j] = abs / xp.abs();
            }
            if gap > 1 && !boolean {
                if xp == 0.0 {
                    if b.reason[j] == NONE {
                        b.reason[j] = 3;
                    }
                } else if x > 0.0 && xp > 0.0 {
                    b.annual[j] = (x / xp).powf(1.0 / f64::from(gap)) - 1.0;
                } else if b.reason[j] == NONE {
                    b.reason[j] = 4;
                }
            }
            let signed = abs * ind.polarity.sign();
            b.status[j] = if signed > 0.0 {
                0
            } else if signed < 0.0 {
                2
            } else {
                1
            };
            // Certain when the change interval excludes zero; an "unchanged" between two
            // exact values ([0, 0]) is certain too.
            let excludes_zero = lo > 0.0 || hi < 0.0;
            let both_exact = !view.qualified(r) && !view.qualified(p);
            b.certain[j] = u8::from(excludes_zero || (b.status[j] == 1 && both_exact));
        }
    });

    let unit_mask = options.filter.unit_mask(panel)?;
    let filtered = unit_mask.is_some() || options.filter.years.is_some();
    let keep: Vec<bool> = if filtered {
        (0..view.len())
            .map(|r| unit_mask.as_ref().is_none_or(|m| m[view.unit[r] as usize]) && options.filter.keeps_year(view.year[r]))
            .collect()
    } else {
        Vec::new()
    };
    let frame = panel.frame();
    let n = view.len();
    let Columns { prev_year, prev_value, abs, abs_lo, abs_hi, rel, annual, status, certain, qualified, reason } = cols;
    let has_prev: Bitmap = prev_year.iter().map(|&y| y != NO_YEAR).collect();
    let prev_year = Int32Chunked::from_vec_validity("prev_year".into(), prev_year, Some(has_prev));
    let mut out = DataFrame::new(
        n,
        vec![
            frame.column("unit")?.clone(),
            frame.column("indicator")?.clone(),
            frame.column("year")?.clone(),
            prev_year.into_column(),
            frame.column("value")?.clone(),
            float_column("prev_value", prev_value),
            float_column("abs_change", abs),
            float_column("abs_change_lo", abs_lo),
            float_column("abs_change_hi", abs_hi),
            float_column("rel_change", rel),
            float_column("annual_rate", annual),
            category_column("status", &STATUS, status.iter().map(|s| Some(IdxSize::from(*s))))?,
            {
                let values: Bitmap = certain.iter().map(|&c| c == 1).collect();
                let validity: Bitmap = certain.iter().map(|&c| c != NONE).collect();
                let array = BooleanArray::new(ArrowDataType::Boolean, values, Some(validity));
                BooleanChunked::with_chunk("certain".into(), array).into_column()
            },
            Column::new("qualified".into(), qualified),
            category_column("reason", &REASONS, reason.iter().map(|r| (*r != NONE).then_some(IdxSize::from(*r))))?,
        ],
    )?;
    if filtered && keep.iter().any(|k| !k) {
        out = out.filter(&BooleanChunked::from_slice("keep".into(), &keep))?;
    }
    Ok(out)
}
