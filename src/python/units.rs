//! `fazhi.Units` and the `units=` argument of the panel readers.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;

use super::args::{self, DataArg};
use super::arrow::from_py_arg;
use super::run::{guard, run, run_frame};
use crate::model::Units;

/// `units=`: Units, a path to a unit table or a polars DataFrame (None: no unit table).
pub(super) struct UnitsArg(pub(super) Units);

impl<'a, 'py> FromPyObject<'a, 'py> for UnitsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            let py = obj.py();
            if let Ok(u) = obj.cast::<PyUnits>() {
                return Ok(Self(u.get().inner.as_ref().clone()));
            }
            if obj.hasattr("__arrow_c_stream__")? {
                let frame = from_py_arg(&obj, "units")?;
                return run(py, move || Units::from_frame(&frame, "<frame>")).map(Self);
            }
            let path: PathBuf = args::extract(&obj, "units", "fazhi.Units, a path to a unit table, a polars DataFrame, or None")?;
            run(py, move || Units::read(path, None)).map(Self)
        })
    }
}

/// Reporting units (townships) with county and attributes (villages, residents).
#[pyclass(name = "Units", module = "fazhi._fazhi", frozen)]
pub struct PyUnits {
    pub(super) inner: Arc<Units>,
}

#[pymethods]
impl PyUnits {
    /// Builds the unit table from a polars DataFrame with columns code, name, county and numeric
    /// attributes.
    #[new]
    fn new(py: Python<'_>, data: DataArg) -> PyResult<Self> {
        run(py, move || Units::from_frame(&data.0, "<frame>")).map(|u| Self { inner: Arc::new(u) })
    }

    /// Reads a unit table (CSV/Parquet/JSON, or a spreadsheet: ``sheet`` names the sheet,
    /// default the first).
    #[staticmethod]
    #[pyo3(signature = (path, encoding=None, sheet=None))]
    fn read(py: Python<'_>, path: PathBuf, encoding: Option<String>, sheet: Option<String>) -> PyResult<Self> {
        run(py, move || Units::read_sheet(path, encoding.as_deref(), sheet.as_deref())).map(|u| Self { inner: Arc::new(u) })
    }

    #[getter]
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.frame())
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        let mut counties: Vec<&str> = self.inner.units.iter().filter_map(|u| u.county.as_deref()).collect();
        counties.sort_unstable();
        counties.dedup();
        format!("Units({} units in {} counties)", self.inner.len(), counties.len())
    }
}
