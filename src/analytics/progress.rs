//! Progress towards multi-year plan targets (METHODOLOGY §5).
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions, Targets};
//! use fazhi::analytics::{ProgressOptions, progress};
//! use polars::prelude::*;
//!
//! let catalogue = Catalogue::default_catalogue();
//! let panel = Panel::from_frame(
//!     &df!("unit" => ["合成甲镇"; 3], "year" => [2021, 2022, 2023],
//!          "indicator" => ["PUB_MATERIALS"; 3], "value" => [100.0, 110.0, 121.0]).unwrap(),
//!     catalogue.clone(), None, &PanelOptions::default(),
//! ).unwrap();
//! let targets = Targets::from_frame(
//!     &df!("unit" => ["合成甲镇"], "indicator" => ["PUB_MATERIALS"], "year" => [2025],
//!          "comparator" => ["at_least"], "target" => [200.0], "baseline_year" => [2021]).unwrap(),
//!     &catalogue, "<frame>",
//! ).unwrap();
//! let out = progress(&panel, Some(&targets), &ProgressOptions::default()).unwrap();
//! // 10 % a year against the 18.9 % a year needed to double in four years.
//! assert_eq!(out.column("category").unwrap().str().unwrap().get(0), Some("limited_progress"));
//! ```

use std::collections::HashMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::gaps::{effective_targets, meets};
use super::{Filter, PanelView, ratio_scale};
use crate::error::{Error, Result};
use crate::model::{Comparator, Indicator, Target, Targets};
use crate::panel::Panel;

/// The trend-classification preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressMethod {
    /// Eurostat / open-sdg: compound annual rates.
    #[default]
    Compound,
    /// SDSN: linear annual changes.
    Linear,
}

impl ProgressMethod {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "compound" => Ok(Self::Compound),
            "linear" => Ok(Self::Linear),
            other => Err(Error::InvalidArgument(format!("method must be \"compound\" or \"linear\", got {other:?}"))),
        }
    }
}

/// Category thresholds (each list descending: the first three cut points of four categories).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProgressThresholds {
    /// ratio ≥ `c[0]` substantial, ≥ `c[1]` moderate, ≥ `c[2]` limited, else moving away.
    pub compound: [f64; 3],
    /// ratio ≥ `c[0]` on track, ≥ `c[1]` moderately improving, ≥ `c[2]` stagnating, else decreasing.
    pub linear: [f64; 3],
    /// Polarity-adjusted annual growth without a target: ≥ `c[0]` substantial, ≥ `c[1]` moderate,
    /// ≥ `c[2]` limited, else deterioration.
    pub growth: [f64; 3],
}

impl Default for ProgressThresholds {
    fn default() -> Self {
        Self { compound: [0.95, 0.6, 0.0], linear: [1.0, 0.5, 0.0], growth: [0.015, 0.005, 0.0] }
    }
}

/// Options of [`progress`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProgressOptions {
    pub method: ProgressMethod,
    /// Baseline year for every target; by default each target's own, else the first observation.
    pub baseline_year: Option<i32>,
    pub thresholds: ProgressThresholds,
    pub filter: Filter,
}

impl ProgressThresholds {
    /// Each preset's cut points must be finite and descending (each at most the one before;
    /// equal cut points leave a category empty): a NaN would put every series in the last band.
    pub fn check(&self) -> Result<()> {
        for (name, cuts) in [("compound", &self.compound), ("linear", &self.linear), ("growth", &self.growth)] {
            if let Some(bad) = cuts.iter().find(|x| !x.is_finite()) {
                return Err(Error::InvalidArgument(format!(
                    "thresholds[{name:?}] must be three finite numbers, got {bad} in {cuts:?}; give e.g. {:?}",
                    ProgressThresholds::default().of(name)
                )));
            }
            if cuts[0] < cuts[1] || cuts[1] < cuts[2] {
                return Err(Error::InvalidArgument(format!(
                    "thresholds[{name:?}] must be descending (best category's cut point first), got {cuts:?}; e.g. {:?}",
                    ProgressThresholds::default().of(name)
                )));
            }
        }
        Ok(())
    }

    fn of(&self, name: &str) -> [f64; 3] {
        match name {
            "compound" => self.compound,
            "linear" => self.linear,
            _ => self.growth,
        }
    }
}

impl ProgressOptions {
    /// Refuses thresholds that are not finite or not descending.
    pub fn check(&self) -> Result<()> {
        self.thresholds.check()
    }
}

