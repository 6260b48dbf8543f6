//! The scorecard's view-model: everything a reader of the county scorecard sees, computed once
//! from the scores and the analytics frames, in the reader's language. The renderers (xlsx, html)
//! only lay it out: no renderer looks at a frame, derives a missed target or translates a code.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::DataFrame;
use serde::Serialize;

use super::frame::Cols;
use super::{Lang, Scorecard, Term};
use crate::error::{Error, Result};
use crate::io::format_number;
use crate::model::{Catalogue, Indicator, Measure};

/// How many strengths and how many weaknesses a township's card lists at most.
pub const TOP_POINTS: usize = 5;
/// How many of a township's largest changes its card lists.
pub const TOP_CHANGES: usize = 6;

/// A county scorecard for one year.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub lang: Lang,
    /// `zh-CN` or `en`, for the page's `lang` attribute.
    pub html_lang: &'static str,
    pub title: String,
    pub year: i32,
    /// A line shown in a box at the top ("synthetic data, do not cite").
    pub data_note: Option<String>,
    /// "2024年：12个乡镇（街道），11个参与排名，综合得分中位数61.2分".
    pub summary: String,
    /// Units scored that year / units ranked.
    pub total: usize,
    pub ranked: usize,
    /// Median composite of the ranked units.
    pub median: Option<f64>,
    /// True when rank intervals (the uncertainty analysis) are shown.
    pub intervals: bool,
    /// What a rank interval means, once, under the ranking.
    pub interval_legend: Option<String>,
    /// Ranked units in rank order, then the unranked ones (with `rank` None and a reason).
    pub ranking: Vec<RankRow>,
    /// Flags every ranked unit carries: said once under the ranking instead of on every row.
    pub common_flags: Vec<String>,
    pub dimensions: Vec<DimensionHead>,
    /// One card per unit, in the order of `ranking`.
    pub units: Vec<UnitCard>,
    /// Every target of the year (None when no targets were given).
    pub targets: Option<Vec<TargetRow>>,
    /// Every change from the previous observation (None when no changes were given).
    pub changes: Option<Vec<ChangeRow>>,
    /// Plan progress towards targets of later years (None when not given).
    pub progress: Option<Progress>,
    pub method: Method,
    pub quality: Quality,
    /// Whether the cards list every reported value with its quoted source sentence.
    pub sources: bool,
    pub footer: String,
    /// Every layout label of the page, by key, in the page's language.
    pub t: BTreeMap<&'static str, &'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    pub unit: String,
    /// The unit's name (its code when it has none).
    pub name: String,
    pub anchor: String,
    pub group: String,
    pub rank: Option<u32>,
    pub score: Option<f64>,
    /// Rank change from the previous scored year (+ = up).
    pub rank_change: Option<i64>,
    pub coverage: Option<f64>,
    /// Flags that tell this unit apart (those every ranked unit has are in `common_flags`).
    pub flags: Vec<String>,
    pub interval: Option<RankInterval>,
    /// Why the unit is not ranked.
    pub reason: Option<String>,
    /// Dimension scores in the order of `Model::dimensions`.
    pub dims: Vec<Option<f64>>,
}

/// The 5 %–95 % rank interval from the uncertainty analysis, widened to whole ranks.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct RankInterval {
    pub best: u32,
    pub worst: u32,
    pub median: Option<f64>,
    /// [`RankInterval::text`], for the templates.
    #[serde(default)]
    pub label: String,
}

