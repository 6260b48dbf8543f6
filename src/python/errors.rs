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
create_exception!(
    fazhi,
    InternalError,
    FazhiError,
    "A bug in fazhi (a Rust panic), not a problem with the input or the call; the message says where to report it."
);

/// Where a bug is reported: the repository's issue tracker when the package names one.
fn tracker() -> String {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => "the fazhi issue tracker".to_string(),
        repo => format!("{}/issues", repo.trim_end_matches('/')),
    }
}

/// The error a caught panic becomes: says it is a bug, keeps the panic's message and says where
/// to report it.
pub fn panic_err(payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    InternalError::new_err(format!(
        "internal error: {what}. This is a bug in fazhi {}, not a problem with your input or call; please report it at {} \
         with the call and, if you can, the input that caused it",
        env!("CARGO_PKG_VERSION"),
        tracker()
    ))
}

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
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}
