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
mod rules;
mod scan;
mod source;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use polars::prelude::{Column, DataFrame, IntoColumn, NamedFrom, Series};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use rules::{DEFAULT_CONFIDENCE, DEFAULT_RULES_TOML, DEFAULT_WINDOW, DEFAULT_WINDOW_AFTER, Rule, RuleSpec, Rules};
pub use source::{ReportFormat, docx_text, html_text};

use crate::error::{Error, Location, Result};
use crate::model::{Catalogue, Interval, Measure};
use engine::{Engine, Hit, first_match, rmatch};
use scan::{Candidate, Kind, scan};
use text::Doc;

/// Options of an extraction.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExtractOptions {
    /// The unit (乡镇) the report is about; detected from the title when `None`.
    pub unit: Option<String>,
    /// The year the report covers; detected from the title when `None`.
    pub year: Option<i32>,
    /// Values below this confidence go to `unmatched` (reason `low_confidence`). Default 0.
    pub min_confidence: f64,
    /// Keep the document text in [`Extraction::text`] (offsets point into it). Default false:
    /// [`extract_text`] callers have the text already, and a folder of 40,000 reports need not
    /// be held in memory.
    pub keep_text: bool,
    /// Text encoding of `.txt`/`.html` files (`gbk`, `utf-8`, …); detected when `None`.
    pub encoding: Option<String>,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self { unit: None, year: None, min_confidence: 0.0, keep_text: false, encoding: None }
    }
}

/// Why a number was not mapped to an indicator.
///
/// Structural numerals are skipped silently and never listed: list markers (`一是`, `（二）`,
/// `三、`, `1.` at a line start), ordinals (`第一`, `其一`, `之一`), numeral characters inside
/// ordinary words (`一些`, `一系列`, `统一`, `四棵树`, `百姓`, `十分`, `队伍`), bare 百/千/万
/// without a qualifier (`千家万户`), compounds (`一次性`, `台账`), and numbers that are part of a
/// matched trigger (`一个` in `平均一个行政村3人`). Everything else that looks like a number is
/// either a value or listed with one of these reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// A date or time: `2023年1月`, `3·15`, `5·1`, `2024-01-05`, `8时30分`.
    Date,
    /// A year: `2023年`, `2023年度`.
    Year,
    /// A span of years: `2021—2025年`.
    PlanPeriod,
    /// A length of time: `3年`, `6个月`, `30分钟`, `100周年`.
    Period,
    /// A document or serial number: `〔2023〕1号`.
    DocumentNumber,
    /// A hotline, platform or telephone number: `12345热线`, `12348`.
    Hotline,
    /// A slogan, formula or set phrase: `一规划两纲要`, `五办六中心`, `二十大`, `一村一法律顾问`.
    Slogan,
    /// An unfilled template placeholder: `XX次`, `××份`.
    Placeholder,
    /// An Arabic number with neither a measure word nor a % sign.
    NoMeasureWord,
    /// A number-like text [`crate::model::parse_value`] cannot read, or a value outside its
    /// indicator's range (a fractional count, a percentage above 100).
    Unreadable,
    /// No rule's trigger stands in the number's clause.
    NoRule,
    /// A rule's trigger matched, but the measure word is not one it accepts.
    MeasureMismatch,
    /// The sentence is a plan or target (计划, 力争, a 下一步/重点工作 section), not a result.
    Planned,
    /// The clause is about another year (去年, 同比, 2022年) or several years.
    OtherYear,
    /// The number is a change (增加3次, 提高5%), not a level.
    Change,
    /// The indicator already has this value from an earlier sentence.
    Duplicate,
    /// The indicator has different values in different sentences; the less certain one (or,
    /// when equally certain, all of them) is withheld.
    Conflict,
    /// The match's confidence is below [`ExtractOptions::min_confidence`].
    LowConfidence,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::Year => "year",
            Self::PlanPeriod => "plan_period",
            Self::Period => "period",
            Self::DocumentNumber => "document_number",
            Self::Hotline => "hotline",
            Self::Slogan => "slogan",
            Self::Placeholder => "placeholder",
            Self::NoMeasureWord => "no_measure_word",
            Self::Unreadable => "unreadable",
            Self::NoRule => "no_rule",
            Self::MeasureMismatch => "measure_mismatch",
            Self::Planned => "planned",
            Self::OtherYear => "other_year",
            Self::Change => "change",
            Self::Duplicate => "duplicate",
            Self::Conflict => "conflict",
            Self::LowConfidence => "low_confidence",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value mapped to an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedValue {
    /// The catalogue code.
    pub indicator: String,
    /// The text as written in the document at `[start, end)`: `1060多份`, `95%以上`, `一名`;
    /// for a yes/no value, the words that say yes (`聘请…担任法律顾问`).
    pub text: String,
    /// The value as a panel cell: `text`, or `是` for a yes/no value.
    pub value: String,
    pub interval: Interval,
    pub percent: bool,
    pub measure_word: Option<String>,
    /// The whole sentence the value stands in.
    pub quote: String,
    /// Character offsets (not bytes) of `text` in the document.
    pub start: usize,
    pub end: usize,
    /// The id of the rule that mapped it.
    pub rule: String,
    /// 0–1: the rule's confidence less penalties for distance, wildcards and Chinese numerals.
    pub confidence: f64,
}

