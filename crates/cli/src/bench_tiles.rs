//! `buitenzicht bench tiles`: tile latency and size over national-like
//! synthetic data (the gebiedsscan's synthetic generator, scanned, so that
//! every layer has realistic content).

use anyhow::Result;
use bz_geo::{MultiPolygon, Polygon, RdPoint};
use bz_tiles::{
    AddressIn, EventIn, Klasse, Layer, MunicipalityIn, Period, ScanIn, TileInput, TileSet, View,
};
use std::time::Instant;

fn klasse(k: bz_scan::Klasse) -> Klasse {
    match k {
        bz_scan::Klasse::Hoog => Klasse::Hoog,
        bz_scan::Klasse::Midden => Klasse::Midden,
        bz_scan::Klasse::Laag => Klasse::Laag,
    }
}

fn municipality(m: &bz_scan::Municipality) -> Option<MunicipalityIn> {
    let polys: Vec<Polygon> = m
        .polygons
        .iter()
        .filter_map(|rings| {
            let rings = rings
                .iter()
                .map(|r| r.iter().map(|p| RdPoint::new(p[0], p[1])).collect())
                .collect();
            Polygon::new(rings).ok()
        })
        .collect();
    Some(MunicipalityIn {
        code: m.statcode.clone(),
        name: m.statnaam.clone(),
        boundary: MultiPolygon::new(polys).ok()?,
    })
}

pub fn tiles(n: usize, per_zoom: usize, seed: u64) -> Result<()> {
    let t = Instant::now();
    let input = bz_scan::synth::generate(n, seed);
    let out = bz_scan::scan(&input, time::macros::date!(2026 - 06 - 30));
    let prepare = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let tile_input = TileInput {
        municipalities: input
            .municipalities
            .iter()
            .filter_map(municipality)
            .collect(),
        addresses: input
            .addresses
            .iter()
            .zip(&out.addresses)
            .map(|(a, r)| AddressIn {
                id: a.id.clone(),
                rd: RdPoint::new(a.x, a.y),
                scan: Some(ScanIn {
                    klasse: klasse(r.klasse),
                    score: r.score,
                    buitengebied: r.buitengebied,
                }),
            })
            .collect(),
        incidents: input
            .incidents
            .iter()
            .map(|i| EventIn {
                id: i.id.clone(),
                rd: RdPoint::new(i.x, i.y),
                date: i.datum,
                kind: i.soort.clone(),
            })
            .collect(),
        signals: input
            .signals
            .iter()
            .map(|s| EventIn {
                id: s.id.clone(),
                rd: RdPoint::new(s.x, s.y),
                date: s.datum,
                kind: s.categorie.clone(),
            })
            .collect(),
    };
    drop((input, out));
    let set = TileSet::build(&tile_input);
    let build = t.elapsed().as_secs_f64();
    drop(tile_input);
    println!(
        "bench tiles: {n} adressen ({} gescand), {} incidenten, {} signalen",
        set.counts().0,
        set.counts().1,
        set.counts().2
    );
    println!(
        "  synthetische data + scan (niet gemeten): {prepare:.1} s; indexen bouwen: {build:.2} s"
    );
    for (label, view) in [
        (
            "analist (alle lagen)",
            View {
                layers: Layer::ALL.to_vec(),
                min_cell_addresses: 0,
                period: Period::default(),
            },
        ),
        (
            "partner (aggregaten, cellen < 5 onderdrukt)",
            View {
                layers: vec![Layer::Gemeenten, Layer::Vierkanten],
                min_cell_addresses: 5,
                period: Period::default(),
            },
        ),
    ] {
        println!("  {label}: {per_zoom} tegels per zoomniveau rond willekeurige adressen");
        println!("    zoom   p50 ms   p99 ms   max ms   gem. kB   max kB");
        let figs = bz_tiles::bench::bench(&set, &view, 6..=16, per_zoom, seed);
        for f in &figs {
            println!(
                "    {:>4} {:>8.2} {:>8.2} {:>8.2} {:>9.1} {:>8.1}",
                f.z, f.p50_ms, f.p99_ms, f.max_ms, f.mean_kb, f.max_kb
            );
        }
        let worst = figs.iter().map(|f| f.p99_ms).fold(0.0, f64::max);
        let biggest = figs.iter().map(|f| f.max_kb).fold(0.0, f64::max);
        println!("    slechtste p99: {worst:.2} ms; grootste tegel: {biggest:.1} kB");
    }
    Ok(())
}
