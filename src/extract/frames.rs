//! Extractions as polars frames: values, unmatched numbers, the long panel form.

use polars::prelude::{Column, DataFrame, IntoColumn, NamedFrom, Series};

use super::{ExtractedValue, Extraction, FolderExtraction, Unmatched};
use crate::error::{Error, Location, Result};

fn opt_str_column(name: &str, values: Vec<Option<String>>) -> Column {
    Series::new(name.into(), values).into_column()
}

impl Extraction {
    /// The values, one row each. Columns: `source` (file, null for text), `unit`, `year`,
    /// `indicator`, `text` (as written), `value` (panel cell), `lo`, `hi` (null when open),
    /// `hi_exclusive`, `point`, `qualifier`, `percent`, `measure_word`, `quote`, `start`, `end`
    /// (character offsets), `rule`, `confidence`.
    pub fn values_frame(&self) -> Result<DataFrame> {
        values_frame(std::slice::from_ref(self))
    }

    /// The numbers not mapped, one row each. Columns: `source`, `unit`, `year`, `text`, `start`,
    /// `end`, `reason` ([`SkipReason::as_str`](super::SkipReason::as_str)), `indicator`, `detail`, `context`.
    pub fn unmatched_frame(&self) -> Result<DataFrame> {
        unmatched_frame(std::slice::from_ref(self))
    }

    /// The values in the long form [`crate::Panel::from_frame`] reads: `unit`, `year`,
    /// `indicator`, `value` (as written, e.g. `1060多份`; `是` for yes/no), `source` (the quote).
    /// Needs the unit and year (from the title or the options).
    pub fn to_panel_frame(&self) -> Result<DataFrame> {
        panel_frame(std::slice::from_ref(self))
    }
}

impl FolderExtraction {
    /// The values of all reports; columns as [`Extraction::values_frame`].
    pub fn values_frame(&self) -> Result<DataFrame> {
        values_frame(&self.reports)
    }

    /// The unmapped numbers of all reports; columns as [`Extraction::unmatched_frame`].
    pub fn unmatched_frame(&self) -> Result<DataFrame> {
        unmatched_frame(&self.reports)
    }

    /// All reports as one long-form panel frame; every report needs its unit and year.
    pub fn to_panel_frame(&self) -> Result<DataFrame> {
        panel_frame(&self.reports)
    }

    /// One row per report read: `source`, `title`, `stated_unit`, `stated_year` (what the title
    /// says), `unit`, `year` (what the values carry, after the options) and `values` (how many).
    pub fn titles_frame(&self) -> Result<DataFrame> {
        let r = &self.reports;
        Ok(DataFrame::new(
            r.len(),
            vec![
                opt_str_column("source", r.iter().map(|x| x.source.clone()).collect()),
                opt_str_column("title", r.iter().map(|x| x.title.clone()).collect()),
                opt_str_column("stated_unit", r.iter().map(|x| x.stated_unit.clone()).collect()),
                Column::new("stated_year".into(), r.iter().map(|x| x.stated_year).collect::<Vec<_>>()),
                opt_str_column("unit", r.iter().map(|x| x.unit.clone()).collect()),
                Column::new("year".into(), r.iter().map(|x| x.year).collect::<Vec<_>>()),
                Column::new("values".into(), r.iter().map(|x| x.values.len() as u32).collect::<Vec<_>>()),
            ],
        )?)
    }

    /// The failures as a frame: `path`, `message`.
    pub fn failures_frame(&self) -> Result<DataFrame> {
        let f = &self.failures;
        Ok(DataFrame::new(
            f.len(),
            vec![
                Column::new("path".into(), f.iter().map(|x| x.path.as_str()).collect::<Vec<_>>()),
                Column::new("message".into(), f.iter().map(|x| x.message.as_str()).collect::<Vec<_>>()),
            ],
        )?)
    }
}

