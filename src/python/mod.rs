//! Python bindings (glue only): argument extraction, the GIL released around the work, frames
//! handed over as Arrow, core errors mapped to `fazhi.FazhiError` subclasses.
//!
//! No panic reaches Python as pyo3's PanicException or as an ordinary error: the core's work runs
//! in [`run`] (GIL released) and the binding code around it in [`guard`] (GIL held); both turn a
//! panic into `fazhi.InternalError`, which says it is a bug in fazhi and where to report it.

mod args;
#[allow(unsafe_code)]
mod arrow;
mod datasets;
mod errors;
mod extract;
mod scores;
mod uncertainty;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::analytics;
use crate::error::Result;
use crate::model::{Catalogue, Targets, Units, parse_value as core_parse_value};
use crate::panel::{Panel, PanelOptions, PanelSummary};

use arrow::{from_py_arg, to_polars};

/// See the `mimalloc` note in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use errors::to_py_err;

/// Runs core work with the GIL released; a panic (a bug, never expected) becomes
/// `fazhi.InternalError` instead of crashing the interpreter or surfacing as PanicException.
fn run<T: Send>(py: Python<'_>, work: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(work))) {
        Ok(result) => result.map_err(to_py_err),
        Err(panic) => Err(errors::panic_err(panic)),
    }
}

/// Runs binding code that holds the GIL (arguments, frames handed over, reprs); a panic in it
/// becomes `fazhi.InternalError`, as in [`run`].
fn guard<T>(work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| Err(errors::panic_err(panic)))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Accepts a Catalogue, a path to a catalogue file, or None (the bundled default).
fn catalogue_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Catalogue> {
    guard(|| match obj {
        None => Ok(Catalogue::default_catalogue()),
        Some(o) if o.is_none() => Ok(Catalogue::default_catalogue()),
        Some(o) => {
            if let Ok(c) = o.cast::<PyCatalogue>() {
                return Ok(c.get().inner.as_ref().clone());
            }
            let path: PathBuf = args::extract(o, "catalogue", "a fazhi.Catalogue, a path to a .toml/.json catalogue, or None")?;
            run(py, move || Catalogue::read(path))
        }
    })
}

/// Accepts Units, a path to a unit table, a polars DataFrame, or None.
fn units_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Units>> {
    guard(|| match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => {
            if let Ok(u) = o.cast::<PyUnits>() {
                return Ok(Some(u.get().inner.as_ref().clone()));
            }
            if o.hasattr("__arrow_c_stream__")? {
                let frame = from_py_arg(o, "units")?;
                return run(py, move || Units::from_frame(&frame, "<frame>")).map(Some);
            }
            let path: PathBuf = args::extract(o, "units", "fazhi.Units, a path to a unit table, a polars DataFrame, or None")?;
            run(py, move || Units::read(path, None)).map(Some)
        }
    })
}

/// The indicator catalogue: dimensions, indicators, version.
///
/// Examples
/// --------
/// >>> import fazhi
/// >>> cat = fazhi.Catalogue.default()
/// >>> len(cat) >= 30
/// True
#[pyclass(name = "Catalogue", module = "fazhi._fazhi", frozen)]
pub struct PyCatalogue {
    inner: Arc<Catalogue>,
}

#[pymethods]
impl PyCatalogue {
    /// The catalogue bundled with fazhi (township version of the 2019 national indicator system,
    /// equal default weights).
    #[staticmethod]
    fn default() -> Self {
        Self { inner: Arc::new(Catalogue::default_catalogue()) }
    }

    /// Reads a catalogue from a .toml or .json file (copy ``datasets/catalogue.toml`` to start).
    #[staticmethod]
    fn read(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        run(py, move || Catalogue::read(path)).map(|c| Self { inner: Arc::new(c) })
    }

