//! The tile set: immutable in-memory indexes built once per data version,
//! and the rendering of one tile from them.

use crate::index::{BITS, PointIndex, quantise};
use crate::model::{AddressIn, EventIn, Klasse, Layer, MunicipalityIn, Period, TileInput, View};
#[allow(unused_imports)]
use crate::world::MAX_ZOOM;
use crate::world::{TileId, World, rd_to_world};
use geo::Simplify;
use prost::Message;
use std::collections::HashMap;
use time::Date;
use tinymvt::geometry::GeometryEncoder;
use tinymvt::tag::TagsEncoder;
use tinymvt::vector_tile::Tile;
use tinymvt::vector_tile::tile::{Feature, GeomType, Layer as MvtLayer};

/// Tile extent (coordinate units per tile side), as MapLibre expects.
pub const EXTENT: u32 = 4096;
/// Boundaries are simplified per zoom up to this level; deeper tiles reuse it.
pub const MAX_SIMPLIFIED_ZOOM: u8 = 16;
/// All locations are drawn from this zoom level on.
pub const LOCATIONS_MIN_ZOOM: u8 = 12;
/// From this zoom level up to [`LOCATIONS_MIN_ZOOM`] only class `hoog` is
/// drawn (from its own, small index); below it the squares show the classes.
pub const HOOG_MIN_ZOOM: u8 = 10;
/// Above this many points in a tile, a point layer is drawn as clusters.
pub const MAX_POINT_FEATURES: usize = 8_000;
/// Cluster grid per tile side when a point layer is clustered.
const CLUSTER_GRID: u32 = 64;
/// Side of the CBS square in metres; coarser levels double it.
pub const SQUARE_M: i32 = 500;
/// Square levels: 500 m, 1 km, 2 km, 4 km, 8 km, 16 km.
const LEVELS: usize = 6;

/// The square level (0 = 500 m) drawn at zoom `z`: 500 m squares from zoom
/// 11 on (a tile is then about 12 km wide), each zoom out doubles the cell.
pub fn square_level(z: u8) -> usize {
    (11usize.saturating_sub(usize::from(z))).min(LEVELS - 1)
}

/// The CBS code of a 500 m cell key, e.g. `E1550N4630`.
pub fn square_code(key: (i32, i32)) -> String {
    format!("E{:04}N{:04}", key.0 * 5, key.1 * 5)
}

fn cell_key(x: f64, y: f64) -> (i32, i32) {
    (
        (x / f64::from(SQUARE_M)).floor() as i32,
        (y / f64::from(SQUARE_M)).floor() as i32,
    )
}

fn coarser(key: (i32, i32), level: usize) -> (i32, i32) {
    (key.0 >> level, key.1 >> level)
}

/// Static aggregates of a square cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    pub addresses: u32,
    pub scanned: u32,
    pub buitengebied: u32,
    pub hoog: u32,
    pub midden: u32,
    pub score_sum: f64,
    /// All incidents and signals in the cell (used when no period is chosen).
    pub incidents: u32,
    pub signals: u32,
}

/// One row of the accessible table of squares.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SquareRow {
    pub code: String,
    /// `None` for every figure when the cell is suppressed.
    pub suppressed: bool,
    pub addresses: Option<u32>,
    pub buitengebied: Option<u32>,
    pub hoog: Option<u32>,
    pub mean_score: Option<f64>,
    pub incidents: Option<u32>,
    pub signals: Option<u32>,
}

#[derive(Debug, Clone)]
struct Loc {
    id: u32,
    klasse: Klasse,
    score: f32,
}

#[derive(Debug, Clone)]
struct Ev {
    id: u32,
    cell: (i32, i32),
    day: i32,
    kind: u16,
}

struct Shape {
    code: String,
    name: String,
    bbox: (f64, f64, f64, f64),
    /// Per zoom 0..=MAX_SIMPLIFIED_ZOOM: polygons → rings → points.
    by_zoom: Vec<Vec<Vec<Vec<World>>>>,
}

