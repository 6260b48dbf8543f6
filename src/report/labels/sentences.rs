//! The reader's version of the English sentences the library writes into `reason`, `detail` and
//! `message` columns (and into warnings and skipped draws).
//!
//! Each sentence the library can generate is one row of [`SENTENCES`]: its English pattern, with
//! a `{hole}` for every part that varies, and a Chinese template using the same holes. A hole's
//! name says what it holds (trailing digits tell holes of one sort apart): `{code}` an indicator,
//! dimension or unit code, shown by its name; `{n}` a number as written; `{share}` a share in
//! [0, 1], shown as a percentage in Chinese; `{sub}` a nested sentence, itself looked up in the
//! table; and so on (see [`Hole`]). A hole name used twice in a pattern must capture the same
//! text both times.
//!
//! [`translate`] finds the first pattern the text fits (holes are matched by backtracking over
//! the literal text that follows them, and a capture must look like what its hole holds) and
//! fills the template of the language asked for. The English "template" is the pattern itself,
//! with codes replaced by names where the caller knows them.

use std::sync::LazyLock;

use super::{Lang, Term};

/// (English pattern, Chinese template). Order matters only where two patterns fit one text:
/// the first wins, so the more specific comes first.
pub(crate) const SENTENCES: &[(&str, &str)] = &[
    // Target gaps: `reason` (analytics/gaps.rs).
    ("no observation of {code} for {unit} in {year}", "{year}年{unit}没有“{code}”的数据"),
    ("target is zero or negative: achievement ratio undefined", "目标值为零或负数，无法计算完成率"),
    ("value is 0: T / x is unbounded, capped", "实际值为0，目标值÷实际值没有上限，完成率按封顶值计"),
    ("value is 0: T / x is unbounded; set a cap", "实际值为0，目标值÷实际值没有上限；未设封顶值，无法计算完成率"),
    ("lower end is zero or negative: ratio undefined", "目标区间下限为零或负数，无法计算完成率"),
    ("upper end is zero or negative: ratio undefined", "目标区间上限为零或负数，无法计算完成率"),
    ("unknown comparator", "比较方式无法识别"),
    // Year-on-year change: `reason` (analytics/change.rs, REASONS).
    ("no earlier observation", "此前年份没有数据，无法比较"),
    ("the previous observation is more than max_gap years earlier", "上一期数据相隔年份过久，不作比较"),
    ("previous value is 0: relative change undefined", "上期值为0，无法计算变化率"),
    ("previous value is 0: annual rate undefined", "上期值为0，无法计算年均变化率"),
    ("values of different sign or zero: annual rate undefined", "两期数值为零或符号不同，无法计算年均变化率"),
    ("yes/no indicator: relative change not meaningful", "“是/否”类指标，不计算变化率"),
    // Plan progress: `reason` (analytics/progress.rs).
    ("no observation in the baseline year {year}", "基期{year}年没有数据"),
    ("no observation in the baseline year", "基期年份没有数据"),
    ("no observation before the target year", "目标年份之前没有数据"),
    ("the baseline year {year} is not before the target year {year2}", "基期{year}年不早于目标年份{year2}年"),
    ("fewer than two observations between the baseline and the target year", "基期至目标年份之间不足两期数据"),
    ("fewer than two observations", "不足两期数据"),
    ("the target was met at the baseline and is met now: no pace to compare", "基期已达标，目前仍达标，无需比较进度"),
    ("the target was met at the baseline and is missed now", "基期已达标，目前未达标"),
    ("yes/no indicator: no growth rate", "“是/否”类指标，不计算增长率"),
    ("zero or negative values: annual growth rate undefined", "数值为零或负数，无法计算年均增长率"),
    // Data-quality diagnostics: `message` (analytics/diagnostics.rs).
    (
        "{code} = {n} exceeds {code2} = {n2}, so {code3} would be {n3}%; the counts may describe different groups",
        "“{code}”（{n}）大于“{code2}”（{n2}），“{code3}”将达到{n3}%；两项数量统计的可能不是同一范围",
    ),
    ("stated {code} = {n}% but its own counts give {n2} / {n3} = {n4}%", "填报的“{code}”为{n}%，但按相应数量计算为{n2}÷{n3}={n4}%"),
    (
        "{code} = {n} with no % sign: was {n2}% meant? A rate is written in percent (95 or 95%); if it really is {n}%, write {n}%",
        "“{code}”填报为{n}，没有百分号：是否应为{n2}%？比率按百分数填写（如95或95%）；如确为{n}%，请写作{n}%",
    ),
    ("{code} is reported as 100%; check that the claim is backed by counts", "“{code}”填报为100%，请核实是否有相应数量支撑"),
    ("{code} fell from {n} in {year} to 0", "“{code}”由{year}年的{n}降为0"),
    ("{code} changed ×{n} from {n2} in {year} to {n3}", "“{code}”由{year}年的{n2}变为{n3}（为原来的{n}倍）"),
    (
        "{int} of {int2} values are qualified (多/余/以上/约/ranges); imputed values: none (no imputation has run)",
        "{int2}个数值中有{int}个含限定值（多、余、以上、约或区间）；插补值：无（未进行插补）",
    ),
    ("rejected at validation ({text}, row {int}): {sub}", "数据校验未通过（{text}第{int}行）：{sub}"),
    // The rejections that diagnostics repeat (panel/mod.rs, read_value).
    ("{named} is a percentage; the value must lie in [0, 100]", "“{named}”是百分比，数值应在0至100之间"),
    ("{named} cannot be negative", "“{named}”不能为负数"),
    ("{named} counts {word} and must be a whole number", "“{named}”以{word}计数，必须为整数"),
    (
        "{quoted} is an unfilled template placeholder or a dash, not a value; fill in the number or leave the row out",
        "{quoted}是未填写的模板占位符或破折号，不是数值；请填写数字，或删去该行",
    ),
    // Scores: units not ranked, `detail` of the exclusions (scoring/mod.rs).
    ("no observation in {year}", "{year}年没有数据"),
    (
        "dimension weight present {share} < {share2} ({int} of {int2} dimensions have a score; a dimension needs {share3} of its indicator weight){sub}",
        "有得分的维度权重占{share}，低于要求的{share2}（{int2}个维度中有{int}个有得分；每个维度需有至少{share3}的指标权重有数据）{sub}",
    ),
    ("", ""),
    ("; missing: {codes} and {int} more", "；缺少：{codes}等，另有{int}项"),
    ("; missing: {codes}", "；缺少：{codes}"),
    (
        "only {int} unit is ranked {sub} (fewer than {int2}): min-max over two units gives 0 and 100 whatever the gap, and a ranking of one unit means nothing; compare these scores with care",
        "{sub}只有{int}个单位参与排名（少于{int2}个）：只有两个单位时，最小–最大值法无论差距大小都给出0分和100分，一个单位的排名则没有意义；请谨慎比较这些得分",
    ),
    (
        "only {int} units are ranked {sub} (fewer than {int2}): min-max over two units gives 0 and 100 whatever the gap, and a ranking of one unit means nothing; compare these scores with care",
        "{sub}只有{int}个单位参与排名（少于{int2}个）：只有两个单位时，最小–最大值法无论差距大小都给出0分和100分，一个单位的排名则没有意义；请谨慎比较这些得分",
    ),
    ("in {year}", "{year}年"),
    ("in {text} in {year}", "{year}年{text}"),
    // Scores: cells and indicators left out, `detail` of the exclusions (scoring/engine).
    (
        "{code} is scored per {per} and {sub}: it is left out of the score; give a unit table with a {attr} column (units=...), or pass denominate=False to score the reported numbers",
        "“{code}”需按{per}折算，但{sub}，因此未计入得分；请在单位表中补充“{attr}”一列，或改为按填报数计分",
    ),
    ("no unit table was given", "未提供单位表"),
    ("no unit that reports it has {attr} in the unit table", "单位表中填报该指标的单位都没有“{attr}”数据"),
    (
        "{code} is scored per {per}, and the unit's {attr} is {amount} (years {years}); add it to the unit table or pass denominate=False",
        "“{code}”需按{per}折算，而该单位的“{attr}”{amount}（{years}年）；请在单位表中补充，或改为按填报数计分",
    ),
    ("{code} is scored as a percentage of {code2}, which is {amount} here", "“{code}”按占“{code2}”的百分比计分，而此处“{code2}”{amount}"),
    ("{code} is an {kind} indicator; kinds = {kinds}", "“{code}”属于{kind}，本次只计{kinds}"),
    ("{code} has weight 0", "“{code}”的权重为0"),
    ("dimension {code} has weight 0", "维度“{code}”的权重为0"),
    ("its dimension {code} has weight 0", "所属维度“{code}”的权重为0"),
    ("no indicator of dimension {code} is scored (kinds or weights)", "维度“{code}”没有计分的指标（受指标类型或权重设置影响）"),
    (
        "{int} of {int2} observed values of {code} have no target with a defined achievement ratio; they are not scored",
        "“{code}”的{int2}个观测值中有{int}个没有可计算完成率的目标，不计分",
    ),
    (
        "every unit has {code} = {n}: no information, left out and weights renormalised",
        "所有单位的“{code}”都是{n}，没有区分度，不计分，其权重分给其余指标",
    ),
    ("the goalposts of {code} are equal ({n}): no information", "“{code}”的最差值与最佳值相同（{n}），没有区分度"),
    ("{code} has no spread here (sd 0): no information", "“{code}”在此没有差异（标准差为0），没有区分度"),
    ("{code} takes one value here: no information", "“{code}”在此只有一个取值，没有区分度"),
    // Scores: warnings (scoring/mod.rs, Scores::warnings).
    (
        "{int} indicator is left out of the score because a unit attribute (villages, residents) is missing: {codes}; give a unit table with those columns (units=...) or pass denominate=False (see .excluded, reason no_denominator)",
        "{int}项指标因缺少单位基础数据（行政村数、常住人口）未计入得分：{codes}；请提供含这些列的单位表，或改为按填报数计分",
    ),
    (
        "{int} indicators are left out of the score because a unit attribute (villages, residents) is missing: {codes}; give a unit table with those columns (units=...) or pass denominate=False (see .excluded, reason no_denominator)",
        "{int}项指标因缺少单位基础数据（行政村数、常住人口）未计入得分：{codes}；请提供含这些列的单位表，或改为按填报数计分",
    ),
    ("{sub} (see .excluded, reason few_units)", "{sub}（见“未纳入计算的内容及原因”）"),
    // Uncertainty: skipped draws (uncertainty/mod.rs, the error of a draw).
    ("scoring error: {sub}", "计分出错：{sub}"),
    ("geometric aggregation needs every score > 0", "几何平均要求所有得分都大于0"),
    (
        "geometric aggregation needs every score > 0, but unit {unit} in {year} has a score of 0 on {subject}; min-max and rank normalisation give the lowest unit 0, so use aggregate=\"arithmetic\" or \"minimum\", or goalposts whose worst value lies below every unit",
        "几何平均要求所有得分都大于0，但{year}年{unit}在{subject}上得0分；最小–最大值法和排名法会给排在最后的单位0分，请改用算术平均或取最低分，或使用最差值低于所有单位的阈值",
    ),
];

