use crate::error::GeoError;
use crate::point::{BBox, RdPoint};

/// A polygon in RD New: one exterior ring followed by zero or more holes.
///
/// Rings are stored closed (first point repeated at the end). Orientation is
/// free (CBS files do not follow RFC 7946's winding rule); the polygon is
/// expected to be simple (no self-intersections), which is not checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    rings: Vec<Vec<RdPoint>>,
    bbox: BBox,
}

/// Where a point lies relative to a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Inside,
    Boundary,
    Outside,
}

impl Polygon {
    /// Builds a polygon from rings, the first being the exterior.
    ///
    /// An open ring is closed. Errors: no rings, a ring with fewer than three
    /// distinct positions, a non-finite coordinate, a ring without area.
    pub fn new(rings: Vec<Vec<RdPoint>>) -> Result<Polygon, GeoError> {
        if rings.is_empty() {
            return Err(GeoError::Geometry("polygon has no rings".into()));
        }
        let mut closed = Vec::with_capacity(rings.len());
        for (i, mut ring) in rings.into_iter().enumerate() {
            let what = if i == 0 {
                "exterior ring".to_string()
            } else {
                format!("hole {i}")
            };
            if let Some(bad) = ring.iter().find(|p| !p.is_finite()) {
                return Err(GeoError::Geometry(format!(
                    "{what} has a non-finite coordinate ({}, {})",
                    bad.x, bad.y
                )));
            }
            if let (Some(&first), Some(&last)) = (ring.first(), ring.last())
                && first != last
            {
                ring.push(first);
            }
            if ring.len() < 4 {
                return Err(GeoError::Geometry(format!(
                    "{what} has fewer than 3 distinct positions"
                )));
            }
            if signed_area(&ring) == 0.0 {
                return Err(GeoError::Geometry(format!("{what} has no area")));
            }
            closed.push(ring);
        }
        let bbox = BBox::of_points(closed[0].iter().copied())
            .ok_or_else(|| GeoError::Geometry("polygon has an empty exterior ring".into()))?;
        Ok(Polygon {
            rings: closed,
            bbox,
        })
    }

    /// A polygon without holes.
    pub fn from_exterior(exterior: Vec<RdPoint>) -> Result<Polygon, GeoError> {
        Polygon::new(vec![exterior])
    }

    /// All rings, exterior first, each closed.
    pub fn rings(&self) -> &[Vec<RdPoint>] {
        &self.rings
    }

    /// The exterior ring (closed).
    pub fn exterior(&self) -> &[RdPoint] {
        &self.rings[0]
    }

    /// The holes (closed rings).
    pub fn holes(&self) -> &[Vec<RdPoint>] {
        &self.rings[1..]
    }

    pub fn bbox(&self) -> BBox {
        self.bbox
    }

    /// Area in m²: the exterior minus the holes.
    pub fn area(&self) -> f64 {
        let ext = signed_area(&self.rings[0]).abs();
        let holes: f64 = self.holes().iter().map(|r| signed_area(r).abs()).sum();
        ext - holes
    }

    /// The area-weighted centroid (may lie outside a concave polygon).
    pub fn centroid(&self) -> RdPoint {
        let (cx, cy, a) = self.weighted_centroid();
        if a > 0.0 {
            RdPoint::new(cx / a, cy / a)
        } else {
            vertex_mean(&self.rings[0])
        }
    }

    /// (Σ cx·A, Σ cy·A, Σ A) with holes subtracted.
    fn weighted_centroid(&self) -> (f64, f64, f64) {
        let mut sx = 0.0;
        let mut sy = 0.0;
        let mut sa = 0.0;
        for (i, ring) in self.rings.iter().enumerate() {
            let (c, a) = ring_centroid(ring);
            let a = if i == 0 { a.abs() } else { -a.abs() };
            sx += c.x * a;
            sy += c.y * a;
            sa += a;
        }
        (sx, sy, sa)
    }

    /// Whether the polygon covers `p`: `p` lies in its interior or on its
    /// boundary (the OGC `ST_Covers` predicate for a point). Exact: points
    /// exactly on an edge or vertex are decided with adaptive-precision
    /// orientation tests, never with a tolerance.
    pub fn covers(&self, p: RdPoint) -> bool {
        if !self.bbox.contains(p) {
            return false;
        }
        match ring_position(&self.rings[0], p) {
            Position::Outside => false,
            Position::Boundary => true,
            Position::Inside => self
                .holes()
                .iter()
                .all(|h| ring_position(h, p) != Position::Inside),
        }
    }

