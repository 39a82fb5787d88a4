//! `buitenzicht bench tiles`: latency and size of tiles around random
//! locations, per zoom level. Figures only; no test asserts a time.

use crate::model::View;
use crate::tileset::TileSet;
use crate::world::TileId;
use std::time::Instant;

/// Figures for one zoom level.
#[derive(Debug, Clone)]
pub struct ZoomFigures {
    pub z: u8,
    pub tiles: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_kb: f64,
    pub max_kb: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Render `per_zoom` tiles at every zoom in `zooms`, each the tile holding a
/// random scanned location (so that tiles have data, as users see them).
pub fn bench(
    set: &TileSet,
    view: &View,
    zooms: std::ops::RangeInclusive<u8>,
    per_zoom: usize,
    seed: u64,
) -> Vec<ZoomFigures> {
    let points = set.sample_points(per_zoom, seed);
    let mut out = Vec::new();
    for z in zooms {
        let mut times = Vec::with_capacity(points.len());
        let mut sizes = Vec::with_capacity(points.len());
        for w in &points {
            let t = TileId::containing(z, *w);
            let start = Instant::now();
            let bytes = set.render(t, view);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            sizes.push(bytes.len() as f64 / 1024.0);
        }
        times.sort_by(f64::total_cmp);
        let max_kb = sizes.iter().copied().fold(0.0, f64::max);
        out.push(ZoomFigures {
            z,
            tiles: times.len(),
            p50_ms: percentile(&times, 0.5),
            p99_ms: percentile(&times, 0.99),
            max_ms: times.last().copied().unwrap_or(0.0),
            mean_kb: sizes.iter().sum::<f64>() / sizes.len().max(1) as f64,
            max_kb,
        });
    }
    out
}
