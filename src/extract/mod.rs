//! Reading the reports themselves: indicator values from report text, with provenance.
//!
//! [`extract_text`] finds every number of a township report (法治政府建设年度报告), tells values
//! from dates, years, document numbers, hotlines, slogans and list markers, and maps a value to a
//! catalogue indicator only when its clause matches a [`Rule`] and its measure word fits. Each
//! value keeps its sentence (the quote), its character offsets and the rule that mapped it; every
//! number seen but not mapped is listed in [`Extraction::unmatched`] with the reason.
//!
//! Precision comes first: a wrong number is worse than a missing one. A number is mapped only
//! when a trigger stands in its clause within the rule's window with no other number between, the
//! measure word is one the rule accepts, and the sentence is neither a plan (计划, 力争, a
//! 下一步/重点工作 section) nor about another year (去年, 同比, 2022年…). When two sentences give
//! one indicator different values and neither is clearly more certain, both are withheld.
//!
//! ```
//! use fazhi::Catalogue;
//! use fazhi::extract::{ExtractOptions, Rules, extract_text};
//!
//! let text = "2024年度合成县合成甲镇法治政府建设工作报告\n累计发放法治宣传资料1060多份，“法宣在线”参考率及格率均为100%。";
//! let catalogue = Catalogue::default_catalogue();
//! let x = extract_text(text, &catalogue, &Rules::default_rules(), &ExtractOptions::default()).unwrap();
//! assert_eq!((x.unit.as_deref(), x.year), (Some("合成甲镇"), Some(2024)));
//! let codes: Vec<&str> = x.values.iter().map(|v| v.indicator.as_str()).collect();
//! assert_eq!(codes, ["PUB_MATERIALS", "CAP_ONLINE_EXAM_PARTICIPATION", "CAP_ONLINE_EXAM_PASS_RATE"]);
//! assert_eq!(x.values[0].text, "1060多份");
//! assert_eq!((x.values[0].interval.lo, x.values[0].interval.hi), (Some(1060.0), Some(1070.0)));
//! assert!(x.unmatched.iter().any(|u| u.text == "2024年"));
//! ```

mod engine;
mod frames;
mod lexicon;
mod pipeline;
mod rules;
mod scan;
mod source;
mod text;
mod title;
mod types;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use lexicon::{AMBIGUITY_MARGIN, DEFAULT_LEXICON_TOML, LEXICON_BAR, Lexicon, LexiconEntrySpec};
pub use rules::{DEFAULT_CONFIDENCE, DEFAULT_RULES_TOML, DEFAULT_WINDOW, DEFAULT_WINDOW_AFTER, Rule, RuleSpec, Rules};
pub use source::{ReportFormat, docx_text, html_text};

pub use pipeline::{LEXICON_RULE, LEXICON_ZERO_RULE};
pub use types::{ACCEPTED_RULE, ExtractedValue, Extraction, FileFailure, FolderExtraction, SkipReason, Unmatched};

use crate::error::{Error, Result};
use crate::model::Catalogue;
use engine::Engine;
use pipeline::run;

/// Options of an extraction.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExtractOptions {
    /// The unit (乡镇) of a report whose title states none. A title's own unit wins unless
    /// `force_unit` is set, so a folder of several townships' reports keeps each one's unit.
    pub unit: Option<String>,
    /// The year of a report whose title states none. A title's own year wins unless
    /// `force_year` is set, so the 2022 and 2023 reports of a folder stay 2022 and 2023.
    pub year: Option<i32>,
    /// `unit` replaces the unit a title states (the title's is kept in [`Extraction::stated_unit`]).
    pub force_unit: bool,
    /// `year` replaces the year a title states (the title's is kept in [`Extraction::stated_year`]).
    pub force_year: bool,
    /// Values below this confidence go to `unmatched` (reason `low_confidence`). Default 0.
    pub min_confidence: f64,
    /// Keep the document text in [`Extraction::text`] (offsets point into it). Default false:
    /// [`extract_text`] callers have the text already, and a folder of 40,000 reports need not
    /// be held in memory.
    pub keep_text: bool,
    /// Text encoding of `.txt`/`.html` files (`gbk`, `utf-8`, …); detected when `None`.
    pub encoding: Option<String>,
    /// Map numbers no rule claims by the lexicon (object phrase, verb, measure word, scope).
    /// Default true; false gives the rules alone.
    pub use_lexicon: bool,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            unit: None,
            year: None,
            force_unit: false,
            force_year: false,
            min_confidence: 0.0,
            keep_text: false,
            encoding: None,
            use_lexicon: true,
        }
    }
}