/// What a hole holds, by its name without trailing digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hole {
    /// An indicator or dimension code (no spaces), shown by its name.
    Code,
    /// Codes separated by ", ", shown by their names.
    Codes,
    /// A unit code, shown by its name.
    Unit,
    /// "CODE (中文名)", shown as the name.
    Named,
    /// A number as written.
    Number,
    /// A share in [0, 1], a percentage in Chinese.
    Share,
    /// A four-digit year.
    Year,
    /// A whole number.
    Int,
    /// Years separated by ", ".
    Years,
    /// Any text, as written (a file name, a county).
    Text,
    /// A quoted value as Rust's `{:?}` writes it.
    Quoted,
    /// A nested sentence (possibly empty), itself looked up.
    Sub,
    /// A unit attribute (villages, residents).
    Attr,
    /// "N attribute", as in "per 10000 residents".
    Per,
    /// An indicator kind (output, outcome).
    Kind,
    /// A list of kinds as `{:?}` writes it: "[Output, Outcome]".
    Kinds,
    /// A number, or the word "missing".
    Amount,
    /// A measure word (份, 件, or "items").
    Word,
    /// An indicator code, or "dimension CODE".
    Subject,
}

impl Hole {
    pub(crate) fn of_name(name: &str) -> Option<Hole> {
        Some(match name.trim_end_matches(|c: char| c.is_ascii_digit()) {
            "code" => Hole::Code,
            "codes" => Hole::Codes,
            "unit" => Hole::Unit,
            "named" => Hole::Named,
            "n" => Hole::Number,
            "share" => Hole::Share,
            "year" => Hole::Year,
            "int" => Hole::Int,
            "years" => Hole::Years,
            "text" => Hole::Text,
            "quoted" => Hole::Quoted,
            "sub" => Hole::Sub,
            "attr" => Hole::Attr,
            "per" => Hole::Per,
            "kind" => Hole::Kind,
            "kinds" => Hole::Kinds,
            "amount" => Hole::Amount,
            "word" => Hole::Word,
            "subject" => Hole::Subject,
            _ => return None,
        })
    }

