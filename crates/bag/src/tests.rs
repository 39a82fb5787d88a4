//! Parser tests on small snippets in the structure of the real Kadaster
//! files, error positions, and property tests.

use crate::bench::document;
use crate::error::{ErrorKind, GeometryError};
use crate::geom::RingProblem;
use crate::model::*;
use crate::xml::{BagXmlReader, ParseOptions};
use crate::{BagError, BagObject};
use proptest::prelude::*;

const VOORKOMEN: &str = r#"                    <Objecten:voorkomen>
                        <Historie:Voorkomen>
                            <Historie:voorkomenidentificatie>2</Historie:voorkomenidentificatie>
                            <Historie:beginGeldigheid>2019-01-15</Historie:beginGeldigheid>
                            <Historie:eindGeldigheid>2019-03-27</Historie:eindGeldigheid>
                            <Historie:tijdstipRegistratie>2019-01-15T15:18:40.000</Historie:tijdstipRegistratie>
                            <Historie:eindRegistratie>2019-03-29T08:14:36.000</Historie:eindRegistratie>
                            <Historie:BeschikbaarLV>
                                <Historie:tijdstipRegistratieLV>2019-01-15T15:30:56.227</Historie:tijdstipRegistratieLV>
                                <Historie:tijdstipEindRegistratieLV>2019-03-29T08:30:59.880</Historie:tijdstipEindRegistratieLV>
                            </Historie:BeschikbaarLV>
                        </Historie:Voorkomen>
                    </Objecten:voorkomen>
"#;

const VOORKOMEN_OPEN: &str = r#"<Objecten:voorkomen><Historie:Voorkomen><Historie:voorkomenidentificatie>1</Historie:voorkomenidentificatie><Historie:beginGeldigheid>2010-01-26</Historie:beginGeldigheid><Historie:tijdstipRegistratie>2010-12-15T11:34:47.000</Historie:tijdstipRegistratie><Historie:BeschikbaarLV><Historie:tijdstipRegistratieLV>2010-12-15T12:00:51.107</Historie:tijdstipRegistratieLV></Historie:BeschikbaarLV></Historie:Voorkomen></Objecten:voorkomen>"#;

fn stand(object: &str) -> String {
    format!(
        "        <sl:stand>\n            <sl-bag-extract:bagObject>\n{object}\n            </sl-bag-extract:bagObject>\n        </sl:stand>\n"
    )
}

fn vbo(geometrie: &str, extra: &str) -> String {
    format!(
        r#"                <Objecten:Verblijfsobject>
                    <Objecten:heeftAlsHoofdadres>
                        <Objecten-ref:NummeraanduidingRef domein="NL.IMBAG.Nummeraanduiding">0221200000330227</Objecten-ref:NummeraanduidingRef>
                    </Objecten:heeftAlsHoofdadres>
{VOORKOMEN}                    <Objecten:heeftAlsNevenadres>
                        <Objecten-ref:NummeraanduidingRef domein="NL.IMBAG.Nummeraanduiding">0221200000330998</Objecten-ref:NummeraanduidingRef>
                        <Objecten-ref:NummeraanduidingRef domein="NL.IMBAG.Nummeraanduiding">0221200000330999</Objecten-ref:NummeraanduidingRef>
                    </Objecten:heeftAlsNevenadres>
                    <Objecten:identificatie domein="NL.IMBAG.Verblijfsobject">0221010000330226</Objecten:identificatie>
                    <Objecten:geometrie>
{geometrie}
                    </Objecten:geometrie>
                    <Objecten:gebruiksdoel>woonfunctie</Objecten:gebruiksdoel>
                    <Objecten:gebruiksdoel>industriefunctie</Objecten:gebruiksdoel>
                    <Objecten:oppervlakte>306</Objecten:oppervlakte>
                    <Objecten:status>Verblijfsobject in gebruik</Objecten:status>
                    <Objecten:geconstateerd>N</Objecten:geconstateerd>
                    <Objecten:documentdatum>2011-03-08</Objecten:documentdatum>
                    <Objecten:documentnummer>BAG/PVC2010UP0004</Objecten:documentnummer>
{extra}                    <Objecten:maaktDeelUitVan>
                        <Objecten-ref:PandRef domein="NL.IMBAG.Pand">0221100000312938</Objecten-ref:PandRef>
                        <Objecten-ref:PandRef domein="NL.IMBAG.Pand">0221100000312939</Objecten-ref:PandRef>
                    </Objecten:maaktDeelUitVan>
                </Objecten:Verblijfsobject>"#
    )
}

