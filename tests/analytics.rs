//! Change, gaps, progress and diagnostics against values computed by hand (written out here).
#![allow(clippy::unwrap_used)]

use fazhi::analytics::*;
use fazhi::model::{Catalogue, Targets};
use fazhi::{Panel, PanelOptions};
use polars::prelude::*;
use proptest::prelude::*;

fn panel(rows: &[(&str, i32, &str, &str)]) -> Panel {
    let frame = df!(
        "unit" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
    )
    .unwrap();
    let p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    assert!(p.rejections().is_empty(), "{:?}", p.rejections());
    p
}

/// (unit, indicator, year, comparator, target, target_hi, [threshold, base, challenge], baseline_year)
type TargetRow<'a> = (&'a str, &'a str, i32, &'a str, f64, Option<f64>, Option<[f64; 3]>, Option<i32>);

fn targets(rows: &[TargetRow<'_>]) -> Targets {
    let frame = df!(
        "unit" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "comparator" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        "target" => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
        "target_hi" => rows.iter().map(|r| r.5).collect::<Vec<_>>(),
        "threshold" => rows.iter().map(|r| r.6.map(|t| t[0])).collect::<Vec<_>>(),
        "base" => rows.iter().map(|r| r.6.map(|t| t[1])).collect::<Vec<_>>(),
        "challenge" => rows.iter().map(|r| r.6.map(|t| t[2])).collect::<Vec<_>>(),
        "baseline_year" => rows.iter().map(|r| r.7).collect::<Vec<_>>(),
    )
    .unwrap();
    Targets::from_frame(&frame, &Catalogue::default_catalogue(), "<test>").unwrap()
}

/// The row of `frame` where unit/indicator/year match.
fn row(frame: &DataFrame, unit: &str, indicator: &str, year_col: &str, year: i32) -> usize {
    let u = frame.column("unit").unwrap().str().unwrap();
    let i = frame.column("indicator").unwrap().str().unwrap();
    let y = frame.column(year_col).unwrap().i32().unwrap();
    (0..frame.height())
        .find(|&r| u.get(r) == Some(unit) && i.get(r) == Some(indicator) && y.get(r) == Some(year))
        .unwrap_or_else(|| panic!("no row {unit} {indicator} {year}"))
}

fn f(frame: &DataFrame, col: &str, r: usize) -> Option<f64> {
    frame.column(col).unwrap().f64().unwrap().get(r)
}
fn s<'a>(frame: &'a DataFrame, col: &str, r: usize) -> Option<&'a str> {
    frame.column(col).unwrap().str().unwrap().get(r)
}
fn b(frame: &DataFrame, col: &str, r: usize) -> Option<bool> {
    frame.column(col).unwrap().bool().unwrap().get(r)
}
fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

// ---------------------------------------------------------------- §3 change

