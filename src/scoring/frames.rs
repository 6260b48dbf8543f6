//! The polars frames of [`Scores`], built from the dense working data when asked for.

use polars::prelude::*;

use super::Scores;
use super::engine::{GROUP_MEDIAN, IMPUTED, QUALIFIED, WINSORISED};
use crate::analytics::category_column;
use crate::error::{Error, Result};
use crate::panel::float_column;
use rayon::prelude::*;

fn opt_u32(name: &str, v: impl Iterator<Item = u32>) -> Column {
    v.map(|x| (x > 0).then_some(x)).collect::<UInt32Chunked>().with_name(name.into()).into_column()
}

/// The row's values at `idx` in `dictionary` (null where `idx` is `None`).
fn gather(name: &str, dictionary: &StringChunked, idx: impl Iterator<Item = Option<IdxSize>>) -> Result<Column> {
    let idx: IdxCa = idx.collect();
    Ok(dictionary.take(&idx)?.with_name(name.into()).into_column())
}

pub(crate) const FLAG_TEXT: [&str; 8] = [
    "",
    "qualified",
    "imputed",
    "qualified,imputed",
    "winsorised",
    "qualified,winsorised",
    "imputed,winsorised",
    "qualified,imputed,winsorised",
];

fn flag_dictionary() -> StringChunked {
    StringChunked::from_iter_values("".into(), FLAG_TEXT.iter().copied())
}

/// Position of a row's flags in [`FLAG_TEXT`]; `None` when there are none.
fn flag_index(f: u8) -> Option<IdxSize> {
    let i = f & (QUALIFIED | IMPUTED | WINSORISED);
    (i > 0).then_some(IdxSize::from(i))
}

impl Scores {
    /// Selected rows by year, then rank (unranked last), then unit. Ranks are small integers
    /// (1 ..= units), so each year is a counting sort: stable, linear, and the years side by side.
    fn rows_by_rank(&self) -> Vec<usize> {
        let nu = self.layout.n_units;
        let years: Vec<usize> = (0..self.layout.years.len()).filter(|&yi| self.layout.selected[yi]).collect();
        let mut out = vec![0usize; years.len() * nu];
        out.par_chunks_mut(nu.max(1)).zip(&years).for_each(|(out, &yi)| {
            let ranks = &self.rank[yi * nu..(yi + 1) * nu];
            // Unranked rows (rank 0) take the last slot, nu + 1.
            let slot = |r: u32| if r == 0 { nu + 1 } else { (r as usize).min(nu + 1) };
            let mut start = vec![0usize; nu + 2];
            for &r in ranks {
                start[slot(r)] += 1;
            }
            let mut sum = 0;
            for s in &mut start {
                (*s, sum) = (sum, sum + *s);
            }
            for (u, &r) in ranks.iter().enumerate() {
                let s = &mut start[slot(r)];
                out[*s] = yi * nu + u;
                *s += 1;
            }
        });
        out
    }

