//! The crate's error type.
//!
//! One enum for the whole core; each variant says what went wrong, where ([`Location`]) and,
//! through its message, what to do. The Python bindings map every variant to a subclass of
//! `fazhi.FazhiError`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where in the input a problem was found. Every part is optional; [`fmt::Display`] prints only
/// the parts that are known, e.g. `panel.csv, row 12, column "value", indicator PUB_MATERIALS`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// File name (or `<frame>` for an in-memory DataFrame).
    pub file: Option<String>,
    /// Row number as a spreadsheet shows it: the header is row 1, the first data row is row 2.
    pub row: Option<usize>,
    /// Column name.
    pub column: Option<String>,
    /// Indicator code, when the problem concerns one.
    pub indicator: Option<String>,
}

impl Location {
    /// Where a TOML parse error points: the file and the row of the error's span.
    pub(crate) fn of_toml(origin: &str, text: &str, e: &toml::de::Error) -> Self {
        let mut location = Location::file(origin);
        if let Some(span) = e.span() {
            location.row = Some(text[..span.start.min(text.len())].lines().count().max(1));
        }
        location
    }

    /// A location naming only a file.
    pub fn file(file: impl Into<String>) -> Self {
        Self { file: Some(file.into()), ..Self::default() }
    }

    /// This location with a row number.
    #[must_use]
    pub fn with_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// This location with a column name.
    #[must_use]
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    /// This location with an indicator code.
    #[must_use]
    pub fn with_indicator(mut self, indicator: impl Into<String>) -> Self {
        self.indicator = Some(indicator.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column \"{column}\""));
        }
        if let Some(indicator) = &self.indicator {
            parts.push(format!("indicator {indicator}"));
        }
        if parts.is_empty() { f.write_str("<unknown location>") } else { f.write_str(&parts.join(", ")) }
    }
}

/// Every error the fazhi core returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The indicator catalogue is malformed or inconsistent.
    #[error("catalogue error at {location}: {message}")]
    Catalogue { location: Location, message: String },

    /// An input row failed validation (strict mode stops at the first such row).
    #[error("validation error at {location}: {message}")]
    Validation { location: Location, message: String },

    /// A reported value could not be read as a number, interval or qualified number.
    #[error("cannot read value {text:?}: {message}")]
    ValueParse { text: String, message: String },

    /// A targets file or frame is malformed.
    #[error("targets error at {location}: {message}")]
    Targets { location: Location, message: String },

    /// A file could not be opened, decoded or parsed as a table.
    #[error("input error at {location}: {message}")]
    Input { location: Location, message: String },

    /// Scoring cannot be done as asked (e.g. geometric aggregation meets a zero score); the
    /// message names the unit, year and indicator and what to change.
    #[error("scoring error: {0}")]
    Scoring(String),

    /// An argument passed by the caller is not acceptable.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// An operating-system error while reading or writing a file.
    #[error("I/O error on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// An error raised inside polars.
    #[error("polars error: {0}")]
    Polars(#[from] polars::prelude::PolarsError),
}

/// The crate's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }

    pub(crate) fn input(location: Location, message: impl Into<String>) -> Self {
        Self::Input { location, message: clip(message.into(), MAX_MESSAGE_CHARS) }
    }

    pub(crate) fn catalogue(location: Location, message: impl Into<String>) -> Self {
        Self::Catalogue { location, message: clip(message.into(), MAX_MESSAGE_CHARS) }
    }

    pub(crate) fn targets(location: Location, message: impl Into<String>) -> Self {
        Self::Targets { location, message: clip(message.into(), MAX_MESSAGE_CHARS) }
    }
}

/// The longest message an error or rejection carries, in characters: a message quotes what it
/// found (a header, a cell), and a 50 MB header must not become a 50 MB message.
pub(crate) const MAX_MESSAGE_CHARS: usize = 2000;

/// `text` cut to at most `max` characters, saying how much was left out.
pub(crate) fn clip(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text,
        Some((at, _)) => {
            let rest = text[at..].chars().count();
            format!("{}… ({rest} more characters)", &text[..at])
        }
    }
}

/// `text` for quoting in a message: at most `max` characters, in Rust debug quotes.
pub(crate) fn quoted(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => format!("{text:?}"),
        Some((at, _)) => format!("{:?}… ({} more characters)", &text[..at], text[at..].chars().count()),
    }
}
