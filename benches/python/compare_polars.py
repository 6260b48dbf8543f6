"""fazhi against a straightforward polars pipeline on the same synthetic panel.

The panel is synthetic: units SYN000001… × the 40 indicators of catalogue 2024.1 × 10 years, about
5 % of cells missing, in synthetic counties of 20 units with villages and residents, generated
with a fixed seed by polars expressions. Each pipeline runs in its own subprocess so that its peak
memory is its own.

Scenario ``analytics``: both compute the year-on-year change of every observation (abs, rel,
polarity-adjusted status) and the gap of every last-year observation against one all-units target
per indicator.
Scenario ``score``: both compute the default composite score of every unit and year (per-village
and per-10,000-resident indicators denominated, min-max per year and indicator with indicators
without variation left out, equal-weight means with the 2/3 and 80 % coverage rules, ranks with
ties sharing the lowest rank).
The script checks that both agree, then prints the medians and ratios.

    python benches/python/compare_polars.py --units 38602 --repeat 3 --scenario score

Use a release build (``./dev build --release``); a debug build is 10-50x slower.

Both pipelines use catalogue 2024.1 (``datasets/catalogue-2024.1.toml``), not the bundled default:
the README numbers were measured with its 40 indicators, and the default grew to 80 in 2025.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import fazhi

YEARS = 10
FIRST_YEAR = 2015
# The benchmark workload is pinned to catalogue 2024.1 (40 indicators), so that timings stay
# comparable with the README's; see the module docstring.
BENCH_CATALOGUE = Path(__file__).resolve().parents[2] / "datasets" / "catalogue-2024.1.toml"


def bench_catalogue() -> fazhi.Catalogue:
    import fazhi

    cat = fazhi.Catalogue.read(BENCH_CATALOGUE)
    assert (cat.version, len(cat)) == ("2024.1", 40), (cat.version, len(cat))
    return cat


def catalogue() -> pl.DataFrame:
    return bench_catalogue().frame.select("code", "measure", "polarity").with_row_index("k")


def synthetic_panel(units: int) -> pl.DataFrame:
    cat = catalogue()
    n_ind = cat.height
    n = units * YEARS * n_ind
    idx = pl.int_range(0, n, dtype=pl.Int64, eager=True).alias("i")
    frame = pl.DataFrame(idx).with_columns(
        unit=pl.format("SYN{}", (pl.col("i") // (YEARS * n_ind)).cast(pl.String).str.zfill(6)),
        year=(FIRST_YEAR + (pl.col("i") // n_ind) % YEARS).cast(pl.Int32),
        k=(pl.col("i") % n_ind).cast(pl.UInt32),
        h=pl.col("i").hash(seed=20240301),
    )
    frame = frame.filter(pl.col("h") % 100 >= 5).join(cat, on="k", how="left")
    return frame.select("unit", "year", pl.col("code").alias("indicator"), synthetic_value().alias("value"))


def synthetic_value() -> pl.Expr:
    """A synthetic value from the hash column ``h`` by the catalogue's ``measure``: percents in
    [0, 100], yes/no as 0/1, scores and averages in [50, 100), counts in [0, 500)."""
    return (
        pl.when(pl.col("measure") == "percent")
        .then((pl.col("h") // 256 % 10_001).cast(pl.Float64) / 100)
        .when(pl.col("measure") == "boolean")
        .then((pl.col("h") // 256 % 2).cast(pl.Float64))
        .when(pl.col("measure").is_in(["score", "average"]))
        .then(50 + (pl.col("h") // 256 % 5000).cast(pl.Float64) / 100)
        .otherwise((pl.col("h") // 256 % 500).cast(pl.Float64))
    )


def synthetic_targets() -> pl.DataFrame:
    cat = catalogue()
    return cat.select(
        pl.col("code").alias("indicator"),
        pl.lit(FIRST_YEAR + YEARS - 1, dtype=pl.Int32).alias("year"),
        pl.when(pl.col("polarity") == "higher")
        .then(pl.lit("at_least"))
        .otherwise(pl.lit("at_most"))
        .alias("comparator"),
        pl.when(pl.col("measure") == "percent").then(90.0).otherwise(0.5).alias("target"),
    )


def synthetic_units(units: int) -> pl.DataFrame:
    u = pl.int_range(0, units, dtype=pl.Int64, eager=True).alias("u")
    h = pl.col("u").hash(seed=1949)
    return (
        pl.DataFrame(u)
        .with_columns(
            code=pl.format("SYN{}", pl.col("u").cast(pl.String).str.zfill(6)),
            name=pl.format("合成{}镇", pl.col("u")),
            county=pl.format("合成县{}", pl.col("u") // 20),
            villages=(3 + h % 28).cast(pl.Float64),
            residents=(5000 + h // 256 % 55_001).cast(pl.Float64),
        )
        .drop("u")
    )


def polars_score(df: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """What an analyst would write for the default composite: denominate, min-max per year and
    indicator, mean per dimension and of the dimensions with the coverage rules, rank per year."""
    cat = bench_catalogue().frame.select(
        pl.col("code").alias("indicator"),
        "dimension",
        "polarity",
        per=pl.col("denominator").str.extract(r"per (\d+(?:\.\d+)?) ", 1).cast(pl.Float64).fill_null(1.0),
        attribute=pl.col("denominator").str.extract(r"(villages|residents)$", 1),
    )
    x = (
        df.join(cat, on="indicator", how="left")
        .join(units.select(pl.col("code").alias("unit"), "villages", "residents"), on="unit", how="left")
        .with_columns(
            value=pl.when(pl.col("attribute") == "villages")
            .then(pl.col("value") / pl.col("villages") * pl.col("per"))
            .when(pl.col("attribute") == "residents")
            .then(pl.col("value") / pl.col("residents") * pl.col("per"))
            .otherwise(pl.col("value"))
        )
        .with_columns(
            lo=pl.col("value").min().over("year", "indicator"),
            hi=pl.col("value").max().over("year", "indicator"),
        )
        .filter(pl.col("hi") > pl.col("lo"))
        .with_columns(t=(pl.col("value") - pl.col("lo")) / (pl.col("hi") - pl.col("lo")))
        .with_columns(
            norm=100 * pl.when(pl.col("polarity") == "higher").then(pl.col("t")).otherwise(1 - pl.col("t"))
        )
    )
    # Indicators with information per year and dimension (the denominator of coverage).
    informative = x.group_by("year", "dimension").agg(pl.col("indicator").n_unique().alias("n_informative"))
    dims = (
        x.group_by("unit", "year", "dimension")
        .agg(pl.col("norm").mean().alias("dim_score"), pl.len().alias("present"))
        .join(informative, on=["year", "dimension"])
        .filter(pl.col("present") / pl.col("n_informative") >= 2 / 3 - 1e-9)
    )
    n_dims = informative.group_by("year").agg(pl.len().alias("n_dims"))
    return (
        dims.group_by("unit", "year")
        .agg(pl.col("dim_score").mean().alias("score"), pl.len().alias("scored_dims"))
        .join(n_dims, on="year")
        .filter(pl.col("scored_dims") / pl.col("n_dims") >= 0.8 - 1e-9)
        .with_columns(rank=pl.col("score").rank("min", descending=True).over("year"))
        .select("unit", "year", "score", "rank")
    )


def run_measured(cmd: list[str], repeat: int) -> dict:
    """Runs one part twice, each in a fresh process: once for memory, once for time.

    The memory run tells mimalloc (fazhi's allocator) to return freed pages to the kernel at once
    (``MIMALLOC_PURGE_DELAY=0``). Otherwise pages freed while building the panel stay resident for
    a moment, and the next step reuses them without the resident set growing, which would
    understate its memory. The timed run keeps the allocator's defaults, as users get them."""
    env = {**os.environ, "MIMALLOC_PURGE_DELAY": "0"}
    mem = subprocess.run(cmd + ["--repeat", "1"], capture_output=True, text=True, check=True, env=env)
    timed = subprocess.run(cmd + ["--repeat", str(repeat)], capture_output=True, text=True, check=True)
    result = json.loads(timed.stdout.strip().splitlines()[-1])
    memory = json.loads(mem.stdout.strip().splitlines()[-1])
    for key in ("step_peak_mb", "whole_peak_mb"):
        if key in memory:
            result[key] = memory[key]
    return result


def read_in_memory(path: str) -> pl.DataFrame:
    """Reads an IPC file from bytes, not memory-mapped, so the input is resident like any frame."""
    import io

    return pl.read_ipc(io.BytesIO(Path(path).read_bytes())).rechunk()


def settle() -> None:
    """Lets the allocators hand back what earlier steps freed (mimalloc in fazhi, jemalloc in
    polars both return freed pages after a short delay), so that the baseline of a memory
    measurement is the live data and a step cannot hide its peak in cached pages."""
    import gc

    gc.collect()
    time.sleep(2.0)


class PeakRss:
    """Samples the resident set (VmRSS) every 2 ms on a thread, for the peak of one step."""

    def __init__(self) -> None:
        import threading

        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def now_mb() -> float:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now_mb())
            self._stop.wait(0.002)

    def __enter__(self) -> PeakRss:
        self.start = self.now_mb()
        self.peak = self.start
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now_mb())


