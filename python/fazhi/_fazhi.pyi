"""Type stub of the compiled module fazhi._fazhi (checked with mypy.stubtest in CI)."""

from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Union, final

import polars as pl

_Path = str | PathLike[str]
_CatalogueArg = Union["Catalogue", _Path, None]
_UnitsArg = Union["Units", _Path, pl.DataFrame, None]

__all__ = [
    "ArgumentError",
    "ArrowStream",
    "BUILD_PROFILE",
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
    "_panic_for_tests",
    "write_datasets",
    "extract",
    "extract_text",
    "parse_value",
    "words",
]

__version__: str
BUILD_PROFILE: str

class FazhiError(Exception): ...
class ValidationError(FazhiError): ...
class ValueParseError(ValidationError): ...
class CatalogueError(FazhiError): ...
class TargetsError(FazhiError): ...
class InputError(FazhiError): ...
class ExtractionError(FazhiError): ...
class ArgumentError(FazhiError): ...
class ScoringError(FazhiError): ...

class InternalError(FazhiError):
    """A bug in fazhi (a Rust panic), not a problem with the input or the call."""

# Limits of Panel.uncertainty / Panel.sensitivity (ArgumentError beyond them): draws ≤ 1,000,000
# and draws × units ≤ 100,000,000; base ≤ 1,000,000; bootstrap ≤ 100,000.

@final
class ArrowStream:
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...

