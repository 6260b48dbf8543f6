//! The lexicon mapper: a number's clause read into its parts and mapped by its object phrase.
//!
//! Rules (`datasets/rules.toml`) are specific overrides and are tried first. A number no rule
//! claims is read here into:
//!
//! - its **object phrase**: the nearest object word of an entry before the number in the same
//!   clause (`发放宣传折页500余份` → 折页), right after it (`调解2次经济纠纷`, `发放1000余份宣传资料`),
//!   or, when the clause has only a verb, in an earlier clause of the sentence
//!   (`排查矛盾纠纷210起，成功化解198起` → 化解 + 矛盾纠纷);
//! - its **action verb** (发放, 排查, 化解, 受理), which tells apart entries that share an object;
//! - its **measure word** (份, 人次, %), a hard constraint: the entry must accept it;
//! - its **scope**: a per-village word (平均每村, 每个行政村, 村均) is required by an average
//!   indicator and forbids a total.
//!
//! The entry with the best score wins when it clears [`LEXICON_BAR`] and no entry of another
//! indicator comes within [`AMBIGUITY_MARGIN`]; otherwise the number stays unmatched with its best
//! candidate (reason `low_confidence`). The catalogue's names and aliases, less their 次数/人数
//! endings, are phrases of their indicator too, so a new catalogue entry is matched by its name.
//!
//! All phrases are found in one pass over the document with an Aho–Corasick automaton
//! (`aho-corasick`, the matcher behind the `regex` crate), so the cost per number is a binary
//! search and a handful of nearby matches. A word segmenter (jieba and the like) was considered
//! and not used: its general-text dictionary splits the domain's compounds (法律明白人, 调委会,
//! 会前学法) unpredictably, while exact phrases on normalised characters are deterministic,
//! explainable in the `detail` of every value and fast.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::{Deserialize, Serialize};

use super::text::{Doc, normalize_str};
use crate::error::{Error, Location, Result};
use crate::model::value::MEASURE_WORDS;
use crate::model::{Catalogue, Measure};

/// The lexicon bundled with the crate (`datasets/lexicon.toml`).
pub const DEFAULT_LEXICON_TOML: &str = include_str!("../../datasets/lexicon.toml");

/// Values mapped by the lexicon below this confidence stay unmatched with their best candidate.
pub const LEXICON_BAR: f64 = 0.70;
/// A best candidate within this much of another indicator's is ambiguous and not taken.
pub const AMBIGUITY_MARGIN: f64 = 0.03;

/// Characters before a number searched for its object phrase.
const LEFT_REACH: usize = 40;
/// Characters after a number (and its measure word) searched for a following object
/// (`调解2次经济纠纷`); each character between costs 0.02.
const RIGHT_REACH: usize = 2;
/// An object further than this from the number (in its clause) does not count.
const MAX_GAP: usize = 24;

/// Words that make a number a per-village (or per-unit) average.
const PER_VILLAGE: &[&str] = &[
    "平均每个行政村",
    "平均一个行政村",
    "平均每个村",
    "平均每村",
    "每个行政村",
    "每个村",
    "每村",
    "村均",
    "每个社区",
    "每社区",
    "平均每个社区",
];

/// Words that make a number a per-person (per-household) figure: no indicator reads it.
const PER_PERSON: &[&str] = &["人均", "每人", "平均每人", "每户", "户均", "每名"];

/// Words between the objects and a value they share (参学率和合格率均为100%).
const SHARED: &[&str] = &["均为", "均达", "均已", "均是", "均在", "均保持", "均超过", "都是", "都达", "都为", "都在"];

/// Words before an object that say it did not happen: the value 0.
const ZERO_BEFORE: &[&str] = &["未发生", "没有发生", "未出现", "没有出现", "杜绝", "无", "未制定", "未出台", "没有制定"];
/// Words after an object that say the same (越级上访零发生).
const ZERO_AFTER: &[&str] = &["零发生", "为零", "零上访", "零记录"];

/// Words that carry the object of an earlier clause to this number (新增示范村两个，累计达到五个).
const CARRY: &[&str] = &["累计达到", "累计达", "总数达到", "总数达", "总数为", "合计", "共计", "累计"];

/// The bonus of the object nearest the number: the head noun of the phrase (讲座等服务96次 counts
/// 服务, not 讲座).
const HEAD_BONUS: f64 = 0.04;
/// Nouns that belong to no indicator but are the head of a phrase when they stand last
/// (“人人登台讲法治”活动20余场: 活动, not 讲法): an object further left is then not what is counted.
const HEADS: &[&str] = &["活动", "程序", "环节", "类别", "种类", "方面", "领域"];

/// The penalty of an object with another object phrase (of any entry) between it and the number:
/// a modifier or a list member, not what is counted.
const NOT_HEAD: f64 = 0.10;

