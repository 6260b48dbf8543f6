//! Cell and row flags: what happened to a value on its way to the score. A cell's flags are kept
//! with it (the contributions frame shows them), and a row's are those of the cells that reached
//! its composite (the composite frame's `flags` column).

/// The reported value was qualified (多, 余, 以上, 约, a range), or its denominator was.
pub(crate) const QUALIFIED: u8 = 1;
/// The value was missing and filled in (carried forward, or a group median with [`GROUP_MEDIAN`]).
pub(crate) const IMPUTED: u8 = 2;
/// The value was clamped to its comparison set's winsorising quantiles.
pub(crate) const WINSORISED: u8 = 4;
/// Imputed from the group median (with [`IMPUTED`]).
pub(crate) const GROUP_MEDIAN: u8 = 8;
