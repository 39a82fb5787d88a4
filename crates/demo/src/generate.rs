//! The generator. Geography draws from one random stream (seed only), dates
//! and events from others, so the map does not depend on the reference date.
//! No hash map is ever iterated, so the output is deterministic.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::f64::consts::{PI, TAU};

use bz_geo::{BBox, MultiPolygon, Polygon, RdPoint};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use crate::names::*;
use crate::{
    Address, Bron, Business, DemoData, Incident, IncidentSoort, Kern, MUNICIPALITY_CODE,
    Municipality, SignaalCategorie, Signal, years_before,
};

// ---------------------------------------------------------------- random

struct R(ChaCha8Rng);

impl R {
    fn new(seed: u64, stream: u64) -> R {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        R(rng)
    }
    fn uni(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.0.random::<f64>()
    }
    /// Integer in [a, b]. Always one draw, whatever the range, so that a
    /// range that depends on the reference date does not shift the stream.
    fn int(&mut self, a: i64, b: i64) -> i64 {
        if b <= a {
            let _ = self.0.random::<u64>();
            return a;
        }
        let span = (b - a + 1) as f64;
        a + ((self.0.random::<f64>() * span) as i64).min(b - a)
    }
    fn idx(&mut self, n: usize) -> usize {
        self.int(0, n as i64 - 1) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.0.random::<f64>() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.idx(xs.len())]
    }
    /// Index drawn with the given (non-negative) weights.
    fn weighted(&mut self, w: &[f64]) -> usize {
        let total: f64 = w.iter().sum();
        let mut t = self.uni(0.0, total);
        for (i, &x) in w.iter().enumerate() {
            if t < x {
                return i;
            }
            t -= x;
        }
        w.len() - 1
    }
    fn pick_weighted<'a, T>(&mut self, xs: &'a [(T, f64)]) -> &'a T {
        let w: Vec<f64> = xs.iter().map(|x| x.1).collect();
        &xs[self.weighted(&w)].0
    }
    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.idx(i + 1);
            xs.swap(i, j);
        }
    }
    /// Log-uniform integer in [a, b].
    fn log_uni(&mut self, a: f64, b: f64) -> u32 {
        (a.ln() + (b.ln() - a.ln()) * self.0.random::<f64>()).exp() as u32
    }
    /// A date in [from, to) (from if the range is empty).
    fn date(&mut self, from: Date, to: Date) -> Date {
        let days = (to - from).whole_days();
        if days <= 0 {
            return from;
        }
        from.saturating_add(Duration::days(self.int(0, days - 1)))
    }
}

// ---------------------------------------------------------------- geometry helpers

fn pt(x: f64, y: f64) -> RdPoint {
    RdPoint::new(x, y)
}
fn polar(c: RdPoint, r: f64, a: f64) -> RdPoint {
    pt(c.x + r * a.cos(), c.y + r * a.sin())
}
fn mm(p: RdPoint) -> RdPoint {
    pt(
        (p.x * 1000.0).round() / 1000.0,
        (p.y * 1000.0).round() / 1000.0,
    )
}

/// Points kept in square cells for "is there anything within r" queries.
struct PointGrid {
    cell: f64,
    cells: HashMap<(i64, i64), Vec<RdPoint>>,
}

impl PointGrid {
    fn new(cell: f64) -> Self {
        PointGrid {
            cell,
            cells: HashMap::new(),
        }
    }
    fn key(&self, p: RdPoint) -> (i64, i64) {
        (
            (p.x / self.cell).floor() as i64,
            (p.y / self.cell).floor() as i64,
        )
    }
    fn insert(&mut self, p: RdPoint) {
        let k = self.key(p);
        self.cells.entry(k).or_default().push(p);
    }
    fn any_within(&self, p: RdPoint, r: f64) -> bool {
        let n = (r / self.cell).ceil() as i64;
        let (kx, ky) = self.key(p);
        for dx in -n..=n {
            for dy in -n..=n {
                if let Some(v) = self.cells.get(&(kx + dx, ky + dy))
                    && v.iter().any(|q| q.distance(p) < r)
                {
                    return true;
                }
            }
        }
        false
    }
}

struct Road {
    name: String,
    pts: Vec<RdPoint>,
    cum: Vec<f64>,
}

impl Road {
    fn new(name: String, pts: Vec<RdPoint>) -> Road {
        let mut cum = vec![0.0];
        for w in pts.windows(2) {
            let last = cum[cum.len() - 1];
            cum.push(last + w[0].distance(w[1]));
        }
        Road { name, pts, cum }
    }
    fn len(&self) -> f64 {
        self.cum[self.cum.len() - 1]
    }
    /// Position and unit tangent at distance `s` along the road.
    fn at(&self, s: f64) -> (RdPoint, (f64, f64)) {
        let s = s.clamp(0.0, self.len());
        let i = match self.cum.binary_search_by(|c| c.total_cmp(&s)) {
            Ok(i) => i.min(self.pts.len() - 2),
            Err(i) => i.saturating_sub(1).min(self.pts.len() - 2),
        };
        let (a, b) = (self.pts[i], self.pts[i + 1]);
        let seg = (self.cum[i + 1] - self.cum[i]).max(1e-9);
        let t = ((s - self.cum[i]) / seg).clamp(0.0, 1.0);
        let (tx, ty) = ((b.x - a.x) / seg, (b.y - a.y) / seg);
        (pt(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t), (tx, ty))
    }
}

// ---------------------------------------------------------------- model under construction

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    KernHouse,
    KernOther,
    Apartment,
    Estate,
    FarmHouse,
    FarmBuilding,
    RuralHouse,
    RuralOther,
}

