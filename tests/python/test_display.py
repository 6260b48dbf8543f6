"""fazhi._display: the HTML that Jupyter shows for panels, scores, extractions and rank uncertainty."""

from __future__ import annotations

import re
from pathlib import Path

import fazhi
import polars as pl
from fazhi import _display
from scores_fake import FakeScores, FakeUncertainty, demo_panel, fake_scores, fake_uncertainty, with_unranked


def _body_rows(text: str) -> list[str]:
    body = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body)


def _first_cells(text: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row)[0]) for row in _body_rows(text)]


def test_panel_html_header_and_first_rows() -> None:
    panel = demo_panel()
    text = _display.panel_html(panel)
    assert text.startswith('<div class="fazhi">') and text.endswith("</div>")
    assert "units <b>14</b>" in text and "years <b>2020–2024</b>" in text and "coverage <b>93.8%</b>" in text
    assert "rejected <b>0 of 5255 input rows</b>" in text
    rows = _body_rows(text)
    assert len(rows) == _display.ROWS
    assert _first_cells(text) == panel.frame["unit"].head(_display.ROWS).to_list()
    assert f"… {panel.frame.height - _display.ROWS} more of {panel.frame.height} rows" in text


def test_scores_html_shows_latest_ranking_from_the_top() -> None:
    scores = with_unranked(fake_scores(), "SYN14", 2024)
    text = _display.scores_html(scores)
    assert "ranked in 2024 <b>13 of 14</b>" in text and "normalise <b>minmax</b>" in text
    top = scores.composite.filter(pl.col("year") == 2024).sort("rank", nulls_last=True)
    assert _first_cells(text) == [str(r) for r in top["rank"].head(_display.ROWS)]
    assert "合成庚乡" in text


def test_extraction_html_has_values_and_quotes(root: Path) -> None:
    x = fazhi.extract(root / "datasets" / "seed" / "sikeshu_2023.txt", progress=False)
    text = _display.extraction_html(x)
    assert "unit <b>四棵树镇</b>" in text and "values <b>26</b>" in text and "numbers not mapped" in text
    assert len(_body_rows(text)) == _display.ROWS
    assert _first_cells(text) == ["四棵树镇"] * _display.ROWS
    first = x.values.row(0, named=True)
    assert f">{first['text']}<" in text and first["quote"][:20] in text


def test_uncertainty_html_intervals() -> None:
    u = fake_uncertainty(fake_scores())
    text = _display.uncertainty_html(u)
    assert "draws <b>200</b>" in text and "interval_width" in text
    assert len(_body_rows(text)) == _display.ROWS


def test_display_escapes_and_truncates() -> None:
    scores = fake_scores()
    hostile = scores.composite.with_columns(
        name=pl.when(pl.col("unit") == "SYN07")
        .then(pl.lit("<script>x</script>" + "长" * 80))
        .otherwise("name")
    )
    tampered = FakeScores(
        hostile,
        scores.dimensions,
        scores.contributions,
        scores.excluded,
        scores.weights,
        {"normalise": "<i>minmax</i>"},
        scores.catalogue,
    )
    text = _display.scores_html(tampered)
    assert "<script>" not in text and "&lt;script&gt;" in text and "&lt;i&gt;minmax&lt;/i&gt;" in text
    assert "…" in text  # the long name is cut, with the full text in the title attribute
    empty = FakeUncertainty(
        pl.DataFrame(schema={"unit": pl.String, "year": pl.Int32, "nominal_rank": pl.UInt32})
    )
    assert "units <b>0</b>" in _display.uncertainty_html(empty)
