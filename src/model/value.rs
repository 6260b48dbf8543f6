//! Reported values as intervals (METHODOLOGY §2).
//!
//! Township reports write "1060多份", "90余件", "95%以上", "3—5人", "近百", "约200人". Each such
//! text is read into an [`Interval`]: a lower and upper end (either may be open), a
//! [`Qualifier`] and the point estimate used where one number is needed.
//!
//! ```
//! use fazhi::model::{parse_value, Qualifier};
//!
//! let v = parse_value("1060多份").unwrap();
//! assert_eq!((v.interval.lo, v.interval.hi), (Some(1060.0), Some(1070.0)));
//! assert!(v.interval.hi_exclusive);
//! assert_eq!(v.interval.qualifier, Qualifier::AtLeast);
//! assert_eq!(v.measure_word.as_deref(), Some("份"));
//!
//! let r = parse_value("3—5人").unwrap();
//! assert_eq!((r.interval.lo, r.interval.hi, r.interval.point), (Some(3.0), Some(5.0), 4.0));
//!
//! let p = parse_value("95%以上").unwrap();
//! assert_eq!((p.interval.lo, p.interval.hi), (Some(95.0), Some(100.0)));
//! assert!(p.percent);
//!
//! assert_eq!(parse_value("一百零五").unwrap().interval.point, 105.0);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a reported number qualifies the true value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Qualifier {
    /// A plain number: `8次`.
    Exact,
    /// At least N: `多`, `余`, `以上`, `超过`, `逾`, `不少于`.
    AtLeast,
    /// At most N: `不足`, `不到`, `以下`, `近`, `少于`.
    AtMost,
    /// About N: `约`, `大约`, `左右`, `上下`. The interval is [N, N], flagged approximate.
    Approx,
    /// A range: `3—5`, `3至5`.
    Range,
}

impl Qualifier {
    /// The name used in frames and files (`exact`, `at_least`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::AtLeast => "at_least",
            Self::AtMost => "at_most",
            Self::Approx => "approx",
            Self::Range => "range",
        }
    }

    /// Reads a name written by [`Qualifier::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "exact" => Self::Exact,
            "at_least" => Self::AtLeast,
            "at_most" => Self::AtMost,
            "approx" => Self::Approx,
            "range" => Self::Range,
            _ => return None,
        })
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reported value: an interval with a qualifier and a point estimate.
///
/// `lo = None` means open below, `hi = None` open above. When the upper end comes from "N余" or
/// "N多" it is exclusive (`hi_exclusive`): 90余 is [90, 100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub hi_exclusive: bool,
    pub point: f64,
    pub qualifier: Qualifier,
    /// The place value of the written number's last non-zero digit (90 → 10, 1060 → 10,
    /// 300 → 100, 89.93 → 0.01). Open ends are sampled this far beyond the number (§8).
    pub place: f64,
}

impl Interval {
    /// An exact value [x, x].
    pub fn exact(x: f64) -> Self {
        Self { lo: Some(x), hi: Some(x), hi_exclusive: false, point: x, qualifier: Qualifier::Exact, place: place_value(x) }
    }

    /// True when the value is not a plain exact number.
    pub fn is_qualified(&self) -> bool {
        self.qualifier != Qualifier::Exact
    }

    /// The finite range uncertainty analysis samples from: open ends reach one place value
    /// beyond the number, then everything is clipped to `[floor, ceiling]` (the measure's bounds:
    /// 0 for counts, [0, 100] for percents).
    pub fn sampling_bounds(&self, floor: Option<f64>, ceiling: Option<f64>) -> (f64, f64) {
        let lo = self.lo.unwrap_or(self.point - self.place);
        let hi = self.hi.unwrap_or(self.point + self.place);
        let lo = floor.map_or(lo, |f| lo.max(f));
        let hi = ceiling.map_or(hi, |c| hi.min(c));
        (lo, hi.max(lo))
    }

