//! Every route in the route table, for every role and for a logged-out
//! visitor, against an explicit expectation. A route added to the table
//! without an expectation here fails this test.

use bz_domain::identity::Role;
use bz_testkit::{Client, TestApp};
use reqwest::StatusCode;

/// Who may use each route: `Public`, `AnyUser`, or the listed roles.
#[derive(Debug, Clone, Copy)]
enum Who {
    Public,
    AnyUser,
    Roles(&'static [Role]),
}

fn expected(method: &str, path: &str) -> Option<Who> {
    use Role::*;
    const ADMIN: &[Role] = &[Beheerder];
    Some(match (method, path) {
        ("GET", "/health") | ("GET", "/static/{*path}") | ("GET", "/taal/{lang}") => Who::Public,
        ("GET" | "POST", "/login")
        | ("GET" | "POST", "/login/code")
        | ("GET" | "POST", "/login/koppelen") => Who::Public,
        ("POST", "/logout")
        | ("GET", "/")
        | ("GET", "/account")
        | ("POST", "/account/wachtwoord") => Who::AnyUser,
        ("GET", "/api/v1/me") | ("GET", "/api/v1/gebieden") => Who::AnyUser,
        ("GET" | "POST", "/beheer/organisaties") | ("GET" | "POST", "/api/v1/organisaties") => {
            Who::Roles(ADMIN)
        }
        ("GET" | "POST", "/beheer/gebruikers") | ("GET", "/beheer/gebruikers/{id}") => {
            Who::Roles(ADMIN)
        }
        (
            "POST",
            "/beheer/gebruikers/{id}/wachtwoord"
            | "/beheer/gebruikers/{id}/tweede-factor"
            | "/beheer/gebruikers/{id}/deactiveren"
            | "/beheer/gebruikers/{id}/activeren",
        ) => Who::Roles(ADMIN),
        ("GET", "/beheer/audit") => Who::Roles(ADMIN),
        ("GET", "/gebiedsscan") | ("GET", "/gebiedsscan/{run}") => Who::AnyUser,
        ("POST", "/gebiedsscan") | ("POST", "/gebiedsscan/{run}/adres/{address}/besluit") => {
            Who::Roles(&[Analist, Aov])
        }
        ("GET", "/gebiedsscan/{run}/adres/{address}")
        | ("GET", "/gebiedsscan/{run}/export.csv")
        | ("GET", "/gebiedsscan/{run}/export.xlsx")
        | ("GET", "/gebiedsscan/{run}/export.geojson") => {
            Who::Roles(&[Analist, Aov, Toezichthouder])
        }
        ("GET", "/gebiedsscan/indicatorsets")
        | ("GET", "/gebiedsscan/indicatorsets/{key}/{version}") => {
            Who::Roles(&[Analist, Aov, Beheerder])
        }
        ("GET" | "POST", "/gebiedsscan/indicatorsets/nieuw")
        | ("POST", "/gebiedsscan/indicatorsets/{key}/{version}/goedkeuren") => {
            Who::Roles(&[Analist, Beheerder])
        }
        ("GET", "/algoritmeregister") | ("GET", "/api/v1/algoritmeregister") => Who::Public,
        ("GET" | "POST", "/melden")
        | ("GET", "/melden/adressen")
        | ("GET", "/melden/gemeenten.geojson")
        | ("GET" | "POST", "/melden/status")
        | ("POST", "/melden/aanvullen") => Who::Public,
        ("GET", "/kaart")
        | ("GET", "/gemeente/{code}")
        | ("GET", "/gemeente/{code}/pdf")
        | ("GET", "/kaart/tabel")
        | ("GET", "/kaart/tegels/{z}/{x}/{y}")
        | ("GET", "/api/v1/kaart/vierkanten") => Who::AnyUser,
        ("GET", "/kaart/locatie/{address}") => Who::Roles(&[Analist, Aov, Toezichthouder]),
        ("GET", "/deboerop")
        | ("GET", "/deboerop/{round}")
        | ("GET", "/deboerop/{round}/route/{team}")
        | ("GET", "/deboerop/{round}/routes.geojson") => {
            Who::Roles(&[Aov, Toezichthouder, Analist])
        }
        ("GET", "/acties") | ("GET", "/acties/{id}") => Who::Roles(&[Aov, Toezichthouder, Analist]),
        ("POST", "/acties") | ("POST", "/acties/{id}/uitkomst/{address}") => {
            Who::Roles(&[Aov, Toezichthouder])
        }
        ("GET" | "POST", "/enquete") => Who::Public,
        ("GET", "/enquetes/{id}/antwoorden.csv") | ("GET", "/enquetes/{id}/antwoorden.xlsx") => {
            Who::Roles(&[Analist])
        }
        ("GET", "/enquetes/{id}/rapport.pdf") | ("GET", "/enquetes/{id}/tabellen.csv") => {
            Who::AnyUser
        }
        ("GET", "/enquetes")
        | ("GET", "/enquetes/{id}")
        | ("GET", "/enquetes/{id}/versies/{version}")
        | ("GET", "/enquetes/{id}/rapport") => Who::AnyUser,
        ("POST", "/enquetes")
        | ("POST", "/enquetes/{id}")
        | ("POST", "/enquetes/{id}/publiceren")
        | ("POST", "/enquetes/{id}/herinnering")
        | ("GET", "/enquetes/{id}/brieven.pdf")
        | ("GET", "/enquetes/{id}/brieven.csv")
        | ("GET" | "POST", "/enquetes/{id}/papier") => Who::Roles(&[Aov, Analist]),
        ("POST", "/deboerop") => Who::Roles(&[Aov, Toezichthouder]),
        ("GET", "/coaching") | ("GET", "/coaching/{id}") => {
            Who::Roles(&[Aov, Toezichthouder, Analist, Intake, Coach])
        }
        ("POST", "/coaching") | ("POST", "/coaching/{id}/wijkteam") => {
            Who::Roles(&[Aov, Toezichthouder, Intake])
        }
        ("POST", "/coaching/{id}/dossier") | ("POST", "/coaching/{id}/status") => {
            Who::Roles(&[Coach])
        }
        ("GET" | "POST", "/deboerop/{round}/bezoek/{address}") => {
            Who::Roles(&[Aov, Toezichthouder])
        }
        ("GET" | "POST", "/beheer/import")
        | ("GET", "/beheer/import/{job}")
        | ("GET", "/beheer/import/{job}/status") => Who::Roles(&[Analist, Beheerder]),
        ("GET", "/api/v1/gebiedsscan") | ("GET", "/api/v1/gebiedsscan/{run}") => Who::AnyUser,
        ("POST", "/api/v1/gebiedsscan")
        | ("POST", "/api/v1/gebiedsscan/{run}/adres/{address}/besluit") => {
            Who::Roles(&[Role::Analist, Role::Aov])
        }
        ("GET", "/signalen")
        | ("GET", "/signalen/termijn")
        | ("GET", "/signalen/{id}")
        | ("GET", "/signalen/{id}/bijlagen/{bijlage}")
        | ("GET", "/api/v1/signalen") => Who::Roles(&[Intake, Toezichthouder, Aov, Analist, Coach]),
        ("GET" | "POST", "/signalen/nieuw")
        | ("POST", "/signalen/{id}/bijlagen")
        | ("POST", "/api/v1/signalen") => Who::Roles(&[Intake, Toezichthouder, Aov]),
        (
            "POST",
            "/signalen/{id}/status" | "/signalen/{id}/notitie" | "/signalen/{id}/protocol",
        ) => Who::Roles(&[Intake, Toezichthouder, Aov, Coach]),
        (
            "POST",
            "/signalen/{id}/toewijzen"
            | "/signalen/{id}/categorie"
            | "/signalen/{id}/doorzetten"
            | "/signalen/{id}/samenvoegen",
        ) => Who::Roles(&[Intake, Aov]),
        ("POST", "/signalen/{id}/samenvatting") => Who::Roles(&[Intake]),
        ("GET" | "POST", "/beheer/workflow") => Who::Roles(ADMIN),
        _ => return None,
    })
}

fn concrete(path: &str) -> String {
    path.replace("{*path}", "app.css")
        .replace("{lang}", "en")
        .replace("{id}", "00000000-0000-7000-8000-000000000000")
        .replace("{run}", "00000000-0000-7000-8000-000000000000")
        .replace("{job}", "00000000000000000000000000000000")
        .replace("{round}", "00000000-0000-7000-8000-000000000000")
        .replace("{team}", "00000000-0000-7000-8000-000000000000")
        .replace("{bijlage}", "00000000-0000-7000-8000-000000000001")
        .replace("{address}", "0000000000000000")
        .replace("{code}", "GM0000")
        .replace("{key}", "gebiedsscan-v1")
        .replace("{version}", "1")
        .replace("{z}", "10")
        .replace("{x}", "527")
        .replace("{y}", "337")
}

async fn call(c: &mut Client, method: &str, path: &str, csrf: &str) -> StatusCode {
    let url = format!("{}{}", c.base, path);
    let r = match method {
        "GET" => c.http.get(url).send().await,
        _ => c.http.post(url).header("x-csrf-token", csrf).send().await,
    };
    r.expect("request").status()
}

#[tokio::test]
async fn every_route_has_an_expectation_and_the_server_enforces_it() {
    let app = TestApp::spawn().await.unwrap();
    let table = bz_web::routes::table();
    let missing: Vec<String> = table
        .iter()
        .filter(|r| expected(r.method.as_str(), r.path).is_none())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an access expectation in this test: {missing:?}"
    );