    /// True when `text` looks like what this hole holds.
    fn accepts(self, text: &str) -> bool {
        let code = |t: &str| !t.is_empty() && !t.contains(char::is_whitespace);
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        match self {
            Hole::Code | Hole::Attr | Hole::Kind => code(text),
            Hole::Codes => text.split(", ").all(code),
            Hole::Unit | Hole::Text | Hole::Word | Hole::Subject => !text.is_empty(),
            Hole::Named => text.ends_with(')') && text.contains(" ("),
            Hole::Number => number(text),
            Hole::Share => text.parse::<f64>().is_ok(),
            Hole::Year => text.len() == 4 && digits(text),
            Hole::Int => digits(text),
            Hole::Years => text.split(", ").all(digits),
            Hole::Quoted => text.len() >= 2 && text.starts_with('"') && text.ends_with('"'),
            Hole::Sub => true,
            Hole::Per => text.split_once(' ').is_some_and(|(n, attr)| number(n) && code(attr)),
            Hole::Kinds => text.starts_with('[') && text.ends_with(']'),
            Hole::Amount => text == "missing" || number(text),
        }
    }
}

/// A number as the library formats one (`12`, `0.95`, `-3`, `1e20`, `NaN`).
fn number(text: &str) -> bool {
    matches!(text, "NaN" | "inf" | "-inf")
        || (text.bytes().any(|b| b.is_ascii_digit()) && text.bytes().all(|b| b.is_ascii_digit() || b"+-.e".contains(&b)))
}

