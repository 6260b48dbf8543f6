//! The indicator catalogue (METHODOLOGY §1): data, versioned, replaceable.
//!
//! ```
//! use fazhi::model::{Catalogue, Measure};
//!
//! let catalogue = Catalogue::default_catalogue();
//! assert!(catalogue.indicators.len() >= 30);
//! let leaflets = catalogue.indicator("PUB_MATERIALS").unwrap();
//! assert_eq!(leaflets.measure, Measure::Count);
//! // Chinese names and aliases resolve to the same indicator.
//! assert_eq!(catalogue.resolve("发放法治宣传资料份数"), catalogue.resolve("PUB_MATERIALS"));
//! ```

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::{Column, DataFrame};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// The catalogue bundled with the crate (`datasets/catalogue.toml`).
pub const DEFAULT_CATALOGUE_TOML: &str = include_str!("../../datasets/catalogue.toml");

/// Unit of measure of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Measure {
    /// Whole counts (次, 场, 人, 份, 件, 个): never negative, never fractional.
    Count,
    /// Hours (课时).
    Hours,
    /// Percentages in [0, 100].
    Percent,
    /// Scores (exam results, assessment points).
    Score,
    /// Money in yuan.
    Yuan,
    /// Yes/no, stored as 1/0.
    Boolean,
    /// An average written in the report (per village, per person): non-negative, may be fractional.
    Average,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Hours => "hours",
            Self::Percent => "percent",
            Self::Score => "score",
            Self::Yuan => "yuan",
            Self::Boolean => "boolean",
            Self::Average => "average",
        }
    }

    /// The hard lower bound of values of this measure (all of them are non-negative).
    pub fn floor(self) -> Option<f64> {
        Some(0.0)
    }

    /// The hard upper bound of values of this measure.
    pub fn ceiling(self) -> Option<f64> {
        match self {
            Self::Percent => Some(100.0),
            Self::Boolean => Some(1.0),
            _ => None,
        }
    }
}

/// Output (activity counts) or outcome (rates, results).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    Output,
    Outcome,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Output => "output",
            Self::Outcome => "outcome",
        }
    }
}

/// Which direction is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Higher,
    Lower,
}

impl Polarity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Higher => "higher",
            Self::Lower => "lower",
        }
    }

    /// +1 for higher-is-better, −1 for lower-is-better.
    pub fn sign(self) -> f64 {
        match self {
            Self::Higher => 1.0,
            Self::Lower => -1.0,
        }
    }
}

/// What an indicator is divided by before normalising.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Denominator {
    /// Another indicator of the same unit and year (e.g. certified officers ÷ enforcement staff).
    Indicator { indicator: String },
    /// A unit attribute (`villages`, `residents`), scaled: value ÷ attribute × per.
    Attribute {
        attribute: String,
        #[serde(default = "one")]
        per: f64,
    },
}

fn one() -> f64 {
    1.0
}

/// The counts a stated rate should equal: rate = 100 · numerator ÷ denominator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatioOf {
    pub numerator: String,
    pub denominator: String,
}

/// Fixed bounds for goalpost normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Goalposts {
    pub worst: f64,
    pub best: f64,
}

/// A first-level area (一级指标).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default = "one")]
    pub weight: f64,
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub dimension: String,
    pub measure: Measure,
    #[serde(default)]
    pub unit_word: String,
    pub kind: Kind,
    pub polarity: Polarity,
    #[serde(default)]
    pub denominator: Option<Denominator>,
    #[serde(default)]
    pub ratio_of: Option<RatioOf>,
    #[serde(default)]
    pub goalposts: Option<Goalposts>,
    #[serde(default = "one")]
    pub weight: f64,
    /// The sentence of the seed report this indicator comes from.
    #[serde(default)]
    pub seed_quote: Option<String>,
    /// How reports typically state the indicator, paraphrased with N for the number (catalogue
    /// 2025.1 on; documentation only, not used in any computation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrasing: Option<String>,
}

/// The indicator catalogue: dimensions and indicators, with a version recorded in every result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub version: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub dimensions: Vec<Dimension>,
    pub indicators: Vec<Indicator>,
    /// Where the catalogue came from (`<bundled>` or a path); not part of the file.
    #[serde(skip)]
    pub origin: String,
    #[serde(skip)]
    lookup: HashMap<String, usize>,
}

