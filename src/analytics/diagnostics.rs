//! Data-quality diagnostics (METHODOLOGY §9): flag, never fix.
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions};
//! use fazhi::analytics::{DiagnosticOptions, diagnostics};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/seed/sikeshu_2023.csv");
//! let panel = Panel::read(path, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
//! let flags = diagnostics(&panel, &DiagnosticOptions::default()).unwrap();
//! let checks = flags.column("check").unwrap().str().unwrap();
//! // The real report: 2 certified officers but 1 enforcement-office staff member.
//! assert!(checks.iter().any(|c| c == Some("ratio_above_100")));
//! ```

use std::collections::HashMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Filter, PanelView};
use crate::error::{Error, Result};
use crate::model::Measure;
use crate::panel::{Panel, RejectReason};

/// Options of [`diagnostics`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiagnosticOptions {
    /// A year-on-year change by more than this factor (up or down) is flagged.
    pub jump_factor: f64,
    /// Jumps and drops to zero are flagged only when the larger of the two values is at least
    /// this: 1 → 4 lawsuits is noise in small numbers, 100 → 400 leaflets is not.
    pub min_magnitude: f64,
    /// Tolerance, in percentage points, between a stated rate and the rate its counts give.
    pub rate_tolerance: f64,
    /// A unit whose share of qualified values exceeds this is flagged as a warning.
    pub qualified_share_warning: f64,
    pub filter: Filter,
}

impl Default for DiagnosticOptions {
    fn default() -> Self {
        Self { jump_factor: 3.0, min_magnitude: 10.0, rate_tolerance: 1.0, qualified_share_warning: 0.3, filter: Filter::default() }
    }
}

/// The columns of [`diagnostics`].
pub const DIAGNOSTIC_COLUMNS: &[&str] = &["unit", "year", "indicator", "name_zh", "check", "severity", "value", "expected", "message"];

/// Every check name, for the label table (report/labels) and its tests.
pub(crate) const CHECKS: [&str; 11] = [
    "ratio_above_100",
    "rate_mismatch",
    "fraction_percent",
    "claim_100",
    "drop_to_zero",
    "jump",
    "qualified_share",
    "rate_out_of_range",
    "negative_count",
    "fractional_count",
    "template_placeholder",
];
/// Every severity.
pub(crate) const SEVERITIES: [&str; 2] = ["warning", "info"];

struct Flag {
    unit: String,
    year: Option<i32>,
    indicator: Option<String>,
    check: &'static str,
    severity: &'static str,
    value: Option<f64>,
    expected: Option<f64>,
    message: String,
}

/// Flags of every check in `docs/methodology.md` §9, sorted by unit, year, indicator, check.
pub fn diagnostics(panel: &Panel, options: &DiagnosticOptions) -> Result<DataFrame> {
    super::with_indicator_names(diagnostics_frame(panel, options)?, panel.catalogue())
}

