//! The residents' survey through HTTP, the whole Module-1 cycle: an AOV'er
//! creates the default survey, publishes it to the buitengebied of the
//! latest scan plus an extra address, downloads the letters (PDF, CSV),
//! residents answer online (skip logic, save and continue), a paper form is
//! entered twice and compared, reminders follow the interval, and the report
//! shows the analyst and the published view. Unknown and used codes get the
//! same answer.

use bz_domain::identity::Role;
use bz_store::area::AddressRow;
use bz_survey::{Answer, Answers};
use bz_testkit::{Client, GEMEENTE, TestApp};
use reqwest::StatusCode;

/// Twelve scattered rural addresses (more than 1 km apart: all in the buitengebied).
pub(crate) async fn seed(app: &TestApp) {
    let rows: Vec<AddressRow> = (1..=12)
        .map(|n| AddressRow {
            id: format!("99010100000001{n:02}"),
            x: 200_000.0 + (n % 4) as f64 * 2500.0,
            y: 450_000.0 + (n / 4) as f64 * 2500.0,
            gemeente_code: GEMEENTE.into(),
            straat: "Buitenweg".into(),
            huisnummer: n,
            huisletter: None,
            postcode: Some("7399BB".into()),
            woonplaats: if n % 2 == 0 {
                "Veldhoek".into()
            } else {
                "Broek".into()
            },
            gebruiksdoel: "woonfunctie".into(),
            oppervlakte: 140,
            bouwjaar: Some(1950),
            status: "Verblijfsobject in gebruik".into(),
            source: "test".into(),
        })
        .collect();
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::insert_addresses(&mut tx, &rows, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The answers as form fields.
fn fields(answers: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, a) in answers {
        match a {
            Answer::Text(s) | Answer::Choice(s) | Answer::Date(s) => {
                out.push((k.clone(), s.clone()))
            }
            Answer::Integer(n) => out.push((k.clone(), n.to_string())),
            Answer::Choices(v) => out.extend(v.iter().map(|c| (k.clone(), c.clone()))),
        }
    }
    out
}

/// Answers the whole form online with `answers`; returns the last page's body.
async fn answer_online(c: &mut Client, code: &str, answers: &Answers) -> String {
    let r = c
        .post_raw(
            "/enquete",
            "application/x-www-form-urlencoded",
            format!("step=start&code={code}"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let mut body = r.body;
    let mut page = 0;
    for _ in 0..40 {
        if !body.contains("name=\"page\"") {
            return body;
        }
        let step = if body.contains("value=\"send\"") {
            "send"
        } else {
            "next"
        };
        let mut form: Vec<(String, String)> = vec![
            ("code".into(), code.into()),
            ("page".into(), page.to_string()),
            ("step".into(), step.into()),
        ];
        form.extend(fields(answers));
        let encoded: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter())
            .finish();
        let r = c
            .post_raw("/enquete", "application/x-www-form-urlencoded", encoded)
            .await
            .unwrap();
        assert_eq!(r.status, StatusCode::OK);
        body = r.body;
        if let Some(i) = body.find("name=\"page\" value=\"") {
            let rest = &body[i + 19..];
            page = rest[..rest.find('"').unwrap()].parse().unwrap();
        }
    }
    panic!("the form did not end");
}

#[tokio::test]
async fn the_whole_module_1_cycle() {
    let app = TestApp::spawn().await.unwrap();
    seed(&app).await;
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    // A scan of the buitengebied first: it defines the population.
    aov.get("/gebiedsscan").await.unwrap();
    let r = aov
        .post_form(
            "/gebiedsscan",
            &[
                ("area", GEMEENTE),
                ("kind", "buitengebied"),
                ("peildatum", "2026-06-30"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let page = aov.get("/enquetes").await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    // A bad own definition is refused with its line and column.
    let r = aov
        .post_form(
            "/enquetes",
            &[
                ("gemeente", GEMEENTE),
                ("title", "Test"),
                ("closes_on", "2027-01-31"),
                ("signatory", "De burgemeester"),
                ("letter_text", "Code {code}"),
                ("reminder_days", "14"),
                ("max_reminders", "1"),
                ("definition", "[settings]\nform_title = 1\n"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("definition-error") && r.body.contains("line"),
        "{}",
        r.body
    );
    let r = aov
        .post_form(
            "/enquetes",
            &[
                ("gemeente", GEMEENTE),
                ("title", "Bewonersenquête 2026"),
                ("closes_on", "2099-01-31"),
                ("signatory", "J. Burgemeester"),
                (
                    "letter_text",
                    "Beste bewoner,\n\nGa naar {url} en vul {code} in.",
                ),
                ("reminder_days", "14"),
                ("max_reminders", "1"),
                ("definition", ""),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location().unwrap();
    let id = path.trim_start_matches("/enquetes/").to_string();
    aov.get(&path).await.unwrap();
    let r = aov
        .post_form(&format!("{path}/publiceren"), &[("extra", "")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let invitations = app.store.invitations(&id).await.unwrap();
    assert_eq!(invitations.len(), 12);
    let codes: Vec<String> = invitations.iter().map(|i| i.code.clone()).collect();
    // A published survey is immutable.
    let r = aov
        .post_form(
            &path,
            &[
                ("title", "Anders"),
                ("closes_on", "2099-01-31"),
                ("signatory", "X"),
                ("letter_text", "{code}"),
                ("reminder_days", "14"),
                ("max_reminders", "1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The letters: one page each, with the codes; the CSV for the mailing house.
    let pdf = aov
        .http
        .get(format!("{}{path}/brieven.pdf", aov.base))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    let bytes = pdf.bytes().await.unwrap();
    assert_eq!(bz_pdf::page_count(&bytes).unwrap(), 12);
    let text = bz_pdf::extract_text(&bytes).unwrap();
    let grouped = bz_survey::codes::InvitationCode::parse(&codes[0])
        .unwrap()
        .grouped();
    assert!(text.contains(&grouped), "the code is printed");
    let csv = aov.get(&format!("{path}/brieven.csv")).await.unwrap();
    assert_eq!(csv.body.lines().count(), 13);

    // A resident answers online: save and continue, then send.
    let def = bz_survey::default_survey();
    let population = bz_survey::Population {
        invited: 12,
        areas: Default::default(),
    };
    let synthetic = bz_survey::synth::synthetic_responses(&def, &population, 1.0, 7);
    let mut resident = app.client();
    let r = resident
        .get(&format!("/enquete?code={}", codes[0]))
        .await
        .unwrap();
    assert!(
        r.body.contains("name=\"page\" value=\"0\""),
        "the QR code's link opens the form"
    );
    let save = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("code", codes[0].as_str()), ("page", "0"), ("step", "save")])
        .finish();
    let r = resident
        .post_raw("/enquete", "application/x-www-form-urlencoded", save)
        .await
        .unwrap();
    assert!(r.body.contains("id=\"saved\""), "{}", r.body);
    let done = answer_online(&mut resident, &codes[0], &synthetic[0].answers).await;
    assert!(done.contains("id=\"done\""), "{done}");
    for (k, code) in codes.iter().enumerate().skip(1).take(5) {
        let done = answer_online(&mut resident, code, &synthetic[k].answers).await;
        assert!(done.contains("id=\"done\""));
    }
    // A used code and an unknown code: the same page, the same text.
    let used = resident
        .post_raw(
            "/enquete",
            "application/x-www-form-urlencoded",
            format!("step=start&code={}", codes[0]),
        )
        .await
        .unwrap();
    let unknown_code = loop {
        let c = bz_survey::codes::InvitationCode::generate(&mut rand::rng());
        if !codes.contains(&c.as_str().to_string()) {
            break c;
        }
    };
    let unknown = resident
        .post_raw(
            "/enquete",
            "application/x-www-form-urlencoded",
            format!("step=start&code={}", unknown_code.as_str()),
        )
        .await
        .unwrap();
    assert_eq!(used.status, unknown.status);
    assert_eq!(used.body, unknown.body, "no oracle for which codes exist");
    assert!(used.body.contains("id=\"unavailable\""));
    // Nothing in a response links to the code or address.
    let responses = app.store.survey_responses(&id).await.unwrap();
    assert_eq!(responses.len(), 6);
    assert!(
        responses
            .iter()
            .all(|r| !r.0.contains(&codes[0]) && r.3.len() == 10)
    );

    // Paper: double entry with a difference, then agreeing entries.
    aov.get(&format!("{path}/papier")).await.unwrap();
    let mut paper: Vec<(String, String)> = vec![
        ("code".into(), codes[6].clone()),
        ("dubbel".into(), "ja".into()),
    ];
    paper.extend(fields(&synthetic[6].answers));
    let refs: Vec<(&str, &str)> = paper
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = aov
        .post_form(&format!("{path}/papier"), &refs)
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"paper-message\""));
    let mut different = paper.clone();
    let first_choice = different
        .iter()
        .position(|(k, _)| k.starts_with('q') && k != "code")
        .unwrap();
    different.remove(first_choice);
    let refs: Vec<(&str, &str)> = different
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = aov
        .post_form(&format!("{path}/papier"), &refs)
        .await
        .unwrap();
    assert!(
        r.status == StatusCode::UNPROCESSABLE_ENTITY
            && (r.body.contains("id=\"differences\"")
                || r.body.contains("form-errors")
                || r.body.contains("bz-error")),
        "{}",
        r.status
    );
    let refs: Vec<(&str, &str)> = paper
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = aov
        .post_form(&format!("{path}/papier"), &refs)
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let responses = app.store.survey_responses(&id).await.unwrap();
    assert_eq!(responses.len(), 7);
    assert_eq!(responses.iter().filter(|r| r.2 == "paper").count(), 1);

    // Reminders: not before the interval; after it, for the open codes only.
    let r = aov
        .post_form(&format!("{path}/herinnering"), &[])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.state.clock.advance(15 * 86_400);
    // Two weeks later: a new session.
    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    aov.get(&path).await.unwrap();
    let r = aov
        .post_form(&format!("{path}/herinnering"), &[])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reminded = app.store.invitations(&id).await.unwrap();
    assert_eq!(reminded.iter().filter(|i| i.letters == 2).count(), 5);

    // The report: the analyst sees everything, the partner the published view.
    let mut analist = app.login(app.account(Role::Analist)).await.unwrap();
    let report = analist.get(&format!("{path}/rapport")).await.unwrap();
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report.body.contains("id=\"responses\">7<"),
        "{}",
        report.body
    );
    let mut partner = app.login(app.account(Role::Partner)).await.unwrap();
    let published = partner.get(&format!("{path}/rapport")).await.unwrap();
    assert_eq!(published.status, StatusCode::OK);
    assert!(
        published.body.contains("&#60; 5"),
        "small counts suppressed"
    );
    assert_eq!(
        partner
            .get(&format!("{path}/brieven.csv"))
            .await
            .unwrap()
            .status,
        StatusCode::FORBIDDEN
    );
    // Downloads: every response for the analyst (CSV, XLSX), tables and the PDF for all.
    let csv = analist
        .get(&format!("{path}/antwoorden.csv"))
        .await
        .unwrap();
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 8, "a header and seven responses");
    assert!(!csv.body.contains(&codes[0]), "no code in the export");
    let xlsx = analist
        .http
        .get(format!("{}{path}/antwoorden.xlsx", analist.base))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        partner
            .get(&format!("{path}/antwoorden.csv"))
            .await
            .unwrap()
            .status,
        StatusCode::FORBIDDEN
    );
    let tables = partner.get(&format!("{path}/tabellen.csv")).await.unwrap();
    assert_eq!(tables.status, StatusCode::OK);
    assert!(
        tables.body.contains("< 5"),
        "small counts protected in the tables"
    );
    let pdf = partner
        .http
        .get(format!("{}{path}/rapport.pdf", partner.base))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    let pdf = pdf.bytes().await.unwrap();
    assert!(bz_pdf::page_count(&pdf).unwrap() >= 3);
    assert!(
        bz_pdf::extract_text(&pdf)
            .unwrap()
            .contains("Handelingsperspectief")
    );
}
