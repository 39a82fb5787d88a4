//! The import upload page through HTTP: an analist uploads files, follows the
//! job to its end, and sees the same problems as the command line in Dutch;
//! a refused file changes nothing; fields are checked; other users cannot
//! see someone's job; the CSRF token is required.

use bz_domain::identity::Role;
use bz_testkit::{Client, TestApp};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use std::time::Duration;

const ADRESSEN: &str = "id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n\
9901010000000001,230000.0,455000.0,GM9999,woonfunctie,120,1970,Verblijfsobject in gebruik\n\
9901010000000002,230100.0,455100.0,GM9999,industriefunctie,900,1965,Verblijfsobject buiten gebruik\n";

async fn upload(c: &mut Client, form: Form, csrf: Option<&str>) -> (StatusCode, serde_json::Value) {
    let mut req = c
        .http
        .post(format!("{}/beheer/import", c.base))
        .header("accept", "application/json")
        .multipart(form);
    if let Some(t) = csrf {
        req = req.header("x-csrf-token", t);
    }
    let r = req.send().await.expect("upload");
    let status = r.status();
    let body = r.text().await.expect("body");
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

fn file(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_string())
}

/// Polls the job until it is done; returns its page.
async fn finished(c: &mut Client, url: &str) -> String {
    for _ in 0..200 {
        let s = c.get(&format!("{url}/status")).await.expect("status");
        assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        let v: serde_json::Value = serde_json::from_str(&s.body).expect("json");
        if v["done"] == true {
            let page = c.get(url).await.expect("job page");
            assert_eq!(page.status, StatusCode::OK);
            return page.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import job did not finish");
}

async fn address_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM addresses")
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn an_analist_uploads_addresses_and_follows_the_import() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Analist)).await.unwrap();
    let csrf = c.csrf.clone().expect("csrf");
    let page = c.get("/beheer/import").await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Gegevens importeren"), "{}", page.body);
    assert!(page.body.contains(&format!("data-csrf=\"{csrf}\"")));

    let before = address_count(&app).await;
    let form = Form::new()
        .text("soort", "bag")
        .part("bestand", file("adressen.csv", ADRESSEN.as_bytes()));
    let (status, answer) = upload(&mut c, form, Some(&csrf)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let url = answer["url"].as_str().expect("job url").to_string();
    let done = finished(&mut c, &url).await;
    assert!(done.contains("2 adressen geïmporteerd"), "{done}");
    assert_eq!(address_count(&app).await, before + 2);
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'import.adressen' AND object_id = 'adressen.csv'",
    )
    .fetch_one(app.store.pool())
    .await
    .expect("audit");
    assert_eq!(
        audit, 1,
        "the import is audited under the uploaded file's name"
    );

    // The job is listed on the form page for its owner only.
    let list = c.get("/beheer/import").await.unwrap();
    assert!(list.body.contains(&url), "{}", list.body);
    let mut other = app.login(app.account(Role::Beheerder)).await.unwrap();
    assert_eq!(
        other.get(&url).await.unwrap().status,
        StatusCode::OK,
        "beheerder sees all jobs"
    );
    let second_analist_is_absent = app.account(Role::Aov);
    let mut aov = app.login(second_analist_is_absent).await.unwrap();
    assert_eq!(aov.get(&url).await.unwrap().status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_bad_file_is_refused_with_dutch_lines_and_changes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Analist)).await.unwrap();
    let csrf = c.csrf.clone().expect("csrf");
    let before = address_count(&app).await;
    let bad = "id,x,y,gemeente,gebruiksdoel,oppervlakte,bouwjaar,status\n\
9901010000000001,230000.0,455000.0,GM9999,woonfunctie,120,1970,Verblijfsobject in gebruik\n\
9901010000000002,veel,455100.0,GM9999,industriefunctie,900,1965,Verblijfsobject in gebruik\n\
9901010000000003,230000.0,455000.0,GM9999,woonfunctie,120,1970-01-01,Verblijfsobject in gebruik\n";
    let form = Form::new()
        .text("soort", "bag")
        .part("bestand", file("fout.csv", bad.as_bytes()));
    let (status, answer) = upload(&mut c, form, Some(&csrf)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let url = answer["url"].as_str().expect("job url").to_string();
    let page = finished(&mut c, &url).await;
    assert!(page.contains("er is niets geïmporteerd"), "{page}");
    assert!(page.contains("fout.csv, regel 3, kolom x"), "{page}");
    assert!(page.contains("fout.csv, regel 4, kolom bouwjaar"), "{page}");
    assert!(
        !page.contains("/tmp/"),
        "no temporary path is shown: {page}"
    );
    assert_eq!(
        address_count(&app).await,
        before,
        "a refused import changes nothing"
    );

    // In English on request.
    c.get("/taal/en?terug=/").await.unwrap();
    let en = c.get(&url).await.unwrap();
    assert!(
        en.body.contains("fout.csv, line 3, column x"),
        "{}",
        en.body
    );
}

#[tokio::test]
async fn fields_are_checked_and_the_csrf_token_is_required() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Analist)).await.unwrap();
    let csrf = c.csrf.clone().expect("csrf");

    let form = Form::new()
        .text("soort", "incidenten")
        .text("bron", "Bestaat Niet")
        .text("grondslag", "ab")
        .text("bewaartermijn", "0")
        .part("bestand", file("incidenten.csv", b"id,x,y,datum,soort\n"));
    let (status, answer) = upload(&mut c, form, Some(&csrf)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["bron", "grondslag", "bewaartermijn"], "{answer}");
    assert!(
        answer.to_string().contains("wettelijke grondslag"),
        "{answer}"
    );

    let (status, answer) = upload(&mut c, Form::new().text("soort", "bag"), Some(&csrf)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["errors"][0]["field"], "bestand");

    let form = Form::new()
        .text("soort", "bag")
        .part("bestand", file("adressen.csv", ADRESSEN.as_bytes()));
    let (status, _) = upload(&mut c, form, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token, no upload");
    let form = Form::new()
        .text("soort", "bag")
        .part("bestand", file("adressen.csv", ADRESSEN.as_bytes()));
    let (status, _) = upload(&mut c, form, Some("wrong")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
