//! The gebiedsscan engine: an exact implementation of
//! `shared/spec/gebiedsscan-v1.md`.
//!
//! [`scan`] is the fast engine (uniform grid, both cores); [`reference::scan`]
//! is a plain brute-force transcription of the spec that the property tests
//! compare it with. [`io`] reads the five input files and writes the three
//! output files byte-exactly. Pure: no tokio, no SQL, no HTTP.

pub mod engine;
pub mod io;
pub mod model;
pub mod reference;
pub mod synth;

pub use engine::scan;
pub use io::{ScanError, read_input_dir, run_dir, write_output_dir};
pub use model::*;

/// Timing of one engine run over synthetic data (for `buitenzicht bench scan`).
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub addresses: usize,
    pub incidents: usize,
    pub signals: usize,
    pub generate_secs: f64,
    pub scan_secs: f64,
}

/// Generate `n` synthetic addresses (deterministic) and time the engine on them.
pub fn bench(n: usize, seed: u64) -> BenchReport {
    let t = std::time::Instant::now();
    let input = synth::generate(n, seed);
    let generate_secs = t.elapsed().as_secs_f64();
    let peildatum = time::macros::date!(2026 - 06 - 30);
    let t = std::time::Instant::now();
    let out = scan(&input, peildatum);
    let scan_secs = t.elapsed().as_secs_f64();
    assert_eq!(out.addresses.len(), n);
    BenchReport {
        addresses: n,
        incidents: input.incidents.len(),
        signals: input.signals.len(),
        generate_secs,
        scan_secs,
    }
}
#[cfg(test)]
mod tests;
