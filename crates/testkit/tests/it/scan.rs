//! The gebiedsscan in the server: start a run, read its explanation, record a
//! decision; partners see aggregates only; other areas stay invisible.

use bz_domain::identity::{NewOrganisation, NewUser, Role};
use bz_store::area::AddressRow;
use bz_testkit::{Client, GEMEENTE, PASSWORD, TestApp};
use reqwest::StatusCode;

fn address(id: &str, x: f64, y: f64, gebruiksdoel: &str, opp: i64, status: &str) -> AddressRow {
    AddressRow {
        id: id.into(),
        x,
        y,
        gemeente_code: GEMEENTE.into(),
        straat: "Veldweg".into(),
        huisnummer: id[id.len() - 2..].parse().unwrap_or(1),
        huisletter: None,
        postcode: Some("7399 AB".into()),
        woonplaats: "Testdorp".into(),
        gebruiksdoel: gebruiksdoel.into(),
        oppervlakte: opp,
        bouwjaar: Some(1970),
        status: status.into(),
        source: "test".into(),
    }
}

async fn seed_addresses(app: &TestApp) {
    let rows = vec![
        address(
            "9901010000000001",
            230_000.0,
            455_000.0,
            "woonfunctie",
            120,
            "Verblijfsobject in gebruik",
        ),
        address(
            "9901010000000002",
            230_020.0,
            455_000.0,
            "industriefunctie",
            900,
            "Verblijfsobject buiten gebruik",
        ),
        address(
            "9901010000000003",
            232_500.0,
            457_000.0,
            "woonfunctie",
            100,
            "Verblijfsobject in gebruik",
        ),
    ];
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::insert_addresses(&mut tx, &rows, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Start a scan of the test municipality through the form; the run's path.
async fn municipality_run(c: &mut Client) -> String {
    c.get("/gebiedsscan").await.unwrap();
    let r = c
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
    r.location().unwrap()
}

/// A signal at BAG object `bag`, stored as an earlier intake would have.
async fn signal_at(app: &TestApp, bag: &str) -> String {
    crate::stored_signal(app, |s| {
        s.x = Some(230_020.0);
        s.y = Some(455_000.0);
        s.bag_id = Some(bag.into());
        s.description = "Vaten achter de loods.".into();
    })
    .await
}

#[tokio::test]
async fn an_aov_runs_a_scan_reads_the_explanation_and_records_a_decision() {
    let app = TestApp::spawn().await.unwrap();
    seed_addresses(&app).await;
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    let run_path = municipality_run(&mut aov).await;
    let page = aov.get(&run_path).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("gebiedsscan-v1") && page.body.contains("Veldweg 2"),
        "run page lists addresses"
    );
    let run_id = run_path.trim_start_matches("/gebiedsscan/").to_string();
    let run = app.store.scan_run(&run_id).await.unwrap();
    assert_eq!(run.addresses, 3);
    let bias: serde_json::Value = serde_json::from_str(&run.bias).unwrap();
    assert_eq!(
        bias["per_stedelijkheid"][0]["group"], "5",
        "three rural addresses"
    );
    assert_eq!(bias["per_stedelijkheid"][0]["addresses"], 3);
    assert!(
        page.body.contains("id=\"bias-urbanity\""),
        "bias report shown"
    );
    assert_eq!(run.peildatum, "2026-06-30");

    // The explanation adds up to the score: 0.15*clamp((20-100)/900) = 0 for isolation,
    // 0.10 large building + 0.10 out of use = 0.20.
    let a = aov
        .get(&format!("{run_path}/adres/9901010000000002"))
        .await
        .unwrap();
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains("id=\"score\">0.200"),
        "{}",
        &a.body[a.body.find("id=\"score\"").unwrap_or(0)..][..80]
    );
    assert!(a.body.contains("Groot bedrijfspand") && a.body.contains("0.100"));
    // The source data behind the indicators, with dates.
    assert!(a.body.contains("id=\"sources-bag\"") && a.body.contains("id=\"sources-incidents\""));

    // A decision needs a reason.
    let bad = aov
        .post_form(
            &format!("{run_path}/adres/9901010000000002/besluit"),
            &[("decision", "gesprek_de_boer_op"), ("reason", "kort")],
        )
        .await
        .unwrap();
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("reason-error"));
    let ok = aov
        .post_form(
            &format!("{run_path}/adres/9901010000000002/besluit"),
            &[
                ("decision", "gesprek_de_boer_op"),
                (
                    "reason",
                    "Leegstaande loods, eigenaar onbekend bij de wijkagent.",
                ),
            ],
        )
        .await
        .unwrap();
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Leegstaande loods"));
    let decisions = app
        .store
        .scan_decisions(&run_id, "9901010000000002")
        .await
        .unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].decision, "gesprek_de_boer_op");
    let audit = app.store.audit_page(50, None, Some("scan.")).await.unwrap();
    for action in [
        "scan.run",
        "scan.results.view",
        "scan.address.view",
        "scan.decision",
    ] {
        assert!(
            audit.iter().any(|e| e.record.action == action),
            "{action} audited"
        );
    }

    // The home page shows the latest run of the area.
    let home = aov.get("/").await.unwrap();
    assert!(
        home.body.contains(&format!("href=\"{run_path}\"")),
        "home links the latest scan"
    );

    // The CSV export has every address with its indicators and the latest decision.
    let csv = aov.get(&format!("{run_path}/export.csv")).await.unwrap();
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 4, "header and three addresses");
    assert!(
        lines[1].starts_with("9901010000000002,") && lines[1].ends_with(",laag,gesprek_de_boer_op"),
        "{}",
        lines[1]
    );

    // The same table as Excel and as GeoJSON points in WGS84.
    let x = aov
        .http
        .get(format!("{}{run_path}/export.xlsx", aov.base))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    assert!(
        x.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = x.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");
    let g = aov
        .get(&format!("{run_path}/export.geojson"))
        .await
        .unwrap();
    assert_eq!(g.status, StatusCode::OK);
    let g: serde_json::Value = serde_json::from_str(&g.body).unwrap();
    let features = g["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    let f = features
        .iter()
        .find(|f| f["id"] == "9901010000000002")
        .unwrap();
    let c = &f["geometry"]["coordinates"];
    let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    assert!(
        (5.0..8.0).contains(&lon) && (51.0..54.0).contains(&lat),
        "{lon} {lat}"
    );
    assert_eq!(f["properties"]["laatste_besluit"], "gesprek_de_boer_op");
    assert_eq!(
        app.store
            .audit_page(10, None, Some("scan.results.export"))
            .await
            .unwrap()
            .len(),
        3,
        "every export is audited"
    );

    // A partner sees the distribution but no addresses.
    let mut partner = app.login(app.account(Role::Partner)).await.unwrap();
    let p = partner.get(&run_path).await.unwrap();
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("Veldweg"), "no addresses for partners");
    assert_eq!(
        partner
            .get(&format!("{run_path}/adres/9901010000000002"))
            .await
            .unwrap()
            .status,
        StatusCode::FORBIDDEN
    );

    // An organisation that does not work in this municipality sees nothing of the run.
    let other = bz_web::provision::ensure_org(
        &app.store,
        &NewOrganisation::parse("Gemeente Elders", "gemeente", "GM0001").unwrap(),
        &[],
    )
    .await
    .unwrap();
    let secret = bz_web::auth::totp::new_secret();
    bz_web::provision::create_user(
        &app.store,
        &other.id,
        &NewUser::parse("elders.aov", "Elders", "", &["aov".into()]).unwrap(),
        PASSWORD,
        Some(&secret),
        false,
        bz_web::provision::IfExists::Fail,
    )
    .await
    .unwrap();
    let acc = bz_testkit::Account {
        username: "elders.aov".into(),
        password: PASSWORD.into(),
        totp_secret: secret,
        role: Role::Aov,
    };
    let mut elders = app.login(&acc).await.unwrap();
    assert_eq!(
        elders.get(&run_path).await.unwrap().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        elders
            .get(&format!("{run_path}/adres/9901010000000002"))
            .await
            .unwrap()
            .status,
        StatusCode::NOT_FOUND
    );
    let r = elders
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
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot scan another organisation's area"
    );
}

