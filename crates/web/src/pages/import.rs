//! The import upload page (`/beheer/import`) for beheerders and analysts: choose
//! what to import, upload the file (the page shows the upload's progress), then
//! follow the import itself on its job page, which shows the same problems as
//! the command line — file, line or row, column and reason — in Dutch or
//! English. A refused import changes nothing.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::imports::{ImportJob, ImportKind, JobOutcome};
use crate::pages::{FieldError, html};
use askama::Template;
use axum::Json;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bz_domain::audit::Outcome;
use bz_domain::identity::Role;
use bz_import::{Actor, IncidentTerms, Phase, Source};
use bz_store::audit::NewEntry;
use serde::Serialize;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// A remembered job as listed.
pub struct JobListing {
    pub id: String,
    pub kind: String,
    pub file_name: String,
    pub started: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct FormPage {
    page: PageCtx,
    kinds: Vec<(String, String)>,
    organisations: Vec<String>,
    max_upload: String,
    jobs: Vec<JobListing>,
}

fn state_label(lang: Lang, job: &ImportJob) -> String {
    let key = match job.outcome() {
        Some(JobOutcome::Done(_)) => "import.state.done",
        Some(JobOutcome::Refused { .. }) => "import.state.refused",
        None => match job.progress.phase() {
            Phase::Reading => "import.phase.lezen",
            Phase::Writing => "import.phase.opslaan",
            Phase::Done => "import.phase.klaar",
        },
    };
    i18n::tr(lang, key)
}

fn may_see(ctx: &Ctx, job: &ImportJob) -> bool {
    ctx.subject
        .as_ref()
        .is_some_and(|s| s.user_id == job.user_id || s.roles.contains(&Role::Beheerder))
}

fn visible_jobs(st: &AppState, ctx: &Ctx) -> Vec<Arc<ImportJob>> {
    match &ctx.subject {
        Some(s) => st
            .imports
            .visible(&s.user_id, s.roles.contains(&Role::Beheerder)),
        None => Vec::new(),
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// `GET /beheer/import`: the form and the recent imports.
pub async fn form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let organisations = st
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    let jobs = visible_jobs(&st, &ctx)
        .iter()
        .map(|j| JobListing {
            id: j.id.clone(),
            kind: ctx.t(&format!("import.kind.{}", j.kind.key())),
            file_name: j.file_name.clone(),
            started: i18n::datetime(j.started_at),
            state: state_label(ctx.lang, j),
        })
        .collect();
    html(&FormPage {
        page: ctx.page("import.title"),
        kinds: ImportKind::ALL
            .iter()
            .map(|k| {
                (
                    k.key().to_string(),
                    ctx.t(&format!("import.kind.{}", k.key())),
                )
            })
            .collect(),
        organisations,
        max_upload: mib(st.config.max_upload_bytes as u64),
        jobs,
    })
}

/// The answer to the upload: where to follow the job, or what is wrong.
#[derive(Serialize)]
struct UploadAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    errors: Vec<FieldErrorJson>,
}

#[derive(Serialize)]
struct FieldErrorJson {
    field: String,
    message: String,
}

fn refuse(errors: Vec<FieldError>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(UploadAnswer {
            url: None,
            errors: errors
                .into_iter()
                .map(|e| FieldErrorJson {
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        }),
    )
        .into_response()
}

/// The uploaded file's own name, without any directory part, safe to use as
/// a file name (its extension tells the BAG format).
fn clean_file_name(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    (!cleaned.is_empty() && cleaned != "." && cleaned != "..").then_some(cleaned)
}

/// The text fields of the form.
#[derive(Default)]
struct Fields {
    soort: String,
    bron: String,
    grondslag: String,
    bewaartermijn: String,
    peildatum: String,
    gemeente: String,
    code_property: String,
    name_property: String,
}

/// What to run, after the fields are checked.
enum Plan {
    Gemeenten {
        code: String,
        name: String,
    },
    Bag {
        peildatum: time::Date,
        gemeente: Option<String>,
    },
    Bedrijven,
    Incidenten(IncidentTerms),
    Signalen {
        bron: String,
    },
}

fn plan(
    ctx: &Ctx,
    f: &Fields,
    orgs: &[String],
    today: time::Date,
) -> Result<Plan, Vec<FieldError>> {
    let err = |field: &str, key: &str| FieldError {
        field: field.into(),
        message: ctx.t(key),
    };
    let Some(kind) = ImportKind::parse(f.soort.trim()) else {
        return Err(vec![err("soort", "import.error.kind")]);
    };
    let mut errors = Vec::new();
    let bron = f.bron.trim().to_string();
    let need_bron = matches!(kind, ImportKind::Incidenten | ImportKind::Signalen);
    if need_bron && !orgs.contains(&bron) {
        errors.push(err("bron", "import.error.bron"));
    }
    let plan = match kind {
        ImportKind::Gemeenten => {
            let prop = |s: &str, d: &str| {
                let s = s.trim();
                if s.is_empty() {
                    d.to_string()
                } else {
                    s.to_string()
                }
            };
            Plan::Gemeenten {
                code: prop(&f.code_property, "statcode"),
                name: prop(&f.name_property, "statnaam"),
            }
        }
        ImportKind::Bag => {
            let peildatum = match f.peildatum.trim() {
                "" => Some(today),
                s => bz_scan::io::parse_date(s),
            };
            let gemeente = f.gemeente.trim().to_ascii_uppercase();
            let gemeente_ok = gemeente.is_empty()
                || (gemeente.len() == 6
                    && gemeente.starts_with("GM")
                    && gemeente[2..].bytes().all(|b| b.is_ascii_digit()));
            if peildatum.is_none() {
                errors.push(err("peildatum", "import.error.peildatum"));
            }
            if !gemeente_ok {
                errors.push(err("gemeente", "import.error.gemeente"));
            }
            // With an error the plan is never run; `today` only fills the gap.
            Plan::Bag {
                peildatum: peildatum.unwrap_or(today),
                gemeente: (!gemeente.is_empty()).then_some(gemeente),
            }
        }
        ImportKind::Bedrijven => Plan::Bedrijven,
        ImportKind::Incidenten => {
            if f.grondslag.trim().chars().count() < 5 {
                errors.push(err("grondslag", "import.error.grondslag"));
            }
            let years = f
                .bewaartermijn
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|y| (1..=99).contains(y));
            if years.is_none() {
                errors.push(err("bewaartermijn", "import.error.bewaartermijn"));
            }
            Plan::Incidenten(IncidentTerms {
                bron: bron.clone(),
                grondslag: f.grondslag.trim().to_string(),
                bewaartermijn_jaren: years.unwrap_or(0),
            })
        }
        ImportKind::Signalen => Plan::Signalen { bron },
    };
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

fn kind_of(p: &Plan) -> ImportKind {
    match p {
        Plan::Gemeenten { .. } => ImportKind::Gemeenten,
        Plan::Bag { .. } => ImportKind::Bag,
        Plan::Bedrijven => ImportKind::Bedrijven,
        Plan::Incidenten(_) => ImportKind::Incidenten,
        Plan::Signalen { .. } => ImportKind::Signalen,
    }
}

/// `POST /beheer/import` (multipart, CSRF token in the `X-CSRF-Token`
/// header): store the file, check the fields, start the import. Answers
/// JSON: `202 {url}` of the job page, or `400 {errors: [{field, message}]}`.
pub async fn upload(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let Some(subject) = ctx.subject.clone() else {
        return Err(AppError::Unauthenticated);
    };
    let base = st
        .config
        .upload_dir
        .clone()
        .unwrap_or_else(std::env::temp_dir);
    tokio::fs::create_dir_all(&base)
        .await
        .map_err(|e| AppError::Internal(format!("upload dir {}: {e}", base.display())))?;
    let dir = tempfile::Builder::new()
        .prefix("import-")
        .tempdir_in(&base)
        .map_err(|e| AppError::Internal(format!("upload dir {}: {e}", base.display())))?;

    let mut fields = Fields::default();
    let mut file: Option<(String, std::path::PathBuf, u64)> = None;
    let mut errors = Vec::new();
    let bad_body = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::BadRequest(i18n::tr(ctx.lang, "import.error.too_large"))
        } else {
            AppError::BadRequest(i18n::tr(ctx.lang, "import.error.body"))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad_body)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "bestand" {
            let Some(file_name) = field.file_name().and_then(clean_file_name) else {
                // Drain and ignore a file part without a name.
                while field.chunk().await.map_err(bad_body)?.is_some() {}
                continue;
            };
            let path = dir.path().join(&file_name);
            let mut out = tokio::fs::File::create(&path)
                .await
                .map_err(|e| AppError::Internal(format!("upload file: {e}")))?;
            let mut n: u64 = 0;
            while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
                n += chunk.len() as u64;
                out.write_all(&chunk)
                    .await
                    .map_err(|e| AppError::Internal(format!("upload file: {e}")))?;
            }
            out.flush()
                .await
                .map_err(|e| AppError::Internal(format!("upload file: {e}")))?;
            file = Some((file_name, path, n));
            continue;
        }
        let value = field.text().await.map_err(bad_body)?;
        let slot = match name.as_str() {
            "soort" => &mut fields.soort,
            "bron" => &mut fields.bron,
            "grondslag" => &mut fields.grondslag,
            "bewaartermijn" => &mut fields.bewaartermijn,
            "peildatum" => &mut fields.peildatum,
            "gemeente" => &mut fields.gemeente,
            "code_property" => &mut fields.code_property,
            "name_property" => &mut fields.name_property,
            _ => continue,
        };
        *slot = value.chars().take(500).collect();
    }

    let orgs: Vec<String> = st
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    let today = time::OffsetDateTime::now_utc().date();
    let planned = plan(&ctx, &fields, &orgs, today);
    if let Err(e) = &planned {
        errors.extend(e.iter().cloned());
    }
    match &file {
        None => errors.push(FieldError {
            field: "bestand".into(),
            message: ctx.t("import.error.no_file"),
        }),
        Some((_, _, 0)) => errors.push(FieldError {
            field: "bestand".into(),
            message: ctx.t("import.error.empty_file"),
        }),
        Some(_) => {}
    }
    let (Ok(plan), Some((file_name, path, bytes)), true) = (planned, file, errors.is_empty())
    else {
        return Ok(refuse(errors));
    };

    let job = st.imports.add(ImportJob::new(
        kind_of(&plan),
        file_name.clone(),
        bytes,
        subject.user_id.clone(),
        st.clock.now(),
    ));
    let url = format!("/beheer/import/{}", job.id);
    let actor = Actor {
        user_id: Some(subject.user_id.clone()),
        name: subject.username.clone(),
        org_id: Some(subject.org_id.clone()),
    };
    let task_state = st.clone();
    tokio::spawn(async move {
        // The temporary directory (and the file in it) goes when the job ends.
        let _dir = dir;
        let source = Source {
            path,
            label: file_name,
        };
        let store = &task_state.store;
        let p = &job.progress;
        let result = match &plan {
            Plan::Gemeenten { code, name } => {
                bz_import::gemeenten(store, &source, code, name, &actor, p).await
            }
            Plan::Bag {
                peildatum,
                gemeente,
            } => bz_import::bag(store, &source, *peildatum, gemeente.as_deref(), &actor, p).await,
            Plan::Bedrijven => bz_import::bedrijven(store, &source, &actor, p).await,
            Plan::Incidenten(terms) => {
                bz_import::incidenten(store, &source, terms, &actor, p).await
            }
            Plan::Signalen { bron } => bz_import::signalen(store, &source, bron, &actor, p).await,
        };
        match result {
            Ok(done) => {
                // The map shows the new data at once.
                task_state.tiles.invalidate();
                job.finish(JobOutcome::Done(done));
            }
            Err(e) => {
                let (nl, en) = (e.lines(true), e.lines(false));
                let entry = NewEntry {
                    actor_id: actor.user_id.clone(),
                    actor_name: actor.name.clone(),
                    org_id: actor.org_id.clone(),
                    action: "import.refused",
                    object_type: "file",
                    object_id: source.label.clone(),
                    outcome: Outcome::Failure,
                    detail: format!(
                        "{}: {}",
                        job.kind.key(),
                        en.first().cloned().unwrap_or_default()
                    ),
                };
                if let Err(err) = store.audit(entry, task_state.clock.now_ms()).await {
                    tracing::error!("audit of a refused import failed: {err}");
                }
                job.finish(JobOutcome::Refused { nl, en });
            }
        }
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(UploadAnswer {
            url: Some(url),
            errors: Vec::new(),
        }),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    page: PageCtx,
    id: String,
    kind: String,
    file_name: String,
    size: String,
    started: String,
    state: String,
    running: bool,
    read: i64,
    written: i64,
    to_write: i64,
    summary: Option<String>,
    problems: Vec<String>,
}

fn job_of(st: &AppState, ctx: &Ctx, id: &str) -> Result<Arc<ImportJob>, AppError> {
    st.imports
        .get(id)
        .filter(|j| may_see(ctx, j))
        .ok_or(AppError::NotFound)
}

/// `GET /beheer/import/{job}`: progress and outcome of one import.
pub async fn job(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let job = job_of(&st, &ctx, &id)?;
    let outcome = job.outcome();
    let (written, to_write) = job.progress.written();
    let nl = ctx.lang == Lang::Nl;
    let (summary, problems) = match &outcome {
        Some(JobOutcome::Done(d)) => (
            Some(if nl {
                d.summary_nl.clone()
            } else {
                d.summary_en.clone()
            }),
            Vec::new(),
        ),
        Some(JobOutcome::Refused { nl: n, en }) => (None, if nl { n.clone() } else { en.clone() }),
        None => (None, Vec::new()),
    };
    html(&JobPage {
        page: ctx.page("import.job_title"),
        id: job.id.clone(),
        kind: ctx.t(&format!("import.kind.{}", job.kind.key())),
        file_name: job.file_name.clone(),
        size: mib(job.bytes),
        started: i18n::datetime(job.started_at),
        state: state_label(ctx.lang, &job),
        running: outcome.is_none(),
        read: job.progress.read() as i64,
        written: written as i64,
        to_write: to_write as i64,
        summary,
        problems,
    })
}

#[derive(Serialize)]
struct JobStatus {
    state: String,
    done: bool,
    read: u64,
    written: u64,
    to_write: u64,
}

/// `GET /beheer/import/{job}/status`: the job's progress as JSON (the page polls it).
pub async fn status(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let job = job_of(&st, &ctx, &id)?;
    let (written, to_write) = job.progress.written();
    Ok(Json(JobStatus {
        state: state_label(ctx.lang, &job),
        done: job.outcome().is_some(),
        read: job.progress.read(),
        written,
        to_write,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn uploaded_file_names_lose_directories_and_odd_characters() {
        assert_eq!(
            clean_file_name("C:\\data\\bag.zip").as_deref(),
            Some("bag.zip")
        );
        assert_eq!(
            clean_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(clean_file_name("a:b?.csv").as_deref(), Some("a_b_.csv"));
        assert_eq!(clean_file_name(".."), None);
        assert_eq!(clean_file_name("  "), None);
    }
}