/// One lexicon entry as written in `lexicon.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconEntrySpec {
    /// The catalogue code.
    pub indicator: String,
    /// What is counted: 宣传资料, 折页, 矛盾纠纷.
    #[serde(default)]
    pub objects: Vec<String>,
    /// Verbs that go with the objects: 发放, 排查, 化解.
    #[serde(default)]
    pub actions: Vec<String>,
    /// An object alone is not enough; a verb of this entry must stand with it.
    #[serde(default)]
    pub need_action: bool,
    /// Accepted measure words, `%` for rates. Empty: the indicator's `unit_word`.
    #[serde(default)]
    pub measure_words: Vec<String>,
    /// None of these may stand in the number's clause (for an object carried from an earlier
    /// clause: in the sentence up to the number's clause end).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// None of these may stand anywhere in the number's sentence.
    #[serde(default)]
    pub exclude_sentence: Vec<String>,
    /// One of these must stand in the number's sentence (empty: no condition).
    #[serde(default)]
    pub require: Vec<String>,
    /// `per_village`: a per-village average (the default for `average` indicators); `total`.
    #[serde(default)]
    pub scope: Option<String>,
    /// "未发生/无 + object" states the value 0.
    #[serde(default)]
    pub zero: bool,
    /// The objects name who acts (中心组, 领导班子), and a clause may leave them out: "将…纳入
    /// 党委理论学习中心组学习内容，全年组织专题学习3次". Such an object anywhere earlier in the
    /// sentence is carried to a number whose own verb (of this entry) stands right next to it,
    /// whether or not a number followed it in its own clause.
    #[serde(default)]
    pub body: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    version: String,
    #[serde(default)]
    entries: Vec<LexiconEntrySpec>,
}

/// A set of lexicon entries, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexicon {
    pub version: String,
    /// `<bundled>`, a path, or `a + b` after a merge.
    pub origin: String,
    pub entries: Vec<LexiconEntrySpec>,
}

impl Default for Lexicon {
    fn default() -> Self {
        Self::default_lexicon()
    }
}

impl Lexicon {
    /// The bundled lexicon (`datasets/lexicon.toml`); checked by the test suite.
    pub fn default_lexicon() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_toml_str(DEFAULT_LEXICON_TOML, "<bundled>").expect("the bundled lexicon is valid (tested)")
    }

    /// An empty lexicon: only rules map numbers.
    pub fn empty() -> Self {
        Self { version: String::new(), origin: "<none>".into(), entries: Vec::new() }
    }

    /// Parses a lexicon from TOML text; `origin` names the file in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| {
            Error::input(
                Location::of_toml(origin, text, &e),
                format!("bad lexicon file: {} (see datasets/lexicon.toml for the fields of an entry)", e.message()),
            )
        })?;
        for e in &file.entries {
            let err = |m: String| Error::input(Location::file(origin).with_indicator(&e.indicator), m);
            if e.objects
                .iter()
                .chain(&e.actions)
                .chain(&e.exclude)
                .chain(&e.require)
                .chain(&e.exclude_sentence)
                .any(|w| w.trim().is_empty())
            {
                return Err(err(format!("lexicon entry {}: a phrase is empty", e.indicator)));
            }
            if e.objects.is_empty() {
                return Err(err(format!("lexicon entry {}: give at least one object phrase", e.indicator)));
            }
            if e.need_action && e.actions.is_empty() {
                return Err(err(format!("lexicon entry {}: need_action is set but no actions are listed", e.indicator)));
            }
            if let Some(s) = &e.scope
                && s != "per_village"
                && s != "total"
            {
                return Err(err(format!("lexicon entry {}: scope {s:?} must be \"per_village\" or \"total\"", e.indicator)));
            }
            for m in &e.measure_words {
                let m = normalize_str(m);
                if m != "%" && !MEASURE_WORDS.contains(&m.as_str()) {
                    return Err(err(format!(
                        "lexicon entry {}: measure word {m:?} is not one fazhi reads after a number; use \"%\" or one of {}",
                        e.indicator,
                        MEASURE_WORDS.join(" ")
                    )));
                }
            }
        }
        Ok(Self { version: file.version, origin: origin.to_string(), entries: file.entries })
    }

    /// Reads a lexicon file on its own.
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = crate::io::file::read_utf8(path, crate::io::MAX_CONFIG_BYTES, "lexicon")?;
        Self::from_toml_str(&text, &name)
    }

    /// These entries extended by `other`'s: an entry of `other` for an indicator replaces the
    /// entries of that indicator here.
    #[must_use]
    pub fn merge(mut self, other: Lexicon) -> Self {
        let replaced: Vec<&str> = other.entries.iter().map(|e| e.indicator.as_str()).collect();
        self.entries.retain(|e| !replaced.contains(&e.indicator.as_str()));
        self.entries.extend(other.entries);
        self.origin = format!("{} + {}", self.origin, other.origin);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Object,
    /// A catalogue name or alias (less its counting ending): an object of its indicator that,
    /// unlike a lexicon object, never swallows the shorter objects of other entries (the name
    /// 接待来访群众 must not hide 来访群众 from the visit batches).
    Name,
    Action,
    Exclude,
    Require,
    ExcludeSentence,
    PerVillage,
    ZeroBefore,
    ZeroAfter,
    Carry,
    PerPerson,
}

/// One phrase of the automaton: what it stands for, per entry.
struct Phrase {
    uses: Vec<(u32, Role)>,
}

