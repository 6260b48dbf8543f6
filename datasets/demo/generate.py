#!/usr/bin/env python3
"""Generate the SYNTHETIC demo county dataset of fazhi (datasets/demo/).

Everything this script writes is invented. The unit names begin with 合成 ("synthetic") and the
codes with SYN so that nobody mistakes them for real townships. The only real data of the
project is in datasets/seed/ (the 2023 report of 四棵树镇); this script does not read it.

    python3 datasets/demo/generate.py          # writes units.csv, panel.csv, targets.csv here

Standard library only (Python 3.11+, for tomllib). One random.Random(SEED), consumed in a fixed
order, no sets of strings iterated (their order depends on PYTHONHASHSEED), floats formatted
explicitly: two runs give the same bytes.

The indicator list is never written down here: the script iterates datasets/catalogue.toml.
PROFILES below only tunes the scale of indicators it knows; an indicator it does not know gets a
default from its measure, unit word, polarity and denominator, so a new catalogue entry is still
covered (a note is printed).

Two random streams, both from SEED: the indicators of catalogue 2024.1 (the codes of
datasets/catalogue-2024.1.toml) draw from random.Random(SEED) exactly as before catalogue 2025.1,
so their cells are byte-for-byte those of the 2024.1 demo; every later indicator draws from
random.Random(f"{SEED}:2025.1"). Adding indicators therefore adds rows and changes no old one.
"""

from __future__ import annotations

import csv
import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import tomllib

SEED = 20240301
YEARS = [2020, 2021, 2022, 2023, 2024]

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parent / "catalogue.toml"
# The indicators whose cells keep the 2024.1 random stream (see the module docstring).
BASE_CATALOGUE = HERE.parent / "catalogue-2024.1.toml"

# ----------------------------------------------------------------------------- deliberate defects
# Unit-years whose stated ENF_CERT_RATE is 5–10 points higher than ENF_CERTIFIED / ENF_OFFICE_STAFF
# gives: the data-quality problem a diagnostics step should flag. (Listed in datasets/README.md.)
INCONSISTENT_RATE = [("SYN03", 2022), ("SYN11", 2024)]
# A township that published nothing for one year (a year gap in its series).
NO_DATA_YEAR = ("SYN06", 2021)
# A township that left out a whole dimension one year.
MISSING_DIMENSION = ("SYN14", "SUPV", 2024)
# A unit-indicator never reported at all (a small rural township without a new-media account);
# targets.csv sets a 2024 target for it, which must evaluate to no_data.
NEVER_REPORTED = ("SYN10", "PUB_NEW_MEDIA_POSTS")
# Share of the remaining cells dropped at random. The structural gaps above, plus the loss rate
# being undefined in years without lawsuits, add ~2.5 points: ~6 % of cells absent in all.
MISSING_RATE = 0.035

# ----------------------------------------------------------------------------- units
# (code, name, county, kind). Counties of 7 townships each; 天干 then 地支 as ordinals.
UNITS = [
    ("SYN01", "合成甲镇", "合成东县", "镇"),
    ("SYN02", "合成乙乡", "合成东县", "乡"),
    ("SYN03", "合成丙街道", "合成东县", "街道"),
    ("SYN04", "合成丁镇", "合成东县", "镇"),
    ("SYN05", "合成戊乡", "合成东县", "乡"),
    ("SYN06", "合成己镇", "合成东县", "镇"),
    ("SYN07", "合成庚乡", "合成东县", "乡"),
    ("SYN08", "合成辛镇", "合成西县", "镇"),
    ("SYN09", "合成壬街道", "合成西县", "街道"),
    ("SYN10", "合成癸乡", "合成西县", "乡"),
    ("SYN11", "合成子镇", "合成西县", "镇"),
    ("SYN12", "合成丑乡", "合成西县", "乡"),
    ("SYN13", "合成寅镇", "合成西县", "镇"),
    ("SYN14", "合成卯乡", "合成西县", "乡"),
]
# Median residents and village range by kind: 镇 are larger, 乡 smaller and rural, 街道 are urban
# (many residents, few villages/communities).
KIND_SIZE = {"镇": (24000, 10, 25), "乡": (12500, 6, 18), "街道": (34000, 4, 8)}
REFERENCE_RESIDENTS = 20000  # the "typical" township the count medians below refer to


@dataclass
class Unit:
    code: str
    name: str
    county: str
    kind: str
    villages: int
    residents: int
    size: float  # residents / REFERENCE_RESIDENTS
    quality: float  # latent "how well run" factor, N(0,1): good townships do well across the board


@dataclass
class Indicator:
    code: str
    name_zh: str
    dimension: str
    measure: str
    unit_word: str
    kind: str
    polarity: str
    denominator: dict | None
    ratio_of: dict | None
    goalposts: dict | None