struct Obj {
    p: RdPoint,
    street: usize,
    number: u32,
    letter: Option<char>,
    gebruiksdoel: &'static str,
    opp: u32,
    bouwjaar: i32,
    status: &'static str,
    kind: Kind,
    complex: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fate {
    Active,
    StoppedRecently,
    StoppedLongAgo,
    NeverRegistered,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ComplexKind {
    Farm(Fate),
    Loonbedrijf,
    Camping,
    Manege,
    Horeca,
    Zorgboerderij,
    House,
}

struct Complex {
    kind: ComplexKind,
    /// Object indices; the first is the main building (usually a house).
    objs: Vec<usize>,
    road: usize,
    s: f64,
    side: i8,
}

struct Woonplaats {
    name: String,
    pc4: &'static [u16],
    next_pc: usize,
}

struct Street {
    name: String,
    woonplaats: usize,
    postcode: String,
}

const IN_GEBRUIK: &str = "Verblijfsobject in gebruik";
const BUITEN_GEBRUIK: &str = "Verblijfsobject buiten gebruik";
const GEVORMD: &str = "Verblijfsobject gevormd";
const NIET_INGEMETEN: &str = "Verblijfsobject in gebruik (niet ingemeten)";
const VERBOUWING: &str = "Verbouwing verblijfsobject";

const WOON: &str = "woonfunctie";
const INDUSTRIE: &str = "industriefunctie";
const OVERIG: &str = "overige gebruiksfunctie";

struct Gen {
    geo: R,
    boundary: MultiPolygon,
    kernen: Vec<Kern>,
    exclusions: Vec<BBox>,
    roads: Vec<Road>,
    woonplaatsen: Vec<Woonplaats>,
    streets: Vec<Street>,
    rural_streets: BTreeMap<(usize, usize), usize>,
    objs: Vec<Obj>,
    complexes: Vec<Complex>,
    occupancy: HashMap<(i64, i64), usize>,
    plots: PointGrid,
    farm_grid: PointGrid,
    ref_year: i32,
}

const OCC_CELL: f64 = 7.0;

/// Generates the demo municipality; deterministic for `(seed,
/// reference_date)`. Takes well under a second.
pub fn generate(seed: u64, reference_date: Date) -> DemoData {
    let mut geo = R::new(seed, 1);
    let boundary = make_boundary(&mut geo);
    let kernen = place_kernen(&mut geo, &boundary);
    let woonplaatsen = KERN_NAMES
        .iter()
        .chain(std::iter::once(&RURAL_WOONPLAATS))
        .zip(PC4)
        .map(|(n, pc4)| Woonplaats {
            name: n.to_string(),
            pc4,
            next_pc: 0,
        })
        .collect();
    let mut g = Gen {
        geo,
        boundary,
        kernen,
        exclusions: Vec::new(),
        roads: Vec::new(),
        woonplaatsen,
        streets: Vec::new(),
        rural_streets: BTreeMap::new(),
        objs: Vec::new(),
        complexes: Vec::new(),
        occupancy: HashMap::new(),
        plots: PointGrid::new(100.0),
        farm_grid: PointGrid::new(250.0),
        ref_year: reference_date.year(),
    };

    // Built-up areas first (they claim space), then the estates, roads and
    // the buitengebied.
    let targets = [
        g.geo.int(7400, 8600) as usize,
        g.geo.int(2800, 3400) as usize,
        g.geo.int(1400, 1800) as usize,
    ];
    for (k, &t) in targets.iter().enumerate() {
        g.kern(k, t);
    }
    g.estate(0, 4, 600.0, 1.0);
    g.estate(1, 2, 300.0, 0.6);
    g.make_roads();
    g.farms();
    g.ribbons();
    g.scattered_houses();
    g.number_rural();
    g.statuses(reference_date);

    let ids = g.address_ids();
    let mut ev = R::new(seed, 2);
    let businesses = g.businesses(&mut ev, &ids, reference_date);
    let mut inc = R::new(seed, 3);
    let (incidents, signals) = g.events(&mut inc, &ids, reference_date);

    let addresses = g
        .objs
        .iter()
        .zip(&ids)
        .map(|(o, id)| {
            let street = &g.streets[o.street];
            Address {
                id: id.clone(),
                x: o.p.x,
                y: o.p.y,
                straat: street.name.clone(),
                huisnummer: o.number,
                huisletter: o.letter,
                postcode: street.postcode.clone(),
                woonplaats: g.woonplaatsen[street.woonplaats].name.clone(),
                gebruiksdoel: o.gebruiksdoel.to_string(),
                oppervlakte: o.opp,
                bouwjaar: o.bouwjaar,
                status: o.status.to_string(),
            }
        })
        .collect();

    DemoData {
        municipality: Municipality {
            code: MUNICIPALITY_CODE.to_string(),
            name: MUNICIPALITY_NAME.to_string(),
            boundary: g.boundary.clone(),
            kernen: g.kernen.clone(),
            rural_woonplaats: RURAL_WOONPLAATS.to_string(),
        },
        addresses,
        businesses,
        incidents,
        signals,
        reference_date,
    }
}

// ---------------------------------------------------------------- boundary and kernen

/// An irregular star-shaped polygon of 175–225 km² around RD (229, 455.5) km,
/// in the countryside between Lochem, Zutphen and Ruurlo.
fn make_boundary(r: &mut R) -> MultiPolygon {
    let c = pt(
        229_000.0 + r.uni(-2000.0, 2000.0),
        455_500.0 + r.uni(-2000.0, 2000.0),
    );
    let n = 72;
    let harmonics: Vec<(f64, f64, f64)> = (2..=7)
        .map(|k| (k as f64, r.uni(0.015, 0.08), r.uni(0.0, TAU)))
        .collect();
    let mut unit = Vec::with_capacity(n);
    for i in 0..n {
        let a = (i as f64 + r.uni(-0.3, 0.3)) / n as f64 * TAU;
        let rad = 1.0
            + harmonics
                .iter()
                .map(|(k, amp, ph)| amp * (k * a + ph).cos())
                .sum::<f64>()
            + r.uni(-0.02, 0.02);
        unit.push((a, rad));
    }
    let unit_area: f64 = (0..n)
        .map(|i| {
            let (a0, r0) = unit[i];
            let (a1, r1) = unit[(i + 1) % n];
            let da = if i + 1 == n { a1 + TAU - a0 } else { a1 - a0 };
            0.5 * r0 * r1 * da.sin()
        })
        .sum();
    let target = r.uni(175e6, 225e6);
    let scale = (target / unit_area).sqrt();
    let ring: Vec<RdPoint> = unit
        .iter()
        .map(|&(a, rad)| {
            let p = polar(c, rad * scale, a);
            pt(p.x.round(), p.y.round())
        })
        .collect();
    match Polygon::from_exterior(ring) {
        Ok(p) => p.into(),
        // Unreachable for a star-shaped ring of positive radii; keep a
        // plain octagon as a safe fallback rather than panicking.
        Err(_) => {
            let ring = (0..8)
                .map(|i| polar(c, 8000.0, i as f64 / 8.0 * TAU))
                .collect();
            Polygon::from_exterior(ring)
                .map(MultiPolygon::from)
                .unwrap_or_else(|_| unreachable_boundary(c))
        }
    }
}

fn unreachable_boundary(c: RdPoint) -> MultiPolygon {
    let sq = vec![
        pt(c.x - 7000.0, c.y - 7000.0),
        pt(c.x + 7000.0, c.y - 7000.0),
        pt(c.x + 7000.0, c.y + 7000.0),
        pt(c.x - 7000.0, c.y + 7000.0),
    ];
    match Polygon::from_exterior(sq) {
        Ok(p) => p.into(),
        Err(e) => panic!("cannot build a square boundary: {e}"),
    }
}

fn disc_inside(b: &MultiPolygon, c: RdPoint, r: f64) -> bool {
    b.covers(c) && (0..24).all(|i| b.covers(polar(c, r, i as f64 / 24.0 * TAU)))
}

fn place_kernen(r: &mut R, b: &MultiPolygon) -> Vec<Kern> {
    let centre = b.centroid();
    let mut shrink = 1.0;
    for attempt in 0..2000 {
        if attempt % 200 == 199 {
            shrink *= 0.9;
        }
        let main = polar(centre, r.uni(0.0, 1500.0) * shrink, r.uni(0.0, TAU));
        let r0 = r.uni(1100.0, 1300.0);
        let a1 = r.uni(0.0, TAU);
        let second = polar(main, r.uni(4800.0, 6000.0) * shrink, a1);
        let r1 = r.uni(650.0, 800.0);
        let a2 = a1 + r.uni(0.55 * PI, 1.45 * PI);
        let third = polar(main, r.uni(4500.0, 5800.0) * shrink, a2);
        let r2 = r.uni(450.0, 560.0);
        if disc_inside(b, main, r0 + 1500.0)
            && disc_inside(b, second, r1 + 1200.0)
            && disc_inside(b, third, r2 + 1200.0)
            && second.distance(third) > r1 + r2 + 3000.0
        {
            return [(main, r0), (second, r1), (third, r2)]
                .iter()
                .zip(KERN_NAMES)
                .map(|(&(c, rad), name)| Kern {
                    name: name.to_string(),
                    centre: pt(c.x.round(), c.y.round()),
                    radius: rad.round(),
                })
                .collect();
        }
    }
    // Fallback: small kernen close to the centre.
    [
        (0.0, 0.0, 900.0),
        (3000.0, 0.0, 500.0),
        (-1500.0, 2600.0, 400.0),
    ]
    .iter()
    .zip(KERN_NAMES)
    .map(|(&(dx, dy, rad), name)| Kern {
        name: name.to_string(),
        centre: pt((centre.x + dx).round(), (centre.y + dy).round()),
        radius: rad,
    })
    .collect()
}

// ---------------------------------------------------------------- names

fn road_name_to(kern: &str, suffix: &str) -> String {
    if kern.ends_with('e') {
        format!("{kern}r{suffix}")
    } else {
        format!("{kern}er{suffix}")
    }
}

fn street_name_pool(r: &mut R) -> Vec<String> {
    let mut pool: Vec<String> = STREET_PREFIXES
        .iter()
        .flat_map(|p| STREET_SUFFIXES.iter().map(move |s| format!("{p}{s}")))
        .collect();
    for t in PERSON_STREET_TITLES {
        for s in SURNAMES.iter().take(20) {
            let suffix = if t.len() % 2 == 0 { "straat" } else { "laan" };
            pool.push(format!("{t} {s}{suffix}"));
        }
    }
    r.shuffle(&mut pool);
    pool
}

// ---------------------------------------------------------------- the generator

impl Gen {
    fn kern_edge_dist(&self, p: RdPoint) -> f64 {
        self.kernen
            .iter()
            .map(|k| p.distance(k.centre) - k.radius)
            .fold(f64::INFINITY, f64::min)
    }

    fn excluded(&self, p: RdPoint) -> bool {
        self.exclusions.iter().any(|b| b.contains(p))
    }

    fn occ_key(p: RdPoint) -> (i64, i64) {
        (
            (p.x / OCC_CELL).floor() as i64,
            (p.y / OCC_CELL).floor() as i64,
        )
    }

    fn occ_conflict(&self, p: RdPoint, owner: usize) -> bool {
        let (kx, ky) = Self::occ_key(p);
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(&o) = self.occupancy.get(&(kx + dx, ky + dy))
                    && o != owner
                {
                    return true;
                }
            }
        }
        false
    }

