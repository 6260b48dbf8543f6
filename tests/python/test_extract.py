"""Reading the reports themselves through Python: the real seed report and synthetic reports."""

from __future__ import annotations

from pathlib import Path

import fazhi
import polars as pl


def test_seed_report_extracts_every_quantity(root: Path) -> None:
    report = root / "tests" / "data" / "reports" / "sikeshu_2023.txt"
    x = fazhi.extract(report)
    assert (x.unit, x.year) == ("四棵树镇", 2023)
    expected = pl.read_csv(root / "datasets" / "seed" / "sikeshu_2023.csv")
    got = x.values
    assert sorted(got["indicator"].to_list()) == sorted(expected["indicator"].to_list())
    # Every value's quote contains its number as written.
    assert all(t in q for t, q in zip(got["text"], got["quote"]))
    materials = got.filter(pl.col("indicator") == "PUB_MATERIALS").row(0, named=True)
    assert (materials["lo"], materials["hi"], materials["qualifier"]) == (1060, 1070, "at_least")
    # Slogans, dates and the repeated lecture count are listed, not mapped.
    assert {"二十大", "一规划两纲要", "3·15"} <= set(x.unmatched["text"])
    panel = x.to_panel()
    assert len(panel) == 26 and panel.rejected.height == 0


def test_text_and_folder_sources(root: Path) -> None:
    x = fazhi.extract_text("2024年度合成县合成甲镇法治政府建设工作报告\n累计发放法治宣传资料1060多份。")
    assert (x.unit, x.year, len(x)) == ("合成甲镇", 2024, 1)
    folder = fazhi.extract(root / "tests" / "data" / "reports", progress=False)
    assert folder.reports >= 4
    assert folder.unit is None
    assert folder.to_panel().rejected.height == 0
    assert "reports" in repr(folder)
