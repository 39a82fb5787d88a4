//! Unit and property tests of the scan against `gebiedsscan-v1.md`.

use crate::engine::scan_with;
use crate::model::*;
use crate::{engine, io, reference, scan, synth};
use proptest::prelude::*;
use std::path::Path;
use time::Date;
use time::macros::date;

const BX: f64 = 100_000.0;
const BY: f64 = 400_000.0;

fn addr(id: &str, x: f64, y: f64) -> Address {
    Address {
        id: id.into(),
        x,
        y,
        gemeente: "GM0001".into(),
        gebruiksdoel: "woonfunctie".into(),
        oppervlakte: 100,
        bouwjaar: 1990,
        status: "Verblijfsobject in gebruik".into(),
    }
}

fn incident(id: &str, x: f64, y: f64, datum: Date) -> Incident {
    Incident {
        id: id.into(),
        x,
        y,
        datum,
        soort: "opslag".into(),
    }
}

fn signal(id: &str, x: f64, y: f64, datum: Date) -> Signal {
    Signal {
        id: id.into(),
        x,
        y,
        datum,
        categorie: "overig".into(),
    }
}

fn business(adres: &str, sbi: &str, start: Date, einde: Option<Date>) -> Business {
    Business {
        kvk: "12345678".into(),
        adres_id: adres.into(),
        sbi: sbi.into(),
        start,
        einde,
    }
}

fn rect(code: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Municipality {
    Municipality {
        statcode: code.into(),
        statnaam: code.into(),
        polygons: vec![vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]],
    }
}

/// The engine (with several row heights) and the reference, all equal.
fn check(input: &ScanInput, peil: Date) -> ScanOutput {
    let slow = reference::scan(input, peil);
    let fast = scan(input, peil);
    assert_eq!(fast, slow, "engine differs from the reference");
    for (h, s) in [(1.0, 3.0), (333.0, 77.0)] {
        assert_eq!(scan_with(input, peil, h, s).0, slow, "row heights {h}, {s}");
    }
    fast
}

fn only(addresses: Vec<Address>) -> ScanInput {
    ScanInput {
        addresses,
        ..Default::default()
    }
}

const PEIL: Date = date!(2025 - 01 - 01);

// ---------------------------------------------------------------- oad

#[test]
fn oad_counts_exactly_at_1000_m_and_itself() {
    let input = only(vec![
        addr("a", BX, BY),
        addr("b", BX + 1000.0, BY),        // exactly 1000 m: counts
        addr("c", BX + 600.0, BY + 800.0), // 3-4-5: exactly 1000 m
        addr("d", BX, BY - 1000.0001),     // just beyond
        addr("e", BX, BY),                 // same position: counts
    ]);
    let out = check(&input, PEIL);
    assert_eq!(out.addresses[0].oad, 4.0 / std::f64::consts::PI);
    // Every row counts whatever its status.
    let mut input = input;
    input.addresses[1].status = "Verblijfsobject buiten gebruik".into();
    assert_eq!(
        check(&input, PEIL).addresses[0].oad,
        4.0 / std::f64::consts::PI
    );
}

#[test]
fn buitengebied_is_oad_below_500() {
    // 1570 / π = 499.75 < 500; 1571 / π = 500.07.
    let many = |n: usize| only((0..n).map(|i| addr(&i.to_string(), BX, BY)).collect());
    let out = scan(&many(1570), PEIL);
    assert!(out.addresses[0].buitengebied);
    let out = scan(&many(1571), PEIL);
    assert!(!out.addresses[0].buitengebied);
    assert_eq!(out.squares[0].buitengebied, 0);
}

// ---------------------------------------------------------------- windows

#[test]
fn windows_subtract_calendar_years_and_exclude_the_peildatum() {
    assert_eq!(
        window_start(date!(2024 - 02 - 29), 5),
        date!(2019 - 02 - 28)
    );
    assert_eq!(
        window_start(date!(2024 - 02 - 29), 4),
        date!(2020 - 02 - 29)
    );
    assert_eq!(
        window_start(date!(2024 - 02 - 29), 10),
        date!(2014 - 02 - 28)
    );
    assert_eq!(
        window_start(date!(2025 - 03 - 01), 5),
        date!(2020 - 03 - 01)
    );
    assert_eq!(
        window_start(date!(2025 - 02 - 28), 1),
        date!(2024 - 02 - 28)
    );
    assert_eq!(
        window_start(date!(2028 - 02 - 29), 2),
        date!(2026 - 02 - 28)
    );
    assert_eq!(
        window_start(date!(2024 - 02 - 29), -1),
        date!(2025 - 02 - 28)
    );
    let p = date!(2024 - 02 - 29);
    assert!(in_last_years(date!(2019 - 02 - 28), p, 5));
    assert!(!in_last_years(date!(2019 - 02 - 27), p, 5));
    assert!(in_last_years(date!(2024 - 02 - 28), p, 5));
    assert!(!in_last_years(p, p, 5), "the peildatum itself is excluded");
    let p = date!(2025 - 03 - 01);
    assert!(in_last_years(date!(2020 - 03 - 01), p, 5));
    assert!(!in_last_years(date!(2020 - 02 - 29), p, 5));
}

#[test]
fn incidents_and_signals_by_distance_and_window() {
    let p = date!(2024 - 02 - 29);
    let input = ScanInput {
        addresses: vec![addr("a", BX, BY)],
        incidents: vec![
            incident("at-r", BX + 1000.0, BY, date!(2023 - 01 - 01)),
            incident("3-4-5", BX - 600.0, BY - 800.0, date!(2023 - 01 - 01)),
            incident("beyond", BX, BY + 1000.001, date!(2023 - 01 - 01)),
            incident("first-day", BX, BY, date!(2019 - 02 - 28)),
            incident("too-old", BX, BY, date!(2019 - 02 - 27)),
            incident("peildatum", BX, BY, p),
            incident("future", BX, BY, date!(2024 - 06 - 01)),
        ],
        signals: vec![
            signal("at-r", BX, BY + 500.0, date!(2023 - 01 - 01)),
            signal("3-4-5", BX + 300.0, BY + 400.0, date!(2023 - 01 - 01)),
            signal("beyond", BX + 500.001, BY, date!(2023 - 01 - 01)),
            signal("first-day", BX, BY, date!(2022 - 02 - 28)),
            signal("too-old", BX, BY, date!(2022 - 02 - 27)),
            signal("peildatum", BX, BY, p),
        ],
        ..Default::default()
    };
    let out = check(&input, p);
    assert_eq!(out.addresses[0].incidenten_1km_5j, 3);
    assert_eq!(out.addresses[0].signalen_500m_2j, 3);
}

// ---------------------------------------------------------------- isolation

#[test]
fn isolation_is_the_nearest_address_more_than_one_metre_away() {
    let out = check(
        &only(vec![
            addr("a", BX, BY),
            addr("b", BX + 1.0, BY),           // exactly 1.0 m: same building
            addr("c", BX, BY),                 // same position
            addr("d", BX + 300.0, BY + 400.0), // 500 m
            addr("e", BX - 0.5, BY + 0.5),     // within 1 m
        ]),
        PEIL,
    );
    assert_eq!(out.addresses[0].isolatie_m, 500.0);
    // d's nearest is b (299 m east, 400 m north), not a at exactly 500 m.
    assert_eq!(
        out.addresses[3].isolatie_m,
        (299.0f64 * 299.0 + 400.0 * 400.0).sqrt()
    );
    let just = check(
        &only(vec![addr("a", BX, BY), addr("b", BX + 1.000_000_1, BY)]),
        PEIL,
    );
    assert!(just.addresses[0].isolatie_m > 1.0 && just.addresses[0].isolatie_m < 1.000_001);
}

#[test]
fn isolation_is_5000_only_without_any_qualifying_address() {
    let out = check(
        &only(vec![addr("a", BX, BY), addr("b", BX + 0.5, BY)]),
        PEIL,
    );
    assert_eq!(out.addresses[0].isolatie_m, 5000.0);
    let out = check(&only(vec![addr("a", BX, BY)]), PEIL);
    assert_eq!(out.addresses[0].isolatie_m, 5000.0);
    // Far away is far away: 5000 is not a cap.
    let out = check(
        &only(vec![addr("a", BX, BY), addr("b", BX, BY + 20_000.0)]),
        PEIL,
    );
    assert_eq!(out.addresses[0].isolatie_m, 20_000.0);
    assert_eq!(out.addresses[0].terms()[2].3, 0.15);
}

