//! Text decoding for files written by Chinese Excel, WPS and government web pages.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::{Error, Location, Result};

/// Detects the encoding of `bytes` and decodes them; returns the text and the encoding's name.
///
/// Order: a byte-order mark (UTF-8, UTF-16LE/BE); valid UTF-8; GB18030 (covers GBK and GB2312).
/// Text that is neither is an error asking for an explicit encoding, never silently mangled.
pub fn detect_and_decode(bytes: &[u8], file: &str) -> Result<(String, String)> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(Error::input(
                Location::file(file),
                format!(
                    "the file starts with a {} byte-order mark but is not valid {}; re-save it as UTF-8",
                    encoding.name(),
                    encoding.name()
                ),
            ));
        }
        return Ok((text.into_owned(), format!("{} (BOM)", encoding.name())));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), UTF_8.name().to_string()));
    }
    // UTF-16 without a BOM: text in UTF-8 or GB18030 never holds NUL bytes, UTF-16 holds one in
    // every ASCII character (the high byte), at odd offsets for little-endian.
    let nuls_even = bytes.iter().step_by(2).filter(|b| **b == 0).count();
    let nuls_odd = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if bytes.len() >= 2 && bytes.len() % 2 == 0 && nuls_even + nuls_odd > 0 {
        let encoding = if nuls_odd > nuls_even { UTF_16LE } else { UTF_16BE };
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return Ok((text.into_owned(), encoding.name().to_string()));
        }
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok((text.into_owned(), GB18030.name().to_string()));
    }
    Err(Error::input(
        Location::file(file),
        "the text is neither UTF-8 nor GBK/GB18030; pass the encoding explicitly (encoding=\"big5\", \"utf-16le\", …) or re-save the file as UTF-8",
    ))
}

/// Decodes `bytes` with the encoding named by `label` (WHATWG labels: `gbk`, `gb18030`, `utf-8`,
/// `utf-16le`, `big5`, …). A byte-order mark, if present, is skipped.
pub fn decode_text(bytes: &[u8], label: &str, file: &str) -> Result<String> {
    let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "unknown text encoding {label:?}; use a label such as \"utf-8\", \"gbk\", \"gb18030\", \"utf-16le\" or \"big5\""
        ))
    })?;
    // WHATWG maps the GBK label to the GBK decoder, which already accepts GB18030 four-byte forms.
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        return Err(Error::input(
            Location::file(file),
            format!("the file is not valid {}; check the encoding or leave it out to detect it", encoding.name()),
        ));
    }
    Ok(text.into_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn detects_bom_utf8_gbk_utf16() {
        let text = "单位,年份\n四棵树镇,2023\n";
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(detect_and_decode(&bom, "a").unwrap(), (text.to_string(), "UTF-8 (BOM)".to_string()));
        assert_eq!(detect_and_decode(text.as_bytes(), "a").unwrap().1, "UTF-8");
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (decoded, used) = detect_and_decode(&gbk, "a").unwrap();
        assert_eq!(decoded, text);
        assert_eq!(used, "gb18030");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(detect_and_decode(&utf16, "a").unwrap().0, text);
        let utf16_nobom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(detect_and_decode(&utf16_nobom, "a").unwrap().0, text);
    }

    #[test]
    fn explicit_labels() {
        let (gbk, _, _) = encoding_rs::GBK.encode("法治");
        assert_eq!(decode_text(&gbk, "gbk", "f").unwrap(), "法治");
        assert!(matches!(decode_text(&gbk, "klingon", "f"), Err(Error::InvalidArgument(_))));
        assert!(decode_text(&gbk, "utf-8", "f").unwrap_err().to_string().contains("not valid UTF-8"));
    }
}
