//! The fast engine: points in a uniform grid, count-only radius queries,
//! an expanding ring search for the nearest other address, both cores.
//! Every comparison is the spec's own (`dx*dx + dy*dy <= R*R` in binary64),
//! so the results are identical to the brute-force reference.

use crate::model::*;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use time::Date;

/// A uniform grid over points; cells hold indexes into the point array.
struct Grid {
    cell: f64,
    cells: HashMap<(i64, i64), Vec<u32>>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    min_cell: (i64, i64),
    max_cell: (i64, i64),
}

impl Grid {
    fn new(points: impl Iterator<Item = (f64, f64)>, cell: f64) -> Grid {
        let mut g = Grid {
            cell,
            cells: HashMap::new(),
            xs: Vec::new(),
            ys: Vec::new(),
            min_cell: (i64::MAX, i64::MAX),
            max_cell: (i64::MIN, i64::MIN),
        };
        for (i, (x, y)) in points.enumerate() {
            let k = g.key(x, y);
            g.min_cell = (g.min_cell.0.min(k.0), g.min_cell.1.min(k.1));
            g.max_cell = (g.max_cell.0.max(k.0), g.max_cell.1.max(k.1));
            g.cells.entry(k).or_default().push(i as u32);
            g.xs.push(x);
            g.ys.push(y);
        }
        g
    }

    fn key(&self, x: f64, y: f64) -> (i64, i64) {
        (
            (x / self.cell).floor() as i64,
            (y / self.cell).floor() as i64,
        )
    }

    /// Number of points with `dx*dx + dy*dy <= r*r` (r must be <= cell size * reach).
    fn count_within(&self, x: f64, y: f64, r: f64) -> u32 {
        let reach = (r / self.cell).ceil() as i64;
        let (cx, cy) = self.key(x, y);
        let r2 = r * r;
        let mut n = 0u32;
        for gx in cx - reach..=cx + reach {
            for gy in cy - reach..=cy + reach {
                if let Some(ids) = self.cells.get(&(gx, gy)) {
                    for &i in ids {
                        let dx = x - self.xs[i as usize];
                        let dy = y - self.ys[i as usize];
                        if dx * dx + dy * dy <= r2 {
                            n += 1;
                        }
                    }
                }
            }
        }
        n
    }
}

/// A dense grid for counting: points sorted by cell (CSR layout) with the
/// bounding box of each cell's points. A cell whose box lies wholly inside
/// the radius is counted at once, a cell whose box lies wholly outside is
/// skipped; only cells on the circle's edge are checked point by point. The
/// box tests use the same binary64 formula as the point test, and rounding
/// is monotone, so the count is exactly the spec's.
struct DenseGrid {
    cell: f64,
    ox: i64,
    oy: i64,
    w: i64,
    h: i64,
    start: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    boxes: Vec<[f64; 4]>,
}

impl DenseGrid {
    fn new(points: &[(f64, f64)], cell: f64) -> DenseGrid {
        let key = |v: f64| (v / cell).floor() as i64;
        let (mut minx, mut miny, mut maxx, mut maxy) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        for &(x, y) in points {
            minx = minx.min(key(x));
            maxx = maxx.max(key(x));
            miny = miny.min(key(y));
            maxy = maxy.max(key(y));
        }
        if points.is_empty() {
            return DenseGrid {
                cell,
                ox: 0,
                oy: 0,
                w: 0,
                h: 0,
                start: vec![0],
                xs: Vec::new(),
                ys: Vec::new(),
                boxes: Vec::new(),
            };
        }
        let (w, h) = (maxx - minx + 1, maxy - miny + 1);
        let idx = |x: f64, y: f64| ((key(y) - miny) * w + (key(x) - minx)) as usize;
        let ncell = (w * h) as usize;
        let mut counts = vec![0u32; ncell + 1];
        for &(x, y) in points {
            counts[idx(x, y) + 1] += 1;
        }
        for i in 0..ncell {
            counts[i + 1] += counts[i];
        }
        let start = counts.clone();
        let mut fill = counts;
        let mut xs = vec![0.0; points.len()];
        let mut ys = vec![0.0; points.len()];
        let mut boxes = vec![
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY
            ];
            ncell
        ];
        for &(x, y) in points {
            let c = idx(x, y);
            let at = fill[c] as usize;
            fill[c] += 1;
            xs[at] = x;
            ys[at] = y;
            let b = &mut boxes[c];
            b[0] = b[0].min(x);
            b[1] = b[1].min(y);
            b[2] = b[2].max(x);
            b[3] = b[3].max(y);
        }
        DenseGrid {
            cell,
            ox: minx,
            oy: miny,
            w,
            h,
            start,
            xs,
            ys,
            boxes,
        }
    }

    fn count_within(&self, x: f64, y: f64, r: f64) -> u32 {
        if self.w == 0 {
            return 0;
        }
        let r2 = r * r;
        let key = |v: f64| (v / self.cell).floor() as i64;
        let gx0 = (key(x - r) - 1 - self.ox).max(0);
        let gx1 = (key(x + r) + 1 - self.ox).min(self.w - 1);
        let gy0 = (key(y - r) - 1 - self.oy).max(0);
        let gy1 = (key(y + r) + 1 - self.oy).min(self.h - 1);
        let mut n = 0u32;
        for gy in gy0..=gy1 {
            for gx in gx0..=gx1 {
                let c = (gy * self.w + gx) as usize;
                let (s, e) = (self.start[c] as usize, self.start[c + 1] as usize);
                if s == e {
                    continue;
                }
                let b = self.boxes[c];
                // Farthest possible point of the box.
                let fx = if (x - b[0]).abs() > (x - b[2]).abs() {
                    x - b[0]
                } else {
                    x - b[2]
                };
                let fy = if (y - b[1]).abs() > (y - b[3]).abs() {
                    y - b[1]
                } else {
                    y - b[3]
                };
                if fx * fx + fy * fy <= r2 {
                    n += (e - s) as u32;
                    continue;
                }
                // Nearest possible point of the box.
                let nx = if x < b[0] {
                    x - b[0]
                } else if x > b[2] {
                    x - b[2]
                } else {
                    0.0
                };
                let ny = if y < b[1] {
                    y - b[1]
                } else if y > b[3] {
                    y - b[3]
                } else {
                    0.0
                };
                if nx * nx + ny * ny > r2 {
                    continue;
                }
                for i in s..e {
                    let dx = x - self.xs[i];
                    let dy = y - self.ys[i];
                    if dx * dx + dy * dy <= r2 {
                        n += 1;
                    }
                }
            }
        }
        n
    }
}

