//! Finding the numbers of a report and telling values from dates, years, document numbers,
//! hotlines, slogans, placeholders and list markers.
//!
//! Every run of Arabic digits, Chinese numerals or template placeholders (`XX`, `××`) becomes a
//! [`Candidate`] with its value span: prefix qualifiers (约, 近, 超过, 不足), the number, a range's
//! second number (3—5), `%`, suffix qualifiers (多, 余, 以上, 左右) and the measure word (次, 份,
//! 人次, 个课时). Each candidate is then one of:
//!
//! - a **value** (read with [`parse_value`]) for the rules to map;
//! - **skipped with a reason** ([`SkipReason`]), reported in `Extraction::unmatched`: dates
//!   (`2023年1月`, `3·15`, `5·1`), years (`2023年`), plan periods (`2021—2025年`), durations
//!   (`3年`, `6个月`), document numbers (`〔2023〕1号`), hotlines and platforms (`12345热线`),
//!   slogans and formulas (`一规划两纲要`, `五办六中心`, `二十大`, `一村一法律顾问`),
//!   placeholders (`XX次`, `××份`), Arabic numbers without a measure word, unreadable values;
//! - **silent** (structural, not reported): list markers (`一是`, `（二）`, `三、`, `1.` at a line
//!   start), ordinals (`第一`, `其一`, `之一`), Chinese numeral characters inside ordinary words
//!   (`一些`, `一系列`, `统一`, `四棵树`, `百姓`, `十分`), bare 百/千/万 without a qualifier
//!   (`千家万户`), and compounds such as `一次性`, `台账`, `一部分`.

use super::SkipReason;
use super::text::{Doc, is_cjk};
use crate::model::value::{MEASURE_WORDS, ParsedValue, parse_value};

/// What a candidate is.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Value(ParsedValue),
    Skip(SkipReason, String),
    Silent,
}

/// A number found in the text.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// The value span: from a prefix qualifier to the measure word or suffix qualifier.
    pub start: usize,
    pub end: usize,
    /// The end of the number itself (the first number of a range).
    pub core_end: usize,
    /// Written in Chinese numerals.
    pub chinese: bool,
    pub kind: Kind,
}

impl Candidate {
    pub fn value(&self) -> Option<&ParsedValue> {
        match &self.kind {
            Kind::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The measure key rules compare with: `%` for percentages, else the measure word.
    pub fn measure_key(&self) -> Option<String> {
        let v = self.value()?;
        if v.percent { Some("%".into()) } else { v.measure_word.clone() }
    }
}

/// Slogans, formulas and set phrases that contain numerals but are not values.
const SLOGANS: &[&str] = &[
    "一规划两纲要",
    "一规划两方案",
    "五办六中心",
    "二十大",
    "十九大",
    "十八大",
    "二十届",
    "十九届",
    "十八届",
    "十四五",
    "十三五",
    "十五五",
    "七五普法",
    "八五普法",
    "九五普法",
    "两学一做",
    "三会一课",
    "四议两公开",
    "两委",
    "四风",
    "三治融合",
    "三治结合",
    "一村一",
    "一户一",
    "一人一",
    "一事一议",
    "一案一",
    "一校一",
    "一站式",
    "一网通办",
    "一网统管",
    "一件事",
    "最多跑一次",
    "两个确立",
    "两个维护",
    "四个意识",
    "四个自信",
    "两个结合",
    "三个代表",
    "四下基层",
    "五个一",
    "双随机一公开",
    "双随机、一公开",
    "一把手",
    "一岗双责",
    "一票否决",
    "一张蓝图",
    "一盘棋",
    "三资",
    "三务公开",
    "两法衔接",
    "1+N",
    "1+X",
    "三大攻坚战",
    "一带一路",
    "两个务必",
    "三农",
    "千万工程",
    "千村示范",
    "万村整治",
    "千家万户",
    "百千万",
    "十佳",
    "五星",
    "一核多元",
    "一中心",
    "两新",
];

/// Known hotline and platform numbers.
const HOTLINES: &[&str] = &[
    "110", "119", "120", "122", "12345", "12348", "12315", "12333", "12369", "12110", "12309", "12388", "12351", "12337", "12366", "12319",
    "12320", "12350", "12355", "12358",
];

const PREFIX_QUALIFIERS: &[&str] =
    &["不少于", "不低于", "不超过", "大约", "将近", "接近", "不足", "不到", "少于", "超过", "多于", "高于", "约", "近", "逾"];

fn measure_words_by_length() -> &'static [&'static str] {
    use std::sync::OnceLock;
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<&'static str> = MEASURE_WORDS.to_vec();
        v.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        v
    })
}

