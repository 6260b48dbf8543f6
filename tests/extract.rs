//! Tests of `fazhi::extract`: the real seed report, synthetic reports (unit names 合成…), each
//! number form, each non-value form, file formats, rules files and never-panic properties.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use fazhi::extract::{ExtractOptions, Extraction, Lexicon, Rules, SkipReason, extract_dir, extract_path, extract_text};
use fazhi::model::parse_value;
use fazhi::{Catalogue, Panel, PanelOptions, Qualifier};
use proptest::prelude::*;

fn reports_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reports")
}

/// The real seed report, bundled with the datasets.
fn seed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/seed/sikeshu_2023.txt")
}

fn catalogue() -> Catalogue {
    Catalogue::default_catalogue()
}

fn extract(text: &str) -> Extraction {
    extract_text(text, &catalogue(), &Rules::default_rules(), &ExtractOptions::default()).unwrap()
}

fn pairs(x: &Extraction) -> BTreeSet<(String, String)> {
    x.values.iter().map(|v| (v.indicator.clone(), v.value.clone())).collect()
}

fn codes(x: &Extraction) -> Vec<&str> {
    x.values.iter().map(|v| v.indicator.as_str()).collect()
}

fn value<'a>(x: &'a Extraction, code: &str) -> &'a fazhi::extract::ExtractedValue {
    x.values.iter().find(|v| v.indicator == code).unwrap_or_else(|| panic!("{code} not extracted: {:#?}", x.values))
}

fn reasons(x: &Extraction) -> Vec<(String, SkipReason)> {
    x.unmatched.iter().map(|u| (u.text.clone(), u.reason)).collect()
}

fn has_reason(x: &Extraction, text: &str, reason: SkipReason) -> bool {
    x.unmatched.iter().any(|u| u.text == text && u.reason == reason)
}

/// Every value: its quote contains its text, and its offsets point at its text.
fn check_provenance(x: &Extraction, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for v in &x.values {
        assert!(v.end <= chars.len() && v.start < v.end, "{v:?}");
        let at: String = chars[v.start..v.end].iter().collect();
        assert_eq!(at, v.text, "offsets of {v:?}");
        assert!(v.quote.contains(&v.text), "quote of {v:?}");
        assert!((0.0..=1.0).contains(&v.confidence));
    }
    for u in &x.unmatched {
        assert!(u.end <= chars.len() && u.start <= u.end, "{u:?}");
        let at: String = chars[u.start..u.end].iter().collect();
        assert_eq!(at, u.text, "offsets of {u:?}");
    }
}

fn expected(name: &str) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(reports_dir().join(name)).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (ind, val) = l.split_once(',').unwrap();
            (ind.to_string(), val.trim_matches('"').to_string())
        })
        .collect()
}

// ------------------------------------------------------------------ the real seed report

fn seed_text() -> String {
    // The shared seed when present (the original), else the committed copy.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds/000_816e470ad75cab42.txt");
    let copy = seed_path();
    let text = std::fs::read_to_string(&copy).unwrap();
    if let Ok(original) = std::fs::read_to_string(shared) {
        assert_eq!(original, text, "datasets/seed/sikeshu_2023.txt must be an unchanged copy of the seed");
    }
    text
}

#[test]
fn seed_report_yields_exactly_the_seed_csv() {
    let text = seed_text();
    let x = extract(&text);
    assert_eq!(x.unit.as_deref(), Some("四棵树镇"));
    assert_eq!(x.year, Some(2023));
    check_provenance(&x, &text);

    let csv = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/seed/sikeshu_2023.csv")).unwrap();
    let mut wanted = 0;
    for line in csv.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(5, ',').collect();
        let (code, written, source) = (cols[2], cols[3], cols[4]);
        wanted += 1;
        let v = value(&x, code);
        let ind = catalogue().indicator(code).unwrap().clone();
        if ind.measure == fazhi::model::Measure::Boolean {
            assert_eq!(v.value, "是", "{code}");
            assert_eq!(v.interval.point, 1.0);
        } else {
            let want = parse_value(written).unwrap().interval;
            assert_eq!((v.interval.lo, v.interval.hi), (want.lo, want.hi), "{code}: got {} want {written}", v.text);
            assert_eq!(v.interval.qualifier, want.qualifier, "{code}");
            assert_eq!(v.interval.hi_exclusive, want.hi_exclusive, "{code}");
        }
        // The value stands in the sentence the seed CSV cites.
        assert!(v.quote.contains(&v.text), "{code}");
        let cited = source.trim_end_matches('。');
        assert!(v.quote.contains(cited) || cited.contains(&v.quote), "{code}: quote {:?} vs seed {:?}", v.quote, cited);
    }
    assert_eq!(wanted, 26);
    assert_eq!(x.values.len(), 26, "no value beyond the seed CSV: {:#?}", codes(&x));

    // What was seen and not taken, with reasons.
    assert!(has_reason(&x, "二十大", SkipReason::Slogan));
    assert!(has_reason(&x, "一规划两纲要", SkipReason::Slogan));
    assert!(has_reason(&x, "五办六中心", SkipReason::Slogan));
    assert!(has_reason(&x, "3·15", SkipReason::Date));
    assert!(has_reason(&x, "5·1", SkipReason::Date));
    assert!(has_reason(&x, "1月", SkipReason::Date));
    assert!(has_reason(&x, "2024年", SkipReason::Year));
    assert!(has_reason(&x, "2次", SkipReason::Duplicate), "讲法治课2次 is said twice: {:?}", reasons(&x));
    // Numbers in words are not numbers: 四棵树, 一些, 一系列, 第一时间, 队伍.
    assert!(!x.unmatched.iter().any(|u| u.text.contains('四') || u.text.contains('伍')), "{:?}", reasons(&x));

    // The panel frame is accepted by Panel::from_frame as it stands.
    let frame = x.to_panel_frame().unwrap();
    assert_eq!(frame.get_column_names().iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["unit", "year", "indicator", "value", "source"]);
    let panel = Panel::from_frame(&frame, catalogue(), None, &PanelOptions::default()).unwrap();
    assert!(panel.rejections().is_empty(), "{:?}", panel.rejections());
    assert_eq!(panel.len(), 26);
    let values = x.values_frame().unwrap();
    assert_eq!(values.height(), 26);
    assert!(values.get_column_names().iter().any(|c| c.as_str() == "confidence"));
    assert_eq!(x.unmatched_frame().unwrap().height(), x.unmatched.len());
}