    /// Closes open ends at hard bounds (percentages at [0, 100]); a percentage "95%以上" becomes
    /// [95, 100]. A count's open lower end is left open: "近100" says nothing about how far below.
    pub(crate) fn bound_percent(mut self) -> Self {
        // A lower end above 100 % ("超过330%", a growth rate) has no upper bound to close at;
        // the value is left as written, for the caller to refuse as a rate.
        if self.lo.is_some_and(|lo| lo > 100.0) {
            return self;
        }
        if self.hi.is_none() {
            self.hi = Some(100.0);
            self.hi_exclusive = false;
        }
        // Likewise an upper end below 0 % ("不超过-55%", a fall) has no lower bound to close at.
        if self.lo.is_none() && self.hi.is_none_or(|hi| hi >= 0.0) {
            self.lo = Some(0.0);
        }
        if let Some(hi) = self.hi
            && hi > 100.0
            && self.hi_exclusive
        {
            // 90%多 would reach 100 (exclusive) → cap at the closed bound 100.
            self.hi = Some(100.0);
            self.hi_exclusive = false;
        }
        self
    }
}

/// The result of reading one written value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedValue {
    pub interval: Interval,
    /// The text carried a percent sign (`%`, `％`) or `百分之`.
    pub percent: bool,
    /// The measure word written after the number (`次`, `份`, `人次`, `课时`), if any.
    pub measure_word: Option<String>,
}

/// The place value of `x`'s last non-zero digit: 90 → 10, 1060 → 10, 300 → 100, 8 → 1,
/// 89.93 → 0.01, 0 → 1.
pub fn place_value(x: f64) -> f64 {
    let x = x.abs();
    if x == 0.0 || !x.is_finite() {
        return 1.0;
    }
    if x.fract() == 0.0 {
        let mut place = 1.0;
        let mut n = x;
        while n >= 10.0 && (n / 10.0).fract() == 0.0 {
            n /= 10.0;
            place *= 10.0;
        }
        place
    } else {
        // Find the shortest decimal representation's last digit (up to 6 places).
        let mut place = 1.0;
        for _ in 0..6 {
            place /= 10.0;
            let scaled = x / place;
            if (scaled - scaled.round()).abs() < 1e-6 {
                return place;
            }
        }
        place
    }
}

/// Reads a yes/no answer: 是/否, 有/无, 已/未, yes/no, true/false, Y/N, √/×.
pub fn parse_boolean(text: &str) -> Option<bool> {
    let t = normalize(text);
    let t = t.trim().to_lowercase();
    match t.as_str() {
        "是" | "有" | "已" | "已完成" | "yes" | "y" | "true" | "t" | "√" | "✓" | "1" => Some(true),
        "否" | "无" | "未" | "没有" | "未完成" | "no" | "n" | "false" | "f" | "×" | "✗" | "0" => Some(false),
        _ => None,
    }
}

/// Reads a written value ("8", "1060多", "95%以上", "3—5人", "近百", "约200", "十二", "１２")
/// into an [`Interval`] with its qualifier, percent flag and measure word.
///
/// Errors name the text and say why it is not a value; nothing is guessed.
/// Numbers at or above this magnitude (10^15, 16 digits) are refused: no report figure is that
/// large, and above 2^53 a float no longer holds every integer, so the text cannot be kept exact.
pub const MAX_MAGNITUDE: f64 = 1e15;