    // Logged out.
    let mut anon = app.client();
    for r in &table {
        let status = call(&mut anon, r.method.as_str(), &concrete(r.path), "").await;
        match expected(r.method.as_str(), r.path).unwrap() {
            Who::Public => assert!(
                status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN
                    || r.method != "GET",
                "{} {} public, got {status}",
                r.method,
                r.path
            ),
            _ => {
                let api = r.path.starts_with("/api/");
                if r.method == "GET" && !api {
                    assert_eq!(
                        status,
                        StatusCode::SEE_OTHER,
                        "{} {} logged out → login",
                        r.method,
                        r.path
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::UNAUTHORIZED,
                        "{} {} logged out → 401",
                        r.method,
                        r.path
                    );
                }
            }
        }
    }

    // Every role. Logout last, since it ends the session.
    for role in Role::ALL {
        let mut c = app.login(app.account(*role)).await.unwrap();
        let me: serde_json::Value =
            serde_json::from_str(&c.get("/api/v1/me").await.unwrap().body).unwrap();
        let csrf = me["csrf_token"].as_str().unwrap().to_string();
        let mut ordered: Vec<_> = table.iter().collect();
        ordered.sort_by_key(|r| r.path == "/logout");
        for r in ordered {
            let status = call(&mut c, r.method.as_str(), &concrete(r.path), &csrf).await;
            let allowed = match expected(r.method.as_str(), r.path).unwrap() {
                Who::Public | Who::AnyUser => true,
                Who::Roles(rs) => rs.contains(role),
            };
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{role:?} may {} {} but got {status}",
                    r.method,
                    r.path
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role:?} may not {} {}",
                    r.method,
                    r.path
                );
            }
        }
    }
    // Denials are audited.
    let denied = app
        .store
        .audit_page(500, None, Some("access.denied"))
        .await
        .unwrap();
    assert!(denied.len() >= 6, "denied accesses are in the audit trail");
}

#[tokio::test]
async fn unknown_routes_get_a_friendly_dutch_404() {
    let app = TestApp::spawn().await.unwrap();
    let r = app.client().get("/bestaat/niet").await.unwrap();
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Pagina niet gevonden"));
    assert!(r.body.contains("<html lang=\"nl\""));
    let mut c = app.client();
    c.get("/taal/en?terug=/bestaat/niet").await.unwrap();
    let r = c.get("/bestaat/niet").await.unwrap();
    assert!(
        r.body.contains("Page not found"),
        "English after the language switch"
    );
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn().await.unwrap();
    let mut c = app.client();
    for path in ["/login", "/health", "/static/app.css", "/nope"] {
        let r = c.get(path).await.unwrap();
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(r.header("referrer-policy").as_deref(), Some("no-referrer"));
        assert!(
            r.header("strict-transport-security").is_none(),
            "no HSTS on plain HTTP"
        );
    }
    let h = c.get("/health").await.unwrap();
    assert_eq!(h.status, StatusCode::OK);
    assert!(h.body.contains("\"database\":\"ok\""));
}
