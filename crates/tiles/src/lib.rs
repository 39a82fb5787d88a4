//! Vector tiles (Mapbox Vector Tile 2.1) for the Buitenzicht map, served by
//! Buitenzicht itself from in-memory spatial indexes.
//!
//! * [`world`]: Web Mercator world coordinates, tile ids, fast RD → world.
//! * [`index`]: points in Morton order, so a tile is one range of keys.
//! * [`tileset`]: the indexes built once per data version, and rendering a
//!   tile for a [`model::View`] (layers the viewer may see, suppression of
//!   small cells, period filter).
//! * [`decode`]: tiles back to features (tests).
//! * [`bench`]: latency and size of random tiles over synthetic data.
//!
//! Pure: no database, no HTTP.

#![forbid(unsafe_code)]

pub mod bench;
pub mod decode;
pub mod index;
pub mod model;
pub mod tileset;
pub mod world;

pub use model::*;
pub use tileset::{SquareRow, TileSet};
pub use world::TileId;

#[cfg(test)]
mod tests;