/// A number seen but not mapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The text as written at `[start, end)`.
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub reason: SkipReason,
    /// More about the reason (the rule that nearly matched, the indicator that conflicts, …).
    pub detail: String,
    /// The sentence.
    pub context: String,
    /// The indicator concerned, for `duplicate`, `conflict`, `planned`, `other_year`, `change`,
    /// `measure_mismatch` and `low_confidence`.
    pub indicator: Option<String>,
}

/// What one report yields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// The file read (`None` for [`extract_text`]).
    pub source: Option<String>,
    pub format: Option<ReportFormat>,
    /// The text encoding of a text or HTML file.
    pub encoding: Option<String>,
    /// The title line(s) found at the top of the report.
    pub title: Option<String>,
    /// The unit, from the options or the title (`2023年度乌苏市四棵树镇法治政府建设报告` → 四棵树镇).
    pub unit: Option<String>,
    /// The year, from the options or the title.
    pub year: Option<i32>,
    /// Values in document order (a shared value, `参考率及格率均为100%`, once per indicator).
    pub values: Vec<ExtractedValue>,
    /// Numbers seen but not mapped, in document order.
    pub unmatched: Vec<Unmatched>,
    /// Characters in the document.
    pub chars: usize,
    /// The document text (plain text of a .docx or web page), when `keep_text` was set.
    pub text: Option<String>,
    /// The catalogue version and rules origin used.
    pub catalogue_version: String,
    pub rules_origin: String,
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

/// A report file that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileFailure {
    pub path: String,
    pub message: String,
}

/// What a folder of reports yields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderExtraction {
    /// One extraction per report read, in file-name order.
    pub reports: Vec<Extraction>,
    /// Files that could not be read, with the reason.
    pub failures: Vec<FileFailure>,
}

