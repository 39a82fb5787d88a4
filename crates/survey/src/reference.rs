//! Published reference figures (survey.md §B1), with their sources.
//!
//! The populations differ from a municipal survey (farmers or members of a
//! farmers' organisation there; all residents and building owners of the
//! buitengebied here), the question wording differs, and most are
//! self-selected samples. The report always shows [`CAUTION_NL`].

use serde::Serialize;

/// One published figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceFigure {
    /// The metric it can be compared with (see `stats::default_metrics`).
    pub metric: &'static str,
    /// The figure (a share between 0 and 1); `high` for a published range.
    pub value: f64,
    pub high: Option<f64>,
    /// How the source put it.
    pub as_published: &'static str,
    pub study: &'static str,
    pub year: &'static str,
    pub population_nl: &'static str,
    pub population_en: &'static str,
    pub respondents: Option<u32>,
    pub source: &'static str,
}

/// Caution shown with every comparison (Dutch).
pub const CAUTION_NL: &str = "Let op: deze landelijke en regionale cijfers gaan over andere groepen (vooral agrariërs of leden van een agrarische organisatie), met andere vraagformuleringen en meestal zelfgekozen deelname. Ze zijn een ijkpunt, geen maatstaf; verschillen zijn geen trend.";
/// Caution shown with every comparison (English).
pub const CAUTION_EN: &str = "Note: these national and regional figures concern other groups (mostly farmers or members of a farmers' organisation), with different question wording and mostly self-selected response. They are a point of reference, not a benchmark; differences are not a trend.";

/// The reference figures of survey.md §B1.
pub fn reference_figures() -> Vec<ReferenceFigure> {
    vec![
        ReferenceFigure {
            metric: "benaderd",
            value: 0.15,
            high: None,
            as_published: "15% (\"1 op de 7\")",
            study: "Trouw, De Staat van de Boer (Geelen Consultancy, advies WUR)",
            year: "2018",
            population_nl: "agrarische bedrijven in Nederland (link naar 15.000 bedrijven)",
            population_en: "farm businesses in the Netherlands (link sent to 15,000)",
            respondents: Some(2200),
            source: "https://www.nrc.nl/nieuws/2018/07/04/nrc-checkt-vijftien-procent-van-de-boeren-wordt-benaderd-door-criminelen-a1608846",
        },
        ReferenceFigure {
            metric: "benaderd",
            value: 0.13,
            high: None,
            as_published: "13% (\"1 op 8\")",
            study: "Omroep Brabant-panel met ZLTO",
            year: "2017",
            population_nl: "Brabantse boeren",
            population_en: "farmers in Brabant",
            respondents: Some(123),
            source: "https://www.nrc.nl/nieuws/2017/09/18/nrc-checkt-eenvijfde-brabantse-boeren-wordt-benaderd-voor-drugsproductie-13069811-a1573898",
        },
        ReferenceFigure {
            metric: "benaderd",
            value: 0.19,
            high: None,
            as_published: "\"bijna een op de vijf\"",
            study: "Brabantse Onderzoeksredactie en Investico (veldwerk AgriDirect)",
            year: "2019",
            population_nl: "Brabantse boeren (representatieve steekproef)",
            population_en: "farmers in Brabant (representative sample)",
            respondents: Some(426),
            source: "https://www.platform-investico.nl/onderzoeken/boeren-boeven-en-boas",
        },
        ReferenceFigure {
            metric: "benaderd",
            value: 1.0 / 6.0,
            high: None,
            as_published: "\"1 op 6\"",
            study: "TwynstraGudde voor Aanjaagteam Ondermijning en ZLTO",
            year: "2020",
            population_nl: "leden van ZLTO (6.145 aangeschreven)",
            population_en: "ZLTO members (6,145 invited)",
            respondents: Some(673),
            source: "https://www.nrc.nl/nieuws/2021/06/07/kwetsbareboeren-vaker-doelwit-van-criminelen-a4046295",
        },
        ReferenceFigure {
            metric: "benaderd",
            value: 0.11,
            high: None,
            as_published: "11%",
            study: "LTO Noord ledenpeiling",
            year: "2023 (waarschijnlijk)",
            population_nl: "ondernemers boven de rivieren",
            population_en: "entrepreneurs north of the rivers",
            respondents: Some(400),
            source: "https://brekt.nl/drugscriminelen-weten-boeren-boven-de-rivieren-ook-vaker-te-vinden",
        },
        ReferenceFigure {
            metric: "meldingsbereidheid",
            value: 0.65,
            high: None,
            as_published: "\"bijna 2 op 3\" zou melden",
            study: "TwynstraGudde voor Aanjaagteam Ondermijning en ZLTO",
            year: "2020",
            population_nl: "leden van ZLTO",
            population_en: "ZLTO members",
            respondents: Some(673),
            source: "https://www.twynstragudde.nl/inzichten/zeven-factoren-die-invloed-zijn-op-de-meldingsbereidheid-van-vermoedens-bij-ondermijning",
        },
        ReferenceFigure {
            metric: "meldingsbereidheid",
            value: 0.63,
            high: Some(0.79),
            as_published: "meldintentie 63%–79%",
            study: "Verwey-Jonker Instituut en Bureau Broekhuizen voor Taskforce Brabant-Zeeland",
            year: "2018",
            population_nl: "bewoners van Brabant en Zeeland",
            population_en: "residents of Brabant and Zeeland",
            respondents: None,
            source: "https://www.verwey-jonker.nl/artikel/lang-niet-alle-bewoners-melden-ondermijnende-criminaliteit-in-hun-buurt/",
        },
        ReferenceFigure {
            metric: "kennis_laag",
            value: 0.30,
            high: None,
            as_published: "30% zou de signalen waarschijnlijk niet herkennen",
            study: "LTO Noord ledenpeiling",
            year: "2023 (waarschijnlijk)",
            population_nl: "ondernemers boven de rivieren",
            population_en: "entrepreneurs north of the rivers",
            respondents: Some(400),
            source: "https://brekt.nl/drugscriminelen-weten-boeren-boven-de-rivieren-ook-vaker-te-vinden",
        },
        ReferenceFigure {
            metric: "opgemerkt",
            value: 0.15,
            high: None,
            as_published: "15% vermoedt drugscriminaliteit in de omgeving",
            study: "Brabantse Onderzoeksredactie en Investico (veldwerk AgriDirect)",
            year: "2019",
            population_nl: "Brabantse boeren (representatieve steekproef)",
            population_en: "farmers in Brabant (representative sample)",
            respondents: Some(426),
            source: "https://www.platform-investico.nl/onderzoeken/boeren-boeven-en-boas",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::default_metrics;

    #[test]
    fn every_figure_has_a_source_and_a_metric() {
        let metrics: Vec<String> = default_metrics().into_iter().map(|m| m.id).collect();
        for f in reference_figures() {
            assert!(f.source.starts_with("http"));
            assert!(metrics.iter().any(|m| m == f.metric), "{}", f.metric);
            assert!((0.0..=1.0).contains(&f.value));
        }
    }
}
