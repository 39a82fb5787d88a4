//! Deterministic synthetic national-like input for benchmarks and tests.
//!
//! [`generate`]`(n, seed)` makes `n` addresses over the RD extent of the
//! Netherlands (x 13000..278000, y 306000..620000):
//! * 80 % in towns whose sizes follow a Pareto law (a few cities of several
//!   hundred thousand addresses, many villages), each a Gaussian cluster
//!   whose core density grows with its size (villages ~1500, large cities
//!   ~13000 addresses per km², like CBS's omgevingsadressendichtheid);
//!   a quarter of town addresses are flats: 2..40 addresses at one position,
//!   some of them a few decimetres apart (same building);
//! * 20 % spread over the countryside, many with a farm business;
//! * businesses at ~15 % of addresses (agricultural ones partly stopped),
//!   incidents (n/400) and signals (n/200) near addresses, dated around the
//!   bench peildatum 2026-06-30;
//! * a 20 × 20 grid of rectangular municipalities over the extent, each
//!   address carrying the code of the rectangle it lies in.
//!
//! The generator is a small splitmix64, so no `rand` dependency is needed.

use crate::model::*;
use time::Date;

/// splitmix64: a small, fast, deterministic generator for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x005e_ed0f_b0e7_e2c1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    /// A standard normal pair (Box–Muller).
    pub fn normal2(&mut self) -> (f64, f64) {
        let (u1, u2) = (self.unit().max(1e-300), self.unit());
        let r = (-2.0 * u1.ln()).sqrt();
        let t = std::f64::consts::TAU * u2;
        (r * t.cos(), r * t.sin())
    }
}

pub const X0: f64 = 13_000.0;
pub const X1: f64 = 278_000.0;
pub const Y0: f64 = 306_000.0;
pub const Y1: f64 = 620_000.0;
const COLS: i64 = 20;
const ROWS: i64 = 20;

fn date(rng: &mut Rng, from_year: i32, years: i32) -> Date {
    let y = from_year + rng.below(years.max(1) as u64) as i32;
    let ord = 1 + rng.below(365) as u16;
    Date::from_ordinal_date(y, ord).unwrap_or(Date::MIN)
}

fn mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The code of the synthetic municipality holding (x, y).
pub fn municipality_code(x: f64, y: f64) -> String {
    let (w, h) = ((X1 - X0) / COLS as f64, (Y1 - Y0) / ROWS as f64);
    let c = (((x - X0) / w).floor() as i64).clamp(0, COLS - 1);
    let r = (((y - Y0) / h).floor() as i64).clamp(0, ROWS - 1);
    format!("GM{:04}", r * COLS + c)
}

struct Town {
    x: f64,
    y: f64,
    sigma: f64,
    size: usize,
}

/// Town sizes (Pareto, α = 1.1, 300 ..= n/15) until 80 % of `n` is placed.
fn towns(n: usize, rng: &mut Rng) -> Vec<Town> {
    let target = n * 8 / 10;
    let max = (n / 15).max(300) as f64;
    let mut out = Vec::new();
    let mut placed = 0;
    while placed < target {
        let u = rng.unit();
        let size = (300.0 / (1.0 - u).max(1e-12).powf(1.0 / 1.1)).min(max) as usize;
        let size = size.min(target - placed).max(1);
        // Core density (addresses/km²) grows with size; sigma follows.
        let density = 1500.0 + 11_500.0 * (size as f64 / 500_000.0).sqrt().min(1.0);
        let sigma = (size as f64 / (std::f64::consts::TAU * density)).sqrt() * 1000.0;
        out.push(Town {
            x: rng.range(X0 + 3.0 * sigma, X1 - 3.0 * sigma),
            y: rng.range(Y0 + 3.0 * sigma, Y1 - 3.0 * sigma),
            sigma,
            size,
        });
        placed += size;
    }
    out
}

fn address(i: usize, x: f64, y: f64, rural: bool, rng: &mut Rng) -> Address {
    let gebruiksdoel = if rural && rng.unit() < 0.25 {
        "industriefunctie"
    } else if rng.unit() < 0.04 {
        "woonfunctie;overige gebruiksfunctie"
    } else if rng.unit() < 0.05 {
        "winkelfunctie"
    } else {
        "woonfunctie"
    };
    Address {
        id: format!("{:016}", 100_000_000_000_000u64 + i as u64),
        x,
        y,
        gemeente: municipality_code(x, y),
        gebruiksdoel: gebruiksdoel.into(),
        oppervlakte: if gebruiksdoel == "woonfunctie" {
            40 + rng.below(220) as i64
        } else {
            100 + rng.below(2500) as i64
        },
        bouwjaar: 1850 + rng.below(176) as i32,
        status: if rng.unit() < 0.015 {
            "Verblijfsobject buiten gebruik".into()
        } else {
            "Verblijfsobject in gebruik".into()
        },
    }
}