/// Extracts every report (`.txt`, `.docx`, `.html`, `.htm`) in a folder and its subfolders, in
/// parallel. `progress(done, total)` is called after each file, from worker threads. A file that
/// cannot be read is listed in `failures`; a bad rule set fails the call.
pub fn extract_dir(
    dir: impl AsRef<Path>,
    catalogue: &Catalogue,
    rules: &Rules,
    options: &ExtractOptions,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<FolderExtraction> {
    let dir = dir.as_ref();
    let engine = Engine::new(catalogue, rules)?;
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    files.sort();
    let total = files.len();
    let done = AtomicUsize::new(0);
    let results: Vec<(PathBuf, Result<Extraction>)> = files
        .into_par_iter()
        .map(|path| {
            let r = extract_file(&path, &engine, rules, options);
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(p) = progress {
                p(d, total);
            }
            (path, r)
        })
        .collect();
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

/// A value mapped before duplicates and conflicts are settled.
struct Mapped {
    value: ExtractedValue,
    indicator: usize,
}

fn run(text: &str, engine: &Engine<'_>, rules: &Rules, options: &ExtractOptions) -> Extraction {
    let doc = Doc::new(text);
    let catalogue = engine.catalogue;
    let (title, title_unit, title_year) = detect_title(&doc);
    let unit = options.unit.clone().or(title_unit);
    let year = options.year.or(title_year);
    let candidates = scan(&doc);
    let value_starts: Vec<usize> = candidates.iter().filter(|c| c.value().is_some()).map(|c| c.start).collect();
    let plan_start = planning_section_start(&doc);
    let mut mapped: Vec<Mapped> = Vec::new();
    let mut unmatched: Vec<Unmatched> = Vec::new();
    let mut trigger_spans: Vec<(usize, usize)> = Vec::new();
    let mut pending_no_rule: Vec<Unmatched> = Vec::new();

    let unmatched_of = |c: &Candidate, reason: SkipReason, detail: String, indicator: Option<String>| Unmatched {
        text: doc.orig_str(c.start, c.end),
        start: c.start,
        end: c.end,
        reason,
        detail,
        context: doc.quote(c.start),
        indicator,
    };

    for cand in &candidates {
        let parsed = match &cand.kind {
            Kind::Silent => continue,
            Kind::Skip(reason, detail) => {
                unmatched.push(unmatched_of(cand, *reason, detail.clone(), None));
                continue;
            }
            Kind::Value(v) => v,
        };
        let hits = engine.hits(&doc, cand, &value_starts, true);
        if hits.is_empty() {
            let near = engine.hits(&doc, cand, &value_starts, false);
            if let Some(h) = near.first() {
                let er = &engine.number_rules[h.rule];
                let detail = format!(
                    "rule {:?} ({}) matched, but it accepts {} and the number has {}",
                    er.rule.spec.id,
                    catalogue.indicators[er.indicator].code,
                    er.measure_words.join("/"),
                    cand.measure_key().unwrap_or_default()
                );
                unmatched.push(unmatched_of(
                    cand,
                    SkipReason::MeasureMismatch,
                    detail,
                    Some(catalogue.indicators[er.indicator].code.clone()),
                ));
            } else {
                pending_no_rule.push(unmatched_of(cand, SkipReason::NoRule, "no rule's trigger stands in this clause".into(), None));
            }
            continue;
        }
        // The best hit, plus others sharing the number through 均 (参考率及格率均为100%).
        let best = &hits[0];
        let mut chosen: Vec<&Hit> = vec![best];
        if best.before && shares(&doc, best, cand.start) {
            for h in &hits[1..] {
                let ind = engine.number_rules[h.rule].indicator;
                if h.before && shares(&doc, h, cand.start) && chosen.iter().all(|c| engine.number_rules[c.rule].indicator != ind) {
                    chosen.push(h);
                }
            }
        }
        for hit in chosen {
            let er = &engine.number_rules[hit.rule];
            let ind = &catalogue.indicators[er.indicator];
            trigger_spans.push(hit.trigger);
            let code = Some(ind.code.clone());
            if let Some(reason) = context_reason(&doc, cand, plan_start, year) {
                let detail = match reason {
                    SkipReason::Planned => "the sentence states a plan or target, not a result",
                    SkipReason::OtherYear => "the clause is about another year or several years",
                    _ => "the number is a change, not a level",
                };
                unmatched.push(unmatched_of(cand, reason, detail.into(), code));
                continue;
            }
            if let Some(problem) = out_of_range(ind.measure, &parsed.interval) {
                unmatched.push(unmatched_of(cand, SkipReason::Unreadable, format!("{problem} for {}", ind.code), code));
                continue;
            }
            let confidence = engine.confidence(hit, cand.chinese);
            if confidence < options.min_confidence {
                unmatched.push(unmatched_of(cand, SkipReason::LowConfidence, format!("confidence {confidence:.2}"), code));
                continue;
            }
            let written = doc.orig_str(cand.start, cand.end);
            mapped.push(Mapped {
                indicator: er.indicator,
                value: ExtractedValue {
                    indicator: ind.code.clone(),
                    value: written.clone(),
                    text: written,
                    interval: parsed.interval,
                    percent: parsed.percent,
                    measure_word: parsed.measure_word.clone(),
                    quote: doc.quote(cand.start),
                    start: cand.start,
                    end: cand.end,
                    rule: er.rule.spec.id.clone(),
                    confidence,
                },
            });
        }
    }
    // Numbers inside a trigger (平均一个行政村3人) are part of the words, not values.
    for u in pending_no_rule {
        if !trigger_spans.iter().any(|(s, e)| u.start >= *s && u.end <= *e) {
            unmatched.push(u);
        }
    }
    presence_values(&doc, engine, plan_start, &mut mapped);
    let values = settle(mapped, &doc, &mut unmatched);
    unmatched.sort_by_key(|u| (u.start, u.end));
    Extraction {
        source: None,
        format: None,
        encoding: None,
        title,
        unit,
        year,
        values,
        unmatched,
        chars: doc.len(),
        text: options.keep_text.then(|| text.to_string()),
        catalogue_version: catalogue.version.clone(),
        rules_origin: rules.origin.clone(),
    }
}

/// True when the words between a trigger and the number say the value is shared (均为, 都是).
fn shares(doc: &Doc, hit: &Hit, number_start: usize) -> bool {
    doc.norm[hit.trigger.1.min(number_start)..number_start].iter().any(|c| matches!(c, '均' | '都'))
}

const PLAN_WORDS: &[&str] = &["计划", "力争", "预计", "争取", "拟于", "拟开展", "拟组织", "拟举办", "将开展", "将组织", "目标是"];
const OTHER_YEAR_WORDS: &[&str] = &["去年", "上年", "上一年", "同比", "前年", "往年", "历年", "近年来", "近三年", "近五年"];
const CHANGE_WORDS: &[&str] = &[
    "增加了",
    "增加",
    "增长了",
    "增长",
    "减少了",
    "减少",
    "下降了",
    "下降",
    "提高了",
    "提高",
    "提升了",
    "提升",
    "上升了",
    "上升",
    "降低了",
    "降低",
    "多出",
];

/// Why a matched number should still not be taken: a plan, another year, a change.
fn context_reason(doc: &Doc, cand: &Candidate, plan_start: Option<usize>, year: Option<i32>) -> Option<SkipReason> {
    if plan_start.is_some_and(|p| cand.start >= p) {
        return Some(SkipReason::Planned);
    }
    let (cs, ce) = doc.clause(cand.start);
    let clause = doc.norm_str(cs, ce);
    if PLAN_WORDS.iter().any(|w| clause.contains(w)) {
        return Some(SkipReason::Planned);
    }
    if OTHER_YEAR_WORDS.iter().any(|w| clause.contains(w)) {
        return Some(SkipReason::OtherYear);
    }
    if let Some(y) = year {
        let mut k = cs;
        while k + 5 <= ce {
            if doc.norm[k..k + 4].iter().all(char::is_ascii_digit)
                && doc.norm[k + 4] == '年'
                && (k == 0 || !doc.norm[k - 1].is_ascii_digit())
                && let Ok(found) = doc.norm_str(k, k + 4).parse::<i32>()
                && found != y
                && (1990..=2100).contains(&found)
            {
                return Some(SkipReason::OtherYear);
            }
            k += 1;
        }
    }
    if CHANGE_WORDS.iter().any(|w| doc.ends_with(cand.start, w)) {
        return Some(SkipReason::Change);
    }
    None
}

/// A value that cannot be right for its indicator's measure.
fn out_of_range(measure: Measure, iv: &Interval) -> Option<&'static str> {
    let ends = [iv.lo, iv.hi, Some(iv.point)];
    if ends.iter().flatten().any(|x| *x < 0.0) {
        return Some("a negative value");
    }
    match measure {
        Measure::Percent if ends.iter().flatten().any(|x| *x > 100.0) => Some("a percentage above 100"),
        Measure::Count if iv.point.fract() != 0.0 || iv.lo.is_some_and(|x| x.fract() != 0.0) => Some("a fractional count"),
        _ => None,
    }
}

/// Yes/no values: the first sentence holding a `present` pattern (and no `exclude` word).
fn presence_values(doc: &Doc, engine: &Engine<'_>, plan_start: Option<usize>, mapped: &mut Vec<Mapped>) {
    if engine.presence_rules.is_empty() {
        return;
    }
    let limit = plan_start.unwrap_or(doc.len());
    for er in &engine.presence_rules {
        let rule = er.rule;
        if mapped.iter().any(|m| m.indicator == er.indicator) {
            continue;
        }
        let mut found: Option<(usize, usize, usize, usize)> = None;
        let mut s = 0;
        while s < limit && found.is_none() {
            let (ss, se) = doc.sentence(s);
            let se = se.min(limit);
            for p in &rule.present {
                if let Some((ms, me)) = first_match(doc, p, ss, se) {
                    let excluded = rule.exclude.iter().any(|x| rmatch(doc, x, ss, se).is_some());
                    let required = rule.require.is_empty() || rule.require.iter().any(|x| rmatch(doc, x, ss, se).is_some());
                    if !excluded && required {
                        found = Some((ms, me, ss, se));
                        break;
                    }
                }
            }
            s = se + 1;
        }
        if let Some((ms, me, _, _)) = found {
            let ind = &engine.catalogue.indicators[er.indicator];
            mapped.push(Mapped {
                indicator: er.indicator,
                value: ExtractedValue {
                    indicator: ind.code.clone(),
                    text: doc.orig_str(ms, me),
                    value: "是".into(),
                    interval: Interval::exact(1.0),
                    percent: false,
                    measure_word: None,
                    quote: doc.quote(ms),
                    start: ms,
                    end: me,
                    rule: rule.spec.id.clone(),
                    confidence: rule.confidence(),
                },
            });
        }
    }
}

/// One value per indicator: repeats of the same value are duplicates; different values
/// conflict, and the clearly more certain one (by 0.1) is kept, else none.
fn settle(mapped: Vec<Mapped>, doc: &Doc, unmatched: &mut Vec<Unmatched>) -> Vec<ExtractedValue> {
    let mut groups: HashMap<usize, Vec<ExtractedValue>> = HashMap::new();
    let mut order: Vec<usize> = Vec::new();
    for m in mapped {
        if !groups.contains_key(&m.indicator) {
            order.push(m.indicator);
        }
        groups.entry(m.indicator).or_default().push(m.value);
    }
    let to_unmatched = |v: &ExtractedValue, reason: SkipReason, detail: String| Unmatched {
        text: v.text.clone(),
        start: v.start,
        end: v.end,
        reason,
        detail,
        context: doc.quote(v.start),
        indicator: Some(v.indicator.clone()),
    };
    let same = |a: &Interval, b: &Interval| a.lo == b.lo && a.hi == b.hi && a.qualifier == b.qualifier;
    let mut out = Vec::new();
    for ind in order {
        let Some(group) = groups.remove(&ind) else { continue };
        let mut best = 0;
        for (k, v) in group.iter().enumerate() {
            if v.confidence > group[best].confidence {
                best = k;
            }
        }
        let keep = group[best].clone();
        let conflicting: Vec<&ExtractedValue> = group.iter().filter(|v| !same(&v.interval, &keep.interval)).collect();
        let withhold = conflicting.iter().any(|v| keep.confidence - v.confidence < 0.1);
        for (k, v) in group.iter().enumerate() {
            if k == best {
                continue;
            }
            if same(&v.interval, &keep.interval) {
                let reason = if withhold { SkipReason::Conflict } else { SkipReason::Duplicate };
                unmatched.push(to_unmatched(v, reason, format!("{} already has this value from offset {}", v.indicator, keep.start)));
            } else {
                unmatched.push(to_unmatched(
                    v,
                    SkipReason::Conflict,
                    format!("{} is also given as {:?} at offset {}", v.indicator, keep.text, keep.start),
                ));
            }
        }
        if withhold {
            unmatched.push(to_unmatched(
                &keep,
                SkipReason::Conflict,
                format!("{} has different values in different sentences; none is taken", keep.indicator),
            ));
        } else {
            out.push((ind, keep));
        }
    }
    // Document order; a shared value (均为100%) in catalogue order.
    out.sort_by_key(|(ind, v)| (v.start, *ind));
    out.into_iter().map(|(_, v)| v).collect()
}

/// The line where a planning section begins (三、2024年重点工作, 下一步工作打算).
fn planning_section_start(doc: &Doc) -> Option<usize> {
    const HEADINGS: &[&str] = &["下一步", "工作计划", "工作打算", "重点工作", "工作思路", "工作安排", "努力方向", "目标任务", "工作设想"];
    const NOT_PLAN: &[&str] = &["完成", "情况", "成效", "存在", "做法", "开展", "落实", "问题"];
    let mut start = 0;
    for (k, c) in doc.norm.iter().enumerate().chain(std::iter::once((doc.len(), &'\n'))) {
        if *c != '\n' {
            continue;
        }
        let line = doc.norm_str(start, k);
        let short = line.trim().chars().count() <= 40;
        if short && start > 0 && HEADINGS.iter().any(|h| line.contains(h)) && !NOT_PLAN.iter().any(|w| line.contains(w)) {
            return Some(start);
        }
        start = k + 1;
    }
    None
}

/// The title (lines up to the one naming 法治政府建设), its unit and year.
fn detect_title(doc: &Doc) -> (Option<String>, Option<String>, Option<i32>) {
    let head_end = doc.len().min(400);
    let head = doc.norm_str(0, head_end);
    let Some(pos) = head.find("法治政府建设") else {
        return (None, None, None);
    };
    // The title line holding 法治政府建设, plus the next line when it is short (报  告).
    let line_start = head[..pos].rfind('\n').map_or(0, |k| k + 1);
    let line_end = head[pos..].find('\n').map_or(head.len(), |k| pos + k);
    let mut title_end = line_end;
    if line_end < head.len() {
        let next_end = head[line_end + 1..].find('\n').map_or(head.len(), |k| line_end + 1 + k);
        let next = head[line_end + 1..next_end].trim();
        if !next.is_empty() && next.chars().count() <= 8 && next.chars().any(|c| c == '报' || c == '告') {
            title_end = next_end;
        }
    }
    let title: String = head[line_start..title_end].split_whitespace().collect::<Vec<_>>().join("");
    let before = &head[line_start..pos];
    // The year: the last 4-digit number followed by 年 before 法治政府建设.
    let chars: Vec<char> = before.chars().collect();
    let mut year = None;
    let mut year_span = None;
    for k in 0..chars.len().saturating_sub(4) {
        if chars[k..k + 4].iter().all(char::is_ascii_digit) && chars.get(k + 4) == Some(&'年') && (k == 0 || !chars[k - 1].is_ascii_digit())
        {
            let y: String = chars[k..k + 4].iter().collect();
            year = y.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y));
            let end = if chars.get(k + 5) == Some(&'度') { k + 6 } else { k + 5 };
            year_span = Some((k, end));
        }
    }
    let name: String = match year_span {
        Some((s, e)) => {
            let after: String = chars[e..].iter().collect();
            let before_year: String = chars[..s].iter().collect();
            if after.trim().is_empty() { before_year } else { after }
        }
        None => chars.iter().collect(),
    };
    let mut name = name.replace(['《', '》', '“', '”', ' ', '\t'], "");
    for w in ["关于", "人民政府", "党委", "委员会"] {
        name = name.replace(w, "");
    }
    let name = name.trim_end_matches(['的', '关', '于']).to_string();
    let unit = last_admin_segment(&name).filter(|u| !u.is_empty());
    (Some(title).filter(|t| !t.is_empty()), unit, year)
}

