"""The HTML scorecard, rendered in Rust from the same view-model as the workbook: self-contained,
bilingual, escaped, printable, and with a stable structure. The data are the synthetic demo county.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import fazhi
import polars as pl
import pytest
from fazhi.report import render_html, write_html

SNAPSHOTS = Path(__file__).parent / "snapshots"
DEMO = Path(fazhi.datasets_dir()) / "demo"
YEAR = 2024


@pytest.fixture(scope="module")
def panel() -> fazhi.Panel:
    return fazhi.Panel.read(DEMO / "panel.csv", units=DEMO / "units.csv")


@pytest.fixture(scope="module")
def targets() -> fazhi.Targets:
    return fazhi.Targets.read(DEMO / "targets.csv")


@pytest.fixture(scope="module")
def scores(panel: fazhi.Panel) -> fazhi.Scores:
    # A coverage threshold of 90 % leaves the two townships with 88 % unranked.
    return panel.score(min_coverage=(2 / 3, 0.9))


@pytest.fixture(scope="module")
def full_html(panel: fazhi.Panel, scores: fazhi.Scores, targets: fazhi.Targets) -> str:
    return render_html(
        scores,
        panel=panel,
        gaps=panel.gaps(targets),
        progress=panel.progress(targets),
        diagnostics=panel.diagnostics(),
        uncertainty=panel.uncertainty(YEAR, draws=40, progress=False, min_coverage=(2 / 3, 0.9)),
        data_note="合成（虚构）数据，仅供演示",
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
    # Each township section starts a printed page; the ranking is on the first one.
    assert re.search(r"section\.unit[^{]*\{[^}]*break-before: page", full_html)


def test_html_names_every_township_in_chinese(full_html: str) -> None:
    units = pl.read_csv(DEMO / "units.csv")
    for name in units["name"]:
        assert f">{name}</h2>" in full_html
    labels = ("县域总览", "综合排名", "分维度得分", "各维度得分")
    labels += ("目标达标情况", "规划进度", "报告数据与原文", "方法说明")
    for label in labels:
        assert label in full_html
    assert '<html lang="zh-CN">' in full_html
    # Chinese names of dimensions and indicators, and a value as it was written.
    assert "普法宣传" in full_html and "发放法治宣传资料份数" in full_html
    assert "合成（虚构）数据" in full_html  # the data note, in its box at the top


def test_html_sections_and_ranking(full_html: str) -> None:
    parser = _parse(full_html)
    ids = [line.split("#", 1)[1] for line in parser.outline if line.startswith("section#")]
    assert ids[:2] == ["overview", "heatmap-section"] and ids[-3:] == ["progress", "methodology", "quality"]
    assert len(ids) == 5 + 14
    # The ranking lists the 12 ranked units in rank order; the unranked ones are listed apart.
    ranking = full_html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
    assert ranking.count("<tr>") == 1 + 12
    assert "合成卯乡" not in ranking and "合成丑乡" not in ranking
    assert "<h3>未排名</h3>" in full_html
    # With uncertainty, every ranked row has a rank-interval whisker, in whole ranks, and a legend.
    assert "名次区间" in ranking and ranking.count("<circle") == 12
    assert re.search(r"\d\.\d+–\d", ranking) is None
    assert "90%的名次落在此区间内" in full_html


def test_plan_progress_section(full_html: str) -> None:
    progress = full_html.split('<section id="progress">', 1)[1].split("</section>", 1)[0]
    # The demo's 2025 targets, for every township: the figure now, the target and the pace.
    assert "2025年目标" in progress and "按当前速度预计" in progress
    assert "项规划目标" in progress
    assert "2024年目标" not in progress


def test_figures_stand_beside_scores(full_html: str) -> None:
    # A strength or weakness reads with the reported figure and the county median behind it.
    assert re.search(r"：\d+\.\d分（[^）]*中位数[^）]*），第\d+名", full_html)


def test_html_structure_snapshot(full_html: str) -> None:
    _check_snapshot("report_structure_zh.txt", "\n".join(_parse(full_html).outline) + "\n")


def test_html_in_english(panel: fazhi.Panel, scores: fazhi.Scores) -> None:
    text = render_html(scores, panel=panel, lang="en", data_note="Demo only")
    assert '<html lang="en">' in text
    for label in ("County overview", "Composite ranking", "Dimension scores", "Methodology", "Data quality"):
        assert label in text
    assert "县域总览" not in text and "Public legal education" in text
    assert "Demo only" in text and "虚构" not in text
    # Without targets or uncertainty the report says so instead of failing.
    assert "No targets were given." in text and "Rank interval" not in text
    _parse(text)


def test_text_from_data_is_escaped(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "unit": ["<b>甲镇</b>", "<b>甲镇</b>", "乙镇", "乙镇", "丙镇", "丙镇", "丁镇", "丁镇"],
            "year": [2023] * 8,
            "indicator": ["PUB_MATERIALS", "DISP_DISPUTES_MEDIATED"] * 4,
            "value": ["1060多份", "90余件", "800份", "约50件", "900份", "60件", "700份", "40件"],
            "source": [
                "累计发放法治宣传资料1060多份<宣传>",
                "调解矛盾纠纷90余件",
                "发放800份",
                "调解约50件",
                "发放900份",
                "调解60件",
                "发放700份",
                "调解40件",
            ],
        }
    )
    small = fazhi.Panel(frame)
    assert small.rejected.height == 0
    text = render_html(small.score(), panel=small, title="A & B <i>", data_note="<u>note</u>")
    assert "<b>甲镇" not in text and "&lt;b&gt;甲镇&lt;" in text
    assert "<title>A &amp; B &lt;i&gt;</title>" in text
    assert "&lt;u&gt;note&lt;" in text and "<u>" not in text
    # Sources are quoted as written (and escaped); qualified values show their interval.
    assert "累计发放法治宣传资料1060多份&lt;宣传&gt;" in text
    assert "1060多份" in text and "[1060, 1070]" in text
    # Codes that are not ASCII get a stable fragment id, used by the table of contents too.
    ids = re.findall(r'<section class="unit" id="(u-[0-9A-Za-z_-]+)">', text)
    assert len(ids) == 4 and all(f'href="#{i}"' in text for i in ids)
    _parse(text)


def test_year_choice_sources_and_errors(panel: fazhi.Panel, scores: fazhi.Scores, tmp_path: Path) -> None:
    text = render_html(scores, panel=panel, year=2022)
    assert "2022年度" in text and "合成卯乡" in text
    with pytest.raises(fazhi.ArgumentError, match="year 1999 was not scored"):
        render_html(scores, year=1999)
    with pytest.raises(ValueError, match="lang"):
        render_html(scores, lang="fr")
    out = write_html(tmp_path / "card.html", scores, title="县域评估")
    assert out == tmp_path / "card.html"
    assert "<title>县域评估</title>" in out.read_text(encoding="utf-8")
    # sources=False leaves the table of reported values out, for a shorter print.
    short = render_html(scores, panel=panel, sources=False)
    assert "报告数据与原文" not in short and len(short) < len(render_html(scores, panel=panel)) / 2


def test_workbook_and_page_share_one_model(
    panel: fazhi.Panel, scores: fazhi.Scores, targets: fazhi.Targets, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    gaps = panel.gaps(targets)
    page = render_html(scores, panel=panel, gaps=gaps)
    book = openpyxl.load_workbook(scores.to_excel(tmp_path / "card.xlsx", panel=panel, gaps=gaps))
    ranking = book["排名"]
    # The same township leads both, with the same score to one decimal.
    first = [c.value for c in ranking[6]]
    assert first[0] == 1
    assert f">{first[1]}</a></td>\n<td class=\"num\">{first[4]:.1f}</td>" in page
    # The ranking sheet prints on one A4 page, its header row repeated.
    assert int(ranking.page_setup.paperSize) == int(ranking.PAPERSIZE_A4)
    assert ranking.sheet_properties.pageSetUpPr.fitToPage
    assert ranking.print_title_rows == "$5:$5"
