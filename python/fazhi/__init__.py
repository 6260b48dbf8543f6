"""fazhi (法治): assessment of rule-of-law government construction (法治政府建设) for townships
and counties.

Report values as intervals ("1060多份" → [1060, 1070)), an indicator catalogue that is data, a
validated panel with a row-level rejection report, and polars DataFrames throughout.

Examples
--------
>>> import fazhi
>>> cat = fazhi.Catalogue.default()
>>> cat.resolve("发放法治宣传资料份数")
'PUB_MATERIALS'
>>> fazhi.parse_value("90余件")["hi"]
100.0
"""

from __future__ import annotations

import warnings
from pathlib import Path

from fazhi._fazhi import (
    BUILD_PROFILE,
    ArgumentError,
    Catalogue,
    CatalogueError,
    Extraction,
    ExtractionError,
    FazhiError,
    InputError,
    InternalError,
    Panel,
    Scores,
    ScoringError,
    Targets,
    TargetsError,
    Uncertainty,
    Units,
    ValidationError,
    ValueParseError,
    __version__,
    extract,
    extract_text,
    parse_value,
)

__all__ = [
    "BUILD_PROFILE",
    "ArgumentError",
    "Catalogue",
    "CatalogueError",
    "Extraction",
    "ExtractionError",
    "FazhiError",
    "InputError",
    "InternalError",
    "Panel",
    "Scores",
    "ScoringError",
    "Targets",
    "TargetsError",
    "Uncertainty",
    "Units",
    "ValidationError",
    "ValueParseError",
    "__version__",
    "datasets_dir",
    "extract",
    "extract_text",
    "parse_value",
]

if BUILD_PROFILE == "debug":
    warnings.warn(
        "fazhi was built in debug mode, which is 10-50x slower; "
        "build it with `maturin develop --release` (or `pip install .`) for real work",
        RuntimeWarning,
        stacklevel=2,
    )


def datasets_dir() -> Path:
    """The folder with the bundled datasets (catalogue, the real seed report data, the synthetic
    demo county), when fazhi runs from a source checkout.

    Raises
    ------
    FileNotFoundError
        When the datasets are not next to the package (an installed wheel ships only the
        catalogue, which is built into the extension).
    """
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "datasets"
        if (candidate / "catalogue.toml").is_file():
            return candidate
    raise FileNotFoundError(
        "the fazhi datasets folder was not found; run from a checkout of the fazhi repository"
    )