def run_score_part(part: str, data: str, units_path: str, repeat: int) -> dict:
    warnings.simplefilter("ignore")
    import fazhi

    df = read_in_memory(data)
    units = read_in_memory(units_path)
    input_mb = df.estimated_size("mb")
    result: dict = {"part": part, "rows": df.height, "input_mb": input_mb, "build": fazhi.BUILD_PROFILE}
    times: dict[str, list[float]] = {}
    peaks: list[float] = []
    if part == "fazhi":
        t0 = time.perf_counter()
        panel = fazhi.Panel(df, catalogue=bench_catalogue(), units=units)
        times["panel"] = [time.perf_counter() - t0]
        assert panel.rejected.height == 0, panel.rejected.head()

    def run() -> pl.DataFrame:
        return polars_score(df, units) if part == "polars" else panel.score().composite

    # First one run under the memory sampler, for the peak memory of the step above the loaded
    # data (first, so that no earlier run has grown the heap); then the timed runs without it
    # (its polling thread would take CPU from the work).
    settle()
    with PeakRss() as mem:
        out = run()
    peaks.append(mem.peak - mem.start)
    del out
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = run()
        times.setdefault("score", []).append(time.perf_counter() - t0)
        del out
    if part == "polars":
        out = polars_score(df, units)
    else:
        scores = panel.score()
        out = scores.composite.filter(pl.col("score").is_not_null())
        t0 = time.perf_counter()
        contributions = scores.contributions
        times["contributions_frame"] = [time.perf_counter() - t0]
        result["contributions_rows"] = contributions.height
    out = out.select("unit", "year", "score", pl.col("rank").cast(pl.UInt32)).sort("year", "unit")
    result["median_s"] = {k: statistics.median(v) for k, v in times.items()}
    result["step_peak_mb"] = statistics.median(peaks)
    result["ranked"] = out.height
    result["score_sum"] = float(out["score"].sum())
    result["rank_hash"] = int(out.select(pl.col("rank").hash(seed=1).sum())[0, 0])
    result["units_hash"] = int(out.select(pl.col("unit").hash(seed=1).sum())[0, 0])
    return result