#[test]
fn change_ordinary_missing_gap_zero_lower_and_interval() {
    let p = panel(&[
        // ordinary: 800 → 1000, +200, +25 %
        ("A", 2022, "PUB_MATERIALS", "800"),
        ("A", 2023, "PUB_MATERIALS", "1000"),
        // gap of 2 years: 100 (2020) → 121 (2022); annual rate √1.21 − 1 = 10 %
        ("A", 2020, "CAP_STUDY_SESSIONS", "100"),
        ("A", 2022, "CAP_STUDY_SESSIONS", "121"),
        // zero previous value: 0 → 5
        ("A", 2022, "PUB_SCHOOL_EVENTS", "0"),
        ("A", 2023, "PUB_SCHOOL_EVENTS", "5"),
        // lower is better: lawsuits 4 → 2 is an improvement
        ("A", 2022, "SUPV_ADMIN_LITIGATION", "4"),
        ("A", 2023, "SUPV_ADMIN_LITIGATION", "2"),
        // interval: 90余 [90,100) → 1060 … (different indicator) 80 → 90余: [90−80, 100−80] = [10, 20]
        ("A", 2022, "DISP_DISPUTES_MEDIATED", "80"),
        ("A", 2023, "DISP_DISPUTES_MEDIATED", "90余"),
        // interval straddling zero: 95 → 90余 gives [90−95, 100−95] = [−5, 5]: not certain
        ("B", 2022, "DISP_DISPUTES_MEDIATED", "95"),
        ("B", 2023, "DISP_DISPUTES_MEDIATED", "90余"),
        // unchanged exact values
        ("B", 2022, "PUB_MATERIALS", "500"),
        ("B", 2023, "PUB_MATERIALS", "500"),
    ]);
    let c = changes(&p, &ChangeOptions::default()).unwrap();
    assert_eq!(c.get_column_names().iter().map(|x| x.as_str()).collect::<Vec<_>>(), CHANGE_COLUMNS);

    let r = row(&c, "A", "PUB_MATERIALS", "year", 2023);
    assert_eq!((f(&c, "abs_change", r), f(&c, "rel_change", r)), (Some(200.0), Some(0.25)));
    assert_eq!((s(&c, "status", r), b(&c, "certain", r)), (Some("improved"), Some(true)));
    assert_eq!(c.column("prev_year").unwrap().i32().unwrap().get(r), Some(2022));

    let r = row(&c, "A", "PUB_MATERIALS", "year", 2022);
    assert_eq!((s(&c, "status", r), s(&c, "reason", r)), (Some("no_baseline"), Some("no earlier observation")));

    // With max_gap = 1 the two-year gap has no baseline; with max_gap = 2 it does.
    let r = row(&c, "A", "CAP_STUDY_SESSIONS", "year", 2022);
    assert_eq!(s(&c, "status", r), Some("no_baseline"));
    assert_eq!(s(&c, "reason", r), Some("the previous observation is more than max_gap years earlier"));
    let c2 = changes(&p, &ChangeOptions { max_gap: 2, ..ChangeOptions::default() }).unwrap();
    let r = row(&c2, "A", "CAP_STUDY_SESSIONS", "year", 2022);
    assert_eq!(f(&c2, "abs_change", r), Some(21.0));
    assert!(close(f(&c2, "annual_rate", r), 0.1));
    assert!(close(f(&c2, "rel_change", r), 0.21));

    let r = row(&c, "A", "PUB_SCHOOL_EVENTS", "year", 2023);
    assert_eq!((f(&c, "abs_change", r), f(&c, "rel_change", r)), (Some(5.0), None));
    assert_eq!(s(&c, "reason", r), Some("previous value is 0: relative change undefined"));
    assert_eq!(s(&c, "status", r), Some("improved"));

    let r = row(&c, "A", "SUPV_ADMIN_LITIGATION", "year", 2023);
    assert_eq!((f(&c, "abs_change", r), f(&c, "rel_change", r), s(&c, "status", r)), (Some(-2.0), Some(-0.5), Some("improved")));

    let r = row(&c, "A", "DISP_DISPUTES_MEDIATED", "year", 2023);
    assert_eq!((f(&c, "abs_change", r), f(&c, "abs_change_lo", r), f(&c, "abs_change_hi", r)), (Some(10.0), Some(10.0), Some(20.0)));
    assert_eq!((b(&c, "certain", r), b(&c, "qualified", r)), (Some(true), Some(true)));

    let r = row(&c, "B", "DISP_DISPUTES_MEDIATED", "year", 2023);
    assert_eq!((f(&c, "abs_change", r), f(&c, "abs_change_lo", r), f(&c, "abs_change_hi", r)), (Some(-5.0), Some(-5.0), Some(5.0)));
    assert_eq!((s(&c, "status", r), b(&c, "certain", r)), (Some("declined"), Some(false)));

    let r = row(&c, "B", "PUB_MATERIALS", "year", 2023);
    assert_eq!((s(&c, "status", r), b(&c, "certain", r)), (Some("unchanged"), Some(true)));
}

