//! The demo municipality's Module-1 survey and its field work: a completed
//! survey (about 30 % response, online and on paper, with a reminder round),
//! a visit round "de boer op" with visits, an integrale actie with outcomes,
//! and two coach referrals. Deterministic for a seed.

use anyhow::{Context, Result};
use bz_field::route;
use bz_store::Store;
use bz_store::field::{
    self, ActionAddressRow, ActionRow, FileEntryRow, OutcomeRow, ReferralRow, RoundRow,
    RoundTargetRow, TeamRow, VisitRow,
};
use bz_store::survey::{self, SurveyRow};
use rand::SeedableRng;
use std::collections::{BTreeMap, HashSet};

fn id_of(store_users: &[(String, String, String)], username: &str) -> Result<(String, String)> {
    store_users
        .iter()
        .find(|u| u.0 == username)
        .map(|u| (u.1.clone(), u.2.clone()))
        .with_context(|| format!("demo user {username}"))
}

/// Adds the survey, a round, an action and two referrals. `users` holds
/// (username, user id, organisation id) of the demo accounts.
pub async fn run(
    store: &Store,
    code: &str,
    today: time::Date,
    seed: u64,
    run_id: &str,
    users: &[(String, String, String)],
) -> Result<String> {
    let day = |n: i64| today.saturating_sub(time::Duration::days(n)).to_string();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (aov, gemeente_org) = id_of(users, "demo.aov")?;
    let (coach, coach_org) = id_of(users, "demo.coach")?;
    let (toezicht, _) = id_of(users, "demo.toezichthouder")?;
    let (agent, politie_org) = id_of(users, "demo.wijkagent")?;

    // The survey: invitations to every address in the buitengebied.
    let def = bz_survey::default_survey();
    let population = store.buitengebied_addresses(code).await?;
    let survey_id = bz_store::new_id();
    let row = SurveyRow {
        id: survey_id.clone(),
        org_id: gemeente_org.clone(),
        gemeente_code: code.into(),
        title: "Veilig Buitengebied — bewonersenquête".into(),
        definition: bz_survey::DEFAULT_SURVEY_TOML.into(),
        status: survey::CONCEPT.into(),
        letter_text: bz_web::pages::survey_admin::DEFAULT_LETTER.into(),
        signatory: "De burgemeester van Heidewolde".into(),
        closes_on: day(7),
        reminder_interval_days: 14,
        max_reminders: 1,
        created_by: aov.clone(),
        created_at: now - 50 * 86_400,
        published_at: None,
        published_version: None,
    };
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed ^ 0x0005_eed5_u64);
    let codes = bz_survey::codes::generate_batch(population.len(), &HashSet::new(), &mut rng);
    let invitations: Vec<(String, String, Option<String>)> = population
        .iter()
        .zip(&codes)
        .map(|((address, area), c)| (c.as_str().to_string(), address.clone(), Some(area.clone())))
        .collect();
    let mut per_area: BTreeMap<String, u64> = BTreeMap::new();
    for (_, area) in &population {
        *per_area.entry(area.clone()).or_default() += 1;
    }
    let pop = bz_survey::Population {
        invited: population.len() as u64,
        areas: per_area,
    };
    let responses = bz_survey::synth::synthetic_responses(&def, &pop, 0.30, seed);
    let mut tx = store.begin_write().await?;
    survey::insert_survey(&mut tx, &row).await?;
    survey::publish(&mut tx, &survey_id, &invitations, now - 45 * 86_400).await?;
    let all: Vec<String> = invitations.iter().map(|i| i.0.clone()).collect();
    survey::record_letters(
        &mut tx,
        &bz_store::new_id(),
        &survey_id,
        "uitnodiging",
        &all,
        &day(45),
        &aov,
    )
    .await?;
    // Answers per area go to that area's codes, in order.
    let mut used: HashSet<usize> = HashSet::new();
    for (k, r) in responses.iter().enumerate() {
        let Some(i) = invitations
            .iter()
            .enumerate()
            .position(|(i, inv)| !used.contains(&i) && inv.2 == r.area)
        else {
            continue;
        };
        used.insert(i);
        let json = serde_json::to_string(&r.answers)?;
        let channel = if r.channel == bz_survey::Channel::Paper {
            "paper"
        } else {
            "online"
        };
        survey::complete(
            &mut tx,
            &survey_id,
            &invitations[i].0,
            r.area.as_deref(),
            channel,
            &json,
            &day(44 - (k as i64 % 36)),
        )
        .await?;
    }
    let open: Vec<String> = invitations
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, inv)| inv.0.clone())
        .collect();
    survey::record_letters(
        &mut tx,
        &bz_store::new_id(),
        &survey_id,
        "herinnering",
        &open,
        &day(30),
        &aov,
    )
    .await?;
    survey::close(&mut tx, &survey_id).await?;
    tx.commit().await?;
    let survey_note = format!(
        "enquête: {} uitgenodigd, {} ingevuld ({:.0}%)",
        invitations.len(),
        used.len(),
        100.0 * used.len() as f64 / invitations.len().max(1) as f64
    );

    // A visit round over the farmers, two teams, routes per day, visits.
    let farmers = store.farmer_addresses(code, &day(20)).await?;
    let targets: Vec<&field::AddressPoint> = farmers.iter().take(24).collect();
    let points: Vec<route::Point> = targets.iter().map(|t| (t.x, t.y)).collect();
    let n = points.len().max(1) as f64;
    let start = points
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let round_id = bz_store::new_id();
    let teams = vec![
        TeamRow {
            id: bz_store::new_id(),
            position: 0,
            name: "Team Noord".into(),
            members: "Wim Wijkagent (politie), Anouk van Olst (gemeente)".into(),
        },
        TeamRow {
            id: bz_store::new_id(),
            position: 1,
            name: "Team Zuid".into(),
            members: "Tom Toezicht (gemeente), Olga Omgevingsdienst (omgevingsdienst)".into(),
        },
    ];
    let mut rows = Vec::new();
    for (team, members) in teams
        .iter()
        .zip(route::split_teams(start, &points, teams.len()))
    {
        let pts: Vec<route::Point> = members.iter().map(|&i| points[i]).collect();
        let order = route::order(start, &pts);
        for (d, stops) in route::days(&order, 6).into_iter().enumerate() {
            for (pos, k) in stops.into_iter().enumerate() {
                rows.push(RoundTargetRow {
                    address_id: targets[members[k]].address_id.clone(),
                    sources: vec!["agrarisch".into()],
                    team_id: Some(team.id.clone()),
                    route_day: Some(d as i64 + 1),
                    route_position: Some(pos as i64 + 1),
                });
            }
        }
    }
    let round = RoundRow {
        id: round_id.clone(),
        org_id: gemeente_org.clone(),
        gemeente_code: code.into(),
        name: "Najaarsronde de boer op".into(),
        starts_on: day(21),
        ends_on: day(7),
        interval_months: 12,
        visits_per_day: 6,
        start_label: "midden van de doellijst".into(),
        start_x: start.0,
        start_y: start.1,
        participants: vec![
            "Gemeente Heidewolde".into(),
            "Politie Eenheid Oost-Nederland (demo)".into(),
            "Omgevingsdienst Achterhoek-Oost (demo)".into(),
        ],
        created_by: aov.clone(),
        created_at: now - 25 * 86_400,
    };
    let topics: [&[&str]; 4] = [
        &["leegstand_verhuur", "waar_melden"],
        &["brandveiligheid", "diefstal"],
        &["benaderd_door_onbekenden", "kennis_signalen", "waar_melden"],
        &["leegstand_verhuur", "kennis_signalen"],
    ];
    let mut tx = store.begin_write().await?;
    field::insert_round(&mut tx, &round, &teams, &rows).await?;
    let mut visited = 0;
    for (k, t) in rows.iter().enumerate().take(rows.len() * 4 / 5) {
        let outcome = match k % 7 {
            5 => "niet_thuis",
            6 if k % 2 == 0 => "geweigerd",
            _ => "gesproken",
        };
        let talked = outcome == "gesproken";
        let v = VisitRow {
            id: bz_store::new_id(),
            round_id: round_id.clone(),
            address_id: t.address_id.clone(),
            team_id: t.team_id.clone(),
            visited_on: day(20 - (k as i64 % 12)),
            outcome: outcome.into(),
            topics: if talked {
                topics[k % 4].iter().map(|s| s.to_string()).collect()
            } else {
                Vec::new()
            },
            signs: vec!["geen".into()],
            observation: String::new(),
            materials: vec!["flyer".into()],
            follow_ups: if talked && k % 9 == 0 {
                vec!["coach".into()]
            } else if talked && k % 4 == 1 {
                vec!["informatie".into()]
            } else {
                Vec::new()
            },
            note: String::new(),
            signal_id: None,
            recorded_by: if k % 2 == 0 {
                agent.clone()
            } else {
                toezicht.clone()
            },
            recorded_org_id: if k % 2 == 0 {
                politie_org.clone()
            } else {
                gemeente_org.clone()
            },
            recorded_at: now - (20 - (k as i64 % 12)) * 86_400,
            client_key: format!("demo-{round_id}-{k}"),
        };
        field::insert_visit(&mut tx, &v).await?;
        visited += 1;
    }
    tx.commit().await?;

    // An integrale actie on the five highest scores of the scan.
    let top = store.scan_results(run_id, Some("hoog"), 5, 0).await?;
    let action_id = bz_store::new_id();
    let action = ActionRow {
        id: action_id.clone(),
        org_id: gemeente_org.clone(),
        gemeente_code: code.into(),
        name: "Integrale controle leegstaande loodsen".into(),
        action_date: day(10),
        briefing:
            "Verzamelen om 8:30 bij het gemeentehuis; politie, gemeente en Omgevingsdienst samen."
                .into(),
        participants: vec![gemeente_org.clone(), politie_org.clone()],
        created_by: aov.clone(),
        created_at: now - 14 * 86_400,
    };
    let addresses: Vec<ActionAddressRow> = top
        .iter()
        .map(|r| ActionAddressRow {
            address_id: r.result.address_id.clone(),
            source: "scanbesluit".into(),
            scan_run_id: Some(run_id.into()),
            scan_class: Some(r.result.klasse.clone()),
        })
        .collect();
    let mut tx = store.begin_write().await?;
    field::insert_action(&mut tx, &action, &addresses).await?;
    for (k, a) in addresses.iter().enumerate() {
        field::upsert_outcome(
            &mut tx,
            &OutcomeRow {
                id: bz_store::new_id(),
                action_id: action_id.clone(),
                address_id: a.address_id.clone(),
                org_id: gemeente_org.clone(),
                police: false,
                finding: (k == 2).then(|| "brandveiligheid".to_string()),
                follow_up_org: (k == 2).then(|| gemeente_org.clone()),
                note: String::new(),
                recorded_by: toezicht.clone(),
                recorded_at: now - 10 * 86_400,
            },
        )
        .await?;
        if k == 0 {
            field::upsert_outcome(
                &mut tx,
                &OutcomeRow {
                    id: bz_store::new_id(),
                    action_id: action_id.clone(),
                    address_id: a.address_id.clone(),
                    org_id: politie_org.clone(),
                    police: true,
                    finding: Some("hennepteelt".into()),
                    follow_up_org: Some(politie_org.clone()),
                    note: "Restanten van een kwekerij in de achterste loods.".into(),
                    recorded_by: agent.clone(),
                    recorded_at: now - 10 * 86_400,
                },
            )
            .await?;
        }
    }
    tx.commit().await?;

    // Two referrals to the agro-coach, both with consent.
    let coach_address = store
        .decided_addresses(code, "coach_aanbieden")
        .await?
        .into_iter()
        .next()
        .map(|(p, _, _)| p.address_id);
    let mut tx = store.begin_write().await?;
    let first = bz_store::new_id();
    field::insert_referral(
        &mut tx,
        &ReferralRow {
            id: first.clone(),
            gemeente_code: code.into(),
            address_id: coach_address,
            source: "scanbesluit".into(),
            source_ref: Some(run_id.into()),
            coach_org_id: coach_org.clone(),
            consent_date: day(12),
            consent_how: "mondeling".into(),
            status: "in_gesprek".into(),
            referred_by: aov.clone(),
            referred_by_org_id: gemeente_org.clone(),
            created_at: now - 12 * 86_400,
            updated_at: now - 5 * 86_400,
            wijkteam_due: None,
            wijkteam_done_at: None,
        },
    )
    .await?;
    field::insert_file_entry(
        &mut tx,
        &FileEntryRow {
            id: bz_store::new_id(),
            referral_id: first,
            kind: "gesprek".into(),
            body: "Eerste gesprek aan de keukentafel: zorgen over de bedrijfsbeëindiging en een aanbod om de lege stal te huren. Afgesproken: contact met de bedrijfsadviseur.".into(),
            funded: true,
            written_by: coach.clone(),
            written_at: now - 5 * 86_400,
        },
    )
    .await?;
    field::insert_referral(
        &mut tx,
        &ReferralRow {
            id: bz_store::new_id(),
            gemeente_code: code.into(),
            address_id: rows.first().map(|r| r.address_id.clone()),
            source: "bezoek".into(),
            source_ref: Some(round_id.clone()),
            coach_org_id: coach_org,
            consent_date: day(18),
            consent_how: "schriftelijk".into(),
            status: "aangemeld".into(),
            referred_by: toezicht,
            referred_by_org_id: gemeente_org,
            created_at: now - 18 * 86_400,
            updated_at: now - 18 * 86_400,
            wijkteam_due: None,
            wijkteam_done_at: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(format!(
        "{survey_note}; ronde de boer op: {} adressen, {visited} bezoeken; 1 integrale actie ({} adressen); 2 verwijzingen naar de coach",
        rows.len(),
        addresses.len()
    ))
}
