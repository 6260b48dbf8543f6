//! The label tables against what the library writes: every code of every closed set has a word
//! in both languages, and every sentence of every frame (demo data, the seed report, and panels
//! built to reach the rarer reasons) fits a template.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use polars::prelude::*;

use super::sentences::{Hole, Piece, SENTENCES, pieces, rows_used};
use super::{Lang, SETTING_NAMES, Term, recognised};
use crate::analytics::{self, ChangeOptions, DiagnosticOptions, GapOptions, InverseMethod, ProgressMethod, ProgressOptions};
use crate::model::{Catalogue, Comparator, Kind, Measure, Polarity, Qualifier, Targets, Units};
use crate::panel::{Panel, PanelOptions, RejectReason};
use crate::scoring::{Aggregate, Impute, Normalise, Scope, ScoreOptions, Scores, Weights, score};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/seed/sikeshu_2023.csv");

/// Every variant of a fieldless enum; a variant added later fails to compile here until listed.
macro_rules! every {
    ($ty:ident: $($v:ident),+ $(,)?) => {{
        let _exhaustive = |x: $ty| match x {
            $($ty::$v)|+ => (),
        };
        vec![$($ty::$v),+]
    }};
}

/// True when a Chinese term or template has an English word or a code in it (two ASCII letters
/// in a row), which a county reader should not meet.
fn has_latin_word(text: &str) -> bool {
    text.as_bytes().windows(2).any(|w| w[0].is_ascii_alphabetic() && w[1].is_ascii_alphabetic())
}

/// Asserts that `code` has a word of `kind` in both languages, different from the code.
fn assert_term(kind: Term, code: &str) {
    assert!(kind.lookup(code).is_some(), "{kind:?} {code:?} has no term");
    let (zh, en) = (Lang::Zh.term(kind, code), Lang::En.term(kind, code));
    assert!(zh != code && en != code, "{kind:?} {code:?}: {zh:?} / {en:?} is the raw code");
    assert!(!has_latin_word(&zh), "{kind:?} {code:?}: the Chinese term {zh:?} has a Latin word in it");
}

#[test]
fn every_code_set_of_the_library_has_a_term_in_both_languages() {
    use analytics::codes::*;
    let sets: Vec<(Term, Vec<String>)> = vec![
        (Term::Status, GAP_STATUS.iter().chain(&CHANGE_STATUS).map(|s| s.to_string()).collect()),
        (Term::Tier, TIERS.iter().map(|s| s.to_string()).collect()),
        (Term::Progress, COMPOUND.iter().chain(&LINEAR).chain(&GROWTH).chain(&OTHER_CATEGORIES).map(|s| s.to_string()).collect()),
        (Term::ProgressMethod, METHODS.iter().map(|s| s.to_string()).collect()),
        (Term::Check, CHECKS.iter().map(|s| s.to_string()).collect()),
        (Term::Severity, SEVERITIES.iter().map(|s| s.to_string()).collect()),
        (Term::Reason, crate::scoring::engine::REASONS.iter().map(|s| s.to_string()).collect()),
        (Term::Level, crate::scoring::engine::LEVELS.iter().map(|s| s.to_string()).collect()),
        (Term::Flag, crate::scoring::FLAG_TEXT.iter().flat_map(|f| f.split(',')).filter(|f| !f.is_empty()).map(String::from).collect()),
        (Term::Input, crate::uncertainty::INPUTS.iter().map(|s| s.to_string()).collect()),
        (Term::Comparator, every!(Comparator: AtLeast, AtMost, Exactly, Between).into_iter().map(|c| c.as_str().into()).collect()),
        (Term::Normalise, every!(Normalise: MinMax, Goalposts, Target, ZScore, Rank).into_iter().map(|c| c.as_str().into()).collect()),
        (Term::Aggregate, every!(Aggregate: Arithmetic, Geometric, Minimum).into_iter().map(|c| c.as_str().into()).collect()),
        (Term::ScoreScope, every!(Scope: Year, Global, Group).into_iter().map(|c| c.as_str().into()).collect()),
        (Term::Kind, every!(Kind: Output, Outcome).into_iter().map(|c| c.as_str().into()).collect()),
        (
            Term::Measure,
            every!(Measure: Count, Hours, Percent, Score, Yuan, Boolean, Average).into_iter().map(|c| c.as_str().into()).collect(),
        ),
        (Term::Polarity, every!(Polarity: Higher, Lower).into_iter().map(|c| c.as_str().into()).collect()),
        (Term::Qualifier, every!(Qualifier: Exact, AtLeast, AtMost, Approx, Range).into_iter().map(|c| c.as_str().into()).collect()),
        (
            Term::Rejection,
            every!(
                RejectReason: MissingKey,
                BadYear,
                UnknownIndicator,
                UnknownUnit,
                EmptyValue,
                UnparseableValue,
                Placeholder,
                WrongMeasure,
                PercentOutOfRange,
                NegativeValue,
                FractionalCount,
                NotBoolean,
                Duplicate,
            )
            .into_iter()
            .map(|c| c.as_str().into())
            .collect(),
        ),
        (Term::Skip, {
            use crate::io::SkipKind;
            every!(SkipKind: Title, Total, Footnote).into_iter().map(|c| c.as_str().into()).collect()
        }),
        (
            Term::Inverse,
            every!(InverseMethod: Ratio, Linear).into_iter().map(|c| serde_json::to_string(&c).unwrap().replace('"', "")).collect(),
        ),
        (
            Term::ProgressMethod,
            every!(ProgressMethod: Compound, Linear).into_iter().map(|c| serde_json::to_string(&c).unwrap().replace('"', "")).collect(),
        ),
        (Term::Impute, [Impute::None, Impute::GroupMedian, Impute::CarryForward(1)].iter().map(|i| i.label()).collect()),
        (Term::TargetScope, ["unit", "county", "all"].map(String::from).to_vec()),
        (Term::Imputation, ["carry_forward", "group_median"].map(String::from).to_vec()),
        (Term::Label, ["strength", "weakness"].map(String::from).to_vec()),
        (Term::GoalpostsFrom, ["catalogue", "data"].map(String::from).to_vec()),
        (Term::Attribute, ["villages", "residents"].map(String::from).to_vec()),
    ];
    let mut kinds = BTreeSet::new();
    for (kind, codes) in &sets {
        kinds.insert(format!("{kind:?}"));
        for code in codes {
            if kind == &Term::Impute && code.starts_with("carry_forward:") {
                assert_eq!(Lang::Zh.term(*kind, code), "沿用往年值（最多1年）");
                continue;
            }
            assert_term(*kind, code);
        }
    }
    // Every kind is checked against a set of the library's codes.
    assert_eq!(kinds.len(), Term::ALL.len(), "kinds without a code set: {:?}", Term::ALL);
    // And every table row is checked in the general way too.
    for kind in Term::ALL {
        for code in kind.codes() {
            assert_term(kind, code);
        }
    }
    assert_eq!(Lang::Zh.term(Term::Status, "no_such_code"), "no_such_code", "unknown codes come back as they are");
}

