//! Coaching (Module 5): a farmer who is vulnerable to criminals is referred,
//! only with their consent, to an agro-coach who works confidentially. The
//! coach's file (conversations, notes, steps) is a compartment that only the
//! coach organisation reads; police, RIEC, enforcement roles and the
//! municipality see that a referral exists and its coarse status, never the
//! content. Coaching data never feeds the gebiedsscan. The first conversation
//! is funded by the programme; follow-up by the municipality's wijkteam is a
//! task with a due date.

use crate::FieldError;
use bz_domain::access::Subject;
use bz_domain::identity::{OrgType, Role};
use serde::Serialize;
use time::Date;

/// Where a referral comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReferralSource {
    /// A visit of "de boer op" where the farmer asked for a coach.
    Bezoek,
    /// A person decided on "coach aanbieden" after a gebiedsscan.
    ScanBesluit,
    /// A signal.
    Signaal,
}

impl ReferralSource {
    pub const ALL: [ReferralSource; 3] = [
        ReferralSource::Bezoek,
        ReferralSource::ScanBesluit,
        ReferralSource::Signaal,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralSource::Bezoek => "bezoek",
            ReferralSource::ScanBesluit => "scanbesluit",
            ReferralSource::Signaal => "signaal",
        }
    }
    pub fn parse(s: &str) -> Option<ReferralSource> {
        ReferralSource::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// How the farmer gave consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ConsentHow {
    Mondeling,
    Schriftelijk,
    Digitaal,
}

impl ConsentHow {
    pub const ALL: [ConsentHow; 3] = [
        ConsentHow::Mondeling,
        ConsentHow::Schriftelijk,
        ConsentHow::Digitaal,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentHow::Mondeling => "mondeling",
            ConsentHow::Schriftelijk => "schriftelijk",
            ConsentHow::Digitaal => "digitaal",
        }
    }
    pub fn parse(s: &str) -> Option<ConsentHow> {
        ConsentHow::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The status everyone involved may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum CoarseStatus {
    Aangemeld,
    InGesprek,
    Afgerond,
    Afgezien,
}

impl CoarseStatus {
    pub const ALL: [CoarseStatus; 4] = [
        CoarseStatus::Aangemeld,
        CoarseStatus::InGesprek,
        CoarseStatus::Afgerond,
        CoarseStatus::Afgezien,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CoarseStatus::Aangemeld => "aangemeld",
            CoarseStatus::InGesprek => "in_gesprek",
            CoarseStatus::Afgerond => "afgerond",
            CoarseStatus::Afgezien => "afgezien",
        }
    }
    pub fn parse(s: &str) -> Option<CoarseStatus> {
        CoarseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Allowed changes: aangemeld → in gesprek | afgezien; in gesprek →
    /// afgerond | afgezien; a closed referral is reopened by a new referral.
    pub fn may_become(self, next: CoarseStatus) -> bool {
        use CoarseStatus::*;
        matches!(
            (self, next),
            (Aangemeld, InGesprek)
                | (Aangemeld, Afgezien)
                | (InGesprek, Afgerond)
                | (InGesprek, Afgezien)
        )
    }
}

/// A referral as entered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferralInput {
    pub source: String,
    pub coach_org_id: String,
    /// `ja` when the farmer consented; anything else refuses the referral.
    pub consent: String,
    pub consent_date: String,
    pub consent_how: String,
}

/// A checked referral.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub source: ReferralSource,
    pub coach_org_id: String,
    pub consent_date: Date,
    pub consent_how: ConsentHow,
}

/// Checks a referral: a known source, a coach organisation from
/// `coach_orgs`, and consent with its date (not in the future) and manner.
/// Without consent nothing is recorded.
pub fn validate_referral(
    input: &ReferralInput,
    coach_orgs: &[String],
    today: Date,
) -> Result<Referral, Vec<FieldError>> {
    let mut errors = Vec::new();
    let source = ReferralSource::parse(input.source.trim());
    if source.is_none() {
        errors.push(FieldError::new("source", "coaching.error.source"));
    }
    let coach = input.coach_org_id.trim();
    if !coach_orgs.iter().any(|c| c == coach) {
        errors.push(FieldError::new("coach_org_id", "coaching.error.coach_org"));
    }
    if input.consent.trim() != "ja" {
        errors.push(FieldError::new("consent", "coaching.error.no_consent"));
    }
    let date = time::Date::parse(
        input.consent_date.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok();
    match date {
        None => errors.push(FieldError::new(
            "consent_date",
            "coaching.error.consent_date",
        )),
        Some(d) if d > today => errors.push(FieldError::new(
            "consent_date",
            "coaching.error.consent_in_future",
        )),
        Some(_) => {}
    }
    let how = ConsentHow::parse(input.consent_how.trim());
    if how.is_none() {
        errors.push(FieldError::new("consent_how", "coaching.error.consent_how"));
    }
    match (source, date, how) {
        (Some(source), Some(consent_date), Some(consent_how)) if errors.is_empty() => {
            Ok(Referral {
                source,
                coach_org_id: coach.to_string(),
                consent_date,
                consent_how,
            })
        }
        _ => Err(errors),
    }
}

/// What a person may see of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReferralView {
    /// Nothing, not even that it exists.
    None,
    /// That it exists and its coarse status (aangemeld, in gesprek, afgerond, afgezien).
    Coarse,
    /// The coach's file: conversations, notes, steps.
    File,
}

