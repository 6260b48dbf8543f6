//! Composite scores and ranks against values computed by hand (written out here), and the
//! properties METHODOLOGY §6–7 promise.
#![allow(clippy::unwrap_used)]

use fazhi::model::{Catalogue, Units};
use fazhi::scoring::*;
use fazhi::{Error, Panel, PanelOptions};
use polars::prelude::*;
use proptest::prelude::*;

mod common;
use common::toy_panel;

/// Three townships in 2024; T3 has no B (a missing cell, not a zero).
const TOY_ROWS: &[(&str, i32, &str, f64)] = &[
    ("T1", 2024, "A", 10.0),
    ("T2", 2024, "A", 20.0),
    ("T3", 2024, "A", 30.0),
    ("T1", 2024, "B", 5.0),
    ("T2", 2024, "B", 1.0),
    ("T1", 2024, "E", 2.0),
    ("T2", 2024, "E", 4.0),
    ("T3", 2024, "E", 6.0),
    ("T1", 2024, "C", 80.0),
    ("T2", 2024, "C", 90.0),
    ("T3", 2024, "C", 70.0),
];

/// The first row of `frame` whose string columns have the given values (and year, if given).
fn find(frame: &DataFrame, keys: &[(&str, &str)], year: Option<i32>) -> usize {
    (0..frame.height())
        .find(|&r| {
            keys.iter().all(|(c, v)| frame.column(c).unwrap().str().unwrap().get(r) == Some(*v))
                && year.is_none_or(|y| frame.column("year").unwrap().i32().unwrap().get(r) == Some(y))
        })
        .unwrap_or_else(|| panic!("no row {keys:?} {year:?}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn hand_computed_minmax_arithmetic() {
    // min-max per indicator:  A: 0, 50, 100.  B (lower): T1 x=5 → 0, T2 x=1 → 100, T3 missing.
    // E: 0, 50, 100.  C: 50, 100, 0.
    // D1: T1 (0+0+0)/3 = 0; T2 (50+100+50)/3 = 66.667; T3 has A and E: coverage 2/3 ≥ 2/3, so
    //     (100+100)/2 = 100 over the weight present (renormalised).
    // D2: T1 50, T2 100, T3 0.   Composite = mean of the two: T1 25, T2 83.333, T3 50.
    let p = toy_panel(TOY_ROWS);
    let s = score(&p, &ScoreOptions::default()).unwrap();
    assert!(close(s.score_of("T1", 2024).unwrap().unwrap(), 25.0));
    assert!(close(s.score_of("T2", 2024).unwrap().unwrap(), (200.0 / 3.0 + 100.0) / 2.0));
    assert!(close(s.score_of("T3", 2024).unwrap().unwrap(), 50.0));
    assert_eq!(s.rank_of("T2", 2024).unwrap(), Some(1));
    assert_eq!(s.rank_of("T3", 2024).unwrap(), Some(2));
    assert_eq!(s.rank_of("T1", 2024).unwrap(), Some(3));

    // Contributions of T2: A, B, E carry ½ · ⅓ each, C carries ½.
    let c = s.explain("T2", 2024).unwrap();
    let get = |code: &str| c.iter().find(|x| x.0 == code).unwrap().1;
    assert!(close(get("A"), 50.0 / 6.0));
    assert!(close(get("B"), 100.0 / 6.0));
    assert!(close(get("E"), 50.0 / 6.0));
    assert!(close(get("C"), 50.0));
    // T3: A and E carry ½ · ½ each (B is missing, weights renormalised), C ½ · 0.
    let c3 = s.explain("T3", 2024).unwrap();
    assert_eq!(c3.len(), 3);
    assert!(close(c3.iter().map(|x| x.1).sum::<f64>(), 50.0));

    let comp = s.composite().unwrap();
    // T4 is in the unit table and reports nothing: listed last, unranked (no_report).
    assert_eq!(comp.column("unit").unwrap().str().unwrap().iter().flatten().collect::<Vec<_>>(), ["T2", "T3", "T1", "T4"]);
    assert_eq!(comp.column("reason").unwrap().str().unwrap().get(3), Some("no_report"));
    let cov = comp.column("coverage").unwrap().f64().unwrap();
    assert!(close(cov.get(0).unwrap(), 1.0));
    let dims = s.dimensions().unwrap();
    // Two dimensions for each of the four units of the table (T4: unscored rows).
    assert_eq!(dims.height(), 8);
    let t3_d1 = find(&dims, &[("unit", "T3"), ("dimension", "D1")], None);
    assert!(close(dims.column("score").unwrap().f64().unwrap().get(t3_d1).unwrap(), 100.0));
    assert!(close(dims.column("coverage").unwrap().f64().unwrap().get(t3_d1).unwrap(), 2.0 / 3.0));
    let contrib = s.contributions().unwrap();
    assert_eq!(contrib.height(), TOY_ROWS.len());
    assert_eq!(s.settings()["catalogue_version"], "toy.1");
}

#[test]
fn weights_of_dimensions_and_indicators() {
    // D2 weighs 3, D1 1:  T1 (0 + 3·50)/4 = 37.5;  T2 (66.667 + 300)/4 = 91.667;  T3 (100 + 0)/4 = 25.
    let p = toy_panel(TOY_ROWS);
    let mut o = ScoreOptions::default();
    o.weights.dimensions.insert("D2".into(), 3.0);
    let s = score(&p, &o).unwrap();
    assert!(close(s.score_of("T1", 2024).unwrap().unwrap(), 37.5));
    assert!(close(s.score_of("T2", 2024).unwrap().unwrap(), (200.0 / 3.0 + 300.0) / 4.0));
    assert!(close(s.score_of("T3", 2024).unwrap().unwrap(), 25.0));
    assert_eq!(s.rank_of("T1", 2024).unwrap(), Some(2));
    // An indicator weight: A weighs 2 within D1.  T2's D1 = (2·50 + 100 + 50)/4 = 62.5.
    let mut o = ScoreOptions::default();
    o.weights.indicators.insert("A".into(), 2.0);
    let s = score(&p, &o).unwrap();
    assert!(close(s.score_of("T2", 2024).unwrap().unwrap(), (62.5 + 100.0) / 2.0));
    let w = s.weights().unwrap();
    let share = w.column("share").unwrap().f64().unwrap();
    let codes = w.column("code").unwrap().str().unwrap();
    let a = (0..w.height()).find(|&i| codes.get(i) == Some("A")).unwrap();
    assert!(close(share.get(a).unwrap(), 0.5));
}

#[test]
fn coverage_below_threshold_is_listed_not_ranked() {
    // With min dimension coverage 0.9, T3's D1 (2/3 present) has no score, so its composite
    // coverage is ½ < 0.8: listed with the reason, not ranked.
    let p = toy_panel(TOY_ROWS);
    let s = score(&p, &ScoreOptions { min_coverage: (0.9, 0.8), ..Default::default() }).unwrap();
    assert_eq!(s.score_of("T3", 2024).unwrap(), None);
    assert_eq!(s.rank_of("T3", 2024).unwrap(), None);
    let ex = s.excluded().unwrap();
    let reasons = ex.column("reason").unwrap().str().unwrap();
    let units = ex.column("unit").unwrap().str().unwrap();
    assert!((0..ex.height()).any(|i| units.get(i) == Some("T3") && reasons.get(i) == Some("low_coverage")));
    let comp = s.composite().unwrap();
    // Unranked rows come last by unit: T3 (low coverage), then T4 (in the unit table, no report).
    let last = comp.height() - 2;
    assert_eq!(comp.column("unit").unwrap().str().unwrap().get(last + 1), Some("T4"));
    assert_eq!(comp.column("unit").unwrap().str().unwrap().get(last), Some("T3"));
    assert_eq!(comp.column("reason").unwrap().str().unwrap().get(last), Some("low_coverage"));
    assert!(close(comp.column("coverage").unwrap().f64().unwrap().get(last).unwrap(), 0.5));
    // Missing is never zero: T1 and T2 keep their ranks among themselves.
    assert_eq!(s.rank_of("T2", 2024).unwrap(), Some(1));
}

#[test]
fn goalposts_rank_and_zscore() {
    let p = toy_panel(TOY_ROWS);
    // Goalposts: C has catalogue goalposts 60–100: T1 80 → 50, T2 90 → 75, T3 70 → 25.
    let s = score(&p, &ScoreOptions { normalise: Normalise::Goalposts, ..Default::default() }).unwrap();
    let c = s.contributions().unwrap();
    let norm = c.column("normalised").unwrap().f64().unwrap();
    let ind = c.column("indicator").unwrap().str().unwrap();
    let unit = c.column("unit").unwrap().str().unwrap();
    let at = |u: &str, i: &str| (0..c.height()).find(|&r| unit.get(r) == Some(u) && ind.get(r) == Some(i)).unwrap();
    assert!(close(norm.get(at("T1", "C")).unwrap(), 50.0));
    assert!(close(norm.get(at("T2", "C")).unwrap(), 75.0));
    let w = s.weights().unwrap();
    assert_eq!(w.column("goalposts_from").unwrap().str().unwrap().get(5), Some("catalogue"));
    // Rank: percentile ranks 100 (r − 1)/(n − 1): A 0, 50, 100; B (two values, lower) T2 100, T1 0.
    let s = score(&p, &ScoreOptions { normalise: Normalise::Rank, ..Default::default() }).unwrap();
    assert!(close(s.score_of("T1", 2024).unwrap().unwrap(), 25.0));
    // z-scores: C mean 80, sd 10: T2 +1, T3 −1.
    let s = score(&p, &ScoreOptions { normalise: Normalise::ZScore, ..Default::default() }).unwrap();
    let c = s.contributions().unwrap();
    let norm = c.column("normalised").unwrap().f64().unwrap();
    let ind = c.column("indicator").unwrap().str().unwrap();
    let unit = c.column("unit").unwrap().str().unwrap();
    let t2c = (0..c.height()).find(|&r| unit.get(r) == Some("T2") && ind.get(r) == Some("C")).unwrap();
    assert!(close(norm.get(t2c).unwrap(), 1.0));
}

#[test]
fn ties_share_the_lowest_rank() {
    // T1 and T2 identical, T3 better, T4 worse: ranks 1, 2, 2, 4; dense 1, 2, 2, 3.
    let rows = [
        ("T1", 2024, "A", 10.0),
        ("T2", 2024, "A", 10.0),
        ("T3", 2024, "A", 20.0),
        ("T4", 2024, "A", 5.0),
        ("T1", 2024, "C", 80.0),
        ("T2", 2024, "C", 80.0),
        ("T3", 2024, "C", 90.0),
        ("T4", 2024, "C", 70.0),
    ];
    let p = toy_panel(&rows);
    let s = score(&p, &ScoreOptions::default()).unwrap();
    assert_eq!(s.rank_of("T3", 2024).unwrap(), Some(1));
    assert_eq!(s.rank_of("T1", 2024).unwrap(), Some(2));
    assert_eq!(s.rank_of("T2", 2024).unwrap(), Some(2));
    assert_eq!(s.rank_of("T4", 2024).unwrap(), Some(4));
    let comp = s.composite().unwrap();
    let dense: Vec<u32> = comp.column("dense_rank").unwrap().u32().unwrap().iter().flatten().collect();
    assert_eq!(dense, [1, 2, 2, 3]);
    // Within county X (T1, T2) both rank 1; within Y T3 is 1 and T4 2.
    let group: Vec<u32> = comp.column("group_rank").unwrap().u32().unwrap().iter().flatten().collect();
    assert_eq!(group, [1, 1, 1, 2]);
}

#[test]
fn rank_change_year_on_year() {
    let mut rows: Vec<(&str, i32, &str, f64)> = TOY_ROWS.to_vec();
    // 2025: T1 leads.
    rows.extend([
        ("T1", 2025, "A", 50.0),
        ("T2", 2025, "A", 20.0),
        ("T3", 2025, "A", 30.0),
        ("T1", 2025, "C", 99.0),
        ("T2", 2025, "C", 90.0),
        ("T3", 2025, "C", 70.0),
    ]);
    let p = toy_panel(&rows);
    let s = score(&p, &ScoreOptions::default()).unwrap();
    assert_eq!(s.rank_of("T1", 2025).unwrap(), Some(1));
    let comp = s.composite().unwrap();
    // 2024 rank 3 → 2025 rank 1: moved up two places.
    assert_eq!(comp.column("rank_change").unwrap().i32().unwrap().get(find(&comp, &[("unit", "T1")], Some(2025))), Some(2));
}

#[test]
fn no_variation_is_left_out_and_listed() {
    let rows = [
        ("T1", 2024, "A", 10.0),
        ("T2", 2024, "A", 20.0),
        ("T1", 2024, "E", 3.0),
        ("T2", 2024, "E", 3.0),
        ("T1", 2024, "C", 80.0),
        ("T2", 2024, "C", 90.0),
    ];
    let p = toy_panel(&rows);
    let s = score(&p, &ScoreOptions::default()).unwrap();
    // E carries no information: D1 is A alone with full coverage. T1 = (0 + 0)/2, T2 = 100.
    assert!(close(s.score_of("T1", 2024).unwrap().unwrap(), 0.0));
    assert!(close(s.score_of("T2", 2024).unwrap().unwrap(), 100.0));
    let ex = s.excluded().unwrap();
    let reasons: Vec<&str> = ex.column("reason").unwrap().str().unwrap().iter().flatten().collect();
    assert!(reasons.contains(&"no_variation"));
    let comp = s.composite().unwrap();
    let units = comp.column("unit").unwrap().str().unwrap();
    let cov = comp.column("coverage").unwrap().f64().unwrap();
    // Full coverage for the reporting units; T3 and T4 (unit table only) have none.
    assert!((0..comp.height()).all(|r| matches!(units.get(r), Some("T3" | "T4")) || close(cov.get(r).unwrap(), 1.0)));
}

#[test]
fn errors_not_nans() {
    let p = toy_panel(TOY_ROWS);
    // Geometric aggregation meets min-max's zero.
    let o = ScoreOptions { aggregate: (Aggregate::Geometric, Aggregate::Arithmetic), ..Default::default() };
    let e = score(&p, &o).unwrap_err();
    assert!(matches!(e, Error::Scoring(_)), "{e}");
    assert!(e.to_string().contains("T1") && e.to_string().contains("2024"), "{e}");
    // Unknown weight keys.
    let mut o = ScoreOptions::default();
    o.weights.indicators.insert("NOPE".into(), 1.0);
    let e = score(&p, &o).unwrap_err();
    assert!(e.to_string().contains("NOPE"), "{e}");
    let mut o = ScoreOptions::default();
    o.weights.dimensions.insert("D9".into(), 1.0);
    assert!(score(&p, &o).unwrap_err().to_string().contains("D9"));
    // Weights that do not sum to a positive number.
    let mut o = ScoreOptions::default();
    o.weights.dimensions.insert("D1".into(), 0.0);
    o.weights.dimensions.insert("D2".into(), 0.0);
    assert!(score(&p, &o).unwrap_err().to_string().contains("nothing to score"));
    let mut o = ScoreOptions::default();
    o.weights.indicators.insert("A".into(), -1.0);
    assert!(score(&p, &o).unwrap_err().to_string().contains("≥ 0"));
    let mut o = ScoreOptions::default();
    o.weights.indicators.insert("A".into(), f64::NAN);
    assert!(score(&p, &o).is_err());
    // z-scores cannot be aggregated geometrically.
    let o = ScoreOptions { normalise: Normalise::ZScore, aggregate: (Aggregate::Geometric, Aggregate::Geometric), ..Default::default() };
    assert!(matches!(score(&p, &o).unwrap_err(), Error::InvalidArgument(_)));
    // Target normalisation without targets; a year that is not there.
    assert!(score(&p, &ScoreOptions { normalise: Normalise::Target, ..Default::default() }).is_err());
    assert!(score(&p, &ScoreOptions { years: Some(vec![2030]), ..Default::default() }).unwrap_err().to_string().contains("2030"));
}

#[test]
fn geometric_and_minimum_with_goalposts() {
    // With goalposts below the data, geometric aggregation works. Only C has goalposts; A, B and
    // E get data goalposts (2.5th–97.5th percentiles), which give the lowest unit 0, so keep C only.
    let p = toy_panel(TOY_ROWS);
    let mut o =
        ScoreOptions { normalise: Normalise::Goalposts, aggregate: (Aggregate::Minimum, Aggregate::Geometric), ..Default::default() };
    o.weights.dimensions.insert("D1".into(), 0.0);
    let s = score(&p, &o).unwrap();
    // C: T1 50, T2 75, T3 25; one dimension, so the composite equals it.
    assert!(close(s.score_of("T1", 2024).unwrap().unwrap(), 50.0));
    assert!(close(s.score_of("T3", 2024).unwrap().unwrap(), 25.0));
    // Minimum within D1 (A, B, E) for T2: min(50, 100, 50) = 50 under min-max.
    let o = ScoreOptions { aggregate: (Aggregate::Minimum, Aggregate::Arithmetic), ..Default::default() };
    let s = score(&p, &o).unwrap();
    assert!(close(s.score_of("T2", 2024).unwrap().unwrap(), (50.0 + 100.0) / 2.0));
}

#[test]
fn imputation_carry_forward_and_group_median() {
    let mut rows: Vec<(&str, i32, &str, f64)> = TOY_ROWS.to_vec();
    rows.push(("T3", 2023, "B", 3.0));
    rows.push(("T3", 2023, "A", 1.0));
    let p = toy_panel(&rows);
    let s = score(&p, &ScoreOptions { years: Some(vec![2024]), impute: Impute::CarryForward(1), ..Default::default() }).unwrap();
    // T3's B comes from 2023 (3): B min-max over 5, 1, 3: T3 → 50.
    let c = s.contributions().unwrap();
    let i = find(&c, &[("unit", "T3"), ("indicator", "B")], None);
    assert_eq!(c.column("imputed_from_year").unwrap().i32().unwrap().get(i), Some(2023));
    assert_eq!(c.column("imputation").unwrap().str().unwrap().get(i), Some("carry_forward"));
    assert!(close(c.column("normalised").unwrap().f64().unwrap().get(i).unwrap(), 50.0));
    let comp = s.composite().unwrap();
    assert_eq!(comp.column("flags").unwrap().str().unwrap().get(find(&comp, &[("unit", "T3")], None)), Some("imputed"));
    // Group median needs three reporting units in the group: county X has two, so nothing is filled.
    let s = score(&p, &ScoreOptions { years: Some(vec![2024]), impute: Impute::GroupMedian, ..Default::default() }).unwrap();
    let c = s.contributions().unwrap();
    assert!(c.column("imputation").unwrap().str().unwrap().iter().all(|x| x.is_none()));
}

#[test]
fn demo_panel_scores_every_township() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
    let units = Units::read(format!("{data}/units.csv"), None).unwrap();
    let panel = Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap();
    let s = score(&panel, &ScoreOptions::default()).unwrap();
    let comp = s.composite().unwrap();
    assert_eq!(comp.height(), 14 * 5);
    // Every score is within [0, 100]; contributions sum to the composite.
    for (u, y, sc) in comp
        .column("unit")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .zip(comp.column("year").unwrap().i32().unwrap().iter())
        .zip(comp.column("score").unwrap().f64().unwrap().iter())
        .filter_map(|((u, y), s)| Some((u?, y?, s?)))
    {
        assert!((0.0..=100.0).contains(&sc));
        let sum: f64 = s.explain(u, y).unwrap().iter().map(|x| x.1).sum();
        assert!((sum - sc).abs() < 1e-9, "{u} {y}: {sum} vs {sc}");
    }
    // Per-village and per-10,000-resident indicators are denominated from the unit table.
    let c = s.contributions().unwrap();
    assert!(c.column("raw").unwrap().f64().unwrap().iter().zip(c.column("value").unwrap().f64().unwrap().iter()).any(|(a, b)| a != b));
    // Serialises and reads back to the same composite.
    let json = serde_json::to_string(&s).unwrap();
    let back: Scores = serde_json::from_str(&json).unwrap();
    assert!(back.composite().unwrap().equals_missing(&comp));
}

fn random_panel(values: &[f64]) -> Vec<(&'static str, i32, &'static str, f64)> {
    const UNITS: [&str; 4] = ["T1", "T2", "T3", "T4"];
    const INDS: [&str; 4] = ["A", "B", "E", "C"];
    let mut rows = Vec::new();
    for (i, &v) in values.iter().enumerate() {
        let (u, k) = (UNITS[i / 4 % 4], INDS[i % 4]);
        if v >= 0.0 {
            let v = if k == "C" { v.min(100.0) } else { v.round() };
            rows.push((u, 2024, k, v));
        }
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bounded_scores_contributions_and_monotonicity(
        values in proptest::collection::vec(prop_oneof![4 => 0.0f64..100.0, 1 => Just(-1.0)], 16),
        normalise in prop_oneof![Just(Normalise::MinMax), Just(Normalise::Goalposts), Just(Normalise::Rank)],
        bump in 1.0f64..50.0,
    ) {
        let rows = random_panel(&values);
        prop_assume!(rows.iter().any(|r| r.2 == "A") && rows.len() > 4);
        let p = toy_panel(&rows);
        let o = ScoreOptions { normalise, ..Default::default() };
        let Ok(s) = score(&p, &o) else { return Ok(()) };
        let comp = s.composite().unwrap();
        for ((u, y), sc) in comp.column("unit").unwrap().str().unwrap().iter()
            .zip(comp.column("year").unwrap().i32().unwrap().iter())
            .zip(comp.column("score").unwrap().f64().unwrap().iter()) {
            let Some(sc) = sc else { continue };
            prop_assert!((0.0..=100.0).contains(&sc));
            let sum: f64 = s.explain(u.unwrap(), y.unwrap()).unwrap().iter().map(|x| x.1).sum();
            prop_assert!((sum - sc).abs() < 1e-9);
        }
        // Raising a higher-is-better value never lowers that unit's score.
        let (target_unit, _, _, _) = *rows.iter().find(|r| r.2 == "A").unwrap();
        let before = s.score_of(target_unit, 2024).unwrap();
        let raised: Vec<_> = rows.iter().map(|r| if r.0 == target_unit && r.2 == "A" { (r.0, r.1, r.2, r.3 + bump.round()) } else { *r }).collect();
        let s2 = score(&toy_panel(&raised), &o).unwrap();
        if let (Some(a), Some(b)) = (before, s2.score_of(target_unit, 2024).unwrap()) {
            prop_assert!(b >= a - 1e-9, "{a} → {b}");
        }
    }

    #[test]
    fn ranks_follow_their_definitions(
        values in proptest::collection::vec(prop_oneof![3 => prop_oneof![Just(0.0f64), Just(10.0), Just(20.0)], 1 => Just(-1.0)], 16),
    ) {
        // Few distinct values, so ties are common.
        let rows = random_panel(&values);
        prop_assume!(rows.len() > 4);
        let Ok(s) = score(&toy_panel(&rows), &ScoreOptions::default()) else { return Ok(()) };
        let comp = s.composite().unwrap();
        let units: Vec<&str> = comp.column("unit").unwrap().str().unwrap().iter().map(Option::unwrap).collect();
        let score_of: Vec<Option<f64>> = comp.column("score").unwrap().f64().unwrap().iter().collect();
        let col = |name: &str| -> Vec<Option<u32>> { comp.column(name).unwrap().u32().unwrap().iter().collect() };
        let (rank, dense, group) = (col("rank"), col("dense_rank"), col("group_rank"));
        let county = |u: &str| if u == "T1" || u == "T2" { "X" } else { "Y" };
        let ranked: Vec<(usize, f64)> = score_of.iter().enumerate().filter_map(|(i, x)| x.map(|x| (i, x))).collect();
        for i in 0..units.len() {
            let Some(x) = score_of[i] else {
                prop_assert!(rank[i].is_none() && dense[i].is_none() && group[i].is_none());
                continue;
            };
            // Scores within the documented tie tolerance (1e-9 relative) are equal: the noise of
            // summing in another order must not rank them apart.
            let tied = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
            let higher = |y: f64| y > x && !tied(x, y);
            let above = |same_county: bool| ranked.iter().filter(|&&(j, y)| higher(y) && (!same_county || county(units[j]) == county(units[i]))).count() as u32;
            let mut distinct_above: Vec<f64> = ranked.iter().map(|&(_, y)| y).filter(|&y| higher(y)).collect();
            distinct_above.sort_by(f64::total_cmp);
            distinct_above.dedup_by(|a, b| tied(*a, *b));
            prop_assert_eq!(rank[i], Some(1 + above(false)));
            prop_assert_eq!(group[i], Some(1 + above(true)));
            prop_assert_eq!(dense[i], Some(1 + distinct_above.len() as u32));
        }
        // Rows by rank (unranked last), then unit.
        let key = |i: usize| (rank[i].unwrap_or(u32::MAX), units[i]);
        prop_assert!((1..units.len()).all(|i| key(i - 1) < key(i)), "{:?}", (0..units.len()).map(key).collect::<Vec<_>>());
    }

    #[test]
    fn same_bits_shuffled_and_with_one_or_two_threads(
        values in proptest::collection::vec(prop_oneof![4 => 0.0f64..100.0, 1 => Just(-1.0)], 16),
        seed in any::<u64>(),
    ) {
        let rows = random_panel(&values);
        prop_assume!(rows.len() > 4);
        let mut shuffled = rows.clone();
        // Fisher–Yates with a small LCG, so the test needs no RNG crate.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let run = |rows: &[(&str, i32, &str, f64)], threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| score(&toy_panel(rows), &ScoreOptions { impute: Impute::CarryForward(1), ..Default::default() }).map(|s| serde_json::to_string(&s).unwrap()).ok())
        };
        let a = run(&rows, 1);
        prop_assert_eq!(&a, &run(&shuffled, 2));
        prop_assert_eq!(&a, &run(&rows, 2));
    }
}

/// docs/catalogue-migration.md: a panel that uses only 2024.1 codes validates and scores the same
/// under catalogue 2025.1 as under the frozen 2024.1 file: the 40 added indicators have no data, so
/// they change no score, rank, coverage or `.excluded` row (only the panel summary's coverage,
/// which is relative to the catalogue's size).
#[test]
fn panels_with_2024_1_codes_score_the_same_under_2025_1() {
    let root = env!("CARGO_MANIFEST_DIR");
    let old = Catalogue::read(format!("{root}/datasets/catalogue-2024.1.toml")).unwrap();
    let new = Catalogue::default_catalogue();
    assert_eq!((old.version.as_str(), new.version.as_str()), ("2024.1", "2025.1"));
    let text = std::fs::read_to_string(format!("{root}/datasets/demo/panel.csv")).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(2).is_some_and(|code| old.indicator(code).is_some()))
        .map(|(_, l)| l)
        .collect();
    assert_eq!(kept.len() - 1, 2621, "the 2024.1 cells of the demo (datasets/README.md)");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("panel_2024_1_codes.csv");
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    let units = || Some(Units::read(format!("{root}/datasets/demo/units.csv"), None).unwrap());
    let a = Panel::read(&path, old, units(), &PanelOptions::default()).unwrap();
    let b = Panel::read(&path, new, units(), &PanelOptions::default()).unwrap();
    assert!(a.rejections().is_empty() && b.rejections().is_empty());
    assert!(a.frame().equals_missing(b.frame()));
    let (sa, sb) = (score(&a, &ScoreOptions::default()).unwrap(), score(&b, &ScoreOptions::default()).unwrap());
    assert!(sa.composite().unwrap().equals_missing(&sb.composite().unwrap()));
    assert!(sa.dimensions().unwrap().equals_missing(&sb.dimensions().unwrap()));
    let c = |s: &Scores| s.contributions().unwrap().select(["unit", "year", "indicator", "normalised", "contribution"]).unwrap();
    assert!(c(&sa).equals_missing(&c(&sb)));
    assert!(sa.excluded().unwrap().equals_missing(&sb.excluded().unwrap()));
    assert_eq!(sa.settings().get("catalogue_version").map(String::as_str), Some("2024.1"));
    assert_eq!(sb.settings().get("catalogue_version").map(String::as_str), Some("2025.1"));
}

