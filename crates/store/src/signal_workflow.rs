//! The follow-up workflow of signals as stored (migration 0008): the
//! workflow as data, the appended history, attachments, forwarding
//! hand-offs, drug-waste protocol ticks, merges, deadlines and retention.
//!
//! The rules live in `bz_signals`; this module only reads and writes.
//!
//! Functions taking a [`WriteTx`] work inside the caller's transaction (so a
//! change, its history line and its audit entry commit together); the
//! `Store` methods of the same name open their own.
//!
//! **Attachments** are kept in the database as base64 TEXT with a SHA-256 of
//! the bytes: the portable-types rule forbids BLOB/BYTEA, photos arrive
//! re-encoded and small, and one transaction then covers the signal, its
//! history and its files; backups include them and the retention purge
//! removes them with their signal, leaving no orphan files behind.

use crate::{Result, Store, StoreError, WriteTx, flag, new_id};
use base64::Engine as _;
use bz_signals::deadline::DeadlinePolicy;
use bz_signals::retention::{Period, RetentionPolicy, RetentionRule};
use bz_signals::workflow::{StateCode, StateDef, StateKind, TransitionDef, Workflow};
use bz_signals::{Category, UnknownCode};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of history lines (the `kind` column).
pub mod kinds {
    pub const CREATED: &str = "created";
    pub const STATE: &str = "state";
    pub const ASSIGNED: &str = "assigned";
    pub const NOTE: &str = "note";
    pub const REPORTER_ADDITION: &str = "reporter_addition";
    pub const FORWARDED: &str = "forwarded";
    pub const MERGED: &str = "merged";
    pub const PROTOCOL_STEP: &str = "protocol_step";
    pub const ATTACHMENT: &str = "attachment";
    pub const SUMMARY: &str = "summary";
    pub const CATEGORY: &str = "category";
    pub const CONTACT_PURGED: &str = "contact_purged";
}

/// Who wrote a history line or added an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in user (id and display name at the time).
    User { id: String, name: String },
    /// The (anonymous) reporter, with meldcode and secret.
    Reporter,
    /// The system (imports, the purge job).
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::User { .. } => "user",
            Actor::Reporter => "reporter",
            Actor::System => "system",
        }
    }

    fn user_id(&self) -> Option<String> {
        match self {
            Actor::User { id, .. } => Some(id.clone()),
            _ => None,
        }
    }

    fn name(&self) -> Option<String> {
        match self {
            Actor::User { name, .. } => Some(name.clone()),
            _ => None,
        }
    }
}

/// A history line to append.
#[derive(Debug, Clone)]
pub struct NewHistory {
    pub signal_id: String,
    /// Unix seconds.
    pub at: i64,
    pub actor: Actor,
    /// One of [`kinds`].
    pub kind: &'static str,
    pub text: Option<String>,
    /// The kind's fields (`{"from": …, "to": …}` for a state change).
    pub data: serde_json::Value,
}

/// A stored history line.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub id: String,
    /// The signal the line was written for (kept across merges).
    pub signal_id: String,
    pub at: i64,
    /// `user`, `reporter` or `system`.
    pub actor_kind: String,
    pub actor_user_id: Option<String>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub text: Option<String>,
    pub data: serde_json::Value,
}

impl HistoryRow {
    /// A string field of `data`.
    pub fn data_str(&self, key: &str) -> Option<&str> {
        self.data.get(key).and_then(|v| v.as_str())
    }
}

/// Append a history line inside the caller's transaction; returns its id.
/// Lines are never updated; only the retention purge deletes them, with
/// their signal.
pub async fn append_history(tx: &mut WriteTx, e: &NewHistory) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO signal_history (id, signal_id, at, actor_kind, actor_user_id, actor_name, kind, text, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.clone())
    .bind(e.signal_id.clone())
    .bind(e.at)
    .bind(e.actor.kind())
    .bind(e.actor.user_id())
    .bind(e.actor.name())
    .bind(e.kind)
    .bind(e.text.clone())
    .bind(e.data.to_string())
    .execute(tx.conn())
    .await?;
    Ok(id)
}

fn history_row(r: &AnyRow) -> Result<HistoryRow> {
    let data: String = r.try_get("data")?;
    Ok(HistoryRow {
        id: r.try_get("id")?,
        signal_id: r.try_get("signal_id")?,
        at: r.try_get("at")?,
        actor_kind: r.try_get("actor_kind")?,
        actor_user_id: r.try_get("actor_user_id")?,
        actor_name: r.try_get("actor_name")?,
        kind: r.try_get("kind")?,
        text: r.try_get("text")?,
        data: serde_json::from_str(&data)
            .map_err(|e| StoreError::Corrupt(format!("signal history data: {e}")))?,
    })
}

const HISTORY_COLUMNS: &str =
    "id, signal_id, at, actor_kind, actor_user_id, actor_name, kind, text, data";

/// A file of a signal, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: String,
    pub signal_id: String,
    pub added_at: i64,
    /// `user` or `reporter`.
    pub added_by_kind: String,
    pub added_by_user_id: Option<String>,
    pub file_name: Option<String>,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
}

/// A file to attach. Photos must already be cleaned
/// (`bz_signals::photo::clean_photo`: re-encoded, metadata stripped); the
/// caller checks the content type by content.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub signal_id: String,
    pub at: i64,
    pub actor: Actor,
    pub file_name: Option<String>,
    pub content_type: String,
    pub bytes: &'a [u8],
}

/// Store a file with a signal inside the caller's transaction and append
/// an `attachment` history line for it.
pub async fn add_attachment(tx: &mut WriteTx, a: &NewAttachment<'_>) -> Result<AttachmentMeta> {
    let meta = AttachmentMeta {
        id: new_id(),
        signal_id: a.signal_id.clone(),
        added_at: a.at,
        added_by_kind: a.actor.kind().to_string(),
        added_by_user_id: a.actor.user_id(),
        file_name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        size_bytes: i64::try_from(a.bytes.len())
            .map_err(|_| StoreError::Corrupt("attachment too large".into()))?,
        sha256: hex::encode(Sha256::digest(a.bytes)),
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(a.bytes);
    sqlx::query(
        "INSERT INTO signal_attachments (id, signal_id, added_at, added_by_kind, added_by_user_id, file_name, content_type, size_bytes, sha256, content_base64) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(meta.id.clone())
    .bind(meta.signal_id.clone())
    .bind(meta.added_at)
    .bind(meta.added_by_kind.clone())
    .bind(meta.added_by_user_id.clone())
    .bind(meta.file_name.clone())
    .bind(meta.content_type.clone())
    .bind(meta.size_bytes)
    .bind(meta.sha256.clone())
    .bind(encoded)
    .execute(tx.conn())
    .await?;
    append_history(
        tx,
        &NewHistory {
            signal_id: a.signal_id.clone(),
            at: a.at,
            actor: a.actor.clone(),
            kind: kinds::ATTACHMENT,
            text: a.file_name.clone(),
            data: serde_json::json!({
                "attachment_id": meta.id,
                "content_type": meta.content_type,
                "size_bytes": meta.size_bytes,
            }),
        },
    )
    .await?;
    Ok(meta)
}

const ATTACHMENT_COLUMNS: &str = "id, signal_id, added_at, added_by_kind, added_by_user_id, file_name, content_type, size_bytes, sha256";

fn attachment_row(r: &AnyRow) -> Result<AttachmentMeta> {
    Ok(AttachmentMeta {
        id: r.try_get("id")?,
        signal_id: r.try_get("signal_id")?,
        added_at: r.try_get("added_at")?,
        added_by_kind: r.try_get("added_by_kind")?,
        added_by_user_id: r.try_get("added_by_user_id")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
    })
}

/// A forwarding hand-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardRow {
    pub id: String,
    pub signal_id: String,
    pub target: String,
    /// The de-identified summary that was handed off.
    pub summary: String,
    pub by_user_id: String,
    pub by_name: String,
    pub at: i64,
}

/// A ticked step of a protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickRow {
    pub signal_id: String,
    pub protocol: String,
    pub step: String,
    /// `done` or `not_applicable`.
    pub outcome: String,
    pub note: Option<String>,
    pub by_user_id: String,
    pub by_name: String,
    pub at: i64,
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_code(k: StateKind) -> &'static str {
    match k {
        StateKind::Open => "open",
        StateKind::Waiting => "waiting",
        StateKind::Closed => "closed",
    }
}

