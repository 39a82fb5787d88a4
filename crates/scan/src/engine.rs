//! The fast engine.
//!
//! Points (addresses, incidents, signals) go into a `RowIndex`: horizontal
//! rows of height `h`, the points of a row sorted by x, identical positions
//! merged into one entry with a weight. The addresses are also the queries,
//! taken in the index's own order (row by row, x ascending), so that
//!
//! * **radius counts** walk four pointers per target row forward instead of
//!   searching: for a query row Q and a target row T, bounds `dn <= |dy| <= df`
//!   hold for every pair of points; in row T the points with
//!   `dx*dx + df*df <= R*R` are surely inside (counted at once from prefix
//!   sums), those with `dx*dx + dn*dn > R*R` surely outside, and only the thin
//!   band in between is tested point by point. Both boundaries only move right
//!   as the query's x grows, so each pointer moves forward. For the address
//!   counts (queries and points are the same set) each pair of rows is
//!   walked once and both rows get their counts from it.
//! * **nearest other address more than 1.0 m away**: rows are visited in order
//!   of their distance to the query and each row is scanned outward from the
//!   query's x, until no unvisited point can beat the best distance found;
//!   the query's position in nearby rows is carried from one query to the
//!   next (galloping forward) instead of searched anew.
//! * identical positions (flats) are one index entry with a weight, and one
//!   query: their results are shared.
//! * **incidents in municipalities**: the winding-number test of `bz_geo`
//!   (exact `orient2d`; a point on an edge or vertex is covered), but only
//!   over the edges in the point's horizontal band of each ring, after a
//!   bounding-box test; municipalities are tried in statcode order and the
//!   first that covers the point gets it.
//!
//! Exactness: every decision is the spec's own binary64 expression
//! (`dx*dx + dy*dy <= R*R`, `> 1.0`) or a bound on it that holds in binary64:
//! subtraction, multiplication of non-negative numbers and addition are
//! monotone under round-to-nearest, so an expression evaluated on bounds of
//! `|dx|` and `|dy|` that are themselves computed from actual coordinates
//! bounds the expression for every point. The results are identical to the
//! brute-force [`crate::reference`], which the property tests check.
//!
//! Work is spread over the cores with rayon in fixed chunks; results do not
//! depend on the number of threads.

use crate::columns::*;
use crate::model::*;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;
use time::Date;

/// Row height of the address index (metres). Per query the cost is about
/// four pointer steps per row within 1 km (fewer with taller rows) plus one
/// branch-free distance test per point in a band of about `8 * R * h` m²
/// (thinner with lower rows); on national-like synthetic data (mean oad
/// ~2000) 125..250 m measured best, 64 m ~20 % slower, 16 m 2.5x slower.
const ADDRESS_ROW: f64 = 160.0;
/// Row height of the incident and signal indexes (sparse points).
const SPARSE_ROW: f64 = 1000.0;
const NONE: u32 = u32::MAX;
/// Rows above and below its own row where the nearest-address search keeps
/// its position between the queries of a row.
const NEAREST_HINT_ROWS: usize = 8;

/// Time spent in the phases of [`scan_timed`], in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Sorting, merging and indexing the points.
    pub index_secs: f64,
    /// Radius counts and nearest-address searches.
    pub neighbours_secs: f64,
    /// Per-address indicators, score and class.
    pub addresses_secs: f64,
    /// Municipality and square aggregates, incidents in polygons.
    pub aggregates_secs: f64,
}

/// The fast engine: the same output as [`crate::reference::scan`].
pub fn scan(input: &ScanInput, peildatum: Date) -> ScanOutput {
    scan_timed(input, peildatum).0
}

/// [`scan`], with the time spent per phase.
pub fn scan_timed(input: &ScanInput, peildatum: Date) -> (ScanOutput, Timings) {
    scan_with(input, peildatum, ADDRESS_ROW, SPARSE_ROW)
}

/// The engine on the compact input of [`crate::io::read_input_columns`]
/// (what [`crate::run_dir`] runs): the same results as [`scan`], per address
/// without the id.
pub fn scan_columns(input: &ColumnInput, peildatum: Date) -> (ColumnOutput, Timings) {
    core(
        &input.addresses,
        &input.businesses,
        &input.incidents,
        &input.signals,
        &input.municipalities,
        peildatum,
        ADDRESS_ROW,
        SPARSE_ROW,
    )
}

/// The engine with given row heights (any positive heights give the same
/// output; the tests vary them to exercise the index).
pub(crate) fn scan_with(
    input: &ScanInput,
    peildatum: Date,
    address_row: f64,
    sparse_row: f64,
) -> (ScanOutput, Timings) {
    let addresses = AddressColumns::of(&input.addresses);
    let businesses = BusinessColumns::of(&input.businesses);
    let (out, t) = core(
        &addresses,
        &businesses,
        &input.incidents,
        &input.signals,
        &input.municipalities,
        peildatum,
        address_row,
        sparse_row,
    );
    (out.into_output(&addresses.ids), t)
}

#[allow(clippy::too_many_arguments)]
fn core(
    input: &AddressColumns,
    businesses: &BusinessColumns,
    incidents: &[Incident],
    signals: &[Signal],
    municipalities: &[Municipality],
    peildatum: Date,
    address_row: f64,
    sparse_row: f64,
) -> (ColumnOutput, Timings) {
    let mut t = Timings::default();
    let clock = Instant::now();
    let (index, of_address) =
        RowIndex::build(input.len(), |i| (input.x[i], input.y[i]), address_row);
    let recent_incidents: Vec<&Incident> = incidents
        .iter()
        .filter(|i| in_last_years(i.datum, peildatum, 5))
        .collect();
    let recent_signals: Vec<&Signal> = signals
        .iter()
        .filter(|s| in_last_years(s.datum, peildatum, 2))
        .collect();
    let (incident_index, _) = RowIndex::build(
        recent_incidents.len(),
        |i| (recent_incidents[i].x, recent_incidents[i].y),
        sparse_row,
    );
    let (signal_index, _) = RowIndex::build(
        recent_signals.len(),
        |i| (recent_signals[i].x, recent_signals[i].y),
        sparse_row,
    );
    t.index_secs = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let per_point = neighbours(&index, &incident_index, &signal_index);
    drop((index, incident_index, signal_index));
    t.neighbours_secs = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let stopped = stopped_marks(&input.ids, &stopped_farms(businesses, peildatum));
    let addresses: Vec<Scored> = of_address
        .par_iter()
        .enumerate()
        .with_min_len(1 << 12)
        .map(|(i, &u)| {
            let (n, incidents, signals, nearest) = if u == NONE {
                // A non-finite position is within nothing, not even itself.
                (0, 0, 0, None)
            } else {
                let p = &per_point[u as usize];
                (
                    p.addresses,
                    p.incidents,
                    p.signals,
                    (p.nearest >= 0.0).then_some(p.nearest),
                )
            };
            let oad = f64::from(n) / std::f64::consts::PI;
            let isolatie_m = nearest.map_or(5000.0, f64::sqrt);
            let ag = !stopped.is_empty() && stopped[i];
            let gb = input.groot_bedrijfspand(i);
            let bg = input.buiten_gebruik(i);
            let s = score(contributions(incidents, signals, isolatie_m, ag, gb, bg));
            Scored {
                isolatie_m,
                score: s,
                addresses: n,
                incidenten_1km_5j: incidents,
                signalen_500m_2j: signals,
                flags: input.flags[i]
                    | if oad < 500.0 { Scored::BUITENGEBIED } else { 0 }
                    | if ag { Scored::AGRARISCH_GESTOPT } else { 0 },
                klasse: Klasse::of(s),
            }
        })
        .collect();
    drop(per_point);
    drop(of_address);
    t.addresses_secs = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let (municipalities, squares) = rayon::join(
        || self::municipalities(input, municipalities, &addresses, &recent_incidents),
        || self::squares(input, &addresses),
    );
    t.aggregates_secs = clock.elapsed().as_secs_f64();
    (
        ColumnOutput {
            addresses,
            municipalities,
            squares,
        },
        t,
    )
}

