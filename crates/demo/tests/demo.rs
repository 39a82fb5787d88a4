//! Properties of the generated demo municipality.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use bz_demo::{
    Bron, DemoData, IncidentSoort, MUNICIPALITY_CODE, generate, write_scan_input, years_before,
};
use bz_geo::{ParseOptions, RdPoint, parse_municipalities_geojson};
use time::Date;
use time::macros::date;

const SEED: u64 = 20260301;
const REF: Date = date!(2026 - 03 - 01);

fn demo() -> &'static DemoData {
    static D: OnceLock<DemoData> = OnceLock::new();
    D.get_or_init(|| {
        let t = Instant::now();
        let d = generate(SEED, REF);
        eprintln!(
            "generate({SEED}, {REF}) took {:?}: {} addresses, {} businesses, {} incidents, {} signals",
            t.elapsed(),
            d.addresses.len(),
            d.businesses.len(),
            d.incidents.len(),
            d.signals.len()
        );
        d
    })
}

#[test]
fn timing() {
    // A print, not an assertion: the demo command must stay well under 10 s.
    for seed in [1, 2, 3] {
        let t = Instant::now();
        let d = generate(seed, REF);
        println!(
            "generate({seed}) took {:?} for {} addresses",
            t.elapsed(),
            d.addresses.len()
        );
    }
}

#[test]
fn deterministic_for_seed_and_date() {
    let a = demo();
    let b = generate(SEED, REF);
    assert_eq!(a.municipality.boundary, b.municipality.boundary);
    assert_eq!(a.addresses, b.addresses);
    assert_eq!(a.businesses, b.businesses);
    assert_eq!(a.incidents, b.incidents);
    assert_eq!(a.signals, b.signals);

    let c = generate(SEED + 1, REF);
    assert_ne!(a.municipality.boundary, c.municipality.boundary);
    assert_ne!(a.addresses, c.addresses);
    assert_ne!(a.incidents, c.incidents);
}

#[test]
fn geography_does_not_depend_on_the_reference_date() {
    let a = demo();
    let b = generate(SEED, date!(2024 - 02 - 29));
    assert_eq!(a.municipality.boundary, b.municipality.boundary);
    assert_eq!(a.addresses.len(), b.addresses.len());
    for (x, y) in a.addresses.iter().zip(&b.addresses) {
        assert_eq!(
            (&x.id, x.x, x.y, &x.straat, x.huisnummer),
            (&y.id, y.x, y.y, &y.straat, y.huisnummer)
        );
    }
    // Dates follow the reference date.
    assert!(b.incidents.iter().all(|i| i.datum < date!(2024 - 02 - 29)));
}

#[test]
fn municipality_shape_and_kernen() {
    let m = &demo().municipality;
    assert_eq!(m.code, MUNICIPALITY_CODE);
    assert_eq!(m.code, "GM9901");
    let area_km2 = m.boundary.area() / 1e6;
    assert!((150.0..=250.0).contains(&area_km2), "{area_km2} km²");
    let bb = m.boundary.bbox();
    // Not a rectangle: many vertices and well below its box's area.
    assert!(m.boundary.vertex_count() > 20);
    assert!(m.boundary.area() < 0.9 * bb.width() * bb.height());
    // Inside the eastern Netherlands (Gelderland countryside).
    assert!(bb.min_x > 200_000.0 && bb.max_x < 260_000.0, "{bb:?}");
    assert!(bb.min_y > 430_000.0 && bb.max_y < 480_000.0, "{bb:?}");
    assert!((2..=3).contains(&m.kernen.len()));
    for k in &m.kernen {
        assert!(m.boundary.covers(k.centre), "{}", k.name);
        assert!(k.radius > 300.0 && k.radius < 2000.0);
    }
}

