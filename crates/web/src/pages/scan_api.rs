//! The gebiedsscan in the JSON API (v1): the same rules as the pages.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::scan::{allowed, subject_areas, visible_run};
use crate::scanrun::{self, ScanRunError, Starter};
use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bz_domain::access::Action;
use bz_domain::audit::Outcome;
use bz_domain::scan::{AreaKind, Decision};
use bz_store::audit::NewEntry;
use bz_store::scan::RunRow;
use serde::Deserialize;
use serde_json::{Value, json};

fn run_json(r: &RunRow) -> Value {
    json!({
        "id": r.id, "area_kind": r.area_kind, "area_code": r.area_code, "area_name": r.area_name,
        "peildatum": r.peildatum, "indicator_set": r.indicator_set,
        "weights": serde_json::from_str::<Value>(&r.weights).unwrap_or(Value::Null),
        "inputs": serde_json::from_str::<Value>(&r.inputs).unwrap_or(Value::Null),
        "bias": serde_json::from_str::<Value>(&r.bias).unwrap_or(Value::Null),
        "started_by": r.started_by_name, "started_at": r.started_at, "duration_ms": r.duration_ms,
        "addresses": r.addresses, "buitengebied": r.buitengebied, "hoog": r.hoog, "midden": r.midden, "laag": r.laag, "mean_score": r.mean_score,
        "area_geometry_rd": r.area_geometry.as_deref().and_then(|g| serde_json::from_str::<Value>(g).ok()),
    })
}

fn field_errors(fields: Vec<(&str, String)>, ctx: &Ctx) -> Response {
    let fields: Vec<Value> = fields
        .into_iter()
        .map(|(f, r)| json!({ "field": f, "reason": r }))
        .collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": ctx.t("err.invalid_input"), "fields": fields })),
    )
        .into_response()
}

/// `GET /api/v1/gebiedsscan`: the runs over the subject's areas.
pub async fn runs(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let codes: Vec<String> = subject_areas(&st, &ctx)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let runs: Vec<Value> = st
        .store
        .scan_runs(&codes)
        .await?
        .iter()
        .map(run_json)
        .collect();
    Ok(Json(json!({ "runs": runs })).into_response())
}

#[derive(Deserialize)]
pub struct StartBody {
    #[serde(default)]
    area: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    peildatum: String,
    /// `key@version` of an approved indicator set; absent for the default (spec v1).
    #[serde(default)]
    indicator_set: String,
    /// For `"kind": "eigen_gebied"`: the area's name and its boundary (a GeoJSON
    /// Polygon, MultiPolygon, Feature or one-feature FeatureCollection).
    #[serde(default)]
    name: String,
    #[serde(default)]
    geometry: Option<serde_json::Value>,
}

