//! Fixed-point copies of the coordinates that decide most distance tests
//! eight at a time.

use super::*;

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
pub(super) struct Narrow {
    xs: Vec<i32>,
    ys: Vec<i32>,
    surely_in: f32,
    surely_out: f32,
}

impl Narrow {
    /// The copies for tests at distance `r`, if the index's extent is small
    /// enough (under 2^20 m from its middle) for them to decide most tests.
    pub(super) fn new(ix: &RowIndex, r: f64) -> Option<Narrow> {
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
    /// (at `x`, `y`); with `BOTH`, also `wq` added to `acc[k]` for each
    /// point `from + k` within `r2` (the other direction of the same pairs;
    /// without it `acc` is not touched). One loop, compiled for each.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(super) fn check<const BOTH: bool>(
        &self,
        ix: &RowIndex,
        from: usize,
        to: usize,
        q: usize,
        (x, y): (f64, f64),
        r2: f64,
        wq: u32,
        acc: &mut [u32],
    ) -> u32 {
        let n = to - from;
        let (qx, qy) = (self.xs[q], self.ys[q]);
        let (lo, hi) = (self.surely_in, self.surely_out);
        let (xs, ys, ws) = (&self.xs[from..to], &self.ys[from..to], &ix.weight[from..to]);
        let acc = if BOTH { &mut acc[..n] } else { &mut acc[..0] };
        let d2 = |j: usize| {
            let (dx, dy) = ((qx - xs[j]) as f32, (qy - ys[j]) as f32);
            dx * dx + dy * dy
        };
        let (mut m, mut unsure) = (0u32, 0u32);
        for j in 0..n {
            let d2 = d2(j);
            let inside = u32::from(d2 <= lo);
            m += ws[j] * inside;
            if BOTH {
                acc[j] += wq * inside;
            }
            unsure += u32::from(d2 <= hi) - inside;
        }
        if unsure > 0 {
            // The undecided pairs, by the spec's binary64 test.
            for j in 0..n {
                let d2 = d2(j);
                let (ex, ey) = (x - ix.xs[from + j], y - ix.ys[from + j]);
                let fix = u32::from(d2 > lo && d2 <= hi && ex * ex + ey * ey <= r2);
                m += ws[j] * fix;
                if BOTH {
                    acc[j] += wq * fix;
                }
            }
        }
        m
    }
}
