"""Composite scores through Python: the hand-computed toy example, options, errors, the demo."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import fazhi
import polars as pl
import pytest

TOY = (Path(__file__).resolve().parents[1] / "data" / "toy_catalogue.toml").read_text(encoding="utf-8")

# Three townships (synthetic names); T3 has no B: a missing cell, never a zero.
ROWS = [
    ("T1", 2024, "A", "10"),
    ("T2", 2024, "A", "20"),
    ("T3", 2024, "A", "30"),
    ("T1", 2024, "B", "5"),
    ("T2", 2024, "B", "1"),
    ("T1", 2024, "E", "2"),
    ("T2", 2024, "E", "4"),
    ("T3", 2024, "E", "6"),
    ("T1", 2024, "C", "80"),
    ("T2", 2024, "C", "90"),
    ("T3", 2024, "C", "70"),
]


@pytest.fixture
def toy(tmp_path: Path) -> fazhi.Panel:
    cat = tmp_path / "toy.toml"
    cat.write_text(TOY, encoding="utf-8")
    frame = pl.DataFrame(ROWS, schema=["unit", "year", "indicator", "value"], orient="row")
    units = pl.DataFrame(
        {"code": ["T1", "T2", "T3"], "name": ["合成一镇", "合成二镇", "合成三镇"], "county": ["X", "X", "Y"]}
    )
    return fazhi.Panel(frame, catalogue=cat, units=units)


def test_hand_computed(toy: fazhi.Panel) -> None:
    # min-max: A 0/50/100; B (lower) T1 0, T2 100; E 0/50/100; C 50/100/0.
    # D1: T1 0, T2 (50+100+50)/3, T3 (100+100)/2 with coverage 2/3.  D2: 50, 100, 0.
    # Composite: T1 25, T2 83.33, T3 50 → ranks T2, T3, T1.
    s = toy.score()
    c = s.composite
    assert c["unit"].to_list() == ["T2", "T3", "T1"]
    assert c["score"].to_list() == pytest.approx([(200 / 3 + 100) / 2, 50.0, 25.0])
    assert c["rank"].to_list() == [1, 2, 3]
    assert c["name"].to_list() == ["合成二镇", "合成三镇", "合成一镇"]
    contrib = s.contributions
    sums = contrib.group_by("unit").agg(pl.col("contribution").sum()).sort("unit")
    assert sums["contribution"].to_list() == pytest.approx([25.0, (200 / 3 + 100) / 2, 50.0])
    t3 = s.dimensions.filter((pl.col("unit") == "T3") & (pl.col("dimension") == "D1")).row(0, named=True)
    assert t3["score"] == pytest.approx(100.0) and t3["coverage"] == pytest.approx(2 / 3)
    assert s.settings["catalogue_version"] == "toy.1"
    assert s.catalogue.version == "toy.1"


def test_weights_mapping_and_frame(toy: fazhi.Panel) -> None:
    # D2 weighs 3: T1 (0 + 150)/4 = 37.5, T2 (66.67 + 300)/4, T3 (100 + 0)/4 = 25.
    by_dict = toy.score(weights={"D2": 3})
    by_frame = toy.score(weights=pl.DataFrame({"code": ["D2"], "weight": [3.0]}))
    assert by_dict.composite.equals(by_frame.composite)
    assert by_dict.composite.sort("unit")["score"].to_list() == pytest.approx(
        [37.5, (200 / 3 + 300) / 4, 25.0]
    )
    w = by_dict.weights
    assert w.filter(pl.col("code") == "D2")["share"].item() == pytest.approx(0.75)


def test_errors_not_nans(toy: fazhi.Panel) -> None:
    with pytest.raises(fazhi.ScoringError, match="geometric"):
        toy.score(aggregate="geometric")
    with pytest.raises(fazhi.ArgumentError, match="NOPE"):
        toy.score(weights={"NOPE": 1.0})
    with pytest.raises(fazhi.ArgumentError, match="nothing to score"):
        toy.score(weights={"D1": 0, "D2": 0})
    with pytest.raises(fazhi.ArgumentError, match="≥ 0"):
        toy.score(weights={"A": -1})
    with pytest.raises(fazhi.ArgumentError, match="normalise"):
        toy.score(normalise="bogus")
    with pytest.raises(fazhi.ArgumentError, match="2030"):
        toy.score(years=2030)
    with pytest.raises(fazhi.ArgumentError, match="targets"):
        toy.score(normalise="target")
    with pytest.raises(fazhi.ArgumentError, match="z-scores"):
        toy.score(normalise="zscore", aggregate=("arithmetic", "geometric"))


def test_coverage_and_exclusions(toy: fazhi.Panel) -> None:
    s = toy.score(min_coverage=(0.9, 0.8))
    t3 = s.composite.filter(pl.col("unit") == "T3").row(0, named=True)
    assert t3["score"] is None and t3["rank"] is None and t3["reason"] == "low_coverage"
    ex = s.excluded.filter(pl.col("unit") == "T3")
    assert ex["reason"].to_list() == ["low_coverage"]
    assert "0.50 < 0.80" in ex["detail"].item()


def test_low_coverage_names_the_missing_indicator(toy: fazhi.Panel) -> None:
    s = toy.score(min_coverage=(0.9, 0.8))
    detail = s.excluded.filter(pl.col("reason") == "low_coverage")["detail"].item()
    assert detail.endswith("; missing: B")


def test_few_ranked_units_warn_and_are_listed(toy: fazhi.Panel) -> None:
    with pytest.warns(UserWarning, match="only 3 units are ranked in 2024"):
        s = toy.score()
    row = s.excluded.filter(pl.col("reason") == "few_units").row(0, named=True)
    assert (row["level"], row["year"], row["unit"]) == ("year", 2024, None)


def _six_townships(units: pl.DataFrame | None) -> fazhi.Panel:
    rows = [
        (f"SYN0{i}", 2024, ind, str(100 * i))
        for i in range(1, 7)
        for ind in ("PUB_MATERIALS", "PUB_CONSULT_STALLS")
    ]
    frame = pl.DataFrame(rows, schema=["unit", "year", "indicator", "value"], orient="row")
    return fazhi.Panel(frame, units=units)


def test_an_indicator_without_its_denominator_warns_and_is_listed() -> None:
    with pytest.warns(UserWarning, match="PUB_MATERIALS") as caught:
        s = _six_townships(None).score()
    assert len([w for w in caught if issubclass(w.category, UserWarning)]) == 1
    row = s.excluded.filter(pl.col("reason") == "no_denominator").row(0, named=True)
    assert (row["level"], row["indicator"]) == ("indicator", "PUB_MATERIALS")
    assert "residents" in row["detail"]
    units = pl.DataFrame(
        {
            "code": [f"SYN0{i}" for i in range(1, 7)],
            "name": [f"合成{i}镇" for i in range(1, 7)],
            "residents": [1e4 * i for i in range(1, 7)],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        s = _six_townships(units).score()
    assert s.excluded.filter(pl.col("reason") == "no_denominator").height == 0


def test_kinds_and_profile(toy: fazhi.Panel) -> None:
    outcomes = toy.score(kinds="outcome")
    assert set(outcomes.contributions["indicator"].unique()) == {"B", "C"}
    assert outcomes.weights.filter(pl.col("level") == "indicator")["code"].to_list() == ["B", "C"]
    prof = toy.score().profile("T2")
    assert prof.columns == [
        "unit",
        "year",
        "level",
        "code",
        "name_zh",
        "name_en",
        "score",
        "median",
        "rank",
        "of",
        "label",
        "reported",
        "reported_median",
    ]
    assert toy.score().profile("合成二镇").equals(prof)  # by name as well as by code
    d2 = prof.filter(pl.col("code") == "D2").row(0, named=True)
    assert (d2["score"], d2["rank"], d2["of"]) == (100.0, 1, 3)


def test_demo_county(root: Path) -> None:
    demo = root / "datasets" / "demo"
    panel = fazhi.Panel.read(demo / "panel.csv", units=demo / "units.csv")
    s = panel.score(impute="carry_forward", winsorise=(0.05, 0.95))
    c = s.composite
    assert c.height == 14 * 5
    ranked = c.filter(pl.col("score").is_not_null())
    assert ranked["score"].is_between(0, 100).all()
    # Contributions sum to the composite for every ranked unit-year.
    sums = s.contributions.group_by("unit", "year").agg(pl.col("contribution").sum())
    joined = ranked.join(sums, on=["unit", "year"])
    assert (joined["score"] - joined["contribution"]).abs().max() < 1e-9
    # Imputed cells say from which year; winsorised cells are flagged.
    imputed = s.contributions.filter(pl.col("imputation").is_not_null())
    assert imputed.height > 0
    assert (imputed["imputed_from_year"] < imputed["year"]).all()
    assert s.contributions["winsorised"].any()
    # Group ranks restart in each county; rank changes exist from the second year.
    latest = c.filter(pl.col("year") == 2024)
    assert latest.group_by("group").agg(pl.col("group_rank").min())["group_rank"].to_list() == [1, 1]
    assert latest["rank_change"].is_not_null().any()
    # Serialised for Rust services.
    data = json.loads(s.to_json() or "")
    assert data["settings"]["impute"] == "carry_forward:1"
    # Same result whatever the order of the input rows.
    shuffled = (
        panel.frame.select("unit", "year", "indicator", "text")
        .rename({"text": "value"})
        .sample(fraction=1.0, shuffle=True, seed=7)
    )
    again = fazhi.Panel(shuffled, units=demo / "units.csv").score(
        impute="carry_forward", winsorise=(0.05, 0.95)
    )
    assert again.composite.equals(c)


@pytest.mark.parametrize("normalise", ["minmax", "goalposts", "zscore", "rank"])
@pytest.mark.parametrize("scope", ["year", "global", "group"])
def test_every_method_runs_on_the_demo(root: Path, normalise: str, scope: str) -> None:
    demo = root / "datasets" / "demo"
    panel = fazhi.Panel.read(demo / "panel.csv", units=demo / "units.csv")
    s = panel.score(normalise=normalise, scope=scope, years=[2023, 2024])
    assert s.composite.height == 28
    assert s.settings["scope"] == scope


def test_target_normalisation(root: Path) -> None:
    demo = root / "datasets" / "demo"
    panel = fazhi.Panel.read(demo / "panel.csv", units=demo / "units.csv")
    targets = fazhi.Targets.read(demo / "targets.csv")
    s = panel.score(normalise="target", targets=targets, years=2024, min_coverage=(0.01, 0.01))
    n = s.contributions.filter(pl.col("normalised").is_not_null())["normalised"]
    assert n.is_between(0, 100).all()
    assert s.excluded.filter(pl.col("reason") == "no_target").height > 0