// ---------------------------------------------------------------- businesses

#[test]
fn stopped_farms() {
    let p = date!(2025 - 06 - 01);
    let a = |bs: Vec<Business>| {
        let input = ScanInput {
            addresses: vec![addr("A", BX, BY), addr("B", BX + 5.0, BY)],
            businesses: bs,
            ..Default::default()
        };
        let got = check(&input, p).addresses[0].agrarisch_gestopt;
        let here: Vec<&Business> = input
            .businesses
            .iter()
            .filter(|b| b.adres_id == "A")
            .collect();
        assert_eq!(
            agrarisch_gestopt(here.iter().copied(), p),
            got,
            "model helper agrees"
        );
        got
    };
    let old = date!(1990 - 01 - 01);
    assert!(a(vec![business(
        "A",
        "0141",
        old,
        Some(date!(2020 - 01 - 01))
    )]));
    assert!(
        a(vec![business("A", "01", old, Some(date!(2015 - 06 - 01)))]),
        "first day of the window"
    );
    assert!(
        !a(vec![business(
            "A",
            "0141",
            old,
            Some(date!(2015 - 05 - 31))
        )]),
        "more than 10 years ago"
    );
    assert!(
        !a(vec![business("A", "0141", old, Some(p))]),
        "ended on the peildatum: not in the last 10 years"
    );
    assert!(
        !a(vec![business(
            "A",
            "1041",
            old,
            Some(date!(2020 - 01 - 01))
        )]),
        "not agricultural"
    );
    assert!(
        !a(vec![business(
            "B",
            "0141",
            old,
            Some(date!(2020 - 01 - 01))
        )]),
        "another address"
    );
    let stopped = business("A", "0141", old, Some(date!(2020 - 01 - 01)));
    assert!(
        !a(vec![
            stopped.clone(),
            business("A", "4120", date!(2021 - 01 - 01), None)
        ]),
        "active business"
    );
    assert!(
        !a(vec![stopped.clone(), business("A", "4120", p, None)]),
        "starting on the peildatum is active"
    );
    assert!(
        a(vec![
            stopped.clone(),
            business("A", "4120", date!(2025 - 06 - 02), None)
        ]),
        "not yet started"
    );
    assert!(
        a(vec![stopped.clone(), business("A", "4120", old, Some(p))]),
        "ending on the peildatum is not active"
    );
    assert!(
        !a(vec![
            stopped,
            business("A", "4120", old, Some(date!(2025 - 06 - 02)))
        ]),
        "ending after"
    );
}

#[test]
fn large_business_buildings_and_status() {
    let mut a = addr("a", BX, BY);
    a.gebruiksdoel = "woonfunctie;industriefunctie".into();
    a.oppervlakte = 500;
    assert!(groot_bedrijfspand(&a));
    a.oppervlakte = 499;
    assert!(!groot_bedrijfspand(&a));
    a.oppervlakte = 800;
    a.gebruiksdoel = "overige gebruiksfunctie".into();
    assert!(groot_bedrijfspand(&a));
    for other in [
        "industriefunctie extra",
        "woonfunctie; industriefunctie",
        "Industriefunctie",
        "",
    ] {
        a.gebruiksdoel = other.into();
        assert!(!groot_bedrijfspand(&a), "exact match only: {other:?}");
    }
    assert!(!buiten_gebruik(&a));
    a.status = "Verblijfsobject buiten gebruik".into();
    assert!(buiten_gebruik(&a));
    a.status = "verblijfsobject buiten gebruik".into();
    assert!(!buiten_gebruik(&a));
}

// ---------------------------------------------------------------- score

#[test]
fn score_terms_in_spec_order_and_classes() {
    for n in 0..8u32 {
        let c = contributions(n, n, 550.0, false, false, false);
        assert_eq!(c[0].to_bits(), (0.30 * f64::from(n.min(5)) / 5.0).to_bits());
        assert_eq!(c[1].to_bits(), (0.15 * f64::from(n.min(5)) / 5.0).to_bits());
    }
    let c = contributions(5, 5, 1000.0, true, true, true);
    assert_eq!(score(c), c[0] + c[1] + c[2] + c[3] + c[4] + c[5]);
    assert_eq!(score(c), 1.0);
    assert_eq!(contributions(0, 0, 100.0, false, false, false)[2], 0.0);
    assert_eq!(contributions(0, 0, 5000.0, false, false, false)[2], 0.15);
    assert_eq!(
        contributions(0, 0, 550.0, false, false, false)[2],
        0.15 * (450.0 / 900.0)
    );
    assert_eq!(Klasse::of(0.5), Klasse::Hoog);
    assert_eq!(Klasse::of(0.49999999999999994), Klasse::Midden);
    assert_eq!(Klasse::of(0.25), Klasse::Midden);
    assert_eq!(Klasse::of(0.24999999999999997), Klasse::Laag);
    assert_eq!(Klasse::Hoog.as_str(), "hoog");
    assert_eq!(Klasse::Midden.as_str(), "midden");
    assert_eq!(Klasse::Laag.as_str(), "laag");
}

#[test]
fn terms_explain_the_score_exactly() {
    let mut a = addr("a", BX, BY);
    a.oppervlakte = 900;
    a.gebruiksdoel = "industriefunctie".into();
    let input = ScanInput {
        addresses: vec![a, addr("b", BX + 640.0, BY)],
        incidents: vec![incident("i", BX, BY, date!(2024 - 01 - 01)); 3],
        ..Default::default()
    };
    let mut input = input;
    for (k, i) in input.incidents.iter_mut().enumerate() {
        i.id = format!("i{k}");
    }
    let out = check(&input, PEIL);
    let r = &out.addresses[0];
    let t = r.terms();
    let names: Vec<&str> = t.iter().map(|t| t.0).collect();
    assert_eq!(
        names,
        [
            "incidenten_1km_5j",
            "signalen_500m_2j",
            "isolatie_m",
            "agrarisch_gestopt",
            "groot_bedrijfspand",
            "buiten_gebruik"
        ]
    );
    assert_eq!((t[0].1, t[0].2, t[0].3), (3.0, 0.30, 0.30 * 3.0 / 5.0));
    assert_eq!((t[2].1, t[2].2), (640.0, 0.15));
    assert_eq!((t[4].1, t[4].3), (1.0, 0.10));
    let sum = t[0].3 + t[1].3 + t[2].3 + t[3].3 + t[4].3 + t[5].3;
    assert_eq!(sum.to_bits(), r.score.to_bits());
    assert!((t.iter().map(|t| t.2).sum::<f64>() - 1.0).abs() < 1e-12);
}

// ---------------------------------------------------------------- squares

#[test]
fn square_codes_follow_the_floor_formula() {
    assert_eq!(square_code(155_250.0, 463_100.0), "E1550N4630");
    assert_eq!(square_code(499.999, 0.0), "E0000N0000");
    assert_eq!(square_code(500.0, 500.0), "E0005N0005");
    assert_eq!(square_code(-0.1, -500.0), "E-005N-005");
    assert_eq!(square_code(-500.0, -500.1), "E-005N-010");
    assert_eq!(square_code(278_000.5, 619_999.9), "E2780N6195");
    assert_eq!(square_code(13_000.0, 306_000.0), "E0130N3060");
    assert_eq!(square_code(99_999.0, 0.0), "E0995N0000");
    assert_eq!(square_code(1_000_000.0, 0.0), "E10000N0000");
}

