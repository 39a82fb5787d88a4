use crate::decode::{DecodedLayer, Geometry, Prop, decode};
use crate::model::*;
use crate::tileset::{HOOG_MIN_ZOOM, LOCATIONS_MIN_ZOOM, MAX_POINT_FEATURES, TileSet};
use crate::world::{TileId, rd_to_world};
use bz_geo::{MultiPolygon, Polygon, RdPoint};
use time::macros::date;

fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon {
    let ring = vec![
        RdPoint::new(x0, y0),
        RdPoint::new(x0 + side, y0),
        RdPoint::new(x0 + side, y0 + side),
        RdPoint::new(x0, y0 + side),
        RdPoint::new(x0, y0),
    ];
    MultiPolygon::new(vec![Polygon::from_exterior(ring).expect("valid")]).expect("valid")
}

/// A 4 km municipality at (150 000, 450 000) with a farm cluster, a village
/// square of 3 addresses (to be suppressed), incidents and signals.
fn input() -> TileInput {
    let mut addresses = Vec::new();
    // 12 scanned addresses in square E1510N4510 (151 000..151 500, 451 000..451 500).
    for i in 0..12 {
        addresses.push(AddressIn {
            id: format!("A{i:02}"),
            rd: RdPoint::new(151_010.0 + 30.0 * f64::from(i), 451_100.0),
            scan: Some(ScanIn {
                klasse: if i == 0 {
                    Klasse::Hoog
                } else if i < 4 {
                    Klasse::Midden
                } else {
                    Klasse::Laag
                },
                score: if i == 0 { 0.8 } else { 0.3 },
                buitengebied: true,
            }),
        });
    }
    // 3 unscanned addresses in square E1525N4525.
    for i in 0..3 {
        addresses.push(AddressIn {
            id: format!("B{i}"),
            rd: RdPoint::new(152_600.0 + f64::from(i), 452_600.0),
            scan: None,
        });
    }
    let ev = |id: &str, x: f64, y: f64, d: time::Date, k: &str| EventIn {
        id: id.into(),
        rd: RdPoint::new(x, y),
        date: d,
        kind: k.into(),
    };
    TileInput {
        municipalities: vec![MunicipalityIn {
            code: "GM9901".into(),
            name: "Heidewolde".into(),
            boundary: square(150_000.0, 450_000.0, 4_000.0),
        }],
        addresses,
        incidents: vec![
            ev(
                "I1",
                151_200.0,
                451_200.0,
                date!(2024 - 03 - 01),
                "hennepteelt",
            ),
            ev(
                "I2",
                151_300.0,
                451_300.0,
                date!(2020 - 03 - 01),
                "drugsafval",
            ),
        ],
        signals: vec![ev(
            "S1",
            151_250.0,
            451_250.0,
            date!(2025 - 01 - 10),
            "opslag",
        )],
    }
}

fn view(layers: &[Layer], min: u32, period: Period) -> View {
    View {
        layers: layers.to_vec(),
        min_cell_addresses: min,
        period,
    }
}

fn tile_of(z: u8, x: f64, y: f64) -> TileId {
    TileId::containing(z, rd_to_world(RdPoint::new(x, y)).expect("in range"))
}

fn layer<'a>(layers: &'a [DecodedLayer], name: &str) -> Option<&'a DecodedLayer> {
    layers.iter().find(|l| l.name == name)
}

fn num(f: &crate::decode::DecodedFeature, k: &str) -> Option<f64> {
    f.props.get(k).and_then(Prop::as_f64)
}

