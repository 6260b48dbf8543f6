//! `fazhi.Catalogue` and the `catalogue=` argument every reading call takes.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::args;
use super::run::{guard, run, run_frame};
use crate::model::Catalogue;

/// `catalogue=`: a Catalogue or a path to a catalogue file; absent (None), the bundled default.
pub(super) struct CatalogueArg(pub(super) Catalogue);

impl Default for CatalogueArg {
    fn default() -> Self {
        Self(Catalogue::default_catalogue())
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for CatalogueArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            if let Ok(c) = obj.cast::<PyCatalogue>() {
                return Ok(Self(c.get().inner.as_ref().clone()));
            }
            let path: PathBuf = args::extract(&obj, "catalogue", "a fazhi.Catalogue, a path to a .toml/.json catalogue, or None")?;
            run(obj.py(), move || Catalogue::read(path)).map(Self)
        })
    }
}

/// The indicator catalogue: dimensions, indicators, version.
///
/// Examples
/// --------
/// >>> import fazhi
/// >>> cat = fazhi.Catalogue.default()
/// >>> len(cat) >= 30
/// True
#[pyclass(name = "Catalogue", module = "fazhi._fazhi", frozen)]
pub struct PyCatalogue {
    pub(super) inner: Arc<Catalogue>,
}

#[pymethods]
impl PyCatalogue {
    /// The catalogue bundled with fazhi (township version of the 2019 national indicator system,
    /// equal default weights).
    #[staticmethod]
    fn default() -> Self {
        Self { inner: Arc::new(Catalogue::default_catalogue()) }
    }

    /// Reads a catalogue from a .toml or .json file (copy ``datasets/catalogue.toml`` to start).
    #[staticmethod]
    fn read(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        run(py, move || Catalogue::read(path)).map(|c| Self { inner: Arc::new(c) })
    }

    /// Parses a catalogue from TOML text.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: String) -> PyResult<Self> {
        run(py, move || Catalogue::from_toml_str(&text, "<text>")).map(|c| Self { inner: Arc::new(c) })
    }

    /// This catalogue with more names for its indicators, without editing TOML: a dict
    /// ``{"法治宣传资料发放份数": "PUB_MATERIALS"}`` (alias → code or name) or the path of a CSV/xlsx
    /// with columns ``alias`` and ``indicator``. An alias naming another indicator is refused.
    fn with_aliases(&self, py: Python<'_>, aliases: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = (*self.inner).clone();
        if let Ok(map) = aliases.cast::<PyDict>() {
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (k, v) in map.iter() {
                let (Ok(k), Ok(v)) = (k.extract::<String>(), v.extract::<String>()) else {
                    return Err(pyo3::exceptions::PyTypeError::new_err("aliases must map text (a header) to text (a code or name)"));
                };
                pairs.push((k, v));
            }
            return run(py, move || inner.with_aliases(pairs.iter().map(|(a, t)| (a.as_str(), t.as_str()))))
                .map(|c| Self { inner: Arc::new(c) });
        }
        let Ok(path) = aliases.extract::<PathBuf>() else {
            return Err(pyo3::exceptions::PyTypeError::new_err("aliases must be a dict {alias: code} or the path of an aliases table"));
        };
        run(py, move || inner.with_aliases_file(path)).map(|c| Self { inner: Arc::new(c) })
    }

    /// The catalogue as TOML text, to save, edit and read back.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        let inner = self.inner.clone();
        run(py, move || inner.to_toml_string())
    }

    /// One row per indicator (polars DataFrame).
    #[getter]
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.frame())
    }

    /// One row per dimension (polars DataFrame).
    #[getter]
    fn dimensions(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run_frame(py, &self.inner, |x| x.dimensions_frame())
    }

    #[getter]
    fn version(&self) -> String {
        self.inner.version.clone()
    }

    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// Where the catalogue came from: ``<bundled>`` or a path.
    #[getter]
    fn origin(&self) -> String {
        self.inner.origin.clone()
    }

    /// Resolves a code, Chinese or English name or alias to the indicator code (None if unknown).
    fn resolve(&self, name: &str) -> Option<String> {
        self.inner.resolve(name).map(|i| self.inner.indicators[i].code.clone())
    }

    fn __len__(&self) -> usize {
        self.inner.indicators.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Catalogue(version={:?}, {} dimensions, {} indicators, from {})",
            self.inner.version,
            self.inner.dimensions.len(),
            self.inner.indicators.len(),
            self.inner.origin
        )
    }

    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        super::repr_html(slf.as_any(), "catalogue_html")
    }
}
