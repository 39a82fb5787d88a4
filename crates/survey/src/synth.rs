//! A deterministic synthetic response generator for the demo municipality,
//! with a plausible pattern for the default survey (about 12 % approached,
//! more often on farms with vacant buildings; willingness to report tied to
//! trust; knowledge of signs varying per respondent), and a benchmark.
//!
//! Questions it has no pattern for get roughly uniform answers, so it works
//! for any definition. Answers to hidden questions are removed with
//! [`Definition::clean`], so every response follows the skip logic.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::definition::{Definition, QuestionType};
use crate::report::{Audience, ReportConfig, analyse};
use crate::runtime::{Answer, Answers};
use crate::stats::{Channel, Population, Response};

/// The demo population: `invited` addresses over four sub-areas, one of
/// them small (so that its figures are suppressed in published output).
pub fn synthetic_population(invited: u64) -> Population {
    let shares = [("Noord", 35), ("Oost", 30), ("Zuid", 28)];
    let mut areas = BTreeMap::new();
    let mut used = 0;
    for (name, pct) in shares {
        let n = invited * pct / 100;
        areas.insert(name.to_string(), n);
        used += n;
    }
    areas.insert("Polder".to_string(), invited - used);
    Population { invited, areas }
}

fn pick<'a>(rng: &mut ChaCha8Rng, weighted: &[(&'a str, f64)]) -> &'a str {
    let total: f64 = weighted.iter().map(|w| w.1).sum();
    let mut x = rng.random::<f64>() * total;
    for &(name, w) in weighted {
        if x < w {
            return name;
        }
        x -= w;
    }
    weighted.last().map_or("", |w| w.0)
}

const OPEN_ANSWERS: &[&str] = &[
    "Er wordt 's nachts vaak met busjes gereden bij de loodsen verderop.",
    "Graag vaker de wijkagent in het buitengebied.",
    "Er wordt regelmatig afval gedumpt langs de dijk.",
    "Goed dat de gemeente dit onderzoekt.",
    "Ik weet niet goed waar ik iets kan melden.",
];

/// Plausible answer weights for the other select_one questions.
const ONE: &[(&str, &[(&str, f64)])] = &[
    (
        "q05b",
        &[("vaak", 0.3), ("soms", 0.4), ("nooit", 0.25), ("wn", 0.05)],
    ),
    (
        "q05c",
        &[
            ("vaak", 0.05),
            ("soms", 0.22),
            ("nooit", 0.68),
            ("wn", 0.05),
        ],
    ),
    ("q08", &[("ja", 0.55), ("nee", 0.45)]),
    ("q15", &[("ja", 0.33), ("nee", 0.5), ("weetniet", 0.17)]),
    ("q16", &[("ja", 0.12), ("nee", 0.78), ("wnz", 0.1)]),
    (
        "q19",
        &[
            ("benaderd", 0.12),
            ("misbruikt", 0.08),
            ("beide", 0.05),
            ("nee", 0.65),
            ("wnz", 0.1),
        ],
    ),
    (
        "q21",
        &[
            ("politie", 0.45),
            ("gemeente", 0.15),
            ("mma", 0.05),
            ("waterschap", 0.15),
            ("zelf", 0.04),
            ("niets", 0.03),
            ("wn", 0.13),
        ],
    ),
    (
        "q22",
        &[
            ("politie", 0.45),
            ("mma", 0.2),
            ("gemeente", 0.12),
            ("vertrouwenspersoon", 0.05),
            ("anders", 0.03),
            ("wn", 0.15),
        ],
    ),
    ("q28", &[("ja", 0.35), ("nee", 0.4), ("bestaat_niet", 0.25)]),
];

