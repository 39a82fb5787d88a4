//! Parser throughput: `cargo run --release -p bz-bag --example bench [MB]`.
//!
//! Generates realistic VBO and PND XML in memory (Kadaster layout) and parses
//! it with the lending API; decompression is not part of the measurement.
//! If the Doesburg sample is present, real pand XML is measured too.

use bz_bag::ParseOptions;
use bz_bag::bench::{generate_pnd_xml, generate_vbo_xml, measure};
use std::io::Read;

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let half = mb * 1_000_000 / 2;
    let vbo = generate_vbo_xml(half / 2_750, 1);
    let pnd = generate_pnd_xml(half / 2_300, 2);
    let opts = ParseOptions::default();
    let mut no_check = opts.clone();
    no_check.check_self_intersection = false;
    println!("bz-bag parser throughput (single thread, in memory, release)");
    let mut total_bytes = 0usize;
    let mut total_secs = 0.0;
    for (name, xml, o) in [
        ("VBO (synthetic)", &vbo, &opts),
        ("PND (synthetic)", &pnd, &opts),
        ("PND, no self-intersection check", &pnd, &no_check),
    ] {
        // Best of three.
        let best = (0..3)
            .map(|_| measure(xml, o))
            .min_by(|a, b| a.secs.total_cmp(&b.secs))
            .expect("three runs");
        assert_eq!(best.errors, 0, "{name}: unexpected errors");
        println!(
            "  {name:<34} {:>7.1} MB  {:>9} objects  {:>6.3} s  {:>7.1} MB/s",
            best.bytes as f64 / 1e6,
            best.objects,
            best.secs,
            best.mb_per_s()
        );
        if o.check_self_intersection {
            total_bytes += best.bytes;
            total_secs += best.secs;
        }
    }
    println!(
        "  {:<34} {:>7.1} MB  {:>27.1} MB/s",
        "VBO + PND (default options)",
        total_bytes as f64 / 1e6,
        total_bytes as f64 / 1e6 / total_secs
    );
    let shared = match std::env::var_os("BZ_SHARED_DATA") {
        Some(p) => std::path::PathBuf::from(p),
        None => std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    let sample = shared.join("bag-samples/0221PND15092020.zip");
    match std::fs::File::open(&sample) {
        Ok(f) => {
            let mut z = zip::ZipArchive::new(f).expect("sample zip");
            let mut xml = Vec::new();
            for i in 0..z.len() {
                let mut e = z.by_index(i).expect("entry");
                let mut part = Vec::new();
                e.read_to_end(&mut part).expect("read");
                xml.push(part);
            }
            let mut bytes = 0;
            let mut secs = 0.0;
            let mut objects = 0;
            for _ in 0..5 {
                for part in &xml {
                    let m = measure(part, &opts);
                    bytes += m.bytes;
                    secs += m.secs;
                    objects += m.objects;
                }
            }
            println!(
                "  {:<34} {:>7.1} MB  {:>9} objects  {:>6.3} s  {:>7.1} MB/s",
                "PND Doesburg (real, 5 passes)",
                bytes as f64 / 1e6,
                objects,
                secs,
                bytes as f64 / 1e6 / secs
            );
            // End to end from the zip, decompression (zlib-rs) included.
            let t = std::time::Instant::now();
            let mut budget = bz_bag::ErrorBudget::default();
            let stats = bz_bag::read_bag(
                &sample,
                &bz_bag::SourceOptions::default(),
                &mut budget,
                |_| {},
            );
            let secs = t.elapsed().as_secs_f64();
            println!(
                "  {:<34} {:>7.1} MB  {:>9} objects  {:>6.3} s  {:>7.1} MB/s of XML",
                "PND Doesburg zip incl. inflate",
                stats.bytes as f64 / 1e6,
                stats.total_objects(),
                secs,
                stats.bytes as f64 / 1e6 / secs
            );
        }
        Err(_) => println!("  (real sample {} not present; skipped)", sample.display()),
    }
}
