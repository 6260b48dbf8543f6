//! `Panel.score(...)` and the `Scores` object.

use std::sync::{Arc, OnceLock};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use polars::prelude::DataFrame;

use super::args::{ChangesArg, DiagnosticsArg, GapsArg};
use super::arrow::from_py_arg;
use super::catalogue::PyCatalogue;
use super::errors::to_py_err;
use super::options::ScoreArgs;
use super::panel::PyPanel;
use super::run::{guard, run, run_frame};
use crate::model::Catalogue;
use crate::report::{Lang, Scorecard};
use crate::scoring::{self, Scores};

/// `Panel.score` (see its docstring in `panel.rs`): the options built, the panel scored, a
/// UserWarning for each thing the ranking cannot show.
pub(super) fn score(this: &PyPanel, py: Python<'_>, args: ScoreArgs) -> PyResult<PyScores> {
    let options = args.build(py, &this.inner)?;
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
        let frame = run_frame(py, &self.inner, build)?;
        Ok(self.cache[slot].get_or_init(|| frame).clone_ref(py))
    }
}

/// `uncertainty=` of the scorecards: an object with a ``ranks`` frame (an Uncertainty), or a
/// frame with unit, year, rank_p05, rank_p95.
pub(super) struct RanksArg(DataFrame);

impl<'a, 'py> FromPyObject<'a, 'py> for RanksArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            let frame = if obj.hasattr("ranks")? && !obj.hasattr("columns")? { obj.getattr("ranks")? } else { obj.to_owned() };
            from_py_arg(&frame, "uncertainty").map(Self)
        })
    }
}

/// What a scorecard shows besides the scores, from the arguments every scorecard writer takes.
struct CardArgs {
    year: Option<i32>,
    gaps: Option<GapsArg>,
    changes: Option<ChangesArg>,
    diagnostics: Option<DiagnosticsArg>,
    ranks: Option<RanksArg>,
    lang: Lang,
    data_note: Option<String>,
}

impl PyScores {
    /// The scorecard of these scores and `card`, handed to `render` (a writer of
    /// `crate::report`) without the GIL: the one door of `to_excel` and of any other format.
    /// Fields of `Scorecard` that `CardArgs` does not carry keep `Scorecard::new`'s defaults.
    fn render_card<R: Send>(
        &self,
        py: Python<'_>,
        args: CardArgs,
        render: impl FnOnce(&Scorecard<'_>) -> crate::Result<R> + Send,
    ) -> PyResult<R> {
        let inner = self.inner.clone();
        run(py, move || {
            let mut card = Scorecard::new(&inner);
            card.year = args.year;
            card.gaps = args.gaps.as_ref().map(|f| &f.0);
            card.changes = args.changes.as_ref().map(|f| &f.0);
            card.diagnostics = args.diagnostics.as_ref().map(|f| &f.0);
            card.ranks = args.ranks.as_ref().map(|f| &f.0);
            card.data_note = args.data_note;
            card.lang = args.lang;
            render(&card)
        })
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
        run_frame(py, &self.inner, move |x| x.profile(&unit, year))
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
        gaps: Option<GapsArg>,
        changes: Option<ChangesArg>,
        diagnostics: Option<DiagnosticsArg>,
        uncertainty: Option<RanksArg>,
        lang: &str,
        data_note: Option<String>,
    ) -> PyResult<std::path::PathBuf> {
        let card =
            CardArgs { year, gaps, changes, diagnostics, ranks: uncertainty, lang: Lang::parse(lang).map_err(to_py_err)?, data_note };
        let out = path.clone();
        self.render_card(py, card, move |card| card.write_xlsx(&out))?;
        Ok(path)
    }

    // `to_html` (and `render_html`) go here, beside `to_excel`: the same arguments, a
    // `CardArgs` built from them (a new frame argument is one `frame_arg!` line in args.rs and a
    // field of `CardArgs`), and `self.render_card(py, card, |card| ...)` with the HTML writer.

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
