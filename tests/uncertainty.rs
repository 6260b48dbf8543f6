//! Rank intervals and sensitivity (METHODOLOGY §8): the properties the analysis promises.
#![allow(clippy::unwrap_used)]

mod common;

use common::{toy_panel, toy_panel_text};
use fazhi::model::{Catalogue, Units};
use fazhi::scoring::{Aggregate, Impute, Normalise, ScoreOptions, score};
use fazhi::uncertainty::{Prepared, UncertaintyOptions, uncertainty};
use fazhi::{Panel, PanelOptions};

fn demo() -> Panel {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
    let units = Units::read(format!("{data}/units.csv"), None).unwrap();
    Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap()
}

#[test]
fn no_spread_and_no_intervals_reproduce_the_nominal_ranking() {
    let panel = demo();
    let nominal = score(&panel, &ScoreOptions { years: Some(vec![2024]), ..Default::default() }).unwrap();
    let options = UncertaintyOptions { draws: 20, weights_spread: 0.0, intervals: false, ..UncertaintyOptions::new(2024) };
    let u = uncertainty(&panel, &options, &mut |_, _| true).unwrap();
    assert_eq!(u.completed(), 20);
    for d in &u.draws {
        for (i, code) in panel.unit_codes().iter().enumerate() {
            assert_eq!(d.ranks[i], nominal.rank_of(code, 2024).unwrap().unwrap_or(0), "draw {} unit {code}", d.index);
        }
        assert_eq!(d.mean_abs_shift, 0.0);
    }
    let ranks = u.ranks().unwrap();
    let (p05, p95) = (ranks.column("rank_p05").unwrap().f64().unwrap(), ranks.column("rank_p95").unwrap().f64().unwrap());
    let nom = ranks.column("nominal_rank").unwrap().u32().unwrap();
    for i in 0..ranks.height() {
        if let Some(n) = nom.get(i) {
            assert_eq!((p05.get(i), p95.get(i)), (Some(f64::from(n)), Some(f64::from(n))));
        }
    }
}

#[test]
fn a_dominating_unit_is_first_in_every_draw() {
    // T3 is best on every indicator (highest A, E, C; lowest B), whatever the weights, the
    // normalisation or the values inside the intervals.
    let rows = [
        ("T1", 2024, "A", "10"),
        ("T2", 2024, "A", "20余"),
        ("T3", 2024, "A", "40"),
        ("T1", 2024, "B", "5"),
        ("T2", 2024, "B", "3"),
        ("T3", 2024, "B", "1"),
        ("T1", 2024, "E", "2"),
        ("T2", 2024, "E", "4"),
        ("T3", 2024, "E", "9"),
        ("T1", 2024, "C", "80"),
        ("T2", 2024, "C", "85%以上"),
        ("T3", 2024, "C", "100"),
    ];
    let panel = toy_panel_text(&rows);
    let options = UncertaintyOptions {
        draws: 300,
        weights_spread: 0.5,
        normalise: vec![Normalise::MinMax, Normalise::Rank, Normalise::ZScore],
        ..UncertaintyOptions::new(2024)
    };
    let u = uncertainty(&panel, &options, &mut |_, _| true).unwrap();
    assert_eq!(u.completed(), 300);
    let t3 = panel.unit_codes().iter().position(|c| c == "T3").unwrap();
    assert!(u.draws.iter().all(|d| d.ranks[t3] == 1));
    let ranks = u.ranks().unwrap();
    assert_eq!(ranks.column("p_rank_le_1").unwrap().f64().unwrap().get(0), Some(1.0));
}

