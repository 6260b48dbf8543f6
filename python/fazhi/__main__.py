"""The ``fazhi`` command.

``fazhi demo``      the main job on the bundled data: extract the real 2023 report of 四棵树镇,
                    validate it and the synthetic demo county, compute changes, target gaps and
                    data-quality flags, score and rank the demo county, and write the scorecards
                    (``out/demo_scorecard.xlsx`` and ``.html``).
``fazhi extract``   read report texts (.txt/.docx/.html, a file or a folder) into a panel table.
``fazhi score``     validate a panel, score and rank its units, write the Excel and HTML scorecards
                    and print the ranking.
``fazhi validate``  validate a panel file against the catalogue and print the rejection report.
``fazhi datasets``  write the bundled datasets (catalogues, rules, the real seed report, the
                    synthetic demo county) into ``DIR/datasets/``, for the README's examples.

Exit codes (messages go to stderr, one line, no traceback):

0    success
1    the work ran but its result is empty or has problems you asked to fail on
     (``validate --fail-on-reject``, ``extract`` with no value found, ``score`` with no unit ranked)
2    a usage error: a bad option or value (``--draws -5``, an unknown ``--normalise``), a file named
     on the command line that does not exist, an ``--out``/``-o`` that cannot be written
3    the input was found but fazhi refused it: one of its typed errors (InputError,
     ValidationError, CatalogueError, TargetsError, ExtractionError, ScoringError), printed with
     its message, which names the file, row and column
70   a bug in fazhi (fazhi.InternalError, a Rust panic, or any other unexpected error): the message
     says so and where to report it
130  interrupted (Ctrl-C)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import textwrap
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import polars as pl

if TYPE_CHECKING:
    import fazhi

EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_BUG = 70
EXIT_INTERRUPTED = 130

# Panel.uncertainty refuses more (docs/methodology.md §8, Limits); checked here before any work.
MAX_DRAWS = 1_000_000


class _UsageError(Exception):
    """A command-line value that cannot be used; exit 2 with the message."""


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line: ``fazhi: error: … (see fazhi score --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"fazhi: error: {message} (see {self.prog} --help)\n")


def _count(limit: int | None = None):  # type: ignore[no-untyped-def]
    """An argparse type: an int ≥ 0 (and ≤ limit)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
        if limit is not None and value > limit:
            raise argparse.ArgumentTypeError(f"must be at most {limit:,}, got {value:,}")
        return value

    return parse


def _file(text: str) -> Path:
    """An argparse type: a file or folder that exists."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file or folder: {text}")
    return path


def _writable_folder(path: Path, option: str) -> Path:
    """Creates ``path`` if needed; an error naming the option when it cannot be written."""
    if path.exists() and not path.is_dir():
        raise _UsageError(f"{option} {path}: exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _UsageError(f"{option} {path}: cannot create this folder ({e.strerror or e})") from None
    if not path.is_dir():
        raise _UsageError(f"{option} {path}: not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise _UsageError(f"{option} {path}: this folder is not writable")
    return path


def _print_frame(frame: pl.DataFrame, rows: int = 20) -> None:
    with pl.Config(tbl_rows=rows, tbl_cols=12, fmt_str_lengths=60, tbl_width_chars=160):
        print(frame)


def _print_wrapped(frame: pl.DataFrame, head: list[str], text: str, rows: int = 20) -> None:
    """Prints each row as one line of ``head`` columns and its ``text`` below it, wrapped to the
    terminal's width and indented — messages are read in full, never cut with an ellipsis."""
    width = max(60, shutil.get_terminal_size((120, 24)).columns - 1)
    for row in frame.head(rows).iter_rows(named=True):
        print("  " + " · ".join(f"{c} {row[c]}" for c in head if row[c] is not None))
        wrapped = textwrap.wrap(
            str(row[text] or ""), width, initial_indent="      ", subsequent_indent="      ",
            break_long_words=False, break_on_hyphens=False,
        )  # fmt: skip
        for line in wrapped:
            print(line)
    if frame.height > rows:
        print(f"  … and {frame.height - rows} more (--rows N shows more)")


