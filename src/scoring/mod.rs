//! Composite scores and ranks across units (METHODOLOGY §6, §7): denominate, impute, winsorise,
//! normalise per comparison set, aggregate indicator → dimension → composite, rank.
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions, Units};
//! use fazhi::scoring::{score, ScoreOptions};
//!
//! let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
//! let units = Units::read(format!("{data}/units.csv"), None).unwrap();
//! let panel = Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap();
//! let scores = score(&panel, &ScoreOptions { years: Some(vec![2024]), ..Default::default() }).unwrap();
//! let composite = scores.composite().unwrap();
//! assert_eq!(composite.height(), 14);
//! // Contributions sum to the composite (arithmetic aggregation).
//! let first = scores.explain("SYN01", 2024).unwrap();
//! assert!((first.iter().map(|c| c.1).sum::<f64>() - scores.score_of("SYN01", 2024).unwrap().unwrap()).abs() < 1e-9);
//! ```

pub(crate) mod engine;
mod frames;
mod options;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use engine::{Exclusion, FEW_UNITS, MIN_RANKED_UNITS, NO_DENOMINATOR};
/// The flags the composite writes, for the label table's tests (report/labels).
#[cfg(test)]
pub(crate) use frames::FLAG_TEXT;
pub use options::{Aggregate, Impute, Normalise, Scope, ScoreOptions, Weights};

use crate::error::{Error, Result};
use crate::panel::Panel;
use engine::{Cells, Layout, Rows};

/// The columns of [`Scores::composite`].
pub const COMPOSITE_COLUMNS: &[&str] =
    &["unit", "name", "group", "year", "score", "rank", "dense_rank", "group_rank", "rank_change", "coverage", "flags", "reason"];
/// The columns of [`Scores::dimensions`].
pub const DIMENSION_COLUMNS: &[&str] = &["unit", "year", "dimension", "score", "rank", "coverage"];
/// The columns of [`Scores::contributions`].
pub const CONTRIBUTION_COLUMNS: &[&str] = &[
    "unit",
    "year",
    "indicator",
    "dimension",
    "raw",
    "value",
    "normalised",
    "effective_weight",
    "contribution",
    "imputed_from_year",
    "imputation",
    "winsorised",
    "qualified",
];

/// Names of what was scored, kept with the results so they stand alone (and serialise).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Names {
    pub units: Vec<String>,
    pub unit_names: Vec<Option<String>>,
    /// Every catalogue indicator: code, Chinese and English names.
    pub indicators: Vec<(String, String, String)>,
    /// Every catalogue dimension: code, Chinese and English names.
    pub dimensions: Vec<(String, String, String)>,
}

/// Scores of every unit and year: composite, dimensions, contributions, exclusions, weights and
/// settings. The working data are dense columns; the frames are built when asked for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scores {
    settings: BTreeMap<String, String>,
    /// True with arithmetic aggregation at both levels: contributions add up to the composite.
    additive: bool,
    pub(crate) names: Names,
    layout: Layout,
    cells: Cells,
    rows: Rows,
    /// Per scored indicator: (worst, best, where from) for goalpost normalisation.
    goalposts: Vec<Option<(f64, f64, String)>>,
    excluded: Vec<Exclusion>,
    /// Per row: rank, dense rank, rank within the group (0 = not ranked).
    rank: Vec<u32>,
    dense_rank: Vec<u32>,
    group_rank: Vec<u32>,
}