#[test]
fn change_filters_and_open_ends() {
    let p = panel(&[("A", 2022, "PUB_MATERIALS", "超过100"), ("A", 2023, "PUB_MATERIALS", "300"), ("B", 2023, "PUB_MATERIALS", "1")]);
    let c = changes(&p, &ChangeOptions::default()).unwrap();
    let r = row(&c, "A", "PUB_MATERIALS", "year", 2023);
    // [300 − ∞, 300 − 100] = (open, 200]
    assert_eq!((f(&c, "abs_change_lo", r), f(&c, "abs_change_hi", r)), (None, Some(200.0)));
    let only_b =
        changes(&p, &ChangeOptions { filter: Filter { units: Some(vec!["B".into()]), years: None }, ..Default::default() }).unwrap();
    assert_eq!(only_b.height(), 1);
    assert!(changes(&p, &ChangeOptions { max_gap: 0, ..Default::default() }).is_err());
    assert!(
        changes(&p, &ChangeOptions { filter: Filter { units: Some(vec!["nope".into()]), years: None }, ..Default::default() }).is_err()
    );
}

// ---------------------------------------------------------------- §4 gaps

#[test]
fn gaps_for_every_comparator_tiers_zero_and_missing() {
    let p = panel(&[
        ("A", 2024, "PUB_MATERIALS", "900"),
        ("A", 2024, "SUPV_LITIGATION_LOSS_RATE", "20%"),
        ("A", 2024, "CAP_ONLINE_EXAM_SCORE", "85"),
        ("A", 2024, "DISP_MEDIATION_SUCCESS_RATE", "88%"),
        ("A", 2024, "SUPV_ADMIN_LITIGATION", "2"),
        ("A", 2024, "CAP_STUDY_SESSIONS", "25"),
        ("A", 2024, "DISP_PETITIONS_BEYOND_LEVEL", "4"),
    ]);
    let t = targets(&[
        ("A", "PUB_MATERIALS", 2024, "at_least", 1000.0, None, None, None),
        ("A", "SUPV_LITIGATION_LOSS_RATE", 2024, "at_most", 10.0, None, None, None),
        ("A", "CAP_ONLINE_EXAM_SCORE", 2024, "exactly", 85.0, None, None, None),
        ("A", "DISP_MEDIATION_SUCCESS_RATE", 2024, "between", 90.0, Some(100.0), None, None),
        ("A", "SUPV_ADMIN_LITIGATION", 2024, "at_most", 0.0, None, None, None),
        ("A", "CAP_STUDY_SESSIONS", 2024, "at_least", 20.0, None, Some([10.0, 20.0, 30.0]), None),
        ("A", "DISP_PETITIONS_BEYOND_LEVEL", 2024, "at_most", 3.0, None, Some([5.0, 3.0, 1.0]), None),
        ("A", "PUB_CONSULT_STALLS", 2024, "at_least", 4.0, None, None, None),
    ]);
    let g = gaps(&p, &t, &GapOptions::default()).unwrap();
    assert_eq!(g.height(), 8, "the target without an observation is kept");

    // at_least 1000, x = 900: gap 100, 完成率 0.9
    let r = row(&g, "A", "PUB_MATERIALS", "year", 2024);
    assert_eq!(
        (b(&g, "met", r), f(&g, "gap", r), f(&g, "achievement", r), s(&g, "status", r)),
        (Some(false), Some(100.0), Some(0.9), Some("missed"))
    );
    // at_most 10 %, x = 20 %: gap 10; ratio T/x = 0.5; linear 2 − x/T = 0
    let r = row(&g, "A", "SUPV_LITIGATION_LOSS_RATE", "year", 2024);
    assert_eq!((f(&g, "gap", r), f(&g, "achievement", r)), (Some(10.0), Some(0.5)));
    let lin = gaps(&p, &t, &GapOptions { inverse: InverseMethod::Linear, ..Default::default() }).unwrap();
    assert_eq!(f(&lin, "achievement", r), Some(0.0));
    // exactly 85 = 85: met, gap 0, ratio 1
    let r = row(&g, "A", "CAP_ONLINE_EXAM_SCORE", "year", 2024);
    assert_eq!((b(&g, "met", r), f(&g, "gap", r), f(&g, "achievement", r)), (Some(true), Some(0.0), Some(1.0)));
    // between 90–100, x = 88: gap 2, ratio 88/90
    let r = row(&g, "A", "DISP_MEDIATION_SUCCESS_RATE", "year", 2024);
    assert_eq!(f(&g, "gap", r), Some(2.0));
    assert!(close(f(&g, "achievement", r), 88.0 / 90.0));
    // zero target at_most 0, x = 2: gap 2, ratio undefined with a reason, no division by zero
    let r = row(&g, "A", "SUPV_ADMIN_LITIGATION", "year", 2024);
    assert_eq!((b(&g, "met", r), f(&g, "gap", r), f(&g, "achievement", r)), (Some(false), Some(2.0), None));
    assert!(s(&g, "reason", r).unwrap().contains("zero"));
    // tiers 10/20/30, x = 25: base reached, 80 + 20·(25−20)/(30−20) = 90
    let r = row(&g, "A", "CAP_STUDY_SESSIONS", "year", 2024);
    assert_eq!((s(&g, "tier_reached", r), f(&g, "tier_score", r)), (Some("base"), Some(90.0)));
    // lower-is-better tiers 5/3/1, x = 4: threshold reached, 60 + 20·(5−4)/(5−3) = 70
    let r = row(&g, "A", "DISP_PETITIONS_BEYOND_LEVEL", "year", 2024);
    assert_eq!((s(&g, "tier_reached", r), f(&g, "tier_score", r)), (Some("threshold"), Some(70.0)));
    // no observation: no_data, nothing computed
    let r = row(&g, "A", "PUB_CONSULT_STALLS", "year", 2024);
    assert_eq!((s(&g, "status", r), b(&g, "met", r), f(&g, "gap", r)), (Some("no_data"), None, None));

    // A cap (封顶) limits the ratio.
    let p2 = panel(&[("A", 2024, "PUB_MATERIALS", "1500")]);
    let capped = gaps(&p2, &t, &GapOptions { cap: Some(1.2), ..Default::default() }).unwrap();
    let r = row(&capped, "A", "PUB_MATERIALS", "year", 2024);
    assert_eq!(f(&capped, "achievement", r), Some(1.2));
}