#[test]
fn widening_an_interval_never_narrows_the_rank_interval() {
    // Only T2's A is uncertain, with the same midpoint each time: 50, 45-55, 40-60, 20-80.
    let width = |a: &str, seed: u64, spread: f64| -> f64 {
        let rows = [
            ("T1", 2024, "A", "30"),
            ("T2", 2024, "A", a),
            ("T3", 2024, "A", "60"),
            ("T4", 2024, "A", "45"),
            ("T1", 2024, "C", "90"),
            ("T2", 2024, "C", "80"),
            ("T3", 2024, "C", "70"),
            ("T4", 2024, "C", "82"),
        ];
        let panel = toy_panel_text(&rows);
        let options = UncertaintyOptions { draws: 400, seed, weights_spread: spread, ..UncertaintyOptions::new(2024) };
        let u = uncertainty(&panel, &options, &mut |_, _| true).unwrap();
        let r = u.ranks().unwrap();
        let i = (0..r.height()).find(|&i| r.column("unit").unwrap().str().unwrap().get(i) == Some("T2")).unwrap();
        r.column("rank_p95").unwrap().f64().unwrap().get(i).unwrap() - r.column("rank_p05").unwrap().f64().unwrap().get(i).unwrap()
    };
    for seed in 1..=4 {
        for spread in [0.0, 0.25] {
            let widths: Vec<f64> = ["50", "45-55", "40-60", "20-80"].iter().map(|a| width(a, seed, spread)).collect();
            assert!(widths.windows(2).all(|w| w[1] >= w[0]), "seed {seed} spread {spread}: {widths:?}");
        }
    }
}

#[test]
fn same_bits_for_a_seed_whatever_the_threads_and_chunks() {
    let panel = demo();
    let options = UncertaintyOptions { draws: 40, impute: vec![Impute::None, Impute::CarryForward(1)], ..UncertaintyOptions::new(2024) };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| serde_json::to_string(&uncertainty(&panel, &options, &mut |_, _| true).unwrap().draws).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    let prepared = Prepared::new(&panel, &options).unwrap();
    let mut split = prepared.draws(0..13);
    split.extend(prepared.draws(13..40));
    assert_eq!(one, serde_json::to_string(&split).unwrap());
    // Another seed gives other draws.
    let other = uncertainty(&panel, &UncertaintyOptions { seed: 99, ..options.clone() }, &mut |_, _| true).unwrap();
    assert_ne!(one, serde_json::to_string(&other.draws).unwrap());
}

#[test]
fn steps_that_cannot_be_applied_are_counted_and_reported() {
    // Geometric aggregation of min-max scores meets the lowest unit's 0 in every such draw.
    let panel = toy_panel(&[
        ("T1", 2024, "A", 10.0),
        ("T2", 2024, "A", 20.0),
        ("T3", 2024, "A", 30.0),
        ("T1", 2024, "C", 80.0),
        ("T2", 2024, "C", 90.0),
        ("T3", 2024, "C", 70.0),
    ]);
    let options = UncertaintyOptions {
        draws: 100,
        aggregate: vec![(Aggregate::Arithmetic, Aggregate::Arithmetic), (Aggregate::Geometric, Aggregate::Geometric)],
        ..UncertaintyOptions::new(2024)
    };
    let u = uncertainty(&panel, &options, &mut |_, _| true).unwrap();
    let skipped = u.skipped().unwrap();
    let n_skipped: u32 = skipped.column("draws").unwrap().u32().unwrap().iter().flatten().sum();
    assert!(n_skipped > 20 && n_skipped < 80, "{n_skipped}");
    assert_eq!(u.completed() + n_skipped as usize, 100);
    assert!(skipped.column("reason").unwrap().str().unwrap().get(0).unwrap().contains("geometric"));
    let frame = u.draws_frame().unwrap();
    assert_eq!(frame.column("skipped").unwrap().str().unwrap().iter().flatten().count(), n_skipped as usize);
    // Cancelling stops with an error, not a partial answer.
    assert!(uncertainty(&panel, &options, &mut |done, _| done < 64).is_err());
}

