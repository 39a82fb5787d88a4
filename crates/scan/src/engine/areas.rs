//! Municipalities prepared for exact point-in-polygon tests.

use super::*;

/// A municipality prepared for point-in-polygon tests.
pub(super) struct Area {
    bbox: [f64; 4],
    polygons: Vec<Vec<Ring>>,
}

impl Area {
    pub(super) fn new(m: &Municipality) -> Area {
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
    pub(super) fn covers(&self, x: f64, y: f64) -> bool {
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
