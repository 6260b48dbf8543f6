//! The lexicon mapper and the hard cases of real reports (issue 13), one test each. Every text
//! here is SYNTHETIC, written for these tests; the unit names are invented.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use fazhi::Catalogue;
use fazhi::extract::{ExtractOptions, Extraction, Lexicon, Rules, SkipReason, extract_text};

fn extract(text: &str) -> Extraction {
    extract_text(text, &Catalogue::default_catalogue(), &Rules::default_rules(), &ExtractOptions::default()).unwrap()
}

fn pairs(x: &Extraction) -> BTreeSet<(String, String)> {
    x.values.iter().map(|v| (v.indicator.clone(), v.value.clone())).collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

fn reason_of(x: &Extraction, text: &str) -> Option<SkipReason> {
    x.unmatched.iter().find(|u| u.text == text).map(|u| u.reason)
}

#[test]
fn other_words_for_the_same_things() {
    // The phrasings of the issue, none of which the 2024.1 rules matched.
    let cases: &[(&str, &str, &str)] = &[
        ("党委理论学习中心组开展集体学法7次。", "LEAD_STUDY_SESSIONS", "7次"),
        ("召开专题会议3次，研究解决重点问题9项。", "LEAD_SPECIAL_MEETINGS", "3次"),
        ("召开专题会议3次，研究解决重点问题9项。", "LEAD_ISSUES_RESOLVED", "9项"),
        ("综合执法办公室现有工作人员7人。", "ENF_OFFICE_STAFF", "7人"),
        ("平均每村法律明白人3人。", "VIL_LEGAL_LITERATE_PER_VILLAGE", "3人"),
        ("发放宣传折页500余份。", "PUB_MATERIALS", "500余份"),
        ("排查各类矛盾纠纷210起，成功化解198起。", "DISP_DISPUTES_SCREENED", "210起"),
        ("排查各类矛盾纠纷210起，成功化解198起。", "DISP_DISPUTES_MEDIATED", "198起"),
        ("全年受理信访事项39件。", "DISP_PETITIONS", "39件"),
        ("办理行政复议案件2件。", "SUPV_ADMIN_RECONSIDERATION", "2件"),
        ("审查各类合同协议83份。", "DUTY_CONTRACTS_REVIEWED", "83份"),
        ("悬挂宣传横幅42条，制作展板18块。", "PUB_BANNERS", "42条"),
        ("悬挂宣传横幅42条，制作展板18块。", "PUB_DISPLAY_BOARDS", "18块"),
        ("受理法律援助案件19件。", "DISP_LEGAL_AID_CASES", "19件"),
        ("举办法治讲座6场。", "PUB_LECTURES", "6场"),
    ];
    for (text, code, value) in cases {
        let x = extract(text);
        assert!(pairs(&x).contains(&(code.to_string(), value.to_string())), "{text}: {:?} / {:?}", pairs(&x), x.unmatched);
        let v = x.values.iter().find(|v| v.indicator == *code).unwrap();
        assert!(!v.matched.is_empty() && v.confidence >= 0.5, "{text}: {v:?}");
    }
}

#[test]
fn wan_with_yu_and_duo() {
    let x = extract("开展普法活动，覆盖群众3万余人次，发放宣传资料20万多份。");
    let reach = x.values.iter().find(|v| v.indicator == "PUB_REACH").unwrap();
    assert_eq!(reach.text, "3万余人次");
    assert_eq!((reach.interval.lo, reach.interval.hi), (Some(30000.0), Some(40000.0)));
    let m = x.values.iter().find(|v| v.indicator == "PUB_MATERIALS").unwrap();
    assert_eq!(m.text, "20万多份");
    assert_eq!(m.interval.lo, Some(200_000.0));
}

#[test]
fn numbers_with_no_punctuation_between_phrases() {
    let x = extract("发放资料300余份律师进村讲法3次设摊咨询2次。");
    assert_eq!(pairs(&x), set(&[("PUB_MATERIALS", "300余份"), ("PUB_LECTURES", "3次"), ("PUB_CONSULT_STALLS", "2次")]));
}

#[test]
fn one_value_for_two_indicators() {
    let x = extract("组织干部参加年度学法考试，参考率和合格率均为100%。");
    assert_eq!(pairs(&x), set(&[("CAP_ONLINE_EXAM_PARTICIPATION", "100%"), ("CAP_ONLINE_EXAM_PASS_RATE", "100%")]));
}

#[test]
fn schedules_are_not_counts() {
    let x = extract("班子成员每季度集中学法1次，全年开展集体学法4次。");
    assert_eq!(pairs(&x), set(&[("LEAD_STUDY_SESSIONS", "4次")]));
    assert_eq!(reason_of(&x, "1次"), Some(SkipReason::Schedule));
}

#[test]
fn plans_and_targets_are_not_results() {
    let x = extract(
        "全年举办法治讲座6场。计划开展法治讲座8场。力争明年培育法律明白人，总数突破200名。\n下一步工作打算\n全年发放宣传资料5000份。",
    );
    assert_eq!(pairs(&x), set(&[("PUB_LECTURES", "6场")]));
    for t in ["8场", "5000份"] {
        assert_eq!(reason_of(&x, t), Some(SkipReason::Planned), "{t}: {:?}", x.unmatched);
    }
    assert!(x.unmatched.iter().any(|u| u.text == "200名"));
}

#[test]
fn slogans_and_day_names_are_not_quantities() {
    let x = extract("推行“1234”工作法，在12.4宪法宣传周和6.26国际禁毒日期间开展普法活动12场。");
    assert_eq!(pairs(&x), set(&[("PUB_EVENTS", "12场")]));
    for t in ["1234", "12.4", "6.26"] {
        assert!(x.unmatched.iter().any(|u| u.text.contains(t)), "{t} is listed: {:?}", x.unmatched);
    }
    assert_eq!(reason_of(&x, "12.4"), Some(SkipReason::Date));
    assert_eq!(reason_of(&x, "6.26"), Some(SkipReason::Date));
}

#[test]
fn two_quantities_run_together() {
    let x = extract("全年接待群众来访35批180余人次。");
    assert_eq!(pairs(&x), set(&[("DISP_PETITION_BATCHES", "35批"), ("DISP_PETITION_VISITORS", "180余人次")]));
}

#[test]
fn zeros_in_words() {
    let x = extract("全年未发生越级上访事件，无行政复议案件。");
    assert_eq!(pairs(&x), set(&[("DISP_PETITIONS_BEYOND_LEVEL", "0"), ("SUPV_ADMIN_RECONSIDERATION", "0")]));
    assert!(x.values.iter().all(|v| v.rule == "lexicon_zero" && v.interval.point == 0.0));
    // A zero said of something no indicator counts is still listed.
    let x = extract("全年未发生重大安全事故。");
    assert!(x.values.is_empty());
    assert!(x.unmatched.iter().any(|u| u.text == "未发生"));
    // A count in the clause wins over the words.
    let x = extract("发生越级上访1件，无行政复议案件。");
    assert!(pairs(&x).contains(&("DISP_PETITIONS_BEYOND_LEVEL".into(), "1件".into())), "{:?}", pairs(&x));
}

#[test]
fn page_furniture_is_not_data() {
    let x = extract(
        "索引号：11520000-2024-00012 发布时间：2024-03-01 访问量:1234\n合成样镇2023年法治政府建设工作报告\n全年调解矛盾纠纷56件。\n【打印】【关闭】浏览次数：5678",
    );
    assert_eq!(pairs(&x), set(&[("DISP_DISPUTES_MEDIATED", "56件")]));
    assert!(x.unmatched.iter().any(|u| u.text.contains("1234")));
}

#[test]
fn traditional_characters_and_full_width_digits() {
    let x = extract("累計發放宣傳資料１０６０餘份，出動宣傳車十二車次，製作展板３６塊。");
    assert_eq!(pairs(&x), set(&[("PUB_MATERIALS", "１０６０餘份"), ("PUB_VEHICLE_TRIPS", "十二車次"), ("PUB_DISPLAY_BOARDS", "３６塊")]));
}

#[test]
fn chinese_numerals() {
    let x = extract("全年举办法治讲座三场，召开专题会议两次，年终述法领导干部十二名，化解率百分之九十四点六。");
    let by: std::collections::HashMap<_, _> = x.values.iter().map(|v| (v.indicator.as_str(), v.interval.point)).collect();
    assert_eq!(by.get("PUB_LECTURES"), Some(&3.0));
    assert_eq!(by.get("LEAD_SPECIAL_MEETINGS"), Some(&2.0));
    assert_eq!(by.get("DISP_MEDIATION_SUCCESS_RATE"), Some(&94.6));
}

#[test]
fn tables_flattened_into_text() {
    let x = extract("序号 项目 单位 数量 1 开展普法宣传活动 场次 26 2 发放宣传资料 份 4800 3 受理矛盾纠纷 件 137");
    assert_eq!(pairs(&x), set(&[("PUB_EVENTS", "26"), ("PUB_MATERIALS", "4800"), ("DISP_DISPUTES_ACCEPTED", "137")]));
    let x = extract("主要数据：行政执法案件（件）　47　人民调解组织（个）　23");
    assert_eq!(pairs(&x), set(&[("ENF_CASES", "47"), ("DISP_MEDIATION_COMMITTEES", "23")]));
    // A row with one number per year is left alone: the report's column cannot be told.
    let x = extract("法律明白人（名）｜132｜145");
    assert!(x.values.is_empty(), "{:?}", pairs(&x));
}

#[test]
fn totals_and_per_village_averages() {
    let x = extract("全镇共有法律明白人156名，平均每村4名。");
    assert_eq!(pairs(&x), set(&[("VIL_LEGAL_LITERATE", "156名"), ("VIL_LEGAL_LITERATE_PER_VILLAGE", "4名")]));
}

#[test]
fn parts_of_a_total_are_not_values() {
    let x = extract("主动公开政务信息共55条，其中应急管理类12条、民生类20条。");
    assert_eq!(pairs(&x), set(&[("SUPV_DISCLOSURE_ITEMS", "55条")]));
    assert!(x.unmatched.iter().any(|u| u.text == "12条") && x.unmatched.iter().any(|u| u.text == "20条"));
    let x = extract("发放宣传资料3000份，其中宣传折页1200份、宣传手册800份。");
    assert_eq!(pairs(&x), set(&[("PUB_MATERIALS", "3000份")]));
    assert_eq!(reason_of(&x, "1200份"), Some(SkipReason::Part));
    assert_eq!(reason_of(&x, "800份"), Some(SkipReason::Part));
    let x = extract("已计入上表的覆盖群众1.3万人次不再重复。覆盖群众1.3万多人次（已计入上表）。");
    assert!(x.values.iter().all(|v| v.text != "1.3万多人次"));
}

#[test]
fn book_titles_name_no_activity() {
    let x = extract("组织学习《中华人民共和国行政复议法》等法律法规12次。");
    assert_eq!(pairs(&x), set(&[("CAP_STUDY_SESSIONS", "12次")]));
}

#[test]
fn ambiguous_numbers_stay_unmatched_with_their_best_candidate() {
    // Two entries claim the same words equally: neither is taken.
    let lexicon = Lexicon::from_toml_str(
        "[[entries]]\nindicator = \"PUB_EVENTS\"\nobjects = [\"主题活动\"]\nmeasure_words = [\"场\"]\n\
         [[entries]]\nindicator = \"PUB_LECTURES\"\nobjects = [\"主题活动\"]\nmeasure_words = [\"场\"]\n",
        "two.toml",
    )
    .unwrap();
    let rules = Rules::default_rules().with_lexicon(lexicon);
    let x = extract_text("开展主题活动56场。", &Catalogue::default_catalogue(), &rules, &ExtractOptions::default()).unwrap();
    assert!(x.values.is_empty(), "{:?}", pairs(&x));
    let u = x.unmatched.iter().find(|u| u.text == "56场").unwrap();
    assert_eq!(u.reason, SkipReason::LowConfidence);
    assert!(u.detail.contains("as likely"), "{}", u.detail);
    assert!(u.indicator.is_some() && u.confidence.is_some_and(|c| c > 0.0 && c <= 1.0), "{u:?}");
}

#[test]
fn accept_takes_a_candidate_and_teaches_next_year() {
    let catalogue = Catalogue::default_catalogue();
    let text = "合成样镇2023年法治政府建设工作报告\n组织志愿者走村入户开展敲门行动41次。";
    let mut x = extract(text);
    assert!(x.values.is_empty(), "{:?}", pairs(&x));
    let u = x.unmatched.iter().find(|u| u.text == "41次").unwrap().clone();
    assert!(!u.lead.is_empty());
    let v = x.accept(u.start, Some("PUB_LECTURES"), &catalogue).unwrap();
    assert_eq!((v.indicator.as_str(), v.text.as_str(), v.rule.as_str()), ("PUB_LECTURES", "41次", "accepted"));
    assert!(x.unmatched.iter().all(|w| w.start != u.start));
    // Errors say why a number cannot be taken.
    assert!(x.accept(u.start, Some("PUB_LECTURES"), &catalogue).unwrap_err().to_string().contains("no unmatched number"));
    let year = x.unmatched.iter().find(|w| w.text == "2023年").unwrap().start;
    assert!(x.accept(year, None, &catalogue).unwrap_err().to_string().contains("no candidate"));
    assert!(x.accept(year, Some("DUTY_LEGAL_ADVISER"), &catalogue).unwrap_err().to_string().contains("yes/no"));
    // The accepted value as a rule: next year's report with the same words is read by it.
    let toml = x.accepted_rules_toml();
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), &toml).unwrap();
    let rules = Rules::read_with_defaults(path.path()).unwrap();
    let next = extract_text(
        "合成样镇2024年法治政府建设工作报告\n组织志愿者走村入户开展敲门行动52次。",
        &catalogue,
        &rules,
        &ExtractOptions::default(),
    )
    .unwrap();
    assert_eq!(pairs(&next), set(&[("PUB_LECTURES", "52次")]), "{toml}");
}

