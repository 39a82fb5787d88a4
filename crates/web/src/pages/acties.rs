//! Integrale acties: partners jointly check a set of risk addresses (from
//! scan decisions "integrale controle voorstellen" or added by hand) on one
//! day. Each participating organisation records its outcome per address;
//! each sees the outcomes of the actions it took part in, police outcomes
//! only where the police may share them (the police itself and the RIEC,
//! under the RIEC covenant). The outcomes per scan class give the scan's
//! false-positive rate.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::deboerop::{FormFields, addresses_from_lines, audit_view, date, field_error};
use crate::pages::scan::{allowed, subject_areas};
use crate::pages::{FieldError, error_for, html};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::{Action, Subject};
use bz_domain::audit::Outcome as AuditOutcome;
use bz_domain::identity::OrgType;
use bz_field::action::{self, ClassFigures, OutcomeInput, RecordedOutcome};
use bz_store::audit::NewEntry;
use bz_store::field::{self as store, ActionAddressRow, ActionRow, OutcomeRow};
use std::collections::HashMap;

fn subject(ctx: &Ctx) -> Result<&Subject, AppError> {
    ctx.subject.as_ref().ok_or(AppError::Unauthenticated)
}

/// What was entered in the new-action form.
#[derive(Default)]
pub struct ActionForm {
    pub gemeente: String,
    pub name: String,
    pub action_date: String,
    pub briefing: String,
    pub decisions: bool,
    pub manual: String,
    pub participants: Vec<String>,
}

/// An action as listed.
pub struct Listing {
    pub id: String,
    pub name: String,
    pub date: String,
    pub addresses: usize,
    pub participant_names: String,
}

#[derive(Template)]
#[template(path = "acties.html")]
struct ListPage {
    page: PageCtx,
    actions: Vec<Listing>,
    may_plan: bool,
    areas: Vec<(String, String)>,
    organisations: Vec<(String, String)>,
    form: ActionForm,
    errors: Vec<FieldError>,
}

impl ListPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    fn participates(&self, id: &str) -> bool {
        self.form.participants.iter().any(|p| p == id)
    }
}

async fn org_names(st: &AppState) -> Result<HashMap<String, (String, OrgType)>, AppError> {
    Ok(st
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| (o.id, (o.name, o.org_type)))
        .collect())
}

async fn list_page(
    st: &AppState,
    ctx: &Ctx,
    form: ActionForm,
    errors: Vec<FieldError>,
) -> Result<ListPage, AppError> {
    let s = subject(ctx)?;
    let areas = subject_areas(st, ctx).await?;
    let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let names = org_names(st).await?;
    let mut actions = Vec::new();
    // Each organisation sees the actions it takes part in.
    for a in st.store.actions_in(&codes).await? {
        if !a.participants.contains(&s.org_id) {
            continue;
        }
        actions.push(Listing {
            addresses: st.store.action_addresses(&a.id).await?.len(),
            participant_names: a
                .participants
                .iter()
                .filter_map(|p| names.get(p).map(|n| n.0.clone()))
                .collect::<Vec<_>>()
                .join(", "),
            id: a.id,
            name: a.name,
            date: a.action_date,
        });
    }
    let mut organisations: Vec<(String, String)> = names
        .into_iter()
        .map(|(id, (name, _))| (id, name))
        .collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(ListPage {
        page: ctx.page("action.title"),
        actions,
        may_plan: allowed(ctx, Action::PlanFieldWork),
        areas: areas.into_iter().map(|a| (a.code, a.name)).collect(),
        organisations,
        form,
        errors,
    })
}

/// `GET /acties`: the actions the organisation takes part in, and the form for a new one.
pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let s = subject(&ctx)?;
    let form = ActionForm {
        action_date: st.clock.today().to_string(),
        decisions: true,
        participants: vec![s.org_id.clone()],
        ..ActionForm::default()
    };
    html(&list_page(&st, &ctx, form, Vec::new()).await?)
}

