//! `Panel.score(...)` and the `Scores` object.

use std::sync::{Arc, OnceLock};

use pyo3::prelude::*;
use pyo3::types::PyDict;

use polars::prelude::DataFrame;

use pyo3::exceptions::{PyTypeError, PyValueError};

use super::args;
use super::arrow::from_py_arg;
use super::catalogue::PyCatalogue;
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

/// What a scorecard shows besides the scores: the arguments every scorecard writer takes, each
/// parsed once with an error that names it.
struct CardArgs {
    year: Option<i32>,
    panel: Option<Arc<crate::panel::Panel>>,
    gaps: Option<DataFrame>,
    changes: Option<DataFrame>,
    progress: Option<DataFrame>,
    diagnostics: Option<DataFrame>,
    ranks: Option<DataFrame>,
    lang: Lang,
    title: Option<String>,
    data_note: Option<String>,
    sources: bool,
}

/// `name`: a polars frame with a `year` column (`target_year` for progress), as
/// `panel.<name>(...)` returns it, or None.
fn card_frame(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<DataFrame>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    let frame = from_py_arg(obj, name)?;
    let year = if name == "progress" { "target_year" } else { "year" };
    if frame.column(year).is_err() {
        return Err(PyValueError::new_err(format!("{name} must have a {year} column (as panel.{name}(...) returns)")));
    }
    Ok(Some(frame))
}

/// A str or None, else a TypeError naming the argument.
fn card_text(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(None),
        Some(o) => o
            .extract::<String>()
            .map(Some)
            .map_err(|_| PyTypeError::new_err(format!("{name} must be a str or None, got {}", args::describe(o)))),
    }
}

impl CardArgs {
    #[allow(clippy::too_many_arguments)]
    fn parse(
        year: Option<&Bound<'_, PyAny>>,
        panel: Option<&Bound<'_, PyAny>>,
        gaps: Option<&Bound<'_, PyAny>>,
        changes: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
        diagnostics: Option<&Bound<'_, PyAny>>,
        uncertainty: Option<&Bound<'_, PyAny>>,
        lang: &str,
        title: Option<&Bound<'_, PyAny>>,
        data_note: Option<&Bound<'_, PyAny>>,
        sources: bool,
    ) -> PyResult<Self> {
        guard(|| {
            let year = match year.filter(|o| !o.is_none()) {
                None => None,
                Some(y) if y.is_instance_of::<pyo3::types::PyBool>() => {
                    return Err(PyTypeError::new_err(format!("year must be an int or None, got {}", args::describe(y))));
                }
                Some(y) => Some(
                    y.extract::<i32>()
                        .map_err(|_| PyTypeError::new_err(format!("year must be an int or None, got {}", args::describe(y))))?,
                ),
            };
            let panel = match panel.filter(|o| !o.is_none()) {
                None => None,
                Some(p) => Some(
                    p.cast::<PyPanel>()
                        .map_err(|_| PyTypeError::new_err(format!("panel must be a fazhi.Panel or None, got {}", args::describe(p))))?
                        .get()
                        .inner
                        .clone(),
                ),
            };
            let ranks = match uncertainty.filter(|o| !o.is_none()) {
                None => None,
                Some(u) => {
                    let frame = if u.hasattr("ranks")? && !u.hasattr("columns")? { u.getattr("ranks")? } else { u.clone() };
                    if !frame.hasattr("__arrow_c_stream__")? {
                        return Err(PyTypeError::new_err(format!(
                            "uncertainty must be the result of panel.uncertainty(...) (or a DataFrame of its ranks) or None, got {}",
                            args::describe(u)
                        )));
                    }
                    let frame = from_py_arg(&frame, "uncertainty")?;
                    let missing: Vec<&str> =
                        ["unit", "year", "rank_p05", "rank_p95"].into_iter().filter(|c| frame.column(c).is_err()).collect();
                    if !missing.is_empty() {
                        return Err(PyValueError::new_err(format!("uncertainty ranks lack the columns {missing:?}")));
                    }
                    Some(frame)
                }
            };
            let lang = Lang::parse(lang).map_err(|_| PyValueError::new_err(format!("lang must be one of \"zh\", \"en\", not {lang:?}")))?;
            Ok(Self {
                year,
                panel,
                gaps: card_frame(gaps, "gaps")?,
                changes: card_frame(changes, "changes")?,
                progress: card_frame(progress, "progress")?,
                diagnostics: card_frame(diagnostics, "diagnostics")?,
                ranks,
                lang,
                title: card_text(title, "title")?,
                data_note: card_text(data_note, "data_note")?,
                sources,
            })
        })
    }
}

