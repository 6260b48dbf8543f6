//! `Panel.uncertainty(...)`, `Panel.sensitivity(...)` and the `Uncertainty` object.
//!
//! The draws, the sensitivity runs and its bootstrap run in chunks with the GIL released; between
//! chunks the GIL is taken back to update the progress bar and to check for Ctrl-C
//! (KeyboardInterrupt, also in Jupyter): see [`run_with_progress`].

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use super::arrow::to_polars;
use super::errors::{ArgumentError, to_py_err};
use super::scores::{aggregate_arg, impute_arg, kinds_arg, weights_arg};
use super::{PyPanel, args, guard, run, targets_arg};
use crate::scoring::{Aggregate, Impute, Normalise, Scope, ScoreOptions};
use crate::uncertainty::{Prepared, Uncertainty, UncertaintyOptions, check_sensitivity_sizes, uncertainty};

fn arg_err(message: impl Into<String>) -> PyErr {
    ArgumentError::new_err(message.into())
}

/// A single choice (what `parse` accepts) or a list of choices; empty when absent. `parse` names
/// the argument in its own errors; `expected` says what the whole argument may be.
fn choices<'py, T>(
    obj: Option<&Bound<'py, PyAny>>,
    name: &str,
    expected: &str,
    parse: impl Fn(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(Vec::new()) };
    if obj.is_instance_of::<PyString>() {
        return Ok(vec![parse(obj)?]);
    }
    if let Ok(one) = parse(obj) {
        return Ok(vec![one]);
    }
    let items = obj.try_iter().map_err(|_| args::wrong(name, expected, obj))?;
    items.map(|item| parse(&item?)).collect()
}

/// Builds the options from the Python arguments; the first choice of each list is the nominal one.
#[allow(clippy::too_many_arguments)]
pub(super) fn options(
    py: Python<'_>,
    panel: &PyPanel,
    year: i32,
    draws: usize,
    seed: u64,
    weights_spread: f64,
    normalise: Option<&Bound<'_, PyAny>>,
    aggregate: Option<&Bound<'_, PyAny>>,
    impute: Option<&Bound<'_, PyAny>>,
    intervals: bool,
    top: Option<&Bound<'_, PyAny>>,
    score_options: Option<&Bound<'_, PyDict>>,
) -> PyResult<UncertaintyOptions> {
    let normalise: Vec<Normalise> = choices(normalise, "normalise", "a normalisation name or a list of them", |i| {
        Normalise::parse(&args::extract::<String>(i, "normalise", "a normalisation name (str) or a list of them")?).map_err(to_py_err)
    })?;
    // One choice as `score()` takes it ("geometric", ("minimum", "arithmetic"), ("carry_forward", 2)),
    // or a list of them.
    let aggregate: Vec<(Aggregate, Aggregate)> =
        choices(aggregate, "aggregate", "an aggregation, a pair or a list of them", aggregate_arg)?;
    let impute: Vec<Impute> = choices(impute, "impute", "an imputation or a list of them", |i| impute_arg(Some(i)))?;
    let top: Vec<u32> = match top.filter(|t| !t.is_none()) {
        Some(t) => args::one_or_list(t, "top", "a non-negative int or a list of them (k of P(rank ≤ k))")?,
        None => vec![1, 3, 10],
    };
    let mut score = ScoreOptions::default();
    if let Some(n) = normalise.first() {
        score.normalise = *n;
    }
    if let Some(a) = aggregate.first() {
        score.aggregate = *a;
    }
    if let Some(i) = impute.first() {
        score.impute = *i;
    }
    if let Some(kw) = score_options {
        for (key, value) in kw.iter() {
            let key: String = args::extract(&key, "a scoring option name", "a str")?;
            match key.as_str() {
                "scope" => {
                    score.scope =
                        Scope::parse(&args::extract::<String>(&value, "scope", "\"year\", \"global\" or \"group\"")?).map_err(to_py_err)?;
                }
                "weights" => score.weights = weights_arg(Some(&value), panel.inner.catalogue())?,
                "kinds" => score.kinds = kinds_arg(Some(&value))?,
                "min_coverage" => {
                    score.min_coverage = args::extract(&value, "min_coverage", "a pair of numbers (dimension share, composite share)")?;
                }
                "winsorise" => score.winsorise = args::extract(&value, "winsorise", "None or a pair of quantiles (lo, hi)")?,
                "denominate" => score.denominate = args::extract(&value, "denominate", "a bool")?,
                "targets" => {
                    if !value.is_none() {
                        score.targets = Some((*targets_arg(py, &value, &panel.inner)?).clone());
                    }
                }
                other => {
                    return Err(arg_err(format!(
                        "unknown scoring option {other:?}; use scope, weights, kinds, min_coverage, winsorise, targets, denominate \
                         (normalise, aggregate and impute are the lists to draw from)"
                    )));
                }
            }
        }
    }
    Ok(UncertaintyOptions { year, draws, seed, weights_spread, normalise, aggregate, impute, intervals, top, score })
}