def polars_pipeline(df: pl.DataFrame, targets: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What an analyst would write: sort, shift over groups, join the catalogue and the targets."""
    cat = catalogue().select(pl.col("code").alias("indicator"), "polarity")
    sign = pl.when(pl.col("polarity") == "higher").then(1.0).otherwise(-1.0)
    changes = (
        df.sort("unit", "indicator", "year")
        .with_columns(
            prev_year=pl.col("year").shift().over("unit", "indicator"),
            prev_value=pl.col("value").shift().over("unit", "indicator"),
        )
        .with_columns(
            prev_value=pl.when(pl.col("year") - pl.col("prev_year") <= 1).then(pl.col("prev_value")),
            prev_year=pl.when(pl.col("year") - pl.col("prev_year") <= 1).then(pl.col("prev_year")),
        )
        .join(cat, on="indicator", how="left")
        .with_columns(abs_change=pl.col("value") - pl.col("prev_value"))
        .with_columns(
            rel_change=pl.when(pl.col("prev_value") != 0).then(
                pl.col("abs_change") / pl.col("prev_value").abs()
            ),
            status=pl.when(pl.col("prev_value").is_null())
            .then(pl.lit("no_baseline"))
            .when(pl.col("abs_change") * sign > 0)
            .then(pl.lit("improved"))
            .when(pl.col("abs_change") * sign < 0)
            .then(pl.lit("declined"))
            .otherwise(pl.lit("unchanged")),
        )
    )
    gaps = (
        df.join(targets, on=["indicator", "year"], how="inner")
        .with_columns(
            met=pl.when(pl.col("comparator") == "at_least")
            .then(pl.col("value") >= pl.col("target"))
            .otherwise(pl.col("value") <= pl.col("target")),
            gap=pl.when(pl.col("comparator") == "at_least")
            .then((pl.col("target") - pl.col("value")).clip(lower_bound=0))
            .otherwise((pl.col("value") - pl.col("target")).clip(lower_bound=0)),
        )
        .with_columns(
            achievement=pl.when(pl.col("comparator") == "at_least")
            .then(pl.col("value") / pl.col("target"))
            .otherwise(pl.when(pl.col("value") > 0).then(pl.col("target") / pl.col("value")))
        )
    )
    return changes, gaps


def run_part(part: str, data: str, repeat: int) -> dict:
    warnings.simplefilter("ignore")
    import fazhi

    base_rss = PeakRss.now_mb()
    df = read_in_memory(data)
    targets = synthetic_targets()
    input_mb = df.estimated_size("mb")
    times: dict[str, list[float]] = {}
    result: dict = {"part": part, "rows": df.height, "input_mb": input_mb, "build": fazhi.BUILD_PROFILE}
    if part == "fazhi":
        t0 = time.perf_counter()
        panel = fazhi.Panel(df, catalogue=bench_catalogue())
        times["panel"] = [time.perf_counter() - t0]
        assert panel.rejected.height == 0, panel.rejected.head()
        fz_targets = fazhi.Targets(targets, catalogue=panel.catalogue)

    def run() -> tuple[pl.DataFrame, pl.DataFrame]:
        if part == "polars":
            return polars_pipeline(df, targets)
        t1 = time.perf_counter()
        changes = panel.changes()
        t2 = time.perf_counter()
        gaps = panel.gaps(fz_targets)
        t3 = time.perf_counter()
        times.setdefault("changes", []).append(t2 - t1)
        times.setdefault("gaps", []).append(t3 - t2)
        return changes, gaps

    # One run under the memory sampler first: the peak of the step above what was loaded (the
    # input, and for fazhi the validated panel), before any timed run has grown the heap.
    settle()
    with PeakRss() as mem:
        changes, gaps = run()
    result["step_peak_mb"] = mem.peak - mem.start
    result["whole_peak_mb"] = mem.peak - base_rss
    del changes, gaps
    times.pop("changes", None)
    times.pop("gaps", None)
    for _ in range(repeat):
        t0 = time.perf_counter()
        changes, gaps = run()
        times.setdefault("changes+gaps", []).append(time.perf_counter() - t0)
    if part == "fazhi":
        times["panel+changes+gaps"] = [times["panel"][0] + statistics.median(times["changes+gaps"])]
    result["median_s"] = {k: statistics.median(v) for k, v in times.items()}
    # Agreement fingerprints, compared by the parent.
    ch = changes.select("unit", "indicator", "year", "abs_change", "status").sort("unit", "indicator", "year")
    if part == "fazhi":
        gaps = gaps.filter(pl.col("status") != "no_data")  # the polars join drops targets without data
    gp = gaps.select("unit", "indicator", "year", "met", "gap").sort("unit", "indicator", "year")
    result["changes_rows"] = ch.height
    result["changes_abs_sum"] = float(ch["abs_change"].fill_null(0).sum())
    result["changes_status"] = dict(ch.group_by("status").len().sort("status").iter_rows())
    result["gaps_rows"] = gp.height
    result["gaps_sum"] = float(gp["gap"].sum())
    result["gaps_met"] = int(gp["met"].sum())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, nargs="+", default=[1000, 38602])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", choices=["analytics", "score", "all"], default="all")
    parser.add_argument("--part", choices=["fazhi", "polars"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--unit-table", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part and args.unit_table:
        print(json.dumps(run_score_part(args.part, args.data, args.unit_table, args.repeat)))
        return
    if args.part:
        print(json.dumps(run_part(args.part, args.data, args.repeat)))
        return
    if args.scenario in ("score", "all"):
        for units in args.units:
            compare_scores(units, args.repeat)
    if args.scenario == "score":
        return
    for units in args.units:
        out = {}
        # Generate once and hand both pipelines the same file, so each process's memory is the
        # input frame plus its own work, not the generator's.
        with tempfile.TemporaryDirectory() as tmp:
            data = str(Path(tmp) / "panel.arrow")
            synthetic_panel(units).write_ipc(data)
            for part in ("polars", "fazhi"):
                cmd = [sys.executable, __file__, "--part", part, "--data", data]
                out[part] = run_measured(cmd, args.repeat)
        p, f = out["polars"], out["fazhi"]
        for key in ("changes_rows", "changes_status", "gaps_rows", "gaps_met"):
            assert p[key] == f[key], (key, p[key], f[key])
        assert abs(p["changes_abs_sum"] - f["changes_abs_sum"]) < 1e-6 * max(1.0, abs(p["changes_abs_sum"]))
        assert abs(p["gaps_sum"] - f["gaps_sum"]) < 1e-6 * max(1.0, abs(p["gaps_sum"]))
        pt, ft = p["median_s"]["changes+gaps"], f["median_s"]
        print(
            f"== {units} units × 40 indicators × {YEARS} years: {f['rows']:,} rows (synthetic), "
            f"input frame {f['input_mb']:.0f} MB, fazhi build {f['build']}; results agree"
        )
        print(f"polars pipeline, changes+gaps      : {pt:8.3f} s (median of {args.repeat})")
        cg, all3 = ft["changes+gaps"], ft["panel+changes+gaps"]
        print(f"fazhi changes+gaps (panel built)   : {cg:8.3f} s   ratio {pt / cg:6.1f}x")
        print(f"fazhi Panel(df) validation         : {ft['panel']:8.3f} s")
        print(f"fazhi panel+changes+gaps           : {all3:8.3f} s   ratio {pt / all3:6.1f}x")
        for name, r in (("polars", p), ("fazhi", f)):
            size = r["input_mb"]
            step = r["step_peak_mb"]
            used = r["whole_peak_mb"]
            what = "changes+gaps" if name == "fazhi" else "the pipeline"
            held = "input, panel" if name == "fazhi" else "input"
            whole = f"{used / size:.2f}x"
            print(
                f"peak memory {name:6}: {what} {step:7.0f} MB above the loaded data = "
                f"{step / size:.2f}x the input frame; whole process ({held} and outputs) {whole}"
            )


def compare_scores(units: int, repeat: int) -> None:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = str(Path(tmp) / "panel.arrow")
        table = str(Path(tmp) / "units.arrow")
        synthetic_panel(units).write_ipc(data)
        synthetic_units(units).write_ipc(table)
        for part in ("polars", "fazhi"):
            cmd = [sys.executable, __file__, "--part", part, "--data", data, "--unit-table", table]
            out[part] = run_measured(cmd, repeat)
    p, f = out["polars"], out["fazhi"]
    for key in ("ranked", "rank_hash", "units_hash"):
        assert p[key] == f[key], (key, p[key], f[key])
    assert abs(p["score_sum"] - f["score_sum"]) < 1e-6 * max(1.0, abs(p["score_sum"])), (p, f)
    pt, ft = p["median_s"]["score"], f["median_s"]["score"]
    print(
        f"== score: {units} units × 40 indicators × {YEARS} years: {f['rows']:,} rows (synthetic), "
        f"input frame {f['input_mb']:.0f} MB, fazhi build {f['build']}; "
        f"{f['ranked']:,} ranked unit-years agree"
    )
    print(f"polars pipeline, composite + ranks : {pt:8.3f} s (median of {repeat})")
    print(f"fazhi panel.score() + .composite   : {ft:8.3f} s   ratio {pt / ft:6.1f}x")
    print(f"fazhi Panel(df, units) validation  : {f['median_s']['panel']:8.3f} s (once, not in the ratio)")
    print(
        f"fazhi .contributions frame         : {f['median_s']['contributions_frame']:8.3f} s "
        f"({f['contributions_rows']:,} rows, built on first access)"
    )
    for name, r in (("polars", p), ("fazhi", f)):
        print(
            f"peak memory of the scoring step, {name:6}: {r['step_peak_mb']:7.0f} MB above the loaded data "
            f"= {r['step_peak_mb'] / r['input_mb']:.2f}x the input frame"
        )


if __name__ == "__main__":
    main()
