//! The data model: the indicator catalogue, reported values, units and plan targets.

mod catalogue;
mod target_text;
mod targets;
mod units;
pub mod value;

pub use catalogue::{Catalogue, DEFAULT_CATALOGUE_TOML, Denominator, Dimension, Goalposts, Indicator, Kind, Measure, Polarity, RatioOf};
pub use targets::{Comparator, Target, Targets, Tiers};
pub use units::{Unit, Units};
pub use value::{Interval, ParsedValue, Qualifier, parse_boolean, parse_value, place_value};
