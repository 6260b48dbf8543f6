//! Targets as planners write them: one cell gives the comparator and the value ("不少于1500份",
//! "3件以下", "≥95%", "3—5人", "是"), and a header such as "2025年目标" gives the year.

use crate::model::value::normalize;
use crate::model::{Comparator, Indicator, Measure, Qualifier, parse_boolean, parse_value};

/// What one target cell says. `comparator` is `None` when the cell names none ("5人", "8"): the
/// caller then takes the comparator column or the indicator's default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WrittenTarget {
    pub comparator: Option<Comparator>,
    pub value: f64,
    pub value_hi: Option<f64>,
}

/// Words before the number that say the target is met at the value or above / below it. Longer
/// spellings first, so `>=` is not read as `>` and `==` not as `=`.
const PREFIXES: &[(&str, Comparator)] = &[
    (">=", Comparator::AtLeast),
    ("≥", Comparator::AtLeast),
    ("≧", Comparator::AtLeast),
    ("不少于", Comparator::AtLeast),
    ("不低于", Comparator::AtLeast),
    ("不小于", Comparator::AtLeast),
    ("至少", Comparator::AtLeast),
    ("达到", Comparator::AtLeast),
    ("<=", Comparator::AtMost),
    ("≤", Comparator::AtMost),
    ("≦", Comparator::AtMost),
    ("不超过", Comparator::AtMost),
    ("不高于", Comparator::AtMost),
    ("不大于", Comparator::AtMost),
    ("不多于", Comparator::AtMost),
    ("至多", Comparator::AtMost),
    ("最多", Comparator::AtMost),
    ("控制在", Comparator::AtMost),
    ("==", Comparator::Exactly),
    ("=", Comparator::Exactly),
    ("等于", Comparator::Exactly),
];

/// Words after the number (and its measure word). 以上/以下 include the number itself, as in
/// Chinese legal usage (所称以上、以下，包括本数).
const SUFFIXES: &[(&str, Comparator)] = &[
    ("及以上", Comparator::AtLeast),
    ("以上", Comparator::AtLeast),
    ("及以下", Comparator::AtMost),
    ("以下", Comparator::AtMost),
    ("以内", Comparator::AtMost),
];

const STRICT: &str =
    "a target is met at its value: write 不少于N, N以上 or ≥N for a floor, 不超过N, N以下 or ≤N for a ceiling, or N—M for a band";

/// Reads one target cell for `ind`. The message of an error says what was wrong and what to write.
pub(crate) fn parse_written_target(text: &str, ind: &Indicator) -> Result<WrittenTarget, String> {
    let normalized = normalize(text);
    if ind.measure == Measure::Boolean {
        // 是/否 on a yes/no indicator; its comparator is left to the column or the default
        // (exactly), so an old file's `at_least, 1` still reads.
        return match parse_boolean(&normalized) {
            Some(b) => Ok(WrittenTarget { comparator: None, value: f64::from(u8::from(b)), value_hi: None }),
            None => Err(format!("{text:?} is not a yes/no target; {} is yes/no: write 是 or 否 (1 or 0)", ind.code)),
        };
    }
    let mut rest = normalized.as_str();
    let mut prefix = None;
    if let Some((word, cmp)) = PREFIXES.iter().find(|(w, _)| rest.starts_with(w)) {
        prefix = Some(*cmp);
        rest = &rest[word.len()..];
    } else if rest.starts_with('>') || rest.starts_with('<') {
        return Err(format!("{text:?} is a strict bound; {STRICT}"));
    }
    let mut suffix = None;
    if let Some((word, cmp)) = SUFFIXES.iter().find(|(w, _)| rest.ends_with(w)) {
        suffix = Some(*cmp);
        rest = &rest[..rest.len() - word.len()];
    }
    let comparator = match (prefix, suffix) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!("{text:?} says both {} and {}; keep one", a.as_str(), b.as_str()));
        }
        (a, b) => a.or(b),
    };
    let parsed = parse_value(rest).map_err(|e| match e {
        crate::Error::ValueParse { message, .. } => format!("{text:?} is not a plain number: {message}"),
        other => format!("{text:?} is not a plain number: {other}"),
    })?;
    if parsed.percent && ind.measure != Measure::Percent {
        return Err(format!(
            "{text:?} is a percentage, but {} is measured as {}; write the number without %",
            ind.code,
            ind.measure.as_str()
        ));
    }
    let interval = parsed.interval;
    match interval.qualifier {
        Qualifier::Exact => Ok(WrittenTarget { comparator, value: interval.point, value_hi: None }),
        Qualifier::Range => match (comparator, interval.lo, interval.hi) {
            (None | Some(Comparator::Between), Some(lo), Some(hi)) => {
                Ok(WrittenTarget { comparator: Some(Comparator::Between), value: lo, value_hi: Some(hi) })
            }
            _ => Err(format!("{text:?} is a band and a bound at once; write either 3—5 or 不少于3")),
        },
        _ => Err(format!("{text:?} is not a target value (多/余/超过/不足/约 leave it open or vague); {STRICT}")),
    }
}

/// The comparator a target without one gets: a floor when higher is better, a ceiling when
/// lower is better, `exactly` for a yes/no indicator.
pub(crate) fn default_comparator(ind: &Indicator) -> Comparator {
    match (ind.measure, ind.polarity) {
        (Measure::Boolean, _) => Comparator::Exactly,
        (_, crate::model::Polarity::Higher) => Comparator::AtLeast,
        (_, crate::model::Polarity::Lower) => Comparator::AtMost,
    }
}