pub fn parse_value(text: &str) -> Result<ParsedValue> {
    let normalized = normalize(text);
    let err = |message: &str| Error::ValueParse { text: text.to_string(), message: message.to_string() };
    if normalized.is_empty() {
        return Err(err("the cell is empty; leave missing values out instead of writing them"));
    }
    if is_placeholder(&normalized) {
        return Err(err("this is an unfilled template placeholder or a dash, not a value; fill in the number or leave the cell empty"));
    }
    let mut p = Parser { chars: normalized.chars().collect(), pos: 0 };

    let mut qualifiers: Vec<QualToken> = Vec::new();
    let mut percent = false;
    // Prefixes: qualifier words and neutral words such as 共/合计/达.
    loop {
        if let Some(q) = p.eat_any(PREFIX_QUALIFIERS) {
            qualifiers.push(q);
            continue;
        }
        if NEUTRAL_PREFIXES.iter().any(|w| p.eat_str(w)) {
            continue;
        }
        break;
    }
    if p.eat_str("百分之") {
        percent = true;
    }
    let first = p.number().ok_or_else(|| err("no number found; write digits (8, 1060, 89.93) or Chinese numerals (八, 一百零五)"))?;
    let too_large = |x: f64| !x.is_finite() || x.abs() >= MAX_MAGNITUDE;
    if too_large(first) {
        return Err(err("the number is too large to be a report figure (at most 15 digits); check the cell"));
    }
    let mut second: Option<f64> = None;
    let mut measure_word = String::new();
    loop {
        if p.eat_str("%") {
            percent = true;
            continue;
        }
        if let Some(q) = p.eat_any(SUFFIX_QUALIFIERS) {
            qualifiers.push(q);
            continue;
        }
        if second.is_none() && measure_word.is_empty() && p.eat_range_separator() {
            let _ = p.eat_str("百分之");
            let n = p.number().ok_or_else(|| err("a range needs a number after the separator, as in 3—5"))?;
            if too_large(n) {
                return Err(err("the number is too large to be a report figure (at most 15 digits); check the cell"));
            }
            second = Some(n);
            continue;
        }
        if p.peek().is_none() {
            break;
        }
        if measure_word.is_empty()
            && let Some(word) = MEASURE_WORDS.iter().find(|w| p.eat_str(w))
        {
            measure_word.push_str(word);
            continue;
        }
        if p.peek() == Some(',') && p.chars.get(p.pos + 1).is_some_and(char::is_ascii_digit) {
            return Err(err(
                "a comma between digits is a thousands separator only before three digits (1,060); write 1.5 for a decimal, or the number without the comma",
            ));
        }
        return Err(err("unexpected text after the number; a cell holds one value such as 8, 1060多份, 95%以上 or 3—5人"));
    }

    let qualifier = merge_qualifiers(&qualifiers).map_err(|m| err(&m))?;
    let interval = match (second, qualifier) {
        (Some(b), None) => {
            if b < first {
                return Err(err("the range's upper end is below its lower end"));
            }
            Interval {
                lo: Some(first),
                hi: Some(b),
                hi_exclusive: false,
                point: (first + b) / 2.0,
                qualifier: Qualifier::Range,
                place: place_value(b).min(place_value(first)),
            }
        }
        (Some(_), Some(_)) => return Err(err("a range cannot also carry 多/余/以上/约; write either 3—5 or 3余")),
        (None, None) => Interval::exact(first),
        (None, Some(q)) => {
            let place = place_value(first);
            match q {
                QualToken::Some_ => Interval {
                    lo: Some(first),
                    hi: Some(first + place),
                    hi_exclusive: true,
                    point: first,
                    qualifier: Qualifier::AtLeast,
                    place,
                },
                QualToken::AtLeastOpen => {
                    Interval { lo: Some(first), hi: None, hi_exclusive: false, point: first, qualifier: Qualifier::AtLeast, place }
                }
                QualToken::AtMost => {
                    Interval { lo: None, hi: Some(first), hi_exclusive: false, point: first, qualifier: Qualifier::AtMost, place }
                }
                QualToken::Approx => {
                    Interval { lo: Some(first), hi: Some(first), hi_exclusive: false, point: first, qualifier: Qualifier::Approx, place }
                }
            }
        }
    };
    let interval = if percent { interval.bound_percent() } else { interval };
    Ok(ParsedValue { interval, percent, measure_word: (!measure_word.is_empty()).then_some(measure_word) })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QualToken {
    /// 多 / 余: [N, N + place)
    Some_,
    /// 以上 / 超过 / 逾: [N, open)
    AtLeastOpen,
    AtMost,
    Approx,
}

const PREFIX_QUALIFIERS: &[(&str, QualToken)] = &[
    ("大约", QualToken::Approx),
    ("约", QualToken::Approx),
    ("将近", QualToken::AtMost),
    ("接近", QualToken::AtMost),
    ("近", QualToken::AtMost),
    ("不足", QualToken::AtMost),
    ("不到", QualToken::AtMost),
    ("少于", QualToken::AtMost),
    ("不超过", QualToken::AtMost),
    ("超过", QualToken::AtLeastOpen),
    ("多于", QualToken::AtLeastOpen),
    ("不少于", QualToken::AtLeastOpen),
    ("不低于", QualToken::AtLeastOpen),
    ("高于", QualToken::AtLeastOpen),
    ("逾", QualToken::AtLeastOpen),
    // Signs as planners and analysts type them: ≥95%, ≤3.
    ("≥", QualToken::AtLeastOpen),
    (">=", QualToken::AtLeastOpen),
    ("≧", QualToken::AtLeastOpen),
    (">", QualToken::AtLeastOpen),
    ("≤", QualToken::AtMost),
    ("<=", QualToken::AtMost),
    ("≦", QualToken::AtMost),
    ("<", QualToken::AtMost),
];

/// Words before a number that do not qualify it (达89.93分, 合计40个课时, 均为100%).
const NEUTRAL_PREFIXES: &[&str] = &["达到", "达", "共计", "共", "合计", "累计", "均为", "为"];

/// Measure words accepted after a number, longest first. Anything else after a number is an
/// error: a cell holds one value, not a sentence.
pub const MEASURE_WORDS: &[&str] = &[
    "个课时",
    "万人次",
    "课时",
    "学时",
    "小时",
    "场次",
    "人次",
    "户次",
    "件次",
    "万元",
    "万份",
    "车次",
    "辆次",
    "批次",
    "万件",
    "个",
    "次",
    "场",
    "人",
    "名",
    "位",
    "份",
    "件",
    "分",
    "元",
    "条",
    "户",
    "村",
    "期",
    "篇",
    "项",
    "起",
    "家",
    "处",
    "张",
    "本",
    "册",
    "套",
    "批",
    "轮",
    "节",
    "堂",
    "类",
    "所",
    "座",
    "天",
    "日",
    "宗",
    "例",
    "部",
    "台",
    "块",
    "幅",
    "条次",
    "单",
];

const SUFFIX_QUALIFIERS: &[(&str, QualToken)] = &[
    ("有余", QualToken::Some_),
    ("多", QualToken::Some_),
    ("余", QualToken::Some_),
    ("以上", QualToken::AtLeastOpen),
    ("以下", QualToken::AtMost),
    ("以内", QualToken::AtMost),
    ("左右", QualToken::Approx),
    ("上下", QualToken::Approx),
];

fn merge_qualifiers(tokens: &[QualToken]) -> std::result::Result<Option<QualToken>, String> {
    let mut merged: Option<QualToken> = None;
    for &t in tokens {
        merged = Some(match (merged, t) {
            (None, t) => t,
            (Some(a), b) if a == b => a,
            // 超过100多 / 100多以上: both say "at least"; the open end is the weaker claim.
            (Some(QualToken::Some_), QualToken::AtLeastOpen) | (Some(QualToken::AtLeastOpen), QualToken::Some_) => QualToken::AtLeastOpen,
            _ => return Err("the value carries conflicting qualifiers (e.g. 约 with 以上); keep one".to_string()),
        });
    }
    Ok(merged)
}

/// Full-width ASCII to half-width, ideographic space to nothing, thousands separators removed,
/// dashes unified, traditional characters simplified ([`crate::normalize`]).
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let c = match c {
            '·' | '・' => '.',
            _ => crate::normalize::normalize_char(c),
        };
        if c.is_whitespace() {
            continue;
        }
        // 1,060 → 1060: a comma between digits is a thousands separator only before exactly
        // three digits ("1,5" is not 15; it is left in, and the parser refuses it).
        let digit_at = |k: usize| chars.get(k).is_some_and(|c| crate::normalize::normalize_char(*c).is_ascii_digit());
        if c == ',' && i > 0 && digit_at(i - 1) && (1..=3).all(|k| digit_at(i + k)) && !digit_at(i + 4) {
            continue;
        }
        out.push(c);
    }
    out
}

