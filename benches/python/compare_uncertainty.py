"""Rank intervals: fazhi against a numpy/polars Monte Carlo of the same weights-only draws.

The data are synthetic: units SYN000001… in synthetic counties, one year, the first N indicators of
catalogue 2024.1 (``datasets/catalogue-2024.1.toml``, the one the README numbers were measured
with; the bundled default has 80 indicators since 2025.1), about 5 % of cells missing (generated
with a fixed seed). Three timings in one run, so their ratios are comparable:

- ``numpy``: what an analyst would write — normalise once (min-max, as the nominal score), then per
  draw multiply the weights by U(1 − δ, 1 + δ), aggregate indicator → dimension → composite with the
  coverage rules as matrix products, and rank with argsort;
- ``fazhi weights-only``: the same draws (``intervals=False``, one method);
- ``fazhi full``: every draw re-runs the whole pipeline with the reported intervals sampled as well.

Both weights-only runs must agree on the nominal ranking; the spread of their rank intervals is
printed (they use different random numbers, so only their medians are compared).

    python benches/python/compare_uncertainty.py --units 5000 --indicators 30 --draws 1000
    python benches/python/compare_uncertainty.py --units 38602 --indicators 40 --draws 1000

Needs numpy (``pip install numpy``) and a release build (``./dev build --release``).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import polars as pl
from compare_polars import bench_catalogue, synthetic_value

YEAR = 2024


def synthetic(units: int, indicators: int) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    cat = bench_catalogue().frame.select("code", "measure").head(indicators).with_row_index("k")
    n = units * indicators
    frame = (
        pl.DataFrame(pl.int_range(0, n, dtype=pl.Int64, eager=True).alias("i"))
        .with_columns(
            unit=pl.format("SYN{}", (pl.col("i") // indicators).cast(pl.String).str.zfill(6)),
            k=(pl.col("i") % indicators).cast(pl.UInt32),
            h=pl.col("i").hash(seed=8),
        )
        .filter(pl.col("h") % 100 >= 5)
        .join(cat, on="k", how="left")
    )
    value = synthetic_value()
    # About one count in six is written as "N余" (an interval), as reports do.
    text = (
        pl.when((pl.col("measure") == "count") & (pl.col("h") % 6 == 0) & (value >= 10))
        .then(pl.format("{}余", value.cast(pl.Int64)))
        .otherwise(value.cast(pl.String))
    )
    panel = frame.select(
        "unit", pl.lit(YEAR).alias("year"), pl.col("code").alias("indicator"), text.alias("value")
    )
    u = pl.int_range(0, units, dtype=pl.Int64, eager=True).alias("u")
    table = pl.DataFrame(u).select(
        code=pl.format("SYN{}", pl.col("u").cast(pl.String).str.zfill(6)),
        name=pl.format("合成{}镇", pl.col("u")),
        county=pl.format("合成县{}", pl.col("u") // 20),
        villages=(3 + pl.col("u").hash(seed=3) % 28).cast(pl.Float64),
        residents=(5000 + pl.col("u").hash(seed=4) % 55_001).cast(pl.Float64),
    )
    return panel, table, cat["code"].to_list()


def numpy_draws(scores, draws: int, delta: float, seed: int):  # type: ignore[no-untyped-def]
    """Weights-only Monte Carlo on the nominal normalised scores (from scores.contributions)."""
    import numpy as np

    c = scores.contributions.filter(pl.col("normalised").is_not_null())
    units = sorted(c["unit"].unique().to_list())
    inds = c["indicator"].unique(maintain_order=True).to_list()
    dims = c["dimension"].unique(maintain_order=True).to_list()
    u_idx = {u: i for i, u in enumerate(units)}
    k_idx = {k: i for i, k in enumerate(inds)}
    dim_of = dict(zip(c["indicator"], c["dimension"]))
    x = np.full((len(units), len(inds)), np.nan)
    x[[u_idx[u] for u in c["unit"]], [k_idx[k] for k in c["indicator"]]] = c["normalised"].to_numpy()
    present = ~np.isnan(x)
    x0 = np.nan_to_num(x)
    member = np.zeros((len(inds), len(dims)))
    for k, ind in enumerate(inds):
        member[k, dims.index(dim_of[ind])] = 1.0
    rng = np.random.default_rng(seed)
    ranks = np.empty((draws, len(units)), dtype=np.int32)
    for d in range(draws):
        w = rng.uniform(1 - delta, 1 + delta, len(inds))
        wd = rng.uniform(1 - delta, 1 + delta, len(dims))
        wm = member * w[:, None]
        dim_present = present @ wm
        dim_total = wm.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            dim_score = (x0 @ wm) / dim_present
        ok = dim_present / dim_total >= 2 / 3 - 1e-9
        dim_score = np.where(ok, dim_score, 0.0)
        comp_w = ok * wd
        with np.errstate(invalid="ignore", divide="ignore"):
            comp = (dim_score * wd).sum(axis=1) / comp_w.sum(axis=1)
        comp = np.where(comp_w.sum(axis=1) / wd.sum() >= 0.8 - 1e-9, comp, -np.inf)
        order = np.argsort(-comp, kind="stable")
        r = np.empty(len(units), dtype=np.int32)
        r[order] = np.arange(1, len(units) + 1)
        ranks[d] = r
    return units, ranks


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import fazhi
    import numpy as np

    panel_frame, table, _ = synthetic(args.units, args.indicators)
    panel = fazhi.Panel(panel_frame, catalogue=bench_catalogue(), units=table)
    assert panel.rejected.height == 0, panel.rejected.head()
    scores = panel.score(years=YEAR)
    times: dict[str, list[float]] = {"numpy": [], "fazhi weights-only": [], "fazhi full": []}
    for rep in range(args.repeat):
        t0 = time.perf_counter()
        units, np_ranks = numpy_draws(scores, args.draws, 0.25, rep)
        times["numpy"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        w_only = panel.uncertainty(YEAR, draws=args.draws, seed=rep, intervals=False, progress=False)
        w_ranks = w_only.ranks
        times["fazhi weights-only"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        full = panel.uncertainty(YEAR, draws=args.draws, seed=rep, progress=False)
        full_ranks = full.ranks
        times["fazhi full"].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    # Agreement: the nominal ranking, and the median widths of the weights-only rank intervals.
    nominal = scores.composite.select("unit", "rank")
    check = w_ranks.join(nominal, on="unit")
    assert (check["nominal_rank"] == check["rank"]).all()
    np_p05 = np.percentile(np_ranks, 5, axis=0)
    np_p95 = np.percentile(np_ranks, 95, axis=0)
    fz_width = float((w_ranks["rank_p95"] - w_ranks["rank_p05"]).median())
    np_width = float(np.median(np_p95 - np_p05))
    print(
        f"== rank intervals: {args.units} units × {args.indicators} indicators, one year, {args.draws} draws "
        f"(synthetic), fazhi build {fazhi.BUILD_PROFILE}; {full.completed} full draws completed"
    )
    print(f"numpy/polars weights-only draws : {med['numpy']:8.3f} s (median of {args.repeat})")
    print(
        f"fazhi weights-only draws        : {med['fazhi weights-only']:8.3f} s   "
        f"ratio {med['numpy'] / med['fazhi weights-only']:5.1f}x"
    )
    print(
        f"fazhi full-pipeline draws       : {med['fazhi full']:8.3f} s   "
        f"ratio {med['numpy'] / med['fazhi full']:5.1f}x (weights and reported intervals)"
    )
    print(f"median rank-interval width (p95 − p05), weights only: fazhi {fz_width:.1f}, numpy {np_width:.1f}")
    full_width = float((full_ranks["rank_p95"] - full_ranks["rank_p05"]).median())
    print(f"median rank-interval width with intervals sampled too: {full_width:.1f}")


if __name__ == "__main__":
    main()
