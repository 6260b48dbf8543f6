//! `cargo +nightly fuzz run parse_value` (from the repository root).
//! Any UTF-8 text: parse_value never panics, and a value it accepts is a consistent interval.
#![no_main]

use fazhi::model::parse_value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(v) = parse_value(text) {
        let iv = v.interval;
        if let (Some(lo), Some(hi)) = (iv.lo, iv.hi) {
            assert!(lo <= hi || lo.is_nan() || hi.is_nan(), "{text:?} → {iv:?}");
        }
        assert!(iv.place > 0.0 || !iv.place.is_finite());
    }
});
