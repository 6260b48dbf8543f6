//! Variance-based sensitivity: Saltelli's sampling design with the Saltelli (2010) first-order
//! and Jansen (1999) total-effect estimators, and percentile bootstrap intervals.
//!
//! The model is evaluated on three kinds of input rows: A_j, B_j (independent draws of every
//! input) and A_B^(i)_j (A_j with input i taken from B_j). An input's random numbers are named
//! by (matrix, row), so "taken from B_j" means "use B_j's stream for that input".

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{INPUTS, stream, uniform};
use crate::error::{Error, Result};
use crate::stats::quantile;

/// Sobol indices of one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolIndex {
    pub input: String,
    /// First-order index S_i: the share of the output variance due to input i alone.
    pub first: f64,
    pub first_ci: (f64, f64),
    /// Total index ST_i: the share due to input i including all its interactions.
    pub total: f64,
    pub total_ci: (f64, f64),
    /// Base rows used.
    pub n: usize,
    /// Base rows dropped because one of their runs could not be completed.
    pub dropped: usize,
}

type Sources = [(u64, u64); 5];

/// Most base rows of a sensitivity analysis: (inputs + 2) · base pipeline runs, so 7 million runs
/// at most; the indices' bootstrap intervals are narrow long before.
pub const MAX_BASE: usize = 1_000_000;

/// Most bootstrap resamples; percentile intervals settle within a few thousand.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// Refuses sizes that could not be run (or would not fit in memory) before any work is done.
pub fn check_sizes(base: usize, bootstrap: usize) -> Result<()> {
    if base < 2 {
        return Err(Error::InvalidArgument(format!("base must be at least 2 (the sensitivity needs at least 2 base rows), got {base}")));
    }
    if base > MAX_BASE {
        return Err(Error::InvalidArgument(format!(
            "base must be at most {MAX_BASE}, got {base}: each base row costs (inputs + 2) pipeline runs; \
             use a few hundred to a few thousand (default 256)"
        )));
    }
    if bootstrap > MAX_BOOTSTRAP {
        return Err(Error::InvalidArgument(format!(
            "bootstrap must be at most {MAX_BOOTSTRAP}, got {bootstrap}: the 95 % intervals settle within a few thousand \
             resamples; use e.g. 200 (default) to 2000"
        )));
    }
    Ok(())
}

