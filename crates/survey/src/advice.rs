//! The handelingsperspectief: recommended measures chosen by explicit rules
//! from the results. Rules and measures are data (serde), so a region can
//! adjust thresholds; [`default_rules`] holds the proposal. Every
//! recommendation carries the figures and thresholds that triggered it.
//!
//! The default thresholds are proposals, anchored where possible on the
//! published figures of survey.md §B (e.g. willingness to report "almost
//! 2 in 3", 30 % who would not recognise the signs).

use serde::{Deserialize, Serialize};

use crate::stats::MetricValue;

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The figure is below the threshold.
    Below,
    /// The figure is at or above the threshold.
    AtLeast,
}

/// A measure the municipality can take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub id: String,
    pub title_nl: String,
    pub title_en: String,
    pub text_nl: String,
    pub text_en: String,
    /// The module of the Veilig Buitengebied approach, if any.
    pub module: Option<String>,
}

/// One rule: if metric `metric` compares to `threshold` as `when` (on a base
/// of at least `min_base` respondents), recommend `measure`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub metric: String,
    pub when: Comparison,
    pub threshold: f64,
    #[serde(default = "default_min_base")]
    pub min_base: u64,
    pub measure: String,
}

fn default_min_base() -> u64 {
    30
}

/// The rules and the measures they point to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub measures: Vec<Measure>,
}

/// Why a measure is recommended: one fired rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    pub rule: String,
    pub metric: String,
    pub label_nl: String,
    pub label_en: String,
    /// The figure; `None` when it may not be published (the rule still
    /// fired on the full data).
    pub figure: Option<f64>,
    pub base: u64,
    pub when: Comparison,
    pub threshold: f64,
}

impl Trigger {
    /// "Meldingsbereidheid: 58% (drempel: onder 65%)".
    pub fn explain_nl(&self) -> String {
        let fig = self
            .figure
            .map_or("x".into(), |f| fmt_value(&self.metric, f, true));
        let th = fmt_value(&self.metric, self.threshold, true);
        let op = match self.when {
            Comparison::Below => "onder",
            Comparison::AtLeast => "vanaf",
        };
        format!(
            "{}: {fig} (n = {}; drempel: {op} {th})",
            self.label_nl, self.base
        )
    }
    /// "Willingness to report: 58% (threshold: below 65%)".
    pub fn explain_en(&self) -> String {
        let fig = self
            .figure
            .map_or("x".into(), |f| fmt_value(&self.metric, f, false));
        let th = fmt_value(&self.metric, self.threshold, false);
        let op = match self.when {
            Comparison::Below => "below",
            Comparison::AtLeast => "from",
        };
        format!(
            "{}: {fig} (n = {}; threshold: {op} {th})",
            self.label_en, self.base
        )
    }
}

