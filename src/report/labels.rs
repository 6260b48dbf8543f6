//! Chinese (default) and English labels of the scorecard: one vocabulary for every string a
//! reader sees.
//!
//! - [`Lang::label`]: layout keys (sheet names, titles, column headers), from the `LABELS` table.
//! - [`Lang::term`]: the word for a closed-set code of a frame (`met`, `at_least`, `jump`,
//!   `few_units`, …), by its [`Term`] kind; [`Lang::flags`] for a comma-separated list of flags.
//! - [`Lang::sentence`]: a generated English sentence of a `reason`, `detail` or `message`
//!   column, recognised against the table of templates in `labels/sentences.rs`.
//! - [`Lang::setting`]: the name and readable value of a scoring setting.
//! - [`Lang::cell`]: any text cell of a frame, by its column (term, flags or sentence).
//!
//! Unknown codes and sentences come back unchanged, never dropped.

mod sentences;
mod settings;
mod terms;
#[cfg(test)]
mod tests;

pub use settings::SETTING_NAMES;
pub use terms::Term;

/// The language of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(text: &str) -> crate::Result<Self> {
        match text {
            "zh" | "zh-CN" | "cn" => Ok(Self::Zh),
            "en" => Ok(Self::En),
            other => Err(crate::Error::InvalidArgument(format!("lang must be \"zh\" or \"en\", got {other:?}"))),
        }
    }

    /// Every layout label, by key, in this language (what the templates read).
    pub fn labels(self) -> std::collections::BTreeMap<&'static str, &'static str> {
        LABELS.iter().map(|(k, zh, en)| (*k, if self == Self::Zh { *zh } else { *en })).collect()
    }

    /// The label of a key (a column name or a fixed phrase); the key itself when unknown.
    pub fn label(self, key: &str) -> &str {
        let found = LABELS.iter().find(|(k, _, _)| *k == key);
        match (self, found) {
            (Self::Zh, Some((_, zh, _))) => zh,
            (Self::En, Some((_, _, en))) => en,
            (_, None) => key,
        }
    }
}

impl Lang {
    /// The reader's word for `code`, a code of kind `kind` (`term(Term::Comparator, "at_least")`
    /// is 不低于 in Chinese, "at least" in English); the code itself when it is not known.
    pub fn term(self, kind: Term, code: &str) -> String {
        if kind == Term::Impute
            && let Some(k) = code.strip_prefix("carry_forward:")
        {
            return match self {
                Self::Zh => format!("沿用往年值（最多{k}年）"),
                Self::En => format!("Carry forward (up to {k} years)"),
            };
        }
        match (self, kind.lookup(code)) {
            (Self::Zh, Some((zh, _))) => zh.to_string(),
            (Self::En, Some((_, en))) => en.to_string(),
            (_, None) => code.to_string(),
        }
    }

    /// A comma-separated list of flags ("qualified,imputed", the composite's `flags`) in words:
    /// 含限定值、含插补.
    pub fn flags(self, text: &str) -> String {
        let sep = if self == Self::Zh { "、" } else { ", " };
        text.split(',').map(str::trim).filter(|f| !f.is_empty()).map(|f| self.term(Term::Flag, f)).collect::<Vec<_>>().join(sep)
    }

    /// The reader's version of a sentence the library generated (a `reason`, `detail` or
    /// `message`): in Chinese, the matching template filled with the sentence's numbers and with
    /// its indicator, dimension and unit codes shown by `names` (the code itself where `names`
    /// returns `None`); in English, the sentence with those codes named. A sentence no template
    /// fits comes back unchanged.
    pub fn sentence(self, text: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
        sentences::translate(self, text, names).map_or_else(|| text.to_string(), |(out, _)| out)
    }

    /// The reader's name of a scoring setting (a key of `Scores::settings()`) and its value in
    /// words: `normalise = minmax` is (标准化方法, 最小–最大值法（0–100）); lists and JSON become
    /// text, booleans 是/否. Unknown keys keep their name.
    pub fn setting(self, key: &str, value: &str) -> (String, String) {
        settings::setting(self, key, value, &|_| None)
    }

    /// [`Lang::setting`], with the indicator and dimension codes of a value (the `weights`)
    /// shown by `names`.
    pub fn setting_named(self, key: &str, value: &str, names: &dyn Fn(&str) -> Option<String>) -> (String, String) {
        settings::setting(self, key, value, names)
    }

