//! Deterministic synthetic national-scale input for benchmarks: clustered
//! towns and rural spread over the RD extent, with businesses, incidents,
//! signals and a grid of rectangular municipalities.

use crate::model::*;
use time::Date;

/// splitmix64: a small, fast, deterministic generator for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const X0: f64 = 13_000.0;
const X1: f64 = 278_000.0;
const Y0: f64 = 306_000.0;
const Y1: f64 = 620_000.0;

fn date(rng: &mut Rng, from_year: i32, years: i32) -> Date {
    let y = from_year + rng.below(years as u64) as i32;
    let ord = 1 + rng.below(365) as u16;
    Date::from_ordinal_date(y, ord).unwrap_or(Date::MIN)
}

/// `n` addresses: 70 % in towns (Gaussian clusters), 30 % spread rurally.
pub fn generate(n: usize, seed: u64) -> ScanInput {
    let mut rng = Rng(seed ^ 0x5eed);
    let towns: Vec<(f64, f64, f64)> = (0..(n / 5000).max(3))
        .map(|_| {
            (
                rng.range(X0 + 5000.0, X1 - 5000.0),
                rng.range(Y0 + 5000.0, Y1 - 5000.0),
                rng.range(300.0, 2500.0),
            )
        })
        .collect();
    let mut input = ScanInput::default();
    let cols = 20;
    let rows = 20;
    let (w, h) = ((X1 - X0) / cols as f64, (Y1 - Y0) / rows as f64);
    let code = |x: f64, y: f64| {
        let c = (((x - X0) / w).floor() as i64).clamp(0, cols - 1);
        let r = (((y - Y0) / h).floor() as i64).clamp(0, rows - 1);
        format!("GM{:04}", r * cols + c)
    };
    for i in 0..n {
        let (x, y) = if rng.unit() < 0.7 {
            let t = towns[rng.below(towns.len() as u64) as usize];
            // Box-Muller
            let (u1, u2) = (rng.unit().max(1e-12), rng.unit());
            let r = (-2.0 * u1.ln()).sqrt() * t.2;
            (
                (t.0 + r * (std::f64::consts::TAU * u2).cos()).clamp(X0, X1),
                (t.1 + r * (std::f64::consts::TAU * u2).sin()).clamp(Y0, Y1),
            )
        } else {
            (rng.range(X0, X1), rng.range(Y0, Y1))
        };
        let (x, y) = ((x * 1000.0).round() / 1000.0, (y * 1000.0).round() / 1000.0);
        let rural = rng.unit() < 0.3;
        let gebruiksdoel = if rural && rng.unit() < 0.4 {
            "industriefunctie"
        } else if rng.unit() < 0.05 {
            "woonfunctie;overige gebruiksfunctie"
        } else {
            "woonfunctie"
        };
        input.addresses.push(Address {
            id: format!("{:016}", 100_000_000_000_000u64 + i as u64),
            x,
            y,
            gemeente: code(x, y),
            gebruiksdoel: gebruiksdoel.into(),
            oppervlakte: if gebruiksdoel == "industriefunctie" {
                200 + rng.below(2000) as i64
            } else {
                60 + rng.below(200) as i64
            },
            bouwjaar: 1900 + rng.below(125) as i32,
            status: if rng.unit() < 0.02 {
                "Verblijfsobject buiten gebruik".into()
            } else {
                "Verblijfsobject in gebruik".into()
            },
        });
        if rng.unit() < 0.15 {
            let start = date(&mut rng, 1980, 40);
            let einde = (rng.unit() < 0.3).then(|| date(&mut rng, 2012, 14));
            input.businesses.push(Business {
                kvk: format!("{:08}", i),
                adres_id: input.addresses[i].id.clone(),
                sbi: if rng.unit() < 0.4 {
                    "0141".into()
                } else {
                    "4120".into()
                },
                start,
                einde,
            });
        }
    }
    for i in 0..n / 400 {
        let a = &input.addresses[rng.below(n as u64) as usize];
        let (x, y) = (
            a.x + rng.range(-300.0, 300.0),
            a.y + rng.range(-300.0, 300.0),
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
    for i in 0..n / 1000 {
        let a = &input.addresses[rng.below(n as u64) as usize];
        input.signals.push(Signal {
            id: format!("S{i}"),
            x: a.x + rng.range(-200.0, 200.0),
            y: a.y + rng.range(-200.0, 200.0),
            datum: date(&mut rng, 2023, 4),
            categorie: "overig".into(),
        });
    }
    for r in 0..rows {
        for c in 0..cols {
            let (x0, y0) = (X0 + c as f64 * w, Y0 + r as f64 * h);
            input.municipalities.push(Municipality {
                statcode: format!("GM{:04}", r * cols + c),
                statnaam: format!("Synthetisch {}", r * cols + c),
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
