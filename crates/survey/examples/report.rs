//! Prints the demo report as text: `cargo run -p bz-survey --example report [en] [analyst]`.
use bz_survey::report::PoliceFigure;
use bz_survey::synth::{synthetic_population, synthetic_responses};
use bz_survey::{Audience, Lang, ReportConfig, analyse, default_survey};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let def = default_survey();
    let pop = synthetic_population(3000);
    let responses = synthetic_responses(&def, &pop, 0.3, 2026);
    let config = ReportConfig {
        language: if args.iter().any(|a| a == "en") {
            Lang::En
        } else {
            Lang::Nl
        },
        audience: if args.iter().any(|a| a == "analyst") {
            Audience::Analyst
        } else {
            Audience::Published
        },
        municipality: "Demogemeente".into(),
        police: vec![
            PoliceFigure {
                kind: "hennepkwekerij".into(),
                year: 2025,
                count: 14,
            },
            PoliceFigure {
                kind: "drugslab".into(),
                year: 2025,
                count: 2,
            },
            PoliceFigure {
                kind: "drugsdumping".into(),
                year: 2025,
                count: 6,
            },
        ],
        ..ReportConfig::default()
    };
    print!("{}", analyse(&def, &responses, &pop, &config).to_text());
}
