//! Reading the analytics frames column by column, by name, once: the view-model's only contact
//! with polars. A column that is absent reads as all-null, so an older or hand-made frame gives a
//! scorecard with blanks rather than an error deep inside a renderer.

use polars::prelude::*;

/// One frame's columns as plain vectors, rows restricted to `rows`.
pub(super) struct Cols<'f> {
    frame: &'f DataFrame,
    rows: Vec<usize>,
}

impl<'f> Cols<'f> {
    /// All rows of `frame`.
    pub fn all(frame: &'f DataFrame) -> Self {
        Self { frame, rows: (0..frame.height()).collect() }
    }

    /// The rows of `frame` whose `year` is `year` (or null, when `keep_null`); all rows when it
    /// has no year column.
    pub fn of_year(frame: &'f DataFrame, year: i32, keep_null: bool) -> Self {
        let years = Self::all(frame).ints("year");
        let has_year = frame.column("year").is_ok();
        let rows =
            (0..frame.height()).filter(|&i| !has_year || years[i] == Some(i64::from(year)) || (keep_null && years[i].is_none())).collect();
        Self { frame, rows }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    fn column(&self, name: &str, dtype: &DataType) -> Option<Column> {
        self.frame.column(name).ok().and_then(|c| c.cast(dtype).ok())
    }

    pub fn strs(&self, name: &str) -> Vec<Option<String>> {
        match self.column(name, &DataType::String) {
            Some(c) => match c.str() {
                Ok(s) => self.rows.iter().map(|&i| s.get(i).map(str::to_string)).collect(),
                Err(_) => vec![None; self.len()],
            },
            None => vec![None; self.len()],
        }
    }

    /// Numbers, with NaN read as null.
    pub fn nums(&self, name: &str) -> Vec<Option<f64>> {
        match self.column(name, &DataType::Float64) {
            Some(c) => match c.f64() {
                Ok(s) => self.rows.iter().map(|&i| s.get(i).filter(|x| !x.is_nan())).collect(),
                Err(_) => vec![None; self.len()],
            },
            None => vec![None; self.len()],
        }
    }

    pub fn ints(&self, name: &str) -> Vec<Option<i64>> {
        match self.column(name, &DataType::Int64) {
            Some(c) => match c.i64() {
                Ok(s) => self.rows.iter().map(|&i| s.get(i)).collect(),
                Err(_) => vec![None; self.len()],
            },
            None => vec![None; self.len()],
        }
    }

    pub fn bools(&self, name: &str) -> Vec<Option<bool>> {
        match self.column(name, &DataType::Boolean) {
            Some(c) => match c.bool() {
                Ok(s) => self.rows.iter().map(|&i| s.get(i)).collect(),
                Err(_) => vec![None; self.len()],
            },
            None => vec![None; self.len()],
        }
    }
}
