//! `_fazhi.write_datasets`: the bundled datasets put on disk (see [`crate::datasets`]).

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::datasets::{Written, write_to};

/// Writes the bundled files into `folder/datasets/` and returns `(status, path)` per file, status
/// one of `created`, `unchanged`, `replaced`. A file there with other bytes is an error unless
/// `overwrite`.
#[pyfunction]
#[pyo3(signature = (folder, overwrite=false))]
pub(super) fn write_datasets(py: Python<'_>, folder: PathBuf, overwrite: bool) -> PyResult<Vec<(&'static str, String)>> {
    let written = super::run::run(py, move || write_to(&folder, overwrite))?;
    Ok(written
        .into_iter()
        .map(|w| {
            let status = match w {
                Written::Created(_) => "created",
                Written::Unchanged(_) => "unchanged",
                Written::Replaced(_) => "replaced",
            };
            (status, w.path().display().to_string())
        })
        .collect())
}