    fn alloc_postcode(&mut self, woonplaats: usize) -> String {
        let wp = &mut self.woonplaatsen[woonplaats];
        let per = 26 * 26 - 3;
        let n = wp.next_pc;
        wp.next_pc += 1;
        let pc4 = wp.pc4[(n / per).min(wp.pc4.len() - 1)];
        let mut k = n % per;
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                if a == b'S' && matches!(b, b'A' | b'D' | b'S') {
                    continue;
                }
                if k == 0 {
                    return format!("{pc4}{}{}", a as char, b as char);
                }
                k -= 1;
            }
        }
        format!("{pc4}ZZ")
    }

    fn new_street(&mut self, name: String, woonplaats: usize) -> usize {
        let postcode = self.alloc_postcode(woonplaats);
        self.streets.push(Street {
            name,
            woonplaats,
            postcode,
        });
        self.streets.len() - 1
    }

    #[allow(clippy::too_many_arguments)]
    fn push_obj(
        &mut self,
        p: RdPoint,
        street: usize,
        number: u32,
        letter: Option<char>,
        gebruiksdoel: &'static str,
        opp: u32,
        bouwjaar: i32,
        kind: Kind,
        complex: Option<usize>,
    ) -> usize {
        self.objs.push(Obj {
            p: mm(p),
            street,
            number,
            letter,
            gebruiksdoel,
            opp,
            bouwjaar,
            status: IN_GEBRUIK,
            kind,
            complex,
        });
        self.objs.len() - 1
    }

    // ------------------------------------------------------------ kernen

    /// A kern: radial streets in the old centre, then a slightly jittered
    /// grid of streets (spaced so that the target is about reached when the
    /// disc is full), filled in random order until the target is reached.
    fn kern(&mut self, ki: usize, target: usize) {
        let k = self.kernen[ki].clone();
        let mut pool = street_name_pool(&mut self.geo);
        let grid = self.geo.uni(0.0, PI / 2.0);
        // Main roads out of the centre: (midpoint, direction, length).
        let mut centre_streets = Vec::new();
        let n_radial = [5, 4, 3][ki.min(2)];
        for i in 0..n_radial {
            let a = grid + i as f64 / n_radial as f64 * TAU + self.geo.uni(-0.25, 0.25);
            let len = k.radius * self.geo.uni(0.35, 0.6);
            let from = self.geo.uni(30.0, 70.0);
            centre_streets.push((polar(k.centre, from + len / 2.0, a), a, len));
        }
        // Quarters built in different periods have their own orientation.
        let area = PI * k.radius * k.radius;
        let spacing = (area / (target as f64 * 11.0 / 2.0 * 1.3)).clamp(50.0, 150.0);
        let sector0 = self.geo.uni(0.0, TAU);
        let sectors = [
            grid,
            grid + self.geo.uni(0.3, 0.6),
            grid - self.geo.uni(0.3, 0.6),
        ];
        let mut grid_streets = Vec::new();
        for (si, &angle) in sectors.iter().enumerate() {
            let (ux, uy) = (angle.cos(), angle.sin());
            let (vx, vy) = (-uy, ux);
            let cross = spacing * self.geo.uni(3.0, 4.5);
            for (dir, (ax, ay), (bx, by), step) in [
                (angle, (ux, uy), (vx, vy), spacing),
                (angle + PI / 2.0, (vx, vy), (ux, uy), cross),
            ] {
                let mut v = -k.radius + step * self.geo.uni(0.3, 0.7);
                while v < k.radius {
                    let vj = v + self.geo.uni(-0.08, 0.08) * step;
                    let half = (k.radius * k.radius - vj * vj).max(0.0).sqrt();
                    let mut u = -half;
                    while u < half - 60.0 {
                        let len = self.geo.uni(120.0, 350.0).min(half - u);
                        let m = u + len / 2.0;
                        let mid = pt(k.centre.x + ax * m + bx * vj, k.centre.y + ay * m + by * vj);
                        let jitter = self.geo.uni(-0.04, 0.04);
                        let rel = (mid.y - k.centre.y).atan2(mid.x - k.centre.x) - sector0;
                        let sector = (rel.rem_euclid(TAU) / TAU * 3.0) as usize;
                        if sector == si {
                            grid_streets.push((mid, dir + jitter, len));
                        }
                        u += len + self.geo.uni(0.0, 25.0);
                    }
                    v += step;
                }
            }
        }
        self.geo.shuffle(&mut grid_streets);
        let start = self.objs.len();
        let mut centre_used = 0;
        for (mid, dir, len) in centre_streets.into_iter().chain(grid_streets) {
            if self.objs.len() - start >= target {
                break;
            }
            let owner = self.streets.len();
            let plan = self.plan_street(&k, mid, dir, len, owner);
            if plan.len() < 4 {
                continue;
            }
            let central = mid.distance(k.centre) < 0.4 * k.radius;
            let name = if central && centre_used < CENTRE_STREETS.len() {
                centre_used += 1;
                CENTRE_STREETS[centre_used - 1].to_string()
            } else {
                match pool.pop() {
                    Some(n) => n,
                    None => break,
                }
            };
            let street = self.new_street(name, ki);
            for h in plan {
                self.occupancy.insert(Self::occ_key(h.p), street);
                self.push_obj(
                    h.p, street, h.number, None, h.doel, h.opp, h.bouwjaar, h.kind, None,
                );
            }
        }
    }

    /// Houses along one street (both sides), skipping places already taken.
    fn plan_street(
        &mut self,
        k: &Kern,
        p0: RdPoint,
        dir: f64,
        len: f64,
        owner: usize,
    ) -> Vec<Planned> {
        let (tx, ty) = (dir.cos(), dir.sin());
        let (nx, ny) = (-ty, tx);
        let start = pt(p0.x - tx * len / 2.0, p0.y - ty * len / 2.0);
        let mut out = Vec::new();
        for side in [1.0, -1.0] {
            let mut s = self.geo.uni(0.0, 6.0);
            let mut number: u32 = if side > 0.0 { 1 } else { 2 };
            while s < len {
                let base = pt(start.x + tx * s, start.y + ty * s);
                let rel = base.distance(k.centre) / k.radius;
                let (spacing, off) = if rel < 0.3 {
                    (self.geo.uni(8.0, 13.0), self.geo.uni(7.0, 9.0))
                } else if rel < 0.75 {
                    (self.geo.uni(7.0, 12.0), self.geo.uni(9.0, 12.0))
                } else {
                    (self.geo.uni(12.0, 22.0), self.geo.uni(11.0, 16.0))
                };
                let p = pt(base.x + nx * side * off, base.y + ny * side * off);
                if p.distance(k.centre) > k.radius
                    || !self.boundary.covers(p)
                    || self.occ_conflict(p, owner)
                {
                    s += spacing;
                    number += 2;
                    continue;
                }
                let rel = p.distance(k.centre) / k.radius;
                let apartment_p = if rel < 0.3 {
                    0.05
                } else if rel < 0.75 {
                    0.012
                } else {
                    0.004
                };
                if self.geo.chance(apartment_p) {
                    let units = self.geo.int(4, 16) as u32;
                    let exact = self.geo.chance(0.5);
                    let bouwjaar = self.geo.int(1965, (self.ref_year - 1) as i64) as i32;
                    for u in 0..units {
                        let q = if exact {
                            p
                        } else {
                            pt(p.x + self.geo.uni(-0.4, 0.4), p.y + self.geo.uni(-0.4, 0.4))
                        };
                        let shop = u == 0 && rel < 0.3 && self.geo.chance(0.5);
                        out.push(Planned {
                            p: q,
                            number: number + 2 * u,
                            doel: if shop { "winkelfunctie" } else { WOON },
                            opp: if shop {
                                self.geo.int(80, 400) as u32
                            } else {
                                self.geo.int(45, 115) as u32
                            },
                            bouwjaar,
                            kind: Kind::Apartment,
                        });
                    }
                    number += 2 * units;
                    s += spacing * 2.5;
                    continue;
                }
                let (doel, opp, bouwjaar, kind) = self.kern_object(rel);
                out.push(Planned {
                    p,
                    number,
                    doel,
                    opp,
                    bouwjaar,
                    kind,
                });
                number += 2;
                s += spacing;
            }
        }
        out
    }

    fn kern_object(&mut self, rel: f64) -> (&'static str, u32, i32, Kind) {
        let y = self.ref_year as i64;
        if rel < 0.3 {
            let doel = *self.geo.pick_weighted(&[
                (WOON, 70.0),
                ("winkelfunctie", 11.0),
                ("woonfunctie;winkelfunctie", 3.0),
                ("kantoorfunctie", 6.0),
                ("bijeenkomstfunctie", 4.0),
                ("gezondheidszorgfunctie", 2.5),
                ("logiesfunctie", 1.0),
                ("onderwijsfunctie", 1.0),
                ("woonfunctie;kantoorfunctie", 1.5),
            ]);
            let bouwjaar = if self.geo.chance(0.6) {
                self.geo.int(1850, 1939)
            } else {
                self.geo.int(1940, y - 1)
            } as i32;
            let opp = if doel == WOON {
                self.geo.int(80, 190)
            } else {
                self.geo.log_uni(60.0, 900.0) as i64
            } as u32;
            let kind = if doel == WOON {
                Kind::KernHouse
            } else {
                Kind::KernOther
            };
            (doel, opp, bouwjaar, kind)
        } else if rel < 0.75 {
            let doel = *self.geo.pick_weighted(&[
                (WOON, 97.0),
                ("onderwijsfunctie", 0.5),
                ("sportfunctie", 0.4),
                ("gezondheidszorgfunctie", 0.6),
                ("winkelfunctie", 0.8),
                ("bijeenkomstfunctie", 0.7),
            ]);
            let bouwjaar = self.geo.int(1946, 1989) as i32;
            let opp = if doel == WOON {
                self.geo.int(75, 135) as u32
            } else {
                self.geo.log_uni(100.0, 1500.0)
            };
            let kind = if doel == WOON {
                Kind::KernHouse
            } else {
                Kind::KernOther
            };
            (doel, opp, bouwjaar, kind)
        } else {
            let doel = if self.geo.chance(0.985) {
                WOON
            } else {
                "gezondheidszorgfunctie"
            };
            let bouwjaar = self.geo.int(1985, y - 1) as i32;
            let opp = if doel == WOON {
                self.geo.int(110, 230)
            } else {
                self.geo.int(150, 900)
            } as u32;
            let kind = if doel == WOON {
                Kind::KernHouse
            } else {
                Kind::KernOther
            };
            (doel, opp, bouwjaar, kind)
        }
    }

    /// An industrial estate just outside kern `ki`.
    fn estate(&mut self, ki: usize, n_streets: usize, length: f64, density: f64) {
        let k = self.kernen[ki].clone();
        for _ in 0..200 {
            let a = self.geo.uni(0.0, TAU);
            let depth = 110.0 * n_streets as f64;
            let c = polar(k.centre, k.radius + 60.0 + depth / 2.0, a);
            // streets run perpendicular to the radial direction
            let (tx, ty) = ((a + PI / 2.0).cos(), (a + PI / 2.0).sin());
            let (rx, ry) = (a.cos(), a.sin());
            let corners = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map(|(u, v)| {
                pt(
                    c.x + tx * u * (length / 2.0 + 60.0) + rx * v * (depth / 2.0 + 60.0),
                    c.y + ty * u * (length / 2.0 + 60.0) + ry * v * (depth / 2.0 + 60.0),
                )
            });
            if !corners.iter().all(|&p| self.boundary.covers(p))
                || corners.iter().any(|&p| {
                    self.kernen
                        .iter()
                        .enumerate()
                        .any(|(j, o)| j != ki && p.distance(o.centre) < o.radius + 600.0)
                })
            {
                continue;
            }
            let mut names: Vec<&str> = ESTATE_STREETS.to_vec();
            self.geo.shuffle(&mut names);
            let mut placed = Vec::new();
            for si in 0..n_streets {
                let v = (si as f64 + 0.5) / n_streets as f64 - 0.5;
                let base = pt(c.x + rx * v * depth, c.y + ry * v * depth);
                let street = self.new_street(names[si % names.len()].to_string(), ki);
                for side in [1.0f64, -1.0] {
                    let mut s = self.geo.uni(0.0, 20.0);
                    let mut number = if side > 0.0 { 1 } else { 2 };
                    while s < length {
                        let off = self.geo.uni(22.0, 35.0);
                        let p = pt(
                            base.x + tx * (s - length / 2.0) + rx * side * off,
                            base.y + ty * (s - length / 2.0) + ry * side * off,
                        );
                        let doel = *self.geo.pick_weighted(&[
                            (INDUSTRIE, 62.0),
                            ("industriefunctie;kantoorfunctie", 14.0),
                            ("kantoorfunctie", 10.0),
                            ("winkelfunctie", 8.0),
                            ("bijeenkomstfunctie", 2.0),
                            (OVERIG, 4.0),
                        ]);
                        let opp = self.geo.log_uni(250.0, 9000.0);
                        let bouwjaar = self.geo.int(1965, (self.ref_year - 1) as i64) as i32;
                        if self.boundary.covers(p) {
                            self.occupancy.insert(Self::occ_key(p), street);
                            let o = self.push_obj(
                                p,
                                street,
                                number,
                                None,
                                doel,
                                opp,
                                bouwjaar,
                                Kind::Estate,
                                None,
                            );
                            placed.push(self.objs[o].p);
                        }
                        number += 2;
                        s += self.geo.uni(35.0, 85.0) / density;
                    }
                }
            }
            if let Some(mut b) = BBox::of_points(placed) {
                b.min_x -= 80.0;
                b.min_y -= 80.0;
                b.max_x += 80.0;
                b.max_y += 80.0;
                self.exclusions.push(b);
            }
            return;
        }
    }

    // ------------------------------------------------------------ roads

    fn meander(
        &mut self,
        start: RdPoint,
        heading: f64,
        max_len: f64,
        home: Option<usize>,
    ) -> Vec<RdPoint> {
        let mut pts = vec![start];
        let mut h = heading;
        let mut p = start;
        let mut len = 0.0;
        while len < max_len {
            h += self.geo.uni(-0.12, 0.12);
            let next = polar(p, 100.0, h);
            if !self.boundary.covers(next) {
                break;
            }
            let hits_kern = self
                .kernen
                .iter()
                .enumerate()
                .any(|(j, k)| next.distance(k.centre) < k.radius + 40.0 && Some(j) != home);
            if hits_kern {
                break;
            }
            pts.push(next);
            p = next;
            len += 100.0;
        }
        pts
    }

    fn make_roads(&mut self) {
        let mut used: BTreeSet<String> = BTreeSet::new();
        // between the kernen
        for (a, b, suffix) in [(0, 1, "weg"), (0, 2, "weg"), (1, 2, "dijk")] {
            let (ka, kb) = (self.kernen[a].clone(), self.kernen[b].clone());
            let dir = (kb.centre.y - ka.centre.y).atan2(kb.centre.x - ka.centre.x);
            let p = polar(ka.centre, ka.radius, dir);
            let q = polar(kb.centre, kb.radius, dir + PI);
            let bend = self.geo.uni(-0.12, 0.12) * p.distance(q);
            let m = polar(
                pt((p.x + q.x) / 2.0, (p.y + q.y) / 2.0),
                bend,
                dir + PI / 2.0,
            );
            let mut pts = Vec::new();
            for i in 0..=20 {
                let t = i as f64 / 20.0;
                // quadratic Bézier through the bent midpoint
                let x = (1.0 - t) * (1.0 - t) * p.x + 2.0 * t * (1.0 - t) * m.x + t * t * q.x;
                let y = (1.0 - t) * (1.0 - t) * p.y + 2.0 * t * (1.0 - t) * m.y + t * t * q.y;
                pts.push(pt(x, y));
            }
            if pts.iter().all(|&p| self.boundary.covers(p)) {
                let name = road_name_to(&kb.name, suffix);
                used.insert(name.clone());
                self.roads.push(Road::new(name, pts));
            }
        }
        // Rural road names never equal a street name of a kern.
        let kern_names: BTreeSet<String> = STREET_PREFIXES
            .iter()
            .flat_map(|p| STREET_SUFFIXES.iter().map(move |s| format!("{p}{s}")))
            .chain(
                CENTRE_STREETS
                    .iter()
                    .chain(ESTATE_STREETS)
                    .map(|s| s.to_string()),
            )
            .collect();
        let mut pool: Vec<String> = ROAD_PREFIXES
            .iter()
            .flat_map(|p| ROAD_SUFFIXES.iter().map(move |s| format!("{p}{s}")))
            .filter(|n| !used.contains(n) && !kern_names.contains(n))
            .collect();
        self.geo.shuffle(&mut pool);
        // radial roads out of every kern
        for ki in 0..self.kernen.len() {
            let k = self.kernen[ki].clone();
            let n = [6, 4, 3][ki.min(2)];
            let a0 = self.geo.uni(0.0, TAU);
            for i in 0..n {
                let a = a0 + i as f64 / n as f64 * TAU + self.geo.uni(-0.3, 0.3);
                let pts = self.meander(polar(k.centre, k.radius, a), a, 12_000.0, Some(ki));
                if pts.len() >= 8
                    && let Some(name) = pool.pop()
                {
                    self.roads.push(Road::new(name, pts));
                }
            }
        }
        // rural roads
        let bb = self.boundary.bbox();
        let n_rural = self.geo.int(30, 38);
        let mut made = 0;
        for _ in 0..2000 {
            if made >= n_rural {
                break;
            }
            let p = pt(
                self.geo.uni(bb.min_x, bb.max_x),
                self.geo.uni(bb.min_y, bb.max_y),
            );
            if !self.boundary.covers(p) || self.kern_edge_dist(p) < 500.0 {
                continue;
            }
            let h = self.geo.uni(0.0, TAU);
            let half = self.geo.uni(1200.0, 3500.0);
            let fwd = self.meander(p, h, half, None);
            let back = self.meander(p, h + PI, half, None);
            let mut pts: Vec<RdPoint> = back.into_iter().rev().collect();
            pts.extend(fwd.into_iter().skip(1));
            if pts.len() < 10 {
                continue;
            }
            if let Some(name) = pool.pop() {
                self.roads.push(Road::new(name, pts));
                made += 1;
            }
        }
    }

    fn random_road_point(&mut self) -> (usize, f64) {
        let w: Vec<f64> = self.roads.iter().map(Road::len).collect();
        let ri = self.geo.weighted(&w);
        let s = self.geo.uni(0.0, self.roads[ri].len());
        (ri, s)
    }

    fn rural_ok(&self, p: RdPoint, kern_margin: f64) -> bool {
        self.boundary.covers(p) && self.kern_edge_dist(p) > kern_margin && !self.excluded(p)
    }

    // ------------------------------------------------------------ buitengebied

    fn farms(&mut self) {
        if self.roads.is_empty() {
            return;
        }
        let n_farms = self.geo.int(1150, 1350) as usize;
        let extra: [(ComplexKind, usize); 6] = [
            (ComplexKind::Loonbedrijf, self.geo.int(4, 6) as usize),
            (ComplexKind::Camping, self.geo.int(3, 5) as usize),
            (ComplexKind::Manege, self.geo.int(2, 4) as usize),
            (ComplexKind::Horeca, self.geo.int(3, 5) as usize),
            (ComplexKind::Zorgboerderij, self.geo.int(2, 3) as usize),
            (ComplexKind::Farm(Fate::Active), 0),
        ];
        let mut todo: Vec<ComplexKind> = Vec::new();
        for _ in 0..n_farms {
            let fate = *self.geo.pick_weighted(&[
                (Fate::Active, 55.0),
                (Fate::StoppedRecently, 18.0),
                (Fate::StoppedLongAgo, 15.0),
                (Fate::NeverRegistered, 12.0),
            ]);
            todo.push(ComplexKind::Farm(fate));
        }
        for (kind, n) in extra {
            todo.extend(std::iter::repeat_n(kind, n));
        }
        self.geo.shuffle(&mut todo);
        for kind in todo {
            for _ in 0..60 {
                if self.try_complex(kind) {
                    break;
                }
            }
        }
    }

    fn try_complex(&mut self, kind: ComplexKind) -> bool {
        let (ri, s) = self.random_road_point();
        let (base, (tx, ty)) = self.roads[ri].at(s);
        let (nx, ny) = (-ty, tx);
        let side: i8 = if self.geo.chance(0.5) { 1 } else { -1 };
        let sd = f64::from(side);
        let off = if self.geo.chance(0.85) {
            self.geo.uni(35.0, 200.0)
        } else {
            self.geo.uni(200.0, 480.0)
        };
        let house = pt(base.x + nx * sd * off, base.y + ny * sd * off);
        if !self.rural_ok(house, 350.0)
            || self.farm_grid.any_within(house, 230.0)
            || self.plots.any_within(house, 70.0)
        {
            return false;
        }
        let n_buildings = match kind {
            ComplexKind::Farm(Fate::NeverRegistered) => {
                *self
                    .geo
                    .pick_weighted(&[(0usize, 45.0), (1, 40.0), (2, 15.0)])
            }
            ComplexKind::Farm(_) => {
                *self
                    .geo
                    .pick_weighted(&[(0usize, 20.0), (1, 35.0), (2, 28.0), (3, 17.0)])
            }
            ComplexKind::Loonbedrijf => 3,
            ComplexKind::Camping => 2,
            ComplexKind::Manege => 2,
            ComplexKind::Horeca => 1,
            ComplexKind::Zorgboerderij => 2,
            ComplexKind::House => 0,
        };
        let mut spots = vec![house];
        for _ in 0..n_buildings {
            for _ in 0..12 {
                let d = self.geo.uni(25.0, 75.0);
                let lat = self.geo.uni(-45.0, 45.0);
                let p = pt(
                    house.x + nx * sd * d + tx * lat,
                    house.y + ny * sd * d + ty * lat,
                );
                if self.rural_ok(p, 300.0)
                    && spots.iter().all(|q| q.distance(p) >= 18.0)
                    && !self.plots.any_within(p, 40.0)
                {
                    spots.push(p);
                    break;
                }
            }
        }
        let ci = self.complexes.len();
        let y = self.ref_year as i64;
        let old_house = self.geo.int(1880, 1975) as i32;
        let mut objs = Vec::new();
        for (i, &p) in spots.iter().enumerate() {
            let (doel, opp, bouwjaar, k) = if i == 0 {
                match kind {
                    ComplexKind::Horeca => (
                        "bijeenkomstfunctie",
                        self.geo.int(200, 700) as u32,
                        old_house,
                        Kind::RuralOther,
                    ),
                    _ => (
                        WOON,
                        self.geo.int(120, 240) as u32,
                        old_house,
                        Kind::FarmHouse,
                    ),
                }
            } else {
                let (doel, opp) = match kind {
                    ComplexKind::Camping => ("logiesfunctie", self.geo.log_uni(60.0, 400.0)),
                    ComplexKind::Manege => ("sportfunctie", self.geo.log_uni(600.0, 2500.0)),
                    ComplexKind::Zorgboerderij => {
                        if i == 1 {
                            ("gezondheidszorgfunctie", self.geo.log_uni(150.0, 600.0))
                        } else {
                            (OVERIG, self.geo.log_uni(300.0, 1500.0))
                        }
                    }
                    ComplexKind::Loonbedrijf => (INDUSTRIE, self.geo.log_uni(600.0, 3500.0)),
                    ComplexKind::Horeca => ("bijeenkomstfunctie", self.geo.log_uni(100.0, 400.0)),
                    _ => {
                        if i == 1 && self.geo.chance(0.08) {
                            (WOON, self.geo.int(90, 180) as u32)
                        } else {
                            let doel = *self.geo.pick_weighted(&[
                                (OVERIG, 52.0),
                                (INDUSTRIE, 44.0),
                                ("industriefunctie;kantoorfunctie", 2.0),
                                ("overige gebruiksfunctie;woonfunctie", 2.0),
                            ]);
                            (doel, self.geo.log_uni(250.0, 3000.0))
                        }
                    }
                };
                let bouwjaar = self.geo.int(1950, y - 2) as i32;
                let k = if doel == WOON {
                    Kind::FarmHouse
                } else {
                    Kind::FarmBuilding
                };
                (doel, opp, bouwjaar, k)
            };
            // street and number are set in number_rural
            let o = self.push_obj(p, usize::MAX, 0, None, doel, opp, bouwjaar, k, Some(ci));
            objs.push(o);
            self.plots.insert(p);
        }
        self.farm_grid.insert(house);
        self.complexes.push(Complex {
            kind,
            objs,
            road: ri,
            s,
            side,
        });
        true
    }

    fn house_complex(&mut self, p: RdPoint, ri: usize, s: f64, side: i8, bouwjaar: i32) {
        let ci = self.complexes.len();
        let opp = self.geo.int(100, 260) as u32;
        let o = self.push_obj(
            p,
            usize::MAX,
            0,
            None,
            WOON,
            opp,
            bouwjaar,
            Kind::RuralHouse,
            Some(ci),
        );
        self.plots.insert(p);
        self.complexes.push(Complex {
            kind: ComplexKind::House,
            objs: vec![o],
            road: ri,
            s,
            side,
        });
    }

    /// Lintbebouwing: houses along the roads near the kernen.
    fn ribbons(&mut self) {
        let y = self.ref_year as i64;
        for ri in 0..self.roads.len() {
            let len = self.roads[ri].len();
            let mut s = self.geo.uni(0.0, 30.0);
            while s < len {
                let (base, (tx, ty)) = self.roads[ri].at(s);
                let d = self.kern_edge_dist(base);
                if d > 60.0 && d < 2500.0 {
                    let prob = 0.85 * (-d / 800.0).exp();
                    for side in [1i8, -1] {
                        if !self.geo.chance(prob) {
                            continue;
                        }
                        let off = self.geo.uni(12.0, 25.0) * f64::from(side);
                        let p = pt(base.x - ty * off, base.y + tx * off);
                        if self.rural_ok(p, 60.0) && !self.plots.any_within(p, 22.0) {
                            let bj = self.geo.int(1920, y - 1) as i32;
                            self.house_complex(p, ri, s, side, bj);
                        }
                    }
                }
                s += self.geo.uni(28.0, 55.0);
            }
        }
    }

    /// Houses scattered along the rural roads (many of them former farms).
    fn scattered_houses(&mut self) {
        if self.roads.is_empty() {
            return;
        }
        let y = self.ref_year as i64;
        let target = self.geo.int(1000, 1300);
        let mut placed = 0;
        for _ in 0..20_000 {
            if placed >= target {
                break;
            }
            let (ri, s) = self.random_road_point();
            let (base, (tx, ty)) = self.roads[ri].at(s);
            let side: i8 = if self.geo.chance(0.5) { 1 } else { -1 };
            let off = self.geo.uni(15.0, 80.0) * f64::from(side);
            let p = pt(base.x - ty * off, base.y + tx * off);
            if self.rural_ok(p, 400.0) && !self.plots.any_within(p, 70.0) {
                let bj = if self.geo.chance(0.6) {
                    self.geo.int(1890, 1970)
                } else {
                    self.geo.int(1971, y - 1)
                } as i32;
                self.house_complex(p, ri, s, side, bj);
                placed += 1;
            }
        }
    }

    fn rural_woonplaats(&self, p: RdPoint) -> usize {
        let (best, d) = self
            .kernen
            .iter()
            .enumerate()
            .map(|(i, k)| (i, p.distance(k.centre) - k.radius))
            .fold((0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
        if d <= 3200.0 { best } else { KERN_NAMES.len() }
    }

    /// Street, postcode and numbers of the rural addresses: per road and
    /// woonplaats, numbered along the road, odd on the left and even on the
    /// right; the other buildings of a yard get the yard's number with a
    /// letter.
    fn number_rural(&mut self) {
        let mut order: Vec<usize> = (0..self.complexes.len()).collect();
        order.sort_by(|&a, &b| {
            let (ca, cb) = (&self.complexes[a], &self.complexes[b]);
            ca.road.cmp(&cb.road).then(ca.s.total_cmp(&cb.s))
        });
        // (road, woonplaats) -> next odd, next even
        let mut next: BTreeMap<(usize, usize), (u32, u32)> = BTreeMap::new();
        for ci in order {
            let (road, side, main) = {
                let c = &self.complexes[ci];
                (c.road, c.side, c.objs[0])
            };
            let wp = self.rural_woonplaats(self.objs[main].p);
            let street = match self.rural_streets.get(&(road, wp)) {
                Some(&s) => s,
                None => {
                    let name = self.roads[road].name.clone();
                    let s = self.new_street(name, wp);
                    self.rural_streets.insert((road, wp), s);
                    s
                }
            };
            let skip = if self.geo.chance(0.25) { 2 } else { 0 };
            let counters = next.entry((road, wp)).or_insert((1, 2));
            let number = if side > 0 {
                counters.0 += skip;
                let n = counters.0;
                counters.0 += 2;
                n
            } else {
                counters.1 += skip;
                let n = counters.1;
                counters.1 += 2;
                n
            };
            let objs = self.complexes[ci].objs.clone();
            for (i, o) in objs.into_iter().enumerate() {
                let obj = &mut self.objs[o];
                obj.street = street;
                obj.number = number;
                obj.letter = if i == 0 {
                    None
                } else {
                    Some((b'A' + (i as u8 - 1)) as char)
                };
            }
        }
    }

    fn statuses(&mut self, reference: Date) {
        let y = reference.year();
        for i in 0..self.objs.len() {
            let fate = self.objs[i].complex.map(|c| self.complexes[c].kind);
            let kind = self.objs[i].kind;
            let status = match (kind, fate) {
                (Kind::FarmBuilding, Some(ComplexKind::Farm(Fate::StoppedRecently))) => {
                    if self.geo.chance(0.3) {
                        BUITEN_GEBRUIK
                    } else {
                        IN_GEBRUIK
                    }
                }
                (Kind::FarmBuilding, Some(ComplexKind::Farm(Fate::StoppedLongAgo))) => {
                    if self.geo.chance(0.2) {
                        BUITEN_GEBRUIK
                    } else {
                        IN_GEBRUIK
                    }
                }
                (Kind::FarmHouse, Some(ComplexKind::Farm(Fate::StoppedRecently))) => {
                    if self.geo.chance(0.06) {
                        BUITEN_GEBRUIK
                    } else {
                        IN_GEBRUIK
                    }
                }
                (Kind::Estate, _) => {
                    if self.geo.chance(0.04) {
                        BUITEN_GEBRUIK
                    } else {
                        IN_GEBRUIK
                    }
                }
                _ => {
                    let r = self.geo.uni(0.0, 1.0);
                    if r < 0.006 {
                        BUITEN_GEBRUIK
                    } else if r < 0.016 {
                        NIET_INGEMETEN
                    } else if r < 0.019 {
                        VERBOUWING
                    } else {
                        IN_GEBRUIK
                    }
                }
            };
            self.objs[i].status = status;
            // New builds at the edge of the kernen: gevormd, this year.
            let newest = self.geo.chance(0.5);
            if kind == Kind::KernHouse && self.objs[i].bouwjaar >= y - 2 && newest {
                self.objs[i].status = GEVORMD;
                self.objs[i].bouwjaar = y;
            }
        }
    }

    fn address_ids(&mut self) -> Vec<String> {
        let mut n: u64 = self.geo.int(100_000, 400_000) as u64;
        self.objs
            .iter()
            .map(|_| {
                n += 1 + u64::from(self.geo.chance(0.1));
                format!("990101{n:010}")
            })
            .collect()
    }

    // ------------------------------------------------------------ businesses

    fn businesses(&self, r: &mut R, ids: &[String], reference: Date) -> Vec<Business> {
        let mut b = BusinessMaker {
            out: Vec::new(),
            kvk_used: BTreeSet::new(),
            vest_used: BTreeSet::new(),
            reference,
        };
        let kern_name = |o: &Obj| -> &str {
            let wp = self.streets[o.street].woonplaats;
            &self.woonplaatsen[wp].name
        };
        // yards in the buitengebied
        for c in &self.complexes {
            let main = c.objs[0];
            let id = &ids[main];
            let wp = kern_name(&self.objs[main]).to_string();
            match c.kind {
                ComplexKind::Farm(fate) => {
                    let sbi = *r.pick_weighted(if fate == Fate::Active {
                        &AGRI_ACTIVE[..]
                    } else {
                        &AGRI_STOPPED[..]
                    });
                    let since = ago(r, reference, 8, 50);
                    match fate {
                        Fate::Active => {
                            b.add(r, id, sbi, since, None, &wp);
                            if r.chance(0.12) {
                                let side = *r.pick(&["0161", "5520", "4721", "3511", "0150"]);
                                let s2 = ago(r, reference, 1, 15);
                                b.add(r, id, side, s2, None, &wp);
                            }
                        }
                        Fate::StoppedRecently => {
                            let end = r.date(
                                years_before(reference, 10),
                                reference.saturating_sub(Duration::days(30)),
                            );
                            let start = ago(r, end, 8, 40);
                            b.add(r, id, sbi, start, Some(end), &wp);
                            if r.chance(0.35) {
                                let next = *r.pick(&[
                                    "6820", "6820", "5210", "4941", "4120", "4520", "4332", "7022",
                                    "0161",
                                ]);
                                let s2 = r.date(end, reference);
                                b.add(r, id, next, s2, None, &wp);
                            }
                        }
                        Fate::StoppedLongAgo => {
                            let end =
                                r.date(years_before(reference, 25), years_before(reference, 11));
                            let start = ago(r, end, 10, 35);
                            b.add(r, id, sbi, start, Some(end), &wp);
                            if r.chance(0.2) {
                                let next = *r.pick(&["6820", "4120", "7022", "9609"]);
                                let s2 = r.date(end, reference);
                                b.add(r, id, next, s2, None, &wp);
                            }
                        }
                        Fate::NeverRegistered => {}
                    }
                }
                ComplexKind::Loonbedrijf => {
                    let s = ago(r, reference, 5, 40);
                    b.add(r, id, "0161", s, None, &wp);
                    if r.chance(0.3) {
                        {
                            let d = ago(r, reference, 1, 10);
                            b.add(r, id, "4941", d, None, &wp);
                        }
                    }
                }
                ComplexKind::Camping => {
                    let sbi = *r.pick(&["5530", "5520"]);
                    {
                        let d = ago(r, reference, 2, 30);
                        b.add(r, id, sbi, d, None, &wp);
                    }
                }
                ComplexKind::Manege => {
                    {
                        let d = ago(r, reference, 3, 30);
                        b.add(r, id, "9311", d, None, &wp);
                    }
                    {
                        let d = ago(r, reference, 3, 30);
                        b.add(r, id, "0143", d, None, &wp);
                    }
                }
                ComplexKind::Horeca => {
                    let d = ago(r, reference, 1, 40);
                    b.add(r, id, "5610", d, None, &wp);
                }
                ComplexKind::Zorgboerderij => {
                    {
                        let d = ago(r, reference, 2, 20);
                        b.add(r, id, "8899", d, None, &wp);
                    }
                    {
                        let d = ago(r, reference, 10, 40);
                        b.add(r, id, "0150", d, None, &wp);
                    }
                }
                ComplexKind::House => {
                    if r.chance(0.06) {
                        let sbi = *r.pick(&HOME_BASED);
                        let s = ago(r, reference, 0, 20);
                        let s = r.date(s, reference);
                        let end = if r.chance(0.2) {
                            Some(r.date(s, reference))
                        } else {
                            None
                        };
                        b.add(r, id, sbi, s, end.filter(|&e| e > s), &wp);
                    }
                }
            }
        }
        // kernen and estates
        for (o, id) in self.objs.iter().zip(ids) {
            if o.complex.is_some() {
                continue;
            }
            let wp = kern_name(o).to_string();
            let primary = o
                .gebruiksdoel
                .split(';')
                .find(|d| *d != WOON)
                .unwrap_or(WOON);
            let (sbi, p) = match (o.kind, primary) {
                (Kind::Estate, _) => (*r.pick_weighted(&ESTATE_SBI), 0.9),
                (_, "winkelfunctie") => (*r.pick_weighted(&SHOP_SBI), 0.85),
                (_, "bijeenkomstfunctie") => (*r.pick(&["5610", "5630", "9499"]), 0.75),
                (_, "kantoorfunctie") => (*r.pick(&["6920", "6910", "7022", "6622", "6831"]), 0.8),
                (_, "gezondheidszorgfunctie") => (*r.pick(&["8621", "8623", "8690"]), 0.85),
                (_, "logiesfunctie") => ("5510", 0.9),
                (_, "onderwijsfunctie") => ("8520", 0.9),
                (_, "sportfunctie") => ("9312", 0.8),
                (_, _) => (*r.pick(&HOME_BASED), 0.07),
            };
            if !r.chance(p) {
                continue;
            }
            let s = ago(r, reference, 0, 35);
            let s = r.date(s, reference);
            let end = if r.chance(if p < 0.5 { 0.15 } else { 0.08 }) {
                Some(r.date(s, reference)).filter(|&e| e > s)
            } else {
                None
            };
            if end.is_some() && p >= 0.5 {
                // an ended business is usually followed by a new one
                let e = end.unwrap_or(reference);
                b.add(r, id, sbi, s, end, &wp);
                if r.chance(0.7) {
                    let s2 = r.date(e, reference);
                    b.add(r, id, sbi, s2, None, &wp);
                }
            } else {
                b.add(r, id, sbi, s, end, &wp);
            }
        }
        let mut out = b.out;
        out.sort_by(|a, b| a.kvk.cmp(&b.kvk));
        out
    }

    // ------------------------------------------------------------ incidents and signals

    fn events(&self, r: &mut R, ids: &[String], reference: Date) -> (Vec<Incident>, Vec<Signal>) {
        // Candidate buildings in the buitengebied, weighted towards stopped farms.
        let mut barns: Vec<(usize, f64)> = Vec::new();
        for c in &self.complexes {
            let w = match c.kind {
                ComplexKind::Farm(Fate::StoppedRecently) => 5.0,
                ComplexKind::Farm(Fate::StoppedLongAgo) => 4.0,
                ComplexKind::Farm(Fate::NeverRegistered) => 3.0,
                ComplexKind::Farm(Fate::Active) => 1.0,
                ComplexKind::Loonbedrijf => 1.0,
                _ => 0.0,
            };
            if w == 0.0 {
                continue;
            }
            for &o in &c.objs {
                if self.objs[o].kind == Kind::FarmBuilding {
                    let big = if self.objs[o].opp >= 500 { 1.5 } else { 1.0 };
                    let idle = if self.objs[o].status == BUITEN_GEBRUIK {
                        2.0
                    } else {
                        1.0
                    };
                    barns.push((o, w * big * idle));
                }
            }
        }
        let rural_houses: Vec<usize> = (0..self.objs.len())
            .filter(|&i| {
                matches!(self.objs[i].kind, Kind::FarmHouse | Kind::RuralHouse)
                    && self.kern_edge_dist(self.objs[i].p) > 800.0
            })
            .collect();
        let kern_houses: Vec<usize> = (0..self.objs.len())
            .filter(|&i| matches!(self.objs[i].kind, Kind::KernHouse | Kind::Apartment))
            .collect();
        let estate: Vec<usize> = (0..self.objs.len())
            .filter(|&i| self.objs[i].kind == Kind::Estate)
            .collect();
        let barn_w: Vec<f64> = barns.iter().map(|b| b.1).collect();

        // A few hotspots: yards with several incidents over the years.
        let hotspots: Vec<usize> = if barns.is_empty() {
            Vec::new()
        } else {
            (0..r.int(5, 8))
                .map(|_| barns[r.weighted(&barn_w)].0)
                .collect()
        };

        let from5 = years_before(reference, 5);
        let n = r.int(70, 115) as usize;
        let mut raw: Vec<(Date, IncidentSoort, Bron, RdPoint, Option<usize>, String)> = Vec::new();
        for _ in 0..n {
            let soort = *r.pick_weighted(&[
                (IncidentSoort::Hennepkwekerij, 45.0),
                (IncidentSoort::Drugsafval, 29.0),
                (IncidentSoort::Opslag, 15.0),
                (IncidentSoort::Drugslab, 11.0),
            ]);
            let datum = r.date(from5, reference);
            let at_obj = |r: &mut R| -> Option<usize> {
                let u = r.uni(0.0, 1.0);
                let (p_barn, p_rural_house, p_estate) = match soort {
                    IncidentSoort::Hennepkwekerij => (0.68, 0.24, 0.02),
                    IncidentSoort::Drugslab => (0.86, 0.06, 0.06),
                    IncidentSoort::Opslag => (0.70, 0.12, 0.14),
                    IncidentSoort::Drugsafval => (0.0, 0.0, 0.0),
                };
                if u < p_barn && !barns.is_empty() {
                    if !hotspots.is_empty() && r.chance(0.15) {
                        Some(*r.pick(&hotspots))
                    } else {
                        Some(barns[r.weighted(&barn_w)].0)
                    }
                } else if u < p_barn + p_rural_house && !rural_houses.is_empty() {
                    Some(*r.pick(&rural_houses))
                } else if u < p_barn + p_rural_house + p_estate && !estate.is_empty() {
                    Some(*r.pick(&estate))
                } else if !kern_houses.is_empty() {
                    Some(*r.pick(&kern_houses))
                } else {
                    None
                }
            };
            let (p, obj, bron, text) = match soort {
                IncidentSoort::Drugsafval => {
                    let (p, road) = self.dump_spot(r);
                    let bron = if r.chance(0.55) {
                        Bron::Omgevingsdienst
                    } else {
                        Bron::Politie
                    };
                    (p, None, bron, dump_text(r, &road))
                }
                _ => {
                    let Some(o) = at_obj(r) else { continue };
                    let bron = if soort == IncidentSoort::Hennepkwekerij && r.chance(0.08) {
                        Bron::Omgevingsdienst
                    } else {
                        Bron::Politie
                    };
                    let text = incident_text(r, soort, self.objs[o].kind);
                    (self.objs[o].p, Some(o), bron, text)
                }
            };
            raw.push((datum, soort, bron, p, obj, text));
        }
        raw.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.cmp(&b.1))
                .then(a.3.x.total_cmp(&b.3.x))
                .then(a.3.y.total_cmp(&b.3.y))
        });
        let mut seq: BTreeMap<(Bron, i32), u32> = BTreeMap::new();
        let incidents = raw
            .into_iter()
            .map(|(datum, soort, bron, p, obj, omschrijving)| {
                let key = (bron, datum.year());
                let start = r.int(100, 900) as u32;
                let s = seq.entry(key).or_insert(start);
                *s += r.int(1, 40) as u32;
                let id = match bron {
                    Bron::Politie => format!("POL-{}-{:05}", datum.year(), s),
                    Bron::Omgevingsdienst => format!("OD-{}-{:04}", datum.year(), s),
                };
                Incident {
                    id,
                    x: p.x,
                    y: p.y,
                    datum,
                    soort,
                    bron,
                    omschrijving,
                    adres_id: obj.map(|o| ids[o].clone()),
                }
            })
            .collect();

        // Signals of the last two years.
        let from2 = years_before(reference, 2);
        let n = r.int(18, 34) as usize;
        let mut raw: Vec<(Date, SignaalCategorie, RdPoint, Option<usize>, String)> = Vec::new();
        for _ in 0..n {
            let cat = *r.pick_weighted(&[
                (SignaalCategorie::Hennepteelt, 24.0),
                (SignaalCategorie::VerdachteVerhuurOfLeegstand, 20.0),
                (SignaalCategorie::DrugsafvalDumping, 15.0),
                (SignaalCategorie::BenaderdDoorCriminelen, 10.0),
                (SignaalCategorie::SynthetischDrugslab, 8.0),
                (SignaalCategorie::OpslagVanDrugs, 8.0),
                (SignaalCategorie::Arbeidsuitbuiting, 6.0),
                (SignaalCategorie::Overig, 9.0),
            ]);
            let datum = r.date(from2, reference);
            let (p, obj, text) = if cat == SignaalCategorie::DrugsafvalDumping {
                let (p, road) = self.dump_spot(r);
                (p, None, signal_text(r, cat, &road, false))
            } else {
                let o = if cat == SignaalCategorie::Hennepteelt && r.chance(0.3) {
                    (!kern_houses.is_empty()).then(|| *r.pick(&kern_houses))
                } else if !hotspots.is_empty() && r.chance(0.25) {
                    Some(*r.pick(&hotspots))
                } else if !barns.is_empty() {
                    Some(barns[r.weighted(&barn_w)].0)
                } else {
                    None
                };
                let Some(o) = o else { continue };
                let road = self.streets[self.objs[o].street].name.clone();
                let in_kern = matches!(self.objs[o].kind, Kind::KernHouse | Kind::Apartment);
                // Reporters describe a place, not a point: up to 40 m off,
                // and without an address in a third of the cases.
                let named = r.chance(0.67);
                let p = if named {
                    self.objs[o].p
                } else {
                    let q = polar(self.objs[o].p, r.uni(5.0, 40.0), r.uni(0.0, TAU));
                    if self.boundary.covers(q) {
                        mm(q)
                    } else {
                        self.objs[o].p
                    }
                };
                (p, named.then_some(o), signal_text(r, cat, &road, in_kern))
            };
            raw.push((datum, cat, p, obj, text));
        }
        raw.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut seq: BTreeMap<i32, u32> = BTreeMap::new();
        let signals = raw
            .into_iter()
            .map(|(datum, categorie, p, obj, omschrijving)| {
                let s = seq.entry(datum.year()).or_insert(0);
                *s += 1;
                Signal {
                    id: format!("MLD-{}-{:04}", datum.year(), s),
                    x: p.x,
                    y: p.y,
                    datum,
                    categorie,
                    omschrijving,
                    adres_id: obj.map(|o| ids[o].clone()),
                }
            })
            .collect();
        (incidents, signals)
    }

    /// A place where drug waste is dumped: a verge, ditch or field along a
    /// rural road, away from the kernen.
    fn dump_spot(&self, r: &mut R) -> (RdPoint, String) {
        let w: Vec<f64> = self.roads.iter().map(Road::len).collect();
        for _ in 0..500 {
            if self.roads.is_empty() {
                break;
            }
            let ri = r.weighted(&w);
            let (base, (tx, ty)) = self.roads[ri].at(r.uni(0.0, self.roads[ri].len()));
            let off = if r.chance(0.6) {
                r.uni(3.0, 15.0)
            } else {
                r.uni(30.0, 300.0)
            } * if r.chance(0.5) { 1.0 } else { -1.0 };
            let p = mm(pt(base.x - ty * off, base.y + tx * off));
            if self.boundary.covers(p) && self.kern_edge_dist(p) > 600.0 {
                return (p, self.roads[ri].name.clone());
            }
        }
        (mm(self.boundary.centroid()), "weg".to_string())
    }
}

