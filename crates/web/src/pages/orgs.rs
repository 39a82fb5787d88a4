//! Administration of organisations (beheerder).

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::{FieldError, error_for, field_errors, html};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bz_domain::audit::Outcome;
use bz_domain::identity::{NewOrganisation, OrgType};
use bz_store::StoreError;
use bz_store::audit::NewEntry;
use serde::Deserialize;

pub struct OrgRow {
    pub name: String,
    pub org_type: String,
    pub cbs_code: String,
    pub users: i64,
    pub areas: String,
}

pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    page: PageCtx,
    orgs: Vec<OrgRow>,
    types: Vec<Choice>,
    form_name: String,
    form_cbs: String,
    errors: Vec<FieldError>,
    created: Option<String>,
}

impl OrgsPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
pub struct OrgForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub org_type: String,
    #[serde(default)]
    pub cbs_code: String,
}

async fn render(
    st: &AppState,
    ctx: &Ctx,
    form: &OrgForm,
    errors: Vec<FieldError>,
    created: Option<String>,
) -> Result<OrgsPage, AppError> {
    let counts: std::collections::HashMap<String, i64> =
        st.store.user_counts().await?.into_iter().collect();
    let mut orgs = Vec::new();
    for o in st.store.organisations().await? {
        let areas = st
            .store
            .organisation_areas(&o.id)
            .await?
            .into_iter()
            .map(|a| a.name)
            .collect::<Vec<_>>()
            .join(", ");
        orgs.push(OrgRow {
            users: counts.get(&o.id).copied().unwrap_or(0),
            name: o.name,
            org_type: ctx.t(&format!("orgtype.{}", o.org_type.as_str())),
            cbs_code: o.cbs_code.unwrap_or_default(),
            areas,
        });
    }
    let types = OrgType::ALL
        .iter()
        .map(|t| Choice {
            value: t.as_str(),
            label: ctx.t(&format!("orgtype.{}", t.as_str())),
            selected: form.org_type == t.as_str(),
        })
        .collect();
    Ok(OrgsPage {
        page: ctx.page("orgs.title"),
        orgs,
        types,
        form_name: form.name.clone(),
        form_cbs: form.cbs_code.clone(),
        errors,
        created,
    })
}

pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    html(&render(&st, &ctx, &OrgForm::default(), Vec::new(), None).await?)
}

/// Create an organisation and record it in the audit trail, in one transaction.
/// A gemeente whose CBS code is a known municipality works in that area.
pub async fn create_org(
    st: &AppState,
    ctx: &Ctx,
    o: &NewOrganisation,
) -> Result<bz_store::org::Organisation, StoreError> {
    let subject = ctx.subject.as_ref();
    let now = st.clock.now();
    let mut tx = st.store.begin_write().await?;
    let org = bz_store::org::create(&mut tx, o, now).await?;
    if let Some(code) = &org.cbs_code {
        let known = st.store.gemeenten().await?.iter().any(|g| &g.code == code);
        if known {
            bz_store::org::set_areas(&mut tx, &org.id, std::slice::from_ref(code)).await?;
        }
    }
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: subject.map(|s| s.user_id.clone()),
            actor_name: subject.map(|s| s.username.clone()).unwrap_or_default(),
            org_id: subject.map(|s| s.org_id.clone()),
            action: "organisation.create",
            object_type: "organisation",
            object_id: org.id.clone(),
            outcome: Outcome::Success,
            detail: format!("{} ({})", org.name, org.org_type.as_str()),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(org)
}

pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    let parsed = NewOrganisation::parse(&f.name, &f.org_type, &f.cbs_code);
    let errors = match parsed {
        Ok(o) => match create_org(&st, &ctx, &o).await {
            Ok(org) => {
                return html(
                    &render(&st, &ctx, &OrgForm::default(), Vec::new(), Some(org.name)).await?,
                );
            }
            Err(StoreError::Conflict { .. }) => vec![FieldError {
                field: "name".into(),
                message: ctx.t("err.name_taken"),
            }],
            Err(e) => return Err(e.into()),
        },
        Err(errs) => field_errors(ctx.lang, &errs),
    };
    let p = render(&st, &ctx, &f, errors, None).await?;
    html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}
