//! Spreadsheets (.xlsx, .xls, .xlsb, .ods) read with calamine: every cell as text, so that the
//! panel's validation sees what the analyst typed, with row numbers as the spreadsheet shows them.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook, open_workbook_auto};
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

/// Largest sheet read, as rows × columns of its used range: 100 million cells (about 40 columns
/// for every unit of the country over ten years, many times over). A sheet with one cell at A1
/// and another at XFD1048576 spans 17 billion and is refused before anything is allocated.
pub const MAX_SHEET_CELLS: u64 = 100_000_000;

/// Reads one sheet: its first non-empty row is the header, every later row a data row. The
/// reader library is kept from taking the process down: a panic inside it on a malformed file
/// becomes an input error.
pub(super) fn read_sheet(path: &Path, file: &str, sheet: Option<&str>) -> Result<Table> {
    std::panic::catch_unwind(|| read_sheet_inner(path, file, sheet)).unwrap_or_else(|_| {
        Err(Error::input(
            Location::file(file),
            "the spreadsheet is damaged and cannot be read; open it in Excel or WPS and save it again as .xlsx",
        ))
    })
}

/// The cells of a sheet: (row, column, value) of the non-empty ones, in any order.
type SparseCells = Vec<(u32, u32, String)>;

fn read_sheet_inner(path: &Path, file: &str, sheet: Option<&str>) -> Result<Table> {
    let bad = |e: String| Error::input(Location::file(file), e);
    let pick = |names: &[String]| -> Result<String> {
        match sheet {
            Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
                Error::input(Location::file(file), format!("the workbook has no sheet {s:?}; its sheets are {}", names.join(", ")))
            }),
            None => names.first().cloned().ok_or_else(|| Error::input(Location::file(file), "the workbook has no sheets")),
        }
    };
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let (name, cells) = if ext == "xlsx" || ext == "xlsm" {
        // Cell by cell, so that the used range is known before a table is allocated.
        let mut book: Xlsx<_> = open_workbook(path).map_err(|e| bad(format!("not a readable spreadsheet: {e}")))?;
        let name = pick(&book.sheet_names())?;
        let mut reader = book.worksheet_cells_reader(&name).map_err(|e| bad(format!("cannot read sheet {name:?}: {e}")))?;
        let mut cells: SparseCells = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(|e| bad(format!("cannot read sheet {name:?}: {e}")))? {
            let (r, c) = cell.get_position();
            if let Some(t) = text(&Data::from(cell.get_value().clone())) {
                if cells.len() as u64 >= MAX_SHEET_CELLS {
                    return Err(bad(format!("sheet {name:?} holds more than {MAX_SHEET_CELLS} cells; split it")));
                }
                cells.push((r, c, t));
            }
        }
        (name, cells)
    } else {
        let mut book = open_workbook_auto(path).map_err(|e| bad(format!("not a readable spreadsheet: {e}")))?;
        let name = pick(&book.sheet_names())?;
        let range = book.worksheet_range(&name).map_err(|e| bad(format!("cannot read sheet {name:?}: {e}")))?;
        let cells = range.cells().filter_map(|(r, c, v)| text(v).map(|t| (r as u32, c as u32, t))).collect::<SparseCells>();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        (name, cells.into_iter().map(|(r, c, t)| (r + r0, c + c0, t)).collect())
    };
    table_of(cells, &format!("{file} [{name}]"))
}

/// The table of a sheet's non-empty cells: the used range from the first non-empty row (the
/// header) and column to the last, as text columns.
fn table_of(cells: SparseCells, file: &str) -> Result<Table> {
    let Some(start_row) = cells.iter().map(|c| c.0).min() else {
        return Err(Error::input(Location::file(file), "the sheet is empty"));
    };
    let start_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let end_row = cells.iter().map(|c| c.0).max().unwrap_or(start_row);
    let end_col = cells.iter().map(|c| c.1).max().unwrap_or(start_col);
    let (height, width) = (u64::from(end_row - start_row), u64::from(end_col - start_col) + 1);
    if height.saturating_mul(width) > MAX_SHEET_CELLS {
        return Err(Error::input(
            Location::file(file),
            format!(
                "the sheet's used range spans {} rows × {width} columns, more than fazhi reads ({MAX_SHEET_CELLS} cells); a stray cell far from the table does this: delete it, or copy the table to a new sheet",
                height + 1
            ),
        ));
    }
    let (height, width) = (height as usize, width as usize);
    let mut header: Vec<Option<String>> = vec![None; width];
    let mut columns: Vec<Vec<Option<String>>> = vec![vec![None; height]; width];
    for (r, c, t) in cells {
        let (r, c) = ((r - start_row) as usize, (c - start_col) as usize);
        if r == 0 {
            header[c] = Some(t);
        } else {
            columns[c][r - 1] = Some(t);
        }
    }
    let mut names_seen: Vec<String> = Vec::with_capacity(width);
    for (c, h) in header.into_iter().enumerate() {
        let h = h.unwrap_or_else(|| format!("column_{}", c + 1));
        if names_seen.contains(&h) {
            return Err(Error::input(Location::file(file).with_column(h.clone()), "two columns have this header; rename one"));
        }
        names_seen.push(h);
    }
    let frame = DataFrame::new(height, names_seen.iter().zip(columns).map(|(n, values)| Column::new(n.as_str().into(), values)).collect())?;
    // Data row i (0-based) is spreadsheet row start_row + 2 + i: header_rows = start_row + 1.
    Ok(Table { frame, file: file.to_string(), encoding: None, header_rows: start_row as usize + 1 })
}
