//! Statistics: confidence intervals with the finite population correction
//! (survey.md §C3), frequencies, response rates, cross-tabulations and the
//! indicators of §D.
//!
//! The default interval is the adjusted Wald interval with finite population
//! correction (Bonett; R `statpsych::ci.prop.fpc`):
//! p̃ = (f+2)/(n+4), SE = sqrt(p̃(1−p̃)/(n+4))·sqrt((N−n)/(N−1)),
//! p̃ ± z·SE clipped to [0, 1]. N is the number of invited addresses. The
//! margin covers sampling error only, not non-response bias.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::definition::{Definition, QuestionType};
use crate::runtime::{Answer, Answers};

/// z for a two-sided 95 % interval, as in survey.md §C3.
pub const Z95: f64 = 1.959964;

/// How a response came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    Paper,
}

/// One anonymous response: answers, the sub-area (if the municipality
/// defined sub-areas) and the channel. Nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub answers: Answers,
    pub area: Option<String>,
    pub channel: Channel,
}

/// The invited population: all addresses, and per sub-area.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Population {
    pub invited: u64,
    pub areas: BTreeMap<String, u64>,
}

/// An estimate with its standard error and interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub estimate: f64,
    pub se: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Finite population correction sqrt((N−n)/(N−1)); 0 when n ≥ N.
pub fn fpc(n: u64, population: u64) -> f64 {
    if population <= 1 || n >= population {
        return 0.0;
    }
    ((population - n) as f64 / (population - 1) as f64).sqrt()
}

/// The standard normal quantile (Acklam's rational approximation, relative
/// error below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || p.is_nan() {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.02425;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// z for a two-sided interval at level 1 − alpha (1.959964 for 0.05).
pub fn z_for(alpha: f64) -> f64 {
    if (alpha - 0.05).abs() < 1e-12 {
        return Z95;
    }
    normal_quantile(1.0 - alpha / 2.0)
}

/// Wald interval with FPC: p ± z·sqrt(p(1−p)/n)·sqrt((N−n)/(N−1)).
pub fn wald_fpc(alpha: f64, f: u64, n: u64, population: u64) -> Interval {
    if n == 0 {
        return Interval {
            estimate: f64::NAN,
            se: f64::NAN,
            lower: f64::NAN,
            upper: f64::NAN,
        };
    }
    let p = f as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt() * fpc(n, population);
    let z = z_for(alpha);
    Interval {
        estimate: p,
        se,
        lower: (p - z * se).max(0.0),
        upper: (p + z * se).min(1.0),
    }
}

/// Adjusted Wald interval with FPC (`statpsych::ci.prop.fpc(alpha, f, n, N)`).
/// The estimate is the adjusted p̃ = (f+2)/(n+4).
pub fn adjusted_wald_fpc(alpha: f64, f: u64, n: u64, population: u64) -> Interval {
    let p = (f as f64 + 2.0) / (n as f64 + 4.0);
    let se = (p * (1.0 - p) / (n as f64 + 4.0)).sqrt() * fpc(n, population);
    let z = z_for(alpha);
    Interval {
        estimate: p,
        se,
        lower: (p - z * se).max(0.0),
        upper: (p + z * se).min(1.0),
    }
}

/// Wilson score interval without FPC.
pub fn wilson(alpha: f64, f: u64, n: u64) -> Interval {
    let z = z_for(alpha);
    let nf = n as f64;
    let p = if n == 0 { f64::NAN } else { f as f64 / nf };
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z / denom * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt();
    Interval {
        estimate: p,
        se: (p * (1.0 - p) / nf).sqrt(),
        lower: (centre - half).max(0.0),
        upper: (centre + half).min(1.0),
    }
}

/// The share f/n with the default interval for reporting: the observed share
/// as the estimate, bounds of the adjusted Wald interval with FPC.
pub fn share(f: u64, n: u64, population: u64) -> Interval {
    let adj = adjusted_wald_fpc(0.05, f, n, population);
    Interval {
        estimate: if n == 0 {
            f64::NAN
        } else {
            f as f64 / n as f64
        },
        ..adj
    }
}