/// Plausible tick probabilities for the other select_multiple questions.
const MANY: &[(&str, &[(&str, f64)])] = &[
    (
        "q10",
        &[
            ("vaten", 0.35),
            ("hennepafval", 0.25),
            ("geur", 0.4),
            ("activiteit", 0.35),
            ("anders", 0.1),
        ],
    ),
    (
        "q13",
        &[
            ("huur", 0.6),
            ("opslag", 0.25),
            ("afval", 0.12),
            ("land", 0.1),
            ("anders", 0.08),
        ],
    ),
    (
        "q14",
        &[
            ("persoonlijk", 0.5),
            ("brief", 0.2),
            ("digitaal", 0.15),
            ("tussenpersoon", 0.2),
            ("anders", 0.05),
        ],
    ),
    (
        "q18",
        &[
            ("niet_ernstig", 0.4),
            ("geen_zin", 0.3),
            ("wraak", 0.25),
            ("niet_waar", 0.2),
            ("verklikker", 0.15),
            ("controle", 0.1),
            ("anders", 0.05),
        ],
    ),
    (
        "q27",
        &[
            ("brief", 0.45),
            ("bijeenkomst", 0.25),
            ("gesprek", 0.15),
            ("website", 0.35),
            ("whatsapp", 0.3),
            ("vereniging", 0.15),
            ("anders", 0.03),
        ],
    ),
];

fn table(
    t: &'static [(&str, &'static [(&'static str, f64)])],
    q: &str,
) -> Option<&'static [(&'static str, f64)]> {
    t.iter().find(|(name, _)| *name == q).map(|(_, w)| *w)
}

struct Person {
    farm: &'static str,
    vacant: bool,
    approached: bool,
    knowledge: f64,
    trust: f64,
    noticed: bool,
}