impl RankInterval {
    /// "3–7", or "3" when the interval is one rank.
    pub fn text(&self) -> String {
        if self.best == self.worst { self.best.to_string() } else { format!("{}–{}", self.best, self.worst) }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionHead {
    pub code: String,
    pub name: String,
    /// Median score of the units scored on it that year.
    pub median: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitCard {
    pub unit: String,
    pub name: String,
    pub anchor: String,
    pub group: String,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    /// "第3名 / 共12个" or "未排名".
    pub rank_text: String,
    pub group_rank: Option<u32>,
    pub rank_change: Option<i64>,
    pub interval: Option<RankInterval>,
    pub coverage: Option<f64>,
    pub flags: Vec<String>,
    pub reason: Option<String>,
    pub dimensions: Vec<DimensionRow>,
    pub strengths: Vec<Point>,
    pub weaknesses: Vec<Point>,
    pub targets: Option<UnitTargets>,
    /// The largest changes (at most [`TOP_CHANGES`]).
    pub changes: Option<Vec<ChangeRow>>,
    pub progress: Vec<ProgressRow>,
    /// Every reported value with its source (None without a panel).
    pub reported: Option<Vec<ReportedRow>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionRow {
    pub code: String,
    pub name: String,
    pub score: Option<f64>,
    pub median: Option<f64>,
    pub rank: Option<u32>,
    pub coverage: Option<f64>,
}

/// One strength or weakness: an indicator's score with the figure behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub code: String,
    pub name: String,
    pub score: f64,
    pub median: Option<f64>,
    pub rank: Option<u32>,
    pub of: u32,
    /// "3次，全县中位数8次" (None when the figure was not reported).
    pub figure: Option<String>,
    /// The whole line: name, score, figure and rank.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitTargets {
    pub total: usize,
    pub met: usize,
    pub missed: usize,
    pub no_data: usize,
    /// "12项目标：达标9项，未达标2项，无数据1项".
    pub summary: String,
    /// Missed targets, furthest from the target first.
    pub missed_rows: Vec<TargetRow>,
}

/// Whose row it is: a unit and an indicator, by code and by name.
#[derive(Debug, Clone, Serialize)]
pub struct Subject {
    pub unit: String,
    pub unit_name: String,
    pub indicator: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    #[serde(flatten)]
    pub of: Subject,
    /// "不少于1500份".
    pub target_text: String,
    pub value: Option<f64>,
    /// The value with its unit word ("1060多份" when the report said so).
    pub value_text: String,
    pub gap: Option<f64>,
    pub achievement: Option<f64>,
    /// met | missed | no_data (for colours).
    pub status: String,
    pub status_text: String,
    /// green | amber | red | grey.
    pub colour: &'static str,
    /// "确定" / "不确定" (whether the interval of a qualified value decides the status).
    pub certain_text: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    #[serde(flatten)]
    pub of: Subject,
    pub prev_year: Option<i64>,
    pub prev_value: Option<f64>,
    pub prev_text: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub abs_change: Option<f64>,
    pub rel_change: Option<f64>,
    /// "+120（+11%）".
    pub change_text: String,
    /// improved | declined | unchanged | no_baseline | …
    pub status: String,
    pub status_text: String,
    pub colour: &'static str,
    pub certain_text: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// "38项规划目标：进度正常12项，…".
    pub summary: String,
    pub rows: Vec<ProgressRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgressRow {
    #[serde(flatten)]
    pub of: Subject,
    pub latest_year: Option<i64>,
    pub latest_value: Option<f64>,
    pub target_year: Option<i64>,
    pub target_text: String,
    pub projected_value: Option<f64>,
    /// "2024年1200份 → 2025年目标不少于1500份，按当前速度预计1400份".
    pub sentence: String,
    pub category: String,
    pub category_text: String,
    pub colour: &'static str,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportedRow {
    pub indicator: String,
    pub name: String,
    /// As written in the source ("1060多").
    pub text: String,
    /// "[1060, 1069]" or the value.
    pub interval: String,
    pub qualifier: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub notes: Vec<&'static str>,
    /// "法治政府建设指标体系 2025.1".
    pub catalogue: String,
    /// (name, value), in the reader's words.
    pub settings: Vec<(String, String)>,
    pub dimension_weights: Vec<WeightRow>,
    pub indicator_weights: Vec<WeightRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeightRow {
    pub code: String,
    pub name: String,
    pub dimension: String,
    pub weight: Option<f64>,
    pub share: Option<f64>,
    pub normalise: String,
    pub worst: Option<f64>,
    pub best: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    /// "输入1,234行，接受1,200行，拒绝30行，跳过4行" (None without a panel).
    pub intake: Option<String>,
    pub excluded: Vec<QualityRow>,
    /// Diagnostics of severity warning.
    pub warnings: Vec<QualityRow>,
    /// The other diagnostics (notes such as "reported as 100 %"): all in the workbook, counted
    /// on the page.
    pub notes: Vec<QualityRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QualityRow {
    pub unit_name: String,
    pub year: Option<i64>,
    /// The indicator's or dimension's name.
    pub what: String,
    /// The check, level or reason, in words.
    pub kind: String,
    pub severity: String,
    /// warning | info (for colours).
    pub severe: bool,
    pub message: String,
}

/// Number formats shared by the renderers.
pub mod fmt {
    use super::format_number;

    /// A 0–100 score: one decimal.
    pub fn score(x: Option<f64>) -> String {
        x.map_or_else(|| "—".to_string(), |x| format!("{x:.1}"))
    }

    /// A share in [0, 1] as a whole percent.
    pub fn pct(x: Option<f64>) -> String {
        x.map_or_else(|| "—".to_string(), |x| format!("{:.0}%", x * 100.0))
    }

    /// A reported or derived value: at most two decimals, no trailing zeros.
    pub fn value(x: f64) -> String {
        if x.abs() >= 1e15 || !x.is_finite() {
            return format_number(x);
        }
        format_number((x * 100.0).round() / 100.0)
    }

    /// A signed change: "+120", "−3.5".
    pub fn signed(x: f64) -> String {
        let v = value(x.abs());
        if x > 0.0 {
            format!("+{v}")
        } else if x < 0.0 {
            format!("−{v}")
        } else {
            v
        }
    }
}

/// A value with its indicator's unit word: "1060份", "95%", "是".
fn with_unit(lang: Lang, x: f64, ind: Option<&Indicator>) -> String {
    match ind {
        Some(i) if i.measure == Measure::Boolean => lang.label(if x >= 0.5 { "yes" } else { "no" }).to_string(),
        Some(i) if i.measure == Measure::Percent => format!("{}%", fmt::value(x)),
        Some(i) if lang == Lang::Zh => format!("{}{}", fmt::value(x), i.unit_word),
        _ => fmt::value(x),
    }
}

/// An anchor id for a unit code: letters, digits, `-` and `_` kept, anything else hex-escaped.
fn anchor(code: &str) -> String {
    let mut out = String::from("u-");
    for c in code.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            out.push_str(&format!("x{:x}", c as u32));
        }
    }
    out
}

fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in pairs {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn rag(status: &str, achievement: Option<f64>) -> &'static str {
    match status {
        "met" => "green",
        "missed" if achievement.is_some_and(|a| a >= 0.9) => "amber",
        "missed" => "red",
        _ => "grey",
    }
}

fn progress_colour(category: &str) -> &'static str {
    match category {
        "achieved" | "maintaining" | "on_track" | "substantial_progress" | "substantial_growth" => "green",
        "moderately_improving" | "moderate_progress" | "moderate_growth" => "amber",
        "stagnating" | "decreasing" | "limited_progress" | "moving_away" | "limited_growth" | "deterioration" => "red",
        _ => "grey",
    }
}

/// The lookups every section shares.
struct Ctx<'a> {
    lang: Lang,
    catalogue: Option<&'a Catalogue>,
    indicator_names: HashMap<String, String>,
    dimension_names: HashMap<String, String>,
    unit_names: HashMap<String, String>,
}

impl Ctx<'_> {
    fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.catalogue.and_then(|c| c.indicators.iter().find(|i| i.code == code))
    }

