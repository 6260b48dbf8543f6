//! `cargo +nightly fuzz run read_csv` (from `fuzz/`). Any bytes as a CSV table: reading never
//! panics, and when a panel is built, rows in = accepted + rejected + skipped.
#![no_main]

use fazhi::{Catalogue, Panel, PanelOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let path = std::env::temp_dir().join(format!("fazhi-fuzz-{}.csv", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    if let Ok(p) = Panel::read(&path, Catalogue::default_catalogue(), None, &PanelOptions::default()) {
        assert_eq!(p.input_rows(), p.len() + p.rejections().len() + p.skipped_observations());
    }
});