/// The compartment rule. The file is for coaches of the referral's own coach
/// organisation only; the municipality's safety, enforcement and intake roles
/// and analysts see the coarse status of referrals in their areas
/// (`in_subject_area`); partners, platform administrators and coaches of
/// other coach organisations see nothing.
pub fn view(subject: &Subject, coach_org_id: &str, in_subject_area: bool) -> ReferralView {
    if subject.org_type == OrgType::Coach {
        return if subject.org_id == coach_org_id && subject.has(Role::Coach) {
            ReferralView::File
        } else {
            ReferralView::None
        };
    }
    let operational = [Role::Aov, Role::Analist, Role::Toezichthouder, Role::Intake]
        .iter()
        .any(|r| subject.has(*r));
    if operational && in_subject_area {
        ReferralView::Coarse
    } else {
        ReferralView::None
    }
}

/// Kinds of entries in the coach's file.
pub const FILE_ENTRY_KINDS: &[&str] = &["gesprek", "notitie", "stap"];

/// Whether a new conversation is the one the programme funds: the first
/// conversation of the referral.
pub fn funded_by_programme(kind: &str, earlier_conversations: usize) -> bool {
    kind == "gesprek" && earlier_conversations == 0
}

/// The due date of the wijkteam's follow-up: `days` calendar days after the
/// coaching ended (at least one day).
pub fn follow_up_due(ended: Date, days: u16) -> Date {
    ended.saturating_add(time::Duration::days(i64::from(days.max(1))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn subject(org: &str, org_type: OrgType, roles: &[Role]) -> Subject {
        Subject {
            user_id: "u".into(),
            username: "u".into(),
            org_id: org.into(),
            org_type,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn only_the_coach_organisation_reads_the_file_for_every_role() {
        // Every role in every kind of organisation: the file only for coaches of the coach org.
        for t in OrgType::ALL {
            for r in Role::ALL {
                for org in ["coachorg", "other"] {
                    let s = subject(org, *t, &[*r]);
                    let v = view(&s, "coachorg", true);
                    let file = *t == OrgType::Coach && org == "coachorg" && *r == Role::Coach;
                    assert_eq!(v == ReferralView::File, file, "{t:?} {r:?} {org}");
                    if *t == OrgType::Coach && !file {
                        assert_eq!(v, ReferralView::None, "other coaches see nothing");
                    }
                    if matches!(r, Role::Partner | Role::Beheerder) && *t != OrgType::Coach {
                        assert_eq!(v, ReferralView::None, "{r:?}");
                    }
                }
            }
        }
        let police = subject("politie", OrgType::Politie, &[Role::Toezichthouder]);
        assert_eq!(view(&police, "coachorg", true), ReferralView::Coarse);
        assert_eq!(
            view(&police, "coachorg", false),
            ReferralView::None,
            "outside its areas"
        );
    }

    #[test]
    fn a_referral_needs_consent_with_date_and_manner() {
        let coaches = vec!["coachorg".to_string()];
        let today = date!(2026 - 12 - 03);
        let ok = validate_referral(
            &ReferralInput {
                source: "bezoek".into(),
                coach_org_id: "coachorg".into(),
                consent: "ja".into(),
                consent_date: "2026-12-01".into(),
                consent_how: "mondeling".into(),
            },
            &coaches,
            today,
        )
        .unwrap();
        assert_eq!(ok.consent_how, ConsentHow::Mondeling);
        let keys = validate_referral(
            &ReferralInput {
                source: "roddel".into(),
                coach_org_id: "elders".into(),
                consent: "".into(),
                consent_date: "2026-12-04".into(),
                consent_how: "".into(),
            },
            &coaches,
            today,
        )
        .unwrap_err()
        .into_iter()
        .map(|e| e.key)
        .collect::<Vec<_>>();
        assert_eq!(
            keys,
            [
                "coaching.error.source",
                "coaching.error.coach_org",
                "coaching.error.no_consent",
                "coaching.error.consent_in_future",
                "coaching.error.consent_how"
            ]
        );
    }

    #[test]
    fn status_changes_funding_and_follow_up() {
        use CoarseStatus::*;
        assert!(Aangemeld.may_become(InGesprek) && InGesprek.may_become(Afgerond));
        assert!(!Afgerond.may_become(InGesprek) && !Aangemeld.may_become(Afgerond));
        assert!(funded_by_programme("gesprek", 0));
        assert!(!funded_by_programme("gesprek", 1) && !funded_by_programme("notitie", 0));
        assert_eq!(
            follow_up_due(date!(2026 - 12 - 30), 14),
            date!(2027 - 01 - 13)
        );
        for s in CoarseStatus::ALL {
            assert_eq!(CoarseStatus::parse(s.as_str()), Some(s));
        }
    }
}