fn parse_kind(s: &str) -> Result<StateKind> {
    match s {
        "open" => Ok(StateKind::Open),
        "waiting" => Ok(StateKind::Waiting),
        "closed" => Ok(StateKind::Closed),
        other => Err(StoreError::Corrupt(format!("unknown state kind {other:?}"))),
    }
}

fn state_code(s: &str) -> Result<StateCode> {
    StateCode::parse(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn category(s: &str) -> Result<Category> {
    s.parse()
        .map_err(|e: UnknownCode| StoreError::Corrupt(e.to_string()))
}

/// Replace the workflow inside the caller's transaction. The caller has
/// validated it (`Workflow::validate`) and checked that no signal is in a
/// state it removes ([`Store::states_in_use`]). Retention rules of removed
/// states go; states without rules get the suggested rules (so the policy
/// stays complete: nothing is kept forever).
pub async fn save_workflow(tx: &mut WriteTx, wf: &Workflow) -> Result<()> {
    sqlx::query("DELETE FROM signal_transitions")
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM signal_states")
        .execute(tx.conn())
        .await?;
    for (i, s) in wf.states.iter().enumerate() {
        sqlx::query(
            "INSERT INTO signal_states (code, name_nl, name_en, kind, initial, sort_order) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.code.as_str().to_string())
        .bind(s.name_nl.clone())
        .bind(s.name_en.clone())
        .bind(kind_code(s.kind))
        .bind(flag(s.initial))
        .bind(i as i64 + 1)
        .execute(tx.conn())
        .await?;
    }
    for (i, t) in wf.transitions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO signal_transitions (from_state, to_state, requires_text, sort_order) VALUES ($1, $2, $3, $4)",
        )
        .bind(t.from.as_str().to_string())
        .bind(t.to.as_str().to_string())
        .bind(flag(t.requires_text))
        .bind(i as i64 + 1)
        .execute(tx.conn())
        .await?;
    }
    // Retention follows the states.
    let rows = sqlx::query("SELECT category, state FROM signal_retention")
        .fetch_all(tx.conn())
        .await?;
    let mut have: BTreeSet<(String, String)> = BTreeSet::new();
    for r in &rows {
        have.insert((r.try_get("category")?, r.try_get("state")?));
    }
    let codes: BTreeSet<&str> = wf.states.iter().map(|s| s.code.as_str()).collect();
    for (c, s) in &have {
        if !codes.contains(s.as_str()) {
            sqlx::query("DELETE FROM signal_retention WHERE category = $1 AND state = $2")
                .bind(c.clone())
                .bind(s.clone())
                .execute(tx.conn())
                .await?;
        }
    }
    for rule in RetentionPolicy::suggested(wf).rules {
        let key = (
            rule.category.as_str().to_string(),
            rule.state.as_str().to_string(),
        );
        if !have.contains(&key) {
            insert_rule(tx, &rule).await?;
        }
    }
    Ok(())
}

async fn insert_rule(tx: &mut WriteTx, rule: &RetentionRule) -> Result<()> {
    let (unit, amount) = match rule.keep {
        Period::Days(d) => ("days", d),
        Period::Months(m) => ("months", m),
    };
    sqlx::query(
        "INSERT INTO signal_retention (category, state, unit, amount) VALUES ($1, $2, $3, $4)",
    )
    .bind(rule.category.as_str())
    .bind(rule.state.as_str().to_string())
    .bind(unit)
    .bind(i64::from(amount))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Replace the retention policy inside the caller's transaction (validated
/// by the caller with `RetentionPolicy::validate`).
pub async fn save_retention(tx: &mut WriteTx, policy: &RetentionPolicy) -> Result<()> {
    sqlx::query("DELETE FROM signal_retention")
        .execute(tx.conn())
        .await?;
    for rule in &policy.rules {
        insert_rule(tx, rule).await?;
    }
    Ok(())
}

/// Replace the working days per category (validated by the caller).
pub async fn save_deadlines(tx: &mut WriteTx, policy: &DeadlinePolicy) -> Result<()> {
    sqlx::query("DELETE FROM signal_deadlines")
        .execute(tx.conn())
        .await?;
    for (c, n) in &policy.working_days {
        sqlx::query("INSERT INTO signal_deadlines (category, working_days) VALUES ($1, $2)")
            .bind(c.as_str())
            .bind(i64::from(*n))
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// Record a forwarding hand-off and its history line.
pub async fn add_forward(
    tx: &mut WriteTx,
    signal_id: &str,
    target: &str,
    summary: &str,
    by: (&str, &str),
    at: i64,
) -> Result<ForwardRow> {
    let row = ForwardRow {
        id: new_id(),
        signal_id: signal_id.to_string(),
        target: target.to_string(),
        summary: summary.to_string(),
        by_user_id: by.0.to_string(),
        by_name: by.1.to_string(),
        at,
    };
    sqlx::query(
        "INSERT INTO signal_forwards (id, signal_id, target, summary, by_user_id, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(row.id.clone())
    .bind(row.signal_id.clone())
    .bind(row.target.clone())
    .bind(row.summary.clone())
    .bind(row.by_user_id.clone())
    .bind(row.by_name.clone())
    .bind(row.at)
    .execute(tx.conn())
    .await?;
    append_history(
        tx,
        &NewHistory {
            signal_id: signal_id.to_string(),
            at,
            actor: Actor::User {
                id: row.by_user_id.clone(),
                name: row.by_name.clone(),
            },
            kind: kinds::FORWARDED,
            text: Some(row.summary.clone()),
            data: serde_json::json!({ "target": row.target, "forward_id": row.id }),
        },
    )
    .await?;
    Ok(row)
}

/// Record a ticked protocol step and its history line. A step is ticked
/// once ([`StoreError::Conflict`] for a second tick).
pub async fn add_tick(tx: &mut WriteTx, t: &TickRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO signal_protocol_ticks (signal_id, protocol, step, outcome, note, by_user_id, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(t.signal_id.clone())
    .bind(t.protocol.clone())
    .bind(t.step.clone())
    .bind(t.outcome.clone())
    .bind(t.note.clone())
    .bind(t.by_user_id.clone())
    .bind(t.by_name.clone())
    .bind(t.at)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_or(e, "protocol step tick"))?;
    append_history(
        tx,
        &NewHistory {
            signal_id: t.signal_id.clone(),
            at: t.at,
            actor: Actor::User {
                id: t.by_user_id.clone(),
                name: t.by_name.clone(),
            },
            kind: kinds::PROTOCOL_STEP,
            text: t.note.clone(),
            data: serde_json::json!({ "protocol": t.protocol, "step": t.step, "outcome": t.outcome }),
        },
    )
    .await?;
    Ok(())
}

/// Merge `absorbed` into `surviving`: both keep their own history lines
/// (nothing is rewritten); each gets a `merged` line, the absorbed signal
/// points at the surviving one and the surviving signal's timeline
/// ([`Store::timeline`]) shows both. Refused ([`StoreError::Conflict`]) when
/// either was already merged away, or they are the same signal.
pub async fn merge(
    tx: &mut WriteTx,
    surviving: &str,
    absorbed: &str,
    by: (&str, &str),
    at: i64,
) -> Result<()> {
    if surviving == absorbed {
        return Err(StoreError::Conflict {
            what: "merge of a signal with itself",
        });
    }
    let rows = sqlx::query("SELECT id, merged_into FROM signals WHERE id = $1 OR id = $2")
        .bind(surviving.to_string())
        .bind(absorbed.to_string())
        .fetch_all(tx.conn())
        .await?;
    if rows.len() != 2 {
        return Err(StoreError::NotFound { what: "signal" });
    }
    for r in &rows {
        let into: Option<String> = r.try_get("merged_into")?;
        if into.is_some() {
            return Err(StoreError::Conflict {
                what: "merge of an already merged signal",
            });
        }
    }
    sqlx::query(
        "INSERT INTO signal_merges (absorbed_id, surviving_id, by_user_id, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(absorbed.to_string())
    .bind(surviving.to_string())
    .bind(by.0.to_string())
    .bind(at)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_or(e, "merge"))?;
    sqlx::query("UPDATE signals SET merged_into = $1, updated_at = $2 WHERE id = $3")
        .bind(surviving.to_string())
        .bind(at)
        .bind(absorbed.to_string())
        .execute(tx.conn())
        .await?;
    let actor = Actor::User {
        id: by.0.to_string(),
        name: by.1.to_string(),
    };
    for id in [surviving, absorbed] {
        append_history(
            tx,
            &NewHistory {
                signal_id: id.to_string(),
                at,
                actor: actor.clone(),
                kind: kinds::MERGED,
                text: None,
                data: serde_json::json!({ "surviving": surviving, "absorbed": absorbed }),
            },
        )
        .await?;
    }
    Ok(())
}

/// Counts of one purge, per month of receipt × category × state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeCount {
    pub month: String,
    pub category: String,
    pub state: String,
    pub purged: i64,
}

/// Delete signals with everything that belongs to them (history,
/// attachments, hand-offs, ticks, merges) inside the caller's transaction,
/// and add `counts` to the statistics kept after purging.
pub async fn purge_signals(tx: &mut WriteTx, ids: &[String], counts: &[PurgeCount]) -> Result<u64> {
    let mut removed = 0;
    for chunk in ids.chunks(200) {
        let ph = placeholders(1, chunk.len());
        for sql in [
            format!("DELETE FROM signal_history WHERE signal_id IN ({ph})"),
            format!("DELETE FROM signal_attachments WHERE signal_id IN ({ph})"),
            format!("DELETE FROM signal_forwards WHERE signal_id IN ({ph})"),
            format!("DELETE FROM signal_protocol_ticks WHERE signal_id IN ({ph})"),
            format!(
                "DELETE FROM signal_merges WHERE absorbed_id IN ({ph}) OR surviving_id IN ({ph})"
            ),
            format!("UPDATE signals SET merged_into = NULL WHERE merged_into IN ({ph})"),
        ] {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.clone());
            }
            q.execute(tx.conn()).await?;
        }
        let sql = format!("DELETE FROM signals WHERE id IN ({ph})");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(id.clone());
        }
        removed += q.execute(tx.conn()).await?.rows_affected();
    }
    for c in counts {
        let updated = sqlx::query(
            "UPDATE signal_purge_counts SET purged = purged + $1 WHERE month = $2 AND category = $3 AND state = $4",
        )
        .bind(c.purged)
        .bind(c.month.clone())
        .bind(c.category.clone())
        .bind(c.state.clone())
        .execute(tx.conn())
        .await?
        .rows_affected();
        if updated == 0 {
            sqlx::query(
                "INSERT INTO signal_purge_counts (month, category, state, purged) VALUES ($1, $2, $3, $4)",
            )
            .bind(c.month.clone())
            .bind(c.category.clone())
            .bind(c.state.clone())
            .bind(c.purged)
            .execute(tx.conn())
            .await?;
        }
    }
    Ok(removed)
}

/// Delete what belongs to the signals of one municipality (history, files,
/// hand-offs, ticks, merges), before those signals are deleted when the
/// municipality's data is replaced (the demo refresh).
pub async fn delete_workflow_of_gemeente(tx: &mut WriteTx, code: &str) -> Result<()> {
    let ids = "SELECT id FROM signals WHERE gemeente_code = $1";
    for sql in [
        format!("DELETE FROM signal_history WHERE signal_id IN ({ids})"),
        format!("DELETE FROM signal_attachments WHERE signal_id IN ({ids})"),
        format!("DELETE FROM signal_forwards WHERE signal_id IN ({ids})"),
        format!("DELETE FROM signal_protocol_ticks WHERE signal_id IN ({ids})"),
        format!(
            "DELETE FROM signal_merges WHERE absorbed_id IN ({ids}) OR surviving_id IN ({ids})"
        ),
        format!("UPDATE signals SET merged_into = NULL WHERE merged_into IN ({ids})"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code.to_string())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// Clear the contact details of signals whose contact retention ended
/// (`contact_purge_at <= now`), with a history line each; returns how many.
pub async fn purge_contacts(tx: &mut WriteTx, now: i64) -> Result<u64> {
    let rows = sqlx::query(
        "SELECT id FROM signals WHERE contact_purge_at IS NOT NULL AND contact_purge_at <= $1",
    )
    .bind(now)
    .fetch_all(tx.conn())
    .await?;
    let mut n = 0;
    for r in &rows {
        let id: String = r.try_get("id")?;
        sqlx::query(
            "UPDATE signals SET contact_name = NULL, contact_email = NULL, contact_phone = NULL, contact_purge_at = NULL WHERE id = $1",
        )
        .bind(id.clone())
        .execute(tx.conn())
        .await?;
        append_history(
            tx,
            &NewHistory {
                signal_id: id,
                at: now,
                actor: Actor::System,
                kind: kinds::CONTACT_PURGED,
                text: None,
                data: serde_json::json!({}),
            },
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

/// Record a run of the purge job.
pub async fn record_purge_run(
    tx: &mut WriteTx,
    at: i64,
    started_by: &str,
    purged: u64,
    contacts_cleared: u64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO signal_purge_runs (id, at, started_by, purged, contacts_cleared) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(at)
    .bind(started_by.to_string())
    .bind(i64::try_from(purged).unwrap_or(i64::MAX))
    .bind(i64::try_from(contacts_cleared).unwrap_or(i64::MAX))
    .execute(tx.conn())
    .await?;
    Ok(())
}

impl Store {
    /// Append one history line in a transaction of its own.
    pub async fn append_history(&self, e: &NewHistory) -> Result<String> {
        let mut tx = self.begin_write().await?;
        let id = append_history(&mut tx, e).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Store one attachment (and its history line) in a transaction of its own.
    pub async fn add_attachment(&self, a: &NewAttachment<'_>) -> Result<AttachmentMeta> {
        let mut tx = self.begin_write().await?;
        let meta = add_attachment(&mut tx, a).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The history lines written for this signal, oldest first.
    pub async fn history(&self, signal_id: &str) -> Result<Vec<HistoryRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {HISTORY_COLUMNS} FROM signal_history WHERE signal_id = $1 ORDER BY at, id"
        )))
        .bind(signal_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(history_row).collect()
    }

    /// The signals merged into this one, also indirectly (not itself).
    pub async fn absorbed_signals(&self, signal_id: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut frontier = vec![signal_id.to_string()];
        while let Some(id) = frontier.pop() {
            let rows = sqlx::query(
                "SELECT absorbed_id FROM signal_merges WHERE surviving_id = $1 ORDER BY at, absorbed_id",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                let a: String = r.try_get("absorbed_id")?;
                if a != signal_id && !out.contains(&a) {
                    out.push(a.clone());
                    frontier.push(a);
                }
            }
        }
        Ok(out)
    }

    /// The timeline of a signal: its own history and that of every signal
    /// merged into it, oldest first (each line keeps its own signal id).
    pub async fn timeline(&self, signal_id: &str) -> Result<Vec<HistoryRow>> {
        let mut ids = vec![signal_id.to_string()];
        ids.extend(self.absorbed_signals(signal_id).await?);
        let sql = format!(
            "SELECT {HISTORY_COLUMNS} FROM signal_history WHERE signal_id IN ({}) ORDER BY at, id",
            placeholders(1, ids.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in &ids {
            q = q.bind(id.clone());
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter().map(history_row).collect()
    }

    /// The files of a signal (without bytes), oldest first.
    pub async fn attachments(&self, signal_id: &str) -> Result<Vec<AttachmentMeta>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM signal_attachments WHERE signal_id = $1 ORDER BY added_at, id"
        )))
        .bind(signal_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(attachment_row).collect()
    }

    /// One file with its bytes (checked against the stored SHA-256).
    pub async fn attachment(
        &self,
        signal_id: &str,
        attachment_id: &str,
    ) -> Result<Option<(AttachmentMeta, Vec<u8>)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ATTACHMENT_COLUMNS}, content_base64 FROM signal_attachments WHERE signal_id = $1 AND id = $2"
        )))
        .bind(signal_id.to_string())
        .bind(attachment_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let meta = attachment_row(&row)?;
        let encoded: String = row.try_get("content_base64")?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_bytes())
            .map_err(|e| StoreError::Corrupt(format!("attachment {}: {e}", meta.id)))?;
        if hex::encode(Sha256::digest(&bytes)) != meta.sha256 {
            return Err(StoreError::Corrupt(format!(
                "attachment {} does not match its checksum",
                meta.id
            )));
        }
        Ok(Some((meta, bytes)))
    }

    /// The forwarding hand-offs of a signal, oldest first.
    pub async fn forwards(&self, signal_id: &str) -> Result<Vec<ForwardRow>> {
        let rows = sqlx::query(
            "SELECT id, signal_id, target, summary, by_user_id, by_name, at FROM signal_forwards WHERE signal_id = $1 ORDER BY at, id",
        )
        .bind(signal_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ForwardRow {
                    id: r.try_get("id")?,
                    signal_id: r.try_get("signal_id")?,
                    target: r.try_get("target")?,
                    summary: r.try_get("summary")?,
                    by_user_id: r.try_get("by_user_id")?,
                    by_name: r.try_get("by_name")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The ticked protocol steps of a signal, in the order they were ticked.
    pub async fn protocol_ticks(&self, signal_id: &str) -> Result<Vec<TickRow>> {
        let rows = sqlx::query(
            "SELECT signal_id, protocol, step, outcome, note, by_user_id, by_name, at FROM signal_protocol_ticks WHERE signal_id = $1 ORDER BY at, step",
        )
        .bind(signal_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TickRow {
                    signal_id: r.try_get("signal_id")?,
                    protocol: r.try_get("protocol")?,
                    step: r.try_get("step")?,
                    outcome: r.try_get("outcome")?,
                    note: r.try_get("note")?,
                    by_user_id: r.try_get("by_user_id")?,
                    by_name: r.try_get("by_name")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The workflow as stored.
    pub async fn workflow(&self) -> Result<Workflow> {
        let rows = sqlx::query(
            "SELECT code, name_nl, name_en, kind, initial FROM signal_states ORDER BY sort_order, code",
        )
        .fetch_all(self.pool())
        .await?;
        let mut states = Vec::new();
        for r in &rows {
            let initial: i64 = r.try_get("initial")?;
            states.push(StateDef {
                code: state_code(&r.try_get::<String, _>("code")?)?,
                name_nl: r.try_get("name_nl")?,
                name_en: r.try_get("name_en")?,
                kind: parse_kind(&r.try_get::<String, _>("kind")?)?,
                initial: initial != 0,
            });
        }
        let rows = sqlx::query(
            "SELECT from_state, to_state, requires_text FROM signal_transitions ORDER BY sort_order, from_state, to_state",
        )
        .fetch_all(self.pool())
        .await?;
        let mut transitions = Vec::new();
        for r in &rows {
            let requires_text: i64 = r.try_get("requires_text")?;
            transitions.push(TransitionDef {
                from: state_code(&r.try_get::<String, _>("from_state")?)?,
                to: state_code(&r.try_get::<String, _>("to_state")?)?,
                requires_text: requires_text != 0,
            });
        }
        Ok(Workflow {
            states,
            transitions,
        })
    }

    /// How many signals are in each state (states a workflow edit may not drop).
    pub async fn states_in_use(&self) -> Result<BTreeMap<String, i64>> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM signals GROUP BY state")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
            .collect()
    }

    /// Working days per category as stored.
    pub async fn deadline_policy(&self) -> Result<DeadlinePolicy> {
        let rows = sqlx::query("SELECT category, working_days FROM signal_deadlines")
            .fetch_all(self.pool())
            .await?;
        let mut working_days = BTreeMap::new();
        for r in &rows {
            let n: i64 = r.try_get("working_days")?;
            working_days.insert(
                category(&r.try_get::<String, _>("category")?)?,
                u32::try_from(n)
                    .map_err(|_| StoreError::Corrupt(format!("deadline of {n} days")))?,
            );
        }
        Ok(DeadlinePolicy { working_days })
    }

    /// Retention per category and state as stored.
    pub async fn retention_policy(&self) -> Result<RetentionPolicy> {
        let rows = sqlx::query(
            "SELECT category, state, unit, amount FROM signal_retention ORDER BY category, state",
        )
        .fetch_all(self.pool())
        .await?;
        let mut rules = Vec::new();
        for r in &rows {
            let amount: i64 = r.try_get("amount")?;
            let amount = u32::try_from(amount)
                .map_err(|_| StoreError::Corrupt(format!("retention of {amount}")))?;
            let unit: String = r.try_get("unit")?;
            let keep = match unit.as_str() {
                "days" => Period::Days(amount),
                "months" => Period::Months(amount),
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "unknown retention unit {other:?}"
                    )));
                }
            };
            rules.push(RetentionRule {
                category: category(&r.try_get::<String, _>("category")?)?,
                state: state_code(&r.try_get::<String, _>("state")?)?,
                keep,
            });
        }
        Ok(RetentionPolicy { rules })
    }

    /// The latest runs of the purge job, newest first: (at, started by,
    /// signals removed, contact details cleared).
    pub async fn purge_runs(&self, limit: i64) -> Result<Vec<(i64, String, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT at, started_by, purged, contacts_cleared FROM signal_purge_runs ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("at")?,
                    r.try_get("started_by")?,
                    r.try_get("purged")?,
                    r.try_get("contacts_cleared")?,
                ))
            })
            .collect()
    }

    /// The statistics kept after purging, by month, category and state.
    pub async fn purge_counts(&self) -> Result<Vec<PurgeCount>> {
        let rows = sqlx::query(
            "SELECT month, category, state, purged FROM signal_purge_counts ORDER BY month, category, state",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PurgeCount {
                    month: r.try_get("month")?,
                    category: r.try_get("category")?,
                    state: r.try_get("state")?,
                    purged: r.try_get("purged")?,
                })
            })
            .collect()
    }
}

