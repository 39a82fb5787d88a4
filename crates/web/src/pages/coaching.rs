//! Coaching (Module 5): referrals of farmers to an agro-coach, only with
//! their consent. The coach's file is a compartment: only coaches of the
//! referral's coach organisation read and write it; the municipality's
//! safety, enforcement and intake roles and analysts see that a referral
//! exists and its coarse status; everyone else sees nothing
//! (`bz_field::coaching::view`). The wijkteam's follow-up is a task with a
//! due date once the coaching has ended. Coaching data never feeds the scan.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n;
use crate::pages::deboerop::{FormFields, addresses_from_lines, field_error};
use crate::pages::scan::{allowed, subject_areas};
use crate::pages::{FieldError, error_for, html};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::{Action, Subject};
use bz_domain::audit::Outcome;
use bz_domain::identity::OrgType;
use bz_field::coaching::{self, CoarseStatus, ReferralInput, ReferralView};
use bz_store::audit::NewEntry;
use bz_store::field::{self as store, FileEntryRow, ReferralRow};

/// Days after the coaching ends within which the wijkteam follows up.
const WIJKTEAM_DAYS: u16 = 14;

fn subject(ctx: &Ctx) -> Result<&Subject, AppError> {
    ctx.subject.as_ref().ok_or(AppError::Unauthenticated)
}

async fn area_codes(st: &AppState, ctx: &Ctx) -> Result<Vec<String>, AppError> {
    Ok(subject_areas(st, ctx)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect())
}

async fn audit(
    st: &AppState,
    s: &Subject,
    action: &'static str,
    id: &str,
    detail: String,
) -> Result<(), AppError> {
    st.store
        .audit(
            NewEntry {
                actor_id: Some(s.user_id.clone()),
                actor_name: s.username.clone(),
                org_id: Some(s.org_id.clone()),
                action,
                object_type: "coach_referral",
                object_id: id.to_string(),
                outcome: Outcome::Success,
                detail,
            },
            st.clock.now_ms(),
        )
        .await?;
    Ok(())
}

/// A referral as listed.
pub struct Listing {
    pub id: String,
    pub created: String,
    pub address: String,
    pub source: String,
    pub coach: String,
    pub status: String,
    pub wijkteam: String,
}

/// What was entered in the referral form.
#[derive(Default)]
pub struct ReferralForm {
    pub gemeente: String,
    pub address: String,
    pub source: String,
    pub coach_org_id: String,
    pub consent: bool,
    pub consent_date: String,
    pub consent_how: String,
}

#[derive(Template)]
#[template(path = "coaching.html")]
struct ListPage {
    page: PageCtx,
    referrals: Vec<Listing>,
    may_refer: bool,
    is_coach: bool,
    areas: Vec<(String, String)>,
    coaches: Vec<(String, String)>,
    form: ReferralForm,
    errors: Vec<FieldError>,
}

impl ListPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

async fn coach_orgs(st: &AppState) -> Result<Vec<(String, String)>, AppError> {
    Ok(st
        .store
        .organisations()
        .await?
        .into_iter()
        .filter(|o| o.active && o.org_type == OrgType::Coach)
        .map(|o| (o.id, o.name))
        .collect())
}

async fn address_label(st: &AppState, id: &Option<String>) -> Result<String, AppError> {
    match id {
        Some(id) => Ok(st
            .store
            .address_points(std::slice::from_ref(id))
            .await?
            .into_iter()
            .next()
            .map(|p| p.label)
            .unwrap_or_else(|| id.clone())),
        None => Ok("—".into()),
    }
}

/// The referrals this subject may know of, with what it may see of each.
async fn visible(st: &AppState, ctx: &Ctx) -> Result<Vec<(ReferralRow, ReferralView)>, AppError> {
    let s = subject(ctx)?;
    let codes = area_codes(st, ctx).await?;
    let rows = if s.org_type == OrgType::Coach {
        st.store.referrals(&[], Some(&s.org_id)).await?
    } else {
        st.store.referrals(&codes, None).await?
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let v = coaching::view(s, &r.coach_org_id, codes.contains(&r.gemeente_code));
            (r, v)
        })
        .filter(|(_, v)| *v != ReferralView::None)
        .collect())
}