fn cn_digit(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '壹'
            | '贰'
            | '叁'
            | '肆'
            | '伍'
            | '陆'
            | '柒'
            | '捌'
            | '玖'
    )
}

fn cn_unit(c: char) -> bool {
    matches!(c, '十' | '百' | '千' | '万' | '亿' | '拾' | '佰' | '仟')
}

fn is_financial(c: char) -> bool {
    matches!(c, '壹' | '贰' | '叁' | '肆' | '伍' | '陆' | '柒' | '捌' | '玖' | '拾' | '佰' | '仟')
}

pub(crate) fn is_cn_numeral(c: char) -> bool {
    cn_digit(c) || cn_unit(c)
}

fn is_placeholder_char(c: char) -> bool {
    matches!(c, 'X' | 'x' | '×' | '*')
}

/// Spans of the text covered by slogans.
pub(crate) fn slogan_spans(doc: &Doc) -> Vec<(usize, usize)> {
    use std::sync::OnceLock;
    static TABLE: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| SLOGANS.iter().map(|s| s.chars().collect()).collect());
    let mut spans = Vec::new();
    for i in 0..doc.len() {
        let c = doc.norm[i];
        if !(is_cn_numeral(c) || c.is_ascii_digit() || c == '最' || c == '双') {
            continue;
        }
        for s in table {
            if s[0] == c && doc.norm_eq(i, s) {
                spans.push((i, i + s.len()));
            }
        }
    }
    spans
}

/// Scans the document for numbers.
pub(crate) fn scan(doc: &Doc) -> Vec<Candidate> {
    let slogans = slogan_spans(doc);
    let n = doc.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let c = doc.norm[i];
        let candidate = if c.is_ascii_digit() {
            Some(scan_number(doc, i, false, &slogans))
        } else if is_cn_numeral(c) && (!is_financial(c) || doc.norm.get(i + 1).copied().is_some_and(is_cn_numeral)) {
            // A lone financial numeral (伍 in 队伍, 陆 in 陆续) is a word, not a number.
            Some(scan_number(doc, i, true, &slogans))
        } else if is_placeholder_char(c) && (i == 0 || !doc.norm[i - 1].is_ascii_alphanumeric()) {
            scan_placeholder(doc, i)
        } else {
            None
        };
        match candidate {
            Some(cand) => {
                // A silent candidate gives back the text after its numeral (百 of 百分之九十).
                let end = if matches!(cand.kind, Kind::Silent) { cand.core_end } else { cand.end.max(cand.core_end) };
                i = end.max(i + 1);
                out.push(cand);
            }
            None => i += 1,
        }
    }
    out
}

fn scan_placeholder(doc: &Doc, i: usize) -> Option<Candidate> {
    let n = doc.len();
    let mut j = i;
    while j < n && is_placeholder_char(doc.norm[j]) {
        j += 1;
    }
    if j < n && doc.norm[j].is_ascii_alphanumeric() {
        return None;
    }
    let core_end = j;
    if j < n && matches!(doc.norm[j], '多' | '余') {
        j += 1;
    }
    let mut end = j;
    if j < n && doc.norm[j] == '%' {
        end = j + 1;
    } else if let Some(w) = measure_at(doc, j) {
        end = j + w.chars().count();
    }
    if end == j {
        return None; // XX市, a name: not a value slot
    }
    Some(Candidate {
        start: i,
        end,
        core_end,
        chinese: false,
        kind: Kind::Skip(SkipReason::Placeholder, "an unfilled template placeholder (XX, ××), not a number".into()),
    })
}

