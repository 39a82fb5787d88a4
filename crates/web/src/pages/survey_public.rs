//! The public survey form `/enquete`: enter the code from the letter (or
//! scan its QR code), answer page by page with skip logic, save and continue
//! later with the same code, send. No login, no cookie: the code travels in
//! the form (a POST body, never a URL after the first visit). An unknown,
//! used or closed code gets the same page and text, so nobody learns which
//! codes exist. The response is stored without the code, a random id and
//! the day only (see `bz_store::survey::complete`).

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::deboerop::FormFields;
use crate::pages::html;
use crate::pages::survey_form::{ItemView, Shown, page_items, read_page, survey_lang};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use bz_survey::codes::InvitationCode;
use bz_survey::{Answers, Definition};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "survey_code.html")]
struct CodePage {
    page: PageCtx,
    code: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "survey_unavailable.html")]
struct UnavailablePage {
    page: PageCtx,
}

#[derive(Template)]
#[template(path = "survey_page.html")]
struct FormPage {
    page: PageCtx,
    title: String,
    code: String,
    index: usize,
    count: usize,
    heading: String,
    items: Vec<ItemView>,
    errors: Vec<(String, String)>,
    last: bool,
    /// An answer on this page made follow-up questions appear on it.
    added: bool,
}

#[derive(Template)]
#[template(path = "survey_done.html")]
struct DonePage {
    page: PageCtx,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct CodeQuery {
    #[serde(default)]
    code: Option<String>,
}

fn code_page(ctx: &Ctx, code: String, error: Option<String>) -> Result<Response, AppError> {
    html(&CodePage {
        page: ctx.page("survey.public_title"),
        code,
        error,
    })
}

/// `GET /enquete` (also `?code=…` from the QR code on the letter).
pub async fn start(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<CodeQuery>,
) -> Result<Response, AppError> {
    match q.code {
        Some(c) if !c.trim().is_empty() => answer(&st, &ctx, &c, None, "start", 0).await,
        _ => code_page(&ctx, String::new(), None),
    }
}

/// `POST /enquete`: a code, or a page of answers (`step`: next, back, save, send).
pub async fn submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = FormFields::parse(&body);
    let step = f.one("step");
    let index: usize = f.one("page").parse().unwrap_or(0);
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    answer(
        &st,
        &ctx,
        &f.one("code"),
        Some(&fields),
        if step.is_empty() { "start" } else { &step },
        index,
    )
    .await
}

async fn answer(
    st: &AppState,
    ctx: &Ctx,
    raw_code: &str,
    fields: Option<&[(String, String)]>,
    step: &str,
    index: usize,
) -> Result<Response, AppError> {
    let lang = survey_lang(ctx.lang);
    // A typing error is caught by the code's check character, without a lookup.
    let code = match InvitationCode::parse(raw_code) {
        Ok(c) => c,
        Err(e) => {
            let msg = if ctx.lang == crate::i18n::Lang::Nl {
                e.message_nl()
            } else {
                e.message_en()
            };
            return code_page(ctx, raw_code.trim().to_string(), Some(msg));
        }
    };
    let today = st.clock.today().to_string();
    let Some(open) = st.store.open_code(code.as_str(), &today).await? else {
        return html(&UnavailablePage {
            page: ctx.page("survey.unavailable_title"),
        });
    };
    let def = Definition::parse(&open.survey.definition)
        .map_err(|e| AppError::Internal(format!("survey {}: {e}", open.survey.id)))?;
    let mut answers: Answers = open
        .draft
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let pages_before = def.visible_pages(&answers);
    let mut index = index.min(pages_before.len().saturating_sub(1));
    let mut errors = Vec::new();
    let mut added = false;
    if let (Some(fields), true, Some(page)) = (fields, step != "start", pages_before.get(index)) {
        let shown_before = def.relevance(&answers);
        errors = read_page(&def, page, fields, &mut answers);
        // Skip logic within the page: without JavaScript the follow-up
        // questions that an answer on this page calls up are shown by
        // staying on the page once, so they are never skipped unseen.
        let shown_after = def.relevance(&answers);
        let forward = matches!(step, "next" | "send");
        added = forward
            && def
                .page_questions(page)
                .iter()
                .any(|&qi| shown_after[qi] && !shown_before[qi]);
        if errors.is_empty() && forward && !added {
            errors = def.validate_page(page, &answers);
        }
    }
    // Answers of questions that are now hidden are dropped.
    answers = def.clean(&answers);
    let pages = def.visible_pages(&answers);
    let json = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
    if step != "start" {
        let mut tx = st.store.begin_write().await?;
        bz_store::survey::save_draft(&mut tx, code.as_str(), &open.survey.id, &json).await?;
        tx.commit().await?;
    }
    if errors.is_empty() && !added {
        match step {
            "save" => {
                return html(&DonePage {
                    page: ctx.page("survey.saved_title"),
                    saved: true,
                });
            }
            "back" => index = index.saturating_sub(1),
            "next" => index = (index + 1).min(pages.len().saturating_sub(1)),
            "send" => {
                let all = def.validate(&answers);
                if all.is_empty() {
                    let mut tx = st.store.begin_write().await?;
                    match bz_store::survey::complete(
                        &mut tx,
                        &open.survey.id,
                        code.as_str(),
                        open.area.as_deref(),
                        "online",
                        &json,
                        &today,
                    )
                    .await
                    {
                        Ok(()) => tx.commit().await?,
                        Err(bz_store::StoreError::Conflict { .. }) => {
                            return html(&UnavailablePage {
                                page: ctx.page("survey.unavailable_title"),
                            });
                        }
                        Err(e) => return Err(e.into()),
                    }
                    return html(&DonePage {
                        page: ctx.page("survey.done_title"),
                        saved: false,
                    });
                }
                // Go to the first page with a problem.
                let first = all[0].field.clone();
                index = pages
                    .iter()
                    .position(|p| {
                        def.page_questions(p)
                            .iter()
                            .any(|&qi| def.questions[qi].name == first)
                    })
                    .unwrap_or(index);
                errors = all;
            }
            _ => {}
        }
    }
    let Some(page) = pages.get(index) else {
        return html(&UnavailablePage {
            page: ctx.page("survey.unavailable_title"),
        });
    };
    let heading = page
        .group
        .map(|g| {
            def.groups[g]
                .label
                .get(lang, def.settings.default_language)
                .to_string()
        })
        .unwrap_or_default();
    let items = page_items(&def, page, &answers, ctx.lang, &errors, Shown::Relevant);
    let error_list = errors
        .iter()
        .filter(|e| {
            def.page_questions(page)
                .iter()
                .any(|&qi| def.questions[qi].name == e.field)
        })
        .map(|e| (e.field.clone(), e.message(lang)))
        .collect();
    html(&FormPage {
        page: ctx.page("survey.public_title"),
        title: open.survey.title.clone(),
        code: code.as_str().to_string(),
        index,
        count: pages.len(),
        heading,
        items,
        errors: error_list,
        last: index + 1 >= pages.len(),
        added,
    })
}
