//! The audit trail: append-only and hash-chained (rules in `bz_domain::audit`).

use crate::{Backend, Result, Store, StoreError, WriteTx};
use bz_domain::audit::{self, AuditRecord, ChainBreak, ChainedEntry, Outcome, Verifier};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What a caller records; sequence, time and hashes are added here.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub org_id: Option<String>,
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: String,
    pub outcome: Outcome,
    /// Free text for people; never a password, secret or session id.
    pub detail: String,
}

/// Append an entry inside the caller's transaction, so that the change and
/// its audit entry are committed together or not at all.
pub async fn append(tx: &mut WriteTx, e: NewEntry, ts_ms: i64) -> Result<ChainedEntry> {
    if tx.backend() == Backend::Postgres {
        // Serialise appends across app instances; readers are not blocked.
        sqlx::query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
            .execute(tx.conn())
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(tx.conn())
        .await?;
    let (seq, prev) = match last {
        Some(row) => (
            row.try_get::<i64, _>("seq")? + 1,
            row.try_get::<String, _>("hash")?,
        ),
        None => (1, audit::GENESIS.to_string()),
    };
    let record = AuditRecord {
        seq,
        ts_ms,
        actor_id: e.actor_id,
        actor_name: e.actor_name,
        org_id: e.org_id,
        action: e.action.to_string(),
        object_type: e.object_type.to_string(),
        object_id: e.object_id,
        result: e.outcome.as_str().to_string(),
        detail: e.detail,
    };
    let entry = audit::chain(&prev, record);
    let r = &entry.record;
    sqlx::query(
        "INSERT INTO audit_log (seq, ts_ms, actor_id, actor_name, org_id, action, object_type, object_id, result, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(r.seq)
    .bind(r.ts_ms)
    .bind(r.actor_id.clone())
    .bind(r.actor_name.clone())
    .bind(r.org_id.clone())
    .bind(r.action.clone())
    .bind(r.object_type.clone())
    .bind(r.object_id.clone())
    .bind(r.result.clone())
    .bind(r.detail.clone())
    .bind(entry.prev_hash.clone())
    .bind(entry.hash.clone())
    .execute(tx.conn())
    .await?;
    Ok(entry)
}

fn entry_from_row(row: &AnyRow) -> Result<ChainedEntry> {
    Ok(ChainedEntry {
        record: AuditRecord {
            seq: row.try_get("seq")?,
            ts_ms: row.try_get("ts_ms")?,
            actor_id: row.try_get("actor_id")?,
            actor_name: row.try_get("actor_name")?,
            org_id: row.try_get("org_id")?,
            action: row.try_get("action")?,
            object_type: row.try_get("object_type")?,
            object_id: row.try_get("object_id")?,
            result: row.try_get("result")?,
            detail: row.try_get("detail")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Result of verifying the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { entries: u64 },
    Broken(ChainBreak),
}

impl Store {
    /// Append one entry in a transaction of its own (for events without another write).
    pub async fn audit(&self, e: NewEntry, ts_ms: i64) -> Result<ChainedEntry> {
        let mut tx = self.begin_write().await?;
        let entry = append(&mut tx, e, ts_ms).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// The newest entries first, optionally only those of one action prefix.
    pub async fn audit_page(
        &self,
        limit: i64,
        before_seq: Option<i64>,
        action_prefix: Option<&str>,
    ) -> Result<Vec<ChainedEntry>> {
        let before = before_seq.unwrap_or(i64::MAX);
        let prefix = format!("{}%", action_prefix.unwrap_or(""));
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE seq < $1 AND action LIKE $2 ORDER BY seq DESC LIMIT $3",
        )
        .bind(before)
        .bind(prefix)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Walk the whole chain in order and report OK or the first broken entry.
    pub async fn audit_verify(&self) -> Result<Verification> {
        let mut v = Verifier::default();
        let mut after = 0i64;
        loop {
            let rows =
                sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000")
                    .bind(after)
                    .fetch_all(self.pool())
                    .await?;
            if rows.is_empty() {
                return Ok(Verification::Intact {
                    entries: v.checked(),
                });
            }
            for row in &rows {
                let e = entry_from_row(row)?;
                after = e.record.seq;
                if let Err(b) = v.push(&e) {
                    return Ok(Verification::Broken(b));
                }
            }
        }
    }

    pub async fn audit_count(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(self.pool())
            .await?;
        row.try_get::<i64, _>("n").map_err(StoreError::from)
    }
}