impl Catalogue {
    /// The bundled default catalogue. It is checked by the test suite, so loading it cannot fail.
    pub fn default_catalogue() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_toml_str(DEFAULT_CATALOGUE_TOML, "<bundled>").expect("the bundled catalogue is valid (tested)")
    }

    /// Reads a catalogue from a `.toml` or `.json` file.
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = crate::io::file::read_utf8(path, crate::io::MAX_CONFIG_BYTES, "catalogue")?;
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("json") => Self::from_json_str(&text, &name),
            Some("toml") => Self::from_toml_str(&text, &name),
            other => Err(Error::catalogue(
                Location::file(&name),
                format!(
                    "unsupported catalogue file type {other:?}; write the catalogue as .toml or .json (copy datasets/catalogue.toml to start)"
                ),
            )),
        }
    }

    /// Parses a TOML catalogue; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self> {
        let parsed: Self = toml::from_str(text).map_err(|e| {
            Error::catalogue(
                Location::of_toml(origin, text, &e),
                format!("{} (see datasets/catalogue.toml for the expected fields)", e.message()),
            )
        })?;
        parsed.finish(origin)
    }

    /// Parses a JSON catalogue; `origin` names it in errors.
    pub fn from_json_str(text: &str, origin: &str) -> Result<Self> {
        let parsed: Self = serde_json::from_str(text).map_err(|e| {
            Error::catalogue(
                Location::file(origin).with_row(e.line()),
                format!("{e} (see datasets/catalogue.toml for the expected fields)"),
            )
        })?;
        parsed.finish(origin)
    }

    /// The catalogue as TOML text (to copy and edit).
    pub fn to_toml_string(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(|e| Error::catalogue(Location::file(&self.origin), e.to_string()))
    }

    fn finish(mut self, origin: &str) -> Result<Self> {
        self.origin = origin.to_string();
        self.validate()?;
        self.lookup = HashMap::new();
        for (i, ind) in self.indicators.iter().enumerate() {
            self.lookup.insert(ind.code.clone(), i);
            self.lookup.insert(ind.code.to_ascii_uppercase(), i);
        }
        // A name or alias names one indicator: one that is another indicator's code, name or
        // alias would send a column to whichever came first, so it is refused.
        let mut names: HashMap<String, usize> = HashMap::new();
        for (i, ind) in self.indicators.iter().enumerate() {
            for name in std::iter::once(&ind.name_zh).chain(std::iter::once(&ind.name_en)).chain(ind.aliases.iter()) {
                for key in [name.trim().to_string(), strip_quotes(name.trim())] {
                    if key.is_empty() {
                        continue;
                    }
                    let owner = self.lookup.get(&key).or_else(|| self.lookup.get(&key.to_ascii_uppercase())).or_else(|| names.get(&key));
                    if let Some(&j) = owner
                        && j != i
                    {
                        return Err(Error::catalogue(
                            Location::file(&self.origin).with_indicator(&ind.code),
                            format!(
                                "{key:?} names both {} and {}; each code, name and alias must name one indicator, so rename or remove one",
                                self.indicators[j].code, ind.code
                            ),
                        ));
                    }
                    names.insert(key, i);
                }
            }
        }
        for (key, i) in names {
            self.lookup.entry(key).or_insert(i);
        }
        Ok(self)
    }

    fn validate(&self) -> Result<()> {
        let at = |code: &str| Location::file(&self.origin).with_indicator(code);
        if self.version.trim().is_empty() {
            return Err(Error::catalogue(Location::file(&self.origin), "the catalogue needs a non-empty `version` (results record it)"));
        }
        if self.indicators.is_empty() {
            return Err(Error::catalogue(Location::file(&self.origin), "the catalogue has no [[indicators]]"));
        }
        let mut dims: HashMap<&str, ()> = HashMap::new();
        for d in &self.dimensions {
            if dims.insert(d.code.as_str(), ()).is_some() {
                return Err(Error::catalogue(
                    Location::file(&self.origin),
                    format!("dimension {} is defined twice; codes must be unique", d.code),
                ));
            }
            if !(d.weight.is_finite() && d.weight >= 0.0) {
                return Err(Error::catalogue(
                    Location::file(&self.origin),
                    format!("dimension {} has weight {}; weights must be finite and ≥ 0", d.code, d.weight),
                ));
            }
        }
        let mut codes: HashMap<&str, ()> = HashMap::new();
        for ind in &self.indicators {
            if ind.code.is_empty() || !ind.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(Error::catalogue(at(&ind.code), "indicator codes use only A–Z, 0–9 and _"));
            }
            if codes.insert(ind.code.as_str(), ()).is_some() {
                return Err(Error::catalogue(at(&ind.code), "indicator code is defined twice; codes must be unique"));
            }
            if !dims.contains_key(ind.dimension.as_str()) {
                return Err(Error::catalogue(
                    at(&ind.code),
                    format!("dimension {:?} is not among the [[dimensions]]; add it or fix the code", ind.dimension),
                ));
            }
            if !(ind.weight.is_finite() && ind.weight >= 0.0) {
                return Err(Error::catalogue(at(&ind.code), format!("weight {} must be finite and ≥ 0", ind.weight)));
            }
            if let Some(g) = ind.goalposts {
                if !(g.worst.is_finite() && g.best.is_finite()) || g.worst == g.best {
                    return Err(Error::catalogue(at(&ind.code), "goalposts need two different finite numbers (worst, best)"));
                }
                if (g.best > g.worst) != (ind.polarity == Polarity::Higher) {
                    return Err(Error::catalogue(
                        at(&ind.code),
                        format!("goalposts worst={} best={} contradict polarity {}", g.worst, g.best, ind.polarity.as_str()),
                    ));
                }
            }
            if let Some(Denominator::Attribute { attribute, per }) = &ind.denominator
                && (attribute.trim().is_empty() || !(per.is_finite() && *per > 0.0))
            {
                return Err(Error::catalogue(at(&ind.code), "a denominator attribute needs a name and per > 0"));
            }
        }
        for ind in &self.indicators {
            let mut refs: Vec<&str> = Vec::new();
            if let Some(Denominator::Indicator { indicator }) = &ind.denominator {
                refs.push(indicator);
            }
            if let Some(r) = &ind.ratio_of {
                refs.push(&r.numerator);
                refs.push(&r.denominator);
                if ind.measure != Measure::Percent {
                    return Err(Error::catalogue(
                        at(&ind.code),
                        "ratio_of is for percent indicators (a stated rate and the counts it comes from)",
                    ));
                }
            }
            for r in refs {
                if !codes.contains_key(r) {
                    return Err(Error::catalogue(at(&ind.code), format!("refers to indicator {r}, which is not in the catalogue")));
                }
                if r == ind.code {
                    return Err(Error::catalogue(at(&ind.code), "an indicator cannot be its own denominator"));
                }
            }
        }
        Ok(())
    }

    /// The indicator with this code.
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.lookup.get(code).map(|&i| &self.indicators[i]).filter(|ind| ind.code == code)
    }

    /// Index of the indicator a column header or cell names: code (any case), Chinese or English
    /// name, or alias; Chinese quotation marks are ignored (“法宣在线”参考率 = 法宣在线参考率).
    pub fn resolve(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.lookup
            .get(name)
            .or_else(|| self.lookup.get(&name.to_ascii_uppercase()))
            .or_else(|| self.lookup.get(&strip_quotes(name)))
            .copied()
    }

    /// This catalogue with more names for its indicators: each pair is (alias, code or existing
    /// name), as a county writes its column headers ("法治宣传资料发放份数" → PUB_MATERIALS). The
    /// catalogue is checked again, so an alias that names another indicator is refused.
    pub fn with_aliases<'a>(mut self, aliases: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        for (alias, target) in aliases {
            let alias = crate::normalize::clean_key(alias).into_owned();
            let Some(k) = self.resolve(target) else {
                return Err(Error::catalogue(
                    Location::file(&self.origin).with_indicator(target),
                    format!("alias {alias:?} points at {target:?}, which names no indicator of catalogue {}", self.version),
                ));
            };
            if alias.is_empty() || self.resolve(&alias) == Some(k) {
                continue;
            }
            self.indicators[k].aliases.push(alias);
        }
        let origin = self.origin.clone();
        self.finish(&format!("{origin} + aliases"))
    }

    /// As [`Catalogue::with_aliases`], from a table file with columns `alias` (or 别名/表头) and
    /// `indicator` (or code/指标/指标代码).
    pub fn with_aliases_file(self, path: impl AsRef<Path>) -> Result<Self> {
        let table = crate::io::read_table(path, None)?;
        let find = |names: &[&str]| {
            table
                .frame
                .get_column_names()
                .into_iter()
                .find(|c| names.contains(&crate::normalize::clean_key(c).to_lowercase().as_str()))
                .cloned()
        };
        let (Some(a), Some(t)) = (find(&["alias", "别名", "表头", "列名", "name"]), find(&["indicator", "code", "指标", "指标代码"]))
        else {
            return Err(Error::input(Location::file(&table.file), "an aliases table needs an `alias` column and an `indicator` column"));
        };
        let aliases = crate::io::column_as_text(table.frame.column(&a)?)?;
        let targets = crate::io::column_as_text(table.frame.column(&t)?)?;
        let pairs: Vec<(String, String)> = aliases.into_iter().zip(targets).filter_map(|(a, t)| Some((a?, t?))).collect();
        self.with_aliases(pairs.iter().map(|(a, t)| (a.as_str(), t.as_str())))
    }

    /// Up to `n` indicator names nearest to `text` (an unknown header or cell), each with its
    /// code: by the overlap of character pairs (Dice coefficient) with the indicator's Chinese
    /// name and aliases, at least 0.5; best first.
    pub fn suggest(&self, text: &str, n: usize) -> Vec<String> {
        let pairs = |t: &str| -> Vec<(char, char)> {
            let c: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
            let mut p: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
            p.sort_unstable();
            p
        };
        let a = pairs(text);
        if a.is_empty() {
            return Vec::new();
        }
        let dice = |b: &[(char, char)]| {
            let (mut i, mut j, mut common) = (0, 0, 0);
            while i < a.len() && j < b.len() {
                match a[i].cmp(&b[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        common += 1;
                        i += 1;
                        j += 1;
                    }
                }
            }
            2.0 * common as f64 / (a.len() + b.len()) as f64
        };
        let mut scored: Vec<(f64, usize, &str)> = Vec::new();
        for (k, ind) in self.indicators.iter().enumerate() {
            for name in std::iter::once(&ind.name_zh).chain(&ind.aliases) {
                let d = dice(&pairs(name));
                if d >= 0.5 {
                    scored.push((d, k, name.as_str()));
                }
            }
        }
        scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let mut out: Vec<String> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for (_, k, name) in scored {
            if seen.contains(&k) {
                continue;
            }
            seen.push(k);
            out.push(format!("{name} ({})", self.indicators[k].code));
            if out.len() == n {
                break;
            }
        }
        out
    }

    /// The dimension with this code.
    pub fn dimension(&self, code: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.code == code)
    }

    /// The indicators as a frame, one row each: code, names, dimension, measure, unit_word, kind,
    /// polarity, denominator, ratio_of, goalposts (worst, best), weight, seed_quote, phrasing,
    /// aliases.
    pub fn frame(&self) -> Result<DataFrame> {
        let ind = &self.indicators;
        let text = |f: &dyn Fn(&Indicator) -> Option<String>| ind.iter().map(f).collect::<Vec<Option<String>>>();
        let columns = vec![
            Column::new("code".into(), ind.iter().map(|i| i.code.as_str()).collect::<Vec<_>>()),
            Column::new("name_zh".into(), ind.iter().map(|i| i.name_zh.as_str()).collect::<Vec<_>>()),
            Column::new("name_en".into(), ind.iter().map(|i| i.name_en.as_str()).collect::<Vec<_>>()),
            Column::new("dimension".into(), ind.iter().map(|i| i.dimension.as_str()).collect::<Vec<_>>()),
            Column::new("dimension_zh".into(), text(&|i| self.dimension(&i.dimension).map(|d| d.name_zh.clone()))),
            Column::new("measure".into(), ind.iter().map(|i| i.measure.as_str()).collect::<Vec<_>>()),
            Column::new("unit_word".into(), ind.iter().map(|i| i.unit_word.as_str()).collect::<Vec<_>>()),
            Column::new("kind".into(), ind.iter().map(|i| i.kind.as_str()).collect::<Vec<_>>()),
            Column::new("polarity".into(), ind.iter().map(|i| i.polarity.as_str()).collect::<Vec<_>>()),
            Column::new(
                "denominator".into(),
                text(&|i| {
                    i.denominator.as_ref().map(|d| match d {
                        Denominator::Indicator { indicator } => indicator.clone(),
                        Denominator::Attribute { attribute, per } if *per == 1.0 => format!("per {attribute}"),
                        Denominator::Attribute { attribute, per } => format!("per {per} {attribute}"),
                    })
                }),
            ),
            Column::new("ratio_of".into(), text(&|i| i.ratio_of.as_ref().map(|r| format!("{} / {}", r.numerator, r.denominator)))),
            Column::new("worst".into(), ind.iter().map(|i| i.goalposts.map(|g| g.worst)).collect::<Vec<_>>()),
            Column::new("best".into(), ind.iter().map(|i| i.goalposts.map(|g| g.best)).collect::<Vec<_>>()),
            Column::new("weight".into(), ind.iter().map(|i| i.weight).collect::<Vec<_>>()),
            Column::new("seed_quote".into(), ind.iter().map(|i| i.seed_quote.as_deref()).collect::<Vec<_>>()),
            Column::new("phrasing".into(), ind.iter().map(|i| i.phrasing.as_deref()).collect::<Vec<_>>()),
            Column::new("aliases".into(), ind.iter().map(|i| i.aliases.join("; ")).collect::<Vec<_>>()),
        ];
        Ok(DataFrame::new(ind.len(), columns)?)
    }

    /// The dimensions as a frame: code, name_zh, name_en, weight, indicators (count).
    pub fn dimensions_frame(&self) -> Result<DataFrame> {
        let d = &self.dimensions;
        Ok(DataFrame::new(
            d.len(),
            vec![
                Column::new("code".into(), d.iter().map(|x| x.code.as_str()).collect::<Vec<_>>()),
                Column::new("name_zh".into(), d.iter().map(|x| x.name_zh.as_str()).collect::<Vec<_>>()),
                Column::new("name_en".into(), d.iter().map(|x| x.name_en.as_str()).collect::<Vec<_>>()),
                Column::new("weight".into(), d.iter().map(|x| x.weight).collect::<Vec<_>>()),
                Column::new(
                    "indicators".into(),
                    d.iter().map(|x| self.indicators.iter().filter(|i| i.dimension == x.code).count() as u32).collect::<Vec<_>>(),
                ),
            ],
        )?)
    }
}

