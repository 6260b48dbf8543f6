//! One character normaliser for the whole crate: traditional characters to simplified ones and
//! full-width forms to ASCII, one character for one character (so offsets are kept). Both the
//! report extraction and the value parser read text through it.

use std::sync::OnceLock;

/// Traditional characters (sorted by code point) and their simplified forms, position by position.
const TRADITIONAL: &str = "並亂佈佔併來係倆倉個們倫偉側傘備傳債傷傾僅僱價儀億儈儘償優兇兌兒內兩冊凍則剛剝創劃劇劉勁動務勛勝勞勢勳勵勸匯匱區協厭厲參吳吶員問啞啟喚單嗎嘆嘗噴噸嚇嚮嚴國圍園圓圖團執報場塊墜墻墾壇壓壘壞壯壽夠夢夥奧奪奬奮妝婁婦嫻嬰孫學寢實寧審寫寬寶將專尋對導屆層屬峽崗嶄嶺嶼巒巔巖帥師帳帶幟幣幫幹幾庫廂廈廟廠廢廣廬廳弒弔張強彈彌彎彙彥後徑從徠復徵徹悅悶惡惱惻愛態慚慣慮慶憂憐憑憲憶懇應懲懶懷懸戀戰戲戶拋挾捨掃掙掛採揀揚換揮揹損搖搶摟撐撥撫撲撿擁擇擊擋擔據擠擬擴擺擾攔攜攝攤攬敍敗敘敵數斂斕斬斷於昇時暈暉暢暫曆曉曠曬書會東枱條棄棟棲椏楊業極構槍樂樓標樞樣樹橋機橫檔檢檯櫃櫥櫻權歐歡歲歷歸殘殲殺殼毀氈氣氫氾汎汙決沒沖況涼淚淨淪淵淺渙減測湧湯準溝滅滬滯滲滾滿漁漢漲潑潔潛澀澤濃濕濟濫瀉瀏灣災為烏烴無煉煙煥煩熱燈燒營燦爐爛爭爲爺牆牘牽犖犧狀猶獅獎獨獲獵獻玀現琺瑣瑩瑪環甕產畝畢畫異當疇疊瘋瘡瘧療癥發盜盞盡監盤盧眾睏睜矚矯確碼礎礙礦礫祕祿禍禦禪禮禱稅稟種稱穀穌積穩窩窮竄竅竊競筆節範築篩簡簽籃籌籠糧糰糾紀約紅紋納紐純紗紙級紛紮細紹終絃組結絕絡給統絲經綜綠綢綫維綱網緊緒線緝締緣編練縣縮縱總績織繩繪繫繳續罰罷羅羣羨義習翹聖聞聯聰聲聳職聽肅脅脈脫腦腫膚膽臉臟臨臺與興舉舊舖艦艱莊莖華萬葉蒐蒼蓋蔣蕭薦薩藉藍藝藥蘆蘇蘊蘭處虛號蝦蟲衆術衕衚衛衝衞衹裏補裝裡製複褲襲覈規覓視親覺覽觀觸訂計訊討訓託記訟訪設許訴診詐評詞詢試話該詳誇誌認語誠誤誦說誰課調談請論諮諸諾謀謂謊講謝謠謬謹譁證譏識譯議護譽讀變讓讚豐豬貓貝負財貢貧貨販貫責貳貴買貸費貼貿賀賄資賊賓賞賠賣賤賦質賬賭賴購賽贈贊贏贓趕趙趨跡踐蹟蹤躍車軌軍軟軸較載輔輕輛輝輩輪輸輿轄轉轟辦辭辯農迴這週進運過達違遙遞遠適遲遷選遺邁還邊郵鄉鄒鄧鄭鄰醜醫釀釋針鈴鉅鉤銀銅銘銷鋒鋪鋼錄錢錦錯錶鍊鍋鍛鍵鎊鎖鎮鏈鏡鏢鐘鐵鑄鑑鑒鑰長門閃閉開閑閒間閣閱闆闊闖關闡陣陰陳陸陽隊階際隨險隱隸隻雖雙雛雜雞難雲電霧靈靜鞏韋韌韓響頁頂頃項順須頌預頗領頭頻顆題額顏願顛類顧顯風颱飄飛飢飯飲飽飾餅養餓餘館馬馮駁駐駕駛騙騰驅驕驗驚髒體髮鬆鬍鬥鬧鬱魚魯鮮鳥鴨鵝鶴鹽麗麥麵麼黃點黨齊齒齡龍龐龜";
const SIMPLIFIED: &str = "并乱布占并来系俩仓个们伦伟侧伞备传债伤倾仅雇价仪亿侩尽偿优凶兑儿内两册冻则刚剥创划剧刘劲动务勋胜劳势勋励劝汇匮区协厌厉参吴呐员问哑启唤单吗叹尝喷吨吓向严国围园圆图团执报场块坠墙垦坛压垒坏壮寿够梦伙奥夺奖奋妆娄妇娴婴孙学寝实宁审写宽宝将专寻对导届层属峡岗崭岭屿峦巅岩帅师帐带帜币帮干几库厢厦庙厂废广庐厅弑吊张强弹弥弯汇彦后径从徕复征彻悦闷恶恼恻爱态惭惯虑庆忧怜凭宪忆恳应惩懒怀悬恋战戏户抛挟舍扫挣挂采拣扬换挥背损摇抢搂撑拨抚扑捡拥择击挡担据挤拟扩摆扰拦携摄摊揽叙败叙敌数敛斓斩断于升时晕晖畅暂历晓旷晒书会东台条弃栋栖桠杨业极构枪乐楼标枢样树桥机横档检台柜橱樱权欧欢岁历归残歼杀壳毁毡气氢泛泛污决没冲况凉泪净沦渊浅涣减测涌汤准沟灭沪滞渗滚满渔汉涨泼洁潜涩泽浓湿济滥泻浏湾灾为乌烃无炼烟焕烦热灯烧营灿炉烂争为爷墙牍牵荦牺状犹狮奖独获猎献猡现珐琐莹玛环瓮产亩毕画异当畴叠疯疮疟疗症发盗盏尽监盘卢众困睁瞩矫确码础碍矿砾秘禄祸御禅礼祷税禀种称谷稣积稳窝穷窜窍窃竞笔节范筑筛简签篮筹笼粮团纠纪约红纹纳纽纯纱纸级纷扎细绍终弦组结绝络给统丝经综绿绸线维纲网紧绪线缉缔缘编练县缩纵总绩织绳绘系缴续罚罢罗群羡义习翘圣闻联聪声耸职听肃胁脉脱脑肿肤胆脸脏临台与兴举旧铺舰艰庄茎华万叶搜苍盖蒋萧荐萨借蓝艺药芦苏蕴兰处虚号虾虫众术同胡卫冲卫只里补装里制复裤袭核规觅视亲觉览观触订计讯讨训托记讼访设许诉诊诈评词询试话该详夸志认语诚误诵说谁课调谈请论咨诸诺谋谓谎讲谢谣谬谨哗证讥识译议护誉读变让赞丰猪猫贝负财贡贫货贩贯责贰贵买贷费贴贸贺贿资贼宾赏赔卖贱赋质账赌赖购赛赠赞赢赃赶赵趋迹践迹踪跃车轨军软轴较载辅轻辆辉辈轮输舆辖转轰办辞辩农回这周进运过达违遥递远适迟迁选遗迈还边邮乡邹邓郑邻丑医酿释针铃巨钩银铜铭销锋铺钢录钱锦错表炼锅锻键镑锁镇链镜镖钟铁铸鉴鉴钥长门闪闭开闲闲间阁阅板阔闯关阐阵阴陈陆阳队阶际随险隐隶只虽双雏杂鸡难云电雾灵静巩韦韧韩响页顶顷项顺须颂预颇领头频颗题额颜愿颠类顾显风台飘飞饥饭饮饱饰饼养饿余馆马冯驳驻驾驶骗腾驱骄验惊脏体发松胡斗闹郁鱼鲁鲜鸟鸭鹅鹤盐丽麦面么黄点党齐齿龄龙庞龟";

