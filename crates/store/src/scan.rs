//! Scan runs, their results per address, and the decisions people record.

use crate::{Result, Store, StoreError, WriteTx, new_id};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: String,
    pub area_kind: String,
    pub area_code: String,
    pub area_name: String,
    pub peildatum: String,
    pub indicator_set: String,
    /// JSON object indicator → weight.
    pub weights: String,
    /// JSON describing the inputs used (counts and import times).
    pub inputs: String,
    pub started_by: String,
    pub started_by_name: String,
    pub org_id: String,
    pub started_at: i64,
    pub duration_ms: i64,
    pub addresses: i64,
    pub buitengebied: i64,
    pub hoog: i64,
    pub midden: i64,
    pub laag: i64,
    pub mean_score: f64,
    /// JSON bias report (see `bz_domain::scan::BiasReport`).
    pub bias: String,
    /// The boundary of a user's own area (a GeoJSON (Multi)Polygon
    /// geometry, RD New); `None` for a municipality or its buitengebied.
    pub area_geometry: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub address_id: String,
    pub oad: f64,
    pub buitengebied: bool,
    pub incidenten_1km_5j: i64,
    pub signalen_500m_2j: i64,
    pub isolatie_m: f64,
    pub agrarisch_gestopt: bool,
    pub groot_bedrijfspand: bool,
    pub buiten_gebruik: bool,
    pub score: f64,
    pub klasse: String,
}

/// A result with the address it belongs to, for lists.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultWithAddress {
    pub result: ResultRow,
    pub straat: String,
    pub huisnummer: i64,
    pub huisletter: Option<String>,
    pub postcode: Option<String>,
    pub woonplaats: String,
    pub x: f64,
    pub y: f64,
    pub gebruiksdoel: String,
    pub oppervlakte: i64,
    pub status: String,
    pub latest_decision: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    pub id: String,
    pub run_id: String,
    pub address_id: String,
    pub decision: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_by_name: String,
    pub org_id: String,
    pub decided_at: i64,
}

fn run_from(r: &AnyRow) -> Result<RunRow> {
    Ok(RunRow {
        id: r.try_get("id")?,
        area_kind: r.try_get("area_kind")?,
        area_code: r.try_get("area_code")?,
        area_name: r.try_get("area_name")?,
        peildatum: r.try_get("peildatum")?,
        indicator_set: r.try_get("indicator_set")?,
        weights: r.try_get("weights")?,
        inputs: r.try_get("inputs")?,
        started_by: r.try_get("started_by")?,
        started_by_name: r.try_get("started_by_name")?,
        org_id: r.try_get("org_id")?,
        started_at: r.try_get("started_at")?,
        duration_ms: r.try_get("duration_ms")?,
        addresses: r.try_get("addresses")?,
        buitengebied: r.try_get("buitengebied")?,
        hoog: r.try_get("hoog")?,
        midden: r.try_get("midden")?,
        laag: r.try_get("laag")?,
        mean_score: r.try_get("mean_score")?,
        bias: r.try_get("bias")?,
        area_geometry: r.try_get("area_geometry")?,
    })
}

fn result_from(r: &AnyRow) -> Result<ResultRow> {
    Ok(ResultRow {
        address_id: r.try_get("address_id")?,
        oad: r.try_get("oad")?,
        buitengebied: r.try_get::<i64, _>("buitengebied")? != 0,
        incidenten_1km_5j: r.try_get("incidenten_1km_5j")?,
        signalen_500m_2j: r.try_get("signalen_500m_2j")?,
        isolatie_m: r.try_get("isolatie_m")?,
        agrarisch_gestopt: r.try_get::<i64, _>("agrarisch_gestopt")? != 0,
        groot_bedrijfspand: r.try_get::<i64, _>("groot_bedrijfspand")? != 0,
        buiten_gebruik: r.try_get::<i64, _>("buiten_gebruik")? != 0,
        score: r.try_get("score")?,
        klasse: r.try_get("klasse")?,
    })
}

fn decision_from(r: &AnyRow) -> Result<DecisionRow> {
    Ok(DecisionRow {
        id: r.try_get("id")?,
        run_id: r.try_get("run_id")?,
        address_id: r.try_get("address_id")?,
        decision: r.try_get("decision")?,
        reason: r.try_get("reason")?,
        decided_by: r.try_get("decided_by")?,
        decided_by_name: r.try_get("decided_by_name")?,
        org_id: r.try_get("org_id")?,
        decided_at: r.try_get("decided_at")?,
    })
}

