"""The HTML scorecard: self-contained, bilingual, escaped, and with a stable structure.

Until the Rust scoring engine is in the build, the scores come from `scores_fake` (plain polars over
the synthetic demo county, same properties and column types as `panel.score()`). The last test runs
on the real engine as soon as `Panel.score` exists.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import fazhi
import polars as pl
import pytest
from fazhi.report import LABELS, render_html, write_html
from scores_fake import FakeScores, demo_panel, demo_targets, fake_scores, fake_uncertainty, with_unranked

SNAPSHOTS = Path(__file__).parent / "snapshots"
YEAR = 2024


@pytest.fixture(scope="module")
def panel() -> fazhi.Panel:
    return demo_panel()


@pytest.fixture(scope="module")
def scores(panel: fazhi.Panel) -> FakeScores:
    return with_unranked(fake_scores(panel), "SYN14", YEAR)


@pytest.fixture(scope="module")
def full_html(panel: fazhi.Panel, scores: FakeScores) -> str:
    return render_html(
        scores,
        panel=panel,
        gaps=panel.gaps(demo_targets()),
        uncertainty=fake_uncertainty(scores),
    )


class _Structure(HTMLParser):
    """Collects section ids and headings, and checks that every non-void tag is closed in order."""

    VOID = {"meta", "br", "img", "hr", "input", "link", "col", "rect", "line", "circle", "path"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.outline: list[str] = []
        self._heading: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.outline.append(f"section#{dict(attrs).get('id')}")
        if tag in {"h1", "h2", "h3"}:
            self._heading, self._text = tag, []
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.outline.append(f"  {tag} {''.join(self._text).strip()}")
            self._heading = None
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._text.append(data)


def _parse(text: str) -> _Structure:
    parser = _Structure()
    parser.feed(text)
    parser.close()
    assert parser.errors == []
    assert parser.stack == ["html"] or parser.stack == []
    return parser


def _check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("FAZHI_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("FAZHI_UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"snapshot {path} did not exist and was written; check it and run again")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; FAZHI_UPDATE_SNAPSHOTS=1 rewrites it"


def test_html_is_self_contained(full_html: str) -> None:
    assert full_html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in full_html
    lowered = full_html.lower()
    # Nothing fetched from anywhere: no remote src/href, no scripts, no stylesheets, no @import.
    assert re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", lowered) is None
    assert "<script" not in lowered
    assert "<link" not in lowered
    assert "@import" not in lowered
    assert "url(" not in lowered
    assert "<style>" in lowered and "@media print" in lowered
    # Each township section starts a printed page.
    assert re.search(r"section\.unit[^{]*\{[^}]*break-before: page", full_html)


def test_html_names_every_township_in_chinese(full_html: str) -> None:
    units = pl.read_csv(Path(fazhi.datasets_dir()) / "demo" / "units.csv")
    for name in units["name"]:
        assert f">{name}</h2>" in full_html
    for label in (
        "县域总览",
        "综合排名",
        "分维度得分",
        "各维度得分",
        "未完成目标",
        "报告数据与原文",
        "方法说明",
    ):
        assert label in full_html
    assert '<html lang="zh-CN">' in full_html
    # Chinese names of dimensions and indicators, and a value as it was written.
    assert "普法宣传" in full_html and "发放法治宣传资料份数" in full_html
    assert "合成（虚构）数据" in full_html  # the fake's settings say data = synthetic


def test_html_sections_and_ranking(full_html: str) -> None:
    parser = _parse(full_html)
    ids = [line.split("#", 1)[1] for line in parser.outline if line.startswith("section#")]
    assert ids[0] == "overview" and ids[-2:] == ["methodology", "quality"]
    assert len(ids) == 3 + 14
    # The ranking lists the 13 ranked units in rank order; the unranked one is listed apart.
    ranking = full_html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
    assert ranking.count("<tr>") == 1 + 13
    assert "合成卯乡" not in ranking
    assert "未参与排名" in full_html and "coverage 0.62 below 0.8" in full_html
    # With uncertainty, every ranked row has a rank-interval whisker.
    assert "名次区间" in ranking and ranking.count("<circle") == 13


def test_html_structure_snapshot(full_html: str) -> None:
    _check_snapshot("report_structure_zh.txt", "\n".join(_parse(full_html).outline) + "\n")


def test_html_in_english(panel: fazhi.Panel, scores: FakeScores) -> None:
    text = render_html(scores, panel=panel, lang="en", data_note="Demo only")
    assert '<html lang="en">' in text
    for label in ("County overview", "Composite ranking", "Dimension scores", "Methodology", "Data quality"):
        assert label in text
    assert "县域总览" not in text and "Public legal education" in text
    assert "Demo only" in text and "虚构" not in text
    # Without targets or uncertainty the report says so instead of failing.
    assert "No targets were given." in text and "Rank interval" not in text
    _parse(text)


def test_text_from_data_is_escaped(panel: fazhi.Panel, scores: FakeScores) -> None:
    hostile = "<b>合成甲镇</b>"
    composite = scores.composite.with_columns(
        name=pl.when(pl.col("unit") == "SYN01").then(pl.lit(hostile)).otherwise(pl.col("name"))
    )
    tampered = FakeScores(
        composite,
        scores.dimensions,
        scores.contributions,
        scores.excluded,
        scores.weights,
        {**scores.settings, "note": '"><script>alert(1)</script>'},
        scores.catalogue,
    )
    text = render_html(tampered, panel=panel, title="A & B <i>", data_note="<u>note</u>")
    assert "<b>合成甲镇" not in text
    assert "&lt;b&gt;合成甲镇&lt;/b&gt;" in text
    assert "<script" not in text and "&lt;script&gt;" in text
    assert "<title>A &amp; B &lt;i&gt;</title>" in text
    assert "&lt;u&gt;note&lt;/u&gt;" in text
    _parse(text)


def test_sources_are_quoted_and_escaped() -> None:
    frame = pl.DataFrame(
        {
            "unit": ["甲镇", "甲镇", "乙镇", "乙镇"],
            "year": [2023, 2023, 2023, 2023],
            "indicator": [
                "PUB_MATERIALS",
                "DISP_DISPUTES_MEDIATED",
                "PUB_MATERIALS",
                "DISP_DISPUTES_MEDIATED",
            ],
            "value": ["1060多份", "90余件", "800份", "约50件"],
            "source": ["累计发放法治宣传资料1060多份<宣传>", "调解矛盾纠纷90余件", "发放800份", "调解约50件"],
        }
    )
    small = fazhi.Panel(frame)
    assert small.rejected.height == 0
    units = pl.DataFrame({"code": ["甲镇", "乙镇"], "name": ["甲镇", "乙镇"], "county": ["某县", "某县"]})
    text = render_html(fake_scores(small, units), panel=small)
    assert "累计发放法治宣传资料1060多份&lt;宣传&gt;" in text
    assert "1060多份" in text and "[1,060, 1,070]" in text and "不少于" in text
    # Codes that are not ASCII get a stable fragment id, used by the table of contents too.
    ids = re.findall(r'<section class="unit" id="(unit-[0-9a-f]{10})">', text)
    assert len(ids) == 2 and all(f'href="#{i}"' in text for i in ids)


def test_year_choice_and_errors(panel: fazhi.Panel, scores: FakeScores, tmp_path: Path) -> None:
    text = render_html(scores, panel=panel, year=2022)
    assert "2022年度" in text and "合成卯乡" in text
    with pytest.raises(ValueError, match="no rows for 1999"):
        render_html(scores, year=1999)
    with pytest.raises(ValueError, match="lang"):
        render_html(scores, lang="fr")
    out = write_html(tmp_path / "card.html", scores, title="县域评估")
    assert out == tmp_path / "card.html"
    assert "<title>县域评估</title>" in out.read_text(encoding="utf-8")


def test_labels_exist_in_both_languages() -> None:
    assert set(LABELS["zh"]) == set(LABELS["en"])


@pytest.mark.skipif(
    not hasattr(fazhi.Panel, "score"), reason="Panel.score (the scoring engine) is not built yet"
)
def test_real_scores_render(panel: fazhi.Panel) -> None:
    scores = panel.score()  # type: ignore[attr-defined]
    text = render_html(scores, panel=panel, gaps=panel.gaps(demo_targets()))
    parser = _parse(text)
    assert "section#overview" in parser.outline and "section#quality" in parser.outline
    assert "合成甲镇" in text
