use std::sync::LazyLock;

use proj4rs::proj::Proj;

use crate::error::GeoError;
use crate::point::{LonLat, RdPoint};

/// The usual PROJ.4 definition of RD New (EPSG:28992): oblique stereographic
/// on the Bessel 1841 ellipsoid with the 7-parameter (position vector)
/// datum shift to WGS84, as GDAL/PROJ have published it for years. It
/// approximates the official RDNAPTRANS™ transformation to about a metre,
/// which is far below the precision of the CBS boundaries (~100 m for the
/// WGS84 files) and of anything drawn on a web map.
pub const RD_NEW_PROJ4: &str = concat!(
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 ",
    "+k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel ",
    "+towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 ",
    "+units=m +no_defs"
);

/// WGS84 longitude/latitude (EPSG:4326).
pub const WGS84_PROJ4: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";

struct Projs {
    rd: Proj,
    wgs84: Proj,
}

static PROJS: LazyLock<Result<Projs, String>> = LazyLock::new(|| {
    let rd = Proj::from_proj_string(RD_NEW_PROJ4).map_err(|e| format!("RD New: {e}"))?;
    let wgs84 = Proj::from_proj_string(WGS84_PROJ4).map_err(|e| format!("WGS84: {e}"))?;
    Ok(Projs { rd, wgs84 })
});

fn projs() -> Result<&'static Projs, GeoError> {
    PROJS
        .as_ref()
        .map_err(|e| GeoError::Projection(format!("cannot initialise projection {e}")))
}

/// RD New → WGS84 (degrees).
///
/// Errors for non-finite input or when proj4rs cannot transform the point.
pub fn rd_to_wgs84(p: RdPoint) -> Result<LonLat, GeoError> {
    if !p.is_finite() {
        return Err(GeoError::Projection(format!(
            "RD point ({}, {}) is not finite",
            p.x, p.y
        )));
    }
    let projs = projs()?;
    let mut c = (p.x, p.y, 0.0);
    proj4rs::transform::transform(&projs.rd, &projs.wgs84, &mut c)
        .map_err(|e| GeoError::Projection(format!("RD ({}, {}): {e}", p.x, p.y)))?;
    let out = LonLat::new(c.0.to_degrees(), c.1.to_degrees());
    if !(out.lon.is_finite() && out.lat.is_finite()) {
        return Err(GeoError::Projection(format!(
            "RD ({}, {}) has no WGS84 position",
            p.x, p.y
        )));
    }
    Ok(out)
}

/// WGS84 (degrees) → RD New.
///
/// Errors for non-finite input, latitudes beyond ±90° or when proj4rs cannot
/// transform the point.
pub fn wgs84_to_rd(p: LonLat) -> Result<RdPoint, GeoError> {
    if !(p.lon.is_finite() && p.lat.is_finite()) || p.lat.abs() > 90.0 {
        return Err(GeoError::Projection(format!(
            "WGS84 position ({}, {}) is not a valid longitude/latitude",
            p.lon, p.lat
        )));
    }
    let projs = projs()?;
    let mut c = (p.lon.to_radians(), p.lat.to_radians(), 0.0);
    proj4rs::transform::transform(&projs.wgs84, &projs.rd, &mut c)
        .map_err(|e| GeoError::Projection(format!("WGS84 ({}, {}): {e}", p.lon, p.lat)))?;
    let out = RdPoint::new(c.0, c.1);
    if !out.is_finite() {
        return Err(GeoError::Projection(format!(
            "WGS84 ({}, {}) has no RD position",
            p.lon, p.lat
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schreutelkamp & Strang van Hees polynomial approximation (RD →
    /// WGS84), accurate to about a metre: an independent check of the
    /// proj4rs definition.
    fn ssvh_rd_to_wgs84(p: RdPoint) -> LonLat {
        let dx = (p.x - 155000.0) * 1e-5;
        let dy = (p.y - 463000.0) * 1e-5;
        let k: [(i32, i32, f64); 11] = [
            (0, 1, 3235.65389),
            (2, 0, -32.58297),
            (0, 2, -0.2475),
            (2, 1, -0.84978),
            (0, 3, -0.0655),
            (2, 2, -0.01709),
            (1, 0, -0.00738),
            (4, 0, 0.0053),
            (2, 3, -3.9e-4),
            (4, 1, 3.3e-4),
            (1, 1, -1.2e-4),
        ];
        let l: [(i32, i32, f64); 12] = [
            (1, 0, 5260.52916),
            (1, 1, 105.94684),
            (1, 2, 2.45656),
            (3, 0, -0.81885),
            (1, 3, 0.05594),
            (3, 1, -0.05607),
            (0, 1, 0.01199),
            (3, 2, -0.00256),
            (1, 4, 0.00128),
            (0, 2, 2.2e-4),
            (2, 0, -2.2e-4),
            (5, 0, 2.6e-4),
        ];
        let sum = |t: &[(i32, i32, f64)]| -> f64 {
            t.iter().map(|&(p, q, c)| c * dx.powi(p) * dy.powi(q)).sum()
        };
        let lat = 52.15517440 + sum(&k) / 3600.0;
        let lon = 5.38720621 + sum(&l) / 3600.0;
        LonLat::new(lon, lat)
    }

    #[test]
    fn amersfoort_origin() {
        let w = rd_to_wgs84(RdPoint::new(155000.0, 463000.0)).unwrap();
        assert!((w.lat - 52.1552).abs() < 1e-4, "{w:?}");
        assert!((w.lon - 5.3872).abs() < 1e-4, "{w:?}");
        let back = wgs84_to_rd(w).unwrap();
        assert!(back.distance(RdPoint::new(155000.0, 463000.0)) < 1e-3);
    }

    #[test]
    fn agrees_with_polynomial_approximation_and_round_trips() {
        let mut worst_approx: f64 = 0.0;
        let mut worst_trip: f64 = 0.0;
        for x in (20_000..=280_000).step_by(20_000) {
            for y in (300_000..=620_000).step_by(20_000) {
                let p = RdPoint::new(x as f64 + 0.123, y as f64 + 0.456);
                let w = rd_to_wgs84(p).unwrap();
                let a = ssvh_rd_to_wgs84(p);
                // degrees to metres, roughly
                let dn = (w.lat - a.lat) * 111_200.0;
                let de = (w.lon - a.lon) * 111_200.0 * w.lat.to_radians().cos();
                worst_approx = worst_approx.max((dn * dn + de * de).sqrt());
                let back = wgs84_to_rd(w).unwrap();
                worst_trip = worst_trip.max(back.distance(p));
            }
        }
        println!("worst difference to SSvH polynomials: {worst_approx:.3} m");
        println!("worst RD -> WGS84 -> RD round trip: {worst_trip:.3e} m");
        assert!(worst_approx < 2.0, "{worst_approx}");
        assert!(worst_trip < 1e-3, "{worst_trip}");
    }

    #[test]
    fn rejects_non_finite() {
        assert!(rd_to_wgs84(RdPoint::new(f64::NAN, 1.0)).is_err());
        assert!(wgs84_to_rd(LonLat::new(5.0, f64::INFINITY)).is_err());
        assert!(wgs84_to_rd(LonLat::new(5.0, 95.0)).is_err());
    }
}
