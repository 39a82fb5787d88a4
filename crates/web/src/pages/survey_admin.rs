//! The survey for the AOV'er and the analyst (Module 1): create a survey
//! from the built-in questionnaire or an own definition, edit the mayor's
//! letter, publish it to every address in the buitengebied (one code each),
//! download the letters as one PDF and a CSV for a mailing house, send
//! reminders, enter paper forms (optionally twice, compared), and read the
//! report.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::deboerop::{FormFields, addresses_from_lines, audit_view};
use crate::pages::scan::{allowed, subject_areas};
use crate::pages::survey_form::{ItemView, Shown, page_items, read_page, survey_lang};
use crate::pages::{FieldError, error_for, html};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::Action;
use bz_domain::audit::Outcome;
use bz_store::audit::NewEntry;
use bz_store::survey::{self as store, SurveyRow};
use bz_survey::codes::InvitationCode;
use bz_survey::{Answers, Definition};
use serde::Deserialize;
use std::collections::HashSet;

/// The default letter; `{adres}`, `{code}`, `{url}`, `{sluitingsdatum}`,
/// `{gemeente}` and `{burgemeester}` are filled in per letter.
pub const DEFAULT_LETTER: &str = "Beste bewoner,\n\nIn het buitengebied van {gemeente} werken gemeente, politie en partners samen om te voorkomen dat criminelen lege schuren en boerderijen gebruiken voor drugs. Uw ervaring helpt ons daarbij. Wilt u de vragenlijst invullen? Dat kost ongeveer tien minuten.\n\nGa naar {url} en vul de code {code} in, of scan de QR-code. Uw antwoorden zijn anoniem: ze worden los van uw adres bewaard en niemand kan zien wat u hebt ingevuld. Invullen kan tot en met {sluitingsdatum}.\n\nLiever op papier? Bel de gemeente, dan sturen wij u een papieren vragenlijst.";

fn err(ctx: &Ctx, field: &str, key: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: ctx.t(key),
    }
}

/// The audit entry of a survey action by the current user.
fn audit_entry(
    ctx: &Ctx,
    action: &'static str,
    id: &str,
    detail: String,
) -> Result<NewEntry, AppError> {
    let s = ctx.subject.as_ref().ok_or(AppError::Unauthenticated)?;
    Ok(NewEntry {
        actor_id: Some(s.user_id.clone()),
        actor_name: s.username.clone(),
        org_id: Some(s.org_id.clone()),
        action,
        object_type: "survey",
        object_id: id.to_string(),
        outcome: Outcome::Success,
        detail,
    })
}

/// Audits an action that writes nothing else (in a transaction of its own).
async fn audit(
    st: &AppState,
    ctx: &Ctx,
    action: &'static str,
    id: &str,
    detail: String,
) -> Result<(), AppError> {
    st.store
        .audit(audit_entry(ctx, action, id, detail)?, st.clock.now_ms())
        .await?;
    Ok(())
}

/// Appends the audit entry of a change inside the change's own transaction.
async fn audit_in(
    st: &AppState,
    tx: &mut bz_store::WriteTx,
    ctx: &Ctx,
    action: &'static str,
    id: &str,
    detail: String,
) -> Result<(), AppError> {
    bz_store::audit::append(tx, audit_entry(ctx, action, id, detail)?, st.clock.now_ms()).await?;
    Ok(())
}

/// A definition as stored: `\n` line endings (a browser sends a textarea's
/// lines with `\r\n`), no surrounding blank space (form fields are trimmed)
/// and one final newline, so that the same text is recognised as the same
/// version however it arrives.
fn normalized_definition(text: &str) -> String {
    let mut t = text.replace("\r\n", "\n").trim().to_string();
    t.push('\n');
    t
}

/// What was entered in the survey form.
#[derive(Default)]
pub struct SurveyForm {
    pub gemeente: String,
    pub title: String,
    pub closes_on: String,
    pub signatory: String,
    pub letter_text: String,
    pub reminder_days: String,
    pub max_reminders: String,
    pub definition: String,
}

/// A survey as listed.
pub struct Listing {
    pub id: String,
    pub title: String,
    pub status: String,
    pub closes_on: String,
}

#[derive(Template)]
#[template(path = "survey_list.html")]
struct ListPage {
    page: PageCtx,
    surveys: Vec<Listing>,
    may_manage: bool,
    areas: Vec<(String, String)>,
    form: SurveyForm,
    errors: Vec<FieldError>,
}

impl ListPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    /// The definition field's hint: empty means the built-in questionnaire.
    fn definition_hint(&self) -> String {
        self.page.t("survey.definition_hint")
    }
}