#[test]
fn counts_are_in_range() {
    for seed in [SEED, 1, 2] {
        let d = if seed == SEED {
            demo().clone()
        } else {
            generate(seed, REF)
        };
        let n = d.addresses.len();
        assert!((15_000..=25_000).contains(&n), "seed {seed}: {n} addresses");
        assert!(
            (60..=150).contains(&d.incidents.len()),
            "seed {seed}: {} incidents",
            d.incidents.len()
        );
        assert!(
            (5..=60).contains(&d.signals.len()),
            "seed {seed}: {} signals",
            d.signals.len()
        );
        assert!(
            d.businesses.len() > 1500,
            "seed {seed}: {} businesses",
            d.businesses.len()
        );
    }
}

#[test]
fn everything_lies_inside_the_boundary() {
    let d = demo();
    let b = &d.municipality.boundary;
    for a in &d.addresses {
        assert!(b.covers(RdPoint::new(a.x, a.y)), "address {} outside", a.id);
        // millimetre precision, as written to CSV
        assert_eq!(format!("{:.3}", a.x).parse::<f64>().ok(), Some(a.x));
    }
    for i in &d.incidents {
        assert!(
            b.covers(RdPoint::new(i.x, i.y)),
            "incident {} outside",
            i.id
        );
    }
    for s in &d.signals {
        assert!(b.covers(RdPoint::new(s.x, s.y)), "signal {} outside", s.id);
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn ids_are_unique_and_well_formed() {
    let d = demo();
    let mut ids = BTreeSet::new();
    for a in &d.addresses {
        assert!(digits(&a.id, 16) && a.id.starts_with("990101"), "{}", a.id);
        assert!(ids.insert(a.id.as_str()), "duplicate {}", a.id);
    }
    let sorted: Vec<&str> = d.addresses.iter().map(|a| a.id.as_str()).collect();
    assert!(
        sorted.windows(2).all(|w| w[0] < w[1]),
        "addresses sorted by id"
    );

    let mut kvk = BTreeSet::new();
    let mut vest = BTreeSet::new();
    for b in &d.businesses {
        assert!(digits(&b.kvk, 8), "{}", b.kvk);
        assert!(digits(&b.vestigingsnummer, 12), "{}", b.vestigingsnummer);
        assert!(kvk.insert(&b.kvk) && vest.insert(&b.vestigingsnummer));
        assert!(
            ids.contains(b.adres_id.as_str()),
            "{} at unknown address",
            b.kvk
        );
        assert!(digits(&b.sbi, 4) || digits(&b.sbi, 5), "sbi {}", b.sbi);
        assert!(!b.naam.trim().is_empty());
    }
    let mut inc = BTreeSet::new();
    for i in &d.incidents {
        assert!(inc.insert(&i.id), "duplicate incident {}", i.id);
        assert!(i.id.starts_with("POL-") || i.id.starts_with("OD-"));
        if let Some(a) = &i.adres_id {
            assert!(ids.contains(a.as_str()));
        }
        assert!(!i.omschrijving.is_empty());
    }
    let mut sig = BTreeSet::new();
    for s in &d.signals {
        assert!(sig.insert(&s.id), "duplicate signal {}", s.id);
        if let Some(a) = &s.adres_id {
            assert!(ids.contains(a.as_str()));
        }
        assert!(!s.omschrijving.is_empty());
    }
}

fn valid_postcode(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() == 6
        && (b'1'..=b'9').contains(&b[0])
        && b[1..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_uppercase)
        && !matches!(&p[4..], "SA" | "SD" | "SS")
}

#[test]
fn addresses_are_bag_like() {
    let d = demo();
    let doelen: BTreeSet<&str> = [
        "woonfunctie",
        "bijeenkomstfunctie",
        "celfunctie",
        "gezondheidszorgfunctie",
        "industriefunctie",
        "kantoorfunctie",
        "logiesfunctie",
        "onderwijsfunctie",
        "sportfunctie",
        "winkelfunctie",
        "overige gebruiksfunctie",
    ]
    .into();
    let statuses: BTreeSet<&str> = [
        "Verblijfsobject gevormd",
        "Niet gerealiseerd verblijfsobject",
        "Verblijfsobject in gebruik (niet ingemeten)",
        "Verblijfsobject in gebruik",
        "Verbouwing verblijfsobject",
        "Verblijfsobject ingetrokken",
        "Verblijfsobject buiten gebruik",
        "Verblijfsobject ten onrechte opgevoerd",
    ]
    .into();
    let mut street_pc: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut pc_street: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let mut unique = BTreeSet::new();
    let mut per_status: BTreeMap<&str, usize> = BTreeMap::new();
    let woonplaatsen: BTreeSet<&str> = d
        .municipality
        .kernen
        .iter()
        .map(|k| k.name.as_str())
        .chain([d.municipality.rural_woonplaats.as_str()])
        .collect();
    for a in &d.addresses {
        assert!(valid_postcode(&a.postcode), "{}", a.postcode);
        for g in a.gebruiksdoel.split(';') {
            assert!(doelen.contains(g), "{g}");
        }
        assert!(statuses.contains(a.status.as_str()), "{}", a.status);
        *per_status.entry(&a.status).or_default() += 1;
        assert!(
            woonplaatsen.contains(a.woonplaats.as_str()),
            "{}",
            a.woonplaats
        );
        assert!(a.huisnummer >= 1 && a.oppervlakte >= 1);
        assert!(
            (1800..=REF.year() + 1).contains(&a.bouwjaar),
            "{}",
            a.bouwjaar
        );
        let key = (a.woonplaats.as_str(), a.straat.as_str());
        let pc = *street_pc.entry(key).or_insert(&a.postcode);
        assert_eq!(pc, a.postcode, "one postcode per street: {key:?}");
        let st = *pc_street.entry(&a.postcode).or_insert(key);
        assert_eq!(st, key, "postcode {} used by two streets", a.postcode);
        assert!(
            unique.insert((&a.postcode, a.huisnummer, a.huisletter)),
            "duplicate address {} {}{:?}",
            a.postcode,
            a.huisnummer,
            a.huisletter
        );
    }
    let n = d.addresses.len() as f64;
    let in_use = per_status["Verblijfsobject in gebruik"] as f64;
    let unused = per_status["Verblijfsobject buiten gebruik"] as f64;
    assert!(in_use / n > 0.9);
    assert!(unused / n > 0.003 && unused / n < 0.05, "{unused}");
    assert!(per_status.contains_key("Verblijfsobject gevormd"));
    // Streets with many house numbers.
    let mut per_street: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for a in &d.addresses {
        *per_street.entry((&a.woonplaats, &a.straat)).or_default() += 1;
    }
    let mut sizes: Vec<usize> = per_street.values().copied().collect();
    sizes.sort();
    let median = sizes[sizes.len() / 2];
    assert!(median >= 10, "median addresses per street {median}");
    // Every woonplaats is used.
    let used: BTreeSet<&str> = d.addresses.iter().map(|a| a.woonplaats.as_str()).collect();
    assert_eq!(used, woonplaatsen);
}

#[test]
fn buitengebied_has_farmyards_and_is_noticeable() {
    let d = demo();
    let kernen = &d.municipality.kernen;
    let edge = |a: &bz_demo::Address| {
        kernen
            .iter()
            .map(|k| RdPoint::new(a.x, a.y).distance(k.centre) - k.radius)
            .fold(f64::INFINITY, f64::min)
    };
    let far = d.addresses.iter().filter(|a| edge(a) > 1000.0).count();
    assert!(far > 3000, "{far} addresses more than 1 km beyond a kern");

    // CBS omgevingsadressendichtheid < 500, as in the gebiedsscan.
    let cell = 1000.0;
    let mut grid: HashMap<(i64, i64), Vec<(f64, f64)>> = HashMap::new();
    for a in &d.addresses {
        grid.entry(((a.x / cell).floor() as i64, (a.y / cell).floor() as i64))
            .or_default()
            .push((a.x, a.y));
    }
    let mut buitengebied = 0;
    for a in &d.addresses {
        let (kx, ky) = ((a.x / cell).floor() as i64, (a.y / cell).floor() as i64);
        let mut n = 0usize;
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(v) = grid.get(&(kx + dx, ky + dy)) {
                    n += v
                        .iter()
                        .filter(|(x, y)| {
                            let (ddx, ddy) = (x - a.x, y - a.y);
                            ddx * ddx + ddy * ddy <= 1e6
                        })
                        .count();
                }
            }
        }
        if (n as f64) / std::f64::consts::PI < 500.0 {
            buitengebied += 1;
        }
    }
    let share = buitengebied as f64 / d.addresses.len() as f64;
    eprintln!(
        "buitengebied (oad < 500): {buitengebied} ({:.0} %)",
        share * 100.0
    );
    assert!(share > 0.15 && share < 0.6, "{share}");

    // Farmyards: several objects under one number (letters), large barns.
    let mut yards: BTreeMap<(&str, &str, u32), Vec<&bz_demo::Address>> = BTreeMap::new();
    for a in d.addresses.iter().filter(|a| edge(a) > 300.0) {
        yards
            .entry((&a.woonplaats, &a.straat, a.huisnummer))
            .or_default()
            .push(a);
    }
    let multi = yards.values().filter(|v| v.len() >= 2).count();
    assert!(multi > 400, "{multi} yards with 2+ objects");
    let big_barns = d
        .addresses
        .iter()
        .filter(|a| {
            a.oppervlakte >= 500
                && a.gebruiksdoel
                    .split(';')
                    .any(|g| g == "industriefunctie" || g == "overige gebruiksfunctie")
                && edge(a) > 300.0
        })
        .count();
    assert!(big_barns > 300, "{big_barns}");
}

