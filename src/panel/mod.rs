//! The validated panel: observations keyed by (unit, year, indicator).
//!
//! A [`Panel`] is built from a polars frame or a CSV/Parquet/JSON file, in long form
//! (`unit, year, indicator, value[, source]`) or wide form (`unit, year` and one column per
//! indicator code or Chinese name). Every input row (long form) or non-empty cell (wide form) is
//! either accepted or rejected with its row number, column, text and reason:
//! `input_rows = accepted + rejected`, always.
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions};
//! use polars::prelude::*;
//!
//! let frame = df!(
//!     "unit" => ["合成甲镇", "合成甲镇", "合成甲镇"],
//!     "year" => [2023, 2023, 2023],
//!     "indicator" => ["PUB_MATERIALS", "DISP_DISPUTES_MEDIATED", "NOT_AN_INDICATOR"],
//!     "value" => ["1060多份", "90余件", "5"],
//! ).unwrap();
//! let panel = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
//! assert_eq!(panel.len(), 2);
//! assert_eq!(panel.rejections().len(), 1);
//! assert_eq!(panel.rejections()[0].row, 4); // header is row 1
//! assert_eq!(panel.input_rows(), panel.len() + panel.rejections().len());
//! ```

mod concat;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::io::{SkippedRow, format_number};
use crate::model::{Catalogue, Indicator, Interval, Measure, Qualifier, Units, parse_boolean, parse_value};

/// Options for building a panel.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PanelOptions {
    /// Stop at the first problem with an [`Error::Validation`] instead of collecting rejections.
    pub strict: bool,
    /// Text encoding of CSV/JSON files (`gbk`, `gb18030`, `utf-8`, …); detected when `None`.
    pub encoding: Option<String>,
    /// Sheet of a spreadsheet (`.xlsx`, `.xls`, …) to read; the first sheet when `None`.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The spreadsheet row (1-based) of the header; found below any title rows when `None`.
    #[serde(default)]
    pub header_row: Option<usize>,
}

/// Why a row was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectReason {
    /// Unit, year or indicator is empty.
    MissingKey,
    /// The year is not a whole number between 1949 and 2100.
    BadYear,
    /// The indicator is not in the catalogue.
    UnknownIndicator,
    /// The unit is not in the unit table (only checked when one is given).
    UnknownUnit,
    /// The value cell is empty (long form only: wide-form empty cells are simply missing).
    EmptyValue,
    /// The value is not a number, interval or qualified number.
    UnparseableValue,
    /// The value is an unfilled template placeholder (XX, ××, 待填) or a bare dash.
    Placeholder,
    /// The value's form does not fit the indicator's measure (a % sign on a count).
    WrongMeasure,
    /// A percentage outside [0, 100].
    PercentOutOfRange,
    /// A negative value.
    NegativeValue,
    /// A count that is not a whole number.
    FractionalCount,
    /// A yes/no indicator with a value that is not yes/no.
    NotBoolean,
    /// More than one row for the same (unit, year, indicator): identical copies keep the first
    /// row, conflicting copies are all rejected.
    Duplicate,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingKey => "missing_key",
            Self::BadYear => "bad_year",
            Self::UnknownIndicator => "unknown_indicator",
            Self::UnknownUnit => "unknown_unit",
            Self::EmptyValue => "empty_value",
            Self::UnparseableValue => "unparseable_value",
            Self::Placeholder => "placeholder",
            Self::WrongMeasure => "wrong_measure",
            Self::PercentOutOfRange => "percent_out_of_range",
            Self::NegativeValue => "negative_value",
            Self::FractionalCount => "fractional_count",
            Self::NotBoolean => "not_boolean",
            Self::Duplicate => "duplicate",
        }
    }
}

/// One rejected input row (or wide-form cell).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub file: String,
    /// Row as a spreadsheet shows it (header = row 1).
    pub row: usize,
    pub column: String,
    pub unit: Option<String>,
    pub year: Option<String>,
    pub indicator: Option<String>,
    /// The offending cell's text.
    pub text: Option<String>,
    pub reason: RejectReason,
    /// What is wrong and what to do.
    pub message: String,
}

impl Rejection {
    fn location(&self) -> Location {
        Location {
            file: Some(self.file.clone()),
            row: Some(self.row),
            column: Some(self.column.clone()),
            indicator: self.indicator.clone(),
        }
    }
}

/// A summary of a panel, as printed by `repr`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelSummary {
    pub units: usize,
    pub years: Vec<i32>,
    /// Distinct indicators observed.
    pub indicators: usize,
    pub observations: usize,
    /// observations ÷ (units × years × catalogue indicators).
    pub coverage: f64,
    /// Observations whose value is qualified (多/余/以上/约/ranges).
    pub qualified: usize,
    pub input_rows: usize,
    pub rejected: usize,
    /// Observations in skipped rows (合计, 注：…); rows above the header are listed in
    /// `skipped` but hold none.
    pub skipped: usize,
    /// Cells filled from merged regions.
    pub filled: usize,
    pub catalogue_version: String,
}

/// A validated panel of observations.
///
/// The frame is the interface; beside it the panel keeps, row-aligned, the unit and indicator of
/// each observation as small integers and its qualifier, so later stages need no string lookups.
#[derive(Debug, Clone)]
pub struct Panel {
    catalogue: Arc<Catalogue>,
    units: Option<Arc<Units>>,
    frame: DataFrame,
    rejected: Vec<Rejection>,
    /// Rows read past (titles, totals, footnotes), with why.
    skipped: Vec<SkippedRow>,
    filled: usize,
    input_rows: usize,
    /// Unit codes in sorted order; `unit_idx[row]` indexes it.
    unit_codes: Arc<Vec<String>>,
    /// Position in the unit table of each of `unit_codes` (`u32::MAX`: not in it, or no table).
    unit_entries: Arc<Vec<u32>>,
    unit_idx: Arc<Vec<u32>>,
    /// The rows of each unit present, as (start, end), in unit order (the rows are sorted by unit).
    unit_blocks: Arc<Vec<(usize, usize)>>,
    /// Catalogue index of each row's indicator.
    indicator_idx: Arc<Vec<u16>>,
    qualifiers: Arc<Vec<Qualifier>>,
    /// The distinct years of the accepted rows, ascending.
    years: Arc<Vec<i32>>,
}

const UNIT_HEADERS: &[&str] =
    &["unit", "unit_code", "township", "乡镇", "乡镇名称", "乡镇（街道）", "乡镇(街道)", "乡镇/街道", "街道", "单位名称", "地区"];