/// The columns of [`progress`].
pub const PROGRESS_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "name_zh",
    "baseline_year",
    "baseline_value",
    "latest_year",
    "latest_value",
    "target_year",
    "comparator",
    "target",
    "actual_rate",
    "required_rate",
    "ratio",
    "category",
    "method_used",
    "projected_value",
    "projected_met",
    "qualified",
    "reason",
];

#[derive(Default)]
struct Row {
    unit: u32,
    indicator: u16,
    baseline_year: Option<i32>,
    baseline_value: Option<f64>,
    latest_year: Option<i32>,
    latest_value: Option<f64>,
    target_year: Option<i32>,
    comparator: Option<&'static str>,
    target: Option<f64>,
    actual_rate: Option<f64>,
    required_rate: Option<f64>,
    ratio: Option<f64>,
    category: &'static str,
    method_used: Option<String>,
    projected_value: Option<f64>,
    projected_met: Option<bool>,
    qualified: Option<bool>,
    reason: Option<String>,
}

fn band(x: f64, cuts: &[f64; 3], names: [&'static str; 4]) -> &'static str {
    if x >= cuts[0] {
        names[0]
    } else if x >= cuts[1] {
        names[1]
    } else if x >= cuts[2] {
        names[2]
    } else {
        names[3]
    }
}

pub(crate) const COMPOUND: [&str; 4] = ["substantial_progress", "moderate_progress", "limited_progress", "moving_away"];
pub(crate) const LINEAR: [&str; 4] = ["on_track", "moderately_improving", "stagnating", "decreasing"];
pub(crate) const GROWTH: [&str; 4] = ["substantial_growth", "moderate_growth", "limited_growth", "deterioration"];
/// The categories outside the three bands.
pub(crate) const OTHER_CATEGORIES: [&str; 4] = ["achieved", "maintaining", "insufficient_data", "undefined"];
/// Every `method_used`.
pub(crate) const METHODS: [&str; 4] = ["compound", "linear", "growth", "linear (compound undefined for zero or negative values)"];

/// The value the plan aims at: the target, or for `between` the nearer end of the band.
fn aim(t: &Target, xb: f64) -> f64 {
    match (t.comparator, t.value_hi) {
        (Comparator::Between, Some(hi)) if xb > hi => hi,
        _ => t.value,
    }
}

/// Classifies progress of every (unit, indicator) with a target towards it; without targets,
/// classifies each series' annual growth. See [`PROGRESS_COLUMNS`] and `docs/methodology.md` §5.
pub fn progress(panel: &Panel, targets: Option<&Targets>, options: &ProgressOptions) -> Result<DataFrame> {
    super::with_indicator_names(progress_frame(panel, targets, options)?, panel.catalogue())
}

/// The frame of [`progress`] before the indicator names are added.
fn progress_frame(panel: &Panel, targets: Option<&Targets>, options: &ProgressOptions) -> Result<DataFrame> {
    options.check()?;
    let view = PanelView::new(panel)?;
    let catalogue = panel.catalogue();
    // Each (unit, indicator) series as rows in year order (the panel is sorted by unit, year).
    let mut series: HashMap<(u32, u16), Vec<usize>> = HashMap::new();
    for r in 0..view.len() {
        series.entry((view.unit[r], view.indicator[r])).or_default().push(r);
    }
    let unit_mask = options.filter.unit_mask(panel)?;
    let keep_unit = |u: u32| unit_mask.as_ref().is_none_or(|m| m[u as usize]);
    let mut rows: Vec<Row> = Vec::new();
    match targets {
        Some(targets) => {
            for (u, k, t, _) in effective_targets(panel, targets)? {
                if !keep_unit(u) || !options.filter.keeps_year(t.year) {
                    continue;
                }
                let obs = series.get(&(u, k)).map_or(&[][..], Vec::as_slice);
                rows.push(with_target(&view, u, k, t, obs, options));
            }
        }
        None => {
            let mut keys: Vec<&(u32, u16)> = series.keys().filter(|(u, _)| keep_unit(*u)).collect();
            keys.sort();
            for key in keys {
                let ind = &catalogue.indicators[key.1 as usize];
                rows.push(growth(&view, ind, key.0, key.1, &series[key], options));
            }
        }
    }
    debug_assert!(
        rows.iter().all(|r| [COMPOUND, LINEAR, GROWTH, OTHER_CATEGORIES].iter().any(|set| set.contains(&r.category))
            && r.method_used.as_deref().is_none_or(|m| METHODS.contains(&m))),
        "a progress category or method outside the lists the label table is tested against"
    );
    let codes = panel.unit_codes();
    Ok(DataFrame::new(
        rows.len(),
        vec![
            Column::new("unit".into(), rows.iter().map(|r| codes[r.unit as usize].as_str()).collect::<Vec<_>>()),
            Column::new(
                "indicator".into(),
                rows.iter().map(|r| catalogue.indicators[r.indicator as usize].code.as_str()).collect::<Vec<_>>(),
            ),
            Column::new("baseline_year".into(), rows.iter().map(|r| r.baseline_year).collect::<Vec<_>>()),
            Column::new("baseline_value".into(), rows.iter().map(|r| r.baseline_value).collect::<Vec<_>>()),
            Column::new("latest_year".into(), rows.iter().map(|r| r.latest_year).collect::<Vec<_>>()),
            Column::new("latest_value".into(), rows.iter().map(|r| r.latest_value).collect::<Vec<_>>()),
            Column::new("target_year".into(), rows.iter().map(|r| r.target_year).collect::<Vec<_>>()),
            Column::new("comparator".into(), rows.iter().map(|r| r.comparator).collect::<Vec<_>>()),
            Column::new("target".into(), rows.iter().map(|r| r.target).collect::<Vec<_>>()),
            Column::new("actual_rate".into(), rows.iter().map(|r| r.actual_rate).collect::<Vec<_>>()),
            Column::new("required_rate".into(), rows.iter().map(|r| r.required_rate).collect::<Vec<_>>()),
            Column::new("ratio".into(), rows.iter().map(|r| r.ratio).collect::<Vec<_>>()),
            Column::new("category".into(), rows.iter().map(|r| r.category).collect::<Vec<_>>()),
            Column::new("method_used".into(), rows.iter().map(|r| r.method_used.as_deref()).collect::<Vec<_>>()),
            Column::new("projected_value".into(), rows.iter().map(|r| r.projected_value).collect::<Vec<_>>()),
            Column::new("projected_met".into(), rows.iter().map(|r| r.projected_met).collect::<Vec<_>>()),
            Column::new("qualified".into(), rows.iter().map(|r| r.qualified).collect::<Vec<_>>()),
            Column::new("reason".into(), rows.iter().map(|r| r.reason.as_deref()).collect::<Vec<_>>()),
        ],
    )?)
}

fn with_target(view: &PanelView<'_>, u: u32, k: u16, t: &Target, obs: &[usize], options: &ProgressOptions) -> Row {
    let mut row = Row {
        unit: u,
        indicator: k,
        target_year: Some(t.year),
        comparator: Some(t.comparator.as_str()),
        target: Some(t.value),
        category: "insufficient_data",
        ..Row::default()
    };
    let baseline_year = options.baseline_year.or(t.baseline_year);
    let base = match baseline_year {
        Some(b) => obs.iter().copied().find(|&r| view.year[r] == b),
        None => obs.iter().copied().find(|&r| view.year[r] < t.year),
    };
    let Some(rb) = base else {
        row.baseline_year = baseline_year;
        row.reason = Some(match baseline_year {
            Some(b) => format!("no observation in the baseline year {b}"),
            None => "no observation before the target year".to_string(),
        });
        return row;
    };
    let b = view.year[rb];
    row.baseline_year = Some(b);
    row.baseline_value = Some(view.value[rb]);
    if b >= t.year {
        row.reason = Some(format!("the baseline year {b} is not before the target year {}", t.year));
        return row;
    }
    let Some(rt) = obs.iter().copied().rfind(|&r| view.year[r] > b && view.year[r] <= t.year) else {
        row.reason = Some("fewer than two observations between the baseline and the target year".to_string());
        return row;
    };
    let (xb, xt, yt) = (view.value[rb], view.value[rt], view.year[rt]);
    row.latest_year = Some(yt);
    row.latest_value = Some(xt);
    row.qualified = Some(view.qualified(rb) || view.qualified(rt));
    let (span, horizon) = (f64::from(yt - b), f64::from(t.year - b));
    let slope = (xt - xb) / span;
    let projected = xt + slope * f64::from(t.year - yt);
    row.projected_value = Some(projected);
    row.projected_met = Some(meets(t, projected));
    let target = aim(t, xb);

    let mut method = options.method;
    let mut method_used = match method {
        ProgressMethod::Compound => "compound".to_string(),
        ProgressMethod::Linear => "linear".to_string(),
    };
    if method == ProgressMethod::Compound && !(xb > 0.0 && xt > 0.0 && target > 0.0) {
        method = ProgressMethod::Linear;
        method_used = "linear (compound undefined for zero or negative values)".to_string();
    }
    let (actual, required) = match method {
        ProgressMethod::Compound => ((xt / xb).powf(1.0 / span) - 1.0, (target / xb).powf(1.0 / horizon) - 1.0),
        ProgressMethod::Linear => (slope, (target - xb) / horizon),
    };
    row.actual_rate = Some(actual);
    row.required_rate = Some(required);
    row.method_used = Some(method_used);
    let met_at_baseline = meets(t, xb);
    if meets(t, xt) {
        if met_at_baseline {
            // No pace was required, so a / r would mean nothing.
            row.category = "maintaining";
            row.reason = Some("the target was met at the baseline and is met now: no pace to compare".to_string());
        } else {
            row.category = "achieved";
            row.ratio = (required != 0.0).then(|| actual / required);
        }
        return row;
    }
    if met_at_baseline || required == 0.0 {
        // The required rate points away from the target (or is 0) when the baseline already met
        // it, so a / r has no meaning: the series has moved from meeting the target to missing it.
        row.category = match method {
            ProgressMethod::Compound => COMPOUND[3],
            ProgressMethod::Linear => LINEAR[3],
        };
        row.reason = Some("the target was met at the baseline and is missed now".to_string());
        return row;
    }
    // a / r: the share of the required pace achieved; its sign already says whether the
    // series moves towards the target, whichever the indicator's polarity.
    let ratio = actual / required;
    row.ratio = Some(ratio);
    row.category = match method {
        ProgressMethod::Compound => band(ratio, &options.thresholds.compound, COMPOUND),
        ProgressMethod::Linear => band(ratio, &options.thresholds.linear, LINEAR),
    };
    row
}

fn growth(view: &PanelView<'_>, ind: &Indicator, u: u32, k: u16, obs: &[usize], options: &ProgressOptions) -> Row {
    let mut row = Row { unit: u, indicator: k, category: "insufficient_data", ..Row::default() };
    let start = match options.baseline_year {
        Some(b) => obs.iter().copied().find(|&r| view.year[r] == b),
        None => obs.first().copied(),
    };
    let (Some(rb), Some(&rt)) = (start, obs.last()) else {
        row.reason = Some("no observation in the baseline year".to_string());
        return row;
    };
    row.baseline_year = Some(view.year[rb]);
    row.baseline_value = Some(view.value[rb]);
    if view.year[rt] <= view.year[rb] {
        row.reason = Some("fewer than two observations".to_string());
        return row;
    }
    let (xb, xt) = (view.value[rb], view.value[rt]);
    row.latest_year = Some(view.year[rt]);
    row.latest_value = Some(xt);
    row.qualified = Some(view.qualified(rb) || view.qualified(rt));
    if !ratio_scale(ind) {
        row.category = "undefined";
        row.reason = Some("yes/no indicator: no growth rate".to_string());
        return row;
    }
    if !(xb > 0.0 && xt > 0.0) {
        row.category = "undefined";
        row.reason = Some("zero or negative values: annual growth rate undefined".to_string());
        return row;
    }
    let span = f64::from(view.year[rt] - view.year[rb]);
    let rate = (xt / xb).powf(1.0 / span) - 1.0;
    row.actual_rate = Some(rate);
    row.method_used = Some("growth".to_string());
    row.category = band(rate * ind.polarity.sign(), &options.thresholds.growth, GROWTH);
    row
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_that_are_nan_infinite_or_ascending_are_refused() {
        assert!(ProgressOptions::default().check().is_ok());
        let with = |compound: [f64; 3], growth: [f64; 3]| ProgressOptions {
            thresholds: ProgressThresholds { compound, growth, ..Default::default() },
            ..Default::default()
        };
        let d = ProgressThresholds::default();
        for (options, named) in [
            (with([f64::NAN, 0.6, 0.0], d.growth), "compound"),
            (with(d.compound, [0.015, f64::INFINITY, 0.0]), "growth"),
            (with([0.0, 0.6, 0.95], d.growth), "compound"),
        ] {
            let message = options.check().unwrap_err().to_string();
            assert!(message.contains(&format!("thresholds[\"{named}\"]")), "{message}");
        }
        // Equal cut points merge two categories; that is allowed.
        assert!(with([0.6, 0.6, 0.0], d.growth).check().is_ok());
    }
}
