//! Signals (meldingen) for professionals: the list with filters, the
//! overdue list, a signal's page (facts, text, history, files, duplicates,
//! forwarding, the drug-waste protocol) and its files.
//!
//! Need-to-know: partners never reach a single signal (the route's action
//! refuses them); staff see the signals of their areas and those assigned to
//! their organisation; a coach only those assigned to them personally. The
//! reporter's original text, reporter additions and contact details are
//! shown to the intake role only; everyone else sees the de-identified
//! summary. Every view of a signal is audited.
//!
//! Changes are in [`super::signalen_actions`], the intake form in
//! [`super::signalen_intake`], the workflow settings in
//! [`super::signalen_beheer`], the API in [`super::signalen_api`] and the
//! retention purge in [`super::signalen_purge`].

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::pages::{FieldError, html};
use askama::Template;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bz_domain::access::{self, Action, Resource, Subject};
use bz_domain::audit::Outcome;
use bz_domain::identity::Role;
use bz_signals::calendar::{HolidayConfig, WorkingCalendar};
use bz_signals::deadline::{Clock, DeadlinePolicy, DeadlineStatus, StateChange, deadline_status};
use bz_signals::duplicates::{DuplicateConfig, DuplicateReason, SignalFacts, suggest_duplicates};
use bz_signals::forward::ForwardTarget;
use bz_signals::protocol::{self, Checklist, Tick, TickOutcome};
use bz_signals::workflow::{StateCode, StateKind, Workflow};
use bz_signals::{Category, IntakeSource};
use bz_store::audit::NewEntry;
use bz_store::signal_workflow::{HistoryRow, SignalQuery, SignalRecord, kinds};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The most signals a list shows.
pub const LIST_LIMIT: i64 = 500;
/// The most open signals checked for the overdue list.
pub const OVERDUE_LIMIT: i64 = 5000;

/// What the current user may do with signals, and where.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub subject: Subject,
    /// Municipality codes of the subject's organisation.
    pub areas: Vec<String>,
}

impl Viewer {
    pub async fn of(st: &AppState, ctx: &Ctx) -> Result<Viewer, AppError> {
        let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
        let areas = st
            .store
            .organisation_areas(&subject.org_id)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        Ok(Viewer { subject, areas })
    }

    /// The access module's object for this signal.
    pub fn resource<'a>(&self, s: &'a SignalRecord) -> Resource<'a> {
        let in_area = match &s.gemeente_code {
            Some(c) => self.areas.contains(c),
            // Outside every imported municipality: intake triages it.
            None => self.subject.has(Role::Intake),
        };
        Resource::Signal {
            in_area,
            assigned_org_id: s.assigned_org_id.as_deref(),
            assigned_user_id: s.assigned_user_id.as_deref(),
        }
    }

    pub fn may(&self, action: Action, s: &SignalRecord) -> bool {
        access::decide(Some(&self.subject), action, &self.resource(s)).is_ok()
    }

    /// May do `action` at all (not tied to one signal).
    pub fn may_any(&self, action: Action) -> bool {
        access::decide(Some(&self.subject), action, &Resource::Any).is_ok()
    }

    /// Sees the reporter's own words and contact details.
    pub fn sees_original(&self) -> bool {
        self.may_any(Action::DeidentifySignals)
    }

    /// The query for every signal this viewer might see (access is still
    /// decided per signal).
    pub fn query(&self) -> SignalQuery {
        let staff = self.subject.roles.iter().any(|r| {
            matches!(
                r,
                Role::Intake | Role::Toezichthouder | Role::Aov | Role::Analist
            )
        });
        SignalQuery {
            gemeenten: if staff {
                self.areas.clone()
            } else {
                Vec::new()
            },
            include_unplaced: staff && self.subject.has(Role::Intake),
            assigned_org: staff.then(|| self.subject.org_id.clone()),
            assigned_user: Some(self.subject.user_id.clone()),
            exclude_merged: true,
            limit: LIST_LIMIT,
            ..SignalQuery::default()
        }
    }
}

/// Load a signal the viewer may act on with `action`; a signal that does
/// not exist is 404, one out of reach 403 (and the refusal is audited).
pub async fn load(
    st: &AppState,
    v: &Viewer,
    id: &str,
    action: Action,
) -> Result<SignalRecord, AppError> {
    let rec = st.store.signal(id).await?.ok_or(AppError::NotFound)?;
    if !v.may(action, &rec) {
        audit(
            st,
            &v.subject,
            "signal.denied",
            &rec.id,
            Outcome::Denied,
            String::new(),
        )
        .await?;
        return Err(AppError::Forbidden);
    }
    Ok(rec)
}

