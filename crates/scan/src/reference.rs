//! The brute-force reference: the spec transcribed as literally as possible,
//! O(n²), for the property tests. Not used in production.

use crate::model::*;
use time::Date;

pub fn scan(input: &ScanInput, peildatum: Date) -> ScanOutput {
    let within = |x1: f64, y1: f64, x2: f64, y2: f64, r: f64| {
        let dx = x1 - x2;
        let dy = y1 - y2;
        dx * dx + dy * dy <= r * r
    };
    let mut addresses = Vec::new();
    for a in &input.addresses {
        let n = input
            .addresses
            .iter()
            .filter(|b| within(a.x, a.y, b.x, b.y, 1000.0))
            .count() as u32;
        let oad = f64::from(n) / std::f64::consts::PI;
        let incidents = input
            .incidents
            .iter()
            .filter(|i| in_last_years(i.datum, peildatum, 5) && within(a.x, a.y, i.x, i.y, 1000.0))
            .count() as u32;
        let signals = input
            .signals
            .iter()
            .filter(|s| in_last_years(s.datum, peildatum, 2) && within(a.x, a.y, s.x, s.y, 500.0))
            .count() as u32;
        let mut best: Option<f64> = None;
        for b in &input.addresses {
            let dx = a.x - b.x;
            let dy = a.y - b.y;
            let d2 = dx * dx + dy * dy;
            if d2 > 1.0 && best.is_none_or(|x| d2 < x) {
                best = Some(d2);
            }
        }
        let isolatie_m = match best {
            Some(d2) => d2.sqrt(),
            None => 5000.0,
        };
        let here: Vec<&Business> = input
            .businesses
            .iter()
            .filter(|b| b.adres_id == a.id)
            .collect();
        let ag = agrarisch_gestopt(here.iter().copied(), peildatum);
        let gb = groot_bedrijfspand(a);
        let bg = buiten_gebruik(a);
        let s = 0.30 * f64::from(incidents.min(5)) / 5.0
            + 0.15 * f64::from(signals.min(5)) / 5.0
            + 0.15 * ((isolatie_m - 100.0) / 900.0).clamp(0.0, 1.0)
            + 0.20 * if ag { 1.0 } else { 0.0 }
            + 0.10 * if gb { 1.0 } else { 0.0 }
            + 0.10 * if bg { 1.0 } else { 0.0 };
        addresses.push(AddressResult {
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
            klasse: if s >= 0.5 {
                Klasse::Hoog
            } else if s >= 0.25 {
                Klasse::Midden
            } else {
                Klasse::Laag
            },
        });
    }

    let polys = municipality_polygons(&input.municipalities);
    let mut municipalities = Vec::new();
    let mut idx: Vec<usize> = (0..input.municipalities.len()).collect();
    idx.sort_by(|&a, &b| {
        input.municipalities[a]
            .statcode
            .cmp(&input.municipalities[b].statcode)
    });
    for &m in &idx {
        let code = &input.municipalities[m].statcode;
        let mine: Vec<&AddressResult> = input
            .addresses
            .iter()
            .zip(&addresses)
            .filter(|(a, _)| &a.gemeente == code)
            .map(|(_, r)| r)
            .collect();
        let mut incidents = 0u64;
        for inc in input
            .incidents
            .iter()
            .filter(|i| in_last_years(i.datum, peildatum, 5))
        {
            let pt = bz_geo::RdPoint { x: inc.x, y: inc.y };
            // The smallest statcode covering the point gets it.
            let owner = idx
                .iter()
                .find(|&&o| polys[o].as_ref().is_some_and(|p| p.covers(pt)));
            if owner == Some(&m) {
                incidents += 1;
            }
        }
        let mut sum = 0.0;
        for r in &mine {
            sum += r.score;
        }
        municipalities.push(MunicipalityResult {
            statcode: code.clone(),
            adressen: mine.len() as u64,
            buitengebied: mine.iter().filter(|r| r.buitengebied).count() as u64,
            hoog: mine.iter().filter(|r| r.klasse == Klasse::Hoog).count() as u64,
            midden: mine.iter().filter(|r| r.klasse == Klasse::Midden).count() as u64,
            laag: mine.iter().filter(|r| r.klasse == Klasse::Laag).count() as u64,
            incidenten_5j: incidents,
            gemiddelde_score: if mine.is_empty() {
                0.0
            } else {
                sum / mine.len() as f64
            },
        });
    }

    let mut codes: Vec<String> = input
        .addresses
        .iter()
        .map(|a| square_code(a.x, a.y))
        .collect();
    codes.sort();
    codes.dedup();
    let squares = codes
        .into_iter()
        .map(|code| {
            let mine: Vec<&AddressResult> = input
                .addresses
                .iter()
                .zip(&addresses)
                .filter(|(a, _)| square_code(a.x, a.y) == code)
                .map(|(_, r)| r)
                .collect();
            let mut sum = 0.0;
            for r in &mine {
                sum += r.score;
            }
            SquareResult {
                vierkant: code,
                adressen: mine.len() as u64,
                buitengebied: mine.iter().filter(|r| r.buitengebied).count() as u64,
                hoog: mine.iter().filter(|r| r.klasse == Klasse::Hoog).count() as u64,
                gemiddelde_score: sum / mine.len() as f64,
            }
        })
        .collect();
    ScanOutput {
        addresses,
        municipalities,
        squares,
    }
}
