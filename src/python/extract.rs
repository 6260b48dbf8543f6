//! `fazhi.extract`: report text → values with their sentences (bindings only).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::prelude::*;

use super::arrow::to_polars;
use super::{PyPanel, catalogue_arg, errors, run};
use crate::extract::{ExtractOptions, FolderExtraction, Rules, extract_dir, extract_path, extract_text};
use crate::model::Catalogue;
use crate::panel::{Panel, PanelOptions};

/// The values read from one report or a folder of reports, each with its quote and offsets.
///
/// Attributes
/// ----------
/// values : polars.DataFrame
///     indicator, value (as written), lo, hi, point, qualifier, measure word, quote, start, end,
///     rule, confidence — one row per value, for every report.
/// unmatched : polars.DataFrame
///     numbers seen but not mapped (dates, document numbers, slogans, plans, …) with the reason.
/// failures : polars.DataFrame
///     files of a folder that could not be read, with the message.
#[pyclass(name = "Extraction", module = "fazhi._fazhi", frozen)]
pub struct PyExtraction {
    inner: Arc<FolderExtraction>,
    catalogue: Arc<Catalogue>,
}

#[pymethods]
impl PyExtraction {
    #[getter]
    fn values(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.values_frame())?)
    }

    #[getter]
    fn unmatched(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.unmatched_frame())?)
    }

    #[getter]
    fn failures(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.failures_frame())?)
    }

    /// The unit detected from the title (or given); None for a folder of several reports.
    #[getter]
    fn unit(&self) -> Option<String> {
        self.single().and_then(|r| r.unit.clone())
    }

    /// The year detected from the title (or given); None for a folder of several reports.
    #[getter]
    fn year(&self) -> Option<i32> {
        self.single().and_then(|r| r.year)
    }

    /// Number of reports read.
    #[getter]
    fn reports(&self) -> usize {
        self.inner.reports.len()
    }

    /// The long panel frame (unit, year, indicator, value as written, source = the quote).
    fn to_panel_frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = self.inner.clone();
        to_polars(py, run(py, move || inner.to_panel_frame())?)
    }

    /// A validated :class:`Panel` of the extracted values (same catalogue as the extraction).
    fn to_panel(&self, py: Python<'_>) -> PyResult<PyPanel> {
        let (inner, catalogue) = (self.inner.clone(), self.catalogue.clone());
        let panel = run(py, move || {
            let frame = inner.to_panel_frame()?;
            Panel::from_frame(&frame, catalogue.as_ref().clone(), None, &PanelOptions::default())
        })?;
        Ok(PyPanel { inner: Arc::new(panel) })
    }

    fn __len__(&self) -> usize {
        self.inner.reports.iter().map(|r| r.values.len()).sum()
    }

    fn __repr__(&self) -> String {
        let values: usize = self.inner.reports.iter().map(|r| r.values.len()).sum();
        let unmatched: usize = self.inner.reports.iter().map(|r| r.unmatched.len()).sum();
        match self.single() {
            Some(r) => format!(
                "Extraction({} {}: {values} values, {unmatched} numbers not mapped)",
                r.unit.as_deref().unwrap_or("<unit?>"),
                r.year.map_or_else(|| "<year?>".to_string(), |y| y.to_string())
            ),
            None => format!(
                "Extraction({} reports, {} unreadable: {values} values, {unmatched} numbers not mapped)",
                self.inner.reports.len(),
                self.inner.failures.len()
            ),
        }
    }

    fn _repr_html_(&self) -> String {
        super::escape(&self.__repr__())
    }
}

impl PyExtraction {
    fn single(&self) -> Option<&crate::extract::Extraction> {
        (self.inner.reports.len() == 1 && self.inner.failures.is_empty()).then(|| &self.inner.reports[0])
    }
}

/// Reads indicator values out of report text: a path to a report (.txt in any common encoding,
/// .docx, .html), a folder of reports (read in parallel), or the text itself.
///
/// Parameters
/// ----------
/// source : str | PathLike
///     A file, a folder, or report text (a string that is not an existing path).
/// unit, year : optional
///     Override what the title says.
/// rules : str | PathLike, optional
///     A rules .toml merged over the bundled rules (same id replaces, ``enabled = false`` removes).
/// progress : bool
///     Print ``extracting n/N`` to stderr while a folder is read.
#[pyfunction]
#[pyo3(signature = (source, unit=None, year=None, rules=None, catalogue=None, encoding=None, min_confidence=0.0, progress=true))]
#[allow(clippy::too_many_arguments)]
pub fn extract(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    unit: Option<String>,
    year: Option<i32>,
    rules: Option<PathBuf>,
    catalogue: Option<&Bound<'_, PyAny>>,
    encoding: Option<String>,
    min_confidence: f64,
    progress: bool,
) -> PyResult<PyExtraction> {
    let catalogue = Arc::new(catalogue_arg(py, catalogue)?);
    let options = ExtractOptions { unit, year, min_confidence, encoding, ..ExtractOptions::default() };
    enum Source {
        Path(PathBuf),
        Text(String),
    }
    let src = if let Ok(text) = source.extract::<String>() {
        let looks_like_path = !text.contains('\n') && text.chars().count() < 400 && Path::new(&text).exists();
        if looks_like_path { Source::Path(PathBuf::from(text)) } else { Source::Text(text) }
    } else {
        Source::Path(
            source.extract::<PathBuf>().map_err(|_| errors::ArgumentError::new_err("source must be a path, a folder or report text"))?,
        )
    };
    let cat = catalogue.clone();
    let inner = run(py, move || {
        let rules = match &rules {
            Some(path) => Rules::read_with_defaults(path)?,
            None => Rules::default_rules(),
        };
        match src {
            Source::Text(text) => {
                let x = extract_text(&text, &cat, &rules, &options)?;
                Ok(FolderExtraction { reports: vec![x], failures: Vec::new() })
            }
            Source::Path(path) if path.is_dir() => {
                let report = |done: usize, total: usize| {
                    if progress {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\rextracting {done}/{total}");
                        if done == total {
                            let _ = writeln!(err);
                        }
                    }
                };
                extract_dir(&path, &cat, &rules, &options, Some(&report))
            }
            Source::Path(path) => {
                let x = extract_path(&path, &cat, &rules, &options)?;
                Ok(FolderExtraction { reports: vec![x], failures: Vec::new() })
            }
        }
    })?;
    Ok(PyExtraction { inner: Arc::new(inner), catalogue })
}
