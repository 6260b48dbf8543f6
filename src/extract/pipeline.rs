//! The pipeline of one report: numbers found, claimed by a rule or the lexicon, checked against
//! plans, other years, changes and schedules, then one value per indicator.

use std::collections::HashMap;

use super::engine::{Engine, Hit, first_match, rmatch};
use super::lexicon::{DocIndex, LEXICON_BAR, Reading};
use super::rules::Rules;
use super::scan::{Candidate, Kind, scan, table_cells};
use super::text::Doc;
use super::title::{detect_title, planning_section_start};
use super::{ExtractOptions, ExtractedValue, Extraction, SkipReason, Unmatched};
use crate::model::{Interval, Measure};

/// The `rule` of values the lexicon maps.
pub const LEXICON_RULE: &str = "lexicon";
/// The `rule` of zeros said in words (全年未发生越级上访).
pub const LEXICON_ZERO_RULE: &str = "lexicon_zero";

/// An indicator claiming a number, from a rule or the lexicon.
struct Claim {
    indicator: usize,
    rule: String,
    confidence: f64,
    matched: String,
}

/// Characters of a sentence, either side of a number, that its reading looks at.
const SENTENCE_REACH: usize = 200;

/// True when `cand` stands after 其中 in its sentence together with at least one other number of
/// the same measure word there: a breakdown of a total into parts.
fn in_breakdown(doc: &Doc, cand: &Candidate, numbers: &[(usize, Option<String>)]) -> bool {
    let (ss, se) = doc.sentence(cand.start);
    let ss = ss.max(cand.start.saturating_sub(SENTENCE_REACH));
    let se = se.min(cand.end + SENTENCE_REACH);
    let Some(from) = (ss..cand.start.saturating_sub(1)).rev().find(|&i| doc.norm[i] == '其' && doc.norm[i + 1] == '中') else {
        return false;
    };
    let measure = cand.measure_key();
    let k = numbers.partition_point(|(s, _)| *s <= from);
    numbers[k..].iter().take_while(|(s, _)| *s < se).filter(|(_, m)| *m == measure).count() >= 2
}

/// The normalised words before `start` in its clause, after the previous number (at most 16).
fn lead_of(doc: &Doc, marks: &[(usize, usize)], start: usize) -> String {
    let (cs, _) = doc.clause(start);
    let k = marks.partition_point(|m| m.0 < start);
    let left = if k > 0 { marks[k - 1].1.min(start) } else { 0 }.max(cs).max(start.saturating_sub(16));
    doc.norm_str(left, start).trim().to_string()
}

/// The lexicon's reading of a value candidate, within its clause and between its neighbours.
/// `marks` are the spans of every number that is not structural; `values` of the values only (a
/// slogan or a date after an object does not make it counted).
fn lexicon_reading(
    doc: &Doc,
    engine: &Engine<'_>,
    index: &DocIndex,
    marks: &[(usize, usize)],
    values: &[(usize, usize)],
    cand: &Candidate,
) -> Reading {
    let Some(measure) = cand.measure_key() else {
        return Reading::default();
    };
    let clause = doc.clause(cand.start);
    // 分别12次、8次: the numbers go to the objects in order; the lexicon does not guess.
    if doc.has(clause.0, cand.start, "分别") {
        return Reading::default();
    }
    // The sentence, at most SENTENCE_REACH characters either side: a sentence of thousands of
    // characters (a page without 。) must not make every number's reading linear in it.
    let (ss, se) = doc.sentence(cand.start);
    let sentence = (ss.max(cand.start.saturating_sub(SENTENCE_REACH)), se.min(cand.end + SENTENCE_REACH));
    let k = marks.partition_point(|m| m.0 < cand.start);
    let left = if k > 0 { marks[k - 1].1.min(cand.start) } else { 0 }.max(clause.0);
    let right = marks.get(k + 1).map_or(clause.1, |m| m.0).min(clause.1).max(cand.end);
    // A number right after another (58批310余人次) shares that number's words.
    let paired = (k > 0 && cand.start.saturating_sub(marks[k - 1].1) <= 1 && marks[k - 1].0 > clause.0).then(|| {
        let before = if k > 1 { marks[k - 2].1.min(marks[k - 1].0) } else { 0 };
        (before.max(clause.0), marks[k - 1].0)
    });
    engine.lexicon.read(doc, index, cand.start, cand.end, &measure, left, right, clause, sentence, paired, values)
}

