//! Progress of a running import, shared with whoever shows it (a progress
//! bar on the terminal, the upload page polling its job).

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

/// The stage an import is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading and checking the file.
    Reading = 0,
    /// Writing to the database (one transaction).
    Writing = 1,
    /// Finished (committed or refused).
    Done = 2,
}

impl Phase {
    /// A stable key for messages (`import.phase.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Phase::Reading => "lezen",
            Phase::Writing => "opslaan",
            Phase::Done => "klaar",
        }
    }
}

/// Counters updated by the import while it runs; cheap to read at any time.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    /// Objects (rows, features, BAG objects) read so far.
    read: AtomicU64,
    /// Objects written so far, and how many there are to write.
    written: AtomicU64,
    to_write: AtomicU64,
}

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Relaxed) {
            0 => Phase::Reading,
            1 => Phase::Writing,
            _ => Phase::Done,
        }
    }

    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// (written, to write)
    pub fn written(&self) -> (u64, u64) {
        (
            self.written.load(Ordering::Relaxed),
            self.to_write.load(Ordering::Relaxed),
        )
    }

    pub(crate) fn set_read(&self, n: u64) {
        self.read.store(n, Ordering::Relaxed);
    }

    pub(crate) fn start_writing(&self, total: u64) {
        self.to_write.store(total, Ordering::Relaxed);
        self.written.store(0, Ordering::Relaxed);
        self.phase.store(Phase::Writing as u8, Ordering::Relaxed);
    }

    pub(crate) fn add_written(&self, n: u64) {
        self.written.fetch_add(n, Ordering::Relaxed);
    }

    pub fn finish(&self) {
        self.phase.store(Phase::Done as u8, Ordering::Relaxed);
    }
}

/// Rows are written in slices of this many, so that progress moves.
pub(crate) const WRITE_SLICE: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_and_counters() {
        let p = Progress::new();
        assert_eq!(p.phase(), Phase::Reading);
        p.set_read(7);
        p.start_writing(20);
        p.add_written(10);
        assert_eq!(
            (p.phase(), p.read(), p.written()),
            (Phase::Writing, 7, (10, 20))
        );
        p.finish();
        assert_eq!(p.phase(), Phase::Done);
    }
}