/// What the neighbour searches found for one distinct address position.
#[derive(Debug, Clone, Copy, Default)]
struct PerPoint {
    /// Addresses within 1000 m (this one and same-position ones included).
    addresses: u32,
    incidents: u32,
    signals: u32,
    /// Squared distance to the nearest address with `d2 > 1.0`; -1 if none.
    nearest: f64,
}

/// All radius counts and nearest searches, per distinct address position, in
/// index order.
fn neighbours(index: &RowIndex, incidents: &RowIndex, signals: &RowIndex) -> Vec<PerPoint> {
    let addresses = self_counts(index, 1000.0);
    let mut out = vec![PerPoint::default(); index.xs.len()];
    // Each row of the address index is one group of queries with ascending x.
    let mut slices: Vec<(usize, &mut [PerPoint])> = Vec::with_capacity(index.keys.len());
    let mut rest: &mut [PerPoint] = &mut out;
    for r in 0..index.keys.len() {
        let len = (index.starts[r + 1] - index.starts[r]) as usize;
        let (mine, tail) = rest.split_at_mut(len);
        slices.push((r, mine));
        rest = tail;
    }
    slices
        .into_par_iter()
        .with_min_len(8)
        .for_each(|(r, slot)| {
            let (lo, hi) = (index.starts[r] as usize, index.starts[r + 1] as usize);
            let (qx, qy) = (&index.xs[lo..hi], &index.ys[lo..hi]);
            let (miny, maxy) = (index.miny[r], index.maxy[r]);
            for (s, &c) in slot.iter_mut().zip(&addresses[lo..hi]) {
                s.addresses = c;
            }
            let mut counts = vec![0u32; hi - lo];
            incidents.count_group(qx, qy, miny, maxy, 1000.0, &mut counts);
            for (s, &c) in slot.iter_mut().zip(&counts) {
                s.incidents = c;
            }
            signals.count_group(qx, qy, miny, maxy, 500.0, &mut counts);
            for (s, &c) in slot.iter_mut().zip(&counts) {
                s.signals = c;
            }
            let mut hints = [usize::MAX; 2 * NEAREST_HINT_ROWS + 1];
            for (i, s) in slot.iter_mut().enumerate() {
                s.nearest = index
                    .nearest_beyond_1m(qx[i], qy[i], r, &mut hints)
                    .unwrap_or(-1.0);
            }
        });
    out
}