# ----------------------------------------------------------------------------- tuning
# Count indicators: median at a township of REFERENCE_RESIDENTS, hard range [lo, hi], elasticity of
# the level to township size, yearly growth (log scale). Ranges follow what township reports write.
PROFILES: dict[str, dict] = {
    "LEAD_STUDY_SESSIONS": dict(median=9, lo=2, hi=30, size=0.2, growth=0.05),
    "LEAD_LAW_LECTURES": dict(median=1.5, lo=1, hi=4, size=0.0, growth=0.04),
    "LEAD_DISCIPLINE_STUDY": dict(median=3, lo=1, hi=8, size=0.1, growth=0.04),
    "DUTY_MAJOR_DECISIONS_REVIEWED": dict(median=4, lo=0, hi=15, size=0.3, growth=0.06),
    "ENF_CERT_APPLICANTS": dict(median=4, lo=1, hi=12, size=0.3, growth=0.05),
    # Headcount is sticky: no Poisson noise, only the occasional hire (jump).
    "ENF_OFFICE_STAFF": dict(median=4, lo=1, hi=10, size=0.4, growth=0.04, sticky=True),
    "ENF_JOINT_INSPECTIONS": dict(median=12, lo=2, hi=40, size=0.4, growth=0.06),
    "SUPV_ADMIN_LITIGATION": dict(median=1.6, lo=0, hi=5, size=0.5, growth=-0.06),
    "SUPV_DISCLOSURE_ITEMS": dict(median=150, lo=30, hi=600, size=0.5, growth=0.08),
    "DISP_DISPUTES_MEDIATED": dict(median=60, lo=10, hi=200, size=0.8, growth=0.03),
    "DISP_JUDGE_ECONOMIC": dict(median=2, lo=0, hi=8, size=0.3, growth=0.03),
    "DISP_JUDGE_HOMESTEAD": dict(median=1, lo=0, hi=5, size=0.2, growth=0.02),
    "DISP_PETITIONS_BEYOND_LEVEL": dict(median=2.5, lo=0, hi=10, size=0.6, growth=-0.10),
    "CAP_STUDY_SESSIONS": dict(median=15, lo=4, hi=40, size=0.2, growth=0.05),
    "CAP_CADRE_TESTS": dict(median=5, lo=1, hi=12, size=0.1, growth=0.05),
    "PUB_MATERIALS": dict(median=1200, lo=200, hi=5000, size=0.9, growth=0.07),
    "PUB_CONSULT_STALLS": dict(median=4, lo=1, hi=12, size=0.3, growth=0.05),
    "PUB_CONSULTATIONS": dict(median=200, lo=30, hi=800, size=0.8, growth=0.06),
    "PUB_SCHOOL_EVENTS": dict(median=2, lo=0, hi=8, size=0.3, growth=0.05),
    "PUB_NEW_MEDIA_POSTS": dict(median=50, lo=5, hi=300, size=0.4, growth=0.20),
    "ENF_TRAINING_HOURS": dict(median=24, lo=8, hi=60),
    "VIL_MODEL_VILLAGES_REVIEWED": dict(median=0.4, lo=0, hi=2, size=0.0, growth=0.0),
    "VIL_LEGAL_LITERATE_STUDY": dict(median=2, lo=1, hi=6, size=0.1, growth=0.05),
    # Counts per village (denominator villages per 1): share of villages, yearly gain in share.
    "VIL_MODEL_VILLAGES": dict(share=0.25, share_gain=0.04, cumulative=True),
    "VIL_RULES_REVISED": dict(share=0.35, share_gain=0.05, cumulative=False),
    # Percents: median shortfall from 100 (higher-is-better) and chance of exactly 100.
    "DUTY_NORMATIVE_DOC_REVIEW_RATE": dict(shortfall=5.0, p100=0.35),
    "DUTY_CONTRACT_REVIEW_RATE": dict(shortfall=8.0, p100=0.25),
    "DISP_MEDIATION_SUCCESS_RATE": dict(shortfall=5.0, p100=0.10),
    "CAP_ONLINE_EXAM_PARTICIPATION": dict(shortfall=2.0, p100=0.50),
    "CAP_ONLINE_EXAM_PASS_RATE": dict(shortfall=3.0, p100=0.40),
    "VIL_LEGAL_LITERATE_STUDY_RATE": dict(shortfall=6.0, p100=0.20),
    # Averages: typical level, yearly gain, plausible [lo, hi].
    "DISP_MEDIATORS_PER_VILLAGE": dict(level=3.6, gain=0.1, lo=2.0, hi=5.0),
    "VIL_LEGAL_LITERATE_PER_VILLAGE": dict(level=2.2, gain=0.3, lo=1.0, hi=5.0),
    # Booleans: share already 是 in 2020 (the rest adopt later; a few lapse one year).
    "LEAD_ANNUAL_REPORT_ON_TIME": dict(adopted=0.80),
    "DUTY_LEGAL_ADVISER": dict(adopted=0.80),
    "DISP_VILLAGE_COMMITTEES_ALL": dict(adopted=0.90),
    # ---- added in catalogue 2025.1 (scales as township reports write them)
    "LEAD_SPECIAL_MEETINGS": dict(median=4, lo=1, hi=12, size=0.0, growth=0.04),
    "LEAD_ISSUES_RESOLVED": dict(median=5, lo=1, hi=15, size=0.1, growth=0.04),
    "LEAD_PRE_MEETING_STUDY": dict(median=10, lo=2, hi=24, size=0.0, growth=0.05),
    "LEAD_LAW_REPORTS": dict(median=8, lo=2, hi=20, size=0.2, growth=0.02, sticky=True),
    "DUTY_LEGALITY_REVIEWS": dict(median=30, lo=5, hi=120, size=0.4, growth=0.07),
    "DUTY_CONTRACTS_REVIEWED": dict(median=25, lo=3, hi=100, size=0.4, growth=0.06),
    "DUTY_NORMATIVE_DOCS": dict(median=3, lo=0, hi=10, size=0.2, growth=0.0),
    "DUTY_ADVISER_SERVICES": dict(median=20, lo=3, hi=80, size=0.3, growth=0.08),
    "DUTY_GOV_SERVICE_ITEMS": dict(median=120, lo=40, hi=300, size=0.2, growth=0.06, sticky=True),
    "DUTY_SERVICE_CASES": dict(median=6000, lo=800, hi=30000, size=0.9, growth=0.08),
    "ENF_INSPECTIONS": dict(median=60, lo=10, hi=300, size=0.4, growth=0.07),
    "ENF_CASES": dict(median=25, lo=2, hi=120, size=0.7, growth=0.08),
    "ENF_FINES": dict(median=60000, lo=2000, hi=800000),  # yuan, rounded to hundreds
    "SUPV_ADMIN_RECONSIDERATION": dict(median=1.0, lo=0, hi=4, size=0.5, growth=-0.05),
    "SUPV_DISCLOSURE_REQUESTS": dict(median=2, lo=0, hi=10, size=0.5, growth=0.05),
    "SUPV_DEPUTY_PROPOSALS": dict(median=12, lo=2, hi=40, size=0.3, growth=0.03),
    "SUPV_HOTLINE_CASES": dict(median=600, lo=80, hi=4000, size=0.9, growth=0.10),
    "DISP_DISPUTES_SCREENED": dict(median=170, lo=80, hi=350, size=0.6, growth=0.03),
    "DISP_DISPUTES_ACCEPTED": dict(median=70, lo=10, hi=250, size=0.8, growth=0.03),
    "DISP_PETITIONS": dict(median=20, lo=3, hi=60, size=0.6, growth=-0.05),
    "DISP_PETITION_VISITORS": dict(median=60, lo=10, hi=250, size=0.6, growth=-0.05),
    "DISP_PETITION_BATCHES": dict(median=25, lo=3, hi=90, size=0.6, growth=-0.05),
    # Organisations of the villages: one per village and the township's own, plus a few others.
    "DISP_MEDIATION_COMMITTEES": dict(villages_plus=(1, 3)),
    "DISP_LEGAL_AID_CASES": dict(median=4, lo=0, hi=20, size=0.6, growth=0.05),
    "DISP_LEGAL_SERVICE_VISITS": dict(median=400, lo=50, hi=2500, size=0.8, growth=0.08),
    "CAP_TRAININGS": dict(median=5, lo=1, hi=15, size=0.2, growth=0.05),
    "CAP_TRAINING_ATTENDANCE": dict(median=300, lo=50, hi=1500, size=0.5, growth=0.06),
    "CAP_EXAM_PARTICIPANTS": dict(median=80, lo=20, hi=250, size=0.5, growth=0.02, sticky=True),
    "PUB_EVENTS": dict(median=20, lo=4, hi=80, size=0.3, growth=0.06),
    "PUB_REACH": dict(median=6000, lo=1500, hi=30000, size=0.9, growth=0.08),
    "PUB_BANNERS": dict(median=30, lo=10, hi=80, size=0.3, growth=0.04),
    "PUB_DISPLAY_BOARDS": dict(median=20, lo=4, hi=80, size=0.3, growth=0.04),
    "PUB_LECTURES": dict(median=8, lo=1, hi=30, size=0.3, growth=0.05),
    # Culture sites are built and stay: the series never falls.
    "PUB_CULTURE_SITES": dict(median=4, lo=1, hi=15, size=0.3, growth=0.10, monotone=True),
    "PUB_VEHICLE_TRIPS": dict(median=15, lo=2, hi=60, size=0.3, growth=0.04),
    "VIL_ADVISER_SERVICES": dict(median=60, lo=10, hi=250, size=0.5, growth=0.06),
    "VIL_ADVISER_COVERAGE": dict(shortfall=4.0, p100=0.70),
}

