//! Decoding GeoPackage geometry blobs (the `geom` column of PDOK's
//! `bag-light.gpkg`), so that the store layer can read the GeoPackage with
//! its own SQL connection and hand the blobs here.
//!
//! Format (OGC GeoPackage 1.3, §2.1.3): `GP`, version byte (0), flags byte
//! (bit 0: byte order of the header, 1 = little endian; bits 1–3: envelope
//! kind 0–4; bit 4: empty geometry; bit 5: extended type), `srs_id` (int32),
//! the envelope (0, 4, 6, 6 or 8 doubles), then standard WKB. Supported WKB:
//! Point, Polygon and MultiPolygon, 2D or with Z/M (ISO codes 1000/2000/3000
//! and EWKB flag bits; the extra ordinates are dropped), either byte order.

use crate::geom::{MultiPolygon, Point};
use std::fmt;

/// A decoded geometry.
#[derive(Clone, Debug, PartialEq)]
pub enum GpkgGeometry {
    /// The empty flag was set (or a point with NaN coordinates).
    Empty,
    Point(Point),
    /// A Polygon or MultiPolygon (a Polygon is one polygon).
    Polygons(MultiPolygon),
}

/// A decoded blob with its spatial reference id (28992 for RD New).
#[derive(Clone, Debug, PartialEq)]
pub struct GpkgBlob {
    pub srs_id: i32,
    pub geometry: GpkgGeometry,
}

/// What is wrong with a blob, and at which byte.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("GeoPackage geometry, byte {offset}: {reason}")]
pub struct BlobError {
    pub offset: usize,
    pub reason: String,
}

struct Cur<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cur<'a> {
    fn fail<T>(&self, reason: impl fmt::Display) -> Result<T, BlobError> {
        Err(BlobError {
            offset: self.pos,
            reason: reason.to_string(),
        })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], BlobError> {
        match self.b.get(self.pos..self.pos.saturating_add(n)) {
            Some(s) if s.len() == n => {
                self.pos += n;
                Ok(s)
            }
            _ => self.fail(format!(
                "unexpected end: {n} more byte(s) needed, {} left",
                self.b.len() - self.pos.min(self.b.len())
            )),
        }
    }

    fn u8(&mut self) -> Result<u8, BlobError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self, le: bool) -> Result<u32, BlobError> {
        let s: [u8; 4] = self.take(4)?.try_into().map_err(|_| BlobError {
            offset: self.pos,
            reason: "short read".into(),
        })?;
        Ok(if le {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    }

    fn f64(&mut self, le: bool) -> Result<f64, BlobError> {
        let s: [u8; 8] = self.take(8)?.try_into().map_err(|_| BlobError {
            offset: self.pos,
            reason: "short read".into(),
        })?;
        Ok(if le {
            f64::from_le_bytes(s)
        } else {
            f64::from_be_bytes(s)
        })
    }

    fn left(&self) -> usize {
        self.b.len().saturating_sub(self.pos)
    }
}

/// Decodes a GeoPackage geometry blob.
pub fn decode_gpkg_geometry(blob: &[u8]) -> Result<GpkgBlob, BlobError> {
    let mut c = Cur { b: blob, pos: 0 };
    if c.take(2)? != b"GP" {
        c.pos = 0;
        return c.fail("not a GeoPackage geometry (magic 'GP' missing)");
    }
    let version = c.u8()?;
    if version != 0 {
        c.pos -= 1;
        return c.fail(format!("unsupported GeoPackage binary version {version}"));
    }
    let flags = c.u8()?;
    if flags & 0x20 != 0 {
        c.pos -= 1;
        return c.fail("extended geometry types are not supported");
    }
    let le = flags & 1 == 1;
    let empty = flags & 0x10 != 0;
    let envelope_doubles = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 4,
        2 | 3 => 6,
        4 => 8,
        other => {
            c.pos -= 1;
            return c.fail(format!("invalid envelope indicator {other}"));
        }
    };
    let srs_id = c.u32(le)? as i32;
    c.take(envelope_doubles * 8)?;
    if empty {
        return Ok(GpkgBlob {
            srs_id,
            geometry: GpkgGeometry::Empty,
        });
    }
    let geometry = decode_wkb_at(&mut c)?;
    Ok(GpkgBlob { srs_id, geometry })
}

