//! `agrarisch_gestopt`: stopped farms without an active business.

use super::*;

/// Per address, whether its id is in `stopped` (empty if none is). Ids in
/// strictly ascending order (as in the BAG, and as the reader checks) are
/// found by binary search, else every id is looked up.
pub(crate) fn stopped_marks(ids: &Strs, stopped: &FxSet<&str>) -> Vec<bool> {
    let n = ids.len();
    if stopped.is_empty() || n == 0 {
        return Vec::new();
    }
    let ascending = (1..n)
        .into_par_iter()
        .with_min_len(1 << 14)
        .all(|i| ids.get(i - 1) < ids.get(i));
    if !ascending {
        return (0..n)
            .into_par_iter()
            .with_min_len(1 << 12)
            .map(|i| stopped.contains(ids.get(i)))
            .collect();
    }
    let mut marks = vec![false; n];
    for id in stopped {
        let at = partition(n, |k| ids.get(k) < *id);
        if at < n && ids.get(at) == *id {
            marks[at] = true;
        }
    }
    marks
}

/// The first `k` in `0..n` where `before(k)` is false (`before` holds on a
/// prefix).
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The ids of the addresses where `agrarisch_gestopt` holds: some business
/// with SBI `01…` ended in the last 10 years, and none is active.
pub(super) fn stopped_farms(businesses: &BusinessColumns, peildatum: Date) -> FxSet<&str> {
    let b = businesses;
    let stopped =
        |i: usize| b.agrarisch[i] && b.einde[i].is_some_and(|d| in_last_years(d, peildatum, 10));
    let active = |i: usize| b.start[i] <= peildatum && b.einde[i].is_none_or(|d| d > peildatum);
    // The addresses with a stopped farm (few), then those of them that also
    // have an active business; both passes in parallel.
    let mut out: FxSet<&str> = (0..b.len())
        .into_par_iter()
        .filter(|&i| stopped(i))
        .map(|i| b.adres_id.get(i))
        .collect();
    if out.is_empty() {
        return out;
    }
    let still_active: Vec<&str> = (0..b.len())
        .into_par_iter()
        .filter(|&i| active(i) && out.contains(b.adres_id.get(i)))
        .map(|i| b.adres_id.get(i))
        .collect();
    for id in still_active {
        out.remove(id);
    }
    out
}