/// A lexicon entry bound to a catalogue indicator.
pub(crate) struct BoundEntry {
    pub indicator: usize,
    measure_words: Vec<String>,
    need_action: bool,
    per_village: bool,
    zero: bool,
    has_require: bool,
    body: bool,
    /// The object phrases, normalised (to tell a modifier that completes a phrase with its head).
    objects: Vec<String>,
}

/// The lexicon checked against a catalogue, with its automaton.
pub(crate) struct Matcher {
    pub entries: Vec<BoundEntry>,
    phrases: Vec<Phrase>,
    automaton: Option<AhoCorasick>,
}

/// A phrase found in a document: `[start, end)` in characters.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    phrase: u32,
}

/// The phrases of one document, sorted by end; phrases inside 《…》 (a law's or a document's
/// title: 《行政复议法》) are left out, since a title names no activity.
pub(crate) struct DocIndex {
    found: Vec<Found>,
}

/// A zero said in words: (entry, span of the zero word, span of the object).
pub(crate) type ZeroFound = (usize, (usize, usize), (usize, usize));

/// What the lexicon says of one number.
#[derive(Debug, Clone)]
pub(crate) struct Claim {
    /// Index into `Matcher::entries`.
    pub entry: usize,
    pub confidence: f64,
    /// The object phrase's span.
    pub object: (usize, usize),
    /// The object was named in an earlier clause.
    pub inherited: bool,
    /// Text for `detail`: 对象“折页”+动词“发放”.
    pub why: String,
}

/// The lexicon's reading of one number: the claims taken (several when 均 shares a value) or
/// the best one below the bar, and a candidate whose measure word did not fit.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reading {
    pub taken: Vec<Claim>,
    pub below_bar: Option<Claim>,
    /// An entry whose phrase matched but which does not accept the measure word.
    pub measure_mismatch: Option<usize>,
}

/// What a matcher is built from: compared field by field (a memcmp) to find a built matcher again.
struct CacheKey {
    indicators: Vec<(String, String, Vec<String>, Measure, String)>,
    lexicon: Lexicon,
}

impl CacheKey {
    fn of(catalogue: &Catalogue, lexicon: &Lexicon) -> Self {
        let indicators = catalogue
            .indicators
            .iter()
            .map(|i| (i.code.clone(), i.name_zh.clone(), i.aliases.clone(), i.measure, i.unit_word.clone()))
            .collect();
        Self { indicators, lexicon: lexicon.clone() }
    }

    fn matches(&self, catalogue: &Catalogue, lexicon: &Lexicon) -> bool {
        self.lexicon == *lexicon
            && self.indicators.len() == catalogue.indicators.len()
            && self.indicators.iter().zip(&catalogue.indicators).all(|((code, name, aliases, measure, unit), i)| {
                *code == i.code && *name == i.name_zh && *aliases == i.aliases && *measure == i.measure && *unit == i.unit_word
            })
    }
}

/// The catalogue name of an indicator, less the ending that names what is counted.
fn name_phrase(name: &str, measure: Measure) -> Option<String> {
    let mut s = normalize_str(name).replace(['“', '”', '"', '《', '》'], "");
    if let (Some(a), Some(b)) = (s.find(['（', '(']), s.rfind(['）', ')']))
        && a < b
    {
        let close = s[b..].chars().next().map_or(1, char::len_utf8);
        s = format!("{}{}", &s[..a], &s[b + close..]);
    }
    if measure != Measure::Percent {
        for ending in ["次数", "人数", "件数", "份数", "个数", "条数", "块数", "项数", "场次", "车次", "课时", "人次", "金额", "数"]
        {
            if let Some(stripped) = s.strip_suffix(ending) {
                s = stripped.to_string();
                break;
            }
        }
    }
    (s.chars().count() >= 4).then_some(s)
}

impl Matcher {
    /// The matcher of this catalogue and lexicon, built once per process and shared: building
    /// the automaton costs about as much as reading a report, and `extract_text` is called once
    /// per report. The key is everything the matcher is built from (compared field by field), so an edited
    /// catalogue or lexicon gets its own.
    pub fn shared(catalogue: &Catalogue, lexicon: &Lexicon) -> Result<Arc<Self>> {
        static CACHE: Mutex<Vec<(CacheKey, Arc<Matcher>)>> = Mutex::new(Vec::new());
        if let Ok(cache) = CACHE.lock()
            && let Some((_, m)) = cache.iter().find(|(k, _)| k.matches(catalogue, lexicon))
        {
            return Ok(m.clone());
        }
        let m = Arc::new(Self::new(catalogue, lexicon)?);
        if let Ok(mut cache) = CACHE.lock() {
            if cache.len() >= 8 {
                cache.remove(0);
            }
            cache.push((CacheKey::of(catalogue, lexicon), m.clone()));
        }
        Ok(m)
    }

