//! The municipality "in één oogopslag" on A4: key figures, incidents per year
//! (bar chart) and per kind per year (table), the latest scan's class
//! distribution (chart and table).
//!
//! The template [`GEMEENTE`] reads `data.json`, written from a
//! [`GemeenteReport`]. Every text in the PDF comes from the report, already
//! translated and formatted by the caller (numbers with the locale's
//! separators, small counts suppressed as `"< 5"` where the reader may not see
//! them); the template only lays it out. Example (`years`, `counts`,
//! `incident_totals` and `incident_values` have one entry per year):
//!
//! ```json
//! {
//!   "lang": "nl",
//!   "title": "De gemeente in één oogopslag",
//!   "name": "Heidewolde",
//!   "code": "GM9901",
//!   "area_km2": "123",
//!   "generated": "3 december 2026",
//!   "figures": [{ "label": "adressen in het buitengebied", "value": "5.478" }],
//!   "years": ["2022", "2023", "2024", "2025", "2026"],
//!   "incidents": [{ "kind": "Hennepteelt", "counts": ["3", "< 5", "0", "7", "2"] }],
//!   "incident_totals": ["3", "< 5", "0", "7", "2"],
//!   "incident_values": [3, 1, 0, 7, 2],
//!   "classes": [{ "label": "hoog", "value": 13, "shown": "13" }],
//!   "scan_note": "Gebiedsscan van 1 november 2026",
//!   "notes": ["Aantallen van 1 tot en met 4 staan als '< 5'."],
//!   "labels": {
//!     "code": "CBS-code", "area": "Oppervlakte", "figures": "Kerncijfers",
//!     "incidents": "Incidenten van partners, afgelopen vijf jaar",
//!     "chart_incidents": "Incidenten per jaar",
//!     "incidents_table": "Incidenten per soort per jaar",
//!     "kind": "Soort", "total": "Totaal", "no_incidents": "Geen incidenten.",
//!     "scan": "Gebiedsscan",
//!     "chart_classes": "Adressen per klasse in de nieuwste gebiedsscan",
//!     "class": "Klasse", "count": "Adressen", "no_scan": "Nog geen gebiedsscan.",
//!     "generated": "Gemaakt op", "page_of": "pagina {page} van {pages}"
//!   }
//! }
//! ```

use serde::Serialize;

use crate::{Document, PdfError, render};

/// The Typst template of the municipality at a glance; reads `data.json`.
pub const GEMEENTE: &str = include_str!("../templates/gemeente.typ");

/// The data of [`GEMEENTE`], written as its `data.json`.
#[derive(Debug, Clone, Serialize)]
pub struct GemeenteReport {
    /// Language of the text (`"nl"`, `"en"`): hyphenation, quotes.
    pub lang: String,
    /// Title in the page header, after "Buitenzicht — ".
    pub title: String,
    /// The municipality's name, the page's heading.
    pub name: String,
    /// CBS code, e.g. `"GM9901"`.
    pub code: String,
    /// Area in km², formatted.
    pub area_km2: String,
    /// Generation date, formatted for the reader (shown in the footer).
    pub generated: String,
    /// Key figures, shown as a grid.
    pub figures: Vec<Figure>,
    /// The years of the incident chart and table, oldest first.
    pub years: Vec<String>,
    /// Incidents per kind, one count per year (shown text).
    pub incidents: Vec<IncidentRow>,
    /// Incidents per year over all kinds (shown text), the table's last row.
    pub incident_totals: Vec<String>,
    /// Incidents per year over all kinds as numbers: the bar lengths.
    pub incident_values: Vec<u64>,
    /// Addresses per class in the latest scan; empty when there is no scan.
    pub classes: Vec<Bar>,
    /// A line about the scan (its date, or that there is none).
    pub scan_note: String,
    /// Notes printed under the figures (e.g. how small counts are shown).
    pub notes: Vec<String>,
    /// Headings and captions.
    pub labels: GemeenteLabels,
}

/// A key figure: its label and its formatted value.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// One kind of incident with its shown count per year.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub kind: String,
    pub counts: Vec<String>,
}

/// One bar of a chart: label, the number that sets its length, the text shown.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub shown: String,
}

/// Headings and captions of [`GEMEENTE`], already translated.
#[derive(Debug, Clone, Serialize)]
pub struct GemeenteLabels {
    /// "CBS-code"
    pub code: String,
    /// "Oppervlakte"
    pub area: String,
    /// "Kerncijfers"
    pub figures: String,
    /// Heading of the incidents section.
    pub incidents: String,
    /// Caption of the incidents-per-year chart.
    pub chart_incidents: String,
    /// Caption of the incidents table.
    pub incidents_table: String,
    /// Header of the table's first column ("Soort").
    pub kind: String,
    /// "Totaal"
    pub total: String,
    /// Shown instead of chart and table when there are no incidents.
    pub no_incidents: String,
    /// Heading of the scan section.
    pub scan: String,
    /// Caption of the class chart.
    pub chart_classes: String,
    /// Header of the class column ("Klasse").
    pub class: String,
    /// Header of the count column ("Adressen").
    pub count: String,
    /// Shown when there is no scan.
    pub no_scan: String,
    /// Before the generation date in the footer ("Gemaakt op").
    pub generated: String,
    /// Page numbering with `{page}` and `{pages}`: "pagina {page} van {pages}".
    pub page_of: String,
}