/// Store a finished run and all its results (one transaction with the caller's audit entry).
pub async fn insert_run(tx: &mut WriteTx, run: &RunRow, results: &[ResultRow]) -> Result<()> {
    sqlx::query(
        "INSERT INTO scan_runs (id, area_kind, area_code, area_name, peildatum, indicator_set, weights, inputs, started_by, started_by_name, org_id, started_at, duration_ms, addresses, buitengebied, hoog, midden, laag, mean_score, bias, area_geometry) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
    )
    .bind(run.id.clone())
    .bind(run.area_kind.clone())
    .bind(run.area_code.clone())
    .bind(run.area_name.clone())
    .bind(run.peildatum.clone())
    .bind(run.indicator_set.clone())
    .bind(run.weights.clone())
    .bind(run.inputs.clone())
    .bind(run.started_by.clone())
    .bind(run.started_by_name.clone())
    .bind(run.org_id.clone())
    .bind(run.started_at)
    .bind(run.duration_ms)
    .bind(run.addresses)
    .bind(run.buitengebied)
    .bind(run.hoog)
    .bind(run.midden)
    .bind(run.laag)
    .bind(run.mean_score)
    .bind(run.bias.clone())
    .bind(run.area_geometry.clone())
    .execute(tx.conn())
    .await?;
    const COLS: usize = 12;
    for chunk in results.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO scan_results (run_id, address_id, oad, buitengebied, incidenten_1km_5j, signalen_500m_2j, isolatie_m, agrarisch_gestopt, groot_bedrijfspand, buiten_gebruik, score, klasse) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..COLS {
                if c > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", i * COLS + c + 1));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = q
                .bind(run.id.clone())
                .bind(r.address_id.clone())
                .bind(r.oad)
                .bind(i64::from(r.buitengebied))
                .bind(r.incidenten_1km_5j)
                .bind(r.signalen_500m_2j)
                .bind(r.isolatie_m)
                .bind(i64::from(r.agrarisch_gestopt))
                .bind(i64::from(r.groot_bedrijfspand))
                .bind(i64::from(r.buiten_gebruik))
                .bind(r.score)
                .bind(r.klasse.clone());
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

pub async fn insert_decision(tx: &mut WriteTx, d: &DecisionRow) -> Result<String> {
    let id = if d.id.is_empty() {
        new_id()
    } else {
        d.id.clone()
    };
    sqlx::query("INSERT INTO scan_decisions (id, run_id, address_id, decision, reason, decided_by, decided_by_name, org_id, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(id.clone())
        .bind(d.run_id.clone())
        .bind(d.address_id.clone())
        .bind(d.decision.clone())
        .bind(d.reason.clone())
        .bind(d.decided_by.clone())
        .bind(d.decided_by_name.clone())
        .bind(d.org_id.clone())
        .bind(d.decided_at)
        .execute(tx.conn())
        .await?;
    Ok(id)
}

/// Everything the scan engine reads, as stored.
pub struct ScanSource {
    pub addresses: Vec<crate::area::AddressRow>,
    pub businesses: Vec<crate::area::BusinessRow>,
    pub incidents: Vec<crate::area::IncidentRow>,
    pub gemeenten: Vec<(String, String, String)>,
}

impl Store {
    /// Load the scan's inputs. All addresses count (neighbours across a border matter).
    pub async fn scan_source(&self) -> Result<ScanSource> {
        let rows = sqlx::query("SELECT * FROM addresses ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        let mut addresses = Vec::with_capacity(rows.len());
        for r in &rows {
            addresses.push(crate::area::address_row(r, "id")?);
        }
        let rows = sqlx::query("SELECT * FROM businesses ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        let mut businesses = Vec::with_capacity(rows.len());
        for r in &rows {
            businesses.push(crate::area::BusinessRow {
                id: r.try_get("id")?,
                kvk: r.try_get("kvk")?,
                name: r.try_get("name")?,
                address_id: r.try_get("address_id")?,
                sbi: r.try_get("sbi")?,
                start_date: r.try_get("start_date")?,
                end_date: r.try_get("end_date")?,
                source: r.try_get("source")?,
            });
        }
        let rows = sqlx::query("SELECT * FROM incidents ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        let mut incidents = Vec::with_capacity(rows.len());
        for r in &rows {
            incidents.push(crate::area::IncidentRow {
                id: r.try_get("id")?,
                x: r.try_get("x")?,
                y: r.try_get("y")?,
                date: r.try_get("incident_date")?,
                kind: r.try_get("kind")?,
                gemeente_code: r.try_get("gemeente_code")?,
                source_org_id: r.try_get("source_org_id")?,
                legal_basis: r.try_get("legal_basis")?,
                retention_until: r.try_get("retention_until")?,
                description: r.try_get("description")?,
            });
        }
        let rows = sqlx::query("SELECT code, name, geometry FROM gemeenten ORDER BY code")
            .fetch_all(self.pool())
            .await?;
        let gemeenten = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("code")?,
                    r.try_get("name")?,
                    r.try_get("geometry")?,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(ScanSource {
            addresses,
            businesses,
            incidents,
            gemeenten,
        })
    }

    /// Runs over the given municipalities, newest first.
    pub async fn scan_runs(&self, area_codes: &[String]) -> Result<Vec<RunRow>> {
        let mut out = Vec::new();
        for code in area_codes {
            let rows = sqlx::query(
                "SELECT * FROM scan_runs WHERE area_code = $1 ORDER BY started_at DESC",
            )
            .bind(code.clone())
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                out.push(run_from(r)?);
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        Ok(out)
    }

    pub async fn scan_run(&self, id: &str) -> Result<RunRow> {
        let row = sqlx::query("SELECT * FROM scan_runs WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(run_from)
            .transpose()?
            .ok_or(StoreError::NotFound { what: "scan run" })
    }

    /// Results of a run, highest score first, with their addresses.
    pub async fn scan_results(
        &self,
        run_id: &str,
        klasse: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ResultWithAddress>> {
        let rows = sqlx::query(
            "SELECT r.*, a.straat, a.huisnummer, a.huisletter, a.postcode, a.woonplaats, a.x, a.y, a.gebruiksdoel, a.oppervlakte, a.status, \
             (SELECT d.decision FROM scan_decisions d WHERE d.run_id = r.run_id AND d.address_id = r.address_id ORDER BY d.decided_at DESC, d.id DESC LIMIT 1) AS latest_decision \
             FROM scan_results r JOIN addresses a ON a.id = r.address_id \
             WHERE r.run_id = $1 AND ($2 = '' OR r.klasse = $2) ORDER BY r.score DESC, r.address_id LIMIT $3 OFFSET $4",
        )
        .bind(run_id.to_string())
        .bind(klasse.unwrap_or("").to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ResultWithAddress {
                    result: result_from(r)?,
                    straat: r.try_get("straat")?,
                    huisnummer: r.try_get("huisnummer")?,
                    huisletter: r.try_get("huisletter")?,
                    postcode: r.try_get("postcode")?,
                    woonplaats: r.try_get("woonplaats")?,
                    x: r.try_get("x")?,
                    y: r.try_get("y")?,
                    gebruiksdoel: r.try_get("gebruiksdoel")?,
                    oppervlakte: r.try_get("oppervlakte")?,
                    status: r.try_get("status")?,
                    latest_decision: r.try_get("latest_decision")?,
                })
            })
            .collect()
    }

    pub async fn scan_result(&self, run_id: &str, address_id: &str) -> Result<ResultWithAddress> {
        let rows = sqlx::query(
            "SELECT r.*, a.straat, a.huisnummer, a.huisletter, a.postcode, a.woonplaats, a.x, a.y, a.gebruiksdoel, a.oppervlakte, a.status, NULL AS latest_decision \
             FROM scan_results r JOIN addresses a ON a.id = r.address_id WHERE r.run_id = $1 AND r.address_id = $2",
        )
        .bind(run_id.to_string())
        .bind(address_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        let r = rows.ok_or(StoreError::NotFound {
            what: "scan result",
        })?;
        Ok(ResultWithAddress {
            result: result_from(&r)?,
            straat: r.try_get("straat")?,
            huisnummer: r.try_get("huisnummer")?,
            huisletter: r.try_get("huisletter")?,
            postcode: r.try_get("postcode")?,
            woonplaats: r.try_get("woonplaats")?,
            x: r.try_get("x")?,
            y: r.try_get("y")?,
            gebruiksdoel: r.try_get("gebruiksdoel")?,
            oppervlakte: r.try_get("oppervlakte")?,
            status: r.try_get("status")?,
            latest_decision: None,
        })
    }

    pub async fn scan_decisions(&self, run_id: &str, address_id: &str) -> Result<Vec<DecisionRow>> {
        let rows = sqlx::query("SELECT * FROM scan_decisions WHERE run_id = $1 AND address_id = $2 ORDER BY decided_at DESC, id DESC")
            .bind(run_id.to_string())
            .bind(address_id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(decision_from).collect()
    }

    /// Counts of decisions per kind for a run.
    pub async fn scan_decision_counts(&self, run_id: &str) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT decision, COUNT(*) AS n FROM scan_decisions WHERE run_id = $1 GROUP BY decision ORDER BY decision").bind(run_id.to_string()).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| Ok((r.try_get("decision")?, r.try_get("n")?)))
            .collect()
    }
}
