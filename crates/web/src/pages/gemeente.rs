//! The municipality "in één oogopslag": key figures, incidents per kind per
//! year for the last five years, the latest scan's class distribution, with
//! server-side SVG charts that have a data table beside them. Printable on A4.
//! Slots of later capabilities (signals, survey, programme) appear only when
//! they have data.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::pages::scan::{allowed, subject_areas};
use crate::pages::{html, years_before};
use askama::Template;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bz_domain::access::{self, Action, Resource};
use bz_store::area::AreaFigures;
use bz_store::scan::RunRow;

/// One bar of a chart: label, value, bar length in the SVG's units, shown text.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub shown: String,
    pub width: f64,
    pub y: i64,
}

/// A horizontal bar chart drawn as SVG from its data (the same rows as its table).
pub struct Chart {
    pub id: String,
    pub title: String,
    pub bars: Vec<Bar>,
    pub height: i64,
}

const CHART_WIDTH: f64 = 360.0;
const BAR_STEP: i64 = 28;

fn chart(id: &str, title: String, rows: Vec<(String, i64, String)>) -> Chart {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value, shown))| Bar {
            label,
            value,
            shown,
            width: (value as f64 / max * CHART_WIDTH).max(if value > 0 { 2.0 } else { 0.0 }),
            y: i as i64 * BAR_STEP,
        })
        .collect();
    Chart {
        id: id.to_string(),
        title,
        height: bars.len() as i64 * BAR_STEP + 4,
        bars,
    }
}

#[derive(Template)]
#[template(path = "gemeente.html")]
struct GemeentePage {
    page: PageCtx,
    code: String,
    name: String,
    area_km2: String,
    figures: AreaFigures,
    latest: Option<RunRow>,
    years: Vec<String>,
    kinds: Vec<(String, Vec<String>)>,
    per_year: Chart,
    classes: Option<Chart>,
    since: String,
    today: String,
    suppress: bool,
    /// Signals per category in the same five years (shown only when there are any).
    signals: Vec<(String, String)>,
    /// De boer op: rounds, addresses on their lists, visited, conversations.
    rounds: (String, String, String, String),
    /// Integrale acties and their outcomes per scan class:
    /// (class, acted on, with findings) with small counts suppressed.
    actions: String,
    action_classes: Vec<(String, String, String)>,
}

impl GemeentePage {
    fn bar_x(&self) -> i64 {
        190
    }
}

