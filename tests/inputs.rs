//! Inputs that were changed or lost without a word, crashed or hung (issue 14's bad-input
//! campaign), each pinned by a test that failed before its fix. Synthetic townships only.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::PathBuf;

use fazhi::model::{Catalogue, Targets, Units};
use fazhi::{Panel, PanelOptions, RejectReason};
use polars::prelude::*;

/// A scratch directory of this test, removed on drop.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

fn extract_path(path: &std::path::Path) -> fazhi::Result<fazhi::extract::Extraction> {
    fazhi::extract::extract_path(path, &Catalogue::default_catalogue(), &fazhi::extract::Rules::default_rules(), &Default::default())
}

fn read(path: &std::path::Path) -> fazhi::Result<Panel> {
    Panel::read(path, Catalogue::default_catalogue(), None, &PanelOptions::default())
}

fn units(frame: &DataFrame) -> Units {
    Units::from_frame(frame, "<units>").unwrap()
}

fn reasons(p: &Panel) -> Vec<RejectReason> {
    p.rejections().iter().map(|r| r.reason).collect()
}

const LONG: &str = "unit,year,indicator,value\n合成甲镇,2023,PUB_MATERIALS,1060多\n合成乙镇,2023,PUB_MATERIALS,900\n";

#[test]
fn csv_line_endings_of_every_platform_read_the_same() {
    let dir = Scratch::new();
    for (name, text) in [("lf.csv", LONG.to_string()), ("crlf.csv", LONG.replace('\n', "\r\n")), ("cr.csv", LONG.replace('\n', "\r"))] {
        let p = read(&dir.file(name, text.as_bytes())).unwrap();
        assert_eq!((p.len(), p.input_rows()), (2, 2), "{name}");
    }
}

#[test]
fn duplicate_csv_headers_are_refused_naming_both_columns() {
    let dir = Scratch::new();
    let path = dir.file("dup.csv", "unit,year,PUB_MATERIALS,PUB_MATERIALS\n合成甲镇,2023,100,200\n".as_bytes());
    let e = read(&path).unwrap_err().to_string();
    assert!(e.contains("columns 3 and 4 both have the header"), "{e}");
}

#[test]
fn ragged_rows_and_open_quotes_are_named_by_line_without_polars_advice() {
    let dir = Scratch::new();
    let path = dir.file("ragged.csv", "unit,year,indicator,value\n合成甲镇,2023,PUB_MATERIALS,1,060\n".as_bytes());
    let e = read(&path).unwrap_err().to_string();
    assert!(e.contains("line 2 has 5 fields but the header has 4"), "{e}");
    assert!(!e.contains("truncate_ragged_lines"), "{e}");
    let path = dir.file("quote.csv", "unit,year,indicator,value\n\"合成甲镇,2023,PUB_MATERIALS,100\n".as_bytes());
    let e = read(&path).unwrap_err().to_string();
    assert!(e.contains("never closed"), "{e}");
}

#[test]
fn invisible_characters_in_keys_do_not_make_a_second_unit() {
    let frame = df!(
        "unit" => ["合成甲镇", "\u{feff}合成甲镇", "合成\u{200b}甲镇 "],
        "year" => ["2021", "2022", "2023"],
        "indicator" => ["PUB_MATERIALS", "PUB_MATERIALS\u{200d}", "PUB_MATERIALS"],
        "value" => ["1", "2", "3"],
    )
    .unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert_eq!(p.unit_codes(), ["合成甲镇"]);
    assert_eq!(p.len(), 3, "{:?}", p.rejections());
}

#[test]
fn oversized_and_ambiguous_numbers_are_rejected_not_wrapped_or_infinite() {
    let big = "9".repeat(400);
    let nines = "九".repeat(20);
    let frame = df!(
        "unit" => ["合成甲镇", "合成乙镇", "合成丙镇", "合成丁镇"],
        "year" => [2023; 4],
        "indicator" => ["ENF_TRAINING_HOURS", "PUB_MATERIALS", "PUB_MATERIALS", "PUB_MATERIALS"],
        "value" => [big.as_str(), nines.as_str(), "1,5", "1,060"],
    )
    .unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert_eq!(p.len() + p.rejections().len(), 4);
    assert_eq!(reasons(&p), [RejectReason::UnparseableValue; 3]);
    assert!(p.rejections()[0].message.contains("too large"), "{}", p.rejections()[0].message);
    assert!(p.rejections()[2].message.contains("thousands separator"), "{}", p.rejections()[2].message);
    assert_eq!(p.frame().column("value").unwrap().f64().unwrap().get(0), Some(1060.0));
    // Targets go through the same parser.
    let t = df!("indicator" => ["PUB_MATERIALS"], "year" => [2025], "comparator" => ["at_least"], "target" => [big.as_str()]).unwrap();
    let e = Targets::from_frame(&t, &Catalogue::default_catalogue(), "<targets>").unwrap_err().to_string();
    assert!(e.contains("not a plain number"), "{e}");
}