const PUNT: &str = r#"                        <Objecten:punt>
                            <gml:Point srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="3" gml:id="VBO_0221010000330226_1_1315317713">
                                <gml:pos>206335.699 447529.842 0.0</gml:pos>
                            </gml:Point>
                        </Objecten:punt>"#;

fn pand(polygon: &str) -> String {
    format!(
        r#"                <Objecten:Pand>
                    <Objecten:identificatie domein="NL.IMBAG.Pand">0221100000312938</Objecten:identificatie>
                    <Objecten:geometrie>
{polygon}
                    </Objecten:geometrie>
                    <Objecten:oorspronkelijkBouwjaar>1932</Objecten:oorspronkelijkBouwjaar>
                    <Objecten:status>Pand in gebruik</Objecten:status>
                    <Objecten:geconstateerd>N</Objecten:geconstateerd>
                    <Objecten:documentdatum>1995-01-18</Objecten:documentdatum>
                    <Objecten:documentnummer>94090</Objecten:documentnummer>
{VOORKOMEN}                </Objecten:Pand>"#
    )
}

const PAND_POLYGON: &str = r#"                        <gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="3" gml:id="PND_0221100000312938_1_1292409078">
                            <gml:exterior>
                                <gml:LinearRing>
                                    <gml:posList count="5">206329.0 447527.0 0.0 206341.0 447527.0 0.0 206341.0 447537.0 0.0 206329.0
                                        447537.0 0.0 206329.0 447527.0 0.0
                                    </gml:posList>
                                </gml:LinearRing>
                            </gml:exterior>
                            <gml:interior>
                                <gml:LinearRing>
                                    <gml:posList count="5">206330.0 447528.0 0.0 206331.0 447528.0 0.0 206331.0 447529.0 0.0 206330.0 447529.0 0.0 206330.0 447528.0 0.0</gml:posList>
                                </gml:LinearRing>
                            </gml:interior>
                        </gml:Polygon>"#;

/// Parses a document and returns every result.
fn parse_all(xml: &str) -> Vec<Result<BagObject, BagError>> {
    parse_with(xml, ParseOptions::default())
}

fn parse_with(xml: &str, opts: ParseOptions) -> Vec<Result<BagObject, BagError>> {
    BagXmlReader::new(xml.as_bytes(), "test.xml", opts).collect()
}

fn one(xml: &str) -> BagObject {
    let mut all = parse_all(xml);
    assert_eq!(all.len(), 1, "{all:?}");
    match all.remove(0) {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    }
}

fn one_err(xml: &str) -> BagError {
    let mut all = parse_all(xml);
    assert_eq!(all.len(), 1, "{all:?}");
    match all.remove(0) {
        Ok(o) => panic!("expected an error, got {o:?}"),
        Err(e) => e,
    }
}

fn line_of(doc: &str, needle: &str) -> u64 {
    let i = doc.find(needle).expect("needle");
    doc[..i].matches('\n').count() as u64 + 1
}

#[test]
fn verblijfsobject_with_point() {
    let doc = document("VBO", &stand(&vbo(PUNT, "")));
    let BagObject::Verblijfsobject(v) = one(&doc) else {
        panic!()
    };
    assert_eq!(v.identificatie.as_str(), "0221010000330226");
    assert_eq!(v.status, VboStatus::InGebruik);
    assert_eq!(v.gebruiksdoelen.joined(";"), "woonfunctie;industriefunctie");
    assert_eq!(v.oppervlakte, 306);
    assert_eq!((v.punt.x, v.punt.y), (206335.699, 447529.842));
    assert!(v.vlak.is_none());
    assert_eq!(v.hoofdadres.as_str(), "0221200000330227");
    assert_eq!(v.nevenadressen.len(), 2);
    assert_eq!(
        v.panden.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        ["0221100000312938", "0221100000312939"]
    );
    let vk = &v.voorkomen;
    assert_eq!(vk.voorkomenidentificatie, 2);
    assert_eq!(vk.begin_geldigheid.to_string(), "2019-01-15");
    assert_eq!(
        vk.eind_geldigheid.map(|d| d.to_string()).as_deref(),
        Some("2019-03-27")
    );
    assert_eq!(
        vk.tijdstip_registratie.to_string(),
        "2019-01-15T15:18:40.000"
    );
    assert!(vk.eind_registratie.is_some() && vk.tijdstip_inactief.is_none());
}

