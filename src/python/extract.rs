//! `fazhi.extract`: report text → values with their sentences (bindings only).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::prelude::*;

use super::catalogue::CatalogueArg;
use super::panel::PyPanel;
use super::run::{ProgressArg, run, run_frame, run_with_progress};
use super::{args, errors};
use crate::extract::{ExtractOptions, FolderExtraction, Lexicon, Rules, extract_dir, extract_path};
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
        run_frame(py, &self.inner, |x| x.values_frame())
    }

    #[getter]
    fn unmatched(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.unmatched_frame())
    }

    #[getter]
    fn failures(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.failures_frame())
    }

    /// One row per report: source, title, stated_unit, stated_year (what its title says), unit,
    /// year (what its values carry) and values (how many).
    #[getter]
    fn titles(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.titles_frame())
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
        run_frame(py, &self.inner, |x| x.to_panel_frame())
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

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        super::repr_html(slf.as_any(), "extraction_html")
    }

    /// A new Extraction with the unmatched number at character ``start`` of report ``report``
    /// taken into ``values`` as ``indicator`` (default: its best candidate in ``unmatched``).
    ///
    /// Errors (``InputError``) say why it cannot be taken: no unmatched number starts there, no
    /// candidate and no indicator given, a yes/no or unknown indicator, a value the indicator
    /// cannot have, or an indicator that already has a value.
    #[pyo3(signature = (start, indicator=None, report=0))]
    fn accept(&self, py: Python<'_>, start: usize, indicator: Option<String>, report: usize) -> PyResult<PyExtraction> {
        let (inner, catalogue) = (self.inner.clone(), self.catalogue.clone());
        if report >= inner.reports.len() {
            return Err(errors::ArgumentError::new_err(format!(
                "report {report} does not exist; this extraction has {}",
                inner.reports.len()
            )));
        }
        let done = run(py, move || {
            let mut all = inner.as_ref().clone();
            all.reports[report].accept(start, indicator.as_deref(), &catalogue)?;
            Ok(all)
        })?;
        Ok(PyExtraction { inner: Arc::new(done), catalogue: self.catalogue.clone() })
    }

    /// The accepted values as a rules file (TOML text) to pass as ``rules=`` next year: one rule
    /// per accepted value, triggered by the words before it. Review the triggers before use.
    fn accepted_rules(&self) -> String {
        let mut out = String::new();
        for (k, r) in self.inner.reports.iter().enumerate() {
            let prefix = if k == 0 { "accepted".to_string() } else { format!("accepted_r{k}") };
            let text = r.accepted_rules_toml_with_prefix(&prefix);
            // The header (comment and version) once.
            let body = if k == 0 { text.as_str() } else { text.splitn(3, '\n').nth(2).unwrap_or("") };
            out.push_str(body);
        }
        out
    }
}

impl PyExtraction {
    fn single(&self) -> Option<&crate::extract::Extraction> {
        (self.inner.reports.len() == 1 && self.inner.failures.is_empty()).then(|| &self.inner.reports[0])
    }
}

fn rules_arg(rules: Option<&Path>, lexicon: Option<&Path>, use_lexicon: bool) -> crate::Result<Rules> {
    let mut r = match rules {
        Some(path) => Rules::read_with_defaults(path)?,
        None => Rules::default_rules(),
    };
    if let Some(path) = lexicon {
        let extra = Lexicon::read(path)?;
        r.lexicon = r.lexicon.clone().merge(extra);
    }
    if !use_lexicon {
        if lexicon.is_some() {
            return Err(crate::Error::input(
                crate::Location::file(lexicon.map(|p| p.display().to_string()).unwrap_or_default()),
                "a lexicon was given with use_lexicon=False; drop one of them",
            ));
        }
        r.lexicon = Lexicon::empty();
    }
    Ok(r)
}

