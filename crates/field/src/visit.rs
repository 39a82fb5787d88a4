//! The visit form of "de boer op" and the results of a round. A visit is a
//! conversation, explicitly not an inspection: the form has no enforcement
//! fields at all — only whether there was a conversation, the topics raised,
//! what was noticed, the material handed over and the follow-up the farmer
//! wants. Keys are stable and translated by the web layer
//! (`visit.topic.<key>`, …).

use crate::FieldError;
use serde::Serialize;
use std::collections::BTreeMap;

/// How the visit went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Outcome {
    /// A conversation took place.
    Gesproken,
    /// Nobody at home (material may be left behind).
    NietThuis,
    /// The farmer did not want to talk.
    Geweigerd,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Gesproken, Outcome::NietThuis, Outcome::Geweigerd];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Gesproken => "gesproken",
            Outcome::NietThuis => "niet_thuis",
            Outcome::Geweigerd => "geweigerd",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Topics of the conversation (the checklist).
pub const TOPICS: &[&str] = &[
    "leegstand_verhuur",
    "benaderd_door_onbekenden",
    "diefstal",
    "brandveiligheid",
    "kennis_signalen",
    "waar_melden",
];

/// Signs that may be noticed on or around a farmyard (the checklist).
pub const SIGNS: &[&str] = &[
    "afgeplakte_ramen",
    "stank_of_geluid",
    "veel_verkeer_vreemde_tijden",
    "vaten_of_jerrycans",
    "contante_huur_onbekende_huurder",
    "extra_beveiliging_of_camera",
    "afval_of_dumping",
    "geen",
];

/// Material that can be handed over ("warm aanbieden").
pub const MATERIALS: &[&str] = &["flyer", "contactkaart", "meldmisdaadanoniem_kaart"];

/// Follow-up the farmer wants.
pub const FOLLOW_UPS: &[&str] = &["coach", "informatie", "signaal"];

/// Longest free text (characters).
pub const MAX_TEXT: usize = 2000;

/// A visit as entered on the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitInput {
    pub outcome: String,
    pub topics: Vec<String>,
    pub signs: Vec<String>,
    pub observation: String,
    pub materials: Vec<String>,
    pub follow_ups: Vec<String>,
    pub note: String,
}

/// A checked visit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visit {
    pub outcome: Outcome,
    pub topics: Vec<String>,
    pub signs: Vec<String>,
    pub observation: String,
    pub materials: Vec<String>,
    pub follow_ups: Vec<String>,
    pub note: String,
}

fn checked(
    field: &str,
    values: &[String],
    allowed: &[&str],
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !allowed.contains(&v.as_str()) {
            errors.push(FieldError::new(field, "visit.error.unknown_choice"));
            return Vec::new();
        }
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    // Checklist order, whatever the order of the form.
    out.sort_by_key(|v| allowed.iter().position(|a| a == v));
    out
}

/// Checks a visit. Topics and follow-ups need a conversation; "geen" (nothing
/// noticed) excludes other signs; a follow-up "signaal" needs an observation
/// to pass on.
pub fn validate(input: &VisitInput) -> Result<Visit, Vec<FieldError>> {
    let mut errors = Vec::new();
    let outcome = Outcome::parse(input.outcome.trim());
    if outcome.is_none() {
        errors.push(FieldError::new("outcome", "visit.error.outcome"));
    }
    let topics = checked("topics", &input.topics, TOPICS, &mut errors);
    let signs = checked("signs", &input.signs, SIGNS, &mut errors);
    let materials = checked("materials", &input.materials, MATERIALS, &mut errors);
    let follow_ups = checked("follow_ups", &input.follow_ups, FOLLOW_UPS, &mut errors);
    let talked = outcome == Some(Outcome::Gesproken);
    if !talked && outcome.is_some() {
        if !topics.is_empty() {
            errors.push(FieldError::new("topics", "visit.error.no_conversation"));
        }
        if !follow_ups.is_empty() {
            errors.push(FieldError::new("follow_ups", "visit.error.no_conversation"));
        }
    }
    if signs.len() > 1 && signs.iter().any(|s| s == "geen") {
        errors.push(FieldError::new("signs", "visit.error.none_and_signs"));
    }
    let observation = input.observation.trim().to_string();
    let note = input.note.trim().to_string();
    if follow_ups.iter().any(|f| f == "signaal") && observation.is_empty() {
        errors.push(FieldError::new(
            "observation",
            "visit.error.signal_needs_observation",
        ));
    }
    for (field, text) in [("observation", &observation), ("note", &note)] {
        if text.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(field, "visit.error.too_long"));
        }
    }
    match outcome {
        Some(outcome) if errors.is_empty() => Ok(Visit {
            outcome,
            topics,
            signs,
            observation,
            materials,
            follow_ups,
            note,
        }),
        _ => Err(errors),
    }
}

