//! The own account: who am I, and change my password (required after a reset).

use crate::AppState;
use crate::auth::password;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::{FieldError, error_for, html};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bz_domain::audit::Outcome;
use bz_domain::identity::password_policy;
use bz_domain::session::Stage;
use bz_store::audit::NewEntry;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageCtx,
    username: String,
    display_name: String,
    org: String,
    roles: Vec<String>,
    must_change: bool,
    errors: Vec<FieldError>,
    saved: bool,
}

impl AccountPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
}

async fn page(
    st: &AppState,
    ctx: &Ctx,
    errors: Vec<FieldError>,
    saved: bool,
) -> Result<AccountPage, AppError> {
    let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let user = st.store.user(&subject.user_id).await?;
    let org = st.store.organisation(&user.org_id).await?;
    Ok(AccountPage {
        page: ctx.page("account.title"),
        username: user.username,
        display_name: user.display_name,
        org: org.name,
        roles: user
            .roles
            .iter()
            .map(|r| ctx.t(&format!("role.{}", r.as_str())))
            .collect(),
        must_change: ctx
            .session
            .as_ref()
            .is_some_and(|s| s.stage == Stage::MustChangePassword),
        errors,
        saved,
    })
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    html(&page(&st, &ctx, Vec::new(), false).await?)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let user = st.store.user(&subject.user_id).await?;
    let mut errors = Vec::new();
    let (cur, hash) = (f.current.clone(), user.password_hash.clone());
    let current_ok = f.current.len() <= bz_domain::identity::MAX_PASSWORD_BYTES
        && tokio::task::spawn_blocking(move || password::verify(&cur, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    if !current_ok {
        errors.push(FieldError {
            field: "current".into(),
            message: ctx.t("account.current_wrong"),
        });
    }
    if let Err(p) = password_policy(&f.new) {
        errors.push(FieldError {
            field: "new".into(),
            message: ctx.t(p.message_key()),
        });
    } else if f.new == f.current {
        errors.push(FieldError {
            field: "new".into(),
            message: ctx.t("account.same_password"),
        });
    }
    if f.new != f.confirm {
        errors.push(FieldError {
            field: "confirm".into(),
            message: ctx.t("account.confirm_mismatch"),
        });
    }
    if !errors.is_empty() {
        let p = page(&st, &ctx, errors, false).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    let new = f.new.clone();
    let new_hash = tokio::task::spawn_blocking(move || password::hash(&new))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let now = st.clock.now();
    let mut tx = st.store.begin_write().await?;
    bz_store::user::set_password(&mut tx, &user.id, &new_hash, false, now).await?;
    bz_store::audit::append(
        &mut tx,
        NewEntry {
            actor_id: Some(user.id.clone()),
            actor_name: user.username.clone(),
            org_id: Some(user.org_id.clone()),
            action: "user.password.change",
            object_type: "user",
            object_id: user.id.clone(),
            outcome: Outcome::Success,
            detail: String::new(),
        },
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    let mut ctx = ctx;
    if let Some(s) = ctx.session.as_mut()
        && s.stage == Stage::MustChangePassword
    {
        st.store
            .update_session_stage(&s.id_hash, Stage::Authenticated, None)
            .await?;
        s.stage = Stage::Authenticated;
    }
    html(&page(&st, &ctx, Vec::new(), true).await?)
}