    /// Parses a catalogue from TOML text.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: String) -> PyResult<Self> {
        run(py, move || Catalogue::from_toml_str(&text, "<text>")).map(|c| Self { inner: Arc::new(c) })
    }

    /// This catalogue with more names for its indicators, without editing TOML: a dict
    /// ``{"法治宣传资料发放份数": "PUB_MATERIALS"}`` (alias → code or name) or the path of a CSV/xlsx
    /// with columns ``alias`` and ``indicator``. An alias naming another indicator is refused.
    fn with_aliases(&self, py: Python<'_>, aliases: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = (*self.inner).clone();
        if let Ok(map) = aliases.cast::<PyDict>() {
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (k, v) in map.iter() {
                let (Ok(k), Ok(v)) = (k.extract::<String>(), v.extract::<String>()) else {
                    return Err(pyo3::exceptions::PyTypeError::new_err("aliases must map text (a header) to text (a code or name)"));
                };
                pairs.push((k, v));
            }
            return run(py, move || inner.with_aliases(pairs.iter().map(|(a, t)| (a.as_str(), t.as_str()))))
                .map(|c| Self { inner: Arc::new(c) });
        }
        let Ok(path) = aliases.extract::<PathBuf>() else {
            return Err(pyo3::exceptions::PyTypeError::new_err("aliases must be a dict {alias: code} or the path of an aliases table"));
        };
        run(py, move || inner.with_aliases_file(path)).map(|c| Self { inner: Arc::new(c) })
    }

    /// The catalogue as TOML text, to save, edit and read back.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        let inner = self.inner.clone();
        run(py, move || inner.to_toml_string())
    }

    /// One row per indicator (polars DataFrame).
    #[getter]
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.frame())?)
    }

    /// One row per dimension (polars DataFrame).
    #[getter]
    fn dimensions(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.dimensions_frame())?)
    }

    #[getter]
    fn version(&self) -> String {
        self.inner.version.clone()
    }

    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// Where the catalogue came from: ``<bundled>`` or a path.
    #[getter]
    fn origin(&self) -> String {
        self.inner.origin.clone()
    }

    /// Resolves a code, Chinese or English name or alias to the indicator code (None if unknown).
    fn resolve(&self, name: &str) -> Option<String> {
        self.inner.resolve(name).map(|i| self.inner.indicators[i].code.clone())
    }

    fn __len__(&self) -> usize {
        self.inner.indicators.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Catalogue(version={:?}, {} dimensions, {} indicators, from {})",
            self.inner.version,
            self.inner.dimensions.len(),
            self.inner.indicators.len(),
            self.inner.origin
        )
    }

    fn _repr_html_(&self) -> String {
        let mut html = format!(
            "<div><b>fazhi Catalogue</b> version {} — {} dimensions, {} indicators<table><tr><th>dimension</th><th>indicators</th></tr>",
            escape(&self.inner.version),
            self.inner.dimensions.len(),
            self.inner.indicators.len()
        );
        for d in &self.inner.dimensions {
            let n = self.inner.indicators.iter().filter(|i| i.dimension == d.code).count();
            html.push_str(&format!("<tr><td>{} {}</td><td>{n}</td></tr>", escape(&d.code), escape(&d.name_zh)));
        }
        html.push_str("</table></div>");
        html
    }
}

/// Reporting units (townships) with county and attributes (villages, residents).
#[pyclass(name = "Units", module = "fazhi._fazhi", frozen)]
pub struct PyUnits {
    inner: Arc<Units>,
}

#[pymethods]
impl PyUnits {
    /// Builds the unit table from a polars DataFrame with columns code, name, county and numeric
    /// attributes.
    #[new]
    fn new(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let frame = guard(|| from_py_arg(data, "data"))?;
        run(py, move || Units::from_frame(&frame, "<frame>")).map(|u| Self { inner: Arc::new(u) })
    }

    /// Reads a unit table (CSV/Parquet/JSON, or a spreadsheet: ``sheet`` names the sheet,
    /// default the first).
    #[staticmethod]
    #[pyo3(signature = (path, encoding=None, sheet=None))]
    fn read(py: Python<'_>, path: PathBuf, encoding: Option<String>, sheet: Option<String>) -> PyResult<Self> {
        run(py, move || Units::read_sheet(path, encoding.as_deref(), sheet.as_deref())).map(|u| Self { inner: Arc::new(u) })
    }

    #[getter]
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.frame())?)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        let mut counties: Vec<&str> = self.inner.units.iter().filter_map(|u| u.county.as_deref()).collect();
        counties.sort_unstable();
        counties.dedup();
        format!("Units({} units in {} counties)", self.inner.len(), counties.len())
    }
}

/// Plan targets (per unit or county-wide, optional tiers and baseline year).
#[pyclass(name = "Targets", module = "fazhi._fazhi", frozen)]
pub struct PyTargets {
    inner: Arc<Targets>,
}