@final
class Catalogue:
    @staticmethod
    def default() -> Catalogue: ...
    @staticmethod
    def read(path: _Path) -> Catalogue: ...
    def with_aliases(self, aliases: dict[str, str] | _Path) -> Catalogue: ...
    @staticmethod
    def from_toml(text: str) -> Catalogue: ...
    def to_toml(self) -> str: ...
    @property
    def frame(self) -> pl.DataFrame: ...
    @property
    def dimensions(self) -> pl.DataFrame: ...
    @property
    def version(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def origin(self) -> str: ...
    def resolve(self, name: str) -> str | None: ...
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...

@final
class Units:
    def __new__(cls, data: Any) -> Units: ...
    @staticmethod
    def read(path: _Path, encoding: str | None = None, sheet: str | None = None) -> Units: ...
    @property
    def frame(self) -> pl.DataFrame: ...
    def __len__(self) -> int: ...

@final
class Targets:
    def __new__(cls, data: Any, catalogue: _CatalogueArg = None) -> Targets: ...
    @staticmethod
    def read(
        path: _Path,
        catalogue: _CatalogueArg = None,
        encoding: str | None = None,
        sheet: str | None = None,
    ) -> Targets: ...
    @property
    def frame(self) -> pl.DataFrame: ...
    def __len__(self) -> int: ...

@final
class Panel:
    def __new__(
        cls,
        data: Any,
        catalogue: _CatalogueArg = None,
        units: _UnitsArg = None,
        strict: bool = False,
    ) -> Panel: ...
    @staticmethod
    def concat(panels: Sequence[Panel]) -> Panel: ...
    @staticmethod
    def read(
        path: _Path,
        catalogue: _CatalogueArg = None,
        units: _UnitsArg = None,
        strict: bool = False,
        encoding: str | None = None,
        sheet: str | None = None,
        header_row: int | None = None,
    ) -> Panel: ...
    @property
    def frame(self) -> pl.DataFrame: ...
    @property
    def rejected(self) -> pl.DataFrame: ...
    @property
    def skipped(self) -> pl.DataFrame: ...
    @property
    def rejected_summary(self) -> pl.DataFrame: ...
    @property
    def input_rows(self) -> int: ...
    @property
    def catalogue(self) -> Catalogue: ...
    def wide(self) -> pl.DataFrame: ...
    def summary(self) -> dict[str, Any]: ...
    def changes(
        self,
        max_gap: int = 1,
        unit: str | list[str] | None = None,
        year: int | list[int] | None = None,
    ) -> pl.DataFrame: ...
    def gaps(
        self,
        targets: Targets | _Path,
        inverse: str = "ratio",
        cap: float | None = None,
        anchors: tuple[float, float, float, float] | None = None,
        unit: str | list[str] | None = None,
        year: int | list[int] | None = None,
    ) -> pl.DataFrame: ...
    def progress(
        self,
        targets: Targets | _Path | None = None,
        method: str = "compound",
        baseline_year: int | None = None,
        thresholds: dict[str, list[float]] | None = None,
        unit: str | list[str] | None = None,
        year: int | list[int] | None = None,
    ) -> pl.DataFrame: ...
    def diagnostics(
        self,
        jump_factor: float = 3.0,
        min_magnitude: float = 10.0,
        rate_tolerance: float = 1.0,
        qualified_share_warning: float = 0.3,
        unit: str | list[str] | None = None,
        year: int | list[int] | None = None,
    ) -> pl.DataFrame: ...
    def score(
        self,
        years: int | list[int] | None = None,
        normalise: str = "minmax",
        scope: str = "year",
        aggregate: str | tuple[str, str] | None = None,
        weights: dict[str, float] | pl.DataFrame | None = None,
        kinds: str | list[str] | None = None,
        impute: str | tuple[str, int] | None = None,
        min_coverage: tuple[float, float] = ...,
        winsorise: tuple[float, float] | None = None,
        targets: Targets | _Path | None = None,
        denominate: bool = True,
    ) -> Scores: ...
    def uncertainty(
        self,
        year: int,
        draws: int = 1000,
        seed: int = 20240301,
        weights_spread: float = 0.25,
        normalise: str | list[str] | None = None,
        aggregate: str | list[str | tuple[str, str]] | None = None,
        impute: str | list[Any] | None = None,
        intervals: bool = True,
        top: int | list[int] | None = None,
        progress: bool | Any = None,
        **score_options: Any,
    ) -> Uncertainty:
        """Rank intervals; ``draws`` ≤ 1,000,000 and draws × units ≤ 100,000,000."""
    def sensitivity(
        self,
        year: int,
        base: int = 256,
        bootstrap: int = 200,
        seed: int = 20240301,
        weights_spread: float = 0.25,
        normalise: str | list[str] | None = None,
        aggregate: str | list[str | tuple[str, str]] | None = None,
        impute: str | list[Any] | None = None,
        intervals: bool = True,
        progress: bool | Any = None,
        **score_options: Any,
    ) -> pl.DataFrame:
        """Sobol indices; ``base`` ≤ 1,000,000 and ``bootstrap`` ≤ 100,000."""
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...

@final
class Scores:
    @property
    def composite(self) -> pl.DataFrame: ...
    @property
    def dimensions(self) -> pl.DataFrame: ...
    @property
    def contributions(self) -> pl.DataFrame: ...
    @property
    def excluded(self) -> pl.DataFrame: ...
    @property
    def weights(self) -> pl.DataFrame: ...
    @property
    def settings(self) -> dict[str, str]: ...
    @property
    def catalogue(self) -> Catalogue: ...
    def profile(self, unit: str, year: int | None = None) -> pl.DataFrame: ...
    def to_json(self, path: _Path | None = None) -> str | None: ...
    def to_excel(
        self,
        path: _Path,
        year: int | None = None,
        gaps: pl.DataFrame | None = None,
        changes: pl.DataFrame | None = None,
        diagnostics: pl.DataFrame | None = None,
        uncertainty: Any = None,
        lang: str = "zh",
        data_note: str | None = None,
        *,
        panel: Panel | None = None,
        progress: pl.DataFrame | None = None,
        title: str | None = None,
        sources: bool = True,
    ) -> Path: ...
    def to_html(
        self,
        path: _Path,
        year: int | None = None,
        gaps: pl.DataFrame | None = None,
        changes: pl.DataFrame | None = None,
        diagnostics: pl.DataFrame | None = None,
        uncertainty: Any = None,
        lang: str = "zh",
        data_note: str | None = None,
        *,
        panel: Panel | None = None,
        progress: pl.DataFrame | None = None,
        title: str | None = None,
        sources: bool = True,
    ) -> Path: ...
    def render_html(
        self,
        year: int | None = None,
        gaps: pl.DataFrame | None = None,
        changes: pl.DataFrame | None = None,
        diagnostics: pl.DataFrame | None = None,
        uncertainty: Any = None,
        lang: str = "zh",
        data_note: str | None = None,
        *,
        panel: Panel | None = None,
        progress: pl.DataFrame | None = None,
        title: str | None = None,
        sources: bool = True,
    ) -> str: ...
    def _repr_html_(self) -> str: ...

@final
class Uncertainty:
    @property
    def ranks(self) -> pl.DataFrame: ...
    @property
    def draws(self) -> pl.DataFrame: ...
    @property
    def skipped(self) -> pl.DataFrame: ...
    @property
    def completed(self) -> int: ...
    @property
    def year(self) -> int: ...
    @property
    def settings(self) -> Any: ...
    def pairs(self, units: list[str]) -> pl.DataFrame: ...
    def _repr_html_(self) -> str: ...

def parse_value(text: str) -> dict[str, Any]: ...
def words(column: str, text: str, lang: str = "zh") -> str: ...
def _panic_for_tests(message: str, detached: bool = True) -> None: ...
def write_datasets(folder: _Path, overwrite: bool = False) -> list[tuple[str, str]]: ...

@final
class Extraction:
    @property
    def values(self) -> pl.DataFrame: ...
    @property
    def unmatched(self) -> pl.DataFrame: ...
    @property
    def failures(self) -> pl.DataFrame: ...
    @property
    def titles(self) -> pl.DataFrame: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...
    @property
    def reports(self) -> int: ...
    def to_panel_frame(self) -> pl.DataFrame: ...
    def to_panel(self) -> Panel: ...
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...
    def accept(self, start: int, indicator: str | None = None, report: int = 0) -> Extraction: ...
    def accepted_rules(self) -> str: ...

def extract(
    source: str | PathLike[str],
    unit: str | None = None,
    year: int | None = None,
    rules: str | PathLike[str] | None = None,
    catalogue: _CatalogueArg = None,
    encoding: str | None = None,
    min_confidence: float = 0.0,
    progress: bool = True,
    lexicon: str | PathLike[str] | None = None,
    use_lexicon: bool = True,
    force_unit: bool = False,
    force_year: bool = False,
) -> Extraction: ...
def extract_text(
    text: str,
    unit: str | None = None,
    year: int | None = None,
    rules: str | PathLike[str] | None = None,
    catalogue: _CatalogueArg = None,
    min_confidence: float = 0.0,
    lexicon: str | PathLike[str] | None = None,
    use_lexicon: bool = True,
    force_unit: bool = False,
    force_year: bool = False,
) -> Extraction: ...
