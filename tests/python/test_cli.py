"""The fazhi command: score and extract, their files and exit codes."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import fazhi
import polars as pl
import pytest


def _fazhi(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fazhi", *args], capture_output=True, text=True, cwd=cwd)


def test_score_writes_scorecards_and_prints_the_ranking(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    run = _fazhi(
        "score",
        str(demo / "panel.csv"),
        "--units",
        str(demo / "units.csv"),
        "--targets",
        str(demo / "targets.csv"),
        "--out",
        str(tmp_path),
        "--name",
        "county",
        "--data-note",
        "synthetic demo data",
        "--draws",
        "64",
        "--quiet",
    )
    assert run.returncode == 0, run.stderr
    assert "composite scores and ranks, 2024" in run.stdout
    assert "合成" in run.stdout
    assert (tmp_path / "county.xlsx").is_file() and (tmp_path / "county.html").is_file()
    html = (tmp_path / "county.html").read_text(encoding="utf-8")
    assert "synthetic demo data" in html
    assert "rank intervals from 64 of 64 draws" in run.stdout


def test_score_in_english_with_options(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    run = _fazhi(
        "score",
        str(demo / "panel.csv"),
        "--units",
        str(demo / "units.csv"),
        "--normalise",
        "goalposts",
        "--aggregate",
        "arithmetic,minimum",
        "--kinds",
        "outcome",
        "--lang",
        "en",
        "--out",
        str(tmp_path),
    )
    assert run.returncode == 0, run.stderr
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "scorecard.xlsx")
    assert book.sheetnames[0] == "Ranking" and "Methodology" in book.sheetnames


def test_score_errors_have_exit_code_2(tmp_path: Path) -> None:
    missing = _fazhi("score", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "fazhi:" in missing.stderr
    bad_option = _fazhi("score", str(tmp_path / "nope.csv"), "--lang", "fr")
    assert bad_option.returncode == 2


def test_score_with_nothing_ranked_exits_1(tmp_path: Path) -> None:
    # One synthetic township: min-max has nothing to compare, so no unit can be ranked.
    panel = tmp_path / "one.csv"
    pl.DataFrame(
        {"unit": ["合成孤镇"], "year": [2024], "indicator": ["PUB_MATERIALS"], "value": ["100"]}
    ).write_csv(panel)
    run = _fazhi("score", str(panel), "--out", str(tmp_path))
    assert run.returncode == 1
    assert "no unit could be ranked" in run.stderr


def test_extract_writes_a_panel(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    report = root / "datasets" / "seed" / "sikeshu_2023.txt"
    run = _fazhi("extract", str(report), "--unit", "四棵树镇", "--year", "2023", "-o", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    frame = pl.read_csv(out)
    assert frame.height >= 20
    assert "1060多份" in frame["value"].to_list() or frame["value"].str.contains("1060").any()


def _one_line_without_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.strip().splitlines() if "built in debug mode" not in line]
    assert len(lines) == 1, stderr


def test_bad_draws_is_a_one_line_usage_error(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    for draws in ["-5", "abc", "1000000000"]:
        run = _fazhi("score", str(demo / "panel.csv"), "--draws", draws, "--out", str(tmp_path), "--quiet")
        assert run.returncode == 2, (draws, run.stderr)
        _one_line_without_traceback(run.stderr)
        assert "--draws" in run.stderr
    # A negative seed (pyo3 raised OverflowError with a traceback).
    run = _fazhi("score", str(demo / "panel.csv"), "--seed", "-1", "--out", str(tmp_path))
    assert run.returncode == 2 and "--seed" in run.stderr
    _one_line_without_traceback(run.stderr)


def test_unwritable_out_is_a_usage_error_before_any_work(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    for out in [blocker, blocker / "sub"]:
        run = _fazhi("score", str(demo / "panel.csv"), "--out", str(out))
        assert run.returncode == 2, run.stderr
        _one_line_without_traceback(run.stderr)
        assert "--out" in run.stderr and str(out) in run.stderr
        assert "composite scores" not in run.stdout
    report = root / "datasets" / "seed" / "sikeshu_2023.txt"
    run = _fazhi("extract", str(report), "-o", str(blocker / "x.csv"))
    assert run.returncode == 2 and "-o" in run.stderr
    _one_line_without_traceback(run.stderr)


def test_unknown_option_values_are_usage_errors(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    run = _fazhi("score", str(demo / "panel.csv"), "--normalise", "bogus", "--out", str(tmp_path))
    assert run.returncode == 2 and "normalise" in run.stderr
    _one_line_without_traceback(run.stderr)
    missing = _fazhi("validate", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    _one_line_without_traceback(missing.stderr)


def test_input_fazhi_refuses_exits_3_with_its_message(root: Path) -> None:
    run = _fazhi("validate", str(root / "datasets" / "demo" / "bad_rows.csv"), "--strict")
    assert run.returncode == 3, run.stderr
    _one_line_without_traceback(run.stderr)
    assert "\nfazhi: ValidationError: validation error at" in "\n" + run.stderr and "row 3" in run.stderr


def test_a_bug_in_fazhi_exits_70_and_says_so(monkeypatch, capsys, root: Path) -> None:  # type: ignore[no-untyped-def]
    import fazhi
    import fazhi.__main__ as cli

    def panics(args) -> int:  # type: ignore[no-untyped-def]
        fazhi._fazhi._panic_for_tests("index out of bounds in step 3")
        return 0

    monkeypatch.setattr(cli, "_validate", panics)
    code = cli.main(["validate", str(root / "datasets" / "demo" / "panel.csv")])
    err = capsys.readouterr().err
    assert code == 70
    assert "bug in fazhi" in err and "index out of bounds in step 3" in err and "report it" in err
    assert "usage" not in err.lower() and "ArgumentError" not in err

    def python_bug(args) -> int:  # type: ignore[no-untyped-def]
        raise AttributeError("'NoneType' object has no attribute 'frame'")

    monkeypatch.setattr(cli, "_validate", python_bug)
    assert cli.main(["validate", str(root / "datasets" / "demo" / "panel.csv")]) == 70
    assert "bug in fazhi" in capsys.readouterr().err


def _reports_of_three_years(folder: Path) -> None:
    body = "一、工作开展情况\n今年累计发放法治宣传资料1200份，开展法治进校园活动5次。\n"
    for unit, year in [("合成甲镇", 2022), ("合成乙乡", 2023), ("样例乡", 2024)]:
        title = f"{unit}{year}年法治政府建设工作报告"
        (folder / f"{unit}{year}.txt").write_text(f"{title}\n{body}", encoding="utf-8")
    # A report whose title states neither unit nor year.
    (folder / "untitled.txt").write_text(f"工作总结\n{body}", encoding="utf-8")


def test_extract_year_and_unit_fill_in_only_what_a_report_does_not_state(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    _reports_of_three_years(folder)
    out = tmp_path / "panel.csv"
    run = _fazhi("extract", str(folder), "--year", "2024", "--unit", "合成丙镇", "-o", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    got = set(pl.read_csv(out).select("unit", "year").unique().iter_rows())
    assert got == {("合成甲镇", 2022), ("合成乙乡", 2023), ("样例乡", 2024), ("合成丙镇", 2024)}
    assert "replaced" not in run.stderr


def test_extract_force_year_replaces_and_names_the_reports_that_differed(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    _reports_of_three_years(folder)
    out = tmp_path / "panel.csv"
    run = _fazhi(
        "extract", str(folder), "--force-year", "2024", "--unit", "合成丙镇", "-o", str(out), "--quiet"
    )
    assert run.returncode == 0, run.stderr
    got = set(pl.read_csv(out).select("unit", "year").unique().iter_rows())
    assert got == {("合成甲镇", 2024), ("合成乙乡", 2024), ("样例乡", 2024), ("合成丙镇", 2024)}
    replaced = [line for line in run.stderr.splitlines() if "replaced" in line]
    assert len(replaced) == 2, run.stderr
    assert any("合成甲镇2022.txt states 2022" in line for line in replaced)
    assert any("合成乙乡2023.txt states 2023" in line for line in replaced)
    assert _fazhi("extract", str(folder), "--year", "2024", "--force-year", "2024").returncode == 2


def test_score_without_units_prints_the_indicators_it_left_out(root: Path, tmp_path: Path) -> None:
    demo = root / "datasets" / "demo"
    run = _fazhi("score", str(demo / "panel.csv"), "--out", str(tmp_path), "--draws", "0", "--quiet")
    assert run.returncode == 0, run.stderr
    warned = [line for line in run.stdout.splitlines() if line.startswith("warning (no_denominator)")]
    assert any("PUB_MATERIALS" in line and "residents" in line for line in warned), run.stdout
    assert "UserWarning" not in run.stderr


def test_validate_lists_skipped_rows_and_rejections_by_column(tmp_path: Path) -> None:
    # A synthetic county sheet as CSV: a 合计 row, a 注 footnote and one misspelt column.
    path = tmp_path / "county.csv"
    path.write_text(
        "乡镇,年份,发放法治宣传资料份数,法治宣传资料发放数\n"
        "合成甲镇,2024,1060多,3\n"
        "合成乙镇,2024,900,4\n"
        "合计,2024,1960,7\n"
        "注：合成数据,,,\n",
        encoding="utf-8",
    )
    out = _fazhi("validate", str(path))
    assert out.returncode == 0, out.stderr
    assert "rows read past" in out.stdout and "total" in out.stdout and "footnote" in out.stdout
    assert "rejections by column" in out.stdout and "法治宣传资料发放数" in out.stdout


def _readme_shell_lines(root: Path) -> list[str]:
    """The ``fazhi …`` lines of the README's shell example (the block after "From the shell")."""
    text = (root / "README.md").read_text(encoding="utf-8")
    start = text.index("```bash\n", text.index("From the shell")) + len("```bash\n")
    block = text[start : text.index("```", start)]
    lines = [line.split("  #")[0].strip() for line in block.splitlines()]
    return [line for line in lines if line]


