//! Targets as planners write them (issue 15 A): comparator and value in one cell, the year in a
//! "2025年目标" header, wide sheets, every problem at once, spreadsheets by sheet. Synthetic
//! townships only.
#![allow(clippy::unwrap_used)]

use fazhi::model::{Catalogue, Comparator, Target, Targets, Units};
use polars::prelude::*;

fn targets(frame: &DataFrame) -> fazhi::Result<Targets> {
    Targets::from_frame(frame, &Catalogue::default_catalogue(), "<targets>")
}

fn summary(t: &Target) -> (&str, &str, i32, Comparator, f64, Option<f64>) {
    (t.unit.as_deref().unwrap_or(""), t.indicator.as_str(), t.year, t.comparator, t.value, t.value_hi)
}

#[test]
fn a_target_cell_as_written_gives_comparator_and_value() {
    let frame = df!(
        "unit" => ["合成甲镇"; 8],
        "indicator" => ["PUB_MATERIALS", "DISP_PETITIONS_BEYOND_LEVEL", "CAP_ONLINE_EXAM_PASS_RATE", "ENF_CERTIFIED", "SUPV_ADMIN_LITIGATION", "DUTY_LEGAL_ADVISER", "DUTY_CONTRACT_REVIEW_RATE", "ENF_OFFICE_STAFF"],
        "year" => [2025; 8],
        "target" => ["不少于1500份", "3件以下", "95%以上", "5人", "8", "是", "≥98", "3—5人"],
    )
    .unwrap();
    let t = targets(&frame).unwrap();
    let got: Vec<_> = t.targets.iter().map(summary).collect();
    use Comparator::*;
    assert_eq!(
        got,
        [
            ("合成甲镇", "PUB_MATERIALS", 2025, AtLeast, 1500.0, None),
            ("合成甲镇", "DISP_PETITIONS_BEYOND_LEVEL", 2025, AtMost, 3.0, None),
            ("合成甲镇", "CAP_ONLINE_EXAM_PASS_RATE", 2025, AtLeast, 95.0, None),
            // No comparator written: the indicator's polarity decides.
            ("合成甲镇", "ENF_CERTIFIED", 2025, AtLeast, 5.0, None),
            ("合成甲镇", "SUPV_ADMIN_LITIGATION", 2025, AtMost, 8.0, None),
            ("合成甲镇", "DUTY_LEGAL_ADVISER", 2025, Exactly, 1.0, None),
            ("合成甲镇", "DUTY_CONTRACT_REVIEW_RATE", 2025, AtLeast, 98.0, None),
            ("合成甲镇", "ENF_OFFICE_STAFF", 2025, Between, 3.0, Some(5.0)),
        ]
    );
    // An empty comparator cell is the same as no comparator column; a column that contradicts
    // the cell is refused.
    let frame = df!("indicator" => ["PUB_MATERIALS", "DUTY_LEGAL_ADVISER"], "year" => [2025; 2], "comparator" => ["", ""], "target" => ["1500份以上", "否"]).unwrap();
    let got: Vec<_> = targets(&frame).unwrap().targets.iter().map(|t| (t.comparator, t.value)).collect();
    assert_eq!(got, [(Comparator::AtLeast, 1500.0), (Comparator::Exactly, 0.0)]);
    let frame = df!("indicator" => ["PUB_MATERIALS"], "year" => [2025], "comparator" => ["at_most"], "target" => ["不少于1500"]).unwrap();
    let e = targets(&frame).unwrap_err().to_string();
    assert!(e.contains("comparator column says at_most") && e.contains("row 2"), "{e}");
}

