//! The residents' survey as stored: surveys with their definition (TOML) and
//! letter, invitations (one code per address), drafts held by a code until
//! completion, and anonymous responses kept apart from the invitations (see
//! `migrations/0007_survey.sql`). Every definition a survey had is kept as a
//! numbered version that is never changed (`migrations/0011_survey_definition_versions.sql`).

use crate::{Result, Store, StoreError, WriteTx};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// Survey status: a concept can change; a published survey is immutable
/// (its definition and letter); a closed one accepts no answers.
pub const CONCEPT: &str = "concept";
pub const GEPUBLICEERD: &str = "gepubliceerd";
pub const GESLOTEN: &str = "gesloten";

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyRow {
    pub id: String,
    pub org_id: String,
    pub gemeente_code: String,
    pub title: String,
    /// The definition (TOML, `bz_survey::Definition::parse`).
    pub definition: String,
    pub status: String,
    pub letter_text: String,
    pub signatory: String,
    pub closes_on: String,
    pub reminder_interval_days: i64,
    pub max_reminders: i64,
    pub created_by: String,
    pub created_at: i64,
    pub published_at: Option<i64>,
    /// The definition version that was published (`None` for a concept).
    pub published_version: Option<i64>,
}

fn survey_from(r: &AnyRow) -> Result<SurveyRow> {
    Ok(SurveyRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        gemeente_code: r.try_get("gemeente_code")?,
        title: r.try_get("title")?,
        definition: r.try_get("definition")?,
        status: r.try_get("status")?,
        letter_text: r.try_get("letter_text")?,
        signatory: r.try_get("signatory")?,
        closes_on: r.try_get("closes_on")?,
        reminder_interval_days: r.try_get("reminder_interval_days")?,
        max_reminders: r.try_get("max_reminders")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        published_at: r.try_get("published_at")?,
        published_version: r.try_get("published_version")?,
    })
}

/// One stored version of a survey's definition, with the name of who saved it.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionVersion {
    pub survey_id: String,
    pub version: i64,
    /// The definition text (TOML) exactly as saved.
    pub definition: String,
    pub saved_by: String,
    /// The display name of the account that saved it.
    pub saved_by_name: String,
    /// The name of that account's organisation.
    pub saved_by_org: String,
    pub saved_at: i64,
}

fn version_from(r: &AnyRow) -> Result<DefinitionVersion> {
    Ok(DefinitionVersion {
        survey_id: r.try_get("survey_id")?,
        version: r.try_get("version")?,
        definition: r.try_get("definition")?,
        saved_by: r.try_get("saved_by")?,
        saved_by_name: r.try_get("display_name")?,
        saved_by_org: r.try_get("org_name")?,
        saved_at: r.try_get("saved_at")?,
    })
}

/// An invitation with the address it goes to (for letters).
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationRow {
    pub code: String,
    pub address_id: String,
    pub area: Option<String>,
    pub completed: bool,
    pub letters: i64,
    pub last_letter_on: Option<String>,
    pub street: String,
    pub huisnummer: i64,
    pub huisletter: Option<String>,
    pub postcode: Option<String>,
    pub woonplaats: String,
}

/// An invitation that is open for answering.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCode {
    pub survey: SurveyRow,
    pub area: Option<String>,
    pub draft: Option<String>,
}

/// Everything the report needs (the analysis is done by `bz_survey::analyse`).
pub struct SurveyReportInput {
    pub survey_id: String,
    pub title: String,
    pub area_code: String,
    pub area_name: String,
    pub closes_on: Option<String>,
    pub definition: bz_survey::Definition,
    pub responses: Vec<bz_survey::Response>,
    pub population: bz_survey::Population,
}

