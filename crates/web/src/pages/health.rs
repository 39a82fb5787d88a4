//! `/health`: liveness and database reachability, for load balancers.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub async fn health(State(st): State<AppState>) -> Response {
    match st.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok", "database": "ok", "version": env!("CARGO_PKG_VERSION") }))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "error", "database": "unreachable" }))).into_response()
        }
    }
}