#[test]
fn businesses_farms_active_and_stopped() {
    let d = demo();
    let cutoff = years_before(REF, 10);
    let agri_active = d
        .businesses
        .iter()
        .filter(|b| b.sbi.starts_with("01") && b.einde.is_none())
        .count();
    let agri_stopped_recently = d
        .businesses
        .iter()
        .filter(|b| b.sbi.starts_with("01") && b.einde.is_some_and(|e| e >= cutoff))
        .count();
    assert!(agri_active > 400, "{agri_active}");
    assert!(agri_stopped_recently > 100, "{agri_stopped_recently}");
    assert!(agri_active > agri_stopped_recently);
    for sbi in [
        "0111", "0141", "0146", "0147", "0150", "4120", "5610", "6820", "4941",
    ] {
        assert!(
            d.businesses.iter().any(|b| b.sbi == sbi),
            "no business with SBI {sbi}"
        );
    }
    for b in &d.businesses {
        assert!(b.start < REF, "{b:?}");
        if let Some(e) = b.einde {
            assert!(e > b.start && e < REF, "{b:?}");
        }
    }
}

#[test]
fn incidents_and_signals_are_within_their_windows() {
    let d = demo();
    let from5 = years_before(REF, 5);
    let from2 = years_before(REF, 2);
    let mut per_kind: BTreeMap<IncidentSoort, usize> = BTreeMap::new();
    let mut per_bron: BTreeMap<Bron, usize> = BTreeMap::new();
    for i in &d.incidents {
        assert!(i.datum >= from5 && i.datum < REF, "{i:?}");
        *per_kind.entry(i.soort).or_default() += 1;
        *per_bron.entry(i.bron).or_default() += 1;
    }
    assert_eq!(per_kind.len(), 4, "{per_kind:?}");
    assert_eq!(per_bron.len(), 2, "{per_bron:?}");
    let max = per_kind.iter().max_by_key(|e| e.1).map(|e| *e.0);
    assert_eq!(max, Some(IncidentSoort::Hennepkwekerij), "{per_kind:?}");
    assert!(d.incidents.windows(2).all(|w| w[0].datum <= w[1].datum));
    // Mostly in the buitengebied.
    let kernen = &d.municipality.kernen;
    let rural = d
        .incidents
        .iter()
        .filter(|i| {
            kernen
                .iter()
                .all(|k| RdPoint::new(i.x, i.y).distance(k.centre) > k.radius)
        })
        .count();
    assert!(
        rural * 10 >= d.incidents.len() * 7,
        "{rural} of {}",
        d.incidents.len()
    );
    for s in &d.signals {
        assert!(s.datum >= from2 && s.datum < REF, "{s:?}");
    }
}

