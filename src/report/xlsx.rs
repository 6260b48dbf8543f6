//! The Excel workbook: ranking with data bars and rank intervals, dimension heatmap, target gaps
//! in red/amber/green, year-on-year changes, one sheet per township, data quality, methodology.

use std::collections::HashSet;
use std::path::Path;

use polars::prelude::*;
use rust_xlsxwriter::{Color, ConditionalFormat3ColorScale, ConditionalFormatDataBar, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::{Lang, Scorecard};
use crate::error::{Error, Result};

const GREEN: u32 = 0xC6EFCE;
const AMBER: u32 = 0xFFEB9C;
const RED: u32 = 0xFFC7CE;
const GREY: u32 = 0xE7E6E6;
const HEADER: u32 = 0xDDEBF7;

fn xerr(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::io(path.display().to_string(), std::io::Error::other(e.to_string()))
}

/// A column of a frame as display values.
enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

fn cell(col: &Column, i: usize) -> Cell {
    match col.get(i) {
        Ok(AnyValue::Null) | Err(_) => Cell::Empty,
        Ok(AnyValue::String(s)) => Cell::Text(s.to_string()),
        Ok(AnyValue::StringOwned(s)) => Cell::Text(s.to_string()),
        Ok(AnyValue::Boolean(b)) => Cell::Text(if b { "✓".into() } else { "✗".into() }),
        Ok(AnyValue::Float64(x)) => Cell::Number(x),
        Ok(AnyValue::Float32(x)) => Cell::Number(f64::from(x)),
        Ok(v) => match v.extract::<f64>() {
            Some(x) => Cell::Number(x),
            None => Cell::Text(v.to_string()),
        },
    }
}

fn str_col<'f>(frame: &'f DataFrame, name: &str) -> Option<&'f StringChunked> {
    frame.column(name).ok().and_then(|c| c.str().ok())
}

fn num(frame: &DataFrame, name: &str, i: usize) -> Option<f64> {
    frame.column(name).ok().and_then(|c| c.get(i).ok()).and_then(|v| v.extract::<f64>())
}

/// Rows of `frame` whose `year` column equals `year` (all rows when it has no year column).
fn rows_of_year(frame: &DataFrame, year: i32) -> Vec<usize> {
    match frame.column("year").ok().and_then(|c| c.cast(&DataType::Int32).ok()) {
        Some(y) => {
            let y = y.i32().cloned().unwrap_or_else(|_| Int32Chunked::full_null("year".into(), frame.height()));
            (0..frame.height()).filter(|&i| y.get(i) == Some(year)).collect()
        }
        None => (0..frame.height()).collect(),
    }
}

struct Writer<'a> {
    card: &'a Scorecard<'a>,
    lang: Lang,
    bold: Format,
    title: Format,
    header: Format,
    score: Format,
    pct: Format,
    wrap: Format,
}

