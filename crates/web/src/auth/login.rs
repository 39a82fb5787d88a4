//! The login pages: password, second factor, first-time enrolment, logout.
//!
//! Every step gets a new session id. Failed attempts count against the
//! account (never the client address); after five the account locks for
//! fifteen minutes. Messages never reveal whether an account exists.

use crate::AppState;
use crate::auth::{cookies, password, totp};
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::{html, local_path};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::audit::Outcome;
use bz_domain::session::Stage;
use bz_store::audit::NewEntry;
use bz_store::session::SessionRow;
use bz_store::user::User;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    pub volgende: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    page: PageCtx,
    next: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "login_enrol.html")]
struct EnrolPage {
    page: PageCtx,
    next: String,
    secret: String,
    qr: String,
    error: Option<String>,
}

fn new_session(
    stage: Stage,
    user_id: Option<String>,
    pending: Option<String>,
    now: i64,
) -> (String, SessionRow) {
    let token = cookies::random_token();
    let row = SessionRow {
        id_hash: cookies::hash_token(&token),
        stage,
        user_id,
        csrf_token: cookies::random_token(),
        pending_totp_secret: pending,
        created_at: now,
        last_seen_at: now,
    };
    (token, row)
}

/// Replace the current session (if any) by a new one and set its cookie.
async fn rotate(
    st: &AppState,
    ctx: &Ctx,
    stage: Stage,
    user_id: Option<String>,
    pending: Option<String>,
) -> Result<(String, SessionRow), AppError> {
    let now = st.clock.now();
    let (token, row) = new_session(stage, user_id, pending, now);
    match &ctx.session {
        Some(old) => st.store.rotate_session(&old.id_hash, &row).await?,
        None => st.store.insert_session(&row).await?,
    }
    Ok((cookies::set_session(&token, st.config.tls), row))
}