/// Estimates first-order and total indices of `f` for the inputs in `varying` (indices into
/// [`INPUTS`]), with `n` base rows and `bootstrap` resamples. `progress(done, total)` is called
/// after every chunk of pipeline runs and then of bootstrap resamples (total = runs + resamples)
/// and may stop the work by returning false. Sizes beyond [`MAX_BASE`] and [`MAX_BOOTSTRAP`]
/// are refused up front.
pub fn sobol_indices(
    f: &(dyn Fn(Sources) -> Option<f64> + Sync),
    varying: &[usize],
    n: usize,
    bootstrap: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<SobolIndex>> {
    check_sizes(n, bootstrap)?;
    let k = varying.len();
    // Run r of row j: 0 = A, 1 = B, 2 + i = A_B^(varying[i]).
    let runs_per_row = k + 2;
    // Cannot overflow: n ≤ MAX_BASE and k ≤ INPUTS.len().
    let total = n * runs_per_row;
    let all = total + bootstrap;
    let sources = |j: usize, run: usize| -> Sources {
        let a = (1u64, j as u64);
        let b = (2u64, j as u64);
        match run {
            0 => [a; 5],
            1 => [b; 5],
            r => {
                let mut s = [a; 5];
                s[varying[r - 2]] = b;
                s
            }
        }
    };
    let mut y: Vec<Option<f64>> = Vec::with_capacity(total);
    let chunk = 64 * runs_per_row;
    let mut start = 0;
    while start < total {
        let end = (start + chunk).min(total);
        y.extend((start..end).into_par_iter().map(|t| f(sources(t / runs_per_row, t % runs_per_row))).collect::<Vec<_>>());
        start = end;
        if !progress(start, all) {
            return Err(Error::InvalidArgument(format!("cancelled after {start} of {total} runs")));
        }
    }
    // Rows where every run completed.
    let rows: Vec<usize> = (0..n).filter(|&j| (0..runs_per_row).all(|r| y[j * runs_per_row + r].is_some_and(f64::is_finite))).collect();
    let dropped = n - rows.len();
    if rows.len() < 2 {
        return Err(Error::Scoring(format!("only {} of {n} sensitivity rows could be completed; see the skipped draws", rows.len())));
    }
    let at = |j: usize, r: usize| y[j * runs_per_row + r].unwrap_or(f64::NAN);
    let estimate = |sample: &[usize]| -> Vec<(f64, f64)> {
        let m = sample.len() as f64;
        let all: Vec<f64> = sample.iter().flat_map(|&j| [at(j, 0), at(j, 1)]).collect();
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        let var = all.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / all.len() as f64;
        (0..k)
            .map(|i| {
                let first = sample.iter().map(|&j| at(j, 1) * (at(j, 2 + i) - at(j, 0))).sum::<f64>() / m / var;
                let total = sample.iter().map(|&j| (at(j, 0) - at(j, 2 + i)).powi(2)).sum::<f64>() / (2.0 * m) / var;
                (first, total)
            })
            .collect()
    };
    let point = estimate(&rows);
    if point.iter().any(|(a, b)| !a.is_finite() || !b.is_finite()) {
        return Err(Error::Scoring(
            "the output does not vary across the sensitivity runs (variance 0), so there is nothing to apportion".into(),
        ));
    }
    // Resample b draws from its own stream, so chunking does not change the bits.
    let mut boots: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut done = 0;
    while done < bootstrap {
        let end = (done + 64).min(bootstrap);
        boots.par_extend((done..end).into_par_iter().map(|b| {
            let mut rng = stream(seed, 3, b as u64, 0);
            let sample: Vec<usize> =
                (0..rows.len()).map(|_| rows[((uniform(&mut rng) * rows.len() as f64) as usize).min(rows.len() - 1)]).collect();
            estimate(&sample)
        }));
        done = end;
        if !progress(total + done, all) {
            return Err(Error::InvalidArgument(format!("cancelled after {done} of {bootstrap} bootstrap resamples")));
        }
    }
    let ci = |i: usize, which: usize| -> (f64, f64) {
        let mut v: Vec<f64> = boots.iter().map(|e| if which == 0 { e[i].0 } else { e[i].1 }).filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        v.sort_by(f64::total_cmp);
        (quantile(&v, 0.025), quantile(&v, 0.975))
    };
    Ok(varying
        .iter()
        .enumerate()
        .map(|(i, &input)| SobolIndex {
            input: INPUTS[input].to_string(),
            first: point[i].0,
            first_ci: ci(i, 0),
            total: point[i].1,
            total_ci: ci(i, 1),
            n: rows.len(),
            dropped,
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Y = Σ a_i X_i with X_i ~ U(0, 1) independent: V_i = a_i²/12, so S_i = ST_i = a_i² / Σ a².
    #[test]
    fn additive_model_matches_analytic_indices() {
        let a = [1.0, 2.0, 3.0];
        let seed = 7;
        let f = |s: Sources| -> Option<f64> { Some((0..3).map(|i| a[i] * uniform(&mut stream(seed, s[i].0, s[i].1, i))).sum()) };
        let got = sobol_indices(&f, &[0, 1, 2], 8192, 200, seed, &mut |_, _| true).unwrap();
        let sum_sq: f64 = a.iter().map(|x| x * x).sum();
        for (i, idx) in got.iter().enumerate() {
            let want = a[i] * a[i] / sum_sq;
            assert!((idx.first - want).abs() < 0.03, "S_{i} = {} vs {want}", idx.first);
            assert!((idx.total - want).abs() < 0.03, "ST_{i} = {} vs {want}", idx.total);
            assert!(idx.first_ci.0 <= idx.first && idx.first <= idx.first_ci.1);
            assert_eq!(idx.dropped, 0);
        }
    }

    /// Y = X_0 · X_1 (an interaction): with U(0,1) inputs V = 7/144, V_0 = V_1 = 1/48, so
    /// S_i = 3/7 ≈ 0.4286 and ST_i = (1/48 + 1/144)/(7/144) = 4/7 ≈ 0.5714.
    #[test]
    fn interaction_shows_in_total_index() {
        let seed = 11;
        let f = |s: Sources| -> Option<f64> {
            Some(uniform(&mut stream(seed, s[0].0, s[0].1, 0)) * uniform(&mut stream(seed, s[1].0, s[1].1, 1)))
        };
        let got = sobol_indices(&f, &[0, 1], 16384, 0, seed, &mut |_, _| true).unwrap();
        for idx in &got {
            assert!((idx.first - 3.0 / 7.0).abs() < 0.03, "{idx:?}");
            assert!((idx.total - 4.0 / 7.0).abs() < 0.03, "{idx:?}");
        }
    }

    #[test]
    fn sizes_beyond_the_limits_are_refused_before_any_run() {
        let f = |_: Sources| -> Option<f64> { panic!("no run may start") };
        for (n, b, named) in [(1usize << 62, 10, "base"), (MAX_BASE + 1, 10, "base"), (1, 10, "base"), (16, 1 << 62, "bootstrap")] {
            let e = sobol_indices(&f, &[0], n, b, 1, &mut |_, _| true).unwrap_err().to_string();
            assert!(e.contains(named), "{e}");
        }
    }

    #[test]
    fn the_bootstrap_phase_can_be_cancelled() {
        let f = |s: Sources| -> Option<f64> { Some(uniform(&mut stream(1, s[0].0, s[0].1, 0))) };
        let runs = 64 * 3;
        let mut seen = Vec::new();
        let e = sobol_indices(&f, &[0], 64, 1000, 1, &mut |done, total| {
            seen.push((done, total));
            done <= runs
        })
        .unwrap_err();
        assert!(e.to_string().contains("bootstrap"), "{e}");
        assert_eq!(seen.last(), Some(&(runs + 64, runs + 1000)));
    }

    #[test]
    fn constant_output_is_an_error_not_nan() {
        let f = |_: Sources| -> Option<f64> { Some(1.0) };
        assert!(sobol_indices(&f, &[0], 16, 0, 1, &mut |_, _| true).is_err());
    }
}
