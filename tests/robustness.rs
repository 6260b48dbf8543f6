//! Property tests over hostile input (issue 14): random bytes under every file extension fazhi
//! reads, and random small frames of tricky cells, through Panel, Targets, Units, Catalogue and
//! extraction. Nothing panics, and every panel keeps rows in = accepted + rejected + skipped.
#![allow(clippy::unwrap_used)]

use fazhi::extract::{ExtractOptions, Rules, extract_path, extract_text};
use fazhi::model::{Catalogue, Targets, Units};
use fazhi::{Panel, PanelOptions};
use polars::prelude::*;
use proptest::prelude::*;

const EXTENSIONS: &[&str] = &["csv", "tsv", "txt", "json", "ndjson", "parquet", "xlsx", "xls", "ods", "docx", "html", "toml"];

/// Cells that have broken readers before, and ordinary ones.
const CELLS: &[&str] = &[
    "",
    " ",
    "合成甲镇",
    "\u{feff}合成甲镇",
    "合成\u{200b}乙镇",
    "2023",
    "2023年",
    "二〇二三",
    "PUB_MATERIALS",
    "发放法治宣传资料份数",
    "DISP_MEDIATION_SUCCESS_RATE",
    "LEAD_ANNUAL_REPORT_ON_TIME",
    "90余",
    "1060多份",
    "95%以上",
    "3—5人",
    "1,5",
    "1,060",
    "九九九九九九九九九九九九九九九九九九九九",
    "99999999999999999999999999999999999999999999",
    "1e400",
    "NaN",
    "-3",
    "是",
    "XX",
    "—",
    "\"",
    "\r",
    "\n",
    "𠀀",
];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::sample::select(CELLS).prop_map(str::to_string), 1 => "\\PC{0,12}"]
}

fn check_panel(p: &Panel) {
    assert_eq!(p.input_rows(), p.len() + p.rejections().len() + p.skipped_observations());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_under_every_extension_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..1500),
        ext in prop::sample::select(EXTENSIONS),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("input.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        let catalogue = Catalogue::default_catalogue();
        if let Ok(p) = Panel::read(&path, catalogue.clone(), None, &PanelOptions::default()) {
            check_panel(&p);
        }
        let _ = Targets::read(&path, &catalogue, None);
        let _ = Units::read(&path, None);
        let _ = Catalogue::read(&path);
        let _ = Rules::read(&path);
        let _ = extract_path(&path, &catalogue, &Rules::default_rules(), &ExtractOptions::default());
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = extract_text(text, &catalogue, &Rules::default_rules(), &ExtractOptions::default());
        }
    }

    #[test]
    fn random_long_frames_keep_every_row_accounted_for(rows in prop::collection::vec((cell(), cell(), cell(), cell()), 0..24)) {
        let col = |k: usize| Column::new(["unit", "year", "indicator", "value"][k].into(), rows.iter().map(|r| match k {
            0 => r.0.clone(),
            1 => r.1.clone(),
            2 => r.2.clone(),
            _ => r.3.clone(),
        }).collect::<Vec<_>>());
        let frame = DataFrame::new(rows.len(), (0..4).map(col).collect()).unwrap();
        if let Ok(p) = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()) {
            check_panel(&p);
        }
        // The same cells as targets.
        let t = df!(
            "unit" => rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            "indicator" => rows.iter().map(|r| r.2.clone()).collect::<Vec<_>>(),
            "year" => rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>(),
            "comparator" => rows.iter().map(|_| "at_least").collect::<Vec<_>>(),
            "target" => rows.iter().map(|r| r.3.clone()).collect::<Vec<_>>(),
        ).unwrap();
        let _ = Targets::from_frame(&t, &Catalogue::default_catalogue(), "<targets>");
    }

    #[test]
    fn random_wide_frames_keep_every_cell_accounted_for(
        headers in prop::collection::vec(cell(), 1..5),
        rows in prop::collection::vec((cell(), cell(), prop::collection::vec(cell(), 5)), 0..12),
    ) {
        let mut names: Vec<String> = Vec::new();
        for h in &headers {
            if !names.contains(h) && h.trim() != "unit" && h.trim() != "year" {
                names.push(h.clone());
            }
        }
        let mut columns = vec![
            Column::new("unit".into(), rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>()),
            Column::new("year".into(), rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>()),
        ];
        for (k, name) in names.iter().enumerate() {
            columns.push(Column::new(name.as_str().into(), rows.iter().map(|r| r.2[k].clone()).collect::<Vec<_>>()));
        }
        if let Ok(frame) = DataFrame::new(rows.len(), columns)
            && let Ok(p) = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default())
        {
            check_panel(&p);
        }
    }
}
