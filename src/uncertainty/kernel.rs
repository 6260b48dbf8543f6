//! The draw kernel: one year's pipeline with nothing a draw does not need.
//!
//! The general engine ([`crate::scoring::engine`]) keeps every normalised cell, the dimension
//! scores and coverage of every unit-year and the notes on what was left out, because `score()`
//! shows them all. A draw needs only each unit's composite, and runs a thousand times. So here each
//! indicator column is copied into a reused buffer, its interval values are drawn, it is normalised
//! per comparison set and added to its dimension's accumulators at once; only the accumulators
//! (units × dimensions) outlive a column, and the buffers are kept per thread between draws.
//!
//! The kernel calls the engine's own per-set normalisation, accumulation and combination, in the
//! same order, so a draw gives the same bits as the general pipeline (the tests below check it).
//! Normalisation against targets needs the target of every cell and stays on the general path.

use std::cell::RefCell;

use rand_pcg::Pcg64Mcg;

use super::{Base, draw_interval};
use crate::error::Result;
use crate::model::Catalogue;
use crate::scoring::engine::{self, Combined};
use crate::scoring::{Normalise, ScoreOptions};

/// Whether the kernel computes draws under these options.
pub(super) fn supports(options: &ScoreOptions) -> bool {
    options.normalise != Normalise::Target
}

/// Buffers reused across the draws one thread runs.
#[derive(Default)]
struct Scratch {
    col: Vec<f64>,
    norm: Vec<f64>,
    acc: Vec<f64>,
    dim_present: Vec<f64>,
    total: Vec<f64>,
    dim_score: Vec<f64>,
    dim_cov: Vec<f64>,
    present: Vec<f64>,
    cov: Vec<f64>,
    buf: Vec<f64>,
    idx: Vec<u32>,
}

