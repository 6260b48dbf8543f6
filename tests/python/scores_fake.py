"""A stand-in for `panel.score()` with the same properties and column types, computed in plain polars
from the synthetic demo county, so that the report, plot and display code can be tested before the
Rust scoring engine lands. It is not a second implementation of the methodology: min-max per
indicator and year, plain means, no denominating, no imputation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fazhi
import polars as pl

DEMO = Path(fazhi.datasets_dir()) / "demo"


@dataclass
class FakeScores:
    composite: pl.DataFrame
    dimensions: pl.DataFrame
    contributions: pl.DataFrame
    excluded: pl.DataFrame
    weights: pl.DataFrame
    settings: dict[str, str]
    catalogue: Any
    _profiles: dict[tuple[str, int], pl.DataFrame] = field(default_factory=dict, repr=False)

    def profile(self, unit: str, year: int | None = None) -> pl.DataFrame:
        if year is None:
            year = int(self.composite["year"].max())
        return _profile(self, unit, year)


@dataclass
class FakeUncertainty:
    ranks: pl.DataFrame
    settings: dict[str, str] = field(default_factory=lambda: {"draws": "200", "seed": "1"})


def demo_panel() -> fazhi.Panel:
    return fazhi.Panel.read(DEMO / "panel.csv", units=DEMO / "units.csv")


def demo_targets() -> fazhi.Targets:
    return fazhi.Targets.read(DEMO / "targets.csv")


def _rank(expr: pl.Expr, over: list[str]) -> pl.Expr:
    return expr.rank(method="min", descending=True).over(over).cast(pl.UInt32)


def fake_scores(panel: fazhi.Panel | None = None, units: pl.DataFrame | None = None) -> FakeScores:
    panel = panel if panel is not None else demo_panel()
    if units is None:
        units = pl.read_csv(DEMO / "units.csv")
    cat = panel.catalogue
    meta = cat.frame.select("code", "dimension", "polarity")
    obs = panel.frame.join(meta, left_on="indicator", right_on="code", how="left")
    lo = pl.col("value").min().over("indicator", "year")
    hi = pl.col("value").max().over("indicator", "year")
    up = pl.when(hi > lo).then((pl.col("value") - lo) / (hi - lo) * 100).otherwise(100.0)
    obs = obs.with_columns(
        normalised=pl.when(pl.col("polarity") == "lower").then(100 - up).otherwise(up),
        qualified=pl.col("qualifier") != "exact",
    )
    n_ind = cat.frame.group_by("dimension").len("n_ind")
    dims = (
        obs.group_by("unit", "year", "dimension")
        .agg(pl.col("normalised").mean().alias("raw_score"), pl.len().alias("present"))
        .join(n_ind, on="dimension")
        .with_columns(coverage=pl.col("present") / pl.col("n_ind"))
        .with_columns(score=pl.when(pl.col("coverage") >= 2 / 3).then(pl.col("raw_score")))
    )
    n_dims = cat.dimensions.height
    comp = (
        dims.group_by("unit", "year")
        .agg(
            pl.col("score").mean().alias("raw"),
            (pl.col("score").is_not_null().sum() / n_dims).alias("coverage"),
        )
        .with_columns(score=pl.when(pl.col("coverage") >= 0.8).then(pl.col("raw")))
    )
    qualified = obs.group_by("unit", "year").agg(pl.col("qualified").any())
    comp = (
        comp.join(qualified, on=["unit", "year"], how="left")
        .join(units.select(unit="code", name="name", group="county"), on="unit", how="left")
        .with_columns(
            rank=_rank(pl.col("score"), ["year"]),
            dense_rank=pl.col("score").rank(method="dense", descending=True).over("year").cast(pl.UInt32),
            group_rank=_rank(pl.col("score"), ["year", "group"]),
            flags=pl.when(pl.col("qualified")).then(pl.lit("qualified")),
            reason=pl.when(pl.col("score").is_null()).then(pl.lit("coverage below 0.8 of dimension weight")),
        )
        .sort("unit", "year")
        .with_columns(
            rank_change=(pl.col("rank").cast(pl.Int32).shift(1) - pl.col("rank").cast(pl.Int32)).over("unit")
        )
        .select(
            "unit",
            "name",
            "group",
            pl.col("year").cast(pl.Int32),
            "score",
            "rank",
            "dense_rank",
            "group_rank",
            "rank_change",
            "coverage",
            "flags",
            "reason",
        )
        .sort("year", "rank", "unit", nulls_last=True)
    )
    dimensions = dims.select(
        "unit",
        pl.col("year").cast(pl.Int32),
        "dimension",
        "score",
        _rank(pl.col("score"), ["year", "dimension"]).alias("rank"),
        "coverage",
    ).sort("unit", "year", "dimension")
    per_dim = obs.group_by("unit", "year", "dimension").len("k")
    contributions = (
        obs.join(per_dim, on=["unit", "year", "dimension"])
        .with_columns(effective_weight=1 / n_dims / pl.col("k"))
        .select(
            "unit",
            pl.col("year").cast(pl.Int32),
            "indicator",
            "dimension",
            raw=pl.col("value"),
            value=pl.col("value"),
            normalised=pl.col("normalised"),
            effective_weight=pl.col("effective_weight"),
            contribution=pl.col("normalised") * pl.col("effective_weight"),
            imputed_from_year=pl.lit(None, pl.Int32),
            imputation=pl.lit(None, pl.String),
            winsorised=pl.lit(False),
            qualified=pl.col("qualified"),
        )
    )
    excluded = comp.filter(pl.col("score").is_null()).select(
        "unit",
        "year",
        indicator=pl.lit(None, pl.String),
        dimension=pl.lit(None, pl.String),
        level=pl.lit("composite"),
        reason=pl.lit("low_coverage"),
        detail=pl.format("coverage {} below 0.8", pl.col("coverage").round(2)),
    )
    d = cat.dimensions
    weights = pl.concat(
        [
            d.select(
                level=pl.lit("dimension"),
                code="code",
                dimension="code",
                weight="weight",
                share=pl.col("weight") / pl.col("weight").sum(),
                normalise=pl.lit(None, pl.String),
                worst=pl.lit(None, pl.Float64),
                best=pl.lit(None, pl.Float64),
            ),
            cat.frame.select(
                level=pl.lit("indicator"),
                code="code",
                dimension="dimension",
                weight="weight",
                share=(pl.col("weight") / pl.col("weight").sum().over("dimension")),
                normalise=pl.lit("minmax"),
                worst="worst",
                best="best",
            ),
        ]
    )
    settings = {
        "catalogue_version": cat.version,
        "normalise": "minmax",
        "scope": "year",
        "aggregate": "arithmetic",
        "min_coverage": "0.667,0.8",
        "denominate": "false",
        "data": "synthetic",
    }
    return FakeScores(comp, dimensions, contributions, excluded, weights, settings, cat)


def _profile(s: FakeScores, unit: str, year: int) -> pl.DataFrame:
    cat = s.catalogue
    dims = (
        s.dimensions.filter(pl.col("year") == year)
        .with_columns(
            median=pl.col("score").median().over("dimension"),
            of=pl.col("score").count().over("dimension").cast(pl.UInt32),
        )
        .filter(pl.col("unit") == unit)
        .join(cat.dimensions.select("code", "name_zh", "name_en"), left_on="dimension", right_on="code")
        .select(
            "unit",
            "year",
            level=pl.lit("dimension"),
            code="dimension",
            name_zh="name_zh",
            name_en="name_en",
            score="score",
            median="median",
            rank="rank",
            of="of",
        )
    )
    ind = (
        s.contributions.filter(pl.col("year") == year)
        .with_columns(
            median=pl.col("normalised").median().over("indicator"),
            of=pl.col("normalised").count().over("indicator").cast(pl.UInt32),
            rank=_rank(pl.col("normalised"), ["indicator"]),
        )
        .filter(pl.col("unit") == unit)
        .join(cat.frame.select("code", "name_zh", "name_en"), left_on="indicator", right_on="code")
        .select(
            "unit",
            "year",
            level=pl.lit("indicator"),
            code="indicator",
            name_zh="name_zh",
            name_en="name_en",
            score="normalised",
            median="median",
            rank="rank",
            of="of",
        )
    )
    out = pl.concat([dims, ind])
    quarter = (pl.col("of").cast(pl.Float64) / 4).ceil()
    return out.with_columns(
        label=pl.when(pl.col("rank") <= quarter)
        .then(pl.lit("strength"))
        .when(pl.col("rank") > pl.col("of").cast(pl.Float64) - quarter)
        .then(pl.lit("weakness"))
    )


def fake_uncertainty(scores: FakeScores) -> FakeUncertainty:
    c = scores.composite.filter(pl.col("rank").is_not_null())
    n = c.group_by("year").len("n")
    ranks = c.join(n, on="year").select(
        "unit",
        "year",
        nominal_rank="rank",
        median_rank=pl.col("rank").cast(pl.Float64),
        rank_p05=pl.max_horizontal(pl.col("rank").cast(pl.Int64) - 2, pl.lit(1)).cast(pl.UInt32),
        rank_p95=pl.min_horizontal(pl.col("rank").cast(pl.Int64) + 3, pl.col("n")).cast(pl.UInt32),
    )
    return FakeUncertainty(ranks)


def with_unranked(
    scores: FakeScores, unit: str, year: int, reason: str = "coverage 0.62 below 0.8"
) -> FakeScores:
    """The same scores with one unit left out of the ranking, as the engine does below coverage."""
    hit = (pl.col("unit") == unit) & (pl.col("year") == year)
    composite = scores.composite.with_columns(
        score=pl.when(hit).then(None).otherwise(pl.col("score")),
        rank=pl.when(hit).then(None).otherwise(pl.col("rank")),
        group_rank=pl.when(hit).then(None).otherwise(pl.col("group_rank")),
        rank_change=pl.when(hit).then(None).otherwise(pl.col("rank_change")),
        coverage=pl.when(hit).then(0.62).otherwise(pl.col("coverage")),
        reason=pl.when(hit).then(pl.lit(reason)).otherwise(pl.col("reason")),
    ).with_columns(
        rank=_rank(pl.col("score"), ["year"]),
        dense_rank=pl.col("score").rank(method="dense", descending=True).over("year").cast(pl.UInt32),
        group_rank=_rank(pl.col("score"), ["year", "group"]),
    )
    excluded = pl.concat(
        [
            scores.excluded,
            pl.DataFrame(
                {
                    "unit": [unit],
                    "year": [year],
                    "indicator": [None],
                    "dimension": [None],
                    "level": ["composite"],
                    "reason": ["low_coverage"],
                    "detail": [reason],
                },
                schema=scores.excluded.schema,
            ),
        ]
    )
    return FakeScores(
        composite,
        scores.dimensions,
        scores.contributions,
        excluded,
        scores.weights,
        scores.settings,
        scores.catalogue,
    )
