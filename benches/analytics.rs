//! Criterion benches of panel building, year-on-year change, target gaps and scoring on generated
//! (synthetic) national-scale panels: units × 40 indicators × 10 years, ~5 % of cells missing,
//! units in synthetic counties of 20 with villages and residents.
//!
//! The workload is pinned to catalogue 2024.1 (`datasets/catalogue-2024.1.toml`, 40 indicators):
//! the numbers in README.md were measured with it, and the bundled default grew to 80 indicators
//! in 2025.1. Generating and scoring with the same 40-indicator catalogue keeps the data, the
//! hash stream (it depends on the indicator count) and every step's work identical.
//!
//! `cargo bench --bench analytics` (release, thin LTO). FAZHI_BENCH_UNITS=1000,10000,38602 sets
//! sizes; FAZHI_BENCH_ONLY=score runs only the scoring benches.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fazhi::analytics::{ChangeOptions, GapOptions, changes, gaps};
use fazhi::model::{Catalogue, Targets, Unit, Units};
use fazhi::scoring::{ScoreOptions, score};
use fazhi::uncertainty::{UncertaintyOptions, uncertainty};
use fazhi::{Panel, PanelOptions};
use polars::prelude::*;

const YEARS: i32 = 10;

/// Catalogue 2024.1, the one every bench runs on (see the module comment).
fn bench_catalogue() -> Catalogue {
    let catalogue = Catalogue::from_toml_str(include_str!("../datasets/catalogue-2024.1.toml"), "datasets/catalogue-2024.1.toml")
        .expect("catalogue 2024.1 is valid");
    assert_eq!((catalogue.version.as_str(), catalogue.indicators.len()), ("2024.1", 40));
    catalogue
}

/// SplitMix64: a fixed-seed generator so every run benches the same synthetic data.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A long frame of synthetic values for `units` units (codes SYN000001…), 10 years, every
/// catalogue indicator; counts are whole numbers, percents lie in [0, 100].
fn synthetic_frame(units: usize, catalogue: &Catalogue) -> DataFrame {
    synthetic_frame_sized(units, catalogue, YEARS, catalogue.indicators.len())
}

/// As [`synthetic_frame`], for `years` years (ending in 2024) and the first `indicators`
/// indicators; about one count in six is written "N余" (an interval), as reports do.
fn synthetic_frame_sized(units: usize, catalogue: &Catalogue, years: i32, indicators: usize) -> DataFrame {
    let n_ind = catalogue.indicators.len();
    let mut unit = Vec::new();
    let mut year = Vec::new();
    let mut indicator = Vec::new();
    let mut value = Vec::new();
    for u in 0..units {
        let code = format!("SYN{u:06}");
        for y in 0..years {
            for (k, ind) in catalogue.indicators.iter().enumerate().take(indicators) {
                let h = mix((u * n_ind * 16 + y as usize * n_ind + k) as u64);
                if h % 100 < 5 {
                    continue; // missing cell
                }
                let x = match ind.measure {
                    fazhi::model::Measure::Percent => (h >> 8) as f64 % 10_001.0 / 100.0,
                    fazhi::model::Measure::Boolean => ((h >> 8) % 2) as f64,
                    fazhi::model::Measure::Score | fazhi::model::Measure::Average => 50.0 + (h >> 8) as f64 % 5000.0 / 100.0,
                    _ => ((h >> 8) % 500) as f64,
                };
                unit.push(code.clone());
                year.push(2015 + YEARS - years + y);
                indicator.push(ind.code.clone());
                value.push(if ind.measure == fazhi::model::Measure::Count && x >= 10.0 && h.is_multiple_of(6) {
                    format!("{x}余")
                } else {
                    format!("{x}")
                });
            }
        }
    }
    df!("unit" => unit, "year" => year, "indicator" => indicator, "value" => value).expect("columns of equal length")
}

/// One all-units target per indicator for the last year.
fn synthetic_targets(catalogue: &Catalogue) -> Targets {
    let inds = &catalogue.indicators;
    let frame = df!(
        "indicator" => inds.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        "year" => vec![2015 + YEARS - 1; inds.len()],
        "comparator" => inds.iter().map(|i| if i.polarity == fazhi::model::Polarity::Higher { "at_least" } else { "at_most" }).collect::<Vec<_>>(),
        "target" => inds
            .iter()
            .map(|i| match i.measure {
                fazhi::model::Measure::Percent => 90.0,
                // A yes/no target is 是 or 否; 是 whatever the polarity.
                fazhi::model::Measure::Boolean => 1.0,
                _ => 0.5,
            })
            .collect::<Vec<_>>(),
    )
    .expect("columns of equal length");
    Targets::from_frame(&frame, catalogue, "<bench>").expect("valid targets")
}

