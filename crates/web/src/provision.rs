//! Creating organisations and accounts outside the web pages: the CLI
//! (`user add`, `demo`) and the test kit use these, with the same
//! validation, hashing and audit entries as the pages.

use crate::auth::password;
use bz_domain::audit::Outcome;
use bz_domain::identity::{NewOrganisation, NewUser};
use bz_store::audit::NewEntry;
use bz_store::org::Organisation;
use bz_store::user::Credentials;
use bz_store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("{0}")]
    Hash(#[from] password::HashError),
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn system_entry(
    action: &'static str,
    object_type: &'static str,
    object_id: String,
    detail: String,
) -> NewEntry {
    NewEntry {
        actor_id: None,
        actor_name: "system (cli)".into(),
        org_id: None,
        action,
        object_type,
        object_id,
        outcome: Outcome::Success,
        detail,
    }
}

/// Find an organisation by name or create it; optionally link municipalities.
pub async fn ensure_org(
    store: &Store,
    o: &NewOrganisation,
    areas: &[String],
) -> Result<Organisation, ProvisionError> {
    let now = now_ms() / 1000;
    let mut tx = store.begin_write().await?;
    let org = match bz_store::org::find_by_name(&mut tx, &o.name).await? {
        Some(org) => org,
        None => {
            let org = bz_store::org::create(&mut tx, o, now).await?;
            bz_store::audit::append(
                &mut tx,
                system_entry(
                    "organisation.create",
                    "organisation",
                    org.id.clone(),
                    format!("{} ({})", org.name, org.org_type.as_str()),
                ),
                now_ms(),
            )
            .await?;
            org
        }
    };
    if !areas.is_empty() {
        bz_store::org::set_areas(&mut tx, &org.id, areas).await?;
    }
    tx.commit().await?;
    Ok(org)
}

/// What to do when the username exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    Fail,
    /// Reset password, second factor, roles and activate (demo refresh).
    Reset,
}

/// Create an account (or reset it, for the demo) with audit entry. Returns the user id.
pub async fn create_user(
    store: &Store,
    org_id: &str,
    u: &NewUser,
    plain_password: &str,
    totp_secret: Option<&str>,
    must_change: bool,
    if_exists: IfExists,
) -> Result<String, ProvisionError> {
    bz_domain::identity::password_policy(plain_password)
        .map_err(|p| ProvisionError::Invalid(format!("password: {p}")))?;
    let hash = password::hash(plain_password)?;
    let now = now_ms() / 1000;
    let mut tx = store.begin_write().await?;
    let existing = bz_store::user::find_by_username_tx(&mut tx, &u.username).await?;
    let id = match (existing, if_exists) {
        (Some(_), IfExists::Fail) => {
            return Err(StoreError::Conflict {
                what: "a user with this username",
            }
            .into());
        }
        (Some(user), IfExists::Reset) => {
            bz_store::user::set_password(&mut tx, &user.id, &hash, must_change, now).await?;
            bz_store::user::set_totp(&mut tx, &user.id, totp_secret, 0, now).await?;
            bz_store::user::set_roles(&mut tx, &user.id, &u.roles).await?;
            bz_store::user::set_active(&mut tx, &user.id, true, now).await?;
            bz_store::audit::append(
                &mut tx,
                system_entry("user.reset", "user", user.id.clone(), u.username.clone()),
                now_ms(),
            )
            .await?;
            user.id
        }
        (None, _) => {
            let id = bz_store::user::create(
                &mut tx,
                org_id,
                u,
                &Credentials {
                    password_hash: &hash,
                    totp_secret,
                    must_change_password: must_change,
                },
                now,
            )
            .await?;
            let roles = u
                .roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(",");
            bz_store::audit::append(
                &mut tx,
                system_entry(
                    "user.create",
                    "user",
                    id.clone(),
                    format!("{} as {roles}", u.username),
                ),
                now_ms(),
            )
            .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

/// Set a new password from the command line (must be changed at next login if `must_change`).
pub async fn set_password(
    store: &Store,
    username: &str,
    plain_password: &str,
    must_change: bool,
) -> Result<(), ProvisionError> {
    bz_domain::identity::password_policy(plain_password)
        .map_err(|p| ProvisionError::Invalid(format!("password: {p}")))?;
    let user = store
        .user_by_username(username)
        .await?
        .ok_or(StoreError::NotFound { what: "user" })?;
    let hash = password::hash(plain_password)?;
    let mut tx = store.begin_write().await?;
    bz_store::user::set_password(&mut tx, &user.id, &hash, must_change, now_ms() / 1000).await?;
    bz_store::user::end_sessions(&mut tx, &user.id).await?;
    bz_store::audit::append(
        &mut tx,
        system_entry(
            "user.password.reset",
            "user",
            user.id.clone(),
            user.username.clone(),
        ),
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivate an account from the command line.
pub async fn disable(store: &Store, username: &str) -> Result<(), ProvisionError> {
    let user = store
        .user_by_username(username)
        .await?
        .ok_or(StoreError::NotFound { what: "user" })?;
    let mut tx = store.begin_write().await?;
    bz_store::user::set_active(&mut tx, &user.id, false, now_ms() / 1000).await?;
    bz_store::audit::append(
        &mut tx,
        system_entry(
            "user.deactivate",
            "user",
            user.id.clone(),
            user.username.clone(),
        ),
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
