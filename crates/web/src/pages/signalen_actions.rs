//! Changes to a signal from its page: state transitions (per the workflow
//! data, with a text where configured), notes, assignment, the
//! de-identified summary, files, merging a duplicate, forwarding with a
//! logged hand-off, and ticking the drug-waste protocol.
//!
//! Each change, its history line and its audit entry are written in one
//! transaction. After success the browser goes back to the signal's page
//! (303); a refused change shows the page again with the errors at their
//! fields (422).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::pages::signalen::{Entered, Feedback, Viewer, checklist, detail_page, entry, load};
use crate::pages::{FieldError, html};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::{Action, Subject};
use bz_domain::audit::Outcome;
use bz_domain::identity::Role;
use bz_signals::forward::{DeidentifiedSummary, ForwardTarget, IdentifyingKind, SummaryError};
use bz_signals::photo::{self, PhotoLimits};
use bz_signals::protocol::{ProtocolError, TickOutcome};
use bz_signals::workflow::{StateKind, TransitionError};
use bz_store::StoreError;
use bz_store::signal_workflow::{self as sw, Actor, NewAttachment, NewHistory, TickRow, kinds};
use std::collections::BTreeMap;

/// The most characters of a note.
pub const MAX_NOTE: usize = 5000;
/// The largest file an officer may attach (bytes).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The request body limit of the upload route.
pub const MAX_UPLOAD_BODY: usize = MAX_FILE_BYTES + 64 * 1024;

fn fields(body: &Bytes) -> BTreeMap<String, String> {
    form_urlencoded::parse(body)
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn get(f: &BTreeMap<String, String>, k: &str) -> String {
    f.get(k).map(|v| v.trim().to_string()).unwrap_or_default()
}

pub fn actor(s: &Subject, ctx: &Ctx) -> Actor {
    Actor::User {
        id: s.user_id.clone(),
        name: ctx
            .display_name
            .clone()
            .unwrap_or_else(|| s.username.clone()),
    }
}

fn done(id: &str, ok: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/signalen/{id}?ok={ok}#{anchor}")).into_response()
}

fn err(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        message,
    }
}

#[allow(clippy::too_many_arguments)]
async fn again(
    st: &AppState,
    ctx: &Ctx,
    v: &Viewer,
    id: &str,
    form: &str,
    f: BTreeMap<String, String>,
    errors: Vec<FieldError>,
    warnings: Vec<String>,
) -> Result<Response, AppError> {
    let rec = st.store.signal(id).await?.ok_or(AppError::NotFound)?;
    let page = detail_page(
        st,
        ctx,
        v,
        &rec,
        Feedback {
            errors,
            warnings,
            notice: None,
            entered: Entered {
                form: form.into(),
                fields: f,
            },
        },
    )
    .await?;
    html(&page).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

fn transition_message(lang: Lang, e: &TransitionError) -> String {
    match e {
        TransitionError::TextTooLong { max } => {
            i18n::tr_args(lang, e.message_key(), &[("max", &max.to_string())])
        }
        _ => i18n::tr(lang, e.message_key()),
    }
}

/// `POST /signalen/{id}/status`: change the state (`naar`, `toelichting`).
pub async fn transition(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::HandleSignals).await?;
    let f = fields(&body);
    if rec.merged_into.is_some() {
        let e = vec![err("status.to", ctx.t("sig.err.merged"))];
        return again(&st, &ctx, &v, &id, "status", f, e, Vec::new()).await;
    }
    let to = get(&f, "naar");
    let text = get(&f, "toelichting");
    let wf = st.store.workflow().await?;
    if to.is_empty() {
        let e = vec![err("status.to", ctx.t("sig.err.choose_state"))];
        return again(&st, &ctx, &v, &id, "status", f, e, Vec::new()).await;
    }
    let t = match wf.check_transition(&rec.state, &to, Some(&text)) {
        Ok(t) => t.clone(),
        Err(e) => {
            let field = match e {
                TransitionError::TextRequired { .. } | TransitionError::TextTooLong { .. } => {
                    "status.text"
                }
                _ => "status.to",
            };
            let e = vec![err(field, transition_message(ctx.lang, &e))];
            return again(&st, &ctx, &v, &id, "status", f, e, Vec::new()).await;
        }
    };
    let now = st.clock.now();
    let closed = wf.kind(t.to.as_str()) == Some(StateKind::Closed);
    let mut tx = st.store.begin_write().await?;
    let text_opt = (!text.is_empty()).then_some(text.as_str());
    match sw::change_state(
        &mut tx,
        &rec.id,
        &rec.state,
        t.to.as_str(),
        text_opt,
        closed,
        &actor(&v.subject, &ctx),
        now,
    )
    .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let e = vec![err("status.to", ctx.t("sig.err.changed_meanwhile"))];
            return again(&st, &ctx, &v, &id, "status", f, e, Vec::new()).await;
        }
        Err(e) => return Err(e.into()),
    }
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.state",
            &rec.id,
            Outcome::Success,
            format!("{} -> {}", rec.state, t.to),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(done(&rec.id, "status", "gegevens"))
}