#[test]
fn gaps_use_intervals_for_certainty_and_county_targets_need_units() {
    let p = panel(&[("A", 2024, "PUB_MATERIALS", "990余"), ("B", 2024, "PUB_MATERIALS", "1060多")]);
    let t = targets(&[("", "PUB_MATERIALS", 2024, "at_least", 1000.0, None, None, None)]);
    let g = gaps(&p, &t, &GapOptions::default()).unwrap();
    // A: 990余 = [990, 1000): point misses 1000 and so does every value in the interval.
    let r = row(&g, "A", "PUB_MATERIALS", "year", 2024);
    assert_eq!((b(&g, "met", r), b(&g, "certain", r), s(&g, "scope", r)), (Some(false), Some(true), Some("all")));
    let r = row(&g, "B", "PUB_MATERIALS", "year", 2024);
    assert_eq!((b(&g, "met", r), b(&g, "certain", r)), (Some(true), Some(true)));
    // A county-wide target with no unit table is an error that says what to do.
    let frame =
        df!("county" => ["合成东县"], "indicator" => ["PUB_MATERIALS"], "year" => [2024], "comparator" => ["at_least"], "target" => [1.0])
            .unwrap();
    let county = Targets::from_frame(&frame, &Catalogue::default_catalogue(), "<t>").unwrap();
    let e = gaps(&p, &county, &GapOptions::default()).unwrap_err().to_string();
    assert!(e.contains("unit table"), "{e}");
}

