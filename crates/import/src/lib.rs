//! Imports of registry and partner data, shared by the command line
//! (`buitenzicht import …`) and the upload page.
//!
//! Every import parses its whole file before anything is written; the write
//! is one transaction together with its audit entry, so a refused or failed
//! import changes nothing. Re-importing updates objects by id (no
//! duplicates; addresses keep their previous version as history). Problems
//! name the file, line (or feature/row), column and reason, in Dutch and in
//! English, for up to 50 problems and then a count.

mod bag;
mod gemeenten;
mod progress;
mod registry;

pub use bag::{BagFormat, bag};
pub use gemeenten::gemeenten;
pub use progress::{Phase, Progress};
pub use registry::{IncidentTerms, adressen, bedrijven, incidenten, signalen};

use bz_domain::audit::Outcome;
use bz_store::audit::NewEntry;
use std::path::{Path, PathBuf};

/// The file being imported: where it is, and the name to use in messages
/// and the audit trail (an uploaded file's own name, not its temporary path).
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub label: String,
}

impl Source {
    /// A file named by its path (the command line).
    pub fn file(path: &Path) -> Source {
        Source {
            path: path.to_path_buf(),
            label: path.display().to_string(),
        }
    }

    /// Replace the path by the label in a message from a reader.
    fn relabel(&self, message: &str) -> String {
        let path = self.path.display().to_string();
        if path == self.label {
            message.to_string()
        } else {
            message.replace(&path, &self.label)
        }
    }
}

/// Who imports, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<String>,
    pub name: String,
    pub org_id: Option<String>,
}

impl Actor {
    /// The command line (no user).
    pub fn cli() -> Actor {
        Actor {
            user_id: None,
            name: "system (cli)".into(),
            org_id: None,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Objects written (inserted or updated).
    pub count: usize,
    /// One line for people, in Dutch and English.
    pub summary_nl: String,
    pub summary_en: String,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input has problems; nothing was imported. One line per problem.
    #[error("import refused, nothing was imported:\n{}", .en.join("\n"))]
    Refused { nl: Vec<String>, en: Vec<String> },
    /// The database failed; the transaction was rolled back.
    #[error("database: {0}")]
    Store(#[from] bz_store::StoreError),
}

impl ImportError {
    /// The lines to show a person, in Dutch or English.
    pub fn lines(&self, nl: bool) -> Vec<String> {
        match self {
            ImportError::Refused { nl: n, en } => {
                if nl {
                    n.clone()
                } else {
                    en.clone()
                }
            }
            ImportError::Store(e) => vec![if nl {
                format!("databasefout, er is niets geïmporteerd: {e}")
            } else {
                format!("database error, nothing was imported: {e}")
            }],
        }
    }

    /// The whole message, Dutch first, for the terminal.
    pub fn message_bilingual(&self) -> String {
        match self {
            ImportError::Refused { .. } => format!(
                "import geweigerd, er is niets geïmporteerd:\n  {}\n(import refused, nothing was imported:\n  {})",
                self.lines(true).join("\n  "),
                self.lines(false).join("\n  ")
            ),
            ImportError::Store(e) => format!(
                "databasefout, er is niets geïmporteerd / database error, nothing was imported: {e}"
            ),
        }
    }

    fn refused(nl: impl Into<String>, en: impl Into<String>) -> ImportError {
        ImportError::Refused {
            nl: vec![nl.into()],
            en: vec![en.into()],
        }
    }

    /// From a reader of the spec's CSV formats (file, line, column, reason).
    fn from_scan(source: &Source, e: &bz_scan::ScanError) -> ImportError {
        let lines = |s: String| -> Vec<String> {
            s.lines()
                .map(|l| source.relabel(l.trim()))
                .filter(|l| !l.is_empty())
                .collect()
        };
        ImportError::Refused {
            nl: lines(e.message_nl()),
            en: lines(e.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, ImportError>;

fn now() -> (i64, i64) {
    let t = time::OffsetDateTime::now_utc();
    (
        t.unix_timestamp(),
        (t.unix_timestamp_nanos() / 1_000_000) as i64,
    )
}

fn audit_entry(action: &'static str, actor: &Actor, source: &Source, detail: String) -> NewEntry {
    NewEntry {
        actor_id: actor.user_id.clone(),
        actor_name: actor.name.clone(),
        org_id: actor.org_id.clone(),
        action,
        object_type: "file",
        object_id: source.label.clone(),
        outcome: Outcome::Success,
        detail,
    }
}

/// A source organisation by its exact name.
async fn source_org(store: &bz_store::Store, bron: &str) -> Result<bz_store::org::Organisation> {
    store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.name == bron)
        .ok_or_else(|| {
            ImportError::refused(
                format!("bronorganisatie {bron:?} bestaat niet"),
                format!("source organisation {bron:?} does not exist"),
            )
        })
}

/// The municipality covering each point (the smallest code on a border).
async fn covering_gemeenten(
    store: &bz_store::Store,
    points: &[(f64, f64)],
) -> Result<Vec<Option<String>>> {
    let mut gemeenten = Vec::new();
    for (code, geometry) in store.gemeente_geometries().await? {
        let polygons = bz_geo::stored_polygons(&geometry).map_err(|e| {
            ImportError::refused(
                format!("opgeslagen grens van {code} is onleesbaar: {e}"),
                format!("stored boundary of {code} cannot be read: {e}"),
            )
        })?;
        gemeenten.push(bz_scan::Municipality {
            statcode: code,
            statnaam: String::new(),
            polygons,
        });
    }
    let polys = bz_scan::municipality_polygons(&gemeenten);
    Ok(points
        .iter()
        .map(|&(x, y)| {
            let pt = bz_geo::RdPoint { x, y };
            gemeenten
                .iter()
                .zip(&polys)
                .find(|(_, p)| p.as_ref().is_some_and(|p| p.covers(pt)))
                .map(|(m, _)| m.statcode.clone())
        })
        .collect())
}