/// A signal with everything the workflow pages show. `description` (the
/// reporter's original words) and the contact details are for the intake
/// role only; the web layer shows everyone else `summary`.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalRecord {
    pub id: String,
    pub meldcode: Option<String>,
    pub channel: String,
    pub source: String,
    pub source_org_id: Option<String>,
    pub category: String,
    pub state: String,
    pub observed_on: String,
    pub received_at: i64,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub bag_id: Option<String>,
    pub gemeente_code: Option<String>,
    pub description: String,
    pub summary: Option<String>,
    pub summary_by: Option<String>,
    pub summary_at: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_purge_at: Option<i64>,
    pub assigned_org_id: Option<String>,
    pub assigned_user_id: Option<String>,
    pub closed_at: Option<i64>,
    pub created_by: Option<String>,
    pub merged_into: Option<String>,
    pub updated_at: Option<i64>,
}

const RECORD_COLUMNS: &str = "id, meldcode, channel, source, source_org_id, category, state, observed_on, received_at, x, y, bag_id, gemeente_code, description, summary, summary_by, summary_at, contact_name, contact_email, contact_phone, contact_purge_at, assigned_org_id, assigned_user_id, closed_at, created_by, merged_into, updated_at";

fn record(r: &AnyRow) -> Result<SignalRecord> {
    Ok(SignalRecord {
        id: r.try_get("id")?,
        meldcode: r.try_get("meldcode")?,
        channel: r.try_get("channel")?,
        source: r.try_get("source")?,
        source_org_id: r.try_get("source_org_id")?,
        category: r.try_get("category")?,
        state: r.try_get("state")?,
        observed_on: r.try_get("observed_on")?,
        received_at: r.try_get("received_at")?,
        x: r.try_get("x")?,
        y: r.try_get("y")?,
        bag_id: r.try_get("bag_id")?,
        gemeente_code: r.try_get("gemeente_code")?,
        description: r.try_get("description")?,
        summary: r.try_get("summary")?,
        summary_by: r.try_get("summary_by")?,
        summary_at: r.try_get("summary_at")?,
        contact_name: r.try_get("contact_name")?,
        contact_email: r.try_get("contact_email")?,
        contact_phone: r.try_get("contact_phone")?,
        contact_purge_at: r.try_get("contact_purge_at")?,
        assigned_org_id: r.try_get("assigned_org_id")?,
        assigned_user_id: r.try_get("assigned_user_id")?,
        closed_at: r.try_get("closed_at")?,
        created_by: r.try_get("created_by")?,
        merged_into: r.try_get("merged_into")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A professional signal from the intake form or the API.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSignal {
    pub id: String,
    pub channel: String,
    /// An intake source code (`wijkagent`, `erfbetreder`, …) or, for
    /// imports, the partner organisation's name.
    pub source: String,
    pub source_org_id: Option<String>,
    pub category: String,
    /// The workflow's initial state.
    pub state: String,
    pub observed_on: String,
    pub received_at: i64,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub bag_id: Option<String>,
    pub gemeente_code: Option<String>,
    pub description: String,
    pub created_by: Option<String>,
}

/// Insert a signal and its `created` history line (refused with
/// [`StoreError::Conflict`] when the id exists).
pub async fn insert_signal(tx: &mut WriteTx, s: &NewSignal, actor: &Actor) -> Result<()> {
    sqlx::query(
        "INSERT INTO signals (id, channel, source, source_org_id, category, state, observed_on, received_at, x, y, bag_id, gemeente_code, description, created_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(s.id.clone())
    .bind(s.channel.clone())
    .bind(s.source.clone())
    .bind(s.source_org_id.clone())
    .bind(s.category.clone())
    .bind(s.state.clone())
    .bind(s.observed_on.clone())
    .bind(s.received_at)
    .bind(s.x)
    .bind(s.y)
    .bind(s.bag_id.clone())
    .bind(s.gemeente_code.clone())
    .bind(s.description.clone())
    .bind(s.created_by.clone())
    .bind(s.received_at)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_or(e, "signal"))?;
    append_history(
        tx,
        &NewHistory {
            signal_id: s.id.clone(),
            at: s.received_at,
            actor: actor.clone(),
            kind: kinds::CREATED,
            text: None,
            data: serde_json::json!({
                "category": s.category,
                "source": s.source,
                "channel": s.channel,
                "state": s.state,
            }),
        },
    )
    .await?;
    Ok(())
}

/// Change the state from `from` to `to` (refused with
/// [`StoreError::Conflict`] when the signal is no longer in `from`: someone
/// else changed it first) and append the `state` history line. `closed`
/// sets `closed_at` (a closed state) or clears it (reopened).
#[allow(clippy::too_many_arguments)]
pub async fn change_state(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    text: Option<&str>,
    closed: bool,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE signals SET state = $1, closed_at = $2, updated_at = $3 WHERE id = $4 AND state = $5",
    )
    .bind(to.to_string())
    .bind(closed.then_some(at))
    .bind(at)
    .bind(id.to_string())
    .bind(from.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict {
            what: "state change",
        });
    }
    append_history(
        tx,
        &NewHistory {
            signal_id: id.to_string(),
            at,
            actor: actor.clone(),
            kind: kinds::STATE,
            text: text.map(str::to_string),
            data: serde_json::json!({ "from": from, "to": to }),
        },
    )
    .await?;
    Ok(())
}

/// Assign a signal to an organisation and optionally one of its users.
pub async fn assign(
    tx: &mut WriteTx,
    id: &str,
    org_id: &str,
    user_id: Option<&str>,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE signals SET assigned_org_id = $1, assigned_user_id = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(org_id.to_string())
    .bind(user_id.map(str::to_string))
    .bind(at)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound { what: "signal" });
    }
    append_history(
        tx,
        &NewHistory {
            signal_id: id.to_string(),
            at,
            actor: actor.clone(),
            kind: kinds::ASSIGNED,
            text: None,
            data: serde_json::json!({ "organisation_id": org_id, "user_id": user_id }),
        },
    )
    .await?;
    Ok(())
}

