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

import os
import tempfile
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
    words,
    write_datasets,
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
    "words",
    "write_datasets",
]

if BUILD_PROFILE == "debug":
    warnings.warn(
        "fazhi was built in debug mode, which is 10-50x slower; "
        "build it with `maturin develop --release` (or `pip install .`) for real work",
        RuntimeWarning,
        stacklevel=2,
    )


def datasets_dir() -> Path:
    """The folder with the bundled datasets: the catalogues, the extraction rules, the **real**
    seed report of 四棵树镇 and its figures, and the **synthetic** demo county.

    In a source checkout this is the repository's ``datasets/`` folder. An installed wheel carries
    the same files inside the extension; the first call writes them (unchanged) to
    ``$FAZHI_DATA/datasets`` when that variable is set, else to a per-version folder in the
    user's cache (``%LOCALAPPDATA%\\fazhi`` on Windows, ``$XDG_CACHE_HOME/fazhi`` or
    ``~/.cache/fazhi`` elsewhere, the temporary folder when those cannot be written), and
    returns that. ``fazhi datasets DIR`` (or :func:`write_datasets`) copies them where you like.
    """
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "datasets"
        if (candidate / "catalogue.toml").is_file() and (candidate / "demo" / "panel.csv").is_file():
            return candidate
    chosen = os.environ.get("FAZHI_DATA")
    if chosen:
        write_datasets(chosen)
        return Path(chosen) / "datasets"
    if os.name == "nt":
        cache = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "fazhi"
    else:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fazhi"
    folder = cache / f"datasets-{__version__}"
    try:
        write_datasets(folder)
    except (OSError, FazhiError):
        # A read-only home or a folder edited by hand: a fresh copy in the temporary folder.
        folder = Path(tempfile.gettempdir()) / f"fazhi-datasets-{__version__}"
        write_datasets(folder, overwrite=True)
    return folder / "datasets"
