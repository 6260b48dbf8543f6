//! The reader's word for every closed-set code the library writes into a frame: comparators,
//! statuses, categories, check names, reasons, flags, method names.
//!
//! A code means something only together with its kind: `none` is 未达门槛值 as a tier reached
//! but 不插补 as an imputation, and `at_least` is 不低于 as a target's comparator but 下限值 as a
//! value's qualifier. So each kind has its own table, and [`Term::of_column`] says which kind a
//! frame column holds.

/// The kind of a closed-set code; see [`Lang::term`](super::Lang::term).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Term {
    /// A target's comparator (`comparator` of gaps and progress).
    Comparator,
    /// `status` of gaps (met, missed, no_data) and of changes (improved, …, no_baseline).
    Status,
    /// `tier_reached` of gaps.
    Tier,
    /// `scope` of gaps: whose target applied (the unit's, its county's, everyone's).
    TargetScope,
    /// `category` of progress.
    Progress,
    /// `method_used` of progress.
    ProgressMethod,
    /// How the achievement ratio of an `at_most` target is computed (gap options).
    Inverse,
    /// `check` of diagnostics.
    Check,
    /// `severity` of diagnostics.
    Severity,
    /// `reason` of the exclusions and of the composite (why a unit is not ranked).
    Reason,
    /// `level` of the exclusions, the weights and the profile.
    Level,
    /// One flag of the composite's `flags` (written comma-separated, see [`Lang::flags`](super::Lang::flags)).
    Flag,
    /// `imputation` of the contributions.
    Imputation,
    /// `label` of the profile.
    Label,
    /// `goalposts_from` of the weights.
    GoalpostsFrom,
    /// A normalisation method (`normalise` of the weights and the settings).
    Normalise,
    /// An aggregation method (one half of the `aggregate` setting).
    Aggregate,
    /// The comparison set of the scores (the `scope` setting).
    ScoreScope,
    /// An imputation setting (`none`, `carry_forward:K`, `group_median`).
    Impute,
    /// An indicator's kind (output, outcome).
    Kind,
    /// An indicator's measure.
    Measure,
    /// An indicator's polarity.
    Polarity,
    /// A value's qualifier (`qualifier` of the panel).
    Qualifier,
    /// A unit attribute a value is divided by.
    Attribute,
    /// An input of the sensitivity analysis (`input` of the Sobol indices).
    Input,
    /// `reason` of the rejected rows.
    Rejection,
    /// `reason` of the rows read past.
    Skip,
}

/// (code, Chinese, English).
type Table = &'static [(&'static str, &'static str, &'static str)];

impl Term {
    /// Every kind, for tests and scans.
    pub const ALL: [Term; 27] = [
        Term::Comparator,
        Term::Status,
        Term::Tier,
        Term::TargetScope,
        Term::Progress,
        Term::ProgressMethod,
        Term::Inverse,
        Term::Check,
        Term::Severity,
        Term::Reason,
        Term::Level,
        Term::Flag,
        Term::Imputation,
        Term::Label,
        Term::GoalpostsFrom,
        Term::Normalise,
        Term::Aggregate,
        Term::ScoreScope,
        Term::Impute,
        Term::Kind,
        Term::Measure,
        Term::Polarity,
        Term::Qualifier,
        Term::Attribute,
        Term::Input,
        Term::Rejection,
        Term::Skip,
    ];

