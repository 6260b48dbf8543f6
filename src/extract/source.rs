//! Reading reports from files: plain text (any encoding Chinese offices write), Word `.docx`
//! (paragraphs and table cells) and saved government web pages (`.html`, `.htm`).

use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{Error, Location, Result};
use crate::io::{decode_text, detect_and_decode};

/// The kind of file a report was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReportFormat {
    Text,
    Docx,
    Html,
}

impl ReportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Docx => "docx",
            Self::Html => "html",
        }
    }

    /// The format a file name's extension says, if it is one fazhi reads.
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("txt" | "text" | "md") => Some(Self::Text),
            Some("docx") => Some(Self::Docx),
            Some("html" | "htm" | "shtml" | "xhtml") => Some(Self::Html),
            _ => None,
        }
    }
}

/// Reads a report file as plain text; returns the text and the encoding used (for text and
/// HTML files).
pub(crate) fn read_report(path: &Path, encoding: Option<&str>) -> Result<(String, ReportFormat, Option<String>)> {
    let file = path.display().to_string();
    let format = ReportFormat::from_path(path).ok_or_else(|| {
        Error::input(
            Location::file(&file),
            "not a report file fazhi reads: use .txt (UTF-8, GBK/GB18030, UTF-16), .docx or .html/.htm; save .doc and .pdf reports as .docx or .txt first",
        )
    })?;
    let bytes = crate::io::file::read_file(path, crate::io::MAX_REPORT_BYTES, "report")?;
    match format {
        ReportFormat::Docx => Ok((docx_text(&bytes, &file)?, format, None)),
        ReportFormat::Text | ReportFormat::Html => {
            let (text, used) = match encoding {
                Some(label) => (decode_text(&bytes, label, &file)?, label.to_string()),
                None => detect_and_decode(&bytes, &file)?,
            };
            let text = if format == ReportFormat::Html { html_text(&text) } else { text };
            Ok((text, format, Some(used)))
        }
    }
}

/// The text of a `.docx` file: one line per paragraph; a table row is one line with its cells
/// separated by tabs (so a header cell and its value share a clause).
pub fn docx_text(bytes: &[u8], file: &str) -> Result<String> {
    let bad = |m: String| Error::input(Location::file(file), m);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("not a .docx file (the zip container cannot be read: {e}); save the report as .docx or .txt")))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|e| bad(format!("the .docx has no word/document.xml ({e}); is it a Word document?")))?;
    // The size the zip claims is checked first, and the inflated bytes are counted as they come,
    // so a small file that inflates to gigabytes (a zip bomb) is refused, not unpacked.
    let limit = crate::io::MAX_REPORT_BYTES;
    if entry.size() > limit {
        return Err(bad(format!(
            "word/document.xml inflates to {} MiB, more than fazhi reads ({} MiB); is this a report?",
            entry.size().div_ceil(1 << 20),
            limit >> 20
        )));
    }
    let hint = entry.size();
    let bytes = crate::io::file::read_bounded(entry, hint, limit, file, "report")?;
    let xml = String::from_utf8(bytes).map_err(|e| bad(format!("word/document.xml is not UTF-8 text: {e}")))?;
    let mut reader = Reader::from_str(&xml);
    let mut out = String::with_capacity(xml.len() / 4);
    let mut in_text = false;
    let mut cell_depth = 0usize;
    let mut skip_depth = 0usize; // inside w:delText / w:instrText
    loop {
        match reader.read_event().map_err(|e| bad(format!("word/document.xml is not well-formed XML: {e}")))? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"delText" | b"instrText" => skip_depth += 1,
                b"tc" => cell_depth += 1,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => out.push('\t'),
                b"br" | b"cr" => out.push(if cell_depth > 0 { ' ' } else { '\n' }),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"delText" | b"instrText" => skip_depth = skip_depth.saturating_sub(1),
                b"p" => out.push(if cell_depth > 0 { ' ' } else { '\n' }),
                b"tc" => {
                    cell_depth = cell_depth.saturating_sub(1);
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    out.push('\t');
                }
                b"tr" => {
                    while out.ends_with('\t') {
                        out.pop();
                    }
                    out.push('\n');
                }
                _ => {}
            },
            Event::Text(t) if in_text && skip_depth == 0 => {
                let s = t.xml_content().map_err(|e| bad(format!("bad text in word/document.xml: {e}")))?;
                out.push_str(&s);
            }
            Event::GeneralRef(r) if in_text && skip_depth == 0 => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                out.push_str(&decode_entity(&name));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Lines of saved government pages that are page furniture, not report text.
