//! Integrale acties: partners jointly check a set of risk addresses on one
//! day. Per address each participating organisation records its outcome:
//! nothing found, or findings in a category, and which organisation follows
//! up. Outcomes are kept with the scan class the address had, so that the
//! scan's false-positive rate can be reported per run and class: of the
//! addresses acted on, how many had findings.

use crate::FieldError;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Categories of findings.
pub const FINDING_CATEGORIES: &[&str] = &[
    "hennepteelt",
    "synthetisch_drugslab",
    "drugsafval",
    "opslag_drugs",
    "illegale_bewoning",
    "arbeidsuitbuiting",
    "milieu",
    "brandveiligheid",
    "overig",
];

/// Where an address on an action's list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ActionSource {
    /// A person decided on "integrale controle voorstellen" after a scan.
    ScanBesluit,
    /// A signal about the address.
    Signaal,
    /// Added by hand.
    Handmatig,
}

impl ActionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionSource::ScanBesluit => "scanbesluit",
            ActionSource::Signaal => "signaal",
            ActionSource::Handmatig => "handmatig",
        }
    }
}

/// One organisation's outcome at one address, as entered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutcomeInput {
    /// `niets` or `bevindingen`.
    pub result: String,
    /// With findings: one of [`FINDING_CATEGORIES`].
    pub category: String,
    /// With findings: the organisation (id) that follows up; may be empty.
    pub follow_up_org: String,
    pub note: String,
}

/// A checked outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// `None`: nothing found.
    pub finding: Option<String>,
    pub follow_up_org: Option<String>,
    pub note: String,
}

/// Checks an outcome; `participants` are the organisations of the action
/// (only they can be named for the follow-up).
pub fn validate(input: &OutcomeInput, participants: &[String]) -> Result<Outcome, Vec<FieldError>> {
    let mut errors = Vec::new();
    let note = input.note.trim().to_string();
    if note.chars().count() > crate::visit::MAX_TEXT {
        errors.push(FieldError::new("note", "action.error.too_long"));
    }
    let outcome = match input.result.trim() {
        "niets" => {
            if !input.category.trim().is_empty() {
                errors.push(FieldError::new(
                    "category",
                    "action.error.category_without_findings",
                ));
            }
            Some(Outcome {
                finding: None,
                follow_up_org: None,
                note,
            })
        }
        "bevindingen" => {
            let category = input.category.trim();
            if !FINDING_CATEGORIES.contains(&category) {
                errors.push(FieldError::new("category", "action.error.category"));
            }
            let follow = input.follow_up_org.trim();
            if !follow.is_empty() && !participants.iter().any(|p| p == follow) {
                errors.push(FieldError::new(
                    "follow_up_org",
                    "action.error.follow_up_org",
                ));
            }
            Some(Outcome {
                finding: Some(category.to_string()),
                follow_up_org: (!follow.is_empty()).then(|| follow.to_string()),
                note,
            })
        }
        _ => {
            errors.push(FieldError::new("result", "action.error.result"));
            None
        }
    };
    match outcome {
        Some(o) if errors.is_empty() => Ok(o),
        _ => Err(errors),
    }
}

/// A stored outcome with what the statistics and visibility need.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedOutcome {
    pub address_id: String,
    /// The organisation that recorded it.
    pub org_id: String,
    /// The organisation is a police organisation (police data-sharing rules).
    pub police: bool,
    pub outcome: Outcome,
    /// The scan class of the address when it was put on the action (if any).
    pub scan_class: Option<String>,
}

/// Which outcomes an organisation may see: only of actions it took part in;
/// of those, every outcome except police-origin ones, which it sees only when
/// the police may share with it (`police_shares_with_viewer`), or when it is
/// the police organisation itself.
pub fn visible<'a>(
    viewer_org: &str,
    participants: &[String],
    police_shares_with_viewer: bool,
    outcomes: &'a [RecordedOutcome],
) -> Vec<&'a RecordedOutcome> {
    if !participants.iter().any(|p| p == viewer_org) {
        return Vec::new();
    }
    outcomes
        .iter()
        .filter(|o| !o.police || o.org_id == viewer_org || police_shares_with_viewer)
        .collect()
}

/// The false-positive figures of one scan class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassFigures {
    /// `hoog`, `midden`, `laag`, or `geen scan`.
    pub klasse: String,
    /// Addresses acted on.
    pub addresses: u64,
    /// Of those, addresses where any organisation recorded findings.
    pub with_findings: u64,
}

