//! Plan targets (METHODOLOGY §4): per unit or for every unit of a county, with optional tiers
//! (门槛值 / 基本值 / 挑战值) and a baseline year for multi-year plans.
//!
//! A targets file has the columns `unit, county, indicator, year, comparator, target, target_hi,
//! threshold, base, challenge, baseline_year, note`. `unit` empty and `county` set means every
//! unit of that county; a unit's own row overrides its county's.
//!
//! ```
//! use fazhi::model::{Catalogue, Comparator, Targets};
//! use polars::prelude::*;
//!
//! let frame = df!(
//!     "unit" => [None::<&str>, Some("SYN01")],
//!     "county" => [Some("合成东县"), None],
//!     "indicator" => ["PUB_MATERIALS", "PUB_MATERIALS"],
//!     "year" => [2024, 2024],
//!     "comparator" => ["at_least", "at_least"],
//!     "target" => [1000.0, 1500.0],
//! ).unwrap();
//! let targets = Targets::from_frame(&frame, &Catalogue::default_catalogue(), "<frame>").unwrap();
//! assert_eq!(targets.targets.len(), 2);
//! assert_eq!(targets.targets[1].comparator, Comparator::AtLeast);
//! ```

use std::path::Path;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::io::{column_as_text, read_table};
use crate::model::{Catalogue, Polarity};

/// How an observation is compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Comparator {
    AtLeast,
    AtMost,
    Exactly,
    Between,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AtLeast => "at_least",
            Self::AtMost => "at_most",
            Self::Exactly => "exactly",
            Self::Between => "between",
        }
    }

    /// Reads `at_least` / `>=` / `不低于` and the like.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_lowercase().as_str() {
            "at_least" | ">=" | "≥" | "min" | "不低于" | "不少于" | "以上" | "达到" => Self::AtLeast,
            "at_most" | "<=" | "≤" | "max" | "不高于" | "不超过" | "以下" | "控制在" => Self::AtMost,
            "exactly" | "=" | "==" | "等于" => Self::Exactly,
            "between" | "range" | "区间" | "介于" => Self::Between,
            _ => return None,
        })
    }
}

/// Threshold / base / challenge values (门槛值 / 基本值 / 挑战值).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tiers {
    pub threshold: f64,
    pub base: f64,
    pub challenge: f64,
}

/// One plan target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The unit it applies to; `None` with `county` set means every unit of the county, `None`
    /// with no county means every unit.
    pub unit: Option<String>,
    pub county: Option<String>,
    pub indicator: String,
    pub year: i32,
    pub comparator: Comparator,
    /// The target value; for `between`, the lower end.
    pub value: f64,
    /// The upper end for `between`.
    pub value_hi: Option<f64>,
    pub tiers: Option<Tiers>,
    pub baseline_year: Option<i32>,
    pub note: Option<String>,
    /// Where the row came from (`file, row N`).
    pub origin: String,
}