const FURNITURE: &[&str] = &[
    "打印本页",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
    "打印此页",
    "关闭本页",
    "分享到",
    "字号：",
    "字号:",
    "【大 中 小】",
    "【大】【中】【小】",
    "当前位置",
    "您现在的位置",
    "首页 >",
    "首页>",
    "版权所有",
    "ICP备",
    "网站标识码",
    "公网安备",
    "主办单位",
    "承办单位",
    "联系我们",
    "网站地图",
    "浏览次数",
    "阅读次数",
    "访问次数",
    "访问量",
    "发布时间",
    "发布日期",
    "信息来源",
    "来源：",
    "扫一扫",
    "上一篇",
    "下一篇",
    "收藏本页",
    "设为首页",
    "加入收藏",
    "无障碍",
    "适老化",
];

/// Elements whose content is never report text.
const SKIP_ELEMENTS: &[&str] = &[
    "script", "style", "head", "nav", "header", "footer", "aside", "form", "select", "button", "noscript", "iframe", "svg", "template",
    "menu",
];
/// Class or id words of page furniture containers.
const SKIP_CLASSES: &[&str] =
    &["nav", "menu", "footer", "header", "breadcrumb", "crumb", "sidebar", "share", "toolbar", "copyright", "topbar", "banner"];
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tbody",
    "thead",
    "section",
    "article",
    "blockquote",
    "pre",
    "hr",
    "title",
    "dd",
    "dt",
    "dl",
];

/// The report text of a saved web page: tags, scripts, styles and furniture (navigation,
/// header, footer, 打印本页/关闭窗口 lines) removed, entities decoded; one line per block, table
/// cells separated by tabs.
/// Position of the first `</name` (any case) in `rest`, without copying it: a page with many
/// scripts must stay linear in its length.
fn find_end_tag(rest: &str, name: &str) -> Option<usize> {
    let b = rest.as_bytes();
    let n = name.len();
    let mut from = 0;
    while let Some(k) = rest[from..].find("</") {
        let at = from + k;
        if b.len() >= at + 2 + n && b[at + 2..at + 2 + n].eq_ignore_ascii_case(name.as_bytes()) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 3);
    let bytes = html.as_bytes();
    let mut i = 0;
    // (tag name, depth of same-name tags) of the element being skipped.
    let mut skipping: Option<(String, usize)> = None;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            if html[i..].starts_with("<!--") {
                i = html[i..].find("-->").map_or(bytes.len(), |k| i + k + 3);
                continue;
            }
            // A '<' that opens no tag ("少于<5人", a '<' never closed) is text, not markup: it
            // must not swallow what follows.
            let opens_tag = bytes.get(i + 1).is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/' || b == b'!' || b == b'?');
            let close = if opens_tag { html[i..].find('>').map(|k| i + k) } else { None };
            let Some(close) = close else {
                let next = html[i + 1..].find('<').map_or(bytes.len(), |k| i + 1 + k);
                if skipping.is_none() {
                    push_text(&mut out, &html[i..next]);
                }
                if !opens_tag {
                    i = next;
                    continue;
                }
                // No '>' anywhere after this point: the rest is text.
                if skipping.is_none() {
                    push_text(&mut out, &html[next..]);
                }
                break;
            };
            let tag = &html[i + 1..close];
            i = close + 1;
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/');
            let name: String = body.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let self_closing = tag.ends_with('/');
            if let Some((skip_name, depth)) = &mut skipping {
                if *skip_name == name && !self_closing {
                    if closing {
                        *depth -= 1;
                        if *depth == 0 {
                            skipping = None;
                        }
                    } else {
                        *depth += 1;
                    }
                }
                continue;
            }
            if !closing && !self_closing && (SKIP_ELEMENTS.contains(&name.as_str()) || has_furniture_class(body)) && name != "br" {
                if name == "script" || name == "style" {
                    // Their content is raw text: jump to the closing tag.
                    i = find_end_tag(&html[i..], &name).map_or(bytes.len(), |k| i + k);
                    continue;
                }
                skipping = Some((name, 1));
                continue;
            }
            if name == "td" || name == "th" {
                if closing {
                    out.push('\t');
                }
            } else if name == "tr" || BLOCK_ELEMENTS.contains(&name.as_str()) {
                out.push('\n');
            }
            continue;
        }
        let next = html[i..].find('<').map_or(bytes.len(), |k| i + k);
        if skipping.is_none() {
            push_text(&mut out, &html[i..next]);
        }
        i = next;
    }
    // Drop furniture lines and blank lines; tidy tabs.
    let mut text = String::with_capacity(out.len());
    for line in out.lines() {
        let line = line.trim_matches(|c: char| c.is_whitespace() && c != '\u{3000}').trim_end_matches('\t');
        if line.trim().is_empty() {
            continue;
        }
        if line.chars().count() < 100 && FURNITURE.iter().any(|f| line.contains(f)) {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    text
}

fn has_furniture_class(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    ["class=", "id="].iter().any(|attr| {
        lower.match_indices(attr).any(|(k, _)| {
            let rest = &lower[k + attr.len()..];
            let rest = rest.trim_start_matches(['"', '\'']);
            let value: String = rest.chars().take_while(|c| !matches!(c, '"' | '\'' | '>')).collect();
            value.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| SKIP_CLASSES.contains(&w))
        })
    })
}

