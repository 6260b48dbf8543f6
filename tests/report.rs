//! The Excel scorecard (read back with calamine) and spreadsheets as inputs.
#![allow(clippy::unwrap_used)]

use calamine::{Data, Reader, open_workbook_auto};
use fazhi::analytics::{ChangeOptions, DiagnosticOptions, GapOptions, changes, diagnostics, gaps};
use fazhi::model::{Catalogue, Targets, Units};
use fazhi::report::{Lang, Scorecard};
use fazhi::scoring::{ScoreOptions, score};
use fazhi::{Panel, PanelOptions, RejectReason};

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

    // The ranking sheet: header on row 4, then 14 townships in rank order with their scores.
    let ranking = book.worksheet_range("排名").unwrap();
    let header: Vec<String> = ranking.rows().nth(3 - ranking.start().unwrap().0 as usize).unwrap().iter().map(text).collect();
    assert_eq!(&header[..5], ["排名", "乡镇（街道）", "代码", "所属县", "综合得分"]);
    let composite = scores.composite().unwrap();
    let first_code = composite.column("unit").unwrap().str().unwrap().get(composite.height() - 14).unwrap().to_string();
    let body: Vec<Vec<String>> =
        ranking.rows().skip(4 - ranking.start().unwrap().0 as usize).map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(body.len(), 14);
    assert_eq!(body[0][0], "1");
    assert_eq!(body[0][2], first_code);
    // The methodology sheet records the catalogue version.
    let method = book.worksheet_range("方法说明").unwrap();
    assert!(method.rows().any(|r| r.len() >= 2 && text(&r[0]) == "catalogue_version" && text(&r[1]) == "2025.1"));
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
