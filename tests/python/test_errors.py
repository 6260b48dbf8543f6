"""Errors a user meets: bounded sizes, named arguments, refused thresholds and years, bugs that say so."""

from __future__ import annotations

import math
from pathlib import Path

import fazhi
import polars as pl
import pytest
from fazhi.report import render_html, write_html


@pytest.fixture(scope="module")
def demo() -> fazhi.Panel:
    d = fazhi.datasets_dir() / "demo"
    return fazhi.Panel.read(d / "panel.csv", units=d / "units.csv")


@pytest.fixture(scope="module")
def scores(demo: fazhi.Panel) -> fazhi.Scores:
    return demo.score(years=[2023, 2024])


# ------------------------------------------------------------------ sizes and cancelling (item 1)


@pytest.mark.parametrize("draws", [2**62, 10**9, 1_000_001])
def test_too_many_draws_is_an_argument_error(demo: fazhi.Panel, draws: int) -> None:
    # 2**62 panicked (capacity overflow); 10**9 reserved some 100 GB before the first draw.
    with pytest.raises(fazhi.ArgumentError, match=f"draws must be at most 1000000, got {draws}"):
        demo.uncertainty(2024, draws=draws, progress=False)


@pytest.mark.parametrize(
    ("base", "bootstrap", "message"),
    [
        (2**62, 10, "base must be at most 1000000"),
        (1_000_001, 10, "base must be at most 1000000"),
        (4, 2**62, "bootstrap must be at most 100000"),
    ],
)
def test_sensitivity_sizes_are_bounded(demo: fazhi.Panel, base: int, bootstrap: int, message: str) -> None:
    with pytest.raises(fazhi.ArgumentError, match=message):
        demo.sensitivity(2024, base=base, bootstrap=bootstrap)


def test_ctrl_c_stops_the_draws(demo: fazhi.Panel) -> None:
    seen: list[int] = []

    def interrupt(done: int, total: int) -> None:
        seen.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.uncertainty(2024, draws=1000, progress=interrupt)
    assert seen == [64]


def test_ctrl_c_stops_the_sensitivity_bootstrap(demo: fazhi.Panel) -> None:
    base, bootstrap = 16, 500
    runs = base * 4  # weights and intervals vary: (2 + 2) runs per base row
    seen: list[tuple[int, int]] = []

    def interrupt_in_bootstrap(done: int, total: int) -> None:
        seen.append((done, total))
        if done > runs:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.sensitivity(2024, base=base, bootstrap=bootstrap, progress=interrupt_in_bootstrap)
    # The bootstrap is counted in the progress and reports after its first chunk of 64 resamples.
    assert seen[-1] == (runs + 64, runs + bootstrap)


# ------------------------------------------------------------------- progress thresholds (item 2)


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ({"compound": [math.nan, 0.6, 0.0]}, r'thresholds\["compound"\] must be three finite numbers'),
        ({"growth": [0.015, math.inf, 0.0]}, r'thresholds\["growth"\] must be three finite numbers'),
        ({"linear": [0.0, 0.5, 1.0]}, r'thresholds\["linear"\] must be descending'),
        ({"linear": "abc"}, r'thresholds\["linear"\] must be three numbers, descending, got str'),
    ],
)
def test_bad_progress_thresholds_are_refused(demo: fazhi.Panel, thresholds: dict, message: str) -> None:
    with pytest.raises(fazhi.ArgumentError, match=message):
        demo.progress(thresholds=thresholds)


# ------------------------------------------------------------------------ unscored years (item 3)


def test_excel_for_a_year_not_scored_is_refused(scores: fazhi.Scores, tmp_path: Path) -> None:
    path = tmp_path / "card.xlsx"
    with pytest.raises(fazhi.ArgumentError, match="year 2030 was not scored.*scored years: 2023, 2024"):
        scores.to_excel(path, year=2030)
    assert not path.exists()
    with pytest.raises(fazhi.ArgumentError, match="year 2022 was not scored.*scored years: 2023, 2024"):
        render_html(scores, year=2022)


