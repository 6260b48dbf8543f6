//! Target gaps and achievement ratios (完成率, METHODOLOGY §4).
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions, Targets};
//! use fazhi::analytics::{GapOptions, gaps};
//! use polars::prelude::*;
//!
//! let catalogue = Catalogue::default_catalogue();
//! let panel = Panel::from_frame(
//!     &df!("unit" => ["合成甲镇"], "year" => [2024], "indicator" => ["PUB_MATERIALS"], "value" => ["900"]).unwrap(),
//!     catalogue.clone(), None, &PanelOptions::default(),
//! ).unwrap();
//! let targets = Targets::from_frame(
//!     &df!("unit" => ["合成甲镇"], "indicator" => ["PUB_MATERIALS"], "year" => [2024],
//!          "comparator" => ["at_least"], "target" => [1000.0]).unwrap(),
//!     &catalogue, "<frame>",
//! ).unwrap();
//! let out = gaps(&panel, &targets, &GapOptions::default()).unwrap();
//! assert_eq!(out.column("gap").unwrap().f64().unwrap().get(0), Some(100.0));
//! assert_eq!(out.column("achievement").unwrap().f64().unwrap().get(0), Some(0.9));
//! assert_eq!(out.column("status").unwrap().str().unwrap().get(0), Some("missed"));
//! ```

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Filter, PanelView, RowIndex, category_column, target_units};
use crate::error::{Error, Result};
use crate::model::{Comparator, Indicator, Polarity, Target, Targets, Tiers};
use crate::panel::{Panel, float_column};

/// How the achievement ratio of an `at_most` target is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InverseMethod {
    /// T / x.
    #[default]
    Ratio,
    /// 2 − x / T.
    Linear,
}

impl InverseMethod {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "ratio" => Ok(Self::Ratio),
            "linear" => Ok(Self::Linear),
            other => Err(Error::InvalidArgument(format!("inverse must be \"ratio\" or \"linear\", got {other:?}"))),
        }
    }
}

/// Scores at the tier anchors: below threshold, at threshold, at base, at challenge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TierAnchors {
    pub below: f64,
    pub threshold: f64,
    pub base: f64,
    pub challenge: f64,
}

impl Default for TierAnchors {
    fn default() -> Self {
        Self { below: 0.0, threshold: 60.0, base: 80.0, challenge: 100.0 }
    }
}

/// Options of [`gaps`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GapOptions {
    pub inverse: InverseMethod,
    /// Cap on the achievement ratio (封顶), e.g. 1.0 or 1.2.
    pub cap: Option<f64>,
    pub anchors: TierAnchors,
    pub filter: Filter,
}

/// The columns of [`gaps`].
pub const GAP_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "name_zh",
    "year",
    "scope",
    "comparator",
    "target",
    "target_hi",
    "threshold",
    "base",
    "challenge",
    "value",
    "lo",
    "hi",
    "met",
    "gap",
    "achievement",
    "tier_reached",
    "tier_score",
    "status",
    "certain",
    "qualified",
    "reason",
    "target_origin",
];

pub(crate) const STATUS: [&str; 3] = ["met", "missed", "no_data"];
pub(crate) const TIERS: [&str; 4] = ["none", "threshold", "base", "challenge"];

/// The result for one observation against one target, before it becomes columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GapResult {
    pub met: bool,
    pub gap: f64,
    pub achievement: Option<f64>,
    pub reason: Option<String>,
}