// ------------------------------------------------------------------ synthetic reports

fn check_report(name: &str, unit: &str, year: i32) -> Extraction {
    let path = reports_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let x = extract(&text);
    check_provenance(&x, &text);
    assert_eq!((x.unit.as_deref(), x.year), (Some(unit), Some(year)), "{name}");
    let want = expected(&name.replace(".txt", ".expected.csv"));
    let got = pairs(&x);
    assert_eq!(
        got,
        want,
        "{name}\nmissing: {:?}\nextra: {:?}",
        want.difference(&got).collect::<Vec<_>>(),
        got.difference(&want).collect::<Vec<_>>()
    );
    let frame = x.to_panel_frame().unwrap();
    let panel = Panel::from_frame(&frame, catalogue(), None, &PanelOptions::default()).unwrap();
    assert!(panel.rejections().is_empty(), "{name}: {:?}", panel.rejections());
    x
}

#[test]
fn synthetic_jia_2024() {
    let x = check_report("hecheng_jia_2024.txt", "合成甲镇", 2024);
    assert!(has_reason(&x, "2021—2025年", SkipReason::PlanPeriod), "{:?}", reasons(&x));
    assert!(has_reason(&x, "2021〕", SkipReason::DocumentNumber), "{:?}", reasons(&x));
    assert!(has_reason(&x, "12号", SkipReason::DocumentNumber));
    assert!(has_reason(&x, "12348", SkipReason::Hotline));
    assert!(has_reason(&x, "12345", SkipReason::Hotline));
    assert!(has_reason(&x, "12·4", SkipReason::Date));
    assert!(has_reason(&x, "4·15", SkipReason::Date));
    assert!(has_reason(&x, "XX次", SkipReason::Placeholder));
    assert!(has_reason(&x, "15件", SkipReason::Change));
    assert!(has_reason(&x, "4次", SkipReason::Planned), "计划开展法治进校园活动4次 is a plan: {:?}", reasons(&x));
    // 排查 is not 调解: the screened disputes are their own indicator (catalogue 2025.1).
    assert_eq!(value(&x, "DISP_DISPUTES_SCREENED").text, "215件");
    assert_eq!(value(&x, "DISP_DISPUTES_MEDIATED").text, "208件");
    assert_eq!(value(&x, "DISP_PETITIONS_BEYOND_LEVEL").rule, "lexicon_zero");
    assert!(has_reason(&x, "二十届", SkipReason::Slogan));
    assert!(has_reason(&x, "三", SkipReason::Slogan), "三中全会: {:?}", reasons(&x));
    let v = value(&x, "PUB_MATERIALS");
    assert_eq!(v.interval.qualifier, Qualifier::Approx);
    let v = value(&x, "PUB_NEW_MEDIA_POSTS");
    assert_eq!((v.interval.lo, v.interval.hi), (Some(120.0), Some(130.0)));
    assert_eq!(value(&x, "ENF_CERT_RATE").interval.point, 92.5);
}

#[test]
fn synthetic_yi_2023_chinese_numerals_and_unit_before_year() {
    let x = check_report("hecheng_yi_2023.txt", "合成乙乡", 2023);
    assert_eq!(value(&x, "LEAD_STUDY_SESSIONS").interval.point, 12.0);
    assert_eq!(value(&x, "LEAD_LAW_LECTURES").interval.point, 2.0);
    assert_eq!(value(&x, "PUB_MATERIALS").interval.point, 2500.0);
    let rate = value(&x, "VIL_LEGAL_LITERATE_STUDY_RATE");
    assert!(rate.percent);
    assert_eq!(rate.interval.point, 90.0);
    assert!(has_reason(&x, "XX次", SkipReason::Placeholder));
    assert!(has_reason(&x, "4期", SkipReason::Planned));
    assert!(has_reason(&x, "5个", SkipReason::Planned));
    assert!(has_reason(&x, "55", SkipReason::NoMeasureWord), "{:?}", reasons(&x));
}

