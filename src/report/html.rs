//! The HTML scorecard: one self-contained page from the view-model through a minijinja template
//! (`templates/scorecard.html`), with the CSS inline and every chart as inline SVG, so that it
//! opens on a machine with no network and prints on A4 (the ranking on one page, then one page
//! per township). Every value from the data is escaped by the template engine.

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};

use super::Lang;
use super::model::{Model, RankInterval, fmt};
use crate::error::{Error, Result};

const TEMPLATE: &str = include_str!("templates/scorecard.html");
const CSS: &str = include_str!("templates/scorecard.css");
/// Rows of the data-quality tables shown on the page (the workbook has them all).
const LIMIT: usize = 200;

/// A 0–100 bar with the median as a tick.
fn bar(score: Option<f64>, median: Option<f64>) -> Value {
    const W: f64 = 220.0;
    let clamp = |x: f64| W * x.clamp(0.0, 100.0) / 100.0;
    let mut svg = format!(
        r##"<svg width="220" height="16" viewBox="0 0 220 16" role="img" aria-label="{}"><rect x="0" y="3" width="220" height="10" fill="#eef1f5"/>"##,
        fmt::score(score)
    );
    if let Some(s) = score {
        svg.push_str(&format!(r##"<rect x="0" y="3" width="{:.1}" height="10" fill="#3b73b9"/>"##, clamp(s)));
    }
    if let Some(m) = median {
        let x = clamp(m);
        svg.push_str(&format!(r##"<line x1="{x:.1}" x2="{x:.1}" y1="0" y2="16" stroke="#1b2330" stroke-width="2"/>"##));
    }
    svg.push_str("</svg>");
    Value::from_safe_string(svg)
}

/// Rank 1 at the left, the last rank at the right: the interval as a line, the median rank as a
/// dot and the rank itself as a tick.
fn whisker(interval: Serde<RankInterval>, rank: Option<u32>, of: usize) -> Value {
    const W: f64 = 180.0;
    let x = |r: f64| if of <= 1 { W / 2.0 } else { 6.0 + (W - 12.0) * (r - 1.0) / (of as f64 - 1.0) };
    let iv = interval.0;
    let mut svg = format!(
        r##"<svg width="180" height="16" viewBox="0 0 180 16" role="img" aria-label="{}–{}"><line x1="6" x2="174" y1="8" y2="8" stroke="#e3e7ec" stroke-width="1"/><line x1="{:.1}" x2="{:.1}" y1="8" y2="8" stroke="#3b73b9" stroke-width="3"/>"##,
        iv.best,
        iv.worst,
        x(f64::from(iv.best)),
        x(f64::from(iv.worst))
    );
    if let Some(r) = rank {
        let xr = x(f64::from(r));
        svg.push_str(&format!(r##"<line x1="{xr:.1}" x2="{xr:.1}" y1="2" y2="14" stroke="#1b2330" stroke-width="2"/>"##));
    }
    if let Some(m) = iv.median {
        svg.push_str(&format!(r##"<circle cx="{:.1}" cy="8" r="3.5" fill="#ffffff" stroke="#1b2330"/>"##, x(m)));
    }
    svg.push_str("</svg>");
    Value::from_safe_string(svg)
}

/// A sequential blue (light to dark) that stays readable in greyscale print: (background, ink).
fn heat_colour(score: f64) -> (String, &'static str) {
    const STOPS: [(f64, [f64; 3]); 3] = [(0.0, [247.0, 251.0, 255.0]), (0.5, [107.0, 174.0, 214.0]), (1.0, [8.0, 48.0, 107.0])];
    let t = (score / 100.0).clamp(0.0, 1.0);
    let (lo, hi) = if t <= 0.5 { (STOPS[0], STOPS[1]) } else { (STOPS[1], STOPS[2]) };
    let f = (t - lo.0) / (hi.0 - lo.0);
    let c: Vec<u8> = (0..3).map(|i| (lo.1[i] + (hi.1[i] - lo.1[i]) * f).round() as u8).collect();
    (format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]), if t > 0.62 { "#ffffff" } else { "#1b2330" })
}

fn heat(score: Option<f64>) -> Value {
    match score {
        None => Value::from_safe_string(r#"<span class="muted">—</span>"#.to_string()),
        Some(s) => {
            let (bg, ink) = heat_colour(s);
            Value::from_safe_string(format!(
                r#"<span style="display:block;background:{bg};color:{ink};padding:2px 0">{}</span>"#,
                fmt::score(Some(s))
            ))
        }
    }
}

fn heat_legend() -> Value {
    let boxes: String = (0..=5)
        .map(|i| {
            let s = i * 20;
            let (bg, ink) = heat_colour(f64::from(s));
            format!(
                r#"<rect x="{x}" y="0" width="34" height="16" fill="{bg}"/><text x="{tx}" y="12" font-size="10" text-anchor="middle" fill="{ink}">{s}</text>"#,
                x = i * 34,
                tx = i * 34 + 17
            )
        })
        .collect();
    Value::from_safe_string(format!(
        r#"<svg width="204" height="16" viewBox="0 0 204 16" role="img" aria-label="0–100" style="vertical-align:middle">{boxes}</svg>"#
    ))
}

/// ↑3 / ↓1 / 持平; a dash when there is no earlier ranking to compare with.
fn rank_change(change: Option<i64>, same: &str) -> Value {
    Value::from_safe_string(match change {
        None => r#"<span class="muted">—</span>"#.to_string(),
        Some(c) if c > 0 => format!(r#"<span class="up">↑{c}</span>"#),
        Some(c) if c < 0 => format!(r#"<span class="down">↓{}</span>"#, -c),
        Some(_) => format!(r#"<span class="muted">{same}</span>"#),
    })
}

fn environment(lang: Lang) -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.add_filter("score", |x: Option<f64>| fmt::score(x));
    env.add_filter("pct", |x: Option<f64>| fmt::pct(x));
    env.add_filter("pct1", |x: Option<f64>| x.map_or_else(|| "—".to_string(), |x| format!("{:.1}%", x * 100.0)));
    env.add_filter("value", |x: Option<f64>| x.map_or_else(|| "—".to_string(), fmt::value));
    env.add_function("bar", bar);
    env.add_function("whisker", whisker);
    env.add_function("heat", heat);
    env.add_function("heat_legend", heat_legend);
    let same = lang.label("rank_same");
    env.add_function("rank_change", move |change: Option<i64>| rank_change(change, same));
    let more = lang.label("more_rows");
    env.add_function("more", move |n: usize| more.replace("{n}", &n.to_string()));
    let notes = lang.label("notes_elsewhere");
    env.add_function("notes", move |n: usize| notes.replace("{n}", &n.to_string()));
    env.add_template("scorecard.html", TEMPLATE).map_err(template_error)?;
    Ok(env)
}

fn template_error(e: minijinja::Error) -> Error {
    // The template is compiled in; an error here is a bug, reported with the template's line.
    Error::InvalidArgument(format!("internal: the scorecard template failed: {e:#}"))
}

/// The page for `model`.
pub(super) fn render(model: &Model) -> Result<String> {
    let env = environment(model.lang)?;
    let template = env.get_template("scorecard.html").map_err(template_error)?;
    let zh = model.lang == Lang::Zh;
    template
        .render(context! {
            m => Value::from(Serde(model)),
            t => Value::from(Serde(&model.t)),
            css => Value::from_safe_string(CSS.to_string()),
            version => env!("CARGO_PKG_VERSION"),
            colon => if zh { "：" } else { ": " },
            sep => if zh { "、" } else { ", " },
            limit => LIMIT,
        })
        .map_err(template_error)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Every label key a renderer or the model asks for is in the table (an unknown key would
    /// print as itself: an internal code on the page).
    #[test]
    fn every_label_key_used_exists() {
        let known = Lang::Zh.labels();
        let mut used = Vec::new();
        let mut scan = |text: &str, open: &str, close: char| {
            for (at, _) in text.match_indices(open) {
                // `t("` of the closure, not the end of `get("` or `part("`.
                if text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let key: String = text[at + open.len()..].chars().take_while(|c| *c != close).collect();
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                    used.push(key);
                }
            }
        };
        scan(TEMPLATE, "t.", ' ');
        for source in [include_str!("model.rs"), include_str!("xlsx.rs"), include_str!("html.rs")] {
            scan(source, "label(\"", '"');
            scan(source, "t(\"", '"');
        }
        assert!(used.len() > 100, "the scan finds the keys ({})", used.len());
        let missing: Vec<&String> = used.iter().filter(|k| !known.contains_key(k.as_str())).collect();
        assert!(missing.is_empty(), "label keys used but not defined: {missing:?}");
    }

    #[test]
    fn heat_runs_light_to_dark() {
        assert_eq!(heat_colour(0.0).0, "#f7fbff");
        assert_eq!(heat_colour(100.0).0, "#08306b");
        assert_eq!(heat_colour(100.0).1, "#ffffff");
        assert_eq!(heat_colour(-5.0), heat_colour(0.0));
    }

    #[test]
    fn rank_changes_read_as_arrows() {
        assert!(rank_change(Some(2), "持平").to_string().contains("↑2"));
        assert!(rank_change(Some(-3), "持平").to_string().contains("↓3"));
        assert!(rank_change(Some(0), "持平").to_string().contains("持平"));
        assert!(rank_change(None, "持平").to_string().contains('—'));
    }
}
