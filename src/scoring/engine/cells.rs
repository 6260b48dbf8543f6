//! The cells stage: the panel's observations scattered into dense columns (one per scored
//! indicator, then any indicator that is only another's denominator), denominated, then imputed.

use std::collections::HashMap;

use rayon::prelude::*;

use super::disjoint::Disjoint;
use super::flags::{GROUP_MEDIAN, IMPUTED, QUALIFIED};
use super::{Exclusion, Layout, NO_DENOMINATOR};
use crate::analytics::PanelView;
use crate::error::{Error, Result};
use crate::model::Denominator;
use crate::panel::Panel;
use crate::scoring::options::{Impute, ScoreOptions};
use crate::stats::median;

/// The cells: reported values, the values that are normalised, flags and normalised scores.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Cells {
    /// Reported point values of the columns listed in `raw_cols` (NaN when missing); see
    /// [`Cells::reported`].
    #[serde(with = "crate::scoring::nan_serde")]
    pub(in crate::scoring) raw: Vec<f64>,
    /// Per scored column: its block in `raw`, or `u32::MAX` when the reported value is the
    /// scored value (NaN where imputed).
    pub(in crate::scoring) raw_cols: Vec<u32>,
    /// After denominating, imputing and winsorising (NaN when not scored).
    #[serde(with = "crate::scoring::nan_serde")]
    pub(in crate::scoring) value: Vec<f64>,
    #[serde(with = "crate::scoring::nan_serde")]
    pub(in crate::scoring) normalised: Vec<f64>,
    pub(in crate::scoring) flags: Vec<u8>,
    /// Years back the value was carried from (0 when not carried); empty unless imputing by
    /// carrying forward.
    pub(in crate::scoring) carried: Vec<u8>,
}

impl Cells {
    /// The reported point value of column k in row r (NaN when not reported).
    pub(crate) fn reported(&self, k: usize, r: usize, n_rows: usize) -> f64 {
        match self.raw_cols[k] {
            u32::MAX => {
                let i = k * n_rows + r;
                if self.flags[i] & IMPUTED != 0 { f64::NAN } else { self.value[i] }
            }
            b => self.raw[b as usize * n_rows + r],
        }
    }

    /// The scored value of cell c (NaN when not scored).
    pub(crate) fn scored(&self, c: usize) -> f64 {
        self.value[c]
    }

    /// Column k's scored values, `n_rows` of them.
    pub(crate) fn scored_column(&self, k: usize, n_rows: usize) -> &[f64] {
        &self.value[k * n_rows..(k + 1) * n_rows]
    }

    /// Gives cell c another scored value (a draw inside its interval).
    pub(crate) fn set_scored(&mut self, c: usize, x: f64) {
        self.value[c] = x;
    }

    /// Whether cell c was imputed rather than reported.
    pub(crate) fn imputed(&self, c: usize) -> bool {
        self.flags[c] & IMPUTED != 0
    }

    /// The cells of `layout`'s year `yi`, laid out for [`Layout::one_year`], with every column's
    /// reported values kept apart.
    pub(crate) fn one_year(&self, layout: &Layout, yi: usize) -> Self {
        let (n_k, n_rows, rows) = (layout.n_indicators(), layout.n_rows(), layout.year_rows(yi));
        let year = |k: usize| k * n_rows + rows.start..k * n_rows + rows.end;
        let slice = |v: &[u8]| -> Vec<u8> { (0..n_k).flat_map(|k| v[year(k)].iter().copied()).collect() };
        Self {
            raw: (0..n_k).flat_map(|k| rows.clone().map(move |r| (k, r))).map(|(k, r)| self.reported(k, r, n_rows)).collect(),
            raw_cols: (0..n_k as u32).collect(),
            value: (0..n_k).flat_map(|k| self.value[year(k)].iter().copied()).collect(),
            normalised: vec![f64::NAN; n_k * rows.len()],
            flags: slice(&self.flags),
            carried: if self.carried.is_empty() { Vec::new() } else { slice(&self.carried) },
        }
    }

    /// What a draw through the general pipeline changes, copied: the scored values (intervals)
    /// and the flags (winsorising); normalised scores start afresh, reported values are left out.
    pub(crate) fn for_draw(&self) -> Self {
        Self {
            raw: Vec::new(),
            raw_cols: vec![u32::MAX; self.raw_cols.len()],
            value: self.value.clone(),
            normalised: vec![f64::NAN; self.value.len()],
            flags: self.flags.clone(),
            carried: Vec::new(),
        }
    }
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
    let mut col_of = layout.columns(n_cat);
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
    // by the denominating pass below. The zeroed allocation maps its pages on first touch, so
    // filling the other blocks on all threads takes the page faults in parallel and in order,
    // and the kept blocks are written only once.
    let mut value = vec![0.0f64; n_k * n_rows];
    value.par_chunks_mut(n_rows.max(1)).enumerate().filter(|(k, _)| !keep[*k]).for_each(|(_, block)| block.fill(f64::NAN));
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
        // Each unit's cells are written by the task that owns the unit's rows of the panel (the
        // panel is sorted by unit), so the writes of different tasks never meet, and the result
        // does not depend on which task runs when.
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
                    observed_d.set(r, observed_d.get(r) + 1);
                    let col = col_of[view.indicator[i] as usize];
                    if col != u32::MAX {
                        let (v, at, f, at_f) = dest[col as usize];
                        v.set(at + r, view.value[i]);
                        f.set(at_f + r, if view.qualified(i) { QUALIFIED } else { 0 });
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
    let per_column: Vec<Result<Denominated>> = value.par_chunks_mut(n_rows.max(1)).enumerate().map(|(k, scored)| {
        // This task writes column k's block of `value`, all of it for a kept column (every row
        // of a denominated column; a copy of the reported values for the others).
        let mut out = |r: usize, x: f64| scored[r] = x;
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
            _ if keep[k] => scored.copy_from_slice(reported(k)),
            _ => {}
        }
        Ok((excluded, extra_qualified))
    }).collect();
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
    let carried = impute(options.impute, layout, &observed, &mut value, &mut flags);
    let normalised = nan_filled(n_k * n_rows);
    lap("impute");
    Ok((Cells { raw, raw_cols, value, normalised, flags, carried }, observed))
}

/// A vector of n NaNs, filled by all threads when large: for the large columns, first-touch page
/// faults cost as much as the filling, and they run in parallel this way.
fn nan_filled(n: usize) -> Vec<f64> {
    if n < 1 << 20 {
        return vec![f64::NAN; n];
    }
    (0..n).into_par_iter().map(|_| f64::NAN).collect()
}

/// A group median needs at least this many reporting units.
const MIN_GROUP_FOR_MEDIAN: usize = 3;

/// Fills the missing cells of the scored years' reporting rows by `method`, flagging them;
/// returns how many years back each cell was carried from (empty unless carrying forward).
fn impute(method: Impute, layout: &Layout, observed: &[u16], value: &mut [f64], flags: &mut [u8]) -> Vec<u8> {
    let (n_rows, nu) = (layout.n_rows(), layout.n_units);
    let n_k = layout.n_indicators();
    let mut carried = if matches!(method, Impute::CarryForward(_)) { vec![0u8; n_k * n_rows] } else { Vec::new() };
    match method {
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
                    let medians: Vec<f64> =
                        members.iter_mut().map(|m| if m.len() < MIN_GROUP_FOR_MEDIAN { f64::NAN } else { median(m) }).collect();
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
    carried
}
