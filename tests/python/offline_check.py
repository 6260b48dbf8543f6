"""Does a chart's SVG, HTML or JavaScript load anything from the network? Shared by the plot and
notebook tests.

Two checks. `remote_loads` finds the ways a page fetches a resource (a script's src, a stylesheet's
href, an ES module import, a CSS @import or url(), a script element made by JavaScript, a
require.js path) whose target is an absolute http(s) or protocol-relative URL. `unknown_urls`
lists every http(s) URL that is not one of the few that appear in Vega's output and its bundle
without being fetched: XML namespaces, the JSON schema identifiers of a spec, and two links of
Vega's own messages and menu.
"""

from __future__ import annotations

import re

_REMOTE = r"""(?:https?:)?//[^\s"'<>)]+"""

_LOADS = [
    # <script src="https://…">, <img src=…>, <iframe src=…>
    re.compile(r"""\bsrc\s*=\s*["']?(""" + _REMOTE + ")", re.IGNORECASE),
    # <link href="https://…/style.css">, <use xlink:href="https://…">
    re.compile(r"""\bhref\s*=\s*["']?(""" + _REMOTE + ")", re.IGNORECASE),
    # import vegaEmbed from "https://esm.sh/…"; import "https://…"; export … from "https://…"
    re.compile(r"""\b(?:import|export)\b[^;'"]*?["'](""" + _REMOTE + ")"),
    # import("https://…")
    re.compile(r"""\bimport\s*\(\s*["'](""" + _REMOTE + ")"),
    # @import url(https://…); background: url("https://…")
    re.compile(r"""@import\s+["'](""" + _REMOTE + ")"),
    re.compile(r"""\burl\(\s*["']?(""" + _REMOTE + ")"),
    # script.src = "https://…" (a loader written in JavaScript)
    re.compile(r"""\.src\s*=\s*["'](""" + _REMOTE + ")"),
    # require.config({paths: {"vega": "https://cdn.jsdelivr.net/npm/vega@6?noext"}}) and the like
    re.compile(r"""["'](https?://[^"']*\b(?:cdn|jsdelivr|unpkg|esm\.sh|cdnjs)\b[^"']*)["']"""),
]

# Seen in vl-convert's SVG and in its Vega bundle, none of them fetched.
_INERT = re.compile(
    r"""https?://(?:www\.w3\.org/(?:2000/svg|1999/xlink|2000/xmlns/|XML/1998/namespace)"""
    r"""|vega\.github\.io/schema/[\w./-]+\.json"""
    r"""|vega\.github\.io/editor/?"""
    r"""|github\.com/vega/vega-lite/issues/\d+)$"""
)

_URL = re.compile(r"""https?://[^\s"'<>)\\]+""")


def remote_loads(text: str) -> list[str]:
    """The remote URLs that `text` (SVG, HTML or JavaScript) would fetch, in order found."""
    found: list[str] = []
    for pattern in _LOADS:
        for match in pattern.finditer(text):
            url = match.group(1)
            if not _INERT.match(url):
                found.append(url)
    return found


def unknown_urls(text: str) -> set[str]:
    """Every http(s) URL in `text` that is not a known inert one (namespace, schema, Vega's links)."""
    return {url for url in _URL.findall(text) if not _INERT.match(url)}


def assert_offline(text: str) -> None:
    loads = remote_loads(text)
    assert not loads, f"fetches from the network: {loads[:5]}"
    unknown = unknown_urls(text)
    assert not unknown, f"URLs that are not known to be inert: {sorted(unknown)[:5]}"