fn answers_for(def: &Definition, rng: &mut ChaCha8Rng) -> Answers {
    let farm = pick(rng, &[("actief", 0.22), ("gestopt", 0.13), ("nee", 0.65)]);
    let vacant = rng.random::<f64>()
        < match farm {
            "actief" => 0.15,
            "gestopt" => 0.45,
            _ => 0.04,
        };
    let p_approach =
        0.05 + if farm != "nee" { 0.08 } else { 0.0 } + if vacant { 0.12 } else { 0.0 };
    let knowledge: f64 = rng.random::<f64>().powf(0.8);
    let trust: f64 = rng.random();
    let p = Person {
        farm,
        vacant,
        approached: rng.random::<f64>() < p_approach,
        knowledge,
        trust,
        noticed: rng.random::<f64>() < 0.12 + if vacant { 0.08 } else { 0.0 },
    };
    let mut a = Answers::new();
    for q in &def.questions {
        let choices: Vec<&str> = def.choices_of(q).iter().map(|c| c.name.as_str()).collect();
        let answer = match (q.name.as_str(), &q.kind) {
            ("q01", _) => {
                let mut v = vec!["woon".to_string()];
                if p.farm != "nee" && rng.random::<f64>() < 0.6 {
                    v.push("eigenaar".into());
                }
                if p.vacant && rng.random::<f64>() < 0.2 {
                    v.push("verhuurder".into());
                }
                Some(Answer::Choices(v))
            }
            ("q02", _) => Some(Answer::Choice(p.farm.into())),
            ("q03", _) => Some(Answer::Choice(
                if p.vacant {
                    "ja"
                } else if p.farm == "nee" && rng.random::<f64>() < 0.5 {
                    "geen"
                } else {
                    "nee"
                }
                .into(),
            )),
            ("q04", _) => {
                let mark = (7.4 + 1.2 * (rng.random::<f64>() - 0.5) * 3.0)
                    .round()
                    .clamp(3.0, 10.0);
                Some(Answer::Choice(if rng.random::<f64>() < 0.03 {
                    "wn".into()
                } else {
                    format!("{mark}")
                }))
            }
            ("q05a", _) => Some(Answer::Choice(
                pick(
                    rng,
                    &[("vaak", 0.12), ("soms", 0.33), ("nooit", 0.5), ("wn", 0.05)],
                )
                .into(),
            )),
            ("q06", _) => Some(Answer::Choice(
                match p.knowledge {
                    k if k > 0.8 => "goed",
                    k if k > 0.45 => "redelijk",
                    k if k > 0.15 => "slecht",
                    _ => "niet",
                }
                .into(),
            )),
            ("q07", QuestionType::SelectMultiple(_)) => {
                if p.knowledge < 0.1 && rng.random::<f64>() < 0.5 {
                    Some(Answer::Choices(vec!["wn".into()]))
                } else {
                    let mut v = Vec::new();
                    for c in def.choices_of(q) {
                        let prob = match c.columns.get("sign").map(String::as_str) {
                            Some("echt") => 0.2 + 0.65 * p.knowledge,
                            Some("afleider") => 0.25 - 0.2 * p.knowledge,
                            _ => 0.0,
                        };
                        if rng.random::<f64>() < prob {
                            v.push(c.name.clone());
                        }
                    }
                    if v.is_empty() {
                        v.push("wn".into());
                    }
                    Some(Answer::Choices(v))
                }
            }
            ("q09", _) => Some(Answer::Choice(
                if p.noticed {
                    "ja"
                } else if rng.random::<f64>() < 0.08 {
                    "onzeker"
                } else {
                    "nee"
                }
                .into(),
            )),
            ("q11", _) => Some(Answer::Choices(if rng.random::<f64>() < 0.3 {
                vec![pick(rng, &[("politie", 0.5), ("mma", 0.2), ("gemeente", 0.3)]).into()]
            } else {
                vec!["nee".into()]
            })),
            ("q12", _) => Some(Answer::Choice(
                if p.approached {
                    pick(rng, &[("ja5", 0.55), ("jaouder", 0.45)])
                } else {
                    pick(rng, &[("nee", 0.86), ("onzeker", 0.09), ("wnz", 0.05)])
                }
                .into(),
            )),
            ("q17", _) => Some(Answer::Choices(if rng.random::<f64>() < 0.15 {
                vec![
                    pick(
                        rng,
                        &[("politie", 0.6), ("mma", 0.2), ("vertrouwenspersoon", 0.2)],
                    )
                    .into(),
                ]
            } else {
                vec!["nee".into()]
            })),
            ("q20", _) => {
                let t = p.trust * 0.6 + p.knowledge * 0.4;
                Some(Answer::Choice(
                    pick(
                        rng,
                        &[
                            ("zeker", 0.15 + 0.45 * t),
                            ("waarschijnlijk", 0.3),
                            ("waarschijnlijk_niet", 0.2 - 0.12 * t),
                            ("zeker_niet", 0.08 - 0.06 * t),
                            ("wn", 0.15),
                        ],
                    )
                    .into(),
                ))
            }
            ("q24" | "q25", _) => {
                let t = p.trust + if q.name == "q25" { -0.08 } else { 0.0 };
                Some(Answer::Choice(
                    match t {
                        t if t > 0.85 => "helemaal_eens",
                        t if t > 0.5 => "eens",
                        t if t > 0.3 => "neutraal",
                        t if t > 0.1 => "oneens",
                        t if t > 0.02 => "helemaal_oneens",
                        _ => "wn",
                    }
                    .into(),
                ))
            }
            ("q23", _) => Some(Answer::Choice(
                pick(rng, &[("werking", 0.35), ("naam", 0.4), ("nee", 0.25)]).into(),
            )),
            ("q26", _) => {
                let mut v: Vec<String> = Vec::new();
                for (c, prob) in [
                    ("signalen", 0.3),
                    ("verhuren", if p.vacant { 0.4 } else { 0.05 }),
                    ("melden", 0.25),
                    ("drugsafval", 0.2),
                    ("inbraak", 0.3),
                    ("hulp", if p.farm == "gestopt" { 0.15 } else { 0.02 }),
                ] {
                    if rng.random::<f64>() < prob {
                        v.push(c.into());
                    }
                }
                if v.is_empty() {
                    v.push("geen".into());
                }
                Some(Answer::Choices(v))
            }
            ("q29", _) => (rng.random::<f64>() < 0.06).then(|| {
                Answer::Text(OPEN_ANSWERS[rng.random_range(0..OPEN_ANSWERS.len())].into())
            }),
            (name, QuestionType::SelectOne(_)) if table(ONE, name).is_some() => {
                let w = table(ONE, name).unwrap_or(&[]);
                (rng.random::<f64>() > 0.03).then(|| Answer::Choice(pick(rng, w).into()))
            }
            (name, QuestionType::SelectMultiple(_)) if table(MANY, name).is_some() => {
                let w = table(MANY, name).unwrap_or(&[]);
                let mut v: Vec<String> = w
                    .iter()
                    .filter(|(_, p)| rng.random::<f64>() < *p)
                    .map(|(c, _)| c.to_string())
                    .collect();
                if v.is_empty() {
                    v.push(pick(rng, w).into());
                }
                Some(Answer::Choices(v))
            }
            (_, QuestionType::SelectOne(_)) if !choices.is_empty() => (rng.random::<f64>() > 0.04)
                .then(|| Answer::Choice(choices[rng.random_range(0..choices.len())].to_string())),
            (_, QuestionType::SelectMultiple(_)) if !choices.is_empty() => {
                // Exclusive answers ("nee", "geen", "wn") only on their own.
                let exclusive = |c: &str| matches!(c, "nee" | "geen" | "wn");
                let mut v: Vec<String> = choices
                    .iter()
                    .filter(|c| !exclusive(c) && rng.random::<f64>() < 0.3)
                    .map(|c| c.to_string())
                    .collect();
                if v.is_empty() {
                    let c = choices[rng.random_range(0..choices.len())];
                    v.push(c.to_string());
                }
                Some(Answer::Choices(v))
            }
            (_, QuestionType::Integer) => Some(Answer::Integer(rng.random_range(0..10))),
            _ => None,
        };
        if let Some(ans) = answer {
            a.insert(q.name.clone(), ans);
        }
    }
    def.clean(&a)
}