def test_readme_shell_examples_run_as_written_from_an_empty_folder(root: Path, tmp_path: Path) -> None:
    lines = _readme_shell_lines(root)
    assert len(lines) >= 4 and all(line.startswith("fazhi ") for line in lines), lines
    for line in lines:
        run = _fazhi(*shlex.split(line)[1:], cwd=tmp_path)
        assert run.returncode == 0, f"{line}\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    assert (tmp_path / "out" / "scorecard.xlsx").is_file() and (tmp_path / "out" / "scorecard.html").is_file()
    assert pl.read_csv(tmp_path / "out" / "rejected.csv").height > 0
    assert pl.read_csv(tmp_path / "out" / "unmatched.csv").height > 0
    assert pl.read_csv(tmp_path / "out" / "panel.csv").height == 26


def test_datasets_command_writes_the_bundle_and_keeps_edits(root: Path, tmp_path: Path) -> None:
    first = _fazhi("datasets", str(tmp_path))
    assert first.returncode == 0, first.stderr
    for name in ["catalogue.toml", "seed/sikeshu_2023.txt", "demo/panel.csv", "demo/bad_rows.csv"]:
        assert (tmp_path / "datasets" / name).read_bytes() == (root / "datasets" / name).read_bytes()
    assert "created" in first.stdout
    again = _fazhi("datasets", str(tmp_path))
    assert again.returncode == 0 and "created" not in again.stdout and "unchanged" in again.stdout
    edited = tmp_path / "datasets" / "catalogue.toml"
    edited.write_text("# my edits\n", encoding="utf-8")
    refused = _fazhi("datasets", str(tmp_path))
    assert refused.returncode == 2 and "catalogue.toml" in refused.stderr and "--force" in refused.stderr
    assert edited.read_text(encoding="utf-8") == "# my edits\n"
    forced = _fazhi("datasets", str(tmp_path), "--force")
    assert forced.returncode == 0 and "replaced" in forced.stdout


