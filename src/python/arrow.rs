//! Frames across the boundary through the Arrow C stream interface (PyCapsule protocol).
//!
//! Export: a DataFrame becomes an `ArrowStream` object whose `__arrow_c_stream__` hands out the
//! columns' buffers; Python polars (≥ 1.4) builds its DataFrame from it without copying.
//! Import: any object with `__arrow_c_stream__` (polars, pyarrow, pandas ≥ 2.2 via pyarrow) is read
//! the same way. Choosing this over pyo3-polars keeps one polars feature set for `cargo test` and
//! the extension, so switching between them does not rebuild polars.

use std::ffi::CStr;

use polars::prelude::*;
use polars_arrow::array::{Array, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_arrow::ffi::{ArrowArrayStream, ArrowArrayStreamReader, export_iterator};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use super::errors::to_py_err;
use super::guard;

const STREAM_NAME: &CStr = c"arrow_array_stream";

/// An owned Arrow C stream; raw pointers inside, but it is only moved between threads whole.
/// `repr(transparent)` so the capsule's pointer points at the `ArrowArrayStream` itself: the
/// consumer reads it through that pointer (never through this field, hence the allow).
#[repr(transparent)]
#[allow(dead_code)]
struct SendStream(ArrowArrayStream);
// SAFETY: the stream's private data is an iterator over owned, immutable Arrow arrays, which are
// Send; the capsule destructor may run on any thread and only calls `release`.
unsafe impl Send for SendStream {}

/// A polars frame offered to Python through `__arrow_c_stream__`.
#[pyclass(module = "fazhi._fazhi", frozen)]
pub struct ArrowStream {
    frame: DataFrame,
}

#[pymethods]
impl ArrowStream {
    /// Exports the frame as an Arrow C stream capsule (the Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(&self, py: Python<'py>, requested_schema: Option<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyCapsule>> {
        // The schema request is advisory; we always give our own schema.
        let _ = requested_schema;
        guard(|| {
            let stream = export_frame(self.frame.clone()).map_err(|e| to_py_err(e.into()))?;
            PyCapsule::new_with_value(py, SendStream(stream), STREAM_NAME)
        })
    }
}

fn export_frame(mut frame: DataFrame) -> PolarsResult<ArrowArrayStream> {
    frame.rechunk_mut();
    let compat = CompatLevel::newest();
    let fields: Vec<ArrowField> = frame.columns().iter().map(|c| c.field().to_arrow(compat)).collect();
    let dtype = ArrowDataType::Struct(fields);
    let height = frame.height();
    let n_chunks = frame.columns().first().map_or(0, |c| c.as_materialized_series().n_chunks());
    let mut batches: Vec<PolarsResult<Box<dyn Array>>> = Vec::with_capacity(n_chunks.max(1));
    if frame.width() == 0 {
        return Err(polars_err!(ComputeError: "cannot export a frame without columns"));
    }
    for chunk in 0..n_chunks {
        let arrays: Vec<Box<dyn Array>> = frame.columns().iter().map(|c| c.as_materialized_series().to_arrow(chunk, compat)).collect();
        let len = arrays.first().map_or(height, |a| a.len());
        batches.push(StructArray::try_new(dtype.clone(), len, arrays, None).map(|a| Box::new(a) as Box<dyn Array>));
    }
    let field = ArrowField::new("".into(), dtype, false);
    Ok(export_iterator(Box::new(batches.into_iter()), field))
}

/// Wraps a frame as a Python polars DataFrame (zero-copy).
pub fn to_polars(py: Python<'_>, frame: DataFrame) -> PyResult<Py<PyAny>> {
    let polars = py.import("polars")?;
    let stream = Bound::new(py, ArrowStream { frame })?;
    Ok(polars.getattr("DataFrame")?.call1((stream,))?.unbind())
}

/// Reads the argument `name`, any object with `__arrow_c_stream__` (a polars DataFrame, a pyarrow
/// Table, …); anything else is a TypeError naming the argument.
pub fn from_py_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DataFrame> {
    guard(|| from_py(obj, name))
}

fn from_py(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DataFrame> {
    if !obj.hasattr("__arrow_c_stream__")? {
        let type_name = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "{name} must be a polars DataFrame (or any object with __arrow_c_stream__), got {type_name}; \
             for pandas use polars.from_pandas(df) first"
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| PyTypeError::new_err("__arrow_c_stream__ did not return a PyCapsule"))?;
    let pointer = capsule.pointer_checked(Some(STREAM_NAME))?.cast::<ArrowArrayStream>();
    // SAFETY: the capsule holds a valid ArrowArrayStream (checked by name); we take ownership by
    // moving it out and leaving a released (empty) stream behind, as the protocol prescribes.
    let stream = unsafe { std::ptr::replace(pointer.as_ptr(), ArrowArrayStream::empty()) };
    import_stream(stream).map_err(|e| to_py_err(e.into()))
}

fn import_stream(stream: ArrowArrayStream) -> PolarsResult<DataFrame> {
    // SAFETY: the stream came from a producer following the C stream interface.
    let mut reader = unsafe { ArrowArrayStreamReader::try_new(Box::new(stream))? };
    let ArrowDataType::Struct(fields) = reader.field().dtype().clone() else {
        polars_bail!(ComputeError: "the Arrow stream does not carry a table (struct) schema");
    };
    let mut chunks: Vec<Vec<Box<dyn Array>>> = vec![Vec::new(); fields.len()];
    // SAFETY: as above.
    while let Some(batch) = unsafe { reader.next() } {
        let batch = batch?;
        let Some(batch) = batch.as_any().downcast_ref::<StructArray>() else {
            polars_bail!(ComputeError: "the Arrow stream yielded a batch that is not a struct array");
        };
        // A producer whose batches do not match its own schema is refused, not indexed past.
        if batch.values().len() != fields.len() {
            polars_bail!(ComputeError: "the Arrow stream yielded a batch of {} columns for a schema of {}", batch.values().len(), fields.len());
        }
        for (column, values) in chunks.iter_mut().zip(batch.values()) {
            column.push(values.clone());
        }
    }
    let columns = fields
        .iter()
        .zip(chunks)
        .map(|(field, arrays)| {
            if arrays.is_empty() {
                Ok(Column::new_empty(field.name.clone(), &DataType::from_arrow_field(field)))
            } else {
                Series::from_arrow_chunks(field.name.clone(), arrays).map(Column::from)
            }
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new_infer_height(columns)
}