#[test]
fn squares_are_sorted_by_code_and_average_in_input_order() {
    let mut input = only(vec![
        addr("a", 155_250.0, 463_100.0),
        addr("b", 99_999.0, 463_100.0),
        addr("c", 155_499.0, 463_499.0),
        addr("d", 155_000.0, 463_000.0),
    ]);
    input.addresses[2].status = "Verblijfsobject buiten gebruik".into();
    let out = check(&input, PEIL);
    let codes: Vec<&str> = out.squares.iter().map(|s| s.vierkant.as_str()).collect();
    assert_eq!(codes, ["E0995N4630", "E1550N4630"]);
    assert_eq!(out.squares[1].adressen, 3);
    let r = &out.addresses;
    assert_eq!(
        out.squares[1].gemiddelde_score,
        (r[0].score + r[2].score + r[3].score) / 3.0
    );
}

// ---------------------------------------------------------------- municipalities

#[test]
fn incidents_count_once_for_the_smallest_covering_statcode() {
    let d = date!(2024 - 01 - 01);
    let input = ScanInput {
        addresses: vec![addr("a", BX + 100.0, BY + 100.0)],
        incidents: vec![
            incident("shared-edge", BX + 1000.0, BY + 500.0, d),
            incident("corner-of-four", BX + 1000.0, BY + 1000.0, d),
            incident("outside", BX + 5000.0, BY + 500.0, d),
            incident("old", BX + 500.0, BY + 500.0, date!(2010 - 01 - 01)),
            incident("in-hole", BX + 1500.0, BY + 1500.0, d),
            incident("on-hole-edge", BX + 1400.0, BY + 1500.0, d),
            incident("diagonal", BX + 3250.0, BY + 250.0, d),
            incident("island", BX + 9000.0, BY + 9000.0, d),
        ],
        municipalities: vec![
            rect("GM0002", BX + 1000.0, BY, BX + 2000.0, BY + 1000.0),
            rect("GM0001", BX, BY, BX + 1000.0, BY + 1000.0),
            Municipality {
                statcode: "GM0004".into(),
                statnaam: "with a hole".into(),
                polygons: vec![vec![
                    vec![
                        [BX, BY + 1000.0],
                        [BX + 2000.0, BY + 1000.0],
                        [BX + 2000.0, BY + 2000.0],
                        [BX, BY + 2000.0],
                    ],
                    vec![
                        [BX + 1400.0, BY + 1400.0],
                        [BX + 1600.0, BY + 1400.0],
                        [BX + 1600.0, BY + 1600.0],
                        [BX + 1400.0, BY + 1600.0],
                    ],
                ]],
            },
            Municipality {
                statcode: "GM0003".into(),
                statnaam: "triangle and island".into(),
                polygons: vec![
                    vec![vec![
                        [BX + 3000.0, BY],
                        [BX + 4000.0, BY + 1000.0],
                        [BX + 4000.0, BY],
                        [BX + 3000.0, BY],
                    ]],
                    vec![vec![
                        [BX + 8000.0, BY + 8000.0],
                        [BX + 9000.0, BY + 8000.0],
                        [BX + 9000.0, BY + 9000.0],
                    ]],
                ],
            },
            Municipality {
                statcode: "GM0009".into(),
                statnaam: "no geometry".into(),
                polygons: vec![],
            },
        ],
        ..Default::default()
    };
    let out = check(&input, PEIL);
    let got: Vec<(&str, u64, u64)> = out
        .municipalities
        .iter()
        .map(|m| (m.statcode.as_str(), m.incidenten_5j, m.adressen))
        .collect();
    assert_eq!(
        got,
        [
            ("GM0001", 2, 1),
            ("GM0002", 0, 0),
            ("GM0003", 2, 0),
            ("GM0004", 1, 0),
            ("GM0009", 0, 0)
        ]
    );
    assert_eq!(out.municipalities[1].gemiddelde_score, 0.0);
    // bz_geo's exact covers agrees on the slanted edge.
    let polys = municipality_polygons(&input.municipalities);
    let tri = polys[3].as_ref().expect("valid");
    assert!(tri.covers(bz_geo::RdPoint::new(BX + 3250.0, BY + 250.0)));
}

#[test]
fn municipality_aggregates_sum_scores_in_input_order() {
    // Scores whose sum depends on the order of addition.
    let mut addresses = Vec::new();
    for (i, (inc, big)) in [(1, false), (0, true), (3, false), (0, false), (2, true)]
        .iter()
        .enumerate()
    {
        let mut a = addr(&format!("a{i}"), BX + 100.0 * i as f64, BY);
        a.gemeente = if i == 3 {
            "GM9999".into()
        } else {
            "GM0001".into()
        };
        if *big {
            a.oppervlakte = 600;
            a.gebruiksdoel = "industriefunctie".into();
        }
        addresses.push((a, *inc));
    }
    let mut input = ScanInput::default();
    for (k, (a, inc)) in addresses.into_iter().enumerate() {
        for j in 0..inc {
            input.incidents.push(incident(
                &format!("i{k}{j}"),
                a.x,
                a.y - 1000.0,
                date!(2024 - 01 - 01),
            ));
        }
        input.addresses.push(a);
    }
    input
        .municipalities
        .push(rect("GM0001", 0.0, 0.0, 1.0, 1.0));
    let out = check(&input, PEIL);
    let m = &out.municipalities[0];
    let r = &out.addresses;
    assert_eq!(m.adressen, 4);
    let sum = r[0].score + r[1].score + r[2].score + r[4].score;
    assert_eq!(m.gemiddelde_score.to_bits(), (sum / 4.0).to_bits());
    assert_eq!(m.hoog + m.midden + m.laag, 4);
}

#[test]
fn nothing_in_nothing_out() {
    let out = check(&ScanInput::default(), PEIL);
    assert_eq!(out, ScanOutput::default());
    let out = check(
        &ScanInput {
            municipalities: vec![rect("GM0001", 0.0, 0.0, 1.0, 1.0)],
            ..Default::default()
        },
        PEIL,
    );
    assert_eq!(out.municipalities[0].adressen, 0);
    assert_eq!(out.municipalities[0].gemiddelde_score, 0.0);
}

#[test]
fn non_finite_positions_are_within_nothing() {
    let input = ScanInput {
        // (Infinite positions are outside the engine's contract; the
        // reader refuses every non-finite number.)
        addresses: vec![
            addr("a", f64::NAN, BY),
            addr("b", BX, BY),
            addr("c", BX, f64::NAN),
        ],
        incidents: vec![incident("i", f64::NAN, BY, date!(2024 - 01 - 01))],
        municipalities: vec![rect("GM0001", 0.0, 0.0, 1.0, 1.0)],
        ..Default::default()
    };
    let out = check(&input, PEIL);
    assert_eq!(out.addresses[0].oad, 0.0);
    assert_eq!(out.addresses[1].oad, 1.0 / std::f64::consts::PI);
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let input = synth::generate(4000, 7);
    let peil = date!(2026 - 06 - 30);
    let many = scan(&input, peil);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(|| scan(&input, peil));
    assert_eq!(one, many);
}

#[test]
fn engine_equals_reference_on_synthetic_towns_and_countryside() {
    assert_eq!(
        synth::generate(500, 3),
        synth::generate(500, 3),
        "deterministic"
    );
    for seed in [1, 2] {
        let input = synth::generate(3000, seed);
        check(&input, date!(2026 - 06 - 30));
    }
}

#[test]
fn bench_reports() {
    let r = crate::bench(3000, 1);
    assert_eq!(r.addresses, 3000);
    assert_eq!(r.hoog + r.midden + r.laag, 3000);
    assert!(r.positions <= 3000 && r.municipalities == 400);
}

// ---------------------------------------------------------------- output files

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("output file")
}

