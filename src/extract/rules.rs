//! Extraction rules: data, not code (`datasets/rules.toml`).
//!
//! A rule maps a number to an indicator when the number's clause holds one of the rule's trigger
//! patterns and the number's measure word is one the rule accepts. Rules are read from TOML:
//!
//! ```toml
//! [[rules]]
//! id = "pub_materials"                 # unique; a user file replaces a default rule by id
//! indicator = "PUB_MATERIALS"          # a catalogue code
//! before = ["法治宣传资料", "宣传资料"]  # a trigger before the number, in the same clause
//! after = []                           # or a trigger right after the number (2次经济纠纷)
//! require = []                         # optional: one of these must be in the same sentence
//! exclude = []                         # optional: none of these may be in the clause
//! measure_words = ["份", "万份"]        # accepted measure words; "%" for percentages
//! window = 12                          # at most this many characters from a `before` trigger to the number
//! window_after = 2                     # at most this many characters from the number to an `after` trigger
//! confidence = 0.9                     # the confidence of a match with no gap
//! priority = 0                         # higher wins when two rules claim the same number
//! ```
//!
//! Yes/no indicators use `present = ["聘请*法律顾问"]` instead of `before`/`after`: the pattern
//! found in a sentence (and no `exclude` word in it) gives the value 是.
//!
//! In a pattern `*` stands for any run of characters within the clause (`领导班子*学习`).
//! Patterns, like the report, are read after normalisation: traditional characters match their
//! simplified forms, full-width letters and digits their ASCII forms.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::lexicon::Lexicon;
use super::text::normalize_str;
use crate::error::{Error, Location, Result};
use crate::model::value::MEASURE_WORDS;
use crate::model::{Catalogue, Measure};

/// The rules bundled with the crate (`datasets/rules.toml`).
pub const DEFAULT_RULES_TOML: &str = include_str!("../../datasets/rules.toml");

/// Default characters allowed between a `before` trigger and the number.
pub const DEFAULT_WINDOW: usize = 12;
/// Default characters allowed between the number (with its measure word) and an `after` trigger.
pub const DEFAULT_WINDOW_AFTER: usize = 2;
/// Default confidence of a match with no gap.
pub const DEFAULT_CONFIDENCE: f64 = 0.9;

/// One rule as written in a rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique identifier, reported with every value the rule maps.
    pub id: String,
    /// The catalogue code of the indicator.
    pub indicator: String,
    /// Trigger patterns before the number within the same clause.
    #[serde(default)]
    pub before: Vec<String>,
    /// Trigger patterns right after the number (and its measure word) within the same clause.
    #[serde(default)]
    pub after: Vec<String>,
    /// Yes/no rules: patterns whose presence in a sentence means 是.
    #[serde(default)]
    pub present: Vec<String>,
    /// At least one of these must occur in the number's sentence (empty: no condition).
    #[serde(default)]
    pub require: Vec<String>,
    /// None of these may occur in the number's clause (for yes/no rules: in the sentence).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Accepted measure words (`份`, `人次`, `课时`), `%` for percentages. Empty: the indicator's
    /// `unit_word` from the catalogue.
    #[serde(default)]
    pub measure_words: Vec<String>,
    /// Characters allowed between the end of a `before` trigger and the number.
    #[serde(default)]
    pub window: Option<usize>,
    /// Characters allowed between the end of the number and an `after` trigger.
    #[serde(default)]
    pub window_after: Option<usize>,
    /// Confidence of a match with no gap, in (0, 1].
    #[serde(default)]
    pub confidence: Option<f64>,
    /// Higher wins when two rules claim the same number.
    #[serde(default)]
    pub priority: i32,
    /// `false` switches a rule off (a user file can disable a default rule by its id).
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// A pattern split at `*` into normalised parts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    pub parts: Vec<Vec<char>>,
    /// Characters of the parts together (longer patterns are more specific).
    pub len: usize,
}

impl Pattern {
    fn compile(text: &str) -> std::result::Result<Self, String> {
        let norm = normalize_str(text.trim());
        if norm.is_empty() {
            return Err("a pattern is empty".into());
        }
        if norm.starts_with('*') || norm.ends_with('*') || norm.contains("**") {
            return Err(format!("pattern {text:?}: `*` joins two words (领导班子*学习); it cannot start or end a pattern or repeat"));
        }
        let parts: Vec<Vec<char>> = norm.split('*').map(|p| p.chars().collect()).collect();
        let len = parts.iter().map(Vec::len).sum();
        Ok(Self { parts, len })
    }

    pub fn is_wildcard(&self) -> bool {
        self.parts.len() > 1
    }
}

/// A rule bound to a catalogue indicator, with its accepted measure words.
pub(crate) struct BoundRule<'a> {
    pub rule: &'a Rule,
    pub indicator: usize,
    pub measure_words: Vec<String>,
}