/// An order-preserving map of binary64 onto u64 (the order of `total_cmp`).
pub(crate) fn ord(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// The inverse of [`ord`].
pub(crate) fn unord(o: u64) -> f64 {
    f64::from_bits(if o >> 63 == 1 { o & !(1 << 63) } else { !o })
}

/// A point in [`RowIndex::build_bucketed`]: `ord(x)`, `ord(y)`, input index.
type Item = (u64, u64, u32);

/// Points in horizontal rows of height `h` (row `floor(y / h)`), each row's
/// points sorted by x (then y), identical positions merged with a weight.
/// Only non-empty rows are stored, so memory does not depend on the extent.
pub(crate) struct RowIndex {
    h: f64,
    /// Keys of the non-empty rows, ascending.
    keys: Vec<i64>,
    /// Row `r` holds points `starts[r]..starts[r + 1]`.
    starts: Vec<u32>,
    /// Smallest and largest y of each row's points.
    miny: Vec<f64>,
    maxy: Vec<f64>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Number of input points at each position.
    weight: Vec<u32>,
    /// Prefix sums of `weight` (one longer).
    cum: Vec<u32>,
}

impl RowIndex {
    /// Index the `n` points `at(0..n)`. Returns the index and, per input
    /// point, the position it was merged into (`NONE` for a non-finite point,
    /// which is within no distance of anything).
    fn build(n: usize, at: impl Fn(usize) -> (f64, f64) + Sync, h: f64) -> (RowIndex, Vec<u32>) {
        let key = |y: f64| (y / h).floor() as i64;
        let finite = |i: usize| {
            let (x, y) = at(i);
            x.is_finite() && y.is_finite()
        };
        let (lo, hi) = (0..n)
            .into_par_iter()
            .with_min_len(1 << 14)
            .filter(|&i| finite(i))
            .map(|i| key(at(i).1))
            .fold(|| (i64::MAX, i64::MIN), |(a, b), k| (a.min(k), b.max(k)))
            .reduce(
                || (i64::MAX, i64::MIN),
                |(a, b), (c, d)| (a.min(c), b.max(d)),
            );
        // Few rows for many points (addresses over a country): bucket by
        // row, then sort each row on its own.
        let rows = i128::from(hi) - i128::from(lo) + 1;
        if lo <= hi && rows <= (n / 16).max(64) as i128 {
            return RowIndex::build_bucketed(n, at, h, lo, rows as usize);
        }
        RowIndex::build_sorted(n, at, h)
    }

    /// [`Self::build`] by a counting sort on the row (`rows` rows from key
    /// `lo` on), then a sort of each row by x, y and input index, in
    /// parallel; the same index as [`Self::build_sorted`].
    fn build_bucketed(
        n: usize,
        at: impl Fn(usize) -> (f64, f64) + Sync,
        h: f64,
        lo: i64,
        rows: usize,
    ) -> (RowIndex, Vec<u32>) {
        let bucket = |y: f64| ((y / h).floor() as i64 - lo) as usize;
        // Per part of the input, how many of its points go in each row.
        let parts = (2 * rayon::current_num_threads()).clamp(1, 16);
        let per = n.div_ceil(parts).max(1);
        let counts: Vec<Vec<u32>> = (0..parts)
            .into_par_iter()
            .map(|p| {
                let mut c = vec![0u32; rows];
                for i in (p * per).min(n)..((p + 1) * per).min(n) {
                    let (x, y) = at(i);
                    if x.is_finite() && y.is_finite() {
                        c[bucket(y)] += 1;
                    }
                }
                c
            })
            .collect();
        let sizes: Vec<usize> = (0..rows)
            .map(|b| counts.iter().map(|c| c[b] as usize).sum())
            .collect();
        let total: usize = sizes.iter().sum();
        // Row by row, each part's share of the row: the parts fill their
        // shares at the same time without sharing a slot.
        let mut items: Vec<Item> = vec![(0, 0, 0); total];
        let mut shares: Vec<Vec<&mut [Item]>> =
            (0..parts).map(|_| Vec::with_capacity(rows)).collect();
        let mut rest = &mut items[..];
        for b in 0..rows {
            for (p, c) in counts.iter().enumerate() {
                let (mine, tail) = rest.split_at_mut(c[b] as usize);
                shares[p].push(mine);
                rest = tail;
            }
        }
        shares
            .into_par_iter()
            .enumerate()
            .for_each(|(p, mut share)| {
                for i in (p * per).min(n)..((p + 1) * per).min(n) {
                    let (x, y) = at(i);
                    if x.is_finite() && y.is_finite() {
                        let slot = &mut share[bucket(y)];
                        if let Some((first, tail)) = std::mem::take(slot).split_first_mut() {
                            *first = (ord(x), ord(y), i as u32);
                            *slot = tail;
                        }
                    }
                }
            });
        // Each row sorted, and its distinct positions counted.
        let mut row_items: Vec<&mut [Item]> = Vec::new();
        let mut keys = Vec::new();
        let mut rest = &mut items[..];
        for (b, &len) in sizes.iter().enumerate() {
            let (mine, tail) = rest.split_at_mut(len);
            rest = tail;
            if len > 0 {
                row_items.push(mine);
                keys.push(lo + b as i64);
            }
        }
        let distinct: Vec<usize> = row_items
            .par_iter_mut()
            .map(|r| {
                r.sort_unstable();
                1 + r
                    .windows(2)
                    .filter(|w| (w[0].0, w[0].1) != (w[1].0, w[1].1))
                    .count()
            })
            .collect();
        let m: usize = distinct.iter().sum();
        let mut starts = Vec::with_capacity(keys.len() + 1);
        starts.push(0u32);
        for d in &distinct {
            starts.push(starts[starts.len() - 1] + *d as u32);
        }
        // Fill each row's positions; the input points learn theirs.
        let mut xs = vec![0.0; m];
        let mut ys = vec![0.0; m];
        let mut weight = vec![0u32; m];
        let of_input: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(NONE)).collect();
        let mut jobs = Vec::with_capacity(row_items.len());
        let (mut rx, mut ry, mut rw) = (&mut xs[..], &mut ys[..], &mut weight[..]);
        for (r, (items, &d)) in row_items.into_iter().zip(&distinct).enumerate() {
            let (jx, tx) = rx.split_at_mut(d);
            let (jy, ty) = ry.split_at_mut(d);
            let (jw, tw) = rw.split_at_mut(d);
            jobs.push((starts[r], items, jx, jy, jw));
            (rx, ry, rw) = (tx, ty, tw);
        }
        let bounds: Vec<(f64, f64)> = jobs
            .into_par_iter()
            .map(|(start, items, jx, jy, jw)| {
                let (mut miny, mut maxy) = (f64::INFINITY, f64::NEG_INFINITY);
                let mut k = 0;
                for (j, &(ox, oy, i)) in items.iter().enumerate() {
                    if j > 0 && (items[j - 1].0, items[j - 1].1) != (ox, oy) {
                        k += 1;
                    }
                    let y = unord(oy);
                    if jw[k] == 0 {
                        jx[k] = unord(ox);
                        jy[k] = y;
                        miny = miny.min(y);
                        maxy = maxy.max(y);
                    }
                    jw[k] += 1;
                    of_input[i as usize].store(start + k as u32, Ordering::Relaxed);
                }
                (miny, maxy)
            })
            .collect();
        let mut cum = Vec::with_capacity(m + 1);
        let mut run = 0u32;
        cum.push(0);
        for &w in &weight {
            run += w;
            cum.push(run);
        }
        let index = RowIndex {
            h,
            keys,
            starts,
            miny: bounds.iter().map(|b| b.0).collect(),
            maxy: bounds.iter().map(|b| b.1).collect(),
            xs,
            ys,
            weight,
            cum,
        };
        (
            index,
            of_input.into_iter().map(AtomicU32::into_inner).collect(),
        )
    }

    /// [`Self::build`] by one sort of all points (any number of rows).
    fn build_sorted(
        n: usize,
        at: impl Fn(usize) -> (f64, f64) + Sync,
        h: f64,
    ) -> (RowIndex, Vec<u32>) {
        let key = |y: f64| (y / h).floor() as i64;
        // Non-finite points get a sentinel that sorts last (a finite x never
        // maps to u64::MAX) and are left out.
        const SKIP: (i64, u64, u64) = (i64::MAX, u64::MAX, u64::MAX);
        let mut items: Vec<(i64, u64, u64, u32)> = (0..n)
            .into_par_iter()
            .map(|i| {
                let (x, y) = at(i);
                if x.is_finite() && y.is_finite() {
                    (key(y), ord(x), ord(y), i as u32)
                } else {
                    (SKIP.0, SKIP.1, SKIP.2, i as u32)
                }
            })
            .collect();
        items.par_sort_unstable();
        let finite = items.partition_point(|t| (t.0, t.1, t.2) != SKIP);
        items.truncate(finite);
        let mut of_input = vec![NONE; n];
        let mut ix = RowIndex {
            h,
            keys: Vec::new(),
            starts: Vec::new(),
            miny: Vec::new(),
            maxy: Vec::new(),
            xs: Vec::with_capacity(items.len()),
            ys: Vec::with_capacity(items.len()),
            weight: Vec::with_capacity(items.len()),
            cum: Vec::with_capacity(items.len() + 1),
        };
        ix.cum.push(0);
        let mut prev: Option<(i64, u64, u64)> = None;
        for &(k, ox, oy, i) in &items {
            // The coordinates from their sort keys: no random reads.
            let (x, y) = (unord(ox), unord(oy));
            if prev != Some((k, ox, oy)) {
                if prev.is_none_or(|p| p.0 != k) {
                    ix.keys.push(k);
                    ix.starts.push(ix.xs.len() as u32);
                    ix.miny.push(y);
                    ix.maxy.push(y);
                }
                let r = ix.keys.len() - 1;
                ix.miny[r] = ix.miny[r].min(y);
                ix.maxy[r] = ix.maxy[r].max(y);
                ix.xs.push(x);
                ix.ys.push(y);
                ix.weight.push(0);
                ix.cum.push(*ix.cum.last().unwrap_or(&0));
                prev = Some((k, ox, oy));
            }
            let last = ix.xs.len() - 1;
            ix.weight[last] += 1;
            ix.cum[last + 1] += 1;
            of_input[i as usize] = last as u32;
        }
        ix.starts.push(ix.xs.len() as u32);
        (ix, of_input)
    }

    fn key(&self, y: f64) -> i64 {
        (y / self.h).floor() as i64
    }

    /// For each query `(qx[i], qy[i])` (x ascending, all y within
    /// `[qminy, qmaxy]`): the number of points with `dx*dx + dy*dy <= r*r`.
    fn count_group(&self, qx: &[f64], qy: &[f64], qminy: f64, qmaxy: f64, r: f64, out: &mut [u32]) {
        count_group(self, qx, qy, qminy, qmaxy, r, out);
    }

    /// The weight of the points `from..to` within `r2` of `(x, y)`,
    /// branch-free (in the band, inside and outside alternate).
    #[inline(always)]
    fn check(&self, from: usize, to: usize, x: f64, y: f64, r2: f64) -> u32 {
        let (xs, ys, ws) = (
            &self.xs[from..to],
            &self.ys[from..to],
            &self.weight[from..to],
        );
        let mut m = 0u32;
        for ((&px, &py), &w) in xs.iter().zip(ys).zip(ws) {
            let dx = x - px;
            let dy = y - py;
            m += w * u32::from(dx * dx + dy * dy <= r2);
        }
        m
    }

    /// [`Self::check`], and `wq` added to `acc[k]` for each point
    /// `from + k` within `r2` (the other direction of the same pairs).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn check_both(
        &self,
        from: usize,
        to: usize,
        x: f64,
        y: f64,
        r2: f64,
        wq: u32,
        acc: &mut [u32],
    ) -> u32 {
        let n = to - from;
        let (xs, ys, ws, acc) = (
            &self.xs[from..to],
            &self.ys[from..to],
            &self.weight[from..to],
            &mut acc[..n],
        );
        let mut m = 0u32;
        for (((&px, &py), &w), a) in xs.iter().zip(ys).zip(ws).zip(acc) {
            let dx = x - px;
            let dy = y - py;
            let inside = u32::from(dx * dx + dy * dy <= r2);
            m += w * inside;
            *a += wq * inside;
        }
        m
    }

    /// The smallest `dx*dx + dy*dy` over the points with `dx*dx + dy*dy > 1.0`.
    ///
    /// `hints` carries, between calls with non-decreasing x, the position of
    /// x in the rows near row `home` (the query's own row in the index);
    /// pass `usize::MAX` everywhere at first. Any other use gives the same
    /// result, only slower.
    fn nearest_beyond_1m(&self, x: f64, y: f64, home: usize, hints: &mut [usize]) -> Option<f64> {
        if self.keys.is_empty() {
            return None;
        }
        let mut best: Option<f64> = None;
        // Rows at or above the query's row go up, rows below go down; in each
        // direction the rows' distance bound only grows.
        let split = self.keys.partition_point(|&k| k < self.key(y));
        let (mut up, mut down) = (split, split);
        let reach = hints.len() / 2;
        loop {
            let bound_up = (up < self.keys.len()).then(|| self.row_bound2(up, y));
            let bound_down = (down > 0).then(|| self.row_bound2(down - 1, y));
            let (r, bound, going_up) = match (bound_up, bound_down) {
                (Some(u), Some(d)) if d < u => (down - 1, d, false),
                (Some(u), _) => (up, u, true),
                (None, Some(d)) => (down - 1, d, false),
                (None, None) => break,
            };
            if best.is_some_and(|b| bound >= b) {
                // The nearer of the two next rows cannot improve, and the
                // rows beyond them are farther still.
                break;
            }
            if going_up {
                up += 1;
            } else {
                down -= 1;
            }
            let hint = (r + reach).checked_sub(home).and_then(|k| hints.get_mut(k));
            self.scan_row(r, x, y, bound, hint, &mut best);
        }
        best
    }

    /// A lower bound of `dy*dy` for the points of row `r` (exact in binary64).
    fn row_bound2(&self, r: usize, y: f64) -> f64 {
        let d = if y < self.miny[r] {
            self.miny[r] - y
        } else if y > self.maxy[r] {
            y - self.maxy[r]
        } else {
            0.0
        };
        d * d
    }

    /// Scan row `r` outward from x, improving `best` (squared, `> 1.0`);
    /// `dy2` bounds `dy*dy` from below for the row's points.
    fn scan_row(
        &self,
        r: usize,
        x: f64,
        y: f64,
        dy2: f64,
        hint: Option<&mut usize>,
        best: &mut Option<f64>,
    ) {
        let (lo, hi) = (self.starts[r] as usize, self.starts[r + 1] as usize);
        let xs = &self.xs[lo..hi];
        // The first point with px >= x: galloping forward from the hint
        // (x only grows between calls), else a binary search.
        let at = match hint {
            Some(h) if *h != usize::MAX && *h <= xs.len() && (*h == 0 || xs[*h - 1] < x) => {
                let mut from = *h;
                let mut step = 1;
                while from + step <= xs.len() && xs[from + step - 1] < x {
                    from += step;
                    step *= 2;
                }
                let to = (from + step).min(xs.len());
                let at = from + xs[from..to].partition_point(|&px| px < x);
                *h = at;
                at
            }
            other => {
                let at = xs.partition_point(|&px| px < x);
                if let Some(h) = other {
                    *h = at;
                }
                at
            }
        };
        let mid = lo + at;
        let mut visit = |j: usize| -> bool {
            let dx = x - self.xs[j];
            let dx2 = dx * dx;
            if best.is_some_and(|b| dx2 + dy2 >= b) {
                return false;
            }
            let dy = y - self.ys[j];
            let d2 = dx2 + dy * dy;
            if d2 > 1.0 && best.is_none_or(|b| d2 < b) {
                *best = Some(d2);
            }
            true
        };
        for j in mid..hi {
            if !visit(j) {
                break;
            }
        }
        for j in (lo..mid).rev() {
            if !visit(j) {
                break;
            }
        }
    }
}

