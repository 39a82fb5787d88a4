//! The row index: points in horizontal rows, sorted by x, identical
//! positions merged with a weight.

use super::*;
use std::sync::atomic::{AtomicU32, Ordering};

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
    pub(super) h: f64,
    /// Keys of the non-empty rows, ascending.
    pub(super) keys: Vec<i64>,
    /// Row `r` holds points `starts[r]..starts[r + 1]`.
    pub(super) starts: Vec<u32>,
    /// Smallest and largest y of each row's points.
    pub(super) miny: Vec<f64>,
    pub(super) maxy: Vec<f64>,
    pub(super) xs: Vec<f64>,
    pub(super) ys: Vec<f64>,
    /// Number of input points at each position.
    pub(super) weight: Vec<u32>,
    /// Prefix sums of `weight` (one longer).
    pub(super) cum: Vec<u32>,
}

impl RowIndex {
    /// Index the `n` points `at(0..n)`. Returns the index and, per input
    /// point, the position it was merged into (`NONE` for a non-finite point,
    /// which is within no distance of anything).
    pub(super) fn build(
        n: usize,
        at: impl Fn(usize) -> (f64, f64) + Sync,
        h: f64,
    ) -> (RowIndex, Vec<u32>) {
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

    pub(super) fn key(&self, y: f64) -> i64 {
        (y / self.h).floor() as i64
    }
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