/// `POST /signalen/{id}/notitie`: add a note (`tekst`).
pub async fn note(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::HandleSignals).await?;
    let f = fields(&body);
    let text = get(&f, "tekst");
    let problem = if rec.merged_into.is_some() {
        Some(ctx.t("sig.err.merged"))
    } else if text.is_empty() {
        Some(ctx.t("sig.err.note_required"))
    } else if text.chars().count() > MAX_NOTE {
        Some(i18n::tr_args(
            ctx.lang,
            "sig.err.too_long",
            &[("max", &MAX_NOTE.to_string())],
        ))
    } else {
        None
    };
    if let Some(p) = problem {
        return again(
            &st,
            &ctx,
            &v,
            &id,
            "note",
            f,
            vec![err("note.text", p)],
            Vec::new(),
        )
        .await;
    }
    let mut tx = st.store.begin_write().await?;
    sw::append_history(
        &mut tx,
        &NewHistory {
            signal_id: rec.id.clone(),
            at: st.clock.now(),
            actor: actor(&v.subject, &ctx),
            kind: kinds::NOTE,
            text: Some(text),
            data: serde_json::json!({}),
        },
    )
    .await?;
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.note",
            &rec.id,
            Outcome::Success,
            String::new(),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(done(&rec.id, "notitie", "geschiedenis"))
}

/// `POST /signalen/{id}/toewijzen`: assign to an organisation (`organisatie`)
/// and optionally one of its users (`gebruiker`).
pub async fn assign(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::TriageSignals).await?;
    let f = fields(&body);
    let org_id = get(&f, "organisatie");
    let user_id = get(&f, "gebruiker");
    let mut errors = Vec::new();
    let org = st
        .store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.id == org_id && o.active);
    if org_id.is_empty() {
        errors.push(err("assign.org", ctx.t("sig.err.choose_org")));
    } else if org.is_none() {
        errors.push(err("assign.org", ctx.t("sig.err.unknown_org")));
    }
    if !user_id.is_empty() {
        let user = st
            .store
            .users(st.clock.now())
            .await?
            .into_iter()
            .find(|u| u.id == user_id && u.active);
        match user {
            None => errors.push(err("assign.user", ctx.t("sig.err.unknown_user"))),
            Some(u) if u.org_id != org_id => {
                errors.push(err("assign.user", ctx.t("sig.err.user_not_in_org")))
            }
            // Partners never see single signals, so nothing can be assigned to them.
            Some(u) if u.roles.iter().all(|r| *r == Role::Partner) => {
                errors.push(err("assign.user", ctx.t("sig.err.user_is_partner")))
            }
            Some(_) => {}
        }
    }
    if rec.merged_into.is_some() {
        errors.push(err("assign.org", ctx.t("sig.err.merged")));
    }
    if !errors.is_empty() {
        return again(&st, &ctx, &v, &id, "assign", f, errors, Vec::new()).await;
    }
    let user = (!user_id.is_empty()).then_some(user_id.as_str());
    let mut tx = st.store.begin_write().await?;
    sw::assign(
        &mut tx,
        &rec.id,
        &org_id,
        user,
        &actor(&v.subject, &ctx),
        st.clock.now(),
    )
    .await?;
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.assign",
            &rec.id,
            Outcome::Success,
            format!("{org_id} {}", user.unwrap_or("")),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(done(&rec.id, "toegewezen", "gegevens"))
}