/// The core of a number starting at `i`: Arabic digits (with a decimal point and thousands
/// commas) or a run of Chinese numerals.
fn number_end(doc: &Doc, i: usize, chinese: bool) -> usize {
    let n = doc.len();
    let mut j = i;
    if chinese {
        while j < n && is_cn_numeral(doc.norm[j]) {
            j += 1;
        }
        // A decimal part: 九十四点六, 一点五万.
        if j + 1 < n && j > i && doc.norm[j] == '点' && cn_digit(doc.norm[j + 1]) {
            j += 1;
            while j < n && cn_digit(doc.norm[j]) {
                j += 1;
            }
            if j < n && matches!(doc.norm[j], '万' | '亿' | '千') {
                j += 1;
            }
        }
        return j;
    }
    let mut dot = false;
    while j < n {
        let c = doc.norm[j];
        if c.is_ascii_digit() {
            j += 1;
        } else if c == '.' && !dot && matches!(doc.orig[j], '.' | '．') && j + 1 < n && doc.norm[j + 1].is_ascii_digit() && j > i {
            dot = true;
            j += 1;
        } else if doc.orig[j] == ',' && j > i && j + 1 < n && {
            let d = doc.norm[j + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            d == 3
        } {
            j += 1;
        } else {
            break;
        }
    }
    j
}

pub(crate) fn measure_at(doc: &Doc, j: usize) -> Option<&'static str> {
    measure_words_by_length().iter().copied().find(|w| doc.starts_with(j, w))
}

fn prev_char(doc: &Doc, i: usize) -> Option<char> {
    (i > 0).then(|| doc.norm[i - 1])
}

/// True when only spaces stand between the start of the line (or of a clause) and `i`.
fn at_line_start(doc: &Doc, i: usize) -> bool {
    let mut k = i;
    while k > 0 {
        let c = doc.norm[k - 1];
        if c == ' ' || c == '\t' {
            k -= 1;
            continue;
        }
        return doc.is_sentence_break(k - 1) || c == ':' || c == ',';
    }
    true
}

fn skip(reason: SkipReason, detail: &str) -> Kind {
    Kind::Skip(reason, detail.to_string())
}