fn fmt_value(metric: &str, v: f64, nl: bool) -> String {
    if metric == "kennis_signalen" && nl {
        format!("{v:.2}").replace('.', ",")
    } else if metric == "kennis_signalen" {
        format!("{v:.2}")
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

/// A recommended measure with everything that triggered it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub measure: Measure,
    pub triggers: Vec<Trigger>,
}

/// Applies the rules to computed metrics. `publishable(metric)` decides
/// whether a trigger may show its figure. Measures come in the order of
/// `rules.measures`; rules whose metric is missing or whose base is too
/// small do not fire.
pub fn recommend(
    rules: &RuleSet,
    metrics: &[MetricValue],
    publishable: impl Fn(&MetricValue) -> bool,
) -> Vec<Recommendation> {
    let mut out: Vec<Recommendation> = Vec::new();
    for measure in &rules.measures {
        let mut triggers = Vec::new();
        for rule in rules.rules.iter().filter(|r| r.measure == measure.id) {
            let Some(m) = metrics.iter().find(|m| m.id == rule.metric) else {
                continue;
            };
            let v = m.value.estimate;
            if m.base < rule.min_base || v.is_nan() {
                continue;
            }
            let fires = match rule.when {
                Comparison::Below => v < rule.threshold,
                Comparison::AtLeast => v >= rule.threshold,
            };
            if fires {
                triggers.push(Trigger {
                    rule: rule.id.clone(),
                    metric: m.id.clone(),
                    label_nl: m.label_nl.clone(),
                    label_en: m.label_en.clone(),
                    figure: publishable(m).then_some(v),
                    base: m.base,
                    when: rule.when,
                    threshold: rule.threshold,
                });
            }
        }
        if !triggers.is_empty() {
            out.push(Recommendation {
                measure: measure.clone(),
                triggers,
            });
        }
    }
    out
}

/// The default rules and measures (a proposal; thresholds configurable).
pub fn default_rules() -> RuleSet {
    let m = |id: &str, module: Option<&str>, tnl: &str, ten: &str, xnl: &str, xen: &str| Measure {
        id: id.into(),
        title_nl: tnl.into(),
        title_en: ten.into(),
        text_nl: xnl.into(),
        text_en: xen.into(),
        module: module.map(String::from),
    };
    let r = |id: &str, metric: &str, when, threshold, measure: &str| Rule {
        id: id.into(),
        metric: metric.into(),
        when,
        threshold,
        min_base: 30,
        measure: measure.into(),
    };
    use Comparison::{AtLeast, Below};
    RuleSet {
        measures: vec![
            m(
                "voorlichting_signalen",
                Some("Module 2 – Voorlichting"),
                "Voorlichting over signalen",
                "Information on the signs",
                "Organiseer een informatiebijeenkomst met burgemeester, AOV'er en wijkagent, en verspreid een veiligheidskrant of flyer over het herkennen van hennepkwekerijen, drugslabs en drugsafval.",
                "Hold an information meeting with the mayor, the safety adviser and the community officer, and distribute a safety newspaper or leaflet on recognising cannabis farms, drug labs and drug waste.",
            ),
            m(
                "mma_warm_aanbieden",
                Some("Module 2 – Voorlichting"),
                "Meld Misdaad Anoniem onder de aandacht en melders \"warm aanbieden\"",
                "Promote Meld Misdaad Anoniem and \"warm referral\" of reporters",
                "Maak Meld Misdaad Anoniem (0800-7000) bekend, leg uit hoe anoniem melden werkt, en zorg dat wie twijfelt persoonlijk in contact wordt gebracht met de wijkagent of een vertrouwenspersoon (warm aanbieden).",
                "Make Meld Misdaad Anoniem (0800-7000) known, explain how anonymous reporting works, and make sure that people in doubt are personally put in touch with the community officer or a confidential adviser (warm referral).",
            ),
            m(
                "terugkoppeling",
                None,
                "Terugkoppelen wat er met meldingen gebeurt",
                "Report back on what happens with reports",
                "Laat in de gemeentelijke communicatie en op bijeenkomsten zien wat er met meldingen is gedaan, zonder melders herkenbaar te maken.",
                "Show in municipal communication and at meetings what was done with reports, without making reporters recognisable.",
            ),
            m(
                "veilig_verhuren",
                Some("Module 5 – Bewustwording op locatie"),
                "Workshop veilig verhuren en erfbezoeken",
                "Safe letting workshop and farmyard visits",
                "Organiseer een workshop veilig verhuren van schuren en loodsen en bezoek eigenaren van leegstaande gebouwen op het erf (de boer op) met toezichthouder en wijkagent.",
                "Hold a workshop on letting barns and sheds safely, and visit owners of vacant buildings on their farmyard with an inspector and the community officer.",
            ),
            m(
                "drugsafval",
                Some("Module 2 – Voorlichting"),
                "Voorlichting en protocol drugsafval",
                "Information and protocol on drug waste",
                "Leg uit wat te doen bij vondsten van vaten en jerrycans (niet aanraken, 112 bij gevaar, anders 0900-8844) en stem het protocol drugsdumpingen af met waterschap en omgevingsdienst.",
                "Explain what to do when drums or jerrycans are found (do not touch, 112 in case of danger, otherwise 0900-8844) and agree the drug-dumping protocol with the water board and the environment service.",
            ),
            m(
                "agrocoach",
                Some("Module 5 – Bewustwording op locatie"),
                "Agro-coach voor kwetsbare ondernemers",
                "Agro-coach for vulnerable entrepreneurs",
                "Bied ondernemers met financiële zorgen of plannen om te stoppen vertrouwelijke hulp van een agro-coach aan, zodat zij minder kwetsbaar zijn voor criminele voorstellen.",
                "Offer entrepreneurs with financial worries or plans to stop confidential help from an agro-coach, so that they are less vulnerable to criminal proposals.",
            ),
        ],
        rules: vec![
            r(
                "kennis_signalen_laag",
                "kennis_signalen",
                Below,
                0.40,
                "voorlichting_signalen",
            ),
            r(
                "kennis_zelf_laag",
                "kennis_laag",
                AtLeast,
                0.30,
                "voorlichting_signalen",
            ),
            r(
                "meldingsbereidheid_laag",
                "meldingsbereidheid",
                Below,
                0.65,
                "mma_warm_aanbieden",
            ),
            r(
                "vertrouwen_anoniem_laag",
                "vertrouwen_anoniem",
                Below,
                0.50,
                "mma_warm_aanbieden",
            ),
            r(
                "mma_onbekend",
                "mma_onbekend",
                AtLeast,
                0.30,
                "mma_warm_aanbieden",
            ),
            r(
                "niet_gemeld",
                "niet_gemeld",
                AtLeast,
                0.50,
                "mma_warm_aanbieden",
            ),
            r(
                "vertrouwen_opvolging_laag",
                "vertrouwen_opvolging",
                Below,
                0.40,
                "terugkoppeling",
            ),
            r(
                "leegstand_hoog",
                "leegstand",
                AtLeast,
                0.15,
                "veilig_verhuren",
            ),
            r(
                "benaderd_hoog",
                "benaderd",
                AtLeast,
                0.10,
                "veilig_verhuren",
            ),
            r(
                "afval_overlast",
                "afval_overlast",
                AtLeast,
                0.25,
                "drugsafval",
            ),
            r(
                "afval_verkeerd",
                "afval_verkeerd",
                AtLeast,
                0.10,
                "drugsafval",
            ),
            r("hulp_gevraagd", "hulp_gevraagd", AtLeast, 0.05, "agrocoach"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Interval, default_metrics};

    fn mv(id: &str, v: f64, base: u64) -> MetricValue {
        MetricValue {
            id: id.into(),
            label_nl: id.into(),
            label_en: id.into(),
            headline: false,
            base,
            count: None,
            value: Interval {
                estimate: v,
                se: 0.0,
                lower: v,
                upper: v,
            },
        }
    }

    #[test]
    fn rules_fire_with_their_figures() {
        let rules = default_rules();
        let metrics = vec![
            mv("meldingsbereidheid", 0.58, 400),
            mv("vertrouwen_anoniem", 0.45, 380),
            mv("kennis_signalen", 0.55, 400),
            mv("leegstand", 0.20, 20),
        ];
        let recs = recommend(&rules, &metrics, |_| true);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].measure.id, "mma_warm_aanbieden");
        assert_eq!(recs[0].triggers.len(), 2);
        assert_eq!(recs[0].triggers[0].figure, Some(0.58));
        assert_eq!(recs[0].triggers[0].threshold, 0.65);
        assert_eq!(
            recs[0].triggers[0].explain_nl(),
            "meldingsbereidheid: 58% (n = 400; drempel: onder 65%)"
        );
        let hidden = recommend(&rules, &metrics, |_| false);
        assert_eq!(hidden[0].triggers[0].figure, None);
        assert!(hidden[0].triggers[0].explain_en().contains(": x ("));
    }

    #[test]
    fn rules_are_data_and_refer_to_known_metrics_and_measures() {
        let rules = default_rules();
        let metrics: Vec<String> = default_metrics().into_iter().map(|m| m.id).collect();
        for r in &rules.rules {
            assert!(metrics.contains(&r.metric), "{}", r.metric);
            assert!(
                rules.measures.iter().any(|m| m.id == r.measure),
                "{}",
                r.measure
            );
        }
        let json = serde_json::to_string(&rules).unwrap_or_default();
        let back: RuleSet = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, rules);
    }
}