/// A progress reporter: a callable (done, total), tqdm when `progress=True` and tqdm is
/// installed, or nothing. Held as `Py` so the work can take it along without the GIL.
struct Progress {
    bar: Option<Py<PyAny>>,
    callback: Option<Py<PyAny>>,
    last: usize,
}

impl Progress {
    fn new(py: Python<'_>, progress: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let none = Self { bar: None, callback: None, last: 0 };
        if progress.is_none() {
            return Ok(none);
        }
        if progress.is_callable() {
            return Ok(Self { callback: Some(progress.clone().unbind()), ..none });
        }
        let wanted: bool = args::extract(progress, "progress", "a bool, None or a callable (done, total)")?;
        if wanted && let Ok(tqdm) = py.import("tqdm.auto").and_then(|m| m.getattr("tqdm")) {
            let kw = PyDict::new(py);
            kw.set_item("total", 0)?;
            kw.set_item("desc", what)?;
            return Ok(Self { bar: Some(tqdm.call((), Some(&kw))?.unbind()), ..none });
        }
        Ok(none)
    }

    /// Moves the bar or calls the callback, then checks for Ctrl-C.
    fn update(&mut self, py: Python<'_>, done: usize, total: usize) -> PyResult<()> {
        if let Some(bar) = &self.bar {
            let bar = bar.bind(py);
            if bar.getattr("total").and_then(|t| t.extract::<usize>()).ok() != Some(total) {
                bar.setattr("total", total)?;
            }
            bar.call_method1("update", (done.saturating_sub(self.last),))?;
        }
        if let Some(cb) = &self.callback {
            cb.bind(py).call1((done, total))?;
        }
        self.last = done;
        py.check_signals()
    }

    fn close(&self, py: Python<'_>) -> PyResult<()> {
        if let Some(bar) = &self.bar {
            bar.bind(py).call_method0("close")?;
        }
        Ok(())
    }
}

/// The one way long work runs from Python: without the GIL, in chunks; after every chunk the GIL
/// is taken back briefly to move the progress bar and to check for Ctrl-C. A Python error there
/// (KeyboardInterrupt, or one raised by the callback) stops the work and is what the call raises.
fn run_with_progress<T: Send>(
    py: Python<'_>,
    progress: &Bound<'_, PyAny>,
    what: &str,
    work: impl FnOnce(&mut dyn FnMut(usize, usize) -> bool) -> crate::Result<T> + Send,
) -> PyResult<T> {
    let mut bar = Progress::new(py, progress, what)?;
    let mut interrupted: Option<PyErr> = None;
    let result = run(py, || {
        work(&mut |done, total| {
            Python::attach(|py| match bar.update(py, done, total) {
                Ok(()) => true,
                Err(e) => {
                    interrupted = Some(e);
                    false
                }
            })
        })
    });
    bar.close(py)?;
    match interrupted {
        Some(e) => Err(e),
        None => result,
    }
}

/// Runs the draws (`Panel.uncertainty`).
pub(super) fn run_draws(
    py: Python<'_>,
    panel: &PyPanel,
    options: UncertaintyOptions,
    progress: &Bound<'_, PyAny>,
) -> PyResult<PyUncertainty> {
    let inner = panel.inner.clone();
    let result = run_with_progress(py, progress, "fazhi draws", move |report| uncertainty(&inner, &options, report))?;
    Ok(PyUncertainty { inner: Arc::new(result) })
}

/// Runs the Sobol analysis (`Panel.sensitivity`); the sizes are checked before anything is
/// prepared.
pub(super) fn run_sensitivity(
    py: Python<'_>,
    panel: &PyPanel,
    options: UncertaintyOptions,
    base: usize,
    bootstrap: usize,
    progress: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    check_sensitivity_sizes(base, bootstrap).map_err(to_py_err)?;
    let inner = panel.inner.clone();
    let frame = run_with_progress(py, progress, "fazhi sensitivity", move |report| {
        let prepared = Prepared::new(&inner, &options)?;
        let indices = prepared.sensitivity(base, bootstrap, report)?;
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
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.ranks())?)
    }

    /// One row per draw: its normalisation, aggregation, imputation, mean absolute rank shift,
    /// and why it was skipped (if it was).
    #[getter]
    fn draws(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.draws_frame())?)
    }

    /// Skipped draws counted by reason (e.g. geometric aggregation meeting a zero score).
    #[getter]
    fn skipped(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.skipped())?)
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
            let inner = self.inner.clone();
            to_polars(py, run(py, move || inner.pairs(&units))?)
        })
    }

    fn __repr__(&self) -> String {
        format!("Uncertainty(year {}, {} draws, {} completed)", self.inner.year, self.inner.draws.len(), self.inner.completed())
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        match py.import("fazhi._display").and_then(|m| m.call_method1("uncertainty_html", PyTuple::new(py, [slf.as_any()])?)) {
            Ok(html) => html.extract(),
            Err(_) => Ok(format!("<pre>{}</pre>", super::escape(&slf.get().__repr__()))),
        }
    }
}
