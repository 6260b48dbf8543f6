//! `cargo +nightly fuzz run read_docx` (from `fuzz/`; seeds: `cargo run --example fuzz_seeds`).
//! Any bytes as a .docx report: reading its text never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = fazhi::extract::docx_text(bytes, "<fuzz>");
});
