//! A county workbook laid out the way county sheets are typed (issue 15): a title row and a
//! 填报单位 row above the header, a 序号 column, 乡镇 merged over its two year rows, a 备注
//! column, percentages typed into %-formatted cells, a 合计 row and a 注： footnote. Written here
//! with rust_xlsxwriter; every name is SYNTHETIC.
#![allow(clippy::unwrap_used)]

use fazhi::io::SkipKind;
use fazhi::{Catalogue, Panel, PanelOptions};
use rust_xlsxwriter::{Format, Workbook};

fn county_workbook(path: &std::path::Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("2024年数据").unwrap();
    let pct = Format::new().set_num_format("0%");
    let title = Format::new().set_bold();
    sheet.merge_range(0, 0, 0, 5, "合成县2023—2024年各乡镇法治政府建设指标（合成数据）", &title).unwrap();
    sheet.write(1, 0, "填报单位：合成县司法局").unwrap();
    sheet.write(1, 4, "填报日期：2025年1月10日").unwrap();
    for (c, h) in ["序号", "乡镇", "年份", "发放法治宣传资料份数", "执法人员持证率", "备注"].iter().enumerate() {
        sheet.write(2, c as u16, *h).unwrap();
    }
    // 合成甲镇 over rows 4–5 (0-based 3–4), 合成乙镇 over rows 6–7.
    sheet.merge_range(3, 1, 4, 1, "合成甲镇", &Format::new()).unwrap();
    sheet.merge_range(5, 1, 6, 1, "合成乙镇", &Format::new()).unwrap();
    let rows: [(u32, f64, i32, &str, f64, &str); 4] = [
        (3, 1.0, 2023, "1060多", 0.95, ""),
        (4, 1.0, 2024, "1200", 0.98, "含线上发放"),
        (5, 2.0, 2023, "800", 0.9, ""),
        (6, 2.0, 2024, "900余", 1.0, ""),
    ];
    for (r, no, year, materials, rate, note) in rows {
        sheet.write(r, 0, no).unwrap();
        sheet.write(r, 2, year).unwrap();
        sheet.write(r, 3, materials).unwrap();
        sheet.write_number_with_format(r, 4, rate, &pct).unwrap();
        if !note.is_empty() {
            sheet.write(r, 5, note).unwrap();
        }
    }
    sheet.write(7, 1, "合计").unwrap();
    sheet.write(7, 3, 3960).unwrap();
    sheet.merge_range(8, 0, 8, 5, "注：1. 数据由各乡镇填报；2. 持证率按在编执法人员计算。", &Format::new()).unwrap();
    book.save(path).unwrap();
}

#[test]
fn a_county_workbook_loads_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("county.xlsx");
    county_workbook(&path);
    let p = Panel::read(&path, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert!(p.rejections().is_empty(), "{:#?}", p.rejections());
    // 4 rows × 2 indicators accepted; skipped: the 合计 row's one value, and the footnote's text
    // that its merge spreads over the two indicator columns; nothing else.
    assert_eq!(p.len(), 8);
    assert_eq!(p.input_rows(), p.len() + p.rejections().len() + p.skipped_observations());
    assert_eq!(p.skipped_observations(), 3);
    let kinds: Vec<(usize, SkipKind)> = p.skipped().iter().map(|k| (k.row, k.reason)).collect();
    assert_eq!(kinds, [(1, SkipKind::Title), (2, SkipKind::Title), (8, SkipKind::Total), (9, SkipKind::Footnote)]);
    // The merged 乡镇 names both its rows (two cells filled).
    assert_eq!(p.unit_codes(), ["合成乙镇", "合成甲镇"]);
    assert!(p.filled_cells() >= 2, "{}", p.filled_cells());
    let f = p.frame();
    let ind = f.column("indicator").unwrap().str().unwrap();
    let value = f.column("value").unwrap().f64().unwrap();
    let text = f.column("text").unwrap().str().unwrap();
    let row = f.column("row").unwrap();
    let rates: Vec<f64> = (0..f.height()).filter(|&r| ind.get(r) == Some("ENF_CERT_RATE")).map(|r| value.get(r).unwrap()).collect();
    assert_eq!(rates, [90.0, 100.0, 95.0, 98.0], "a %-formatted 0.95 is 95 %");
    // Qualifiers as typed, and the rows as the sheet shows them (header = row 3).
    let first = (0..f.height()).find(|&r| text.get(r) == Some("1060多")).unwrap();
    assert_eq!(row.get(first).unwrap().try_extract::<i64>().unwrap(), 4);
    // The 备注 is the source of its row's observations.
    let source = f.column("source").unwrap().str().unwrap();
    assert!((0..f.height()).any(|r| source.get(r) == Some("含线上发放")));
    // No fraction_percent warnings: the sheet said percent.
    let d = fazhi::analytics::diagnostics(&p, &Default::default()).unwrap();
    let checks = d.column("check").unwrap().str().unwrap();
    assert!(!(0..d.height()).any(|r| checks.get(r) == Some("fraction_percent")));
}

#[test]
fn the_header_row_can_be_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("county.xlsx");
    county_workbook(&path);
    let options = PanelOptions { header_row: Some(3), ..PanelOptions::default() };
    let p = Panel::read(&path, Catalogue::default_catalogue(), None, &options).unwrap();
    assert_eq!(p.len(), 8);
    let options = PanelOptions { header_row: Some(1), ..PanelOptions::default() };
    assert!(Panel::read(&path, Catalogue::default_catalogue(), None, &options).is_err(), "a title row has no unit column");
}