/// [`RowIndex::count_group`], compiled for the CPU it runs on: with AVX2 the
/// distance tests run four at a time (the same binary64 operations, so the
/// same results; no FMA contraction).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn count_group(
    ix: &RowIndex,
    qx: &[f64],
    qy: &[f64],
    qminy: f64,
    qmaxy: f64,
    r: f64,
    out: &mut [u32],
) {
    out.fill(0);
    if ix.keys.is_empty() || qx.is_empty() {
        return;
    }
    let r2 = r * r;
    let k0 = ix.key(qminy - r).saturating_sub(1);
    let k1 = ix.key(qmaxy + r).saturating_add(1);
    let t0 = ix.keys.partition_point(|&k| k < k0);
    let t1 = ix.keys.partition_point(|&k| k <= k1);
    // Row by row over all queries (the walk's pointers stay in
    // registers and the row's points in cache).
    for t in t0..t1 {
        let Some(pair) = RowPair::new(ix, t, qminy, qmaxy, r2) else {
            continue;
        };
        pair.count(ix, qx, qy, r2, out, None, None);
    }
}

/// The radius counts of an index's own points (each distinct position
/// once, in index order; a point counts itself and every point at its
/// position): the address counts of the scan.
///
/// The relation "within `r`" is symmetric, and so is everything the row
/// walk decides for a pair of points of rows `Q` and `T` (the bounds
/// `dn`, `df` depend on both rows' y ranges alone, and `(qx - px)^2 ==
/// (px - qx)^2` in binary64). So each pair of rows is walked once, from the
/// lower row: its queries get their counts as in [`count_group`], and the
/// points of the upper row get theirs at the same time — a range add (in
/// `add`/`sub`, a difference array) for the surely-inside part, the same
/// distance test's result for the band. That halves the pointer walks and
/// distance tests of the address counts.
///
/// Work goes in blocks of consecutive rows such that every row's partners
/// lie in its own block or the next; the even blocks run in parallel, then
/// the odd ones, so no two tasks write the same rows.
fn self_counts(ix: &RowIndex, r: f64) -> Vec<u32> {
    let n = ix.xs.len();
    let rows = ix.keys.len();
    let r2 = r * r;
    let mut out = vec![0u32; n];
    if n == 0 {
        return out;
    }
    // The rows above row q that can hold a partner: `q + 1..reach[q]`. The
    // rows' y ranges are ordered, so the gap grows with the row, and the
    // end only moves up with q.
    let reach: Vec<usize> = (0..rows)
        .into_par_iter()
        .with_min_len(256)
        .map(|q| {
            let top = ix.maxy[q];
            q + 1 + ix.miny[q + 1..].partition_point(|&lo| sq(lo - top) <= r2)
        })
        .collect();
    // Block boundaries `s`: rows `s[j]..s[j + 1]` reach at most `s[j + 2]`.
    let mut s = vec![0, reach[0].max(1).min(rows)];
    while s[s.len() - 1] < rows {
        let last = s[s.len() - 1];
        s.push(reach[last - 1].max(last + 1).min(rows));
    }
    let blocks = s.len() - 1;
    let narrow = Narrow::new(ix, r);
    let mut add = vec![0u32; n];
    let mut sub = vec![0u32; n];
    let at = |b: usize| ix.starts[s[b.min(blocks)]] as usize;
    for phase in 0..2 {
        // Each task owns the points of its block and the next.
        let mut tasks = Vec::with_capacity(blocks / 2 + 1);
        let (mut o, mut a, mut d) = (&mut out[..], &mut add[..], &mut sub[..]);
        let mut done = 0;
        for j in (phase..blocks).step_by(2) {
            let (from, to) = (at(j), at(j + 2));
            let (_, o1) = o.split_at_mut(from - done);
            let (_, a1) = a.split_at_mut(from - done);
            let (_, d1) = d.split_at_mut(from - done);
            let (oc, o2) = o1.split_at_mut(to - from);
            let (ac, a2) = a1.split_at_mut(to - from);
            let (dc, d2) = d1.split_at_mut(to - from);
            tasks.push((s[j]..s[j + 1], from, oc, ac, dc));
            (o, a, d, done) = (o2, a2, d2, to);
        }
        tasks
            .into_par_iter()
            .for_each(|(rows, base, out, add, sub)| {
                count_block(ix, narrow.as_ref(), rows, &reach, base, r2, out, add, sub);
            });
    }
    let mut run = 0u32;
    for ((o, &a), &d) in out.iter_mut().zip(&add).zip(&sub) {
        run = run.wrapping_add(a);
        *o = o.wrapping_add(run);
        run = run.wrapping_sub(d);
    }
    out
}

