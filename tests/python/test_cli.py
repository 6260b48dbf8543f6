"""The fazhi command: score and extract, their files and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl


def _fazhi(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fazhi", *args], capture_output=True, text=True, cwd=cwd)


def test_score_writes_scorecards_and_prints_the_ranking(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    run = _fazhi(
        "score",
        str(demo / "panel.csv"),
        "--units",
        str(demo / "units.csv"),
        "--targets",
        str(demo / "targets.csv"),
        "--out",
        str(tmp_path),
        "--name",
        "county",
        "--data-note",
        "synthetic demo data",
        "--draws",
        "64",
        "--quiet",
    )
    assert run.returncode == 0, run.stderr
    assert "composite scores and ranks, 2024" in run.stdout
    assert "合成" in run.stdout
    assert (tmp_path / "county.xlsx").is_file() and (tmp_path / "county.html").is_file()
    html = (tmp_path / "county.html").read_text(encoding="utf-8")
    assert "synthetic demo data" in html
    assert "rank intervals from 64 of 64 draws" in run.stdout


def test_score_in_english_with_options(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    run = _fazhi(
        "score",
        str(demo / "panel.csv"),
        "--units",
        str(demo / "units.csv"),
        "--normalise",
        "goalposts",
        "--aggregate",
        "arithmetic,minimum",
        "--kinds",
        "outcome",
        "--lang",
        "en",
        "--out",
        str(tmp_path),
    )
    assert run.returncode == 0, run.stderr
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "scorecard.xlsx")
    assert book.sheetnames[0] == "Ranking" and "Methodology" in book.sheetnames


def test_score_errors_have_exit_code_2(tmp_path: Path) -> None:
    missing = _fazhi("score", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "fazhi:" in missing.stderr
    bad_option = _fazhi("score", str(tmp_path / "nope.csv"), "--lang", "fr")
    assert bad_option.returncode == 2


def test_score_with_nothing_ranked_exits_1(tmp_path: Path) -> None:
    # One synthetic township: min-max has nothing to compare, so no unit can be ranked.
    panel = tmp_path / "one.csv"
    pl.DataFrame(
        {"unit": ["合成孤镇"], "year": [2024], "indicator": ["PUB_MATERIALS"], "value": ["100"]}
    ).write_csv(panel)
    run = _fazhi("score", str(panel), "--out", str(tmp_path))
    assert run.returncode == 1
    assert "no unit could be ranked" in run.stderr


def test_extract_writes_a_panel(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    report = root / "tests" / "data" / "reports" / "sikeshu_2023.txt"
    run = _fazhi("extract", str(report), "--unit", "四棵树镇", "--year", "2023", "-o", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    frame = pl.read_csv(out)
    assert frame.height >= 20
    assert "1060多份" in frame["value"].to_list() or frame["value"].str.contains("1060").any()
