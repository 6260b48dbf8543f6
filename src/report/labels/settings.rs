//! The reader's name and value of each scoring setting ([`Scores::settings`](crate::scoring::Scores::settings)).

use super::sentences::percent;
use super::{Lang, Term};

/// The keys of `Scores::settings()` in the order a methodology sheet lists them, with their
/// (Chinese, English) names.
pub const SETTING_NAMES: &[(&str, &str, &str)] = &[
    ("years", "计分年份", "Years scored"),
    ("units", "参评单位数", "Units"),
    ("indicators", "计分指标数", "Indicators scored"),
    ("dimensions", "维度数", "Dimensions"),
    ("normalise", "标准化方法", "Normalisation"),
    ("scope", "比较范围", "Compared within"),
    ("aggregate", "汇总方法", "Aggregation"),
    ("weights", "权重设置", "Weights"),
    ("kinds", "计分指标类型", "Indicator kinds scored"),
    ("min_coverage", "最低数据覆盖要求", "Minimum coverage"),
    ("impute", "缺失值处理", "Missing values"),
    ("winsorise", "极端值缩尾", "Winsorising"),
    ("denominate", "按基数折算（每万人、每村）", "Per-resident and per-village rates"),
    ("targets", "计划目标", "Plan targets"),
    ("catalogue_version", "指标目录版本", "Catalogue version"),
    ("catalogue_origin", "指标目录来源", "Catalogue source"),
    ("fazhi_version", "软件版本（fazhi）", "fazhi version"),
];

/// The setting's name and its value as a reader reads it. Codes in the value (indicator and
/// dimension codes of `weights`) are shown by `names` where it knows them.
pub(crate) fn setting(lang: Lang, key: &str, value: &str, names: &dyn Fn(&str) -> Option<String>) -> (String, String) {
    let zh = lang == Lang::Zh;
    let name = SETTING_NAMES.iter().find(|(k, _, _)| *k == key).map_or(key, |(_, z, e)| if zh { z } else { e });
    let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    let sep = if zh { "、" } else { ", " };
    let shown = match key {
        "normalise" => lang.term(Term::Normalise, value),
        "scope" => lang.term(Term::ScoreScope, value),
        "impute" => lang.term(Term::Impute, value),
        "aggregate" => match value.split_once(',') {
            Some((a, b)) => {
                let (a, b) = (lang.term(Term::Aggregate, a), lang.term(Term::Aggregate, b));
                if zh {
                    format!("指标→维度：{a}；维度→综合得分：{b}")
                } else {
                    format!("indicators → dimensions: {a}; dimensions → composite: {b}")
                }
            }
            None => lang.term(Term::Aggregate, value),
        },
        "min_coverage" => match pair(value) {
            Some((a, b)) => {
                let (a, b) = (percent(a), percent(b));
                if zh {
                    format!("维度内有数据的指标权重≥{a}；综合得分需有得分的维度权重≥{b}")
                } else {
                    format!("{a} of a dimension's indicator weight; {b} of the dimension weight for the composite")
                }
            }
            None => value.to_string(),
        },
        "winsorise" => match pair(value) {
            Some((a, b)) => {
                if zh {
                    format!("按{}和{}分位数缩尾", percent(a), percent(b))
                } else {
                    format!("clipped at the {} and {} quantiles", percent(a), percent(b))
                }
            }
            None if value == "none" => pick("不缩尾", "none"),
            None => value.to_string(),
        },
        "kinds" if value == "all" => pick("全部指标", "all"),
        "kinds" => value.split(',').map(|k| lang.term(Term::Kind, k)).collect::<Vec<_>>().join(sep),
        "years" => years(lang, value),
        "weights" => weights(lang, value, names),
        "targets" if value == "none" => pick("无", "none"),
        "targets" => match value.strip_suffix(" targets") {
            Some(n) if zh => format!("{n}项"),
            _ => value.to_string(),
        },
        "units" if zh => format!("{value}个"),
        "indicators" if zh => format!("{value}项"),
        "dimensions" if zh => format!("{value}个"),
        "catalogue_origin" if value == "<bundled>" => pick("内置指标目录", "built-in catalogue"),
        _ => readable(lang, value, names),
    };
    (name.to_string(), shown)
}

