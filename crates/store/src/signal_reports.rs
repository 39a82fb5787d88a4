//! Public reports (the `/melden` form): durable insertion with **group
//! commit**, and the reporter's follow-up lookup by meldcode.
//!
//! Durable means committed before the reporter sees the meldcode: SQLite runs
//! with `synchronous = FULL` (see [`crate::Store::connect`]) and PostgreSQL
//! commits synchronously. One fsync per report would cap a laptop at a few
//! hundred reports per second, so concurrent submissions are handed to a
//! writer task ([`GroupCommit`]) that takes everything queued, writes it in
//! one transaction and answers every waiting request after the commit. If a
//! batch fails, its reports are retried one by one, so one bad report never
//! takes others with it.
//!
//! Nothing that identifies the reporter's device is ever passed in: no
//! address, user agent or cookie reaches this module.

use crate::signal_workflow::{self, Actor, NewAttachment, NewHistory, kinds};
use crate::{Backend, Result, Store, StoreError, WriteTx, new_id};
use sqlx::Row;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// The channel of a signal from the public form.
pub const CHANNEL_PUBLIC: &str = "publiek";

/// Contact details a reporter chose to give are cleared this long after
/// receipt (by the purge job, `signal_workflow::purge_contacts`), whatever
/// the signal's own retention; the form says so.
pub const CONTACT_RETENTION_SECS: i64 = 183 * 24 * 3600;

/// Contact details the reporter chose to give (already checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportContact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A photo, already re-encoded without metadata (`bz_signals::photo`).
#[derive(Clone, PartialEq, Eq)]
pub struct ReportPhoto {
    pub content_type: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for ReportPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportPhoto")
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// A checked public report, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPublicReport {
    pub id: String,
    pub meldcode: String,
    /// The stored form of the secret's hash (`sha256v1$…`); never the secret.
    pub secret_hash: String,
    pub source: String,
    pub category: String,
    pub state: String,
    /// `YYYY-MM-DD` (UTC) of receipt.
    pub observed_on: String,
    /// Unix seconds.
    pub received_at: i64,
    /// RD New.
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub bag_id: Option<String>,
    pub gemeente_code: Option<String>,
    pub description: String,
    pub contact: Option<ReportContact>,
    pub photos: Vec<ReportPhoto>,
}

/// Why a report could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the report writer has stopped")]
    WriterStopped,
    #[error("storing the report failed: {0}")]
    Failed(String),
}

const SIGNAL_COLUMNS: &str = "id, meldcode, secret_hash, channel, source, category, state, observed_on, received_at, x, y, bag_id, gemeente_code, description, contact_name, contact_email, contact_phone, contact_purge_at, updated_at";
const SIGNAL_COLUMN_COUNT: usize = 19;
const HISTORY_COLUMNS: &str =
    "id, signal_id, at, actor_kind, actor_user_id, actor_name, kind, text, data";
const HISTORY_COLUMN_COUNT: usize = 9;
/// Rows per INSERT statement (well under both databases' parameter limits).
const ROWS_PER_STATEMENT: usize = 100;

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