/// The immutable indexes behind the map.
pub struct TileSet {
    shapes: Vec<Shape>,
    ids: Vec<String>,
    locations: PointIndex<Loc>,
    /// Only the locations of class `hoog`, for low zoom levels.
    hoog: PointIndex<Loc>,
    incidents: PointIndex<Ev>,
    signals: PointIndex<Ev>,
    kinds: Vec<String>,
    cells: Vec<HashMap<(i32, i32), Cell>>,
}

fn day(d: Date) -> i32 {
    d.to_julian_day()
}

impl TileSet {
    /// Build the indexes. Points without a position are left out.
    pub fn build(input: &TileInput) -> TileSet {
        let mut ids = Vec::new();
        let mut kinds: Vec<String> = Vec::new();
        let mut kind_ix: HashMap<String, u16> = HashMap::new();
        let mut intern = |k: &str| -> u16 {
            if let Some(i) = kind_ix.get(k) {
                return *i;
            }
            let i = kinds.len() as u16;
            kinds.push(k.to_string());
            kind_ix.insert(k.to_string(), i);
            i
        };
        let mut cells: Vec<HashMap<(i32, i32), Cell>> = vec![HashMap::new(); LEVELS];
        let mut locs = Vec::new();
        for a in &input.addresses {
            let Some(w) = rd_to_world(a.rd) else { continue };
            add_to_cells(&mut cells, a);
            if let Some(s) = a.scan {
                let id = ids.len() as u32;
                ids.push(a.id.clone());
                locs.push((
                    w,
                    Loc {
                        id,
                        klasse: s.klasse,
                        score: s.score as f32,
                    },
                ));
            }
        }
        let mut events = |list: &[EventIn], ids: &mut Vec<String>| {
            let mut v = Vec::with_capacity(list.len());
            for e in list {
                let Some(w) = rd_to_world(e.rd) else { continue };
                let id = ids.len() as u32;
                ids.push(e.id.clone());
                v.push((
                    w,
                    Ev {
                        id,
                        cell: cell_key(e.rd.x, e.rd.y),
                        day: day(e.date),
                        kind: intern(&e.kind),
                    },
                ));
            }
            PointIndex::build(v)
        };
        let incidents = events(&input.incidents, &mut ids);
        let signals = events(&input.signals, &mut ids);
        for (idx, is_signal) in [(&incidents, false), (&signals, true)] {
            for (_, _, e) in idx.iter() {
                for (level, map) in cells.iter_mut().enumerate() {
                    // Events outside every address cell still count in their own cell.
                    let c = map.entry(coarser(e.cell, level)).or_default();
                    if is_signal {
                        c.signals += 1;
                    } else {
                        c.incidents += 1;
                    }
                }
            }
        }
        let hoog = PointIndex::build(
            locs.iter()
                .filter(|(_, l)| l.klasse == Klasse::Hoog)
                .map(|(w, l)| (*w, l.clone())),
        );
        TileSet {
            shapes: input.municipalities.iter().filter_map(shape).collect(),
            ids,
            hoog,
            locations: PointIndex::build(locs),
            incidents,
            signals,
            kinds,
            cells,
        }
    }

