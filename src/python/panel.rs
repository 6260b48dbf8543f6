//! `fazhi.Panel`: reading, the analytics, and the scoring calls (`score`, `uncertainty`,
//! `sensitivity`, whose work is in `scores.rs` and `uncertainty.rs`).

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::args::{self, DataArg, TopArg, UnitArg, YearArg, YearsArg, filter};
use super::arrow::to_polars;
use super::catalogue::{CatalogueArg, PyCatalogue};
use super::errors::{self, to_py_err};
use super::options::{AggregateArg, Choices, ImputeArg, KindsArg, NormaliseArg, ScopeArg, ScoreArgs, ScoreKwargs, WeightsArg};
use super::run::{ProgressArg, guard, run, run_frame};
use super::scores;
use super::targets::TargetsArg;
use super::uncertainty::{self, DrawArgs};
use super::units::UnitsArg;
use crate::analytics;
use crate::panel::{Panel, PanelOptions, PanelSummary};

/// A validated panel of indicator observations keyed by (unit, year, indicator).
///
/// Build it from a polars DataFrame (long form ``unit, year, indicator, value[, source]`` or wide
/// form ``unit, year, <one column per indicator>``) or read it with :meth:`Panel.read`. Rows that
/// fail validation are kept in :attr:`rejected` with row, column, text and reason; accepted +
/// rejected always equals the input rows.
#[pyclass(name = "Panel", module = "fazhi._fazhi", frozen)]
pub struct PyPanel {
    pub(super) inner: Arc<Panel>,
}

#[pymethods]
impl PyPanel {
    #[new]
    #[pyo3(signature = (data, catalogue=None, units=None, strict=false))]
    fn new(py: Python<'_>, data: DataArg, catalogue: Option<CatalogueArg>, units: Option<UnitsArg>, strict: bool) -> PyResult<Self> {
        let (frame, catalogue, units) = (data.0, catalogue.unwrap_or_default().0, units.map(|u| u.0));
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
        catalogue: Option<CatalogueArg>,
        units: Option<UnitsArg>,
        strict: bool,
        encoding: Option<String>,
        sheet: Option<String>,
        header_row: Option<usize>,
    ) -> PyResult<Self> {
        let (catalogue, units) = (catalogue.unwrap_or_default().0, units.map(|u| u.0));
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
        run_frame(py, &self.inner, |x| x.rejected_frame())
    }

