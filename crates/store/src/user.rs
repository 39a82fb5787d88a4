//! User accounts, their roles, passwords, second factor and login throttle.

use crate::{Result, Store, StoreError, WriteTx, flag, new_id};
use bz_domain::identity::{NewUser, Role};
use bz_domain::throttle::Throttle;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
    pub active: bool,
    pub throttle: Throttle,
    pub roles: Vec<Role>,
    pub created_at: i64,
    pub updated_at: i64,
}

// Secrets stay out of logs and debug output.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("org_id", &self.org_id)
            .field("roles", &self.roles)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

fn from_row(row: &AnyRow, roles: Vec<Role>) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        totp_secret: row.try_get("totp_secret")?,
        totp_last_step: row.try_get("totp_last_step")?,
        active: row.try_get::<i64, _>("active")? != 0,
        throttle: Throttle {
            failures: row.try_get("failed_logins")?,
            locked_until: row.try_get("locked_until")?,
        },
        roles,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn parse_roles(rows: &[AnyRow]) -> Result<Vec<Role>> {
    let mut roles = rows
        .iter()
        .map(|r| {
            let s: String = r.try_get("role")?;
            s.parse::<Role>()
                .map_err(|_| StoreError::Corrupt(format!("unknown role {s:?}")))
        })
        .collect::<Result<Vec<_>>>()?;
    roles.sort();
    Ok(roles)
}

/// Fields of a new account besides the validated [`NewUser`].
pub struct Credentials<'a> {
    pub password_hash: &'a str,
    pub totp_secret: Option<&'a str>,
    pub must_change_password: bool,
}

pub async fn create(
    tx: &mut WriteTx,
    org_id: &str,
    u: &NewUser,
    c: &Credentials<'_>,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO users (id, org_id, username, display_name, email, password_hash, must_change_password, totp_secret, totp_last_step, active, failed_logins, locked_until, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 1, 0, NULL, $9, $9)",
    )
    .bind(id.clone())
    .bind(org_id.to_string())
    .bind(u.username.clone())
    .bind(u.display_name.clone())
    .bind(u.email.clone())
    .bind(c.password_hash.to_string())
    .bind(flag(c.must_change_password))
    .bind(c.totp_secret.map(str::to_string))
    .bind(now)
    .execute(tx.conn())
    .await
    .map_err(|e| StoreError::conflict_or(e, "a user with this username"))?;
    set_roles(tx, &id, &u.roles).await?;
    Ok(id)
}

pub async fn set_roles(tx: &mut WriteTx, user_id: &str, roles: &[Role]) -> Result<()> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id.to_string())
        .execute(tx.conn())
        .await?;
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id.to_string())
            .bind(r.as_str())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// Set a new password hash; `must_change` forces a change at next login.
pub async fn set_password(
    tx: &mut WriteTx,
    user_id: &str,
    hash: &str,
    must_change: bool,
    now: i64,
) -> Result<()> {
    let r = sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = NULL, updated_at = $3 WHERE id = $4")
        .bind(hash.to_string())
        .bind(flag(must_change))
        .bind(now)
        .bind(user_id.to_string())
        .execute(tx.conn())
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound { what: "user" });
    }
    Ok(())
}

/// Activate or deactivate an account. Deactivation ends all its sessions.
pub async fn set_active(tx: &mut WriteTx, user_id: &str, active: bool, now: i64) -> Result<()> {
    let r = sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(flag(active))
        .bind(now)
        .bind(user_id.to_string())
        .execute(tx.conn())
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound { what: "user" });
    }
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// Store (or clear) the TOTP secret of an account.
pub async fn set_totp(
    tx: &mut WriteTx,
    user_id: &str,
    secret: Option<&str>,
    last_step: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(secret.map(str::to_string))
    .bind(last_step)
    .bind(now)
    .bind(user_id.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn find_by_username_tx(tx: &mut WriteTx, username: &str) -> Result<Option<User>> {
    let row = sqlx::query("SELECT * FROM users WHERE username = $1")
        .bind(username.to_string())
        .fetch_optional(tx.conn())
        .await?;
    match row {
        Some(row) => {
            let id: String = row.try_get("id")?;
            let roles = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
                .bind(id)
                .fetch_all(tx.conn())
                .await?;
            Ok(Some(from_row(&row, parse_roles(&roles)?)?))
        }
        None => Ok(None),
    }
}

/// A row of the user list, with the organisation's name.
#[derive(Debug, Clone)]
pub struct UserListing {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub org_id: String,
    pub org_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub enrolled: bool,
    pub locked: bool,
}

impl Store {
    async fn load(&self, row: Option<AnyRow>) -> Result<Option<User>> {
        match row {
            Some(row) => {
                let id: String = row.try_get("id")?;
                let roles = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
                    .bind(id)
                    .fetch_all(self.pool())
                    .await?;
                Ok(Some(from_row(&row, parse_roles(&roles)?)?))
            }
            None => Ok(None),
        }
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username.to_string())
            .fetch_optional(self.pool())
            .await?;
        self.load(row).await
    }

    pub async fn user(&self, id: &str) -> Result<User> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        self.load(row)
            .await?
            .ok_or(StoreError::NotFound { what: "user" })
    }

    pub async fn users(&self, now: i64) -> Result<Vec<UserListing>> {
        let rows = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.org_id, o.name AS org_name, u.active, u.totp_secret, u.locked_until \
             FROM users u JOIN organisations o ON o.id = u.org_id ORDER BY o.name, u.username",
        )
        .fetch_all(self.pool())
        .await?;
        let role_rows = sqlx::query("SELECT user_id, role FROM user_roles")
            .fetch_all(self.pool())
            .await?;
        let mut roles_of: std::collections::HashMap<String, Vec<Role>> =
            std::collections::HashMap::new();
        for rr in &role_rows {
            let s: String = rr.try_get("role")?;
            let role = s
                .parse::<Role>()
                .map_err(|_| StoreError::Corrupt(format!("unknown role {s:?}")))?;
            roles_of
                .entry(rr.try_get("user_id")?)
                .or_default()
                .push(role);
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get("id")?;
            let mut roles = roles_of.remove(&id).unwrap_or_default();
            roles.sort();
            let locked_until: Option<i64> = r.try_get("locked_until")?;
            out.push(UserListing {
                id,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
                org_id: r.try_get("org_id")?,
                org_name: r.try_get("org_name")?,
                roles,
                active: r.try_get::<i64, _>("active")? != 0,
                enrolled: r.try_get::<Option<String>, _>("totp_secret")?.is_some(),
                locked: locked_until.is_some_and(|t| now < t),
            });
        }
        Ok(out)
    }

    /// Store the throttle state after a login attempt.
    pub async fn set_throttle(
        &self,
        user_id: &str,
        t: bz_domain::throttle::Throttle,
    ) -> Result<()> {
        sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(t.failures)
            .bind(t.locked_until)
            .bind(user_id.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Accept a TOTP time step only once: succeeds if `step` is newer than the last one used.
    pub async fn claim_totp_step(&self, user_id: &str, step: i64) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(user_id.to_string())
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }
}

/// End every session of an account (after a password or second-factor reset).
pub async fn end_sessions(tx: &mut WriteTx, user_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}