/// `n` synthetic addresses and everything around them (deterministic).
pub fn generate(n: usize, seed: u64) -> ScanInput {
    let mut rng = Rng::new(seed);
    let mut input = ScanInput {
        addresses: Vec::with_capacity(n),
        ..Default::default()
    };
    let mut farms: Vec<usize> = Vec::new();
    for t in towns(n, &mut rng) {
        let mut left = t.size;
        while left > 0 {
            let (gx, gy) = rng.normal2();
            let (x, y) = (
                mm((t.x + gx * t.sigma).clamp(X0, X1)),
                mm((t.y + gy * t.sigma).clamp(Y0, Y1)),
            );
            // A quarter are flats: several addresses at one position, some
            // a few decimetres apart.
            let units = if rng.unit() < 0.016 {
                (2 + rng.below(39) as usize).min(left)
            } else {
                1
            };
            let spread = rng.unit() < 0.1;
            for u in 0..units {
                let (ux, uy) = if spread && u > 0 {
                    (mm(x + rng.range(-0.4, 0.4)), mm(y + rng.range(-0.4, 0.4)))
                } else {
                    (x, y)
                };
                let i = input.addresses.len();
                let a = address(i, ux, uy, false, &mut rng);
                input.addresses.push(a);
            }
            left -= units;
        }
    }
    while input.addresses.len() < n {
        let (x, y) = (mm(rng.range(X0, X1)), mm(rng.range(Y0, Y1)));
        let i = input.addresses.len();
        let a = address(i, x, y, true, &mut rng);
        input.addresses.push(a);
        if rng.unit() < 0.3 {
            farms.push(i);
        }
    }
    // Businesses: farms in the countryside (some stopped), others anywhere.
    for &i in &farms {
        let einde = (rng.unit() < 0.35).then(|| date(&mut rng, 2012, 15));
        input.businesses.push(Business {
            kvk: format!("{:012}", input.businesses.len()),
            adres_id: input.addresses[i].id.clone(),
            sbi: ["0111", "0141", "0146", "0113"][rng.below(4) as usize].into(),
            start: date(&mut rng, 1970, 40),
            einde,
        });
    }
    for _ in 0..n / 8 {
        let i = rng.below(n as u64) as usize;
        let start = date(&mut rng, 1980, 46);
        let einde = (rng.unit() < 0.25).then(|| date(&mut rng, 2010, 17));
        input.businesses.push(Business {
            kvk: format!("{:012}", input.businesses.len()),
            adres_id: input.addresses[i].id.clone(),
            sbi: ["4120", "4711", "6201", "5610", "0141"][rng.below(5) as usize].into(),
            start,
            einde: einde.filter(|e| *e >= start),
        });
    }
    for i in 0..n / 400 {
        let a = &input.addresses[rng.below(n as u64) as usize];
        let (x, y) = (
            mm(a.x + rng.range(-300.0, 300.0)),
            mm(a.y + rng.range(-300.0, 300.0)),
        );
        let soort = ["hennepkwekerij", "drugslab", "drugsafval", "opslag"][rng.below(4) as usize];
        input.incidents.push(Incident {
            id: format!("I{i}"),
            x,
            y,
            datum: date(&mut rng, 2019, 8),
            soort: soort.into(),
        });
    }
    for i in 0..n / 200 {
        let a = &input.addresses[rng.below(n as u64) as usize];
        input.signals.push(Signal {
            id: format!("S{i}"),
            x: mm(a.x + rng.range(-200.0, 200.0)),
            y: mm(a.y + rng.range(-200.0, 200.0)),
            datum: date(&mut rng, 2023, 4),
            categorie: "overig".into(),
        });
    }
    let (w, h) = ((X1 - X0) / COLS as f64, (Y1 - Y0) / ROWS as f64);
    for r in 0..ROWS {
        for c in 0..COLS {
            let (x0, y0) = (X0 + c as f64 * w, Y0 + r as f64 * h);
            input.municipalities.push(Municipality {
                statcode: format!("GM{:04}", r * COLS + c),
                statnaam: format!("Synthetisch {}", r * COLS + c),
                polygons: vec![vec![vec![
                    [x0, y0],
                    [x0 + w, y0],
                    [x0 + w, y0 + h],
                    [x0, y0 + h],
                    [x0, y0],
                ]]],
            });
        }
    }
    input
}