/// [`self_counts`] per input point (0 for a non-finite one), on an index of
/// `points` with rows of height `h`: for tests.
#[cfg(test)]
pub(crate) fn self_counts_of(points: &[(f64, f64)], h: f64, r: f64) -> Vec<u32> {
    let (ix, of) = RowIndex::build(points.len(), |i| points[i], h);
    let counts = self_counts(&ix, r);
    of.iter()
        .map(|&u| if u == NONE { 0 } else { counts[u as usize] })
        .collect()
}

/// Whether both ways of building the index of `points` (rows of height
/// `h`) give the same index, bit for bit, and the same input mapping: for
/// tests.
#[cfg(test)]
pub(crate) fn both_builds_agree(points: &[(f64, f64)], h: f64) -> Result<(), String> {
    let finite: Vec<i64> = points
        .iter()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .map(|p| (p.1 / h).floor() as i64)
        .collect();
    let lo = finite.iter().copied().min().unwrap_or(0);
    let hi = finite.iter().copied().max().unwrap_or(-1);
    if finite.is_empty() || i128::from(hi) - i128::from(lo) > 100_000 {
        return Ok(());
    }
    let at = |i: usize| points[i];
    let (a, ma) = RowIndex::build_sorted(points.len(), at, h);
    let (b, mb) = RowIndex::build_bucketed(points.len(), at, h, lo, (hi - lo + 1) as usize);
    let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
    let same = a.keys == b.keys
        && a.starts == b.starts
        && bits(&a.miny) == bits(&b.miny)
        && bits(&a.maxy) == bits(&b.maxy)
        && bits(&a.xs) == bits(&b.xs)
        && bits(&a.ys) == bits(&b.ys)
        && a.weight == b.weight
        && a.cum == b.cum
        && ma == mb;
    if same {
        Ok(())
    } else {
        Err(format!(
            "keys {:?} / {:?}, starts {:?} / {:?}, map {:?} / {:?}",
            a.keys, b.keys, a.starts, b.starts, ma, mb
        ))
    }
}

/// One block of [`self_counts`]: each query row `q` in `rows` against
/// itself (one-sided: that pair holds both directions) and against the rows
/// `q + 1..reach[q]` (both sides). The slices hold the index's points from
/// `base` on, through the end of the next block.
#[allow(clippy::too_many_arguments)]
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn count_block(
    ix: &RowIndex,
    narrow: Option<&Narrow>,
    rows: std::ops::Range<usize>,
    reach: &[usize],
    base: usize,
    r2: f64,
    out: &mut [u32],
    add: &mut [u32],
    sub: &mut [u32],
) {
    for q in rows {
        let (lo, hi) = (ix.starts[q] as usize, ix.starts[q + 1] as usize);
        let (qx, qy) = (&ix.xs[lo..hi], &ix.ys[lo..hi]);
        let (qminy, qmaxy) = (ix.miny[q], ix.maxy[q]);
        let (before, after) = out.split_at_mut(hi - base);
        let own = &mut before[lo - base..];
        if let Some(pair) = RowPair::new(ix, q, qminy, qmaxy, r2) {
            pair.count(ix, qx, qy, r2, own, None, narrow.map(|n| (n, lo)));
        }
        let qw = &ix.weight[lo..hi];
        for t in q + 1..reach[q] {
            let Some(pair) = RowPair::new(ix, t, qminy, qmaxy, r2) else {
                continue;
            };
            let (tlo, thi) = (ix.starts[t] as usize, ix.starts[t + 1] as usize);
            let other = Other {
                weight: qw,
                out: &mut after[tlo - hi..thi - hi],
                add: &mut add[tlo - base..thi - base],
                sub: &mut sub[tlo - base..thi - base],
                lo: tlo,
            };
            pair.count(ix, qx, qy, r2, own, Some(other), narrow.map(|n| (n, lo)));
        }
    }
}

/// Fixed-point copies of an index's coordinates (integers in units of
/// `2^-k` m, relative to the middle of its extent, `|X| < 2^30`) that decide
/// most distance tests eight at a time in single precision; the few they
/// cannot decide are made in binary64, so every result is still the spec's
/// binary64 test.
///
/// With `D2` the single-precision `DX*DX + DY*DY` (`DX` the exact integer
/// difference, converted) and `F` the binary64 `dx*dx + dy*dy`, in units of
/// `2^-2k` m²: `D2 <= surely_in` implies `F <= r*r`, and `D2 > surely_out`
/// implies `F > r*r`. Proof sketch, for `|x - o| < 2^e` (`o` the origin):
/// each integer coordinate is off by at most `2^-(k+1) + 2^(e-53)` m (the
/// binary64 subtraction, then rounding to the grid), so the difference by
/// at most `g = 2^-k + 2^(e-52)`, and after the conversion to f32 `DX 2^-k`
/// is off from the true `dx` by at most `delta = g + u (L + g)` (`u =
/// 2^-24`) whenever `|dx| <= L`. Either conclusion can only be wrong for a
/// pair with `D2` or `F` about `r*r`, hence `|dx|, |dy| <= L = r + 1`;
/// there `|DX^2 - dx^2| <= delta (2L + delta)` (same for y), the three f32
/// roundings of `D2` add at most `4 u r^2`, and `F` is within `1e-12 r^2` of
/// the real `dx^2 + dy^2`. The margin `m` is 1.25 times that sum, and
/// `surely_in <= (r^2 - m) 2^2k`, `surely_out >= (r^2 + m) 2^2k` (rounded
/// outward to f32).
struct Narrow {
    xs: Vec<i32>,
    ys: Vec<i32>,
    surely_in: f32,
    surely_out: f32,
}