async fn list_page(
    st: &AppState,
    ctx: &Ctx,
    form: SurveyForm,
    errors: Vec<FieldError>,
) -> Result<ListPage, AppError> {
    let areas = subject_areas(st, ctx).await?;
    let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let surveys = st
        .store
        .surveys_in(&codes)
        .await?
        .into_iter()
        .map(|s| Listing {
            status: ctx.t(&format!("survey.status.{}", s.status)),
            id: s.id,
            title: s.title,
            closes_on: s.closes_on,
        })
        .collect();
    Ok(ListPage {
        page: ctx.page("survey.title"),
        surveys,
        may_manage: allowed(ctx, Action::ManageSurveys),
        areas: areas.into_iter().map(|a| (a.code, a.name)).collect(),
        form,
        errors,
    })
}

fn default_form(st: &AppState) -> SurveyForm {
    SurveyForm {
        title: "Veilig Buitengebied — bewonersenquête".into(),
        closes_on: st
            .clock
            .today()
            .saturating_add(time::Duration::days(42))
            .to_string(),
        signatory: "De burgemeester".into(),
        letter_text: DEFAULT_LETTER.into(),
        reminder_days: "14".into(),
        max_reminders: "2".into(),
        ..SurveyForm::default()
    }
}

/// `GET /enquetes`: the surveys of the organisation's areas and the form for a new one.
pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    html(&list_page(&st, &ctx, default_form(&st), Vec::new()).await?)
}

/// Checks a survey form; the definition is the built-in one when left empty.
fn check_form(
    ctx: &Ctx,
    form: &SurveyForm,
    areas: &[String],
) -> (Vec<FieldError>, Option<(i64, i64)>) {
    let mut errors = Vec::new();
    if !areas.contains(&form.gemeente) {
        errors.push(err(ctx, "gemeente", "err.unknown_value"));
    }
    if form.title.is_empty() || form.title.chars().count() > 150 {
        errors.push(err(ctx, "title", "field.error.name"));
    }
    if crate::pages::deboerop::date(&form.closes_on).is_none() {
        errors.push(err(ctx, "closes_on", "err.bad_date"));
    }
    if form.signatory.is_empty() || form.signatory.chars().count() > 120 {
        errors.push(err(ctx, "signatory", "survey.error.signatory"));
    }
    if !form.letter_text.contains("{code}") || form.letter_text.chars().count() > 5000 {
        errors.push(err(ctx, "letter_text", "survey.error.letter"));
    }
    let days = form
        .reminder_days
        .parse::<i64>()
        .ok()
        .filter(|d| (7..=90).contains(d));
    let max = form
        .max_reminders
        .parse::<i64>()
        .ok()
        .filter(|m| (0..=3).contains(m));
    if days.is_none() {
        errors.push(err(ctx, "reminder_days", "survey.error.reminder_days"));
    }
    if max.is_none() {
        errors.push(err(ctx, "max_reminders", "survey.error.max_reminders"));
    }
    if !form.definition.trim().is_empty()
        && let Err(e) = Definition::parse(&form.definition)
    {
        errors.push(FieldError {
            field: "definition".into(),
            message: format!("{} {e}", ctx.t("survey.error.definition")),
        });
    }
    (errors, days.zip(max))
}

fn read_form(f: &FormFields) -> SurveyForm {
    SurveyForm {
        gemeente: f.one("gemeente"),
        title: f.one("title"),
        closes_on: f.one("closes_on"),
        signatory: f.one("signatory"),
        letter_text: f.one("letter_text"),
        reminder_days: f.one("reminder_days"),
        max_reminders: f.one("max_reminders"),
        definition: f.one("definition"),
    }
}

/// `POST /enquetes`: a new survey as a concept.
pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let form = read_form(&FormFields::parse(&body));
    let areas: Vec<String> = subject_areas(&st, &ctx)
        .await?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let (errors, settings) = check_form(&ctx, &form, &areas);
    let (Some((days, max)), true) = (settings, errors.is_empty()) else {
        let p = list_page(&st, &ctx, form, errors).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    };
    let row = SurveyRow {
        id: bz_store::new_id(),
        org_id: s.org_id.clone(),
        gemeente_code: form.gemeente.clone(),
        title: form.title.clone(),
        definition: normalized_definition(if form.definition.trim().is_empty() {
            bz_survey::DEFAULT_SURVEY_TOML
        } else {
            &form.definition
        }),
        status: store::CONCEPT.into(),
        letter_text: form.letter_text.clone(),
        signatory: form.signatory.clone(),
        closes_on: form.closes_on.clone(),
        reminder_interval_days: days,
        max_reminders: max,
        created_by: s.user_id.clone(),
        created_at: st.clock.now(),
        published_at: None,
        published_version: None,
    };
    let mut tx = st.store.begin_write().await?;
    store::insert_survey(&mut tx, &row).await?;
    let detail = format!("{}; vragenlijst versie 1", row.title);
    audit_in(&st, &mut tx, &ctx, "survey.create", &row.id, detail).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/enquetes/{}", row.id)).into_response())
}

