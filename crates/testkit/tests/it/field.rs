//! De boer op through HTTP: an AOV'er plans a round from the farmers of the
//! municipality, the teams get complete routes, a visit is recorded once even
//! when the phone sends it twice, an observation becomes a signal, the round
//! shows its results, and the next round marks recently visited addresses.

use bz_domain::identity::Role;
use bz_store::area::{AddressRow, BusinessRow};
use bz_testkit::{GEMEENTE, TestApp};
use reqwest::StatusCode;

fn address(n: i64, x: f64, y: f64) -> AddressRow {
    AddressRow {
        id: format!("99010100000000{n:02}"),
        x,
        y,
        gemeente_code: GEMEENTE.into(),
        straat: "Veldweg".into(),
        huisnummer: n,
        huisletter: None,
        postcode: Some("7399AB".into()),
        woonplaats: "Testdorp".into(),
        gebruiksdoel: "woonfunctie;industriefunctie".into(),
        oppervlakte: 800,
        bouwjaar: Some(1960),
        status: "Verblijfsobject in gebruik".into(),
        source: "test".into(),
    }
}

/// Eight farms (SBI 0141) around (230000, 455000), one ended business, one plain house.
async fn seed(app: &TestApp) {
    let mut rows = Vec::new();
    let mut businesses = Vec::new();
    for n in 1..=10 {
        let angle = n as f64 * 0.6;
        rows.push(address(
            n,
            230_000.0 + 2000.0 * angle.cos(),
            455_000.0 + 2000.0 * angle.sin(),
        ));
        if n <= 9 {
            businesses.push(BusinessRow {
                id: format!("kvk{n}"),
                kvk: format!("1234567{n}"),
                name: String::new(),
                address_id: format!("99010100000000{n:02}"),
                sbi: "0141".into(),
                start_date: "2001-01-01".into(),
                end_date: (n == 9).then(|| "2020-01-01".to_string()),
                source: "test".into(),
            });
        }
    }
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::insert_addresses(&mut tx, &rows, 0)
        .await
        .unwrap();
    bz_store::area::insert_businesses(&mut tx, &businesses, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn plan<'a>(name: &'a str, start: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("gemeente", GEMEENTE),
        ("name", name),
        ("starts_on", start),
        ("ends_on", "2027-12-31"),
        ("interval_months", "12"),
        ("visits_per_day", "3"),
        ("farmers", "ja"),
        ("decisions", "ja"),
        ("manual", "7399 AB 10"),
        (
            "teams",
            "Noord: wijkagent De Vries (politie), Tom Toezicht (gemeente)\nZuid: Anouk (gemeente), Omar (omgevingsdienst)",
        ),
        ("participants", "Gemeente Testdorp"),
        ("start_address", ""),
    ]
}