const YEAR_HEADERS: &[&str] = &["year", "年份", "年度", "年"];
const INDICATOR_HEADERS: &[&str] = &["indicator", "indicator_code", "code", "指标", "指标代码", "指标名称"];
const VALUE_HEADERS: &[&str] = &["value", "值", "数值", "指标值", "数据"];
const SOURCE_HEADERS: &[&str] = &["source", "quote", "来源", "出处", "原文", "依据"];
/// A row's note (备注): kept as the source of the row's observations when there is no source column.
const NOTE_HEADERS: &[&str] = &["note", "notes", "remark", "remarks", "备注", "说明", "备注说明"];
/// Cell texts that say none happened: the value 0 for a count.
const ZERO_WORDS: &[&str] = &["无", "未发生", "没有", "零", "未出现", "无此类情况", "没有发生"];
/// Row numbering columns: read past, never values.
const IGNORED_HEADERS: &[&str] = &["序号", "编号", "序", "no", "no.", "#", "index"];
/// A unit cell that names no unit but a sum or mean of the rows (a row to skip, not to reject).
const TOTAL_WORDS: &[&str] =
    &["合计", "总计", "小计", "总数", "平均", "平均值", "均值", "全县", "全县合计", "全镇", "全区", "全市", "total", "sum", "average"];
/// How a footnote line below a table begins.
/// (注… of any kind is a footnote too.) Colons as [`crate::normalize::normalize_char`] leaves them.
const FOOTNOTE_STARTS: &[&str] = &["备注:", "说明:", "填表说明", "数据来源", "填报人", "审核人", "制表人", "联系人", "填表人"];

/// Why row `i` is read past, if it is: a total (its unit cell says 合计…) or a footnote (no year,
/// and its unit cell — or its first text — begins with 注：…). Called for every row, so it
/// allocates only for the rows it skips (and the few short unit cells it must look at).
fn skip_reason(frame: &DataFrame, unit: Option<&str>, no_year: bool, i: usize) -> Option<(crate::io::SkipKind, String)> {
    if let Some(u) = unit
        && is_total(u)
    {
        return Some((crate::io::SkipKind::Total, u.to_string()));
    }
    if !no_year {
        return None;
    }
    let first = unit.filter(|u| is_footnote(u)).map(str::to_string).or_else(|| {
        frame.columns().iter().find_map(|c| match c.get(i).ok()? {
            AnyValue::String(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            AnyValue::StringOwned(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => None,
        })
    })?;
    is_footnote(&first).then_some((crate::io::SkipKind::Footnote, first))
}

/// A unit cell (a cleaned key) that names a sum or mean of the rows: 合计, 小计（一）, Total.
fn is_total(unit: &str) -> bool {
    if unit.chars().count() > 8 {
        return false;
    }
    let bare: String = unit.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    TOTAL_WORDS.contains(&bare.as_str()) || ["合计", "总计", "小计"].iter().any(|w| bare.starts_with(w))
}

/// Text that begins a footnote: 注…, 说明：, 填表说明, 数据来源, 填报人 … (full-width colons read as ':').
fn is_footnote(text: &str) -> bool {
    let normalized: String = text.trim_start().chars().take(8).map(crate::normalize::normalize_char).collect();
    normalized.starts_with('注') || FOOTNOTE_STARTS.iter().any(|w| normalized.starts_with(w))
}

/// The column names of [`Panel::frame`].
pub const PANEL_COLUMNS: &[&str] =
    &["unit", "year", "indicator", "value", "lo", "hi", "qualifier", "text", "source", "file", "row", "column"];

/// The column names of [`Panel::rejected_frame`].
pub const REJECTED_COLUMNS: &[&str] = &["file", "row", "column", "unit", "year", "indicator", "text", "reason", "message"];

/// A cell: text to parse, or an already numeric value.
#[derive(Clone, Copy)]
enum ValueCell<'a> {
    Text(&'a str),
    Number(f64),
    Empty,
}

impl ValueCell<'_> {
    fn text(self) -> Option<Cow<'static, str>> {
        match self {
            Self::Text(t) => Some(Cow::Owned(t.to_string())),
            Self::Number(x) => Some(Cow::Owned(format_number(x))),
            Self::Empty => None,
        }
    }
}

/// A column read once, as text or as numbers.
enum Cells {
    Text(StringChunked),
    Number(Vec<Option<f64>>),
}

impl Cells {
    /// A value or year column: numbers as numbers, everything else that has a text form as text.
    fn read(column: &Column, file: &str) -> Result<Self> {
        let dtype = column.dtype();
        let series = column.as_materialized_series();
        if dtype.is_primitive_numeric() || dtype.is_bool() {
            let f = series.cast(&DataType::Float64)?;
            Ok(Self::Number(f.f64()?.iter().collect()))
        } else {
            Ok(Self::Text(text_series(column, file)?))
        }
    }

    /// A key column (unit, indicator): integers as their exact digits (a code above 2^53 must not
    /// be rounded through a float), NaN as an empty key.
    fn read_key(column: &Column, file: &str) -> Result<Self> {
        let dtype = column.dtype();
        if dtype.is_integer() {
            let s = column.as_materialized_series().cast(&DataType::String)?;
            return Ok(Self::Text(s.str()?.rechunk().into_owned()));
        }
        match Self::read(column, file)? {
            Self::Number(v) => Ok(Self::Number(v.into_iter().map(|x| x.filter(|x| !x.is_nan())).collect())),
            text => Ok(text),
        }
    }

    fn get(&self, i: usize) -> ValueCell<'_> {
        match self {
            Self::Text(ca) => text_cell(ca.get(i)),
            Self::Number(v) => v[i].map_or(ValueCell::Empty, ValueCell::Number),
        }
    }

    /// Every cell in order; sequential reads avoid a chunk lookup per row.
    fn iter(&self) -> Box<dyn Iterator<Item = ValueCell<'_>> + '_> {
        match self {
            Self::Text(ca) => Box::new(ca.iter().map(text_cell)),
            Self::Number(v) => Box::new(v.iter().map(|x| x.map_or(ValueCell::Empty, ValueCell::Number))),
        }
    }

    /// A key cell as text (numbers formatted as a person writes them).
    fn key(&self, i: usize) -> Option<Cow<'_, str>> {
        key_text(self.get(i))
    }
}

/// A column of any type that has a text form (text, categorical, dates, decimals) as text; a type
/// without one (lists, structs, binary) is an error naming the column.
fn text_series(column: &Column, file: &str) -> Result<StringChunked> {
    crate::io::check_text_form(column, file)?;
    let dtype = column.dtype();
    let series = column.as_materialized_series();
    let s = if dtype == &DataType::String { series.clone() } else { series.cast(&DataType::String)? };
    Ok(s.str()?.rechunk().into_owned())
}

fn text_cell(cell: Option<&str>) -> ValueCell<'_> {
    cell.map(str::trim).filter(|s| !s.is_empty()).map_or(ValueCell::Empty, ValueCell::Text)
}

