//! The scoring engine: dense unit × indicator blocks, normalisation per comparison set,
//! aggregation per unit-year, ranks.
//!
//! Working representation: rows are unit-years, `r = year_index · n_units + unit`, over every
//! year of the panel; cells are `c = k · n_rows + r` for the k-th scored indicator, so each
//! indicator is one contiguous column. Every loop that runs in parallel writes only its own
//! column or its own block of rows, and every sum runs in a fixed order, so results are the same
//! bits whatever the thread count; the panel is sorted, so they do not depend on input row order.

use std::collections::HashMap;

use rayon::prelude::*;

use super::options::{Aggregate, Impute, Normalise, Scope, ScoreOptions};
use crate::analytics::{GapOptions, PanelView};
use crate::error::{Error, Result};
use crate::model::{Catalogue, Denominator, Polarity, Target};
use crate::panel::Panel;

pub(crate) const QUALIFIED: u8 = 1;
pub(crate) const IMPUTED: u8 = 2;
pub(crate) const WINSORISED: u8 = 4;
/// Imputed from the group median (with IMPUTED).
pub(crate) const GROUP_MEDIAN: u8 = 8;

/// Something left out of the scores, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Exclusion {
    pub unit: Option<u32>,
    pub year: Option<i32>,
    /// Catalogue index of the indicator.
    pub indicator: Option<u16>,
    /// Catalogue index of the dimension.
    pub dimension: Option<u16>,
    pub level: String,
    pub reason: String,
    pub detail: String,
}

/// The reason of an indicator that leaves the score because its denominator (a unit attribute)
/// is missing for every unit that reports it.
pub const NO_DENOMINATOR: &str = "no_denominator";
/// The reason of a year (or county in a year) with fewer than [`MIN_RANKED_UNITS`] ranked units.
pub const FEW_UNITS: &str = "few_units";
/// Fewer ranked units than this in a comparison set draw a warning: min-max over two units gives
/// 0 and 100 whatever the gap, and a ranking of one unit means nothing.
pub const MIN_RANKED_UNITS: usize = 5;

impl Exclusion {
    fn new(level: &str, reason: &str, detail: String) -> Self {
        Self { unit: None, year: None, indicator: None, dimension: None, level: level.into(), reason: reason.into(), detail }
    }
}

/// What is scored: indicators, their dimensions and weights, years and groups.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Layout {
    /// Every year of the panel, ascending.
    pub years: Vec<i32>,
    pub selected: Vec<bool>,
    pub n_units: usize,
    /// Catalogue index of each scored indicator, in catalogue order.
    pub indicators: Vec<u16>,
    /// Position in `dims` of each scored indicator's dimension.
    pub ind_dim: Vec<u16>,
    pub w_ind: Vec<f64>,
    /// Catalogue index of each scored dimension.
    pub dims: Vec<u16>,
    pub w_dim: Vec<f64>,
    /// Group of each unit (index into `group_names`), `u32::MAX` without one.
    pub group: Vec<u32>,
    pub group_names: Vec<String>,
}

impl Layout {
    pub fn n_rows(&self) -> usize {
        self.years.len() * self.n_units
    }

    pub fn year_of(&self, r: usize) -> i32 {
        self.years[r / self.n_units]
    }

    fn year_index(&self, year: i32) -> Option<usize> {
        self.years.binary_search(&year).ok()
    }

    pub fn row_selected(&self, r: usize) -> bool {
        self.selected[r / self.n_units]
    }
}

/// The cells: reported values, the values that are normalised, flags and normalised scores.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Cells {
    /// Reported point values of the columns listed in `raw_cols` (NaN when missing); see
    /// [`Cells::reported`].
    #[serde(with = "super::nan_serde")]
    pub raw: Vec<f64>,
    /// Per scored column: its block in `raw`, or `u32::MAX` when the reported value is the
    /// scored value (NaN where imputed).
    pub raw_cols: Vec<u32>,
    /// After denominating, imputing and winsorising (NaN when not scored).
    #[serde(with = "super::nan_serde")]
    pub value: Vec<f64>,
    #[serde(with = "super::nan_serde")]
    pub normalised: Vec<f64>,
    pub flags: Vec<u8>,
    /// Years back the value was carried from (0 when not carried); empty unless imputing by
    /// carrying forward.
    pub carried: Vec<u8>,
}

impl Cells {
    /// The reported point value of column k in row r (NaN when not reported).
    pub fn reported(&self, k: usize, r: usize, n_rows: usize) -> f64 {
        match self.raw_cols[k] {
            u32::MAX => {
                let i = k * n_rows + r;
                if self.flags[i] & IMPUTED != 0 { f64::NAN } else { self.value[i] }
            }
            b => self.raw[b as usize * n_rows + r],
        }
    }
}

/// Per-row (unit-year) results.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Rows {
    /// `dim_score[d · n_rows + r]`, NaN below coverage.
    #[serde(with = "super::nan_serde")]
    pub dim_score: Vec<f64>,
    #[serde(with = "super::nan_serde")]
    pub dim_cov: Vec<f64>,
    /// Weight of the indicators present in the dimension (for effective weights).
    pub dim_present: Vec<f64>,
    #[serde(with = "super::nan_serde")]
    pub score: Vec<f64>,
    #[serde(with = "super::nan_serde")]
    pub cov: Vec<f64>,
    /// Weight of the dimensions with a score.
    pub present: Vec<f64>,
    pub flags: Vec<u8>,
    /// Observed cells in the row (0: the unit did not report that year).
    pub observed: Vec<u16>,
}

/// Comparison sets: which rows are normalised together.
pub(crate) struct Sets {
    pub rows: Vec<Vec<u32>>,
    pub year: Vec<Option<i32>>,
    pub group: Vec<Option<u32>>,
    /// Set of each row (`u32::MAX` when the row is not scored).
    pub of_row: Vec<u32>,
}

