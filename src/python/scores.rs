//! `Panel.score(...)` and the `Scores` object.

use std::sync::{Arc, OnceLock};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::arrow::{from_py_arg, to_polars};
use super::errors::{ArgumentError, to_py_err};
use super::{PyCatalogue, PyPanel, args, guard, run, targets_arg};
use crate::model::{Catalogue, Kind};
use crate::scoring::{self, Aggregate, Impute, Normalise, Scope, ScoreOptions, Scores};

fn arg_err(message: impl Into<String>) -> PyErr {
    ArgumentError::new_err(message.into())
}

/// `"arithmetic"` or `("geometric", "arithmetic")` (indicator → dimension, dimension → composite).
pub(super) fn aggregate_arg(obj: &Bound<'_, PyAny>) -> PyResult<(Aggregate, Aggregate)> {
    if let Ok(one) = obj.extract::<String>() {
        let a = Aggregate::parse(&one).map_err(to_py_err)?;
        return Ok((a, a));
    }
    let (a, b): (String, String) = args::extract(
        obj,
        "aggregate",
        "a method name (\"arithmetic\", \"geometric\", \"minimum\") or a pair of them (dimension level, composite level)",
    )?;
    Ok((Aggregate::parse(&a).map_err(to_py_err)?, Aggregate::parse(&b).map_err(to_py_err)?))
}

pub(super) fn impute_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Impute> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(Impute::None) };
    if let Ok(text) = obj.extract::<String>() {
        return Impute::parse(&text).map_err(to_py_err);
    }
    if let Ok((name, k)) = obj.extract::<(String, u32)>() {
        return Impute::parse(&format!("{name}:{k}")).map_err(to_py_err);
    }
    Err(args::wrong("impute", "None, \"carry_forward\", (\"carry_forward\", k) or \"group_median\"", obj))
}

/// Weights from a mapping {code: weight} or a frame with columns code, weight (and optionally
/// level). A code that names a dimension weighs the dimension; anything else an indicator.
pub(super) fn weights_arg(obj: Option<&Bound<'_, PyAny>>, catalogue: &Catalogue) -> PyResult<scoring::Weights> {
    let mut w = scoring::Weights::default();
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(w) };
    let pairs: Vec<(String, f64, Option<String>)> = if let Ok(d) = obj.cast::<PyDict>() {
        let mut out = Vec::new();
        for (k, v) in d.iter() {
            let key: String = args::extract(&k, "a weights key", "an indicator or dimension code (str)")?;
            let value: f64 = args::extract(&v, &format!("the weight of {key:?}"), "a number")?;
            out.push((key, value, None));
        }
        out
    } else {
        let frame = from_py_arg(obj, "weights")
            .map_err(|_| args::wrong("weights", "a dict {code: weight} or a polars DataFrame with columns code, weight", obj))?;
        let code =
            frame.column("code").and_then(|c| c.str().cloned()).map_err(|_| arg_err("the weights frame needs a string column \"code\""))?;
        let weight = frame
            .column("weight")
            .and_then(|c| c.cast(&polars::prelude::DataType::Float64))
            .map_err(|_| arg_err("the weights frame needs a numeric column \"weight\""))?;
        let weight = weight.f64().map_err(to_py_err_polars)?.clone();
        let level = frame.column("level").ok().and_then(|c| c.str().ok().cloned());
        (0..frame.height())
            .map(|i| {
                let c = code.get(i).ok_or_else(|| arg_err(format!("weights row {}: code is empty", i + 1)))?;
                let x = weight.get(i).ok_or_else(|| arg_err(format!("weights row {} ({c}): weight is empty", i + 1)))?;
                Ok((c.to_string(), x, level.as_ref().and_then(|l| l.get(i)).map(str::to_string)))
            })
            .collect::<PyResult<_>>()?
    };
    for (code, value, level) in pairs {
        let is_dim = match level.as_deref() {
            Some("dimension") => true,
            Some("indicator") => false,
            Some(other) => return Err(arg_err(format!("weights level must be dimension or indicator, got {other:?}"))),
            None => catalogue.dimensions.iter().any(|d| d.code == code) && catalogue.resolve(&code).is_none(),
        };
        if is_dim {
            w.dimensions.insert(code, value);
        } else {
            w.indicators.insert(code, value);
        }
    }
    Ok(w)
}

fn to_py_err_polars(e: polars::prelude::PolarsError) -> PyErr {
    to_py_err(e.into())
}

