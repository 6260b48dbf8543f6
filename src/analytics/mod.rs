//! Analytics over a validated [`Panel`]: year-on-year change (METHODOLOGY §3),
//! target gaps (§4), plan progress (§5) and data-quality diagnostics (§9).
//!
//! Each stage returns a polars frame whose columns and category strings are documented in
//! `docs/methodology.md`; the work runs on the panel's integer keys, in parallel over units.

mod change;
mod diagnostics;
mod gaps;
mod progress;

pub use change::{CHANGE_COLUMNS, ChangeOptions, changes};
pub use diagnostics::{DIAGNOSTIC_COLUMNS, DiagnosticOptions, diagnostics};
pub(crate) use gaps::effective_targets;
pub use gaps::{GAP_COLUMNS, GapOptions, InverseMethod, TierAnchors, gaps};

/// The achievement ratio (完成率) of value `x` against target `t`, as in [`gaps`]; `None` where
/// it is undefined (zero target, …).
pub(crate) fn achievement(t: &Target, x: f64, options: &GapOptions) -> Option<f64> {
    gaps::evaluate(t, x, options).achievement
}
pub use progress::{PROGRESS_COLUMNS, ProgressMethod, ProgressOptions, ProgressThresholds, progress};

/// The category strings the analytics write, for the label table's tests (report/labels).
#[cfg(test)]
pub(crate) mod codes {
    pub(crate) use super::change::{REASONS as CHANGE_REASONS, STATUS as CHANGE_STATUS};
    pub(crate) use super::diagnostics::{CHECKS, SEVERITIES};
    pub(crate) use super::gaps::{STATUS as GAP_STATUS, TIERS};
    pub(crate) use super::progress::{COMPOUND, GROWTH, LINEAR, METHODS, OTHER_CATEGORIES};
}

use polars::prelude::*;

use crate::error::{Error, Location, Result};
use crate::model::{Catalogue, Indicator, Measure, Target, Units};
use crate::panel::Panel;

/// `frame` with `name_zh`, each row's indicator name in the catalogue (发放法治宣传资料份数 beside
/// PUB_MATERIALS), right after its `indicator` column; null where the row names no indicator.
/// Rows come grouped by indicator or unit, so a run of one code is looked up once.
pub(crate) fn with_indicator_names(mut frame: DataFrame, catalogue: &Catalogue) -> Result<DataFrame> {
    let codes = frame.column("indicator")?.str()?;
    let mut last: Option<(&str, IdxSize)> = None;
    let index: IdxCa = codes
        .iter()
        .map(|code| {
            let code = code?;
            if let Some((seen, at)) = last
                && seen == code
            {
                return Some(at);
            }
            let at = catalogue.resolve(code)? as IdxSize;
            last = Some((code, at));
            Some(at)
        })
        .collect();
    let names = StringChunked::from_iter_values("name_zh".into(), catalogue.indicators.iter().map(|i| i.name_zh.as_str()));
    let column = names.take(&index)?.with_name("name_zh".into()).into_column();
    let at = frame.get_column_index("indicator").map_or(frame.width(), |i| i + 1);
    frame.insert_column(at, column)?;
    Ok(frame)
}

/// Row-aligned views of a panel's numeric columns.
pub(crate) struct PanelView<'a> {
    pub unit: &'a [u32],
    pub indicator: &'a [u16],
    pub year: &'a [i32],
    pub value: &'a [f64],
    lo: &'a PrimitiveArray<f64>,
    hi: &'a PrimitiveArray<f64>,
    qualifier: &'a [crate::model::Qualifier],
    blocks: &'a [(usize, usize)],
}

use polars_arrow::array::{Array, PrimitiveArray};

