//! The normalise stage: each scored indicator winsorised (if asked) and normalised over every
//! comparison set, by min-max, goalposts, z-score, rank or achievement of its target. An
//! indicator that takes one value in a set carries no information there and leaves it.
//!
//! A new normalisation is a [`Normalise`] variant (with its name in `ScoreOptions` parsing and
//! the methodology), a branch of [`normalise_set`], and its note in [`normalise`].

use std::collections::HashMap;

use rayon::prelude::*;

use super::flags::WINSORISED;
use super::{Cells, Exclusion, Layout, Sets};
use crate::analytics::GapOptions;
use crate::error::Result;
use crate::model::{Polarity, Target, Targets};
use crate::panel::Panel;
use crate::scoring::options::{Normalise, ScoreOptions};
use crate::stats::{min_max, quantile};

/// Per indicator: goalposts used (for the weights frame), and per (set, indicator) whether the
/// indicator carried information there.
pub(crate) struct Normalised {
    pub(in crate::scoring) goalposts: Vec<Option<(f64, f64, &'static str)>>,
    /// `informative[s · n_k + k]`.
    pub(in crate::scoring) informative: Vec<bool>,
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
fn normalise_set(
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
fn target_lookup<'t>(panel: &Panel, layout: &Layout, targets: &'t Targets) -> Result<HashMap<(u32, u32), &'t Target>> {
    let pos = layout.columns(panel.catalogue().indicators.len());
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