/// `years_before(from, n)` for n drawn from [a, b].
fn ago(r: &mut R, from: Date, a: i64, b: i64) -> Date {
    let n = r.int(a, b) as i32;
    years_before(from, n)
}

struct Planned {
    p: RdPoint,
    number: u32,
    doel: &'static str,
    opp: u32,
    bouwjaar: i32,
    kind: Kind,
}

// ---------------------------------------------------------------- business tables

const AGRI_ACTIVE: [(&str, f64); 12] = [
    ("0141", 38.0),
    ("0146", 11.0),
    ("0147", 6.0),
    ("0142", 8.0),
    ("0111", 8.0),
    ("0150", 8.0),
    ("0145", 5.0),
    ("0143", 4.0),
    ("0113", 3.0),
    ("0119", 3.0),
    ("0130", 2.0),
    ("0149", 4.0),
];

const AGRI_STOPPED: [(&str, f64); 8] = [
    ("0141", 30.0),
    ("0146", 25.0),
    ("0147", 8.0),
    ("0142", 10.0),
    ("0150", 14.0),
    ("0111", 6.0),
    ("0145", 4.0),
    ("0149", 3.0),
];

const HOME_BASED: [&str; 14] = [
    "7022", "6201", "7111", "4120", "4332", "4334", "7410", "8559", "9602", "4791", "9609", "8690",
    "4321", "7490",
];