/// Change the category (triage corrects what a reporter chose) and append
/// the `category` history line.
pub async fn change_category(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE signals SET category = $1, updated_at = $2 WHERE id = $3 AND category = $4",
    )
    .bind(to.to_string())
    .bind(at)
    .bind(id.to_string())
    .bind(from.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict {
            what: "category change",
        });
    }
    append_history(
        tx,
        &NewHistory {
            signal_id: id.to_string(),
            at,
            actor: actor.clone(),
            kind: kinds::CATEGORY,
            text: None,
            data: serde_json::json!({ "from": from, "to": to }),
        },
    )
    .await?;
    Ok(())
}

/// Store the de-identified summary (what everyone but intake sees). The
/// history line records that it was written, not its text: the text can
/// change later and the history is never edited.
pub async fn set_summary(
    tx: &mut WriteTx,
    id: &str,
    summary: &str,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE signals SET summary = $1, summary_by = $2, summary_at = $3, updated_at = $3 WHERE id = $4",
    )
    .bind(summary.to_string())
    .bind(actor.name())
    .bind(at)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound { what: "signal" });
    }
    append_history(
        tx,
        &NewHistory {
            signal_id: id.to_string(),
            at,
            actor: actor.clone(),
            kind: kinds::SUMMARY,
            text: None,
            data: serde_json::json!({ "chars": summary.chars().count() }),
        },
    )
    .await?;
    Ok(())
}