def test_extract_counts_and_writes_the_numbers_it_did_not_map(root: Path, tmp_path: Path) -> None:
    report = root / "datasets" / "seed" / "sikeshu_2023.txt"
    out = tmp_path / "unmatched.csv"
    run = _fazhi("extract", str(report), "-o", str(tmp_path / "p.csv"), "--unmatched", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    table = pl.read_csv(out)
    assert table.height > 0 and {"text", "reason", "context"} <= set(table.columns)
    line = next(x for x in run.stderr.splitlines() if "numbers seen but not mapped" in x)
    assert f"{table.height} numbers seen but not mapped" in line
    assert f"{table.height} unmapped numbers written to {out}" in run.stderr
    hint = _fazhi("extract", str(report), "-o", str(tmp_path / "q.csv"), "--quiet")
    assert "--unmatched FILE" in hint.stderr


def test_units_and_targets_sheets_on_the_command_line(root: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    demo = root / "datasets" / "demo"
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["SYNTHETIC workbook for the test"])
    for name, path in [("乡镇", demo / "units.csv"), ("目标", demo / "targets.csv")]:
        sheet = book.create_sheet(name)
        frame = pl.read_csv(path, infer_schema_length=0)
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(list(row))
    xlsx = tmp_path / "county.xlsx"
    book.save(xlsx)
    run = _fazhi(
        "score", str(demo / "panel.csv"), "--units", str(xlsx), "--units-sheet", "乡镇",
        "--targets", str(xlsx), "--targets-sheet", "目标", "--out", str(tmp_path / "out"), "--quiet",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "no_denominator" not in run.stdout
    lonely = _fazhi("validate", str(demo / "panel.csv"), "--units-sheet", "乡镇")
    assert lonely.returncode == 2 and "--units-sheet needs --units" in lonely.stderr


def test_rejection_messages_are_wrapped_not_cut(root: Path) -> None:
    run = _fazhi("validate", str(root / "datasets" / "demo" / "bad_rows.csv"))
    assert run.returncode == 0, run.stderr
    assert "…" not in run.stdout.split("rejected rows", 1)[1]
    panel = fazhi.Panel.read(root / "datasets" / "demo" / "bad_rows.csv")
    longest = max(panel.rejected["message"].to_list(), key=len)
    assert " ".join(longest.split()) in " ".join(run.stdout.split())
