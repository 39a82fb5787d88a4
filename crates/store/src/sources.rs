//! The source data behind a location's indicators, with their dates: the BAG
//! object, the businesses registered at it, and the partner incidents near it.

use crate::{Result, Store};
use sqlx::Row;

/// The BAG object's own record and when it was last imported.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressSource {
    pub source: String,
    pub updated_at: i64,
    pub bouwjaar: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BusinessSource {
    pub kvk: String,
    pub name: String,
    pub sbi: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSource {
    pub id: String,
    pub date: String,
    pub kind: String,
    pub source_org: String,
    pub legal_basis: String,
    pub distance_m: f64,
    pub imported_at: i64,
}

impl Store {
    pub async fn address_source(&self, id: &str) -> Result<AddressSource> {
        let r = sqlx::query("SELECT source, updated_at, bouwjaar FROM addresses WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(crate::StoreError::NotFound { what: "address" })?;
        Ok(AddressSource {
            source: r.try_get("source")?,
            updated_at: r.try_get("updated_at")?,
            bouwjaar: r.try_get("bouwjaar")?,
        })
    }

    pub async fn businesses_at(&self, address_id: &str) -> Result<Vec<BusinessSource>> {
        let rows = sqlx::query(
            "SELECT kvk, name, sbi, start_date, end_date, source FROM businesses WHERE address_id = $1 ORDER BY start_date, kvk",
        )
        .bind(address_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BusinessSource {
                    kvk: r.try_get("kvk")?,
                    name: r.try_get("name")?,
                    sbi: r.try_get("sbi")?,
                    start_date: r.try_get("start_date")?,
                    end_date: r.try_get("end_date")?,
                    source: r.try_get("source")?,
                })
            })
            .collect()
    }

    /// Incidents within `radius` metres of (x, y) (the spec's `dx² + dy² <= r²`)
    /// dated in `[from, before)`, nearest first.
    pub async fn incidents_near(
        &self,
        x: f64,
        y: f64,
        radius: f64,
        from: &str,
        before: &str,
    ) -> Result<Vec<IncidentSource>> {
        let rows = sqlx::query(
            "SELECT i.id, i.x, i.y, i.incident_date, i.kind, i.legal_basis, i.imported_at, o.name AS org \
             FROM incidents i JOIN organisations o ON o.id = i.source_org_id \
             WHERE i.x >= $1 AND i.x <= $2 AND i.y >= $3 AND i.y <= $4 AND i.incident_date >= $5 AND i.incident_date < $6",
        )
        .bind(x - radius)
        .bind(x + radius)
        .bind(y - radius)
        .bind(y + radius)
        .bind(from.to_string())
        .bind(before.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let (ix, iy): (f64, f64) = (r.try_get("x")?, r.try_get("y")?);
            let (dx, dy) = (x - ix, y - iy);
            if dx * dx + dy * dy <= radius * radius {
                out.push(IncidentSource {
                    id: r.try_get("id")?,
                    date: r.try_get("incident_date")?,
                    kind: r.try_get("kind")?,
                    source_org: r.try_get("org")?,
                    legal_basis: r.try_get("legal_basis")?,
                    distance_m: (dx * dx + dy * dy).sqrt(),
                    imported_at: r.try_get("imported_at")?,
                });
            }
        }
        out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
        Ok(out)
    }
}