/// Write an audit entry about a signal.
pub async fn audit(
    st: &AppState,
    s: &Subject,
    action: &'static str,
    id: &str,
    outcome: Outcome,
    detail: String,
) -> Result<(), AppError> {
    st.store
        .audit(entry(s, action, id, outcome, detail), st.clock.now_ms())
        .await?;
    Ok(())
}

/// An audit entry about a signal (for writing inside a transaction).
pub fn entry(
    s: &Subject,
    action: &'static str,
    id: &str,
    outcome: Outcome,
    detail: String,
) -> NewEntry {
    NewEntry {
        actor_id: Some(s.user_id.clone()),
        actor_name: s.username.clone(),
        org_id: Some(s.org_id.clone()),
        action,
        object_type: "signal",
        object_id: id.to_string(),
        outcome,
        detail,
    }
}

/// A stored category code as the enum (codes outside the list, e.g. free
/// text of an imported file, count as `overig` for deadlines and retention).
pub fn category_of(code: &str) -> Category {
    code.parse().unwrap_or(Category::Overig)
}

pub fn category_name(lang: Lang, code: &str) -> String {
    match code.parse::<Category>() {
        Ok(c) => match lang {
            Lang::Nl => c.name_nl().into(),
            Lang::En => c.name_en().into(),
        },
        Err(_) => code.to_string(),
    }
}

pub fn source_name(lang: Lang, code: &str) -> String {
    match code.parse::<IntakeSource>() {
        Ok(c) => match lang {
            Lang::Nl => c.name_nl().into(),
            Lang::En => c.name_en().into(),
        },
        Err(_) => code.to_string(),
    }
}

pub fn state_name(lang: Lang, wf: &Workflow, code: &str) -> String {
    match wf.state(code) {
        Some(s) => match lang {
            Lang::Nl => s.name_nl.clone(),
            Lang::En => s.name_en.clone(),
        },
        None => code.to_string(),
    }
}

pub fn target_name(lang: Lang, code: &str) -> String {
    match code.parse::<ForwardTarget>() {
        Ok(t) => match lang {
            Lang::Nl => t.name_nl().into(),
            Lang::En => t.name_en().into(),
        },
        Err(_) => code.to_string(),
    }
}

/// `YYYY-MM-DD` in Dutch local time.
pub fn local_day(ts: i64) -> String {
    bz_signals::calendar::local_date(ts).to_string()
}

/// `YYYY-MM-DD HH:MM` in Dutch local time.
pub fn local_time(ts: i64) -> String {
    let offset = bz_signals::calendar::nl_offset_at(ts);
    match time::OffsetDateTime::from_unix_timestamp(ts) {
        Ok(t) => {
            let t = t.to_offset(offset);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => i18n::datetime(ts),
    }
}

pub fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(HolidayConfig::default())
}

/// A signal's deadline status now.
pub fn deadline_of(
    wf: &Workflow,
    policy: &DeadlinePolicy,
    rec: &SignalRecord,
    changes: &[(i64, String)],
    now: i64,
) -> DeadlineStatus {
    let changes: Vec<StateChange> = changes
        .iter()
        .filter_map(|(at, to)| {
            StateCode::parse(to)
                .ok()
                .map(|to| StateChange { at: *at, to })
        })
        .collect();
    deadline_status(
        &calendar(),
        wf,
        rec.received_at,
        &changes,
        policy.for_category(category_of(&rec.category)),
        now,
    )
}

/// The deadline as a short text: due date, paused, stopped or overdue.
pub fn deadline_text(lang: Lang, d: &DeadlineStatus) -> String {
    let due = d.due_at.map(local_time).unwrap_or_default();
    let days = d.working_days.to_string();
    let key = match d.clock {
        Clock::Stopped => "sig.deadline.stopped",
        Clock::Paused => "sig.deadline.paused",
        Clock::Running if d.overdue => "sig.deadline.overdue",
        Clock::Running => "sig.deadline.due",
    };
    i18n::tr_args(lang, key, &[("due", &due), ("days", &days)])
}

/// The names of organisations and users, for display.
pub struct Names {
    pub orgs: HashMap<String, String>,
    pub users: HashMap<String, String>,
}

impl Names {
    pub async fn load(st: &AppState) -> Result<Names, AppError> {
        let orgs = st
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let users = st
            .store
            .users(st.clock.now())
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        Ok(Names { orgs, users })
    }

    pub fn assigned(&self, rec: &SignalRecord) -> String {
        match (&rec.assigned_org_id, &rec.assigned_user_id) {
            (None, _) => "—".into(),
            (Some(o), None) => self.org(o),
            (Some(o), Some(u)) => format!("{} ({})", self.org(o), self.user(u)),
        }
    }

    pub fn org(&self, id: &str) -> String {
        self.orgs.get(id).cloned().unwrap_or_else(|| id.to_string())
    }