/// Per indicator: goalposts used (for the weights frame), and per (set, indicator) whether the
/// indicator carried information there.
pub(crate) struct Normalised {
    pub goalposts: Vec<Option<(f64, f64, &'static str)>>,
    /// `informative[s · n_k + k]`.
    pub informative: Vec<bool>,
}

pub(crate) fn layout(panel: &Panel, options: &ScoreOptions) -> Result<(Layout, Vec<Exclusion>)> {
    let catalogue = panel.catalogue();
    let mut excluded = Vec::new();
    let years: Vec<i32> = panel.years().to_vec();
    if years.is_empty() {
        return Err(Error::InvalidArgument("the panel has no observations to score".into()));
    }
    let selected = match &options.years {
        None => vec![true; years.len()],
        Some(want) => {
            for y in want {
                if years.binary_search(y).is_err() {
                    return Err(Error::InvalidArgument(format!(
                        "year {y} is not in the panel (it has {})",
                        years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            years.iter().map(|y| want.contains(y)).collect()
        }
    };

    // Weight keys must name something in the catalogue.
    let mut ind_weight: HashMap<usize, f64> = HashMap::new();
    for (key, w) in &options.weights.indicators {
        let k = catalogue
            .resolve(key)
            .ok_or_else(|| Error::InvalidArgument(format!("weights: {key:?} is not an indicator of catalogue {}", catalogue.version)))?;
        ind_weight.insert(k, *w);
    }
    let mut dim_weight: HashMap<&str, f64> = HashMap::new();
    for (key, w) in &options.weights.dimensions {
        let d = catalogue.dimensions.iter().find(|d| d.code == *key || d.name_zh == *key).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "weights: {key:?} is not a dimension of catalogue {} (dimensions: {})",
                catalogue.version,
                catalogue.dimensions.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?;
        dim_weight.insert(d.code.as_str(), *w);
    }

    let mut indicators = Vec::new();
    let mut w_ind = Vec::new();
    let mut ind_dim_code = Vec::new();
    for (k, ind) in catalogue.indicators.iter().enumerate() {
        if let Some(kinds) = &options.kinds
            && !kinds.contains(&ind.kind)
        {
            let mut e =
                Exclusion::new("indicator", "kind", format!("{} is an {} indicator; kinds = {kinds:?}", ind.code, ind.kind.as_str()));
            e.indicator = Some(k as u16);
            excluded.push(e);
            continue;
        }
        let w = ind_weight.get(&k).copied().unwrap_or(ind.weight);
        if w <= 0.0 {
            let mut e = Exclusion::new("indicator", "zero_weight", format!("{} has weight 0", ind.code));
            e.indicator = Some(k as u16);
            excluded.push(e);
            continue;
        }
        indicators.push(k as u16);
        w_ind.push(w);
        ind_dim_code.push(ind.dimension.as_str());
    }
    let mut dims = Vec::new();
    let mut w_dim = Vec::new();
    for (d, dim) in catalogue.dimensions.iter().enumerate() {
        let w = dim_weight.get(dim.code.as_str()).copied().unwrap_or(dim.weight);
        let has = ind_dim_code.contains(&dim.code.as_str());
        if !has || w <= 0.0 {
            let (reason, detail) = if has {
                ("zero_weight", format!("dimension {} has weight 0", dim.code))
            } else {
                ("no_indicators", format!("no indicator of dimension {} is scored (kinds or weights)", dim.code))
            };
            let mut e = Exclusion::new("dimension", reason, detail);
            e.dimension = Some(d as u16);
            excluded.push(e);
            continue;
        }
        dims.push(d as u16);
        w_dim.push(w);
    }
    if dims.is_empty() {
        return Err(Error::InvalidArgument(
            "nothing to score: no dimension has a positive weight and an indicator with a positive weight".into(),
        ));
    }
    // Indicators of a dropped dimension are dropped too.
    let mut keep = Vec::new();
    let mut ind_dim = Vec::new();
    for (i, code) in ind_dim_code.iter().enumerate() {
        match dims.iter().position(|&d| catalogue.dimensions[d as usize].code == *code) {
            Some(p) => {
                keep.push(i);
                ind_dim.push(p as u16);
            }
            None => {
                let mut e = Exclusion::new("indicator", "dimension_dropped", format!("its dimension {code} has weight 0"));
                e.indicator = Some(indicators[i]);
                excluded.push(e);
            }
        }
    }
    let indicators: Vec<u16> = keep.iter().map(|&i| indicators[i]).collect();
    let w_ind: Vec<f64> = keep.iter().map(|&i| w_ind[i]).collect();

    let n_units = panel.unit_codes().len();
    let mut group = vec![u32::MAX; n_units];
    let mut group_names: Vec<String> = Vec::new();
    if panel.units().is_some() {
        let mut index: HashMap<&str, u32> = HashMap::new();
        for (u, slot) in group.iter_mut().enumerate() {
            if let Some(county) = panel.unit_entry(u).and_then(|x| x.county.as_ref()) {
                *slot = *index.entry(county.as_str()).or_insert_with(|| {
                    group_names.push(county.clone());
                    (group_names.len() - 1) as u32
                });
            }
        }
    }
    if options.scope == Scope::Group && group_names.is_empty() {
        return Err(Error::InvalidArgument("scope=\"group\" needs a unit table with a county column: build the panel with units=…".into()));
    }
    if options.impute == Impute::GroupMedian && group_names.is_empty() {
        return Err(Error::InvalidArgument(
            "impute=\"group_median\" needs a unit table with a county column: build the panel with units=…".into(),
        ));
    }
    Ok((Layout { years, selected, n_units, indicators, ind_dim, w_ind, dims, w_dim, group, group_names }, excluded))
}

/// Reads the panel into dense columns, denominates and imputes.
/// Also returns, per row, how many cells the unit reported (0: no report that year).
pub(crate) fn cells(
    panel: &Panel,
    view: &PanelView<'_>,
    layout: &Layout,
    options: &ScoreOptions,
    excluded: &mut Vec<Exclusion>,
) -> Result<(Cells, Vec<u16>)> {
    let catalogue = panel.catalogue();
    let clock = std::time::Instant::now();
    let lap = |what: &str| {
        if std::env::var_os("FAZHI_TIMING").is_some() {
            eprintln!("fazhi score:   cells/{what} at +{:.3} s", clock.elapsed().as_secs_f64());
        }
    };
    let n_rows = layout.n_rows();
    let n_cat = catalogue.indicators.len();
    let nu = layout.n_units;
    let n_k = layout.indicators.len();
    // Columns: the scored indicators, then any indicator that is only a denominator.
    let mut col_of = vec![u32::MAX; n_cat];
    for (k, &ci) in layout.indicators.iter().enumerate() {
        col_of[ci as usize] = k as u32;
    }
    let mut n_cols = n_k;
    for &ci in &layout.indicators {
        if let (Some(Denominator::Indicator { indicator }), true) = (&catalogue.indicators[ci as usize].denominator, options.denominate)
            && let Some(di) = catalogue.resolve(indicator)
            && col_of[di] == u32::MAX
        {
            col_of[di] = n_cols as u32;
            n_cols += 1;
        }
    }
    // The scored values start as the reported ones. Reported values are kept apart only where
    // they will differ: denominated columns, columns that are denominators, and every column
    // when winsorising.
    let mut keep = vec![options.winsorise.is_some(); n_k];
    if options.denominate {
        for (k, &ci) in layout.indicators.iter().enumerate() {
            match &catalogue.indicators[ci as usize].denominator {
                Some(Denominator::Attribute { .. }) => keep[k] = true,
                Some(Denominator::Indicator { indicator }) => {
                    keep[k] = true;
                    if let Some(di) = catalogue.resolve(indicator)
                        && (col_of[di] as usize) < n_k
                    {
                        keep[col_of[di] as usize] = true;
                    }
                }
                None => {}
            }
        }
    }
    let mut raw_cols = vec![u32::MAX; n_k];
    let mut n_kept = 0;
    for k in (0..n_k).filter(|&k| keep[k]) {
        raw_cols[k] = n_kept;
        n_kept += 1;
    }
    let n_extra = n_cols - n_k;
    // Reported values start NaN, and the scatter writes the observed cells over them. Kept
    // columns have their reported values apart (`raw`), and their block of `value` is written
    // by the denominating pass below. Filling first, block by block on all threads, also takes
    // the first-touch page faults in parallel and in order.
    let mut value: Vec<f64> = Vec::with_capacity(n_k * n_rows);
    value.spare_capacity_mut()[..n_k * n_rows].par_chunks_mut(n_rows.max(1)).enumerate().filter(|(k, _)| !keep[*k]).for_each(
        |(_, block)| {
            block.iter_mut().for_each(|x| {
                x.write(f64::NAN);
            })
        },
    );
    let mut raw = nan_filled(n_kept as usize * n_rows);
    let mut extra_raw = nan_filled(n_extra * n_rows);
    let mut flags = vec![0u8; n_k * n_rows];
    let mut extra_flags = vec![0u8; n_extra * n_rows];
    let mut observed = vec![0u16; n_rows];
    {
        // Where each column's reported values and flags go: (vector, offset of its block).
        let (value_d, raw_d, extra_d) = (Disjoint::of(&mut value), Disjoint::of(&mut raw), Disjoint::of(&mut extra_raw));
        let (flags_d, extra_flags_d, observed_d) = (Disjoint::of(&mut flags), Disjoint::of(&mut extra_flags), Disjoint::of(&mut observed));
        let dest: Vec<(Disjoint<'_, f64>, usize, Disjoint<'_, u8>, usize)> = (0..n_cols)
            .map(|c| match c {
                c if c >= n_k => (extra_d, (c - n_k) * n_rows, extra_flags_d, (c - n_k) * n_rows),
                c if keep[c] => (raw_d, raw_cols[c] as usize * n_rows, flags_d, c * n_rows),
                c => (value_d, c * n_rows, flags_d, c * n_rows),
            })
            .collect();
        // Every destination block holds n_rows cells, and every row index below is < n_rows
        // (year index < years, unit < nu), so checking the blocks once bounds every write.
        assert!(
            dest.iter().all(|&(v, at, f, at_f)| v.fits(at, n_rows) && f.fits(at_f, n_rows)) && observed_d.fits(0, n_rows),
            "internal: a scoring block is smaller than the rows"
        );
        // Each unit's cells are written by the task that owns the unit's rows of the panel (the
        // panel is sorted by unit), so the writes of different tasks never meet.
        let blocks = view.unit_blocks();
        // A task writes only the rows of the unit its block starts with, so the writes are
        // disjoint when no two blocks start with the same unit: checked here, with the blocks in
        // unit order. (That every row of a block is its unit's follows from the rows being sorted
        // by unit; the ends are checked.)
        assert!(
            blocks.iter().all(|&(a, b)| a < b && b <= view.len() && view.unit[a] == view.unit[b - 1] && (view.unit[a] as usize) < nu)
                && blocks.windows(2).all(|w| w[0].1 <= w[1].0 && view.unit[w[0].0] < view.unit[w[1].0]),
            "internal: the panel's unit row ranges do not match its rows"
        );
        let per_task = blocks.len().div_ceil(4 * rayon::current_num_threads().max(1)).max(1);
        blocks.par_chunks(per_task).for_each(|chunk| {
            let mut year_idx = 0usize;
            for &(start, end) in chunk {
                let u = view.unit[start] as usize;
                for i in start..end {
                    let y = view.year[i];
                    if layout.years[year_idx] != y {
                        year_idx = layout.year_index(y).unwrap_or(0);
                    }
                    let r = year_idx * nu + u;
                    // SAFETY: row r is unit u's, which only this task writes; the offsets are
                    // blocks of n_rows within the capacities.
                    unsafe {
                        observed_d.set(r, observed_d.get(r) + 1);
                        let col = col_of[view.indicator[i] as usize];
                        if col != u32::MAX {
                            let (v, at, f, at_f) = dest[col as usize];
                            v.set(at + r, view.value[i]);
                            f.set(at_f + r, if view.qualified(i) { QUALIFIED } else { 0 });
                        }
                    }
                }
            }
        });
    }
    lap("scatter");
    let reported = |k: usize| -> &[f64] {
        let b = raw_cols[k] as usize;
        &raw[b * n_rows..(b + 1) * n_rows]
    };
    let column = |ci: usize| -> (&[f64], &[u8]) {
        let c = col_of[ci] as usize;
        if c < n_k {
            (reported(c), &flags[c * n_rows..(c + 1) * n_rows])
        } else {
            let c = c - n_k;
            (&extra_raw[c * n_rows..(c + 1) * n_rows], &extra_flags[c * n_rows..(c + 1) * n_rows])
        }
    };

    // Each attribute that denominates a scored column, per unit (NaN: missing), read once.
    let mut attribute_values: HashMap<&str, Vec<f64>> = HashMap::new();
    if options.denominate {
        for &ci in &layout.indicators {
            if let Some(Denominator::Attribute { attribute, .. }) = &catalogue.indicators[ci as usize].denominator {
                attribute_values.entry(attribute.as_str()).or_insert_with(|| {
                    (0..nu).map(|u| panel.unit_entry(u).and_then(|x| x.attribute(attribute)).unwrap_or(f64::NAN)).collect()
                });
            }
        }
    }
    // Columns are denominated side by side; each returns its notes and the cells whose
    // denominator was qualified.
    type Denominated = (Vec<Exclusion>, Vec<(usize, usize)>);
    let value_d = Disjoint::of(&mut value);
    let per_column: Vec<Result<Denominated>> = (0..n_k).into_par_iter().map(|k| {
        // SAFETY: this task writes column k's block of `value` only, and all of it (every row
        // of a denominated column; a copy of the reported values for the other kept columns);
        // k < n_k and r < n_rows, so the cell is within the capacity n_k · n_rows.
        let out = |r: usize, x: f64| unsafe { value_d.set(k * n_rows + r, x) };
        let mut excluded: Vec<Exclusion> = Vec::new();
        let mut extra_qualified: Vec<(usize, usize)> = Vec::new();
        let ci = layout.indicators[k] as usize;
        let ind = &catalogue.indicators[ci];
        match (&ind.denominator, options.denominate) {
            (Some(Denominator::Attribute { attribute, per }), true) => {
                let src = reported(k);
                let attr = &attribute_values[attribute.as_str()];
                let mut missing = Vec::new();
                let mut observed = 0usize;
                for r in 0..n_rows {
                    let x = src[r];
                    if x.is_nan() {
                        out(r, f64::NAN);
                        continue;
                    }
                    if layout.row_selected(r) {
                        observed += 1;
                    }
                    let a = attr[r % nu];
                    if a.is_finite() && a > 0.0 {
                        out(r, x / a * per);
                    } else {
                        out(r, f64::NAN);
                        if layout.row_selected(r) {
                            missing.push(r);
                        }
                    }
                }
                // Every observed cell lost: the indicator leaves the score, which a list of cells
                // does not say at a glance (and `score()` warns about).
                if observed > 0 && missing.len() == observed {
                    let why = if panel.units().is_none() {
                        "no unit table was given".to_string()
                    } else {
                        format!("no unit that reports it has {attribute} in the unit table")
                    };
                    let mut e = Exclusion::new(
                        "indicator",
                        NO_DENOMINATOR,
                        format!(
                            "{} is scored per {per} {attribute} and {why}: it is left out of the score; give a unit table with a {attribute} column (units=...), or pass denominate=False to score the reported numbers",
                            ind.code
                        ),
                    );
                    e.indicator = Some(ci as u16);
                    excluded.push(e);
                }
                // One line per unit and indicator (the attribute is the unit's, not the year's).
                missing.sort_by_key(|&r| (r % nu, r / nu));
                for unit_rows in missing.chunk_by(|a, b| a % nu == b % nu) {
                    let u = unit_rows[0] % nu;
                    let a = attr[u];
                    let years: Vec<String> = unit_rows.iter().map(|&r| layout.year_of(r).to_string()).collect();
                    let mut e = Exclusion::new(
                        "cell",
                        if a.is_nan() { "missing_attribute" } else { "zero_denominator" },
                        format!(
                            "{} is scored per {per} {attribute}, and the unit's {attribute} is {} (years {}); add it to the unit table or pass denominate=False",
                            ind.code,
                            if a.is_nan() { "missing".to_string() } else { a.to_string() },
                            years.join(", ")
                        ),
                    );
                    e.unit = Some(u as u32);
                    e.year = (unit_rows.len() == 1).then(|| layout.year_of(unit_rows[0]));
                    e.indicator = Some(ci as u16);
                    excluded.push(e);
                }
            }
            (Some(Denominator::Indicator { indicator }), true) => {
                let di = catalogue
                    .resolve(indicator)
                    .ok_or_else(|| Error::InvalidArgument(format!("{}'s denominator {indicator:?} is not in the catalogue", ind.code)))?;
                let src = reported(k);
                let (den, den_flags) = column(di);
                for r in 0..n_rows {
                    let x = src[r];
                    if x.is_nan() {
                        out(r, f64::NAN);
                        continue;
                    }
                    let d = den[r];
                    if d.is_finite() && d > 0.0 {
                        out(r, 100.0 * x / d);
                        if den_flags[r] & QUALIFIED != 0 {
                            extra_qualified.push((k, r));
                        }
                    } else {
                        out(r, f64::NAN);
                    }
                    if !(d.is_finite() && d > 0.0) && layout.row_selected(r) {
                        let mut e = Exclusion::new(
                            "cell",
                            if d.is_nan() { "missing_denominator" } else { "zero_denominator" },
                            format!(
                                "{} is scored as a percentage of {}, which is {} here",
                                ind.code,
                                catalogue.indicators[di].code,
                                if d.is_nan() { "missing".to_string() } else { d.to_string() }
                            ),
                        );
                        e.unit = Some((r % nu) as u32);
                        e.year = Some(layout.year_of(r));
                        e.indicator = Some(ci as u16);
                        excluded.push(e);
                    }
                }
            }
            _ if keep[k] => {
                // SAFETY: as above.
                unsafe { value_d.put(k * n_rows, reported(k)) }
            }
            _ => {}
        }
        Ok((excluded, extra_qualified))
    }).collect();
    // SAFETY: the scatter wrote the columns that are not kept, the pass above the kept ones.
    // When a column failed, the length stays 0 and the error is returned below.
    if per_column.iter().all(Result::is_ok) {
        unsafe { value.set_len(n_k * n_rows) };
    }
    let mut extra_qualified = Vec::new();
    for column in per_column {
        let (notes, cells) = column?;
        excluded.extend(notes);
        extra_qualified.extend(cells);
    }
    for (k, r) in extra_qualified {
        flags[k * n_rows + r] |= QUALIFIED;
    }

    lap("denominate");
    let mut carried = if matches!(options.impute, Impute::CarryForward(_)) { vec![0u8; n_k * n_rows] } else { Vec::new() };
    match options.impute {
        Impute::None => {}
        Impute::CarryForward(max_back) => {
            value.par_chunks_mut(n_rows).zip(flags.par_chunks_mut(n_rows)).zip(carried.par_chunks_mut(n_rows)).for_each(
                |((col, fl), ca)| {
                    let original: Vec<bool> = col.iter().map(|x| !x.is_nan()).collect();
                    for r in 0..n_rows {
                        if original[r] || !layout.row_selected(r) || observed[r] == 0 {
                            continue;
                        }
                        let (yi, u) = (r / nu, r % nu);
                        let year = layout.years[yi];
                        for back in 1..=max_back.min(255) {
                            let Some(pi) = layout.year_index(year - back as i32) else { continue };
                            let p = pi * nu + u;
                            if original[p] {
                                col[r] = col[p];
                                fl[r] = (fl[p] & QUALIFIED) | IMPUTED;
                                ca[r] = back as u8;
                                break;
                            }
                        }
                    }
                },
            );
        }
        Impute::GroupMedian => {
            let n_groups = layout.group_names.len();
            value.par_chunks_mut(n_rows).zip(flags.par_chunks_mut(n_rows)).for_each(|(col, fl)| {
                let mut members: Vec<Vec<f64>> = vec![Vec::new(); n_groups];
                for yi in 0..layout.years.len() {
                    if !layout.selected[yi] {
                        continue;
                    }
                    members.iter_mut().for_each(Vec::clear);
                    for u in 0..nu {
                        let g = layout.group[u];
                        let x = col[yi * nu + u];
                        if g != u32::MAX && !x.is_nan() {
                            members[g as usize].push(x);
                        }
                    }
                    let medians: Vec<f64> = members.iter_mut().map(|m| median(m, MIN_GROUP_FOR_MEDIAN)).collect();
                    for u in 0..nu {
                        let r = yi * nu + u;
                        let g = layout.group[u];
                        if col[r].is_nan() && g != u32::MAX && observed[r] > 0 && !medians[g as usize].is_nan() {
                            col[r] = medians[g as usize];
                            fl[r] = IMPUTED | GROUP_MEDIAN;
                        }
                    }
                }
            });
        }
    }
    let normalised = nan_filled(n_k * n_rows);
    lap("impute");
    Ok((Cells { raw, raw_cols, value, normalised, flags, carried }, observed))
}

/// A vector of n NaNs, filled by all threads: for the large columns, first-touch page faults
/// cost as much as the filling, and they run in parallel this way.
pub(crate) fn nan_filled(n: usize) -> Vec<f64> {
    filled(n, f64::NAN)
}

/// A vector of n copies of x, filled by all threads when large (see [`nan_filled`]).
pub(crate) fn filled(n: usize, x: f64) -> Vec<f64> {
    if n < 1 << 20 {
        return vec![x; n];
    }
    (0..n).into_par_iter().map(|_| x).collect()
}

/// A group median needs at least this many reporting units.
pub(crate) const MIN_GROUP_FOR_MEDIAN: usize = 3;

fn median(values: &mut [f64], min_n: usize) -> f64 {
    if values.len() < min_n || values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

/// Quantile of sorted values, linear interpolation between order statistics (Hyndman–Fan type 7).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

pub(crate) fn sets(layout: &Layout, scope: Scope) -> Sets {
    let nu = layout.n_units;
    let mut out = Sets { rows: Vec::new(), year: Vec::new(), group: Vec::new(), of_row: vec![u32::MAX; layout.n_rows()] };
    let push = |rows: Vec<u32>, year: Option<i32>, group: Option<u32>, out: &mut Sets| {
        let s = out.rows.len() as u32;
        for &r in &rows {
            out.of_row[r as usize] = s;
        }
        out.rows.push(rows);
        out.year.push(year);
        out.group.push(group);
    };
    match scope {
        Scope::Year => {
            for (yi, &y) in layout.years.iter().enumerate() {
                if layout.selected[yi] {
                    push(((yi * nu) as u32..((yi + 1) * nu) as u32).collect(), Some(y), None, &mut out);
                }
            }
        }
        Scope::Global => {
            let rows = (0..layout.n_rows() as u32).filter(|&r| layout.row_selected(r as usize)).collect();
            push(rows, None, None, &mut out);
        }
        Scope::Group => {
            for (yi, &y) in layout.years.iter().enumerate() {
                if !layout.selected[yi] {
                    continue;
                }
                let mut by_group: Vec<Vec<u32>> = vec![Vec::new(); layout.group_names.len() + 1];
                for u in 0..nu {
                    let g = layout.group[u];
                    let slot = if g == u32::MAX { layout.group_names.len() } else { g as usize };
                    by_group[slot].push((yi * nu + u) as u32);
                }
                for (g, rows) in by_group.into_iter().enumerate() {
                    if !rows.is_empty() {
                        let group = (g < layout.group_names.len()).then_some(g as u32);
                        push(rows, Some(y), group, &mut out);
                    }
                }
            }
        }
    }
    out
}

/// Normalises every scored indicator over every comparison set, winsorising first if asked.
pub(crate) fn normalise(
    panel: &Panel,
    layout: &Layout,
    sets: &Sets,
    cells: &mut Cells,
    options: &ScoreOptions,
    excluded: &mut Vec<Exclusion>,
) -> Result<Normalised> {
    let catalogue = panel.catalogue();
    let n_rows = layout.n_rows();
    let n_k = layout.indicators.len();
    let n_sets = sets.rows.len();
    let targets = match (&options.targets, options.normalise) {
        (Some(t), Normalise::Target) => Some(target_lookup(panel, layout, t)?),
        _ => None,
    };
    struct ColumnOut {
        goalposts: Option<(f64, f64, &'static str)>,
        informative: Vec<bool>,
        excluded: Vec<Exclusion>,
    }
    let gap_options = GapOptions::default();
    let results: Vec<ColumnOut> = cells
        .value
        .par_chunks_mut(n_rows)
        .zip(cells.normalised.par_chunks_mut(n_rows))
        .zip(cells.flags.par_chunks_mut(n_rows))
        .enumerate()
        .map(|(k, ((value, norm), flags))| {
            let ci = layout.indicators[k];
            let ind = &catalogue.indicators[ci as usize];
            let sign = ind.polarity.sign();
            let mut out = ColumnOut { goalposts: None, informative: vec![false; n_sets], excluded: Vec::new() };
            let mut buf: Vec<f64> = Vec::new();
            let mut idx: Vec<u32> = Vec::new();
            if let Some((lo_q, hi_q)) = options.winsorise {
                for rows in &sets.rows {
                    winsorise_set(value, rows, lo_q, hi_q, &mut buf, |r| flags[r] |= WINSORISED);
                }
            }
            if options.normalise == Normalise::Goalposts {
                out.goalposts = Some(match ind.goalposts {
                    Some(g) => (g.worst, g.best, "catalogue"),
                    None => {
                        let (worst, best) =
                            data_goalposts((0..n_rows).filter(|&r| layout.row_selected(r)).map(|r| value[r]), ind.polarity, &mut buf);
                        (worst, best, "data")
                    }
                });
            }
            let value: &[f64] = value;
            let note = |s: usize, reason: &str, detail: String| {
                let mut e = Exclusion::new("indicator", reason, detail);
                e.indicator = Some(ci);
                e.year = sets.year[s];
                e
            };
            if options.normalise == Normalise::Target {
                for (s, rows) in sets.rows.iter().enumerate() {
                    let present = rows.iter().filter(|&&r| !value[r as usize].is_nan()).count();
                    if present == 0 {
                        continue;
                    }
                    let lookup = targets.as_ref();
                    let mut with = 0usize;
                    for &r in rows {
                        let r = r as usize;
                        let x = value[r];
                        if x.is_nan() {
                            continue;
                        }
                        if let Some(a) = lookup.and_then(|m| m.get(&(k as u32, r as u32))).and_then(|t| crate::analytics::achievement(t, x, &gap_options)) {
                            norm[r] = 100.0 * a.clamp(0.0, 1.0);
                            with += 1;
                        }
                    }
                    if with < present {
                        out.excluded.push(note(
                            s,
                            "no_target",
                            format!("{} of {present} observed values of {} have no target with a defined achievement ratio; they are not scored", present - with, ind.code),
                        ));
                    }
                    out.informative[s] = with > 0;
                }
                return out;
            }
            let method = options.normalise;
            let goalposts = out.goalposts.map(|(worst, best, _)| (worst, best));
            normalise_sets(method, sign, goalposts, value, &sets.rows, norm, &mut idx, |s, informative| {
                out.informative[s] = informative;
                if !informative {
                    let first = sets.rows[s].iter().map(|&r| value[r as usize]).find(|x| !x.is_nan()).unwrap_or(f64::NAN);
                    let detail = match method {
                        Normalise::MinMax => format!("every unit has {} = {first}: no information, left out and weights renormalised", ind.code),
                        Normalise::Goalposts => {
                            let worst = goalposts.map_or(f64::NAN, |g| g.0);
                            format!("the goalposts of {} are equal ({worst}): no information", ind.code)
                        }
                        Normalise::ZScore => format!("{} has no spread here (sd 0): no information", ind.code),
                        _ => format!("{} takes one value here: no information", ind.code),
                    };
                    out.excluded.push(note(s, "no_variation", detail));
                }
            });
            out
        })
        .collect();
    let mut informative = vec![false; n_sets * n_k];
    let mut goalposts = Vec::with_capacity(n_k);
    for (k, col) in results.into_iter().enumerate() {
        for s in 0..n_sets {
            informative[s * n_k + k] = col.informative[s];
        }
        goalposts.push(col.goalposts);
        excluded.extend(col.excluded);
    }
    Ok(Normalised { goalposts, informative })
}

/// Clamps the values of `rows` to their `lo_q`–`hi_q` quantiles (type 7), calling `clamped(r)`
/// for every value changed. Fewer than two values: nothing to do.
pub(crate) fn winsorise_set(value: &mut [f64], rows: &[u32], lo_q: f64, hi_q: f64, buf: &mut Vec<f64>, mut clamped: impl FnMut(usize)) {
    buf.clear();
    buf.extend(rows.iter().map(|&r| value[r as usize]).filter(|x| !x.is_nan()));
    if buf.len() < 2 {
        return;
    }
    buf.sort_by(f64::total_cmp);
    let (a, b) = (quantile(buf, lo_q), quantile(buf, hi_q));
    for &r in rows {
        let x = &mut value[r as usize];
        if !x.is_nan() && (*x < a || *x > b) {
            *x = x.clamp(a, b);
            clamped(r as usize);
        }
    }
}

/// Goalposts from the data: (worst, best) = the 2.5 % and 97.5 % quantiles, in polarity order.
pub(crate) fn data_goalposts(values: impl Iterator<Item = f64>, polarity: Polarity, buf: &mut Vec<f64>) -> (f64, f64) {
    buf.clear();
    buf.extend(values.filter(|x| !x.is_nan()));
    buf.sort_by(f64::total_cmp);
    let (p025, p975) = (quantile(buf, 0.025), quantile(buf, 0.975));
    if polarity == Polarity::Higher { (p025, p975) } else { (p975, p025) }
}

/// The rows as a range when they are consecutive (a year's rows under the year scope; every
/// unit in a draw), so loops can run over slices.
fn contiguous(rows: &[u32]) -> Option<std::ops::Range<usize>> {
    let (&first, &last) = (rows.first()?, rows.last()?);
    (last as usize - first as usize + 1 == rows.len()).then(|| first as usize..last as usize + 1)
}

/// Smallest and largest value, ignoring NaN (`f64::min`/`max` return the other operand), in four
/// independent lanes so the loop is not one long dependency chain.
fn min_max(values: &[f64]) -> (f64, f64) {
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    let chunks = values.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        for j in 0..4 {
            lo[j] = lo[j].min(c[j]);
            hi[j] = hi[j].max(c[j]);
        }
    }
    for &x in tail {
        lo[0] = lo[0].min(x);
        hi[0] = hi[0].max(x);
    }
    (lo[0].min(lo[1]).min(lo[2].min(lo[3])), hi[0].max(hi[1]).max(hi[2].max(hi[3])))
}

/// Normalises one indicator's values over every comparison set (any method but targets, which
/// need each cell's target): for each set with a value present, [`normalise_set`], then
/// `each(set, informative)`. Sets without values carry no information and are skipped.
#[allow(clippy::too_many_arguments)]
pub(crate) fn normalise_sets(
    method: Normalise,
    sign: f64,
    goalposts: Option<(f64, f64)>,
    value: &[f64],
    sets: &[Vec<u32>],
    norm: &mut [f64],
    idx: &mut Vec<u32>,
    mut each: impl FnMut(usize, bool),
) {
    for (s, rows) in sets.iter().enumerate() {
        let present = rows.iter().filter(|&&r| !value[r as usize].is_nan()).count();
        if present > 0 {
            each(s, normalise_set(method, sign, goalposts, value, rows, present, norm, idx));
        }
    }
}

/// Normalises the values of one indicator over one comparison set: `norm[r]` for every `r` in
/// `rows` whose value is present (`present` of them, at least one). Min-max, goalposts
/// ((worst, best)), z-score or rank; targets are the caller's. Rows whose value is missing may be
/// set to NaN. Returns whether the indicator carried information in the set; when it did not,
/// `norm` is untouched.
#[allow(clippy::too_many_arguments)]
pub(crate) fn normalise_set(
    method: Normalise,
    sign: f64,
    goalposts: Option<(f64, f64)>,
    value: &[f64],
    rows: &[u32],
    present: usize,
    norm: &mut [f64],
    idx: &mut Vec<u32>,
) -> bool {
    let span = contiguous(rows);
    match method {
        Normalise::MinMax => {
            let (lo, hi) = match &span {
                Some(span) => min_max(&value[span.clone()]),
                None => rows.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &r| {
                    let x = value[r as usize];
                    (lo.min(x), hi.max(x))
                }),
            };
            if hi <= lo {
                return false;
            }
            // NaN stays NaN through the arithmetic, so the loops need no branch.
            let t = |x: f64| (x - lo) / (hi - lo);
            match (&span, sign > 0.0) {
                (Some(span), true) => norm[span.clone()].iter_mut().zip(&value[span.clone()]).for_each(|(n, &x)| *n = 100.0 * t(x)),
                (Some(span), false) => {
                    norm[span.clone()].iter_mut().zip(&value[span.clone()]).for_each(|(n, &x)| *n = 100.0 * (1.0 - t(x)))
                }
                (None, _) => {
                    for &r in rows {
                        let x = value[r as usize];
                        norm[r as usize] = 100.0 * if sign > 0.0 { t(x) } else { 1.0 - t(x) };
                    }
                }
            }
            true
        }
        Normalise::Goalposts => {
            let Some((worst, best)) = goalposts else { return false };
            if best == worst || !worst.is_finite() || !best.is_finite() {
                return false;
            }
            for &r in rows {
                let x = value[r as usize];
                if !x.is_nan() {
                    norm[r as usize] = 100.0 * ((x - worst) / (best - worst)).clamp(0.0, 1.0);
                }
            }
            true
        }
        Normalise::ZScore => {
            let mean = rows.iter().map(|&r| value[r as usize]).filter(|x| !x.is_nan()).sum::<f64>() / present as f64;
            let ss: f64 = rows.iter().map(|&r| value[r as usize]).filter(|x| !x.is_nan()).map(|x| (x - mean) * (x - mean)).sum();
            let sd = if present > 1 { (ss / (present - 1) as f64).sqrt() } else { 0.0 };
            if sd <= 0.0 {
                return false;
            }
            for &r in rows {
                let x = value[r as usize];
                if !x.is_nan() {
                    norm[r as usize] = sign * (x - mean) / sd;
                }
            }
            true
        }
        Normalise::Rank => {
            idx.clear();
            idx.extend(rows.iter().copied().filter(|&r| !value[r as usize].is_nan()));
            idx.sort_by(|&a, &b| (sign * value[a as usize]).total_cmp(&(sign * value[b as usize])).then(a.cmp(&b)));
            let n = idx.len();
            if n < 2 || value[idx[0] as usize] == value[idx[n - 1] as usize] {
                return false;
            }
            let mut i = 0;
            while i < n {
                let mut j = i;
                while j + 1 < n && value[idx[j + 1] as usize] == value[idx[i] as usize] {
                    j += 1;
                }
                // Average 1-based rank of the tie block i..=j.
                let avg = (i + j) as f64 / 2.0 + 1.0;
                for &r in &idx[i..=j] {
                    norm[r as usize] = 100.0 * (avg - 1.0) / (n - 1) as f64;
                }
                i = j + 1;
            }
            true
        }
        Normalise::Target => false,
    }
}

/// (scored indicator position, row) → the target that applies.
fn target_lookup<'t>(panel: &Panel, layout: &Layout, targets: &'t crate::model::Targets) -> Result<HashMap<(u32, u32), &'t Target>> {
    let mut pos = vec![u32::MAX; panel.catalogue().indicators.len()];
    for (k, &ci) in layout.indicators.iter().enumerate() {
        pos[ci as usize] = k as u32;
    }
    let mut out = HashMap::new();
    for (u, ci, t, _) in crate::analytics::effective_targets(panel, targets)? {
        let k = pos[ci as usize];
        if k == u32::MAX {
            continue;
        }
        if let Some(yi) = layout.year_index(t.year) {
            out.insert((k, (yi * layout.n_units + u as usize) as u32), t);
        }
    }
    Ok(out)
}

/// Rows per parallel block of the aggregation.
const BLOCK: usize = 2048;

/// Aggregates normalised scores into dimension scores and composites, row by row.
#[allow(clippy::too_many_arguments)]
pub(crate) fn aggregate(
    catalogue: &Catalogue,
    units: &[String],
    layout: &Layout,
    sets: &Sets,
    norm: &Normalised,
    cells: &Cells,
    observed: &[u16],
    options: &ScoreOptions,
) -> Result<Rows> {
    let n_rows = layout.n_rows();
    let n_k = layout.indicators.len();
    let n_d = layout.dims.len();
    let agg_dim = options.aggregate.0;
    // Weight of the informative indicators of each dimension, per comparison set.
    let n_sets = sets.rows.len();
    let mut set_total = vec![0.0f64; n_sets * n_d];
    for s in 0..n_sets {
        for k in 0..n_k {
            if norm.informative[s * n_k + k] {
                set_total[s * n_d + layout.ind_dim[k] as usize] += layout.w_ind[k];
            }
        }
    }
    // Blocks of rows are aggregated side by side, each writing its own rows of the outputs.
    let mut dim_score = Vec::with_capacity(n_d * n_rows);
    let mut dim_cov = Vec::with_capacity(n_d * n_rows);
    let mut dim_present = Vec::with_capacity(n_d * n_rows);
    let mut score = Vec::with_capacity(n_rows);
    let mut cov = Vec::with_capacity(n_rows);
    let mut present = Vec::with_capacity(n_rows);
    let mut flags = Vec::with_capacity(n_rows);
    let out = (
        Disjoint::of(&mut dim_score),
        Disjoint::of(&mut dim_cov),
        Disjoint::of(&mut dim_present),
        Disjoint::of(&mut score),
        Disjoint::of(&mut cov),
        Disjoint::of(&mut present),
        Disjoint::of(&mut flags),
    );
    let starts: Vec<usize> = (0..n_rows).step_by(BLOCK).collect();
    let errors: Vec<Option<(usize, String)>> = starts
        .par_iter()
        .map(|&a| {
            let b = (a + BLOCK).min(n_rows);
            let len = b - a;
            let mut blk_dim_score = vec![f64::NAN; n_d * len];
            let mut blk_dim_cov = vec![f64::NAN; n_d * len];
            let mut blk_dim_present = vec![0.0; n_d * len];
            let mut blk_score = vec![f64::NAN; len];
            let mut blk_cov = vec![f64::NAN; len];
            let mut blk_present = vec![0.0; len];
            let mut blk_flags = vec![0u8; len];
            // The cell flags that fed each dimension score, per row.
            let mut blk_dim_flags = vec![0u8; n_d * len];
            // Per dimension: Σ w·s (or Σ w·ln s, or min s), present weight and total weight.
            let mut acc = vec![accumulator_start(agg_dim); n_d * len];
            let mut total = vec![0.0f64; n_d * len];
            for i in 0..len {
                let s = sets.of_row[a + i];
                if s != u32::MAX {
                    for d in 0..n_d {
                        total[d * len + i] = set_total[s as usize * n_d + d];
                    }
                }
            }
            let mut first_bad: Option<(usize, String)> = None;
            for k in 0..n_k {
                let d = layout.ind_dim[k] as usize;
                let col = &cells.normalised[k * n_rows + a..k * n_rows + b];
                let fl = &cells.flags[k * n_rows + a..k * n_rows + b];
                let bad = accumulate(
                    agg_dim,
                    layout.w_ind[k],
                    col,
                    &mut acc[d * len..(d + 1) * len],
                    &mut blk_dim_present[d * len..(d + 1) * len],
                    Some((fl, &mut blk_dim_flags[d * len..(d + 1) * len])),
                );
                keep_lowest(&mut first_bad, bad, || catalogue.indicators[layout.indicators[k] as usize].code.clone());
            }
            let combined = Combined {
                dim_score: &mut blk_dim_score,
                dim_cov: &mut blk_dim_cov,
                present: &mut blk_present,
                score: &mut blk_score,
                cov: &mut blk_cov,
            };
            let bad = combine(options, &layout.w_dim, &acc, &blk_dim_present, &total, len, combined);
            keep_lowest(&mut first_bad, bad.map(|(i, _)| i), || {
                bad.map_or_else(String::new, |(_, d)| format!("dimension {}", catalogue.dimensions[layout.dims[d] as usize].code))
            });
            // A row's flags are those of the cells that reached its composite: cells of a
            // dimension left unscored (too little coverage) fed nothing, and an unscored
            // composite has none.
            for (i, f) in blk_flags.iter_mut().enumerate() {
                if blk_score[i].is_nan() {
                    continue;
                }
                for d in 0..n_d {
                    if !blk_dim_score[d * len + i].is_nan() {
                        *f |= blk_dim_flags[d * len + i];
                    }
                }
            }
            // SAFETY: rows a..b of every output belong to this block only, and the blocks cover
            // 0..n_rows, so every cell is written exactly once.
            unsafe {
                for d in 0..n_d {
                    out.0.put(d * n_rows + a, &blk_dim_score[d * len..(d + 1) * len]);
                    out.1.put(d * n_rows + a, &blk_dim_cov[d * len..(d + 1) * len]);
                    out.2.put(d * n_rows + a, &blk_dim_present[d * len..(d + 1) * len]);
                }
                out.3.put(a, &blk_score);
                out.4.put(a, &blk_cov);
                out.5.put(a, &blk_present);
                out.6.put(a, &blk_flags);
            }
            first_bad.map(|(i, what)| (a + i, what))
        })
        .collect();
    if let Some((r, what)) = errors.into_iter().flatten().min_by_key(|(r, _)| *r) {
        return Err(geometric_zero(&units[r % layout.n_units], layout.year_of(r), &what));
    }
    // SAFETY: every cell was written above.
    unsafe {
        dim_score.set_len(n_d * n_rows);
        dim_cov.set_len(n_d * n_rows);
        dim_present.set_len(n_d * n_rows);
        score.set_len(n_rows);
        cov.set_len(n_rows);
        present.set_len(n_rows);
        flags.set_len(n_rows);
    }
    Ok(Rows { dim_score, dim_cov, dim_present, score, cov, present, flags, observed: observed.to_vec() })
}

/// The allocation of a vector (its capacity, whether or not the cells are initialised), written
/// by parallel tasks that each own different cells. It borrows the vector, so the vector can be
/// neither used nor reallocated meanwhile; set the length once every cell is written.
#[derive(Clone, Copy)]
pub(crate) struct Disjoint<'a, T>(*mut T, usize, std::marker::PhantomData<&'a mut [T]>);

// SAFETY: the tasks write disjoint cells (the callers of `put`, `set` and `get` promise it), and
// reading a cell from another thread needs `T: Sync`.
unsafe impl<T: Send + Sync> Sync for Disjoint<'_, T> {}
unsafe impl<T: Send + Sync> Send for Disjoint<'_, T> {}

impl<'a, T: Copy> Disjoint<'a, T> {
    /// The whole capacity of `v`; its length is not changed.
    pub fn of(v: &'a mut Vec<T>) -> Self {
        Self(v.as_mut_ptr(), v.capacity(), std::marker::PhantomData)
    }

    /// Writes `xs` at `at`.
    ///
    /// # Safety
    /// No other task writes or reads `at .. at + xs.len()` meanwhile.
    pub unsafe fn put(self, at: usize, xs: &[T]) {
        assert!(at + xs.len() <= self.1, "write past the capacity");
        // SAFETY: in bounds (checked), and the range is this task's (the caller's promise).
        unsafe { std::ptr::copy_nonoverlapping(xs.as_ptr(), self.0.add(at), xs.len()) }
    }

    /// True when cells `at .. at + len` lie within the capacity. [`Disjoint::get`] and
    /// [`Disjoint::set`] only check their index in debug builds (they run once per cell), so
    /// callers check their ranges with this first.
    pub fn fits(self, at: usize, len: usize) -> bool {
        at.checked_add(len).is_some_and(|end| end <= self.1)
    }

    /// The value at `at`, which must have been written.
    ///
    /// # Safety
    /// `at` is within the capacity (see [`Disjoint::fits`]), the cell is initialised, and no
    /// other task writes it meanwhile.
    pub unsafe fn get(self, at: usize) -> T {
        debug_assert!(at < self.1, "read past the capacity");
        // SAFETY: the caller's promise.
        unsafe { self.0.add(at).read() }
    }

    /// Writes `x` at `at`.
    ///
    /// # Safety
    /// `at` is within the capacity (see [`Disjoint::fits`]), and no other task writes or reads
    /// it meanwhile.
    pub unsafe fn set(self, at: usize, x: T) {
        debug_assert!(at < self.1, "write past the capacity");
        // SAFETY: the caller's promise.
        unsafe { self.0.add(at).write(x) }
    }
}

/// The error of geometric aggregation meeting a score of 0 (unit, year, what had the 0).
pub(crate) fn geometric_zero(unit: &str, year: i32, what: &str) -> Error {
    Error::Scoring(format!(
        "geometric aggregation needs every score > 0, but unit {unit} in {year} has a score of 0 on {what}; \
         min-max and rank normalisation give the lowest unit 0, so use aggregate=\"arithmetic\" or \"minimum\", \
         or goalposts whose worst value lies below every unit"
    ))
}

/// Keeps the problem at the lowest row: `slot` takes (`at`, `what()`) when `at` is below the
/// row it holds, so the first of equal rows stays.
pub(crate) fn keep_lowest(slot: &mut Option<(usize, String)>, at: Option<usize>, what: impl FnOnce() -> String) {
    if let Some(at) = at
        && slot.as_ref().is_none_or(|(held, _)| at < *held)
    {
        *slot = Some((at, what()));
    }
}

/// The empty accumulator of an aggregation.
pub(crate) fn accumulator_start(agg: Aggregate) -> f64 {
    if agg == Aggregate::Minimum { f64::INFINITY } else { 0.0 }
}

/// Adds one indicator's normalised column (NaN: not scored) with weight `w` to its dimension's
/// accumulators `acc` (Σ w·s, Σ w·ln s or min s) and present weights, row by row; with `flags`,
/// ORs the cell flags into the row flags. Returns the first row with a score ≤ 0 under geometric
/// aggregation (left out of `acc`; the caller reports it).
pub(crate) fn accumulate(
    agg: Aggregate,
    w: f64,
    col: &[f64],
    acc: &mut [f64],
    present: &mut [f64],
    mut flags: Option<(&[u8], &mut [u8])>,
) -> Option<usize> {
    const KEPT: u8 = QUALIFIED | IMPUTED | WINSORISED;
    if agg == Aggregate::Arithmetic {
        // Branch-free: a missing score adds 0 to both sums and no flags.
        match flags {
            Some((cell, row)) => {
                for ((((a, p), &x), r), &c) in acc.iter_mut().zip(present.iter_mut()).zip(col).zip(row.iter_mut()).zip(cell) {
                    let here = !x.is_nan();
                    *p += if here { w } else { 0.0 };
                    *a += if here { w * x } else { 0.0 };
                    *r |= c & if here { KEPT } else { 0 };
                }
            }
            None => {
                for ((a, p), &x) in acc.iter_mut().zip(present.iter_mut()).zip(col) {
                    let here = !x.is_nan();
                    *p += if here { w } else { 0.0 };
                    *a += if here { w * x } else { 0.0 };
                }
            }
        }
        return None;
    }
    if let Some((cell, row)) = flags.as_mut() {
        for ((r, &c), &x) in row.iter_mut().zip(cell.iter()).zip(col) {
            *r |= c & if x.is_nan() { 0 } else { KEPT };
        }
    }
    let mut bad = None;
    for i in 0..col.len() {
        let x = col[i];
        if x.is_nan() {
            continue;
        }
        present[i] += w;
        match agg {
            Aggregate::Geometric => {
                if x <= 0.0 {
                    bad = bad.or(Some(i));
                } else {
                    acc[i] += w * x.ln();
                }
            }
            _ => acc[i] = acc[i].min(x),
        }
    }
    bad
}

/// Where [`combine`] writes, each `len` rows (`dim_*` are `d · len + i`).
pub(crate) struct Combined<'a> {
    pub dim_score: &'a mut [f64],
    pub dim_cov: &'a mut [f64],
    pub present: &'a mut [f64],
    pub score: &'a mut [f64],
    pub cov: &'a mut [f64],
}

/// Dimension scores and composites of `len` rows from the per-dimension accumulators (`acc`,
/// present weight `dim_present`, weight of the informative indicators `total`; each
/// `d · len + i`), with the coverage rules. Outputs start NaN (scores, coverage) and 0
/// (present). Returns the first (row, dimension) whose dimension score is ≤ 0 under geometric
/// aggregation of the composite.
pub(crate) fn combine(
    options: &ScoreOptions,
    w_dim: &[f64],
    acc: &[f64],
    dim_present: &[f64],
    total: &[f64],
    len: usize,
    out: Combined<'_>,
) -> Option<(usize, usize)> {
    const EPS: f64 = 1e-9;
    let (agg_dim, agg_comp) = options.aggregate;
    let (min_dim, min_comp) = options.min_coverage;
    let mut bad: Option<(usize, usize)> = None;
    let mut comp_acc = vec![accumulator_start(agg_comp); len];
    let mut comp_total = vec![0.0f64; len];
    for (d, &wd) in w_dim.iter().enumerate() {
        for i in 0..len {
            let j = d * len + i;
            if total[j] <= 0.0 {
                continue;
            }
            comp_total[i] += wd;
            let pw = dim_present[j];
            let cov = pw / total[j];
            out.dim_cov[j] = cov;
            if pw <= 0.0 || cov + EPS < min_dim {
                continue;
            }
            let s = match agg_dim {
                Aggregate::Arithmetic => acc[j] / pw,
                Aggregate::Geometric => (acc[j] / pw).exp(),
                Aggregate::Minimum => acc[j],
            };
            out.dim_score[j] = s;
            out.present[i] += wd;
            match agg_comp {
                Aggregate::Arithmetic => comp_acc[i] += wd * s,
                Aggregate::Geometric => {
                    if s <= 0.0 {
                        if bad.is_none_or(|(r, _)| i < r) {
                            bad = Some((i, d));
                        }
                    } else {
                        comp_acc[i] += wd * s.ln();
                    }
                }
                Aggregate::Minimum => comp_acc[i] = comp_acc[i].min(s),
            }
        }
    }
    for i in 0..len {
        if comp_total[i] <= 0.0 {
            continue;
        }
        let pw = out.present[i];
        let cov = pw / comp_total[i];
        out.cov[i] = cov;
        if pw <= 0.0 || cov + EPS < min_comp {
            continue;
        }
        out.score[i] = match agg_comp {
            Aggregate::Arithmetic => comp_acc[i] / pw,
            Aggregate::Geometric => (comp_acc[i] / pw).exp(),
            Aggregate::Minimum => comp_acc[i],
        };
    }
    bad
}

/// Competition ranks ("1, 2, 2, 4") of the scores among `rows` that are not NaN, descending;
/// ties share the lowest rank. Also dense ranks. Returns (rank, dense) aligned with `rows`
/// (0 = unranked).
pub(crate) fn rank(scores: &[f64], rows: &[u32]) -> (Vec<u32>, Vec<u32>) {
    ranks_of(&sorted_scores(scores, rows), rows.len())
}

/// [`rank`], and the positions in `rows` of the scores that are not NaN, best first (equal
/// scores by position).
pub(crate) fn rank_with_order(scores: &[f64], rows: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let order = sorted_scores(scores, rows);
    let (rank, dense) = ranks_of(&order, rows.len());
    (rank, dense, order.into_iter().map(|(_, i)| i).collect())
}

/// (score, position) of the scores of `rows` that are not NaN, best first. Contiguous pairs sort
/// fast, and the position breaks ties, so the unstable sort gives one order.
fn sorted_scores(scores: &[f64], rows: &[u32]) -> Vec<(f64, u32)> {
    let mut order: Vec<(f64, u32)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, &r)| {
            let x = scores[r as usize];
            (!x.is_nan()).then_some((x, i as u32))
        })
        .collect();
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    // Scores equal within the tie tolerance are one tie: within each run of them, order by
    // position, so floating-point noise decides neither the rank nor the order.
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && tied(order[end - 1].0, order[end].0) {
            end += 1;
        }
        if end - start > 1 {
            order[start..end].sort_unstable_by_key(|&(_, i)| i);
        }
        start = end;
    }
    order
}

