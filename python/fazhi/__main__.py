"""The ``fazhi`` command.

``fazhi demo``      validate the bundled data (the real 2023 report figures of 四棵树镇 and the
                    synthetic demo county) and print the summaries and rejection reports.
``fazhi validate``  validate a panel file against the catalogue and print the rejection report.

Exit codes: 0 success; 1 the input has rejected rows (``validate --fail-on-reject``);
2 a usage error or an input that cannot be read at all.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import polars as pl


def _print_frame(frame: pl.DataFrame, rows: int = 20) -> None:
    with pl.Config(tbl_rows=rows, tbl_cols=12, fmt_str_lengths=60, tbl_width_chars=160):
        print(frame)


def _report(name: str, panel, show_rows: int) -> None:  # type: ignore[no-untyped-def]
    print(f"== {name}")
    print(panel)
    summary = panel.summary()
    assert summary["input_rows"] == len(panel) + summary["rejected"]
    if summary["rejected"]:
        print(f"-- {summary['rejected']} rejected rows (file, row, column, text, reason, what to do):")
        _print_frame(
            panel.rejected.select("row", "column", "unit", "indicator", "text", "reason", "message"),
            show_rows,
        )
    else:
        print("-- no rejected rows")
    print()


def _demo(args: argparse.Namespace) -> int:
    import fazhi

    data = fazhi.datasets_dir()
    catalogue = fazhi.Catalogue.default()
    print(catalogue)
    print()
    seed = fazhi.Panel.read(data / "seed" / "sikeshu_2023.csv", catalogue=catalogue)
    _report(
        "REAL: 2023 report of 四棵树镇 (Wusu City, Xinjiang), datasets/seed/sikeshu_2023.csv", seed, args.rows
    )
    print("-- qualified values in the real report (interval [lo, hi], point estimate):")
    _print_frame(
        seed.frame.filter(pl.col("qualifier") != "exact").select(
            "indicator", "text", "lo", "hi", "value", "qualifier"
        ),
        args.rows,
    )
    print()
    units = fazhi.Units.read(data / "demo" / "units.csv")
    demo = fazhi.Panel.read(data / "demo" / "panel.csv", catalogue=catalogue, units=units)
    _report("SYNTHETIC: demo county, datasets/demo/panel.csv", demo, args.rows)
    targets = fazhi.Targets.read(data / "demo" / "targets.csv", catalogue=catalogue)
    print(targets)
    print()
    latest = max(demo.summary()["years"])
    changes = demo.changes(year=latest)
    print(f"-- year-on-year change {latest - 1} → {latest} (status × certain):")
    _print_frame(changes.group_by("status", "certain").len().sort("status", "certain"), args.rows)
    gaps = demo.gaps(targets, year=latest)
    print(f"-- {latest} plan targets: status per township (met / missed / no_data):")
    _print_frame(
        gaps.pivot(on="status", index="unit", values="indicator", aggregate_function="len")
        .fill_null(0)
        .sort("unit"),
        args.rows,
    )
    print("-- largest shortfalls (gap in the indicator's own unit, 完成率):")
    _print_frame(
        gaps.filter(pl.col("status") == "missed")
        .sort("achievement", nulls_last=True)
        .select("unit", "indicator", "comparator", "target", "value", "gap", "achievement", "certain")
        .head(8),
        args.rows,
    )
    progress = demo.progress(targets)
    print("-- progress towards the 2025 plan (method compound, linear where compound is undefined):")
    _print_frame(progress.group_by("category").len().sort("len", descending=True), args.rows)
    flags = demo.diagnostics()
    print("-- data-quality flags (warnings):")
    _print_frame(
        flags.filter(pl.col("severity") == "warning").group_by("check").len().sort("check"), args.rows
    )
    _print_frame(
        flags.filter(pl.col("check") == "rate_mismatch").select("unit", "year", "indicator", "message"),
        args.rows,
    )
    print()
    seed_flags = seed.diagnostics().filter(pl.col("check") != "qualified_share")
    print("-- data-quality flags in the REAL seed report:")
    _print_frame(seed_flags.select("indicator", "check", "severity", "message"), args.rows)
    print()
    bad = Path(data).parent / "tests" / "data" / "bad_rows.csv"
    if bad.is_file():
        checked = fazhi.Panel.read(
            bad, catalogue=catalogue, units=Path(data).parent / "tests" / "data" / "units.csv"
        )
        _report("SYNTHETIC: deliberately bad rows, tests/data/bad_rows.csv", checked, args.rows)
    return 0


def _validate(args: argparse.Namespace) -> int:
    import fazhi

    panel = fazhi.Panel.read(
        args.panel,
        catalogue=args.catalogue,
        units=args.units,
        strict=args.strict,
        encoding=args.encoding,
    )
    _report(str(args.panel), panel, args.rows)
    if args.rejected_csv:
        panel.rejected.write_csv(args.rejected_csv)
        print(f"rejection report written to {args.rejected_csv}")
    if args.fail_on_reject and panel.summary()["rejected"]:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fazhi", description="法治政府建设 assessment for townships and counties"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="validate the bundled real and synthetic data and print the reports")
    demo.add_argument("--rows", type=int, default=20, help="rows of each report to print")
    demo.set_defaults(run=_demo)
    val = sub.add_parser("validate", help="validate a panel file and print its rejection report")
    val.add_argument("panel", type=Path, help="panel file (.csv/.tsv/.parquet/.json/.ndjson)")
    val.add_argument("--catalogue", type=Path, default=None, help="catalogue .toml/.json (default: bundled)")
    val.add_argument(
        "--units", type=Path, default=None, help="unit table (code, name, county, villages, residents)"
    )
    val.add_argument("--encoding", default=None, help="text encoding (detected when omitted): gbk, utf-8, …")
    val.add_argument("--strict", action="store_true", help="stop at the first problem")
    val.add_argument("--rejected-csv", type=Path, default=None, help="write the rejection report here")
    val.add_argument("--fail-on-reject", action="store_true", help="exit 1 when any row is rejected")
    val.add_argument("--rows", type=int, default=20, help="rows of the report to print")
    val.set_defaults(run=_validate)
    args = parser.parse_args(argv)

    import fazhi

    warnings.filterwarnings("default", category=RuntimeWarning, module="fazhi")
    try:
        return int(args.run(args))
    except fazhi.FazhiError as e:
        print(f"fazhi: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"fazhi: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
