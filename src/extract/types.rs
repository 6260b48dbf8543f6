//! What an extraction yields: values, unmatched numbers and why, one report or a folder; and
//! taking an unmatched number into the values ([`Extraction::accept`]).

use serde::{Deserialize, Serialize};

use super::ReportFormat;
use super::pipeline::out_of_range;
use crate::error::{Error, Location, Result};
use crate::model::{Catalogue, Interval, Measure};

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
    /// The number is a rule of frequency (每季度1次, 每月至少2次), not a count of what was done.
    Schedule,
    /// The number is a part (其中…) of a total of the same indicator stated before it.
    Part,
    /// The number is per person or per household (人均3份, 每人36学时), not a total.
    PerPerson,
    /// The indicator already has this value from an earlier sentence.
    Duplicate,
    /// The indicator has different values in different sentences; the less certain one (or,
    /// when equally certain, all of them) is withheld.
    Conflict,
    /// The match's confidence is below [`ExtractOptions::min_confidence`](super::ExtractOptions::min_confidence).
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
            Self::Schedule => "schedule",
            Self::Part => "part",
            Self::PerPerson => "per_person",
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
    /// The id of the rule that mapped it, or `lexicon` (`lexicon_zero` for a zero said in words).
    pub rule: String,
    /// What matched: the rule's trigger, or the lexicon's object phrase and verb.
    #[serde(default)]
    pub matched: String,
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
    /// `measure_mismatch` and `low_confidence`: for `low_confidence`, the best candidate.
    pub indicator: Option<String>,
    /// For `low_confidence`: the candidate's confidence.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// The words before the number in its clause, after any earlier number (normalised): what a
    /// rule learnt from an accepted number would trigger on.
    #[serde(default)]
    pub lead: String,
}

/// What one report yields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// The file read (`None` for [`extract_text`](super::extract_text)).
    pub source: Option<String>,
    pub format: Option<ReportFormat>,
    /// The text encoding of a text or HTML file.
    pub encoding: Option<String>,
    /// The title line(s) found at the top of the report.
    pub title: Option<String>,
    /// The unit: the title's (`2023年度乌苏市四棵树镇法治政府建设报告` → 四棵树镇), else the options';
    /// the options' first when [`ExtractOptions::force_unit`](super::ExtractOptions::force_unit) is set.
    pub unit: Option<String>,
    /// The year: the title's, else the options'; the options' first when `force_year` is set.
    pub year: Option<i32>,
    /// The unit the title states, whatever the options say.
    #[serde(default)]
    pub stated_unit: Option<String>,
    /// The year the title states, whatever the options say.
    #[serde(default)]
    pub stated_year: Option<i32>,
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

/// The `rule` of values an analyst took from `unmatched` ([`Extraction::accept`]).
pub const ACCEPTED_RULE: &str = "accepted";

