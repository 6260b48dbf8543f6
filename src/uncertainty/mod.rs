//! How sure is each rank? Monte Carlo over the choices behind a score and over the reports' own
//! intervals, and Sobol sensitivity indices of the rank shifts (METHODOLOGY §8).
//!
//! Every draw re-runs the scoring pipeline of [`crate::scoring`] (normalise → aggregate → rank) for
//! one year with its own random choices: each indicator and dimension weight × U(1 − δ, 1 + δ), a
//! normalisation, an aggregation and an imputation drawn from the lists given, and every interval
//! value ("90余" = [90, 100)) drawn uniformly inside its interval. Draw i's random numbers come
//! from streams seeded by (seed, i, input), so results are the same bits whatever the thread count
//! and however the draws are split into chunks.
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions, Units};
//! use fazhi::uncertainty::{UncertaintyOptions, uncertainty};
//!
//! let data = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo");
//! let units = Units::read(format!("{data}/units.csv"), None).unwrap();
//! let panel = Panel::read(format!("{data}/panel.csv"), Catalogue::default_catalogue(), Some(units), &PanelOptions::default()).unwrap();
//! let u = uncertainty(&panel, &UncertaintyOptions { draws: 200, ..UncertaintyOptions::new(2024) }, &mut |_, _| true).unwrap();
//! let ranks = u.ranks().unwrap();
//! assert_eq!(ranks.height(), 14);
//! ```

mod kernel;
mod sobol;

use polars::prelude::*;
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use sobol::{MAX_BASE, MAX_BOOTSTRAP, SobolIndex, check_sizes as check_sensitivity_sizes, sobol_indices};

use crate::analytics::PanelView;
use crate::error::{Error, Result};
use crate::panel::{Panel, float_column};
use crate::scoring::engine::{self, Cells, Layout, Sets};
use crate::scoring::{Aggregate, Impute, Normalise, ScoreOptions};

/// The uncertain inputs, in the order their random streams are numbered.
pub const INPUTS: [&str; 5] = ["weights", "intervals", "normalise", "aggregate", "impute"];

/// Most draws of one analysis. The Monte Carlo error of a share such as P(rank ≤ 3) is at most
/// 0.5 / √draws, 0.0005 here; more draws cost time and memory and change no reported rank.
pub const MAX_DRAWS: usize = 1_000_000;

/// Most draws × units one analysis keeps: each draw keeps a rank and a score per unit (8 bytes),
/// so about 800 MB. With many units this bounds the draws below [`MAX_DRAWS`].
pub const MAX_DRAW_CELLS: usize = 100_000_000;

/// Draws run between two progress calls (and chances to cancel).
const CHUNK: usize = 64;

/// What varies between draws, and how much.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UncertaintyOptions {
    pub year: i32,
    pub draws: usize,
    pub seed: u64,
    /// δ: every weight is multiplied by U(1 − δ, 1 + δ), then renormalised.
    pub weights_spread: f64,
    /// Normalisations to draw from (empty: the nominal one only).
    pub normalise: Vec<Normalise>,
    /// Aggregations to draw from (empty: the nominal one only).
    pub aggregate: Vec<(Aggregate, Aggregate)>,
    /// Imputations to draw from, e.g. none and carry-forward (empty: the nominal one only).
    pub impute: Vec<Impute>,
    /// Draw interval values inside their intervals.
    pub intervals: bool,
    /// Report P(rank ≤ k) for these k.
    pub top: Vec<u32>,
    /// The nominal scoring settings (scope, weights, kinds, coverage, winsorising, …).
    pub score: ScoreOptions,
}

impl UncertaintyOptions {
    /// Defaults: 1000 draws, seed 20240301, δ = 0.25, intervals on, P(rank ≤ 1, 3, 10).
    pub fn new(year: i32) -> Self {
        Self {
            year,
            draws: 1000,
            seed: 20_240_301,
            weights_spread: 0.25,
            normalise: Vec::new(),
            aggregate: Vec::new(),
            impute: Vec::new(),
            intervals: true,
            top: vec![1, 3, 10],
            score: ScoreOptions::default(),
        }
    }

    fn normalise_choices(&self) -> Vec<Normalise> {
        if self.normalise.is_empty() { vec![self.score.normalise] } else { self.normalise.clone() }
    }

