use std::collections::BTreeMap;
fn main() {
    let seed: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(1);
    let t = std::time::Instant::now();
    let d = bz_demo::generate(seed, time::macros::date!(2026 - 03 - 01));
    println!("generate: {:?}", t.elapsed());
    let m = &d.municipality;
    println!(
        "area {:.1} km2 bbox {:?} vertices {}",
        m.boundary.area() / 1e6,
        m.boundary.bbox(),
        m.boundary.vertex_count()
    );
    for k in &m.kernen {
        println!("kern {} {:?} r={}", k.name, k.centre, k.radius);
    }
    println!("addresses {}", d.addresses.len());
    let mut wp: BTreeMap<&str, usize> = BTreeMap::new();
    let mut gd: BTreeMap<&str, usize> = BTreeMap::new();
    let mut st: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &d.addresses {
        *wp.entry(&a.woonplaats).or_default() += 1;
        *gd.entry(&a.gebruiksdoel).or_default() += 1;
        *st.entry(&a.status).or_default() += 1;
    }
    println!("{wp:?}\n{gd:?}\n{st:?}");
    let far = d
        .addresses
        .iter()
        .filter(|a| {
            m.kernen.iter().all(|k| {
                ((a.x - k.centre.x).powi(2) + (a.y - k.centre.y).powi(2)).sqrt() > k.radius + 1000.0
            })
        })
        .count();
    println!("far from kernen: {far}");
    for k in &m.kernen {
        let n = d
            .addresses
            .iter()
            .filter(|a| {
                ((a.x - k.centre.x).powi(2) + (a.y - k.centre.y).powi(2)).sqrt() <= k.radius
            })
            .count();
        println!("in kern {}: {n}", k.name);
    }
    let rural = d
        .addresses
        .iter()
        .filter(|a| {
            m.kernen.iter().all(|k| {
                ((a.x - k.centre.x).powi(2) + (a.y - k.centre.y).powi(2)).sqrt() > k.radius + 800.0
            })
        })
        .count();
    println!("rural (>800 m beyond kern edge): {rural}");
    println!("businesses {}", d.businesses.len());
    let mut sbi: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &d.businesses {
        *sbi.entry(&b.sbi[..2]).or_default() += 1;
    }
    println!("{sbi:?}");
    println!(
        "agri active {} ended {}",
        d.businesses
            .iter()
            .filter(|b| b.sbi.starts_with("01") && b.einde.is_none())
            .count(),
        d.businesses
            .iter()
            .filter(|b| b.sbi.starts_with("01") && b.einde.is_some())
            .count()
    );
    println!("incidents {}", d.incidents.len());
    let mut k: BTreeMap<String, usize> = BTreeMap::new();
    for i in &d.incidents {
        *k.entry(format!("{} {}", i.soort, i.bron)).or_default() += 1;
    }
    println!("{k:?}");
    for i in d.incidents.iter().take(6) {
        println!("{:?}", i);
    }
    println!("signals {}", d.signals.len());
    for s in d.signals.iter().take(6) {
        println!("{:?}", s);
    }
    for b in d.businesses.iter().take(8) {
        println!("{:?}", b);
    }
    for a in d.addresses.iter().step_by(2500) {
        println!("{:?}", a);
    }
    // write image as PGM-ish ppm
    let bb = if std::env::args().nth(2).is_some() {
        let k = &m.kernen[0];
        bz_geo::BBox::new(
            k.centre.x - 1500.0,
            k.centre.y - 1500.0,
            k.centre.x + 1500.0,
            k.centre.y + 1500.0,
        )
    } else {
        m.boundary.bbox()
    };
    let sc = 1000.0 / bb.width().max(bb.height());
    let (w, h) = (
        (bb.width() * sc) as usize + 1,
        (bb.height() * sc) as usize + 1,
    );
    let mut img = vec![255u8; w * h * 3];
    let mut put = |x: f64, y: f64, c: [u8; 3]| {
        let px = ((x - bb.min_x) * sc) as usize;
        let py = ((bb.max_y - y) * sc) as usize;
        if px < w && py < h {
            let i = (py * w + px) * 3;
            img[i..i + 3].copy_from_slice(&c);
        }
    };
    for i in 0..w {
        for j in 0..h {
            let x = bb.min_x + i as f64 / sc;
            let y = bb.max_y - j as f64 / sc;
            if !m.boundary.covers(bz_geo::RdPoint::new(x, y)) {
                put(x, y, [200, 200, 200]);
            }
        }
    }
    for a in &d.addresses {
        let c = if a.gebruiksdoel.contains("industrie") || a.gebruiksdoel.contains("overige") {
            [200, 120, 0]
        } else if a.woonplaats == "Vennebroek" {
            [0, 150, 0]
        } else {
            [0, 0, 0]
        };
        put(a.x, a.y, c);
    }
    for i in &d.incidents {
        for dx in -2..=2 {
            for dy in -2..=2 {
                put(i.x + dx as f64 / sc, i.y + dy as f64 / sc, [255, 0, 0]);
            }
        }
    }
    for s in &d.signals {
        for dx in -2..=2 {
            put(s.x + dx as f64 / sc, s.y, [0, 0, 255]);
            put(s.x, s.y + dx as f64 / sc, [0, 0, 255]);
        }
    }
    let mut f = format!("P6\n{w} {h}\n255\n").into_bytes();
    f.extend(img);
    std::fs::write("/tmp/demo.ppm", f).unwrap();
    bz_demo::write_scan_input(&d, std::path::Path::new("/tmp/demo-scan")).unwrap();
}
