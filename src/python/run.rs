//! Where the core's work runs from Python, and how it reaches back.
//!
//! - [`run`]: short work, GIL released, a panic becomes `fazhi.InternalError`; [`run_frame`]
//!   the same for work that builds a frame handed to Python.
//! - [`guard`]: binding code that holds the GIL (arguments, frames handed over), panics caught.
//! - [`run_with_progress`]: long work (the draws, the sensitivity runs, a folder of reports). It
//!   runs on a worker thread without the GIL while the calling thread shows its progress the way
//!   `progress=` asks ([`ProgressArg`]) and polls for Ctrl-C, so the call stops within a chunk of
//!   work and raises `KeyboardInterrupt` (also in Jupyter).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use polars::prelude::DataFrame;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::args;
use super::arrow::to_polars;
use super::errors::{panic_err, to_py_err};
use crate::error::Result;

/// Runs core work with the GIL released; a panic (a bug, never expected) becomes
/// `fazhi.InternalError` instead of crashing the interpreter or surfacing as PanicException.
pub(super) fn run<T: Send>(py: Python<'_>, work: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(work))) {
        Ok(result) => result.map_err(to_py_err),
        Err(panic) => Err(panic_err(panic)),
    }
}

/// A frame built from `of` by `build` as in [`run`], handed to Python as a polars DataFrame.
pub(super) fn run_frame<T: Send + Sync + ?Sized>(
    py: Python<'_>,
    of: &Arc<T>,
    build: impl FnOnce(&T) -> Result<DataFrame> + Send,
) -> PyResult<Py<PyAny>> {
    let of = of.clone();
    to_polars(py, run(py, move || build(&of))?)
}

/// Runs binding code that holds the GIL (arguments, frames handed over, reprs); a panic in it
/// becomes `fazhi.InternalError`, as in [`run`].
pub(super) fn guard<T>(work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| Err(panic_err(panic)))
}

/// What `progress=` asks of a long call: nothing (`False`), the package's display (`True`: a
/// tqdm bar when tqdm is installed, else a `label done/total` line on stderr), or a callable
/// `(done, total)` whose exception stops the work and is raised by the call.
pub(super) enum ProgressArg {
    Off,
    On,
    Callback(Py<PyAny>),
}

impl From<bool> for ProgressArg {
    fn from(on: bool) -> Self {
        if on { Self::On } else { Self::Off }
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for ProgressArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            if obj.is_callable() {
                return Ok(Self::Callback(obj.to_owned().unbind()));
            }
            args::extract::<bool>(&obj, "progress", "a bool, None or a callable (done, total)").map(Self::from)
        })
    }
}

/// The progress shown on the Python side; used by the calling thread only, with the GIL.
enum Display {
    Nothing,
    Bar(Py<PyAny>),
    Line(String),
    Callback(Py<PyAny>),
}

impl Display {
    fn new(py: Python<'_>, progress: ProgressArg, label: &str) -> PyResult<Self> {
        Ok(match progress {
            ProgressArg::Off => Self::Nothing,
            ProgressArg::Callback(f) => Self::Callback(f),
            ProgressArg::On => match py.import("tqdm.auto").and_then(|m| m.getattr("tqdm")) {
                Ok(tqdm) => {
                    let kw = PyDict::new(py);
                    kw.set_item("total", 0)?;
                    kw.set_item("desc", label)?;
                    Self::Bar(tqdm.call((), Some(&kw))?.unbind())
                }
                Err(_) => Self::Line(label.to_string()),
            },
        })
    }

    /// Shows `done` of `total`; `last` is the most shown so far (reports of parallel work may
    /// arrive out of order: the bar and the line never go back, the callable sees every report).
    fn show(&self, py: Python<'_>, done: usize, total: usize, last: usize) -> PyResult<()> {
        match self {
            Self::Nothing => Ok(()),
            Self::Callback(f) => f.bind(py).call1((done, total)).map(drop),
            _ if done <= last && last > 0 => Ok(()),
            Self::Bar(bar) => {
                let bar = bar.bind(py);
                if bar.getattr("total").and_then(|t| t.extract::<usize>()).ok() != Some(total) {
                    bar.setattr("total", total)?;
                }
                bar.call_method1("update", (done - last,)).map(drop)
            }
            Self::Line(label) => {
                let stderr = py.import("sys")?.getattr("stderr")?;
                if stderr.is_none() {
                    return Ok(());
                }
                let end = if done >= total { "\n" } else { "" };
                stderr.call_method1("write", (format!("\r{label} {done}/{total}{end}"),))?;
                stderr.call_method0("flush").map(drop)
            }
        }
    }

    fn close(&self, py: Python<'_>) -> PyResult<()> {
        match self {
            Self::Bar(bar) => bar.bind(py).call_method0("close").map(drop),
            _ => Ok(()),
        }
    }
}

