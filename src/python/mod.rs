//! Python bindings (glue only), laid out as polars-python and tokenizers lay theirs out: one file
//! per class (`catalogue.rs`, `units.rs`, `targets.rs`, `panel.rs`, `scores.rs`,
//! `uncertainty.rs`, `extract.rs`), each argument parsed once by its `FromPyObject` type (`args.rs`,
//! `options.rs` and beside its class), frames handed over as Arrow (`arrow.rs`), core errors mapped
//! to `fazhi.FazhiError` subclasses (`errors.rs`), and the work run without the GIL (`run.rs`).
//!
//! No panic reaches Python as pyo3's PanicException or as an ordinary error: the core's work runs
//! in [`run::run`] or [`run::run_with_progress`] (GIL released) and the binding code around it in
//! [`run::guard`] (GIL held); each turns a panic into `fazhi.InternalError`, which says it is a
//! bug in fazhi and where to report it.

#[macro_use]
mod args;
#[allow(unsafe_code)]
mod arrow;
mod catalogue;
mod datasets;
mod errors;
mod extract;
mod options;
mod panel;
mod run;
mod scores;
mod targets;
mod uncertainty;
mod units;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::model::parse_value as core_parse_value;
use run::{ProgressArg, guard, run, run_with_progress};

/// See the `mimalloc` note in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Text made safe for the HTML reprs.
/// Every `_repr_html_` of the package: the view is `fazhi._display.<view>(obj)`, one Python module
/// for all notebook displays; the escaped repr when that module cannot be used.
fn repr_html(obj: &Bound<'_, PyAny>, view: &str) -> PyResult<String> {
    let py = obj.py();
    match py.import("fazhi._display").and_then(|m| m.call_method1(view, (obj,))) {
        Ok(html) => html.extract(),
        Err(_) => Ok(format!("<pre>{}</pre>", escape(&obj.repr()?.to_string()))),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Reads one written value ("1060多份", "95%以上", "3—5人", "一百零五") into a dict with lo, hi,
/// point, qualifier, hi_exclusive, place, percent and measure_word. Raises ValueParseError when
/// the text is not a value.
///
/// Examples
/// --------
/// >>> import fazhi
/// >>> v = fazhi.parse_value("1060多份")
/// >>> (v["lo"], v["hi"], v["qualifier"])
/// (1060.0, 1070.0, 'at_least')
#[pyfunction]
fn parse_value<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let owned = text.to_string();
    let v = run(py, move || core_parse_value(&owned))?;
    let d = PyDict::new(py);
    d.set_item("lo", v.interval.lo)?;
    d.set_item("hi", v.interval.hi)?;
    d.set_item("point", v.interval.point)?;
    d.set_item("qualifier", v.interval.qualifier.as_str())?;
    d.set_item("hi_exclusive", v.interval.hi_exclusive)?;
    d.set_item("place", v.interval.place)?;
    d.set_item("percent", v.percent)?;
    d.set_item("measure_word", v.measure_word)?;
    Ok(d)
}

/// A cell of a fazhi frame in a reader's words: the flags, statuses, comparators, checks and
/// reasons of ``column`` in Chinese (``lang="zh"``) or English, from the same vocabulary as the
/// scorecards. ``fazhi.plot`` uses it for its tooltips and legends.
///
/// Examples
/// --------
/// >>> import fazhi
/// >>> fazhi.words("status", "missed")
/// '未达标'
#[pyfunction]
#[pyo3(signature = (column, text, lang="zh"))]
fn words(column: &str, text: &str, lang: &str) -> PyResult<String> {
    let lang = crate::report::Lang::parse(lang).map_err(errors::to_py_err)?;
    Ok(lang.cell(column, text, &|_| None))
}

/// Panics on purpose, so the tests can check how a bug in fazhi reaches Python: inside the
/// GIL-free work (`detached=True`) or in the binding code around it. A message starting with
/// ``worker:`` panics in the worker thread of a long call instead (as the draws run).
#[pyfunction]
#[pyo3(signature = (message, detached=true))]
fn _panic_for_tests(py: Python<'_>, message: String, detached: bool) -> PyResult<()> {
    if message.starts_with("worker:") {
        run_with_progress(py, ProgressArg::Off, "panic", move |_| panic!("{message}"))
    } else if detached {
        run(py, move || panic!("{message}"))
    } else {
        guard(|| panic!("{message}"))
    }
}

#[pymodule]
fn _fazhi(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("BUILD_PROFILE", if cfg!(debug_assertions) { "debug" } else { "release" })?;
    errors::register(m)?;
    m.add_class::<catalogue::PyCatalogue>()?;
    m.add_class::<units::PyUnits>()?;
    m.add_class::<targets::PyTargets>()?;
    m.add_class::<panel::PyPanel>()?;
    m.add_class::<scores::PyScores>()?;
    m.add_class::<uncertainty::PyUncertainty>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add_function(wrap_pyfunction!(parse_value, m)?)?;
    m.add_function(wrap_pyfunction!(words, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(datasets::write_datasets, m)?)?;
    m.add_class::<extract::PyExtraction>()?;
    m.add_function(wrap_pyfunction!(extract::extract, m)?)?;
    m.add_function(wrap_pyfunction!(extract::extract_text, m)?)?;
    Ok(())
}