# Counts capped by another count of the same unit-year (a village re-examined as a national model
# village must be a model village). Not expressible in the catalogue, so kept here.
CAPPED_BY = {"VIL_MODEL_VILLAGES_REVIEWED": "VIL_MODEL_VILLAGES"}
# Rates derived from a count of the same unit-year: the loss rate is lost/lawsuits, so it is
# undefined (row absent) in a year without lawsuits, and only takes values like 0, 20, 25, 33.3.
# The catalogue has no "lawsuits lost" count, hence no ratio_of; kept here.
RATE_OF_COUNT = {"SUPV_LITIGATION_LOSS_RATE": "SUPV_ADMIN_LITIGATION"}
# The same for the court-appearance rate (2025.1): heads appeared in most of the year's lawsuits
# (chance per lawsuit), so it is absent in years without lawsuits too.
APPEARANCE_OF_COUNT = {"SUPV_APPEARANCE_RATE": ("SUPV_ADMIN_LITIGATION", 0.8)}
# Totals written beside a per-village mean of the same people (2025.1): total ≈ mean × villages,
# plus (lo, hi) at township level (the township's own mediators; none for legal-literates).
TOTAL_OF_AVERAGE = {
    "VIL_LEGAL_LITERATE": ("VIL_LEGAL_LITERATE_PER_VILLAGE", (0, 0)),
    "DISP_MEDIATORS": ("DISP_MEDIATORS_PER_VILLAGE", (2, 6)),
}
# Counts at least as large as another of the same unit-year (2025.1), applied in this order:
# disputes accepted ≥ disputes mediated, screened ≥ accepted; visitors ≥ visiting batches.
AT_LEAST = [
    ("DISP_DISPUTES_ACCEPTED", "DISP_DISPUTES_MEDIATED"),
    ("DISP_DISPUTES_SCREENED", "DISP_DISPUTES_ACCEPTED"),
    ("DISP_PETITION_VISITORS", "DISP_PETITION_BATCHES"),
]


def default_profile(ind: Indicator) -> dict:
    """Scale for an indicator PROFILES does not know: guessed from how it is measured."""
    if ind.measure == "count":
        if ind.denominator and ind.denominator.get("attribute") == "villages":
            return dict(share=0.3, share_gain=0.04, cumulative=False)
        if ind.polarity == "lower":
            return dict(median=2, lo=0, hi=10, size=0.5, growth=-0.06)
        median = {"份": 1000, "人次": 200, "条": 80, "件": 20}.get(ind.unit_word, 5)
        return dict(median=median, lo=0, hi=median * 5, size=0.4, growth=0.05)
    if ind.measure == "percent":
        return dict(shortfall=6.0, p100=0.2, loss_median=8.0)
    if ind.measure == "average":
        return dict(level=2.5, gain=0.2, lo=1.0, hi=5.0)
    if ind.measure == "boolean":
        return dict(adopted=0.8)
    if ind.measure == "hours":
        return dict(median=24, lo=8, hi=60)
    if ind.measure == "yuan":
        return dict(median=60000, lo=5000, hi=500000)
    return {}  # score: one model for all


# ----------------------------------------------------------------------------- small helpers
def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def lognormal(rng: random.Random, sigma: float) -> float:
    """Multiplicative noise with median 1 (right-skewed, like counts in reports)."""
    return math.exp(rng.gauss(0.0, sigma))


def poisson(rng: random.Random, mu: float) -> int:
    """Knuth's method; mu is small here (< 15)."""
    limit, k, p = math.exp(-mu), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def fmt_num(x: float, decimals: int = 1) -> str:
    """Plain number: integer when whole, else at most `decimals` decimals, no trailing zeros."""
    if float(x).is_integer():
        return str(int(x))
    s = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return s


CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int, liang: bool) -> str:
    """0..99 as reports write them: 两/二, 十, 十二, 二十五."""
    assert 0 <= n < 100
    if n == 2:
        return "两" if liang else "二"
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CN_DIGITS[tens] + "十"
    return head + (CN_DIGITS[ones] if ones else "")


def full_width(s: str) -> str:
    """ASCII digits to full-width (０-９), as pasted from some word processors."""
    return "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in s)