pub(super) fn kinds_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<Kind>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    let names: Vec<String> = args::one_or_list(obj, "kinds", "\"output\", \"outcome\" or a list of them")?;
    names
        .iter()
        .map(|n| match n.as_str() {
            "output" => Ok(Kind::Output),
            "outcome" => Ok(Kind::Outcome),
            other => Err(arg_err(format!("kinds must be \"output\" and/or \"outcome\", got {other:?}"))),
        })
        .collect::<PyResult<Vec<_>>>()
        .map(Some)
}

/// `Panel.score`: see its docstring in `mod.rs`.
#[allow(clippy::too_many_arguments)]
pub(super) fn score(
    this: &PyPanel,
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
) -> PyResult<PyScores> {
    let years = match years.filter(|y| !y.is_none()) {
        None => None,
        Some(y) => Some(args::one_or_list(y, "years", "an int or a list of ints")?),
    };
    let targets = match targets.filter(|t| !t.is_none()) {
        Some(t) => Some((*targets_arg(py, t, &this.inner)?).clone()),
        None => None,
    };
    let options = ScoreOptions {
        years,
        normalise: Normalise::parse(normalise).map_err(to_py_err)?,
        scope: Scope::parse(scope).map_err(to_py_err)?,
        aggregate: match aggregate.filter(|a| !a.is_none()) {
            Some(a) => aggregate_arg(a)?,
            None => (Aggregate::Arithmetic, Aggregate::Arithmetic),
        },
        weights: weights_arg(weights, this.inner.catalogue())?,
        kinds: kinds_arg(kinds)?,
        impute: impute_arg(impute)?,
        min_coverage,
        winsorise,
        targets,
        denominate,
    };
    let panel = this.inner.clone();
    let scores = run(py, move || scoring::score(&panel, &options))?;
    // What the ranking cannot show: indicators that left the score, too few units to compare.
    let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
    for message in scores.warnings() {
        let message = std::ffi::CString::new(message.replace('\0', " ")).unwrap_or_default();
        PyErr::warn(py, category.as_any(), &message, 1)?;
    }
    Ok(PyScores { inner: Arc::new(scores), catalogue: Arc::new(this.inner.catalogue().clone()), cache: Default::default() })
}

/// Scores of every unit and year. The frames are built on first access and kept.
#[pyclass(name = "Scores", module = "fazhi._fazhi", frozen)]
pub struct PyScores {
    pub(crate) inner: Arc<Scores>,
    catalogue: Arc<Catalogue>,
    cache: [OnceLock<Py<PyAny>>; 5],
}

impl PyScores {
    fn cached(
        &self,
        py: Python<'_>,
        slot: usize,
        build: impl FnOnce(&Scores) -> crate::Result<polars::prelude::DataFrame> + Send,
    ) -> PyResult<Py<PyAny>> {
        if let Some(f) = self.cache[slot].get() {
            return Ok(f.clone_ref(py));
        }
        let inner = self.inner.clone();
        let frame = to_polars(py, run(py, move || build(&inner))?)?;
        Ok(self.cache[slot].get_or_init(|| frame).clone_ref(py))
    }
}

#[pymethods]
impl PyScores {
    /// unit, name, group, year, score, rank, dense_rank, group_rank, rank_change, coverage,
    /// flags, reason — one row per unit and year, sorted by year and rank.
    #[getter]
    fn composite(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.cached(py, 0, Scores::composite)
    }

    /// unit, year, dimension, score, rank, coverage.
    #[getter]
    fn dimensions(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.cached(py, 1, Scores::dimensions)
    }

    /// unit, year, indicator, dimension, raw, value, normalised, effective_weight, contribution,
    /// imputed_from_year, imputation, winsorised, qualified.
    #[getter]
    fn contributions(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.cached(py, 2, Scores::contributions)
    }

    /// What was left out, and why: unit, year, indicator, dimension, level (cell, indicator,
    /// dimension, composite, year, group), reason, detail. ``score()`` warns about the
    /// ``no_denominator`` and ``few_units`` rows.
    #[getter]
    fn excluded(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.cached(py, 3, Scores::excluded)
    }

    /// The weights used: level, code, dimension, weight, share, normalise, worst, best,
    /// goalposts_from.
    #[getter]
    fn weights(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.cached(py, 4, Scores::weights)
    }

