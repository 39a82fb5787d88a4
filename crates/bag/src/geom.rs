//! Minimal planar geometry for BAG footprints: points, (multi)polygons in a
//! flat allocation-friendly layout, centroids, and ring validation.

use std::fmt;

/// A position in RD New (EPSG:28992), metres.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Polygons stored flat: all positions in one vector, rings and polygons as
/// end offsets. One polygon with one ring costs three small allocations, and
/// a reused value costs none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MultiPolygon {
    coords: Vec<[f64; 2]>,
    /// Exclusive end index into `coords` of each ring.
    ring_ends: Vec<u32>,
    /// Exclusive end index into `ring_ends` of each polygon; a polygon's first
    /// ring is its exterior.
    polygon_ends: Vec<u32>,
}

/// A borrowed polygon: exterior ring first, then holes.
#[derive(Clone, Copy, Debug)]
pub struct PolygonRef<'a> {
    coords: &'a [[f64; 2]],
    ring_ends: &'a [u32],
    first_ring_start: u32,
}

impl<'a> PolygonRef<'a> {
    /// All rings, exterior first. Each ring is closed (first == last).
    pub fn rings(&self) -> impl Iterator<Item = &'a [[f64; 2]]> + 'a {
        let coords = self.coords;
        let mut start = self.first_ring_start as usize;
        self.ring_ends.iter().map(move |&end| {
            let r = &coords[start..end as usize];
            start = end as usize;
            r
        })
    }

    pub fn exterior(&self) -> &'a [[f64; 2]] {
        match self.ring_ends.first() {
            Some(&end) => &self.coords[self.first_ring_start as usize..end as usize],
            None => &[],
        }
    }

    pub fn interiors(&self) -> impl Iterator<Item = &'a [[f64; 2]]> + 'a {
        self.rings().skip(1)
    }

    /// Area in m² (holes subtracted).
    pub fn area(&self) -> f64 {
        let mut rings = self.rings();
        let ext = rings.next().map_or(0.0, |r| signed_area(r).abs());
        ext - rings.map(|r| signed_area(r).abs()).sum::<f64>()
    }
}

impl MultiPolygon {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn clear(&mut self) {
        self.coords.clear();
        self.ring_ends.clear();
        self.polygon_ends.clear();
    }

    /// No polygon at all.
    pub fn is_empty(&self) -> bool {
        self.polygon_ends.is_empty()
    }

    pub fn num_polygons(&self) -> usize {
        self.polygon_ends.len()
    }

    pub fn num_rings(&self) -> usize {
        self.ring_ends.len()
    }

    pub fn num_coords(&self) -> usize {
        self.coords.len()
    }

    /// All positions of all rings.
    pub fn coords(&self) -> &[[f64; 2]] {
        &self.coords
    }

    pub fn polygons(&self) -> impl Iterator<Item = PolygonRef<'_>> + '_ {
        let mut ring_start = 0usize;
        self.polygon_ends.iter().map(move |&pe| {
            let rings = &self.ring_ends[ring_start..pe as usize];
            let first_ring_start = if ring_start == 0 {
                0
            } else {
                self.ring_ends[ring_start - 1]
            };
            ring_start = pe as usize;
            PolygonRef {
                coords: &self.coords,
                ring_ends: rings,
                first_ring_start,
            }
        })
    }

    /// Builds from rings: `polygons[i][0]` is the exterior of polygon `i`.
    pub fn from_rings(polygons: &[Vec<Vec<[f64; 2]>>]) -> MultiPolygon {
        let mut m = MultiPolygon::new();
        for p in polygons {
            for r in p {
                m.coords.extend_from_slice(r);
                m.ring_ends.push(m.coords.len() as u32);
            }
            m.polygon_ends.push(m.ring_ends.len() as u32);
        }
        m
    }

    pub(crate) fn push_coord(&mut self, c: [f64; 2]) {
        self.coords.push(c);
    }

    /// Start index (into coords) of the ring being built.
    pub(crate) fn open_ring_start(&self) -> usize {
        self.ring_ends.last().map_or(0, |&e| e as usize)
    }

    pub(crate) fn open_ring(&self) -> &[[f64; 2]] {
        &self.coords[self.open_ring_start()..]
    }

    pub(crate) fn end_ring(&mut self) {
        self.ring_ends.push(self.coords.len() as u32);
    }

