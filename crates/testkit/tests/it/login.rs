//! Login with password and TOTP, wrong codes, lockout, sessions, logout, CSRF.

use bz_domain::identity::Role;
use bz_testkit::{TestApp, csrf_in};
use reqwest::StatusCode;

#[tokio::test]
async fn login_with_password_and_totp_lands_on_home() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Aov)).await.unwrap();
    let home = c.get("/").await.unwrap();
    assert_eq!(home.status, StatusCode::OK, "{}", crate::db_label());
    assert!(
        home.body.contains("Gemeente Testdorp"),
        "home shows the organisation"
    );
    assert!(home.body.contains("Testgemeente"), "home shows the area");
    assert!(
        !home.body.contains("/beheer/gebruikers"),
        "an AOV'er gets no admin navigation"
    );
}

#[tokio::test]
async fn session_cookie_is_http_only_strict_and_rotated_at_login() {
    let app = TestApp::spawn().await.unwrap();
    let a = app.account(Role::Aov).clone();
    let mut c = app.client();
    let r = c.get("/login").await.unwrap();
    let first = r.header("set-cookie").expect("pre-login session cookie");
    assert!(
        first.contains("HttpOnly") && first.contains("SameSite=Strict") && first.contains("Path=/"),
        "{first}"
    );
    let r = c
        .post_form(
            "/login",
            &[("username", &a.username), ("password", &a.password)],
        )
        .await
        .unwrap();
    let second = r
        .header("set-cookie")
        .expect("new session id after password");
    assert_ne!(
        first.split(';').next(),
        second.split(';').next(),
        "session id changes at login"
    );
    c.get("/login/code").await.unwrap();
    let code = app.fresh_code(&a);
    let r = c
        .post_form("/login/code", &[("code", &code)])
        .await
        .unwrap();
    let third = r
        .header("set-cookie")
        .expect("new session id after second factor");
    assert_ne!(second.split(';').next(), third.split(';').next());
}

#[tokio::test]
async fn secure_host_cookie_and_hsts_over_tls() {
    let app = TestApp::spawn_with(bz_web::WebConfig {
        tls: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let r = app.client().get("/login").await.unwrap();
    let cookie = r.header("set-cookie").unwrap();
    assert!(
        cookie.starts_with("__Host-bz_session=") && cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(r.header("strict-transport-security").is_some());
}

#[tokio::test]
async fn wrong_totp_is_refused_and_logged() {
    let app = TestApp::spawn().await.unwrap();
    let a = app.account(Role::Analist).clone();
    let mut c = app.client();
    c.get("/login").await.unwrap();
    c.post_form(
        "/login",
        &[("username", &a.username), ("password", &a.password)],
    )
    .await
    .unwrap();
    c.get("/login/code").await.unwrap();
    let good = app.fresh_code(&a);
    let wrong = if good == "000000" {
        "111111".to_string()
    } else {
        "000000".to_string()
    };
    let r = c
        .post_form("/login/code", &[("code", &wrong)])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("klopt niet"), "Dutch message");
    assert_eq!(
        c.get("/").await.unwrap().status,
        StatusCode::SEE_OTHER,
        "not logged in"
    );
    let log = app
        .store
        .audit_page(10, None, Some("login.second_factor"))
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|e| e.record.result == "failure" && e.record.actor_name == a.username)
    );
}

#[tokio::test]
async fn a_totp_code_is_accepted_only_once() {
    let app = TestApp::spawn().await.unwrap();
    let a = app.account(Role::Aov).clone();
    let mut c1 = app.client();
    c1.get("/login").await.unwrap();
    c1.post_form(
        "/login",
        &[("username", &a.username), ("password", &a.password)],
    )
    .await
    .unwrap();
    c1.get("/login/code").await.unwrap();
    let code = app.fresh_code(&a);
    assert_eq!(
        c1.post_form("/login/code", &[("code", &code)])
            .await
            .unwrap()
            .status,
        StatusCode::SEE_OTHER
    );
    let mut c2 = app.client();
    c2.get("/login").await.unwrap();
    c2.post_form(
        "/login",
        &[("username", &a.username), ("password", &a.password)],
    )
    .await
    .unwrap();
    c2.get("/login/code").await.unwrap();
    let r = c2
        .post_form("/login/code", &[("code", &code)])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "replayed code refused");
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await.unwrap();
    let a = app.account(Role::Toezichthouder).clone();
    let mut c = app.client();
    c.get("/login").await.unwrap();
    for _ in 0..5 {
        let r = c
            .post_form(
                "/login",
                &[("username", &a.username), ("password", "wrong password!!")],
            )
            .await
            .unwrap();
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while locked, with the same message.
    let r = c
        .post_form(
            "/login",
            &[("username", &a.username), ("password", &a.password)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        app.store
            .audit_page(5, None, Some("login.password"))
            .await
            .unwrap()
            .iter()
            .any(|e| e.record.detail.contains("locked"))
    );
    app.state.clock.advance(15 * 60);
    let mut c = app.login(&a).await;
    assert!(
        c.is_ok(),
        "unlocked after 15 minutes: {:?}",
        c.as_ref().err()
    );
    assert_eq!(
        c.as_mut().unwrap().get("/").await.unwrap().status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_users_get_the_same_answer_as_wrong_passwords() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.client();
    c.get("/login").await.unwrap();
    let unknown = c
        .post_form(
            "/login",
            &[
                ("username", "nobody.here"),
                ("password", "whatever password"),
            ],
        )
        .await
        .unwrap();
    let wrong = c
        .post_form(
            "/login",
            &[("username", "test.aov"), ("password", "whatever password")],
        )
        .await
        .unwrap();
    assert_eq!(unknown.status, wrong.status);
    let msg = |b: &str| {
        b.split("role=\"alert\"")
            .nth(1)
            .map(|s| s.chars().take(200).collect::<String>())
    };
    assert_eq!(msg(&unknown.body), msg(&wrong.body));
}

#[tokio::test]
async fn sessions_expire_after_thirty_idle_minutes() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Aov)).await.unwrap();
    app.state.clock.advance(29 * 60);
    assert_eq!(
        c.get("/").await.unwrap().status,
        StatusCode::OK,
        "still valid at 29 minutes"
    );
    app.state.clock.advance(30 * 60);
    let r = c.get("/").await.unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    assert_eq!(
        c.get("/api/v1/me").await.unwrap().status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sessions_end_after_twelve_hours_even_when_active() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Aov)).await.unwrap();
    for _ in 0..25 {
        app.state.clock.advance(29 * 60);
        if c.get("/").await.unwrap().status != StatusCode::OK {
            break;
        }
    }
    assert_eq!(
        c.get("/").await.unwrap().status,
        StatusCode::SEE_OTHER,
        "absolute timeout reached"
    );
}

