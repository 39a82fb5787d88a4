//! The work in the field as stored: visit rounds ("de boer op") with teams,
//! target lists and routes, the visits, integrale acties with outcomes per
//! organisation, and coach referrals with the coach's file (a compartment:
//! the web layer shows the file only to the coach organisation, see
//! `bz_field::coaching::view`). Lists of strings are stored as JSON arrays.

use crate::{Result, Store, StoreError, WriteTx, new_id};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn list_of(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

/// A visit round.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRow {
    pub id: String,
    pub org_id: String,
    pub gemeente_code: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub interval_months: i64,
    pub visits_per_day: i64,
    pub start_label: String,
    pub start_x: f64,
    pub start_y: f64,
    /// Names of the participating organisations.
    pub participants: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
}

fn round_from(r: &AnyRow) -> Result<RoundRow> {
    Ok(RoundRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        gemeente_code: r.try_get("gemeente_code")?,
        name: r.try_get("name")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        interval_months: r.try_get("interval_months")?,
        visits_per_day: r.try_get("visits_per_day")?,
        start_label: r.try_get("start_label")?,
        start_x: r.try_get("start_x")?,
        start_y: r.try_get("start_y")?,
        participants: list_of(&r.try_get::<String, _>("participants")?),
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A team of a round (two or more people from different organisations).
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRow {
    pub id: String,
    pub position: i64,
    pub name: String,
    /// Who walks with the team, e.g. "wijkagent J. de Vries (politie)".
    pub members: String,
}

/// A target of a round with its place in a team's route.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundTargetRow {
    pub address_id: String,
    pub sources: Vec<String>,
    pub team_id: Option<String>,
    pub route_day: Option<i64>,
    pub route_position: Option<i64>,
}

/// A target as shown: the address and its last visit before this round.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetView {
    pub target: RoundTargetRow,
    pub label: String,
    pub x: f64,
    pub y: f64,
}

/// An address that may be put on a list.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressPoint {
    pub address_id: String,
    pub x: f64,
    pub y: f64,
    pub label: String,
}

fn label_of(r: &AnyRow) -> Result<String> {
    let straat: String = r.try_get("straat")?;
    let nr: i64 = r.try_get("huisnummer")?;
    let letter: Option<String> = r.try_get("huisletter")?;
    let plaats: String = r.try_get("woonplaats")?;
    let mut s = if straat.is_empty() {
        r.try_get::<String, _>("id")?
    } else {
        format!("{straat} {nr}{}", letter.unwrap_or_default())
    };
    if !plaats.is_empty() {
        s.push_str(", ");
        s.push_str(&plaats);
    }
    Ok(s)
}

fn point_from(r: &AnyRow) -> Result<AddressPoint> {
    Ok(AddressPoint {
        address_id: r.try_get("id")?,
        x: r.try_get("x")?,
        y: r.try_get("y")?,
        label: label_of(r)?,
    })
}

/// A visit.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    pub id: String,
    pub round_id: String,
    pub address_id: String,
    pub team_id: Option<String>,
    pub visited_on: String,
    pub outcome: String,
    pub topics: Vec<String>,
    pub signs: Vec<String>,
    pub observation: String,
    pub materials: Vec<String>,
    pub follow_ups: Vec<String>,
    pub note: String,
    pub signal_id: Option<String>,
    pub recorded_by: String,
    pub recorded_org_id: String,
    pub recorded_at: i64,
    pub client_key: String,
}

fn visit_from(r: &AnyRow) -> Result<VisitRow> {
    Ok(VisitRow {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        address_id: r.try_get("address_id")?,
        team_id: r.try_get("team_id")?,
        visited_on: r.try_get("visited_on")?,
        outcome: r.try_get("outcome")?,
        topics: list_of(&r.try_get::<String, _>("topics")?),
        signs: list_of(&r.try_get::<String, _>("signs")?),
        observation: r.try_get("observation")?,
        materials: list_of(&r.try_get::<String, _>("materials")?),
        follow_ups: list_of(&r.try_get::<String, _>("follow_ups")?),
        note: r.try_get("note")?,
        signal_id: r.try_get("signal_id")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_org_id: r.try_get("recorded_org_id")?,
        recorded_at: r.try_get("recorded_at")?,
        client_key: r.try_get("client_key")?,
    })
}