#[pymethods]
impl PyTargets {
    /// Builds targets from a polars DataFrame (columns as in a targets file).
    #[new]
    #[pyo3(signature = (data, catalogue=None))]
    fn new(py: Python<'_>, data: &Bound<'_, PyAny>, catalogue: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let frame = guard(|| from_py_arg(data, "data"))?;
        let catalogue = catalogue_arg(py, catalogue)?;
        run(py, move || Targets::from_frame(&frame, &catalogue, "<frame>")).map(|t| Self { inner: Arc::new(t) })
    }

    /// Reads a targets file (CSV/Parquet/JSON, or a spreadsheet: ``sheet`` names the sheet,
    /// default the first).
    ///
    /// Long form: columns unit, county, indicator, year, comparator, target, target_hi,
    /// threshold, base, challenge, baseline_year, note; the target may be written as a planner
    /// types it ("不少于1500份", "3件以下", "95%以上", "3—5人", "是") when ``comparator`` is absent
    /// or empty, and value columns headed like "2025年目标" give the year. Wide form: a unit (or
    /// county) column and one column per indicator. Every problem of the table is raised at
    /// once, in one TargetsError listing file, row, column and indicator of each.
    #[staticmethod]
    #[pyo3(signature = (path, catalogue=None, encoding=None, sheet=None))]
    fn read(
        py: Python<'_>,
        path: PathBuf,
        catalogue: Option<&Bound<'_, PyAny>>,
        encoding: Option<String>,
        sheet: Option<String>,
    ) -> PyResult<Self> {
        let catalogue = catalogue_arg(py, catalogue)?;
        run(py, move || Targets::read_sheet(path, &catalogue, encoding.as_deref(), sheet.as_deref())).map(|t| Self { inner: Arc::new(t) })
    }

    #[getter]
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.frame())?)
    }

    fn __len__(&self) -> usize {
        self.inner.targets.len()
    }

    fn __repr__(&self) -> String {
        let t = &self.inner.targets;
        let mut years: Vec<i32> = t.iter().map(|x| x.year).collect();
        years.sort_unstable();
        years.dedup();
        let tiered = t.iter().filter(|x| x.tiers.is_some()).count();
        let county_wide = t.iter().filter(|x| x.unit.is_none()).count();
        format!("Targets({} targets for years {:?}: {county_wide} county-wide, {tiered} tiered)", t.len(), years)
    }
}

/// A validated panel of indicator observations keyed by (unit, year, indicator).
///
/// Build it from a polars DataFrame (long form ``unit, year, indicator, value[, source]`` or wide
/// form ``unit, year, <one column per indicator>``) or read it with :meth:`Panel.read`. Rows that
/// fail validation are kept in :attr:`rejected` with row, column, text and reason; accepted +
/// rejected always equals the input rows.
#[pyclass(name = "Panel", module = "fazhi._fazhi", frozen)]
pub struct PyPanel {
    inner: Arc<Panel>,
}

#[pymethods]
impl PyPanel {
    #[new]
    #[pyo3(signature = (data, catalogue=None, units=None, strict=false))]
    fn new(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        catalogue: Option<&Bound<'_, PyAny>>,
        units: Option<&Bound<'_, PyAny>>,
        strict: bool,
    ) -> PyResult<Self> {
        let frame = guard(|| from_py_arg(data, "data"))?;
        let catalogue = catalogue_arg(py, catalogue)?;
        let units = units_arg(py, units)?;
        let options = PanelOptions { strict, ..PanelOptions::default() };
        run(py, move || Panel::from_frame(&frame, catalogue, units, &options)).map(|p| Self { inner: Arc::new(p) })
    }

    /// The panels merged into one (e.g. one file per year or per township office). They must share
    /// the catalogue and the unit table. A (unit, year, indicator) in two panels is kept once when
    /// the values agree and rejected (reason ``duplicate``, naming both files and rows) when they
    /// differ, as repeated rows of one file are; each panel's rejections and skipped rows are
    /// carried over, so ``input_rows == len + rejected + skipped`` holds for the result.
    #[staticmethod]
    fn concat(py: Python<'_>, panels: &Bound<'_, PyAny>) -> PyResult<Self> {
        let panels: Vec<Panel> = guard(|| {
            let items: Vec<Py<PyPanel>> = args::list(panels, "panels", "a list of fazhi.Panel")?;
            Ok(items.iter().map(|p| p.get().inner.as_ref().clone()).collect())
        })?;
        run(py, move || Panel::concat(&panels)).map(|p| Self { inner: Arc::new(p) })
    }

