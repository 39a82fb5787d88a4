//! The language switch: remembers the choice in a cookie and goes back.

use crate::AppState;
use crate::auth::cookies;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::local_path;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Back {
    #[serde(default)]
    terug: Option<String>,
}

pub async fn switch(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Back>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let back = q.terug.as_deref().and_then(local_path).unwrap_or("/");
    let mut r = Redirect::to(back).into_response();
    let cookie = cookies::set_lang(lang.code(), st.config.tls)
        .parse()
        .map_err(|_| AppError::Internal("cookie".into()))?;
    r.headers_mut().append(SET_COOKIE, cookie);
    Ok(r)
}