const SHOP_SBI: [(&str, f64); 14] = [
    ("4711", 6.0),
    ("4721", 3.0),
    ("4722", 3.0),
    ("4724", 4.0),
    ("4729", 2.0),
    ("4741", 2.0),
    ("4751", 2.0),
    ("4771", 6.0),
    ("4772", 3.0),
    ("4776", 3.0),
    ("4778", 3.0),
    ("4730", 1.0),
    ("9602", 6.0),
    ("4752", 2.0),
];

const ESTATE_SBI: [(&str, f64); 20] = [
    ("4120", 8.0),
    ("4321", 5.0),
    ("4322", 6.0),
    ("4332", 4.0),
    ("4511", 5.0),
    ("4520", 6.0),
    ("4941", 7.0),
    ("5210", 5.0),
    ("2511", 4.0),
    ("1623", 3.0),
    ("3312", 3.0),
    ("4661", 3.0),
    ("4673", 3.0),
    ("4690", 4.0),
    ("1013", 1.0),
    ("3811", 1.0),
    ("4752", 2.0),
    ("4391", 2.0),
    ("6820", 3.0),
    ("7022", 2.0),
];

struct BusinessMaker {
    out: Vec<Business>,
    kvk_used: BTreeSet<u32>,
    vest_used: BTreeSet<u64>,
    reference: Date,
}

