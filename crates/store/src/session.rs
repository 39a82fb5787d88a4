//! Server-side sessions. The table holds a SHA-256 of each session token,
//! never the token itself, so a copy of the database cannot hijack a session.

use crate::{Result, Store};
use bz_domain::session::Stage;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id_hash: String,
    pub stage: Stage,
    pub user_id: Option<String>,
    pub csrf_token: String,
    pub pending_totp_secret: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("stage", &self.stage)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

fn from_row(row: &AnyRow) -> Result<Option<SessionRow>> {
    let stage: String = row.try_get("stage")?;
    let Some(stage) = Stage::parse(&stage) else {
        return Ok(None);
    };
    Ok(Some(SessionRow {
        id_hash: row.try_get("id_hash")?,
        stage,
        user_id: row.try_get("user_id")?,
        csrf_token: row.try_get("csrf_token")?,
        pending_totp_secret: row.try_get("pending_totp_secret")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
    }))
}

impl Store {
    pub async fn insert_session(&self, s: &SessionRow) -> Result<()> {
        sqlx::query("INSERT INTO sessions (id_hash, stage, user_id, csrf_token, pending_totp_secret, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(s.id_hash.clone())
            .bind(s.stage.as_str())
            .bind(s.user_id.clone())
            .bind(s.csrf_token.clone())
            .bind(s.pending_totp_secret.clone())
            .bind(s.created_at)
            .bind(s.last_seen_at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Replace a session by a new one in one transaction (new id at every login step).
    pub async fn rotate_session(&self, old_id_hash: &str, new: &SessionRow) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(old_id_hash.to_string())
            .execute(tx.conn())
            .await?;
        sqlx::query("INSERT INTO sessions (id_hash, stage, user_id, csrf_token, pending_totp_secret, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new.id_hash.clone())
            .bind(new.stage.as_str())
            .bind(new.user_id.clone())
            .bind(new.csrf_token.clone())
            .bind(new.pending_totp_secret.clone())
            .bind(new.created_at)
            .bind(new.last_seen_at)
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE id_hash = $1")
            .bind(id_hash.to_string())
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => from_row(&r),
            None => Ok(None),
        }
    }

    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn update_session_stage(
        &self,
        id_hash: &str,
        stage: Stage,
        pending_totp_secret: Option<&str>,
    ) -> Result<()> {
        sqlx::query("UPDATE sessions SET stage = $1, pending_totp_secret = $2 WHERE id_hash = $3")
            .bind(stage.as_str())
            .bind(pending_totp_secret.map(str::to_string))
            .bind(id_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Remove sessions that can no longer be valid (older than the absolute timeout).
    pub async fn purge_sessions(&self, now: i64) -> Result<u64> {
        let cutoff = now - bz_domain::session::ABSOLUTE_TIMEOUT_SECS;
        let r = sqlx::query("DELETE FROM sessions WHERE created_at < $1")
            .bind(cutoff)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected())
    }

    pub async fn session_count_for(&self, user_id: &str) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }
}