impl DenseGrid {
    /// Squared distance to the nearest point with `d2 > 1.0`, if any: an
    /// expanding ring search that skips cells whose box cannot beat the best.
    fn nearest_beyond_1m(&self, x: f64, y: f64) -> Option<f64> {
        if self.w == 0 {
            return None;
        }
        let key = |v: f64| (v / self.cell).floor() as i64;
        let (cx, cy) = (key(x) - self.ox, key(y) - self.oy);
        let max_ring = [cx, self.w - 1 - cx, cy, self.h - 1 - cy]
            .into_iter()
            .map(i64::abs)
            .max()
            .unwrap_or(0)
            + 1;
        let mut best: Option<f64> = None;
        for k in 0..=max_ring {
            for gy in (cy - k).max(0)..=(cy + k).min(self.h - 1) {
                let edge_row = (gy - cy).abs() == k;
                let mut gx = (cx - k).max(0);
                while gx <= (cx + k).min(self.w - 1) {
                    let this = gx;
                    // Inside the ring only the two edge columns belong to ring k.
                    gx = if edge_row || this == cx + k {
                        this + 1
                    } else {
                        (cx + k).max(this + 1)
                    };
                    if !edge_row && (this - cx).abs() != k {
                        continue;
                    }
                    let c = (gy * self.w + this) as usize;
                    let (s, e) = (self.start[c] as usize, self.start[c + 1] as usize);
                    if s == e {
                        continue;
                    }
                    let b = self.boxes[c];
                    let nx = if x < b[0] {
                        x - b[0]
                    } else if x > b[2] {
                        x - b[2]
                    } else {
                        0.0
                    };
                    let ny = if y < b[1] {
                        y - b[1]
                    } else if y > b[3] {
                        y - b[3]
                    } else {
                        0.0
                    };
                    if best.is_some_and(|best| nx * nx + ny * ny > best) {
                        continue;
                    }
                    for i in s..e {
                        let dx = x - self.xs[i];
                        let dy = y - self.ys[i];
                        let d2 = dx * dx + dy * dy;
                        if d2 > 1.0 && best.is_none_or(|b| d2 < b) {
                            best = Some(d2);
                        }
                    }
                }
            }
            if let Some(b) = best {
                // Points outside rings 0..=k are more than k cells away; keep a
                // metre of margin against rounding in the cell assignment.
                let reach = k as f64 * self.cell - 1.0;
                if reach > 0.0 && b <= reach * reach {
                    break;
                }
            }
        }
        best
    }
}