#[tokio::test]
async fn logout_invalidates_the_session_server_side() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Aov)).await.unwrap();
    // Keep a copy of the cookie as an attacker would.
    let me = c.get("/api/v1/me").await.unwrap();
    assert_eq!(me.status, StatusCode::OK);
    let stolen = c.http.clone();
    let r = c.post_form("/logout", &[]).await.unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = stolen
        .get(format!("{}/api/v1/me", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "the old cookie no longer works"
    );
}

#[tokio::test]
async fn state_changing_requests_without_csrf_token_are_refused() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.login(app.account(Role::Beheerder)).await.unwrap();
    c.get("/beheer/organisaties").await.unwrap();
    let r = c
        .post_raw(
            "/beheer/organisaties",
            "application/x-www-form-urlencoded",
            "name=Evil&org_type=overig",
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post_raw(
            "/beheer/organisaties",
            "application/x-www-form-urlencoded",
            "name=Evil&org_type=overig&_csrf=forged",
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post_json(
            "/api/v1/organisaties",
            &serde_json::json!({"name": "Evil", "org_type": "overig"}),
            Some("forged"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        !app.store
            .organisations()
            .await
            .unwrap()
            .iter()
            .any(|o| o.name == "Evil"),
        "nothing was created"
    );
    // With the token it works.
    let token = csrf_in(&c.get("/beheer/organisaties").await.unwrap().body).unwrap();
    let r = c
        .post_json(
            "/api/v1/organisaties",
            &serde_json::json!({"name": "Goed", "org_type": "overig"}),
            Some(&token),
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn first_login_enrols_the_second_factor() {
    let app = TestApp::spawn().await.unwrap();
    let mut admin = app.login(app.account(Role::Beheerder)).await.unwrap();
    admin.get("/beheer/gebruikers").await.unwrap();
    let r = admin
        .post_form(
            "/beheer/gebruikers",
            &[
                ("org_id", &app.org_id),
                ("username", "nieuw.aov"),
                ("display_name", "Nieuwe AOV"),
                ("roles", "aov"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let temp = r
        .body
        .split("id=\"temp-password\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("temporary password shown once")
        .to_string();
    let mut c = app.client();
    c.get("/login").await.unwrap();
    let r = c
        .post_form("/login", &[("username", "nieuw.aov"), ("password", &temp)])
        .await
        .unwrap();
    assert!(
        r.location().unwrap().starts_with("/login/koppelen"),
        "{:?}",
        r.location()
    );
    let page = c.get("/login/koppelen").await.unwrap();
    assert!(page.body.contains("<svg"), "QR code shown");
    let secret = page
        .body
        .split("id=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    app.state.clock.advance(30);
    let code = bz_web::auth::totp::current_code(&secret, app.state.clock.now()).unwrap();
    let r = c
        .post_form("/login/koppelen", &[("code", &code)])
        .await
        .unwrap();
    assert_eq!(
        r.location().as_deref(),
        Some("/account"),
        "temporary password must be changed first"
    );
    assert_eq!(
        c.get("/").await.unwrap().location().as_deref(),
        Some("/account"),
        "nothing else until then"
    );
    c.get("/account").await.unwrap();
    let r = c
        .post_form(
            "/account/wachtwoord",
            &[
                ("current", &temp),
                ("new", "een nieuw lang wachtwoord"),
                ("confirm", "een nieuw lang wachtwoord"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(c.get("/").await.unwrap().status, StatusCode::OK);
}
