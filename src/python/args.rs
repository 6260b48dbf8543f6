//! Arguments extracted by hand (those that take one thing or a list, a path or an object): every
//! error names the argument, what it must be, and what it got ("years must be an int or a list
//! of ints, got str '2024'"), instead of pyo3's bare "Can't extract `str` to `Vec`".

use pyo3::conversion::FromPyObjectOwned;
use pyo3::prelude::*;
use pyo3::types::PyString;

use super::errors::ArgumentError;

/// The Python type of `obj` and, when short, its repr: `str '2024'`, `int 5`, `dict`.
pub(super) fn describe(obj: &Bound<'_, PyAny>) -> String {
    let type_name = obj.get_type().name().map_or_else(|_| "object".to_string(), |n| n.to_string());
    match obj.repr() {
        Ok(r) if r.to_string().chars().count() <= 40 && !matches!(type_name.as_str(), "dict" | "list" | "tuple") => {
            format!("{type_name} {r}")
        }
        _ => type_name,
    }
}

/// `{name} must be {expected}, got {what obj is}`.
pub(super) fn wrong(name: &str, expected: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    ArgumentError::new_err(format!("{name} must be {expected}, got {}", describe(obj)))
}

/// Extracts `obj` as `T`, or an error naming the argument and the expected type.
pub(super) fn extract<'py, T: FromPyObjectOwned<'py>>(obj: &Bound<'py, PyAny>, name: &str, expected: &str) -> PyResult<T> {
    obj.extract::<T>().map_err(|_| wrong(name, expected, obj))
}

/// One `T` or an iterable of them (never the characters of a string), e.g. a year or a list of
/// years. `expected` describes both forms ("an int or a list of ints").
pub(super) fn one_or_list<'py, T: FromPyObjectOwned<'py>>(obj: &Bound<'py, PyAny>, name: &str, expected: &str) -> PyResult<Vec<T>> {
    if let Ok(one) = obj.extract::<T>() {
        return Ok(vec![one]);
    }
    if obj.is_instance_of::<PyString>() {
        return Err(wrong(name, expected, obj));
    }
    list(obj, name, expected)
}

/// A list (any iterable but a string) of `T`; a bad item is named by its position.
pub(super) fn list<'py, T: FromPyObjectOwned<'py>>(obj: &Bound<'py, PyAny>, name: &str, expected: &str) -> PyResult<Vec<T>> {
    if obj.is_instance_of::<PyString>() {
        return Err(wrong(name, expected, obj));
    }
    let items = obj.try_iter().map_err(|_| wrong(name, expected, obj))?;
    items
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            item.extract::<T>().map_err(|_| {
                ArgumentError::new_err(format!("{name} must be {expected}, got {} whose item {i} is {}", describe(obj), describe(&item)))
            })
        })
        .collect()
}
