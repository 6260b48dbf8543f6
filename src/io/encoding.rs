//! Text decoding for files written by Chinese Excel, WPS and government web pages.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::{Error, Location, Result};

/// Detects the encoding of `bytes` and decodes them; returns the text and the encoding's name.
///
/// Order: a byte-order mark (UTF-8, UTF-16LE/BE); valid UTF-8; GB18030 (covers GBK and GB2312).
/// Text that is neither is an error asking for an explicit encoding, never silently mangled.
pub fn detect_and_decode(bytes: &[u8], file: &str) -> Result<(String, String)> {
    // UTF-32 first: its little-endian mark begins like UTF-16's (FF FE), and encoding_rs has no
    // UTF-32 decoder (browsers dropped it), so it is decoded here.
    if let Some((text, name)) = utf32(bytes, file)? {
        return Ok((text, name));
    }
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
    if bytes.len() >= 2 && bytes.len().is_multiple_of(2) && nuls_even + nuls_odd > 0 {
        let encoding = if nuls_odd > nuls_even { UTF_16LE } else { UTF_16BE };
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return Ok((text.into_owned(), encoding.name().to_string()));
        }
    }
    mixed_encodings(bytes, file)?;
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok((text.into_owned(), GB18030.name().to_string()));
    }
    Err(Error::input(
        Location::file(file),
        "the text is neither UTF-8 nor GBK/GB18030; pass the encoding explicitly (encoding=\"big5\", \"utf-16le\", …) or re-save the file as UTF-8",
    ))
}

/// UTF-32 text (with a byte-order mark, or ASCII-heavy text with three NUL bytes in every four),
/// decoded; `None` when the bytes are not UTF-32.
fn utf32(bytes: &[u8], file: &str) -> Result<Option<(String, String)>> {
    let (little, body, name) = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        (true, &bytes[4..], "UTF-32LE (BOM)")
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        (false, &bytes[4..], "UTF-32BE (BOM)")
    } else if bytes.len() >= 8
        && bytes.len().is_multiple_of(4)
        && bytes.chunks_exact(4).take(64).all(|q| q[3] == 0 && q[2] <= 0x10 && (q[0] | q[1] | q[2]) != 0)
    {
        (true, bytes, "UTF-32LE")
    } else if bytes.len() >= 8
        && bytes.len().is_multiple_of(4)
        && bytes.chunks_exact(4).take(64).all(|q| q[0] == 0 && q[1] <= 0x10 && (q[1] | q[2] | q[3]) != 0)
    {
        (false, bytes, "UTF-32BE")
    } else {
        return Ok(None);
    };
    if body.len() % 4 != 0 {
        return Err(Error::input(
            Location::file(file),
            "the file looks like UTF-32 but its length is not a multiple of 4 bytes; re-save it as UTF-8",
        ));
    }
    let mut text = String::with_capacity(body.len() / 4);
    for (k, q) in body.chunks_exact(4).enumerate() {
        let code = if little { u32::from_le_bytes([q[0], q[1], q[2], q[3]]) } else { u32::from_be_bytes([q[0], q[1], q[2], q[3]]) };
        let c = char::from_u32(code).ok_or_else(|| {
            Error::input(
                Location::file(file),
                format!("the file looks like UTF-32 but character {} is not valid; re-save it as UTF-8", k + 1),
            )
        })?;
        text.push(c);
    }
    Ok(Some((text, name.to_string())))
}

/// Refuses a file whose lines are in two encodings (some valid UTF-8 with Chinese text, others
/// not UTF-8): decoding it all as GBK would turn the UTF-8 lines into mojibake without a word.
fn mixed_encodings(bytes: &[u8], file: &str) -> Result<()> {
    let (mut utf8_line, mut other_line) = (None, None);
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(_) => utf8_line = utf8_line.or(Some(i + 1)),
            Err(_) => other_line = other_line.or(Some(i + 1)),
        }
        if let (Some(a), Some(b)) = (utf8_line, other_line) {
            return Err(Error::input(
                Location::file(file),
                format!(
                    "the file mixes two text encodings: line {a} is UTF-8 and line {b} is not (GBK?); copying rows from two files does this. Save the whole file again in one encoding (UTF-8)"
                ),
            ));
        }
    }
    Ok(())
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
    fn utf32_is_decoded_and_mixed_encodings_are_refused() {
        let text = "单位,年份\n四棵树镇,2023\n";
        let le: Vec<u8> = [0xFF, 0xFE, 0, 0].into_iter().chain(text.chars().flat_map(|c| (c as u32).to_le_bytes())).collect();
        assert_eq!(detect_and_decode(&le, "a").unwrap(), (text.to_string(), "UTF-32LE (BOM)".to_string()));
        let be: Vec<u8> = text.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
        assert_eq!(detect_and_decode(&be, "a").unwrap().0, text);
        // One UTF-8 row and one GBK row.
        let mut mixed = "单位,年份\n四棵树镇,2023\n".as_bytes().to_vec();
        mixed.extend_from_slice(&encoding_rs::GBK.encode("合成乙镇,2023\n").0);
        let e = detect_and_decode(&mixed, "m.csv").unwrap_err().to_string();
        assert!(e.contains("line 1 is UTF-8 and line 3 is not"), "{e}");
    }

    #[test]
    fn explicit_labels() {
        let (gbk, _, _) = encoding_rs::GBK.encode("法治");
        assert_eq!(decode_text(&gbk, "gbk", "f").unwrap(), "法治");
        assert!(matches!(decode_text(&gbk, "klingon", "f"), Err(Error::InvalidArgument(_))));
        assert!(decode_text(&gbk, "utf-8", "f").unwrap_err().to_string().contains("not valid UTF-8"));
    }
}