    /// The kind of code a frame column holds, by the column's name; `None` for columns of
    /// numbers, names or sentences. `reason` is [`Term::Reason`] (the exclusions and the
    /// composite); the `reason` of gaps, changes and progress is a sentence, which
    /// [`Lang::cell`](super::Lang::cell) tells apart.
    pub fn of_column(column: &str) -> Option<Term> {
        Some(match column {
            "comparator" => Term::Comparator,
            "status" => Term::Status,
            "tier_reached" => Term::Tier,
            "scope" => Term::TargetScope,
            "category" => Term::Progress,
            "method_used" => Term::ProgressMethod,
            "check" => Term::Check,
            "severity" => Term::Severity,
            "reason" => Term::Reason,
            "level" => Term::Level,
            "flags" => Term::Flag,
            "imputation" => Term::Imputation,
            "label" => Term::Label,
            "goalposts_from" => Term::GoalpostsFrom,
            "normalise" => Term::Normalise,
            "qualifier" => Term::Qualifier,
            "input" => Term::Input,
            "kind" => Term::Kind,
            "measure" => Term::Measure,
            "polarity" => Term::Polarity,
            _ => return None,
        })
    }

    /// The codes of this kind the library writes. `Impute` lists `carry_forward` for the family
    /// `carry_forward:K`.
    pub fn codes(self) -> impl Iterator<Item = &'static str> {
        self.table().iter().map(|(code, _, _)| *code)
    }

    /// (Chinese, English) of a code of this kind; `None` when the code is not in the table.
    pub(crate) fn lookup(self, code: &str) -> Option<(&'static str, &'static str)> {
        self.table().iter().find(|(c, _, _)| *c == code).map(|(_, zh, en)| (*zh, *en))
    }

    fn table(self) -> Table {
        match self {
            Term::Comparator => COMPARATOR,
            Term::Status => STATUS,
            Term::Tier => TIER,
            Term::TargetScope => TARGET_SCOPE,
            Term::Progress => PROGRESS,
            Term::ProgressMethod => PROGRESS_METHOD,
            Term::Inverse => INVERSE,
            Term::Check => CHECK,
            Term::Severity => SEVERITY,
            Term::Reason => REASON,
            Term::Level => LEVEL,
            Term::Flag => FLAG,
            Term::Imputation => IMPUTATION,
            Term::Label => LABEL,
            Term::GoalpostsFrom => GOALPOSTS_FROM,
            Term::Normalise => NORMALISE,
            Term::Aggregate => AGGREGATE,
            Term::ScoreScope => SCORE_SCOPE,
            Term::Impute => IMPUTE,
            Term::Kind => KIND,
            Term::Measure => MEASURE,
            Term::Polarity => POLARITY,
            Term::Qualifier => QUALIFIER,
            Term::Attribute => ATTRIBUTE,
            Term::Input => INPUT,
            Term::Rejection => REJECTION,
            Term::Skip => SKIP,
        }
    }
}

// The wording follows the assessment's own: 达标 / 未达标 / 无数据 (never 完成 / 未完成; the one
// use of 完成 is 完成率, the achievement ratio), 改善 / 持平 / 下降, 不低于 / 不超过 / 等于 / 介于,
// 含限定值 (多、余、以上), 插补, 缩尾.

const COMPARATOR: Table =
    &[("at_least", "不低于", "At least"), ("at_most", "不超过", "At most"), ("exactly", "等于", "Exactly"), ("between", "介于", "Between")];

const STATUS: Table = &[
    ("met", "达标", "Met"),
    ("missed", "未达标", "Missed"),
    ("no_data", "无数据", "No data"),
    ("improved", "改善", "Improved"),
    ("unchanged", "持平", "Unchanged"),
    ("declined", "下降", "Declined"),
    ("no_baseline", "无基数", "No baseline"),
];

const TIER: Table = &[
    ("none", "未达门槛值", "Below threshold"),
    ("threshold", "达到门槛值", "Threshold reached"),
    ("base", "达到基本目标", "Base target reached"),
    ("challenge", "达到挑战目标", "Challenge target reached"),
];

const TARGET_SCOPE: Table =
    &[("unit", "本单位目标", "Unit's own"), ("county", "全县目标", "County-wide"), ("all", "统一目标", "For every unit")];