/// The last administrative unit of a place name: 乌苏市四棵树镇 → 四棵树镇.
fn last_admin_segment(name: &str) -> Option<String> {
    const SUFFIXES: &[&str] = &["街道办事处", "街道", "苏木", "自治县", "自治州", "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡"];
    let chars: Vec<char> = name.chars().collect();
    let mut segments: Vec<(usize, usize)> = Vec::new();
    let mut seg_start = 0;
    let mut k = 0;
    while k < chars.len() {
        let rest: String = chars[k..].iter().collect();
        if let Some(s) = SUFFIXES.iter().find(|s| rest.starts_with(*s)) {
            let end = k + s.chars().count();
            if k - seg_start >= 1 {
                segments.push((seg_start, end));
                seg_start = end;
                k = end;
                continue;
            }
        }
        k += 1;
    }
    match segments.last() {
        Some(&(s, e)) if e == chars.len() || chars[e..].iter().all(|c| !c.is_alphanumeric()) => Some(chars[s..e].iter().collect()),
        Some(&(_, e)) => Some(chars[e..].iter().collect()).filter(|s: &String| s.chars().count() >= 2).or_else(|| Some(name.to_string())),
        None => Some(name.to_string()),
    }
}

fn opt_str_column(name: &str, values: Vec<Option<String>>) -> Column {
    Series::new(name.into(), values).into_column()
}