/// `POST /acties`: plan an action on the addresses with the decision
/// "integrale controle voorstellen" and those added by hand.
pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = subject(&ctx)?.clone();
    let f = FormFields::parse(&body);
    let mut form = ActionForm {
        gemeente: f.one("gemeente"),
        name: f.one("name"),
        action_date: f.one("action_date"),
        briefing: f.one("briefing"),
        decisions: f.one("decisions") == "ja",
        manual: f.one("manual"),
        participants: f.all("participants"),
    };
    // The planning organisation always takes part.
    if !form.participants.contains(&s.org_id) {
        form.participants.push(s.org_id.clone());
    }
    let err = |field: &str, key: &str| FieldError {
        field: field.into(),
        message: ctx.t(key),
    };
    let mut errors = Vec::new();
    let areas = subject_areas(&st, &ctx).await?;
    if !areas.iter().any(|a| a.code == form.gemeente) {
        errors.push(err("gemeente", "err.unknown_value"));
    }
    if form.name.is_empty() || form.name.chars().count() > 100 {
        errors.push(err("name", "field.error.name"));
    }
    let day = date(&form.action_date);
    if day.is_none() {
        errors.push(err("action_date", "err.bad_date"));
    }
    if form.briefing.chars().count() > 5000 {
        errors.push(err("briefing", "visit.error.too_long"));
    }
    let names = org_names(&st).await?;
    if form.participants.iter().any(|p| !names.contains_key(p)) {
        errors.push(err("participants", "field.error.participants"));
    }
    let mut addresses: Vec<ActionAddressRow> = Vec::new();
    if errors.iter().all(|e| e.field != "gemeente") {
        if form.decisions {
            for (p, run, class) in st
                .store
                .decided_addresses(
                    &form.gemeente,
                    bz_domain::scan::Decision::IntegraleControleVoorstellen.as_str(),
                )
                .await?
            {
                addresses.push(ActionAddressRow {
                    address_id: p.address_id,
                    source: action::ActionSource::ScanBesluit.as_str().into(),
                    scan_run_id: Some(run),
                    scan_class: Some(class),
                });
            }
        }
        let (found, unknown) = addresses_from_lines(&st, &form.gemeente, &form.manual).await?;
        if !unknown.is_empty() {
            errors.push(FieldError {
                field: "manual".into(),
                message: format!(
                    "{} {}",
                    ctx.t("field.error.unknown_addresses"),
                    unknown.join("; ")
                ),
            });
        }
        for p in found {
            if !addresses.iter().any(|a| a.address_id == p.address_id) {
                addresses.push(ActionAddressRow {
                    address_id: p.address_id,
                    source: action::ActionSource::Handmatig.as_str().into(),
                    scan_run_id: None,
                    scan_class: None,
                });
            }
        }
        if addresses.is_empty() && errors.is_empty() {
            errors.push(err("manual", "field.error.no_targets"));
        }
    }
    let (Some(day), true) = (day, errors.is_empty()) else {
        let p = list_page(&st, &ctx, form, errors).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    };
    let row = ActionRow {
        id: store::id(),
        org_id: s.org_id.clone(),
        gemeente_code: form.gemeente.clone(),
        name: form.name.clone(),
        action_date: day.to_string(),
        briefing: form.briefing.clone(),
        participants: form.participants.clone(),
        created_by: s.user_id.clone(),
        created_at: st.clock.now(),
    };
    let mut tx = st.store.begin_write().await?;
    store::insert_action(&mut tx, &row, &addresses).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "field.action.create",
            object_type: "field_action",
            object_id: row.id.clone(),
            outcome: AuditOutcome::Success,
            detail: format!("{}: {} adressen", row.name, addresses.len()),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/acties/{}", row.id)).into_response())
}

/// An address of the action with the outcomes this organisation may see.
pub struct AddressView {
    pub address_id: String,
    pub label: String,
    pub source: String,
    pub scan_class: String,
    pub outcomes: Vec<(String, String)>,
    pub mine: Option<String>,
}

#[derive(Template)]
#[template(path = "actie.html")]
struct ActionPage {
    page: PageCtx,
    action: ActionRow,
    participant_names: String,
    addresses: Vec<AddressView>,
    figures: Vec<ClassFigures>,
    may_record: bool,
    participant_orgs: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    errors: Vec<FieldError>,
    error_address: String,
}

impl ActionPage {
    fn rate(&self, f: &ClassFigures) -> String {
        f.false_positive_rate()
            .map(|r| format!("{:.0} %", r * 100.0))
            .unwrap_or_else(|| "—".into())
    }
}

/// Whether the police shares its outcomes with this organisation: the
/// police itself and the RIEC (which receives police information under the
/// RIEC covenant).
fn police_shares_with(org_type: OrgType) -> bool {
    matches!(org_type, OrgType::Politie | OrgType::Riec)
}