impl GemeenteReport {
    /// Renders this report with [`GEMEENTE`] to PDF bytes. Blocking.
    pub fn render(&self, today: time::Date) -> Result<Vec<u8>, PdfError> {
        render(&self.document(today)?)
    }

    /// The [`Document`] of this report: [`GEMEENTE`] with `data.json`.
    pub fn document(&self, today: time::Date) -> Result<Document<'static>, PdfError> {
        Ok(Document {
            template: GEMEENTE,
            files: vec![("data.json".into(), serde_json::to_vec(self)?)],
            today,
        })
    }

    /// A fictitious municipality in Dutch, for tests, benchmarks and
    /// previews; `kinds` incident kinds (the first eight have real names).
    pub fn sample(kinds: usize) -> Self {
        const KINDS: [&str; 8] = [
            "Hennepteelt",
            "Synthetische drugs: productie",
            "Drugsafval gedumpt",
            "Opslag van chemicaliën",
            "Verdachte verhuur van schuur",
            "Ondermijnende bedrijvigheid",
            "Illegale bewoning",
            "Overig",
        ];
        let years: Vec<String> = (2022..=2026).map(|y| y.to_string()).collect();
        // Dutch thousands separators; 1–4 suppressed as "< 5".
        let shown = |n: u64| {
            if (1..5).contains(&n) {
                return "< 5".to_string();
            }
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push('.');
                }
                out.push(c);
            }
            out
        };
        let mut totals = vec![0u64; years.len()];
        let incidents = (0..kinds)
            .map(|k| {
                let kind = KINDS
                    .get(k)
                    .map_or_else(|| format!("Soort {}", k + 1), |s| s.to_string());
                let counts = (0..years.len())
                    .map(|y| {
                        let n = ((k * 7 + y * 5) % 11) as u64;
                        totals[y] += n;
                        shown(n)
                    })
                    .collect();
                IncidentRow { kind, counts }
            })
            .collect();
        Self {
            lang: "nl".into(),
            title: "De gemeente in één oogopslag".into(),
            name: "Heidewolde".into(),
            code: "GM9901".into(),
            area_km2: "123".into(),
            generated: "3 december 2026".into(),
            figures: vec![
                Figure {
                    label: "adressen in het buitengebied (nieuwste scan)".into(),
                    value: "5.478".into(),
                },
                Figure {
                    label: "agrarische bedrijven".into(),
                    value: "412".into(),
                },
                Figure {
                    label: "incidenten, afgelopen vijf jaar".into(),
                    value: totals.iter().sum::<u64>().to_string(),
                },
                Figure {
                    label: "incidenten, afgelopen tien jaar".into(),
                    value: (totals.iter().sum::<u64>() * 2).to_string(),
                },
                Figure {
                    label: "erfbezoeken dit jaar".into(),
                    value: "87".into(),
                },
                Figure {
                    label: "verwijzingen naar de erfcoach".into(),
                    value: "< 5".into(),
                },
            ],
            incident_totals: totals.iter().map(|&n| shown(n)).collect(),
            incident_values: totals,
            years,
            incidents,
            classes: [("hoog", 13), ("midden", 148), ("laag", 5317)]
                .into_iter()
                .map(|(label, value)| Bar {
                    label: label.into(),
                    value,
                    shown: shown(value),
                })
                .collect(),
            scan_note: "Gebiedsscan met peildatum 1 november 2026.".into(),
            notes: vec![
                "Aantallen van 1 tot en met 4 staan als '< 5', zodat niets over één adres te herleiden is.".into(),
            ],
            labels: GemeenteLabels {
                code: "CBS-code".into(),
                area: "Oppervlakte".into(),
                figures: "Kerncijfers".into(),
                incidents: "Incidenten van partners, afgelopen vijf jaar".into(),
                chart_incidents: "Incidenten per jaar".into(),
                incidents_table: "Incidenten per soort per jaar".into(),
                kind: "Soort".into(),
                total: "Totaal".into(),
                no_incidents: "Geen incidenten in deze jaren.".into(),
                scan: "Gebiedsscan".into(),
                chart_classes: "Adressen per klasse in de nieuwste gebiedsscan".into(),
                class: "Klasse".into(),
                count: "Adressen".into(),
                no_scan: "Er is nog geen gebiedsscan.".into(),
                generated: "Gemaakt op".into(),
                page_of: "pagina {page} van {pages}".into(),
            },
        }
    }
}
