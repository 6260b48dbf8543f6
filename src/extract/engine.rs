//! Matching numbers to rules (bound to the catalogue in `rules`) and the lexicon.

use std::sync::Arc;

use super::lexicon::Matcher;
use super::rules::{BoundRule, Pattern, Rules};
use super::scan::Candidate;
use super::text::{Doc, find, rfind};
use crate::error::Result;
use crate::model::Catalogue;

/// The enabled rules of a rule set bound to a catalogue, and the lexicon's matcher.
pub(crate) struct Engine<'a> {
    pub catalogue: &'a Catalogue,
    pub number_rules: Vec<BoundRule<'a>>,
    pub presence_rules: Vec<BoundRule<'a>>,
    pub lexicon: Arc<Matcher>,
}

/// A rule that claims a number.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// Index into `Engine::number_rules`.
    pub rule: usize,
    /// Characters between the trigger and the number.
    pub gap: usize,
    /// Characters of the trigger pattern.
    pub len: usize,
    /// The trigger's span in the document.
    pub trigger: (usize, usize),
    /// The trigger stands before the number.
    pub before: bool,
    pub wildcard: bool,
}

impl<'a> Engine<'a> {
    pub fn new(catalogue: &'a Catalogue, rules: &'a Rules) -> Result<Self> {
        let (number_rules, presence_rules) = rules.bind(catalogue)?;
        let lexicon = Matcher::shared(catalogue, &rules.lexicon)?;
        Ok(Self { catalogue, number_rules, presence_rules, lexicon })
    }

    /// The rules whose triggers match around `cand`. With `check_measure`, only rules accepting
    /// the candidate's measure word; `value_starts` (sorted) are the starts of all value
    /// candidates: no other number may stand between a trigger and its number.
    pub fn hits(&self, doc: &Doc, cand: &Candidate, value_starts: &[usize], check_measure: bool) -> Vec<Hit> {
        let Some(measure) = cand.measure_key() else {
            return Vec::new();
        };
        let (cs, ce) = doc.clause(cand.start);
        let mut sentence: Option<(usize, usize)> = None;
        let mut hits = Vec::new();
        let between = |a: usize, b: usize| {
            let k = value_starts.partition_point(|s| *s < a);
            value_starts.get(k).is_some_and(|s| *s < b)
        };
        for (index, er) in self.number_rules.iter().enumerate() {
            let rule = er.rule;
            if check_measure && !er.measure_words.contains(&measure) {
                continue;
            }
            let mut best: Option<Hit> = None;
            let mut consider = |hit: Hit| {
                if best.as_ref().is_none_or(|b| (hit.gap, std::cmp::Reverse(hit.len)) < (b.gap, std::cmp::Reverse(b.len))) {
                    best = Some(hit);
                }
            };
            for p in &rule.before {
                if let Some((s, e)) = rmatch(doc, p, cs, cand.start) {
                    let gap = cand.start - e;
                    if gap <= rule.window() && !between(e, cand.start) {
                        consider(Hit { rule: index, gap, len: p.len, trigger: (s, e), before: true, wildcard: p.is_wildcard() });
                    }
                }
            }
            for p in &rule.after {
                if let Some((s, e)) = lmatch(doc, p, cand.end, ce, cand.end + rule.window_after()) {
                    let gap = s - cand.end;
                    // 2次经济纠纷 but not 4次、宅基地纠纷: a list mark ends the number's phrase.
                    let listed = doc.norm[cand.end..s].iter().any(|c| matches!(c, '、' | ',' | '，' | ';' | '；' | '和' | '及'));
                    if !between(cand.end, s) && !listed {
                        consider(Hit { rule: index, gap, len: p.len, trigger: (s, e), before: false, wildcard: p.is_wildcard() });
                    }
                }
            }
            let Some(hit) = best else { continue };
            if rule.exclude.iter().any(|p| rmatch(doc, p, cs, ce).is_some()) {
                continue;
            }
            if !rule.require.is_empty() {
                let (ss, se) = *sentence.get_or_insert_with(|| doc.sentence(cand.start));
                if !rule.require.iter().any(|p| rmatch(doc, p, ss, se).is_some()) {
                    continue;
                }
            }
            hits.push(hit);
        }
        let priority = |h: &Hit| self.number_rules[h.rule].rule.spec.priority;
        hits.sort_by(|a, b| priority(b).cmp(&priority(a)).then(a.gap.cmp(&b.gap)).then(b.len.cmp(&a.len)).then(a.rule.cmp(&b.rule)));
        hits
    }

    /// Confidence of a hit: the rule's, less 0.01 a character of gap (at most 0.3), less 0.05
    /// for a wildcard trigger and 0.05 for a number in Chinese numerals.
    pub fn confidence(&self, hit: &Hit, chinese: bool) -> f64 {
        let base = self.number_rules[hit.rule].rule.confidence();
        let c = base - (hit.gap as f64 * 0.01).min(0.3) - if hit.wildcard { 0.05 } else { 0.0 } - if chinese { 0.05 } else { 0.0 };
        c.clamp(0.05, 1.0)
    }
}

/// The rightmost match of `p` within `[lo, hi)`: `(start, end)`.
pub(crate) fn rmatch(doc: &Doc, p: &Pattern, lo: usize, hi: usize) -> Option<(usize, usize)> {
    let mut limit = hi;
    let mut end = None;
    let mut start = lo;
    for part in p.parts.iter().rev() {
        let s = rfind(&doc.norm, lo, limit, part)?;
        if end.is_none() {
            end = Some(s + part.len());
        }
        limit = s;
        start = s;
    }
    end.map(|e| (start, e))
}

/// The leftmost match of `p` within `[lo, hi)` whose first part starts at or before `max_start`.
pub(crate) fn lmatch(doc: &Doc, p: &Pattern, lo: usize, hi: usize, max_start: usize) -> Option<(usize, usize)> {
    let first = p.parts.first()?;
    let s = find(&doc.norm, lo, hi.min(max_start + first.len()), first)?;
    let mut pos = s + first.len();
    for part in &p.parts[1..] {
        let t = find(&doc.norm, pos, hi, part)?;
        pos = t + part.len();
    }
    Some((s, pos))
}

/// The leftmost match of `p` anywhere within `[lo, hi)`.
pub(crate) fn first_match(doc: &Doc, p: &Pattern, lo: usize, hi: usize) -> Option<(usize, usize)> {
    lmatch(doc, p, lo, hi, hi)
}