fn key_text(cell: ValueCell<'_>) -> Option<Cow<'_, str>> {
    match cell {
        ValueCell::Text(t) => Some(crate::normalize::clean_key(t)).filter(|k| !k.is_empty()),
        ValueCell::Number(x) => Some(Cow::Owned(format_number(x))),
        ValueCell::Empty => None,
    }
}

/// An observation that passed the row-level checks: keys as integers, the input position to
/// fetch its text, source and column from, and its interval.
struct Accepted {
    unit: u32,
    year: i32,
    indicator: u16,
    input_row: u32,
    /// Index of the value column it came from (always 0 in long form).
    column: u16,
    qualifier: Qualifier,
    point: f64,
    /// NaN when open.
    lo: f64,
    /// NaN when open.
    hi: f64,
}

impl Accepted {
    /// Same value (interval, point and qualifier), for duplicate detection.
    fn same_value(&self, other: &Self) -> bool {
        (self.point.to_bits(), self.lo.to_bits(), self.hi.to_bits(), self.qualifier)
            == (other.point.to_bits(), other.lo.to_bits(), other.hi.to_bits(), other.qualifier)
    }
}

struct Builder<'c> {
    catalogue: &'c Catalogue,
    units: Option<&'c Units>,
    file: String,
    strict: bool,
    header_rows: usize,
    unit_ids: PlHashMap<String, u32>,
    unit_codes: Vec<String>,
    /// The last unit text seen and its id: input is usually grouped by unit.
    last_unit: Option<(String, u32)>,
    /// Indicator text → catalogue index (or None when unknown), so each distinct header or cell
    /// text is resolved once.
    indicator_cache: PlHashMap<String, Option<usize>>,
    /// "; did you mean …?" for each unknown indicator text, found once.
    suggestions: PlHashMap<String, String>,
    accepted: Vec<Accepted>,
    rejected: Vec<Rejection>,
    input_rows: usize,
}

/// Everything known about one input observation before checking it.
struct RawObservation<'a> {
    input_row: usize,
    column: u16,
    column_name: &'a str,
    unit: Option<Cow<'a, str>>,
    year: ValueCell<'a>,
    /// Catalogue index when already resolved (wide form), else the text to resolve.
    indicator: std::result::Result<usize, Option<Cow<'a, str>>>,
    value: ValueCell<'a>,
}

impl Builder<'_> {
    fn reject(&mut self, raw: &RawObservation<'_>, reason: RejectReason, message: String) -> Result<()> {
        let indicator = match &raw.indicator {
            Ok(i) => Some(self.catalogue.indicators[*i].code.clone()),
            Err(text) => text.as_ref().map(|t| t.to_string()),
        };
        let rejection = Rejection {
            file: self.file.clone(),
            row: raw.input_row + 1 + self.header_rows,
            column: raw.column_name.to_string(),
            unit: raw.unit.as_ref().map(|u| u.to_string()),
            year: raw.year.text().map(Cow::into_owned),
            indicator,
            text: raw.value.text().map(Cow::into_owned),
            reason,
            message: crate::error::clip(message, 500),
        };
        if self.strict {
            return Err(Error::Validation {
                location: rejection.location(),
                message: format!("{} ({})", rejection.message, reason.as_str()),
            });
        }
        self.rejected.push(rejection);
        Ok(())
    }

    fn unit_id(&mut self, code: &str) -> u32 {
        if let Some(id) = self.unit_ids.get(code) {
            return *id;
        }
        let id = self.unit_codes.len() as u32;
        self.unit_codes.push(code.to_string());
        self.unit_ids.insert(code.to_string(), id);
        id
    }

    /// The nearest catalogue names of an unknown header or cell, as "; did you mean …?".
    fn suggestion(&mut self, text: &str) -> String {
        if let Some(s) = self.suggestions.get(text) {
            return s.clone();
        }
        let names = self.catalogue.suggest(text, 2);
        let hint = if names.is_empty() { String::new() } else { format!("; did you mean {}?", names.join(" or ")) };
        self.suggestions.insert(text.to_string(), hint.clone());
        hint
    }

    fn resolve_indicator(&mut self, text: &str) -> Option<usize> {
        if let Some(hit) = self.indicator_cache.get(text) {
            return *hit;
        }
        let found = self.catalogue.resolve(text);
        self.indicator_cache.insert(text.to_string(), found);
        found
    }

    /// The unit's id: from the one-entry cache, else resolved (through the unit table when given).
    /// The unit's id, or the message of why the text names no unit of the table.
    fn resolve_unit(&mut self, text: &str) -> std::result::Result<u32, String> {
        if let Some((last, id)) = &self.last_unit
            && last == text
        {
            return Ok(*id);
        }
        let id = match self.units {
            None => self.unit_id(text),
            Some(units) => {
                let code = units.resolve_or_why(text)?.code.clone();
                self.unit_id(&code)
            }
        };
        self.last_unit = Some((text.to_string(), id));
        Ok(id)
    }

    fn push(&mut self, raw: RawObservation<'_>) -> Result<()> {
        self.input_rows += 1;
        let Some(unit_text) = raw.unit.as_deref() else {
            return self.reject(&raw, RejectReason::MissingKey, "the unit is empty; every row needs a unit (township code or name)".into());
        };
        if matches!(raw.year, ValueCell::Empty) {
            return self.reject(&raw, RejectReason::MissingKey, "the year is empty; every row needs a year such as 2023".into());
        }
        let indicator = match &raw.indicator {
            Ok(i) => *i,
            Err(None) => {
                return self.reject(
                    &raw,
                    RejectReason::MissingKey,
                    "the indicator is empty; give a catalogue code (e.g. PUB_MATERIALS) or Chinese name".into(),
                );
            }
            Err(Some(text)) => match self.resolve_indicator(text) {
                Some(i) => i,
                None => {
                    let hint = self.suggestion(text);
                    let message = format!(
                        "indicator {text:?} is not in catalogue {}{hint}; use a code or Chinese name from the catalogue (fazhi.Catalogue.default().frame) or add it as an alias",
                        self.catalogue.version
                    );
                    return self.reject(&raw, RejectReason::UnknownIndicator, message);
                }
            },
        };
        let year = match raw.year {
            ValueCell::Number(y) if y.fract() == 0.0 && (1949.0..=2100.0).contains(&y) => Some(y as i32),
            ValueCell::Number(_) | ValueCell::Empty => None,
            ValueCell::Text(t) => parse_year(t),
        };
        let Some(year) = year else {
            let shown = raw.year.text().unwrap_or_default();
            return self.reject(
                &raw,
                RejectReason::BadYear,
                format!("year {shown:?} is not a whole year between 1949 and 2100; write it as 2023"),
            );
        };
        let unit = match self.resolve_unit(unit_text) {
            Ok(unit) => unit,
            Err(message) => return self.reject(&raw, RejectReason::UnknownUnit, message),
        };
        let ind = &self.catalogue.indicators[indicator];
        let interval = match read_value(ind, raw.value) {
            Ok(interval) => interval,
            Err((reason, message)) => return self.reject(&raw, reason, message),
        };
        self.accepted.push(Accepted {
            unit,
            year,
            indicator: indicator as u16,
            input_row: raw.input_row as u32,
            column: raw.column,
            qualifier: interval.qualifier,
            point: interval.point,
            lo: interval.lo.unwrap_or(f64::NAN),
            hi: interval.hi.unwrap_or(f64::NAN),
        });
        Ok(())
    }
}

