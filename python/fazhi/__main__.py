"""The ``fazhi`` command.

``fazhi demo``      the main job on the bundled data: extract the real 2023 report of 四棵树镇,
                    validate it and the synthetic demo county, compute changes, target gaps and
                    data-quality flags, score and rank the demo county, and write the scorecards
                    (``out/demo_scorecard.xlsx`` and ``.html``).
``fazhi extract``   read report texts (.txt/.docx/.html, a file or a folder) into a panel table.
``fazhi score``     validate a panel, score and rank its units, write the Excel and HTML scorecards
                    and print the ranking.
``fazhi validate``  validate a panel file against the catalogue and print the rejection report.

Exit codes: 0 success; 1 the work ran but its result is empty or has problems you asked to fail on
(``validate --fail-on-reject``, ``extract`` with no value found, ``score`` with no unit ranked);
2 a usage error or an input that cannot be read at all. Messages go to stderr.
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


def _ranking_table(scores, year: int) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    return scores.composite.filter(pl.col("year") == year).select(
        "rank", "unit", "name", "group", pl.col("score").round(1), "group_rank", "rank_change", "reason"
    )


def _write_scorecards(  # type: ignore[no-untyped-def]
    scores,
    out: Path,
    stem: str,
    *,
    year: int,
    panel,
    gaps,
    changes,
    diagnostics,
    lang: str,
    data_note: str | None,
    uncertainty=None,
) -> list[Path]:
    import fazhi.report

    out.mkdir(parents=True, exist_ok=True)
    common = dict(
        year=year, gaps=gaps, changes=changes, diagnostics=diagnostics, uncertainty=uncertainty, lang=lang
    )
    xlsx = scores.to_excel(out / f"{stem}.xlsx", data_note=data_note, **common)
    html = fazhi.report.write_html(out / f"{stem}.html", scores, panel=panel, data_note=data_note, **common)
    return [Path(xlsx), Path(html)]


def _demo(args: argparse.Namespace) -> int:
    import fazhi

    data = fazhi.datasets_dir()
    catalogue = fazhi.Catalogue.default()
    print(catalogue)
    print()
    # The real report text (a copy of the 2023 report of 四棵树镇, kept with the test data).
    source = Path(data).parent / "tests" / "data" / "reports" / "sikeshu_2023.txt"
    if source.exists():
        extraction = fazhi.extract(source, unit="四棵树镇", year=2023, catalogue=catalogue, progress=False)
        print(
            f"== REAL: extracted from the 2023 report of 四棵树镇 ({source.name}): {len(extraction)} values"
        )
        _print_frame(
            extraction.values.select("indicator", "text", "lo", "hi", "qualifier", "quote"), args.rows
        )
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
    scores = demo.score()
    note = "SYNTHETIC demo county (合成…): invented numbers for trying fazhi out; do not cite them"
    print(f"== SYNTHETIC demo county: composite scores and ranks, {latest} ({scores})")
    _print_frame(_ranking_table(scores, latest), args.rows)
    u = demo.uncertainty(latest, draws=1000, seed=1, normalise=["minmax", "rank"], progress=False)
    print(
        f"-- how sure are these ranks? {u.completed} draws: weights × U(0.75, 1.25), min-max or rank "
        "normalisation, interval values (90余 …) drawn inside their intervals"
    )
    _print_frame(
        u.ranks.select("unit", "name", "nominal_rank", "median_rank", "rank_p05", "rank_p95", "p_rank_le_3"),
        args.rows,
    )
    files = _write_scorecards(
        scores,
        Path(args.out),
        "demo_scorecard",
        year=latest,
        panel=demo,
        gaps=demo.gaps(targets),
        changes=demo.changes(),
        diagnostics=flags,
        lang=args.lang,
        data_note=note,
        uncertainty=u,
    )
    print("-- scorecards written: " + ", ".join(str(f) for f in files))
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


def _extract(args: argparse.Namespace) -> int:
    import fazhi

    frames = []
    failures = 0
    for source in args.reports:
        ex = fazhi.extract(
            source,
            unit=args.unit,
            year=args.year,
            rules=args.rules,
            catalogue=args.catalogue,
            encoding=args.encoding,
            progress=not args.quiet,
        )
        print(
            f"{source}: {ex.reports} reports, {len(ex)} values, {ex.failures.height} unreadable",
            file=sys.stderr,
        )
        failures += ex.failures.height
        if ex.failures.height:
            _print_frame(ex.failures, args.rows)
        frames.append(ex.to_panel_frame())
    panel = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        panel.write_csv(args.output)
        print(f"{panel.height} values written to {args.output}", file=sys.stderr)
    else:
        panel.write_csv(sys.stdout)
    return 0 if panel.height else 1


def _score(args: argparse.Namespace) -> int:
    import fazhi

    catalogue = fazhi.Catalogue.read(args.catalogue) if args.catalogue else fazhi.Catalogue.default()
    panel = fazhi.Panel.read(args.panel, catalogue=catalogue, units=args.units, sheet=args.sheet)
    _report(str(args.panel), panel, args.rows)
    targets = fazhi.Targets.read(args.targets, catalogue=catalogue) if args.targets else None
    aggregate = tuple(args.aggregate.split(",")) if "," in args.aggregate else args.aggregate
    scores = panel.score(
        years=args.year,
        normalise=args.normalise,
        scope=args.scope,
        aggregate=aggregate,
        kinds=args.kinds.split(",") if args.kinds else None,
        impute=args.impute,
        targets=targets if args.normalise == "target" else None,
    )
    comp = scores.composite
    year = args.year or comp.filter(pl.col("rank").is_not_null())["year"].max()
    if year is None:
        print("fazhi: no unit could be ranked; see the excluded list below", file=sys.stderr)
        _print_frame(scores.excluded, args.rows)
        return 1
    print(f"== composite scores and ranks, {year} ({scores})")
    _print_frame(_ranking_table(scores, int(year)), max(args.rows, comp.height))
    uncertainty = None
    if args.draws:
        uncertainty = panel.uncertainty(
            int(year), draws=args.draws, seed=args.seed, progress=not args.quiet, normalise=args.normalise
        )
        print(f"-- rank intervals from {uncertainty.completed} of {args.draws} draws (seed {args.seed}):")
        _print_frame(
            uncertainty.ranks.select("unit", "nominal_rank", "median_rank", "rank_p05", "rank_p95"),
            max(args.rows, comp.height),
        )
    files = _write_scorecards(
        scores,
        args.out,
        args.name,
        year=int(year),
        panel=panel,
        gaps=panel.gaps(targets) if targets is not None else None,
        changes=panel.changes(),
        diagnostics=panel.diagnostics(),
        lang=args.lang,
        data_note=args.data_note,
        uncertainty=uncertainty,
    )
    print("scorecards written: " + ", ".join(str(f) for f in files))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fazhi", description="法治政府建设 assessment for townships and counties"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="validate the bundled real and synthetic data and print the reports")
    demo.add_argument("--rows", type=int, default=20, help="rows of each report to print")
    demo.add_argument(
        "--out", type=Path, default=Path("out"), help="folder for the scorecards (default: out)"
    )
    demo.add_argument("--lang", choices=["zh", "en"], default="zh", help="scorecard language")
    demo.set_defaults(run=_demo)
    ext = sub.add_parser("extract", help="read report texts into a panel table (CSV)")
    ext.add_argument("reports", nargs="+", type=Path, help="report files or folders (.txt, .docx, .html)")
    ext.add_argument("-o", "--output", type=Path, default=None, help="CSV to write (default: stdout)")
    ext.add_argument("--unit", default=None, help="the reporting unit, when the text does not say")
    ext.add_argument("--year", type=int, default=None, help="the report year, when the text does not say")
    ext.add_argument("--rules", type=Path, default=None, help="extraction rules .toml (default: bundled)")
    ext.add_argument("--catalogue", type=Path, default=None, help="catalogue .toml/.json (default: bundled)")
    ext.add_argument("--encoding", default=None, help="text encoding (detected when omitted)")
    ext.add_argument("--quiet", action="store_true", help="no progress bar")
    ext.add_argument("--rows", type=int, default=20, help="rows of each report to print")
    ext.set_defaults(run=_extract)
    sc = sub.add_parser("score", help="score and rank a panel; write Excel and HTML scorecards")
    sc.add_argument("panel", type=Path, help="panel file (.csv/.xlsx/.parquet/…)")
    sc.add_argument(
        "--units", type=Path, default=None, help="unit table (code, name, county, villages, residents)"
    )
    sc.add_argument("--targets", type=Path, default=None, help="plan targets (for the gaps sheet)")
    sc.add_argument("--year", type=int, default=None, help="year shown on the scorecards (default: latest)")
    sc.add_argument("--catalogue", type=Path, default=None, help="catalogue .toml/.json (default: bundled)")
    sc.add_argument("--sheet", default=None, help="sheet of a spreadsheet panel (default: the first)")
    sc.add_argument("--normalise", default="minmax", help="minmax | goalposts | target | zscore | rank")
    sc.add_argument("--scope", default="year", help="year | global | group")
    sc.add_argument("--aggregate", default="arithmetic", help="arithmetic | geometric | minimum, or two: a,b")
    sc.add_argument("--kinds", default=None, help="only these indicator kinds: output,outcome")
    sc.add_argument("--impute", default=None, help="carry_forward[:k] | group_median")
    sc.add_argument("--out", type=Path, default=Path("out"), help="folder for the scorecards (default: out)")
    sc.add_argument("--name", default="scorecard", help="file name stem (default: scorecard)")
    sc.add_argument("--lang", choices=["zh", "en"], default="zh", help="scorecard language")
    sc.add_argument("--data-note", default=None, help="where the data come from, printed on the scorecards")
    sc.add_argument(
        "--draws", type=int, default=0, help="rank intervals from this many Monte Carlo draws (default: none)"
    )
    sc.add_argument("--seed", type=int, default=20240301, help="seed of the draws")
    sc.add_argument("--quiet", action="store_true", help="no progress bar")
    sc.add_argument("--rows", type=int, default=20, help="rows of each report to print")
    sc.set_defaults(run=_score)
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
