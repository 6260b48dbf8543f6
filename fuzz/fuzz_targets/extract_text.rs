//! `cargo +nightly fuzz run extract_text` (from the repository root).
//! Any UTF-8 text: extraction never panics, every value's offsets point at its text and its
//! quote contains it.
#![no_main]

use std::sync::OnceLock;

use fazhi::Catalogue;
use fazhi::extract::{ExtractOptions, Rules, extract_text};
use libfuzzer_sys::fuzz_target;

fn setup() -> &'static (Catalogue, Rules) {
    static S: OnceLock<(Catalogue, Rules)> = OnceLock::new();
    S.get_or_init(|| (Catalogue::default_catalogue(), Rules::default_rules()))
}

fuzz_target!(|text: &str| {
    let (catalogue, rules) = setup();
    let Ok(x) = extract_text(text, catalogue, rules, &ExtractOptions::default()) else { return };
    let chars: Vec<char> = text.chars().collect();
    for v in &x.values {
        assert!(v.start < v.end && v.end <= chars.len());
        let at: String = chars[v.start..v.end].iter().collect();
        assert_eq!(at, v.text);
        assert!(v.quote.contains(&v.text));
    }
    for u in &x.unmatched {
        assert!(u.start <= u.end && u.end <= chars.len());
    }
});