#[tokio::test]
async fn an_aov_plans_a_round_and_teams_record_visits() {
    let app = TestApp::spawn().await.unwrap();
    seed(&app).await;
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    let page = aov.get("/deboerop").await.unwrap();
    assert_eq!(page.status, StatusCode::OK);

    // Errors at their fields: one person is not a team, unknown address.
    let mut bad = plan("", "2026-12-01");
    bad[9] = ("teams", "Alleen: Piet");
    bad[8] = ("manual", "1234 ZZ 1");
    let r = aov.post_form("/deboerop", &bad).await.unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["name-error", "teams-error", "manual-error"] {
        assert!(r.body.contains(id), "{id}: {}", r.body);
    }

    let r = aov
        .post_form("/deboerop", &plan("Najaar", "2026-12-01"))
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let round_path = r.location().unwrap();
    let round_id = round_path.trim_start_matches("/deboerop/").to_string();
    let targets = app.store.round_targets(&round_id).await.unwrap();
    // Eight active farms plus the address added by hand; the ended farm is not a farmer.
    assert_eq!(targets.len(), 9);
    assert!(
        targets
            .iter()
            .all(|t| t.target.team_id.is_some() && t.target.route_day.is_some())
    );
    let teams = app.store.round_teams(&round_id).await.unwrap();
    assert_eq!(teams.len(), 2);
    for t in &teams {
        let mine: Vec<_> = targets
            .iter()
            .filter(|x| x.target.team_id.as_deref() == Some(t.id.as_str()))
            .collect();
        assert!((4..=5).contains(&mine.len()), "balanced teams");
        assert!(
            mine.iter().all(|x| x.target.route_day.unwrap() <= 2),
            "3 visits per day"
        );
    }
    let page = aov.get(&round_path).await.unwrap();
    assert!(
        page.body.contains("Noord") && page.body.contains("Veldweg 10"),
        "{}",
        page.body
    );
    let sheet = aov
        .get(&format!("{round_path}/route/{}", teams[0].id))
        .await
        .unwrap();
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(!sheet.body.contains("score"), "no scan scores on paper");

    // A visit, sent twice with the same client key (a phone that lost the answer): stored once.
    let target = &targets[0].target.address_id;
    let form = aov
        .get(&format!("{round_path}/bezoek/{target}"))
        .await
        .unwrap();
    assert_eq!(form.status, StatusCode::OK);
    let visit = [
        ("client_key", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        ("outcome", "gesproken"),
        ("topics", "leegstand_verhuur"),
        ("topics", "waar_melden"),
        ("signs", "vaten_of_jerrycans"),
        ("observation", "Blauwe vaten achter de loods"),
        ("materials", "flyer"),
        ("follow_ups", "signaal"),
        ("follow_ups", "coach"),
        ("signal_category", "drugsafval"),
        ("note", ""),
    ];
    for _ in 0..2 {
        let r = aov
            .post_form(&format!("{round_path}/bezoek/{target}"), &visit)
            .await
            .unwrap();
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let visits = app.store.round_visits(&round_id).await.unwrap();
    assert_eq!(visits.len(), 1);
    let signal_id = visits[0]
        .signal_id
        .clone()
        .expect("the observation became a signal");
    let signal = app.store.signal(&signal_id).await.unwrap().expect("signal");
    assert_eq!(signal.source, "de_boer_op");

    // A visit without a conversation cannot carry topics.
    let r = aov
        .post_form(
            &format!("{round_path}/bezoek/{}", targets[1].target.address_id),
            &[
                ("client_key", "k2"),
                ("outcome", "niet_thuis"),
                ("topics", "diefstal"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("topics-error"));
    let r = aov
        .post_form(
            &format!("{round_path}/bezoek/{}", targets[1].target.address_id),
            &[
                ("client_key", "k3"),
                ("outcome", "niet_thuis"),
                ("materials", "flyer"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let page = aov.get(&round_path).await.unwrap();
    assert!(
        page.body.contains("id=\"fig-visited\">2<"),
        "results count visits"
    );
    assert!(page.body.contains("id=\"press\""));

    // The next round marks the visited addresses as recent: no route for them.
    let r = aov
        .post_form("/deboerop", &plan("Voorjaar", "2027-03-01"))
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let next = r
        .location()
        .unwrap()
        .trim_start_matches("/deboerop/")
        .to_string();
    let t2 = app.store.round_targets(&next).await.unwrap();
    assert_eq!(t2.iter().filter(|t| t.target.team_id.is_none()).count(), 2);

    // The partner cannot see rounds; the analyst can but cannot record.
    let mut partner = app.login(app.account(Role::Partner)).await.unwrap();
    assert_eq!(
        partner.get(&round_path).await.unwrap().status,
        StatusCode::FORBIDDEN
    );
    let audit = app
        .store
        .audit_page(100, None, Some("field."))
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.record.action == "field.round.view"));
    assert!(
        audit
            .iter()
            .any(|e| e.record.action == "field.visit.record")
    );
}