/// Readers tell the categories of one column apart by their words, so no two codes of a kind
/// share one; and the plan-target sheet's 达标 / 未达标 pair is the only one (never 完成 / 未完成).
#[test]
fn terms_of_one_kind_are_distinct_and_consistent() {
    for kind in Term::ALL {
        for lang in [Lang::Zh, Lang::En] {
            let words: Vec<String> = kind.codes().map(|c| lang.term(kind, c)).collect();
            let distinct: BTreeSet<&String> = words.iter().collect();
            assert_eq!(distinct.len(), words.len(), "{kind:?} in {lang:?} has a word twice: {words:?}");
        }
        for code in kind.codes() {
            let zh = Lang::Zh.term(kind, code);
            // 完成率 (the achievement ratio) is the one use of 完成.
            assert!(!zh.replace("完成率", "").contains("完成"), "{kind:?} {code:?}: {zh:?} says 完成 where the scorecard says 达标");
        }
    }
    for (key, zh, _) in super::LABELS {
        assert!(!zh.replace("完成率", "").contains("完成"), "label {key:?}: {zh:?} says 完成 where the scorecard says 达标");
    }
    for (_, zh) in SENTENCES {
        assert!(!zh.replace("完成率", "").contains("完成"), "{zh:?} says 完成 where the scorecard says 达标");
    }
    assert_eq!(Lang::Zh.term(Term::Status, "met"), Lang::Zh.label("met_status"));
    assert_eq!(Lang::Zh.term(Term::Status, "missed"), Lang::Zh.label("missed"));
    assert_eq!(Lang::Zh.term(Term::Flag, "winsorised"), Lang::Zh.label("winsorised"));
    assert_eq!(Lang::Zh.flags("qualified,imputed"), "含限定值、含插补");
    assert_eq!(Lang::En.flags("qualified,winsorised"), "Qualified, Winsorised");
    assert_eq!(Lang::Zh.flags(""), "");
}

#[test]
fn sentence_templates_are_well_formed() {
    let mut seen = BTreeSet::new();
    for (en, zh) in SENTENCES {
        assert!(seen.insert(*en), "pattern {en:?} is in the table twice");
        let pattern = pieces(en).unwrap_or_else(|| panic!("pattern {en:?} has an unknown or unclosed hole"));
        let template = pieces(zh).unwrap_or_else(|| panic!("template {zh:?} has an unknown or unclosed hole"));
        for pair in pattern.windows(2) {
            assert!(!matches!(pair, [Piece::Hole(..), Piece::Hole(..)]), "pattern {en:?} has two holes side by side");
        }
        let holes =
            |ps: &[Piece]| ps.iter().filter_map(|p| if let Piece::Hole(n, _) = p { Some(*n) } else { None }).collect::<BTreeSet<_>>();
        // Nothing of the sentence is lost, and nothing is made up.
        assert_eq!(holes(&pattern), holes(&template), "{en:?} and {zh:?} have different holes");
        for p in &template {
            if let Piece::Text(t) = p {
                assert!(!has_latin_word(t), "the template {zh:?} has a Latin word in it");
            }
        }
        assert!(en.is_empty() || !zh.is_empty(), "{en:?} has an empty translation");
    }
    // The change reasons are a closed set of sentences.
    for reason in analytics::codes::CHANGE_REASONS {
        assert!(recognised(reason), "{reason:?}");
    }
    assert_eq!(Hole::of_name("code2"), Some(Hole::Code));
    assert_eq!(Hole::of_name("nonsense"), None);
}