#[test]
fn the_lexicon_can_be_switched_off_or_extended() {
    let text = "发放宣传折页500余份。";
    let off = ExtractOptions { use_lexicon: false, ..ExtractOptions::default() };
    let x = extract_text(text, &Catalogue::default_catalogue(), &Rules::default_rules(), &off).unwrap();
    assert!(x.values.is_empty());
    let mine = Lexicon::from_toml_str(
        "[[entries]]\nindicator = \"PUB_MATERIALS\"\nobjects = [\"明信片\"]\nmeasure_words = [\"张\"]\n",
        "mine.toml",
    )
    .unwrap();
    let rules = Rules::default_rules().with_lexicon(Lexicon::default_lexicon().merge(mine));
    let x = extract_text("发放普法明信片300张。", &Catalogue::default_catalogue(), &rules, &ExtractOptions::default()).unwrap();
    assert_eq!(pairs(&x), set(&[("PUB_MATERIALS", "300张")]));
}

#[test]
fn the_bundled_lexicon_binds_to_the_bundled_catalogue() {
    Rules::default_rules().check(&Catalogue::default_catalogue()).unwrap();
    // An entry for an unknown code is a clear error naming it.
    let bad = Lexicon::from_toml_str("[[entries]]\nindicator = \"NO_SUCH\"\nobjects = [\"资料\"]\n", "bad.toml").unwrap();
    let e = Rules::default_rules().with_lexicon(bad).check(&Catalogue::default_catalogue()).unwrap_err().to_string();
    assert!(e.contains("NO_SUCH") && e.contains("bad.toml"), "{e}");
}