impl BusinessMaker {
    fn add(
        &mut self,
        r: &mut R,
        adres_id: &str,
        sbi: &str,
        start: Date,
        einde: Option<Date>,
        woonplaats: &str,
    ) {
        let start = start.min(self.reference.saturating_sub(Duration::days(1)));
        let einde = einde.map(|e| e.min(self.reference.saturating_sub(Duration::days(1))));
        let einde = einde.filter(|&e| e > start);
        let kvk = loop {
            let k = r.int(10_000_000, 99_999_999) as u32;
            if self.kvk_used.insert(k) {
                break k;
            }
        };
        let vest = loop {
            let v = r.int(10_000_000, 99_999_999) as u64;
            if self.vest_used.insert(v) {
                break v;
            }
        };
        self.out.push(Business {
            kvk: format!("{kvk:08}"),
            vestigingsnummer: format!("{vest:012}"),
            naam: business_name(r, sbi, woonplaats),
            adres_id: adres_id.to_string(),
            sbi: sbi.to_string(),
            start,
            einde,
        });
    }
}

fn business_name(r: &mut R, sbi: &str, woonplaats: &str) -> String {
    let s = *r.pick(SURNAMES);
    let s2 = *r.pick(SURNAMES);
    let f = *r.pick(FIRST_NAMES);
    let inn = *r.pick(INN_WORDS);
    let erve = *r.pick(ERVE_NAMES);
    let w = woonplaats;
    let opts: Vec<String> = match sbi {
        "0141" => vec![
            format!("Melkveebedrijf {s}"),
            format!("Maatschap {s}-{s2}"),
            format!("Melkveehouderij {s} V.O.F."),
            format!("{erve} Melkvee"),
        ],
        "0142" => vec![format!("Vleesveebedrijf {s}"), format!("V.O.F. {s}")],
        "0143" => vec![format!("Paardenhouderij {s}"), format!("Stal {erve}")],
        "0145" => vec![
            format!("Geitenhouderij {s}"),
            format!("Schapenhouderij {s}"),
        ],
        "0146" => vec![
            format!("Varkenshouderij {s}"),
            format!("V.O.F. {s}-{s2}"),
            format!("Zeugenhouderij {s}"),
        ],
        "0147" => vec![
            format!("Pluimveebedrijf {s}"),
            format!("Pluimveehouderij {s} B.V."),
        ],
        "0149" => vec![
            format!("Alpacafarm {erve}"),
            format!("Konijnenhouderij {s}"),
        ],
        "0111" => vec![format!("Akkerbouwbedrijf {s}")],
        "0113" => vec![format!("Groenteteelt {s}"), format!("Aspergekwekerij {s}")],
        "0119" => vec![format!("Teeltbedrijf {s}")],
        "0130" => vec![format!("Boomkwekerij {s}")],
        "0150" => vec![
            format!("Agrarisch bedrijf {s}"),
            format!("Maatschap {s}"),
            format!("{erve}"),
        ],
        "0161" => vec![
            format!("Loonbedrijf {s} B.V."),
            format!("Agrarisch Loonwerk {s}"),
        ],
        "4120" => vec![format!("Bouwbedrijf {s} B.V."), format!("{s} Bouw")],
        "4321" => vec![format!("Elektrotechniek {s}")],
        "4322" => vec![format!("{s} Installatietechniek")],
        "4332" => vec![format!("Timmerbedrijf {s}")],
        "4334" => vec![format!("Schildersbedrijf {s}")],
        "4391" => vec![format!("Dakdekkersbedrijf {s}")],
        "4511" => vec![format!("Autobedrijf {s}")],
        "4520" => vec![format!("Garage {s}"), format!("Autoservice {w}")],
        "4941" => vec![
            format!("Transportbedrijf {s} B.V."),
            format!("{s} Logistiek"),
        ],
        "5210" => vec![
            format!("Caravanstalling {s}"),
            format!("Opslag {w} B.V."),
            format!("Stalling {erve}"),
        ],
        "6820" => vec![format!("{s} Vastgoed B.V."), format!("Verhuur {s}")],
        "5610" => vec![
            format!("Café-Restaurant De {inn}"),
            format!("Eetcafé De {inn}"),
            format!("Snackbar {w}"),
        ],
        "5630" => vec![format!("Café De {inn}")],
        "5510" => vec![format!("Hotel De {inn}")],
        "5520" => vec![format!("Vakantiewoningen {erve}"), format!("B&B {erve}")],
        "5530" => vec![format!("Minicamping {erve}"), format!("Camping De {inn}")],
        "4711" => vec![format!("Supermarkt {w}")],
        "4721" => vec![
            format!("Groente- en fruithandel {s}"),
            format!("Boerderijwinkel {erve}"),
        ],
        "4722" => vec![format!("Slagerij {s}")],
        "4724" => vec![format!("Bakkerij {s}")],
        "4776" => vec![format!("Bloembinderij {f}")],
        "4771" => vec![format!("Modehuis {s}")],
        "4778" => vec![format!("Opticien {s}")],
        "4752" => vec![format!("Bouwmarkt {w}"), format!("IJzerhandel {s}")],
        "9602" => vec![format!("Kapsalon {f}"), format!("Schoonheidssalon {f}")],
        "8621" => vec![format!("Huisartsenpraktijk {w}")],
        "8623" => vec![format!("Tandartspraktijk {s}")],
        "8690" => vec![format!("Fysiotherapie {w}"), format!("Praktijk {f} {s}")],
        "6920" => vec![format!("Administratiekantoor {s}")],
        "6910" => vec![format!("Notariskantoor {s}")],
        "6622" => vec![format!("Verzekeringen {s}")],
        "6831" => vec![format!("Makelaardij {s}")],
        "7022" => vec![format!("{s} Advies"), format!("{f} {s} Consultancy")],
        "6201" => vec![format!("{s} Software")],
        "7111" => vec![format!("Architectenbureau {s}")],
        "7410" => vec![format!("Ontwerpstudio {f}")],
        "8559" => vec![format!("Bijles {f}")],
        "8520" => vec![format!("Basisschool De {inn}")],
        "9311" => vec![format!("Manege {erve}"), format!("Manege De {inn}")],
        "9312" => vec![format!("Sportvereniging {w}")],
        "8899" => vec![format!("Zorgboerderij {erve}")],
        "9609" => vec![format!("Hondentrimsalon {f}")],
        "4791" => vec![format!("Webwinkel {f} {s}")],
        "3511" => vec![format!("Zonnepark {erve}")],
        "2511" => vec![format!("Constructiebedrijf {s} B.V.")],
        "1623" => vec![format!("Houtbewerking {s}")],
        "3312" => vec![format!("{s} Machinereparatie")],
        "4661" => vec![format!("Landbouwmechanisatie {s}")],
        "4673" => vec![format!("Bouwmaterialen {s}")],
        "4690" => vec![format!("{s} Groothandel B.V.")],
        "1013" => vec![format!("Vleeswarenfabriek {w}")],
        "3811" => vec![format!("Afvalinzameling {w}")],
        "9499" => vec![
            format!("Stichting Dorpshuis {w}"),
            format!("Vereniging Plaatselijk Belang {w}"),
        ],
        "7490" => vec![format!("{s} Diensten"), format!("Bureau {f} {s}")],
        _ => vec![format!(
            "{s} {}",
            if r.chance(0.5) { "B.V." } else { "V.O.F." }
        )],
    };
    r.pick(&opts).clone()
}

