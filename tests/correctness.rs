//! Wrong results an independent check found (issue 14), each pinned by a test that failed before
//! its fix. Synthetic townships only.
#![allow(clippy::unwrap_used)]

use fazhi::analytics::*;
use fazhi::model::{Catalogue, Targets, Units};
use fazhi::scoring::*;
use fazhi::{Panel, PanelOptions};
use polars::prelude::*;

mod common;
use common::{TOY, toy_panel, toy_panel_text};

fn text<'a>(frame: &'a DataFrame, col: &str, r: usize) -> Option<&'a str> {
    frame.column(col).unwrap().str().unwrap().get(r)
}

fn float(frame: &DataFrame, col: &str, r: usize) -> Option<f64> {
    frame.column(col).unwrap().f64().unwrap().get(r)
}

/// Rows of `frame` whose `unit` column is `unit`.
fn rows_of(frame: &DataFrame, unit: &str) -> Vec<usize> {
    let u = frame.column("unit").unwrap().str().unwrap();
    (0..frame.height()).filter(|&r| u.get(r) == Some(unit)).collect()
}

fn default_panel(rows: &[(&str, i32, &str, &str)]) -> Panel {
    let frame = df!(
        "unit" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
    )
    .unwrap();
    Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap()
}

fn one_target(catalogue: &Catalogue, unit: &str, indicator: &str, year: i32, comparator: &str, target: f64, baseline: i32) -> Targets {
    let frame = df!(
        "unit" => [unit], "indicator" => [indicator], "year" => [year], "comparator" => [comparator],
        "target" => [target], "baseline_year" => [baseline],
    )
    .unwrap();
    Targets::from_frame(&frame, catalogue, "<test>").unwrap()
}

#[test]
fn a_target_met_at_the_baseline_and_missed_now_is_moving_away() {
    // 133 tests in 2020, 30 in 2023, target "at least 111" by 2025: the required rate is negative
    // (the baseline already met it), so a / r came out positive and the row read as progress.
    let p = default_panel(&[
        ("合成甲镇", 2020, "CAP_CADRE_TESTS", "133"),
        ("合成甲镇", 2023, "CAP_CADRE_TESTS", "30"),
        ("合成乙镇", 2020, "CAP_CADRE_TESTS", "133"),
        ("合成乙镇", 2023, "CAP_CADRE_TESTS", "140"),
    ]);
    for (method, away, held) in
        [(ProgressMethod::Compound, "moving_away", "maintaining"), (ProgressMethod::Linear, "decreasing", "maintaining")]
    {
        let options = ProgressOptions { method, ..Default::default() };
        for (unit, want) in [("合成甲镇", away), ("合成乙镇", held)] {
            let t = one_target(p.catalogue(), unit, "CAP_CADRE_TESTS", 2025, "at_least", 111.0, 2020);
            let out = progress(&p, Some(&t), &options).unwrap();
            assert_eq!(out.height(), 1);
            assert_eq!(text(&out, "category", 0), Some(want), "{unit} {method:?}");
            // Neither row has a pace to compare: no ratio, and a reason.
            assert_eq!(float(&out, "ratio", 0), None, "{unit} {method:?}");
            assert!(text(&out, "reason", 0).unwrap().contains("met at the baseline"), "{:?}", text(&out, "reason", 0));
        }
    }
}

#[test]
fn an_achieved_target_keeps_its_ratio() {
    let p = default_panel(&[("合成甲镇", 2020, "CAP_CADRE_TESTS", "50"), ("合成甲镇", 2023, "CAP_CADRE_TESTS", "120")]);
    let t = one_target(p.catalogue(), "合成甲镇", "CAP_CADRE_TESTS", 2025, "at_least", 111.0, 2020);
    let out = progress(&p, Some(&t), &ProgressOptions::default()).unwrap();
    assert_eq!(text(&out, "category", 0), Some("achieved"));
    assert!(float(&out, "ratio", 0).unwrap() > 1.0);
}