#[test]
fn output_files_are_written_exactly() {
    let mut input = ScanInput {
        addresses: vec![
            addr("0000000000000002", 100_000.0, 400_000.0),
            addr("0000000000000001", 100_000.0, 420_000.0),
        ],
        municipalities: vec![
            rect("GM0002", 0.0, 300_000.0, 200_000.0, 500_000.0),
            rect("GM0001", 0.0, 0.0, 1.0, 1.0),
        ],
        ..Default::default()
    };
    input.addresses[1].gemeente = "GM0002".into();
    input.addresses[0].gemeente = "GM0002".into();
    let out = check(&input, PEIL);
    let dir = tempfile::tempdir().expect("tempdir");
    io::write_output_dir(&out, dir.path()).expect("write");
    assert_eq!(
        read(dir.path(), "adressen_scan.csv"),
        "id,oad,buitengebied,incidenten_1km_5j,signalen_500m_2j,isolatie_m,agrarisch_gestopt,groot_bedrijfspand,buiten_gebruik,score,klasse\n\
         0000000000000002,0.318309886,1,0,0,20000.000000000,0,0,0,0.150000000,laag\n\
         0000000000000001,0.318309886,1,0,0,20000.000000000,0,0,0,0.150000000,laag\n"
    );
    assert_eq!(
        read(dir.path(), "gemeenten_scan.csv"),
        "statcode,adressen,buitengebied,hoog,midden,laag,incidenten_5j,gemiddelde_score\n\
         GM0001,0,0,0,0,0,0,0.000000000\n\
         GM0002,2,2,0,0,2,0,0.150000000\n"
    );
    assert_eq!(
        read(dir.path(), "vierkanten_scan.csv"),
        "vierkant,adressen,buitengebied,hoog,gemiddelde_score\n\
         E1000N4000,1,1,0,0.150000000\n\
         E1000N4200,1,1,0,0.150000000\n"
    );
}

#[test]
fn output_lines_round_to_nine_decimals_and_quote_odd_ids() {
    let r = AddressResult {
        id: "a,\"b\"".into(),
        oad: 1.0 / 3.0,
        buitengebied: true,
        incidenten_1km_5j: 7,
        signalen_500m_2j: 0,
        isolatie_m: 123.456_789_012_6,
        agrarisch_gestopt: true,
        groot_bedrijfspand: false,
        buiten_gebruik: true,
        score: 0.5,
        klasse: Klasse::Hoog,
    };
    assert_eq!(
        io::address_line(&r),
        "\"a,\"\"b\"\"\",0.333333333,1,7,0,123.456789013,1,0,1,0.500000000,hoog\n"
    );
}

// ---------------------------------------------------------------- input files

const ADDRESS_HEADER: &str = "id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n";

fn write_inputs(dir: &Path, adressen: &[u8]) {
    std::fs::write(dir.join("adressen.csv"), adressen).expect("write");
    std::fs::write(dir.join("bedrijven.csv"), "kvk,adres_id,sbi,start,einde\n").expect("write");
    std::fs::write(dir.join("incidenten.csv"), "id,x,y,datum,soort\n").expect("write");
    std::fs::write(dir.join("signalen.csv"), "id,x,y,datum,categorie\n").expect("write");
    std::fs::write(
        dir.join("gemeenten.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .expect("write");
}

fn input_error(dir: &Path) -> io::ScanError {
    match io::read_input_dir(dir) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn bad_addresses_give_file_line_column_and_reason() {
    let h = ADDRESS_HEADER;
    let good = "0000000000000001,100000,400000,GM0001,woonfunctie,10,1990,in gebruik\n";
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            b"id,x,y,gemeente,gebruiksdoel,oppervlakte,status\n".to_vec(),
            "adressen.csv, line 1, column bouwjaar: missing column",
            "regel 1, kolom bouwjaar: kolom ontbreekt",
        ),
        (
            b"id;x;y;gemeente;gebruiksdoel;oppervlakte;bouwjaar;status\n1;2;3;4;5;6;7;8\n".to_vec(),
            "adressen.csv, line 1, column -: wrong delimiter: the file uses ';'",
            "verkeerd scheidingsteken",
        ),
        (
            [
                h.as_bytes(),
                good.as_bytes(),
                b"2,100000,400000,GM0001,w\xe9nfunctie,10,1990,x\n",
            ]
            .concat(),
            "adressen.csv, line 3, column gebruiksdoel: not valid UTF-8",
            "regel 3, kolom gebruiksdoel: geen geldige UTF-8",
        ),
        (
            format!("{h}{good}2,1e5x,400000,GM0001,woonfunctie,10,1990,x\n").into_bytes(),
            "adressen.csv, line 3, column x: \"1e5x\" is not a number",
            "regel 3, kolom x: \"1e5x\" is geen getal",
        ),
        (
            format!("{h}1,NaN,400000,GM0001,woonfunctie,10,1990,x\n").into_bytes(),
            "line 2, column x: \"NaN\" is not a number",
            "kolom x",
        ),
        (
            format!("{h}{good}0000000000000001,100001,400000,GM0001,woonfunctie,10,1990,x\n")
                .into_bytes(),
            "adressen.csv, line 3, column id: duplicate id \"0000000000000001\" (first on line 2)",
            "regel 3, kolom id: dubbele id",
        ),
        (
            format!("{h}1,100000,40000,GM0001,woonfunctie,10,1990,x\n").into_bytes(),
            "line 2, column x,y: (100000, 40000) lies outside the Netherlands",
            "ligt buiten Nederland",
        ),
        (
            format!("{h}1,100000,400000,GM0001,woonfunctie,tien,1990,x\n").into_bytes(),
            "line 2, column oppervlakte: \"tien\" is not a whole number",
            "kolom oppervlakte: \"tien\" is geen geheel getal",
        ),
        (
            format!("{h}1,100000,400000,GM0001,woonfunctie,10,1990.5,x\n").into_bytes(),
            "line 2, column bouwjaar",
            "kolom bouwjaar",
        ),
        (
            format!("{h}1,100000,400000,GM0001,woonfunctie,10,1990\n").into_bytes(),
            "line 2, column -: 7 fields, the header has 8",
            "7 velden",
        ),
        (
            format!("{h},100000,400000,GM0001,woonfunctie,10,1990,x\n").into_bytes(),
            "line 2, column id: empty id",
            "lege id",
        ),
    ];
    for (content, en, nl) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        write_inputs(dir.path(), &content);
        let e = input_error(dir.path());
        assert!(e.to_string().contains(en), "{en:?} not in {e}");
        assert!(
            e.message_nl().contains(nl),
            "{nl:?} not in {}",
            e.message_nl()
        );
    }
}

#[test]
fn bad_other_files_give_file_line_column_and_reason() {
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "incidenten.csv",
            "id,x,y,datum,soort\ni1,100000,400000,2024-02-30,opslag\n",
            "incidenten.csv, line 2, column datum: \"2024-02-30\" is not a date YYYY-MM-DD",
        ),
        (
            "incidenten.csv",
            "id,x,y,datum,soort\ni1,100000,400000,2024-02-03,inbraak\n",
            "incidenten.csv, line 2, column soort: \"inbraak\" is not one of",
        ),
        (
            "incidenten.csv",
            "id,x,y,datum,soort\ni1,100000,400000,2024-02-03,opslag\ni1,100000,400000,2024-02-03,opslag\n",
            "incidenten.csv, line 3, column id: duplicate id",
        ),
        (
            "bedrijven.csv",
            "kvk,adres_id,sbi,start,einde\n1,0000000000000001,0141,2001-01-01,31-12-2020\n",
            "bedrijven.csv, line 2, column einde: \"31-12-2020\" is not a date",
        ),
        (
            "bedrijven.csv",
            "kvk,adres_id,sbi,start,einde\n1,0000000000000001,01.41,2001-01-01,\n",
            "bedrijven.csv, line 2, column sbi: \"01.41\" is not an SBI code",
        ),
        (
            "bedrijven.csv",
            "kvk,adres_id,sbi,einde\n",
            "bedrijven.csv, line 1, column start: missing column",
        ),
        (
            "signalen.csv",
            "id,x,y,datum,categorie\ns1,100000,4e5,2024-13-01,overlast\n",
            "signalen.csv, line 2, column datum",
        ),
        (
            "signalen.csv",
            "id,x,y,datum,categorie\ns1,100000,,2024-12-01,overlast\n",
            "signalen.csv, line 2, column y: \"\" is not a number",
        ),
        ("gemeenten.geojson", "{\"type\":", "gemeenten.geojson"),
    ];
    for (file, content, expect) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        write_inputs(dir.path(), ADDRESS_HEADER.as_bytes());
        std::fs::write(dir.path().join(file), content).expect("write");
        let e = input_error(dir.path()).to_string();
        assert!(e.contains(expect), "{expect:?} not in {e:?}");
    }
    // Every file is required.
    let dir = tempfile::tempdir().expect("tempdir");
    write_inputs(dir.path(), ADDRESS_HEADER.as_bytes());
    std::fs::remove_file(dir.path().join("signalen.csv")).expect("remove");
    let e = input_error(dir.path());
    assert!(e.to_string().contains("signalen.csv: cannot read"), "{e}");
    assert!(e.message_nl().contains("kan niet worden gelezen"));
}

