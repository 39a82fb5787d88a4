//! What the map needs from the database: positions, scan classes, events,
//! boundaries, and a stamp that changes whenever any of them does.

use crate::{Result, Store};
use sqlx::Row;

/// A scanned address of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct MapResult {
    pub address_id: String,
    pub klasse: String,
    pub score: f64,
    pub buitengebied: bool,
}

/// A dated point event (partner incident).
#[derive(Debug, Clone, PartialEq)]
pub struct MapEvent {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub date: String,
    pub kind: String,
}

/// The map's data for a set of municipalities and scan runs.
#[derive(Debug, Clone, Default)]
pub struct MapSource {
    /// (code, name, GeoJSON geometry in RD New)
    pub gemeenten: Vec<(String, String, String)>,
    /// (id, x, y)
    pub addresses: Vec<(String, f64, f64)>,
    pub results: Vec<MapResult>,
    pub incidents: Vec<MapEvent>,
    pub signals: Vec<MapEvent>,
}

impl Store {
    /// Load the map's data of the municipalities `codes` and the runs `run_ids`.
    pub async fn map_source(&self, codes: &[String], run_ids: &[String]) -> Result<MapSource> {
        let mut s = MapSource::default();
        for code in codes {
            let rows = sqlx::query("SELECT code, name, geometry FROM gemeenten WHERE code = $1")
                .bind(code.clone())
                .fetch_all(self.pool())
                .await?;
            for r in &rows {
                s.gemeenten.push((
                    r.try_get("code")?,
                    r.try_get("name")?,
                    r.try_get("geometry")?,
                ));
            }
            let rows = sqlx::query("SELECT id, x, y FROM addresses WHERE gemeente_code = $1")
                .bind(code.clone())
                .fetch_all(self.pool())
                .await?;
            for r in &rows {
                s.addresses
                    .push((r.try_get("id")?, r.try_get("x")?, r.try_get("y")?));
            }
            let rows = sqlx::query(
                "SELECT id, x, y, incident_date, kind FROM incidents WHERE gemeente_code = $1",
            )
            .bind(code.clone())
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                s.incidents.push(MapEvent {
                    id: r.try_get("id")?,
                    x: r.try_get("x")?,
                    y: r.try_get("y")?,
                    date: r.try_get("incident_date")?,
                    kind: r.try_get("kind")?,
                });
            }
            for p in self.placed_signals_in(code).await? {
                s.signals.push(MapEvent {
                    id: p.id,
                    x: p.x,
                    y: p.y,
                    date: p.observed_on,
                    kind: p.category,
                });
            }
        }
        for run in run_ids {
            let rows = sqlx::query(
                "SELECT address_id, klasse, score, buitengebied FROM scan_results WHERE run_id = $1",
            )
            .bind(run.clone())
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                s.results.push(MapResult {
                    address_id: r.try_get("address_id")?,
                    klasse: r.try_get("klasse")?,
                    score: r.try_get("score")?,
                    buitengebied: r.try_get::<i64, _>("buitengebied")? != 0,
                });
            }
        }
        Ok(s)
    }

    /// A short text that changes whenever addresses, incidents, boundaries,
    /// scan runs or signals change (imports and runs only add or replace
    /// rows; a merge of duplicate signals adds a merge row).
    pub async fn map_stamp(&self) -> Result<String> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM addresses) AS a, (SELECT COALESCE(MAX(updated_at), 0) FROM addresses) AS au, \
             (SELECT COUNT(*) FROM incidents) AS i, (SELECT COALESCE(MAX(imported_at), 0) FROM incidents) AS iu, \
             (SELECT COUNT(*) FROM gemeenten) AS g, (SELECT COALESCE(MAX(imported_at), 0) FROM gemeenten) AS gu, \
             (SELECT COUNT(*) FROM scan_runs) AS r, (SELECT COUNT(*) FROM signals) AS s, \
             (SELECT COALESCE(MAX(received_at), 0) FROM signals) AS su, (SELECT COUNT(*) FROM signal_merges) AS sm",
        )
        .fetch_one(self.pool())
        .await?;
        let mut parts = Vec::new();
        for k in ["a", "au", "i", "iu", "g", "gu", "r", "s", "su", "sm"] {
            parts.push(row.try_get::<i64, _>(k)?.to_string());
        }
        Ok(parts.join("-"))
    }
}

impl Store {
    /// Incidents of a municipality on or after `since` (YYYY-MM-DD), per kind and calendar year.
    pub async fn incidents_by_kind_year(
        &self,
        code: &str,
        since: &str,
    ) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT kind, incident_date FROM incidents WHERE gemeente_code = $1 AND incident_date >= $2",
        )
        .bind(code.to_string())
        .bind(since.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut m = std::collections::BTreeMap::<(String, String), i64>::new();
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            let date: String = r.try_get("incident_date")?;
            *m.entry((kind, date.chars().take(4).collect())).or_default() += 1;
        }
        Ok(m.into_iter().map(|((k, y), n)| (k, y, n)).collect())
    }
}