    /// A text cell of a frame column in words: a term for the columns of codes
    /// ([`Term::of_column`]), the flags in words, a sentence for `reason` (when it is not a
    /// code), `detail`, `message` and `skipped`, and anything else as written.
    pub fn cell(self, column: &str, text: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
        match column {
            "flags" => self.flags(text),
            "reason" => match [Term::Reason, Term::Rejection, Term::Skip].into_iter().find(|t| t.lookup(text).is_some()) {
                Some(kind) => self.term(kind, text),
                None => self.sentence(text, names),
            },
            "detail" | "message" | "skipped" => self.sentence(text, names),
            _ => match Term::of_column(column) {
                Some(kind) => self.term(kind, text),
                None => text.to_string(),
            },
        }
    }
}

/// True when `text` is a sentence the library generates, with every nested sentence recognised
/// too: what keeps the template table complete (a new sentence without a template fails the
/// tests that collect every sentence of every frame).
pub fn recognised(text: &str) -> bool {
    sentences::translate(Lang::Zh, text, &|_| None).is_some_and(|(_, whole)| whole)
}

/// (key, Chinese, English).
const LABELS: &[(&str, &str, &str)] = &[
    // Sheets.
    ("sheet_ranking", "排名", "Ranking"),
    ("sheet_dimensions", "维度得分", "Dimensions"),
    ("sheet_targets", "目标差距", "Targets"),
    ("sheet_changes", "同比变化", "Changes"),
    ("sheet_quality", "数据质量", "Data quality"),
    ("sheet_method", "方法说明", "Methodology"),
    // Titles and phrases.
    ("title_ranking", "法治政府建设综合得分与排名", "Rule-of-law government building: composite scores and ranks"),
    ("title_dimensions", "各维度得分（0–100，颜色越绿越好）", "Dimension scores (0–100, greener is better)"),
    (
        "title_targets",
        "计划目标达标情况（红：未达标；黄：未达标但完成率≥90%；绿：达标；灰：无数据）",
        "Plan targets (red: missed; amber: missed with achievement ≥ 90 %; green: met; grey: no data)",
    ),
    ("title_changes", "与上年相比的变化", "Change from the previous year"),
    ("title_quality", "数据质量提示（只提示，不修改数据）", "Data-quality flags (flagged, never fixed)"),
    ("title_excluded", "未纳入计算的内容及原因", "Left out of the scores, and why"),
    ("title_method", "计算方法与设置", "Method and settings"),
    ("title_weights", "权重", "Weights"),
    ("title_unit_dims", "各维度得分", "Dimension scores"),
    ("title_strengths", "优势（前四分之一）", "Strengths (top quarter)"),
    ("title_weaknesses", "短板（后四分之一）", "Weaknesses (bottom quarter)"),
    ("title_missed", "未达标的目标", "Missed targets"),
    ("data_note", "数据说明", "About the data"),
    ("year", "年份", "Year"),
    ("not_ranked", "未排名", "not ranked"),
    ("none", "无", "none"),
    ("rank_interval", "名次区间（5%–95%）", "Rank interval (5 %–95 %)"),
    ("median", "中位数", "Median"),
    ("of", "参评数", "Of"),
    ("setting", "设置", "Setting"),
    ("value_setting", "取值", "Value"),
    (
        "method_note_1",
        "指标先按所选方法标准化为0–100分（越高越好），再按权重汇总为维度得分和综合得分。",
        "Indicators are first normalised to 0–100 (higher is better) by the chosen method, then weighted into dimension and composite scores.",
    ),
    (
        "method_note_2",
        "缺失数据不按零分计算：维度需要至少2/3的指标权重、综合得分需要至少80%的维度权重，否则不排名并说明原因。",
        "Missing data never count as zero: a dimension needs 2/3 of its indicator weight and the composite 80 % of the dimension weight, otherwise the unit is listed with the reason and not ranked.",
    ),
    (
        "method_note_3",
        "“1060多份”“90余件”等按区间记录，计算时取下限（点估计）；排名区间反映这些不确定性。",
        "Values such as 1060多份 and 90余件 are kept as intervals and scored at their point estimate; rank intervals show that uncertainty.",
    ),
    (
        "method_note_4",
        "每个得分都可以追溯到原始数据：各乡镇工作表列出其报告数值及出处原文。",
        "Every score traces back to its inputs: each township's sheet lists its reported values with the sentences they come from.",
    ),
    // Columns.
    ("unit", "代码", "Code"),
    ("name", "乡镇（街道）", "Township"),
    ("group", "所属县", "County"),
    ("score", "综合得分", "Score"),
    ("dimension_score", "维度得分", "Dimension score"),
    ("rank", "排名", "Rank"),
    ("dense_rank", "密集排名", "Dense rank"),
    ("group_rank", "县内排名", "Rank in county"),
    ("rank_change", "排名变化（正数为上升）", "Rank change (+ = up)"),
    ("coverage", "数据覆盖率", "Coverage"),
    ("flags", "标记", "Flags"),
    ("reason", "原因", "Reason"),
    ("dimension", "维度", "Dimension"),
    ("indicator", "指标", "Indicator"),
    ("indicator_name", "指标名称", "Indicator name"),
    ("comparator", "比较", "Comparator"),
    ("target", "目标值", "Target"),
    ("value", "实际值", "Value"),
    ("met", "是否达标", "Met"),
    ("gap", "差距", "Gap"),
    ("achievement", "完成率", "Achievement"),
    ("status", "状态", "Status"),
    ("certain", "确定", "Certain"),
    ("prev_year", "上年", "Previous year"),
    ("prev_value", "上年值", "Previous value"),
    ("abs_change", "变化量", "Change"),
    ("rel_change", "变化率", "Relative change"),
    ("check", "检查项", "Check"),
    ("severity", "级别", "Severity"),
    ("message", "说明", "Message"),
    ("level", "层级", "Level"),
    ("detail", "详情", "Detail"),
    ("weight", "权重", "Weight"),
    ("share", "占比", "Share"),
    ("code", "代码", "Code"),
    ("normalise", "标准化方法", "Normalisation"),
    ("worst", "最差值", "Worst"),
    ("best", "最佳值", "Best"),
    ("goalposts_from", "阈值来源", "Goalposts from"),
    ("label", "判断", "Label"),
    // Category strings.
    ("met_status", "达标", "met"),
    ("missed", "未达标", "missed"),
    ("no_data", "无数据", "no data"),
    ("improved", "改善", "improved"),
    ("declined", "下降", "declined"),
    ("unchanged", "持平", "unchanged"),
    ("no_baseline", "无基数", "no baseline"),
    ("strength", "优势", "strength"),
    ("weakness", "短板", "weakness"),
    ("low_coverage", "数据不足", "too little data"),
    ("no_report", "当年无报告", "no report that year"),
    ("warning", "警告", "warning"),
    ("qualified", "含限定值", "qualified"),
    ("imputed", "含插补", "imputed"),
    ("winsorised", "含缩尾", "winsorised"),
    ("info", "提示", "info"),
    // The scorecard's pages (HTML and the sheets they share).
    ("title", "{county}{year}年度乡镇法治政府建设评估", "Rule-of-law government construction: township scorecard {county}{year}"),
    ("contents", "目录", "Contents"),
    ("overview", "县域总览", "County overview"),
    ("ranking", "综合排名", "Composite ranking"),
    ("heatmap", "分维度得分", "Dimension scores"),
    (
        "heatmap_note",
        "颜色越深得分越高；“—”表示该维度数据不足，未计分。",
        "Darker is higher; “—” means too little data to score the dimension.",
    ),
    (
        "summary",
        "{year}年度共{total}个乡镇（街道），{ranked}个参与排名，综合得分中位数{median}分。",
        "{year}: {total} townships, {ranked} ranked; median composite score {median}.",
    ),
    ("dim_score", "得分", "Score"),
    ("composite", "综合得分", "Composite score"),
    ("rank_of", "第{rank}名 / 共{of}个", "rank {rank} of {of}"),
    ("dimensions", "各维度得分", "Dimension scores"),
    ("median_tick", "竖线为全部参与排名乡镇的中位数。", "The vertical mark is the median of all ranked townships."),
    ("strengths", "优势", "Strengths"),
    ("weaknesses", "短板", "Weaknesses"),
    (
        "points_note",
        "得分为0–100的标准化分（全县最好为100、最差为0），括号内为报告数值。",
        "Scores are normalised 0–100 (best in the county 100, worst 0); the reported figure is in brackets.",
    ),
    ("point", "{name}：{score}分{figure}，第{rank}名 / 共{of}个", "{name}: {score}{figure}, rank {rank} of {of}"),
    ("point_figure", "（{figure}）", " ({figure})"),
    ("figure_with_median", "{value}，{scope}中位数{median}", "{value}; {scope} median {median}"),
    ("scope_county", "全县", "county"),
    ("scope_all", "参评单位", "overall"),
    ("targets", "目标达标情况", "Targets"),
    ("missed_targets", "未达标的目标", "Missed targets"),
    (
        "targets_summary",
        "{total}项目标：达标{met}项，未达标{missed}项，无数据{no_data}项。",
        "{total} targets: {met} met, {missed} missed, {no_data} without data.",
    ),
    ("no_targets", "未提供目标数据。", "No targets were given."),
    ("changes", "主要变化（与上一年相比）", "Biggest changes since the previous year"),
    ("no_changes", "没有可比较的上一年数据。", "No earlier year to compare with."),
    ("previous", "上一年", "Previous"),
    ("this_year", "本年", "This year"),
    ("change", "变化", "Change"),
    ("reported", "报告数据与原文", "Reported values and their sources"),
    ("as_written", "原文数值", "As written"),
    ("interval", "区间", "Interval"),
    ("qualifier", "限定", "Qualifier"),
    ("source", "出处原文", "Source"),
    ("no_panel", "未提供面板数据。", "No panel was given."),
    ("methodology", "方法说明", "Methodology"),
    ("settings", "计算设置", "Settings"),
    ("catalogue", "指标目录", "Catalogue"),
    ("weights_dimension", "维度权重", "Dimension weights"),
    ("weights_indicator", "指标权重", "Indicator weights"),
    ("item_name", "名称", "Name"),
    ("quality", "数据质量", "Data quality"),
    ("excluded", "未计入得分的数据", "Data left out of the scores"),
    ("diagnostics", "数据诊断", "Diagnostics"),
    ("more_rows", "另有{n}行未显示，见Excel工作簿。", "{n} more rows are in the Excel workbook."),
    ("generated", "由 fazhi {version} 生成；指标目录版本 {catalogue}。", "Generated by fazhi {version}; catalogue version {catalogue}."),
    ("data_real", "本报告使用真实数据。", "This report uses real data."),
    (
        "data_synthetic",
        "本报告使用合成（虚构）数据，仅供演示，不得引用。",
        "This report uses synthetic (invented) data for demonstration. Do not cite it.",
    ),
    (
        "interval_legend",
        "名次区间：在模拟数据不确定性（“多”“余”等限定值的取值、权重和计算方法的合理变化）的多次计算中，90%的名次落在此区间内。图中蓝线为该区间，圆点为模拟名次的中位数，竖线为本次名次。区间越窄，名次越可靠；区间重叠的乡镇之间先后不能确定。",
        "Rank interval: across many recalculations that vary what is uncertain (values such as 1060多, the weights and the method within reason), 90 % of the ranks fall in this range (the blue line; the dot is the median simulated rank, the tick the rank itself). The narrower, the surer; townships whose ranges overlap cannot be told apart.",
    ),
    ("common_flags", "全部参与排名的乡镇都有此标记（不在每行重复）：", "Every ranked township carries (not repeated on each row): "),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    ("cmp_at_least", "不少于{v}", "≥ {v}"),
    ("cmp_at_most", "不超过{v}", "≤ {v}"),
    ("cmp_exactly", "为{v}", "= {v}"),
    ("cmp_between", "{v}–{hi}", "{v}–{hi}"),
    ("qualified_mark", "（约数）", " (approx.)"),
    ("certain_yes", "确定", "certain"),
    ("certain_no", "不确定（取决于约数的实际值）", "uncertain (depends on an approximate value)"),
    ("progress", "规划进度", "Plan progress"),
    (
        "progress_note",
        "按报告年份之间的年均增速外推到目标年份，判断能否如期实现规划目标；只作提示，不计入得分。",
        "The average annual pace between reported years is carried forward to the target year to judge whether the plan will be met; a signal only, not part of the scores.",
    ),
    ("progress_now", "{year}年{value}", "{year}: {value}"),
    ("progress_no_value", "尚无数据", "no data yet"),
    ("progress_aim", "{year}年目标{target}", "{year} target {target}"),
    ("progress_pace", "，按当前速度预计{value}", "; at the current pace about {value}"),
    ("progress_summary", "{total}项规划目标：{parts}。", "{total} plan targets: {parts}."),
    ("progress_green", "进度正常或已达成{n}项", "{n} on track or achieved"),
    ("progress_amber", "进度偏慢{n}项", "{n} slower than needed"),
    ("progress_red", "进度滞后或倒退{n}项", "{n} stalled or going backwards"),
    ("progress_grey", "无法判断{n}项", "{n} cannot be judged"),
    ("no_progress", "没有以后年份的规划目标。", "No plan targets for a later year."),
    ("target_year", "目标年份", "Target year"),
    ("projected", "预计值", "Projected"),
    ("latest", "最新值", "Latest"),
    ("assessment", "判断", "Assessment"),
    (
        "intake",
        "输入{input}行：接受{accepted}行，拒绝{rejected}行，跳过{skipped}行（合计行、注释等）。",
        "{input} input rows: {accepted} accepted, {rejected} rejected, {skipped} skipped (totals, notes).",
    ),
    ("all_units", "全部", "all"),
    ("sheet_progress", "规划进度", "Progress"),
    ("rank_same", "持平", "same"),
    (
        "notes_elsewhere",
        "另有{n}条提示（如报告为100%的比率），见Excel工作簿“数据质量”表。",
        "{n} further notes (such as rates reported as 100 %) are on the workbook's data-quality sheet.",
    ),
];