/// A checked rule: its specification, where it came from, and its compiled patterns.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub spec: RuleSpec,
    /// The file (or `<bundled>`) the rule was read from.
    pub origin: String,
    pub(crate) before: Vec<Pattern>,
    pub(crate) after: Vec<Pattern>,
    pub(crate) present: Vec<Pattern>,
    pub(crate) require: Vec<Pattern>,
    pub(crate) exclude: Vec<Pattern>,
}

impl Rule {
    /// True for yes/no rules (`present = [...]`).
    pub fn is_presence(&self) -> bool {
        !self.present.is_empty()
    }

    pub(crate) fn window(&self) -> usize {
        self.spec.window.unwrap_or(DEFAULT_WINDOW)
    }

    pub(crate) fn window_after(&self) -> usize {
        self.spec.window_after.unwrap_or(DEFAULT_WINDOW_AFTER)
    }

    pub(crate) fn confidence(&self) -> f64 {
        self.spec.confidence.unwrap_or(DEFAULT_CONFIDENCE)
    }

    fn compile(spec: RuleSpec, origin: &str) -> Result<Self> {
        let err = |message: String| {
            Error::input(Location::file(origin).with_indicator(&spec.indicator), format!("rule {:?}: {message}", spec.id))
        };
        if spec.id.trim().is_empty() {
            return Err(Error::input(Location::file(origin), "a rule has an empty `id`; give every [[rules]] entry a unique id"));
        }
        let compile_all = |list: &[String]| -> Result<Vec<Pattern>> { list.iter().map(|p| Pattern::compile(p).map_err(&err)).collect() };
        let before = compile_all(&spec.before)?;
        let after = compile_all(&spec.after)?;
        let present = compile_all(&spec.present)?;
        let require = compile_all(&spec.require)?;
        let exclude = compile_all(&spec.exclude)?;
        let numeric = !before.is_empty() || !after.is_empty();
        if numeric != present.is_empty() {
            return Err(err(
                "give either `before`/`after` trigger patterns (a number rule) or `present` patterns (a yes/no rule), not both or neither"
                    .into(),
            ));
        }
        for m in &spec.measure_words {
            let m = normalize_str(m);
            if m != "%" && !MEASURE_WORDS.contains(&m.as_str()) {
                return Err(err(format!(
                    "measure word {m:?} is not one fazhi reads after a number; use \"%\" or one of {}",
                    MEASURE_WORDS.join(" ")
                )));
            }
        }
        if let Some(c) = spec.confidence
            && !(c > 0.0 && c <= 1.0)
        {
            return Err(err(format!("confidence {c} must lie in (0, 1]")));
        }
        if spec.window.is_some_and(|w| w > 200) || spec.window_after.is_some_and(|w| w > 200) {
            return Err(err("windows are at most 200 characters; a wider window maps numbers to the wrong indicator".into()));
        }
        Ok(Self { origin: origin.to_string(), before, after, present, require, exclude, spec })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    version: String,
    #[serde(default)]
    rules: Vec<RuleSpec>,
}

/// A set of extraction rules, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// The `version` written in the file (recorded nowhere else; bump it when rules change).
    pub version: String,
    /// Where the rules came from (`<bundled>`, a path, or `a + b` after a merge).
    pub origin: String,
    rules: Vec<Rule>,
    /// The lexicon that maps numbers no rule claims (`datasets/lexicon.toml` by default).
    pub lexicon: Lexicon,
}

impl Default for Rules {
    fn default() -> Self {
        Self::default_rules()
    }
}