#[test]
fn a_fraction_on_a_rate_without_a_percent_sign_is_flagged() {
    let frame = polars::df!(
        "unit" => ["合成甲镇", "合成乙镇"], "year" => [2024, 2024],
        "indicator" => ["ENF_CERT_RATE"; 2], "value" => ["0.95", "0.95%"],
    )
    .unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    let d = fazhi::analytics::diagnostics(&p, &Default::default()).unwrap();
    let checks = d.column("check").unwrap().str().unwrap();
    let units = d.column("unit").unwrap().str().unwrap();
    let flagged: Vec<&str> = (0..d.height()).filter(|&r| checks.get(r) == Some("fraction_percent")).filter_map(|r| units.get(r)).collect();
    assert_eq!(flagged, ["合成甲镇"]);
}

#[test]
fn a_panels_own_frame_keeps_its_qualifiers() {
    let frame = polars::df!(
        "unit" => ["合成甲镇", "合成甲镇"], "year" => [2023, 2023],
        "indicator" => ["PUB_MATERIALS", "DISP_DISPUTES_MEDIATED"], "value" => ["1060多", "90余"],
    )
    .unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    let again = Panel::from_frame(p.frame(), Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert_eq!(again.len(), 2);
    assert_eq!(again.frame().column("qualifier").unwrap(), p.frame().column("qualifier").unwrap());
    assert_eq!(again.frame().column("lo").unwrap(), p.frame().column("lo").unwrap());
    assert_eq!(again.frame().column("hi").unwrap(), p.frame().column("hi").unwrap());
}

#[test]
fn headers_and_cells_as_people_write_them() {
    // An unknown header gets the nearest catalogue names; 无 in a count column is 0; ≥ and ≤ are
    // qualifiers; the rejections of one bad column are one summary line.
    let frame = polars::df!(
        "乡镇" => ["合成甲镇", "合成乙镇", "合成丙镇"],
        "年份" => [2024, 2024, 2024],
        "法治宣传资料发放份数" => ["100", "200", "300"],
        "越级上访件数" => ["无", "≤3", "2"],
        "执法人员持证率" => ["≥95%", "90%", "100%"],
    )
    .unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    let summary = p.rejection_summary().unwrap();
    assert_eq!(summary.height(), 1, "{summary}");
    assert_eq!(summary.column("rejected").unwrap().u64().unwrap().get(0), Some(3));
    let message = summary.column("message").unwrap().str().unwrap().get(0).unwrap().to_string();
    assert!(message.contains("did you mean") && message.contains("PUB_MATERIALS"), "{message}");
    let f = p.frame();
    let text = f.column("text").unwrap().str().unwrap();
    let value = f.column("value").unwrap().f64().unwrap();
    let qualifier = f.column("qualifier").unwrap().str().unwrap();
    let at = |t: &str| (0..f.height()).find(|&r| text.get(r) == Some(t)).unwrap();
    assert_eq!(value.get(at("无")), Some(0.0));
    assert_eq!(qualifier.get(at("≤3")), Some("at_most"));
    assert_eq!(qualifier.get(at("≥95%")), Some("at_least"));
}

/// A minimal .xlsx package written by hand: one sheet whose C2 is a formula with no saved result
/// (what a program that never calculates writes), and B3 holds 0.95 with a percent format.
fn hand_written_xlsx(path: &std::path::Path) {
    use std::io::Write;
    let parts: [(&str, &str); 6] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
        ),
        (
            "xl/styles.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1"><c r="A1" t="inlineStr"><is><t>乡镇</t></is></c><c r="B1" t="inlineStr"><is><t>执法人员持证率</t></is></c><c r="C1" t="inlineStr"><is><t>发放法治宣传资料份数</t></is></c><c r="D1" t="inlineStr"><is><t>年份</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>合成甲镇</t></is></c><c r="B2"><v>96</v></c><c r="C2"><f>SUM(E2:F2)</f></c><c r="D2"><v>2024</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>合成乙镇</t></is></c><c r="B3" s="1"><v>0.95</v></c><c r="C3"><v>800</v></c><c r="D3"><v>2024</v></c></row>
            </sheetData></worksheet>"#,
        ),
    ];
    let mut zip = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Deflated);
    for (name, xml) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn a_formula_without_a_result_is_rejected_saying_so_and_a_percent_cell_is_a_percent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("formula.xlsx");
    hand_written_xlsx(&path);
    let p = Panel::read(&path, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert_eq!(p.input_rows(), 4, "the formula cell is an input, not a vanished cell");
    assert_eq!(p.rejections().len(), 1, "{:?}", p.rejections());
    let r = &p.rejections()[0];
    assert_eq!((r.row, r.column.as_str()), (2, "发放法治宣传资料份数"));
    assert!(r.message.contains("formula without a saved result"), "{}", r.message);
    let f = p.frame();
    let text = f.column("text").unwrap().str().unwrap();
    assert!((0..f.height()).any(|i| text.get(i) == Some("95%")), "0.95 formatted 0.0% reads as 95%");
}

#[test]
fn a_county_names_its_columns_its_own_way() {
    let catalogue = Catalogue::default_catalogue().with_aliases([("法治宣传资料发放份数", "PUB_MATERIALS")]).unwrap();
    let frame = polars::df!("乡镇" => ["合成甲镇"], "年份" => [2024], "法治宣传资料发放份数" => ["1060多"]).unwrap();
    let p = Panel::from_frame(&frame, catalogue.clone(), None, &PanelOptions::default()).unwrap();
    assert_eq!((p.len(), p.rejections().len()), (1, 0));
    // An alias that would name a second indicator is refused, and so is one pointing nowhere.
    assert!(catalogue.clone().with_aliases([("调解成功率", "PUB_MATERIALS")]).is_err());
    assert!(catalogue.with_aliases([("某某", "NO_SUCH_CODE")]).is_err());
}