#[test]
fn integer_unit_codes_stay_exact_and_nan_is_no_unit() {
    let frame = df!(
        "unit" => [9_007_199_254_740_993i64, 9_007_199_254_740_992],
        "year" => [2023, 2023],
        "indicator" => ["PUB_MATERIALS", "PUB_MATERIALS"],
        "value" => [1.0, 2.0],
    )
    .unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert_eq!(p.unit_codes(), ["9007199254740992", "9007199254740993"]);
    let frame = df!("unit" => [1.0, f64::NAN], "year" => [2023, 2023], "indicator" => ["PUB_MATERIALS"; 2], "value" => [1.0, 2.0]).unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert_eq!(p.unit_codes(), ["1"]);
    assert_eq!(reasons(&p), [RejectReason::MissingKey]);
}

#[test]
fn a_unit_name_shared_by_two_counties_is_not_guessed() {
    let table = units(&df!("code" => ["A01", "B01"], "name" => ["城关镇", "城关镇"], "county" => ["甲县", "乙县"]).unwrap());
    let frame =
        df!("unit" => ["城关镇", "B01"], "year" => [2023, 2023], "indicator" => ["PUB_MATERIALS"; 2], "value" => ["1", "2"]).unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), Some(table.clone()), &PanelOptions::default()).unwrap();
    assert_eq!(reasons(&p), [RejectReason::UnknownUnit]);
    let m = &p.rejections()[0].message;
    assert!(m.contains("A01 in 甲县") && m.contains("B01 in 乙县") && m.contains("code"), "{m}");
    assert_eq!(p.len(), 1);
}

#[test]
fn a_name_or_alias_naming_two_indicators_is_refused() {
    let base = include_str!("../datasets/catalogue.toml");
    let extra = "\n[[indicators]]\ncode = \"SYN_EXTRA\"\nname_zh = \"合成指标\"\nname_en = \"Synthetic extra\"\ndimension = \"PUB\"\nmeasure = \"count\"\nkind = \"output\"\npolarity = \"higher\"\naliases = [\"发放法治宣传资料份数\"]\n";
    let e = Catalogue::from_toml_str(&format!("{base}{extra}"), "<test>").unwrap_err().to_string();
    assert!(e.contains("names both PUB_MATERIALS and SYN_EXTRA"), "{e}");
    let extra = extra.replace("发放法治宣传资料份数", "PUB_MATERIALS");
    assert!(Catalogue::from_toml_str(&format!("{base}{extra}"), "<test>").is_err());
}

#[test]
fn conflicting_duplicate_targets_are_refused_identical_ones_kept() {
    let c = Catalogue::default_catalogue();
    let t = df!("unit" => ["合成甲镇"; 2], "indicator" => ["PUB_MATERIALS"; 2], "year" => [2025; 2], "comparator" => ["at_least"; 2], "target" => [1500.0, 1200.0]).unwrap();
    let e = Targets::from_frame(&t, &c, "<targets>").unwrap_err().to_string();
    assert!(e.contains("two different targets") && e.contains("row 2") && e.contains("row 3"), "{e}");
    let t = df!("unit" => ["合成甲镇"; 2], "indicator" => ["PUB_MATERIALS"; 2], "year" => [2025; 2], "comparator" => ["at_least"; 2], "target" => [1500.0; 2]).unwrap();
    assert_eq!(Targets::from_frame(&t, &c, "<targets>").unwrap().targets.len(), 2);
}

#[test]
fn every_dtype_is_read_or_refused_by_name() {
    let c = Catalogue::default_catalogue();
    let base = df!("unit" => ["合成甲镇", "合成乙镇"], "indicator" => ["PUB_MATERIALS"; 2]).unwrap();
    let with = |year: Column, value: Column| {
        let mut f = base.clone();
        f.with_column(year).unwrap();
        f.with_column(value).unwrap();
        f
    };
    let year16 = Column::new("year".into(), [2023i16, 2024]);
    for value in [
        Column::new("value".into(), [100i16, 200]),
        Column::new("value".into(), [100i8, 20]),
        Column::new("value".into(), [100u16, 200]),
        Column::new("value".into(), [100i128, 200]),
        Column::new("value".into(), ["100", "200"])
            .cast(&DataType::Categorical(Categories::global(), Categories::global().mapping()))
            .unwrap(),
        Column::new("value".into(), [100i64, 200]).cast(&DataType::Decimal(10, 2)).unwrap(),
    ] {
        let dtype = value.dtype().clone();
        let p = Panel::from_frame(&with(year16.clone(), value), c.clone(), None, &PanelOptions::default()).unwrap();
        assert_eq!(p.len(), 2, "{dtype}: {:?}", p.rejections());
    }
    // Dates are not years: rejected cell by cell, with the text.
    let dates = Column::new("year".into(), [19_000i32, 19_365]).cast(&DataType::Date).unwrap();
    let p = Panel::from_frame(&with(dates, Column::new("value".into(), [1.0, 2.0])), c.clone(), None, &PanelOptions::default()).unwrap();
    assert_eq!(reasons(&p), [RejectReason::BadYear; 2]);
    // A list column has no cell value: refused, naming the column.
    let list = Series::new("value".into(), [Series::new("".into(), [1i64, 2]), Series::new("".into(), [3i64])]).into_column();
    let e = Panel::from_frame(&with(year16, list), c, None, &PanelOptions::default()).unwrap_err().to_string();
    assert!(e.contains("value") && e.contains("list"), "{e}");
}