// ---------------------------------------------------------------- texts

fn incident_text(r: &mut R, soort: IncidentSoort, kind: Kind) -> String {
    let place = match kind {
        Kind::FarmBuilding => *r.pick(&[
            "een schuur",
            "een voormalige varkensstal",
            "de kapschuur",
            "een leegstaande loods",
            "een verhuurde stal",
            "de werktuigenberging",
        ]),
        Kind::Estate => *r.pick(&["een bedrijfsunit", "een loods op het bedrijventerrein"]),
        Kind::FarmHouse | Kind::RuralHouse => {
            *r.pick(&["de woning", "een bijgebouw bij de woning", "de garage"])
        }
        _ => *r.pick(&[
            "de zolder van de woning",
            "een slaapkamer",
            "de garage",
            "de woning",
        ]),
    };
    match soort {
        IncidentSoort::Hennepkwekerij => {
            let n = r.int(2, 60) * 25;
            match r.idx(3) {
                0 => format!("Hennepkwekerij met circa {n} planten aangetroffen in {place}."),
                1 => format!(
                    "Hennepkwekerij ({n} planten) in {place} ontmanteld; stroom illegaal afgetapt."
                ),
                _ => format!("Restanten van een hennepkwekerij aangetroffen in {place}."),
            }
        }
        IncidentSoort::Drugslab => match r.idx(3) {
            0 => format!("Synthetisch drugslab (amfetamine) aangetroffen in {place}; LFO ingezet."),
            1 => format!("Productielocatie voor XTC ontmanteld in {place}."),
            _ => format!("Opslag- en productieruimte voor crystal meth aangetroffen in {place}."),
        },
        IncidentSoort::Opslag => {
            let kg = r.int(5, 400);
            match r.idx(3) {
                0 => format!("Opslag van circa {kg} kg hennep aangetroffen in {place}."),
                1 => format!(
                    "Opslag van grondstoffen voor drugsproductie (vaten, jerrycans) in {place}."
                ),
                _ => format!("Partij verdovende middelen en contant geld aangetroffen in {place}."),
            }
        }
        IncidentSoort::Drugsafval => "Drugsafval aangetroffen.".to_string(),
    }
}