/// What a round achieved, in aggregates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoundResults {
    pub targets: u64,
    pub visited: u64,
    pub gesproken: u64,
    pub niet_thuis: u64,
    pub geweigerd: u64,
    /// Topic → conversations in which it was raised.
    pub topics: BTreeMap<String, u64>,
    /// Material → visits where it was handed over or left behind.
    pub materials: BTreeMap<String, u64>,
    /// Follow-up → visits where it was wanted.
    pub follow_ups: BTreeMap<String, u64>,
    /// Visits where something was noticed (a sign other than "geen", or an observation).
    pub with_observations: u64,
}

/// The results of a round over `targets` addresses from its visits (the
/// latest visit per address counts once: pass one visit per address).
pub fn results(targets: u64, visits: &[Visit]) -> RoundResults {
    let mut r = RoundResults {
        targets,
        visited: visits.len() as u64,
        ..RoundResults::default()
    };
    for v in visits {
        match v.outcome {
            Outcome::Gesproken => r.gesproken += 1,
            Outcome::NietThuis => r.niet_thuis += 1,
            Outcome::Geweigerd => r.geweigerd += 1,
        }
        for t in &v.topics {
            *r.topics.entry(t.clone()).or_default() += 1;
        }
        for m in &v.materials {
            *r.materials.entry(m.clone()).or_default() += 1;
        }
        for f in &v.follow_ups {
            *r.follow_ups.entry(f.clone()).or_default() += 1;
        }
        if v.signs.iter().any(|s| s != "geen") || !v.observation.is_empty() {
            r.with_observations += 1;
        }
    }
    r
}

/// A count for a press text: exact from 5 on, otherwise "minder dan 5" /
/// "fewer than 5", so that no single farm can be recognised.
fn press_count(n: u64, nl: bool) -> String {
    match (n, nl) {
        (0, true) => "geen".into(),
        (0, false) => "no".into(),
        (1..=4, true) => "minder dan 5".into(),
        (1..=4, false) => "fewer than 5".into(),
        (n, _) => n.to_string(),
    }
}

