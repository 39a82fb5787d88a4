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

    /// Squared distance to the nearest point with `d2 > 1.0`, if any.
    fn nearest_beyond_1m(&self, x: f64, y: f64) -> Option<f64> {
        if self.xs.is_empty() {
            return None;
        }
        let (cx, cy) = self.key(x, y);
        let max_ring = [
            (cx - self.min_cell.0).abs(),
            (self.max_cell.0 - cx).abs(),
            (cy - self.min_cell.1).abs(),
            (self.max_cell.1 - cy).abs(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let mut best: Option<f64> = None;
        for k in 0..=max_ring {
            // Every point outside rings 0..=k is more than k * cell away.
            for gx in cx - k..=cx + k {
                for gy in cy - k..=cy + k {
                    if (gx - cx).abs() != k && (gy - cy).abs() != k {
                        continue;
                    }
                    if let Some(ids) = self.cells.get(&(gx, gy)) {
                        for &i in ids {
                            let dx = x - self.xs[i as usize];
                            let dy = y - self.ys[i as usize];
                            let d2 = dx * dx + dy * dy;
                            if d2 > 1.0 && best.is_none_or(|b| d2 < b) {
                                best = Some(d2);
                            }
                        }
                    }
                }
            }
            if let Some(b) = best {
                let reach = k as f64 * self.cell;
                if b <= reach * reach {
                    break;
                }
            }
        }
        best
    }
}

pub fn scan(input: &ScanInput, peildatum: Date) -> ScanOutput {
    let addr_grid = Grid::new(input.addresses.iter().map(|a| (a.x, a.y)), 500.0);
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
            let n = addr_grid.count_within(a.x, a.y, 1000.0);
            let oad = f64::from(n) / std::f64::consts::PI;
            let incidents = inc_grid.count_within(a.x, a.y, 1000.0);
            let signals = sig_grid.count_within(a.x, a.y, 500.0);
            let isolatie_m = addr_grid
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