    /// Reads a panel from a .csv/.tsv/.xlsx/.xls/.parquet/.json/.ndjson file. CSV encodings
    /// (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16) are detected unless ``encoding`` is given;
    /// ``sheet`` picks a spreadsheet's sheet (default: the first); ``header_row`` (1-based) says
    /// which row holds the header (default: found below title rows). Merged cells are filled,
    /// 序号 columns ignored, 备注 kept as the rows' source, 合计 rows and 注： footnotes skipped and
    /// listed in ``skipped``. Rejected rows keep the spreadsheet's row numbers.
    #[staticmethod]
    #[pyo3(signature = (path, catalogue=None, units=None, strict=false, encoding=None, sheet=None, header_row=None))]
    #[allow(clippy::too_many_arguments)]
    fn read(
        py: Python<'_>,
        path: PathBuf,
        catalogue: Option<&Bound<'_, PyAny>>,
        units: Option<&Bound<'_, PyAny>>,
        strict: bool,
        encoding: Option<String>,
        sheet: Option<String>,
        header_row: Option<usize>,
    ) -> PyResult<Self> {
        let catalogue = catalogue_arg(py, catalogue)?;
        let units = units_arg(py, units)?;
        let options = PanelOptions { strict, encoding, sheet, header_row };
        run(py, move || Panel::read(path, catalogue, units, &options)).map(|p| Self { inner: Arc::new(p) })
    }

