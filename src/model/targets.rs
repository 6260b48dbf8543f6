//! Plan targets (METHODOLOGY §4): per unit or for every unit of a county, with optional tiers
//! (门槛值 / 基本值 / 挑战值) and a baseline year for multi-year plans.
//!
//! A targets file has the columns `unit, county, indicator, year, comparator, target, target_hi,
//! threshold, base, challenge, baseline_year, note`. `unit` empty and `county` set means every
//! unit of that county; a unit's own row overrides its county's. Without a comparator the target
//! cell is read as written ("不少于1500份", "3件以下", "3—5人", "是"; a bare number takes the
//! indicator's polarity); a value column headed "2025年目标" gives the year; a table without an
//! `indicator` column is wide (one column per indicator). Every problem is reported in one error.
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
use crate::io::{column_as_text, read_table_sheet};
use crate::model::{Catalogue, Indicator, Polarity};

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
fn conflicts(targets: &[Target], origin: &str) -> Vec<Problem> {
    type Key<'a> = (Option<&'a str>, Option<&'a str>, &'a str, i32);
    let mut seen: std::collections::HashMap<Key<'_>, &Target> = std::collections::HashMap::new();
    let mut problems = Vec::new();
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
                    problems.push((
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
    problems
}

/// A set of plan targets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub targets: Vec<Target>,
}

/// A problem with one row or column of a targets table: where, and what to do.
type Problem = (Location, String);

/// At most this many problems are listed in one error; the count of the rest follows.
const MAX_LISTED_PROBLEMS: usize = 200;
/// Each listed problem is cut to this many characters.
const MAX_PROBLEM_CHARS: usize = 400;

/// One error for every problem of a targets table: a single problem keeps its own location; several
/// are listed one per line, each with file, row, column and indicator, so that a planner fixes
/// the whole sheet in one pass.
fn refuse(origin: &str, mut problems: Vec<Problem>) -> Error {
    if problems.len() == 1 {
        let (location, message) = problems.remove(0);
        return Error::targets(location, message);
    }
    let mut message = format!("{} problems; no target was read — fix them all and read the table again:", problems.len());
    for (location, text) in problems.iter().take(MAX_LISTED_PROBLEMS) {
        message.push_str(&format!("\n  - {}", crate::error::clip(format!("{location}: {text}"), MAX_PROBLEM_CHARS)));
    }
    if problems.len() > MAX_LISTED_PROBLEMS {
        message.push_str(&format!("\n  … and {} more", problems.len() - MAX_LISTED_PROBLEMS));
    }
    Error::Targets { location: Location::file(origin), message }
}

const UNIT_HEADERS: &[&str] = &["unit", "乡镇", "单位", "乡镇（街道）", "乡镇(街道)", "乡镇名称", "单位名称"];
const COUNTY_HEADERS: &[&str] = &["county", "group", "县", "县市区"];
const INDICATOR_HEADERS: &[&str] = &["indicator", "指标", "指标代码", "指标名称"];
const YEAR_HEADERS: &[&str] = &["year", "年份", "年度"];
const COMPARATOR_HEADERS: &[&str] = &["comparator", "比较", "要求"];
const TARGET_HEADERS: &[&str] = &["target", "目标值", "目标"];
const TARGET_HI_HEADERS: &[&str] = &["target_hi", "目标上限"];
const THRESHOLD_HEADERS: &[&str] = &["threshold", "门槛值"];
const BASE_HEADERS: &[&str] = &["base", "基本值"];
const CHALLENGE_HEADERS: &[&str] = &["challenge", "挑战值"];
const BASELINE_HEADERS: &[&str] = &["baseline_year", "基期", "基准年"];
const NOTE_HEADERS: &[&str] = &["note", "备注"];
/// Columns of a wide sheet that are neither keys nor indicators and carry nothing for a target.
const IGNORED_WIDE_HEADERS: &[&str] = &["序号", "编号", "no", "no."];

/// A column holding target values: `target` (year from the year column), a "2025年目标" column of
/// the long form, or one indicator's column of a wide sheet.
struct ValueColumn {
    header: String,
    year: Option<i32>,
    /// The indicator of a wide sheet's column (catalogue index).
    indicator: Option<usize>,
    cells: Vec<Option<String>>,
}