async fn action_for(st: &AppState, ctx: &Ctx, id: &str) -> Result<ActionRow, AppError> {
    let s = subject(ctx)?;
    let a = st.store.action(id).await?;
    let areas = subject_areas(st, ctx).await?;
    if !a.participants.contains(&s.org_id) || !areas.iter().any(|x| x.code == a.gemeente_code) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

fn recorded(o: &OutcomeRow, class: Option<String>) -> RecordedOutcome {
    RecordedOutcome {
        address_id: o.address_id.clone(),
        org_id: o.org_id.clone(),
        police: o.police,
        outcome: action::Outcome {
            finding: o.finding.clone(),
            follow_up_org: o.follow_up_org.clone(),
            note: o.note.clone(),
        },
        scan_class: class,
    }
}

async fn action_page(
    st: &AppState,
    ctx: &Ctx,
    a: ActionRow,
    errors: Vec<FieldError>,
    error_address: String,
) -> Result<ActionPage, AppError> {
    let s = subject(ctx)?;
    let names = org_names(st).await?;
    let addresses = st.store.action_addresses(&a.id).await?;
    let class_of: HashMap<String, Option<String>> = addresses
        .iter()
        .map(|(r, _)| (r.address_id.clone(), r.scan_class.clone()))
        .collect();
    let outcomes: Vec<RecordedOutcome> = st
        .store
        .action_outcomes(&a.id)
        .await?
        .iter()
        .map(|o| recorded(o, class_of.get(&o.address_id).cloned().flatten()))
        .collect();
    let shares = police_shares_with(s.org_type);
    let seen = action::visible(&s.org_id, &a.participants, shares, &outcomes);
    let describe = |o: &RecordedOutcome| -> String {
        match &o.outcome.finding {
            None => ctx.t("action.result.niets"),
            Some(c) => {
                let mut t = format!(
                    "{}: {}",
                    ctx.t("action.result.bevindingen"),
                    ctx.t(&format!("action.category.{c}"))
                );
                if let Some(f) = o.outcome.follow_up_org.as_ref().and_then(|f| names.get(f)) {
                    t.push_str(&format!(" — {} {}", ctx.t("action.follow_up_by"), f.0));
                }
                if !o.outcome.note.is_empty() {
                    t.push_str(&format!(" ({})", o.outcome.note));
                }
                t
            }
        }
    };
    let views = addresses
        .iter()
        .map(|(r, p)| AddressView {
            address_id: r.address_id.clone(),
            label: p.label.clone(),
            source: ctx.t(&format!("action.source.{}", r.source)),
            scan_class: r.scan_class.clone().unwrap_or_else(|| "—".into()),
            outcomes: seen
                .iter()
                .filter(|o| o.address_id == r.address_id)
                .map(|o| {
                    (
                        names
                            .get(&o.org_id)
                            .map(|n| n.0.clone())
                            .unwrap_or_default(),
                        describe(o),
                    )
                })
                .collect(),
            mine: outcomes
                .iter()
                .find(|o| o.address_id == r.address_id && o.org_id == s.org_id)
                .map(&describe),
        })
        .collect();
    // The false-positive figures count findings of every organisation (a number, no details).
    let figures = action::per_scan_class(&outcomes);
    Ok(ActionPage {
        page: ctx.page("action.show_title"),
        participant_names: a
            .participants
            .iter()
            .filter_map(|p| names.get(p).map(|n| n.0.clone()))
            .collect::<Vec<_>>()
            .join(", "),
        participant_orgs: a
            .participants
            .iter()
            .filter_map(|p| names.get(p).map(|n| (p.clone(), n.0.clone())))
            .collect(),
        addresses: views,
        figures,
        may_record: allowed(ctx, Action::RecordFieldWork),
        categories: action::FINDING_CATEGORIES
            .iter()
            .map(|c| (c.to_string(), ctx.t(&format!("action.category.{c}"))))
            .collect(),
        action: a,
        errors,
        error_address,
    })
}

/// `GET /acties/{id}`: the addresses with the outcomes this organisation may see.
pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let a = action_for(&st, &ctx, &id).await?;
    audit_view(&st, &ctx, "field.action.view", &a.id).await?;
    html(&action_page(&st, &ctx, a, Vec::new(), String::new()).await?)
}

/// `POST /acties/{id}/uitkomst/{address}`: this organisation's outcome at an address.
pub async fn record(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, address)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = subject(&ctx)?.clone();
    let a = action_for(&st, &ctx, &id).await?;
    if !st
        .store
        .action_addresses(&a.id)
        .await?
        .iter()
        .any(|(r, _)| r.address_id == address)
    {
        return Err(AppError::NotFound);
    }
    let f = FormFields::parse(&body);
    let input = OutcomeInput {
        result: f.one("result"),
        category: f.one("category"),
        follow_up_org: f.one("follow_up_org"),
        note: f.one("note"),
    };
    let checked = action::validate(&input, &a.participants);
    let o = match checked {
        Ok(o) => o,
        Err(es) => {
            let errors = es.iter().map(|e| field_error(&ctx, e)).collect();
            let p = action_page(&st, &ctx, a, errors, address).await?;
            return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
        }
    };
    let police = s.org_type == OrgType::Politie;
    let row = OutcomeRow {
        id: store::id(),
        action_id: a.id.clone(),
        address_id: address.clone(),
        org_id: s.org_id.clone(),
        police,
        finding: o.finding.clone(),
        follow_up_org: o.follow_up_org.clone(),
        note: o.note.clone(),
        recorded_by: s.user_id.clone(),
        recorded_at: st.clock.now(),
    };
    let mut tx = st.store.begin_write().await?;
    store::upsert_outcome(&mut tx, &row).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "field.action.outcome",
            object_type: "address",
            object_id: address.clone(),
            outcome: AuditOutcome::Success,
            detail: format!(
                "actie {}: {}",
                a.name,
                o.finding.as_deref().unwrap_or("niets")
            ),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/acties/{}#a-{address}", a.id)).into_response())
}

/// The false-positive figures of every action in a municipality (for its page).
pub async fn municipality_figures(
    st: &AppState,
    code: &str,
) -> Result<(usize, Vec<ClassFigures>), AppError> {
    let actions = st.store.actions_in(&[code.to_string()]).await?.len();
    let outcomes: Vec<RecordedOutcome> = st
        .store
        .outcomes_with_class(code)
        .await?
        .iter()
        .map(|(o, c)| recorded(o, c.clone()))
        .collect();
    Ok((actions, action::per_scan_class(&outcomes)))
}