    pub fn user(&self, id: &str) -> String {
        self.users
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// The short form of an id shown to people (the first block of the UUID).
pub fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

// ---------------------------------------------------------------- list

/// One line of a signal list.
pub struct ListRow {
    pub id: String,
    pub short: String,
    pub received: String,
    pub category: String,
    pub state: String,
    pub place: String,
    pub assigned: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Deserialize, Default, Debug)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub categorie: Option<String>,
    /// `verlopen`: only overdue signals.
    #[serde(default)]
    pub termijn: Option<String>,
    /// `ik` or `organisatie`.
    #[serde(default)]
    pub toegewezen: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "signalen.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<ListRow>,
    states: Vec<Choice>,
    categories: Vec<Choice>,
    assigned: Vec<Choice>,
    overdue_only: bool,
    may_intake: bool,
    truncated: bool,
}

/// The signals this viewer may see, filtered, with their deadlines.
pub async fn visible(
    st: &AppState,
    v: &Viewer,
    q: &ListQuery,
) -> Result<Vec<(SignalRecord, DeadlineStatus)>, AppError> {
    let wf = st.store.workflow().await?;
    let mut sq = v.query();
    sq.state = q.status.clone().filter(|s| !s.is_empty());
    sq.category = q.categorie.clone().filter(|s| !s.is_empty());
    match q.toegewezen.as_deref() {
        Some("ik") => sq.only_user = Some(v.subject.user_id.clone()),
        Some("organisatie") => sq.only_org = Some(v.subject.org_id.clone()),
        _ => {}
    }
    if q.termijn.as_deref() == Some("verlopen") {
        // Only open signals can be overdue; old ones must not fall off the list.
        sq.states = wf
            .states
            .iter()
            .filter(|s| s.kind != StateKind::Closed)
            .map(|s| s.code.as_str().to_string())
            .collect();
        sq.limit = OVERDUE_LIMIT;
    }
    let recs: Vec<SignalRecord> = st
        .store
        .signals_for(&sq)
        .await?
        .into_iter()
        .filter(|r| v.may(Action::ViewSignals, r))
        .collect();
    let policy = st.store.deadline_policy().await?;
    let ids: Vec<String> = recs.iter().map(|r| r.id.clone()).collect();
    let changes = st.store.state_changes(&ids).await?;
    let now = st.clock.now();
    let empty = Vec::new();
    let mut out = Vec::new();
    for r in recs {
        let d = deadline_of(&wf, &policy, &r, changes.get(&r.id).unwrap_or(&empty), now);
        if q.termijn.as_deref() == Some("verlopen") && !d.overdue {
            continue;
        }
        out.push((r, d));
    }
    Ok(out)
}

pub fn list_rows(
    lang: Lang,
    wf: &Workflow,
    names: &Names,
    list: &[(SignalRecord, DeadlineStatus)],
) -> Vec<ListRow> {
    list.iter()
        .map(|(r, d)| ListRow {
            id: r.id.clone(),
            short: short_id(&r.id),
            received: local_time(r.received_at),
            category: category_name(lang, &r.category),
            state: state_name(lang, wf, &r.state),
            place: r
                .gemeente_code
                .clone()
                .or_else(|| r.bag_id.clone())
                .unwrap_or_else(|| "—".into()),
            assigned: names.assigned(r),
            deadline: deadline_text(lang, d),
            overdue: d.overdue,
        })
        .collect()
}

/// `GET /signalen`: the signals this user may see, with filters.
pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let list = visible(&st, &v, &q).await?;
    let wf = st.store.workflow().await?;
    let names = Names::load(&st).await?;
    audit(
        &st,
        &v.subject,
        "signal.list",
        "",
        Outcome::Success,
        format!("{} signalen; filter {:?}", list.len(), q),
    )
    .await?;
    let lang = ctx.lang;
    let states = wf
        .states
        .iter()
        .map(|s| Choice {
            value: s.code.as_str().into(),
            label: state_name(lang, &wf, s.code.as_str()),
            selected: q.status.as_deref() == Some(s.code.as_str()),
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().into(),
            label: category_name(lang, c.as_str()),
            selected: q.categorie.as_deref() == Some(c.as_str()),
        })
        .collect();
    let assigned = [
        ("ik", "sig.filter.mine"),
        ("organisatie", "sig.filter.my_org"),
    ]
    .into_iter()
    .map(|(value, key)| Choice {
        value: value.into(),
        label: ctx.t(key),
        selected: q.toegewezen.as_deref() == Some(value),
    })
    .collect();
    html(&ListPage {
        page: ctx.page("sig.list.title"),
        truncated: list.len() as i64 >= LIST_LIMIT,
        rows: list_rows(lang, &wf, &names, &list),
        states,
        categories,
        assigned,
        overdue_only: q.termijn.as_deref() == Some("verlopen"),
        may_intake: v.may_any(Action::IntakeSignals),
    })
}