/// About `rate` × invited responses (response varies a little per sub-area),
/// deterministic for a given `seed`. Four in five come in online.
pub fn synthetic_responses(
    def: &Definition,
    population: &Population,
    rate: f64,
    seed: u64,
) -> Vec<Response> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::new();
    let areas: Vec<(Option<String>, u64)> = if population.areas.is_empty() {
        vec![(None, population.invited)]
    } else {
        population
            .areas
            .iter()
            .map(|(a, &n)| (Some(a.clone()), n))
            .collect()
    };
    for (i, (area, invited)) in areas.iter().enumerate() {
        let area_rate = (rate * (0.9 + 0.07 * i as f64)).clamp(0.0, 1.0);
        for _ in 0..*invited {
            if rng.random::<f64>() >= area_rate {
                continue;
            }
            let answers = answers_for(def, &mut rng);
            out.push(Response {
                answers,
                area: area.clone(),
                channel: if rng.random::<f64>() < 0.8 {
                    Channel::Online
                } else {
                    Channel::Paper
                },
            });
        }
    }
    out
}

/// Timings of the report benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    pub responses: usize,
    pub invited: u64,
    pub generate: Duration,
    pub analyse_published: Duration,
    pub analyse_analyst: Duration,
}

/// Generates about `n_responses` synthetic responses to the default survey
/// (about 28 % response) and times [`analyse`] for both audiences.
pub fn bench(n_responses: usize) -> BenchResult {
    let def = crate::default_survey();
    // A little more than needed at 30 % response, then exactly n_responses.
    let invited = (n_responses as f64 / 0.28).ceil() as u64;
    let pop = synthetic_population(invited);
    let t = Instant::now();
    let mut responses = synthetic_responses(&def, &pop, 0.3, 42);
    responses.truncate(n_responses);
    let generate = t.elapsed();
    let t = Instant::now();
    let published = analyse(&def, &responses, &pop, &ReportConfig::default());
    let analyse_published = t.elapsed();
    let t = Instant::now();
    let analyst = analyse(
        &def,
        &responses,
        &pop,
        &ReportConfig {
            audience: Audience::Analyst,
            ..ReportConfig::default()
        },
    );
    let analyse_analyst = t.elapsed();
    debug_assert_eq!(published.method.responses, analyst.method.responses);
    BenchResult {
        responses: responses.len(),
        invited,
        generate,
        analyse_published,
        analyse_analyst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_responses_are_valid_and_deterministic() {
        let def = crate::default_survey();
        let pop = synthetic_population(2000);
        assert_eq!(pop.areas.values().sum::<u64>(), 2000);
        let a = synthetic_responses(&def, &pop, 0.3, 1);
        let b = synthetic_responses(&def, &pop, 0.3, 1);
        assert_eq!(a, b);
        let rate = a.len() as f64 / 2000.0;
        assert!((0.25..=0.35).contains(&rate), "{rate}");
        for r in &a {
            let errors = def.validate(&r.answers);
            assert!(errors.is_empty(), "{errors:?}");
        }
        let approached = a
            .iter()
            .filter(|r| {
                matches!(r.answers.get("q12"), Some(Answer::Choice(c)) if c == "ja5" || c == "jaouder")
            })
            .count() as f64
            / a.len() as f64;
        assert!((0.05..0.2).contains(&approached), "{approached}");
    }

    #[test]
    fn bench_runs() {
        let b = bench(500);
        assert!(b.responses > 400);
    }
}
