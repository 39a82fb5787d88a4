//! `cargo run -p bz-pdf --example gemeente -- OUT.pdf [KINDS]`: writes the
//! sample municipality report, for a look at the layout.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "gemeente.pdf".into());
    let kinds = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);
    let report = bz_pdf::GemeenteReport::sample(kinds);
    let pdf = match report.render(time::macros::date!(2026 - 12 - 03)) {
        Ok(pdf) => pdf,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(&out, &pdf) {
        eprintln!("{out}: {e}");
        return ExitCode::FAILURE;
    }
    println!("{out}: {} bytes", pdf.len());
    ExitCode::SUCCESS
}