/// Whether `x` meets the target.
pub(crate) fn meets(t: &Target, x: f64) -> bool {
    const EPS: f64 = 1e-9;
    match t.comparator {
        Comparator::AtLeast => x >= t.value - EPS,
        Comparator::AtMost => x <= t.value + EPS,
        Comparator::Exactly => (x - t.value).abs() <= EPS,
        Comparator::Between => x >= t.value - EPS && x <= t.value_hi.unwrap_or(t.value) + EPS,
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// met, gap (shortfall in the indicator's unit, 0 when met) and achievement ratio of `x`.
pub(crate) fn evaluate(t: &Target, x: f64, options: &GapOptions) -> GapResult {
    let target = t.value;
    let met = meets(t, x);
    let undefined = |why: &str| (None, Some(why.to_string()));
    let (gap, (achievement, reason)) = match t.comparator {
        Comparator::AtLeast => (
            (target - x).max(0.0),
            if target > 0.0 { (Some(x / target), None) } else { undefined("target is zero or negative: achievement ratio undefined") },
        ),
        Comparator::AtMost => (
            (x - target).max(0.0),
            match options.inverse {
                InverseMethod::Ratio if x > 0.0 && target > 0.0 => (Some(target / x), None),
                InverseMethod::Ratio if x == 0.0 && target > 0.0 => match options.cap {
                    Some(c) => (Some(c), Some("value is 0: T / x is unbounded, capped".to_string())),
                    None => undefined("value is 0: T / x is unbounded; set a cap"),
                },
                InverseMethod::Linear if target > 0.0 => (Some(2.0 - x / target), None),
                _ => undefined("target is zero or negative: achievement ratio undefined"),
            },
        ),
        Comparator::Exactly => (
            (x - target).abs(),
            if target > 0.0 && x > 0.0 {
                (Some((x / target).min(target / x)), None)
            } else if target > 0.0 {
                (Some(0.0), None)
            } else {
                undefined("target is zero or negative: achievement ratio undefined")
            },
        ),
        Comparator::Between => {
            let hi = t.value_hi.unwrap_or(target);
            if x < target {
                (
                    target - x,
                    if target > 0.0 { (Some(x / target), None) } else { undefined("lower end is zero or negative: ratio undefined") },
                )
            } else if x > hi {
                (
                    x - hi,
                    if x > 0.0 && hi > 0.0 { (Some(hi / x), None) } else { undefined("upper end is zero or negative: ratio undefined") },
                )
            } else {
                (0.0, (Some(1.0), None))
            }
        }
        #[allow(unreachable_patterns)]
        _ => (0.0, undefined("unknown comparator")),
    };
    let gap = if met { 0.0 } else { gap };
    let achievement = match (achievement, options.cap) {
        (Some(a), Some(c)) => Some(a.min(c)),
        (a, _) => a,
    };
    GapResult { met, gap, achievement, reason }
}

/// True when every value in [l, h] (or [l, h) when `h_exclusive`) gets the same verdict as the
/// point estimate.
pub(crate) fn verdict_certain(t: &Target, l: f64, h: f64, h_exclusive: bool, met: bool) -> bool {
    let (a, b) = (t.value, t.value_hi.unwrap_or(t.value));
    match (t.comparator, met) {
        (Comparator::AtLeast, true) => l >= a,
        (Comparator::AtLeast, false) => h < a || (h_exclusive && h <= a),
        (Comparator::AtMost, true) => h <= a,
        (Comparator::AtMost, false) => l > a,
        (Comparator::Exactly, true) => l == a && h == a,
        (Comparator::Exactly, false) => h < a || l > a,
        (Comparator::Between, true) => l >= a && h <= b,
        (Comparator::Between, false) => h < a || (h_exclusive && h <= a) || l > b,
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// Tier reached (0 none … 3 challenge) and the banded score, linear inside each band.
pub(crate) fn tier_score(tiers: &Tiers, polarity: Polarity, x: f64, anchors: &TierAnchors) -> (u8, f64) {
    // Mirror lower-is-better so that "more" is always better below.
    let s = polarity.sign();
    let (x, t, b, c) = (x * s, tiers.threshold * s, tiers.base * s, tiers.challenge * s);
    let lerp = |x: f64, x0: f64, x1: f64, y0: f64, y1: f64| if x1 > x0 { y0 + (y1 - y0) * (x - x0) / (x1 - x0) } else { y1 };
    if x < t {
        (0, anchors.below)
    } else if x < b {
        (1, lerp(x, t, b, anchors.threshold, anchors.base))
    } else if x < c {
        (2, lerp(x, b, c, anchors.base, anchors.challenge))
    } else {
        (3, anchors.challenge)
    }
}

/// The effective targets: for each (unit, indicator, year) the unit's own target, else its
/// county's, else one for every unit. Returns (unit, catalogue index, target, scope) sorted by
/// unit, year, indicator.
pub(crate) fn effective_targets<'t>(panel: &Panel, targets: &'t Targets) -> Result<Vec<(u32, u16, &'t Target, &'static str)>> {
    Ok(effective_target_indices(panel, targets)?
        .into_iter()
        .map(|(u, k, ti, scope)| (u, k, &targets.targets[ti as usize], scope))
        .collect())
}

/// [`effective_targets`] with each target as its position in `targets.targets`.
fn effective_target_indices(panel: &Panel, targets: &Targets) -> Result<Vec<(u32, u16, u32, &'static str)>> {
    effective_target_indices_with(panel, targets, None)
}

/// `dense`: force the dense slots (true) or the map (false); `None` chooses by size.
fn effective_target_indices_with(panel: &Panel, targets: &Targets, dense: Option<bool>) -> Result<Vec<(u32, u16, u32, &'static str)>> {
    let rank_of = |scope: &str| match scope {
        "unit" => 0u8,
        "county" => 1,
        _ => 2,
    };
    // The distinct (year, indicator) keys, then one slot per key and unit holding the best
    // target so far: dense arrays rather than a hash map, since county- and country-wide targets
    // fill every unit's slot.
    let mut resolved = Vec::with_capacity(targets.targets.len());
    for t in &targets.targets {
        let ind = super::indicator_index(panel.catalogue(), &t.indicator)?;
        let (ids, scope) = target_units(t, panel, panel.units())?;
        resolved.push(((t.year, ind), ids, scope));
    }
    let mut keys: Vec<(i32, u16)> = resolved.iter().map(|r| r.0).collect();
    keys.sort_unstable();
    keys.dedup();
    let n_units = panel.unit_codes().len();
    let pairs: usize = resolved.iter().map(|r| r.1.len()).sum();
    // Dense slots pay off when most (key, unit) slots are filled; with many keys that each
    // reach few units (sparse unit-level targets), a map of the pairs is smaller.
    if !dense.unwrap_or(keys.len().saturating_mul(n_units) <= 4 * pairs + (1 << 20)) {
        let mut best: std::collections::BTreeMap<(u32, i32, u16), u32> = std::collections::BTreeMap::new();
        for (ti, (key, ids, scope)) in resolved.iter().enumerate() {
            let rank = rank_of(scope);
            for &u in ids {
                let s = best.entry((u, key.0, key.1)).or_insert(ti as u32);
                if rank < rank_of(resolved[*s as usize].2) {
                    *s = ti as u32;
                }
            }
        }
        return Ok(best.into_iter().map(|((u, _, ind), ti)| (u, ind, ti, resolved[ti as usize].2)).collect());
    }
    const EMPTY: u32 = u32::MAX;
    let mut slot = vec![EMPTY; keys.len() * n_units];
    for (ti, (key, ids, scope)) in resolved.iter().enumerate() {
        let kx = keys.binary_search(key).unwrap_or_default();
        let rank = rank_of(scope);
        for &u in ids {
            let s = &mut slot[kx * n_units + u as usize];
            // The first target of the best scope wins.
            if *s == EMPTY || rank < rank_of(resolved[*s as usize].2) {
                *s = ti as u32;
            }
        }
    }
    let mut out = Vec::new();
    for u in 0..n_units {
        for (kx, &(_, ind)) in keys.iter().enumerate() {
            let ti = slot[kx * n_units + u];
            if ti != EMPTY {
                out.push((u as u32, ind, ti, resolved[ti as usize].2));
            }
        }
    }
    Ok(out)
}

/// Compares every observation that has a target with it. Targets with no observation are
/// `no_data` rows, never dropped; see [`GAP_COLUMNS`] and `docs/methodology.md` §4.
pub fn gaps(panel: &Panel, targets: &Targets, options: &GapOptions) -> Result<DataFrame> {
    super::with_indicator_names(gaps_frame(panel, targets, options)?, panel.catalogue())
}

/// The frame of [`gaps`] before the indicator names are added.
fn gaps_frame(panel: &Panel, targets: &Targets, options: &GapOptions) -> Result<DataFrame> {
    if let Some(c) = options.cap
        && !(c.is_finite() && c > 0.0)
    {
        return Err(Error::InvalidArgument(format!("cap must be a positive number, got {c}")));
    }
    let a = options.anchors;
    if ![a.below, a.threshold, a.base, a.challenge].iter().all(|x| x.is_finite()) {
        return Err(Error::InvalidArgument(format!(
            "anchors must be four finite scores (below, threshold, base, challenge), got ({}, {}, {}, {})",
            a.below, a.threshold, a.base, a.challenge
        )));
    }
    let view = PanelView::new(panel)?;
    let catalogue = panel.catalogue();
    let unit_mask = options.filter.unit_mask(panel)?;
    let all = &targets.targets;
    let effective: Vec<_> = effective_target_indices(panel, targets)?
        .into_iter()
        .filter(|(u, _, ti, _)| unit_mask.as_ref().is_none_or(|m| m[*u as usize]) && options.filter.keeps_year(all[*ti as usize].year))
        .collect();
    let index = RowIndex::new(&view, panel.unit_codes().len());

    /// One output row's computed fields (NaN and `NONE` for null).
    struct Out {
        value: f64,
        lo: f64,
        hi: f64,
        gap: f64,
        achievement: f64,
        tier_score: f64,
        tier: u8,
        status: u8,
        met: u8,
        certain: u8,
        qualified: u8,
        reason: Option<String>,
    }
    const NONE: u8 = u8::MAX;
    let rows: Vec<Out> = effective
        .par_iter()
        .map(|&(u, k, ti, _)| {
            let t = &all[ti as usize];
            let ind: &Indicator = &catalogue.indicators[k as usize];
            match index.find(&view, u, k, t.year) {
                None => Out {
                    value: f64::NAN,
                    lo: f64::NAN,
                    hi: f64::NAN,
                    gap: f64::NAN,
                    achievement: f64::NAN,
                    tier_score: f64::NAN,
                    tier: NONE,
                    status: 2,
                    met: NONE,
                    certain: NONE,
                    qualified: NONE,
                    reason: Some(format!("no observation of {} for {} in {}", ind.code, panel.unit_codes()[u as usize], t.year)),
                },
                Some(r) => {
                    let x = view.value[r];
                    let result = evaluate(t, x, options);
                    let (l, h) = (view.lo(r, ind), view.hi(r, ind));
                    let (tier, tier_score) = match t.tiers {
                        Some(tiers) => tier_score(&tiers, ind.polarity, x, &options.anchors),
                        None => (NONE, f64::NAN),
                    };
                    Out {
                        value: x,
                        lo: if l.is_finite() { l } else { f64::NAN },
                        hi: if h.is_finite() { h } else { f64::NAN },
                        gap: result.gap,
                        achievement: result.achievement.unwrap_or(f64::NAN),
                        tier_score,
                        tier,
                        status: if result.met { 0 } else { 1 },
                        met: u8::from(result.met),
                        certain: u8::from(verdict_certain(t, l, h, view.hi_exclusive(r, ind), result.met)),
                        qualified: u8::from(view.qualified(r)),
                        reason: result.reason,
                    }
                }
            }
        })
        .collect();
    let n = rows.len();
    // Per-target and per-unit columns are gathered from small tables by index.
    let target_idx: IdxCa = effective.iter().map(|e| e.2 as IdxSize).collect_ca("".into());
    let per_target = |name: &str, values: Vec<Option<f64>>| -> Result<Column> {
        Ok(Float64Chunked::from_iter_options(name.into(), values.into_iter()).take(&target_idx)?.into_column())
    };
    let per_target_str = |name: &str, values: Vec<&str>| -> Result<Column> {
        Ok(StringChunked::from_iter_values(name.into(), values.into_iter()).take(&target_idx)?.into_column())
    };
    let unit_idx: IdxCa = effective.iter().map(|e| e.0 as IdxSize).collect_ca("".into());
    let unit = StringChunked::from_iter_values("unit".into(), panel.unit_codes().iter().map(String::as_str)).take(&unit_idx)?;
    let ind_idx: IdxCa = effective.iter().map(|e| IdxSize::from(e.1)).collect_ca("".into());
    let indicator =
        StringChunked::from_iter_values("indicator".into(), catalogue.indicators.iter().map(|i| i.code.as_str())).take(&ind_idx)?;
    let flag = |name: &str, f: fn(&Out) -> u8| -> Column {
        rows.iter().map(|o| (f(o) != NONE).then(|| f(o) == 1)).collect::<BooleanChunked>().with_name(name.into()).into_column()
    };
    let float = |name: &str, f: fn(&Out) -> f64| float_column(name, rows.iter().map(f).collect());
    Ok(DataFrame::new(
        n,
        vec![
            unit.into_column(),
            indicator.into_column(),
            Column::new("year".into(), effective.iter().map(|e| all[e.2 as usize].year).collect::<Vec<_>>()),
            Column::new("scope".into(), effective.iter().map(|e| e.3).collect::<Vec<_>>()),
            per_target_str("comparator", all.iter().map(|t| t.comparator.as_str()).collect())?,
            per_target("target", all.iter().map(|t| Some(t.value)).collect())?,
            per_target("target_hi", all.iter().map(|t| t.value_hi).collect())?,
            per_target("threshold", all.iter().map(|t| t.tiers.map(|x| x.threshold)).collect())?,
            per_target("base", all.iter().map(|t| t.tiers.map(|x| x.base)).collect())?,
            per_target("challenge", all.iter().map(|t| t.tiers.map(|x| x.challenge)).collect())?,
            float("value", |o| o.value),
            float("lo", |o| o.lo),
            float("hi", |o| o.hi),
            flag("met", |o| o.met),
            float("gap", |o| o.gap),
            float("achievement", |o| o.achievement),
            category_column("tier_reached", &TIERS, rows.iter().map(|o| (o.tier != NONE).then_some(IdxSize::from(o.tier))))?,
            float("tier_score", |o| o.tier_score),
            category_column("status", &STATUS, rows.iter().map(|o| Some(IdxSize::from(o.status))))?,
            flag("certain", |o| o.certain),
            flag("qualified", |o| o.qualified),
            Column::new("reason".into(), rows.iter().map(|o| o.reason.as_deref()).collect::<Vec<_>>()),
            per_target_str("target_origin", all.iter().map(|t| t.origin.as_str()).collect())?,
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalogue, PanelOptions, Units};

    /// The dense slots and the map resolve the same effective targets, in the same order.
    #[test]
    fn dense_and_sparse_effective_targets_agree() {
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
        let units = Units::read(format!("{data}/units.csv"), None).expect("demo units");
        let panel =
            Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).expect("panel");
        let targets = Targets::read(format!("{data}/targets.csv"), panel.catalogue(), None).expect("demo targets");
        let dense = effective_target_indices_with(&panel, &targets, Some(true)).expect("dense");
        let sparse = effective_target_indices_with(&panel, &targets, Some(false)).expect("sparse");
        assert!(dense.len() > 20, "the demo targets reach {} (unit, indicator) pairs", dense.len());
        assert!(dense.iter().any(|d| d.3 == "unit") && dense.iter().any(|d| d.3 == "county"), "both scopes occur");
        assert_eq!(dense, sparse);
    }
}