#[derive(Template)]
#[template(path = "signalen_termijn.html")]
struct OverduePage {
    page: PageCtx,
    rows: Vec<ListRow>,
}

/// `GET /signalen/termijn`: open signals past their deadline, longest overdue first.
pub async fn overdue(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let q = ListQuery {
        termijn: Some("verlopen".into()),
        ..ListQuery::default()
    };
    let mut list = visible(&st, &v, &q).await?;
    list.sort_by_key(|(r, d)| (d.due_at.unwrap_or(i64::MAX), r.received_at));
    let wf = st.store.workflow().await?;
    let names = Names::load(&st).await?;
    audit(
        &st,
        &v.subject,
        "signal.list",
        "termijn",
        Outcome::Success,
        format!("{} signalen over de termijn", list.len()),
    )
    .await?;
    html(&OverduePage {
        page: ctx.page("sig.overdue.title"),
        rows: list_rows(ctx.lang, &wf, &names, &list),
    })
}

// ---------------------------------------------------------------- detail

/// One line of the timeline.
pub struct TimelineLine {
    pub when: String,
    pub who: String,
    pub what: String,
    pub text: Option<String>,
    /// Written for a signal that was merged into this one.
    pub from_other: Option<String>,
}

pub struct AttachmentLine {
    pub href: String,
    pub label: String,
    pub content_type: String,
    pub size: String,
    pub added: String,
}

pub struct DuplicateLine {
    pub id: String,
    pub short: String,
    pub category: String,
    pub received: String,
    pub state: String,
    pub score: u8,
    pub reasons: String,
}

pub struct StepLine {
    pub code: String,
    pub title: String,
    pub detail: String,
    pub party: String,
    pub safety_first: bool,
    pub conditional: bool,
    pub ticked: Option<String>,
    pub may_tick: bool,
}

pub struct ForwardLine {
    pub target: String,
    pub summary: String,
    pub by: String,
    pub at: String,
}

pub struct Option2 {
    pub value: String,
    pub label: String,
    pub requires_text: bool,
}

/// Values typed into the forms of the page, kept after an error.
#[derive(Default, Clone)]
pub struct Entered {
    pub form: String,
    pub fields: BTreeMap<String, String>,
}

