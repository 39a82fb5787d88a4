//! A point index in Morton (Z-) order: every tile at zoom ≤ [`BITS`] is one
//! contiguous range of the sorted keys, found with two binary searches.

use crate::world::{TileId, World};

/// Bits per axis of the quantised world position (2^26 ≈ 0.6 m at 52° N).
pub const BITS: u32 = 26;
const SCALE: f64 = (1u64 << BITS) as f64;

/// Quantise a world position to the index grid.
pub fn quantise(w: World) -> (u32, u32) {
    let max = ((1u64 << BITS) - 1) as f64;
    (
        (w.x * SCALE).clamp(0.0, max) as u32,
        (w.y * SCALE).clamp(0.0, max) as u32,
    )
}

fn spread(v: u32) -> u64 {
    let mut x = u64::from(v) & 0x3ff_ffff;
    x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    x = (x | (x << 1)) & 0x5555_5555_5555_5555;
    x
}

fn compact(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | (x >> 4)) & 0x00ff_00ff_00ff_00ff;
    x = (x | (x >> 8)) & 0x0000_ffff_0000_ffff;
    x = (x | (x >> 16)) & 0x0000_0000_ffff_ffff;
    x as u32
}

/// Interleave the bits of `qx` (even positions) and `qy` (odd positions).
pub fn morton(qx: u32, qy: u32) -> u64 {
    spread(qx) | (spread(qy) << 1)
}

/// The quantised position of a key.
pub fn unmorton(key: u64) -> (u32, u32) {
    (compact(key), compact(key >> 1))
}

/// The key range `[lo, hi)` of a tile. Tiles above zoom [`BITS`] map to the
/// range of their ancestor at zoom [`BITS`] (callers filter by position).
pub fn tile_range(t: TileId) -> (u64, u64) {
    let z = u32::from(t.z).min(BITS);
    let shift = u32::from(t.z) - z;
    let (x, y) = (t.x >> shift, t.y >> shift);
    let lo = morton(x << (BITS - z), y << (BITS - z));
    (lo, lo + (1u64 << (2 * (BITS - z))))
}

/// Points with attributes `A`, sorted by Morton key.
#[derive(Debug, Clone)]
pub struct PointIndex<A> {
    keys: Vec<u64>,
    attrs: Vec<A>,
}

impl<A> Default for PointIndex<A> {
    fn default() -> Self {
        PointIndex {
            keys: Vec::new(),
            attrs: Vec::new(),
        }
    }
}

impl<A> PointIndex<A> {
    /// Build from (position, attributes); the order of equal keys is kept.
    pub fn build(items: impl IntoIterator<Item = (World, A)>) -> PointIndex<A> {
        let mut v: Vec<(u64, A)> = items
            .into_iter()
            .map(|(w, a)| {
                let (qx, qy) = quantise(w);
                (morton(qx, qy), a)
            })
            .collect();
        v.sort_by_key(|(k, _)| *k);
        let (keys, attrs) = v.into_iter().unzip();
        PointIndex { keys, attrs }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The points in tile `t`: (quantised x, quantised y, attributes).
    pub fn in_tile(&self, t: TileId) -> impl Iterator<Item = (u32, u32, &A)> + '_ {
        let (lo, hi) = tile_range(t);
        let a = self.keys.partition_point(|k| *k < lo);
        let b = self.keys.partition_point(|k| *k < hi);
        // Above zoom BITS the range is the ancestor's; keep the tile's own points.
        let deep = u32::from(t.z) > BITS;
        let (x0, y0, x1, y1) = if deep {
            let s = u32::from(t.z) - BITS;
            let cell = |v: u32| v >> s;
            (cell(t.x), cell(t.y), cell(t.x + 1), cell(t.y + 1))
        } else {
            (0, 0, u32::MAX, u32::MAX)
        };
        self.keys[a..b]
            .iter()
            .zip(&self.attrs[a..b])
            .map(|(k, at)| {
                let (x, y) = unmorton(*k);
                (x, y, at)
            })
            .filter(move |(x, y, _)| !deep || (*x >= x0 && *x <= x1 && *y >= y0 && *y <= y1))
    }

    /// The `i`-th point in key order.
    pub fn get(&self, i: usize) -> Option<(u32, u32, &A)> {
        let (x, y) = unmorton(*self.keys.get(i)?);
        Some((x, y, self.attrs.get(i)?))
    }

    /// Every point.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32, &A)> + '_ {
        self.keys.iter().zip(&self.attrs).map(|(k, a)| {
            let (x, y) = unmorton(*k);
            (x, y, a)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn morton_round_trips(x in 0u32..(1 << BITS), y in 0u32..(1 << BITS)) {
            prop_assert_eq!(unmorton(morton(x, y)), (x, y));
        }

        #[test]
        fn a_tile_range_holds_exactly_the_points_of_the_tile(
            pts in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0), 0..200),
            z in 0u8..=14,
            tx in 0u32..(1 << 14),
            ty in 0u32..(1 << 14),
        ) {
            let n = 1u32 << z;
            let t = TileId::new(z, tx % n, ty % n).expect("valid");
            let idx = PointIndex::build(pts.iter().enumerate().map(|(i, &(x, y))| (World { x, y }, i)));
            let mut got: Vec<usize> = idx.in_tile(t).map(|(_, _, i)| *i).collect();
            got.sort_unstable();
            let want: Vec<usize> = pts.iter().enumerate()
                .filter(|(_, (x, y))| {
                    let (x, y) = (*x, *y);
                    let (qx, qy) = quantise(World { x, y });
                    TileId::containing(z, World { x: f64::from(qx) / SCALE, y: f64::from(qy) / SCALE }) == t
                })
                .map(|(i, _)| i).collect();
            prop_assert_eq!(got, want);
        }
    }
}