#[test]
fn synthetic_bing_2022_traditional_and_full_width() {
    let x = check_report("hecheng_bing_2022.txt", "合成丙镇", 2022);
    let v = value(&x, "PUB_MATERIALS");
    assert_eq!((v.interval.lo, v.interval.hi, v.interval.qualifier), (Some(1200.0), Some(1300.0), Qualifier::AtLeast));
    assert!(has_reason(&x, "２０００份", SkipReason::Planned), "{:?}", reasons(&x));
}

#[test]
fn saved_web_page_drops_furniture() {
    let path = reports_dir().join("hecheng_ding_2024.html");
    let options = ExtractOptions { keep_text: true, ..ExtractOptions::default() };
    let x = extract_path(&path, &catalogue(), &Rules::default_rules(), &options).unwrap();
    let text = x.text.clone().unwrap();
    check_provenance(&x, &text);
    for furniture in ["打印本页", "关闭窗口", "首页", "版权所有", "分享到", "浏览次数", "visits", "font-size", "ICP"] {
        assert!(!text.contains(furniture), "{furniture} left in:\n{text}");
    }
    assert_eq!((x.unit.as_deref(), x.year), (Some("合成丁镇"), Some(2024)));
    assert_eq!(pairs(&x), expected("hecheng_ding_2024.expected.csv"), "{text}");
    assert_eq!(x.format, Some(fazhi::extract::ReportFormat::Html));
}

// ------------------------------------------------------------------ file formats

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn text_files_in_every_encoding() {
    let text = std::fs::read_to_string(reports_dir().join("hecheng_yi_2023.txt")).unwrap();
    let want = expected("hecheng_yi_2023.expected.csv");
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    for (name, bytes, enc) in
        [("gbk.txt", gbk.to_vec(), "gb18030"), ("bom.txt", bom, "UTF-8 (BOM)"), ("utf16.txt", utf16, "UTF-16LE (BOM)")]
    {
        let p = write(dir.path(), name, &bytes);
        let x = extract_path(&p, &catalogue(), &Rules::default_rules(), &ExtractOptions::default()).unwrap();
        assert_eq!(pairs(&x), want, "{name}");
        assert_eq!(x.encoding.as_deref(), Some(enc), "{name}");
        assert_eq!(x.unit.as_deref(), Some("合成乙乡"));
    }
    // An explicit encoding overrides detection.
    let p = dir.path().join("gbk.txt");
    let options = ExtractOptions { encoding: Some("gbk".into()), ..ExtractOptions::default() };
    assert_eq!(pairs(&extract_path(&p, &catalogue(), &Rules::default_rules(), &options).unwrap()), want);
}

/// A minimal synthetic .docx: paragraphs, a run split inside a number, and a table whose cells
/// hold an indicator name and its value.
fn docx_bytes() -> Vec<u8> {
    let para = |t: &str| format!("<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>");
    let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let body = format!(
        "{}{}<w:p><w:r><w:t>累计发放法治宣传资料10</w:t></w:r><w:r><w:t>60多份，接待咨询&amp;解答180人次。</w:t></w:r></w:p>\
         <w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>{}",
        para("2024年度合成县合成戊镇法治政府建设工作报告"),
        para("全年调解矛盾纠纷37件，调解成功率达95%。"),
        cell("项目"),
        cell("完成情况"),
        cell("开展法治进校园活动"),
        cell("4次"),
        cell("法律知识测试"),
        cell("2次"),
        para("<w:delText>删除的100份</w:delText>以上为本镇情况。")
    );
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn docx_paragraphs_and_table_cells() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "hecheng_wu_2024.docx", &docx_bytes());
    let options = ExtractOptions { keep_text: true, ..ExtractOptions::default() };
    let x = extract_path(&p, &catalogue(), &Rules::default_rules(), &options).unwrap();
    let text = x.text.clone().unwrap();
    check_provenance(&x, &text);
    assert!(!text.contains("删除的"), "deleted text is not text: {text}");
    assert_eq!((x.unit.as_deref(), x.year), (Some("合成戊镇"), Some(2024)));
    let want: BTreeSet<(String, String)> = [
        ("PUB_MATERIALS", "1060多份"),
        ("PUB_CONSULTATIONS", "180人次"),
        ("DISP_DISPUTES_MEDIATED", "37件"),
        ("DISP_MEDIATION_SUCCESS_RATE", "95%"),
        ("PUB_SCHOOL_EVENTS", "4次"),
        ("CAP_CADRE_TESTS", "2次"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs(&x), want, "{text}");
    assert_eq!(x.format, Some(fazhi::extract::ReportFormat::Docx));
    // Not a zip: a clear error.
    let bad = write(dir.path(), "broken.docx", b"not a zip");
    let e = extract_path(&bad, &catalogue(), &Rules::default_rules(), &ExtractOptions::default()).unwrap_err().to_string();
    assert!(e.contains("broken.docx") && e.contains(".docx"), "{e}");
}