#[test]
fn a_unit_of_the_unit_table_that_never_reports_is_listed_everywhere() {
    // The toy unit table holds T1–T4; T4 reports nothing.
    let p = toy_panel(&[
        ("T1", 2023, "A", 10.0),
        ("T2", 2023, "A", 20.0),
        ("T3", 2023, "A", 30.0),
        ("T1", 2024, "A", 12.0),
        ("T2", 2024, "A", 22.0),
        ("T3", 2024, "A", 28.0),
        ("T1", 2024, "C", 80.0),
        ("T2", 2024, "C", 90.0),
        ("T3", 2024, "C", 70.0),
    ]);
    assert!(p.unit_codes().iter().any(|c| c == "T4"));
    let t = one_target(p.catalogue(), "T4", "A", 2025, "at_least", 20.0, 2023);

    let g = gaps(&p, &t, &GapOptions::default()).unwrap();
    let r = rows_of(&g, "T4");
    assert_eq!(r.len(), 1, "T4's own target must be a gaps row");
    assert_eq!(text(&g, "status", r[0]), Some("no_data"));

    let pr = progress(&p, Some(&t), &ProgressOptions::default()).unwrap();
    let r = rows_of(&pr, "T4");
    assert_eq!(r.len(), 1, "T4 must be in progress");
    assert_eq!(text(&pr, "category", r[0]), Some("insufficient_data"));

    let s = score(&p, &ScoreOptions { min_coverage: (0.3, 0.5), ..Default::default() }).unwrap();
    let c = s.composite().unwrap();
    let r = rows_of(&c, "T4");
    assert_eq!(r.len(), 2, "T4 must have a composite row in each scored year");
    for &row in &r {
        assert_eq!(float(&c, "score", row), None);
        assert_eq!(text(&c, "reason", row), Some("no_report"));
    }
    let e = s.excluded().unwrap();
    let r = rows_of(&e, "T4");
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|&row| text(&e, "reason", row) == Some("no_report")));
    // The others are ranked 1..3 as before, T4 unranked.
    assert_eq!(s.rank_of("T4", 2024).unwrap(), None);
    assert!(s.rank_of("T1", 2024).unwrap().is_some());
}

#[test]
fn composite_flags_come_only_from_cells_that_reached_the_composite() {
    // T1's only D1 value is qualified (10余) and D1 needs 2/3 of its weight, so D1 is not scored
    // for T1; its composite rests on D2 alone and must not be flagged qualified.
    let p = toy_panel_text(&[
        ("T1", 2024, "A", "10余"),
        ("T2", 2024, "A", "20"),
        ("T3", 2024, "A", "30"),
        ("T2", 2024, "B", "1"),
        ("T3", 2024, "B", "5"),
        ("T2", 2024, "E", "4"),
        ("T3", 2024, "E", "6"),
        ("T1", 2024, "C", "80"),
        ("T2", 2024, "C", "90"),
        ("T3", 2024, "C", "70"),
        ("T4", 2024, "C", "75"),
    ]);
    let s = score(&p, &ScoreOptions { min_coverage: (2.0 / 3.0, 0.5), ..Default::default() }).unwrap();
    let c = s.composite().unwrap();
    let t1 = rows_of(&c, "T1")[0];
    assert!(float(&c, "score", t1).is_some(), "T1 is scored on D2");
    assert_eq!(text(&c, "flags", t1), None, "T1's qualified A fed no score");
    // Scored the other way (D1 coverage 1/3 is enough), the flag is there.
    let s = score(&p, &ScoreOptions { min_coverage: (0.3, 0.5), ..Default::default() }).unwrap();
    let c = s.composite().unwrap();
    let t1 = rows_of(&c, "T1")[0];
    assert_eq!(text(&c, "flags", t1), Some("qualified"));
}