fn reset(v: &mut Vec<f64>, n: usize, x: f64) {
    v.clear();
    v.resize(n, x);
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The composite score of every unit (NaN: not scored) for one draw: the base's values with
/// the interval cells drawn from `values` (in cell order), weighted by `w_ind` and `w_dim`.
pub(super) fn composite(
    catalogue: &Catalogue,
    units: &[String],
    base: &Base,
    w_ind: &[f64],
    w_dim: &[f64],
    mut values: Option<&mut Pcg64Mcg>,
    options: &ScoreOptions,
) -> Result<Vec<f64>> {
    let layout = &base.layout;
    let sets = &base.sets;
    let (nu, n_k, n_d, n_sets) = (layout.n_units(), layout.n_indicators(), layout.n_dimensions(), sets.rows().len());
    let agg_dim = options.aggregate.0;
    SCRATCH.with_borrow_mut(|sc| {
        sc.col.resize(nu, 0.0);
        reset(&mut sc.norm, nu, f64::NAN);
        reset(&mut sc.acc, n_d * nu, engine::accumulator_start(agg_dim));
        reset(&mut sc.dim_present, n_d * nu, 0.0);
        let mut set_total = vec![0.0f64; n_sets * n_d];
        let mut first_bad: Option<(usize, String)> = None;
        let mut next = 0;
        for (k, &w) in w_ind.iter().enumerate().take(n_k) {
            let ind = &catalogue.indicators[layout.indicator(k)];
            let d = layout.dimension_of(k);
            let column = base.cells.scored_column(k, nu);
            let drawn = values.is_some() && base.intervals.get(next).is_some_and(|iv| (iv.0 as usize) < (k + 1) * nu);
            // The base column is read in place unless a draw or winsorising changes it.
            let col: &[f64] = if drawn || options.winsorise.is_some() {
                sc.col.copy_from_slice(column);
                if let Some(rng) = values.as_deref_mut() {
                    while let Some(iv) = base.intervals.get(next).filter(|iv| (iv.0 as usize) < (k + 1) * nu) {
                        sc.col[iv.0 as usize - k * nu] = draw_interval(iv, rng);
                        next += 1;
                    }
                }
                if let Some((lo_q, hi_q)) = options.winsorise {
                    for rows in sets.rows() {
                        engine::winsorise_set(&mut sc.col, rows, lo_q, hi_q, &mut sc.buf, |_| {});
                    }
                }
                &sc.col
            } else {
                column
            };
            let goalposts = (options.normalise == Normalise::Goalposts).then(|| match ind.goalposts {
                Some(g) => (g.worst, g.best),
                None => engine::data_goalposts(col.iter().copied(), ind.polarity, &mut sc.buf),
            });
            sc.norm.fill(f64::NAN);
            engine::normalise_sets(
                options.normalise,
                ind.polarity.sign(),
                goalposts,
                col,
                sets.rows(),
                &mut sc.norm,
                &mut sc.idx,
                |s, informative| {
                    if informative {
                        set_total[s * n_d + d] += w;
                    }
                },
            );
            let range = d * nu..(d + 1) * nu;
            let bad = engine::accumulate(agg_dim, w, &sc.norm, &mut sc.acc[range.clone()], &mut sc.dim_present[range], None);
            engine::keep_lowest(&mut first_bad, bad, || ind.code.clone());
        }
        reset(&mut sc.total, n_d * nu, 0.0);
        for u in 0..nu {
            if let Some(s) = sets.of(u) {
                for d in 0..n_d {
                    sc.total[d * nu + u] = set_total[s * n_d + d];
                }
            }
        }
        reset(&mut sc.dim_score, n_d * nu, f64::NAN);
        reset(&mut sc.dim_cov, n_d * nu, f64::NAN);
        reset(&mut sc.present, nu, 0.0);
        reset(&mut sc.cov, nu, f64::NAN);
        let mut score = vec![f64::NAN; nu];
        let out = Combined {
            dim_score: &mut sc.dim_score,
            dim_cov: &mut sc.dim_cov,
            present: &mut sc.present,
            score: &mut score,
            cov: &mut sc.cov,
        };
        let bad = engine::combine(options, w_dim, &sc.acc, &sc.dim_present, &sc.total, nu, out);
        engine::keep_lowest(&mut first_bad, bad.map(|(u, _)| u), || {
            bad.map_or_else(String::new, |(_, d)| format!("dimension {}", catalogue.dimensions[layout.dimension(d)].code))
        });
        match first_bad {
            Some((u, what)) => Err(engine::geometric_zero(&units[u], layout.year_of(u), &what)),
            None => Ok(score),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Prepared, UncertaintyOptions};
    use crate::scoring::{Aggregate, Impute, Normalise, Scope, ScoreOptions};
    use crate::{Catalogue, Panel, PanelOptions, Units};

    fn demo() -> Panel {
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
        let units = Units::read(format!("{data}/units.csv"), None).expect("demo units");
        Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).expect("demo panel")
    }

    /// The kernel and the general pipeline give the same bits, draw by draw, over every
    /// normalisation it handles, three aggregations, three imputations, two scopes and
    /// winsorising on and off; skipped draws are skipped by both with the same reason.
    #[test]
    fn kernel_matches_the_general_pipeline() {
        use Aggregate::*;
        let panel = demo();
        let mut checked = 0;
        // Z-scores are negative, so they are not aggregated geometrically.
        let bounded = vec![Normalise::MinMax, Normalise::Goalposts, Normalise::Rank];
        let choices = [
            (bounded, vec![(Arithmetic, Arithmetic), (Geometric, Geometric), (Minimum, Arithmetic), (Arithmetic, Minimum)]),
            (vec![Normalise::ZScore], vec![(Arithmetic, Arithmetic), (Minimum, Minimum)]),
        ];
        for scope in [Scope::Year, Scope::Group] {
            for winsorise in [None, Some((0.1, 0.9))] {
                for (normalise, aggregate) in &choices {
                    let options = UncertaintyOptions {
                        draws: 60,
                        normalise: normalise.clone(),
                        aggregate: aggregate.clone(),
                        impute: vec![Impute::None, Impute::CarryForward(2), Impute::GroupMedian],
                        score: ScoreOptions { scope, winsorise, ..ScoreOptions::default() },
                        ..UncertaintyOptions::new(2024)
                    };
                    let fast = Prepared::new(&panel, &options).expect("prepared");
                    let mut general = Prepared::new(&panel, &options).expect("prepared");
                    general.general = true;
                    assert!(fast.bases.iter().any(|b| !b.intervals.is_empty()), "the demo has interval values to draw");
                    let (a, b) = (fast.draws(0..options.draws), general.draws(0..options.draws));
                    for (x, y) in a.iter().zip(&b) {
                        let label = format!("{scope:?} {winsorise:?} draw {} {:?} {:?} {:?}", x.index, x.normalise, x.aggregate, x.impute);
                        assert_eq!(x.skipped, y.skipped, "{label}");
                        assert_eq!(x.ranks, y.ranks, "{label}");
                        let bits = |d: &super::super::Draw| d.scores.iter().map(|s| s.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(x), bits(y), "{label}");
                        checked += usize::from(x.skipped.is_none());
                    }
                }
            }
        }
        assert!(checked > 100, "only {checked} draws completed");
    }
}
