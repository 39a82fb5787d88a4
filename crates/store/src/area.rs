//! Areas and the registries inside them: municipalities, addresses (BAG),
//! businesses (KvK) and partner incidents.

use crate::{Result, Store, WriteTx};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct GemeenteRow {
    pub code: String,
    pub name: String,
    /// GeoJSON MultiPolygon coordinates (RD New) as JSON text.
    pub geometry: String,
    pub area_m2: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AddressRow {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub gemeente_code: String,
    pub straat: String,
    pub huisnummer: i64,
    pub huisletter: Option<String>,
    pub postcode: Option<String>,
    pub woonplaats: String,
    pub gebruiksdoel: String,
    pub oppervlakte: i64,
    pub bouwjaar: Option<i64>,
    pub status: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BusinessRow {
    pub id: String,
    pub kvk: String,
    pub name: String,
    pub address_id: String,
    pub sbi: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub date: String,
    pub kind: String,
    pub gemeente_code: Option<String>,
    pub source_org_id: String,
    pub legal_basis: String,
    pub retention_until: String,
    pub description: String,
}

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 400;

fn values_clause(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

pub async fn upsert_gemeente(tx: &mut WriteTx, g: &GemeenteRow, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO gemeenten (code, name, geometry, area_m2, source, imported_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, geometry = excluded.geometry, area_m2 = excluded.area_m2, source = excluded.source, imported_at = excluded.imported_at",
    )
    .bind(g.code.clone())
    .bind(g.name.clone())
    .bind(g.geometry.clone())
    .bind(g.area_m2)
    .bind(g.source.clone())
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Delete the registry data (addresses, businesses at them, incidents) of one municipality.
pub async fn clear_gemeente_data(tx: &mut WriteTx, code: &str) -> Result<()> {
    sqlx::query("DELETE FROM businesses WHERE address_id IN (SELECT id FROM addresses WHERE gemeente_code = $1)").bind(code.to_string()).execute(tx.conn()).await?;
    sqlx::query("DELETE FROM addresses WHERE gemeente_code = $1")
        .bind(code.to_string())
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM incidents WHERE gemeente_code = $1")
        .bind(code.to_string())
        .execute(tx.conn())
        .await?;
    crate::field::delete_of_gemeente(tx, code).await?;
    crate::survey::delete_of_gemeente(tx, code).await?;
    crate::signal_workflow::delete_workflow_of_gemeente(tx, code).await?;
    sqlx::query("DELETE FROM signals WHERE gemeente_code = $1")
        .bind(code.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// An address row from a query result; `id_column` names the column that
/// holds the address id (`id` in `addresses`, `address_id` in the history).
pub(crate) fn address_row(r: &sqlx::any::AnyRow, id_column: &str) -> Result<AddressRow> {
    Ok(AddressRow {
        id: r.try_get(id_column)?,
        x: r.try_get("x")?,
        y: r.try_get("y")?,
        gemeente_code: r.try_get("gemeente_code")?,
        straat: r.try_get("straat")?,
        huisnummer: r.try_get("huisnummer")?,
        huisletter: r.try_get("huisletter")?,
        postcode: r.try_get("postcode")?,
        woonplaats: r.try_get("woonplaats")?,
        gebruiksdoel: r.try_get("gebruiksdoel")?,
        oppervlakte: r.try_get("oppervlakte")?,
        bouwjaar: r.try_get("bouwjaar")?,
        status: r.try_get("status")?,
        source: r.try_get("source")?,
    })
}

/// The fields whose change makes a new version of an address.
fn same_version(a: &AddressRow, b: &AddressRow) -> bool {
    a.x == b.x
        && a.y == b.y
        && a.gemeente_code == b.gemeente_code
        && a.straat == b.straat
        && a.huisnummer == b.huisnummer
        && a.huisletter == b.huisletter
        && a.postcode == b.postcode
        && a.woonplaats == b.woonplaats
        && a.gebruiksdoel == b.gebruiksdoel
        && a.oppervlakte == b.oppervlakte
        && a.bouwjaar == b.bouwjaar
        && a.status == b.status
}

/// An import without address text (the spec's `adressen.csv` has none) keeps
/// the stored street, number, postcode and place: empty means unknown.
fn with_known_fields(old: &AddressRow, new: &AddressRow) -> AddressRow {
    let mut n = new.clone();
    if n.straat.is_empty() {
        n.straat = old.straat.clone();
    }
    if n.huisnummer == 0 {
        n.huisnummer = old.huisnummer;
    }
    if n.huisletter.is_none() {
        n.huisletter = old.huisletter.clone();
    }
    if n.postcode.is_none() {
        n.postcode = old.postcode.clone();
    }
    if n.woonplaats.is_empty() {
        n.woonplaats = old.woonplaats.clone();
    }
    n
}

/// Keep the stored versions of `chunk`'s addresses that the import changes.
async fn keep_history(tx: &mut WriteTx, chunk: &[AddressRow], now: i64) -> Result<usize> {
    let sql = format!(
        "SELECT id, x, y, gemeente_code, straat, huisnummer, huisletter, postcode, woonplaats, gebruiksdoel, oppervlakte, bouwjaar, status, source, updated_at FROM addresses WHERE id IN ({})",
        (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in chunk {
        q = q.bind(a.id.clone());
    }
    let existing = q.fetch_all(tx.conn()).await?;
    let incoming: std::collections::HashMap<&str, &AddressRow> =
        chunk.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut kept = 0;
    for r in &existing {
        let old = address_row(r, "id")?;
        let Some(new) = incoming.get(old.id.as_str()) else {
            continue;
        };
        if same_version(&old, &with_known_fields(&old, new)) {
            continue;
        }
        let valid_from: i64 = r.try_get("updated_at")?;
        sqlx::query(
            "INSERT INTO address_history (address_id, x, y, gemeente_code, straat, huisnummer, huisletter, postcode, woonplaats, gebruiksdoel, oppervlakte, bouwjaar, status, source, valid_from, valid_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(old.id)
        .bind(old.x)
        .bind(old.y)
        .bind(old.gemeente_code)
        .bind(old.straat)
        .bind(old.huisnummer)
        .bind(old.huisletter)
        .bind(old.postcode)
        .bind(old.woonplaats)
        .bind(old.gebruiksdoel)
        .bind(old.oppervlakte)
        .bind(old.bouwjaar)
        .bind(old.status)
        .bind(old.source)
        .bind(valid_from)
        .bind(now)
        .execute(tx.conn())
        .await?;
        kept += 1;
    }
    Ok(kept)
}

/// Insert or update addresses by id. A changed address keeps its previous
/// version in `address_history`; an unchanged one only gets the new source.
pub async fn insert_addresses(tx: &mut WriteTx, rows: &[AddressRow], now: i64) -> Result<()> {
    const COLS: usize = 15;
    for chunk in rows.chunks(BATCH) {
        keep_history(tx, chunk, now).await?;
        let sql = format!(
            "INSERT INTO addresses (id, x, y, gemeente_code, straat, huisnummer, huisletter, postcode, woonplaats, gebruiksdoel, oppervlakte, bouwjaar, status, source, updated_at) VALUES {}",
            values_clause(chunk.len(), COLS)
        ) + " ON CONFLICT (id) DO UPDATE SET x = excluded.x, y = excluded.y, gemeente_code = excluded.gemeente_code, \
               straat = CASE WHEN excluded.straat = '' THEN addresses.straat ELSE excluded.straat END, \
               huisnummer = CASE WHEN excluded.huisnummer = 0 THEN addresses.huisnummer ELSE excluded.huisnummer END, \
               huisletter = COALESCE(excluded.huisletter, addresses.huisletter), postcode = COALESCE(excluded.postcode, addresses.postcode), \
               woonplaats = CASE WHEN excluded.woonplaats = '' THEN addresses.woonplaats ELSE excluded.woonplaats END, gebruiksdoel = excluded.gebruiksdoel, oppervlakte = excluded.oppervlakte, \
               bouwjaar = excluded.bouwjaar, status = excluded.status, source = excluded.source, updated_at = excluded.updated_at";
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in chunk {
            q = q
                .bind(a.id.clone())
                .bind(a.x)
                .bind(a.y)
                .bind(a.gemeente_code.clone())
                .bind(a.straat.clone())
                .bind(a.huisnummer)
                .bind(a.huisletter.clone())
                .bind(a.postcode.clone())
                .bind(a.woonplaats.clone())
                .bind(a.gebruiksdoel.clone())
                .bind(a.oppervlakte)
                .bind(a.bouwjaar)
                .bind(a.status.clone())
                .bind(a.source.clone())
                .bind(now);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

pub async fn insert_businesses(tx: &mut WriteTx, rows: &[BusinessRow], now: i64) -> Result<()> {
    const COLS: usize = 9;
    for chunk in rows.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO businesses (id, kvk, name, address_id, sbi, start_date, end_date, source, updated_at) VALUES {}",
            values_clause(chunk.len(), COLS)
        ) + " ON CONFLICT (id) DO UPDATE SET kvk = excluded.kvk, name = excluded.name, address_id = excluded.address_id, sbi = excluded.sbi, start_date = excluded.start_date, \
               end_date = excluded.end_date, source = excluded.source, updated_at = excluded.updated_at";
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in chunk {
            q = q
                .bind(b.id.clone())
                .bind(b.kvk.clone())
                .bind(b.name.clone())
                .bind(b.address_id.clone())
                .bind(b.sbi.clone())
                .bind(b.start_date.clone())
                .bind(b.end_date.clone())
                .bind(b.source.clone())
                .bind(now);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

pub async fn insert_incidents(tx: &mut WriteTx, rows: &[IncidentRow], now: i64) -> Result<()> {
    const COLS: usize = 11;
    for chunk in rows.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO incidents (id, x, y, incident_date, kind, gemeente_code, source_org_id, legal_basis, retention_until, description, imported_at) VALUES {}",
            values_clause(chunk.len(), COLS)
        ) + " ON CONFLICT (id) DO UPDATE SET x = excluded.x, y = excluded.y, incident_date = excluded.incident_date, kind = excluded.kind, gemeente_code = excluded.gemeente_code, \
               source_org_id = excluded.source_org_id, legal_basis = excluded.legal_basis, retention_until = excluded.retention_until, description = excluded.description, imported_at = excluded.imported_at";
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for i in chunk {
            q = q
                .bind(i.id.clone())
                .bind(i.x)
                .bind(i.y)
                .bind(i.date.clone())
                .bind(i.kind.clone())
                .bind(i.gemeente_code.clone())
                .bind(i.source_org_id.clone())
                .bind(i.legal_basis.clone())
                .bind(i.retention_until.clone())
                .bind(i.description.clone())
                .bind(now);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

/// A municipality without its geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct GemeenteSummary {
    pub code: String,
    pub name: String,
    pub area_m2: f64,
}

/// Aggregate key figures of one municipality. Counts only: no personal data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AreaFigures {
    pub addresses: i64,
    pub addresses_out_of_use: i64,
    pub large_business_buildings: i64,
    pub businesses_active: i64,
    pub agri_active: i64,
    /// Agricultural registrations that ended on or after `since_10y`.
    pub agri_ended: i64,
    /// Incidents on or after `since_5y`, per kind, sorted by kind.
    pub incidents_by_kind: Vec<(String, i64)>,
    /// Incidents on or after `since_5y`, per calendar year.
    pub incidents_by_year: Vec<(String, i64)>,
}

/// A previous version of an address.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressVersion {
    pub row: AddressRow,
    pub valid_from: i64,
    pub valid_until: i64,
}

impl Store {
    /// The previous versions of an address, newest first.
    pub async fn address_history(&self, id: &str) -> Result<Vec<AddressVersion>> {
        let rows = sqlx::query(
            "SELECT * FROM address_history WHERE address_id = $1 ORDER BY valid_until DESC",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AddressVersion {
                    row: address_row(r, "address_id")?,
                    valid_from: r.try_get("valid_from")?,
                    valid_until: r.try_get("valid_until")?,
                })
            })
            .collect()
    }

    /// The municipalities an organisation works in.
    pub async fn organisation_areas(&self, org_id: &str) -> Result<Vec<GemeenteSummary>> {
        let rows = sqlx::query(
            "SELECT g.code, g.name, g.area_m2 FROM organisation_areas oa JOIN gemeenten g ON g.code = oa.gemeente_code WHERE oa.org_id = $1 ORDER BY g.name",
        )
        .bind(org_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(GemeenteSummary {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    area_m2: r.try_get("area_m2")?,
                })
            })
            .collect()
    }

    pub async fn gemeenten(&self) -> Result<Vec<GemeenteSummary>> {
        let rows = sqlx::query("SELECT code, name, area_m2 FROM gemeenten ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(GemeenteSummary {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    area_m2: r.try_get("area_m2")?,
                })
            })
            .collect()
    }

    /// Key figures of a municipality. Dates are `YYYY-MM-DD`; `today` bounds "active".
    pub async fn area_figures(
        &self,
        code: &str,
        today: &str,
        since_5y: &str,
        since_10y: &str,
    ) -> Result<AreaFigures> {
        let count = |sql: &'static str| {
            let code = code.to_string();
            async move {
                let row = sqlx::query(sql).bind(code).fetch_one(self.pool()).await?;
                Ok::<i64, crate::StoreError>(row.try_get("n")?)
            }
        };
        let addresses =
            count("SELECT COUNT(*) AS n FROM addresses WHERE gemeente_code = $1").await?;
        let addresses_out_of_use = count("SELECT COUNT(*) AS n FROM addresses WHERE gemeente_code = $1 AND status = 'Verblijfsobject buiten gebruik'").await?;
        let large_business_buildings = count(
            "SELECT COUNT(*) AS n FROM addresses WHERE gemeente_code = $1 AND oppervlakte >= 500 AND (gebruiksdoel LIKE '%industriefunctie%' OR gebruiksdoel LIKE '%overige gebruiksfunctie%')",
        )
        .await?;
        let active_row = sqlx::query(
            "SELECT COUNT(*) AS n, SUM(CASE WHEN b.sbi LIKE '01%' THEN 1 ELSE 0 END) AS agri FROM businesses b JOIN addresses a ON a.id = b.address_id \
             WHERE a.gemeente_code = $1 AND b.start_date <= $2 AND (b.end_date IS NULL OR b.end_date > $2)",
        )
        .bind(code.to_string())
        .bind(today.to_string())
        .fetch_one(self.pool())
        .await?;
        let ended = sqlx::query(
            "SELECT COUNT(*) AS n FROM businesses b JOIN addresses a ON a.id = b.address_id \
             WHERE a.gemeente_code = $1 AND b.sbi LIKE '01%' AND b.end_date IS NOT NULL AND b.end_date >= $2 AND b.end_date <= $3",
        )
        .bind(code.to_string())
        .bind(since_10y.to_string())
        .bind(today.to_string())
        .fetch_one(self.pool())
        .await?;
        let by_kind = sqlx::query("SELECT kind, COUNT(*) AS n FROM incidents WHERE gemeente_code = $1 AND incident_date >= $2 AND incident_date < $3 GROUP BY kind ORDER BY kind")
            .bind(code.to_string())
            .bind(since_5y.to_string())
            .bind(today.to_string())
            .fetch_all(self.pool())
            .await?;
        let dates = sqlx::query("SELECT incident_date FROM incidents WHERE gemeente_code = $1 AND incident_date >= $2 AND incident_date < $3")
            .bind(code.to_string())
            .bind(since_5y.to_string())
            .bind(today.to_string())
            .fetch_all(self.pool())
            .await?;
        let mut per_year = std::collections::BTreeMap::<String, i64>::new();
        for d in &dates {
            let d: String = d.try_get("incident_date")?;
            *per_year.entry(d.chars().take(4).collect()).or_default() += 1;
        }
        Ok(AreaFigures {
            addresses,
            addresses_out_of_use,
            large_business_buildings,
            businesses_active: active_row.try_get("n")?,
            agri_active: active_row.try_get::<Option<i64>, _>("agri")?.unwrap_or(0),
            agri_ended: ended.try_get("n")?,
            incidents_by_kind: by_kind
                .iter()
                .map(|r| Ok((r.try_get("kind")?, r.try_get("n")?)))
                .collect::<Result<_>>()?,
            incidents_by_year: per_year.into_iter().collect(),
        })
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("value")?),
            None => None,
        })
    }
}

pub async fn set_meta(tx: &mut WriteTx, key: &str, value: &str) -> Result<()> {
    sqlx::query("DELETE FROM meta WHERE key = $1")
        .bind(key.to_string())
        .execute(tx.conn())
        .await?;
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
        .bind(key.to_string())
        .bind(value.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl Store {
    /// Code and stored geometry of every municipality, sorted by code.
    pub async fn gemeente_geometries(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT code, geometry FROM gemeenten ORDER BY code")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("geometry")?)))
            .collect()
    }
}