/// Reads indicator values out of report files: a report (.txt in any common encoding, .docx,
/// .html) or a folder of reports (read in parallel). For text already in memory use
/// :func:`extract_text`.
///
/// Parameters
/// ----------
/// source : str | PathLike
///     A file or a folder. A path that does not exist is an error (never read as text).
/// unit, year : optional
///     The unit and year of a report whose title states none; a title's own unit and year win
///     (so a folder of several townships and years keeps each report's own). Until 0.1 they
///     replaced what the title says; pass ``force_unit=True`` / ``force_year=True`` for that.
/// force_unit, force_year : bool
///     ``unit`` / ``year`` replace what every title states; :attr:`Extraction.titles` keeps what
///     the titles said (``stated_unit``, ``stated_year``).
/// rules : str | PathLike, optional
///     A rules .toml merged over the bundled rules (same id replaces, ``enabled = false`` removes).
/// lexicon : str | PathLike, optional
///     A lexicon .toml merged over the bundled one (an entry replaces the entries of its indicator).
/// use_lexicon : bool
///     Map numbers no rule claims by the lexicon (default). False: the rules alone.
/// progress : bool
///     Show ``extracting n/N`` while a folder is read: a tqdm bar when tqdm is installed, else a
///     line on stderr. Ctrl-C stops the reading (KeyboardInterrupt).
#[pyfunction]
#[pyo3(signature = (source, unit=None, year=None, rules=None, catalogue=None, encoding=None, min_confidence=0.0, progress=true, lexicon=None, use_lexicon=true, force_unit=false, force_year=false))]
#[allow(clippy::too_many_arguments)]
pub fn extract(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    unit: Option<String>,
    year: Option<i32>,
    rules: Option<PathBuf>,
    catalogue: Option<CatalogueArg>,
    encoding: Option<String>,
    min_confidence: f64,
    progress: bool,
    lexicon: Option<PathBuf>,
    use_lexicon: bool,
    force_unit: bool,
    force_year: bool,
) -> PyResult<PyExtraction> {
    let catalogue = Arc::new(catalogue.unwrap_or_default().0);
    let options = ExtractOptions { unit, year, force_unit, force_year, min_confidence, encoding, use_lexicon, ..ExtractOptions::default() };
    let path: PathBuf =
        args::extract(source, "source", "a path to a report or a folder (str or PathLike); for report text use fazhi.extract_text(text)")?;
    if !path.exists() {
        let shown = path.display().to_string();
        let hint = if shown.contains('\n') || shown.chars().count() > 200 || shown.contains("法治") {
            " — this looks like report text; use fazhi.extract_text(text)"
        } else {
            ""
        };
        let shown: String = shown.chars().take(120).collect();
        return Err(errors::ArgumentError::new_err(format!("no such file or folder: {shown}{hint}")));
    }
    let cat = catalogue.clone();
    let inner = run_with_progress(py, ProgressArg::from(progress), "extracting", move |p| {
        let rules = rules_arg(rules.as_deref(), lexicon.as_deref(), use_lexicon)?;
        if path.is_dir() {
            extract_dir(&path, &cat, &rules, &options, Some(&|done, total| p.report(done, total)))
        } else {
            let x = extract_path(&path, &cat, &rules, &options)?;
            Ok(FolderExtraction { reports: vec![x], failures: Vec::new() })
        }
    })?;
    Ok(PyExtraction { inner: Arc::new(inner), catalogue })
}

/// Reads indicator values out of report text held in memory (a string). Offsets in ``values``
/// and ``unmatched`` are character offsets into ``text``. Parameters as :func:`extract`.
#[pyfunction]
#[pyo3(signature = (text, unit=None, year=None, rules=None, catalogue=None, min_confidence=0.0, lexicon=None, use_lexicon=true, force_unit=false, force_year=false))]
#[allow(clippy::too_many_arguments)]
pub fn extract_text(
    py: Python<'_>,
    text: String,
    unit: Option<String>,
    year: Option<i32>,
    rules: Option<PathBuf>,
    catalogue: Option<CatalogueArg>,
    min_confidence: f64,
    lexicon: Option<PathBuf>,
    use_lexicon: bool,
    force_unit: bool,
    force_year: bool,
) -> PyResult<PyExtraction> {
    let catalogue = Arc::new(catalogue.unwrap_or_default().0);
    let options = ExtractOptions { unit, year, force_unit, force_year, min_confidence, use_lexicon, ..ExtractOptions::default() };
    let cat = catalogue.clone();
    let inner = run(py, move || {
        let rules = rules_arg(rules.as_deref(), lexicon.as_deref(), use_lexicon)?;
        let x = crate::extract::extract_text(&text, &cat, &rules, &options)?;
        Ok(FolderExtraction { reports: vec![x], failures: Vec::new() })
    })?;
    Ok(PyExtraction { inner: Arc::new(inner), catalogue })
}
