//! Integrale acties through HTTP: an AOV'er plans an action on the addresses
//! a scan decision proposed for a joint check plus one added by hand; the
//! police and the municipality record outcomes; the municipality does not
//! see the police's details, the RIEC does; an organisation that does not
//! take part sees nothing; the outcomes per scan class give the scan's
//! false-positive rate, also on the municipality page.

use bz_domain::identity::Role;
use bz_store::area::AddressRow;
use bz_testkit::{GEMEENTE, TestApp};
use reqwest::StatusCode;

fn address(n: i64, x: f64) -> AddressRow {
    AddressRow {
        id: format!("99010100000000{n:02}"),
        x,
        y: 455_000.0,
        gemeente_code: GEMEENTE.into(),
        straat: "Dijkweg".into(),
        huisnummer: n,
        huisletter: None,
        postcode: Some("7399AC".into()),
        woonplaats: "Testdorp".into(),
        gebruiksdoel: "industriefunctie".into(),
        oppervlakte: 900,
        bouwjaar: Some(1970),
        status: "Verblijfsobject buiten gebruik".into(),
        source: "test".into(),
    }
}

#[tokio::test]
async fn partners_record_outcomes_each_sees_what_it_may_and_the_scan_gets_its_false_positive_rate()
{
    let app = TestApp::spawn().await.unwrap();
    let rows: Vec<AddressRow> = (1..=3)
        .map(|n| address(n, 230_000.0 + n as f64 * 900.0))
        .collect();
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::insert_addresses(&mut tx, &rows, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let police = app
        .user_in(
            "Politie Oost",
            "politie",
            "agent.oost",
            Role::Toezichthouder,
        )
        .await
        .unwrap();
    let riec = app
        .user_in("RIEC Oost", "riec", "riec.oost", Role::Analist)
        .await
        .unwrap();
    let outsider = app
        .user_in("Waterschap", "waterschap", "ws.aov", Role::Aov)
        .await
        .unwrap();
    let orgs = app.store.organisations().await.unwrap();
    let id_of = |name: &str| orgs.iter().find(|o| o.name == name).unwrap().id.clone();

    // A scan and a decision "integrale controle voorstellen" on address 01.
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    aov.get("/gebiedsscan").await.unwrap();
    let r = aov
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
    let run = r.location().unwrap();
    let r = aov
        .post_form(
            &format!("{run}/adres/9901010000000001/besluit"),
            &[
                ("decision", "integrale_controle_voorstellen"),
                ("reason", "Leegstaande loods met verduisterde ramen."),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    aov.get("/acties").await.unwrap();
    let gemeente_org = id_of("Gemeente Testdorp");
    let r = aov
        .post_form(
            "/acties",
            &[
                ("gemeente", GEMEENTE),
                ("name", "Controle Dijkweg"),
                ("action_date", "2026-12-10"),
                ("briefing", "Verzamelen 9:00 bij het gemeentehuis."),
                ("decisions", "ja"),
                ("manual", "7399 AC 2"),
                ("participants", &gemeente_org),
                ("participants", &id_of("Politie Oost")),
                ("participants", &id_of("RIEC Oost")),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location().unwrap();
    let addresses = app
        .store
        .action_addresses(path.trim_start_matches("/acties/"))
        .await
        .unwrap();
    assert_eq!(addresses.len(), 2);
    assert!(
        addresses
            .iter()
            .any(|(a, _)| a.source == "scanbesluit" && a.scan_class.is_some())
    );

    // The police finds drug waste at 01; the municipality nothing at 01 and 02.
    let mut agent = app.login(&police).await.unwrap();
    agent.get(&path).await.unwrap();
    let bad = agent
        .post_form(
            &format!("{path}/uitkomst/9901010000000001"),
            &[("result", "bevindingen"), ("category", "")],
        )
        .await
        .unwrap();
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = agent
        .post_form(
            &format!("{path}/uitkomst/9901010000000001"),
            &[
                ("result", "bevindingen"),
                ("category", "drugsafval"),
                ("follow_up_org", &id_of("Politie Oost")),
                ("note", "vaten met resten"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for a in ["9901010000000001", "9901010000000002"] {
        let r = aov
            .post_form(&format!("{path}/uitkomst/{a}"), &[("result", "niets")])
            .await
            .unwrap();
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }

    // The municipality sees its own outcomes, not the police's details; the RIEC sees both.
    let page = aov.get(&path).await.unwrap();
    assert!(
        !page.body.contains("vaten met resten"),
        "police details are not shared with the municipality"
    );
    assert!(page.body.contains("niets gevonden"));
    let mut r2 = app.login(&riec).await.unwrap();
    let page = r2.get(&path).await.unwrap();
    assert!(
        page.body.contains("vaten met resten"),
        "the RIEC sees police outcomes"
    );
    // The false-positive rate counts findings of every organisation (a number, no details).
    assert!(page.body.contains("id=\"per-class\""));
    let mut ws = app.login(&outsider).await.unwrap();
    assert_eq!(
        ws.get(&path).await.unwrap().status,
        StatusCode::NOT_FOUND,
        "not a participant"
    );
    assert!(!ws.get("/acties").await.unwrap().body.contains(&path));
    let outcomes = app.store.outcomes_with_class(GEMEENTE).await.unwrap();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(
        outcomes.iter().filter(|(_, c)| c.is_some()).count(),
        2,
        "the scan decision's address keeps its class"
    );
    let gemeente = aov.get(&format!("/gemeente/{GEMEENTE}")).await.unwrap();
    assert!(
        gemeente.body.contains("id=\"field-actions\""),
        "{}",
        gemeente.body
    );
}