/// Extracts indicator values from the text of one report. Offsets are character offsets into
/// `text`.
pub fn extract_text(text: &str, catalogue: &Catalogue, rules: &Rules, options: &ExtractOptions) -> Result<Extraction> {
    let engine = Engine::new(catalogue, rules)?;
    Ok(run(text, &engine, rules, options))
}

/// Extracts indicator values from a report file: `.txt` (UTF-8, UTF-8 with BOM, GBK/GB18030,
/// UTF-16), `.docx` (paragraphs and table cells) or `.html`/`.htm` (a saved web page; tags,
/// scripts, styles and page furniture removed). Offsets point into the plain text, kept in
/// [`Extraction::text`] when `options.keep_text` is set.
pub fn extract_path(path: impl AsRef<Path>, catalogue: &Catalogue, rules: &Rules, options: &ExtractOptions) -> Result<Extraction> {
    let engine = Engine::new(catalogue, rules)?;
    extract_file(path.as_ref(), &engine, rules, options)
}

fn extract_file(path: &Path, engine: &Engine<'_>, rules: &Rules, options: &ExtractOptions) -> Result<Extraction> {
    let (text, format, encoding) = source::read_report(path, options.encoding.as_deref())?;
    let mut x = run(&text, engine, rules, options);
    x.source = Some(path.display().to_string());
    x.format = Some(format);
    x.encoding = encoding;
    Ok(x)
}

/// Extracts every report (`.txt`, `.docx`, `.html`, `.htm`) in a folder and its subfolders, in
/// parallel. `progress(done, total)` is called after each file, from worker threads, and may
/// return false to stop: the files not yet begun are left and the call is an error, not a
/// partial answer. A file that cannot be read is listed in `failures`; a bad rule set fails the
/// call.
pub fn extract_dir(
    dir: impl AsRef<Path>,
    catalogue: &Catalogue,
    rules: &Rules,
    options: &ExtractOptions,
    progress: Option<&(dyn Fn(usize, usize) -> bool + Sync)>,
) -> Result<FolderExtraction> {
    let dir = dir.as_ref();
    let engine = Engine::new(catalogue, rules)?;
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    files.sort();
    let total = files.len();
    let done = AtomicUsize::new(0);
    let stopped = AtomicBool::new(false);
    let results: Vec<(PathBuf, Result<Extraction>)> = files
        .into_par_iter()
        .filter_map(|path| {
            if stopped.load(Ordering::Relaxed) {
                return None;
            }
            let r = extract_file(&path, &engine, rules, options);
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(p) = progress
                && !p(d, total)
            {
                stopped.store(true, Ordering::Relaxed);
            }
            Some((path, r))
        })
        .collect();
    if stopped.into_inner() {
        return Err(Error::InvalidArgument(format!("cancelled after {} of {total} files", done.into_inner())));
    }
    let mut out = FolderExtraction { reports: Vec::new(), failures: Vec::new() };
    for (path, r) in results {
        match r {
            Ok(x) => out.reports.push(x),
            Err(e) => out.failures.push(FileFailure { path: path.display().to_string(), message: e.to_string() }),
        }
    }
    Ok(out)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let name = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(&name, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&name, e))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| Error::io(&name, e))?;
        if file_type.is_dir() {
            collect_files(&path, out)?;
        } else if ReportFormat::from_path(&path).is_some()
            && !path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("~$") || n.starts_with('.') || n.eq_ignore_ascii_case("README.md"))
        {
            out.push(path);
        }
    }
    Ok(())
}
