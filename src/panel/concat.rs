//! [`Panel::concat`]: panels of several files (one per year, one per township office) merged into
//! one, with the same rules for repeated keys as inside one file.

use std::sync::Arc;

use polars::prelude::*;
use rayon::slice::ParallelSliceMut;

use super::{Panel, RejectReason, Rejection, distinct_years, unit_blocks};
use crate::error::{Error, Result};
use crate::io::format_number;
use crate::model::Qualifier;

/// One observation of one of the panels, keyed for the merge.
struct Row {
    unit: u32,
    year: i32,
    indicator: u16,
    /// Position in the stacked frame (panel order, then row order).
    at: u32,
    qualifier: Qualifier,
    bits: (u64, u64, u64),
}

impl Panel {
    /// The panels merged into one.
    ///
    /// They must have been validated against the same catalogue (version and indicator codes) and
    /// the same unit table (or all without one); otherwise the error names the first panel that
    /// differs. Observations keep their provenance (file, row, column). A (unit, year, indicator)
    /// that two panels both hold is handled as a repeated row inside one file is: with the same
    /// value (interval and qualifier) the first panel's row is kept and the later ones are
    /// rejected as `duplicate`; with different values none is kept and every copy is rejected,
    /// each message naming the files and rows. Each panel's own rejections and skipped rows are
    /// carried over, so `input_rows = len + rejected + skipped` holds for the result.
    pub fn concat(panels: &[Panel]) -> Result<Panel> {
        let Some(first) = panels.first() else {
            return Err(Error::InvalidArgument("concat needs at least one panel".into()));
        };
        check_compatible(panels)?;
        let mut codes: Vec<String> = panels.iter().flat_map(|p| p.unit_codes.iter().cloned()).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut frame = first.frame.clone();
        for p in &panels[1..] {
            frame.vstack_mut(&p.frame)?;
        }
        frame.rechunk_mut();
        let rows = keyed_rows(panels, &codes, &frame)?;
        let (kept, duplicates) = resolve(rows, &frame, &codes, first)?;

        let take = IdxCa::from_vec("".into(), kept.iter().map(|r| r.at as IdxSize).collect());
        let frame = frame.take(&take)?;
        let mut rejected: Vec<Rejection> = panels.iter().flat_map(|p| p.rejected.iter().cloned()).collect();
        rejected.extend(duplicates);
        let units = first.units.clone();
        let unit_idx: Vec<u32> = kept.iter().map(|r| r.unit).collect();
        Ok(Panel {
            catalogue: Arc::clone(&first.catalogue),
            unit_entries: Arc::new(
                codes.iter().map(|c| units.as_ref().and_then(|t| t.position(c)).map_or(u32::MAX, |i| i as u32)).collect(),
            ),
            units,
            frame,
            rejected,
            skipped: panels.iter().flat_map(|p| p.skipped.iter().cloned()).collect(),
            filled: panels.iter().map(|p| p.filled).sum(),
            input_rows: panels.iter().map(|p| p.input_rows).sum(),
            unit_blocks: Arc::new(unit_blocks(&unit_idx)),
            unit_idx: Arc::new(unit_idx),
            indicator_idx: Arc::new(kept.iter().map(|r| r.indicator).collect()),
            qualifiers: Arc::new(kept.iter().map(|r| r.qualifier).collect()),
            years: Arc::new(distinct_years(kept.iter().map(|r| r.year))),
            unit_codes: Arc::new(codes),
        })
    }
}

/// Same catalogue (version and codes) and same unit table, or an error naming the panel.
fn check_compatible(panels: &[Panel]) -> Result<()> {
    let first = &panels[0];
    let codes = |p: &Panel| p.catalogue.indicators.iter().map(|i| i.code.clone()).collect::<Vec<_>>();
    let first_codes = codes(first);
    for (i, p) in panels.iter().enumerate().skip(1) {
        if p.catalogue.version != first.catalogue.version || codes(p) != first_codes {
            return Err(Error::InvalidArgument(format!(
                "panel {i} was validated against catalogue {} ({}) and panel 0 against {} ({}); read every panel with the same catalogue",
                p.catalogue.version, p.catalogue.origin, first.catalogue.version, first.catalogue.origin
            )));
        }
        if p.units.as_deref() != first.units.as_deref() {
            let which = |p: &Panel| if p.units.is_some() { "a unit table" } else { "no unit table" };
            return Err(Error::InvalidArgument(format!(
                "panel {i} was validated against {} other than panel 0's ({}); read every panel with the same units=",
                which(p),
                which(first)
            )));
        }
    }
    Ok(())
}

