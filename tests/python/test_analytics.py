"""Change, gaps, progress and diagnostics through Python, on hand-computed values and the demo."""

from __future__ import annotations

from pathlib import Path

import fazhi
import polars as pl
import pytest


def _panel(rows: list[tuple[str, int, str, str]]) -> fazhi.Panel:
    frame = pl.DataFrame(rows, schema=["unit", "year", "indicator", "value"], orient="row")
    panel = fazhi.Panel(frame)
    assert panel.rejected.height == 0
    return panel


def test_changes_hand_computed() -> None:
    p = _panel(
        [
            ("A", 2022, "PUB_MATERIALS", "800"),
            ("A", 2023, "PUB_MATERIALS", "1060多"),
            ("A", 2022, "SUPV_ADMIN_LITIGATION", "4"),
            ("A", 2023, "SUPV_ADMIN_LITIGATION", "2"),
        ]
    )
    c = p.changes()
    row = c.filter((pl.col("indicator") == "PUB_MATERIALS") & (pl.col("year") == 2023)).row(0, named=True)
    # 1060 − 800 = 260; interval [1060 − 800, 1070 − 800] = [260, 270]; rel 260 / 800 = 0.325
    assert (row["abs_change"], row["abs_change_lo"], row["abs_change_hi"]) == (260, 260, 270)
    assert row["rel_change"] == pytest.approx(0.325)
    assert (row["status"], row["certain"], row["qualified"]) == ("improved", True, True)
    lower = c.filter((pl.col("indicator") == "SUPV_ADMIN_LITIGATION") & (pl.col("year") == 2023)).row(
        0, named=True
    )
    assert (lower["abs_change"], lower["status"]) == (-2, "improved")
    assert c.filter(pl.col("year") == 2022)["status"].unique().to_list() == ["no_baseline"]
    assert p.changes(year=2023).height == 2
    assert p.changes(unit=["A"], year=[2022]).height == 2


def test_gaps_and_progress_on_the_demo_county(root: Path) -> None:
    demo = root / "datasets" / "demo"
    panel = fazhi.Panel.read(demo / "panel.csv", units=demo / "units.csv")
    targets = fazhi.Targets.read(demo / "targets.csv")
    g = panel.gaps(targets)
    assert {"met", "missed", "no_data"} == set(g["status"].unique())
    assert (g.filter(pl.col("status") != "no_data")["gap"] >= 0).all()
    assert (g.filter(pl.col("met"))["gap"] == 0).all()
    # The documented no_data target: SYN10 never reports PUB_NEW_MEDIA_POSTS.
    nd = g.filter((pl.col("unit") == "SYN10") & (pl.col("indicator") == "PUB_NEW_MEDIA_POSTS"))
    assert nd["status"].to_list() == ["no_data"]
    # Paths work as well as objects; filters apply.
    assert panel.gaps(demo / "targets.csv", unit="SYN01").height == g.filter(pl.col("unit") == "SYN01").height
    capped = panel.gaps(targets, cap=1.0)
    assert capped["achievement"].max() <= 1.0
    pr = panel.progress(targets)
    compound = pr.filter(pl.col("method_used") == "compound")
    assert set(compound["category"].unique()) <= {
        "substantial_progress",
        "moderate_progress",
        "limited_progress",
        "moving_away",
        "achieved",
        "maintaining",
    }
    # Zero baselines fall back to the linear preset, and the row says so.
    fallback = pr.filter(pl.col("method_used").str.starts_with("linear"))
    assert set(fallback["category"].unique()) <= {
        "on_track",
        "moderately_improving",
        "stagnating",
        "decreasing",
        "achieved",
        "maintaining",
    }
    assert pr.filter(pl.col("method_used").is_null())["category"].unique().to_list() in (
        [],
        ["insufficient_data"],
    )
    lin = panel.progress(targets, method="linear")
    assert (
        "on_track" in set(lin["category"])
        or "stagnating" in set(lin["category"])
        or "decreasing" in set(lin["category"])
    )
    growth = panel.progress()
    assert "substantial_growth" in set(growth["category"])
    custom = panel.progress(thresholds={"growth": [0.5, 0.2, 0.0]})
    assert (
        custom.filter(pl.col("category") == "substantial_growth").height
        < growth.filter(pl.col("category") == "substantial_growth").height
    )


def test_diagnostics_find_planted_and_real_problems(root: Path) -> None:
    demo = fazhi.Panel.read(root / "datasets" / "demo" / "panel.csv")
    d = demo.diagnostics()
    mism = d.filter(pl.col("check") == "rate_mismatch").select("unit", "year").rows()
    assert mism == [("SYN03", 2022), ("SYN11", 2024)]
    seed = fazhi.Panel.read(root / "datasets" / "seed" / "sikeshu_2023.csv")
    flags = seed.diagnostics()
    assert "ratio_above_100" in flags["check"].to_list()  # 2 certified, 1 office staff
    assert "claim_100" in flags["check"].to_list()  # 参考率及格率均为100%


def test_bad_arguments_raise_typed_errors() -> None:
    p = _panel([("A", 2023, "PUB_MATERIALS", "1")])
    with pytest.raises(fazhi.ArgumentError, match="max_gap"):
        p.changes(max_gap=0)
    with pytest.raises(fazhi.ArgumentError, match="inverse"):
        p.gaps(
            fazhi.Targets(
                pl.DataFrame(
                    {
                        "unit": ["A"],
                        "indicator": ["PUB_MATERIALS"],
                        "year": [2023],
                        "comparator": ["at_least"],
                        "target": [1.0],
                    }
                )
            ),
            inverse="other",
        )
    with pytest.raises(fazhi.ArgumentError, match="not in the panel"):
        p.changes(unit="nobody")
    with pytest.raises(fazhi.ArgumentError, match="unit table"):
        p.gaps(
            fazhi.Targets(
                pl.DataFrame(
                    {
                        "county": ["X"],
                        "indicator": ["PUB_MATERIALS"],
                        "year": [2023],
                        "comparator": ["at_least"],
                        "target": [1.0],
                    }
                )
            )
        )
    with pytest.raises(fazhi.ArgumentError, match="thresholds"):
        p.progress(thresholds={"nope": [1, 2, 3]})


def test_analytics_frames_carry_the_indicator_names(root: Path) -> None:
    data = root / "datasets" / "demo"
    demo = fazhi.Panel.read(data / "panel.csv", units=data / "units.csv")
    targets = fazhi.Targets.read(data / "targets.csv")
    names = dict(fazhi.Catalogue.default().frame.select("code", "name_zh").iter_rows())
    for frame in [demo.changes(), demo.gaps(targets), demo.progress(targets), demo.diagnostics()]:
        assert frame.columns.index("name_zh") == frame.columns.index("indicator") + 1
        rows = frame.filter(pl.col("indicator").is_not_null()).select("indicator", "name_zh").unique()
        assert rows.height > 0 and all(names[code] == name for code, name in rows.iter_rows())