impl Extraction {
    /// Takes the unmatched number starting at character `start` into [`Extraction::values`] as
    /// `indicator` (default: its best candidate, for `low_confidence` and `measure_mismatch`
    /// numbers). The value keeps its text, quote and offsets; its rule is `accepted`. Errors say
    /// why a number cannot be taken: no unmatched number there, no candidate and no indicator
    /// given, an unknown or yes/no indicator, a value that cannot be right for the indicator, or
    /// an indicator that already has a value.
    pub fn accept(&mut self, start: usize, indicator: Option<&str>, catalogue: &Catalogue) -> Result<&ExtractedValue> {
        let here = Location::file(self.source.clone().unwrap_or_else(|| "<text>".into()));
        // Several entries can share a start (a planned value shared by two rates): the one for the
        // named indicator, else the first.
        let at = |u: &Unmatched| u.start == start;
        let k = indicator.and_then(|c| self.unmatched.iter().position(|u| at(u) && u.indicator.as_deref() == Some(c)));
        let Some(k) = k.or_else(|| self.unmatched.iter().position(at)) else {
            return Err(Error::input(
                here,
                format!("no unmatched number starts at character {start}; see the `start` column of `unmatched`"),
            ));
        };
        let u = &self.unmatched[k];
        let code = match indicator.map(str::to_string).or_else(|| u.indicator.clone()) {
            Some(c) => c,
            None => {
                return Err(Error::input(
                    here,
                    format!("the number {:?} at {start} has no candidate indicator; name the indicator to accept it as", u.text),
                ));
            }
        };
        let here = here.with_indicator(&code);
        let Some(ind) = catalogue.indicator(&code) else {
            return Err(Error::input(here, format!("{code:?} is not a code of the catalogue (version {})", catalogue.version)));
        };
        if ind.measure == Measure::Boolean {
            return Err(Error::input(here, format!("{code} is a yes/no indicator; a number cannot be its value")));
        }
        let parsed = crate::model::parse_value(&u.text).map_err(|e| Error::input(here.clone(), e.to_string()))?;
        if let Some(problem) = out_of_range(ind.measure, &parsed.interval) {
            return Err(Error::input(here, format!("{:?} is {problem}, which {code} cannot have", u.text)));
        }
        if (ind.measure == Measure::Percent) != parsed.percent {
            return Err(Error::input(here, format!("{:?} and {code} disagree on being a percentage", u.text)));
        }
        if let Some(v) = self.values.iter().find(|v| v.indicator == code) {
            return Err(Error::input(
                here,
                format!("{code} already has the value {:?} (at {}); a report gives one value per indicator", v.text, v.start),
            ));
        }
        let u = self.unmatched.remove(k);
        // The number is a value now: no other entry of it stays unmatched.
        self.unmatched.retain(|w| !(w.start == u.start && w.end == u.end));
        let value = ExtractedValue {
            indicator: code,
            value: u.text.clone(),
            text: u.text,
            interval: parsed.interval,
            percent: parsed.percent,
            measure_word: parsed.measure_word,
            quote: u.context,
            start: u.start,
            end: u.end,
            rule: ACCEPTED_RULE.into(),
            matched: u.lead,
            confidence: 1.0,
        };
        let at = self.values.partition_point(|v| v.start <= value.start);
        self.values.insert(at, value);
        Ok(&self.values[at])
    }

    /// The accepted values as rules for next year's reports (TOML for `Rules::read_with_defaults`):
    /// one rule per accepted value, triggered by the words that stood before it in its clause,
    /// with its measure word. Review the triggers before use: a long lead is specific, a short
    /// one may catch other numbers.
    pub fn accepted_rules_toml(&self) -> String {
        self.accepted_rules_toml_with_prefix("accepted")
    }

    /// As [`Extraction::accepted_rules_toml`], with rule ids `<prefix>_<indicator>_<n>` (unique
    /// across the reports of a folder when each gets its own prefix).
    pub fn accepted_rules_toml_with_prefix(&self, prefix: &str) -> String {
        let mut out =
            String::from("# Rules learnt from accepted values (fazhi Extraction::accept). Review the triggers.\nversion = \"accepted\"\n");
        let comment = |x: &str| x.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
        for (k, v) in self.values.iter().filter(|v| v.rule == ACCEPTED_RULE).enumerate() {
            // The words right before the number, without digits, separators or `*` (a wildcard in
            // a pattern).
            let trigger: String = v
                .matched
                .chars()
                .rev()
                .take_while(|c| !c.is_ascii_digit() && !matches!(c, ',' | '、' | ' ' | '，'))
                .filter(|c| *c != '*')
                .collect();
            let trigger: String = trigger.chars().rev().filter(|c| !c.is_control()).collect();
            let measure = if v.percent { "%".to_string() } else { v.measure_word.clone().unwrap_or_default() };
            if trigger.chars().count() < 2 || measure.is_empty() {
                out.push_str(&format!(
                    "\n# skipped {} = {}: {}\n",
                    v.indicator,
                    comment(&v.text),
                    if measure.is_empty() { "no measure word after the number" } else { "fewer than two words before the number" }
                ));
                continue;
            }
            // TOML string literals written by the toml crate: any lead text stays a valid file.
            let lit = |x: &str| toml::Value::String(x.to_string()).to_string();
            out.push_str(&format!(
                "\n[[rules]]\nid = {}\nindicator = {}\nbefore = [{}]\nmeasure_words = [{}]\nwindow = 4\n# from: {}\n",
                lit(&format!("{prefix}_{}_{}", v.indicator.to_lowercase(), k + 1)),
                lit(&v.indicator),
                lit(&trigger),
                lit(&measure),
                comment(&v.quote)
            ));
        }
        out
    }
}