    pub fn new(catalogue: &Catalogue, lexicon: &Lexicon) -> Result<Self> {
        let mut entries = Vec::new();
        let mut table: HashMap<String, usize> = HashMap::new();
        let mut phrases: Vec<Phrase> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut add = |word: &str, entry: u32, role: Role, words: &mut Vec<String>, phrases: &mut Vec<Phrase>| {
            let w = normalize_str(word.trim());
            if w.is_empty() {
                return;
            }
            let k = *table.entry(w.clone()).or_insert_with(|| {
                words.push(w.clone());
                phrases.push(Phrase { uses: Vec::new() });
                phrases.len() - 1
            });
            if !phrases[k].uses.contains(&(entry, role)) {
                phrases[k].uses.push((entry, role));
            }
        };
        let mut named: Vec<bool> = vec![false; catalogue.indicators.len()];
        for spec in &lexicon.entries {
            let Some(index) = catalogue.indicators.iter().position(|i| i.code == spec.indicator) else {
                return Err(Error::input(
                    Location::file(&lexicon.origin).with_indicator(&spec.indicator),
                    format!(
                        "lexicon entry {:?} is not in the catalogue {:?} (version {}); use one of its codes",
                        spec.indicator, catalogue.origin, catalogue.version
                    ),
                ));
            };
            let ind = &catalogue.indicators[index];
            if ind.measure == Measure::Boolean {
                return Err(Error::input(
                    Location::file(&lexicon.origin).with_indicator(&spec.indicator),
                    format!("lexicon entry {}: a yes/no indicator is matched by `present` rules in rules.toml, not the lexicon", ind.code),
                ));
            }
            let mut measure_words: Vec<String> = if spec.measure_words.is_empty() {
                if ind.measure == Measure::Percent { vec!["%".into()] } else { vec![normalize_str(&ind.unit_word)] }
            } else {
                spec.measure_words.iter().map(|m| normalize_str(m)).collect()
            };
            measure_words.retain(|m| !m.is_empty());
            if (ind.measure == Measure::Percent) != measure_words.iter().any(|m| m == "%") {
                return Err(Error::input(
                    Location::file(&lexicon.origin).with_indicator(&spec.indicator),
                    format!("lexicon entry {}: a percent indicator accepts exactly \"%\", other indicators never", ind.code),
                ));
            }
            let e = entries.len() as u32;
            let per_village = match spec.scope.as_deref() {
                Some("per_village") => true,
                Some(_) => false,
                None => ind.measure == Measure::Average,
            };
            for w in &spec.objects {
                add(w, e, Role::Object, &mut words, &mut phrases);
            }
            if !named[index] {
                named[index] = true;
                for n in std::iter::once(&ind.name_zh).chain(&ind.aliases) {
                    if let Some(p) = name_phrase(n, ind.measure) {
                        add(&p, e, Role::Name, &mut words, &mut phrases);
                    }
                }
            }
            for w in &spec.actions {
                add(w, e, Role::Action, &mut words, &mut phrases);
            }
            for w in &spec.exclude {
                add(w, e, Role::Exclude, &mut words, &mut phrases);
            }
            for w in &spec.require {
                add(w, e, Role::Require, &mut words, &mut phrases);
            }
            for w in &spec.exclude_sentence {
                add(w, e, Role::ExcludeSentence, &mut words, &mut phrases);
            }
            entries.push(BoundEntry {
                indicator: index,
                measure_words,
                need_action: spec.need_action,
                per_village,
                zero: spec.zero,
                has_require: !spec.require.is_empty(),
                body: spec.body,
                objects: spec.objects.iter().map(|o| normalize_str(o.trim())).collect(),
            });
        }
        for w in PER_VILLAGE {
            add(w, u32::MAX, Role::PerVillage, &mut words, &mut phrases);
        }
        for w in ZERO_BEFORE {
            add(w, u32::MAX, Role::ZeroBefore, &mut words, &mut phrases);
        }
        for w in ZERO_AFTER {
            add(w, u32::MAX, Role::ZeroAfter, &mut words, &mut phrases);
        }
        for w in CARRY {
            add(w, u32::MAX, Role::Carry, &mut words, &mut phrases);
        }
        for w in PER_PERSON {
            add(w, u32::MAX, Role::PerPerson, &mut words, &mut phrases);
        }
        for w in HEADS {
            add(w, u32::MAX, Role::Object, &mut words, &mut phrases);
        }
        let automaton =
            if entries.is_empty() {
                None
            } else {
                Some(
                    // A DFA: built once per process (see `shared`), the fastest to search.
                    AhoCorasick::builder().match_kind(MatchKind::Standard).kind(Some(AhoCorasickKind::DFA)).build(&words).map_err(|e| {
                        Error::input(Location::file(&lexicon.origin), format!("the lexicon's phrases cannot be compiled: {e}"))
                    })?,
                )
            };
        Ok(Self { entries, phrases, automaton })
    }

    /// Every phrase occurrence of the document (overlapping), sorted by end.
    pub fn index(&self, doc: &Doc) -> DocIndex {
        let Some(ac) = &self.automaton else {
            return DocIndex { found: Vec::new() };
        };
        let text: String = doc.norm.iter().collect();
        // Byte offset → character offset.
        let mut char_at = vec![0u32; text.len() + 1];
        let mut k = 0u32;
        for (b, c) in text.char_indices() {
            for slot in &mut char_at[b..b + c.len_utf8()] {
                *slot = k;
            }
            k += 1;
        }
        char_at[text.len()] = k;
        let mut found: Vec<Found> = ac
            .find_overlapping_iter(&text)
            .map(|m| Found { start: char_at[m.start()] as usize, end: char_at[m.end()] as usize, phrase: m.pattern().as_u32() })
            .collect();
        found.sort_by_key(|f| (f.end, f.start));
        let titles = title_spans(doc);
        if !titles.is_empty() {
            found.retain(|f| {
                let k = titles.partition_point(|t| t.1 <= f.start);
                titles.get(k).is_none_or(|t| t.0 >= f.end)
            });
        }
        DocIndex { found }
    }