/// "0.05,0.95" as two numbers.
fn pair(value: &str) -> Option<(f64, f64)> {
    let (a, b) = value.split_once(',')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// "2020,2021,2022,2024" as "2020–2022、2024年" (runs of consecutive years joined).
fn years(lang: Lang, value: &str) -> String {
    let mut ys: Vec<i32> = Vec::new();
    for y in value.split(',').filter(|y| !y.is_empty()) {
        match y.trim().parse() {
            Ok(y) => ys.push(y),
            Err(_) => return value.to_string(),
        }
    }
    if ys.is_empty() {
        return if lang == Lang::Zh { "无".into() } else { "none".into() };
    }
    ys.sort_unstable();
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for y in ys {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == y => run.1 = y,
            _ => runs.push((y, y)),
        }
    }
    let text: Vec<String> = runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect();
    match lang {
        Lang::Zh => format!("{}年", text.join("、")),
        Lang::En => text.join(", "),
    }
}

/// The `weights` JSON ({"indicators": {...}, "dimensions": {...}}) as a sentence; the
/// catalogue's own weights when nothing is set.
fn weights(lang: Lang, value: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
    let zh = lang == Lang::Zh;
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(value) else {
        return readable(lang, value, names);
    };
    let mut parts = Vec::new();
    for (key, zh_name, en_name) in [("indicators", "指标", "indicators"), ("dimensions", "维度", "dimensions")] {
        let Some(serde_json::Value::Object(set)) = map.get(key) else { continue };
        if set.is_empty() {
            continue;
        }
        let items: Vec<String> =
            set.iter().map(|(code, w)| format!("{} {}", names(code).unwrap_or_else(|| code.clone()), json_text(lang, w, names))).collect();
        parts.push(if zh { format!("{zh_name}：{}", items.join("、")) } else { format!("{en_name}: {}", items.join(", ")) });
    }
    match (parts.is_empty(), zh) {
        (true, true) => "按指标目录的默认权重".into(),
        (true, false) => "the catalogue's weights".into(),
        (false, true) => format!("{}；其余按指标目录的默认权重", parts.join("；")),
        (false, false) => format!("{}; the rest as in the catalogue", parts.join("; ")),
    }
}

/// Any other value: booleans as 是/否, JSON lists and objects as text, the rest as written.
fn readable(lang: Lang, value: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
    match value {
        "true" => return if lang == Lang::Zh { "是".into() } else { "yes".into() },
        "false" => return if lang == Lang::Zh { "否".into() } else { "no".into() },
        _ => {}
    }
    if value.starts_with(['{', '['])
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(value)
    {
        return json_text(lang, &json, names);
    }
    value.to_string()
}

/// A JSON value as text: lists joined, objects as "key value" pairs, numbers plainly.
fn json_text(lang: Lang, value: &serde_json::Value, names: &dyn Fn(&str) -> Option<String>) -> String {
    use serde_json::Value;
    let zh = lang == Lang::Zh;
    match value {
        Value::Null => if zh { "无" } else { "none" }.into(),
        Value::Bool(b) => match (b, zh) {
            (true, true) => "是".into(),
            (false, true) => "否".into(),
            (true, false) => "yes".into(),
            (false, false) => "no".into(),
        },
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), crate::io::format_number),
        Value::String(s) => names(s).unwrap_or_else(|| s.clone()),
        Value::Array(items) => {
            if items.is_empty() {
                return if zh { "无" } else { "none" }.into();
            }
            items.iter().map(|v| json_text(lang, v, names)).collect::<Vec<_>>().join(if zh { "、" } else { ", " })
        }
        Value::Object(map) => {
            if map.is_empty() {
                return if zh { "无" } else { "none" }.into();
            }
            map.iter()
                .map(|(k, v)| format!("{} {}", names(k).unwrap_or_else(|| k.clone()), json_text(lang, v, names)))
                .collect::<Vec<_>>()
                .join(if zh { "；" } else { "; " })
        }
    }
}