fn shared_data() -> PathBuf {
    match std::env::var_os("BZ_SHARED_DATA") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

#[test]
fn name_is_not_a_real_municipality() {
    let path = shared_data().join("cbs/rd/gemeente_2026.geojson");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "SKIP: {} not readable ({e}); name check skipped",
                path.display()
            );
            return;
        }
    };
    let real =
        parse_municipalities_geojson(&bytes, "gemeente_2026.geojson", &ParseOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
    let names: BTreeSet<String> = real.iter().map(|m| m.name.to_lowercase()).collect();
    let codes: BTreeSet<&str> = real.iter().map(|m| m.code.as_str()).collect();
    let m = &demo().municipality;
    assert!(
        !names.contains(&m.name.to_lowercase()),
        "{} is a real municipality",
        m.name
    );
    assert!(!codes.contains(m.code.as_str()));
    for k in &m.kernen {
        assert!(!names.contains(&k.name.to_lowercase()), "{}", k.name);
    }
}

#[test]
fn scan_input_files_match_the_spec() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    write_scan_input(d, dir.path()).unwrap();
    eprintln!("write_scan_input took {:?}", t.elapsed());

    let read = |name: &str| -> (Vec<String>, Vec<csv::StringRecord>) {
        let mut r = csv::Reader::from_path(dir.path().join(name)).unwrap();
        let h = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r.records().collect::<Result<Vec<_>, _>>().unwrap();
        (h, rows)
    };
    let (h, rows) = read("adressen.csv");
    assert_eq!(
        h,
        [
            "id",
            "x",
            "y",
            "gemeente",
            "gebruiksdoel",
            "oppervlakte",
            "bouwjaar",
            "status"
        ]
    );
    assert_eq!(rows.len(), d.addresses.len());
    for (r, a) in rows.iter().zip(&d.addresses) {
        assert_eq!(&r[0], a.id);
        assert_eq!(
            r[1].parse::<f64>().unwrap(),
            a.x,
            "coordinates round-trip exactly"
        );
        assert_eq!(r[2].parse::<f64>().unwrap(), a.y);
        assert_eq!(&r[3], "GM9901");
        assert_eq!(&r[4], a.gebruiksdoel);
        assert_eq!(&r[7], a.status);
    }
    let (h, rows) = read("bedrijven.csv");
    assert_eq!(h, ["kvk", "adres_id", "sbi", "start", "einde"]);
    assert_eq!(rows.len(), d.businesses.len());
    assert!(rows.iter().any(|r| r[4].is_empty()) && rows.iter().any(|r| !r[4].is_empty()));
    for r in &rows {
        assert_eq!(r[3].len(), 10, "YYYY-MM-DD");
    }
    let (h, rows) = read("incidenten.csv");
    assert_eq!(h, ["id", "x", "y", "datum", "soort"]);
    assert_eq!(rows.len(), d.incidents.len());
    let kinds: BTreeSet<&str> = rows.iter().map(|r| r.get(4).unwrap_or("")).collect();
    assert_eq!(
        kinds,
        ["drugsafval", "drugslab", "hennepkwekerij", "opslag"].into()
    );
    let (h, rows) = read("signalen.csv");
    assert_eq!(h, ["id", "x", "y", "datum", "categorie"]);
    assert_eq!(rows.len(), d.signals.len());

    let bytes = std::fs::read(dir.path().join("gemeenten.geojson")).unwrap();
    let m = parse_municipalities_geojson(&bytes, "gemeenten.geojson", &ParseOptions::default())
        .unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].code, "GM9901");
    assert_eq!(m[0].name, d.municipality.name);
    assert_eq!(m[0].multipolygon_rd, d.municipality.boundary);
}