#[tokio::test]
async fn scans_of_empty_areas_and_bad_dates_are_refused_with_field_errors() {
    let app = TestApp::spawn().await.unwrap();
    let mut analist = app.login(app.account(Role::Analist)).await.unwrap();
    analist.get("/gebiedsscan").await.unwrap();
    let r = analist
        .post_form(
            "/gebiedsscan",
            &[
                ("area", GEMEENTE),
                ("kind", "buitengebied"),
                ("peildatum", "2026-02-30"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("peildatum-error"));
    let r = analist
        .post_form(
            "/gebiedsscan",
            &[
                ("area", GEMEENTE),
                ("kind", "buitengebied"),
                ("peildatum", "2026-01-31"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("geen adressen"), "empty area explained");
    assert!(
        app.store
            .scan_runs(&[GEMEENTE.to_string()])
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
}

#[tokio::test]
async fn the_algorithm_register_is_public() {
    let app = TestApp::spawn().await.unwrap();
    let r = app.client().get("/algoritmeregister").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    for w in ["0.30", "0.15", "0.20", "0.10", "Menselijke tussenkomst"] {
        assert!(r.body.contains(w), "{w}");
    }
    let r = app.client().get("/api/v1/algoritmeregister").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let entries = v.as_array().unwrap();
    assert_eq!(entries.len(), 1, "one entry per municipality organisation");
    assert_eq!(entries[0]["organization"], "Gemeente Testdorp");
    assert_eq!(entries[0]["standard_version"], "1.0.0");
    assert_eq!(entries[0]["publication_category"], "Impactvolle algoritmes");
}

#[tokio::test]
async fn the_scan_works_through_the_json_api_too() {
    let app = TestApp::spawn().await.unwrap();
    seed_addresses(&app).await;
    let mut analist = app.login(app.account(Role::Analist)).await.unwrap();
    let me: serde_json::Value =
        serde_json::from_str(&analist.get("/api/v1/me").await.unwrap().body).unwrap();
    let token = me["csrf_token"].as_str().unwrap().to_string();
    let bad = analist
        .post_json(
            "/api/v1/gebiedsscan",
            &serde_json::json!({"area": GEMEENTE, "kind": "overal", "peildatum": "2026-13-01"}),
            Some(&token),
        )
        .await
        .unwrap();
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    let fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["kind", "peildatum"]);
    let r = analist
        .post_json(
            "/api/v1/gebiedsscan",
            &serde_json::json!({"area": GEMEENTE, "kind": "gemeente", "peildatum": "2026-06-30"}),
            Some(&token),
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let run: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let id = run["id"].as_str().unwrap().to_string();
    assert_eq!(run["addresses"], 3);
    assert_eq!(run["weights"]["incidenten_1km_5j"], 0.3);
    let detail: serde_json::Value = serde_json::from_str(
        &analist
            .get(&format!("/api/v1/gebiedsscan/{id}?limit=2"))
            .await
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(detail["results"].as_array().unwrap().len(), 2);
    assert_eq!(detail["results"][0]["address_id"], "9901010000000002");
    let d = analist
        .post_json(&format!("/api/v1/gebiedsscan/{id}/adres/9901010000000002/besluit"), &serde_json::json!({"decision": "integrale_controle_voorstellen", "reason": "Samen met OD en politie bekijken."}), Some(&token))
        .await
        .unwrap();
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let list: serde_json::Value =
        serde_json::from_str(&analist.get("/api/v1/gebiedsscan").await.unwrap().body).unwrap();
    assert_eq!(list["runs"].as_array().unwrap().len(), 1);

    // Partners get the run without results.
    let mut partner = app.login(app.account(Role::Partner)).await.unwrap();
    let p: serde_json::Value = serde_json::from_str(
        &partner
            .get(&format!("/api/v1/gebiedsscan/{id}"))
            .await
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(p["hoog"], 0);
    assert!(
        p.get("results").is_none(),
        "no per-address results for partners"
    );
}

#[tokio::test]
async fn a_scan_over_an_own_area_covers_only_the_addresses_inside_its_polygon() {
    let app = TestApp::spawn().await.unwrap();
    seed_addresses(&app).await;
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    aov.get("/gebiedsscan").await.unwrap();
    // A square of 1 km around the first two addresses, in RD New; the third
    // address (2.5 km away) lies outside it.
    let square = r#"{"type":"Polygon","coordinates":[[[229500,454500],[230500,454500],[230500,455500],[229500,455500],[229500,454500]]]}"#;

    // Missing name and unreadable boundary: errors at those fields, input kept.
    let bad = aov
        .post_form(
            "/gebiedsscan",
            &[
                ("area", GEMEENTE),
                ("kind", "eigen_gebied"),
                ("peildatum", "2026-06-30"),
                ("naam", ""),
                ("gebied", "{\"type\":\"Point\",\"coordinates\":[1,2]}"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"naam-error\"") && bad.body.contains("id=\"gebied-error\""));
    assert!(
        bad.body.contains("value=\"eigen_gebied\" checked"),
        "the choice is kept"
    );

    let r = aov
        .post_form(
            "/gebiedsscan",
            &[
                ("area", GEMEENTE),
                ("kind", "eigen_gebied"),
                ("peildatum", "2026-06-30"),
                ("naam", "Veldweg en omgeving"),
                ("gebied", square),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let run_id = r
        .location()
        .unwrap()
        .trim_start_matches("/gebiedsscan/")
        .to_string();
    let run = app.store.scan_run(&run_id).await.unwrap();
    assert_eq!(
        (run.area_kind.as_str(), run.area_name.as_str()),
        ("eigen_gebied", "Veldweg en omgeving")
    );
    assert_eq!(run.addresses, 2, "only the addresses inside the polygon");
    let kept: serde_json::Value =
        serde_json::from_str(run.area_geometry.as_deref().unwrap()).unwrap();
    assert!(
        kept["type"] == "Polygon" && kept["coordinates"][0][0][0] == 229_500.0,
        "the boundary is kept with the run in RD New: {kept}"
    );
    // The indicators still count the surroundings: the engine sees every address.
    let results = app.store.scan_results(&run_id, None, 10, 0).await.unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r.result.address_id != "9901010000000003")
    );
    let page = aov.get(&format!("/gebiedsscan/{run_id}")).await.unwrap();
    assert!(page.body.contains("Veldweg en omgeving"), "{}", page.body);

    // The same through the API, in WGS84; a polygon far away has no addresses.
    let csrf = aov.csrf.clone().unwrap();
    let far = serde_json::json!({"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.01, 52.0], [5.01, 52.01], [5.0, 52.0]]]});
    let api = aov
        .post_json(
            "/api/v1/gebiedsscan",
            &serde_json::json!({"area": GEMEENTE, "kind": "eigen_gebied", "peildatum": "2026-06-30", "name": "Ver weg", "geometry": far}),
            Some(&csrf),
        )
        .await
        .unwrap();
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    assert!(api.body.contains("\"geometry\""), "{}", api.body);
}

#[tokio::test]
async fn a_signal_at_a_scanned_address_links_to_its_explanation_for_those_who_may_see_it() {
    let app = TestApp::spawn().await.unwrap();
    seed_addresses(&app).await;
    let scanned = signal_at(&app, "9901010000000002").await;
    let elsewhere = signal_at(&app, "9901010000009999").await;

    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    // Before any run: the address without a link.
    let page = aov.get(&format!("/signalen/{scanned}")).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/adres/9901010000000002"), "no run yet");
    let run_path = municipality_run(&mut aov).await;
    let explanation = format!("{run_path}/adres/9901010000000002");
    let page = aov.get(&format!("/signalen/{scanned}")).await.unwrap();
    assert!(
        page.body.contains(&format!("href=\"{explanation}\"")),
        "{}",
        page.body
    );
    assert_eq!(aov.get(&explanation).await.unwrap().status, StatusCode::OK);
    // An address no run holds: no link.
    let page = aov.get(&format!("/signalen/{elsewhere}")).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/adres/9901010000009999"));
    // Intake handles the signal but may not see scored addresses: no link.
    let mut intake = app.login(app.account(Role::Intake)).await.unwrap();
    let page = intake.get(&format!("/signalen/{scanned}")).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("9901010000000002"),
        "the address itself is shown"
    );
    assert!(!page.body.contains("/gebiedsscan/"), "{}", page.body);
}