async fn list_page(
    st: &AppState,
    ctx: &Ctx,
    form: ReferralForm,
    errors: Vec<FieldError>,
) -> Result<ListPage, AppError> {
    let coaches = coach_orgs(st).await?;
    let mut referrals = Vec::new();
    for (r, _) in visible(st, ctx).await? {
        referrals.push(Listing {
            created: i18n::datetime(r.created_at),
            address: address_label(st, &r.address_id).await?,
            source: ctx.t(&format!("coaching.source.{}", r.source)),
            coach: coaches
                .iter()
                .find(|c| c.0 == r.coach_org_id)
                .map(|c| c.1.clone())
                .unwrap_or_default(),
            status: ctx.t(&format!("coaching.status.{}", r.status)),
            wijkteam: match (&r.wijkteam_due, r.wijkteam_done_at) {
                (_, Some(done)) => format!(
                    "{} {}",
                    ctx.t("coaching.wijkteam_done"),
                    i18n::datetime(done)
                ),
                (Some(due), None) => format!("{} {due}", ctx.t("coaching.wijkteam_due")),
                _ => "—".into(),
            },
            id: r.id,
        });
    }
    let s = subject(ctx)?;
    Ok(ListPage {
        page: ctx.page("coaching.title"),
        referrals,
        may_refer: allowed(ctx, Action::ReferToCoach),
        is_coach: s.org_type == OrgType::Coach,
        areas: subject_areas(st, ctx)
            .await?
            .into_iter()
            .map(|a| (a.code, a.name))
            .collect(),
        coaches,
        form,
        errors,
    })
}

/// `GET /coaching`: the referrals this person may know of, and the form to refer.
pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let form = ReferralForm {
        consent_date: st.clock.today().to_string(),
        ..ReferralForm::default()
    };
    html(&list_page(&st, &ctx, form, Vec::new()).await?)
}

/// `POST /coaching`: refer a farmer (consent required).
pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = subject(&ctx)?.clone();
    let f = FormFields::parse(&body);
    let form = ReferralForm {
        gemeente: f.one("gemeente"),
        address: f.one("address"),
        source: f.one("source"),
        coach_org_id: f.one("coach_org_id"),
        consent: f.one("consent") == "ja",
        consent_date: f.one("consent_date"),
        consent_how: f.one("consent_how"),
    };
    let coaches: Vec<String> = coach_orgs(&st).await?.into_iter().map(|c| c.0).collect();
    let checked = coaching::validate_referral(
        &ReferralInput {
            source: form.source.clone(),
            coach_org_id: form.coach_org_id.clone(),
            consent: if form.consent {
                "ja".into()
            } else {
                String::new()
            },
            consent_date: form.consent_date.clone(),
            consent_how: form.consent_how.clone(),
        },
        &coaches,
        st.clock.today(),
    );
    let mut errors: Vec<FieldError> = match &checked {
        Ok(_) => Vec::new(),
        Err(es) => es.iter().map(|e| field_error(&ctx, e)).collect(),
    };
    let codes = area_codes(&st, &ctx).await?;
    let mut address = None;
    if !codes.contains(&form.gemeente) {
        errors.push(FieldError {
            field: "gemeente".into(),
            message: ctx.t("err.unknown_value"),
        });
    } else if !form.address.is_empty() {
        let (found, _) = addresses_from_lines(&st, &form.gemeente, &form.address).await?;
        match found.into_iter().next() {
            Some(p) => address = Some(p.address_id),
            None => errors.push(FieldError {
                field: "address".into(),
                message: ctx.t("field.error.start_address"),
            }),
        }
    }
    let (Ok(r), true) = (checked, errors.is_empty()) else {
        let p = list_page(&st, &ctx, form, errors).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    };
    let now = st.clock.now();
    let row = ReferralRow {
        id: store::id(),
        gemeente_code: form.gemeente.clone(),
        address_id: address,
        source: r.source.as_str().into(),
        source_ref: None,
        coach_org_id: r.coach_org_id.clone(),
        consent_date: r.consent_date.to_string(),
        consent_how: r.consent_how.as_str().into(),
        status: CoarseStatus::Aangemeld.as_str().into(),
        referred_by: s.user_id.clone(),
        referred_by_org_id: s.org_id.clone(),
        created_at: now,
        updated_at: now,
        wijkteam_due: None,
        wijkteam_done_at: None,
    };
    let mut tx = st.store.begin_write().await?;
    store::insert_referral(&mut tx, &row).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "coaching.referral.create",
            object_type: "coach_referral",
            object_id: row.id.clone(),
            outcome: Outcome::Success,
            detail: format!("toestemming {} ({})", row.consent_date, row.consent_how),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/coaching/{}", row.id)).into_response())
}