/// A header carrying a target year: "2025年目标", "2025年度目标值", "目标值（2025年）",
/// "发放法治宣传资料份数（2025年目标）", "PUB_MATERIALS 2025年目标". Returns the year and what is
/// left of the header (empty, or the indicator), or `None` when the header names no target year.
pub(crate) fn split_target_year(header: &str) -> Option<(i32, String)> {
    let h: Vec<char> = normalize(header).chars().collect();
    let goal: Vec<char> = "目标".chars().collect();
    let at = (0..h.len().saturating_sub(1)).find(|&k| h[k..].starts_with(&goal))?;
    let digits_at = |k: usize| -> Option<i32> {
        let s: String = h.get(k..k + 4)?.iter().collect();
        if s.chars().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
    };
    let mut end = at + 2;
    if h.get(end) == Some(&'值') {
        end += 1;
    }
    // Year before: 2025年目标, 2025年度目标, 2025目标.
    let mut before = at;
    if before >= 1 && h[before - 1] == '度' && before >= 2 && h[before - 2] == '年' {
        before -= 2;
    } else if before >= 1 && h[before - 1] == '年' {
        before -= 1;
    }
    let (year, start, stop) = if let Some(y) = before.checked_sub(4).and_then(|s| digits_at(s).map(|y| (y, s))) {
        (y.0, y.1, end)
    } else {
        // Year after: 目标值（2025年）, 目标2025.
        let mut k = end;
        if matches!(h.get(k), Some('(' | '[' | '【' | '〔')) {
            k += 1;
        }
        let y = digits_at(k)?;
        k += 4;
        if h.get(k) == Some(&'年') {
            k += 1;
            if h.get(k) == Some(&'度') {
                k += 1;
            }
        }
        if matches!(h.get(k), Some(')' | ']' | '】' | '〕')) {
            k += 1;
        }
        (y, at, k)
    };
    if !(1949..=2100).contains(&year) {
        return None;
    }
    let rest: String = h[..start].iter().chain(h[stop..].iter()).collect();
    let trim = |c: char| matches!(c, '(' | ')' | '[' | ']' | '【' | '】' | '〔' | '〕' | '-' | '—' | '_' | ':' | '：' | '/' | '|' | ' ');
    let rest = rest.trim_matches(trim).replace("()", "");
    Some((year, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Catalogue;

    fn read(text: &str, code: &str) -> Result<WrittenTarget, String> {
        let c = Catalogue::default_catalogue();
        parse_written_target(text, c.indicator(code).expect("indicator in the bundled catalogue"))
    }

    fn ok(cmp: Option<Comparator>, value: f64, value_hi: Option<f64>) -> Result<WrittenTarget, String> {
        Ok(WrittenTarget { comparator: cmp, value, value_hi })
    }

    #[test]
    fn floors_ceilings_bands_and_yes_no_as_written() {
        use Comparator::*;
        for t in ["不少于1500份", "1500份以上", "≥1500", ">=1500", "＞＝1500", "1500份及以上"] {
            assert_eq!(read(t, "PUB_MATERIALS"), ok(Some(AtLeast), 1500.0, None), "{t}");
        }
        for t in ["不超过3件", "≤3", "3件以下", "<=3", "控制在3件以内"] {
            assert_eq!(read(t, "DISP_PETITIONS_BEYOND_LEVEL"), ok(Some(AtMost), 3.0, None), "{t}");
        }
        assert_eq!(read("95%以上", "CAP_ONLINE_EXAM_PASS_RATE"), ok(Some(AtLeast), 95.0, None));
        assert_eq!(read("5人", "ENF_CERTIFIED"), ok(None, 5.0, None));
        assert_eq!(read("8", "DISP_PETITIONS_BEYOND_LEVEL"), ok(None, 8.0, None));
        assert_eq!(read("3—5人", "ENF_CERTIFIED"), ok(Some(Between), 3.0, Some(5.0)));
        assert_eq!(read("是", "DUTY_LEGAL_ADVISER"), ok(None, 1.0, None));
        assert_eq!(read("否", "DUTY_LEGAL_ADVISER"), ok(None, 0.0, None));
        assert_eq!(read("0", "DUTY_LEGAL_ADVISER"), ok(None, 0.0, None));
    }

    #[test]
    fn strict_vague_and_mismatched_targets_are_refused() {
        for t in [">1500", "超过1500", "1500多份", "约1500", "不少于1500以下", "95%", "不少于3—5", "很多"] {
            assert!(read(t, "PUB_MATERIALS").is_err(), "{t}");
        }
        assert!(read("也许", "DUTY_LEGAL_ADVISER").is_err_and(|m| m.contains("是 or 否")));
    }

    #[test]
    fn target_years_in_headers() {
        assert_eq!(split_target_year("2025年目标"), Some((2025, String::new())));
        assert_eq!(split_target_year("2025年度目标值"), Some((2025, String::new())));
        assert_eq!(split_target_year("目标值（2025年）"), Some((2025, String::new())));
        assert_eq!(split_target_year("发放法治宣传资料份数（2025年目标）"), Some((2025, "发放法治宣传资料份数".to_string())));
        assert_eq!(split_target_year("PUB_MATERIALS 2025年目标"), Some((2025, "PUB_MATERIALS".to_string())));
        assert_eq!(split_target_year("目标"), None);
        assert_eq!(split_target_year("target"), None);
        assert_eq!(split_target_year("PUB_MATERIALS"), None);
    }
}