    fn indicator_name(&self, code: &str) -> String {
        self.indicator_names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }

    fn subject(&self, unit: &Option<String>, indicator: &Option<String>) -> Subject {
        let (unit, indicator) = (unit.clone().unwrap_or_default(), indicator.clone().unwrap_or_default());
        Subject { unit_name: self.unit_name(&unit), name: self.indicator_name(&indicator), unit, indicator }
    }

    fn unit_name(&self, code: &str) -> String {
        self.unit_names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }

    fn term(&self, kind: Term, code: &str) -> String {
        self.lang.term(kind, code)
    }

    /// Indicator, dimension and unit codes inside generated sentences read as names.
    fn name_of(&self, code: &str) -> Option<String> {
        self.indicator_names.get(code).or_else(|| self.dimension_names.get(code)).or_else(|| self.unit_names.get(code)).cloned()
    }

    fn sentence(&self, text: &str) -> String {
        self.lang.sentence(text, &|code: &str| self.name_of(code))
    }

    fn setting(&self, key: &str, value: &str) -> (String, String) {
        self.lang.setting_named(key, value, &|code: &str| self.name_of(code))
    }

    fn figure(&self, x: f64, indicator: &str) -> String {
        with_unit(self.lang, x, self.indicator(indicator))
    }

    /// "不少于1500份" / "≥ 1500".
    fn target_text(&self, comparator: &str, target: Option<f64>, target_hi: Option<f64>, indicator: &str) -> String {
        let Some(t) = target else { return "—".to_string() };
        let v = self.figure(t, indicator);
        let key = match comparator {
            "at_least" => "cmp_at_least",
            "at_most" => "cmp_at_most",
            "exactly" => "cmp_exactly",
            "between" => "cmp_between",
            _ => return v,
        };
        let hi = target_hi.map_or_else(String::new, |h| self.figure(h, indicator));
        fill(self.lang.label(key), &[("v", v), ("hi", hi)])
    }
}

