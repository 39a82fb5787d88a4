//! The JSON API (v1). Same session, same access rules as the pages; every
//! state-changing call carries the session's CSRF token in `X-CSRF-Token`.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::home::area_views;
use crate::pages::orgs::create_org;
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bz_domain::identity::NewOrganisation;
use bz_store::StoreError;
use serde::Deserialize;
use serde_json::json;

pub async fn me(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let org = st.store.organisation(&s.org_id).await?;
    Ok(Json(json!({
        "username": s.username,
        "display_name": ctx.display_name,
        "organisation": { "id": org.id, "name": org.name, "type": org.org_type.as_str(), "cbs_code": org.cbs_code },
        "roles": s.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "csrf_token": ctx.csrf(),
    }))
    .into_response())
}

pub async fn areas(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let (views, since_5y, today) =
        area_views(&st, st.store.organisation_areas(&s.org_id).await?).await?;
    let areas: Vec<_> = views
        .into_iter()
        .map(|a| {
            let f = a.figures;
            json!({
                "code": a.code, "name": a.name, "area_km2": a.area_km2,
                "addresses": f.addresses, "addresses_out_of_use": f.addresses_out_of_use,
                "large_business_buildings": f.large_business_buildings,
                "businesses_active": f.businesses_active, "agricultural_active": f.agri_active,
                "agricultural_ended_10y": f.agri_ended,
                "incidents_5y_by_kind": f.incidents_by_kind.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
                "incidents_5y_by_year": f.incidents_by_year.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            })
        })
        .collect();
    Ok(
        Json(json!({ "as_of": today, "incidents_since": since_5y, "areas": areas }))
            .into_response(),
    )
}

pub async fn organisations(State(st): State<AppState>) -> Result<Response, AppError> {
    let orgs: Vec<_> = st.store.organisations().await?.into_iter().map(|o| json!({ "id": o.id, "name": o.name, "type": o.org_type.as_str(), "cbs_code": o.cbs_code, "active": o.active })).collect();
    Ok(Json(json!({ "organisations": orgs })).into_response())
}

#[derive(Deserialize)]
pub struct OrgBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    org_type: String,
    #[serde(default)]
    cbs_code: Option<String>,
}

pub async fn create_organisation(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Result<Json<OrgBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(b) = body.map_err(|e| AppError::BadRequest(e.body_text()))?;
    match NewOrganisation::parse(&b.name, &b.org_type, b.cbs_code.as_deref().unwrap_or("")) {
        Ok(o) => match create_org(&st, &ctx, &o).await {
            Ok(org) => Ok((StatusCode::CREATED, Json(json!({ "id": org.id, "name": org.name, "type": org.org_type.as_str(), "cbs_code": org.cbs_code })))
                .into_response()),
            Err(StoreError::Conflict { .. }) => Ok((StatusCode::CONFLICT, Json(json!({ "error": ctx.t("err.name_taken"), "fields": [{ "field": "name", "reason": ctx.t("err.name_taken") }] }))).into_response()),
            Err(e) => Err(e.into()),
        },
        Err(errs) => {
            let fields: Vec<_> = errs.iter().map(|e| json!({ "field": e.field, "reason": ctx.t(e.reason.message_key()) })).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "error": ctx.t("err.invalid_input"), "fields": fields }))).into_response())
        }
    }
}
