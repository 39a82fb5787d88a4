//! The database of Buitenzicht: one code path over SQLite (embedded default)
//! and PostgreSQL (production), through sqlx's `Any` driver.
//!
//! Why sqlx `Any` rather than an ORM: the SQL stays plain and readable, the
//! build stays light, and one migration set serves both backends. The known
//! gaps of `Any` (no BOOLEAN, no timestamp types) are avoided by the schema's
//! type rules (see `migrations/0001_foundation.sql`), which a test enforces.
//! The few dialect differences (pragmas, table locks, backup) stay in this
//! crate, behind [`Backend`].

pub mod area;
pub mod audit;
pub mod backup;
pub mod field;
pub mod gpkg;
pub mod indicators;
pub mod map;
pub mod org;
pub mod scan;
pub mod session;
pub mod signal_reports;
pub mod signal_workflow;
pub mod signals;
pub mod sources;
pub mod survey;
pub mod user;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub use sqlx::AnyConnection;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Errors of the store. Messages are in English; the web and CLI layers
/// translate the kinds users can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot create or write the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot connect to the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{what} already exists")]
    Conflict { what: &'static str },
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("backup failed: {0}")]
    Backup(String),
}

impl StoreError {
    /// Map a unique-constraint violation to [`StoreError::Conflict`].
    pub(crate) fn conflict_or(e: sqlx::Error, what: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { what },
            _ => StoreError::Sql(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time: write transactions of this process
    /// take this lock first, so they queue instead of failing with SQLITE_BUSY.
    write_lock: Arc<tokio::sync::Mutex<()>>,
    url_redacted: String,
}

/// Hide a password in a database URL before it is shown or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The default database URL for a data directory: an SQLite file inside it.
pub fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("buitenzicht.db").display())
}

impl Store {
    /// Connect to `url` (`sqlite://PATH` or `postgres://…`) and apply migrations.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connect without applying migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let url_redacted = redact_url(url);
        let invalid = |reason: &str| StoreError::InvalidUrl {
            url: url_redacted.clone(),
            reason: reason.to_string(),
        };
        let (backend, connect_url) = if let Some(rest) = url.strip_prefix("sqlite://") {
            let path_part = rest.split('?').next().unwrap_or("");
            if path_part.is_empty() {
                return Err(invalid("no file path after sqlite://"));
            }
            if path_part != ":memory:" {
                let path = Path::new(path_part);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                    check_writable(dir)?;
                }
            }
            let sep = if rest.contains('?') { '&' } else { '?' };
            let with_mode = if rest.contains("mode=") {
                url.to_string()
            } else {
                format!("{url}{sep}mode=rwc")
            };
            (Backend::Sqlite, with_mode)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(invalid(
                "expected a URL starting with sqlite:// or postgres://",
            ));
        };
        let options =
            AnyConnectOptions::from_str(&connect_url).map_err(|e| invalid(&e.to_string()))?;
        let max = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(15))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL for concurrent readers, FULL sync so that an acknowledged
                        // write survives a crash or power loss, FKs enforced, and a wait
                        // instead of an error when another connection writes.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect { url: url_redacted.clone(), source })?;
        Ok(Store {
            pool,
            backend,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            url_redacted,
        })
    }

    /// Apply pending migrations.
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn url_redacted(&self) -> &str {
        &self.url_redacted
    }

    /// Begin a write transaction. On SQLite, writers of this process queue on a lock.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            _guard: guard,
            backend: self.backend,
        })
    }

    /// Check that the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|source| StoreError::DataDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A write transaction; commit it or it rolls back on drop.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    backend: Backend,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
    pub fn backend(&self) -> Backend {
        self.backend
    }
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// A new UUID v7 as text (time-ordered, unguessable enough for ids; never a secret).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Convert between the schema's BIGINT 0/1 and bool.
pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// Execute a fixed SQL statement inside a transaction (maintenance and tests).
pub async fn raw_execute(tx: &mut WriteTx, sql: &'static str) -> Result<u64> {
    Ok(sqlx::query(sql).execute(tx.conn()).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://bz:geheim@db:5432/bz"),
            "postgres://bz:***@db:5432/bz"
        );
        assert_eq!(redact_url("postgres://bz@db/bz"), "postgres://bz@db/bz");
        assert_eq!(redact_url("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[test]
    fn migrations_use_only_portable_types() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("migrations dir") {
            let path = entry.expect("entry").path();
            let sql = std::fs::read_to_string(&path)
                .expect("read migration")
                .to_uppercase();
            let code: String = sql
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            for banned in [
                "BOOLEAN",
                "TIMESTAMP",
                "SERIAL",
                "AUTOINCREMENT",
                "BLOB",
                "BYTEA",
                " INTEGER",
                "JSONB",
                "UUID ",
            ] {
                assert!(
                    !code.contains(banned),
                    "{} uses non-portable type {banned}",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked >= 1);
    }
}
