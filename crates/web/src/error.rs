//! Errors of handlers, and the friendly error pages (400/401/403/404/413/500)
//! rendered for every error response, including axum's own rejections.

use crate::i18n::{self, Lang};
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<bz_store::StoreError> for AppError {
    fn from(e: bz_store::StoreError) -> Self {
        match e {
            bz_store::StoreError::NotFound { .. } => AppError::NotFound,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Marks a response whose body must be replaced by the friendly error page.
#[derive(Clone, Copy, Debug)]
pub struct NeedsErrorPage;

/// The reason of a bad request, shown on the error page (already in the
/// user's language; never internal details).
#[derive(Clone, Debug)]
pub struct ErrorDetail(pub String);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Internal(msg) => {
                tracing::error!(error = %msg, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let detail = match &self {
            AppError::BadRequest(msg) => Some(ErrorDetail(msg.clone())),
            _ => None,
        };
        let mut r = status.into_response();
        r.extensions_mut().insert(NeedsErrorPage);
        if let Some(d) = detail {
            r.extensions_mut().insert(d);
        }
        r
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: &'static str,
    title: String,
    message: String,
    home: String,
    code: u16,
    skip: String,
}

fn message_keys(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 | 422 | 415 => ("error.400.title", "error.400.text"),
        401 => ("error.401.title", "error.401.text"),
        403 => ("error.403.title", "error.403.text"),
        404 => ("error.404.title", "error.404.text"),
        405 => ("error.405.title", "error.405.text"),
        413 => ("error.413.title", "error.413.text"),
        429 => ("error.429.title", "error.429.text"),
        _ => ("error.500.title", "error.500.text"),
    }
}

/// Render the error page for `status` in `lang`, as HTML or (for the API) JSON.
pub fn error_response(
    status: StatusCode,
    lang: Lang,
    api: bool,
    detail: Option<&ErrorDetail>,
) -> Response {
    let (title_key, text_key) = message_keys(status);
    let title = i18n::tr(lang, title_key);
    let message = match detail {
        Some(d) => d.0.clone(),
        None => i18n::tr(lang, text_key),
    };
    let mut r = if api {
        let body =
            serde_json::json!({ "status": status.as_u16(), "error": title, "message": message });
        (status, axum::Json(body)).into_response()
    } else {
        let page = ErrorPage {
            lang: lang.code(),
            title,
            message,
            home: i18n::tr(lang, "error.home"),
            code: status.as_u16(),
            skip: i18n::tr(lang, "shell.skip"),
        };
        match page.render() {
            Ok(html) => (status, axum::response::Html(html)).into_response(),
            Err(_) => (status, "error").into_response(),
        }
    };
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