    /// Drops positions of a ring that was not finished.
    pub(crate) fn truncate_open_ring(&mut self) {
        let s = self.open_ring_start();
        self.coords.truncate(s);
    }

    /// Rings finished since the last polygon end.
    pub(crate) fn open_polygon_rings(&self) -> usize {
        self.ring_ends.len() - self.polygon_ends.last().map_or(0, |&e| e as usize)
    }

    pub(crate) fn end_polygon(&mut self) {
        self.polygon_ends.push(self.ring_ends.len() as u32);
    }

    /// Total area in m².
    pub fn area(&self) -> f64 {
        self.polygons().map(|p| p.area()).sum()
    }

    /// Area-weighted centroid of all polygons (holes subtracted). For
    /// degenerate input (zero area) the mean of the exterior positions.
    pub fn centroid(&self) -> Option<Point> {
        let mut a = 0.0;
        let mut cx = 0.0;
        let mut cy = 0.0;
        // Shift to the first position for numerical stability (RD values are ~1e5).
        let [ox, oy] = *self.coords.first()?;
        for p in self.polygons() {
            for (i, r) in p.rings().enumerate() {
                let (ra, rx, ry) = ring_moments(r, ox, oy);
                // Orient: exterior counts positive, holes negative.
                let sign = if (i == 0) == (ra >= 0.0) { 1.0 } else { -1.0 };
                a += sign * ra;
                cx += sign * rx;
                cy += sign * ry;
            }
        }
        if a.abs() > 1e-9 {
            Some(Point {
                x: ox + cx / (3.0 * a),
                y: oy + cy / (3.0 * a),
            })
        } else {
            let mut n = 0.0;
            let (mut sx, mut sy) = (0.0, 0.0);
            for p in self.polygons() {
                let ext = p.exterior();
                let open = if ext.len() > 1 {
                    &ext[..ext.len() - 1]
                } else {
                    ext
                };
                for c in open {
                    sx += c[0];
                    sy += c[1];
                    n += 1.0;
                }
            }
            (n > 0.0).then(|| Point {
                x: sx / n,
                y: sy / n,
            })
        }
    }
}

/// Moments of a closed ring relative to (ox, oy): returns the signed area
/// `A` and `Sx = ½·Σ(xᵢ+xᵢ₊₁)·cᵢ`, `Sy = ½·Σ(yᵢ+yᵢ₊₁)·cᵢ` (with `cᵢ` the cross
/// product of consecutive positions), so that the centroid is
/// `(Sx / 3A, Sy / 3A)`; moments of several rings add up.
fn ring_moments(r: &[[f64; 2]], ox: f64, oy: f64) -> (f64, f64, f64) {
    let (mut a2, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for w in r.windows(2) {
        let (x0, y0) = (w[0][0] - ox, w[0][1] - oy);
        let (x1, y1) = (w[1][0] - ox, w[1][1] - oy);
        let c = x0 * y1 - x1 * y0;
        a2 += c;
        sx += (x0 + x1) * c;
        sy += (y0 + y1) * c;
    }
    // A = a2/2; centroid x = sx / (6A) = sx / (3 * a2) ... expressed with A:
    (a2 / 2.0, sx / 2.0, sy / 2.0)
}

/// Signed area (positive = counter-clockwise) of a closed ring.
pub fn signed_area(r: &[[f64; 2]]) -> f64 {
    let Some(&[ox, oy]) = r.first() else {
        return 0.0;
    };
    let mut a2 = 0.0;
    for w in r.windows(2) {
        a2 += (w[0][0] - ox) * (w[1][1] - oy) - (w[1][0] - ox) * (w[0][1] - oy);
    }
    a2 / 2.0
}

/// What is wrong with a ring.
#[derive(Clone, Debug, PartialEq)]
pub enum RingProblem {
    /// Fewer than 4 positions (a closed triangle needs 4).
    TooFewPositions { positions: usize },
    /// The last position differs from the first.
    NotClosed { first: [f64; 2], last: [f64; 2] },
    /// Two edges that are not neighbours touch or cross, or two neighbouring
    /// edges fold back onto each other (a spike). Edges are numbered from 1:
    /// edge `i` runs from position `i` to position `i + 1`.
    SelfIntersection {
        edge_a: usize,
        a: [[f64; 2]; 2],
        edge_b: usize,
        b: [[f64; 2]; 2],
        at: [f64; 2],
    },
    /// A position that is not a finite number.
    NotFinite { position: usize },
    /// Fewer than 3 distinct positions: the ring encloses nothing.
    Degenerate { distinct: usize },
}

impl fmt::Display for RingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingProblem::TooFewPositions { positions } => write!(
                f,
                "ring has {positions} position(s); a closed ring needs at least 4"
            ),
            RingProblem::NotClosed { first, last } => write!(
                f,
                "ring is not closed: first position ({} {}) differs from last ({} {})",
                first[0], first[1], last[0], last[1]
            ),
            RingProblem::SelfIntersection {
                edge_a,
                a,
                edge_b,
                b,
                at,
            } => write!(
                f,
                "ring self-intersects: edge {edge_a} ({} {} -> {} {}) meets edge {edge_b} ({} {} -> {} {}) at ({:.3} {:.3})",
                a[0][0],
                a[0][1],
                a[1][0],
                a[1][1],
                b[0][0],
                b[0][1],
                b[1][0],
                b[1][1],
                at[0],
                at[1]
            ),
            RingProblem::NotFinite { position } => {
                write!(f, "position {position} is not a finite number")
            }
            RingProblem::Degenerate { distinct } => write!(
                f,
                "ring has only {distinct} distinct position(s) and encloses nothing"
            ),
        }
    }
}

