//! `buitenzicht import …`: the imports of `bz_import` on the terminal, with
//! a progress line on stderr for large files and the problems in Dutch and
//! English when a file is refused.

use anyhow::Result;
use bz_import::{Actor, ImportError, Imported, Phase, Progress, Source};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs one import with a progress line while it works and prints its summary.
pub async fn run<F, Fut>(file: &std::path::Path, import: F) -> Result<()>
where
    F: FnOnce(Source, Actor, Arc<Progress>) -> Fut,
    Fut: std::future::Future<Output = Result<Imported, ImportError>>,
{
    let progress = Arc::new(Progress::new());
    let started = Instant::now();
    let ticker = std::io::stderr()
        .is_terminal()
        .then(|| tokio::spawn(show_progress(progress.clone(), started)));
    let outcome = import(Source::file(file), Actor::cli(), progress.clone()).await;
    progress.finish();
    if let Some(t) = ticker {
        t.abort();
        eprint!("\r\x1b[2K");
    }
    match outcome {
        Ok(done) => {
            println!(
                "{} in {:.2} s / {}",
                done.summary_nl,
                started.elapsed().as_secs_f64(),
                done.summary_en
            );
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!(e.message_bilingual())),
    }
}

/// Rewrites one status line on stderr twice a second.
async fn show_progress(progress: Arc<Progress>, started: Instant) {
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let secs = started.elapsed().as_secs_f64();
        let line = match progress.phase() {
            Phase::Reading => format!("lezen… {} objecten ({secs:.0} s)", progress.read()),
            Phase::Writing => {
                let (done, total) = progress.written();
                let pct = (done * 100).checked_div(total).unwrap_or(100).min(100);
                let filled = (pct / 5) as usize;
                format!(
                    "opslaan [{}{}] {pct:>3}% {done}/{total} ({secs:.0} s)",
                    "#".repeat(filled),
                    "-".repeat(20 - filled)
                )
            }
            Phase::Done => return,
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }
}