    /// Zero words (未发生, 没有出现) that no `zero` entry took: surfaced as unmatched numbers.
    pub fn zero_words(&self, ix: &DocIndex) -> Vec<(usize, usize)> {
        ix.found
            .iter()
            .filter(|f| self.uses(f).iter().any(|u| u.1 == Role::ZeroBefore) && f.end - f.start >= 3)
            .map(|f| (f.start, f.end))
            .collect()
    }

    fn uses(&self, f: &Found) -> &[(u32, Role)] {
        &self.phrases[f.phrase as usize].uses
    }

    /// Reads the number at `[start, end)` with measure key `measure` (`%` or a measure word).
    /// `left` is where its own phrase may begin (the clause start, or the end of the previous
    /// number), `right` where the text after it stops (clause end or the next number);
    /// `sentence_start` bounds the search for an inherited object. `paired` is the phrase of the
    /// number just before this one when nothing stands between them (接待群众来访58批310余人次:
    /// the words of 58批 are the words of 310余人次 too).
    #[allow(clippy::too_many_arguments)]
    pub fn read(
        &self,
        doc: &Doc,
        ix: &DocIndex,
        start: usize,
        end: usize,
        measure: &str,
        left: usize,
        right: usize,
        clause: (usize, usize),
        sentence: (usize, usize),
        paired: Option<(usize, usize)>,
        counted_values: &[(usize, usize)],
    ) -> Reading {
        let mut reading = Reading::default();
        if self.entries.is_empty() {
            return reading;
        }
        let measure = measure.strip_prefix('万').filter(|m| !m.is_empty()).unwrap_or(measure);
        let lo = left.max(start.saturating_sub(LEFT_REACH));
        let right = right.min(end + RIGHT_REACH + 8).min(clause.1);
        // Phrases ending in [from, to).
        let range = |from: usize, to: usize| {
            let a = ix.found.partition_point(|f| f.end < from.saturating_add(1));
            let b = ix.found.partition_point(|f| f.end <= to);
            &ix.found[a..b.max(a)]
        };
        let is_object = |f: &Found| self.uses(f).iter().any(|u| u.1 == Role::Object);
        let is_head = |f: &Found| self.uses(f).iter().any(|u| matches!(u.1, Role::Object | Role::Name));
        // A phrase inside a longer object phrase is not an object of its own (案件 in 法律援助案件).
        let subsumed = |f: &Found, all: &[&Found]| {
            all.iter().any(|g| g.start <= f.start && g.end >= f.end && g.end - g.start > f.end - f.start && is_object(g))
        };
        let mut own: Vec<&Found> = range(lo, start).iter().filter(|f| f.start >= lo).collect();
        let mut anchor = start;
        if let Some((ps, pe)) = paired
            && !own.iter().any(|f| is_head(f))
        {
            own = range(ps, pe).iter().filter(|f| f.start >= ps).collect();
            anchor = pe;
        }
        // Objects swallowed by a longer object phrase; their other roles (a verb) still count.
        let swallowed: Vec<bool> = own.iter().map(|f| subsumed(f, &own)).collect();
        let after: Vec<&Found> = range(end, right).iter().filter(|f| f.start >= end && f.start <= end + RIGHT_REACH).collect();
        let after_swallowed: Vec<bool> = after.iter().map(|f| subsumed(f, &after)).collect();
        let carried = own.iter().any(|f| self.uses(f).iter().any(|u| u.1 == Role::Carry));
        let own_has_head = own.iter().zip(&swallowed).any(|(f, sw)| !*sw && is_head(f) && f.end <= anchor);
        // 人均3份, 每人36学时: a per-person figure is neither a total nor a per-village average.
        if own.iter().any(|f| self.uses(f).iter().any(|u| u.1 == Role::PerPerson)) {
            return reading;
        }
        let earlier: Vec<&Found> = range(sentence.0, clause.0).iter().filter(|f| f.start >= sentence.0).collect();
        let whole_clause: Vec<&Found> = range(clause.0, clause.1).iter().filter(|f| f.start >= clause.0).collect();
        let whole_sentence: Vec<&Found> = range(sentence.0, sentence.1).iter().filter(|f| f.start >= sentence.0).collect();
        let per_village = own.iter().any(|f| self.uses(f).iter().any(|u| u.1 == Role::PerVillage));

        // Only entries with an object phrase near the number can claim it; their exclusions and
        // requirements are gathered in one pass over the clause and the sentence.
        let mut candidates: Vec<u32> = Vec::new();
        for f in own.iter().chain(&after).chain(&earlier) {
            for &(e, role) in self.uses(f) {
                if matches!(role, Role::Object | Role::Name) && e != u32::MAX && !candidates.contains(&e) {
                    candidates.push(e);
                }
            }
        }
        let mut blocked: Vec<u32> = Vec::new();
        let mut required: Vec<u32> = Vec::new();
        for f in &whole_clause {
            blocked.extend(self.uses(f).iter().filter(|u| u.1 == Role::Exclude).map(|u| u.0));
        }
        for f in &whole_sentence {
            for &(e, role) in self.uses(f) {
                match role {
                    Role::ExcludeSentence => blocked.push(e),
                    Role::Require => required.push(e),
                    _ => {}
                }
            }
        }
        candidates.sort_unstable();
        let mut claims: Vec<Claim> = Vec::new();
        for e32 in candidates {
            let e = e32 as usize;
            let entry = &self.entries[e];
            let has = |f: &&Found, role: Role| {
                self.uses(f).iter().any(|u| u.0 == e32 && (u.1 == role || (role == Role::Object && u.1 == Role::Name)))
            };
            if blocked.contains(&e32) || (entry.has_require && !required.contains(&e32)) {
                continue;
            }
            if entry.per_village != per_village {
                continue;
            }
            // The object: nearest before the number, else right after it, else inherited.
            let before = own
                .iter()
                .zip(&swallowed)
                .filter(|(f, sw)| !**sw && has(f, Role::Object) && anchor - f.end <= MAX_GAP)
                .map(|(f, _)| f)
                .max_by_key(|f| (f.end, f.end - f.start));
            let post = after
                .iter()
                .zip(&after_swallowed)
                .filter(|(f, sw)| !**sw && has(f, Role::Object))
                .map(|(f, _)| f)
                .min_by_key(|f| (f.start, std::cmp::Reverse(f.end - f.start)));
            let action = |lo_a: usize, hi_a: usize| -> Option<&Found> {
                own.iter()
                    .copied()
                    .filter(|f| has(f, Role::Action) && f.start >= lo_a && f.end <= hi_a)
                    .max_by_key(|f| (f.end, f.end - f.start))
            };
            // A verb right after the number (开展4次集中学习研讨), for an object carried from
            // an earlier clause.
            let post_action = || -> Option<&Found> {
                after.iter().copied().filter(|f| has(f, Role::Action)).min_by_key(|f| (f.start, std::cmp::Reverse(f.end - f.start)))
            };
            let (object, gap, inherited, act) = if let Some(o) = before {
                // A verb before the object or between it and the number (宣传资料发放3000份).
                let act = action(0, anchor);
                (**o, anchor - o.end, false, act)
            } else if let Some(o) = post {
                // The head of a noun phrase stands last (31件重大决策与规范性文件法制审核 counts
                // reviews): an object of this entry followed, in the same phrase, by an object of
                // another entry is a modifier, and this entry does not read the number.
                if self.later_head_of_other_entry(doc, ix, o.end, clause.1, e32) {
                    continue;
                }
                // Each character between the number and a following object costs double.
                (**o, 2 * (o.start - end), false, action(lo, start))
            } else {
                let act = action(lo, start).or_else(|| if entry.body { post_action() } else { None });
                if act.is_none() && !per_village && !carried {
                    continue;
                }
                // The clause names its own noun (其中婚姻家庭问题化解198起): nothing is carried.
                if own_has_head || doc.has(clause.0, start, "其中") {
                    continue;
                }
                // A verb carries the object of an earlier clause only when it stands right before
                // the number (排查矛盾纠纷210起，成功化解198起).
                if act.is_some_and(|a| a.end <= start && start - a.end > 2) && !per_village && !carried {
                    continue;
                }
                // The carried object was counted in its own clause (排查矛盾纠纷210起): a number
                // follows it there. An object merely mentioned earlier is not carried.
                let counted = |o: &Found| {
                    let (_, oce) = doc.clause(o.start);
                    let k = counted_values.partition_point(|m| m.0 < o.end);
                    counted_values.get(k).is_some_and(|m| m.0 < oce.min(clause.0))
                };
                // A body (中心组) is carried whether or not it was counted in its clause.
                match earlier.iter().filter(|f| has(f, Role::Object) && (entry.body || counted(f))).max_by_key(|f| (f.end, f.end - f.start))
                {
                    Some(o) => {
                        if earlier.iter().chain(&whole_clause).any(|f| has(f, Role::Exclude) && f.start >= o.start) {
                            continue;
                        }
                        (**o, start.saturating_sub(act.map_or(start, |a| a.end)), true, act)
                    }
                    None => continue,
                }
            };
            // An action that is the object itself (会前学法 names both) does not count twice.
            let act = act.filter(|a| !(a.start >= object.start && a.end <= object.end) || entry.need_action);
            let act = act.filter(|a| a.end <= object.start || a.start >= object.end || entry.need_action);
            if entry.need_action && act.is_none() && !self.uses(&object).iter().any(|u| u.0 == e32 && u.1 == Role::Action) {
                continue;
            }
            if !entry.measure_words.iter().any(|m| m == measure) {
                reading.measure_mismatch.get_or_insert(e);
                continue;
            }
            let base = if inherited {
                0.76
            } else if act.is_some() {
                0.86
            } else {
                0.80
            };
            let olen = object.end - object.start;
            let act_gap = act.map_or(0, |a| object.start.saturating_sub(a.end));
            let penalty = (gap.saturating_sub(2) as f64 * 0.01).min(0.2) + (act_gap as f64 * 0.01).min(0.1);
            let confidence = (base - penalty + 0.005 * olen.min(8) as f64).clamp(0.05, 0.95);
            let object_text = doc.norm_str(object.start, object.end);
            let why = match act {
                Some(a) => format!("object {object_text:?} + verb {:?}", doc.norm_str(a.start, a.end)),
                None => format!("object {object_text:?}"),
            };
            claims.push(Claim { entry: e, confidence, object: (object.start, object.end), inherited, why });
        }
        if claims.is_empty() {
            return reading;
        }
        claims.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.entry.cmp(&b.entry)));
        // One claim per indicator (an indicator may have several entries): the best of each, in
        // order of confidence (the claims are sorted).
        let one_per_indicator = |claims: &mut Vec<Claim>| {
            let mut seen: Vec<usize> = Vec::new();
            claims.retain(|c| {
                let ind = self.entries[c.entry].indicator;
                let first = !seen.contains(&ind);
                seen.push(ind);
                first
            });
        };
        // A value shared through 均/都 (参学率和合格率均为100%): every object of the clause.
        let shared_by = |c: &Claim| !c.inherited && c.object.1 <= start && SHARED.iter().any(|w| doc.has(c.object.1, start, w));
        let mut distinct = claims.clone();
        one_per_indicator(&mut distinct);
        if distinct.iter().filter(|c| shared_by(c)).count() > 1 {
            reading.taken = distinct.iter().filter(|c| shared_by(c) && c.confidence >= LEXICON_BAR).cloned().collect();
            if reading.taken.len() > 1 {
                return reading;
            }
            reading.taken.clear();
        }
        // The head noun: the object phrase standing nearest before the number, of any entry.
        let head = own.iter().zip(&swallowed).filter(|(f, sw)| !**sw && is_head(f) && f.end <= anchor).map(|(f, _)| f.end).max();
        if let Some(h) = head {
            // A head noun of no indicator (活动, 程序): what is counted has no entry; objects left of
            // it are modifiers, and no reading of them is a value.
            let bare_head = own.iter().zip(&swallowed).any(|(f, sw)| {
                !*sw && f.end == h && self.uses(f).iter().all(|u| u.0 == u32::MAX || u.1 != Role::Object && u.1 != Role::Name)
            }) && !own
                .iter()
                .any(|f| f.end == h && self.uses(f).iter().any(|u| u.0 != u32::MAX && matches!(u.1, Role::Object | Role::Name)));
            if bare_head {
                // A modifier cut from its head by a quoted name (法治宣传“六进”活动) still makes
                // one phrase with it when the entry knows the whole phrase (法治宣传活动).
                let head_start = own.iter().filter(|f| f.end == h).map(|f| f.start).min().unwrap_or(h);
                let head_text = doc.norm_str(head_start, h);
                let joins_head = |c: &Claim| {
                    let between = doc.norm_str(c.object.1, head_start);
                    let quoted = between.is_empty()
                        || (between.starts_with('“') && between.ends_with('”') && between.chars().count() <= 10)
                        || (between.starts_with('"') && between.ends_with('"') && between.chars().count() <= 10);
                    let whole = format!("{}{head_text}", doc.norm_str(c.object.0, c.object.1));
                    let indicator = self.entries[c.entry].indicator;
                    quoted && self.entries.iter().any(|x| x.indicator == indicator && x.objects.contains(&whole))
                };
                for c in claims.iter_mut().filter(|c| !c.inherited && c.object.1 < h && c.object.0 < end && joins_head(c)) {
                    c.object.1 = h;
                }
                claims.retain(|c| c.inherited || c.object.0 >= end || c.object.1 >= h);
                if claims.is_empty() {
                    return reading;
                }
            }
            for c in &mut claims {
                if c.inherited || c.object.0 >= end {
                    continue;
                }
                if c.object.1 >= h {
                    c.confidence = (c.confidence + HEAD_BONUS).min(0.95);
                } else {
                    c.confidence -= NOT_HEAD;
                }
            }
            claims.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.entry.cmp(&b.entry)));
        }
        // Each indicator's best entry, once the head noun has moved the confidences.
        one_per_indicator(&mut claims);
        let best = claims[0].clone();
        let ambiguous = claims.get(1).is_some_and(|second| best.confidence - second.confidence < AMBIGUITY_MARGIN);
        if best.confidence >= LEXICON_BAR && !ambiguous {
            reading.taken.push(best);
        } else {
            let mut b = best;
            if ambiguous && let Some(second) = claims.get(1) {
                b.why = format!("{}; as likely: {}", b.why, self.entries[second.entry].indicator);
            }
            reading.below_bar = Some(b);
        }
        reading
    }

    /// True when, after an object ending at `from`, the same noun phrase (no punctuation, no
    /// number, at most 16 characters, inside the clause) goes on to an object phrase of an entry
    /// other than `entry`: that later phrase is the head, and the first one a modifier.
    fn later_head_of_other_entry(&self, doc: &Doc, ix: &DocIndex, from: usize, clause_end: usize, entry: u32) -> bool {
        let mut np_end = from;
        while np_end < clause_end.min(from + 16) {
            let c = doc.norm[np_end];
            if c.is_ascii_digit() || "，。；：、,;:（）()“”《》零一二三四五六七八九十两百千万".contains(c) {
                break;
            }
            np_end += 1;
        }
        let a = ix.found.partition_point(|f| f.end <= from);
        let indicator = self.entries[entry as usize].indicator;
        let of_indicator = |u: &(u32, Role)| u.0 != u32::MAX && self.entries[u.0 as usize].indicator == indicator;
        // `found` is sorted by end.
        ix.found[a..].iter().take_while(|f| f.end <= np_end).any(|f| {
            f.start >= from
                && self.uses(f).iter().any(|u| u.0 != u32::MAX && !of_indicator(u) && matches!(u.1, Role::Object | Role::Name))
                && !self.uses(f).iter().any(of_indicator)
        })
    }

    /// Zero values said in words: `全年未发生越级上访` → (entry, span of 未发生). At most one per
    /// entry, the first; `blocked(start)` tells positions to skip (plans, numbers in the clause).
    pub fn zeros(&self, doc: &Doc, ix: &DocIndex, blocked: &dyn Fn(usize, usize) -> bool) -> Vec<ZeroFound> {
        let mut out: Vec<ZeroFound> = Vec::new();
        if !self.entries.iter().any(|e| e.zero) {
            return out;
        }
        for (k, f) in ix.found.iter().enumerate() {
            let uses = self.uses(f);
            for &(e, role) in uses {
                if !matches!(role, Role::Object | Role::Name) || e == u32::MAX || !self.entries[e as usize].zero {
                    continue;
                }
                let e = e as usize;
                if out.iter().any(|(x, _, _)| *x == e) {
                    continue;
                }
                let (cs, _) = doc.clause(f.start);
                // A zero word just before the object (at most 6 characters between: 未发生一起…)…
                let before = ix.found[..k].iter().rev().take(64).find(|z| {
                    z.end <= f.start
                        && f.start - z.end <= 6
                        && z.start >= cs
                        && self.uses(z).iter().any(|u| u.1 == Role::ZeroBefore)
                        && !doc.norm[z.end..f.start]
                            .iter()
                            .any(|c| matches!(c, '，' | ',' | '、' | '。' | '；' | ';' | '\n' | '但' | '仍' | '的'))
                });
                // …or right after it (越级上访零发生).
                let after = ix.found[k + 1..]
                    .iter()
                    .take(64)
                    .find(|z| z.start >= f.end && z.start - f.end <= 2 && self.uses(z).iter().any(|u| u.1 == Role::ZeroAfter));
                let Some(z) = before.or(after) else { continue };
                // 无 only right before the object (无越级上访), never inside a word (无论, 并无…).
                if doc.norm_str(z.start, z.end) == "无" && z.end != f.start {
                    continue;
                }
                if blocked(z.start.min(f.start), z.end.max(f.end)) {
                    continue;
                }
                out.push((e, (z.start, z.end), (f.start, f.end)));
            }
        }
        out
    }
}

