//! The audit trail (beheerder): newest first, with an on-demand check of
//! the whole hash chain.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n;
use crate::pages::html;
use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use bz_domain::audit::ChainedEntry;
use bz_store::audit::Verification;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

pub struct Row {
    pub seq: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub result: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: PageCtx,
    rows: Vec<Row>,
    older: Option<i64>,
    verification: Option<String>,
    verification_ok: bool,
    total: i64,
    filter: String,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    voor: Option<i64>,
    #[serde(default)]
    controleer: Option<String>,
    #[serde(default)]
    actie: Option<String>,
}

fn row(e: ChainedEntry) -> Row {
    let r = e.record;
    Row {
        seq: r.seq,
        when: i18n::datetime(r.ts_ms / 1000),
        actor: r.actor_name,
        action: r.action,
        object: if r.object_id.is_empty() {
            r.object_type
        } else {
            format!("{} {}", r.object_type, r.object_id)
        },
        result: r.result,
        detail: r.detail,
    }
}

pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let filter: String = q
        .actie
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
        .take(64)
        .collect();
    let entries = st
        .store
        .audit_page(PAGE_SIZE + 1, q.voor, Some(&filter))
        .await?;
    let older = if entries.len() as i64 > PAGE_SIZE {
        entries.get(PAGE_SIZE as usize - 1).map(|e| e.record.seq)
    } else {
        None
    };
    let rows = entries
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(row)
        .collect();
    let (verification, verification_ok) = if q.controleer.is_some() {
        match st.store.audit_verify().await? {
            Verification::Intact { entries } => (
                Some(i18n::tr_args(
                    ctx.lang,
                    "audit.intact",
                    &[("n", &i18n::number(ctx.lang, entries as i64))],
                )),
                true,
            ),
            Verification::Broken(b) => (
                Some(i18n::tr_args(
                    ctx.lang,
                    "audit.broken",
                    &[("seq", &b.seq().to_string()), ("reason", &b.to_string())],
                )),
                false,
            ),
        }
    } else {
        (None, true)
    };
    let total = st.store.audit_count().await?;
    html(&AuditPage {
        page: ctx.page("audit.title"),
        rows,
        older,
        verification,
        verification_ok,
        total,
        filter,
    })
}