    fn aggregate_choices(&self) -> Vec<(Aggregate, Aggregate)> {
        if self.aggregate.is_empty() { vec![self.score.aggregate] } else { self.aggregate.clone() }
    }

    fn impute_choices(&self) -> Vec<Impute> {
        if self.impute.is_empty() { vec![self.score.impute] } else { self.impute.clone() }
    }

    fn check(&self) -> Result<()> {
        if !(self.weights_spread.is_finite() && (0.0..1.0).contains(&self.weights_spread)) {
            return Err(Error::InvalidArgument(format!("weights_spread must be in [0, 1), got {}", self.weights_spread)));
        }
        if self.draws == 0 {
            return Err(Error::InvalidArgument("draws must be at least 1".into()));
        }
        if self.draws > MAX_DRAWS {
            return Err(Error::InvalidArgument(format!(
                "draws must be at most {MAX_DRAWS}, got {}: rank intervals settle long before (the error of a \
                 share such as P(rank ≤ 3) is at most 0.5/√draws); use 1000 to 10000",
                self.draws
            )));
        }
        for &n in &self.normalise_choices() {
            for &a in &self.aggregate_choices() {
                ScoreOptions { normalise: n, aggregate: a, targets: self.score.targets.clone(), ..self.score.clone() }.check()?;
            }
        }
        Ok(())
    }
}

/// One imputation variant of the year's data, ready to be drawn from.
struct Base {
    layout: Layout,
    cells: Cells,
    observed: Vec<u16>,
    sets: Sets,
    /// Interval cells: (cell, lo, hi, factor from reported to scored value), in cell order.
    intervals: Vec<(u32, f64, f64, f64)>,
}

/// The year's data prepared once for every draw.
pub struct Prepared<'p> {
    panel: &'p Panel,
    options: UncertaintyOptions,
    bases: Vec<Base>,
    normalise: Vec<Normalise>,
    aggregate: Vec<(Aggregate, Aggregate)>,
    impute: Vec<Impute>,
    /// The scoring options of every (imputation, normalisation, aggregation) choice, made once
    /// rather than per draw: `(b · normalisations + n) · aggregations + a`.
    combos: Vec<ScoreOptions>,
    /// Nominal composite, rank (0 = not ranked).
    nominal_score: Vec<f64>,
    nominal_rank: Vec<u32>,
    /// Every unit, the rows a draw ranks.
    all_units: Vec<u32>,
    /// Always take the general pipeline, not the draw kernel (for the tests that compare them).
    general: bool,
}

/// What one draw gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draw {
    pub index: usize,
    pub normalise: Normalise,
    pub aggregate: (Aggregate, Aggregate),
    pub impute: Impute,
    /// Rank per unit (0 = not ranked in this draw); empty when the draw was skipped.
    pub ranks: Vec<u32>,
    pub scores: Vec<f32>,
    /// Why the draw could not be completed (e.g. geometric aggregation met a zero).
    pub skipped: Option<String>,
    /// Mean |rank − nominal rank| over the units ranked in both.
    pub mean_abs_shift: f64,
}

/// Seed of the random stream of one input of one draw. `matrix` tells the ordinary draws (0)
/// from the two Saltelli base matrices (1, 2).
pub(crate) fn stream(seed: u64, matrix: u64, row: u64, input: usize) -> Pcg64Mcg {
    let key = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ matrix.wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(29)
        ^ row.wrapping_mul(0x1656_67B1_9E37_79F9).rotate_left(11)
        ^ (input as u64 + 1).wrapping_mul(0x27D4_EB2F_1656_67C5).rotate_left(47);
    Pcg64Mcg::seed_from_u64(key)
}

pub(crate) fn uniform(rng: &mut Pcg64Mcg) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// One interval cell's scored value: uniform in [lo, hi), times its reported-to-scored factor.
fn draw_interval(&(_, lo, hi, factor): &(u32, f64, f64, f64), rng: &mut Pcg64Mcg) -> f64 {
    (lo + (hi - lo) * uniform(rng)) * factor
}

fn pick(rng: &mut Pcg64Mcg, n: usize) -> usize {
    if n <= 1 { 0 } else { (uniform(rng) * n as f64) as usize % n }
}