#[test]
fn verblijfsobject_with_polygon_gets_centroid() {
    let vlak = r#"<Objecten:vlak><gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="2"><gml:exterior><gml:LinearRing><gml:posList>100000 400000 100010 400000 100010 400020 100000 400020 100000 400000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></Objecten:vlak>"#;
    let BagObject::Verblijfsobject(v) = one(&document("VBO", &stand(&vbo(vlak, "")))) else {
        panic!()
    };
    assert!((v.punt.x - 100005.0).abs() < 1e-6 && (v.punt.y - 400010.0).abs() < 1e-6);
    assert_eq!(v.vlak.as_ref().map(|m| m.area()), Some(200.0));
}

#[test]
fn pand_with_hole_and_wrapped_poslist() {
    let BagObject::Pand(p) = one(&document("PND", &stand(&pand(PAND_POLYGON)))) else {
        panic!()
    };
    assert_eq!(p.identificatie.as_str(), "0221100000312938");
    assert_eq!(p.status, PandStatus::InGebruik);
    assert_eq!(p.oorspronkelijk_bouwjaar, 1932);
    let poly = p.geometrie.polygons().next().unwrap();
    assert_eq!(poly.exterior().len(), 5);
    assert_eq!(poly.exterior()[3], [206329.0, 447537.0]);
    assert_eq!(poly.interiors().count(), 1);
    assert_eq!(p.geometrie.area(), 120.0 - 1.0);
}

#[test]
fn pand_2d_and_pos_sequence_and_surface() {
    let two_d = r#"<gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="2"><gml:exterior><gml:LinearRing><gml:posList count="4">0 300000 10 300000 0 300010 0 300000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#;
    let BagObject::Pand(p) = one(&document("PND", &stand(&pand(two_d)))) else {
        panic!()
    };
    assert_eq!(p.geometrie.num_coords(), 4);
    // gml:Surface with PolygonPatch and a ring of gml:pos elements.
    let surface = r#"<gml:Surface srsDimension="2"><gml:patches><gml:PolygonPatch><gml:exterior><gml:LinearRing><gml:pos>0 300000</gml:pos><gml:pos>10 300000</gml:pos><gml:pos>0 300010</gml:pos><gml:pos>0 300000</gml:pos></gml:LinearRing></gml:exterior></gml:PolygonPatch></gml:patches></gml:Surface>"#;
    let BagObject::Pand(p) = one(&document("PND", &stand(&pand(surface)))) else {
        panic!()
    };
    assert_eq!(p.geometrie.num_coords(), 4);
    // No srsDimension at all: inferred from count.
    let inferred = r#"<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList count="4">0 300000 0 10 300000 0 0 300010 0 0 300000 0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#;
    let BagObject::Pand(p) = one(&document("PND", &stand(&pand(inferred)))) else {
        panic!()
    };
    assert_eq!(p.geometrie.coords()[1], [10.0, 300000.0]);
}

