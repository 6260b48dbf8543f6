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

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::io::{format_number, read_table};
use crate::model::{Catalogue, Indicator, Interval, Measure, Units, parse_boolean, parse_value};

/// Options for building a panel.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PanelOptions {
    /// Stop at the first problem with an [`Error::Validation`] instead of collecting rejections.
    pub strict: bool,
    /// Text encoding of CSV/JSON files (`gbk`, `gb18030`, `utf-8`, …); detected when `None`.
    pub encoding: Option<String>,
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
    pub catalogue_version: String,
}

/// A validated panel of observations.
#[derive(Debug, Clone)]
pub struct Panel {
    catalogue: Arc<Catalogue>,
    units: Option<Arc<Units>>,
    frame: DataFrame,
    rejected: Vec<Rejection>,
    input_rows: usize,
}

const UNIT_HEADERS: &[&str] =
    &["unit", "unit_code", "township", "乡镇", "乡镇名称", "乡镇（街道）", "乡镇(街道)", "乡镇/街道", "街道", "单位名称", "地区"];
const YEAR_HEADERS: &[&str] = &["year", "年份", "年度", "年"];
const INDICATOR_HEADERS: &[&str] = &["indicator", "indicator_code", "code", "指标", "指标代码", "指标名称"];
const VALUE_HEADERS: &[&str] = &["value", "值", "数值", "指标值", "数据"];
const SOURCE_HEADERS: &[&str] = &["source", "quote", "来源", "出处", "原文", "依据"];

/// The column names of [`Panel::frame`].
pub const PANEL_COLUMNS: &[&str] = &["unit", "year", "indicator", "value", "lo", "hi", "qualifier", "text", "source", "origin"];

/// The column names of [`Panel::rejected_frame`].
pub const REJECTED_COLUMNS: &[&str] = &["file", "row", "column", "unit", "year", "indicator", "text", "reason", "message"];

/// A cell of the value column: text to parse, or an already numeric value.
#[derive(Clone, Copy)]
enum ValueCell<'a> {
    Text(&'a str),
    Number(f64),
    Empty,
}

/// A column as either text or numbers, borrowed from the frame.
enum Cells {
    Text(Vec<Option<String>>),
    Number(Vec<Option<f64>>),
}

impl Cells {
    fn read(column: &Column) -> Result<Self> {
        let dtype = column.dtype();
        if dtype.is_primitive_numeric() || dtype.is_bool() {
            let f = column.as_materialized_series().cast(&DataType::Float64)?;
            Ok(Self::Number(f.f64()?.iter().collect()))
        } else {
            Ok(Self::Text(crate::io::column_as_text(column)?))
        }
    }

    fn get(&self, i: usize) -> ValueCell<'_> {
        match self {
            Self::Text(v) => v[i].as_deref().map(str::trim).filter(|s| !s.is_empty()).map_or(ValueCell::Empty, ValueCell::Text),
            Self::Number(v) => v[i].map_or(ValueCell::Empty, ValueCell::Number),
        }
    }

    fn text(&self, i: usize) -> Option<String> {
        match self.get(i) {
            ValueCell::Text(t) => Some(t.to_string()),
            ValueCell::Number(x) => Some(format_number(x)),
            ValueCell::Empty => None,
        }
    }
}

/// An observation that passed the row-level checks.
struct Accepted {
    unit: String,
    year: i32,
    indicator: usize,
    interval: Interval,
    text: Option<String>,
    source: Option<String>,
    origin: String,
    row: usize,
    column: String,
}

struct Builder<'c> {
    catalogue: &'c Catalogue,
    units: Option<&'c Units>,
    file: String,
    strict: bool,
    accepted: Vec<Accepted>,
    rejected: Vec<Rejection>,
    input_rows: usize,
}

/// Everything known about one input observation before checking it.
struct RawObservation<'a> {
    row: usize,
    column: &'a str,
    unit: Option<String>,
    year: Option<String>,
    /// Catalogue index when already resolved (wide form), else the text to resolve.
    indicator: Result<usize, Option<String>>,
    value: ValueCell<'a>,
    source: Option<String>,
    origin: String,
}