    /// `n` positions of scanned locations picked pseudo-randomly (for the benchmark).
    pub fn sample_points(&self, n: usize, seed: u64) -> Vec<World> {
        let len = self.locations.len();
        if len == 0 {
            return Vec::new();
        }
        let mut s = seed | 1;
        (0..n)
            .filter_map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let (qx, qy, _) = self.locations.get((s % len as u64) as usize)?;
                let scale = (1u64 << BITS) as f64;
                Some(World {
                    x: (f64::from(qx) + 0.5) / scale,
                    y: (f64::from(qy) + 0.5) / scale,
                })
            })
            .collect()
    }

    /// Number of scanned locations, incidents and signals indexed.
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.locations.len(),
            self.incidents.len(),
            self.signals.len(),
        )
    }

    /// Encode tile `t` for `view` as a Mapbox Vector Tile (protobuf bytes).
    /// Layers the view does not allow are never encoded.
    pub fn render(&self, t: TileId, view: &View) -> Vec<u8> {
        let mut layers = Vec::new();
        for l in Layer::ALL {
            if !view.allows(l) {
                continue;
            }
            let layer = match l {
                Layer::Gemeenten => self.gemeenten(t),
                Layer::Vierkanten => self.vierkanten(t, view),
                Layer::Locaties => self.locaties(t),
                Layer::Incidenten => self.events(t, &self.incidents, l, &view.period),
                Layer::Signalen => self.events(t, &self.signals, l, &view.period),
            };
            if !layer.features.is_empty() {
                layers.push(layer);
            }
        }
        Tile { layers }.encode_to_vec()
    }

    fn gemeenten(&self, t: TileId) -> MvtLayer {
        let mut lb = LayerBuilder::new(Layer::Gemeenten);
        let tb = t.bounds();
        let zi = usize::from(t.z.min(MAX_SIMPLIFIED_ZOOM));
        for s in &self.shapes {
            if !overlaps(s.bbox, tb) {
                continue;
            }
            let mut g = GeometryEncoder::new();
            let mut any = false;
            for poly in &s.by_zoom[zi] {
                for (ri, ring) in poly.iter().enumerate() {
                    let pts = ring_in_tile(ring, t, ri == 0);
                    if pts.len() >= 3 {
                        g.add_ring(pts);
                        any = true;
                    }
                }
            }
            if !any {
                continue;
            }
            lb.tags.add("code", s.code.as_str());
            lb.tags.add("naam", s.name.as_str());
            lb.push(GeomType::Polygon, g);
        }
        lb.finish()
    }

    /// The squares in (and around) tile `t` at the tile's level, with their
    /// period figures.
    fn vierkanten(&self, t: TileId, view: &View) -> MvtLayer {
        let mut lb = LayerBuilder::new(Layer::Vierkanten);
        let level = square_level(t.z);
        let size = f64::from(SQUARE_M << level);
        let Some(rd) = t.rd_bounds() else {
            return lb.finish();
        };
        let k0 = (
            (rd.min_x / size).floor() as i32 - 1,
            (rd.min_y / size).floor() as i32 - 1,
        );
        let k1 = (
            (rd.max_x / size).floor() as i32 + 1,
            (rd.max_y / size).floor() as i32 + 1,
        );
        let map = &self.cells[level];
        if map.is_empty() {
            return lb.finish();
        }
        let span = i64::from(k1.0 - k0.0 + 1) * i64::from(k1.1 - k0.1 + 1);
        let keys: Vec<(i32, i32)> = if span as usize > map.len() {
            map.keys()
                .copied()
                .filter(|k| k.0 >= k0.0 && k.0 <= k1.0 && k.1 >= k0.1 && k.1 <= k1.1)
                .collect()
        } else {
            let mut v = Vec::new();
            for kx in k0.0..=k1.0 {
                for ky in k0.1..=k1.1 {
                    if map.contains_key(&(kx, ky)) {
                        v.push((kx, ky));
                    }
                }
            }
            v
        };
        if keys.is_empty() {
            return lb.finish();
        }
        let unbounded = view.period.from.is_none() && view.period.to.is_none();
        let counts = if unbounded {
            HashMap::new()
        } else {
            self.period_counts(t, level, size, &view.period)
        };
        let mut keys = keys;
        keys.sort_unstable();
        for key in keys {
            let Some(c) = map.get(&key) else { continue };
            let (x0, y0) = (f64::from(key.0) * size, f64::from(key.1) * size);
            let corners = [
                (x0, y0),
                (x0 + size, y0),
                (x0 + size, y0 + size),
                (x0, y0 + size),
            ];
            let ring: Option<Vec<World>> = corners
                .iter()
                .map(|&(x, y)| rd_to_world(bz_geo::RdPoint::new(x, y)))
                .collect();
            let Some(ring) = ring else { continue };
            let pts = ring_in_tile(&ring, t, true);
            if pts.len() < 3 {
                continue;
            }
            let mut g = GeometryEncoder::new();
            g.add_ring(pts);
            let code = square_code((key.0 << level, key.1 << level));
            lb.tags.add("code", code.as_str());
            lb.tags.add("cel_m", (SQUARE_M << level) as u64);
            if c.addresses < view.min_cell_addresses {
                lb.tags.add("onderdrukt", true);
            } else {
                let (inc, sig) = if unbounded {
                    (c.incidents, c.signals)
                } else {
                    counts.get(&key).copied().unwrap_or((0, 0))
                };
                lb.tags.add("adressen", u64::from(c.addresses));
                lb.tags.add("buitengebied", u64::from(c.buitengebied));
                lb.tags.add("hoog", u64::from(c.hoog));
                lb.tags.add("midden", u64::from(c.midden));
                if c.scanned > 0 {
                    lb.tags
                        .add("gem_score", round3(c.score_sum / f64::from(c.scanned)));
                }
                lb.tags.add("incidenten", u64::from(inc));
                lb.tags.add("signalen", u64::from(sig));
            }
            lb.push(GeomType::Polygon, g);
        }
        lb.finish()
    }

    /// Incidents and signals in the period per cell at `level`, for the
    /// cells around tile `t`.
    fn period_counts(
        &self,
        t: TileId,
        level: usize,
        size_m: f64,
        period: &Period,
    ) -> HashMap<(i32, i32), (u32, u32)> {
        let mut out: HashMap<(i32, i32), (u32, u32)> = HashMap::new();
        // One cell in world units is at most size / 20 000 km in the Netherlands.
        let margin = size_m / 20_000_000.0;
        let (x0, y0, x1, y1) = t.bounds();
        let bbox = (x0 - margin, y0 - margin, x1 + margin, y1 + margin);
        for (idx, is_signal) in [(&self.incidents, false), (&self.signals, true)] {
            for e in events_in_bbox(idx, bbox) {
                if !in_period(e.day, period) {
                    continue;
                }
                let entry = out.entry(coarser(e.cell, level)).or_default();
                if is_signal {
                    entry.1 += 1;
                } else {
                    entry.0 += 1;
                }
            }
        }
        out
    }

    fn locaties(&self, t: TileId) -> MvtLayer {
        let mut lb = LayerBuilder::new(Layer::Locaties);
        let index = if t.z >= LOCATIONS_MIN_ZOOM {
            &self.locations
        } else if t.z >= HOOG_MIN_ZOOM {
            &self.hoog
        } else {
            return lb.finish();
        };
        let pts: Vec<(u32, u32, &Loc)> = index.in_tile(t).collect();
        if pts.len() <= MAX_POINT_FEATURES {
            for (qx, qy, l) in pts {
                let mut g = GeometryEncoder::new();
                g.add_points([to_tile(qx, qy, t)]);
                lb.tags.add("id", self.ids[l.id as usize].as_str());
                lb.tags.add("klasse", l.klasse.as_str());
                lb.tags.add("score", round3(f64::from(l.score)));
                lb.push(GeomType::Point, g);
            }
        } else {
            for c in cluster(pts.iter().map(|(x, y, l)| (*x, *y, l.klasse)), t) {
                let mut g = GeometryEncoder::new();
                g.add_points([c.at]);
                lb.tags.add("n", c.n);
                lb.tags.add("klasse", c.max.as_str());
                lb.tags.add("hoog", c.hoog);
                lb.push(GeomType::Point, g);
            }
        }
        lb.finish()
    }

    fn events(&self, t: TileId, idx: &PointIndex<Ev>, layer: Layer, p: &Period) -> MvtLayer {
        let mut lb = LayerBuilder::new(layer);
        let pts: Vec<(u32, u32, &Ev)> = idx
            .in_tile(t)
            .filter(|(_, _, e)| in_period(e.day, p))
            .collect();
        if pts.len() <= MAX_POINT_FEATURES {
            for (qx, qy, e) in pts {
                let mut g = GeometryEncoder::new();
                g.add_points([to_tile(qx, qy, t)]);
                lb.tags.add("id", self.ids[e.id as usize].as_str());
                lb.tags
                    .add("soort", self.kinds[usize::from(e.kind)].as_str());
                if let Ok(d) = Date::from_julian_day(e.day) {
                    lb.tags.add("datum", d.to_string());
                }
                lb.push(GeomType::Point, g);
            }
        } else {
            for c in cluster(pts.iter().map(|(x, y, _)| (*x, *y, Klasse::Laag)), t) {
                let mut g = GeometryEncoder::new();
                g.add_points([c.at]);
                lb.tags.add("n", c.n);
                lb.push(GeomType::Point, g);
            }
        }
        lb.finish()
    }

    /// Events in the view's period per kind, sorted by kind: (kind, incidents, signals).
    pub fn events_table(&self, view: &View) -> Vec<(String, u32, u32)> {
        let mut m: std::collections::BTreeMap<&str, (u32, u32)> = std::collections::BTreeMap::new();
        for (idx, is_signal) in [(&self.incidents, false), (&self.signals, true)] {
            for (_, _, e) in idx.iter() {
                if in_period(e.day, &view.period) {
                    let c = m
                        .entry(self.kinds[usize::from(e.kind)].as_str())
                        .or_default();
                    if is_signal {
                        c.1 += 1;
                    } else {
                        c.0 += 1;
                    }
                }
            }
        }
        m.into_iter()
            .map(|(k, (i, s))| (k.to_string(), i, s))
            .collect()
    }

    /// The accessible table of the 500 m squares, sorted by code, with the
    /// same figures and the same suppression as the map.
    pub fn squares_table(&self, view: &View) -> Vec<SquareRow> {
        let mut counts: HashMap<(i32, i32), (u32, u32)> = HashMap::new();
        for (idx, is_signal) in [(&self.incidents, false), (&self.signals, true)] {
            for (_, _, e) in idx.iter() {
                if in_period(e.day, &view.period) {
                    let c = counts.entry(e.cell).or_default();
                    if is_signal {
                        c.1 += 1;
                    } else {
                        c.0 += 1;
                    }
                }
            }
        }
        let mut keys: Vec<&(i32, i32)> = self.cells[0].keys().collect();
        keys.sort_unstable();
        keys.into_iter()
            .filter_map(|k| {
                let c = self.cells[0].get(k)?;
                let code = square_code(*k);
                if c.addresses < view.min_cell_addresses {
                    return Some(SquareRow {
                        code,
                        suppressed: true,
                        addresses: None,
                        buitengebied: None,
                        hoog: None,
                        mean_score: None,
                        incidents: None,
                        signals: None,
                    });
                }
                let (inc, sig) = counts.get(k).copied().unwrap_or((0, 0));
                Some(SquareRow {
                    code,
                    suppressed: false,
                    addresses: Some(c.addresses),
                    buitengebied: Some(c.buitengebied),
                    hoog: Some(c.hoog),
                    mean_score: (c.scanned > 0).then(|| round3(c.score_sum / f64::from(c.scanned))),
                    incidents: Some(inc),
                    signals: Some(sig),
                })
            })
            .collect()
    }
}

