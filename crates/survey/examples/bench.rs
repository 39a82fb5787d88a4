//! Report benchmark: `cargo run --release -p bz-survey --example bench [N]`
//! (default 10 000 synthetic responses to the default survey).
fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let r = bz_survey::synth::bench(n);
    println!(
        "responses {} of {} invited: generate {:.1} ms, analyse (published) {:.1} ms, analyse (analyst) {:.1} ms",
        r.responses,
        r.invited,
        r.generate.as_secs_f64() * 1000.0,
        r.analyse_published.as_secs_f64() * 1000.0,
        r.analyse_analyst.as_secs_f64() * 1000.0
    );
}
