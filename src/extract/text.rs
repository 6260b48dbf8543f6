//! Character-level normalisation and sentence/clause boundaries.
//!
//! Extraction works on two parallel arrays of characters: the document as written
//! ([`Doc::orig`]) and a normalised copy ([`Doc::norm`]) of exactly the same length, so an
//! index into one is an index into the other and every offset reported is a character offset
//! into the text the caller gave. Normalisation is one character for one character:
//! full-width ASCII to half-width, the ideographic space to a space, and common traditional
//! characters to simplified ones (`發放法治宣傳資料1060餘份` reads as `发放法治宣传资料1060余份`).

pub(crate) use crate::normalize::normalize_char;

/// Normalises a whole string (trigger patterns, the other side of each comparison).
pub(crate) fn normalize_str(s: &str) -> String {
    s.chars().map(normalize_char).collect()
}

/// A document as characters, written and normalised, with its sentence and clause breaks.
pub(crate) struct Doc {
    pub orig: Vec<char>,
    pub norm: Vec<char>,
    /// Positions of sentence breaks and of clause breaks, ascending: sentences and clauses are
    /// found by binary search, not by walking the text (a long line without breaks would make
    /// every lookup linear).
    sentence_breaks: Vec<usize>,
    clause_breaks: Vec<usize>,
}

impl Doc {
    pub fn new(text: &str) -> Self {
        let orig: Vec<char> = text.chars().collect();
        let norm = orig.iter().map(|c| normalize_char(*c)).collect();
        let mut doc = Self { orig, norm, sentence_breaks: Vec::new(), clause_breaks: Vec::new() };
        doc.sentence_breaks = (0..doc.len()).filter(|&i| doc.is_sentence_break(i)).collect();
        doc.clause_breaks = (0..doc.len()).filter(|&i| doc.is_clause_break(i)).collect();
        doc
    }

    /// The span between the breaks around `i`: from after the last break before `i` to the
    /// first break at or after `i`.
    fn span(&self, breaks: &[usize], i: usize) -> (usize, usize) {
        let i = i.min(self.len());
        let k = breaks.partition_point(|b| *b < i);
        let s = if k > 0 { breaks[k - 1] + 1 } else { 0 };
        let e = breaks.get(k).copied().unwrap_or(self.len());
        (s, e)
    }

    pub fn len(&self) -> usize {
        self.norm.len()
    }

    /// The written text of `[start, end)`.
    pub fn orig_str(&self, start: usize, end: usize) -> String {
        self.orig[start.min(self.orig.len())..end.min(self.orig.len())].iter().collect()
    }

    /// The normalised text of `[start, end)`.
    pub fn norm_str(&self, start: usize, end: usize) -> String {
        self.norm[start.min(self.norm.len())..end.min(self.norm.len())].iter().collect()
    }

    /// True when position `i` ends a sentence: 。！？；, their ASCII forms, a line break.
    pub fn is_sentence_break(&self, i: usize) -> bool {
        matches!(self.norm[i], '。' | '!' | '?' | ';' | '\n' | '\u{2029}')
    }

    /// True when position `i` ends a clause: a sentence break, a comma or a colon. An ASCII comma
    /// between digits followed by three digits is a thousands separator (1,060), not a break.
    pub fn is_clause_break(&self, i: usize) -> bool {
        if self.is_sentence_break(i) {
            return true;
        }
        match self.norm[i] {
            ':' => true,
            ',' => {
                if self.orig[i] == ',' && i > 0 && self.norm[i - 1].is_ascii_digit() {
                    let digits = self.norm[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    digits != 3
                } else {
                    true
                }
            }
            _ => false,
        }
    }

    /// The sentence `[start, end)` around position `i` (breaks excluded).
    pub fn sentence(&self, i: usize) -> (usize, usize) {
        self.span(&self.sentence_breaks, i)
    }

    /// The clause `[start, end)` around position `i`.
    pub fn clause(&self, i: usize) -> (usize, usize) {
        self.span(&self.clause_breaks, i)
    }

    /// The written sentence around `i`, trimmed of surrounding white space: the quote of a value.
    pub fn quote(&self, i: usize) -> String {
        let (s, e) = self.sentence(i);
        // A "sentence" of thousands of characters (a page without 。) is quoted around `i` only.
        let (s, e) = if e - s > 400 { (s.max(i.saturating_sub(150)), e.min(i + 150)) } else { (s, e) };
        self.orig_str(s, e).trim().to_string()
    }

    /// True when `word` stands within `[lo, hi)` of the normalised text (no allocation).
    pub fn has(&self, lo: usize, hi: usize, word: &str) -> bool {
        let hi = hi.min(self.len());
        let n = word.chars().count();
        let Some(first) = word.chars().next() else { return false };
        if hi < lo + n {
            return false;
        }
        (lo..=hi - n).any(|s| self.norm[s] == first && self.norm[s..s + n].iter().copied().eq(word.chars()))
    }

    /// True when `[start, end)` of the normalised text equals `word`.
    pub fn norm_eq(&self, start: usize, word: &[char]) -> bool {
        start + word.len() <= self.norm.len() && self.norm[start..start + word.len()] == *word
    }

    /// True when the normalised text at `start` begins with `word`.
    pub fn starts_with(&self, start: usize, word: &str) -> bool {
        for (i, c) in (start..).zip(word.chars()) {
            if i >= self.norm.len() || self.norm[i] != c {
                return false;
            }
        }
        true
    }

    /// True when the normalised text ending at `end` (exclusive) ends with `word`.
    pub fn ends_with(&self, end: usize, word: &str) -> bool {
        let n = word.chars().count();
        if n > end || end > self.norm.len() {
            return false;
        }
        self.norm[end - n..end].iter().copied().eq(word.chars())
    }
}

/// Finds `needle` in `hay[lo..hi)`, rightmost occurrence; returns its start.
pub(crate) fn rfind(hay: &[char], lo: usize, hi: usize, needle: &[char]) -> Option<usize> {
    let n = needle.len();
    if n == 0 || hi > hay.len() || hi < lo + n {
        return None;
    }
    let first = needle[0];
    let mut s = hi - n;
    loop {
        if hay[s] == first && hay[s..s + n] == *needle {
            return Some(s);
        }
        if s == lo {
            return None;
        }
        s -= 1;
    }
}

/// Finds `needle` in `hay[lo..hi)`, leftmost occurrence; returns its start.
pub(crate) fn find(hay: &[char], lo: usize, hi: usize, needle: &[char]) -> Option<usize> {
    let n = needle.len();
    if n == 0 || hi > hay.len() || hi < lo + n {
        return None;
    }
    let first = needle[0];
    (lo..=hi - n).find(|&s| hay[s] == first && hay[s..s + n] == *needle)
}

pub(crate) fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn strings_normalise_char_by_char() {
        assert_eq!(normalize_str("累計發放法治宣傳資料1060餘份"), "累计发放法治宣传资料1060余份");
        assert_eq!(normalize_str("１２３％"), "123%");
        // Simplified text is left alone.
        assert_eq!(normalize_str("实现全覆盖"), "实现全覆盖");
    }

    #[test]
    fn clauses_and_sentences() {
        let d = Doc::new("共1,060份，2次。下一句");
        assert_eq!(d.clause(2), (0, 7));
        assert_eq!(d.clause(8), (8, 10));
        assert_eq!(d.sentence(9), (0, 10));
        assert_eq!(d.quote(12), "下一句");
        assert_eq!(rfind(&d.norm, 0, d.len(), &['次']), Some(9));
        assert_eq!(find(&d.norm, 0, d.len(), &['份']), Some(6));
    }
}
