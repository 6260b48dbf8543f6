//! The aggregate stage: normalised scores into dimension scores and composites, row by row, by
//! weighted arithmetic or geometric mean or the minimum, with the coverage rules. The draw kernel
//! runs the same [`accumulate`] and [`combine`] over one year.

use rayon::prelude::*;

use super::flags::{IMPUTED, QUALIFIED, WINSORISED};
use super::{Cells, Layout, Normalised, Sets};
use crate::error::{Error, Result};
use crate::model::Catalogue;
use crate::scoring::options::{Aggregate, ScoreOptions};

/// Per-row (unit-year) results.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Rows {
    /// `dim_score[d · n_rows + r]`, NaN below coverage.
    #[serde(with = "crate::scoring::nan_serde")]
    pub(in crate::scoring) dim_score: Vec<f64>,
    #[serde(with = "crate::scoring::nan_serde")]
    pub(in crate::scoring) dim_cov: Vec<f64>,
    /// Weight of the indicators present in the dimension (for effective weights).
    pub(in crate::scoring) dim_present: Vec<f64>,
    #[serde(with = "crate::scoring::nan_serde")]
    pub(in crate::scoring) score: Vec<f64>,
    #[serde(with = "crate::scoring::nan_serde")]
    pub(in crate::scoring) cov: Vec<f64>,
    /// Weight of the dimensions with a score.
    pub(in crate::scoring) present: Vec<f64>,
    pub(in crate::scoring) flags: Vec<u8>,
    /// Observed cells in the row (0: the unit did not report that year).
    pub(in crate::scoring) observed: Vec<u16>,
}

impl Rows {
    /// The composite score of every row (NaN: not scored).
    pub(crate) fn into_composite(self) -> Vec<f64> {
        self.score
    }
}

/// Rows per parallel block of the aggregation.
const BLOCK: usize = 2048;

/// One block of rows of every output of [`aggregate`]: the block's part of each dimension's
/// column, and of the per-row outputs.
struct BlockOut<'a> {
    dim_score: Vec<&'a mut [f64]>,
    dim_cov: Vec<&'a mut [f64]>,
    dim_present: Vec<&'a mut [f64]>,
    score: &'a mut [f64],
    cov: &'a mut [f64],
    present: &'a mut [f64],
    flags: &'a mut [u8],
}

/// Per block of `BLOCK` rows, its part of each `n_rows`-long column of `v`.
fn column_blocks(v: &mut [f64], n_rows: usize) -> Vec<Vec<&mut [f64]>> {
    let mut out: Vec<Vec<&mut [f64]>> = (0..n_rows.div_ceil(BLOCK)).map(|_| Vec::new()).collect();
    for column in v.chunks_mut(n_rows.max(1)) {
        for (b, part) in column.chunks_mut(BLOCK).enumerate() {
            out[b].push(part);
        }
    }
    out
}

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
    // Every cell is written, so zeroed allocations (mapped on first touch, by the block that
    // writes it) serve as well as filled ones.
    let mut dim_score = vec![0.0; n_d * n_rows];
    let mut dim_cov = vec![0.0; n_d * n_rows];
    let mut dim_present = vec![0.0; n_d * n_rows];
    let mut score = vec![0.0; n_rows];
    let mut cov = vec![0.0; n_rows];
    let mut present = vec![0.0; n_rows];
    let mut flags = vec![0u8; n_rows];
    let blocks: Vec<BlockOut<'_>> = column_blocks(&mut dim_score, n_rows)
        .into_iter()
        .zip(column_blocks(&mut dim_cov, n_rows))
        .zip(column_blocks(&mut dim_present, n_rows))
        .zip(score.chunks_mut(BLOCK).zip(cov.chunks_mut(BLOCK)))
        .zip(present.chunks_mut(BLOCK).zip(flags.chunks_mut(BLOCK)))
        .map(|((((dim_score, dim_cov), dim_present), (score, cov)), (present, flags))| BlockOut {
            dim_score,
            dim_cov,
            dim_present,
            score,
            cov,
            present,
            flags,
        })
        .collect();
    let errors: Vec<Option<(usize, String)>> = blocks
        .into_par_iter()
        .enumerate()
        .map(|(block, mut out)| {
            let a = block * BLOCK;
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
            // Rows a..b of every output are this block's, and the blocks cover 0..n_rows, so
            // every cell is written exactly once.
            for d in 0..n_d {
                out.dim_score[d].copy_from_slice(&blk_dim_score[d * len..(d + 1) * len]);
                out.dim_cov[d].copy_from_slice(&blk_dim_cov[d * len..(d + 1) * len]);
                out.dim_present[d].copy_from_slice(&blk_dim_present[d * len..(d + 1) * len]);
            }
            out.score.copy_from_slice(&blk_score);
            out.cov.copy_from_slice(&blk_cov);
            out.present.copy_from_slice(&blk_present);
            out.flags.copy_from_slice(&blk_flags);
            first_bad.map(|(i, what)| (a + i, what))
        })
        .collect();
    if let Some((r, what)) = errors.into_iter().flatten().min_by_key(|(r, _)| *r) {
        return Err(geometric_zero(&units[r % layout.n_units], layout.year_of(r), &what));
    }
    Ok(Rows { dim_score, dim_cov, dim_present, score, cov, present, flags, observed: observed.to_vec() })
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
    /// Dimension scores (NaN below coverage).
    pub(crate) dim_score: &'a mut [f64],
    /// Dimension coverage: present over informative indicator weight.
    pub(crate) dim_cov: &'a mut [f64],
    /// Weight of the dimensions with a score, per row.
    pub(crate) present: &'a mut [f64],
    /// Composite scores (NaN below coverage).
    pub(crate) score: &'a mut [f64],
    /// Composite coverage, per row.
    pub(crate) cov: &'a mut [f64],
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
