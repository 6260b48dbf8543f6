"""The Foundation's contract through Python: catalogue, values, panel, targets, errors."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import fazhi
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# ---------------------------------------------------------------- catalogue


def test_default_catalogue_covers_the_seed() -> None:
    cat = fazhi.Catalogue.default()
    frame = cat.frame
    assert frame.height == len(cat) >= 30
    assert {
        "code",
        "name_zh",
        "name_en",
        "dimension",
        "measure",
        "kind",
        "polarity",
        "denominator",
        "worst",
        "best",
        "weight",
        "seed_quote",
        "phrasing",
    } <= set(frame.columns)
    assert cat.dimensions.height == 8
    assert frame["weight"].unique().to_list() == [1.0]
    assert set(frame["kind"].unique()) == {"output", "outcome"}
    assert cat.resolve("“法宣在线”参考率") == "CAP_ONLINE_EXAM_PARTICIPATION"


def test_catalogue_round_trips_through_a_user_file(tmp_path: Path) -> None:
    cat = fazhi.Catalogue.default()
    path = tmp_path / "mine.toml"
    path.write_text(cat.to_toml().replace('version = "2025.1"', 'version = "county-2025"'), encoding="utf-8")
    mine = fazhi.Catalogue.read(path)
    assert mine.version == "county-2025"
    assert mine.frame.equals(cat.frame)
    panel = fazhi.Panel.read(Path(fazhi.datasets_dir()) / "seed" / "sikeshu_2023.csv", catalogue=path)
    assert panel.summary()["catalogue_version"] == "county-2025"


def test_catalogue_2024_1_still_loads_and_validates_old_panels(root: Path) -> None:
    """docs/catalogue-migration.md: 2025.1 keeps every 2024.1 code, and the frozen 2024.1 file
    can be pinned with Catalogue.read."""
    new = fazhi.Catalogue.default()
    old = fazhi.Catalogue.read(root / "datasets" / "catalogue-2024.1.toml")
    assert (new.version, len(new), old.version, len(old)) == ("2025.1", 80, "2024.1", 40)
    shared = [c for c in new.frame.columns if c != "phrasing"]
    kept = new.frame.filter(pl.col("code").is_in(old.frame["code"].to_list()))
    assert kept.select(shared).sort("code").equals(old.frame.select(shared).sort("code"))
    assert new.frame.filter(~pl.col("code").is_in(old.frame["code"].to_list()))["phrasing"].null_count() == 0
    seed = root / "datasets" / "seed" / "sikeshu_2023.csv"
    a, b = fazhi.Panel.read(seed), fazhi.Panel.read(seed, catalogue=old)
    assert a.rejected.height == b.rejected.height == 0
    assert a.frame.equals(b.frame)
    assert b.summary()["catalogue_version"] == "2024.1"


def test_bad_catalogue_raises_catalogue_error_naming_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    text = fazhi.Catalogue.default().to_toml().replace('dimension = "PUB"', 'dimension = "NOPE"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(fazhi.CatalogueError, match=r"broken\.toml.*NOPE"):
        fazhi.Catalogue.read(path)
    assert issubclass(fazhi.CatalogueError, fazhi.FazhiError)


# ---------------------------------------------------------------- values (METHODOLOGY §2)

VALUE_FORMS = [
    ("8", 8, 8, 8, "exact"),
    ("8次", 8, 8, 8, "exact"),
    ("1060多", 1060, 1070, 1060, "at_least"),
    ("1060多份", 1060, 1070, 1060, "at_least"),
    ("90余", 90, 100, 90, "at_least"),
    ("300余", 300, 400, 300, "at_least"),
    ("95%以上", 95, 100, 95, "at_least"),
    ("超过50", 50, None, 50, "at_least"),
    ("3—5", 3, 5, 4, "range"),
    ("3-5", 3, 5, 4, "range"),
    ("3至5", 3, 5, 4, "range"),
    ("3～5人", 3, 5, 4, "range"),
    ("近100", None, 100, 100, "at_most"),
    ("近百", None, 100, 100, "at_most"),
    ("不足20", None, 20, 20, "at_most"),
    ("约200", 200, 200, 200, "approx"),
    ("200人左右", 200, 200, 200, "approx"),
    ("１２", 12, 12, 12, "exact"),
    ("一", 1, 1, 1, "exact"),
    ("两", 2, 2, 2, "exact"),
    ("十二", 12, 12, 12, "exact"),
    ("一百零五", 105, 105, 105, "exact"),
    ("89.93分", 89.93, 89.93, 89.93, "exact"),
]


@pytest.mark.parametrize(("text", "lo", "hi", "point", "qualifier"), VALUE_FORMS)
def test_value_forms(text: str, lo: float | None, hi: float | None, point: float, qualifier: str) -> None:
    v = fazhi.parse_value(text)
    assert (v["lo"], v["hi"], v["point"], v["qualifier"]) == (lo, hi, point, qualifier)


@pytest.mark.parametrize("text", ["", "很多", "XX", "--", "5-3", "约3—5", "8 times", "一是做好"])
def test_unreadable_values_raise_value_parse_error(text: str) -> None:
    with pytest.raises(fazhi.ValueParseError) as info:
        fazhi.parse_value(text)
    assert repr(text) in str(info.value) or f'"{text}"' in str(info.value)
    assert isinstance(info.value, fazhi.ValidationError)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=16))
def test_parser_never_panics(text: str) -> None:
    try:
        v = fazhi.parse_value(text)
    except fazhi.ValueParseError:
        return
    if v["lo"] is not None and v["hi"] is not None:
        assert v["lo"] <= v["hi"]


# ---------------------------------------------------------------- panel


def test_seed_loads_with_zero_rejections(root: Path) -> None:
    panel = fazhi.Panel.read(root / "datasets" / "seed" / "sikeshu_2023.csv")
    assert panel.rejected.height == 0
    assert len(panel) == panel.input_rows == 26
    f = panel.frame
    assert f.columns[:8] == ["unit", "year", "indicator", "value", "lo", "hi", "qualifier", "text"]

    def row(code: str) -> tuple:
        r = f.filter(pl.col("indicator") == code).row(0, named=True)
        return (r["lo"], r["hi"], r["qualifier"])

    assert row("PUB_MATERIALS") == (1060, 1070, "at_least")
    assert row("DISP_DISPUTES_MEDIATED") == (90, 100, "at_least")
    assert row("DISP_MEDIATORS_PER_VILLAGE") == (3, 5, "range")
    assert row("VIL_LEGAL_LITERATE_STUDY_RATE") == (95, 100, "at_least")
    assert f["source"].null_count() == 0


def test_bad_rows_report(root: Path, data: Path) -> None:
    panel = fazhi.Panel.read(root / "datasets" / "demo" / "bad_rows.csv", units=data / "units.csv")
    rej = panel.rejected
    assert rej.columns == ["file", "row", "column", "unit", "year", "indicator", "text", "reason", "message"]
    assert len(panel) + rej.height == panel.input_rows == 17
    reasons = dict(zip(rej["row"].to_list(), rej["reason"].to_list()))
    assert reasons == {
        2: "duplicate",
        3: "missing_key",
        4: "bad_year",
        5: "unknown_indicator",
        6: "unknown_unit",
        7: "empty_value",
        8: "unparseable_value",
        9: "percent_out_of_range",
        10: "negative_value",
        11: "fractional_count",
        12: "wrong_measure",
        13: "not_boolean",
        14: "duplicate",
        15: "missing_key",
        17: "placeholder",
        18: "missing_key",
    }
    assert rej.filter(pl.col("row") == 8)["text"].item() == "很多"


def test_strict_mode_raises_with_location(root: Path) -> None:
    with pytest.raises(fazhi.ValidationError, match=r"bad_rows\.csv, row 3"):
        fazhi.Panel.read(root / "datasets" / "demo" / "bad_rows.csv", strict=True)


def test_gbk_and_bom_files(data: Path) -> None:
    gbk = fazhi.Panel.read(data / "gbk_panel.csv")
    assert (len(gbk), gbk.rejected.height) == (5, 1)
    assert set(gbk.frame["unit"]) == {"合成甲镇", "合成乙乡"}
    assert fazhi.Panel.read(data / "gbk_panel.csv", encoding="gb18030").frame.equals(gbk.frame)
    with pytest.raises(fazhi.InputError, match="gbk_panel.csv"):
        fazhi.Panel.read(data / "gbk_panel.csv", encoding="utf-8")
    bom = fazhi.Panel.read(data / "bom_wide.csv")
    assert (len(bom), bom.rejected.height, bom.input_rows) == (8, 1, 9)
    assert bom.rejected["column"].item() == "不存在的指标"


def test_panel_from_polars_frames_long_and_wide() -> None:
    long = pl.DataFrame(
        {
            "unit": ["合成甲镇", "合成甲镇", "合成乙乡"],
            "year": [2023, 2023, 2023],
            "indicator": ["PUB_MATERIALS", "调解矛盾纠纷件数", "PUB_MATERIALS"],
            "value": ["1060多份", "90余件", "约200"],
        }
    )
    panel = fazhi.Panel(long)
    assert len(panel) == 3 and panel.rejected.height == 0
    wide = panel.wide()
    assert wide.columns == ["unit", "year", "DISP_DISPUTES_MEDIATED", "PUB_MATERIALS"]
    again = fazhi.Panel(wide)
    assert again.wide().equals(wide)
    numeric = pl.DataFrame({"unit": ["a", "b"], "year": [2023, 2023], "PUB_MATERIALS": [10.0, None]})
    assert len(fazhi.Panel(numeric)) == 1  # the null is missing, not zero


def test_frames_cross_without_copy_semantics_issues() -> None:
    # Large enough to span several Arrow buffers; values survive the round trip exactly.
    n = 50_000
    frame = pl.DataFrame(
        {
            "unit": [f"合成{i % 977}镇" for i in range(n)],
            "year": [2000 + i // 977 for i in range(n)],
            "indicator": ["PUB_MATERIALS"] * n,
            "value": [float(i % 1000) for i in range(n)],
        }
    )
    panel = fazhi.Panel(frame)
    assert len(panel) == n
    assert panel.frame["value"].sum() == frame["value"].sum()


def test_wrong_argument_types() -> None:
    with pytest.raises(TypeError, match="polars DataFrame"):
        fazhi.Panel({"unit": ["a"]})
    with pytest.raises(fazhi.ArgumentError):
        fazhi.Panel.read("x.csv", catalogue=3.5)
    with pytest.raises(fazhi.InputError, match="missing.csv"):
        fazhi.Panel.read("missing.csv")


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_is_irrelevant(rnd: random.Random) -> None:
    base = fazhi.datasets_dir() / "demo" / "panel.csv"
    raw = pl.read_csv(base, infer_schema_length=0).head(400)
    order = list(range(raw.height))
    rnd.shuffle(order)
    a = fazhi.Panel(raw).frame.drop("row")
    b = fazhi.Panel(raw[order]).frame.drop("row")
    assert a.equals(b)


def test_repr_and_html(root: Path) -> None:
    panel = fazhi.Panel.read(root / "datasets" / "demo" / "bad_rows.csv")
    text = repr(panel)
    assert "rejected" in text and "catalogue 2025.1" in text
    html = panel._repr_html_()
    assert "<table>" in html and "bad_year" in html
    assert "80 indicators" in repr(fazhi.Catalogue.default())


# ---------------------------------------------------------------- targets and units


def test_demo_targets_and_units(root: Path) -> None:
    targets = fazhi.Targets.read(root / "datasets" / "demo" / "targets.csv")
    t = targets.frame
    assert t.height == len(targets) > 20
    assert t.filter(pl.col("threshold").is_not_null()).height >= 3
    assert 2025 in t["year"].to_list()
    units = fazhi.Units.read(root / "datasets" / "demo" / "units.csv")
    assert len(units) >= 12
    assert {"code", "name", "county", "villages", "residents"} <= set(units.frame.columns)


def test_bad_targets_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "unit,indicator,year,comparator,target\nSYN01,PUB_MATERIALS,2024,at_least,100\n"
        "SYN01,PUB_MATERIALS,2024,more_or_less,100\n",
        encoding="utf-8",
    )
    with pytest.raises(fazhi.TargetsError, match=r"t\.csv, row 3.*comparator"):
        fazhi.Targets.read(path)


def test_targets_and_units_read_a_named_sheet_as_written(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "说明"
    cover.append(["合成数据，仅供测试"])
    sheet = book.create_sheet("目标")
    sheet.append(["乡镇", "指标", "2025年目标"])
    sheet.append(["合成甲镇", "PUB_MATERIALS", "不少于1500份"])
    sheet.append(["样例乡", "DISP_PETITIONS_BEYOND_LEVEL", "3件以下"])
    units = book.create_sheet("乡镇")
    units.append(["code", "name", "villages"])
    units.append(["SYN01", "合成甲镇", 12])
    path = tmp_path / "plan.xlsx"
    book.save(path)

    t = fazhi.Targets.read(path, sheet="目标").frame
    assert t.select("unit", "year", "comparator", "target").rows() == [
        ("合成甲镇", 2025, "at_least", 1500.0),
        ("样例乡", 2025, "at_most", 3.0),
    ]
    assert len(fazhi.Units.read(path, sheet="乡镇")) == 1
    with pytest.raises(fazhi.FazhiError):
        fazhi.Targets.read(path, sheet="没有这张表")


def test_every_target_problem_is_raised_at_once(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "unit,indicator,year,target\n合成甲镇,PUB_MATERIALS,2024,1500多份\n"
        "合成甲镇,PUB_MATERIALS,,100\n样例乡,合成不存在指标,2024,3\n",
        encoding="utf-8",
    )
    with pytest.raises(fazhi.TargetsError) as info:
        fazhi.Targets.read(path)
    message = str(info.value)
    assert "3 problems" in message
    for where in ['row 2, column "target"', 'row 3, column "year"', 'row 4, column "indicator"']:
        assert where in message


# ---------------------------------------------------------------- the command and the README


def test_demo_command_runs(root: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "fazhi", "demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    assert "REAL: 2023 report of 四棵树镇" in out.stdout
    assert "REAL: extracted from the 2023 report of 四棵树镇" in out.stdout
    assert "how sure are these ranks?" in out.stdout
    assert (tmp_path / "demo_scorecard.xlsx").is_file() and (tmp_path / "demo_scorecard.html").is_file()
    assert "SYNTHETIC: demo county" in out.stdout
    assert "1060多份" in out.stdout
    assert "rate_mismatch" in out.stdout and "ratio_above_100" in out.stdout
    assert "progress towards the 2025 plan" in out.stdout


def test_validate_command_exit_codes(root: Path, data: Path, tmp_path: Path) -> None:
    report = tmp_path / "rejected.csv"
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "fazhi",
            "validate",
            str(root / "datasets" / "demo" / "bad_rows.csv"),
            "--fail-on-reject",
            "--rejected-csv",
            str(report),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert pl.read_csv(report).height == 15  # SYN99 passes without a unit table
    missing = subprocess.run(
        [sys.executable, "-m", "fazhi", "validate", "nope.csv"], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "no such file or folder: nope.csv" in missing.stderr


def test_readme_python_quickstart_runs(root: Path) -> None:
    text = (root / "README.md").read_text(encoding="utf-8")
    start = text.index("```python\n") + len("```python\n")
    code = text[start : text.index("```", start)]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, capture_output=True)


def test_totals_and_footnotes_are_skipped_and_listed(tmp_path):
    # A synthetic county sheet saved as CSV: a 合计 row and a 注： line below the table.
    path = tmp_path / "county.csv"
    path.write_text(
        "序号,乡镇,年份,发放法治宣传资料份数,备注\n"
        "1,合成甲镇,2024,1060多,含线上\n"
        "2,合成乙镇,2024,900,\n"
        ",合计,2024,1960,\n"
        "注：数据由各乡镇填报,,,,\n",
        encoding="utf-8",
    )
    panel = fazhi.Panel.read(path)
    assert panel.rejected.height == 0, panel.rejected
    assert panel.frame.height == 2
    skipped = panel.skipped
    assert skipped["reason"].to_list() == ["total", "footnote"]
    assert skipped["row"].to_list() == [4, 5]
    summary = panel.summary()
    assert summary["input_rows"] == summary["observations"] + summary["rejected"] + summary["skipped"]
    assert "含线上" in panel.frame["source"].to_list()


def test_aliases_without_editing_toml(tmp_path):
    frame = pl.DataFrame({"乡镇": ["合成甲镇"], "年份": [2024], "法治宣传资料发放份数": ["1060多"]})
    assert fazhi.Panel(frame).rejected.height == 1
    catalogue = fazhi.Catalogue.default().with_aliases({"法治宣传资料发放份数": "PUB_MATERIALS"})
    assert fazhi.Panel(frame, catalogue=catalogue).frame.height == 1
    table = tmp_path / "aliases.csv"
    table.write_text("alias,indicator\n法治宣传资料发放份数,发放法治宣传资料份数\n", encoding="utf-8")
    assert fazhi.Panel(frame, catalogue=fazhi.Catalogue.default().with_aliases(table)).frame.height == 1
    with pytest.raises(fazhi.FazhiError):
        fazhi.Catalogue.default().with_aliases({"x": "NO_SUCH_CODE"})


def test_concat_merges_files_and_reports_keys_two_files_hold(tmp_path: Path) -> None:
    a = tmp_path / "2023.csv"
    a.write_text(
        "乡镇,年份,发放法治宣传资料份数\n合成甲镇,2023,1060多\n合成乙乡,2023,500\n", encoding="utf-8"
    )
    b = tmp_path / "2024.csv"
    b.write_text(
        "乡镇,年份,发放法治宣传资料份数\n合成甲镇,2024,1200\n合成甲镇,2023,1060多\n合成乙乡,2023,520\n合成乙乡,20x4,3\n",
        encoding="utf-8",
    )
    pa, pb = fazhi.Panel.read(a), fazhi.Panel.read(b)
    merged = fazhi.Panel.concat([pa, pb])
    assert merged.input_rows == pa.input_rows + pb.input_rows
    assert merged.input_rows == len(merged) + merged.rejected.height + merged.summary()["skipped"]
    assert merged.frame.select("unit", "year").rows() == [("合成甲镇", 2023), ("合成甲镇", 2024)]
    kept = merged.frame.row(0, named=True)
    assert (kept["lo"], kept["qualifier"], kept["file"]) == (1060.0, "at_least", str(a))
    dups = merged.rejected.filter(pl.col("reason") == "duplicate")
    assert dups.height == 3
    assert dups.filter(pl.col("message").str.contains("conflicting"))["file"].sort().to_list() == [
        str(a),
        str(b),
    ]
    assert merged.rejected.filter(pl.col("reason") != "duplicate").height == 1  # 20x4 from b
    assert merged.changes().height >= 1
    with pytest.raises(fazhi.ArgumentError, match=r"panels must be a list of fazhi\.Panel"):
        fazhi.Panel.concat([pa, "b.csv"])  # type: ignore[list-item]
    with pytest.raises(fazhi.FazhiError, match="same units="):
        fazhi.Panel.concat(
            [
                pa,
                fazhi.Panel.read(
                    a,
                    units=pl.DataFrame({"code": ["合成甲镇", "合成乙乡"], "name": ["合成甲镇", "合成乙乡"]}),
                ),
            ]
        )


def test_datasets_dir_outside_a_checkout_writes_the_bundle(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # As in an installed wheel: no datasets/ folder above the package.
    monkeypatch.setattr(fazhi, "__file__", str(tmp_path / "site" / "fazhi" / "__init__.py"))
    monkeypatch.setenv("FAZHI_DATA", str(tmp_path / "data"))
    folder = fazhi.datasets_dir()
    assert folder == tmp_path / "data" / "datasets"
    assert fazhi.Panel.read(folder / "demo" / "panel.csv").rejected.height == 0
    assert (folder / "seed" / "sikeshu_2023.txt").is_file()
    monkeypatch.delenv("FAZHI_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cached = fazhi.datasets_dir()
    assert cached == tmp_path / "cache" / "fazhi" / f"datasets-{fazhi.__version__}" / "datasets"
    assert (cached / "catalogue.toml").read_bytes() == (folder / "catalogue.toml").read_bytes()
