//! Render time of the municipality report.

use std::time::Instant;

use crate::gemeente::GemeenteReport;

/// Renders the sample municipality report (8 incident kinds, one page) `n`
/// times and returns the mean time per render in milliseconds. The first,
/// untimed render warms the font and library caches. Returns NaN when `n` is
/// 0 or a render fails.
pub fn bench(n: usize) -> f64 {
    let report = GemeenteReport::sample(8);
    let today = time::macros::date!(2026 - 12 - 03);
    let Ok(doc) = report.document(today) else {
        return f64::NAN;
    };
    if crate::render(&doc).is_err() || n == 0 {
        return f64::NAN;
    }
    let start = Instant::now();
    for _ in 0..n {
        if crate::render(&doc).is_err() {
            return f64::NAN;
        }
    }
    start.elapsed().as_secs_f64() * 1000.0 / n as f64
}