impl Entered {
    pub fn get(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.fields.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

#[derive(Template)]
#[template(path = "signalen_detail.html")]
pub struct DetailPage {
    pub page: PageCtx,
    pub id: String,
    pub short: String,
    pub meldcode: Option<String>,
    pub category: String,
    pub state: String,
    pub closed: bool,
    pub source: String,
    pub channel: String,
    pub received: String,
    pub observed_on: String,
    pub gemeente: String,
    pub bag_id: Option<String>,
    pub location_href: Option<String>,
    pub coordinates: Option<String>,
    pub assigned: String,
    pub deadline: String,
    pub overdue: bool,
    pub merged_into: Option<String>,
    pub absorbed: Vec<String>,
    pub sees_original: bool,
    pub original: String,
    pub contact: Vec<(String, String)>,
    pub contact_until: Option<String>,
    pub summary: Option<String>,
    pub summary_meta: Option<String>,
    pub transitions: Vec<Option2>,
    pub may_handle: bool,
    pub may_triage: bool,
    pub may_upload: bool,
    pub orgs: Vec<Choice>,
    pub users: Vec<Choice>,
    pub timeline: Vec<TimelineLine>,
    pub attachments: Vec<AttachmentLine>,
    pub duplicates: Vec<DuplicateLine>,
    pub protocol: Vec<StepLine>,
    pub protocol_progress: String,
    pub forwards: Vec<ForwardLine>,
    /// The workflow allows a change to `doorgezet` from the current state.
    pub may_mark_forwarded: bool,
    pub targets: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<String>,
    pub notice: Option<String>,
    pub entered: Entered,
}

impl DetailPage {
    fn err(&self, field: &str) -> Option<String> {
        crate::pages::error_for(&self.errors, field)
    }
}

fn history_what(lang: Lang, wf: &Workflow, names: &Names, h: &HistoryRow) -> String {
    let t = |k: &str| i18n::tr(lang, k);
    let s = |k: &str| h.data_str(k).unwrap_or("").to_string();
    match h.kind.as_str() {
        kinds::CREATED => t("sig.h.created"),
        kinds::STATE => i18n::tr_args(
            lang,
            "sig.h.state",
            &[
                ("from", &state_name(lang, wf, &s("from"))),
                ("to", &state_name(lang, wf, &s("to"))),
            ],
        ),
        kinds::ASSIGNED => {
            let who = match h.data_str("user_id") {
                Some(u) => format!("{} ({})", names.org(&s("organisation_id")), names.user(u)),
                None => names.org(&s("organisation_id")),
            };
            i18n::tr_args(lang, "sig.h.assigned", &[("who", &who)])
        }
        kinds::NOTE => t("sig.h.note"),
        kinds::REPORTER_ADDITION => t("sig.h.reporter_addition"),
        kinds::FORWARDED => i18n::tr_args(
            lang,
            "sig.h.forwarded",
            &[("target", &target_name(lang, &s("target")))],
        ),
        kinds::MERGED => i18n::tr_args(
            lang,
            "sig.h.merged",
            &[
                ("absorbed", &short_id(&s("absorbed"))),
                ("surviving", &short_id(&s("surviving"))),
            ],
        ),
        kinds::PROTOCOL_STEP => {
            let title = protocol::drugsafval()
                .steps
                .into_iter()
                .find(|p| p.code == s("step"))
                .map(|p| match lang {
                    Lang::Nl => p.title_nl,
                    Lang::En => p.title_en,
                })
                .unwrap_or_else(|| s("step"));
            let key = if s("outcome") == "not_applicable" {
                "sig.h.protocol_na"
            } else {
                "sig.h.protocol_done"
            };
            i18n::tr_args(lang, key, &[("step", &title)])
        }
        kinds::ATTACHMENT => t("sig.h.attachment"),
        kinds::SUMMARY => t("sig.h.summary"),
        kinds::CATEGORY => i18n::tr_args(
            lang,
            "sig.h.category",
            &[
                ("from", &category_name(lang, &s("from"))),
                ("to", &category_name(lang, &s("to"))),
            ],
        ),
        kinds::CONTACT_PURGED => t("sig.h.contact_purged"),
        other => other.to_string(),
    }
}

fn history_who(lang: Lang, h: &HistoryRow) -> String {
    match h.actor_kind.as_str() {
        "user" => h.actor_name.clone().unwrap_or_else(|| "—".into()),
        "reporter" => i18n::tr(lang, "sig.actor.reporter"),
        _ => i18n::tr(lang, "sig.actor.system"),
    }
}

/// The text of a history line this viewer may read: the reporter's own
/// words are for the intake role only; file names of the reporter's photos
/// are not shown at all.
fn history_text(lang: Lang, sees_original: bool, h: &HistoryRow) -> Option<String> {
    match h.kind.as_str() {
        kinds::REPORTER_ADDITION if !sees_original => {
            Some(i18n::tr(lang, "sig.h.reporter_text_hidden"))
        }
        kinds::ATTACHMENT if h.actor_kind == "reporter" => None,
        _ => h.text.clone().filter(|t| !t.is_empty()),
    }
}

pub fn duplicate_reasons(lang: Lang, reasons: &[DuplicateReason]) -> String {
    reasons
        .iter()
        .map(|r| match r {
            DuplicateReason::SameBagObject => i18n::tr(lang, "sig.dup.same_bag"),
            DuplicateReason::WithinRadius { distance_m } => {
                i18n::tr_args(lang, "sig.dup.radius", &[("m", &distance_m.to_string())])
            }
            DuplicateReason::WithinTimeWindow { days_apart } => {
                i18n::tr_args(lang, "sig.dup.days", &[("days", &days_apart.to_string())])
            }
            DuplicateReason::SameCategory => i18n::tr(lang, "sig.dup.same_category"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn facts(r: &SignalRecord) -> SignalFacts {
    SignalFacts {
        id: r.id.clone(),
        category: category_of(&r.category),
        bag_object_id: r.bag_id.clone(),
        location: match (r.x, r.y) {
            (Some(x), Some(y)) => Some(bz_geo::RdPoint::new(x, y)),
            _ => None,
        },
        reported_at: r.received_at,
    }
}

/// Likely duplicates of a signal among those the viewer may see.
pub async fn duplicates_of(
    st: &AppState,
    v: &Viewer,
    new: &SignalFacts,
) -> Result<Vec<(SignalRecord, bz_signals::duplicates::DuplicateSuggestion)>, AppError> {
    let cfg = DuplicateConfig::default();
    let window = i64::from(cfg.window_days) * 86_400;
    let candidates = st
        .store
        .duplicate_candidates(
            new.location.map(|p| (p.x, p.y)),
            cfg.radius_m,
            new.bag_object_id.as_deref(),
            new.reported_at - window,
        )
        .await?
        .into_iter()
        .filter(|r| v.may(Action::ViewSignals, r))
        .collect::<Vec<_>>();
    let cand_facts: Vec<SignalFacts> = candidates.iter().map(facts).collect();
    let suggestions = suggest_duplicates(new, &cand_facts, &cfg);
    Ok(suggestions
        .into_iter()
        .filter_map(|s| {
            candidates
                .iter()
                .find(|c| c.id == s.id)
                .map(|c| (c.clone(), s))
        })
        .collect())
}

pub fn duplicate_lines(
    lang: Lang,
    wf: &Workflow,
    list: &[(SignalRecord, bz_signals::duplicates::DuplicateSuggestion)],
) -> Vec<DuplicateLine> {
    list.iter()
        .map(|(r, s)| DuplicateLine {
            id: r.id.clone(),
            short: short_id(&r.id),
            category: category_name(lang, &r.category),
            received: local_time(r.received_at),
            state: state_name(lang, wf, &r.state),
            score: s.score,
            reasons: duplicate_reasons(lang, &s.reasons),
        })
        .collect()
}

/// The drug-waste checklist of a signal, with its stored ticks.
pub async fn checklist(st: &AppState, rec: &SignalRecord) -> Result<Option<Checklist>, AppError> {
    let Some(p) = protocol::for_category(category_of(&rec.category)) else {
        return Ok(None);
    };
    let mut c = Checklist::new(p);
    for t in st.store.protocol_ticks(&rec.id).await? {
        c.ticks.push(Tick {
            step: t.step,
            by: t.by_name,
            at: t.at,
            outcome: if t.outcome == "not_applicable" {
                TickOutcome::NotApplicable
            } else {
                TickOutcome::Done
            },
            note: t.note,
        });
    }
    Ok(Some(c))
}

/// What a page shows after a form was sent: errors at fields, warnings,
/// a notice of success, and what was typed.
#[derive(Default)]
pub struct Feedback {
    pub errors: Vec<FieldError>,
    pub warnings: Vec<String>,
    pub notice: Option<String>,
    pub entered: Entered,
}

/// Runs searched for a signal's address, newest first.
const LOCATION_RUNS: usize = 20;

/// The "Waarom deze locatie?" page of the newest scan run over the viewer's
/// municipalities that holds the signal's address, for a viewer who may see
/// per-location scan results; `None` otherwise (the address is then shown
/// without a link).
async fn scan_location_href(
    st: &AppState,
    v: &Viewer,
    bag_id: Option<&str>,
) -> Result<Option<String>, AppError> {
    let Some(bag) = bag_id else {
        return Ok(None);
    };
    if !v.may_any(Action::ViewScanResults) {
        return Ok(None);
    }
    for run in st
        .store
        .scan_runs(&v.areas)
        .await?
        .iter()
        .take(LOCATION_RUNS)
    {
        match st.store.scan_result(&run.id, bag).await {
            Ok(_) => return Ok(Some(format!("/gebiedsscan/{}/adres/{bag}", run.id))),
            Err(bz_store::StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// Build a signal's page for the viewer (the caller has checked access).
pub async fn detail_page(
    st: &AppState,
    ctx: &Ctx,
    v: &Viewer,
    rec: &SignalRecord,
    fb: Feedback,
) -> Result<DetailPage, AppError> {
    let Feedback {
        errors,
        warnings,
        notice,
        entered,
    } = fb;
    let lang = ctx.lang;
    let wf = st.store.workflow().await?;
    let policy = st.store.deadline_policy().await?;
    let names = Names::load(st).await?;
    let now = st.clock.now();
    let own = st.store.history(&rec.id).await?;
    let changes: Vec<(i64, String)> = own
        .iter()
        .filter(|h| h.kind == kinds::STATE)
        .filter_map(|h| h.data_str("to").map(|to| (h.at, to.to_string())))
        .collect();
    let d = deadline_of(&wf, &policy, rec, &changes, now);
    let timeline = st.store.timeline(&rec.id).await?;
    let absorbed = st.store.absorbed_signals(&rec.id).await?;
    let sees_original = v.sees_original();
    let active = rec.merged_into.is_none();
    let may_handle = active && v.may(Action::HandleSignals, rec);
    let may_triage = active && v.may(Action::TriageSignals, rec);
    let may_upload = may_handle && v.may_any(Action::IntakeSignals);
    let closed = wf.kind(&rec.state) == Some(StateKind::Closed);

    let transitions = if may_handle {
        wf.allowed_from(&rec.state)
            .map(|t| Option2 {
                value: t.to.as_str().into(),
                label: state_name(lang, &wf, t.to.as_str()),
                requires_text: t.requires_text,
            })
            .collect()
    } else {
        Vec::new()
    };

    let attachments = st
        .store
        .attachments(&rec.id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, a)| AttachmentLine {
            href: format!("/signalen/{}/bijlagen/{}", rec.id, a.id),
            label: match (&a.file_name, a.added_by_kind.as_str()) {
                (Some(n), "user") => n.clone(),
                _ => i18n::tr_args(lang, "sig.att.numbered", &[("n", &(i + 1).to_string())]),
            },
            content_type: a.content_type,
            size: format!("{} kB", (a.size_bytes + 1023) / 1024),
            added: local_time(a.added_at),
        })
        .collect();

    let duplicates = if may_triage {
        duplicate_lines(lang, &wf, &duplicates_of(st, v, &facts(rec)).await?)
    } else {
        Vec::new()
    };

    let (protocol, protocol_progress) = match checklist(st, rec).await? {
        Some(c) => {
            let open_safety = c
                .protocol
                .steps
                .iter()
                .any(|s| s.safety_first && c.tick_of(&s.code).is_none());
            let lines = c
                .steps()
                .into_iter()
                .map(|s| StepLine {
                    code: s.step.code.clone(),
                    title: match lang {
                        Lang::Nl => s.step.title_nl.clone(),
                        Lang::En => s.step.title_en.clone(),
                    },
                    detail: match lang {
                        Lang::Nl => s.step.detail_nl.clone(),
                        Lang::En => s.step.detail_en.clone(),
                    },
                    party: match lang {
                        Lang::Nl => s.step.responsible.name_nl().into(),
                        Lang::En => s.step.responsible.name_en().into(),
                    },
                    safety_first: s.step.safety_first,
                    conditional: s.step.conditional,
                    ticked: s.tick.map(|t| {
                        let key = match t.outcome {
                            TickOutcome::Done => "sig.protocol.done_by",
                            TickOutcome::NotApplicable => "sig.protocol.na_by",
                        };
                        let mut text =
                            i18n::tr_args(lang, key, &[("who", &t.by), ("at", &local_time(t.at))]);
                        if let Some(n) = &t.note {
                            text.push_str(": ");
                            text.push_str(n);
                        }
                        text
                    }),
                    may_tick: may_handle
                        && s.tick.is_none()
                        && (s.step.safety_first || !open_safety),
                })
                .collect();
            let (done, total) = c.progress();
            (
                lines,
                i18n::tr_args(
                    lang,
                    "sig.protocol.progress",
                    &[("done", &done.to_string()), ("total", &total.to_string())],
                ),
            )
        }
        None => (Vec::new(), String::new()),
    };

    let forwards = st
        .store
        .forwards(&rec.id)
        .await?
        .into_iter()
        .map(|f| ForwardLine {
            target: target_name(lang, &f.target),
            summary: f.summary,
            by: f.by_name,
            at: local_time(f.at),
        })
        .collect();

    let (orgs, users) = if may_triage {
        let orgs = st
            .store
            .organisations()
            .await?
            .into_iter()
            .filter(|o| o.active)
            .map(|o| Choice {
                selected: rec.assigned_org_id.as_deref() == Some(o.id.as_str()),
                value: o.id,
                label: o.name,
            })
            .collect();
        let users = st
            .store
            .users(now)
            .await?
            .into_iter()
            .filter(|u| u.active && !u.roles.contains(&Role::Partner))
            .map(|u| Choice {
                selected: rec.assigned_user_id.as_deref() == Some(u.id.as_str()),
                value: u.id,
                label: format!("{} ({})", u.display_name, u.org_name),
            })
            .collect();
        (orgs, users)
    } else {
        (Vec::new(), Vec::new())
    };

    let categories = Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().into(),
            label: category_name(lang, c.as_str()),
            selected: rec.category == c.as_str(),
        })
        .collect();
    let targets = ForwardTarget::ALL
        .iter()
        .map(|t| Choice {
            value: t.as_str().into(),
            label: target_name(lang, t.as_str()),
            selected: entered.get("forward", "target") == t.as_str(),
        })
        .collect();

    let contact = if sees_original {
        [
            ("sig.contact.name", &rec.contact_name),
            ("sig.contact.email", &rec.contact_email),
            ("sig.contact.phone", &rec.contact_phone),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (i18n::tr(lang, k), v)))
        .collect()
    } else {
        Vec::new()
    };

    Ok(DetailPage {
        page: ctx.page("sig.detail.title"),
        id: rec.id.clone(),
        short: short_id(&rec.id),
        meldcode: rec.meldcode.clone(),
        category: category_name(lang, &rec.category),
        state: state_name(lang, &wf, &rec.state),
        closed,
        source: source_name(lang, &rec.source),
        channel: i18n::tr(lang, &format!("sig.channel.{}", channel_key(&rec.channel))),
        received: local_time(rec.received_at),
        observed_on: rec.observed_on.clone(),
        gemeente: rec.gemeente_code.clone().unwrap_or_else(|| "—".into()),
        bag_id: rec.bag_id.clone(),
        location_href: scan_location_href(st, v, rec.bag_id.as_deref()).await?,
        coordinates: match (rec.x, rec.y) {
            (Some(x), Some(y)) => Some(format!("x {x:.0}, y {y:.0} (RD)")),
            _ => None,
        },
        assigned: names.assigned(rec),
        deadline: deadline_text(lang, &d),
        overdue: d.overdue,
        merged_into: rec.merged_into.clone(),
        absorbed: absorbed.iter().map(|a| short_id(a)).collect(),
        sees_original,
        original: if sees_original {
            rec.description.clone()
        } else {
            String::new()
        },
        contact_until: rec
            .contact_purge_at
            .filter(|_| sees_original)
            .map(local_day),
        contact,
        summary: rec.summary.clone(),
        summary_meta: match (&rec.summary_by, rec.summary_at) {
            (Some(b), Some(at)) => Some(format!("{b}, {}", local_time(at))),
            _ => None,
        },
        transitions,
        may_handle,
        may_triage,
        may_upload,
        orgs,
        users,
        timeline: {
            let mut lines: Vec<TimelineLine> = Vec::new();
            // Imported signals have no `created` line: their receipt is
            // shown from the signal itself.
            if !timeline
                .iter()
                .any(|h| h.signal_id == rec.id && h.kind == kinds::CREATED)
            {
                lines.push(TimelineLine {
                    when: local_time(rec.received_at),
                    who: source_name(lang, &rec.source),
                    what: i18n::tr(lang, "sig.h.created"),
                    text: None,
                    from_other: None,
                });
            }
            lines.extend(timeline.iter().map(|h| TimelineLine {
                when: local_time(h.at),
                who: history_who(lang, h),
                what: history_what(lang, &wf, &names, h),
                text: history_text(lang, sees_original, h),
                from_other: (h.signal_id != rec.id).then(|| short_id(&h.signal_id)),
            }));
            lines
        },
        attachments,
        duplicates,
        protocol,
        protocol_progress,
        forwards,
        may_mark_forwarded: wf
            .allowed_from(&rec.state)
            .any(|t| t.to.as_str() == bz_signals::workflow::codes::DOORGEZET),
        targets,
        categories,
        errors,
        warnings,
        notice,
        entered,
    })
}

fn channel_key(c: &str) -> &'static str {
    match c {
        "publiek" => "publiek",
        "import" => "import",
        _ => "intake",
    }
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    /// A message key of a completed action (`opgeslagen`, …).
    #[serde(default)]
    pub ok: Option<String>,
}

/// Notices after a completed action (the `ok` query parameter).
pub fn notice_key(ok: &str) -> Option<&'static str> {
    Some(match ok {
        "nieuw" => "sig.ok.created",
        "status" => "sig.ok.state",
        "notitie" => "sig.ok.note",
        "toegewezen" => "sig.ok.assigned",
        "samenvatting" => "sig.ok.summary",
        "bijlage" => "sig.ok.attachment",
        "samengevoegd" => "sig.ok.merged",
        "doorgezet" => "sig.ok.forwarded",
        "protocol" => "sig.ok.protocol",
        "categorie" => "sig.ok.category",
        _ => return None,
    })
}

/// `GET /signalen/{id}`: a signal's page (audited).
pub async fn detail(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::ViewSignals).await?;
    let detail = if v.sees_original() {
        "met oorspronkelijke tekst"
    } else {
        "samenvatting"
    };
    audit(
        &st,
        &v.subject,
        "signal.view",
        &rec.id,
        Outcome::Success,
        detail.into(),
    )
    .await?;
    let notice = q.ok.as_deref().and_then(notice_key).map(|k| ctx.t(k));
    html(
        &detail_page(
            &st,
            &ctx,
            &v,
            &rec,
            Feedback {
                notice,
                ..Feedback::default()
            },
        )
        .await?,
    )
}

/// `GET /signalen/{id}/bijlagen/{bijlage}`: a file of a signal (audited).
/// Images are served as images only when their bytes are of the stored
/// type; everything else is a download.
pub async fn attachment(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, att)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::ViewSignals).await?;
    let (meta, bytes) = st
        .store
        .attachment(&rec.id, &att)
        .await?
        .ok_or(AppError::NotFound)?;
    audit(
        &st,
        &v.subject,
        "signal.attachment.view",
        &rec.id,
        Outcome::Success,
        meta.id.clone(),
    )
    .await?;
    use bz_signals::photo::SniffedType;
    let sniffed = bz_signals::photo::sniff(&bytes).and_then(|t| match t {
        SniffedType::Jpeg => Some("image/jpeg"),
        SniffedType::Png => Some("image/png"),
        // Stored photos are re-encoded as JPEG or PNG; anything else is a download.
        SniffedType::Webp | SniffedType::Heic => None,
    });
    let image_ok = sniffed == Some(meta.content_type.as_str());
    let pdf_ok = meta.content_type == "application/pdf" && bytes.starts_with(b"%PDF-");
    let (ct, inline) = if image_ok || pdf_ok {
        (meta.content_type.clone(), image_ok)
    } else {
        ("application/octet-stream".to_string(), false)
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&ct) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let disposition = if inline {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"bijlage-{}\"", short_id(&meta.id))
    };
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
