//! Gebiedsscan pages: the runs over the organisation's areas, a run's class
//! distribution and scored addresses, an address's explanation per
//! indicator with the human decisions on it, and the algorithm register.

use crate::AppState;
use crate::ctx::{Ctx, PageCtx};
use crate::error::AppError;
use crate::i18n;
use crate::pages::{FieldError, error_for, html};
use crate::scanrun::{self, ScanArea, ScanRunError, Starter};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bz_domain::access::{self, Action, Resource};
use bz_domain::audit::Outcome;
use bz_domain::indicators::{IndicatorSet, describe_scaling, fmt_num};
use bz_domain::scan::{AreaKind, Decision};
use bz_store::audit::NewEntry;
use bz_store::scan::{DecisionRow, ResultWithAddress, RunRow};
use serde::Deserialize;

const PAGE: i64 = 50;

pub struct AreaChoice {
    pub code: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "scan_list.html")]
struct ListPage {
    page: PageCtx,
    runs: Vec<RunRow>,
    areas: Vec<AreaChoice>,
    may_run: bool,
    today: String,
    errors: Vec<FieldError>,
    /// Approved indicator sets to choose from: (`key@version`, label); the default first.
    sets: Vec<(String, String)>,
    may_view_sets: bool,
    /// What was entered, shown again with the errors.
    kind: String,
    naam: String,
    gebied: String,
}

impl ListPage {
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    fn when(&self, ts: &i64) -> String {
        i18n::datetime(*ts)
    }
    fn kind(&self, k: &str) -> String {
        self.page.t(&format!("scan.kind.{k}"))
    }
}

pub(crate) async fn subject_areas(st: &AppState, ctx: &Ctx) -> Result<Vec<AreaChoice>, AppError> {
    let s = ctx.subject.as_ref().ok_or(AppError::Unauthenticated)?;
    Ok(st
        .store
        .organisation_areas(&s.org_id)
        .await?
        .into_iter()
        .map(|a| AreaChoice {
            code: a.code,
            name: a.name,
        })
        .collect())
}

pub(crate) fn allowed(ctx: &Ctx, action: Action) -> bool {
    access::decide(ctx.subject.as_ref(), action, &Resource::Any).is_ok()
}

async fn list_page(
    st: &AppState,
    ctx: &Ctx,
    errors: Vec<FieldError>,
) -> Result<ListPage, AppError> {
    let areas = subject_areas(st, ctx).await?;
    let codes: Vec<String> = areas.iter().map(|a| a.code.clone()).collect();
    let runs = st.store.scan_runs(&codes).await?;
    Ok(ListPage {
        page: ctx.page("scan.title"),
        runs,
        areas,
        may_run: allowed(ctx, Action::RunScan),
        today: st.clock.today().to_string(),
        errors,
        sets: st
            .store
            .approved_indicator_sets()
            .await?
            .iter()
            .map(|s| (s.reference(), format!("{} ({})", s.name, s.reference())))
            .collect(),
        may_view_sets: allowed(ctx, Action::ViewIndicatorSets),
        kind: "buitengebied".into(),
        naam: String::new(),
        gebied: String::new(),
    })
}

pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    html(&list_page(&st, &ctx, Vec::new()).await?)
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    area: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    peildatum: String,
    /// `key@version` of an approved indicator set; empty for the default (spec v1).
    #[serde(default)]
    indicator_set: String,
    /// For an own area: its name and its boundary as GeoJSON (RD New or WGS84).
    #[serde(default)]
    naam: String,
    #[serde(default)]
    gebied: String,
}