    /// Everything needed to reproduce the scores, including the catalogue version.
    #[getter]
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.inner.settings() {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// The catalogue the scores were computed with.
    #[getter]
    fn catalogue(&self) -> PyCatalogue {
        PyCatalogue { inner: self.catalogue.clone() }
    }

    /// Strengths and weaknesses of one unit (code or name) by dimension and indicator (default:
    /// the latest scored year).
    #[pyo3(signature = (unit, year=None))]
    fn profile(&self, py: Python<'_>, unit: String, year: Option<i32>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.profile(&unit, year))?)
    }

    /// The scores as JSON (serde), for Rust services; written to `path` when given.
    #[pyo3(signature = (path=None))]
    fn to_json(&self, py: Python<'_>, path: Option<std::path::PathBuf>) -> PyResult<Option<String>> {
        let inner = self.inner.clone();
        run(py, move || {
            let text =
                serde_json::to_string(&*inner).map_err(|e| crate::Error::InvalidArgument(format!("cannot serialise scores: {e}")))?;
            match path {
                Some(p) => std::fs::write(&p, text).map(|_| None).map_err(|e| crate::Error::io(p.display().to_string(), e)),
                None => Ok(Some(text)),
            }
        })
    }

    /// Writes the Excel scorecard: ranking (data bars, rank intervals when `uncertainty` is
    /// given), dimension heatmap, target gaps in red/amber/green, changes, one sheet per
    /// township, data quality and methodology. Chinese labels by default (`lang="en"`).
    ///
    /// Parameters
    /// ----------
    /// path : str | PathLike
    /// year : int, optional
    ///     The year shown (default: the latest year with a ranked unit).
    /// gaps, changes, diagnostics : polars.DataFrame, optional
    ///     ``panel.gaps(targets)``, ``panel.changes()``, ``panel.diagnostics()``.
    /// uncertainty : object with a ``ranks`` frame, or a frame with unit, year, rank_p05, rank_p95
    /// data_note : str, optional
    ///     Where the data come from (e.g. "synthetic demo data"); printed on the first sheet.
    #[pyo3(signature = (path, year=None, gaps=None, changes=None, diagnostics=None, uncertainty=None, lang="zh", data_note=None))]
    #[allow(clippy::too_many_arguments)]
    fn to_excel(
        &self,
        py: Python<'_>,
        path: std::path::PathBuf,
        year: Option<i32>,
        gaps: Option<&Bound<'_, PyAny>>,
        changes: Option<&Bound<'_, PyAny>>,
        diagnostics: Option<&Bound<'_, PyAny>>,
        uncertainty: Option<&Bound<'_, PyAny>>,
        lang: &str,
        data_note: Option<String>,
    ) -> PyResult<std::path::PathBuf> {
        let frame = |o: Option<&Bound<'_, PyAny>>, name: &str| -> PyResult<Option<polars::prelude::DataFrame>> {
            match o.filter(|o| !o.is_none()) {
                None => Ok(None),
                Some(o) => {
                    let o = if o.hasattr("ranks")? && !o.hasattr("columns")? { o.getattr("ranks")? } else { o.clone() };
                    Ok(Some(from_py_arg(&o, name)?))
                }
            }
        };
        let (gaps, changes, diagnostics, ranks) = guard(|| {
            Ok((frame(gaps, "gaps")?, frame(changes, "changes")?, frame(diagnostics, "diagnostics")?, frame(uncertainty, "uncertainty")?))
        })?;
        let lang = crate::report::Lang::parse(lang).map_err(to_py_err)?;
        let inner = self.inner.clone();
        let out = path.clone();
        run(py, move || {
            let card = crate::report::Scorecard {
                scores: &inner,
                year,
                gaps: gaps.as_ref(),
                changes: changes.as_ref(),
                diagnostics: diagnostics.as_ref(),
                ranks: ranks.as_ref(),
                data_note,
                lang,
                ..crate::report::Scorecard::new(&inner)
            };
            card.write_xlsx(&out)
        })?;
        Ok(path)
    }

    fn __repr__(&self) -> String {
        let s = self.inner.settings();
        let get = |k: &str| s.get(k).map_or("?", String::as_str);
        format!(
            "Scores({} units, years {}, {} indicators in {} dimensions, normalise={}, aggregate={}, catalogue {})",
            get("units"),
            get("years"),
            get("indicators"),
            get("dimensions"),
            get("normalise"),
            get("aggregate"),
            get("catalogue_version")
        )
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        // The notebook view lives in Python (fazhi._display); the repr is the fallback.
        let py = slf.py();
        match py.import("fazhi._display").and_then(|m| m.call_method1("scores_html", PyTuple::new(py, [slf.as_any()])?)) {
            Ok(html) => html.extract(),
            Err(_) => Ok(format!("<pre>{}</pre>", super::escape(&slf.get().__repr__()))),
        }
    }
}