#[test]
fn up_to_fifty_row_errors_are_reported_then_counted() {
    let mut content = String::from(ADDRESS_HEADER);
    for i in 0..70 {
        content.push_str(&format!("{i},bad,400000,GM0001,woonfunctie,10,1990,x\n"));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write_inputs(dir.path(), content.as_bytes());
    let err = input_error(dir.path());
    let msg = err.to_string();
    assert!(msg.contains("70 errors"), "{msg}");
    assert!(msg.contains("line 2, column x") && msg.contains("line 51, column x"));
    assert!(!msg.contains("line 52, column x"), "only 50 listed");
    assert!(msg.contains("and 20 more errors"));
    assert!(
        err.message_nl().contains("70 fouten") && err.message_nl().contains("regel 2, kolom x")
    );
}

#[test]
fn all_row_errors_of_a_file_are_reported_together() {
    let content = [
        ADDRESS_HEADER.as_bytes(),
        b"1,100000,400000,GM0001,woonfunctie,10,1990,x\n",
        b"2,100000,4e9,GM0001,woonfunctie,10,1990,x\n",
        b"2,100000,400000,GM0001,woonfunctie,10,1990,x\n",
        b"3,100000,400000,GM0001,w\xe9,10,1990,x\n",
        b"4,100000,400000,GM0001,woonfunctie,10\n",
        b"1,100000,400000,GM0001,woonfunctie,10,1990,x\n",
        b"5,100000,400000,GM0001,woonfunctie,10,1990,x\n",
    ]
    .concat();
    let dir = tempfile::tempdir().expect("tempdir");
    write_inputs(dir.path(), &content);
    let msg = input_error(dir.path()).to_string();
    for expect in [
        "5 errors",
        "line 3, column x,y: (100000, 4000000000) lies outside",
        "line 4, column id: duplicate id \"2\" (first on line 3)",
        "line 5, column gebruiksdoel: not valid UTF-8",
        "line 6, column -: 6 fields, the header has 8",
        "line 7, column id: duplicate id \"1\" (first on line 2)",
    ] {
        assert!(msg.contains(expect), "{expect:?} not in {msg}");
    }
    assert!(!msg.contains("line 8"), "{msg}");
    // One error: singular.
    write_inputs(
        dir.path(),
        format!("{ADDRESS_HEADER}1,x,400000,G,w,1,1,s\n").as_bytes(),
    );
    let e = input_error(dir.path());
    assert!(e.to_string().contains("adressen.csv: 1 error\n"), "{e}");
    assert!(e.message_nl().contains("adressen.csv: 1 fout\n"));
}

#[test]
fn run_dir_reads_scans_and_writes() {
    let input = synth::generate(1500, 11);
    let peil = date!(2026 - 06 - 30);
    let dir = tempfile::tempdir().expect("tempdir");
    let (inp, outp) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&inp).expect("mkdir");
    io::write_input_dir(&input, &inp).expect("write input");
    let read = io::read_input_dir(&inp).expect("read");
    assert_eq!(read, input, "the files hold exactly the input");
    let summary = io::run_dir(&inp, peil, &outp).expect("run");
    assert_eq!(summary.addresses, 1500);
    let expected = scan(&input, peil);
    let lines = read_lines(&outp, "adressen_scan.csv");
    assert_eq!(lines.len(), 1501);
    assert_eq!(
        lines[1],
        io::address_line(&expected.addresses[0]).trim_end()
    );
    assert_eq!(read_lines(&outp, "gemeenten_scan.csv").len(), 401);
    assert_eq!(
        read_lines(&outp, "vierkanten_scan.csv").len(),
        expected.squares.len() + 1
    );
}

#[test]
fn byte_order_mark_crlf_quotes_and_column_order_are_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_inputs(
        dir.path(),
        b"\xEF\xBB\xBFstatus,id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,extra\r\n\
          Verblijfsobject in gebruik,0000000000000001, 155000.25 ,463000,GM0001,\"woonfunctie;industriefunctie\",600,1990,x\r\n",
    );
    let input = io::read_input_dir(dir.path()).expect("read");
    let a = &input.addresses[0];
    assert_eq!(
        (a.id.as_str(), a.x, a.y),
        ("0000000000000001", 155_000.25, 463_000.0)
    );
    assert!(groot_bedrijfspand(a));
    assert_eq!(a.status, "Verblijfsobject in gebruik");
}

fn read_lines(dir: &Path, name: &str) -> Vec<String> {
    read(dir, name).lines().map(String::from).collect()
}

#[test]
fn real_cbs_boundaries_parse_and_assign_incidents() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/cbs/rd/gemeente_2026.geojson");
    if !path.exists() {
        eprintln!("skipped: {} not found", path.display());
        return;
    }
    let ms = io::read_municipalities(&path).expect("CBS boundaries");
    assert_eq!(ms.len(), 342);
    let mut rng = synth::Rng::new(5);
    let input = ScanInput {
        incidents: (0..300)
            .map(|i| {
                // Some exactly on a boundary vertex, the rest anywhere.
                let (x, y) = if i % 3 == 0 {
                    let m = &ms[rng.below(342) as usize];
                    let ring = &m.polygons[0][0];
                    let p = ring[rng.below(ring.len() as u64) as usize];
                    (p[0], p[1])
                } else {
                    (
                        rng.range(13_000.0, 278_000.0),
                        rng.range(306_000.0, 620_000.0),
                    )
                };
                incident(&format!("i{i}"), x, y, date!(2024 - 01 - 01))
            })
            .collect(),
        municipalities: ms,
        ..Default::default()
    };
    let out = check(&input, PEIL);
    let total: u64 = out.municipalities.iter().map(|m| m.incidenten_5j).sum();
    assert!((100..=300).contains(&total), "{total}");
}

// ---------------------------------------------------------------- properties

/// Positions on a 200 m grid plus small exact offsets, so that identical
/// positions, exact 1000 / 500 m distances (also 3-4-5) and exact 1.0 m
/// separations occur; now and then a far outlier.
fn position() -> impl Strategy<Value = (f64, f64)> {
    let offset = prop::sample::select(vec![0.0, 0.0, 0.0, 0.5, 1.0, -1.0, 0.25]);
    prop_oneof![
        10 => (0i32..12, 0i32..12, offset.clone(), offset).prop_map(|(a, b, ox, oy)| {
            (BX + f64::from(a) * 200.0 + ox, BY + f64::from(b) * 200.0 + oy)
        }),
        1 => (0i32..4, 0i32..4).prop_map(|(a, b)| (BX + 30_000.0 * f64::from(a), BY - 20_000.0 * f64::from(b))),
    ]
}

/// Dates near the windows' edges around the peildatum, and anywhere.
fn dates(peil: Date) -> impl Strategy<Value = Date> {
    prop_oneof![
        (prop::sample::select(vec![0, 2, 5, 10]), -2i64..=2)
            .prop_map(move |(n, d)| { window_start(peil, n) + time::Duration::days(d) }),
        (-4000i64..400).prop_map(move |d| peil + time::Duration::days(d)),
    ]
}

fn peildatum() -> impl Strategy<Value = Date> {
    prop_oneof![
        Just(date!(2024 - 02 - 29)),
        Just(date!(2024 - 03 - 01)),
        Just(date!(2025 - 02 - 28)),
        Just(date!(2025 - 03 - 01)),
        Just(date!(2028 - 02 - 29)),
        (0i64..4000).prop_map(|d| date!(2016 - 01 - 01) + time::Duration::days(d)),
    ]
}

