//! Unit and property tests of the scan against the spec.

use crate::model::*;
use crate::{io, reference, scan};
use proptest::prelude::*;
use time::macros::date;

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

fn square_mun(code: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Municipality {
    Municipality {
        statcode: code.into(),
        statnaam: code.into(),
        polygons: vec![vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]],
    }
}

#[test]
fn distances_exactly_at_the_radius_count() {
    let mut input = ScanInput {
        addresses: vec![
            addr("a", 100_000.0, 400_000.0),
            addr("b", 101_000.0, 400_000.0),
            addr("c", 101_000.5, 400_000.0),
        ],
        ..Default::default()
    };
    input.incidents.push(Incident {
        id: "i".into(),
        x: 100_000.0,
        y: 401_000.0,
        datum: date!(2024 - 01 - 01),
        soort: "drugslab".into(),
    });
    input.signals.push(Signal {
        id: "s".into(),
        x: 100_500.0,
        y: 400_000.0,
        datum: date!(2024 - 01 - 01),
        categorie: "x".into(),
    });
    let out = scan(&input, date!(2025 - 01 - 01));
    let a = &out.addresses[0];
    assert_eq!(
        a.oad,
        2.0 / std::f64::consts::PI,
        "a and b (exactly 1000 m) count, c does not"
    );
    assert_eq!(a.incidenten_1km_5j, 1);
    assert_eq!(a.signalen_500m_2j, 1);
    assert_eq!(out.addresses[2].signalen_500m_2j, 0);
    assert_eq!(out, reference::scan(&input, date!(2025 - 01 - 01)));
}

#[test]
fn isolation_skips_addresses_within_one_metre() {
    let input = ScanInput {
        addresses: vec![
            addr("a", 0.0, 300_000.0),
            addr("b", 1.0, 300_000.0),
            addr("c", 0.0, 300_300.0),
        ],
        ..Default::default()
    };
    let out = scan(&input, date!(2025 - 01 - 01));
    assert_eq!(
        out.addresses[0].isolatie_m, 300.0,
        "b at exactly 1.0 m is the same building"
    );
    let single = ScanInput {
        addresses: vec![addr("a", 0.0, 300_000.0), addr("b", 0.5, 300_000.0)],
        ..Default::default()
    };
    let out = scan(&single, date!(2025 - 01 - 01));
    assert_eq!(
        out.addresses[0].isolatie_m, 5000.0,
        "no qualifying address at all"
    );
    let far = ScanInput {
        addresses: vec![addr("a", 0.0, 300_000.0), addr("b", 0.0, 320_000.0)],
        ..Default::default()
    };
    assert_eq!(
        scan(&far, date!(2025 - 01 - 01)).addresses[0].isolatie_m,
        20_000.0,
        "5000 is not a cap"
    );
}

#[test]
fn windows_handle_leap_days() {
    assert_eq!(
        window_start(date!(2024 - 02 - 29), 5),
        date!(2019 - 02 - 28)
    );
    assert_eq!(
        window_start(date!(2024 - 02 - 29), 4),
        date!(2020 - 02 - 29)
    );
    assert!(in_last_years(
        date!(2019 - 02 - 28),
        date!(2024 - 02 - 29),
        5
    ));
    assert!(!in_last_years(
        date!(2019 - 02 - 27),
        date!(2024 - 02 - 29),
        5
    ));
    assert!(
        !in_last_years(date!(2024 - 02 - 29), date!(2024 - 02 - 29), 5),
        "the peildatum itself is excluded"
    );
}