#[test]
fn demo_county_targets_unit_overrides_county() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let catalogue = Catalogue::default_catalogue();
    let units = fazhi::Units::read(format!("{dir}/datasets/demo/units.csv"), None).unwrap();
    let p = Panel::read(format!("{dir}/datasets/demo/panel.csv"), catalogue.clone(), Some(units), &PanelOptions::default()).unwrap();
    let t = Targets::read(format!("{dir}/datasets/demo/targets.csv"), &catalogue, None).unwrap();
    let g = gaps(&p, &t, &GapOptions::default()).unwrap();
    let scope = g.column("scope").unwrap().str().unwrap();
    assert!(scope.iter().any(|x| x == Some("unit")) && scope.iter().any(|x| x == Some("county")));
    // One row per (unit, indicator, year): overrides replace, they do not add.
    let keys = g.select(["unit", "indicator", "year"]).unwrap();
    assert_eq!(keys.unique_stable(None, UniqueKeepStrategy::First, None).unwrap().height(), g.height());
    let status = g.column("status").unwrap().str().unwrap();
    assert!(status.iter().any(|x| x == Some("no_data")));
    // Progress on the 2025 plan runs on the same data.
    let pr = progress(&p, Some(&t), &ProgressOptions::default()).unwrap();
    assert!(pr.height() > 0);
}

// ---------------------------------------------------------------- §5 progress

