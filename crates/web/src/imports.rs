//! Imports started from the upload page: the uploaded file waits in a
//! temporary file while `bz_import` reads and writes it on a background task;
//! the page follows its progress and shows the outcome. Jobs live in memory
//! (the outcome is also in the audit trail); the newest [`KEEP`] are kept.

use bz_import::{Imported, Progress};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How many finished or running jobs are remembered.
pub const KEEP: usize = 50;

/// What a job is importing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Gemeenten,
    Bag,
    Bedrijven,
    Incidenten,
    Signalen,
}

impl ImportKind {
    pub const ALL: [ImportKind; 5] = [
        ImportKind::Bag,
        ImportKind::Gemeenten,
        ImportKind::Bedrijven,
        ImportKind::Incidenten,
        ImportKind::Signalen,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ImportKind::Gemeenten => "gemeenten",
            ImportKind::Bag => "bag",
            ImportKind::Bedrijven => "bedrijven",
            ImportKind::Incidenten => "incidenten",
            ImportKind::Signalen => "signalen",
        }
    }

    pub fn parse(s: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// The outcome of a finished job, in both languages.
#[derive(Debug, Clone)]
pub enum JobOutcome {
    Done(Imported),
    Refused { nl: Vec<String>, en: Vec<String> },
}

/// One import from the upload page.
pub struct ImportJob {
    pub id: String,
    pub kind: ImportKind,
    /// The uploaded file's own name.
    pub file_name: String,
    pub bytes: u64,
    pub user_id: String,
    pub started_at: i64,
    pub progress: Arc<Progress>,
    outcome: Mutex<Option<JobOutcome>>,
}

impl ImportJob {
    pub fn new(
        kind: ImportKind,
        file_name: String,
        bytes: u64,
        user_id: String,
        started_at: i64,
    ) -> ImportJob {
        ImportJob {
            id: uuid::Uuid::new_v4().simple().to_string(),
            kind,
            file_name,
            bytes,
            user_id,
            started_at,
            progress: Arc::new(Progress::new()),
            outcome: Mutex::new(None),
        }
    }

    pub fn outcome(&self) -> Option<JobOutcome> {
        self.outcome.lock().ok().and_then(|o| o.clone())
    }

    pub fn finish(&self, outcome: JobOutcome) {
        if let Ok(mut o) = self.outcome.lock() {
            *o = Some(outcome);
        }
        self.progress.finish();
    }
}

/// The remembered jobs, newest first.
#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<VecDeque<Arc<ImportJob>>>,
}

impl ImportJobs {
    pub fn add(&self, job: ImportJob) -> Arc<ImportJob> {
        let job = Arc::new(job);
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.push_front(job.clone());
            jobs.truncate(KEEP);
        }
        job
    }

    pub fn get(&self, id: &str) -> Option<Arc<ImportJob>> {
        self.jobs
            .lock()
            .ok()
            .and_then(|jobs| jobs.iter().find(|j| j.id == id).cloned())
    }

    /// The jobs a user may see: their own, or all for `all`.
    pub fn visible(&self, user_id: &str, all: bool) -> Vec<Arc<ImportJob>> {
        self.jobs
            .lock()
            .map(|jobs| {
                jobs.iter()
                    .filter(|j| all || j.user_id == user_id)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_jobs_per_user() {
        let jobs = ImportJobs::default();
        for i in 0..(KEEP + 3) {
            let user = if i % 2 == 0 { "a" } else { "b" };
            jobs.add(ImportJob::new(
                ImportKind::Bag,
                format!("{i}.zip"),
                1,
                user.into(),
                0,
            ));
        }
        let all = jobs.visible("x", true);
        assert_eq!(all.len(), KEEP);
        assert_eq!(all[0].file_name, format!("{}.zip", KEEP + 2));
        assert!(jobs.visible("a", false).iter().all(|j| j.user_id == "a"));
        let id = all[3].id.clone();
        assert_eq!(jobs.get(&id).map(|j| j.id.clone()), Some(id));
        for k in ImportKind::ALL {
            assert_eq!(ImportKind::parse(k.key()), Some(k));
        }
    }
}
