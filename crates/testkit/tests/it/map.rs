//! The map over HTTP: tiles per role (decoded and compared), ETags, the
//! table and JSON views with the same figures, suppression for partners,
//! location details for those who may see them, and the audit trail.

use bz_domain::identity::Role;
use bz_store::area::AddressRow;
use bz_testkit::{GEMEENTE, TestApp};
use bz_tiles::TileId;
use bz_tiles::decode::{DecodedLayer, decode};
use bz_tiles::world::rd_to_world;
use reqwest::StatusCode;

fn address(id: &str, x: f64, y: f64) -> AddressRow {
    AddressRow {
        id: id.into(),
        x,
        y,
        gemeente_code: GEMEENTE.into(),
        straat: "Kaartweg".into(),
        huisnummer: id[id.len() - 2..].parse().unwrap_or(1),
        huisletter: None,
        postcode: Some("7399 AB".into()),
        woonplaats: "Testdorp".into(),
        gebruiksdoel: "industriefunctie".into(),
        oppervlakte: 900,
        bouwjaar: Some(1970),
        status: "Verblijfsobject buiten gebruik".into(),
        source: "test".into(),
    }
}

/// Six addresses in square E2300N4550 and two in E2325N4570.
async fn seed(app: &TestApp) {
    let mut rows = Vec::new();
    for i in 0..6 {
        rows.push(address(
            &format!("99010200000000{i:02}"),
            230_010.0 + 40.0 * f64::from(i),
            455_100.0,
        ));
    }
    rows.push(address("9901020000000010", 232_600.0, 457_100.0));
    rows.push(address("9901020000000011", 232_650.0, 457_150.0));
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::insert_addresses(&mut tx, &rows, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn tile_path(z: u8, x: f64, y: f64) -> String {
    let t = TileId::containing(z, rd_to_world(bz_geo::RdPoint::new(x, y)).unwrap());
    format!("/kaart/tegels/{}/{}/{}", t.z, t.x, t.y)
}

async fn tile(
    c: &bz_testkit::Client,
    path: &str,
) -> (StatusCode, Option<String>, Vec<DecodedLayer>) {
    let r = c
        .http
        .get(format!("{}{}", c.base, path))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let etag = r
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    if status == StatusCode::OK {
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.mapbox-vector-tile"
        );
    }
    let bytes = r.bytes().await.unwrap();
    let layers = if status == StatusCode::OK {
        decode(&bytes).unwrap()
    } else {
        Vec::new()
    };
    (status, etag, layers)
}

fn names(layers: &[DecodedLayer]) -> Vec<&str> {
    layers.iter().map(|l| l.name.as_str()).collect()
}

#[tokio::test]
async fn tiles_tables_and_details_follow_the_role() {
    eprintln!("db: {}", crate::db_label());
    let app = TestApp::spawn().await.unwrap();
    seed(&app).await;
    let mut analist = app.login(app.account(Role::Analist)).await.unwrap();
    analist.get("/gebiedsscan").await.unwrap();
    let r = analist
        .post_form(
            "/gebiedsscan",
            &[
                ("area", GEMEENTE),
                ("kind", "gemeente"),
                ("peildatum", "2026-06-30"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The analyst's tile holds the eight locations with their ids and classes.
    let path = tile_path(13, 230_100.0, 455_100.0);
    let (status, etag, layers) = tile(&analist, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(names(&layers).contains(&"locaties"), "{:?}", names(&layers));
    let locs = layers.iter().find(|l| l.name == "locaties").unwrap();
    let mut ids: Vec<&str> = locs
        .features
        .iter()
        .filter_map(|f| f.props["id"].as_str())
        .collect();
    ids.sort_unstable();
    assert!(
        ids.contains(&"9901020000000000") && ids.len() <= 8 && !ids.is_empty(),
        "{ids:?}"
    );

    // Same data, same view: 304 with the ETag.
    let etag = etag.expect("etag");
    let again = analist
        .http
        .get(format!("{}{}", analist.base, path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // A new scan run lands: the same tile gets a new ETag.
    analist.get("/gebiedsscan").await.unwrap();
    let r = analist
        .post_form(
            "/gebiedsscan",
            &[
                ("area", GEMEENTE),
                ("kind", "buitengebied"),
                ("peildatum", "2026-07-01"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, new_etag, _) = tile(&analist, &path).await;
    assert_ne!(
        new_etag.as_deref(),
        Some(etag.as_str()),
        "new run, new ETag"
    );

    // A partner's tile has aggregates only, and the two-address square is suppressed.
    let partner = app.login(app.account(Role::Partner)).await.unwrap();
    let square = |layers: &[DecodedLayer], code: &str| {
        for l in layers {
            assert!(
                l.name == "gemeenten" || l.name == "vierkanten",
                "partner got layer {}",
                l.name
            );
        }
        let squares = layers
            .iter()
            .find(|l| l.name == "vierkanten")
            .expect("squares");
        squares
            .features
            .iter()
            .find(|f| f.props["code"].as_str() == Some(code))
            .expect("square")
            .clone()
    };
    let (status, _, layers) = tile(&partner, &tile_path(11, 232_600.0, 457_100.0)).await;
    assert_eq!(status, StatusCode::OK);
    let small = square(&layers, "E2325N4570");
    assert!(small.props.contains_key("onderdrukt") && !small.props.contains_key("adressen"));
    let (_, _, layers) = tile(&partner, &tile_path(11, 230_100.0, 455_100.0)).await;
    let big = square(&layers, "E2300N4550");
    assert_eq!(big.props["adressen"].as_f64(), Some(6.0));

    // The JSON view has the same figures and the same suppression.
    let mut partner = partner;
    let j: serde_json::Value =
        serde_json::from_str(&partner.get("/api/v1/kaart/vierkanten").await.unwrap().body).unwrap();
    let rows = j["vierkanten"].as_array().unwrap();
    let row = |code: &str| rows.iter().find(|r| r["code"] == code).unwrap().clone();
    assert_eq!(row("E2300N4550")["addresses"], 6);
    assert_eq!(row("E2325N4570")["suppressed"], true);
    assert!(row("E2325N4570")["addresses"].is_null());
    assert_eq!(j["lagen"], serde_json::json!(["gemeenten", "vierkanten"]));
    let j: serde_json::Value =
        serde_json::from_str(&analist.get("/api/v1/kaart/vierkanten").await.unwrap().body).unwrap();
    assert_eq!(
        j["vierkanten"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == "E2325N4570")
            .unwrap()["addresses"],
        2
    );

    // The table view: addresses for the analyst, none for the partner.
    let t = analist.get("/kaart/tabel").await.unwrap();
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.body.contains("E2300N4550"));
    let t = partner.get("/kaart/tabel").await.unwrap();
    assert!(t.body.contains("E2300N4550") && !t.body.contains("Kaartweg"));

    // Details of a clicked location: for the analyst (audited), never for the partner.
    let d = analist
        .get("/kaart/locatie/9901020000000000")
        .await
        .unwrap();
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let d: serde_json::Value = serde_json::from_str(&d.body).unwrap();
    assert!(
        d["href"]
            .as_str()
            .unwrap()
            .ends_with("/adres/9901020000000000")
    );
    assert_eq!(d["adres"], "Kaartweg 0");
    let audit = app
        .store
        .audit_page(10, None, Some("map.location"))
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    let d = partner
        .get("/kaart/locatie/9901020000000000")
        .await
        .unwrap();
    assert_eq!(d.status, StatusCode::FORBIDDEN);

    // The municipality at a glance, as a page and as an A4 PDF with the same figures.
    let g = partner.get(&format!("/gemeente/{GEMEENTE}")).await.unwrap();
    assert_eq!(g.status, StatusCode::OK);
    assert!(g.body.contains("Testgemeente") && g.body.contains("incidents-table"));
    let pdf = partner
        .http
        .get(format!("{}/gemeente/{GEMEENTE}/pdf", partner.base))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(bz_pdf::page_count(&bytes).unwrap(), 1);
    let text = bz_pdf::extract_text(&bytes).unwrap();
    assert!(text.contains("Testgemeente"), "{text}");
    let other = partner.get("/gemeente/GM0000/pdf").await.unwrap();
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    // A period that is not a date is refused with a clear message.
    let bad = analist
        .get("/api/v1/kaart/vierkanten?van=31-12-2024")
        .await
        .unwrap();
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("periode van"), "{}", bad.body);
    // A run that is not the viewer's is not found.
    let other = analist
        .get("/kaart?run=00000000-0000-7000-8000-000000000000")
        .await
        .unwrap();
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}