#[test]
fn progress_compound_linear_achieved_zero_sign_single_and_lower() {
    let p = panel(&[
        // compound: 100 → 121 over 2 years = 10 %/yr; required 100 → 200 over 4 years = 2^(1/4) − 1 = 18.92 %/yr
        ("A", 2021, "PUB_MATERIALS", "100"),
        ("A", 2023, "PUB_MATERIALS", "121"),
        // already met and held: 5 ≥ 3 at baseline and latest
        ("A", 2022, "VIL_LEGAL_LITERATE_PER_VILLAGE", "3"),
        ("A", 2024, "VIL_LEGAL_LITERATE_PER_VILLAGE", "4"),
        // achieved: 2 → 3 with target 3
        ("B", 2022, "VIL_LEGAL_LITERATE_PER_VILLAGE", "2"),
        ("B", 2024, "VIL_LEGAL_LITERATE_PER_VILLAGE", "3"),
        // zero baseline: compound undefined → linear. 0 → 2 in 2 years (1/yr); need 0 → 4 in 4 years (1/yr): ratio 1, on_track
        ("A", 2022, "PUB_SCHOOL_EVENTS", "0"),
        ("A", 2024, "PUB_SCHOOL_EVENTS", "2"),
        // single observation
        ("A", 2022, "PUB_CONSULT_STALLS", "3"),
        // lower is better, compound: 8 → 4 in 2 years: a = √0.5 − 1 = −29.29 %; target 2 in 4 years: r = 0.25^(1/4) − 1 = −29.29 %: ratio 1
        ("A", 2022, "DISP_PETITIONS_BEYOND_LEVEL", "8"),
        ("A", 2024, "DISP_PETITIONS_BEYOND_LEVEL", "4"),
        // moving away: 50 → 40 with target 100
        ("B", 2022, "PUB_MATERIALS", "50"),
        ("B", 2024, "PUB_MATERIALS", "40"),
    ]);
    let t = targets(&[
        ("A", "PUB_MATERIALS", 2025, "at_least", 200.0, None, None, Some(2021)),
        ("A", "VIL_LEGAL_LITERATE_PER_VILLAGE", 2025, "at_least", 3.0, None, None, Some(2022)),
        ("B", "VIL_LEGAL_LITERATE_PER_VILLAGE", 2025, "at_least", 3.0, None, None, Some(2022)),
        ("A", "PUB_SCHOOL_EVENTS", 2026, "at_least", 4.0, None, None, Some(2022)),
        ("A", "PUB_CONSULT_STALLS", 2025, "at_least", 5.0, None, None, Some(2022)),
        ("A", "DISP_PETITIONS_BEYOND_LEVEL", 2026, "at_most", 2.0, None, None, Some(2022)),
        ("B", "PUB_MATERIALS", 2026, "at_least", 100.0, None, None, Some(2022)),
    ]);
    let pr = progress(&p, Some(&t), &ProgressOptions::default()).unwrap();
    assert_eq!(pr.get_column_names().iter().map(|x| x.as_str()).collect::<Vec<_>>(), PROGRESS_COLUMNS);
    let r = row(&pr, "A", "PUB_MATERIALS", "target_year", 2025);
    assert!(close(f(&pr, "actual_rate", r), 0.1));
    assert!(close(f(&pr, "required_rate", r), 2f64.powf(0.25) - 1.0));
    assert!(close(f(&pr, "ratio", r), 0.1 / (2f64.powf(0.25) - 1.0))); // 0.5285
    assert_eq!(s(&pr, "category", r), Some("limited_progress"));
    // projection: slope 10.5/yr from 121 in 2023 → 142 in 2025, short of 200
    assert_eq!((f(&pr, "projected_value", r), b(&pr, "projected_met", r)), (Some(142.0), Some(false)));

    let r = row(&pr, "A", "VIL_LEGAL_LITERATE_PER_VILLAGE", "target_year", 2025);
    assert_eq!(s(&pr, "category", r), Some("maintaining"));
    let r = row(&pr, "B", "VIL_LEGAL_LITERATE_PER_VILLAGE", "target_year", 2025);
    assert_eq!(s(&pr, "category", r), Some("achieved"));

    let r = row(&pr, "A", "PUB_SCHOOL_EVENTS", "target_year", 2026);
    assert_eq!(s(&pr, "method_used", r), Some("linear (compound undefined for zero or negative values)"));
    assert_eq!((f(&pr, "actual_rate", r), f(&pr, "required_rate", r), f(&pr, "ratio", r)), (Some(1.0), Some(1.0), Some(1.0)));
    assert_eq!(s(&pr, "category", r), Some("on_track"));

    let r = row(&pr, "A", "PUB_CONSULT_STALLS", "target_year", 2025);
    assert_eq!(s(&pr, "category", r), Some("insufficient_data"));

    let r = row(&pr, "A", "DISP_PETITIONS_BEYOND_LEVEL", "target_year", 2026);
    assert!(close(f(&pr, "ratio", r), 1.0));
    assert_eq!(s(&pr, "category", r), Some("substantial_progress"));

    let r = row(&pr, "B", "PUB_MATERIALS", "target_year", 2026);
    assert!(f(&pr, "ratio", r).unwrap() < 0.0);
    assert_eq!(s(&pr, "category", r), Some("moving_away"));

    // The linear preset on the first series: a = 21/2 = 10.5, r = 100/4 = 25, ratio 0.42 → stagnating
    let lin = progress(&p, Some(&t), &ProgressOptions { method: ProgressMethod::Linear, ..Default::default() }).unwrap();
    let r = row(&lin, "A", "PUB_MATERIALS", "target_year", 2025);
    assert!(close(f(&lin, "ratio", r), 0.42));
    assert_eq!(s(&lin, "category", r), Some("stagnating"));
}

#[test]
fn progress_sign_change_falls_back_and_growth_bands_without_targets() {
    // A sign change cannot happen in validated counts (all ≥ 0), so the compound fallback is
    // exercised through zero; without targets, growth bands classify each series.
    let p = panel(&[
        ("A", 2020, "PUB_MATERIALS", "100"),
        ("A", 2024, "PUB_MATERIALS", "110"), // (1.1)^(1/4) − 1 = 2.41 %: substantial
        ("A", 2020, "SUPV_ADMIN_LITIGATION", "4"),
        ("A", 2024, "SUPV_ADMIN_LITIGATION", "5"), // more lawsuits: deterioration
        ("A", 2020, "PUB_SCHOOL_EVENTS", "0"),
        ("A", 2024, "PUB_SCHOOL_EVENTS", "3"), // zero baseline: undefined
    ]);
    let pr = progress(&p, None, &ProgressOptions::default()).unwrap();
    let r = row(&pr, "A", "PUB_MATERIALS", "baseline_year", 2020);
    assert_eq!(s(&pr, "category", r), Some("substantial_growth"));
    assert!(close(f(&pr, "actual_rate", r), 1.1f64.powf(0.25) - 1.0));
    let r = row(&pr, "A", "SUPV_ADMIN_LITIGATION", "baseline_year", 2020);
    assert_eq!(s(&pr, "category", r), Some("deterioration"));
    let r = row(&pr, "A", "PUB_SCHOOL_EVENTS", "baseline_year", 2020);
    assert_eq!(s(&pr, "category", r), Some("undefined"));
}

