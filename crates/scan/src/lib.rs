//! The gebiedsscan engine: an exact implementation of
//! `shared/spec/gebiedsscan-v1.md`.
//!
//! * [`scan`] is the fast engine (row index with pointer walking, both
//!   cores); [`reference::scan`] is a plain brute-force transcription of the
//!   spec that the property tests compare it with.
//! * [`io`] reads the five input files and writes the three output files
//!   byte-exactly; [`run_dir`] does all three steps.
//! * [`AddressResult::terms`] explains a score per indicator.
//! * [`synth`] makes deterministic national-like test data; [`bench()`] times
//!   the engine on it.
//!
//! Pure: no tokio, no SQL, no HTTP, no unsafe code.

#![forbid(unsafe_code)]

pub mod columns;
pub mod engine;
pub mod io;
pub mod model;
mod read;
pub mod reference;
pub mod synth;

pub use columns::{ColumnInput, ColumnOutput, Scored};
pub use engine::{Timings, scan, scan_columns, scan_timed};
pub use io::{
    Problem, RunTimings, ScanError, ScanSummary, read_input_columns, read_input_dir, run_dir,
    run_dir_timed, write_output_columns, write_output_dir,
};
pub use model::*;

/// Timing of one engine run over synthetic data (for `buitenzicht bench scan`).
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub addresses: usize,
    /// Distinct address positions (addresses in one building may share one).
    pub positions: usize,
    pub businesses: usize,
    pub incidents: usize,
    pub signals: usize,
    pub municipalities: usize,
    pub threads: usize,
    pub generate_secs: f64,
    /// Wall time of [`scan`] (all phases).
    pub scan_secs: f64,
    /// The phases of that run.
    pub phases: Timings,
    pub hoog: usize,
    pub midden: usize,
    pub laag: usize,
    /// Mean `oad` over the addresses (how dense the data is).
    pub mean_oad: f64,
}

/// Generate `n` synthetic addresses ([`synth::generate`], deterministic for
/// `seed`) and time the engine on them at peildatum 2026-06-30.
pub fn bench(n: usize, seed: u64) -> BenchReport {
    let t = std::time::Instant::now();
    let input = synth::generate(n, seed);
    let generate_secs = t.elapsed().as_secs_f64();
    let peildatum = time::macros::date!(2026 - 06 - 30);
    let t = std::time::Instant::now();
    let (out, phases) = scan_timed(&input, peildatum);
    let scan_secs = t.elapsed().as_secs_f64();
    let summary = ScanSummary::of(&out);
    let mut positions: Vec<(u64, u64)> = input
        .addresses
        .iter()
        .map(|a| (a.x.to_bits(), a.y.to_bits()))
        .collect();
    positions.sort_unstable();
    positions.dedup();
    BenchReport {
        addresses: n,
        positions: positions.len(),
        businesses: input.businesses.len(),
        incidents: input.incidents.len(),
        signals: input.signals.len(),
        municipalities: input.municipalities.len(),
        threads: rayon::current_num_threads(),
        generate_secs,
        scan_secs,
        phases,
        hoog: summary.hoog,
        midden: summary.midden,
        laag: summary.laag,
        mean_oad: out.addresses.iter().map(|r| r.oad).sum::<f64>() / n.max(1) as f64,
    }
}

#[cfg(test)]
mod tests;
