//! Geometry for Buitenzicht, in RD New (EPSG:28992, metres).
//!
//! Everything spatial in Buitenzicht is stored and computed in the Dutch
//! national grid, RD New; WGS84 (EPSG:4326, longitude/latitude in degrees)
//! appears only at the edges: importing GeoJSON that comes in WGS84 and
//! drawing maps in the browser.
//!
//! - [`RdPoint`], [`LonLat`], [`BBox`]: coordinates and boxes.
//! - [`Polygon`], [`MultiPolygon`]: rings in RD New with an exact
//!   [`covers`](MultiPolygon::covers) test (interior or boundary, exact for
//!   points on edges and vertices), [`area`](MultiPolygon::area) in m²,
//!   [`bbox`](MultiPolygon::bbox) and [`centroid`](MultiPolygon::centroid).
//! - [`rd_to_wgs84`] / [`wgs84_to_rd`]: the coordinate transformation, with
//!   proj4rs and the usual 7-parameter `+towgs84` definition of EPSG:28992
//!   ([`RD_NEW_PROJ4`]). Accuracy: that definition is itself an
//!   approximation of RDNAPTRANS™ (about 1 m); the round trip RD → WGS84 → RD
//!   reproduces the input within 1 mm (measured: under 0.6 mm over the
//!   whole country).
//! - [`CbsSquare`]: the CBS 500 m squares (`E1550N4630`) and their boxes.
//! - [`parse_municipalities_geojson`]: CBS municipality boundaries from
//!   GeoJSON in RD New or WGS84, with errors that name the feature and field;
//!   [`find_municipality`] and [`municipalities_to_geojson`] to use them.
//!
//! The crate is pure: no I/O besides what the caller hands in as bytes.

mod cbs;
mod crs;
mod error;
mod geojson;
mod point;
mod polygon;

pub use cbs::CbsSquare;
pub use crs::{RD_NEW_PROJ4, WGS84_PROJ4, rd_to_wgs84, wgs84_to_rd};
pub use error::GeoError;
pub use geojson::{
    Crs, MunicipalityBoundary, ParseOptions, find_municipality, multipolygon_to_geojson,
    municipalities_to_geojson, parse_area_geojson, parse_municipalities_geojson, stored_polygons,
};
pub use point::{BBox, LonLat, RdPoint};
pub use polygon::{MultiPolygon, Polygon};
