//! The brute-force reference: `gebiedsscan-v1.md` transcribed as literally as
//! possible, O(n²), for the property tests. It shares no code with the
//! engine (not even the helper rules in `model`), so that a mistake in one
//! shows up as a difference. Not for production use.

use crate::model::{
    AddressResult, Klasse, Municipality, MunicipalityResult, ScanInput, ScanOutput, SquareResult,
};
use time::{Date, Month};

/// "Within R": `dx*dx + dy*dy <= R*R` in binary64.
fn within(x1: f64, y1: f64, x2: f64, y2: f64, r: f64) -> bool {
    let dx = x1 - x2;
    let dy = y1 - y2;
    dx * dx + dy * dy <= r * r
}

/// "The last N years": `peildatum - N years <= d < peildatum`, calendar
/// years, 29 February minus a year being 28 February.
fn in_last_years(d: Date, peildatum: Date, n: i32) -> bool {
    let year = peildatum.year() - n;
    let (month, mut day) = (peildatum.month(), peildatum.day());
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if month == Month::February && day == 29 && !leap {
        day = 28;
    }
    let Ok(start) = Date::from_calendar_date(year, month, day) else {
        return false;
    };
    start <= d && d < peildatum
}

/// `E{floor(x/500)*5:04}N{floor(y/500)*5:04}`.
fn square(x: f64, y: f64) -> String {
    let e = ((x / 500.0).floor() as i64).saturating_mul(5);
    let n = ((y / 500.0).floor() as i64).saturating_mul(5);
    format!("E{e:04}N{n:04}")
}

fn orient(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    robust::orient2d(
        robust::Coord { x: a[0], y: a[1] },
        robust::Coord { x: b[0], y: b[1] },
        robust::Coord { x: p[0], y: p[1] },
    )
}

/// The edges of a ring, closing it when its last point is not its first.
fn edges(ring: &[[f64; 2]]) -> Vec<([f64; 2], [f64; 2])> {
    let mut out = Vec::new();
    for i in 0..ring.len() {
        if i + 1 < ring.len() {
            out.push((ring[i], ring[i + 1]));
        } else if ring.len() == 1 || ring[i] != ring[0] {
            out.push((ring[i], ring[0]));
        }
    }
    out
}

/// The point lies on an edge of the ring (exact collinearity, within the
/// segment's box).
fn on_ring(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    edges(ring).into_iter().any(|(a, b)| {
        orient(a, b, p) == 0.0
            && a[0].min(b[0]) <= p[0]
            && p[0] <= a[0].max(b[0])
            && a[1].min(b[1]) <= p[1]
            && p[1] <= a[1].max(b[1])
    })
}

/// Even-odd rule: a ray from p towards +x crosses the ring an odd number of
/// times (for a point not on the ring).
fn inside_ring(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut odd = false;
    for (a, b) in edges(ring) {
        if (a[1] > p[1]) != (b[1] > p[1]) {
            // The crossing lies right of p when p is left of the upward edge.
            let o = orient(a, b, p);
            let right = if b[1] > a[1] { o > 0.0 } else { o < 0.0 };
            if right {
                odd = !odd;
            }
        }
    }
    odd
}

/// `ST_Covers(municipality, point)`: interior or boundary of some polygon.
fn covers(m: &Municipality, p: [f64; 2]) -> bool {
    m.polygons.iter().any(|rings| {
        if rings.is_empty() {
            return false;
        }
        if rings.iter().any(|r| on_ring(r, p)) {
            return true;
        }
        inside_ring(&rings[0], p) && !rings[1..].iter().any(|h| inside_ring(h, p))
    })
}