/// Zeros said in words (全年未发生越级上访, 无行政诉讼案件): the value 0 for lexicon entries marked
/// `zero`, outside plans and other years, and only when no number stands in the clause.
#[allow(clippy::too_many_arguments)]
fn zero_values(
    doc: &Doc,
    engine: &Engine<'_>,
    index: &DocIndex,
    candidates: &[Candidate],
    plan_start: Option<usize>,
    year: Option<i32>,
    mapped: &mut Vec<Mapped>,
    unmatched: &mut Vec<Unmatched>,
) {
    let numbers: Vec<usize> = candidates.iter().filter(|c| c.value().is_some()).map(|c| c.start).collect();
    let blocked = |s: usize, _e: usize| {
        let (cs, ce) = doc.clause(s);
        let k = numbers.partition_point(|x| *x < cs);
        if numbers.get(k).is_some_and(|x| *x < ce) {
            return true;
        }
        let probe = Candidate { start: s, end: s, core_end: s, chinese: false, kind: Kind::Silent };
        context_reason(doc, &probe, plan_start, year).is_some_and(|r| r != SkipReason::Change)
    };
    let zeros = engine.lexicon.zeros(doc, index, &blocked);
    for &(zs, ze) in &engine.lexicon.zero_words(index) {
        if !zeros.iter().any(|(_, z, _)| z.0 < ze && zs < z.1) {
            unmatched.push(Unmatched {
                text: doc.orig_str(zs, ze),
                start: zs,
                end: ze,
                reason: SkipReason::NoRule,
                detail: "a zero said in words; no indicator's words follow it".into(),
                context: doc.quote(zs),
                indicator: None,
                confidence: None,
                lead: String::new(),
            });
        }
    }
    for (e, (zs, ze), (os, oe)) in zeros {
        let indicator = engine.lexicon.entries[e].indicator;
        if mapped.iter().any(|m| m.indicator == indicator) {
            continue;
        }
        let ind = &engine.catalogue.indicators[indicator];
        mapped.push(Mapped {
            indicator,
            value: ExtractedValue {
                indicator: ind.code.clone(),
                text: doc.orig_str(zs, ze),
                value: "0".into(),
                interval: Interval::exact(0.0),
                percent: false,
                measure_word: None,
                quote: doc.quote(zs),
                start: zs,
                end: ze,
                rule: LEXICON_ZERO_RULE.into(),
                matched: format!("{} + {}", doc.norm_str(zs, ze), doc.norm_str(os, oe)),
                confidence: 0.85,
            },
        });
    }
}

/// A value mapped before duplicates and conflicts are settled.
struct Mapped {
    value: ExtractedValue,
    indicator: usize,
}