fn add_to_cells(cells: &mut [HashMap<(i32, i32), Cell>], a: &AddressIn) {
    let key = cell_key(a.rd.x, a.rd.y);
    for (level, map) in cells.iter_mut().enumerate() {
        let c = map.entry(coarser(key, level)).or_default();
        c.addresses += 1;
        if let Some(s) = a.scan {
            c.scanned += 1;
            c.score_sum += s.score;
            c.buitengebied += u32::from(s.buitengebied);
            match s.klasse {
                Klasse::Hoog => c.hoog += 1,
                Klasse::Midden => c.midden += 1,
                Klasse::Laag => {}
            }
        }
    }
}

fn in_period(d: i32, p: &Period) -> bool {
    p.from.is_none_or(|f| d >= day(f)) && p.to.is_none_or(|t| d <= day(t))
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 <= b.2 && b.0 <= a.2 && a.1 <= b.3 && b.1 <= a.3
}

/// Events whose position lies in a world box (the tiles covering it at a
/// zoom where at most 2×2 tiles do).
fn events_in_bbox(idx: &PointIndex<Ev>, b: (f64, f64, f64, f64)) -> Vec<&Ev> {
    let w = (b.2 - b.0).max(b.3 - b.1).max(1e-12);
    let z = ((1.0 / w).log2().floor().clamp(0.0, f64::from(BITS))) as u8;
    let lo = TileId::containing(
        z,
        World {
            x: b.0.max(0.0),
            y: b.1.max(0.0),
        },
    );
    let hi = TileId::containing(
        z,
        World {
            x: b.2.min(1.0),
            y: b.3.min(1.0),
        },
    );
    let (q0, q1) = (
        quantise(World { x: b.0, y: b.1 }),
        quantise(World { x: b.2, y: b.3 }),
    );
    let mut out = Vec::new();
    for x in lo.x..=hi.x {
        for y in lo.y..=hi.y {
            let t = TileId { z, x, y };
            out.extend(
                idx.in_tile(t)
                    .filter(|(qx, qy, _)| *qx >= q0.0 && *qx <= q1.0 && *qy >= q0.1 && *qy <= q1.1)
                    .map(|(_, _, e)| e),
            );
        }
    }
    out
}

