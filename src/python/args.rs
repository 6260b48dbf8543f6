//! Arguments extracted by hand (those that take one thing or a list, a path or an object): every
//! error names the argument, what it must be, and what it got ("years must be an int or a list
//! of ints, got str '2024'"), instead of pyo3's bare "Can't extract `str` to `Vec`".
//!
//! The argument types of more than one call are parsed here once, by `FromPyObject`
//! ([`YearsArg`], [`UnitArg`], …); those tied to a class live beside it (`CatalogueArg` in
//! `catalogue.rs`, `UnitsArg`, `TargetsArg`), the scoring options in `options.rs`.

use pyo3::conversion::FromPyObjectOwned;
use pyo3::prelude::*;
use pyo3::types::PyString;

use polars::prelude::DataFrame;

use super::arrow::from_py_arg;
use super::errors::ArgumentError;
use super::run::guard;
use crate::analytics::Filter;

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

/// Argument types that take one value or a list of them, each naming itself in its errors.
macro_rules! one_or_list_arg {
    ($(#[$doc:meta])* $name:ident($item:ty), $arg:literal, $expected:literal) => {
        $(#[$doc])*
        pub(super) struct $name(pub(super) Vec<$item>);

        impl<'a, 'py> FromPyObject<'a, 'py> for $name {
            type Error = PyErr;

            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                guard(|| one_or_list(&obj, $arg, $expected).map(Self))
            }
        }
    };
}

one_or_list_arg!(
    /// `years=`: the years to score.
    YearsArg(i32), "years", "an int or a list of ints"
);
one_or_list_arg!(
    /// `year=` of the analytics: keep only these years.
    YearArg(i32), "year", "an int or a list of ints"
);
one_or_list_arg!(
    /// `unit=` of the analytics: keep only these units (codes or names).
    UnitArg(String), "unit", "a unit code or name (str), or a list of them"
);
one_or_list_arg!(
    /// `top=` of `uncertainty`: the k of P(rank ≤ k).
    TopArg(u32), "top", "a non-negative int or a list of them (k of P(rank ≤ k))"
);

/// The unit/year filter of `changes`, `gaps`, `progress` and `diagnostics`.
pub(super) fn filter(unit: Option<UnitArg>, year: Option<YearArg>) -> Filter {
    Filter { units: unit.map(|u| u.0), years: year.map(|y| y.0) }
}

/// Argument types that take a name the core parses (its error lists the names it knows); `parse`
/// serves the arguments whose Python default is a str (`normalise="minmax"`), passed as `&str`.
macro_rules! name_arg {
    ($(#[$doc:meta])* $name:ident($value:ty), $arg:literal, $expected:literal) => {
        $(#[$doc])*
        pub(super) struct $name(pub(super) $value);

        impl $name {
            pub(super) fn parse(name: &str) -> PyResult<$value> {
                <$value>::parse(name).map_err(super::errors::to_py_err)
            }
        }

        impl<'a, 'py> FromPyObject<'a, 'py> for $name {
            type Error = PyErr;

            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                super::run::guard(|| Self::parse(&super::args::extract::<String>(&obj, $arg, $expected)?).map(Self))
            }
        }
    };
}

/// Argument types that take a polars DataFrame (anything with `__arrow_c_stream__`), named in
/// the TypeError of anything else.
macro_rules! frame_arg {
    ($(#[$doc:meta])* $name:ident, $arg:literal) => {
        $(#[$doc])*
        pub(super) struct $name(pub(super) DataFrame);

        impl<'a, 'py> FromPyObject<'a, 'py> for $name {
            type Error = PyErr;

            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                guard(|| from_py_arg(&obj, $arg).map(Self))
            }
        }
    };
}

frame_arg!(
    /// `data=` of the constructors (`Units`, `Targets`, `Panel`).
    DataArg, "data"
);