fn strip_quotes(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '“' | '”' | '"' | '‘' | '’' | '「' | '」' | '《' | '》')).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalogue_is_valid_and_large_enough() {
        let c = Catalogue::default_catalogue();
        assert!(c.indicators.len() >= 30, "{} indicators", c.indicators.len());
        assert_eq!(c.dimensions.len(), 8);
        assert!(!c.version.is_empty());
        assert!(c.indicators.iter().all(|i| (i.weight - 1.0).abs() < f64::EPSILON), "default weights are equal");
    }

    #[test]
    fn resolves_codes_names_aliases() {
        let c = Catalogue::default_catalogue();
        let i = c.resolve("CAP_ONLINE_EXAM_PASS_RATE").unwrap();
        assert_eq!(c.resolve("cap_online_exam_pass_rate"), Some(i));
        assert_eq!(c.resolve("“法宣在线”及格率"), Some(i));
        assert_eq!(c.resolve("法宣在线及格率"), Some(i));
        assert_eq!(c.resolve("nonsense"), None);
    }

    #[test]
    fn bad_catalogues_are_rejected_with_location() {
        let bad_dim = DEFAULT_CATALOGUE_TOML.replacen("dimension = \"LEAD\"", "dimension = \"NOPE\"", 1);
        let e = Catalogue::from_toml_str(&bad_dim, "mine.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("mine.toml") && msg.contains("LEAD_STUDY_SESSIONS") && msg.contains("NOPE"), "{msg}");

        let dup = format!(
            "{DEFAULT_CATALOGUE_TOML}\n[[indicators]]\ncode = \"PUB_MATERIALS\"\nname_zh = \"x\"\nname_en = \"x\"\ndimension = \"PUB\"\nmeasure = \"count\"\nkind = \"output\"\npolarity = \"higher\"\n"
        );
        assert!(Catalogue::from_toml_str(&dup, "dup.toml").unwrap_err().to_string().contains("twice"));

        let bad_measure = DEFAULT_CATALOGUE_TOML.replacen("measure = \"count\"", "measure = \"litres\"", 1);
        let msg = Catalogue::from_toml_str(&bad_measure, "m.toml").unwrap_err().to_string();
        assert!(msg.contains("m.toml") && msg.contains("row"), "{msg}");

        let no_version = DEFAULT_CATALOGUE_TOML.replacen("version = \"2025.1\"", "version = \"\"", 1);
        assert_ne!(no_version, DEFAULT_CATALOGUE_TOML, "the bundled version line is where the test expects it");
        assert!(Catalogue::from_toml_str(&no_version, "v.toml").is_err());
    }

    /// The frozen 2024.1 catalogue (docs/catalogue-migration.md).
    const CATALOGUE_2024_1_TOML: &str = include_str!("../../datasets/catalogue-2024.1.toml");

    #[test]
    fn catalogue_2025_1_keeps_every_2024_1_indicator_unchanged() {
        let new = Catalogue::default_catalogue();
        let old = Catalogue::from_toml_str(CATALOGUE_2024_1_TOML, "catalogue-2024.1.toml").unwrap();
        assert_eq!((new.version.as_str(), old.version.as_str()), ("2025.1", "2024.1"));
        assert_eq!((new.indicators.len(), old.indicators.len()), (80, 40));
        assert_eq!(new.dimensions, old.dimensions);
        for o in &old.indicators {
            let n = new.indicator(&o.code).unwrap_or_else(|| panic!("{} was dropped", o.code));
            // Only documentation was added to a 2024.1 indicator.
            assert_eq!(&Indicator { phrasing: None, ..n.clone() }, o, "{} changed", o.code);
        }
        // Within each dimension the 2024.1 indicators keep their order and come first.
        for d in &new.dimensions {
            let codes = |c: &Catalogue| c.indicators.iter().filter(|i| i.dimension == d.code).map(|i| i.code.clone()).collect::<Vec<_>>();
            let (n, o) = (codes(&new), codes(&old));
            assert_eq!(n[..o.len()], o[..], "{}", d.code);
        }
        // Every indicator added in 2025.1 says how reports phrase it.
        assert!(new.indicators.iter().filter(|i| old.indicator(&i.code).is_none()).all(|i| i.phrasing.is_some()));
    }

    #[test]
    fn names_and_aliases_name_one_indicator_each() {
        let c = Catalogue::default_catalogue();
        let mut seen: HashMap<String, &str> = HashMap::new();
        for i in &c.indicators {
            for n in [&i.code, &i.name_zh, &i.name_en].into_iter().chain(&i.aliases) {
                if let Some(other) = seen.insert(strip_quotes(n), &i.code) {
                    assert_eq!(other, i.code, "{n:?} names both {other} and {}", i.code);
                }
            }
        }
        for i in &c.indicators {
            assert_eq!(c.resolve(&i.name_zh).map(|k| c.indicators[k].code.as_str()), Some(i.code.as_str()));
            for a in &i.aliases {
                assert_eq!(c.resolve(a).map(|k| c.indicators[k].code.as_str()), Some(i.code.as_str()), "{a}");
            }
        }
    }

    #[test]
    fn every_unit_word_is_read_after_a_number() {
        for i in &Catalogue::default_catalogue().indicators {
            if i.unit_word.is_empty() || i.unit_word == "%" {
                continue;
            }
            let v = crate::model::parse_value(&format!("12{}", i.unit_word)).unwrap_or_else(|e| panic!("{}: {e}", i.code));
            assert_eq!((v.interval.point, v.measure_word.as_deref()), (12.0, Some(i.unit_word.as_str())), "{}", i.code);
        }
    }

    #[test]
    fn phrasing_is_optional_and_kept() {
        let c = Catalogue::default_catalogue();
        assert_eq!(c.indicator("PUB_BANNERS").unwrap().phrasing.as_deref(), Some("在村口和集市悬挂法治宣传横幅N条"));
        let frame = c.frame().unwrap();
        assert_eq!(frame.column("phrasing").unwrap().str().unwrap().get(0), c.indicators[0].phrasing.as_deref());
        // A 2024.1 file has no phrasing and still loads; a catalogue without it writes no field.
        let old = Catalogue::from_toml_str(CATALOGUE_2024_1_TOML, "old.toml").unwrap();
        assert!(old.indicators.iter().all(|i| i.phrasing.is_none()));
        assert!(!old.to_toml_string().unwrap().contains("phrasing"));
        assert!(!serde_json::to_string(&old).unwrap().contains("phrasing"));
        assert!(c.to_toml_string().unwrap().contains("phrasing = "));
        // A misspelt field is still an error (deny_unknown_fields).
        let typo = DEFAULT_CATALOGUE_TOML.replacen("phrasing = ", "phrase = ", 1);
        assert!(Catalogue::from_toml_str(&typo, "typo.toml").unwrap_err().to_string().contains("phrase"));
    }

    #[test]
    fn toml_and_json_round_trip() {
        let c = Catalogue::default_catalogue();
        let json = serde_json::to_string(&c).unwrap();
        let back = Catalogue::from_json_str(&json, "c.json").unwrap();
        assert_eq!(back.indicators, c.indicators);
        let toml = c.to_toml_string().unwrap();
        assert_eq!(Catalogue::from_toml_str(&toml, "c.toml").unwrap().indicators, c.indicators);
    }
}