#[test]
fn nummeraanduiding() {
    let num = format!(
        r#"<Objecten:Nummeraanduiding><Objecten:identificatie domein="NL.IMBAG.Nummeraanduiding">0221200000330999</Objecten:identificatie><Objecten:huisnummer>9</Objecten:huisnummer><Objecten:huisletter>y</Objecten:huisletter><Objecten:huisnummertoevoeging>bis2</Objecten:huisnummertoevoeging><Objecten:postcode>6981EA</Objecten:postcode><Objecten:typeAdresseerbaarObject>Verblijfsobject</Objecten:typeAdresseerbaarObject><Objecten:status>Naamgeving uitgegeven</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>2011-10-05</Objecten:documentdatum><Objecten:documentnummer>BAG/PVC20111005</Objecten:documentnummer><Objecten:ligtIn><Objecten-ref:WoonplaatsRef domein="NL.IMBAG.Woonplaats">2142</Objecten-ref:WoonplaatsRef></Objecten:ligtIn>{VOORKOMEN_OPEN}<Objecten:ligtAan><Objecten-ref:OpenbareRuimteRef domein="NL.IMBAG.Openbareruimte">0221300000311236</Objecten-ref:OpenbareRuimteRef></Objecten:ligtAan></Objecten:Nummeraanduiding>"#
    );
    let BagObject::Nummeraanduiding(n) = one(&document("NUM", &stand(&num))) else {
        panic!()
    };
    assert_eq!(n.huisnummer, 9);
    assert_eq!(n.huisletter, Some('y'));
    assert_eq!(n.huisnummertoevoeging.as_deref(), Some("bis2"));
    assert_eq!(n.postcode.map(|p| p.to_string()).as_deref(), Some("6981EA"));
    assert_eq!(
        n.type_adresseerbaar_object,
        AdresseerbaarObjectType::Verblijfsobject
    );
    assert_eq!(n.openbare_ruimte.as_str(), "0221300000311236");
    assert_eq!(n.woonplaats.map(|w| w.to_string()).as_deref(), Some("2142"));
    assert!(n.voorkomen.eind_geldigheid.is_none());
}

#[test]
fn openbare_ruimte_with_entities_and_verkorte_naam() {
    let opr = format!(
        r#"<Objecten:OpenbareRuimte><Objecten:identificatie domein="NL.IMBAG.Openbareruimte">0221300000311192</Objecten:identificatie><Objecten:naam>Burg. &amp; Wethouders&#39;laan &lt;1&gt;</Objecten:naam><Objecten:type>Weg</Objecten:type><Objecten:status>Naamgeving uitgegeven</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>2009-01-20</Objecten:documentdatum><Objecten:documentnummer>x</Objecten:documentnummer><Objecten:ligtIn><Objecten-ref:WoonplaatsRef domein="NL.IMBAG.Woonplaats">2142</Objecten-ref:WoonplaatsRef></Objecten:ligtIn>{VOORKOMEN_OPEN}<Objecten:verkorteNaam><nen5825:VerkorteNaamOpenbareRuimte><nen5825:verkorteNaam>Sbn Doormansingel</nen5825:verkorteNaam></nen5825:VerkorteNaamOpenbareRuimte></Objecten:verkorteNaam></Objecten:OpenbareRuimte>"#
    );
    let BagObject::OpenbareRuimte(o) = one(&document("OPR", &stand(&opr))) else {
        panic!()
    };
    assert_eq!(o.naam, "Burg. & Wethouders'laan <1>");
    assert_eq!(o.verkorte_naam.as_deref(), Some("Sbn Doormansingel"));
    assert_eq!(o.type_, OpenbareRuimteType::Weg);
    assert_eq!(o.woonplaats.as_str(), "2142");
}

#[test]
fn woonplaats_with_multivlak() {
    let ring = |x: i32| {
        format!(
            "<gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>{x} 400000 {} 400000 {x} 400010 {x} 400000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>",
            x + 10
        )
    };
    let wpl = format!(
        r#"<Objecten:Woonplaats><Objecten:identificatie domein="NL.IMBAG.Woonplaats">2142</Objecten:identificatie><Objecten:naam>Doesburg</Objecten:naam><Objecten:geometrie><Objecten:multivlak><gml:MultiSurface srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="2">{}{}</gml:MultiSurface></Objecten:multivlak></Objecten:geometrie><Objecten:status>Woonplaats aangewezen</Objecten:status><Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>2010-10-10</Objecten:documentdatum><Objecten:documentnummer>x</Objecten:documentnummer>{VOORKOMEN_OPEN}</Objecten:Woonplaats>"#,
        ring(100000),
        ring(100100)
    );
    let BagObject::Woonplaats(w) = one(&document("WPL", &stand(&wpl))) else {
        panic!()
    };
    assert_eq!(w.identificatie.as_str(), "2142");
    assert_eq!(w.naam, "Doesburg");
    assert_eq!(w.geometrie.num_polygons(), 2);
    assert_eq!(w.status, WoonplaatsStatus::Aangewezen);
}

