//! Indicator sets of the gebiedsscan: the list of sets with their versions
//! and approvals, a version's definition, the form for a new version, and
//! approval by a second person (four eyes). Every change is audited in the
//! same transaction; the default set (spec v1) is built in and immutable.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::pages::scan::{Term, allowed};
use crate::pages::{FieldError, error_for, html};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::Action;
use bz_domain::audit::Outcome;
use bz_domain::indicators::{
    self, IndicatorSet, Problem, RawValues, Scaling, Status, describe_scaling, fmt_num,
};
use bz_store::StoreError;
use bz_store::audit::NewEntry;
use bz_store::indicators::{Author, IndicatorSetRow};
use bz_store::scan::RunRow;
use serde::Deserialize;

/// The translated message of a refused field.
pub fn problem_message(lang: Lang, p: &Problem) -> String {
    let mut args: Vec<(&str, String)> = p.reason.args();
    if lang == Lang::Nl {
        for (_, v) in &mut args {
            *v = v.replace('.', ",");
        }
    }
    let name = p.field.split('.').next().unwrap_or("").to_string();
    args.push(("name", name));
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i18n::tr_args(lang, p.reason.message_key(), &args)
}

/// The set a run was scored with (runs from before versioning used spec v1).
pub async fn set_of_run(st: &AppState, run: &RunRow) -> Result<IndicatorSet, AppError> {
    let (key, version) = indicators::parse_reference(&run.indicator_set).ok_or_else(|| {
        AppError::Internal(format!("run {}: bad indicator set reference", run.id))
    })?;
    Ok(st.store.indicator_set(&key, version).await?)
}

/// The explanation of a score with a set: each enabled indicator's value, weight and contribution.
pub fn terms(lang: Lang, set: &IndicatorSet, raw: &RawValues) -> Vec<Term> {
    let (_, c, _) = indicators::score(set, raw);
    let yes_no = |b: bool| i18n::tr(lang, if b { "common.yes" } else { "common.no" });
    set.enabled()
        .map(|cfg| {
            let k = cfg.indicator;
            let value = match k {
                indicators::IndicatorKind::Incidents => raw.incidents.to_string(),
                indicators::IndicatorKind::Signals => raw.signals.to_string(),
                indicators::IndicatorKind::Isolation => format!("{:.0} m", raw.isolatie_m),
                indicators::IndicatorKind::AgrarischGestopt => yes_no(raw.agrarisch_gestopt),
                indicators::IndicatorKind::GrootBedrijfspand => yes_no(raw.groot_bedrijfspand),
                indicators::IndicatorKind::BuitenGebruik => yes_no(raw.buiten_gebruik),
            };
            Term {
                name: i18n::tr(lang, &format!("indicator.{}", k.name())),
                value,
                weight: format!("{:.2}", cfg.weight),
                contribution: format!("{:.3}", c[k.index()]),
            }
        })
        .collect()
}

/// A version as listed.
pub struct SetListing {
    pub key: String,
    pub version: i64,
    pub name: String,
    pub status: String,
    pub weights: String,
    pub created: String,
    pub approved: String,
    pub may_approve: bool,
}

