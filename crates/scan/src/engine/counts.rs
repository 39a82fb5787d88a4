//! Radius counts by walking pointers through the rows of a [`RowIndex`].

use super::*;

impl RowIndex {
    /// The weight of the points `from..to` within `r2` of `(x, y)`,
    /// branch-free (in the band, inside and outside alternate).
    #[inline(always)]
    pub(super) fn check(&self, from: usize, to: usize, x: f64, y: f64, r2: f64) -> u32 {
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
    pub(super) fn check_both(
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
}

/// For each query `(qx[i], qy[i])` (x ascending, all y within
/// `[qminy, qmaxy]`): the number of points of `ix` with `dx*dx + dy*dy <=
/// r*r`. Compiled for the CPU it runs on: with AVX2 the distance tests run
/// four at a time (the same binary64 operations, so the same results; no
/// FMA contraction).
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub(super) fn count_group(
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
pub(super) fn self_counts(ix: &RowIndex, r: f64) -> Vec<u32> {
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
                            nw.check::<false>(ix, w.a, w.b, q0 + i, (x, y), r2, 0, &mut [])
                                + nw.check::<false>(ix, w.c, w.d, q0 + i, (x, y), r2, 0, &mut [])
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
                                    nw.check::<true>(ix, w.a, w.b, q, (x, y), r2, wq, left)
                                        + nw.check::<true>(ix, w.c, w.d, q, (x, y), r2, wq, right)
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
                    (None, Some((nw, q0))) => {
                        nw.check::<false>(ix, a, d, q0 + i, (x, y), r2, 0, &mut [])
                    }
                    (Some(t), None) => {
                        let wq = t.weight[i];
                        ix.check_both(a, d, x, y, r2, wq, &mut t.out[a - t.lo..])
                    }
                    (Some(t), Some((nw, q0))) => {
                        let wq = t.weight[i];
                        let acc = &mut t.out[a - t.lo..];
                        nw.check::<true>(ix, a, d, q0 + i, (x, y), r2, wq, acc)
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
