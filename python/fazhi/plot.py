"""Altair charts of scores, ranks, target gaps and reported values, for notebooks.

Altair is optional: ``pip install 'fazhi[plot]'`` (Altair and vl-convert-python). Each function
returns an Altair chart (a ``Chart`` or a ``LayerChart``) that you can show, change
(``.properties(width=600)``) or combine with others. Fonts are set on the axes, legends, titles
and text marks, not through a top-level ``configure``, so that the charts stay composable; the
font list puts CJK fonts first so that Chinese names render.

Without a network
-----------------
By default Jupyter draws an Altair chart with JavaScript (Vega) loaded from a CDN on the
internet, so on a machine that cannot reach it (a government intranet) the chart cell stays
empty. vl-convert-python bundles the Vega engine and draws charts on the machine itself:

* ``fazhi.plot.offline()`` once at the top of a notebook: every Altair chart is then shown as a
  static SVG image made in the kernel (no tooltips). ``offline(interactive=True)`` keeps the
  tooltips with Altair's ``JupyterChart`` widget and the Vega bundle of vl-convert (needs
  ``pip install anywidget``); ``offline(False)`` restores the renderer that was active before.
* ``fazhi.plot.save(chart, "ranks.svg")`` writes one chart to a file that opens anywhere without
  a network: ``.svg`` (an image, no script), ``.png`` (for Word or WPS; twice the pixels by
  default) or ``.html`` (a page with Vega inlined, about 1 MB, with tooltips).
  ``fazhi.plot.to_svg(chart)`` returns the SVG text. Altair's own ``chart.save("x.html")`` writes a
  page that loads Vega from the internet; prefer ``fazhi.plot.save``.

PNG is drawn with the fonts installed on the machine: Chinese needs a CJK font (Microsoft YaHei
on Windows; ``fonts-noto-cjk`` on Debian or Ubuntu). SVG and HTML are drawn by the browser that
opens them.

Examples
--------
>>> import fazhi.plot  # doctest: +SKIP
>>> fazhi.plot.offline()  # doctest: +SKIP
>>> fazhi.plot.ranks(scores, uncertainty=u)  # doctest: +SKIP
>>> fazhi.plot.trend(panel, "SYN01", "发放法治宣传资料份数")  # doctest: +SKIP
>>> fazhi.plot.save(fazhi.plot.heatmap(scores), "out/heatmap.svg")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    import altair as alt

__all__ = ["FONT", "gaps", "heatmap", "offline", "ranks", "save", "to_svg", "trend"]

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "ranks": "{year}年综合得分与排名",
        "ranks_interval": "{year}年排名及其区间（5%–95%）",
        "unit": "乡镇（街道）",
        "group": "所属县",
        "score": "综合得分",
        "rank": "排名",
        "median_rank": "名次中位数",
        "rank_p05": "名次下限（5%）",
        "rank_p95": "名次上限（95%）",
        "coverage": "覆盖率",
        "flags": "标记",
        "heatmap": "{year}年分维度得分",
        "dimension": "维度",
        "dim_score": "得分",
        "gaps_unit": "{unit} {year}年目标完成率",
        "gaps_all": "{year}年目标达标情况",
        "indicator": "指标",
        "achievement": "完成率",
        "status": "状态",
        "count": "目标数",
        "target": "目标",
        "value": "实际值",
        "trend": "{name}",
        "trend_note": "空心点为带限定词的数值（多、余、以上、约、范围），竖线为其区间",
        "undefined": "完成率无定义",
        "year": "年份",
        "text": "原文",
        "interval_lo": "区间下限",
        "interval_hi": "区间上限",
        "qualifier": "限定",
        "met": "达标",
        "missed": "未达标",
        "no_data": "无数据",
    },
    "en": {
        "ranks": "Composite scores and ranks, {year}",
        "ranks_interval": "Ranks with 5%–95% intervals, {year}",
        "unit": "Township",
        "group": "County",
        "score": "Score",
        "rank": "Rank",
        "median_rank": "Median rank",
        "rank_p05": "Rank, 5th percentile",
        "rank_p95": "Rank, 95th percentile",
        "coverage": "Coverage",
        "flags": "Flags",
        "heatmap": "Dimension scores, {year}",
        "dimension": "Dimension",
        "dim_score": "Score",
        "gaps_unit": "Target achievement of {unit}, {year}",
        "gaps_all": "Targets met and missed, {year}",
        "indicator": "Indicator",
        "achievement": "Achievement",
        "status": "Status",
        "count": "Targets",
        "target": "Target",
        "value": "Value",
        "trend": "{name}",
        "trend_note": "Hollow points: qualified values (多, 余, 以上, 约, ranges); bars: their intervals",
        "undefined": "achievement undefined",
        "year": "Year",
        "text": "As written",
        "interval_lo": "Interval low",
        "interval_hi": "Interval high",
        "qualifier": "Qualifier",
        "met": "met",
        "missed": "missed",
        "no_data": "no data",
    },
}

# Status colours that read in colour-blind vision and in greyscale (blue / orange / grey).
_STATUS_COLOURS = {"met": "#2c7bb6", "missed": "#e66101", "no_data": "#b0b0b0"}


def _altair() -> Any:
    try:
        import altair
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "fazhi.plot needs Altair, which is optional: pip install 'fazhi[plot]' (or pip install altair)"
        ) from err
    return altair


def _words(lang: str) -> dict[str, str]:
    if lang not in _WORDS:
        raise ValueError(f"lang must be one of {sorted(_WORDS)}, not {lang!r}")
    return _WORDS[lang]


def _axis(alt: Any, **kw: Any) -> Any:
    return alt.Axis(labelFont=FONT, titleFont=FONT, **kw)


def _legend(alt: Any, **kw: Any) -> Any:
    return alt.Legend(labelFont=FONT, titleFont=FONT, **kw)


def _title(alt: Any, text: str) -> Any:
    return alt.TitleParams(text, font=FONT, subtitleFont=FONT, anchor="start")


def _data(alt: Any, frame: pl.DataFrame) -> Any:
    # Inline values: no pandas or pyarrow needed, and the chart carries its data when saved.
    return alt.Data(values=frame.to_dicts())


def _latest_year(frame: pl.DataFrame, year: int | None, what: str) -> int:
    if year is not None:
        return int(year)
    if frame.height == 0:
        raise ValueError(f"{what} has no rows")
    return int(frame["year"].max())


def _unit_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """A `label` column: the township name, or the code when there is no name; the code is added
    when two townships share a name."""
    name = pl.coalesce(pl.col("name"), pl.col("unit")) if "name" in frame.columns else pl.col("unit")
    out = frame.with_columns(label=name)
    dup = pl.col("label").is_duplicated()
    return out.with_columns(
        label=pl.when(dup)
        .then(pl.format("{} ({})", pl.col("label"), pl.col("unit")))
        .otherwise(pl.col("label"))
    )


def _names(catalogue: Any, attr: str, lang: str) -> dict[str, str]:
    frame = getattr(catalogue, attr, None) if catalogue is not None else None
    if not isinstance(frame, pl.DataFrame):
        return {}
    col = "name_zh" if lang == "zh" else "name_en"
    if col not in frame.columns:
        return {}
    return {c: n or c for c, n in zip(frame["code"].to_list(), frame[col].to_list())}


def ranks(
    scores: Any, year: int | None = None, uncertainty: Any = None, *, lang: str = "zh"
) -> alt.TopLevelMixin:
    """The ranked townships of one year.

    Without ``uncertainty``: a bar of each composite score (0–100), best first, coloured by county.
    With ``uncertainty`` (anything with a ``ranks`` frame): each township's rank interval from the
    5th to the 95th percentile, a circle at the median rank and a tick at the nominal rank.
    """
    alt = _altair()
    w = _words(lang)
    comp: pl.DataFrame = scores.composite
    year = _latest_year(comp.filter(pl.col("rank").is_not_null()), year, "scores.composite (ranked rows)")
    rows = _unit_labels(
        comp.filter(pl.col("year") == year, pl.col("rank").is_not_null()).sort("rank", "unit")
    )
    if rows.height == 0:
        raise ValueError(f"no ranked township in {year}")
    # Flags in the reader's words ("含限定值"), from the scorecards' vocabulary.
    from fazhi import words

    flags = pl.col("flags").cast(pl.String)
    rows = rows.with_columns(flags.map_elements(lambda f: words("flags", f, lang), return_dtype=pl.String))
    order = rows["label"].to_list()
    y = alt.Y("label:N", sort=order, title=None, axis=_axis(alt))
    tooltip = [
        alt.Tooltip("label:N", title=w["unit"]),
        alt.Tooltip("group:N", title=w["group"]),
        alt.Tooltip("rank:Q", title=w["rank"]),
        alt.Tooltip("score:Q", title=w["score"], format=".1f"),
        alt.Tooltip("coverage:Q", title=w["coverage"], format=".0%"),
        alt.Tooltip("flags:N", title=w["flags"]),
    ]
    height = max(120, 22 * rows.height)
    if uncertainty is None:
        return (
            alt.Chart(_data(alt, rows))
            .mark_bar()
            .encode(
                x=alt.X("score:Q", title=w["score"], scale=alt.Scale(domain=[0, 100]), axis=_axis(alt)),
                y=y,
                color=alt.Color("group:N", title=w["group"], legend=_legend(alt)),
                tooltip=tooltip,
            )
            .properties(title=_title(alt, w["ranks"].format(year=year)), height=height, width=480)
        )
    intervals = uncertainty.ranks.filter(pl.col("year") == year).select(
        "unit", "median_rank", "rank_p05", "rank_p95"
    )
    rows = rows.join(intervals, on="unit", how="left")
    n = rows.height
    rank_scale = alt.Scale(domain=[1, max(n, 2)], nice=False)
    base = alt.Chart(_data(alt, rows)).encode(y=y)
    tooltip += [
        alt.Tooltip("median_rank:Q", title=w["median_rank"]),
        alt.Tooltip("rank_p05:Q", title=w["rank_p05"]),
        alt.Tooltip("rank_p95:Q", title=w["rank_p95"]),
    ]
    interval = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("rank_p05:Q", title=w["rank"], scale=rank_scale, axis=_axis(alt, tickMinStep=1)),
        x2="rank_p95:Q",
        color=alt.Color("group:N", title=w["group"], legend=_legend(alt)),
        tooltip=tooltip,
    )
    median = base.mark_point(filled=True, fill="white", size=60, stroke="black").encode(
        x=alt.X("median_rank:Q", scale=rank_scale), tooltip=tooltip
    )
    nominal = base.mark_tick(color="black", thickness=2, size=14).encode(x=alt.X("rank:Q", scale=rank_scale))
    return alt.layer(interval, median, nominal).properties(
        title=_title(alt, w["ranks_interval"].format(year=year)), height=height, width=480
    )


def heatmap(scores: Any, year: int | None = None, *, lang: str = "zh") -> alt.TopLevelMixin:
    """Townships (rows, best composite first) × dimensions (columns, catalogue order), coloured by
    the dimension score 0–100 and labelled with it. A dimension below its coverage threshold has
    no score and is left blank."""
    alt = _altair()
    w = _words(lang)
    comp: pl.DataFrame = scores.composite
    year = _latest_year(comp, year, "scores.composite")
    units = _unit_labels(comp.filter(pl.col("year") == year).sort("rank", "unit", nulls_last=True))
    dim_names = _names(getattr(scores, "catalogue", None), "dimensions", lang)
    dims = scores.dimensions.filter(pl.col("year") == year, pl.col("score").is_not_null())
    if dims.height == 0:
        raise ValueError(f"no dimension scores in {year}")
    dim_order = list(dim_names) or sorted(set(dims["dimension"].to_list()))
    data = dims.join(units.select("unit", "label"), on="unit", how="inner").with_columns(
        dimension_name=pl.col("dimension").replace_strict(dim_names, default=pl.col("dimension")),
    )
    x_order = [dim_names.get(d, d) for d in dim_order]
    base = alt.Chart(_data(alt, data)).encode(
        x=alt.X(
            "dimension_name:N", sort=x_order, title=None, axis=_axis(alt, labelAngle=-35, labelLimit=320)
        ),
        y=alt.Y("label:N", sort=units["label"].to_list(), title=None, axis=_axis(alt)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "score:Q",
            title=w["dim_score"],
            scale=alt.Scale(domain=[0, 100], scheme="blues"),
            legend=_legend(alt),
        ),
        tooltip=[
            alt.Tooltip("label:N", title=w["unit"]),
            alt.Tooltip("dimension_name:N", title=w["dimension"]),
            alt.Tooltip("score:Q", title=w["dim_score"], format=".1f"),
            alt.Tooltip("coverage:Q", title=w["coverage"], format=".0%"),
        ],
    )
    labels = base.mark_text(font=FONT, fontSize=11).encode(
        text=alt.Text("score:Q", format=".0f"),
        color=alt.condition("datum.score > 62", alt.value("white"), alt.value("#1b2330")),
    )
    return alt.layer(cells, labels).properties(
        title=_title(alt, w["heatmap"].format(year=year)), width=60 * len(x_order), height=24 * units.height
    )


def gaps(
    gaps_frame: pl.DataFrame,
    unit: str | None = None,
    *,
    year: int | None = None,
    catalogue: Any = None,
    lang: str = "zh",
) -> alt.TopLevelMixin:
    """Targets of one year (by default the latest with any observed value), from ``panel.gaps(targets)``.

    With ``unit``: its achievement ratio (完成率) per indicator, coloured met / missed, with a line at
    100 %; a target whose ratio is undefined (no data, a zero target or value) is named with its
    status instead of a bar. Without ``unit``: for each township, how
    many targets were met, missed or had no data. ``catalogue`` (default: the bundled one) names
    the indicators.
    """
    alt = _altair()
    w = _words(lang)
    # A plan's later target years have no data yet; by default show the latest year that has some.
    observed = gaps_frame.filter(pl.col("status") != "no_data")
    year = _latest_year(observed if observed.height else gaps_frame, year, "the gaps frame")
    frame = gaps_frame.filter(pl.col("year") == year)
    status_scale = alt.Scale(domain=list(_STATUS_COLOURS), range=list(_STATUS_COLOURS.values()))
    frame = frame.with_columns(
        status_label=pl.col("status").replace_strict(
            {k: w[k] for k in _STATUS_COLOURS}, default=pl.col("status")
        )
    )
    colour = alt.Color(
        "status:N",
        title=w["status"],
        scale=status_scale,
        legend=_legend(alt, labelExpr=_label_expr(w)),
    )
    if unit is None:
        counts = frame.group_by("unit", "status", "status_label").len("count").sort("unit", "status")
        if counts.height == 0:
            raise ValueError(f"the gaps frame has no rows for {year}")
        return (
            alt.Chart(_data(alt, counts))
            .mark_bar()
            .encode(
                x=alt.X("count:Q", title=w["count"], axis=_axis(alt, tickMinStep=1)),
                y=alt.Y("unit:N", title=None, axis=_axis(alt)),
                color=colour,
                order=alt.Order("status:N"),
                tooltip=["unit:N", alt.Tooltip("status_label:N", title=w["status"]), "count:Q"],
            )
            .properties(title=_title(alt, w["gaps_all"].format(year=year)), width=420)
        )
    mine = frame.filter(pl.col("unit") == unit)
    if mine.height == 0:
        raise ValueError(f"the gaps frame has no targets of {unit!r} in {year}")
    if catalogue is None:
        from fazhi import Catalogue

        catalogue = Catalogue.default()
    names = _names(catalogue, "frame", lang)
    mine = mine.with_columns(
        indicator_name=pl.col("indicator").replace_strict(names, default=pl.col("indicator")),
        note=pl.format("{} ({})", pl.col("status_label"), pl.lit(w["undefined"])),
    ).sort("achievement", nulls_last=False)
    y = alt.Y("indicator_name:N", sort=mine["indicator_name"].to_list(), title=None, axis=_axis(alt))
    base = alt.Chart(_data(alt, mine))
    # No data, or a zero target or value, leaves the ratio undefined: say so rather than draw a 0 bar.
    undefined = (
        base.transform_filter("datum.achievement == null")
        .mark_text(align="left", dx=4, font=FONT, color="#555555")
        .encode(x=alt.value(0), y=y, text="note:N")
    )
    bars = (
        base.transform_filter("datum.achievement != null")
        .mark_bar()
        .encode(
            x=alt.X("achievement:Q", title=w["achievement"], axis=_axis(alt, format="%")),
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("indicator_name:N", title=w["indicator"]),
                alt.Tooltip("status_label:N", title=w["status"]),
                alt.Tooltip("comparator:N"),
                alt.Tooltip("target:Q", title=w["target"]),
                alt.Tooltip("value:Q", title=w["value"]),
                alt.Tooltip("achievement:Q", title=w["achievement"], format=".0%"),
            ],
        )
    )
    # One rule at 100 %, drawn from the same data (aggregated to one row) so that the layers share it.
    full = (
        base.transform_aggregate(n="count()")
        .mark_rule(strokeDash=[4, 3], color="black")
        .encode(x=alt.datum(1.0))
    )
    return alt.layer(bars, full, undefined).properties(
        title=_title(alt, w["gaps_unit"].format(unit=unit, year=year)), width=420, height=22 * mine.height
    )


def _label_expr(w: dict[str, str]) -> str:
    """A Vega expression that shows the translated status in the legend while the data keeps codes."""
    parts = [f"datum.label == '{code}' ? '{w[code]}'" for code in _STATUS_COLOURS]
    return " : ".join(parts) + " : datum.label"


def trend(panel: Any, unit: str | list[str], indicator: str, *, lang: str = "zh") -> alt.TopLevelMixin:
    """Reported values of one indicator over the years, for one township or several.

    ``indicator`` is a code, a Chinese or English name, or an alias. A vertical bar shows each
    value's interval (1060多 → [1060, 1070]); an open end (95%以上, 近100) is drawn up to the point
    value only. Hollow points are qualified values; the tooltip shows the text as written.
    """
    alt = _altair()
    w = _words(lang)
    catalogue = panel.catalogue
    code = catalogue.resolve(indicator)
    if code is None:
        raise ValueError(f"unknown indicator {indicator!r}: give a catalogue code, name or alias")
    units = [unit] if isinstance(unit, str) else list(unit)
    rows = panel.frame.filter(pl.col("indicator") == code, pl.col("unit").is_in(units)).sort("unit", "year")
    if rows.height == 0:
        raise ValueError(f"no observations of {code} for {', '.join(units)}")
    rows = rows.select(
        "unit",
        "year",
        "value",
        "lo",
        "hi",
        "text",
        "qualifier",
        low=pl.coalesce(pl.col("lo"), pl.col("value")),
        high=pl.coalesce(pl.col("hi"), pl.col("value")),
        exact=pl.col("qualifier") == "exact",
    )
    meta = catalogue.frame.filter(pl.col("code") == code).row(0, named=True)
    name = meta["name_zh"] if lang == "zh" else meta["name_en"]
    y_title = f"{name}（{meta['unit_word']}）" if lang == "zh" and meta.get("unit_word") else name
    base = alt.Chart(_data(alt, rows)).encode(
        x=alt.X("year:O", title=w["year"], axis=_axis(alt, labelAngle=0)),
        color=alt.Color("unit:N", title=w["unit"], legend=_legend(alt)),
    )
    tooltip = [
        alt.Tooltip("unit:N", title=w["unit"]),
        alt.Tooltip("year:O", title=w["year"]),
        alt.Tooltip("text:N", title=w["text"]),
        alt.Tooltip("value:Q", title=w["value"]),
        alt.Tooltip("lo:Q", title=w["interval_lo"]),
        alt.Tooltip("hi:Q", title=w["interval_hi"]),
        alt.Tooltip("qualifier:N", title=w["qualifier"]),
    ]
    line = base.mark_line().encode(y=alt.Y("value:Q", title=y_title, axis=_axis(alt)))
    band = base.mark_rule(strokeWidth=2, opacity=0.5).encode(y="low:Q", y2="high:Q")
    points = base.mark_point(size=60, strokeWidth=2).encode(
        y="value:Q",
        fill=alt.condition("datum.exact", alt.Color("unit:N", legend=None), alt.value("white")),
        tooltip=tooltip,
    )
    title = alt.TitleParams(
        w["trend"].format(name=name), subtitle=w["trend_note"], font=FONT, subtitleFont=FONT, anchor="start"
    )
    return alt.layer(band, line, points).properties(title=title, width=420)


# Without a network: vl-convert-python bundles Vega and draws the charts on this machine.


def _vl_convert() -> Any:
    try:
        import vl_convert
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "drawing charts without a network needs vl-convert-python, which is optional: "
            "pip install 'fazhi[plot]' (or pip install vl-convert-python)"
        ) from err
    return vl_convert


# The renderer (name, options) that was active before offline() replaced it; offline(False) puts it back.
_before_offline: tuple[str, dict[str, Any]] | None = None

# The menu of an HTML chart: saving as SVG or PNG works offline; "Open in Vega Editor" needs the web.
_EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}


def offline(enabled: bool = True, *, interactive: bool = False) -> None:
    """Show Altair charts in Jupyter without loading anything from the internet.

    Altair's default renderer loads Vega from a CDN, which an intranet machine cannot reach. After
    ``offline()`` every Altair chart (fazhi's and any other) is drawn in the kernel by vl-convert
    and shown as a static SVG image: no script, no network, no tooltips; it also stays visible in
    a notebook saved or exported to HTML. With ``interactive=True`` charts are Altair's
    ``JupyterChart`` widget running the Vega bundle of vl-convert, with tooltips; this needs
    ``pip install anywidget`` and a Jupyter that shows widgets (JupyterLab 4, Notebook 7).

    ``offline(False)`` restores the renderer that was active before the first ``offline()``.
    Needs ``pip install 'fazhi[plot]'`` (Altair and vl-convert-python).
    """
    global _before_offline
    alt = _altair()
    if not enabled:
        if _before_offline is not None:
            name, options = _before_offline
            alt.renderers.enable(name, **options)
            _before_offline = None
        return
    _vl_convert()
    if interactive:
        if importlib.util.find_spec("anywidget") is None:
            raise ImportError(
                "fazhi.plot.offline(interactive=True) needs anywidget: pip install anywidget, then "
                "restart the kernel; or use fazhi.plot.offline() for static charts"
            )
        # Bundle Vega now (about a second) rather than at the first chart.
        alt.JupyterChart.enable_offline()
    if _before_offline is None:
        _before_offline = (alt.renderers.active, dict(alt.renderers.options))
    if interactive:
        alt.renderers.enable("jupyter", offline=True)
    else:
        alt.renderers.enable("svg")


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text, drawn on this machine by vl-convert: no script and no network.

    The text is drawn with the fonts named in the chart (CJK first) by whatever shows the SVG.
    Needs ``pip install 'fazhi[plot]'``.
    """
    _altair()
    _vl_convert()
    out = io.StringIO()
    chart.save(out, format="svg")
    return out.getvalue()


def save(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write one chart to a file that needs no network to open; the format follows the suffix.

    ``.svg``: a static image (``to_svg``). ``.png``: an image for Word or WPS, ``scale`` times the
    chart's size in pixels (2 by default, sharp when printed); drawn with this machine's fonts,
    so Chinese needs a CJK font installed. ``.html``: one page with Vega inlined (about 1 MB),
    tooltips included. Altair's ``chart.save("x.html")`` would instead load Vega from the internet.
    Returns the path. Needs ``pip install 'fazhi[plot]'``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".svg", ".png", ".html"}:
        raise ValueError(f"fazhi.plot.save writes .svg, .png or .html files, not {path.name!r}")
    if not scale > 0:
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    _altair()
    _vl_convert()
    if suffix == ".svg":
        path.write_text(to_svg(chart), encoding="utf-8")
    elif suffix == ".png":
        chart.save(str(path), format="png", scale_factor=scale)
    else:
        chart.save(str(path), format="html", inline=True, embed_options=_EMBED_OPTIONS)
    return path
