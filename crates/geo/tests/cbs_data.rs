//! Tests against the real CBS municipality files in `shared/data/cbs`
//! (see its README). When the data is absent they print a skip message and
//! pass. Set `BZ_SHARED_DATA` to point at another copy of `shared/data`.

use std::path::PathBuf;

use bz_geo::{
    Crs, MunicipalityBoundary, ParseOptions, RdPoint, find_municipality, municipalities_to_geojson,
    parse_municipalities_geojson,
};

fn shared_data() -> PathBuf {
    match std::env::var_os("BZ_SHARED_DATA") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

fn load(rel: &str) -> Option<Vec<MunicipalityBoundary>> {
    let path = shared_data().join(rel);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "SKIP: {} not readable ({e}); CBS data tests skipped",
                path.display()
            );
            return None;
        }
    };
    let t = std::time::Instant::now();
    let out = parse_municipalities_geojson(&bytes, rel, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("parsed {rel}: {} features in {:?}", out.len(), t.elapsed());
    Some(out)
}

fn both() -> Option<(Vec<MunicipalityBoundary>, Vec<MunicipalityBoundary>)> {
    Some((
        load("cbs/rd/gemeente_2026.geojson")?,
        load("cbs/wgs84/gemeente_2026.geojson")?,
    ))
}

#[test]
fn rd_and_wgs84_files_agree_on_municipalities() {
    let Some((rd, wgs)) = both() else { return };
    assert_eq!(rd.len(), 342);
    assert_eq!(wgs.len(), 342);
    let codes = |v: &[MunicipalityBoundary]| v.iter().map(|m| m.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&rd), codes(&wgs));
    let mut worst = (0.0f64, String::new());
    let (mut total_rd, mut total_wgs) = (0.0, 0.0);
    for (a, b) in rd.iter().zip(&wgs) {
        assert_eq!(a.name, b.name);
        assert!(a.code.starts_with("GM") && a.code.len() == 6, "{}", a.code);
        let (ra, rb) = (a.multipolygon_rd.area(), b.multipolygon_rd.area());
        total_rd += ra;
        total_wgs += rb;
        let rel = (ra - rb).abs() / ra;
        if rel > worst.0 {
            worst = (rel, a.name.clone());
        }
        // Centroids of the two generalisations lie close together.
        let d = a
            .multipolygon_rd
            .centroid()
            .distance(b.multipolygon_rd.centroid());
        assert!(d < 500.0, "{}: centroids {d} m apart", a.name);
    }
    eprintln!(
        "total land area RD {:.0} km², WGS84 {:.0} km²; worst relative area difference {:.3} ({})",
        total_rd / 1e6,
        total_wgs / 1e6,
        worst.0,
        worst.1
    );
    assert!((total_rd - total_wgs).abs() / total_rd < 0.01);
    // The Netherlands' municipalities cover roughly 41,500 km² incl. water.
    assert!(total_rd > 33_000e6 && total_rd < 42_000e6, "{total_rd}");
    assert!(worst.0 < 0.05, "{worst:?}");
}

#[test]
fn town_centres_lie_in_their_municipality_in_both_files() {
    let Some((rd, wgs)) = both() else { return };
    // RD New positions of town centres (Doesburg market square, the Dom in
    // Utrecht, the Martinitoren, the Dam, the Vrijthof, Lochem centre).
    let centres = [
        ((206639.0, 447427.0), "GM0221", "Doesburg"),
        ((136784.0, 455871.0), "GM0344", "Utrecht"),
        ((233890.0, 582056.0), "GM0014", "Groningen"),
        ((121359.0, 487362.0), "GM0363", "Amsterdam"),
        ((176199.0, 317717.0), "GM0935", "Maastricht"),
        ((225198.0, 464000.0), "GM0262", "Lochem"),
    ];
    for ((x, y), code, name) in centres {
        for set in [&rd, &wgs] {
            let m = find_municipality(set, RdPoint::new(x, y))
                .unwrap_or_else(|| panic!("{name}: no municipality covers ({x}, {y})"));
            assert_eq!((m.code.as_str(), m.name.as_str()), (code, name));
        }
    }
    // The North Sea is in no municipality.
    assert!(find_municipality(&rd, RdPoint::new(40000.0, 520000.0)).is_none());
}

#[test]
fn every_vertex_of_the_rd_file_is_covered_by_its_own_municipality() {
    let Some((rd, _)) = both() else { return };
    for m in &rd {
        for poly in m.multipolygon_rd.polygons() {
            for ring in poly.rings() {
                for &p in ring {
                    assert!(m.multipolygon_rd.covers(p), "{} {p:?}", m.code);
                }
            }
        }
    }
}

#[test]
fn rd_file_survives_a_write_read_round_trip() {
    let Some((rd, _)) = both() else { return };
    let text = serde_json::to_vec(&municipalities_to_geojson(&rd, Crs::Rd).unwrap()).unwrap();
    let back = parse_municipalities_geojson(&text, "roundtrip", &ParseOptions::default()).unwrap();
    assert_eq!(back, rd);
}
