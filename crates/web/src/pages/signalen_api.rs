//! The JSON API of signals.
//!
//! * `GET /api/v1/signalen` (filters `status`, `categorie`, `termijn=verlopen`,
//!   `toegewezen=ik|organisatie`): the signals the caller may see, with
//!   their deadline; the original text only for the intake role, everyone
//!   else gets the de-identified summary. Audited.
//! * `POST /api/v1/signalen`: import partner signals, all or nothing, with
//!   the same reader (and line errors) as `buitenzicht import signalen` and
//!   the upload page. `text/csv` with `?bron=ORGANISATIE` in the
//!   `signalen.csv` format (id,x,y,datum,categorie), or `application/json`
//!   `{"bron": "…", "signalen": [{"id", "x", "y", "datum", "categorie"}]}`;
//!   for JSON the line of an error is the item's position + 1 (line 1 is
//!   the header of the equivalent CSV). Answers `200 {"geimporteerd": n}`
//!   or `422 {"fouten": [...], "errors": [...]}`: nothing was imported.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::signalen::{ListQuery, Viewer, audit, visible};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bz_domain::audit::Outcome;
use bz_signals::deadline::Clock;
use serde::Deserialize;
use std::io::Write as _;

/// The largest import body (CSV or JSON) the API accepts.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// `GET /api/v1/signalen`.
pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let list = visible(&st, &v, &q).await?;
    let original = v.sees_original();
    let items: Vec<serde_json::Value> = list
        .iter()
        .map(|(r, d)| {
            let mut item = serde_json::json!({
                "id": r.id,
                "meldcode": r.meldcode,
                "kanaal": r.channel,
                "bron": r.source,
                "categorie": r.category,
                "status": r.state,
                "ontvangen": r.received_at,
                "datum": r.observed_on,
                "gemeente": r.gemeente_code,
                "bag_id": r.bag_id,
                "x": r.x,
                "y": r.y,
                "toegewezen_organisatie": r.assigned_org_id,
                "toegewezen_gebruiker": r.assigned_user_id,
                "samengevoegd_in": r.merged_into,
                "samenvatting": r.summary,
                "termijn": {
                    "werkdagen": d.working_days,
                    "uiterlijk": d.due_at,
                    "verlopen": d.overdue,
                    "klok": match d.clock {
                        Clock::Running => "loopt",
                        Clock::Paused => "gepauzeerd",
                        Clock::Stopped => "gestopt",
                    },
                },
            });
            if original {
                item["omschrijving"] = serde_json::Value::String(r.description.clone());
            }
            item
        })
        .collect();
    audit(
        &st,
        &v.subject,
        "signal.list",
        "api",
        Outcome::Success,
        format!("{} signalen via de API", items.len()),
    )
    .await?;
    Ok(Json(serde_json::json!({ "signalen": items })).into_response())
}

#[derive(Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    bron: Option<String>,
}

#[derive(Deserialize)]
struct JsonImport {
    bron: String,
    signalen: Vec<JsonSignal>,
}

/// One signal of a JSON import. Values are taken as given (numbers or
/// text) and checked by the same reader as the CSV.
#[derive(Deserialize)]
struct JsonSignal {
    #[serde(default)]
    id: serde_json::Value,
    #[serde(default)]
    x: serde_json::Value,
    #[serde(default)]
    y: serde_json::Value,
    #[serde(default)]
    datum: serde_json::Value,
    #[serde(default)]
    categorie: serde_json::Value,
}

fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn refused(lang: Lang, nl: Vec<String>, en: Vec<String>) -> Response {
    let lines = match lang {
        Lang::Nl => nl.clone(),
        Lang::En => en.clone(),
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(serde_json::json!({ "fouten": nl, "errors": en, "messages": lines })),
    )
        .into_response()
}

/// `POST /api/v1/signalen`.
pub async fn import(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (bron, csv_bytes, label) = if content_type.starts_with("application/json") {
        let parsed: JsonImport = match serde_json::from_slice(&body) {
            Ok(p) => p,
            Err(e) => {
                return Ok(refused(
                    ctx.lang,
                    vec![format!("signalen.json: geen geldige JSON: {e}")],
                    vec![format!("signalen.json: not valid JSON: {e}")],
                ));
            }
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        let write = |w: &mut csv::Writer<Vec<u8>>, r: [String; 5]| {
            w.write_record(r)
                .map_err(|e| AppError::Internal(format!("csv: {e}")))
        };
        write(
            &mut w,
            ["id", "x", "y", "datum", "categorie"].map(String::from),
        )?;
        for sig in &parsed.signalen {
            write(
                &mut w,
                [
                    cell(&sig.id),
                    cell(&sig.x),
                    cell(&sig.y),
                    cell(&sig.datum),
                    cell(&sig.categorie),
                ],
            )?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
        (parsed.bron, bytes, "signalen.json")
    } else if content_type.starts_with("text/csv") {
        let Some(bron) = q.bron.filter(|b| !b.trim().is_empty()) else {
            return Ok(refused(
                ctx.lang,
                vec!["bron: geef de bronorganisatie op (?bron=…)".into()],
                vec!["bron: give the source organisation (?bron=…)".into()],
            ));
        };
        (bron, body.to_vec(), "signalen.csv")
    } else {
        return Ok(refused(
            ctx.lang,
            vec!["Content-Type moet text/csv of application/json zijn".into()],
            vec!["Content-Type must be text/csv or application/json".into()],
        ));
    };
    let mut file = tempfile::Builder::new()
        .prefix("bz-signalen-")
        .suffix(".csv")
        .tempfile_in(
            st.config
                .upload_dir
                .clone()
                .unwrap_or_else(std::env::temp_dir),
        )
        .map_err(|e| AppError::Internal(format!("temporary file: {e}")))?;
    file.write_all(&csv_bytes)
        .and_then(|_| file.flush())
        .map_err(|e| AppError::Internal(format!("temporary file: {e}")))?;
    let source = bz_import::Source {
        path: file.path().to_path_buf(),
        label: label.to_string(),
    };
    let actor = bz_import::Actor {
        user_id: Some(s.user_id.clone()),
        name: s.username.clone(),
        org_id: Some(s.org_id.clone()),
    };
    let progress = std::sync::Arc::new(bz_import::Progress::new());
    match bz_import::signalen(&st.store, &source, bron.trim(), &actor, &progress).await {
        Ok(done) => Ok(Json(serde_json::json!({
            "geimporteerd": done.count,
            "samenvatting": done.summary_nl,
            "summary": done.summary_en,
        }))
        .into_response()),
        Err(bz_import::ImportError::Refused { nl, en }) => {
            st.store
                .audit(
                    crate::pages::signalen::entry(
                        &s,
                        "import.signalen",
                        label,
                        Outcome::Failure,
                        nl.first().cloned().unwrap_or_default(),
                    ),
                    st.clock.now_ms(),
                )
                .await?;
            Ok(refused(ctx.lang, nl, en))
        }
        Err(bz_import::ImportError::Store(e)) => Err(e.into()),
    }
}
