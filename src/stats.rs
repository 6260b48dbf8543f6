//! Order statistics shared by the scoring engine, the uncertainty summaries and the scorecards:
//! one median, one quantile and one range, so every number of the same name is computed the same
//! way.
//!
//! Two medians stand in the results, and they differ in the last bit at most: an imputed group
//! median is [`median`] (the mean of the two middle values), a scorecard's or a rank summary's
//! median is [`quantile`] at 0.5 (the lower middle value plus half the gap). Each keeps the
//! formula its numbers were first published with.

/// The median of `values` (sorted in place), the mean of the two middle values when their count
/// is even; NaN when there are none. NaN values sort last, so callers leave them out.
pub(crate) fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

/// Quantile `q` of sorted values, linear interpolation between order statistics (Hyndman–Fan
/// type 7, R's and NumPy's default); NaN when there are none.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Smallest and largest value, ignoring NaN (`f64::min`/`max` return the other operand), in four
/// independent lanes so the loop is not one long dependency chain. (∞, −∞) when no value is a
/// number.
pub(crate) fn min_max(values: &[f64]) -> (f64, f64) {
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    let chunks = values.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        for j in 0..4 {
            lo[j] = lo[j].min(c[j]);
            hi[j] = hi[j].max(c[j]);
        }
    }
    for &x in tail {
        lo[0] = lo[0].min(x);
        hi[0] = hi[0].max(x);
    }
    (lo[0].min(lo[1]).min(lo[2].min(lo[3])), hi[0].max(hi[1]).max(hi[2].max(hi[3])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&mut [7.0]), 7.0);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn median_sorts_its_input() {
        let mut v = [5.0, -1.0, 3.0];
        median(&mut v);
        assert_eq!(v, [-1.0, 3.0, 5.0]);
    }

    #[test]
    fn quantile_interpolates_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        // h = 4 · 0.1 = 0.4: 1 + 0.4 · (2 − 1).
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-15);
        // NumPy: np.quantile([10, 20, 40], 0.75) == 30.0.
        assert_eq!(quantile(&[10.0, 20.0, 40.0], 0.75), 30.0);
        assert_eq!(quantile(&[2.0], 0.3), 2.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn quantile_at_one_half_is_the_median_up_to_rounding() {
        let mut v = [0.1, 0.7, 0.2, 0.9];
        let m = median(&mut v);
        assert!((quantile(&v, 0.5) - m).abs() <= 1e-15);
    }

    #[test]
    fn min_max_ignores_nan_in_every_lane() {
        let v = [f64::NAN, 3.0, -2.0, f64::NAN, 8.0, f64::NAN, 0.5, 1.0, f64::NAN];
        assert_eq!(min_max(&v), (-2.0, 8.0));
        assert_eq!(min_max(&[4.0, 1.0]), (1.0, 4.0));
        assert_eq!(min_max(&[f64::NAN; 6]), (f64::INFINITY, f64::NEG_INFINITY));
        assert_eq!(min_max(&[]), (f64::INFINITY, f64::NEG_INFINITY));
    }
}
