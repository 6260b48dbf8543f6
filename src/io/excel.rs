//! Spreadsheets (.xlsx, .xls, .xlsb, .ods) read with calamine: every cell as text, so that the
//! panel's validation sees what the analyst typed, with row numbers as the spreadsheet shows them.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use polars::prelude::*;

use super::{Table, format_number};
use crate::error::{Error, Location, Result};

fn text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Data::Float(x) => Some(format_number(*x)),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(if *b { "是".into() } else { "否".into() }),
        // Kept as written, so validation names the cell (a year typed as a date, an #N/A).
        other => Some(other.to_string()),
    }
}

/// Reads one sheet: its first non-empty row is the header, every later row a data row.
pub(super) fn read_sheet(path: &Path, file: &str, sheet: Option<&str>) -> Result<Table> {
    let mut book = open_workbook_auto(path).map_err(|e| Error::input(Location::file(file), format!("not a readable spreadsheet: {e}")))?;
    let names = book.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            Error::input(Location::file(file), format!("the workbook has no sheet {s:?}; its sheets are {}", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| Error::input(Location::file(file), "the workbook has no sheets"))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| Error::input(Location::file(file), format!("cannot read sheet {name:?}: {e}")))?;
    let file = format!("{file} [{name}]");
    let (start_row, _) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows();
    let header = rows.next().ok_or_else(|| Error::input(Location::file(&file), "the sheet is empty"))?;
    let mut names_seen: Vec<String> = Vec::new();
    for (c, cell) in header.iter().enumerate() {
        let mut h = text(cell).unwrap_or_else(|| format!("column_{}", c + 1));
        if names_seen.contains(&h) {
            return Err(Error::input(Location::file(&file).with_column(h.clone()), "two columns have this header; rename one"));
        }
        h.shrink_to_fit();
        names_seen.push(h);
    }
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); names_seen.len()];
    for row in rows {
        for (c, col) in columns.iter_mut().enumerate() {
            col.push(row.get(c).and_then(text));
        }
    }
    let height = columns.first().map_or(0, Vec::len);
    let frame = DataFrame::new(height, names_seen.iter().zip(columns).map(|(n, values)| Column::new(n.as_str().into(), values)).collect())?;
    // Data row i (0-based) is spreadsheet row start_row + 2 + i: header_rows = start_row + 1.
    Ok(Table { frame, file, encoding: None, header_rows: start_row as usize + 1 })
}
