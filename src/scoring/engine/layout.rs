//! The layout stage: which indicators and dimensions are scored, with which weights, over which
//! years, and each unit's group. Everything left out is an [`Exclusion`] with its reason.

use std::collections::HashMap;

use super::Exclusion;
use crate::error::{Error, Result};
use crate::panel::Panel;
use crate::scoring::options::{Impute, Scope, ScoreOptions};

/// What is scored: indicators, their dimensions and weights, years and groups.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Layout {
    /// Every year of the panel, ascending.
    pub(in crate::scoring) years: Vec<i32>,
    /// Per year: whether it is scored (`ScoreOptions::years`).
    pub(in crate::scoring) selected: Vec<bool>,
    pub(in crate::scoring) n_units: usize,
    /// Catalogue index of each scored indicator, in catalogue order.
    pub(in crate::scoring) indicators: Vec<u16>,
    /// Position in `dims` of each scored indicator's dimension.
    pub(in crate::scoring) ind_dim: Vec<u16>,
    pub(in crate::scoring) w_ind: Vec<f64>,
    /// Catalogue index of each scored dimension.
    pub(in crate::scoring) dims: Vec<u16>,
    pub(in crate::scoring) w_dim: Vec<f64>,
    /// Group of each unit (index into `group_names`), `u32::MAX` without one.
    pub(in crate::scoring) group: Vec<u32>,
    pub(in crate::scoring) group_names: Vec<String>,
}

impl Layout {
    /// Rows (unit-years) over every year of the panel.
    pub(crate) fn n_rows(&self) -> usize {
        self.years.len() * self.n_units
    }

    /// Units, the rows of one year.
    pub(crate) fn n_units(&self) -> usize {
        self.n_units
    }

    /// Scored indicators, the columns of the cells.
    pub(crate) fn n_indicators(&self) -> usize {
        self.indicators.len()
    }

    /// Scored dimensions.
    pub(crate) fn n_dimensions(&self) -> usize {
        self.dims.len()
    }

    /// Catalogue index of the k-th scored indicator.
    pub(crate) fn indicator(&self, k: usize) -> usize {
        usize::from(self.indicators[k])
    }

    /// Position among the scored dimensions of the k-th scored indicator's dimension.
    pub(crate) fn dimension_of(&self, k: usize) -> usize {
        usize::from(self.ind_dim[k])
    }

    /// Catalogue index of the d-th scored dimension.
    pub(crate) fn dimension(&self, d: usize) -> usize {
        usize::from(self.dims[d])
    }

    /// Position of each of the catalogue's `n_catalogue` indicators among the scored ones
    /// (`u32::MAX`: not scored).
    pub(crate) fn columns(&self, n_catalogue: usize) -> Vec<u32> {
        let mut col_of = vec![u32::MAX; n_catalogue];
        for (k, &ci) in self.indicators.iter().enumerate() {
            col_of[usize::from(ci)] = k as u32;
        }
        col_of
    }

    /// Indicator and dimension weights, in scored order.
    pub(crate) fn weights(&self) -> (&[f64], &[f64]) {
        (&self.w_ind, &self.w_dim)
    }

    /// This layout with other indicator and dimension weights (a draw's).
    pub(crate) fn with_weights(&self, w_ind: Vec<f64>, w_dim: Vec<f64>) -> Self {
        Self { w_ind, w_dim, ..self.clone() }
    }

    /// This layout narrowed to its year `yi`, the layout of [`super::Cells::one_year`].
    pub(crate) fn one_year(self, yi: usize) -> Self {
        Self { years: vec![self.years[yi]], selected: vec![true], ..self }
    }

    /// The year of row r.
    pub(crate) fn year_of(&self, r: usize) -> i32 {
        self.years[r / self.n_units]
    }

    /// Position of `year` among the panel's years.
    pub(crate) fn year_index(&self, year: i32) -> Option<usize> {
        self.years.binary_search(&year).ok()
    }

    /// The rows of year `yi`.
    pub(crate) fn year_rows(&self, yi: usize) -> std::ops::Range<usize> {
        yi * self.n_units..(yi + 1) * self.n_units
    }

    /// Whether row r's year is scored.
    pub(crate) fn row_selected(&self, r: usize) -> bool {
        self.selected[r / self.n_units]
    }
}

/// Reads the options against the panel's catalogue and units: the [`Layout`], and the indicators
/// and dimensions left out with their reasons. Weights that name nothing, years not in the panel
/// and group options without groups are errors.
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