#[test]
fn ligplaats_and_standplaats() {
    let plaats = |el: &str, id: &str| {
        format!(
            r#"<Objecten:{el}><Objecten:heeftAlsHoofdadres><Objecten-ref:NummeraanduidingRef domein="NL.IMBAG.Nummeraanduiding">0221200000330151</Objecten-ref:NummeraanduidingRef></Objecten:heeftAlsHoofdadres>{VOORKOMEN_OPEN}<Objecten:identificatie domein="NL.IMBAG.{el}">{id}</Objecten:identificatie><Objecten:status>Plaats aangewezen</Objecten:status><Objecten:geometrie><gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" srsDimension="2"><gml:exterior><gml:LinearRing><gml:posList count="5">207429.775 446266.916 207447.071 446257.633 207449.613 446262.37 207432.317 446271.653 207429.775 446266.916</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></Objecten:geometrie><Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>2010-01-26</Objecten:documentdatum><Objecten:documentnummer>x</Objecten:documentnummer></Objecten:{el}>"#
        )
    };
    let doc = document(
        "LIG",
        &(stand(&plaats("Ligplaats", "0221020000330152"))
            + &stand(&plaats("Standplaats", "0221030000330172"))),
    );
    let all: Vec<_> = parse_all(&doc).into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].object_type(), ObjectType::Ligplaats);
    assert_eq!(all[1].object_type(), ObjectType::Standplaats);
    let BagObject::Plaats(p) = &all[1] else {
        panic!()
    };
    assert_eq!(p.soort, PlaatsSoort::Standplaats);
    assert_eq!(p.hoofdadres.as_str(), "0221200000330151");
    assert_eq!(p.geometrie.num_coords(), 5);
}

#[test]
fn gemeente_woonplaats_relatie() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?><gwr-bestand:BAG-GWR-Deelbestand-LVC xmlns:gwr-bestand="a" xmlns:gwr-product="b" xmlns:bagtypes="c" xmlns:selecties-extract="d"><gwr-bestand:SelectieGegevens><selecties-extract:StandTechnischeDatum>2020-09-15</selecties-extract:StandTechnischeDatum></gwr-bestand:SelectieGegevens><gwr-bestand:Product><gwr-product:GemeenteWoonplaatsRelatieProduct><gwr-product:GemeenteWoonplaatsRelatie><gwr-product:tijdvakgeldigheid><bagtypes:begindatumTijdvakGeldigheid>2010-07-23</bagtypes:begindatumTijdvakGeldigheid><bagtypes:einddatumTijdvakGeldigheid>2010-07-24</bagtypes:einddatumTijdvakGeldigheid></gwr-product:tijdvakgeldigheid><gwr-product:gerelateerdeWoonplaats><gwr-product:identificatie>1125</gwr-product:identificatie></gwr-product:gerelateerdeWoonplaats><gwr-product:gerelateerdeGemeente><gwr-product:identificatie>0893</gwr-product:identificatie></gwr-product:gerelateerdeGemeente><gwr-product:status>definitief</gwr-product:status></gwr-product:GemeenteWoonplaatsRelatie></gwr-product:GemeenteWoonplaatsRelatieProduct></gwr-bestand:Product></gwr-bestand:BAG-GWR-Deelbestand-LVC>"#;
    let mut r = BagXmlReader::new(xml.as_bytes(), "gwr.xml", ParseOptions::default());
    let BagObject::GemeenteWoonplaats(g) = r.next().unwrap().unwrap() else {
        panic!()
    };
    assert_eq!(
        (g.woonplaats.as_str(), g.gemeente.as_str()),
        ("1125", "0893")
    );
    assert_eq!(g.begin.to_string(), "2010-07-23");
    assert_eq!(g.eind.map(|d| d.to_string()).as_deref(), Some("2010-07-24"));
    assert_eq!(g.status, GemeenteWoonplaatsStatus::Definitief);
    assert_eq!(
        r.stand_technische_datum().map(|d| d.to_string()).as_deref(),
        Some("2020-09-15")
    );
}

#[test]
fn bad_number_names_line_column_object_and_element() {
    let doc = document("VBO", &stand(&vbo(PUNT, "")).replace(">306<", ">3O6<"));
    let e = one_err(&doc);
    let i = e.info();
    assert_eq!(i.line, Some(line_of(&doc, "3O6")));
    assert_eq!(i.column, Some(43), "{e}");
    assert_eq!(i.field.as_deref(), Some("Objecten:oppervlakte"));
    assert_eq!(
        i.object.as_ref().map(|(t, id)| (*t, id.as_str())),
        Some((ObjectType::Verblijfsobject, "0221010000330226"))
    );
    assert!(
        e.to_string().contains("\"3O6\" is not a whole number"),
        "{e}"
    );
    assert!(
        e.message_nl().contains("is niet een geheel getal"),
        "{}",
        e.message_nl()
    );
}