/// Contact details the reporter chose to give, with the moment they are
/// cleared by the purge (their own retention).
pub async fn set_contact(
    tx: &mut WriteTx,
    id: &str,
    name: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    purge_at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE signals SET contact_name = $1, contact_email = $2, contact_phone = $3, contact_purge_at = $4 WHERE id = $5",
    )
    .bind(name.map(str::to_string))
    .bind(email.map(str::to_string))
    .bind(phone.map(str::to_string))
    .bind(purge_at)
    .bind(id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Which signals the list shows.
#[derive(Debug, Clone, Default)]
pub struct SignalQuery {
    /// Signals in these municipalities …
    pub gemeenten: Vec<String>,
    /// … or without a municipality …
    pub include_unplaced: bool,
    /// … or assigned to this organisation …
    pub assigned_org: Option<String>,
    /// … or assigned to this user.
    pub assigned_user: Option<String>,
    pub state: Option<String>,
    /// Only signals in one of these states (none: any state).
    pub states: Vec<String>,
    pub category: Option<String>,
    /// Only signals assigned to this organisation.
    pub only_org: Option<String>,
    /// Only signals assigned to this user.
    pub only_user: Option<String>,
    /// Only signals not merged into another.
    pub exclude_merged: bool,
    pub limit: i64,
}

/// A signal as the purge sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionRow {
    pub id: String,
    pub category: String,
    pub state: String,
    pub received_at: i64,
    pub closed_at: Option<i64>,
    pub merged_into: Option<String>,
}