    /// Accepted observations: unit, year, indicator, value (point), lo, hi, qualifier, text,
    /// source, file, row, column (where the value came from).
    #[getter]
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_polars(py, self.inner.frame().clone())
    }

    /// Rejected rows: file, row, column, unit, year, indicator, text, reason, message.
    #[getter]
    fn rejected(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.rejected_frame())?)
    }

    /// The rejections one line per (column, reason): column, reason, rejected, first_row,
    /// example, message.
    #[getter]
    fn rejected_summary(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.rejection_summary())?)
    }

    /// Rows read past: file, row, reason (title, total, footnote), text, observations.
    #[getter]
    fn skipped(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.skipped_frame())?)
    }

    /// Input rows (long form) or non-empty cells (wide form) read: accepted + rejected +
    /// skipped (the observations of skipped rows).
    #[getter]
    fn input_rows(&self) -> usize {
        self.inner.input_rows()
    }

    #[getter]
    fn catalogue(&self) -> PyCatalogue {
        PyCatalogue { inner: Arc::new(self.inner.catalogue().clone()) }
    }

    /// The panel in wide form: unit, year and one column of point values per indicator.
    fn wide(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.wide())?)
    }

    /// Units, years, indicators, coverage and rejection counts as a dict.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.summary_struct(py)?;
        let d = PyDict::new(py);
        d.set_item("units", s.units)?;
        d.set_item("years", s.years)?;
        d.set_item("indicators", s.indicators)?;
        d.set_item("observations", s.observations)?;
        d.set_item("coverage", s.coverage)?;
        d.set_item("qualified", s.qualified)?;
        d.set_item("input_rows", s.input_rows)?;
        d.set_item("rejected", s.rejected)?;
        d.set_item("skipped", s.skipped)?;
        d.set_item("filled", s.filled)?;
        d.set_item("catalogue_version", s.catalogue_version)?;
        Ok(d)
    }

    /// Year-on-year change of every observation (METHODOLOGY §3).
    ///
    /// Parameters
    /// ----------
    /// max_gap : int
    ///     Largest gap in years to the previous observation still used as baseline (default 1).
    /// unit, year : str | list[str], int | list[int], optional
    ///     Keep only these units (codes or names) and years.
    #[pyo3(signature = (max_gap=1, unit=None, year=None))]
    fn changes(
        &self,
        py: Python<'_>,
        max_gap: i32,
        unit: Option<&Bound<'_, PyAny>>,
        year: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let options = analytics::ChangeOptions { max_gap, filter: filter_arg(unit, year)? };
        self.frame_result(py, move |p| analytics::changes(p, &options))
    }

    /// Each observation against its plan target: met, gap, 完成率, tiers (METHODOLOGY §4).
    /// A unit's own target overrides its county's; a target without an observation is a
    /// ``no_data`` row.
    ///
    /// Parameters
    /// ----------
    /// targets : Targets | str | PathLike
    /// inverse : {"ratio", "linear"}
    ///     完成率 of at-most targets: T / x, or 2 − x / T.
    /// cap : float, optional
    ///     Upper cap on the achievement ratio (封顶), e.g. 1.0 or 1.2.
    /// anchors : tuple of 4 floats, optional
    ///     Tier scores below threshold, at threshold, base and challenge (default 0, 60, 80, 100).
    #[pyo3(signature = (targets, inverse="ratio", cap=None, anchors=None, unit=None, year=None))]
    #[allow(clippy::too_many_arguments)]
    fn gaps(
        &self,
        py: Python<'_>,
        targets: &Bound<'_, PyAny>,
        inverse: &str,
        cap: Option<f64>,
        anchors: Option<(f64, f64, f64, f64)>,
        unit: Option<&Bound<'_, PyAny>>,
        year: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let targets = targets_arg(py, targets, &self.inner)?;
        let mut options =
            analytics::GapOptions { inverse: analytics::InverseMethod::parse(inverse).map_err(to_py_err)?, cap, ..Default::default() };
        if let Some((below, threshold, base, challenge)) = anchors {
            options.anchors = analytics::TierAnchors { below, threshold, base, challenge };
        }
        options.filter = filter_arg(unit, year)?;
        self.frame_result(py, move |p| analytics::gaps(p, &targets, &options))
    }

    /// Progress towards multi-year plan targets (METHODOLOGY §5); without targets, growth bands.
    ///
    /// Parameters
    /// ----------
    /// targets : Targets | str | PathLike | None
    /// method : {"compound", "linear"}
    /// baseline_year : int, optional
    ///     Overrides each target's baseline year.
    /// thresholds : dict, optional
    ///     ``{"compound": [0.95, 0.6, 0.0], "linear": [1.0, 0.5, 0.0], "growth": [0.015, 0.005, 0.0]}``;
    ///     each list three finite numbers, descending (ArgumentError otherwise).
    #[pyo3(signature = (targets=None, method="compound", baseline_year=None, thresholds=None, unit=None, year=None))]
    #[allow(clippy::too_many_arguments)]
    fn progress(
        &self,
        py: Python<'_>,
        targets: Option<&Bound<'_, PyAny>>,
        method: &str,
        baseline_year: Option<i32>,
        thresholds: Option<&Bound<'_, PyDict>>,
        unit: Option<&Bound<'_, PyAny>>,
        year: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let targets = match targets {
            Some(t) if !t.is_none() => Some(targets_arg(py, t, &self.inner)?),
            _ => None,
        };
        let options = guard(|| self.progress_options(method, baseline_year, thresholds, unit, year))?;
        // Refused here, before the GIL is released, with the threshold named.
        options.check().map_err(to_py_err)?;
        self.frame_result(py, move |p| analytics::progress(p, targets.as_deref(), &options))
    }

    /// Data-quality flags (METHODOLOGY §9): stated rates against their counts, counts whose
    /// ratio passes 100 %, jumps and drops, 100 % claims, qualified shares, values refused at
    /// validation.
    #[pyo3(signature = (jump_factor=3.0, min_magnitude=10.0, rate_tolerance=1.0, qualified_share_warning=0.3, unit=None, year=None))]
    #[allow(clippy::too_many_arguments)]
    fn diagnostics(
        &self,
        py: Python<'_>,
        jump_factor: f64,
        min_magnitude: f64,
        rate_tolerance: f64,
        qualified_share_warning: f64,
        unit: Option<&Bound<'_, PyAny>>,
        year: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let options = analytics::DiagnosticOptions {
            jump_factor,
            min_magnitude,
            rate_tolerance,
            qualified_share_warning,
            filter: filter_arg(unit, year)?,
        };
        self.frame_result(py, move |p| analytics::diagnostics(p, &options))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Composite scores, dimension scores and ranks of every unit and year (METHODOLOGY §6–7).
    ///
    /// Parameters
    /// ----------
    /// years : int | list[int], optional
    ///     Years to score (default: all).
    /// normalise : {"minmax", "goalposts", "target", "zscore", "rank"}
    /// scope : {"year", "global", "group"}
    ///     The comparison set of the normalisation: the units of a year, every unit-year (scores
    ///     comparable across years), or the units of a county in a year.
    /// aggregate : str | tuple[str, str]
    ///     "arithmetic", "geometric" or "minimum"; a pair sets the indicator → dimension and the
    ///     dimension → composite levels separately.
    /// weights : dict | polars.DataFrame, optional
    ///     {code: weight} for indicators and dimensions; unnamed ones keep the catalogue weight.
    /// kinds : str | list[str], optional
    ///     Only indicators of these kinds ("output", "outcome").
    /// impute : None | "carry_forward" | ("carry_forward", k) | "group_median"
    /// min_coverage : tuple[float, float]
    ///     Share of indicator weight a dimension needs, and of dimension weight the composite needs.
    /// winsorise : tuple[float, float], optional
    ///     Clip each indicator at these quantiles of its comparison set first.
    /// targets : Targets | str | PathLike, optional
    ///     Plan targets, for normalise="target".
    /// denominate : bool
    ///     Divide per-village / per-10,000-resident indicators by the unit attribute first.
    ///
    /// Returns
    /// -------
    /// Scores
    ///
    /// Warns
    /// -----
    /// UserWarning
    ///     When indicators leave the score because their denominator (a unit attribute such as
    ///     villages or residents) is missing — ``.excluded`` rows with reason ``no_denominator`` —
    ///     and when fewer than 5 units are ranked in a year (or county) — reason ``few_units``.
    #[pyo3(signature = (years=None, normalise="minmax", scope="year", aggregate=None, weights=None, kinds=None, impute=None, min_coverage=(2.0/3.0, 0.8), winsorise=None, targets=None, denominate=true))]
    #[allow(clippy::too_many_arguments)]
    fn score(
        &self,
        py: Python<'_>,
        years: Option<&Bound<'_, PyAny>>,
        normalise: &str,
        scope: &str,
        aggregate: Option<&Bound<'_, PyAny>>,
        weights: Option<&Bound<'_, PyAny>>,
        kinds: Option<&Bound<'_, PyAny>>,
        impute: Option<&Bound<'_, PyAny>>,
        min_coverage: (f64, f64),
        winsorise: Option<(f64, f64)>,
        targets: Option<&Bound<'_, PyAny>>,
        denominate: bool,
    ) -> PyResult<scores::PyScores> {
        guard(|| {
            scores::score(
                self,
                py,
                years,
                normalise,
                scope,
                aggregate,
                weights,
                kinds,
                impute,
                min_coverage,
                winsorise,
                targets,
                denominate,
            )
        })
    }

    /// Rank intervals (METHODOLOGY §8): Monte Carlo over the weights (each × U(1 − δ, 1 + δ)),
    /// the normalisation, aggregation and imputation choices, and the reported intervals
    /// ("90余" anywhere in [90, 100)). Reproducible bit for bit for a seed; Ctrl-C stops it.
    ///
    /// Parameters
    /// ----------
    /// year : int
    /// draws : int
    ///     At most 1,000,000, and draws × units at most 100,000,000 (each draw keeps a rank and a
    ///     score per unit); more is an ArgumentError saying how many this panel allows.
    /// seed : int
    /// weights_spread : float
    ///     δ (default 0.25); 0 keeps the weights fixed.
    /// normalise, aggregate, impute : list, optional
    ///     Choices to draw from; the first is the nominal one (default: the scoring defaults).
    /// intervals : bool
    ///     Draw interval values inside their intervals.
    /// top : list[int]
    ///     Report P(rank ≤ k) for these k.
    /// progress : bool | callable
    ///     A tqdm bar (if tqdm is installed), or a callable (done, total) called after every
    ///     64 draws; an exception it raises stops the draws and is raised here.
    /// **score_options
    ///     scope, weights, kinds, min_coverage, winsorise, targets, denominate.
    #[pyo3(signature = (year, draws=1000, seed=20240301, weights_spread=0.25, normalise=None, aggregate=None, impute=None, intervals=true, top=None, progress=None, **score_options))]
    #[allow(clippy::too_many_arguments)]
    fn uncertainty(
        &self,
        py: Python<'_>,
        year: i32,
        draws: usize,
        seed: u64,
        weights_spread: f64,
        normalise: Option<&Bound<'_, PyAny>>,
        aggregate: Option<&Bound<'_, PyAny>>,
        impute: Option<&Bound<'_, PyAny>>,
        intervals: bool,
        top: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
        score_options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<uncertainty::PyUncertainty> {
        guard(|| {
            let options = uncertainty::options(
                py,
                self,
                year,
                draws,
                seed,
                weights_spread,
                normalise,
                aggregate,
                impute,
                intervals,
                top,
                score_options,
            )?;
            let default = pyo3::types::PyBool::new(py, true).to_owned().into_any();
            uncertainty::run_draws(py, self, options, progress.unwrap_or(&default))
        })
    }

    /// First-order and total Sobol indices of the mean absolute rank shift per uncertain input
    /// (Saltelli sampling, Jansen total-effect estimator) with bootstrap 95 % intervals:
    /// input, first_order, first_order_lo, first_order_hi, total, total_lo, total_hi, n, dropped.
    /// ``base`` rows cost (inputs + 2) · base pipeline runs; ``base`` is at most 1,000,000 and
    /// ``bootstrap`` at most 100,000 (ArgumentError beyond). ``progress`` (a bool or a callable
    /// (done, total)) counts the runs, then the bootstrap resamples; Ctrl-C stops either phase.
    #[pyo3(signature = (year, base=256, bootstrap=200, seed=20240301, weights_spread=0.25, normalise=None, aggregate=None, impute=None, intervals=true, progress=None, **score_options))]
    #[allow(clippy::too_many_arguments)]
    fn sensitivity(
        &self,
        py: Python<'_>,
        year: i32,
        base: usize,
        bootstrap: usize,
        seed: u64,
        weights_spread: f64,
        normalise: Option<&Bound<'_, PyAny>>,
        aggregate: Option<&Bound<'_, PyAny>>,
        impute: Option<&Bound<'_, PyAny>>,
        intervals: bool,
        progress: Option<&Bound<'_, PyAny>>,
        score_options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        guard(|| {
            let options = uncertainty::options(
                py,
                self,
                year,
                1,
                seed,
                weights_spread,
                normalise,
                aggregate,
                impute,
                intervals,
                None,
                score_options,
            )?;
            let default = pyo3::types::PyBool::new(py, false).to_owned().into_any();
            uncertainty::run_sensitivity(py, self, options, base, bootstrap, progress.unwrap_or(&default))
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let s = self.summary_struct(py)?;
        let years = match (s.years.first(), s.years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => "none".into(),
        };
        Ok(format!(
            "Panel({} units × {} years ({years}), {} of {} indicators, {} observations, coverage {:.1}%, {} qualified; {} of {} input rows rejected; catalogue {})",
            s.units,
            s.years.len(),
            s.indicators,
            self.inner.catalogue().indicators.len(),
            s.observations,
            s.coverage * 100.0,
            s.qualified,
            s.rejected,
            s.input_rows,
            s.catalogue_version
        ))
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let s = self.summary_struct(py)?;
        let mut html = String::from("<div><b>fazhi Panel</b><table>");
        let rows = [
            ("units", s.units.to_string()),
            ("years", s.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")),
            ("indicators", format!("{} of {}", s.indicators, self.inner.catalogue().indicators.len())),
            ("observations", s.observations.to_string()),
            ("coverage", format!("{:.1}%", s.coverage * 100.0)),
            ("qualified values", s.qualified.to_string()),
            ("rejected rows", format!("{} of {}", s.rejected, s.input_rows)),
            ("skipped (合计, 注)", s.skipped.to_string()),
            ("catalogue", s.catalogue_version.clone()),
        ];
        for (k, v) in rows {
            html.push_str(&format!("<tr><th style=\"text-align:left\">{k}</th><td>{}</td></tr>", escape(&v)));
        }
        html.push_str("</table>");
        let rejections = self.inner.rejections();
        if !rejections.is_empty() {
            html.push_str("<details><summary>first rejections</summary><table><tr><th>row</th><th>column</th><th>text</th><th>reason</th><th>message</th></tr>");
            for r in rejections.iter().take(10) {
                html.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    r.row,
                    escape(&r.column),
                    escape(r.text.as_deref().unwrap_or("")),
                    r.reason.as_str(),
                    escape(&r.message)
                ));
            }
            html.push_str("</table></details>");
        }
        html.push_str("</div>");
        Ok(html)
    }
}

impl PyPanel {
    fn frame_result(&self, py: Python<'_>, work: impl FnOnce(&Panel) -> Result<polars::prelude::DataFrame> + Send) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || work(&inner))?)
    }

    fn summary_struct(&self, py: Python<'_>) -> PyResult<PanelSummary> {
        let inner = self.inner.clone();
        run(py, move || inner.summary())
    }

    /// The options of `Panel.progress` from its Python arguments (validated by the caller).
    fn progress_options(
        &self,
        method: &str,
        baseline_year: Option<i32>,
        thresholds: Option<&Bound<'_, PyDict>>,
        unit: Option<&Bound<'_, PyAny>>,
        year: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<analytics::ProgressOptions> {
        let mut options = analytics::ProgressOptions {
            method: analytics::ProgressMethod::parse(method).map_err(to_py_err)?,
            baseline_year,
            filter: filter_arg(unit, year)?,
            ..Default::default()
        };
        if let Some(t) = thresholds {
            for (key, value) in t.iter() {
                let key: String = args::extract(&key, "a thresholds key", "\"compound\", \"linear\" or \"growth\"")?;
                let cuts: [f64; 3] = args::extract(&value, &format!("thresholds[{key:?}]"), "three numbers, descending")?;
                match key.as_str() {
                    "compound" => options.thresholds.compound = cuts,
                    "linear" => options.thresholds.linear = cuts,
                    "growth" => options.thresholds.growth = cuts,
                    other => {
                        return Err(errors::ArgumentError::new_err(format!(
                            "unknown thresholds key {other:?}; use compound, linear or growth"
                        )));
                    }
                }
            }
        }
        Ok(options)
    }
}

/// A unit/year filter from `str | list[str]` and `int | list[int]`.
fn filter_arg(unit: Option<&Bound<'_, PyAny>>, year: Option<&Bound<'_, PyAny>>) -> PyResult<analytics::Filter> {
    guard(|| filter_from(unit, year))
}

fn filter_from(unit: Option<&Bound<'_, PyAny>>, year: Option<&Bound<'_, PyAny>>) -> PyResult<analytics::Filter> {
    let units = match unit {
        Some(u) if !u.is_none() => Some(args::one_or_list(u, "unit", "a unit code or name (str), or a list of them")?),
        _ => None,
    };
    let years = match year {
        Some(y) if !y.is_none() => Some(args::one_or_list(y, "year", "an int or a list of ints")?),
        _ => None,
    };
    Ok(analytics::Filter { units, years })
}

/// Accepts Targets or a path to a targets file (read with the panel's catalogue).
fn targets_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, panel: &Arc<Panel>) -> PyResult<Arc<Targets>> {
    guard(|| {
        if let Ok(t) = obj.cast::<PyTargets>() {
            return Ok(t.get().inner.clone());
        }
        let path: PathBuf = args::extract(obj, "targets", "fazhi.Targets or a path to a targets file")?;
        let panel = panel.clone();
        run(py, move || Targets::read(path, panel.catalogue(), None)).map(Arc::new)
    })
}

/// Reads one written value ("1060多份", "95%以上", "3—5人", "一百零五") into a dict with lo, hi,
/// point, qualifier, hi_exclusive, place, percent and measure_word. Raises ValueParseError when
/// the text is not a value.
///
/// Examples
/// --------
/// >>> import fazhi
/// >>> v = fazhi.parse_value("1060多份")
/// >>> (v["lo"], v["hi"], v["qualifier"])
/// (1060.0, 1070.0, 'at_least')
#[pyfunction]
fn parse_value<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let owned = text.to_string();
    let v = run(py, move || core_parse_value(&owned))?;
    let d = PyDict::new(py);
    d.set_item("lo", v.interval.lo)?;
    d.set_item("hi", v.interval.hi)?;
    d.set_item("point", v.interval.point)?;
    d.set_item("qualifier", v.interval.qualifier.as_str())?;
    d.set_item("hi_exclusive", v.interval.hi_exclusive)?;
    d.set_item("place", v.interval.place)?;
    d.set_item("percent", v.percent)?;
    d.set_item("measure_word", v.measure_word)?;
    Ok(d)
}

/// Panics on purpose, so the tests can check how a bug in fazhi reaches Python: inside the
/// GIL-free work (`detached=True`) or in the binding code around it.
#[pyfunction]
#[pyo3(signature = (message, detached=true))]
fn _panic_for_tests(py: Python<'_>, message: String, detached: bool) -> PyResult<()> {
    if detached { run(py, move || panic!("{message}")) } else { guard(|| panic!("{message}")) }
}

#[pymodule]
fn _fazhi(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("BUILD_PROFILE", if cfg!(debug_assertions) { "debug" } else { "release" })?;
    errors::register(m)?;
    m.add_class::<PyCatalogue>()?;
    m.add_class::<PyUnits>()?;
    m.add_class::<PyTargets>()?;
    m.add_class::<PyPanel>()?;
    m.add_class::<scores::PyScores>()?;
    m.add_class::<uncertainty::PyUncertainty>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add_function(wrap_pyfunction!(parse_value, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(datasets::write_datasets, m)?)?;
    m.add_class::<extract::PyExtraction>()?;
    m.add_function(wrap_pyfunction!(extract::extract, m)?)?;
    m.add_function(wrap_pyfunction!(extract::extract_text, m)?)?;
    Ok(())
}