impl<'p> Prepared<'p> {
    /// Prepares the year's data for every imputation variant and computes the nominal ranking.
    pub fn new(panel: &'p Panel, options: &UncertaintyOptions) -> Result<Self> {
        options.check()?;
        let n_units = panel.unit_codes().len().max(1);
        if options.draws > MAX_DRAW_CELLS / n_units {
            return Err(Error::InvalidArgument(format!(
                "draws must be at most {} for a panel of {n_units} units, got {}: every draw keeps a rank and a score \
                 per unit, and draws × units may not pass {MAX_DRAW_CELLS} (about 800 MB); use fewer draws",
                MAX_DRAW_CELLS / n_units,
                options.draws
            )));
        }
        let catalogue = panel.catalogue();
        let normalise = options.normalise_choices();
        let aggregate = options.aggregate_choices();
        let impute = options.impute_choices();
        let view = PanelView::new(panel)?;
        let mut bases = Vec::new();
        for &imp in &impute {
            let opts = ScoreOptions { years: Some(vec![options.year]), impute: imp, ..options.score.clone() };
            let mut excluded = Vec::new();
            let (full_layout, _) = engine::layout(panel, &opts)?;
            let (cells, observed) = engine::cells(panel, &view, &full_layout, &opts, &mut excluded)?;
            // Slice the year out: a one-year layout, so each draw works on units × indicators only.
            let yi = full_layout
                .year_index(options.year)
                .ok_or_else(|| Error::InvalidArgument(format!("year {} is not in the panel", options.year)))?;
            let nu = full_layout.n_units();
            let cells = cells.one_year(&full_layout, yi);
            let observed = observed[full_layout.year_rows(yi)].to_vec();
            let layout = full_layout.one_year(yi);
            let sets = engine::sets(&layout, opts.scope);
            // Interval cells of the year.
            let col_of = layout.columns(catalogue.indicators.len());
            let mut intervals = Vec::new();
            if options.intervals {
                for r in 0..view.len() {
                    if view.year[r] != options.year || !view.qualified(r) {
                        continue;
                    }
                    let ci = view.indicator[r] as usize;
                    let k = col_of[ci];
                    if k == u32::MAX {
                        continue;
                    }
                    let c = k as usize * nu + view.unit[r] as usize;
                    let (point, scored) = (view.value[r], cells.scored(c));
                    if scored.is_nan() || cells.imputed(c) || point == 0.0 {
                        continue;
                    }
                    let (lo, hi) = view.sampling_bounds(r, &catalogue.indicators[ci]);
                    if hi > lo && lo.is_finite() && hi.is_finite() {
                        intervals.push((c as u32, lo, hi, scored / point));
                    }
                }
            }
            // Cell order: column by column, as the draw kernel reads them.
            intervals.sort_unstable_by_key(|iv| iv.0);
            bases.push(Base { layout, cells, observed, sets, intervals });
        }
        let mut combos = Vec::new();
        for &imp in &impute {
            for &norm in &normalise {
                for &agg in &aggregate {
                    let years = Some(vec![options.year]);
                    combos.push(ScoreOptions { normalise: norm, aggregate: agg, impute: imp, years, ..options.score.clone() });
                }
            }
        }
        let mut prepared = Self {
            panel,
            options: options.clone(),
            bases,
            normalise,
            aggregate,
            impute,
            combos,
            nominal_score: Vec::new(),
            nominal_rank: Vec::new(),
            all_units: (0..panel.unit_codes().len() as u32).collect(),
            general: false,
        };
        let nominal = prepared.evaluate_nominal()?;
        prepared.nominal_score = nominal.0;
        prepared.nominal_rank = nominal.1;
        Ok(prepared)
    }

    fn nominal_choice<T: PartialEq + Copy>(choices: &[T], nominal: T) -> usize {
        choices.iter().position(|c| *c == nominal).unwrap_or(0)
    }

    fn evaluate_nominal(&self) -> Result<(Vec<f64>, Vec<u32>)> {
        let o = &self.options.score;
        let b = Self::nominal_choice(&self.impute, o.impute);
        let n = Self::nominal_choice(&self.normalise, o.normalise);
        let a = Self::nominal_choice(&self.aggregate, o.aggregate);
        self.run(b, n, a, None, None)
    }