/// `POST /signalen/{id}/categorie`: correct the category (`categorie`).
pub async fn category(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::TriageSignals).await?;
    let f = fields(&body);
    let to = get(&f, "categorie");
    let problem = if rec.merged_into.is_some() {
        Some(ctx.t("sig.err.merged"))
    } else if to.parse::<bz_signals::Category>().is_err() {
        Some(ctx.t("sig.err.choose_category"))
    } else if to == rec.category {
        Some(ctx.t("sig.err.same_category"))
    } else {
        None
    };
    if let Some(p) = problem {
        let e = vec![err("category.to", p)];
        return again(&st, &ctx, &v, &id, "category", f, e, Vec::new()).await;
    }
    let mut tx = st.store.begin_write().await?;
    match sw::change_category(
        &mut tx,
        &rec.id,
        &rec.category,
        &to,
        &actor(&v.subject, &ctx),
        st.clock.now(),
    )
    .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let e = vec![err("category.to", ctx.t("sig.err.changed_meanwhile"))];
            return again(&st, &ctx, &v, &id, "category", f, e, Vec::new()).await;
        }
        Err(e) => return Err(e.into()),
    }
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.category",
            &rec.id,
            Outcome::Success,
            format!("{} -> {to}", rec.category),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(done(&rec.id, "categorie", "gegevens"))
}

fn summary_message(lang: Lang, e: SummaryError) -> String {
    match e {
        SummaryError::TooShort { min } => {
            i18n::tr_args(lang, "sig.err.too_short", &[("min", &min.to_string())])
        }
        SummaryError::TooLong { max } => {
            i18n::tr_args(lang, "sig.err.too_long", &[("max", &max.to_string())])
        }
    }
}

fn hint_name(lang: Lang, k: IdentifyingKind) -> &'static str {
    match lang {
        Lang::Nl => k.name_nl(),
        Lang::En => k.name_en(),
    }
}

/// Check a de-identified text: errors (length) and warnings (identifying
/// data, copied from the original).
fn check_summary(
    lang: Lang,
    text: &str,
    original: &str,
    by: &str,
    at: i64,
) -> Result<(DeidentifiedSummary, Vec<String>), String> {
    let s = DeidentifiedSummary::new(text, by, at).map_err(|e| summary_message(lang, e))?;
    let review = s.review(original);
    let mut warnings: Vec<String> = Vec::new();
    for h in &review.hints {
        let found: String = s
            .text
            .get(h.start..h.end)
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        warnings.push(i18n::tr_args(
            lang,
            "sig.summary.hint_found",
            &[("kind", hint_name(lang, h.kind)), ("text", &found)],
        ));
    }
    if review.copies_original {
        warnings.push(i18n::tr(lang, "sig.summary.copies_original"));
    }
    Ok((s, warnings))
}