impl Writer<'_> {
    fn l<'k>(&self, key: &'k str) -> &'k str {
        self.lang.label(key)
    }

    /// A category string in the sheet's language.
    fn term(&self, word: &str) -> String {
        let key = if word == "met" { "met_status" } else { word };
        self.lang.label(key).to_string()
    }

    fn indicator_name(&self, code: &str) -> String {
        self.card
            .scores
            .names
            .indicators
            .iter()
            .find(|i| i.0 == code)
            .map_or_else(|| code.to_string(), |i| if self.lang == Lang::Zh { i.1.clone() } else { i.2.clone() })
    }

    fn dimension_name(&self, code: &str) -> String {
        self.card
            .scores
            .names
            .dimensions
            .iter()
            .find(|d| d.0 == code)
            .map_or_else(|| code.to_string(), |d| if self.lang == Lang::Zh { d.1.clone() } else { d.2.clone() })
    }

    fn headers(&self, ws: &mut Worksheet, row: u32, cols: &[&str]) -> std::result::Result<(), XlsxError> {
        for (c, name) in cols.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, self.l(name), &self.header)?;
        }
        Ok(())
    }

    /// Writes the columns `cols` of `frame` for `rows`, from `start`; category strings of the
    /// columns in `terms` are translated. Returns the next free row.
    fn table(
        &self,
        ws: &mut Worksheet,
        start: u32,
        frame: &DataFrame,
        cols: &[&str],
        rows: &[usize],
        fill: &dyn Fn(usize) -> Option<u32>,
    ) -> std::result::Result<u32, XlsxError> {
        const TERMS: &[&str] = &["status", "reason", "severity", "level", "label"];
        let present: Vec<&str> = cols.iter().copied().filter(|c| frame.column(c).is_ok()).collect();
        self.headers(ws, start, &present)?;
        let mut r = start + 1;
        for &i in rows {
            let colour = fill(i);
            for (c, name) in present.iter().enumerate() {
                let col = frame.column(name).map_err(|e| XlsxError::ParameterError(e.to_string()))?;
                let mut format = if matches!(*name, "achievement" | "coverage" | "rel_change" | "share") {
                    self.pct.clone()
                } else {
                    self.score.clone()
                };
                if let Some(rgb) = colour {
                    format = format.set_background_color(Color::RGB(rgb));
                }
                match cell(col, i) {
                    Cell::Text(t) => {
                        let t = if TERMS.contains(name) {
                            self.term(&t)
                        } else if *name == "flags" {
                            t.split(',').map(|f| self.term(f)).collect::<Vec<_>>().join(if self.lang == Lang::Zh { "、" } else { ", " })
                        } else {
                            t
                        };
                        ws.write_string_with_format(r, c as u16, &t, &format)?;
                    }
                    Cell::Number(x) if x.is_finite() => {
                        ws.write_number_with_format(r, c as u16, x, &format)?;
                    }
                    Cell::Number(_) | Cell::Empty => {
                        ws.write_blank(r, c as u16, &format)?;
                    }
                };
            }
            r += 1;
        }
        if r > start + 1 {
            ws.autofilter(start, 0, r - 1, present.len().saturating_sub(1) as u16)?;
        }
        Ok(r)
    }
}

/// A worksheet name: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
fn sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let clean: String = wanted.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
    let mut name = if clean.trim().is_empty() { "sheet".to_string() } else { clean };
    let base = name.clone();
    let mut k = 2;
    while used.contains(&name.to_lowercase()) {
        name = format!("{base}~{k}");
        k += 1;
    }
    used.insert(name.to_lowercase());
    name
}

