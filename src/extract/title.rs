//! The report's title (its unit and year) and where a planning section begins.

use super::text::Doc;

/// The line where a planning section begins (三、2024年重点工作, 下一步工作打算).
pub(crate) fn planning_section_start(doc: &Doc) -> Option<usize> {
    const HEADINGS: &[&str] = &["下一步", "工作计划", "工作打算", "重点工作", "工作思路", "工作安排", "努力方向", "目标任务", "工作设想"];
    const NOT_PLAN: &[&str] = &["完成", "情况", "成效", "存在", "做法", "开展", "落实", "问题"];
    let mut start = 0;
    for (k, c) in doc.norm.iter().enumerate().chain(std::iter::once((doc.len(), &'\n'))) {
        if *c != '\n' {
            continue;
        }
        let line = doc.norm_str(start, k);
        let short = line.trim().chars().count() <= 40;
        if short && start > 0 && HEADINGS.iter().any(|h| line.contains(h)) && !NOT_PLAN.iter().any(|w| line.contains(w)) {
            return Some(start);
        }
        start = k + 1;
    }
    None
}

/// The title (lines up to the one naming 法治政府建设), its unit and year.
pub(crate) fn detect_title(doc: &Doc) -> (Option<String>, Option<String>, Option<i32>) {
    let head_end = doc.len().min(400);
    let head = doc.norm_str(0, head_end);
    let Some(pos) = head.find("法治政府建设") else {
        return (None, None, None);
    };
    // The title line holding 法治政府建设, plus the next line when it is short (报  告).
    let line_start = head[..pos].rfind('\n').map_or(0, |k| k + 1);
    let line_end = head[pos..].find('\n').map_or(head.len(), |k| pos + k);
    let mut title_end = line_end;
    if line_end < head.len() {
        let next_end = head[line_end + 1..].find('\n').map_or(head.len(), |k| line_end + 1 + k);
        let next = head[line_end + 1..next_end].trim();
        if !next.is_empty() && next.chars().count() <= 8 && next.chars().any(|c| c == '报' || c == '告') {
            title_end = next_end;
        }
    }
    let title: String = head[line_start..title_end].split_whitespace().collect::<Vec<_>>().join("");
    let before = &head[line_start..pos];
    // The year: the last 4-digit number followed by 年 before 法治政府建设.
    let chars: Vec<char> = before.chars().collect();
    let mut year = None;
    let mut year_span = None;
    for k in 0..chars.len().saturating_sub(4) {
        if chars[k..k + 4].iter().all(char::is_ascii_digit) && chars.get(k + 4) == Some(&'年') && (k == 0 || !chars[k - 1].is_ascii_digit())
        {
            let y: String = chars[k..k + 4].iter().collect();
            year = y.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y));
            let end = if chars.get(k + 5) == Some(&'度') { k + 6 } else { k + 5 };
            year_span = Some((k, end));
        }
    }
    let name: String = match year_span {
        Some((s, e)) => {
            let after: String = chars[e..].iter().collect();
            let before_year: String = chars[..s].iter().collect();
            if after.trim().is_empty() { before_year } else { after }
        }
        None => chars.iter().collect(),
    };
    let mut name = name.replace(['《', '》', '“', '”', ' ', '\t'], "");
    for w in ["关于", "人民政府", "党委", "委员会"] {
        name = name.replace(w, "");
    }
    let name = name.trim_end_matches(['的', '关', '于']).to_string();
    let unit = last_admin_segment(&name).filter(|u| !u.is_empty());
    (Some(title).filter(|t| !t.is_empty()), unit, year)
}

/// The last administrative unit of a place name: 乌苏市四棵树镇 → 四棵树镇.
fn last_admin_segment(name: &str) -> Option<String> {
    const SUFFIXES: &[&str] = &["街道办事处", "街道", "苏木", "自治县", "自治州", "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡"];
    let chars: Vec<char> = name.chars().collect();
    let mut segments: Vec<(usize, usize)> = Vec::new();
    let mut seg_start = 0;
    let mut k = 0;
    while k < chars.len() {
        let rest: String = chars[k..].iter().collect();
        if let Some(s) = SUFFIXES.iter().find(|s| rest.starts_with(*s)) {
            let end = k + s.chars().count();
            if k - seg_start >= 1 {
                segments.push((seg_start, end));
                seg_start = end;
                k = end;
                continue;
            }
        }
        k += 1;
    }
    match segments.last() {
        Some(&(s, e)) if e == chars.len() || chars[e..].iter().all(|c| !c.is_alphanumeric()) => Some(chars[s..e].iter().collect()),
        Some(&(_, e)) => Some(chars[e..].iter().collect()).filter(|s: &String| s.chars().count() >= 2).or_else(|| Some(name.to_string())),
        None => Some(name.to_string()),
    }
}