impl Narrow {
    /// The copies for tests at distance `r`, if the index's extent is small
    /// enough (under 2^20 m from its middle) for them to decide most tests.
    fn new(ix: &RowIndex, r: f64) -> Option<Narrow> {
        let (Some(&miny), Some(&maxy)) = (ix.miny.first(), ix.maxy.last()) else {
            return None;
        };
        let (minx, maxx) = ix
            .xs
            .par_iter()
            .with_min_len(1 << 14)
            .fold(
                || (f64::INFINITY, f64::NEG_INFINITY),
                |(a, b), &x| (a.min(x), b.max(x)),
            )
            .reduce(
                || (f64::INFINITY, f64::NEG_INFINITY),
                |(a, b), (c, d)| (a.min(c), b.max(d)),
            );
        let (ox, oy) = (minx / 2.0 + maxx / 2.0, miny / 2.0 + maxy / 2.0);
        // Every |x - ox| rounds to at most this (rounding is monotone).
        let extent = (minx - ox)
            .abs()
            .max((maxx - ox).abs())
            .max((miny - oy).abs())
            .max((maxy - oy).abs());
        let small = extent < 1_048_576.0;
        if !(small && r.is_finite() && r > 0.0) {
            return None;
        }
        let mut e = -60i32;
        while 2f64.powi(e) <= extent {
            e += 1;
        }
        // |X| < 2^30 in units of 2^-k; at most 2^40 units per metre keeps
        // the thresholds far inside f32's range.
        let k = (30 - e).min(40);
        let scale = 2f64.powi(k);
        let u = 2f64.powi(-24);
        let g = 1.0 / scale + 2f64.powi(e - 52);
        let l = r * (1.0 + 1e-6) + 1.0;
        let delta = g + u * (l + g);
        let r2 = r * r;
        let m = (2.0 * delta * (2.0 * l + delta) + 4.0 * u * r2 * (1.0 + 1e-6) + 1e-12 * r2) * 1.25
            + 1e-6;
        // Only pairs with |dx|, |dy| <= l can be near the circle.
        if (r2 + m).sqrt() * (1.0 + 1e-6) + delta > l || r2 - m <= 0.0 {
            return None;
        }
        let units = scale * scale;
        let surely_in = {
            let t = (r2 - m) * units;
            let v = t as f32;
            if f64::from(v) > t { v.next_down() } else { v }
        };
        let surely_out = {
            let t = (r2 + m) * units;
            let v = t as f32;
            if f64::from(v) < t { v.next_up() } else { v }
        };
        let grid = |v: f64, o: f64| ((v - o) * scale).round() as i32;
        let xs = ix
            .xs
            .par_iter()
            .with_min_len(1 << 14)
            .map(|&x| grid(x, ox))
            .collect();
        let ys = ix
            .ys
            .par_iter()
            .with_min_len(1 << 14)
            .map(|&y| grid(y, oy))
            .collect();
        Some(Narrow {
            xs,
            ys,
            surely_in,
            surely_out,
        })
    }

    /// The weight of the points `from..to` within `r2` of index point `q`
    /// (at `x`, `y`); with `acc`, also `wq` added to `acc[k]` for each point
    /// `from + k` within `r2`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn check(
        &self,
        ix: &RowIndex,
        from: usize,
        to: usize,
        q: usize,
        (x, y): (f64, f64),
        r2: f64,
        acc: Option<(u32, &mut [u32])>,
    ) -> u32 {
        let (qx, qy) = (self.xs[q], self.ys[q]);
        let (lo, hi) = (self.surely_in, self.surely_out);
        let (xs, ys, ws) = (&self.xs[from..to], &self.ys[from..to], &ix.weight[from..to]);
        let (mut m, mut unsure) = (0u32, 0u32);
        match acc {
            None => {
                for ((&px, &py), &w) in xs.iter().zip(ys).zip(ws) {
                    let (dx, dy) = ((qx - px) as f32, (qy - py) as f32);
                    let d2 = dx * dx + dy * dy;
                    let inside = u32::from(d2 <= lo);
                    m += w * inside;
                    unsure += u32::from(d2 <= hi) - inside;
                }
                if unsure > 0 {
                    for (j, ((&px, &py), &w)) in xs.iter().zip(ys).zip(ws).enumerate() {
                        let (dx, dy) = ((qx - px) as f32, (qy - py) as f32);
                        let d2 = dx * dx + dy * dy;
                        let (ex, ey) = (x - ix.xs[from + j], y - ix.ys[from + j]);
                        let fix = d2 > lo && d2 <= hi && ex * ex + ey * ey <= r2;
                        m += w * u32::from(fix);
                    }
                }
            }
            Some((wq, acc)) => {
                let acc = &mut acc[..to - from];
                for (((&px, &py), &w), a) in xs.iter().zip(ys).zip(ws).zip(acc.iter_mut()) {
                    let (dx, dy) = ((qx - px) as f32, (qy - py) as f32);
                    let d2 = dx * dx + dy * dy;
                    let inside = u32::from(d2 <= lo);
                    m += w * inside;
                    *a += wq * inside;
                    unsure += u32::from(d2 <= hi) - inside;
                }
                if unsure > 0 {
                    for (j, (((&px, &py), &w), a)) in
                        xs.iter().zip(ys).zip(ws).zip(acc.iter_mut()).enumerate()
                    {
                        let (dx, dy) = ((qx - px) as f32, (qy - py) as f32);
                        let d2 = dx * dx + dy * dy;
                        let (ex, ey) = (x - ix.xs[from + j], y - ix.ys[from + j]);
                        let fix = u32::from(d2 > lo && d2 <= hi && ex * ex + ey * ey <= r2);
                        m += w * fix;
                        *a += wq * fix;
                    }
                }
            }
        }
        m
    }
}

/// The points of a target row, seen from the queries of another row:
/// where its walk starts and the bounds on `|dy|` for every pair.
struct RowPair {
    lo: usize,
    hi: usize,
    dn2: f64,
    df2: f64,
}

/// In a two-sided walk: the queries' weights, and the target row's counts
/// (band results, and a difference array for the surely-inside ranges),
/// each slice covering the target row `lo..` only.
struct Other<'a> {
    weight: &'a [u32],
    out: &'a mut [u32],
    add: &'a mut [u32],
    sub: &'a mut [u32],
    lo: usize,
}

impl RowPair {
    /// Row `t` for queries with y in `[qminy, qmaxy]`; `None` when no pair
    /// can be within `r2`.
    #[inline(always)]
    fn new(ix: &RowIndex, t: usize, qminy: f64, qmaxy: f64, r2: f64) -> Option<RowPair> {
        let (tminy, tmaxy) = (ix.miny[t], ix.maxy[t]);
        // Bounds on |qy - ty| over both rows' actual y ranges.
        let dn = if tminy > qmaxy {
            tminy - qmaxy
        } else if tmaxy < qminy {
            qminy - tmaxy
        } else {
            0.0
        };
        let df = (qminy - tmaxy).abs().max((qmaxy - tminy).abs());
        let (dn2, df2) = (dn * dn, df * df);
        (dn2 <= r2).then(|| RowPair {
            lo: ix.starts[t] as usize,
            hi: ix.starts[t + 1] as usize,
            dn2,
            df2,
        })
    }

