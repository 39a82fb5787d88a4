//! Versions of the gebiedsscan's indicator sets (table `indicator_sets`).
//!
//! The default set (spec v1, `gebiedsscan-v1` version 1) is not stored: it
//! lives in code (`bz_domain::indicators::IndicatorSet::v1`) and is always
//! approved. Stored versions are written as drafts and approved once, each
//! change in one transaction with its audit entry; an approved version is
//! never updated again (only retired when a newer version of its key is
//! approved).

use crate::audit::NewEntry;
use crate::{Result, Store, StoreError};
use bz_domain::indicators::{DEFAULT_KEY, DEFAULT_VERSION, IndicatorSet, Status};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored version.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSetRow {
    pub key: String,
    pub version: i64,
    pub name: String,
    /// The definition as JSON (`IndicatorSet::to_json`).
    pub definition: String,
    pub status: Status,
    pub created_by: String,
    pub created_by_name: String,
    pub created_at: i64,
    pub approved_by: Option<String>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<i64>,
}

impl IndicatorSetRow {
    /// The parsed and validated definition.
    pub fn set(&self) -> Result<IndicatorSet> {
        let v: serde_json::Value = serde_json::from_str(&self.definition)
            .map_err(|e| StoreError::Corrupt(format!("indicator set definition: {e}")))?;
        let mut set = IndicatorSet::from_json(&v).map_err(|p| {
            StoreError::Corrupt(format!(
                "indicator set {}@{}: {p:?}",
                self.key, self.version
            ))
        })?;
        set.key = self.key.clone();
        set.version = self.version;
        Ok(set)
    }
}

fn from_row(r: &AnyRow) -> Result<IndicatorSetRow> {
    let status: String = r.try_get("status")?;
    Ok(IndicatorSetRow {
        key: r.try_get("key")?,
        version: r.try_get("version")?,
        name: r.try_get("name")?,
        definition: r.try_get("definition")?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("indicator set status {status:?}")))?,
        created_by: r.try_get("created_by")?,
        created_by_name: r.try_get("created_by_name")?,
        created_at: r.try_get("created_at")?,
        approved_by: r.try_get("approved_by")?,
        approved_by_name: r.try_get("approved_by_name")?,
        approved_at: r.try_get("approved_at")?,
    })
}

/// Who creates or approves a version.
pub struct Author<'a> {
    pub user_id: &'a str,
    pub username: &'a str,
    pub org_id: &'a str,
}

