//! Time the engine on synthetic data, and optionally the file round trip:
//!
//! `cargo run --release -p bz-scan --example bench -- 1000000 [seed] [dir]`
//!
//! With `dir`, the synthetic input is written to `dir/in`, then
//! `run_dir(dir/in, 2026-06-30, dir/out)` is timed (read, scan, write), so
//! other implementations can be run on the same files.
//!
//! `… --example bench -- run DIR` only times `run_dir(DIR/in, …, DIR/out)` on
//! files written before, so `/usr/bin/time` reports the peak memory of the
//! read + scan + write alone.
fn main() {
    let mut args = std::env::args().skip(1);
    if std::env::args().nth(1).as_deref() == Some("run") {
        let Some(dir) = std::env::args().nth(2).map(std::path::PathBuf::from) else {
            eprintln!("usage: bench run DIR");
            std::process::exit(2);
        };
        run(&dir);
        return;
    }
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = args.next().map(std::path::PathBuf::from);
    let r = bz_scan::bench(n, seed);
    println!("{r:#?}");
    if let Some(dir) = dir {
        let input = bz_scan::synth::generate(n, seed);
        let t = std::time::Instant::now();
        if let Err(e) = bz_scan::io::write_input_dir(&input, &dir.join("in")) {
            eprintln!("{e}");
            return;
        }
        println!("write input: {:.2} s", t.elapsed().as_secs_f64());
        drop(input);
        run(&dir);
    }
}

/// Time `run_dir(dir/in, 2026-06-30, dir/out)`, then its stages one by one
/// (`BZ_BENCH_STAGES=1`).
fn run(dir: &std::path::Path) {
    if std::env::var_os("BZ_BENCH_STAGES").is_some() {
        stages(dir);
        return;
    }
    // Into a fresh directory (see `stages`).
    let _ = std::fs::remove_dir_all(dir.join("out"));
    let t = std::time::Instant::now();
    match bz_scan::run_dir(
        &dir.join("in"),
        time::macros::date!(2026 - 06 - 30),
        &dir.join("out"),
    ) {
        Ok(s) => println!("run_dir: {:.2} s {s:?}", t.elapsed().as_secs_f64()),
        Err(e) => eprintln!("{e}"),
    }
}

/// The stages of `run_dir` timed one by one: read, the engine's phases, write.
fn stages(dir: &std::path::Path) {
    // Into a fresh directory, as a first run would (overwriting a previous
    // run's files also costs the kernel the truncation of the old ones).
    let _ = std::fs::remove_dir_all(dir.join("out"));
    match bz_scan::run_dir_timed(
        &dir.join("in"),
        time::macros::date!(2026 - 06 - 30),
        &dir.join("out"),
    ) {
        Ok((_, t)) => println!(
            "read {:.3} s, scan {:.3} s ({:?}), write {:.3} s, total {:.3} s",
            t.read_secs,
            t.scan_secs,
            t.scan,
            t.write_secs,
            t.read_secs + t.scan_secs + t.write_secs
        ),
        Err(e) => eprintln!("{e}"),
    }
}