#[test]
fn stopped_farms_need_no_active_business() {
    let b = |sbi: &str, start, einde| Business {
        kvk: "1".into(),
        adres_id: "a".into(),
        sbi: sbi.into(),
        start,
        einde,
    };
    let p = date!(2025 - 06 - 01);
    assert!(agrarisch_gestopt(
        [b(
            "0141",
            date!(1990 - 01 - 01),
            Some(date!(2020 - 01 - 01))
        )]
        .iter(),
        p
    ));
    assert!(
        !agrarisch_gestopt(
            [b(
                "0141",
                date!(1990 - 01 - 01),
                Some(date!(2014 - 01 - 01))
            )]
            .iter(),
            p
        ),
        "ended more than 10 years ago"
    );
    assert!(
        !agrarisch_gestopt(
            [
                b("0141", date!(1990 - 01 - 01), Some(date!(2020 - 01 - 01))),
                b("4120", date!(2021 - 01 - 01), None)
            ]
            .iter(),
            p
        ),
        "another business is active"
    );
    assert!(
        agrarisch_gestopt(
            [
                b("0141", date!(1990 - 01 - 01), Some(date!(2020 - 01 - 01))),
                b("4120", date!(2021 - 01 - 01), Some(p))
            ]
            .iter(),
            p
        ),
        "einde on the peildatum is not active"
    );
    assert!(
        !agrarisch_gestopt(
            [b(
                "4120",
                date!(1990 - 01 - 01),
                Some(date!(2020 - 01 - 01))
            )]
            .iter(),
            p
        ),
        "not agricultural"
    );
}

#[test]
fn business_buildings_and_status() {
    let mut a = addr("a", 0.0, 300_000.0);
    a.gebruiksdoel = "woonfunctie;industriefunctie".into();
    a.oppervlakte = 500;
    assert!(groot_bedrijfspand(&a));
    a.oppervlakte = 499;
    assert!(!groot_bedrijfspand(&a));
    a.oppervlakte = 800;
    a.gebruiksdoel = "overige gebruiksfunctie".into();
    assert!(groot_bedrijfspand(&a));
    a.gebruiksdoel = "industriefunctie extra".into();
    assert!(!groot_bedrijfspand(&a), "exact match only");
    a.status = "Verblijfsobject buiten gebruik".into();
    assert!(buiten_gebruik(&a));
}

#[test]
fn scores_and_classes_follow_the_formula() {
    let c = contributions(5, 5, 1000.0, true, true, true);
    assert!((score(c) - 1.0).abs() < 1e-12);
    assert_eq!(Klasse::of(0.5), Klasse::Hoog);
    assert_eq!(Klasse::of(0.25), Klasse::Midden);
    assert_eq!(Klasse::of(0.2499999), Klasse::Laag);
    assert_eq!(c[0], 0.30 * 5.0 / 5.0);
}

#[test]
fn square_codes() {
    assert_eq!(square_code(155_250.0, 463_100.0), "E1550N4630");
    assert_eq!(square_code(499.9, 500.0), "E0000N0005");
    assert_eq!(square_code(-0.1, 0.0), "E-005N0000");
}

#[test]
fn incidents_on_a_shared_border_count_once_for_the_smallest_code() {
    let input = ScanInput {
        addresses: vec![addr("a", 100.0, 300_100.0)],
        incidents: vec![
            Incident {
                id: "border".into(),
                x: 1000.0,
                y: 300_500.0,
                datum: date!(2024 - 01 - 01),
                soort: "opslag".into(),
            },
            Incident {
                id: "outside".into(),
                x: 5000.0,
                y: 300_500.0,
                datum: date!(2024 - 01 - 01),
                soort: "opslag".into(),
            },
            Incident {
                id: "old".into(),
                x: 500.0,
                y: 300_500.0,
                datum: date!(2010 - 01 - 01),
                soort: "opslag".into(),
            },
        ],
        municipalities: vec![
            square_mun("GM0002", 1000.0, 300_000.0, 2000.0, 301_000.0),
            square_mun("GM0001", 0.0, 300_000.0, 1000.0, 301_000.0),
            square_mun("GM0003", 9000.0, 300_000.0, 9100.0, 300_100.0),
        ],
        ..Default::default()
    };
    let out = scan(&input, date!(2025 - 01 - 01));
    let codes: Vec<_> = out
        .municipalities
        .iter()
        .map(|m| (m.statcode.as_str(), m.incidenten_5j, m.adressen))
        .collect();
    assert_eq!(
        codes,
        vec![("GM0001", 1, 1), ("GM0002", 0, 0), ("GM0003", 0, 0)]
    );
    assert_eq!(out.municipalities[2].gemiddelde_score, 0.0);
    assert_eq!(out, reference::scan(&input, date!(2025 - 01 - 01)));
}

