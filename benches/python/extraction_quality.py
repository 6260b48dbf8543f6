#!/usr/bin/env python3
"""Extraction quality of fazhi on a gold-labelled set of report texts.

    .venv/bin/python benches/python/extraction_quality.py                 # the synthetic test set
    .venv/bin/python benches/python/extraction_quality.py --errors        # and every mistake
    .venv/bin/python benches/python/extraction_quality.py --set DIR       # another labelled set

A set is a folder of `NAME.txt` report texts, each with `NAME.gold.csv` (anchor, text, kind,
indicator, value; see tests/data/reports/synthetic/README.md). The gold rows are located in the
text by their anchor (which must occur exactly once), so every figure has a character span, and
fazhi's values and unmatched numbers are compared with those spans:

- **precision**: mapped values that are a gold quantity with the same indicator and value, over all
  mapped values. A value on a plan, change, other-year or schedule figure, or on a distractor
  (date, document number, hotline, slogan …), counts against it; so does a value on a number the
  gold does not list.
- **recall**: gold quantities with a catalogue code that were mapped right, over all of them;
  **recall (all)** divides by every quantity a careful person would retype, code or not.
- **surfaced**: gold quantities that appear in `values` or `unmatched` (nothing lost), over all.

Per-family rows group the gold codes by dimension (LEAD, DUTY, …), and "seed indicators" are the
26 indicators of the real 四棵树镇 report (datasets/seed/sikeshu_2023.csv). Exit status 1 when a
gold file is malformed.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import fazhi

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SET = ROOT / "tests" / "data" / "reports" / "synthetic"
SEED = ROOT / "datasets" / "seed" / "sikeshu_2023.csv"
NOT_QUANTITY = {"plan", "change", "other_year", "schedule", "distractor"}
KINDS = NOT_QUANTITY | {"quantity"}


def norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


@dataclass
class Gold:
    file: str
    start: int
    end: int
    text: str
    kind: str
    indicator: str
    value: str


@dataclass
class Tally:
    mapped: int = 0
    correct: int = 0
    coded: int = 0
    coded_found: int = 0
    quantities: int = 0
    surfaced: int = 0
    errors: list[str] = field(default_factory=list)


def read_gold(txt: Path) -> tuple[str, list[Gold]]:
    text = txt.read_text(encoding="utf-8")
    gold_path = txt.with_name(txt.stem + ".gold.csv")
    rows: list[Gold] = []
    with gold_path.open(encoding="utf-8", newline="") as f:
        for k, row in enumerate(csv.DictReader(f), start=2):
            where = f"{gold_path.name}:{k}"
            anchor, t = row["anchor"], row["text"]
            kind = row["kind"].strip()
            if kind not in KINDS:
                raise SystemExit(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
            if text.count(anchor) != 1:
                raise SystemExit(
                    f"{where}: anchor {anchor!r} occurs {text.count(anchor)} times in {txt.name}; "
                    "it must occur once"
                )
            if t not in anchor:
                raise SystemExit(f"{where}: text {t!r} is not inside its anchor {anchor!r}")
            start = text.index(anchor) + anchor.index(t)
            value = (row.get("value") or "").strip() or t
            rows.append(Gold(txt.name, start, start + len(t), t, kind, row["indicator"].strip(), value))
    return text, rows


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def family(code: str) -> str:
    return code.split("_", 1)[0] if code else "(no code)"


def evaluate(
    folder: Path, show_errors: bool, catalogue: fazhi.Catalogue | None, rules_only: bool = False
) -> dict:
    seed_codes = {r["indicator"] for r in csv.DictReader(SEED.open(encoding="utf-8"))}
    files = sorted(p for p in folder.glob("*.txt") if p.with_name(p.stem + ".gold.csv").exists())
    if not files:
        raise SystemExit(f"no NAME.txt with NAME.gold.csv in {folder}")
    total = Tally()
    by_family: dict[str, Tally] = defaultdict(Tally)
    seed = Tally()
    distractors_mapped = 0
    chars = 0
    extract_text = getattr(fazhi, "extract_text", None)
    for txt in files:
        text, gold = read_gold(txt)
        chars += len(text)
        kwargs: dict = {"catalogue": catalogue} if catalogue is not None else {}
        if rules_only:
            kwargs["use_lexicon"] = False
        x = extract_text(text, **kwargs) if extract_text else fazhi.extract(text, **kwargs)
        values = x.values.to_dicts()
        unmatched = x.unmatched.to_dicts()
        quantities = [g for g in gold if g.kind == "quantity"]
        for v in values:
            total.mapped += 1
            fam = by_family[family(v["indicator"])]
            fam.mapped += 1
            if v["indicator"] in seed_codes:
                seed.mapped += 1
            hit = [g for g in gold if overlaps(v["start"], v["end"], g.start, g.end)]
            good = [
                g
                for g in hit
                if g.kind == "quantity"
                and g.indicator == v["indicator"]
                and norm(g.value) == norm(v["value"])
            ]
            if good:
                total.correct += 1
                fam.correct += 1
                if v["indicator"] in seed_codes:
                    seed.correct += 1
                continue
            if any(g.kind == "distractor" for g in hit):
                distractors_mapped += 1
            if not hit:
                why = "a number the gold does not list"
            else:
                why = "; ".join(f"gold {g.kind} {g.indicator or '-'} {g.value!r}" for g in hit)
            total.errors.append(
                f"WRONG  {txt.name}: {v['indicator']} = {v['value']!r} ({v['rule']}: {v['matched']}) — {why}"
                f" | {v['quote'][:60]}"
            )
        for g in quantities:
            total.quantities += 1
            fam = by_family[family(g.indicator)]
            fam.quantities += 1
            found = [v for v in values if overlaps(v["start"], v["end"], g.start, g.end)]
            seen = found or [u for u in unmatched if overlaps(u["start"], u["end"], g.start, g.end)]
            if seen:
                total.surfaced += 1
                fam.surfaced += 1
            else:
                total.errors.append(
                    f"LOST   {txt.name}: {g.text!r} ({g.indicator or 'no code'}) "
                    "is in neither values nor unmatched"
                )
            if not g.indicator:
                continue
            ok = any(v["indicator"] == g.indicator and norm(v["value"]) == norm(g.value) for v in found)
            total.coded += 1
            fam.coded += 1
            if g.indicator in seed_codes:
                seed.coded += 1
            if ok:
                total.coded_found += 1
                fam.coded_found += 1
                if g.indicator in seed_codes:
                    seed.coded_found += 1
            else:
                um = [u for u in unmatched if overlaps(u["start"], u["end"], g.start, g.end)]
                why = (
                    ", ".join(
                        f"{u['reason']}{'→' + u['indicator'] if u['indicator'] else ''} after {u['lead']!r}"
                        for u in um
                    )
                    or "mapped elsewhere"
                )
                total.errors.append(f"MISSED {txt.name}: {g.indicator} = {g.text!r} ({why})")
    report = {
        "files": len(files),
        "characters": chars,
        "precision": ratio(total.correct, total.mapped),
        "recall": ratio(total.coded_found, total.coded),
        "recall_all": ratio(total.coded_found, total.quantities),
        "surfaced": ratio(total.surfaced, total.quantities),
        "mapped": total.mapped,
        "correct": total.correct,
        "gold_quantities": total.quantities,
        "gold_coded": total.coded,
        "distractors_mapped": distractors_mapped,
        "seed_indicators": {
            "precision": ratio(seed.correct, seed.mapped),
            "recall": ratio(seed.coded_found, seed.coded),
            "gold": seed.coded,
        },
        "families": {
            k: {
                "precision": ratio(t.correct, t.mapped),
                "recall": ratio(t.coded_found, t.coded),
                "surfaced": ratio(t.surfaced, t.quantities),
                "mapped": t.mapped,
                "gold": t.quantities,
            }
            for k, t in sorted(by_family.items())
        },
        "errors": total.errors if show_errors else [],
    }
    return report


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--set",
        type=Path,
        default=DEFAULT_SET,
        help="folder of NAME.txt + NAME.gold.csv (default: the synthetic test set)",
    )
    ap.add_argument("--errors", action="store_true", help="list every wrong, missed and lost figure")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--catalogue", type=Path, help="a catalogue .toml (default: the bundled one)")
    ap.add_argument("--rules-only", action="store_true", help="without the lexicon: the rules alone")
    args = ap.parse_args()
    catalogue = fazhi.Catalogue.read(str(args.catalogue)) if args.catalogue else None
    r = evaluate(args.set, args.errors, catalogue, args.rules_only)
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
        return 0
    print(
        f"set: {args.set} ({r['files']} reports, {r['characters']} characters, "
        f"{r['gold_quantities']} gold quantities, {r['gold_coded']} with a code)"
    )
    print(
        f"precision {fmt(r['precision'])}  recall {fmt(r['recall'])}  "
        f"recall (all quantities) {fmt(r['recall_all'])}  surfaced {fmt(r['surfaced'])}"
    )
    print(f"mapped {r['mapped']}, correct {r['correct']}, distractors mapped {r['distractors_mapped']}")
    s = r["seed_indicators"]
    print(f"seed indicators ({s['gold']} gold): precision {fmt(s['precision'])}  recall {fmt(s['recall'])}")
    print(f"\n{'family':<10} {'gold':>5} {'mapped':>6} {'precision':>9} {'recall':>7} {'surfaced':>8}")
    for k, f in r["families"].items():
        print(
            f"{k:<10} {f['gold']:>5} {f['mapped']:>6} {fmt(f['precision']):>9} "
            f"{fmt(f['recall']):>7} {fmt(f['surfaced']):>8}"
        )
    for e in r["errors"]:
        print(e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