#[test]
fn folder_in_parallel_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seed_path(), dir.path().join("sikeshu_2023.txt")).unwrap();
    for name in ["hecheng_jia_2024.txt", "hecheng_yi_2023.txt", "hecheng_bing_2022.txt", "hecheng_ding_2024.html"] {
        std::fs::copy(reports_dir().join(name), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(&dir.path().join("sub"), "hecheng_wu_2024.docx", &docx_bytes());
    write(dir.path(), "notes.csv", b"not a report");
    write(dir.path(), "broken.docx", b"not a zip");
    let calls = AtomicUsize::new(0);
    let last = AtomicUsize::new(0);
    let progress = |done: usize, total: usize| {
        calls.fetch_add(1, Ordering::Relaxed);
        last.fetch_max(done, Ordering::Relaxed);
        assert_eq!(total, 7);
        true
    };
    let out = extract_dir(dir.path(), &catalogue(), &Rules::default_rules(), &ExtractOptions::default(), Some(&progress)).unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 7);
    assert_eq!(last.load(Ordering::Relaxed), 7);
    assert_eq!(out.reports.len(), 6);
    assert_eq!(out.failures.len(), 1);
    assert!(out.failures[0].path.ends_with("broken.docx"));
    let frame = out.to_panel_frame().unwrap();
    let panel = Panel::from_frame(&frame, catalogue(), None, &PanelOptions::default()).unwrap();
    assert!(panel.rejections().is_empty(), "{:?}", panel.rejections());
    assert_eq!(panel.summary().unwrap().units, 6);
    assert_eq!(out.values_frame().unwrap().height(), frame.height());
    assert!(out.unmatched_frame().unwrap().height() > 0);
    assert_eq!(out.failures_frame().unwrap().height(), 1);
}

#[test]
fn folder_extraction_stops_when_progress_says_so() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        std::fs::copy(seed_path(), dir.path().join(format!("r{i:02}.txt"))).unwrap();
    }
    let calls = AtomicUsize::new(0);
    let stop = |_done: usize, total: usize| {
        assert_eq!(total, 40);
        calls.fetch_add(1, Ordering::Relaxed);
        false
    };
    let e = extract_dir(dir.path(), &catalogue(), &Rules::default_rules(), &ExtractOptions::default(), Some(&stop)).unwrap_err();
    assert!(e.to_string().contains("cancelled after") && e.to_string().contains("of 40 files"), "{e}");
    // Files already begun finish; none is begun after the stop (one per worker thread at most).
    assert!(calls.load(Ordering::Relaxed) <= rayon::current_num_threads().max(1) + 1, "{}", calls.load(Ordering::Relaxed));
}

#[test]
fn unsupported_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "report.pdf", b"%PDF");
    let e = extract_path(&p, &catalogue(), &Rules::default_rules(), &ExtractOptions::default()).unwrap_err().to_string();
    assert!(e.contains("report.pdf") && e.contains(".docx"), "{e}");
}

// ------------------------------------------------------------------ number forms (item 3)

#[test]
fn arabic_full_width_and_chinese_numerals() {
    let x = extract("接待咨询１８０人次。组织机关领导干部法律知识测试一百零五次。开展法治进校园活动两次。");
    assert_eq!(value(&x, "PUB_CONSULTATIONS").interval.point, 180.0);
    assert_eq!(value(&x, "CAP_CADRE_TESTS").interval.point, 105.0);
    assert_eq!(value(&x, "PUB_SCHOOL_EVENTS").interval.point, 2.0);
    let x = extract("镇党委理论学习中心组学法十二次。");
    assert_eq!(value(&x, "LEAD_STUDY_SESSIONS").interval.point, 12.0);
}

#[test]
fn decimals_percentages_qualifiers_ranges() {
    let x = extract("“法宣在线”考试平均分数达89.93分。全年调解矛盾纠纷近百件。执法人员持证率95%以上。各村配备村级调解员3至5人。");
    assert_eq!(value(&x, "CAP_ONLINE_EXAM_SCORE").interval.point, 89.93);
    let v = value(&x, "DISP_DISPUTES_MEDIATED");
    assert_eq!((v.text.as_str(), v.interval.lo, v.interval.hi, v.interval.qualifier), ("近百件", None, Some(100.0), Qualifier::AtMost));
    let v = value(&x, "ENF_CERT_RATE");
    assert_eq!((v.interval.lo, v.interval.hi, v.interval.qualifier), (Some(95.0), Some(100.0), Qualifier::AtLeast));
    let v = value(&x, "DISP_MEDIATORS_PER_VILLAGE");
    assert_eq!((v.interval.lo, v.interval.hi, v.interval.qualifier), (Some(3.0), Some(5.0), Qualifier::Range));
    let x = extract("累计发放法治宣传资料约200份。接待咨询超过300人次。");
    assert_eq!(value(&x, "PUB_MATERIALS").interval.qualifier, Qualifier::Approx);
    assert_eq!(value(&x, "PUB_CONSULTATIONS").text, "超过300人次");
}