/// The work's side of [`run_with_progress`]: call [`Progress::report`] after every chunk.
pub(super) struct Progress {
    state: Mutex<Handoff>,
    changed: Condvar,
    stop: AtomicBool,
    /// Nothing is shown: reports do not wait for the calling thread.
    quiet: bool,
}

/// One report at a time crosses from the work to the calling thread.
#[derive(Default)]
struct Handoff {
    posted: Option<(usize, usize)>,
    sent: u64,
    shown: u64,
    finished: bool,
}

impl Progress {
    /// Reports `done` of `total` and waits until it has been shown. False when the call is to
    /// stop (Ctrl-C, or the progress callable raised): the work then returns an error at once,
    /// never a partial answer. Safe to call from several threads.
    pub(super) fn report(&self, done: usize, total: usize) -> bool {
        if self.quiet || self.stopped() {
            return !self.stopped();
        }
        let mut s = self.lock();
        while s.posted.is_some() && !self.stopped() {
            s = self.changed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        if self.stopped() {
            return false;
        }
        s.posted = Some((done, total));
        s.sent += 1;
        let mine = s.sent;
        self.changed.notify_all();
        while s.shown < mine && !self.stopped() {
            s = self.changed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        !self.stopped()
    }

    /// The same as a callback of the core's `progress(done, total) -> bool` parameters.
    pub(super) fn callback(&self) -> impl FnMut(usize, usize) -> bool + '_ {
        |done, total| self.report(done, total)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, Handoff> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn request_stop(&self) {
        self.stop.store(true, Ordering::Release);
        let _s = self.lock();
        self.changed.notify_all();
    }

    fn finish(&self) {
        self.lock().finished = true;
        self.changed.notify_all();
    }

    /// Waits up to `timeout` for a report or the end of the work.
    fn next(&self, timeout: Duration) -> (Option<(usize, usize)>, bool) {
        let mut s = self.lock();
        if s.posted.is_none() && !s.finished {
            s = self.changed.wait_timeout(s, timeout).unwrap_or_else(PoisonError::into_inner).0;
        }
        (s.posted, s.finished)
    }

    fn shown(&self) {
        let mut s = self.lock();
        s.posted = None;
        s.shown += 1;
        self.changed.notify_all();
    }
}

/// How often the calling thread looks for Ctrl-C while the work runs.
const POLL: Duration = Duration::from_millis(50);
/// The worker's stack: as large as a main thread's, since the work ran there before.
const WORKER_STACK: usize = 8 << 20;

/// The one way long work runs from Python. The work runs on a worker thread with the GIL
/// released and calls [`Progress::report`] after each chunk; meanwhile the calling thread shows
/// each report as `progress` asks (`label` names the bar or the stderr line) and, every 50 ms,
/// takes the GIL back briefly to check for Ctrl-C. KeyboardInterrupt, or an exception raised by
/// the progress callable, stops the work at its next report and is what the call raises. A panic
/// becomes `fazhi.InternalError`, as in [`run`].
pub(super) fn run_with_progress<T: Send>(
    py: Python<'_>,
    progress: ProgressArg,
    label: &str,
    work: impl FnOnce(&Progress) -> Result<T> + Send,
) -> PyResult<T> {
    let display = Display::new(py, progress, label)?;
    let shared = Progress {
        state: Mutex::new(Handoff::default()),
        changed: Condvar::new(),
        stop: AtomicBool::new(false),
        quiet: matches!(display, Display::Nothing),
    };
    let mut failure: Option<PyErr> = None;
    let outcome = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| {
            std::thread::scope(|scope| {
                let worker = std::thread::Builder::new()
                    .name("fazhi-work".into())
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, || {
                        let result = catch_unwind(AssertUnwindSafe(|| work(&shared)));
                        shared.finish();
                        result
                    })
                    .expect("a worker thread for the long call");
                watch(&shared, &display, &mut failure);
                worker.join()
            })
        }))
    });
    display.close(py)?;
    if let Some(e) = failure {
        return Err(e);
    }
    match outcome {
        Ok(Ok(Ok(result))) => result.map_err(to_py_err),
        Ok(Ok(Err(panic)) | Err(panic)) | Err(panic) => Err(panic_err(panic)),
    }
}

/// The calling thread's loop while the work runs: shows the reports, checks for Ctrl-C.
fn watch(shared: &Progress, display: &Display, failure: &mut Option<PyErr>) {
    let mut last = 0;
    loop {
        let (posted, finished) = shared.next(POLL);
        if let Some((done, total)) = posted {
            if failure.is_none() {
                match Python::attach(|py| display.show(py, done, total, last)) {
                    Ok(()) => last = last.max(done),
                    Err(e) => {
                        *failure = Some(e);
                        shared.request_stop();
                    }
                }
            }
            shared.shown();
        }
        if finished {
            return;
        }
        if failure.is_none()
            && let Err(e) = Python::attach(|py| py.check_signals())
        {
            *failure = Some(e);
            shared.request_stop();
        }
    }
}