/// Indicator names of the default catalogue, dimension names, and two demo township names.
fn names_of(catalogue: &Catalogue) -> impl Fn(&str) -> Option<String> + '_ {
    move |code: &str| {
        catalogue
            .resolve(code)
            .map(|i| catalogue.indicators[i].name_zh.clone())
            .or_else(|| catalogue.dimensions.iter().find(|d| d.code == code).map(|d| d.name_zh.clone()))
            .or_else(|| match code {
                "SYN01" => Some("合成甲镇".into()),
                "SYN02" => Some("合成乙乡".into()),
                _ => None,
            })
    }
}

#[test]
fn sentences_read_naturally_with_their_numbers_and_names() {
    let catalogue = Catalogue::default_catalogue();
    let names = names_of(&catalogue);
    let zh = |text: &str| Lang::Zh.sentence(text, &names);
    assert_eq!(zh("no observation of PUB_MATERIALS for SYN01 in 2024"), "2024年合成甲镇没有“发放法治宣传资料份数”的数据");
    assert_eq!(
        Lang::En.sentence("no observation of PUB_MATERIALS for SYN01 in 2024", &|c| (c == "PUB_MATERIALS").then(|| "leaflets".into())),
        "no observation of leaflets for SYN01 in 2024"
    );
    assert_eq!(zh("target is zero or negative: achievement ratio undefined"), "目标值为零或负数，无法计算完成率");
    // Quotes inside a quoted name become single quotes.
    assert_eq!(
        zh("CAP_ONLINE_EXAM_PASS_RATE is reported as 100%; check that the claim is backed by counts"),
        "“‘法宣在线’及格率”填报为100%，请核实是否有相应数量支撑"
    );
    assert_eq!(zh("the baseline year 2023 is not before the target year 2023"), "基期2023年不早于目标年份2023年");
    assert_eq!(
        zh("PUB_EVENTS changed ×5.00 from 10 in 2022 to 50"),
        format!("“{}”由2022年的10变为50（为原来的5.00倍）", names("PUB_EVENTS").unwrap())
    );
    let low = "dimension weight present 0.13 < 0.80 (1 of 8 dimensions have a score; a dimension needs 0.67 of its indicator weight); missing: LEAD, DUTY";
    assert_eq!(
        zh(low),
        format!(
            "有得分的维度权重占13%，低于要求的80%（8个维度中有1个有得分；每个维度需有至少67%的指标权重有数据）；缺少：{}、{}",
            names("LEAD").unwrap(),
            names("DUTY").unwrap()
        )
    );
    assert!(
        zh("dimension weight present 0.00 < 0.80 (0 of 8 dimensions have a score; a dimension needs 0.67 of its indicator weight)")
            .ends_with("有数据）")
    );
    let few = "only 3 units are ranked in 合成东县 in 2024 (fewer than 5): min-max over two units gives 0 and 100 whatever the gap, and a ranking of one unit means nothing; compare these scores with care";
    assert!(zh(few).starts_with("2024年合成东县只有3个单位参与排名（少于5个）"), "{}", zh(few));
    let rejected = "rejected at validation (<frame>, row 4): PUB_MATERIALS (发放法治宣传资料份数) cannot be negative";
    assert_eq!(zh(rejected), "数据校验未通过（<frame>第4行）：“发放法治宣传资料份数”不能为负数");
    assert_eq!(
        zh(
            r#"rejected at validation (<frame>, row 9): "XX" is an unfilled template placeholder or a dash, not a value; fill in the number or leave the row out"#
        ),
        "数据校验未通过（<frame>第9行）：“XX”是未填写的模板占位符或破折号，不是数值；请填写数字，或删去该行"
    );
    assert_eq!(
        zh(
            "DISP_MEDIATORS is scored per 1 villages, and the unit's villages is missing (years 2023, 2024); add it to the unit table or pass denominate=False"
        ),
        format!(
            "“{}”需按每个行政村（社区）折算，而该单位的“行政村（社区）数”缺失（2023、2024年）；请在单位表中补充，或改为按填报数计分",
            names("DISP_MEDIATORS").unwrap()
        )
    );
    assert_eq!(
        zh("LEAD_STUDY_SESSIONS is an output indicator; kinds = [Outcome]"),
        format!("“{}”属于产出指标，本次只计成效指标", names("LEAD_STUDY_SESSIONS").unwrap())
    );
    // A sentence the table does not know comes back as it is, and is not recognised; nor is a
    // known frame around an unknown sentence, which keeps the unknown part as written.
    assert_eq!(zh("a sentence nobody wrote"), "a sentence nobody wrote");
    assert!(!recognised("a sentence nobody wrote"));
    assert!(!recognised("rejected at validation (f.csv, row 2): something new"));
    assert_eq!(zh("rejected at validation (f.csv, row 2): something new"), "数据校验未通过（f.csv第2行）：something new");
    // A capture must look like what its hole holds: "no observation in {year}" is not a
    // progress reason's "no observation in the baseline year".
    assert_eq!(zh("no observation in the baseline year"), "基期年份没有数据");
    assert_eq!(zh("no observation in 2024"), "2024年没有数据");
}