#[test]
fn shared_value_totals_averages_breakdowns() {
    let x = extract("“法宣在线”参考率及格率均为100%。");
    assert_eq!(codes(&x), ["CAP_ONLINE_EXAM_PARTICIPATION", "CAP_ONLINE_EXAM_PASS_RATE"]);
    assert!(x.values.iter().all(|v| v.interval.point == 100.0 && v.percent && v.start == x.values[0].start));
    let x = extract("参加考前综合执法培训合计40个课时。");
    assert_eq!(value(&x, "ENF_TRAINING_HOURS").interval.point, 40.0);
    assert_eq!(value(&x, "ENF_TRAINING_HOURS").measure_word.as_deref(), Some("个课时"));
    let x = extract("积极培养各村法律明白人，平均一个行政村3人。");
    assert_eq!(codes(&x), ["VIL_LEGAL_LITERATE_PER_VILLAGE"]);
    assert_eq!(x.values[0].text, "3人");
    assert!(x.unmatched.is_empty(), "一个 in 平均一个行政村 is part of the words: {:?}", reasons(&x));
    let x = extract("今年以来联系包乡镇法官调解2次经济纠纷，1次宅基地纠纷。");
    assert_eq!(value(&x, "DISP_JUDGE_ECONOMIC").interval.point, 2.0);
    assert_eq!(value(&x, "DISP_JUDGE_HOMESTEAD").interval.point, 1.0);
    // Without the judge the same words are not these indicators.
    assert!(extract("调解2次经济纠纷，1次宅基地纠纷。").values.is_empty());
}

#[test]
fn traditional_characters_read_as_simplified() {
    let text = "累計發放法治宣傳資料1060餘份，開展法律諮詢設攤活動3次，接待諮詢180人次。“法宣在線”參考率及格率均為100%。";
    let x = extract(text);
    check_provenance(&x, text);
    let v = value(&x, "PUB_MATERIALS");
    assert_eq!(v.text, "1060餘份");
    assert_eq!((v.interval.lo, v.interval.hi), (Some(1060.0), Some(1070.0)));
    assert_eq!(value(&x, "PUB_CONSULT_STALLS").interval.point, 3.0);
    assert_eq!(value(&x, "PUB_CONSULTATIONS").interval.point, 180.0);
    assert_eq!(value(&x, "CAP_ONLINE_EXAM_PASS_RATE").interval.point, 100.0);
    assert_eq!(value(&x, "CAP_ONLINE_EXAM_PARTICIPATION").interval.point, 100.0);
}

// ------------------------------------------------------------------ never values (item 4)

#[test]
fn dates_document_numbers_years_hotlines_slogans_markers_placeholders() {
    let text = "2023年1月以来，利用“3·15”“5·1”等节点开展法治宣传。根据《合政办发〔2023〕1号》文件和《规划（2021—2025年）》，\
                依托12345热线受理诉求。学习一规划两纲要、二十大精神，五办六中心协同。一是开展学法；（二）强化执法；三、存在问题。\
                发放法治宣传资料XX份，开展法治进校园活动××次。";
    let x = extract(text);
    check_provenance(&x, text);
    assert!(x.values.is_empty(), "{:#?}", x.values);
    for (t, r) in [
        ("2023年", SkipReason::Date),
        ("1月", SkipReason::Date),
        ("3·15", SkipReason::Date),
        ("5·1", SkipReason::Date),
        ("2023〕", SkipReason::DocumentNumber),
        ("1号", SkipReason::DocumentNumber),
        ("2021—2025年", SkipReason::PlanPeriod),
        ("12345", SkipReason::Hotline),
        ("一规划两纲要", SkipReason::Slogan),
        ("二十大", SkipReason::Slogan),
        ("五办六中心", SkipReason::Slogan),
        ("XX份", SkipReason::Placeholder),
        ("××次", SkipReason::Placeholder),
    ] {
        assert!(has_reason(&x, t, r), "{t} should be {r}: {:?}", reasons(&x));
    }
    // List markers are structural: skipped silently.
    assert!(!x.unmatched.iter().any(|u| ["一", "二", "三"].contains(&u.text.as_str())), "{:?}", reasons(&x));
}