impl Builder<'_> {
    fn reject(&mut self, raw: &RawObservation<'_>, reason: RejectReason, message: String) -> Result<()> {
        let indicator = match &raw.indicator {
            Ok(i) => Some(self.catalogue.indicators[*i].code.clone()),
            Err(text) => text.clone(),
        };
        let text = match raw.value {
            ValueCell::Text(t) => Some(t.to_string()),
            ValueCell::Number(x) => Some(format_number(x)),
            ValueCell::Empty => None,
        };
        let rejection = Rejection {
            file: self.file.clone(),
            row: raw.row,
            column: raw.column.to_string(),
            unit: raw.unit.clone(),
            year: raw.year.clone(),
            indicator,
            text,
            reason,
            message,
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

    fn push(&mut self, raw: RawObservation<'_>) -> Result<()> {
        self.input_rows += 1;
        let Some(unit_text) = raw.unit.clone() else {
            return self.reject(&raw, RejectReason::MissingKey, "the unit is empty; every row needs a unit (township code or name)".into());
        };
        let Some(year_text) = raw.year.clone() else {
            return self.reject(&raw, RejectReason::MissingKey, "the year is empty; every row needs a year such as 2023".into());
        };
        let indicator = match &raw.indicator {
            Ok(i) => *i,
            Err(None) => {
                return self.reject(
                    &raw,
                    RejectReason::MissingKey,
                    "the indicator is empty; give a catalogue code (e.g. PUB_MATERIALS) or Chinese name".into(),
                );
            }
            Err(Some(text)) => match self.catalogue.resolve(text) {
                Some(i) => i,
                None => {
                    let message = format!(
                        "indicator {text:?} is not in catalogue {}; use a code or Chinese name from the catalogue (fazhi.Catalogue.default().frame) or add it to your own catalogue file",
                        self.catalogue.version
                    );
                    return self.reject(&raw, RejectReason::UnknownIndicator, message);
                }
            },
        };
        let Some(year) = parse_year(&year_text) else {
            return self.reject(
                &raw,
                RejectReason::BadYear,
                format!("year {year_text:?} is not a whole year between 1949 and 2100; write it as 2023"),
            );
        };
        let unit = match self.units {
            None => unit_text.clone(),
            Some(units) => match units.resolve(&unit_text) {
                Some(u) => u.code.clone(),
                None => {
                    return self.reject(
                        &raw,
                        RejectReason::UnknownUnit,
                        format!("unit {unit_text:?} is not in the unit table; add it there or fix the code/name"),
                    );
                }
            },
        };
        let ind = &self.catalogue.indicators[indicator];
        let interval = match read_value(ind, raw.value) {
            Ok(interval) => interval,
            Err((reason, message)) => return self.reject(&raw, reason, message),
        };
        let text = match raw.value {
            ValueCell::Text(t) => Some(t.to_string()),
            _ => None,
        };
        self.accepted.push(Accepted {
            unit,
            year,
            indicator,
            interval,
            text,
            source: raw.source,
            origin: raw.origin,
            row: raw.row,
            column: raw.column.to_string(),
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
        let c = c.trim().trim_start_matches('\u{feff}').to_lowercase();
        names.contains(&c.as_str())
    })
}

impl Panel {
    /// Reads a panel from a `.csv`, `.tsv`, `.parquet`, `.json` or `.ndjson` file.
    pub fn read(path: impl AsRef<Path>, catalogue: Catalogue, units: Option<Units>, options: &PanelOptions) -> Result<Self> {
        let table = read_table(path, options.encoding.as_deref())?;
        Self::build(&table.frame, catalogue, units, options, &table.file, table.header_rows)
    }

    /// Builds a panel from a polars frame (long or wide form). Row numbers in rejections count
    /// the header as row 1, as a spreadsheet would.
    pub fn from_frame(frame: &DataFrame, catalogue: Catalogue, units: Option<Units>, options: &PanelOptions) -> Result<Self> {
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
        let unit_col = find_column(frame, UNIT_HEADERS).cloned();
        let year_col = find_column(frame, YEAR_HEADERS).cloned();
        let indicator_col = find_column(frame, INDICATOR_HEADERS).cloned();
        let value_col = find_column(frame, VALUE_HEADERS).cloned();
        let source_col = find_column(frame, SOURCE_HEADERS).cloned();
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
            accepted: Vec::new(),
            rejected: Vec::new(),
            input_rows: 0,
        };
        let unit_cells = Cells::read(frame.column(&unit_col)?)?;
        let year_cells = Cells::read(frame.column(&year_col)?)?;
        let source_cells = match &source_col {
            Some(c) => Some(Cells::read(frame.column(c)?)?),
            None => None,
        };
        let row_of = |i: usize| i + 1 + header_rows;
        match (indicator_col, value_col) {
            (Some(ind_col), Some(val_col)) => {
                let ind_cells = Cells::read(frame.column(&ind_col)?)?;
                let val_cells = Cells::read(frame.column(&val_col)?)?;
                for i in 0..frame.height() {
                    let row = row_of(i);
                    builder.push(RawObservation {
                        row,
                        column: val_col.as_str(),
                        unit: unit_cells.text(i),
                        year: year_cells.text(i),
                        indicator: Err(ind_cells.text(i)),
                        value: val_cells.get(i),
                        source: source_cells.as_ref().and_then(|s| s.text(i)),
                        origin: format!("{file}, row {row}"),
                    })?;
                }
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(Error::input(
                    Location::file(file),
                    "a long-form table needs both an `indicator` and a `value` column (wide form has neither: one column per indicator)",
                ));
            }
            (None, None) => {
                let keys = [Some(&unit_col), Some(&year_col), source_col.as_ref()];
                let indicator_columns: Vec<&Column> = frame.columns().iter().filter(|c| !keys.contains(&Some(c.name()))).collect();
                let resolved: Vec<Result<usize, Option<String>>> =
                    indicator_columns.iter().map(|c| catalogue.resolve(c.name()).ok_or_else(|| Some(c.name().to_string()))).collect();
                let cells: Vec<Cells> = indicator_columns.iter().map(|c| Cells::read(c)).collect::<Result<_>>()?;
                for i in 0..frame.height() {
                    let row = row_of(i);
                    for (k, column) in indicator_columns.iter().enumerate() {
                        let value = cells[k].get(i);
                        if matches!(value, ValueCell::Empty) {
                            continue; // an empty wide-form cell is a missing observation, not a row
                        }
                        builder.push(RawObservation {
                            row,
                            column: column.name().as_str(),
                            unit: unit_cells.text(i),
                            year: year_cells.text(i),
                            indicator: resolved[k].clone(),
                            value,
                            source: source_cells.as_ref().and_then(|s| s.text(i)),
                            origin: format!("{file}, row {row}, column {}", column.name()),
                        })?;
                    }
                }
            }
        }
        let Builder { accepted, mut rejected, input_rows, strict, .. } = builder;
        let accepted = dedupe(accepted, &catalogue, file, &mut rejected, strict)?;
        let frame = accepted_frame(&accepted, &catalogue)?;
        Ok(Self { catalogue: Arc::new(catalogue), units: units.map(Arc::new), frame, rejected, input_rows })
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

    /// Input rows (long form) or non-empty cells (wide form) seen; always accepted + rejected.
    pub fn input_rows(&self) -> usize {
        self.input_rows
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
        let qualified = self.frame.column("qualifier")?.str()?.iter().filter(|q| *q != Some("exact")).count();
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
}

/// Resolves repeated (unit, year, indicator) keys without depending on row order: when every
/// copy carries the same value the earliest row is kept and the others are rejected; when the
/// copies disagree none is kept (nobody can tell which is right) and all are rejected.
fn dedupe(
    mut accepted: Vec<Accepted>,
    catalogue: &Catalogue,
    file: &str,
    rejected: &mut Vec<Rejection>,
    strict: bool,
) -> Result<Vec<Accepted>> {
    accepted.sort_by(|a, b| (a.unit.as_str(), a.year, a.indicator, a.row).cmp(&(b.unit.as_str(), b.year, b.indicator, b.row)));
    let mut kept: Vec<Accepted> = Vec::with_capacity(accepted.len());
    let mut duplicates: Vec<Rejection> = Vec::new();
    let mut rest = accepted.into_iter().peekable();
    while let Some(first) = rest.next() {
        let mut group = vec![first];
        while let Some(next) = rest.next_if(|n| n.unit == group[0].unit && n.year == group[0].year && n.indicator == group[0].indicator) {
            group.push(next);
        }
        if group.len() == 1 {
            kept.extend(group);
            continue;
        }
        let code = &catalogue.indicators[group[0].indicator].code;
        let agree = group.iter().all(|g| g.interval == group[0].interval);
        let rows: Vec<String> = group.iter().map(|g| g.row.to_string()).collect();
        let skip = usize::from(agree);
        for obs in &group[skip..] {
            let message = if agree {
                format!(
                    "a second row for ({}, {}, {code}) with the same value as row {}; the first is kept. Delete the repeated row",
                    obs.unit, obs.year, group[0].row
                )
            } else {
                format!(
                    "conflicting values for ({}, {}, {code}) at rows {}; none is kept because nobody can tell which is right. Keep the correct row and delete the others",
                    obs.unit,
                    obs.year,
                    rows.join(", ")
                )
            };
            let rejection = Rejection {
                file: file.to_string(),
                row: obs.row,
                column: obs.column.clone(),
                unit: Some(obs.unit.clone()),
                year: Some(obs.year.to_string()),
                indicator: Some(code.clone()),
                text: obs.text.clone().or_else(|| Some(format_number(obs.interval.point))),
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

fn accepted_frame(accepted: &[Accepted], catalogue: &Catalogue) -> Result<DataFrame> {
    let a = accepted;
    Ok(DataFrame::new(
        a.len(),
        vec![
            Column::new("unit".into(), a.iter().map(|x| x.unit.as_str()).collect::<Vec<_>>()),
            Column::new("year".into(), a.iter().map(|x| x.year).collect::<Vec<_>>()),
            Column::new("indicator".into(), a.iter().map(|x| catalogue.indicators[x.indicator].code.as_str()).collect::<Vec<_>>()),
            Column::new("value".into(), a.iter().map(|x| x.interval.point).collect::<Vec<_>>()),
            Column::new("lo".into(), a.iter().map(|x| x.interval.lo).collect::<Vec<_>>()),
            Column::new("hi".into(), a.iter().map(|x| x.interval.hi).collect::<Vec<_>>()),
            Column::new("qualifier".into(), a.iter().map(|x| x.interval.qualifier.as_str()).collect::<Vec<_>>()),
            Column::new("text".into(), a.iter().map(|x| x.text.as_deref()).collect::<Vec<_>>()),
            Column::new("source".into(), a.iter().map(|x| x.source.as_deref()).collect::<Vec<_>>()),
            Column::new("origin".into(), a.iter().map(|x| x.origin.as_str()).collect::<Vec<_>>()),
        ],
    )?)
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
