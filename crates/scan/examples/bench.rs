//! `cargo run --release -p bz-scan --example bench -- 1000000 [seed]`
fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let r = bz_scan::bench(n, seed);
    println!("{r:?}");
}
