//! The one place that decides access: subject × object × action → allow or deny.
//!
//! Deny by default. Every web route names the [`Action`] it performs; the web
//! layer asks [`decide`] before the handler runs. Adding an action forces a
//! decision here (the match is exhaustive), and the route-table test in the
//! web crate checks every route for every role.

use crate::identity::{OrgType, Role};
use serde::Serialize;

/// Who is asking: a logged-in user of an organisation with their roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub user_id: String,
    pub username: String,
    pub org_id: String,
    pub org_type: OrgType,
    pub roles: Vec<Role>,
}

impl Subject {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
}

/// What is being done. One variant per kind of operation the product offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Action {
    /// Static assets, health check, language switch, error pages.
    ViewPublic,
    /// The login steps (password, second factor, enrolment) before a user is known.
    Login,
    /// Anonymous public forms (answering the survey with an invitation code,
    /// reporting a signal, following it up with meldcode and secret). No login;
    /// the guard does not even load a session, so nothing can link the
    /// submission to a person or account.
    SubmitAnonymous,
    /// Log out; any logged-in user.
    Logout,
    /// The home page with the organisation's areas and aggregate key figures.
    ViewHome,
    /// Own account: change password, see own sessions.
    ManageOwnAccount,
    /// Aggregate figures of an area (counts per kind): every role, including partners.
    ViewAreaAggregates,
    /// Address-level data (BAG objects, businesses at an address, incidents at a place).
    ViewLocationDetails,
    /// Create and change organisations.
    ManageOrganisations,
    /// Create users, reset passwords, deactivate users.
    ManageUsers,
    /// Read the audit trail.
    ViewAudit,
    /// See the scored addresses of a scan run and their explanations.
    ViewScanResults,
    /// Start a scan run over an area.
    RunScan,
    /// Record a human decision on a scored address.
    DecideScan,
    /// See the indicator sets of the gebiedsscan, their versions and approvals.
    ViewIndicatorSets,
    /// Create a new version of an indicator set and approve another's draft (four eyes).
    ManageIndicatorSets,
    /// Upload registry and partner files for import (BAG, municipalities, businesses,
    /// incidents, signals) and follow the import's progress.
    ImportData,
    /// De boer op and integrale acties: the rounds and actions of the
    /// organisation's areas, their target lists, routes and results.
    ViewFieldWork,
    /// Plan a visit round or an integrale actie (target list, teams, routes).
    PlanFieldWork,
    /// Record a visit on a farmyard or an organisation's outcome of an action.
    RecordFieldWork,
    /// Coach referrals: the list and a referral's page (what each role sees of
    /// it is decided by `bz_field::coaching::view`).
    ViewReferrals,
    /// Refer a farmer to an agro-coach (only with their consent).
    ReferToCoach,
    /// Work a referral's file: conversations, notes, steps, its status (the
    /// coach organisation only; the handler checks it is the referral's coach).
    WorkCoachFile,
    /// The residents' survey of the organisation's areas: its status, counts
    /// per sub-area and the report (analysts get the analyst view).
    ViewSurveys,
    /// Create, publish and remind; letters with addresses and codes; paper entry.
    ManageSurveys,
    /// Download every response of a survey (CSV, XLSX): analysts only.
    ExportSurveyResponses,
    /// Signals (meldingen) one by one: the list, a signal's page with its
    /// history and files, the overdue list. Never for partners (they see
    /// aggregates only); a coach only the signals assigned to them.
    ViewSignals,
    /// Enter a professional signal (intake form) or import partner signals.
    IntakeSignals,
    /// Work on a signal: change its state, add notes and files, tick the
    /// drug-waste protocol. A coach only on signals assigned to them.
    HandleSignals,
    /// Triage: assign a signal to an organisation (and a user), merge
    /// duplicates, forward to police, Meld Misdaad Anoniem, RIEC or the
    /// Omgevingsdienst with the de-identified summary.
    TriageSignals,
    /// See the reporter's original text and contact details and write the
    /// de-identified summary everyone else sees: the intake role only.
    DeidentifySignals,
    /// Edit the workflow of signals (states, transitions, deadlines, retention).
    ManageWorkflow,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewPublic,
        Action::Login,
        Action::SubmitAnonymous,
        Action::Logout,
        Action::ViewHome,
        Action::ManageOwnAccount,
        Action::ViewAreaAggregates,
        Action::ViewLocationDetails,
        Action::ManageOrganisations,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ViewScanResults,
        Action::RunScan,
        Action::DecideScan,
        Action::ViewIndicatorSets,
        Action::ManageIndicatorSets,
        Action::ImportData,
        Action::ViewFieldWork,
        Action::PlanFieldWork,
        Action::RecordFieldWork,
        Action::ViewReferrals,
        Action::ReferToCoach,
        Action::WorkCoachFile,
        Action::ViewSurveys,
        Action::ManageSurveys,
        Action::ExportSurveyResponses,
        Action::ViewSignals,
        Action::IntakeSignals,
        Action::HandleSignals,
        Action::TriageSignals,
        Action::DeidentifySignals,
        Action::ManageWorkflow,
    ];
}