/// Scores every unit of the selected years (METHODOLOGY §6–7); see [`ScoreOptions`].
pub fn score(panel: &Panel, options: &ScoreOptions) -> Result<Scores> {
    options.check()?;
    // FAZHI_TIMING=1 prints how long each step took (for profiling).
    let timing = std::env::var_os("FAZHI_TIMING").is_some();
    let clock = std::time::Instant::now();
    let lap = |what: &str| {
        if timing {
            eprintln!("fazhi score: {what} done at {:.3} s", clock.elapsed().as_secs_f64());
        }
    };
    let catalogue = panel.catalogue();
    let view = crate::analytics::PanelView::new(panel)?;
    let (layout, mut excluded) = engine::layout(panel, options)?;
    lap("layout");
    let (mut cells, observed) = engine::cells(panel, &view, &layout, options, &mut excluded)?;
    lap("cells");
    let sets = engine::sets(&layout, options.scope);
    let norm = engine::normalise(panel, &layout, &sets, &mut cells, options, &mut excluded)?;
    lap("normalise");
    let rows = engine::aggregate(catalogue, panel.unit_codes(), &layout, &sets, &norm, &cells, &observed, options)?;
    lap("aggregate");

    let n_rows = layout.n_rows();
    let nu = layout.n_units;
    let mut rank = vec![0u32; n_rows];
    let mut dense_rank = vec![0u32; n_rows];
    let mut group_rank = vec![0u32; n_rows];
    // Each year's rows are one block of the rank arrays, so the years are ranked side by side.
    let unranked: Vec<Vec<Exclusion>> = rank
        .par_chunks_mut(nu.max(1))
        .zip(dense_rank.par_chunks_mut(nu.max(1)))
        .zip(group_rank.par_chunks_mut(nu.max(1)))
        .enumerate()
        .map(|(yi, ((rank, dense_rank), group_rank))| {
            let mut out = Vec::new();
            if !layout.selected[yi] {
                return out;
            }
            let year = layout.years[yi];
            let base = (yi * nu) as u32;
            let year_rows: Vec<u32> = (base..base + nu as u32).collect();
            let (r, d, order) = engine::rank_with_order(&rows.score, &year_rows);
            rank.copy_from_slice(&r);
            dense_rank.copy_from_slice(&d);
            let g = engine::group_ranks(|i| rows.score[base as usize + i as usize], &order, |i| layout.group[i as usize], nu, layout.group_names.len());
            group_rank.copy_from_slice(&g);
            // Units not ranked this year, with the reason.
            for &row in &year_rows {
                let row = row as usize;
                if !rows.score[row].is_nan() {
                    continue;
                }
                let (reason, detail) = if rows.observed[row] == 0 {
                    ("no_report", format!("no observation in {year}"))
                } else {
                    let present = (0..layout.dims.len()).filter(|&d| !rows.dim_score[d * n_rows + row].is_nan()).count();
                    (
                        "low_coverage",
                        format!(
                            "dimension weight present {:.2} < {:.2} ({present} of {} dimensions have a score; a dimension needs {:.2} of its indicator weight){}",
                            if rows.cov[row].is_nan() { 0.0 } else { rows.cov[row] },
                            options.min_coverage.1,
                            layout.dims.len(),
                            options.min_coverage.0,
                            missing_indicators(catalogue, &layout, &sets, &norm, &cells, &rows, row)
                        ),
                    )
                };
                out.push(Exclusion {
                    unit: Some((row % nu) as u32),
                    year: Some(year),
                    indicator: None,
                    dimension: None,
                    level: "composite".into(),
                    reason: reason.into(),
                    detail,
                });
            }
            out
        })
        .collect();
    excluded.extend(unranked.into_iter().flatten());
    excluded.extend(few_units(&layout, &sets, &rows, options.scope));

    debug_assert!(
        excluded.iter().all(|e| engine::REASONS.contains(&e.reason.as_str()) && engine::LEVELS.contains(&e.level.as_str())),
        "an exclusion reason or level outside engine::REASONS / LEVELS, which the label table is tested against"
    );
    lap("rank");
    let names = Names {
        units: panel.unit_codes().to_vec(),
        unit_names: panel.unit_names(),
        indicators: catalogue.indicators.iter().map(|i| (i.code.clone(), i.name_zh.clone(), i.name_en.clone())).collect(),
        dimensions: catalogue.dimensions.iter().map(|d| (d.code.clone(), d.name_zh.clone(), d.name_en.clone())).collect(),
    };
    let settings = settings(panel, options, &layout);
    Ok(Scores {
        settings,
        additive: options.aggregate == (Aggregate::Arithmetic, Aggregate::Arithmetic),
        names,
        goalposts: norm.goalposts.into_iter().map(|g| g.map(|(w, b, from)| (w, b, from.to_string()))).collect(),
        layout,
        cells,
        rows,
        excluded,
        rank,
        dense_rank,
        group_rank,
    })
}

/// "; missing: A, B" — the indicators without a score in the dimensions a unit lacks, which is
/// what an analyst has to fill in to get the unit ranked. Indicators no unit of the comparison
/// set has (no information there) are not named: filling them in would not change coverage.
fn missing_indicators(
    catalogue: &crate::model::Catalogue,
    layout: &Layout,
    sets: &engine::Sets,
    norm: &engine::Normalised,
    cells: &engine::Cells,
    rows: &engine::Rows,
    row: usize,
) -> String {
    const MAX_NAMED: usize = 12;
    let n_rows = layout.n_rows();
    let n_k = layout.indicators.len();
    let set = sets.of_row[row] as usize;
    let names: Vec<&str> = (0..n_k)
        .filter(|&k| rows.dim_score[layout.ind_dim[k] as usize * n_rows + row].is_nan())
        .filter(|&k| cells.normalised[k * n_rows + row].is_nan())
        .filter(|&k| set >= sets.rows.len() || norm.informative[set * n_k + k])
        .map(|k| catalogue.indicators[layout.indicators[k] as usize].code.as_str())
        .collect();
    match names.len() {
        0 => String::new(),
        n if n <= MAX_NAMED => format!("; missing: {}", names.join(", ")),
        n => format!("; missing: {} and {} more", names[..MAX_NAMED].join(", "), n - MAX_NAMED),
    }
}