#[test]
fn precision_guards() {
    // Another year, a change, a plan, a conflict, a wrong measure word.
    let x = extract("去年调解矛盾纠纷80件。调解矛盾纠纷比上年增加20件。计划发放法治宣传资料500份。");
    assert!(x.values.is_empty(), "{:#?}", x.values);
    assert!(has_reason(&x, "80件", SkipReason::OtherYear));
    assert!(has_reason(&x, "500份", SkipReason::Planned));
    let x = extract("全年调解矛盾纠纷80件。全年调解矛盾纠纷95件。");
    assert!(x.values.is_empty(), "equally certain different values are withheld: {:#?}", x.values);
    assert_eq!(x.unmatched.iter().filter(|u| u.reason == SkipReason::Conflict).count(), 2);
    let x = extract("累计发放法治宣传资料300次。");
    assert!(x.values.is_empty());
    assert!(has_reason(&x, "300次", SkipReason::MeasureMismatch), "{:?}", reasons(&x));
    // A number between the trigger and the candidate blocks a rule's match; the lexicon reads
    // the two numbers as one phrase (3类1000份: three kinds, 1000 copies) and keeps the copies.
    let rules_only = ExtractOptions { use_lexicon: false, ..ExtractOptions::default() };
    let x = extract_text("发放法治宣传资料3类1000份。", &catalogue(), &Rules::default_rules(), &rules_only).unwrap();
    assert!(x.values.is_empty(), "{:#?}", x.values);
    let x = extract("发放法治宣传资料3类1000份。");
    assert_eq!(pairs(&x), BTreeSet::from([("PUB_MATERIALS".into(), "1000份".into())]));
    // A report of another year mentioned in the text.
    let x = extract_text(
        "2023年度合成县合成己镇法治政府建设报告\n2022年调解矛盾纠纷70件，2023年调解矛盾纠纷90件。",
        &catalogue(),
        &Rules::default_rules(),
        &ExtractOptions::default(),
    )
    .unwrap();
    assert_eq!(pairs(&x), BTreeSet::from([("DISP_DISPUTES_MEDIATED".to_string(), "90件".to_string())]));
}

#[test]
fn spaced_figures_and_a_followed_plan() {
    // Figures set off by spaces on both sides read their measure word across the space.
    let x = extract("合成庚镇全年办理法律援助案件 37 件，提供法律咨询 240 余人次。");
    assert_eq!(
        pairs(&x),
        BTreeSet::from([
            ("DISP_LEGAL_AID_CASES".to_string(), "37 件".to_string()),
            ("PUB_CONSULTATIONS".to_string(), "240 余人次".to_string()),
        ])
    );
    // A table row's next number before a word starting with a measure word stays no value.
    let x = extract("序号　指标　数值　1　人民调解组织（个）　23");
    assert!(!x.values.iter().any(|v| v.value.starts_with('1')), "{:#?}", x.values);
    // 按照…计划 names the plan a done thing followed; 计划 alone still makes a plan.
    let x = extract("合成庚镇按照学法计划开展领导班子集体学法12次。");
    assert_eq!(pairs(&x), BTreeSet::from([("LEAD_STUDY_SESSIONS".to_string(), "12次".to_string())]));
    let x = extract("合成庚镇计划开展领导班子集体学法12次。");
    assert!(x.values.is_empty(), "{:#?}", x.values);
}

#[test]
fn adviser_clause_meeting_study_and_lectures_for_officials() {
    // The town's adviser, then the villages' in the next clause: the town's is the value.
    let x = extract("合成辛镇续聘专业律师担任镇级法律顾问，全镇9个村社也都聘请律师担任法律顾问。");
    assert_eq!(value(&x, "DUTY_LEGAL_ADVISER").text, "续聘专业律师担任镇级法律顾问");
    let x = extract("全镇9个村社都聘请律师担任法律顾问。");
    assert!(!codes(&x).contains(&"DUTY_LEGAL_ADVISER"), "{:#?}", x.values);
    // Meeting-based law study named by the street's meetings.
    let x = extract("合成壬街道全年开展党工委会学法11次，行政办公会集中学习法律法规6次。");
    assert!(pairs(&x).contains(&("LEAD_PRE_MEETING_STUDY".to_string(), "11次".to_string())), "{:#?}", x.values);
    // 领导干部 as the body of a law study.
    let x = extract("合成壬街道领导干部参与宪法专题学习9次。");
    assert_eq!(pairs(&x), BTreeSet::from([("LEAD_STUDY_SESSIONS".to_string(), "9次".to_string())]));
    // A lecture for officials is no public lecture.
    let x = extract("举办法治专题讲座2期，提升国家工作人员法治素养。");
    assert!(!codes(&x).contains(&"PUB_LECTURES"), "{:#?}", x.values);
}