/// Synthetic unit table: counties of 20 units, villages 3–30, residents 5,000–60,000.
pub fn synthetic_units(units: usize) -> Units {
    let list = (0..units)
        .map(|u| {
            let h = mix(u as u64 ^ 0xA5A5);
            Unit {
                code: format!("SYN{u:06}"),
                name: format!("合成{u}镇"),
                county: Some(format!("合成县{:04}", u / 20)),
                attributes: [
                    ("villages".to_string(), 3.0 + (h % 28) as f64),
                    ("residents".to_string(), 5000.0 + ((h >> 8) % 55_001) as f64),
                ]
                .into_iter()
                .collect(),
            }
        })
        .collect();
    Units::new(list, "<bench>").expect("valid units")
}

fn sizes() -> Vec<usize> {
    std::env::var("FAZHI_BENCH_UNITS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 38_602])
}

fn bench(c: &mut Criterion) {
    let catalogue = bench_catalogue();
    let targets = synthetic_targets(&catalogue);
    let mut group = c.benchmark_group("analytics");
    group.sample_size(10);
    let only_score = std::env::var("FAZHI_BENCH_ONLY").is_ok_and(|v| v == "score");
    for units in sizes() {
        let frame = synthetic_frame(units, &catalogue);
        let rows = frame.height() as u64;
        group.throughput(Throughput::Elements(rows));
        let table = synthetic_units(units);
        let panel = Panel::from_frame(&frame, catalogue.clone(), Some(table), &PanelOptions::default()).expect("valid");
        group.bench_with_input(BenchmarkId::new("score", units), &panel, |b, p| {
            b.iter(|| {
                let s = score(black_box(p), &ScoreOptions::default()).expect("scores");
                s.composite().expect("composite")
            })
        });
        drop(panel);
        if only_score {
            continue;
        }
        group.bench_with_input(BenchmarkId::new("panel_from_frame", units), &frame, |b, f| {
            b.iter(|| Panel::from_frame(black_box(f), catalogue.clone(), None, &PanelOptions::default()).expect("valid"))
        });
        let panel = Panel::from_frame(&frame, catalogue.clone(), None, &PanelOptions::default()).expect("valid");
        drop(frame);
        group.bench_with_input(BenchmarkId::new("changes", units), &panel, |b, p| {
            b.iter(|| changes(black_box(p), &ChangeOptions::default()).expect("changes"))
        });
        group.bench_with_input(BenchmarkId::new("gaps", units), &panel, |b, p| {
            b.iter(|| gaps(black_box(p), &targets, &GapOptions::default()).expect("gaps"))
        });
    }
    group.finish();
}

/// Rank intervals: 1,000 full-pipeline draws for one year (weights, intervals).
fn bench_uncertainty(c: &mut Criterion) {
    let catalogue = bench_catalogue();
    let mut group = c.benchmark_group("uncertainty");
    group.sample_size(10);
    let sizes: Vec<(usize, usize)> = std::env::var("FAZHI_BENCH_DRAWS_UNITS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).map(|u: usize| (u, if u > 10_000 { 40 } else { 30 })).collect())
        .unwrap_or_else(|| vec![(5_000, 30), (38_602, 40)]);
    for (units, indicators) in sizes {
        let frame = synthetic_frame_sized(units, &catalogue, 1, indicators);
        let panel = Panel::from_frame(&frame, catalogue.clone(), Some(synthetic_units(units)), &PanelOptions::default()).expect("valid");
        let options = UncertaintyOptions { draws: 1000, ..UncertaintyOptions::new(2024) };
        group.throughput(Throughput::Elements(1000));
        group.bench_with_input(BenchmarkId::new(format!("draws_1000_x{indicators}"), units), &panel, |b, p| {
            b.iter(|| uncertainty(black_box(p), &options, &mut |_, _| true).expect("draws"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_uncertainty);
criterion_main!(benches);