#[test]
fn sensitivity_names_the_inputs_that_move_ranks() {
    let panel = demo();
    let options = UncertaintyOptions { normalise: vec![Normalise::MinMax, Normalise::Rank], ..UncertaintyOptions::new(2024) };
    let prepared = Prepared::new(&panel, &options).unwrap();
    let s = prepared.sensitivity(256, 100, &mut |_, _| true).unwrap();
    let names: Vec<&str> = s.iter().map(|x| x.input.as_str()).collect();
    assert_eq!(names, ["weights", "intervals", "normalise"]);
    // Each of them moves ranks (a total effect above 0), and the bootstrap interval holds the
    // estimate. (First-order estimates are noisier at this size; the toy-model tests in
    // src/uncertainty/sobol.rs check both estimators against analytic values.)
    for x in &s {
        assert!(x.total > 0.0 && x.total < 1.5, "{x:?}");
        assert!(x.total_ci.0 <= x.total && x.total <= x.total_ci.1, "{x:?}");
        assert_eq!(x.n + x.dropped, 256);
    }
    // Nothing varies: an error, not NaN.
    let fixed = UncertaintyOptions { weights_spread: 0.0, intervals: false, ..UncertaintyOptions::new(2024) };
    assert!(Prepared::new(&panel, &fixed).unwrap().sensitivity(16, 0, &mut |_, _| true).is_err());
}

#[test]
fn sizes_beyond_the_limits_are_refused_up_front() {
    use fazhi::uncertainty::{MAX_BASE, MAX_BOOTSTRAP, MAX_DRAWS};
    let panel = demo();
    // Before, 2^62 draws panicked (capacity overflow) and 10^9 reserved some 100 GB up front.
    for draws in [1usize << 62, 1_000_000_000, MAX_DRAWS + 1] {
        let options = UncertaintyOptions { draws, ..UncertaintyOptions::new(2024) };
        let e = uncertainty(&panel, &options, &mut |_, _| panic!("no draw may run")).unwrap_err();
        assert!(matches!(e, fazhi::Error::InvalidArgument(_)));
        let message = e.to_string();
        assert!(message.contains("draws must be at most 1000000") && message.contains(&draws.to_string()), "{message}");
    }
    // With many units the memory bound is lower: draws × units ≤ 10^8.
    let rows: Vec<(String, i32, &str, String)> = (0..200).map(|u| (format!("U{u:03}"), 2024, "A", format!("{}", u + 1))).collect();
    let rows: Vec<(&str, i32, &str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.1, r.2, r.3.as_str())).collect();
    let wide = toy_panel_text(&rows);
    let options = UncertaintyOptions { draws: 600_000, ..UncertaintyOptions::new(2024) };
    let message = uncertainty(&wide, &options, &mut |_, _| panic!("no draw may run")).unwrap_err().to_string();
    assert!(message.contains("at most 500000 for a panel of 200 units"), "{message}");
    // Sensitivity: base rows and bootstrap resamples, refused before any run.
    let prepared = Prepared::new(&panel, &UncertaintyOptions::new(2024)).unwrap();
    for (base, bootstrap, named) in
        [(1usize << 62, 10, "base"), (MAX_BASE + 1, 10, "base"), (16, 1 << 62, "bootstrap"), (16, MAX_BOOTSTRAP + 1, "bootstrap")]
    {
        let message = prepared.sensitivity(base, bootstrap, &mut |_, _| panic!("no run may start")).unwrap_err().to_string();
        assert!(message.contains(&format!("{named} must be at most")), "{message}");
    }
}

#[test]
fn every_phase_of_the_sensitivity_can_be_cancelled() {
    let panel = demo();
    let prepared = Prepared::new(&panel, &UncertaintyOptions::new(2024)).unwrap();
    // Two inputs vary (weights, intervals): 4 runs per base row.
    let (base, bootstrap) = (64, 500);
    let runs = base * 4;
    let mut last = (0, 0);
    let e = prepared
        .sensitivity(base, bootstrap, &mut |done, total| {
            last = (done, total);
            done <= runs
        })
        .unwrap_err();
    assert!(e.to_string().contains("bootstrap"), "{e}");
    assert_eq!(last, (runs + 64, runs + bootstrap), "the bootstrap reports progress after its first chunk");
    let e = prepared.sensitivity(base, bootstrap, &mut |done, _| done < runs).unwrap_err();
    assert!(e.to_string().contains("runs"), "{e}");
}
