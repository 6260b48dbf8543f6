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
use serde::{Deserialize, Serialize};

use super::{Filter, PanelView, RowIndex, category_column, target_units};
use crate::error::{Error, Result};
use crate::model::{Comparator, Indicator, Polarity, Target, Targets, Tiers};
use crate::panel::Panel;

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

const STATUS: [&str; 3] = ["met", "missed", "no_data"];
const TIERS: [&str; 4] = ["none", "threshold", "base", "challenge"];

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
    let mut best: PlHashMap<(u32, u16, i32), (u8, &'t Target, &'static str)> = PlHashMap::default();
    for t in &targets.targets {
        let ind = super::indicator_index(panel.catalogue(), &t.indicator)?;
        let (ids, scope) = target_units(t, panel, panel.units())?;
        let rank = match scope {
            "unit" => 0,
            "county" => 1,
            _ => 2,
        };
        for u in ids {
            let slot = best.entry((u, ind, t.year)).or_insert((rank, t, scope));
            if rank < slot.0 {
                *slot = (rank, t, scope);
            }
        }
    }
    let mut out: Vec<((u32, i32, u16), &'t Target, &'static str)> =
        best.into_iter().map(|((u, i, y), (_, t, s))| ((u, y, i), t, s)).collect();
    out.sort_by_key(|(k, _, _)| *k);
    Ok(out.into_iter().map(|((u, _, i), t, s)| (u, i, t, s)).collect())
}

/// Compares every observation that has a target with it. Targets with no observation are
/// `no_data` rows, never dropped; see [`GAP_COLUMNS`] and `docs/methodology.md` §4.
pub fn gaps(panel: &Panel, targets: &Targets, options: &GapOptions) -> Result<DataFrame> {
    if let Some(c) = options.cap
        && !(c.is_finite() && c > 0.0)
    {
        return Err(Error::InvalidArgument(format!("cap must be a positive number, got {c}")));
    }
    let view = PanelView::new(panel)?;
    let catalogue = panel.catalogue();
    let unit_mask = options.filter.unit_mask(panel)?;
    let effective: Vec<_> = effective_targets(panel, targets)?
        .into_iter()
        .filter(|(u, _, t, _)| unit_mask.as_ref().is_none_or(|m| m[*u as usize]) && options.filter.keeps_year(t.year))
        .collect();
    let index = RowIndex::new(&view, panel.unit_codes().len());

    let n = effective.len();
    let mut unit = Vec::with_capacity(n);
    let mut indicator = Vec::with_capacity(n);
    let mut year = Vec::with_capacity(n);
    let mut scope = Vec::with_capacity(n);
    let mut comparator = Vec::with_capacity(n);
    let mut target = Vec::with_capacity(n);
    let mut target_hi = Vec::with_capacity(n);
    let mut tiers: [Vec<Option<f64>>; 3] = Default::default();
    let mut value = Vec::with_capacity(n);
    let mut lo = Vec::with_capacity(n);
    let mut hi = Vec::with_capacity(n);
    let mut met = Vec::with_capacity(n);
    let mut gap = Vec::with_capacity(n);
    let mut achievement = Vec::with_capacity(n);
    let mut tier_reached: Vec<Option<IdxSize>> = Vec::with_capacity(n);
    let mut tier_score_col = Vec::with_capacity(n);
    let mut status: Vec<Option<IdxSize>> = Vec::with_capacity(n);
    let mut certain = Vec::with_capacity(n);
    let mut qualified = Vec::with_capacity(n);
    let mut reason: Vec<Option<String>> = Vec::with_capacity(n);
    let mut origin = Vec::with_capacity(n);

    for (u, k, t, sc) in effective {
        let ind: &Indicator = &catalogue.indicators[k as usize];
        unit.push(panel.unit_codes()[u as usize].as_str());
        indicator.push(ind.code.as_str());
        year.push(t.year);
        scope.push(sc);
        comparator.push(t.comparator.as_str());
        target.push(t.value);
        target_hi.push(t.value_hi);
        tiers[0].push(t.tiers.map(|x| x.threshold));
        tiers[1].push(t.tiers.map(|x| x.base));
        tiers[2].push(t.tiers.map(|x| x.challenge));
        origin.push(t.origin.as_str());
        match index.find(&view, u, k, t.year).as_ref() {
            None => {
                value.push(None);
                lo.push(None);
                hi.push(None);
                met.push(None);
                gap.push(None);
                achievement.push(None);
                tier_reached.push(None);
                tier_score_col.push(None);
                status.push(Some(2));
                certain.push(None);
                qualified.push(None);
                reason.push(Some(format!("no observation of {} for {} in {}", ind.code, panel.unit_codes()[u as usize], t.year)));
            }
            Some(&r) => {
                let x = view.value[r];
                let result = evaluate(t, x, options);
                let (l, h) = (view.lo(r, ind), view.hi(r, ind));
                value.push(Some(x));
                lo.push(l.is_finite().then_some(l));
                hi.push(h.is_finite().then_some(h));
                met.push(Some(result.met));
                gap.push(Some(result.gap));
                achievement.push(result.achievement);
                match t.tiers {
                    Some(tiers) => {
                        let (reached, score) = tier_score(&tiers, ind.polarity, x, &options.anchors);
                        tier_reached.push(Some(IdxSize::from(reached)));
                        tier_score_col.push(Some(score));
                    }
                    None => {
                        tier_reached.push(None);
                        tier_score_col.push(None);
                    }
                }
                status.push(Some(if result.met { 0 } else { 1 }));
                certain.push(Some(verdict_certain(t, l, h, view.hi_exclusive(r, ind), result.met)));
                qualified.push(Some(view.qualified(r)));
                reason.push(result.reason);
            }
        }
    }
    let [threshold, base, challenge] = tiers;
    Ok(DataFrame::new(
        unit.len(),
        vec![
            Column::new("unit".into(), unit),
            Column::new("indicator".into(), indicator),
            Column::new("year".into(), year),
            Column::new("scope".into(), scope),
            Column::new("comparator".into(), comparator),
            Column::new("target".into(), target),
            Column::new("target_hi".into(), target_hi),
            Column::new("threshold".into(), threshold),
            Column::new("base".into(), base),
            Column::new("challenge".into(), challenge),
            Column::new("value".into(), value),
            Column::new("lo".into(), lo),
            Column::new("hi".into(), hi),
            Column::new("met".into(), met),
            Column::new("gap".into(), gap),
            Column::new("achievement".into(), achievement),
            category_column("tier_reached", &TIERS, tier_reached.into_iter())?,
            Column::new("tier_score".into(), tier_score_col),
            category_column("status", &STATUS, status.into_iter())?,
            Column::new("certain".into(), certain),
            Column::new("qualified".into(), qualified),
            Column::new("reason".into(), reason),
            Column::new("target_origin".into(), origin),
        ],
    )?)
}
