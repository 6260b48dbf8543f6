//! Criterion benches of `fazhi::extract` on report text: the real seed report (~7 KB) and
//! ~10 KB reports made of the seed and the synthetic test reports, one at a time and as a batch
//! of 200 in parallel (rayon, all cores). Throughput is in bytes of UTF-8 text.
//!
//! Goal: 38,600 reports × 10 KB in under a minute on 2 cores (≈ 6.5 MB/s for the batch), and
//! above 10 MiB/s for one report; a 100 KB page without a single sentence break stays linear.
//! `cargo bench --bench extract` (release, thin LTO).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fazhi::Catalogue;
use fazhi::extract::{ExtractOptions, Rules, extract_text};
use rayon::prelude::*;

fn report(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = if name == SEED { root.join("datasets/seed") } else { root.join("tests/data/reports") };
    std::fs::read_to_string(folder.join(name)).unwrap_or_default()
}

/// The real seed report, kept with the bundled datasets.
const SEED: &str = "sikeshu_2023.txt";

/// A ~10 KB report: the seed followed by synthetic report bodies, varied by `k` so the batch is
/// not one text repeated.
fn ten_kb(k: usize) -> String {
    let parts = ["hecheng_jia_2024.txt", "hecheng_yi_2023.txt", "hecheng_bing_2022.txt"];
    let mut text = report(SEED);
    let mut i = k;
    while text.len() < 10_000 {
        text.push_str(&report(parts[i % parts.len()]));
        i += 1;
    }
    text.truncate(text.char_indices().take_while(|(b, _)| *b < 10_240).last().map_or(0, |(b, c)| b + c.len_utf8()));
    text
}

fn bench(c: &mut Criterion) {
    let catalogue = Catalogue::default_catalogue();
    let rules = Rules::default_rules();
    let options = ExtractOptions::default();
    let mut group = c.benchmark_group("extract");

    let seed = report(SEED);
    group.throughput(Throughput::Bytes(seed.len() as u64));
    group.bench_function("seed_report", |b| b.iter(|| extract_text(black_box(&seed), &catalogue, &rules, &options)));

    let one = ten_kb(0);
    group.throughput(Throughput::Bytes(one.len() as u64));
    group.bench_function("report_10kb", |b| b.iter(|| extract_text(black_box(&one), &catalogue, &rules, &options)));

    // A page with no sentence break at all (。 and line breaks turned into commas), ~100 KB: the
    // reading of each number must not grow with the sentence.
    let one_line: String = (0..10).map(ten_kb).collect::<String>().replace(['。', '\n'], "，");
    group.throughput(Throughput::Bytes(one_line.len() as u64));
    group.sample_size(10);
    group.bench_function("one_line_100kb", |b| b.iter(|| extract_text(black_box(&one_line), &catalogue, &rules, &options)));

    let batch: Vec<String> = (0..200).map(ten_kb).collect();
    let bytes: usize = batch.iter().map(String::len).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("batch_200x10kb_parallel", |b| {
        b.iter(|| {
            batch.par_iter().map(|t| extract_text(t, &catalogue, &rules, &options).map(|x| x.values.len()).unwrap_or(0)).sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
