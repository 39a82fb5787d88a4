//! User and organisation administration, and its audit trail.

use bz_domain::identity::Role;
use bz_testkit::{PASSWORD, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn beheerder_creates_an_organisation_and_a_user_resets_and_deactivates() {
    let app = TestApp::spawn().await.unwrap();
    let mut admin = app.login(app.account(Role::Beheerder)).await.unwrap();

    admin.get("/beheer/organisaties").await.unwrap();
    let r = admin
        .post_form(
            "/beheer/organisaties",
            &[
                ("name", "Politie Eenheid Test"),
                ("org_type", "politie"),
                ("cbs_code", ""),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Politie Eenheid Test"));
    let org = app
        .store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == "Politie Eenheid Test")
        .expect("organisation stored");

    // Validation errors are shown per field and nothing is stored.
    let r = admin
        .post_form(
            "/beheer/organisaties",
            &[("name", ""), ("org_type", "gemeente"), ("cbs_code", "GM12")],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"name-error\"") && r.body.contains("id=\"cbs_code-error\""));
    let r = admin
        .post_form(
            "/beheer/organisaties",
            &[("name", "Politie Eenheid Test"), ("org_type", "politie")],
        )
        .await
        .unwrap();
    assert!(r.body.contains("bestaat al"), "duplicate name refused");

    admin.get("/beheer/gebruikers").await.unwrap();
    let r = admin
        .post_form(
            "/beheer/gebruikers",
            &[
                ("org_id", &org.id),
                ("username", "wijkagent.jansen"),
                ("display_name", "A. Jansen"),
                ("roles", "toezichthouder"),
                ("roles", "intake"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let user = app
        .store
        .user_by_username("wijkagent.jansen")
        .await
        .unwrap()
        .expect("user stored");
    assert_eq!(user.roles, vec![Role::Toezichthouder, Role::Intake]);
    assert!(user.must_change_password);
    assert_eq!(user.org_id, org.id);

    // Reset password: a new temporary password, shown once.
    let r = admin
        .post_form(&format!("/beheer/gebruikers/{}/wachtwoord", user.id), &[])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"temp-password\""));
    let after = app.store.user(&user.id).await.unwrap();
    assert_ne!(after.password_hash, user.password_hash);

    // Deactivate: the account can no longer log in, and its sessions are gone.
    let aov = app.account(Role::Aov).clone();
    let mut aov_client = app.login(&aov).await.unwrap();
    let aov_user = app
        .store
        .user_by_username(&aov.username)
        .await
        .unwrap()
        .unwrap();
    admin
        .get(&format!("/beheer/gebruikers/{}", aov_user.id))
        .await
        .unwrap();
    let r = admin
        .post_form(
            &format!("/beheer/gebruikers/{}/deactiveren", aov_user.id),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        aov_client.get("/").await.unwrap().status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    assert!(
        app.login(&aov).await.is_err(),
        "deactivated account cannot log in"
    );
    admin
        .post_form(
            &format!("/beheer/gebruikers/{}/activeren", aov_user.id),
            &[],
        )
        .await
        .unwrap();
    assert!(app.login(&aov).await.is_ok());

    // The audit trail shows every step, and the chain is intact.
    let r = admin.get("/beheer/audit").await.unwrap();
    for action in [
        "organisation.create",
        "user.create",
        "user.password.reset",
        "user.deactivate",
        "user.activate",
        "login.success",
        "login.password",
    ] {
        assert!(r.body.contains(action), "audit page lists {action}");
    }
    assert!(
        !r.body.contains(PASSWORD),
        "no passwords in the audit trail"
    );
    let r = admin.get("/beheer/audit?controleer=1").await.unwrap();
    assert!(r.body.contains("intact"), "chain verifies");
}

#[tokio::test]
async fn admin_api_validates_and_reports_fields() {
    let app = TestApp::spawn().await.unwrap();
    let mut admin = app.login(app.account(Role::Beheerder)).await.unwrap();
    let me: serde_json::Value =
        serde_json::from_str(&admin.get("/api/v1/me").await.unwrap().body).unwrap();
    let token = me["csrf_token"].as_str().unwrap().to_string();
    let r = admin
        .post_json(
            "/api/v1/organisaties",
            &serde_json::json!({"name": "Gemeente Zonder Code", "org_type": "gemeente"}),
            Some(&token),
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["fields"][0]["field"], "cbs_code");
    let r = admin
        .post_raw("/api/v1/organisaties", "application/json", "{not json")
        .await
        .unwrap();
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "no token in header → refused before parsing"
    );
    let list: serde_json::Value =
        serde_json::from_str(&admin.get("/api/v1/organisaties").await.unwrap().body).unwrap();
    assert_eq!(list["organisations"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn partner_sees_aggregates_only() {
    let app = TestApp::spawn().await.unwrap();
    let mut p = app.login(app.account(Role::Partner)).await.unwrap();
    let r = p.get("/api/v1/gebieden").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["areas"][0]["code"], "GM9901");
    assert!(
        !r.body.contains("straat") && !r.body.contains("postcode"),
        "no address-level data"
    );
}