/// An entry of the file as shown.
pub struct Entry {
    pub kind: String,
    pub body: String,
    pub funded: bool,
    pub when: String,
}

#[derive(Template)]
#[template(path = "coaching_verwijzing.html")]
struct ReferralPage {
    page: PageCtx,
    referral: ReferralRow,
    address: String,
    status: String,
    file: bool,
    entries: Vec<Entry>,
    next_statuses: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    may_close_wijkteam: bool,
    errors: Vec<FieldError>,
    body: String,
}

impl ReferralPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

/// The referral with what this subject may see (404 when nothing).
async fn referral_for(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<(ReferralRow, ReferralView), AppError> {
    let s = subject(ctx)?;
    let r = st.store.referral(id).await?;
    let codes = area_codes(st, ctx).await?;
    match coaching::view(s, &r.coach_org_id, codes.contains(&r.gemeente_code)) {
        ReferralView::None => Err(AppError::NotFound),
        v => Ok((r, v)),
    }
}

async fn referral_page(
    st: &AppState,
    ctx: &Ctx,
    r: ReferralRow,
    view: ReferralView,
    errors: Vec<FieldError>,
    body: String,
) -> Result<ReferralPage, AppError> {
    let file = view == ReferralView::File;
    let entries = if file {
        st.store
            .file_entries(&r.id)
            .await?
            .into_iter()
            .map(|e| Entry {
                kind: ctx.t(&format!("coaching.kind.{}", e.kind)),
                body: e.body,
                funded: e.funded,
                when: i18n::datetime(e.written_at),
            })
            .collect()
    } else {
        Vec::new()
    };
    let current = CoarseStatus::parse(&r.status).unwrap_or(CoarseStatus::Aangemeld);
    Ok(ReferralPage {
        page: ctx.page("coaching.referral_title"),
        address: address_label(st, &r.address_id).await?,
        status: ctx.t(&format!("coaching.status.{}", r.status)),
        file,
        entries,
        next_statuses: CoarseStatus::ALL
            .iter()
            .filter(|n| current.may_become(**n))
            .map(|n| {
                (
                    n.as_str().to_string(),
                    ctx.t(&format!("coaching.status.{}", n.as_str())),
                )
            })
            .collect(),
        kinds: coaching::FILE_ENTRY_KINDS
            .iter()
            .map(|k| (k.to_string(), ctx.t(&format!("coaching.kind.{k}"))))
            .collect(),
        may_close_wijkteam: !file
            && allowed(ctx, Action::ReferToCoach)
            && r.wijkteam_due.is_some()
            && r.wijkteam_done_at.is_none(),
        referral: r,
        errors,
        body,
    })
}

/// `GET /coaching/{id}`: the coarse status, or for the coach the file.
pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (r, view) = referral_for(&st, &ctx, &id).await?;
    let s = subject(&ctx)?;
    let action = if view == ReferralView::File {
        "coaching.file.view"
    } else {
        "coaching.referral.view"
    };
    audit(&st, s, action, &r.id, String::new()).await?;
    html(&referral_page(&st, &ctx, r, view, Vec::new(), String::new()).await?)
}