#[test]
fn review_cases_stay_unmapped_or_right() {
    // Chinese decimals keep their 万.
    let x = extract("收缴罚没款一点五万元。");
    let v = x.values.iter().find(|v| v.indicator == "ENF_FINES").unwrap();
    assert_eq!(v.interval.point, 15000.0);
    // A per-person figure is no total.
    assert!(extract("发放宣传资料人均3份。").values.is_empty());
    // 分别: the lexicon does not guess which number is whose.
    assert!(extract("开展执法检查、法治讲座分别12次、8次。").values.iter().all(|v| v.rule != "lexicon"));
    // A head noun of no indicator: “人人登台讲法治”活动 is not a count of lectures.
    assert!(extract("开展“人人登台讲法治”活动20余场。").values.is_empty());
    // A part named in its own clause is not the carried total's verb.
    let x = extract("排查矛盾纠纷210起，其中婚姻家庭问题化解198起。");
    assert_eq!(pairs(&x), set(&[("DISP_DISPUTES_SCREENED", "210起")]));
    // A unit in brackets must fill them.
    assert!(extract("执法案件（人次统计） 47").values.is_empty());
}

#[test]
fn accepted_rules_are_valid_toml_for_any_lead() {
    let catalogue = Catalogue::default_catalogue();
    let mut x = extract("合成样镇2023年法治政府建设工作报告\n组织“*开展”\u{c}敲门\\行动41次。");
    let start = x.unmatched.iter().find(|u| u.text == "41次").unwrap().start;
    x.accept(start, Some("PUB_LECTURES"), &catalogue).unwrap();
    let toml = x.accepted_rules_toml();
    Rules::from_toml_str(&toml, "accepted.toml").unwrap();
}