/// True for unfilled template text (XX, ××次, 待填, 某某) and bare dashes (—, --, /).
pub(crate) fn is_placeholder(t: &str) -> bool {
    let stripped: String = t.chars().filter(|c| !is_cjk(*c)).collect();
    let all = |set: &[char]| !t.is_empty() && t.chars().all(|c| set.contains(&c));
    all(&['-', '—', '–', '/', '\\', '.', '…', '_'])
        || t.eq_ignore_ascii_case("n/a")
        || t.eq_ignore_ascii_case("na")
        || t.eq_ignore_ascii_case("null")
        || t.eq_ignore_ascii_case("nan")
        || ["待填", "待定", "暂无", "无数据", "不详", "某某", "XX", "xx", "××", "X", "x", "×", "*", "**", "***"].contains(&t)
        || (!stripped.is_empty() && stripped.chars().all(|c| matches!(c, 'X' | 'x' | '×' | '*' | '某' | '○' | '□')))
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '两' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    })
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat_str(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        if self.pos + n <= self.chars.len() && self.chars[self.pos..self.pos + n].iter().copied().eq(s.chars()) {
            self.pos += n;
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, table: &[(&str, QualToken)]) -> Option<QualToken> {
        table.iter().find(|(word, _)| self.eat_str(word)).map(|(_, q)| *q)
    }

    fn eat_range_separator(&mut self) -> bool {
        // Only a separator when a number follows it.
        let save = self.pos;
        let ok = ["——", "—", "–", "-", "~", "～", "〜", "至", "到"].iter().any(|s| self.eat_str(s));
        if ok {
            let after = self.pos;
            let _ = self.eat_str("百分之");
            let starts_number = self.peek().is_some_and(|c| c.is_ascii_digit() || chinese_digit(c).is_some() || chinese_unit(c).is_some());
            self.pos = after;
            if starts_number {
                return true;
            }
        }
        self.pos = save;
        false
    }

    /// An Arabic number (optionally negative, decimal, followed by 万/亿/千/百) or a Chinese
    /// numeral.
    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        let negative = self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(char::is_ascii_digit);
        if negative {
            self.pos += 1;
        }
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let mut s = String::new();
            while let Some(c) = self.peek() {
                if c.is_ascii_digit() || (c == '.' && !s.contains('.') && self.chars.get(self.pos + 1).is_some_and(char::is_ascii_digit)) {
                    s.push(c);
                    self.pos += 1;
                } else {
                    break;
                }
            }
            // 1.2万, 3千: the multiplier shifts the decimal point (1.11万 is 11100, not 11100.000000000002).
            let mut exp = 0;
            if let Some(mult) = self.peek().and_then(chinese_unit).filter(|m| *m >= 1000) {
                self.pos += 1;
                exp = mult.ilog10();
            }
            let x: f64 = format!("{s}e{exp}").parse().ok()?;
            return Some(if negative { -x } else { x });
        }
        self.pos = start;
        self.chinese_number()
    }

    /// A Chinese number with an optional decimal part: 九十四点六 → 94.6.
    fn chinese_number(&mut self) -> Option<f64> {
        let whole = self.chinese_integer()?;
        if self.peek() == Some('点') {
            let save = self.pos;
            self.pos += 1;
            let mut frac = String::new();
            while let Some(d) = self.peek().and_then(chinese_digit) {
                frac.push(char::from(b'0' + d as u8));
                self.pos += 1;
            }
            if frac.is_empty() {
                self.pos = save;
                return Some(whole);
            }
            // 一点五万 = 15000: a following 万/千/亿 shifts the decimal point.
            let exp = match self.peek().and_then(chinese_unit).filter(|m| *m >= 1000) {
                Some(m) => {
                    self.pos += 1;
                    m.ilog10()
                }
                None => 0,
            };
            return format!("{whole}.{frac}e{exp}").parse().ok();
        }
        Some(whole)
    }

    fn chinese_integer(&mut self) -> Option<f64> {
        let start = self.pos;
        let mut digits: Vec<char> = Vec::new();
        while let Some(c) = self.peek() {
            if chinese_digit(c).is_some() || chinese_unit(c).is_some() {
                digits.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        // 两 on its own before a measure word is fine; but 一是/二是 style list markers never
        // reach here as values because the whole cell must be a value.
        if digits.is_empty() {
            self.pos = start;
            return None;
        }
        let has_unit = digits.iter().any(|c| chinese_unit(*c).is_some());
        if !has_unit {
            // Positional digits: 二〇 → 20; a single digit → itself. Too many digits give
            // infinity, which the caller refuses (never a wrapped-around number).
            let mut v: u64 = 0;
            for c in &digits {
                let Some(next) = v.checked_mul(10).and_then(|v| v.checked_add(chinese_digit(*c)?)) else {
                    return Some(f64::INFINITY);
                };
                v = next;
            }
            return Some(v as f64);
        }
        // Sums in f64, exact for every integer a report can hold; nonsense such as 亿亿亿… grows
        // to infinity, which the caller refuses.
        let mut total = 0.0f64; // completed 亿 sections
        let mut section = 0.0f64; // completed 万 sections below 亿
        let mut group = 0.0f64; // current group below 万
        let mut digit: Option<f64> = None;
        for c in digits {
            if let Some(d) = chinese_digit(c) {
                digit = Some(d as f64);
            } else if let Some(u) = chinese_unit(c) {
                let u = u as f64;
                match u {
                    10.0 | 100.0 | 1000.0 => {
                        // 十二 = 12: a bare 十 at the start means one ten.
                        group += digit.unwrap_or(1.0) * u;
                        digit = None;
                    }
                    10_000.0 => {
                        section = (section + group + digit.unwrap_or(0.0)) * 10_000.0;
                        group = 0.0;
                        digit = None;
                    }
                    _ => {
                        total = (total + section + group + digit.unwrap_or(0.0)) * 100_000_000.0;
                        section = 0.0;
                        group = 0.0;
                        digit = None;
                    }
                }
            }
        }
        Some(total + section + group + digit.unwrap_or(0.0))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn iv(text: &str) -> Interval {
        parse_value(text).unwrap().interval
    }

    #[test]
    fn exact_numbers() {
        assert_eq!(iv("8"), Interval::exact(8.0));
        assert_eq!(iv("8次").point, 8.0);
        assert_eq!(iv("89.93分").point, 89.93);
        assert_eq!(iv("１２").point, 12.0);
        assert_eq!(iv("1,060").point, 1060.0);
        assert_eq!(iv(" 40 课时 ").point, 40.0);
        assert_eq!(iv("1.2万").point, 12000.0);
        assert_eq!(iv("1.11万元").point, 11100.0);
        assert_eq!(iv("2.5万份").point, 25000.0);
        assert_eq!(iv("-3").point, -3.0);
        assert_eq!(parse_value("180人次").unwrap().measure_word.as_deref(), Some("人次"));
    }

    #[test]
    fn chinese_numerals() {
        for (text, expected) in [
            ("一", 1.0),
            ("两", 2.0),
            ("十", 10.0),
            ("十二", 12.0),
            ("二十", 20.0),
            ("二十五", 25.0),
            ("一百零五", 105.0),
            ("一千零六十", 1060.0),
            ("三万五千", 35000.0),
            ("百", 100.0),
            ("二〇", 20.0),
            ("九十四点六", 94.6),
            ("一点五万", 15000.0),
            ("百分之九十四点六", 94.6),
            ("壹佰", 100.0),
            ("兩", 2.0),
        ] {
            assert_eq!(iv(text).point, expected, "{text}");
        }
        assert_eq!(parse_value("一个").unwrap().measure_word.as_deref(), Some("个"));
        assert_eq!(iv("一名").point, 1.0);
    }

    #[test]
    fn at_least_with_place_value() {
        let v = iv("1060多");
        assert_eq!((v.lo, v.hi, v.point, v.qualifier, v.hi_exclusive), (Some(1060.0), Some(1070.0), 1060.0, Qualifier::AtLeast, true));
        let v = iv("90余件");
        assert_eq!((v.lo, v.hi), (Some(90.0), Some(100.0)));
        let v = iv("300余");
        assert_eq!((v.lo, v.hi), (Some(300.0), Some(400.0)));
        let v = iv("十余");
        assert_eq!((v.lo, v.hi), (Some(10.0), Some(20.0)));
        let v = iv("超过50");
        assert_eq!((v.lo, v.hi, v.qualifier), (Some(50.0), None, Qualifier::AtLeast));
        let v = iv("200人以上");
        assert_eq!((v.lo, v.hi, v.place), (Some(200.0), None, 100.0));
        assert_eq!(iv("逾千").lo, Some(1000.0));
        // Traditional 餘.
        assert_eq!(iv("90餘件").hi, Some(100.0));
    }

    #[test]
    fn percentages_are_bounded() {
        let v = parse_value("95%以上").unwrap();
        assert!(v.percent);
        assert_eq!((v.interval.lo, v.interval.hi, v.interval.point), (Some(95.0), Some(100.0), 95.0));
        let v = parse_value("95％").unwrap();
        assert!(v.percent);
        assert_eq!(v.interval.point, 95.0);
        let v = parse_value("百分之九十五").unwrap();
        assert!(v.percent);
        assert_eq!(v.interval.point, 95.0);
        let v = parse_value("不足90%").unwrap().interval;
        assert_eq!((v.lo, v.hi), (Some(0.0), Some(90.0)));
    }

    #[test]
    fn at_most_and_approx() {
        let v = iv("近100");
        assert_eq!((v.lo, v.hi, v.point, v.qualifier), (None, Some(100.0), 100.0, Qualifier::AtMost));
        let v = iv("近百");
        assert_eq!((v.hi, v.qualifier), (Some(100.0), Qualifier::AtMost));
        assert_eq!(iv("不到20").qualifier, Qualifier::AtMost);
        assert_eq!(iv("5人以下").hi, Some(5.0));
        let v = iv("约200人");
        assert_eq!((v.lo, v.hi, v.point, v.qualifier), (Some(200.0), Some(200.0), 200.0, Qualifier::Approx));
        assert_eq!(iv("200左右").qualifier, Qualifier::Approx);
        assert_eq!(iv("大约30").qualifier, Qualifier::Approx);
    }

    #[test]
    fn ranges() {
        for text in ["3—5", "3-5", "3–5", "3~5", "3～5", "3至5", "3到5", "3—5人", "三至五", "3——5"] {
            let v = iv(text);
            assert_eq!((v.lo, v.hi, v.point, v.qualifier), (Some(3.0), Some(5.0), 4.0, Qualifier::Range), "{text}");
        }
        let v = parse_value("90%-95%").unwrap();
        assert!(v.percent);
        assert_eq!((v.interval.lo, v.interval.hi), (Some(90.0), Some(95.0)));
    }

    #[test]
    fn neutral_prefixes() {
        assert_eq!(iv("达89.93分").point, 89.93);
        assert_eq!(iv("合计40个课时").point, 40.0);
        assert_eq!(iv("均为100%").point, 100.0);
    }

    #[test]
    fn percent_bounds_never_cross_the_value() {
        // Found by the parse_value fuzz target: ">330%" gave lo 330, hi 100.
        // And "<-55%" gave lo 0 > hi −55.
        for text in [">330%", "超过330%", "330%以上", "<-55%", "不超过-55%"] {
            let v = iv(text);
            assert!(v.lo.zip(v.hi).is_none_or(|(lo, hi)| lo <= hi), "{text}: {v:?}");
        }
    }

    #[test]
    fn signs_read_as_qualifiers() {
        for (text, same_as) in [("≥95%", "95%以上"), (">=8", "不少于8"), ("≤3", "不超过3"), ("<=3件", "不超过3件"), ("＞10", "超过10")]
        {
            assert_eq!(iv(text), iv(same_as), "{text}");
        }
    }

    #[test]
    fn oversized_numbers_and_stray_commas_are_refused() {
        // Twenty 九 overflowed u64 and wrapped around; 400 digits parsed as infinity.
        let nines: String = "九".repeat(20);
        for text in [nines.as_str(), &"9".repeat(400), "1000000000000000", "九千九百九十九万亿亿"] {
            let e = parse_value(text).unwrap_err().to_string();
            assert!(e.contains("too large"), "{text}: {e}");
        }
        assert_eq!(iv("999999999999999").point, 999_999_999_999_999.0);
        assert_eq!(iv("九千九百九十九亿").point, 999_900_000_000.0);
        // A comma is a thousands separator only before exactly three digits.
        assert_eq!(iv("1,060").point, 1060.0);
        assert_eq!(iv("1,234,567").point, 1_234_567.0);
        assert_eq!(iv("１，０６０份").point, 1060.0);
        for text in ["1,5", "1,50", "1,0600"] {
            let e = parse_value(text).unwrap_err().to_string();
            assert!(e.contains("thousands separator"), "{text}: {e}");
        }
    }

    #[test]
    fn rejections_say_why() {
        for text in ["", "abc", "--", "—", "XX", "××次", "待填", "5-3", "约3—5", "约100以上", "8 times", "n/a", "一是做好"]
        {
            let e = parse_value(text);
            assert!(e.is_err(), "{text:?} should be rejected, got {e:?}");
            assert!(e.unwrap_err().to_string().contains(&format!("{text:?}")));
        }
    }

    #[test]
    fn place_values() {
        assert_eq!(place_value(90.0), 10.0);
        assert_eq!(place_value(1060.0), 10.0);
        assert_eq!(place_value(300.0), 100.0);
        assert_eq!(place_value(8.0), 1.0);
        assert_eq!(place_value(89.93), 0.01);
        assert_eq!(place_value(12.5), 0.1);
        assert_eq!(place_value(0.0), 1.0);
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_boolean("是"), Some(true));
        assert_eq!(parse_boolean(" 否 "), Some(false));
        assert_eq!(parse_boolean("Yes"), Some(true));
        assert_eq!(parse_boolean("maybe"), None);
    }

    #[test]
    fn sampling_bounds_extend_open_ends_by_place() {
        assert_eq!(iv("超过100").sampling_bounds(Some(0.0), None), (100.0, 200.0));
        assert_eq!(iv("近100").sampling_bounds(Some(0.0), None), (0.0, 100.0));
        assert_eq!(iv("近95").sampling_bounds(Some(0.0), None), (94.0, 95.0));
        assert_eq!(iv("90余").sampling_bounds(Some(0.0), None), (90.0, 100.0));
    }
}