#[test]
fn bad_coordinate_in_poslist_points_at_the_token() {
    let doc = document(
        "PND",
        &stand(&pand(PAND_POLYGON)).replace("447537.0 0.0 206329.0\n", "447537.0 0.0 2063x9.0\n"),
    );
    let e = one_err(&doc);
    assert_eq!(e.info().line, Some(line_of(&doc, "2063x9.0")));
    let line_text = doc
        .lines()
        .nth(line_of(&doc, "2063x9.0") as usize - 1)
        .unwrap();
    assert_eq!(
        e.info().column,
        Some(line_text.find("2063x9.0").unwrap() as u64 + 1)
    );
    assert_eq!(e.info().field.as_deref(), Some("gml:posList"));
}

#[test]
fn missing_and_unknown_values() {
    let doc = document(
        "VBO",
        &stand(&vbo(PUNT, "")).replace("<Objecten:oppervlakte>306</Objecten:oppervlakte>", ""),
    );
    let e = one_err(&doc);
    assert!(matches!(e.kind(), ErrorKind::Missing), "{e}");
    assert_eq!(e.info().field.as_deref(), Some("Objecten:oppervlakte"));
    assert_eq!(
        e.info().line,
        Some(line_of(&doc, "<Objecten:Verblijfsobject>"))
    );

    let doc = document(
        "VBO",
        &stand(&vbo(PUNT, "")).replace("Verblijfsobject in gebruik", "Bewoond"),
    );
    let e = one_err(&doc);
    assert!(
        e.to_string().contains("\"Bewoond\" is not a known status"),
        "{e}"
    );

    let doc = document(
        "VBO",
        &stand(&vbo(PUNT, "")).replace("0221010000330226", "221010000330226"),
    );
    let e = one_err(&doc);
    assert!(e.to_string().contains("16-digit"), "{e}");
    // The object is then named by its line.
    assert!(e.to_string().contains("Verblijfsobject (line"), "{e}");

    let doc = document(
        "VBO",
        &stand(&vbo(
            PUNT,
            "<Objecten:oppervlakte>1</Objecten:oppervlakte>\n",
        )),
    );
    assert!(matches!(one_err(&doc).kind(), ErrorKind::Duplicate));
}

#[test]
fn geometry_errors() {
    let bad_count = PAND_POLYGON.replacen("count=\"5\"", "count=\"6\"", 1);
    let e = one_err(&document("PND", &stand(&pand(&bad_count))));
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Geometry(GeometryError::CountMismatch {
                declared: 6,
                found: 5
            })
        ),
        "{e}"
    );
    let not_closed = PAND_POLYGON.replacen("206329.0 447527.0 0.0\n", "206329.5 447527.0 0.0\n", 1);
    let e = one_err(&document("PND", &stand(&pand(&not_closed))));
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Geometry(GeometryError::Ring(RingProblem::NotClosed { .. }))
        ),
        "{e}"
    );
    let odd = PAND_POLYGON.replacen(
        "206330.0 447528.0 0.0</gml:posList>",
        "206330.0 447528.0</gml:posList>",
        1,
    );
    let e = one_err(&document("PND", &stand(&pand(&odd))));
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Geometry(GeometryError::ValueCount {
                values: 14,
                dimension: 3
            })
        ),
        "{e}"
    );
    let crs = PAND_POLYGON.replace("EPSG::28992", "EPSG::4326");
    let e = one_err(&document("PND", &stand(&pand(&crs))));
    assert!(
        matches!(e.kind(), ErrorKind::Crs(s) if s.contains("4326")),
        "{e}"
    );
    let dim = PAND_POLYGON.replace("srsDimension=\"3\"", "srsDimension=\"4\"");
    let e = one_err(&document("PND", &stand(&pand(&dim))));
    assert!(
        matches!(e.kind(), ErrorKind::Geometry(GeometryError::Dimension(_))),
        "{e}"
    );
    let point_in_pand = pand(PUNT);
    let e = one_err(&document("PND", &stand(&point_in_pand)));
    assert!(
        matches!(e.kind(), ErrorKind::Geometry(GeometryError::Unexpected(_))),
        "{e}"
    );
    // Self-intersection can be switched off.
    let bowtie = r#"<gml:Polygon srsDimension="2"><gml:exterior><gml:LinearRing><gml:posList>0 300000 10 300010 10 300000 0 300010 0 300000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#;
    let doc = document("PND", &stand(&pand(bowtie)));
    let e = one_err(&doc);
    assert!(e.to_string().contains("self-intersects"), "{e}");
    let lenient = ParseOptions {
        check_self_intersection: false,
        ..ParseOptions::default()
    };
    assert!(parse_with(&doc, lenient)[0].is_ok());
}