#[test]
fn options_fill_in_what_the_title_leaves_out_and_replace_it_only_when_forced() {
    let x = extract("累计发放法治宣传资料100份。");
    assert_eq!((x.unit.as_deref(), x.year), (None, None));
    let e = x.to_panel_frame().unwrap_err().to_string();
    assert!(e.contains("ExtractOptions"), "{e}");
    let titled = "2023年度合成县合成甲镇法治政府建设报告\n累计发放法治宣传资料100份。";
    let options = ExtractOptions { unit: Some("合成庚镇".into()), year: Some(2021), ..ExtractOptions::default() };
    let x = extract_text(titled, &catalogue(), &Rules::default_rules(), &options).unwrap();
    assert_eq!((x.unit.as_deref(), x.year), (Some("合成甲镇"), Some(2023)));
    let x = extract_text("累计发放法治宣传资料100份。", &catalogue(), &Rules::default_rules(), &options).unwrap();
    assert_eq!((x.unit.as_deref(), x.year), (Some("合成庚镇"), Some(2021)));
    assert_eq!((x.stated_unit.as_deref(), x.stated_year), (None, None));
    assert_eq!(x.to_panel_frame().unwrap().height(), 1);
    let forced = ExtractOptions { force_unit: true, force_year: true, ..options };
    let x = extract_text(titled, &catalogue(), &Rules::default_rules(), &forced).unwrap();
    assert_eq!((x.unit.as_deref(), x.year), (Some("合成庚镇"), Some(2021)));
    assert_eq!((x.stated_unit.as_deref(), x.stated_year), (Some("合成甲镇"), Some(2023)));
    let strict = ExtractOptions { min_confidence: 0.95, ..ExtractOptions::default() };
    let x = extract_text("累计发放法治宣传资料100份。", &catalogue(), &Rules::default_rules(), &strict).unwrap();
    assert!(x.values.is_empty());
    assert!(has_reason(&x, "100份", SkipReason::LowConfidence));
}

// ------------------------------------------------------------------ rules are data (item 5)

#[test]
fn bundled_rules_check_against_the_catalogue() {
    let rules = Rules::default_rules();
    rules.check(&catalogue()).unwrap();
    assert!(rules.len() >= 35);
    let covered: BTreeSet<&str> = rules.rules().iter().map(|r| r.spec.indicator.as_str()).collect();
    let seed_codes: Vec<String> = catalogue().indicators.iter().filter(|i| i.seed_quote.is_some()).map(|i| i.code.clone()).collect();
    for code in &seed_codes {
        assert!(covered.contains(code.as_str()), "no rule for seed indicator {code}");
    }
}

#[test]
fn bad_rules_files_give_typed_errors_naming_rule_and_file() {
    let unknown = "[[rules]]\nid = \"mine\"\nindicator = \"NOT_A_CODE\"\nbefore = [\"宣传资料\"]\nmeasure_words = [\"份\"]\n";
    let rules = Rules::from_toml_str(unknown, "my_rules.toml").unwrap();
    let e = rules.check(&catalogue()).unwrap_err();
    assert!(matches!(e, fazhi::Error::Input { .. }));
    let msg = e.to_string();
    assert!(msg.contains("my_rules.toml") && msg.contains("\"mine\"") && msg.contains("NOT_A_CODE"), "{msg}");
    let e = extract_text("x", &catalogue(), &rules, &ExtractOptions::default()).unwrap_err().to_string();
    assert!(e.contains("mine"), "{e}");

    let bad_field = "[[rules]]\nid = \"a\"\nindicator = \"PUB_MATERIALS\"\nbefroe = [\"宣传资料\"]\n";
    let msg = Rules::from_toml_str(bad_field, "typo.toml").unwrap_err().to_string();
    assert!(msg.contains("typo.toml") && msg.contains("row") && msg.contains("befroe"), "{msg}");

    for (body, needle) in [
        ("before = [\"宣传资料\"]\nmeasure_words = [\"斤\"]", "斤"),
        ("before = [\"*资料\"]", "*"),
        ("measure_words = [\"份\"]", "either"),
        ("before = [\"资料\"]\nconfidence = 1.5", "confidence"),
    ] {
        let text = format!("[[rules]]\nid = \"r1\"\nindicator = \"PUB_MATERIALS\"\n{body}\n");
        let msg = Rules::from_toml_str(&text, "r.toml").unwrap_err().to_string();
        assert!(msg.contains("r.toml") && msg.contains("r1") && msg.contains(needle), "{msg}");
    }
    let dup = "[[rules]]\nid = \"d\"\nindicator = \"PUB_MATERIALS\"\nbefore = [\"资料\"]\n[[rules]]\nid = \"d\"\nindicator = \"PUB_MATERIALS\"\nbefore = [\"资料\"]\n";
    assert!(Rules::from_toml_str(dup, "d.toml").unwrap_err().to_string().contains("twice"));
    // Yes/no and number rules must fit their indicators.
    let wrong_kind = "[[rules]]\nid = \"w\"\nindicator = \"DUTY_LEGAL_ADVISER\"\nbefore = [\"法律顾问\"]\nmeasure_words = [\"个\"]\n";
    let msg = Rules::from_toml_str(wrong_kind, "w.toml").unwrap().check(&catalogue()).unwrap_err().to_string();
    assert!(msg.contains("yes/no") && msg.contains("w.toml"), "{msg}");
    let pct = "[[rules]]\nid = \"p\"\nindicator = \"ENF_CERT_RATE\"\nbefore = [\"持证率\"]\nmeasure_words = [\"人\"]\n";
    assert!(Rules::from_toml_str(pct, "p.toml").unwrap().check(&catalogue()).unwrap_err().to_string().contains("percent"));
}