// ---------------------------------------------------------------- §9 diagnostics

#[test]
fn diagnostics_flag_rates_jumps_zeros_and_claims() {
    let p = panel(&[
        ("A", 2023, "ENF_CERTIFIED", "4"),
        ("A", 2023, "ENF_OFFICE_STAFF", "5"),
        ("A", 2023, "ENF_CERT_RATE", "95%"), // counts give 80 %
        ("A", 2022, "PUB_MATERIALS", "100"),
        ("A", 2023, "PUB_MATERIALS", "400"), // ×4 jump
        ("A", 2022, "CAP_STUDY_SESSIONS", "12"),
        ("A", 2023, "CAP_STUDY_SESSIONS", "0"), // drop to zero
        ("A", 2023, "CAP_ONLINE_EXAM_PASS_RATE", "100%"),
        ("B", 2023, "ENF_CERTIFIED", "2"),
        ("B", 2023, "ENF_OFFICE_STAFF", "5"),
        ("B", 2023, "ENF_CERT_RATE", "40%"), // consistent: no flag
    ]);
    let d = diagnostics(&p, &DiagnosticOptions::default()).unwrap();
    let checks: Vec<(String, Option<String>, String)> = (0..d.height())
        .map(|r| (s(&d, "unit", r).unwrap().to_string(), s(&d, "indicator", r).map(str::to_string), s(&d, "check", r).unwrap().to_string()))
        .collect();
    let has = |u: &str, i: &str, c: &str| checks.iter().any(|x| x.0 == u && x.1.as_deref() == Some(i) && x.2 == c);
    assert!(has("A", "ENF_CERT_RATE", "rate_mismatch"));
    assert!(!has("B", "ENF_CERT_RATE", "rate_mismatch"));
    assert!(has("A", "PUB_MATERIALS", "jump"));
    assert!(has("A", "CAP_STUDY_SESSIONS", "drop_to_zero"));
    assert!(has("A", "CAP_ONLINE_EXAM_PASS_RATE", "claim_100"));
    let r = (0..d.height()).find(|&r| s(&d, "check", r) == Some("rate_mismatch")).unwrap();
    assert_eq!((f(&d, "value", r), f(&d, "expected", r)), (Some(95.0), Some(80.0)));
    assert!(checks.iter().any(|x| x.0 == "A" && x.2 == "qualified_share"));
}

#[test]
fn diagnostics_find_the_demo_county_planted_inconsistencies() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let p = Panel::read(format!("{dir}/datasets/demo/panel.csv"), Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    let d = diagnostics(&p, &DiagnosticOptions::default()).unwrap();
    let mismatches: Vec<(String, i32)> = (0..d.height())
        .filter(|&r| s(&d, "check", r) == Some("rate_mismatch"))
        .map(|r| (s(&d, "unit", r).unwrap().to_string(), d.column("year").unwrap().i32().unwrap().get(r).unwrap()))
        .collect();
    // datasets/README.md: exactly two planted stated-rate errors.
    assert_eq!(mismatches, vec![("SYN03".to_string(), 2022), ("SYN11".to_string(), 2024)]);
}

// ---------------------------------------------------------------- properties

