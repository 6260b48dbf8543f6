"""fazhi.plot without a network (issue 16): offline() switches Jupyter to a renderer that draws in
the kernel, and to_svg / save write files that load nothing from the internet.

The checks of offline_check are shown to catch Altair's own CDN page first, so that a test passing
here means the output has no remote script, not that the check is blind."""

from __future__ import annotations

import builtins
import importlib.util
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from offline_check import assert_offline, remote_loads, unknown_urls
from scores_fake import FakeScores, demo_panel, fake_scores

alt = pytest.importorskip("altair")
pytest.importorskip("vl_convert")
from fazhi import plot  # noqa: E402


@pytest.fixture(scope="module")
def scores() -> FakeScores:
    return fake_scores(demo_panel())


@pytest.fixture
def renderer() -> Any:
    """Leave Altair's renderer as it was found, whatever a test switched it to."""
    name, options = alt.renderers.active, dict(alt.renderers.options)
    yield
    plot._before_offline = None
    alt.renderers.enable(name, **options)


def _no_module(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    real_import = builtins.__import__

    def fake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == module or name.startswith(module + "."):
            raise ImportError(f"No module named {module!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)


def test_the_check_catches_a_cdn(scores: FakeScores) -> None:
    # Altair's default HTML loads vega, vega-lite and vega-embed from jsdelivr.
    online = plot.ranks(scores).to_html()
    assert any("cdn.jsdelivr.net" in url for url in remote_loads(online))
    assert unknown_urls(online)
    with pytest.raises(AssertionError, match="fetches from the network"):
        assert_offline(online)
    for snippet in [
        '<script type="text/javascript" src="https://cdn.example.org/vega@6"></script>',
        "<script src=//cdn.example.org/vega.js></script>",
        '<link rel="stylesheet" href="https://cdn.example.org/style.css">',
        'import vegaEmbed from "https://esm.sh/vega-embed@7";',
        'const m = await import("https://esm.sh/vega@6");',
        "<style>@import url(https://fonts.example.org/css);</style>",
        'el.src = "https://cdn.example.org/vega.js";',
        'require.config({paths: {"vega": "https://cdn.jsdelivr.net/npm/vega@6?noext"}});',
    ]:
        assert remote_loads(snippet), snippet
    # The namespaces every SVG declares are not fetched.
    svg_head = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    assert remote_loads(svg_head) == [] and unknown_urls(svg_head) == set()


def test_to_svg_is_a_self_contained_image(scores: FakeScores) -> None:
    svg = plot.to_svg(plot.ranks(scores, year=2024))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg.lower()
    assert_offline(svg)
    # It shows the chart: the title and the township names, in the chart's CJK fonts.
    assert "2024年综合得分与排名" in svg
    assert "合成甲镇" in svg
    assert "Noto Sans CJK SC" in svg.replace("&quot;", '"')


def test_save_writes_svg_png_and_html(scores: FakeScores, tmp_path: Path) -> None:
    chart = plot.heatmap(scores, 2024)
    svg_path = plot.save(chart, tmp_path / "heatmap.svg")
    assert svg_path == tmp_path / "heatmap.svg"
    svg = svg_path.read_text(encoding="utf-8")
    assert_offline(svg)
    assert "普法宣传" in svg

    png = plot.save(chart, tmp_path / "heatmap.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    svg_width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    assert width == pytest.approx(2 * svg_width, abs=2)  # scale=2 by default
    small = plot.save(chart, tmp_path / "small.PNG", scale=1).read_bytes()
    assert struct.unpack(">I", small[16:20])[0] == pytest.approx(svg_width, abs=1)

    html = plot.save(chart, tmp_path / "heatmap.html").read_text(encoding="utf-8")
    assert_offline(html)
    assert "<script" in html and "vegaEmbed" in html  # Vega inlined: interactive, with tooltips
    assert len(html) > 300_000  # the bundle itself, not a loader
    assert "SYN01" in html  # the chart's data travel with it
    assert '"editor": false' in html  # no menu entry that needs the web


def test_save_refuses_what_it_cannot_write(scores: FakeScores, tmp_path: Path) -> None:
    chart = plot.ranks(scores)
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.html.*'ranks\.pdf'"):
        plot.save(chart, tmp_path / "ranks.pdf")
    with pytest.raises(ValueError, match="scale"):
        plot.save(chart, tmp_path / "ranks.png", scale=0)
    assert list(tmp_path.iterdir()) == []


def test_offline_shows_charts_as_svg_and_back(scores: FakeScores, renderer: None) -> None:
    before = alt.renderers.active
    chart = plot.ranks(scores)
    plot.offline()
    assert alt.renderers.active == "svg"
    bundle = chart._repr_mimebundle_(None, None)
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(bundle) == {"image/svg+xml"}
    assert_offline(bundle["image/svg+xml"])
    assert "合成甲镇" in bundle["image/svg+xml"]
    plot.offline()  # twice is the same as once: offline(False) still goes back to the first renderer
    plot.offline(False)
    assert alt.renderers.active == before
    plot.offline(False)  # nothing to undo
    assert alt.renderers.active == before


def test_offline_interactive_bundles_vega(scores: FakeScores, renderer: None) -> None:
    pytest.importorskip("anywidget")
    plot.offline(interactive=True)
    assert alt.renderers.active == "jupyter"
    assert alt.renderers.options == {"offline": True}
    assert_offline(alt.JupyterChart._esm)
    # The widget's JavaScript is Vega itself, not a loader of it.
    assert len(alt.JupyterChart._esm) > 300_000
    assert alt.JupyterChart(plot.ranks(scores)) is not None
    plot.offline(False)
    alt.JupyterChart.enable_offline(False)
    # Altair's widget online imports Vega from esm.sh: the check sees it.
    assert remote_loads(alt.JupyterChart._esm)


def test_offline_interactive_without_anywidget(monkeypatch: pytest.MonkeyPatch, renderer: None) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "anywidget" else real(name, *a)
    )
    before = alt.renderers.active
    with pytest.raises(ImportError, match="pip install anywidget"):
        plot.offline(interactive=True)
    assert alt.renderers.active == before


def test_missing_vl_convert_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, scores: FakeScores, tmp_path: Path, renderer: None
) -> None:
    chart = plot.ranks(scores)
    _no_module(monkeypatch, "vl_convert")
    message = r"vl-convert-python.*pip install 'fazhi\[plot\]'"
    with pytest.raises(ImportError, match=message):
        plot.offline()
    with pytest.raises(ImportError, match=message):
        plot.to_svg(chart)
    with pytest.raises(ImportError, match=message):
        plot.save(chart, tmp_path / "ranks.svg")
    assert not (tmp_path / "ranks.svg").exists()
