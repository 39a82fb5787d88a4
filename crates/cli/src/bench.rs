//! `buitenzicht bench …`: performance figures printed for the notes. No test
//! asserts a time; these commands are the place where speed is measured.

use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;

/// Peak resident memory of this process so far (VmHWM), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn mib(bytes: Option<u64>) -> String {
    match bytes {
        Some(b) => format!("{:.0} MiB", b as f64 / (1024.0 * 1024.0)),
        None => "onbekend / unknown".into(),
    }
}

/// The gebiedsscan over `n` synthetic addresses, the way `buitenzicht scan`
/// runs it: read the five CSV files, scan, write the three output files.
///
/// The synthetic input is written first and flushed to disk (not timed), as
/// input files that exist before a scan would be; then the timed part runs
/// in a fresh process of this program ([`scan_dir`]), so that its peak
/// memory is that of reading, scanning and writing alone, not of the data
/// generation before it.
pub fn scan(n: usize, seed: u64, keep: Option<&Path>) -> Result<()> {
    let t = Instant::now();
    let input = bz_scan::synth::generate(n, seed);
    let tmp = std::env::temp_dir().join(format!("bz-bench-scan-{}", std::process::id()));
    let root = keep.unwrap_or(&tmp);
    let (in_dir, out_dir) = (root.join("input"), root.join("output"));
    std::fs::create_dir_all(&in_dir).with_context(|| in_dir.display().to_string())?;
    bz_scan::io::write_input_dir(&input, &in_dir)?;
    let mut input_bytes = 0;
    for entry in std::fs::read_dir(&in_dir)? {
        let path = entry?.path();
        let file = std::fs::File::open(&path).with_context(|| path.display().to_string())?;
        file.sync_all()
            .with_context(|| path.display().to_string())?;
        input_bytes += file.metadata()?.len();
    }
    println!(
        "bench scan: {} adressen, {} bedrijven, {} incidenten, {} signalen, {} gemeenten ({:.0} MB CSV)",
        input.addresses.len(),
        input.businesses.len(),
        input.incidents.len(),
        input.signals.len(),
        input.municipalities.len(),
        input_bytes as f64 / 1e6
    );
    drop(input);
    println!(
        "  synthetische data maken en schrijven (niet gemeten): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let exe = std::env::current_exe().context("dit programma / this program")?;
    let status = std::process::Command::new(&exe)
        .args(["bench", "scan", "--input"])
        .arg(&in_dir)
        .arg("--output")
        .arg(&out_dir)
        .status()
        .with_context(|| exe.display().to_string())?;
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    anyhow::ensure!(
        status.success(),
        "de gemeten scan is mislukt / the timed scan failed: {status}"
    );
    Ok(())
}

/// The timed part of [`scan`]: read `in_dir`, scan, write to `out_dir`,
/// printing the time of each stage and the peak memory of this process.
pub fn scan_dir(in_dir: &Path, out_dir: &Path) -> Result<()> {
    let peildatum = time::macros::date!(2026 - 06 - 30);
    // What `buitenzicht scan` runs, with the time of each stage.
    let (summary, t) = bz_scan::run_dir_timed(in_dir, peildatum, out_dir)?;
    let peak = peak_rss();
    let (read, scan, write, phases) = (t.read_secs, t.scan_secs, t.write_secs, t.scan);
    let total = read + scan + write;
    let n = summary.addresses;

    println!("  lezen (5 CSV-bestanden):   {read:7.3} s");
    println!(
        "  scan:                      {scan:7.3} s  (index {:.3}, buren {:.3}, adressen {:.3}, aggregaten {:.3})",
        phases.index_secs, phases.neighbours_secs, phases.addresses_secs, phases.aggregates_secs
    );
    println!("  schrijven (3 CSV-bestanden): {write:5.3} s");
    println!(
        "  totaal lezen+scan+schrijven: {total:5.3} s  ({:.0} adressen/s, {} threads)",
        n as f64 / total,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "  piekgeheugen (proces: lezen+scan+schrijven): {}",
        mib(peak)
    );
    println!(
        "  uitkomst: {} hoog, {} midden, {} laag; {} vierkanten",
        summary.hoog, summary.midden, summary.laag, summary.squares
    );
    Ok(())
}

/// The survey report for `n` synthetic responses: analysis (published and
/// analyst) and the HTML report page, each timed.
pub fn survey_report(n: usize) -> Result<()> {
    let r = bz_survey::synth::bench(n);
    let def = bz_survey::default_survey();
    let pop = bz_survey::synth::synthetic_population(r.invited);
    let mut responses = bz_survey::synth::synthetic_responses(&def, &pop, 0.3, 42);
    responses.truncate(n);
    let t = Instant::now();
    let report = bz_survey::analyse(&def, &responses, &pop, &bz_survey::ReportConfig::default());
    let analyse = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let html = bz_web::pages::survey_admin::report_html(report, bz_web::i18n::Lang::Nl)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let render = t.elapsed().as_secs_f64();
    println!(
        "bench survey-report: {} antwoorden van {} uitgenodigden",
        r.responses, r.invited
    );
    println!(
        "  analyse gepubliceerd {:.3} s, analyse analist {:.3} s",
        r.analyse_published.as_secs_f64(),
        r.analyse_analyst.as_secs_f64()
    );
    println!(
        "  rapport (analyse + HTML, {} kB): {:.3} s (analyse {analyse:.3} s, HTML {render:.3} s)",
        html.len() / 1024,
        analyse + render
    );
    Ok(())
}
