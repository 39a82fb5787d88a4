//! Administration of users (beheerder): create, reset password or second
//! factor, deactivate and reactivate. Every change is audited in the same
//! transaction; viewing the user list is audited as access to personal data.

use crate::AppState;
use crate::auth::password;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::orgs::Choice;
use crate::pages::{FieldError, error_for, field_errors, html};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bz_domain::audit::Outcome;
use bz_domain::identity::{NewUser, Role};
use bz_store::StoreError;
use bz_store::audit::NewEntry;
use bz_store::user::{Credentials, User, UserListing};

pub struct OrgChoice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: PageCtx,
    users: Vec<UserListing>,
    orgs: Vec<OrgChoice>,
    roles: Vec<Choice>,
    form: NewUserForm,
    errors: Vec<FieldError>,
}

impl UsersPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    fn role_names(&self, roles: &[Role]) -> String {
        roles
            .iter()
            .map(|r| self.page.t(&format!("role.{}", r.as_str())))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Default, Clone)]
pub struct NewUserForm {
    pub org_id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<String>,
}

impl NewUserForm {
    fn parse(body: &[u8]) -> NewUserForm {
        let mut f = NewUserForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "org_id" => f.org_id = v.into_owned(),
                "username" => f.username = v.into_owned(),
                "display_name" => f.display_name = v.into_owned(),
                "email" => f.email = v.into_owned(),
                "roles" => f.roles.push(v.into_owned()),
                _ => {}
            }
        }
        f
    }
}

fn audit_entry(ctx: &Ctx, action: &'static str, object_id: &str, detail: String) -> NewEntry {
    let s = ctx.subject.as_ref();
    NewEntry {
        actor_id: s.map(|s| s.user_id.clone()),
        actor_name: s.map(|s| s.username.clone()).unwrap_or_default(),
        org_id: s.map(|s| s.org_id.clone()),
        action,
        object_type: "user",
        object_id: object_id.to_string(),
        outcome: Outcome::Success,
        detail,
    }
}

async fn render_list(
    st: &AppState,
    ctx: &Ctx,
    form: NewUserForm,
    errors: Vec<FieldError>,
) -> Result<UsersPage, AppError> {
    let users = st.store.users(st.clock.now()).await?;
    st.store
        .audit(
            audit_entry(ctx, "user.list.view", "", format!("{} users", users.len())),
            st.clock.now_ms(),
        )
        .await?;
    let orgs = st
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| OrgChoice {
            selected: o.id == form.org_id,
            id: o.id,
            name: o.name,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str(),
            label: ctx.t(&format!("role.{}", r.as_str())),
            selected: form.roles.iter().any(|x| x == r.as_str()),
        })
        .collect();
    Ok(UsersPage {
        page: ctx.page("users.title"),
        users,
        orgs,
        roles,
        form,
        errors,
    })
}

pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    html(&render_list(&st, &ctx, NewUserForm::default(), Vec::new()).await?)
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    page: PageCtx,
    user: User,
    org: String,
    roles: String,
    locked: bool,
    is_self: bool,
    notice: Option<String>,
    temp_password: Option<String>,
}

async fn render_user(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    notice: Option<String>,
    temp_password: Option<String>,
) -> Result<Response, AppError> {
    let user = st.store.user(id).await?;
    st.store
        .audit(
            audit_entry(ctx, "user.view", &user.id, String::new()),
            st.clock.now_ms(),
        )
        .await?;
    let org = st.store.organisation(&user.org_id).await?.name;
    let roles = user
        .roles
        .iter()
        .map(|r| ctx.t(&format!("role.{}", r.as_str())))
        .collect::<Vec<_>>()
        .join(", ");
    let page = UserPage {
        page: ctx.page("user.title"),
        locked: user.throttle.is_locked(st.clock.now()),
        is_self: ctx.subject.as_ref().is_some_and(|s| s.user_id == user.id),
        user,
        org,
        roles,
        notice,
        temp_password,
    };
    html(&page)
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    render_user(&st, &ctx, &id, None, None).await
}

