//! The Excel scorecard (read back with calamine) and spreadsheets as inputs.
#![allow(clippy::unwrap_used)]

use calamine::{Data, Reader, open_workbook_auto};
use fazhi::analytics::{ChangeOptions, DiagnosticOptions, GapOptions, changes, diagnostics, gaps};
use fazhi::model::{Catalogue, Targets, Units};
use fazhi::report::{Lang, Scorecard};
use fazhi::scoring::{ScoreOptions, score};
use fazhi::{Panel, PanelOptions, RejectReason};

mod common;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");

fn demo() -> Panel {
    let units = Units::read(format!("{DEMO}/units.csv"), None).unwrap();
    Panel::read(format!("{DEMO}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap()
}

/// The demo county's scores, gaps, changes and diagnostics.
fn demo_inputs() -> (fazhi::scoring::Scores, polars::prelude::DataFrame, polars::prelude::DataFrame, polars::prelude::DataFrame) {
    let panel = demo();
    let scores = score(&panel, &ScoreOptions::default()).unwrap();
    let targets = Targets::read(format!("{DEMO}/targets.csv"), panel.catalogue(), None).unwrap();
    let g = gaps(&panel, &targets, &GapOptions::default()).unwrap();
    let c = changes(&panel, &ChangeOptions::default()).unwrap();
    let d = diagnostics(&panel, &DiagnosticOptions::default()).unwrap();
    (scores, g, c, d)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(x) => x.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

#[test]
fn scorecard_workbook_has_every_sheet_and_the_ranking() {
    let (scores, g, c, d) = demo_inputs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("scorecard.xlsx");
    let card = Scorecard {
        gaps: Some(&g),
        changes: Some(&c),
        diagnostics: Some(&d),
        data_note: Some("synthetic demo county (合成…)".into()),
        ..Scorecard::new(&scores)
    };
    assert_eq!(card.shown_year().unwrap(), 2024);
    card.write_xlsx(&path).unwrap();

    let mut book = open_workbook_auto(&path).unwrap();
    let sheets = book.sheet_names().to_vec();
    assert_eq!(&sheets[..4], ["排名", "维度得分", "目标差距", "同比变化"]);
    assert_eq!(&sheets[sheets.len() - 2..], ["数据质量", "方法说明"]);
    assert_eq!(sheets.len(), 4 + 14 + 2, "{sheets:?}");
    assert!(sheets.contains(&"合成甲镇".to_string()));

    // The ranking sheet: header on row 5, then 14 townships in rank order with their scores.
    let ranking = book.worksheet_range("排名").unwrap();
    let header: Vec<String> = ranking.rows().nth(4 - ranking.start().unwrap().0 as usize).unwrap().iter().map(text).collect();
    assert_eq!(&header[..5], ["排名", "乡镇（街道）", "代码", "所属县", "综合得分"]);
    let composite = scores.composite().unwrap();
    let first_code = composite.column("unit").unwrap().str().unwrap().get(composite.height() - 14).unwrap().to_string();
    let body: Vec<Vec<String>> = ranking
        .rows()
        .skip(5 - ranking.start().unwrap().0 as usize)
        .take_while(|r| !text(&r[0]).is_empty())
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(body.len(), 14);
    assert_eq!(body[0][0], "1");
    assert_eq!(body[0][2], first_code);
    // The methodology sheet records the catalogue version.
    let method = book.worksheet_range("方法说明").unwrap();
    assert!(method.rows().any(|r| r.len() >= 2 && text(&r[0]) == "指标目录版本" && text(&r[1]) == "2025.1"), "{method:?}");
    // English labels on request.
    let en = dir.path().join("en.xlsx");
    Scorecard { lang: Lang::En, ..Scorecard::new(&scores) }.write_xlsx(&en).unwrap();
    let book = open_workbook_auto(&en).unwrap();
    assert_eq!(book.sheet_names()[0], "Ranking");
}

#[test]
fn spreadsheet_panel_keeps_row_numbers_and_reports_bad_cells() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("panel.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("数据").unwrap();
    let rows: [[&str; 4]; 4] = [
        ["乡镇", "年份", "指标", "数值"],
        ["四棵树镇", "2023", "发放法治宣传资料份数", "1060多份"],
        ["四棵树镇", "2023", "法律知识测试次数", "八次"],
        ["四棵树镇", "2023", "调解矛盾纠纷件数", "若干"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    // A number typed as a number, not text.
    ws.write_string(4, 0, "四棵树镇").unwrap();
    ws.write_number(4, 1, 2023.0).unwrap();
    ws.write_string(4, 2, "LEAD_STUDY_SESSIONS").unwrap();
    ws.write_number(4, 3, 12.0).unwrap();
    book.save(&path).unwrap();

    let panel = Panel::read(&path, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert_eq!(panel.input_rows(), 4);
    assert_eq!(panel.len(), 3, "{:?}", panel.rejections());
    let rejected = &panel.rejections()[0];
    assert_eq!(rejected.row, 4, "spreadsheet row of 若干");
    assert_eq!(rejected.reason, RejectReason::UnparseableValue);
    assert!(rejected.file.ends_with("panel.xlsx [数据]"), "{}", rejected.file);

    // A sheet that is not there is a clear error.
    let e = Panel::read(&path, Catalogue::default_catalogue(), None, &PanelOptions { sheet: Some("Sheet9".into()), ..Default::default() })
        .unwrap_err();
    assert!(e.to_string().contains("Sheet9") && e.to_string().contains("数据"), "{e}");
}

/// The workbook's structure on the demo data — sheet names and each sheet's header rows — kept
/// as an insta snapshot (tests/snapshots/), so a change to the scorecard shows up in review.
#[test]
fn workbook_structure_snapshot() {
    let (scores, g, c, d) = demo_inputs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.xlsx");
    Scorecard { gaps: Some(&g), changes: Some(&c), diagnostics: Some(&d), ..Scorecard::new(&scores) }.write_xlsx(&path).unwrap();
    let mut book = open_workbook_auto(&path).unwrap();
    let mut structure = Vec::new();
    for name in book.sheet_names().to_vec() {
        let range = book.worksheet_range(&name).unwrap();
        // The first cell of the sheet (its title) and every row that looks like a table header.
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
        let headers: Vec<String> = rows
            .iter()
            .filter(|r| r.iter().filter(|c| !c.is_empty()).count() >= 3 && r.iter().all(|c| c.parse::<f64>().is_err()))
            .take(3)
            .map(|r| r.iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" | "))
            .collect();
        structure.push(format!("{name} ({} rows): {}", rows.len(), headers.join(" // ")));
    }
    insta::assert_yaml_snapshot!(structure);
}

/// A year that was not scored has no scorecard: an error listing the scored years, and no file
/// (before, the workbook was written with empty sheets).
#[test]
fn scorecard_for_a_year_not_scored_is_refused() {
    let panel = demo();
    let scores = score(&panel, &ScoreOptions { years: Some(vec![2023, 2024]), ..Default::default() }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("card.xlsx");
    for year in [2030, 2022] {
        let card = Scorecard { year: Some(year), ..Scorecard::new(&scores) };
        let e = card.shown_year().unwrap_err();
        assert!(matches!(e, fazhi::Error::InvalidArgument(_)), "{e:?}");
        let message = card.write_xlsx(&path).unwrap_err().to_string();
        assert!(message.contains(&format!("year {year} was not scored")) && message.contains("scored years: 2023, 2024"), "{message}");
        assert!(!path.exists() && !path.parent().unwrap().exists());
    }
    // A scored year is still fine.
    assert_eq!(Scorecard { year: Some(2023), ..Scorecard::new(&scores) }.shown_year().unwrap(), 2023);
}

/// A toy county (synthetic townships 合成一镇…四镇, catalogue D1 = 甲 乙 戊, D2 = 丙) over two
/// years with targets for the second and the third year: small enough that a snapshot of each
/// rendering can be read in review.
fn toy_card_inputs() -> (Panel, fazhi::scoring::Scores, polars::prelude::DataFrame, polars::prelude::DataFrame, polars::prelude::DataFrame)
{
    use fazhi::analytics::{ProgressOptions, progress};
    let mut rows = Vec::new();
    for (unit, a, b, e, c) in
        [("T1", 10.0, 5.0, 2.0, 80.0), ("T2", 20.0, 1.0, 4.0, 90.0), ("T3", 30.0, 3.0, 6.0, 70.0), ("T4", 25.0, 2.0, 1.0, 95.0)]
    {
        rows.push((unit, 2023, "A", a * 0.8));
        rows.push((unit, 2023, "C", c - 5.0));
        for (ind, v) in [("A", a), ("B", b), ("E", e), ("C", c)] {
            rows.push((unit, 2024, ind, v));
        }
    }
    let panel = common::toy_panel(&rows);
    let scores = score(&panel, &ScoreOptions::default()).unwrap();
    let targets = polars::prelude::df!(
        "unit" => [None::<&str>, None, Some("T1")],
        "indicator" => ["A", "C", "A"],
        "year" => [2024, 2025, 2025],
        "comparator" => ["at_least", "at_least", "at_least"],
        "target" => [18.0, 92.0, 30.0],
    )
    .unwrap();
    let targets = Targets::from_frame(&targets, panel.catalogue(), "<toy targets>").unwrap();
    let g = gaps(&panel, &targets, &GapOptions::default()).unwrap();
    let c = changes(&panel, &ChangeOptions::default()).unwrap();
    let p = progress(&panel, Some(&targets), &ProgressOptions::default()).unwrap();
    (panel, scores, g, c, p)
}

/// Every non-empty row of every sheet, as text, for a snapshot.
fn workbook_text(path: &std::path::Path) -> Vec<String> {
    let mut book = open_workbook_auto(path).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names().to_vec() {
        out.push(format!("## {name}"));
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(text).collect();
            if cells.iter().any(|c| !c.is_empty()) {
                out.push(cells.join(" | ").trim_end_matches([' ', '|']).to_string());
            }
        }
    }
    out
}

/// Both renderers from one view-model: the toy county's workbook (every cell, as text) and page
/// (without the CSS) are snapshots, so any change to what a reader sees shows up in review.
#[test]
fn both_renderers_lay_out_one_model_snapshot() {
    let (panel, scores, g, c, p) = toy_card_inputs();
    let card = Scorecard { panel: Some(&panel), gaps: Some(&g), changes: Some(&c), progress: Some(&p), ..Scorecard::new(&scores) };
    let model = card.model().unwrap();
    assert_eq!(model.year, 2024);
    assert_eq!(model.units.len(), 4);
    // The plan-progress section holds the 2025 targets, not the 2024 ones (those are the targets table).
    let progress = model.progress.as_ref().unwrap();
    assert_eq!(progress.rows.len(), 5, "C for four townships and A for T1");
    assert!(progress.rows.iter().all(|r| r.target_year == Some(2025)));
    assert_eq!(model.targets.as_ref().unwrap().len(), 4);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("toy.xlsx");
    card.write_xlsx(&path).unwrap();
    insta::assert_yaml_snapshot!("toy_workbook", workbook_text(&path));
    let page = card.render_html().unwrap();
    let start = page.find("<style>").unwrap();
    let end = page.find("</style>").unwrap();
    let page = format!("{}{}", &page[..start], &page[end + "</style>".len()..]);
    let page = page.replace(env!("CARGO_PKG_VERSION"), "<version>");
    insta::assert_snapshot!("toy_page", page);
}

/// The words a reader sees: rendered text with the markup, CSS and SVG removed.
fn visible_text(page: &str) -> String {
    let mut s = page.to_string();
    for (open, close) in [("<style>", "</style>"), ("<svg", "</svg>")] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            s.replace_range(a..b, " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out
}

/// Lower-case words of four letters or more (`at_least`, `no_data`, `jump`, `minmax`): internal
/// codes or untranslated English sentences on a Chinese page. Words in `allowed` are data on
/// purpose (the catalogue's own name, the demo's source column).
fn internal_codes(text: &str, allowed: &[&str]) -> std::collections::BTreeSet<String> {
    let text = text.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'");
    let mut out = std::collections::BTreeSet::new();
    let mut word = String::new();
    for ch in text.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_alphabetic() || ch == '_' {
            word.push(ch);
        } else {
            let code = word.chars().all(|c| c.is_ascii_lowercase() || c == '_') && word.trim_matches('_').len() >= 4;
            if code && !allowed.contains(&word.as_str()) {
                out.insert(word.clone());
            }
            word.clear();
        }
    }
    out
}

/// A Chinese scorecard shows no internal code: every status, comparator, check, reason, setting
/// and message is in Chinese, on the page and in every cell of the workbook.
#[test]
fn chinese_scorecard_shows_no_internal_code() {
    use fazhi::analytics::{ProgressOptions, progress};
    use fazhi::uncertainty::{UncertaintyOptions, uncertainty};
    let panel = demo();
    let scores = score(&panel, &ScoreOptions::default()).unwrap();
    let targets = Targets::read(format!("{DEMO}/targets.csv"), panel.catalogue(), None).unwrap();
    let g = gaps(&panel, &targets, &GapOptions::default()).unwrap();
    let c = changes(&panel, &ChangeOptions::default()).unwrap();
    let p = progress(&panel, Some(&targets), &ProgressOptions::default()).unwrap();
    let d = diagnostics(&panel, &DiagnosticOptions::default()).unwrap();
    let u = uncertainty(&panel, &UncertaintyOptions { draws: 40, ..UncertaintyOptions::new(2024) }, &mut |_, _| true).unwrap();
    let ranks = u.ranks().unwrap();
    let card = Scorecard {
        panel: Some(&panel),
        gaps: Some(&g),
        changes: Some(&c),
        progress: Some(&p),
        diagnostics: Some(&d),
        ranks: Some(&ranks),
        ..Scorecard::new(&scores)
    };
    let page = visible_text(&card.render_html().unwrap());
    // The tool's name, the catalogue's own name and the demo's source column are data, not codes.
    let catalogue_name = panel.catalogue().name.clone();
    let mut allowed: Vec<&str> = catalogue_name.split(|c: char| !c.is_ascii_alphabetic()).collect();
    allowed.extend(["fazhi", "synthetic"]);
    let found = internal_codes(&page, &allowed);
    assert!(found.is_empty(), "internal codes on the Chinese page: {found:?}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.xlsx");
    card.write_xlsx(&path).unwrap();
    let found = internal_codes(&workbook_text(&path).join("\n"), &allowed);
    assert!(found.is_empty(), "internal codes in the Chinese workbook: {found:?}");
    // The scan itself finds codes (it would pass on anything otherwise).
    assert_eq!(internal_codes("状态 no_data，比较 at_least, jump 8, Excel", &[]), ["at_least", "jump", "no_data"].map(String::from).into());
}

/// What makes the card readable for a county leader: figures beside normalised scores, at most
/// five strengths and five weaknesses, whole-number rank intervals, flags only where they differ.
#[test]
fn township_cards_are_leader_ready() {
    use fazhi::uncertainty::{UncertaintyOptions, uncertainty};
    let panel = demo();
    let scores = score(&panel, &ScoreOptions::default()).unwrap();
    let u = uncertainty(&panel, &UncertaintyOptions { draws: 40, ..UncertaintyOptions::new(2024) }, &mut |_, _| true).unwrap();
    let ranks = u.ranks().unwrap();
    let model = Scorecard { panel: Some(&panel), ranks: Some(&ranks), ..Scorecard::new(&scores) }.model().unwrap();
    for card in &model.units {
        assert!(card.strengths.len() <= fazhi::report::TOP_POINTS && card.weaknesses.len() <= fazhi::report::TOP_POINTS);
        for p in card.strengths.iter().chain(&card.weaknesses) {
            let figure = p.figure.as_deref().unwrap_or_else(|| panic!("{}: {} has no figure", card.name, p.name));
            assert!(figure.contains("中位数") && p.text.contains(figure), "{}", p.text);
        }
        for p in &card.strengths {
            assert!(p.median.is_some_and(|m| p.score > m), "a strength is above the median: {p:?}");
        }
        if let Some(iv) = &card.interval {
            assert!(iv.best <= iv.worst && !iv.label.contains('.'), "{iv:?}");
        }
    }
    assert!(model.units.iter().any(|c| !c.strengths.is_empty()) && model.units.iter().any(|c| !c.weaknesses.is_empty()));
    // 含限定值 is on every ranked township of the demo: said once, not on every row.
    assert!(model.common_flags.iter().any(|f| f == "含限定值"), "{:?}", model.common_flags);
    assert!(model.ranking.iter().all(|r| !r.flags.iter().any(|f| f == "含限定值")));
}