/// The spans inside 《…》 (and 〈…〉), sorted; an unclosed 《 masks nothing (a line break ends it).
fn title_spans(doc: &Doc) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in doc.norm.iter().enumerate() {
        match c {
            '《' | '〈' => open = Some(i + 1),
            '》' | '〉' => {
                if let Some(s) = open.take() {
                    out.push((s, i));
                }
            }
            '\n' => open = None,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicon_binds_to_the_catalogue() {
        let m = Matcher::new(&Catalogue::default_catalogue(), &Lexicon::default_lexicon()).unwrap();
        assert!(m.entries.len() > 40);
    }

    #[test]
    fn name_phrases_drop_their_counting_ending() {
        assert_eq!(name_phrase("发放法治宣传资料份数", Measure::Count).as_deref(), Some("发放法治宣传资料"));
        assert_eq!(name_phrase("民主法治示范村（社区）个数", Measure::Count).as_deref(), Some("民主法治示范村"));
        assert_eq!(name_phrase("执法人员持证率", Measure::Percent).as_deref(), Some("执法人员持证率"));
        assert_eq!(name_phrase("参考率", Measure::Percent), None);
    }

    #[test]
    fn bad_entries_are_refused_with_the_indicator() {
        let e = Lexicon::from_toml_str("[[entries]]\nindicator = \"PUB_MATERIALS\"\nobjects = []\n", "x.toml").unwrap_err();
        assert!(e.to_string().contains("PUB_MATERIALS"), "{e}");
        let e = Lexicon::from_toml_str(
            "[[entries]]\nindicator = \"PUB_MATERIALS\"\nobjects = [\"资料\"]\nmeasure_words = [\"斤\"]\n",
            "x.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("斤"), "{e}");
        let lex = Lexicon::from_toml_str("[[entries]]\nindicator = \"NOPE\"\nobjects = [\"资料\"]\n", "x.toml").unwrap();
        assert!(Matcher::new(&Catalogue::default_catalogue(), &lex).is_err());
    }
}