    /// Selected rows in output order: year, then unit.
    fn selected_rows(&self) -> impl Iterator<Item = usize> + '_ {
        let nu = self.layout.n_units;
        (0..self.layout.years.len()).filter(|&yi| self.layout.selected[yi]).flat_map(move |yi| yi * nu..(yi + 1) * nu)
    }

    /// One row per unit and scored year: see [`COMPOSITE_COLUMNS`](super::COMPOSITE_COLUMNS)
    /// and `docs/methodology.md` §6–7. Sorted by year, then rank (unranked last), then unit.
    pub fn composite(&self) -> Result<DataFrame> {
        let nu = self.layout.n_units;
        let rows = self.rows_by_rank();
        let reason: std::collections::HashMap<usize, &str> = self
            .excluded
            .iter()
            .filter(|e| e.level == "composite")
            .filter_map(|e| {
                let yi = self.layout.years.binary_search(&e.year?).ok()?;
                Some((yi * nu + e.unit? as usize, e.reason.as_str()))
            })
            .collect();
        let prev_rank = |r: usize| -> Option<i32> {
            let yi = r / nu;
            if yi == 0 || !self.layout.selected[yi - 1] || self.layout.years[yi - 1] != self.layout.years[yi] - 1 {
                return None;
            }
            let (now, before) = (self.rank[r], self.rank[r - nu]);
            (now > 0 && before > 0).then(|| before as i32 - now as i32)
        };
        // Text columns are gathered from small dictionaries by index: only 16-byte views are
        // written per row, and the strings themselves are shared.
        let units = StringChunked::from_iter_values("".into(), self.names.units.iter().map(String::as_str));
        let names = StringChunked::from_iter_options("".into(), self.names.unit_names.iter().map(|n| n.as_deref()));
        let groups = StringChunked::from_iter_values("".into(), self.layout.group_names.iter().map(String::as_str));
        let unit_idx = || rows.iter().map(|&r| Some((r % nu) as IdxSize));
        let group_idx = || {
            rows.iter().map(|&r| {
                let g = self.layout.group[r % nu];
                (g != u32::MAX).then_some(g as IdxSize)
            })
        };
        let reasons: Vec<&str> = {
            let mut v: Vec<&str> = reason.values().copied().collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let reason_idx = || rows.iter().map(|&r| reason.get(&r).and_then(|x| reasons.binary_search(x).ok()).map(|i| i as IdxSize));
        let n = rows.len();
        let reason_dictionary = StringChunked::from_iter_values("".into(), reasons.iter().copied());
        type Build<'b> = Box<dyn Fn() -> Result<Column> + Sync + 'b>;
        let builders: Vec<Build<'_>> = vec![
            Box::new(|| gather("unit", &units, unit_idx())),
            Box::new(|| gather("name", &names, unit_idx())),
            Box::new(|| gather("group", &groups, group_idx())),
            Box::new(|| Ok(Column::new("year".into(), rows.iter().map(|&r| self.layout.year_of(r)).collect::<Vec<_>>()))),
            Box::new(|| Ok(float_column("score", rows.iter().map(|&r| self.rows.score[r]).collect()))),
            Box::new(|| Ok(opt_u32("rank", rows.iter().map(|&r| self.rank[r])))),
            Box::new(|| Ok(opt_u32("dense_rank", rows.iter().map(|&r| self.dense_rank[r])))),
            Box::new(|| Ok(opt_u32("group_rank", rows.iter().map(|&r| self.group_rank[r])))),
            Box::new(|| Ok(Column::new("rank_change".into(), rows.iter().map(|&r| prev_rank(r)).collect::<Vec<_>>()))),
            Box::new(|| {
                let cov = rows.iter().map(|&r| if self.rows.cov[r].is_nan() { 0.0 } else { self.rows.cov[r] }).collect();
                Ok(float_column("coverage", cov))
            }),
            Box::new(|| gather("flags", &flag_dictionary(), rows.iter().map(|&r| flag_index(self.rows.flags[r])))),
            Box::new(|| gather("reason", &reason_dictionary, reason_idx())),
        ];
        let columns = builders.par_iter().map(|b| b()).collect::<Result<Vec<_>>>()?;
        Ok(DataFrame::new(n, columns)?)
    }

    /// One row per unit, scored year and dimension: see
    /// [`DIMENSION_COLUMNS`](super::DIMENSION_COLUMNS).
    pub fn dimensions(&self) -> Result<DataFrame> {
        let nu = self.layout.n_units;
        let n_rows = self.layout.n_rows();
        let n_d = self.layout.dims.len();
        let rows: Vec<usize> = self.selected_rows().collect();
        let n = rows.len() * n_d;
        let cells = || rows.iter().flat_map(|&r| (0..n_d).map(move |d| (r, d)));
        let dim_rank = self.dimension_ranks();
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("unit".into(), cells().map(|(r, _)| self.names.units[r % nu].as_str()).collect::<Vec<_>>()),
                Column::new("year".into(), cells().map(|(r, _)| self.layout.year_of(r)).collect::<Vec<_>>()),
                Column::new(
                    "dimension".into(),
                    cells().map(|(_, d)| self.names.dimensions[self.layout.dims[d] as usize].0.as_str()).collect::<Vec<_>>(),
                ),
                float_column("score", cells().map(|(r, d)| self.rows.dim_score[d * n_rows + r]).collect()),
                opt_u32("rank", cells().map(|(r, d)| dim_rank[d * n_rows + r])),
                float_column("coverage", cells().map(|(r, d)| self.rows.dim_cov[d * n_rows + r]).collect()),
            ],
        )?)
    }

    /// One row per unit, scored year and scored indicator with a reported or imputed value: see
    /// [`CONTRIBUTION_COLUMNS`](super::CONTRIBUTION_COLUMNS).
    pub fn contributions(&self) -> Result<DataFrame> {
        let nu = self.layout.n_units;
        let n_rows = self.layout.n_rows();
        let n_k = self.layout.indicators.len();
        let c = &self.cells;
        let cells: Vec<(u32, u16)> = self
            .selected_rows()
            .flat_map(|r| (0..n_k).map(move |k| (r as u32, k as u16)))
            .filter(|&(r, k)| {
                let i = k as usize * n_rows + r as usize;
                !c.reported(k as usize, r as usize, n_rows).is_nan() || !c.value[i].is_nan()
            })
            .collect();
        let at = |&(r, k): &(u32, u16)| k as usize * n_rows + r as usize;
        let n = cells.len();
        let code = |k: usize| self.names.indicators[self.layout.indicators[k] as usize].0.as_str();
        let dim = |k: usize| self.names.dimensions[self.layout.dims[self.layout.ind_dim[k] as usize] as usize].0.as_str();
        let unit_dict: Vec<&str> = self.names.units.iter().map(String::as_str).collect();
        let ind_dict: Vec<&str> = (0..n_k).map(code).collect();
        let dim_dict: Vec<&str> = (0..n_k).map(dim).collect();
        // Text columns are gathered from small dictionaries; the columns are built side by side.
        type Build<'b> = Box<dyn Fn() -> Result<Column> + Sync + 'b>;
        let builders: Vec<Build<'_>> = vec![
            Box::new(|| category_column("unit", &unit_dict, cells.iter().map(|&(r, _)| Some((r as usize % nu) as IdxSize)))),
            Box::new(|| Ok(Column::new("year".into(), cells.iter().map(|&(r, _)| self.layout.year_of(r as usize)).collect::<Vec<_>>()))),
            Box::new(|| category_column("indicator", &ind_dict, cells.iter().map(|&(_, k)| Some(k as IdxSize)))),
            Box::new(|| category_column("dimension", &dim_dict, cells.iter().map(|&(_, k)| Some(k as IdxSize)))),
            Box::new(|| Ok(float_column("raw", cells.iter().map(|&(r, k)| c.reported(k as usize, r as usize, n_rows)).collect()))),
            Box::new(|| Ok(float_column("value", cells.iter().map(|x| c.value[at(x)]).collect()))),
            Box::new(|| Ok(float_column("normalised", cells.iter().map(|x| c.normalised[at(x)]).collect()))),
            Box::new(|| {
                let w = cells.iter().map(|&(r, k)| self.effective(k as usize, r as usize).0.unwrap_or(f64::NAN)).collect();
                Ok(float_column("effective_weight", w))
            }),
            Box::new(|| {
                let w = cells.iter().map(|&(r, k)| self.effective(k as usize, r as usize).1.unwrap_or(f64::NAN)).collect();
                Ok(float_column("contribution", w))
            }),
            Box::new(|| {
                Ok(Column::new(
                    "imputed_from_year".into(),
                    cells
                        .iter()
                        .map(|x| {
                            (c.flags[at(x)] & IMPUTED != 0)
                                .then(|| self.layout.year_of(x.0 as usize) - i32::from(c.carried.get(at(x)).copied().unwrap_or(0)))
                        })
                        .collect::<Vec<_>>(),
                ))
            }),
            Box::new(|| {
                category_column(
                    "imputation",
                    &["carry_forward", "group_median"],
                    cells.iter().map(|x| {
                        let f = c.flags[at(x)];
                        (f & IMPUTED != 0).then_some(IdxSize::from(f & GROUP_MEDIAN != 0))
                    }),
                )
            }),
            Box::new(|| Ok(Column::new("winsorised".into(), cells.iter().map(|x| c.flags[at(x)] & WINSORISED != 0).collect::<Vec<_>>()))),
            Box::new(|| Ok(Column::new("qualified".into(), cells.iter().map(|x| c.flags[at(x)] & QUALIFIED != 0).collect::<Vec<_>>()))),
        ];
        let columns = builders.par_iter().map(|b| b()).collect::<Result<Vec<_>>>()?;
        Ok(DataFrame::new(n, columns)?)
    }

    /// What was left out and why: unit, year, indicator, dimension, level, reason, detail.
    pub fn excluded(&self) -> Result<DataFrame> {
        let e = &self.excluded;
        Ok(DataFrame::new(
            e.len(),
            vec![
                Column::new("unit".into(), e.iter().map(|x| x.unit.map(|u| self.names.units[u as usize].as_str())).collect::<Vec<_>>()),
                Column::new("year".into(), e.iter().map(|x| x.year).collect::<Vec<_>>()),
                Column::new(
                    "indicator".into(),
                    e.iter().map(|x| x.indicator.map(|k| self.names.indicators[k as usize].0.as_str())).collect::<Vec<_>>(),
                ),
                Column::new(
                    "dimension".into(),
                    e.iter().map(|x| x.dimension.map(|d| self.names.dimensions[d as usize].0.as_str())).collect::<Vec<_>>(),
                ),
                Column::new("level".into(), e.iter().map(|x| x.level.as_str()).collect::<Vec<_>>()),
                Column::new("reason".into(), e.iter().map(|x| x.reason.as_str()).collect::<Vec<_>>()),
                Column::new("detail".into(), e.iter().map(|x| x.detail.as_str()).collect::<Vec<_>>()),
            ],
        )?)
    }

    /// The weights used: level, code, dimension, weight, share (within the parent), normalise,
    /// worst, best (goalposts, for goalpost normalisation), goalposts_from.
    pub fn weights(&self) -> Result<DataFrame> {
        let l = &self.layout;
        let total_dim: f64 = l.w_dim.iter().sum();
        let mut level = Vec::new();
        let mut code = Vec::new();
        let mut dimension = Vec::new();
        let mut weight = Vec::new();
        let mut share = Vec::new();
        let mut worst = Vec::new();
        let mut best = Vec::new();
        let mut from = Vec::new();
        for (d, &cd) in l.dims.iter().enumerate() {
            let dcode = self.names.dimensions[cd as usize].0.as_str();
            level.push("dimension");
            code.push(dcode);
            dimension.push(dcode);
            weight.push(l.w_dim[d]);
            share.push(l.w_dim[d] / total_dim);
            worst.push(None);
            best.push(None);
            from.push(None);
            let in_dim: f64 = (0..l.indicators.len()).filter(|&k| l.ind_dim[k] as usize == d).map(|k| l.w_ind[k]).sum();
            for k in (0..l.indicators.len()).filter(|&k| l.ind_dim[k] as usize == d) {
                level.push("indicator");
                code.push(self.names.indicators[l.indicators[k] as usize].0.as_str());
                dimension.push(dcode);
                weight.push(l.w_ind[k]);
                share.push(l.w_ind[k] / in_dim);
                let g = self.goalposts[k].as_ref();
                worst.push(g.map(|g| g.0));
                best.push(g.map(|g| g.1));
                from.push(g.map(|g| g.2.as_str()));
            }
        }
        let normalise = self.settings.get("normalise").map_or("", String::as_str);
        let n = level.len();
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("level".into(), level),
                Column::new("code".into(), code),
                Column::new("dimension".into(), dimension),
                Column::new("weight".into(), weight),
                Column::new("share".into(), share),
                Column::new("normalise".into(), vec![normalise; n]),
                Column::new("worst".into(), worst),
                Column::new("best".into(), best),
                Column::new("goalposts_from".into(), from),
            ],
        )?)
    }

    /// Strengths and weaknesses of one unit in one year (default: the latest scored year), by
    /// dimension and by indicator: its score, the median of the units compared, its rank among
    /// them, and a label — `strength` in the top quarter, `weakness` in the bottom quarter; for
    /// indicators also the reported figure (`reported`, before any denominator; null where not
    /// reported or imputed) and its median over the units reporting it (`reported_median`).
    pub fn profile(&self, unit: &str, year: Option<i32>) -> Result<DataFrame> {
        let l = &self.layout;
        let year = match year {
            Some(y) => y,
            None => *l
                .years
                .iter()
                .zip(&l.selected)
                .filter(|(_, s)| **s)
                .map(|(y, _)| y)
                .next_back()
                .ok_or_else(|| Error::InvalidArgument("no year was scored".into()))?,
        };
        let r = self.row(unit, year)?;
        let nu = l.n_units;
        let n_rows = l.n_rows();
        let base = r - r % nu;
        let mut level = Vec::new();
        let mut code = Vec::new();
        let mut zh = Vec::new();
        let mut en = Vec::new();
        let mut score = Vec::new();
        let mut median = Vec::new();
        let mut rank = Vec::new();
        let mut of = Vec::new();
        let mut label = Vec::new();
        let mut reported = Vec::new();
        let mut reported_median = Vec::new();
        // `figures`: the reported point values of this year's units (indicators only).
        let mut push = |lv: &'static str, names: &(String, String, String), column: &[f64], figures: Option<Vec<f64>>| {
            let own = column[r];
            let mut others: Vec<f64> = column[base..base + nu].iter().copied().filter(|x| !x.is_nan()).collect();
            others.sort_by(f64::total_cmp);
            let n = others.len();
            let med = if n == 0 { f64::NAN } else { crate::stats::quantile(&others, 0.5) };
            let rk = (!own.is_nan()).then(|| 1 + others.iter().filter(|&&x| x > own).count() as u32);
            let lab = rk.and_then(|k| {
                if n < 4 {
                    None
                } else if (k as usize) <= n.div_ceil(4) {
                    Some("strength")
                } else if k as usize > n - n.div_ceil(4) {
                    Some("weakness")
                } else {
                    None
                }
            });
            level.push(lv);
            code.push(names.0.clone());
            zh.push(names.1.clone());
            en.push(names.2.clone());
            score.push(own);
            median.push(med);
            rank.push(rk);
            of.push(n as u32);
            label.push(lab);
            let (own_figure, figure_median) = match figures {
                Some(mut f) => {
                    let own_figure = f[r - base];
                    f.retain(|x| !x.is_nan());
                    f.sort_by(f64::total_cmp);
                    (own_figure, if f.is_empty() { f64::NAN } else { crate::stats::quantile(&f, 0.5) })
                }
                None => (f64::NAN, f64::NAN),
            };
            reported.push(own_figure);
            reported_median.push(figure_median);
        };
        for (d, &cd) in l.dims.iter().enumerate() {
            push("dimension", &self.names.dimensions[cd as usize], &self.rows.dim_score[d * n_rows..(d + 1) * n_rows], None);
        }
        for (k, &ci) in l.indicators.iter().enumerate() {
            let figures = (base..base + nu).map(|row| self.cells.reported(k, row, n_rows)).collect();
            push("indicator", &self.names.indicators[ci as usize], &self.cells.normalised[k * n_rows..(k + 1) * n_rows], Some(figures));
        }
        let n = level.len();
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("unit".into(), vec![self.names.units[r % nu].as_str(); n]),
                Column::new("year".into(), vec![year; n]),
                Column::new("level".into(), level),
                Column::new("code".into(), code),
                Column::new("name_zh".into(), zh),
                Column::new("name_en".into(), en),
                float_column("score", score),
                float_column("median", median),
                Column::new("rank".into(), rank),
                Column::new("of".into(), of),
                Column::new("label".into(), label),
                float_column("reported", reported),
                float_column("reported_median", reported_median),
            ],
        )?)
    }
}