/// Decodes plain WKB (Point, Polygon, MultiPolygon).
pub fn decode_wkb(wkb: &[u8]) -> Result<GpkgGeometry, BlobError> {
    let mut c = Cur { b: wkb, pos: 0 };
    decode_wkb_at(&mut c)
}

/// Returns (little endian, base type 1..7, extra ordinates per position).
fn wkb_header(c: &mut Cur<'_>) -> Result<(bool, u32, usize), BlobError> {
    let le = match c.u8()? {
        0 => false,
        1 => true,
        o => {
            c.pos -= 1;
            return c.fail(format!("invalid WKB byte order {o} (0 or 1)"));
        }
    };
    let start = c.pos;
    let raw = c.u32(le)?;
    // EWKB flags.
    let mut extra = usize::from(raw & 0x8000_0000 != 0) + usize::from(raw & 0x4000_0000 != 0);
    if raw & 0x2000_0000 != 0 {
        c.u32(le)?; // embedded SRID
    }
    let t = raw & 0x0FFF_FFFF;
    let (base, iso_extra) = match t / 1000 {
        0 => (t, 0),
        1 | 2 => (t % 1000, 1),
        3 => (t % 1000, 2),
        _ => (u32::MAX, 0),
    };
    extra += iso_extra;
    if !(1..=7).contains(&base) || extra > 2 {
        c.pos = start;
        return c.fail(format!("invalid WKB geometry type {raw}"));
    }
    Ok((le, base, extra))
}

fn decode_wkb_at(c: &mut Cur<'_>) -> Result<GpkgGeometry, BlobError> {
    let type_pos = c.pos;
    let (le, base, extra) = wkb_header(c)?;
    match base {
        1 => {
            let x = c.f64(le)?;
            let y = c.f64(le)?;
            for _ in 0..extra {
                c.f64(le)?;
            }
            if x.is_nan() && y.is_nan() {
                return Ok(GpkgGeometry::Empty);
            }
            Ok(GpkgGeometry::Point(Point { x, y }))
        }
        3 => {
            let mut m = MultiPolygon::new();
            polygon_body(c, le, extra, &mut m)?;
            Ok(GpkgGeometry::Polygons(m))
        }
        6 => {
            let n = c.u32(le)? as usize;
            // Each polygon needs at least 9 bytes (header + ring count).
            if n > c.left() / 9 {
                return c.fail(format!("{n} polygons cannot fit in {} bytes", c.left()));
            }
            let mut m = MultiPolygon::new();
            for _ in 0..n {
                let p = c.pos;
                let (le2, base2, extra2) = wkb_header(c)?;
                if base2 != 3 {
                    c.pos = p;
                    return c.fail(format!(
                        "MultiPolygon member of type {base2}, expected 3 (Polygon)"
                    ));
                }
                polygon_body(c, le2, extra2, &mut m)?;
            }
            Ok(GpkgGeometry::Polygons(m))
        }
        other => {
            c.pos = type_pos;
            c.fail(format!(
                "WKB geometry type {other} is not supported (Point, Polygon, MultiPolygon)"
            ))
        }
    }
}

fn polygon_body(
    c: &mut Cur<'_>,
    le: bool,
    extra: usize,
    m: &mut MultiPolygon,
) -> Result<(), BlobError> {
    let rings = c.u32(le)? as usize;
    if rings > c.left() / 4 {
        return c.fail(format!("{rings} rings cannot fit in {} bytes", c.left()));
    }
    let stride = 8 * (2 + extra);
    for _ in 0..rings {
        let n = c.u32(le)? as usize;
        if n > c.left() / stride {
            return c.fail(format!("{n} positions cannot fit in {} bytes", c.left()));
        }
        for _ in 0..n {
            let x = c.f64(le)?;
            let y = c.f64(le)?;
            for _ in 0..extra {
                c.f64(le)?;
            }
            m.push_coord([x, y]);
        }
        m.end_ring();
    }
    if rings > 0 {
        m.end_polygon();
    }
    Ok(())
}

