//! Reading tables from files: CSV (any encoding Chinese Excel/WPS writes), Parquet and JSON.

mod encoding;
pub(crate) mod file;

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

pub use encoding::{decode_text, detect_and_decode};
pub use file::{MAX_CONFIG_BYTES, MAX_REPORT_BYTES, MAX_TABLE_BYTES};

mod excel;
mod xlsx_styles;

pub use excel::MAX_SHEET_CELLS;

use crate::error::{Error, Location, Result};

/// A table read from a file, with what is needed to point back into it.
#[derive(Debug, Clone)]
pub struct Table {
    pub frame: DataFrame,
    /// The file's name as shown in messages (the path as given).
    pub file: String,
    /// The text encoding used to read it (`UTF-8`, `GB18030`, …); `None` for binary formats.
    pub encoding: Option<String>,
    /// Rows a spreadsheet would show before the first data row (1 for a header line, 0 for
    /// formats without one); data row `i` (0-based) is reported as row `i + 1 + header_rows`.
    pub header_rows: usize,
    /// Rows not read as data: titles above the header here; totals and footnotes are found by
    /// the panel.
    pub skipped: Vec<SkippedRow>,
    /// Cells filled from a merged region's top-left cell.
    pub filled: usize,
}

/// How to read a table file.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// Text encoding of CSV/JSON files; detected when `None`.
    pub encoding: Option<String>,
    /// Sheet of a spreadsheet; the first when `None`.
    pub sheet: Option<String>,
    /// The spreadsheet row (1-based) holding the header; found when `None` (the first row with a
    /// key header such as 乡镇 or 年份, below any title rows).
    pub header_row: Option<usize>,
}

/// Why a row of a table is not data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Above the header: a title or a 填报单位/日期 line.
    Title,
    /// A 合计/总计/小计/平均 row: a sum of the rows above, not a unit.
    Total,
    /// A 注：/说明：/填表说明/数据来源 line below the table.
    Footnote,
}

impl SkipKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Total => "total",
            Self::Footnote => "footnote",
        }
    }
}

/// A row read past, and why: reported, never dropped without a word.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SkippedRow {
    pub file: String,
    /// The row as a spreadsheet shows it (the header is row 1 of a CSV).
    pub row: usize,
    pub reason: SkipKind,
    /// The row's first text, as written (cut to 200 characters).
    pub text: String,
    /// Observations the row would have given (long form: 1; wide form: its non-empty value
    /// cells); they count in `input_rows`, so rows in = accepted + rejected + skipped.
    pub observations: usize,
}

impl SkippedRow {
    pub(crate) fn new(file: &str, row: usize, reason: SkipKind, text: &str, observations: usize) -> Self {
        Self { file: file.to_string(), row, reason, text: crate::error::clip(text.to_string(), 200), observations }
    }
}

/// Reads a `.csv`/`.tsv`/`.txt`, `.parquet`, `.json`, `.ndjson`/`.jsonl`, or a spreadsheet
/// (`.xlsx`/`.xlsm`/`.xls`/`.xlsb`/`.ods`, its first sheet; see [`read_table_sheet`]).
///
/// CSV files are decoded first: a byte-order mark decides (UTF-8, UTF-16), else valid UTF-8 is
/// taken as UTF-8, else GB18030 (a superset of GBK and GB2312, what Chinese Excel/WPS write).
/// `encoding` (a WHATWG label such as `gbk`, `gb18030`, `utf-8`, `utf-16le`) overrides detection.
/// Every CSV column is read as text so that nothing is converted before validation.
pub fn read_table(path: impl AsRef<Path>, encoding: Option<&str>) -> Result<Table> {
    read_table_sheet(path, encoding, None)
}

/// As [`read_table`], choosing the sheet of a spreadsheet by name (default: the first sheet).
pub fn read_table_sheet(path: impl AsRef<Path>, encoding: Option<&str>, sheet: Option<&str>) -> Result<Table> {
    read_table_with(path, &TableOptions { encoding: encoding.map(str::to_string), sheet: sheet.map(str::to_string), header_row: None })
}

