//! The choices a composite score depends on (METHODOLOGY §6, §7).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Kind, Targets};

/// How indicator values become 0–100 scores, higher = better (METHODOLOGY §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Normalise {
    /// 100 (x − min)/(max − min) over the comparison set, mirrored for lower-is-better.
    #[default]
    MinMax,
    /// 100 · clamp((x − worst)/(best − worst), 0, 1) with the catalogue's goalposts, or (for an
    /// indicator without them) the 2.5th and 97.5th percentiles of all scored unit-years.
    Goalposts,
    /// 100 · min(achievement ratio, 1) against the plan targets.
    Target,
    /// (x − mean)/sd over the comparison set, sign-adjusted; unbounded.
    ZScore,
    /// Percentile rank 100 (r − 1)/(n − 1), ties averaged.
    Rank,
}

impl Normalise {
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "minmax" | "min_max" => Self::MinMax,
            "goalposts" => Self::Goalposts,
            "target" => Self::Target,
            "zscore" | "z_score" => Self::ZScore,
            "rank" => Self::Rank,
            other => {
                return Err(Error::InvalidArgument(format!(
                    "normalise must be one of minmax, goalposts, target, zscore, rank; got {other:?}"
                )));
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MinMax => "minmax",
            Self::Goalposts => "goalposts",
            Self::Target => "target",
            Self::ZScore => "zscore",
            Self::Rank => "rank",
        }
    }

    /// True when scores stay within [0, 100].
    pub fn bounded(self) -> bool {
        self != Self::ZScore
    }
}

/// The comparison set an indicator is normalised over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// All units of one year (scores compare units within a year).
    #[default]
    Year,
    /// All unit-years scored (scores are comparable across years).
    Global,
    /// The units of one group (county) in one year.
    Group,
}

impl Scope {
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "year" => Self::Year,
            "global" => Self::Global,
            "group" | "county" => Self::Group,
            other => return Err(Error::InvalidArgument(format!("scope must be one of year, global, group; got {other:?}"))),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Global => "global",
            Self::Group => "group",
        }
    }
}

/// How scores of one level combine into the level above (METHODOLOGY §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Weighted arithmetic mean (compensatory).
    #[default]
    Arithmetic,
    /// Weighted geometric mean; every score must be > 0.
    Geometric,
    /// The lowest score (non-compensatory).
    Minimum,
}

impl Aggregate {
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "arithmetic" | "mean" => Self::Arithmetic,
            "geometric" => Self::Geometric,
            "minimum" | "min" => Self::Minimum,
            other => {
                return Err(Error::InvalidArgument(format!("aggregate must be one of arithmetic, geometric, minimum; got {other:?}")));
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Arithmetic => "arithmetic",
            Self::Geometric => "geometric",
            Self::Minimum => "minimum",
        }
    }
}

/// How a missing cell may be filled (METHODOLOGY §7). Missing is never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Impute {
    /// Available-case: missing cells stay missing and weights are renormalised.
    #[default]
    None,
    /// The unit's last observed value of the indicator, at most this many years back.
    CarryForward(u32),
    /// The median of the other units of the same group (county) in the same year.
    GroupMedian,
}

impl Impute {
    pub fn parse(text: &str) -> Result<Self> {
        if text == "none" {
            return Ok(Self::None);
        }
        if text == "group_median" {
            return Ok(Self::GroupMedian);
        }
        if let Some(rest) = text.strip_prefix("carry_forward") {
            let k = match rest.strip_prefix(':') {
                None if rest.is_empty() => 1,
                Some(k) => {
                    k.parse().map_err(|_| Error::InvalidArgument(format!("carry_forward:K needs a whole number of years, got {k:?}")))?
                }
                None => return Err(Error::InvalidArgument(format!("unknown imputation {text:?}"))),
            };
            if k == 0 {
                return Err(Error::InvalidArgument("carry_forward needs at least 1 year".into()));
            }
            return Ok(Self::CarryForward(k));
        }
        Err(Error::InvalidArgument(format!("impute must be none, carry_forward, carry_forward:K or group_median; got {text:?}")))
    }

    pub fn label(self) -> String {
        match self {
            Self::None => "none".into(),
            Self::CarryForward(k) => format!("carry_forward:{k}"),
            Self::GroupMedian => "group_median".into(),
        }
    }
}

/// Weights by indicator or dimension code; anything not named keeps its catalogue weight.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub indicators: BTreeMap<String, f64>,
    pub dimensions: BTreeMap<String, f64>,
}

/// Everything [`score`](super::score) needs besides the panel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScoreOptions {
    /// Years to score (default: every year of the panel).
    pub years: Option<Vec<i32>>,
    pub normalise: Normalise,
    pub scope: Scope,
    /// Aggregation from indicators to dimensions, and from dimensions to the composite.
    pub aggregate: (Aggregate, Aggregate),
    pub weights: Weights,
    /// Only indicators of these kinds (e.g. only outcomes).
    pub kinds: Option<Vec<Kind>>,
    pub impute: Impute,
    /// Share of weight that must be present: (within a dimension, across dimensions).
    pub min_coverage: (f64, f64),
    /// Clip each indicator at these quantiles of its comparison set before normalising.
    pub winsorise: Option<(f64, f64)>,
    /// Plan targets, for `normalise = target`.
    #[serde(skip)]
    pub targets: Option<Targets>,
    /// Divide denominated indicators by their denominator before normalising.
    pub denominate: bool,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        Self {
            years: None,
            normalise: Normalise::MinMax,
            scope: Scope::Year,
            aggregate: (Aggregate::Arithmetic, Aggregate::Arithmetic),
            weights: Weights::default(),
            kinds: None,
            impute: Impute::None,
            min_coverage: (2.0 / 3.0, 0.8),
            winsorise: None,
            targets: None,
            denominate: true,
        }
    }
}

impl ScoreOptions {
    pub(crate) fn check(&self) -> Result<()> {
        let (a, b) = self.min_coverage;
        if !(a > 0.0 && a <= 1.0 && b > 0.0 && b <= 1.0) {
            return Err(Error::InvalidArgument(format!("min_coverage must be two shares in (0, 1], got ({a}, {b})")));
        }
        if let Some((lo, hi)) = self.winsorise
            && !((0.0..1.0).contains(&lo) && lo < hi && hi <= 1.0)
        {
            return Err(Error::InvalidArgument(format!("winsorise must be two quantiles 0 ≤ lo < hi ≤ 1, got ({lo}, {hi})")));
        }
        if self.normalise == Normalise::Target && self.targets.is_none() {
            return Err(Error::InvalidArgument("normalise=\"target\" needs targets=…".into()));
        }
        if self.normalise == Normalise::ZScore && (self.aggregate.0 == Aggregate::Geometric || self.aggregate.1 == Aggregate::Geometric) {
            return Err(Error::InvalidArgument(
                "z-scores are negative for below-average units, so they cannot be aggregated geometrically; \
                 use aggregate=\"arithmetic\" or a bounded normalisation (minmax, goalposts, target, rank)"
                    .into(),
            ));
        }
        for (what, map) in [("indicator", &self.weights.indicators), ("dimension", &self.weights.dimensions)] {
            for (code, w) in map {
                if !(w.is_finite() && *w >= 0.0) {
                    return Err(Error::InvalidArgument(format!("the weight of {what} {code} must be a finite number ≥ 0, got {w}")));
                }
            }
        }
        Ok(())
    }
}