    /// Number of stored positions, closing positions included.
    pub fn vertex_count(&self) -> usize {
        self.rings.iter().map(Vec::len).sum()
    }

    /// Applies `f` to every position (e.g. a coordinate transformation) and
    /// rebuilds the polygon.
    pub fn try_map<F>(&self, mut f: F) -> Result<Polygon, GeoError>
    where
        F: FnMut(RdPoint) -> Result<RdPoint, GeoError>,
    {
        let rings = self
            .rings
            .iter()
            .map(|r| r.iter().map(|&p| f(p)).collect::<Result<Vec<_>, _>>())
            .collect::<Result<Vec<_>, _>>()?;
        Polygon::new(rings)
    }
}

/// One or more polygons (a municipality with islands or exclaves).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiPolygon {
    polygons: Vec<Polygon>,
    bbox: BBox,
}

impl MultiPolygon {
    /// Errors when `polygons` is empty.
    pub fn new(polygons: Vec<Polygon>) -> Result<MultiPolygon, GeoError> {
        let bbox = polygons
            .iter()
            .map(Polygon::bbox)
            .reduce(BBox::union)
            .ok_or_else(|| GeoError::Geometry("multipolygon has no polygons".into()))?;
        Ok(MultiPolygon { polygons, bbox })
    }

    pub fn polygons(&self) -> &[Polygon] {
        &self.polygons
    }

    pub fn bbox(&self) -> BBox {
        self.bbox
    }

    /// Total area in m² (parts are assumed not to overlap).
    pub fn area(&self) -> f64 {
        self.polygons.iter().map(Polygon::area).sum()
    }

    /// The area-weighted centroid of all parts.
    pub fn centroid(&self) -> RdPoint {
        let (mut sx, mut sy, mut sa) = (0.0, 0.0, 0.0);
        for p in &self.polygons {
            let (x, y, a) = p.weighted_centroid();
            sx += x;
            sy += y;
            sa += a;
        }
        if sa > 0.0 {
            RdPoint::new(sx / sa, sy / sa)
        } else {
            vertex_mean(self.polygons[0].exterior())
        }
    }

    /// Whether any part covers `p` (interior or boundary, exact).
    pub fn covers(&self, p: RdPoint) -> bool {
        self.bbox.contains(p) && self.polygons.iter().any(|poly| poly.covers(p))
    }

    /// Number of stored positions over all parts.
    pub fn vertex_count(&self) -> usize {
        self.polygons.iter().map(Polygon::vertex_count).sum()
    }

    /// Applies `f` to every position and rebuilds the multipolygon.
    pub fn try_map<F>(&self, mut f: F) -> Result<MultiPolygon, GeoError>
    where
        F: FnMut(RdPoint) -> Result<RdPoint, GeoError>,
    {
        let polygons = self
            .polygons
            .iter()
            .map(|p| p.try_map(&mut f))
            .collect::<Result<Vec<_>, _>>()?;
        MultiPolygon::new(polygons)
    }
}

impl From<Polygon> for MultiPolygon {
    fn from(p: Polygon) -> Self {
        let bbox = p.bbox();
        MultiPolygon {
            polygons: vec![p],
            bbox,
        }
    }
}

/// Shoelace formula relative to the first position (for precision with
/// large RD coordinates). Positive for counter-clockwise rings.
fn signed_area(ring: &[RdPoint]) -> f64 {
    let Some(&o) = ring.first() else { return 0.0 };
    let mut s = 0.0;
    for w in ring.windows(2) {
        let (ax, ay) = (w[0].x - o.x, w[0].y - o.y);
        let (bx, by) = (w[1].x - o.x, w[1].y - o.y);
        s += ax * by - bx * ay;
    }
    s / 2.0
}

/// Centroid and signed area of a closed ring.
fn ring_centroid(ring: &[RdPoint]) -> (RdPoint, f64) {
    let o = ring[0];
    let (mut cx, mut cy, mut a2) = (0.0, 0.0, 0.0);
    for w in ring.windows(2) {
        let (ax, ay) = (w[0].x - o.x, w[0].y - o.y);
        let (bx, by) = (w[1].x - o.x, w[1].y - o.y);
        let cross = ax * by - bx * ay;
        a2 += cross;
        cx += (ax + bx) * cross;
        cy += (ay + by) * cross;
    }
    if a2 == 0.0 {
        return (vertex_mean(ring), 0.0);
    }
    (
        RdPoint::new(o.x + cx / (3.0 * a2), o.y + cy / (3.0 * a2)),
        a2 / 2.0,
    )
}

