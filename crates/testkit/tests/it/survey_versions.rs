//! Versioned survey definitions through HTTP: creating a survey stores
//! version 1, saving a concept with a changed definition appends the next
//! version (the same text adds none), publishing records the published
//! version, a published survey's definition cannot change, every version
//! can be read back unchanged, with the same access as the survey page. And
//! the migration gives surveys that existed before it their version 1.

use bz_domain::identity::{NewOrganisation, NewUser, Role};
use bz_store::area::GemeenteRow;
use bz_store::survey as store;
use bz_testkit::{Client, GEMEENTE, PASSWORD, TestApp};
use bz_web::provision::{self, IfExists};
use reqwest::StatusCode;

const OLD_LABEL: &str = "\"Over uw adres\"";
const NEW_LABEL: &str = "\"Over uw woning\"";

/// The built-in definition with the first group's label changed.
fn changed_definition() -> String {
    bz_survey::DEFAULT_SURVEY_TOML.replacen(OLD_LABEL, NEW_LABEL, 1)
}

/// The survey form's fields with this definition text.
fn survey_form(definition: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", "Bewonersenquête 2026".into()),
        ("closes_on", "2099-01-31".into()),
        ("signatory", "J. Burgemeester".into()),
        ("letter_text", "Beste bewoner,\n\nVul {code} in.".into()),
        ("reminder_days", "14".into()),
        ("max_reminders", "1".into()),
        ("definition", definition.into()),
    ]
}

