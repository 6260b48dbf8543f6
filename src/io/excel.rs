//! Spreadsheets (.xlsx, .xls, .xlsb, .ods) read with calamine: every cell as text, so that the
//! panel's validation sees what the analyst typed, with row numbers as the spreadsheet shows them.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook, open_workbook_auto};
use polars::prelude::*;

use super::{SkippedRow, Table, TableOptions, format_number};
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
pub(super) fn read_sheet(path: &Path, file: &str, options: &TableOptions) -> Result<Table> {
    std::panic::catch_unwind(|| read_sheet_inner(path, file, options)).unwrap_or_else(|_| {
        Err(Error::input(
            Location::file(file),
            "the spreadsheet is damaged and cannot be read; open it in Excel or WPS and save it again as .xlsx",
        ))
    })
}

/// The cells of a sheet: (row, column, value) of the non-empty ones, in any order.
type SparseCells = Vec<(u32, u32, String)>;

/// A merged region: its top-left and bottom-right cells, (row, column), 0-based.
type Merge = ((u32, u32), (u32, u32));

fn read_sheet_inner(path: &Path, file: &str, options: &TableOptions) -> Result<Table> {
    let sheet = options.sheet.as_deref();
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
    let (name, cells, merges) = if ext == "xlsx" || ext == "xlsm" {
        // Cell by cell, so that the used range is known before a table is allocated.
        let mut book: Xlsx<_> = open_workbook(path).map_err(|e| bad(format!("not a readable spreadsheet: {e}")))?;
        let name = pick(&book.sheet_names())?;
        // Excel's own types: a percent-formatted 0.95 is 95 %, a formula without a saved result
        // is said to be one (calamine reads neither).
        let extras = super::xlsx_styles::sheet_extras(path, file, &name)?;
        let mut cells: SparseCells = Vec::new();
        {
            let mut reader = book.worksheet_cells_reader(&name).map_err(|e| bad(format!("cannot read sheet {name:?}: {e}")))?;
            while let Some(cell) = reader.next_cell().map_err(|e| bad(format!("cannot read sheet {name:?}: {e}")))? {
                let (r, c) = cell.get_position();
                let value = Data::from(cell.get_value().clone());
                let t = match value {
                    Data::Float(x) if extras.percent.contains(&(r, c)) => Some(format!("{}%", format_number(x * 100.0))),
                    Data::Int(i) if extras.percent.contains(&(r, c)) => Some(format!("{}%", i * 100)),
                    other => text(&other),
                };
                if let Some(t) = t {
                    if cells.len() as u64 >= MAX_SHEET_CELLS {
                        return Err(bad(format!("sheet {name:?} holds more than {MAX_SHEET_CELLS} cells; split it")));
                    }
                    cells.push((r, c, t));
                }
            }
        }
        // One pass, whatever the number of such cells (a generated sheet may hold thousands).
        let formula_at: std::collections::HashSet<(u32, u32)> = extras.formula_only.iter().map(|(at, _)| *at).collect();
        cells.retain(|x| !formula_at.contains(&(x.0, x.1)));
        cells.extend(extras.formula_only.into_iter().map(|((r, c), formula)| (r, c, format!("={formula}"))));
        book.load_merged_regions().map_err(|e| bad(format!("cannot read the merged cells of sheet {name:?}: {e}")))?;
        let merges: Vec<Merge> = book.merged_regions_by_sheet(&name).into_iter().map(|(_, _, d)| (d.start, d.end)).collect();
        (name, cells, merges)
    } else {
        let mut book = open_workbook_auto(path).map_err(|e| bad(format!("not a readable spreadsheet: {e}")))?;
        let name = pick(&book.sheet_names())?;
        let range = book.worksheet_range(&name).map_err(|e| bad(format!("cannot read sheet {name:?}: {e}")))?;
        let cells = range.cells().filter_map(|(r, c, v)| text(v).map(|t| (r as u32, c as u32, t))).collect::<SparseCells>();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        (name, cells.into_iter().map(|(r, c, t)| (r + r0, c + c0, t)).collect(), Vec::new())
    };
    table_of(cells, &merges, &format!("{file} [{name}]"), options.header_row)
}

