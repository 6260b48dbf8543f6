"""Rank intervals and sensitivity through Python, on the synthetic demo county."""

from __future__ import annotations

from pathlib import Path

import fazhi
import polars as pl
import pytest


@pytest.fixture(scope="module")
def demo() -> fazhi.Panel:
    d = fazhi.datasets_dir() / "demo"
    return fazhi.Panel.read(d / "panel.csv", units=d / "units.csv")


def test_rank_intervals(demo: fazhi.Panel) -> None:
    seen: list[tuple[int, int]] = []
    u = demo.uncertainty(2024, draws=128, seed=7, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (128, 128) and len(seen) == 2  # one call per chunk of 64 draws
    r = u.ranks
    assert r.height == 14
    assert {"nominal_rank", "median_rank", "rank_p05", "rank_p95", "p_rank_le_1", "score_median"} <= set(
        r.columns
    )
    ranked = r.filter(pl.col("nominal_rank").is_not_null())
    assert (ranked["rank_p05"] <= ranked["rank_p95"]).all()
    assert ranked["p_rank_le_3"].is_between(0, 1).all()
    # The nominal ranks are those of panel.score().
    nominal = demo.score(years=2024).composite.select("unit", "rank")
    joined = ranked.join(nominal, on="unit")
    assert (joined["nominal_rank"] == joined["rank"]).all()
    # Same seed, same numbers; the draws frame records each draw's choices.
    again = demo.uncertainty(2024, draws=128, seed=7, progress=False)
    assert again.ranks.equals(r)
    assert u.draws.height == 128 and u.completed == 128
    pairs = u.pairs(["SYN01", "SYN02"])
    assert pairs["p_a_above_b"].sum() == pytest.approx(1.0)


def test_zero_spread_equals_nominal(demo: fazhi.Panel) -> None:
    u = demo.uncertainty(2024, draws=16, weights_spread=0.0, intervals=False, progress=False)
    r = u.ranks.filter(pl.col("nominal_rank").is_not_null())
    assert (r["rank_p05"] == r["nominal_rank"]).all() and (r["rank_p95"] == r["nominal_rank"]).all()


def test_skipped_draws_are_counted(demo: fazhi.Panel) -> None:
    u = demo.uncertainty(2024, draws=64, aggregate=["arithmetic", "geometric"], progress=False)
    skipped = u.skipped
    assert skipped["draws"].sum() + u.completed == 64
    assert skipped.height >= 1 and "geometric" in skipped["reason"][0]


def test_options_and_errors(demo: fazhi.Panel) -> None:
    u = demo.uncertainty(
        2024,
        draws=8,
        normalise=["minmax", "rank"],
        impute=[None, ("carry_forward", 1)],
        scope="group",
        progress=False,
    )
    assert set(u.draws["normalise"].unique()) <= {"minmax", "rank"}
    assert u.settings["score"]["scope"] == "group"
    with pytest.raises(fazhi.ArgumentError, match="unknown scoring option"):
        demo.uncertainty(2024, draws=4, bogus=1, progress=False)
    with pytest.raises(fazhi.ArgumentError, match="weights_spread"):
        demo.uncertainty(2024, draws=4, weights_spread=1.5, progress=False)


def test_sensitivity(demo: fazhi.Panel) -> None:
    s = demo.sensitivity(2024, base=32, bootstrap=20, normalise=["minmax", "rank"])
    assert s["input"].to_list() == ["weights", "intervals", "normalise"]
    assert (s["total_lo"] <= s["total_hi"]).all()


def test_excel_with_rank_intervals(demo: fazhi.Panel, tmp_path: Path) -> None:
    import openpyxl

    scores = demo.score()
    u = demo.uncertainty(2024, draws=32, progress=False)
    path = scores.to_excel(tmp_path / "card.xlsx", uncertainty=u, data_note="synthetic")
    book = openpyxl.load_workbook(path)
    sheet = book["排名"]
    header = [c.value for c in sheet[5]]
    assert "名次区间（5%–95%）" in header
    interval = sheet.cell(row=6, column=header.index("名次区间（5%–95%）") + 1).value
    assert interval and "." not in interval  # whole ranks: "1–4" or "3"