#[test]
fn a_body_named_in_an_earlier_clause_is_carried_to_its_verb() {
    // Synthetic variants of a common real pattern: the study group is named, then the count
    // comes in a later clause with only its verb.
    for (text, value) in [
        ("将习近平法治思想纳入镇党委理论学习中心组学习重点内容，全年组织专题学习3次。", "3次"),
        ("把宪法和民法典纳入党委理论学习中心组学习内容，全年开展6次集中学习研讨。", "6次"),
    ] {
        assert_eq!(pairs(&extract(text)), set(&[("LEAD_STUDY_SESSIONS", value)]), "{text}");
    }
    // Without a body in the sentence the verb alone claims nothing for the leadership.
    let x = extract("全年组织专题学习3次，内容涉及民法典。");
    assert!(!pairs(&x).iter().any(|(i, _)| i == "LEAD_STUDY_SESSIONS"), "{:?}", pairs(&x));
}

#[test]
fn a_quoted_name_inside_a_phrase_does_not_break_it() {
    // 法治宣传“六进”活动 is a 法治宣传活动 (the quoted name 六进 holds a numeral, not a count).
    assert_eq!(pairs(&extract("合成乙镇开展法治宣传“六进”活动32场次。")), set(&[("PUB_EVENTS", "32场次")]));
}

