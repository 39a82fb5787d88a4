//! Online backups.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy of the live database while
//! the server runs (readers and writers continue). PostgreSQL: backups are
//! made with `pg_dump` (see the README); this crate refuses with that advice.

use crate::{Backend, Result, Store, StoreError};
use std::path::Path;

impl Store {
    pub async fn backup_to(&self, target: &Path) -> Result<u64> {
        match self.backend() {
            Backend::Postgres => Err(StoreError::Backup(
                "for PostgreSQL use pg_dump: pg_dump --format=custom --file=buitenzicht.dump \"$DATABASE_URL\" (see README, section Backups)".into(),
            )),
            Backend::Sqlite => {
                if target.exists() {
                    return Err(StoreError::Backup(format!("{} already exists; choose a new file name", target.display())));
                }
                if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir { path: dir.to_path_buf(), source })?;
                }
                let path = target.to_str().ok_or_else(|| StoreError::Backup("backup path is not valid UTF-8".into()))?;
                sqlx::query("VACUUM INTO $1").bind(path.to_string()).execute(self.pool()).await?;
                let size = std::fs::metadata(target).map_err(|e| StoreError::Backup(e.to_string()))?.len();
                Ok(size)
            }
        }
    }
}