/// `POST /api/v1/gebiedsscan`: start a run (`{"area": "GM…", "kind": "buitengebied"|"gemeente", "peildatum": "YYYY-MM-DD", "indicator_set": "key@version"}`; the set is optional).
pub async fn start(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Result<Json<StartBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(b) = body.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let mut errors = Vec::new();
    if !subject_areas(&st, &ctx)
        .await?
        .iter()
        .any(|a| a.code == b.area)
    {
        errors.push(("area", ctx.t("err.unknown_value")));
    }
    let kind = AreaKind::parse(&b.kind);
    if kind.is_none() {
        errors.push(("kind", ctx.t("err.unknown_value")));
    }
    let peildatum = bz_scan::io::parse_date(b.peildatum.trim());
    if peildatum.is_none() {
        errors.push(("peildatum", ctx.t("err.bad_date")));
    }
    let set = crate::pages::scan::chosen_set(&st, &b.indicator_set).await;
    if set.is_none() {
        errors.push(("indicator_set", ctx.t("err.unknown_value")));
    }
    let geojson = b
        .geometry
        .as_ref()
        .map(|g| g.to_string())
        .unwrap_or_default();
    let area = match kind {
        Some(k) => match crate::pages::scan::chosen_area(&ctx, &b.area, k, &b.name, &geojson) {
            Ok(a) => Some(a),
            Err(es) => {
                for e in es {
                    let field = if e.field == "naam" {
                        "name"
                    } else {
                        "geometry"
                    };
                    errors.push((field, e.message));
                }
                None
            }
        },
        None => None,
    };
    let (Some(area), Some(peildatum), Some(set), true) = (area, peildatum, set, errors.is_empty())
    else {
        return Ok(field_errors(errors, &ctx));
    };
    let who = Starter {
        user_id: &s.user_id,
        username: &s.username,
        org_id: &s.org_id,
    };
    match scanrun::run_area(&st.store, who, &area, peildatum, &set, st.clock.now_ms()).await {
        Ok(id) => {
            // A new run changes the map: drop its cached tiles.
            st.tiles.invalidate();
            Ok((
                StatusCode::CREATED,
                Json(run_json(&st.store.scan_run(&id).await?)),
            )
                .into_response())
        }
        Err(ScanRunError::EmptyArea(_)) => {
            let field = if b.geometry.is_some() {
                "geometry"
            } else {
                "area"
            };
            Ok(field_errors(vec![(field, ctx.t("scan.empty_area"))], &ctx))
        }
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

#[derive(Deserialize, Default)]
pub struct Page {
    #[serde(default)]
    klasse: Option<String>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    offset: Option<i64>,
}

/// `GET /api/v1/gebiedsscan/{run}`: the run; with its scored addresses for roles that may see them.
pub async fn run(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(p): Query<Page>,
) -> Result<Response, AppError> {
    let run = visible_run(&st, &ctx, &id, Action::ViewAreaAggregates).await?;
    let mut out = run_json(&run);
    if allowed(&ctx, Action::ViewScanResults) {
        let klasse = p
            .klasse
            .filter(|k| ["hoog", "midden", "laag"].contains(&k.as_str()))
            .unwrap_or_default();
        let limit = p.limit.unwrap_or(100).clamp(1, 1000);
        let rows = st
            .store
            .scan_results(&run.id, Some(&klasse), limit, p.offset.unwrap_or(0).max(0))
            .await?;
        let results: Vec<Value> = rows
            .iter()
            .map(|r| {
                let x = &r.result;
                json!({
                    "address_id": x.address_id, "straat": r.straat, "huisnummer": r.huisnummer, "huisletter": r.huisletter,
                    "postcode": r.postcode, "woonplaats": r.woonplaats, "x": r.x, "y": r.y,
                    "oad": x.oad, "buitengebied": x.buitengebied, "incidenten_1km_5j": x.incidenten_1km_5j, "signalen_500m_2j": x.signalen_500m_2j,
                    "isolatie_m": x.isolatie_m, "agrarisch_gestopt": x.agrarisch_gestopt, "groot_bedrijfspand": x.groot_bedrijfspand,
                    "buiten_gebruik": x.buiten_gebruik, "score": x.score, "klasse": x.klasse, "latest_decision": r.latest_decision,
                })
            })
            .collect();
        if let Some(s) = &ctx.subject {
            st.store
                .audit(
                    NewEntry {
                        actor_id: Some(s.user_id.clone()),
                        actor_name: s.username.clone(),
                        org_id: Some(s.org_id.clone()),
                        action: "scan.results.view",
                        object_type: "scan_run",
                        object_id: run.id.clone(),
                        outcome: Outcome::Success,
                        detail: format!("{} adressen (API)", results.len()),
                    },
                    st.clock.now_ms(),
                )
                .await?;
        }
        out["results"] = Value::Array(results);
    }
    Ok(Json(out).into_response())
}

#[derive(Deserialize)]
pub struct DecisionBody {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/gebiedsscan/{run}/adres/{address}/besluit`: record a decision.
pub async fn decide(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((run_id, address_id)): Path<(String, String)>,
    body: Result<Json<DecisionBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(b) = body.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let run = visible_run(&st, &ctx, &run_id, Action::DecideScan).await?;
    st.store.scan_result(&run.id, &address_id).await?;
    let mut errors = Vec::new();
    let decision = Decision::parse(&b.decision);
    if decision.is_none() {
        errors.push(("decision", ctx.t("err.unknown_value")));
    }
    let reason = bz_domain::scan::reason(&b.reason)
        .map_err(|p| errors.push(("reason", ctx.t(p.message_key()))))
        .ok();
    let (Some(decision), Some(reason)) = (decision, reason) else {
        return Ok(field_errors(errors, &ctx));
    };
    let row = scanrun::record_decision(
        &st.store,
        &s,
        &run,
        &address_id,
        decision,
        reason,
        st.clock.now_ms(),
    )
    .await?;
    let id = row.id.clone();
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "decision": row.decision, "reason": row.reason, "decided_by": row.decided_by_name, "decided_at": row.decided_at }))).into_response())
}