impl Extraction {
    /// The values, one row each. Columns: `source` (file, null for text), `unit`, `year`,
    /// `indicator`, `text` (as written), `value` (panel cell), `lo`, `hi` (null when open),
    /// `hi_exclusive`, `point`, `qualifier`, `percent`, `measure_word`, `quote`, `start`, `end`
    /// (character offsets), `rule`, `confidence`.
    pub fn values_frame(&self) -> Result<DataFrame> {
        values_frame(std::slice::from_ref(self))
    }

    /// The numbers not mapped, one row each. Columns: `source`, `unit`, `year`, `text`, `start`,
    /// `end`, `reason` ([`SkipReason::as_str`]), `indicator`, `detail`, `context`.
    pub fn unmatched_frame(&self) -> Result<DataFrame> {
        unmatched_frame(std::slice::from_ref(self))
    }

    /// The values in the long form [`crate::Panel::from_frame`] reads: `unit`, `year`,
    /// `indicator`, `value` (as written, e.g. `1060多份`; `是` for yes/no), `source` (the quote).
    /// Needs the unit and year (from the title or the options).
    pub fn to_panel_frame(&self) -> Result<DataFrame> {
        panel_frame(std::slice::from_ref(self))
    }
}

impl FolderExtraction {
    /// The values of all reports; columns as [`Extraction::values_frame`].
    pub fn values_frame(&self) -> Result<DataFrame> {
        values_frame(&self.reports)
    }