/// A quantised index position → tile coordinates (zoom ≤ [`MAX_ZOOM`] < [`BITS`]).
fn to_tile(qx: u32, qy: u32, t: TileId) -> [i32; 2] {
    let z = i64::from(t.z);
    let bits = i64::from(BITS);
    let (ox, oy) = (i64::from(t.x) << (bits - z), i64::from(t.y) << (bits - z));
    let (dx, dy) = (i64::from(qx) - ox, i64::from(qy) - oy);
    let shift = bits - z - 12;
    if shift >= 0 {
        [(dx >> shift) as i32, (dy >> shift) as i32]
    } else {
        [(dx << -shift) as i32, (dy << -shift) as i32]
    }
}

/// A world position → tile coordinates (may lie outside the extent).
fn world_to_tile(w: World, t: TileId) -> [i32; 2] {
    let n = f64::from(1u32 << t.z);
    let e = f64::from(EXTENT);
    [
        ((w.x * n - f64::from(t.x)) * e).round() as i32,
        ((w.y * n - f64::from(t.y)) * e).round() as i32,
    ]
}

/// A ring in tile coordinates without repeated points, oriented as MVT
/// requires (exterior rings positive area with y down, holes negative).
fn ring_in_tile(ring: &[World], t: TileId, exterior: bool) -> Vec<[i32; 2]> {
    let mut pts: Vec<[i32; 2]> = Vec::with_capacity(ring.len());
    for w in ring {
        let p = world_to_tile(*w, t);
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() < 3 {
        return Vec::new();
    }
    let area2: i64 = pts
        .iter()
        .zip(pts.iter().cycle().skip(1))
        .map(|(a, b)| i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1]))
        .sum();
    if area2 == 0 {
        return Vec::new();
    }
    if (area2 > 0) != exterior {
        pts.reverse();
    }
    pts
}