pub(crate) async fn visible_survey(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<SurveyRow, AppError> {
    let s = st.store.survey(id).await?;
    let areas = subject_areas(st, ctx).await?;
    if !areas.iter().any(|a| a.code == s.gemeente_code) {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

#[derive(Template)]
#[template(path = "survey_show.html")]
struct ShowPage {
    page: PageCtx,
    survey: SurveyRow,
    status: String,
    invited: i64,
    completed: i64,
    /// Per woonplaats: invited and completed (1–4 shown as "< 5" outside the analyst role).
    areas: Vec<(String, i64, String)>,
    reminder_due: usize,
    may_manage: bool,
    form: SurveyForm,
    errors: Vec<FieldError>,
    questions: usize,
    last_letters: Option<String>,
    /// "Vragenlijst versie N", the published one marked.
    version_label: String,
    versions: Vec<VersionView>,
}

/// A definition version as listed on the survey page.
pub struct VersionView {
    pub number: i64,
    pub saved_at: String,
    pub saved_by: String,
    /// The number of questions, or "—" when the text does not parse.
    pub questions: String,
    pub published: bool,
}

impl VersionView {
    fn of(ctx: &Ctx, v: &store::DefinitionVersion, published: Option<i64>) -> VersionView {
        VersionView {
            number: v.version,
            saved_at: crate::i18n::datetime(v.saved_at),
            // Least privilege: a private partner sees which organisation
            // saved a version, not which person.
            saved_by: if partner_only(ctx) {
                v.saved_by_org.clone()
            } else {
                v.saved_by_name.clone()
            },
            questions: question_count(&v.definition).map_or_else(|| "—".into(), |n| n.to_string()),
            published: published == Some(v.version),
        }
    }
}

/// Whether the viewer has no role but `partner`.
fn partner_only(ctx: &Ctx) -> bool {
    ctx.subject.as_ref().is_some_and(|s| {
        s.roles
            .iter()
            .all(|r| *r == bz_domain::identity::Role::Partner)
    })
}

/// The number of questions of a definition text (`None` if it does not parse).
fn question_count(definition: &str) -> Option<usize> {
    Definition::parse(definition)
        .ok()
        .map(|d| d.questions.len())
}

/// "Vragenlijst versie N", with "(gepubliceerd)" when N is the published version.
fn version_label(ctx: &Ctx, version: i64, published: Option<i64>) -> String {
    let key = if published == Some(version) {
        "survey.version_label_published"
    } else {
        "survey.version_label"
    };
    crate::i18n::tr_args(ctx.lang, key, &[("n", &version.to_string())])
}

impl ShowPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    /// The definition field's hint: empty keeps the current version.
    fn definition_hint(&self) -> String {
        self.page.t("survey.definition_hint_edit")
    }
    fn is_concept(&self) -> bool {
        self.survey.status == store::CONCEPT
    }
    fn is_published(&self) -> bool {
        self.survey.status == store::GEPUBLICEERD
    }
}

/// Codes that get a reminder today: not completed, fewer letters than 1 +
/// the maximum of reminders, and the last letter at least the interval ago.
fn reminder_codes(
    s: &SurveyRow,
    invitations: &[store::InvitationRow],
    today: time::Date,
) -> Vec<String> {
    let since = today.saturating_sub(time::Duration::days(s.reminder_interval_days));
    invitations
        .iter()
        .filter(|i| !i.completed && i.letters < 1 + s.max_reminders)
        .filter(|i| {
            i.last_letter_on
                .as_deref()
                .and_then(crate::pages::deboerop::date)
                .is_none_or(|d| d <= since)
        })
        .map(|i| i.code.clone())
        .collect()
}

async fn show_page(
    st: &AppState,
    ctx: &Ctx,
    survey: SurveyRow,
    errors: Vec<FieldError>,
    form: Option<SurveyForm>,
) -> Result<ShowPage, AppError> {
    let counts = st.store.invitation_counts(&survey.id).await?;
    let invitations = st.store.invitations(&survey.id).await?;
    let questions = question_count(&survey.definition).unwrap_or(0);
    let versions: Vec<VersionView> = st
        .store
        .survey_versions(&survey.id)
        .await?
        .iter()
        .map(|v| VersionView::of(ctx, v, survey.published_version))
        .collect();
    let current = versions.last().map_or(0, |v| v.number);
    let last_letters = invitations
        .iter()
        .filter_map(|i| i.last_letter_on.clone())
        .max();
    Ok(ShowPage {
        page: ctx.page("survey.show_title"),
        status: ctx.t(&format!("survey.status.{}", survey.status)),
        invited: counts.values().map(|c| c.0).sum(),
        completed: counts.values().map(|c| c.1).sum(),
        areas: {
            let analyst = ctx
                .subject
                .as_ref()
                .is_some_and(|s| s.roles.contains(&bz_domain::identity::Role::Analist));
            counts
                .into_iter()
                .map(|(a, (n, d))| {
                    let shown = if !analyst && (1..5).contains(&d) {
                        "< 5".to_string()
                    } else {
                        d.to_string()
                    };
                    (a, n, shown)
                })
                .collect()
        },
        reminder_due: reminder_codes(&survey, &invitations, st.clock.today()).len(),
        may_manage: allowed(ctx, Action::ManageSurveys),
        form: form.unwrap_or_else(|| SurveyForm {
            gemeente: survey.gemeente_code.clone(),
            title: survey.title.clone(),
            closes_on: survey.closes_on.clone(),
            signatory: survey.signatory.clone(),
            letter_text: survey.letter_text.clone(),
            reminder_days: survey.reminder_interval_days.to_string(),
            max_reminders: survey.max_reminders.to_string(),
            definition: String::new(),
        }),
        version_label: version_label(ctx, current, survey.published_version),
        versions,
        survey,
        errors,
        questions,
        last_letters,
    })
}

/// `GET /enquetes/{id}`: status, response (counts only), letters, reminders.
pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = visible_survey(&st, &ctx, &id).await?;
    html(&show_page(&st, &ctx, s, Vec::new(), None).await?)
}

#[derive(Template)]
#[template(path = "survey_version.html")]
struct VersionPage {
    page: PageCtx,
    survey: SurveyRow,
    version: VersionView,
    label: String,
    /// The survey's newest version, when this one is older.
    newer: Option<i64>,
    definition: String,
}

/// `GET /enquetes/{id}/versies/{version}`: one version of the definition,
/// read-only (the same access as the survey page).
pub async fn version(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let s = visible_survey(&st, &ctx, &id).await?;
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let v = st.store.survey_version(&s.id, number).await?;
    let newest = st
        .store
        .survey_versions(&s.id)
        .await?
        .last()
        .map_or(number, |n| n.version);
    html(&VersionPage {
        page: ctx.page("survey.version_title"),
        version: VersionView::of(&ctx, &v, s.published_version),
        label: version_label(&ctx, v.version, s.published_version),
        newer: (newest > v.version).then_some(newest),
        definition: v.definition,
        survey: s,
    })
}

/// `POST /enquetes/{id}`: change a concept (a published survey is
/// immutable). A changed definition becomes the next version; an empty
/// definition field keeps the current one.
pub async fn update(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let s = visible_survey(&st, &ctx, &id).await?;
    let mut form = read_form(&FormFields::parse(&body));
    form.gemeente = s.gemeente_code.clone();
    let areas = vec![s.gemeente_code.clone()];
    let (mut errors, settings) = check_form(&ctx, &form, &areas);
    if s.status != store::CONCEPT {
        errors.push(err(&ctx, "title", "survey.error.published"));
    }
    let (Some((days, max)), true) = (settings, errors.is_empty()) else {
        return refuse_update(&st, &ctx, s, errors, form).await;
    };
    let row = SurveyRow {
        title: form.title.clone(),
        definition: if form.definition.trim().is_empty() {
            s.definition.clone()
        } else {
            normalized_definition(&form.definition)
        },
        letter_text: form.letter_text.clone(),
        signatory: form.signatory.clone(),
        closes_on: form.closes_on.clone(),
        reminder_interval_days: days,
        max_reminders: max,
        ..s
    };
    let mut tx = st.store.begin_write().await?;
    let change = match store::update_concept(&mut tx, &row, &subject.user_id, st.clock.now()).await
    {
        Ok(change) => change,
        // Published in the meantime: the same answer as above.
        Err(bz_store::StoreError::Conflict { .. }) => {
            drop(tx);
            let s = visible_survey(&st, &ctx, &id).await?;
            let errors = vec![err(&ctx, "title", "survey.error.published")];
            return refuse_update(&st, &ctx, s, errors, form).await;
        }
        Err(e) => return Err(e.into()),
    };
    let detail = match change {
        store::DefinitionChange::Added(n) => format!("vragenlijst versie {n} (nieuw)"),
        store::DefinitionChange::Unchanged(n) => format!("vragenlijst versie {n} (ongewijzigd)"),
    };
    audit_in(&st, &mut tx, &ctx, "survey.update", &row.id, detail).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/enquetes/{}", row.id)).into_response())
}

/// The survey page again with the form as entered and its errors (422).
async fn refuse_update(
    st: &AppState,
    ctx: &Ctx,
    s: SurveyRow,
    errors: Vec<FieldError>,
    form: SurveyForm,
) -> Result<Response, AppError> {
    let p = show_page(st, ctx, s, errors, Some(form)).await?;
    html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

/// `POST /enquetes/{id}/publiceren`: publish to every address in the
/// buitengebied of the latest scan (plus extra addresses), one code each,
/// and record the first letters.
pub async fn publish(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let s = visible_survey(&st, &ctx, &id).await?;
    let extra = FormFields::parse(&body).one("extra");
    let mut errors = Vec::new();
    if s.status != store::CONCEPT {
        errors.push(err(&ctx, "extra", "survey.error.published"));
    }
    let (extra_found, unknown) = addresses_from_lines(&st, &s.gemeente_code, &extra).await?;
    if !unknown.is_empty() {
        errors.push(FieldError {
            field: "extra".into(),
            message: format!(
                "{} {}",
                ctx.t("field.error.unknown_addresses"),
                unknown.join("; ")
            ),
        });
    }
    let population = st.store.buitengebied_addresses(&s.gemeente_code).await?;
    if population.is_empty() && extra_found.is_empty() {
        errors.push(err(&ctx, "extra", "survey.error.no_population"));
    }
    if !errors.is_empty() {
        let p = show_page(&st, &ctx, s, errors, None).await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    let mut targets: Vec<(String, String)> = population;
    for p in extra_found {
        if !targets.iter().any(|t| t.0 == p.address_id) {
            let area = p.label.rsplit(", ").next().unwrap_or_default().to_string();
            targets.push((p.address_id, area));
        }
    }
    let existing: HashSet<InvitationCode> = st
        .store
        .all_invitation_codes()
        .await?
        .iter()
        .filter_map(|c| InvitationCode::parse(c).ok())
        .collect();
    let codes = bz_survey::codes::generate_batch(targets.len(), &existing, &mut rand::rng());
    let invitations: Vec<(String, String, Option<String>)> = targets
        .into_iter()
        .zip(codes)
        .map(|((address, area), code)| {
            (
                code.as_str().to_string(),
                address,
                (!area.is_empty()).then_some(area),
            )
        })
        .collect();
    let today = st.clock.today().to_string();
    let all: Vec<String> = invitations.iter().map(|i| i.0.clone()).collect();
    let mut tx = st.store.begin_write().await?;
    let version = store::publish(&mut tx, &s.id, &invitations, st.clock.now()).await?;
    store::record_letters(
        &mut tx,
        &bz_store::new_id(),
        &s.id,
        "uitnodiging",
        &all,
        &today,
        &subject.user_id,
    )
    .await?;
    let detail = format!("vragenlijst versie {version}; {} uitnodigingen", all.len());
    audit_in(&st, &mut tx, &ctx, "survey.publish", &s.id, detail).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/enquetes/{}", s.id)).into_response())
}

/// `POST /enquetes/{id}/herinnering`: a reminder round for the open codes
/// (minimum interval, maximum number of reminders).
pub async fn remind(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let s = visible_survey(&st, &ctx, &id).await?;
    if s.status != store::GEPUBLICEERD {
        return Err(AppError::BadRequest(ctx.t("survey.error.not_published")));
    }
    let codes = reminder_codes(&s, &st.store.invitations(&s.id).await?, st.clock.today());
    if codes.is_empty() {
        let p = show_page(
            &st,
            &ctx,
            s,
            vec![err(&ctx, "reminder", "survey.error.no_reminders")],
            None,
        )
        .await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    let today = st.clock.today().to_string();
    let mut tx = st.store.begin_write().await?;
    store::record_letters(
        &mut tx,
        &bz_store::new_id(),
        &s.id,
        "herinnering",
        &codes,
        &today,
        &subject.user_id,
    )
    .await?;
    tx.commit().await?;
    audit(
        &st,
        &ctx,
        "survey.reminders",
        &s.id,
        format!("{} herinneringen", codes.len()),
    )
    .await?;
    Ok(Redirect::to(&format!("/enquetes/{}/brieven.pdf?datum={today}", s.id)).into_response())
}

#[derive(Deserialize, Default)]
pub struct LetterQuery {
    /// Only the letters made on this day (a reminder round); default: all open codes' first letters.
    #[serde(default)]
    datum: Option<String>,
}

/// The form's address as residents type it: this server's own host (as the
/// staff reach it) and `/enquete`.
fn public_url(st: &AppState, headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if st.config.tls { "https" } else { "http" };
    format!("{scheme}://{host}/enquete")
}

/// A date as in a letter: "3 december 2026" / "3 December 2026".
fn date_long(lang: Lang, d: time::Date) -> String {
    const NL: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = d.month() as usize - 1;
    format!(
        "{} {} {}",
        d.day(),
        if lang == Lang::Nl { NL[m] } else { EN[m] },
        d.year()
    )
}

/// The letters of a round (pdf or csv) — access to addresses, audited.
async fn letter_rows(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    q: &LetterQuery,
) -> Result<(SurveyRow, Vec<store::InvitationRow>), AppError> {
    let s = visible_survey(st, ctx, id).await?;
    if s.status == store::CONCEPT {
        return Err(AppError::BadRequest(ctx.t("survey.error.not_published")));
    }
    let rows: Vec<store::InvitationRow> = st
        .store
        .invitations(&s.id)
        .await?
        .into_iter()
        .filter(|i| match &q.datum {
            Some(d) => i.last_letter_on.as_deref() == Some(d.as_str()) && !i.completed,
            None => true,
        })
        .collect();
    Ok((s, rows))
}

fn address_lines(i: &store::InvitationRow, nl: bool) -> Vec<String> {
    vec![
        if nl {
            "Bewoners van".into()
        } else {
            "The residents of".into()
        },
        format!(
            "{} {}{}",
            i.street,
            i.huisnummer,
            i.huisletter.clone().unwrap_or_default()
        ),
        format!(
            "{}  {}",
            i.postcode.clone().unwrap_or_default(),
            i.woonplaats.to_uppercase()
        ),
    ]
}

/// `GET /enquetes/{id}/brieven.pdf`: the letters as one PDF (A4, window envelope).
pub async fn letters_pdf(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<LetterQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let (s, rows) = letter_rows(&st, &ctx, &id, &q).await?;
    audit(
        &st,
        &ctx,
        "survey.letters.pdf",
        &s.id,
        format!("{} brieven", rows.len()),
    )
    .await?;
    let nl = ctx.lang == Lang::Nl;
    let url = public_url(&st, &headers);
    let gemeente = st
        .store
        .gemeenten()
        .await?
        .into_iter()
        .find(|g| g.code == s.gemeente_code)
        .map(|g| g.name)
        .unwrap_or_default();
    let closes = s.closes_on.clone();
    let reminder = q.datum.is_some();
    let mut letters = Vec::with_capacity(rows.len());
    for i in &rows {
        let code = InvitationCode::parse(&i.code)
            .map(|c| c.grouped())
            .unwrap_or_else(|_| i.code.clone());
        let link = format!("{url}?code={}", i.code);
        let qr = qrcode::QrCode::new(link.as_bytes())
            .map_err(|e| AppError::Internal(format!("qr: {e}")))?;
        let width = qr.width();
        let colors = qr.to_colors();
        let modules: Vec<String> = colors
            .chunks(width)
            .map(|row| {
                row.iter()
                    .map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' })
                    .collect()
            })
            .collect();
        let fill = |t: &str| {
            t.replace("{adres}", &address_lines(i, nl)[1])
                .replace("{code}", &code)
                .replace("{url}", &url)
                .replace("{sluitingsdatum}", &closes)
                .replace("{gemeente}", &gemeente)
                .replace("{burgemeester}", &s.signatory)
        };
        let mut paragraphs: Vec<String> = s
            .letter_text
            .split("\n\n")
            .map(|p| fill(p.trim()))
            .filter(|p| !p.is_empty())
            .collect();
        if reminder {
            paragraphs.insert(1, ctx.t("survey.letter_reminder"));
        }
        letters.push(bz_pdf::letters::Letter {
            address: address_lines(i, nl),
            subject: if reminder {
                ctx.t("survey.letter_subject_reminder")
            } else {
                ctx.t("survey.letter_subject")
            },
            paragraphs,
            url: url.clone(),
            code,
            qr: modules,
        });
    }
    let doc = bz_pdf::letters::Letters {
        lang: if nl { "nl".into() } else { "en".into() },
        title: s.title.clone(),
        sender: format!("Gemeente {gemeente}"),
        sender_line: ctx.t("survey.letter_sender_line"),
        return_line: format!("{} Gemeente {gemeente}", ctx.t("survey.letter_return")),
        place_date: format!("{gemeente}, {}", date_long(ctx.lang, st.clock.today())),
        closes_on: crate::pages::deboerop::date(&closes)
            .map_or(closes.clone(), |d| date_long(ctx.lang, d)),
        closing: ctx.t("survey.letter_closing"),
        signatory: s.signatory.clone(),
        footer: ctx.t("survey.letter_footer"),
        labels: bz_pdf::letters::LetterLabels {
            url: ctx.t("survey.letter_go_to"),
            code: ctx.t("survey.letter_code"),
            closes: ctx.t("survey.letter_closes"),
        },
        letters,
    };
    let today = st.clock.today();
    let pdf = tokio::task::spawn_blocking(move || bz_pdf::letters::render(&doc, today))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"brieven.pdf\"".to_string(),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// `GET /enquetes/{id}/brieven.csv`: the same letters for a mailing house.
pub async fn letters_csv(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<LetterQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let (s, rows) = letter_rows(&st, &ctx, &id, &q).await?;
    audit(
        &st,
        &ctx,
        "survey.letters.csv",
        &s.id,
        format!("{} adressen", rows.len()),
    )
    .await?;
    let url = public_url(&st, &headers);
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record([
        "aanhef",
        "straat_huisnummer",
        "postcode",
        "plaats",
        "code",
        "url",
    ])
    .map_err(csv_err)?;
    for i in &rows {
        let code = InvitationCode::parse(&i.code)
            .map(|c| c.grouped())
            .unwrap_or_else(|_| i.code.clone());
        let lines = address_lines(i, true);
        w.write_record([
            lines[0].as_str(),
            lines[1].as_str(),
            i.postcode.as_deref().unwrap_or(""),
            i.woonplaats.as_str(),
            code.as_str(),
            url.as_str(),
        ])
        .map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mailing.csv\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "survey_paper.html")]
struct PaperPage {
    page: PageCtx,
    survey: SurveyRow,
    code: String,
    double: bool,
    entry: i64,
    items: Vec<ItemView>,
    errors: Vec<(String, String)>,
    differences: Vec<String>,
    message: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn paper_page(
    st: &AppState,
    ctx: &Ctx,
    s: SurveyRow,
    code: String,
    double: bool,
    answers: &Answers,
    errors: Vec<bz_survey::FieldError>,
    differences: Vec<String>,
    message: Option<String>,
) -> Result<PaperPage, AppError> {
    let def = Definition::parse(&s.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let lang = survey_lang(ctx.lang);
    let mut items = Vec::new();
    for p in def.pages() {
        items.extend(page_items(&def, &p, answers, ctx.lang, &errors, Shown::All));
    }
    let entry = if code.is_empty() {
        1
    } else {
        st.store.paper_entries(&s.id, &code).await?.len() as i64 + 1
    };
    Ok(PaperPage {
        page: ctx.page("survey.paper_title"),
        survey: s,
        code,
        double,
        entry: entry.min(2),
        items,
        errors: errors
            .iter()
            .map(|e| (e.field.clone(), e.message(lang)))
            .collect(),
        differences,
        message,
    })
}

/// `GET /enquetes/{id}/papier`: the paper entry screen.
pub async fn paper_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = visible_survey(&st, &ctx, &id).await?;
    html(
        &paper_page(
            &st,
            &ctx,
            s,
            String::new(),
            true,
            &Answers::new(),
            Vec::new(),
            Vec::new(),
            None,
        )
        .await?,
    )
}

/// `POST /enquetes/{id}/papier`: one entry of a paper form. With double
/// entry the first entry waits for the second; when they agree the response
/// is stored, otherwise the differing questions are shown.
pub async fn paper_submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let subject = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let s = visible_survey(&st, &ctx, &id).await?;
    let def = Definition::parse(&s.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let f = FormFields::parse(&body);
    let double = f.one("dubbel") == "ja";
    let raw_code = f.one("code");
    let mut answers = Answers::new();
    let mut errors = Vec::new();
    for p in def.pages() {
        errors.extend(read_page(&def, &p, &fields, &mut answers));
    }
    answers = def.clean(&answers);
    if errors.is_empty() {
        errors = def.validate(&answers);
    }
    let code = match InvitationCode::parse(&raw_code) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.insert(
                0,
                bz_survey::FieldError {
                    field: "code".into(),
                    kind: bz_survey::runtime::FieldErrorKind::Constraint,
                    custom: bz_survey::definition::Texts(
                        [
                            (bz_survey::Lang::Nl, e.message_nl()),
                            (bz_survey::Lang::En, e.message_en()),
                        ]
                        .into_iter()
                        .collect(),
                    ),
                },
            );
            None
        }
    };
    let invitation = match &code {
        Some(c) => st.store.invitation_of(&s.id, c.as_str()).await?,
        None => None,
    };
    let message = match (&code, invitation) {
        (Some(_), None) => Some(ctx.t("survey.paper_unknown")),
        (Some(_), Some((true, _))) => Some(ctx.t("survey.paper_done")),
        _ => None,
    };
    if !errors.is_empty() || message.is_some() || s.status != store::GEPUBLICEERD {
        let message = message.or_else(|| {
            (s.status != store::GEPUBLICEERD).then(|| ctx.t("survey.error.not_published"))
        });
        let p = paper_page(
            &st,
            &ctx,
            s,
            raw_code,
            double,
            &answers,
            errors,
            Vec::new(),
            message,
        )
        .await?;
        return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    let (Some(code), Some((_, area))) = (
        code,
        st.store
            .invitation_of(&s.id, &raw_code_canonical(&raw_code))
            .await?,
    ) else {
        return Err(AppError::NotFound);
    };
    let json = serde_json::to_string(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
    let earlier = st.store.paper_entries(&s.id, code.as_str()).await?;
    let today = st.clock.today().to_string();
    let first = earlier.iter().find(|e| e.0 == 1);
    if double && first.is_none() {
        let mut tx = st.store.begin_write().await?;
        store::save_paper_entry(&mut tx, &s.id, code.as_str(), 1, &json, &subject.user_id).await?;
        tx.commit().await?;
        let p = paper_page(
            &st,
            &ctx,
            s,
            String::new(),
            double,
            &Answers::new(),
            Vec::new(),
            Vec::new(),
            Some(ctx.t("survey.paper_first_saved")),
        )
        .await?;
        return html(&p);
    }
    if let Some((_, first_json, _)) = first {
        let first_answers: Answers = serde_json::from_str(first_json).unwrap_or_default();
        let differences = def.differences(&first_answers, &answers);
        if !differences.is_empty() {
            let mut tx = st.store.begin_write().await?;
            store::save_paper_entry(&mut tx, &s.id, code.as_str(), 2, &json, &subject.user_id)
                .await?;
            tx.commit().await?;
            let labels = differences
                .iter()
                .map(|name| {
                    def.questions
                        .iter()
                        .find(|q| &q.name == name)
                        .map(|q| {
                            q.label
                                .get(survey_lang(ctx.lang), def.settings.default_language)
                                .to_string()
                        })
                        .unwrap_or_else(|| name.clone())
                })
                .collect();
            let p = paper_page(
                &st,
                &ctx,
                s,
                code.as_str().to_string(),
                double,
                &answers,
                Vec::new(),
                labels,
                Some(ctx.t("survey.paper_differ")),
            )
            .await?;
            return html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
        }
    }
    let mut tx = st.store.begin_write().await?;
    store::complete(
        &mut tx,
        &s.id,
        code.as_str(),
        area.as_deref(),
        "paper",
        &json,
        &today,
    )
    .await?;
    store::clear_paper_entries(&mut tx, &s.id, code.as_str()).await?;
    tx.commit().await?;
    audit(&st, &ctx, "survey.paper", &s.id, String::new()).await?;
    let p = paper_page(
        &st,
        &ctx,
        s,
        String::new(),
        double,
        &Answers::new(),
        Vec::new(),
        Vec::new(),
        Some(ctx.t("survey.paper_stored")),
    )
    .await?;
    html(&p)
}

fn raw_code_canonical(raw: &str) -> String {
    InvitationCode::parse(raw)
        .map(|c| c.as_str().to_string())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "survey_report.html")]
struct ReportPage {
    page: PageCtx,
    survey_id: String,
    report: bz_survey::Report,
    analyst: bool,
}

impl ReportPage {
    fn pct(&self, v: &Option<f64>) -> String {
        v.map(|v| format!("{:.0} %", v * 100.0))
            .unwrap_or_else(|| "x".into())
    }
    fn shown(&self, s: &bz_survey::disclosure::Shown) -> String {
        s.value()
            .map(|v| v.to_string())
            .unwrap_or_else(|| "< 5".into())
    }
    fn rate(&self, v: &f64) -> String {
        format!("{:.0} %", v * 100.0)
    }
}

/// The report page's HTML for a report, outside a request (the benchmark).
pub fn report_html(report: bz_survey::Report, lang: Lang) -> Result<String, AppError> {
    let page = PageCtx {
        lang,
        title: crate::i18n::tr(lang, "survey.report_title"),
        user: None,
        org: None,
        csrf: String::new(),
        nav: Vec::new(),
        switch_href: "/".into(),
        demo: false,
    };
    Ok(ReportPage {
        page,
        survey_id: String::new(),
        report,
        analyst: false,
    }
    .render()?)
}

/// The report of a survey for an audience, with the partners' incident
/// figures of the municipality.
pub(crate) async fn build_report(
    st: &AppState,
    ctx: &Ctx,
    s: &SurveyRow,
    audience: bz_survey::Audience,
) -> Result<bz_survey::Report, AppError> {
    let input = st
        .store
        .survey_report_input(&s.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let since = format!("{}-01-01", st.clock.today().year() - 4);
    let police = st
        .store
        .incidents_by_kind_year(&s.gemeente_code, &since)
        .await?
        .into_iter()
        .filter_map(|(kind, year, n)| {
            Some(bz_survey::report::PoliceFigure {
                kind: ctx.t(&format!("incident.{kind}")),
                year: year.parse().ok()?,
                count: n.max(0) as u64,
            })
        })
        .collect();
    let config = bz_survey::ReportConfig {
        audience,
        language: survey_lang(ctx.lang),
        municipality: input.area_name.clone(),
        police,
        ..bz_survey::ReportConfig::default()
    };
    Ok(bz_survey::analyse(
        &input.definition,
        &input.responses,
        &input.population,
        &config,
    ))
}

/// `GET /enquetes/{id}/rapport`: the report; analysts see the analyst view,
/// everyone else the published view with disclosure control.
pub async fn report(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = visible_survey(&st, &ctx, &id).await?;
    let analyst = ctx
        .subject
        .as_ref()
        .is_some_and(|s| s.roles.contains(&bz_domain::identity::Role::Analist));
    if analyst {
        audit_view(&st, &ctx, "survey.report.analyst", &s.id).await?;
    }
    let audience = if analyst {
        bz_survey::Audience::Analyst
    } else {
        bz_survey::Audience::Published
    };
    let report = build_report(&st, &ctx, &s, audience).await?;
    html(&ReportPage {
        page: ctx.page("survey.report_title"),
        survey_id: s.id,
        report,
        analyst,
    })
}