#[test]
fn recovers_after_a_bad_object_and_filters_types() {
    let good = stand(&pand(PAND_POLYGON));
    let bad = good.replace(
        "<Objecten:oorspronkelijkBouwjaar>1932",
        "<Objecten:oorspronkelijkBouwjaar>19x2",
    );
    let doc = document(
        "PND",
        &(good.clone() + &bad + &good + &stand(&vbo(PUNT, ""))),
    );
    let all = parse_all(&doc);
    assert_eq!(all.len(), 4);
    assert!(all[0].is_ok() && all[1].is_err() && all[2].is_ok() && all[3].is_ok());
    let only_vbo = ParseOptions {
        types: ObjectTypes::of(&[ObjectType::Verblijfsobject]),
        ..ParseOptions::default()
    };
    let all = parse_with(&doc, only_vbo);
    assert_eq!(all.len(), 1);
    assert!(matches!(all[0], Ok(BagObject::Verblijfsobject(_))));
}

#[test]
fn malformed_xml_is_fatal_with_position() {
    let doc = document("PND", &stand(&pand(PAND_POLYGON)))
        .replace("</Objecten:status>", "</Objecten:statu>");
    let mut r = BagXmlReader::new(doc.as_bytes(), "x.xml", ParseOptions::default());
    let e = r.read_next().unwrap_err();
    assert!(r.is_finished());
    assert!(matches!(e.kind(), ErrorKind::Xml(_)), "{e}");
    assert_eq!(e.info().line, Some(line_of(&doc, "</Objecten:statu>")));
    assert!(e.to_string().contains("Pand 0221100000312938"), "{e}");
    assert!(r.read_next().unwrap().is_none());

    let cut = &doc[..doc.find("<Objecten:status>").unwrap()];
    let e = BagXmlReader::new(cut.as_bytes(), "x.xml", ParseOptions::default())
        .read_next()
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::UnexpectedEof("Objecten:Pand")),
        "{e}"
    );
}

#[test]
fn generated_documents_parse_completely() {
    let vbo = crate::bench::generate_vbo_xml(200, 7);
    let m = crate::bench::measure(&vbo, &ParseOptions::default());
    assert_eq!((m.objects, m.errors), (200, 0));
    let pnd = crate::bench::generate_pnd_xml(200, 7);
    let m = crate::bench::measure(&pnd, &ParseOptions::default());
    assert_eq!((m.objects, m.errors), (200, 0));
}

/// A valid document with one object of each kind, for mutation.
fn sample_doc() -> String {
    document(
        "PND",
        &(stand(&pand(PAND_POLYGON)) + &stand(&vbo(PUNT, ""))),
    )
}