# ----------------------------------------------------------------------------- inputs
def read_catalogue(path: Path) -> list[Indicator]:
    with path.open("rb") as f:
        cat = tomllib.load(f)
    out = []
    for raw in cat["indicators"]:
        out.append(
            Indicator(
                code=raw["code"],
                name_zh=raw["name_zh"],
                dimension=raw["dimension"],
                measure=raw["measure"],
                unit_word=raw.get("unit_word", ""),
                kind=raw.get("kind", "output"),
                polarity=raw.get("polarity", "higher"),
                denominator=raw.get("denominator"),
                ratio_of=raw.get("ratio_of"),
                goalposts=raw.get("goalposts"),
            )
        )
    return out


def make_units(rng: random.Random) -> list[Unit]:
    units = []
    for code, name, county, kind in UNITS:
        median, vlo, vhi = KIND_SIZE[kind]
        # Lognormal residents: most townships small, a few large (skewed), rounded to tens.
        residents = median * lognormal(rng, 0.45)
        if not 8000 <= residents <= 60000:  # fold back inside the range rather than pile up on it
            residents = rng.uniform(8000, 11000) if residents < 8000 else rng.uniform(52000, 60000)
        residents = int(round(residents, -1))
        if kind == "街道":
            villages = rng.randint(vlo, vhi)  # 社区/村 of an urban sub-district: few
        else:
            # Villages grow with population, with scatter (~1 village per 1,300–1,800 people).
            villages = int(clamp(round(residents / 1500 * lognormal(rng, 0.25)), vlo, vhi))
        units.append(
            Unit(
                code,
                name,
                county,
                kind,
                villages,
                residents,
                residents / REFERENCE_RESIDENTS,
                rng.gauss(0.0, 1.0),
            )
        )
    return units


# ----------------------------------------------------------------------------- true values
# Each generator returns the series of true values for YEARS (int/float/bool, or None when the
# quantity does not exist that year). Formatting as report text comes later.
def gen_count(rng, unit: Unit, ind: Indicator, prof: dict) -> list:
    if "share" in prof:
        return gen_village_share(rng, unit, prof)
    if "villages_plus" in prof:
        return gen_villages_plus(rng, unit, prof)
    sign = 1.0 if ind.polarity == "higher" else -1.0
    # Level: size-dependent, unit-specific lognormal scatter, a little better where well run.
    level = prof["median"] * unit.size ** prof["size"] * lognormal(rng, 0.35)
    level *= math.exp(0.12 * sign * unit.quality)
    growth = rng.gauss(prof["growth"], 0.04)  # gentle trend, different per township
    shift, out = 1.0, []
    for k, _year in enumerate(YEARS):
        # A few year-on-year jumps (campaign year, new staff, merged villages) that persist.
        if k > 0 and rng.random() < 0.06:
            shift *= rng.uniform(1.5, 2.0) if rng.random() < 0.6 else rng.uniform(0.5, 0.7)
        if prof.get("sticky"):
            v = int(round(level * math.exp(growth * k) * shift * lognormal(rng, 0.05)))
        else:
            mu = level * math.exp(growth * k) * shift * lognormal(rng, 0.12)
            v = poisson(rng, mu) if mu < 15 else int(round(mu))  # small counts: integer noise
        out.append(int(clamp(v, prof["lo"], prof["hi"])))
    if prof.get("monotone"):
        out = [max(out[: k + 1]) for k in range(len(out))]
    return out


def gen_villages_plus(rng, unit: Unit, prof: dict) -> list:
    """One per village plus a few at township level, added over the years; never falls."""
    lo, hi = prof["villages_plus"]
    extra = rng.randint(lo, hi)
    out = []
    for _year in YEARS:
        if rng.random() < 0.1:
            extra += 1
        out.append(unit.villages + extra)
    return out


def gen_village_share(rng, unit: Unit, prof: dict) -> list:
    """Counts of villages (≤ villages): a share that grows; cumulative ones never fall."""
    share = clamp(prof["share"] + 0.08 * unit.quality + rng.gauss(0, 0.08), 0.02, 0.95)
    out, best = [], 0
    for k, _year in enumerate(YEARS):
        p = clamp(share + prof["share_gain"] * k + rng.gauss(0, 0.05), 0.0, 1.0)
        v = binomial(rng, unit.villages, p)
        if prof["cumulative"]:
            best = max(best, v)
            v = best
        out.append(v)
    return out


def gen_percent(rng, unit: Unit, ind: Indicator, prof: dict) -> list:
    out = []
    if ind.polarity == "lower":
        # Lower-is-better share (0–40): often exactly 0.
        level = prof.get("loss_median", 8.0) * lognormal(rng, 0.5)
        for _ in YEARS:
            v = 0.0 if rng.random() < 0.3 else clamp(level * lognormal(rng, 0.4), 0.5, 40.0)
            out.append(round(v, 1))
        return out
    # Higher-is-better: 100 minus a skewed shortfall that shrinks over the years; some exactly 100.
    short = prof["shortfall"] * math.exp(-0.3 * unit.quality) * lognormal(rng, 0.4)
    for k, _year in enumerate(YEARS):
        if rng.random() < prof["p100"] + 0.04 * k:
            out.append(100.0)
            continue
        v = 100.0 - short * math.exp(-0.08 * k) * lognormal(rng, 0.5)
        out.append(round(clamp(v, 72.0, 99.9), 1))
    return out


def gen_score(rng, unit: Unit, ind: Indicator, prof: dict) -> list:
    """Exam-style average score 70–98, two decimals, improving slowly."""
    level = 85.0 + 4.0 * unit.quality + rng.gauss(0, 2.0)
    return [round(clamp(level + 0.6 * k + rng.gauss(0, 1.5), 70.0, 98.0), 2) for k, _ in enumerate(YEARS)]


def gen_average(rng, unit: Unit, ind: Indicator, prof: dict) -> list:
    """Per-village mean (1–5); half the townships report whole numbers only."""
    level = prof["level"] + 0.3 * unit.quality + rng.gauss(0, 0.4)
    whole = rng.random() < 0.5
    out = []
    for k, _year in enumerate(YEARS):
        v = clamp(level + prof["gain"] * k + rng.gauss(0, 0.2), prof["lo"], prof["hi"])
        out.append(float(round(v)) if whole else round(v, 1))
    return out