# --------------------------------------------------------------------- named arguments (item 4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.changes(year="2024"), "year must be an int or a list of ints, got str '2024'"),
        (lambda p: p.changes(year=[2024, "x"]), "year must be .* item 1 is str 'x'"),
        (lambda p: p.changes(unit=5), "unit must be .*, got int 5"),
        (lambda p: p.score(years="2024"), "years must be an int or a list of ints, got str"),
        (lambda p: p.score(kinds=5), "kinds must be .*, got int 5"),
        (lambda p: p.score(aggregate=5), "aggregate must be .*, got int 5"),
        (lambda p: p.uncertainty(2024, draws=4, normalise=5, progress=False), "normalise must.*got int 5"),
        (lambda p: p.uncertainty(2024, draws=4, top="3", progress=False), "top must be .*, got str '3'"),
        (lambda p: p.uncertainty(2024, draws=4, progress="yes"), "progress must be .*, got str 'yes'"),
        (lambda p: p.uncertainty(2024, draws=4, min_coverage="x", progress=False), "min_coverage must be"),
        (lambda p: p.uncertainty(2024, draws=4, progress=False).pairs("SYN01"), "units must be a list"),
    ],
)
def test_argument_errors_name_the_argument(demo: fazhi.Panel, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(fazhi.ArgumentError, match=message) as caught:
        call(demo)
    assert "Can't extract" not in str(caught.value)


def test_frame_arguments_are_named(scores: fazhi.Scores, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="gaps must be a polars DataFrame.*got int"):
        scores.to_excel(tmp_path / "x.xlsx", gaps=5)
    with pytest.raises(TypeError, match="data must be a polars DataFrame.*got dict"):
        fazhi.Units({"code": ["a"]})


# ------------------------------------------------------------------ write_html arguments (item 5)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"year": "2024"}, TypeError, "year must be an int or None, got str"),
        ({"panel": "panel.csv"}, TypeError, "panel must be a fazhi.Panel or None, got str"),
        ({"gaps": {"unit": []}}, TypeError, "gaps must be a polars DataFrame"),
        ({"changes": pl.DataFrame({"unit": ["a"]})}, ValueError, "changes must have a year column"),
        ({"uncertainty": 3}, TypeError, "uncertainty must be the result of panel.uncertainty"),
        ({"lang": None}, TypeError, "lang"),
        ({"lang": "fr"}, ValueError, "lang must be one of"),
        ({"title": 5}, TypeError, "title must be a str or None, got int"),
        ({"data_note": b"x"}, TypeError, "data_note must be a str or None, got bytes"),
    ],
)
def test_write_html_checks_its_arguments(
    scores: fazhi.Scores, tmp_path: Path, kwargs: dict, error: type, message: str
) -> None:
    out = tmp_path / "card.html"
    with pytest.raises(error, match=message):
        write_html(out, scores, **kwargs)
    assert not out.exists()


def test_write_html_checks_path_and_scores(scores: fazhi.Scores, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got int"):
        write_html(5, scores)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="path must name a file"):
        write_html(tmp_path, scores)
    with pytest.raises(TypeError, match="scores must be the result of panel.score"):
        write_html(tmp_path / "x.html", scores.composite)
    # A DataFrame of rank intervals is accepted as well as the Uncertainty object; missing
    # folders are created.
    out = write_html(tmp_path / "sub" / "card.html", scores, uncertainty=pl.DataFrame(
        {"unit": ["SYN01"], "year": [2024], "rank_p05": [1.0], "rank_p95": [2.0]}
    ))
    assert out.is_file()


# ------------------------------------------------------------------------- bugs say so (item 7)


@pytest.mark.parametrize("detached", [True, False])
def test_a_panic_is_an_internal_error_that_says_it_is_a_bug(detached: bool) -> None:
    with pytest.raises(fazhi.InternalError) as caught:
        fazhi._fazhi._panic_for_tests("boom at step 3", detached=detached)
    message = str(caught.value)
    assert "boom at step 3" in message
    assert "bug in fazhi" in message and "report it" in message
    assert not isinstance(caught.value, (fazhi.ArgumentError, fazhi.InputError))
    assert issubclass(fazhi.InternalError, fazhi.FazhiError)


def test_words_read_codes_as_the_scorecards_do() -> None:
    assert fazhi.words("status", "missed") == "未达标"
    assert fazhi.words("status", "missed", lang="en") != "missed"
    assert fazhi.words("flags", "qualified,imputed") == "含限定值、含插补"
    with pytest.raises(fazhi.ArgumentError, match="lang"):
        fazhi.words("status", "met", lang="fr")