/// Six synthetic townships: PUB_MATERIALS is scored per 10,000 residents, PUB_CONSULT_STALLS as
/// reported.
fn six_townships(units: Option<Units>) -> Panel {
    let codes = ["SYN01", "SYN02", "SYN03", "SYN04", "SYN05", "SYN06"];
    let mut unit = Vec::new();
    let mut indicator = Vec::new();
    let mut value = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        for ind in ["PUB_MATERIALS", "PUB_CONSULT_STALLS"] {
            unit.push(*code);
            indicator.push(ind);
            value.push(format!("{}", 100 * (i + 1)));
        }
    }
    let frame = df!("unit" => unit, "year" => vec![2024; 12], "indicator" => indicator, "value" => value).unwrap();
    Panel::from_frame(&frame, Catalogue::default_catalogue(), units, &PanelOptions::default()).unwrap()
}

fn reasons_of(s: &Scores, reason: &str) -> Vec<(String, Option<i32>, Option<String>, String)> {
    let ex = s.excluded().unwrap();
    let text = |c: &str, i: usize| ex.column(c).unwrap().str().unwrap().get(i).map(str::to_string);
    (0..ex.height())
        .filter(|&i| text("reason", i).as_deref() == Some(reason))
        .map(|i| {
            (text("level", i).unwrap(), ex.column("year").unwrap().i32().unwrap().get(i), text("indicator", i), text("detail", i).unwrap())
        })
        .collect()
}