fn with_cookie(cookie: String, r: impl IntoResponse) -> Response {
    let mut r = r.into_response();
    if let Ok(v) = cookie.parse() {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

fn next_of(q: Option<String>) -> String {
    q.as_deref().and_then(local_path).unwrap_or("/").to_string()
}

async fn log(
    st: &AppState,
    user: Option<&User>,
    name: &str,
    action: &'static str,
    outcome: Outcome,
    detail: &str,
) -> Result<(), AppError> {
    st.store
        .audit(
            NewEntry {
                actor_id: user.map(|u| u.id.clone()),
                actor_name: user
                    .map(|u| u.username.clone())
                    .unwrap_or_else(|| name.chars().take(64).collect()),
                org_id: user.map(|u| u.org_id.clone()),
                action,
                object_type: "user",
                object_id: user.map(|u| u.id.clone()).unwrap_or_default(),
                outcome,
                detail: detail.to_string(),
            },
            st.clock.now_ms(),
        )
        .await?;
    Ok(())
}

pub async fn form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if ctx.subject.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let next = next_of(q.volgende);
    // A login form needs a (pre-login) session for its CSRF token.
    let (cookie, session) = match &ctx.session {
        Some(s) if s.stage == Stage::Anonymous => (None, s.clone()),
        _ => {
            let (c, row) = rotate(&st, &ctx, Stage::Anonymous, None, None).await?;
            (Some(c), row)
        }
    };
    let mut ctx = ctx;
    ctx.session = Some(session);
    let page = LoginPage {
        page: ctx.page("login.title"),
        next,
        username: String::new(),
        error: None,
    };
    let r = html(&page)?;
    Ok(match cookie {
        Some(c) => with_cookie(c, r),
        None => r,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    volgende: Option<String>,
}

pub async fn submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let now = st.clock.now();
    let next = next_of(f.volgende);
    let username = f.username.trim().to_lowercase();
    let fail = |ctx: &Ctx, username: &str, next: &str| {
        let page = LoginPage {
            page: ctx.page("login.title"),
            next: next.to_string(),
            username: username.to_string(),
            error: Some(ctx.t("login.failed")),
        };
        html(&page).map(|r| (axum::http::StatusCode::UNAUTHORIZED, r).into_response())
    };
    if username.is_empty()
        || f.password.is_empty()
        || f.password.len() > bz_domain::identity::MAX_PASSWORD_BYTES
    {
        return fail(&ctx, &username, &next);
    }
    let user = st.store.user_by_username(&username).await?;
    let Some(user) = user else {
        let pw = f.password.clone();
        let _ = tokio::task::spawn_blocking(move || password::verify(&pw, password::dummy_hash()))
            .await;
        log(
            &st,
            None,
            &username,
            "login.password",
            Outcome::Failure,
            "unknown account",
        )
        .await?;
        return fail(&ctx, &username, &next);
    };
    if user.throttle.is_locked(now) {
        log(
            &st,
            Some(&user),
            &username,
            "login.password",
            Outcome::Denied,
            "account locked",
        )
        .await?;
        return fail(&ctx, &username, &next);
    }
    let (pw, hash) = (f.password.clone(), user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || password::verify(&pw, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !ok || !user.active {
        let t = user.throttle.after_failure(now);
        st.store.set_throttle(&user.id, t).await?;
        let why = if !ok {
            "wrong password"
        } else {
            "account deactivated"
        };
        let detail = if t.is_locked(now) {
            format!("{why}; account locked")
        } else {
            why.to_string()
        };
        log(
            &st,
            Some(&user),
            &username,
            "login.password",
            Outcome::Failure,
            &detail,
        )
        .await?;
        return fail(&ctx, &username, &next);
    }
    let q: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    if user.totp_secret.is_some() {
        let (cookie, _) =
            rotate(&st, &ctx, Stage::PendingTotp, Some(user.id.clone()), None).await?;
        Ok(with_cookie(
            cookie,
            Redirect::to(&format!("/login/code?volgende={q}")),
        ))
    } else {
        let (cookie, _) = rotate(
            &st,
            &ctx,
            Stage::PendingEnrolment,
            Some(user.id.clone()),
            Some(totp::new_secret()),
        )
        .await?;
        Ok(with_cookie(
            cookie,
            Redirect::to(&format!("/login/koppelen?volgende={q}")),
        ))
    }
}

/// The user of a session in the given pending stage, or a redirect to the start.
async fn pending_user(
    st: &AppState,
    ctx: &Ctx,
    stage: Stage,
) -> Result<Result<User, Response>, AppError> {
    let Some(s) = ctx.session.as_ref().filter(|s| s.stage == stage) else {
        return Ok(Err(Redirect::to("/login").into_response()));
    };
    let Some(uid) = &s.user_id else {
        return Ok(Err(Redirect::to("/login").into_response()));
    };
    Ok(Ok(st.store.user(uid).await?))
}

pub async fn code_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if let Err(r) = pending_user(&st, &ctx, Stage::PendingTotp).await? {
        return Ok(r);
    }
    html(&CodePage {
        page: ctx.page("login.code_title"),
        next: next_of(q.volgende),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    volgende: Option<String>,
}

/// Finish a login: new session id, throttle reset, audit entry, on to the page.
async fn complete(st: &AppState, ctx: &Ctx, user: &User, next: &str) -> Result<Response, AppError> {
    st.store
        .set_throttle(&user.id, user.throttle.after_success())
        .await?;
    let stage = if user.must_change_password {
        Stage::MustChangePassword
    } else {
        Stage::Authenticated
    };
    let (cookie, _) = rotate(st, ctx, stage, Some(user.id.clone()), None).await?;
    log(
        st,
        Some(user),
        &user.username,
        "login.success",
        Outcome::Success,
        "",
    )
    .await?;
    let to = if user.must_change_password {
        "/account"
    } else {
        next
    };
    Ok(with_cookie(cookie, Redirect::to(to)))
}

async fn code_failed(st: &AppState, user: &User, now: i64, what: &str) -> Result<(), AppError> {
    let t = user.throttle.after_failure(now);
    st.store.set_throttle(&user.id, t).await?;
    let detail = if t.is_locked(now) {
        format!("{what}; account locked")
    } else {
        what.to_string()
    };
    log(
        st,
        Some(user),
        &user.username,
        "login.second_factor",
        Outcome::Failure,
        &detail,
    )
    .await
}

pub async fn code_submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let now = st.clock.now();
    let user = match pending_user(&st, &ctx, Stage::PendingTotp).await? {
        Ok(u) => u,
        Err(r) => return Ok(r),
    };
    let next = next_of(f.volgende);
    let again = |ctx: &Ctx| {
        let page = CodePage {
            page: ctx.page("login.code_title"),
            next: next.clone(),
            error: Some(ctx.t("login.code_failed")),
        };
        html(&page).map(|r| (axum::http::StatusCode::UNAUTHORIZED, r).into_response())
    };
    if user.throttle.is_locked(now) || !user.active {
        log(
            &st,
            Some(&user),
            &user.username,
            "login.second_factor",
            Outcome::Denied,
            "account locked or deactivated",
        )
        .await?;
        return again(&ctx);
    }
    let step = user
        .totp_secret
        .as_deref()
        .and_then(|s| totp::check(s, &f.code, now));
    match step {
        Some(step) if st.store.claim_totp_step(&user.id, step).await? => {
            complete(&st, &ctx, &user, &next).await
        }
        Some(_) => {
            code_failed(&st, &user, now, "code already used").await?;
            again(&ctx)
        }
        None => {
            code_failed(&st, &user, now, "wrong code").await?;
            again(&ctx)
        }
    }
}

fn enrol_page(
    ctx: &Ctx,
    user: &User,
    secret: &str,
    next: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let url = totp::otpauth_url(secret, &user.username)
        .ok_or_else(|| AppError::Internal("otpauth url".into()))?;
    let qr = totp::qr_svg(&url, &ctx.t("enrol.qr_alt"))
        .ok_or_else(|| AppError::Internal("qr code".into()))?;
    let status = if error.is_some() {
        axum::http::StatusCode::UNAUTHORIZED
    } else {
        axum::http::StatusCode::OK
    };
    let page = EnrolPage {
        page: ctx.page("enrol.title"),
        next,
        secret: secret.to_string(),
        qr,
        error,
    };
    html(&page).map(|r| (status, r).into_response())
}

pub async fn enrol_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let user = match pending_user(&st, &ctx, Stage::PendingEnrolment).await? {
        Ok(u) => u,
        Err(r) => return Ok(r),
    };
    let secret = ctx
        .session
        .as_ref()
        .and_then(|s| s.pending_totp_secret.clone())
        .ok_or(AppError::Forbidden)?;
    enrol_page(&ctx, &user, &secret, next_of(q.volgende), None)
}

pub async fn enrol_submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<CodeForm>,
) -> Result<Response, AppError> {
    let now = st.clock.now();
    let user = match pending_user(&st, &ctx, Stage::PendingEnrolment).await? {
        Ok(u) => u,
        Err(r) => return Ok(r),
    };
    let secret = ctx
        .session
        .as_ref()
        .and_then(|s| s.pending_totp_secret.clone())
        .ok_or(AppError::Forbidden)?;
    let next = next_of(f.volgende);
    if user.throttle.is_locked(now) || !user.active {
        return enrol_page(&ctx, &user, &secret, next, Some(ctx.t("login.code_failed")));
    }
    match totp::check(&secret, &f.code, now) {
        Some(step) => {
            let mut tx = st.store.begin_write().await?;
            bz_store::user::set_totp(&mut tx, &user.id, Some(&secret), step, now).await?;
            bz_store::audit::append(
                &mut tx,
                NewEntry {
                    actor_id: Some(user.id.clone()),
                    actor_name: user.username.clone(),
                    org_id: Some(user.org_id.clone()),
                    action: "user.second_factor.enrol",
                    object_type: "user",
                    object_id: user.id.clone(),
                    outcome: Outcome::Success,
                    detail: String::new(),
                },
                st.clock.now_ms(),
            )
            .await?;
            tx.commit().await?;
            complete(&st, &ctx, &user, &next).await
        }
        None => {
            code_failed(&st, &user, now, "wrong code at enrolment").await?;
            enrol_page(&ctx, &user, &secret, next, Some(ctx.t("login.code_failed")))
        }
    }
}

pub async fn logout(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    if let Some(s) = &ctx.session {
        st.store.delete_session(&s.id_hash).await?;
    }
    if let Some(subj) = &ctx.subject {
        st.store
            .audit(
                NewEntry {
                    actor_id: Some(subj.user_id.clone()),
                    actor_name: subj.username.clone(),
                    org_id: Some(subj.org_id.clone()),
                    action: "logout",
                    object_type: "user",
                    object_id: subj.user_id.clone(),
                    outcome: Outcome::Success,
                    detail: String::new(),
                },
                st.clock.now_ms(),
            )
            .await?;
    }
    Ok(with_cookie(
        cookies::clear_session(st.config.tls),
        Redirect::to("/login"),
    ))
}