/// Mean with a normal interval and FPC.
pub fn mean_fpc(values: &[f64], population: u64) -> Interval {
    let n = values.len();
    if n == 0 {
        return Interval {
            estimate: f64::NAN,
            se: f64::NAN,
            lower: f64::NAN,
            upper: f64::NAN,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let se = (var / n as f64).sqrt() * fpc(n as u64, population);
    Interval {
        estimate: mean,
        se,
        lower: mean - Z95 * se,
        upper: mean + Z95 * se,
    }
}

// ---------------------------------------------------------------- counting

/// Counts for one select question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    pub question: String,
    pub multiple: bool,
    /// Choice names in list order.
    pub choices: Vec<String>,
    /// Respondents who answered.
    pub base: u64,
    /// Respondents who ticked / chose each choice.
    pub counts: Vec<u64>,
}

impl Counts {
    /// The share of choice `i` among the base with its 95 % interval
    /// (adjusted Wald with FPC, §C3); `population` is the number invited.
    pub fn share(&self, i: usize, population: u64) -> Option<Interval> {
        self.counts.get(i).map(|&f| share(f, self.base, population))
    }
}

/// Counts every select question in one pass over the responses.
pub fn count_all(def: &Definition, responses: &[Response]) -> Vec<Counts> {
    let mut out: Vec<Counts> = Vec::new();
    let mut lookup: Vec<Option<(usize, HashMap<&str, usize>)>> = Vec::new();
    for q in &def.questions {
        let multiple = matches!(q.kind, QuestionType::SelectMultiple(_));
        if q.kind.list().is_none() {
            lookup.push(None);
            continue;
        }
        let choices: Vec<String> = def.choices_of(q).iter().map(|c| c.name.clone()).collect();
        let idx = choices
            .iter()
            .enumerate()
            .map(|(i, _)| (def.choices_of(q)[i].name.as_str(), i))
            .collect();
        lookup.push(Some((out.len(), idx)));
        out.push(Counts {
            question: q.name.clone(),
            multiple,
            counts: vec![0; choices.len()],
            choices,
            base: 0,
        });
    }
    for r in responses {
        for (qi, q) in def.questions.iter().enumerate() {
            let Some((ci, idx)) = &lookup[qi] else {
                continue;
            };
            let Some(a) = r.answers.get(&q.name) else {
                continue;
            };
            let c = &mut out[*ci];
            match a {
                Answer::Choice(x) => {
                    if let Some(&i) = idx.get(x.as_str()) {
                        c.counts[i] += 1;
                        c.base += 1;
                    }
                }
                Answer::Choices(xs) if !xs.is_empty() => {
                    c.base += 1;
                    for x in xs {
                        if let Some(&i) = idx.get(x.as_str()) {
                            c.counts[i] += 1;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Response rate overall and per sub-area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseRate {
    pub invited: u64,
    pub responses: u64,
    pub rate: f64,
    pub online: u64,
    pub paper: u64,
    pub areas: Vec<AreaRate>,
}

/// Response in one sub-area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRate {
    pub area: String,
    pub invited: u64,
    pub responses: u64,
    pub rate: f64,
}

/// Response rates. Responses without an area, or with an area missing from
/// the population, count only in the total.
pub fn response_rate(population: &Population, responses: &[Response]) -> ResponseRate {
    let mut per: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut online, mut paper) = (0, 0);
    for r in responses {
        if let Some(a) = &r.area {
            *per.entry(a.as_str()).or_default() += 1;
        }
        match r.channel {
            Channel::Online => online += 1,
            Channel::Paper => paper += 1,
        }
    }
    let rate = |n: u64, d: u64| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let n = responses.len() as u64;
    ResponseRate {
        invited: population.invited,
        responses: n,
        rate: rate(n, population.invited),
        online,
        paper,
        areas: population
            .areas
            .iter()
            .map(|(a, &inv)| {
                let resp = per.get(a.as_str()).copied().unwrap_or(0);
                AreaRate {
                    area: a.clone(),
                    invited: inv,
                    responses: resp,
                    rate: rate(resp, inv),
                }
            })
            .collect(),
    }
}

/// A cross-tabulation of two `select_one` questions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossTab {
    pub row_question: String,
    pub col_question: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// Respondents who answered both, rows × cols.
    pub cells: Vec<Vec<u64>>,
}

/// Why a statistic cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatsError {
    #[error("unknown question '{0}'")]
    UnknownQuestion(String),
    #[error("question '{0}' is not a select_one question")]
    NotSelectOne(String),
}

/// Cross-tabulates two `select_one` questions over the respondents who
/// answered both.
pub fn crosstab(
    def: &Definition,
    responses: &[Response],
    row_q: &str,
    col_q: &str,
) -> Result<CrossTab, StatsError> {
    let names = |q: &str| -> Result<Vec<String>, StatsError> {
        let question = def
            .question(q)
            .ok_or_else(|| StatsError::UnknownQuestion(q.to_string()))?;
        if !matches!(question.kind, QuestionType::SelectOne(_)) {
            return Err(StatsError::NotSelectOne(q.to_string()));
        }
        Ok(def
            .choices_of(question)
            .iter()
            .map(|c| c.name.clone())
            .collect())
    };
    let rows = names(row_q)?;
    let cols = names(col_q)?;
    let mut cells = vec![vec![0u64; cols.len()]; rows.len()];
    for r in responses {
        if let (Some(Answer::Choice(a)), Some(Answer::Choice(b))) =
            (r.answers.get(row_q), r.answers.get(col_q))
            && let (Some(i), Some(j)) = (
                rows.iter().position(|x| x == a),
                cols.iter().position(|x| x == b),
            )
        {
            cells[i][j] += 1;
        }
    }
    Ok(CrossTab {
        row_question: row_q.to_string(),
        col_question: col_q.to_string(),
        rows,
        cols,
        cells,
    })
}

// ---------------------------------------------------------------- indicators

/// How a metric is computed from the answers. Metrics are data: the
/// indicators of §D and the figures the rules of the handelingsperspectief
/// look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MetricKind {
    /// Share of respondents whose answer to `question` is (or contains) one
    /// of `yes`, among those who answered with anything except `exclude`.
    Share {
        question: String,
        yes: Vec<String>,
        #[serde(default)]
        exclude: Vec<String>,
    },
    /// Per respondent who answered `question` (a select_multiple): share of
    /// the choices with `column = real` ticked minus share of the choices
    /// with `column = distractor` ticked; the metric is the mean.
    SignKnowledge {
        question: String,
        column: String,
        real: String,
        distractor: String,
    },
}

/// A named metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub id: String,
    pub label_nl: String,
    pub label_en: String,
    pub kind: MetricKind,
    /// Whether the report lists it among the headline indicators.
    #[serde(default)]
    pub headline: bool,
}

/// A computed metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricValue {
    pub id: String,
    pub label_nl: String,
    pub label_en: String,
    pub headline: bool,
    /// Respondents in the base.
    pub base: u64,
    /// Respondents counted as "yes" (shares only).
    pub count: Option<u64>,
    pub value: Interval,
}

/// The three indicators of survey.md §D for the default survey, plus the
/// figures the default rules use.
pub fn default_metrics() -> Vec<Metric> {
    let share =
        |id: &str, nl: &str, en: &str, q: &str, yes: &[&str], ex: &[&str], headline| Metric {
            id: id.into(),
            label_nl: nl.into(),
            label_en: en.into(),
            kind: MetricKind::Share {
                question: q.into(),
                yes: yes.iter().map(|s| s.to_string()).collect(),
                exclude: ex.iter().map(|s| s.to_string()).collect(),
            },
            headline,
        };
    vec![
        share(
            "benaderd",
            "Benaderd door mensen met vermoedelijk criminele bedoelingen (ooit)",
            "Approached by people with suspected criminal intentions (ever)",
            "q12",
            &["ja5", "jaouder"],
            &["wnz"],
            true,
        ),
        share(
            "benaderd_5jaar",
            "Benaderd in de afgelopen 5 jaar",
            "Approached in the last 5 years",
            "q12",
            &["ja5"],
            &["wnz"],
            false,
        ),
        share(
            "meldingsbereidheid",
            "Meldingsbereidheid (zeker of waarschijnlijk melden)",
            "Willingness to report (certainly or probably)",
            "q20",
            &["zeker", "waarschijnlijk"],
            &[],
            true,
        ),
        Metric {
            id: "kennis_signalen".into(),
            label_nl: "Kennis signalen (aandeel echte signalen min aandeel afleiders)".into(),
            label_en: "Knowledge of signs (share of real signs minus share of distractors)".into(),
            kind: MetricKind::SignKnowledge {
                question: "q07".into(),
                column: "sign".into(),
                real: "echt".into(),
                distractor: "afleider".into(),
            },
            headline: true,
        },
        share(
            "kennis_laag",
            "Weet slecht of helemaal niet hoe signalen te herkennen",
            "Knows poorly or not at all how to recognise signs",
            "q06",
            &["slecht", "niet"],
            &[],
            false,
        ),
        share(
            "opgemerkt",
            "Heeft in de afgelopen 12 maanden iets verdachts opgemerkt",
            "Noticed something suspicious in the last 12 months",
            "q09",
            &["ja"],
            &[],
            false,
        ),
        share(
            "niet_gemeld",
            "Heeft wat hij opmerkte niet gemeld",
            "Did not report what they noticed",
            "q11",
            &["nee"],
            &[],
            false,
        ),
        share(
            "leegstand",
            "Heeft (grotendeels) leegstaande bijgebouwen",
            "Has (largely) vacant outbuildings",
            "q03",
            &["ja"],
            &[],
            false,
        ),
        share(
            "vertrouwen_anoniem",
            "Vertrouwt erop anoniem te kunnen melden (eens of helemaal eens)",
            "Trusts they can report anonymously (agree or strongly agree)",
            "q25",
            &["helemaal_eens", "eens"],
            &[],
            false,
        ),
        share(
            "vertrouwen_opvolging",
            "Vertrouwt erop dat met een melding iets wordt gedaan",
            "Trusts that something is done with a report",
            "q24",
            &["helemaal_eens", "eens"],
            &[],
            false,
        ),
        share(
            "mma_onbekend",
            "Kent Meld Misdaad Anoniem niet",
            "Does not know Meld Misdaad Anoniem",
            "q23",
            &["nee"],
            &[],
            false,
        ),
        share(
            "afval_overlast",
            "Vaak of soms last van afval of vuilstort",
            "Often or sometimes bothered by dumped waste",
            "q05a",
            &["vaak", "soms"],
            &["wn"],
            false,
        ),
        share(
            "afval_verkeerd",
            "Zou drugsafval zelf opruimen of niets doen",
            "Would clean up drug waste themselves or do nothing",
            "q21",
            &["zelf", "niets"],
            &["wn"],
            false,
        ),
        share(
            "hulp_gevraagd",
            "Wil informatie over hulp bij financiële zorgen of bedrijfsbeëindiging",
            "Wants information on help with financial worries or closing a business",
            "q26",
            &["hulp"],
            &[],
            false,
        ),
    ]
}

/// Computes a metric; `None` if its question does not exist in `def`.
pub fn compute_metric<'a>(
    def: &Definition,
    responses: impl IntoIterator<Item = &'a Response>,
    population: u64,
    metric: &Metric,
) -> Option<MetricValue> {
    let (base, count, value) = match &metric.kind {
        MetricKind::Share {
            question,
            yes,
            exclude,
        } => {
            def.question(question)?;
            let (mut base, mut count) = (0u64, 0u64);
            for r in responses {
                let Some(a) = r.answers.get(question) else {
                    continue;
                };
                let answered = match a {
                    Answer::Choice(c) => !exclude.contains(c),
                    Answer::Choices(cs) => {
                        !cs.is_empty() && !cs.iter().all(|c| exclude.contains(c))
                    }
                    _ => false,
                };
                if !answered {
                    continue;
                }
                base += 1;
                if yes.iter().any(|y| a.has_choice(y)) {
                    count += 1;
                }
            }
            (base, Some(count), share(count, base, population))
        }
        MetricKind::SignKnowledge {
            question,
            column,
            real,
            distractor,
        } => {
            let q = def.question(question)?;
            let choices = def.choices_of(q);
            let kind_of = |name: &str| {
                choices
                    .iter()
                    .find(|c| c.name == name)
                    .and_then(|c| c.columns.get(column))
            };
            let n_real = choices
                .iter()
                .filter(|c| c.columns.get(column) == Some(real))
                .count() as f64;
            let n_dis = choices
                .iter()
                .filter(|c| c.columns.get(column) == Some(distractor))
                .count() as f64;
            let mut scores = Vec::new();
            for r in responses {
                let Some(Answer::Choices(cs)) = r.answers.get(question) else {
                    continue;
                };
                if cs.is_empty() {
                    continue;
                }
                let ticked =
                    |k: &String| cs.iter().filter(|c| kind_of(c) == Some(k)).count() as f64;
                let a = if n_real > 0.0 {
                    ticked(real) / n_real
                } else {
                    0.0
                };
                let b = if n_dis > 0.0 {
                    ticked(distractor) / n_dis
                } else {
                    0.0
                };
                scores.push(a - b);
            }
            (scores.len() as u64, None, mean_fpc(&scores, population))
        }
    };
    Some(MetricValue {
        id: metric.id.clone(),
        label_nl: metric.label_nl.clone(),
        label_en: metric.label_en.clone(),
        headline: metric.headline,
        base,
        count,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn statpsych_test_vectors() {
        // ci.prop.fpc(.05, 12, 100, 400) -> 0.1346154, SE 0.0290208, [0.07773565, 0.1914951]
        let i = adjusted_wald_fpc(0.05, 12, 100, 400);
        assert!(close(i.estimate, 0.1346154, 5e-8), "{i:?}");
        assert!(close(i.se, 0.0290208, 5e-8), "{i:?}");
        assert!(close(i.lower, 0.07773565, 5e-9), "{i:?}");
        assert!(close(i.upper, 0.1914951, 5e-8), "{i:?}");
        // ci.prop.fpc(.05, 61, 75, 415) -> 0.7974684, SE 0.04097594, [0.717157, 0.8777797]
        let i = adjusted_wald_fpc(0.05, 61, 75, 415);
        assert!(close(i.estimate, 0.7974684, 5e-8), "{i:?}");
        assert!(close(i.se, 0.04097594, 5e-9), "{i:?}");
        assert!(close(i.lower, 0.717157, 5e-7), "{i:?}");
        assert!(close(i.upper, 0.8777797, 5e-8), "{i:?}");
    }

    #[test]
    fn worked_example_of_section_c3() {
        // N = 3000, n = 600, f = 90: Wald+FPC ±2.56 pp, [12.4 %, 17.6 %]
        let i = wald_fpc(0.05, 90, 600, 3000);
        assert!(close(i.estimate, 0.15, 1e-12));
        assert!(close(Z95 * i.se, 0.0256, 5e-5), "{i:?}");
        assert!(close(i.lower, 0.124, 5e-4) && close(i.upper, 0.176, 5e-4));
        // Wilson without FPC: [12.4 %, 18.1 %]
        let w = wilson(0.05, 90, 600);
        assert!(
            close(w.lower, 0.124, 5e-4) && close(w.upper, 0.181, 5e-4),
            "{w:?}"
        );
        // Worst case p = 0.5: ±3.58 pp with FPC, ±4.00 pp without.
        let h = wald_fpc(0.05, 300, 600, 3000);
        assert!(close(Z95 * h.se, 0.0358, 5e-5), "{h:?}");
        let h = wald_fpc(0.05, 300, 600, u64::MAX);
        assert!(close(Z95 * h.se, 0.0400, 5e-5), "{h:?}");
        // §B3: TwynstraGudde 1/6, n=673 of N=6145: ±2.7 pp with FPC.
        let t = wald_fpc(0.05, 112, 673, 6145);
        assert!(close(Z95 * t.se, 0.027, 1e-3), "{t:?}");
    }

    #[test]
    fn counts_and_crosstab() {
        let def = crate::default_survey();
        let mk = |q12: &str, q20: &str| {
            let mut a = Answers::new();
            a.insert("q12".into(), Answer::Choice(q12.into()));
            a.insert("q20".into(), Answer::Choice(q20.into()));
            a.insert(
                "q26".into(),
                Answer::Choices(vec!["signalen".into(), "melden".into()]),
            );
            Response {
                answers: a,
                area: Some("Noord".into()),
                channel: Channel::Online,
            }
        };
        let rs = vec![
            mk("ja5", "zeker"),
            mk("nee", "zeker"),
            mk("nee", "wn"),
            mk("wnz", "wn"),
        ];
        let counts = count_all(&def, &rs);
        let q12 = counts.iter().find(|c| c.question == "q12");
        let q12 = q12.unwrap_or_else(|| panic!("q12"));
        assert_eq!(q12.base, 4);
        assert_eq!(q12.counts, vec![1, 0, 2, 0, 1]);
        let i = q12.share(2, 40).unwrap_or_else(|| panic!("share"));
        assert!(close(i.estimate, 0.5, 1e-12) && i.lower < 0.5 && i.upper > 0.5);
        let q26 = counts.iter().find(|c| c.question == "q26");
        assert_eq!(
            q26.map(|c| (c.base, c.counts[0], c.counts[2])),
            Some((4, 4, 4))
        );
        let ct = crosstab(&def, &rs, "q12", "q20").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ct.cells[2], vec![1, 0, 0, 0, 1]);
        assert_eq!(
            crosstab(&def, &rs, "q12", "q26"),
            Err(StatsError::NotSelectOne("q26".into()))
        );
        let pop = Population {
            invited: 40,
            areas: BTreeMap::from([("Noord".to_string(), 10), ("Zuid".to_string(), 30)]),
        };
        let rr = response_rate(&pop, &rs);
        assert!(close(rr.rate, 0.1, 1e-12));
        assert_eq!((rr.areas[0].responses, rr.areas[1].responses), (4, 0));
        assert!(close(rr.areas[0].rate, 0.4, 1e-12));
        let metrics = default_metrics();
        let benaderd = metrics.iter().find(|m| m.id == "benaderd");
        let v = compute_metric(&def, &rs, 40, benaderd.unwrap_or_else(|| panic!("m")));
        // wnz is left out of the base: 1 of 3.
        assert_eq!(v.map(|v| (v.base, v.count)), Some((3, Some(1))));

        // Knowledge of signs: all real signs = 1, all distractors = -1, "wn" = 0.
        let q07 = def.question("q07").unwrap_or_else(|| panic!("q07"));
        let of_kind = |k: &str| -> Vec<String> {
            def.choices_of(q07)
                .iter()
                .filter(|c| c.columns.get("sign").map(String::as_str) == Some(k))
                .map(|c| c.name.clone())
                .collect()
        };
        let with = |v: Vec<String>| {
            let mut a = Answers::new();
            a.insert("q07".into(), Answer::Choices(v));
            Response {
                answers: a,
                area: None,
                channel: Channel::Paper,
            }
        };
        let rs = vec![
            with(of_kind("echt")),
            with(of_kind("afleider")),
            with(vec!["wn".into()]),
        ];
        let kennis = metrics.iter().find(|m| m.id == "kennis_signalen");
        let v = compute_metric(&def, &rs, 100, kennis.unwrap_or_else(|| panic!("m")));
        let v = v.unwrap_or_else(|| panic!("value"));
        assert_eq!(v.base, 3);
        assert!(close(v.value.estimate, 0.0, 1e-12));
        let v = compute_metric(&def, &rs[..1], 100, kennis.unwrap_or_else(|| panic!("m")));
        assert!(v.is_some_and(|v| close(v.value.estimate, 1.0, 1e-12)));
    }

    #[test]
    fn quantiles_and_edges() {
        assert!(close(normal_quantile(0.975), 1.959_963_985, 1e-8));
        assert!(close(normal_quantile(0.995), 2.575_829_304, 1e-8));
        assert!(close(normal_quantile(0.01), -2.326_347_874, 1e-8));
        assert!(close(z_for(0.10), 1.644_853_627, 1e-8));
        assert_eq!(fpc(100, 100), 0.0);
        assert!(wald_fpc(0.05, 0, 0, 10).estimate.is_nan());
        let full = adjusted_wald_fpc(0.05, 3, 10, 10);
        assert_eq!(full.se, 0.0);
        let m = mean_fpc(&[0.0, 1.0, 0.5, 0.5], 1000);
        assert!(close(m.estimate, 0.5, 1e-12) && m.lower < 0.5 && m.upper > 0.5);
    }
}