#[test]
fn user_rules_extend_and_override_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "mine.toml",
        "version = \"local.1\"\n\
         [[rules]]\nid = \"pub_materials\"\nindicator = \"PUB_MATERIALS\"\nbefore = [\"折页\"]\nmeasure_words = [\"份\"]\n\
         [[rules]]\nid = \"vil_rules_revised\"\nindicator = \"VIL_RULES_REVISED\"\nenabled = false\nbefore = [\"村规民约\"]\n\
         [[rules]]\nid = \"my_joint\"\nindicator = \"ENF_JOINT_INSPECTIONS\"\nbefore = [\"联合巡查\"]\nmeasure_words = [\"次\"]\npriority = 5\n"
            .as_bytes(),
    );
    let rules = Rules::read_with_defaults(&path).unwrap();
    assert_eq!(rules.len(), Rules::default_rules().len() + 1);
    assert!(rules.origin.contains("mine.toml"));
    let text = "发放普法折页300份，发放法治宣传资料200份，开展联合巡查7次，指导5个村修订完善村规民约。";
    // The rules alone: the replaced and the switched-off rules no longer map their numbers.
    let x = extract_text(text, &catalogue(), &rules.clone().with_lexicon(Lexicon::empty()), &ExtractOptions::default()).unwrap();
    assert_eq!(pairs(&x), BTreeSet::from([("PUB_MATERIALS".into(), "300份".into()), ("ENF_JOINT_INSPECTIONS".into(), "7次".into())]));
    // With the lexicon, 200份 of 法治宣传资料 is read too and conflicts with the rule's 300份 (both
    // withheld).
    let x = extract_text(text, &catalogue(), &rules, &ExtractOptions::default()).unwrap();
    assert_eq!(pairs(&x), BTreeSet::from([("ENF_JOINT_INSPECTIONS".into(), "7次".into())]));
    assert!(has_reason(&x, "200份", SkipReason::Conflict));
    assert_eq!(value(&x, "ENF_JOINT_INSPECTIONS").rule, "my_joint");
    let only_mine = Rules::read(&path).unwrap();
    assert_eq!(only_mine.len(), 3);
    assert!(Rules::read(dir.path().join("missing.toml")).unwrap_err().to_string().contains("missing.toml"));
}

// ------------------------------------------------------------------ never panics (item 6)

fn check_any(text: &str) {
    let x = extract_text(text, &catalogue(), &Rules::default_rules(), &ExtractOptions::default()).unwrap();
    check_provenance(&x, text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_text(text in ".{0,300}") {
        check_any(&text);
    }

    #[test]
    fn never_panics_on_report_like_text(parts in proptest::collection::vec(prop_oneof![
        Just("发放法治宣传资料".to_string()), Just("1060".to_string()), Just("多".to_string()), Just("份".to_string()),
        Just("，".to_string()), Just("。".to_string()), Just("\n".to_string()), Just("%".to_string()), Just("以上".to_string()),
        Just("—".to_string()), Just("一".to_string()), Just("十".to_string()), Just("百分之".to_string()), Just("约".to_string()),
        Just("近".to_string()), Just("〔".to_string()), Just("〕".to_string()), Just("·".to_string()), Just("年".to_string()),
        Just("月".to_string()), Just("XX".to_string()), Just("均为".to_string()), Just("参考率".to_string()), Just("法宣在线".to_string()),
        Just("1,0".to_string()), Just(".".to_string()), Just("餘".to_string()), Just("１".to_string()), Just("（".to_string()),
        // The lexicon's constructs: objects, verbs, scope, breakdowns, titles, zeros, table cells.
        Just("排查矛盾纠纷".to_string()), Just("成功化解".to_string()), Just("其中".to_string()), Just("《".to_string()),
        Just("》".to_string()), Just("平均每村".to_string()), Just("法律明白人".to_string()), Just("未发生越级上访".to_string()),
        Just("累计达到".to_string()), Just("万余人次".to_string()), Just(" 份 ".to_string()), Just("（件）".to_string()),
        Just("｜".to_string()), Just("点".to_string()), Just("每季度".to_string()), Just("活动".to_string()), Just("批".to_string()),
        Just("已计入".to_string()), Just("力争".to_string()), Just("无".to_string()), Just("覆盖群众".to_string()),
        "[0-9]{1,6}".prop_map(|s| s), "\\PC{1,3}".prop_map(|s| s),
    ], 0..60)) {
        check_any(&parts.concat());
    }

    #[test]
    fn never_panics_on_mutated_seed(cuts in proptest::collection::vec((0usize..7000, 0usize..40, "\\PC{0,4}"), 1..8)) {
        let mut chars: Vec<char> = seed_text().chars().collect();
        for (at, len, insert) in cuts {
            let at = at % (chars.len() + 1);
            let end = (at + len).min(chars.len());
            chars.splice(at..end, insert.chars());
        }
        let text: String = chars.into_iter().collect();
        check_any(&text);
    }
}
