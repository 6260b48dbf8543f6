"""fazhi.plot returns valid Vega-Lite specifications (Altair validates them in to_dict) with the data
the chart claims to show, and Chinese fonts first."""

from __future__ import annotations

import builtins
from typing import Any

import fazhi
import polars as pl
import pytest
from scores_fake import FakeScores, demo_panel, demo_targets, fake_scores, fake_uncertainty, with_unranked

alt = pytest.importorskip("altair")
from fazhi import plot  # noqa: E402


@pytest.fixture(scope="module")
def panel() -> fazhi.Panel:
    return demo_panel()


@pytest.fixture(scope="module")
def scores(panel: fazhi.Panel) -> FakeScores:
    return with_unranked(fake_scores(panel), "SYN14", 2024)


def _values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline rows of a spec, wherever Altair put them (inline or in top-level datasets)."""
    rows: list[dict[str, Any]] = []
    for dataset in spec.get("datasets", {}).values():
        rows.extend(dataset)
    for part in [spec, *spec.get("layer", [])]:
        rows.extend(part.get("data", {}).get("values", []))
    return rows


def _fonts(spec: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in {"font", "labelFont", "titleFont"} and isinstance(value, str):
                found.add(value)
            found |= _fonts(value)
    elif isinstance(spec, list):
        for item in spec:
            found |= _fonts(item)
    return found


def test_ranks_bars_in_rank_order(scores: FakeScores) -> None:
    chart = plot.ranks(scores)
    assert isinstance(chart, alt.Chart)
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "bar" if isinstance(spec["mark"], dict) else spec["mark"] == "bar"
    rows = _values(spec)
    assert len(rows) == 13  # SYN14 is not ranked in 2024
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert spec["encoding"]["y"]["sort"][0] == rows[0]["label"]
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert "2024年综合得分与排名" == spec["title"]["text"]
    assert _fonts(spec) == {plot.FONT}
    assert "Noto Sans CJK SC" in plot.FONT and "Microsoft YaHei" in plot.FONT and "PingFang SC" in plot.FONT


def test_ranks_with_uncertainty_draws_intervals(scores: FakeScores) -> None:
    chart = plot.ranks(scores, year=2024, uncertainty=fake_uncertainty(scores))
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "point", "tick"]
    assert spec["layer"][0]["encoding"]["x2"]["field"] == "rank_p95"
    rows = _values(spec)
    assert all(r["rank_p05"] <= r["rank"] <= r["rank_p95"] for r in rows)


def test_heatmap_cells_match_dimension_scores(scores: FakeScores) -> None:
    spec = plot.heatmap(scores, 2023).to_dict()
    rows = _values(spec)
    expected = scores.dimensions.filter(pl.col("year") == 2023, pl.col("score").is_not_null())
    assert len(rows) == expected.height
    assert {r["dimension_name"] for r in rows} >= {"普法宣传", "法治乡村"}
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 100]
    assert spec["layer"][1]["mark"]["font"] == plot.FONT


def test_gaps_for_one_unit_and_for_all(panel: fazhi.Panel) -> None:
    frame = panel.gaps(demo_targets())
    one = plot.gaps(frame, "SYN13", year=2024).to_dict()
    rows = [r for r in _values(one) if "indicator" in r]
    expected = frame.filter(pl.col("unit") == "SYN13", pl.col("year") == 2024)
    assert len(rows) == expected.height
    # methodology §4: SYN13 reported 10 petitions against "at most 3", 完成率 3 / 10.
    petitions = next(r for r in rows if r["indicator_name"] == "越级上访件数")
    assert (petitions["status"], petitions["achievement"]) == ("missed", pytest.approx(0.3))
    assert [layer["mark"]["type"] for layer in one["layer"]] == ["bar", "rule", "text"]
    every = plot.gaps(frame).to_dict()
    counts = [r for r in _values(every) if "count" in r]
    assert sum(r["count"] for r in counts) == frame.filter(pl.col("year") == 2024).height
    with pytest.raises(ValueError, match="NOPE"):
        plot.gaps(frame, "NOPE")


def test_trend_keeps_intervals_and_text(panel: fazhi.Panel) -> None:
    spec = plot.trend(panel, ["SYN01", "SYN02"], "发放法治宣传资料份数").to_dict()
    rows = _values(spec)
    expected = panel.frame.filter(
        pl.col("indicator") == "PUB_MATERIALS", pl.col("unit").is_in(["SYN01", "SYN02"])
    )
    assert len(rows) == expected.height
    assert all(r["low"] <= r["value"] <= r["high"] for r in rows)
    assert {r["text"] for r in rows} == set(expected["text"])
    assert spec["title"]["text"] == "发放法治宣传资料份数"
    with pytest.raises(ValueError, match="unknown indicator"):
        plot.trend(panel, "SYN01", "没有这个指标")
    with pytest.raises(ValueError, match="no observations"):
        plot.trend(panel, "NOPE", "PUB_MATERIALS")


def test_english_labels(scores: FakeScores) -> None:
    spec = plot.heatmap(scores, lang="en").to_dict()
    assert spec["title"]["text"] == "Dimension scores, 2024"
    assert "Public legal education" in {r["dimension_name"] for r in _values(spec)}
    with pytest.raises(ValueError, match="lang"):
        plot.ranks(scores, lang="fr")


def test_missing_altair_says_how_to_install(monkeypatch: pytest.MonkeyPatch, scores: FakeScores) -> None:
    real_import = builtins.__import__

    def no_altair(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "altair" or name.startswith("altair."):
            raise ImportError("No module named 'altair'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_altair)
    with pytest.raises(ImportError, match=r"pip install 'fazhi\[plot\]'"):
        plot.ranks(scores)
