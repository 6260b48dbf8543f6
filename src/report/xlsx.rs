//! The Excel workbook, laid out from the view-model: 排名 (data bars, rank intervals; one A4
//! page), 维度得分 (heatmap), 目标差距 (red/amber/green), 规划进度, 同比变化, one sheet per
//! township, 数据质量 and 方法说明. Every sheet is set up to print: A4, fitted to the page width,
//! header rows repeated, the title and page number in the margins.

use std::collections::HashSet;
use std::path::Path;

use rust_xlsxwriter::{Color, ConditionalFormat3ColorScale, ConditionalFormatDataBar, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::Lang;
use super::model::{Model, UnitCard};
use crate::error::{Error, Result};

const HEADER: u32 = 0xDDEBF7;

fn colour(name: &str) -> Option<u32> {
    match name {
        "green" => Some(0xC6EFCE),
        "amber" => Some(0xFFEB9C),
        "red" => Some(0xFFC7CE),
        "grey" => Some(0xE7E6E6),
        _ => None,
    }
}

/// A cell of a table row.
enum Cell {
    Text(String),
    Number(f64),
    /// A share in [0, 1], shown as a percent.
    Share(f64),
    /// A 0–100 score, one decimal.
    Score(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        if s.is_empty() { Self::Empty } else { Self::Text(s.to_string()) }
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Self {
        s.as_str().into()
    }
}

fn text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, Cell::from)
}

fn number(x: Option<f64>) -> Cell {
    x.filter(|x| x.is_finite()).map_or(Cell::Empty, Cell::Number)
}

fn score(x: Option<f64>) -> Cell {
    x.filter(|x| x.is_finite()).map_or(Cell::Empty, Cell::Score)
}

fn share(x: Option<f64>) -> Cell {
    x.filter(|x| x.is_finite()).map_or(Cell::Empty, Cell::Share)
}

fn int<T: Into<i64>>(x: Option<T>) -> Cell {
    x.map_or(Cell::Empty, |x| Cell::Number(x.into() as f64))
}

struct Formats {
    bold: Format,
    title: Format,
    header: Format,
    plain: Format,
    score: Format,
    pct: Format,
    wrap: Format,
}

/// Writes a sheet top to bottom.
struct Sheet<'w> {
    ws: &'w mut Worksheet,
    f: &'w Formats,
    row: u32,
    /// Widest column written to, for the print area and autofilters.
    width: u16,
}

type X<T> = std::result::Result<T, XlsxError>;

impl Sheet<'_> {
    fn title(&mut self, text: &str) -> X<()> {
        self.ws.write_string_with_format(self.row, 0, text, &self.f.title)?;
        self.row += 1;
        Ok(())
    }

    fn line(&mut self, text: &str, format: Option<&Format>) -> X<()> {
        if !text.is_empty() {
            self.ws.write_string_with_format(self.row, 0, text, format.unwrap_or(&self.f.plain))?;
        }
        self.row += 1;
        Ok(())
    }

    fn skip(&mut self) {
        self.row += 1;
    }

    fn cell(&mut self, col: u16, cell: &Cell, fill: Option<u32>) -> X<()> {
        let with = |f: &Format| match fill {
            Some(rgb) => f.clone().set_background_color(Color::RGB(rgb)),
            None => f.clone(),
        };
        let r = self.row;
        match cell {
            Cell::Text(t) => self.ws.write_string_with_format(r, col, t, &with(&self.f.plain))?,
            Cell::Number(x) => self.ws.write_number_with_format(r, col, *x, &with(&self.f.plain))?,
            Cell::Score(x) => self.ws.write_number_with_format(r, col, *x, &with(&self.f.score))?,
            Cell::Share(x) => self.ws.write_number_with_format(r, col, *x, &with(&self.f.pct))?,
            Cell::Empty => self.ws.write_blank(r, col, &with(&self.f.plain))?,
        };
        self.width = self.width.max(col + 1);
        Ok(())
    }

    /// A header row and the rows under it (`fill`: each row's background); an autofilter over
    /// it when `filter`. Returns the header's row.
    fn table(&mut self, head: &[&str], rows: Vec<(Vec<Cell>, Option<u32>)>, filter: bool) -> X<u32> {
        let top = self.row;
        for (c, h) in head.iter().enumerate() {
            self.ws.write_string_with_format(top, c as u16, *h, &self.f.header)?;
        }
        self.width = self.width.max(head.len() as u16);
        self.row += 1;
        for (cells, fill) in &rows {
            for (c, cell) in cells.iter().enumerate() {
                self.cell(c as u16, cell, *fill)?;
            }
            self.row += 1;
        }
        if filter && !rows.is_empty() {
            self.ws.autofilter(top, 0, self.row - 1, head.len().saturating_sub(1) as u16)?;
        }
        Ok(top)
    }

    fn widths(&mut self, widths: &[f64]) -> X<()> {
        for (c, w) in widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w)?;
        }
        Ok(())
    }
}