def gen_hours(rng, unit: Unit, ind: Indicator, prof: dict) -> list:
    level = prof["median"] * unit.size**0.1 * lognormal(rng, 0.3)
    out = []
    for k, _year in enumerate(YEARS):
        v = level * math.exp(0.05 * k) * lognormal(rng, 0.15)
        v = round(v / 4) * 4 if rng.random() < 0.5 else round(v)  # courses often in 4-hour blocks
        out.append(int(clamp(v, prof["lo"], prof["hi"])))
    return out


def gen_boolean(rng, unit: Unit, ind: Indicator, prof: dict) -> list:
    """是 from the year of adoption on; a few lapse for one year (否)."""
    if rng.random() < prof["adopted"] + 0.05 * unit.quality:
        adopted = YEARS[0]
    else:
        adopted = rng.choice(YEARS[1:])
    return [year >= adopted and rng.random() > 0.04 for year in YEARS]


def gen_yuan(rng, unit: Unit, ind: Indicator, prof: dict) -> list:
    """Money (罚没款 ENF_FINES in catalogue 2025.1): skewed, rounded to hundreds."""
    level = prof["median"] * unit.size**0.6 * lognormal(rng, 0.5)
    return [
        int(clamp(round(level * math.exp(0.05 * k) * lognormal(rng, 0.2), -2), prof["lo"], prof["hi"]))
        for k, _ in enumerate(YEARS)
    ]


GENERATORS = {
    "count": gen_count,
    "percent": gen_percent,
    "score": gen_score,
    "average": gen_average,
    "hours": gen_hours,
    "boolean": gen_boolean,
    "yuan": gen_yuan,
}


def true_values(rng, units: list[Unit], cat: list[Indicator], streams) -> dict:
    """{(unit, year, code): value}. None = does not exist (e.g. loss rate without lawsuits).
    ``streams(code)`` is the random stream of an indicator (``rng`` for the 2024.1 ones)."""
    by_code = {i.code: i for i in cat}
    numerators = {i.ratio_of["numerator"]: i.ratio_of["denominator"] for i in cat if i.ratio_of}
    derived = (
        [i.code for i in cat if i.ratio_of]
        + [c for c in RATE_OF_COUNT if c in by_code]
        + [c for c, (base, _) in APPEARANCE_OF_COUNT.items() if c in by_code and base in by_code]
        + [c for c, (avg, _) in TOTAL_OF_AVERAGE.items() if c in by_code and avg in by_code]
    )
    tuned = list(PROFILES) + list(CAPPED_BY) + list(RATE_OF_COUNT) + list(APPEARANCE_OF_COUNT)
    tuned += list(TOTAL_OF_AVERAGE) + [c for pair in AT_LEAST for c in pair]
    for code in tuned:
        if code not in by_code:
            print(f"note: tuned indicator {code} is not in the catalogue", file=sys.stderr)
    for ind in cat:
        if (
            ind.code not in PROFILES
            and ind.measure != "score"
            and ind.code not in derived
            and ind.code not in numerators
        ):
            print(f"note: {ind.code} uses the default {ind.measure} profile", file=sys.stderr)
        if ind.measure not in GENERATORS:
            raise SystemExit(f"{ind.code}: unknown measure {ind.measure!r}")

    values: dict = {}
    for unit in units:
        # Pass 1: every indicator that does not depend on another, in catalogue order.
        for ind in cat:
            if ind.code in derived or ind.code in numerators:
                continue
            prof = PROFILES.get(ind.code) or default_profile(ind)
            for year, v in zip(YEARS, GENERATORS[ind.measure](streams(ind.code), unit, ind, prof)):
                values[(unit.code, year, ind.code)] = v
        # Pass 2a: numerators of a stated rate are a share of their denominator (certified ≤ staff),
        # the share rising over the years towards full certification.
        for num, den in numerators.items():
            p0 = clamp(0.6 + 0.1 * unit.quality + rng.gauss(0, 0.1), 0.2, 0.95)
            for k, year in enumerate(YEARS):
                n = values[(unit.code, year, den)]
                values[(unit.code, year, num)] = binomial(rng, n, clamp(p0 + 0.07 * k, 0, 1))
        # Pass 2b: caps between counts.
        for code, cap in CAPPED_BY.items():
            if code in by_code and cap in by_code:
                for year in YEARS:
                    key = (unit.code, year, code)
                    values[key] = min(values[key], values[(unit.code, year, cap)])
        # Pass 2c: stated rates of counts (ratio_of): exactly what the counts give.
        for ind in cat:
            if ind.ratio_of:
                for year in YEARS:
                    n = values[(unit.code, year, ind.ratio_of["numerator"])]
                    d = values[(unit.code, year, ind.ratio_of["denominator"])]
                    values[(unit.code, year, ind.code)] = round(100.0 * n / d, 1) if d else None
        # Pass 2d: loss rate = lost / lawsuits; mostly none lost, never above 40 %.
        for code, base in RATE_OF_COUNT.items():
            if code not in by_code:
                continue
            for year in YEARS:
                n = values[(unit.code, year, base)]
                lost = binomial(rng, n, 0.15)
                while lost and 100.0 * lost / n > 40.0:
                    lost -= 1
                values[(unit.code, year, code)] = round(100.0 * lost / n, 1) if n else None
        # Pass 2e (2025.1): court-appearance rate of the year's lawsuits.
        for code, (base, p) in APPEARANCE_OF_COUNT.items():
            if code not in by_code or base not in by_code:
                continue
            for year in YEARS:
                n = values[(unit.code, year, base)]
                met = binomial(streams(code), n, p)
                values[(unit.code, year, code)] = round(100.0 * met / n, 1) if n else None
        # Pass 2f (2025.1): totals of the people a per-village mean describes.
        for code, (avg, (lo, hi)) in TOTAL_OF_AVERAGE.items():
            if code not in by_code or avg not in by_code:
                continue
            r = streams(code)
            own = r.randint(lo, hi)
            for year in YEARS:
                mean = values[(unit.code, year, avg)]
                values[(unit.code, year, code)] = (
                    int(round(mean * unit.villages * r.uniform(0.95, 1.05))) + own
                )
        # Pass 2g (2025.1): counts that cannot be below another count.
        for code, floor in AT_LEAST:
            if code in by_code and floor in by_code:
                for year in YEARS:
                    key = (unit.code, year, code)
                    values[key] = max(values[key], values[(unit.code, year, floor)])
    return values