/// A warning row for each year (and, with `scope="group"`, each county in a year) where fewer
/// than [`MIN_RANKED_UNITS`] units are ranked.
fn few_units(layout: &Layout, sets: &engine::Sets, rows: &engine::Rows, scope: Scope) -> Vec<Exclusion> {
    let nu = layout.n_units;
    let row = |level: &str, year: i32, ranked: usize, place: String| Exclusion {
        unit: None,
        year: Some(year),
        indicator: None,
        dimension: None,
        level: level.into(),
        reason: engine::FEW_UNITS.into(),
        detail: format!(
            "only {ranked} unit{} ranked {place} (fewer than {}): min-max over two units gives 0 and 100 whatever the gap, and a ranking of one unit means nothing; compare these scores with care",
            if ranked == 1 { " is" } else { "s are" },
            engine::MIN_RANKED_UNITS
        ),
    };
    let few = |ranked: usize| ranked > 0 && ranked < engine::MIN_RANKED_UNITS;
    let mut out = Vec::new();
    for (yi, &year) in layout.years.iter().enumerate() {
        let ranked = (yi * nu..(yi + 1) * nu).filter(|&r| !rows.score[r].is_nan()).count();
        if layout.selected[yi] && few(ranked) {
            out.push(row("year", year, ranked, format!("in {year}")));
        }
    }
    if scope == Scope::Group {
        for (s, members) in sets.rows.iter().enumerate() {
            let (Some(year), Some(g)) = (sets.year[s], sets.group[s]) else { continue };
            let ranked = members.iter().filter(|&&r| !rows.score[r as usize].is_nan()).count();
            if few(ranked) {
                out.push(row("group", year, ranked, format!("in {} in {year}", layout.group_names[g as usize])));
            }
        }
    }
    out
}