/// A piece of a pattern or template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(&'static str),
    Hole(&'static str, Hole),
}

/// Splits a pattern or template at its `{holes}`; `None` when a hole has an unknown name or a
/// brace is not closed.
pub(crate) fn pieces(template: &'static str) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        let close = rest[open..].find('}')? + open;
        let name = &rest[open + 1..close];
        out.push(Piece::Hole(name, Hole::of_name(name)?));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Some(out)
}

/// A row of [`SENTENCES`], split into pieces.
struct Template {
    pattern: Vec<Piece>,
    zh: Vec<Piece>,
}

static TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(|| {
    // A row that does not parse (tested never to happen) keeps its place and fits nothing.
    SENTENCES
        .iter()
        .map(|(en, zh)| match (pieces(en), pieces(zh)) {
            (Some(pattern), Some(zh)) => Template { pattern, zh },
            _ => Template { pattern: vec![Piece::Hole("unparsed", Hole::Sub), Piece::Hole("unparsed", Hole::Sub)], zh: Vec::new() },
        })
        .collect()
});

/// Matches `pieces` against all of `text`, pushing (hole name, capture) pairs on `caps`.
fn fit<'t>(pieces: &[Piece], text: &'t str, caps: &mut Vec<(&'static str, &'t str)>) -> bool {
    let Some((first, rest)) = pieces.split_first() else { return text.is_empty() };
    match first {
        Piece::Text(lit) => text.strip_prefix(lit).is_some_and(|t| fit(rest, t, caps)),
        Piece::Hole(name, hole) => {
            let ends: Vec<usize> = match rest.first() {
                None => vec![text.len()],
                Some(Piece::Text(lit)) => text.match_indices(lit).map(|(i, _)| i).collect(),
                // Two holes side by side cannot be told apart; the table has none (tested).
                Some(Piece::Hole(..)) => return false,
            };
            for end in ends {
                let capture = &text[..end];
                if !hole.accepts(capture) {
                    continue;
                }
                if let Some((_, before)) = caps.iter().find(|(n, _)| n == name)
                    && *before != capture
                {
                    continue;
                }
                caps.push((name, capture));
                if fit(rest, &text[end..], caps) {
                    return true;
                }
                caps.pop();
            }
            false
        }
    }
}

/// The sentence in `lang`, and whether every nested sentence was recognised too; `None` when no
/// pattern fits `text`.
pub(crate) fn translate(lang: Lang, text: &str, names: &dyn Fn(&str) -> Option<String>) -> Option<(String, bool)> {
    run(lang, text, names, &mut Vec::new())
}