fn push_text(out: &mut String, raw: &str) {
    let mut rest = raw;
    while let Some(k) = rest.find('&') {
        push_collapsed(out, &rest[..k]);
        let after = &rest[k + 1..];
        match after.find(';').filter(|e| *e <= 10) {
            Some(e) => {
                out.push_str(&decode_entity(&after[..e]));
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    push_collapsed(out, rest);
}

/// Source white space (line breaks inside a paragraph) collapses to one space, as a browser shows it.
fn push_collapsed(out: &mut String, s: &str) {
    for c in s.chars() {
        if c == '\n' || c == '\r' || c == '\t' || c == ' ' {
            if !out.ends_with(' ') && !out.ends_with('\n') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

fn decode_entity(name: &str) -> String {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) { u32::from_str_radix(hex, 16).ok() } else { num.parse().ok() };
        return code.and_then(char::from_u32).map(String::from).unwrap_or_default();
    }
    match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "quot" => "\"",
        "apos" => "'",
        "ldquo" => "“",
        "rdquo" => "”",
        "lsquo" => "‘",
        "rsquo" => "’",
        "middot" => "·",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "times" => "×",
        "bull" => "•",
        _ => "",
    }
    .to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn html_furniture_is_removed() {
        let html = "<html><head><title>x</title><style>p{}</style></head><body><div class=\"nav-bar\">首页 | 政务公开 123</div>\
                    <script>var a = 5;</script><p>发放宣传资料&nbsp;100份</p><div>【打印本页】【关闭窗口】</div><footer>版权所有 2024</footer></body></html>";
        let t = html_text(html);
        assert_eq!(t.trim(), "发放宣传资料 100份");
    }

    #[test]
    fn a_stray_angle_bracket_is_text_and_scripts_are_skipped_in_one_pass() {
        assert_eq!(html_text("<p>参会人数<50人，发放资料120份</p>").trim(), "参会人数<50人，发放资料120份");
        assert_eq!(html_text("<p>调解纠纷9件 <b").trim(), "调解纠纷9件 <b");
        // 40,000 scripts in a 1.5 MB page: each end tag is found from where the script starts
        // (the old reader lowercased the whole rest of the page for every script).
        let page = format!("<body>{}<p>调解纠纷9件</p>{}</body>", "<script>x</SCRIPT>".repeat(40_000), "<SCRIPT>y</script>".repeat(40_000));
        assert_eq!(html_text(&page).trim(), "调解纠纷9件");
    }
}