    /// The rejections one line per (column, reason): column, reason, rejected, first_row,
    /// example, message.
    #[getter]
    fn rejected_summary(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.rejection_summary())
    }

    /// Rows read past: file, row, reason (title, total, footnote), text, observations.
    #[getter]
    fn skipped(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.skipped_frame())
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
        run_frame(py, &self.inner, |x| x.wide())
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
    fn changes(&self, py: Python<'_>, max_gap: i32, unit: Option<UnitArg>, year: Option<YearArg>) -> PyResult<Py<PyAny>> {
        let options = analytics::ChangeOptions { max_gap, filter: filter(unit, year) };
        run_frame(py, &self.inner, move |p| analytics::changes(p, &options))
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
        targets: TargetsArg,
        inverse: &str,
        cap: Option<f64>,
        anchors: Option<(f64, f64, f64, f64)>,
        unit: Option<UnitArg>,
        year: Option<YearArg>,
    ) -> PyResult<Py<PyAny>> {
        let targets = targets.load(py, &self.inner)?;
        let mut options =
            analytics::GapOptions { inverse: analytics::InverseMethod::parse(inverse).map_err(to_py_err)?, cap, ..Default::default() };
        if let Some((below, threshold, base, challenge)) = anchors {
            options.anchors = analytics::TierAnchors { below, threshold, base, challenge };
        }
        options.filter = filter(unit, year);
        run_frame(py, &self.inner, move |p| analytics::gaps(p, &targets, &options))
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
        targets: Option<TargetsArg>,
        method: &str,
        baseline_year: Option<i32>,
        thresholds: Option<ThresholdsArg>,
        unit: Option<UnitArg>,
        year: Option<YearArg>,
    ) -> PyResult<Py<PyAny>> {
        let targets = targets.map(|t| t.load(py, &self.inner)).transpose()?;
        let options = analytics::ProgressOptions {
            method: analytics::ProgressMethod::parse(method).map_err(to_py_err)?,
            baseline_year,
            thresholds: thresholds.map(|t| t.0).unwrap_or_default(),
            filter: filter(unit, year),
        };
        // Refused here, before the GIL is released, with the threshold named.
        options.check().map_err(to_py_err)?;
        run_frame(py, &self.inner, move |p| analytics::progress(p, targets.as_deref(), &options))
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
        unit: Option<UnitArg>,
        year: Option<YearArg>,
    ) -> PyResult<Py<PyAny>> {
        let options = analytics::DiagnosticOptions {
            jump_factor,
            min_magnitude,
            rate_tolerance,
            qualified_share_warning,
            filter: filter(unit, year),
        };
        run_frame(py, &self.inner, move |p| analytics::diagnostics(p, &options))
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
        years: Option<YearsArg>,
        normalise: &str,
        scope: &str,
        aggregate: Option<AggregateArg>,
        weights: Option<WeightsArg>,
        kinds: Option<KindsArg>,
        impute: Option<ImputeArg>,
        min_coverage: (f64, f64),
        winsorise: Option<(f64, f64)>,
        targets: Option<TargetsArg>,
        denominate: bool,
    ) -> PyResult<scores::PyScores> {
        let args = ScoreArgs {
            years: years.map(|y| y.0),
            normalise: Some(NormaliseArg::parse(normalise)?),
            scope: Some(ScopeArg::parse(scope)?),
            aggregate: aggregate.map(|a| a.0),
            weights,
            kinds,
            impute: impute.map(|i| i.0),
            min_coverage: Some(min_coverage),
            winsorise,
            targets,
            denominate: Some(denominate),
        };
        guard(|| scores::score(self, py, args))
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
    ///     A tqdm bar (if tqdm is installed; else a ``done/total`` line on stderr), or a callable
    ///     (done, total) called after every 64 draws; an exception it raises stops the draws and
    ///     is raised here.
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
        normalise: Option<Choices<NormaliseArg>>,
        aggregate: Option<Choices<AggregateArg>>,
        impute: Option<Choices<ImputeArg>>,
        intervals: bool,
        top: Option<TopArg>,
        progress: Option<ProgressArg>,
        score_options: Option<ScoreKwargs>,
    ) -> PyResult<uncertainty::PyUncertainty> {
        let args = DrawArgs { year, seed, weights_spread, normalise, aggregate, impute, intervals, score_options };
        guard(|| uncertainty::run_draws(py, self, args, draws, top, progress))
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
        normalise: Option<Choices<NormaliseArg>>,
        aggregate: Option<Choices<AggregateArg>>,
        impute: Option<Choices<ImputeArg>>,
        intervals: bool,
        progress: Option<ProgressArg>,
        score_options: Option<ScoreKwargs>,
    ) -> PyResult<Py<PyAny>> {
        let args = DrawArgs { year, seed, weights_spread, normalise, aggregate, impute, intervals, score_options };
        guard(|| uncertainty::run_sensitivity(py, self, args, base, bootstrap, progress))
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

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        super::repr_html(slf.as_any(), "panel_html")
    }
}

impl PyPanel {
    fn summary_struct(&self, py: Python<'_>) -> PyResult<PanelSummary> {
        let inner = self.inner.clone();
        run(py, move || inner.summary())
    }
}

/// `thresholds=` of `Panel.progress`: {"compound" | "linear" | "growth": three cut points}; the
/// presets not named keep their defaults (checked finite and descending by the caller).
pub(super) struct ThresholdsArg(analytics::ProgressThresholds);

impl<'a, 'py> FromPyObject<'a, 'py> for ThresholdsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            let mut thresholds = analytics::ProgressThresholds::default();
            for (key, value) in obj.cast::<PyDict>()?.iter() {
                let key: String = args::extract(&key, "a thresholds key", "\"compound\", \"linear\" or \"growth\"")?;
                let cuts: [f64; 3] = args::extract(&value, &format!("thresholds[{key:?}]"), "three numbers, descending")?;
                match key.as_str() {
                    "compound" => thresholds.compound = cuts,
                    "linear" => thresholds.linear = cuts,
                    "growth" => thresholds.growth = cuts,
                    other => {
                        return Err(errors::ArgumentError::new_err(format!(
                            "unknown thresholds key {other:?}; use compound, linear or growth"
                        )));
                    }
                }
            }
            Ok(Self(thresholds))
        })
    }
}