/// Reads and checks one value against its indicator's measure.
fn read_value(ind: &Indicator, cell: ValueCell<'_>) -> std::result::Result<Interval, (RejectReason, String)> {
    let (interval, percent_sign) = match cell {
        ValueCell::Empty => {
            return Err((
                RejectReason::EmptyValue,
                "the value is empty; leave the row out for a missing value, never write 0 for it".into(),
            ));
        }
        ValueCell::Number(x) if !x.is_finite() => {
            return Err((RejectReason::UnparseableValue, format!("the value {x} is not a finite number")));
        }
        ValueCell::Number(x) => (Interval::exact(x), false),
        ValueCell::Text(t) => {
            if ind.measure == Measure::Boolean
                && let Some(b) = parse_boolean(t)
            {
                return Ok(Interval::exact(if b { 1.0 } else { 0.0 }));
            }
            if crate::model::value::is_placeholder(&crate::model::value::normalize(t)) {
                return Err((
                    RejectReason::Placeholder,
                    format!("{t:?} is an unfilled template placeholder or a dash, not a value; fill in the number or leave the row out"),
                ));
            }
            // 无 / 未发生 in a count column: none happened, the value 0 (kept as written in `text`).
            if matches!(ind.measure, Measure::Count | Measure::Yuan | Measure::Hours)
                && ZERO_WORDS.contains(&crate::normalize::clean_key(t).as_ref())
            {
                return Ok(Interval::exact(0.0));
            }
            if t.starts_with('=') {
                return Err((
                    RejectReason::UnparseableValue,
                    format!(
                        "{} is a formula without a saved result; open the workbook in Excel or WPS and save it (so the result is stored), or type the number",
                        crate::error::quoted(t, 60)
                    ),
                ));
            }
            match parse_value(t) {
                Ok(parsed) => (parsed.interval, parsed.percent),
                Err(Error::ValueParse { message, .. }) => {
                    return Err((RejectReason::UnparseableValue, format!("cannot read {t:?}: {message}")));
                }
                Err(other) => return Err((RejectReason::UnparseableValue, other.to_string())),
            }
        }
    };
    let name = || format!("{} ({})", ind.code, ind.name_zh);
    if percent_sign && ind.measure != Measure::Percent {
        return Err((
            RejectReason::WrongMeasure,
            format!("the value is a percentage but {} is measured as {}; check the column", name(), ind.measure.as_str()),
        ));
    }
    match ind.measure {
        Measure::Boolean => {
            if interval.qualifier != crate::model::Qualifier::Exact || !(interval.point == 0.0 || interval.point == 1.0) {
                return Err((RejectReason::NotBoolean, format!("{} is yes/no; write 是/否 (or 1/0)", name())));
            }
            return Ok(interval);
        }
        Measure::Percent => {
            let interval = interval.bound_percent();
            let lo = interval.lo.unwrap_or(interval.point);
            let hi = interval.hi.unwrap_or(interval.point);
            if lo < 0.0 || hi > 100.0 || interval.point > 100.0 {
                return Err((RejectReason::PercentOutOfRange, format!("{} is a percentage; the value must lie in [0, 100]", name())));
            }
            return Ok(interval);
        }
        _ => {}
    }
    let ends = [interval.lo, interval.hi, Some(interval.point)];
    if ends.iter().flatten().any(|x| *x < 0.0) {
        return Err((RejectReason::NegativeValue, format!("{} cannot be negative", name())));
    }
    if ind.measure == Measure::Count && ends.iter().flatten().any(|x| x.fract() != 0.0) {
        return Err((
            RejectReason::FractionalCount,
            format!("{} counts {} and must be a whole number", name(), if ind.unit_word.is_empty() { "items" } else { &ind.unit_word }),
        ));
    }
    Ok(interval)
}

/// A float column from values with NaN for null, without copying the values.
pub(crate) fn float_column(name: &str, values: Vec<f64>) -> Column {
    let validity: polars_arrow::bitmap::Bitmap = values.iter().map(|x| !x.is_nan()).collect();
    let validity = (validity.unset_bits() > 0).then_some(validity);
    Float64Chunked::from_vec_validity(name.into(), values, validity).into_column()
}

/// The (start, end) rows of each unit present, given each row's unit (rows sorted by unit).
fn unit_blocks(unit_idx: &[u32]) -> Vec<(usize, usize)> {
    unit_idx
        .chunk_by(|a, b| a == b)
        .scan(0, |start, rows| {
            let block = (*start, *start + rows.len());
            *start = block.1;
            Some(block)
        })
        .collect()
}

/// The distinct values of `years`, ascending, in one pass (years are validated to lie in
/// 1949..=2100; anything else is collected on the side).
fn distinct_years(years: impl Iterator<Item = i32>) -> Vec<i32> {
    let mut seen = [false; 256];
    let mut other = Vec::new();
    for y in years {
        match usize::try_from(y - 1900) {
            Ok(i) if i < seen.len() => seen[i] = true,
            _ => other.push(y),
        }
    }
    let mut out: Vec<i32> = (0..seen.len()).filter(|&i| seen[i]).map(|i| 1900 + i as i32).chain(other).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Reads "2023", "2023年", "2023年度" or "2023.0" as a year in 1949..=2100.
pub(crate) fn parse_year(text: &str) -> Option<i32> {
    let t = crate::model::value::normalize(text);
    let t = t.trim_end_matches("年度").trim_end_matches('年');
    let t = t.strip_suffix(".0").unwrap_or(t);
    let y: i32 = t.parse().ok()?;
    (1949..=2100).contains(&y).then_some(y)
}

fn find_column<'a>(frame: &'a DataFrame, names: &[&str]) -> Option<&'a PlSmallStr> {
    frame.get_column_names().into_iter().find(|c| {
        let c = crate::normalize::clean_key(c).to_lowercase();
        names.contains(&c.as_str())
    })
}

impl Panel {
    /// Reads a panel from a `.csv`, `.tsv`, `.xlsx`/`.xls` (a sheet), `.parquet`, `.json` or
    /// `.ndjson` file.
    pub fn read(path: impl AsRef<Path>, catalogue: Catalogue, units: Option<Units>, options: &PanelOptions) -> Result<Self> {
        let table = crate::io::read_table_with(
            path,
            &crate::io::TableOptions { encoding: options.encoding.clone(), sheet: options.sheet.clone(), header_row: options.header_row },
        )?;
        let mut panel = Self::build(&table.frame, catalogue, units, options, &table.file, table.header_rows)?;
        let mut skipped = table.skipped;
        skipped.append(&mut panel.skipped);
        panel.skipped = skipped;
        panel.filled = table.filled;
        Ok(panel)
    }