    /// Runs the pipeline for one set of choices; `weights` and `values` carry the random streams
    /// (None: nominal weights / point values).
    fn run(
        &self,
        b: usize,
        n: usize,
        a: usize,
        weights: Option<&mut Pcg64Mcg>,
        values: Option<&mut Pcg64Mcg>,
    ) -> Result<(Vec<f64>, Vec<u32>)> {
        let base = &self.bases[b];
        let delta = self.options.weights_spread;
        let (w_ind, w_dim) = base.layout.weights();
        let (mut w_ind, mut w_dim) = (w_ind.to_vec(), w_dim.to_vec());
        if let Some(rng) = weights
            && delta > 0.0
        {
            for w in w_ind.iter_mut().chain(w_dim.iter_mut()) {
                *w *= 1.0 - delta + 2.0 * delta * uniform(rng);
            }
        }
        let opts = &self.combos[(b * self.normalise.len() + n) * self.aggregate.len() + a];
        let score = if kernel::supports(opts) && !self.general {
            kernel::composite(self.panel.catalogue(), self.panel.unit_codes(), base, &w_ind, &w_dim, values, opts)?
        } else {
            self.general_run(base, w_ind, w_dim, values, opts)?
        };
        let (rank, _) = engine::rank(&score, &self.all_units);
        Ok((score, rank))
    }

    /// The draw through the general scoring engine (every option, with its bookkeeping).
    fn general_run(
        &self,
        base: &Base,
        w_ind: Vec<f64>,
        w_dim: Vec<f64>,
        values: Option<&mut Pcg64Mcg>,
        opts: &ScoreOptions,
    ) -> Result<Vec<f64>> {
        let layout = base.layout.with_weights(w_ind, w_dim);
        let mut cells = base.cells.for_draw();
        if let Some(rng) = values {
            for iv in &base.intervals {
                cells.set_scored(iv.0 as usize, draw_interval(iv, rng));
            }
        }
        let mut excluded = Vec::new();
        let norm = engine::normalise(self.panel, &layout, &base.sets, &mut cells, opts, &mut excluded)?;
        let rows =
            engine::aggregate(self.panel.catalogue(), self.panel.unit_codes(), &layout, &base.sets, &norm, &cells, &base.observed, opts)?;
        Ok(rows.into_composite())
    }

    /// One draw: `matrix`/`row` name its random streams; `sources` may take an input's stream
    /// from another (matrix, row), for Saltelli's mixed matrices.
    fn draw(&self, index: usize, sources: [(u64, u64); 5]) -> Draw {
        let seed = self.options.seed;
        let rng = |input: usize| stream(seed, sources[input].0, sources[input].1, input);
        let mut w_rng = rng(0);
        let mut v_rng = rng(1);
        let n = pick(&mut rng(2), self.normalise.len());
        let a = pick(&mut rng(3), self.aggregate.len());
        let b = pick(&mut rng(4), self.impute.len());
        let values = (self.options.intervals && !self.bases[b].intervals.is_empty()).then_some(&mut v_rng);
        let mut d = Draw {
            index,
            normalise: self.normalise[n],
            aggregate: self.aggregate[a],
            impute: self.impute[b],
            ranks: Vec::new(),
            scores: Vec::new(),
            skipped: None,
            mean_abs_shift: f64::NAN,
        };
        match self.run(b, n, a, Some(&mut w_rng), values) {
            Ok((scores, ranks)) => {
                let (mut sum, mut count) = (0.0, 0usize);
                for (r, nr) in ranks.iter().zip(&self.nominal_rank) {
                    if *r > 0 && *nr > 0 {
                        sum += (f64::from(*r) - f64::from(*nr)).abs();
                        count += 1;
                    }
                }
                d.mean_abs_shift = if count > 0 { sum / count as f64 } else { f64::NAN };
                d.scores = scores.iter().map(|&x| x as f32).collect();
                d.ranks = ranks;
            }
            Err(e) => d.skipped = Some(e.to_string()),
        }
        d
    }

    /// Ordinary Monte Carlo draws `range` (draw i uses streams (seed, 0, i, ·)).
    pub fn draws(&self, range: std::ops::Range<usize>) -> Vec<Draw> {
        range.into_par_iter().map(|i| self.draw(i, [(0, i as u64); 5])).collect()
    }

