//! Synthetic BAG 2.0 Extract XML in the exact layout of the Kadaster files
//! (indentation, namespaces, 3D `gml:pos`/`gml:posList`, full `voorkomen`),
//! and a parser throughput measurement. Used by `examples/bench.rs` and the
//! tests; deterministic for a seed.

use crate::xml::{BagXmlReader, ParseOptions};
use std::fmt::Write as _;
use std::time::Instant;

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<sl-bag-extract:bagStand xmlns:DatatypenNEN3610="www.kadaster.nl/schemas/lvbag/imbag/datatypennen3610/v20200601" xmlns:Objecten="www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601"
                         xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:Historie="www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601"
                         xmlns:Objecten-ref="www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601" xmlns:nen5825="www.kadaster.nl/schemas/lvbag/imbag/nen5825/v20200601"
                         xmlns:KenmerkInOnderzoek="www.kadaster.nl/schemas/lvbag/imbag/kenmerkinonderzoek/v20200601"
                         xmlns:selecties-extract="http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601"
                         xmlns:sl-bag-extract="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601" xmlns:sl="http://www.kadaster.nl/schemas/standlevering-generiek/1.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema"
                         xsi:schemaLocation="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601 http://www.kadaster.nl/schemas/bag-verstrekkingen/extract-deelbestand-lvc/v20200601/BagvsExtractDeelbestandExtractLvc-2.1.0.xsd">
    <sl-bag-extract:bagInfo>
        <selecties-extract:Gebied-Registratief>
            <selecties-extract:Gebied-GEM>
                <selecties-extract:GemeenteCollectie>
                    <selecties-extract:Gemeente>
                        <selecties-extract:GemeenteIdentificatie>0221</selecties-extract:GemeenteIdentificatie>
                    </selecties-extract:Gemeente>
                </selecties-extract:GemeenteCollectie>
            </selecties-extract:Gebied-GEM>
        </selecties-extract:Gebied-Registratief>
        <selecties-extract:LVC-Extract>
            <selecties-extract:StandTechnischeDatum>2020-09-15</selecties-extract:StandTechnischeDatum>
        </selecties-extract:LVC-Extract>
    </sl-bag-extract:bagInfo>
    <sl:standBestand>
        <sl:dataset>LVBAG</sl:dataset>
        <sl:inhoud>
            <sl:gebied>GEMEENTE</sl:gebied>
            <sl:leveringsId>0000000001</sl:leveringsId>
            <sl:objectTypen>
                <sl:objectType>TYPE</sl:objectType>
            </sl:objectTypen>
        </sl:inhoud>
"#;

const FOOTER: &str = "    </sl:standBestand>\n</sl-bag-extract:bagStand>\n";

/// Wraps `<sl:stand>` elements (`body`) in the header and footer of a real
/// extract file for object type `code` (`VBO`, `PND`, ...).
pub fn document(code: &str, body: &str) -> String {
    let mut s = HEADER.replace("TYPE", code);
    s.push_str(body);
    s.push_str(FOOTER);
    s
}

/// Deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Millimetre-rounded coordinate in [lo, lo + span).
    fn coord(&mut self, lo: f64, span: f64) -> f64 {
        ((lo + (self.below(1_000_000) as f64 / 1e6) * span) * 1000.0).round() / 1000.0
    }
}