def _report(name: str, panel, show_rows: int) -> None:  # type: ignore[no-untyped-def]
    print(f"== {name}")
    print(panel)
    summary = panel.summary()
    assert summary["input_rows"] == len(panel) + summary["rejected"] + summary["skipped"]
    if panel.skipped.height:
        print(f"-- {panel.skipped.height} rows read past (titles, 合计 rows, 注 footnotes):")
        _print_frame(panel.skipped.select("row", "reason", "text", "observations"), show_rows)
    if summary["filled"]:
        print(f"-- {summary['filled']} cells filled from merged cells")
    if summary["rejected"]:
        print("-- rejections by column:")
        _print_frame(
            panel.rejected_summary.select("column", "reason", "rejected", "first_row", "example"), show_rows
        )
        print(f"-- {summary['rejected']} rejected rows (row, column, text, reason; below: what to do):")
        _print_wrapped(
            panel.rejected, ["row", "column", "unit", "indicator", "text", "reason"], "message", show_rows
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
    progress=None,
    sources: bool = True,
) -> list[Path]:
    _writable_folder(out, "--out")
    options = dict(
        year=year,
        panel=panel,
        gaps=gaps,
        changes=changes,
        progress=progress,
        diagnostics=diagnostics,
        uncertainty=uncertainty,
        lang=lang,
        data_note=data_note,
        sources=sources,
    )
    xlsx = scores.to_excel(out / f"{stem}.xlsx", **options)
    html = scores.to_html(out / f"{stem}.html", **options)
    return [Path(xlsx), Path(html)]


def _demo(args: argparse.Namespace) -> int:
    import fazhi

    _writable_folder(Path(args.out), "--out")
    data = fazhi.datasets_dir()
    catalogue = fazhi.Catalogue.default()
    print(catalogue)
    print()
    # The real report text (the 2023 report of 四棵树镇, bundled unchanged).
    source = data / "seed" / "sikeshu_2023.txt"
    extraction = fazhi.extract(source, unit="四棵树镇", year=2023, catalogue=catalogue, progress=False)
    print(f"== REAL: extracted from the 2023 report of 四棵树镇 ({source.name}): {len(extraction)} values")
    _print_frame(extraction.values.select("indicator", "text", "lo", "hi", "qualifier", "quote"), args.rows)
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
    counts = progress.group_by("category").len()
    _print_frame(counts.sort(["len", "category"], descending=[True, False]), args.rows)
    flags = demo.diagnostics()
    print("-- data-quality flags (warnings):")
    _print_frame(
        flags.filter(pl.col("severity") == "warning").group_by("check").len().sort("check"), args.rows
    )
    _print_wrapped(
        flags.filter(pl.col("check") == "rate_mismatch"), ["unit", "year", "indicator"], "message", args.rows
    )
    print()
    seed_flags = seed.diagnostics().filter(pl.col("check") != "qualified_share")
    print("-- data-quality flags in the REAL seed report:")
    _print_wrapped(seed_flags, ["indicator", "check", "severity"], "message", args.rows)
    print()
    scores = demo.score()
    note = (
        "合成（虚构）示范县：数字为演示而编造，不得引用"
        if args.lang == "zh"
        else "SYNTHETIC demo county (合成…): invented numbers for trying fazhi out; do not cite them"
    )
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
        progress=progress,
        diagnostics=flags,
        lang=args.lang,
        data_note=note,
        uncertainty=u,
    )
    print("-- scorecards written: " + ", ".join(str(f) for f in files))
    print()
    checked = fazhi.Panel.read(data / "demo" / "bad_rows.csv", catalogue=catalogue, units=units)
    _report("SYNTHETIC: deliberately bad rows, datasets/demo/bad_rows.csv", checked, args.rows)
    return 0