pub fn scan(input: &ScanInput, peildatum: Date) -> ScanOutput {
    let mut addresses = Vec::new();
    for a in &input.addresses {
        let mut n = 0u32;
        for b in &input.addresses {
            if within(a.x, a.y, b.x, b.y, 1000.0) {
                n += 1;
            }
        }
        let oad = n as f64 / std::f64::consts::PI;

        let mut incidents = 0u32;
        for i in &input.incidents {
            if in_last_years(i.datum, peildatum, 5) && within(a.x, a.y, i.x, i.y, 1000.0) {
                incidents += 1;
            }
        }
        let mut signals = 0u32;
        for s in &input.signals {
            if in_last_years(s.datum, peildatum, 2) && within(a.x, a.y, s.x, s.y, 500.0) {
                signals += 1;
            }
        }

        let mut nearest: Option<f64> = None;
        for b in &input.addresses {
            let dx = a.x - b.x;
            let dy = a.y - b.y;
            let d2 = dx * dx + dy * dy;
            if d2 > 1.0 && (nearest.is_none() || d2 < nearest.unwrap_or(f64::INFINITY)) {
                nearest = Some(d2);
            }
        }
        let isolatie_m = match nearest {
            Some(d2) => d2.sqrt(),
            None => 5000.0,
        };

        let mut stopped_farm = false;
        let mut any_active = false;
        for b in &input.businesses {
            if b.adres_id != a.id {
                continue;
            }
            if b.sbi.starts_with("01")
                && let Some(einde) = b.einde
                && in_last_years(einde, peildatum, 10)
            {
                stopped_farm = true;
            }
            let ended = match b.einde {
                None => false,
                Some(einde) => einde <= peildatum,
            };
            if b.start <= peildatum && !ended {
                any_active = true;
            }
        }
        let agrarisch_gestopt = stopped_farm && !any_active;

        let groot_bedrijfspand = a.oppervlakte >= 500
            && a.gebruiksdoel
                .split(';')
                .any(|d| d == "industriefunctie" || d == "overige gebruiksfunctie");
        let buiten_gebruik = a.status == "Verblijfsobject buiten gebruik";

        let one = |v: bool| if v { 1.0 } else { 0.0 };
        let score = 0.30 * (incidents.min(5) as f64) / 5.0
            + 0.15 * (signals.min(5) as f64) / 5.0
            + 0.15 * ((isolatie_m - 100.0) / 900.0).clamp(0.0, 1.0)
            + 0.20 * one(agrarisch_gestopt)
            + 0.10 * one(groot_bedrijfspand)
            + 0.10 * one(buiten_gebruik);
        let klasse = if score >= 0.5 {
            Klasse::Hoog
        } else if score >= 0.25 {
            Klasse::Midden
        } else {
            Klasse::Laag
        };
        addresses.push(AddressResult {
            id: a.id.clone(),
            oad,
            buitengebied: oad < 500.0,
            incidenten_1km_5j: incidents,
            signalen_500m_2j: signals,
            isolatie_m,
            agrarisch_gestopt,
            groot_bedrijfspand,
            buiten_gebruik,
            score,
            klasse,
        });
    }

    // Municipalities in statcode order (stable for equal codes).
    let mut sorted: Vec<&Municipality> = input.municipalities.iter().collect();
    sorted.sort_by(|a, b| a.statcode.cmp(&b.statcode));
    let mut municipalities = Vec::new();
    for (k, m) in sorted.iter().enumerate() {
        let (mut n, mut bg, mut h, mut mi, mut l, mut sum) = (0u64, 0u64, 0u64, 0u64, 0u64, 0.0);
        for (a, r) in input.addresses.iter().zip(&addresses) {
            if a.gemeente == m.statcode {
                n += 1;
                bg += u64::from(r.buitengebied);
                match r.klasse {
                    Klasse::Hoog => h += 1,
                    Klasse::Midden => mi += 1,
                    Klasse::Laag => l += 1,
                }
                sum += r.score;
            }
        }
        let mut incidents = 0u64;
        for i in &input.incidents {
            if !in_last_years(i.datum, peildatum, 5) {
                continue;
            }
            // It counts for the first covering municipality in statcode order.
            let first = sorted.iter().position(|o| covers(o, [i.x, i.y]));
            if first == Some(k) {
                incidents += 1;
            }
        }
        municipalities.push(MunicipalityResult {
            statcode: m.statcode.clone(),
            adressen: n,
            buitengebied: bg,
            hoog: h,
            midden: mi,
            laag: l,
            incidenten_5j: incidents,
            gemiddelde_score: if n == 0 { 0.0 } else { sum / n as f64 },
        });
    }

    let mut codes: Vec<String> = input.addresses.iter().map(|a| square(a.x, a.y)).collect();
    codes.sort();
    codes.dedup();
    let mut squares = Vec::new();
    for code in codes {
        let (mut n, mut bg, mut h, mut sum) = (0u64, 0u64, 0u64, 0.0);
        for (a, r) in input.addresses.iter().zip(&addresses) {
            if square(a.x, a.y) == code {
                n += 1;
                bg += u64::from(r.buitengebied);
                h += u64::from(r.klasse == Klasse::Hoog);
                sum += r.score;
            }
        }
        squares.push(SquareResult {
            vierkant: code,
            adressen: n,
            buitengebied: bg,
            hoog: h,
            gemiddelde_score: sum / n as f64,
        });
    }
    ScanOutput {
        addresses,
        municipalities,
        squares,
    }
}