fn voorkomen(s: &mut String, rng: &mut Rng, ended: bool) {
    let y = 1995 + rng.below(25);
    let (m, d) = (1 + rng.below(12), 1 + rng.below(28));
    s.push_str(
        "                    <Objecten:voorkomen>\n                        <Historie:Voorkomen>\n",
    );
    let _ = writeln!(
        s,
        "                            <Historie:voorkomenidentificatie>{}</Historie:voorkomenidentificatie>",
        1 + rng.below(4)
    );
    let _ = writeln!(
        s,
        "                            <Historie:beginGeldigheid>{y}-{m:02}-{d:02}</Historie:beginGeldigheid>"
    );
    if ended {
        let _ = writeln!(
            s,
            "                            <Historie:eindGeldigheid>{}-{m:02}-{d:02}</Historie:eindGeldigheid>",
            y + 1
        );
    }
    let _ = writeln!(
        s,
        "                            <Historie:tijdstipRegistratie>{y}-{m:02}-{d:02}T15:49:09.000</Historie:tijdstipRegistratie>"
    );
    if ended {
        let _ = writeln!(
            s,
            "                            <Historie:eindRegistratie>{}-{m:02}-{d:02}T15:18:40.000</Historie:eindRegistratie>",
            y + 1
        );
    }
    s.push_str("                            <Historie:BeschikbaarLV>\n");
    let _ = writeln!(
        s,
        "                                <Historie:tijdstipRegistratieLV>{y}-{m:02}-{d:02}T16:01:53.939</Historie:tijdstipRegistratieLV>"
    );
    if ended {
        let _ = writeln!(
            s,
            "                                <Historie:tijdstipEindRegistratieLV>{}-{m:02}-{d:02}T15:30:56.227</Historie:tijdstipEindRegistratieLV>",
            y + 1
        );
    }
    s.push_str("                            </Historie:BeschikbaarLV>\n                        </Historie:Voorkomen>\n                    </Objecten:voorkomen>\n");
}

/// A document of `n` Verblijfsobjecten (about 2.8 kB each, like the real ones).
pub fn generate_vbo_xml(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut s = String::with_capacity(n * 2900 + 4096);
    s.push_str(&HEADER.replace("TYPE", "VBO"));
    const DOELEN: [&str; 4] = [
        "woonfunctie",
        "industriefunctie",
        "overige gebruiksfunctie",
        "winkelfunctie",
    ];
    for i in 0..n {
        let id = 221_010_000_000_000u64 + i as u64;
        s.push_str("        <sl:stand>\n            <sl-bag-extract:bagObject>\n                <Objecten:Verblijfsobject>\n");
        let _ = writeln!(
            s,
            "                    <Objecten:heeftAlsHoofdadres>\n                        <Objecten-ref:NummeraanduidingRef domein=\"NL.IMBAG.Nummeraanduiding\">{:016}</Objecten-ref:NummeraanduidingRef>\n                    </Objecten:heeftAlsHoofdadres>",
            221_200_000_000_000u64 + i as u64
        );
        voorkomen(&mut s, &mut rng, i % 3 == 0);
        let _ = writeln!(
            s,
            "                    <Objecten:identificatie domein=\"NL.IMBAG.Verblijfsobject\">{id:016}</Objecten:identificatie>"
        );
        let (x, y) = (
            rng.coord(13_000.0, 265_000.0),
            rng.coord(306_000.0, 310_000.0),
        );
        let _ = writeln!(
            s,
            "                    <Objecten:geometrie>\n                        <Objecten:punt>\n                            <gml:Point srsName=\"urn:ogc:def:crs:EPSG::28992\" srsDimension=\"3\" gml:id=\"VBO_{id:016}_1_1315317713\">\n                                <gml:pos>{x} {y} 0.0</gml:pos>\n                            </gml:Point>\n                        </Objecten:punt>\n                    </Objecten:geometrie>"
        );
        let _ = writeln!(
            s,
            "                    <Objecten:gebruiksdoel>{}</Objecten:gebruiksdoel>",
            DOELEN[rng.below(4) as usize]
        );
        let _ = writeln!(
            s,
            "                    <Objecten:oppervlakte>{}</Objecten:oppervlakte>\n                    <Objecten:status>Verblijfsobject in gebruik</Objecten:status>\n                    <Objecten:geconstateerd>N</Objecten:geconstateerd>\n                    <Objecten:documentdatum>2011-03-08</Objecten:documentdatum>\n                    <Objecten:documentnummer>BAG/PVC2010UP0004</Objecten:documentnummer>",
            1 + rng.below(2000)
        );
        let _ = writeln!(
            s,
            "                    <Objecten:maaktDeelUitVan>\n                        <Objecten-ref:PandRef domein=\"NL.IMBAG.Pand\">{:016}</Objecten-ref:PandRef>\n                    </Objecten:maaktDeelUitVan>",
            221_100_000_000_000u64 + i as u64
        );
        s.push_str("                </Objecten:Verblijfsobject>\n            </sl-bag-extract:bagObject>\n        </sl:stand>\n");
    }
    s.push_str(FOOTER);
    s.into_bytes()
}

