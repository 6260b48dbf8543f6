//! `Panel.uncertainty(...)`, `Panel.sensitivity(...)` and the `Uncertainty` object.
//!
//! The draws, the sensitivity runs and its bootstrap run in chunks through
//! [`run_with_progress`]: without the GIL, the progress shown and Ctrl-C (KeyboardInterrupt,
//! also in Jupyter) checked between chunks.

use std::sync::Arc;

use pyo3::prelude::*;

use super::args::{self, TopArg};
use super::arrow::to_polars;
use super::errors::{ArgumentError, to_py_err};
use super::options::{AggregateArg, Choices, ImputeArg, NormaliseArg, ScoreArgs, ScoreKwargs};
use super::panel::PyPanel;
use super::run::{ProgressArg, guard, run_frame, run_with_progress};
use crate::uncertainty::{Prepared, Uncertainty, UncertaintyOptions, check_sensitivity_sizes, uncertainty};

fn arg_err(message: impl Into<String>) -> PyErr {
    ArgumentError::new_err(message.into())
}

/// The arguments `uncertainty` and `sensitivity` share: the choices to draw from (the first of
/// each is the nominal one) and the scoring options.
pub(super) struct DrawArgs {
    pub(super) year: i32,
    pub(super) seed: u64,
    pub(super) weights_spread: f64,
    pub(super) normalise: Option<Choices<NormaliseArg>>,
    pub(super) aggregate: Option<Choices<AggregateArg>>,
    pub(super) impute: Option<Choices<ImputeArg>>,
    pub(super) intervals: bool,
    pub(super) score_options: Option<ScoreKwargs>,
}

impl DrawArgs {
    /// The options of `draws` draws reporting P(rank ≤ k) for each k of `top`.
    fn options(self, py: Python<'_>, panel: &PyPanel, draws: usize, top: Vec<u32>) -> PyResult<UncertaintyOptions> {
        let normalise = Choices::values(self.normalise);
        let aggregate = Choices::values(self.aggregate);
        let impute = Choices::values(self.impute);
        let nominal = ScoreArgs {
            normalise: normalise.first().copied(),
            aggregate: aggregate.first().copied(),
            impute: impute.first().copied(),
            ..self.score_options.unwrap_or_default().0
        };
        let score = nominal.build(py, &panel.inner)?;
        let (year, seed, weights_spread, intervals) = (self.year, self.seed, self.weights_spread, self.intervals);
        Ok(UncertaintyOptions { year, draws, seed, weights_spread, normalise, aggregate, impute, intervals, top, score })
    }
}

/// Runs the draws (`Panel.uncertainty`); `progress` absent shows the package's display.
pub(super) fn run_draws(
    py: Python<'_>,
    panel: &PyPanel,
    args: DrawArgs,
    draws: usize,
    top: Option<TopArg>,
    progress: Option<ProgressArg>,
) -> PyResult<PyUncertainty> {
    let top = top.map_or_else(|| vec![1, 3, 10], |t| t.0);
    let options = args.options(py, panel, draws, top)?;
    let inner = panel.inner.clone();
    let result = run_with_progress(py, progress.unwrap_or(ProgressArg::On), "fazhi draws", move |p| {
        uncertainty(&inner, &options, &mut p.callback())
    })?;
    Ok(PyUncertainty { inner: Arc::new(result) })
}

/// Runs the Sobol analysis (`Panel.sensitivity`); the sizes are checked before anything is
/// prepared, and `progress` absent shows nothing.
pub(super) fn run_sensitivity(
    py: Python<'_>,
    panel: &PyPanel,
    args: DrawArgs,
    base: usize,
    bootstrap: usize,
    progress: Option<ProgressArg>,
) -> PyResult<Py<PyAny>> {
    let options = args.options(py, panel, 1, vec![1, 3, 10])?;
    check_sensitivity_sizes(base, bootstrap).map_err(to_py_err)?;
    let inner = panel.inner.clone();
    let frame = run_with_progress(py, progress.unwrap_or(ProgressArg::Off), "fazhi sensitivity", move |p| {
        let prepared = Prepared::new(&inner, &options)?;
        let indices = prepared.sensitivity(base, bootstrap, &mut p.callback())?;
        let mut u = prepared.finish(Vec::new());
        u.sensitivity = indices;
        u.sensitivity_frame()
    })?;
    to_polars(py, frame)
}

/// Rank intervals: how sure each unit's rank is under the choices behind the score and the
/// reports' own intervals.
#[pyclass(name = "Uncertainty", module = "fazhi._fazhi", frozen)]
pub struct PyUncertainty {
    inner: Arc<Uncertainty>,
}

#[pymethods]
impl PyUncertainty {
    /// Per unit: nominal rank and score, median rank, 5th/95th percentile rank, P(rank ≤ k),
    /// score quantiles, draws in which it was ranked.
    #[getter]
    fn ranks(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.ranks())
    }

    /// One row per draw: its normalisation, aggregation, imputation, mean absolute rank shift,
    /// and why it was skipped (if it was).
    #[getter]
    fn draws(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.draws_frame())
    }

    /// Skipped draws counted by reason (e.g. geometric aggregation meeting a zero score).
    #[getter]
    fn skipped(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.skipped())
    }

    /// Draws completed.
    #[getter]
    fn completed(&self) -> usize {
        self.inner.completed()
    }

    #[getter]
    fn year(&self) -> i32 {
        self.inner.year
    }

    /// The settings of the analysis (JSON-serialisable values).
    #[getter]
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(&self.inner.settings).map_err(|e| arg_err(e.to_string()))?;
        py.import("json")?.call_method1("loads", (text,))
    }

    /// P(A ranks above B) for every ordered pair of `units` (codes).
    fn pairs(&self, py: Python<'_>, units: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        guard(|| {
            let units: Vec<String> = args::list(units, "units", "a list of unit codes (str)")?;
            run_frame(py, &self.inner, move |x| x.pairs(&units))
        })
    }

    fn __repr__(&self) -> String {
        format!("Uncertainty(year {}, {} draws, {} completed)", self.inner.year, self.inner.draws.len(), self.inner.completed())
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        super::repr_html(slf.as_any(), "uncertainty_html")
    }
}