impl PyScores {
    /// The scorecard of these scores and `card`, handed to `render` (a writer of
    /// `crate::report`) without the GIL: the one door of every scorecard format.
    fn render_card<R: Send>(
        &self,
        py: Python<'_>,
        args: CardArgs,
        render: impl FnOnce(&Scorecard<'_>) -> crate::Result<R> + Send,
    ) -> PyResult<R> {
        let inner = self.inner.clone();
        let catalogue = self.catalogue.clone();
        run(py, move || {
            let card = Scorecard {
                year: args.year,
                panel: args.panel.as_deref(),
                catalogue: Some(&catalogue),
                gaps: args.gaps.as_ref(),
                changes: args.changes.as_ref(),
                progress: args.progress.as_ref(),
                diagnostics: args.diagnostics.as_ref(),
                ranks: args.ranks.as_ref(),
                title: args.title,
                data_note: args.data_note,
                sources: args.sources,
                lang: args.lang,
                ..Scorecard::new(&inner)
            };
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
    /// given; one A4 page), dimension heatmap, target gaps in red/amber/green, plan progress,
    /// changes, one sheet per township, data quality and methodology, each set up to print.
    /// Chinese labels by default (`lang="en"`). :meth:`to_html` lays out the same model.
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
    /// panel : Panel, optional
    ///     The panel that was scored: each township's reported values with their source
    ///     sentences, and the intake counts (rows in, accepted, rejected, skipped).
    /// progress : polars.DataFrame, optional
    ///     ``panel.progress(targets)``: the 规划进度 section (targets of later years).
    /// title : str, optional
    ///     The title; by default from the county and the year.
    /// sources : bool, default True
    ///     False leaves out the table of reported values and their sentences (a shorter print).
    #[pyo3(signature = (path, year=None, gaps=None, changes=None, diagnostics=None, uncertainty=None, lang="zh", data_note=None, *, panel=None, progress=None, title=None, sources=true))]
    #[allow(clippy::too_many_arguments)]
    fn to_excel(
        &self,
        py: Python<'_>,
        path: std::path::PathBuf,
        year: Option<&Bound<'_, PyAny>>,
        gaps: Option<&Bound<'_, PyAny>>,
        changes: Option<&Bound<'_, PyAny>>,
        diagnostics: Option<&Bound<'_, PyAny>>,
        uncertainty: Option<&Bound<'_, PyAny>>,
        lang: &str,
        data_note: Option<&Bound<'_, PyAny>>,
        panel: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
        title: Option<&Bound<'_, PyAny>>,
        sources: bool,
    ) -> PyResult<std::path::PathBuf> {
        let card = CardArgs::parse(year, panel, gaps, changes, progress, diagnostics, uncertainty, lang, title, data_note, sources)?;
        let out = path.clone();
        self.render_card(py, card, move |card| card.write_xlsx(&out))?;
        Ok(path)
    }

    /// Writes the county scorecard for one year as one self-contained HTML page (UTF-8; no
    /// network, no script; prints on A4 with the ranking on the first page). The arguments are
    /// those of :meth:`to_excel`; the page and the workbook are laid out from the same model.
    ///
    /// Returns the path written; missing parent folders are created.
    #[pyo3(signature = (path, year=None, gaps=None, changes=None, diagnostics=None, uncertainty=None, lang="zh", data_note=None, *, panel=None, progress=None, title=None, sources=true))]
    #[allow(clippy::too_many_arguments)]
    fn to_html(
        &self,
        py: Python<'_>,
        path: std::path::PathBuf,
        year: Option<&Bound<'_, PyAny>>,
        gaps: Option<&Bound<'_, PyAny>>,
        changes: Option<&Bound<'_, PyAny>>,
        diagnostics: Option<&Bound<'_, PyAny>>,
        uncertainty: Option<&Bound<'_, PyAny>>,
        lang: &str,
        data_note: Option<&Bound<'_, PyAny>>,
        panel: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
        title: Option<&Bound<'_, PyAny>>,
        sources: bool,
    ) -> PyResult<std::path::PathBuf> {
        let card = CardArgs::parse(year, panel, gaps, changes, progress, diagnostics, uncertainty, lang, title, data_note, sources)?;
        if path.as_os_str().is_empty() || path.is_dir() {
            return Err(PyValueError::new_err(format!("path must name a file to write, got {:?} (a folder)", path.display().to_string())));
        }
        let out = path.clone();
        self.render_card(py, card, move |card| card.write_html(&out))?;
        Ok(path)
    }

    /// The HTML scorecard of :meth:`to_html` as a string.
    #[pyo3(signature = (year=None, gaps=None, changes=None, diagnostics=None, uncertainty=None, lang="zh", data_note=None, *, panel=None, progress=None, title=None, sources=true))]
    #[allow(clippy::too_many_arguments)]
    fn render_html(
        &self,
        py: Python<'_>,
        year: Option<&Bound<'_, PyAny>>,
        gaps: Option<&Bound<'_, PyAny>>,
        changes: Option<&Bound<'_, PyAny>>,
        diagnostics: Option<&Bound<'_, PyAny>>,
        uncertainty: Option<&Bound<'_, PyAny>>,
        lang: &str,
        data_note: Option<&Bound<'_, PyAny>>,
        panel: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
        title: Option<&Bound<'_, PyAny>>,
        sources: bool,
    ) -> PyResult<String> {
        let card = CardArgs::parse(year, panel, gaps, changes, progress, diagnostics, uncertainty, lang, title, data_note, sources)?;
        self.render_card(py, card, |card| card.render_html())
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
        super::repr_html(slf.as_any(), "scores_html")
    }
}