/// A document of `n` Panden with convex footprints of 4..=13 distinct
/// corners (3D posList wrapped like the real files).
pub fn generate_pnd_xml(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut s = String::with_capacity(n * 2400 + 4096);
    s.push_str(&HEADER.replace("TYPE", "PND"));
    let mut angles: Vec<f64> = Vec::with_capacity(16);
    for i in 0..n {
        let id = 221_100_000_000_000u64 + i as u64;
        s.push_str("        <sl:stand>\n            <sl-bag-extract:bagObject>\n                <Objecten:Pand>\n");
        let _ = writeln!(
            s,
            "                    <Objecten:identificatie domein=\"NL.IMBAG.Pand\">{id:016}</Objecten:identificatie>"
        );
        let k = 4 + rng.below(10) as usize;
        angles.clear();
        for j in 0..k {
            // Distinct increasing angles: one per sector.
            let sector = std::f64::consts::TAU / k as f64;
            angles.push(sector * (j as f64 + 0.1 + 0.8 * rng.below(1000) as f64 / 1000.0));
        }
        let (cx, cy) = (
            rng.coord(13_000.0, 265_000.0),
            rng.coord(306_000.0, 310_000.0),
        );
        let r = 5.0 + rng.below(15) as f64;
        let _ = write!(
            s,
            "                    <Objecten:geometrie>\n                        <gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::28992\" srsDimension=\"3\" gml:id=\"PND_{id:016}_1_1292409078\">\n                            <gml:exterior>\n                                <gml:LinearRing>\n                                    <gml:posList count=\"{}\">",
            k + 1
        );
        let mut first = String::new();
        for (j, a) in angles.iter().chain(std::iter::once(&angles[0])).enumerate() {
            let pt = if j == k {
                first.clone()
            } else {
                let x = ((cx + r * a.cos()) * 1000.0).round() / 1000.0;
                let y = ((cy + r * a.sin()) * 1000.0).round() / 1000.0;
                format!("{x} {y} 0.0")
            };
            if j == 0 {
                first = pt.clone();
            }
            if j > 0 {
                s.push_str(if j % 6 == 0 {
                    "\n                                        "
                } else {
                    " "
                });
            }
            s.push_str(&pt);
        }
        s.push_str("\n                                    </gml:posList>\n                                </gml:LinearRing>\n                            </gml:exterior>\n                        </gml:Polygon>\n                    </Objecten:geometrie>\n");
        let _ = writeln!(
            s,
            "                    <Objecten:oorspronkelijkBouwjaar>{}</Objecten:oorspronkelijkBouwjaar>\n                    <Objecten:status>Pand in gebruik</Objecten:status>\n                    <Objecten:geconstateerd>N</Objecten:geconstateerd>\n                    <Objecten:documentdatum>1995-01-18</Objecten:documentdatum>\n                    <Objecten:documentnummer>94090</Objecten:documentnummer>",
            1800 + rng.below(225)
        );
        voorkomen(&mut s, &mut rng, i % 3 == 0);
        s.push_str("                </Objecten:Pand>\n            </sl-bag-extract:bagObject>\n        </sl:stand>\n");
    }
    s.push_str(FOOTER);
    s.into_bytes()
}

/// The outcome of parsing one in-memory document.
#[derive(Clone, Debug)]
pub struct Measurement {
    pub bytes: usize,
    pub objects: u64,
    pub errors: u64,
    pub secs: f64,
}

impl Measurement {
    /// Throughput in MB/s (10^6 bytes).
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.secs
    }
}

/// Parses `xml` from memory with the lending API (no clones) and times it.
pub fn measure(xml: &[u8], opts: &ParseOptions) -> Measurement {
    let t = Instant::now();
    let mut r = BagXmlReader::new(xml, "bench.xml", opts.clone());
    let (mut objects, mut errors) = (0u64, 0u64);
    loop {
        match r.read_next() {
            Ok(Some(_)) => objects += 1,
            Ok(None) => break,
            Err(_) => {
                errors += 1;
                if r.is_finished() {
                    break;
                }
            }
        }
    }
    Measurement {
        bytes: xml.len(),
        objects,
        errors,
        secs: t.elapsed().as_secs_f64(),
    }
}
