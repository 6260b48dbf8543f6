"""Screenshots and an A4 print of a fazhi HTML scorecard, to check by eye how it looks.

Called by scripts/screenshot.sh, which finds Chromium and a Python with playwright and pypdf; run
that instead. A developer tool, not part of CI.

Writes into OUT (default: shots/ beside the scorecard):

  1-overview.png      the top of the page down to the end of #overview (header, contents, ranking)
  2-<id>.png          one township section (--unit ID; default: the first section.unit)
  3-progress.png      the #progress section, when the scorecard has one
  scorecard.pdf       the whole document printed as Chromium prints it (A4 from the page's @page)
  pdf-page-NN.png     the first --pdf-pages pages of the PDF as images (needs pdftoppm)

and reports the PDF's page count and size, the pages on which the ranking table (table.ranking in
#overview) starts and ends, the pages of each township section, what overflows an A4 page's width,
JavaScript errors, and any request for something outside the file (all such requests are blocked,
so the screenshots show what an offline machine shows).

Page numbers are found by printing the document cut short just after an element and counting the
pages of that print: what comes after an element does not move it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route, sync_playwright
from pypdf import PdfReader

# Remove everything that follows the element in document order (its later siblings, then those of
# each ancestor), so that a print of what is left ends where the element ends.
CUT_AFTER = """(el) => {
  let node = el;
  while (node && node !== document.body) {
    while (node.nextSibling) node.nextSibling.remove();
    node = node.parentNode;
  }
}"""

# Elements wider than the page's content box once laid out for print; only the outermost of each
# overflowing subtree is named.
OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= limit) continue;
    const p = el.parentElement;
    if (p && p !== document.body && p.getBoundingClientRect().right > limit) continue;
    const where = el.closest('section[id]');
    out.push({el: name(el), right: Math.round(r.right), limit: Math.round(limit),
              section: where ? where.id : ''});
  }
  return out;
}"""

MM_PER_PX = 25.4 / 96


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("html", type=Path, help="the scorecard .html (e.g. from: python -m fazhi demo --out DIR)")
    ap.add_argument("--out", type=Path, help="folder for the images and the PDF (default: shots/ beside it)")
    ap.add_argument("--unit", help="id of the township section to capture (default: the first section.unit)")
    ap.add_argument("--width", type=int, default=1280, help="browser window width in CSS pixels (1280)")
    ap.add_argument("--scale", type=float, default=1.0, help="device pixel ratio of the PNGs (1)")
    ap.add_argument("--pdf-pages", type=int, default=0, help="also write the first N PDF pages as PNG")
    ap.add_argument(
        "--quick", action="store_true", help="skip the pages of each township section (two prints each)"
    )
    ap.add_argument("--chromium", required=True, help="the Chromium executable")
    args = ap.parse_args()

    html = args.html.resolve()
    if not html.is_file():
        ap.error(f"no such file: {args.html}")
    out = (args.out or html.parent / "shots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    url = html.as_uri()
    blocked: list[str] = []
    errors: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.split(":", 1)[0] in {"file", "data", "blob", "about"}:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        # --no-sandbox: Chromium refuses to start as root otherwise (containers).
        browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": args.width, "height": 1000}, device_scale_factor=args.scale
        )
        context.route("**/*", offline)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(url, wait_until="load")
        print(f"{html}  ({page.title()!r}, Chromium {browser.version})")

        units = page.eval_on_selector_all("section.unit[id]", "els => els.map(e => e.id)")
        rows = page.eval_on_selector_all("#overview table.ranking tbody tr", "els => els.length")
        shots = []
        # 1. The overview at the top: from the top of the page to the end of #overview.
        overview = page.query_selector("#overview")
        if overview is None:
            print("  no #overview in this scorecard: 1-overview.png is the first screen")
            page.screenshot(path=out / "1-overview.png")
        else:
            box = overview.bounding_box()
            assert box is not None
            bottom = box["y"] + box["height"] + 8
            page.screenshot(
                path=out / "1-overview.png",
                full_page=True,
                clip={"x": 0, "y": 0, "width": args.width, "height": bottom},
            )
        shots.append(out / "1-overview.png")

        # 2. One township section.
        selector = f"[id={_css_string(args.unit)}]" if args.unit else "section.unit"
        unit = page.query_selector(selector)
        if unit is None and args.unit and not args.unit.startswith("unit-"):
            # The scorecard's ids are unit-<code>: accept the code alone.
            selector = f"[id={_css_string('unit-' + args.unit)}]"
            unit = page.query_selector(selector)
        if unit is None:
            ids = page.eval_on_selector_all("section[id]", "els => els.map(e => e.id)")
            print(f"  no section {selector} in this scorecard (sections: {', '.join(ids) or 'none'})")
        else:
            unit_id = unit.get_attribute("id") or "unit"
            path = out / f"2-{unit_id}.png"
            unit.screenshot(path=path)
            shots.append(path)

        # 3. The progress section, when there is one.
        progress = page.query_selector("#progress")
        if progress is None:
            print("  no #progress section in this scorecard: 3-progress.png skipped")
        else:
            progress.screenshot(path=out / "3-progress.png")
            shots.append(out / "3-progress.png")

        # 4. Print to PDF, as Chromium prints it (A4 and margins from the page's @page rule).
        pdf = _print(page)
        (out / "scorecard.pdf").write_bytes(pdf)
        reader = PdfReader(BytesIO(pdf))
        total = len(reader.pages)
        size = reader.pages[0].mediabox
        w_mm, h_mm = float(size.width) * 25.4 / 72, float(size.height) * 25.4 / 72
        a4 = "A4" if abs(w_mm - 210) < 1 and abs(h_mm - 297) < 1 else "not A4"
        print(f"  scorecard.pdf: {total} pages of {w_mm:.0f} × {h_mm:.0f} mm ({a4})")
        shots.append(out / "scorecard.pdf")

        ranking = "#overview table.ranking"
        if page.query_selector(ranking) is None:
            print(f"  no {ranking} in this scorecard")
        else:
            start = _pages_up_to(page, url, f"{ranking} tbody tr:first-child")
            end = _pages_up_to(page, url, ranking)
            split = "" if start == end else f", split over {end - start + 1} pages"
            print(f"  ranking table ({rows} rows): starts on page {start}, ends on page {end}{split}")

        if units and not args.quick:
            # A section starts where its first child (the heading) is, and ends where it ends.
            spans = []
            for uid in units:
                sel = f"[id={_css_string(uid)}]"
                spans.append(
                    (uid, _pages_up_to(page, url, f"{sel} > :first-child"), _pages_up_to(page, url, sel))
                )
            long = [f"{uid} (pages {a}–{b})" for uid, a, b in spans if b > a]
            print(
                f"  township sections: {len(units)}, pages {spans[0][1]}–{spans[-1][2]}; "
                + (f"longer than one page: {', '.join(long)}" if long else "each fits on one page")
            )

        overflow = _print_overflow(page, url, reader)
        if overflow:
            widest = max(item["right"] for item in overflow)
            shrink = min(1.0, overflow[0]["limit"] / widest)
            print(
                f"  wider than an A4 page's content box ({overflow[0]['limit']} px) when printed, so Chromium"
                f" shrinks every page to fit: the print is at about {shrink:.0%} of its size"
                + (" (Chromium shrinks at most to 50%; wider content is cut off)" if shrink < 0.5 else "")
            )
            for item in overflow[:12]:
                print(f"    {item['el']} in #{item['section'] or '-'}: {item['right']} px")
        else:
            print("  nothing is wider than an A4 page's content box when printed")
        browser.close()

    if args.pdf_pages > 0:
        shots += _rasterise(out / "scorecard.pdf", out, args.pdf_pages)
    print("  requests outside the file (blocked): " + (", ".join(sorted(set(blocked))) or "none"))
    print("  JavaScript errors: " + (" | ".join(errors) or "none"))
    for path in shots:
        print(f"  wrote {path}")
    return 0


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _print(page: Page) -> bytes:
    return page.pdf(prefer_css_page_size=True, print_background=True)