impl<'a> PanelView<'a> {
    pub fn new(panel: &'a Panel) -> Result<Self> {
        let frame = panel.frame();
        let single = |name: &str| -> Result<&'a Float64Chunked> {
            let ca = frame.column(name)?.f64()?;
            if ca.chunks().len() != 1 {
                return Err(Error::InvalidArgument(format!("internal: panel column {name} is not contiguous")));
            }
            Ok(ca)
        };
        let lo = single("lo")?.downcast_iter().next().ok_or_else(|| Error::InvalidArgument("internal: empty lo column".into()))?;
        let hi = single("hi")?.downcast_iter().next().ok_or_else(|| Error::InvalidArgument("internal: empty hi column".into()))?;
        Ok(Self {
            unit: panel.unit_index(),
            indicator: panel.indicator_index(),
            year: frame.column("year")?.i32()?.cont_slice()?,
            value: single("value")?.cont_slice()?,
            lo,
            hi,
            qualifier: panel.qualifiers(),
            blocks: panel.unit_blocks(),
        })
    }

    pub fn len(&self) -> usize {
        self.value.len()
    }

    /// True when the value was written with a qualifier ("90余", "近百", "3—5").
    #[inline]
    pub fn qualified(&self, row: usize) -> bool {
        self.qualifier[row] != crate::model::Qualifier::Exact
    }

    /// The interval's lower end, closed at the measure's floor (every measure is ≥ 0).
    pub fn lo(&self, row: usize, ind: &Indicator) -> f64 {
        if self.lo.is_valid(row) { self.lo.value(row) } else { ind.measure.floor().unwrap_or(f64::NEG_INFINITY) }
    }

    /// The interval's upper end; +∞ when open and the measure has no ceiling.
    pub fn hi(&self, row: usize, ind: &Indicator) -> f64 {
        if self.hi.is_valid(row) { self.hi.value(row) } else { ind.measure.ceiling().unwrap_or(f64::INFINITY) }
    }

    /// True when the upper end is exclusive: "N余"/"N多" give [N, N + place). Those are the only
    /// at-least values with a finite upper end below the measure's ceiling.
    pub fn hi_exclusive(&self, row: usize, ind: &Indicator) -> bool {
        self.qualified(row)
            && self.hi.is_valid(row)
            && self.lo.is_valid(row)
            && self.hi.value(row) > self.lo.value(row)
            && self.qualifier[row] == crate::model::Qualifier::AtLeast
            && ind.measure.ceiling().is_none_or(|c| self.hi.value(row) < c)
    }

    /// The range a value is sampled from in the uncertainty analysis (METHODOLOGY §2, §8): the
    /// interval, with an open upper end closed at N + the place value of N ("95%以上" stops at
    /// the measure's ceiling) and an open lower end ("不足20", "近100") at N − the place value
    /// of N, never below the measure's floor.
    pub fn sampling_bounds(&self, row: usize, ind: &Indicator) -> (f64, f64) {
        let floor = ind.measure.floor().unwrap_or(f64::NEG_INFINITY);
        let ceiling = ind.measure.ceiling().unwrap_or(f64::INFINITY);
        let lo_valid = self.lo.is_valid(row);
        let hi_valid = self.hi.is_valid(row);
        match (lo_valid, hi_valid) {
            (true, true) => (self.lo.value(row), self.hi.value(row)),
            (true, false) => {
                let n = self.lo.value(row);
                (n, (n + crate::model::place_value(n)).min(ceiling))
            }
            (false, true) => {
                let n = self.hi.value(row);
                ((n - crate::model::place_value(n)).max(floor), n)
            }
            (false, false) => (self.value[row], self.value[row]),
        }
    }

    /// Row ranges of each unit present (the panel is sorted by unit first), kept by the panel.
    pub fn unit_blocks(&self) -> &'a [(usize, usize)] {
        self.blocks
    }
}