#[test]
fn scores_equal_in_arithmetic_tie_in_rank() {
    // Min-max on A over [0, 30] gives 10a/3; C's goalposts 60–100 give 2.5(c − 60). So T1 with
    // (a + 3, c) and T2 with (a, c + 4) have the same composite in exact arithmetic; in floating
    // point some of these pairs differ in the last bits, and those must still tie.
    let catalogue = Catalogue::from_toml_str(TOY, "<toy>").unwrap();
    let units = Units::from_frame(&df!("code" => ["T1", "T2", "T3", "T4"]).unwrap(), "<units>").unwrap();
    let mut noisy = 0;
    for a in 1..27 {
        for c in 61..95 {
            let (a1, c1, a2, c2) = (a + 3, c, a, c + 4);
            let frame = df!(
                "unit" => ["T1", "T2", "T3", "T4", "T1", "T2", "T3", "T4"],
                "year" => [2024; 8],
                "indicator" => ["A", "A", "A", "A", "C", "C", "C", "C"],
                "value" => [a1.to_string(), a2.to_string(), "0".into(), "30".into(), c1.to_string(), c2.to_string(), "100".into(), "60".into()],
            )
            .unwrap();
            let p = Panel::from_frame(&frame, catalogue.clone(), Some(units.clone()), &PanelOptions::default()).unwrap();
            let s = score(&p, &ScoreOptions { min_coverage: (0.3, 0.5), ..Default::default() }).unwrap();
            let (x, y) = (s.score_of("T1", 2024).unwrap().unwrap(), s.score_of("T2", 2024).unwrap().unwrap());
            assert!((x - y).abs() < 1e-9, "{a1},{c1} vs {a2},{c2}: {x} {y}");
            noisy += usize::from(x != y);
            assert_eq!(s.rank_of("T1", 2024).unwrap(), s.rank_of("T2", 2024).unwrap(), "{a1},{c1} vs {a2},{c2}: {x} {y}");
            // Tied units are listed by unit code.
            let comp = s.composite().unwrap();
            let units_col = comp.column("unit").unwrap().str().unwrap();
            let order: Vec<&str> = (0..comp.height()).filter_map(|r| units_col.get(r)).collect();
            let (i1, i2) = (order.iter().position(|u| *u == "T1").unwrap(), order.iter().position(|u| *u == "T2").unwrap());
            assert!(i1 < i2, "{order:?}");
        }
    }
    assert!(noisy > 0, "no pair differed in floating point; the test no longer exercises the tolerance");
}

#[test]
fn bands_and_growth_behave_as_the_methodology_says() {
    // A band [0, 5]: inside it the achievement is 1 although its lower end is 0; above it hi / x.
    let p =
        default_panel(&[("合成甲镇", 2024, "DISP_PETITIONS_BEYOND_LEVEL", "3"), ("合成乙镇", 2024, "DISP_PETITIONS_BEYOND_LEVEL", "10")]);
    let frame = df!(
        "indicator" => ["DISP_PETITIONS_BEYOND_LEVEL"], "year" => [2024], "comparator" => ["between"],
        "target" => [0.0], "target_hi" => [5.0],
    )
    .unwrap();
    let t = Targets::from_frame(&frame, p.catalogue(), "<test>").unwrap();
    let g = gaps(&p, &t, &GapOptions::default()).unwrap();
    let inside = rows_of(&g, "合成甲镇")[0];
    assert_eq!(float(&g, "achievement", inside), Some(1.0));
    let above = rows_of(&g, "合成乙镇")[0];
    assert_eq!(float(&g, "achievement", above), Some(0.5));
    assert_eq!(float(&g, "gap", above), Some(5.0));

    // Growth: only the first and last values enter the rate (a zero between them does not
    // matter), and an unchanged series is limited_growth whatever the polarity.
    let p = default_panel(&[
        ("合成甲镇", 2020, "PUB_MATERIALS", "100"),
        ("合成甲镇", 2021, "PUB_MATERIALS", "0"),
        ("合成甲镇", 2022, "PUB_MATERIALS", "121"),
        ("合成乙镇", 2020, "DISP_PETITIONS_BEYOND_LEVEL", "4"),
        ("合成乙镇", 2022, "DISP_PETITIONS_BEYOND_LEVEL", "4"),
    ]);
    let pr = progress(&p, None, &ProgressOptions::default()).unwrap();
    let r = rows_of(&pr, "合成甲镇")[0];
    assert!((float(&pr, "actual_rate", r).unwrap() - 0.1).abs() < 1e-12);
    assert_eq!(text(&pr, "category", r), Some("substantial_growth"));
    let r = rows_of(&pr, "合成乙镇")[0];
    assert_eq!(text(&pr, "category", r), Some("limited_growth"));
}