#[test]
fn locations_decode_to_their_positions_and_classes() {
    let set = TileSet::build(&input());
    let t = tile_of(14, 151_200.0, 451_100.0);
    let bytes = set.render(t, &view(&Layer::ALL, 0, Period::default()));
    let layers = decode(&bytes).expect("decodes");
    let locs = layer(&layers, "locaties").expect("locations layer");
    assert_eq!(locs.features.len(), 12);
    for f in &locs.features {
        let id = f.props["id"].as_str().expect("id");
        let i: f64 = id[1..].parse().expect("number");
        let w = rd_to_world(RdPoint::new(151_010.0 + 30.0 * i, 451_100.0)).expect("in range");
        let n = f64::from(1u32 << t.z);
        let want = [
            (w.x * n - f64::from(t.x)) * 4096.0,
            (w.y * n - f64::from(t.y)) * 4096.0,
        ];
        let Geometry::Points(p) = &f.geometry else {
            panic!("not a point")
        };
        assert!(
            (f64::from(p[0][0]) - want[0]).abs() <= 1.5,
            "{id} x {p:?} vs {want:?}"
        );
        assert!(
            (f64::from(p[0][1]) - want[1]).abs() <= 1.5,
            "{id} y {p:?} vs {want:?}"
        );
        let k = f.props["klasse"].as_str().expect("klasse");
        assert_eq!(k == "hoog", id == "A00", "{id} {k}");
    }
}

#[test]
fn layers_the_view_does_not_allow_are_never_in_the_tile() {
    let set = TileSet::build(&input());
    let t = tile_of(14, 151_200.0, 451_100.0);
    let partner = view(&[Layer::Gemeenten, Layer::Vierkanten], 5, Period::default());
    let layers = decode(&set.render(t, &partner)).expect("decodes");
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["gemeenten", "vierkanten"]);
}

#[test]
fn small_cells_are_suppressed_for_partners() {
    let set = TileSet::build(&input());
    let cell = |min: u32, code: &str, x: f64, y: f64| {
        let t = tile_of(11, x, y);
        let layers = decode(&set.render(t, &view(&[Layer::Vierkanten], min, Period::default())))
            .expect("decodes");
        let sq = layer(&layers, "vierkanten").expect("squares");
        sq.features
            .iter()
            .find(|f| f.props["code"].as_str() == Some(code))
            .expect("cell")
            .clone()
    };
    let small = cell(5, "E1525N4525", 152_600.0, 452_600.0);
    assert_eq!(small.props.get("onderdrukt"), Some(&Prop::Bool(true)));
    assert!(!small.props.contains_key("adressen"));
    let big = cell(5, "E1510N4510", 151_200.0, 451_100.0);
    assert_eq!(num(&big, "adressen"), Some(12.0));
    assert_eq!(num(&big, "hoog"), Some(1.0));
    // Without suppression the small cell shows its figures.
    let small = cell(0, "E1525N4525", 152_600.0, 452_600.0);
    assert_eq!(num(&small, "adressen"), Some(3.0));
}

#[test]
fn the_period_filters_events_and_square_counts() {
    let set = TileSet::build(&input());
    let t = tile_of(12, 151_200.0, 451_100.0);
    let all = view(&Layer::ALL, 0, Period::default());
    let recent = view(
        &Layer::ALL,
        0,
        Period {
            from: Some(date!(2023 - 01 - 01)),
            to: Some(date!(2024 - 12 - 31)),
        },
    );
    let count = |v: &View| {
        let layers = decode(&set.render(t, v)).expect("decodes");
        let inc = layer(&layers, "incidenten").map_or(0, |l| l.features.len());
        let sig = layer(&layers, "signalen").map_or(0, |l| l.features.len());
        let sq = layer(&layers, "vierkanten").expect("squares");
        let cell = sq
            .features
            .iter()
            .find(|f| f.props["code"].as_str() == Some("E1510N4510"))
            .expect("cell");
        (inc, sig, num(cell, "incidenten"), num(cell, "signalen"))
    };
    assert_eq!(count(&all), (2, 1, Some(2.0), Some(1.0)));
    assert_eq!(count(&recent), (1, 0, Some(1.0), Some(0.0)));
    let layers = decode(&set.render(t, &recent)).expect("decodes");
    let inc = layer(&layers, "incidenten").expect("incidents");
    assert_eq!(inc.features[0].props["soort"].as_str(), Some("hennepteelt"));
    assert_eq!(inc.features[0].props["datum"].as_str(), Some("2024-03-01"));
}