/// A category code as a label: `drugsafval_dumping` → `Drugsafval dumping`
/// (signal categories are free text in gebiedsscan v1).
fn humanise(code: &str) -> String {
    let s = code.replace(['_', '-'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Counts 1–4 are shown as "< 5" to roles without address-level access.
fn shown(lang: crate::i18n::Lang, n: i64, suppress: bool) -> String {
    if suppress && (1..5).contains(&n) {
        "< 5".into()
    } else {
        crate::i18n::number(lang, n)
    }
}

pub async fn page(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    html(&load(&st, &ctx, &code).await?)
}

/// The same page as an A4 PDF (Typst, fonts embedded).
pub async fn pdf(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let p = load(&st, &ctx, &code).await?;
    let t = |k: &str| ctx.t(k);
    let mut figures = vec![bz_pdf::gemeente::Figure {
        label: t("home.addresses"),
        value: p.page.num(&p.figures.addresses),
    }];
    if let Some(run) = &p.latest {
        figures.push(bz_pdf::gemeente::Figure {
            label: t("gemeente.buitengebied"),
            value: p.page.num(&run.buitengebied),
        });
    }
    for (k, v) in [
        ("home.out_of_use", p.figures.addresses_out_of_use),
        ("home.large_buildings", p.figures.large_business_buildings),
        ("home.agri_active", p.figures.agri_active),
        ("home.agri_ended", p.figures.agri_ended),
    ] {
        figures.push(bz_pdf::gemeente::Figure {
            label: t(k),
            value: p.page.num(&v),
        });
    }
    // Signals per category, as key figures (the same rows as the page's table).
    for (cat, n) in &p.signals {
        figures.push(bz_pdf::gemeente::Figure {
            label: format!("{}: {}", t("gemeente.signals"), cat),
            value: n.clone(),
        });
    }
    let report = bz_pdf::gemeente::GemeenteReport {
        lang: ctx.lang.code().to_string(),
        title: t("gemeente.title"),
        name: p.name.clone(),
        code: p.code.clone(),
        area_km2: p.area_km2.clone(),
        generated: p.today.clone(),
        figures,
        years: p.years.clone(),
        incidents: p
            .kinds
            .iter()
            .map(|(kind, counts)| bz_pdf::gemeente::IncidentRow {
                kind: kind.clone(),
                counts: counts.clone(),
            })
            .collect(),
        incident_totals: p.per_year.bars.iter().map(|b| b.shown.clone()).collect(),
        incident_values: p
            .per_year
            .bars
            .iter()
            .map(|b| b.value.max(0) as u64)
            .collect(),
        classes: p
            .classes
            .as_ref()
            .map(|c| {
                c.bars
                    .iter()
                    .map(|b| bz_pdf::gemeente::Bar {
                        label: b.label.clone(),
                        value: b.value.max(0) as u64,
                        shown: b.shown.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        scan_note: match &p.latest {
            Some(run) => format!(
                "{} {} ({}), {} {}. {}",
                t("home.scan_latest"),
                run.peildatum,
                t(&format!("scan.kind.{}", run.area_kind)),
                p.page.num(&run.addresses),
                t("scan.addresses"),
                t("map.not_a_finding")
            ),
            None => t("scan.no_runs"),
        },
        notes: if p.suppress {
            vec![t("gemeente.suppressed")]
        } else {
            Vec::new()
        },
        labels: bz_pdf::gemeente::GemeenteLabels {
            code: t("gemeente.pdf.code"),
            area: t("gemeente.pdf.area"),
            figures: t("gemeente.figures"),
            incidents: t("gemeente.incidents"),
            chart_incidents: t("gemeente.chart.incidents"),
            incidents_table: t("gemeente.incidents_table"),
            kind: t("home.kind"),
            total: t("gemeente.total"),
            no_incidents: t("home.no_incidents"),
            scan: t("gemeente.scan"),
            chart_classes: t("gemeente.chart.classes"),
            class: t("map.panel.klasse"),
            count: t("home.count"),
            no_scan: t("scan.no_runs"),
            generated: t("gemeente.pdf.generated"),
            page_of: t("gemeente.pdf.page_of"),
        },
    };
    let today = st.clock.today();
    let bytes = tokio::task::spawn_blocking(move || report.render(today))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"buitenzicht-{}-{}.pdf\"",
        p.code, p.today
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

async fn load(st: &AppState, ctx: &Ctx, code: &str) -> Result<GemeentePage, AppError> {
    let code = code.to_string();
    let st = st.clone();
    let ctx = ctx.clone();
    let areas = subject_areas(&st, &ctx).await?;
    let there = areas.iter().any(|a| a.code == code);
    access::decide(
        ctx.subject.as_ref(),
        Action::ViewAreaAggregates,
        &Resource::InArea {
            subject_works_there: there,
        },
    )
    .map_err(|_| AppError::NotFound)?;
    let g = st
        .store
        .gemeenten()
        .await?
        .into_iter()
        .find(|g| g.code == code)
        .ok_or(AppError::NotFound)?;
    let today = st.clock.today();
    let since_5y = years_before(today, 5);
    let since_10y = years_before(today, 10);
    let figures = st
        .store
        .area_figures(
            &code,
            &today.to_string(),
            &since_5y.to_string(),
            &since_10y.to_string(),
        )
        .await?;
    let latest = st
        .store
        .scan_runs(std::slice::from_ref(&code))
        .await?
        .into_iter()
        .next();
    let suppress = !allowed(&ctx, Action::ViewLocationDetails);
    // The five calendar years up to this one, even when a year has no incidents.
    let first_year = today.year() - 4;
    let years: Vec<String> = (first_year..=today.year()).map(|y| y.to_string()).collect();
    let since = format!("{first_year}-01-01");
    let rows = st.store.incidents_by_kind_year(&code, &since).await?;
    let mut kind_names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    kind_names.dedup();
    let kinds: Vec<(String, Vec<String>)> = kind_names
        .iter()
        .map(|k| {
            let cells = years
                .iter()
                .map(|y| {
                    let n = rows
                        .iter()
                        .find(|r| &r.0 == k && &r.1 == y)
                        .map_or(0, |r| r.2);
                    shown(ctx.lang, n, suppress)
                })
                .collect();
            (ctx.t(&format!("incident.{k}")), cells)
        })
        .collect();
    let per_year = chart(
        "chart-incidents",
        ctx.t("gemeente.chart.incidents"),
        years
            .iter()
            .map(|y| {
                let n: i64 = rows.iter().filter(|r| &r.1 == y).map(|r| r.2).sum();
                (y.clone(), n, shown(ctx.lang, n, suppress))
            })
            .collect(),
    );
    let classes = latest.as_ref().map(|run| {
        chart(
            "chart-classes",
            ctx.t("gemeente.chart.classes"),
            [
                ("hoog", run.hoog),
                ("midden", run.midden),
                ("laag", run.laag),
            ]
            .into_iter()
            .map(|(k, n)| {
                (
                    ctx.t(&format!("scan.class.{k}")),
                    n,
                    shown(ctx.lang, n, suppress),
                )
            })
            .collect(),
        )
    });
    let signals = st
        .store
        .signals_by_category(&code, &since)
        .await?
        .into_iter()
        .map(|(cat, n)| (humanise(&cat), shown(ctx.lang, n, suppress)))
        .collect();
    let (n_rounds, targets, visited, talked) =
        crate::pages::deboerop::municipality_summary(&st, &code).await?;
    let (n_actions, per_class) = crate::pages::acties::municipality_figures(&st, &code).await?;
    let p = GemeentePage {
        rounds: (
            n_rounds.to_string(),
            shown(ctx.lang, targets as i64, suppress),
            shown(ctx.lang, visited as i64, suppress),
            shown(ctx.lang, talked as i64, suppress),
        ),
        actions: n_actions.to_string(),
        action_classes: per_class
            .iter()
            .map(|c| {
                (
                    c.klasse.clone(),
                    shown(ctx.lang, c.addresses as i64, suppress),
                    shown(ctx.lang, c.with_findings as i64, suppress),
                )
            })
            .collect(),
        signals,
        page: ctx.page("gemeente.title"),
        code: g.code,
        name: g.name,
        area_km2: format!("{:.0}", g.area_m2 / 1e6),
        figures,
        latest,
        years,
        kinds,
        per_year,
        classes,
        since,
        today: today.to_string(),
        suppress,
    };
    Ok(p)
}