async fn hash_blocking(pw: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = NewUserForm::parse(&body);
    let mut errors = Vec::new();
    let org = if form.org_id.is_empty() {
        errors.push(FieldError {
            field: "org_id".into(),
            message: ctx.t("err.required"),
        });
        None
    } else {
        match st.store.organisation(&form.org_id).await {
            Ok(o) => Some(o),
            Err(StoreError::NotFound { .. }) => {
                errors.push(FieldError {
                    field: "org_id".into(),
                    message: ctx.t("err.unknown_value"),
                });
                None
            }
            Err(e) => return Err(e.into()),
        }
    };
    let parsed = NewUser::parse(&form.username, &form.display_name, &form.email, &form.roles);
    match (&parsed, org) {
        (Ok(u), Some(org)) if errors.is_empty() => {
            let temp = password::generate();
            let hash = hash_blocking(temp.clone()).await?;
            let now = st.clock.now();
            let mut tx = st.store.begin_write().await?;
            let created = bz_store::user::create(
                &mut tx,
                &org.id,
                u,
                &Credentials {
                    password_hash: &hash,
                    totp_secret: None,
                    must_change_password: true,
                },
                now,
            )
            .await;
            match created {
                Ok(id) => {
                    let roles = u
                        .roles
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(",");
                    bz_store::audit::append(
                        &mut tx,
                        audit_entry(
                            &ctx,
                            "user.create",
                            &id,
                            format!("{} in {} as {roles}", u.username, org.name),
                        ),
                        st.clock.now_ms(),
                    )
                    .await?;
                    tx.commit().await?;
                    return render_user(&st, &ctx, &id, Some(ctx.t("user.created")), Some(temp))
                        .await;
                }
                Err(StoreError::Conflict { .. }) => errors.push(FieldError {
                    field: "username".into(),
                    message: ctx.t("err.username_taken"),
                }),
                Err(e) => return Err(e.into()),
            }
        }
        _ => {}
    }
    if let Err(errs) = parsed {
        errors.extend(field_errors(ctx.lang, &errs));
    }
    let p = render_list(&st, &ctx, form, errors).await?;
    html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

pub async fn reset_password(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = st.store.user(&id).await?;
    let temp = password::generate();
    let hash = hash_blocking(temp.clone()).await?;
    let mut tx = st.store.begin_write().await?;
    bz_store::user::set_password(&mut tx, &user.id, &hash, true, st.clock.now()).await?;
    // A reset ends the user's sessions: whoever held the old password is out.
    bz_store::user::end_sessions(&mut tx, &user.id).await?;
    bz_store::audit::append(
        &mut tx,
        audit_entry(&ctx, "user.password.reset", &user.id, user.username.clone()),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    render_user(
        &st,
        &ctx,
        &id,
        Some(ctx.t("user.password_reset")),
        Some(temp),
    )
    .await
}

pub async fn reset_totp(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = st.store.user(&id).await?;
    let mut tx = st.store.begin_write().await?;
    bz_store::user::set_totp(&mut tx, &user.id, None, 0, st.clock.now()).await?;
    bz_store::user::end_sessions(&mut tx, &user.id).await?;
    bz_store::audit::append(
        &mut tx,
        audit_entry(
            &ctx,
            "user.second_factor.reset",
            &user.id,
            user.username.clone(),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    render_user(&st, &ctx, &id, Some(ctx.t("user.totp_reset")), None).await
}

async fn set_active(
    st: AppState,
    ctx: Ctx,
    id: String,
    active: bool,
) -> Result<Response, AppError> {
    let user = st.store.user(&id).await?;
    if !active && ctx.subject.as_ref().is_some_and(|s| s.user_id == user.id) {
        return Err(AppError::BadRequest(ctx.t("users.cannot_deactivate_self")));
    }
    let mut tx = st.store.begin_write().await?;
    bz_store::user::set_active(&mut tx, &user.id, active, st.clock.now()).await?;
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    bz_store::audit::append(
        &mut tx,
        audit_entry(&ctx, action, &user.id, user.username.clone()),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    let key = if active {
        "user.activated"
    } else {
        "user.deactivated"
    };
    render_user(&st, &ctx, &id, Some(ctx.t(key)), None).await
}

pub async fn deactivate(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_active(st, ctx, id, false).await
}

pub async fn activate(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_active(st, ctx, id, true).await
}