#[test]
fn polygons_have_mvt_winding_and_cover_the_municipality() {
    let set = TileSet::build(&input());
    for z in [6u8, 10, 14] {
        let t = tile_of(z, 152_000.0, 452_000.0);
        let layers = decode(&set.render(
            t,
            &view(&[Layer::Gemeenten, Layer::Vierkanten], 0, Period::default()),
        ))
        .expect("decodes");
        let g = layer(&layers, "gemeenten").expect("boundary");
        assert_eq!(g.features[0].props["code"].as_str(), Some("GM9901"));
        for l in &layers {
            for f in &l.features {
                let Geometry::Polygons(polys) = &f.geometry else {
                    panic!("polygon")
                };
                for p in polys {
                    let ext = &p[0];
                    let a: i64 = ext
                        .iter()
                        .zip(ext.iter().cycle().skip(1))
                        .map(|(a, b)| {
                            i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1])
                        })
                        .sum();
                    assert!(a > 0, "z{z} {}: exterior ring has area {a}", l.name);
                }
            }
        }
    }
}

#[test]
fn below_their_minimum_zoom_only_hoog_locations_are_drawn() {
    let set = TileSet::build(&input());
    let only = |l: &[Layer]| view(l, 0, Period::default());
    let t = tile_of(LOCATIONS_MIN_ZOOM - 1, 151_200.0, 451_100.0);
    let layers = decode(&set.render(t, &only(&[Layer::Locaties]))).expect("decodes");
    let locs = layer(&layers, "locaties").expect("hoog locations");
    let ids: Vec<&str> = locs
        .features
        .iter()
        .filter_map(|f| f.props["id"].as_str())
        .collect();
    assert_eq!(ids, ["A00"]);
    let t = tile_of(HOOG_MIN_ZOOM - 1, 151_200.0, 451_100.0);
    let layers = decode(&set.render(t, &only(&[Layer::Locaties]))).expect("decodes");
    assert!(layer(&layers, "locaties").is_none());
}

#[test]
fn dense_tiles_are_clustered_and_keep_every_point() {
    let mut inp = input();
    let n = MAX_POINT_FEATURES + 500;
    for i in 0..n {
        inp.addresses.push(AddressIn {
            id: format!("C{i}"),
            rd: RdPoint::new(
                153_000.0 + (i % 100) as f64 * 2.0,
                453_000.0 + (i / 100) as f64 * 2.0,
            ),
            scan: Some(ScanIn {
                klasse: Klasse::Laag,
                score: 0.1,
                buitengebied: false,
            }),
        });
    }
    let set = TileSet::build(&inp);
    let t = tile_of(12, 153_100.0, 453_100.0);
    let layers =
        decode(&set.render(t, &view(&[Layer::Locaties], 0, Period::default()))).expect("decodes");
    let locs = layer(&layers, "locaties").expect("locations");
    assert!(locs.features.len() < 4_097);
    let total: f64 = locs
        .features
        .iter()
        .map(|f| num(f, "n").unwrap_or(1.0))
        .sum();
    let in_tile = set.sample_points(0, 1).len(); // no panic on zero samples
    assert_eq!(in_tile, 0);
    assert!(
        total >= n as f64,
        "clusters hold {total} of at least {n} points"
    );
}

#[test]
fn the_table_has_the_same_figures_and_suppression_as_the_map() {
    let set = TileSet::build(&input());
    let rows = set.squares_table(&view(&Layer::ALL, 5, Period::default()));
    let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["E1510N4510", "E1525N4525"]);
    assert_eq!(rows[0].addresses, Some(12));
    assert_eq!(rows[0].incidents, Some(2));
    assert_eq!(rows[0].signals, Some(1));
    assert_eq!(rows[0].hoog, Some(1));
    assert!(rows[1].suppressed && rows[1].addresses.is_none());
}

#[test]
fn empty_input_gives_empty_tiles() {
    let set = TileSet::build(&TileInput::default());
    let bytes = set.render(
        TileId::new(8, 131, 84).expect("valid"),
        &view(&Layer::ALL, 0, Period::default()),
    );
    assert!(decode(&bytes).expect("decodes").is_empty());
}