/// Insert public reports inside the caller's transaction: the signal, its
/// `created` history line (by the reporter) and its photos.
pub async fn insert_public_reports(tx: &mut WriteTx, reports: &[NewPublicReport]) -> Result<()> {
    for chunk in reports.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO signals ({SIGNAL_COLUMNS}) VALUES {}",
            values_clause(chunk.len(), SIGNAL_COLUMN_COUNT)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = q
                .bind(r.id.clone())
                .bind(r.meldcode.clone())
                .bind(r.secret_hash.clone())
                .bind(CHANNEL_PUBLIC)
                .bind(r.source.clone())
                .bind(r.category.clone())
                .bind(r.state.clone())
                .bind(r.observed_on.clone())
                .bind(r.received_at)
                .bind(r.x)
                .bind(r.y)
                .bind(r.bag_id.clone())
                .bind(r.gemeente_code.clone())
                .bind(r.description.clone());
            let c = r.contact.as_ref();
            q = q
                .bind(c.and_then(|c| c.name.clone()))
                .bind(c.and_then(|c| c.email.clone()))
                .bind(c.and_then(|c| c.phone.clone()))
                .bind(c.map(|_| r.received_at + CONTACT_RETENTION_SECS))
                .bind(r.received_at);
        }
        q.execute(tx.conn())
            .await
            .map_err(|e| StoreError::conflict_or(e, "meldcode"))?;
        // The `created` lines, in one statement too.
        let sql = format!(
            "INSERT INTO signal_history ({HISTORY_COLUMNS}) VALUES {}",
            values_clause(chunk.len(), HISTORY_COLUMN_COUNT)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            let data = serde_json::json!({
                "category": r.category,
                "source": r.source,
                "channel": CHANNEL_PUBLIC,
            });
            q = q
                .bind(new_id())
                .bind(r.id.clone())
                .bind(r.received_at)
                .bind(Actor::Reporter.kind())
                .bind(None::<String>)
                .bind(None::<String>)
                .bind(kinds::CREATED)
                .bind(None::<String>)
                .bind(data.to_string());
        }
        q.execute(tx.conn()).await?;
    }
    for r in reports {
        for p in &r.photos {
            signal_workflow::add_attachment(
                tx,
                &NewAttachment {
                    signal_id: r.id.clone(),
                    at: r.received_at,
                    actor: Actor::Reporter,
                    file_name: Some(p.file_name.clone()),
                    content_type: p.content_type.clone(),
                    bytes: &p.bytes,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Information the reporter adds later (with meldcode and secret).
#[derive(Debug, Clone)]
pub struct ReporterAddition {
    pub signal_id: String,
    /// Unix seconds.
    pub at: i64,
    pub text: Option<String>,
    pub photos: Vec<ReportPhoto>,
}

struct Job {
    report: NewPublicReport,
    done: oneshot::Sender<Result<(), String>>,
}

/// The writer of public reports: batches concurrent submissions into one
/// transaction. Cheap to clone; the writer tasks stop when the last clone
/// is dropped.
#[derive(Clone)]
pub struct GroupCommit {
    tx: mpsc::Sender<Job>,
}

/// Most reports in one transaction.
pub const MAX_BATCH: usize = 512;

impl GroupCommit {
    /// Start the writer tasks for `store` (on the current Tokio runtime).
    /// SQLite has one writer at a time, so one task; PostgreSQL commits of
    /// several connections overlap, so a few.
    pub fn start(store: Store) -> GroupCommit {
        let (tx, rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
        let rx = Arc::new(Mutex::new(rx));
        let writers = match store.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        for _ in 0..writers {
            let (store, rx) = (store.clone(), rx.clone());
            tokio::spawn(async move { writer(store, rx).await });
        }
        GroupCommit { tx }
    }

    /// Store a report; returns once it is committed.
    pub async fn submit(&self, report: NewPublicReport) -> Result<(), ReportError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job { report, done })
            .await
            .map_err(|_| ReportError::WriterStopped)?;
        match wait.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ReportError::Failed(e)),
            Err(_) => Err(ReportError::WriterStopped),
        }
    }
}

async fn writer(store: Store, rx: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let mut batch = Vec::new();
        {
            let mut rx = rx.lock().await;
            match rx.recv().await {
                Some(j) => batch.push(j),
                None => return,
            }
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(j) => batch.push(j),
                    Err(_) => break,
                }
            }
        }
        let reports: Vec<NewPublicReport> = batch.iter().map(|j| j.report.clone()).collect();
        match write(&store, &reports).await {
            Ok(()) => {
                for j in batch {
                    let _ = j.done.send(Ok(()));
                }
            }
            Err(e) if batch.len() == 1 => {
                for j in batch {
                    let _ = j.done.send(Err(e.to_string()));
                }
            }
            Err(_) => {
                // One report may be at fault: retry each on its own.
                for j in batch {
                    let r = write(&store, std::slice::from_ref(&j.report)).await;
                    let _ = j.done.send(r.map_err(|e| e.to_string()));
                }
            }
        }
    }
}

async fn write(store: &Store, reports: &[NewPublicReport]) -> Result<()> {
    let mut tx = store.begin_write().await?;
    insert_public_reports(&mut tx, reports).await?;
    tx.commit().await
}

