//! The rank stage: competition ranks ("1, 2, 2, 4"), dense ranks and ranks within groups, with
//! scores equal up to floating-point noise tied.

/// Competition ranks ("1, 2, 2, 4") of the scores among `rows` that are not NaN, descending;
/// ties share the lowest rank. Also dense ranks. Returns (rank, dense) aligned with `rows`
/// (0 = unranked).
pub(crate) fn rank(scores: &[f64], rows: &[u32]) -> (Vec<u32>, Vec<u32>) {
    ranks_of(&sorted_scores(scores, rows), rows.len())
}

/// [`rank`], and the positions in `rows` of the scores that are not NaN, best first (equal
/// scores by position).
pub(crate) fn rank_with_order(scores: &[f64], rows: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let order = sorted_scores(scores, rows);
    let (rank, dense) = ranks_of(&order, rows.len());
    (rank, dense, order.into_iter().map(|(_, i)| i).collect())
}

/// (score, position) of the scores of `rows` that are not NaN, best first. Contiguous pairs sort
/// fast, and the position breaks ties, so the unstable sort gives one order.
fn sorted_scores(scores: &[f64], rows: &[u32]) -> Vec<(f64, u32)> {
    let mut order: Vec<(f64, u32)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, &r)| {
            let x = scores[r as usize];
            (!x.is_nan()).then_some((x, i as u32))
        })
        .collect();
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    // Scores equal within the tie tolerance are one tie: within each run of them, order by
    // position, so floating-point noise decides neither the rank nor the order.
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && tied(order[end - 1].0, order[end].0) {
            end += 1;
        }
        if end - start > 1 {
            order[start..end].sort_unstable_by_key(|&(_, i)| i);
        }
        start = end;
    }
    order
}

/// Relative tolerance within which two scores are tied (documented in `docs/methodology.md`).
const TIE_TOLERANCE: f64 = 1e-9;

/// Whether two scores are equal up to floating-point noise: |a − b| ≤ 1e-9 · max(1, |a|, |b|).
/// Composite scores of equal arithmetic can differ in the last bits when their sums run in
/// another order; they must tie, not be ranked 40 and 41.
fn tied(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// Competition and dense ranks, aligned with the positions, of scores sorted best first.
fn ranks_of(order: &[(f64, u32)], n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut rank = vec![0u32; n];
    let mut dense = vec![0u32; n];
    let (mut d, mut current) = (0u32, 0u32);
    for (pos, &(x, i)) in order.iter().enumerate() {
        if pos == 0 || !tied(order[pos - 1].0, x) {
            current = pos as u32 + 1;
            d += 1;
        }
        rank[i as usize] = current;
        dense[i as usize] = d;
    }
    (rank, dense)
}

/// Competition ranks within groups, from an order of the scores best first (as from
/// [`rank_with_order`]): `group[i]` is position i's group (`u32::MAX`: none), and the result is
/// aligned with the positions (0 = unranked).
pub(crate) fn group_ranks(
    scores: impl Fn(u32) -> f64,
    order: &[u32],
    group: impl Fn(u32) -> u32,
    n_positions: usize,
    n_groups: usize,
) -> Vec<u32> {
    let mut out = vec![0u32; n_positions];
    // Per group: how many are placed, the last score and its rank.
    let mut seen = vec![0u32; n_groups];
    let mut last = vec![(f64::NAN, 0u32); n_groups];
    for &i in order {
        let g = group(i);
        if g == u32::MAX {
            continue;
        }
        let g = g as usize;
        let x = scores(i);
        seen[g] += 1;
        if seen[g] == 1 || !tied(last[g].0, x) {
            last[g] = (x, seen[g]);
        }
        // The last score placed, so a run of ties chains as in `ranks_of`.
        last[g].0 = x;
        out[i as usize] = last[g].1;
    }
    out
}