fn scan_number(doc: &Doc, i: usize, chinese: bool, slogans: &[(usize, usize)]) -> Candidate {
    let n = doc.len();
    let core_end = number_end(doc, i, chinese);
    let mut cand = Candidate { start: i, end: core_end, core_end, chinese, kind: Kind::Silent };
    let core: String = doc.norm[i..core_end].iter().collect();
    let prev = prev_char(doc, i);
    let next = doc.norm.get(core_end).copied();
    let after = |k: usize| doc.norm.get(core_end + k).copied();

    // Slogans and formulas.
    if let Some(&(s, e)) = slogans.iter().find(|(s, e)| *s < core_end && i < *e) {
        cand.start = cand.start.min(s);
        cand.end = cand.end.max(e);
        cand.kind = skip(SkipReason::Slogan, "a slogan or formula (一规划两纲要, 二十大), not a quantity");
        return cand;
    }
    if doc.starts_with(core_end, "中全会") || (chinese && next == Some('届')) || (chinese && next == Some('大') && doc.ends_with(i, "党的"))
    {
        cand.kind = skip(SkipReason::Slogan, "a Party congress or plenum, not a quantity");
        return cand;
    }
    // Ordinals and list markers: structural, silent.
    if prev == Some('第') {
        return cand;
    }
    if chinese {
        if matches!(
            prev,
            Some('其' | '之' | '统' | '唯' | '同' | '进' | '专' | '逐' | '划' | '单' | '初' | '周' | '星' | '礼' | '拜' | '万')
        ) && core.chars().count() == 1
        {
            return cand;
        }
        if matches!(next, Some('是' | '、' | '.')) {
            return cand;
        }
    }
    if matches!(prev, Some('(' | '（')) && matches!(next, Some(')' | '）')) {
        return cand;
    }
    let year_like = !chinese && core.len() == 4 && core.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y));
    let cn_year = chinese && core.chars().count() == 4 && core.chars().all(cn_digit);
    if matches!(prev, Some('〔' | '[' | '【' | '〖')) && matches!(next, Some('〕' | ']' | '】' | '〗')) && (year_like || cn_year) {
        cand.end = core_end + 1;
        cand.kind = skip(SkipReason::DocumentNumber, "the year of a document number (〔2023〕1号)");
        return cand;
    }
    if !chinese
        && at_line_start(doc, i)
        && (matches!(next, Some('、' | ')' | '）')) || (next == Some('.') && !after(1).is_some_and(|c| c.is_ascii_digit())))
    {
        return cand;
    }
    // Dates and times.
    if !chinese && matches!(doc.orig.get(core_end), Some('·' | '・' | '•')) && after(1).is_some_and(|c| c.is_ascii_digit()) {
        cand.end = number_end(doc, core_end + 1, false);
        cand.kind = skip(SkipReason::Date, "a date written with a middle dot (3·15, 12·4)");
        return cand;
    }
    if !chinese && matches!(next, Some('-' | '/' | '.')) && year_like && after(1).is_some_and(|c| c.is_ascii_digit()) {
        let mut e = core_end + 1;
        while e < n && (doc.norm[e].is_ascii_digit() || matches!(doc.norm[e], '-' | '/' | '.')) {
            e += 1;
        }
        cand.end = e;
        cand.kind = skip(SkipReason::Date, "a date (2023-01-05, 2023.1.5)");
        return cand;
    }
    if !chinese && matches!(next, Some('.')) && after(1).is_some_and(|c| c.is_ascii_digit()) {
        // 2.3.1 or 1.5 with a second dot: a date or a section number.
        let second = number_end(doc, core_end + 1, false);
        if doc.norm.get(second) == Some(&'.') && doc.norm.get(second + 1).is_some_and(char::is_ascii_digit) {
            cand.end = number_end(doc, second + 1, false);
            cand.kind = skip(SkipReason::Date, "a dotted date or section number (2023.1.5)");
            return cand;
        }
    }
    if next == Some('月') || (prev == Some('月') && matches!(next, Some('日' | '号'))) {
        cand.end = core_end + 1;
        cand.kind = skip(SkipReason::Date, "a date (month or day)");
        return cand;
    }
    if matches!(next, Some('时' | ':')) && after(1).is_some_and(|c| c.is_ascii_digit() || is_cn_numeral(c)) {
        cand.kind = skip(SkipReason::Date, "a time of day");
        return cand;
    }
    if next == Some('号') {
        cand.end = core_end + 1;
        cand.kind = skip(SkipReason::DocumentNumber, "a document or serial number (1号文件, 〔2023〕5号)");
        return cand;
    }
    // Phone numbers and hotlines.
    if !chinese && core.starts_with('0') && core.len() >= 3 && next == Some('-') && after(1).is_some_and(|c| c.is_ascii_digit()) {
        cand.end = number_end(doc, core_end + 1, false);
        cand.kind = skip(SkipReason::Hotline, "a telephone number");
        return cand;
    }
    if !chinese && core.chars().all(|c| c.is_ascii_digit()) && core.len() >= 3 {
        let named = ["热线", "平台", "服务", "专线", "便民", "电话", "政务", "微信", "小程序", "工单", "系统"]
            .iter()
            .any(|w| doc.starts_with(core_end, w))
            || ["拨打", "热线", "电话", "专线", "号码", "致电"].iter().any(|w| doc.ends_with(i, w));
        if named {
            cand.kind = skip(SkipReason::Hotline, "a hotline, platform or telephone number (12345, 12348)");
            return cand;
        }
    }

    // The value span: prefix qualifiers, tail (%, qualifiers, range, measure word).
    let mut start = i;
    if chinese || !matches!(prev, Some('-')) {
        if let Some(q) = PREFIX_QUALIFIERS.iter().find(|q| doc.ends_with(i, q)) {
            let qs = i - q.chars().count();
            let blocked =
                *q == "近" && qs > 0 && matches!(doc.norm[qs - 1], '最' | '附' | '就' | '临' | '邻' | '亲' | '贴' | '将' | '接' | '靠');
            if !blocked {
                start = qs;
            }
        }
        if doc.ends_with(start, "百分之") {
            start -= 3;
        }
    }
    let mut j = core_end;
    let mut percent = doc.ends_with(i, "百分之");
    let mut measure: Option<&'static str> = None;
    let mut ranged_to: Option<usize> = None;
    let mut qualified = start < i;
    // Some sites set every figure off by spaces (召开专题会议 5 次, 办理 1.3 万件, 240 余人次):
    // a number with a space on both sides reads its tail across one or two spaces.
    if !chinese && matches!(prev, Some(' ' | '\u{a0}')) {
        let mut k = j;
        while k < n && k < j + 2 && matches!(doc.norm[k], ' ' | '\u{a0}') {
            k += 1;
        }
        // The measure word must end the figure (5 次，): in a table row the next row's number
        // may stand before a word that merely starts with one (6　人民调解组织).
        let tail_at = |k: usize| {
            k < n
                && (doc.norm[k] == '%'
                    || measure_at(doc, k).is_some_and(|w| {
                        let e = k + w.chars().count();
                        e >= n || !is_cjk(doc.norm[e])
                    }))
        };
        if k > j && (tail_at(k) || (k + 1 < n && matches!(doc.norm[k], '万' | '千' | '亿' | '余' | '多') && tail_at(k + 1))) {
            j = k;
        }
    }
    if !chinese
        && j < n
        && matches!(doc.norm[j], '万' | '千' | '亿')
        && !MEASURE_WORDS.iter().any(|w| w.starts_with(doc.norm[j]) && doc.starts_with(j, w))
    {
        j += 1;
    }
    loop {
        if j >= n {
            break;
        }
        let c = doc.norm[j];
        if c == '%' && measure.is_none() {
            percent = true;
            j += 1;
            continue;
        }
        // 多 / 余 before a measure word, %, a break or non-Chinese text.
        if measure.is_none() && matches!(c, '多' | '余') {
            let k = if doc.starts_with(j, "有余") { j + 2 } else { j + 1 };
            let ok = k >= n || measure_at(doc, k).is_some() || doc.norm[k] == '%' || !is_cjk(doc.norm[k]);
            if ok && !qualified {
                j = k;
                qualified = true;
                continue;
            }
        }
        if doc.starts_with(j, "有余") && !qualified {
            j += 2;
            qualified = true;
            continue;
        }
        if let Some(q) = ["以上", "以下", "以内"].iter().find(|q| doc.starts_with(j, q)) {
            j += q.chars().count();
            qualified = true;
            continue;
        }
        if ["左右", "上下"].iter().any(|q| doc.starts_with(j, q)) {
            let k = j + 2;
            if k >= n || !is_cjk(doc.norm[k]) || doc.norm[k] == '的' {
                j = k;
                qualified = true;
                continue;
            }
        }
        if ranged_to.is_none()
            && measure.is_none()
            && let Some(end) = range_at(doc, j, chinese)
        {
            ranged_to = Some(end);
            j = end;
            continue;
        }
        if measure.is_none()
            && !percent
            && let Some(w) = measure_at(doc, j)
        {
            measure = Some(w);
            j += w.chars().count();
            continue;
        }
        break;
    }
    cand.start = start;
    cand.end = j;
    let next_after_span = doc.norm.get(j).copied();

    // Years, plan periods and durations.
    let after_core = ranged_to.unwrap_or(core_end);
    if doc.starts_with(after_core, "年") || (year_like && ranged_to.is_some()) {
        if year_like || cn_year {
            cand.end = after_core + usize::from(doc.starts_with(after_core, "年"));
            if ranged_to.is_some() {
                cand.kind = skip(SkipReason::PlanPeriod, "a span of years (2021—2025年), not a quantity");
            } else {
                let k = after_core + 1;
                let month = doc.norm.get(k).is_some_and(|c| c.is_ascii_digit() || is_cn_numeral(*c))
                    && doc.norm[k..].iter().find(|c| !(c.is_ascii_digit() || is_cn_numeral(**c))) == Some(&'月');
                cand.kind = if month {
                    skip(SkipReason::Date, "a date (year and month)")
                } else {
                    skip(SkipReason::Year, "a year, not a quantity")
                };
            }
            return cand;
        }
        cand.end = after_core + 1;
        cand.kind = skip(SkipReason::Period, "a length of time (3年), not a count");
        return cand;
    }
    if doc.starts_with(after_core, "周年")
        || doc.starts_with(after_core, "个月")
        || doc.starts_with(after_core, "个工作日")
        || doc.starts_with(after_core, "分钟")
    {
        cand.kind = skip(SkipReason::Period, "a length of time (6个月, 30分钟), not a count");
        return cand;
    }
    if measure.is_none() && !percent {
        if chinese {
            return cand; // 一些, 四棵树, 百姓: numeral characters inside words
        }
        if ranged_to.is_none() && (HOTLINES.contains(&core.as_str()) || (core.len() >= 7 && core.chars().all(|c| c.is_ascii_digit()))) {
            cand.kind = skip(SkipReason::Hotline, "a hotline, platform or telephone number (12345, 12348)");
            return cand;
        }
        if next_after_span.is_some_and(|c| c.is_ascii_alphabetic()) || prev.is_some_and(|c| c.is_ascii_alphabetic()) {
            return cand; // 5G, A4, COVID-19: part of a name or code
        }
        // 12.4宪法宣传周, 6.26国际禁毒日, 3.15: a month and day written as a decimal.
        if let Some((m, d)) = core.split_once('.')
            && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
            && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
        {
            let tail: String =
                doc.norm[core_end..(core_end + 10).min(n)].iter().take_while(|c| is_cjk(**c) || **c == '”' || **c == '"').collect();
            if ["日", "周", "节", "宣传月", "晚会", "期间", "前后"].iter().any(|w| tail.contains(w)) || matches!(prev, Some('“' | '"'))
            {
                cand.kind = skip(SkipReason::Date, "a month and day written as a decimal (12.4, 6.26), not a quantity");
                return cand;
            }
        }
        cand.kind = skip(SkipReason::NoMeasureWord, "a number without a measure word or % sign; its meaning cannot be told");
        return cand;
    }
    if chinese {
        let bare_unit = core.chars().count() == 1 && cn_unit(core.chars().next().unwrap_or('一'));
        if bare_unit && !qualified && (core != "十" || measure == Some("分")) {
            return cand; // 千家, 万户, 十分: words, not numbers
        }
        if next_after_span.is_some_and(is_cn_numeral) && measure.is_some() {
            cand.kind = skip(SkipReason::Slogan, "a set phrase (一村一…, 一人一档), not a quantity");
            return cand;
        }
        if core == "一"
            && measure == Some("起")
            && !next_after_span.is_some_and(|c| matches!(c, '案' | '纠' | '事' | '矛' | '诉' | '行' | '刑' | '治' | '安'))
        {
            return cand; // 一起: together
        }
    }
    if let Some(m) = measure
        && let Some(nc) = next_after_span
        && matches!(
            (m, nc),
            ("次", '性')
                | ("元", '化')
                | ("台", '账')
                | ("部", '分' | '门')
                | ("项", '目')
                | ("期", '间')
                | ("家", '庭' | '长')
                | ("人", '民' | '员')
        )
    {
        return cand;
    }
    let text: String = doc.norm[start..j].iter().collect();
    cand.kind = match parse_value(&text) {
        Ok(v) => Kind::Value(v),
        Err(e) => Kind::Skip(SkipReason::Unreadable, e.to_string()),
    };
    cand
}