async fn post(c: &mut Client, path: &str, fields: &[(&'static str, String)]) -> bz_testkit::Resp {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post_form(path, &refs).await.unwrap()
}

/// The version numbers of a survey as stored.
async fn numbers(app: &TestApp, id: &str) -> Vec<i64> {
    app.store
        .survey_versions(id)
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect()
}

/// Creates a concept with the built-in definition; returns its path.
async fn create(aov: &mut Client) -> String {
    aov.get("/enquetes").await.unwrap();
    let mut fields = survey_form("");
    fields.push(("gemeente", GEMEENTE.into()));
    let r = post(aov, "/enquetes", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().unwrap()
}

/// A user of an organisation that works in another municipality only.
async fn user_elsewhere(app: &TestApp) -> bz_testkit::Account {
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::upsert_gemeente(
        &mut tx,
        &GemeenteRow {
            code: "GM9902".into(),
            name: "Andere gemeente".into(),
            geometry: "[[[[2,2],[3,2],[3,3],[2,2]]]]".into(),
            area_m2: 1.0,
            source: "test".into(),
        },
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let org = provision::ensure_org(
        &app.store,
        &NewOrganisation::parse("Gemeente Elders", "gemeente", "GM9902").unwrap(),
        &["GM9902".to_string()],
    )
    .await
    .unwrap();
    let secret = bz_web::auth::totp::new_secret();
    provision::create_user(
        &app.store,
        &org.id,
        &NewUser::parse("elders.aov", "Elders", "", &["aov".to_string()]).unwrap(),
        PASSWORD,
        Some(&secret),
        false,
        IfExists::Fail,
    )
    .await
    .unwrap();
    bz_testkit::Account {
        username: "elders.aov".into(),
        password: PASSWORD.into(),
        totp_secret: secret,
        role: Role::Aov,
    }
}

#[tokio::test]
async fn a_concept_keeps_every_definition_as_a_version_and_publishing_fixes_one() {
    let app = TestApp::spawn().await.unwrap();
    crate::survey::seed(&app).await;
    let aov_id = app
        .store
        .user_by_username(&app.account(Role::Aov).username)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();

    // Creating a survey stores version 1.
    let path = create(&mut aov).await;
    let id = path.trim_start_matches("/enquetes/").to_string();
    let v1 = app.store.survey_version(&id, 1).await.unwrap();
    assert!(
        v1.definition == bz_survey::DEFAULT_SURVEY_TOML,
        "the built-in text"
    );
    assert_eq!(v1.saved_by, aov_id);
    assert_eq!(app.store.survey(&id).await.unwrap().published_version, None);
    let page = aov.get(&path).await.unwrap();
    assert!(page.body.contains("Vragenlijst versie 1<"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"{path}/versies/1\"")));

    // A changed definition (as a browser sends it, with CRLF) is version 2.
    let changed = changed_definition();
    let r = post(
        &mut aov,
        &path,
        &survey_form(&changed.replace('\n', "\r\n")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(numbers(&app, &id).await, [1, 2]);
    let v2 = app.store.survey_version(&id, 2).await.unwrap();
    assert!(
        v2.definition == changed,
        "stored with its line endings as LF"
    );
    assert!(app.store.survey(&id).await.unwrap().definition == changed);

    // The same text, or none (keep the current one), adds no version.
    let r = post(&mut aov, &path, &survey_form(&changed)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post(&mut aov, &path, &survey_form("")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(numbers(&app, &id).await, [1, 2]);
    assert!(
        app.store.survey_version(&id, 1).await.unwrap() == v1,
        "an old version is never edited"
    );
    let page = aov.get(&path).await.unwrap();
    assert!(page.body.contains("Vragenlijst versie 2<"), "{}", page.body);
    assert_eq!(page.body.matches("/versies/").count(), 2);

    // Publishing records the published version.
    aov.get(&path).await.unwrap();
    let r = aov
        .post_form(&format!("{path}/publiceren"), &[("extra", "7399 BB 1")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let published = app.store.survey(&id).await.unwrap();
    assert_eq!(published.status, store::GEPUBLICEERD);
    assert_eq!(published.published_version, Some(2));
    let page = aov.get(&path).await.unwrap();
    assert!(page.body.contains("Vragenlijst versie 2 (gepubliceerd)"));

    // A published survey's definition cannot change: refused, no version 3.
    let other = changed.replacen(NEW_LABEL, "\"Over uw erf\"", 1);
    let r = post(&mut aov, &path, &survey_form(&other)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(numbers(&app, &id).await, [1, 2]);
    assert!(app.store.survey(&id).await.unwrap().definition == changed);
    // Nor through the store directly.
    let mut tx = app.store.begin_write().await.unwrap();
    let row = store::SurveyRow {
        definition: other.clone(),
        ..published.clone()
    };
    let refused = store::update_concept(&mut tx, &row, &aov_id, 0).await;
    assert!(
        matches!(refused, Err(bz_store::StoreError::Conflict { .. })),
        "{refused:?}"
    );
    drop(tx);
    assert_eq!(numbers(&app, &id).await, [1, 2]);

    // Every version reads back unchanged; the old one says which is current.
    let old = aov.get(&format!("{path}/versies/1")).await.unwrap();
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.body.contains("Vragenlijst versie 1<"));
    assert!(old.body.contains("Over uw adres") && !old.body.contains("Over uw woning"));
    assert!(old.body.contains(&format!("href=\"{path}/versies/2\"")));
    let current = aov.get(&format!("{path}/versies/2")).await.unwrap();
    assert!(current.body.contains("Vragenlijst versie 2 (gepubliceerd)"));
    assert!(current.body.contains("Over uw woning") && !current.body.contains("Over uw adres"));
    for missing in ["3", "0", "x", "-1"] {
        let r = aov.get(&format!("{path}/versies/{missing}")).await.unwrap();
        assert_eq!(r.status, StatusCode::NOT_FOUND, "version {missing}");
    }

    // Each change is audited with its version.
    let entries = app
        .store
        .audit_page(50, None, Some("survey."))
        .await
        .unwrap();
    let details: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.record.object_id == id)
        .map(|e| (e.record.action.clone(), e.record.detail.clone()))
        .rev()
        .collect();
    assert_eq!(
        details,
        [
            (
                "survey.create".into(),
                "Bewonersenquête 2026; vragenlijst versie 1".into()
            ),
            (
                "survey.update".into(),
                "vragenlijst versie 2 (nieuw)".into()
            ),
            (
                "survey.update".into(),
                "vragenlijst versie 2 (ongewijzigd)".into()
            ),
            (
                "survey.update".into(),
                "vragenlijst versie 2 (ongewijzigd)".into()
            ),
            (
                "survey.publish".into(),
                "vragenlijst versie 2; 1 uitnodigingen".into()
            ),
        ]
    );
}

#[tokio::test]
async fn a_version_is_seen_by_whoever_sees_the_survey_and_by_no_one_else() {
    let app = TestApp::spawn().await.unwrap();
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    let path = create(&mut aov).await;
    let version = format!("{path}/versies/1");

    // Every role of the municipality's organisations reads it, like the survey.
    let mut partner = app.login(app.account(Role::Partner)).await.unwrap();
    let page = partner.get(&version).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    // Least privilege: the partner sees the organisation that saved it,
    // staff see the person.
    assert!(page.body.contains("Gemeente Testdorp"), "{}", page.body);
    assert!(!page.body.contains("Test aov"), "{}", page.body);
    for p in [&path, &version] {
        let page = partner.get(p).await.unwrap();
        assert!(!page.body.contains("Test aov"), "{p}");
    }
    let page = aov.get(&version).await.unwrap();
    assert!(page.body.contains("Test aov"), "{}", page.body);

    // Logged out: to the login page.
    let mut anon = app.client();
    let r = anon.get(&version).await.unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));

    // An organisation of another municipality sees neither the survey nor its versions.
    let elsewhere = user_elsewhere(&app).await;
    let mut other = app.login(&elsewhere).await.unwrap();
    assert_eq!(
        other.get(&path).await.unwrap().status,
        StatusCode::NOT_FOUND
    );
    let r = other.get(&version).await.unwrap();
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Over uw adres"));
}

/// Surveys made before versioning get their definition as version 1 (saved
/// by their creator when they were created); a published or closed survey
/// published that version, a concept none.
#[tokio::test]
async fn the_migration_gives_existing_surveys_version_1() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, url) = bz_testkit::fresh_database_url(tmp.path()).await.unwrap();
    let s = bz_store::Store::connect(&url).await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations");
    let migrator = sqlx::migrate::Migrator::new(dir).await.unwrap();
    migrator.run_to(10, s.pool()).await.unwrap();
    let mut tx = s.begin_write().await.unwrap();
    for sql in [
        "INSERT INTO organisations (id, name, org_type, created_at) VALUES ('o1', 'Gemeente Oud', 'gemeente', 1)",
        "INSERT INTO users (id, org_id, username, display_name, password_hash, created_at, updated_at) VALUES ('u1', 'o1', 'oud', 'Oud Gebruiker', 'x', 1, 1)",
        "INSERT INTO surveys (id, org_id, gemeente_code, title, definition, status, letter_text, signatory, closes_on, reminder_interval_days, max_reminders, created_by, created_at, published_at) \
         VALUES ('s1', 'o1', 'GM9901', 'Concept', 'def one', 'concept', '{code}', 'B', '2099-01-01', 14, 1, 'u1', 100, NULL)",
        "INSERT INTO surveys (id, org_id, gemeente_code, title, definition, status, letter_text, signatory, closes_on, reminder_interval_days, max_reminders, created_by, created_at, published_at) \
         VALUES ('s2', 'o1', 'GM9901', 'Loopt', 'def two', 'gepubliceerd', '{code}', 'B', '2099-01-01', 14, 1, 'u1', 200, 250)",
        "INSERT INTO surveys (id, org_id, gemeente_code, title, definition, status, letter_text, signatory, closes_on, reminder_interval_days, max_reminders, created_by, created_at, published_at) \
         VALUES ('s3', 'o1', 'GM9901', 'Gesloten', 'def three', 'gesloten', '{code}', 'B', '2000-01-01', 14, 1, 'u1', 300, 350)",
    ] {
        bz_store::raw_execute(&mut tx, sql).await.unwrap();
    }
    tx.commit().await.unwrap();

    s.migrate().await.unwrap();
    for (id, text, at, published) in [
        ("s1", "def one", 100, None),
        ("s2", "def two", 200, Some(1)),
        ("s3", "def three", 300, Some(1)),
    ] {
        let versions = s.survey_versions(id).await.unwrap();
        assert_eq!(versions.len(), 1, "{id}");
        let v = &versions[0];
        assert_eq!(
            (
                v.version,
                v.definition.as_str(),
                v.saved_by.as_str(),
                v.saved_at
            ),
            (1, text, "u1", at),
            "{id}"
        );
        assert_eq!(v.saved_by_name, "Oud Gebruiker");
        assert_eq!(
            s.survey(id).await.unwrap().published_version,
            published,
            "{id}"
        );
    }
    s.close().await;
}