impl Scorecard<'_> {
    /// The year shown: as asked, else the latest scored year with a ranked unit.
    /// A year that was not scored is an error listing the scored years (an empty scorecard
    /// would look like a county where nobody reported anything).
    pub fn shown_year(&self) -> Result<i32> {
        let comp = self.scores.composite()?;
        let years = comp.column("year")?.i32()?.clone();
        if let Some(y) = self.year {
            let mut scored: Vec<i32> = years.iter().flatten().collect();
            scored.sort_unstable();
            scored.dedup();
            if scored.binary_search(&y).is_err() {
                let list = scored.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
                let list = if list.is_empty() { "none".to_string() } else { list };
                return Err(Error::InvalidArgument(format!(
                    "year {y} was not scored, so there is no scorecard for it; scored years: {list} \
                     (pick one of them, or score {y} with panel.score(years=[{y}]))"
                )));
            }
            return Ok(y);
        }
        let ranks = comp.column("rank")?.u32()?.clone();
        (0..comp.height())
            .filter(|&i| ranks.get(i).is_some())
            .filter_map(|i| years.get(i))
            .max()
            .ok_or_else(|| Error::InvalidArgument("no unit is ranked in any scored year: there is nothing to put on a scorecard".into()))
    }

    /// Writes the workbook. Sheets: ranking, dimensions, targets (with gaps), changes (with
    /// changes), one per township, data quality, methodology.
    pub fn write_xlsx(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let year = self.shown_year()?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        }
        let e = xerr(path);
        let font = if self.lang == Lang::Zh { "等线" } else { "Calibri" };
        let base = Format::new().set_font_name(font);
        let w = Writer {
            card: self,
            lang: self.lang,
            bold: base.clone().set_bold(),
            title: base.clone().set_bold().set_font_size(14),
            header: base.clone().set_bold().set_background_color(Color::RGB(HEADER)).set_text_wrap().set_align(FormatAlign::Center),
            score: base.clone().set_num_format("0.0"),
            pct: base.clone().set_num_format("0%"),
            wrap: base.clone().set_text_wrap().set_align(FormatAlign::Top),
        };
        let mut book = Workbook::new();
        let mut used = HashSet::new();
        let comp = self.scores.composite()?;
        let comp_rows = rows_of_year(&comp, year);
        let units = str_col(&comp, "unit").ok_or_else(|| Error::InvalidArgument("internal: composite has no unit".into()))?.clone();
        let names = str_col(&comp, "name").cloned();
        let label_of = |i: usize| -> String {
            let code = units.get(i).unwrap_or("");
            names.as_ref().and_then(|n| n.get(i)).map_or_else(|| code.to_string(), |n| n.to_string())
        };

        // 1. Ranking.
        {
            let ws = book.add_worksheet();
            ws.set_name(sheet_name(w.l("sheet_ranking"), &mut used)).map_err(&e)?;
            ws.write_string_with_format(0, 0, format!("{} — {} {year}", w.l("title_ranking"), w.l("year")), &w.title).map_err(&e)?;
            if let Some(note) = &self.data_note {
                ws.write_string_with_format(1, 0, format!("{}: {note}", w.l("data_note")), &w.bold).map_err(&e)?;
            }
            let cols = ["rank", "name", "unit", "group", "score", "group_rank", "rank_change", "coverage", "flags", "reason"];
            let next = w.table(ws, 3, &comp, &cols, &comp_rows, &|_| None).map_err(&e)?;
            if next > 4 {
                ws.add_conditional_format(4, 4, next - 1, 4, &ConditionalFormatDataBar::new()).map_err(&e)?;
            }
            // Rank intervals, when the uncertainty analysis was run.
            if let Some(ranks) = self.ranks {
                let col = cols.len() as u16;
                ws.write_string_with_format(3, col, w.l("rank_interval"), &w.header).map_err(&e)?;
                let ru = str_col(ranks, "unit");
                let ry = rows_of_year(ranks, year);
                for (k, &i) in comp_rows.iter().enumerate() {
                    let code = units.get(i).unwrap_or("");
                    if let Some(j) = ry.iter().copied().find(|&j| ru.and_then(|u| u.get(j)) == Some(code))
                        && let (Some(a), Some(b)) = (num(ranks, "rank_p05", j), num(ranks, "rank_p95", j))
                    {
                        ws.write_string(4 + k as u32, col, format!("{a:.0}–{b:.0}")).map_err(&e)?;
                    }
                }
                ws.set_column_width(col, 16).map_err(&e)?;
            }
            ws.set_column_width(1, 16).map_err(&e)?;
            ws.set_column_width(4, 14).map_err(&e)?;
            ws.set_column_width(9, 14).map_err(&e)?;
            ws.set_freeze_panes(4, 2).map_err(&e)?;
        }

        // 2. Dimension heatmap: units (in rank order) × dimensions.
        {
            let dims = self.scores.dimensions()?;
            let ws = book.add_worksheet();
            ws.set_name(sheet_name(w.l("sheet_dimensions"), &mut used)).map_err(&e)?;
            ws.write_string_with_format(0, 0, format!("{} — {year}", w.l("title_dimensions")), &w.title).map_err(&e)?;
            let dim_codes: Vec<String> = {
                let mut seen = Vec::new();
                if let Some(d) = str_col(&dims, "dimension") {
                    for x in d.iter().flatten() {
                        if !seen.iter().any(|s: &String| s == x) {
                            seen.push(x.to_string());
                        }
                    }
                }
                seen
            };
            ws.write_string_with_format(2, 0, w.l("name"), &w.header).map_err(&e)?;
            ws.write_string_with_format(2, 1, w.l("score"), &w.header).map_err(&e)?;
            for (c, d) in dim_codes.iter().enumerate() {
                ws.write_string_with_format(2, 2 + c as u16, w.dimension_name(d), &w.header).map_err(&e)?;
                ws.set_column_width(2 + c as u16, 14).map_err(&e)?;
            }
            ws.set_row_height(2, 60).map_err(&e)?;
            let du = str_col(&dims, "unit").cloned();
            let dd = str_col(&dims, "dimension").cloned();
            let dy = rows_of_year(&dims, year);
            for (k, &i) in comp_rows.iter().enumerate() {
                let r = 3 + k as u32;
                let code = units.get(i).unwrap_or("");
                ws.write_string(r, 0, label_of(i)).map_err(&e)?;
                if let Some(x) = num(&comp, "score", i) {
                    ws.write_number_with_format(r, 1, x, &w.score).map_err(&e)?;
                }
                for &j in &dy {
                    if du.as_ref().and_then(|u| u.get(j)) != Some(code) {
                        continue;
                    }
                    let Some(d) = dd.as_ref().and_then(|d| d.get(j)) else { continue };
                    if let (Some(c), Some(x)) = (dim_codes.iter().position(|x| x == d), num(&dims, "score", j)) {
                        ws.write_number_with_format(r, 2 + c as u16, x, &w.score).map_err(&e)?;
                    }
                }
            }
            if !comp_rows.is_empty() && !dim_codes.is_empty() {
                let last = 2 + comp_rows.len() as u32;
                let scale = ConditionalFormat3ColorScale::new()
                    .set_minimum_color(Color::RGB(0xF8696B))
                    .set_midpoint_color(Color::RGB(0xFFEB84))
                    .set_maximum_color(Color::RGB(0x63BE7B));
                ws.add_conditional_format(3, 2, last, 1 + dim_codes.len() as u16, &scale).map_err(&e)?;
            }
            ws.set_column_width(0, 16).map_err(&e)?;
            ws.set_freeze_panes(3, 1).map_err(&e)?;
        }

        // 3. Targets, red / amber / green.
        if let Some(gaps) = self.gaps {
            let ws = book.add_worksheet();
            ws.set_name(sheet_name(w.l("sheet_targets"), &mut used)).map_err(&e)?;
            ws.write_string_with_format(0, 0, format!("{} — {year}", w.l("title_targets")), &w.title).map_err(&e)?;
            let frame = with_indicator_names(gaps, &w)?;
            let rows = rows_of_year(&frame, year);
            let status = str_col(&frame, "status").cloned();
            let rag = |i: usize| -> Option<u32> {
                match status.as_ref().and_then(|s| s.get(i)) {
                    Some("met") => Some(GREEN),
                    Some("missed") if num(&frame, "achievement", i).is_some_and(|a| a >= 0.9) => Some(AMBER),
                    Some("missed") => Some(RED),
                    Some(_) => Some(GREY),
                    None => None,
                }
            };
            let cols = [
                "unit",
                "indicator",
                "indicator_name",
                "comparator",
                "target",
                "value",
                "gap",
                "achievement",
                "status",
                "certain",
                "reason",
            ];
            w.table(ws, 2, &frame, &cols, &rows, &rag).map_err(&e)?;
            ws.set_column_width(2, 30).map_err(&e)?;
            ws.set_freeze_panes(3, 1).map_err(&e)?;
        }

        // 4. Year-on-year changes.
        if let Some(changes) = self.changes {
            let ws = book.add_worksheet();
            ws.set_name(sheet_name(w.l("sheet_changes"), &mut used)).map_err(&e)?;
            ws.write_string_with_format(0, 0, format!("{} — {year}", w.l("title_changes")), &w.title).map_err(&e)?;
            let frame = with_indicator_names(changes, &w)?;
            let rows = rows_of_year(&frame, year);
            let status = str_col(&frame, "status").cloned();
            let colour = |i: usize| match status.as_ref().and_then(|s| s.get(i)) {
                Some("improved") => Some(GREEN),
                Some("declined") => Some(RED),
                _ => None,
            };
            let cols = [
                "unit",
                "indicator",
                "indicator_name",
                "prev_year",
                "prev_value",
                "value",
                "abs_change",
                "rel_change",
                "status",
                "certain",
                "reason",
            ];
            w.table(ws, 2, &frame, &cols, &rows, &colour).map_err(&e)?;
            ws.set_column_width(2, 30).map_err(&e)?;
            ws.set_freeze_panes(3, 1).map_err(&e)?;
        }

        // 5. One sheet per township, in rank order.
        for &i in &comp_rows {
            let code = units.get(i).unwrap_or("").to_string();
            let ws = book.add_worksheet();
            ws.set_name(sheet_name(&label_of(i), &mut used)).map_err(&e)?;
            ws.write_string_with_format(0, 0, format!("{} ({code}) — {year}", label_of(i)), &w.title).map_err(&e)?;
            let mut r = 2u32;
            let facts: [(&str, Option<f64>); 4] = [
                ("score", num(&comp, "score", i)),
                ("rank", num(&comp, "rank", i)),
                ("group_rank", num(&comp, "group_rank", i)),
                ("coverage", num(&comp, "coverage", i)),
            ];
            for (key, value) in facts {
                ws.write_string_with_format(r, 0, w.l(key), &w.bold).map_err(&e)?;
                match value {
                    Some(x) if key == "coverage" => ws.write_number_with_format(r, 1, x, &w.pct).map_err(&e)?,
                    Some(x) => ws.write_number_with_format(r, 1, x, &w.score).map_err(&e)?,
                    None => ws.write_string(r, 1, w.l("not_ranked")).map_err(&e)?,
                };
                r += 1;
            }
            if let Some(reason) = str_col(&comp, "reason").and_then(|c| c.get(i)) {
                ws.write_string_with_format(r, 0, w.l("reason"), &w.bold).map_err(&e)?;
                ws.write_string(r, 1, w.term(reason)).map_err(&e)?;
                r += 1;
            }
            r += 1;
            let profile = self.scores.profile(&code, Some(year))?;
            let level = str_col(&profile, "level").cloned();
            let label = str_col(&profile, "label").cloned();
            let pcode = str_col(&profile, "code").cloned();
            let dim_rows: Vec<usize> =
                (0..profile.height()).filter(|&j| level.as_ref().and_then(|l| l.get(j)) == Some("dimension")).collect();
            ws.write_string_with_format(r, 0, w.l("title_unit_dims"), &w.bold).map_err(&e)?;
            r += 1;
            let named = profile_with_names(&profile, &w)?;
            r = w
                .table(ws, r, &named, &["dimension", "dimension_score", "median", "rank", "of", "label"], &dim_rows, &|_| None)
                .map_err(&e)?
                + 1;
            for (title, want) in [("title_strengths", "strength"), ("title_weaknesses", "weakness")] {
                ws.write_string_with_format(r, 0, w.l(title), &w.bold).map_err(&e)?;
                r += 1;
                let picked: Vec<usize> = (0..profile.height())
                    .filter(|&j| {
                        level.as_ref().and_then(|l| l.get(j)) == Some("indicator") && label.as_ref().and_then(|l| l.get(j)) == Some(want)
                    })
                    .collect();
                if picked.is_empty() {
                    ws.write_string(r, 0, w.l("none")).map_err(&e)?;
                    r += 2;
                    continue;
                }
                for &j in &picked {
                    let c = pcode.as_ref().and_then(|p| p.get(j)).unwrap_or("");
                    ws.write_string(r, 0, c).map_err(&e)?;
                    ws.write_string(r, 1, w.indicator_name(c)).map_err(&e)?;
                    if let Some(x) = num(&profile, "score", j) {
                        ws.write_number_with_format(r, 2, x, &w.score).map_err(&e)?;
                    }
                    r += 1;
                }
                r += 1;
            }
            if let Some(gaps) = self.gaps {
                ws.write_string_with_format(r, 0, w.l("title_missed"), &w.bold).map_err(&e)?;
                r += 1;
                let frame = with_indicator_names(gaps, &w)?;
                let gu = str_col(&frame, "unit").cloned();
                let gs = str_col(&frame, "status").cloned();
                let missed: Vec<usize> = rows_of_year(&frame, year)
                    .into_iter()
                    .filter(|&j| {
                        gu.as_ref().and_then(|u| u.get(j)) == Some(code.as_str()) && gs.as_ref().and_then(|s| s.get(j)) == Some("missed")
                    })
                    .collect();
                if missed.is_empty() {
                    ws.write_string(r, 0, w.l("none")).map_err(&e)?;
                } else {
                    w.table(
                        ws,
                        r,
                        &frame,
                        &["indicator", "indicator_name", "comparator", "target", "value", "gap", "achievement"],
                        &missed,
                        &|_| Some(RED),
                    )
                    .map_err(&e)?;
                }
            }
            ws.set_column_width(0, 26).map_err(&e)?;
            ws.set_column_width(1, 30).map_err(&e)?;
        }

        // 6. Data quality: diagnostics and what the scores left out.
        {
            let ws = book.add_worksheet();
            ws.set_name(sheet_name(w.l("sheet_quality"), &mut used)).map_err(&e)?;
            let mut r = 0u32;
            if let Some(diag) = self.diagnostics {
                ws.write_string_with_format(r, 0, w.l("title_quality"), &w.title).map_err(&e)?;
                let sev = str_col(diag, "severity").cloned();
                let mut rows: Vec<usize> = (0..diag.height()).collect();
                rows.sort_by_key(|&i| (sev.as_ref().and_then(|s| s.get(i)) != Some("warning"), i));
                let colour = |i: usize| (sev.as_ref().and_then(|s| s.get(i)) == Some("warning")).then_some(AMBER);
                r = w.table(ws, r + 2, diag, &["unit", "year", "indicator", "check", "severity", "message"], &rows, &colour).map_err(&e)?
                    + 2;
            }
            ws.write_string_with_format(r, 0, w.l("title_excluded"), &w.title).map_err(&e)?;
            let ex = self.scores.excluded()?;
            let rows: Vec<usize> = (0..ex.height()).collect();
            w.table(ws, r + 2, &ex, &["unit", "year", "indicator", "dimension", "level", "reason", "detail"], &rows, &|_| None)
                .map_err(&e)?;
            ws.set_column_width(5, 60).map_err(&e)?;
            ws.set_column_width(6, 60).map_err(&e)?;
        }

        // 7. Methodology: notes, settings, weights.
        {
            let ws = book.add_worksheet();
            ws.set_name(sheet_name(w.l("sheet_method"), &mut used)).map_err(&e)?;
            ws.write_string_with_format(0, 0, w.l("title_method"), &w.title).map_err(&e)?;
            let mut r = 2u32;
            for key in ["method_note_1", "method_note_2", "method_note_3", "method_note_4"] {
                ws.merge_range(r, 0, r, 5, w.l(key), &w.wrap).map_err(&e)?;
                ws.set_row_height(r, 32).map_err(&e)?;
                r += 1;
            }
            if let Some(note) = &self.data_note {
                ws.write_string_with_format(r, 0, format!("{}: {note}", w.l("data_note")), &w.bold).map_err(&e)?;
                r += 1;
            }
            r += 1;
            ws.write_string_with_format(r, 0, w.l("setting"), &w.header).map_err(&e)?;
            ws.write_string_with_format(r, 1, w.l("value_setting"), &w.header).map_err(&e)?;
            r += 1;
            for (k, v) in self.scores.settings() {
                ws.write_string(r, 0, k).map_err(&e)?;
                ws.write_string(r, 1, v).map_err(&e)?;
                r += 1;
            }
            r += 1;
            ws.write_string_with_format(r, 0, w.l("title_weights"), &w.bold).map_err(&e)?;
            let weights = self.scores.weights()?;
            let rows: Vec<usize> = (0..weights.height()).collect();
            w.table(
                ws,
                r + 1,
                &weights,
                &["level", "code", "dimension", "weight", "share", "normalise", "worst", "best", "goalposts_from"],
                &rows,
                &|_| None,
            )
            .map_err(&e)?;
            ws.set_column_width(0, 22).map_err(&e)?;
            ws.set_column_width(1, 40).map_err(&e)?;
        }

        book.save(path).map_err(&e)?;
        Ok(())
    }
}

/// `frame` with an `indicator_name` column in the sheet's language.
fn with_indicator_names(frame: &DataFrame, w: &Writer<'_>) -> Result<DataFrame> {
    let Some(codes) = str_col(frame, "indicator") else { return Ok(frame.clone()) };
    let names: Vec<Option<String>> = codes.iter().map(|c| c.map(|c| w.indicator_name(c))).collect();
    let mut out = frame.clone();
    if out.column("indicator_name").is_err() {
        out.with_column(Column::new("indicator_name".into(), names))?;
    }
    Ok(out)
}

/// A profile with its `dimension` column holding names (for the township sheets).
fn profile_with_names(profile: &DataFrame, w: &Writer<'_>) -> Result<DataFrame> {
    let codes = str_col(profile, "code").cloned().unwrap_or_else(|| StringChunked::full_null("code".into(), profile.height()));
    let names: Vec<Option<String>> = codes.iter().map(|c| c.map(|c| w.dimension_name(c))).collect();
    let mut out = profile.clone();
    out.with_column(Column::new("dimension".into(), names))?;
    out.rename("score", "dimension_score".into())?;
    Ok(out)
}
