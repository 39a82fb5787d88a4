//! The residents' survey report as an A4 PDF: the same report the web page
//! shows (`bz_survey::Report`, already disclosure-controlled for its
//! audience), laid out by the template [`SURVEY_REPORT`] with bars drawn
//! beside the tables.

use serde::Serialize;

/// The template; reads `data.json` written from [`SurveyReportDoc`].
pub const SURVEY_REPORT: &str = include_str!("../templates/survey_report.typ");

/// Translated labels of the report.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyReportLabels {
    pub summary: String,
    pub method: String,
    pub responses: String,
    pub online: String,
    pub paper: String,
    pub indicators: String,
    pub indicator: String,
    pub share: String,
    pub interval: String,
    pub base: String,
    pub answer: String,
    pub count: String,
    pub references: String,
    pub ours: String,
    pub national: String,
    pub source: String,
    pub police: String,
    pub no_police: String,
    pub kind: String,
    pub year: String,
    pub advice: String,
    pub no_advice: String,
    pub because: String,
    pub generated: String,
    pub page_of: String,
}

/// The report with its labels.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyReportDoc<'a> {
    pub lang: String,
    pub generated: String,
    pub notice: String,
    pub labels: SurveyReportLabels,
    pub report: &'a bz_survey::Report,
}

/// Renders the report (blocking).
pub fn render(doc: &SurveyReportDoc<'_>, today: time::Date) -> Result<Vec<u8>, crate::PdfError> {
    crate::render(&crate::Document {
        template: SURVEY_REPORT,
        files: vec![("data.json".into(), serde_json::to_vec(doc)?)],
        today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> SurveyReportLabels {
        let s = |t: &str| t.to_string();
        SurveyReportLabels {
            summary: s("Samenvatting"),
            method: s("Methode en respons"),
            responses: s("Respons"),
            online: s("online"),
            paper: s("papier"),
            indicators: s("Kerncijfers"),
            indicator: s("Indicator"),
            share: s("Aandeel"),
            interval: s("95%-interval"),
            base: s("basis"),
            answer: s("Antwoord"),
            count: s("Aantal"),
            references: s("Landelijke cijfers"),
            ours: s("Hier"),
            national: s("Landelijk"),
            source: s("Bron"),
            police: s("Politiecijfers"),
            no_police: s("Geen incidenten."),
            kind: s("Soort"),
            year: s("Jaar"),
            advice: s("Handelingsperspectief"),
            no_advice: s("Geen maatregel."),
            because: s("Omdat"),
            generated: s("Gemaakt op"),
            page_of: s("pagina {page} van {pages}"),
        }
    }

    #[test]
    fn the_report_of_synthetic_answers_renders_with_its_sections() {
        let def = bz_survey::default_survey();
        let pop = bz_survey::synth::synthetic_population(3000);
        let responses = bz_survey::synth::synthetic_responses(&def, &pop, 0.3, 3);
        let config = bz_survey::ReportConfig {
            municipality: "Heidewolde".into(),
            police: vec![bz_survey::report::PoliceFigure {
                kind: "Hennepteelt".into(),
                year: 2025,
                count: 3,
            }],
            ..bz_survey::ReportConfig::default()
        };
        let report = bz_survey::analyse(&def, &responses, &pop, &config);
        let doc = SurveyReportDoc {
            lang: "nl".into(),
            generated: "3 december 2026".into(),
            notice: "Aantallen van 1 tot en met 4 staan als ‘< 5’.".into(),
            labels: labels(),
            report: &report,
        };
        let pdf = render(&doc, time::macros::date!(2026 - 12 - 03)).expect("render");
        let pages = crate::page_count(&pdf).expect("pages");
        assert!((3..=30).contains(&pages), "{pages} pages");
        let text = crate::extract_text(&pdf).expect("text");
        for s in [
            "Heidewolde",
            "Kerncijfers",
            "Politiecijfers",
            "Handelingsperspectief",
        ] {
            assert!(text.contains(s), "{s} in the PDF");
        }
    }
}
