//! `Panel.uncertainty(...)`, `Panel.sensitivity(...)` and the `Uncertainty` object.
//!
//! The draws run in chunks with the GIL released; between chunks the GIL is taken back to update
//! the progress bar and to check for Ctrl-C (KeyboardInterrupt in Jupyter).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::arrow::to_polars;
use super::errors::{ArgumentError, to_py_err};
use super::scores::{aggregate_arg, impute_arg, kinds_arg, weights_arg};
use super::{PyPanel, run, targets_arg};
use crate::scoring::{Aggregate, Impute, Normalise, Scope, ScoreOptions};
use crate::uncertainty::{Prepared, Uncertainty, UncertaintyOptions};

fn arg_err(message: impl Into<String>) -> PyErr {
    ArgumentError::new_err(message.into())
}

/// A single choice (what `parse` accepts) or a list of choices; empty when absent.
fn choices<'py, T>(obj: Option<&Bound<'py, PyAny>>, parse: impl Fn(&Bound<'py, PyAny>) -> PyResult<T>) -> PyResult<Vec<T>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(Vec::new()) };
    if obj.is_instance_of::<pyo3::types::PyString>() {
        return Ok(vec![parse(obj)?]);
    }
    if let Ok(one) = parse(obj) {
        return Ok(vec![one]);
    }
    obj.try_iter()?.map(|item| parse(&item?)).collect()
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
    top: Vec<u32>,
    score_options: Option<&Bound<'_, PyDict>>,
) -> PyResult<UncertaintyOptions> {
    let normalise: Vec<Normalise> = choices(normalise, |i| Normalise::parse(&i.extract::<String>()?).map_err(to_py_err))?;
    // One choice as `score()` takes it ("geometric", ("minimum", "arithmetic"), ("carry_forward", 2)),
    // or a list of them.
    let aggregate: Vec<(Aggregate, Aggregate)> = choices(aggregate, aggregate_arg)?;
    let impute: Vec<Impute> = choices(impute, |i| impute_arg(Some(i)))?;
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
            let key: String = key.extract()?;
            match key.as_str() {
                "scope" => score.scope = Scope::parse(&value.extract::<String>()?).map_err(to_py_err)?,
                "weights" => score.weights = weights_arg(Some(&value), panel.inner.catalogue())?,
                "kinds" => score.kinds = kinds_arg(Some(&value))?,
                "min_coverage" => score.min_coverage = value.extract()?,
                "winsorise" => score.winsorise = value.extract()?,
                "denominate" => score.denominate = value.extract()?,
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
/// installed, or nothing.
pub(super) struct Progress<'py> {
    bar: Option<Bound<'py, PyAny>>,
    callback: Option<Bound<'py, PyAny>>,
    last: usize,
}

impl<'py> Progress<'py> {
    pub fn new(py: Python<'py>, progress: &Bound<'py, PyAny>, total: usize, what: &str) -> PyResult<Self> {
        if progress.is_callable() {
            return Ok(Self { bar: None, callback: Some(progress.clone()), last: 0 });
        }
        if progress.extract::<bool>().unwrap_or(false)
            && let Ok(tqdm) = py.import("tqdm.auto").and_then(|m| m.getattr("tqdm"))
        {
            let kw = PyDict::new(py);
            kw.set_item("total", total)?;
            kw.set_item("desc", what)?;
            return Ok(Self { bar: Some(tqdm.call((), Some(&kw))?), callback: None, last: 0 });
        }
        Ok(Self { bar: None, callback: None, last: 0 })
    }

    pub fn update(&mut self, done: usize, total: usize) -> PyResult<()> {
        if let Some(bar) = &self.bar {
            bar.call_method1("update", (done - self.last,))?;
        }
        if let Some(cb) = &self.callback {
            cb.call1((done, total))?;
        }
        self.last = done;
        Ok(())
    }

    pub fn close(&self) -> PyResult<()> {
        if let Some(bar) = &self.bar {
            bar.call_method0("close")?;
        }
        Ok(())
    }
}

/// Runs the draws in chunks: the work without the GIL, then progress and Ctrl-C with it.
pub(super) fn run_draws(
    py: Python<'_>,
    panel: &PyPanel,
    options: UncertaintyOptions,
    progress: &Bound<'_, PyAny>,
) -> PyResult<PyUncertainty> {
    let inner = panel.inner.clone();
    let total = options.draws;
    let mut bar = Progress::new(py, progress, total, "fazhi draws")?;
    let prepared = run(py, || Prepared::new(&inner, &options))?;
    let chunk = 64;
    let mut draws = Vec::with_capacity(total);
    let mut start = 0;
    let outcome = (|| -> PyResult<()> {
        while start < total {
            let end = (start + chunk).min(total);
            let part = run(py, || Ok(prepared.draws(start..end)))?;
            draws.extend(part);
            start = end;
            py.check_signals()?;
            bar.update(start, total)?;
        }
        Ok(())
    })();
    bar.close()?;
    outcome?;
    let result = prepared.finish(draws);
    Ok(PyUncertainty { inner: Arc::new(result) })
}

/// Runs the Sobol analysis: the work without the GIL; after every chunk of runs the GIL is taken
/// back briefly to move the progress bar and check for Ctrl-C.
pub(super) fn run_sensitivity(
    py: Python<'_>,
    panel: &PyPanel,
    options: UncertaintyOptions,
    base: usize,
    bootstrap: usize,
    progress: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let inner = panel.inner.clone();
    let prepared = run(py, || Prepared::new(&inner, &options))?;
    let bar = Progress::new(py, progress, 0, "fazhi sensitivity")?;
    let bar_obj: Option<Py<PyAny>> = bar.bar.as_ref().map(|b| b.clone().unbind());
    let callback: Option<Py<PyAny>> = bar.callback.as_ref().map(|b| b.clone().unbind());
    let mut interrupted: Option<PyErr> = None;
    let mut last = 0usize;
    let result = run(py, || {
        prepared.sensitivity(base, bootstrap, &mut |done, total| {
            Python::attach(|py| {
                if let Some(b) = &bar_obj {
                    let b = b.bind(py);
                    let _ = b.setattr("total", total);
                    let _ = b.call_method1("update", (done - last,));
                }
                if let Some(cb) = &callback
                    && let Err(e) = cb.bind(py).call1((done, total))
                {
                    interrupted = Some(e);
                    return false;
                }
                last = done;
                match py.check_signals() {
                    Ok(()) => true,
                    Err(e) => {
                        interrupted = Some(e);
                        false
                    }
                }
            })
        })
    });
    bar.close()?;
    if let Some(e) = interrupted {
        return Err(e);
    }
    let indices = result?;
    let mut u = prepared.finish(Vec::new());
    u.sensitivity = indices;
    to_polars(py, u.sensitivity_frame().map_err(to_py_err)?)
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
        to_polars(py, self.inner.draws_frame().map_err(to_py_err)?)
    }

    /// Skipped draws counted by reason (e.g. geometric aggregation meeting a zero score).
    #[getter]
    fn skipped(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_polars(py, self.inner.skipped().map_err(to_py_err)?)
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
    fn pairs(&self, py: Python<'_>, units: Vec<String>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.pairs(&units))?)
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