/// The object acted upon, where the decision depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource<'a> {
    /// No specific object (a page, a list the handler filters by subject).
    Any,
    /// An object owned by an organisation.
    OwnedBy { org_id: &'a str },
    /// An object in an area (municipality); `subject_works_there` tells whether
    /// the area is one of the subject organisation's areas.
    InArea { subject_works_there: bool },
    /// A signal: whether it lies in one of the subject organisation's areas
    /// (the web layer decides; a signal without a municipality counts as in
    /// the area of intake officers only), and to whom it is assigned.
    Signal {
        in_area: bool,
        assigned_org_id: Option<&'a str>,
        assigned_user_id: Option<&'a str>,
    },
}

/// Why a request was denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Denial {
    /// Nobody is logged in (HTTP 401).
    Unauthenticated,
    /// The subject is known but may not do this (HTTP 403).
    Forbidden,
}

pub type Decision = Result<(), Denial>;

/// Decide whether `subject` may perform `action` on `resource`.
pub fn decide(subject: Option<&Subject>, action: Action, resource: &Resource<'_>) -> Decision {
    use Role::*;
    let public = matches!(
        action,
        Action::ViewPublic | Action::Login | Action::SubmitAnonymous
    );
    if public {
        return Ok(());
    }
    let Some(s) = subject else {
        return Err(Denial::Unauthenticated);
    };
    let allowed = match action {
        Action::ViewPublic | Action::Login | Action::SubmitAnonymous => true,
        Action::Logout
        | Action::ViewHome
        | Action::ManageOwnAccount
        | Action::ViewAreaAggregates => true,
        // Location details are need-to-know: not for private partners (aggregates only)
        // and not for coaches (they see their own referrals only).
        Action::ViewLocationDetails => {
            s.has_any(&[Analist, Aov, Toezichthouder, Intake, Beheerder])
        }
        Action::ManageOrganisations | Action::ManageUsers | Action::ViewAudit => s.has(Beheerder),
        // Scored addresses are for the analysts and the municipality's safety
        // and enforcement staff; partners and coaches see aggregates only.
        Action::ViewScanResults => s.has_any(&[Analist, Aov, Toezichthouder]),
        Action::RunScan | Action::DecideScan => s.has_any(&[Analist, Aov]),
        // The roles that run scans choose a set; those who configure or approve see them too.
        Action::ViewIndicatorSets => s.has_any(&[Analist, Aov, Beheerder]),
        Action::ManageIndicatorSets => s.has_any(&[Analist, Beheerder]),
        // The platform administrator and the analysts bring in the data the scan uses.
        Action::ImportData => s.has_any(&[Analist, Beheerder]),
        // The field work of the municipality's safety staff, enforcement and police.
        Action::ViewFieldWork => s.has_any(&[Aov, Toezichthouder, Analist]),
        Action::PlanFieldWork => s.has_any(&[Aov, Toezichthouder]),
        Action::RecordFieldWork => s.has_any(&[Aov, Toezichthouder]),
        // Referrals: the coarse status for the operational roles, the file for
        // coaches; never for partners or the platform administrator.
        Action::ViewReferrals => s.has_any(&[Aov, Toezichthouder, Analist, Intake, Coach]),
        Action::ReferToCoach => s.has_any(&[Aov, Toezichthouder, Intake]),
        Action::WorkCoachFile => s.has(Coach),
        // The survey: the municipality's AOV'er runs it, the analyst analyses;
        // the report (disclosure-controlled) is for every role of the area.
        Action::ViewSurveys => true,
        Action::ManageSurveys => s.has_any(&[Aov, Analist]),
        Action::ExportSurveyResponses => s.has(Analist),
        // Single signals are need-to-know: never for private partners; the
        // coach only sees (and works on) what is assigned to them, which the
        // resource check below enforces.
        Action::ViewSignals => s.has_any(&[Intake, Toezichthouder, Aov, Analist, Coach]),
        Action::IntakeSignals => s.has_any(&[Intake, Toezichthouder, Aov]),
        Action::HandleSignals => s.has_any(&[Intake, Toezichthouder, Aov, Coach]),
        Action::TriageSignals => s.has_any(&[Intake, Aov]),
        Action::DeidentifySignals => s.has(Intake),
        Action::ManageWorkflow => s.has(Beheerder),
    };
    if !allowed {
        return Err(Denial::Forbidden);
    }
    match resource {
        Resource::Any => Ok(()),
        // Owned objects: the owner's members, or a platform administrator.
        Resource::OwnedBy { org_id } => {
            if *org_id == s.org_id || s.has(Beheerder) {
                Ok(())
            } else {
                Err(Denial::Forbidden)
            }
        }
        Resource::InArea {
            subject_works_there,
        } => {
            if *subject_works_there {
                Ok(())
            } else {
                Err(Denial::Forbidden)
            }
        }
        // Staff with a signal role see the signals of their areas and those
        // assigned to their organisation; a coach (without such a role) only
        // the signals assigned to them personally.
        Resource::Signal {
            in_area,
            assigned_org_id,
            assigned_user_id,
        } => {
            let staff = s.has_any(&[Intake, Toezichthouder, Aov, Analist]);
            let ok = if staff {
                *in_area || *assigned_org_id == Some(s.org_id.as_str())
            } else {
                s.has(Coach) && *assigned_user_id == Some(s.user_id.as_str())
            };
            if ok { Ok(()) } else { Err(Denial::Forbidden) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(roles: &[Role]) -> Subject {
        Subject {
            user_id: "u1".into(),
            username: "u".into(),
            org_id: "o1".into(),
            org_type: OrgType::Gemeente,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn anonymous_users_get_only_public_actions() {
        for a in Action::ALL {
            let d = decide(None, *a, &Resource::Any);
            match a {
                Action::ViewPublic | Action::Login | Action::SubmitAnonymous => {
                    assert_eq!(d, Ok(()))
                }
                _ => assert_eq!(d, Err(Denial::Unauthenticated), "{a:?}"),
            }
        }
    }

    #[test]
    fn only_beheerder_administers() {
        for r in Role::ALL {
            let s = subject(&[*r]);
            for a in [
                Action::ManageOrganisations,
                Action::ManageUsers,
                Action::ViewAudit,
            ] {
                let expect = if *r == Role::Beheerder {
                    Ok(())
                } else {
                    Err(Denial::Forbidden)
                };
                assert_eq!(decide(Some(&s), a, &Resource::Any), expect, "{r:?} {a:?}");
            }
        }
    }

    #[test]
    fn field_work_and_coaching_are_for_their_roles_only() {
        use Role::*;
        let expect: &[(Action, &[Role])] = &[
            (Action::ViewFieldWork, &[Aov, Toezichthouder, Analist]),
            (Action::PlanFieldWork, &[Aov, Toezichthouder]),
            (Action::RecordFieldWork, &[Aov, Toezichthouder]),
            (
                Action::ViewReferrals,
                &[Aov, Toezichthouder, Analist, Intake, Coach],
            ),
            (Action::ReferToCoach, &[Aov, Toezichthouder, Intake]),
            (Action::WorkCoachFile, &[Coach]),
            (Action::ManageSurveys, &[Aov, Analist]),
            (Action::ExportSurveyResponses, &[Analist]),
        ];
        for (action, roles) in expect {
            for r in Role::ALL {
                let d = decide(Some(&subject(&[*r])), *action, &Resource::Any);
                assert_eq!(d.is_ok(), roles.contains(r), "{action:?} {r:?}");
            }
        }
    }

    #[test]
    fn only_analists_and_beheerders_import_data() {
        for r in Role::ALL {
            let d = decide(Some(&subject(&[*r])), Action::ImportData, &Resource::Any);
            let expect = matches!(r, Role::Analist | Role::Beheerder);
            assert_eq!(d.is_ok(), expect, "{r:?}");
        }
        assert_eq!(
            decide(None, Action::ImportData, &Resource::Any),
            Err(Denial::Unauthenticated)
        );
    }

    #[test]
    fn partners_and_coaches_see_aggregates_not_locations() {
        for r in [Role::Partner, Role::Coach] {
            let s = subject(&[r]);
            assert_eq!(
                decide(Some(&s), Action::ViewAreaAggregates, &Resource::Any),
                Ok(())
            );
            assert_eq!(
                decide(Some(&s), Action::ViewLocationDetails, &Resource::Any),
                Err(Denial::Forbidden)
            );
        }
        let s = subject(&[Role::Partner, Role::Aov]);
        assert_eq!(
            decide(Some(&s), Action::ViewLocationDetails, &Resource::Any),
            Ok(())
        );
    }

    #[test]
    fn scan_results_are_need_to_know() {
        for r in Role::ALL {
            let s = subject(&[*r]);
            let view = decide(Some(&s), Action::ViewScanResults, &Resource::Any).is_ok();
            let run = decide(Some(&s), Action::RunScan, &Resource::Any).is_ok();
            assert_eq!(
                view,
                matches!(r, Role::Analist | Role::Aov | Role::Toezichthouder),
                "{r:?}"
            );
            assert_eq!(run, matches!(r, Role::Analist | Role::Aov), "{r:?}");
            assert_eq!(
                decide(Some(&s), Action::DecideScan, &Resource::Any).is_ok(),
                run
            );
        }
        let s = subject(&[Role::Aov]);
        assert_eq!(
            decide(
                Some(&s),
                Action::ViewScanResults,
                &Resource::InArea {
                    subject_works_there: false
                }
            ),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(
                Some(&s),
                Action::ViewScanResults,
                &Resource::InArea {
                    subject_works_there: true
                }
            ),
            Ok(())
        );
    }

    #[test]
    fn indicator_sets_are_managed_by_analists_and_beheerders() {
        for r in Role::ALL {
            let s = subject(&[*r]);
            let view = decide(Some(&s), Action::ViewIndicatorSets, &Resource::Any).is_ok();
            let manage = decide(Some(&s), Action::ManageIndicatorSets, &Resource::Any).is_ok();
            assert_eq!(
                view,
                matches!(r, Role::Analist | Role::Aov | Role::Beheerder),
                "{r:?}"
            );
            assert_eq!(
                manage,
                matches!(r, Role::Analist | Role::Beheerder),
                "{r:?}"
            );
        }
    }

    #[test]
    fn owned_objects_need_the_same_organisation() {
        let s = subject(&[Role::Aov]);
        assert_eq!(
            decide(
                Some(&s),
                Action::ViewLocationDetails,
                &Resource::OwnedBy { org_id: "o1" }
            ),
            Ok(())
        );
        assert_eq!(
            decide(
                Some(&s),
                Action::ViewLocationDetails,
                &Resource::OwnedBy { org_id: "o2" }
            ),
            Err(Denial::Forbidden)
        );
    }

    fn signal<'a>(in_area: bool, org: Option<&'a str>, user: Option<&'a str>) -> Resource<'a> {
        Resource::Signal {
            in_area,
            assigned_org_id: org,
            assigned_user_id: user,
        }
    }

    #[test]
    fn partners_never_see_single_signals() {
        let s = subject(&[Role::Partner]);
        for a in [
            Action::ViewSignals,
            Action::IntakeSignals,
            Action::HandleSignals,
            Action::TriageSignals,
            Action::DeidentifySignals,
        ] {
            assert_eq!(decide(Some(&s), a, &Resource::Any), Err(Denial::Forbidden));
            assert_eq!(
                decide(Some(&s), a, &signal(true, Some("o1"), Some("u1"))),
                Err(Denial::Forbidden),
                "{a:?}"
            );
        }
        assert_eq!(
            decide(Some(&s), Action::ViewAreaAggregates, &Resource::Any),
            Ok(())
        );
    }

    #[test]
    fn the_coach_sees_only_signals_assigned_to_them() {
        let s = subject(&[Role::Coach]);
        for a in [Action::ViewSignals, Action::HandleSignals] {
            assert_eq!(
                decide(Some(&s), a, &signal(true, Some("o1"), None)),
                Err(Denial::Forbidden),
                "in area, assigned to the organisation: {a:?}"
            );
            assert_eq!(
                decide(Some(&s), a, &signal(true, Some("o1"), Some("u2"))),
                Err(Denial::Forbidden),
                "assigned to someone else: {a:?}"
            );
            assert_eq!(
                decide(Some(&s), a, &signal(false, Some("o9"), Some("u1"))),
                Ok(()),
                "assigned to the coach: {a:?}"
            );
        }
        for a in [
            Action::IntakeSignals,
            Action::TriageSignals,
            Action::DeidentifySignals,
        ] {
            assert_eq!(decide(Some(&s), a, &Resource::Any), Err(Denial::Forbidden));
        }
    }

    #[test]
    fn signal_roles_follow_need_to_know() {
        for r in Role::ALL {
            let s = subject(&[*r]);
            let ok = |a| decide(Some(&s), a, &Resource::Any).is_ok();
            use Role::*;
            assert_eq!(
                ok(Action::ViewSignals),
                matches!(r, Intake | Toezichthouder | Aov | Analist | Coach),
                "{r:?}"
            );
            assert_eq!(
                ok(Action::IntakeSignals),
                matches!(r, Intake | Toezichthouder | Aov),
                "{r:?}"
            );
            assert_eq!(
                ok(Action::HandleSignals),
                matches!(r, Intake | Toezichthouder | Aov | Coach),
                "{r:?}"
            );
            assert_eq!(
                ok(Action::TriageSignals),
                matches!(r, Intake | Aov),
                "{r:?}"
            );
            assert_eq!(ok(Action::DeidentifySignals), *r == Intake, "{r:?}");
            assert_eq!(ok(Action::ManageWorkflow), *r == Beheerder, "{r:?}");
        }
        // Staff: their areas, or assigned to their organisation.
        let s = subject(&[Role::Toezichthouder]);
        assert_eq!(
            decide(Some(&s), Action::ViewSignals, &signal(true, None, None)),
            Ok(())
        );
        assert_eq!(
            decide(
                Some(&s),
                Action::ViewSignals,
                &signal(false, Some("o1"), None)
            ),
            Ok(())
        );
        assert_eq!(
            decide(
                Some(&s),
                Action::ViewSignals,
                &signal(false, Some("o2"), Some("u1"))
            ),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn a_subject_without_roles_gets_nothing_beyond_the_basics() {
        let s = subject(&[]);
        for a in Action::ALL {
            let d = decide(Some(&s), *a, &Resource::Any);
            let basic = matches!(
                a,
                Action::ViewPublic
                    | Action::Login
                    | Action::SubmitAnonymous
                    | Action::Logout
                    | Action::ViewHome
                    | Action::ManageOwnAccount
                    | Action::ViewAreaAggregates
                    | Action::ViewSurveys
            );
            assert_eq!(d.is_ok(), basic, "{a:?}");
        }
    }
}