impl Scorecard<'_> {
    /// The view-model of this scorecard: what both renderers lay out.
    pub fn model(&self) -> Result<Model> {
        let lang = self.lang;
        let year = self.shown_year()?;
        let scores = self.scores;
        let catalogue = self.catalogue.or_else(|| self.panel.map(|p| p.catalogue()));
        let names = &scores.names;
        let pick = |zh: &str, en: &str| if lang == Lang::Zh { zh.to_string() } else { en.to_string() };
        let mut ctx = Ctx {
            lang,
            catalogue,
            indicator_names: names.indicators.iter().map(|(c, zh, en)| (c.clone(), pick(zh, en))).collect(),
            dimension_names: names.dimensions.iter().map(|(c, zh, en)| (c.clone(), pick(zh, en))).collect(),
            unit_names: HashMap::new(),
        };

        // Ranking and dimension scores.
        let composite = scores.composite()?;
        let comp = Cols::of_year(&composite, year, false);
        let (units, unit_names, groups) = (comp.strs("unit"), comp.strs("name"), comp.strs("group"));
        let (score, rank, rank_change, coverage) = (comp.nums("score"), comp.ints("rank"), comp.ints("rank_change"), comp.nums("coverage"));
        let (flags, reasons, group_rank) = (comp.strs("flags"), comp.strs("reason"), comp.ints("group_rank"));
        for (u, n) in units.iter().zip(&unit_names) {
            if let Some(u) = u {
                ctx.unit_names.insert(u.clone(), n.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| u.clone()));
            }
        }
        let dims_frame = scores.dimensions()?;
        let dims = Cols::of_year(&dims_frame, year, false);
        let (d_unit, d_dim, d_score, d_rank, d_cov) =
            (dims.strs("unit"), dims.strs("dimension"), dims.nums("score"), dims.ints("rank"), dims.nums("coverage"));
        let dim_order: Vec<String> = match catalogue {
            Some(c) => c.dimensions.iter().map(|d| d.code.clone()).filter(|c| d_dim.iter().any(|d| d.as_deref() == Some(c))).collect(),
            None => d_dim.iter().flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect(),
        };
        let mut dim_scores: HashMap<(String, String), DimCell> = HashMap::new();
        let mut per_dim: HashMap<String, Vec<f64>> = HashMap::new();
        for i in 0..dims.len() {
            if let (Some(u), Some(d)) = (&d_unit[i], &d_dim[i]) {
                dim_scores.insert((u.clone(), d.clone()), (d_score[i], d_rank[i], d_cov[i]));
                if let Some(s) = d_score[i] {
                    per_dim.entry(d.clone()).or_default().push(s);
                }
            }
        }
        let dimensions: Vec<DimensionHead> = dim_order
            .iter()
            .map(|d| DimensionHead {
                code: d.clone(),
                name: ctx.dimension_names.get(d).cloned().unwrap_or_else(|| d.clone()),
                median: per_dim.get(d).and_then(|v| median(v)),
            })
            .collect();

        // Rank intervals.
        let mut intervals: HashMap<String, RankInterval> = HashMap::new();
        if let Some(ranks) = self.ranks {
            let r = Cols::of_year(ranks, year, false);
            for ((u, (lo, hi)), med) in
                r.strs("unit").into_iter().zip(r.nums("rank_p05").into_iter().zip(r.nums("rank_p95"))).zip(r.nums("median_rank"))
            {
                if let (Some(u), Some(lo), Some(hi)) = (u, lo, hi) {
                    let mut iv =
                        RankInterval { best: (lo.floor() as u32).max(1), worst: hi.ceil() as u32, median: med, label: String::new() };
                    iv.label = iv.text();
                    intervals.insert(u, iv);
                }
            }
        }

        let mut order: Vec<usize> = (0..comp.len()).collect();
        order.sort_by_key(|&i| (rank[i].is_none(), rank[i], units[i].clone()));
        let ranked = order.iter().filter(|&&i| rank[i].is_some()).count();
        let split = |f: &Option<String>| -> Vec<String> {
            f.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
        };
        let ranked_flags: Vec<BTreeSet<String>> =
            order.iter().filter(|&&i| rank[i].is_some()).map(|&i| split(&flags[i]).into_iter().collect()).collect();
        let common: BTreeSet<String> = match ranked_flags.split_first() {
            Some((first, rest)) if ranked > 1 => rest.iter().fold(first.clone(), |acc, s| acc.intersection(s).cloned().collect()),
            _ => BTreeSet::new(),
        };
        let ranking: Vec<RankRow> = order
            .iter()
            .map(|&i| {
                let unit = units[i].clone().unwrap_or_default();
                RankRow {
                    name: ctx.unit_name(&unit),
                    anchor: anchor(&unit),
                    group: groups[i].clone().unwrap_or_default(),
                    rank: rank[i].map(|r| r as u32),
                    score: score[i],
                    rank_change: rank_change[i],
                    coverage: coverage[i],
                    flags: split(&flags[i]).iter().filter(|f| !common.contains(*f)).map(|f| ctx.term(Term::Flag, f)).collect(),
                    interval: intervals.get(&unit).cloned(),
                    reason: reasons[i].as_deref().map(|r| ctx.sentence(r)),
                    dims: dim_order.iter().map(|d| dim_scores.get(&(unit.clone(), d.clone())).and_then(|x| x.0)).collect(),
                    unit,
                }
            })
            .collect();
        let ranked_scores: Vec<f64> = ranking.iter().filter(|r| r.rank.is_some()).filter_map(|r| r.score).collect();
        let county_median = median(&ranked_scores);
        let distinct_groups: BTreeSet<&str> = ranking.iter().map(|r| r.group.as_str()).filter(|g| !g.is_empty()).collect();
        let county = (distinct_groups.len() == 1).then(|| distinct_groups.iter().next().map(|g| g.to_string())).flatten();
        let scope = if county.is_some() { lang.label("scope_county") } else { lang.label("scope_all") };

        // Targets, changes, progress: the county tables, then each unit's share of them.
        let targets = self.gaps.map(|g| self.target_rows(&ctx, g, year));
        let changes = self.changes.map(|c| self.change_rows(&ctx, c, year));
        let progress = self.progress.map(|p| self.progress_rows(&ctx, p, year));

        let observed = self.panel.map(|p| Cols::of_year(p.frame(), year, false));
        let observed_cols = observed.as_ref().map(|o| {
            (o.strs("unit"), o.strs("indicator"), o.strs("text"), o.nums("lo"), o.nums("hi"), o.strs("qualifier"), o.strs("source"))
        });
        let indicator_order: HashMap<&str, usize> =
            catalogue.map(|c| c.indicators.iter().enumerate().map(|(k, i)| (i.code.as_str(), k)).collect()).unwrap_or_default();

        // Each table's rows by unit, once (a scan per township would be quadratic in the units).
        let targets_of = by_unit(targets.iter().flatten(), |t| t.of.unit.as_str());
        let changes_of = by_unit(changes.iter().flatten(), |c| c.of.unit.as_str());
        let progress_of = by_unit(progress.iter().flat_map(|p| &p.rows), |r| r.of.unit.as_str());
        let observed_of: HashMap<&str, Vec<usize>> = match &observed_cols {
            Some((u, ..)) => by_unit(0..u.len(), |&k| u[k].as_deref().unwrap_or("")),
            None => HashMap::new(),
        };
        let mut cards = Vec::with_capacity(ranking.len());
        for row in &ranking {
            let unit = row.unit.as_str();
            let i = order[cards.len()];
            let dimensions_rows = dimensions
                .iter()
                .map(|d| {
                    let (s, r, c) = dim_scores.get(&(unit.to_string(), d.code.clone())).copied().unwrap_or((None, None, None));
                    DimensionRow {
                        code: d.code.clone(),
                        name: d.name.clone(),
                        score: s,
                        median: d.median,
                        rank: r.map(|r| r as u32),
                        coverage: c,
                    }
                })
                .collect();
            let (strengths, weaknesses) = self.points(&ctx, unit, year, scope)?;
            let unit_targets = targets.as_ref().map(|_| {
                let mine: Vec<&TargetRow> = targets_of.get(unit).cloned().unwrap_or_default();
                let count = |s: &str| mine.iter().filter(|t| t.status == s).count();
                let (met, missed, no_data) = (count("met"), count("missed"), count("no_data"));
                let mut missed_rows: Vec<TargetRow> = mine.iter().filter(|t| t.status == "missed").map(|t| (*t).clone()).collect();
                missed_rows.sort_by(|a, b| a.achievement.unwrap_or(f64::INFINITY).total_cmp(&b.achievement.unwrap_or(f64::INFINITY)));
                UnitTargets {
                    total: mine.len(),
                    met,
                    missed,
                    no_data,
                    summary: fill(
                        lang.label("targets_summary"),
                        &[
                            ("total", mine.len().to_string()),
                            ("met", met.to_string()),
                            ("missed", missed.to_string()),
                            ("no_data", no_data.to_string()),
                        ],
                    ),
                    missed_rows,
                }
            });
            let unit_changes = changes.as_ref().map(|_| {
                let mine = changes_of.get(unit).map(Vec::as_slice).unwrap_or_default();
                let mut mine: Vec<ChangeRow> =
                    mine.iter().filter(|c| matches!(c.status.as_str(), "improved" | "declined")).map(|c| (*c).clone()).collect();
                let size = |c: &ChangeRow| c.rel_change.map(f64::abs).or(c.abs_change.map(f64::abs)).unwrap_or(0.0);
                mine.sort_by(|a, b| size(b).total_cmp(&size(a)));
                mine.truncate(TOP_CHANGES);
                mine
            });
            let unit_progress: Vec<ProgressRow> =
                progress_of.get(unit).map(|rows| rows.iter().map(|r| (*r).clone()).collect()).unwrap_or_default();
            let reported = observed_cols.as_ref().map(|(_, ind, text, lo, hi, q, src)| {
                let mut rows: Vec<(usize, ReportedRow)> = observed_of
                    .get(unit)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|&k| {
                        let code = ind[k].clone().unwrap_or_default();
                        let interval = match (lo[k], hi[k]) {
                            (Some(a), Some(b)) if a == b => fmt::value(a),
                            (Some(a), Some(b)) => format!("[{}, {}]", fmt::value(a), fmt::value(b)),
                            (Some(a), None) => format!("≥ {}", fmt::value(a)),
                            (None, Some(b)) => format!("≤ {}", fmt::value(b)),
                            (None, None) => "—".to_string(),
                        };
                        let qualifier = q[k]
                            .as_deref()
                            .filter(|q| !q.is_empty() && *q != "exact")
                            .map(|q| ctx.term(Term::Qualifier, q))
                            .unwrap_or_default();
                        (
                            indicator_order.get(code.as_str()).copied().unwrap_or(usize::MAX),
                            ReportedRow {
                                name: ctx.indicator_name(&code),
                                indicator: code,
                                text: text[k].clone().unwrap_or_default(),
                                interval,
                                qualifier,
                                source: src[k].clone().unwrap_or_default(),
                            },
                        )
                    })
                    .collect();
                rows.sort_by(|a, b| (a.0, &a.1.indicator).cmp(&(b.0, &b.1.indicator)));
                rows.into_iter().map(|r| r.1).collect()
            });
            cards.push(UnitCard {
                unit: unit.to_string(),
                name: row.name.clone(),
                anchor: row.anchor.clone(),
                group: row.group.clone(),
                score: row.score,
                rank: row.rank,
                rank_text: match row.rank {
                    Some(r) => fill(lang.label("rank_of"), &[("rank", r.to_string()), ("of", ranked.to_string())]),
                    None => lang.label("not_ranked").to_string(),
                },
                group_rank: group_rank[i].map(|r| r as u32),
                rank_change: row.rank_change,
                interval: row.interval.clone(),
                coverage: row.coverage,
                flags: split(&flags[i]).iter().map(|f| ctx.term(Term::Flag, f)).collect(),
                reason: row.reason.clone(),
                dimensions: dimensions_rows,
                strengths,
                weaknesses,
                targets: unit_targets,
                changes: unit_changes,
                progress: unit_progress,
                reported,
            });
        }

        let summary = fill(
            lang.label("summary"),
            &[
                ("year", year.to_string()),
                ("total", ranking.len().to_string()),
                ("ranked", ranked.to_string()),
                ("median", fmt::score(county_median)),
            ],
        );
        let title = self.title.clone().unwrap_or_else(|| {
            let county = county.clone().map(|c| if lang == Lang::En { format!("{c} ") } else { c }).unwrap_or_default();
            fill(lang.label("title"), &[("county", county), ("year", year.to_string())])
        });
        let data_note = self.data_note.clone().or_else(|| match scores.settings().get("data").map(|d| d.to_lowercase()).as_deref() {
            Some("synthetic") => Some(lang.label("data_synthetic").to_string()),
            Some("real") => Some(lang.label("data_real").to_string()),
            _ => None,
        });
        let method = self.method(&ctx)?;
        let quality = self.quality(&ctx, year)?;
        let fazhi_version = env!("CARGO_PKG_VERSION");
        let catalogue_version = scores.settings().get("catalogue_version").cloned().unwrap_or_default();
        Ok(Model {
            lang,
            html_lang: if lang == Lang::Zh { "zh-CN" } else { "en" },
            title,
            year,
            data_note,
            summary,
            total: ranking.len(),
            ranked,
            median: county_median,
            intervals: !intervals.is_empty(),
            interval_legend: (!intervals.is_empty()).then(|| lang.label("interval_legend").to_string()),
            common_flags: common.iter().map(|f| ctx.term(Term::Flag, f)).collect(),
            ranking,
            dimensions,
            units: cards,
            targets,
            changes,
            progress,
            method,
            quality,
            sources: self.sources,
            footer: fill(lang.label("generated"), &[("version", fazhi_version.to_string()), ("catalogue", catalogue_version)]),
            t: lang.labels(),
        })
    }

    fn target_rows(&self, ctx: &Ctx<'_>, gaps: &DataFrame, year: i32) -> Vec<TargetRow> {
        let g = Cols::of_year(gaps, year, false);
        let (unit, ind, cmp, target, target_hi) =
            (g.strs("unit"), g.strs("indicator"), g.strs("comparator"), g.nums("target"), g.nums("target_hi"));
        let (value, gap, ach, status, certain, reason) =
            (g.nums("value"), g.nums("gap"), g.nums("achievement"), g.strs("status"), g.bools("certain"), g.strs("reason"));
        let qualified = g.bools("qualified");
        (0..g.len())
            .map(|i| {
                let of = ctx.subject(&unit[i], &ind[i]);
                let code = of.indicator.clone();
                let s = status[i].clone().unwrap_or_default();
                let value_text = match value[i] {
                    Some(x) => {
                        let t = ctx.figure(x, &code);
                        if qualified[i] == Some(true) { format!("{t}{}", ctx.lang.label("qualified_mark")) } else { t }
                    }
                    None => "—".to_string(),
                };
                TargetRow {
                    of,
                    target_text: ctx.target_text(cmp[i].as_deref().unwrap_or(""), target[i], target_hi[i], &code),
                    value: value[i],
                    value_text,
                    gap: gap[i],
                    achievement: ach[i],
                    status_text: ctx.term(Term::Status, &s),
                    colour: rag(&s, ach[i]),
                    status: s,
                    certain_text: certain[i]
                        .map(|c| ctx.lang.label(if c { "certain_yes" } else { "certain_no" }).to_string())
                        .unwrap_or_default(),
                    reason: reason[i].as_deref().map(|r| ctx.sentence(r)),
                }
            })
            .collect()
    }

    fn change_rows(&self, ctx: &Ctx<'_>, changes: &DataFrame, year: i32) -> Vec<ChangeRow> {
        let c = Cols::of_year(changes, year, false);
        let (unit, ind, prev_year, prev, value) =
            (c.strs("unit"), c.strs("indicator"), c.ints("prev_year"), c.nums("prev_value"), c.nums("value"));
        let (abs, rel, status, certain, reason) =
            (c.nums("abs_change"), c.nums("rel_change"), c.strs("status"), c.bools("certain"), c.strs("reason"));
        (0..c.len())
            .map(|i| {
                let of = ctx.subject(&unit[i], &ind[i]);
                let code = of.indicator.clone();
                let s = status[i].clone().unwrap_or_default();
                let change_text = match (abs[i], rel[i]) {
                    (Some(a), Some(r)) => format!("{}（{}%）", fmt::signed(a), fmt::signed((r * 100.0).round())),
                    (Some(a), None) => fmt::signed(a),
                    _ => "—".to_string(),
                };
                ChangeRow {
                    of,
                    prev_year: prev_year[i],
                    prev_value: prev[i],
                    prev_text: prev[i].map_or_else(|| "—".to_string(), |x| ctx.figure(x, &code)),
                    value: value[i],
                    value_text: value[i].map_or_else(|| "—".to_string(), |x| ctx.figure(x, &code)),
                    abs_change: abs[i],
                    rel_change: rel[i],
                    change_text,
                    status_text: ctx.term(Term::Status, &s),
                    colour: match s.as_str() {
                        "improved" => "green",
                        "declined" => "red",
                        _ => "grey",
                    },
                    status: s,
                    certain_text: certain[i]
                        .map(|c| ctx.lang.label(if c { "certain_yes" } else { "certain_no" }).to_string())
                        .unwrap_or_default(),
                    reason: reason[i].as_deref().map(|r| ctx.sentence(r)),
                }
            })
            .collect()
    }

    /// Progress towards targets of years after the shown one (the shown year's own targets are
    /// the targets table; rows without a target are growth classifications, left to the frame).
    fn progress_rows(&self, ctx: &Ctx<'_>, progress: &DataFrame, year: i32) -> Progress {
        let lang = ctx.lang;
        let p = Cols::all(progress);
        let (unit, ind, latest_year, latest, target_year) =
            (p.strs("unit"), p.strs("indicator"), p.ints("latest_year"), p.nums("latest_value"), p.ints("target_year"));
        let (cmp, target, projected, category, reason) =
            (p.strs("comparator"), p.nums("target"), p.nums("projected_value"), p.strs("category"), p.strs("reason"));
        let mut rows: Vec<ProgressRow> = (0..p.len())
            .filter(|&i| target_year[i].is_some_and(|t| t > i64::from(year)))
            .map(|i| {
                let of = ctx.subject(&unit[i], &ind[i]);
                let code = of.indicator.clone();
                let cat = category[i].clone().unwrap_or_default();
                let target_text = ctx.target_text(cmp[i].as_deref().unwrap_or(""), target[i], None, &code);
                let now = match (latest_year[i], latest[i]) {
                    (Some(y), Some(x)) => fill(lang.label("progress_now"), &[("year", y.to_string()), ("value", ctx.figure(x, &code))]),
                    _ => lang.label("progress_no_value").to_string(),
                };
                let aim = fill(
                    lang.label("progress_aim"),
                    &[("year", target_year[i].unwrap_or_default().to_string()), ("target", target_text.clone())],
                );
                // A rate carried forward past 100 % (or below 0) reads as its bound: "预计100%".
                let bounded = |x: f64| match ctx.indicator(&code).map(|i| i.measure) {
                    Some(Measure::Percent) => x.clamp(0.0, 100.0),
                    _ => x,
                };
                let pace = projected[i]
                    .map(|x| fill(lang.label("progress_pace"), &[("value", ctx.figure(bounded(x), &code))]))
                    .unwrap_or_default();
                ProgressRow {
                    of,
                    latest_year: latest_year[i],
                    latest_value: latest[i],
                    target_year: target_year[i],
                    target_text,
                    projected_value: projected[i],
                    sentence: format!("{now} → {aim}{pace}"),
                    category_text: ctx.term(Term::Progress, &cat),
                    colour: progress_colour(&cat),
                    category: cat,
                    reason: reason[i].as_deref().map(|r| ctx.sentence(r)),
                }
            })
            .collect();
        rows.sort_by(|a, b| (&a.of.unit_name, &a.of.unit, &a.of.name).cmp(&(&b.of.unit_name, &b.of.unit, &b.of.name)));
        let mut counts: BTreeMap<&str, (usize, String)> = BTreeMap::new();
        for r in &rows {
            counts.entry(r.colour).or_insert((0, String::new())).0 += 1;
        }
        let part =
            |colour: &str, key: &str| -> Option<String> { counts.get(colour).map(|(n, _)| fill(lang.label(key), &[("n", n.to_string())])) };
        let parts: Vec<String> =
            [part("green", "progress_green"), part("amber", "progress_amber"), part("red", "progress_red"), part("grey", "progress_grey")]
                .into_iter()
                .flatten()
                .collect();
        let sep = if lang == Lang::Zh { "，" } else { ", " };
        Progress { summary: fill(lang.label("progress_summary"), &[("total", rows.len().to_string()), ("parts", parts.join(sep))]), rows }
    }

    /// A unit's strengths and weaknesses: indicators in the top (bottom) quarter that are also
    /// above (below) the median, furthest from it first, at most [`TOP_POINTS`] each.
    fn points(&self, ctx: &Ctx<'_>, unit: &str, year: i32, scope: &str) -> Result<(Vec<Point>, Vec<Point>)> {
        let profile = match self.scores.profile(unit, Some(year)) {
            Ok(p) => p,
            Err(Error::InvalidArgument(_)) => return Ok((Vec::new(), Vec::new())),
            Err(e) => return Err(e),
        };
        let p = Cols::all(&profile);
        let (level, code, score, med, rank, of, label) =
            (p.strs("level"), p.strs("code"), p.nums("score"), p.nums("median"), p.ints("rank"), p.ints("of"), p.strs("label"));
        let (reported, reported_median) = (p.nums("reported"), p.nums("reported_median"));
        let mut strengths = Vec::new();
        let mut weaknesses = Vec::new();
        for i in 0..p.len() {
            if level[i].as_deref() != Some("indicator") {
                continue;
            }
            let (Some(s), Some(m)) = (score[i], med[i]) else { continue };
            let c = code[i].clone().unwrap_or_default();
            let figure = reported[i].map(|x| {
                let own = ctx.figure(x, &c);
                match reported_median[i] {
                    Some(m) => fill(
                        ctx.lang.label("figure_with_median"),
                        &[("value", own), ("scope", scope.to_string()), ("median", ctx.figure(m, &c))],
                    ),
                    None => own,
                }
            });
            let name = ctx.indicator_name(&c);
            let of_n = of[i].unwrap_or(0) as u32;
            let text = fill(
                ctx.lang.label("point"),
                &[
                    ("name", name.clone()),
                    ("score", fmt::score(Some(s))),
                    ("figure", figure.clone().map(|f| fill(ctx.lang.label("point_figure"), &[("figure", f)])).unwrap_or_default()),
                    ("rank", rank[i].map_or_else(|| "—".to_string(), |r| r.to_string())),
                    ("of", of_n.to_string()),
                ],
            );
            let point = Point { code: c, name, score: s, median: Some(m), rank: rank[i].map(|r| r as u32), of: of_n, figure, text };
            match label[i].as_deref() {
                Some("strength") if s > m => strengths.push(point),
                Some("weakness") if s < m => weaknesses.push(point),
                _ => {}
            }
        }
        let dist = |p: &Point| (p.score - p.median.unwrap_or(p.score)).abs();
        strengths.sort_by(|a, b| dist(b).total_cmp(&dist(a)).then_with(|| a.code.cmp(&b.code)));
        weaknesses.sort_by(|a, b| dist(b).total_cmp(&dist(a)).then_with(|| a.code.cmp(&b.code)));
        strengths.truncate(TOP_POINTS);
        weaknesses.truncate(TOP_POINTS);
        Ok((strengths, weaknesses))
    }

    fn method(&self, ctx: &Ctx<'_>) -> Result<Method> {
        let lang = ctx.lang;
        let scores = self.scores;
        let settings: Vec<(String, String)> = scores.settings().iter().map(|(k, v)| ctx.setting(k, v)).collect();
        let catalogue = match (ctx.catalogue, scores.settings().get("catalogue_version")) {
            (Some(c), _) => format!("{} {}", c.name, c.version).trim().to_string(),
            (None, Some(v)) => v.clone(),
            (None, None) => String::new(),
        };
        let weights = scores.weights()?;
        let w = Cols::all(&weights);
        let (level, code, dim, weight, share, normalise, worst, best) = (
            w.strs("level"),
            w.strs("code"),
            w.strs("dimension"),
            w.nums("weight"),
            w.nums("share"),
            w.strs("normalise"),
            w.nums("worst"),
            w.nums("best"),
        );
        let mut dimension_weights = Vec::new();
        let mut indicator_weights = Vec::new();
        for i in 0..w.len() {
            let c = code[i].clone().unwrap_or_default();
            let is_dim = level[i].as_deref() == Some("dimension");
            let row = WeightRow {
                name: if is_dim { ctx.dimension_names.get(&c).cloned().unwrap_or_else(|| c.clone()) } else { ctx.indicator_name(&c) },
                dimension: dim[i]
                    .as_deref()
                    .map(|d| ctx.dimension_names.get(d).cloned().unwrap_or_else(|| d.to_string()))
                    .unwrap_or_default(),
                code: c,
                weight: weight[i],
                share: share[i],
                normalise: normalise[i].as_deref().map(|n| ctx.setting("normalise", n).1).unwrap_or_default(),
                worst: worst[i],
                best: best[i],
            };
            if is_dim {
                dimension_weights.push(row);
            } else {
                indicator_weights.push(row);
            }
        }
        Ok(Method {
            notes: ["method_note_1", "method_note_2", "method_note_3", "method_note_4"].iter().map(|k| lang.label(k)).collect(),
            catalogue,
            settings,
            dimension_weights,
            indicator_weights,
        })
    }

    fn quality(&self, ctx: &Ctx<'_>, year: i32) -> Result<Quality> {
        let lang = ctx.lang;
        let intake = self.panel.map(|p| {
            fill(
                lang.label("intake"),
                &[
                    ("input", p.input_rows().to_string()),
                    ("accepted", p.len().to_string()),
                    ("rejected", p.rejections().len().to_string()),
                    ("skipped", p.skipped_observations().to_string()),
                ],
            )
        });
        let excluded_frame = self.scores.excluded()?;
        let e = Cols::of_year(&excluded_frame, year, true);
        let (unit, yr, ind, dim, level, reason, detail) =
            (e.strs("unit"), e.ints("year"), e.strs("indicator"), e.strs("dimension"), e.strs("level"), e.strs("reason"), e.strs("detail"));
        let excluded = (0..e.len())
            .map(|i| {
                let what = match (&ind[i], &dim[i]) {
                    (Some(c), _) => ctx.indicator_name(c),
                    (None, Some(d)) => ctx.dimension_names.get(d).cloned().unwrap_or_else(|| d.clone()),
                    _ => String::new(),
                };
                let level_text = level[i].as_deref().map(|l| ctx.term(Term::Level, l)).unwrap_or_default();
                QualityRow {
                    unit_name: unit[i].as_deref().map(|u| ctx.unit_name(u)).unwrap_or_else(|| lang.label("all_units").to_string()),
                    year: yr[i],
                    what,
                    kind: reason[i].as_deref().map(|r| ctx.term(Term::Reason, r)).unwrap_or_default(),
                    severity: level_text,
                    severe: false,
                    message: detail[i].as_deref().map(|d| ctx.sentence(d)).unwrap_or_default(),
                }
            })
            .collect();
        let mut diagnostics: Vec<QualityRow> = Vec::new();
        if let Some(diag) = self.diagnostics {
            let d = Cols::of_year(diag, year, true);
            let (unit, yr, ind, check, severity, message) =
                (d.strs("unit"), d.ints("year"), d.strs("indicator"), d.strs("check"), d.strs("severity"), d.strs("message"));
            for i in 0..d.len() {
                let severe = severity[i].as_deref() == Some("warning");
                diagnostics.push(QualityRow {
                    unit_name: unit[i].as_deref().map(|u| ctx.unit_name(u)).unwrap_or_else(|| lang.label("all_units").to_string()),
                    year: yr[i],
                    what: ind[i].as_deref().map(|c| ctx.indicator_name(c)).unwrap_or_default(),
                    kind: check[i].as_deref().map(|c| ctx.term(Term::Check, c)).unwrap_or_default(),
                    severity: severity[i].as_deref().map(|s| ctx.term(Term::Severity, s)).unwrap_or_default(),
                    severe,
                    message: message[i].as_deref().map(|m| ctx.sentence(m)).unwrap_or_default(),
                });
            }
        }
        let (warnings, notes) = diagnostics.into_iter().partition(|r| r.severe);
        Ok(Quality { intake, excluded, warnings, notes })
    }
}