    /// The unmapped numbers of all reports; columns as [`Extraction::unmatched_frame`].
    pub fn unmatched_frame(&self) -> Result<DataFrame> {
        unmatched_frame(&self.reports)
    }

    /// All reports as one long-form panel frame; every report needs its unit and year.
    pub fn to_panel_frame(&self) -> Result<DataFrame> {
        panel_frame(&self.reports)
    }

    /// The failures as a frame: `path`, `message`.
    pub fn failures_frame(&self) -> Result<DataFrame> {
        let f = &self.failures;
        Ok(DataFrame::new(
            f.len(),
            vec![
                Column::new("path".into(), f.iter().map(|x| x.path.as_str()).collect::<Vec<_>>()),
                Column::new("message".into(), f.iter().map(|x| x.message.as_str()).collect::<Vec<_>>()),
            ],
        )?)
    }
}

fn values_frame(reports: &[Extraction]) -> Result<DataFrame> {
    let rows: Vec<(&Extraction, &ExtractedValue)> = reports.iter().flat_map(|x| x.values.iter().map(move |v| (x, v))).collect();
    let n = rows.len();
    let columns = vec![
        opt_str_column("source", rows.iter().map(|(x, _)| x.source.clone()).collect()),
        opt_str_column("unit", rows.iter().map(|(x, _)| x.unit.clone()).collect()),
        Column::new("year".into(), rows.iter().map(|(x, _)| x.year).collect::<Vec<_>>()),
        Column::new("indicator".into(), rows.iter().map(|(_, v)| v.indicator.as_str()).collect::<Vec<_>>()),
        Column::new("text".into(), rows.iter().map(|(_, v)| v.text.as_str()).collect::<Vec<_>>()),
        Column::new("value".into(), rows.iter().map(|(_, v)| v.value.as_str()).collect::<Vec<_>>()),
        Column::new("lo".into(), rows.iter().map(|(_, v)| v.interval.lo).collect::<Vec<_>>()),
        Column::new("hi".into(), rows.iter().map(|(_, v)| v.interval.hi).collect::<Vec<_>>()),
        Column::new("hi_exclusive".into(), rows.iter().map(|(_, v)| v.interval.hi_exclusive).collect::<Vec<_>>()),
        Column::new("point".into(), rows.iter().map(|(_, v)| v.interval.point).collect::<Vec<_>>()),
        Column::new("qualifier".into(), rows.iter().map(|(_, v)| v.interval.qualifier.as_str()).collect::<Vec<_>>()),
        Column::new("percent".into(), rows.iter().map(|(_, v)| v.percent).collect::<Vec<_>>()),
        opt_str_column("measure_word", rows.iter().map(|(_, v)| v.measure_word.clone()).collect()),
        Column::new("quote".into(), rows.iter().map(|(_, v)| v.quote.as_str()).collect::<Vec<_>>()),
        Column::new("start".into(), rows.iter().map(|(_, v)| v.start as u64).collect::<Vec<_>>()),
        Column::new("end".into(), rows.iter().map(|(_, v)| v.end as u64).collect::<Vec<_>>()),
        Column::new("rule".into(), rows.iter().map(|(_, v)| v.rule.as_str()).collect::<Vec<_>>()),
        Column::new("confidence".into(), rows.iter().map(|(_, v)| v.confidence).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(n, columns)?)
}

fn unmatched_frame(reports: &[Extraction]) -> Result<DataFrame> {
    let rows: Vec<(&Extraction, &Unmatched)> = reports.iter().flat_map(|x| x.unmatched.iter().map(move |u| (x, u))).collect();
    let n = rows.len();
    let columns = vec![
        opt_str_column("source", rows.iter().map(|(x, _)| x.source.clone()).collect()),
        opt_str_column("unit", rows.iter().map(|(x, _)| x.unit.clone()).collect()),
        Column::new("year".into(), rows.iter().map(|(x, _)| x.year).collect::<Vec<_>>()),
        Column::new("text".into(), rows.iter().map(|(_, u)| u.text.as_str()).collect::<Vec<_>>()),
        Column::new("start".into(), rows.iter().map(|(_, u)| u.start as u64).collect::<Vec<_>>()),
        Column::new("end".into(), rows.iter().map(|(_, u)| u.end as u64).collect::<Vec<_>>()),
        Column::new("reason".into(), rows.iter().map(|(_, u)| u.reason.as_str()).collect::<Vec<_>>()),
        opt_str_column("indicator", rows.iter().map(|(_, u)| u.indicator.clone()).collect()),
        Column::new("detail".into(), rows.iter().map(|(_, u)| u.detail.as_str()).collect::<Vec<_>>()),
        Column::new("context".into(), rows.iter().map(|(_, u)| u.context.as_str()).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(n, columns)?)
}

fn panel_frame(reports: &[Extraction]) -> Result<DataFrame> {
    let mut unit = Vec::new();
    let mut year = Vec::new();
    let mut indicator = Vec::new();
    let mut value = Vec::new();
    let mut source = Vec::new();
    for x in reports {
        if x.values.is_empty() {
            continue;
        }
        let name = x.source.clone().unwrap_or_else(|| "<text>".into());
        let (Some(u), Some(y)) = (&x.unit, x.year) else {
            return Err(Error::input(
                Location::file(name),
                "the report's unit or year is unknown (no title such as 2023年度XX镇法治政府建设报告); set ExtractOptions.unit and .year",
            ));
        };
        for v in &x.values {
            unit.push(u.clone());
            year.push(y);
            indicator.push(v.indicator.clone());
            value.push(v.value.clone());
            source.push(v.quote.clone());
        }
    }
    let n = unit.len();
    Ok(DataFrame::new(
        n,
        vec![
            Column::new("unit".into(), unit),
            Column::new("year".into(), year),
            Column::new("indicator".into(), indicator),
            Column::new("value".into(), value),
            Column::new("source".into(), source),
        ],
    )?)
}