impl RingProblem {
    /// Dutch description.
    pub fn message_nl(&self) -> String {
        match self {
            RingProblem::TooFewPositions { positions } => format!(
                "ring heeft {positions} punt(en); een gesloten ring heeft er minstens 4 nodig"
            ),
            RingProblem::NotClosed { first, last } => format!(
                "ring is niet gesloten: eerste punt ({} {}) verschilt van laatste ({} {})",
                first[0], first[1], last[0], last[1]
            ),
            RingProblem::SelfIntersection {
                edge_a,
                a,
                edge_b,
                b,
                at,
            } => format!(
                "ring snijdt zichzelf: zijde {edge_a} ({} {} -> {} {}) raakt zijde {edge_b} ({} {} -> {} {}) in ({:.3} {:.3})",
                a[0][0],
                a[0][1],
                a[1][0],
                a[1][1],
                b[0][0],
                b[0][1],
                b[1][0],
                b[1][1],
                at[0],
                at[1]
            ),
            RingProblem::NotFinite { position } => {
                format!("punt {position} is geen eindig getal")
            }
            RingProblem::Degenerate { distinct } => {
                format!("ring heeft maar {distinct} verschillende punt(en) en omsluit niets")
            }
        }
    }
}

/// Checks closure and size of a ring (cheap; always done).
pub fn check_ring_structure(r: &[[f64; 2]]) -> Result<(), RingProblem> {
    if let Some(i) = r
        .iter()
        .position(|c| !(c[0].is_finite() && c[1].is_finite()))
    {
        return Err(RingProblem::NotFinite { position: i + 1 });
    }
    if r.len() < 4 {
        return Err(RingProblem::TooFewPositions { positions: r.len() });
    }
    let (first, last) = (r[0], r[r.len() - 1]);
    if first != last {
        return Err(RingProblem::NotClosed { first, last });
    }
    Ok(())
}