pub(crate) fn run(text: &str, engine: &Engine<'_>, rules: &Rules, options: &ExtractOptions) -> Extraction {
    let doc = Doc::new(text);
    let catalogue = engine.catalogue;
    let (title, title_unit, title_year) = detect_title(&doc);
    // What the options give fills in what the title leaves out; it replaces the title only when forced.
    let unit = if options.force_unit { options.unit.clone().or(title_unit.clone()) } else { title_unit.clone().or(options.unit.clone()) };
    let year = if options.force_year { options.year.or(title_year) } else { title_year.or(options.year) };
    let mut candidates = scan(&doc);
    table_cells(&doc, &mut candidates);
    let value_starts: Vec<usize> = candidates.iter().filter(|c| c.value().is_some()).map(|c| c.start).collect();
    let plan_start = planning_section_start(&doc);
    let mut mapped: Vec<Mapped> = Vec::new();
    let mut unmatched: Vec<Unmatched> = Vec::new();
    let mut trigger_spans: Vec<(usize, usize)> = Vec::new();
    let mut pending_no_rule: Vec<Unmatched> = Vec::new();

    let index = engine.lexicon.index(&doc);
    // Spans of every number that is not structural: a phrase belongs to the nearest number.
    let marks: Vec<(usize, usize)> = candidates.iter().filter(|c| !matches!(c.kind, Kind::Silent)).map(|c| (c.start, c.end)).collect();
    let unmatched_of = |c: &Candidate, reason: SkipReason, detail: String, indicator: Option<String>| Unmatched {
        text: doc.orig_str(c.start, c.end),
        start: c.start,
        end: c.end,
        reason,
        detail,
        context: doc.quote(c.start),
        indicator,
        confidence: None,
        lead: lead_of(&doc, &marks, c.start),
    };

    let value_marks: Vec<(usize, usize)> = candidates.iter().filter(|c| c.value().is_some()).map(|c| (c.start, c.end)).collect();
    let value_starts_measures: &[(usize, Option<String>)] =
        &candidates.iter().filter(|c| c.value().is_some()).map(|c| (c.start, c.measure_key())).collect::<Vec<_>>();
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
        let mut claims: Vec<Claim> = Vec::new();
        if hits.is_empty() {
            let reading =
                if options.use_lexicon { lexicon_reading(&doc, engine, &index, &marks, &value_marks, cand) } else { Reading::default() };
            if !reading.taken.is_empty() {
                for c in &reading.taken {
                    let indicator = engine.lexicon.entries[c.entry].indicator;
                    claims.push(Claim { indicator, rule: LEXICON_RULE.into(), confidence: c.confidence, matched: c.why.clone() });
                }
            } else if let Some(b) = reading.below_bar {
                let code = catalogue.indicators[engine.lexicon.entries[b.entry].indicator].code.clone();
                let mut u = unmatched_of(
                    cand,
                    SkipReason::LowConfidence,
                    format!("best candidate {code} ({}), confidence {:.2} below the bar {LEXICON_BAR:.2}", b.why, b.confidence),
                    Some(code),
                );
                u.confidence = Some(b.confidence);
                unmatched.push(u);
                continue;
            } else if let Some(h) = engine.hits(&doc, cand, &value_starts, false).first() {
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
                continue;
            } else if let Some(e) = reading.measure_mismatch {
                let code = catalogue.indicators[engine.lexicon.entries[e].indicator].code.clone();
                let detail = format!("the words fit {code}, but its measure words are not {:?}", cand.measure_key().unwrap_or_default());
                unmatched.push(unmatched_of(cand, SkipReason::MeasureMismatch, detail, Some(code)));
                continue;
            } else {
                pending_no_rule.push(unmatched_of(
                    cand,
                    SkipReason::NoRule,
                    "no rule's trigger or lexicon phrase stands in this clause".into(),
                    None,
                ));
                continue;
            }
        } else {
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
            let shared = best.before && shares(&doc, best, cand.start);
            for hit in chosen {
                let er = &engine.number_rules[hit.rule];
                trigger_spans.push(hit.trigger);
                claims.push(Claim {
                    indicator: er.indicator,
                    rule: er.rule.spec.id.clone(),
                    confidence: engine.confidence(hit, cand.chinese),
                    matched: doc.norm_str(hit.trigger.0, hit.trigger.1),
                });
            }
            // 参考率和合格率均为100%: a rule names one of the shared objects, the lexicon the others.
            if shared && options.use_lexicon {
                let reading = lexicon_reading(&doc, engine, &index, &marks, &value_marks, cand);
                for c in reading.taken.iter().filter(|c| !c.inherited) {
                    let indicator = engine.lexicon.entries[c.entry].indicator;
                    if claims.iter().all(|x| x.indicator != indicator) {
                        claims.push(Claim { indicator, rule: LEXICON_RULE.into(), confidence: c.confidence, matched: c.why.clone() });
                    }
                }
            }
        }
        for claim in claims {
            let ind = &catalogue.indicators[claim.indicator];
            let code = Some(ind.code.clone());
            if let Some(reason) = context_reason(&doc, cand, plan_start, year) {
                let detail = match reason {
                    SkipReason::Planned => "the sentence states a plan or target, not a result",
                    SkipReason::OtherYear => "the clause is about another year or several years",
                    SkipReason::Schedule => "the number is a rule of frequency (每季度1次), not a count",
                    SkipReason::Duplicate => "the figure is said to be counted already (已计入…)",
                    _ => "the number is a change, not a level",
                };
                unmatched.push(unmatched_of(cand, reason, detail.into(), code));
                continue;
            }
            if let Some(problem) = out_of_range(ind.measure, &parsed.interval) {
                unmatched.push(unmatched_of(cand, SkipReason::Unreadable, format!("{problem} for {}", ind.code), code));
                continue;
            }
            // 人均3份: a per-person figure is no total (per-village averages have their own indicators).
            let near = cand.start.saturating_sub(4);
            if ind.measure != Measure::Average && ["人均", "每人", "户均", "每户", "每名"].iter().any(|w| doc.has(near, cand.start, w))
            {
                unmatched.push(unmatched_of(
                    cand,
                    SkipReason::PerPerson,
                    format!("a per-person figure, not a total of {}", ind.code),
                    code,
                ));
                continue;
            }
            // 其中A 2件、B 10件、C 1件: a breakdown (two or more numbers with one measure word after
            // 其中) is parts of a total; the lexicon does not take its members as values.
            if claim.rule == LEXICON_RULE && in_breakdown(&doc, cand, value_starts_measures) {
                unmatched.push(unmatched_of(cand, SkipReason::Part, "a member of a breakdown (其中…) of a total".into(), code));
                continue;
            }
            // 共55条，其中应急管理1条: a part of a total of the same indicator, not its value.
            let (ss, _) = doc.sentence(cand.start);
            if let Some(total) = mapped
                .iter()
                .rev()
                .take_while(|m| m.value.start >= ss)
                .find(|m| m.indicator == claim.indicator && m.value.end <= cand.start)
                && doc.has(total.value.end, cand.start, "其中")
            {
                let detail = format!("a part (其中…) of the total {:?} of {} stated before it", total.value.text, ind.code);
                unmatched.push(unmatched_of(cand, SkipReason::Part, detail, code));
                continue;
            }
            let confidence = claim.confidence;
            if confidence < options.min_confidence {
                let mut u = unmatched_of(cand, SkipReason::LowConfidence, format!("confidence {confidence:.2}"), code);
                u.confidence = Some(confidence);
                unmatched.push(u);
                continue;
            }
            let written = doc.orig_str(cand.start, cand.end);
            mapped.push(Mapped {
                indicator: claim.indicator,
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
                    rule: claim.rule,
                    matched: claim.matched,
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
    if options.use_lexicon {
        zero_values(&doc, engine, &index, &candidates, plan_start, year, &mut mapped, &mut unmatched);
    }
    let values = settle(mapped, &doc, &mut unmatched);
    unmatched.sort_by_key(|u| (u.start, u.end));
    Extraction {
        source: None,
        format: None,
        encoding: None,
        title,
        unit,
        year,
        stated_unit: title_unit,
        stated_year: title_year,
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
    let (ss, _) = doc.sentence(cand.start);
    let ss = ss.max(cand.start.saturating_sub(SENTENCE_REACH));
    let in_clause = |w: &&str| doc.has(cs, ce, w);
    let in_lead = |w: &&str| doc.has(ss, cand.start, w);
    // A figure already counted elsewhere (已计入上表) is not a new value.
    let tail_end = (cand.end + 8).min(ce.max(cand.end));
    if ["已计入", "已含", "已统计在", "含在"].iter().any(|w| doc.has(cand.end, tail_end, w)) {
        return Some(SkipReason::Duplicate);
    }
    if PLAN_WORDS.iter().any(|w| plan_word_in(doc, cs, ce, w)) {
        return Some(SkipReason::Planned);
    }
    // A strong plan word earlier in the sentence governs the clauses after it (力争…，…突破160名).
    if ["力争", "争取", "预计"].iter().any(in_lead) {
        return Some(SkipReason::Planned);
    }
    if OTHER_YEAR_WORDS.iter().any(in_clause) {
        return Some(SkipReason::OtherYear);
    }
    // Several years at once: “十四五”期间…累计, 五年来.
    if (["十四五", "十三五"].iter().any(in_lead) && ["期间", "以来"].iter().any(in_lead))
        || ["五年来", "三年来", "两年来", "多年来"].iter().any(in_lead)
    {
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
    if CHANGE_WORDS.iter().any(|w| doc.ends_with(cand.start, w)) || doc.has(cs, cand.start, "新增") {
        return Some(SkipReason::Change);
    }
    let near = cand.start.saturating_sub(10).max(cs);
    if SCHEDULE_WORDS.iter().any(|w| doc.has(near, cand.start, w)) {
        return Some(SkipReason::Schedule);
    }
    None
}

/// True when the plan word `w` stands in `[cs, ce)` as a plan. 计划 after 按照/根据/按… names the
/// plan a done thing followed (按照学法计划集体学法23次, 根据年度工作计划开展…N次): that is not a plan.
fn plan_word_in(doc: &Doc, cs: usize, ce: usize, w: &str) -> bool {
    if w != "计划" {
        return doc.has(cs, ce, w);
    }
    let n = w.chars().count();
    (cs..ce.saturating_sub(n - 1)).filter(|&k| doc.starts_with(k, w)).any(|k| {
        let lo = k.saturating_sub(8).max(cs);
        !(FOLLOWED_PLAN.iter().any(|f| doc.has(lo, k, f)) || (k > cs && doc.norm[k - 1] == '按'))
    })
}

/// Verbs before 计划 that say a plan was followed, not made.
const FOLLOWED_PLAN: &[&str] = &["按照", "根据", "依据", "对照"];

/// Words that make the number after them a rule of frequency.
const SCHEDULE_WORDS: &[&str] =
    &["每季度", "每月", "每周", "每年", "每半年", "每学期", "每两月", "每两个月", "每天", "每日", "每星期", "每旬"];

/// A value that cannot be right for its indicator's measure.
pub(crate) fn out_of_range(measure: Measure, iv: &Interval) -> Option<&'static str> {
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
                    // An exclude word counts in the clauses of the match only: 续聘律师担任镇级法律顾问，
                    // 各村社也都聘请了律师 names the town's adviser and then the villages'.
                    let (xs, xe) = (doc.clause(ms).0, doc.clause(me.saturating_sub(1).max(ms)).1);
                    let excluded = rule.exclude.iter().any(|x| rmatch(doc, x, xs, xe).is_some());
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
                    matched: doc.norm_str(ms, me),
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
        confidence: None,
        lead: String::new(),
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
