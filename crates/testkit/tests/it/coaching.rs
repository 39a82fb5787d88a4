//! Coaching through HTTP: a referral only with consent; the coach's file is a
//! compartment — the coach of the referral's coach organisation reads and
//! writes it, the operational roles of the municipality see the coarse status
//! only, and partners, administrators and coaches of another organisation
//! see nothing. Checked for every role.

use bz_domain::identity::Role;
use bz_testkit::{GEMEENTE, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn the_coach_file_is_a_compartment_for_every_role() {
    let app = TestApp::spawn().await.unwrap();
    let coach = app
        .user_in("Agrocoaching Oost", "coach", "coach.oost", Role::Coach)
        .await
        .unwrap();
    let other_coach = app
        .user_in("Coaching West", "coach", "coach.west", Role::Coach)
        .await
        .unwrap();
    let coach_org = app
        .store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == "Agrocoaching Oost")
        .unwrap();

    let mut aov = app.login(app.account(Role::Aov)).await.unwrap();
    aov.get("/coaching").await.unwrap();
    // Without consent nothing is recorded.
    let r = aov
        .post_form(
            "/coaching",
            &[
                ("gemeente", GEMEENTE),
                ("address", ""),
                ("source", "bezoek"),
                ("coach_org_id", &coach_org.id),
                ("consent_date", "2026-11-30"),
                ("consent_how", "mondeling"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("consent-error"), "{}", r.body);
    let r = aov
        .post_form(
            "/coaching",
            &[
                ("gemeente", GEMEENTE),
                ("address", ""),
                ("source", "bezoek"),
                ("coach_org_id", &coach_org.id),
                ("consent", "ja"),
                ("consent_date", "2026-11-30"),
                ("consent_how", "mondeling"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location().unwrap();

    // The coach writes the file; the first conversation is funded.
    let mut c = app.login(&coach).await.unwrap();
    let page = c.get(&path).await.unwrap();
    assert_eq!(page.status, StatusCode::OK);
    let secret_text = "Zoon wil bedrijf overnemen, schulden bij een handelaar";
    let r = c
        .post_form(
            &format!("{path}/dossier"),
            &[("kind", "gesprek"), ("body", secret_text)],
        )
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get(&path).await.unwrap();
    assert!(
        page.body.contains(secret_text) && page.body.contains("gefinancierd door het programma")
    );
    assert!(
        page.body.contains("in gesprek"),
        "the first conversation moves the status"
    );
    assert!(c.get("/coaching").await.unwrap().body.contains(&path));

    // Every role of the municipality's organisation: coarse or nothing, never the file.
    for role in Role::ALL {
        let mut u = app.login(app.account(*role)).await.unwrap();
        let r = u.get(&path).await.unwrap();
        match role {
            Role::Aov | Role::Toezichthouder | Role::Analist | Role::Intake => {
                assert_eq!(r.status, StatusCode::OK, "{role:?}");
                assert!(
                    r.body.contains("in gesprek"),
                    "{role:?} sees the coarse status"
                );
                assert!(r.body.contains("id=\"compartment\""));
            }
            Role::Coach => assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "a coach outside a coach organisation"
            ),
            Role::Partner | Role::Beheerder => {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}")
            }
        }
        assert!(
            !r.body.contains(secret_text),
            "{role:?} never reads the file"
        );
        let w = u
            .post_form(
                &format!("{path}/dossier"),
                &[("kind", "notitie"), ("body", "x")],
            )
            .await
            .unwrap();
        assert!(
            w.status == StatusCode::FORBIDDEN || w.status == StatusCode::NOT_FOUND,
            "{role:?} cannot write the file: {}",
            w.status
        );
        let list = u.get("/coaching").await.unwrap();
        assert!(!list.body.contains(secret_text));
    }
    // A coach of another coach organisation sees nothing at all.
    let mut west = app.login(&other_coach).await.unwrap();
    assert_eq!(west.get(&path).await.unwrap().status, StatusCode::NOT_FOUND);
    assert!(!west.get("/coaching").await.unwrap().body.contains(&path));

    // Completing sets the wijkteam's follow-up; the municipality marks it done.
    let r = c
        .post_form(&format!("{path}/status"), &[("status", "afgerond")])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let referral = app
        .store
        .referral(path.trim_start_matches("/coaching/"))
        .await
        .unwrap();
    assert_eq!(referral.status, "afgerond");
    assert!(referral.wijkteam_due.is_some());
    let r = c
        .post_form(&format!("{path}/status"), &[("status", "in_gesprek")])
        .await
        .unwrap();
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a closed referral does not reopen"
    );
    aov.get(&path).await.unwrap();
    let r = aov
        .post_form(&format!("{path}/wijkteam"), &[])
        .await
        .unwrap();
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let audit = app
        .store
        .audit_page(100, None, Some("coaching."))
        .await
        .unwrap();
    for a in [
        "coaching.referral.create",
        "coaching.file.view",
        "coaching.file.write",
        "coaching.referral.view",
        "coaching.wijkteam.done",
    ] {
        assert!(audit.iter().any(|e| e.record.action == a), "{a} audited");
    }
}
