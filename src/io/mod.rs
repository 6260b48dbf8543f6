//! Reading tables from files: CSV (any encoding Chinese Excel/WPS writes), Parquet and JSON.

mod encoding;

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

pub use encoding::{decode_text, detect_and_decode};

mod excel;

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
    let path = path.as_ref();
    let file = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(&file, e))?;
            let (text, used) = match encoding {
                Some(label) => (decode_text(&bytes, label, &file)?, label.to_string()),
                None => detect_and_decode(&bytes, &file)?,
            };
            let separator =
                if ext == "tsv" || (!text.lines().next().unwrap_or("").contains(',') && text.contains('\t')) { b'\t' } else { b',' };
            let frame = csv_frame(text.into_bytes(), separator).map_err(|e| {
                Error::input(
                    Location::file(&file),
                    format!(
                        "not a readable CSV table: {e}. Check that every row has as many fields as the header and that quotes are closed"
                    ),
                )
            })?;
            Ok(Table { frame, file, encoding: Some(used), header_rows: 1 })
        }
        "parquet" | "pq" => {
            let handle = std::fs::File::open(path).map_err(|e| Error::io(&file, e))?;
            let frame = ParquetReader::new(handle)
                .finish()
                .map_err(|e| Error::input(Location::file(&file), format!("not a readable Parquet file: {e}")))?;
            Ok(Table { frame, file, encoding: None, header_rows: 0 })
        }
        "json" | "ndjson" | "jsonl" => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(&file, e))?;
            let (text, used) = match encoding {
                Some(label) => (decode_text(&bytes, label, &file)?, label.to_string()),
                None => detect_and_decode(&bytes, &file)?,
            };
            let lines = ext != "json" || !text.trim_start().starts_with('[');
            let format = if lines { JsonFormat::JsonLines } else { JsonFormat::Json };
            let frame = JsonReader::new(Cursor::new(text.into_bytes())).with_json_format(format).finish().map_err(|e| {
                Error::input(Location::file(&file), format!("not a readable JSON table (an array of objects, or one object per line): {e}"))
            })?;
            Ok(Table { frame, file, encoding: Some(used), header_rows: 0 })
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => excel::read_sheet(path, &file, sheet),
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

/// A column's values as text, whatever its type (numbers formatted without a trailing `.0`).
pub(crate) fn column_as_text(column: &Column) -> Result<Vec<Option<String>>> {
    let series = column.as_materialized_series();
    if let Ok(s) = series.str() {
        return Ok(s.iter().map(|v| v.map(str::to_string)).collect());
    }
    if series.dtype().is_float() {
        let f = series.cast(&DataType::Float64)?;
        return Ok(f.f64()?.iter().map(|v| v.map(format_number)).collect());
    }
    let s = series.cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
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