/// Every observation of the stacked frame with its keys in the merged unit numbering, sorted by
/// (unit, year, indicator), panel order within a key.
fn keyed_rows(panels: &[Panel], codes: &[String], frame: &DataFrame) -> Result<Vec<Row>> {
    let year = frame.column("year")?.i32()?;
    let float = |name: &str| -> Result<Vec<f64>> { Ok(frame.column(name)?.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect()) };
    let (value, lo, hi) = (float("value")?, float("lo")?, float("hi")?);
    let mut rows = Vec::with_capacity(frame.height());
    for p in panels {
        let global: Vec<u32> = p.unit_codes.iter().map(|c| codes.binary_search(c).map_or(u32::MAX, |i| i as u32)).collect();
        for i in 0..p.len() {
            let at = rows.len();
            rows.push(Row {
                unit: global[p.unit_idx[i] as usize],
                year: year.get(at).unwrap_or_default(),
                indicator: p.indicator_idx[i],
                at: at as u32,
                qualifier: p.qualifiers[i],
                bits: (value[at].to_bits(), lo[at].to_bits(), hi[at].to_bits()),
            });
        }
    }
    rows.par_sort_unstable_by_key(|r| (r.unit, r.year, r.indicator, r.at));
    Ok(rows)
}

/// Keeps one row per key; repeated keys become `duplicate` rejections as described on
/// [`Panel::concat`].
fn resolve(rows: Vec<Row>, frame: &DataFrame, codes: &[String], first: &Panel) -> Result<(Vec<Row>, Vec<Rejection>)> {
    let text = |name: &str| frame.column(name).and_then(|c| c.str().cloned());
    let (file, column, written) = (text("file")?, text("column")?, text("text")?);
    let line = frame.column("row")?.u32()?;
    let value = frame.column("value")?.f64()?;
    let where_ = |at: u32| {
        let at = at as usize;
        format!("{} row {}", file.get(at).unwrap_or("?"), line.get(at).unwrap_or_default())
    };
    let mut kept = Vec::with_capacity(rows.len());
    let mut rejected = Vec::new();
    let mut rest = rows.into_iter().peekable();
    while let Some(head) = rest.next() {
        let key = (head.unit, head.year, head.indicator);
        let mut group = vec![head];
        while let Some(next) = rest.next_if(|n| (n.unit, n.year, n.indicator) == key) {
            group.push(next);
        }
        if group.len() == 1 {
            kept.extend(group);
            continue;
        }
        let agree = group.iter().all(|g| (g.bits, g.qualifier) == (group[0].bits, group[0].qualifier));
        let unit = &codes[key.0 as usize];
        let code = &first.catalogue.indicators[key.2 as usize].code;
        let places: Vec<String> = group.iter().map(|g| where_(g.at)).collect();
        for g in &group[usize::from(agree)..] {
            let at = g.at as usize;
            let message = if agree {
                format!(
                    "({unit}, {}, {code}) is also in {} with the same value; the first is kept. Drop the repeated row from one of the files",
                    key.1, places[0]
                )
            } else {
                format!(
                    "conflicting values for ({unit}, {}, {code}) in {}; none is kept because nobody can tell which is right. Keep the correct row and delete the others",
                    key.1,
                    places.join(", ")
                )
            };
            rejected.push(Rejection {
                file: file.get(at).unwrap_or_default().to_string(),
                row: line.get(at).unwrap_or_default() as usize,
                column: column.get(at).unwrap_or_default().to_string(),
                unit: Some(unit.clone()),
                year: Some(key.1.to_string()),
                indicator: Some(code.clone()),
                text: written.get(at).map(str::to_string).or_else(|| value.get(at).map(format_number)),
                reason: RejectReason::Duplicate,
                message,
            });
        }
        if agree {
            kept.extend(group.into_iter().take(1));
        }
    }
    Ok((kept, rejected))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Catalogue, PanelOptions};

    fn panel(rows: &[(&str, i32, &str, &str)], file: &str) -> Panel {
        let frame = df!(
            "unit" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            "year" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            "indicator" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            "value" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        )
        .unwrap();
        let mut p = Panel::from_frame(&frame, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
        p.frame
            .with_column(Column::new_scalar("file".into(), Scalar::new(DataType::String, AnyValue::StringOwned(file.into())), p.len()))
            .unwrap();
        p
    }

    #[test]
    fn merges_keeps_intervals_and_reports_repeated_keys() {
        let a = panel(
            &[
                ("合成甲镇", 2023, "PUB_MATERIALS", "1060多"),
                ("合成乙乡", 2023, "PUB_MATERIALS", "500"),
                ("合成甲镇", 2023, "NO_SUCH", "1"),
            ],
            "a.csv",
        );
        let b = panel(
            &[
                ("合成甲镇", 2024, "PUB_MATERIALS", "1200"),
                ("合成甲镇", 2023, "PUB_MATERIALS", "1060多"),
                ("合成乙乡", 2023, "PUB_MATERIALS", "520"),
            ],
            "b.csv",
        );
        let c = Panel::concat(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(c.input_rows(), a.input_rows() + b.input_rows());
        assert_eq!(c.input_rows(), c.len() + c.rejections().len() + c.skipped_observations());
        // 合成甲镇 2023 twice with the same value: one kept; 合成乙乡 2023 500 vs 520: none kept.
        assert_eq!(c.len(), 2);
        let dup: Vec<_> = c.rejections().iter().filter(|r| r.reason == RejectReason::Duplicate).collect();
        assert_eq!(dup.len(), 3);
        assert!(dup.iter().any(|r| r.file == "b.csv" && r.message.contains("a.csv row 2")), "{dup:?}");
        assert!(dup.iter().filter(|r| r.message.contains("conflicting")).count() == 2);
        assert_eq!(c.years(), &[2023, 2024]);
        let f = c.frame();
        let lo = f.column("lo").unwrap().f64().unwrap().get(0).unwrap();
        assert_eq!((lo, f.column("qualifier").unwrap().str().unwrap().get(0)), (1060.0, Some("at_least")));
        // The merged panel behaves as one read from one file: units in code order, blocks right.
        assert_eq!(c.unit_codes(), &["合成乙乡".to_string(), "合成甲镇".to_string()]);
        assert_eq!(c.unit_blocks(), &[(0, 2)]);
    }

    #[test]
    fn refuses_other_catalogues_and_unit_tables() {
        let a = panel(&[("合成甲镇", 2023, "PUB_MATERIALS", "5")], "a.csv");
        let frame = df!("unit" => ["合成甲镇"], "year" => [2023], "indicator" => ["PUB_MATERIALS"], "value" => ["6"]).unwrap();
        let old = Catalogue::from_toml_str(include_str!("../../datasets/catalogue-2024.1.toml"), "catalogue-2024.1.toml").unwrap();
        let b = Panel::from_frame(&frame, old, None, &PanelOptions::default()).unwrap();
        let e = Panel::concat(&[a.clone(), b]).unwrap_err().to_string();
        assert!(e.contains("panel 1") && e.contains("same catalogue"), "{e}");
        let units = crate::Units::from_frame(&df!("code" => ["合成甲镇"], "name" => ["合成甲镇"]).unwrap(), "units").unwrap();
        let c = Panel::from_frame(&frame, Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap();
        let e = Panel::concat(&[a, c]).unwrap_err().to_string();
        assert!(e.contains("units="), "{e}");
        assert!(Panel::concat(&[]).is_err());
    }
}