    /// Builds a panel from a polars frame (long or wide form). Row numbers in rejections count
    /// the header as row 1, as a spreadsheet would.
    pub fn from_frame(frame: &DataFrame, catalogue: Catalogue, units: Option<Units>, options: &PanelOptions) -> Result<Self> {
        // A panel's own frame (value = point, text = as written): read the text, so that 1060多
        // stays an interval with its qualifier.
        let names = frame.get_column_names();
        let has = |c: &str| names.iter().any(|n| n.as_str() == c);
        if has("value") && has("text") && has("qualifier") && has("lo") && has("hi") {
            let text = frame.column("text")?.as_materialized_series().cast(&DataType::String)?;
            let point = frame.column("value")?.as_materialized_series().cast(&DataType::String)?;
            let merged: StringChunked = text.str()?.iter().zip(point.str()?.iter()).map(|(t, v)| t.or(v)).collect();
            let mut own = frame.select(["unit", "year", "indicator"].into_iter().filter(|c| has(c)))?;
            own.with_column(merged.with_name("value".into()).into_column())?;
            if has("source") {
                own.with_column(frame.column("source")?.clone())?;
            }
            return Self::build(&own, catalogue, units, options, "<frame>", 1);
        }
        Self::build(frame, catalogue, units, options, "<frame>", 1)
    }