#[test]
fn json_values_are_text_and_deep_nesting_is_an_error() {
    let dir = Scratch::new();
    let path = dir.file(
        "mixed.json",
        r#"[{"unit": "合成甲镇", "year": 2023, "indicator": "PUB_MATERIALS", "value": "1060多"},
            {"unit": "合成乙镇", "year": 2023, "indicator": "PUB_MATERIALS", "value": 900}]"#
            .as_bytes(),
    );
    let p = read(&path).unwrap();
    assert_eq!(p.len(), 2, "{:?}", p.rejections());
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = read(&dir.file("deep.json", deep.as_bytes())).unwrap_err().to_string();
    assert!(e.contains("not valid JSON"), "{e}");
    let nested = dir.file("nested.ndjson", br#"{"unit": "x", "year": 2023, "value": [1, 2]}"#);
    let e = read(&nested).unwrap_err().to_string();
    assert!(e.contains("record 1") && e.contains("\"value\"") && e.contains("an array"), "{e}");
}

#[test]
fn inputs_that_are_not_regular_files_or_too_large_are_refused_before_reading() {
    let dir = Scratch::new();
    let e = read(&dir.path("missing.csv")).unwrap_err().to_string();
    assert!(e.contains("missing.csv"), "{e}");
    let sub = dir.path("sub.csv");
    std::fs::create_dir_all(&sub).unwrap();
    assert!(read(&sub).unwrap_err().to_string().contains("directory"));
    #[cfg(unix)]
    {
        // A symlink to /dev/zero would be read forever; a FIFO blocks on open.
        let link = dir.path("zero.csv");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(read(&link).unwrap_err().to_string().contains("not a regular file"));
        let fifo = dir.path("pipe.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        if made {
            assert!(read(&fifo).unwrap_err().to_string().contains("not a regular file"));
            assert!(extract_path(&fifo.with_extension("txt")).is_err());
        }
    }
}

#[test]
fn a_docx_that_inflates_past_the_limit_is_refused() {
    let dir = Scratch::new();
    let path = dir.path("bomb.docx");
    let mut zip = ::zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..65 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20, "the test file itself is small");
    let e = extract_path(&path).unwrap_err().to_string();
    assert!(e.contains("more than fazhi reads"), "{e}");
}

#[test]
fn messages_quote_at_most_a_bounded_part_of_what_they_found() {
    let header = "x".repeat(1 << 20);
    let frame = df!(header.as_str() => ["1"]).unwrap();
    let e = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap_err().to_string();
    assert!(e.len() < 4000, "{} bytes", e.len());
    assert!(e.contains("more characters"), "{}", &e[..200]);
}

#[test]
fn a_sheet_spanning_the_whole_grid_is_refused_before_it_is_allocated() {
    // Two cells, at A1 and XFD1048576: a 1 KB file whose used range is 17 billion cells.
    let dir = Scratch::new();
    let path = dir.path("huge.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "unit").unwrap();
    sheet.write(1_048_575, 16_383, 1).unwrap();
    book.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000);
    let e = read(&path).unwrap_err().to_string();
    assert!(e.contains("1048576 rows × 16384 columns"), "{e}");
    // A damaged workbook is an input error, not a crash.
    let broken = dir.file("broken.xlsx", b"PK\x03\x04 not really a zip");
    assert!(read(&broken).is_err());
}

#[test]
fn a_page_without_sentence_breaks_quotes_a_bounded_context_for_every_number() {
    // 100,000 characters, no 。: every number used to carry the whole "sentence" as its context,
    // so memory grew with the square of the page.
    let page: String = (0..4000).map(|i| format!("开展活动{}次走访群众", i % 97 + 1)).collect::<Vec<_>>().join("，");
    let x =
        fazhi::extract::extract_text(&page, &Catalogue::default_catalogue(), &fazhi::extract::Rules::default_rules(), &Default::default())
            .unwrap();
    assert!(x.values.len() + x.unmatched.len() >= 4000);
    let longest =
        x.values.iter().map(|v| v.quote.chars().count()).chain(x.unmatched.iter().map(|u| u.context.chars().count())).max().unwrap();
    assert!(longest <= 400, "a context of {longest} characters");
}