/// Municipalities over the grid: two rectangles sharing an edge on grid
/// lines, a triangle whose slanted edge passes through grid points, a
/// square with a hole, a multipolygon, one without geometry; in random
/// input order.
fn municipalities() -> impl Strategy<Value = Vec<Municipality>> {
    let all = vec![
        rect("GM0002", BX + 1000.0, BY, BX + 2400.0, BY + 1200.0),
        rect("GM0001", BX, BY, BX + 1000.0, BY + 1200.0),
        Municipality {
            statcode: "GM0005".into(),
            statnaam: "driehoek".into(),
            polygons: vec![vec![vec![
                [BX, BY + 1200.0],
                [BX + 1600.0, BY + 2800.0],
                [BX + 1600.0, BY + 1200.0],
            ]]],
        },
        Municipality {
            statcode: "GM0003".into(),
            statnaam: "met gat".into(),
            polygons: vec![vec![
                vec![
                    [BX + 1000.0, BY + 1200.0],
                    [BX + 2400.0, BY + 1200.0],
                    [BX + 2400.0, BY + 2400.0],
                    [BX + 1000.0, BY + 2400.0],
                    [BX + 1000.0, BY + 1200.0],
                ],
                vec![
                    [BX + 1400.0, BY + 1600.0],
                    [BX + 1800.0, BY + 1600.0],
                    [BX + 1800.0, BY + 2000.0],
                    [BX + 1400.0, BY + 2000.0],
                ],
            ]],
        },
        Municipality {
            statcode: "GM0004".into(),
            statnaam: "eilanden".into(),
            polygons: vec![
                vec![vec![
                    [BX + 1400.0, BY + 1600.0],
                    [BX + 1800.0, BY + 1600.0],
                    [BX + 1800.0, BY + 2000.0],
                    [BX + 1400.0, BY + 2000.0],
                ]],
                vec![vec![
                    [BX - 200.0, BY - 200.0],
                    [BX + 2400.0, BY - 200.0],
                    [BX + 2400.0, BY],
                    [BX - 200.0, BY],
                ]],
            ],
        },
        Municipality {
            statcode: "GM0000".into(),
            statnaam: "leeg".into(),
            polygons: vec![],
        },
    ];
    Just(all).prop_shuffle()
}

fn arb_input() -> impl Strategy<Value = (ScanInput, Date)> {
    peildatum()
        .prop_flat_map(|peil| {
            let addresses =
                prop::collection::vec((position(), 0u8..7, 0u8..4, any::<bool>(), 0u8..4), 0..60);
            let incidents = prop::collection::vec((position(), dates(peil)), 0..25);
            let signals = prop::collection::vec((position(), dates(peil)), 0..25);
            let businesses = prop::collection::vec(
                (
                    0usize..64,
                    0u8..5,
                    dates(peil),
                    prop::option::of(dates(peil)),
                ),
                0..40,
            );
            (
                addresses,
                incidents,
                signals,
                businesses,
                municipalities(),
                Just(peil),
            )
        })
        .prop_map(|(addrs, incs, sigs, bus, municipalities, peil)| {
            let mut input = ScanInput {
                municipalities,
                ..Default::default()
            };
            for (i, ((x, y), g, use_, big, st)) in addrs.into_iter().enumerate() {
                input.addresses.push(Address {
                    id: format!("A{i}"),
                    x,
                    y,
                    gemeente: format!("GM000{g}"),
                    gebruiksdoel: [
                        "woonfunctie",
                        "industriefunctie",
                        "woonfunctie;overige gebruiksfunctie",
                        "winkelfunctie;industriefunctie ",
                    ][use_ as usize]
                        .into(),
                    oppervlakte: if big { 500 } else { 499 },
                    bouwjaar: 2000,
                    status: if st == 1 {
                        "Verblijfsobject buiten gebruik".into()
                    } else {
                        "Verblijfsobject in gebruik".into()
                    },
                });
            }
            for (i, ((x, y), d)) in incs.into_iter().enumerate() {
                input.incidents.push(incident(&format!("I{i}"), x, y, d));
            }
            for (i, ((x, y), d)) in sigs.into_iter().enumerate() {
                input.signals.push(signal(&format!("S{i}"), x, y, d));
            }
            for (a, sbi, start, einde) in bus {
                input.businesses.push(business(
                    &format!("A{a}"),
                    ["0141", "01", "4120", "1011", "0111"][sbi as usize],
                    start,
                    einde,
                ));
            }
            (input, peil)
        })
}

/// Exact for counts, booleans, classes and codes; floats within 1e-9 (the
/// engine is in fact bit-identical, which `check` asserts elsewhere).
fn close(fast: &ScanOutput, slow: &ScanOutput) -> Result<(), TestCaseError> {
    let near = |a: f64, b: f64| (a - b).abs() <= 1e-9 || a == b;
    prop_assert_eq!(fast.addresses.len(), slow.addresses.len());
    for (f, s) in fast.addresses.iter().zip(&slow.addresses) {
        prop_assert_eq!(&f.id, &s.id);
        prop_assert!(
            near(f.oad, s.oad) && near(f.isolatie_m, s.isolatie_m) && near(f.score, s.score),
            "{:?} vs {:?}",
            f,
            s
        );
        prop_assert_eq!(
            (
                f.buitengebied,
                f.incidenten_1km_5j,
                f.signalen_500m_2j,
                f.agrarisch_gestopt,
                f.groot_bedrijfspand,
                f.buiten_gebruik,
                f.klasse
            ),
            (
                s.buitengebied,
                s.incidenten_1km_5j,
                s.signalen_500m_2j,
                s.agrarisch_gestopt,
                s.groot_bedrijfspand,
                s.buiten_gebruik,
                s.klasse
            )
        );
    }
    prop_assert_eq!(fast.municipalities.len(), slow.municipalities.len());
    for (f, s) in fast.municipalities.iter().zip(&slow.municipalities) {
        prop_assert!(near(f.gemiddelde_score, s.gemiddelde_score));
        prop_assert_eq!(
            (
                &f.statcode,
                f.adressen,
                f.buitengebied,
                f.hoog,
                f.midden,
                f.laag,
                f.incidenten_5j
            ),
            (
                &s.statcode,
                s.adressen,
                s.buitengebied,
                s.hoog,
                s.midden,
                s.laag,
                s.incidenten_5j
            )
        );
    }
    prop_assert_eq!(fast.squares.len(), slow.squares.len());
    for (f, s) in fast.squares.iter().zip(&slow.squares) {
        prop_assert!(near(f.gemiddelde_score, s.gemiddelde_score));
        prop_assert_eq!(
            (&f.vierkant, f.adressen, f.buitengebied, f.hoog),
            (&s.vierkant, s.adressen, s.buitengebied, s.hoog)
        );
    }
    Ok(())
}