fn drain(bytes: &[u8]) -> (usize, usize) {
    let mut r = BagXmlReader::new(bytes, "fuzz.xml", ParseOptions::default());
    let (mut ok, mut err) = (0, 0);
    // Bounded: every call consumes input or finishes.
    for _ in 0..10_000 {
        match r.read_next() {
            Ok(Some(_)) => ok += 1,
            Ok(None) => break,
            Err(_) => err += 1,
        }
    }
    (ok, err)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        drain(&bytes);
    }

    #[test]
    fn never_panics_on_mutated_documents(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..8)
    ) {
        let mut b = sample_doc().into_bytes();
        for (at, op, byte) in edits {
            if b.is_empty() { break; }
            let i = at.index(b.len());
            match op {
                0 => b[i] = byte,
                1 => { b.remove(i); }
                2 => b.insert(i, byte),
                _ => { b.truncate(i); }
            }
        }
        let (ok, err) = drain(&b);
        prop_assert!(ok + err <= 2 + 8);
    }

    #[test]
    fn never_panics_on_mutated_text_content(
        at in any::<prop::sample::Index>(),
        junk in "[0-9a-zA-Z .,;:+-]{0,12}",
    ) {
        // Replace the content of one element with junk: must be an error or a value, never a panic.
        let doc = sample_doc();
        let gts: Vec<usize> = doc.match_indices('>').map(|(i, _)| i + 1).collect();
        let start = gts[at.index(gts.len())];
        let end = doc[start..].find('<').map_or(doc.len(), |e| start + e);
        let mutated = format!("{}{}{}", &doc[..start], junk, &doc[end..]);
        drain(mutated.as_bytes());
    }

    #[test]
    fn decimal_parsing_matches_std(int in 0u64..1_000_000, frac in 0u64..1_000_000, digits in 0usize..7, neg: bool) {
        let f = format!("{:06}", frac);
        let s = format!("{}{}{}{}", if neg { "-" } else { "" }, int, if digits > 0 { "." } else { "" }, &f[..digits]);
        prop_assert_eq!(crate::num::parse_f64(s.as_bytes()), s.parse::<f64>().ok());
    }

    #[test]
    fn floats_round_trip(bits in any::<u64>()) {
        let v = f64::from_bits(bits);
        prop_assume!(v.is_finite());
        for s in [format!("{v}"), format!("{v:e}")] {
            prop_assert_eq!(crate::num::parse_f64(s.as_bytes()).map(f64::to_bits), Some(v.to_bits()), "{}", s);
        }
    }

    #[test]
    fn coordinates_round_trip_through_the_parser(
        pts in proptest::collection::vec((0i64..300_000_000, 289_000_000i64..629_000_000), 3..20)
    ) {
        // A ring of millimetre coordinates (not necessarily simple: check off).
        let mut ring: Vec<String> = pts.iter().map(|(x, y)| format!("{}.{:03} {}.{:03} 0.0", x / 1000, x % 1000, y / 1000, y % 1000)).collect();
        ring.push(ring[0].clone());
        let poly = format!(
            r#"<gml:Polygon srsDimension="3"><gml:exterior><gml:LinearRing><gml:posList count="{}">{}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#,
            ring.len(),
            ring.join(" ")
        );
        let opts = ParseOptions {
            check_self_intersection: false,
            ..ParseOptions::default()
        };
        let doc = document("PND", &stand(&pand(&poly)));
        let all = parse_with(&doc, opts);
        let Ok(BagObject::Pand(p)) = &all[0] else { panic!("{:?}", all[0]) };
        for (c, (x, y)) in p.geometrie.coords().iter().zip(&pts) {
            let want_x: f64 = format!("{}.{:03}", x / 1000, x % 1000).parse().unwrap();
            let want_y: f64 = format!("{}.{:03}", y / 1000, y % 1000).parse().unwrap();
            prop_assert_eq!(c[0].to_bits(), want_x.to_bits());
            prop_assert_eq!(c[1].to_bits(), want_y.to_bits());
        }
    }

    #[test]
    fn simple_polygons_pass_and_bowties_fail(k in 4usize..40, seed in any::<u64>()) {
        // Convex polygon (simple) from sorted angles; swapping two neighbouring
        // vertices of a convex polygon makes it self-intersect (adjacent ones: k >= 4).
        let mut s = seed | 1;
        let mut next = || { s ^= s << 13; s ^= s >> 7; s ^= s << 17; s };
        let ring: Vec<[f64; 2]> = (0..k).map(|i| {
            let a = std::f64::consts::TAU * (i as f64 + 0.2 + 0.6 * (next() % 1000) as f64 / 1000.0) / k as f64;
            [((100_000.0 + 50.0 * a.cos()) * 1000.0).round() / 1000.0, ((400_000.0 + 50.0 * a.sin()) * 1000.0).round() / 1000.0]
        }).collect();
        let mut closed = ring.clone();
        closed.push(ring[0]);
        prop_assert!(crate::geom::check_ring_simple(&closed).is_ok());
        let mut swapped = ring.clone();
        swapped.swap(0, 1);
        swapped.push(swapped[0]);
        prop_assert!(crate::geom::check_ring_simple(&swapped).is_err());
    }
}