/// `POST /coaching/{id}/dossier`: the coach adds a conversation, note or step.
pub async fn add_entry(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (r, view) = referral_for(&st, &ctx, &id).await?;
    if view != ReferralView::File {
        return Err(AppError::NotFound);
    }
    let s = subject(&ctx)?.clone();
    let f = FormFields::parse(&body);
    let kind = f.one("kind");
    let text = f.one("body");
    let mut errors = Vec::new();
    if !coaching::FILE_ENTRY_KINDS.contains(&kind.as_str()) {
        errors.push(FieldError {
            field: "kind".into(),
            message: ctx.t("err.unknown_value"),
        });
    }
    if text.is_empty() || text.chars().count() > 5000 {
        errors.push(FieldError {
            field: "body".into(),
            message: ctx.t("coaching.error.body"),
        });
    }
    if !errors.is_empty() {
        let p = referral_page(&st, &ctx, r, view, errors, text).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    let earlier = st
        .store
        .file_entries(&r.id)
        .await?
        .iter()
        .filter(|e| e.kind == "gesprek")
        .count();
    let now = st.clock.now();
    let mut tx = st.store.begin_write().await?;
    store::insert_file_entry(
        &mut tx,
        &FileEntryRow {
            id: store::id(),
            referral_id: r.id.clone(),
            kind: kind.clone(),
            body: text,
            funded: coaching::funded_by_programme(&kind, earlier),
            written_by: s.user_id.clone(),
            written_at: now,
        },
    )
    .await?;
    // The first conversation moves an open referral to "in gesprek".
    if kind == "gesprek" && r.status == CoarseStatus::Aangemeld.as_str() {
        store::set_referral_status(&mut tx, &r.id, CoarseStatus::InGesprek.as_str(), None, now)
            .await?;
    }
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "coaching.file.write",
            object_type: "coach_referral",
            object_id: r.id.clone(),
            outcome: Outcome::Success,
            detail: kind,
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/coaching/{}", r.id)).into_response())
}

/// `POST /coaching/{id}/status`: the coach sets the coarse status; when the
/// coaching ends, the wijkteam's follow-up gets its due date.
pub async fn set_status(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (r, view) = referral_for(&st, &ctx, &id).await?;
    if view != ReferralView::File {
        return Err(AppError::NotFound);
    }
    let s = subject(&ctx)?.clone();
    let next = FormFields::parse(&body).one("status");
    let current = CoarseStatus::parse(&r.status).unwrap_or(CoarseStatus::Aangemeld);
    let Some(next) = CoarseStatus::parse(&next).filter(|n| current.may_become(*n)) else {
        let errors = vec![FieldError {
            field: "status".into(),
            message: ctx.t("coaching.error.status"),
        }];
        let p = referral_page(&st, &ctx, r, view, errors, String::new()).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    };
    let due = (next == CoarseStatus::Afgerond)
        .then(|| coaching::follow_up_due(st.clock.today(), WIJKTEAM_DAYS).to_string());
    let mut tx = st.store.begin_write().await?;
    store::set_referral_status(
        &mut tx,
        &r.id,
        next.as_str(),
        due.as_deref(),
        st.clock.now(),
    )
    .await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "coaching.status",
            object_type: "coach_referral",
            object_id: r.id.clone(),
            outcome: Outcome::Success,
            detail: format!("{} -> {}", r.status, next.as_str()),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/coaching/{}", r.id)).into_response())
}

/// `POST /coaching/{id}/wijkteam`: the municipality marks the wijkteam's follow-up done.
pub async fn wijkteam_done(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (r, view) = referral_for(&st, &ctx, &id).await?;
    if view != ReferralView::Coarse || r.wijkteam_due.is_none() {
        return Err(AppError::NotFound);
    }
    let s = subject(&ctx)?.clone();
    let mut tx = st.store.begin_write().await?;
    store::set_wijkteam_done(&mut tx, &r.id, st.clock.now()).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(s.user_id.clone()),
            actor_name: s.username.clone(),
            org_id: Some(s.org_id.clone()),
            action: "coaching.wijkteam.done",
            object_type: "coach_referral",
            object_id: r.id.clone(),
            outcome: Outcome::Success,
            detail: String::new(),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/coaching/{}", r.id)).into_response())
}
