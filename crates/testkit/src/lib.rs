//! Test kit: start the real Buitenzicht server on 127.0.0.1:0 against a
//! fresh SQLite file or a fresh PostgreSQL database, with one account per
//! role, and drive it over HTTP like a browser does (cookies, CSRF, TOTP).
//!
//! The database is chosen by `BZ_TEST_DB` (`sqlite`, the default, or
//! `postgres`); for PostgreSQL `BZ_TEST_PG_URL` names a server database
//! (e.g. `postgres://postgres@127.0.0.1:55432/postgres`) in which a new
//! database is created per test app. `scripts/test.sh` starts that server.

use anyhow::{Context, Result, bail};
use bz_domain::identity::{NewOrganisation, NewUser, Role};
use bz_store::Store;
use bz_store::area::GemeenteRow;
use bz_web::provision::{self, IfExists};
use bz_web::{AppState, WebConfig};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery staple";
pub const GEMEENTE: &str = "GM9901";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub fn db_from_env() -> Db {
    match std::env::var("BZ_TEST_DB").as_deref() {
        Ok("postgres") => Db::Postgres,
        _ => Db::Sqlite,
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub username: String,
    pub password: String,
    pub totp_secret: String,
    pub role: Role,
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub store: Store,
    pub db: Db,
    pub url: String,
    pub accounts: Vec<Account>,
    pub org_id: String,
    pub tmp: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A fresh, empty database URL for the configured backend.
pub async fn fresh_database_url(tmp: &std::path::Path) -> Result<(Db, String)> {
    let db = db_from_env();
    match db {
        Db::Sqlite => Ok((db, format!("sqlite://{}", tmp.join("test.db").display()))),
        Db::Postgres => {
            let admin = std::env::var("BZ_TEST_PG_URL")
                .context("BZ_TEST_DB=postgres needs BZ_TEST_PG_URL")?;
            sqlx::any::install_default_drivers();
            let name = format!("bz_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                .await
                .context("connect to the PostgreSQL test server")?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await?;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .context("BZ_TEST_PG_URL has no database part")?;
            Ok((db, format!("{base}/{name}")))
        }
    }
}

impl TestApp {
    /// Start a server with a gemeente, an organisation and one account per role.
    pub async fn spawn() -> Result<TestApp> {
        Self::spawn_with(WebConfig::default()).await
    }

    pub async fn spawn_with(config: WebConfig) -> Result<TestApp> {
        let tmp = tempfile::tempdir()?;
        let (db, url) = fresh_database_url(tmp.path()).await?;
        let store = Store::open(&url).await.context("open store")?;
        let mut tx = store.begin_write().await?;
        bz_store::area::upsert_gemeente(
            &mut tx,
            &GemeenteRow {
                code: GEMEENTE.into(),
                name: "Testgemeente".into(),
                geometry: "[[[[0,0],[1,0],[1,1],[0,0]]]]".into(),
                area_m2: 1.0,
                source: "test".into(),
            },
            0,
        )
        .await?;
        tx.commit().await?;
        let org = provision::ensure_org(
            &store,
            &NewOrganisation::parse("Gemeente Testdorp", "gemeente", GEMEENTE)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            &[GEMEENTE.to_string()],
        )
        .await?;
        let mut accounts = Vec::new();
        for role in Role::ALL {
            let username = format!("test.{}", role.as_str());
            let secret = bz_web::auth::totp::new_secret();
            let u = NewUser::parse(
                &username,
                &format!("Test {}", role.as_str()),
                "",
                &[role.as_str().to_string()],
            )
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            provision::create_user(
                &store,
                &org.id,
                &u,
                PASSWORD,
                Some(&secret),
                false,
                IfExists::Fail,
            )
            .await?;
            accounts.push(Account {
                username,
                password: PASSWORD.into(),
                totp_secret: secret,
                role: *role,
            });
        }
        let state = AppState::new(store.clone(), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let st = state.clone();
        tokio::spawn(async move {
            let _ = bz_web::serve(listener, st, async move {
                let _ = rx.await;
            })
            .await;
        });
        Ok(TestApp {
            base: format!("http://{addr}"),
            state,
            store,
            db,
            url,
            accounts,
            org_id: org.id,
            tmp,
            shutdown: Some(tx),
        })
    }

    /// A user with one role in an organisation of another kind (created when
    /// missing) that works in the test municipality.
    pub async fn user_in(
        &self,
        org_name: &str,
        org_type: &str,
        username: &str,
        role: Role,
    ) -> Result<Account> {
        let org = provision::ensure_org(
            &self.store,
            &NewOrganisation::parse(org_name, org_type, "")
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            &[GEMEENTE.to_string()],
        )
        .await?;
        let secret = bz_web::auth::totp::new_secret();
        provision::create_user(
            &self.store,
            &org.id,
            &NewUser::parse(username, username, "", &[role.as_str().to_string()])
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            PASSWORD,
            Some(&secret),
            false,
            IfExists::Fail,
        )
        .await?;
        Ok(Account {
            username: username.into(),
            password: PASSWORD.into(),
            totp_secret: secret,
            role,
        })
    }

    pub fn account(&self, role: Role) -> &Account {
        self.accounts
            .iter()
            .find(|a| a.role == role)
            .expect("one account per role")
    }

    /// A browser-like client: own cookie jar, no automatic redirects.
    pub fn client(&self) -> Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Client {
            http,
            base: self.base.clone(),
            csrf: None,
        }
    }

    /// The current TOTP code for an account, at a fresh time step (the clock
    /// moves 30 s forward so that a code is never reused within a test).
    pub fn fresh_code(&self, a: &Account) -> String {
        self.state.clock.advance(30);
        bz_web::auth::totp::current_code(&a.totp_secret, self.state.clock.now()).expect("totp code")
    }

    /// Log in with password and second factor; returns a logged-in client.
    pub async fn login(&self, a: &Account) -> Result<Client> {
        let mut c = self.client();
        let r = c.get("/login").await?;
        if r.status != StatusCode::OK {
            bail!("GET /login: {}", r.status);
        }
        let r = c
            .post_form(
                "/login",
                &[("username", &a.username), ("password", &a.password)],
            )
            .await?;
        if r.status != StatusCode::SEE_OTHER
            || r.location().as_deref() != Some("/login/code?volgende=%2F")
        {
            bail!("password step: {} {:?}", r.status, r.location());
        }
        c.get("/login/code").await?;
        let code = self.fresh_code(a);
        let r = c.post_form("/login/code", &[("code", &code)]).await?;
        if r.status != StatusCode::SEE_OTHER {
            bail!("code step: {} {}", r.status, r.body);
        }
        c.get("/").await?;
        Ok(c)
    }
}

/// A response, read completely.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> Option<String> {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// Find the CSRF token in a page (`name="_csrf" value="…"`).
pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let end = html[i..].find('"')?;
    Some(html[i..i + end].to_string())
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    /// The CSRF token from the last page that had one.
    pub csrf: Option<String>,
}

impl Client {
    async fn read(&mut self, r: reqwest::Response) -> Result<Resp> {
        let status = r.status();
        let headers = r.headers().clone();
        let body = r.text().await?;
        if let Some(t) = csrf_in(&body) {
            self.csrf = Some(t);
        }
        Ok(Resp {
            status,
            headers,
            body,
        })
    }

    pub async fn get(&mut self, path: &str) -> Result<Resp> {
        let r = self
            .http
            .get(format!("{}{}", self.base, path))
            .send()
            .await?;
        self.read(r).await
    }

    /// POST a form, adding the current CSRF token.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Result<Resp> {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &token));
        let r = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(&all)
            .send()
            .await?;
        self.read(r).await
    }

    /// POST a form exactly as given (no CSRF token added).
    pub async fn post_raw(
        &mut self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Result<Resp> {
        let r = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await?;
        self.read(r).await
    }

    /// POST JSON with the CSRF token in the `X-CSRF-Token` header.
    pub async fn post_json(
        &mut self,
        path: &str,
        body: &serde_json::Value,
        csrf: Option<&str>,
    ) -> Result<Resp> {
        let mut b = self.http.post(format!("{}{}", self.base, path)).json(body);
        if let Some(t) = csrf {
            b = b.header("x-csrf-token", t);
        }
        let r = b.send().await?;
        self.read(r).await
    }
}