#[test]
fn the_last_noun_after_a_number_is_what_it_counts() {
    // 重大决策 is a modifier of 法制审核: the number is not a count of major decisions.
    let x = extract("全年完成31件重大决策与规范性文件法制审核。");
    assert!(!pairs(&x).iter().any(|(i, _)| i == "DUTY_MAJOR_DECISIONS_REVIEWED"), "{:?}", pairs(&x));
    // With nothing after it, the object after the number still counts.
    assert_eq!(pairs(&extract("全年审查重大行政决策5件。")), set(&[("DUTY_MAJOR_DECISIONS_REVIEWED", "5件")]));
}

#[test]
fn the_best_entry_of_an_indicator_is_chosen_after_the_head_noun() {
    // Two entries of LEAD_STUDY_SESSIONS read the number: the body (理论学习中心组) further away
    // and 集体学法 right before it; the head noun decides, so the nearer phrase is the match.
    let x = extract("乡党委理论学习中心组全年集体学法十次。");
    let v = x.values.iter().find(|v| v.indicator == "LEAD_STUDY_SESSIONS").unwrap();
    assert!(v.matched.contains("集体学法"), "{}", v.matched);
    assert!(v.confidence >= 0.8, "{}", v.confidence);
}

#[test]
fn none_made_is_a_zero_for_normative_documents() {
    let x = extract("加强规范性文件管理。2024年，合成丙镇未制定出台规范性文件，对现行文件进行了清理。");
    assert_eq!(pairs(&x), set(&[("DUTY_NORMATIVE_DOCS", "0")]), "{:?}", x.values);
}