fn weights_summary(set: &IndicatorSet) -> String {
    set.enabled()
        .map(|c| format!("{} {}", c.indicator.name(), fmt_num(c.weight)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Template)]
#[template(path = "indicator_sets.html")]
struct ListPage {
    page: PageCtx,
    sets: Vec<SetListing>,
    may_manage: bool,
    created: Option<String>,
}

impl ListPage {
    fn status(&self, s: &str) -> String {
        self.page.t(&format!("indicatorset.status.{s}"))
    }
    fn path_of(&self, reference: &str) -> String {
        reference.replace('@', "/")
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    nieuw: Option<String>,
}

fn listing(ctx: &Ctx, row: &IndicatorSetRow) -> Result<SetListing, AppError> {
    let set = row.set()?;
    let s = ctx.subject.as_ref();
    Ok(SetListing {
        key: row.key.clone(),
        version: row.version,
        name: row.name.clone(),
        status: row.status.as_str().into(),
        weights: weights_summary(&set),
        created: format!(
            "{}, {}",
            row.created_by_name,
            i18n::datetime(row.created_at)
        ),
        approved: match (&row.approved_by_name, row.approved_at) {
            (Some(n), Some(at)) => format!("{n}, {}", i18n::datetime(at)),
            _ => "—".into(),
        },
        may_approve: s.is_some_and(|s| {
            allowed(ctx, Action::ManageIndicatorSets)
                && indicators::may_approve(s, &row.created_by, row.status).is_ok()
        }),
    })
}

/// `GET /gebiedsscan/indicatorsets`: every set and version, with who approved it when.
pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let v1 = IndicatorSet::v1();
    let mut sets = vec![SetListing {
        key: v1.key.clone(),
        version: v1.version,
        name: v1.name.clone(),
        status: Status::Approved.as_str().into(),
        weights: weights_summary(&v1),
        created: ctx.t("indicatorset.builtin"),
        approved: ctx.t("indicatorset.builtin"),
        may_approve: false,
    }];
    for row in st.store.indicator_sets().await? {
        sets.push(listing(&ctx, &row)?);
    }
    html(&ListPage {
        page: ctx.page("indicatorset.title"),
        sets,
        may_manage: allowed(&ctx, Action::ManageIndicatorSets),
        created: q.nieuw,
    })
}

/// One indicator of a set, for display.
pub struct ConfigRow {
    pub label: String,
    pub category: String,
    pub enabled: bool,
    pub weight: String,
    pub scaling: String,
}

#[derive(Template)]
#[template(path = "indicator_set.html")]
struct ShowPage {
    page: PageCtx,
    key: String,
    version: i64,
    name: String,
    status: String,
    created: String,
    approved: String,
    rows: Vec<ConfigRow>,
    hoog: String,
    midden: String,
    may_approve: bool,
    error: Option<String>,
}

impl ShowPage {
    fn status_label(&self) -> String {
        self.page.t(&format!("indicatorset.status.{}", self.status))
    }
}

async fn show_page(
    st: &AppState,
    ctx: &Ctx,
    key: &str,
    version: i64,
    error: Option<String>,
) -> Result<ShowPage, AppError> {
    let (set, listed) = if key == indicators::DEFAULT_KEY && version == indicators::DEFAULT_VERSION
    {
        (IndicatorSet::v1(), None)
    } else {
        let row = st.store.indicator_set_row(key, version).await?;
        (row.set()?, Some(listing(ctx, &row)?))
    };
    let rows = set
        .indicators
        .iter()
        .map(|c| ConfigRow {
            label: ctx.t(&format!("indicator.{}", c.indicator.name())),
            category: ctx.t(&format!(
                "indicatorset.category.{}",
                c.indicator.category().as_str()
            )),
            enabled: c.enabled,
            weight: fmt_num(c.weight),
            scaling: describe_scaling(c.scaling),
        })
        .collect();
    let builtin = ctx.t("indicatorset.builtin");
    Ok(ShowPage {
        page: ctx.page("indicatorset.show_title"),
        key: set.key.clone(),
        version: set.version,
        name: set.name.clone(),
        status: listed
            .as_ref()
            .map(|l| l.status.clone())
            .unwrap_or_else(|| "approved".into()),
        created: listed
            .as_ref()
            .map(|l| l.created.clone())
            .unwrap_or_else(|| builtin.clone()),
        approved: listed
            .as_ref()
            .map(|l| l.approved.clone())
            .unwrap_or(builtin),
        may_approve: listed.as_ref().is_some_and(|l| l.may_approve),
        rows,
        hoog: fmt_num(set.cutoffs.hoog),
        midden: fmt_num(set.cutoffs.midden),
        error,
    })
}

/// `GET /gebiedsscan/indicatorsets/{key}/{version}`: a version's full definition.
pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((key, version)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let version: i64 = version.parse().map_err(|_| AppError::NotFound)?;
    html(&show_page(&st, &ctx, &key, version, None).await?)
}

/// One indicator on the form, with its values as typed and its errors.
pub struct FormRow {
    pub name: &'static str,
    pub label: String,
    pub category: String,
    pub enabled: bool,
    pub weight: String,
    pub weight_error: Option<String>,
    /// `capped`, `linear` or `flag`.
    pub scaling: &'static str,
    pub cap: String,
    pub cap_error: Option<String>,
    pub from_m: String,
    pub from_m_error: Option<String>,
    pub to_m: String,
    pub to_m_error: Option<String>,
}

#[derive(Template)]
#[template(path = "indicator_set_form.html")]
struct FormPage {
    page: PageCtx,
    key: String,
    name: String,
    cutoff_hoog: String,
    cutoff_midden: String,
    rows: Vec<FormRow>,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

fn form_page(ctx: &Ctx, fields: &[(String, String)], errors: Vec<FieldError>) -> FormPage {
    let get = |f: &str| {
        fields
            .iter()
            .find(|(k, _)| k == f)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let rows = indicators::IndicatorKind::ALL
        .into_iter()
        .map(|k| {
            let n = k.name();
            let f = |p: &str| format!("{n}.{p}");
            FormRow {
                name: n,
                label: ctx.t(&format!("indicator.{n}")),
                category: ctx.t(&format!("indicatorset.category.{}", k.category().as_str())),
                enabled: !get(&f("enabled")).is_empty(),
                weight: get(&f("weight")),
                weight_error: error_for(&errors, &f("weight")),
                scaling: match k.v1().1 {
                    Scaling::Capped { .. } => "capped",
                    Scaling::Linear { .. } => "linear",
                    Scaling::Flag => "flag",
                },
                cap: get(&f("cap")),
                cap_error: error_for(&errors, &f("cap")),
                from_m: get(&f("from_m")),
                from_m_error: error_for(&errors, &f("from_m")),
                to_m: get(&f("to_m")),
                to_m_error: error_for(&errors, &f("to_m")),
            }
        })
        .collect();
    FormPage {
        page: ctx.page("indicatorset.new_title"),
        key: get("key"),
        name: get("name"),
        cutoff_hoog: get("cutoff_hoog"),
        cutoff_midden: get("cutoff_midden"),
        rows,
        errors,
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// Start from this version (`key@version`); default: the latest approved set.
    #[serde(default)]
    van: Option<String>,
}

/// `GET /gebiedsscan/indicatorsets/nieuw`: the form, filled with an existing version.
pub async fn new_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let base = match q.van.as_deref().and_then(indicators::parse_reference) {
        Some((k, v)) => st.store.indicator_set(&k, v).await?,
        None => st.store.latest_approved_indicator_set().await?,
    };
    html(&form_page(&ctx, &base.form_fields(), Vec::new()))
}

/// `POST /gebiedsscan/indicatorsets/nieuw`: store a new version as a draft.
pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(k, _)| k != "_csrf")
        .collect();
    let key = fields
        .iter()
        .find(|(k, _)| k == "key")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    let version = st.store.next_indicator_set_version(&key).await?;
    let errors = match IndicatorSet::from_form(&fields, version) {
        Ok(set) => {
            let who = Author {
                user_id: &s.user_id,
                username: &s.username,
                org_id: &s.org_id,
            };
            match st
                .store
                .insert_indicator_set_draft(&set, who, st.clock.now_ms())
                .await
            {
                Ok(_) => {
                    return Ok(Redirect::to(&format!(
                        "/gebiedsscan/indicatorsets?nieuw={}",
                        set.reference()
                    ))
                    .into_response());
                }
                Err(StoreError::Conflict { .. }) => vec![FieldError {
                    field: "key".into(),
                    message: ctx.t("indicatorset.err.version_taken"),
                }],
                Err(e) => return Err(e.into()),
            }
        }
        Err(problems) => problems
            .iter()
            .map(|p| FieldError {
                field: p.field.clone(),
                message: problem_message(ctx.lang, p),
            })
            .collect(),
    };
    let page = form_page(&ctx, &fields, errors);
    html(&page).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

/// `POST /gebiedsscan/indicatorsets/{key}/{version}/goedkeuren`: approve another's draft.
pub async fn approve(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((key, version)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let version: i64 = version.parse().map_err(|_| AppError::NotFound)?;
    let (author, status) =
        if key == indicators::DEFAULT_KEY && version == indicators::DEFAULT_VERSION {
            (String::new(), Status::Approved)
        } else {
            let row = st.store.indicator_set_row(&key, version).await?;
            (row.created_by, row.status)
        };
    let refused = match indicators::may_approve(&s, &author, status) {
        Ok(()) => {
            let who = Author {
                user_id: &s.user_id,
                username: &s.username,
                org_id: &s.org_id,
            };
            match st
                .store
                .approve_indicator_set(&key, version, who, st.clock.now_ms())
                .await
            {
                Ok(()) => {
                    return Ok(Redirect::to(&format!(
                        "/gebiedsscan/indicatorsets/{key}/{version}"
                    ))
                    .into_response());
                }
                // Approved or changed meanwhile.
                Err(StoreError::Conflict { .. }) => indicators::ApprovalDenied::NotADraft,
                Err(e) => return Err(e.into()),
            }
        }
        Err(d) => d,
    };
    st.store
        .audit(
            NewEntry {
                actor_id: Some(s.user_id.clone()),
                actor_name: s.username.clone(),
                org_id: Some(s.org_id.clone()),
                action: "indicatorset.approve",
                object_type: "indicator_set",
                object_id: format!("{key}@{version}"),
                outcome: Outcome::Denied,
                detail: refused.to_string(),
            },
            st.clock.now_ms(),
        )
        .await?;
    let code = match refused {
        indicators::ApprovalDenied::NotADraft => StatusCode::CONFLICT,
        _ => StatusCode::FORBIDDEN,
    };
    let page = show_page(&st, &ctx, &key, version, Some(ctx.t(refused.message_key()))).await?;
    html(&page).map(|r| (code, r).into_response())
}
