"""examples/county_scorecard.ipynb runs from top to bottom and writes its scorecard.

The notebook is executed in a fresh kernel of this interpreter (the venv with the fazhi build), in a
temporary folder; its committed copy must have no outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import fazhi
import pytest
from offline_check import assert_offline

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "county_scorecard.ipynb"


def test_committed_notebook_has_no_outputs() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "the notebook has no code cells"
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


@pytest.mark.skipif(
    not hasattr(fazhi.Panel, "score"),
    reason="the notebook scores the demo county and Panel.score is not in this build yet",
)
def test_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    out = tmp_path / "out"
    monkeypatch.setenv("FAZHI_NOTEBOOK_OUT", str(out))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # "python3" is ipykernel's own spec for the interpreter it is installed in (the venv), so the
    # kernel imports the same fazhi build as the tests.
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME

    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name=NATIVE_KERNEL_NAME,
        resources={"metadata": {"path": str(tmp_path)}},
        allow_errors=False,
    )
    client.execute()
    html = out / "scorecard_2024.html"
    assert html.is_file()
    text = html.read_text(encoding="utf-8")
    assert "合成甲镇" in text and "不得引用" in text
    # The chart cells showed charts, drawn in the kernel (fazhi.plot.offline()) as SVG images that
    # load nothing from the internet (issue 16: intranet machines cannot reach Altair's CDN).
    chart_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("fazhi.plot.")]
    charts = [o for c in chart_cells for o in c.outputs if o.output_type == "execute_result"]
    assert len(charts) == len(chart_cells) >= 2
    for o in charts:
        assert "image/svg+xml" in o["data"], sorted(o["data"])
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert_offline(json.dumps(o, ensure_ascii=False))