/// As [`read_table`], with every option: encoding, sheet and header row.
pub fn read_table_with(path: impl AsRef<Path>, options: &TableOptions) -> Result<Table> {
    let path = path.as_ref();
    let encoding = options.encoding.as_deref();
    let file = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            let bytes = file::read_file(path, MAX_TABLE_BYTES, "table")?;
            let (text, used) = match encoding {
                Some(label) => (decode_text(&bytes, label, &file)?, label.to_string()),
                None => detect_and_decode(&bytes, &file)?,
            };
            drop(bytes);
            let text = unify_line_breaks(text);
            let separator =
                if ext == "tsv" || (!text.lines().next().unwrap_or("").contains(',') && text.contains('\t')) { b'\t' } else { b',' };
            let frame = csv_table(text, separator, &file)?;
            Ok(Table { frame, file, encoding: Some(used), header_rows: 1, skipped: Vec::new(), filled: 0 })
        }
        "parquet" | "pq" => {
            file::check_file(path, MAX_TABLE_BYTES, "table")?;
            let handle = std::fs::File::open(path).map_err(|e| Error::io(&file, e))?;
            let frame = ParquetReader::new(handle)
                .finish()
                .map_err(|e| Error::input(Location::file(&file), format!("not a readable Parquet file: {e}")))?;
            Ok(Table { frame, file, encoding: None, header_rows: 0, skipped: Vec::new(), filled: 0 })
        }
        "json" | "ndjson" | "jsonl" => {
            let bytes = file::read_file(path, MAX_TABLE_BYTES, "table")?;
            let (text, used) = match encoding {
                Some(label) => (decode_text(&bytes, label, &file)?, label.to_string()),
                None => detect_and_decode(&bytes, &file)?,
            };
            drop(bytes);
            let lines = ext != "json" || !text.trim_start().starts_with('[');
            let frame = json_table(&text, lines, &file)?;
            Ok(Table { frame, file, encoding: Some(used), header_rows: 0, skipped: Vec::new(), filled: 0 })
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            file::check_file(path, MAX_TABLE_BYTES, "table")?;
            excel::read_sheet(path, &file, options)
        }
        _ => Err(Error::input(
            Location::file(&file),
            format!("unsupported file type {ext:?}; give a .csv, .tsv, .xlsx, .xls, .parquet, .json or .ndjson file"),
        )),
    }
}

fn csv_frame(bytes: Vec<u8>, separator: u8) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(separator))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
}

/// Line breaks as `\n`: Excel for Mac ends lines with a lone `\r`, which a CSV reader would take
/// as one endless line (zero rows); `\r\n` becomes `\n`.
fn unify_line_breaks(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads decoded CSV text as a frame of text columns. Checked first, by a scan of the records:
/// two columns with one header (polars would rename the second and it would be ignored), and a
/// record with more fields than the header or an unclosed quote (named by line, with what to
/// do, instead of polars' advice about its own options).
fn csv_table(text: String, separator: u8, file: &str) -> Result<DataFrame> {
    let scan = scan_records(&text, separator);
    if let Some(header) = scan.header.as_ref() {
        for (j, name) in header.iter().enumerate() {
            let name = crate::normalize::clean_key(name);
            if name.is_empty() {
                continue;
            }
            if let Some(i) = header[..j].iter().position(|h| crate::normalize::clean_key(h) == name) {
                return Err(Error::input(
                    Location::file(file).with_row(1).with_column(name.clone()),
                    format!(
                        "columns {} and {} both have the header {}; rename one (each column needs its own header)",
                        i + 1,
                        j + 1,
                        crate::error::quoted(&name, 80)
                    ),
                ));
            }
        }
    }
    if let Some((line, problem)) = scan.problem {
        return Err(Error::input(Location::file(file).with_row(line), problem));
    }
    csv_frame(text.into_bytes(), separator).map_err(|e| {
        let first = e.to_string();
        let first = first.split(". Consider").next().unwrap_or_default().to_string();
        Error::input(
            Location::file(file),
            format!("not a readable CSV table ({first}); check that every row has as many fields as the header and that quotes are closed"),
        )
    })
}

/// Reads JSON records (an array of objects, or one object per line) as a frame of text columns,
/// like CSV: "90余" and 90 in one column are both kept as written, for validation to judge.
/// serde_json bounds the nesting depth, so a deeply nested document is an error, not a stack
/// overflow. A nested array or object as a value is refused, naming the record and the key.
fn json_table(text: &str, lines: bool, file: &str) -> Result<DataFrame> {
    use serde_json::Value;
    let bad = |line: Option<usize>, message: String| {
        let at = Location::file(file);
        Error::input(
            match line {
                Some(l) => at.with_row(l),
                None => at,
            },
            message,
        )
    };
    let mut records: Vec<(usize, serde_json::Map<String, Value>)> = Vec::new();
    let take = |records: &mut Vec<(usize, serde_json::Map<String, Value>)>, value: Value, at: usize, line: Option<usize>| -> Result<()> {
        match value {
            Value::Object(map) => {
                records.push((at, map));
                Ok(())
            }
            other => Err(bad(
                line,
                format!(
                    "record {} is not an object ({}); give one {{\"unit\": …, \"year\": …}} object per record",
                    at + 1,
                    json_kind(&other)
                ),
            )),
        }
    };
    if lines {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(line)
                .map_err(|e| bad(Some(i + 1), format!("line {} is not valid JSON: {e}; give one JSON object per line", i + 1)))?;
            let at = records.len();
            take(&mut records, value, at, Some(i + 1))?;
        }
    } else {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            bad(Some(e.line()), format!("not valid JSON at line {}, column {}: {e}; give an array of objects", e.line(), e.column()))
        })?;
        let Value::Array(items) = value else {
            return Err(bad(None, "a .json table is an array of objects ([{\"unit\": …}, …]); use .ndjson for one object per line".into()));
        };
        for (i, item) in items.into_iter().enumerate() {
            take(&mut records, item, i, None)?;
        }
    }
    // Columns in order of first appearance.
    let mut names: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (_, map) in &records {
        for key in map.keys() {
            if !index.contains_key(key) {
                index.insert(key.clone(), names.len());
                names.push(key.clone());
            }
        }
    }
    let mut columns: Vec<Vec<Option<String>>> = vec![vec![None; records.len()]; names.len()];
    for (r, (at, map)) in records.into_iter().enumerate() {
        for (key, value) in map {
            let cell = match value {
                Value::Null => None,
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                other => {
                    return Err(bad(
                        None,
                        format!("record {}, key {key:?}: the value is {}; each value must be a number or text", at + 1, json_kind(&other)),
                    ));
                }
            };
            columns[index[&key]][r] = cell;
        }
    }
    let height = columns.first().map_or(0, Vec::len);
    Ok(DataFrame::new(height, names.iter().zip(columns).map(|(n, v)| Column::new(n.as_str().into(), v)).collect())?)
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "true/false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// What [`scan_records`] finds.
struct RecordScan {
    header: Option<Vec<String>>,
    /// The first problem: (1-based line, message).
    problem: Option<(usize, String)>,
}

