//! Organisations and the municipalities they work in.

use crate::{Result, Store, StoreError, WriteTx, flag, new_id};
use bz_domain::identity::{NewOrganisation, OrgType};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub org_type: OrgType,
    pub cbs_code: Option<String>,
    pub active: bool,
    pub created_at: i64,
}

fn from_row(row: &AnyRow) -> Result<Organisation> {
    let t: String = row.try_get("org_type")?;
    Ok(Organisation {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        org_type: t
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("unknown organisation type {t:?}")))?,
        cbs_code: row.try_get("cbs_code")?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn create(tx: &mut WriteTx, o: &NewOrganisation, now: i64) -> Result<Organisation> {
    let org = Organisation {
        id: new_id(),
        name: o.name.clone(),
        org_type: o.org_type,
        cbs_code: o.cbs_code.as_ref().map(|c| c.as_str().to_string()),
        active: true,
        created_at: now,
    };
    sqlx::query("INSERT INTO organisations (id, name, org_type, cbs_code, active, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(org.id.clone())
        .bind(org.name.clone())
        .bind(org.org_type.as_str())
        .bind(org.cbs_code.clone())
        .bind(flag(true))
        .bind(now)
        .execute(tx.conn())
        .await
        .map_err(|e| StoreError::conflict_or(e, "an organisation with this name"))?;
    Ok(org)
}

pub async fn find_by_name(tx: &mut WriteTx, name: &str) -> Result<Option<Organisation>> {
    let row = sqlx::query("SELECT * FROM organisations WHERE name = $1")
        .bind(name.to_string())
        .fetch_optional(tx.conn())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Replace the set of municipalities an organisation works in.
pub async fn set_areas(tx: &mut WriteTx, org_id: &str, codes: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM organisation_areas WHERE org_id = $1")
        .bind(org_id.to_string())
        .execute(tx.conn())
        .await?;
    for c in codes {
        sqlx::query("INSERT INTO organisation_areas (org_id, gemeente_code) VALUES ($1, $2)")
            .bind(org_id.to_string())
            .bind(c.clone())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

impl Store {
    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        let rows = sqlx::query("SELECT * FROM organisations ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn organisation(&self, id: &str) -> Result<Organisation> {
        let row = sqlx::query("SELECT * FROM organisations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => from_row(&r),
            None => Err(StoreError::NotFound {
                what: "organisation",
            }),
        }
    }

    /// Number of users per organisation id.
    pub async fn user_counts(&self) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT org_id, COUNT(*) AS n FROM users GROUP BY org_id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("org_id")?, r.try_get("n")?)))
            .collect()
    }
}
