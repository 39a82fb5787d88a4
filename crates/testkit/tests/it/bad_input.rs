//! Malformed and oversized requests get clear errors and change nothing.

use bz_domain::identity::Role;
use bz_testkit::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn malformed_form_posts_get_a_friendly_400() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.client();
    let page = c.get("/login").await.unwrap();
    let token = bz_testkit::csrf_in(&page.body).unwrap();
    // Invalid percent-encoding and a body that is not a form.
    let r = c
        .post_raw(
            "/login",
            "application/x-www-form-urlencoded",
            format!("_csrf={token}&username=%ZZ&password=%"),
        )
        .await
        .unwrap();
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.body.contains("<html"), "friendly page, not a bare error");
    let r = c.post_raw("/login", "text/plain", "hello").await.unwrap();
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "no CSRF token found in a non-form body"
    );
}

#[tokio::test]
async fn oversize_bodies_are_refused_with_413() {
    let app = TestApp::spawn().await.unwrap();
    let mut admin = app.login(app.account(Role::Beheerder)).await.unwrap();
    admin.get("/beheer/organisaties").await.unwrap();
    let huge = "x".repeat(200 * 1024);
    let before = app.store.organisations().await.unwrap().len();
    let r = admin
        .post_form(
            "/beheer/organisaties",
            &[("name", &huge), ("org_type", "overig")],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("Te veel gegevens"));
    assert_eq!(
        app.store.organisations().await.unwrap().len(),
        before,
        "nothing stored"
    );
}

#[tokio::test]
async fn too_long_names_are_field_errors_not_crashes() {
    let app = TestApp::spawn().await.unwrap();
    let mut admin = app.login(app.account(Role::Beheerder)).await.unwrap();
    admin.get("/beheer/gebruikers").await.unwrap();
    let long = "a".repeat(300);
    let r = admin
        .post_form(
            "/beheer/gebruikers",
            &[
                ("org_id", "nope"),
                ("username", &long),
                ("display_name", "\u{7}"),
                ("roles", "keizer"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in [
        "org_id-error",
        "username-error",
        "display_name-error",
        "roles-error",
    ] {
        assert!(r.body.contains(f), "{f} shown");
    }
}

#[tokio::test]
async fn open_redirects_are_not_possible() {
    let app = TestApp::spawn().await.unwrap();
    let r = app
        .client()
        .get("/taal/en?terug=//evil.example/x")
        .await
        .unwrap();
    assert_eq!(r.location().as_deref(), Some("/"));
    let r = app.client().get("/taal/xx").await.unwrap();
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