/// A short press-ready summary of a round: aggregates only, small counts
/// suppressed, no addresses, names or observations.
pub fn press_summary(round_name: &str, r: &RoundResults, nl: bool) -> String {
    let c = |n| press_count(n, nl);
    let mut top: Vec<(&String, &u64)> = r.topics.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let topics: Vec<String> = top
        .iter()
        .take(3)
        .filter(|(_, n)| **n >= 5)
        .map(|(t, _)| t.replace('_', " "))
        .collect();
    let coach = r.follow_ups.get("coach").copied().unwrap_or(0);
    if nl {
        let mut s = format!(
            "Tijdens de ronde ‘{round_name}’ bezochten politie, gemeente en partners {} erven in het buitengebied. Op {} erven was er een gesprek; op {} erven was niemand thuis.",
            c(r.visited),
            c(r.gesproken),
            c(r.niet_thuis)
        );
        if !topics.is_empty() {
            s.push_str(&format!(
                " Veel besproken onderwerpen: {}.",
                topics.join(", ")
            ));
        }
        s.push_str(&format!(
            " Er werd {} keer om een gesprek met een agrarisch coach gevraagd. Deze bezoeken zijn gesprekken, geen controles.",
            c(coach)
        ));
        s
    } else {
        let mut s = format!(
            "During the round ‘{round_name}’, police, municipality and partners visited {} farmyards in the rural area. There was a conversation at {} farms; at {} nobody was at home.",
            c(r.visited),
            c(r.gesproken),
            c(r.niet_thuis)
        );
        if !topics.is_empty() {
            s.push_str(&format!(" Topics often discussed: {}.", topics.join(", ")));
        }
        s.push_str(&format!(
            " A conversation with an agricultural coach was requested {} times. These visits are conversations, not inspections.",
            c(coach)
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(outcome: &str) -> VisitInput {
        VisitInput {
            outcome: outcome.into(),
            ..VisitInput::default()
        }
    }

    #[test]
    fn a_conversation_with_topics_material_and_follow_up_is_accepted() {
        let v = validate(&VisitInput {
            outcome: "gesproken".into(),
            topics: vec![
                "waar_melden".into(),
                "leegstand_verhuur".into(),
                "waar_melden".into(),
            ],
            signs: vec!["geen".into()],
            materials: vec!["flyer".into()],
            follow_ups: vec!["coach".into()],
            ..VisitInput::default()
        })
        .unwrap();
        assert_eq!(
            v.topics,
            ["leegstand_verhuur", "waar_melden"],
            "deduplicated, checklist order"
        );
        assert_eq!(v.outcome, Outcome::Gesproken);
    }

    #[test]
    fn refused_choices_name_their_fields() {
        let field_keys = |i: &VisitInput| -> Vec<(String, &'static str)> {
            validate(i)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.key))
                .collect()
        };
        assert_eq!(
            field_keys(&input("controle")),
            [("outcome".to_string(), "visit.error.outcome")]
        );
        let mut i = input("niet_thuis");
        i.topics = vec!["diefstal".into()];
        i.materials = vec!["flyer".into()];
        assert_eq!(
            field_keys(&i),
            [("topics".to_string(), "visit.error.no_conversation")]
        );
        let mut i = input("gesproken");
        i.signs = vec!["geen".into(), "afgeplakte_ramen".into()];
        i.follow_ups = vec!["signaal".into()];
        assert_eq!(
            field_keys(&i),
            [
                ("signs".to_string(), "visit.error.none_and_signs"),
                (
                    "observation".to_string(),
                    "visit.error.signal_needs_observation"
                )
            ]
        );
        let mut i = input("gesproken");
        i.topics = vec!["boete".into()];
        assert_eq!(
            field_keys(&i),
            [("topics".to_string(), "visit.error.unknown_choice")]
        );
        let mut i = input("gesproken");
        i.note = "x".repeat(MAX_TEXT + 1);
        assert_eq!(
            field_keys(&i),
            [("note".to_string(), "visit.error.too_long")]
        );
    }

    #[test]
    fn round_results_and_a_press_text_without_small_counts() {
        let talk = |topics: &[&str], follow: &[&str]| Visit {
            outcome: Outcome::Gesproken,
            topics: topics.iter().map(|s| s.to_string()).collect(),
            signs: vec!["geen".into()],
            observation: String::new(),
            materials: vec!["flyer".into()],
            follow_ups: follow.iter().map(|s| s.to_string()).collect(),
            note: String::new(),
        };
        let mut visits: Vec<Visit> = (0..6)
            .map(|_| talk(&["brandveiligheid", "waar_melden"], &[]))
            .collect();
        visits.push(talk(&["diefstal"], &["coach"]));
        visits.push(Visit {
            outcome: Outcome::NietThuis,
            topics: vec![],
            signs: vec!["vaten_of_jerrycans".into()],
            observation: "Vaten achter de schuur".into(),
            materials: vec!["flyer".into()],
            follow_ups: vec![],
            note: String::new(),
        });
        let r = results(12, &visits);
        assert_eq!(
            (r.targets, r.visited, r.gesproken, r.niet_thuis),
            (12, 8, 7, 1)
        );
        assert_eq!(r.topics["brandveiligheid"], 6);
        assert_eq!(r.materials["flyer"], 8);
        assert_eq!(r.with_observations, 1);
        let nl = press_summary("Najaar Oost", &r, true);
        assert!(nl.contains("8 erven") && nl.contains("7 erven"), "{nl}");
        assert!(
            nl.contains("niemand thuis") && nl.contains("minder dan 5 erven was niemand"),
            "{nl}"
        );
        assert!(nl.contains("brandveiligheid, waar melden"), "{nl}");
        assert!(
            !nl.contains("diefstal"),
            "a topic raised fewer than 5 times is not named: {nl}"
        );
        assert!(nl.contains("minder dan 5 keer om een gesprek"), "{nl}");
        assert!(
            !nl.contains("Vaten"),
            "observations never reach the press text"
        );
        let en = press_summary("Autumn East", &r, false);
        assert!(en.contains("visited 8 farmyards"), "{en}");
    }
}