/// Encodes a GeoPackage blob (little endian, no envelope) — the inverse of
/// [`decode_gpkg_geometry`], for tests and fixtures.
pub fn encode_gpkg_geometry(srs_id: i32, g: &GpkgGeometry) -> Vec<u8> {
    let mut b = vec![b'G', b'P', 0, 1];
    if matches!(g, GpkgGeometry::Empty) {
        b[3] |= 0x10;
    }
    b.extend_from_slice(&srs_id.to_le_bytes());
    match g {
        GpkgGeometry::Empty => {}
        GpkgGeometry::Point(p) => {
            b.push(1);
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&p.x.to_le_bytes());
            b.extend_from_slice(&p.y.to_le_bytes());
        }
        GpkgGeometry::Polygons(m) => {
            b.push(1);
            b.extend_from_slice(&6u32.to_le_bytes());
            b.extend_from_slice(&(m.num_polygons() as u32).to_le_bytes());
            for p in m.polygons() {
                b.push(1);
                b.extend_from_slice(&3u32.to_le_bytes());
                let rings: Vec<_> = p.rings().collect();
                b.extend_from_slice(&(rings.len() as u32).to_le_bytes());
                for r in rings {
                    b.extend_from_slice(&(r.len() as u32).to_le_bytes());
                    for c in r {
                        b.extend_from_slice(&c[0].to_le_bytes());
                        b.extend_from_slice(&c[1].to_le_bytes());
                    }
                }
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be_point_with_envelope() -> Vec<u8> {
        // Big-endian header (flags bit0 = 0) with a 2D envelope, big-endian WKB Point Z.
        let mut b = vec![b'G', b'P', 0, 0b0000_0010];
        b.extend_from_slice(&28992i32.to_be_bytes());
        for v in [1.0f64, 2.0, 3.0, 4.0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.push(0);
        b.extend_from_slice(&1001u32.to_be_bytes());
        for v in [206335.699f64, 447529.842, 0.0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b
    }

    #[test]
    fn point_big_endian_with_envelope_and_z() {
        let g = decode_gpkg_geometry(&be_point_with_envelope()).unwrap();
        assert_eq!(g.srs_id, 28992);
        assert_eq!(
            g.geometry,
            GpkgGeometry::Point(Point {
                x: 206335.699,
                y: 447529.842
            })
        );
    }

    #[test]
    fn polygon_round_trip_and_little_endian() {
        let ring = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 0.0]];
        let hole = vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 1.0]];
        let m = MultiPolygon::from_rings(&[vec![ring.clone(), hole], vec![ring]]);
        let g = GpkgGeometry::Polygons(m);
        let blob = encode_gpkg_geometry(28992, &g);
        assert_eq!(decode_gpkg_geometry(&blob).unwrap().geometry, g);
        let empty = encode_gpkg_geometry(28992, &GpkgGeometry::Empty);
        assert_eq!(
            decode_gpkg_geometry(&empty).unwrap().geometry,
            GpkgGeometry::Empty
        );
    }

    #[test]
    fn errors_name_the_byte() {
        assert_eq!(decode_gpkg_geometry(b"XX").unwrap_err().offset, 0);
        let mut b = be_point_with_envelope();
        b.truncate(b.len() - 4);
        let e = decode_gpkg_geometry(&b).unwrap_err();
        assert!(e.reason.contains("unexpected end"), "{e}");
        let mut b = be_point_with_envelope();
        b[40] = 7; // byte order byte of the WKB
        let e = decode_gpkg_geometry(&b).unwrap_err();
        assert_eq!(e.offset, 40);
        // Absurd counts are rejected before allocating.
        let mut b = vec![b'G', b'P', 0, 1];
        b.extend_from_slice(&28992i32.to_le_bytes());
        b.push(1);
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(
            decode_gpkg_geometry(&b)
                .unwrap_err()
                .reason
                .contains("cannot fit")
        );
        // LineString is not supported.
        let mut b = vec![b'G', b'P', 0, 1];
        b.extend_from_slice(&0i32.to_le_bytes());
        b.push(1);
        b.extend_from_slice(&2u32.to_le_bytes());
        assert!(
            decode_gpkg_geometry(&b)
                .unwrap_err()
                .reason
                .contains("not supported")
        );
    }
}