struct ClusterOut {
    at: [i32; 2],
    n: u64,
    hoog: u64,
    max: Klasse,
}

fn cluster(pts: impl Iterator<Item = (u32, u32, Klasse)>, t: TileId) -> Vec<ClusterOut> {
    let cell = EXTENT / CLUSTER_GRID;
    // Per cell: sum of x, sum of y, points, hoog points, highest class.
    type Acc = (i64, i64, u64, u64, Klasse);
    let mut acc: HashMap<(i32, i32), Acc> = HashMap::new();
    for (qx, qy, k) in pts {
        let p = to_tile(qx, qy, t);
        let key = (p[0].div_euclid(cell as i32), p[1].div_euclid(cell as i32));
        let e = acc.entry(key).or_insert((0, 0, 0, 0, Klasse::Laag));
        e.0 += i64::from(p[0]);
        e.1 += i64::from(p[1]);
        e.2 += 1;
        e.3 += u64::from(k == Klasse::Hoog);
        e.4 = e.4.max(k);
    }
    let mut v: Vec<_> = acc.into_iter().collect();
    v.sort_unstable_by_key(|(k, _)| *k);
    v.into_iter()
        .map(|(_, (sx, sy, n, hoog, max))| ClusterOut {
            at: [(sx / n as i64) as i32, (sy / n as i64) as i32],
            n,
            hoog,
            max,
        })
        .collect()
}