/// Inserts a new survey with its definition as version 1 (saved by its
/// creator when it was created).
pub async fn insert_survey(tx: &mut WriteTx, s: &SurveyRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO surveys (id, org_id, gemeente_code, title, definition, status, letter_text, signatory, closes_on, reminder_interval_days, max_reminders, created_by, created_at, published_at, published_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(s.id.clone())
    .bind(s.org_id.clone())
    .bind(s.gemeente_code.clone())
    .bind(s.title.clone())
    .bind(s.definition.clone())
    .bind(s.status.clone())
    .bind(s.letter_text.clone())
    .bind(s.signatory.clone())
    .bind(s.closes_on.clone())
    .bind(s.reminder_interval_days)
    .bind(s.max_reminders)
    .bind(s.created_by.clone())
    .bind(s.created_at)
    .bind(s.published_at)
    .bind(s.published_version)
    .execute(tx.conn())
    .await?;
    append_version(tx, &s.id, 1, &s.definition, &s.created_by, s.created_at).await
}

/// The newest definition version of a survey: (number, text).
async fn latest_version(tx: &mut WriteTx, survey_id: &str) -> Result<Option<(i64, String)>> {
    let row = sqlx::query(
        "SELECT version, definition FROM survey_definition_versions WHERE survey_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(survey_id.to_string())
    .fetch_optional(tx.conn())
    .await?;
    row.map(|r| Ok((r.try_get("version")?, r.try_get("definition")?)))
        .transpose()
}

/// Appends a definition version; a number that exists already is a
/// [`StoreError::Conflict`] (versions are never overwritten).
async fn append_version(
    tx: &mut WriteTx,
    survey_id: &str,
    version: i64,
    definition: &str,
    by: &str,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO survey_definition_versions (survey_id, version, definition, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(survey_id.to_string())
    .bind(version)
    .bind(definition.to_string())
    .bind(by.to_string())
    .bind(at)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_or(e, "survey definition version"))?;
    Ok(())
}

/// What saving a concept did to its definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionChange {
    /// The text was the newest version's: no version added.
    Unchanged(i64),
    /// The text differed: this new version was appended.
    Added(i64),
}

impl DefinitionChange {
    /// The survey's definition version after the save.
    pub fn version(self) -> i64 {
        match self {
            DefinitionChange::Unchanged(v) | DefinitionChange::Added(v) => v,
        }
    }
}

/// Changes a concept's letter, settings and definition (refused once
/// published). A definition text that differs from the newest version is
/// appended as the next version, saved by `by` at `now`; the same text adds
/// nothing. The survey row is updated first, so that on PostgreSQL a
/// concurrent save or publish of the same survey waits for this one.
pub async fn update_concept(
    tx: &mut WriteTx,
    s: &SurveyRow,
    by: &str,
    now: i64,
) -> Result<DefinitionChange> {
    let done = sqlx::query(
        "UPDATE surveys SET title = $1, definition = $2, letter_text = $3, signatory = $4, closes_on = $5, reminder_interval_days = $6, max_reminders = $7 \
         WHERE id = $8 AND status = $9",
    )
    .bind(s.title.clone())
    .bind(s.definition.clone())
    .bind(s.letter_text.clone())
    .bind(s.signatory.clone())
    .bind(s.closes_on.clone())
    .bind(s.reminder_interval_days)
    .bind(s.max_reminders)
    .bind(s.id.clone())
    .bind(CONCEPT)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            what: "published survey",
        });
    }
    match latest_version(tx, &s.id).await? {
        Some((n, text)) if text == s.definition => Ok(DefinitionChange::Unchanged(n)),
        latest => {
            let next = latest.map_or(1, |(n, _)| n + 1);
            append_version(tx, &s.id, next, &s.definition, by, now).await?;
            Ok(DefinitionChange::Added(next))
        }
    }
}

/// Publishes a concept with its invitations (code, address, sub-area) and
/// records its newest definition version as the published one, which it
/// returns.
pub async fn publish(
    tx: &mut WriteTx,
    survey_id: &str,
    invitations: &[(String, String, Option<String>)],
    now: i64,
) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE surveys SET status = $1, published_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(GEPUBLICEERD)
    .bind(now)
    .bind(survey_id.to_string())
    .bind(CONCEPT)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            what: "published survey",
        });
    }
    let (version, _) = latest_version(tx, survey_id).await?.ok_or_else(|| {
        StoreError::Corrupt(format!("survey {survey_id} has no definition version"))
    })?;
    sqlx::query("UPDATE surveys SET published_version = $1 WHERE id = $2")
        .bind(version)
        .bind(survey_id.to_string())
        .execute(tx.conn())
        .await?;
    add_invitations(tx, survey_id, invitations).await?;
    Ok(version)
}