fn settings(panel: &Panel, options: &ScoreOptions, layout: &Layout) -> BTreeMap<String, String> {
    let mut s = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        s.insert(k.to_string(), v);
    };
    put("fazhi_version", env!("CARGO_PKG_VERSION").into());
    put("catalogue_version", panel.catalogue().version.clone());
    put("catalogue_origin", panel.catalogue().origin.clone());
    put("normalise", options.normalise.as_str().into());
    put("scope", options.scope.as_str().into());
    put("aggregate", format!("{},{}", options.aggregate.0.as_str(), options.aggregate.1.as_str()));
    put("impute", options.impute.label());
    put("min_coverage", format!("{},{}", options.min_coverage.0, options.min_coverage.1));
    put("winsorise", options.winsorise.map_or("none".into(), |(a, b)| format!("{a},{b}")));
    put("denominate", options.denominate.to_string());
    put("kinds", options.kinds.as_ref().map_or("all".into(), |k| k.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")));
    put("years", layout.years.iter().zip(&layout.selected).filter(|(_, s)| **s).map(|(y, _)| y.to_string()).collect::<Vec<_>>().join(","));
    put("weights", serde_json::to_string(&options.weights).unwrap_or_default());
    put("targets", options.targets.as_ref().map_or("none".into(), |t| format!("{} targets", t.targets.len())));
    put("units", layout.n_units.to_string());
    put("indicators", layout.indicators.len().to_string());
    put("dimensions", layout.dims.len().to_string());
    s
}

impl Scores {
    /// Everything needed to reproduce the scores, including the catalogue version.
    pub fn settings(&self) -> &BTreeMap<String, String> {
        &self.settings
    }

    /// What was left out, and why (cells, indicators without variation, units not ranked).
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.excluded
    }

    /// What a reader of the ranking must be told, one sentence per cause: indicators left out
    /// for want of a denominator ([`NO_DENOMINATOR`]) and comparison sets with fewer than
    /// [`MIN_RANKED_UNITS`] ranked units ([`FEW_UNITS`]). Python's `score()`
    /// raises each as a `UserWarning`; the rows are in [`Scores::exclusions`].
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let lost: Vec<&Exclusion> = self.excluded.iter().filter(|e| e.reason == engine::NO_DENOMINATOR).collect();
        if !lost.is_empty() {
            let codes: Vec<&str> =
                lost.iter().filter_map(|e| e.indicator).map(|ci| self.names.indicators[ci as usize].0.as_str()).collect();
            out.push(format!(
                "{} indicator{} left out of the score because a unit attribute (villages, residents) is missing: {}; give a unit table with those columns (units=...) or pass denominate=False (see .excluded, reason {})",
                codes.len(),
                if codes.len() == 1 { " is" } else { "s are" },
                codes.join(", "),
                engine::NO_DENOMINATOR
            ));
        }
        for e in self.excluded.iter().filter(|e| e.reason == engine::FEW_UNITS) {
            out.push(format!("{} (see .excluded, reason {})", e.detail, engine::FEW_UNITS));
        }
        out
    }

    fn row(&self, unit: &str, year: i32) -> Result<usize> {
        // A code, or a name from the unit table ("合成甲镇").
        let u = self
            .names
            .units
            .binary_search_by(|c| c.as_str().cmp(unit))
            .ok()
            .or_else(|| self.names.unit_names.iter().position(|n| n.as_deref() == Some(unit)))
            .ok_or_else(|| Error::InvalidArgument(format!("unit {unit:?} is not in the scores (give its code or its name)")))?;
        let yi = self
            .layout
            .years
            .binary_search(&year)
            .ok()
            .filter(|&yi| self.layout.selected[yi])
            .ok_or_else(|| Error::InvalidArgument(format!("year {year} was not scored")))?;
        Ok(yi * self.layout.n_units + u)
    }

    /// A unit's composite score in a year (`None` when it is not ranked).
    pub fn score_of(&self, unit: &str, year: i32) -> Result<Option<f64>> {
        let r = self.row(unit, year)?;
        Ok(Some(self.rows.score[r]).filter(|x| !x.is_nan()))
    }

    /// A unit's rank in a year (`None` when it is not ranked).
    pub fn rank_of(&self, unit: &str, year: i32) -> Result<Option<u32>> {
        let r = self.row(unit, year)?;
        Ok(Some(self.rank[r]).filter(|&x| x > 0))
    }

    /// Per scored indicator of a unit-year: (indicator code, contribution). With arithmetic
    /// aggregation at both levels the contributions sum to the composite.
    pub fn explain(&self, unit: &str, year: i32) -> Result<Vec<(String, f64)>> {
        let r = self.row(unit, year)?;
        Ok((0..self.layout.indicators.len())
            .filter_map(|k| {
                let (_, c) = self.effective(k, r);
                c.map(|c| (self.names.indicators[self.layout.indicators[k] as usize].0.clone(), c))
            })
            .collect())
    }

    /// Ranks of the dimension scores (`d · n_rows + r`, 0 = none), per scored year; computed when
    /// a frame needs them.
    pub(crate) fn dimension_ranks(&self) -> Vec<u32> {
        let n_rows = self.layout.n_rows();
        let nu = self.layout.n_units;
        let n_d = self.layout.dims.len();
        let mut out = vec![0u32; n_d * n_rows];
        let tasks: Vec<(usize, usize)> =
            (0..self.layout.years.len()).filter(|&yi| self.layout.selected[yi]).flat_map(|yi| (0..n_d).map(move |d| (yi, d))).collect();
        let ranked: Vec<Vec<u32>> = tasks
            .par_iter()
            .map(|&(yi, d)| {
                let rows: Vec<u32> = ((yi * nu) as u32..((yi + 1) * nu) as u32).collect();
                engine::rank(&self.rows.dim_score[d * n_rows..(d + 1) * n_rows], &rows).0
            })
            .collect();
        for (&(yi, d), r) in tasks.iter().zip(ranked) {
            out[d * n_rows + yi * nu..d * n_rows + (yi + 1) * nu].copy_from_slice(&r);
        }
        out
    }

    /// (effective weight, contribution) of scored indicator k in row r.
    fn effective(&self, k: usize, r: usize) -> (Option<f64>, Option<f64>) {
        let n_rows = self.layout.n_rows();
        let x = self.cells.normalised[k * n_rows + r];
        let d = self.layout.ind_dim[k] as usize;
        let j = d * n_rows + r;
        if x.is_nan() || self.rows.score[r].is_nan() || self.rows.dim_score[j].is_nan() {
            return (None, None);
        }
        let w = self.layout.w_dim[d] / self.rows.present[r] * self.layout.w_ind[k] / self.rows.dim_present[j];
        (Some(w), self.additive.then_some(w * x))
    }
}

/// Serialises `Vec<f64>` with NaN as null, so JSON keeps missing values.
mod nan_serde {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let opt: Vec<Option<f64>> = v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect();
        opt.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let opt: Vec<Option<f64>> = Vec::deserialize(d)?;
        Ok(opt.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    }
}
