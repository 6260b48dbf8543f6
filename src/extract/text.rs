//! Character-level normalisation and sentence/clause boundaries.
//!
//! Extraction works on two parallel arrays of characters: the document as written
//! ([`Doc::orig`]) and a normalised copy ([`Doc::norm`]) of exactly the same length, so an
//! index into one is an index into the other and every offset reported is a character offset
//! into the text the caller gave. Normalisation is one character for one character:
//! full-width ASCII to half-width, the ideographic space to a space, and common traditional
//! characters to simplified ones (`發放法治宣傳資料1060餘份` reads as `发放法治宣传资料1060余份`).

use std::sync::OnceLock;

/// Traditional characters (sorted by code point) and their simplified forms, position by position.
const TRADITIONAL: &str = "並亂佈來係個們倫傳傷價億儘償優兒內兩冊則創劃劉動務勞勢勵勸匯區參吳員問啟單嚴國圍園圓圖團執報場塊墻壓壯婦孫學實審將專對導屆層屬崗師幫幹幾廢廣廳張強彙後從復徵徹態憲應懲懸戶掛擁擔據擴攤數於時書會東條棄楊業極構標樣機橫檔檢權歲歷歸殘殺氣決減測準滿漁潔濟濫災為熱營爭爲牆獎獨獲獵現環產當療發盡盧眾確礦禮稅種稱積穩筆節範簡糾紀約紅紙級紛組結絡經綠維綱網線編練縣總績織繫罰羅義習聖聞聯聲職聽臺與興舉舊莊華萬葉蒐蕭藍藥蘇處號衆術衛衝裏補裡複覈規視訂計訊訓記訟訪設許訴評詞詢試話該誌認語誤誦說誰課調請論諮謀謊講謝證識議護讀讓財貧貨貫責貳買費貼資賠賣賬賭購賽趙較載輛輪輿轉辦辭辯農這週進運過達違遠邁還邊鄉鄧鄭鄰醫釋錄錢錯鎮鐘鐵長門閉開間關陳陸隊際隨險隱隻雙雜難雲電韓頁項須預領頭頻題額類顧風飛養餘館馮騙驗體鬥鬧麼黃點黨齊齡龍龐";
const SIMPLIFIED: &str = "并乱布来系个们伦传伤价亿尽偿优儿内两册则创划刘动务劳势励劝汇区参吴员问启单严国围园圆图团执报场块墙压壮妇孙学实审将专对导届层属岗师帮干几废广厅张强汇后从复征彻态宪应惩悬户挂拥担据扩摊数于时书会东条弃杨业极构标样机横档检权岁历归残杀气决减测准满渔洁济滥灾为热营争为墙奖独获猎现环产当疗发尽卢众确矿礼税种称积稳笔节范简纠纪约红纸级纷组结络经绿维纲网线编练县总绩织系罚罗义习圣闻联声职听台与兴举旧庄华万叶搜萧蓝药苏处号众术卫冲里补里复核规视订计讯训记讼访设许诉评词询试话该志认语误诵说谁课调请论咨谋谎讲谢证识议护读让财贫货贯责贰买费贴资赔卖账赌购赛赵较载辆轮舆转办辞辩农这周进运过达违远迈还边乡邓郑邻医释录钱错镇钟铁长门闭开间关陈陆队际随险隐只双杂难云电韩页项须预领头频题额类顾风飞养余馆冯骗验体斗闹么黄点党齐龄龙庞";

fn traditional_table() -> &'static [(char, char)] {
    static TABLE: OnceLock<Vec<(char, char)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(char, char)> = TRADITIONAL.chars().zip(SIMPLIFIED.chars()).collect();
        t.sort_unstable_by_key(|p| p.0);
        t
    })
}

/// The simplified form of a traditional character, or the character itself.
pub(crate) fn simplify(c: char) -> char {
    if (c as u32) < 0x4E00 {
        return c;
    }
    let table = traditional_table();
    match table.binary_search_by_key(&c, |p| p.0) {
        Ok(i) => table[i].1,
        Err(_) => c,
    }
}

/// One character of normalised text.
pub(crate) fn normalize_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        '\r' => '\n',
        _ => simplify(c),
    }
}

/// Normalises a whole string (trigger patterns, the other side of each comparison).
pub(crate) fn normalize_str(s: &str) -> String {
    s.chars().map(normalize_char).collect()
}

/// A document as characters, written and normalised.
pub(crate) struct Doc {
    pub orig: Vec<char>,
    pub norm: Vec<char>,
}

impl Doc {
    pub fn new(text: &str) -> Self {
        let orig: Vec<char> = text.chars().collect();
        let norm = orig.iter().map(|c| normalize_char(*c)).collect();
        Self { orig, norm }
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
        let mut s = i.min(self.len());
        while s > 0 && !self.is_sentence_break(s - 1) {
            s -= 1;
        }
        let mut e = i.min(self.len());
        while e < self.len() && !self.is_sentence_break(e) {
            e += 1;
        }
        (s, e)
    }

    /// The clause `[start, end)` around position `i`.
    pub fn clause(&self, i: usize) -> (usize, usize) {
        let mut s = i.min(self.len());
        while s > 0 && !self.is_clause_break(s - 1) {
            s -= 1;
        }
        let mut e = i.min(self.len());
        while e < self.len() && !self.is_clause_break(e) {
            e += 1;
        }
        (s, e)
    }

    /// The written sentence around `i`, trimmed of surrounding white space: the quote of a value.
    pub fn quote(&self, i: usize) -> String {
        let (s, e) = self.sentence(i);
        self.orig_str(s, e).trim().to_string()
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
    fn table_is_consistent() {
        assert_eq!(TRADITIONAL.chars().count(), SIMPLIFIED.chars().count());
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