/// Numbers in tables flattened into text take the unit of their row: `发放宣传资料 份 4800`,
/// `行政执法案件（件） 47`, `法律明白人（名）｜145`. A bare number whose row names its unit just
/// before it (a measure word standing alone, or in brackets after the label) becomes a value
/// with that measure word. A row with several numbers (one per year) is left alone: which column
/// is the report's year cannot be told from the row.
pub(crate) fn table_cells(doc: &Doc, candidates: &mut [Candidate]) {
    let is_sep = |c: char| matches!(c, ' ' | '\t' | '|' | '｜' | '│');
    for k in 0..candidates.len() {
        let c = &candidates[k];
        if c.chinese || !matches!(c.kind, Kind::Skip(SkipReason::NoMeasureWord, _)) {
            continue;
        }
        // The cell before the number, past separators.
        let mut j = c.start;
        while j > 0 && is_sep(doc.norm[j - 1]) {
            j -= 1;
        }
        if j == c.start || j == 0 {
            continue;
        }
        // The next cell after the number must not be another number of the same row.
        let mut e = c.end;
        while e < doc.len() && is_sep(doc.norm[e]) {
            e += 1;
        }
        if e < doc.len() && e > c.end && doc.norm[e].is_ascii_digit() && candidates.get(k + 1).is_some_and(|n| n.start == e) {
            // 1 开展普法活动 场次 26 2 发放…: the next number is a row index when a label follows it.
            let n = &candidates[k + 1];
            let after_index = doc.norm.get(n.end).copied();
            if !matches!(after_index, Some(' ' | '\t')) || doc.norm.get(n.end + 1).is_some_and(|c| c.is_ascii_digit()) {
                continue;
            }
        }
        let prev_char = doc.norm[j - 1];
        let unit: Option<(usize, &'static str)> = if matches!(prev_char, ')' | '）') {
            // 行政执法案件（件）: the unit in brackets after the label.
            let close = j - 1;
            let open = (close.saturating_sub(5)..close).rev().find(|&i| matches!(doc.norm[i], '(' | '（'));
            // The unit fills the brackets: 行政执法案件（件）, not 执法案件（人次统计）.
            open.and_then(|o| {
                measure_at(doc, o + 1)
                    .filter(|w| o + 1 + w.chars().count() == close || doc.norm.get(o + 1 + w.chars().count()) == Some(&'村'))
                    .map(|w| (o, w))
            })
        } else {
            // 发放宣传资料 份 4800: a measure word standing alone between separators.
            (1..=3).filter(|n| *n <= j).find_map(|n| {
                let s0 = j - n;
                let word: String = doc.norm[s0..j].iter().collect();
                let alone = s0 > 0 && is_sep(doc.norm[s0 - 1]);
                (alone && MEASURE_WORDS.contains(&word.as_str())).then(|| (s0, measure_at(doc, s0).unwrap_or("")))
            })
        };
        let Some((_, word)) = unit else { continue };
        if word.is_empty() {
            continue;
        }
        let text: String = doc.norm[c.start..c.end].iter().collect::<String>() + word;
        if let Ok(v) = parse_value(&text) {
            candidates[k].kind = Kind::Value(v);
        }
    }
}