/// `POST /signalen/{id}/samenvatting`: the intake officer's de-identified
/// summary (`text`; `bevestigd` after warnings).
pub async fn summary(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::DeidentifySignals).await?;
    let f = fields(&body);
    let now = st.clock.now();
    let (s, warnings) = match check_summary(
        ctx.lang,
        &get(&f, "text"),
        &rec.description,
        &v.subject.user_id,
        now,
    ) {
        Ok(x) => x,
        Err(m) => {
            return again(
                &st,
                &ctx,
                &v,
                &id,
                "summary",
                f,
                vec![err("summary.text", m)],
                Vec::new(),
            )
            .await;
        }
    };
    if !warnings.is_empty() && get(&f, "bevestigd") != "1" {
        return again(&st, &ctx, &v, &id, "summary", f, Vec::new(), warnings).await;
    }
    let mut tx = st.store.begin_write().await?;
    sw::set_summary(&mut tx, &rec.id, &s.text, &actor(&v.subject, &ctx), now).await?;
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.summary",
            &rec.id,
            Outcome::Success,
            if warnings.is_empty() {
                String::new()
            } else {
                format!("{} waarschuwingen bevestigd", warnings.len())
            },
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(done(&rec.id, "samenvatting", "samenvatting"))
}

/// `POST /signalen/{id}/doorzetten`: hand the signal off to police, Meld
/// Misdaad Anoniem, RIEC or the Omgevingsdienst (`naar`) with a
/// de-identified summary (`samenvatting`; `bevestigd` after warnings).
pub async fn forward(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::TriageSignals).await?;
    let f = fields(&body);
    let now = st.clock.now();
    let mut errors = Vec::new();
    let target = match get(&f, "naar").parse::<ForwardTarget>() {
        Ok(t) => Some(t),
        Err(_) => {
            errors.push(err("forward.target", ctx.t("sig.err.choose_target")));
            None
        }
    };
    let checked = check_summary(
        ctx.lang,
        &get(&f, "samenvatting"),
        &rec.description,
        &v.subject.user_id,
        now,
    );
    if let Err(m) = &checked {
        errors.push(err("forward.summary", m.clone()));
    }
    if rec.merged_into.is_some() {
        errors.push(err("forward.target", ctx.t("sig.err.merged")));
    }
    let (Some(target), Ok((s, warnings)), true) = (target, checked, errors.is_empty()) else {
        return again(&st, &ctx, &v, &id, "forward", f, errors, Vec::new()).await;
    };
    if !warnings.is_empty() && get(&f, "bevestigd") != "1" {
        return again(&st, &ctx, &v, &id, "forward", f, Vec::new(), warnings).await;
    }
    let name = ctx
        .display_name
        .clone()
        .unwrap_or_else(|| v.subject.username.clone());
    let mut tx = st.store.begin_write().await?;
    let hand_off = sw::add_forward(
        &mut tx,
        &rec.id,
        target.as_str(),
        &s.text,
        (&v.subject.user_id, &name),
        now,
    )
    .await?;
    // Also move the signal to `doorgezet` when asked and the workflow allows it.
    if get(&f, "status_doorgezet") == "1" {
        let wf = st.store.workflow().await?;
        let to = bz_signals::workflow::codes::DOORGEZET;
        let text = i18n::tr_args(
            ctx.lang,
            "sig.forward.state_text",
            &[(
                "target",
                &crate::pages::signalen::target_name(ctx.lang, target.as_str()),
            )],
        );
        if wf.check_transition(&rec.state, to, Some(&text)).is_ok() {
            sw::change_state(
                &mut tx,
                &rec.id,
                &rec.state,
                to,
                Some(&text),
                wf.kind(to) == Some(StateKind::Closed),
                &actor(&v.subject, &ctx),
                now,
            )
            .await?;
        }
    }
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.forward",
            &rec.id,
            Outcome::Success,
            format!("{} ({})", target.as_str(), hand_off.id),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(done(&rec.id, "doorgezet", "doorzetten"))
}