/// A unit's score, rank and coverage on one dimension.
type DimCell = (Option<f64>, Option<i64>, Option<f64>);

/// `items` grouped by their unit code, in their order.
fn by_unit<'a, T>(items: impl IntoIterator<Item = T>, unit: impl Fn(&T) -> &'a str) -> HashMap<&'a str, Vec<T>> {
    let mut out: HashMap<&str, Vec<T>> = HashMap::new();
    for item in items {
        out.entry(unit(&item)).or_default().push(item);
    }
    out
}

fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(crate::stats::quantile(&v, 0.5))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_safe_ids() {
        assert_eq!(anchor("SYN-01"), "u-SYN-01");
        assert_eq!(anchor("四棵树镇"), "u-x56dbx68f5x6811x9547");
        assert_eq!(anchor("a b"), "u-ax20b");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(fmt::value(1060.0), "1060");
        assert_eq!(fmt::value(95.333_333), "95.33");
        assert_eq!(fmt::signed(-3.5), "−3.5");
        assert_eq!(fmt::signed(120.0), "+120");
        assert_eq!(fmt::score(Some(0.04)), "0.0");
        assert_eq!(fmt::pct(Some(0.667)), "67%");
    }

    #[test]
    fn colours_follow_status_and_achievement() {
        assert_eq!(rag("met", None), "green");
        assert_eq!(rag("missed", Some(0.95)), "amber");
        assert_eq!(rag("missed", Some(0.5)), "red");
        assert_eq!(rag("no_data", None), "grey");
    }
}