impl Targets {
    /// Reads targets from a CSV/Parquet/JSON file or the first sheet of a spreadsheet, checking
    /// each row against the catalogue.
    pub fn read(path: impl AsRef<Path>, catalogue: &Catalogue, encoding: Option<&str>) -> Result<Self> {
        Self::read_sheet(path, catalogue, encoding, None)
    }

    /// As [`Targets::read`], choosing the sheet of a spreadsheet by name (the first when `None`).
    pub fn read_sheet(path: impl AsRef<Path>, catalogue: &Catalogue, encoding: Option<&str>, sheet: Option<&str>) -> Result<Self> {
        let table = read_table_sheet(path, encoding, sheet)?;
        Self::from_frame_at(&table.frame, catalogue, &table.file, table.header_rows)
    }

    /// Builds targets from a frame with the columns described in the module docs.
    pub fn from_frame(frame: &DataFrame, catalogue: &Catalogue, origin: &str) -> Result<Self> {
        Self::from_frame_at(frame, catalogue, origin, 1)
    }

    fn from_frame_at(frame: &DataFrame, catalogue: &Catalogue, origin: &str, header_rows: usize) -> Result<Self> {
        let headers: Vec<(PlSmallStr, String)> =
            frame.get_column_names().into_iter().map(|c| (c.clone(), crate::normalize::clean_key(c).to_lowercase())).collect();
        let find = |names: &[&str]| headers.iter().find(|(_, h)| names.contains(&h.as_str())).map(|(c, _)| c.clone());
        let text = |names: &[&str]| -> Result<Option<Vec<Option<String>>>> {
            match find(names) {
                Some(c) => Ok(Some(column_as_text(frame.column(&c)?)?)),
                None => Ok(None),
            }
        };
        let unit = text(UNIT_HEADERS)?;
        let county = text(COUNTY_HEADERS)?;
        let indicator = text(INDICATOR_HEADERS)?;
        let year = text(YEAR_HEADERS)?;
        let comparator = text(COMPARATOR_HEADERS)?;
        let target_hi = text(TARGET_HI_HEADERS)?;
        let threshold = text(THRESHOLD_HEADERS)?;
        let base = text(BASE_HEADERS)?;
        let challenge = text(CHALLENGE_HEADERS)?;
        let baseline_year = text(BASELINE_HEADERS)?;
        let note = text(NOTE_HEADERS)?;
        let wide = indicator.is_none();

        let mut problems: Vec<Problem> = Vec::new();
        let mut value_columns: Vec<ValueColumn> = Vec::new();
        for (name, clean) in &headers {
            let header = name.to_string();
            let known = [
                UNIT_HEADERS,
                COUNTY_HEADERS,
                INDICATOR_HEADERS,
                YEAR_HEADERS,
                COMPARATOR_HEADERS,
                TARGET_HI_HEADERS,
                THRESHOLD_HEADERS,
                BASE_HEADERS,
                CHALLENGE_HEADERS,
                BASELINE_HEADERS,
                NOTE_HEADERS,
            ]
            .iter()
            .any(|names| names.contains(&clean.as_str()));
            if known {
                continue;
            }
            let cells = || column_as_text(frame.column(name)?);
            let split = crate::model::target_text::split_target_year(&header);
            if !wide {
                if TARGET_HEADERS.contains(&clean.as_str()) {
                    value_columns.push(ValueColumn { header, year: None, indicator: None, cells: cells()? });
                } else if let Some((y, rest)) = split
                    && rest.is_empty()
                {
                    value_columns.push(ValueColumn { header, year: Some(y), indicator: None, cells: cells()? });
                }
                continue;
            }
            if IGNORED_WIDE_HEADERS.contains(&clean.as_str()) {
                continue;
            }
            let (year, rest) = match split {
                Some((y, rest)) => (Some(y), rest),
                None => (None, crate::normalize::clean_key(&header).into_owned()),
            };
            match catalogue.resolve(&rest) {
                Some(k) => value_columns.push(ValueColumn { header, year, indicator: Some(k), cells: cells()? }),
                None => problems.push((
                    Location::file(origin).with_column(&header),
                    format!(
                        "column {header:?} is neither unit, county, year nor an indicator of catalogue {}; a wide targets sheet has a unit (or county) column and one column per indicator, headed by its code or name (optionally with 2025年目标)",
                        catalogue.version
                    ),
                )),
            }
        }
        if value_columns.is_empty() && problems.is_empty() {
            let message = if wide {
                "the targets table needs an `indicator` column (long form) or one column per indicator (wide form)"
            } else {
                "the targets table needs a `target` column or a column headed like 2025年目标"
            };
            return Err(Error::targets(Location::file(origin), message));
        }

        let get = |col: &Option<Vec<Option<String>>>, i: usize| -> Option<String> {
            col.as_ref().and_then(|c| c[i].as_deref()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
        };
        let cell = |cells: &[Option<String>], i: usize| cells[i].as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let several = wide || value_columns.len() > 1 || value_columns.iter().any(|c| c.year.is_some());
        let mut targets = Vec::with_capacity(frame.height());
        for i in 0..frame.height() {
            let row = i + 1 + header_rows;
            let at = |column: &str| Location::file(origin).with_row(row).with_column(column);
            let row_indicator = match (&indicator, get(&indicator, i)) {
                (None, _) => None,
                (Some(_), None) => {
                    problems.push((at("indicator"), "the indicator is empty".to_string()));
                    continue;
                }
                (Some(_), Some(code_text)) => match catalogue.resolve(&code_text) {
                    Some(k) => Some(k),
                    None => {
                        problems.push((
                            at("indicator").with_indicator(&code_text),
                            format!("indicator {code_text:?} is not in catalogue {}; use a catalogue code or name", catalogue.version),
                        ));
                        continue;
                    }
                },
            };
            let filled: Vec<(&ValueColumn, String)> = value_columns.iter().filter_map(|c| cell(&c.cells, i).map(|t| (c, t))).collect();
            if filled.is_empty() {
                if !wide {
                    let ind = row_indicator.map(|k| catalogue.indicators[k].code.as_str()).unwrap_or_default();
                    problems.push((at(&value_columns[0].header).with_indicator(ind), "the target value is empty".to_string()));
                }
                continue;
            }
            for (column, written) in filled {
                let Some(k) = column.indicator.or(row_indicator) else { continue };
                let ind = &catalogue.indicators[k];
                let row_cells = RowCells {
                    comparator: get(&comparator, i),
                    year: get(&year, i),
                    target_hi: get(&target_hi, i),
                    threshold: get(&threshold, i),
                    base: get(&base, i),
                    challenge: get(&challenge, i),
                    baseline_year: get(&baseline_year, i),
                };
                let located = |column: &str| at(column).with_indicator(&ind.code);
                match read_target(ind, column, &written, &row_cells, &located) {
                    Err(p) => problems.push(p),
                    Ok(mut t) => {
                        t.unit = get(&unit, i);
                        t.county = get(&county, i);
                        t.note = get(&note, i);
                        t.origin =
                            if several { format!("{origin}, row {row}, column {}", column.header) } else { format!("{origin}, row {row}") };
                        targets.push(t);
                    }
                }
            }
        }
        problems.extend(conflicts(&targets, origin));
        if !problems.is_empty() {
            return Err(refuse(origin, problems));
        }
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

/// The cells of one row that every target of the row shares (long form).
struct RowCells {
    comparator: Option<String>,
    year: Option<String>,
    target_hi: Option<String>,
    threshold: Option<String>,
    base: Option<String>,
    challenge: Option<String>,
    baseline_year: Option<String>,
}

/// One target from one cell: the comparator comes from the `comparator` column, else from the
/// cell as written ("不少于1500"), else the indicator's default; the year from the column's
/// header ("2025年目标"), else the year column.
fn read_target(
    ind: &Indicator,
    column: &ValueColumn,
    written: &str,
    row: &RowCells,
    at: &dyn Fn(&str) -> Location,
) -> std::result::Result<Target, Problem> {
    let fail = |column: &str, message: String| (at(column), message);
    let number = |cell: &Option<String>, name: &str| -> std::result::Result<Option<f64>, Problem> {
        match cell {
            None => Ok(None),
            Some(t) => crate::model::parse_value(t)
                .ok()
                .filter(|v| v.interval.qualifier == crate::model::Qualifier::Exact)
                .map(|v| Some(v.interval.point))
                .ok_or_else(|| fail(name, format!("{t:?} is not a plain number; targets are exact numbers"))),
        }
    };
    let year_of = |cell: &Option<String>, name: &str| -> std::result::Result<Option<i32>, Problem> {
        match cell {
            None => Ok(None),
            Some(t) => {
                crate::panel::parse_year(t).map(Some).ok_or_else(|| fail(name, format!("{t:?} is not a year between 1949 and 2100")))
            }
        }
    };
    let year = match (column.year, year_of(&row.year, "year")?) {
        (Some(h), Some(y)) if h != y => {
            return Err(fail("year", format!("the year column says {y} but column {:?} is headed {h}; keep one", column.header)));
        }
        (Some(y), _) | (None, Some(y)) => y,
        (None, None) => {
            return Err(fail("year", "the year is empty; fill in the year column or head the target column like 2025年目标".to_string()));
        }
    };
    let from_column = match &row.comparator {
        None => None,
        Some(t) => Some(Comparator::parse(t).ok_or_else(|| {
            fail("comparator", format!("{t:?} is not a comparator; use at_least, at_most, exactly or between (or leave it empty and write 不少于1500 in the target)"))
        })?),
    };
    let cell = crate::model::target_text::parse_written_target(written, ind).map_err(|m| fail(&column.header, m))?;
    let cmp = match (from_column, cell.comparator) {
        (Some(c), Some(w)) if c != w => {
            return Err(fail(
                &column.header,
                format!("the comparator column says {} but the target {written:?} says {}; keep one", c.as_str(), w.as_str()),
            ));
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => crate::model::target_text::default_comparator(ind),
    };
    let value = cell.value;
    let value_hi = match (number(&row.target_hi, "target_hi")?, cell.value_hi) {
        (Some(a), Some(b)) if a != b => {
            return Err(fail("target_hi", format!("target_hi is {a} but the target {written:?} ends at {b}; keep one")));
        }
        (a, b) => a.or(b),
    };
    match (cmp, value_hi) {
        (Comparator::Between, None) => {
            return Err(fail("target_hi", "a `between` target needs target_hi (the upper end), or write the band as 3—5".to_string()));
        }
        (Comparator::Between, Some(hi)) if hi < value => return Err(fail("target_hi", "target_hi is below target".to_string())),
        (c, Some(_)) if c != Comparator::Between => {
            return Err(fail("target_hi", "target_hi is only for `between` targets; leave it empty".to_string()));
        }
        _ => {}
    }
    let tiers = match (number(&row.threshold, "threshold")?, number(&row.base, "base")?, number(&row.challenge, "challenge")?) {
        (None, None, None) => None,
        (Some(t), Some(b), Some(c)) => {
            let ordered = match ind.polarity {
                Polarity::Higher => t <= b && b <= c,
                Polarity::Lower => t >= b && b >= c,
            };
            if !ordered {
                return Err(fail(
                    "threshold",
                    format!(
                        "tiers threshold={t}, base={b}, challenge={c} are out of order for a {}-is-better indicator",
                        ind.polarity.as_str()
                    ),
                ));
            }
            Some(Tiers { threshold: t, base: b, challenge: c })
        }
        _ => return Err(fail("threshold", "tiered targets need all three of threshold, base and challenge".to_string())),
    };
    let baseline = year_of(&row.baseline_year, "baseline_year")?;
    if let Some(b) = baseline
        && b >= year
    {
        return Err(fail("baseline_year", format!("baseline year {b} must be before the target year {year}")));
    }
    Ok(Target {
        unit: None,
        county: None,
        indicator: ind.code.clone(),
        year,
        comparator: cmp,
        value,
        value_hi,
        tiers,
        baseline_year: baseline,
        note: None,
        origin: String::new(),
    })
}