    /// Every draw of the options, in chunks: `progress(done, total)` after each chunk may return
    /// false to stop (an error, not a partial answer). Memory grows with the draws done; nothing
    /// is reserved up front.
    pub fn all_draws(&self, progress: &mut dyn FnMut(usize, usize) -> bool) -> Result<Vec<Draw>> {
        let total = self.options.draws;
        let mut draws = Vec::new();
        let mut start = 0;
        while start < total {
            let end = (start + CHUNK).min(total);
            draws.extend(self.draws(start..end));
            start = end;
            if !progress(start, total) {
                return Err(Error::InvalidArgument(format!("cancelled after {start} of {total} draws")));
            }
        }
        Ok(draws)
    }

    /// Summarises the draws into the per-unit frame.
    pub fn finish(&self, draws: Vec<Draw>) -> Uncertainty {
        Uncertainty {
            year: self.options.year,
            units: self.panel.unit_codes().to_vec(),
            names: self.panel.unit_names(),
            top: self.options.top.clone(),
            nominal_rank: self.nominal_rank.clone(),
            nominal_score: self.nominal_score.clone(),
            draws,
            sensitivity: Vec::new(),
            settings: self.options.clone(),
        }
    }

    /// First-order and total Sobol indices of the mean absolute rank shift per input that varies
    /// (Saltelli 2010 sampling, Saltelli first-order and Jansen total estimators), with bootstrap
    /// 95 % intervals. `base` rows per matrix: (inputs + 2) · base pipeline runs; at most
    /// [`MAX_BASE`] rows and [`MAX_BOOTSTRAP`] resamples. `progress` as in [`sobol_indices`].
    pub fn sensitivity(&self, base: usize, bootstrap: usize, progress: &mut dyn FnMut(usize, usize) -> bool) -> Result<Vec<SobolIndex>> {
        check_sensitivity_sizes(base, bootstrap)?;
        let varying: Vec<usize> = (0..INPUTS.len())
            .filter(|&i| match i {
                0 => self.options.weights_spread > 0.0,
                1 => self.options.intervals && self.bases.iter().any(|b| !b.intervals.is_empty()),
                2 => self.normalise.len() > 1,
                3 => self.aggregate.len() > 1,
                _ => self.impute.len() > 1,
            })
            .collect();
        if varying.is_empty() {
            return Err(Error::InvalidArgument(
                "nothing varies: give weights_spread > 0, intervals, or more than one normalise/aggregate/impute choice".into(),
            ));
        }
        let f = |sources: [(u64, u64); 5]| -> Option<f64> {
            let d = self.draw(0, sources);
            if d.skipped.is_some() { None } else { Some(d.mean_abs_shift) }
        };
        sobol_indices(&f, &varying, base, bootstrap, self.options.seed, progress)
    }
}

/// Runs the Monte Carlo: `progress(done, total)` is called after every chunk of draws and may
/// return false to stop (the result is then an error, not a partial answer). At most
/// [`MAX_DRAWS`] draws, and draws × units at most [`MAX_DRAW_CELLS`].
pub fn uncertainty(panel: &Panel, options: &UncertaintyOptions, progress: &mut dyn FnMut(usize, usize) -> bool) -> Result<Uncertainty> {
    let prepared = Prepared::new(panel, options)?;
    let draws = prepared.all_draws(progress)?;
    Ok(prepared.finish(draws))
}

/// The result: per-unit rank and score distributions, the draws, and (if run) Sobol indices.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Uncertainty {
    pub year: i32,
    units: Vec<String>,
    names: Vec<Option<String>>,
    top: Vec<u32>,
    nominal_rank: Vec<u32>,
    nominal_score: Vec<f64>,
    pub draws: Vec<Draw>,
    pub sensitivity: Vec<SobolIndex>,
    pub settings: UncertaintyOptions,
}

impl Uncertainty {
    /// Draws completed (not skipped).
    pub fn completed(&self) -> usize {
        self.draws.iter().filter(|d| d.skipped.is_none()).count()
    }