/// The frame of [`diagnostics`] before the indicator names are added.
fn diagnostics_frame(panel: &Panel, options: &DiagnosticOptions) -> Result<DataFrame> {
    if !(options.jump_factor.is_finite() && options.jump_factor > 1.0) {
        return Err(Error::InvalidArgument(format!("jump_factor must be a number above 1, got {}", options.jump_factor)));
    }
    let view = PanelView::new(panel)?;
    let catalogue = panel.catalogue();
    let codes = panel.unit_codes();
    let mut flags: Vec<Flag> = Vec::new();
    let index = super::RowIndex::new(&view, codes.len());

    // Stated rates against their own counts, and counts whose ratio would pass 100 %.
    for (k, ind) in catalogue.indicators.iter().enumerate() {
        let Some(ratio) = &ind.ratio_of else { continue };
        let (Some(num), Some(den)) = (catalogue.resolve(&ratio.numerator), catalogue.resolve(&ratio.denominator)) else { continue };
        let (num_ind, den_ind) = (&catalogue.indicators[num], &catalogue.indicators[den]);
        // Rows are in (unit, year) order already.
        let pairs: Vec<(usize, u32, i32)> =
            (0..view.len()).filter(|&r| usize::from(view.indicator[r]) == num).map(|r| (r, view.unit[r], view.year[r])).collect();
        for (rn, u, y) in pairs {
            let Some(rd) = index.find(&view, u, den as u16, y) else { continue };
            let (n, d) = (view.value[rn], view.value[rd]);
            if d <= 0.0 {
                continue;
            }
            let computed = 100.0 * n / d;
            // The widest rate the counts allow, from their intervals.
            let (c_lo, c_hi) = (
                100.0 * view.lo(rn, num_ind) / view.hi(rd, den_ind),
                100.0 * view.hi(rn, num_ind) / view.lo(rd, den_ind).max(f64::MIN_POSITIVE),
            );
            if view.lo(rn, num_ind) > view.hi(rd, den_ind) {
                flags.push(Flag {
                    unit: codes[u as usize].clone(),
                    year: Some(y),
                    indicator: Some(ind.code.clone()),
                    check: "ratio_above_100",
                    severity: "warning",
                    value: Some(computed),
                    expected: Some(100.0),
                    message: format!(
                        "{} = {} exceeds {} = {}, so {} would be {:.0}%; the counts may describe different groups",
                        num_ind.code,
                        crate::io::format_number(n),
                        den_ind.code,
                        crate::io::format_number(d),
                        ind.code,
                        computed
                    ),
                });
            }
            if let Some(rs) = index.find(&view, u, k as u16, y) {
                let (s_lo, s_hi) = (view.lo(rs, ind), view.hi(rs, ind));
                let tol = options.rate_tolerance;
                if s_lo > c_hi + tol || s_hi < c_lo - tol {
                    flags.push(Flag {
                        unit: codes[u as usize].clone(),
                        year: Some(y),
                        indicator: Some(ind.code.clone()),
                        check: "rate_mismatch",
                        severity: "warning",
                        value: Some(view.value[rs]),
                        expected: Some(computed),
                        message: format!(
                            "stated {} = {}% but its own counts give {} / {} = {:.1}%",
                            ind.code,
                            crate::io::format_number(view.value[rs]),
                            crate::io::format_number(n),
                            crate::io::format_number(d),
                            computed
                        ),
                    });
                }
            }
        }
    }

    // As-written texts, to tell 0.95 from 0.95%.
    let texts = panel.frame().column("text")?.str()?.clone();
    // Jumps, drops to zero and 100 % claims, along each series.
    let n_ind = catalogue.indicators.len();
    for &(start, end) in view.unit_blocks() {
        let mut last: Vec<Option<usize>> = vec![None; n_ind];
        for r in start..end {
            let k = view.indicator[r] as usize;
            let ind = &catalogue.indicators[k];
            let unit = &codes[view.unit[r] as usize];
            let (x, y) = (view.value[r], view.year[r]);
            // 0.95 on a rate, written without a % sign (and not percent-formatted in a sheet,
            // which reads as 95%): most likely 95 % typed as a fraction.
            if ind.measure == Measure::Percent && x > 0.0 && x <= 1.0 && !texts.get(r).is_some_and(|t| t.contains('%') || t.contains('％'))
            {
                flags.push(Flag {
                    unit: unit.clone(),
                    year: Some(y),
                    indicator: Some(ind.code.clone()),
                    check: "fraction_percent",
                    severity: "warning",
                    value: Some(x),
                    expected: Some(x * 100.0),
                    message: format!(
                        "{} = {} with no % sign: was {}% meant? A rate is written in percent (95 or 95%); if it really is {}%, write {}%",
                        ind.code,
                        crate::io::format_number(x),
                        crate::io::format_number(x * 100.0),
                        crate::io::format_number(x),
                        crate::io::format_number(x)
                    ),
                });
            }
            if ind.measure == Measure::Percent && x >= 100.0 {
                flags.push(Flag {
                    unit: unit.clone(),
                    year: Some(y),
                    indicator: Some(ind.code.clone()),
                    check: "claim_100",
                    severity: "info",
                    value: Some(x),
                    expected: None,
                    message: format!("{} is reported as 100%; check that the claim is backed by counts", ind.code),
                });
            }
            if let Some(p) = last[k].replace(r)
                && super::ratio_scale(ind)
            {
                let xp = view.value[p];
                let (check, message) = if x.max(xp) < options.min_magnitude {
                    continue;
                } else if xp > 0.0 && x == 0.0 {
                    ("drop_to_zero", format!("{} fell from {} in {} to 0", ind.code, crate::io::format_number(xp), view.year[p]))
                } else if xp > 0.0 && x > 0.0 && (x / xp >= options.jump_factor || xp / x >= options.jump_factor) {
                    (
                        "jump",
                        format!(
                            "{} changed ×{:.2} from {} in {} to {}",
                            ind.code,
                            x / xp,
                            crate::io::format_number(xp),
                            view.year[p],
                            crate::io::format_number(x)
                        ),
                    )
                } else {
                    continue;
                };
                flags.push(Flag {
                    unit: unit.clone(),
                    year: Some(y),
                    indicator: Some(ind.code.clone()),
                    check,
                    severity: "warning",
                    value: Some(x),
                    expected: Some(xp),
                    message,
                });
            }
        }
    }

    // Share of qualified values per unit.
    let mut per_unit: HashMap<u32, (usize, usize)> = HashMap::new();
    for r in 0..view.len() {
        let e = per_unit.entry(view.unit[r]).or_default();
        e.0 += 1;
        e.1 += usize::from(view.qualified(r));
    }
    for (u, (n, q)) in per_unit {
        let share = q as f64 / n as f64;
        flags.push(Flag {
            unit: codes[u as usize].clone(),
            year: None,
            indicator: None,
            check: "qualified_share",
            severity: if share > options.qualified_share_warning { "warning" } else { "info" },
            value: Some(share),
            expected: None,
            message: format!("{q} of {n} values are qualified (多/余/以上/约/ranges); imputed values: none (no imputation has run)"),
        });
    }

    // Values refused at validation that this section names (out of range, negative, fractional,
    // placeholders), so the quality report is complete.
    for r in panel.rejections() {
        let check = match r.reason {
            RejectReason::PercentOutOfRange => "rate_out_of_range",
            RejectReason::NegativeValue => "negative_count",
            RejectReason::FractionalCount => "fractional_count",
            RejectReason::Placeholder => "template_placeholder",
            _ => continue,
        };
        flags.push(Flag {
            unit: r.unit.clone().unwrap_or_default(),
            year: r.year.as_deref().and_then(crate::panel::parse_year),
            indicator: r.indicator.clone(),
            check,
            severity: "warning",
            value: r.text.as_deref().and_then(|t| crate::model::parse_value(t).ok()).map(|v| v.interval.point),
            expected: None,
            message: format!("rejected at validation ({}, row {}): {}", r.file, r.row, r.message),
        });
    }

    let unit_filter: Option<Vec<String>> = options
        .filter
        .units
        .as_ref()
        .map(|us| us.iter().map(|u| panel.units().and_then(|t| t.resolve(u)).map_or(u.clone(), |x| x.code.clone())).collect());
    flags.retain(|f| unit_filter.as_ref().is_none_or(|us| us.contains(&f.unit)) && f.year.is_none_or(|y| options.filter.keeps_year(y)));
    debug_assert!(
        flags.iter().all(|f| CHECKS.contains(&f.check) && SEVERITIES.contains(&f.severity)),
        "a check or severity outside CHECKS / SEVERITIES, which the label table is tested against"
    );
    flags.sort_by(|a, b| (&a.unit, a.year, &a.indicator, a.check).cmp(&(&b.unit, b.year, &b.indicator, b.check)));
    Ok(DataFrame::new(
        flags.len(),
        vec![
            Column::new("unit".into(), flags.iter().map(|f| f.unit.as_str()).collect::<Vec<_>>()),
            Column::new("year".into(), flags.iter().map(|f| f.year).collect::<Vec<_>>()),
            Column::new("indicator".into(), flags.iter().map(|f| f.indicator.as_deref()).collect::<Vec<_>>()),
            Column::new("check".into(), flags.iter().map(|f| f.check).collect::<Vec<_>>()),
            Column::new("severity".into(), flags.iter().map(|f| f.severity).collect::<Vec<_>>()),
            Column::new("value".into(), flags.iter().map(|f| f.value).collect::<Vec<_>>()),
            Column::new("expected".into(), flags.iter().map(|f| f.expected).collect::<Vec<_>>()),
            Column::new("message".into(), flags.iter().map(|f| f.message.as_str()).collect::<Vec<_>>()),
        ],
    )?)
}
