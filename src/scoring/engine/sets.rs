//! The comparison sets: the rows normalised together (a year's units, a county's units in a
//! year, or every scored unit-year), by `ScoreOptions::scope`.

use super::Layout;
use crate::scoring::options::Scope;

/// Comparison sets: which rows are normalised together.
pub(crate) struct Sets {
    pub(in crate::scoring) rows: Vec<Vec<u32>>,
    pub(in crate::scoring) year: Vec<Option<i32>>,
    pub(in crate::scoring) group: Vec<Option<u32>>,
    /// Set of each row (`u32::MAX` when the row is not scored).
    pub(in crate::scoring) of_row: Vec<u32>,
}

impl Sets {
    /// The rows of each set, ascending.
    pub(crate) fn rows(&self) -> &[Vec<u32>] {
        &self.rows
    }

    /// The set of row r, if it is scored.
    pub(crate) fn of(&self, r: usize) -> Option<usize> {
        let s = self.of_row[r];
        (s != u32::MAX).then_some(s as usize)
    }
}

/// The comparison sets of the scored years under `scope`.
pub(crate) fn sets(layout: &Layout, scope: Scope) -> Sets {
    let nu = layout.n_units;
    let mut out = Sets { rows: Vec::new(), year: Vec::new(), group: Vec::new(), of_row: vec![u32::MAX; layout.n_rows()] };
    let push = |rows: Vec<u32>, year: Option<i32>, group: Option<u32>, out: &mut Sets| {
        let s = out.rows.len() as u32;
        for &r in &rows {
            out.of_row[r as usize] = s;
        }
        out.rows.push(rows);
        out.year.push(year);
        out.group.push(group);
    };
    match scope {
        Scope::Year => {
            for (yi, &y) in layout.years.iter().enumerate() {
                if layout.selected[yi] {
                    push(((yi * nu) as u32..((yi + 1) * nu) as u32).collect(), Some(y), None, &mut out);
                }
            }
        }
        Scope::Global => {
            let rows = (0..layout.n_rows() as u32).filter(|&r| layout.row_selected(r as usize)).collect();
            push(rows, None, None, &mut out);
        }
        Scope::Group => {
            for (yi, &y) in layout.years.iter().enumerate() {
                if !layout.selected[yi] {
                    continue;
                }
                let mut by_group: Vec<Vec<u32>> = vec![Vec::new(); layout.group_names.len() + 1];
                for u in 0..nu {
                    let g = layout.group[u];
                    let slot = if g == u32::MAX { layout.group_names.len() } else { g as usize };
                    by_group[slot].push((yi * nu + u) as u32);
                }
                for (g, rows) in by_group.into_iter().enumerate() {
                    if !rows.is_empty() {
                        let group = (g < layout.group_names.len()).then_some(g as u32);
                        push(rows, Some(y), group, &mut out);
                    }
                }
            }
        }
    }
    out
}