pub fn scan(input: &ScanInput, peildatum: Date) -> ScanOutput {
    let points: Vec<(f64, f64)> = input.addresses.iter().map(|a| (a.x, a.y)).collect();
    let dense = DenseGrid::new(&points, 125.0);
    drop(points);
    let inc_grid = Grid::new(
        input
            .incidents
            .iter()
            .filter(|i| in_last_years(i.datum, peildatum, 5))
            .map(|i| (i.x, i.y)),
        500.0,
    );
    let sig_grid = Grid::new(
        input
            .signals
            .iter()
            .filter(|s| in_last_years(s.datum, peildatum, 2))
            .map(|s| (s.x, s.y)),
        500.0,
    );
    let mut by_address: HashMap<&str, Vec<&Business>> = HashMap::new();
    for b in &input.businesses {
        by_address.entry(b.adres_id.as_str()).or_default().push(b);
    }

    let addresses: Vec<AddressResult> = input
        .addresses
        .par_iter()
        .map(|a| {
            let n = dense.count_within(a.x, a.y, 1000.0);
            let oad = f64::from(n) / std::f64::consts::PI;
            let incidents = inc_grid.count_within(a.x, a.y, 1000.0);
            let signals = sig_grid.count_within(a.x, a.y, 500.0);
            let isolatie_m = dense
                .nearest_beyond_1m(a.x, a.y)
                .map(f64::sqrt)
                .unwrap_or(5000.0);
            let ag = by_address
                .get(a.id.as_str())
                .is_some_and(|bs| agrarisch_gestopt(bs.iter().copied(), peildatum));
            let gb = groot_bedrijfspand(a);
            let bg = buiten_gebruik(a);
            let s = score(contributions(incidents, signals, isolatie_m, ag, gb, bg));
            AddressResult {
                id: a.id.clone(),
                oad,
                buitengebied: oad < 500.0,
                incidenten_1km_5j: incidents,
                signalen_500m_2j: signals,
                isolatie_m,
                agrarisch_gestopt: ag,
                groot_bedrijfspand: gb,
                buiten_gebruik: bg,
                score: s,
                klasse: Klasse::of(s),
            }
        })
        .collect();

    ScanOutput {
        municipalities: municipalities(input, &addresses, peildatum),
        squares: squares(input, &addresses),
        addresses,
    }
}

pub(crate) fn municipalities(
    input: &ScanInput,
    results: &[AddressResult],
    peildatum: Date,
) -> Vec<MunicipalityResult> {
    let polys = municipality_polygons(&input.municipalities);
    let mut order: Vec<usize> = (0..input.municipalities.len()).collect();
    order.sort_by(|&a, &b| {
        input.municipalities[a]
            .statcode
            .cmp(&input.municipalities[b].statcode)
    });
    // Incidents: the smallest statcode that covers the point (bbox first).
    let mut incident_counts: HashMap<usize, u64> = HashMap::new();
    let bboxes: Vec<Option<bz_geo::BBox>> =
        polys.iter().map(|p| p.as_ref().map(|p| p.bbox())).collect();
    for inc in input
        .incidents
        .iter()
        .filter(|i| in_last_years(i.datum, peildatum, 5))
    {
        let pt = bz_geo::RdPoint { x: inc.x, y: inc.y };
        for &m in &order {
            let (Some(poly), Some(bb)) = (&polys[m], &bboxes[m]) else {
                continue;
            };
            if inc.x < bb.min_x || inc.x > bb.max_x || inc.y < bb.min_y || inc.y > bb.max_y {
                continue;
            }
            if poly.covers(pt) {
                *incident_counts.entry(m).or_default() += 1;
                break;
            }
        }
    }
    // Address aggregates per gemeente code, summing scores in input order.
    let mut agg: HashMap<&str, (u64, u64, u64, u64, u64, f64)> = HashMap::new();
    for (a, r) in input.addresses.iter().zip(results) {
        let e = agg.entry(a.gemeente.as_str()).or_default();
        e.0 += 1;
        e.1 += u64::from(r.buitengebied);
        match r.klasse {
            Klasse::Hoog => e.2 += 1,
            Klasse::Midden => e.3 += 1,
            Klasse::Laag => e.4 += 1,
        }
        e.5 += r.score;
    }
    order
        .into_iter()
        .map(|m| {
            let code = &input.municipalities[m].statcode;
            let (n, bg, h, mi, l, sum) = agg.get(code.as_str()).copied().unwrap_or_default();
            MunicipalityResult {
                statcode: code.clone(),
                adressen: n,
                buitengebied: bg,
                hoog: h,
                midden: mi,
                laag: l,
                incidenten_5j: incident_counts.get(&m).copied().unwrap_or(0),
                gemiddelde_score: if n == 0 { 0.0 } else { sum / n as f64 },
            }
        })
        .collect()
}

pub(crate) fn squares(input: &ScanInput, results: &[AddressResult]) -> Vec<SquareResult> {
    let mut agg: BTreeMap<String, (u64, u64, u64, f64)> = BTreeMap::new();
    for (a, r) in input.addresses.iter().zip(results) {
        let e = agg.entry(square_code(a.x, a.y)).or_default();
        e.0 += 1;
        e.1 += u64::from(r.buitengebied);
        e.2 += u64::from(r.klasse == Klasse::Hoog);
        e.3 += r.score;
    }
    agg.into_iter()
        .map(|(vierkant, (n, bg, h, sum))| SquareResult {
            vierkant,
            adressen: n,
            buitengebied: bg,
            hoog: h,
            gemiddelde_score: sum / n as f64,
        })
        .collect()
}
