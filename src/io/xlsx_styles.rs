//! What calamine does not tell about an .xlsx sheet: which numeric cells are formatted as percent
//! (a cell typed "95%" is stored as 0.95 with a percent format) and which formula cells have no
//! saved result (written by a program that never calculated them). Read from the package's XML
//! with quick-xml, streaming, with the same size bounds as every input.

use std::collections::HashSet;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{Error, Location, Result};

/// The cells of one sheet that need more than their stored value, by (row, column), 0-based.
#[derive(Debug, Default)]
pub(super) struct SheetExtras {
    /// Numeric cells with a percent number format.
    pub percent: HashSet<(u32, u32)>,
    /// Formula cells without a saved value, with the formula's text.
    pub formula_only: Vec<((u32, u32), String)>,
}

/// A cell being read: position, percent style, formula text, whether a value was seen.
type OpenCell = ((u32, u32), bool, Option<String>, bool);

/// Reads the extras of sheet `name` of the workbook at `path`. A part that cannot be found
/// gives no extras (calamine reads the values; this only adds to them); a malformed part is an
/// error.
pub(super) fn sheet_extras(path: &Path, file: &str, name: &str) -> Result<SheetExtras> {
    let bad = |m: String| Error::input(Location::file(file), m);
    let handle = std::fs::File::open(path).map_err(|e| Error::io(file, e))?;
    let mut zip = zip::ZipArchive::new(handle).map_err(|e| bad(format!("not a readable .xlsx package: {e}")))?;
    let Some(sheet_path) = sheet_part(&mut zip, name, file)? else { return Ok(SheetExtras::default()) };
    let percent_styles = percent_styles(&mut zip, file)?;
    let Ok(entry) = zip.by_name(&sheet_path) else { return Ok(SheetExtras::default()) };
    let mut reader = Reader::from_reader(BufReader::new(entry.take(super::MAX_TABLE_BYTES)));
    let mut extras = SheetExtras::default();
    let mut buf = Vec::new();
    // The cell being read: position, percent style, formula text, saw a value.
    let mut cell: Option<OpenCell> = None;
    let mut in_formula = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| bad(format!("{sheet_path} is not well-formed XML: {e}")))?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                let (mut at, mut style) = (None, 0usize);
                for a in e.attributes().flatten() {
                    match a.key.local_name().as_ref() {
                        b"r" => at = cell_ref(&a.value),
                        b"s" => style = std::str::from_utf8(&a.value).ok().and_then(|s| s.parse().ok()).unwrap_or(0),
                        _ => {}
                    }
                }
                let percent = percent_styles.get(style).copied().unwrap_or(false);
                cell = at.map(|at| (at, percent, None, false));
            }
            // <c r="B2" s="3"/>: no value, nothing to add.
            Event::Empty(e) if e.local_name().as_ref() == b"c" => cell = None,
            Event::Start(e) if e.local_name().as_ref() == b"f" => in_formula = true,
            Event::Empty(e) if e.local_name().as_ref() == b"f" => {
                if let Some(c) = cell.as_mut() {
                    c.2.get_or_insert_with(String::new);
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"v" || e.local_name().as_ref() == b"is" => {
                if let Some(c) = cell.as_mut() {
                    c.3 = true;
                }
            }
            Event::Text(t) if in_formula => {
                if let Some(c) = cell.as_mut() {
                    let text = t.decode().map(|s| s.into_owned()).unwrap_or_default();
                    c.2.get_or_insert_with(String::new).push_str(&text);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"f" => in_formula = false,
            Event::End(e) if e.local_name().as_ref() == b"c" => {
                if let Some((at, percent, formula, has_value)) = cell.take() {
                    if percent {
                        extras.percent.insert(at);
                    }
                    if let Some(f) = formula
                        && !has_value
                    {
                        extras.formula_only.push((at, f));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(extras)
}

/// "D3" → (2, 3), 0-based (row, column).
fn cell_ref(r: &[u8]) -> Option<(u32, u32)> {
    let split = r.iter().position(u8::is_ascii_digit)?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters
        .iter()
        .try_fold(0u32, |acc, &b| b.is_ascii_alphabetic().then(|| acc * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1))?;
    let row: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

/// The path inside the package of the sheet called `name` (via workbook.xml and its rels).
fn sheet_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str, file: &str) -> Result<Option<String>> {
    let Some(workbook) = read_part(zip, "xl/workbook.xml", file)? else { return Ok(None) };
    let mut rid = None;
    each_element(&workbook, |tag, attrs| {
        if tag == b"sheet" && attrs.iter().any(|(k, v)| k == b"name" && v == name) {
            rid = attrs.iter().find(|(k, _)| k == b"id").map(|(_, v)| v.clone());
        }
    });
    let Some(rid) = rid else { return Ok(None) };
    let Some(rels) = read_part(zip, "xl/_rels/workbook.xml.rels", file)? else { return Ok(None) };
    let mut target = None;
    each_element(&rels, |tag, attrs| {
        if tag == b"Relationship" && attrs.iter().any(|(k, v)| k == b"Id" && *v == rid) {
            target = attrs.iter().find(|(k, _)| k == b"Target").map(|(_, v)| v.clone());
        }
    });
    Ok(target.map(|t| match t.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{t}"),
    }))
}

/// For each cell style (`cellXfs` index), whether its number format shows a percent: the
/// built-in formats 9 (0%) and 10 (0.00%), or a custom format with a % outside quotes.
fn percent_styles<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, file: &str) -> Result<Vec<bool>> {
    let Some(styles) = read_part(zip, "xl/styles.xml", file)? else { return Ok(Vec::new()) };
    let mut custom: Vec<(u32, bool)> = Vec::new();
    let mut xfs: Vec<u32> = Vec::new();
    let mut depth_in_cell_xfs = false;
    let mut reader = Reader::from_str(&styles);
    loop {
        let event =
            reader.read_event().map_err(|e| Error::input(Location::file(file), format!("xl/styles.xml is not well-formed XML: {e}")))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = attributes(e);
                match e.local_name().as_ref() {
                    b"numFmt" => {
                        let id = attrs.iter().find(|(k, _)| k == b"numFmtId").and_then(|(_, v)| v.parse().ok());
                        let code = attrs.iter().find(|(k, _)| k == b"formatCode").map(|(_, v)| v.as_str()).unwrap_or("");
                        if let Some(id) = id {
                            custom.push((id, shows_percent(code)));
                        }
                    }
                    b"cellXfs" => depth_in_cell_xfs = matches!(event, Event::Start(_)),
                    b"xf" if depth_in_cell_xfs => {
                        xfs.push(attrs.iter().find(|(k, _)| k == b"numFmtId").and_then(|(_, v)| v.parse().ok()).unwrap_or(0));
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => depth_in_cell_xfs = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(xfs.into_iter().map(|id| id == 9 || id == 10 || custom.iter().any(|(c, p)| *c == id && *p)).collect())
}

/// True when a number format code shows its number as a percent (a % outside "…" and […]).
fn shows_percent(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    // Only the first section (positive numbers) matters.
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            ';' if !quoted && !bracket => return false,
            '%' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

/// A whole part as text (bounded), or `None` when the package has no such part.
fn read_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, part: &str, file: &str) -> Result<Option<String>> {
    let Ok(entry) = zip.by_name(part) else { return Ok(None) };
    let size = entry.size();
    let bytes = super::file::read_bounded(entry, size, super::MAX_CONFIG_BYTES, file, "spreadsheet")?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Vec<(Vec<u8>, String)> {
    e.attributes()
        .flatten()
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            let value = quick_xml::escape::unescape(&raw).map(|v| v.into_owned()).unwrap_or(raw);
            (a.key.local_name().as_ref().to_vec(), value)
        })
        .collect()
}

/// Calls `f(local tag name, attributes)` for every element of a small XML part.
fn each_element(xml: &str, mut f: impl FnMut(&[u8], &[(Vec<u8>, String)])) {
    let mut reader = Reader::from_str(xml);
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) => f(e.local_name().as_ref(), &attributes(&e)),
            Event::Eof => break,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_and_percent_formats() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"D3"), Some((2, 3)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"1A"), None);
        assert!(shows_percent("0.0%"));
        assert!(shows_percent("[Red]0%"));
        assert!(!shows_percent("0\"%\""));
        assert!(!shows_percent("0.00"));
        assert!(!shows_percent("0;0%"));
    }
}