#[test]
fn outputs_are_written_exactly() {
    let input = ScanInput {
        addresses: vec![addr("0000000000000001", 100_000.0, 400_000.0)],
        municipalities: vec![square_mun("GM0001", 0.0, 300_000.0, 200_000.0, 500_000.0)],
        ..Default::default()
    };
    let out = scan(&input, date!(2025 - 01 - 01));
    let dir = tempfile::tempdir().unwrap();
    io::write_output_dir(&out, dir.path()).unwrap();
    let a = std::fs::read_to_string(dir.path().join("adressen_scan.csv")).unwrap();
    assert_eq!(
        a,
        "id,oad,buitengebied,incidenten_1km_5j,signalen_500m_2j,isolatie_m,agrarisch_gestopt,groot_bedrijfspand,buiten_gebruik,score,klasse\n\
         0000000000000001,0.318309886,1,0,0,5000.000000000,0,0,0,0.150000000,laag\n"
    );
    let g = std::fs::read_to_string(dir.path().join("gemeenten_scan.csv")).unwrap();
    assert_eq!(
        g,
        "statcode,adressen,buitengebied,hoog,midden,laag,incidenten_5j,gemiddelde_score\nGM0001,1,1,0,0,1,0,0.150000000\n"
    );
    let v = std::fs::read_to_string(dir.path().join("vierkanten_scan.csv")).unwrap();
    assert_eq!(
        v,
        "vierkant,adressen,buitengebied,hoog,gemiddelde_score\nE1000N4000,1,1,0,0.150000000\n"
    );
}