/// Adds invitations (extra addresses, e.g. owners of business buildings).
pub async fn add_invitations(
    tx: &mut WriteTx,
    survey_id: &str,
    invitations: &[(String, String, Option<String>)],
) -> Result<()> {
    for (code, address, area) in invitations {
        sqlx::query(
            "INSERT INTO survey_invitations (survey_id, code, address_id, area, completed, letters, last_letter_on) VALUES ($1, $2, $3, $4, 0, 0, NULL)",
        )
        .bind(survey_id.to_string())
        .bind(code.clone())
        .bind(address.clone())
        .bind(area.clone())
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Closes a survey (no more answers).
pub async fn close(tx: &mut WriteTx, survey_id: &str) -> Result<()> {
    sqlx::query("UPDATE surveys SET status = $1 WHERE id = $2")
        .bind(GESLOTEN)
        .bind(survey_id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Records a round of letters (first letter or reminder) for these codes.
pub async fn record_letters(
    tx: &mut WriteTx,
    round_id: &str,
    survey_id: &str,
    kind: &str,
    codes: &[String],
    today: &str,
    by: &str,
) -> Result<()> {
    for c in codes {
        sqlx::query("UPDATE survey_invitations SET letters = letters + 1, last_letter_on = $1 WHERE survey_id = $2 AND code = $3")
            .bind(today.to_string())
            .bind(survey_id.to_string())
            .bind(c.clone())
            .execute(tx.conn())
            .await?;
    }
    sqlx::query("INSERT INTO survey_letter_rounds (id, survey_id, kind, letters, made_on, made_by) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(round_id.to_string())
        .bind(survey_id.to_string())
        .bind(kind.to_string())
        .bind(codes.len() as i64)
        .bind(today.to_string())
        .bind(by.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Saves a draft held by an open code.
pub async fn save_draft(
    tx: &mut WriteTx,
    code: &str,
    survey_id: &str,
    answers: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM survey_drafts WHERE code = $1")
        .bind(code.to_string())
        .execute(tx.conn())
        .await?;
    sqlx::query("INSERT INTO survey_drafts (code, survey_id, answers) VALUES ($1, $2, $3)")
        .bind(code.to_string())
        .bind(survey_id.to_string())
        .bind(answers.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Completes a code: the draft goes, the anonymous response is stored (a
/// random id, the day only) and the code is marked completed — in the
/// caller's transaction. Refused ([`StoreError::Conflict`]) when the code is
/// not open any more (answered twice at once).
pub async fn complete(
    tx: &mut WriteTx,
    survey_id: &str,
    code: &str,
    area: Option<&str>,
    channel: &str,
    answers: &str,
    day: &str,
) -> Result<()> {
    let done = sqlx::query("UPDATE survey_invitations SET completed = 1 WHERE survey_id = $1 AND code = $2 AND completed = 0")
        .bind(survey_id.to_string())
        .bind(code.to_string())
        .execute(tx.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            what: "completed code",
        });
    }
    sqlx::query("DELETE FROM survey_drafts WHERE code = $1")
        .bind(code.to_string())
        .execute(tx.conn())
        .await?;
    sqlx::query("INSERT INTO survey_responses (id, survey_id, answered_on, channel, area, answers) VALUES ($1, $2, $3, $4, $5, $6)")
        // Random (v4), not time-ordered: the id tells nothing about when.
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(survey_id.to_string())
        .bind(day.to_string())
        .bind(channel.to_string())
        .bind(area.map(str::to_string))
        .bind(answers.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Stores one entry of a paper form (1 or 2).
pub async fn save_paper_entry(
    tx: &mut WriteTx,
    survey_id: &str,
    code: &str,
    entry: i64,
    answers: &str,
    by: &str,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM survey_paper_entries WHERE survey_id = $1 AND code = $2 AND entry = $3",
    )
    .bind(survey_id.to_string())
    .bind(code.to_string())
    .bind(entry)
    .execute(tx.conn())
    .await?;
    sqlx::query("INSERT INTO survey_paper_entries (survey_id, code, entry, answers, entered_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(survey_id.to_string())
        .bind(code.to_string())
        .bind(entry)
        .bind(answers.to_string())
        .bind(by.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Removes the paper entries of a code (once they became a response).
pub async fn clear_paper_entries(tx: &mut WriteTx, survey_id: &str, code: &str) -> Result<()> {
    sqlx::query("DELETE FROM survey_paper_entries WHERE survey_id = $1 AND code = $2")
        .bind(survey_id.to_string())
        .bind(code.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl Store {
    /// Surveys of these municipalities, newest first.
    pub async fn surveys_in(&self, codes: &[String]) -> Result<Vec<SurveyRow>> {
        let mut out = Vec::new();
        for c in codes {
            let rows = sqlx::query("SELECT * FROM surveys WHERE gemeente_code = $1")
                .bind(c.clone())
                .fetch_all(self.pool())
                .await?;
            for r in &rows {
                out.push(survey_from(r)?);
            }
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok(out)
    }

    pub async fn survey(&self, id: &str) -> Result<SurveyRow> {
        let r = sqlx::query("SELECT * FROM surveys WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound { what: "survey" })?;
        survey_from(&r)
    }

    /// Every definition version of a survey, oldest first.
    pub async fn survey_versions(&self, survey_id: &str) -> Result<Vec<DefinitionVersion>> {
        let rows = sqlx::query(
            "SELECT v.survey_id, v.version, v.definition, v.saved_by, v.saved_at, u.display_name, \
             o.name AS org_name \
             FROM survey_definition_versions v JOIN users u ON u.id = v.saved_by \
             JOIN organisations o ON o.id = u.org_id \
             WHERE v.survey_id = $1 ORDER BY v.version",
        )
        .bind(survey_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from).collect()
    }

    /// One definition version of a survey.
    pub async fn survey_version(&self, survey_id: &str, version: i64) -> Result<DefinitionVersion> {
        let row = sqlx::query(
            "SELECT v.survey_id, v.version, v.definition, v.saved_by, v.saved_at, u.display_name, \
             o.name AS org_name \
             FROM survey_definition_versions v JOIN users u ON u.id = v.saved_by \
             JOIN organisations o ON o.id = u.org_id \
             WHERE v.survey_id = $1 AND v.version = $2",
        )
        .bind(survey_id.to_string())
        .bind(version)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound {
            what: "survey definition version",
        })?;
        version_from(&row)
    }

    /// Invitations of a survey with their addresses, by postcode and number.
    pub async fn invitations(&self, survey_id: &str) -> Result<Vec<InvitationRow>> {
        let rows = sqlx::query(
            "SELECT i.*, a.straat, a.huisnummer, a.huisletter, a.postcode, a.woonplaats FROM survey_invitations i JOIN addresses a ON a.id = i.address_id \
             WHERE i.survey_id = $1 ORDER BY a.postcode, a.huisnummer, a.huisletter, i.code",
        )
        .bind(survey_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InvitationRow {
                    code: r.try_get("code")?,
                    address_id: r.try_get("address_id")?,
                    area: r.try_get("area")?,
                    completed: r.try_get::<i64, _>("completed")? != 0,
                    letters: r.try_get("letters")?,
                    last_letter_on: r.try_get("last_letter_on")?,
                    street: r.try_get("straat")?,
                    huisnummer: r.try_get("huisnummer")?,
                    huisletter: r.try_get("huisletter")?,
                    postcode: r.try_get("postcode")?,
                    woonplaats: r.try_get("woonplaats")?,
                })
            })
            .collect()
    }

    /// Invited and completed per sub-area (counts only).
    pub async fn invitation_counts(&self, survey_id: &str) -> Result<BTreeMap<String, (i64, i64)>> {
        let rows = sqlx::query(
            "SELECT COALESCE(area, '') AS area, COUNT(*) AS n, COUNT(CASE WHEN completed = 1 THEN 1 END) AS done FROM survey_invitations WHERE survey_id = $1 GROUP BY COALESCE(area, '')",
        )
        .bind(survey_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("area")?,
                    (
                        r.try_get("n")?,
                        r.try_get::<Option<i64>, _>("done")?.unwrap_or(0),
                    ),
                ))
            })
            .collect()
    }

    /// The survey of an open code (published, not completed, not past its
    /// closing date) with its draft; `None` for any other code.
    pub async fn open_code(&self, code: &str, today: &str) -> Result<Option<OpenCode>> {
        let Some(r) = sqlx::query(
            "SELECT survey_id, area, completed FROM survey_invitations WHERE code = $1",
        )
        .bind(code.to_string())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        if r.try_get::<i64, _>("completed")? != 0 {
            return Ok(None);
        }
        let survey = self.survey(&r.try_get::<String, _>("survey_id")?).await?;
        if survey.status != GEPUBLICEERD || survey.closes_on.as_str() < today {
            return Ok(None);
        }
        let draft = sqlx::query_scalar("SELECT answers FROM survey_drafts WHERE code = $1")
            .bind(code.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(Some(OpenCode {
            survey,
            area: r.try_get("area")?,
            draft,
        }))
    }

    /// The responses of a survey (answers JSON, area, channel).
    pub async fn survey_responses(
        &self,
        survey_id: &str,
    ) -> Result<Vec<(String, Option<String>, String, String)>> {
        let rows = sqlx::query("SELECT answers, area, channel, answered_on FROM survey_responses WHERE survey_id = $1 ORDER BY id")
            .bind(survey_id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("answers")?,
                    r.try_get("area")?,
                    r.try_get("channel")?,
                    r.try_get("answered_on")?,
                ))
            })
            .collect()
    }

    /// The paper entries of a code: (entry number, answers JSON, entered by).
    pub async fn paper_entries(
        &self,
        survey_id: &str,
        code: &str,
    ) -> Result<Vec<(i64, String, String)>> {
        let rows = sqlx::query("SELECT entry, answers, entered_by FROM survey_paper_entries WHERE survey_id = $1 AND code = $2 ORDER BY entry")
            .bind(survey_id.to_string())
            .bind(code.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("entry")?,
                    r.try_get("answers")?,
                    r.try_get("entered_by")?,
                ))
            })
            .collect()
    }

    /// The invitation of a code in a survey: (completed, area).
    pub async fn invitation_of(
        &self,
        survey_id: &str,
        code: &str,
    ) -> Result<Option<(bool, Option<String>)>> {
        let r = sqlx::query(
            "SELECT completed, area FROM survey_invitations WHERE survey_id = $1 AND code = $2",
        )
        .bind(survey_id.to_string())
        .bind(code.to_string())
        .fetch_optional(self.pool())
        .await?;
        r.map(|r| Ok((r.try_get::<i64, _>("completed")? != 0, r.try_get("area")?)))
            .transpose()
    }

    /// The addresses in the buitengebied of the municipality's latest scan
    /// run, with their woonplaats as the sub-area.
    pub async fn buitengebied_addresses(&self, gemeente: &str) -> Result<Vec<(String, String)>> {
        let run: Option<String> = sqlx::query_scalar("SELECT id FROM scan_runs WHERE area_code = $1 ORDER BY started_at DESC, id DESC LIMIT 1")
            .bind(gemeente.to_string())
            .fetch_optional(self.pool())
            .await?;
        let Some(run) = run else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT r.address_id, a.woonplaats FROM scan_results r JOIN addresses a ON a.id = r.address_id WHERE r.run_id = $1 AND r.buitengebied = 1 ORDER BY r.address_id",
        )
        .bind(run)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("address_id")?, r.try_get("woonplaats")?)))
            .collect()
    }

    /// Every stored invitation code (to keep new codes unique).
    pub async fn all_invitation_codes(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT code FROM survey_invitations")
            .fetch_all(self.pool())
            .await?)
    }

    /// The report's input: the parsed definition, the responses and the
    /// invited population per sub-area.
    pub async fn survey_report_input(&self, survey_id: &str) -> Result<Option<SurveyReportInput>> {
        let s = match self.survey(survey_id).await {
            Ok(s) => s,
            Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let definition = bz_survey::Definition::parse(&s.definition).map_err(|e| {
            StoreError::Corrupt(format!("survey {survey_id}: stored definition: {e}"))
        })?;
        let mut responses = Vec::new();
        for (answers, area, channel, _) in self.survey_responses(survey_id).await? {
            let answers: bz_survey::Answers = serde_json::from_str(&answers)
                .map_err(|e| StoreError::Corrupt(format!("survey {survey_id}: response: {e}")))?;
            responses.push(bz_survey::Response {
                answers,
                area,
                channel: if channel == "paper" {
                    bz_survey::Channel::Paper
                } else {
                    bz_survey::Channel::Online
                },
            });
        }
        let mut population = bz_survey::Population::default();
        for (area, (n, _)) in self.invitation_counts(survey_id).await? {
            population.invited += n as u64;
            if !area.is_empty() {
                population.areas.insert(area, n as u64);
            }
        }
        let area_name = self
            .gemeenten()
            .await?
            .into_iter()
            .find(|g| g.code == s.gemeente_code)
            .map(|g| g.name)
            .unwrap_or_else(|| s.gemeente_code.clone());
        Ok(Some(SurveyReportInput {
            survey_id: s.id,
            title: s.title,
            area_code: s.gemeente_code,
            area_name,
            closes_on: Some(s.closes_on),
            definition,
            responses,
            population,
        }))
    }
}

/// Removes the surveys of a municipality with their invitations and
/// responses (the demo's refresh).
pub async fn delete_of_gemeente(tx: &mut WriteTx, code: &str) -> Result<()> {
    const STATEMENTS: &[&str] = &[
        "DELETE FROM survey_paper_entries WHERE survey_id IN (SELECT id FROM surveys WHERE gemeente_code = $1)",
        "DELETE FROM survey_letter_rounds WHERE survey_id IN (SELECT id FROM surveys WHERE gemeente_code = $1)",
        "DELETE FROM survey_responses WHERE survey_id IN (SELECT id FROM surveys WHERE gemeente_code = $1)",
        "DELETE FROM survey_drafts WHERE survey_id IN (SELECT id FROM surveys WHERE gemeente_code = $1)",
        "DELETE FROM survey_invitations WHERE survey_id IN (SELECT id FROM surveys WHERE gemeente_code = $1)",
        "DELETE FROM survey_definition_versions WHERE survey_id IN (SELECT id FROM surveys WHERE gemeente_code = $1)",
        "DELETE FROM surveys WHERE gemeente_code = $1",
    ];
    for sql in STATEMENTS {
        sqlx::query(*sql)
            .bind(code.to_string())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::Store;

    /// Responses cannot be joined to invitations or addresses: the response
    /// table shares no key, code, address or fine timestamp with them.
    #[tokio::test]
    async fn no_column_of_a_response_can_be_joined_to_an_invitation_or_address() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
            .await
            .expect("store");
        let cols: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info('survey_responses')")
                .fetch_all(store.pool())
                .await
                .expect("columns");
        assert_eq!(
            cols,
            [
                "id",
                "survey_id",
                "answered_on",
                "channel",
                "area",
                "answers"
            ]
        );
        let fks: Vec<String> =
            sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list('survey_responses')")
                .fetch_all(store.pool())
                .await
                .expect("fks");
        assert_eq!(
            fks,
            ["surveys"],
            "the only reference is to the survey itself"
        );
        let inv: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info('survey_invitations')")
                .fetch_all(store.pool())
                .await
                .expect("columns");
        let shared: Vec<&String> = cols.iter().filter(|c| inv.contains(c)).collect();
        // Only the survey and the coarse sub-area (a woonplaats, at least 100
        // responses before it is shown per area) are shared.
        assert_eq!(shared, ["survey_id", "area"]);
        assert!(
            !inv.iter().any(|c| c.ends_with("_at")),
            "no completion time on an invitation"
        );
        // `answered_on` is a day (`YYYY-MM-DD`) and the id random (UUID v4): see `complete`.
    }
}