/// Exact header texts that mark the header row of a table (below title and 填报单位 rows).
const KEY_HEADERS: &[&str] = &[
    "unit",
    "unit_code",
    "township",
    "乡镇",
    "乡镇名称",
    "乡镇（街道）",
    "乡镇(街道)",
    "乡镇/街道",
    "街道",
    "单位",
    "单位名称",
    "地区",
    "year",
    "年份",
    "年度",
    "年",
    "indicator",
    "indicator_code",
    "指标",
    "指标名称",
    "指标代码",
    "code",
    "name",
    "名称",
    "代码",
    "编码",
    "county",
    "县",
    "县区",
    "区县",
    "序号",
];

/// The header row: the first of the first 20 rows that has two or more cells and one of them a
/// key header (乡镇, 年份, 指标, …); else the first row with two or more cells; else the first.
fn header_row(cells: &SparseCells) -> u32 {
    const LOOK: usize = 20;
    // One pass, keeping the first 20 rows: (cells, has a key header) of each.
    let mut first: std::collections::BTreeMap<u32, (usize, bool)> = std::collections::BTreeMap::new();
    for (r, _, text) in cells {
        if first.len() == LOOK && first.last_key_value().is_some_and(|(last, _)| r > last) {
            continue;
        }
        let keyed = KEY_HEADERS.contains(&crate::normalize::clean_key(text).to_lowercase().as_str());
        let entry = first.entry(*r).or_insert((0, false));
        entry.0 += 1;
        entry.1 |= keyed;
        if first.len() > LOOK {
            first.pop_last();
        }
    }
    let find = |ok: &dyn Fn(&(usize, bool)) -> bool| first.iter().find(|(_, v)| ok(v)).map(|(r, _)| *r);
    find(&|v| v.0 >= 2 && v.1).or_else(|| find(&|v| v.0 >= 2)).or_else(|| first.keys().next().copied()).unwrap_or(0)
}

/// The table of a sheet's non-empty cells: the used range from the first non-empty row (the
/// header) and column to the last, as text columns.
fn table_of(mut cells: SparseCells, merges: &[Merge], file: &str, header_at: Option<usize>) -> Result<Table> {
    if cells.is_empty() {
        return Err(Error::input(Location::file(file), "the sheet is empty"));
    }
    let used_end = (cells.iter().map(|c| c.0).max().unwrap_or(0), cells.iter().map(|c| c.1).max().unwrap_or(0));
    // Merged cells hold their value in the top-left cell only: every cell of the region takes it
    // (a 乡镇 merged over its two year rows names both), within the used range.
    let mut filled = 0usize;
    if !merges.is_empty() {
        let mut at: std::collections::HashMap<(u32, u32), usize> = cells.iter().enumerate().map(|(i, c)| ((c.0, c.1), i)).collect();
        for &((r0, c0), (r1, c1)) in merges {
            let Some(&i) = at.get(&(r0, c0)) else { continue };
            let value = cells[i].2.clone();
            let (r1, c1) = (r1.min(used_end.0), c1.min(used_end.1));
            if u64::from(r1.saturating_sub(r0) + 1) * u64::from(c1.saturating_sub(c0) + 1) > MAX_SHEET_CELLS {
                continue;
            }
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if (r, c) != (r0, c0) && !at.contains_key(&(r, c)) {
                        at.insert((r, c), cells.len());
                        cells.push((r, c, value.clone()));
                        filled += 1;
                    }
                }
            }
        }
    }
    let start_row = match header_at {
        Some(h) if h >= 1 => (h - 1) as u32,
        Some(_) => return Err(Error::InvalidArgument("header_row counts from 1 (the sheet's first row)".into())),
        None => header_row(&cells),
    };
    // Rows above the header (a title, a 填报单位 line) are reported, not read.
    let mut skipped: Vec<SkippedRow> = Vec::new();
    let mut above: Vec<(u32, String)> = Vec::new();
    for c in cells.iter().filter(|c| c.0 < start_row) {
        match above.iter_mut().find(|(r, _)| *r == c.0) {
            Some((_, t)) if !t.contains(c.2.as_str()) => {
                t.push(' ');
                t.push_str(&c.2);
            }
            Some(_) => {}
            None => above.push((c.0, c.2.clone())),
        }
    }
    above.sort();
    for (r, t) in above {
        skipped.push(SkippedRow::new(file, r as usize + 1, crate::io::SkipKind::Title, &t, 0));
    }
    cells.retain(|c| c.0 >= start_row);
    if cells.is_empty() {
        return Err(Error::input(Location::file(file), format!("the sheet has nothing at or below row {}", start_row + 1)));
    }
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
    Ok(Table { frame, file: file.to_string(), encoding: None, header_rows: start_row as usize + 1, skipped, filled })
}