/// Exact simplicity test of a closed ring.
///
/// Positions are snapped to integer millimetres (BAG coordinates have at most
/// three decimals, so this is exact for BAG data) and all predicates use exact
/// integer arithmetic. Consecutive duplicate positions are allowed (and
/// ignored). Invalid: two non-adjacent edges that share any point, or two
/// adjacent edges that overlap (a spike).
pub fn check_ring_simple(r: &[[f64; 2]]) -> Result<(), RingProblem> {
    // Deduplicated integer positions with their original position numbers.
    let mut pts: Vec<([i64; 2], usize)> = Vec::with_capacity(r.len());
    for (i, c) in r.iter().enumerate() {
        let p = [
            (c[0] * 1000.0).round() as i64,
            (c[1] * 1000.0).round() as i64,
        ];
        if pts.last().is_none_or(|q| q.0 != p) {
            pts.push((p, i));
        }
    }
    // Closed: last == first; edges are pts[k] -> pts[k+1] for k < m.
    let m = pts.len().saturating_sub(1);
    if m < 3 {
        return Err(RingProblem::Degenerate { distinct: m.max(1) });
    }
    let report = |i: usize, j: usize| {
        let a = [r[pts[i].1], r[pts[i + 1].1]];
        let b = [r[pts[j].1], r[pts[j + 1].1]];
        RingProblem::SelfIntersection {
            edge_a: pts[i].1 + 1,
            a,
            edge_b: pts[j].1 + 1,
            b,
            at: intersection_point(a, b),
        }
    };
    let adjacent = |i: usize, j: usize| j == i + 1 || (i == 0 && j == m - 1);
    let seg = |k: usize| (pts[k].0, pts[k + 1].0);
    // Spikes between neighbouring edges.
    for i in 0..m {
        let j = (i + 1) % m;
        let (a0, a1) = seg(i);
        let (_, b1) = seg(j);
        // a1 is the shared vertex; a spike if a0, a1, b1 collinear and b1
        // goes back along a (dot product of (a0-a1) and (b1-a1) > 0).
        if orient(a0, a1, b1) == 0 {
            let d = (a0[0] - a1[0]) as i128 * (b1[0] - a1[0]) as i128
                + (a0[1] - a1[1]) as i128 * (b1[1] - a1[1]) as i128;
            if d > 0 {
                let (x, y) = if i < j { (i, j) } else { (j, i) };
                return Err(report(x, y));
            }
        }
    }
    let check_pair = |i: usize, j: usize| -> Result<(), RingProblem> {
        if adjacent(i, j) {
            return Ok(());
        }
        let (a0, a1) = seg(i);
        let (b0, b1) = seg(j);
        if segments_intersect(a0, a1, b0, b1) {
            return Err(report(i, j));
        }
        Ok(())
    };
    if m <= 24 {
        for i in 0..m {
            for j in i + 2..m {
                check_pair(i, j)?;
            }
        }
        return Ok(());
    }
    // Sweep over x: edges sorted by their minimum x; compare each edge with
    // the following ones whose minimum x does not exceed its maximum x.
    let mut order: Vec<(i64, i64, usize)> = (0..m)
        .map(|k| {
            let (a, b) = seg(k);
            (a[0].min(b[0]), a[0].max(b[0]), k)
        })
        .collect();
    order.sort_unstable();
    for (n, &(_, maxx, i)) in order.iter().enumerate() {
        for &(minx_j, _, j) in &order[n + 1..] {
            if minx_j > maxx {
                break;
            }
            let (x, y) = if i < j { (i, j) } else { (j, i) };
            check_pair(x, y)?;
        }
    }
    Ok(())
}

fn orient(a: [i64; 2], b: [i64; 2], c: [i64; 2]) -> i32 {
    let v = (b[0] - a[0]) as i128 * (c[1] - a[1]) as i128
        - (b[1] - a[1]) as i128 * (c[0] - a[0]) as i128;
    v.signum() as i32
}

fn on_segment(a: [i64; 2], b: [i64; 2], p: [i64; 2]) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// Closed segments share at least one point (exact).
fn segments_intersect(a0: [i64; 2], a1: [i64; 2], b0: [i64; 2], b1: [i64; 2]) -> bool {
    // Bounding boxes first (cheap reject).
    if a0[0].max(a1[0]) < b0[0].min(b1[0])
        || b0[0].max(b1[0]) < a0[0].min(a1[0])
        || a0[1].max(a1[1]) < b0[1].min(b1[1])
        || b0[1].max(b1[1]) < a0[1].min(a1[1])
    {
        return false;
    }
    let d1 = orient(b0, b1, a0);
    let d2 = orient(b0, b1, a1);
    let d3 = orient(a0, a1, b0);
    let d4 = orient(a0, a1, b1);
    if d1 * d2 < 0 && d3 * d4 < 0 {
        return true;
    }
    (d1 == 0 && on_segment(b0, b1, a0))
        || (d2 == 0 && on_segment(b0, b1, a1))
        || (d3 == 0 && on_segment(a0, a1, b0))
        || (d4 == 0 && on_segment(a0, a1, b1))
}