fn protocol_message(lang: Lang, e: &ProtocolError) -> String {
    let key = match e {
        ProtocolError::UnknownStep { .. } => "sig.protocol.err.unknown_step",
        ProtocolError::AlreadyTicked { .. } => "sig.protocol.err.already_ticked",
        ProtocolError::SafetyFirst { .. } => "sig.protocol.err.safety_first",
        ProtocolError::NotApplicableNotAllowed { .. } => "sig.protocol.err.always_applies",
        ProtocolError::ReasonRequired { .. } => "sig.protocol.err.reason_required",
    };
    i18n::tr(lang, key)
}

/// `POST /signalen/{id}/protocol`: tick a step of the drug-waste protocol
/// (`stap`, `uitkomst` done/not_applicable, `notitie`).
pub async fn tick(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::HandleSignals).await?;
    let f = fields(&body);
    let Some(mut c) = checklist(&st, &rec).await? else {
        let e = vec![err("tick", ctx.t("sig.protocol.err.no_protocol"))];
        return again(&st, &ctx, &v, &id, "tick", f, e, Vec::new()).await;
    };
    let outcome = match get(&f, "uitkomst").as_str() {
        "not_applicable" => TickOutcome::NotApplicable,
        _ => TickOutcome::Done,
    };
    let note = get(&f, "notitie");
    let name = ctx
        .display_name
        .clone()
        .unwrap_or_else(|| v.subject.username.clone());
    let now = st.clock.now();
    let step = get(&f, "stap");
    let t = match c.tick(&step, &name, now, outcome, Some(&note)) {
        Ok(t) => t.clone(),
        Err(e) => {
            let e = vec![err("tick", protocol_message(ctx.lang, &e))];
            return again(&st, &ctx, &v, &id, "tick", f, e, Vec::new()).await;
        }
    };
    let row = TickRow {
        signal_id: rec.id.clone(),
        protocol: c.protocol.code.clone(),
        step: t.step.clone(),
        outcome: match t.outcome {
            TickOutcome::Done => "done".into(),
            TickOutcome::NotApplicable => "not_applicable".into(),
        },
        note: t.note.clone(),
        by_user_id: v.subject.user_id.clone(),
        by_name: name,
        at: now,
    };
    let mut tx = st.store.begin_write().await?;
    match sw::add_tick(&mut tx, &row).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let e = vec![err("tick", ctx.t("sig.protocol.err.already_ticked"))];
            return again(&st, &ctx, &v, &id, "tick", f, e, Vec::new()).await;
        }
        Err(e) => return Err(e.into()),
    }
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.protocol",
            &rec.id,
            Outcome::Success,
            format!("{} {}", row.step, row.outcome),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(done(&rec.id, "protocol", "protocol"))
}