def _datasets(args: argparse.Namespace) -> int:
    import fazhi

    _writable_folder(args.folder, "DIR")
    written = fazhi.write_datasets(args.folder, overwrite=args.force)
    for status, path in written:
        print(f"{status:9} {path}")
    counts = {s: sum(1 for w, _ in written if w == s) for s in ("created", "unchanged", "replaced")}
    print(
        f"{len(written)} files in {args.folder / 'datasets'}: "
        + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    import fazhi

    panel = fazhi.Panel.read(
        args.panel,
        catalogue=args.catalogue,
        units=_units(args),
        strict=args.strict,
        encoding=args.encoding,
        sheet=args.sheet,
        header_row=args.header_row,
    )
    _report(str(args.panel), panel, args.rows)
    if args.rejected_csv:
        panel.rejected.write_csv(args.rejected_csv)
        print(f"rejection report written to {args.rejected_csv}")
    if args.fail_on_reject and panel.summary()["rejected"]:
        return 1
    return 0


def _print_overridden(titles: pl.DataFrame, stated: str, forced: object, option: str) -> None:
    """Lists the reports whose title states another unit or year than the one forced on them."""
    if forced is None:
        return
    other = titles.filter(pl.col(stated).is_not_null() & (pl.col(stated) != forced))
    for row in other.iter_rows(named=True):
        print(
            f"{option} {forced}: {row['source']} states {row[stated]} ({row['title']}); replaced",
            file=sys.stderr,
        )


def _units(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The unit table of ``--units`` (and ``--units-sheet``), or None."""
    import fazhi

    if args.units is None:
        if args.units_sheet is not None:
            raise _UsageError("--units-sheet needs --units")
        return None
    return fazhi.Units.read(args.units, sheet=args.units_sheet)


# Reasons of .unmatched for numbers that are not figures at all (dates, document numbers, …).
_NOT_FIGURES = (
    "date",
    "year",
    "plan_period",
    "period",
    "document_number",
    "hotline",
    "slogan",
    "placeholder",
)


def _print_unmatched(source: Path, unmatched: pl.DataFrame) -> None:
    """One line: how many numbers were seen but not mapped, and why (most frequent reasons)."""
    if unmatched.height == 0:
        return
    figures = unmatched.filter(~pl.col("reason").is_in(_NOT_FIGURES))
    reasons = figures.group_by("reason").len().sort(["len", "reason"], descending=[True, False])
    why = ", ".join(f"{r} {n}" for r, n in reasons.iter_rows())
    print(
        f"{source}: {unmatched.height} numbers seen but not mapped: "
        f"{unmatched.height - figures.height} are dates, years, document numbers and the like, "
        f"{figures.height} may be figures" + (f" ({why})" if why else ""),
        file=sys.stderr,
    )


def _extract(args: argparse.Namespace) -> int:
    import fazhi

    for option, path in (("-o", args.output), ("--unmatched", args.unmatched)):
        if path is not None:
            if path.is_dir():
                raise _UsageError(f"{option} {path}: a folder; name the CSV file to write")
            _writable_folder(path.parent, option)
    frames = []
    unmatched = []
    failures = 0
    for source in args.reports:
        ex = fazhi.extract(
            source,
            unit=args.force_unit if args.force_unit is not None else args.unit,
            year=args.force_year if args.force_year is not None else args.year,
            force_unit=args.force_unit is not None,
            force_year=args.force_year is not None,
            rules=args.rules,
            catalogue=args.catalogue,
            encoding=args.encoding,
            progress=not args.quiet,
        )
        print(
            f"{source}: {ex.reports} reports, {len(ex)} values, {ex.failures.height} unreadable",
            file=sys.stderr,
        )
        _print_unmatched(source, ex.unmatched)
        unmatched.append(ex.unmatched)
        _print_overridden(ex.titles, "stated_unit", args.force_unit, "--force-unit")
        _print_overridden(ex.titles, "stated_year", args.force_year, "--force-year")
        failures += ex.failures.height
        if ex.failures.height:
            _print_frame(ex.failures, args.rows)
        frames.append(ex.to_panel_frame())
    panel = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    if args.output:
        panel.write_csv(args.output)
        print(f"{panel.height} values written to {args.output}", file=sys.stderr)
    else:
        panel.write_csv(sys.stdout)
    if args.unmatched:
        table = pl.concat(unmatched, how="diagonal_relaxed") if unmatched else pl.DataFrame()
        table.write_csv(args.unmatched)
        print(f"{table.height} unmapped numbers written to {args.unmatched}", file=sys.stderr)
    elif any(u.height for u in unmatched):
        print("(--unmatched FILE writes them, with reason, context and best candidate)", file=sys.stderr)
    return 0 if panel.height else 1


def _print_score_warnings(scores: fazhi.Scores) -> None:
    """Prints what the ranking cannot show: indicators left out for want of a denominator and
    comparison sets with too few ranked units (the rows of ``.excluded`` ``score()`` warns about)."""
    rows = scores.excluded.filter(pl.col("reason").is_in(["no_denominator", "few_units"]))
    for row in rows.iter_rows(named=True):
        print(f"warning ({row['reason']}): {row['detail']}")


def _score(args: argparse.Namespace) -> int:
    import fazhi

    # Before any work: an --out that cannot be written is a usage error, not a traceback at the end.
    _writable_folder(args.out, "--out")
    catalogue = fazhi.Catalogue.read(args.catalogue) if args.catalogue else fazhi.Catalogue.default()
    panel = fazhi.Panel.read(args.panel, catalogue=catalogue, units=_units(args), sheet=args.sheet)
    _report(str(args.panel), panel, args.rows)
    if args.targets_sheet is not None and args.targets is None:
        raise _UsageError("--targets-sheet needs --targets")
    targets = (
        fazhi.Targets.read(args.targets, catalogue=catalogue, sheet=args.targets_sheet)
        if args.targets
        else None
    )
    aggregate = tuple(args.aggregate.split(",")) if "," in args.aggregate else args.aggregate
    with warnings.catch_warnings():
        # Printed below from .excluded, next to the ranking they qualify.
        warnings.simplefilter("ignore", UserWarning)
        scores = panel.score(
            years=args.year,
            normalise=args.normalise,
            scope=args.scope,
            aggregate=aggregate,
            kinds=args.kinds.split(",") if args.kinds else None,
            impute=args.impute,
            targets=targets if args.normalise == "target" else None,
        )
    _print_score_warnings(scores)
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
        progress=panel.progress(targets) if targets is not None else None,
        diagnostics=panel.diagnostics(),
        lang=args.lang,
        data_note=args.data_note,
        uncertainty=uncertainty,
        sources=not args.no_sources,
    )
    print("scorecards written: " + ", ".join(str(f) for f in files))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="fazhi", description="法治政府建设 assessment for townships and counties")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="validate the bundled real and synthetic data and print the reports")
    demo.add_argument("--rows", type=_count(), default=20, help="rows of each report to print")
    demo.add_argument(
        "--out", type=Path, default=Path("out"), help="folder for the scorecards (default: out)"
    )
    demo.add_argument("--lang", choices=["zh", "en"], default="zh", help="scorecard language")
    demo.set_defaults(run=_demo)
    ext = sub.add_parser("extract", help="read report texts into a panel table (CSV)")
    ext.add_argument("reports", nargs="+", type=_file, help="report files or folders (.txt, .docx, .html)")
    ext.add_argument("-o", "--output", type=Path, default=None, help="CSV to write (default: stdout)")
    unit = ext.add_mutually_exclusive_group()
    unit.add_argument(
        "--unit", default=None, help="the unit of reports whose title states none (a title's own unit wins)"
    )
    unit.add_argument(
        "--force-unit",
        default=None,
        metavar="UNIT",
        help="the unit of every report, replacing what titles state (reports that stated another are listed)",
    )
    year = ext.add_mutually_exclusive_group()
    year.add_argument(
        "--year",
        type=int,
        default=None,
        help="the year of reports whose title states none (a title's own year wins)",
    )
    year.add_argument(
        "--force-year",
        type=int,
        default=None,
        metavar="YEAR",
        help="the year of every report, replacing what titles state (reports that stated another are listed)",
    )
    ext.add_argument(
        "--unmatched",
        type=Path,
        default=None,
        metavar="FILE",
        help="CSV of the numbers seen but not mapped (reason, context, best candidate)",
    )
    ext.add_argument("--rules", type=_file, default=None, help="extraction rules .toml (default: bundled)")
    ext.add_argument("--catalogue", type=_file, default=None, help="catalogue .toml/.json (default: bundled)")
    ext.add_argument("--encoding", default=None, help="text encoding (detected when omitted)")
    ext.add_argument("--quiet", action="store_true", help="no progress bar")
    ext.add_argument("--rows", type=_count(), default=20, help="rows of each report to print")
    ext.set_defaults(run=_extract)
    sc = sub.add_parser("score", help="score and rank a panel; write Excel and HTML scorecards")
    sc.add_argument("panel", type=_file, help="panel file (.csv/.xlsx/.parquet/…)")
    sc.add_argument(
        "--units", type=_file, default=None, help="unit table (code, name, county, villages, residents)"
    )
    sc.add_argument(
        "--units-sheet", default=None, help="sheet of a spreadsheet unit table (default: the first)"
    )
    sc.add_argument(
        "--targets", type=_file, default=None, help="plan targets (the targets and plan-progress sections)"
    )
    sc.add_argument(
        "--no-sources",
        action="store_true",
        help="leave the reported values and their source sentences out of the scorecards (a shorter print)",
    )
    sc.add_argument(
        "--targets-sheet", default=None, help="sheet of a spreadsheet of targets (default: the first)"
    )
    sc.add_argument("--year", type=int, default=None, help="year shown on the scorecards (default: latest)")
    sc.add_argument("--catalogue", type=_file, default=None, help="catalogue .toml/.json (default: bundled)")
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
        "--draws",
        type=_count(MAX_DRAWS),
        default=0,
        help=f"rank intervals from this many Monte Carlo draws, at most {MAX_DRAWS:,} (default: none)",
    )
    sc.add_argument("--seed", type=_count(2**64 - 1), default=20240301, help="seed of the draws")
    sc.add_argument("--quiet", action="store_true", help="no progress bar")
    sc.add_argument("--rows", type=_count(), default=20, help="rows of each report to print")
    sc.set_defaults(run=_score)
    val = sub.add_parser("validate", help="validate a panel file and print its rejection report")
    val.add_argument("panel", type=_file, help="panel file (.csv/.tsv/.parquet/.json/.ndjson)")
    val.add_argument("--catalogue", type=_file, default=None, help="catalogue .toml/.json (default: bundled)")
    val.add_argument(
        "--units", type=_file, default=None, help="unit table (code, name, county, villages, residents)"
    )
    val.add_argument(
        "--units-sheet", default=None, help="sheet of a spreadsheet unit table (default: the first)"
    )
    val.add_argument("--encoding", default=None, help="text encoding (detected when omitted): gbk, utf-8, …")
    val.add_argument("--sheet", default=None, help="sheet of a spreadsheet panel (default: the first)")
    val.add_argument(
        "--header-row",
        type=_count(),
        default=None,
        help="spreadsheet row of the header (default: found below titles)",
    )
    val.add_argument("--strict", action="store_true", help="stop at the first problem")
    val.add_argument("--rejected-csv", type=Path, default=None, help="write the rejection report here")
    val.add_argument("--fail-on-reject", action="store_true", help="exit 1 when any row is rejected")
    val.add_argument("--rows", type=_count(), default=20, help="rows of the report to print")
    val.set_defaults(run=_validate)
    ds = sub.add_parser("datasets", help="write the bundled datasets into DIR/datasets/")
    ds.add_argument("folder", type=Path, metavar="DIR", help="folder to write datasets/ into (e.g. .)")
    ds.add_argument("--force", action="store_true", help="replace bundled files you have edited there")
    ds.set_defaults(run=_datasets)
    args = parser.parse_args(argv)

    import fazhi

    warnings.filterwarnings("default", category=RuntimeWarning, module="fazhi")
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("fazhi: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except fazhi.InternalError as e:
        print(f"fazhi: {e}", file=sys.stderr)
        return EXIT_BUG
    except fazhi.ArgumentError as e:
        print(f"fazhi: {e}", file=sys.stderr)
        return EXIT_USAGE
    except fazhi.FazhiError as e:
        print(f"fazhi: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_INPUT
    except _UsageError as e:
        print(f"fazhi: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        # A file named on the command line that cannot be read or written.
        where = f" {e.filename}" if e.filename else ""
        print(f"fazhi: cannot use{where}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    except BaseException as e:
        if isinstance(e, (SystemExit, GeneratorExit)):
            raise
        # pyo3's PanicException (a BaseException) if a panic ever escapes the bindings, or an
        # error in fazhi's own Python code: a bug either way. The traceback helps the report.
        traceback.print_exc()
        print(
            f"fazhi: internal error ({type(e).__name__}: {e}). This is a bug in fazhi "
            f"{fazhi.__version__}, not in your input; please report it at the fazhi issue tracker "
            "with the command and the traceback above",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
