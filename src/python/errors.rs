//! The exception hierarchy: every core error becomes a subclass of `fazhi.FazhiError`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use crate::error::Error;

create_exception!(fazhi, FazhiError, PyException, "Base class of every error fazhi raises.");
create_exception!(fazhi, ValidationError, FazhiError, "An input row failed validation (strict mode), or a value could not be read.");
create_exception!(fazhi, ValueParseError, ValidationError, "A written value (\"1060多\", \"3—5\") could not be read.");
create_exception!(fazhi, CatalogueError, FazhiError, "The indicator catalogue is malformed or inconsistent.");
create_exception!(fazhi, TargetsError, FazhiError, "A targets table is malformed.");
create_exception!(fazhi, InputError, FazhiError, "A file could not be read, decoded or understood as a table.");
create_exception!(fazhi, ExtractionError, FazhiError, "Report text could not be read.");
create_exception!(fazhi, ScoringError, FazhiError, "Scoring cannot be done as asked (e.g. geometric aggregation with a zero score).");
create_exception!(fazhi, ArgumentError, FazhiError, "An argument is not acceptable (unknown option, wrong type of value).");

/// Maps a core error to its Python exception, keeping the message (which names the file, row,
/// column and indicator, and says what to do).
pub fn to_py_err(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::Validation { .. } => ValidationError::new_err(message),
        Error::ValueParse { .. } => ValueParseError::new_err(message),
        Error::Catalogue { .. } => CatalogueError::new_err(message),
        Error::Targets { .. } => TargetsError::new_err(message),
        Error::Input { .. } | Error::Io { .. } => InputError::new_err(message),
        Error::InvalidArgument(_) => ArgumentError::new_err(message),
        Error::Scoring(_) => ScoringError::new_err(message),
        _ => FazhiError::new_err(message),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("FazhiError", py.get_type::<FazhiError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add("ValueParseError", py.get_type::<ValueParseError>())?;
    m.add("CatalogueError", py.get_type::<CatalogueError>())?;
    m.add("TargetsError", py.get_type::<TargetsError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("ExtractionError", py.get_type::<ExtractionError>())?;
    m.add("ArgumentError", py.get_type::<ArgumentError>())?;
    m.add("ScoringError", py.get_type::<ScoringError>())?;
    Ok(())
}