/// `POST /signalen/{id}/samenvoegen`: merge the signal `andere` into this
/// one; both histories are kept and shown on this signal's page.
pub async fn merge(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::TriageSignals).await?;
    let f = fields(&body);
    let other_id = get(&f, "andere");
    let other = match st.store.signal(&other_id).await? {
        Some(o) if v.may(Action::TriageSignals, &o) => Some(o),
        _ => None,
    };
    let problem = match &other {
        None => Some("sig.err.merge_unknown"),
        Some(o) if o.id == rec.id => Some("sig.err.merge_self"),
        Some(o) if o.merged_into.is_some() || rec.merged_into.is_some() => {
            Some("sig.err.merge_already")
        }
        Some(_) => None,
    };
    if let Some(k) = problem {
        let e = vec![err("merge.other", ctx.t(k))];
        return again(&st, &ctx, &v, &id, "merge", f, e, Vec::new()).await;
    }
    let name = ctx
        .display_name
        .clone()
        .unwrap_or_else(|| v.subject.username.clone());
    let mut tx = st.store.begin_write().await?;
    match sw::merge(
        &mut tx,
        &rec.id,
        &other_id,
        (&v.subject.user_id, &name),
        st.clock.now(),
    )
    .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let e = vec![err("merge.other", ctx.t("sig.err.merge_already"))];
            return again(&st, &ctx, &v, &id, "merge", f, e, Vec::new()).await;
        }
        Err(e) => return Err(e.into()),
    }
    for (obj, detail) in [
        (&rec.id, format!("{other_id} samengevoegd in deze melding")),
        (&other_id, format!("samengevoegd in {}", rec.id)),
    ] {
        bz_store::audit::append(
            &mut tx,
            entry(&v.subject, "signal.merge", obj, Outcome::Success, detail),
            st.clock.now_ms(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(done(&rec.id, "samengevoegd", "geschiedenis"))
}

fn upload_error(status: StatusCode, message: String) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// `POST /signalen/{id}/bijlagen` (multipart field `bestand`, CSRF token in
/// the `X-CSRF-Token` header): attach a photo (re-encoded, all metadata
/// stripped) or a PDF. Answers JSON `{url}` or `{error}`.
pub async fn upload(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, AppError> {
    let v = Viewer::of(&st, &ctx).await?;
    let rec = load(&st, &v, &id, Action::HandleSignals).await?;
    if rec.merged_into.is_some() {
        return Ok(upload_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t("sig.err.merged"),
        ));
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Ok(upload_error(
                    StatusCode::BAD_REQUEST,
                    ctx.t("sig.att.err.unreadable"),
                ));
            }
        };
        if field.name() != Some("bestand") {
            continue;
        }
        let name: String = field
            .file_name()
            .unwrap_or("bijlage")
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
            .take(120)
            .collect();
        let mut bytes = Vec::new();
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    if bytes.len() + c.len() > MAX_FILE_BYTES {
                        return Ok(upload_error(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            i18n::tr_args(
                                ctx.lang,
                                "sig.att.err.too_large",
                                &[("mb", &(MAX_FILE_BYTES / (1024 * 1024)).to_string())],
                            ),
                        ));
                    }
                    bytes.extend_from_slice(&c);
                }
                Ok(None) => break,
                Err(_) => {
                    return Ok(upload_error(
                        StatusCode::BAD_REQUEST,
                        ctx.t("sig.att.err.unreadable"),
                    ));
                }
            }
        }
        file = Some((name, bytes));
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(upload_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t("sig.att.err.none"),
        ));
    };
    let (stored, content_type, name) = if photo::sniff(&bytes).is_some() {
        let limits = PhotoLimits {
            max_bytes: MAX_FILE_BYTES,
            ..PhotoLimits::default()
        };
        match photo::clean_photo(&bytes, &limits) {
            Ok(p) => {
                let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
                let name = format!("{stem}.{}", p.format.extension());
                (p.bytes, p.format.content_type().to_string(), name)
            }
            Err(e) => {
                let m = match ctx.lang {
                    Lang::Nl => e.message_nl(),
                    Lang::En => e.message_en(),
                };
                return Ok(upload_error(StatusCode::UNPROCESSABLE_ENTITY, m));
            }
        }
    } else if bytes.starts_with(b"%PDF-") {
        (bytes, "application/pdf".to_string(), name)
    } else {
        return Ok(upload_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ctx.t("sig.att.err.type"),
        ));
    };
    let now = st.clock.now();
    let mut tx = st.store.begin_write().await?;
    let meta = sw::add_attachment(
        &mut tx,
        &NewAttachment {
            signal_id: rec.id.clone(),
            at: now,
            actor: actor(&v.subject, &ctx),
            file_name: Some(name),
            content_type,
            bytes: &stored,
        },
    )
    .await?;
    bz_store::audit::append(
        &mut tx,
        entry(
            &v.subject,
            "signal.attachment.add",
            &rec.id,
            Outcome::Success,
            format!("{} {} bytes", meta.content_type, meta.size_bytes),
        ),
        st.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({
        "url": format!("/signalen/{}?ok=bijlage#bijlagen", rec.id),
        "id": meta.id,
    }))
    .into_response())
}