/// Walks the CSV records (RFC 4180 quoting) once: the header's fields, and the first record with
/// more fields than the header or a quote that is never closed.
fn scan_records(text: &str, separator: u8) -> RecordScan {
    let sep = separator as char;
    let mut header: Option<Vec<String>> = None;
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut in_quotes, mut line, mut record_line) = (false, 1usize, 1usize);
    let mut chars = text.chars().peekable();
    let finish = |fields: &mut Vec<String>, record_line: usize, header: &mut Option<Vec<String>>| -> Option<(usize, String)> {
        let n = fields.len();
        match header {
            None => *header = Some(std::mem::take(fields)),
            Some(h) => {
                if n > h.len() && !(n == h.len() + 1 && fields.last().is_some_and(String::is_empty)) {
                    return Some((
                        record_line,
                        format!(
                            "line {record_line} has {n} fields but the header has {}; a value with a comma (1,060) must be quoted or written without it (1060)",
                            h.len()
                        ),
                    ));
                }
                fields.clear();
            }
        }
        None
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            c if c == sep => fields.push(std::mem::take(&mut field)),
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if let Some(p) = finish(&mut fields, record_line, &mut header) {
                    return RecordScan { header, problem: Some(p) };
                }
                line += 1;
                record_line = line;
            }
            c => {
                // Only the header's text is kept; a data field is counted, not stored.
                if header.is_none() {
                    field.push(c);
                } else if field.is_empty() {
                    field.push('x');
                }
            }
        }
    }
    if in_quotes {
        return RecordScan {
            header,
            problem: Some((record_line, format!("the quote opened on line {record_line} is never closed; close it or remove it"))),
        };
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        if let Some(p) = finish(&mut fields, record_line, &mut header) {
            return RecordScan { header, problem: Some(p) };
        }
    }
    RecordScan { header, problem: None }
}

/// A column's values as text, whatever its type (numbers formatted without a trailing `.0`).
/// A NaN is an empty cell; a type without a text form (lists, structs, binary) is an error naming
/// the column.
pub(crate) fn column_as_text(column: &Column) -> Result<Vec<Option<String>>> {
    let series = column.as_materialized_series();
    if let Ok(s) = series.str() {
        return Ok(s.iter().map(|v| v.map(str::to_string)).collect());
    }
    let dtype = series.dtype();
    if dtype.is_float() {
        let f = series.cast(&DataType::Float64)?;
        return Ok(f.f64()?.iter().map(|v| v.filter(|x| !x.is_nan()).map(format_number)).collect());
    }
    check_text_form(column, "<table>")?;
    let s = series.cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// Whether a column's values have a text form fazhi can read as cells (text, numbers of every
/// width, booleans, dates, decimals, categoricals); lists, structs and binary do not, and are an
/// error naming the column.
pub(crate) fn check_text_form(column: &Column, file: &str) -> Result<()> {
    let dtype = column.dtype();
    let readable = matches!(dtype, DataType::String | DataType::Null)
        || dtype.is_primitive_numeric()
        || dtype.is_bool()
        || dtype.is_temporal()
        || dtype.is_decimal()
        || dtype.is_categorical()
        || dtype.is_enum();
    if readable {
        return Ok(());
    }
    Err(Error::input(
        Location::file(file).with_column(column.name().as_str()),
        format!("the column holds values of type {dtype}, which fazhi cannot read as cells; give text or numbers (one value per cell)"),
    ))
}

/// Formats a number the way a person writes it: 8 not 8.0, 89.93 not 89.930000001.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_plainly() {
        assert_eq!(format_number(8.0), "8");
        assert_eq!(format_number(89.93), "89.93");
        assert_eq!(format_number(-3.5), "-3.5");
    }

    #[test]
    fn unsupported_extension_is_an_input_error() {
        let e = read_table("report.docx", None).unwrap_err();
        assert!(matches!(e, Error::Input { .. }), "{e}");
        assert!(e.to_string().contains("report.docx"));
    }
}