fn write_inputs(dir: &std::path::Path, adressen: &[u8]) {
    std::fs::write(dir.join("adressen.csv"), adressen).unwrap();
    std::fs::write(dir.join("bedrijven.csv"), "kvk,adres_id,sbi,start,einde\n").unwrap();
    std::fs::write(dir.join("incidenten.csv"), "id,x,y,datum,soort\n").unwrap();
    std::fs::write(dir.join("signalen.csv"), "id,x,y,datum,categorie\n").unwrap();
    std::fs::write(
        dir.join("gemeenten.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .unwrap();
}

#[test]
fn bad_input_files_give_file_line_column_and_reason() {
    let header = "id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n";
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"id,x,y,gemeente,gebruiksdoel,oppervlakte,status\n".to_vec(), "missing column \"bouwjaar\""),
        (b"id;x;y;gemeente;gebruiksdoel;oppervlakte;bouwjaar;status\n".to_vec(), "wrong delimiter"),
        ([header.as_bytes(), b"1,100000,400000,GM0001,woonfunctie,10,1990,in gebruik\n2,100000,400000,GM0001,w\xe9,10,1990,x\n"].concat(), "line 3"),
        (format!("{header}1,abc,400000,GM0001,woonfunctie,10,1990,x\n").into_bytes(), "column x: \"abc\" is not a number"),
        (format!("{header}1,100000,400000,GM0001,woonfunctie,10,1990,x\n1,100001,400000,GM0001,woonfunctie,10,1990,x\n").into_bytes(), "line 3, column id: duplicate id"),
        (format!("{header}1,100000,40000,GM0001,woonfunctie,10,1990,x\n").into_bytes(), "outside the Netherlands"),
        (format!("{header}1,100000,400000,GM0001,woonfunctie,tien,1990,x\n").into_bytes(), "column oppervlakte"),
    ];
    for (content, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_inputs(dir.path(), &content);
        let err = io::read_input_dir(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("adressen.csv") && err.contains(expect),
            "{expect:?} not in {err:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path(), header.as_bytes());
    std::fs::write(
        dir.path().join("incidenten.csv"),
        "id,x,y,datum,soort\ni1,100000,400000,2024-02-30,opslag\n",
    )
    .unwrap();
    let err = io::read_input_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("incidenten.csv, line 2, column datum"),
        "{err}"
    );
}

fn arb_input() -> impl Strategy<Value = (ScanInput, time::Date)> {
    let coord = (0i32..12, 0i32..12).prop_map(|(a, b)| {
        (
            100_000.0 + f64::from(a) * 250.0,
            400_000.0 + f64::from(b) * 250.0,
        )
    });
    let day = (0i64..3000).prop_map(|d| date!(2016 - 01 - 01) + time::Duration::days(d));
    let addresses = prop::collection::vec(
        (coord.clone(), 0u8..4, 0u8..3, prop::bool::ANY, 0u8..2),
        0..60,
    );
    let incidents = prop::collection::vec((coord.clone(), day.clone()), 0..20);
    let signals = prop::collection::vec((coord, day.clone()), 0..20);
    let businesses = prop::collection::vec(
        (
            0usize..60,
            prop::bool::ANY,
            day.clone(),
            prop::option::of(day.clone()),
        ),
        0..30,
    );
    let peil = prop_oneof![
        Just(date!(2024 - 02 - 29)),
        Just(date!(2023 - 03 - 01)),
        day
    ];
    (addresses, incidents, signals, businesses, peil).prop_map(|(addrs, incs, sigs, bus, peil)| {
        let mut input = ScanInput::default();
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
                ][use_ as usize]
                    .into(),
                oppervlakte: if big { 700 } else { 100 },
                bouwjaar: 2000,
                status: if st == 1 {
                    "Verblijfsobject buiten gebruik".into()
                } else {
                    "Verblijfsobject in gebruik".into()
                },
            });
        }
        for (i, ((x, y), d)) in incs.into_iter().enumerate() {
            input.incidents.push(Incident {
                id: format!("I{i}"),
                x,
                y,
                datum: d,
                soort: "opslag".into(),
            });
        }
        for (i, ((x, y), d)) in sigs.into_iter().enumerate() {
            input.signals.push(Signal {
                id: format!("S{i}"),
                x,
                y,
                datum: d,
                categorie: "overig".into(),
            });
        }
        for (a, agri, start, einde) in bus {
            input.businesses.push(Business {
                kvk: "1".into(),
                adres_id: format!("A{a}"),
                sbi: if agri { "0141".into() } else { "4120".into() },
                start,
                einde,
            });
        }
        // Two municipalities sharing an edge on grid lines (so points fall on borders), one empty.
        input.municipalities.push(square_mun(
            "GM0002", 101_000.0, 400_000.0, 103_000.0, 403_000.0,
        ));
        input.municipalities.push(square_mun(
            "GM0001", 100_000.0, 400_000.0, 101_000.0, 403_000.0,
        ));
        input
            .municipalities
            .push(square_mun("GM0009", 0.0, 300_000.0, 10.0, 300_010.0));
        (input, peil)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn engine_equals_brute_force_reference((input, peil) in arb_input()) {
        let fast = scan(&input, peil);
        let slow = reference::scan(&input, peil);
        prop_assert_eq!(fast, slow);
    }
}

#[test]
fn engine_equals_reference_on_synthetic_towns_and_countryside() {
    for seed in [1, 2] {
        let input = crate::synth::generate(3000, seed);
        let p = date!(2026 - 06 - 30);
        assert_eq!(scan(&input, p), reference::scan(&input, p), "seed {seed}");
    }
}

#[test]
fn up_to_fifty_row_errors_are_reported_then_counted() {
    let mut content = String::from("id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n");
    for i in 0..70 {
        content.push_str(&format!("{i},bad,400000,GM0001,woonfunctie,10,1990,x\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path(), content.as_bytes());
    let err = io::read_input_dir(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("70 errors"), "{msg}");
    assert!(msg.contains("line 2, column x") && msg.contains("line 51, column x"));
    assert!(!msg.contains("line 52, column x"), "only 50 listed");
    assert!(msg.contains("and 20 more errors"));
    assert!(
        err.message_nl().contains("70 fouten") && err.message_nl().contains("regel 2, kolom x")
    );
}
