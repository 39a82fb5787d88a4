//! The nearest other address more than 1.0 m away.

use super::*;

impl RowIndex {
    /// The smallest `dx*dx + dy*dy` over the points with `dx*dx + dy*dy > 1.0`.
    ///
    /// `hints` carries, between calls with non-decreasing x, the position of
    /// x in the rows near row `home` (the query's own row in the index);
    /// pass `usize::MAX` everywhere at first. Any other use gives the same
    /// result, only slower.
    pub(super) fn nearest_beyond_1m(
        &self,
        x: f64,
        y: f64,
        home: usize,
        hints: &mut [usize],
    ) -> Option<f64> {
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