/// Stores a new round with its teams and targets.
pub async fn insert_round(
    tx: &mut WriteTx,
    round: &RoundRow,
    teams: &[TeamRow],
    targets: &[RoundTargetRow],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO visit_rounds (id, org_id, gemeente_code, name, starts_on, ends_on, interval_months, visits_per_day, start_label, start_x, start_y, participants, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(round.id.clone())
    .bind(round.org_id.clone())
    .bind(round.gemeente_code.clone())
    .bind(round.name.clone())
    .bind(round.starts_on.clone())
    .bind(round.ends_on.clone())
    .bind(round.interval_months)
    .bind(round.visits_per_day)
    .bind(round.start_label.clone())
    .bind(round.start_x)
    .bind(round.start_y)
    .bind(json_list(&round.participants))
    .bind(round.created_by.clone())
    .bind(round.created_at)
    .execute(tx.conn())
    .await?;
    for t in teams {
        sqlx::query("INSERT INTO round_teams (id, round_id, position, name, members) VALUES ($1, $2, $3, $4, $5)")
            .bind(t.id.clone())
            .bind(round.id.clone())
            .bind(t.position)
            .bind(t.name.clone())
            .bind(t.members.clone())
            .execute(tx.conn())
            .await?;
    }
    set_targets(tx, &round.id, targets).await
}

/// Replaces the targets of a round (with their teams and route places).
pub async fn set_targets(
    tx: &mut WriteTx,
    round_id: &str,
    targets: &[RoundTargetRow],
) -> Result<()> {
    sqlx::query("DELETE FROM round_targets WHERE round_id = $1")
        .bind(round_id.to_string())
        .execute(tx.conn())
        .await?;
    for t in targets {
        sqlx::query(
            "INSERT INTO round_targets (round_id, address_id, sources, team_id, route_day, route_position) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(round_id.to_string())
        .bind(t.address_id.clone())
        .bind(json_list(&t.sources))
        .bind(t.team_id.clone())
        .bind(t.route_day)
        .bind(t.route_position)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Stores a visit unless one with the same `client_key` exists (a phone
/// sending again after a lost answer). Returns whether it was new.
pub async fn insert_visit(tx: &mut WriteTx, v: &VisitRow) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO visits (id, round_id, address_id, team_id, visited_on, outcome, topics, signs, observation, materials, follow_ups, note, signal_id, recorded_by, recorded_org_id, recorded_at, client_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (client_key) DO NOTHING",
    )
    .bind(v.id.clone())
    .bind(v.round_id.clone())
    .bind(v.address_id.clone())
    .bind(v.team_id.clone())
    .bind(v.visited_on.clone())
    .bind(v.outcome.clone())
    .bind(json_list(&v.topics))
    .bind(json_list(&v.signs))
    .bind(v.observation.clone())
    .bind(json_list(&v.materials))
    .bind(json_list(&v.follow_ups))
    .bind(v.note.clone())
    .bind(v.signal_id.clone())
    .bind(v.recorded_by.clone())
    .bind(v.recorded_org_id.clone())
    .bind(v.recorded_at)
    .bind(v.client_key.clone())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Links a visit to the signal made from its observation.
pub async fn set_visit_signal(tx: &mut WriteTx, visit_id: &str, signal_id: &str) -> Result<()> {
    sqlx::query("UPDATE visits SET signal_id = $1 WHERE id = $2")
        .bind(signal_id.to_string())
        .bind(visit_id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// An integrale actie.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub id: String,
    pub org_id: String,
    pub gemeente_code: String,
    pub name: String,
    pub action_date: String,
    pub briefing: String,
    /// Ids of the participating organisations.
    pub participants: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
}

fn action_from(r: &AnyRow) -> Result<ActionRow> {
    Ok(ActionRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        gemeente_code: r.try_get("gemeente_code")?,
        name: r.try_get("name")?,
        action_date: r.try_get("action_date")?,
        briefing: r.try_get("briefing")?,
        participants: list_of(&r.try_get::<String, _>("participants")?),
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// An address of an action.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionAddressRow {
    pub address_id: String,
    pub source: String,
    pub scan_run_id: Option<String>,
    pub scan_class: Option<String>,
}

/// An organisation's outcome at an address of an action.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub id: String,
    pub action_id: String,
    pub address_id: String,
    pub org_id: String,
    pub police: bool,
    pub finding: Option<String>,
    pub follow_up_org: Option<String>,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: i64,
}

fn outcome_from(r: &AnyRow) -> Result<OutcomeRow> {
    Ok(OutcomeRow {
        id: r.try_get("id")?,
        action_id: r.try_get("action_id")?,
        address_id: r.try_get("address_id")?,
        org_id: r.try_get("org_id")?,
        police: r.try_get::<i64, _>("police")? != 0,
        finding: r.try_get("finding")?,
        follow_up_org: r.try_get("follow_up_org")?,
        note: r.try_get("note")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

pub async fn insert_action(
    tx: &mut WriteTx,
    a: &ActionRow,
    addresses: &[ActionAddressRow],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO field_actions (id, org_id, gemeente_code, name, action_date, briefing, participants, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(a.id.clone())
    .bind(a.org_id.clone())
    .bind(a.gemeente_code.clone())
    .bind(a.name.clone())
    .bind(a.action_date.clone())
    .bind(a.briefing.clone())
    .bind(json_list(&a.participants))
    .bind(a.created_by.clone())
    .bind(a.created_at)
    .execute(tx.conn())
    .await?;
    for ad in addresses {
        sqlx::query(
            "INSERT INTO field_action_addresses (action_id, address_id, source, scan_run_id, scan_class) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(a.id.clone())
        .bind(ad.address_id.clone())
        .bind(ad.source.clone())
        .bind(ad.scan_run_id.clone())
        .bind(ad.scan_class.clone())
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Records (or replaces) an organisation's outcome at an address of an action.
pub async fn upsert_outcome(tx: &mut WriteTx, o: &OutcomeRow) -> Result<()> {
    sqlx::query("DELETE FROM field_action_outcomes WHERE action_id = $1 AND address_id = $2 AND org_id = $3")
        .bind(o.action_id.clone())
        .bind(o.address_id.clone())
        .bind(o.org_id.clone())
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO field_action_outcomes (id, action_id, address_id, org_id, police, finding, follow_up_org, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(o.id.clone())
    .bind(o.action_id.clone())
    .bind(o.address_id.clone())
    .bind(o.org_id.clone())
    .bind(crate::flag(o.police))
    .bind(o.finding.clone())
    .bind(o.follow_up_org.clone())
    .bind(o.note.clone())
    .bind(o.recorded_by.clone())
    .bind(o.recorded_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A referral to an agro-coach (what others may see coarsely).
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub id: String,
    pub gemeente_code: String,
    pub address_id: Option<String>,
    pub source: String,
    pub source_ref: Option<String>,
    pub coach_org_id: String,
    pub consent_date: String,
    pub consent_how: String,
    pub status: String,
    pub referred_by: String,
    pub referred_by_org_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub wijkteam_due: Option<String>,
    pub wijkteam_done_at: Option<i64>,
}

fn referral_from(r: &AnyRow) -> Result<ReferralRow> {
    Ok(ReferralRow {
        id: r.try_get("id")?,
        gemeente_code: r.try_get("gemeente_code")?,
        address_id: r.try_get("address_id")?,
        source: r.try_get("source")?,
        source_ref: r.try_get("source_ref")?,
        coach_org_id: r.try_get("coach_org_id")?,
        consent_date: r.try_get("consent_date")?,
        consent_how: r.try_get("consent_how")?,
        status: r.try_get("status")?,
        referred_by: r.try_get("referred_by")?,
        referred_by_org_id: r.try_get("referred_by_org_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        wijkteam_due: r.try_get("wijkteam_due")?,
        wijkteam_done_at: r.try_get("wijkteam_done_at")?,
    })
}

/// An entry of the coach's file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileEntryRow {
    pub id: String,
    pub referral_id: String,
    pub kind: String,
    pub body: String,
    pub funded: bool,
    pub written_by: String,
    pub written_at: i64,
}

pub async fn insert_referral(tx: &mut WriteTx, r: &ReferralRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO coach_referrals (id, gemeente_code, address_id, source, source_ref, coach_org_id, consent_date, consent_how, status, referred_by, referred_by_org_id, created_at, updated_at, wijkteam_due, wijkteam_done_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(r.id.clone())
    .bind(r.gemeente_code.clone())
    .bind(r.address_id.clone())
    .bind(r.source.clone())
    .bind(r.source_ref.clone())
    .bind(r.coach_org_id.clone())
    .bind(r.consent_date.clone())
    .bind(r.consent_how.clone())
    .bind(r.status.clone())
    .bind(r.referred_by.clone())
    .bind(r.referred_by_org_id.clone())
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.wijkteam_due.clone())
    .bind(r.wijkteam_done_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Sets a referral's coarse status (and the wijkteam's due date when given).
pub async fn set_referral_status(
    tx: &mut WriteTx,
    id: &str,
    status: &str,
    wijkteam_due: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE coach_referrals SET status = $1, wijkteam_due = COALESCE($2, wijkteam_due), updated_at = $3 WHERE id = $4")
        .bind(status.to_string())
        .bind(wijkteam_due.map(str::to_string))
        .bind(now)
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Marks the wijkteam's follow-up done.
pub async fn set_wijkteam_done(tx: &mut WriteTx, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE coach_referrals SET wijkteam_done_at = $1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn insert_file_entry(tx: &mut WriteTx, e: &FileEntryRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO coach_file_entries (id, referral_id, kind, body, funded, written_by, written_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.id.clone())
    .bind(e.referral_id.clone())
    .bind(e.kind.clone())
    .bind(e.body.clone())
    .bind(crate::flag(e.funded))
    .bind(e.written_by.clone())
    .bind(e.written_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

impl Store {
    /// Rounds in these municipalities, newest first.
    pub async fn rounds_in(&self, codes: &[String]) -> Result<Vec<RoundRow>> {
        let mut out = Vec::new();
        for code in codes {
            let rows = sqlx::query("SELECT * FROM visit_rounds WHERE gemeente_code = $1 ORDER BY starts_on DESC, created_at DESC")
                .bind(code.clone())
                .fetch_all(self.pool())
                .await?;
            for r in &rows {
                out.push(round_from(r)?);
            }
        }
        out.sort_by(|a, b| {
            b.starts_on
                .cmp(&a.starts_on)
                .then(b.created_at.cmp(&a.created_at))
        });
        Ok(out)
    }

    pub async fn round(&self, id: &str) -> Result<RoundRow> {
        let r = sqlx::query("SELECT * FROM visit_rounds WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound { what: "round" })?;
        round_from(&r)
    }

    pub async fn round_teams(&self, round_id: &str) -> Result<Vec<TeamRow>> {
        let rows = sqlx::query("SELECT * FROM round_teams WHERE round_id = $1 ORDER BY position")
            .bind(round_id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TeamRow {
                    id: r.try_get("id")?,
                    position: r.try_get("position")?,
                    name: r.try_get("name")?,
                    members: r.try_get("members")?,
                })
            })
            .collect()
    }

    /// The targets of a round with their addresses, in team and route order.
    pub async fn round_targets(&self, round_id: &str) -> Result<Vec<TargetView>> {
        let rows = sqlx::query(
            "SELECT t.*, a.id, a.x, a.y, a.straat, a.huisnummer, a.huisletter, a.woonplaats FROM round_targets t JOIN addresses a ON a.id = t.address_id \
             WHERE t.round_id = $1 ORDER BY t.team_id, t.route_day, t.route_position, t.address_id",
        )
        .bind(round_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TargetView {
                    target: RoundTargetRow {
                        address_id: r.try_get("address_id")?,
                        sources: list_of(&r.try_get::<String, _>("sources")?),
                        team_id: r.try_get("team_id")?,
                        route_day: r.try_get("route_day")?,
                        route_position: r.try_get("route_position")?,
                    },
                    label: label_of(r)?,
                    x: r.try_get("x")?,
                    y: r.try_get("y")?,
                })
            })
            .collect()
    }

    /// Addresses of the municipality with an active agricultural business
    /// (SBI 01…) on `today`.
    pub async fn farmer_addresses(&self, gemeente: &str, today: &str) -> Result<Vec<AddressPoint>> {
        let rows = sqlx::query(
            "SELECT DISTINCT a.id, a.x, a.y, a.straat, a.huisnummer, a.huisletter, a.woonplaats FROM addresses a JOIN businesses b ON b.address_id = a.id \
             WHERE a.gemeente_code = $1 AND b.sbi LIKE '01%' AND b.start_date <= $2 AND (b.end_date IS NULL OR b.end_date > $2) ORDER BY a.id",
        )
        .bind(gemeente.to_string())
        .bind(today.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(point_from).collect()
    }

    /// Addresses of the municipality whose latest decision in a scan run is `decision`,
    /// with that run and the address's class in it.
    pub async fn decided_addresses(
        &self,
        gemeente: &str,
        decision: &str,
    ) -> Result<Vec<(AddressPoint, String, String)>> {
        let rows = sqlx::query(
            "SELECT a.id, a.x, a.y, a.straat, a.huisnummer, a.huisletter, a.woonplaats, d.run_id, d.decision, r.klasse, d.decided_at FROM scan_decisions d \
             JOIN scan_runs s ON s.id = d.run_id JOIN addresses a ON a.id = d.address_id \
             JOIN scan_results r ON r.run_id = d.run_id AND r.address_id = d.address_id \
             WHERE s.area_code = $1 ORDER BY d.decided_at DESC, d.id DESC",
        )
        .bind(gemeente.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut latest: HashMap<String, ()> = HashMap::new();
        let mut out = Vec::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            if latest.insert(id, ()).is_some() {
                continue;
            }
            if r.try_get::<String, _>("decision")? == decision {
                out.push((point_from(r)?, r.try_get("run_id")?, r.try_get("klasse")?));
            }
        }
        Ok(out)
    }

    /// Addresses by id (those that exist), for lists made by hand.
    pub async fn address_points(&self, ids: &[String]) -> Result<Vec<AddressPoint>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(r) = sqlx::query("SELECT id, x, y, straat, huisnummer, huisletter, woonplaats FROM addresses WHERE id = $1")
                .bind(id.clone())
                .fetch_optional(self.pool())
                .await?
            {
                out.push(point_from(&r)?);
            }
        }
        Ok(out)
    }

    /// An address of the municipality by postcode and house number (letter optional).
    pub async fn address_by_postcode(
        &self,
        gemeente: &str,
        postcode: &str,
        huisnummer: i64,
    ) -> Result<Vec<AddressPoint>> {
        let rows = sqlx::query(
            "SELECT id, x, y, straat, huisnummer, huisletter, woonplaats FROM addresses WHERE gemeente_code = $1 AND REPLACE(postcode, ' ', '') = $2 AND huisnummer = $3 ORDER BY id",
        )
        .bind(gemeente.to_string())
        .bind(postcode.replace(' ', "").to_uppercase())
        .bind(huisnummer)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(point_from).collect()
    }

    /// The date of the latest visit per address in the municipality.
    pub async fn last_visits(&self, gemeente: &str) -> Result<HashMap<String, String>> {
        let rows = sqlx::query(
            "SELECT v.address_id, MAX(v.visited_on) AS last FROM visits v JOIN visit_rounds r ON r.id = v.round_id WHERE r.gemeente_code = $1 GROUP BY v.address_id",
        )
        .bind(gemeente.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("address_id")?, r.try_get("last")?)))
            .collect()
    }

    pub async fn round_visits(&self, round_id: &str) -> Result<Vec<VisitRow>> {
        let rows = sqlx::query(
            "SELECT * FROM visits WHERE round_id = $1 ORDER BY visited_on, recorded_at, id",
        )
        .bind(round_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(visit_from).collect()
    }

    pub async fn visit_by_key(&self, client_key: &str) -> Result<Option<VisitRow>> {
        sqlx::query("SELECT * FROM visits WHERE client_key = $1")
            .bind(client_key.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(visit_from)
            .transpose()
    }

    pub async fn actions_in(&self, codes: &[String]) -> Result<Vec<ActionRow>> {
        let mut out = Vec::new();
        for code in codes {
            let rows = sqlx::query("SELECT * FROM field_actions WHERE gemeente_code = $1")
                .bind(code.clone())
                .fetch_all(self.pool())
                .await?;
            for r in &rows {
                out.push(action_from(r)?);
            }
        }
        out.sort_by(|a, b| {
            b.action_date
                .cmp(&a.action_date)
                .then(b.created_at.cmp(&a.created_at))
        });
        Ok(out)
    }

    pub async fn action(&self, id: &str) -> Result<ActionRow> {
        let r = sqlx::query("SELECT * FROM field_actions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound { what: "action" })?;
        action_from(&r)
    }

    pub async fn action_addresses(
        &self,
        action_id: &str,
    ) -> Result<Vec<(ActionAddressRow, AddressPoint)>> {
        let rows = sqlx::query(
            "SELECT t.address_id, t.source, t.scan_run_id, t.scan_class, a.id, a.x, a.y, a.straat, a.huisnummer, a.huisletter, a.woonplaats \
             FROM field_action_addresses t JOIN addresses a ON a.id = t.address_id WHERE t.action_id = $1 ORDER BY a.woonplaats, a.straat, a.huisnummer, a.id",
        )
        .bind(action_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    ActionAddressRow {
                        address_id: r.try_get("address_id")?,
                        source: r.try_get("source")?,
                        scan_run_id: r.try_get("scan_run_id")?,
                        scan_class: r.try_get("scan_class")?,
                    },
                    point_from(r)?,
                ))
            })
            .collect()
    }

    pub async fn action_outcomes(&self, action_id: &str) -> Result<Vec<OutcomeRow>> {
        let rows = sqlx::query(
            "SELECT * FROM field_action_outcomes WHERE action_id = $1 ORDER BY address_id, org_id",
        )
        .bind(action_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(outcome_from).collect()
    }

    /// Every outcome of actions in the municipality with the address's scan class.
    pub async fn outcomes_with_class(
        &self,
        gemeente: &str,
    ) -> Result<Vec<(OutcomeRow, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT o.*, t.scan_class FROM field_action_outcomes o JOIN field_actions f ON f.id = o.action_id \
             JOIN field_action_addresses t ON t.action_id = o.action_id AND t.address_id = o.address_id WHERE f.gemeente_code = $1",
        )
        .bind(gemeente.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((outcome_from(r)?, r.try_get("scan_class")?)))
            .collect()
    }

    /// Referrals in these municipalities, or (for a coach organisation) to it.
    pub async fn referrals(
        &self,
        codes: &[String],
        coach_org: Option<&str>,
    ) -> Result<Vec<ReferralRow>> {
        let rows = match coach_org {
            Some(org) => sqlx::query(
                "SELECT * FROM coach_referrals WHERE coach_org_id = $1 ORDER BY created_at DESC",
            )
            .bind(org.to_string())
            .fetch_all(self.pool())
            .await?,
            None => {
                let mut all = Vec::new();
                for code in codes {
                    all.extend(
                        sqlx::query("SELECT * FROM coach_referrals WHERE gemeente_code = $1 ORDER BY created_at DESC")
                            .bind(code.clone())
                            .fetch_all(self.pool())
                            .await?,
                    );
                }
                all
            }
        };
        let mut out: Vec<ReferralRow> = rows.iter().map(referral_from).collect::<Result<_>>()?;
        out.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        Ok(out)
    }

    pub async fn referral(&self, id: &str) -> Result<ReferralRow> {
        let r = sqlx::query("SELECT * FROM coach_referrals WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound { what: "referral" })?;
        referral_from(&r)
    }

    /// The coach's file of a referral, oldest first. Only for the coach organisation.
    pub async fn file_entries(&self, referral_id: &str) -> Result<Vec<FileEntryRow>> {
        let rows = sqlx::query(
            "SELECT * FROM coach_file_entries WHERE referral_id = $1 ORDER BY written_at, id",
        )
        .bind(referral_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FileEntryRow {
                    id: r.try_get("id")?,
                    referral_id: r.try_get("referral_id")?,
                    kind: r.try_get("kind")?,
                    body: r.try_get("body")?,
                    funded: r.try_get::<i64, _>("funded")? != 0,
                    written_by: r.try_get("written_by")?,
                    written_at: r.try_get("written_at")?,
                })
            })
            .collect()
    }
}

/// A fresh id for any of these rows.
pub fn id() -> String {
    new_id()
}

/// Removes the rounds, actions and referrals of a municipality (the demo's refresh).
pub async fn delete_of_gemeente(tx: &mut WriteTx, code: &str) -> Result<()> {
    const STATEMENTS: &[&str] = &[
        "DELETE FROM visits WHERE round_id IN (SELECT id FROM visit_rounds WHERE gemeente_code = $1)",
        "DELETE FROM round_targets WHERE round_id IN (SELECT id FROM visit_rounds WHERE gemeente_code = $1)",
        "DELETE FROM round_teams WHERE round_id IN (SELECT id FROM visit_rounds WHERE gemeente_code = $1)",
        "DELETE FROM visit_rounds WHERE gemeente_code = $1",
        "DELETE FROM field_action_outcomes WHERE action_id IN (SELECT id FROM field_actions WHERE gemeente_code = $1)",
        "DELETE FROM field_action_addresses WHERE action_id IN (SELECT id FROM field_actions WHERE gemeente_code = $1)",
        "DELETE FROM field_actions WHERE gemeente_code = $1",
        "DELETE FROM coach_file_entries WHERE referral_id IN (SELECT id FROM coach_referrals WHERE gemeente_code = $1)",
        "DELETE FROM coach_referrals WHERE gemeente_code = $1",
    ];
    for sql in STATEMENTS {
        sqlx::query(*sql)
            .bind(code.to_string())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}
