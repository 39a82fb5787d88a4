use serde::{Deserialize, Serialize};

/// A point in RD New (EPSG:28992): `x` east, `y` north, in metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RdPoint {
    pub x: f64,
    pub y: f64,
}

impl RdPoint {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// Euclidean distance in metres (RD New is a conformal plane; within the
    /// Netherlands its scale error is below 0.02 %).
    pub fn distance(self, other: RdPoint) -> f64 {
        let dx = self.x - other.x;
        let dy = self.y - other.y;
        (dx * dx + dy * dy).sqrt()
    }

    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}

/// A WGS84 (EPSG:4326) position in degrees, GeoJSON axis order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub const fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }
}

/// An axis-aligned box in RD New; `min` and `max` are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl BBox {
    pub const fn new(min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> Self {
        Self {
            min_x,
            min_y,
            max_x,
            max_y,
        }
    }

    /// The smallest box holding all `points`; `None` when there are none.
    pub fn of_points<I: IntoIterator<Item = RdPoint>>(points: I) -> Option<BBox> {
        let mut it = points.into_iter();
        let first = it.next()?;
        let mut b = BBox::new(first.x, first.y, first.x, first.y);
        for p in it {
            b.extend_point(p);
        }
        Some(b)
    }

    pub fn extend_point(&mut self, p: RdPoint) {
        self.min_x = self.min_x.min(p.x);
        self.min_y = self.min_y.min(p.y);
        self.max_x = self.max_x.max(p.x);
        self.max_y = self.max_y.max(p.y);
    }

    /// The smallest box holding both.
    pub fn union(self, other: BBox) -> BBox {
        BBox::new(
            self.min_x.min(other.min_x),
            self.min_y.min(other.min_y),
            self.max_x.max(other.max_x),
            self.max_y.max(other.max_y),
        )
    }

    /// Whether `p` lies in the box, edges included.
    pub fn contains(self, p: RdPoint) -> bool {
        p.x >= self.min_x && p.x <= self.max_x && p.y >= self.min_y && p.y <= self.max_y
    }

    /// Whether the boxes share at least one point.
    pub fn intersects(self, other: BBox) -> bool {
        self.min_x <= other.max_x
            && other.min_x <= self.max_x
            && self.min_y <= other.max_y
            && other.min_y <= self.max_y
    }

    pub fn width(self) -> f64 {
        self.max_x - self.min_x
    }

    pub fn height(self) -> f64 {
        self.max_y - self.min_y
    }

    pub fn center(self) -> RdPoint {
        RdPoint::new(
            (self.min_x + self.max_x) / 2.0,
            (self.min_y + self.max_y) / 2.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_of_points_and_contains() {
        assert_eq!(BBox::of_points(Vec::new()), None);
        let b = BBox::of_points([RdPoint::new(3.0, 4.0), RdPoint::new(-1.0, 10.0)]).unwrap();
        assert_eq!(b, BBox::new(-1.0, 4.0, 3.0, 10.0));
        assert!(b.contains(RdPoint::new(-1.0, 4.0)));
        assert!(b.contains(RdPoint::new(3.0, 10.0)));
        assert!(!b.contains(RdPoint::new(3.000001, 10.0)));
        assert!(b.intersects(BBox::new(3.0, 10.0, 5.0, 11.0)));
        assert!(!b.intersects(BBox::new(3.1, 10.0, 5.0, 11.0)));
        assert_eq!(b.center(), RdPoint::new(1.0, 7.0));
        assert_eq!(RdPoint::new(0.0, 0.0).distance(RdPoint::new(3.0, 4.0)), 5.0);
    }
}