/// Two rows for one (unit or county, indicator, year) that say different things cannot both
/// hold, and keeping one would drop the other without a word: refused, naming both rows.
/// Identical repeats are harmless and kept.
fn check_conflicts(targets: &[Target], origin: &str) -> Result<()> {
    type Key<'a> = (Option<&'a str>, Option<&'a str>, &'a str, i32);
    let mut seen: std::collections::HashMap<Key<'_>, &Target> = std::collections::HashMap::new();
    for t in targets {
        let key = (t.unit.as_deref(), t.county.as_deref(), t.indicator.as_str(), t.year);
        match seen.get(&key) {
            None => {
                seen.insert(key, t);
            }
            Some(first) => {
                let same = first.comparator == t.comparator
                    && first.value == t.value
                    && first.value_hi == t.value_hi
                    && first.tiers == t.tiers
                    && first.baseline_year == t.baseline_year;
                if !same {
                    let scope = match (&t.unit, &t.county) {
                        (Some(u), _) => format!("unit {u}"),
                        (None, Some(c)) => format!("county {c}"),
                        (None, None) => "all units".to_string(),
                    };
                    return Err(Error::targets(
                        Location::file(origin).with_indicator(&t.indicator),
                        format!(
                            "two different targets for {scope}, {} in {} ({} and {}); keep the one that holds and delete the other",
                            t.indicator, t.year, first.origin, t.origin
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A set of plan targets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub targets: Vec<Target>,
}

impl Targets {
    /// Reads targets from a CSV/Parquet/JSON file, checking each row against the catalogue.
    pub fn read(path: impl AsRef<Path>, catalogue: &Catalogue, encoding: Option<&str>) -> Result<Self> {
        let table = read_table(path, encoding)?;
        Self::from_frame_at(&table.frame, catalogue, &table.file, table.header_rows)
    }

    /// Builds targets from a frame with the columns described in the module docs.
    pub fn from_frame(frame: &DataFrame, catalogue: &Catalogue, origin: &str) -> Result<Self> {
        Self::from_frame_at(frame, catalogue, origin, 1)
    }

    fn from_frame_at(frame: &DataFrame, catalogue: &Catalogue, origin: &str, header_rows: usize) -> Result<Self> {
        let text = |names: &[&str]| -> Result<Option<Vec<Option<String>>>> {
            match frame.get_column_names().into_iter().find(|c| names.contains(&c.trim().to_lowercase().as_str())) {
                Some(c) => Ok(Some(column_as_text(frame.column(c)?)?)),
                None => Ok(None),
            }
        };
        let required = |names: &[&str]| -> Result<Vec<Option<String>>> {
            text(names)?.ok_or_else(|| Error::targets(Location::file(origin), format!("the targets table needs a `{}` column", names[0])))
        };
        let unit = text(&["unit", "乡镇", "单位"])?;
        let county = text(&["county", "group", "县", "县市区"])?;
        let indicator = Some(required(&["indicator", "指标", "指标代码"])?);
        let year = Some(required(&["year", "年份", "年度"])?);
        let comparator = Some(required(&["comparator", "比较", "要求"])?);
        let target = Some(required(&["target", "目标值", "目标"])?);
        let target_hi = text(&["target_hi", "目标上限"])?;
        let threshold = text(&["threshold", "门槛值"])?;
        let base = text(&["base", "基本值"])?;
        let challenge = text(&["challenge", "挑战值"])?;
        let baseline_year = text(&["baseline_year", "基期", "基准年"])?;
        let note = text(&["note", "备注"])?;

        let get = |col: &Option<Vec<Option<String>>>, i: usize| -> Option<String> {
            col.as_ref().and_then(|c| c[i].as_deref()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
        };
        let mut targets = Vec::with_capacity(frame.height());
        for i in 0..frame.height() {
            let row = i + 1 + header_rows;
            let at = |column: &str| Location::file(origin).with_row(row).with_column(column);
            let number = |col: &Option<Vec<Option<String>>>, name: &str| -> Result<Option<f64>> {
                match get(col, i) {
                    None => Ok(None),
                    Some(t) => crate::model::parse_value(&t)
                        .ok()
                        .filter(|v| v.interval.qualifier == crate::model::Qualifier::Exact)
                        .map(|v| Some(v.interval.point))
                        .ok_or_else(|| Error::targets(at(name), format!("{t:?} is not a plain number; targets are exact numbers"))),
                }
            };
            let year_of = |col: &Option<Vec<Option<String>>>, name: &str| -> Result<Option<i32>> {
                match get(col, i) {
                    None => Ok(None),
                    Some(t) => crate::panel::parse_year(&t)
                        .map(Some)
                        .ok_or_else(|| Error::targets(at(name), format!("{t:?} is not a year between 1949 and 2100"))),
                }
            };
            let code_text = get(&indicator, i).ok_or_else(|| Error::targets(at("indicator"), "the indicator is empty"))?;
            let ind = catalogue.resolve(&code_text).map(|k| &catalogue.indicators[k]).ok_or_else(|| {
                Error::targets(
                    at("indicator").with_indicator(&code_text),
                    format!("indicator {code_text:?} is not in catalogue {}; use a catalogue code or name", catalogue.version),
                )
            })?;
            let at_ind = |column: &str| at(column).with_indicator(&ind.code);
            let year = year_of(&year, "year")?.ok_or_else(|| Error::targets(at_ind("year"), "the year is empty"))?;
            let comparator_text = get(&comparator, i).unwrap_or_default();
            let cmp = Comparator::parse(&comparator_text).ok_or_else(|| {
                Error::targets(
                    at_ind("comparator"),
                    format!("{comparator_text:?} is not a comparator; use at_least, at_most, exactly or between"),
                )
            })?;
            let value = number(&target, "target")?.ok_or_else(|| Error::targets(at_ind("target"), "the target value is empty"))?;
            let value_hi = number(&target_hi, "target_hi")?;
            match (cmp, value_hi) {
                (Comparator::Between, None) => {
                    return Err(Error::targets(at_ind("target_hi"), "a `between` target needs target_hi (the upper end)"));
                }
                (Comparator::Between, Some(hi)) if hi < value => {
                    return Err(Error::targets(at_ind("target_hi"), "target_hi is below target"));
                }
                (c, Some(_)) if c != Comparator::Between => {
                    return Err(Error::targets(at_ind("target_hi"), "target_hi is only for `between` targets; leave it empty"));
                }
                _ => {}
            }
            let tiers = match (number(&threshold, "threshold")?, number(&base, "base")?, number(&challenge, "challenge")?) {
                (None, None, None) => None,
                (Some(t), Some(b), Some(c)) => {
                    let ordered = match ind.polarity {
                        Polarity::Higher => t <= b && b <= c,
                        Polarity::Lower => t >= b && b >= c,
                    };
                    if !ordered {
                        return Err(Error::targets(
                            at_ind("threshold"),
                            format!(
                                "tiers threshold={t}, base={b}, challenge={c} are out of order for a {}-is-better indicator",
                                ind.polarity.as_str()
                            ),
                        ));
                    }
                    Some(Tiers { threshold: t, base: b, challenge: c })
                }
                _ => return Err(Error::targets(at_ind("threshold"), "tiered targets need all three of threshold, base and challenge")),
            };
            let baseline = year_of(&baseline_year, "baseline_year")?;
            if let Some(b) = baseline
                && b >= year
            {
                return Err(Error::targets(at_ind("baseline_year"), format!("baseline year {b} must be before the target year {year}")));
            }
            targets.push(Target {
                unit: get(&unit, i),
                county: get(&county, i),
                indicator: ind.code.clone(),
                year,
                comparator: cmp,
                value,
                value_hi,
                tiers,
                baseline_year: baseline,
                note: get(&note, i),
                origin: format!("{origin}, row {row}"),
            });
        }
        check_conflicts(&targets, origin)?;
        Ok(Self { targets })
    }

    /// The targets as a frame with the file's columns plus `origin`.
    pub fn frame(&self) -> Result<DataFrame> {
        let t = &self.targets;
        let tier = |f: fn(&Tiers) -> f64| t.iter().map(|x| x.tiers.as_ref().map(f)).collect::<Vec<_>>();
        Ok(DataFrame::new_infer_height(vec![
            Column::new("unit".into(), t.iter().map(|x| x.unit.as_deref()).collect::<Vec<_>>()),
            Column::new("county".into(), t.iter().map(|x| x.county.as_deref()).collect::<Vec<_>>()),
            Column::new("indicator".into(), t.iter().map(|x| x.indicator.as_str()).collect::<Vec<_>>()),
            Column::new("year".into(), t.iter().map(|x| x.year).collect::<Vec<_>>()),
            Column::new("comparator".into(), t.iter().map(|x| x.comparator.as_str()).collect::<Vec<_>>()),
            Column::new("target".into(), t.iter().map(|x| x.value).collect::<Vec<_>>()),
            Column::new("target_hi".into(), t.iter().map(|x| x.value_hi).collect::<Vec<_>>()),
            Column::new("threshold".into(), tier(|x| x.threshold)),
            Column::new("base".into(), tier(|x| x.base)),
            Column::new("challenge".into(), tier(|x| x.challenge)),
            Column::new("baseline_year".into(), t.iter().map(|x| x.baseline_year).collect::<Vec<_>>()),
            Column::new("note".into(), t.iter().map(|x| x.note.as_deref()).collect::<Vec<_>>()),
            Column::new("origin".into(), t.iter().map(|x| x.origin.as_str()).collect::<Vec<_>>()),
        ])?)
    }
}