    /// Per unit: unit, name, year, nominal_rank, nominal_score, median_rank, rank_p05, rank_p95,
    /// p_rank_le_{k} for each k, score_p05, score_median, score_p95, draws_ranked. Units not
    /// ranked nominally are listed with null statistics of the nominal columns.
    pub fn ranks(&self) -> Result<DataFrame> {
        let ok: Vec<&Draw> = self.draws.iter().filter(|d| d.skipped.is_none()).collect();
        let n_units = self.units.len();
        struct Row {
            med: f64,
            p05: f64,
            p95: f64,
            top: Vec<f64>,
            s05: f64,
            s50: f64,
            s95: f64,
            ranked: u32,
        }
        // Gather each unit's draws in blocks of units, reading every draw's ranks contiguously.
        const BLOCK: usize = 256;
        let rows: Vec<Row> = (0..n_units)
            .step_by(BLOCK)
            .collect::<Vec<_>>()
            .into_par_iter()
            .flat_map_iter(|u0| {
                let u1 = (u0 + BLOCK).min(n_units);
                let mut ranks: Vec<Vec<f64>> = vec![Vec::with_capacity(ok.len()); u1 - u0];
                let mut scores: Vec<Vec<f64>> = vec![Vec::with_capacity(ok.len()); u1 - u0];
                for d in &ok {
                    for (i, (&r, &s)) in d.ranks[u0..u1].iter().zip(&d.scores[u0..u1]).enumerate() {
                        if r > 0 {
                            ranks[i].push(f64::from(r));
                        }
                        if !s.is_nan() {
                            scores[i].push(f64::from(s));
                        }
                    }
                }
                let top = &self.top;
                let n_ok = ok.len();
                ranks
                    .into_iter()
                    .zip(scores)
                    .map(move |(mut ranks, mut scores)| {
                        // Equal values are the same bits, so an unstable sort gives the same order.
                        ranks.sort_unstable_by(f64::total_cmp);
                        scores.sort_unstable_by(f64::total_cmp);
                        let q = crate::stats::quantile;
                        // Ranks are sorted, so the count of draws with rank ≤ k is a partition point.
                        let share =
                            |k: u32| if n_ok == 0 { f64::NAN } else { ranks.partition_point(|&r| r <= f64::from(k)) as f64 / n_ok as f64 };
                        Row {
                            med: q(&ranks, 0.5),
                            p05: q(&ranks, 0.05),
                            p95: q(&ranks, 0.95),
                            top: top.iter().map(|&k| share(k)).collect(),
                            s05: q(&scores, 0.05),
                            s50: q(&scores, 0.5),
                            s95: q(&scores, 0.95),
                            ranked: ranks.len() as u32,
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut order: Vec<usize> = (0..n_units).collect();
        order.sort_by_key(|&u| (if self.nominal_rank[u] == 0 { u32::MAX } else { self.nominal_rank[u] }, u));
        let mut cols = vec![
            Column::new("unit".into(), order.iter().map(|&u| self.units[u].as_str()).collect::<Vec<_>>()),
            Column::new("name".into(), order.iter().map(|&u| self.names[u].as_deref()).collect::<Vec<_>>()),
            Column::new("year".into(), vec![self.year; n_units]),
            Column::new(
                "nominal_rank".into(),
                order.iter().map(|&u| (self.nominal_rank[u] > 0).then_some(self.nominal_rank[u])).collect::<Vec<_>>(),
            ),
            float_column("nominal_score", order.iter().map(|&u| self.nominal_score[u]).collect()),
            float_column("median_rank", order.iter().map(|&u| rows[u].med).collect()),
            float_column("rank_p05", order.iter().map(|&u| rows[u].p05).collect()),
            float_column("rank_p95", order.iter().map(|&u| rows[u].p95).collect()),
        ];
        for (i, k) in self.top.iter().enumerate() {
            cols.push(float_column(&format!("p_rank_le_{k}"), order.iter().map(|&u| rows[u].top[i]).collect()));
        }
        cols.push(float_column("score_p05", order.iter().map(|&u| rows[u].s05).collect()));
        cols.push(float_column("score_median", order.iter().map(|&u| rows[u].s50).collect()));
        cols.push(float_column("score_p95", order.iter().map(|&u| rows[u].s95).collect()));
        cols.push(Column::new("draws_ranked".into(), order.iter().map(|&u| rows[u].ranked).collect::<Vec<_>>()));
        Ok(DataFrame::new(n_units, cols)?)
    }

    /// P(A ranks above B) for every ordered pair of the given units (codes), over completed draws.
    pub fn pairs(&self, units: &[String]) -> Result<DataFrame> {
        let idx: Vec<usize> = units
            .iter()
            .map(|c| {
                self.units.iter().position(|x| x == c).ok_or_else(|| Error::InvalidArgument(format!("unit {c:?} is not in the panel")))
            })
            .collect::<Result<_>>()?;
        let ok: Vec<&Draw> = self.draws.iter().filter(|d| d.skipped.is_none()).collect();
        let (mut a_col, mut b_col, mut p) = (Vec::new(), Vec::new(), Vec::new());
        for &a in &idx {
            for &b in &idx {
                if a == b {
                    continue;
                }
                let above = ok.iter().filter(|d| d.ranks[a] > 0 && (d.ranks[b] == 0 || d.ranks[a] < d.ranks[b])).count();
                a_col.push(self.units[a].as_str());
                b_col.push(self.units[b].as_str());
                p.push(if ok.is_empty() { f64::NAN } else { above as f64 / ok.len() as f64 });
            }
        }
        let n = p.len();
        Ok(DataFrame::new(
            n,
            vec![Column::new("unit_a".into(), a_col), Column::new("unit_b".into(), b_col), float_column("p_a_above_b", p)],
        )?)
    }

    /// One row per draw: draw, normalise, aggregate, impute, mean_abs_rank_shift, skipped.
    pub fn draws_frame(&self) -> Result<DataFrame> {
        let d = &self.draws;
        Ok(DataFrame::new(
            d.len(),
            vec![
                Column::new("draw".into(), d.iter().map(|x| x.index as u32).collect::<Vec<_>>()),
                Column::new("normalise".into(), d.iter().map(|x| x.normalise.as_str()).collect::<Vec<_>>()),
                Column::new(
                    "aggregate".into(),
                    d.iter().map(|x| format!("{},{}", x.aggregate.0.as_str(), x.aggregate.1.as_str())).collect::<Vec<_>>(),
                ),
                Column::new("impute".into(), d.iter().map(|x| x.impute.label()).collect::<Vec<_>>()),
                float_column("mean_abs_rank_shift", d.iter().map(|x| x.mean_abs_shift).collect()),
                Column::new("skipped".into(), d.iter().map(|x| x.skipped.as_deref()).collect::<Vec<_>>()),
            ],
        )?)
    }

    /// Skipped draws by reason: reason, draws.
    pub fn skipped(&self) -> Result<DataFrame> {
        let mut by: Vec<(String, u32)> = Vec::new();
        for d in &self.draws {
            if let Some(s) = &d.skipped {
                // The reason without the unit-specific tail, so the same cause groups together.
                let key = s.split(", but ").next().unwrap_or(s).to_string();
                match by.iter_mut().find(|(k, _)| *k == key) {
                    Some(x) => x.1 += 1,
                    None => by.push((key, 1)),
                }
            }
        }
        let n = by.len();
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("reason".into(), by.iter().map(|x| x.0.as_str()).collect::<Vec<_>>()),
                Column::new("draws".into(), by.iter().map(|x| x.1).collect::<Vec<_>>()),
            ],
        )?)
    }

    /// Sobol indices: input, first_order, first_order_lo, first_order_hi, total, total_lo,
    /// total_hi, n (rows used), dropped (rows with a skipped run).
    pub fn sensitivity_frame(&self) -> Result<DataFrame> {
        let s = &self.sensitivity;
        Ok(DataFrame::new(
            s.len(),
            vec![
                Column::new("input".into(), s.iter().map(|x| x.input.as_str()).collect::<Vec<_>>()),
                Column::new("first_order".into(), s.iter().map(|x| x.first).collect::<Vec<_>>()),
                Column::new("first_order_lo".into(), s.iter().map(|x| x.first_ci.0).collect::<Vec<_>>()),
                Column::new("first_order_hi".into(), s.iter().map(|x| x.first_ci.1).collect::<Vec<_>>()),
                Column::new("total".into(), s.iter().map(|x| x.total).collect::<Vec<_>>()),
                Column::new("total_lo".into(), s.iter().map(|x| x.total_ci.0).collect::<Vec<_>>()),
                Column::new("total_hi".into(), s.iter().map(|x| x.total_ci.1).collect::<Vec<_>>()),
                Column::new("n".into(), s.iter().map(|x| x.n as u32).collect::<Vec<_>>()),
                Column::new("dropped".into(), s.iter().map(|x| x.dropped as u32).collect::<Vec<_>>()),
            ],
        )?)
    }
}