/// Sentences and codes collected from frames.
#[derive(Default)]
struct Seen {
    sentences: BTreeSet<String>,
    codes: BTreeSet<(String, String)>,
}

impl Seen {
    /// Every text cell of `frame` that a reader sees: sentences of `reason`, `detail`, `message`
    /// and `skipped`, and the codes of the columns [`Term::of_column`] names.
    fn frame(&mut self, frame: &DataFrame) {
        for column in frame.columns() {
            let name = column.name().as_str();
            let Ok(values) = column.str() else { continue };
            for v in values.iter().flatten() {
                match name {
                    "reason" if Term::Reason.lookup(v).is_some() => {
                        self.codes.insert(("Reason".into(), v.into()));
                    }
                    "reason" | "detail" | "message" | "skipped" => {
                        self.sentences.insert(v.into());
                    }
                    "flags" => {
                        for f in v.split(',').filter(|f| !f.is_empty()) {
                            self.codes.insert(("Flag".into(), f.into()));
                        }
                    }
                    _ => {
                        if let Some(kind) = Term::of_column(name) {
                            self.codes.insert((format!("{kind:?}"), v.into()));
                        }
                    }
                }
            }
        }
    }

    fn scores(&mut self, scores: &Scores) {
        self.frame(&scores.composite().unwrap());
        self.frame(&scores.excluded().unwrap());
        self.frame(&scores.weights().unwrap());
        self.frame(&scores.contributions().unwrap());
        self.sentences.extend(scores.warnings());
    }
}

fn kind_named(name: &str) -> Term {
    Term::ALL.into_iter().find(|k| format!("{k:?}") == name).unwrap()
}

fn panel(rows: &[(&str, i32, &str, &str)], catalogue: Catalogue, units: Option<Units>) -> Panel {
    let frame = df!(
        "unit" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "indicator" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
    )
    .unwrap();
    Panel::from_frame(&frame, catalogue, units, &PanelOptions::default()).unwrap()
}