/// A range separator at `j` followed by a number of the same kind; returns the end of the
/// second number.
fn range_at(doc: &Doc, j: usize, chinese: bool) -> Option<usize> {
    let sep = ["——", "—", "–", "-", "~", "〜", "至", "到"].iter().find(|s| doc.starts_with(j, s))?;
    let mut k = j + sep.chars().count();
    if doc.starts_with(k, "百分之") {
        k += 3;
    }
    let c = *doc.norm.get(k)?;
    let same = if chinese { is_cn_numeral(c) } else { c.is_ascii_digit() };
    if !same {
        return None;
    }
    let mut e = number_end(doc, k, chinese);
    if doc.norm.get(e) == Some(&'%') && !doc.starts_with(j, "%") {
        e += 1;
    }
    Some(e)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, String)> {
        let doc = Doc::new(text);
        scan(&doc)
            .into_iter()
            .map(|c| {
                let k = match &c.kind {
                    Kind::Value(_) => "value".to_string(),
                    Kind::Skip(r, _) => r.as_str().to_string(),
                    Kind::Silent => "silent".to_string(),
                };
                (doc.orig_str(c.start, c.end), k)
            })
            .collect()
    }

    #[test]
    fn forms() {
        let k = kinds("累计发放1060多份，约200人，95%以上，3—5人，40个课时，89.93分，一百零五次");
        let values: Vec<&str> = k.iter().filter(|(_, r)| r == "value").map(|(t, _)| t.as_str()).collect();
        assert_eq!(values, ["1060多份", "约200人", "95%以上", "3—5人", "40个课时", "89.93分", "一百零五次"]);
    }

    #[test]
    fn not_values() {
        let k = kinds(
            "2023年1月，“3·15”“5·1”，〔2023〕1号，2021—2025年，12345热线，一规划两纲要，二十大，一是，（二）三、XX次，××份，四棵树镇，一些，第一时间",
        );
        let reasons: Vec<&str> = k.iter().map(|(_, r)| r.as_str()).collect();
        assert!(!reasons.contains(&"value"), "{k:?}");
        for r in ["date", "document_number", "plan_period", "hotline", "slogan", "placeholder"] {
            assert!(reasons.contains(&r), "{r} missing in {k:?}");
        }
    }
}