fn shape(m: &MunicipalityIn) -> Option<Shape> {
    let mut polys: Vec<Vec<Vec<World>>> = Vec::new();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in m.boundary.polygons() {
        let mut rings = Vec::new();
        for r in p.rings() {
            let ring: Option<Vec<World>> = r.iter().map(|q| rd_to_world(*q)).collect();
            let ring = ring?;
            for w in &ring {
                x0 = x0.min(w.x);
                y0 = y0.min(w.y);
                x1 = x1.max(w.x);
                y1 = y1.max(w.y);
            }
            rings.push(ring);
        }
        polys.push(rings);
    }
    if polys.is_empty() {
        return None;
    }
    let by_zoom = (0..=MAX_SIMPLIFIED_ZOOM)
        .map(|z| {
            // Half a tile unit at this zoom: invisible, and it removes most vertices at low zoom.
            let eps = 0.5 / (f64::from(EXTENT) * f64::from(1u32 << z));
            polys
                .iter()
                .map(|rings| {
                    rings
                        .iter()
                        .map(|ring| {
                            let ls: geo::LineString<f64> = ring
                                .iter()
                                .map(|w| geo::coord! { x: w.x, y: w.y })
                                .collect();
                            ls.simplify(eps)
                                .0
                                .into_iter()
                                .map(|c| World { x: c.x, y: c.y })
                                .collect::<Vec<World>>()
                        })
                        .filter(|r| r.len() >= 4)
                        .collect::<Vec<_>>()
                })
                .filter(|rings| !rings.is_empty())
                .collect()
        })
        .collect();
    Some(Shape {
        code: m.code.clone(),
        name: m.name.clone(),
        bbox: (x0, y0, x1, y1),
        by_zoom,
    })
}

struct LayerBuilder {
    layer: Layer,
    tags: TagsEncoder,
    features: Vec<Feature>,
}

impl LayerBuilder {
    fn new(layer: Layer) -> LayerBuilder {
        LayerBuilder {
            layer,
            tags: TagsEncoder::new(),
            features: Vec::new(),
        }
    }

    fn push(&mut self, ty: GeomType, g: GeometryEncoder) {
        self.features.push(Feature {
            id: Some(self.features.len() as u64 + 1),
            tags: self.tags.take_tags(),
            r#type: Some(ty as i32),
            geometry: g.into_vec(),
        });
    }

    fn finish(self) -> MvtLayer {
        let (keys, values) = self.tags.into_keys_and_values();
        MvtLayer {
            version: 2,
            name: self.layer.name().to_string(),
            features: self.features,
            keys,
            values,
            extent: Some(EXTENT),
        }
    }
}