/// The area of a new run from the form's fields, or the field errors.
pub(crate) fn chosen_area(
    ctx: &Ctx,
    code: &str,
    kind: AreaKind,
    name: &str,
    geojson: &str,
) -> Result<ScanArea, Vec<FieldError>> {
    if let Some(area) = ScanArea::of(code, kind) {
        return Ok(area);
    }
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError {
            field: "naam".into(),
            message: ctx.t("scan.error.area_name"),
        });
    }
    let boundary = if geojson.trim().is_empty() {
        errors.push(FieldError {
            field: "gebied".into(),
            message: ctx.t("scan.error.area_missing"),
        });
        None
    } else {
        match bz_geo::parse_area_geojson(geojson.as_bytes(), "GeoJSON") {
            Ok(b) => Some(b),
            Err(e) => {
                errors.push(FieldError {
                    field: "gebied".into(),
                    message: format!("{} {e}", ctx.t("scan.error.area_invalid")),
                });
                None
            }
        }
    };
    match boundary {
        Some(boundary) if errors.is_empty() => Ok(ScanArea::Eigen {
            gemeente: code.to_string(),
            name: name.to_string(),
            boundary,
        }),
        _ => Err(errors),
    }
}

/// An approved indicator set by reference (`key@version`); empty means the default.
pub(crate) async fn chosen_set(st: &AppState, reference: &str) -> Option<IndicatorSet> {
    if reference.trim().is_empty() {
        return Some(IndicatorSet::v1());
    }
    let (key, version) = bz_domain::indicators::parse_reference(reference.trim())?;
    st.store.approved_indicator_set(&key, version).await.ok()
}

