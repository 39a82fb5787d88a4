//! Render time of the municipality report.

use std::time::Instant;

use crate::gemeente::GemeenteReport;

/// Renders the sample municipality report (8 incident kinds, one page) `n`
/// times and returns the mean time per render in milliseconds.
///
/// Each render has different data (the name and a figure change), as in real
/// use: Typst memoizes across compilations, and the same document twice would
/// mostly be served from that cache. The first, untimed render warms the font
/// and library caches. Returns NaN when `n` is 0 or a render fails.
pub fn bench(n: usize) -> f64 {
    let today = time::macros::date!(2026 - 12 - 03);
    let mut docs = Vec::with_capacity(n + 1);
    for i in 0..=n {
        let mut report = GemeenteReport::sample(8);
        report.name = format!("Heidewolde {i}");
        if let Some(f) = report.figures.first_mut() {
            f.value = format!("{}", 5000 + i);
        }
        match report.document(today) {
            Ok(doc) => docs.push(doc),
            Err(_) => return f64::NAN,
        }
    }
    let Some((first, rest)) = docs.split_first() else {
        return f64::NAN;
    };
    if n == 0 || crate::render(first).is_err() {
        return f64::NAN;
    }
    let start = Instant::now();
    for doc in rest {
        if crate::render(doc).is_err() {
            return f64::NAN;
        }
    }
    start.elapsed().as_secs_f64() * 1000.0 / n as f64
}