const PROGRESS: Table = &[
    ("substantial_progress", "显著进展", "Substantial progress"),
    ("moderate_progress", "有所进展", "Moderate progress"),
    ("limited_progress", "进展有限", "Limited progress"),
    ("moving_away", "偏离目标", "Moving away"),
    ("on_track", "进度正常", "On track"),
    ("moderately_improving", "进度偏慢", "Moderately improving"),
    ("stagnating", "进度滞后", "Stagnating"),
    ("decreasing", "逆向变化", "Decreasing"),
    ("substantial_growth", "显著增长", "Substantial growth"),
    ("moderate_growth", "温和增长", "Moderate growth"),
    ("limited_growth", "增长有限", "Limited growth"),
    ("deterioration", "退步", "Deterioration"),
    ("achieved", "已达标", "Achieved"),
    ("maintaining", "保持达标", "Maintaining"),
    ("insufficient_data", "数据不足", "Insufficient data"),
    ("undefined", "无法判断", "Undefined"),
];

const PROGRESS_METHOD: Table = &[
    ("compound", "年均复合增长率法", "Compound annual rate"),
    ("linear", "线性趋势法", "Linear trend"),
    ("growth", "年均增长率（无目标）", "Annual growth (no target)"),
    (
        "linear (compound undefined for zero or negative values)",
        "线性趋势法（数值为零或负数，无法用复合增长率）",
        "linear trend (the compound rate is undefined for zero or negative values)",
    ),
];

const INVERSE: Table = &[("ratio", "目标值÷实际值", "Target ÷ value"), ("linear", "2 − 实际值÷目标值", "2 − value ÷ target")];

const CHECK: Table = &[
    ("ratio_above_100", "分子大于分母", "Numerator above denominator"),
    ("rate_mismatch", "比率与数量不符", "Rate disagrees with its counts"),
    ("fraction_percent", "疑似把百分比写成小数", "Percentage written as a fraction?"),
    ("claim_100", "填报为100%", "Reported as 100 %"),
    ("drop_to_zero", "骤降为零", "Dropped to zero"),
    ("jump", "数值突变", "Sudden jump"),
    ("qualified_share", "限定值占比", "Share of qualified values"),
    ("rate_out_of_range", "比率超出0–100%", "Rate outside 0–100 %"),
    ("negative_count", "数值为负", "Negative value"),
    ("fractional_count", "计数不是整数", "Count not a whole number"),
    ("template_placeholder", "模板占位符未填写", "Unfilled template placeholder"),
];

const SEVERITY: Table = &[("warning", "警告", "Warning"), ("info", "提示", "Info")];

const REASON: Table = &[
    ("no_report", "当年无报告", "No report that year"),
    ("low_coverage", "数据不足", "Too little data"),
    ("few_units", "参评单位过少", "Too few units ranked"),
    ("no_denominator", "缺少折算基数", "No denominator"),
    ("missing_attribute", "单位基础数据缺失", "Unit attribute missing"),
    ("zero_denominator", "折算基数为零", "Denominator is zero"),
    ("missing_denominator", "折算基数缺失", "Denominator missing"),
    ("kind", "指标类型未纳入", "Kind not scored"),
    ("zero_weight", "权重为零", "Weight zero"),
    ("no_indicators", "没有计分指标", "No indicator scored"),
    ("dimension_dropped", "所属维度未计分", "Its dimension is not scored"),
    ("no_target", "无可用目标", "No usable target"),
    ("no_variation", "各单位数值相同", "No variation"),
];

const LEVEL: Table = &[
    ("composite", "综合得分", "Composite"),
    ("dimension", "维度", "Dimension"),
    ("indicator", "指标", "Indicator"),
    ("cell", "单项数据", "Single value"),
    ("year", "年度", "Year"),
    ("group", "县", "County"),
];

const FLAG: Table = &[("qualified", "含限定值", "Qualified"), ("imputed", "含插补", "Imputed"), ("winsorised", "含缩尾", "Winsorised")];

const IMPUTATION: Table = &[("carry_forward", "沿用往年值", "Carried forward"), ("group_median", "同县中位数", "County median")];

const LABEL: Table = &[("strength", "优势", "Strength"), ("weakness", "短板", "Weakness")];

