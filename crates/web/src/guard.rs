//! The guard in front of every route: it loads the session, builds the
//! subject, asks `bz_domain::access` for a decision and checks the CSRF token
//! of every state-changing request. No handler runs without it.

use crate::AppState;
use crate::auth::cookies;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::{self, Action, Denial, Resource, Subject};
use bz_domain::audit::Outcome;
use bz_domain::session::{self, Stage};
use bz_store::audit::NewEntry;

/// Only refresh `last_seen_at` when it is older than this (fewer writes).
const TOUCH_EVERY_SECS: i64 = 30;

pub async fn guard(
    State((st, action)): State<(AppState, Action)>,
    req: Request,
    next: Next,
) -> Response {
    match run(st, action, req, next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn run(st: AppState, action: Action, req: Request, next: Next) -> Result<Response, AppError> {
    let now = st.clock.now();
    let lang = cookies::read(req.headers(), cookies::LANG_NAME)
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default();
    let path = req.uri().path().to_string();
    let api = path.starts_with("/api/");

    let mut ctx = Ctx {
        lang,
        path: path.clone(),
        session: None,
        subject: None,
        display_name: None,
        org_name: None,
        demo: st.config.demo,
    };
    // Anonymous public forms never look at a session: a logged-in visitor's
    // report or answers cannot be linked to the account, and no cookie is set.
    if action == Action::SubmitAnonymous {
        if !is_safe(req.method()) && is_cross_site(req.headers()) {
            return Err(AppError::Forbidden);
        }
        let mut req = req;
        req.extensions_mut().insert(ctx);
        return Ok(next.run(req).await);
    }
    if let Some(token) = cookies::session_token(req.headers(), st.config.tls) {
        let id_hash = cookies::hash_token(&token);
        if let Some(s) = st.store.session(&id_hash).await? {
            if session::expiry(s.stage, s.created_at, s.last_seen_at, now).is_some() {
                st.store.delete_session(&id_hash).await?;
            } else {
                if now - s.last_seen_at >= TOUCH_EVERY_SECS {
                    st.store.touch_session(&id_hash, now).await?;
                }
                ctx.session = Some(s);
            }
        }
    }
    if let Some(s) = ctx.session.clone()
        && matches!(s.stage, Stage::Authenticated | Stage::MustChangePassword)
        && let Some(uid) = &s.user_id
    {
        let user = st.store.user(uid).await;
        match user {
            Ok(u) if u.active => {
                let org = st.store.organisation(&u.org_id).await?;
                ctx.subject = Some(Subject {
                    user_id: u.id.clone(),
                    username: u.username.clone(),
                    org_id: u.org_id.clone(),
                    org_type: org.org_type,
                    roles: u.roles.clone(),
                });
                ctx.display_name = Some(u.display_name.clone());
                ctx.org_name = Some(org.name);
            }
            _ => {
                st.store.delete_session(&s.id_hash).await?;
                ctx.session = None;
            }
        }
    }

    // An account with a temporary password may do nothing but change it.
    let must_change = ctx
        .session
        .as_ref()
        .is_some_and(|s| s.stage == Stage::MustChangePassword);
    if must_change
        && !matches!(
            action,
            Action::ManageOwnAccount | Action::Logout | Action::ViewPublic | Action::Login
        )
    {
        return Ok(Redirect::to("/account").into_response());
    }

    match access::decide(ctx.subject.as_ref(), action, &Resource::Any) {
        Ok(()) => {}
        Err(Denial::Unauthenticated) => {
            if req.method() == Method::GET && !api {
                let next_q: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
                return Ok(Redirect::to(&format!("/login?volgende={next_q}")).into_response());
            }
            return Err(AppError::Unauthenticated);
        }
        Err(Denial::Forbidden) => {
            if let Some(s) = &ctx.subject {
                st.store
                    .audit(
                        NewEntry {
                            actor_id: Some(s.user_id.clone()),
                            actor_name: s.username.clone(),
                            org_id: Some(s.org_id.clone()),
                            action: "access.denied",
                            object_type: "route",
                            object_id: format!("{} {}", req.method(), path),
                            outcome: Outcome::Denied,
                            detail: String::new(),
                        },
                        st.clock.now_ms(),
                    )
                    .await?;
            }
            return Err(AppError::Forbidden);
        }
    }

    let req = if is_safe(req.method()) {
        req
    } else {
        check_csrf(&st, &ctx, req).await?
    };
    let mut req = req;
    req.extensions_mut().insert(ctx);
    Ok(next.run(req).await)
}

/// CSRF protection for anonymous forms, which have no session to bind a
/// token to: browsers say where a request comes from (`Sec-Fetch-Site`,
/// `Origin`); a request from another site is refused. Clients that send
/// neither (scripts, the benchmark) are not browsers and cannot be forged.
fn is_cross_site(headers: &axum::http::HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(o), Some(h)) => {
            let o = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"))
                .unwrap_or(o);
            o != h
        }
        (Some(_), None) => true,
        _ => false,
    }
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The token may come in the `X-CSRF-Token` header (API, scripts) or the
/// `_csrf` field of a URL-encoded form. The body is read (within the body
/// limit) and handed on unchanged.
async fn check_csrf(st: &AppState, ctx: &Ctx, req: Request) -> Result<Request, AppError> {
    let Some(session) = &ctx.session else {
        return Err(AppError::Forbidden);
    };
    let expected = session.csrf_token.as_str();
    if let Some(h) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if cookies::same_secret(h, expected) {
            Ok(req)
        } else {
            Err(AppError::Forbidden)
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Forbidden);
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, st.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return Err(too_large()),
    };
    let token = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned());
    match token {
        Some(t) if cookies::same_secret(&t, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::Forbidden),
    }
}

fn too_large() -> AppError {
    AppError::BadRequest(crate::i18n::tr(crate::i18n::Lang::Nl, "error.413.text"))
}

#[cfg(test)]
mod tests {
    use super::is_cross_site;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header value"));
        }
        h
    }

    #[test]
    fn anonymous_forms_refuse_other_sites_only() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:8080")])));
    }
}