def inject_rate_inconsistencies(rng, values: dict, cat: list[Indicator]) -> list[tuple]:
    """Make the stated rate 5–10 points too high in INCONSISTENT_RATE unit-years."""
    rate = next(i for i in cat if i.ratio_of)  # ENF_CERT_RATE (the only one in 2024.1 and 2025.1)
    num, den = rate.ratio_of["numerator"], rate.ratio_of["denominator"]
    report = []
    for unit, year in INCONSISTENT_RATE:
        # Room for the error: at least 3 staff and one without a certificate (true rate ≤ 90).
        d = max(values[(unit, year, den)], 3)
        n = min(values[(unit, year, num)], d - 1)
        if 100.0 * n / d > 90.0:
            n = int(d * 0.9)
        values[(unit, year, den)], values[(unit, year, num)] = d, n
        true_rate = round(100.0 * n / d, 1)
        stated = round(min(true_rate + rng.uniform(5.0, 10.0), 100.0), 1)
        values[(unit, year, rate.code)] = stated
        report.append((unit, year, n, d, true_rate, stated))
    return report


# ----------------------------------------------------------------------------- report text
COUNT_QUALIFIERS = ["多", "余", "约", "近", "超过", "左右", "以上", "逾", "不到"]


def write_count(rng, v: int, ind: Indicator, exact: bool, cap: int | None) -> tuple[str, bool]:
    """Count as a report writes it. Returns (text, qualified). exact: no approximations (the
    counts behind a stated rate must give that rate). cap: a bound the true value cannot pass
    (villages); an approximation must not suggest more than that ("不到20个" of 18 villages)."""
    cap = cap if cap is not None else 10**9
    word = ind.unit_word if ind.unit_word and rng.random() < 0.35 else ""
    r = rng.random()
    if not exact and 7 <= v < 10 and r < 0.15 and cap >= 10:
        # "近10次" / "不到10次": small counts are only ever approximated from above.
        return rng.choice(["近", "不到"]) + "10" + word, True
    if not exact and v >= 10 and r < 0.45:
        # Round to the place a writer would: tens, or hundreds for larger numbers (1060多, 300余).
        place = 10 if v < 100 or rng.random() < 0.5 else 100
        down, up, near = (v // place) * place, -(-v // place) * place, round(v / place) * place
        q = rng.choice(COUNT_QUALIFIERS)
        if q in ("多", "余", "超过", "以上", "逾") and down < v and down > 0:
            n = down  # "more than N": N strictly below the true value
        elif q in ("近", "不到") and v < up <= cap:
            n = up  # "nearly N": N strictly above
        else:
            q, n = ("约", near) if 0 < near <= cap else (None, v)
        if q is not None:
            s = str(n)
            if q in ("多", "余"):
                return s + q + word, True
            if q in ("左右", "以上"):
                return s + q, True  # "200左右份" is not how anyone writes it
            return q + s + word, True
    if 1 <= v <= 20 and r > 0.98:
        return chinese_numeral(v, liang=rng.random() < 0.8) + word, False  # 两次, 十二人
    if v >= 1 and 0.45 <= r < 0.47:
        return full_width(str(v)) + word, False  # １２
    return str(v) + word, False


def write_percent(rng, v: float, ind: Indicator, exact: bool) -> str:
    s = fmt_num(v)
    r = rng.random()
    if not exact:
        if ind.polarity == "higher" and 90.0 <= v < 100.0 and r < 0.15:
            return f"{int(v // 5 * 5)}%以上"  # as the seed report: 参学率达到95%以上
        if ind.polarity == "lower" and 0.0 < v <= 35.0 and r < 0.10:
            return f"{int(-(-v // 5) * 5)}%以下"
    return s + "%" if r < 0.7 else s  # "95%" or the bare "95" of a table


def write_score(rng, v: float, ind: Indicator) -> str:
    return f"{v:.2f}" + (ind.unit_word if rng.random() < 0.4 else "")  # 89.93 / 89.93分


def write_average(rng, v: float, ind: Indicator) -> str:
    word = ind.unit_word if rng.random() < 0.4 else ""
    if rng.random() < 0.25:
        # A range instead of a mean, like the seed's 配备村级调解员3—5人.
        lo = max(1, int(round(v)) - 1)
        hi = lo + rng.choice([1, 2, 2])
        sep = rng.choice(["—", "—", "-", "至"])
        return f"{lo}{sep}{hi}{word}"
    if float(v).is_integer() and v <= 5 and rng.random() < 0.1:
        return chinese_numeral(int(v), liang=True) + word  # 平均一个行政村三人
    return fmt_num(v) + word


def write_hours(rng, v: int, ind: Indicator) -> str:
    return str(v) + (ind.unit_word if rng.random() < 0.5 else "")


def write_boolean(rng, v: bool, ind: Indicator) -> str:
    return "是" if v else "否"


def write_yuan(rng, v: int, ind: Indicator) -> str:
    """Plain yuan (65000, 65000元) or, for whole thousands, 万元 with one decimal (6.5万元)."""
    if v >= 10000 and v % 1000 == 0 and rng.random() < 0.5:
        return fmt_num(v / 10000) + "万元"
    return str(v) + (ind.unit_word if rng.random() < 0.5 else "")


WRITERS = {
    "score": write_score,
    "average": write_average,
    "hours": write_hours,
    "boolean": write_boolean,
    "yuan": write_yuan,
}

# What a later parser accepts (mirrors the brief): a check that every cell is in a known form.
_NUM = r"(?:[0-9０-９]+(?:\.[0-9０-９]+)?|[零一二两三四五六七八九十百千万]+)"
VALUE_FORM = re.compile(
    rf"^(?:约|大约|近|不足|不到|超过|逾)?{_NUM}(?:\s*[—–\-~～至到]\s*{_NUM})?"
    r"(?:多|余|以上|以下|左右)?%?(?:多|余|以上|以下|左右)?"
    r"(?:[\u4e00-\u9fff]{1,2})?$"
)


def render(streams, values: dict, units: list[Unit], cat: list[Indicator], exact_codes: list[str]):
    """Report text of every existing cell, in (unit, year, catalogue) order."""
    rows, n_counts, n_qualified = [], 0, 0
    for unit in units:
        for year in YEARS:
            for ind in cat:
                v = values[(unit.code, year, ind.code)]
                if v is None:
                    continue
                exact = ind.code in exact_codes
                rng = streams(ind.code)
                if ind.measure == "count":
                    # Counts of villages (a share of them) cannot be approximated above their number;
                    # per-village totals of people or committees can exceed it.
                    per_village = (ind.denominator or {}).get("attribute") == "villages"
                    share = "share" in (PROFILES.get(ind.code) or default_profile(ind))
                    cap = unit.villages if per_village and share else None
                    text, qualified = write_count(rng, v, ind, exact, cap)
                    n_counts += 1
                    n_qualified += qualified
                elif ind.measure == "percent":
                    text = write_percent(rng, v, ind, exact)
                else:
                    text = WRITERS[ind.measure](rng, v, ind)
                assert text in ("是", "否") or VALUE_FORM.match(text), (ind.code, text)
                rows.append([unit.code, year, ind.code, text])
    return rows, n_counts, n_qualified


def drop_missing(streams, rows: list, cat: list[Indicator], protected: list[tuple]) -> list:
    """Remove cells as real reports omit them: random gaps plus three structural blocks."""
    dim = {i.code: i.dimension for i in cat}
    kept = []
    for unit, year, code, text in rows:
        if (unit, year) == NO_DATA_YEAR:
            continue
        if (unit, dim[code], year) == MISSING_DIMENSION:
            continue
        if (unit, code) == NEVER_REPORTED:
            continue
        draw = streams(code).random()  # drawn for every remaining cell so the stream does not shift
        if (unit, year, code) not in protected and draw < MISSING_RATE:
            continue
        kept.append([unit, year, code, text])
    return kept


# ----------------------------------------------------------------------------- targets
# Hand-written, like a county's 法治政府建设 plan. Plain numbers; boolean targets use 1 (= 是).
# Keys: unit or county, indicator, year, comparator, target, target_hi, tiers (threshold, base,
# challenge), baseline_year, note. For tiered rows `target` repeats `base`.
E, W = "合成东县", "合成西县"


def T(scope, indicator, year, comparator, target=None, hi=None, tiers=None, baseline=None, note=""):
    unit, county = (scope, "") if scope.startswith("SYN") else ("", scope)
    threshold, base, challenge = tiers or (None, None, None)
    if tiers:
        target = base
    return dict(
        unit=unit,
        county=county,
        indicator=indicator,
        year=year,
        comparator=comparator,
        target=target,
        target_hi=hi,
        threshold=threshold,
        base=base,
        challenge=challenge,
        baseline_year=baseline,
        note=note,
    )


TARGETS = [
    # County-wide 2024 targets, 合成东县.
    T(
        E,
        "PUB_MATERIALS",
        2024,
        "at_least",
        1000,
        note="发放法治宣传资料不少于1000份 / at least 1,000 leaflets",
    ),
    T(E, "CAP_ONLINE_EXAM_PASS_RATE", 2024, "at_least", 95, note="法宣在线及格率≥95%"),
    T(E, "CAP_ONLINE_EXAM_PARTICIPATION", 2024, "at_least", 98, note="法宣在线参考率≥98%"),
    T(E, "SUPV_LITIGATION_LOSS_RATE", 2024, "at_most", 10, note="行政诉讼败诉率≤10%"),
    T(E, "DISP_MEDIATION_SUCCESS_RATE", 2024, "between", 90, 100, note="调解成功率90%–100%"),
    T(E, "DUTY_LEGAL_ADVISER", 2024, "exactly", 1, note="每个乡镇聘请法律顾问 (1 = 是)"),
    T(E, "LEAD_STUDY_SESSIONS", 2024, "at_least", 8, note="领导班子集体学法不少于8次"),
    T(E, "ENF_CERT_RATE", 2024, "at_least", 80, note="执法人员持证率≥80%"),
    T(E, "DISP_PETITIONS_BEYOND_LEVEL", 2024, "at_most", 3, note="越级上访不超过3件"),
    # County-wide 2024 targets, 合成西县.
    T(W, "PUB_MATERIALS", 2024, "at_least", 800, note="发放法治宣传资料不少于800份"),
    T(W, "CAP_ONLINE_EXAM_PASS_RATE", 2024, "at_least", 95, note="法宣在线及格率≥95%"),
    T(W, "SUPV_LITIGATION_LOSS_RATE", 2024, "at_most", 10, note="行政诉讼败诉率≤10%"),
    T(W, "DISP_MEDIATION_SUCCESS_RATE", 2024, "between", 90, 100, note="调解成功率90%–100%"),
    T(W, "VIL_LEGAL_LITERATE_STUDY_RATE", 2024, "at_least", 90, note="法律明白人参学率≥90%"),
    T(W, "CAP_STUDY_SESSIONS", 2024, "at_least", 12, note="法律学习不少于12次"),
    T(W, "LEAD_LAW_LECTURES", 2024, "at_least", 2, note="主要负责人讲法治课不少于2次"),
    T(W, "DUTY_NORMATIVE_DOC_REVIEW_RATE", 2024, "exactly", 100, note="规范性文件合法性审核率100%"),
    # Per-township 2024 overrides of a county row.
    T("SYN01", "PUB_MATERIALS", 2024, "at_least", 2500, note="large town: higher leaflet target / 大镇加码"),
    T("SYN03", "PUB_MATERIALS", 2024, "at_least", 1500, note="街道人口多，宣传资料不少于1500份"),
    T(
        "SYN12",
        "CAP_ONLINE_EXAM_PASS_RATE",
        2024,
        "at_least",
        90,
        note="relaxed: new staff this year / 新进人员多",
    ),
    T("SYN08", "DISP_MEDIATION_SUCCESS_RATE", 2024, "between", 95, 100, note="示范镇：调解成功率95%–100%"),
    # Tiered targets (基本/目标/挑战): threshold < base < challenge, reversed for lower-is-better.
    T(E, "PUB_CONSULT_STALLS", 2024, "at_least", tiers=(2, 4, 6), note="tiered: 法律咨询设摊 2/4/6 次"),
    T(
        W,
        "CAP_ONLINE_EXAM_SCORE",
        2024,
        "at_least",
        tiers=(80, 85, 90),
        note="tiered: 法宣在线平均分 80/85/90",
    ),
    T(
        W,
        "DISP_PETITIONS_BEYOND_LEVEL",
        2024,
        "at_most",
        tiers=(5, 3, 1),
        note="tiered, lower is better: 越级上访 5/3/1 件",
    ),
    T(
        "SYN05",
        "SUPV_DISCLOSURE_ITEMS",
        2024,
        "at_least",
        tiers=(100, 150, 200),
        note="tiered: 政务公开 100/150/200 条",
    ),
    # A zero target.
    T("SYN04", "SUPV_ADMIN_LITIGATION", 2024, "at_most", 0, note="零行政诉讼 / zero lawsuits"),
    # 2025 multi-year plan measured against 2022.
    T(
        E,
        "VIL_LEGAL_LITERATE_PER_VILLAGE",
        2025,
        "at_least",
        3,
        baseline=2022,
        note="到2025年每村法律明白人不少于3人",
    ),
    T(E, "PUB_NEW_MEDIA_POSTS", 2025, "at_least", 100, baseline=2022, note="新媒体普法每年不少于100条"),
    T(E, "CAP_ONLINE_EXAM_SCORE", 2025, "at_least", 90, baseline=2022, note="法宣在线平均分达到90分"),
    T(E, "DUTY_CONTRACT_REVIEW_RATE", 2025, "exactly", 100, baseline=2022, note="重大合同100%审查"),
    T(
        W,
        "ENF_CERT_RATE",
        2025,
        "at_least",
        100,
        baseline=2022,
        note="执法人员全部持证 / full certification by 2025",
    ),
    T(W, "DISP_MEDIATION_SUCCESS_RATE", 2025, "at_least", 95, baseline=2022, note="调解成功率≥95%"),
    T(W, "SUPV_LITIGATION_LOSS_RATE", 2025, "at_most", 5, baseline=2022, note="败诉率降至5%以下"),
    # A target with nothing to compare it to: SYN10 never reports new-media posts (no_data).
    T(
        NEVER_REPORTED[0],
        NEVER_REPORTED[1],
        2024,
        "at_least",
        50,
        note="no observation: expect no_data / 无数据",
    ),
]


def check_targets(cat: list[Indicator], units: list[Unit], kept_rows: list) -> None:
    pol = {i.code: i.polarity for i in cat}
    codes = [u.code for u in units]
    counties = sorted({u.county for u in units})
    seen = []
    for t in TARGETS:
        assert t["indicator"] in pol, t
        assert (t["unit"] in codes) != (t["county"] in counties), t
        key = (t["unit"], t["county"], t["indicator"], t["year"])
        assert key not in seen, key
        seen.append(key)
        if t["threshold"] is not None:
            ordered = [t["threshold"], t["base"], t["challenge"]]
            want = sorted(ordered) if pol[t["indicator"]] == "higher" else sorted(ordered)[::-1]
            assert ordered == want and len(set(ordered)) == 3, t
        if t["comparator"] == "between":
            assert t["target_hi"] is not None and t["target"] < t["target_hi"], t
    unit, code = NEVER_REPORTED
    assert not any(r[0] == unit and r[2] == code for r in kept_rows)


# ----------------------------------------------------------------------------- output
def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(["" if c is None else c for c in row])


def cell(x) -> str:
    return "" if x is None else fmt_num(x, 2)


def main() -> None:
    rng = random.Random(SEED)
    later = random.Random(f"{SEED}:2025.1")  # str seeds are hashed with SHA-512: reproducible
    base = [i.code for i in read_catalogue(BASE_CATALOGUE)]

    def streams(code: str) -> random.Random:
        return rng if code in base else later

    cat = read_catalogue(CATALOGUE)
    units = make_units(rng)
    values = true_values(rng, units, cat, streams)
    bad = inject_rate_inconsistencies(rng, values, cat)

    # Counts behind a stated rate are written exactly, so the rate can be checked against them.
    exact = [
        c for i in cat if i.ratio_of for c in (i.code, i.ratio_of["numerator"], i.ratio_of["denominator"])
    ]
    rows, n_counts, n_qualified = render(streams, values, units, cat, exact)
    rate = next(i for i in cat if i.ratio_of)
    protected = [
        (u, y, c)
        for u, y in INCONSISTENT_RATE
        for c in (rate.code, rate.ratio_of["numerator"], rate.ratio_of["denominator"])
    ]
    kept = drop_missing(streams, rows, cat, protected)
    check_targets(cat, units, kept)

    write_csv(
        HERE / "units.csv",
        ["code", "name", "county", "villages", "residents"],
        [[u.code, u.name, u.county, u.villages, u.residents] for u in units],
    )
    write_csv(
        HERE / "panel.csv",
        ["unit", "year", "indicator", "value", "source"],
        [r + ["synthetic"] for r in kept],
    )
    cols = [
        "unit",
        "county",
        "indicator",
        "year",
        "comparator",
        "target",
        "target_hi",
        "threshold",
        "base",
        "challenge",
        "baseline_year",
        "note",
    ]
    write_csv(
        HERE / "targets.csv",
        cols,
        [
            [
                t["unit"],
                t["county"],
                t["indicator"],
                t["year"],
                t["comparator"],
                cell(t["target"]),
                cell(t["target_hi"]),
                cell(t["threshold"]),
                cell(t["base"]),
                cell(t["challenge"]),
                t["baseline_year"] or "",
                t["note"],
            ]
            for t in TARGETS
        ],
    )

    cells = len(units) * len(YEARS) * len(cat)
    print(
        f"units: {len(units)}  indicators: {len(cat)}  panel rows: {len(kept)} of {cells} cells "
        f"({100 * (1 - len(kept) / cells):.1f}% absent)  targets: {len(TARGETS)}"
    )
    print(f"counts written with a qualifier: {n_qualified}/{n_counts} ({100 * n_qualified / n_counts:.1f}%)")
    for unit, year, n, d, true_rate, stated in bad:
        print(f"inconsistent {rate.code}: {unit} {year}: {n}/{d} = {true_rate}% but stated {stated}%")


if __name__ == "__main__":
    main()