fn vertex_mean(ring: &[RdPoint]) -> RdPoint {
    let n = ring.len().max(1) as f64;
    let (sx, sy) = ring
        .iter()
        .fold((0.0, 0.0), |(sx, sy), p| (sx + p.x, sy + p.y));
    RdPoint::new(sx / n, sy / n)
}

fn orient(a: RdPoint, b: RdPoint, p: RdPoint) -> f64 {
    robust::orient2d(
        robust::Coord { x: a.x, y: a.y },
        robust::Coord { x: b.x, y: b.y },
        robust::Coord { x: p.x, y: p.y },
    )
}

/// Winding-number test with exact predicates (Sunday's algorithm). Every
/// comparison is either a comparison of input coordinates or the sign of an
/// exactly evaluated orientation determinant, so the result is exact.
fn ring_position(ring: &[RdPoint], p: RdPoint) -> Position {
    let mut winding = 0i32;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        let in_x = p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x);
        let in_y = p.y >= a.y.min(b.y) && p.y <= a.y.max(b.y);
        if in_x && in_y {
            let o = orient(a, b, p);
            if o == 0.0 {
                return Position::Boundary;
            }
            winding += crossing(a, b, p, o);
        } else if (a.y <= p.y) != (b.y <= p.y) {
            winding += crossing(a, b, p, orient(a, b, p));
        }
    }
    if winding != 0 {
        Position::Inside
    } else {
        Position::Outside
    }
}