pub async fn start(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<StartForm>,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let areas = subject_areas(&st, &ctx).await?;
    let mut errors = Vec::new();
    if !areas.iter().any(|a| a.code == f.area) {
        errors.push(FieldError {
            field: "area".into(),
            message: ctx.t("err.unknown_value"),
        });
    }
    let kind = AreaKind::parse(&f.kind);
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind".into(),
            message: ctx.t("err.unknown_value"),
        });
    }
    let peildatum = time::Date::parse(
        f.peildatum.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok();
    if peildatum.is_none() {
        errors.push(FieldError {
            field: "peildatum".into(),
            message: ctx.t("err.bad_date"),
        });
    }
    let set = chosen_set(&st, &f.indicator_set).await;
    if set.is_none() {
        errors.push(FieldError {
            field: "indicator_set".into(),
            message: ctx.t("err.unknown_value"),
        });
    }
    let area = match kind {
        Some(k) => match chosen_area(&ctx, &f.area, k, &f.naam, &f.gebied) {
            Ok(a) => Some(a),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        None => None,
    };
    if let (true, Some(area), Some(peildatum), Some(set)) =
        (errors.is_empty(), area, peildatum, set)
    {
        let who = Starter {
            user_id: &s.user_id,
            username: &s.username,
            org_id: &s.org_id,
        };
        // A new run changes the map: its cached tiles are dropped when it lands.
        match scanrun::run_area(&st.store, who, &area, peildatum, &set, st.clock.now_ms()).await {
            Ok(id) => {
                st.tiles.invalidate();
                return Ok(Redirect::to(&format!("/gebiedsscan/{id}")).into_response());
            }
            Err(ScanRunError::EmptyArea(_)) => errors.push(FieldError {
                field: if area.kind() == AreaKind::EigenGebied {
                    "gebied"
                } else {
                    "area"
                }
                .into(),
                message: ctx.t("scan.empty_area"),
            }),
            Err(e) => return Err(AppError::Internal(e.to_string())),
        }
    }
    let mut p = list_page(&st, &ctx, errors).await?;
    p.kind = f.kind;
    p.naam = f.naam;
    p.gebied = f.gebied;
    html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

/// Load a run and check that it covers one of the subject's areas.
pub(crate) async fn visible_run(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    action: Action,
) -> Result<RunRow, AppError> {
    let run = st.store.scan_run(id).await?;
    let areas = subject_areas(st, ctx).await?;
    let there = areas.iter().any(|a| a.code == run.area_code);
    access::decide(
        ctx.subject.as_ref(),
        action,
        &Resource::InArea {
            subject_works_there: there,
        },
    )
    .map_err(|_| AppError::NotFound)?;
    Ok(run)
}

#[derive(Template)]
#[template(path = "scan_run.html")]
struct RunPage {
    page: PageCtx,
    run: RunRow,
    inputs: Vec<(String, String)>,
    weights: Vec<(String, String)>,
    decisions: Vec<(String, i64)>,
    bias_groups: Vec<(String, u64, u64, u64)>,
    bias_single: Vec<(String, u64)>,
    bias_hoog: u64,
    show_results: bool,
    results: Vec<ResultWithAddress>,
    klasse: String,
    next_offset: Option<i64>,
}

impl RunPage {
    fn when(&self, ts: &i64) -> String {
        i18n::datetime(*ts)
    }
    fn score(&self, s: &f64) -> String {
        format!("{s:.3}")
    }
    fn addr(&self, r: &ResultWithAddress) -> String {
        format!(
            "{} {}{}, {}",
            r.straat,
            r.huisnummer,
            r.huisletter.clone().unwrap_or_default(),
            r.woonplaats
        )
    }
    fn decision_label(&self, d: &str) -> String {
        self.page.t(&format!("scan.decision.{d}"))
    }
    fn kind(&self, k: &str) -> String {
        self.page.t(&format!("scan.kind.{k}"))
    }
}

#[derive(Deserialize, Default)]
pub struct RunQuery {
    #[serde(default)]
    klasse: Option<String>,
    #[serde(default)]
    vanaf: Option<i64>,
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<RunQuery>,
) -> Result<Response, AppError> {
    let run = visible_run(&st, &ctx, &id, Action::ViewAreaAggregates).await?;
    let show_results = allowed(&ctx, Action::ViewScanResults);
    let klasse = q
        .klasse
        .filter(|k| ["hoog", "midden", "laag"].contains(&k.as_str()))
        .unwrap_or_default();
    let offset = q.vanaf.unwrap_or(0).max(0);
    let results = if show_results {
        st.store
            .scan_results(&run.id, Some(&klasse), PAGE + 1, offset)
            .await?
    } else {
        Vec::new()
    };
    let next_offset = (results.len() as i64 > PAGE).then_some(offset + PAGE);
    let results: Vec<_> = results.into_iter().take(PAGE as usize).collect();
    if show_results && let Some(s) = &ctx.subject {
        st.store
            .audit(
                NewEntry {
                    actor_id: Some(s.user_id.clone()),
                    actor_name: s.username.clone(),
                    org_id: Some(s.org_id.clone()),
                    action: "scan.results.view",
                    object_type: "scan_run",
                    object_id: run.id.clone(),
                    outcome: Outcome::Success,
                    detail: format!("{} adressen getoond", results.len()),
                },
                st.clock.now_ms(),
            )
            .await?;
    }
    let json_pairs = |s: &str| -> Vec<(String, String)> {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s)
            .map(|m| m.into_iter().map(|(k, v)| (k, v.to_string())).collect())
            .unwrap_or_default()
    };
    let bias: serde_json::Value = serde_json::from_str(&run.bias).unwrap_or_default();
    let bias_groups = bias["per_stedelijkheid"]
        .as_array()
        .map(|gs| {
            gs.iter()
                .map(|g| {
                    (
                        g["group"].as_str().unwrap_or("").to_string(),
                        g["addresses"].as_u64().unwrap_or(0),
                        g["hoog"].as_u64().unwrap_or(0),
                        g["midden"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let bias_single = bias["hoog_depends_on_one_indicator"]
        .as_array()
        .map(|xs| {
            xs.iter()
                .map(|x| {
                    (
                        ctx.t(&format!("indicator.{}", x[0].as_str().unwrap_or(""))),
                        x[1].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let page = RunPage {
        bias_groups,
        bias_single,
        bias_hoog: bias["hoog_total"].as_u64().unwrap_or(0),
        page: ctx.page("scan.run_title"),
        inputs: json_pairs(&run.inputs),
        weights: json_pairs(&run.weights),
        decisions: st.store.scan_decision_counts(&run.id).await?,
        run,
        show_results,
        results,
        klasse,
        next_offset,
    };
    html(&page)
}

pub struct Term {
    pub name: String,
    pub value: String,
    pub weight: String,
    pub contribution: String,
}

#[derive(Template)]
#[template(path = "scan_address.html")]
struct AddressPage {
    page: PageCtx,
    run: RunRow,
    r: ResultWithAddress,
    terms: Vec<Term>,
    score: String,
    decisions: Vec<DecisionRow>,
    choices: Vec<(&'static str, String)>,
    may_decide: bool,
    errors: Vec<FieldError>,
    form_reason: String,
    saved: bool,
    address_source: bz_store::sources::AddressSource,
    businesses: Vec<bz_store::sources::BusinessSource>,
    incidents: Vec<bz_store::sources::IncidentSource>,
    incident_window: (String, String),
    signals: Vec<(bz_store::signals::PlacedSignal, f64, String)>,
    signal_window: (String, String),
    history: Vec<bz_store::area::AddressVersion>,
}

impl AddressPage {
    fn moved(&self, v: &bz_store::area::AddressVersion) -> String {
        let d = ((v.row.x - self.r.x).powi(2) + (v.row.y - self.r.y).powi(2)).sqrt();
        format!("{d:.0} m")
    }
    fn metres(&self, m: &f64) -> String {
        format!("{m:.0} m")
    }
    fn kind_label(&self, k: &str) -> String {
        self.page.t(&format!("incident.{k}"))
    }
    fn err(&self, field: &str) -> Option<String> {
        error_for(&self.errors, field)
    }
    fn when(&self, ts: &i64) -> String {
        i18n::datetime(*ts)
    }
    fn decision_label(&self, d: &str) -> String {
        self.page.t(&format!("scan.decision.{d}"))
    }
}

async fn address_page(
    st: &AppState,
    ctx: &Ctx,
    run_id: &str,
    address_id: &str,
    errors: Vec<FieldError>,
    form_reason: String,
    saved: bool,
) -> Result<AddressPage, AppError> {
    let run = visible_run(st, ctx, run_id, Action::ViewScanResults).await?;
    let r = st.store.scan_result(&run.id, address_id).await?;
    let s = ctx.subject.as_ref().ok_or(AppError::Unauthenticated)?;
    st.store
        .audit(
            NewEntry {
                actor_id: Some(s.user_id.clone()),
                actor_name: s.username.clone(),
                org_id: Some(s.org_id.clone()),
                action: "scan.address.view",
                object_type: "address",
                object_id: address_id.to_string(),
                outcome: Outcome::Success,
                detail: format!("run {}", run.id),
            },
            st.clock.now_ms(),
        )
        .await?;
    let x = &r.result;
    // The explanation with the run's own indicator set (weights, caps, contributions).
    let set = crate::pages::indicators::set_of_run(st, &run).await?;
    let terms = crate::pages::indicators::terms(ctx.lang, &set, &scanrun::raw_values(x));
    // The source data behind the indicators, with the scan's own windows.
    let peildatum = bz_scan::io::parse_date(&run.peildatum)
        .ok_or_else(|| AppError::Internal(format!("run {}: bad peildatum", run.id)))?;
    let from = bz_scan::window_start(peildatum, 5).to_string();
    let incidents = st
        .store
        .incidents_near(r.x, r.y, 1000.0, &from, &run.peildatum)
        .await?;
    let signal_from = bz_scan::window_start(peildatum, 2).to_string();
    let signals = st
        .store
        .signals_near(r.x, r.y, 500.0, &signal_from, &run.peildatum)
        .await?;
    let address_source = st.store.address_source(address_id).await?;
    let businesses = st.store.businesses_at(address_id).await?;
    let history = st.store.address_history(address_id).await?;
    Ok(AddressPage {
        history,
        address_source,
        businesses,
        incidents,
        incident_window: (from, run.peildatum.clone()),
        signals,
        signal_window: (signal_from, run.peildatum.clone()),
        page: ctx.page("scan.address_title"),
        score: format!("{:.3}", x.score),
        terms,
        decisions: st.store.scan_decisions(&run.id, address_id).await?,
        choices: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), ctx.t(&format!("scan.decision.{}", d.as_str()))))
            .collect(),
        may_decide: allowed(ctx, Action::DecideScan),
        run,
        r,
        errors,
        form_reason,
        saved,
    })
}

pub async fn address(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((run_id, address_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    html(
        &address_page(
            &st,
            &ctx,
            &run_id,
            &address_id,
            Vec::new(),
            String::new(),
            false,
        )
        .await?,
    )
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((run_id, address_id)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let s = ctx.subject.clone().ok_or(AppError::Unauthenticated)?;
    let run = visible_run(&st, &ctx, &run_id, Action::DecideScan).await?;
    st.store.scan_result(&run.id, &address_id).await?;
    let mut errors = Vec::new();
    let decision = Decision::parse(&f.decision);
    if decision.is_none() {
        errors.push(FieldError {
            field: "decision".into(),
            message: ctx.t("err.required"),
        });
    }
    let reason = bz_domain::scan::reason(&f.reason)
        .map_err(|p| {
            errors.push(FieldError {
                field: "reason".into(),
                message: ctx.t(p.message_key()),
            })
        })
        .ok();
    if let (Some(decision), Some(reason)) = (decision, reason) {
        scanrun::record_decision(
            &st.store,
            &s,
            &run,
            &address_id,
            decision,
            reason,
            st.clock.now_ms(),
        )
        .await?;
        return html(
            &address_page(
                &st,
                &ctx,
                &run_id,
                &address_id,
                Vec::new(),
                String::new(),
                true,
            )
            .await?,
        );
    }
    let p = address_page(
        &st,
        &ctx,
        &run_id,
        &address_id,
        errors,
        f.reason.clone(),
        false,
    )
    .await?;
    html(&p).map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

#[derive(Template)]
#[template(path = "algorithm.html")]
struct AlgorithmPage {
    page: PageCtx,
    indicators: Vec<Term>,
    /// The class cut-offs of the described set, in words.
    classes: String,
}

/// The class cut-offs of a set, in words (Dutch decimal comma in Dutch).
fn classes_text(lang: i18n::Lang, set: &IndicatorSet) -> String {
    let n = |x: f64| {
        let s = fmt_num(x);
        if lang == i18n::Lang::Nl {
            s.replace('.', ",")
        } else {
            s
        }
    };
    i18n::tr_args(
        lang,
        "indicatorset.classes",
        &[
            ("hoog", &n(set.cutoffs.hoog)),
            ("midden", &n(set.cutoffs.midden)),
            ("set", &set.reference()),
        ],
    )
}

/// The algorithm register entry of the gebiedsscan (public): the latest approved indicator set.
pub async fn algorithm_register(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Response, AppError> {
    let set = st.store.latest_approved_indicator_set().await?;
    let indicators = set
        .enabled()
        .map(|c| Term {
            name: ctx.t(&format!("indicator.{}", c.indicator.name())),
            value: ctx.t(&format!("indicator.{}.definition", c.indicator.name())),
            weight: format!("{:.2}", c.weight),
            contribution: describe_scaling(c.scaling),
        })
        .collect();
    html(&AlgorithmPage {
        page: ctx.page("algorithm.title"),
        indicators,
        classes: classes_text(ctx.lang, &set),
    })
}

/// The register entry of the gebiedsscan for one organisation, from the Dutch texts.
pub fn register_entry(
    organization: &str,
    contact: &str,
    set: &IndicatorSet,
) -> bz_domain::algorithm_register::AlgorithmIn {
    use bz_domain::algorithm_register::{AlgorithmIn, STANDARD_VERSION};
    let nl = |k: &str| i18n::tr(i18n::Lang::Nl, k);
    let indicators: String = set
        .enabled()
        .map(|c| {
            let name = c.indicator.name();
            format!(
                "<li>{} (gewicht {:.2}, {}): {}</li>",
                nl(&format!("indicator.{name}")),
                c.weight,
                describe_scaling(c.scaling).replace("0 or 1", "0 of 1"),
                nl(&format!("indicator.{name}.definition"))
            )
        })
        .collect();
    let count = set.enabled().count();
    AlgorithmIn {
        name: "Gebiedsscan kwetsbare locaties buitengebied".into(),
        description_short: "Deze scan combineert adres-, bedrijfs- en partnergegevens tot een indicatie van plekken in het buitengebied die kwetsbaar kunnen zijn voor drugscriminaliteit. Een medewerker beslist daarna of een gesprek, een coach of een gezamenlijke controle zinvol is.".into(),
        organization: organization.chars().take(100).collect(),
        category: vec!["Openbare orde en veiligheid".into()],
        status: "In gebruik".into(),
        begin_date: None,
        contact_email: contact.into(),
        publication_category: "Impactvolle algoritmes".into(),
        goal: format!("<p>{}</p>", nl("algorithm.purpose_value")),
        proportionality: "<p>De scan gebruikt alleen gegevens over adressen, gebouwen, bedrijven en incidenten in de omgeving, geen gegevens over personen. Alternatief is handmatig zoeken in losse bestanden; dat is minder volledig en minder controleerbaar.</p>".into(),
        human_intervention: format!("<p>{}</p>", nl("algorithm.human_value")),
        risks: format!("<p>{}</p>", nl("algorithm.risks_value")),
        lawful_basis: format!("<p>{}</p>", nl("algorithm.legal_value")),
        source_data: format!("<p>{}</p>", nl("algorithm.data_value")),
        methods_and_models: format!(
            "<p>Regelgebaseerd, niet zelflerend. Indicatorenset {} ({}): per adres {count} indicatoren met vaste, goedgekeurde gewichten; de score is de gewogen som.</p><ul>{indicators}</ul><p>{}</p>",
            set.reference(),
            set.name,
            classes_text(i18n::Lang::Nl, set)
        ),
        provider: "Buitenzicht".into(),
        lang: "nld".into(),
        standard_version: STANDARD_VERSION.into(),
        source_id: set.reference(),
        tags: "buitengebied, ondermijning, drugscriminaliteit, gebiedsscan".into(),
    }
}

/// `GET /api/v1/algoritmeregister`: one entry per municipality organisation (public).
pub async fn algorithm_register_json(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if st.config.tls { "https" } else { "http" };
    let contact = format!("{scheme}://{host}/algoritmeregister");
    let mut entries = Vec::new();
    let set = st.store.latest_approved_indicator_set().await?;
    for o in st.store.organisations().await? {
        if o.org_type != bz_domain::identity::OrgType::Gemeente || !o.active {
            continue;
        }
        let e = register_entry(&o.name, &contact, &set);
        let problems = bz_domain::algorithm_register::validate(&e);
        if !problems.is_empty() {
            return Err(AppError::Internal(format!(
                "register entry for {} is invalid: {problems:?}",
                o.name
            )));
        }
        entries.push(e);
    }
    Ok(axum::Json(entries).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_register_entry_meets_the_publication_standard() {
        let e = super::register_entry(
            "Gemeente Heidewolde",
            "https://buitenzicht.example/algoritmeregister",
            &bz_domain::indicators::IndicatorSet::v1(),
        );
        assert_eq!(bz_domain::algorithm_register::validate(&e), vec![]);
        assert!(e.methods_and_models.contains("0.30"));
    }
}