fn dump_text(r: &mut R, road: &str) -> String {
    let n = r.int(2, 40);
    match r.idx(4) {
        0 => format!("{n} vaten met drugsafval gedumpt in de berm van de {road}."),
        1 => format!(
            "Jerrycans met chemisch afval (vermoedelijk amfetamineproductie) op een akker langs de {road}."
        ),
        2 => {
            format!("Lekkende vaten drugsafval in een sloot langs de {road}; bodem verontreinigd.")
        }
        _ => format!(
            "Aanhanger met {n} vaten drugsafval achtergelaten bij een bosrand aan de {road}."
        ),
    }
}

fn signal_text(r: &mut R, cat: SignaalCategorie, road: &str, in_kern: bool) -> String {
    use SignaalCategorie::*;
    let opts: Vec<String> = match cat {
        Hennepteelt if in_kern => vec![
            format!("Hennepgeur bij een woning aan de {road}, ramen op zolder altijd afgeplakt."),
            format!("Opvallend veel verkeer 's avonds bij een woning aan de {road}."),
            "Buren horen dag en nacht ventilatoren; de woning lijkt onbewoond.".into(),
        ],
        Hennepteelt => vec![
            format!("Sterke hennepgeur bij een schuur aan de {road}, ramen afgeplakt."),
            "Zoemend geluid en warmte uit het dak, 's nachts licht in de schuur.".into(),
            format!("Sneeuw smelt direct op het dak van de stal aan de {road}."),
        ],
        SynthetischDrugslab => vec![
            format!("Sterke anijslucht rond de loods aan de {road}."),
            "Busjes met buitenlandse kentekens 's nachts af en aan, chemische lucht.".into(),
        ],
        DrugsafvalDumping => vec![
            format!("Vaten met een scherpe lucht in de berm van de {road} gezien."),
            format!("Jerrycans gedumpt op het land langs de {road}."),
        ],
        OpslagVanDrugs => vec![
            format!("Vreemde partij dozen en vaten opgeslagen in een stal aan de {road}."),
            "Vrachtwagen 's nachts gelost bij een leegstaande schuur.".into(),
        ],
        BenaderdDoorCriminelen => vec![
            "Boer benaderd door onbekenden die zijn lege stal contant wilden huren.".into(),
            format!(
                "Man aan de deur aan de {road}: veel geld geboden voor opslagruimte, geen vragen."
            ),
        ],
        VerdachteVerhuurOfLeegstand => vec![
            format!(
                "Nieuwe huurder in de lege stal aan de {road}, ramen dichtgemaakt en camera's opgehangen."
            ),
            "Schuur staat al lang leeg maar er staat steeds een bestelbus bij.".into(),
            "Stroomverbruik van de verhuurde loods lijkt veel te hoog.".into(),
        ],
        Arbeidsuitbuiting => vec![
            format!("Veel arbeidsmigranten gehuisvest in een schuur aan de {road}."),
            "Mensen worden 's ochtends vroeg met busjes opgehaald, slechte huisvesting.".into(),
        ],
        Overig => vec![
            format!("Onbekende auto's rijden regelmatig het erf op aan de {road}."),
            "GPS-apparatuur uit trekker gestolen, verdachte personen in de buurt.".into(),
            "Hek van het erf opengebroken, sporen naar de loods.".into(),
        ],
    };
    r.pick(&opts).clone()
}