/// Contribution of edge a→b to the winding number around p, given the
/// orientation `o` of (a, b, p).
fn crossing(a: RdPoint, b: RdPoint, p: RdPoint, o: f64) -> i32 {
    if a.y <= p.y {
        if b.y > p.y && o > 0.0 { 1 } else { 0 }
    } else if b.y <= p.y && o < 0.0 {
        -1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pt(x: f64, y: f64) -> RdPoint {
        RdPoint::new(x, y)
    }

    fn square_with_hole() -> Polygon {
        Polygon::new(vec![
            vec![pt(0.0, 0.0), pt(10.0, 0.0), pt(10.0, 10.0), pt(0.0, 10.0)],
            vec![pt(4.0, 4.0), pt(4.0, 6.0), pt(6.0, 6.0), pt(6.0, 4.0)],
        ])
        .unwrap()
    }

    #[test]
    fn rings_are_closed_and_validated() {
        let p = square_with_hole();
        assert_eq!(p.exterior().len(), 5);
        assert_eq!(p.exterior()[0], p.exterior()[4]);
        assert_eq!(p.holes().len(), 1);
        assert!(Polygon::new(vec![]).is_err());
        assert!(Polygon::from_exterior(vec![pt(0.0, 0.0), pt(1.0, 1.0)]).is_err());
        assert!(
            Polygon::from_exterior(vec![pt(0.0, 0.0), pt(1.0, 1.0), pt(2.0, 2.0)]).is_err(),
            "collinear ring has no area"
        );
        assert!(
            Polygon::from_exterior(vec![pt(0.0, 0.0), pt(f64::NAN, 1.0), pt(2.0, 0.0)]).is_err()
        );
        assert!(MultiPolygon::new(vec![]).is_err());
    }

    #[test]
    fn area_centroid_bbox() {
        let p = square_with_hole();
        assert_eq!(p.area(), 96.0);
        let c = p.centroid();
        assert!((c.x - 5.0).abs() < 1e-12 && (c.y - 5.0).abs() < 1e-12);
        assert_eq!(p.bbox(), BBox::new(0.0, 0.0, 10.0, 10.0));
        // Orientation does not matter.
        let cw = Polygon::from_exterior(vec![
            pt(155000.0, 463000.0),
            pt(155000.0, 463100.0),
            pt(155200.0, 463100.0),
            pt(155200.0, 463000.0),
        ])
        .unwrap();
        assert_eq!(cw.area(), 20000.0);
        assert_eq!(cw.centroid(), pt(155100.0, 463050.0));
        let mp = MultiPolygon::new(vec![
            Polygon::from_exterior(vec![pt(0.0, 0.0), pt(2.0, 0.0), pt(2.0, 2.0), pt(0.0, 2.0)])
                .unwrap(),
            Polygon::from_exterior(vec![
                pt(10.0, 0.0),
                pt(12.0, 0.0),
                pt(12.0, 2.0),
                pt(10.0, 2.0),
            ])
            .unwrap(),
        ])
        .unwrap();
        assert_eq!(mp.area(), 8.0);
        assert_eq!(mp.centroid(), pt(6.0, 1.0));
        assert_eq!(mp.bbox(), BBox::new(0.0, 0.0, 12.0, 2.0));
        assert!(!mp.covers(pt(6.0, 1.0)));
        assert!(mp.covers(pt(12.0, 2.0)));
    }

    #[test]
    fn covers_interior_boundary_holes() {
        let p = square_with_hole();
        assert!(p.covers(pt(1.0, 1.0)));
        assert!(p.covers(pt(0.0, 0.0)), "vertex");
        assert!(p.covers(pt(10.0, 3.3)), "edge");
        assert!(p.covers(pt(5.0, 10.0)), "top edge");
        assert!(!p.covers(pt(5.0, 5.0)), "in hole");
        assert!(p.covers(pt(4.0, 5.0)), "on hole edge");
        assert!(p.covers(pt(6.0, 6.0)), "on hole vertex");
        assert!(!p.covers(pt(10.000000000000002, 5.0)));
        assert!(!p.covers(pt(-1e-300, 5.0)));
        assert!(!p.covers(pt(11.0, 10.0)), "beyond a vertex on the ray");
        assert!(!p.covers(pt(-1.0, 0.0)), "on the ray along an edge");
    }

    #[test]
    fn covers_is_exact_on_slanted_edges() {
        // Points exactly on a slanted edge with non-representable slope.
        let tri = Polygon::from_exterior(vec![
            pt(155000.1, 463000.3),
            pt(155300.7, 463100.9),
            pt(155100.0, 463400.0),
        ])
        .unwrap();
        let (a, b) = (pt(155000.1, 463000.3), pt(155300.7, 463100.9));
        for p in [a, b] {
            assert!(tri.covers(p));
        }
        // Next representable x beside a vertex: outside on one side.
        assert!(!tri.covers(pt(155000.1f64.next_down(), 463000.3)));
        // The midpoint of a→b as computed in f64 is generally not exactly on
        // the segment; covers must agree with the exact orientation.
        let m = pt((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
        let o = orient(a, b, m);
        assert_eq!(tri.covers(m), o >= 0.0);
    }

    proptest! {
        /// Points on an axis-parallel edge of a random rectangle are covered;
        /// points just outside it are not.
        #[test]
        fn rectangle_edges(x0 in 0.0f64..300000.0, y0 in 300000.0f64..600000.0,
                           w in 0.001f64..5000.0, h in 0.001f64..5000.0, t in 0.0f64..=1.0) {
            let (x1, y1) = (x0 + w, y0 + h);
            let r = Polygon::from_exterior(vec![pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)]).unwrap();
            let x = (x0 + t * (x1 - x0)).clamp(x0, x1);
            let y = (y0 + t * (y1 - y0)).clamp(y0, y1);
            prop_assert!(r.covers(pt(x, y0)));
            prop_assert!(r.covers(pt(x, y1)));
            prop_assert!(r.covers(pt(x0, y)));
            prop_assert!(r.covers(pt(x1, y)));
            prop_assert!(!r.covers(pt(x, y0.next_down())));
            prop_assert!(!r.covers(pt(x1.next_up(), y)));
        }

        /// Against a brute-force even-odd test for points well away from the
        /// boundary of a random star-shaped polygon.
        #[test]
        fn star_polygon_agrees_with_simple_test(
            radii in proptest::collection::vec(100.0f64..1000.0, 3..24),
            px in -1100.0f64..1100.0, py in -1100.0f64..1100.0,
        ) {
            let n = radii.len();
            let ring: Vec<RdPoint> = radii.iter().enumerate().map(|(i, r)| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                pt(200000.0 + r * a.cos(), 450000.0 + r * a.sin())
            }).collect();
            let poly = Polygon::from_exterior(ring.clone()).unwrap();
            let p = pt(200000.0 + px, 450000.0 + py);
            // even-odd reference
            let mut inside = false;
            let mut min_d = f64::INFINITY;
            for i in 0..n {
                let (a, b) = (ring[i], ring[(i + 1) % n]);
                if (a.y > p.y) != (b.y > p.y) {
                    let xi = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
                    if p.x < xi { inside = !inside; }
                }
                // distance to segment
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
                min_d = min_d.min(p.distance(pt(a.x + t * dx, a.y + t * dy)));
            }
            prop_assume!(min_d > 1e-6);
            prop_assert_eq!(poly.covers(p), inside);
        }
    }
}