impl Store {
    /// Append the reporter's addition to the signal's history (a
    /// `reporter_addition` line, and an `attachment` line per photo), in one
    /// transaction.
    pub async fn add_reporter_information(&self, a: &ReporterAddition) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if let Some(text) = &a.text {
            signal_workflow::append_history(
                &mut tx,
                &NewHistory {
                    signal_id: a.signal_id.clone(),
                    at: a.at,
                    actor: Actor::Reporter,
                    kind: kinds::REPORTER_ADDITION,
                    text: Some(text.clone()),
                    data: serde_json::json!({}),
                },
            )
            .await?;
        }
        for p in &a.photos {
            signal_workflow::add_attachment(
                &mut tx,
                &NewAttachment {
                    signal_id: a.signal_id.clone(),
                    at: a.at,
                    actor: Actor::Reporter,
                    file_name: Some(p.file_name.clone()),
                    content_type: p.content_type.clone(),
                    bytes: &p.bytes,
                },
            )
            .await?;
        }
        sqlx::query("UPDATE signals SET updated_at = $1 WHERE id = $2")
            .bind(a.at)
            .bind(a.signal_id.clone())
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    /// What the reporter added to a signal: (time, text) of each addition
    /// and the number of photos they sent, oldest first. Nothing written by
    /// officers is included.
    pub async fn reporter_additions(&self, signal_id: &str) -> Result<(Vec<(i64, String)>, usize)> {
        let rows = sqlx::query(
            "SELECT at, kind, text FROM signal_history WHERE signal_id = $1 AND actor_kind = $2 ORDER BY at, id",
        )
        .bind(signal_id.to_string())
        .bind(Actor::Reporter.kind())
        .fetch_all(self.pool())
        .await?;
        let mut texts = Vec::new();
        let mut photos = 0;
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            if kind == kinds::REPORTER_ADDITION {
                let text: Option<String> = r.try_get("text")?;
                texts.push((r.try_get("at")?, text.unwrap_or_default()));
            } else if kind == kinds::ATTACHMENT {
                photos += 1;
            }
        }
        Ok((texts, photos))
    }
}

/// A signal as its reporter may see it (after meldcode and secret).
#[derive(Debug, Clone, PartialEq)]
pub struct ReporterView {
    pub id: String,
    pub meldcode: String,
    pub secret_hash: String,
    pub category: String,
    pub state: String,
    pub received_at: i64,
    pub closed_at: Option<i64>,
    /// After a merge: the state of the signal this one was merged into
    /// (followed to the end of the chain), which is where the work goes on.
    pub merged_state: Option<String>,
}