/// A4, fitted to the page width (and to one page when `one_page`), the header row `repeat`
/// repeated on every page, the title in the header and the page number in the footer.
fn print_setup(ws: &mut Worksheet, title: &str, landscape: bool, one_page: bool, repeat: Option<u32>) -> X<()> {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, if one_page { 1 } else { 0 });
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    // `&` starts a code in Excel's header language; a literal one is written `&&`.
    ws.set_header(format!("&C{}", title.replace('&', "&&")));
    ws.set_footer("&C&P / &N");
    if let Some(r) = repeat {
        ws.set_repeat_rows(r, r)?;
    }
    Ok(())
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

pub(super) fn write(m: &Model, path: &Path) -> Result<()> {
    super::create_parent(path)?;
    let fail = |e: XlsxError| Error::io(path.display().to_string(), std::io::Error::other(e.to_string()));
    let mut book = Workbook::new();
    build(&mut book, m).map_err(fail)?;
    book.save(path).map_err(fail)
}

fn build(book: &mut Workbook, m: &Model) -> X<()> {
    let t = |k: &str| m.t.get(k).copied().unwrap_or("");
    let font = if m.lang == Lang::Zh { "等线" } else { "Calibri" };
    let base = Format::new().set_font_name(font);
    let f = Formats {
        bold: base.clone().set_bold(),
        title: base.clone().set_bold().set_font_size(14),
        header: base.clone().set_bold().set_background_color(Color::RGB(HEADER)).set_text_wrap().set_align(FormatAlign::Center),
        plain: base.clone(),
        score: base.clone().set_num_format("0.0"),
        pct: base.clone().set_num_format("0%"),
        wrap: base.clone().set_text_wrap().set_align(FormatAlign::Top),
    };
    let mut used = HashSet::new();
    let sep = if m.lang == Lang::Zh { "、" } else { ", " };
    let year = format!(" — {} {}", t("year"), m.year);

    // 1. Ranking: one A4 page.
    {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(t("sheet_ranking"), &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        s.title(&m.title)?;
        // The note's row is kept when there is none, so the table starts on the same row.
        let note = m.data_note.as_ref().map(|n| format!("{}: {n}", t("data_note"))).unwrap_or_default();
        s.line(&note, Some(&f.bold))?;
        s.line(&m.summary, None)?;
        s.skip();
        let mut head = vec![t("rank"), t("name"), t("unit"), t("group"), t("score")];
        if m.intervals {
            head.push(t("rank_interval"));
        }
        head.extend([t("group_rank"), t("rank_change"), t("coverage"), t("flags"), t("reason")]);
        let rows = m
            .ranking
            .iter()
            .map(|r| {
                let mut cells = vec![int(r.rank), (&r.name).into(), (&r.unit).into(), (&r.group).into(), score(r.score)];
                if m.intervals {
                    cells.push(r.interval.as_ref().map_or(Cell::Empty, |i| Cell::Text(i.text())));
                }
                let card = m.units.iter().find(|u| u.unit == r.unit);
                cells.extend([
                    int(card.and_then(|c| c.group_rank)),
                    int(r.rank_change),
                    share(r.coverage),
                    Cell::from(r.flags.join(sep).as_str()),
                    text(r.reason.as_deref()),
                ]);
                (cells, None)
            })
            .collect();
        let top = s.table(&head, rows, true)?;
        if s.row > top + 1 {
            s.ws.add_conditional_format(top + 1, 4, s.row - 1, 4, &ConditionalFormatDataBar::new())?;
        }
        s.skip();
        if let Some(legend) = &m.interval_legend {
            s.ws.merge_range(s.row, 0, s.row, 10, legend, &f.wrap)?;
            s.ws.set_row_height(s.row, 45)?;
            s.skip();
        }
        if !m.common_flags.is_empty() {
            s.line(&format!("{}{}", t("common_flags"), m.common_flags.join(sep)), None)?;
        }
        let mut widths = vec![6.0, 16.0, 10.0, 12.0, 14.0];
        if m.intervals {
            widths.push(12.0);
        }
        widths.extend([9.0, 9.0, 10.0, 14.0, 30.0]);
        s.widths(&widths)?;
        s.ws.set_freeze_panes(top + 1, 2)?;
        print_setup(s.ws, &m.title, false, true, Some(top))?;
    }

    // 2. Dimension heatmap: units (in rank order) × dimensions.
    {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(t("sheet_dimensions"), &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        s.title(&format!("{}{year}", t("title_dimensions")))?;
        s.skip();
        let mut head = vec![t("name"), t("score")];
        head.extend(m.dimensions.iter().map(|d| d.name.as_str()));
        let rows = m
            .ranking
            .iter()
            .map(|r| {
                let mut cells = vec![(&r.name).into(), score(r.score)];
                cells.extend(r.dims.iter().map(|d| score(*d)));
                (cells, None)
            })
            .collect();
        let top = s.table(&head, rows, false)?;
        s.ws.set_row_height(top, 60)?;
        if s.row > top + 1 && !m.dimensions.is_empty() {
            let scale = ConditionalFormat3ColorScale::new()
                .set_minimum_color(Color::RGB(0xF8696B))
                .set_midpoint_color(Color::RGB(0xFFEB84))
                .set_maximum_color(Color::RGB(0x63BE7B));
            s.ws.add_conditional_format(top + 1, 2, s.row - 1, 1 + m.dimensions.len() as u16, &scale)?;
        }
        let mut widths = vec![16.0, 10.0];
        widths.extend(m.dimensions.iter().map(|_| 14.0));
        s.widths(&widths)?;
        s.ws.set_freeze_panes(top + 1, 1)?;
        print_setup(s.ws, &m.title, true, false, Some(top))?;
    }

    // 3. Targets, red / amber / green.
    if let Some(targets) = &m.targets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(t("sheet_targets"), &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        s.title(&format!("{}{year}", t("title_targets")))?;
        s.skip();
        let head = [t("name"), t("indicator"), t("target"), t("value"), t("gap"), t("achievement"), t("status"), t("certain"), t("reason")];
        let rows = targets
            .iter()
            .map(|r| {
                let cells = vec![
                    (&r.of.unit_name).into(),
                    (&r.of.name).into(),
                    (&r.target_text).into(),
                    (&r.value_text).into(),
                    number(r.gap),
                    share(r.achievement),
                    (&r.status_text).into(),
                    (&r.certain_text).into(),
                    text(r.reason.as_deref()),
                ];
                (cells, colour(r.colour))
            })
            .collect();
        let top = s.table(&head, rows, true)?;
        s.widths(&[14.0, 32.0, 16.0, 14.0, 10.0, 10.0, 10.0, 14.0, 40.0])?;
        s.ws.set_freeze_panes(top + 1, 1)?;
        print_setup(s.ws, &m.title, true, false, Some(top))?;
    }

    // 4. Plan progress.
    if let Some(progress) = &m.progress {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(t("sheet_progress"), &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        s.title(&format!("{}{year}", t("progress")))?;
        s.line(&progress.summary, None)?;
        s.line(t("progress_note"), None)?;
        s.skip();
        let head = [t("name"), t("indicator"), t("progress"), t("target_year"), t("latest"), t("projected"), t("assessment"), t("reason")];
        let rows = progress
            .rows
            .iter()
            .map(|r| {
                let cells = vec![
                    (&r.of.unit_name).into(),
                    (&r.of.name).into(),
                    (&r.sentence).into(),
                    int(r.target_year),
                    number(r.latest_value),
                    number(r.projected_value),
                    (&r.category_text).into(),
                    text(r.reason.as_deref()),
                ];
                (cells, colour(r.colour))
            })
            .collect();
        let top = s.table(&head, rows, true)?;
        s.widths(&[14.0, 30.0, 56.0, 10.0, 10.0, 10.0, 14.0, 36.0])?;
        s.ws.set_freeze_panes(top + 1, 1)?;
        print_setup(s.ws, &m.title, true, false, Some(top))?;
    }

    // 5. Year-on-year changes.
    if let Some(changes) = &m.changes {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(t("sheet_changes"), &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        s.title(&format!("{}{year}", t("title_changes")))?;
        s.skip();
        let head = [
            t("name"),
            t("indicator"),
            t("prev_year"),
            t("prev_value"),
            t("value"),
            t("abs_change"),
            t("rel_change"),
            t("status"),
            t("certain"),
            t("reason"),
        ];
        let rows = changes
            .iter()
            .map(|r| {
                let cells = vec![
                    (&r.of.unit_name).into(),
                    (&r.of.name).into(),
                    int(r.prev_year),
                    number(r.prev_value),
                    number(r.value),
                    number(r.abs_change),
                    share(r.rel_change),
                    (&r.status_text).into(),
                    (&r.certain_text).into(),
                    text(r.reason.as_deref()),
                ];
                let fill = match r.colour {
                    "grey" => None,
                    c => colour(c),
                };
                (cells, fill)
            })
            .collect();
        let top = s.table(&head, rows, true)?;
        s.widths(&[14.0, 32.0, 8.0, 10.0, 10.0, 10.0, 10.0, 10.0, 14.0, 36.0])?;
        s.ws.set_freeze_panes(top + 1, 1)?;
        print_setup(s.ws, &m.title, true, false, Some(top))?;
    }

    // 6. One sheet per township, in rank order.
    for u in &m.units {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&u.name, &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        township(&mut s, m, u)?;
        s.widths(&[30.0, 16.0, 14.0, 14.0, 60.0])?;
        print_setup(s.ws, &format!("{} — {}", m.title, u.name), false, false, None)?;
    }

    // 7. Data quality.
    {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(t("sheet_quality"), &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        s.title(t("title_quality"))?;
        if let Some(intake) = &m.quality.intake {
            s.line(intake, None)?;
        }
        s.skip();
        s.line(t("diagnostics"), Some(&f.bold))?;
        let head = [t("name"), t("year"), t("indicator"), t("check"), t("severity"), t("message")];
        let rows = m
            .quality
            .warnings
            .iter()
            .chain(&m.quality.notes)
            .map(|r| {
                let cells =
                    vec![(&r.unit_name).into(), int(r.year), (&r.what).into(), (&r.kind).into(), (&r.severity).into(), (&r.message).into()];
                (cells, if r.severe { colour("amber") } else { None })
            })
            .collect();
        s.table(&head, rows, true)?;
        s.skip();
        s.line(t("title_excluded"), Some(&f.bold))?;
        let head = [t("name"), t("year"), t("indicator"), t("reason"), t("level"), t("detail")];
        let rows = m
            .quality
            .excluded
            .iter()
            .map(|r| {
                (
                    vec![(&r.unit_name).into(), int(r.year), (&r.what).into(), (&r.kind).into(), (&r.severity).into(), (&r.message).into()],
                    None,
                )
            })
            .collect();
        s.table(&head, rows, false)?;
        s.widths(&[14.0, 8.0, 30.0, 16.0, 10.0, 70.0])?;
        print_setup(s.ws, &m.title, true, false, None)?;
    }

    // 8. Methodology: notes, settings, weights.
    {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(t("sheet_method"), &mut used))?;
        let mut s = Sheet { ws, f: &f, row: 0, width: 0 };
        s.title(t("title_method"))?;
        s.skip();
        for note in &m.method.notes {
            s.ws.merge_range(s.row, 0, s.row, 5, note, &f.wrap)?;
            s.ws.set_row_height(s.row, 32)?;
            s.skip();
        }
        if let Some(note) = &m.data_note {
            s.line(&format!("{}: {note}", t("data_note")), Some(&f.bold))?;
        }
        if !m.method.catalogue.is_empty() {
            s.line(&format!("{}: {}", t("catalogue"), m.method.catalogue), None)?;
        }
        s.skip();
        let rows = m.method.settings.iter().map(|(k, v)| (vec![Cell::from(k), Cell::from(v)], None)).collect();
        s.table(&[t("setting"), t("value_setting")], rows, false)?;
        s.skip();
        s.line(t("weights_dimension"), Some(&f.bold))?;
        let rows = m.method.dimension_weights.iter().map(|w| (vec![(&w.name).into(), number(w.weight), share(w.share)], None)).collect();
        s.table(&[t("item_name"), t("weight"), t("share")], rows, false)?;
        s.skip();
        s.line(t("weights_indicator"), Some(&f.bold))?;
        let rows = m
            .method
            .indicator_weights
            .iter()
            .map(|w| {
                (
                    vec![
                        (&w.name).into(),
                        (&w.dimension).into(),
                        number(w.weight),
                        share(w.share),
                        (&w.normalise).into(),
                        number(w.worst),
                        number(w.best),
                    ],
                    None,
                )
            })
            .collect();
        s.table(&[t("item_name"), t("dimension"), t("weight"), t("share"), t("normalise"), t("worst"), t("best")], rows, false)?;
        s.widths(&[36.0, 28.0, 10.0, 10.0, 18.0, 10.0, 10.0])?;
        print_setup(s.ws, &m.title, false, false, None)?;
    }
    Ok(())
}

/// A township's sheet: its facts, dimension scores, strengths and weaknesses with the figures
/// behind them, missed targets, plan progress, largest changes and what it reported.
fn township(s: &mut Sheet<'_>, m: &Model, u: &UnitCard) -> X<()> {
    let t = |k: &str| m.t.get(k).copied().unwrap_or("");
    let f = s.f;
    s.title(&format!("{} ({}) — {}", u.name, u.unit, m.year))?;
    s.skip();
    let facts: Vec<(&str, Cell)> = vec![
        (t("score"), score(u.score)),
        (t("rank"), Cell::Text(u.rank_text.clone())),
        (t("group_rank"), int(u.group_rank)),
        (t("rank_change"), int(u.rank_change)),
        (t("rank_interval"), u.interval.as_ref().map_or(Cell::Empty, |i| Cell::Text(i.text()))),
        (t("coverage"), share(u.coverage)),
    ];
    for (k, v) in facts.into_iter().filter(|(_, v)| !matches!(v, Cell::Empty)) {
        s.ws.write_string_with_format(s.row, 0, k, &f.bold)?;
        s.cell(1, &v, None)?;
        s.skip();
    }
    if let Some(reason) = &u.reason {
        s.ws.write_string_with_format(s.row, 0, t("reason"), &f.bold)?;
        s.cell(1, &reason.into(), None)?;
        s.skip();
    }
    s.skip();
    s.line(t("title_unit_dims"), Some(&f.bold))?;
    let rows = u
        .dimensions
        .iter()
        .map(|d| (vec![(&d.name).into(), score(d.score), score(d.median), int(d.rank), share(d.coverage)], None))
        .collect();
    s.table(&[t("dimension"), t("dimension_score"), t("median"), t("rank"), t("coverage")], rows, false)?;
    for (title, points) in [(t("strengths"), &u.strengths), (t("weaknesses"), &u.weaknesses)] {
        s.skip();
        s.line(title, Some(&f.bold))?;
        if points.is_empty() {
            s.line(t("none"), None)?;
        }
        for p in points {
            s.line(&p.text, None)?;
        }
    }
    s.line(t("points_note"), None)?;
    if let Some(targets) = &u.targets {
        s.skip();
        s.line(t("targets"), Some(&f.bold))?;
        s.line(&targets.summary, None)?;
        if !targets.missed_rows.is_empty() {
            let rows = targets
                .missed_rows
                .iter()
                .map(|r| {
                    (
                        vec![(&r.of.name).into(), (&r.target_text).into(), (&r.value_text).into(), number(r.gap), share(r.achievement)],
                        colour(r.colour),
                    )
                })
                .collect();
            s.table(&[t("indicator"), t("target"), t("value"), t("gap"), t("achievement")], rows, false)?;
        }
    }
    if !u.progress.is_empty() {
        s.skip();
        s.line(t("progress"), Some(&f.bold))?;
        let rows = u
            .progress
            .iter()
            .map(|r| (vec![(&r.of.name).into(), (&r.sentence).into(), (&r.category_text).into()], colour(r.colour)))
            .collect();
        s.table(&[t("indicator"), t("progress"), t("assessment")], rows, false)?;
    }
    if let Some(changes) = u.changes.as_ref().filter(|c| !c.is_empty()) {
        s.skip();
        s.line(t("changes"), Some(&f.bold))?;
        let rows = changes
            .iter()
            .map(|r| {
                (
                    vec![
                        (&r.of.name).into(),
                        (&r.prev_text).into(),
                        (&r.value_text).into(),
                        (&r.change_text).into(),
                        (&r.status_text).into(),
                    ],
                    None,
                )
            })
            .collect();
        s.table(&[t("indicator"), t("previous"), t("this_year"), t("change"), t("status")], rows, false)?;
    }
    if m.sources
        && let Some(reported) = u.reported.as_ref().filter(|r| !r.is_empty())
    {
        s.skip();
        s.line(t("reported"), Some(&f.bold))?;
        let rows = reported
            .iter()
            .map(|r| (vec![(&r.name).into(), (&r.text).into(), (&r.interval).into(), (&r.qualifier).into(), (&r.source).into()], None))
            .collect();
        s.table(&[t("indicator"), t("as_written"), t("interval"), t("qualifier"), t("source")], rows, false)?;
    }
    Ok(())
}