fn traditional_table() -> &'static [(char, char)] {
    static TABLE: OnceLock<Vec<(char, char)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(char, char)> = TRADITIONAL.chars().zip(SIMPLIFIED.chars()).collect();
        t.sort_unstable_by_key(|p| p.0);
        t
    })
}

/// The simplified form of a traditional character, or the character itself.
pub fn simplify(c: char) -> char {
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
pub fn normalize_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        '\r' => '\n',
        _ => simplify(c),
    }
}

/// Characters that show as nothing: zero-width spaces and joiners, the word joiner, the soft
/// hyphen and the byte-order mark (which Excel and web pages leave inside copied text).
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// A key (unit code or name, indicator, header) as it is compared: trimmed, without invisible
/// characters, so "四棵树镇" and "\u{FEFF}四棵树镇" are one unit. Borrowed when nothing changes.
pub fn clean_key(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim();
    if !t.chars().any(is_invisible) {
        return std::borrow::Cow::Borrowed(t);
    }
    let cleaned: String = t.chars().filter(|c| !is_invisible(*c)).collect();
    std::borrow::Cow::Owned(cleaned.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent_and_sorted_pairs_are_unique() {
        assert_eq!(TRADITIONAL.chars().count(), SIMPLIFIED.chars().count());
        let t: Vec<char> = TRADITIONAL.chars().collect();
        assert!(t.windows(2).all(|w| w[0] < w[1]), "TRADITIONAL must be sorted and unique");
        for (a, b) in [('車', '车'), ('蓋', '盖'), ('製', '制'), ('沒', '没'), ('萬', '万'), ('鎮', '镇')] {
            assert_eq!(simplify(a), b);
        }
        assert_eq!(normalize_char('１'), '1');
        assert_eq!(simplify('车'), '车');
    }
}