impl Store {
    /// The signal with this meldcode, for the reporter's follow-up (the
    /// caller verifies the secret against `secret_hash`).
    pub async fn signal_by_meldcode(&self, meldcode: &str) -> Result<Option<ReporterView>> {
        let row = sqlx::query(
            "SELECT id, meldcode, secret_hash, category, state, received_at, closed_at, merged_into FROM signals WHERE meldcode = $1",
        )
        .bind(meldcode.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let mut merged_state = None;
        let mut next: Option<String> = r.try_get("merged_into")?;
        // A merge chain is short; the bound guards against a cycle in bad data.
        for _ in 0..16 {
            let Some(id) = next.take() else { break };
            let m = sqlx::query("SELECT state, merged_into FROM signals WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
            if let Some(m) = m {
                merged_state = Some(m.try_get::<String, _>("state")?);
                next = m.try_get("merged_into")?;
            }
        }
        Some(r)
            .map(|r| {
                Ok(ReporterView {
                    id: r.try_get("id")?,
                    meldcode: r.try_get("meldcode")?,
                    secret_hash: r
                        .try_get::<Option<String>, _>("secret_hash")?
                        .unwrap_or_default(),
                    category: r.try_get("category")?,
                    state: r.try_get("state")?,
                    received_at: r.try_get("received_at")?,
                    closed_at: r.try_get("closed_at")?,
                    merged_state,
                })
            })
            .transpose()
    }

    /// How many signals came in through the public form.
    pub async fn count_public_reports(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM signals WHERE channel = $1")
            .bind(CHANNEL_PUBLIC)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The database's own consistency check: SQLite's `PRAGMA
    /// integrity_check` (`ok` when intact); on PostgreSQL, which has no
    /// such check, every signal row is read in full.
    pub async fn integrity_check(&self) -> Result<String> {
        match self.backend() {
            Backend::Sqlite => {
                let rows = sqlx::query("PRAGMA integrity_check")
                    .fetch_all(self.pool())
                    .await?;
                let lines = rows
                    .iter()
                    .map(|r| r.try_get::<String, _>(0))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Ok(lines.join("; "))
            }
            Backend::Postgres => {
                let rows = sqlx::query("SELECT id, meldcode, description FROM signals")
                    .fetch_all(self.pool())
                    .await?;
                for r in &rows {
                    let _: String = r.try_get("id")?;
                    let _: Option<String> = r.try_get("meldcode")?;
                    let _: String = r.try_get("description")?;
                }
                Ok(format!("ok ({} rows read)", rows.len()))
            }
        }
    }

    /// Which of these meldcodes are stored (the crash test checks every
    /// acknowledged one).
    pub async fn stored_meldcodes(&self, codes: &[String]) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for chunk in codes.chunks(500) {
            let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT meldcode FROM signals WHERE meldcode IN ({})",
                list.join(",")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for c in chunk {
                q = q.bind(c.clone());
            }
            for r in q.fetch_all(self.pool()).await? {
                found.push(r.try_get("meldcode")?);
            }
        }
        Ok(found)
    }

    /// Addresses matching a postcode (with or without the space) and house
    /// number, or a street name (prefix, case-insensitive) with an optional
    /// house number; at most `limit`, in address order.
    pub async fn search_addresses(
        &self,
        query: &AddressQuery,
        limit: i64,
    ) -> Result<Vec<AddressHit>> {
        let rows = match query {
            AddressQuery::Postcode {
                postcode,
                huisnummer,
            } => {
                sqlx::query(
                    "SELECT id, x, y, gemeente_code, straat, huisnummer, huisletter, postcode, woonplaats FROM addresses \
                     WHERE (postcode = $1 OR postcode = $4) AND ($2 < 0 OR huisnummer = $2) ORDER BY huisnummer, huisletter, id LIMIT $3",
                )
                .bind(postcode.clone())
                .bind(huisnummer.unwrap_or(-1))
                .bind(limit)
                // Imports write the postcode with or without the space.
                .bind(match postcode.len() {
                    6 => format!("{} {}", &postcode[..4], &postcode[4..]),
                    _ => postcode.clone(),
                })
                .fetch_all(self.pool())
                .await?
            }
            AddressQuery::Street { street, huisnummer } => {
                let pattern = format!("{}%", escape_like(&street.to_lowercase()));
                sqlx::query(
                    "SELECT id, x, y, gemeente_code, straat, huisnummer, huisletter, postcode, woonplaats FROM addresses \
                     WHERE LOWER(straat) LIKE $1 ESCAPE '\\' AND ($2 < 0 OR huisnummer = $2) \
                     ORDER BY straat, woonplaats, huisnummer, huisletter, id LIMIT $3",
                )
                .bind(pattern)
                .bind(huisnummer.unwrap_or(-1))
                .bind(limit)
                .fetch_all(self.pool())
                .await?
            }
        };
        rows.iter().map(address_hit).collect()
    }

    /// One address by its BAG id.
    pub async fn address_hit(&self, id: &str) -> Result<Option<AddressHit>> {
        let row = sqlx::query(
            "SELECT id, x, y, gemeente_code, straat, huisnummer, huisletter, postcode, woonplaats FROM addresses WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(address_hit).transpose()
    }
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What the reporter searched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressQuery {
    /// Normalised postcode (`1234AB`), optional house number.
    Postcode {
        postcode: String,
        huisnummer: Option<i64>,
    },
    /// Street name (start of it), optional house number.
    Street {
        street: String,
        huisnummer: Option<i64>,
    },
}

/// An address found by the search.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressHit {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub gemeente_code: String,
    pub straat: String,
    pub huisnummer: i64,
    pub huisletter: Option<String>,
    pub postcode: Option<String>,
    pub woonplaats: String,
}

impl AddressHit {
    /// `Straat 12a, 1234 AB Woonplaats`.
    pub fn label(&self) -> String {
        let pc = self
            .postcode
            .as_deref()
            .map(|p| {
                if p.len() == 6 && p.is_ascii() {
                    format!("{} {} ", &p[..4], &p[4..])
                } else {
                    format!("{p} ")
                }
            })
            .unwrap_or_default();
        format!(
            "{} {}{}, {pc}{}",
            self.straat,
            self.huisnummer,
            self.huisletter.as_deref().unwrap_or(""),
            self.woonplaats
        )
    }
}

fn address_hit(r: &sqlx::any::AnyRow) -> Result<AddressHit> {
    Ok(AddressHit {
        id: r.try_get("id")?,
        x: r.try_get("x")?,
        y: r.try_get("y")?,
        gemeente_code: r.try_get("gemeente_code")?,
        straat: r.try_get("straat")?,
        huisnummer: r.try_get("huisnummer")?,
        huisletter: r.try_get("huisletter")?,
        postcode: r.try_get("postcode")?,
        woonplaats: r.try_get("woonplaats")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_by_columns() {
        assert_eq!(values_clause(2, 3), "($1,$2,$3),($4,$5,$6)");
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("a_b%c\\"), "a\\_b\\%c\\\\");
    }
    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        (Store::open(&url).await.expect("store"), dir)
    }

    fn report(n: usize, meldcode: &str) -> NewPublicReport {
        NewPublicReport {
            id: new_id(),
            meldcode: meldcode.into(),
            secret_hash: format!("sha256v1${n:064}"),
            source: "publiek".into(),
            category: "overig".into(),
            state: "nieuw".into(),
            observed_on: "2026-12-03".into(),
            received_at: 1_800_000_000,
            x: Some(155_000.0),
            y: Some(463_000.0),
            bag_id: None,
            gemeente_code: None,
            description: format!("Melding nummer {n}"),
            contact: n.is_multiple_of(2).then(|| ReportContact {
                name: None,
                email: Some(format!("r{n}@example.nl")),
                phone: None,
            }),
            photos: Vec::new(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_reports_are_committed_in_batches_and_a_bad_one_fails_alone() {
        let (store, _dir) = store().await;
        let writer = GroupCommit::start(store.clone());
        let mut tasks = Vec::new();
        for n in 0..200 {
            let w = writer.clone();
            tasks.push(tokio::spawn(async move {
                w.submit(report(n, &format!("M-{n:04}-AAAA"))).await
            }));
        }
        // The same meldcode twice: one of them is refused, the other stored.
        for _ in 0..2 {
            let w = writer.clone();
            tasks.push(tokio::spawn(async move {
                w.submit(report(999, "M-DUPL-CODE")).await
            }));
        }
        let mut ok = 0;
        let mut failed = 0;
        for t in tasks {
            match t.await.expect("task") {
                Ok(()) => ok += 1,
                Err(ReportError::Failed(_)) => failed += 1,
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert_eq!((ok, failed), (201, 1));
        assert_eq!(store.count_public_reports().await.expect("count"), 201);
        let codes: Vec<String> = (0..200).map(|n| format!("M-{n:04}-AAAA")).collect();
        assert_eq!(
            store.stored_meldcodes(&codes).await.expect("codes").len(),
            200
        );
        // Every report has its `created` line by the reporter; contact
        // details carry their purge time.
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM signal_history WHERE kind = 'created' AND actor_kind = 'reporter'",
        )
        .fetch_one(store.pool())
        .await
        .expect("history")
        .try_get("n")
        .expect("n");
        assert_eq!(n, 201);
        let v = store
            .signal_by_meldcode("M-0002-AAAA")
            .await
            .expect("lookup")
            .expect("stored");
        assert_eq!(v.state, "nieuw");
        let purge: Option<i64> = sqlx::query("SELECT contact_purge_at FROM signals WHERE id = $1")
            .bind(v.id.clone())
            .fetch_one(store.pool())
            .await
            .expect("row")
            .try_get("contact_purge_at")
            .expect("col");
        assert_eq!(purge, Some(1_800_000_000 + CONTACT_RETENTION_SECS));
        assert_eq!(store.integrity_check().await.expect("check"), "ok");
    }

    #[tokio::test]
    async fn reporter_additions_are_listed_without_officer_lines() {
        let (store, _dir) = store().await;
        let writer = GroupCommit::start(store.clone());
        let r = report(1, "M-ADDI-TION");
        let id = r.id.clone();
        writer.submit(r).await.expect("submit");
        store
            .add_reporter_information(&ReporterAddition {
                signal_id: id.clone(),
                at: 1_800_000_100,
                text: Some("Nog een busje gezien.".into()),
                photos: vec![ReportPhoto {
                    content_type: "image/png".into(),
                    file_name: "foto-1.png".into(),
                    bytes: vec![0x89, b'P', b'N', b'G'],
                }],
            })
            .await
            .expect("addition");
        store
            .append_history(&NewHistory {
                signal_id: id.clone(),
                at: 1_800_000_200,
                actor: Actor::System,
                kind: kinds::NOTE,
                text: Some("intern".into()),
                data: serde_json::json!({}),
            })
            .await
            .expect("note");
        let (texts, photos) = store.reporter_additions(&id).await.expect("additions");
        assert_eq!(
            texts,
            vec![(1_800_000_100, "Nog een busje gezien.".to_string())]
        );
        assert_eq!(photos, 1);
    }
}
