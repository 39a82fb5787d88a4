//! Response hardening for every response: security headers, and friendly
//! error pages in place of bare error bodies.

use crate::AppState;
use crate::auth::cookies;
use crate::error::{ErrorDetail, NeedsErrorPage, error_response};
use crate::i18n::Lang;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy, with a configured base map's origin allowed for images and fetches.
pub fn csp(basemap: Option<&crate::BaseMap>) -> HeaderValue {
    let Some(b) = basemap else {
        return HeaderValue::from_static(CSP);
    };
    let o = b.origin();
    let policy = CSP
        .replace(
            "img-src 'self' data:",
            &format!("img-src 'self' data: blob: {o}"),
        )
        .replace("connect-src 'self'", &format!("connect-src 'self' {o}"));
    HeaderValue::from_str(&policy).unwrap_or_else(|_| HeaderValue::from_static(CSP))
}

pub async fn harden(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let lang = cookies::read(req.headers(), cookies::LANG_NAME)
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default();
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let status = res.status();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error())
        && (res.extensions().get::<NeedsErrorPage>().is_some() || !is_html)
    {
        let keep: Vec<(header::HeaderName, HeaderValue)> = res
            .headers()
            .iter()
            .filter(|(k, _)| *k == header::SET_COOKIE || *k == header::WWW_AUTHENTICATE)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let detail = res.extensions().get::<ErrorDetail>().cloned();
        res = error_response(status, lang, api, detail.as_ref());
        for (k, v) in keep {
            res.headers_mut().append(k, v);
        }
    }
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, st.csp.clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if st.config.tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
