//! Downloads of the survey: the responses as CSV and XLSX (analysts only,
//! audited; one row per response, no code or address), the aggregated,
//! disclosure-controlled tables as CSV for everyone else, and the report as
//! an A4 PDF (the analyst view for analysts, the published view otherwise).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::deboerop::audit_view;
use crate::pages::survey_admin::{build_report, visible_survey};
use axum::extract::{Extension, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bz_survey::{Answer, Definition};

fn download(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn cell(a: Option<&Answer>) -> String {
    match a {
        Some(Answer::Text(s)) | Some(Answer::Choice(s)) | Some(Answer::Date(s)) => s.clone(),
        Some(Answer::Integer(n)) => n.to_string(),
        Some(Answer::Choices(v)) => v.join(" "),
        None => String::new(),
    }
}

/// The header and rows of the responses (question names as columns).
async fn response_table(
    st: &AppState,
    survey_id: &str,
) -> Result<(Vec<String>, Vec<Vec<String>>), AppError> {
    let s = st.store.survey(survey_id).await?;
    let def = Definition::parse(&s.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let questions: Vec<&str> = def
        .questions
        .iter()
        .filter(|q| !matches!(q.kind, bz_survey::definition::QuestionType::Note))
        .map(|q| q.name.as_str())
        .collect();
    let mut header = vec![
        "ingevuld_op".to_string(),
        "kanaal".into(),
        "woonplaats".into(),
    ];
    header.extend(questions.iter().map(|q| q.to_string()));
    let mut rows = Vec::new();
    for (answers, area, channel, day) in st.store.survey_responses(survey_id).await? {
        let answers: bz_survey::Answers =
            serde_json::from_str(&answers).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut row = vec![day, channel, area.unwrap_or_default()];
        row.extend(questions.iter().map(|q| cell(answers.get(*q))));
        rows.push(row);
    }
    Ok((header, rows))
}

/// `GET /enquetes/{id}/antwoorden.csv`: every response (analysts only).
pub async fn responses_csv(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = visible_survey(&st, &ctx, &id).await?;
    audit_view(&st, &ctx, "survey.responses.csv", &s.id).await?;
    let (header, rows) = response_table(&st, &s.id).await?;
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(err)?;
    for r in &rows {
        w.write_record(r).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download("text/csv; charset=utf-8", "antwoorden.csv", bytes))
}

/// `GET /enquetes/{id}/antwoorden.xlsx`: the same as a spreadsheet.
pub async fn responses_xlsx(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let s = visible_survey(&st, &ctx, &id).await?;
    audit_view(&st, &ctx, "survey.responses.xlsx", &s.id).await?;
    let (header, rows) = response_table(&st, &s.id).await?;
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("antwoorden").map_err(err)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            match v.parse::<i64>() {
                Ok(n) if c >= 3 => ws
                    .write_number(i as u32 + 1, c as u16, n as f64)
                    .map_err(err)?,
                _ => ws.write_string(i as u32 + 1, c as u16, v).map_err(err)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let bytes = wb.save_to_buffer().map_err(err)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "antwoorden.xlsx",
        bytes,
    ))
}

/// `GET /enquetes/{id}/tabellen.csv`: the published (disclosure-controlled)
/// frequency tables, for everyone who may read the report.
pub async fn tables_csv(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = visible_survey(&st, &ctx, &id).await?;
    let report = build_report(&st, &ctx, &s, bz_survey::Audience::Published).await?;
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "onderdeel",
        "vraag",
        "antwoord",
        "aantal",
        "aandeel",
        "ondergrens",
        "bovengrens",
    ])
    .map_err(err)?;
    let pct = |v: Option<f64>| {
        v.map(|v| format!("{:.1}", v * 100.0))
            .unwrap_or_else(|| "x".into())
    };
    for sec in &report.sections {
        for t in &sec.tables {
            for r in &t.rows {
                let count = r
                    .count
                    .value()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "< 5".into());
                w.write_record([
                    sec.title.as_str(),
                    t.label.as_str(),
                    r.label.as_str(),
                    count.as_str(),
                    pct(r.percent).as_str(),
                    pct(r.lower).as_str(),
                    pct(r.upper).as_str(),
                ])
                .map_err(err)?;
            }
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download("text/csv; charset=utf-8", "tabellen.csv", bytes))
}

/// `GET /enquetes/{id}/rapport.pdf`: the report as an A4 PDF.
pub async fn report_pdf(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = visible_survey(&st, &ctx, &id).await?;
    let analyst = ctx
        .subject
        .as_ref()
        .is_some_and(|s| s.roles.contains(&bz_domain::identity::Role::Analist));
    let audience = if analyst {
        bz_survey::Audience::Analyst
    } else {
        bz_survey::Audience::Published
    };
    if analyst {
        audit_view(&st, &ctx, "survey.report.analyst", &s.id).await?;
    }
    let report = build_report(&st, &ctx, &s, audience).await?;
    let t = |k: &str| ctx.t(k);
    let labels = bz_pdf::survey_report::SurveyReportLabels {
        summary: t("survey.report_summary"),
        method: t("survey.report_method"),
        responses: t("survey.completed"),
        online: t("survey.pdf_online"),
        paper: t("survey.pdf_paper"),
        indicators: t("survey.report_indicators"),
        indicator: t("survey.report_indicator"),
        share: t("survey.report_share"),
        interval: t("survey.report_interval"),
        base: t("survey.report_base"),
        answer: t("survey.report_answer"),
        count: t("home.count"),
        references: t("survey.report_references"),
        ours: t("survey.report_ours"),
        national: t("survey.report_national"),
        source: t("survey.report_source"),
        police: t("survey.report_police"),
        no_police: t("survey.report_no_police"),
        kind: t("survey.report_kind"),
        year: t("survey.report_year"),
        advice: t("survey.report_advice"),
        no_advice: t("survey.report_no_advice"),
        because: t("survey.report_because"),
        generated: t("survey.pdf_generated"),
        page_of: t("survey.pdf_page_of"),
    };
    let notice = if analyst {
        t("survey.report_analyst")
    } else {
        t("survey.report_published")
    };
    let today = st.clock.today();
    let lang = if ctx.lang == Lang::Nl { "nl" } else { "en" }.to_string();
    let pdf = tokio::task::spawn_blocking(move || {
        let doc = bz_pdf::survey_report::SurveyReportDoc {
            lang,
            generated: today.to_string(),
            notice,
            labels,
            report: &report,
        };
        bz_pdf::survey_report::render(&doc, today)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download("application/pdf", "rapport.pdf", pdf))
}