/// Which units a target applies to: its unit, the units of its county, or every unit.
pub(crate) fn target_units(target: &Target, panel: &Panel, units: Option<&Units>) -> Result<(Vec<u32>, &'static str)> {
    let codes = panel.unit_codes();
    let find = |code: &str| codes.binary_search_by(|c| c.as_str().cmp(code)).ok().map(|i| i as u32);
    if let Some(unit) = &target.unit {
        if let Some(table) = units
            && table.resolve(unit).is_none()
            && let Err(why) = table.resolve_or_why(unit)
            && why.contains("belongs to")
        {
            return Err(Error::targets(Location::file(&target.origin), why));
        }
        let code = units.and_then(|u| u.resolve(unit)).map_or(unit.as_str(), |u| u.code.as_str());
        return Ok((find(code).into_iter().collect(), "unit"));
    }
    if let Some(county) = &target.county {
        let Some(units) = units else {
            return Err(Error::InvalidArgument(format!(
                "the target at {} applies to county {county:?}, which needs a unit table with counties; build the panel with units=…",
                target.origin
            )));
        };
        let ids = units.units.iter().filter(|u| u.county.as_deref() == Some(county.as_str())).filter_map(|u| find(&u.code)).collect();
        return Ok((ids, "county"));
    }
    Ok(((0..codes.len() as u32).collect(), "all"))
}

/// Finds the row of a (unit, indicator, year) without hashing: the panel is sorted by unit,
/// then year, then catalogue order, so each unit's rows are one block searched by bisection.
pub(crate) struct RowIndex {
    /// `starts[u]..starts[u + 1]` are unit u's rows.
    starts: Vec<usize>,
}

impl RowIndex {
    pub fn new(view: &PanelView<'_>, n_units: usize) -> Self {
        let mut starts = vec![0usize; n_units + 1];
        for &u in view.unit {
            starts[u as usize + 1] += 1;
        }
        for i in 0..n_units {
            starts[i + 1] += starts[i];
        }
        Self { starts }
    }

    pub fn find(&self, view: &PanelView<'_>, unit: u32, indicator: u16, year: i32) -> Option<usize> {
        let (a, b) = (*self.starts.get(unit as usize)?, *self.starts.get(unit as usize + 1)?);
        let (mut lo, mut hi) = (a, b);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if (view.year[mid], view.indicator[mid]) < (year, indicator) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < b && view.year[lo] == year && view.indicator[lo] == indicator).then_some(lo)
    }
}

/// Gathers a string column from a small dictionary by index (null where the index is `None`),
/// so that repeated category strings are not copied per row.
pub(crate) fn category_column(name: &str, dictionary: &[&str], idx: impl Iterator<Item = Option<IdxSize>>) -> Result<Column> {
    let dict = StringChunked::from_iter_values("".into(), dictionary.iter().copied());
    let idx: IdxCa = idx.collect();
    Ok(dict.take(&idx)?.into_series().into_column().with_name(name.into()))
}

/// Resolves an indicator code in the panel's catalogue, for filters.
pub(crate) fn indicator_index(catalogue: &Catalogue, code: &str) -> Result<u16> {
    catalogue
        .resolve(code)
        .map(|i| i as u16)
        .ok_or_else(|| Error::InvalidArgument(format!("indicator {code:?} is not in catalogue {}", catalogue.version)))
}

/// True for measures where a ratio between two values means something (not yes/no).
pub(crate) fn ratio_scale(ind: &Indicator) -> bool {
    ind.measure != Measure::Boolean
}

/// A filter on units (codes) and years.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Filter {
    pub units: Option<Vec<String>>,
    pub years: Option<Vec<i32>>,
}

impl Filter {
    pub(crate) fn unit_mask(&self, panel: &Panel) -> Result<Option<Vec<bool>>> {
        let Some(units) = &self.units else { return Ok(None) };
        let codes = panel.unit_codes();
        let mut mask = vec![false; codes.len()];
        for u in units {
            let code = panel.units().and_then(|t| t.resolve(u)).map_or(u.as_str(), |x| x.code.as_str());
            match codes.binary_search_by(|c| c.as_str().cmp(code)) {
                Ok(i) => mask[i] = true,
                Err(_) => return Err(Error::InvalidArgument(format!("unit {u:?} is not in the panel"))),
            }
        }
        Ok(Some(mask))
    }

    pub(crate) fn keeps_year(&self, year: i32) -> bool {
        self.years.as_ref().is_none_or(|ys| ys.contains(&year))
    }
}