impl Store {
    /// Store a new draft version with its audit entry. The version must be new
    /// for its key (a clash is [`StoreError::Conflict`]); version 1 of the
    /// default key is the built-in set and cannot be stored.
    pub async fn insert_indicator_set_draft(
        &self,
        set: &IndicatorSet,
        who: Author<'_>,
        now_ms: i64,
    ) -> Result<IndicatorSetRow> {
        if set.is_default() {
            return Err(StoreError::Conflict {
                what: "indicator set version",
            });
        }
        let row = IndicatorSetRow {
            key: set.key.clone(),
            version: set.version,
            name: set.name.trim().to_string(),
            definition: set.to_json().to_string(),
            status: Status::Draft,
            created_by: who.user_id.into(),
            created_by_name: who.username.into(),
            created_at: now_ms / 1000,
            approved_by: None,
            approved_by_name: None,
            approved_at: None,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO indicator_sets (key, version, name, definition, status, created_by, created_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.key.clone())
        .bind(row.version)
        .bind(row.name.clone())
        .bind(row.definition.clone())
        .bind(row.status.as_str())
        .bind(row.created_by.clone())
        .bind(row.created_by_name.clone())
        .bind(row.created_at)
        .execute(tx.conn())
        .await
        .map_err(|e| StoreError::conflict_or(e, "indicator set version"))?;
        crate::audit::append(
            &mut tx,
            NewEntry {
                actor_id: Some(who.user_id.into()),
                actor_name: who.username.into(),
                org_id: Some(who.org_id.into()),
                action: "indicatorset.create",
                object_type: "indicator_set",
                object_id: set.reference(),
                outcome: bz_domain::audit::Outcome::Success,
                detail: format!("concept {}: gewichten {}", set.name, set.weights_json()),
            },
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Approve a draft, with its audit entry naming the approver, in one
    /// transaction; earlier approved versions of the same key are retired.
    /// The caller checks the four-eyes rule (`bz_domain::indicators::may_approve`);
    /// the update repeats it, so a draft is never approved by its author or twice.
    pub async fn approve_indicator_set(
        &self,
        key: &str,
        version: i64,
        who: Author<'_>,
        now_ms: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE indicator_sets SET status = 'approved', approved_by = $1, approved_by_name = $2, approved_at = $3 \
             WHERE key = $4 AND version = $5 AND status = 'draft' AND created_by <> $1",
        )
        .bind(who.user_id.to_string())
        .bind(who.username.to_string())
        .bind(now_ms / 1000)
        .bind(key.to_string())
        .bind(version)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if done != 1 {
            return Err(StoreError::Conflict {
                what: "approval of this indicator set version",
            });
        }
        let retired = sqlx::query(
            "UPDATE indicator_sets SET status = 'retired' WHERE key = $1 AND version < $2 AND status = 'approved'",
        )
        .bind(key.to_string())
        .bind(version)
        .execute(tx.conn())
        .await?
        .rows_affected();
        crate::audit::append(
            &mut tx,
            NewEntry {
                actor_id: Some(who.user_id.into()),
                actor_name: who.username.into(),
                org_id: Some(who.org_id.into()),
                action: "indicatorset.approve",
                object_type: "indicator_set",
                object_id: format!("{key}@{version}"),
                outcome: bz_domain::audit::Outcome::Success,
                detail: format!(
                    "goedgekeurd door {}; {retired} eerdere versie(s) buiten gebruik",
                    who.username
                ),
            },
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// All stored versions, by key and newest version first.
    pub async fn indicator_sets(&self) -> Result<Vec<IndicatorSetRow>> {
        let rows = sqlx::query("SELECT * FROM indicator_sets ORDER BY key, version DESC")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One stored version.
    pub async fn indicator_set_row(&self, key: &str, version: i64) -> Result<IndicatorSetRow> {
        let row = sqlx::query("SELECT * FROM indicator_sets WHERE key = $1 AND version = $2")
            .bind(key.to_string())
            .bind(version)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(from_row)
            .transpose()?
            .ok_or(StoreError::NotFound {
                what: "indicator set",
            })
    }

    /// A version's definition: the built-in default, or a stored version (any status).
    pub async fn indicator_set(&self, key: &str, version: i64) -> Result<IndicatorSet> {
        if key == DEFAULT_KEY && version == DEFAULT_VERSION {
            return Ok(IndicatorSet::v1());
        }
        self.indicator_set_row(key, version).await?.set()
    }

    /// An approved (not retired) version, or the built-in default; `NotFound` otherwise.
    pub async fn approved_indicator_set(&self, key: &str, version: i64) -> Result<IndicatorSet> {
        if key == DEFAULT_KEY && version == DEFAULT_VERSION {
            return Ok(IndicatorSet::v1());
        }
        let row = self.indicator_set_row(key, version).await?;
        if row.status != Status::Approved {
            return Err(StoreError::NotFound {
                what: "approved indicator set",
            });
        }
        row.set()
    }

    /// The sets a scan can use: the default first, then the approved versions, newest approval first.
    pub async fn approved_indicator_sets(&self) -> Result<Vec<IndicatorSet>> {
        let rows = sqlx::query(
            "SELECT * FROM indicator_sets WHERE status = 'approved' ORDER BY approved_at DESC, key, version DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = vec![IndicatorSet::v1()];
        for r in &rows {
            out.push(from_row(r)?.set()?);
        }
        Ok(out)
    }

    /// The most recently approved set (the default when none was approved yet).
    pub async fn latest_approved_indicator_set(&self) -> Result<IndicatorSet> {
        let row = sqlx::query(
            "SELECT * FROM indicator_sets WHERE status = 'approved' ORDER BY approved_at DESC, version DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(r) => from_row(&r)?.set(),
            None => Ok(IndicatorSet::v1()),
        }
    }

    /// The next free version number of a key (the default key starts after its built-in version 1).
    pub async fn next_indicator_set_version(&self, key: &str) -> Result<i64> {
        let row = sqlx::query("SELECT MAX(version) AS v FROM indicator_sets WHERE key = $1")
            .bind(key.to_string())
            .fetch_one(self.pool())
            .await?;
        let max: Option<i64> = row.try_get("v")?;
        let floor = if key == DEFAULT_KEY {
            DEFAULT_VERSION
        } else {
            0
        };
        Ok(max.unwrap_or(0).max(floor) + 1)
    }
}
