"""County scorecards: one self-contained HTML page (and the Excel workbook, ``scores.to_excel``).

Both are built in Rust from one view-model (``fazhi::report`` in the crate), so they say the
same thing in the same words; this module is the Python door to the HTML page. The page needs no
network, no CDN and no JavaScript: the CSS is inline and every chart is inline SVG. It prints on
A4: the ranking on one page, then a page per township, the plan progress, the method and the data
quality. Every piece of text that comes from data is escaped.

Examples
--------
>>> from fazhi.report import write_html  # doctest: +SKIP
>>> write_html("scorecard.html", panel.score(), panel=panel, gaps=panel.gaps(targets))  # doctest: +SKIP
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["render_html", "write_html"]


def _scores(scores: Any) -> Any:
    if not hasattr(scores, "render_html"):
        raise TypeError(f"scores must be the result of panel.score(), got {type(scores).__name__}")
    return scores


def write_html(path: str | PathLike[str], scores: Any, **options: Any) -> Path:
    """Write the county scorecard for one year to ``path`` as one self-contained HTML file.

    The same as ``scores.to_html(path, **options)``; see :func:`render_html` for the options.
    Returns the path written (UTF-8); missing parent folders are created.
    """
    if not isinstance(path, (str, PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    return Path(_scores(scores).to_html(path, **options))


def render_html(scores: Any, **options: Any) -> str:
    """The county scorecard for one year as an HTML string: ``scores.render_html(**options)``.

    Options (all keyword, all optional): ``year`` (default: the latest year with a ranked unit),
    ``panel`` (each township's reported values with their quoted sentences, and the intake
    counts), ``gaps`` (``panel.gaps(targets)``), ``changes`` (``panel.changes()``), ``progress``
    (``panel.progress(targets)``: the 规划进度 section, targets of later years), ``diagnostics``
    (``panel.diagnostics()``), ``uncertainty`` (``panel.uncertainty(...)`` or its ``ranks``: rank
    intervals), ``lang`` (``"zh"`` or ``"en"``), ``title``, ``data_note`` (a line in a box at the
    top; by default from the scores' ``data`` setting) and ``sources`` (False leaves out the table
    of reported values and source sentences, for a shorter print).
    """
    return str(_scores(scores).render_html(**options))