fn values_frame(reports: &[Extraction]) -> Result<DataFrame> {
    let rows: Vec<(&Extraction, &ExtractedValue)> = reports.iter().flat_map(|x| x.values.iter().map(move |v| (x, v))).collect();
    let n = rows.len();
    let columns = vec![
        opt_str_column("source", rows.iter().map(|(x, _)| x.source.clone()).collect()),
        opt_str_column("unit", rows.iter().map(|(x, _)| x.unit.clone()).collect()),
        Column::new("year".into(), rows.iter().map(|(x, _)| x.year).collect::<Vec<_>>()),
        Column::new("indicator".into(), rows.iter().map(|(_, v)| v.indicator.as_str()).collect::<Vec<_>>()),
        Column::new("text".into(), rows.iter().map(|(_, v)| v.text.as_str()).collect::<Vec<_>>()),
        Column::new("value".into(), rows.iter().map(|(_, v)| v.value.as_str()).collect::<Vec<_>>()),
        Column::new("lo".into(), rows.iter().map(|(_, v)| v.interval.lo).collect::<Vec<_>>()),
        Column::new("hi".into(), rows.iter().map(|(_, v)| v.interval.hi).collect::<Vec<_>>()),
        Column::new("hi_exclusive".into(), rows.iter().map(|(_, v)| v.interval.hi_exclusive).collect::<Vec<_>>()),
        Column::new("point".into(), rows.iter().map(|(_, v)| v.interval.point).collect::<Vec<_>>()),
        Column::new("qualifier".into(), rows.iter().map(|(_, v)| v.interval.qualifier.as_str()).collect::<Vec<_>>()),
        Column::new("percent".into(), rows.iter().map(|(_, v)| v.percent).collect::<Vec<_>>()),
        opt_str_column("measure_word", rows.iter().map(|(_, v)| v.measure_word.clone()).collect()),
        Column::new("quote".into(), rows.iter().map(|(_, v)| v.quote.as_str()).collect::<Vec<_>>()),
        Column::new("start".into(), rows.iter().map(|(_, v)| v.start as u64).collect::<Vec<_>>()),
        Column::new("end".into(), rows.iter().map(|(_, v)| v.end as u64).collect::<Vec<_>>()),
        Column::new("rule".into(), rows.iter().map(|(_, v)| v.rule.as_str()).collect::<Vec<_>>()),
        Column::new("matched".into(), rows.iter().map(|(_, v)| v.matched.as_str()).collect::<Vec<_>>()),
        Column::new("confidence".into(), rows.iter().map(|(_, v)| v.confidence).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(n, columns)?)
}

fn unmatched_frame(reports: &[Extraction]) -> Result<DataFrame> {
    let rows: Vec<(&Extraction, &Unmatched)> = reports.iter().flat_map(|x| x.unmatched.iter().map(move |u| (x, u))).collect();
    let n = rows.len();
    let columns = vec![
        opt_str_column("source", rows.iter().map(|(x, _)| x.source.clone()).collect()),
        opt_str_column("unit", rows.iter().map(|(x, _)| x.unit.clone()).collect()),
        Column::new("year".into(), rows.iter().map(|(x, _)| x.year).collect::<Vec<_>>()),
        Column::new("text".into(), rows.iter().map(|(_, u)| u.text.as_str()).collect::<Vec<_>>()),
        Column::new("start".into(), rows.iter().map(|(_, u)| u.start as u64).collect::<Vec<_>>()),
        Column::new("end".into(), rows.iter().map(|(_, u)| u.end as u64).collect::<Vec<_>>()),
        Column::new("reason".into(), rows.iter().map(|(_, u)| u.reason.as_str()).collect::<Vec<_>>()),
        opt_str_column("indicator", rows.iter().map(|(_, u)| u.indicator.clone()).collect()),
        Column::new("confidence".into(), rows.iter().map(|(_, u)| u.confidence).collect::<Vec<_>>()),
        Column::new("detail".into(), rows.iter().map(|(_, u)| u.detail.as_str()).collect::<Vec<_>>()),
        Column::new("lead".into(), rows.iter().map(|(_, u)| u.lead.as_str()).collect::<Vec<_>>()),
        Column::new("context".into(), rows.iter().map(|(_, u)| u.context.as_str()).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(n, columns)?)
}

fn panel_frame(reports: &[Extraction]) -> Result<DataFrame> {
    let mut unit = Vec::new();
    let mut year = Vec::new();
    let mut indicator = Vec::new();
    let mut value = Vec::new();
    let mut source = Vec::new();
    for x in reports {
        if x.values.is_empty() {
            continue;
        }
        let name = x.source.clone().unwrap_or_else(|| "<text>".into());
        let (Some(u), Some(y)) = (&x.unit, x.year) else {
            return Err(Error::input(
                Location::file(name),
                "the report's unit or year is unknown (no title such as 2023年度XX镇法治政府建设报告); set ExtractOptions.unit and .year",
            ));
        };
        for v in &x.values {
            unit.push(u.clone());
            year.push(y);
            indicator.push(v.indicator.clone());
            value.push(v.value.clone());
            source.push(v.quote.clone());
        }
    }
    let n = unit.len();
    Ok(DataFrame::new(
        n,
        vec![
            Column::new("unit".into(), unit),
            Column::new("year".into(), year),
            Column::new("indicator".into(), indicator),
            Column::new("value".into(), value),
            Column::new("source".into(), source),
        ],
    )?)
}
