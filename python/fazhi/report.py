"""County scorecards as one self-contained HTML file.

The file needs no network, no CDN and no JavaScript: the CSS is inline and every chart is inline
SVG (or a coloured table, for the heatmap, so that long Chinese dimension names wrap). It prints on
A4 with one township per page. Every piece of text that comes from data is escaped.

Everything here is duck-typed: ``scores`` is anything with the properties of the result of
``panel.score()`` (``composite``, ``dimensions``, ``weights``, ``excluded``, ``settings``,
``catalogue`` and ``profile(unit, year)``), and ``uncertainty`` anything with a ``ranks`` frame.

Examples
--------
>>> from fazhi.report import write_html  # doctest: +SKIP
>>> write_html("scorecard.html", panel.score(), panel=panel, gaps=panel.gaps(targets))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from os import PathLike
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["LABELS", "render_html", "write_html"]

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif'
)

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "html_lang": "zh-CN",
        "title": "{county}{year}年度乡镇法治政府建设评估",
        "contents": "目录",
        "overview": "县域总览",
        "ranking": "综合排名",
        "heatmap": "分维度得分",
        "heatmap_note": "颜色越深得分越高；“—”表示该维度数据不足，未计分。",
        "summary": "{year}年度共{total}个乡镇（街道），{ranked}个参与排名，综合得分中位数{median}。",
        "rank": "排名",
        "unit": "乡镇（街道）",
        "group": "所属县",
        "score": "综合得分",
        "dim_score": "得分",
        "rank_interval": "名次区间（5%–95%）",
        "rank_change": "名次变化",
        "coverage": "数据覆盖率",
        "flags": "标记",
        "not_ranked": "未参与排名",
        "reason": "原因",
        "composite": "综合得分",
        "rank_of": "第{rank}名 / 共{of}个",
        "group_rank": "县内排名",
        "dimensions": "各维度得分",
        "dimension": "维度",
        "median": "中位数",
        "median_tick": "竖线为全部参与排名乡镇的中位数。",
        "strengths": "优势",
        "weaknesses": "短板",
        "profile_item": "{name}：{score}分，第{rank}名 / 共{of}个（中位数{median}）",
        "targets": "未完成目标",
        "targets_summary": "{total}项目标：{met}项完成，{missed}项未完成，{no_data}项无数据。",
        "no_targets": "未提供目标数据。",
        "indicator": "指标",
        "target": "目标",
        "value": "实际值",
        "gap": "差距",
        "achievement": "完成率",
        "changes": "主要变化（与上一年相比）",
        "no_changes": "没有可比较的上一年数据。",
        "previous": "上一年",
        "this_year": "本年",
        "change": "变化",
        "reported": "报告数据与原文",
        "as_written": "原文数值",
        "interval": "区间",
        "qualifier": "限定",
        "source": "出处原文",
        "no_panel": "未提供面板数据。",
        "methodology": "方法说明",
        "methodology_text": (
            "各指标先标准化为0–100分，再按权重汇总为维度得分和综合得分。并列者名次相同（如1、2、2、4）。"
            "数据覆盖率为有数据的维度权重占比，低于门槛的乡镇不参与排名，原因见下文。"
        ),
        "settings": "计算设置",
        "setting": "设置",
        "setting_value": "取值",
        "catalogue": "指标目录",
        "weights_dimension": "维度权重",
        "weights_indicator": "指标权重",
        "code": "代码",
        "name": "名称",
        "weight": "权重",
        "share": "占比",
        "normalise": "标准化",
        "worst": "最差值",
        "best": "最好值",
        "quality": "数据质量",
        "excluded": "未计入的数据",
        "level": "层级",
        "detail": "说明",
        "diagnostics": "数据诊断警告",
        "check": "检查项",
        "message": "说明",
        "rejected": "输入{input}行，{rejected}行未通过校验。",
        "year": "年份",
        "none": "无。",
        "more_rows": "另有{n}行未显示。",
        "generated": "由 fazhi {version} 生成；指标目录版本 {catalogue}。",
        "data_real": "本报告使用真实数据。",
        "data_synthetic": "本报告使用合成（虚构）数据，仅供演示，不得引用。",
    },
    "en": {
        "html_lang": "en",
        "title": "Rule-of-law government construction: township scorecard {county}{year}",
        "contents": "Contents",
        "overview": "County overview",
        "ranking": "Composite ranking",
        "heatmap": "Dimension scores",
        "heatmap_note": "Darker is higher; “—” means too little data to score the dimension.",
        "summary": "{year}: {total} townships, {ranked} ranked; median composite score {median}.",
        "rank": "Rank",
        "unit": "Township",
        "group": "County",
        "score": "Score",
        "dim_score": "Score",
        "rank_interval": "Rank interval (5%–95%)",
        "rank_change": "Change",
        "coverage": "Coverage",
        "flags": "Flags",
        "not_ranked": "Not ranked",
        "reason": "Reason",
        "composite": "Composite score",
        "rank_of": "rank {rank} of {of}",
        "group_rank": "Rank in county",
        "dimensions": "Dimension scores",
        "dimension": "Dimension",
        "median": "Median",
        "median_tick": "The vertical mark is the median of all ranked townships.",
        "strengths": "Strengths",
        "weaknesses": "Weaknesses",
        "profile_item": "{name}: {score}, rank {rank} of {of} (median {median})",
        "targets": "Missed targets",
        "targets_summary": "{total} targets: {met} met, {missed} missed, {no_data} without data.",
        "no_targets": "No targets were given.",
        "indicator": "Indicator",
        "target": "Target",
        "value": "Value",
        "gap": "Gap",
        "achievement": "Achievement",
        "changes": "Biggest changes since the previous year",
        "no_changes": "No earlier year to compare with.",
        "previous": "Previous",
        "this_year": "This year",
        "change": "Change",
        "reported": "Reported values and their sources",
        "as_written": "As written",
        "interval": "Interval",
        "qualifier": "Qualifier",
        "source": "Source",
        "no_panel": "No panel was given.",
        "methodology": "Methodology",
        "methodology_text": (
            "Each indicator is normalised to 0–100 and aggregated with the weights below into dimension "
            "and composite scores. Ties share the lowest rank (1, 2, 2, 4). Coverage is the share of "
            "dimension weight with data; townships below the threshold are not ranked, and the reason "
            "is listed below."
        ),
        "settings": "Settings",
        "setting": "Setting",
        "setting_value": "Value",
        "catalogue": "Catalogue",
        "weights_dimension": "Dimension weights",
        "weights_indicator": "Indicator weights",
        "code": "Code",
        "name": "Name",
        "weight": "Weight",
        "share": "Share",
        "normalise": "Normalisation",
        "worst": "Worst",
        "best": "Best",
        "quality": "Data quality",
        "excluded": "Data left out of the scores",
        "level": "Level",
        "detail": "Detail",
        "diagnostics": "Diagnostic warnings",
        "check": "Check",
        "message": "Message",
        "rejected": "{input} input rows, {rejected} rejected by validation.",
        "year": "Year",
        "none": "None.",
        "more_rows": "{n} more rows not shown.",
        "generated": "Generated by fazhi {version}; catalogue version {catalogue}.",
        "data_real": "This report uses real data.",
        "data_synthetic": "This report uses synthetic (invented) data for demonstration. Do not cite it.",
    },
}

# Words that come from the data as codes and are shown translated.
_TERMS: dict[str, dict[str, str]] = {
    "zh": {
        "qualified": "含限定值",
        "imputed": "含插补值",
        "winsorised": "含缩尾值",
        "met": "完成",
        "missed": "未完成",
        "no_data": "无数据",
        "improved": "改善",
        "declined": "下降",
        "unchanged": "持平",
        "no_baseline": "无基期",
        "exact": "精确",
        "at_least": "不少于",
        "at_most": "不多于",
        "approx": "约",
        "range": "范围",
        "exactly": "等于",
        "between": "介于",
        "cell": "单元格",
        "indicator": "指标",
        "dimension": "维度",
        "composite": "综合",
        "warning": "警告",
    },
    "en": {
        "no_data": "no data",
        "no_baseline": "no baseline",
        "at_least": "at least",
        "at_most": "at most",
    },
}

_COMPARATOR_SIGN = {"at_least": "≥", "at_most": "≤", "exactly": "=", "between": "∈"}

_CSS = """
:root { --ink: #1b2330; --muted: #5b6675; --line: #d8dde4; --accent: #1f4e8c; --bar: #3b73b9;
  --up: #1b7f3b; --down: #b42318; --paper: #ffffff; }
* { box-sizing: border-box; }
body { font-family: FONTS; color: var(--ink); background: var(--paper); margin: 0 auto;
  max-width: 1120px; padding: 24px 28px 48px; font-size: 14px; line-height: 1.55; }
h1 { font-size: 26px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.sub { color: var(--muted); margin: 0 0 12px; }
.data-note { background: #fff4e5; border-left: 5px solid #c2590b; padding: 8px 12px; margin: 12px 0;
  font-weight: bold; }
nav.toc ol { columns: 3; margin: 4px 0 0; padding-left: 20px; }
nav.toc a, table a { color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bar { width: 230px; padding-top: 6px; }
td.whisker { width: 240px; padding-top: 6px; white-space: nowrap; }
.up { color: var(--up); } .down { color: var(--down); } .muted { color: var(--muted); }
.flag { display: inline-block; font-size: 11px; border: 1px solid var(--line); border-radius: 3px;
  padding: 0 4px; margin-right: 3px; color: var(--muted); }
table.heat td.cell { text-align: center; font-variant-numeric: tabular-nums; min-width: 56px; }
table.heat th.dim { white-space: normal; font-size: 12px; text-align: center; vertical-align: bottom;
  min-width: 72px; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 4px; }
.fact { border: 1px solid var(--line); border-radius: 4px; padding: 6px 12px; min-width: 120px; }
.fact .k { color: var(--muted); font-size: 12px; }
.fact .v { font-size: 22px; font-weight: 600; }
.cols { display: flex; gap: 24px; flex-wrap: wrap; } .cols > div { flex: 1 1 300px; }
ul.plain { margin: 4px 0; padding-left: 18px; }
td.quote { color: var(--muted); font-size: 12px; }
.legend { font-size: 12px; color: var(--muted); }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
  padding-top: 8px; }
svg text { font-family: FONTS; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav.toc { display: none; }
  section.unit, section#methodology, section#quality { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, .fact { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".replace("FONTS", FONT_STACK)


def write_html(
    path: str | Path,
    scores: Any,
    *,
    year: int | None = None,
    panel: Any = None,
    gaps: pl.DataFrame | None = None,
    changes: pl.DataFrame | None = None,
    diagnostics: pl.DataFrame | None = None,
    uncertainty: Any = None,
    lang: str = "zh",
    title: str | None = None,
    data_note: str | None = None,
) -> Path:
    """Write the county scorecard for one year to ``path`` as one self-contained HTML file.

    Parameters are those of :func:`render_html`. Returns the path written (UTF-8); missing parent
    folders are created.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or value, naming the argument (checked before anything
        is rendered or written).
    """
    if not isinstance(path, (str, PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    out = Path(path)
    if str(path) == "" or out.is_dir():
        raise ValueError(f"path must name a file to write, got {str(path)!r} (a folder)")
    text = render_html(
        scores,
        year=year,
        panel=panel,
        gaps=gaps,
        changes=changes,
        diagnostics=diagnostics,
        uncertainty=uncertainty,
        lang=lang,
        title=title,
        data_note=data_note,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def render_html(
    scores: Any,
    *,
    year: int | None = None,
    panel: Any = None,
    gaps: pl.DataFrame | None = None,
    changes: pl.DataFrame | None = None,
    diagnostics: pl.DataFrame | None = None,
    uncertainty: Any = None,
    lang: str = "zh",
    title: str | None = None,
    data_note: str | None = None,
) -> str:
    """The county scorecard for one year as an HTML string.

    Parameters
    ----------
    scores
        The result of ``panel.score()`` (or anything with the same properties).
    year
        The year to report on; the latest year with a ranked unit when None.
    panel
        The panel that was scored. It adds each township's reported values with their quoted
        sentences, and, when ``changes`` or ``diagnostics`` are not given, they are computed from it.
    gaps
        ``panel.gaps(targets)``: each township's missed targets. Rows of other years are ignored.
    changes, diagnostics
        ``panel.changes()`` and ``panel.diagnostics()``, if already computed.
    uncertainty
        Anything with a ``ranks`` frame (unit, year, nominal_rank, median_rank, rank_p05, rank_p95):
        the ranking then shows rank intervals.
    lang
        ``"zh"`` (default) or ``"en"`` for the labels; names of indicators follow the language too.
    title
        The page title; by default built from the county and the year.
    data_note
        A line shown in a box at the top, such as "synthetic data, do not cite". When None, the
        setting ``data`` ("real" / "synthetic") of the scores, if any, decides it.
    """
    _check_arguments(scores, year, panel, gaps, changes, diagnostics, uncertainty, lang, title, data_note)
    r = _Report(scores, year, panel, gaps, changes, diagnostics, uncertainty, lang, title, data_note)
    return r.render()


# ------------------------------------------------------------------------------ argument checks


def _kind(value: Any) -> str:
    return type(value).__name__


def _check_arguments(
    scores: Any,
    year: Any,
    panel: Any,
    gaps: Any,
    changes: Any,
    diagnostics: Any,
    uncertainty: Any,
    lang: Any,
    title: Any,
    data_note: Any,
) -> None:
    """Refuses wrong arguments up front, naming them, rather than failing deep inside polars."""
    for name in ("composite", "dimensions"):
        value = getattr(scores, name, None)
        if not isinstance(value, pl.DataFrame):
            raise TypeError(
                f"scores must be the result of panel.score() (with DataFrames composite and dimensions), "
                f"got {_kind(scores)}"
            )
    missing = {"unit", "year", "rank"} - set(scores.composite.columns)
    if missing:
        raise ValueError(
            f"scores.composite lacks the columns {sorted(missing)}; pass the result of panel.score()"
        )
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise TypeError(f"year must be an int or None, got {_kind(year)} {year!r}")
        scored = sorted(set(scores.composite["year"].to_list()))
        if year not in scored:
            raise ValueError(
                f"year {year} was not scored (the scores have no rows for {year}); scored years: "
                f"{', '.join(str(y) for y in scored) or 'none'}"
            )
    if panel is not None and not isinstance(getattr(panel, "frame", None), pl.DataFrame):
        raise TypeError(f"panel must be a fazhi.Panel or None, got {_kind(panel)}")
    for name, frame in (("gaps", gaps), ("changes", changes), ("diagnostics", diagnostics)):
        if frame is None:
            continue
        if not isinstance(frame, pl.DataFrame):
            raise TypeError(
                f"{name} must be a polars DataFrame (panel.{name}(...)) or None, got {_kind(frame)}"
            )
        if "year" not in frame.columns:
            raise ValueError(f"{name} must have a year column (as panel.{name}(...) returns)")
    if uncertainty is not None:
        ranks = uncertainty if isinstance(uncertainty, pl.DataFrame) else getattr(uncertainty, "ranks", None)
        if not isinstance(ranks, pl.DataFrame):
            raise TypeError(
                "uncertainty must be the result of panel.uncertainty(...) (or a DataFrame of its "
                f"ranks) or None, got {_kind(uncertainty)}"
            )
        missing = {"unit", "year", "rank_p05", "rank_p95"} - set(ranks.columns)
        if missing:
            raise ValueError(f"uncertainty ranks lack the columns {sorted(missing)}")
    if not isinstance(lang, str):
        raise TypeError(f"lang must be a str, got {_kind(lang)}")
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, not {lang!r}")
    for name, text in (("title", title), ("data_note", data_note)):
        if text is not None and not isinstance(text, str):
            raise TypeError(f"{name} must be a str or None, got {_kind(text)}")


# ------------------------------------------------------------------------------------------ helpers


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _fmt_score(x: Any) -> str:
    return "—" if _missing(x) else f"{x:.1f}"


def _fmt_pct(x: Any, digits: int = 0) -> str:
    return "—" if _missing(x) else f"{x * 100:.{digits}f}%"


def _fmt_value(x: Any) -> str:
    if _missing(x):
        return "—"
    if isinstance(x, bool):
        return str(int(x))
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _slug(code: str) -> str:
    """A fragment id for a unit code; codes that are not plain ASCII (四棵树镇) get a stable hash."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", code):
        return f"unit-{code}"
    return "unit-" + hashlib.sha1(code.encode("utf-8")).hexdigest()[:10]


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


# A sequential blue scale (light to dark) that stays readable in greyscale print.
_HEAT_STOPS = [(0.0, (247, 251, 255)), (0.5, (107, 174, 214)), (1.0, (8, 48, 107))]


def _heat_colour(score: float) -> tuple[str, str]:
    t = min(max(score / 100.0, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(_HEAT_STOPS, _HEAT_STOPS[1:]):
        if t <= t1:
            rgb = _blend(c0, c1, (t - t0) / (t1 - t0))
            break
    ink = "#ffffff" if t > 0.62 else "#1b2330"
    return "#{:02x}{:02x}{:02x}".format(*rgb), ink


def _score_bar(score: Any, median: Any = None, width: int = 220, height: int = 16) -> str:
    """A 0–100 bar as inline SVG, with an optional median mark."""
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(_fmt_score(score))}">',
        f'<rect x="0" y="3" width="{width}" height="{height - 6}" fill="#eef1f5"/>',
    ]
    if not _missing(score):
        w = width * min(max(float(score), 0.0), 100.0) / 100.0
        parts.append(f'<rect x="0" y="3" width="{w:.1f}" height="{height - 6}" fill="#3b73b9"/>')
    if not _missing(median):
        x = width * min(max(float(median), 0.0), 100.0) / 100.0
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height}" stroke="#1b2330" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _rank_whisker(
    nominal: Any, median: Any, lo: Any, hi: Any, of: int, width: int = 180, height: int = 16
) -> str:
    """Rank 1 at the left, rank `of` at the right: a line from the 5th to the 95th percentile rank,
    a dot at the median rank and a tick at the nominal rank."""

    def x(rank: float) -> float:
        if of <= 1:
            return width / 2
        return 6 + (width - 12) * (float(rank) - 1) / (of - 1)

    mid = height / 2
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(lo)}–{_e(hi)}">',
        f'<line x1="6" x2="{width - 6}" y1="{mid}" y2="{mid}" stroke="#e3e7ec" stroke-width="1"/>',
    ]
    if not (_missing(lo) or _missing(hi)):
        parts.append(
            f'<line x1="{x(lo):.1f}" x2="{x(hi):.1f}" y1="{mid}" y2="{mid}" '
            'stroke="#3b73b9" stroke-width="3"/>'
        )
    if not _missing(nominal):
        xn = x(nominal)
        parts.append(
            f'<line x1="{xn:.1f}" x2="{xn:.1f}" y1="2" y2="{height - 2}" stroke="#1b2330" stroke-width="2"/>'
        )
    if not _missing(median):
        parts.append(f'<circle cx="{x(median):.1f}" cy="{mid}" r="3.5" fill="#ffffff" stroke="#1b2330"/>')
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[tuple[str, str]], rows: list[list[tuple[str, str]]], cls: str = "") -> str:
    """A table from already-escaped cells; each cell is (css class, html)."""
    out = [f'<table class="{cls}">' if cls else "<table>", "<thead><tr>"]
    out += [f'<th class="{c}">{h}</th>' if c else f"<th>{h}</th>" for c, h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append(
            "<tr>" + "".join(f'<td class="{c}">{h}</td>' if c else f"<td>{h}</td>" for c, h in row) + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _frame(obj: Any, name: str) -> pl.DataFrame | None:
    value = getattr(obj, name, None)
    return value if isinstance(value, pl.DataFrame) else None


class _Report:
    """One rendering: the inputs, the chosen year and the lookups shared by every section."""

    def __init__(
        self,
        scores: Any,
        year: int | None,
        panel: Any,
        gaps: pl.DataFrame | None,
        changes: pl.DataFrame | None,
        diagnostics: pl.DataFrame | None,
        uncertainty: Any,
        lang: str,
        title: str | None,
        data_note: str | None,
    ) -> None:
        self.s = scores
        self.lang = lang
        self.t = LABELS[lang]
        self.colon = "：" if lang == "zh" else ": "
        self.panel = panel
        composite: pl.DataFrame = scores.composite
        if year is None:
            ranked = composite.filter(pl.col("rank").is_not_null())
            pool = ranked if ranked.height else composite
            if pool.height == 0:
                raise ValueError("the scores have no rows to report")
            year = int(pool["year"].max())
        self.year = int(year)
        self.comp = composite.filter(pl.col("year") == self.year).sort(["rank", "unit"], nulls_last=True)
        if self.comp.height == 0:
            years = sorted(set(composite["year"].to_list()))
            raise ValueError(f"the scores have no rows for {self.year}; years present: {years}")
        self.ranked_count = self.comp.filter(pl.col("rank").is_not_null()).height
        self.dims = scores.dimensions.filter(pl.col("year") == self.year)
        self.settings: dict[str, str] = dict(getattr(scores, "settings", {}) or {})
        self.catalogue = getattr(scores, "catalogue", None)
        if self.catalogue is None and panel is not None:
            self.catalogue = getattr(panel, "catalogue", None)
        self.ind_names, self.ind_order = self._names(_frame(self.catalogue, "frame"))
        self.dim_names, self.dim_order = self._names(_frame(self.catalogue, "dimensions"))
        if not self.dim_order:
            self.dim_order = sorted(set(self.dims["dimension"].to_list()))
        self.gaps = gaps.filter(pl.col("year") == self.year) if gaps is not None else None
        if changes is None and panel is not None:
            changes = panel.changes(year=self.year)
        self.changes = changes.filter(pl.col("year") == self.year) if changes is not None else None
        if diagnostics is None and panel is not None:
            diagnostics = panel.diagnostics()
        self.diagnostics = (
            diagnostics.filter((pl.col("year") == self.year) | pl.col("year").is_null())
            if diagnostics is not None
            else None
        )
        self.observed = panel.frame.filter(pl.col("year") == self.year) if panel is not None else None
        ranks = (
            uncertainty
            if isinstance(uncertainty, pl.DataFrame)
            else _frame(uncertainty, "ranks")
            if uncertainty is not None
            else None
        )
        self.intervals: dict[str, dict[str, Any]] = {}
        if ranks is not None:
            for row in ranks.filter(pl.col("year") == self.year).iter_rows(named=True):
                self.intervals[row["unit"]] = row
        self.unit_names = {
            row["unit"]: row["name"] or row["unit"]
            for row in self.comp.select("unit", "name").iter_rows(named=True)
        }
        groups = [g for g in self.comp["group"].unique().to_list() if g]
        county = groups[0] if len(groups) == 1 else ""
        self.title = title or self.t["title"].format(
            county=county + (" " if county and lang == "en" else ""), year=self.year
        )
        if data_note is None:
            data = self.settings.get("data", "").lower()
            if data in ("synthetic", "real"):
                data_note = self.t[f"data_{data}"]
        self.data_note = data_note
        # A median per dimension across every scored unit of the year, for the marks on the bars.
        self.dim_median = {
            row["dimension"]: row["score"]
            for row in self.dims.group_by("dimension").agg(pl.col("score").median()).iter_rows(named=True)
        }

    def _names(self, frame: pl.DataFrame | None) -> tuple[dict[str, str], list[str]]:
        if frame is None or "code" not in frame.columns:
            return {}, []
        col = "name_zh" if self.lang == "zh" else "name_en"
        if col not in frame.columns:
            col = "code"
        codes = frame["code"].to_list()
        names = frame[col].to_list()
        return {c: (n or c) for c, n in zip(codes, names)}, codes

    def term(self, word: Any) -> str:
        if word is None:
            return ""
        return _TERMS[self.lang].get(str(word), str(word))

    def unit_label(self, unit: str) -> str:
        return self.unit_names.get(unit) or unit

    def indicator(self, code: Any) -> str:
        return "" if code is None else self.ind_names.get(code, code)

    def render(self) -> str:
        t = self.t
        sections = [self.overview()]
        sections += [self.unit_section(row) for row in self.comp.iter_rows(named=True)]
        sections += [self.methodology(), self.quality()]
        toc = ['<nav class="toc"><h2>' + _e(t["contents"]) + "</h2><ol>"]
        toc.append(f'<li><a href="#overview">{_e(t["overview"])}</a></li>')
        for row in self.comp.iter_rows(named=True):
            toc.append(f'<li><a href="#{_slug(row["unit"])}">{_e(self.unit_label(row["unit"]))}</a></li>')
        toc.append(f'<li><a href="#methodology">{_e(t["methodology"])}</a></li>')
        toc.append(f'<li><a href="#quality">{_e(t["quality"])}</a></li></ol></nav>')
        note = f'<p class="data-note" role="note">{_e(self.data_note)}</p>' if self.data_note else ""
        version = self.settings.get("catalogue_version") or getattr(self.catalogue, "version", "") or ""
        try:
            from fazhi import __version__ as fazhi_version
        except ImportError:  # the report module used without the compiled extension
            fazhi_version = "?"
        footer = _e(t["generated"].format(version=fazhi_version, catalogue=version))
        return "".join(
            [
                "<!DOCTYPE html>\n",
                f'<html lang="{t["html_lang"]}"><head><meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f'<meta name="generator" content="fazhi {_e(fazhi_version)}">',
                f"<title>{_e(self.title)}</title><style>{_CSS}</style></head><body>",
                f"<header><h1>{_e(self.title)}</h1>{note}</header>",
                "".join(toc),
                "<main>",
                "".join(sections),
                "</main>",
                f"<footer>{footer}</footer></body></html>\n",
            ]
        )

    # ---------------------------------------------------------------------------------- overview

    def overview(self) -> str:
        t = self.t
        ranked = self.comp.filter(pl.col("rank").is_not_null())
        median = ranked["score"].median() if ranked.height else None
        summary = t["summary"].format(
            year=self.year, total=self.comp.height, ranked=ranked.height, median=_fmt_score(median)
        )
        head = [
            ("num", _e(t["rank"])),
            ("", _e(t["unit"])),
            ("", _e(t["group"])),
            ("num", _e(t["score"])),
            ("", ""),
        ]
        if self.intervals:
            head.append(("", _e(t["rank_interval"])))
        head += [("num", _e(t["rank_change"])), ("num", _e(t["coverage"])), ("", _e(t["flags"]))]
        rows = []
        for row in ranked.iter_rows(named=True):
            cells = [
                ("num", _e(row["rank"])),
                ("", f'<a href="#{_slug(row["unit"])}">{_e(self.unit_label(row["unit"]))}</a>'),
                ("", _e(row["group"])),
                ("num", _fmt_score(row["score"])),
                ("bar", _score_bar(row["score"], median)),
            ]
            if self.intervals:
                cells.append(("whisker", self.whisker(row["unit"])))
            cells += [
                ("num", self.rank_change(row["rank_change"])),
                ("num", _fmt_pct(row["coverage"])),
                ("", self.flags(row["flags"])),
            ]
            rows.append(cells)
        out = [
            '<section id="overview">',
            f"<h2>{_e(t['overview'])}</h2>",
            f'<p class="sub">{_e(summary)}</p>',
            f"<h3>{_e(t['ranking'])}</h3>",
            _table(head, rows, "ranking"),
            f'<p class="legend">{_e(t["median_tick"])}</p>',
        ]
        unranked = self.comp.filter(pl.col("rank").is_null())
        if unranked.height:
            out.append(f"<h3>{_e(t['not_ranked'])}</h3>")
            out.append(
                _table(
                    [("", _e(t["unit"])), ("num", _e(t["coverage"])), ("", _e(t["reason"]))],
                    [
                        [
                            ("", f'<a href="#{_slug(r["unit"])}">{_e(self.unit_label(r["unit"]))}</a>'),
                            ("num", _fmt_pct(r["coverage"])),
                            ("", _e(r["reason"])),
                        ]
                        for r in unranked.iter_rows(named=True)
                    ],
                )
            )
        out.append(self.heatmap())
        out.append("</section>")
        return "".join(out)

    def whisker(self, unit: str) -> str:
        row = self.intervals.get(unit)
        if row is None:
            return '<span class="muted">—</span>'
        svg = _rank_whisker(
            row.get("nominal_rank"),
            row.get("median_rank"),
            row.get("rank_p05"),
            row.get("rank_p95"),
            max(self.ranked_count, 1),
        )
        return f'{svg} <span class="muted">{_e(row.get("rank_p05"))}–{_e(row.get("rank_p95"))}</span>'

    def rank_change(self, change: Any) -> str:
        if _missing(change):
            return ""
        if change > 0:
            return f'<span class="up">↑{change}</span>'
        if change < 0:
            return f'<span class="down">↓{-change}</span>'
        return '<span class="muted">–</span>'

    def flags(self, flags: Any) -> str:
        if not flags:
            return ""
        return "".join(
            f'<span class="flag">{_e(self.term(f.strip()))}</span>'
            for f in str(flags).split(",")
            if f.strip()
        )

    def heatmap(self) -> str:
        t = self.t
        lookup = {(r["unit"], r["dimension"]): r["score"] for r in self.dims.iter_rows(named=True)}
        head = (
            [("", _e(t["unit"]))]
            + [
                ("dim", f'<span title="{_e(d)}">{_e(self.dim_names.get(d, d))}</span>')
                for d in self.dim_order
            ]
            + [("dim", _e(t["composite"]))]
        )
        rows = []
        for row in self.comp.iter_rows(named=True):
            cells = [("", _e(self.unit_label(row["unit"])))]
            for value in [lookup.get((row["unit"], d)) for d in self.dim_order] + [row["score"]]:
                if _missing(value):
                    cells.append(("cell", '<span class="muted">—</span>'))
                else:
                    bg, ink = _heat_colour(float(value))
                    cells.append(
                        (
                            "cell",
                            f'<span style="display:block;background:{bg};color:{ink};'
                            f'padding:2px 0">{_fmt_score(value)}</span>',
                        )
                    )
            rows.append(cells)
        return "".join(
            [
                f'<h3 id="heatmap">{_e(t["heatmap"])}</h3>',
                _table(head, rows, "heat"),
                f'<p class="legend">{_e(t["heatmap_note"])} {self.heat_legend()}</p>',
            ]
        )

    def heat_legend(self) -> str:
        boxes = []
        for i, score in enumerate(range(0, 101, 20)):
            bg, ink = _heat_colour(score)
            boxes.append(
                f'<rect x="{i * 34}" y="0" width="34" height="16" fill="{bg}"/>'
                f'<text x="{i * 34 + 17}" y="12" font-size="10" text-anchor="middle" '
                f'fill="{ink}">{score}</text>'
            )
        return (
            '<svg width="204" height="16" viewBox="0 0 204 16" role="img" aria-label="0–100" '
            f'style="vertical-align:middle">{"".join(boxes)}</svg>'
        )

    # ------------------------------------------------------------------------------- per township

    def unit_section(self, row: dict[str, Any]) -> str:
        t = self.t
        unit = row["unit"]
        heading = self.unit_label(unit)
        meta = " · ".join(_e(x) for x in [unit if heading != unit else None, row["group"], self.year] if x)
        facts = [(t["composite"], _fmt_score(row["score"]))]
        if row["rank"] is not None:
            facts.append((t["rank"], _e(t["rank_of"].format(rank=row["rank"], of=self.ranked_count))))
            if row.get("group_rank") is not None:
                facts.append((t["group_rank"], _e(row["group_rank"])))
            facts.append((t["rank_change"], self.rank_change(row["rank_change"]) or "—"))
            if unit in self.intervals:
                iv = self.intervals[unit]
                facts.append((t["rank_interval"], f"{_e(iv.get('rank_p05'))}–{_e(iv.get('rank_p95'))}"))
        else:
            facts.append((t["rank"], _e(t["not_ranked"])))
        facts.append((t["coverage"], _fmt_pct(row["coverage"])))
        out = [
            f'<section class="unit" id="{_slug(unit)}">',
            f"<h2>{_e(heading)}</h2>",
            f'<p class="sub">{meta}</p>',
            '<div class="facts">',
            "".join(
                f'<div class="fact"><div class="k">{_e(k)}</div><div class="v">{v}</div></div>'
                for k, v in facts
            ),
            "</div>",
        ]
        if row["flags"]:
            out.append(f"<p>{_e(t['flags'])}{self.colon}{self.flags(row['flags'])}</p>")
        if row["rank"] is None and row.get("reason"):
            out.append(f'<p class="data-note">{_e(t["not_ranked"])}{self.colon}{_e(row["reason"])}</p>')
        out.append(self.unit_dimensions(unit))
        out.append(self.strengths(unit, ranked=row["rank"] is not None))
        out.append(self.unit_targets(unit))
        out.append(self.unit_changes(unit))
        out.append(self.unit_reported(unit))
        out.append("</section>")
        return "".join(out)

    def unit_dimensions(self, unit: str) -> str:
        t = self.t
        mine = {r["dimension"]: r for r in self.dims.filter(pl.col("unit") == unit).iter_rows(named=True)}
        rows = []
        for d in self.dim_order:
            r = mine.get(d, {})
            score = r.get("score")
            rows.append(
                [
                    ("", _e(self.dim_names.get(d, d))),
                    ("bar", _score_bar(score, self.dim_median.get(d))),
                    ("num", _fmt_score(score)),
                    ("num", _fmt_score(self.dim_median.get(d))),
                    ("num", _e(r.get("rank")) if r.get("rank") is not None else "—"),
                    ("num", _fmt_pct(r.get("coverage"))),
                ]
            )
        head = [
            ("", _e(t["dimension"])),
            ("", ""),
            ("num", _e(t["dim_score"])),
            ("num", _e(t["median"])),
            ("num", _e(t["rank"])),
            ("num", _e(t["coverage"])),
        ]
        return f"<h3>{_e(t['dimensions'])}</h3>" + _table(head, rows, "dims")

    def strengths(self, unit: str, ranked: bool, top: int = 8) -> str:
        t = self.t
        profile_fn = getattr(self.s, "profile", None)
        if profile_fn is None:
            return ""
        try:
            prof = profile_fn(unit, self.year)
        except Exception:
            # An unranked unit may have no profile; a ranked one must, so its errors propagate.
            if ranked:
                raise
            return ""
        if prof is None or prof.height == 0 or "label" not in prof.columns:
            return ""
        name_col = "name_zh" if self.lang == "zh" else "name_en"
        blocks = []
        for label, key in (("strength", "strengths"), ("weakness", "weaknesses")):
            part = prof.filter(pl.col("label") == label)
            part = part.with_columns((pl.col("level") == "dimension").alias("_dim")).sort(
                ["_dim", "rank"], descending=[True, label == "weakness"], nulls_last=True
            )
            items = []
            for r in part.head(top).iter_rows(named=True):
                name = r.get(name_col) or r.get("code")
                items.append(
                    "<li>"
                    + _e(
                        t["profile_item"].format(
                            name=name,
                            score=_fmt_score(r.get("score")),
                            rank=r.get("rank"),
                            of=r.get("of"),
                            median=_fmt_score(r.get("median")),
                        )
                    )
                    + (
                        f' <span class="flag">{_e(t["dimension"])}</span>'
                        if r["level"] == "dimension"
                        else ""
                    )
                    + "</li>"
                )
            body = (
                f'<ul class="plain">{"".join(items)}</ul>'
                if items
                else f'<p class="muted">{_e(t["none"])}</p>'
            )
            blocks.append(f"<div><h3>{_e(t[key])}</h3>{body}</div>")
        return f'<div class="cols">{"".join(blocks)}</div>'

    def unit_targets(self, unit: str) -> str:
        t = self.t
        head = f"<h3>{_e(t['targets'])}</h3>"
        if self.gaps is None:
            return head + f'<p class="muted">{_e(t["no_targets"])}</p>'
        mine = self.gaps.filter(pl.col("unit") == unit)
        counts = {s: mine.filter(pl.col("status") == s).height for s in ("met", "missed", "no_data")}
        summary = t["targets_summary"].format(total=mine.height, **counts)
        missed = mine.filter(pl.col("status") == "missed").sort("achievement", nulls_last=True)
        if missed.height == 0:
            return head + f'<p class="sub">{_e(summary)}</p>'
        rows = []
        for r in missed.iter_rows(named=True):
            rows.append(
                [
                    ("", _e(self.indicator(r["indicator"]))),
                    ("num", _e(self.target_text(r))),
                    ("num", _fmt_value(r.get("value"))),
                    ("num", _fmt_value(r.get("gap"))),
                    ("num", _fmt_pct(r.get("achievement"))),
                ]
            )
        table = _table(
            [
                ("", _e(t["indicator"])),
                ("num", _e(t["target"])),
                ("num", _e(t["value"])),
                ("num", _e(t["gap"])),
                ("num", _e(t["achievement"])),
            ],
            rows,
        )
        return head + f'<p class="sub">{_e(summary)}</p>' + table

    def target_text(self, r: dict[str, Any]) -> str:
        comparator = r.get("comparator")
        if comparator == "between":
            return f"{_fmt_value(r.get('target'))}–{_fmt_value(r.get('target_hi'))}"
        return f"{_COMPARATOR_SIGN.get(comparator, '')} {_fmt_value(r.get('target'))}".strip()

    def unit_changes(self, unit: str, top: int = 6) -> str:
        t = self.t
        head = f"<h3>{_e(t['changes'])}</h3>"
        if self.changes is None:
            return head + f'<p class="muted">{_e(t["no_panel"])}</p>'
        mine = (
            self.changes.filter(pl.col("unit") == unit, pl.col("status").is_in(["improved", "declined"]))
            .with_columns(_size=pl.col("rel_change").abs().fill_null(pl.col("abs_change").abs()))
            .sort("_size", descending=True, nulls_last=True)
            .head(top)
        )
        if mine.height == 0:
            return head + f'<p class="muted">{_e(t["no_changes"])}</p>'
        rows = []
        for r in mine.iter_rows(named=True):
            cls = "up" if r["status"] == "improved" else "down"
            rel = "" if _missing(r.get("rel_change")) else f" ({r['rel_change'] * 100:+.0f}%)"
            rows.append(
                [
                    ("", _e(self.indicator(r["indicator"]))),
                    ("num", _fmt_value(r.get("prev_value"))),
                    ("num", _fmt_value(r.get("value"))),
                    (
                        "num",
                        _e(f"{r['abs_change']:+,.6g}{rel}") if not _missing(r.get("abs_change")) else "—",
                    ),
                    ("", f'<span class="{cls}">{_e(self.term(r["status"]))}</span>'),
                ]
            )
        table = _table(
            [
                ("", _e(t["indicator"])),
                ("num", _e(t["previous"])),
                ("num", _e(t["this_year"])),
                ("num", _e(t["change"])),
                ("", ""),
            ],
            rows,
        )
        return head + table

    def unit_reported(self, unit: str) -> str:
        t = self.t
        head = f"<h3>{_e(t['reported'])}</h3>"
        if self.observed is None:
            return head + f'<p class="muted">{_e(t["no_panel"])}</p>'
        mine = self.observed.filter(pl.col("unit") == unit)
        if mine.height == 0:
            return head + f'<p class="muted">{_e(t["none"])}</p>'
        order = {code: i for i, code in enumerate(self.ind_order)}
        records = sorted(
            mine.iter_rows(named=True), key=lambda r: (order.get(r["indicator"], 10**6), r["indicator"])
        )
        rows = []
        for r in records:
            rows.append(
                [
                    ("", _e(self.indicator(r["indicator"]))),
                    ("num", _e(r.get("text"))),
                    ("num", _e(self.interval_text(r))),
                    ("", _e(self.term(r.get("qualifier")))),
                    ("quote", _e(r.get("source"))),
                ]
            )
        table = _table(
            [
                ("", _e(t["indicator"])),
                ("num", _e(t["as_written"])),
                ("num", _e(t["interval"])),
                ("", _e(t["qualifier"])),
                ("", _e(t["source"])),
            ],
            rows,
            "reported",
        )
        return head + table

    @staticmethod
    def interval_text(r: dict[str, Any]) -> str:
        lo, hi = r.get("lo"), r.get("hi")
        if not _missing(lo) and not _missing(hi) and lo == hi:
            return _fmt_value(lo)
        if _missing(lo) and _missing(hi):
            return "—"
        if _missing(lo):
            return f"≤ {_fmt_value(hi)}"
        if _missing(hi):
            return f"≥ {_fmt_value(lo)}"
        return f"[{_fmt_value(lo)}, {_fmt_value(hi)}]"

    # ------------------------------------------------------------------- methodology and quality

    def methodology(self) -> str:
        t = self.t
        out = [
            '<section id="methodology">',
            f"<h2>{_e(t['methodology'])}</h2>",
            f"<p>{_e(t['methodology_text'])}</p>",
        ]
        cat = self.catalogue
        if cat is not None:
            name = getattr(cat, "name", "")
            version = getattr(cat, "version", "")
            out.append(f"<p>{_e(t['catalogue'])}{self.colon}{_e(name)} {_e(version)}</p>")
        out.append(f"<h3>{_e(t['settings'])}</h3>")
        out.append(
            _table(
                [("", _e(t["setting"])), ("", _e(t["setting_value"]))],
                [[("", _e(k)), ("", _e(v))] for k, v in sorted(self.settings.items())],
            )
        )
        weights = _frame(self.s, "weights")
        if weights is not None and weights.height:
            dims = weights.filter(pl.col("level") == "dimension")
            out.append(f"<h3>{_e(t['weights_dimension'])}</h3>")
            out.append(
                _table(
                    [
                        ("", _e(t["code"])),
                        ("", _e(t["name"])),
                        ("num", _e(t["weight"])),
                        ("num", _e(t["share"])),
                    ],
                    [
                        [
                            ("", _e(r["code"])),
                            ("", _e(self.dim_names.get(r["code"], r["code"]))),
                            ("num", _fmt_value(r["weight"])),
                            ("num", _fmt_pct(r["share"], 1)),
                        ]
                        for r in dims.iter_rows(named=True)
                    ],
                )
            )
            inds = weights.filter(pl.col("level") == "indicator")
            out.append(f"<h3>{_e(t['weights_indicator'])}</h3>")
            out.append(
                _table(
                    [
                        ("", _e(t["code"])),
                        ("", _e(t["name"])),
                        ("", _e(t["dimension"])),
                        ("num", _e(t["weight"])),
                        ("num", _e(t["share"])),
                        ("", _e(t["normalise"])),
                        ("num", _e(t["worst"])),
                        ("num", _e(t["best"])),
                    ],
                    [
                        [
                            ("", _e(r["code"])),
                            ("", _e(self.indicator(r["code"]))),
                            ("", _e(r.get("dimension"))),
                            ("num", _fmt_value(r["weight"])),
                            ("num", _fmt_pct(r.get("share"), 1)),
                            ("", _e(r.get("normalise"))),
                            ("num", _fmt_value(r.get("worst"))),
                            ("num", _fmt_value(r.get("best"))),
                        ]
                        for r in inds.iter_rows(named=True)
                    ],
                )
            )
        out.append("</section>")
        return "".join(out)

    def quality(self) -> str:
        t = self.t
        out = ['<section id="quality">', f"<h2>{_e(t['quality'])}</h2>"]
        if self.panel is not None and hasattr(self.panel, "rejected"):
            rejected = self.panel.rejected.height
            total = getattr(self.panel, "input_rows", None)
            if total is not None:
                out.append(f"<p>{_e(t['rejected'].format(input=total, rejected=rejected))}</p>")
        out.append(f"<h3>{_e(t['excluded'])}</h3>")
        excluded = _frame(self.s, "excluded")
        if excluded is not None:
            excluded = excluded.filter((pl.col("year") == self.year) | pl.col("year").is_null())
        if excluded is None or excluded.height == 0:
            out.append(f'<p class="muted">{_e(t["none"])}</p>')
        else:
            out.append(
                self.limited_table(
                    [
                        ("", _e(t["unit"])),
                        ("num", _e(t["year"])),
                        ("", _e(t["level"])),
                        ("", _e(t["indicator"])),
                        ("", _e(t["reason"])),
                        ("", _e(t["detail"])),
                    ],
                    [
                        [
                            ("", _e(self.unit_label(r["unit"]) if r["unit"] else "")),
                            ("num", _e(r["year"])),
                            ("", _e(self.term(r["level"]))),
                            (
                                "",
                                _e(
                                    self.indicator(r["indicator"])
                                    or self.dim_names.get(r["dimension"] or "", "")
                                ),
                            ),
                            ("", _e(r["reason"])),
                            ("", _e(r["detail"])),
                        ]
                        for r in excluded.iter_rows(named=True)
                    ],
                )
            )
        out.append(f"<h3>{_e(t['diagnostics'])}</h3>")
        warnings = (
            self.diagnostics.filter(pl.col("severity") == "warning") if self.diagnostics is not None else None
        )
        if warnings is None or warnings.height == 0:
            out.append(f'<p class="muted">{_e(t["none"])}</p>')
        else:
            out.append(
                self.limited_table(
                    [
                        ("", _e(t["unit"])),
                        ("num", _e(t["year"])),
                        ("", _e(t["indicator"])),
                        ("", _e(t["check"])),
                        ("", _e(t["message"])),
                    ],
                    [
                        [
                            ("", _e(self.unit_label(r["unit"]) if r["unit"] else "")),
                            ("num", _e(r["year"])),
                            ("", _e(self.indicator(r["indicator"]))),
                            ("", _e(r["check"])),
                            ("", _e(r["message"])),
                        ]
                        for r in warnings.iter_rows(named=True)
                    ],
                )
            )
        out.append("</section>")
        return "".join(out)

    def limited_table(
        self, head: list[tuple[str, str]], rows: list[list[tuple[str, str]]], limit: int = 200
    ) -> str:
        more = len(rows) - limit
        table = _table(head, rows[:limit])
        if more > 0:
            table += f'<p class="muted">{_e(self.t["more_rows"].format(n=more))}</p>'
        return table