/// The engine's radius counts of `points` among themselves (rows of
/// height `h`) against counting every pair with the spec's expression.
fn same_as_brute_force(points: &[(f64, f64)], h: f64, r: f64) -> Result<(), TestCaseError> {
    let fast = engine::self_counts_of(points, h, r);
    let r2 = r * r;
    for (i, &(x, y)) in points.iter().enumerate() {
        let slow = points
            .iter()
            .filter(|&&(px, py)| (x - px) * (x - px) + (y - py) * (y - py) <= r2)
            .count() as u32;
        prop_assert_eq!(
            fast[i],
            slow,
            "point {} at ({}, {}), rows {} m, r {}",
            i,
            x,
            y,
            h,
            r
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn engine_equals_the_brute_force_reference(
        (input, peil) in arb_input(),
        rows in prop::sample::select(vec![(180.0, 1000.0), (1.0, 1.0), (7.0, 50.0), (200.0, 200.0), (1000.0, 3.0), (5000.0, 5000.0)]),
    ) {
        let slow = reference::scan(&input, peil);
        let (fast, _) = scan_with(&input, peil, rows.0, rows.1);
        close(&fast, &slow)?;
        // Bit for bit, in fact.
        prop_assert_eq!(&fast, &slow);
        prop_assert_eq!(&scan(&input, peil), &slow);
    }

    #[test]
    fn two_sided_radius_counts_equal_brute_force(
        points in prop::collection::vec(
            prop_oneof![
                4 => (0i32..40, 0i32..40, prop::sample::select(vec![0.0, 0.5, -0.25]))
                    .prop_map(|(a, b, o)| (f64::from(a) * 37.0 + o, f64::from(b) * 41.0 - o)),
                1 => (-3000.0f64..3000.0, -3000.0f64..3000.0),
            ],
            0..300,
        ),
        h in prop::sample::select(vec![0.5, 7.0, 50.0, 160.0, 1000.0, 9000.0]),
        r in prop::sample::select(vec![1.0, 37.0, 100.0, 500.0, 1000.0]),
    ) {
        same_as_brute_force(&points, h, r)?;
    }

    #[test]
    fn two_sided_radius_counts_are_exact_near_the_circle_far_from_the_origin(
        base in prop::sample::select(vec![(0.0, 0.0), (155_000.0, 463_000.0), (-500_000.0, 700_000.0)]),
        spread in any::<bool>(),
        centres in prop::collection::vec((0i32..20, 0i32..20), 1..12),
        around in prop::collection::vec((0.0f64..std::f64::consts::TAU, -3i32..=3, 0usize..12, any::<bool>()), 1..200),
        r in prop::sample::select(vec![1000.0, 500.0, 37.0]),
    ) {
        // Points on (or a hair off) circles of radius r around a few
        // centres, some rounded to the millimetre as real coordinates are;
        // optionally two far points, so the extent is national.
        let c: Vec<(f64, f64)> = centres
            .iter()
            .map(|&(a, b)| (base.0 + f64::from(a) * 97.0, base.1 + f64::from(b) * 89.0))
            .collect();
        let mut points = c.clone();
        for &(t, k, i, mm) in &around {
            let (cx, cy) = c[i % c.len()];
            let d = r + f64::from(k) * 1e-4;
            let (mut x, mut y) = (cx + d * t.cos(), cy + d * t.sin());
            if mm {
                x = (x * 1000.0).round() / 1000.0;
                y = (y * 1000.0).round() / 1000.0;
            }
            points.push((x, y));
        }
        // Exactly on the circle, in binary64 too.
        points.push((c[0].0 + r * 0.6, c[0].1 + r * 0.8));
        points.push((c[0].0 - r, c[0].1));
        if spread {
            points.push((base.0 - 200_000.0, base.1 - 210_000.0));
            points.push((base.0 + 190_000.0, base.1 + 200_000.0));
        }
        for h in [160.0, 1.0] {
            same_as_brute_force(&points, h, r)?;
        }
    }

    #[test]
    fn quick_decimal_parse_equals_str_parse(
        s in prop_oneof![
            "-?[0-9]{0,18}(\\.[0-9]{0,18})?",
            "[-+.0-9eE ]{0,12}",
            "[0-9]{1,7}\\.[0-9]{1,3}",
            ".{0,6}",
        ]
    ) {
        let fast = crate::read::parse_f64(&s).map(f64::to_bits).ok();
        let slow = s.parse::<f64>().map(f64::to_bits).ok();
        prop_assert_eq!(fast, slow, "{:?}", s);
    }

    #[test]
    fn bucketed_index_equals_sorted_index(
        points in prop::collection::vec(
            prop_oneof![
                6 => (0i32..30, 0i32..30, prop::sample::select(vec![0.0, 0.5, -0.0, -0.25]))
                    .prop_map(|(a, b, o)| (f64::from(a) * 13.0 + o, f64::from(b) * 17.0 - o)),
                2 => (-3000.0f64..3000.0, -3000.0f64..3000.0),
                1 => prop::sample::select(vec![(f64::NAN, 1.0), (1.0, f64::INFINITY), (-0.0, -0.0), (0.0, 0.0)]),
            ],
            0..300,
        ),
        h in prop::sample::select(vec![0.5, 7.0, 50.0, 160.0, 1000.0]),
    ) {
        prop_assert_eq!(engine::both_builds_agree(&points, h), Ok(()));
    }

    #[test]
    fn window_start_is_the_same_day_n_years_earlier(d in 0i64..60_000, n in 0i32..20) {
        let p = date!(1900 - 01 - 01) + time::Duration::days(d);
        let s = window_start(p, n);
        prop_assert_eq!(s.year(), p.year() - n);
        prop_assert_eq!(s.month(), p.month());
        let leap_day = p.month() == time::Month::February && p.day() == 29 && !time::util::is_leap_year(p.year() - n);
        prop_assert_eq!(s.day(), if leap_day { 28 } else { p.day() });
    }

    #[test]
    fn square_code_matches_integer_arithmetic(x in -2_000_000i64..2_000_000, y in 0i64..2_000_000) {
        // On integer decimetres floor(x/500) is exact integer division.
        let (xf, yf) = (x as f64 / 10.0, y as f64 / 10.0);
        let e = (x.div_euclid(5000)) * 5;
        let n = (y.div_euclid(5000)) * 5;
        prop_assert_eq!(square_code(xf, yf), format!("E{e:04}N{n:04}"));
    }
}

// ------------------------------------------------- parallel reader, formatting

/// The parallel reader's rows and columns, and the sequential reader's rows.
type BothWays = (
    Option<Vec<Address>>,
    Option<crate::columns::AddressColumns>,
    Result<Vec<Address>, io::ScanError>,
);

/// Read `bytes` as `adressen.csv` with the parallel reader in chunks of
/// `chunk` bytes (both sinks), and with the sequential reader.
fn read_both_ways(bytes: &[u8], chunk: usize) -> BothWays {
    use crate::read::{Rows, Source, read_parallel, read_sequential};
    const COLS: &[&str] = &[
        "id",
        "x",
        "y",
        "gemeente",
        "gebruiksdoel",
        "oppervlakte",
        "bouwjaar",
        "status",
    ];
    let build = |r: &crate::read::Rec| -> Result<Address, io::ScanError> {
        let (x, y) = r.point(1, 2)?;
        Ok(Address {
            id: r.get(0).to_string(),
            x,
            y,
            gemeente: r.get(3).to_string(),
            gebruiksdoel: r.get(4).to_string(),
            oppervlakte: r.int(5)?,
            bouwjaar: r.int(6)?,
            status: r.get(7).to_string(),
        })
    };
    let make = || Rows::new(build, |a: &Address| &a.id);
    let path = Path::new("adressen.csv");
    let src = Source::Mem(bytes);
    let rows = read_parallel(path, &src, COLS, true, chunk, &make).map(|r| r.rows);
    let cols = read_parallel(
        path,
        &src,
        COLS,
        true,
        chunk,
        &crate::columns::AddressColumns::default,
    );
    let seq = read_sequential(path, bytes, COLS, true, make()).map(|r| r.rows);
    (rows, cols, seq)
}

fn same_columns(c: &crate::columns::AddressColumns, rows: &[Address]) {
    let want = crate::columns::AddressColumns::of(rows);
    assert_eq!(c.ids, want.ids);
    assert_eq!(c.x, want.x);
    assert_eq!(c.y, want.y);
    assert_eq!(c.flags, want.flags);
    let codes = |c: &crate::columns::AddressColumns| -> Vec<String> {
        c.gemeente
            .iter()
            .map(|&g| c.gemeenten[g as usize].clone())
            .collect()
    };
    assert_eq!(codes(c), codes(&want));
}

#[test]
fn parallel_reader_equals_sequential_reader_at_any_chunk_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    io::write_input_dir(&synth::generate(700, 5), dir.path()).expect("write");
    let plain = std::fs::read(dir.path().join("adressen.csv")).expect("read");
    let text = String::from_utf8(plain.clone()).expect("utf8");
    // CRLF line ends, blank lines, a byte order mark, no final line end,
    // columns in another order with an extra one, spaces around values.
    let crlf = text.replace('\n', "\r\n");
    let blanks = text.replace("\n1000000000001", "\n\n\r\n1000000000001");
    let bom = format!("\u{feff}{}", text.trim_end());
    let mut reordered =
        String::from("status,extra, id ,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar\n");
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        reordered.push_str(&format!(
            "{},e, {} ,{},{} ,{},{},{},{}\n",
            f[7], f[0], f[1], f[2], f[3], f[4], f[5], f[6]
        ));
    }
    // Ids out of order (the duplicate check by hashes).
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let shuffled = lines.join("\n") + "\n";
    for content in [text.clone(), crlf, blanks, bom, reordered, shuffled] {
        let (_, _, seq) = read_both_ways(content.as_bytes(), 1 << 20);
        let seq = seq.expect("valid file");
        assert_eq!(seq.len(), 700);
        for chunk in [1, 2, 3, 7, 64, 89, 90, 91, 1000, 4096, 1 << 20] {
            let (rows, cols, _) = read_both_ways(content.as_bytes(), chunk);
            assert_eq!(rows.as_ref(), Some(&seq), "chunk {chunk}");
            same_columns(&cols.expect("columns"), &seq);
        }
    }
    // The public readers give the same as the sequential reader too.
    let input = io::read_input_dir(dir.path()).expect("read dir");
    let (_, _, seq) = read_both_ways(&plain, 1 << 20);
    assert_eq!(input.addresses, seq.expect("valid"));
}