/// The rows of [`SENTENCES`] that `text` and its nested sentences fit, outermost first.
#[cfg(test)]
pub(crate) fn rows_used(text: &str) -> Vec<usize> {
    let mut used = Vec::new();
    run(Lang::Zh, text, &|_| None, &mut used);
    used
}

/// [`translate`], recording on `used` the row of every pattern that fits.
fn run(lang: Lang, text: &str, names: &dyn Fn(&str) -> Option<String>, used: &mut Vec<usize>) -> Option<(String, bool)> {
    for (row, t) in TEMPLATES.iter().enumerate() {
        let mut caps = Vec::new();
        if !fit(&t.pattern, text, &mut caps) {
            continue;
        }
        used.push(row);
        let output = match lang {
            Lang::Zh => &t.zh,
            Lang::En => &t.pattern,
        };
        let mut out = String::with_capacity(text.len());
        let mut complete = true;
        for piece in output {
            match piece {
                Piece::Text(lit) => out.push_str(lit),
                Piece::Hole(name, hole) => {
                    let capture = caps.iter().find(|(n, _)| n == name).map_or("", |c| c.1);
                    let (shown, whole) = fill(lang, *hole, capture, names, used);
                    // A name in quotes that has quotes of its own (“法宣在线”参考率) takes the
                    // inner pair: ‘法宣在线’.
                    if lang == Lang::Zh && out.ends_with('“') {
                        out.push_str(&shown.replace('“', "‘").replace('”', "’"));
                    } else {
                        out.push_str(&shown);
                    }
                    complete &= whole;
                }
            }
        }
        return Some((out, complete));
    }
    None
}

/// A capture as the reader sees it, and whether it was recognised (only nested sentences can
/// fail to be).
fn fill(lang: Lang, hole: Hole, text: &str, names: &dyn Fn(&str) -> Option<String>, used: &mut Vec<usize>) -> (String, bool) {
    let named = |code: &str| names(code).unwrap_or_else(|| code.to_string());
    let list = |sep: &str| text.split(", ").map(named).collect::<Vec<_>>().join(sep);
    let zh = lang == Lang::Zh;
    let shown = match hole {
        Hole::Sub => {
            return match run(lang, text, names, used) {
                Some(done) => done,
                None => (text.to_string(), false),
            };
        }
        Hole::Code | Hole::Unit => named(text),
        Hole::Codes => list(if zh { "、" } else { ", " }),
        Hole::Subject => match text.strip_prefix("dimension ") {
            Some(code) if zh => format!("维度“{}”", named(code)),
            Some(code) => format!("dimension {}", named(code)),
            None if zh => format!("“{}”", named(text)),
            None => named(text),
        },
        _ if !zh => text.to_string(),
        Hole::Named => {
            let (code, name) = text.split_once(" (").unwrap_or((text, ""));
            names(code).unwrap_or_else(|| name.strip_suffix(')').unwrap_or(name).to_string())
        }
        Hole::Share => text.parse::<f64>().map_or_else(|_| text.to_string(), percent),
        Hole::Years => text.replace(", ", "、"),
        Hole::Quoted => {
            let inner = &text[1..text.len() - 1];
            format!("“{}”", inner.replace("\\\"", "\"").replace("\\\\", "\\"))
        }
        Hole::Attr => lang.term(Term::Attribute, text),
        Hole::Kind => lang.term(Term::Kind, text),
        Hole::Kinds => text
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(", ")
            .map(|k| lang.term(Term::Kind, &k.to_lowercase()))
            .collect::<Vec<_>>()
            .join("、"),
        Hole::Per => {
            let (n, attr) = text.split_once(' ').unwrap_or(("", text));
            match (n, attr) {
                ("10000", "residents") => "每万名常住人口".to_string(),
                ("1", "villages") => "每个行政村（社区）".to_string(),
                ("1", other) => format!("每个单位的{}", lang.term(Term::Attribute, other)),
                (n, other) => format!("每{n}{}", lang.term(Term::Attribute, other)),
            }
        }
        Hole::Amount if text == "missing" => "缺失".to_string(),
        Hole::Amount => format!("为{text}"),
        Hole::Word if text == "items" => "个".to_string(),
        Hole::Word => format!("“{text}”"),
        Hole::Number | Hole::Year | Hole::Int | Hole::Text => text.to_string(),
    };
    (shown, true)
}

/// A share as a percentage with at most one decimal: 0.6667 → 66.7%, 0.8 → 80%.
pub(super) fn percent(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}