def _pages_up_to(page: Page, url: str, selector: str) -> int:
    """Pages of the print of the document cut just after the last element matching `selector`."""
    page.goto(url, wait_until="load")
    els = page.query_selector_all(selector)
    if not els:
        raise SystemExit(f"screenshot.py: no element {selector}")
    page.evaluate(CUT_AFTER, els[-1])
    return len(PdfReader(BytesIO(_print(page))).pages)


def _print_overflow(page: Page, url: str, reader: PdfReader) -> list[dict[str, Any]]:
    """Lay the page out as for print, in a window as wide as an A4 page's content box."""
    page.goto(url, wait_until="load")
    size = reader.pages[0].mediabox
    width_px = float(size.width) / 72 * 96
    margins = page.evaluate(
        """() => { for (const s of document.styleSheets) for (const r of s.cssRules)
                     if (r instanceof CSSPageRule) return r.style.marginLeft + ' ' + r.style.marginRight;
                   return ''; }"""
    )
    side = [_length_px(m) for m in margins.split()] if margins else [0.0, 0.0]
    content = int(width_px - sum(side))
    page.emulate_media(media="print")
    page.set_viewport_size({"width": content, "height": 1000})
    try:
        return page.evaluate(OVERFLOW)
    finally:
        page.emulate_media(media="screen")


def _length_px(css: str) -> float:
    units = {"mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "pt": 96 / 72, "px": 1.0}
    for suffix, factor in units.items():
        if css.endswith(suffix):
            return float(css[: -len(suffix)]) * factor
    return 0.0


def _rasterise(pdf: Path, out: Path, pages: int) -> list[Path]:
    tool = shutil.which("pdftoppm")
    if tool is None:
        print("  --pdf-pages needs pdftoppm (apt-get install -y poppler-utils); PDF pages not rasterised")
        return []
    for old in out.glob("pdf-page-*.png"):
        old.unlink()
    subprocess.run(
        [tool, "-png", "-r", "80", "-f", "1", "-l", str(pages), str(pdf), str(out / "pdf-page")], check=True
    )
    return sorted(out.glob("pdf-page-*.png"))


if __name__ == "__main__":
    sys.exit(main())