/// Approximate meeting point of two segments that are known to meet.
fn intersection_point(a: [[f64; 2]; 2], b: [[f64; 2]; 2]) -> [f64; 2] {
    let (p, r) = (a[0], [a[1][0] - a[0][0], a[1][1] - a[0][1]]);
    let (q, s) = (b[0], [b[1][0] - b[0][0], b[1][1] - b[0][1]]);
    let denom = r[0] * s[1] - r[1] * s[0];
    if denom.abs() < 1e-12 {
        // Collinear overlap: report the first endpoint of b inside a, else of a.
        for c in [b[0], b[1], a[0], a[1]] {
            let inside_a = c[0] >= a[0][0].min(a[1][0]) - 1e-9
                && c[0] <= a[0][0].max(a[1][0]) + 1e-9
                && c[1] >= a[0][1].min(a[1][1]) - 1e-9
                && c[1] <= a[0][1].max(a[1][1]) + 1e-9;
            if inside_a {
                return c;
            }
        }
        return b[0];
    }
    let t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / denom;
    [p[0] + t * r[0], p[1] + t * r[1]]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(v: &[(f64, f64)]) -> Vec<[f64; 2]> {
        v.iter().map(|&(x, y)| [x, y]).collect()
    }

    #[test]
    fn square_is_simple_and_has_centroid() {
        let r = ring(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        assert!(check_ring_structure(&r).is_ok());
        assert!(check_ring_simple(&r).is_ok());
        let m = MultiPolygon::from_rings(&[vec![r]]);
        assert_eq!(m.area(), 100.0);
        let c = m.centroid().unwrap();
        assert!((c.x - 5.0).abs() < 1e-9 && (c.y - 5.0).abs() < 1e-9);
    }

    #[test]
    fn hole_shifts_centroid() {
        let ext = ring(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let hole = ring(&[
            (5.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (5.0, 10.0),
            (5.0, 0.0),
        ]);
        let m = MultiPolygon::from_rings(&[vec![ext, hole]]);
        assert_eq!(m.area(), 50.0);
        let c = m.centroid().unwrap();
        assert!((c.x - 2.5).abs() < 1e-9, "{c:?}");
        let p = m.polygons().next().unwrap();
        assert_eq!(p.interiors().count(), 1);
        assert_eq!(p.exterior().len(), 5);
    }

    #[test]
    fn bowtie_is_not_simple() {
        let r = ring(&[
            (0.0, 0.0),
            (10.0, 10.0),
            (10.0, 0.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let e = check_ring_simple(&r).unwrap_err();
        match e {
            RingProblem::SelfIntersection { at, .. } => {
                assert!((at[0] - 5.0).abs() < 1e-9 && (at[1] - 5.0).abs() < 1e-9)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn spike_and_touch_are_not_simple() {
        let spike = ring(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (20.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 0.0),
        ]);
        assert!(check_ring_simple(&spike).is_err());
        // Vertex touching a non-adjacent edge.
        let touch = ring(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (5.0, 0.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        assert!(check_ring_simple(&touch).is_err());
        // Collapsed rings.
        let dot = ring(&[(1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (1.0, 1.0)]);
        assert_eq!(
            check_ring_simple(&dot),
            Err(RingProblem::Degenerate { distinct: 1 })
        );
        let line = ring(&[(0.0, 0.0), (1.0, 1.0), (1.0, 1.0), (0.0, 0.0)]);
        assert_eq!(
            check_ring_simple(&line),
            Err(RingProblem::Degenerate { distinct: 2 })
        );
        // Duplicate consecutive points are fine.
        let dup = ring(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        assert!(check_ring_simple(&dup).is_ok());
    }

    #[test]
    fn large_ring_uses_sweep() {
        // A 200-gon (circle) is simple; moving one vertex across makes it not.
        let n = 200;
        let mut r: Vec<[f64; 2]> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                [
                    (1000.0 * t.cos() * 1000.0).round() / 1000.0,
                    (1000.0 * t.sin() * 1000.0).round() / 1000.0,
                ]
            })
            .collect();
        r.push(r[0]);
        assert!(check_ring_simple(&r).is_ok());
        r[50] = [0.0, -1500.0];
        assert!(check_ring_simple(&r).is_err());
    }

    #[test]
    fn structure_problems() {
        assert!(matches!(
            check_ring_structure(&ring(&[(0.0, 0.0), (1.0, 0.0), (0.0, 0.0)])),
            Err(RingProblem::TooFewPositions { positions: 3 })
        ));
        assert!(matches!(
            check_ring_structure(&ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])),
            Err(RingProblem::NotClosed { .. })
        ));
    }
}