const GOALPOSTS_FROM: Table =
    &[("catalogue", "指标目录", "Catalogue"), ("data", "数据分位数（2.5%–97.5%）", "Data (2.5 %–97.5 % quantiles)")];

const NORMALISE: Table = &[
    ("minmax", "最小–最大值法（0–100）", "Min–max (0–100)"),
    ("goalposts", "阈值法（最差值–最佳值）", "Goalposts (worst–best)"),
    ("target", "目标完成率法", "Achievement of targets"),
    ("zscore", "标准分数法（Z分数）", "Z-scores"),
    ("rank", "百分位排名法", "Percentile ranks"),
];

const AGGREGATE: Table = &[
    ("arithmetic", "加权算术平均", "Weighted arithmetic mean"),
    ("geometric", "加权几何平均", "Weighted geometric mean"),
    ("minimum", "取最低分", "Lowest score"),
];

const SCORE_SCOPE: Table = &[
    ("year", "同一年度内各单位比较", "Units within each year"),
    ("global", "全部年度一起比较", "All years together"),
    ("group", "同一县、同一年度内比较", "Units of one county in one year"),
];

const IMPUTE: Table = &[
    ("none", "不插补（缺失值保持缺失）", "None (missing values stay missing)"),
    ("carry_forward", "沿用往年值", "Carry forward"),
    ("group_median", "同县中位数插补", "County median"),
];

const KIND: Table = &[("output", "产出指标", "Output"), ("outcome", "成效指标", "Outcome")];

const MEASURE: Table = &[
    ("count", "数量", "Count"),
    ("hours", "时长", "Hours"),
    ("percent", "百分比", "Percentage"),
    ("score", "分数", "Score"),
    ("yuan", "金额（元）", "Amount (yuan)"),
    ("boolean", "是/否", "Yes/no"),
    ("average", "平均数", "Average"),
];

const POLARITY: Table = &[("higher", "越高越好", "Higher is better"), ("lower", "越低越好", "Lower is better")];

const QUALIFIER: Table = &[
    ("exact", "确数", "Exact"),
    ("at_least", "下限值（多、余、以上）", "At least (多, 余, 以上)"),
    ("at_most", "上限值（不足、近、以下）", "At most (不足, 近, 以下)"),
    ("approx", "约数", "Approximate"),
    ("range", "区间", "Range"),
];

const ATTRIBUTE: Table = &[("villages", "行政村（社区）数", "Villages"), ("residents", "常住人口", "Residents")];

const INPUT: Table = &[
    ("weights", "权重", "Weights"),
    ("intervals", "区间取值", "Interval values"),
    ("normalise", "标准化方法", "Normalisation"),
    ("aggregate", "汇总方法", "Aggregation"),
    ("impute", "插补方法", "Imputation"),
];

const REJECTION: Table = &[
    ("missing_key", "缺少单位、年份或指标", "Unit, year or indicator missing"),
    ("bad_year", "年份无效", "Invalid year"),
    ("unknown_indicator", "指标不在目录中", "Indicator not in the catalogue"),
    ("unknown_unit", "单位不在单位表中", "Unit not in the unit table"),
    ("empty_value", "数值为空", "Empty value"),
    ("unparseable_value", "无法识别的数值", "Unreadable value"),
    ("placeholder", "模板占位符未填写", "Unfilled placeholder"),
    ("wrong_measure", "计量方式不符", "Wrong measure"),
    ("percent_out_of_range", "百分比超出0–100%", "Percentage outside 0–100 %"),
    ("negative_value", "数值为负", "Negative value"),
    ("fractional_count", "计数不是整数", "Count not a whole number"),
    ("not_boolean", "不是“是/否”", "Not yes/no"),
    ("duplicate", "重复填报", "Duplicate"),
];

const SKIP: Table = &[("title", "标题行", "Title line"), ("total", "合计行", "Total row"), ("footnote", "注释行", "Footnote")];
