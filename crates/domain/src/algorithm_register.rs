//! The algorithm register entry (Algoritmeregister publication standard,
//! `AlgorithmIn` 1.0.0): the fields, their limits, and a validator that an
//! export must pass before it is offered for publication.

use serde::Serialize;

pub const STANDARD_VERSION: &str = "1.0.0";

/// One entry; each organisation files its own.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlgorithmIn {
    pub name: String,
    pub description_short: String,
    pub organization: String,
    pub category: Vec<String>,
    pub status: String,
    pub begin_date: Option<String>,
    pub contact_email: String,
    pub publication_category: String,
    pub goal: String,
    pub proportionality: String,
    pub human_intervention: String,
    pub risks: String,
    pub lawful_basis: String,
    pub source_data: String,
    pub methods_and_models: String,
    pub provider: String,
    pub lang: String,
    pub standard_version: String,
    pub source_id: String,
    pub tags: String,
}

pub const STATUSES: [&str; 3] = ["In ontwikkeling", "In gebruik", "Buiten gebruik"];
pub const PUBLICATION_CATEGORIES: [&str; 3] = [
    "Hoog-risico AI-systeem",
    "Impactvolle algoritmes",
    "Overige algoritmes",
];
/// Tags allowed in the rich-text fields.
pub const ALLOWED_TAGS: [&str; 6] = ["div", "br", "p", "ul", "ol", "li"];

/// A rule the entry breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub reason: String,
}

fn check_len(out: &mut Vec<Problem>, field: &'static str, value: &str, max: usize, required: bool) {
    let n = value.chars().count();
    if required && value.trim().is_empty() {
        out.push(Problem {
            field,
            reason: "required".into(),
        });
    }
    if n > max {
        out.push(Problem {
            field,
            reason: format!("{n} characters, at most {max}"),
        });
    }
}

fn check_html(out: &mut Vec<Problem>, field: &'static str, value: &str) {
    let mut rest = value;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = after[..end]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if !ALLOWED_TAGS.contains(&tag.as_str()) {
            out.push(Problem {
                field,
                reason: format!("tag <{tag}> is not allowed"),
            });
        }
        rest = &after[end.min(after.len())..];
    }
}

/// Check the entry against the standard's required fields, lengths, enums and HTML rules.
pub fn validate(e: &AlgorithmIn) -> Vec<Problem> {
    let mut p = Vec::new();
    check_len(&mut p, "name", &e.name, 100, true);
    check_len(&mut p, "description_short", &e.description_short, 350, true);
    check_len(&mut p, "organization", &e.organization, 100, true);
    check_len(&mut p, "contact_email", &e.contact_email, 500, true);
    if !STATUSES.contains(&e.status.as_str()) {
        p.push(Problem {
            field: "status",
            reason: format!("{:?} is not one of {STATUSES:?}", e.status),
        });
    }
    if !PUBLICATION_CATEGORIES.contains(&e.publication_category.as_str()) {
        p.push(Problem {
            field: "publication_category",
            reason: format!("{:?} is not allowed", e.publication_category),
        });
    }
    if e.category.len() > 3 {
        p.push(Problem {
            field: "category",
            reason: "at most 3 themes".into(),
        });
    }
    if let Some(d) = &e.begin_date {
        let ok = d.len() == 7
            && d.as_bytes()[4] == b'-'
            && d[..4].bytes().all(|b| b.is_ascii_digit())
            && d[5..].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m));
        if !ok {
            p.push(Problem {
                field: "begin_date",
                reason: format!("{d:?} is not YYYY-MM"),
            });
        }
    }
    for (field, value, max) in [
        ("goal", &e.goal, 2500),
        ("proportionality", &e.proportionality, 2500),
        ("human_intervention", &e.human_intervention, 2500),
        ("risks", &e.risks, 2500),
        ("lawful_basis", &e.lawful_basis, 2500),
        ("source_data", &e.source_data, 2500),
        ("methods_and_models", &e.methods_and_models, 5000),
        ("tags", &e.tags, 2500),
    ] {
        check_len(&mut p, field, value, max, false);
        check_html(&mut p, field, value);
    }
    check_len(&mut p, "provider", &e.provider, 200, false);
    check_len(&mut p, "source_id", &e.source_id, 100, false);
    if e.lang != "nld" {
        p.push(Problem {
            field: "lang",
            reason: "must be nld".into(),
        });
    }
    if e.standard_version != STANDARD_VERSION {
        p.push(Problem {
            field: "standard_version",
            reason: format!("must be {STANDARD_VERSION}"),
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample() -> AlgorithmIn {
        AlgorithmIn {
            name: "Gebiedsscan kwetsbare locaties buitengebied".into(),
            description_short: "De gemeente zoekt met deze scan plekken in het buitengebied waar een gesprek zinvol kan zijn.".into(),
            organization: "Gemeente Heidewolde".into(),
            category: vec!["Openbare orde en veiligheid".into()],
            status: "In gebruik".into(),
            begin_date: Some("2026-12".into()),
            contact_email: "privacy@heidewolde.example".into(),
            publication_category: "Impactvolle algoritmes".into(),
            goal: "<p>Doel</p>".into(),
            proportionality: String::new(),
            human_intervention: "<ul><li>Een mens beslist</li></ul>".into(),
            risks: String::new(),
            lawful_basis: String::new(),
            source_data: String::new(),
            methods_and_models: "<p>Zes indicatoren<br/>met gewichten</p>".into(),
            provider: "Buitenzicht".into(),
            lang: "nld".into(),
            standard_version: STANDARD_VERSION.into(),
            source_id: "gebiedsscan-v1".into(),
            tags: "buitengebied".into(),
        }
    }

    #[test]
    fn a_complete_entry_is_valid() {
        assert_eq!(validate(&sample()), vec![]);
    }

    #[test]
    fn limits_enums_and_tags_are_enforced() {
        let mut e = sample();
        e.name = "x".repeat(101);
        e.description_short = String::new();
        e.status = "Actief".into();
        e.goal = "<script>alert(1)</script>".into();
        e.begin_date = Some("2026-13".into());
        e.category = vec!["a".into(), "b".into(), "c".into(), "d".into()];
        let fields: Vec<&str> = validate(&e).iter().map(|p| p.field).collect();
        for f in [
            "name",
            "description_short",
            "status",
            "goal",
            "begin_date",
            "category",
        ] {
            assert!(fields.contains(&f), "{f} not reported: {fields:?}");
        }
    }
}