/// Two townships whose series reach the rarer reasons of gaps, changes, progress and
/// diagnostics (zero targets, a zero value against an at-most target, a zero-width band, gaps in
/// the years, yes/no series, zero baselines, counts above their totals, fractions for rates,
/// rejected values).
fn edge_analytics(seen: &mut Seen) {
    let rows: &[(&str, i32, &str, &str)] = &[
        ("U1", 2021, "PUB_MATERIALS", "10"),
        ("U1", 2022, "PUB_MATERIALS", "0"),
        ("U1", 2023, "PUB_MATERIALS", "5"),
        ("U1", 2020, "LEAD_STUDY_SESSIONS", "5"),
        ("U1", 2023, "LEAD_STUDY_SESSIONS", "0"),
        ("U1", 2022, "LEAD_ANNUAL_REPORT_ON_TIME", "是"),
        ("U1", 2023, "LEAD_ANNUAL_REPORT_ON_TIME", "否"),
        ("U1", 2021, "LEAD_LAW_LECTURES", "5"),
        ("U1", 2023, "LEAD_LAW_LECTURES", "6"),
        ("U1", 2021, "LEAD_DISCIPLINE_STUDY", "5"),
        ("U1", 2023, "LEAD_DISCIPLINE_STUDY", "2"),
        ("U1", 2022, "PUB_CONSULT_STALLS", "0"),
        ("U1", 2023, "PUB_CONSULT_STALLS", "4"),
        ("U1", 2023, "SUPV_ADMIN_LITIGATION", "0"),
        ("U1", 2023, "DISP_MEDIATORS", "5"),
        ("U1", 2023, "CAP_ONLINE_EXAM_PASS_RATE", "100"),
        ("U1", 2022, "PUB_EVENTS", "10"),
        ("U1", 2023, "PUB_EVENTS", "50"),
        ("U1", 2022, "PUB_LECTURES", "20"),
        ("U1", 2023, "PUB_LECTURES", "0"),
        ("U1", 2023, "ENF_CERTIFIED", "5"),
        ("U1", 2023, "ENF_OFFICE_STAFF", "2"),
        ("U1", 2022, "PUB_SCHOOL_EVENTS", "3多"),
        ("U1", 2023, "PUB_SCHOOL_EVENTS", "4"),
        ("U2", 2023, "ENF_CASES", "3"),
        ("U2", 2023, "ENF_CERTIFIED", "3"),
        ("U2", 2023, "ENF_OFFICE_STAFF", "6"),
        ("U2", 2023, "ENF_CERT_RATE", "90"),
        ("U2", 2023, "CAP_ONLINE_EXAM_PARTICIPATION", "0.95"),
        ("U2", 2022, "PUB_MATERIALS", "-5"),
        ("U2", 2022, "LEAD_STUDY_SESSIONS", "2.5"),
        ("U2", 2022, "CAP_ONLINE_EXAM_PASS_RATE", "120"),
        ("U2", 2021, "PUB_BANNERS", "XX"),
    ];
    let catalogue = Catalogue::default_catalogue();
    let p = panel(rows, catalogue.clone(), None);
    assert_eq!(p.rejections().len(), 4, "{:?}", p.rejections());
    // (unit, indicator, year, comparator, target, target_hi, baseline_year, tiers)
    type Row<'a> = (&'a str, &'a str, i32, &'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<[&'a str; 3]>);
    let targets: &[Row<'_>] = &[
        ("U1", "PUB_MATERIALS", 2023, "at_least", "0", None, None, None),
        ("U1", "SUPV_ADMIN_LITIGATION", 2023, "at_most", "5", None, None, None),
        ("U1", "DISP_MEDIATORS", 2023, "between", "0", Some("0"), None, None),
        ("U2", "PUB_MATERIALS", 2024, "at_least", "10", None, None, None),
        ("U1", "PUB_MATERIALS", 2025, "at_least", "20", None, Some("2019"), None),
        ("U1", "LEAD_LAW_LECTURES", 2025, "at_least", "3", None, None, Some(["2", "4", "8"])),
        ("U1", "LEAD_DISCIPLINE_STUDY", 2025, "at_least", "3", None, None, None),
        ("U1", "PUB_CONSULT_STALLS", 2025, "at_least", "20", None, None, None),
        ("U2", "ENF_CASES", 2025, "at_least", "10", None, None, None),
        ("U1", "PUB_EVENTS", 2023, "at_least", "20", None, None, Some(["10", "20", "60"])),
        ("U1", "PUB_SCHOOL_EVENTS", 2023, "exactly", "4", None, None, None),
        ("U1", "LEAD_STUDY_SESSIONS", 2019, "at_least", "1", None, None, None),
    ];
    let tier = |i: usize| targets.iter().map(|t| t.7.map(|x| x[i])).collect::<Vec<_>>();
    let frame = df!(
        "unit" => targets.iter().map(|t| t.0).collect::<Vec<_>>(),
        "indicator" => targets.iter().map(|t| t.1).collect::<Vec<_>>(),
        "year" => targets.iter().map(|t| t.2).collect::<Vec<_>>(),
        "comparator" => targets.iter().map(|t| t.3).collect::<Vec<_>>(),
        "target" => targets.iter().map(|t| t.4).collect::<Vec<_>>(),
        "target_hi" => targets.iter().map(|t| t.5).collect::<Vec<_>>(),
        "baseline_year" => targets.iter().map(|t| t.6).collect::<Vec<_>>(),
        "threshold" => tier(0),
        "base" => tier(1),
        "challenge" => tier(2),
    )
    .unwrap();
    let targets = Targets::from_frame(&frame, &catalogue, "<edge targets>").unwrap();

    for options in [
        GapOptions::default(),
        GapOptions { cap: Some(1.2), ..Default::default() },
        GapOptions { inverse: InverseMethod::Linear, ..Default::default() },
    ] {
        seen.frame(&analytics::gaps(&p, &targets, &options).unwrap());
    }
    for options in [ChangeOptions::default(), ChangeOptions { max_gap: 3, ..Default::default() }] {
        seen.frame(&analytics::changes(&p, &options).unwrap());
    }
    for (with, options) in [
        (true, ProgressOptions::default()),
        (true, ProgressOptions { method: ProgressMethod::Linear, ..Default::default() }),
        (true, ProgressOptions { baseline_year: Some(2023), ..Default::default() }),
        (false, ProgressOptions::default()),
        (false, ProgressOptions { baseline_year: Some(2021), ..Default::default() }),
    ] {
        seen.frame(&analytics::progress(&p, with.then_some(&targets), &options).unwrap());
    }
    seen.frame(&analytics::diagnostics(&p, &DiagnosticOptions::default()).unwrap());
}

/// Seven townships of the default catalogue in two years: U1–U5 report every indicator (one of
/// them the same for all), U6 two indicators, U7 nothing; in 2023 only U1 reports. U5 has 0
/// residents and U6 none in the unit table.
fn township_rows() -> Vec<(String, i32, String, String)> {
    let catalogue = Catalogue::default_catalogue();
    let mut rows = Vec::new();
    for (year, units) in [(2024, 1..=5), (2023, 1..=1)] {
        for u in units {
            for (k, ind) in catalogue.indicators.iter().enumerate() {
                let value = match ind.measure {
                    _ if ind.code == "PUB_BANNERS" => "7".to_string(),
                    Measure::Boolean => if (u + k) % 2 == 0 { "是" } else { "否" }.to_string(),
                    Measure::Percent => (40 + 7 * u + k % 5).to_string(),
                    Measure::Score => (60 + 5 * u).to_string(),
                    Measure::Average => format!("{}.5", u),
                    _ => (10 + 3 * u + k + year as usize % 2).to_string(),
                };
                rows.push((format!("U{u}"), year, ind.code.clone(), value));
            }
        }
    }
    for code in ["PUB_MATERIALS", "LEAD_STUDY_SESSIONS"] {
        rows.push(("U6".into(), 2024, code.into(), "9".into()));
    }
    rows
}

fn township_units(villages: bool) -> Units {
    let codes = ["U1", "U2", "U3", "U4", "U5", "U6", "U7"];
    let mut frame = df!(
        "code" => codes,
        "name" => ["合成一镇", "合成二镇", "合成三镇", "合成四镇", "合成五镇", "合成六镇", "合成七镇"],
        "county" => ["合成东县", "合成东县", "合成东县", "合成西县", "合成西县", "合成西县", "合成西县"],
        "residents" => [Some("12000"), Some("15000"), Some("30000"), Some("8000"), Some("0"), None, Some("9000")],
    )
    .unwrap();
    if villages {
        frame.with_column(Column::new("villages".into(), ["8", "9", "12", "6", "7", "5", "4"])).unwrap();
    }
    Units::from_frame(&frame, "<edge units>").unwrap()
}

fn township_panel(units: Option<Units>, drop: &[&str]) -> Panel {
    let rows = township_rows();
    let rows: Vec<(&str, i32, &str, &str)> =
        rows.iter().filter(|r| !drop.contains(&r.2.as_str())).map(|r| (r.0.as_str(), r.1, r.2.as_str(), r.3.as_str())).collect();
    panel(&rows, Catalogue::default_catalogue(), units)
}

/// Scores that leave things out for every reason: no report, low coverage, few units (one, and
/// per county), missing and zero attributes, no unit table, no villages column, kinds, zero
/// weights, no targets, no variation under each normalisation; and skipped uncertainty draws.
fn edge_scores(seen: &mut Seen) {
    let p = township_panel(Some(township_units(true)), &[]);
    let runs = [
        ScoreOptions::default(),
        ScoreOptions { normalise: Normalise::Goalposts, ..Default::default() },
        ScoreOptions { normalise: Normalise::ZScore, ..Default::default() },
        ScoreOptions { normalise: Normalise::Rank, ..Default::default() },
        ScoreOptions { scope: Scope::Group, ..Default::default() },
        ScoreOptions { kinds: Some(vec![Kind::Outcome]), ..Default::default() },
        ScoreOptions {
            weights: Weights { indicators: [("PUB_MATERIALS".to_string(), 0.0)].into(), dimensions: [("LEAD".to_string(), 0.0)].into() },
            winsorise: Some((0.05, 0.95)),
            impute: Impute::CarryForward(1),
            ..Default::default()
        },
    ];
    for options in &runs {
        seen.scores(&score(&p, options).unwrap());
    }
    let catalogue = Catalogue::default_catalogue();
    let targets = Targets::from_frame(
        &df!("indicator" => ["PUB_MATERIALS"], "year" => [2024], "comparator" => ["at_least"], "target" => [20.0]).unwrap(),
        &catalogue,
        "<edge targets>",
    )
    .unwrap();
    seen.scores(&score(&p, &ScoreOptions { normalise: Normalise::Target, targets: Some(targets), ..Default::default() }).unwrap());
    // No unit table; a unit table without villages, for a panel with one per-village indicator.
    seen.scores(&score(&township_panel(None, &[]), &ScoreOptions::default()).unwrap());
    let one_village_indicator =
        township_panel(Some(township_units(false)), &["DISP_MEDIATORS", "VIL_MODEL_VILLAGES", "VIL_RULES_REVISED", "VIL_LEGAL_LITERATE"]);
    seen.scores(&score(&one_village_indicator, &ScoreOptions::default()).unwrap());

    // Draws with geometric aggregation meet min-max zeros and are skipped.
    let mut options = crate::uncertainty::UncertaintyOptions::new(2024);
    options.draws = 8;
    options.intervals = false;
    options.aggregate = vec![(Aggregate::Arithmetic, Aggregate::Arithmetic), (Aggregate::Geometric, Aggregate::Geometric)];
    let u = crate::uncertainty::uncertainty(&p, &options, &mut |_, _| true).unwrap();
    seen.frame(&u.skipped().unwrap());
    seen.frame(&u.draws_frame().unwrap());
    seen.frame(&u.sensitivity_frame().unwrap());
}

/// A catalogue with an indicator scored as a percentage of another, whose total is 0 for one
/// unit and missing for another.
fn edge_denominator(seen: &mut Seen) {
    let toml = r#"
version = "labels.1"
[[dimensions]]
code = "D1"
name_zh = "维度一"
name_en = "Dimension one"
[[indicators]]
code = "N"
name_zh = "持证人数"
name_en = "Certified"
dimension = "D1"
measure = "count"
kind = "outcome"
polarity = "higher"
denominator = { indicator = "M" }
[[indicators]]
code = "M"
name_zh = "执法人员数"
name_en = "Staff"
dimension = "D1"
measure = "count"
kind = "output"
polarity = "higher"
"#;
    let catalogue = Catalogue::from_toml_str(toml, "<labels toml>").unwrap();
    let rows: &[(&str, i32, &str, &str)] = &[
        ("U1", 2024, "N", "5"),
        ("U1", 2024, "M", "10"),
        ("U2", 2024, "N", "3"),
        ("U2", 2024, "M", "0"),
        ("U3", 2024, "N", "2"),
        ("U4", 2024, "N", "4"),
        ("U4", 2024, "M", "5"),
    ];
    seen.scores(&score(&panel(rows, catalogue, None), &ScoreOptions::default()).unwrap());
}

fn demo_data(seen: &mut Seen) {
    let units = Units::read(format!("{DEMO}/units.csv"), None).unwrap();
    let p = Panel::read(format!("{DEMO}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap();
    let targets = Targets::read(format!("{DEMO}/targets.csv"), p.catalogue(), None).unwrap();
    for options in [
        ScoreOptions::default(),
        ScoreOptions { impute: Impute::GroupMedian, ..Default::default() },
        ScoreOptions { impute: Impute::CarryForward(2), normalise: Normalise::Goalposts, ..Default::default() },
    ] {
        let s = score(&p, &options).unwrap();
        seen.scores(&s);
        seen.frame(&s.profile("SYN01", None).unwrap());
    }
    seen.frame(&analytics::gaps(&p, &targets, &GapOptions::default()).unwrap());
    seen.frame(&analytics::changes(&p, &ChangeOptions::default()).unwrap());
    seen.frame(&analytics::progress(&p, Some(&targets), &ProgressOptions::default()).unwrap());
    seen.frame(&analytics::progress(&p, None, &ProgressOptions::default()).unwrap());
    seen.frame(&analytics::diagnostics(&p, &DiagnosticOptions::default()).unwrap());
    seen.frame(&p.rejected_frame().unwrap());
}

fn seed_report(seen: &mut Seen) {
    let p = Panel::read(SEED, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
    seen.frame(&analytics::diagnostics(&p, &DiagnosticOptions::default()).unwrap());
    seen.frame(&analytics::changes(&p, &ChangeOptions::default()).unwrap());
    seen.frame(&analytics::progress(&p, None, &ProgressOptions::default()).unwrap());
}

/// Rows of [`SENTENCES`] that no input can reach: kept for safety, not reached by the test.
const UNREACHABLE: &[&str] = &[
    // x ≥ 0 always, so x < a lower end ≤ 0 cannot happen.
    "lower end is zero or negative: ratio undefined",
    // The comparator enum is matched in full.
    "unknown comparator",
    // A zero previous value already gives "relative change undefined", which is kept.
    "previous value is 0: annual rate undefined",
];

#[test]
fn every_sentence_and_code_of_every_frame_has_a_reading() {
    let mut seen = Seen::default();
    demo_data(&mut seen);
    seed_report(&mut seen);
    edge_analytics(&mut seen);
    edge_scores(&mut seen);
    edge_denominator(&mut seen);

    let unknown: Vec<&String> = seen.sentences.iter().filter(|s| !recognised(s)).collect();
    assert!(unknown.is_empty(), "sentences without a template in labels/sentences.rs:\n{unknown:#?}");
    let unlabelled: Vec<&(String, String)> = seen
        .codes
        .iter()
        .filter(|(kind, code)| {
            let kind = kind_named(kind);
            kind.lookup(code).is_none() && !(kind == Term::Impute && code.starts_with("carry_forward:"))
        })
        .collect();
    assert!(unlabelled.is_empty(), "codes without a term in labels/terms.rs: {unlabelled:?}");

    // Every template is reached by some input (or is listed as unreachable), so a pattern that
    // drifted from the sentence it was written for shows here.
    let mut reached = BTreeSet::new();
    for s in &seen.sentences {
        reached.extend(rows_used(s));
    }
    let missing: Vec<&str> = SENTENCES
        .iter()
        .enumerate()
        .filter(|(i, (en, _))| !reached.contains(i) && !UNREACHABLE.contains(en))
        .map(|(_, (en, _))| *en)
        .collect();
    assert!(missing.is_empty(), "templates no test input reached (fix the pattern or the edge panels):\n{missing:#?}");
    for en in UNREACHABLE {
        let row = SENTENCES.iter().position(|(e, _)| e == en).unwrap();
        assert!(!reached.contains(&row), "{en:?} is reached after all; take it off UNREACHABLE");
    }
    // The rarer codes are among what was seen.
    for (kind, code) in [
        ("Reason", "few_units"),
        ("Reason", "no_denominator"),
        ("Reason", "zero_weight"),
        ("Reason", "missing_denominator"),
        ("Check", "fraction_percent"),
        ("Check", "template_placeholder"),
        ("Progress", "maintaining"),
        ("ProgressMethod", "linear (compound undefined for zero or negative values)"),
        ("Level", "group"),
        ("Imputation", "group_median"),
    ] {
        assert!(seen.codes.contains(&(kind.to_string(), code.to_string())), "{kind} {code} was not reached");
    }
}

#[test]
fn settings_read_as_words() {
    let p = township_panel(Some(township_units(true)), &[]);
    let plain = score(&p, &ScoreOptions::default()).unwrap();
    let set = score(
        &p,
        &ScoreOptions {
            normalise: Normalise::Goalposts,
            scope: Scope::Group,
            aggregate: (Aggregate::Arithmetic, Aggregate::Geometric),
            weights: Weights { indicators: [("PUB_MATERIALS".to_string(), 2.0)].into(), dimensions: [("LEAD".to_string(), 0.5)].into() },
            kinds: Some(vec![Kind::Output, Kind::Outcome]),
            impute: Impute::CarryForward(2),
            winsorise: Some((0.05, 0.95)),
            denominate: false,
            years: Some(vec![2024]),
            ..Default::default()
        },
    )
    .unwrap();
    let catalogue = Catalogue::default_catalogue();
    let names = names_of(&catalogue);
    for scores in [&plain, &set] {
        for (key, value) in scores.settings() {
            assert!(SETTING_NAMES.iter().any(|(k, _, _)| k == key), "setting {key:?} has no name in SETTING_NAMES");
            let (zh_name, zh_value) = Lang::Zh.setting_named(key, value, &names);
            let (en_name, _) = Lang::En.setting(key, value);
            assert!(zh_name != *key && en_name != *key, "{key:?} is shown by its key");
            assert!(!has_latin_word(&zh_name) || key == "fazhi_version", "{key:?}: {zh_name:?}");
            if !["fazhi_version", "catalogue_version", "catalogue_origin"].contains(&key.as_str()) {
                assert!(!has_latin_word(&zh_value), "{key:?} = {value:?} reads {zh_value:?}");
            }
        }
    }
    let zh = |key: &str, value: &str| Lang::Zh.setting_named(key, value, &names).1;
    assert_eq!(Lang::Zh.setting("normalise", "minmax"), ("标准化方法".to_string(), "最小–最大值法（0–100）".to_string()));
    assert_eq!(Lang::En.setting("normalise", "minmax").1, "Min–max (0–100)");
    assert_eq!(zh("aggregate", "arithmetic,geometric"), "指标→维度：加权算术平均；维度→综合得分：加权几何平均");
    assert_eq!(zh("min_coverage", "0.6666666666666666,0.8"), "维度内有数据的指标权重≥66.7%；综合得分需有得分的维度权重≥80%");
    assert_eq!(zh("winsorise", "0.05,0.95"), "按5%和95%分位数缩尾");
    assert_eq!(zh("winsorise", "none"), "不缩尾");
    assert_eq!(zh("impute", "carry_forward:2"), "沿用往年值（最多2年）");
    assert_eq!(zh("denominate", "false"), "否");
    assert_eq!(zh("kinds", "output,outcome"), "产出指标、成效指标");
    assert_eq!(zh("kinds", "all"), "全部指标");
    assert_eq!(zh("years", "2020,2021,2022,2024"), "2020–2022、2024年");
    assert_eq!(Lang::En.setting("years", "2024").1, "2024");
    assert_eq!(zh("targets", "12 targets"), "12项");
    assert_eq!(zh("catalogue_origin", "<bundled>"), "内置指标目录");
    assert_eq!(zh("weights", r#"{"indicators":{},"dimensions":{}}"#), "按指标目录的默认权重");
    assert_eq!(
        zh("weights", r#"{"indicators":{"PUB_MATERIALS":2.0},"dimensions":{"LEAD":0.5}}"#),
        format!("指标：{} 2；维度：{} 0.5；其余按指标目录的默认权重", names("PUB_MATERIALS").unwrap(), names("LEAD").unwrap())
    );
    // Unknown keys keep their name; their values still read as words where they can.
    assert_eq!(Lang::Zh.setting("new_flag", "true"), ("new_flag".to_string(), "是".to_string()));
    assert_eq!(Lang::Zh.setting("new_list", "[1, 2]").1, "1、2");
}

#[test]
fn cells_pick_term_flags_or_sentence_by_column() {
    let none = |_: &str| None;
    assert_eq!(Lang::Zh.cell("status", "met", &none), "达标");
    assert_eq!(Lang::Zh.cell("comparator", "at_most", &none), "不超过");
    assert_eq!(Lang::Zh.cell("reason", "few_units", &none), "参评单位过少");
    assert_eq!(Lang::Zh.cell("reason", "no earlier observation", &none), "此前年份没有数据，无法比较");
    assert_eq!(Lang::Zh.cell("flags", "qualified,winsorised", &none), "含限定值、含缩尾");
    assert_eq!(Lang::Zh.cell("detail", "PUB_MATERIALS has weight 0", &none), "“PUB_MATERIALS”的权重为0");
    assert_eq!(Lang::Zh.cell("name", "合成甲镇", &none), "合成甲镇");
    assert_eq!(Lang::Zh.cell("tier_reached", "none", &none), "未达门槛值");
    assert_eq!(Term::of_column("score"), None);
}
