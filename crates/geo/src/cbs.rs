use std::fmt;
use std::str::FromStr;

use crate::error::GeoError;
use crate::point::{BBox, RdPoint};

/// A CBS 500 m square (vierkantstatistieken), identified by the RD
/// coordinates of its lower-left corner in hectometres: code `E1550N4630`
/// is the square [155000, 155500] × [463000, 463500].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CbsSquare {
    /// Easting of the lower-left corner in hectometres (a multiple of 5).
    pub e: u32,
    /// Northing of the lower-left corner in hectometres (a multiple of 5).
    pub n: u32,
}

impl CbsSquare {
    /// Side of a square in metres.
    pub const SIDE_M: f64 = 500.0;

    /// The square holding `p`: `E{floor(x/500)*5:04}N{floor(y/500)*5:04}`
    /// exactly as in the gebiedsscan definition (a point on a dividing line
    /// belongs to the square east/north of it). `None` for non-finite or
    /// negative coordinates (RD New is positive throughout the Netherlands).
    pub fn containing(p: RdPoint) -> Option<CbsSquare> {
        let e = hm_index(p.x)?;
        let n = hm_index(p.y)?;
        Some(CbsSquare { e, n })
    }

    /// The code, e.g. `E1550N4630`.
    pub fn code(self) -> String {
        self.to_string()
    }

    /// The square's box; edges included, so a point on a shared edge lies in
    /// the box of both neighbours (use [`CbsSquare::containing`] to assign).
    pub fn bbox(self) -> BBox {
        let x = f64::from(self.e) * 100.0;
        let y = f64::from(self.n) * 100.0;
        BBox::new(x, y, x + Self::SIDE_M, y + Self::SIDE_M)
    }

    /// Parses a code such as `E1550N4630` (at least four digits each, both
    /// multiples of 5).
    pub fn parse(code: &str) -> Result<CbsSquare, GeoError> {
        let err = |reason: &str| GeoError::SquareCode {
            code: code.to_string(),
            reason: reason.to_string(),
        };
        let rest = code
            .strip_prefix('E')
            .ok_or_else(|| err("does not start with 'E'"))?;
        let (e, n) = rest.split_once('N').ok_or_else(|| err("has no 'N' part"))?;
        let num = |s: &str, axis: &str| -> Result<u32, GeoError> {
            if s.len() < 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(&format!("{axis} part is not at least four digits")));
            }
            let v: u32 = s
                .parse()
                .map_err(|_| err(&format!("{axis} part is too large")))?;
            if !v.is_multiple_of(5) {
                return Err(err(&format!("{axis} part is not a multiple of 5")));
            }
            Ok(v)
        };
        Ok(CbsSquare {
            e: num(e, "E")?,
            n: num(n, "N")?,
        })
    }
}

fn hm_index(v: f64) -> Option<u32> {
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let cells = (v / 500.0).floor();
    if cells * 5.0 > f64::from(u32::MAX) {
        return None;
    }
    // Truncation is exact: `cells` is a non-negative integer below 2^32 / 5.
    Some(cells as u32 * 5)
}

impl fmt::Display for CbsSquare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{:04}N{:04}", self.e, self.n)
    }
}

impl FromStr for CbsSquare {
    type Err = GeoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CbsSquare::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spec_example() {
        let sq = CbsSquare::containing(RdPoint::new(155250.0, 463100.0)).unwrap();
        assert_eq!(sq.code(), "E1550N4630");
        assert_eq!(sq.bbox(), BBox::new(155000.0, 463000.0, 155500.0, 463500.0));
        assert_eq!(CbsSquare::parse("E1550N4630").unwrap(), sq);
        assert_eq!("E1550N4630".parse::<CbsSquare>().unwrap(), sq);
    }

    #[test]
    fn edges_and_small_values() {
        let sq = |x, y| CbsSquare::containing(RdPoint::new(x, y)).unwrap().code();
        assert_eq!(sq(155000.0, 463000.0), "E1550N4630");
        assert_eq!(sq(154999.999, 463499.999), "E1545N4630");
        assert_eq!(sq(0.0, 499.0), "E0000N0000");
        assert_eq!(sq(13565.0, 306960.0), "E0135N3065");
        assert_eq!(CbsSquare::containing(RdPoint::new(-1.0, 5.0)), None);
        assert_eq!(CbsSquare::containing(RdPoint::new(f64::NAN, 5.0)), None);
    }

    #[test]
    fn bad_codes() {
        for c in [
            "",
            "E155N4630",
            "X1550N4630",
            "E1550",
            "E1551N4630",
            "E1550N46a0",
            "E1550n4630",
        ] {
            assert!(CbsSquare::parse(c).is_err(), "{c}");
        }
        let e = CbsSquare::parse("E1551N4630").unwrap_err().to_string();
        assert!(
            e.contains("E1551N4630") && e.contains("multiple of 5"),
            "{e}"
        );
    }

    proptest! {
        #[test]
        fn point_lies_in_its_square(x in 0.0f64..300000.0, y in 280000.0f64..630000.0) {
            let sq = CbsSquare::containing(RdPoint::new(x, y)).unwrap();
            prop_assert!(sq.bbox().contains(RdPoint::new(x, y)));
            prop_assert_eq!(CbsSquare::parse(&sq.code()).unwrap(), sq);
        }
    }
}
