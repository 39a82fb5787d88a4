//! Signals (meldingen) as stored. The workflow, the public form and intake
//! come with the signals capability; this module holds the table's rows and
//! what the gebiedsscan and the map read from it.

use crate::{Result, Store, WriteTx};
use sqlx::Row;

/// How a signal came in.
pub const CHANNEL_IMPORT: &str = "import";

/// A signal row (the fields an import or the scan needs).
#[derive(Debug, Clone, PartialEq)]
pub struct SignalRow {
    pub id: String,
    pub channel: String,
    pub source: String,
    pub source_org_id: Option<String>,
    pub category: String,
    pub state: String,
    /// `YYYY-MM-DD`: the date the signal was received (the spec's `datum`).
    pub observed_on: String,
    pub x: f64,
    pub y: f64,
    pub bag_id: Option<String>,
    pub gemeente_code: Option<String>,
    pub description: String,
}

/// Insert or update signals by id (imports are idempotent).
pub async fn upsert_signals(tx: &mut WriteTx, rows: &[SignalRow], now: i64) -> Result<()> {
    for s in rows {
        sqlx::query(
            "INSERT INTO signals (id, channel, source, source_org_id, category, state, observed_on, received_at, x, y, bag_id, gemeente_code, description) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (id) DO UPDATE SET category = excluded.category, observed_on = excluded.observed_on, x = excluded.x, y = excluded.y, \
             bag_id = excluded.bag_id, gemeente_code = excluded.gemeente_code, description = excluded.description, source = excluded.source, source_org_id = excluded.source_org_id",
        )
        .bind(s.id.clone())
        .bind(s.channel.clone())
        .bind(s.source.clone())
        .bind(s.source_org_id.clone())
        .bind(s.category.clone())
        .bind(s.state.clone())
        .bind(s.observed_on.clone())
        .bind(now)
        .bind(s.x)
        .bind(s.y)
        .bind(s.bag_id.clone())
        .bind(s.gemeente_code.clone())
        .bind(s.description.clone())
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// A dated, placed signal as the scan and the map count it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedSignal {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub observed_on: String,
    pub category: String,
    pub gemeente_code: Option<String>,
}

fn placed(r: &sqlx::any::AnyRow) -> Result<PlacedSignal> {
    Ok(PlacedSignal {
        id: r.try_get("id")?,
        x: r.try_get("x")?,
        y: r.try_get("y")?,
        observed_on: r.try_get("observed_on")?,
        category: r.try_get("category")?,
        gemeente_code: r.try_get("gemeente_code")?,
    })
}

// A signal merged into another (a duplicate) is counted once: through the
// signal it was merged into.
impl Store {
    /// Every signal with a position (the scan counts signals across borders).
    pub async fn placed_signals(&self) -> Result<Vec<PlacedSignal>> {
        let rows = sqlx::query(
            "SELECT id, x, y, observed_on, category, gemeente_code FROM signals WHERE x IS NOT NULL AND y IS NOT NULL AND merged_into IS NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(placed).collect()
    }

    /// The placed signals of one municipality.
    pub async fn placed_signals_in(&self, code: &str) -> Result<Vec<PlacedSignal>> {
        let rows = sqlx::query(
            "SELECT id, x, y, observed_on, category, gemeente_code FROM signals WHERE gemeente_code = $1 AND x IS NOT NULL AND y IS NOT NULL AND merged_into IS NULL ORDER BY id",
        )
        .bind(code.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(placed).collect()
    }

    /// Signals within `radius` m of (x, y) (`dx² + dy² <= r²`) received in
    /// `[from, before)`, nearest first, with their distance and source.
    pub async fn signals_near(
        &self,
        x: f64,
        y: f64,
        radius: f64,
        from: &str,
        before: &str,
    ) -> Result<Vec<(PlacedSignal, f64, String)>> {
        let rows = sqlx::query(
            "SELECT id, x, y, observed_on, category, gemeente_code, source FROM signals \
             WHERE x >= $1 AND x <= $2 AND y >= $3 AND y <= $4 AND observed_on >= $5 AND observed_on < $6 AND merged_into IS NULL",
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
            let p = placed(r)?;
            let (dx, dy) = (x - p.x, y - p.y);
            if dx * dx + dy * dy <= radius * radius {
                let source: String = r.try_get("source")?;
                out.push((p, (dx * dx + dy * dy).sqrt(), source));
            }
        }
        out.sort_by(|a, b| a.1.total_cmp(&b.1));
        Ok(out)
    }

    /// Signals of a municipality since `since` (YYYY-MM-DD), per category.
    pub async fn signals_by_category(&self, code: &str, since: &str) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT category, COUNT(*) AS n FROM signals WHERE gemeente_code = $1 AND observed_on >= $2 AND merged_into IS NULL GROUP BY category ORDER BY category",
        )
        .bind(code.to_string())
        .bind(since.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("category")?, r.try_get("n")?)))
            .collect()
    }
}