impl ClassFigures {
    /// Share of addresses without findings (the scan's false-positive rate), 0..1.
    pub fn false_positive_rate(&self) -> Option<f64> {
        (self.addresses > 0)
            .then(|| (self.addresses - self.with_findings) as f64 / self.addresses as f64)
    }
}

/// Per scan class: addresses acted on and how many had findings (by any
/// organisation). Addresses count once, whatever the number of outcomes.
pub fn per_scan_class(outcomes: &[RecordedOutcome]) -> Vec<ClassFigures> {
    let mut per: BTreeMap<String, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for o in outcomes {
        let class = o.scan_class.clone().unwrap_or_else(|| "geen scan".into());
        let e = per.entry(class).or_default();
        e.0.insert(&o.address_id);
        if o.outcome.finding.is_some() {
            e.1.insert(&o.address_id);
        }
    }
    let rank = |k: &str| match k {
        "hoog" => 0,
        "midden" => 1,
        "laag" => 2,
        _ => 3,
    };
    let mut out: Vec<ClassFigures> = per
        .into_iter()
        .map(|(klasse, (all, found))| ClassFigures {
            klasse,
            addresses: all.len() as u64,
            with_findings: found.len() as u64,
        })
        .collect();
    out.sort_by_key(|c| rank(&c.klasse));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(
        address: &str,
        org: &str,
        police: bool,
        finding: Option<&str>,
        class: Option<&str>,
    ) -> RecordedOutcome {
        RecordedOutcome {
            address_id: address.into(),
            org_id: org.into(),
            police,
            outcome: Outcome {
                finding: finding.map(str::to_string),
                follow_up_org: None,
                note: String::new(),
            },
            scan_class: class.map(str::to_string),
        }
    }

    #[test]
    fn outcomes_are_checked() {
        let orgs = vec!["gemeente".to_string(), "politie".to_string()];
        let ok = validate(
            &OutcomeInput {
                result: "bevindingen".into(),
                category: "drugsafval".into(),
                follow_up_org: "politie".into(),
                note: "Vaten in de schuur".into(),
            },
            &orgs,
        )
        .unwrap();
        assert_eq!(ok.finding.as_deref(), Some("drugsafval"));
        let keys = |i: OutcomeInput| {
            validate(&i, &orgs)
                .unwrap_err()
                .into_iter()
                .map(|e| e.key)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(OutcomeInput {
                result: "misschien".into(),
                ..Default::default()
            }),
            ["action.error.result"]
        );
        assert_eq!(
            keys(OutcomeInput {
                result: "bevindingen".into(),
                category: "x".into(),
                follow_up_org: "rws".into(),
                ..Default::default()
            }),
            ["action.error.category", "action.error.follow_up_org"]
        );
        assert_eq!(
            keys(OutcomeInput {
                result: "niets".into(),
                category: "milieu".into(),
                ..Default::default()
            }),
            ["action.error.category_without_findings"]
        );
    }

    #[test]
    fn only_participants_see_outcomes_and_police_ones_follow_the_sharing_rules() {
        let outcomes = vec![
            rec("a", "gemeente", false, None, Some("hoog")),
            rec("a", "politie", true, Some("hennepteelt"), Some("hoog")),
        ];
        let parts = vec!["gemeente".to_string(), "politie".to_string()];
        assert!(visible("odnn", &parts, true, &outcomes).is_empty());
        assert_eq!(visible("gemeente", &parts, false, &outcomes).len(), 1);
        assert_eq!(visible("gemeente", &parts, true, &outcomes).len(), 2);
        assert_eq!(visible("politie", &parts, false, &outcomes).len(), 2);
    }

    #[test]
    fn false_positive_rate_per_scan_class_counts_addresses_once() {
        let outcomes = vec![
            rec("a", "gemeente", false, None, Some("hoog")),
            rec("a", "politie", true, Some("hennepteelt"), Some("hoog")),
            rec("b", "gemeente", false, None, Some("hoog")),
            rec("c", "gemeente", false, None, Some("hoog")),
            rec("d", "gemeente", false, Some("milieu"), Some("midden")),
            rec("e", "gemeente", false, None, None),
        ];
        let f = per_scan_class(&outcomes);
        assert_eq!(
            f[0],
            ClassFigures {
                klasse: "hoog".into(),
                addresses: 3,
                with_findings: 1
            }
        );
        assert!((f[0].false_positive_rate().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            (f[1].klasse.as_str(), f[1].addresses, f[1].with_findings),
            ("midden", 1, 1)
        );
        assert_eq!(f[2].klasse, "geen scan");
        assert_eq!(ActionSource::Signaal.as_str(), "signaal");
    }
}