#[test]
fn an_indicator_without_its_denominator_leaves_with_a_row_and_a_warning() {
    let s = score(&six_townships(None), &ScoreOptions::default()).unwrap();
    let rows = reasons_of(&s, "no_denominator");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (level, year, indicator, detail) = &rows[0];
    assert_eq!((level.as_str(), *year, indicator.as_deref()), ("indicator", None, Some("PUB_MATERIALS")));
    assert!(detail.contains("residents") && detail.contains("no unit table"), "{detail}");
    let warnings = s.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("PUB_MATERIALS") && warnings[0].contains("denominate=False"), "{}", warnings[0]);
    // With the residents the indicator is scored and nothing is said.
    let units = Units::from_frame(
        &df!("code" => ["SYN01", "SYN02", "SYN03", "SYN04", "SYN05", "SYN06"], "name" => ["合成甲镇", "合成乙镇", "合成丙镇", "合成丁镇", "样例乡", "样例镇"], "residents" => [1.0e4, 2.0e4, 3.0e4, 1.5e4, 2.5e4, 4.0e4]).unwrap(),
        "<units>",
    )
    .unwrap();
    let s = score(&six_townships(Some(units)), &ScoreOptions::default()).unwrap();
    assert!(reasons_of(&s, "no_denominator").is_empty());
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn fewer_than_five_ranked_units_are_flagged_per_year_and_county() {
    let p = toy_panel(TOY_ROWS);
    let s = score(&p, &ScoreOptions::default()).unwrap();
    let rows = reasons_of(&s, "few_units");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("year", Some(2024)));
    assert!(rows[0].3.contains("only 3 units are ranked in 2024") && rows[0].3.contains("0 and 100"), "{}", rows[0].3);
    assert_eq!(s.warnings().len(), 1);
    // By county: X has T1 and T2 (Y's lone T3 has nothing to be compared with and is not ranked).
    let s = score(&p, &ScoreOptions { scope: Scope::Group, ..Default::default() }).unwrap();
    let details: Vec<String> = reasons_of(&s, "few_units").into_iter().filter(|r| r.0 == "group").map(|r| r.3).collect();
    assert_eq!(details.len(), 1, "{details:?}");
    assert!(details[0].contains("only 2 units are ranked in X in 2024"), "{details:?}");
    // Six ranked units: nothing to say.
    assert!(reasons_of(&score(&six_townships(None), &ScoreOptions::default()).unwrap(), "few_units").is_empty());
}

#[test]
fn low_coverage_names_the_missing_indicators() {
    let s = score(&toy_panel(TOY_ROWS), &ScoreOptions { min_coverage: (0.9, 0.8), ..Default::default() }).unwrap();
    let details: Vec<String> = reasons_of(&s, "low_coverage").into_iter().map(|r| r.3).collect();
    assert_eq!(details.len(), 1, "{details:?}");
    assert!(details[0].ends_with("; missing: B"), "{}", details[0]);
}