#[test]
fn the_year_comes_from_a_2025_target_header_long_or_wide() {
    // Long form: indicator column, one value column per target year.
    let frame = df!(
        "乡镇" => ["合成甲镇", "样例乡"],
        "指标" => ["发放法治宣传资料份数", "DISP_PETITIONS_BEYOND_LEVEL"],
        "2025年目标" => [Some("不少于1500份"), Some("不超过3件")],
        "2026年目标" => [Some("2000"), None],
    )
    .unwrap();
    let t = targets(&frame).unwrap();
    let got: Vec<_> = t.targets.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            ("合成甲镇", "PUB_MATERIALS", 2025, Comparator::AtLeast, 1500.0, None),
            ("合成甲镇", "PUB_MATERIALS", 2026, Comparator::AtLeast, 2000.0, None),
            ("样例乡", "DISP_PETITIONS_BEYOND_LEVEL", 2025, Comparator::AtMost, 3.0, None),
        ]
    );
    assert_eq!(t.targets[1].origin, "<targets>, row 2, column 2026年目标");
    // Wide form: a unit column and one column per indicator, the year in the header or a year column.
    let frame = df!(
        "序号" => [1, 2],
        "乡镇" => ["合成甲镇", "样例乡"],
        "发放法治宣传资料份数（2025年目标）" => [Some("1500份以上"), None],
        "越级上访件数（2025年目标）" => ["≤3", "0"],
    )
    .unwrap();
    let wide = targets(&frame).unwrap();
    let got: Vec<_> = wide.targets.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            ("合成甲镇", "PUB_MATERIALS", 2025, Comparator::AtLeast, 1500.0, None),
            ("合成甲镇", "DISP_PETITIONS_BEYOND_LEVEL", 2025, Comparator::AtMost, 3.0, None),
            ("样例乡", "DISP_PETITIONS_BEYOND_LEVEL", 2025, Comparator::AtMost, 0.0, None),
        ]
    );
    let frame = df!("unit" => ["合成甲镇"], "year" => ["2024年"], "PUB_MATERIALS" => ["1200"]).unwrap();
    let with_year = targets(&frame).unwrap();
    let got: Vec<_> = with_year.targets.iter().map(summary).collect();
    assert_eq!(got, [("合成甲镇", "PUB_MATERIALS", 2024, Comparator::AtLeast, 1200.0, None)]);
    // A wide header that names no indicator is refused by name, not dropped.
    let frame = df!("unit" => ["合成甲镇"], "year" => [2024], "发放宣传资料份" => ["1200"]).unwrap();
    let e = targets(&frame).unwrap_err().to_string();
    assert!(e.contains("发放宣传资料份") && e.contains("neither unit"), "{e}");
}

#[test]
fn every_problem_of_a_targets_table_is_reported_at_once() {
    let frame = df!(
        "unit" => ["合成甲镇", "合成甲镇", "样例乡", "样例乡", "样例乡"],
        "indicator" => ["PUB_MATERIALS", "合成不存在指标", "DISP_PETITIONS_BEYOND_LEVEL", "PUB_MATERIALS", "DUTY_LEGAL_ADVISER"],
        "year" => [Some(2025), Some(2025), None, Some(2025), Some(2025)],
        "target" => ["1500多份", "3", "3", "≥1500", "也许"],
    )
    .unwrap();
    let e = targets(&frame).unwrap_err().to_string();
    assert!(e.contains("4 problems"), "{e}");
    for needle in [
        "row 2, column \"target\", indicator PUB_MATERIALS",
        "row 3, column \"indicator\"",
        "row 4, column \"year\", indicator DISP_PETITIONS_BEYOND_LEVEL",
        "row 6, column \"target\", indicator DUTY_LEGAL_ADVISER",
    ] {
        assert!(e.contains(needle), "{needle} missing from {e}");
    }
    assert!(!e.contains("row 5"), "{e}");
}

#[test]
fn targets_and_units_read_a_named_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let cover = book.add_worksheet().set_name("说明").unwrap();
    cover.write(0, 0, "合成数据，仅供测试").unwrap();
    let sheet = book.add_worksheet().set_name("目标").unwrap();
    for (c, h) in ["乡镇", "发放法治宣传资料份数（2025年目标）"].iter().enumerate() {
        sheet.write(0, c as u16, *h).unwrap();
    }
    sheet.write(1, 0, "合成甲镇").unwrap();
    sheet.write(1, 1, "不少于1500份").unwrap();
    let units = book.add_worksheet().set_name("乡镇").unwrap();
    for (c, h) in ["code", "name", "villages"].iter().enumerate() {
        units.write(0, c as u16, *h).unwrap();
    }
    units.write(1, 0, "SYN01").unwrap();
    units.write(1, 1, "合成甲镇").unwrap();
    units.write(1, 2, 12).unwrap();
    book.save(&path).unwrap();

    let c = Catalogue::default_catalogue();
    let t = Targets::read_sheet(&path, &c, None, Some("目标")).unwrap();
    assert_eq!(t.targets.iter().map(summary).collect::<Vec<_>>(), [("合成甲镇", "PUB_MATERIALS", 2025, Comparator::AtLeast, 1500.0, None)]);
    assert!(t.targets[0].origin.contains("row 2"), "{}", t.targets[0].origin);
    let u = Units::read_sheet(&path, None, Some("乡镇")).unwrap();
    assert_eq!(u.get("SYN01").unwrap().attribute("villages"), Some(12.0));
    assert!(Targets::read_sheet(&path, &c, None, Some("没有这张表")).is_err());
}
