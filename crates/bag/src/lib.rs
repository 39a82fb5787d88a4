//! `bz-bag`: reading Dutch BAG address and building data in the forms people
//! have it — streaming, fast, and with errors that say where and why.
//!
//! * [`xml`]: pull parser for the BAG 2.0 Extract XML (`Objecten:Verblijfsobject`,
//!   `Pand`, `Nummeraanduiding`, `OpenbareRuimte`, `Woonplaats`, `Ligplaats`,
//!   `Standplaats`, and the gemeente–woonplaats relation), constant memory.
//! * [`source`]: the Kadaster zip-in-zip delivery, a zip, a directory or one
//!   XML file, without extracting to disk.
//! * [`current`]: the version of each object that is current on a date.
//! * [`join`]: flat address records (vbo + nummeraanduiding + openbare ruimte
//!   + woonplaats + gemeente + pand).
//! * [`adressen`]: the `adressen.csv` of the gebiedsscan spec (read/write).
//! * [`gpkg`]: GeoPackage geometry blobs (for PDOK `bag-light.gpkg` read with
//!   the store layer's own SQL connection).
//! * [`error`]: one error type naming file (with the path inside zips), line,
//!   column, object, element and reason; an error budget for imports.
//!
//! Pure: no async, no SQL, no network.
//!
//! ```no_run
//! use bz_bag::{ErrorBudget, SourceOptions, Snapshot, read_bag, join_addresses, JoinOptions};
//! let mut budget = ErrorBudget::default();
//! let date = "2020-09-15".parse().unwrap();
//! let mut snap = Snapshot::new(date).without_geometry();
//! let stats = read_bag("BAGNLDL-15092020.zip".as_ref(), &SourceOptions::default(), &mut budget,
//!     |o| snap.offer(o));
//! if !budget.is_empty() { /* report budget.errors(), budget.total(); refuse */ }
//! let (addresses, warnings) = join_addresses(&snap, &JoinOptions::default());
//! # let _ = (stats, addresses, warnings);
//! ```

pub mod adressen;
pub mod bench;
pub mod current;
pub mod error;
pub mod geom;
pub mod gpkg;
pub mod join;
pub mod model;
pub mod num;
pub mod source;
pub mod xml;

pub use adressen::{
    AdresRow, AdressenReader, read_adressen, read_adressen_csv, write_adressen_csv,
};
pub use current::{CurrentReducer, Snapshot, Versioned};
pub use error::{BagError, ErrorBudget, ErrorInfo, ErrorKind, GeometryError, ImportErrors};
pub use geom::{MultiPolygon, Point, PolygonRef, RingProblem};
pub use gpkg::{BlobError, GpkgBlob, GpkgGeometry, decode_gpkg_geometry, decode_wkb};
pub use join::{Adres, JoinOptions, JoinWarning, join_addresses};
pub use model::*;
pub use source::{SourceOptions, SourceStats, for_each_xml, read_bag, read_bag_zip};
pub use xml::{BagObjectRef, BagXmlReader, ParseOptions};

#[cfg(test)]
mod tests;
