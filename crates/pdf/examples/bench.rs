//! `cargo run --release -p bz-pdf --example bench -- [N]`: mean render time
//! of the municipality report over N renders (default 20).

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let ms = bz_pdf::bench::bench(n);
    println!("gemeente report: {ms:.1} ms per render (mean of {n})");
}