#[test]
fn parallel_reader_leaves_every_error_to_the_sequential_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    io::write_input_dir(&synth::generate(300, 6), dir.path()).expect("write");
    let text = std::fs::read_to_string(dir.path().join("adressen.csv")).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    let with_line = |k: usize, new: &str| -> String {
        let mut l = lines.clone();
        l[k] = new;
        l.join("\n") + "\n"
    };
    let f: Vec<&str> = lines[200].split(',').collect();
    let bad_x = [f[0], "x", f[2], f[3], f[4], f[5], f[6], f[7]].join(",");
    let dup = lines[100].to_string();
    let short = f[..7].join(",");
    let g: Vec<&str> = lines[60].split(',').collect();
    let quoted = [g[0], g[1], g[2], g[3], "\"woonfunctie\"", g[5], g[6], g[7]].join(",");
    let lone_cr = format!("{}\r{}", g[..4].join(","), g[4..].join(","));
    let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
        (
            with_line(200, &bad_x).into_bytes(),
            Some("line 201, column x"),
        ),
        (
            with_line(250, &dup).into_bytes(),
            Some("line 251, column id: duplicate id"),
        ),
        (
            with_line(150, &short).into_bytes(),
            Some("line 151, column -: 7 fields"),
        ),
        (
            {
                let g: Vec<&str> = lines[120].split(',').collect();
                [
                    lines[..120].join("\n").as_bytes(),
                    b"\n",
                    g[..4].join(",").as_bytes(),
                    b",w\xe9,",
                    g[5..].join(",").as_bytes(),
                    b"\n",
                ]
                .concat()
            },
            Some("line 121, column gebruiksdoel: not valid UTF-8"),
        ),
        (
            with_line(
                40,
                &[""]
                    .iter()
                    .chain(&f[1..])
                    .copied()
                    .collect::<Vec<_>>()
                    .join(","),
            )
            .into_bytes(),
            Some("line 41, column id: empty id"),
        ),
        // Not for the parallel parser: quotes (valid), a lone CR (a record
        // end for the csv crate: two short records).
        (with_line(60, &quoted).into_bytes(), None),
        (
            with_line(60, &lone_cr).into_bytes(),
            Some("line 61, column -: 4 fields, the header has 8"),
        ),
    ];
    for (content, expect) in cases {
        let (_, _, seq) = read_both_ways(&content, 1 << 20);
        for chunk in [1, 5, 97, 4096, 1 << 20] {
            let (rows, cols, _) = read_both_ways(&content, chunk);
            assert!(rows.is_none() && cols.is_none(), "chunk {chunk}");
        }
        match (expect, &seq) {
            (Some(e), Err(err)) => assert!(err.to_string().contains(e), "{e:?} not in {err}"),
            (None, Ok(_)) => {}
            (e, r) => panic!("{e:?}: {r:?}"),
        }
        // The public reader reports the same error.
        std::fs::write(dir.path().join("adressen.csv"), &content).expect("write");
        match (io::read_addresses(&dir.path().join("adressen.csv")), seq) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(
                a.to_string()
                    .replace(&format!("{}/", dir.path().display()), ""),
                b.to_string()
            ),
            (a, b) => panic!("{a:?} vs {b:?}"),
        }
    }
}

#[test]
fn fixed_nine_decimals_equal_rust_formatting() {
    let check = |v: f64| {
        let mut s = String::new();
        io::push_fixed9(&mut s, v);
        assert_eq!(s, format!("{v:.9}"), "{v:e}");
    };
    // Ties (exact binary fractions at the 10th decimal) and edges.
    for v in [
        0.0,
        -0.0,
        1907.3486328125,
        0.0000000005,
        0.0000000015,
        0.9999999995,
        0.99999999949999,
        5000.0,
        1.0 / 3.0,
        0.15,
        0.5,
        f64::MIN_POSITIVE,
        5e-324,
        9.0e15,
        1e300,
        -1.5,
        f64::NAN,
        f64::INFINITY,
    ] {
        check(v);
    }
    for k in 0..2000u64 {
        // Multiples of 2^-10: many are ties at the 9th decimal.
        check(k as f64 * 1907.3486328125 / 1024.0);
    }
    let mut rng = synth::Rng::new(3);
    for _ in 0..200_000 {
        check(f64::from_bits(rng.next_u64() >> 2));
        check(rng.unit() * 20_000.0);
        check(f64::from(rng.below(200_000) as u32) / std::f64::consts::PI);
    }
}

#[test]
fn column_path_writes_the_same_bytes_as_the_model_path() {
    let input = synth::generate(3000, 12);
    let peil = date!(2026 - 06 - 30);
    let dir = tempfile::tempdir().expect("tempdir");
    let inp = dir.path().join("in");
    io::write_input_dir(&input, &inp).expect("write input");
    let model = dir.path().join("model");
    io::write_output_dir(&scan(&input, peil), &model).expect("write");
    let cols = dir.path().join("cols");
    io::run_dir(&inp, peil, &cols).expect("run");
    for f in [
        "adressen_scan.csv",
        "gemeenten_scan.csv",
        "vierkanten_scan.csv",
    ] {
        assert_eq!(read(&model, f), read(&cols, f), "{f}");
    }
}

#[test]
fn the_index_sort_key_gives_back_every_coordinate_bit_for_bit() {
    let check = |v: f64| {
        let back = engine::unord(engine::ord(v));
        assert_eq!(back.to_bits(), v.to_bits(), "{v:e}");
    };
    for v in [
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::MIN_POSITIVE,
        -5e-324,
        1e300,
        -1e300,
    ] {
        check(v);
    }
    let mut rng = synth::Rng::new(5);
    for _ in 0..100_000 {
        let v = f64::from_bits(rng.next_u64());
        if v.is_finite() {
            check(v);
        }
    }
    // And the order is that of `total_cmp`.
    let (a, b) = (-2.5f64, 300_000.0f64);
    assert!(engine::ord(a) < engine::ord(-0.0));
    assert!(engine::ord(-0.0) < engine::ord(0.0));
    assert!(engine::ord(0.0) < engine::ord(b));
}

#[test]
fn stopped_farms_are_marked_the_same_with_ascending_and_unordered_ids() {
    let stopped: engine::FxSet<&str> = ["0003", "0010", "0042", "9999"].into_iter().collect();
    let naive = |ids: &[&str]| -> Vec<bool> { ids.iter().map(|i| stopped.contains(i)).collect() };
    let ascending: Vec<String> = (0..50).map(|i| format!("{i:04}")).collect();
    let mut unordered = ascending.clone();
    unordered.swap(3, 40);
    for ids in [ascending, unordered] {
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut strs = crate::columns::Strs::default();
        for id in &refs {
            strs.push(id);
        }
        let marks = engine::stopped_marks(&strs, &stopped);
        assert_eq!(marks, naive(&refs), "{refs:?}");
        assert_eq!(marks.iter().filter(|&&m| m).count(), 3);
    }
    let none: engine::FxSet<&str> = Default::default();
    assert!(engine::stopped_marks(&crate::columns::Strs::default(), &none).is_empty());
}