fn arb_rows() -> impl Strategy<Value = Vec<(u8, i32, u8, u32)>> {
    proptest::collection::vec((0u8..4, 2019i32..2025, 0u8..3, 0u32..2000), 1..60)
}

const CODES: [&str; 3] = ["PUB_MATERIALS", "SUPV_ADMIN_LITIGATION", "CAP_ONLINE_EXAM_SCORE"];

fn build(rows: &[(u8, i32, u8, u32)], catalogue: Catalogue) -> Panel {
    // Keep the first row of each key so the panel has no duplicates to reject.
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<_> = rows.iter().filter(|r| seen.insert((r.0, r.1, r.2))).collect();
    let frame = df!(
        "unit" => rows.iter().map(|r| format!("U{}", r.0)).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| CODES[r.2 as usize]).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| f64::from(r.3 % 100)).collect::<Vec<_>>(),
    )
    .unwrap();
    Panel::from_frame(&frame, catalogue, None, &PanelOptions::default()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shuffling_rows_changes_nothing(rows in arb_rows(), seed in any::<u64>()) {
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<_> = rows.iter().copied().filter(|r| seen.insert((r.0, r.1, r.2))).collect();
        let mut shuffled = unique.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let (a, b) = (build(&unique, Catalogue::default_catalogue()), build(&shuffled, Catalogue::default_catalogue()));
        prop_assert_eq!(changes(&a, &ChangeOptions::default()).unwrap(), changes(&b, &ChangeOptions::default()).unwrap());
        prop_assert_eq!(progress(&a, None, &ProgressOptions::default()).unwrap(), progress(&b, None, &ProgressOptions::default()).unwrap());
        let t = targets(&[("", "PUB_MATERIALS", 2023, "at_least", 50.0, None, None, None)]);
        prop_assert_eq!(gaps(&a, &t, &GapOptions::default()).unwrap(), gaps(&b, &t, &GapOptions::default()).unwrap());
        prop_assert_eq!(diagnostics(&a, &DiagnosticOptions::default()).unwrap(), diagnostics(&b, &DiagnosticOptions::default()).unwrap());
    }

    #[test]
    fn flipping_polarity_flips_improved_and_declined(rows in arb_rows()) {
        let normal = build(&rows, Catalogue::default_catalogue());
        let mut flipped_catalogue = Catalogue::default_catalogue();
        for ind in &mut flipped_catalogue.indicators {
            ind.polarity = match ind.polarity { fazhi::model::Polarity::Higher => fazhi::model::Polarity::Lower, _ => fazhi::model::Polarity::Higher };
            ind.goalposts = None;
        }
        let flipped = build(&rows, flipped_catalogue);
        let a = changes(&normal, &ChangeOptions::default()).unwrap();
        let b = changes(&flipped, &ChangeOptions::default()).unwrap();
        let (sa, sb) = (a.column("status").unwrap().str().unwrap(), b.column("status").unwrap().str().unwrap());
        for (x, y) in sa.iter().zip(sb.iter()) {
            let expected = match x { Some("improved") => Some("declined"), Some("declined") => Some("improved"), other => other };
            prop_assert_eq!(y, expected);
        }
    }

    #[test]
    fn gaps_are_non_negative_and_zero_exactly_when_met(x in 0u32..200, target in 0u32..200, hi in 0u32..50, cmp in 0usize..4) {
        let comparators = ["at_least", "at_most", "exactly", "between"];
        let p = panel(&[("A", 2024, "PUB_MATERIALS", &x.to_string())]);
        let t_hi = (cmp == 3).then(|| f64::from(target + hi));
        let t = targets(&[("A", "PUB_MATERIALS", 2024, comparators[cmp], f64::from(target), t_hi, None, None)]);
        let g = gaps(&p, &t, &GapOptions::default()).unwrap();
        let gap = f(&g, "gap", 0).unwrap();
        let met = b(&g, "met", 0).unwrap();
        prop_assert!(gap >= 0.0);
        prop_assert_eq!(gap == 0.0, met);
    }
}