    /// Add to `out[i]` the weight of the row's points within `r2` of query
    /// `i` (x ascending); with `other`, also each query's weight to the
    /// count of every row point it is within `r2` of.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn count(
        &self,
        ix: &RowIndex,
        qx: &[f64],
        qy: &[f64],
        r2: f64,
        out: &mut [u32],
        mut other: Option<Other>,
        narrow: Option<(&Narrow, usize)>,
    ) {
        let (lo, hi, dn2, df2) = (self.lo, self.hi, self.dn2, self.df2);
        let Some(&x0) = qx.first() else {
            return;
        };
        let xs = &ix.xs[lo..hi];
        // Initial positions for the first query, by binary search; the
        // same predicates as in `Walk::advance`.
        let a = lo + xs.partition_point(|&px| px < x0 && sq(x0 - px) + dn2 > r2);
        let d = lo + xs.partition_point(|&px| px <= x0 || sq(x0 - px) + dn2 <= r2);
        if df2 <= r2 {
            let b = lo + xs.partition_point(|&px| px < x0 && sq(x0 - px) + df2 > r2);
            let c = lo + xs.partition_point(|&px| px <= x0 || sq(x0 - px) + df2 <= r2);
            let mut w = Walk {
                hi,
                dn2,
                df2,
                a,
                b,
                c,
                d,
            };
            for (i, ((o, &x), &y)) in out.iter_mut().zip(qx).zip(qy).enumerate() {
                w.advance(&ix.xs, x, r2);
                let inside = ix.cum[w.c] - ix.cum[w.b];
                *o += inside
                    + match (other.as_mut(), narrow) {
                        (None, None) => ix.check(w.a, w.b, x, y, r2) + ix.check(w.c, w.d, x, y, r2),
                        (None, Some((nw, q0))) => {
                            nw.check(ix, w.a, w.b, q0 + i, (x, y), r2, None)
                                + nw.check(ix, w.c, w.d, q0 + i, (x, y), r2, None)
                        }
                        (Some(t), narrow) => {
                            let wq = t.weight[i];
                            if w.b < w.c {
                                t.add[w.b - t.lo] += wq;
                                t.sub[w.c - 1 - t.lo] += wq;
                            }
                            let (left, right) = t.out.split_at_mut(w.c - t.lo);
                            let left = &mut left[w.a - t.lo..];
                            match narrow {
                                None => {
                                    ix.check_both(w.a, w.b, x, y, r2, wq, left)
                                        + ix.check_both(w.c, w.d, x, y, r2, wq, right)
                                }
                                Some((nw, q0)) => {
                                    let q = q0 + i;
                                    nw.check(ix, w.a, w.b, q, (x, y), r2, Some((wq, left)))
                                        + nw.check(ix, w.c, w.d, q, (x, y), r2, Some((wq, right)))
                                }
                            }
                        }
                    };
            }
        } else {
            // No point of this row can be surely inside: only the outer
            // pointers matter.
            let (mut a, mut d) = (a, d);
            for (i, ((o, &x), &y)) in out.iter_mut().zip(qx).zip(qy).enumerate() {
                while a < hi && {
                    let px = ix.xs[a];
                    px < x && sq(x - px) + dn2 > r2
                } {
                    a += 1;
                }
                while d < hi && {
                    let px = ix.xs[d];
                    px <= x || sq(x - px) + dn2 <= r2
                } {
                    d += 1;
                }
                *o += match (other.as_mut(), narrow) {
                    (None, None) => ix.check(a, d, x, y, r2),
                    (None, Some((nw, q0))) => nw.check(ix, a, d, q0 + i, (x, y), r2, None),
                    (Some(t), None) => {
                        let wq = t.weight[i];
                        ix.check_both(a, d, x, y, r2, wq, &mut t.out[a - t.lo..])
                    }
                    (Some(t), Some((nw, q0))) => {
                        let wq = t.weight[i];
                        let acc = &mut t.out[a - t.lo..];
                        nw.check(ix, a, d, q0 + i, (x, y), r2, Some((wq, acc)))
                    }
                };
            }
        }
    }
}

fn sq(v: f64) -> f64 {
    v * v
}

/// The four pointers of one target row for a group of queries, all
/// non-decreasing as the query's x grows, each walked on its own (no
/// pointer waits for another):
/// `[lo, a)` surely outside (left), `[a, b)` to test, `[b, c)` surely inside
/// (when `df2 <= r2`), `[c, d)` to test, `[d, hi)` surely outside (right).
///
/// `a <= b <= c <= d` holds without comparing them: each is the first point
/// failing its predicate, and those predicates hold on nested prefixes of
/// the row (with `dn2 <= df2`: "left of x and beyond dn" implies "left of x
/// and beyond df", which implies "at or left of x, or within df", which
/// implies "at or left of x, or within dn"). Walking from a previous
/// query's position is exact because a predicate that held for a point
/// stays true as x grows.
struct Walk {
    hi: usize,
    dn2: f64,
    df2: f64,
    a: usize,
    b: usize,
    c: usize,
    d: usize,
}

impl Walk {
    #[inline(always)]
    fn advance(&mut self, xs: &[f64], x: f64, r2: f64) {
        let (hi, dn2, df2) = (self.hi, self.dn2, self.df2);
        while self.a < hi && {
            let px = xs[self.a];
            px < x && sq(x - px) + dn2 > r2
        } {
            self.a += 1;
        }
        while self.b < hi && {
            let px = xs[self.b];
            px < x && sq(x - px) + df2 > r2
        } {
            self.b += 1;
        }
        while self.c < hi && {
            let px = xs[self.c];
            px <= x || sq(x - px) + df2 <= r2
        } {
            self.c += 1;
        }
        while self.d < hi && {
            let px = xs[self.d];
            px <= x || sq(x - px) + dn2 <= r2
        } {
            self.d += 1;
        }
    }
}

