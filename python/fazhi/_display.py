"""HTML for Jupyter's ``_repr_html_`` of fazhi's result objects: a header line and the first rows.

The Rust classes call these functions, so they only read documented attributes (duck-typed) and
escape every piece of text. Each returns a ``<div>`` fragment, never a whole page.
"""

from __future__ import annotations

import html
import math
from typing import Any

import polars as pl

__all__ = ["catalogue_html", "extraction_html", "frame_html", "panel_html", "scores_html", "uncertainty_html"]

ROWS = 8
_CELL_CHARS = 60


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _cell(value: Any) -> str:
    if value is None:
        return '<span style="color:#888">null</span>'
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        text = f"{value:.4g}" if abs(value) < 1e6 else f"{value:.6g}"
    else:
        text = str(value)
    if len(text) > _CELL_CHARS:
        return f'<span title="{_e(text)}">{_e(text[: _CELL_CHARS - 1])}…</span>'
    return _e(text)


def frame_html(frame: pl.DataFrame, columns: list[str] | None = None, rows: int = ROWS) -> str:
    """The first ``rows`` rows of ``frame`` (only ``columns`` that exist, in that order) as a table."""
    cols = [c for c in (columns or frame.columns) if c in frame.columns]
    head = frame.select(cols).head(rows)
    num = {c for c, t in zip(cols, head.dtypes) if t.is_numeric()}
    out = ["<table><thead><tr>"]
    out += [f'<th style="text-align:{"right" if c in num else "left"}">{_e(c)}</th>' for c in cols]
    out.append("</tr></thead><tbody>")
    for row in head.iter_rows():
        cells = [
            f'<td style="text-align:{"right" if c in num else "left"}">{_cell(v)}</td>'
            for c, v in zip(cols, row)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if frame.height > rows:
        out.append(
            f'<p style="color:#666;margin:2px 0">… {frame.height - rows} more of {frame.height} rows</p>'
        )
    return "".join(out)


def _block(title: str, facts: list[tuple[str, Any]], table: str) -> str:
    line = " · ".join(f"{_e(k)} <b>{_e(v)}</b>" if k else _e(v) for k, v in facts if v is not None)
    return f'<div class="fazhi"><p style="margin:0 0 4px"><b>{_e(title)}</b> {line}</p>{table}</div>'


def _years(values: list[Any]) -> str:
    years = sorted({int(y) for y in values if y is not None})
    if not years:
        return "none"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def catalogue_html(catalogue: Any) -> str:
    """A catalogue: its name and version, then its dimensions with how many indicators each has."""
    dims: pl.DataFrame = catalogue.dimensions
    frame: pl.DataFrame = catalogue.frame
    counts = frame.group_by("dimension").len() if frame.height else pl.DataFrame({"dimension": [], "len": []})
    table = dims.join(counts, left_on="code", right_on="dimension", how="left").select(
        "code", "name_zh", "name_en", pl.col("len").fill_null(0).alias("indicators")
    )
    facts: list[tuple[str, Any]] = [
        ("", getattr(catalogue, "name", None) or None),
        ("version", getattr(catalogue, "version", None)),
        ("dimensions", dims.height),
        ("indicators", frame.height),
    ]
    return _block("fazhi Catalogue", facts, frame_html(table, rows=max(ROWS, table.height)))


def panel_html(panel: Any) -> str:
    """A panel: its size, coverage and rejected rows, then its first observations."""
    frame: pl.DataFrame = panel.frame
    summary: dict[str, Any] = dict(panel.summary()) if hasattr(panel, "summary") else {}
    rejected = getattr(panel, "rejected", None)
    facts: list[tuple[str, Any]] = [
        ("units", summary.get("units", frame["unit"].n_unique() if frame.height else 0)),
        ("years", _years(summary.get("years") or frame["year"].to_list())),
        ("observations", frame.height),
    ]
    if summary.get("coverage") is not None:
        facts.append(("coverage", f"{summary['coverage'] * 100:.1f}%"))
    if summary.get("qualified") is not None:
        facts.append(("qualified", summary["qualified"]))
    if isinstance(rejected, pl.DataFrame):
        facts.append(("rejected", f"{rejected.height} of {getattr(panel, 'input_rows', '?')} input rows"))
    if summary.get("catalogue_version"):
        facts.append(("catalogue", summary["catalogue_version"]))
    skipped = getattr(panel, "skipped", None)
    if isinstance(skipped, pl.DataFrame) and skipped.height:
        facts.append(("skipped (合计, 注)", skipped.height))
    table = frame_html(
        frame, ["unit", "year", "indicator", "text", "value", "lo", "hi", "qualifier", "source"]
    )
    if isinstance(rejected, pl.DataFrame) and rejected.height:
        table += (
            "<details><summary>first rejections</summary>"
            + frame_html(rejected, ["file", "row", "column", "text", "reason", "message"], rows=10)
            + "</details>"
        )
    return _block("fazhi Panel", facts, table)


def scores_html(scores: Any) -> str:
    """Scores: the settings that made them, how many units were ranked, then the latest year's
    ranking from the top."""
    comp: pl.DataFrame = scores.composite
    settings: dict[str, str] = dict(getattr(scores, "settings", {}) or {})
    ranked = comp.filter(pl.col("rank").is_not_null())
    latest = (
        int(ranked["year"].max()) if ranked.height else (int(comp["year"].max()) if comp.height else None)
    )
    facts: list[tuple[str, Any]] = [
        ("units", comp["unit"].n_unique() if comp.height else 0),
        ("years", _years(comp["year"].to_list())),
    ]
    if latest is not None:
        this = comp.filter(pl.col("year") == latest)
        facts.append((f"ranked in {latest}", f"{this['rank'].is_not_null().sum()} of {this.height}"))
    for key in ("normalise", "aggregate", "catalogue_version"):
        if settings.get(key):
            facts.append((key.replace("_", " "), settings[key]))
    excluded = getattr(scores, "excluded", None)
    if isinstance(excluded, pl.DataFrame):
        facts.append(("excluded", excluded.height))
    shown = (
        comp.filter(pl.col("year") == latest).sort("rank", "unit", nulls_last=True)
        if latest is not None
        else comp
    )
    table = frame_html(
        shown,
        ["rank", "unit", "name", "group", "year", "score", "rank_change", "coverage", "flags", "reason"],
    )
    return _block("fazhi Scores", facts, table)


def extraction_html(extraction: Any) -> str:
    """An extraction: which report, how many values were read and how many numbers were left
    unmapped, then the first values with their quotes."""
    values: pl.DataFrame = extraction.values
    unmatched = getattr(extraction, "unmatched", None)
    failures = getattr(extraction, "failures", None)
    facts: list[tuple[str, Any]] = [
        ("unit", getattr(extraction, "unit", None)),
        ("year", getattr(extraction, "year", None)),
        ("reports", getattr(extraction, "reports", None)),
        ("values", values.height),
    ]
    if isinstance(unmatched, pl.DataFrame):
        facts.append(("numbers not mapped", unmatched.height))
    if isinstance(failures, pl.DataFrame) and failures.height:
        facts.append(("unreadable files", failures.height))
    table = frame_html(
        values, ["unit", "year", "indicator", "text", "lo", "hi", "qualifier", "confidence", "quote"]
    )
    return _block("fazhi Extraction", facts, table)


def uncertainty_html(u: Any) -> str:
    """Rank uncertainty: the settings of the simulation, then the latest year's rank intervals."""
    ranks: pl.DataFrame = u.ranks
    settings: dict[str, str] = dict(getattr(u, "settings", {}) or {})
    latest = int(ranks["year"].max()) if ranks.height else None
    facts: list[tuple[str, Any]] = [
        ("units", ranks["unit"].n_unique() if ranks.height else 0),
        ("years", _years(ranks["year"].to_list())),
    ]
    facts += [(k, v) for k, v in sorted(settings.items())]
    shown = (
        ranks.filter(pl.col("year") == latest).sort("nominal_rank", "unit", nulls_last=True)
        if latest
        else ranks
    )
    if "rank_p05" in shown.columns and "rank_p95" in shown.columns:
        shown = shown.with_columns(interval_width=(pl.col("rank_p95").cast(pl.Int64) - pl.col("rank_p05")))
    table = frame_html(
        shown, ["unit", "year", "nominal_rank", "median_rank", "rank_p05", "rank_p95", "interval_width"]
    )
    return _block("fazhi rank uncertainty", facts, table)
