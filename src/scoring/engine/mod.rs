//! The scoring engine: dense unit × indicator blocks, normalisation per comparison set,
//! aggregation per unit-year, ranks.
//!
//! Working representation: rows are unit-years, `r = year_index · n_units + unit`, over every
//! year of the panel; cells are `c = k · n_rows + r` for the k-th scored indicator, so each
//! indicator is one contiguous column. Every loop that runs in parallel writes only its own
//! column or its own block of rows, and every sum runs in a fixed order, so results are the same
//! bits whatever the thread count; the panel is sorted, so they do not depend on input row order.
//!
//! One file per stage, in the order [`crate::scoring::score`] runs them:
//! - [`layout`](mod@layout): what is scored (indicators, dimensions, weights, years, groups);
//! - [`cells`](mod@cells): the panel scattered into dense columns, denominated and imputed;
//! - [`sets`](mod@sets): the comparison sets, the rows normalised together;
//! - [`normalise`](mod@normalise): winsorising and normalisation per set;
//! - [`aggregate`](mod@aggregate): indicator → dimension → composite, with coverage;
//! - [`rank`](mod@rank): competition, dense and group ranks with the tie tolerance.
//!
//! [`flags`] names what happened to a value; `disjoint` is the writer the scatter shares between
//! tasks.
//!
//! The draw kernel of [`crate::uncertainty`] runs the per-set and per-row steps itself for one
//! year, so it calls them through the functions re-exported here (normalise: [`winsorise_set`],
//! [`data_goalposts`], [`normalise_sets`]; aggregate: [`accumulator_start`], [`accumulate`],
//! [`combine`], [`keep_lowest`], [`geometric_zero`]) and reads the layout, cells and sets through
//! their methods, not their fields.

mod aggregate;
mod cells;
#[allow(unsafe_code)]
mod disjoint;
mod flags;
mod layout;
mod normalise;
mod rank;
mod sets;

pub(crate) use aggregate::{Combined, Rows, accumulate, accumulator_start, aggregate, combine, geometric_zero, keep_lowest};
pub(crate) use cells::{Cells, cells};
pub(crate) use flags::{GROUP_MEDIAN, IMPUTED, QUALIFIED, WINSORISED};
pub(crate) use layout::{Layout, layout};
pub(crate) use normalise::{Normalised, data_goalposts, normalise, normalise_sets, winsorise_set};
pub(crate) use rank::{group_ranks, rank, rank_with_order};
pub(crate) use sets::{Sets, sets};

/// Something left out of the scores, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Exclusion {
    pub unit: Option<u32>,
    pub year: Option<i32>,
    /// Catalogue index of the indicator.
    pub indicator: Option<u16>,
    /// Catalogue index of the dimension.
    pub dimension: Option<u16>,
    pub level: String,
    pub reason: String,
    pub detail: String,
}

/// The reason of an indicator that leaves the score because its denominator (a unit attribute)
/// is missing for every unit that reports it.
pub const NO_DENOMINATOR: &str = "no_denominator";
/// The reason of a year (or county in a year) with fewer than [`MIN_RANKED_UNITS`] ranked units.
pub const FEW_UNITS: &str = "few_units";
/// Fewer ranked units than this in a comparison set draw a warning: min-max over two units gives
/// 0 and 100 whatever the gap, and a ranking of one unit means nothing.
pub const MIN_RANKED_UNITS: usize = 5;

/// Every exclusion reason, for the label table (report/labels) and its tests.
pub(crate) const REASONS: [&str; 13] = [
    "no_report",
    "low_coverage",
    FEW_UNITS,
    NO_DENOMINATOR,
    "missing_attribute",
    "zero_denominator",
    "missing_denominator",
    "kind",
    "zero_weight",
    "no_indicators",
    "dimension_dropped",
    "no_target",
    "no_variation",
];
/// Every exclusion level.
pub(crate) const LEVELS: [&str; 6] = ["composite", "year", "group", "indicator", "dimension", "cell"];

impl Exclusion {
    /// A note with only its level, reason and detail; the stages fill in what it is about.
    fn new(level: &str, reason: &str, detail: String) -> Self {
        Self { unit: None, year: None, indicator: None, dimension: None, level: level.into(), reason: reason.into(), detail }
    }
}