/// Relative tolerance within which two scores are tied (documented in `docs/methodology.md`).
pub(crate) const TIE_TOLERANCE: f64 = 1e-9;

/// Whether two scores are equal up to floating-point noise: |a − b| ≤ 1e-9 · max(1, |a|, |b|).
/// Composite scores of equal arithmetic can differ in the last bits when their sums run in
/// another order; they must tie, not be ranked 40 and 41.
pub(crate) fn tied(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// Competition and dense ranks, aligned with the positions, of scores sorted best first.
fn ranks_of(order: &[(f64, u32)], n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut rank = vec![0u32; n];
    let mut dense = vec![0u32; n];
    let (mut d, mut current) = (0u32, 0u32);
    for (pos, &(x, i)) in order.iter().enumerate() {
        if pos == 0 || !tied(order[pos - 1].0, x) {
            current = pos as u32 + 1;
            d += 1;
        }
        rank[i as usize] = current;
        dense[i as usize] = d;
    }
    (rank, dense)
}

/// Competition ranks within groups, from an order of the scores best first (as from
/// [`rank_with_order`]): `group[i]` is position i's group (`u32::MAX`: none), and the result is
/// aligned with the positions (0 = unranked).
pub(crate) fn group_ranks(
    scores: impl Fn(u32) -> f64,
    order: &[u32],
    group: impl Fn(u32) -> u32,
    n_positions: usize,
    n_groups: usize,
) -> Vec<u32> {
    let mut out = vec![0u32; n_positions];
    // Per group: how many are placed, the last score and its rank.
    let mut seen = vec![0u32; n_groups];
    let mut last = vec![(f64::NAN, 0u32); n_groups];
    for &i in order {
        let g = group(i);
        if g == u32::MAX {
            continue;
        }
        let g = g as usize;
        let x = scores(i);
        seen[g] += 1;
        if seen[g] == 1 || !tied(last[g].0, x) {
            last[g] = (x, seen[g]);
        }
        // The last score placed, so a run of ties chains as in `ranks_of`.
        last[g].0 = x;
        out[i as usize] = last[g].1;
    }
    out
}
