"""Reading the reports themselves through Python: the real seed report and synthetic reports."""

from __future__ import annotations

from pathlib import Path

import fazhi
import polars as pl


def test_seed_report_extracts_every_quantity(root: Path) -> None:
    report = root / "datasets" / "seed" / "sikeshu_2023.txt"
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


def test_text_and_folder_sources(root: Path, tmp_path: Path) -> None:
    import shutil

    x = fazhi.extract_text("2024年度合成县合成甲镇法治政府建设工作报告\n累计发放法治宣传资料1060多份。")
    assert (x.unit, x.year, len(x)) == ("合成甲镇", 2024, 1)
    for f in (root / "tests" / "data" / "reports").glob("*.*"):
        if f.suffix in {".txt", ".html"}:
            shutil.copy(f, tmp_path / f.name)
    folder = fazhi.extract(tmp_path, progress=False)
    assert folder.reports >= 4
    assert folder.unit is None
    assert folder.to_panel().rejected.height == 0
    assert "reports" in repr(folder)


def test_a_path_that_does_not_exist_is_an_error_not_text(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(fazhi.ArgumentError, match="no such file"):
        fazhi.extract(tmp_path / "missing_report.txt")
    with pytest.raises(fazhi.ArgumentError, match="extract_text"):
        fazhi.extract("2024年度合成县合成甲镇法治政府建设工作报告\n累计发放法治宣传资料1060多份。")


def test_lexicon_maps_other_phrasings_and_says_what_matched() -> None:
    x = fazhi.extract_text("排查各类矛盾纠纷210起，成功化解198起。覆盖群众3万余人次。")
    v = {r["indicator"]: r for r in x.values.to_dicts()}
    assert v["DISP_DISPUTES_SCREENED"]["value"] == "210起"
    assert v["DISP_DISPUTES_MEDIATED"]["value"] == "198起"
    assert (v["PUB_REACH"]["lo"], v["PUB_REACH"]["hi"]) == (30000, 40000)
    assert all(r["rule"] == "lexicon" and r["matched"] for r in v.values())
    off = fazhi.extract_text("覆盖群众3万余人次。", use_lexicon=False)
    assert off.values.height == 0 and off.unmatched["reason"].to_list() == ["no_rule"]


def test_accept_a_candidate_and_learn_a_rule(tmp_path: Path) -> None:
    import pytest

    text = "合成样镇2023年法治政府建设工作报告\n组织志愿者走村入户开展敲门行动41次。"
    x = fazhi.extract_text(text)
    row = x.unmatched.filter(pl.col("text") == "41次").row(0, named=True)
    assert row["lead"].endswith("敲门行动")
    y = x.accept(row["start"], "PUB_LECTURES")
    assert len(x) == 0 and len(y) == 1  # the original is left as it was
    assert y.values.row(0, named=True)["rule"] == "accepted"
    with pytest.raises(fazhi.InputError, match="no unmatched number"):
        y.accept(row["start"], "PUB_LECTURES")
    rules = tmp_path / "accepted.toml"
    rules.write_text(y.accepted_rules(), encoding="utf-8")
    nxt = fazhi.extract_text(
        "合成样镇2024年法治政府建设工作报告\n组织志愿者走村入户开展敲门行动52次。", rules=rules
    )
    assert nxt.values.select("indicator", "value").rows() == [("PUB_LECTURES", "52次")]


def test_extraction_quality_on_the_synthetic_set(root: Path) -> None:
    """The quality script's numbers, as a guard: precision first."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "extraction_quality", root / "benches" / "python" / "extraction_quality.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the file runs
    spec.loader.exec_module(mod)
    r = mod.evaluate(root / "tests" / "data" / "reports" / "synthetic", False, None)
    assert r["files"] >= 40
    assert r["precision"] >= 0.99, r
    assert r["recall"] >= 0.85, r
    assert r["distractors_mapped"] == 0


def test_unit_and_year_fill_in_the_title_and_replace_it_only_when_forced() -> None:
    text = "合成甲镇2022年法治政府建设工作报告\n累计发放法治宣传资料1200份。"
    x = fazhi.extract_text(text, unit="合成丙镇", year=2024)
    assert (x.unit, x.year) == ("合成甲镇", 2022)
    x = fazhi.extract_text(text, unit="合成丙镇", year=2024, force_year=True)
    assert (x.unit, x.year) == ("合成甲镇", 2024)
    row = x.titles.row(0, named=True)
    stated = (row["stated_unit"], row["stated_year"], row["unit"], row["year"])
    assert stated == ("合成甲镇", 2022, "合成甲镇", 2024)
    x = fazhi.extract_text("累计发放法治宣传资料1200份。", unit="合成丙镇", year=2024)
    assert (x.unit, x.year) == ("合成丙镇", 2024)