/// A small, fast hasher for string keys (FxHash); keys are our own data.
#[derive(Default)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_i64(&mut self, i: i64) {
        self.add(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // FxHash's low bits depend only on the low bits of the last words;
        // hashbrown takes its bucket from them, so mix (murmur3's fmix64).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

pub(crate) type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

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
fn stopped_farms(businesses: &BusinessColumns, peildatum: Date) -> FxSet<&str> {
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

fn municipalities(
    input: &AddressColumns,
    municipalities: &[Municipality],
    results: &[Scored],
    recent_incidents: &[&Incident],
) -> Vec<MunicipalityResult> {
    let mut order: Vec<usize> = (0..municipalities.len()).collect();
    order.sort_by(|&a, &b| municipalities[a].statcode.cmp(&municipalities[b].statcode));
    // Incidents: the first municipality in statcode order that covers the
    // point (a bounding box test first).
    let areas: Vec<Area> = order
        .iter()
        .map(|&m| Area::new(&municipalities[m]))
        .collect();
    let owners: Vec<Option<usize>> = recent_incidents
        .par_iter()
        .with_min_len(64)
        .map(|inc| areas.iter().position(|a| a.covers(inc.x, inc.y)))
        .collect();
    let mut incident_counts = vec![0u64; order.len()];
    for k in owners.into_iter().flatten() {
        incident_counts[k] += 1;
    }
    // Address aggregates per gemeente code; scores summed in input order.
    let mut slot: FxMap<&str, usize> = FxMap::default();
    for &m in &order {
        let n = slot.len();
        slot.entry(municipalities[m].statcode.as_str()).or_insert(n);
    }
    let of_code: Vec<u32> = input
        .gemeenten
        .iter()
        .map(|g| slot.get(g.as_str()).map_or(NONE, |&s| s as u32))
        .collect();
    let mut agg = vec![Agg::default(); slot.len()];
    for (r, &g) in results.iter().zip(&input.gemeente) {
        let s = of_code[g as usize];
        if s != NONE {
            agg[s as usize].add(r);
        }
    }
    order
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let code = &municipalities[m].statcode;
            let a = slot.get(code.as_str()).map(|&s| agg[s]).unwrap_or_default();
            MunicipalityResult {
                statcode: code.clone(),
                adressen: a.n,
                buitengebied: a.buitengebied,
                hoog: a.hoog,
                midden: a.midden,
                laag: a.laag,
                incidenten_5j: incident_counts[k],
                gemiddelde_score: if a.n == 0 { 0.0 } else { a.sum / a.n as f64 },
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default)]
struct Agg {
    n: u64,
    buitengebied: u64,
    hoog: u64,
    midden: u64,
    laag: u64,
    sum: f64,
}

impl Agg {
    fn add(&mut self, r: &Scored) {
        self.n += 1;
        self.buitengebied += u64::from(r.buitengebied());
        match r.klasse {
            Klasse::Hoog => self.hoog += 1,
            Klasse::Midden => self.midden += 1,
            Klasse::Laag => self.laag += 1,
        }
        self.sum += r.score;
    }
}

fn squares(input: &AddressColumns, results: &[Scored]) -> Vec<SquareResult> {
    let keys: Vec<(i64, i64)> = input
        .x
        .par_iter()
        .zip(&input.y)
        .with_min_len(1 << 12)
        .map(|(&x, &y)| square_key(x, y))
        .collect();
    let mut slot: FxMap<(i64, i64), usize> = FxMap::default();
    let mut agg: Vec<Agg> = Vec::new();
    // In input order (the sums); consecutive addresses often share a square.
    let mut last: Option<((i64, i64), usize)> = None;
    for (r, k) in results.iter().zip(&keys) {
        let s = match last {
            Some((lk, ls)) if lk == *k => ls,
            _ => {
                let n = agg.len();
                let s = *slot.entry(*k).or_insert(n);
                if s == n {
                    agg.push(Agg::default());
                }
                last = Some((*k, s));
                s
            }
        };
        agg[s].add(r);
    }
    let mut out: Vec<SquareResult> = slot
        .into_iter()
        .map(|(k, s)| {
            let a = agg[s];
            SquareResult {
                vierkant: square_code_of(k),
                adressen: a.n,
                buitengebied: a.buitengebied,
                hoog: a.hoog,
                gemiddelde_score: a.sum / a.n as f64,
            }
        })
        .collect();
    out.par_sort_unstable_by(|a, b| a.vierkant.cmp(&b.vierkant));
    out
}

/// A municipality prepared for point-in-polygon tests.
struct Area {
    bbox: [f64; 4],
    polygons: Vec<Vec<Ring>>,
}

impl Area {
    fn new(m: &Municipality) -> Area {
        let polygons: Vec<Vec<Ring>> = m
            .polygons
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.iter().map(|r| Ring::new(r)).collect())
            .collect();
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in &polygons {
            let e = &p[0];
            bbox[0] = bbox[0].min(e.minx);
            bbox[1] = bbox[1].min(e.miny);
            bbox[2] = bbox[2].max(e.maxx);
            bbox[3] = bbox[3].max(e.maxy);
        }
        Area { bbox, polygons }
    }

    /// Interior or boundary of any polygon (exact).
    fn covers(&self, x: f64, y: f64) -> bool {
        if !(x >= self.bbox[0] && x <= self.bbox[2] && y >= self.bbox[1] && y <= self.bbox[3]) {
            return false;
        }
        self.polygons
            .iter()
            .any(|rings| match rings[0].position(x, y) {
                Position::Outside => false,
                Position::Boundary => true,
                Position::Inside => rings[1..]
                    .iter()
                    .all(|h| h.position(x, y) != Position::Inside),
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Inside,
    Boundary,
    Outside,
}

/// A ring's edges (closed implicitly), bucketed by horizontal bands: an edge
/// is listed in every band its y range touches, so the edges whose y range
/// holds a point's y are all in that point's band. Only those edges take
/// part in the winding-number test.
struct Ring {
    edges: Vec<[f64; 4]>,
    minx: f64,
    miny: f64,
    maxx: f64,
    maxy: f64,
    bands: usize,
    band_start: Vec<u32>,
    band_edges: Vec<u32>,
}

impl Ring {
    fn new(points: &[[f64; 2]]) -> Ring {
        let mut edges = Vec::with_capacity(points.len());
        for w in points.windows(2) {
            edges.push([w[0][0], w[0][1], w[1][0], w[1][1]]);
        }
        if let (Some(f), Some(l)) = (points.first(), points.last())
            && (f != l || points.len() == 1)
        {
            edges.push([l[0], l[1], f[0], f[1]]);
        }
        let (mut minx, mut miny, mut maxx, mut maxy) = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for p in points {
            minx = minx.min(p[0]);
            miny = miny.min(p[1]);
            maxx = maxx.max(p[0]);
            maxy = maxy.max(p[1]);
        }
        let mut ring = Ring {
            bands: (edges.len() / 4).clamp(1, 4096),
            edges,
            minx,
            miny,
            maxx,
            maxy,
            band_start: Vec::new(),
            band_edges: Vec::new(),
        };
        if maxy.partial_cmp(&miny) != Some(std::cmp::Ordering::Greater) {
            ring.bands = 1;
        }
        let mut count = vec![0u32; ring.bands + 1];
        for e in &ring.edges {
            let (b0, b1) = ring.band_range(e);
            for b in b0..=b1 {
                count[b + 1] += 1;
            }
        }
        for b in 0..ring.bands {
            count[b + 1] += count[b];
        }
        let mut fill = count.clone();
        ring.band_edges = vec![0; count[ring.bands] as usize];
        for (i, e) in ring.edges.iter().enumerate() {
            let (b0, b1) = ring.band_range(e);
            for f in &mut fill[b0..=b1] {
                ring.band_edges[*f as usize] = i as u32;
                *f += 1;
            }
        }
        ring.band_start = count;
        ring
    }

    /// The band of `y` (monotone in y, clamped to the ring's bands).
    fn band(&self, y: f64) -> usize {
        if self.bands == 1 {
            return 0;
        }
        let f = ((y - self.miny) / (self.maxy - self.miny) * self.bands as f64).floor();
        if f.is_nan() || f < 0.0 {
            0
        } else {
            (f as usize).min(self.bands - 1)
        }
    }

    fn band_range(&self, e: &[f64; 4]) -> (usize, usize) {
        let (a, b) = (self.band(e[1].min(e[3])), self.band(e[1].max(e[3])));
        (a, b)
    }

    /// Winding-number test with exact predicates (as `bz_geo`'s covers):
    /// only edges whose y range holds `y` can matter, and those are all in
    /// the band of `y`.
    fn position(&self, x: f64, y: f64) -> Position {
        if !(y >= self.miny && y <= self.maxy && x <= self.maxx && x >= self.minx) {
            // Outside the ring's box: no edge is touched, and a point left
            // of or right of every edge has winding number zero.
            return Position::Outside;
        }
        let b = self.band(y);
        let (s, e) = (self.band_start[b] as usize, self.band_start[b + 1] as usize);
        let mut winding = 0i32;
        for &i in &self.band_edges[s..e] {
            let [ax, ay, bx, by] = self.edges[i as usize];
            let in_y = y >= ay.min(by) && y <= ay.max(by);
            if !in_y {
                continue;
            }
            let in_x = x >= ax.min(bx) && x <= ax.max(bx);
            if in_x {
                let o = orient(ax, ay, bx, by, x, y);
                if o == 0.0 {
                    return Position::Boundary;
                }
                winding += crossing(ay, by, y, o);
            } else if (ay <= y) != (by <= y) {
                winding += crossing(ay, by, y, orient(ax, ay, bx, by, x, y));
            }
        }
        if winding != 0 {
            Position::Inside
        } else {
            Position::Outside
        }
    }
}

fn orient(ax: f64, ay: f64, bx: f64, by: f64, x: f64, y: f64) -> f64 {
    robust::orient2d(
        robust::Coord { x: ax, y: ay },
        robust::Coord { x: bx, y: by },
        robust::Coord { x, y },
    )
}

/// Contribution of edge a→b to the winding number around a point at height
/// `y`, given the orientation `o` of (a, b, point).
fn crossing(ay: f64, by: f64, y: f64, o: f64) -> i32 {
    if ay <= y {
        i32::from(by > y && o > 0.0)
    } else if by <= y && o < 0.0 {
        -1
    } else {
        0
    }
}
