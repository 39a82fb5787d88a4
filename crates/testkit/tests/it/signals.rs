//! Signals for professionals through HTTP: the intake form with errors per
//! field, workflow transitions (with required texts), deadlines in working
//! days with Dutch holidays and a pause, the overdue list, duplicates and a
//! merge that keeps both histories, forwarding with a de-identified
//! summary, the drug-waste protocol, the retention purge with its counts,
//! the API import, and access per role (a partner never sees a single
//! signal, a coach only when assigned, the original text for intake only).

use bz_domain::identity::Role;
use bz_store::area::GemeenteRow;
use bz_store::signal_workflow::{self as sw, Actor, kinds};
use bz_testkit::{Client, GEMEENTE, TestApp};
use reqwest::StatusCode;

const X: f64 = 230_000.0;
const Y: f64 = 480_000.0;
const ORIGINAL: &str = "Mijn buurman Jan de Vries op Veldweg 12 dumpt 's nachts blauwe vaten in de sloot, bel mij op 0612345678.";

/// A server whose test municipality covers (X, Y).
async fn app() -> TestApp {
    let app = TestApp::spawn().await.unwrap();
    let mut tx = app.store.begin_write().await.unwrap();
    bz_store::area::upsert_gemeente(
        &mut tx,
        &GemeenteRow {
            code: GEMEENTE.into(),
            name: "Testgemeente".into(),
            geometry: "[[[[220000,470000],[240000,470000],[240000,490000],[220000,490000],[220000,470000]]]]".into(),
            area_m2: 4.0e8,
            source: "test".into(),
        },
        0,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app
}

async fn login(app: &TestApp, role: Role) -> Client {
    app.login(app.account(role)).await.unwrap()
}

/// A signal stored directly (as an earlier intake would have), with its
/// `created` history line.
async fn stored(app: &TestApp, category: &str, x: f64, received_at: i64, text: &str) -> String {
    crate::stored_signal(app, |s| {
        s.category = category.into();
        s.received_at = received_at;
        s.x = Some(x);
        s.y = Some(Y);
        s.description = text.into();
    })
    .await
}

fn id_of(location: &str) -> String {
    location
        .trim_start_matches("/signalen/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .to_string()
}

async fn intake(c: &mut Client, category: &str, x: &str, description: &str) -> String {
    c.get("/signalen/nieuw").await.unwrap();
    let r = c
        .post_form(
            "/signalen/nieuw",
            &[
                ("source", "erfbetreder"),
                ("category", category),
                ("description", description),
                ("x", x),
                ("y", "480000"),
                ("dubbel_gezien", "1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id_of(&r.location().unwrap())
}

#[tokio::test]
async fn intake_names_errors_per_field_and_stores_a_valid_signal() {
    let app = app().await;
    let mut c = login(&app, Role::Intake).await;
    let r = c.get("/signalen/nieuw").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let r = c
        .post_form(
            "/signalen/nieuw",
            &[
                ("source", "publiek"),
                ("category", "onbekend"),
                ("description", "kort"),
                ("x", "abc"),
                ("y", "480000"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in [
        "source-error",
        "category-error",
        "description-error",
        "location-error",
    ] {
        assert!(r.body.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(r.body.contains("aria-invalid=\"true\""));
    // Outside the Netherlands is refused at the location.
    let r = c
        .post_form(
            "/signalen/nieuw",
            &[
                ("source", "wijkagent"),
                ("category", "drugsafval"),
                ("description", ORIGINAL),
                ("x", "900000"),
                ("y", "100000"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"location-error\""));

    let id = intake(&mut c, "drugsafval", "230000", ORIGINAL).await;
    let rec = app.store.signal(&id).await.unwrap().unwrap();
    assert_eq!(rec.category, "drugsafval");
    assert_eq!(rec.source, "erfbetreder");
    assert_eq!(rec.state, "nieuw");
    assert_eq!(rec.gemeente_code.as_deref(), Some(GEMEENTE));
    assert_eq!(rec.channel, "intake");
    let h = app.store.history(&id).await.unwrap();
    assert_eq!(h[0].kind, kinds::CREATED);
    assert_eq!(h[0].actor_kind, "user");
    let r = c.get(&format!("/signalen/{id}?ok=nieuw")).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Het signaal is opgeslagen."));
    assert!(r.body.contains("blauwe vaten"), "intake sees the original");
    let r = c.get("/signalen").await.unwrap();
    assert!(r.body.contains(&format!("/signalen/{id}")));
}

#[tokio::test]
async fn transitions_follow_the_workflow_and_need_a_text_where_configured() {
    let app = app().await;
    let mut c = login(&app, Role::Toezichthouder).await;
    let id = stored(
        &app,
        "hennepteelt",
        X,
        app.state.clock.now() - 3600,
        ORIGINAL,
    )
    .await;
    let path = format!("/signalen/{id}/status");
    c.get(&format!("/signalen/{id}")).await.unwrap();
    // Closing as afgehandeld needs a text.
    let r = c
        .post_form(&path, &[("naar", "afgehandeld"), ("toelichting", "")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"status-text-error\""));
    assert!(r.body.contains("Geef een toelichting"));
    // An unknown target is refused at the state field.
    let r = c
        .post_form(&path, &[("naar", "verzonnen"), ("toelichting", "")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"status-to-error\""));
    let r = c
        .post_form(&path, &[("naar", "in_behandeling"), ("toelichting", "")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c
        .post_form(
            &path,
            &[
                ("naar", "afgehandeld"),
                ("toelichting", "Ter plaatse gecontroleerd, niets gevonden."),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rec = app.store.signal(&id).await.unwrap().unwrap();
    assert_eq!(rec.state, "afgehandeld");
    assert!(rec.closed_at.is_some());
    // From afgehandeld only heropend, with a text.
    let r = c
        .post_form(&path, &[("naar", "in_behandeling"), ("toelichting", "x")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("niet toegestaan"));
    let r = c
        .post_form(&path, &[("naar", "heropend"), ("toelichting", "")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post_form(
            &path,
            &[
                ("naar", "heropend"),
                ("toelichting", "Nieuwe melding van de buren."),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rec = app.store.signal(&id).await.unwrap().unwrap();
    assert_eq!(rec.state, "heropend");
    assert_eq!(rec.closed_at, None);
    let states: Vec<(String, Option<String>)> = app
        .store
        .history(&id)
        .await
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == kinds::STATE)
        .map(|h| (h.data_str("to").unwrap().to_string(), h.text))
        .collect();
    assert_eq!(
        states,
        vec![
            ("in_behandeling".into(), None),
            (
                "afgehandeld".into(),
                Some("Ter plaatse gecontroleerd, niets gevonden.".into())
            ),
            (
                "heropend".into(),
                Some("Nieuwe melding van de buren.".into())
            ),
        ]
    );
    let audit = app
        .store
        .audit_page(100, None, Some("signal.state"))
        .await
        .unwrap();
    assert_eq!(audit.len(), 3);
}

/// 2026-04-24 12:00 CEST (Friday before Koningsdag, Monday 27 April).
const FRI_BEFORE_KINGSDAY: i64 = 1_777_024_800;

#[tokio::test]
async fn deadlines_skip_weekends_and_holidays_pause_while_waiting_and_feed_the_overdue_list() {
    let app = app().await;
    let mut c = login(&app, Role::Intake).await;
    // drugsafval: 2 working days. From Saturday: Monday 27 April is
    // Koningsdag, so Tuesday and Wednesday count; due at the end of
    // Wednesday 29 April (= 2026-04-29T22:00Z).
    let running = stored(&app, "drugsafval", X, FRI_BEFORE_KINGSDAY, ORIGINAL).await;
    let waiting = stored(
        &app,
        "drugsafval",
        X + 3000.0,
        FRI_BEFORE_KINGSDAY,
        ORIGINAL,
    )
    .await;
    let mut tx = app.store.begin_write().await.unwrap();
    sw::change_state(
        &mut tx,
        &waiting,
        "nieuw",
        "wacht_op_informatie",
        None,
        false,
        &Actor::System,
        FRI_BEFORE_KINGSDAY + 60,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let r = c.get("/api/v1/signalen").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let find = |id: &str| {
        v["signalen"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .unwrap()
    };
    let run = find(&running);
    assert_eq!(run["termijn"]["werkdagen"], 2);
    // End of Wednesday 29 April in Dutch summer time.
    assert_eq!(run["termijn"]["uiterlijk"], 1_777_500_000);
    assert_eq!(run["termijn"]["verlopen"], true);
    assert_eq!(run["termijn"]["klok"], "loopt");
    let wait = find(&waiting);
    assert_eq!(wait["termijn"]["klok"], "gepauzeerd");
    assert_eq!(wait["termijn"]["verlopen"], false);
    assert!(wait["termijn"]["uiterlijk"].is_null());

    let r = c.get("/signalen/termijn").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("/signalen/{running}")));
    assert!(!r.body.contains(&format!("/signalen/{waiting}")));
    let r = c.get(&format!("/signalen/{waiting}")).await.unwrap();
    assert!(r.body.contains("gepauzeerd: wacht op informatie"));
}

#[tokio::test]
async fn duplicates_are_suggested_and_a_merge_keeps_both_histories() {
    let app = app().await;
    let mut c = login(&app, Role::Intake).await;
    let now = app.state.clock.now();
    let first = stored(
        &app,
        "drugsafval",
        X,
        now - 86_400,
        "Vaten bij de schuur aan de Veldweg.",
    )
    .await;
    app.store
        .append_history(&sw::NewHistory {
            signal_id: first.clone(),
            at: now - 80_000,
            actor: Actor::System,
            kind: kinds::NOTE,
            text: Some("Eerste notitie bij het oude signaal".into()),
            data: serde_json::json!({}),
        })
        .await
        .unwrap();
    // At intake, 40 m away: the earlier signal is suggested before saving.
    c.get("/signalen/nieuw").await.unwrap();
    let fields = [
        ("source", "telefoon"),
        ("category", "drugsafval"),
        ("description", "Opnieuw vaten gezien bij dezelfde schuur."),
        ("x", "230040"),
        ("y", "480000"),
    ];
    let r = c.post_form("/signalen/nieuw", &fields).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"mogelijk-dubbel\""));
    assert!(r.body.contains(&format!("/signalen/{first}")));
    assert!(r.body.contains("name=\"dubbel_gezien\" value=\"1\""));
    let mut again = fields.to_vec();
    again.push(("dubbel_gezien", "1"));
    let r = c.post_form("/signalen/nieuw", &again).await.unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let second = id_of(&r.location().unwrap());

    let r = c.get(&format!("/signalen/{second}")).await.unwrap();
    assert!(r.body.contains("id=\"dubbele\""));
    assert!(
        r.body
            .contains(&format!("name=\"andere\" value=\"{first}\""))
    );
    let r = c
        .post_form(
            &format!("/signalen/{second}/samenvoegen"),
            &[("andere", &first)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Both histories on the surviving signal; the absorbed one keeps its own.
    let tl = app.store.timeline(&second).await.unwrap();
    assert!(
        tl.iter()
            .any(|h| h.signal_id == first && h.kind == kinds::NOTE)
    );
    assert!(
        tl.iter()
            .any(|h| h.signal_id == second && h.kind == kinds::CREATED)
    );
    assert!(
        tl.iter()
            .any(|h| h.signal_id == first && h.kind == kinds::CREATED)
    );
    let own = app.store.history(&first).await.unwrap();
    assert_eq!(
        own.iter().map(|h| h.kind.as_str()).collect::<Vec<_>>(),
        ["created", "note", "merged"]
    );
    // The scan and the map count the duplicate once.
    let placed: Vec<String> = app
        .store
        .placed_signals()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert!(placed.contains(&second) && !placed.contains(&first));
    let r = c.get(&format!("/signalen/{second}")).await.unwrap();
    assert!(r.body.contains("Eerste notitie bij het oude signaal"));
    assert!(r.body.contains("samengevoegd in"));
    let r = c.get(&format!("/signalen/{first}")).await.unwrap();
    assert!(r.body.contains("id=\"samengevoegd-in\""));
    // A merged signal is no longer listed and cannot be merged again.
    let r = c.get("/signalen").await.unwrap();
    assert!(!r.body.contains(&format!("href=\"/signalen/{first}\"")));
    let r = c
        .post_form(
            &format!("/signalen/{second}/samenvoegen"),
            &[("andere", &first)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn forwarding_records_a_hand_off_with_a_deidentified_summary() {
    let app = app().await;
    let mut c = login(&app, Role::Intake).await;
    let id = stored(
        &app,
        "synthetisch_drugslab",
        X,
        app.state.clock.now() - 600,
        ORIGINAL,
    )
    .await;
    c.get(&format!("/signalen/{id}")).await.unwrap();
    let path = format!("/signalen/{id}/doorzetten");
    // No target, too short.
    let r = c
        .post_form(&path, &[("naar", ""), ("samenvatting", "kort")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"forward-target-error\""));
    assert!(r.body.contains("id=\"forward-summary-error\""));
    // A phone number and copied sentences are warned about, not sent.
    let r = c
        .post_form(&path, &[("naar", "politie"), ("samenvatting", ORIGINAL)])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"form-warnings\""));
    assert!(app.store.forwards(&id).await.unwrap().is_empty());
    let summary = "Melding van mogelijk gedumpt drugsafval bij een agrarisch perceel aan de rand van de gemeente.";
    let r = c
        .post_form(&path, &[("naar", "politie"), ("samenvatting", summary)])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let f = app.store.forwards(&id).await.unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].target, "politie");
    assert_eq!(f[0].summary, summary);
    assert_eq!(f[0].by_name, "Test intake");
    let h = app.store.history(&id).await.unwrap();
    assert!(
        h.iter()
            .any(|l| l.kind == kinds::FORWARDED && l.data_str("target") == Some("politie"))
    );
    assert_eq!(
        app.store
            .audit_page(10, None, Some("signal.forward"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.store.signal(&id).await.unwrap().unwrap().state, "nieuw");
    // A second hand-off that also moves the signal to `doorgezet`.
    let r = c
        .post_form(
            &path,
            &[
                ("naar", "omgevingsdienst"),
                ("samenvatting", summary),
                ("status_doorgezet", "1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.store.forwards(&id).await.unwrap().len(), 2);
    assert_eq!(
        app.store.signal(&id).await.unwrap().unwrap().state,
        "doorgezet"
    );
    // The summary for everyone else.
    let r = c
        .post_form(
            &format!("/signalen/{id}/samenvatting"),
            &[("text", summary)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut t = login(&app, Role::Toezichthouder).await;
    let r = t.get(&format!("/signalen/{id}")).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(summary));
    assert!(
        !r.body.contains("Jan de Vries"),
        "the original stays with intake"
    );
    assert!(!r.body.contains("0612345678"));
    // A toezichthouder does not forward.
    let r = t
        .post_form(&path, &[("naar", "riec"), ("samenvatting", summary)])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_drug_waste_protocol_is_ticked_safety_first_with_user_and_time() {
    let app = app().await;
    let mut c = login(&app, Role::Aov).await;
    let id = stored(&app, "drugsafval", X, app.state.clock.now() - 600, ORIGINAL).await;
    let r = c.get(&format!("/signalen/{id}")).await.unwrap();
    assert!(r.body.contains("id=\"protocol-stappen\""));
    assert!(r.body.contains("0 van 9 stappen gedaan"));
    let path = format!("/signalen/{id}/protocol");
    let r = c
        .post_form(
            &path,
            &[("stap", "politie_inlichten"), ("uitkomst", "done")],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vink eerst de veiligheidsstap af."));
    let r = c
        .post_form(&path, &[("stap", "veiligheid"), ("uitkomst", "done")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Not applicable needs a reason, and only for conditional steps.
    let r = c
        .post_form(
            &path,
            &[
                ("stap", "waterschap"),
                ("uitkomst", "not_applicable"),
                ("notitie", ""),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post_form(
            &path,
            &[
                ("stap", "waterschap"),
                ("uitkomst", "not_applicable"),
                ("notitie", "Geen water in de buurt"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = c
        .post_form(&path, &[("stap", "veiligheid"), ("uitkomst", "done")])
        .await
        .unwrap();
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a step is ticked once"
    );
    let ticks = app.store.protocol_ticks(&id).await.unwrap();
    assert_eq!(ticks.len(), 2);
    assert_eq!(ticks[0].step, "veiligheid");
    assert_eq!(ticks[0].by_name, "Test aov");
    assert_eq!(ticks[1].outcome, "not_applicable");
    let r = c.get(&format!("/signalen/{id}")).await.unwrap();
    assert!(r.body.contains("2 van 9 stappen gedaan"));
    assert!(r.body.contains("afgevinkt door Test aov"));
    // Another category has no protocol.
    let other = stored(
        &app,
        "hennepteelt",
        X,
        app.state.clock.now() - 600,
        ORIGINAL,
    )
    .await;
    let r = c.get(&format!("/signalen/{other}")).await.unwrap();
    assert!(!r.body.contains("id=\"protocol-stappen\""));
    // Triage corrects the category: now the protocol applies.
    let r = c
        .post_form(
            &format!("/signalen/{other}/categorie"),
            &[("categorie", "hennepteelt")],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "same category");
    let r = c
        .post_form(
            &format!("/signalen/{other}/categorie"),
            &[("categorie", "drugsafval")],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c.get(&format!("/signalen/{other}")).await.unwrap();
    assert!(r.body.contains("id=\"protocol-stappen\""));
    assert!(r.body.contains("categorie van Hennepteelt naar Drugsafval"));
    let mut t = login(&app, Role::Toezichthouder).await;
    let r = t
        .post_form(
            &format!("/signalen/{other}/categorie"),
            &[("categorie", "overig")],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_purge_removes_expired_signals_and_keeps_counts() {
    let app = app().await;
    let now = app.state.clock.now();
    let year = 365 * 86_400;
    let old = stored(&app, "overig", X, now - 4 * year, ORIGINAL).await;
    let mut tx = app.store.begin_write().await.unwrap();
    // Handled three years ago: overig/afgehandeld is kept 24 months.
    sw::change_state(
        &mut tx,
        &old,
        "nieuw",
        "afgehandeld",
        Some("klaar"),
        true,
        &Actor::System,
        now - 3 * year,
    )
    .await
    .unwrap();
    sw::add_attachment(
        &mut tx,
        &sw::NewAttachment {
            signal_id: old.clone(),
            at: now - 3 * year,
            actor: Actor::System,
            file_name: None,
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4 test",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let recent = stored(&app, "overig", X + 10.0, now - 86_400, ORIGINAL).await;
    let mut tx = app.store.begin_write().await.unwrap();
    sw::set_contact(
        &mut tx,
        &recent,
        Some("Piet"),
        None,
        Some("+31612345678"),
        now - 1,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let r = bz_web::pages::signalen_purge::run(&app.store, now, "test")
        .await
        .unwrap();
    assert_eq!(r.purged, 1);
    assert_eq!(r.ids, vec![old.clone()]);
    assert_eq!(r.contacts_cleared, 1);
    assert!(app.store.signal(&old).await.unwrap().is_none());
    assert!(app.store.history(&old).await.unwrap().is_empty());
    assert!(app.store.attachments(&old).await.unwrap().is_empty());
    let kept = app.store.signal(&recent).await.unwrap().unwrap();
    assert_eq!(kept.contact_name, None);
    assert_eq!(kept.contact_phone, None);
    let counts = app.store.purge_counts().await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].category, "overig");
    assert_eq!(counts[0].state, "afgehandeld");
    assert_eq!(counts[0].purged, 1);
    let audit = app
        .store
        .audit_page(10, None, Some("signal.purge"))
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].record.detail.contains(&old));
    // The beheerder sees the runs and the counts.
    let mut admin = login(&app, Role::Beheerder).await;
    let page = admin.get("/beheer/workflow").await.unwrap();
    assert!(page.body.contains("id=\"opschoonrondes\""));
    assert!(page.body.contains("id=\"opgeschoond\""));
    // A second run finds nothing more.
    let r = bz_web::pages::signalen_purge::run(&app.store, now, "test")
        .await
        .unwrap();
    assert_eq!(r.purged, 0);
    assert_eq!(app.store.purge_counts().await.unwrap()[0].purged, 1);
}

#[tokio::test]
async fn the_api_imports_all_or_nothing_with_line_errors() {
    let app = app().await;
    let mut c = login(&app, Role::Intake).await;
    let me: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/me").await.unwrap().body).unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    let bad = serde_json::json!({
        "bron": "Gemeente Testdorp",
        "signalen": [
            {"id": "p1", "x": 230100, "y": 480100, "datum": "2026-03-01", "categorie": "hennepteelt"},
            {"id": "p2", "x": 230200, "y": 480200, "datum": "2026-13-01", "categorie": "hennepteelt"},
        ]
    });
    let r = c
        .post_json("/api/v1/signalen", &bad, Some(&csrf))
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let lines: Vec<&str> = v["fouten"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("regel 3") && l.contains("datum")),
        "{lines:?}"
    );
    assert!(
        app.store.signal("p1").await.unwrap().is_none(),
        "nothing imported"
    );
    let mut good = bad.clone();
    good["signalen"][1]["datum"] = "2026-03-02".into();
    let r = c
        .post_json("/api/v1/signalen", &good, Some(&csrf))
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["geimporteerd"],
        2
    );
    // CSV in the signalen.csv format, with the source in the query.
    let csv = "id,x,y,datum,categorie\np3,230300,480300,2026-03-03,drugsafval\n";
    let r = c
        .http
        .post(format!(
            "{}/api/v1/signalen?bron=Gemeente%20Testdorp",
            c.base
        ))
        .header("content-type", "text/csv")
        .header("x-csrf-token", &csrf)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c.get("/api/v1/signalen").await.unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let ids: Vec<&str> = v["signalen"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    for id in ["p1", "p2", "p3"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    // A partner cannot import or list.
    let mut p = login(&app, Role::Partner).await;
    let r = p.get("/api/v1/signalen").await.unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn access_per_role_partner_never_coach_when_assigned_original_for_intake() {
    let app = app().await;
    let id = stored(
        &app,
        "benaderd_door_criminelen",
        X,
        app.state.clock.now() - 600,
        ORIGINAL,
    )
    .await;
    // A partner never sees a single signal.
    let mut partner = login(&app, Role::Partner).await;
    assert_eq!(
        partner.get("/signalen").await.unwrap().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        partner
            .get(&format!("/signalen/{id}"))
            .await
            .unwrap()
            .status,
        StatusCode::FORBIDDEN
    );
    // The coach: not before it is assigned to them.
    let mut coach = login(&app, Role::Coach).await;
    let r = coach.get("/signalen").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(&id));
    assert_eq!(
        coach.get(&format!("/signalen/{id}")).await.unwrap().status,
        StatusCode::FORBIDDEN
    );
    let coach_id = app
        .store
        .user_by_username(&app.account(Role::Coach).username)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut intake = login(&app, Role::Intake).await;
    intake.get(&format!("/signalen/{id}")).await.unwrap();
    let r = intake
        .post_form(
            &format!("/signalen/{id}/toewijzen"),
            &[("organisatie", &app.org_id), ("gebruiker", &coach_id)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = coach.get(&format!("/signalen/{id}")).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains("Jan de Vries"),
        "the coach sees no original text"
    );
    assert!(
        r.body
            .contains("Er is nog geen geanonimiseerde samenvatting.")
    );
    assert!(coach.get("/signalen").await.unwrap().body.contains(&id));
    // The list's filters on assignment.
    let mine = intake.get("/signalen?toegewezen=ik").await.unwrap();
    assert!(!mine.body.contains(&id));
    let ours = intake
        .get("/signalen?toegewezen=organisatie")
        .await
        .unwrap();
    assert!(ours.body.contains(&id));
    // … and works on it, but does not triage.
    let r = coach
        .post_form(
            &format!("/signalen/{id}/status"),
            &[("naar", "in_behandeling"), ("toelichting", "")],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = coach
        .post_form(
            &format!("/signalen/{id}/toewijzen"),
            &[("organisatie", &app.org_id)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A partner cannot be assigned a signal.
    let partner_id = app
        .store
        .user_by_username(&app.account(Role::Partner).username)
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = intake
        .post_form(
            &format!("/signalen/{id}/toewijzen"),
            &[("organisatie", &app.org_id), ("gebruiker", &partner_id)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Intake sees the original and the contact details; others do not.
    let mut tx = app.store.begin_write().await.unwrap();
    sw::set_contact(
        &mut tx,
        &id,
        Some("Piet Melder"),
        Some("piet@example.nl"),
        None,
        i64::MAX / 2,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let r = intake.get(&format!("/signalen/{id}")).await.unwrap();
    assert!(r.body.contains("Jan de Vries"));
    assert!(r.body.contains("piet@example.nl"));
    let mut analist = login(&app, Role::Analist).await;
    let r = analist.get(&format!("/signalen/{id}")).await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("Jan de Vries"));
    assert!(!r.body.contains("piet@example.nl"));
    let api: serde_json::Value =
        serde_json::from_str(&analist.get("/api/v1/signalen").await.unwrap().body).unwrap();
    let item = api["signalen"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .unwrap()
        .clone();
    assert!(item.get("omschrijving").is_none());
    // Every view is audited; the refusals too.
    let views = app
        .store
        .audit_page(100, None, Some("signal.view"))
        .await
        .unwrap();
    assert!(views.len() >= 4, "{}", views.len());
    let denied = app
        .store
        .audit_page(100, None, Some("signal.denied"))
        .await
        .unwrap();
    assert!(!denied.is_empty());
    // The beheerder edits the workflow but does not read signals.
    let mut admin = login(&app, Role::Beheerder).await;
    assert_eq!(
        admin.get("/signalen").await.unwrap().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.get("/beheer/workflow").await.unwrap().status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_beheerder_edits_the_workflow_and_broken_ones_are_refused() {
    let app = app().await;
    let mut admin = login(&app, Role::Beheerder).await;
    let r = admin.get("/beheer/workflow").await.unwrap();
    assert_eq!(r.status, StatusCode::OK);
    let wf = app.store.workflow().await.unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, s) in wf.states.iter().enumerate() {
        fields.push((format!("state.{i}.code"), s.code.to_string()));
        fields.push((format!("state.{i}.existing"), "1".into()));
        fields.push((format!("state.{i}.name_nl"), s.name_nl.clone()));
        fields.push((format!("state.{i}.name_en"), s.name_en.clone()));
        let kind = serde_json::to_value(s.kind)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string();
        fields.push((format!("state.{i}.kind"), kind));
    }
    fields.push(("initial".into(), "nieuw".into()));
    let n = wf.states.len();
    fields.push((format!("state.{n}.code"), "ter_plaatse".into()));
    fields.push((format!("state.{n}.name_nl"), "Ter plaatse".into()));
    fields.push((format!("state.{n}.name_en"), "On site".into()));
    fields.push((format!("state.{n}.kind"), "open".into()));
    for (i, t) in wf.transitions.iter().enumerate() {
        fields.push((format!("tr.{i}.from"), t.from.to_string()));
        fields.push((format!("tr.{i}.to"), t.to.to_string()));
        if t.requires_text {
            fields.push((format!("tr.{i}.text"), "1".into()));
        }
    }
    for c in bz_signals::Category::ALL {
        fields.push((format!("deadline.{}", c.as_str()), "5".into()));
    }
    // The new state cannot be reached: refused, nothing saved.
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = admin.post_form("/beheer/workflow", &refs).await.unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("ter_plaatse is vanuit de beginstatus niet te bereiken"),
        "{}",
        r.body
    );
    assert!(
        app.store
            .workflow()
            .await
            .unwrap()
            .state("ter_plaatse")
            .is_none()
    );
    // With transitions into and out of it, it is saved.
    let k = wf.transitions.len();
    fields.push((format!("tr.{k}.from"), "in_behandeling".into()));
    fields.push((format!("tr.{k}.to"), "ter_plaatse".into()));
    fields.push((format!("tr.{}.from", k + 1), "ter_plaatse".into()));
    fields.push((format!("tr.{}.to", k + 1), "afgehandeld".into()));
    fields.push((format!("tr.{}.text", k + 1), "1".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = admin.post_form("/beheer/workflow", &refs).await.unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = app.store.workflow().await.unwrap();
    assert!(saved.state("ter_plaatse").is_some());
    assert!(
        saved
            .check_transition("ter_plaatse", "afgehandeld", None)
            .is_err()
    );
    let retention = app.store.retention_policy().await.unwrap();
    assert!(retention.validate(&saved).is_ok());
    assert_eq!(
        app.store
            .deadline_policy()
            .await
            .unwrap()
            .for_category(bz_signals::Category::Drugsafval),
        5
    );
    // A state with signals in it cannot be removed.
    let _ = stored(&app, "overig", X, app.state.clock.now(), ORIGINAL).await;
    let mut remove = fields.clone();
    remove.push(("state.0.remove".into(), "1".into()));
    let refs: Vec<(&str, &str)> = remove
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = admin.post_form("/beheer/workflow", &refs).await.unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("kan niet weg"));
}

fn multipart(name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--XBOUNDARYX\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--XBOUNDARYX--\r\n");
    body
}

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

#[tokio::test]
async fn files_are_checked_by_content_stored_and_served_with_their_type() {
    use base64::Engine as _;
    let app = app().await;
    let id = stored(&app, "drugsafval", X, app.state.clock.now() - 600, ORIGINAL).await;
    let mut c = login(&app, Role::Toezichthouder).await;
    let me: serde_json::Value =
        serde_json::from_str(&c.get("/api/v1/me").await.unwrap().body).unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    let send = |c: &Client, body: Vec<u8>, token: &str| {
        c.http
            .post(format!("{}/signalen/{id}/bijlagen", c.base))
            .header("content-type", "multipart/form-data; boundary=XBOUNDARYX")
            .header("x-csrf-token", token.to_string())
            .body(body)
            .send()
    };
    let png = base64::engine::general_purpose::STANDARD
        .decode(PNG)
        .unwrap();
    // Without the token: refused.
    let r = send(&c, multipart("schuur.png", "image/png", &png), "fout")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Text that claims to be a photo: refused by its content.
    let r = send(&c, multipart("foto.jpg", "image/jpeg", b"geen foto"), &csrf)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("foto"));
    let r = send(&c, multipart("schuur.png", "image/png", &png), &csrf)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["url"].as_str().unwrap().contains("ok=bijlage"));
    let files = app.store.attachments(&id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].content_type, "image/png");
    assert_eq!(files[0].file_name.as_deref(), Some("schuur.png"));
    assert_eq!(files[0].added_by_kind, "user");
    let r = c
        .http
        .get(format!("{}/signalen/{id}/bijlagen/{}", c.base, files[0].id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    // A PDF is kept as it is and offered as a download.
    let r = send(
        &c,
        multipart("verslag.pdf", "application/pdf", b"%PDF-1.4 verslag"),
        &csrf,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let views = app
        .store
        .audit_page(10, None, Some("signal.attachment"))
        .await
        .unwrap();
    assert_eq!(views.len(), 3, "two files added, one viewed");
    // The coach may not add files, nor see them unless assigned.
    let mut coach = login(&app, Role::Coach).await;
    let me: serde_json::Value =
        serde_json::from_str(&coach.get("/api/v1/me").await.unwrap().body).unwrap();
    let coach_csrf = me["csrf_token"].as_str().unwrap().to_string();
    let r = send(
        &coach,
        multipart("schuur.png", "image/png", &png),
        &coach_csrf,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = coach
        .get(&format!("/signalen/{id}/bijlagen/{}", files[0].id))
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
