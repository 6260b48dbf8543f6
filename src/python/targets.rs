//! `fazhi.Targets` and the `targets=` argument of `gaps`, `progress` and the scoring calls.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;

use super::args::{self, DataArg};
use super::catalogue::CatalogueArg;
use super::run::{guard, run, run_frame};
use crate::model::Targets;
use crate::panel::Panel;

/// `targets=`: Targets, or a path to a targets file, read with the panel's catalogue by
/// [`TargetsArg::load`].
pub(super) enum TargetsArg {
    Loaded(Arc<Targets>),
    File(PathBuf),
}

impl<'a, 'py> FromPyObject<'a, 'py> for TargetsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            if let Ok(t) = obj.cast::<PyTargets>() {
                return Ok(Self::Loaded(t.get().inner.clone()));
            }
            args::extract(&obj, "targets", "fazhi.Targets or a path to a targets file").map(Self::File)
        })
    }
}

impl TargetsArg {
    /// The targets, a file read with the catalogue of `panel`.
    pub(super) fn load(self, py: Python<'_>, panel: &Arc<Panel>) -> PyResult<Arc<Targets>> {
        match self {
            Self::Loaded(targets) => Ok(targets),
            Self::File(path) => {
                let panel = panel.clone();
                run(py, move || Targets::read(path, panel.catalogue(), None)).map(Arc::new)
            }
        }
    }
}

/// Plan targets (per unit or county-wide, optional tiers and baseline year).
#[pyclass(name = "Targets", module = "fazhi._fazhi", frozen)]
pub struct PyTargets {
    pub(super) inner: Arc<Targets>,
}

#[pymethods]
impl PyTargets {
    /// Builds targets from a polars DataFrame (columns as in a targets file).
    #[new]
    #[pyo3(signature = (data, catalogue=None))]
    fn new(py: Python<'_>, data: DataArg, catalogue: Option<CatalogueArg>) -> PyResult<Self> {
        let catalogue = catalogue.unwrap_or_default().0;
        run(py, move || Targets::from_frame(&data.0, &catalogue, "<frame>")).map(|t| Self { inner: Arc::new(t) })
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
        catalogue: Option<CatalogueArg>,
        encoding: Option<String>,
        sheet: Option<String>,
    ) -> PyResult<Self> {
        let catalogue = catalogue.unwrap_or_default().0;
        run(py, move || Targets::read_sheet(path, &catalogue, encoding.as_deref(), sheet.as_deref())).map(|t| Self { inner: Arc::new(t) })
    }

    #[getter]
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.frame())
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
