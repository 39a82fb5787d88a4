//! Indicator sets through HTTP: an analist makes a new version with other
//! weights, cannot approve it herself, a beheerder approves it (audited with
//! his name), a scan with it stores key@version and its weights, and the
//! address explanation uses them. Wrong sums and special-category data are
//! refused with Dutch messages.

use bz_domain::identity::Role;
use bz_store::area::AddressRow;
use bz_testkit::{Client, GEMEENTE, TestApp};
use reqwest::StatusCode;

fn address(id: &str, x: f64, gebruiksdoel: &str, opp: i64, status: &str) -> AddressRow {
    AddressRow {
        id: id.into(),
        x,
        y: 455_000.0,
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

async fn seed(app: &TestApp) {
    let rows = vec![
        address(
            "9901010000000001",
            230_000.0,
            "woonfunctie",
            120,
            "Verblijfsobject in gebruik",
        ),
        address(
            "9901010000000002",
            230_020.0,
            "industriefunctie",
            900,
            "Verblijfsobject buiten gebruik",
        ),
    ];
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::insert_addresses(&mut tx, &rows, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The form fields of a set with these weights (score order) and the v1 caps and classes.
fn form(key: &str, weights: [&str; 6]) -> Vec<(String, String)> {
    let names = [
        "incidenten_1km_5j",
        "signalen_500m_2j",
        "isolatie_m",
        "agrarisch_gestopt",
        "groot_bedrijfspand",
        "buiten_gebruik",
    ];
    let mut f: Vec<(String, String)> = vec![
        ("key".into(), key.into()),
        (
            "name".into(),
            "Zwaarder gewicht voor grote bedrijfspanden".into(),
        ),
        ("cutoff_hoog".into(), "0,5".into()),
        ("cutoff_midden".into(), "0,25".into()),
        ("incidenten_1km_5j.cap".into(), "5".into()),
        ("signalen_500m_2j.cap".into(), "5".into()),
        ("isolatie_m.from_m".into(), "100".into()),
        ("isolatie_m.to_m".into(), "1000".into()),
    ];
    for (n, w) in names.iter().zip(weights) {
        f.push((format!("{n}.enabled"), "on".into()));
        f.push((format!("{n}.weight"), w.into()));
    }
    f
}

async fn post(c: &mut Client, path: &str, f: &[(String, String)]) -> bz_testkit::Resp {
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post_form(path, &fields).await.unwrap()
}

#[tokio::test]
async fn a_new_version_is_approved_by_a_second_person_and_scores_a_run() {
    let app = TestApp::spawn().await.unwrap();
    seed(&app).await;
    let new = "/gebiedsscan/indicatorsets/nieuw";

    // The analist makes a new version: a large business building weighs 0.20 instead of 0.10.
    let mut analist = app.login(app.account(Role::Analist)).await.unwrap();
    let page = analist.get(new).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"groot_bedrijfspand.weight\""));

    // A sum other than 1 is refused in Dutch, with the typed values shown again.
    let bad = post(
        &mut analist,
        new,
        &form(
            "buitengebied-test",
            ["0,40", "0.15", "0.15", "0.10", "0.20", "0.10"],
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("zijn samen 1,1000. Dat moet precies 1 zijn"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("id=\"weights-error\""));
    assert!(bad.body.contains("value=\"0,40\""), "typed value re-shown");

    // Special-category data cannot be configured at all.
    let mut special = form(
        "buitengebied-test",
        ["0.30", "0.15", "0.15", "0.10", "0.20", "0.10"],
    );
    special.push(("nationaliteit.weight".into(), "0.1".into()));
    special.push(("nationaliteit.enabled".into(), "on".into()));
    let bad = post(&mut analist, new, &special).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("bijzondere persoonsgegevens") && bad.body.contains("nationaliteit"),
        "{}",
        bad.body
    );
    // An unknown indicator is refused too, with its own message.
    let mut unknown = form(
        "buitengebied-test",
        ["0.30", "0.15", "0.15", "0.10", "0.20", "0.10"],
    );
    unknown.push(("woz_waarde.weight".into(), "0.1".into()));
    let bad = post(&mut analist, new, &unknown).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("geen toegestane indicator"));
    assert!(app.store.indicator_sets().await.unwrap().is_empty());

    let ok = post(
        &mut analist,
        new,
        &form(
            "buitengebied-test",
            ["0.30", "0.15", "0.15", "0.10", "0.20", "0.10"],
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(
        ok.location().as_deref(),
        Some("/gebiedsscan/indicatorsets?nieuw=buitengebied-test@1")
    );

    // A draft cannot be used for a scan yet.
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    aov.get("/gebiedsscan").await.unwrap();
    let start = |set: &'static str| {
        vec![
            ("area".to_string(), GEMEENTE.to_string()),
            ("kind".to_string(), "gemeente".to_string()),
            ("peildatum".to_string(), "2026-06-30".to_string()),
            ("indicator_set".to_string(), set.to_string()),
        ]
    };
    let r = post(&mut aov, "/gebiedsscan", &start("buitengebied-test@1")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("indicator_set-error"));

    // Four eyes: the author cannot approve her own version.
    analist.get("/gebiedsscan/indicatorsets").await.unwrap();
    let approve = "/gebiedsscan/indicatorsets/buitengebied-test/1/goedkeuren";
    let own = analist.post_form(approve, &[]).await.unwrap();
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(own.body.contains("die u zelf hebt gemaakt niet goedkeuren"));
    let row = app
        .store
        .indicator_set_row("buitengebied-test", 1)
        .await
        .unwrap();
    assert_eq!(row.status, bz_domain::indicators::Status::Draft);

    // A beheerder approves it; the audit trail names him.
    let mut beheerder = app.login(app.account(Role::Beheerder)).await.unwrap();
    let list = beheerder.get("/gebiedsscan/indicatorsets").await.unwrap();
    assert!(
        list.body
            .contains("/gebiedsscan/indicatorsets/buitengebied-test/1/goedkeuren")
    );
    let r = beheerder.post_form(approve, &[]).await.unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = beheerder.post_form(approve, &[]).await.unwrap();
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "approved versions never change"
    );
    let audit = app
        .store
        .audit_page(20, None, Some("indicatorset."))
        .await
        .unwrap();
    let approved: Vec<_> = audit
        .iter()
        .filter(|e| e.record.action == "indicatorset.approve" && e.record.result == "success")
        .collect();
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0].record.actor_name, "test.beheerder");
    assert_eq!(approved[0].record.object_id, "buitengebied-test@1");
    assert!(
        audit
            .iter()
            .any(|e| e.record.action == "indicatorset.approve"
                && e.record.result == "denied"
                && e.record.actor_name == "test.analist")
    );
    assert!(
        audit
            .iter()
            .any(|e| e.record.action == "indicatorset.create")
    );
    let shown = beheerder
        .get("/gebiedsscan/indicatorsets/buitengebied-test/1")
        .await
        .unwrap();
    assert!(
        shown.body.contains("test.beheerder"),
        "who approved is shown"
    );

    // A run with the new set stores key@version and its weights, and scores with them.
    let r = post(&mut aov, "/gebiedsscan", &start("buitengebied-test@1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let run_path = r.location().unwrap();
    let run_id = run_path.trim_start_matches("/gebiedsscan/");
    let run = app.store.scan_run(run_id).await.unwrap();
    assert_eq!(run.indicator_set, "buitengebied-test@1");
    let w: serde_json::Value = serde_json::from_str(&run.weights).unwrap();
    assert_eq!(w["groot_bedrijfspand"], 0.2);
    assert_eq!(w["agrarisch_gestopt"], 0.1);
    // 0.20 large building + 0.10 out of use = 0.30: midden with these weights (laag under v1).
    let a = aov
        .get(&format!("{run_path}/adres/9901010000000002"))
        .await
        .unwrap();
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("id=\"score\">0.300"), "{}", a.body);
    assert!(a.body.contains("Groot bedrijfspand") && a.body.contains("<td class=\"utrecht-table__cell\">0.20</td><td class=\"utrecht-table__cell\">0.200</td>"));
    let result = app
        .store
        .scan_result(run_id, "9901010000000002")
        .await
        .unwrap();
    assert_eq!(result.result.klasse, "midden");
    // The export carries the set and its contributions.
    let csv = aov.get(&format!("{run_path}/export.csv")).await.unwrap();
    assert!(
        csv.body
            .lines()
            .next()
            .unwrap()
            .contains("bijdrage_groot_bedrijfspand")
    );
    assert!(csv.body.contains("buitengebied-test@1"));

    // The default set is still there, and runs stay on spec v1 by default.
    let r = post(&mut aov, "/gebiedsscan", &start("")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v1_run = app
        .store
        .scan_run(r.location().unwrap().trim_start_matches("/gebiedsscan/"))
        .await
        .unwrap();
    assert_eq!(v1_run.indicator_set, "gebiedsscan-v1@1");
    let v1_result = app
        .store
        .scan_result(&v1_run.id, "9901010000000002")
        .await
        .unwrap();
    assert!((v1_result.result.score - 0.2).abs() < 1e-12);

    // The algorithm register describes the latest approved set.
    let reg = app.client().get("/algoritmeregister").await.unwrap();
    assert!(reg.body.contains("buitengebied-test@1"), "{}", reg.body);
    let json = app.client().get("/api/v1/algoritmeregister").await.unwrap();
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    assert!(json.body.contains("buitengebied-test@1"));
}

#[tokio::test]
async fn the_default_set_is_built_in_and_cannot_be_approved_again() {
    let app = TestApp::spawn().await.unwrap();
    let mut beheerder = app.login(app.account(Role::Beheerder)).await.unwrap();
    let list = beheerder.get("/gebiedsscan/indicatorsets").await.unwrap();
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("gebiedsscan-v1") && list.body.contains("Goedgekeurd"));
    let r = beheerder
        .post_form(
            "/gebiedsscan/indicatorsets/gebiedsscan-v1/1/goedkeuren",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::CONFLICT);
    // A new version of the default key gets version 2.
    let ok = post(
        &mut beheerder,
        "/gebiedsscan/indicatorsets/nieuw",
        &form(
            "gebiedsscan-v1",
            ["0.30", "0.15", "0.15", "0.20", "0.10", "0.10"],
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(ok.location().unwrap().ends_with("gebiedsscan-v1@2"));
    // Partners and coaches do not see the sets.
    let mut partner = app.login(app.account(Role::Partner)).await.unwrap();
    let r = partner.get("/gebiedsscan/indicatorsets").await.unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
