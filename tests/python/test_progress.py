"""Long calls (draws, sensitivity, a folder of reports): progress shown one way, Ctrl-C stops them."""

from __future__ import annotations

import _thread
import importlib.util
import shutil
import sys
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fazhi
import pytest


@pytest.fixture(scope="module")
def demo() -> fazhi.Panel:
    d = fazhi.datasets_dir() / "demo"
    return fazhi.Panel.read(d / "panel.csv", units=d / "units.csv")


def _reports(root: Path, folder: Path, copies: int) -> Path:
    seed = root / "datasets" / "seed" / "sikeshu_2023.txt"
    for i in range(copies):
        shutil.copy(seed, folder / f"report_{i:04}.txt")
    return folder


def _seconds_to_stop(call: Callable[[], object], after: float) -> float | None:
    """Sends KeyboardInterrupt (as Ctrl-C does) `after` seconds into `call()` and returns how long
    the call took to stop after it, or None when the call returned first (a machine too fast
    for the work; the interrupt is then awaited here so that it cannot land in a later test)."""
    timer = threading.Timer(after, _thread.interrupt_main)
    returned = False
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
            returned = True
            timer.join()
            time.sleep(5)
    finally:
        timer.cancel()
    return None if returned else time.monotonic() - start - after


def test_ctrl_c_stops_a_long_uncertainty_run_promptly(demo: fazhi.Panel) -> None:
    # A million draws take minutes in a debug build, seconds in a release one.
    stopped = _seconds_to_stop(lambda: demo.uncertainty(2024, draws=1_000_000, progress=False), 0.5)
    if stopped is None:
        pytest.skip("the draws finished before the interrupt")
    assert stopped < 2.0


def test_ctrl_c_stops_a_folder_extraction_promptly(root: Path, tmp_path: Path) -> None:
    folder = _reports(root, tmp_path, 1500)
    stopped = _seconds_to_stop(lambda: fazhi.extract(folder, progress=False), 0.3)
    if stopped is None:
        pytest.skip("the folder was read before the interrupt")
    assert stopped < 2.0


def test_a_signal_during_the_draws_is_raised_after_the_chunk(demo: fazhi.Panel) -> None:
    # Ctrl-C arriving while the progress callable runs (it returns normally): the poll between
    # chunks raises it and no further chunk is drawn.
    seen: list[int] = []

    def ctrl_c(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 1:
            _thread.interrupt_main()

    with pytest.raises(KeyboardInterrupt):
        demo.uncertainty(2024, draws=100_000, progress=ctrl_c)
        time.sleep(5)  # never reached: the interrupt is raised by the call
    assert seen and seen[-1] <= 64 * 3


class _FakeBar:
    made: list[_FakeBar] = []

    def __init__(self, total: int, desc: str) -> None:
        self.total, self.desc, self.n, self.closed = total, desc, 0, False
        _FakeBar.made.append(self)

    def update(self, n: int) -> None:
        self.n += n

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch: pytest.MonkeyPatch) -> type[_FakeBar]:
    auto: Any = types.ModuleType("tqdm.auto")
    auto.tqdm = _FakeBar
    package: Any = types.ModuleType("tqdm")
    package.auto = auto
    monkeypatch.setitem(sys.modules, "tqdm", package)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    _FakeBar.made = []
    return _FakeBar


def test_progress_true_moves_a_tqdm_bar(
    demo: fazhi.Panel, root: Path, tmp_path: Path, fake_tqdm: type[_FakeBar]
) -> None:
    demo.uncertainty(2024, draws=200, progress=True)
    fazhi.extract(_reports(root, tmp_path, 5))
    draws, folder = fake_tqdm.made
    assert (draws.desc, draws.total, draws.n, draws.closed) == ("fazhi draws", 200, 200, True)
    assert (folder.desc, folder.total, folder.n, folder.closed) == ("extracting", 5, 5, True)


@pytest.mark.skipif(importlib.util.find_spec("tqdm") is not None, reason="tqdm is installed: it shows a bar")
def test_without_tqdm_progress_is_a_line_on_stderr(
    demo: fazhi.Panel, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fazhi.extract(_reports(root, tmp_path, 3))
    assert capsys.readouterr().err.endswith("\rextracting 3/3\n")
    demo.uncertainty(2024, draws=128)
    assert capsys.readouterr().err == "\rfazhi draws 64/128\rfazhi draws 128/128\n"
    fazhi.extract(tmp_path, progress=False)
    demo.uncertainty(2024, draws=64, progress=False)
    assert capsys.readouterr().err == ""


def test_a_panic_in_long_work_is_still_an_internal_error() -> None:
    # The long calls run on a worker thread; the bindings' panic guard holds there too.
    with pytest.raises(fazhi.InternalError, match="internal error: worker: boom.*bug in fazhi"):
        fazhi._fazhi._panic_for_tests("worker: boom")