impl Rules {
    /// The bundled rules (`datasets/rules.toml`). They are checked by the test suite, so loading
    /// them cannot fail.
    pub fn default_rules() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_toml_str(DEFAULT_RULES_TOML, "<bundled>")
            .expect("the bundled rules are valid (tested)")
            .with_lexicon(Lexicon::default_lexicon())
    }

    /// Parses rules from TOML text; `origin` names the file in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self> {
        let file: RulesFile = toml::from_str(text).map_err(|e| {
            Error::input(
                Location::of_toml(origin, text, &e),
                format!("bad rules file: {} (see datasets/rules.toml for the fields of a rule)", e.message()),
            )
        })?;
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut rules = Vec::with_capacity(file.rules.len());
        for spec in file.rules {
            if seen.insert(spec.id.clone(), ()).is_some() {
                return Err(Error::input(
                    Location::file(origin).with_indicator(&spec.indicator),
                    format!("rule {:?} is defined twice; rule ids must be unique within a file", spec.id),
                ));
            }
            rules.push(Rule::compile(spec, origin)?);
        }
        Ok(Self { version: file.version, origin: origin.to_string(), rules, lexicon: Lexicon::empty() })
    }

    /// Reads a rules file (TOML) on its own, without the bundled rules.
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = crate::io::file::read_utf8(path, crate::io::MAX_CONFIG_BYTES, "rules")?;
        Self::from_toml_str(&text, &name)
    }

    /// The bundled rules extended by a user file: a user rule with the id of a bundled one
    /// replaces it (or switches it off with `enabled = false`); other user rules are added.
    pub fn read_with_defaults(path: impl AsRef<Path>) -> Result<Self> {
        Ok(Self::default_rules().merge(Self::read(path)?))
    }

    /// These rules extended by `other`: rules of `other` replace rules with the same id, the
    /// rest are appended in order.
    #[must_use]
    pub fn merge(mut self, other: Rules) -> Self {
        for rule in other.rules {
            if let Some(existing) = self.rules.iter_mut().find(|r| r.spec.id == rule.spec.id) {
                *existing = rule;
            } else {
                self.rules.push(rule);
            }
        }
        if !other.lexicon.entries.is_empty() {
            self.lexicon = self.lexicon.merge(other.lexicon);
        }
        self.origin = format!("{} + {}", self.origin, other.origin);
        if !other.version.is_empty() {
            self.version = format!("{}+{}", self.version, other.version);
        }
        self
    }

    /// All rules, enabled or not, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.spec.id == id)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Checks the rules and the lexicon against a catalogue: every indicator code exists, yes/no
    /// rules name yes/no indicators and number rules the others, and every number rule has
    /// measure words (its own or the indicator's `unit_word`). Errors name the rule id and its file.
    pub fn check(&self, catalogue: &Catalogue) -> Result<()> {
        self.bind(catalogue)?;
        super::lexicon::Matcher::new(catalogue, &self.lexicon).map(|_| ())
    }

    /// These rules with another lexicon (the bundled one is [`Lexicon::default_lexicon`]).
    #[must_use]
    pub fn with_lexicon(mut self, lexicon: Lexicon) -> Self {
        self.lexicon = lexicon;
        self
    }

    /// The enabled rules bound to catalogue indicators: (number rules, yes/no rules).
    pub(crate) fn bind<'a>(&'a self, catalogue: &Catalogue) -> Result<(Vec<BoundRule<'a>>, Vec<BoundRule<'a>>)> {
        let mut number_rules = Vec::new();
        let mut presence_rules = Vec::new();
        for rule in &self.rules {
            let err = |message: String| {
                Error::input(
                    Location::file(&rule.origin).with_indicator(&rule.spec.indicator),
                    format!("rule {:?}: {message}", rule.spec.id),
                )
            };
            let Some(index) = catalogue.indicators.iter().position(|i| i.code == rule.spec.indicator) else {
                return Err(err(format!(
                    "indicator {:?} is not in the catalogue {:?} (version {}); use one of its codes",
                    rule.spec.indicator, catalogue.origin, catalogue.version
                )));
            };
            if !rule.spec.enabled {
                continue;
            }
            let ind = &catalogue.indicators[index];
            if rule.is_presence() != (ind.measure == Measure::Boolean) {
                return Err(err(if rule.is_presence() {
                    format!(
                        "`present` patterns give yes/no values, but {} is measured as {}; use `before`/`after`",
                        ind.code,
                        ind.measure.as_str()
                    )
                } else {
                    format!("{} is a yes/no indicator; give `present` patterns instead of `before`/`after`", ind.code)
                }));
            }
            let measure_words = Self::measure_words_of(rule, ind.measure, &ind.unit_word);
            if !rule.is_presence() && measure_words.is_empty() {
                return Err(err(format!("{} has no unit_word in the catalogue; list the accepted `measure_words`", ind.code)));
            }
            if !rule.is_presence() && (ind.measure == Measure::Percent) != measure_words.iter().any(|m| m == "%") {
                return Err(err(format!(
                    "{} is measured as {}; a percent indicator accepts exactly \"%\", other indicators never",
                    ind.code,
                    ind.measure.as_str()
                )));
            }
            let entry = BoundRule { rule, indicator: index, measure_words };
            if rule.is_presence() { presence_rules.push(entry) } else { number_rules.push(entry) }
        }
        Ok((number_rules, presence_rules))
    }

    /// The measure words a number rule accepts: its own, else the indicator's (`%` for percent
    /// indicators, `unit_word` otherwise).
    pub(crate) fn measure_words_of(rule: &Rule, measure: Measure, unit_word: &str) -> Vec<String> {
        if !rule.spec.measure_words.is_empty() {
            return rule.spec.measure_words.iter().map(|m| normalize_str(m)).collect();
        }
        if measure == Measure::Percent {
            return vec!["%".into()];
        }
        let w = normalize_str(unit_word);
        if w.is_empty() { Vec::new() } else { vec![w] }
    }
}