impl Store {
    /// One signal.
    pub async fn signal(&self, id: &str) -> Result<Option<SignalRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM signals WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(record).transpose()
    }

    /// Signals by [`SignalQuery`], newest first. The caller still decides
    /// access per signal.
    pub async fn signals_for(&self, q: &SignalQuery) -> Result<Vec<SignalRecord>> {
        let mut scope = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        if !q.gemeenten.is_empty() {
            scope.push(format!(
                "gemeente_code IN ({})",
                placeholders(binds.len() + 1, q.gemeenten.len())
            ));
            binds.extend(q.gemeenten.iter().cloned());
        }
        if q.include_unplaced {
            scope.push("gemeente_code IS NULL".to_string());
        }
        if let Some(o) = &q.assigned_org {
            binds.push(o.clone());
            scope.push(format!("assigned_org_id = ${}", binds.len()));
        }
        if let Some(u) = &q.assigned_user {
            binds.push(u.clone());
            scope.push(format!("assigned_user_id = ${}", binds.len()));
        }
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = format!(
            "SELECT {RECORD_COLUMNS} FROM signals WHERE ({})",
            scope.join(" OR ")
        );
        if let Some(s) = &q.state {
            binds.push(s.clone());
            sql.push_str(&format!(" AND state = ${}", binds.len()));
        }
        if let Some(c) = &q.category {
            binds.push(c.clone());
            sql.push_str(&format!(" AND category = ${}", binds.len()));
        }
        if !q.states.is_empty() {
            sql.push_str(&format!(
                " AND state IN ({})",
                placeholders(binds.len() + 1, q.states.len())
            ));
            binds.extend(q.states.iter().cloned());
        }
        if let Some(o) = &q.only_org {
            binds.push(o.clone());
            sql.push_str(&format!(" AND assigned_org_id = ${}", binds.len()));
        }
        if let Some(u) = &q.only_user {
            binds.push(u.clone());
            sql.push_str(&format!(" AND assigned_user_id = ${}", binds.len()));
        }
        if q.exclude_merged {
            sql.push_str(" AND merged_into IS NULL");
        }
        sql.push_str(&format!(
            " ORDER BY received_at DESC, id DESC LIMIT {}",
            q.limit.clamp(1, 5000)
        ));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(record).collect()
    }

    /// Candidates for duplicates of a signal: within `radius` m of (x, y)
    /// or on the same BAG object, received since `since` (Unix seconds),
    /// not merged away.
    pub async fn duplicate_candidates(
        &self,
        point: Option<(f64, f64)>,
        radius: f64,
        bag_id: Option<&str>,
        since: i64,
    ) -> Result<Vec<SignalRecord>> {
        let mut out: Vec<SignalRecord> = Vec::new();
        if let Some((x, y)) = point {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {RECORD_COLUMNS} FROM signals WHERE x >= $1 AND x <= $2 AND y >= $3 AND y <= $4 AND received_at >= $5 AND merged_into IS NULL"
            )))
            .bind(x - radius)
            .bind(x + radius)
            .bind(y - radius)
            .bind(y + radius)
            .bind(since)
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                out.push(record(r)?);
            }
        }
        if let Some(b) = bag_id.filter(|b| !b.trim().is_empty()) {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {RECORD_COLUMNS} FROM signals WHERE bag_id = $1 AND received_at >= $2 AND merged_into IS NULL"
            )))
            .bind(b.to_string())
            .bind(since)
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                let rec = record(r)?;
                if !out.iter().any(|o| o.id == rec.id) {
                    out.push(rec);
                }
            }
        }
        Ok(out)
    }

    /// The `state` history lines (at, to) of each of `ids`, oldest first.
    pub async fn state_changes(
        &self,
        ids: &[String],
    ) -> Result<BTreeMap<String, Vec<(i64, String)>>> {
        let mut out: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
        for chunk in ids.chunks(200) {
            let sql = format!(
                "SELECT signal_id, at, data FROM signal_history WHERE kind = 'state' AND signal_id IN ({}) ORDER BY at, id",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(id.clone());
            }
            for r in q.fetch_all(self.pool()).await? {
                let data: String = r.try_get("data")?;
                let v: serde_json::Value = serde_json::from_str(&data)
                    .map_err(|e| StoreError::Corrupt(format!("signal history data: {e}")))?;
                let to = v
                    .get("to")
                    .and_then(|t| t.as_str())
                    .ok_or_else(|| StoreError::Corrupt("state line without target".into()))?
                    .to_string();
                out.entry(r.try_get("signal_id")?)
                    .or_default()
                    .push((r.try_get("at")?, to));
            }
        }
        Ok(out)
    }

    /// Every signal, as the retention purge needs it.
    pub async fn retention_rows(&self) -> Result<Vec<RetentionRow>> {
        let rows = sqlx::query(
            "SELECT id, category, state, received_at, closed_at, merged_into FROM signals ORDER BY received_at, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RetentionRow {
                    id: r.try_get("id")?,
                    category: r.try_get("category")?,
                    state: r.try_get("state")?,
                    received_at: r.try_get("received_at")?,
                    closed_at: r.try_get("closed_at")?,
                    merged_into: r.try_get("merged_into")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::{SignalRow, upsert_signals};

    /// SQLite in a temporary directory or, with `BZ_TEST_DB=postgres`, a
    /// fresh database on the server `BZ_TEST_PG_URL` names.
    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = if std::env::var("BZ_TEST_DB").as_deref() == Ok("postgres") {
            let admin = std::env::var("BZ_TEST_PG_URL").expect("BZ_TEST_PG_URL");
            sqlx::any::install_default_drivers();
            let name = format!("bz_store_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                .await
                .expect("connect admin");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create database");
            let (base, _) = admin.rsplit_once('/').expect("database part");
            format!("{base}/{name}")
        } else {
            crate::default_sqlite_url(dir.path())
        };
        (Store::open(&url).await.expect("open"), dir)
    }

    async fn signal(store: &Store, category: &str) -> String {
        let id = new_id();
        let mut tx = store.begin_write().await.expect("tx");
        upsert_signals(
            &mut tx,
            &[SignalRow {
                id: id.clone(),
                channel: "intake".into(),
                source: "wijkagent".into(),
                source_org_id: None,
                category: category.into(),
                state: "nieuw".into(),
                observed_on: "2026-03-02".into(),
                x: 230_000.0,
                y: 480_000.0,
                bag_id: None,
                gemeente_code: None,
                description: "Vaten in de sloot".into(),
            }],
            1_772_400_000,
        )
        .await
        .expect("insert");
        tx.commit().await.expect("commit");
        id
    }

    fn user() -> Actor {
        Actor::User {
            id: "u1".into(),
            name: "Intake Een".into(),
        }
    }

    #[tokio::test]
    async fn the_default_workflow_is_seeded_and_valid() {
        let (store, _dir) = store().await;
        let wf = store.workflow().await.expect("workflow");
        assert_eq!(wf, Workflow::default());
        assert!(wf.validate().is_ok());
        let retention = store.retention_policy().await.expect("retention");
        assert!(retention.validate(&wf).is_ok(), "{retention:?}");
        let key = |r: &RetentionRule| (r.category.as_str(), r.state.clone(), r.keep);
        let mut got: Vec<_> = retention.rules.iter().map(key).collect();
        let suggested = RetentionPolicy::suggested(&wf);
        let mut want: Vec<_> = suggested.rules.iter().map(key).collect();
        got.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        want.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        assert_eq!(got, want);
        let deadlines = store.deadline_policy().await.expect("deadlines");
        assert_eq!(deadlines, DeadlinePolicy::default());
    }

    #[tokio::test]
    async fn history_is_appended_in_order_and_attachments_round_trip() {
        let (store, _dir) = store().await;
        let id = signal(&store, "drugsafval").await;
        let t = 1_772_400_100;
        store
            .append_history(&NewHistory {
                signal_id: id.clone(),
                at: t,
                actor: user(),
                kind: kinds::CREATED,
                text: None,
                data: serde_json::json!({"category": "drugsafval"}),
            })
            .await
            .expect("created");
        store
            .append_history(&NewHistory {
                signal_id: id.clone(),
                at: t + 5,
                actor: Actor::Reporter,
                kind: kinds::REPORTER_ADDITION,
                text: Some("Er staan nu ook jerrycans".into()),
                data: serde_json::json!({}),
            })
            .await
            .expect("addition");
        let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let meta = store
            .add_attachment(&NewAttachment {
                signal_id: id.clone(),
                at: t + 9,
                actor: Actor::Reporter,
                file_name: None,
                content_type: "image/jpeg".into(),
                bytes: &bytes,
            })
            .await
            .expect("attachment");
        assert_eq!(meta.size_bytes, 5000);

        let h = store.history(&id).await.expect("history");
        let kinds: Vec<&str> = h.iter().map(|l| l.kind.as_str()).collect();
        assert_eq!(kinds, ["created", "reporter_addition", "attachment"]);
        assert_eq!(h[1].actor_kind, "reporter");
        assert_eq!(h[1].actor_user_id, None);
        assert_eq!(h[0].actor_name.as_deref(), Some("Intake Een"));
        assert_eq!(h[2].data_str("attachment_id"), Some(meta.id.as_str()));

        let list = store.attachments(&id).await.expect("attachments");
        assert_eq!(list, vec![meta.clone()]);
        let (m, got) = store
            .attachment(&id, &meta.id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(m, meta);
        assert_eq!(got, bytes);
        // An attachment is only found under its own signal.
        let other = signal(&store, "overig").await;
        assert!(
            store
                .attachment(&other, &meta.id)
                .await
                .expect("read")
                .is_none()
        );
    }

    #[tokio::test]
    async fn merge_keeps_both_histories_and_is_refused_twice() {
        let (store, _dir) = store().await;
        let a = signal(&store, "hennepteelt").await;
        let b = signal(&store, "hennepteelt").await;
        for (id, at) in [(&a, 10), (&b, 20), (&a, 30)] {
            store
                .append_history(&NewHistory {
                    signal_id: id.clone(),
                    at,
                    actor: user(),
                    kind: kinds::NOTE,
                    text: Some(format!("note {at}")),
                    data: serde_json::json!({}),
                })
                .await
                .expect("note");
        }
        let mut tx = store.begin_write().await.expect("tx");
        merge(&mut tx, &a, &b, ("u1", "Intake Een"), 40)
            .await
            .expect("merge");
        tx.commit().await.expect("commit");

        let tl = store.timeline(&a).await.expect("timeline");
        let lines: Vec<(&str, &str)> = tl
            .iter()
            .map(|l| (l.signal_id.as_str(), l.kind.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (a.as_str(), "note"),
                (b.as_str(), "note"),
                (a.as_str(), "note"),
                (a.as_str(), "merged"),
                (b.as_str(), "merged"),
            ]
        );
        // The absorbed signal's own history is unchanged apart from its merge line.
        let hb = store.history(&b).await.expect("history b");
        assert_eq!(hb.len(), 2);
        assert_eq!(
            store.absorbed_signals(&a).await.expect("absorbed"),
            vec![b.clone()]
        );

        let mut tx = store.begin_write().await.expect("tx");
        let again = merge(&mut tx, &a, &b, ("u1", "Intake Een"), 50).await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{again:?}"
        );
        drop(tx);
        let mut tx = store.begin_write().await.expect("tx");
        let same = merge(&mut tx, &a, &a, ("u1", "Intake Een"), 50).await;
        assert!(matches!(same, Err(StoreError::Conflict { .. })), "{same:?}");
    }

    #[tokio::test]
    async fn forwards_ticks_and_purge() {
        let (store, _dir) = store().await;
        let id = signal(&store, "drugsafval").await;
        let keep = signal(&store, "drugsafval").await;
        let mut tx = store.begin_write().await.expect("tx");
        add_forward(
            &mut tx,
            &id,
            "omgevingsdienst",
            "Gedumpte vaten bij een schuur aan de rand van het dorp.",
            ("u1", "Intake Een"),
            100,
        )
        .await
        .expect("forward");
        let tick = TickRow {
            signal_id: id.clone(),
            protocol: "drugsafval".into(),
            step: "veiligheid".into(),
            outcome: "done".into(),
            note: None,
            by_user_id: "u1".into(),
            by_name: "Intake Een".into(),
            at: 110,
        };
        add_tick(&mut tx, &tick).await.expect("tick");
        tx.commit().await.expect("commit");
        let mut tx = store.begin_write().await.expect("tx");
        let again = add_tick(&mut tx, &tick).await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{again:?}"
        );
        drop(tx);
        let f = store.forwards(&id).await.expect("forwards");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].target, "omgevingsdienst");
        let t = store.protocol_ticks(&id).await.expect("ticks");
        assert_eq!(t, vec![tick.clone()]);
        let kinds: Vec<String> = store
            .history(&id)
            .await
            .expect("history")
            .into_iter()
            .map(|l| l.kind)
            .collect();
        assert_eq!(kinds, ["forwarded", "protocol_step"]);

        let before = store.purge_counts().await.expect("counts");
        let month = "2026-03";
        let had = before
            .iter()
            .find(|c| c.month == month && c.category == "drugsafval" && c.state == "nieuw")
            .map_or(0, |c| c.purged);
        let mut tx = store.begin_write().await.expect("tx");
        let n = purge_signals(
            &mut tx,
            std::slice::from_ref(&id),
            &[PurgeCount {
                month: month.into(),
                category: "drugsafval".into(),
                state: "nieuw".into(),
                purged: 1,
            }],
        )
        .await
        .expect("purge");
        tx.commit().await.expect("commit");
        assert_eq!(n, 1);
        assert!(store.history(&id).await.expect("history").is_empty());
        assert!(store.forwards(&id).await.expect("forwards").is_empty());
        assert!(store.protocol_ticks(&id).await.expect("ticks").is_empty());
        assert_eq!(store.history(&keep).await.expect("history").len(), 0);
        let after = store.purge_counts().await.expect("counts");
        let now = after
            .iter()
            .find(|c| c.month == month && c.category == "drugsafval" && c.state == "nieuw")
            .map_or(0, |c| c.purged);
        assert_eq!(now, had + 1);
    }

    #[tokio::test]
    async fn replacing_a_municipalitys_data_removes_its_signals_with_their_history() {
        let (store, _dir) = store().await;
        let mut tx = store.begin_write().await.expect("tx");
        let row = NewSignal {
            id: new_id(),
            channel: "intake".into(),
            source: "boa".into(),
            source_org_id: None,
            category: "overig".into(),
            state: "nieuw".into(),
            observed_on: "2026-03-02".into(),
            received_at: 100,
            x: Some(230_000.0),
            y: Some(480_000.0),
            bag_id: None,
            gemeente_code: Some("GM9999".into()),
            description: "Lege schuur wordt verhuurd".into(),
            created_by: None,
        };
        insert_signal(&mut tx, &row, &user()).await.expect("insert");
        add_attachment(
            &mut tx,
            &NewAttachment {
                signal_id: row.id.clone(),
                at: 101,
                actor: user(),
                file_name: Some("verslag.pdf".into()),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.4",
            },
        )
        .await
        .expect("attachment");
        tx.commit().await.expect("commit");
        let mut tx = store.begin_write().await.expect("tx");
        crate::area::clear_gemeente_data(&mut tx, "GM9999")
            .await
            .expect("clear");
        tx.commit().await.expect("commit");
        assert!(store.signal(&row.id).await.expect("read").is_none());
        assert!(store.history(&row.id).await.expect("history").is_empty());
        assert!(store.attachments(&row.id).await.expect("files").is_empty());
    }

    #[tokio::test]
    async fn an_edited_workflow_is_saved_with_complete_retention() {
        let (store, _dir) = store().await;
        let mut wf = Workflow::default();
        wf.states.push(StateDef {
            code: StateCode::parse("ter_plaatse").expect("code"),
            name_nl: "Ter plaatse".into(),
            name_en: "On site".into(),
            kind: StateKind::Open,
            initial: false,
        });
        wf.transitions.push(TransitionDef {
            from: StateCode::parse("in_behandeling").expect("code"),
            to: StateCode::parse("ter_plaatse").expect("code"),
            requires_text: false,
        });
        wf.transitions.push(TransitionDef {
            from: StateCode::parse("ter_plaatse").expect("code"),
            to: StateCode::parse("afgehandeld").expect("code"),
            requires_text: true,
        });
        assert!(wf.validate().is_ok());
        let mut tx = store.begin_write().await.expect("tx");
        save_workflow(&mut tx, &wf).await.expect("save");
        tx.commit().await.expect("commit");
        let stored = store.workflow().await.expect("workflow");
        assert_eq!(stored, wf);
        let retention = store.retention_policy().await.expect("retention");
        assert!(retention.validate(&stored).is_ok(), "{retention:?}");
        assert!(
            retention
                .rule(Category::Drugsafval, "ter_plaatse")
                .is_some()
        );
    }
}