    fn build(
        frame: &DataFrame,
        catalogue: Catalogue,
        units: Option<Units>,
        options: &PanelOptions,
        file: &str,
        header_rows: usize,
    ) -> Result<Self> {
        if catalogue.indicators.len() > usize::from(u16::MAX) {
            return Err(Error::catalogue(Location::file(&catalogue.origin), "a catalogue may hold at most 65,535 indicators"));
        }
        if frame.height() >= u32::MAX as usize || frame.width() >= usize::from(u16::MAX) {
            return Err(Error::input(
                Location::file(file),
                "the table is too large for one panel (at most 4 billion rows and 65,535 columns); split it by year",
            ));
        }
        let unit_col = find_column(frame, UNIT_HEADERS).cloned();
        let year_col = find_column(frame, YEAR_HEADERS).cloned();
        let indicator_col = find_column(frame, INDICATOR_HEADERS).cloned();
        let value_col = find_column(frame, VALUE_HEADERS).cloned();
        let source_col = find_column(frame, SOURCE_HEADERS).cloned().or_else(|| find_column(frame, NOTE_HEADERS).cloned());
        let note_col = find_column(frame, NOTE_HEADERS).cloned();
        let ignored: Vec<PlSmallStr> = frame
            .get_column_names()
            .into_iter()
            .filter(|c| IGNORED_HEADERS.contains(&crate::normalize::clean_key(c).to_lowercase().as_str()))
            .cloned()
            .collect();
        let (Some(unit_col), Some(year_col)) = (unit_col, year_col) else {
            return Err(Error::input(
                Location::file(file),
                format!(
                    "the table needs a unit column and a year column (found columns: {}); name them `unit` and `year` (or 乡镇 and 年份)",
                    frame.get_column_names().iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        let mut builder = Builder {
            catalogue: &catalogue,
            units: units.as_ref(),
            file: file.to_string(),
            strict: options.strict,
            header_rows,
            unit_ids: PlHashMap::default(),
            unit_codes: Vec::new(),
            last_unit: None,
            indicator_cache: PlHashMap::default(),
            suggestions: PlHashMap::default(),
            accepted: Vec::with_capacity(frame.height()),
            rejected: Vec::new(),
            input_rows: 0,
        };
        let unit_cells = Cells::read_key(frame.column(&unit_col)?, file)?;
        let year_cells = Cells::read(frame.column(&year_col)?, file)?;
        // Totals and footnotes are read past and reported, with the observations they hold.
        let mut skipped: Vec<SkippedRow> = Vec::new();
        // The rows to read past, in order (few): (row, reason, text).
        let skips: Vec<(usize, crate::io::SkipKind, String)> = (0..frame.height())
            .filter_map(|i| {
                let unit = unit_cells.key(i);
                // A footnote has no year (or, merged across the row, its own text where the year goes).
                let no_year = match year_cells.get(i) {
                    ValueCell::Empty => true,
                    ValueCell::Text(t) => parse_year(t).is_none(),
                    ValueCell::Number(_) => false,
                };
                skip_reason(frame, unit.as_deref(), no_year, i).map(|(kind, text)| (i, kind, text))
            })
            .collect();
        let mut next_skip = skips.iter().peekable();
        // The columns that hold values, with their names (one in long form).
        let value_columns: Vec<&Column>;
        let long_form = match (&indicator_col, &value_col) {
            (Some(ind_col), Some(val_col)) => {
                let ind_cells = Cells::read_key(frame.column(ind_col)?, file)?;
                let val_column = frame.column(val_col)?;
                value_columns = vec![val_column];
                let val_cells = Cells::read(val_column, file)?;
                let cells = unit_cells.iter().zip(year_cells.iter()).zip(ind_cells.iter()).zip(val_cells.iter());
                for (i, (((unit, year), indicator), value)) in cells.enumerate() {
                    if let Some((_, kind, text)) = next_skip.next_if(|k| k.0 == i) {
                        builder.input_rows += 1;
                        skipped.push(SkippedRow::new(file, i + 1 + header_rows, *kind, text, 1));
                        continue;
                    }
                    builder.push(RawObservation {
                        input_row: i,
                        column: 0,
                        column_name: val_col.as_str(),
                        unit: key_text(unit),
                        year,
                        indicator: Err(key_text(indicator)),
                        value,
                    })?;
                }
                true
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(Error::input(
                    Location::file(file),
                    "a long-form table needs both an `indicator` and a `value` column (wide form has neither: one column per indicator)",
                ));
            }
            (None, None) => {
                let keys = [Some(&unit_col), Some(&year_col), source_col.as_ref(), note_col.as_ref()];
                value_columns = frame.columns().iter().filter(|c| !keys.contains(&Some(c.name())) && !ignored.contains(c.name())).collect();
                let resolved: Vec<std::result::Result<usize, Option<Cow<'_, str>>>> = value_columns
                    .iter()
                    .map(|c| catalogue.resolve(c.name()).ok_or_else(|| Some(Cow::Borrowed(c.name().as_str()))))
                    .collect();
                let cells: Vec<Cells> = value_columns.iter().map(|c| Cells::read(c, file)).collect::<Result<_>>()?;
                for i in 0..frame.height() {
                    if let Some((_, kind, text)) = next_skip.next_if(|k| k.0 == i) {
                        let n = cells.iter().filter(|c| !matches!(c.get(i), ValueCell::Empty)).count();
                        builder.input_rows += n;
                        skipped.push(SkippedRow::new(file, i + 1 + header_rows, *kind, text, n));
                        continue;
                    }
                    for (k, column) in value_columns.iter().enumerate() {
                        let value = cells[k].get(i);
                        if matches!(value, ValueCell::Empty) {
                            continue; // an empty wide-form cell is a missing observation, not a row
                        }
                        builder.push(RawObservation {
                            input_row: i,
                            column: k as u16,
                            column_name: column.name().as_str(),
                            unit: unit_cells.key(i),
                            year: year_cells.get(i),
                            indicator: resolved[k].clone(),
                            value,
                        })?;
                    }
                }
                false
            }
        };
        // Every unit of the unit table is a unit of the panel, reporting or not, so that its own
        // targets (no_data), its progress (insufficient_data) and its place in the ranking
        // (unranked, no_report) are listed rather than dropped.
        if let Some(table) = builder.units {
            for entry in &table.units {
                builder.unit_id(&entry.code);
            }
        }
        let Builder { accepted, mut rejected, input_rows, strict, unit_codes, .. } = builder;
        // Sort units by code so the frame's order does not depend on the input's.
        let mut order: Vec<u32> = (0..unit_codes.len() as u32).collect();
        order.sort_by(|a, b| unit_codes[*a as usize].cmp(&unit_codes[*b as usize]));
        let mut rank = vec![0u32; unit_codes.len()];
        for (r, id) in order.iter().enumerate() {
            rank[*id as usize] = r as u32;
        }
        let sorted_codes: Vec<String> = order.iter().map(|id| unit_codes[*id as usize].clone()).collect();
        let mut accepted = accepted;
        for a in &mut accepted {
            a.unit = rank[a.unit as usize];
        }
        let context =
            FrameContext { catalogue: &catalogue, file, header_rows, unit_codes: &sorted_codes, value_columns: &value_columns, long_form };
        let accepted = dedupe(accepted, &context, &mut rejected, strict)?;
        let source = match &source_col {
            Some(c) => Some(frame.column(c)?.as_materialized_series().cast(&DataType::String)?),
            None => None,
        };
        let out = accepted_frame(&accepted, &context, source.as_ref())?;
        let unit_idx: Vec<u32> = accepted.iter().map(|a| a.unit).collect();
        Ok(Self {
            catalogue: Arc::new(catalogue),
            unit_entries: Arc::new(
                sorted_codes.iter().map(|c| units.as_ref().and_then(|t| t.position(c)).map_or(u32::MAX, |i| i as u32)).collect(),
            ),
            units: units.map(Arc::new),
            frame: out,
            rejected,
            skipped,
            filled: 0,
            input_rows,
            unit_codes: Arc::new(sorted_codes),
            unit_blocks: Arc::new(unit_blocks(&unit_idx)),
            unit_idx: Arc::new(unit_idx),
            indicator_idx: Arc::new(accepted.iter().map(|a| a.indicator).collect()),
            qualifiers: Arc::new(accepted.iter().map(|a| a.qualifier).collect()),
            years: Arc::new(distinct_years(accepted.iter().map(|a| a.year))),
        })
    }

    /// The distinct years of the observations, ascending.
    pub fn years(&self) -> &[i32] {
        &self.years
    }

    /// The accepted observations, long form: see [`PANEL_COLUMNS`]. Sorted by unit, year and
    /// catalogue order, whatever the input order.
    pub fn frame(&self) -> &DataFrame {
        &self.frame
    }

    /// Number of accepted observations.
    pub fn len(&self) -> usize {
        self.frame.height()
    }

    pub fn is_empty(&self) -> bool {
        self.frame.height() == 0
    }

    /// Input rows (long form) or non-empty cells (wide form) seen; always accepted + rejected +
    /// the observations of skipped rows ([`Panel::skipped`]).
    pub fn input_rows(&self) -> usize {
        self.input_rows
    }

    /// The rejections summarised one line per (column, reason): `column, reason, rejected,
    /// first_row, example` (the first rejected cell's text) and `message` (the first message), in
    /// order of first appearance — for a sheet with one bad column, one line says it.
    pub fn rejection_summary(&self) -> Result<DataFrame> {
        // (column, reason, count, first row, example, message)
        type Line<'a> = (&'a str, &'a str, usize, usize, Option<&'a str>, &'a str);
        let mut lines: Vec<Line<'_>> = Vec::new();
        for r in &self.rejected {
            match lines.iter_mut().find(|l| l.0 == r.column && l.1 == r.reason.as_str()) {
                Some(l) => {
                    l.2 += 1;
                    l.3 = l.3.min(r.row);
                }
                None => lines.push((&r.column, r.reason.as_str(), 1, r.row, r.text.as_deref(), &r.message)),
            }
        }
        Ok(DataFrame::new(
            lines.len(),
            vec![
                Column::new("column".into(), lines.iter().map(|l| l.0).collect::<Vec<_>>()),
                Column::new("reason".into(), lines.iter().map(|l| l.1).collect::<Vec<_>>()),
                Column::new("rejected".into(), lines.iter().map(|l| l.2 as u64).collect::<Vec<_>>()),
                Column::new("first_row".into(), lines.iter().map(|l| l.3 as u64).collect::<Vec<_>>()),
                Column::new("example".into(), lines.iter().map(|l| l.4).collect::<Vec<_>>()),
                Column::new("message".into(), lines.iter().map(|l| l.5).collect::<Vec<_>>()),
            ],
        )?)
    }

    /// Rows read past, with why: titles above the header, 合计/小计 rows, 注：footnotes.
    pub fn skipped(&self) -> &[SkippedRow] {
        &self.skipped
    }

    /// Observations held by skipped rows (rows in = accepted + rejected + this).
    pub fn skipped_observations(&self) -> usize {
        self.skipped.iter().map(|k| k.observations).sum()
    }

    /// Cells filled from a merged region's top-left cell when the sheet was read.
    pub fn filled_cells(&self) -> usize {
        self.filled
    }

    /// The skipped rows as a frame: `file, row, reason, text, observations`.
    pub fn skipped_frame(&self) -> Result<DataFrame> {
        let k = &self.skipped;
        Ok(DataFrame::new(
            k.len(),
            vec![
                Column::new("file".into(), k.iter().map(|x| x.file.as_str()).collect::<Vec<_>>()),
                Column::new("row".into(), k.iter().map(|x| x.row as u64).collect::<Vec<_>>()),
                Column::new("reason".into(), k.iter().map(|x| x.reason.as_str()).collect::<Vec<_>>()),
                Column::new("text".into(), k.iter().map(|x| x.text.as_str()).collect::<Vec<_>>()),
                Column::new("observations".into(), k.iter().map(|x| x.observations as u64).collect::<Vec<_>>()),
            ],
        )?)
    }

    pub fn rejections(&self) -> &[Rejection] {
        &self.rejected
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    pub fn units(&self) -> Option<&Units> {
        self.units.as_deref()
    }

    /// The rejection report as a frame: see [`REJECTED_COLUMNS`].
    pub fn rejected_frame(&self) -> Result<DataFrame> {
        let r = &self.rejected;
        Ok(DataFrame::new(
            r.len(),
            vec![
                Column::new("file".into(), r.iter().map(|x| x.file.as_str()).collect::<Vec<_>>()),
                Column::new("row".into(), r.iter().map(|x| x.row as u32).collect::<Vec<_>>()),
                Column::new("column".into(), r.iter().map(|x| x.column.as_str()).collect::<Vec<_>>()),
                Column::new("unit".into(), r.iter().map(|x| x.unit.as_deref()).collect::<Vec<_>>()),
                Column::new("year".into(), r.iter().map(|x| x.year.as_deref()).collect::<Vec<_>>()),
                Column::new("indicator".into(), r.iter().map(|x| x.indicator.as_deref()).collect::<Vec<_>>()),
                Column::new("text".into(), r.iter().map(|x| x.text.as_deref()).collect::<Vec<_>>()),
                Column::new("reason".into(), r.iter().map(|x| x.reason.as_str()).collect::<Vec<_>>()),
                Column::new("message".into(), r.iter().map(|x| x.message.as_str()).collect::<Vec<_>>()),
            ],
        )?)
    }

    /// Units, years, coverage and rejection counts.
    pub fn summary(&self) -> Result<PanelSummary> {
        let units = self.frame.column("unit")?.as_materialized_series().n_unique()?;
        let indicators = self.frame.column("indicator")?.as_materialized_series().n_unique()?;
        let mut years: Vec<i32> = self.frame.column("year")?.i32()?.iter().flatten().collect();
        years.sort_unstable();
        years.dedup();
        let qualified = self.qualifiers.iter().filter(|q| **q != Qualifier::Exact).count();
        let cells = units * years.len() * self.catalogue.indicators.len();
        Ok(PanelSummary {
            units,
            indicators,
            observations: self.len(),
            coverage: if cells == 0 { 0.0 } else { self.len() as f64 / cells as f64 },
            years,
            qualified,
            input_rows: self.input_rows,
            rejected: self.rejected.len(),
            skipped: self.skipped.iter().map(|k| k.observations).sum(),
            filled: self.filled,
            catalogue_version: self.catalogue.version.clone(),
        })
    }

    /// The panel in wide form: `unit, year` and one column of point values per observed
    /// indicator (catalogue order, named by code). Missing cells are null, never zero.
    pub fn wide(&self) -> Result<DataFrame> {
        let unit = self.frame.column("unit")?.str()?;
        let year = self.frame.column("year")?.i32()?;
        let indicator = self.frame.column("indicator")?.str()?;
        let value = self.frame.column("value")?.f64()?;
        let present: Vec<usize> = {
            let mut seen = vec![false; self.catalogue.indicators.len()];
            for code in indicator.iter().flatten() {
                if let Some(i) = self.catalogue.resolve(code) {
                    seen[i] = true;
                }
            }
            (0..seen.len()).filter(|i| seen[*i]).collect()
        };
        let position: HashMap<usize, usize> = present.iter().enumerate().map(|(k, i)| (*i, k)).collect();
        let mut keys: Vec<(String, i32)> = Vec::new();
        let mut columns: Vec<Vec<Option<f64>>> = vec![Vec::new(); present.len()];
        // The frame is sorted by unit and year, so each (unit, year) is one run of rows.
        for (((u, y), ind), v) in unit.iter().zip(year.iter()).zip(indicator.iter()).zip(value.iter()) {
            let (Some(u), Some(y), Some(ind)) = (u, y, ind) else { continue };
            if keys.last().is_none_or(|(lu, ly)| lu != u || *ly != y) {
                keys.push((u.to_string(), y));
                for c in &mut columns {
                    c.push(None);
                }
            }
            if let Some(k) = self.catalogue.resolve(ind).and_then(|i| position.get(&i))
                && let Some(slot) = columns[*k].last_mut()
            {
                *slot = v;
            }
        }
        let mut out = vec![
            Column::new("unit".into(), keys.iter().map(|k| k.0.as_str()).collect::<Vec<_>>()),
            Column::new("year".into(), keys.iter().map(|k| k.1).collect::<Vec<_>>()),
        ];
        for (k, i) in present.iter().enumerate() {
            out.push(Column::new(self.catalogue.indicators[*i].code.as_str().into(), std::mem::take(&mut columns[k])));
        }
        Ok(DataFrame::new(keys.len(), out)?)
    }

    /// Sorted unit codes; [`Panel::unit_index`] indexes into it.
    pub fn unit_codes(&self) -> &[String] {
        &self.unit_codes
    }

    /// The rows of each unit present, as (start, end) in unit order.
    pub(crate) fn unit_blocks(&self) -> &[(usize, usize)] {
        &self.unit_blocks
    }

    /// Each unit's name from the unit table (aligned with [`Panel::unit_codes`]; `None` without one).
    pub(crate) fn unit_names(&self) -> Vec<Option<String>> {
        (0..self.unit_codes.len()).map(|u| self.unit_entry(u).map(|x| x.name.clone())).collect()
    }

    /// The unit table's entry of unit `u` (an index into [`Panel::unit_codes`]).
    pub(crate) fn unit_entry(&self, u: usize) -> Option<&crate::model::Unit> {
        let i = *self.unit_entries.get(u)?;
        self.units.as_ref()?.units.get(i as usize)
    }

    /// Each row's unit as an index into [`Panel::unit_codes`] (row-aligned with the frame).
    pub fn unit_index(&self) -> &[u32] {
        &self.unit_idx
    }

    /// Each row's indicator as an index into the catalogue (row-aligned with the frame).
    pub fn indicator_index(&self) -> &[u16] {
        &self.indicator_idx
    }

    /// Each row's qualifier (row-aligned with the frame).
    pub fn qualifiers(&self) -> &[Qualifier] {
        &self.qualifiers
    }
}

/// What is needed to turn accepted rows back into provenance: file, row and column names.
struct FrameContext<'a> {
    catalogue: &'a Catalogue,
    file: &'a str,
    header_rows: usize,
    unit_codes: &'a [String],
    value_columns: &'a [&'a Column],
    long_form: bool,
}

impl FrameContext<'_> {
    fn row(&self, a: &Accepted) -> usize {
        a.input_row as usize + 1 + self.header_rows
    }

    fn column_name(&self, a: &Accepted) -> String {
        self.value_columns.get(a.column as usize).map_or_else(|| "value".to_string(), |c| c.name().to_string())
    }

    fn text(&self, a: &Accepted) -> Option<String> {
        let column = self.value_columns.get(a.column as usize)?;
        let cell = column.get(a.input_row as usize).ok()?;
        match cell {
            AnyValue::Null => None,
            AnyValue::String(s) => Some(s.trim().to_string()),
            AnyValue::StringOwned(s) => Some(s.trim().to_string()),
            other => other.extract::<f64>().map(format_number),
        }
    }
}

/// Resolves repeated (unit, year, indicator) keys without depending on row order: when every
/// copy carries the same value the earliest row is kept and the others are rejected; when the
/// copies disagree none is kept (nobody can tell which is right) and all are rejected.
fn dedupe(mut accepted: Vec<Accepted>, ctx: &FrameContext<'_>, rejected: &mut Vec<Rejection>, strict: bool) -> Result<Vec<Accepted>> {
    use rayon::slice::ParallelSliceMut;
    let key = |a: &Accepted| (a.unit, a.year, a.indicator, a.input_row, a.column);
    // Inputs are usually already grouped by unit and year: check before sorting.
    if !accepted.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
        accepted.par_sort_unstable_by_key(key);
    }
    let has_duplicates = accepted.windows(2).any(|w| (w[0].unit, w[0].year, w[0].indicator) == (w[1].unit, w[1].year, w[1].indicator));
    if !has_duplicates {
        return Ok(accepted);
    }
    let mut kept: Vec<Accepted> = Vec::with_capacity(accepted.len());
    let mut duplicates: Vec<Rejection> = Vec::new();
    let mut rest = accepted.into_iter().peekable();
    while let Some(first) = rest.next() {
        let mut group = vec![first];
        while let Some(next) = rest.next_if(|n| (n.unit, n.year, n.indicator) == (group[0].unit, group[0].year, group[0].indicator)) {
            group.push(next);
        }
        if group.len() == 1 {
            kept.extend(group);
            continue;
        }
        let code = &ctx.catalogue.indicators[group[0].indicator as usize].code;
        let unit = &ctx.unit_codes[group[0].unit as usize];
        let agree = group.iter().all(|g| g.same_value(&group[0]));
        let rows: Vec<String> = group.iter().map(|g| ctx.row(g).to_string()).collect();
        let skip = usize::from(agree);
        for obs in &group[skip..] {
            let message = if agree {
                format!(
                    "a second row for ({unit}, {}, {code}) with the same value as row {}; the first is kept. Delete the repeated row",
                    obs.year,
                    ctx.row(&group[0])
                )
            } else {
                format!(
                    "conflicting values for ({unit}, {}, {code}) at rows {}; none is kept because nobody can tell which is right. Keep the correct row and delete the others",
                    obs.year,
                    rows.join(", ")
                )
            };
            let rejection = Rejection {
                file: ctx.file.to_string(),
                row: ctx.row(obs),
                column: ctx.column_name(obs),
                unit: Some(unit.clone()),
                year: Some(obs.year.to_string()),
                indicator: Some(code.clone()),
                text: ctx.text(obs).or_else(|| Some(format_number(obs.point))),
                reason: RejectReason::Duplicate,
                message,
            };
            if strict {
                return Err(Error::Validation { location: rejection.location(), message: format!("{} (duplicate)", rejection.message) });
            }
            duplicates.push(rejection);
        }
        if agree {
            kept.extend(group.into_iter().take(1));
        }
    }
    rejected.extend(duplicates);
    rejected.sort_by_key(|r| r.row);
    Ok(kept)
}

/// Builds the panel frame. Strings are gathered from small dictionaries (unit codes, indicator
/// codes, qualifier names) or from the input's own columns, so no per-row text is copied.
fn accepted_frame(accepted: &[Accepted], ctx: &FrameContext<'_>, source: Option<&Series>) -> Result<DataFrame> {
    let n = accepted.len();
    let gather = |names: Vec<&str>, idx: Vec<IdxSize>| -> Result<Column> {
        let dictionary = StringChunked::from_iter_values("".into(), names.into_iter());
        Ok(dictionary.take(&IdxCa::from_vec("".into(), idx))?.into_series().into_column())
    };
    let unit = gather(ctx.unit_codes.iter().map(String::as_str).collect(), accepted.iter().map(|a| a.unit as IdxSize).collect())?;
    let indicator = gather(
        ctx.catalogue.indicators.iter().map(|i| i.code.as_str()).collect(),
        accepted.iter().map(|a| IdxSize::from(a.indicator)).collect(),
    )?;
    const QUALIFIERS: [Qualifier; 5] = [Qualifier::Exact, Qualifier::AtLeast, Qualifier::AtMost, Qualifier::Approx, Qualifier::Range];
    let qualifier = gather(
        QUALIFIERS.iter().map(|q| q.as_str()).collect(),
        accepted.iter().map(|a| QUALIFIERS.iter().position(|q| *q == a.qualifier).unwrap_or(0) as IdxSize).collect(),
    )?;
    let rows: Vec<IdxSize> = accepted.iter().map(|a| a.input_row as IdxSize).collect();
    let row_index = IdxCa::from_vec("".into(), rows);
    // The text as written: only meaningful where the input held text.
    let text_is_string = |c: &Column| c.dtype() == &DataType::String;
    let text: Column = if ctx.long_form {
        match ctx.value_columns.first() {
            // As written, untrimmed: a gather of views, no text is copied.
            Some(c) if text_is_string(c) => c.as_materialized_series().take(&row_index)?.into_column(),
            _ => Column::full_null("".into(), n, &DataType::String),
        }
    } else if ctx.value_columns.iter().any(|c| text_is_string(c)) {
        Column::new("".into(), accepted.iter().map(|a| ctx.text(a)).collect::<Vec<_>>())
    } else {
        Column::full_null("".into(), n, &DataType::String)
    };
    let source = match source {
        Some(s) => s.take(&row_index)?.into_column(),
        None => Column::full_null("".into(), n, &DataType::String),
    };
    let column = if ctx.long_form {
        Column::new_scalar("".into(), Scalar::new(DataType::String, AnyValue::StringOwned(ctx.column_name_or_value().into())), n)
    } else {
        gather(ctx.value_columns.iter().map(|c| c.name().as_str()).collect(), accepted.iter().map(|a| IdxSize::from(a.column)).collect())?
    };
    let columns = vec![
        unit.with_name("unit".into()),
        Column::new("year".into(), accepted.iter().map(|a| a.year).collect::<Vec<_>>()),
        indicator.with_name("indicator".into()),
        Column::new("value".into(), accepted.iter().map(|a| a.point).collect::<Vec<_>>()),
        float_column("lo", accepted.iter().map(|a| a.lo).collect()),
        float_column("hi", accepted.iter().map(|a| a.hi).collect()),
        qualifier.with_name("qualifier".into()),
        text.with_name("text".into()),
        source.with_name("source".into()),
        Column::new_scalar("file".into(), Scalar::new(DataType::String, AnyValue::StringOwned(ctx.file.into())), n),
        Column::new("row".into(), accepted.iter().map(|a| ctx.row(a) as u32).collect::<Vec<_>>()),
        column.with_name("column".into()),
    ];
    Ok(DataFrame::new(n, columns)?)
}

impl FrameContext<'_> {
    fn column_name_or_value(&self) -> String {
        self.value_columns.first().map_or_else(|| "value".to_string(), |c| c.name().to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(parse_year("2023"), Some(2023));
        assert_eq!(parse_year("2023年"), Some(2023));
        assert_eq!(parse_year("2023年度"), Some(2023));
        assert_eq!(parse_year("２０２３"), Some(2023));
        assert_eq!(parse_year("2023.0"), Some(2023));
        assert_eq!(parse_year("23"), None);
        assert_eq!(parse_year("2023.5"), None);
        assert_eq!(parse_year("next year"), None);
    }
}
